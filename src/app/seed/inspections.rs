//! A demo spot-check campaign, drawn and concluded: the region-level organizations sampled
//! at 5%, the seed committed and revealed (a fixed seed, so the demo's draw is the same on
//! every machine — a real campaign's seed comes from a CSPRNG), and findings on every item.
//! A second demo inspector joins the demo regulator so each check has two. Running it again
//! adds nothing twice.

use sea_orm::DatabaseConnection;
use sea_orm::DbErr;

use crate::accounts::Role;
use crate::inspections::rules::{CampaignDraft, Finding, Item, Level};

/// The demo campaign's seed.
pub const DEMO_SEED: [u8; 32] = *b"civicbridge demo spot check 2026";

/// The second demo inspector's e-mail.
pub const INSPECTOR: &str = "inspector@demo.civicbridge.cn";

/// Creates, commits, draws and concludes the demo campaign if there is none; how many
/// campaigns it made.
pub async fn run(db: &DatabaseConnection, now: i64, regulator: i64) -> Result<usize, DbErr> {
    if !crate::inspections::list(db, true).await?.is_empty() {
        return Ok(0);
    }
    if crate::accounts::find_by_email(db, INSPECTOR)
        .await?
        .is_none()
    {
        let hash = crate::accounts::hash_password(super::DEMO_PASSWORD).map_err(DbErr::Custom)?;
        crate::accounts::create_user(
            db,
            INSPECTOR,
            &hash,
            "民政厅检查员",
            &[Role::Regulator],
            now,
        )
        .await?;
    }
    let year = crate::kernel::clock::shanghai_year(now);
    let d = CampaignDraft {
        name: format!("{year}年度自治区本级社会组织双随机抽查"),
        level: Level::Region,
        division: crate::regions::REGION_CODE.to_string(),
        year,
        ratio_bp: Level::Region.min_ratio_bp(),
        items: Item::ALL.to_vec(),
    };
    let day = 86_400;
    let Ok(c) = crate::inspections::create(db, &d, regulator, now - 30 * day).await? else {
        // Below a minimum a locality raised: no demo campaign.
        return Ok(0);
    };
    if crate::inspections::commit_with_seed(db, &c, DEMO_SEED, regulator, now - 29 * day)
        .await?
        .is_err()
    {
        return Ok(1);
    }
    let Some(c) = crate::inspections::get(db, c.id).await? else {
        return Ok(1);
    };
    let Ok(drawn) = crate::inspections::draw(db, &c, regulator, now - 28 * day).await? else {
        return Ok(1);
    };
    let Some(c) = crate::inspections::get(db, c.id).await? else {
        return Ok(1);
    };
    let checks = crate::inspections::checks(db, c.id).await?;
    for (n, (k, dr)) in checks.iter().zip(&drawn).enumerate() {
        let rows: Vec<(Item, Finding, String)> = Item::ALL
            .iter()
            .map(|&i| {
                if n == 0 && i == Item::Disclosure {
                    (
                        i,
                        Finding::Deficient,
                        "未按规定公开年度工作报告。".to_string(),
                    )
                } else {
                    (i, Finding::Compliant, String::new())
                }
            })
            .collect();
        let by = dr.inspectors.first().copied().unwrap_or(regulator);
        let _ = crate::inspections::record(db, &c, k, &rows, by, now - 20 * day).await?;
    }
    let _ = crate::inspections::conclude(db, &c, 30, regulator, now - 10 * day).await?;
    Ok(1)
}

/// The demo's minimum ratio per locality: 呼和浩特市 raises its league/city-level campaigns
/// to 6% (national floor 4%), with its reason in the audit log. Only on a database with no
/// minimum set yet; how many it set.
pub async fn ratios(db: &DatabaseConnection, now: i64, regulator: i64) -> Result<usize, DbErr> {
    if !crate::inspections::ratio_rows(db).await?.is_empty() {
        return Ok(0);
    }
    let edit = crate::inspections::RatioEdit {
        level: Level::LeagueCity,
        min_ratio_bp: Some(600),
        reason: "市本级社会组织数量多、风险点集中，抽查比例提高到6% (more organizations and risks in the city: ratio raised to 6%)".into(),
    };
    Ok(usize::from(
        crate::inspections::set_ratio(db, "150100", &edit, regulator, now - 40 * 86_400)
            .await?
            .is_ok(),
    ))
}
