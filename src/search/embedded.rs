//! The embedded backend: one tantivy index per kind under `<data>/search/`, Chinese segmented
//! with jieba, built from the same `search/*.json` definitions Meilisearch takes.
//!
//! Ranking follows the definition's `rankingRules`: custom `attr:desc` rules before `words`
//! order first, then the user's sort (the `sort` rule), then relevance. Relevance mirrors
//! Meilisearch's default `last` matching strategy: a document must contain the first query
//! word; documents containing the first k words rank above those containing fewer (a
//! constant score per level), then an exact match of a whole `exact` attribute, then BM25
//! with a boost by attribute order. A query word that is a thesaurus key also matches, at a
//! quarter of the weight, its class in the hidden `<attr>__syn` fields filled at index time
//! ([`rules::SynonymClasses`]).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use sha2::{Digest, Sha256};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::directory::Directory as _;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value as _,
};
use tantivy::tokenizer::{PreTokenizedString, TextAnalyzer};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader,
    TantivyDocument, Term,
};

use super::rules::{self, Found, IndexDef, Kind, RankingRule, Request};
use super::{Backend, Document, SearchError};

/// Bumped when the way documents are laid out in tantivy changes, so old indexes rebuild.
const LAYOUT_VERSION: &str = "2";
/// Score of each level of leading query words matched; far above any BM25 score.
const LEVEL: f32 = 10_000.0;
/// Score of an exact match of a whole `exact` attribute; below one level.
const EXACT: f32 = 5_000.0;
/// Weight of a synonym's match against the word as typed.
const SYNONYM: f32 = 0.25;
/// Writer memory; two threads.
const WRITER_HEAP: usize = 60_000_000;

struct Fields {
    id: Field,
    source: Field,
    /// The attributes words are matched in, with their boost.
    text: Vec<(String, Field, f32)>,
    /// The character-bigram attributes ([`rules::Matching::Characters`]).
    grams: Vec<(String, Field, f32)>,
    /// The hidden `<attr>__syn` fields holding the thesaurus classes of the `thesaurus`
    /// attributes ([`rules::SynonymClasses`]), with the attribute's name and boost.
    syn: Vec<(String, Field, f32)>,
    exact: Vec<(String, Field)>,
    facet: Vec<(String, Field)>,
    numeric: Vec<(String, Field)>,
}

struct KindIndex {
    def: &'static IndexDef,
    index: Index,
    reader: IndexReader,
    /// Taken on the first write, so read-only commands (`audit verify`, `migrate`) run
    /// beside a server that holds the index's write lock.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    /// Whether query words are expanded with the thesaurus (off only to measure its cost).
    expand: bool,
}

/// The embedded search engine.
pub struct Embedded {
    dir: PathBuf,
    /// Each kind's live index and the name of its directory under `dir`.
    kinds: HashMap<Kind, RwLock<(String, Arc<KindIndex>)>>,
    /// Indexes being rebuilt beside the live ones, by directory name.
    rebuilding: Mutex<HashMap<String, Arc<KindIndex>>>,
    expand: bool,
    fresh: bool,
}

/// The file naming a kind's live index directory (and, after a rebuild, the instant the
/// rebuild began): replaced by a rename, so readers see the old name or the new, never half.
fn pointer_path(dir: &Path, kind: Kind) -> PathBuf {
    dir.join(format!("{}.current", kind.uid()))
}

/// The live directory's name and the rebuild's start, from the pointer (the kind's own
/// name and no start when there is none: an index built before rebuilds swapped).
fn read_pointer(dir: &Path, kind: Kind) -> (String, Option<i64>) {
    let text = std::fs::read_to_string(pointer_path(dir, kind)).unwrap_or_default();
    let mut lines = text.lines();
    let name = lines
        .next()
        .map(str::trim)
        .filter(|n| {
            n.starts_with(kind.uid()) && !n.contains('/') && !n.contains("..") && !n.is_empty()
        })
        .unwrap_or(kind.uid())
        .to_string();
    (name, lines.next().and_then(|l| l.trim().parse().ok()))
}

