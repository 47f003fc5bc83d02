//! Demo brand recognition (品牌项目认定): last year's rounds completed — the region's, and
//! three leagues/cities' with recognitions short of their target of 5 in some — and this
//! year's region round in public notice with one objection waiting for its answer. Driven
//! through the room's own operations (eligibility, review through `reviews`, the quota),
//! with instants in the past, so every step is on the brands' public timelines.
//!
//! Invariants: runs only when there is no round yet. May call: `brands` (recognition's
//! face), `reviews`, `regions`.

use sea_orm::{DatabaseConnection, DbErr};

use crate::brands::recognition;
use crate::brands::recognition_rules::{Eligibility, Level, NominationDraft, RoundDraft};
use crate::reviews::{Mark, Recommendation, Sheet, SubjectKind};

const DAY: i64 = 86_400;

/// What to create: (level, division, year, base instant, rules, max, nominations wanted).
struct Plan {
    level: Level,
    division: String,
    year: i32,
    base: i64,
    rules: Eligibility,
    max: Option<i32>,
    wanted: usize,
}

fn rubric() -> Vec<(String, i16)> {
    vec![
        ("服务成效".into(), 40),
        ("创新性".into(), 20),
        ("可持续性".into(), 20),
        ("社会影响".into(), 20),
    ]
}

/// Opens a round and takes it through nomination, screening and review to the shortlist in
/// public notice (published at `notice_at`); returns its id and the nominations made.
async fn to_notice(
    db: &DatabaseConnection,
    p: &Plan,
    title: &str,
    regulator: i64,
    evaluator: i64,
    nominator: (i64, i64),
    notice_at: i64,
) -> Result<Option<(i64, Vec<i64>)>, DbErr> {
    let (buyer, unit) = nominator;
    let d = RoundDraft {
        title: title.to_string(),
        year: p.year,
        level: p.level,
        division: p.division.clone(),
        opens_at: p.base,
        closes_at: p.base + 20 * DAY,
        rules: p.rules,
        max_recognitions: p.max,
        notice_days: 7,
        rubric: rubric(),
        reviewers: vec![evaluator],
    };
    let round = recognition::open_round(db, &d, regulator, p.base).await?;
    // Nominate brands in id order until enough pass the round's rules (the others are
    // refused with their rule, writing nothing).
    let mut nominated = Vec::new();
    let count = i64::try_from(crate::brands::count(db).await?).unwrap_or(0);
    for brand in 1..=count {
        if nominated.len() >= p.wanted {
            break;
        }
        let n = NominationDraft {
            brand,
            unit: Some(unit),
            statement: "项目持续服务多年，成效可核实，群众评价好，推荐参加年度品牌项目认定。"
                .into(),
        };
        if let Ok(id) = recognition::nominate(db, round, &n, buyer, p.base + DAY).await? {
            nominated.push(id);
        }
    }
    if nominated.is_empty() {
        return Ok(None);
    }
    for id in &nominated {
        let _ = recognition::screen(db, round, *id, true, "", regulator, p.base + 2 * DAY).await?;
    }
    if recognition::start_review(db, round, regulator, p.base + 21 * DAY)
        .await?
        .is_err()
    {
        return Ok(None);
    }
    // The expert scores every nomination: a little lower down the list, so the ranking
    // and the shortlist's cut are visible.
    let mine = crate::reviews::my_assignments(db, evaluator).await?;
    for (i, id) in nominated.iter().enumerate() {
        let Some((a, r)) = mine.iter().find(|(_, r)| {
            r.subject_kind == SubjectKind::BrandNomination.code() && r.subject_id == *id
        }) else {
            continue;
        };
        let n = r.criteria().len();
        let base_points: i16 = if i % 4 == 3 {
            3
        } else {
            5 - i16::try_from(i % 3).unwrap_or(0)
        };
        let sheet = Sheet {
            cells: (0..n)
                .map(|c| {
                    let p = (base_points - i16::from(c == 1 && i % 2 == 1)).clamp(0, 5);
                    (
                        Some(Mark::Points(p)),
                        "材料翔实，成效有数据支撑。".to_string(),
                    )
                })
                .collect(),
            recommendation: Some(if base_points >= 4 {
                Recommendation::Yes
            } else {
                Recommendation::Maybe
            }),
            declared: true,
        };
        let _ = crate::reviews::save_sheet(db, a.id, evaluator, &sheet, true, p.base + 25 * DAY)
            .await?;
    }
    if recognition::publish_notice(db, round, regulator, notice_at)
        .await?
        .is_err()
    {
        return Ok(None);
    }
    Ok(Some((round, nominated)))
}

