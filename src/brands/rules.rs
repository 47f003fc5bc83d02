//! Pure brand-project rules: the form and its validation, years running, the gallery's
//! filters and sort orders. No I/O, no clock (the current year is passed in).

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};
use crate::regions::regions;

/// The longest each free-text field of this room's forms may be, in characters, and the
/// other bounds of a brand project: the one place these limits are set.
pub mod limits {
    /// A project's name.
    pub const NAME: usize = 100;
    /// The partners, one per line or separated by commas.
    pub const PARTNERS: usize = 500;
    /// The story.
    pub const STORY: usize = 5000;
    /// An outcome's label.
    pub const OUTCOME_LABEL: usize = 60;
    /// An outcome's unit.
    pub const OUTCOME_UNIT: usize = 20;
    /// Outcome rows on the form.
    pub const OUTCOMES: usize = 5;
    /// Places served.
    pub const PLACES: usize = 20;
    /// People served in a year (a bound on typing mistakes, not on ambition).
    pub const BENEFICIARIES: i64 = 100_000_000;
    /// An outcome's number.
    pub const OUTCOME_NUMBER: i64 = 1_000_000_000_000;
    /// The earliest year a project may have started.
    pub const FIRST_YEAR: i32 = 1949;
    /// Photos per project.
    pub const PHOTOS: u64 = 12;
}

/// Brands per gallery page.
pub const PAGE_SIZE: u64 = 24;

/// What an organization administrator typed. Repeated fields (`places`, the outcome
/// columns) arrive as lists.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct BrandForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Service-domain code.
    #[serde(default)]
    pub domain: String,
    /// Division codes served.
    #[serde(default)]
    pub places: Vec<String>,
    /// Year started.
    #[serde(default)]
    pub started_year: String,
    /// People served per year.
    #[serde(default)]
    pub beneficiaries: String,
    /// Outcome labels, one per row.
    #[serde(default)]
    pub outcome_label: Vec<String>,
    /// Outcome numbers, one per row.
    #[serde(default)]
    pub outcome_number: Vec<String>,
    /// Outcome units, one per row.
    #[serde(default)]
    pub outcome_unit: Vec<String>,
    /// Partners.
    #[serde(default)]
    pub partners: String,
    /// Story.
    #[serde(default)]
    pub story: String,
}

/// One stated outcome: label, number, unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What, e.g. 服务老人.
    pub label: String,
    /// How many.
    pub number: i64,
    /// Of what, e.g. 人次.
    pub unit: String,
}

/// A valid brand project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandDraft {
    /// Name.
    pub name: String,
    /// Service-domain code.
    pub domain: String,
    /// Division codes served, each with its league/city (none for the region), in the
    /// order chosen, without repeats.
    pub places: Vec<(String, Option<String>)>,
    /// Year started.
    pub started_year: i32,
    /// People served per year.
    pub beneficiaries: i64,
    /// Outcomes, in order.
    pub outcomes: Vec<Outcome>,
    /// Partners.
    pub partners: String,
    /// Story.
    pub story: String,
}

/// Parses a whole number typed with optional thousands separators (`1,200`, `1，200`).
pub fn parse_count(s: &str) -> Option<i64> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '_'))
        .collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    cleaned.parse().ok()
}

