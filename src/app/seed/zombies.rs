//! Demo zombie cases: the demo organization, unreachable at its registered address (the
//! credit demo's finding), noticed and objecting with its reasons; and a social
//! organization without reports or activity on the platform, noticed, left without
//! objection and deregistered by the demo regulator, so its status shows publicly on its
//! profile and in `/credit`. Written through the zombie operations (audit entries and
//! notices included). Running it again adds nothing.

use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::orgs::model::organization;
use crate::regulation::credit_rules::DAY;
use crate::regulation::zombie_model::zombie_case;
use crate::regulation::{CreditSettings, RegulationSettings, ZombieOutcome};

/// Seeds the zombie cases unless some exist; returns the cases made. Run after the credit
/// demo (it reads the demo organization's unreachable finding and the report rule's first
/// year).
pub async fn run(
    db: &DatabaseConnection,
    now: i64,
    regulator: i64,
    demo_org: Option<i64>,
) -> Result<u64, DbErr> {
    if zombie_case::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let c = CreditSettings::default();
    let r = RegulationSettings::default();
    // The last social organizations of the registry (far from the ones the procurement and
    // incubator demos use): the first that meets a criterion is deregistered.
    let candidates: Vec<i64> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Kind.is_in(["social_group", "social_service_agency"]))
        .order_by_desc(organization::Column::Id)
        .limit(200)
        .into_tuple()
        .all(db)
        .await?;
    let noticed = now - 45 * DAY;
    for id in candidates {
        if Some(id) == demo_org {
            continue;
        }
        let run = crate::regulation::detect_zombies_of(db, &[id], &c, &r, Some(regulator), noticed)
            .await?;
        if run.opened == 0 {
            continue;
        }
        let Some(o) = crate::orgs::row(db, id).await? else {
            continue;
        };
        if let Some(case) = crate::regulation::zombie_model::cases_of(db, id)
            .await?
            .into_iter()
            .next()
        {
            crate::regulation::decide_zombie(
                db,
                &o,
                case.id,
                ZombieOutcome::Deregistered,
                "告知后异议期内未提出异议，经核实连续两年未报送年度工作报告、登记后未开展任何活动，依法注销登记。",
                regulator,
                now - 5 * DAY,
            )
            .await?
            .ok();
        }
        break;
    }
    if let Some(id) = demo_org
        && let Some(o) = crate::orgs::row(db, id).await?
    {
        crate::regulation::detect_zombies_of(db, &[id], &c, &r, None, now - DAY).await?;
        let admin = crate::orgs::member_roles(db, id)
            .await?
            .into_iter()
            .find(|(_, role)| *role == crate::accounts::OrgRole::Admin)
            .map(|(u, _)| u);
        if let Some(admin) = admin
            && let Some(case) = crate::regulation::zombie_model::cases_of(db, id)
                .await?
                .into_iter()
                .next()
        {
            crate::regulation::object_to_zombie_notice(
                db,
                &o,
                case.id,
                "本机构已迁至新址并于上月办理住所变更，新址可正常联系；本年度持续开展社区助老服务。",
                admin,
                now - DAY / 2,
            )
            .await?
            .ok();
        }
    }
    zombie_case::Entity::find().count(db).await
}
