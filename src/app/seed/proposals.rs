//! Demo applications to the open demo call, one in every state (draft, submitted, screening
//! with a revision, more information requested, expert review, determination, approved for
//! less than asked, rejected), made by the demo organization user for community groups in
//! preparation and moved on by the demo buyer, through `philanthropy`'s operations so each
//! carries its audit entries and notices. Running it again adds nothing (the call's
//! proposals are counted first).

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use crate::kernel::money::Fen;
use crate::philanthropy::model::call;
use crate::philanthropy::proposal_model::proposal;
use crate::philanthropy::proposal_rules::{
    ApplicantChoice, BudgetLine, Outcome, ProposalDraft, ScreenItem, Step, StepDraft,
};
use crate::philanthropy::proposals as ops;

/// The open demo call's title (see `calls`).
pub const OPEN_CALL: &str = "2026年呼和浩特市社区公益创投大赛";

const DAY: i64 = 86_400;

fn draft(n: usize, place: &str, submit: bool) -> ProposalDraft {
    let names = [
        "青城助老志愿小组",
        "新城区儿童成长营",
        "赛罕区邻里互助会",
        "回民区银龄课堂",
        "玉泉区社区花园小组",
        "如意社区助餐队",
        "大学西路关爱留守儿童小组",
        "丁香社区议事会",
    ];
    let name = names[n % names.len()];
    let line = |c: &str, item: &str, yuan: i64| BudgetLine {
        category: c.to_string(),
        item: item.to_string(),
        amount: Fen(yuan * 100),
    };
    ProposalDraft {
        applicant: ApplicantChoice::Group,
        name: name.to_string(),
        title: format!("{name}社区服务项目"),
        plan: "每周组织两次社区活动，招募志愿者开展入户探访，\n\
               每季度召开一次居民议事会，年底形成服务总结。"
            .to_string(),
        beneficiaries: "社区老人和儿童约200人".to_string(),
        place: place.to_string(),
        outcomes: vec![
            Outcome {
                indicator: "服务人数".into(),
                target: 200,
            },
            Outcome {
                indicator: "开展活动次数".into(),
                target: 96,
            },
        ],
        budget: vec![
            line("personnel", "社工补贴", 24_000),
            line("activities", "社区活动", 22_000),
            line("materials", "活动物资", 9_000),
            line("admin", "办公和交通", 5_000),
        ],
        total: Fen(6_000_000),
        cofund: Fen(800_000),
        partners: vec![],
        submit,
    }
}

/// Creates the demo proposals if the open call has none; returns how many it created.
pub async fn run(
    db: &DatabaseConnection,
    applicant: i64,
    organizer: i64,
    now: i64,
) -> Result<usize, DbErr> {
    let Some(c) = call::Entity::find()
        .filter(call::Column::Title.eq(OPEN_CALL))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    if proposal::Entity::find()
        .filter(proposal::Column::CallId.eq(c.id))
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
    let all: Vec<String> = ScreenItem::ALL
        .iter()
        .map(|i| i.code().to_string())
        .collect();
    // Each plan: whether it is submitted, then the organizer's steps (with a revision after
    // a request for more information where `revise` is set).
    let plans: [(bool, &[Step], bool); 8] = [
        (false, &[], false),
        (true, &[], false),
        (true, &[Step::Screen, Step::RequestInfo], true),
        (true, &[Step::Screen, Step::RequestInfo], false),
        (true, &[Step::Screen, Step::ToReview], false),
        (
            true,
            &[Step::Screen, Step::ToReview, Step::ToDetermination],
            false,
        ),
        (
            true,
            &[
                Step::Screen,
                Step::ToReview,
                Step::ToDetermination,
                Step::Approve,
            ],
            false,
        ),
        (true, &[Step::Screen, Step::Reject], false),
    ];
    let mut made = 0;
    for (n, (submit, steps, revise)) in plans.into_iter().enumerate() {
        let mut t = now - 6 * DAY + (n as i64) * 3_600;
        let d = draft(n, &place, submit);
        let Ok(id) = ops::apply(db, &c, applicant, &d, t).await? else {
            continue;
        };
        made += 1;
        for step in steps {
            t += 600;
            let Some(p) = crate::philanthropy::proposal_model::get(db, id).await? else {
                break;
            };
            if *step == Step::ToReview {
                ops::record_checklist(db, &p, &all, organizer, t).await?;
            }
            let (message, amount) = match step {
                Step::RequestInfo => ("请补充活动场地的落实情况和志愿者招募计划。", None),
                Step::Reject => ("项目与本次创投主题关联不够紧密，欢迎下次申报。", None),
                // Approved for less than asked.
                Step::Approve => ("同意立项，活动物资预算核减。", Some(4_800_000)),
                _ => ("", None),
            };
            let d = StepDraft {
                step: *step,
                message: message.to_string(),
                amount: amount.map(Fen),
            };
            let _ = ops::take_step(db, &c, &p, &d, organizer, t).await?;
        }
        if revise && let Some(p) = crate::philanthropy::proposal_model::get(db, id).await? {
            let mut d = draft(n, &place, true);
            d.plan
                .push_str("\n活动场地由社区党群服务中心提供，已签订使用协议。");
            let _ = ops::revise(db, &c, &p, applicant, &d, t + 600).await?;
        }
    }
    Ok(made)
}
