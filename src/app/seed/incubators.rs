//! Demo incubators: one at region, one at league/city and one at banner level, managed by
//! the demo incubator manager, each with a checklist, and applications in every state —
//! two registered organizations and a group in residence, a draft, a checklist review with
//! a message, an interview, a waiting list and a rejection — and graduation: criteria, two
//! graduates with their reviews and exit tasks, a resident told "not yet". Everything goes through the
//! room's operations, so each change has its audit entry and notices.
//!
//! Their photos come apart ([`photos`], with the brands' photos: they need the data
//! directory), generated like the brands' demo photos.
//!
//! Invariant: runs once (nothing is added when an incubator exists; photos only for
//! incubators without). May call: `accounts`, `orgs`, `units`, `incubators`.

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::accounts::OrgRole;
use crate::incubators::rules::{Applicant, ApplicationDraft, IncubatorDraft, Step};
use crate::orgs::model::organization;
use crate::regions::{Level, regions};

/// The demo founders (groups in preparation): e-mail, display name.
pub const FOUNDERS: &[(&str, &str)] = &[
    ("founder@demo.civicbridge.cn", "青城助老团队发起人"),
    ("founder2@demo.civicbridge.cn", "社区青年团队发起人"),
    // Administers the two demo graduates.
    ("alumni@demo.civicbridge.cn", "出壳机构负责人"),
];

fn err(m: &str) -> DbErr {
    DbErr::Custom(format!("incubator demo data: {m}"))
}

async fn user(db: &DatabaseConnection, email: &str) -> Result<i64, DbErr> {
    crate::accounts::find_by_email(db, email)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| err(email))
}

fn draft(name: &str, division: &str, unit: Option<i64>, capacity: i32) -> IncubatorDraft {
    let r = regions();
    let d = r.get(division).expect("demo division exists");
    IncubatorDraft {
        name: name.to_string(),
        level: d.level,
        division_code: d.code.clone(),
        league_code: r.league_of(division).map(|x| x.code.clone()),
        county_code: r.county_of(division).map(|x| x.code.clone()),
        operator_uscc: None,
        operator_unit: unit,
        address: format!(
            "{}政务服务中心三楼",
            r.path(division, crate::kernel::Lang::Zh)
        ),
        services:
            "免费办公场地与工位；登记注册辅导；财务与项目管理培训；公益创投对接；一对一督导。"
                .to_string(),
        capacity,
    }
}

fn app(applicant: Applicant, name: &str, domain: &str, submit: bool) -> ApplicationDraft {
    let group = applicant == Applicant::Group;
    ApplicationDraft {
        applicant,
        name: if group {
            name.to_string()
        } else {
            String::new()
        },
        founders: if group {
            "发起人三名，均有五年以上社区志愿服务经历。".to_string()
        } else {
            String::new()
        },
        domain: domain.to_string(),
        plan: format!(
            "{name}计划入驻后一年内完善内部治理，承接社区服务项目，并争取完成登记或评估。"
        ),
        submit,
    }
}