/// Validates the form against the current year (Asia/Shanghai).
pub fn validate(f: &BrandForm, current_year: i32, lang: Lang) -> Result<BrandDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = f.name.trim();
    if text::check(&mut e, "name", &f.name, Kind::Name, limits::NAME, lang)
        && name.chars().count() < 2
    {
        e.add("name", lang.t("brand.err.name"));
    }
    let domain = f.domain.trim();
    if !crate::orgs::is_domain(domain) {
        e.add("domain", lang.t("brand.err.domain"));
    }
    let r = regions();
    let mut places: Vec<(String, Option<String>)> = Vec::new();
    for p in f.places.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        match r.get(p) {
            Some(d) => {
                if !places.iter().any(|(c, _)| *c == d.code) {
                    places.push((d.code.clone(), r.league_of(&d.code).map(|l| l.code.clone())));
                }
            }
            None => {
                e.add("places", lang.t("brand.err.place"));
                break;
            }
        }
    }
    if e.get("places").is_none() {
        if places.is_empty() {
            e.add("places", lang.t("brand.err.places"));
        } else if places.len() > limits::PLACES {
            e.add(
                "places",
                lang.tf(
                    "brand.err.too_many_places",
                    &[("max", &limits::PLACES.to_string())],
                ),
            );
        }
    }
    let started_year = match f.started_year.trim().parse::<i32>() {
        Ok(y) if (limits::FIRST_YEAR..=current_year).contains(&y) => y,
        _ => {
            e.add(
                "started_year",
                lang.tf(
                    "brand.err.year",
                    &[
                        ("min", &limits::FIRST_YEAR.to_string()),
                        ("max", &current_year.to_string()),
                    ],
                ),
            );
            0
        }
    };
    let beneficiaries = match parse_count(&f.beneficiaries) {
        Some(n) if n <= limits::BENEFICIARIES => n,
        _ => {
            e.add(
                "beneficiaries",
                lang.tf(
                    "brand.err.count",
                    &[("max", &limits::BENEFICIARIES.to_string())],
                ),
            );
            0
        }
    };
    let rows = f
        .outcome_label
        .len()
        .max(f.outcome_number.len())
        .max(f.outcome_unit.len());
    fn cell(v: &[String], i: usize) -> &str {
        v.get(i).map(String::as_str).unwrap_or("")
    }
    let mut outcomes = Vec::new();
    if rows > limits::OUTCOMES {
        e.add(
            "outcomes",
            lang.tf(
                "brand.err.outcomes",
                &[("max", &limits::OUTCOMES.to_string())],
            ),
        );
    } else {
        for i in 0..rows {
            let (label, number, unit) = (
                cell(&f.outcome_label, i),
                cell(&f.outcome_number, i),
                cell(&f.outcome_unit, i),
            );
            if label.trim().is_empty() && number.trim().is_empty() && unit.trim().is_empty() {
                continue;
            }
            let ok = text::check(
                &mut e,
                "outcomes",
                label,
                Kind::Line,
                limits::OUTCOME_LABEL,
                lang,
            ) && text::check(
                &mut e,
                "outcomes",
                unit,
                Kind::Line,
                limits::OUTCOME_UNIT,
                lang,
            );
            if !ok {
                break;
            }
            match parse_count(number) {
                Some(n) if n <= limits::OUTCOME_NUMBER && !label.trim().is_empty() => outcomes
                    .push(Outcome {
                        label: label.trim().to_string(),
                        number: n,
                        unit: unit.trim().to_string(),
                    }),
                _ => {
                    e.add(
                        "outcomes",
                        lang.tf("brand.err.outcome_row", &[("row", &(i + 1).to_string())]),
                    );
                    break;
                }
            }
        }
    }
    text::check(
        &mut e,
        "partners",
        &f.partners,
        Kind::Multi,
        limits::PARTNERS,
        lang,
    );
    if text::check(&mut e, "story", &f.story, Kind::Multi, limits::STORY, lang)
        && f.story.trim().chars().count() < 10
    {
        e.add("story", lang.t("brand.err.story"));
    }
    e.into_result(BrandDraft {
        name: name.to_string(),
        domain: domain.to_string(),
        places,
        started_year,
        beneficiaries,
        outcomes,
        partners: f.partners.trim().to_string(),
        story: f.story.trim().to_string(),
    })
}

/// Whole years a project has been running in `current_year` (0 in its first year).
pub fn years_running(started_year: i32, current_year: i32) -> i32 {
    (current_year - started_year).max(0)
}

code_enum! {
    /// The gallery's sort orders.
    #[serde(rename_all = "snake_case")]
    Sort => "brands.sort" {
        /// Newest pages first.
        Newest = "newest",
        /// Longest running first.
        Longest = "longest",
        /// Most people served first.
        Reach = "reach",
        /// By name.
        Name = "name",
    }
}

/// What the gallery's query string asks for (raw).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct GalleryQuery {
    /// Domain code.
    #[serde(default)]
    pub domain: String,
    /// League/city code.
    #[serde(default)]
    pub league: String,
    /// Year started.
    #[serde(default)]
    pub year: String,
    /// Sort code.
    #[serde(default)]
    pub sort: String,
    /// Page, from 1.
    #[serde(default)]
    pub page: String,
}

/// The gallery's filters, each ignored when it does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gallery {
    /// Domain code.
    pub domain: Option<String>,
    /// League/city code.
    pub league: Option<String>,
    /// Year started.
    pub year: Option<i32>,
    /// Order.
    pub sort: Sort,
    /// Page, from 1.
    pub page: u64,
}

/// Reads the gallery's query: unknown values mean "any" (a shared link never breaks).
pub fn parse_gallery(q: &GalleryQuery) -> Gallery {
    let r = regions();
    Gallery {
        domain: Some(q.domain.trim())
            .filter(|d| crate::orgs::is_domain(d))
            .map(str::to_string),
        league: r
            .get(q.league.trim())
            .filter(|d| d.level == crate::regions::Level::LeagueCity)
            .map(|d| d.code.clone()),
        year: q
            .year
            .trim()
            .parse()
            .ok()
            .filter(|y| (limits::FIRST_YEAR..=9999).contains(y)),
        sort: Sort::parse(q.sort.trim()).unwrap_or(Sort::Newest),
        page: q.page.trim().parse().ok().filter(|p| *p >= 1).unwrap_or(1),
    }
}

