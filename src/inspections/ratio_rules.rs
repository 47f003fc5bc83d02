//! Minimum sampling ratios per locality (issue 15 point 4, "rules as data, configurable per
//! locality"). The national floors per campaign level stay in code
//! ([`Level::min_ratio_bp`], 民发〔2017〕45号); the region, a league/city or a banner/county
//! may **raise** the minimum of the campaigns of one level run for its organizations — its
//! own level or a level below it (a league/city sets its league/city campaigns and those of
//! its banners/counties; a banner/county only its own).
//!
//! The effective minimum of a campaign of level L in division D is the **highest** of L's
//! floor and every override for L along D's chain (region > league/city > banner/county).
//! The highest rather than the most specific: a locality may only raise what applies above
//! it, so a banner/county can never undo what its league/city or the region requires — the
//! same reason an override below what the locality inherits is refused ([`validate`]). On a
//! tie the less specific source is named (it is the one that still binds if the more
//! specific override is removed). Pure: no I/O, no clock; the region table is static data.

use super::rules::{Level, parse_percent};
use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};
use crate::regions::{self, regions};

/// The longest a change's reason may be, in characters.
pub const REASON: usize = 1_000;

/// The most a ratio may be: 100%, in basis points.
pub const MAX_BP: u32 = 10_000;

/// One locality's raised minimum for the campaigns of one level, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatioOverride {
    /// The region's, a league/city's or a banner/county's division code.
    pub division: String,
    /// The campaign level it applies to.
    pub level: Level,
    /// The minimum, basis points.
    pub min_ratio_bp: u32,
}

/// Where a minimum comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The national floor of the level (民发〔2017〕45号).
    Floor,
    /// A locality's override (its division code).
    Place(String),
}

/// A minimum sampling ratio and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minimum {
    /// Basis points.
    pub bp: u32,
    /// Its source.
    pub source: Source,
}

/// Basis points as a percentage with two decimals, e.g. `4.50%`.
pub fn percent(bp: u32) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

impl Minimum {
    /// The national floor of a level.
    pub fn floor(level: Level) -> Minimum {
        Minimum {
            bp: level.min_ratio_bp(),
            source: Source::Floor,
        }
    }

    /// Where it comes from, in words ("the national floor …" or "set by 呼和浩特市").
    pub fn source_label(&self, lang: Lang) -> String {
        match &self.source {
            Source::Floor => lang.t("inspections.ratios.source.floor"),
            Source::Place(code) => lang.tf(
                "inspections.ratios.source.place",
                &[("place", &regions().name(code, lang))],
            ),
        }
    }
}

/// The localities whose overrides apply in a division, least specific first: the region,
/// then its league/city and banner/county when it lies in one.
pub fn chain_of(division: &str) -> Vec<String> {
    let r = regions();
    let mut out = vec![regions::REGION_CODE.to_string()];
    out.extend(r.league_of(division).map(|d| d.code.clone()));
    out.extend(r.county_of(division).map(|d| d.code.clone()));
    out.dedup();
    out
}

/// The minimum of a campaign of `level` whose division's chain is `chain`: the level's
/// floor raised by every override for that level along the chain, the highest winning (on
/// a tie the less specific source, the floor first).
pub fn minimum(level: Level, chain: &[String], overrides: &[RatioOverride]) -> Minimum {
    let mut m = Minimum::floor(level);
    for d in chain {
        if let Some(o) = overrides
            .iter()
            .find(|o| o.level == level && o.division == *d)
            && o.min_ratio_bp > m.bp
        {
            m = Minimum {
                bp: o.min_ratio_bp,
                source: Source::Place(d.clone()),
            };
        }
    }
    m
}

/// The minimum of a campaign of `level` in `division`.
pub fn campaign_minimum(level: Level, division: &str, overrides: &[RatioOverride]) -> Minimum {
    minimum(level, &chain_of(division), overrides)
}

/// What a locality inherits for the campaigns of `level`: the minimum from the levels above
/// it (its own override left out).
pub fn inherited(level: Level, place: &str, overrides: &[RatioOverride]) -> Minimum {
    let mut chain = chain_of(place);
    chain.retain(|d| d != place);
    minimum(level, &chain, overrides)
}

