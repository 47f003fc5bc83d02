//! Pure search logic shared by both backends: the index definitions read from `search/`,
//! query analysis (Chinese word segmentation, stop words, synonyms), the filter model and its
//! Meilisearch expression, budget bands, highlighting and the page parameters.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;
use tantivy::tokenizer::{TokenStream, Tokenizer};
use tantivy_jieba::JiebaTokenizer;

/// Results per page on the search pages and the API (the API accepts up to [`MAX_PER_PAGE`]).
pub const PER_PAGE: usize = 20;
/// Largest page size the API accepts.
pub const MAX_PER_PAGE: usize = 100;
/// Longest query kept, in characters; longer input is refused with a message.
pub const MAX_QUERY_CHARS: usize = 100;

pub use crate::kernel::outbox::Kind;

use crate::kernel::text;

impl Kind {
    /// Index name and the file name in `search/`.
    pub fn uid(self) -> &'static str {
        match self {
            Kind::Tenders => "tenders",
            Kind::Orgs => "organizations",
            Kind::Brands => "brands",
        }
    }

    /// The kind a page points to when the words find nothing of this one: organizations for
    /// tenders and brands, tenders for organizations.
    pub fn other(self) -> Kind {
        match self {
            Kind::Tenders | Kind::Brands => Kind::Orgs,
            Kind::Orgs => Kind::Tenders,
        }
    }

    /// The index definition.
    pub fn def(self) -> &'static IndexDef {
        static TENDERS: LazyLock<IndexDef> =
            LazyLock::new(|| IndexDef::parse(include_str!("../../search/tenders.json")));
        static ORGS: LazyLock<IndexDef> =
            LazyLock::new(|| IndexDef::parse(include_str!("../../search/organizations.json")));
        static BRANDS: LazyLock<IndexDef> =
            LazyLock::new(|| IndexDef::parse(include_str!("../../search/brands.json")));
        match self {
            Kind::Tenders => &TENDERS,
            Kind::Orgs => &ORGS,
            Kind::Brands => &BRANDS,
        }
    }
}

/// CivicBridge's own part of an index file (`x-civicbridge`), which Meilisearch does not take.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Extension {
    /// Primary key attribute.
    pub primary_key: String,
    /// Attributes holding integers (booleans are stored as 0/1).
    pub numeric: Vec<String>,
    /// Attributes whose whole value, typed exactly, ranks a document first.
    pub exact: Vec<String>,
    /// Filterable attributes offered as facets with counts, in display order.
    pub facets: Vec<String>,
    /// Sort options of the pages: name → `attribute:asc|desc`.
    pub sorts: BTreeMap<String, String>,
    /// Attributes shown with highlighted matches.
    pub highlight: Vec<String>,
    /// Attributes holding the character bigrams of a name or title ([`gram_forms`]): searched
    /// only by [`Matching::Characters`], never by words.
    #[serde(default)]
    pub grams: Vec<String>,
    /// Attributes in which the embedded engine records the thesaurus classes of the text at
    /// index time ([`SynonymClasses`]), in a hidden field `<attr>__syn`, so a query word is
    /// expanded by one term per attribute instead of one per synonym. Meilisearch ignores it
    /// (it expands with its `synonyms` setting).
    #[serde(default)]
    pub thesaurus: Vec<String>,
}

/// One index definition: Meilisearch's settings plus [`Extension`].
#[derive(Debug, Clone)]
pub struct IndexDef {
    /// The settings object to send to Meilisearch (without `x-civicbridge`).
    pub settings: serde_json::Value,
    /// Searchable attributes, most important first.
    pub searchable: Vec<String>,
    /// Filterable attributes.
    pub filterable: Vec<String>,
    /// Sortable attributes.
    pub sortable: Vec<String>,
    /// Attributes returned in hits.
    pub displayed: Vec<String>,
    /// Ranking rules in order.
    pub ranking: Vec<RankingRule>,
    /// Word → words that also match it.
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// Words ignored in queries.
    pub stop_words: Vec<String>,
    /// The synonym classes of [`IndexDef::synonyms`], for the embedded engine.
    pub classes: SynonymClasses,
    /// CivicBridge's part.
    pub ext: Extension,
}

/// A ranking rule of the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RankingRule {
    /// `words`, `typo`, `proximity`, `attribute`, `exactness`: relevance.
    Relevance(String),
    /// `sort`: where the user's chosen sort applies.
    Sort,
    /// `attribute:asc|desc`: a custom rule on a numeric attribute.
    Custom {
        /// Attribute.
        attr: String,
        /// Larger first.
        desc: bool,
    },
}