fn write_pointer(dir: &Path, kind: Kind, name: &str, since: i64) -> Result<(), SearchError> {
    let tmp = dir.join(format!("{}.current.{}", kind.uid(), std::process::id()));
    std::fs::write(&tmp, format!("{name}\n{since}\n")).map_err(err)?;
    std::fs::rename(&tmp, pointer_path(dir, kind)).map_err(err)
}

fn facet_name(attr: &str) -> String {
    format!("f__{attr}")
}
fn numeric_name(attr: &str) -> String {
    format!("n__{attr}")
}
fn syn_name(attr: &str) -> String {
    format!("{attr}__syn")
}

fn schema_for(def: &IndexDef) -> Schema {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(rules::TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    for a in &def.searchable {
        b.add_text_field(a, text.clone());
    }
    for a in &def.ext.exact {
        b.add_text_field(&format!("{a}__exact"), STRING);
    }
    // One class token per value, counted per occurrence; never stored, never displayed.
    let syn = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    for a in &def.ext.thesaurus {
        b.add_text_field(&syn_name(a), syn.clone());
    }
    for a in &def.filterable {
        if !def.is_numeric(a) {
            b.add_text_field(&facet_name(a), STRING | tantivy::schema::FAST);
        }
    }
    let mut numeric: Vec<&String> = def.ext.numeric.iter().collect();
    if !numeric.contains(&&def.ext.primary_key) {
        numeric.push(&def.ext.primary_key);
    }
    for a in numeric {
        b.add_i64_field(
            &numeric_name(a),
            tantivy::schema::INDEXED | tantivy::schema::FAST,
        );
    }
    b.add_text_field("_source", STORED);
    b.build()
}

fn fields_of(def: &IndexDef, schema: &Schema) -> Fields {
    let f = |n: &str| schema.get_field(n).expect("field in schema");
    let by_words = def.searched_by(rules::Matching::Words);
    let n = by_words.len().max(1) as f32;
    // The first attribute counts twice as much as the last.
    let text: Vec<(String, Field, f32)> = by_words
        .iter()
        .enumerate()
        .map(|(i, a)| (a.to_string(), f(a), 2.0 - i as f32 / n))
        .collect();
    Fields {
        id: f(&numeric_name(&def.ext.primary_key)),
        source: f("_source"),
        syn: text
            .iter()
            .filter(|(a, _, _)| def.ext.thesaurus.contains(a))
            .map(|(a, _, boost)| (a.clone(), f(&syn_name(a)), *boost))
            .collect(),
        text,
        grams: def
            .searched_by(rules::Matching::Characters)
            .iter()
            .map(|a| (a.to_string(), f(a), 1.0))
            .collect(),
        exact: def
            .ext
            .exact
            .iter()
            .map(|a| (a.clone(), f(&format!("{a}__exact"))))
            .collect(),
        facet: def
            .filterable
            .iter()
            .filter(|a| !def.is_numeric(a))
            .map(|a| (a.clone(), f(&facet_name(a))))
            .collect(),
        numeric: def
            .ext
            .numeric
            .iter()
            .map(|a| (a.clone(), f(&numeric_name(a))))
            .collect(),
    }
}

fn fingerprint(def: &IndexDef) -> String {
    let mut h = Sha256::new();
    h.update(LAYOUT_VERSION.as_bytes());
    h.update(def.settings.to_string().as_bytes());
    h.update(format!("{:?}", def.ext).as_bytes());
    hex::encode(h.finalize())
}

fn register(index: &Index) {
    index.tokenizers().register(
        rules::TOKENIZER,
        TextAnalyzer::builder(rules::index_tokenizer()).build(),
    );
}

fn err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(e.to_string())
}

