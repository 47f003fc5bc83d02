//! The policy targets (政策目标) and their dashboard, led by the 30% share: of each level's
//! new spending on purchased public services, the share bought from social organizations.
//!
//! The ledger (`target_ledger`) holds signed, non-terminated contract value per (year of
//! signing, purchasing unit, supplier is a social organization). It is written in the same
//! transaction as the signature that activates a contract ([`record_contract`]), so the
//! dashboard reads a few hundred rows however many contracts exist; [`model::recompute`] is
//! the same numbers straight from the contracts, and tests hold the two equal. Roll-ups
//! follow the division tree in Rust ([`rules::Ledger::build`]): unit → banner/county →
//! league/city → region, in exact fen. The other targets come from the organization
//! registry where the data exists; the rest say "no data yet".
//!
//! Party building and jobs come from accepted annual reports, summed by `regulation`
//! ([`crate::regulation::accepted_tallies`], one grouped query).
//!
//! Grant money paid under venture-philanthropy grants is summed by `philanthropy`
//! ([`crate::philanthropy::paid_by_league_year`]) and shown by league/city and year.
//!
//! Cultivation (the incubation system) comes from `incubators`
//! ([`crate::incubators::cultivation`], two grouped queries).
//! The drill-down of those and of the clean-credit share (`drill`): league/city →
//! banner/county → organization, each level with its CSV; the listings come from
//! `regulation::listing_spans`, the organizations from `orgs::briefs`.
//!
//! May call: `contracts` (ledger totals, drill-down rows), `orgs`, `regulation` (report
//! sums), `philanthropy` (grant sums), `incubators` (cultivation), `units`, `regions`, `web`.

pub mod brand_target;
pub mod drill;
pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

pub use rules::TargetSettings;

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr};

use crate::kernel::money::Fen;
use rules::{Cell, Ledger, Scope, Status, Trend, UnitPlace};

/// Adds a newly activated contract to the ledger; call inside the signing transaction.
pub async fn record_contract(
    db: &impl ConnectionTrait,
    year: i32,
    unit_id: i64,
    social: bool,
    value: Fen,
) -> Result<(), DbErr> {
    model::record(db, year, unit_id, social, value, 1).await
}

/// Takes a terminated contract out of the ledger; call inside the terminating transaction
/// (`contracts::terminate`).
pub async fn remove_contract(
    db: &impl ConnectionTrait,
    year: i32,
    unit_id: i64,
    social: bool,
    value: Fen,
) -> Result<(), DbErr> {
    model::record(db, year, unit_id, social, value, -1).await
}

pub use rules::percent;

/// What taking one contract out of the ledger does to the 30% share of its year: for its
/// purchasing unit and for the whole region, before and after (basis points; `None` when
/// nothing is left bought that year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemovalEffect {
    /// The year the contract counts in.
    pub year: i32,
    /// The unit's share before and after.
    pub unit: (Option<i64>, Option<i64>),
    /// The region's share before and after.
    pub region: (Option<i64>, Option<i64>),
}

/// The effect of taking a counted contract (signed in `year`) out of the ledger, read from
/// the maintained ledger: for the confirmation page of a termination.
pub async fn removal_effect(
    db: &impl ConnectionTrait,
    year: i32,
    unit_id: i64,
    social: bool,
    value: Fen,
) -> Result<RemovalEffect, DbErr> {
    let mut unit = Cell::default();
    let mut region = Cell::default();
    for r in model::rows_in_year(db, year).await? {
        region.add(&r);
        if r.unit_id == unit_id {
            unit.add(&r);
        }
    }
    let after = |c: &Cell| rules::without(c, social, value).share_bp();
    Ok(RemovalEffect {
        year,
        unit: (unit.share_bp(), after(&unit)),
        region: (region.share_bp(), after(&region)),
    })
}

/// One row of a share table.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ShareRow {
    /// Division code or unit id as text.
    pub key: String,
    /// Display name.
    pub name: String,
    /// The year's numbers.
    pub cell: Cell,
    /// Share, basis points (`None`: no purchases).
    pub share_bp: Option<i64>,
    /// Gap to the target.
    #[schema(value_type = i64)]
    pub gap: Fen,
    /// Status against the target.
    pub status: Status,
    /// Against the year before.
    pub trend: Trend,
}