impl IndexDef {
    /// Parses one file of `search/`. Panics on a malformed file: the files are compiled in
    /// and a unit test parses both, so a broken one never ships.
    pub fn parse(json: &str) -> IndexDef {
        let mut v: serde_json::Value = serde_json::from_str(json).expect("search/*.json parses");
        let ext: Extension = serde_json::from_value(
            v.as_object_mut()
                .and_then(|o| o.remove("x-civicbridge"))
                .expect("x-civicbridge present"),
        )
        .expect("x-civicbridge well formed");
        let mut synonyms: BTreeMap<String, Vec<String>> = v
            .get("synonyms")
            .cloned()
            .map(|s| serde_json::from_value(s).expect("synonyms map"))
            .unwrap_or_default();
        // The thesaurus applies to every index; Meilisearch receives the merged map, so both
        // engines expand from the same entries.
        for (word, more) in &thesaurus().synonyms {
            let list = synonyms.entry(word.clone()).or_default();
            for m in more {
                if !list.contains(m) {
                    list.push(m.clone());
                }
            }
        }
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "synonyms".into(),
                serde_json::to_value(&synonyms).expect("synonyms serialize"),
            );
        }
        let strings = |key: &str| -> Vec<String> {
            v.get(key)
                .and_then(|a| a.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let ranking = strings("rankingRules")
            .into_iter()
            .map(|r| match r.split_once(':') {
                Some((attr, dir)) => RankingRule::Custom {
                    attr: attr.to_string(),
                    desc: dir == "desc",
                },
                None if r == "sort" => RankingRule::Sort,
                None => RankingRule::Relevance(r),
            })
            .collect();
        IndexDef {
            searchable: strings("searchableAttributes"),
            filterable: strings("filterableAttributes"),
            sortable: strings("sortableAttributes"),
            displayed: strings("displayedAttributes"),
            ranking,
            classes: SynonymClasses::build(&synonyms),
            synonyms,
            stop_words: strings("stopWords"),
            settings: v,
            ext,
        }
    }

    /// The searchable attributes a request's matching looks in: the bigram attributes for
    /// [`Matching::Characters`], every other searchable attribute for words.
    pub fn searched_by(&self, matching: Matching) -> Vec<&str> {
        self.searchable
            .iter()
            .filter(|a| self.ext.grams.contains(a) == (matching == Matching::Characters))
            .map(String::as_str)
            .collect()
    }

    /// Whether an attribute holds integers.
    pub fn is_numeric(&self, attr: &str) -> bool {
        self.ext.numeric.iter().any(|a| a == attr)
    }

    /// `(attribute, descending)` of a sort option name.
    pub fn sort_of(&self, name: &str) -> Option<(&str, bool)> {
        self.ext.sorts.get(name).and_then(|s| {
            let (attr, dir) = s.split_once(':')?;
            Some((attr, dir == "desc"))
        })
    }

    /// Checks that the file is consistent with itself; returns the first problem.
    pub fn check(&self) -> Result<(), String> {
        for f in &self.ext.facets {
            if !self.filterable.contains(f) {
                return Err(format!("facet {f} is not filterable"));
            }
        }
        for s in self.ext.sorts.values() {
            let attr = s.split(':').next().unwrap_or_default();
            if !self.sortable.iter().any(|a| a == attr) {
                return Err(format!("sort {s} is not on a sortable attribute"));
            }
            if !self.is_numeric(attr) {
                return Err(format!("sort {s} is not on a numeric attribute"));
            }
        }
        for r in &self.ranking {
            if let RankingRule::Custom { attr, .. } = r
                && !self.is_numeric(attr)
            {
                return Err(format!("ranking rule on {attr} needs a numeric attribute"));
            }
        }
        for a in self.ext.exact.iter().chain(&self.ext.highlight) {
            if !self.searchable.contains(a) {
                return Err(format!("{a} is not searchable"));
            }
        }
        for g in &self.ext.grams {
            if !self.searchable.contains(g) {
                return Err(format!("grams attribute {g} is not searchable"));
            }
            if self.displayed.contains(g) {
                return Err(format!("grams attribute {g} must not be displayed"));
            }
        }
        for t in &self.ext.thesaurus {
            if !self.searched_by(Matching::Words).contains(&t.as_str()) {
                return Err(format!("thesaurus attribute {t} is not searched by words"));
            }
        }
        if !self.displayed.contains(&self.ext.primary_key) {
            return Err("the primary key must be displayed".into());
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Analysis

/// The name the embedded engine registers the Chinese tokenizer under.
pub const TOKENIZER: &str = "cb_jieba";

/// The service-domain thesaurus of `search/thesaurus.txt`, parsed (see that file's header for
/// the format).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Thesaurus {
    /// Word → the words a query for it also finds, in file order.
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// The domain codes of the `[code]` section headers, in file order.
    pub sections: Vec<String>,
    /// How many groups and one-way entries the file holds.
    pub entries: usize,
}

/// The thesaurus compiled into the binary. Panics on a malformed file: a unit test parses it,
/// so a broken one never ships.
pub fn thesaurus() -> &'static Thesaurus {
    static T: LazyLock<Thesaurus> = LazyLock::new(|| {
        parse_thesaurus(include_str!("../../search/thesaurus.txt"))
            .unwrap_or_else(|e| panic!("search/thesaurus.txt: {e}"))
    });
    &T
}

/// Parses the thesaurus format: `a, b, c` groups (multi-way), `a => b, c` one-way entries,
/// `[code]` section headers, `#` comments. Refuses a term in two groups, a term listed twice in
/// one entry, and an entry mapping a term to itself, naming the line.
pub fn parse_thesaurus(src: &str) -> Result<Thesaurus, String> {
    fn terms(list: &str, n: usize) -> Result<Vec<String>, String> {
        let out: Vec<String> = list
            .split([',', '，'])
            .map(|t| normalize(t.trim()))
            .filter(|t| !t.is_empty())
            .collect();
        if out.is_empty() {
            return Err(format!("line {n}: no terms"));
        }
        for (i, t) in out.iter().enumerate() {
            if out[..i].contains(t) {
                return Err(format!("line {n}: {t} listed twice"));
            }
        }
        Ok(out)
    }
    fn add(map: &mut BTreeMap<String, Vec<String>>, from: &str, to: &str) {
        let list = map.entry(from.to_string()).or_default();
        if !list.iter().any(|t| t == to) {
            list.push(to.to_string());
        }
    }
    let mut t = Thesaurus::default();
    let mut grouped: BTreeMap<String, usize> = BTreeMap::new();
    for (i, raw) in src.lines().enumerate() {
        let n = i + 1;
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(code) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            t.sections.push(code.trim().to_string());
            continue;
        }
        t.entries += 1;
        if let Some((left, right)) = line.split_once("=>") {
            let (from, to) = (terms(left, n)?, terms(right, n)?);
            for f in &from {
                if to.contains(f) {
                    return Err(format!("line {n}: {f} maps to itself"));
                }
                for w in &to {
                    add(&mut t.synonyms, f, w);
                }
            }
        } else {
            let group = terms(line, n)?;
            if group.len() < 2 {
                return Err(format!("line {n}: a group needs two terms"));
            }
            for a in &group {
                if let Some(first) = grouped.insert(a.clone(), n) {
                    return Err(format!(
                        "line {n}: {a} is already in the group of line {first}"
                    ));
                }
                for b in group.iter().filter(|b| *b != a) {
                    add(&mut t.synonyms, a, b);
                }
            }
        }
    }
    Ok(t)
}

/// The thesaurus as index-time classes (issue 16 point 7), for the embedded engine.
///
/// Every synonym key `w` has a class: the set of `w` and every word a query for `w` also
/// finds. Keys with the same set share it, so a group (`a, b, c`) is one class, and a
/// one-way entry (`a => b, c`) gives `a` a class of its own that holds `a`, `b` and `c` but
/// is never the class of `b` or `c` (they do not find `a`). At index time a document's
/// attribute gets the token of every class of every term it contains ([`classes_in`]); at
/// query time a key becomes one term on those tokens ([`class_of`]) instead of a query per
/// synonym. A term counts as present where all its words are among the attribute's tokens —
/// what the expansion at query time matched — and as many times as its rarest word.
///
/// [`classes_in`]: SynonymClasses::classes_in
/// [`class_of`]: SynonymClasses::class_of
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynonymClasses {
    /// Synonym key → the token of its class.
    of_word: BTreeMap<String, String>,
    /// First word of a term → the terms it starts.
    terms: BTreeMap<String, Vec<ClassTerm>>,
    /// How many classes there are.
    count: usize,
}

/// A thesaurus term as a document holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ClassTerm {
    /// Its words (query segmentation); all must be among the text's tokens.
    words: Vec<String>,
    /// The tokens of the classes it belongs to.
    classes: Vec<String>,
}

/// The token of class `n`: letters and digits only, so every tokenizer keeps it whole.
fn class_token(n: usize) -> String {
    format!("syn{n:04}")
}

impl SynonymClasses {
    /// The classes of a synonym map (word → the words a query for it also finds). Numbered
    /// in the map's order, so the same map always gives the same tokens.
    pub fn build(synonyms: &BTreeMap<String, Vec<String>>) -> SynonymClasses {
        let mut ids: BTreeMap<Vec<String>, usize> = BTreeMap::new();
        let mut of_word = BTreeMap::new();
        let mut members: BTreeMap<&str, std::collections::BTreeSet<usize>> = BTreeMap::new();
        for (word, more) in synonyms {
            let mut set: Vec<&str> = more.iter().map(String::as_str).collect();
            set.push(word);
            set.sort_unstable();
            set.dedup();
            let key: Vec<String> = set.iter().map(|t| t.to_string()).collect();
            let next = ids.len();
            let id = *ids.entry(key).or_insert(next);
            of_word.insert(word.clone(), class_token(id));
            for t in set {
                members.entry(t).or_default().insert(id);
            }
        }
        let mut terms: BTreeMap<String, Vec<ClassTerm>> = BTreeMap::new();
        for (term, classes) in members {
            let toks = words(term);
            let Some(first) = toks.first().cloned() else {
                continue;
            };
            terms.entry(first).or_default().push(ClassTerm {
                words: toks,
                classes: classes.into_iter().map(class_token).collect(),
            });
        }
        SynonymClasses {
            of_word,
            terms,
            count: ids.len(),
        }
    }

    /// The class token a query word is expanded with, when it is a synonym key.
    pub fn class_of(&self, word: &str) -> Option<&str> {
        self.of_word.get(word).map(String::as_str)
    }

    /// How many classes there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The class tokens of an attribute's text, given as its index tokens
    /// ([`index_tokens`]): each class once per occurrence of each of its terms, sorted.
    pub fn classes_in<S: AsRef<str>>(&self, tokens: &[S]) -> Vec<String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for t in tokens {
            *counts.entry(t.as_ref()).or_default() += 1;
        }
        let mut out: Vec<String> = Vec::new();
        for first in counts.keys() {
            let Some(terms) = self.terms.get(*first) else {
                continue;
            };
            for ClassTerm { words, classes } in terms {
                let times = words
                    .iter()
                    .map(|w| counts.get(w.as_str()).copied().unwrap_or(0))
                    .min()
                    .unwrap_or(0);
                for c in classes {
                    out.extend(std::iter::repeat_n(c.clone(), times));
                }
            }
        }
        out.sort_unstable();
        out
    }
}

