//! Pure spot-check rules (双随机一公开, 民发〔2017〕45号): the campaign's states and their one
//! transition function, the minimum sampling ratio per level, the sample size, the seed's
//! commitment, and **the draw** — a published algorithm anyone can re-run from the revealed
//! seed ([`draw`], described in words by [`ALGORITHM`]). No I/O, no clock: the seed comes in
//! as bytes.

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};

use super::ratio_rules::{MAX_BP, Minimum, percent};
use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};

/// The longest each free-text field may be, in characters.
pub mod limits {
    /// The campaign's name.
    pub const NAME: usize = 200;
    /// A finding's note.
    pub const NOTE: usize = 2_000;
}

/// Inspectors per check: at least two (民发〔2017〕45号).
pub const INSPECTORS_PER_CHECK: usize = 2;

code_enum! {
    /// The registration level a campaign samples.
    #[serde(rename_all = "snake_case")]
    Level => "inspections.level" {
        /// Registered at the region (自治区) level.
        Region = "region",
        /// Registered at a league/city.
        LeagueCity = "league_city",
        /// Registered at a banner/county.
        BannerCounty = "banner_county",
    }
}

impl Level {
    /// The least share of the level's registered organizations a yearly campaign draws, in
    /// basis points: 5% region, 4% league/city, 3% banner/county (民发〔2017〕45号 art. 5).
    pub fn min_ratio_bp(self) -> u32 {
        match self {
            Level::Region => 500,
            Level::LeagueCity => 400,
            Level::BannerCounty => 300,
        }
    }
}

code_enum! {
    /// Where a campaign stands.
    #[serde(rename_all = "snake_case")]
    CampaignState => "inspections.state" {
        /// Being prepared by a regulator; seen by regulators only.
        Draft = "draft",
        /// The seed's hash and the candidates are published; the seed is still secret.
        Committed = "committed",
        /// Organizations and inspectors drawn, the seed revealed; findings being recorded.
        Drawn = "drawn",
        /// Every finding recorded; the campaign is closed.
        Concluded = "concluded",
    }
}

/// What can happen to a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignEvent {
    /// Commit the seed (publish its hash and the candidates).
    Commit,
    /// Draw and reveal the seed.
    Draw,
    /// Record findings.
    Record,
    /// Close the campaign.
    Conclude,
}

/// A transition that is not allowed from the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    /// The state it was in.
    pub from: CampaignState,
    /// What was tried.
    pub event: CampaignEvent,
}

impl IllegalTransition {
    /// The message shown to the user.
    pub fn message(self, lang: Lang) -> String {
        lang.tf(
            "inspections.err.transition",
            &[("state", &self.from.label(lang))],
        )
    }
}

impl CampaignState {
    /// The one transition function.
    pub fn apply(self, event: CampaignEvent) -> Result<CampaignState, IllegalTransition> {
        use CampaignEvent as E;
        use CampaignState as S;
        match (self, event) {
            (S::Draft, E::Commit) => Ok(S::Committed),
            (S::Committed, E::Draw) => Ok(S::Drawn),
            (S::Drawn, E::Record) => Ok(S::Drawn),
            (S::Drawn, E::Conclude) => Ok(S::Concluded),
            (from, event) => Err(IllegalTransition { from, event }),
        }
    }

    /// Whether the public may see the campaign.
    pub fn is_public(self) -> bool {
        self != CampaignState::Draft
    }
}

code_enum! {
    /// What a check covers (民发〔2017〕45号).
    #[serde(rename_all = "snake_case")]
    Item => "inspections.item" {
        /// Annual report.
        AnnualReport = "annual_report",
        /// Information disclosure.
        Disclosure = "disclosure",
        /// Internal governance.
        Governance = "governance",
        /// Finances.
        Finances = "finances",
        /// Activities within the registered scope.
        Activities = "activities",
    }
}