impl ShareRow {
    fn new(key: String, name: String, this: Cell, before: Cell, target_bp: i64) -> ShareRow {
        ShareRow {
            key,
            name,
            share_bp: this.share_bp(),
            gap: this.gap(target_bp),
            status: match this.meets(target_bp) {
                None => Status::NoData,
                Some(true) => Status::Met,
                Some(false) => Status::Below,
            },
            trend: Trend::between(&before, &this),
            cell: this,
        }
    }
}

/// The annual-report targets of one place in one year: party building and jobs.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    /// Division code, or the year as text.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Sums of the accepted reports.
    pub tally: rules::ReportTally,
    /// Organizations with a party organization among those reporting, basis points.
    pub party_bp: Option<i64>,
    /// Of which meeting the standard, basis points of those reporting.
    pub standard_bp: Option<i64>,
    /// Party building against its target ("more than").
    pub status: Status,
}

impl ReportRow {
    fn new(key: String, name: String, tally: rules::ReportTally, target_bp: i64) -> ReportRow {
        ReportRow {
            key,
            name,
            party_bp: rules::ratio_bp(tally.party, tally.reporting),
            standard_bp: rules::ratio_bp(tally.party_standard, tally.reporting),
            status: rules::above_status(tally.party, tally.reporting, target_bp),
            tally,
        }
    }
}

/// The targets only annual reports can feed (accepted reports only), by year and place.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReportTargets {
    /// The report year shown (the latest with accepted reports by default).
    pub year: Option<i32>,
    /// Years with accepted reports, newest first.
    pub years: Vec<i32>,
    /// The region by year.
    pub by_year: Vec<ReportRow>,
    /// The region in the year shown.
    pub region: ReportRow,
    /// The 12 leagues/cities.
    pub leagues: Vec<ReportRow>,
    /// Banners/counties of the chosen league/city (else of all with reports that year).
    pub counties: Vec<ReportRow>,
}

/// The pure part of the report targets.
pub fn report_targets(
    cells: &[rules::ReportCell],
    settings: &TargetSettings,
    year: Option<i32>,
    league: Option<&str>,
    lang: crate::kernel::Lang,
) -> ReportTargets {
    use rules::ReportScope;
    let r = crate::regions::regions();
    let years = rules::report_years(cells);
    let year = year
        .filter(|y| years.contains(y))
        .or(years.first().copied());
    let y = year.unwrap_or(0);
    let target = settings.party_bp;
    let row = |scope: ReportScope, key: String, name: String| {
        ReportRow::new(key, name, rules::report_sum(cells, y, &scope), target)
    };
    let by_year = years
        .iter()
        .map(|yy| {
            ReportRow::new(
                yy.to_string(),
                yy.to_string(),
                rules::report_sum(cells, *yy, &ReportScope::Region),
                target,
            )
        })
        .collect();
    let region = row(
        ReportScope::Region,
        crate::regions::REGION_CODE.into(),
        r.name(crate::regions::REGION_CODE, lang),
    );
    let leagues = r
        .leagues()
        .map(|d| {
            row(
                ReportScope::League(d.code.clone()),
                d.code.clone(),
                r.name(&d.code, lang),
            )
        })
        .collect();
    let counties = r
        .of_level(crate::regions::Level::BannerCounty)
        .filter(|d| match league {
            Some(l) => r.league_of(&d.code).is_some_and(|x| x.code == l),
            None => true,
        })
        .map(|d| {
            row(
                ReportScope::County(d.code.clone()),
                d.code.clone(),
                if league.is_some() {
                    r.name(&d.code, lang)
                } else {
                    r.path(&d.code, lang)
                },
            )
        })
        .filter(|x| league.is_some() || x.tally.reporting > 0)
        .collect();
    ReportTargets {
        year,
        years,
        by_year,
        region,
        leagues,
        counties,
    }
}

/// One of the other targets.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OtherTarget {
    /// Stable code (locale key part).
    pub code: &'static str,
    /// Target as text (localized by the view through the code).
    pub target: String,
    /// Current value as text, `None` when the platform holds no data.
    pub current: Option<String>,
    /// Status.
    pub status: Status,
}

