//! Demo procurement history: tenders of the demo buyer's unit in every state — drafts,
//! open calls with questions and sealed bids (the first one amended: its deadline extended),
//! opened, under evaluation, awarded (standstill running, with a challenge), contracted
//! (milestones under way), completed (rated), cancelled and unsuccessful — plus one contract
//! terminated early, made through the same operations the web interface uses, at instants in
//! the past, so the audit log, every page and `/notices` (a notice of every type) have real
//! content.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::accounts::{self, OrgRole, Role};
use crate::contracts::{self, Side};
use crate::kernel::Lang;
use crate::kernel::money::Fen;
use crate::kernel::seal::SealKey;
use crate::orgs::model::organization;
use crate::procurement::{self, rules};

const DAY: i64 = 86_400;

/// Titles by domain: what a street or civil-affairs bureau actually buys. The order decides
/// the state each gets in the demo (the second is published, so elderly care is open).
const PROJECTS: &[(&str, &str, &str)] = &[
    (
        "children_youth",
        "困境儿童关爱保护服务项目",
        "为困境儿童和留守儿童提供个案管理、课业辅导和心理支持，开展家庭走访。",
    ),
    (
        "elderly",
        "社区居家养老助餐服务项目",
        "为辖区60周岁以上独居、高龄老人提供助餐、送餐和每周探访，建立服务台账。",
    ),
    (
        "disability",
        "残疾人居家康复服务项目",
        "为持证残疾人提供上门康复训练、辅具适配指导和照护者培训。",
    ),
    (
        "community",
        "社区治理能力提升项目",
        "培育社区社会组织，开展居民议事协商和邻里互助活动，提升社区自治水平。",
    ),
    (
        "rural",
        "乡村振兴农牧民技能培训项目",
        "面向农牧民开展种养殖技术、电商销售和家政服务等技能培训。",
    ),
    (
        "mental_health",
        "社会心理服务体系建设项目",
        "建设社区心理服务站点，提供心理健康宣教、咨询和危机干预转介服务。",
    ),
    (
        "social_assistance",
        "低保对象入户核查与帮扶服务项目",
        "协助开展低保家庭入户核查，为困难群众提供链接资源和个案帮扶。",
    ),
    (
        "legal",
        "基层法律援助与人民调解服务项目",
        "在街道、社区设立法律服务点，开展法律咨询和矛盾纠纷调解。",
    ),
    (
        "culture_sports",
        "全民健身与民族文化活动项目",
        "组织社区健身、民族传统体育和长调、马头琴等民族文化活动。",
    ),
];

struct Ctx<'a> {
    db: &'a DatabaseConnection,
    seal: &'a SealKey,
    settings: rules::ProcurementSettings,
    unit: i64,
    buyer: i64,
    evaluators: Vec<i64>,
    bidders: Vec<(i64, i64)>,
    now: i64,
    rng: ChaCha8Rng,
}

fn err(r: impl std::fmt::Debug) -> DbErr {
    DbErr::Custom(format!("demo procurement: {r:?}"))
}

