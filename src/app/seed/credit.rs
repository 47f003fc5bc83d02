//! Demo credit lists: the engine replayed week by week over the last three years for the
//! organizations with demo reports or penalties — missing reports noticed and listed, late
//! ones removed once accepted, the large fine and the suspension on the serious list — then,
//! on the demo organization, a finding of unreachable (a notice in its objection period)
//! and another ground it objected to (waiting for the regulator's answer); then the zombie
//! demo (`zombies`). Written through
//! the credit engine's operations (history rows, audit entries and notices included).

use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::orgs::model::organization;

use crate::regulation::credit_model::credit_case;
use crate::regulation::credit_rules::{DAY, FindingDraft, FindingKind};
use crate::regulation::rules::ReportForm;
use crate::regulation::{CreditSettings, RegulationSettings};

/// Seeds the credit cases unless some exist (or the demo regulator is missing); returns
/// the cases made. Run after the other demo data: listings bar organizations from bidding.
pub async fn run(db: &DatabaseConnection, now: i64) -> Result<u64, DbErr> {
    if credit_case::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let Some(regulator) = crate::accounts::find_by_email(db, super::DEMO_USERS[1].0).await? else {
        return Ok(0);
    };
    let regulator = regulator.id;
    // The organization the demo organization user administers (see `super::run`).
    let demo_org: Option<i64> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Kind.eq("social_service_agency"))
        .order_by_id_asc()
        .into_tuple()
        .one(db)
        .await?;
    let c = CreditSettings::default();
    let r = RegulationSettings::default();
    // The demo locality checks reports from the first demo year on (the national default
    // starts with 2026), so the replay finds the missing ones.
    let first_year = i64::from(crate::kernel::clock::shanghai_year(now) - 3);
    crate::regulation::set_credit_rule(
        db,
        &crate::regulation::credit_rules::Rule {
            trigger: crate::regulation::Trigger::ReportMissing,
            legal_basis: String::new(),
            threshold: Some(first_year),
            window_days: None,
            enabled: true,
        },
        Some(regulator),
        now - 3 * 365 * DAY,
    )
    .await?;
    let mut ids: Vec<i64> = crate::regulation::model::annual_report::Entity::find()
        .select_only()
        .column(crate::regulation::model::annual_report::Column::OrgId)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let penalized: Vec<i64> = crate::regulation::model::penalty::Entity::find()
        .select_only()
        .column(crate::regulation::model::penalty::Column::OrgId)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    ids.extend(penalized);
    ids.sort_unstable();
    ids.dedup();
    let mut t = now - 3 * 365 * DAY;
    while t < now - 5 * DAY {
        crate::regulation::evaluate_credit_of(db, &ids, &c, &r, t).await?;
        t += 7 * DAY;
    }
    // One organization files a missing report and the regulator accepts it: the listing
    // ends on the next run.
    if let Some(case) = credit_case::Entity::find()
        .filter(credit_case::Column::State.eq("listed"))
        .filter(credit_case::Column::Trigger.eq("report_missing"))
        .one(db)
        .await?
        && let Some(o) = crate::orgs::row(db, case.org_id).await?
        && let Some(year) = case
            .subject
            .strip_prefix("report:")
            .and_then(|y| y.parse::<i32>().ok())
    {
        let f = ReportForm {
            income: "300000".into(),
            expense: "250000".into(),
            expense_program: "200000".into(),
            expense_admin: "40000".into(),
            expense_fundraising: "5000".into(),
            expense_other: "5000".into(),
            net_assets: "120000".into(),
            gov_purchase: "100000".into(),
            grant: "20000".into(),
            staff_full: "6".into(),
            staff_part: "2".into(),
            volunteers: "30".into(),
            party_established: "yes".into(),
            party_standard: "yes".into(),
            activities: "补报年度工作报告：开展社区助老服务。".into(),
            ..Default::default()
        };
        if let Ok(d) = crate::regulation::rules::validate_report(&f, crate::kernel::Lang::Zh) {
            let filed = if crate::regulation::report(db, o.id, year).await?.is_some() {
                crate::regulation::save(db, &o, year, &d, true, regulator, now - 9 * DAY)
                    .await?
                    .is_ok()
            } else {
                crate::regulation::file(db, &o, year, &d, true, regulator, now - 9 * DAY)
                    .await?
                    .is_ok()
            };
            if filed {
                crate::regulation::review(
                    db,
                    &o,
                    year,
                    &crate::regulation::Review::Accept,
                    regulator,
                    now - 8 * DAY,
                )
                .await?
                .ok();
            }
        }
    }
    if let Some(id) = demo_org
        && let Some(o) = crate::orgs::row(db, id).await?
    {
        let admin = crate::orgs::member_roles(db, id)
            .await?
            .into_iter()
            .find(|(_, role)| *role == crate::accounts::OrgRole::Admin)
            .map(|(u, _)| u);
        let other = FindingDraft {
            kind: FindingKind::Other,
            note: "未按规定公开年度财务信息，经督促仍未改正。".into(),
            due_at: None,
        };
        crate::regulation::record_finding(db, &o, &other, regulator, now - 4 * DAY, &c, &r).await?;
        if let Some(admin) = admin
            && let Some(case) = crate::regulation::credit_model::cases_of(db, id)
                .await?
                .into_iter()
                .find(|x| x.state() == crate::regulation::CaseState::Noticed)
        {
            crate::regulation::object_to_notice(
                db,
                &o,
                case.id,
                "本机构已于规定时间内在官网公开年度财务信息，附截图为证。",
                admin,
                now - 3 * DAY,
            )
            .await?
            .ok();
        }
        let unreachable = FindingDraft {
            kind: FindingKind::Unreachable,
            note: "两次向登记住所寄送挂号信均无人签收。".into(),
            due_at: None,
        };
        crate::regulation::record_finding(db, &o, &unreachable, regulator, now - 2 * DAY, &c, &r)
            .await?;
    }
    crate::regulation::evaluate_credit_of(db, &ids, &c, &r, now).await?;
    // The zombie demo reads the unreachable finding above.
    super::zombies::run(db, now, regulator, demo_org).await?;
    localities(db, regulator, now).await?;
    credit_case::Entity::find().count(db).await
}