/// Everything the dashboard shows for one year (and optionally one league/city).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// The target, basis points.
    pub target_bp: i64,
    /// The year shown.
    pub year: Option<i32>,
    /// Years with purchases.
    pub years: Vec<i32>,
    /// The region by year (trend).
    pub by_year: Vec<ShareRow>,
    /// The region in the year shown.
    pub region: ShareRow,
    /// The 12 leagues/cities in the year shown.
    pub leagues: Vec<ShareRow>,
    /// The league/city whose banners/counties and units are listed, if one was chosen.
    pub league: Option<String>,
    /// The chosen league/city by year (its trend); empty when none was chosen.
    pub league_by_year: Vec<ShareRow>,
    /// Banners/counties (of the chosen league, else all with purchases that year).
    pub counties: Vec<ShareRow>,
    /// Purchasing units (of the chosen league, else all).
    pub units: Vec<ShareRow>,
    /// The other targets.
    pub others: Vec<OtherTarget>,
    /// Party building and jobs from annual reports.
    pub reports: ReportTargets,
    /// The incubation system (cultivation): incubators, tenants, graduates.
    pub cultivation: Cultivation,
}

/// One line of the cultivation section: a level or a league/city.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CultivationLine {
    /// Level code or league/city code (`""`: region level, outside any league/city).
    pub key: String,
    /// Name in the reader's language.
    pub name: String,
    /// Incubators.
    pub incubators: i64,
    /// Tenants in residence.
    pub residents: i64,
    /// Graduates this year.
    pub graduates: i64,
}

impl CultivationLine {
    fn add(&mut self, r: &crate::incubators::CultivationRow) {
        self.incubators += r.incubators;
        self.residents += r.residents;
        self.graduates += r.graduates;
    }
}

/// The incubation system (the policy's cultivation mechanism): incubators by level,
/// tenants in residence, graduates of the year, by level and by league/city.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Cultivation {
    /// The calendar year graduates are counted in (this year).
    pub year: i32,
    /// Region, league/city and banner/county levels, in that order.
    pub levels: Vec<CultivationLine>,
    /// Each league/city with incubators, then the region level's own.
    pub leagues: Vec<CultivationLine>,
    /// Everything.
    pub total: CultivationLine,
}

/// Sums the incubators' grouped rows by level (all three shown) and by league/city (those
/// with incubators, in code order, region-level incubators last).
pub fn cultivation(
    rows: &[crate::incubators::CultivationRow],
    year: i32,
    lang: crate::kernel::Lang,
) -> Cultivation {
    use crate::regions::Level;
    let regions = crate::regions::regions();
    let levels = [Level::Region, Level::LeagueCity, Level::BannerCounty]
        .iter()
        .map(|l| {
            let mut line = CultivationLine {
                key: l.code().to_string(),
                name: l.label(lang),
                ..Default::default()
            };
            rows.iter()
                .filter(|r| r.level == l.code())
                .for_each(|r| line.add(r));
            line
        })
        .collect();
    let mut by_league: std::collections::BTreeMap<String, CultivationLine> = Default::default();
    let mut total = CultivationLine {
        key: "total".into(),
        name: lang.t("targets.cultivation.total"),
        ..Default::default()
    };
    for r in rows {
        total.add(r);
        let key = r.league.clone().unwrap_or_default();
        by_league
            .entry(key.clone())
            .or_insert_with(|| CultivationLine {
                name: if key.is_empty() {
                    lang.t("targets.cultivation.region_level")
                } else {
                    regions.name(&key, lang)
                },
                key,
                ..Default::default()
            })
            .add(r);
    }
    let mut leagues: Vec<CultivationLine> = by_league.into_values().collect();
    // The region level's own incubators (key "") after the leagues/cities.
    leagues.sort_by_key(|l| (l.key.is_empty(), l.key.clone()));
    Cultivation {
        year,
        levels,
        leagues,
        total,
    }
}

/// A calendar year in Asia/Shanghai as `[start, end)` Unix seconds.
fn year_bounds(year: i32) -> (i64, i64) {
    let start = |y: i32| {
        time::Date::from_calendar_date(y, time::Month::January, 1)
            .map(|d| d.midnight().assume_utc().unix_timestamp() - 8 * 3_600)
            .unwrap_or(0)
    };
    (start(year), start(year + 1))
}

/// Reads the ledger and the units and rolls them up.
pub async fn ledger(db: &impl ConnectionTrait) -> Result<(Ledger, HashMap<i64, UnitPlace>), DbErr> {
    let rows = model::rows(db).await?;
    let units = model::unit_places(db).await?;
    Ok((Ledger::build(&rows, &units), units))
}

