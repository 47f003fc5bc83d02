//! Demo applications to the open demo call, one in every state, made by the demo
//! organization user for community groups in preparation and moved on by the demo buyer,
//! through `philanthropy`'s operations so each carries its audit entries and notices. The
//! open call has two stages: a concept note still a draft, one awaiting the organizer, one
//! invited whose full proposal is being written, one declined with a message, and the
//! invited ones whose full proposals went on (submitted, screening with a revision, more
//! information requested, expert review, determination, approved for less than asked,
//! rejected, withdrawn by its applicant while screened). Running it again adds nothing
//! (the call's proposals are counted first).

use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

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
        "托克托县文化志愿服务队",
        "满都海社区手工坊",
        "海东路社区志愿服务队",
        "成吉思汗大街少年足球小组",
        "攸攸板镇乡村振兴互助组",
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
    // a request for more information where `revise` is set). In a two-stage call each is a
    // concept note first, invited (and its full proposal submitted) before those steps,
    // except the last three (below).
    let plans: [(bool, &[Step], bool); 13] = [
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
        (true, &[Step::Screen, Step::ToReview], false),
        // Withdrawn by its applicant while being screened (below).
        (true, &[Step::Screen], false),
        // Two stages: a concept note awaiting, one invited whose full proposal is
        // being written, one declined.
        (true, &[], false),
        (true, &[Step::Invite], false),
        (true, &[Step::Decline], false),
    ];
    let evaluators = evaluators(db, now).await?;
    let mut made = 0;
    for (n, (submit, steps, revise)) in plans.into_iter().enumerate() {
        let mut t = now - 6 * DAY + (n as i64) * 3_600;
        let mut d = draft(n, &place, submit);
        // A concept note leaves out the optional outcomes and budget lines.
        if c.two_stage {
            d.outcomes.clear();
            d.budget.clear();
        }
        let Ok(id) = ops::apply(db, &c, applicant, &d, t).await? else {
            continue;
        };
        made += 1;
        // Two stages: the concept notes of the full flow are invited, and their applicants
        // submit the full proposals (the same content, completed) before the organizer's
        // steps; the last three stay in the first stage.
        if c.two_stage && submit && (1..=9).contains(&n) {
            let invite = StepDraft {
                step: Step::Invite,
                message: "项目概要符合本次创投方向，请提交完整方案。".to_string(),
                amount: None,
            };
            if let Some(p) = crate::philanthropy::proposal_model::get(db, id).await? {
                let _ = ops::take_step(db, &c, &p, &invite, organizer, t + 120).await?;
            }
            if let Some(p) = crate::philanthropy::proposal_model::get(db, id).await? {
                let full = draft(n, &place, true);
                let _ = ops::revise(db, &c, &p, applicant, &full, t + 240).await?;
            }
            t += 300;
        }
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
                Step::Invite => ("项目概要符合本次创投方向，请提交完整方案。", None),
                Step::Decline => (
                    "项目概要与本次创投重点支持的为老和儿童服务关联不够紧密，本次不邀请提交完整方案。",
                    None,
                ),
                // Approved for less than asked.
                Step::Approve => ("同意立项，活动物资预算核减。", Some(4_800_000)),
                _ => ("", None),
            };
            // Determination waits for the reviews: both demo evaluators submit first.
            if *step == Step::ToDetermination {
                review(
                    db,
                    &c,
                    id,
                    &evaluators,
                    &[Some(true), Some(true)],
                    organizer,
                    t,
                )
                .await?;
            }
            let d = StepDraft {
                step: *step,
                message: message.to_string(),
                amount: amount.map(Fen),
            };
            let _ = ops::take_step(db, &c, &p, &d, organizer, t).await?;
        }
        // The two in expert review: one submitted sheet and a draft; a draft and a
        // reviewer yet to start.
        let t = t + 600;
        match n {
            4 => {
                review(
                    db,
                    &c,
                    id,
                    &evaluators,
                    &[Some(true), Some(false)],
                    organizer,
                    t,
                )
                .await?
            }
            8 => review(db, &c, id, &evaluators, &[Some(false), None], organizer, t).await?,
            _ => {}
        }
        if revise && let Some(p) = crate::philanthropy::proposal_model::get(db, id).await? {
            let mut d = draft(n, &place, true);
            d.plan
                .push_str("\n活动场地由社区党群服务中心提供，已签订使用协议。");
            let _ = ops::revise(db, &c, &p, applicant, &d, t + 600).await?;
        }
        if n == 9
            && let Some(p) = crate::philanthropy::proposal_model::get(db, id).await?
        {
            let reason = "小组负责人工作调动，暂无法按计划执行项目，申请撤回。";
            let _ = ops::withdraw(db, &c, &p, applicant, reason, t + 600).await?;
        }
    }
    Ok(made)
}

