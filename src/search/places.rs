//! Place understanding (issue 16 point 2): a query word that names a league/city or a
//! banner/county — in full, without its 市/盟/旗/县/区 suffix, or by a common abbreviation
//! (呼市, 锡盟, 达旗, 科左中旗) — becomes a place constraint on the results instead of text to
//! match, so "赤峰 养老" finds elderly-care organizations located in Chifeng rather than ones
//! whose name holds a street called 赤峰路. Pure: built once from the shipped division table.

use std::collections::HashMap;
use std::sync::LazyLock;

use tantivy::tokenizer::{TokenStream, Tokenizer};
use tantivy_jieba::JiebaTokenizer;

use super::rules::Request;
use crate::regions::{Level, regions};

/// Common abbreviations of leagues/cities (including the leagues' former names still in
/// everyday use) and banners/counties, with the full name they stand for.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("呼市", "呼和浩特市"),
    ("锡盟", "锡林郭勒盟"),
    ("阿盟", "阿拉善盟"),
    ("巴盟", "巴彦淖尔市"),
    ("乌盟", "乌兰察布市"),
    ("呼盟", "呼伦贝尔市"),
    ("哲盟", "通辽市"),
    ("伊盟", "鄂尔多斯市"),
    ("昭盟", "赤峰市"),
    ("达旗", "达拉特旗"),
    ("准旗", "准格尔旗"),
    ("鄂前旗", "鄂托克前旗"),
    ("鄂旗", "鄂托克旗"),
    ("伊旗", "伊金霍洛旗"),
    ("莫旗", "莫力达瓦达斡尔族自治旗"),
    ("阿旗", "阿鲁科尔沁旗"),
    ("克旗", "克什克腾旗"),
    ("翁旗", "翁牛特旗"),
    ("科左中旗", "科尔沁左翼中旗"),
    ("科左后旗", "科尔沁左翼后旗"),
    ("科右前旗", "科尔沁右翼前旗"),
    ("科右中旗", "科尔沁右翼中旗"),
    ("达茂旗", "达尔罕茂明安联合旗"),
    ("土左旗", "土默特左旗"),
    ("土右旗", "土默特右旗"),
    ("察右前旗", "察哈尔右翼前旗"),
    ("察右中旗", "察哈尔右翼中旗"),
    ("察右后旗", "察哈尔右翼后旗"),
    ("乌前旗", "乌拉特前旗"),
    ("乌中旗", "乌拉特中旗"),
    ("乌后旗", "乌拉特后旗"),
    ("东乌旗", "东乌珠穆沁旗"),
    ("西乌旗", "西乌珠穆沁旗"),
    ("阿左旗", "阿拉善左旗"),
    ("阿右旗", "阿拉善右旗"),
    ("新左旗", "新巴尔虎左旗"),
    ("新右旗", "新巴尔虎右旗"),
    ("陈旗", "陈巴尔虎旗"),
    ("鄂温克旗", "鄂温克族自治旗"),
    ("鄂伦春旗", "鄂伦春自治旗"),
    ("托县", "托克托县"),
    ("和林县", "和林格尔县"),
    ("苏左旗", "苏尼特左旗"),
    ("苏右旗", "苏尼特右旗"),
    ("二连", "二连浩特市"),
];

/// Suffixes dropped to make a short form, longest first.
const SUFFIXES: &[&str] = &["族自治旗", "自治旗", "矿区", "市", "盟", "旗", "县", "区"];

/// Short forms that are everyday words or other places' names, so a query holding them is
/// not taken as a place (回民 is a people, 海南 a province, 红山 a culture, 青山 hills…).
/// Their full names (回民区, 海南区) still are.
const NOT_PLACES: &[&str] = &[
    "回民",
    "新城",
    "海南",
    "青山",
    "松山",
    "红山",
    "东河",
    "玉泉",
    "兴和",
    "正蓝",
    "鄂伦春",
    "鄂温克族",
    "白云鄂博",
    "城",
];

/// The endings of organizations' and tenders' names: a long query ending so is searched as
/// typed, since it is most likely a full name (whose place is part of the name).
const NAME_ENDINGS: &[&str] = &[
    "中心",
    "协会",
    "基金会",
    "促进会",
    "联合会",
    "研究会",
    "商会",
    "学会",
    "服务社",
    "服务站",
    "工作站",
    "社工站",
    "服务部",
    "项目",
    "研究院",
    "中心站",
];

/// A name-like query has at least this many characters.
const NAME_LIKE_CHARS: usize = 8;