/// Builds the dashboard. `year` defaults to the latest year with purchases; a league code
/// that is not one of the 12 is ignored.
pub async fn dashboard(
    db: &impl ConnectionTrait,
    settings: &TargetSettings,
    today: time::Date,
    year: Option<i32>,
    report_year: Option<i32>,
    league: Option<&str>,
    lang: crate::kernel::Lang,
) -> Result<Dashboard, DbErr> {
    let (l, units) = ledger(db).await?;
    let orgs = model::org_figures(db, today, settings.brands_league_per_year).await?;
    let cells = model::report_cells(db).await?;
    let mut d = assemble(&l, &units, orgs, settings, year, league, lang);
    d.reports = report_targets(&cells, settings, report_year, d.league.as_deref(), lang);
    d.others = others(&orgs, &d.reports, settings);
    let (from, to) = year_bounds(today.year());
    let rows = crate::incubators::cultivation(db, from, to).await?;
    d.cultivation = cultivation(&rows, today.year(), lang);
    Ok(d)
}

/// The pure part of [`dashboard`].
pub fn assemble(
    l: &Ledger,
    units: &HashMap<i64, UnitPlace>,
    orgs: model::OrgFigures,
    settings: &TargetSettings,
    year: Option<i32>,
    league: Option<&str>,
    lang: crate::kernel::Lang,
) -> Dashboard {
    let regions = crate::regions::regions();
    let target = settings.social_share_bp;
    let year = year.or(l.latest_year());
    let row = |scope: &Scope, key: String, name: String| {
        let y = year.unwrap_or(0);
        ShareRow::new(key, name, l.cell(scope, y), l.cell(scope, y - 1), target)
    };
    let series = |scope: &Scope| -> Vec<ShareRow> {
        l.years
            .iter()
            .map(|y| {
                ShareRow::new(
                    y.to_string(),
                    y.to_string(),
                    l.cell(scope, *y),
                    l.cell(scope, y - 1),
                    target,
                )
            })
            .collect()
    };
    let by_year = series(&Scope::Region);
    let region = row(
        &Scope::Region,
        crate::regions::REGION_CODE.into(),
        regions.name(crate::regions::REGION_CODE, lang),
    );
    let leagues = regions
        .leagues()
        .map(|d| {
            row(
                &Scope::League(d.code.clone()),
                d.code.clone(),
                regions.name(&d.code, lang),
            )
        })
        .collect();
    let league = league
        .filter(|c| regions.leagues().any(|d| d.code == *c))
        .map(str::to_string);
    let league_by_year = league
        .as_ref()
        .map(|c| series(&Scope::League(c.clone())))
        .unwrap_or_default();
    let counties = match &league {
        Some(lc) => regions
            .children(lc)
            .filter(|d| d.level == crate::regions::Level::BannerCounty)
            .map(|d| {
                row(
                    &Scope::County(d.code.clone()),
                    d.code.clone(),
                    regions.name(&d.code, lang),
                )
            })
            .collect(),
        None => regions
            .of_level(crate::regions::Level::BannerCounty)
            .filter(|d| year.is_some_and(|y| !l.cell(&Scope::County(d.code.clone()), y).is_empty()))
            .map(|d| {
                row(
                    &Scope::County(d.code.clone()),
                    d.code.clone(),
                    regions.path(&d.code, lang),
                )
            })
            .collect(),
    };
    let mut unit_list: Vec<(&i64, &UnitPlace)> = units
        .iter()
        .filter(|(_, p)| league.is_none() || p.league == league)
        .collect();
    unit_list.sort_by(|a, b| {
        (&a.1.league, &a.1.county, &a.1.name).cmp(&(&b.1.league, &b.1.county, &b.1.name))
    });
    let units = unit_list
        .into_iter()
        .map(|(id, p)| row(&Scope::Unit(*id), id.to_string(), p.name.clone()))
        .collect();
    Dashboard {
        target_bp: target,
        year,
        years: l.years.iter().copied().collect(),
        by_year,
        region,
        leagues,
        league,
        league_by_year,
        counties,
        units,
        others: others(
            &orgs,
            &report_targets(&[], settings, None, None, lang),
            settings,
        ),
        reports: report_targets(&[], settings, None, None, lang),
        cultivation: Cultivation::default(),
    }
}