/// Creates the demo incubators and their applications (once). Returns how many incubators
/// it created.
pub async fn run(db: &DatabaseConnection, now: i64) -> Result<usize, DbErr> {
    if crate::incubators::model::count(db).await? > 0 {
        return Ok(0);
    }
    let admin = user(db, "admin@demo.civicbridge.cn").await?;
    let manager = user(db, "incubator@demo.civicbridge.cn").await?;
    let org_user = user(db, "org@demo.civicbridge.cn").await?;
    let hash = crate::accounts::hash_password(super::DEMO_PASSWORD).map_err(DbErr::Custom)?;
    let mut founders = Vec::new();
    for (email, name) in FOUNDERS {
        let id = match crate::accounts::find_by_email(db, email).await? {
            Some(u) => u.id,
            None => {
                crate::accounts::create_user(db, email, &hash, name, &[], now)
                    .await?
                    .id
            }
        };
        founders.push(id);
    }
    // The two first social service agencies: the demo organization user administers the
    // first (seed::run), the second founder the second.
    let orgs: Vec<i64> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Kind.eq("social_service_agency"))
        .order_by_id_asc()
        .limit(2)
        .into_tuple()
        .all(db)
        .await?;
    if let Some(o) = orgs.get(1) {
        crate::orgs::model::set_member(db, *o, founders[1], OrgRole::Admin, now).await?;
    }
    let unit = crate::units::list(db, None)
        .await?
        .into_iter()
        .find(|u| u.name == "内蒙古自治区民政厅")
        .map(|u| u.id);
    let r = regions();
    let banner = r
        .children("150100")
        .find(|d| d.level == Level::BannerCounty && d.name.ends_with('旗'))
        .or_else(|| r.children("150100").next())
        .map(|d| (d.code.clone(), d.name.clone()))
        .ok_or_else(|| err("no banner"))?;
    let drafts = [
        draft("内蒙古自治区社会组织孵化基地", "150000", unit, 40),
        draft("呼和浩特市社会组织孵化基地", "150100", None, 20),
        draft(&format!("{}社会组织孵化园", banner.1), &banner.0, None, 10),
    ];
    let mut incs = Vec::new();
    for d in &drafts {
        let id = match crate::incubators::save_incubator(db, None, d, admin, now).await? {
            Ok(id) => id,
            Err(_) => return Err(err("incubator refused")),
        };
        let inc = crate::incubators::get(db, id)
            .await?
            .ok_or_else(|| err("incubator"))?;
        // The manager role is granted by seed::run; the assignment cannot be refused.
        let _ = crate::incubators::set_manager(db, &inc, manager, true, admin, now).await?;
        let mut items = Vec::new();
        for label in [
            "发起人身份及无不良记录材料齐全",
            "服务计划清晰可行",
            "有固定的核心成员",
        ] {
            items.push(crate::incubators::add_checklist_item(db, id, label, manager, now).await?);
        }
        incs.push((inc, items));
    }

    // (incubator index, applicant, who applies, name, domain, steps after submission,
    //  checklist items met (count), message)
    type Plan<'a> = (
        usize,
        i64,
        Applicant,
        &'a str,
        &'a str,
        &'a [Step],
        usize,
        Option<&'a str>,
    );
    let mut plans: Vec<Plan> = vec![
        (
            1,
            founders[0],
            Applicant::Group,
            "青城助老志愿服务队",
            "elderly",
            &[Step::Review][..],
            1,
            Some("请补充发起人无犯罪记录证明，我们收到后继续审核。"),
        ),
        (
            2,
            founders[0],
            Applicant::Group,
            "草原儿童阅读推广团队",
            "children_youth",
            &[Step::Review, Step::Interview][..],
            3,
            Some("面谈定于下周三上午十点，地点在孵化园一楼会议室。"),
        ),
        (
            1,
            org_user,
            Applicant::Group,
            "社区微公益行动组",
            "community",
            &[Step::Reject][..],
            0,
            None,
        ),
        (
            0,
            founders[0],
            Applicant::Group,
            "乡村养老互助小组",
            "elderly",
            &[Step::Review, Step::Waitlist][..],
            3,
            None,
        ),
        (
            1,
            founders[1],
            Applicant::Group,
            "青少年心理支持小组",
            "children_youth",
            &[Step::Review, Step::Admit][..],
            3,
            Some("欢迎入驻！请于本周内到前台办理工位手续。"),
        ),
    ];
    if let Some(o) = orgs.first() {
        plans.push((
            0,
            org_user,
            Applicant::Org(*o),
            "",
            "elderly",
            &[Step::Review, Step::Admit][..],
            3,
            None,
        ));
    }
    if let Some(o) = orgs.get(1) {
        plans.push((
            2,
            founders[1],
            Applicant::Org(*o),
            "",
            "disability",
            &[Step::Review, Step::Admit][..],
            3,
            None,
        ));
    }
    for (n, who, applicant, name, domain, steps, met, message) in plans {
        let (inc, items) = &incs[n];
        let d = app(applicant, name, domain, true);
        let Ok(id) = crate::incubators::apply(db, inc, who, &d, now).await? else {
            continue;
        };
        let a = crate::incubators::model::application(db, id)
            .await?
            .ok_or_else(|| err("application"))?;
        for step in steps {
            if *step == Step::Admit || *step == Step::Interview || *step == Step::Waitlist {
                for item in items.iter().take(met) {
                    crate::incubators::record_check(db, &a, *item, true, "已核实", manager, now)
                        .await?;
                }
            }
            let reason = "本期名额优先面向已有服务基础的团队，欢迎下期再申请。";
            let _ = crate::incubators::take_step(db, inc, &a, *step, reason, manager, now).await?;
        }
        if steps == [Step::Review] {
            for item in items.iter().take(met) {
                crate::incubators::record_check(db, &a, *item, true, "材料已核实", manager, now)
                    .await?;
            }
        }
        if let Some(m) = message {
            crate::incubators::send_message(db, inc, &a, m, manager, now).await?;
        }
    }
    // A draft nobody but its author sees.
    let d = app(Applicant::Group, "绿色社区行动小组", "environment", false);
    let _ = crate::incubators::apply(db, &incs[2].0, org_user, &d, now).await?;
    graduates(db, &incs, manager, founders[2], now).await?;
    milestones(db, &incs, manager, now).await?;
    services(db, &incs, manager, now).await?;
    Ok(incs.len())
}

