//! Demo purchase history for the policy dashboard: completed contracts of every purchasing
//! unit over the past years and active ones this year, from social organizations and other
//! suppliers in proportions that differ by league/city (some above 30%, some below, most
//! rising year by year). Rows are inserted directly — tender, contract, one paid milestone
//! and its payment — for speed; the audit log does not cover this synthetic history. The
//! 30% ledger is rebuilt from the contracts afterwards.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::contracts::model::{contract, contract_milestone, payment};
use crate::orgs::model::organization;
use crate::procurement::model::tender;
use crate::units::model::unit;

/// Title suffix that marks history tenders (and makes a second run a no-op).
const MARK: &str = "（历史项目）";

/// Chance in percent that a league/city's contract goes to a social organization in the
/// first history year, by position of the league in the division table; it rises by 3 points
/// a year.
const SOCIAL_PERCENT: [u32; 12] = [42, 18, 30, 14, 48, 22, 36, 10, 28, 20, 34, 16];

/// Creates `per_unit_year` contracts for every unit in each of the `years` years before the
/// current one, and half as many this year. Returns the number of contracts made (0 when
/// the history exists already or there are no suppliers).
pub async fn run(
    db: &DatabaseConnection,
    now: i64,
    years: i32,
    per_unit_year: usize,
) -> Result<usize, DbErr> {
    if tender::Entity::find()
        .filter(tender::Column::Title.contains(MARK))
        .count(db)
        .await?
        > 0
    {
        return Ok(0);
    }
    let suppliers = |social: bool| {
        let kinds: &[&str] = if social {
            &["social_group", "social_service_agency", "foundation"]
        } else {
            &["enterprise", "public_institution"]
        };
        organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .filter(organization::Column::Kind.is_in(kinds.iter().copied()))
            .filter(organization::Column::CreditStatus.eq("normal"))
            .limit(400)
            .into_tuple::<i64>()
            .all(db)
    };
    let social_orgs = suppliers(true).await?;
    let other_orgs = suppliers(false).await?;
    if social_orgs.is_empty() || other_orgs.is_empty() {
        return Ok(0);
    }
    let units = unit::Entity::find().all(db).await?;
    let leagues: Vec<String> = crate::regions::regions()
        .leagues()
        .map(|d| d.code.clone())
        .collect();
    let this_year = crate::kernel::clock::shanghai_year(now);
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let domains = [
        "elderly",
        "children_youth",
        "disability",
        "community",
        "rural",
    ];
    let txn = crate::kernel::db::begin_write(db).await?;
    let mut made = 0;
    for (k, year) in (this_year - years..=this_year).enumerate() {
        let current = year == this_year;
        let n = if current {
            per_unit_year.div_ceil(2)
        } else {
            per_unit_year
        };
        for u in &units {
            let league_pos = u
                .league_code
                .as_ref()
                .and_then(|l| leagues.iter().position(|x| x == l));
            let chance = league_pos.map_or(33, |p| SOCIAL_PERCENT[p]) + 3 * k as u32;
            for i in 0..n {
                let social = rng.random_range(0..100) < chance;
                let pool = if social { &social_orgs } else { &other_orgs };
                let org = pool[rng.random_range(0..pool.len())];
                let value = rng.random_range(500..20_000) * 10_000; // ¥5,000 steps in fen
                let domain = domains[(i + k) % domains.len()];
                // Signed in spring or autumn of the year (Shanghai noon).
                let jan1 = time::Date::from_calendar_date(year, time::Month::January, 1)
                    .map_err(|e| DbErr::Custom(e.to_string()))?
                    .midnight()
                    .assume_offset(crate::kernel::clock::SHANGHAI)
                    .unix_timestamp();
                let day = if current {
                    rng.random_range(10..(((now - jan1) / 86_400).max(11)))
                } else {
                    rng.random_range(30..330)
                };
                let signed = (jan1 + day * 86_400 + 4 * 3600).min(now - 3600);
                let t = tender::ActiveModel {
                    unit_id: Set(u.id),
                    created_by: Set(None),
                    title: Set(format!(
                        "{}{}年度{}{}",
                        u.name,
                        year,
                        domain_title(domain),
                        MARK
                    )),
                    description: Set("平台上线前的政府购买服务合同，用于政策目标监测演示。".into()),
                    domain: Set(domain.into()),
                    division_code: Set(u.division_code.clone()),
                    league_code: Set(u.league_code.clone()),
                    county_code: Set(u.county_code.clone()),
                    budget_fen: Set(value),
                    method: Set("open_tender".into()),
                    eval_method: Set("lowest_price".into()),
                    price_weight: Set(100),
                    min_grade: Set(None),
                    social_only: Set(false),
                    allowed_leagues: Set(String::new()),
                    min_years: Set(0),
                    enquiry_deadline: Set(signed - 30 * 86_400),
                    bid_deadline: Set(signed - 20 * 86_400),
                    contract_months: Set(12),
                    min_bids: Set(3),
                    state: Set(if current { "contracted" } else { "completed" }.into()),
                    state_reason: Set(String::new()),
                    published_at: Set(Some(signed - 45 * 86_400)),
                    opened_at: Set(Some(signed - 20 * 86_400)),
                    seq: Set(0),
                    created_at: Set(signed - 50 * 86_400),
                    updated_at: Set(signed),
                    ..Default::default()
                }
                .insert(&*txn)
                .await?;
                let rating = (!current).then(|| rng.random_range(3..=5_i16));
                let c = contract::ActiveModel {
                    tender_id: Set(t.id),
                    unit_id: Set(u.id),
                    org_id: Set(org),
                    value_fen: Set(value),
                    supplier_is_social: Set(social),
                    division_code: Set(u.division_code.clone()),
                    state: Set(if current { "active" } else { "completed" }.into()),
                    buyer_signed_at: Set(Some(signed)),
                    org_signed_at: Set(Some(signed)),
                    signed_year: Set(Some(year)),
                    completed_at: Set((!current).then_some(signed + 300 * 86_400)),
                    rating: Set(rating),
                    rating_comment: Set(rating.map(|_| "按合同约定完成服务。".to_string())),
                    created_at: Set(signed - 10 * 86_400),
                    ..Default::default()
                }
                .insert(&*txn)
                .await?;
                let m = contract_milestone::ActiveModel {
                    contract_id: Set(c.id),
                    position: Set(1),
                    name: Set("全部服务".into()),
                    percent_bp: Set(10_000),
                    amount_fen: Set(value),
                    state: Set(if current { "scheduled" } else { "paid" }.into()),
                    report: Set((!current).then(|| "服务已按计划完成。".to_string())),
                    return_reason: Set(None),
                    submitted_at: Set((!current).then_some(signed + 280 * 86_400)),
                    decided_at: Set((!current).then_some(signed + 285 * 86_400)),
                    ..Default::default()
                }
                .insert(&*txn)
                .await?;
                if !current {
                    let paid = time::OffsetDateTime::from_unix_timestamp(signed + 290 * 86_400)
                        .map_err(|e| DbErr::Custom(e.to_string()))?
                        .to_offset(crate::kernel::clock::SHANGHAI)
                        .date();
                    payment::ActiveModel {
                        contract_id: Set(c.id),
                        milestone_id: Set(m.id),
                        amount_fen: Set(value),
                        paid_on: Set(paid),
                        reference: Set(format!("LS{}-{}", year, c.id)),
                        recorded_by: Set(None),
                        at: Set(signed + 290 * 86_400),
                        ..Default::default()
                    }
                    .insert(&*txn)
                    .await?;
                }
                made += 1;
            }
        }
    }
    crate::targets::model::rebuild(&*txn).await?;
    txn.commit().await?;
    Ok(made)
}