code_enum! {
    /// A finding on one item of one check.
    #[serde(rename_all = "snake_case")]
    Finding => "inspections.finding" {
        /// No problem found.
        Compliant = "compliant",
        /// A problem found: rectification ordered.
        Deficient = "deficient",
        /// Could not be checked (e.g. not reachable).
        NotChecked = "not_checked",
    }
}

/// How many organizations a campaign draws from `population` at `ratio_bp` basis points:
/// rounded up, at least one when there is anyone, never more than there are.
pub fn sample_size(population: usize, ratio_bp: u32) -> usize {
    let n = population as u128;
    let k = (n * u128::from(ratio_bp)).div_ceil(10_000);
    (k as usize).clamp(usize::from(population > 0), population)
}

/// The published commitment to a seed: SHA-256 of its 32 bytes, hex.
pub fn commitment(seed: &[u8; 32]) -> String {
    hex::encode(Sha256::digest(seed))
}

/// A revealed seed (64 hex characters) back to its bytes.
pub fn parse_seed(hex_seed: &str) -> Option<[u8; 32]> {
    let v = hex::decode(hex_seed.trim()).ok()?;
    v.try_into().ok()
}

/// The draw in words (shown on every campaign page with the seed and the candidates).
pub const ALGORITHM: &str = "inspections.algorithm";

/// Picks `k` of `items` with a partial Fisher–Yates shuffle driven by `rng`: for position
/// i = 0, 1, …, k−1, take the next 64-bit output of the generator, j = i + (output mod
/// (n − i)), swap items i and j; the first k items, in that order, are the pick.
fn pick(rng: &mut ChaCha20Rng, items: &mut [i64], k: usize) -> Vec<i64> {
    let n = items.len();
    for i in 0..k.min(n) {
        let span = (n - i) as u64;
        let j = i + (rng.next_u64() % span) as usize;
        items.swap(i, j);
    }
    items[..k.min(n)].to_vec()
}

/// One drawn check: the organization and its inspectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// The organization.
    pub org: i64,
    /// Its inspectors, in drawn order.
    pub inspectors: Vec<i64>,
}

/// Why a draw cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawError {
    /// An organization drawn has fewer than [`INSPECTORS_PER_CHECK`] inspectors without a
    /// conflict of interest.
    TooFewInspectors {
        /// The organization.
        org: i64,
    },
}

/// The draw. One generator, ChaCha20 (rand_chacha's `ChaCha20Rng`) seeded with the 32-byte
/// seed, serves both steps in order:
/// 1. the organizations: the candidates sorted by id, `k` of them picked (see [`pick`]);
/// 2. for each picked organization in picked order: the inspectors sorted by id, without
///    those in conflict with it (its members, `conflicts` pairs of organization and user),
///    [`INSPECTORS_PER_CHECK`] of them picked the same way.
pub fn draw(
    seed: &[u8; 32],
    candidates: &[i64],
    k: usize,
    inspectors: &[i64],
    conflicts: &[(i64, i64)],
) -> Result<Vec<Drawn>, DrawError> {
    let mut rng = ChaCha20Rng::from_seed(*seed);
    let mut orgs = candidates.to_vec();
    orgs.sort_unstable();
    orgs.dedup();
    let picked = pick(&mut rng, &mut orgs, k);
    let mut pool = inspectors.to_vec();
    pool.sort_unstable();
    pool.dedup();
    picked
        .into_iter()
        .map(|org| {
            let mut free: Vec<i64> = pool
                .iter()
                .copied()
                .filter(|u| !conflicts.contains(&(org, *u)))
                .collect();
            if free.len() < INSPECTORS_PER_CHECK {
                return Err(DrawError::TooFewInspectors { org });
            }
            let inspectors = pick(&mut rng, &mut free, INSPECTORS_PER_CHECK);
            Ok(Drawn { org, inspectors })
        })
        .collect()
}