fn others(o: &model::OrgFigures, r: &ReportTargets, s: &TargetSettings) -> Vec<OtherTarget> {
    let t = &r.region.tally;
    let reported = t.reporting > 0;
    let ratio = |part: i64, whole: i64| rules::ratio_bp(part, whole).map(rules::percent);
    vec![
        OtherTarget {
            code: "grade3a",
            target: format!("≥ {}", rules::percent(s.grade3a_bp)),
            current: ratio(o.rated_3a, o.rated),
            status: rules::ratio_status(o.rated_3a, o.rated, s.grade3a_bp),
        },
        OtherTarget {
            code: "clean_credit",
            target: format!("≥ {}", rules::percent(s.clean_credit_bp)),
            current: ratio(o.clean, o.orgs),
            status: rules::ratio_status(o.clean, o.orgs, s.clean_credit_bp),
        },
        OtherTarget {
            code: "jobs",
            target: format!("≥ {}", s.jobs),
            current: reported.then(|| t.jobs.to_string()),
            status: rules::count_status(reported.then_some(t.jobs), s.jobs),
        },
        OtherTarget {
            code: "brands",
            target: format!("≥ {}", s.brands),
            current: Some(o.brands.to_string()),
            status: rules::count_status(Some(o.brands), s.brands),
        },
        // This year's recognitions (品牌项目认定), from the rounds in `brands`; drilled
        // down on `/targets/brands`.
        OtherTarget {
            code: "brands_region",
            target: format!("≥ {}", s.brands_region_per_year),
            current: Some(o.recognized_region.to_string()),
            status: rules::count_status(Some(o.recognized_region), s.brands_region_per_year),
        },
        OtherTarget {
            code: "brands_league",
            target: format!("≥ {}", s.brands_league_per_year),
            current: Some(format!("{}/{}", o.leagues_met, o.leagues)),
            status: if o.leagues > 0 && o.leagues_met >= o.leagues {
                Status::Met
            } else {
                Status::Below
            },
        },
        OtherTarget {
            code: "party",
            target: format!("> {}", rules::percent(s.party_bp)),
            current: r.region.party_bp.map(rules::percent),
            status: r.region.status,
        },
        OtherTarget {
            code: "national",
            target: format!("≈ {}", s.national),
            current: None,
            status: Status::NoData,
        },
    ]
}

/// The units under a scope, for the drill-down (`None`: every unit, the region).
pub fn units_in(scope: &Scope, units: &HashMap<i64, UnitPlace>) -> Option<Vec<i64>> {
    let mut ids: Vec<i64> = match scope {
        Scope::Region => return None,
        Scope::League(c) => units
            .iter()
            .filter(|(_, p)| p.league.as_deref() == Some(c))
            .map(|(id, _)| *id)
            .collect(),
        Scope::County(c) => units
            .iter()
            .filter(|(_, p)| p.county.as_deref() == Some(c))
            .map(|(id, _)| *id)
            .collect(),
        Scope::Unit(id) => vec![*id],
    };
    ids.sort_unstable();
    Some(ids)
}

/// Grant money reaching organizations by league/city and year (tranches paid), with the
/// region's totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GrantFunds {
    /// The years with payments, ascending.
    pub years: Vec<i32>,
    /// Per league/city (code, name), the amount per year in `years` order.
    pub leagues: Vec<(String, String, Vec<Fen>)>,
    /// The region's amount per year.
    pub region: Vec<Fen>,
}

/// Rolls the grant sums up: the 12 leagues/cities in the division tree's order (a payment
/// outside them counts in the region only), every year with a payment.
pub fn grant_funds_of(rows: &[(String, i32, Fen)], lang: crate::kernel::Lang) -> GrantFunds {
    let regions = crate::regions::regions();
    let mut years: Vec<i32> = rows.iter().map(|r| r.1).collect();
    years.sort_unstable();
    years.dedup();
    let sum = |league: Option<&str>, y: i32| -> Fen {
        rows.iter()
            .filter(|r| r.1 == y && league.is_none_or(|l| r.0 == l))
            .map(|r| r.2)
            .sum()
    };
    let leagues = regions
        .leagues()
        .map(|d| {
            (
                d.code.clone(),
                regions.name(&d.code, lang),
                years.iter().map(|y| sum(Some(&d.code), *y)).collect(),
            )
        })
        .collect();
    let region = years.iter().map(|y| sum(None, *y)).collect();
    GrantFunds {
        years,
        leagues,
        region,
    }
}

