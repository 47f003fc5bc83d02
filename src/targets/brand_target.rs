//! Target 7 (品牌服务项目): brand projects in total against 100, the region's recognitions
//! of a year against 10 and each league/city's against 5, by year, with the brands behind
//! each count. Recognitions are read through `brands`' face (`brands::recognitions`); the
//! tallies are pure (`tally`), unit-tested below.

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DbErr};

use super::rules::{Status, TargetSettings, count_status};
use crate::brands::{RecognitionLevel, RecognizedRow};
use crate::kernel::Lang;
use crate::regions::regions;

/// One league/city's recognitions in a year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LeagueRow {
    /// Division code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Recognitions.
    pub count: i64,
    /// Against the per-league target.
    pub status: Status,
}

/// One year of history: the region's count and each league/city's, in `leagues` order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryRow {
    /// Year.
    pub year: i32,
    /// Region-level recognitions.
    pub region: i64,
    /// League/city-level recognitions per league/city.
    pub leagues: Vec<i64>,
    /// How many leagues/cities met their target.
    pub leagues_met: i64,
}

/// Which recognized brands a drill-down lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drill {
    /// The region's.
    Region,
    /// One league/city's.
    League(String),
}

impl Drill {
    /// Parses `region` or `league:{code}` (a code of a real league/city).
    pub fn parse(s: &str) -> Option<Drill> {
        let s = s.trim();
        if s == "region" {
            return Some(Drill::Region);
        }
        let code = s.strip_prefix("league:")?;
        regions()
            .leagues()
            .any(|d| d.code == code)
            .then(|| Drill::League(code.to_string()))
    }

    /// Its query value.
    pub fn code(&self) -> String {
        match self {
            Drill::Region => "region".into(),
            Drill::League(c) => format!("league:{c}"),
        }
    }

    fn matches(&self, r: &RecognizedRow) -> bool {
        match self {
            Drill::Region => r.level == RecognitionLevel::Region,
            Drill::League(c) => r.level == RecognitionLevel::League && r.division_code == *c,
        }
    }
}

/// Target 7 as `/targets/brands` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BrandTarget {
    /// The year shown.
    pub year: i32,
    /// Brand projects on the platform.
    pub total: i64,
    /// Target for the total.
    pub total_target: i64,
    /// Status of the total.
    pub total_status: Status,
    /// Region-level recognitions in the year.
    pub region: i64,
    /// Region target per year.
    pub region_target: i64,
    /// Status of the region's year.
    pub region_status: Status,
    /// Per league/city target per year.
    pub league_target: i64,
    /// League/city rows of the year.
    pub leagues: Vec<LeagueRow>,
    /// History, newest year first.
    pub history: Vec<HistoryRow>,
    /// The drill-down: its scope and the recognized rows (brand, certificate).
    #[serde(skip)]
    pub drill: Option<(Drill, Vec<RecognizedRow>)>,
}

/// Counts of one year: the region's and per league/city (in `leagues` order).
pub fn tally(rows: &[RecognizedRow], year: i32, leagues: &[String]) -> (i64, Vec<i64>) {
    let mut region = 0;
    let mut per = vec![0_i64; leagues.len()];
    for r in rows.iter().filter(|r| r.year == year) {
        match r.level {
            RecognitionLevel::Region => region += 1,
            RecognitionLevel::League => {
                if let Some(i) = leagues.iter().position(|c| *c == r.division_code) {
                    per[i] += 1;
                }
            }
        }
    }
    (region, per)
}

/// The years with recognitions and the current one, newest first.
pub fn years(rows: &[RecognizedRow], current: i32) -> Vec<i32> {
    let mut ys: BTreeSet<i32> = rows.iter().map(|r| r.year).collect();
    ys.insert(current);
    ys.into_iter().rev().collect()
}

/// Loads target 7 for a year (the current one when `None`), with a drill-down if asked.
pub async fn load(
    db: &impl ConnectionTrait,
    s: &TargetSettings,
    current_year: i32,
    year: Option<i32>,
    drill: Option<Drill>,
    lang: Lang,
) -> Result<BrandTarget, DbErr> {
    let rows = crate::brands::recognitions(db).await?;
    let total = i64::try_from(crate::brands::count(db).await?).unwrap_or(i64::MAX);
    let year = year.unwrap_or(current_year);
    let league_divs: Vec<(String, String)> = regions()
        .leagues()
        .map(|d| (d.code.clone(), regions().name(&d.code, lang)))
        .collect();
    let codes: Vec<String> = league_divs.iter().map(|(c, _)| c.clone()).collect();
    let (region, per) = tally(&rows, year, &codes);
    let leagues = league_divs
        .iter()
        .zip(&per)
        .map(|((code, name), n)| LeagueRow {
            code: code.clone(),
            name: name.clone(),
            count: *n,
            status: count_status(Some(*n), s.brands_league_per_year),
        })
        .collect();
    let history = years(&rows, current_year)
        .into_iter()
        .map(|y| {
            let (region, leagues) = tally(&rows, y, &codes);
            let leagues_met = leagues
                .iter()
                .filter(|n| **n >= s.brands_league_per_year)
                .count();
            HistoryRow {
                year: y,
                region,
                leagues,
                leagues_met: i64::try_from(leagues_met).unwrap_or(0),
            }
        })
        .collect();
    let drill = drill.map(|d| {
        let picked = rows
            .iter()
            .filter(|r| r.year == year && d.matches(r))
            .cloned()
            .collect();
        (d, picked)
    });
    Ok(BrandTarget {
        year,
        total,
        total_target: s.brands,
        total_status: count_status(Some(total), s.brands),
        region,
        region_target: s.brands_region_per_year,
        region_status: count_status(Some(region), s.brands_region_per_year),
        league_target: s.brands_league_per_year,
        leagues,
        history,
        drill,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(year: i32, level: RecognitionLevel, div: &str, n: i64) -> RecognizedRow {
        RecognizedRow {
            year,
            level,
            division_code: div.into(),
            brand_id: n,
            nomination_id: n,
            certificate_no: None,
        }
    }

    #[test]
    fn tallies_by_year_level_and_league() {
        use RecognitionLevel::*;
        let rows = vec![
            row(2025, Region, "150000", 1),
            row(2025, League, "150100", 2),
            row(2025, League, "150100", 3),
            row(2025, League, "150200", 4),
            row(2026, Region, "150000", 5),
            // A league/city no longer in the list counts nowhere.
            row(2026, League, "159900", 6),
        ];
        let leagues = vec!["150100".to_string(), "150200".to_string()];
        assert_eq!(tally(&rows, 2025, &leagues), (1, vec![2, 1]));
        assert_eq!(tally(&rows, 2026, &leagues), (1, vec![0, 0]));
        assert_eq!(tally(&rows, 2024, &leagues), (0, vec![0, 0]));
        assert_eq!(years(&rows, 2026), vec![2026, 2025]);
        assert_eq!(years(&[], 2026), vec![2026]);
        assert!(Drill::Region.matches(&rows[0]));
        assert!(!Drill::Region.matches(&rows[1]));
        assert!(Drill::League("150100".into()).matches(&rows[1]));
        assert!(!Drill::League("150100".into()).matches(&rows[3]));
        assert_eq!(Drill::parse("region"), Some(Drill::Region));
        assert_eq!(
            Drill::parse("league:150100"),
            Some(Drill::League("150100".into()))
        );
        assert_eq!(Drill::parse("league:999999"), None);
        assert_eq!(Drill::parse("county:150102"), None);
    }
}
