//! Pure drill-down of the report targets (issue 15 point 7): party building and jobs from
//! accepted annual reports, and the clean-credit share — social organizations registered by
//! the end of the year and on no credit list at any time in it, over all registered — for
//! the region by league/city, a league/city by banner/county, and a banner/county by
//! organization. Exact integer arithmetic; no I/O.

use std::collections::HashMap;

use crate::kernel::Lang;
use crate::regions::{Level as DivLevel, regions};
use crate::regulation::{AcceptedFigures, ReportTally};

use super::rules::ratio_bp;

/// Where the drill-down stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    /// The region: one row per league/city.
    Region,
    /// A league/city: one row per banner/county.
    League(String),
    /// A banner/county: one row per organization.
    County(String),
}

impl Level {
    /// The level the query asks for: a known banner/county wins, then a known league/city,
    /// else the region (an unknown code is no error: the region is shown).
    pub fn parse(league: &str, county: &str) -> Level {
        let r = regions();
        let county = county.trim();
        let league = league.trim();
        if r.of_level(DivLevel::BannerCounty).any(|d| d.code == county) {
            Level::County(county.to_string())
        } else if r.leagues().any(|d| d.code == league) {
            Level::League(league.to_string())
        } else {
            Level::Region
        }
    }

    /// The query string naming this level.
    pub fn query(&self) -> String {
        match self {
            Level::Region => String::new(),
            Level::League(l) => format!("league={l}"),
            Level::County(c) => format!("county={c}"),
        }
    }
}

/// An organization as the drill-down reads it (social organizations only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFact {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// League/city.
    pub league: Option<String>,
    /// Banner/county.
    pub county: Option<String>,
    /// Start of its registration day, Unix seconds.
    pub registered_at: i64,
}

/// One row of a drill-down table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DrillRow {
    /// Division code or organization id.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Social organizations registered by the end of the year.
    pub registered: i64,
    /// Of which on no credit list at any time in the year.
    pub clean: i64,
    /// Clean-credit share, basis points.
    pub clean_bp: Option<i64>,
    /// Accepted reports on the year, summed.
    pub tally: ReportTally,
    /// Party organizations among those reporting, basis points.
    pub party_bp: Option<i64>,
    /// Meeting the standard among those reporting, basis points.
    pub standard_bp: Option<i64>,
}

/// The rows at `level` for the year whose instants are `[start, end)`. `spans` are the
/// credit listings (organization, listed at, closed at).
pub fn drill(
    orgs: &[OrgFact],
    reports: &[AcceptedFigures],
    spans: &[(i64, i64, Option<i64>)],
    (start, end): (i64, i64),
    level: &Level,
    lang: Lang,
) -> Vec<DrillRow> {
    let r = regions();
    let listed: std::collections::HashSet<i64> = spans
        .iter()
        .filter(|(_, from, to)| *from < end && to.is_none_or(|t| t >= start))
        .map(|(o, _, _)| *o)
        .collect();
    let by_org: HashMap<i64, &AcceptedFigures> = reports.iter().map(|x| (x.org_id, x)).collect();
    let groups: Vec<(String, String)> = match level {
        Level::Region => r
            .leagues()
            .map(|d| (d.code.clone(), r.name(&d.code, lang)))
            .collect(),
        Level::League(l) => r
            .of_level(DivLevel::BannerCounty)
            .filter(|d| r.league_of(&d.code).is_some_and(|x| &x.code == l))
            .map(|d| (d.code.clone(), r.name(&d.code, lang)))
            .collect(),
        Level::County(c) => {
            let mut v: Vec<&OrgFact> = orgs
                .iter()
                .filter(|o| o.county.as_deref() == Some(c.as_str()) && o.registered_at < end)
                .collect();
            v.sort_by_key(|o| o.id);
            v.into_iter()
                .map(|o| (o.id.to_string(), o.name.clone()))
                .collect()
        }
    };
    let member = |o: &OrgFact, key: &str| match level {
        Level::Region => o.league.as_deref() == Some(key),
        Level::League(_) => o.county.as_deref() == Some(key),
        Level::County(_) => o.id.to_string() == key,
    };
    groups
        .into_iter()
        .map(|(key, name)| {
            let mut registered = 0;
            let mut clean = 0;
            let mut tally = ReportTally::default();
            for o in orgs.iter().filter(|o| member(o, &key)) {
                if o.registered_at < end {
                    registered += 1;
                    clean += i64::from(!listed.contains(&o.id));
                }
                if let Some(f) = by_org.get(&o.id) {
                    tally.add(f.party, f.standard, f.jobs, 0, f.volunteers);
                }
            }
            DrillRow {
                key,
                name,
                registered,
                clean,
                clean_bp: ratio_bp(clean, registered),
                party_bp: ratio_bp(tally.party, tally.reporting),
                standard_bp: ratio_bp(tally.party_standard, tally.reporting),
                tally,
            }
        })
        .collect()
}