/// Creates `per_state` tenders in each state and one more whose contract was terminated
/// (skips if the unit already has tenders). Returns the number of tenders made.
pub async fn run(
    db: &DatabaseConnection,
    seal: &SealKey,
    now: i64,
    per_state: usize,
) -> Result<usize, DbErr> {
    let Some(unit) = crate::units::model::unit::Entity::find()
        .filter(crate::units::model::unit::Column::Name.eq("呼和浩特市民政局"))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    if procurement::model::tender::Entity::find()
        .filter(procurement::model::tender::Column::UnitId.eq(unit.id))
        .count(db)
        .await?
        > 0
    {
        return Ok(0);
    }
    let buyer = accounts::find_by_email(db, "buyer@demo.civicbridge.cn")
        .await?
        .map(|u| u.id)
        .ok_or_else(|| err("no buyer"))?;
    let hash = crate::accounts::hash_password(super::DEMO_PASSWORD).map_err(DbErr::Custom)?;
    let mut evaluators = vec![
        accounts::find_by_email(db, "evaluator@demo.civicbridge.cn")
            .await?
            .map(|u| u.id)
            .ok_or_else(|| err("no evaluator"))?,
    ];
    if let Some(u) = accounts::find_by_email(db, "evaluator2@demo.civicbridge.cn").await? {
        evaluators.push(u.id);
    } else {
        evaluators.push(
            accounts::create_user(
                db,
                "evaluator2@demo.civicbridge.cn",
                &hash,
                "评审专家（二）",
                &[Role::Evaluator],
                now,
            )
            .await?
            .id,
        );
    }
    // Bidders: the demo organization plus clean, unrated-or-rated social organizations, each
    // with its own demo administrator.
    let candidates: Vec<(i64, String)> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::Kind)
        .filter(organization::Column::CreditStatus.eq("normal"))
        .filter(organization::Column::Kind.is_in([
            "social_group",
            "social_service_agency",
            "foundation",
        ]))
        .filter(organization::Column::RegistrationDate.lt(time::macros::date!(2020 - 01 - 01)))
        .order_by_asc(organization::Column::Id)
        .limit(6)
        .into_tuple()
        .all(db)
        .await?;
    let mut bidders = Vec::new();
    for (i, (org, _)) in candidates.iter().enumerate() {
        let email = format!("bidder{}@demo.civicbridge.cn", i + 1);
        let uid = match accounts::find_by_email(db, &email).await? {
            Some(u) => u.id,
            None => {
                accounts::create_user(db, &email, &hash, &format!("投标代表{}", i + 1), &[], now)
                    .await?
                    .id
            }
        };
        crate::orgs::model::set_member(db, *org, uid, OrgRole::Admin, now).await?;
        bidders.push((*org, uid));
    }
    if bidders.len() < 4 {
        return Ok(0);
    }
    let mut c = Ctx {
        db,
        seal,
        settings: Default::default(),
        unit: unit.id,
        buyer,
        evaluators,
        bidders,
        now,
        rng: ChaCha8Rng::seed_from_u64(7),
    };
    let mut made = 0;
    let states = [
        "draft",
        "published",
        "opened",
        "evaluating",
        "awarded",
        "contracted",
        "completed",
        "cancelled",
        "unsuccessful",
    ];
    for round in 0..per_state {
        for (k, state) in states.iter().enumerate() {
            let project = PROJECTS[(round * states.len() + k) % PROJECTS.len()];
            make(&mut c, state, project, round).await?;
            made += 1;
        }
    }
    // After the rounds, so the tenders above (and their random draws) stay as they were.
    if per_state > 0 {
        make(&mut c, "terminated", PROJECTS[3], 0).await?;
        made += 1;
    }
    Ok(made)
}

fn form(
    c: &mut Ctx<'_>,
    project: (&str, &str, &str),
    start: i64,
    bid_deadline: i64,
    comprehensive: bool,
) -> rules::TenderForm {
    let counties: Vec<String> = crate::regions::regions()
        .children("150100")
        .map(|d| d.code.clone())
        .collect();
    let county = counties[c.rng.random_range(0..counties.len())].clone();
    let budget = c.rng.random_range(20..120) * 10_000;
    rules::TenderForm {
        unit_id: c.unit.to_string(),
        title: format!(
            "{}{}",
            crate::regions::regions().name(&county, Lang::Zh),
            project.1
        ),
        description: format!("{}服务期内按季度提交服务报告，接受第三方评估。", project.2),
        domain: project.0.into(),
        t_league: "150100".into(),
        t_county: county,
        budget: budget.to_string(),
        method: if comprehensive {
            "open_tender"
        } else {
            "competitive_consultation"
        }
        .into(),
        eval_method: if comprehensive {
            "comprehensive"
        } else {
            "lowest_price"
        }
        .into(),
        price_weight: "30".into(),
        criterion_name: vec!["服务方案".into(), "团队与经验".into(), "社会评价".into()],
        criterion_weight: vec!["35".into(), "25".into(), "10".into()],
        min_grade: String::new(),
        social_only: "1".into(),
        min_years: "1".into(),
        // Halfway, on a whole day from the start, so it falls at office hours too.
        enquiry_deadline: rules::format_local(start + (bid_deadline - start) / 2 / DAY * DAY),
        bid_deadline: rules::format_local(bid_deadline),
        contract_months: "12".into(),
        milestone_name: vec![
            "合同签订后预付".into(),
            "中期评估合格".into(),
            "结项验收合格".into(),
        ],
        milestone_percent: vec!["30".into(), "40".into(), "30".into()],
        ..Default::default()
    }
}