/// Longest run of query words tried as one place name (jieba may split an unusual name).
const PLACE_SPAN: usize = 6;

/// A place the query named, and what the user typed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceHint {
    /// Division code.
    pub code: String,
    /// The division's full Chinese name.
    pub name: String,
    /// Its level: league/city or banner/county.
    pub level: Level,
    /// The words of the query taken as the place.
    pub term: String,
}

/// Every form a query may name a division by → its code.
fn forms() -> &'static HashMap<String, String> {
    static FORMS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
        let r = regions();
        let mut m = HashMap::new();
        for level in [Level::LeagueCity, Level::BannerCounty] {
            for d in r.of_level(level) {
                m.insert(d.name.clone(), d.code.clone());
                if let Some(short) = SUFFIXES
                    .iter()
                    .find_map(|s| d.name.strip_suffix(s))
                    .filter(|s| s.chars().count() >= 2 && !NOT_PLACES.contains(s))
                {
                    m.insert(short.to_string(), d.code.clone());
                }
            }
        }
        let by_name: HashMap<&str, &str> = r
            .of_level(Level::LeagueCity)
            .chain(r.of_level(Level::BannerCounty))
            .map(|d| (d.name.as_str(), d.code.as_str()))
            .collect();
        for (short, full) in ABBREVIATIONS {
            if let Some(code) = by_name.get(full) {
                m.insert((*short).to_string(), (*code).to_string());
            }
        }
        m
    });
    &FORMS
}

/// Full names of leagues/cities and banners/counties that some form of starts with `prefix`
/// (赤 → 赤峰市; 锡盟 → 锡林郭勒盟), leagues first, at most `n`.
pub fn suggest(prefix: &str, n: usize) -> Vec<String> {
    let prefix = prefix.trim();
    if prefix.is_empty() {
        return Vec::new();
    }
    let r = regions();
    let mut codes: Vec<&String> = forms()
        .iter()
        .filter(|(form, _)| form.starts_with(prefix))
        .map(|(_, code)| code)
        .collect();
    codes.sort_by_key(|c| (r.get(c).map(|d| d.level != Level::LeagueCity), (*c).clone()));
    codes.dedup();
    codes
        .into_iter()
        .filter_map(|c| r.get(c).map(|d| d.name.clone()))
        .take(n)
        .collect()
}

/// Words of the query with their byte ranges (whole words, as the query analysis sees them).
fn spans(text: &str) -> Vec<(usize, usize, String)> {
    let mut tok = JiebaTokenizer::with_search_mode(false);
    let mut stream = tok.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        if t.text.chars().any(char::is_alphanumeric) {
            out.push((t.offset_from, t.offset_to, t.text.clone()));
        }
    }
    out
}

/// Whether a query looks like an organization's or a tender's full name.
pub fn name_like(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() >= NAME_LIKE_CHARS && NAME_ENDINGS.iter().any(|e| t.ends_with(e))
}

/// The first place the text names (a run of whole words, the longest at each position), with
/// the byte range it covers.
pub fn find(text: &str) -> Option<(PlaceHint, std::ops::Range<usize>)> {
    if name_like(text) {
        return None;
    }
    let words = spans(text);
    let forms = forms();
    for i in 0..words.len() {
        for j in (i + 1..=(i + PLACE_SPAN).min(words.len())).rev() {
            let run: String = words[i..j].iter().map(|w| w.2.as_str()).collect();
            if let Some(code) = forms.get(&run) {
                let d = regions().get(code)?;
                let hint = PlaceHint {
                    code: code.clone(),
                    name: d.name.clone(),
                    level: d.level,
                    term: text[words[i].0..words[j - 1].1].to_string(),
                };
                return Some((hint, words[i].0..words[j - 1].1));
            }
        }
    }
    None
}