/// What a regulator typed to define a campaign.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CampaignForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// [`Level`] code.
    #[serde(default)]
    pub level: String,
    /// The division whose organizations registered at that level are sampled (region: the
    /// region's code; league/city or banner/county: that division).
    #[serde(default)]
    pub division: String,
    /// Year.
    #[serde(default)]
    pub year: String,
    /// Ratio in percent, e.g. `5` or `4.5` (empty: the level's minimum).
    #[serde(default)]
    pub ratio: String,
    /// [`Item`] codes.
    #[serde(default)]
    pub items: Vec<String>,
}

/// A campaign that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignDraft {
    /// Name, trimmed.
    pub name: String,
    /// Level.
    pub level: Level,
    /// Division code.
    pub division: String,
    /// Year.
    pub year: i32,
    /// Ratio, basis points.
    pub ratio_bp: u32,
    /// Scope items, in declaration order.
    pub items: Vec<Item>,
}

/// Parses a percentage with at most two decimals into basis points.
pub fn parse_percent(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('%').trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let w: u32 = whole.parse().ok()?;
    let f: u32 = format!("{frac:0<2}").parse().ok()?;
    w.checked_mul(100)?.checked_add(f)
}

/// Checks a campaign. `division_level` tells the level of a division code (`None`: not a
/// division), `minimum` the least ratio of a campaign of a level in a division (the
/// national floor raised by the localities, `ratio_rules::campaign_minimum`), `this_year`
/// the current year (a campaign is for this year or the next). An empty ratio is the
/// minimum; a lower one is refused naming the minimum and where it comes from.
pub fn validate_campaign(
    f: &CampaignForm,
    division_level: impl Fn(&str) -> Option<Level>,
    minimum: impl Fn(Level, &str) -> Minimum,
    this_year: i32,
    lang: Lang,
) -> Result<CampaignDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    if text::check(&mut e, "name", &f.name, Kind::Line, limits::NAME, lang)
        && f.name.trim().is_empty()
    {
        e.add("name", lang.t("form.required"));
    }
    let level = Level::parse(f.level.trim());
    if level.is_none() {
        e.add("level", lang.t("form.choose"));
    }
    let division = f.division.trim().to_string();
    if let Some(l) = level
        && division_level(&division) != Some(l)
    {
        e.add("division", lang.t("inspections.err.division"));
    }
    let year = f
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (this_year..=this_year + 1).contains(y));
    if year.is_none() {
        e.add(
            "year",
            lang.tf(
                "inspections.err.year",
                &[
                    ("from", &this_year.to_string()),
                    ("to", &(this_year + 1).to_string()),
                ],
            ),
        );
    }
    let min = level.map(|l| minimum(l, &division));
    let ratio_bp = if f.ratio.trim().is_empty() {
        min.as_ref().map(|m| m.bp)
    } else {
        parse_percent(&f.ratio)
    };
    match (ratio_bp, &min) {
        (None, _) => e.add("ratio", lang.t("inspections.err.ratio")),
        (Some(r), Some(m)) if r < m.bp || r > MAX_BP => e.add(
            "ratio",
            lang.tf(
                "inspections.err.ratio_min",
                &[("min", &percent(m.bp)), ("source", &m.source_label(lang))],
            ),
        ),
        _ => {}
    }
    let items: Vec<Item> = Item::ALL
        .iter()
        .copied()
        .filter(|i| f.items.iter().any(|c| c == i.code()))
        .collect();
    if items.is_empty() || f.items.iter().any(|c| Item::parse(c).is_none()) {
        e.add("items", lang.t("inspections.err.items"));
    }
    match (level, year, ratio_bp) {
        (Some(level), Some(year), Some(ratio_bp)) if e.is_empty() => Ok(CampaignDraft {
            name: f.name.trim().to_string(),
            level,
            division,
            year,
            ratio_bp,
            items,
        }),
        _ => Err(e),
    }
}

/// Checks one finding's note.
pub fn validate_note(note: &str, lang: Lang) -> Result<String, String> {
    text::checked(note, Kind::Multi, limits::NOTE, lang).map(|()| note.trim().to_string())
}