fn domain_title(domain: &str) -> &'static str {
    match domain {
        "elderly" => "居家养老服务项目",
        "children_youth" => "困境儿童关爱服务项目",
        "disability" => "残疾人康复服务项目",
        "community" => "社区治理服务项目",
        _ => "乡村振兴服务项目",
    }
}

/// Invites the demo organization to the open demo tenders it may bid on (at most two), as
/// the demo buyer, so its workspace shows invitations. Returns how many were new.
pub async fn invite_demo_org(db: &DatabaseConnection, now: i64) -> Result<usize, DbErr> {
    use crate::orgs::model::org_member;
    let Some(user) = crate::accounts::find_by_email(db, "org@demo.civicbridge.cn").await? else {
        return Ok(0);
    };
    let Some(buyer) = crate::accounts::find_by_email(db, "buyer@demo.civicbridge.cn").await? else {
        return Ok(0);
    };
    let Some(org) = org_member::Entity::find()
        .filter(org_member::Column::UserId.eq(user.id))
        .one(db)
        .await?
        .map(|m| m.org_id)
    else {
        return Ok(0);
    };
    let today = time::OffsetDateTime::from_unix_timestamp(now)
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .to_offset(crate::kernel::clock::SHANGHAI)
        .date();
    let mut made = 0;
    for t in crate::matching::model::open_tenders(db, now).await? {
        if made == 2 {
            break;
        }
        if crate::procurement::why_ineligible(db, &t, org, today)
            .await?
            .is_empty()
            && crate::matching::model::invite(db, org, t.id, t.unit_id, buyer.id, now).await?
        {
            made += 1;
        }
    }
    Ok(made)
}