/// Creates the demo rounds when there are none.
pub async fn run(
    db: &DatabaseConnection,
    now: i64,
    regulator: i64,
    evaluator: i64,
    nominator: Option<(i64, i64)>,
    objector: i64,
) -> Result<(), DbErr> {
    if !crate::brands::recognition_model::rounds(db)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let Some(nominator) = nominator else {
        return Ok(());
    };
    let year = crate::kernel::clock::shanghai_year(now);
    // Last year's: one day in its spring, for each round a few days apart.
    let spring = crate::kernel::clock::parse_local(&format!("{}-03-01T09:00", year - 1))
        .unwrap_or(now - 400 * DAY);
    let region_rules = Eligibility {
        min_grade: 3,
        clean_credit: true,
        min_years: 2,
    };
    let league_rules = Eligibility {
        min_grade: 0,
        clean_credit: true,
        min_years: 1,
    };
    let mut plans = vec![(
        Plan {
            level: Level::Region,
            division: crate::regions::REGION_CODE.to_string(),
            year: year - 1,
            base: spring,
            rules: region_rules,
            max: Some(12),
            wanted: 8,
        },
        format!("{}年度自治区品牌服务项目认定", year - 1),
    )];
    let r = crate::regions::regions();
    for (i, l) in r.leagues().take(3).enumerate() {
        plans.push((
            Plan {
                level: Level::League,
                division: l.code.clone(),
                year: year - 1,
                base: spring + i64::try_from(i + 1).unwrap_or(1) * 3 * DAY,
                rules: league_rules,
                max: None,
                wanted: 6,
            },
            format!(
                "{}年度{}品牌服务项目认定",
                year - 1,
                r.name(&l.code, crate::kernel::Lang::Zh)
            ),
        ));
    }
    for (p, title) in &plans {
        let notice_at = p.base + 30 * DAY;
        if let Some((round, _)) =
            to_notice(db, p, title, regulator, evaluator, nominator, notice_at).await?
        {
            let _ = recognition::recognize(db, round, regulator, notice_at + 8 * DAY).await?;
        }
    }
    // This year's region round: shortlist in public notice since two days ago, one
    // objection filed yesterday.
    let p = Plan {
        level: Level::Region,
        division: crate::regions::REGION_CODE.to_string(),
        year,
        base: now - 40 * DAY,
        rules: region_rules,
        max: Some(10),
        wanted: 6,
    };
    let title = format!("{year}年度自治区品牌服务项目认定");
    if let Some((round, noms)) = to_notice(
        db,
        &p,
        &title,
        regulator,
        evaluator,
        nominator,
        now - 2 * DAY,
    )
    .await?
    {
        let short = crate::brands::recognition_model::nominations_of(db, round)
            .await?
            .into_iter()
            .find(|n| noms.contains(&n.id) && n.state == "shortlisted");
        if let Some(n) = short {
            let _ = recognition::object(
                db,
                round,
                n.id,
                objector,
                "该项目申报的服务人次与实际情况不符，部分活动照片为其他项目的活动。",
                now - DAY,
            )
            .await?;
        }
    }
    Ok(())
}