/// Rules per locality, set after the replay so they shape the runs from today on: Hohhot
/// moves the annual report deadline to 31 March with a 15-day objection period, its Xincheng
/// district keeps the report rule but looks for inactivity after 180 days, and Baotou
/// switches the repeat-penalty rule off.
async fn localities(db: &DatabaseConnection, regulator: i64, now: i64) -> Result<(), DbErr> {
    use crate::regulation::rule_params::OverrideEdit;
    let edits = [
        (
            "report_missing",
            "150100",
            OverrideEdit {
                threshold: None,
                window_days: None,
                enabled: None,
                objection_days: Some(15),
                deadline: Some("03-31".into()),
                reason: "呼和浩特市统一将年报截止日提前至3月31日，异议期15天。".into(),
            },
        ),
        (
            "zombie_no_activity",
            "150102",
            OverrideEdit {
                threshold: None,
                window_days: Some(180),
                enabled: None,
                objection_days: None,
                deadline: None,
                reason: "新城区对登记后半年未开展活动的组织提前督促。".into(),
            },
        ),
        (
            "repeat_penalties",
            "150200",
            OverrideEdit {
                threshold: None,
                window_days: None,
                enabled: Some(false),
                objection_days: None,
                deadline: None,
                reason: "包头市试点：多次处罚改由人工研判。".into(),
            },
        ),
    ];
    for (code, place, edit) in edits {
        crate::regulation::edit_override(db, code, place, &edit, regulator, now - DAY).await?;
    }
    Ok(())
}