/// Longest name (in characters) whose pinyin forms are indexed, and the most words whose
/// runs are spelled out: both bound the O(n²) runs below.
const PINYIN_MAX_CHARS: usize = 60;
const PINYIN_MAX_WORDS: usize = 14;

/// The pinyin forms a name is found by (issue 16 point 4), as space-separated words for a
/// searchable attribute ranked below every Chinese one: each word's full pinyin (养老 →
/// yanglao), the full pinyin of each two-word run and of the whole name, and the initials of
/// every run of two or more words (阳光养老服务中心 → ygylfwzx, and the registered name's
/// hhhtsxcqygylfwzx). Characters without a reading (digits, Latin) are kept as they are. A
/// character with several readings takes its most common one.
pub fn pinyin_forms(name: &str) -> String {
    use pinyin::ToPinyin;
    if name.chars().count() > PINYIN_MAX_CHARS {
        return String::new();
    }
    // (full, initials) of each word that holds at least one Chinese character.
    let spelled: Vec<(String, String)> = words(name)
        .into_iter()
        .filter(|w| w.chars().any(|c| c.to_pinyin().is_some()))
        .take(PINYIN_MAX_WORDS)
        .map(|w| {
            let mut full = String::new();
            let mut initials = String::new();
            for c in w.chars() {
                match c.to_pinyin() {
                    Some(p) => {
                        full.push_str(&typed(p.plain()));
                        initials.push_str(p.first_letter());
                    }
                    None if c.is_alphanumeric() => {
                        full.extend(c.to_lowercase());
                        initials.extend(c.to_lowercase());
                    }
                    None => {}
                }
            }
            (full, initials)
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut push = |t: String| {
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    };
    for (full, _) in &spelled {
        push(full.clone());
    }
    for pair in spelled.windows(2) {
        push(format!("{}{}", pair[0].0, pair[1].0));
    }
    push(spelled.iter().map(|w| w.0.as_str()).collect());
    for i in 0..spelled.len() {
        for j in i + 2..=spelled.len() {
            push(spelled[i..j].iter().map(|w| w.1.as_str()).collect());
        }
    }
    out.join(" ")
}

/// A syllable as typed on a keyboard: ü is the v key (律 → lv, 女 → nv), the convention of
/// every pinyin input method.
fn typed(syllable: &str) -> String {
    syllable.replace('ü', "v")
}

/// The query spelled as one pinyin word (阳光养劳 → yangguangyanglao), to look for names that
/// sound like what was typed when the characters find nothing (an input method's homophone
/// slip). `None` when the query has no Chinese character or is a single syllable (too vague).
pub fn sounds_like_query(text: &str) -> Option<String> {
    use pinyin::ToPinyin;
    let mut out = String::new();
    let mut syllables = 0;
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => {
                out.push_str(&typed(p.plain()));
                syllables += 1;
            }
            None if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            None => {}
        }
    }
    (syllables >= 2).then_some(out)
}

/// Longest text (in characters) whose bigrams are indexed or queried; bounds the tokens of a
/// document and the queries of the fallback.
const GRAMS_MAX_CHARS: usize = 80;

/// One character bigram as a word both engines keep whole: the two code points as six
/// nibbles each, spelled with the letters a–p. Every such word has the same length, so
/// Meilisearch's prefix matching of a query's last word can only match it exactly, and no
/// bigram can be confused with a word of Chinese text or pinyin (those attributes are not
/// searched by [`Matching::Characters`]).
fn gram_token(a: char, b: char) -> String {
    let mut out = String::with_capacity(12);
    for c in [a, b] {
        let n = c as u32;
        for shift in (0..6).rev() {
            out.push((b'a' + ((n >> (shift * 4)) & 0xF) as u8) as char);
        }
    }
    out
}

