//! Demo venture-philanthropy calls by the Hohhot civil-affairs bureau, whose demo buyer runs
//! them: one open and one already closed, written
//! through `philanthropy`'s face so each carries its audit entries. Running it again adds
//! nothing twice (calls are recognized by title).

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use crate::kernel::money::Fen;
use crate::philanthropy::model::call;
use crate::philanthropy::rules::{Applicant, CallDraft, Organizer, OrganizerKind};
use crate::units::model::unit;

const DAY: i64 = 86_400;

async fn unit_id(db: &DatabaseConnection, name: &str) -> Result<Option<i64>, DbErr> {
    Ok(unit::Entity::find()
        .filter(unit::Column::Name.eq(name))
        .one(db)
        .await?
        .map(|u| u.id))
}

/// Creates the demo calls that are missing; returns how many it created.
pub async fn run(db: &DatabaseConnection, actor: i64, now: i64) -> Result<usize, DbErr> {
    let mut made = 0;
    let plans = [
        (
            "呼和浩特市民政局",
            "2026年呼和浩特市社区公益创投大赛",
            "支持在呼和浩特市登记的社区社会组织开展为老服务、儿童关爱和社区治理项目。\n\
             鼓励社区社会组织与街道、社区居委会合作，项目周期一年。",
            vec!["elderly", "children_youth", "community"],
            "150100",
            false,
        ),
        (
            "呼和浩特市民政局",
            "2026年度呼和浩特市为老服务公益创投（第一批）",
            "面向全市社会组织征集居家和社区养老服务项目，重点支持街道和乡镇的助餐、探访关爱服务。",
            vec!["elderly", "health"],
            "150100",
            true,
        ),
    ];
    for (unit_name, title, theme, domains, place, closed) in plans {
        let taken = call::Entity::find()
            .filter(call::Column::Title.eq(title))
            .count(db)
            .await?
            > 0;
        let Some(unit) = unit_id(db, unit_name).await? else {
            continue;
        };
        if taken {
            continue;
        }
        // The closed call ran two months ago; the open one opened a week ago.
        let (opens, closes, at) = if closed {
            (now - 60 * DAY, now - 30 * DAY, now - 61 * DAY)
        } else {
            (now - 7 * DAY, now + 30 * DAY, now - 8 * DAY)
        };
        let d = CallDraft {
            organizer: Organizer {
                kind: OrganizerKind::Unit,
                id: unit,
            },
            title: title.to_string(),
            theme: theme.to_string(),
            domains: domains.into_iter().map(str::to_string).collect(),
            places: vec![place.to_string()],
            applicants: vec![Applicant::Registered, Applicant::Preparing],
            pool: Fen(100_000_000),
            max_grant: Fen(10_000_000),
            cofund_bp: 1000,
            opens_at: opens,
            closes_at: closes,
            // Two experts per application: the demo has two evaluators.
            reviewers: 2,
            rubric: vec![
                ("需求分析".into(), 30),
                ("项目设计与可行性".into(), 40),
                ("机构能力".into(), 20),
                ("预算合理性".into(), 10),
            ],
            tranches: vec![4000, 4000, 2000],
            reports: vec![6, 12],
            two_stage: !closed,
            // The invited applicants of the open call have a month after its window closes.
            full_closes_at: (!closed).then_some(closes + 30 * DAY),
            sealed: closed,
            admin_cap_bp: None,
        };
        let id = crate::philanthropy::create(db, &d, actor, at).await?;
        if let Some(c) = crate::philanthropy::get(db, id).await? {
            let _ = crate::philanthropy::publish(db, &c, actor, at).await?;
        }
        made += 1;
    }
    crate::philanthropy::close_due(db, now).await?;
    Ok(made)
}