/// Services demo: in each incubator with tenants in residence, two trainings last week that
/// they all attended, a guidance session with each, with private notes, and
/// venture-philanthropy support (coaching for each, seed funding for one).
async fn services(
    db: &DatabaseConnection,
    incs: &[(crate::incubators::Incubator, Vec<i64>)],
    manager: i64,
    now: i64,
) -> Result<(), DbErr> {
    use crate::incubators::rules::TenantState;
    use crate::incubators::services;
    use crate::incubators::services::rules::{GuidanceDraft, TrainingDraft, VpDraft, VpKind};
    const DAY: i64 = 86_400;
    for (inc, _) in incs {
        let residents: Vec<crate::incubators::Tenant> =
            crate::incubators::model::tenants_of(db, inc.id)
                .await?
                .into_iter()
                .filter(|t| t.state == TenantState::Resident.code())
                .collect();
        if residents.is_empty() {
            continue;
        }
        let attendees: Vec<i64> = residents.iter().map(|t| t.id).collect();
        for (topic, trainer, days, minutes) in [
            ("社会组织财务管理与票据规范", "王会计师", 7, 180),
            ("政府购买服务项目申报实务", "李督导", 3, 120),
        ] {
            let d = TrainingDraft {
                topic: topic.to_string(),
                trainer: trainer.to_string(),
                held_at: now - days * DAY,
                minutes,
                attendees: attendees.clone(),
            };
            services::log_training(db, inc, &d, manager, now).await?;
        }
        for t in &residents {
            let d = GuidanceDraft {
                mentor: "赵督导".to_string(),
                topic: "理事会建设与内部治理".to_string(),
                held_at: now - 2 * DAY,
                minutes: 90,
                notes: format!("{}的章程需补充理事任期条款，下次督导时检查。", t.name),
            };
            services::log_guidance(db, t, &d, manager, now).await?;
        }
        // Venture-philanthropy support: coaching for a call for every resident, seed
        // funding for the first.
        for (n, t) in residents.iter().enumerate() {
            let d = VpDraft {
                kind: VpKind::Coaching,
                topic: "公益创投项目申报书撰写".to_string(),
                partner: "内蒙古社区公益创投大赛".to_string(),
                held_at: now - 4 * DAY,
                minutes: 60,
                amount: crate::kernel::money::Fen(0),
            };
            services::log_vp_support(db, t, &d, manager, now).await?;
            if n == 0 {
                let d = VpDraft {
                    kind: VpKind::Funding,
                    topic: "社区助老微项目种子资金".to_string(),
                    partner: "孵化基地公益创投种子基金".to_string(),
                    held_at: now - DAY,
                    minutes: 0,
                    amount: crate::kernel::money::Fen(2_000_000),
                };
                services::log_vp_support(db, t, &d, manager, now).await?;
            }
        }
    }
    Ok(())
}

/// Milestone demo: every incubator follows the same list (five the platform sees, a first
/// grant and one of its own words); the region base's manager confirmed a first grant and
/// the board meeting of its graduate, and the board meeting of its current resident.
async fn milestones(
    db: &DatabaseConnection,
    incs: &[(crate::incubators::Incubator, Vec<i64>)],
    manager: i64,
    now: i64,
) -> Result<(), DbErr> {
    use crate::incubators::milestones::{self, rules::MilestoneKind as K};
    const DAY: i64 = 86_400;
    for (inc, _) in incs {
        for kind in [
            K::Registered,
            K::FirstGovContract,
            K::FirstDelivered,
            K::Rated,
            K::Rated3A,
            K::FirstGrant,
        ] {
            milestones::add(db, inc, kind, "", manager, now - 800 * DAY).await?;
        }
        milestones::add(
            db,
            inc,
            K::Custom,
            "建立理事会并召开首次会议",
            manager,
            now - 800 * DAY,
        )
        .await?;
    }
    let inc = &incs[0].0;
    let list = crate::incubators::milestones::model::list_of(db, inc.id).await?;
    let id_of = |k: K| list.iter().find(|m| m.kind() == k).map(|m| m.id);
    for t in crate::incubators::model::tenants_of(db, inc.id).await? {
        let graduated = t.state == crate::incubators::rules::TenantState::Graduated.code();
        if let (true, Some(m)) = (graduated, id_of(K::FirstGrant)) {
            milestones::confirm(
                db,
                &t,
                m,
                "获得呼和浩特市公益创投项目资助五万元。",
                manager,
                now - 400 * DAY,
            )
            .await?;
        }
        if let (Some(m), true) = (id_of(K::Custom), t.org_id.is_some()) {
            let at = (t.admitted_at + 30 * DAY).min(now);
            milestones::confirm(db, &t, m, "理事会章程已备案。", manager, at).await?;
        }
    }
    Ok(())
}