impl Gallery {
    /// The query string of these filters on another page (the pager's links).
    pub fn href(&self, page: u64) -> String {
        let mut parts = Vec::new();
        if let Some(d) = &self.domain {
            parts.push(format!("domain={d}"));
        }
        if let Some(l) = &self.league {
            parts.push(format!("league={l}"));
        }
        if let Some(y) = self.year {
            parts.push(format!("year={y}"));
        }
        if self.sort != Sort::Newest {
            parts.push(format!("sort={}", self.sort.code()));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            "/brands".into()
        } else {
            format!("/brands?{}", parts.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> BrandForm {
        BrandForm {
            name: "银龄互助食堂".into(),
            domain: "elderly".into(),
            places: vec!["150100".into(), "150102".into(), "150100".into()],
            started_year: "2019".into(),
            beneficiaries: "1,200".into(),
            outcome_label: vec!["助餐".into(), "".into()],
            outcome_number: vec!["36000".into(), "".into()],
            outcome_unit: vec!["人次".into(), "".into()],
            partners: "新城区民政局".into(),
            story: "从一个社区食堂开始，服务辖区高龄独居老人。".into(),
        }
    }

    #[test]
    fn a_good_form_becomes_a_draft() {
        let d = validate(&form(), 2026, Lang::Zh).unwrap();
        assert_eq!(d.beneficiaries, 1200);
        assert_eq!(
            d.places,
            vec![
                ("150100".into(), Some("150100".into())),
                ("150102".into(), Some("150100".into()))
            ]
        );
        assert_eq!(
            d.outcomes,
            vec![Outcome {
                label: "助餐".into(),
                number: 36000,
                unit: "人次".into()
            }]
        );
        assert_eq!(d.started_year, 2019);
    }

    #[test]
    fn each_bad_field_is_named() {
        type Change = Box<dyn Fn(&mut BrandForm)>;
        let cases: Vec<(&str, Change)> = vec![
            ("name", Box::new(|f| f.name = "x".into())),
            ("name", Box::new(|f| f.name = "a\u{202e}b品牌".into())),
            ("domain", Box::new(|f| f.domain = "bogus".into())),
            ("places", Box::new(|f| f.places = vec![])),
            ("places", Box::new(|f| f.places = vec!["999999".into()])),
            (
                "places",
                Box::new(|f| {
                    f.places = crate::regions::regions()
                        .of_level(crate::regions::Level::BannerCounty)
                        .take(21)
                        .map(|d| d.code.clone())
                        .collect()
                }),
            ),
            ("started_year", Box::new(|f| f.started_year = "2027".into())),
            ("started_year", Box::new(|f| f.started_year = "1900".into())),
            ("started_year", Box::new(|f| f.started_year = "去年".into())),
            ("beneficiaries", Box::new(|f| f.beneficiaries = "-5".into())),
            (
                "beneficiaries",
                Box::new(|f| f.beneficiaries = "1.5".into()),
            ),
            (
                "beneficiaries",
                Box::new(|f| f.beneficiaries = "100000001".into()),
            ),
            (
                "outcomes",
                Box::new(|f| f.outcome_number = vec!["很多".into()]),
            ),
            ("outcomes", Box::new(|f| f.outcome_label = vec!["".into()])),
            (
                "outcomes",
                Box::new(|f| f.outcome_unit = vec!["人\n次".into()]),
            ),
            (
                "outcomes",
                Box::new(|f| f.outcome_label = vec!["a".into(); 6]),
            ),
            ("partners", Box::new(|f| f.partners = "伙".repeat(501))),
            ("story", Box::new(|f| f.story = "太短".into())),
            ("story", Box::new(|f| f.story = "故".repeat(5001))),
        ];
        for (field, change) in cases {
            let mut f = form();
            change(&mut f);
            let e = validate(&f, 2026, Lang::En).unwrap_err();
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
    }

    #[test]
    fn counts_accept_separators_only() {
        assert_eq!(parse_count("1,200"), Some(1200));
        assert_eq!(parse_count(" 1，200 "), Some(1200));
        assert_eq!(parse_count("0"), Some(0));
        for bad in ["", "-1", "1.5", "1e3", "十", "99999999999999999999"] {
            assert_eq!(parse_count(bad), None, "{bad}");
        }
    }

    #[test]
    fn years_running_counts_whole_years() {
        assert_eq!(years_running(2020, 2026), 6);
        assert_eq!(years_running(2026, 2026), 0);
        assert_eq!(years_running(2027, 2026), 0);
    }

    #[test]
    fn the_gallery_ignores_what_it_cannot_read() {
        let g = parse_gallery(&GalleryQuery {
            domain: "elderly".into(),
            league: "150100".into(),
            year: "2020".into(),
            sort: "reach".into(),
            page: "3".into(),
        });
        assert_eq!(
            g,
            Gallery {
                domain: Some("elderly".into()),
                league: Some("150100".into()),
                year: Some(2020),
                sort: Sort::Reach,
                page: 3
            }
        );
        assert_eq!(
            g.href(2),
            "/brands?domain=elderly&league=150100&year=2020&sort=reach&page=2"
        );
        let g = parse_gallery(&GalleryQuery {
            domain: "x".into(),
            league: "150102".into(),
            year: "abc".into(),
            sort: "x".into(),
            page: "0".into(),
        });
        assert_eq!(
            (g.domain, g.league, g.year, g.sort, g.page),
            (None, None, None, Sort::Newest, 1)
        );
        assert_eq!(parse_gallery(&GalleryQuery::default()).href(1), "/brands");
        for s in Sort::ALL {
            assert_eq!(Sort::parse(s.code()), Some(*s));
        }
    }
}
