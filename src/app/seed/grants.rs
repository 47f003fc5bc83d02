//! Demo grants under the closed demo call: two community groups' applications approved in
//! its window, their agreements drawn up by the demo buyer and signed by both sides through
//! `philanthropy`'s operations (each with its audit entries and notices). One started long
//! enough ago that its first report is overdue, so its second tranche is held; the other
//! has its first tranche paid and a no-cost extension waiting for the organizer; the third
//! had its first tranche paid and was then terminated early by the organizer. The first
//! agreement's start is set back seven months (the call itself closed a month ago) so the
//! demo shows an overdue report today. Running it again adds nothing.

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use crate::kernel::money::Fen;
use crate::philanthropy::grant_model::grant;
use crate::philanthropy::grant_rules::{AmendmentDraft, PaymentDraft};
use crate::philanthropy::grants as ops;
use crate::philanthropy::model::call;
use crate::philanthropy::proposal_model::{self as pm, Fields, StepWrite};
use crate::philanthropy::proposal_rules::{BudgetLine, Content, Outcome, ProposalState};

/// The closed demo call's title (see `calls`).
pub const CLOSED_CALL: &str = "2026年度呼和浩特市为老服务公益创投（第一批）";

const DAY: i64 = 86_400;

fn content(name: &str, place: &str) -> Content {
    let line = |c: &str, item: &str, yuan: i64| BudgetLine {
        category: c.to_string(),
        item: item.to_string(),
        amount: Fen(yuan * 100),
    };
    Content {
        title: format!("{name}长者助餐探访项目"),
        plan: "在社区设立助餐点，每周五天提供午餐；志愿者每月两次入户探访独居老人。".to_string(),
        beneficiaries: "社区独居和高龄老人约120人".to_string(),
        place: place.to_string(),
        outcomes: vec![
            Outcome {
                indicator: "助餐服务人次".into(),
                target: 6000,
            },
            Outcome {
                indicator: "入户探访次数".into(),
                target: 240,
            },
        ],
        budget: vec![
            line("personnel", "社工补贴", 20_000),
            line("activities", "助餐和探访活动", 18_000),
            line("materials", "餐具和物资", 6_000),
            line("admin", "办公和交通", 4_000),
        ],
        total: Fen(4_800_000),
        cofund: Fen(500_000),
        partners: vec![],
        files: vec![],
    }
}

/// Creates the demo grants if the closed call has none; returns how many it created.
pub async fn run(
    db: &DatabaseConnection,
    applicant: i64,
    organizer: i64,
    now: i64,
) -> Result<usize, DbErr> {
    let Some(c) = call::Entity::find()
        .filter(call::Column::Title.eq(CLOSED_CALL))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    if grant::Entity::find()
        .filter(grant::Column::CallId.eq(c.id))
        .count(db)
        .await?
        > 0
    {
        return Ok(0);
    }
    let place = crate::regions::regions()
        .children(c.places.trim_matches(','))
        .next()
        .map(|d| d.code.clone())
        .unwrap_or_else(|| c.places.trim_matches(',').to_string());
    let mut made = 0;
    for (n, name) in ["赛罕区银龄互助小组", "回民区邻里守望队", "玉泉区助老志愿队"]
        .iter()
        .enumerate()
    {
        // Applied inside the window (the call is closed now, so written as the operations
        // of the proposal room would have), approved after it closed.
        let applied = c.opens_at + DAY + (n as i64) * 3_600;
        let f = Fields {
            org_id: None,
            name: name.to_string(),
            uscc: None,
            content: content(name, &place),
            partners: vec![],
        };
        let id = pm::insert(
            db,
            c.id,
            applicant,
            &f,
            ProposalState::Determination,
            crate::philanthropy::proposal_rules::Stage::Full,
            1,
            applied,
        )
        .await?;
        pm::insert_revision(db, id, 1, &f.content, applicant, applied).await?;
        let w = StepWrite {
            return_to: None,
            message: Some("同意立项。".into()),
            approved: Some(Some(4_300_000)),
            decided: true,
            stage: None,
        };
        pm::set_state(
            db,
            id,
            ProposalState::Determination,
            ProposalState::Approved,
            &w,
            c.closes_at + DAY,
        )
        .await?;
        let Some(p) = pm::get(db, id).await? else {
            continue;
        };
        let start = if n == 0 {
            now - 215 * DAY
        } else {
            c.closes_at + 5 * DAY
        };
        let Ok(gid) = ops::create(db, &c, &p, organizer, start).await? else {
            continue;
        };
        made += 1;
        let Some(g) = crate::philanthropy::grant_model::get(db, gid).await? else {
            continue;
        };
        let _ = ops::sign(db, &g, true, organizer, start + DAY).await?;
        let _ = ops::sign(db, &g, false, applicant, start + 2 * DAY).await?;
        let Some(g) = crate::philanthropy::grant_model::get(db, gid).await? else {
            continue;
        };
        let tranches = crate::philanthropy::grant_model::tranches(db, gid).await?;
        if let Some(t) = tranches.first() {
            let paid = start + 5 * DAY;
            let d = PaymentDraft {
                paid_on: crate::kernel::clock::shanghai_date(paid),
                amount: Fen(t.amount_fen),
                reference: format!("HHHT-MZJ-2026-{:03}", n + 1),
            };
            let _ = ops::pay(db, &g, &d, organizer, paid).await?;
        }
        if n == 1 {
            let d = AmendmentDraft::Extension {
                ends_at: g.ends_at + 60 * DAY,
                reason: "助餐点场地装修推迟一个月开放，申请延期两个月结项。".into(),
            };
            let _ = ops::request_amendment(db, &g, &d, applicant, now - 2 * DAY).await?;
        }
        if n == 2 {
            let reason = "受资助小组核心成员离开，助餐点停止运营，经双方沟通提前终止资助。";
            let _ = ops::terminate(db, &g, reason, organizer, (start + 20 * DAY).min(now)).await?;
        }
    }
    Ok(made)
}