/// The campaign levels a locality may set a minimum for: its own and those below it. A
/// code that is not the region, a league/city or a banner/county sets none.
pub fn settable(place: &str) -> &'static [Level] {
    match regions().get(place).map(|d| d.level) {
        Some(regions::Level::Region) => &[Level::Region, Level::LeagueCity, Level::BannerCounty],
        Some(regions::Level::LeagueCity) => &[Level::LeagueCity, Level::BannerCounty],
        Some(regions::Level::BannerCounty) => &[Level::BannerCounty],
        Some(regions::Level::Township) | None => &[],
    }
}

/// Whether `place` is a locality that may set minimums.
pub fn is_place(place: &str) -> bool {
    !settable(place).is_empty()
}

/// A locality's minimum for one campaign level, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RatioForm {
    /// The locality (division code).
    #[serde(default)]
    pub place: String,
    /// The campaign level ([`Level`] code).
    #[serde(default)]
    pub level: String,
    /// The minimum in percent, at most two decimals (empty: remove the override and
    /// inherit).
    #[serde(default)]
    pub ratio: String,
    /// Why it changes (kept in the public audit entry).
    #[serde(default)]
    pub reason: String,
}

/// A valid change of a locality's minimum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatioEdit {
    /// The campaign level.
    pub level: Level,
    /// The new minimum, basis points (`None`: the override is removed).
    pub min_ratio_bp: Option<u32>,
    /// The reason, trimmed.
    pub reason: String,
}