/// The letters and digits of text, normalized, at most [`GRAMS_MAX_CHARS`] of them.
fn gram_chars(text: &str) -> Vec<char> {
    normalize(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .take(GRAMS_MAX_CHARS)
        .collect()
}

/// The character bigrams of text in order, each once (阳光养老 → 阳光 · 光养 · 养老,
/// encoded by `gram_token`). Punctuation and spaces are skipped, so bigrams run across them.
pub fn char_grams(text: &str) -> Vec<String> {
    let chars = gram_chars(text);
    let mut out: Vec<String> = Vec::new();
    for w in chars.windows(2) {
        let t = gram_token(w[0], w[1]);
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The value of a `grams` attribute: the bigrams of a name or title, space-separated.
pub fn gram_forms(text: &str) -> String {
    char_grams(text).join(" ")
}

/// The fallback queries for text that found nothing by words (issue 16 point 3): its
/// bigrams from the first, then from the second, and so on. Each is matched like words
/// (a document must hold the first bigram; more of the following ones rank higher), so the
/// first query that finds something starts at the first bigram that exists anywhere — a
/// slip in the first characters does not end the search. Empty for a single character.
pub fn gram_queries(text: &str) -> Vec<String> {
    let grams = char_grams(text);
    (0..grams.len()).map(|i| grams[i..].join(" ")).collect()
}

/// The tokenizer for indexing: jieba in search mode, so a long word also yields its
/// sub-words (心理健康 → 心理, 健康, 心理健康) and a query for a part finds the whole.
pub fn index_tokenizer() -> JiebaTokenizer {
    JiebaTokenizer::new()
}

/// Normalizes a token: lower case, full-width ASCII folded to half-width.
pub fn normalize(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_wordlike(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Splits text into normalized words with jieba (whole words, not search-mode sub-words),
/// keeping order and dropping punctuation and spaces.
pub fn words(text: &str) -> Vec<String> {
    let mut tok = JiebaTokenizer::with_search_mode(false);
    let mut stream = tok.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = &stream.token().text;
        if is_wordlike(t) {
            out.push(normalize(t));
        }
    }
    out
}

/// Every token the index tokenizer makes of text, punctuation and spaces included, exactly as
/// tantivy would index them (positions, offsets). Text already [`normalize`]d yields tokens
/// already normalized. The embedded engine indexes these as pre-tokenized text and reads the
/// thesaurus classes off the same tokens, so a document's text is segmented once.
pub fn index_token_stream(text: &str) -> Vec<tantivy::tokenizer::Token> {
    let mut tok = index_tokenizer();
    let mut stream = tok.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// Whether an index token is a word (not punctuation or space): only words are ever queried
/// or counted for the thesaurus classes.
pub fn is_word_token(t: &tantivy::tokenizer::Token) -> bool {
    is_wordlike(&t.text)
}

/// Tokens of text as the index stores them (search mode, normalized), with byte ranges.
pub fn index_tokens(text: &str) -> Vec<(usize, usize, String)> {
    index_token_stream(text)
        .into_iter()
        .filter(is_word_token)
        .map(|t| (t.offset_from, t.offset_to, normalize(&t.text)))
        .collect()
}

/// One word of a query and the ways it may match: itself or a synonym, each as the tokens
/// that must all be present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// The word as typed (normalized).
    pub word: String,
    /// Alternatives; the first is the word itself.
    pub alternatives: Vec<Vec<String>>,
}

/// Longest run of words tried as one synonym key (for keys jieba splits, like 为老 or
/// 铸牢中华民族共同体意识); a unit test checks every thesaurus key fits.
const SYNONYM_SPAN: usize = 8;

/// Analyzes a query: words in order, stop words dropped, repeats dropped, synonyms attached.
/// A synonym key that jieba splits into several words (为老 → 为 · 老) is recognised as a
/// run of consecutive words and treated as one word.
pub fn analyze(def: &IndexDef, query: &str) -> Vec<QueryWord> {
    let toks = words(query);
    let mut out: Vec<QueryWord> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let run = (i + 1..=(i + SYNONYM_SPAN).min(toks.len()))
            .rev()
            .find(|&j| def.synonyms.contains_key(&toks[i..j].concat()));
        let (end, word) = match run {
            Some(j) => (j, toks[i..j].concat()),
            None => (i + 1, toks[i].clone()),
        };
        let parts = toks[i..end].to_vec();
        i = end;
        if def.stop_words.contains(&word) || out.iter().any(|q| q.word == word) {
            continue;
        }
        let mut alternatives = vec![parts];
        if let Some(syns) = def.synonyms.get(&word) {
            for s in syns {
                let toks = words(s);
                if !toks.is_empty() && !alternatives.contains(&toks) {
                    alternatives.push(toks);
                }
            }
        }
        out.push(QueryWord { word, alternatives });
    }
    out
}

/// Every token that counts as a match of the query, for highlighting.
pub fn match_tokens(words: &[QueryWord]) -> Vec<String> {
    // A split alternative (为 · 老) highlights as a whole, never its single characters.
    let mut out: Vec<String> = words
        .iter()
        .flat_map(|w| w.alternatives.iter().map(|a| a.concat()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A piece of highlighted text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Piece {
    /// Text.
    pub text: String,
    /// Part of a match.
    pub hit: bool,
}

/// Splits text into pieces marking the tokens that match; long text is cropped to about
/// `crop` characters around the first match (with "…" where cut).
pub fn highlight(text: &str, tokens: &[String], crop: usize) -> Vec<Piece> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    if !tokens.is_empty() {
        for (from, to, t) in index_tokens(text) {
            if tokens.binary_search(&t).is_ok() {
                ranges.push((from, to));
            }
        }
    }
    ranges.sort();
    // Merge overlapping ranges (search mode yields a word and its sub-words).
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (f, t) in ranges {
        match merged.last_mut() {
            Some(last) if f <= last.1 => last.1 = last.1.max(t),
            _ => merged.push((f, t)),
        }
    }
    let (start, end, cut_front, cut_back) = crop_window(text, merged.first().copied(), crop);
    let mut pieces = Vec::new();
    if cut_front {
        pieces.push(Piece {
            text: "…".into(),
            hit: false,
        });
    }
    let mut pos = start;
    for (f, t) in merged {
        if t <= start || f >= end {
            continue;
        }
        let (f, t) = (f.max(start), t.min(end));
        if f > pos {
            pieces.push(Piece {
                text: text[pos..f].to_string(),
                hit: false,
            });
        }
        pieces.push(Piece {
            text: text[f..t].to_string(),
            hit: true,
        });
        pos = t;
    }
    if pos < end {
        pieces.push(Piece {
            text: text[pos..end].to_string(),
            hit: false,
        });
    }
    if cut_back {
        pieces.push(Piece {
            text: "…".into(),
            hit: false,
        });
    }
    pieces
}

/// Byte window of about `crop` characters starting a little before the first match.
fn crop_window(
    text: &str,
    first: Option<(usize, usize)>,
    crop: usize,
) -> (usize, usize, bool, bool) {
    let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    if chars.len() <= crop {
        return (0, text.len(), false, false);
    }
    let first_char = first
        .map(|(f, _)| chars.partition_point(|&i| i < f))
        .unwrap_or(0);
    let lead = crop / 4;
    let mut s = first_char.saturating_sub(lead);
    if s + crop > chars.len() {
        s = chars.len() - crop;
    }
    let e = s + crop;
    let start = chars[s];
    let end = chars.get(e).copied().unwrap_or(text.len());
    (start, end, s > 0, e < chars.len())
}

// ---------------------------------------------------------------------------------------
// Filters and requests

/// How the text of a [`Request`] is matched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Matching {
    /// Words (with synonyms) against every searchable attribute except the character
    /// bigrams: what users get first.
    #[default]
    Words,
    /// The text is a [`gram_query`]: encoded character bigrams matched only against the
    /// `grams` attributes of the definition (issue 16 point 3's fallback), with the same
    /// leading-words rule as words.
    Characters,
}

/// What to search for, the same for every backend.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// The text typed (may be empty: everything, in ranking order).
    pub text: String,
    /// How the text is matched.
    pub matching: Matching,
    /// Facet filters: attribute → accepted values (any of them); all attributes must hold.
    pub filters: BTreeMap<String, Vec<String>>,
    /// `(attribute, descending)` chosen by the user; `None` is relevance.
    pub sort: Option<(String, bool)>,
    /// Results skipped.
    pub offset: usize,
    /// Results returned.
    pub limit: usize,
    /// Count facet values.
    pub facets: bool,
}

/// What a backend found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    /// All matches.
    pub total: u64,
    /// The page of hits: displayed attributes only.
    pub hits: Vec<serde_json::Map<String, serde_json::Value>>,
    /// Facet attribute → (value, count), most frequent first, then by value.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}

/// Meilisearch filter expression for the facet filters.
pub fn meili_filter(filters: &BTreeMap<String, Vec<String>>) -> Option<String> {
    let parts: Vec<String> = filters
        .iter()
        .filter(|(_, vs)| !vs.is_empty())
        .map(|(attr, vs)| {
            let list: Vec<String> = vs.iter().map(|v| quote(v)).collect();
            format!("{attr} IN [{}]", list.join(", "))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// A value quoted for a Meilisearch filter expression.
pub fn quote(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Orders facet counts: most frequent first, then by value, so both backends agree.
pub fn order_facet(mut counts: Vec<(String, u64)>) -> Vec<(String, u64)> {
    counts.retain(|(_, n)| *n > 0);
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
}

/// Budget bands of the tender facet, in yuan: (code, lower bound inclusive).
pub const BUDGET_BANDS: [(&str, i64); 4] = [
    ("under_100k", 0),
    ("100k_500k", 100_000),
    ("500k_2m", 500_000),
    ("over_2m", 2_000_000),
];

/// The band of a budget in fen.
pub fn budget_band(fen: i64) -> &'static str {
    let yuan = fen.div_euclid(100);
    BUDGET_BANDS
        .iter()
        .rev()
        .find(|(_, lo)| yuan >= *lo)
        .map(|(c, _)| *c)
        .unwrap_or(BUDGET_BANDS[0].0)
}

/// The value the rating facet shows: the grade while it holds, else `none` (a lapsed grade
/// is no grade for someone choosing an organization).
pub fn rating_value(
    grade: Option<i16>,
    valid_until: Option<time::Date>,
    today: time::Date,
) -> String {
    match grade {
        Some(g) if crate::orgs::rating_valid(valid_until, today) => crate::orgs::grade_label(g),
        _ => "none".to_string(),
    }
}

/// The 1-based page and offset for a page number, clamped to what the index can return.
pub fn page_offset(page: usize, per_page: usize) -> usize {
    page.saturating_sub(1).saturating_mul(per_page)
}

/// Number of pages for a total.
pub fn page_count(total: u64, per_page: usize) -> usize {
    (total as usize).div_ceil(per_page.max(1))
}

// ---------------------------------------------------------------------------------------
// Page and API parameters

/// A facet as the pages and the API name it: (kind, URL parameter, index attribute).
pub const FACETS: &[(Kind, &str, &str)] = &[
    (Kind::Tenders, "state", "state"),
    (Kind::Tenders, "method", "method"),
    (Kind::Tenders, "domain", "domain"),
    (Kind::Tenders, "budget", "budget_band"),
    (Kind::Tenders, "league", "league"),
    (Kind::Tenders, "county", "county"),
    (Kind::Orgs, "type", "kind"),
    (Kind::Orgs, "domain", "domains"),
    (Kind::Orgs, "rating", "rating"),
    (Kind::Orgs, "credit", "credit_status"),
    (Kind::Orgs, "league", "league"),
    (Kind::Orgs, "county", "county"),
    (Kind::Brands, "domain", "domain"),
    (Kind::Brands, "league", "league"),
    (Kind::Brands, "county", "county"),
    (Kind::Brands, "recognized", "recognized"),
    (Kind::Brands, "recognized_year", "recognized_years"),
];

/// The first year a brand can have been recognized in (a bound on the facet's values).
pub const FIRST_RECOGNITION_YEAR: i32 = 2000;

/// Whether a brand was ever recognized, as the `recognized` facet holds it.
pub fn recognized_value(recognized: bool) -> &'static str {
    if recognized { "yes" } else { "no" }
}

/// The facets of a kind: (parameter, attribute).
pub fn facets_of(kind: Kind) -> impl Iterator<Item = (&'static str, &'static str)> {
    FACETS
        .iter()
        .filter(move |(k, _, _)| *k == kind)
        .map(|(_, p, a)| (*p, *a))
}

/// Sort options of a kind, relevance first.
pub fn sorts_of(kind: Kind) -> Vec<&'static str> {
    let mut v = vec!["relevance"];
    v.extend(kind.def().ext.sorts.keys().map(String::as_str));
    v
}

/// Whether a value is one the facet can take.
pub fn valid_value(param: &str, value: &str) -> bool {
    use crate::orgs::{CreditStatus, OrgKind, is_domain};
    use crate::procurement::{Method, TenderState};
    let regions = crate::regions::regions();
    match param {
        "state" => TenderState::parse(value).is_some_and(|s| s != TenderState::Draft),
        "method" => Method::parse(value).is_some(),
        "domain" => is_domain(value),
        "budget" => BUDGET_BANDS.iter().any(|(c, _)| *c == value),
        "league" => regions
            .get(value)
            .is_some_and(|d| d.level == crate::regions::Level::LeagueCity),
        "county" => regions
            .get(value)
            .is_some_and(|d| d.level == crate::regions::Level::BannerCounty),
        "type" => OrgKind::parse(value).is_some(),
        "rating" => value == "none" || (1..=5).any(|g| format!("{g}A") == value),
        "credit" => CreditStatus::parse(value).is_some(),
        "recognized" => value == "yes" || value == "no",
        "recognized_year" => {
            value.len() == 4
                && value
                    .parse::<i32>()
                    .is_ok_and(|y| (FIRST_RECOGNITION_YEAR..=9999).contains(&y))
        }
        _ => false,
    }
}

/// A parameter that could not be used, for the message next to the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    /// The query is longer than [`MAX_QUERY_CHARS`]; it was cut.
    QueryTooLong,
    /// The query held control characters (NUL, a line break, …); they were left out.
    QueryControl,
    /// Not a page number.
    Page(String),
    /// Not a sort option of this kind.
    Sort(String),
    /// Not a value of this facet.
    Facet {
        /// Parameter.
        param: String,
        /// Value given.
        value: String,
    },
}

/// Turns URL parameters into a request for one kind. Unusable parameters are left out and
/// reported; the rest still applies, so a bad link shows results plus a message.
pub fn parse_params(
    kind: Kind,
    params: &[(String, String)],
    per_page: usize,
) -> (Request, usize, Vec<ParamError>) {
    let mut errors = Vec::new();
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
    };
    let mut text = get("q").unwrap_or_default().to_string();
    if text.chars().any(|c| !text::allowed(c, text::Kind::Line)) {
        text = text
            .chars()
            .filter(|c| text::allowed(*c, text::Kind::Line))
            .collect::<String>()
            .trim()
            .to_string();
        errors.push(ParamError::QueryControl);
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        text = text.chars().take(MAX_QUERY_CHARS).collect();
        errors.push(ParamError::QueryTooLong);
    }
    let page = match get("page").filter(|p| !p.is_empty()) {
        None => 1,
        Some(p) => page_value(p).unwrap_or_else(|| {
            errors.push(ParamError::Page(p.to_string()));
            1
        }),
    };
    let sort = match get("sort").filter(|s| !sort_is_relevance(s)) {
        None => None,
        Some(s) => match kind.def().sort_of(s) {
            Some((attr, desc)) => Some((attr.to_string(), desc)),
            None => {
                errors.push(ParamError::Sort(s.to_string()));
                None
            }
        },
    };
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (param, attr) in facets_of(kind) {
        for (_, v) in params.iter().filter(|(k, _)| k == param) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            if valid_value(param, v) {
                let e = filters.entry(attr.to_string()).or_default();
                if !e.iter().any(|x| x == v) {
                    e.push(v.to_string());
                }
            } else {
                errors.push(ParamError::Facet {
                    param: param.to_string(),
                    value: v.to_string(),
                });
            }
        }
    }
    let req = Request {
        text,
        matching: Matching::Words,
        filters,
        sort,
        offset: page_offset(page, per_page),
        limit: per_page,
        facets: true,
    };
    (req, page, errors)
}

/// A page number as `page=` may give it: 1 to 10,000.
fn page_value(v: &str) -> Option<usize> {
    v.parse::<usize>().ok().filter(|n| (1..=10_000).contains(n))
}

/// `sort=` asks for the default order (none given, or relevance by name).
fn sort_is_relevance(v: &str) -> bool {
    v.is_empty() || v == "relevance"
}

/// The parameters a result page carries into its links and forms: those [`parse_params`]
/// used, and any it does not read (the query, the language). A facet, sort or page value it
/// left out (and reported) would otherwise ride along into every next click and be
/// reported again each time.
pub fn carried_params(kind: Kind, params: &[(String, String)]) -> Vec<(String, String)> {
    params
        .iter()
        .filter(|(k, v)| {
            let v = v.trim();
            match k.as_str() {
                "sort" => sort_is_relevance(v) || kind.def().sort_of(v).is_some(),
                "page" => v.is_empty() || page_value(v).is_some(),
                k if facets_of(kind).any(|(p, _)| p == k) => v.is_empty() || valid_value(k, v),
                _ => true,
            }
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_index_files_parse_and_hold_together() {
        for k in Kind::ALL {
            let d = k.def();
            d.check().unwrap_or_else(|e| panic!("{}: {e}", k.uid()));
            assert!(!d.searchable.is_empty());
            assert!(d.settings.get("x-civicbridge").is_none());
            assert!(d.settings.get("searchableAttributes").is_some());
        }
    }

    #[test]
    fn tender_ranking_puts_open_first_and_orgs_rank_exact_matches() {
        let t = Kind::Tenders.def();
        assert_eq!(
            t.ranking[0],
            RankingRule::Custom {
                attr: "is_open".into(),
                desc: true
            }
        );
        let o = Kind::Orgs.def();
        assert!(o.ext.exact.contains(&"name".to_string()));
        assert!(o.ext.exact.contains(&"uscc".to_string()));
    }

    #[test]
    fn sort_options_resolve() {
        let t = Kind::Tenders.def();
        assert_eq!(t.sort_of("deadline"), Some(("bid_deadline", false)));
        assert_eq!(t.sort_of("budget"), Some(("budget_fen", true)));
        assert_eq!(t.sort_of("nope"), None);
    }

    #[test]
    fn check_names_inconsistencies() {
        let mut d = Kind::Tenders.def().clone();
        d.ext.facets.push("title".into());
        assert!(d.check().unwrap_err().contains("title"));
        let mut d = Kind::Tenders.def().clone();
        d.ext.sorts.insert("x".into(), "title:asc".into());
        assert!(d.check().is_err());
        let mut d = Kind::Tenders.def().clone();
        d.ranking.push(RankingRule::Custom {
            attr: "title".into(),
            desc: true,
        });
        assert!(d.check().is_err());
        let mut d = Kind::Tenders.def().clone();
        d.ext.thesaurus.push("title_grams".into());
        assert!(d.check().unwrap_err().contains("title_grams"));
    }

    #[test]
    fn words_segments_chinese_and_drops_punctuation() {
        let w = words("青少年心理，服务！");
        assert!(w.contains(&"青少年".to_string()), "{w:?}");
        assert!(w.contains(&"心理".to_string()), "{w:?}");
        assert!(!w.iter().any(|x| x == "，" || x == "！"));
    }

    #[test]
    fn a_uscc_is_one_word() {
        let code = "52150402MJ0000004X";
        assert_eq!(words(code), vec![code.to_lowercase()]);
        let toks: Vec<String> = index_tokens(code).into_iter().map(|t| t.2).collect();
        assert!(toks.contains(&code.to_lowercase()), "{toks:?}");
    }

    #[test]
    fn normalize_folds_case_and_full_width() {
        assert_eq!(normalize("ＡＢｃ１"), "abc1");
        assert_eq!(normalize("MJ"), "mj");
    }

    #[test]
    fn index_tokens_include_sub_words_of_long_words() {
        let toks: Vec<String> = index_tokens("心理健康服务")
            .into_iter()
            .map(|t| t.2)
            .collect();
        assert!(toks.contains(&"心理".to_string()), "{toks:?}");
        assert!(toks.contains(&"健康".to_string()), "{toks:?}");
    }

    #[test]
    fn a_query_sounds_like_its_pinyin() {
        assert_eq!(
            sounds_like_query("阳光养劳").as_deref(),
            Some("yangguangyanglao")
        );
        assert_eq!(sounds_like_query("养 劳").as_deref(), Some("yanglao"));
        assert_eq!(sounds_like_query("养"), None);
        assert_eq!(sounds_like_query("ngo"), None);
        // What a name's forms hold, a homophone slip of it reaches.
        let forms = pinyin_forms("阳光养老服务中心");
        let q = sounds_like_query("阳光养劳").unwrap();
        assert!(forms.split(' ').any(|w| w == q), "{forms}");
    }

    #[test]
    fn names_are_spelled_in_pinyin_and_initials() {
        let f = pinyin_forms("阳光养老服务中心");
        let forms: Vec<&str> = f.split(' ').collect();
        for want in [
            "yangguang",
            "yanglao",
            "yangguangyanglao",
            "ygylfwzx",
            "ygyl",
            "ylfwzx",
        ] {
            assert!(forms.contains(&want), "{want}: {f}");
        }
        // A single word's initials alone would match too much.
        assert!(!forms.contains(&"yg"), "{f}");
        let f = pinyin_forms("呼和浩特市新城区阳光养老服务中心");
        assert!(f.split(' ').any(|w| w == "hhhtsxcqygylfwzx"), "{f}");
        // Punctuation goes; words without Chinese are already found as typed.
        let f = pinyin_forms("第3社区（A区）服务站");
        assert!(f.split(' ').any(|w| w == "shequ"), "{f}");
        assert!(f.split(' ').any(|w| w == "fuwuzhan"), "{f}");
        assert!(!f.contains('（') && !f.contains('3'), "{f}");
        assert_eq!(pinyin_forms("NGO 2024"), "");
        // ü is typed as v.
        let f = pinyin_forms("法律援助");
        assert!(f.split(' ').any(|w| w == "falvyuanzhu"), "{f}");
        assert_eq!(sounds_like_query("法律").as_deref(), Some("falv"));
        assert_eq!(pinyin_forms(&"养".repeat(61)), "");
        // Exact Chinese matches outrank pinyin ones: the pinyin attribute comes last of the
        // attributes words are matched in.
        assert_eq!(
            Kind::Orgs
                .def()
                .searched_by(Matching::Words)
                .last()
                .copied(),
            Some("name_pinyin")
        );
        assert_eq!(
            Kind::Tenders
                .def()
                .searched_by(Matching::Words)
                .last()
                .copied(),
            Some("title_pinyin")
        );
    }

    #[test]
    fn bigrams_are_fixed_length_words_in_order() {
        let g = char_grams("阳光养老");
        assert_eq!(g.len(), 3);
        assert!(
            g.iter()
                .all(|t| t.len() == 12 && t.chars().all(|c| ('a'..='p').contains(&c)))
        );
        assert_eq!(g[0], gram_token('阳', '光'));
        assert_eq!(g[2], gram_token('养', '老'));
        // Normalized, punctuation skipped, repeats once; the same as a document's forms.
        assert_eq!(char_grams("阳光，养老"), g);
        assert_eq!(char_grams("ＡＢ"), vec![gram_token('a', 'b')]);
        assert_eq!(char_grams("养养养"), vec![gram_token('养', '养')]);
        assert_eq!(gram_forms("阳光养老"), g.join(" "));
        assert!(char_grams("养").is_empty());
        assert_eq!(char_grams(&"养老".repeat(100)).len(), 2);
        // The engines keep a bigram whole: jieba makes one word of it.
        assert_eq!(words(&g.join(" ")), g);
        let q = gram_queries("杨光养老");
        assert_eq!(q.len(), 3);
        assert_eq!(q[0].split(' ').count(), 3);
        assert_eq!(q[2], gram_token('养', '老'));
    }

    #[test]
    fn grams_are_searched_only_by_characters() {
        for k in Kind::ALL {
            let d = k.def();
            assert_eq!(d.ext.grams.len(), 1, "{}", k.uid());
            let g = d.ext.grams[0].as_str();
            assert_eq!(d.searched_by(Matching::Characters), vec![g]);
            let words = d.searched_by(Matching::Words);
            assert!(!words.contains(&g));
            assert_eq!(words.len() + 1, d.searchable.len());
            assert!(!d.displayed.iter().any(|a| a == g));
        }
    }

    #[test]
    fn the_thesaurus_covers_every_domain_with_hundreds_of_terms() {
        let t = thesaurus();
        for (code, _, _) in crate::orgs::DOMAINS {
            assert!(t.sections.iter().any(|s| s == code), "no section [{code}]");
        }
        for s in &t.sections {
            assert!(
                crate::orgs::DOMAINS.iter().any(|(c, _, _)| c == s),
                "[{s}] is not a domain code"
            );
        }
        assert!(t.synonyms.len() >= 400, "{} terms", t.synonyms.len());
        assert!(t.entries >= 200, "{} entries", t.entries);
    }

    #[test]
    fn every_thesaurus_key_is_recognised_as_one_query_word() {
        // A key jieba splits into more words than SYNONYM_SPAN would never expand.
        let d = Kind::Orgs.def();
        for key in thesaurus().synonyms.keys() {
            let q = analyze(d, key);
            assert_eq!(q.len(), 1, "{key}: {q:?}");
            assert_eq!(&q[0].word, key, "{q:?}");
            assert!(q[0].alternatives.len() > 1, "{key} has no alternatives");
        }
    }

    #[test]
    fn everyday_words_find_the_formal_ones_in_both_definitions() {
        for kind in [Kind::Orgs, Kind::Tenders] {
            let d = kind.def();
            for (everyday, formal) in [
                ("老人", "养老"),
                ("小孩", "儿童"),
                ("普法", "法治宣传"),
                ("乡下", "乡村振兴"),
                ("法援", "法律援助"),
                ("elderly", "养老"),
            ] {
                let q = analyze(d, everyday);
                let alts: Vec<String> = q[0].alternatives.iter().map(|a| a.concat()).collect();
                assert!(alts.contains(&formal.to_string()), "{everyday}: {alts:?}");
            }
            // Meilisearch receives the same entries.
            let meili = &d.settings["synonyms"]["老人"];
            assert!(
                meili
                    .as_array()
                    .is_some_and(|a| a.iter().any(|v| v == "养老")),
                "{meili}"
            );
        }
    }

    #[test]
    fn one_way_entries_do_not_find_the_broader_word() {
        let t = thesaurus();
        assert!(t.synonyms["儿童"].contains(&"留守儿童".to_string()));
        assert!(!t.synonyms["留守儿童"].contains(&"儿童".to_string()));
        assert!(t.synonyms["心理"].contains(&"心理健康".to_string()));
        assert!(!t.synonyms["心理健康"].contains(&"心理".to_string()));
        assert!(!t.synonyms.contains_key("留守儿童") || !t.synonyms["留守儿童"].is_empty());
    }

    #[test]
    fn thesaurus_format_groups_one_way_and_sections() {
        let t =
            parse_thesaurus("# c\n[elderly]\n甲, 乙，丙\n丁 => 甲\nA, B => 乙 # tail\n\n").unwrap();
        assert_eq!(t.sections, vec!["elderly"]);
        assert_eq!(t.entries, 3);
        assert_eq!(t.synonyms["甲"], vec!["乙", "丙"]);
        assert_eq!(t.synonyms["丙"], vec!["甲", "乙"]);
        assert_eq!(t.synonyms["丁"], vec!["甲"]);
        // Normalized like the text: lower case.
        assert_eq!(t.synonyms["a"], vec!["乙"]);
        assert_eq!(t.synonyms["b"], vec!["乙"]);
        assert!(!t.synonyms["甲"].contains(&"丁".to_string()));
    }

    #[test]
    fn thesaurus_format_refuses_what_would_be_ambiguous() {
        for (src, what) in [
            (
                "甲, 乙\n甲, 丙",
                "line 2: 甲 is already in the group of line 1",
            ),
            ("甲, 乙, 甲", "line 1: 甲 listed twice"),
            ("甲 => 甲, 乙", "line 1: 甲 maps to itself"),
            ("甲", "line 1: a group needs two terms"),
            ("=> 甲", "line 1: no terms"),
            ("甲 =>", "line 1: no terms"),
        ] {
            assert_eq!(parse_thesaurus(src).unwrap_err(), what, "{src}");
        }
    }

    #[test]
    fn synonym_classes_make_a_group_one_class_and_a_one_way_entry_its_own() {
        let t = parse_thesaurus("甲, 乙, 丙\n丁 => 甲, 戊\nx, y => 乙").unwrap();
        let c = SynonymClasses::build(&t.synonyms);
        let class = |w: &str| c.class_of(w).unwrap().to_string();
        // A group is one class; each one-way key has its own (x finds 乙, not y).
        assert_eq!(class("甲"), class("乙"));
        assert_eq!(class("甲"), class("丙"));
        assert_ne!(class("丁"), class("甲"));
        assert_ne!(class("x"), class("y"));
        assert_eq!(c.len(), 4);
        assert_eq!(c.class_of("戊"), None);
        assert_eq!(c.class_of("z"), None);
        let has = |text: &[&str], w: &str| c.classes_in(text).contains(&class(w));
        // Each member of the group finds the others.
        for doc in ["甲", "乙", "丙"] {
            for q in ["甲", "乙", "丙"] {
                assert!(has(&[doc], q), "{q} does not find {doc}");
            }
        }
        // 丁 finds 甲 and 戊, which do not find 丁.
        assert!(has(&["甲"], "丁") && has(&["戊"], "丁") && has(&["丁"], "丁"));
        assert!(!has(&["丁"], "甲") && !has(&["戊"], "甲"));
        // x finds 乙 (and so does y), not 甲 or 丙: a one-way entry is not transitive.
        assert!(has(&["乙"], "x") && has(&["乙"], "y"));
        assert!(!has(&["甲"], "x") && !has(&["y"], "x"));
        // Nothing of the thesaurus, no class.
        assert!(c.classes_in(&["己", "庚"]).is_empty());
    }

    #[test]
    fn synonym_classes_count_occurrences_and_need_every_word_of_a_term() {
        let mut m = BTreeMap::new();
        // 为老 is two words to jieba (为 · 老): a document holds it when it holds both.
        m.insert("养老".to_string(), vec!["为老".to_string()]);
        m.insert("为老".to_string(), vec!["养老".to_string()]);
        let c = SynonymClasses::build(&m);
        let k = c.class_of("养老").unwrap().to_string();
        assert_eq!(c.class_of("为老"), Some(k.as_str()));
        assert_eq!(
            c.classes_in(&["养老", "服务", "养老"]),
            vec![k.clone(), k.clone()]
        );
        assert_eq!(c.classes_in(&["为", "老"]), vec![k.clone()]);
        assert_eq!(
            c.classes_in(&["为", "老", "养老"]),
            vec![k.clone(), k.clone()]
        );
        assert!(c.classes_in(&["为", "社区"]).is_empty());
        // The same map always gives the same tokens.
        assert_eq!(SynonymClasses::build(&m), c);
    }

    #[test]
    fn every_synonym_in_a_document_carries_the_class_of_its_keys() {
        // What the class finds is what expanding the key at query time found: every synonym
        // of every key, written in a document, gets the key's class at index time.
        let d = Kind::Tenders.def();
        let c = &d.classes;
        assert!(c.len() < d.synonyms.len() && !c.is_empty(), "{}", c.len());
        for (key, syns) in &d.synonyms {
            let class = c
                .class_of(key)
                .unwrap_or_else(|| panic!("{key} has no class"));
            for s in syns.iter().chain(std::iter::once(key)) {
                let toks: Vec<String> = index_tokens(s).into_iter().map(|t| t.2).collect();
                assert!(
                    c.classes_in(&toks).iter().any(|t| t == class),
                    "{s} (tokens {toks:?}) lacks the class of {key}"
                );
            }
        }
        // One-way: 助餐 finds 老年食堂, 老年食堂 does not find 助餐.
        let toks = |s: &str| -> Vec<String> { index_tokens(s).into_iter().map(|t| t.2).collect() };
        let canteen = c.classes_in(&toks("社区老年食堂"));
        let meals = c.classes_in(&toks("助餐服务"));
        assert!(
            canteen
                .iter()
                .any(|t| Some(t.as_str()) == c.class_of("助餐"))
        );
        assert!(
            !meals
                .iter()
                .any(|t| Some(t.as_str()) == c.class_of("老年食堂"))
        );
        for def in [Kind::Orgs.def(), Kind::Tenders.def()] {
            assert!(!def.ext.thesaurus.is_empty());
            def.check().unwrap();
        }
    }

    #[test]
    fn analyze_drops_stop_words_and_repeats_and_adds_synonyms() {
        let d = Kind::Tenders.def();
        let q = analyze(d, "养老的养老");
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].word, "养老");
        assert!(q[0].alternatives.contains(&vec!["老年人".to_string()]));
        assert_eq!(analyze(d, "的 和 ，").len(), 0);
        // A key jieba splits is still one word with its synonyms.
        let q = analyze(d, "为老服务");
        assert_eq!(q[0].word, "为老", "{q:?}");
        assert!(
            q[0].alternatives.contains(&vec!["养老".to_string()]),
            "{q:?}"
        );
    }

    #[test]
    fn highlight_marks_matching_tokens() {
        let toks = vec!["养老".to_string()];
        let p = highlight("社区养老服务项目", &toks, 80);
        let marked: Vec<&str> = p
            .iter()
            .filter(|p| p.hit)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, vec!["养老"]);
        let joined: String = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, "社区养老服务项目");
    }

    #[test]
    fn highlight_without_match_or_tokens_is_plain() {
        let p = highlight("社区服务", &[], 80);
        assert_eq!(p.len(), 1);
        assert!(!p[0].hit);
        assert!(highlight("", &["x".into()], 80).is_empty());
    }

    #[test]
    fn highlight_crops_long_text_around_the_first_match() {
        let text = format!("{}养老{}", "甲".repeat(100), "乙".repeat(100));
        let p = highlight(&text, &["养老".to_string()], 20);
        assert_eq!(p.first().unwrap().text, "…");
        assert_eq!(p.last().unwrap().text, "…");
        assert!(p.iter().any(|x| x.hit && x.text == "养老"));
        let body: usize = p[1..p.len() - 1]
            .iter()
            .map(|x| x.text.chars().count())
            .sum();
        assert_eq!(body, 20);
    }

    #[test]
    fn meili_filter_quotes_and_joins() {
        let mut f = BTreeMap::new();
        assert_eq!(meili_filter(&f), None);
        f.insert("state".to_string(), vec!["published".to_string()]);
        f.insert("league".to_string(), vec!["150100".into(), "15\"02".into()]);
        f.insert("empty".to_string(), vec![]);
        assert_eq!(
            meili_filter(&f).unwrap(),
            "league IN [\"150100\", \"15\\\"02\"] AND state IN [\"published\"]"
        );
    }

    #[test]
    fn budget_bands_cover_every_amount() {
        assert_eq!(budget_band(0), "under_100k");
        assert_eq!(budget_band(9_999_999), "under_100k");
        assert_eq!(budget_band(10_000_000), "100k_500k");
        assert_eq!(budget_band(50_000_000), "500k_2m");
        assert_eq!(budget_band(200_000_000), "over_2m");
        assert_eq!(budget_band(-5), "under_100k");
    }

    #[test]
    fn facets_order_by_count_then_value_and_drop_zeros() {
        let v = order_facet(vec![
            ("b".into(), 2),
            ("a".into(), 2),
            ("c".into(), 5),
            ("z".into(), 0),
        ]);
        assert_eq!(v, vec![("c".into(), 5), ("a".into(), 2), ("b".into(), 2)]);
    }

    #[test]
    fn a_rating_shows_while_it_holds() {
        let today = time::macros::date!(2026 - 11 - 27);
        assert_eq!(rating_value(Some(4), Some(today), today), "4A");
        assert_eq!(rating_value(Some(4), today.previous_day(), today), "none");
        assert_eq!(rating_value(Some(4), None, today), "none");
        assert_eq!(rating_value(None, Some(today), today), "none");
    }

    #[test]
    fn pages() {
        assert_eq!(page_offset(1, 20), 0);
        assert_eq!(page_offset(0, 20), 0);
        assert_eq!(page_offset(3, 20), 40);
        assert_eq!(page_count(0, 20), 0);
        assert_eq!(page_count(41, 20), 3);
    }

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(k));
        }
        assert_eq!(Kind::parse("bids"), None);
    }

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn params_become_a_request() {
        let (r, page, errs) = parse_params(
            Kind::Tenders,
            &p(&[
                ("q", " 养老 "),
                ("state", "published"),
                ("budget", "100k_500k"),
                ("sort", "deadline"),
                ("page", "3"),
                ("league", "150100"),
            ]),
            20,
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(page, 3);
        assert_eq!(r.text, "养老");
        assert_eq!(r.offset, 40);
        assert_eq!(r.sort, Some(("bid_deadline".to_string(), false)));
        assert_eq!(r.filters["state"], vec!["published".to_string()]);
        assert_eq!(r.filters["budget_band"], vec!["100k_500k".to_string()]);
        assert_eq!(r.filters["league"], vec!["150100".to_string()]);
    }

    #[test]
    fn bad_params_are_reported_and_left_out() {
        let long = "养".repeat(MAX_QUERY_CHARS + 5);
        let (r, page, errs) = parse_params(
            Kind::Orgs,
            &p(&[
                ("q", &long),
                ("page", "x"),
                ("sort", "budget"),
                ("rating", "9A"),
                ("state", "published"),
                ("credit", "dishonest"),
                ("league", "150102"),
            ]),
            20,
        );
        assert_eq!(page, 1);
        assert_eq!(r.text.chars().count(), MAX_QUERY_CHARS);
        assert!(errs.contains(&ParamError::QueryTooLong));
        assert!(errs.contains(&ParamError::Page("x".into())));
        assert!(errs.contains(&ParamError::Sort("budget".into())));
        assert!(errs.contains(&ParamError::Facet {
            param: "rating".into(),
            value: "9A".into()
        }));
        // A county code is not a league.
        assert!(errs.contains(&ParamError::Facet {
            param: "league".into(),
            value: "150102".into()
        }));
        // `state` is not an organization facet: ignored, not an error.
        assert!(!r.filters.contains_key("state"));
        assert_eq!(r.filters["credit_status"], vec!["dishonest".to_string()]);
        assert_eq!(r.sort, None);
    }

    #[test]
    fn brand_params_take_recognition_facets() {
        let (r, _, errs) = parse_params(
            Kind::Brands,
            &p(&[
                ("q", "银龄"),
                ("recognized", "yes"),
                ("recognized_year", "2026"),
                ("league", "150100"),
                ("domain", "elderly"),
                ("sort", "reach"),
            ]),
            20,
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(r.filters["recognized"], vec!["yes".to_string()]);
        assert_eq!(r.filters["recognized_years"], vec!["2026".to_string()]);
        assert_eq!(r.filters["league"], vec!["150100".to_string()]);
        assert_eq!(r.filters["domain"], vec!["elderly".to_string()]);
        assert_eq!(r.sort, Some(("beneficiaries_per_year".to_string(), true)));
        for (param, value) in [
            ("recognized", "maybe"),
            ("recognized_year", "26"),
            ("recognized_year", "1999"),
            ("recognized_year", "２０２６"),
            ("domain", "nope"),
        ] {
            let (r, _, errs) = parse_params(Kind::Brands, &p(&[(param, value)]), 20);
            assert!(r.filters.is_empty(), "{param}={value}");
            assert_eq!(
                errs,
                vec![ParamError::Facet {
                    param: param.into(),
                    value: value.into()
                }]
            );
        }
        assert_eq!(recognized_value(true), "yes");
        assert_eq!(recognized_value(false), "no");
        assert_eq!(Kind::Brands.other(), Kind::Orgs);
        assert_eq!(Kind::Orgs.other(), Kind::Tenders);
        assert_eq!(Kind::Tenders.other(), Kind::Orgs);
    }

    #[test]
    fn brand_definition_indexes_only_public_fields() {
        let d = Kind::Brands.def();
        for private in [
            "created_by",
            "file_key",
            "partners",
            "contact_phone",
            "updated_at",
        ] {
            assert!(!d.displayed.iter().any(|a| a == private), "{private}");
            assert!(!d.searchable.iter().any(|a| a == private), "{private}");
        }
        // Places understood in a query become league/county filters: both must be facets.
        for a in ["league", "county"] {
            assert!(d.filterable.iter().any(|f| f == a), "{a}");
        }
    }

    #[test]
    fn draft_is_never_a_searchable_state() {
        assert!(!valid_value("state", "draft"));
        assert!(valid_value("state", "awarded"));
        assert!(valid_value("rating", "none"));
        assert!(valid_value("rating", "5A"));
        assert!(!valid_value("rating", "0A"));
        assert!(!valid_value("nope", "x"));
    }

    #[test]
    fn every_facet_is_in_its_index_definition() {
        for (kind, _, attr) in FACETS {
            assert!(
                kind.def().ext.facets.iter().any(|f| f == attr),
                "{attr} missing from {}",
                kind.uid()
            );
        }
        for k in Kind::ALL {
            assert_eq!(facets_of(k).count(), k.def().ext.facets.len());
        }
        assert_eq!(sorts_of(Kind::Tenders)[0], "relevance");
    }

    #[test]
    fn a_page_carries_only_the_parameters_it_used() {
        let p = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let given = p(&[
            ("q", "养老"),
            ("rating", "9A"),
            ("rating", "3A"),
            ("league", "150100"),
            ("county", "<script>"),
            ("sort", "budget"),
            ("page", "x"),
            ("lang", "en"),
        ]);
        assert_eq!(
            carried_params(Kind::Orgs, &given),
            p(&[
                ("q", "养老"),
                ("rating", "3A"),
                ("league", "150100"),
                ("lang", "en")
            ])
        );
        // The same values are sound on the kind that has them.
        let tenders = p(&[("sort", "budget"), ("page", "2"), ("state", "published")]);
        assert_eq!(carried_params(Kind::Tenders, &tenders), tenders);
        let wrong = p(&[("state", "draft"), ("page", "0"), ("sort", "rating")]);
        assert!(carried_params(Kind::Tenders, &wrong).is_empty());
    }
}