/// Applies place understanding to a parsed request: unless the user asked for the words as
/// typed (`literal=1`) or already chose a league or county, a named place leaves the text and
/// becomes the league or county filter. Returns what was understood, for the page to show
/// (with a way back to the literal search).
pub fn understand(req: &mut Request, params: &[(String, String)]) -> Option<PlaceHint> {
    let literal = params.iter().any(|(k, v)| k == "literal" && v == "1");
    if literal || req.filters.contains_key("league") || req.filters.contains_key("county") {
        return None;
    }
    let (hint, range) = find(&req.text)?;
    let rest = format!("{} {}", &req.text[..range.start], &req.text[range.end..]);
    req.text = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    let attr = if hint.level == Level::LeagueCity {
        "league"
    } else {
        "county"
    };
    req.filters
        .entry(attr.to_string())
        .or_default()
        .push(hint.code.clone());
    Some(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(text: &str) -> Request {
        Request {
            text: text.into(),
            limit: 20,
            ..Default::default()
        }
    }

    #[test]
    fn league_names_short_forms_and_abbreviations_become_a_filter() {
        for (q, code, rest) in [
            ("赤峰 养老", "150400", "养老"),
            ("赤峰市养老", "150400", "养老"),
            ("养老 赤峰", "150400", "养老"),
            ("锡盟助残", "152500", "助残"),
            ("锡林郭勒盟 助残", "152500", "助残"),
            ("呼市 心理", "150100", "心理"),
            ("兴安盟", "152200", ""),
        ] {
            let mut r = req(q);
            let hint = understand(&mut r, &[]).unwrap_or_else(|| panic!("{q}"));
            assert_eq!(hint.code, code, "{q}");
            assert_eq!(hint.level, Level::LeagueCity, "{q}");
            assert_eq!(r.text, rest, "{q}");
            assert_eq!(r.filters["league"], vec![code.to_string()], "{q}");
        }
    }

    #[test]
    fn banners_and_counties_become_a_county_filter() {
        for (q, name) in [
            ("东胜 残障", "东胜区"),
            ("东胜区 残障", "东胜区"),
            ("达旗 养老", "达拉特旗"),
            ("科左中旗 教育", "科尔沁左翼中旗"),
            ("回民区 助餐", "回民区"),
        ] {
            let mut r = req(q);
            let hint = understand(&mut r, &[]).unwrap_or_else(|| panic!("{q}"));
            assert_eq!(hint.name, name, "{q}");
            assert_eq!(hint.level, Level::BannerCounty);
            assert_eq!(r.filters["county"], vec![hint.code.clone()], "{q}");
            assert!(!r.text.contains(&hint.term), "{q}: {}", r.text);
        }
    }

    #[test]
    fn everyday_words_and_full_names_stay_text() {
        for q in [
            "回民 饮食",
            "新城 养老",
            "海南 旅游",
            "大兴安岭 生态",
            "养老",
            "",
            // A full name keeps its place: it is matched as typed.
            "呼和浩特市新城区阳光养老服务中心",
            "赤峰市乡村振兴发展基金会",
        ] {
            let mut r = req(q);
            assert_eq!(understand(&mut r, &[]), None, "{q}");
            assert_eq!(r.text, q);
            assert!(r.filters.is_empty(), "{q}");
        }
    }

    #[test]
    fn places_are_suggested_by_any_form() {
        assert_eq!(suggest("赤", 5), vec!["赤峰市".to_string()]);
        assert_eq!(suggest("锡盟", 5), vec!["锡林郭勒盟".to_string()]);
        let d = suggest("东", 20);
        assert!(d.contains(&"东胜区".to_string()), "{d:?}");
        assert!(suggest("", 5).is_empty());
        assert_eq!(suggest("呼", 1).len(), 1);
        // Leagues come before banners and counties.
        assert_eq!(suggest("呼", 5)[0], "呼和浩特市");
    }

    #[test]
    fn literal_or_a_chosen_place_turns_it_off() {
        let mut r = req("赤峰 养老");
        let lit = vec![("literal".to_string(), "1".to_string())];
        assert_eq!(understand(&mut r, &lit), None);
        assert_eq!(r.text, "赤峰 养老");
        let mut r = req("赤峰 养老");
        r.filters.insert("league".into(), vec!["150100".into()]);
        assert_eq!(understand(&mut r, &[]), None);
        assert_eq!(r.filters["league"], vec!["150100".to_string()]);
    }

    #[test]
    fn every_form_names_one_division_and_every_abbreviation_resolves() {
        let f = forms();
        for (short, full) in ABBREVIATIONS {
            let code = f.get(*short).unwrap_or_else(|| panic!("{short}"));
            assert_eq!(&regions().get(code).unwrap().name, full);
        }
        for no in NOT_PLACES {
            assert!(!f.contains_key(*no), "{no}");
        }
        // Every league/city and banner/county is reachable by its full name.
        for level in [Level::LeagueCity, Level::BannerCounty] {
            for d in regions().of_level(level) {
                assert_eq!(f.get(&d.name), Some(&d.code), "{}", d.name);
            }
        }
    }
}