impl KindIndex {
    fn new(def: &'static IndexDef, index: Index, expand: bool) -> Result<KindIndex, SearchError> {
        register(&index);
        let fields = fields_of(def, &index.schema());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err)?;
        Ok(KindIndex {
            def,
            index,
            reader,
            writer: Mutex::new(None),
            fields,
            expand,
        })
    }

    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        let mut guard = self.writer.lock().map_err(|_| err("writer poisoned"))?;
        if guard.is_none() {
            let w = self
                .index
                .writer_with_num_threads(2, WRITER_HEAP)
                .map_err(|e| {
                    SearchError::Engine(format!(
                        "the search index is in use by another CivicBridge process ({e}); \
                         stop the server before rebuilding it"
                    ))
                })?;
            *guard = Some(w);
        }
        f(guard.as_mut().expect("writer just set"))
    }

    fn to_doc(&self, d: &Document) -> Result<TantivyDocument, SearchError> {
        let def = self.def;
        let mut doc = TantivyDocument::default();
        let values = |attr: &str| -> Vec<&serde_json::Value> {
            match d.get(attr) {
                Some(serde_json::Value::Array(a)) => a.iter().collect(),
                Some(serde_json::Value::Null) | None => vec![],
                Some(v) => vec![v],
            }
        };
        let as_text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for (attr, field, _) in self.fields.text.iter().chain(&self.fields.grams) {
            let syn = self.fields.syn.iter().find(|(a, _, _)| a == attr);
            for v in values(attr) {
                let text = rules::normalize(&as_text(v));
                let Some((_, syn, _)) = syn else {
                    doc.add_text(*field, text);
                    continue;
                };
                // Segmented once: the classes are read off the tokens tantivy then indexes
                // as they are (jieba is most of an index build's time).
                let tokens = rules::index_token_stream(&text);
                let words: Vec<&str> = tokens
                    .iter()
                    .filter(|t| rules::is_word_token(t))
                    .map(|t| t.text.as_str())
                    .collect();
                for class in def.classes.classes_in(&words) {
                    doc.add_text(*syn, class);
                }
                doc.add_pre_tokenized_text(*field, PreTokenizedString { text, tokens });
            }
        }
        for (attr, field) in &self.fields.exact {
            for v in values(attr) {
                doc.add_text(*field, rules::normalize(as_text(v).trim()));
            }
        }
        for (attr, field) in &self.fields.facet {
            for v in values(attr) {
                doc.add_text(*field, as_text(v));
            }
        }
        for (attr, field) in &self.fields.numeric {
            for v in values(attr) {
                let n = match v {
                    serde_json::Value::Bool(b) => i64::from(*b),
                    serde_json::Value::Number(n) => n
                        .as_i64()
                        .ok_or_else(|| SearchError::Invalid(format!("{attr} is not an integer")))?,
                    _ => return Err(SearchError::Invalid(format!("{attr} is not a number"))),
                };
                doc.add_i64(*field, n);
            }
        }
        if d.get(&def.ext.primary_key)
            .and_then(|v| v.as_i64())
            .is_none()
        {
            return Err(SearchError::Invalid(
                "document without an integer id".into(),
            ));
        }
        let shown: serde_json::Map<String, serde_json::Value> = def
            .displayed
            .iter()
            .filter_map(|a| d.get(a).map(|v| (a.clone(), v.clone())))
            .collect();
        doc.add_text(
            self.fields.source,
            serde_json::Value::Object(shown).to_string(),
        );
        Ok(doc)
    }

    fn apply(&self, upserts: &[Document], deletes: &[i64]) -> Result<(), SearchError> {
        let docs: Vec<(i64, TantivyDocument)> = upserts
            .iter()
            .map(|d| {
                let id = d
                    .get(&self.def.ext.primary_key)
                    .and_then(|v| v.as_i64())
                    .unwrap_or_default();
                self.to_doc(d).map(|doc| (id, doc))
            })
            .collect::<Result<_, _>>()?;
        self.with_writer(|w| {
            for id in deletes {
                w.delete_term(Term::from_field_i64(self.fields.id, *id));
            }
            for (id, doc) in docs {
                w.delete_term(Term::from_field_i64(self.fields.id, id));
                w.add_document(doc).map_err(err)?;
            }
            if let Err(e) = w.commit() {
                // Leave the writer clean for the next batch; the outbox resends this one.
                let _ = w.rollback();
                return Err(err(e));
            }
            Ok(())
        })?;
        self.reader.reload().map_err(err)
    }

    /// Adds documents to an index being rebuilt (fresh: nothing to replace), without
    /// committing: the rebuild commits once, at the end.
    fn add_only(&self, docs: &[Document]) -> Result<(), SearchError> {
        let docs: Vec<TantivyDocument> = docs
            .iter()
            .map(|d| self.to_doc(d))
            .collect::<Result<_, _>>()?;
        self.with_writer(|w| {
            for doc in docs {
                w.add_document(doc).map_err(err)?;
            }
            Ok(())
        })
    }

    /// Commits what was added and lets the reader see it.
    fn commit(&self) -> Result<(), SearchError> {
        self.with_writer(|w| w.commit().map(|_| ()).map_err(err))?;
        self.reader.reload().map_err(err)
    }

    /// Lets go of the writer (and its lock on the directory) once its merges are done: the
    /// index was swapped out, or the process is about to exit ([`Backend::settle`]).
    fn retire(&self) {
        if let Ok(mut guard) = self.writer.lock()
            && let Some(w) = guard.take()
        {
            let _ = w.wait_merging_threads();
        }
    }

    fn clear(&self) -> Result<(), SearchError> {
        self.with_writer(|w| {
            w.delete_all_documents().map_err(err)?;
            w.commit().map_err(err)?;
            Ok(())
        })?;
        self.reader.reload().map_err(err)
    }

    fn word_query(&self, tokens: &[String], fields: &[(String, Field, f32)]) -> Box<dyn Query> {
        let per_token: Vec<(Occur, Box<dyn Query>)> = tokens
            .iter()
            .map(|t| {
                let any: Vec<(Occur, Box<dyn Query>)> = fields
                    .iter()
                    .map(|(_, f, boost)| {
                        let q: Box<dyn Query> = Box::new(TermQuery::new(
                            Term::from_field_text(*f, t),
                            IndexRecordOption::WithFreqs,
                        ));
                        (
                            Occur::Should,
                            Box::new(BoostQuery::new(q, *boost)) as Box<dyn Query>,
                        )
                    })
                    .collect();
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                )
            })
            .collect();
        if per_token.len() == 1 {
            per_token.into_iter().next().map(|(_, q)| q).expect("one")
        } else {
            Box::new(BooleanQuery::new(per_token))
        }
    }

    fn query(&self, req: &Request) -> Box<dyn Query> {
        let (words, fields) = match req.matching {
            rules::Matching::Words => (rules::analyze(self.def, &req.text), &self.fields.text),
            // Bigrams have no synonyms and no stop words: each is one word as given.
            rules::Matching::Characters => (
                rules::words(&req.text)
                    .into_iter()
                    .map(|w| rules::QueryWord {
                        alternatives: vec![vec![w.clone()]],
                        word: w,
                    })
                    .collect(),
                &self.fields.grams,
            ),
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // One query per word: the word as typed, or its thesaurus class — one term per
        // attribute on the classes recorded at index time, not a query per synonym.
        let per_word: Vec<Box<dyn Query>> = words
            .iter()
            .map(|w| {
                let typed = match w.alternatives.first() {
                    Some(toks) => self.word_query(toks, fields),
                    None => self.word_query(std::slice::from_ref(&w.word), fields),
                };
                let class = match req.matching {
                    rules::Matching::Words if self.expand => self.def.classes.class_of(&w.word),
                    _ => None,
                };
                match class {
                    Some(class) if !self.fields.syn.is_empty() => {
                        let any: Vec<(Occur, Box<dyn Query>)> = self
                            .fields
                            .syn
                            .iter()
                            .map(|(_, f, boost)| {
                                let q: Box<dyn Query> = Box::new(TermQuery::new(
                                    Term::from_field_text(*f, class),
                                    IndexRecordOption::WithFreqs,
                                ));
                                (
                                    Occur::Should,
                                    Box::new(BoostQuery::new(q, *boost)) as Box<dyn Query>,
                                )
                            })
                            .collect();
                        // The word as typed outranks its synonyms.
                        let synonyms: Box<dyn Query> =
                            Box::new(BoostQuery::new(Box::new(BooleanQuery::new(any)), SYNONYM));
                        Box::new(BooleanQuery::new(vec![
                            (Occur::Should, typed),
                            (Occur::Should, synonyms),
                        ])) as Box<dyn Query>
                    }
                    _ => typed,
                }
            })
            .collect();
        if per_word.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        } else {
            clauses.push((Occur::Must, per_word[0].box_clone()));
            for k in 2..=per_word.len() {
                let level: Vec<(Occur, Box<dyn Query>)> = per_word[..k]
                    .iter()
                    .map(|q| (Occur::Must, q.box_clone()))
                    .collect();
                clauses.push((
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(
                        Box::new(BooleanQuery::new(level)),
                        LEVEL,
                    )),
                ));
            }
            for q in &per_word[1..] {
                clauses.push((Occur::Should, q.box_clone()));
            }
            let whole = rules::normalize(req.text.trim());
            let exact: &[(String, Field)] = match req.matching {
                rules::Matching::Words => &self.fields.exact,
                rules::Matching::Characters => &[],
            };
            for (_, f) in exact {
                clauses.push((
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(*f, &whole),
                            IndexRecordOption::Basic,
                        )),
                        EXACT,
                    )),
                ));
            }
        }
        for (attr, values) in &req.filters {
            let Some((_, f)) = self.fields.facet.iter().find(|(a, _)| a == attr) else {
                continue;
            };
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|v| {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_text(*f, v),
                            IndexRecordOption::Basic,
                        )) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The ranking plan: numeric keys before relevance, then relevance, then keys after it.
    fn plan(&self, req: &Request) -> Vec<Part> {
        let mut before = Vec::new();
        let mut after = Vec::new();
        let mut seen_relevance = false;
        for r in &self.def.ranking {
            let target = if seen_relevance {
                &mut after
            } else {
                &mut before
            };
            match r {
                RankingRule::Custom { attr, desc } => target.push(Part::Num {
                    attr: attr.clone(),
                    desc: *desc,
                }),
                RankingRule::Sort => {
                    if let Some((attr, desc)) = &req.sort {
                        target.push(Part::Num {
                            attr: attr.clone(),
                            desc: *desc,
                        });
                    }
                }
                RankingRule::Relevance(_) => {
                    if !seen_relevance {
                        before.push(Part::Score);
                        seen_relevance = true;
                    }
                }
            }
        }
        if !seen_relevance {
            before.push(Part::Score);
        }
        before.extend(after);
        before.truncate(KEY_LEN);
        before
    }

    fn search(&self, req: &Request) -> Result<Found, SearchError> {
        for attr in req.filters.keys() {
            if !self.fields.facet.iter().any(|(a, _)| a == attr) {
                return Err(SearchError::Invalid(format!("{attr} is not filterable")));
            }
        }
        if let Some((attr, _)) = &req.sort
            && !self.def.sortable.contains(attr)
        {
            return Err(SearchError::Invalid(format!("{attr} is not sortable")));
        }
        let query = self.query(req);
        let searcher = self.reader.searcher();
        let plan: Vec<PartCol> = self
            .plan(req)
            .into_iter()
            .map(|p| match p {
                Part::Score => PartCol::Score,
                Part::Num { attr, desc } => PartCol::Num {
                    name: numeric_name(&attr),
                    desc,
                },
            })
            .collect();
        let plan = Arc::new(plan);
        let limit = req.limit.max(1);
        let top = TopDocs::with_limit(limit)
            .and_offset(req.offset)
            .tweak_score(move |seg: &SegmentReader| {
                let cols: Vec<Option<Arc<dyn tantivy::columnar::ColumnValues<i64>>>> = plan
                    .iter()
                    .map(|p| match p {
                        PartCol::Score => None,
                        PartCol::Num { name, .. } => seg
                            .fast_fields()
                            .i64(name)
                            .ok()
                            .map(|c| c.first_or_default_col(0)),
                    })
                    .collect();
                let plan = plan.clone();
                move |doc: DocId, score: Score| {
                    let mut key = [0f64; KEY_LEN];
                    for (i, p) in plan.iter().enumerate() {
                        key[i] = match p {
                            PartCol::Score => f64::from(score),
                            PartCol::Num { desc, .. } => {
                                let v =
                                    cols[i].as_ref().map(|c| c.get_val(doc)).unwrap_or(0) as f64;
                                if *desc { v } else { -v }
                            }
                        };
                    }
                    SortKey(key)
                }
            });
        let facet_fields: Vec<String> = if req.facets {
            self.def.ext.facets.clone()
        } else {
            vec![]
        };
        let (top, total, facets) = searcher
            .search(&query, &(top, Count, FacetCounts(facet_fields)))
            .map_err(err)?;
        let hits = top
            .into_iter()
            .map(|(_, addr): (SortKey, DocAddress)| {
                let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
                let src = doc
                    .get_first(self.fields.source)
                    .and_then(|v| v.as_str())
                    .unwrap_or("{}");
                serde_json::from_str(src).map_err(err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Found {
            total: total as u64,
            hits,
            facets: facets
                .into_iter()
                .map(|(k, v)| (k, rules::order_facet(v.into_iter().collect())))
                .collect(),
        })
    }
}

const KEY_LEN: usize = 4;

enum Part {
    Score,
    Num { attr: String, desc: bool },
}

enum PartCol {
    Score,
    Num { name: String, desc: bool },
}

/// Lexicographic ranking key (larger first).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct SortKey([f64; KEY_LEN]);

/// Counts the values of facet fields over the matching documents.
struct FacetCounts(Vec<String>);

struct FacetSegment {
    cols: Vec<(String, Option<StrColumn>, Vec<u64>)>,
}

impl Collector for FacetCounts {
    type Fruit = BTreeMap<String, HashMap<String, u64>>;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _ord: tantivy::SegmentOrdinal,
        seg: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let mut cols = Vec::new();
        for attr in &self.0 {
            let col = seg.fast_fields().str(&facet_name(attr))?;
            let n = col.as_ref().map(|c| c.num_terms()).unwrap_or(0);
            cols.push((attr.clone(), col, vec![0u64; n]));
        }
        Ok(FacetSegment { cols })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<BTreeMap<String, HashMap<String, u64>>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut out: BTreeMap<String, HashMap<String, u64>> = BTreeMap::new();
        for attr in &self.0 {
            out.entry(attr.clone()).or_default();
        }
        for f in fruits {
            for (attr, counts) in f {
                let e = out.entry(attr).or_default();
                for (v, n) in counts {
                    *e.entry(v).or_default() += n;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = BTreeMap<String, HashMap<String, u64>>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (_, col, counts) in &mut self.cols {
            if let Some(c) = col {
                for ord in c.term_ords(doc) {
                    if let Some(n) = counts.get_mut(ord as usize) {
                        *n += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut out = BTreeMap::new();
        for (attr, col, counts) in self.cols {
            let mut m = HashMap::new();
            if let Some(c) = col {
                let mut s = String::new();
                for (ord, n) in counts.into_iter().enumerate() {
                    if n > 0 {
                        s.clear();
                        if c.ord_to_str(ord as u64, &mut s).unwrap_or(false) {
                            m.insert(s.clone(), n);
                        }
                    }
                }
            }
            out.insert(attr, m);
        }
        out
    }
}

impl Embedded {
    /// Opens (or creates) the indexes under `dir`. An index whose definition changed since
    /// it was built is dropped and created empty; [`Embedded::fresh`] then says so, and the
    /// caller rebuilds it from the database.
    pub fn open(dir: &Path) -> Result<Embedded, SearchError> {
        Embedded::open_with(dir, true)
    }

    /// [`Embedded::open`], with the thesaurus expansion of query words on or off. Off is
    /// only for measuring what the expansion costs (`benches/search.rs`): users always get
    /// it.
    pub fn open_with(dir: &Path, expand: bool) -> Result<Embedded, SearchError> {
        let mut kinds = HashMap::new();
        let mut fresh = false;
        for kind in Kind::ALL {
            let def = kind.def();
            let (mut name, _) = read_pointer(dir, kind);
            let stamp = dir.join(format!("{}.definition", kind.uid()));
            let want = fingerprint(def);
            let have = std::fs::read_to_string(&stamp).unwrap_or_default();
            if have.trim() != want || !dir.join(&name).join("meta.json").exists() {
                // A new definition starts over in the kind's own directory.
                let _ = std::fs::remove_file(pointer_path(dir, kind));
                name = kind.uid().to_string();
                let path = dir.join(&name);
                if path.exists() {
                    std::fs::remove_dir_all(&path).map_err(err)?;
                }
                std::fs::create_dir_all(&path).map_err(err)?;
                Index::create_in_dir(&path, schema_for(def)).map_err(err)?;
                std::fs::write(&stamp, &want).map_err(err)?;
                fresh = true;
            }
            let index = open_index(&dir.join(&name))?;
            let k = Arc::new(KindIndex::new(def, index, expand)?);
            kinds.insert(kind, RwLock::new((name, k)));
        }
        Ok(Embedded {
            dir: dir.to_path_buf(),
            kinds,
            rebuilding: Mutex::new(HashMap::new()),
            expand,
            fresh,
        })
    }

    /// Puts `next` (directory `name`) live for `kind` and retires the index it replaces,
    /// deleting its directory (searches still holding it finish on their open files).
    fn swap(&self, kind: Kind, name: String, next: Arc<KindIndex>) {
        let Ok(mut live) = self.kinds[&kind].write() else {
            return;
        };
        let (old_name, old) = std::mem::replace(&mut *live, (name, next));
        drop(live);
        old.retire();
        // Another process (the server, while `civicbridge reindex` runs beside it) may still
        // write to the old index: then its writer's lock is taken, and that process deletes
        // the directory when it swaps too.
        let free = old
            .index
            .directory()
            .acquire_lock(&tantivy::directory::INDEX_WRITER_LOCK)
            .is_ok();
        drop(old);
        if free {
            let _ = std::fs::remove_dir_all(self.dir.join(old_name));
        }
    }

    /// Whether any index was created empty when opened (so it needs a rebuild).
    pub fn fresh(&self) -> bool {
        self.fresh
    }

    fn kind(&self, kind: Kind) -> Arc<KindIndex> {
        match self.kinds[&kind].read() {
            Ok(live) => live.1.clone(),
            Err(poisoned) => poisoned.into_inner().1.clone(),
        }
    }

    fn live_name(&self, kind: Kind) -> String {
        match self.kinds[&kind].read() {
            Ok(live) => live.0.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
    }

    fn rebuilt(&self, name: &str) -> Result<Arc<KindIndex>, SearchError> {
        self.rebuilding
            .lock()
            .map_err(|_| err("rebuilds poisoned"))?
            .get(name)
            .cloned()
            .ok_or_else(|| SearchError::Invalid(format!("no rebuild named {name}")))
    }
}

fn open_index(path: &Path) -> Result<Index, SearchError> {
    Index::open_in_dir(path).map_err(|e| {
        SearchError::Engine(format!(
            "cannot open the search index in {} ({e}); is another CivicBridge process \
             using it?",
            path.display()
        ))
    })
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, SearchError> {
    tokio::task::spawn_blocking(f).await.map_err(err)?
}

#[async_trait::async_trait]
impl Backend for Embedded {
    fn name(&self) -> &'static str {
        "embedded"
    }

    async fn prepare(&self) -> Result<(), SearchError> {
        Ok(())
    }

    async fn apply(
        &self,
        kind: Kind,
        upserts: Vec<Document>,
        deletes: Vec<i64>,
    ) -> Result<(), SearchError> {
        let k = self.kind(kind);
        blocking(move || k.apply(&upserts, &deletes)).await
    }

    async fn clear(&self, kind: Kind) -> Result<(), SearchError> {
        let k = self.kind(kind);
        blocking(move || k.clear()).await
    }

    async fn search(&self, kind: Kind, req: &Request) -> Result<Found, SearchError> {
        // Queries take well under a millisecond; running them inline avoids a thread hop.
        self.kind(kind).search(req)
    }

    async fn count(&self, kind: Kind) -> Result<u64, SearchError> {
        Ok(self.kind(kind).reader.searcher().num_docs())
    }

    async fn rebuild_start(&self, kind: Kind) -> Result<String, SearchError> {
        let name = format!("{}-{:016x}", kind.uid(), rand::random::<u64>());
        let path = self.dir.join(&name);
        let (def, expand) = (kind.def(), self.expand);
        let k = blocking(move || {
            std::fs::create_dir_all(&path).map_err(err)?;
            let index = Index::create_in_dir(&path, schema_for(def)).map_err(err)?;
            KindIndex::new(def, index, expand)
        })
        .await?;
        self.rebuilding
            .lock()
            .map_err(|_| err("rebuilds poisoned"))?
            .insert(name.clone(), Arc::new(k));
        Ok(name)
    }

    async fn rebuild_apply(
        &self,
        _kind: Kind,
        rebuild: &str,
        docs: Vec<Document>,
    ) -> Result<(), SearchError> {
        let k = self.rebuilt(rebuild)?;
        blocking(move || k.add_only(&docs)).await
    }

    async fn rebuild_finish(
        &self,
        kind: Kind,
        rebuild: &str,
        since: i64,
    ) -> Result<(), SearchError> {
        let k = self.rebuilt(rebuild)?;
        let committed = k.clone();
        blocking(move || committed.commit()).await?;
        // The pointer first: another process that reads it opens a complete index.
        write_pointer(&self.dir, kind, rebuild, since)?;
        self.rebuilding
            .lock()
            .map_err(|_| err("rebuilds poisoned"))?
            .remove(rebuild);
        self.swap(kind, rebuild.to_string(), k);
        Ok(())
    }

    async fn settle(&self) -> Result<(), SearchError> {
        for kind in Kind::ALL {
            let k = self.kind(kind);
            // Letting go of the writer waits for its merges; the next write opens another.
            blocking(move || {
                k.retire();
                Ok(())
            })
            .await?;
        }
        Ok(())
    }

    async fn refresh(&self) -> Result<Vec<(Kind, i64)>, SearchError> {
        let mut swapped = Vec::new();
        for kind in Kind::ALL {
            let (name, since) = read_pointer(&self.dir, kind);
            if name == self.live_name(kind) || !self.dir.join(&name).join("meta.json").exists() {
                continue;
            }
            let (path, def, expand) = (self.dir.join(&name), kind.def(), self.expand);
            let k = blocking(move || KindIndex::new(def, open_index(&path)?, expand)).await?;
            self.swap(kind, name, Arc::new(k));
            swapped.push((kind, since.unwrap_or(0)));
        }
        Ok(swapped)
    }
}