/// The latest 10:00 Asia/Shanghai at or before `now`.
fn office_anchor(now: i64) -> i64 {
    const LOCAL: i64 = 8 * 3600;
    let day_start = (now + LOCAL).div_euclid(DAY) * DAY - LOCAL;
    let ten = day_start + 10 * 3600;
    if ten <= now { ten } else { ten - DAY }
}

async fn make(
    c: &mut Ctx<'_>,
    target: &str,
    project: (&str, &str, &str),
    round: usize,
) -> Result<(), DbErr> {
    // Every step at office hours: the day's 10:00 (Asia/Shanghai) at or before now, with
    // each step whole hours or days after it.
    let now = office_anchor(c.now);
    let future = matches!(target, "draft" | "published");
    let (start, deadline) = if future {
        (now - DAY, now + (10 + round as i64) * DAY)
    } else {
        (now - 150 * DAY, now - (120 - round as i64 * 3) * DAY)
    };
    let comprehensive = target != "cancelled";
    let f = form(c, project, start, deadline, comprehensive);
    let d = rules::validate_tender(&f, &[c.unit], start, &c.settings, Lang::Zh).map_err(err)?;
    let id = procurement::create_draft(c.db, &d, c.buyer, start).await?;
    if target == "draft" {
        return Ok(());
    }
    let t = procurement::get(c.db, id)
        .await?
        .ok_or_else(|| err("tender"))?;
    procurement::publish(c.db, &t, &c.settings, c.buyer, start + 3600)
        .await?
        .map_err(err)?;
    let t = procurement::get(c.db, id)
        .await?
        .ok_or_else(|| err("tender"))?;
    let asker = c.bidders[0].1;
    let q = procurement::ask(
        c.db,
        &t,
        asker,
        "服务对象名单是否由街道提供？是否需要配备持证社工？",
        start + 2 * 3600,
    )
    .await?
    .map_err(err)?;
    procurement::answer(
        c.db,
        &t,
        procurement::Post::Enquiry,
        q,
        "服务对象名单由街道民政办提供；项目团队须至少配备2名持证社会工作者。",
        c.buyer,
        start + 5 * 3600,
    )
    .await?
    .map_err(err)?;
    let t = if target == "published" && round == 0 {
        amend_deadline(c, &t, start + 6 * 3600).await?
    } else {
        t
    };
    if target == "cancelled" {
        procurement::cancel(
            c.db,
            &t,
            "因预算调整，本项目暂停采购，将另行公告。",
            c.buyer,
            start + DAY,
        )
        .await?
        .map_err(err)?;
        return Ok(());
    }
    let n_bids = if target == "unsuccessful" { 1 } else { 4 };
    let today = crate::kernel::clock::Clock::fixed(start + DAY).today();
    for (i, (org, user)) in c.bidders.clone().iter().take(n_bids).enumerate() {
        let price = Fen(t.budget_fen * c.rng.random_range(80..99) / 100);
        let proposal = format!(
            "本机构将组建{}人项目团队，建立服务对象档案，按月开展服务并提交服务记录。",
            4 + i
        );
        procurement::submit_bid(
            c.db,
            c.seal,
            &t,
            *org,
            price,
            &proposal,
            *user,
            start + DAY + i as i64 * 600,
            today,
        )
        .await?
        .map_err(err)?;
    }
    if target == "published" {
        return Ok(());
    }
    procurement::open_if_due(c.db, c.seal, id, deadline).await?;
    if matches!(target, "opened" | "unsuccessful") {
        return Ok(());
    }
    let t = procurement::get(c.db, id)
        .await?
        .ok_or_else(|| err("tender"))?;
    for e in c.evaluators.clone() {
        procurement::assign_evaluator(c.db, &t, e, c.buyer, deadline + DAY)
            .await?
            .map_err(err)?;
    }
    let t = procurement::get(c.db, id)
        .await?
        .ok_or_else(|| err("tender"))?;
    let bids = procurement::opened_bids(c.db, id).await?;
    let scorers = if target == "evaluating" {
        1
    } else {
        c.evaluators.len()
    };
    // Every evaluator of a tender past evaluation has submitted a final sheet (the award waits
    // for that); a tender still in evaluation shows one submitted sheet and one draft.
    let sheet_crits = procurement::sheet_criteria(c.db, &t).await?;
    let sheet_bids = procurement::sheet_bids(c.db, id).await?;
    for (n, e) in c.evaluators.clone().into_iter().take(scorers).enumerate() {
        let entries: Vec<procurement::SheetEntry> = sheet_bids
            .iter()
            .flat_map(|b| sheet_crits.iter().map(move |cr| (b.id, cr.id, cr.weight)))
            .map(|(b, cr, w)| procurement::SheetEntry {
                bid_id: b,
                criterion_id: cr,
                points: Some(c.rng.random_range(i32::from(w) / 2..=i32::from(w))),
                comment: "方案与评分标准逐项对照，得分依据见投标文件相应章节。".to_string(),
            })
            .collect();
        procurement::save_sheet(c.db, &t, e, &entries, true, true, deadline + 2 * DAY)
            .await?
            .map_err(err)?;
        if target == "evaluating" && n == 0 {
            // The second evaluator has a draft: half the sheet, not yet submitted.
            if let Some(&second) = c.evaluators.get(1) {
                let half = entries.len() / 2;
                procurement::save_sheet(
                    c.db,
                    &t,
                    second,
                    &entries[..half],
                    false,
                    false,
                    deadline + 2 * DAY,
                )
                .await?
                .map_err(err)?;
            }
        }
    }
    if target == "evaluating" {
        return Ok(());
    }
    let ranked = procurement::ranking(c.db, &t).await?.map_err(err)?;
    // The awarded tender's standstill is still running today; the others ended long ago.
    let award_at = if target == "awarded" {
        now - DAY
    } else {
        deadline + 3 * DAY
    };
    contracts::award(
        c.db,
        &t,
        ranked[0].bid_id,
        "",
        &c.settings,
        c.buyer,
        award_at,
    )
    .await?
    .map_err(err)?;
    let t = procurement::get(c.db, id)
        .await?
        .ok_or_else(|| err("tender"))?;
    if target == "awarded" {
        let (org, user) = c.bidders[1];
        let loser = bids
            .iter()
            .find(|b| b.org_id == org)
            .map(|b| b.org_id)
            .unwrap_or(org);
        procurement::file_challenge(
            c.db,
            &t,
            loser,
            "我方认为评审专家对“团队与经验”一项的打分未说明理由，请予复核。",
            user,
            now - 3600,
        )
        .await?
        .map_err(err)?;
        return Ok(());
    }
    let contract = contracts::of_tender(c.db, id)
        .await?
        .ok_or_else(|| err("contract"))?;
    let winner_user = c
        .bidders
        .iter()
        .find(|(o, _)| *o == contract.org_id)
        .map(|(_, u)| *u)
        .ok_or_else(|| err("winner"))?;
    let signed = award_at + 12 * DAY;
    contracts::sign(c.db, contract.id, Side::Buyer, c.buyer, signed)
        .await?
        .map_err(err)?;
    contracts::sign(
        c.db,
        contract.id,
        Side::Supplier,
        winner_user,
        signed + 3600,
    )
    .await?
    .map_err(err)?;
    let ms = contracts::milestones(c.db, contract.id).await?;
    let done = if target == "completed" { ms.len() } else { 1 };
    for (i, m) in ms.iter().enumerate() {
        let at = signed + (i as i64 + 1) * 10 * DAY;
        if i < done {
            contracts::submit_report(
                c.db,
                contract.id,
                m.id,
                "本阶段已完成全部服务内容，服务记录和满意度调查结果见附件。",
                winner_user,
                at,
            )
            .await?
            .map_err(err)?;
            contracts::accept_milestone(c.db, contract.id, m.id, c.buyer, at + DAY)
                .await?
                .map_err(err)?;
            let paid_on = crate::kernel::clock::Clock::fixed(at + 2 * DAY).today();
            let p = contracts::rules::PaymentDraft {
                amount: Fen(m.amount_fen),
                paid_on,
                reference: format!("HT{}-{}", contract.id, i + 1),
            };
            contracts::record_payment(c.db, contract.id, m.id, &p, c.buyer, at + 2 * DAY)
                .await?
                .map_err(err)?;
        } else if i == done && target != "terminated" {
            contracts::submit_report(
                c.db,
                contract.id,
                m.id,
                "中期服务已完成，提交阶段性服务报告，请审核。",
                winner_user,
                at.min(now - 3600),
            )
            .await?
            .map_err(err)?;
        }
    }
    if target == "completed" {
        contracts::complete(
            c.db,
            contract.id,
            5,
            "服务规范，群众满意度高，按期完成全部任务。",
            c.buyer,
            signed + 40 * DAY,
        )
        .await?
        .map_err(err)?;
    }
    if target == "terminated" {
        terminate(c, contract.id, signed + 30 * DAY).await?;
    }
    Ok(())
}