/// Checks a change of `place`'s minimum: a level the place may set, a percentage with at
/// most two decimals that is at least what the place inherits (so at least the national
/// floor) and at most 100% — or empty to remove the override — and a reason.
pub fn validate(
    f: &RatioForm,
    place: &str,
    overrides: &[RatioOverride],
    lang: Lang,
) -> Result<RatioEdit, FieldErrors> {
    let mut e = FieldErrors::default();
    let level = Level::parse(f.level.trim()).filter(|l| settable(place).contains(l));
    if level.is_none() {
        e.add("level", lang.t("inspections.ratios.err.level"));
    }
    let typed = f.ratio.trim();
    let bp = if typed.is_empty() {
        None
    } else {
        match parse_percent(typed) {
            None => {
                e.add("ratio", lang.t("inspections.err.ratio"));
                None
            }
            Some(bp) if bp > MAX_BP => {
                e.add("ratio", lang.t("inspections.ratios.err.max"));
                None
            }
            Some(bp) => {
                if let Some(l) = level {
                    let above = inherited(l, place, overrides);
                    if bp < above.bp {
                        e.add(
                            "ratio",
                            lang.tf(
                                "inspections.ratios.err.min",
                                &[
                                    ("min", &percent(above.bp)),
                                    ("source", &above.source_label(lang)),
                                ],
                            ),
                        );
                    }
                }
                Some(bp)
            }
        }
    };
    if text::check(&mut e, "reason", &f.reason, Kind::Multi, REASON, lang)
        && f.reason.trim().chars().count() < 2
    {
        e.add("reason", lang.t("form.required"));
    }
    match level {
        Some(level) if e.is_empty() => Ok(RatioEdit {
            level,
            min_ratio_bp: bp,
            reason: f.reason.trim().to_string(),
        }),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGION: &str = "150000";
    const HOHHOT: &str = "150100";
    const XINCHENG: &str = "150102";
    const BAOTOU: &str = "150200";

    fn o(division: &str, level: Level, bp: u32) -> RatioOverride {
        RatioOverride {
            division: division.into(),
            level,
            min_ratio_bp: bp,
        }
    }

    fn place(code: &str) -> Source {
        Source::Place(code.into())
    }

    #[test]
    fn chains_run_from_the_region_down() {
        assert_eq!(chain_of(REGION), vec![REGION]);
        assert_eq!(chain_of(HOHHOT), vec![REGION, HOHHOT]);
        assert_eq!(chain_of(XINCHENG), vec![REGION, HOHHOT, XINCHENG]);
        assert_eq!(chain_of("999999"), vec![REGION]);
    }

    #[test]
    fn no_override_is_the_national_floor() {
        for &l in Level::ALL {
            for d in [REGION, HOHHOT, XINCHENG] {
                assert_eq!(campaign_minimum(l, d, &[]), Minimum::floor(l), "{l:?} {d}");
            }
        }
        assert_eq!(Minimum::floor(Level::Region).bp, 500);
        assert_eq!(Minimum::floor(Level::LeagueCity).bp, 400);
        assert_eq!(Minimum::floor(Level::BannerCounty).bp, 300);
    }

    #[test]
    fn an_override_applies_to_its_level_and_the_divisions_under_it_only() {
        let ov = [o(HOHHOT, Level::LeagueCity, 600)];
        let m = campaign_minimum(Level::LeagueCity, HOHHOT, &ov);
        assert_eq!((m.bp, m.source), (600, place(HOHHOT)));
        // Another league/city, another level, the region: the floor.
        assert_eq!(
            campaign_minimum(Level::LeagueCity, BAOTOU, &ov),
            Minimum::floor(Level::LeagueCity)
        );
        assert_eq!(
            campaign_minimum(Level::BannerCounty, XINCHENG, &ov),
            Minimum::floor(Level::BannerCounty)
        );
        assert_eq!(
            campaign_minimum(Level::Region, REGION, &ov),
            Minimum::floor(Level::Region)
        );
        // A banner/county level override of the league/city reaches its banners/counties.
        let ov = [o(HOHHOT, Level::BannerCounty, 350)];
        let m = campaign_minimum(Level::BannerCounty, XINCHENG, &ov);
        assert_eq!((m.bp, m.source), (350, place(HOHHOT)));
        assert_eq!(
            campaign_minimum(Level::BannerCounty, "150202", &ov),
            Minimum::floor(Level::BannerCounty)
        );
    }

    #[test]
    fn the_highest_along_the_chain_wins_and_ties_name_the_less_specific() {
        let ov = [
            o(REGION, Level::BannerCounty, 400),
            o(HOHHOT, Level::BannerCounty, 500),
            o(XINCHENG, Level::BannerCounty, 450),
        ];
        let m = campaign_minimum(Level::BannerCounty, XINCHENG, &ov);
        assert_eq!(
            (m.bp, m.source),
            (500, place(HOHHOT)),
            "a county never undoes its league"
        );
        let ov = [
            o(REGION, Level::BannerCounty, 400),
            o(XINCHENG, Level::BannerCounty, 700),
        ];
        let m = campaign_minimum(Level::BannerCounty, XINCHENG, &ov);
        assert_eq!((m.bp, m.source), (700, place(XINCHENG)));
        let ov = [
            o(REGION, Level::BannerCounty, 400),
            o(HOHHOT, Level::BannerCounty, 400),
        ];
        assert_eq!(
            campaign_minimum(Level::BannerCounty, XINCHENG, &ov).source,
            place(REGION)
        );
        // An override equal to the floor (or a stale one below it) names the floor.
        let ov = [
            o(HOHHOT, Level::LeagueCity, 400),
            o(REGION, Level::LeagueCity, 100),
        ];
        assert_eq!(
            campaign_minimum(Level::LeagueCity, HOHHOT, &ov),
            Minimum::floor(Level::LeagueCity)
        );
        // Region campaigns: only the region's own override counts.
        let ov = [o(REGION, Level::Region, 800)];
        let m = campaign_minimum(Level::Region, REGION, &ov);
        assert_eq!((m.bp, m.source), (800, place(REGION)));
    }

    #[test]
    fn inherited_leaves_the_place_itself_out() {
        let ov = [
            o(REGION, Level::BannerCounty, 400),
            o(XINCHENG, Level::BannerCounty, 900),
        ];
        let m = inherited(Level::BannerCounty, XINCHENG, &ov);
        assert_eq!((m.bp, m.source), (400, place(REGION)));
        assert_eq!(
            inherited(Level::BannerCounty, REGION, &ov),
            Minimum::floor(Level::BannerCounty)
        );
    }

    #[test]
    fn what_each_locality_may_set() {
        assert_eq!(settable(REGION), Level::ALL);
        assert_eq!(settable(HOHHOT), &[Level::LeagueCity, Level::BannerCounty]);
        assert_eq!(settable(XINCHENG), &[Level::BannerCounty]);
        assert!(settable("999999").is_empty());
        assert!(settable("").is_empty());
        assert!(is_place(XINCHENG) && !is_place("15010"));
    }

    fn form(level: &str, ratio: &str, reason: &str) -> RatioForm {
        RatioForm {
            place: HOHHOT.into(),
            level: level.into(),
            ratio: ratio.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn valid_changes() {
        let ok = validate(
            &form("league_city", " 6 ", " 市局要求加大抽查力度 "),
            HOHHOT,
            &[],
            Lang::Zh,
        )
        .unwrap();
        assert_eq!(
            ok,
            RatioEdit {
                level: Level::LeagueCity,
                min_ratio_bp: Some(600),
                reason: "市局要求加大抽查力度".into()
            }
        );
        for (typed, bp) in [("4", 400), ("4.5", 450), ("4.25%", 425), ("100", 10_000)] {
            assert_eq!(
                validate(&form("league_city", typed, "ok"), HOHHOT, &[], Lang::En)
                    .unwrap()
                    .min_ratio_bp,
                Some(bp),
                "{typed}"
            );
        }
        // Empty: remove the override (inherit).
        let rm = validate(
            &form("banner_county", "", "恢复默认"),
            HOHHOT,
            &[],
            Lang::Zh,
        )
        .unwrap();
        assert_eq!(rm.min_ratio_bp, None);
        assert_eq!(rm.level, Level::BannerCounty);
    }

    #[test]
    fn bad_changes_name_their_field() {
        let only = |f: RatioForm, place: &str, ov: &[RatioOverride], field: &str| {
            let e = validate(&f, place, ov, Lang::En).unwrap_err();
            assert!(e.get(field).is_some(), "{field}: {e:?}");
            for other in ["level", "ratio", "reason"] {
                if other != field {
                    assert!(e.get(other).is_none(), "{other} too: {e:?}");
                }
            }
            e.get(field).unwrap().to_string()
        };
        // Below the national floor; above 100%; not a percentage.
        let m = only(form("league_city", "3.99", "why"), HOHHOT, &[], "ratio");
        assert!(m.contains("4.00%"), "{m}");
        only(form("league_city", "100.01", "why"), HOHHOT, &[], "ratio");
        for bad in ["abc", "4.567", "-5", ".5", "1e2", "５"] {
            only(form("league_city", bad, "why"), HOHHOT, &[], "ratio");
        }
        // Below what the place inherits from the region: named with its source.
        let ov = [o(REGION, Level::BannerCounty, 500)];
        let m = only(form("banner_county", "4.5", "why"), HOHHOT, &ov, "ratio");
        assert!(m.contains("5.00%") && m.contains("Inner Mongolia"), "{m}");
        assert!(validate(&form("banner_county", "5", "why"), HOHHOT, &ov, Lang::En).is_ok());
        // Its own override does not bind the place itself.
        let own = [o(HOHHOT, Level::LeagueCity, 900)];
        assert!(validate(&form("league_city", "5", "why"), HOHHOT, &own, Lang::En).is_ok());
        // A level the place may not set, or none.
        only(form("region", "6", "why"), HOHHOT, &[], "level");
        only(form("league_city", "6", "why"), XINCHENG, &[], "level");
        only(form("", "6", "why"), HOHHOT, &[], "level");
        only(form("county", "6", "why"), HOHHOT, &[], "level");
        only(form("league_city", "6", "why"), "999999", &[], "level");
        // A reason is required, of readable text.
        only(form("league_city", "6", ""), HOHHOT, &[], "reason");
        only(form("league_city", "6", "  x "), HOHHOT, &[], "reason");
        only(
            form("league_city", "6", "bad\u{0}text"),
            HOHHOT,
            &[],
            "reason",
        );
        only(
            form("league_city", "6", &"长".repeat(REASON + 1)),
            HOHHOT,
            &[],
            "reason",
        );
        // Everything wrong at once.
        let e = validate(&form("x", "y", ""), HOHHOT, &[], Lang::Zh).unwrap_err();
        for f in ["level", "ratio", "reason"] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }

    #[test]
    fn sources_in_both_languages() {
        let m = Minimum {
            bp: 600,
            source: place(HOHHOT),
        };
        assert!(m.source_label(Lang::Zh).contains("呼和浩特市"));
        assert!(
            Minimum::floor(Level::Region)
                .source_label(Lang::Zh)
                .contains("民发〔2017〕45号")
        );
        assert_eq!(percent(600), "6.00%");
        assert_eq!(percent(425), "4.25%");
        assert_eq!(percent(10_000), "100.00%");
    }
}