/// Graduation demo: criteria set on the region base (registered, 12 months) and the banner
/// park (registered, 6 months); two registered organizations admitted some two years ago,
/// told "not yet" after three months, graduated two months ago (so they still count as
/// incubated for matching) with some exit tasks ticked; and a "not yet" review of the
/// region base's current resident organization.
async fn graduates(
    db: &DatabaseConnection,
    incs: &[(crate::incubators::Incubator, Vec<i64>)],
    manager: i64,
    applicant: i64,
    now: i64,
) -> Result<(), DbErr> {
    use crate::incubators::graduation::{
        self,
        rules::{Criteria, Decision, ExitTask},
    };
    const DAY: i64 = 86_400;
    let start = now - 760 * DAY;
    for (n, months) in [(0, 12), (2, 6)] {
        let c = Criteria {
            require_registered: true,
            min_months: months,
            require_delivered: false,
        };
        graduation::set_criteria(db, &incs[n].0, &c, manager, start).await?;
    }
    // The third and fourth social service agencies (the first two reside already).
    let orgs: Vec<i64> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Kind.eq("social_service_agency"))
        .order_by_id_asc()
        .limit(4)
        .into_tuple()
        .all(db)
        .await?;
    for (k, n) in [0usize, 2].into_iter().enumerate() {
        let Some(&org) = orgs.get(k + 2) else {
            continue;
        };
        crate::orgs::model::set_member(db, org, applicant, OrgRole::Admin, start).await?;
        let (inc, items) = &incs[n];
        let d = app(Applicant::Org(org), "", "community", true);
        let Ok(id) = crate::incubators::apply(db, inc, applicant, &d, start).await? else {
            continue;
        };
        let a = crate::incubators::model::application(db, id)
            .await?
            .ok_or_else(|| err("application"))?;
        let _ = crate::incubators::take_step(db, inc, &a, Step::Review, "", manager, start).await?;
        for item in items {
            crate::incubators::record_check(db, &a, *item, true, "已核实", manager, start).await?;
        }
        let _ = crate::incubators::take_step(db, inc, &a, Step::Admit, "", manager, start + DAY)
            .await?;
        let Some(t) = crate::incubators::model::tenants_of(db, inc.id)
            .await?
            .into_iter()
            .find(|t| t.application_id == id)
        else {
            continue;
        };
        let _ = graduation::decide(
            db,
            &t,
            Decision::NotYet,
            "在孵时间未满，请继续完善内部治理和财务制度。",
            manager,
            start + 90 * DAY,
        )
        .await?;
        let _ = graduation::decide(
            db,
            &t,
            Decision::Graduate,
            "各项出壳标准均已达到，准予出壳。",
            manager,
            now - 60 * DAY,
        )
        .await?;
        let done: &[ExitTask] = if k == 0 {
            &[
                ExitTask::SpaceReturned,
                ExitTask::KeysReturned,
                ExitTask::ExitInterview,
            ]
        } else {
            &[ExitTask::SpaceReturned]
        };
        for task in done {
            graduation::tick_exit(db, &t, *task, true, manager, now - 59 * DAY).await?;
        }
    }
    // The region base's resident organization is reviewed too early.
    if let Some(t) = crate::incubators::model::tenants_of(db, incs[0].0.id)
        .await?
        .into_iter()
        .find(|t| t.state == crate::incubators::rules::TenantState::Resident.code())
    {
        let _ = graduation::decide(
            db,
            &t,
            Decision::NotYet,
            "入驻未满十二个月，明年再行评审。",
            manager,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Demo photos (issue 12 point 1): each demo incubator without photos gets generated ones
/// with captions, through `incubators::photos::add` (so they are stored like uploads, with
/// their audit entries), the first its cover. Returns how many were added.
pub async fn photos(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    now: i64,
) -> anyhow::Result<usize> {
    const CAPTIONS: [&str; 3] = ["共享办公区", "培训教室", "入驻机构工位"];
    let list = crate::incubators::model::list(db, None, None).await?;
    let ids: Vec<i64> = list.iter().map(|i| i.id).collect();
    let have = crate::incubators::photos::photos_of(db, &ids).await?;
    let mut added = 0;
    for (n, inc) in list.iter().enumerate() {
        if have.contains_key(&inc.id) {
            continue;
        }
        // The region-level base shows three, the others two.
        let k = if n == 0 { 3 } else { 2 };
        for (j, caption) in CAPTIONS.iter().take(k).enumerate() {
            let seed = u32::try_from(20 + n * 3 + j).unwrap_or(0);
            let bytes = super::brands::demo_photo(seed);
            if let Err(p) =
                crate::incubators::photos::add(db, data_dir, inc, bytes, caption, None, now).await?
            {
                anyhow::bail!("demo incubator photo refused: {p:?}");
            }
            added += 1;
        }
    }
    Ok(added)
}