/// [`grant_funds_of`] over what `philanthropy` sums.
pub async fn grant_funds(
    db: &impl ConnectionTrait,
    lang: crate::kernel::Lang,
) -> Result<GrantFunds, DbErr> {
    Ok(grant_funds_of(
        &crate::philanthropy::paid_by_league_year(db).await?,
        lang,
    ))
}
#[cfg(test)]
mod cultivation_tests {
    use super::*;
    use crate::incubators::CultivationRow;
    use crate::kernel::Lang;

    fn row(league: Option<&str>, level: &str, n: i64, r: i64, g: i64) -> CultivationRow {
        CultivationRow {
            league: league.map(str::to_string),
            level: level.into(),
            incubators: n,
            residents: r,
            graduates: g,
        }
    }

    #[test]
    fn cultivation_sums_by_level_and_league() {
        let rows = [
            row(None, "region", 1, 10, 2),
            row(Some("150200"), "league_city", 1, 5, 0),
            row(Some("150100"), "league_city", 2, 7, 1),
            row(Some("150100"), "banner_county", 3, 4, 3),
        ];
        let c = cultivation(&rows, 2026, Lang::En);
        assert_eq!(c.year, 2026);
        let levels: Vec<(&str, i64, i64, i64)> = c
            .levels
            .iter()
            .map(|l| (l.key.as_str(), l.incubators, l.residents, l.graduates))
            .collect();
        assert_eq!(
            levels,
            [
                ("region", 1, 10, 2),
                ("league_city", 3, 12, 1),
                ("banner_county", 3, 4, 3)
            ]
        );
        let leagues: Vec<(&str, i64)> = c
            .leagues
            .iter()
            .map(|l| (l.key.as_str(), l.residents))
            .collect();
        assert_eq!(leagues, [("150100", 11), ("150200", 5), ("", 10)]);
        assert_eq!(
            (c.total.incubators, c.total.residents, c.total.graduates),
            (7, 26, 6)
        );
        let empty = cultivation(&[], 2026, Lang::En);
        assert!(empty.leagues.is_empty());
        assert_eq!(empty.levels.len(), 3);
        assert_eq!(empty.total.residents, 0);
    }
}

/// Start of 1 January of `year` in Asia/Shanghai, Unix seconds.
fn year_start(year: i32) -> i64 {
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::Date::from_calendar_date(year, time::Month::January, 1)
        .map(|d| d.midnight().assume_offset(offset).unix_timestamp())
        .unwrap_or(0)
}

/// What the drill-down shows for one year at one level.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DrillPage {
    /// The year shown.
    pub year: i32,
    /// Years offered (with accepted reports, newest first, and the year shown).
    pub years: Vec<i32>,
    /// The rows.
    pub rows: Vec<drill::DrillRow>,
    /// Their total.
    pub total: drill::DrillRow,
}

/// The report targets and the clean-credit share at `level` for `year` (the latest year
/// with accepted reports when `None`, else last year): four queries however many
/// organizations there are.
pub async fn drill_page(
    db: &(impl ConnectionTrait + sea_orm::StreamTrait),
    year: Option<i32>,
    level: &drill::Level,
    now: i64,
    lang: crate::kernel::Lang,
) -> Result<DrillPage, DbErr> {
    let cells = model::report_cells(db).await?;
    let mut years = rules::report_years(&cells);
    let year = year
        .filter(|y| (2000..=2100).contains(y))
        .or(years.first().copied())
        .unwrap_or(crate::kernel::clock::shanghai_year(now) - 1);
    if !years.contains(&year) {
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let orgs: Vec<drill::OrgFact> = crate::orgs::briefs(db)
        .await?
        .into_iter()
        .filter(|o| {
            crate::orgs::OrgKind::parse(&o.kind).is_some_and(crate::orgs::OrgKind::is_social_org)
        })
        .map(|o| drill::OrgFact {
            id: o.id,
            name: o.name,
            league: o.league_code,
            county: o.county_code,
            registered_at: o
                .registration_date
                .midnight()
                .assume_offset(offset)
                .unix_timestamp(),
        })
        .collect();
    let reports = crate::regulation::accepted_of_year(db, year).await?;
    let spans = crate::regulation::listing_spans(db).await?;
    let rows = drill::drill(
        &orgs,
        &reports,
        &spans,
        (year_start(year), year_start(year + 1)),
        level,
        lang,
    );
    let total = drill::total(&rows);
    Ok(DrillPage {
        year,
        years,
        rows,
        total,
    })
}