impl Item {
    /// The form field of this item's finding.
    pub fn finding_field(self) -> &'static str {
        match self {
            Item::AnnualReport => "finding_annual_report",
            Item::Disclosure => "finding_disclosure",
            Item::Governance => "finding_governance",
            Item::Finances => "finding_finances",
            Item::Activities => "finding_activities",
        }
    }

    /// The form field of this item's note.
    pub fn note_field(self) -> &'static str {
        match self {
            Item::AnnualReport => "note_annual_report",
            Item::Disclosure => "note_disclosure",
            Item::Governance => "note_governance",
            Item::Finances => "note_finances",
            Item::Activities => "note_activities",
        }
    }
}

/// Checks the findings of one check: a finding for every scope item (a deficiency needs its
/// note), as `(item, finding, note)` in the items' order. `form` holds the fields as typed.
pub fn validate_findings(
    form: &std::collections::HashMap<String, String>,
    items: &[Item],
    lang: Lang,
) -> Result<Vec<(Item, Finding, String)>, FieldErrors> {
    let mut e = FieldErrors::default();
    let mut out = Vec::new();
    for &item in items {
        let typed = form
            .get(item.finding_field())
            .map(String::as_str)
            .unwrap_or("");
        let note = form
            .get(item.note_field())
            .map(String::as_str)
            .unwrap_or("");
        let finding = Finding::parse(typed.trim());
        if finding.is_none() {
            e.add(item.finding_field(), lang.t("form.choose"));
        }
        match validate_note(note, lang) {
            Err(m) => e.add(item.note_field(), m),
            Ok(n) if n.is_empty() && finding == Some(Finding::Deficient) => {
                e.add(item.note_field(), lang.t("inspections.err.note"))
            }
            Ok(n) => {
                if let Some(f) = finding {
                    out.push((item, f, n));
                }
            }
        }
    }
    e.into_result(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CampaignEvent as E;
    use CampaignState as S;

    #[test]
    fn every_transition() {
        for &s in S::ALL {
            for e in [E::Commit, E::Draw, E::Record, E::Conclude] {
                let expected = match (s, e) {
                    (S::Draft, E::Commit) => Some(S::Committed),
                    (S::Committed, E::Draw) => Some(S::Drawn),
                    (S::Drawn, E::Record) => Some(S::Drawn),
                    (S::Drawn, E::Conclude) => Some(S::Concluded),
                    _ => None,
                };
                assert_eq!(s.apply(e).ok(), expected, "{s:?} {e:?}");
            }
        }
        assert!(!S::Draft.is_public() && S::Committed.is_public());
    }

    #[test]
    fn sample_sizes_round_up() {
        assert_eq!(sample_size(0, 500), 0);
        assert_eq!(sample_size(1, 300), 1);
        assert_eq!(sample_size(100, 300), 3);
        assert_eq!(sample_size(101, 300), 4);
        assert_eq!(sample_size(20, 500), 1);
        assert_eq!(sample_size(21, 500), 2);
        assert_eq!(sample_size(7, 10_000), 7);
        assert_eq!(sample_size(7, 20_000), 7);
        assert_eq!(Level::BannerCounty.min_ratio_bp(), 300);
        assert_eq!(Level::LeagueCity.min_ratio_bp(), 400);
        assert_eq!(Level::Region.min_ratio_bp(), 500);
    }

    #[test]
    fn the_draw_is_reproducible_from_the_seed_and_excludes_conflicts() {
        let seed = [7u8; 32];
        let orgs: Vec<i64> = (1..=50).collect();
        let inspectors = [101, 102, 103, 104];
        let conflicts: Vec<(i64, i64)> = orgs.iter().map(|o| (*o, 101)).collect();
        let a = draw(&seed, &orgs, 5, &inspectors, &conflicts).unwrap();
        // The same seed and candidates, in any order, give the same draw.
        let mut shuffled = orgs.clone();
        shuffled.reverse();
        let b = draw(&seed, &shuffled, 5, &[104, 103, 102, 101], &conflicts).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 5);
        let mut picked: Vec<i64> = a.iter().map(|d| d.org).collect();
        picked.sort_unstable();
        picked.dedup();
        assert_eq!(picked.len(), 5, "no organization twice");
        for d in &a {
            assert_eq!(d.inspectors.len(), INSPECTORS_PER_CHECK);
            assert_ne!(d.inspectors[0], d.inspectors[1]);
            assert!(
                !d.inspectors.contains(&101),
                "in conflict with every organization"
            );
        }
        // Another seed, another draw.
        assert_ne!(
            draw(&[8u8; 32], &orgs, 5, &inspectors, &conflicts).unwrap(),
            a
        );
        // Not enough inspectors without a conflict.
        assert_eq!(
            draw(&seed, &[1], 1, &[101, 102], &[(1, 101)]),
            Err(DrawError::TooFewInspectors { org: 1 })
        );
        assert_eq!(draw(&seed, &[], 0, &[1, 2], &[]), Ok(vec![]));
    }

    #[test]
    fn the_draw_follows_the_published_algorithm() {
        // Re-done by hand from the words: ChaCha20 outputs, modulo, swaps.
        let seed = [42u8; 32];
        let mut rng = ChaCha20Rng::from_seed(seed);
        let mut orgs = [1i64, 2, 3, 4, 5];
        let j0 = (rng.next_u64() % 5) as usize;
        orgs.swap(0, j0);
        let mut pool = [10i64, 11, 12];
        let j = (rng.next_u64() % 3) as usize;
        pool.swap(0, j);
        let j = 1 + (rng.next_u64() % 2) as usize;
        pool.swap(1, j);
        let d = draw(&seed, &[5, 4, 3, 2, 1], 1, &[12, 11, 10], &[]).unwrap();
        assert_eq!(
            d,
            vec![Drawn {
                org: orgs[0],
                inspectors: pool[..2].to_vec()
            }]
        );
    }

    #[test]
    fn findings_need_every_item_and_a_note_for_a_deficiency() {
        let items = [Item::AnnualReport, Item::Finances];
        let mut f = std::collections::HashMap::new();
        f.insert("finding_annual_report".to_string(), "compliant".to_string());
        f.insert("finding_finances".to_string(), "deficient".to_string());
        let e = validate_findings(&f, &items, Lang::Zh).unwrap_err();
        assert!(e.get("note_finances").is_some());
        assert!(e.get("finding_annual_report").is_none());
        f.insert("note_finances".to_string(), " 账目不全 ".to_string());
        assert_eq!(
            validate_findings(&f, &items, Lang::Zh).unwrap(),
            vec![
                (Item::AnnualReport, Finding::Compliant, String::new()),
                (Item::Finances, Finding::Deficient, "账目不全".to_string()),
            ]
        );
        f.remove("finding_annual_report");
        assert!(
            validate_findings(&f, &items, Lang::Zh)
                .unwrap_err()
                .get("finding_annual_report")
                .is_some()
        );
    }

    #[test]
    fn commitments_and_seeds() {
        let seed = [1u8; 32];
        let h = commitment(&seed);
        assert_eq!(h.len(), 64);
        assert_eq!(parse_seed(&hex::encode(seed)), Some(seed));
        assert_eq!(parse_seed("zz"), None);
        assert_eq!(parse_seed(&hex::encode([1u8; 31])), None);
        assert_ne!(commitment(&[2u8; 32]), h);
    }

    #[test]
    fn campaign_validation() {
        let level_of = |c: &str| match c {
            "150000" => Some(Level::Region),
            "150100" => Some(Level::LeagueCity),
            "150102" => Some(Level::BannerCounty),
            _ => None,
        };
        let floor = |l: Level, _: &str| Minimum::floor(l);
        let f = CampaignForm {
            name: " 2026年度抽查 ".into(),
            level: "league_city".into(),
            division: "150100".into(),
            year: "2026".into(),
            ratio: String::new(),
            items: vec!["finances".into(), "annual_report".into()],
        };
        let d = validate_campaign(&f, level_of, floor, 2026, Lang::Zh).unwrap();
        assert_eq!(d.ratio_bp, 400);
        assert_eq!(d.items, vec![Item::AnnualReport, Item::Finances]);
        assert_eq!(d.name, "2026年度抽查");
        let f2 = CampaignForm {
            ratio: "4.5".into(),
            ..f.clone()
        };
        assert_eq!(
            validate_campaign(&f2, level_of, floor, 2026, Lang::Zh)
                .unwrap()
                .ratio_bp,
            450
        );
        let bad = CampaignForm {
            name: String::new(),
            level: "county".into(),
            division: "999999".into(),
            year: "2020".into(),
            ratio: "abc".into(),
            items: vec!["x".into()],
        };
        let e = validate_campaign(&bad, level_of, floor, 2026, Lang::En).unwrap_err();
        for field in ["name", "level", "year", "ratio", "items"] {
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
        let low = CampaignForm {
            ratio: "3".into(),
            division: "150102".into(),
            ..f.clone()
        };
        let e = validate_campaign(&low, level_of, floor, 2026, Lang::En).unwrap_err();
        assert!(e.get("ratio").is_some() && e.get("division").is_some());
        assert_eq!(parse_percent("5"), Some(500));
        assert_eq!(parse_percent("3.25%"), Some(325));
        for b in ["", ".5", "1.234", "-1", "1e2"] {
            assert_eq!(parse_percent(b), None, "{b}");
        }
    }
    #[test]
    fn campaigns_follow_the_local_minimum() {
        use super::super::ratio_rules::{RatioOverride, campaign_minimum};
        let level_of = |c: &str| match c {
            "150100" => Some(Level::LeagueCity),
            "150102" => Some(Level::BannerCounty),
            _ => None,
        };
        let ov = vec![RatioOverride {
            division: "150100".into(),
            level: Level::LeagueCity,
            min_ratio_bp: 600,
        }];
        let min = |l: Level, d: &str| campaign_minimum(l, d, &ov);
        let f = CampaignForm {
            name: "呼和浩特市抽查".into(),
            level: "league_city".into(),
            division: "150100".into(),
            year: "2026".into(),
            ratio: String::new(),
            items: vec!["finances".into()],
        };
        // Empty: the local minimum.
        assert_eq!(
            validate_campaign(&f, level_of, min, 2026, Lang::Zh)
                .unwrap()
                .ratio_bp,
            600
        );
        // Above the national floor but below the local minimum: refused, naming both.
        let low = CampaignForm {
            ratio: "5.99".into(),
            ..f.clone()
        };
        let e = validate_campaign(&low, level_of, min, 2026, Lang::Zh).unwrap_err();
        let m = e.get("ratio").unwrap();
        assert!(m.contains("6.00%") && m.contains("呼和浩特市"), "{m}");
        let e = validate_campaign(&low, level_of, min, 2026, Lang::En).unwrap_err();
        assert!(e.get("ratio").unwrap().contains("Hohhot"));
        let at = CampaignForm {
            ratio: "6".into(),
            ..f.clone()
        };
        assert_eq!(
            validate_campaign(&at, level_of, min, 2026, Lang::Zh)
                .unwrap()
                .ratio_bp,
            600
        );
        // A banner/county of that league/city keeps its own level's floor.
        let county = CampaignForm {
            level: "banner_county".into(),
            division: "150102".into(),
            ..f.clone()
        };
        assert_eq!(
            validate_campaign(&county, level_of, min, 2026, Lang::Zh)
                .unwrap()
                .ratio_bp,
            300
        );
        let over = CampaignForm {
            ratio: "100.01".into(),
            ..f.clone()
        };
        assert!(
            validate_campaign(&over, level_of, min, 2026, Lang::Zh)
                .unwrap_err()
                .get("ratio")
                .is_some()
        );
    }
}