/// The buyer extends an open tender's bid deadline by three days (a correction notice),
/// checked as the amendment form checks it. Returns the tender as amended.
async fn amend_deadline(
    c: &Ctx<'_>,
    t: &procurement::model::tender::Model,
    at: i64,
) -> Result<procurement::model::tender::Model, DbErr> {
    let new_bid = t.bid_deadline + 3 * DAY;
    rules::check_amendment(
        at,
        t.enquiry_deadline,
        t.bid_deadline,
        t.enquiry_deadline,
        new_bid,
        Lang::Zh,
    )
    .map_err(err)?;
    let summary = rules::check_text(
        "应潜在供应商要求，投标截止时间延长三天，以便各机构完成服务对象走访和方案编制；其他内容不变。",
        5,
        rules::limits::AMENDMENT,
        Lang::Zh,
    )
    .map_err(err)?;
    procurement::amend(c.db, t, t.enquiry_deadline, new_bid, &summary, c.buyer, at)
        .await?
        .map_err(err)?;
    procurement::get(c.db, t.id)
        .await?
        .ok_or_else(|| err("tender"))
}

/// The buyer terminates an active contract early with a public reason (a termination
/// notice), checked as the termination form checks it.
async fn terminate(c: &Ctx<'_>, contract_id: i64, at: i64) -> Result<(), DbErr> {
    let form = contracts::rules::TerminationForm {
        reason: "服务机构项目负责人和两名持证社会工作者相继离职，无法按合同约定继续提供服务。经双方协商一致，合同提前终止，已验收部分按约付款，其余款项不再支付。".into(),
        confirm: "1".into(),
    };
    let reason = contracts::rules::validate_termination(&form, Lang::Zh).map_err(err)?;
    contracts::terminate(c.db, contract_id, &reason, c.buyer, at)
        .await?
        .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::clock::{format_local, parse_local};

    #[test]
    fn demo_steps_start_at_ten_in_the_morning() {
        for (now, anchor) in [
            ("2026-12-03T03:00", "2026-12-02T10:00"),
            ("2026-12-03T10:00", "2026-12-03T10:00"),
            ("2026-12-03T23:59", "2026-12-03T10:00"),
            ("2026-12-04T00:00", "2026-12-03T10:00"),
        ] {
            let got = office_anchor(parse_local(now).unwrap());
            assert_eq!(format_local(got), anchor, "{now}");
        }
    }
}