/// The two demo evaluators (the second is created if the procurement demo has not yet).
async fn evaluators(db: &DatabaseConnection, now: i64) -> Result<Vec<i64>, DbErr> {
    let mut ids = Vec::new();
    for (email, name) in [
        ("evaluator@demo.civicbridge.cn", "评审专家"),
        ("evaluator2@demo.civicbridge.cn", "评审专家（二）"),
    ] {
        let id = match crate::accounts::find_by_email(db, email).await? {
            Some(u) => u.id,
            None => {
                let hash =
                    crate::accounts::hash_password(super::DEMO_PASSWORD).map_err(DbErr::Custom)?;
                crate::accounts::create_user(
                    db,
                    email,
                    &hash,
                    name,
                    &[crate::accounts::Role::Evaluator],
                    now,
                )
                .await?
                .id
            }
        };
        ids.push(id);
    }
    Ok(ids)
}

/// Assigns the evaluators to a proposal in expert review and fills in their sheets: per
/// evaluator `Some(true)` submits, `Some(false)` saves a draft, `None` leaves it empty.
async fn review(
    db: &DatabaseConnection,
    c: &call::Model,
    id: i64,
    evaluators: &[i64],
    sheets: &[Option<bool>],
    organizer: i64,
    t: i64,
) -> Result<(), DbErr> {
    use crate::reviews::{Mark, Recommendation, Sheet};
    let n = crate::philanthropy::reviewing::rubric_of(c).len();
    for (k, (ev, mode)) in evaluators.iter().zip(sheets).enumerate() {
        let _ =
            crate::philanthropy::reviewing::assign_reviewer(db, c, id, *ev, organizer, t).await?;
        let Some(submit) = mode else { continue };
        let Some((a, _)) = crate::reviews::my_assignments(db, *ev)
            .await?
            .into_iter()
            .find(|(_, r)| r.subject_id == id)
        else {
            continue;
        };
        let marks = [[4, 5, 3, -1], [3, 4, 4, 5]][k % 2];
        let sheet = Sheet {
            cells: (0..n)
                .map(|i| {
                    let m = marks[i % marks.len()];
                    let mark = if m < 0 {
                        Mark::NotApplicable
                    } else {
                        Mark::Points(m)
                    };
                    (Some(mark), "需求调研扎实，执行计划清楚。".to_string())
                })
                .collect(),
            recommendation: Some(if k == 0 {
                Recommendation::Yes
            } else {
                Recommendation::Maybe
            }),
            declared: true,
        };
        let _ = crate::reviews::save_sheet(db, a.id, *ev, &sheet, *submit, t + 60).await?;
    }
    Ok(())
}

/// A demo project plan as a PDF (through `kernel::pdf`, so it opens in any viewer).
fn plan_pdf(title: &str) -> anyhow::Result<Vec<u8>> {
    use crate::kernel::pdf::{Block, Document, render};
    let mut doc = Document::new(format!("{title}实施方案"), "zh-CN");
    doc.blocks = vec![
        Block::Title(format!("{title}实施方案")),
        Block::Heading("一、项目背景".into()),
        Block::Paragraph("社区老人和儿童约200人，日常照料和课后看护需求集中。".into()),
        Block::Heading("二、实施计划".into()),
        Block::Table(vec![
            ("第一季度".into(), "招募志愿者，开展需求调研".into()),
            ("第二、三季度".into(), "每周两次社区活动，入户探访".into()),
            ("第四季度".into(), "居民议事会，形成服务总结".into()),
        ]),
    ];
    render(&doc).map_err(|e| anyhow::anyhow!("demo plan: {e:?}"))
}

/// Attachments for the demo proposals that may still take them (the draft and the one asked
/// for more information), through `philanthropy::proposals::attach_file` so they are typed,
/// stored and audited like uploads: a project plan (PDF) on both and a photo of the activity
/// site (PNG) on the second. Proposals that already have files are left alone, so running it
/// again adds nothing. Returns how many files it attached.
pub async fn files(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    now: i64,
) -> anyhow::Result<usize> {
    let Some(c) = call::Entity::find()
        .filter(call::Column::Title.eq(OPEN_CALL))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let editable = proposal::Entity::find()
        .filter(proposal::Column::CallId.eq(c.id))
        .filter(proposal::Column::State.is_in(["draft", "more_info"]))
        .order_by_asc(proposal::Column::Id)
        .all(db)
        .await?;
    let mut made = 0;
    for (n, p) in editable.iter().enumerate() {
        if !crate::philanthropy::proposal_model::live_files(db, p.id)
            .await?
            .is_empty()
        {
            continue;
        }
        let mut docs = vec![(format!("{}实施方案.pdf", p.title), plan_pdf(&p.title)?)];
        if n % 2 == 1 {
            docs.push((
                "活动场地照片.png".to_string(),
                super::brands::demo_photo(u32::try_from(n).unwrap_or(0)),
            ));
        }
        for (name, bytes) in docs {
            match ops::attach_file(
                db,
                data_dir,
                &c,
                p,
                &name,
                &bytes,
                p.applicant_id,
                now,
                crate::kernel::Lang::Zh,
            )
            .await?
            {
                Ok(_) => made += 1,
                Err(r) => anyhow::bail!("demo attachment {name} refused: {r:?}"),
            }
        }
    }
    Ok(made)
}