/// The sum of rows (the level's total line).
pub fn total(rows: &[DrillRow]) -> DrillRow {
    let mut t = DrillRow {
        key: String::new(),
        name: String::new(),
        registered: 0,
        clean: 0,
        clean_bp: None,
        tally: ReportTally::default(),
        party_bp: None,
        standard_bp: None,
    };
    for r in rows {
        t.registered += r.registered;
        t.clean += r.clean;
        t.tally.reporting += r.tally.reporting;
        t.tally.party += r.tally.party;
        t.tally.party_standard += r.tally.party_standard;
        t.tally.jobs = t.tally.jobs.saturating_add(r.tally.jobs);
        t.tally.volunteers = t.tally.volunteers.saturating_add(r.tally.volunteers);
    }
    t.clean_bp = ratio_bp(t.clean, t.registered);
    t.party_bp = ratio_bp(t.tally.party, t.tally.reporting);
    t.standard_bp = ratio_bp(t.tally.party_standard, t.tally.reporting);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = 1_000_000;
    const END: i64 = 2_000_000;

    fn org(id: i64, county: &str, registered_at: i64) -> OrgFact {
        OrgFact {
            id,
            name: format!("org{id}"),
            league: regions().league_of(county).map(|d| d.code.clone()),
            county: Some(county.into()),
            registered_at,
        }
    }

    #[test]
    fn counts_are_exact_at_every_level() {
        let orgs = vec![
            org(1, "150102", 0),
            org(2, "150102", 0),
            org(3, "150103", 0),
            // Registered after the year: counted nowhere.
            org(4, "150102", END),
        ];
        let reports = vec![
            AcceptedFigures {
                org_id: 1,
                party: true,
                standard: true,
                jobs: 10,
                volunteers: 3,
            },
            AcceptedFigures {
                org_id: 3,
                party: false,
                standard: false,
                jobs: 5,
                volunteers: 0,
            },
        ];
        // 2 listed within the year; 3 listed and removed before it began.
        let spans = vec![(2, START + 5, None), (3, 0, Some(START - 1))];
        let region = drill(
            &orgs,
            &reports,
            &spans,
            (START, END),
            &Level::Region,
            Lang::Zh,
        );
        let hohhot = region.iter().find(|r| r.key == "150100").unwrap();
        assert_eq!((hohhot.registered, hohhot.clean), (3, 2));
        assert_eq!(hohhot.clean_bp, Some(6667));
        assert_eq!((hohhot.tally.reporting, hohhot.tally.jobs), (2, 15));
        assert_eq!(hohhot.party_bp, Some(5000));
        assert_eq!(region.len(), 12);
        let t = total(&region);
        assert_eq!((t.registered, t.clean, t.tally.jobs), (3, 2, 15));
        let league = drill(
            &orgs,
            &reports,
            &spans,
            (START, END),
            &Level::League("150100".into()),
            Lang::Zh,
        );
        let xc = league.iter().find(|r| r.key == "150102").unwrap();
        assert_eq!((xc.registered, xc.clean, xc.tally.jobs), (2, 1, 10));
        let county = drill(
            &orgs,
            &reports,
            &spans,
            (START, END),
            &Level::County("150102".into()),
            Lang::Zh,
        );
        assert_eq!(
            county.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
            ["1", "2"]
        );
        assert_eq!((county[0].clean, county[0].tally.jobs), (1, 10));
        assert_eq!((county[1].clean, county[1].clean_bp), (0, Some(0)));
    }

    #[test]
    fn levels_parse_known_codes_only() {
        assert_eq!(Level::parse("", ""), Level::Region);
        assert_eq!(Level::parse("150100", ""), Level::League("150100".into()));
        assert_eq!(
            Level::parse("150100", "150102"),
            Level::County("150102".into())
        );
        assert_eq!(Level::parse("999999", "x"), Level::Region);
        assert_eq!(Level::County("150102".into()).query(), "county=150102");
    }
}
