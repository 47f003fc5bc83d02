//! Zombie organizations through HTTP (issue 15 point 3): detection by the criteria kept as
//! rules (a regulator's edit changes the next run's result), the written notice, an
//! objection in time and one too late, the regulator's outcome, and a deregistered
//! organization that can no longer bid and shows its status publicly. Also the rules page's
//! bad input, and a concluded spot check's deficiency feeding the credit engine.

use crate::common;

use crate::common::{T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::Role;
use civicbridge::procurement::rules;
use civicbridge::regulation::credit_rules::DAY;
use civicbridge::regulation::zombie_model;
use civicbridge::regulation::{ZombieCriterion, ZombieState};

async fn login(app: &TestApp, email: &str) -> common::Client {
    let mut c = app.client();
    c.login(email, common::PW).await;
    c
}

async fn rule(app: &TestApp, code: &str) -> civicbridge::regulation::credit_model::RuleRow {
    civicbridge::regulation::credit_model::rule_by_code(&app.state.db, code)
        .await
        .unwrap()
        .unwrap()
}

async fn cases(app: &TestApp, org: i64) -> Vec<civicbridge::regulation::ZombieCase> {
    zombie_model::cases_of(&app.state.db, org).await.unwrap()
}

async fn edit(c: &mut common::Client, code: &str, fields: &[(&str, &str)]) -> common::Resp {
    c.get(&format!("/credit/rules/{code}")).await;
    c.post(&format!("/credit/rules/{code}"), fields).await
}

/// A tender open for bids until five days after `T0`.
async fn tender(app: &TestApp) -> i64 {
    let buyer = app.user("buyer@example.org", &[]).await;
    let db = &app.state.db;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft("新城区民政局", "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer, T0)
        .await
        .unwrap();
    let deadline = T0 + 5 * DAY;
    let f = rules::TenderForm {
        unit_id: unit.to_string(),
        title: "新城区社区助餐服务项目".into(),
        description: "为辖区老人提供助餐和探访服务的政府购买服务项目。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "100000".into(),
        method: "open_tender".into(),
        eval_method: "lowest_price".into(),
        enquiry_deadline: rules::format_local(deadline - 3600),
        bid_deadline: rules::format_local(deadline),
        contract_months: "12".into(),
        milestone_name: vec!["全部".into()],
        milestone_percent: vec!["100".into()],
        ..Default::default()
    };
    app.publish_tender(unit, buyer, &f).await
}

#[tokio::test]
async fn detection_notice_objection_and_deregistration() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    app.user("reg@example.org", &[Role::Regulator]).await;
    let a_admin = app.user("a@example.org", &[]).await;
    let a = app.org(a_admin, 1, "甲社区服务中心").await;
    let b_admin = app.user("b@example.org", &[]).await;
    let b = app.org(b_admin, 2, "乙社会工作服务社").await;
    app.user("stranger@example.org", &[]).await;
    let t = tender(&app).await;

    let mut reg = login(&app, "reg@example.org").await;
    let mut ca = login(&app, "a@example.org").await;
    let mut cb = login(&app, "b@example.org").await;
    let mut stranger = login(&app, "stranger@example.org").await;

    // Only regulators see the queue and run the detection.
    assert_eq!(reg.get("/regulation/zombies").await.status, StatusCode::OK);
    assert_eq!(
        ca.get("/regulation/zombies").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(ca.get("/credit/rules").await.status, StatusCode::FORBIDDEN);
    let anon = app.client().get("/regulation/zombies").await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(
        ca.post("/regulation/zombies/run", &[]).await.status,
        StatusCode::FORBIDDEN
    );

    // The national default checks reports from 2026 on (due May 2027): nobody yet.
    let r = reg.post("/regulation/zombies/run", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("zombie_cases").await, 0);

    // Bad parameters: 422, the typed value kept, nothing changed.
    let before = rule(&app, "report_missing").await;
    let r = edit(
        &mut reg,
        "report_missing",
        &[
            ("threshold", "1999"),
            ("enabled", "yes"),
            ("reason", "本地区自2024年起收集年报"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.value("#threshold").as_deref(), Some("1999"));
    assert!(r.text("#threshold-error").contains("2000"), "{}", r.body);
    let r = edit(
        &mut reg,
        "zombie_no_activity",
        &[("window_days", "0"), ("enabled", "yes"), ("reason", "x")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#window_days-error").is_empty());
    assert!(!r.text("#reason-error").is_empty());
    let r = edit(
        &mut reg,
        "report_missing",
        &[("threshold", "2024"), ("enabled", "yes"), ("reason", " ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rule(&app, "report_missing").await, before);
    assert_eq!(
        ca.post(
            "/credit/rules/report_missing",
            &[
                ("threshold", "2024"),
                ("enabled", "yes"),
                ("reason", "越权修改")
            ],
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        reg.get("/credit/rules/no_such_rule").await.status,
        StatusCode::NOT_FOUND
    );

    // The locality collects reports from 2024: 2024 and 2025 are missing, but a threshold of
    // three consecutive years finds nobody on the next run…
    let r = edit(
        &mut reg,
        "report_missing",
        &[
            ("threshold", "2024"),
            ("enabled", "yes"),
            ("reason", "本地区自2024年起收集年报"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(rule(&app, "report_missing").await.threshold, Some(2024));
    let r = edit(
        &mut reg,
        "zombie_no_reports",
        &[
            ("threshold", "3"),
            ("enabled", "yes"),
            ("reason", "试行三年标准"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    reg.post("/regulation/zombies/run", &[]).await;
    assert_eq!(app.count("zombie_cases").await, 0);
    // …and two finds both organizations.
    edit(
        &mut reg,
        "zombie_no_reports",
        &[
            ("threshold", "2"),
            ("enabled", "yes"),
            ("reason", "恢复两年标准"),
        ],
    )
    .await;
    let list = reg.get("/credit/rules").await;
    assert!(list.text("#rule-zombie_no_reports").contains('2'));
    reg.post("/regulation/zombies/run", &[]).await;
    assert_eq!(app.count("zombie_cases").await, 2);
    let case_a = cases(&app, a).await.remove(0);
    let case_b = cases(&app, b).await.remove(0);
    assert_eq!(case_a.state(), ZombieState::Noticed);
    assert_eq!(case_a.criteria(), vec![ZombieCriterion::NoReports]);
    assert_eq!(case_a.objection_due, T0 + 30 * DAY);
    // Running again opens nothing twice.
    reg.post("/regulation/zombies/run", &[]).await;
    assert_eq!(app.count("zombie_cases").await, 2);
    let q = reg.get("/regulation/zombies").await;
    assert!(q.text(".zombie-queue").contains("甲社区服务中心"));

    // The notice reached the administrators; the case page is theirs and the regulators'.
    let me = ca.get("/me/notifications").await;
    assert!(me.body.contains("甲社区服务中心"), "{}", me.body);
    let page_a = format!("/orgs/{a}/zombie/{}", case_a.id);
    let r = ca.get(&page_a).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("form[action$='/objection']"), 1);
    assert_eq!(stranger.get(&page_a).await.status, StatusCode::FORBIDDEN);
    // Another organization's path with this case: like a missing one.
    let r = cb.get(&format!("/orgs/{b}/zombie/{}", case_a.id)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The regulator may not decide while the period runs without an objection.
    reg.get(&page_a).await;
    let r = reg
        .post(
            &format!("{page_a}/decision"),
            &[("outcome", "deregistered"), ("text", "依法注销")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(cases(&app, a).await[0].state(), ZombieState::Noticed);

    // An objection without reasons: 422, nothing written; with reasons in time: filed.
    let r = ca
        .post(&format!("{page_a}/objection"), &[("text", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(cases(&app, a).await[0].state(), ZombieState::Noticed);
    let r = ca
        .post(
            &format!("{page_a}/objection"),
            &[("text", "本机构年报为纸质报送，已提交民政局。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(cases(&app, a).await[0].state(), ZombieState::Objected);

    // The regulator deregisters it: bad input first (no outcome), then the decision.
    let r = reg
        .post(
            &format!("{page_a}/decision"),
            &[("outcome", ""), ("text", "依法注销")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("textarea#text").contains("依法注销"));
    assert!(!r.text("#outcome-error").is_empty());
    let r = reg
        .post(
            &format!("{page_a}/decision"),
            &[
                ("outcome", "deregistered"),
                ("text", "经核实未报送年报，依法注销登记。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let o = civicbridge::orgs::row(db, a).await.unwrap().unwrap();
    assert_eq!(o.registration_status, "deregistered");
    assert!(!civicbridge::orgs::is_verified(&o));
    assert_eq!(cases(&app, a).await[0].state(), ZombieState::Deregistered);

    // It can no longer bid (nothing written) and shows its status publicly.
    let bid_page = format!("/tenders/{t}/bid");
    let r = ca.get(&bid_page).await;
    assert!(r.body.contains("注销登记"), "{}", r.body);
    let r = ca
        .post(
            &bid_page,
            &[
                ("org_id", &a.to_string()),
                ("price", "90000"),
                ("proposal", "服务方案：每日助餐。"),
            ],
        )
        .await;
    assert_ne!(r.status, StatusCode::OK);
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("bids").await, 0);
    // B, still registered, may.
    cb.get(&bid_page).await;
    let r = cb
        .post(
            &bid_page,
            &[
                ("org_id", &b.to_string()),
                ("price", "90000"),
                ("proposal", "服务方案：每日助餐。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("bids").await, 1);
    let mut public = app.client();
    let profile = public.get(&format!("/orgs/{a}")).await;
    assert!(
        profile
            .text(".badge-registration-deregistered")
            .contains("已注销登记"),
        "{}",
        profile.body
    );
    let lookup = public.get("/credit").await;
    assert!(lookup.text("#deregistered").contains("甲社区服务中心"));
    let record = public.get(&format!("/orgs/{a}/credit?lang=en")).await;
    assert!(record.text("#zombie").contains("Deregistered"));
    // The public sees the outcome, not the case page.
    assert_eq!(public.get(&page_a).await.status, StatusCode::SEE_OTHER);

    // B objects too late: 422 with the message, nothing written.
    app.clock().advance(31 * DAY);
    let page_b = format!("/orgs/{b}/zombie/{}", case_b.id);
    cb.get(&page_b).await;
    let r = cb
        .post(
            &format!("{page_b}/objection"),
            &[("text", "我们仍在开展活动。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#text-error").contains("异议期"), "{}", r.body);
    assert!(r.text("textarea#text").contains("我们仍在开展活动。"));
    assert_eq!(cases(&app, b).await[0].state(), ZombieState::Noticed);
    // After the period the regulator decides: rectified, the registration stands.
    reg.get(&page_b).await;
    let r = reg
        .post(
            &format!("{page_b}/decision"),
            &[("outcome", "rectified"), ("text", "已补报年报，结案。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let o = civicbridge::orgs::row(db, b).await.unwrap().unwrap();
    assert_eq!(o.registration_status, "active");
    // A closed case lets the daily job open a new one when the ground still holds.
    let run = civicbridge::app::jobs::detect_zombies(&app.state)
        .await
        .unwrap();
    assert_eq!(run.opened, 1);
    assert_eq!(
        cases(&app, a).await.len(),
        1,
        "a deregistered organization is left alone"
    );
}

#[tokio::test]
async fn no_activity_counts_from_registration_with_the_clock_moved() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = TestApp::new().await;
    let db = &app.state.db;
    // Two organizations registered on 1 June 2026 (the platform collects from 2026, the
    // national default): one does nothing, the other files its 2026 report.
    let registered = time::macros::date!(2026 - 06 - 01);
    let mut orgs = Vec::new();
    for (n, name) in [(5, "丁新设服务中心"), (6, "戊新设服务中心")] {
        let admin = app.user(&format!("o{n}@example.org"), &[]).await;
        let id = app.org(admin, n, name).await;
        civicbridge::orgs::model::organization::ActiveModel {
            id: Set(id),
            registration_date: Set(registered),
            ..Default::default()
        }
        .update(db)
        .await
        .unwrap();
        orgs.push((id, admin));
    }
    let (idle, _) = orgs[0];
    let (busy, busy_admin) = orgs[1];
    // Not yet a year after registration.
    let run = civicbridge::app::jobs::detect_zombies(&app.state)
        .await
        .unwrap();
    assert_eq!((run.orgs, run.opened), (2, 0));
    // A year and a day later (the 2026 report is then due too, but one year is no streak).
    let target = civicbridge::regulation::rules::day_start(registered) + 366 * DAY;
    app.clock().advance(target - app.clock().now());
    let o = civicbridge::orgs::row(db, busy).await.unwrap().unwrap();
    let draft = {
        use civicbridge::regulation::rules::{ReportForm, validate_report};
        validate_report(
            &ReportForm {
                income: "100000".into(),
                expense: "80000".into(),
                expense_program: "60000".into(),
                expense_admin: "15000".into(),
                expense_fundraising: "3000".into(),
                expense_other: "2000".into(),
                net_assets: "50000".into(),
                gov_purchase: "0".into(),
                grant: "0".into(),
                staff_full: "2".into(),
                staff_part: "1".into(),
                volunteers: "10".into(),
                party_established: "no".into(),
                party_standard: "no".into(),
                activities: "开展社区助老服务。".into(),
                ..Default::default()
            },
            civicbridge::kernel::Lang::Zh,
        )
        .unwrap()
    };
    civicbridge::regulation::file(db, &o, 2026, &draft, true, busy_admin, app.clock().now())
        .await
        .unwrap()
        .unwrap();
    let run = civicbridge::app::jobs::detect_zombies(&app.state)
        .await
        .unwrap();
    assert_eq!(run.opened, 1);
    assert_eq!(
        cases(&app, idle).await[0].criteria(),
        vec![ZombieCriterion::NoActivity]
    );
    assert!(cases(&app, busy).await.is_empty());
}

fn csv_rows(body: &str) -> Vec<Vec<String>> {
    body.trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[tokio::test]
async fn targets_drill_down_is_exact_at_every_level_with_csv() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let reg = app.user("reg@example.org", &[Role::Regulator]).await;
    let mut orgs = Vec::new();
    for n in 1..=3 {
        let admin = app.user(&format!("d{n}@example.org"), &[]).await;
        orgs.push(app.org(admin, n, &format!("新城区测试服务中心{n}")).await);
    }
    // The first files and gets accepted a 2025 report: 12 full-time and 3 part-time staff,
    // a party organization meeting the standard.
    let o1 = civicbridge::orgs::row(db, orgs[0]).await.unwrap().unwrap();
    let draft = civicbridge::regulation::rules::validate_report(
        &civicbridge::regulation::rules::ReportForm {
            income: "100000".into(),
            expense: "80000".into(),
            expense_program: "60000".into(),
            expense_admin: "15000".into(),
            expense_fundraising: "3000".into(),
            expense_other: "2000".into(),
            net_assets: "50000".into(),
            gov_purchase: "0".into(),
            grant: "0".into(),
            staff_full: "12".into(),
            staff_part: "3".into(),
            volunteers: "40".into(),
            party_established: "yes".into(),
            party_standard: "yes".into(),
            activities: "开展社区助老服务。".into(),
            ..Default::default()
        },
        civicbridge::kernel::Lang::Zh,
    )
    .unwrap();
    civicbridge::regulation::file(db, &o1, 2025, &draft, true, reg, T0)
        .await
        .unwrap()
        .unwrap();
    civicbridge::regulation::review(
        db,
        &o1,
        2025,
        &civicbridge::regulation::Review::Accept,
        reg,
        T0,
    )
    .await
    .unwrap()
    .unwrap();
    // The second is put on the abnormal list in December 2026.
    let o2 = civicbridge::orgs::row(db, orgs[1]).await.unwrap().unwrap();
    civicbridge::regulation::record_finding(
        db,
        &o2,
        &civicbridge::regulation::credit_rules::FindingDraft {
            kind: civicbridge::regulation::FindingKind::Other,
            note: "未按规定公开信息。".into(),
            due_at: None,
        },
        reg,
        T0,
        &app.state.config.credit,
        &app.state.config.regulation,
    )
    .await
    .unwrap();
    app.clock().advance(11 * DAY);
    civicbridge::app::jobs::evaluate_credit(&app.state)
        .await
        .unwrap();
    assert_eq!(
        civicbridge::orgs::row(db, orgs[1])
            .await
            .unwrap()
            .unwrap()
            .credit_status,
        "abnormal"
    );

    let mut c = app.client();
    // 2025, the region: Hohhot has the three, all clean, one report with 15 jobs.
    let r = c.get("/targets/reports?year=2025").await;
    assert_eq!(r.status, StatusCode::OK);
    let row = r.text("tr[data-key='150100']");
    assert!(row.contains("100.0"), "{row}");
    let csv = c.get("/targets/reports.csv?year=2025").await;
    assert!(
        csv.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let rows = csv_rows(&csv.body);
    assert_eq!(rows[0][0], "key");
    let h = rows.iter().find(|r| r[0] == "150100").unwrap();
    assert_eq!(
        (
            h[3].as_str(),
            h[4].as_str(),
            h[6].as_str(),
            h[7].as_str(),
            h[11].as_str()
        ),
        ("3", "3", "1", "1", "15")
    );
    let total = rows.iter().find(|r| r[0] == "total").unwrap();
    assert_eq!((total[3].as_str(), total[11].as_str()), ("3", "15"));
    assert_eq!(rows.len(), 1 + 12 + 1, "header, 12 leagues/cities, total");
    // 2026, Hohhot by banner/county: 新城区 has two of three clean, no accepted report yet.
    let csv = c.get("/targets/reports.csv?year=2026&league=150100").await;
    let rows = csv_rows(&csv.body);
    let x = rows.iter().find(|r| r[0] == "150102").unwrap();
    assert_eq!(
        (x[3].as_str(), x[4].as_str(), x[5].as_str(), x[6].as_str()),
        ("3", "2", "66.67", "0")
    );
    // 新城区 by organization: the listed one is the one not clean.
    let page = c
        .get("/targets/reports?year=2026&county=150102&lang=en")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("table.report-drill tbody tr"), 3);
    let csv = c.get("/targets/reports.csv?year=2026&county=150102").await;
    let rows = csv_rows(&csv.body);
    let clean: Vec<(String, String)> = rows[1..4]
        .iter()
        .map(|r| (r[0].clone(), r[4].clone()))
        .collect();
    assert_eq!(
        clean,
        vec![
            (orgs[0].to_string(), "1".to_string()),
            (orgs[1].to_string(), "0".to_string()),
            (orgs[2].to_string(), "1".to_string()),
        ]
    );
    // The dashboard links to it; an unknown place shows the region, never an error.
    assert!(c.get("/targets").await.body.contains("/targets/reports"));
    assert_eq!(
        c.get("/targets/reports?league=999999&year=x").await.status,
        StatusCode::OK
    );
}

/// A call of a unit in Hohhot open around `T0`, accepting registered organizations.
async fn open_call(app: &TestApp) -> i64 {
    use civicbridge::kernel::money::Fen;
    use civicbridge::philanthropy::rules::{Applicant, CallDraft, Organizer, OrganizerKind};
    let db = &app.state.db;
    let buyer = app.user("caller@example.org", &[]).await;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft("回民区民政局", "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer, T0)
        .await
        .unwrap();
    let d = CallDraft {
        organizer: Organizer {
            kind: OrganizerKind::Unit,
            id: unit,
        },
        title: "回民区社区公益创投".into(),
        theme: "支持社区社会组织开展为老服务。".into(),
        domains: vec!["elderly".into()],
        places: vec!["150100".into()],
        applicants: vec![Applicant::Registered],
        pool: Fen(10_000_000),
        max_grant: Fen(5_000_000),
        cofund_bp: 1000,
        opens_at: T0 - DAY,
        closes_at: T0 + 30 * DAY,
        reviewers: 3,
        rubric: vec![("项目设计".into(), 100)],
        tranches: vec![10_000],
        reports: vec![12],
        two_stage: false,
        full_closes_at: None,
        sealed: false,
        admin_cap_bp: None,
    };
    let id = civicbridge::philanthropy::create(db, &d, buyer, T0 - 2 * DAY)
        .await
        .unwrap();
    let c = civicbridge::philanthropy::get(db, id)
        .await
        .unwrap()
        .unwrap();
    civicbridge::philanthropy::publish(db, &c, buyer, T0 - 2 * DAY)
        .await
        .unwrap()
        .unwrap();
    id
}

/// A good application of `org` (lines of 55 000 yuan, 6 000 co-funded).
fn application(org: &str) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        ("kind", "org".into()),
        ("org_id", org.into()),
        ("title", "社区长者助餐服务".into()),
        (
            "plan",
            "在两个社区建设长者助餐点，每周五天提供午餐。".into(),
        ),
        ("beneficiaries", "社区60岁以上老人约300人".into()),
        ("p_league", "150100".into()),
        ("p_county", "150102".into()),
        ("p_township", "".into()),
        ("outcome_indicator", "服务老人人数".into()),
        ("outcome_target", "300".into()),
        ("total", "55000".into()),
        ("cofund", "6000".into()),
        ("action", "submit".into()),
    ];
    for (c, i, a) in [
        ("personnel", "社工补贴", "20000"),
        ("activities", "助餐活动", "25000"),
        ("materials", "餐具", "4000"),
        ("admin", "办公", "6000"),
    ] {
        v.push(("budget_category", c.into()));
        v.push(("budget_item", i.into()));
        v.push(("budget_amount", a.into()));
    }
    v
}

fn brand_form(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.into()),
        ("domain", "elderly".into()),
        ("places", "150100".into()),
        ("started_year", "2020".into()),
        ("beneficiaries", "300".into()),
        ("partners", "新城区民政局".into()),
        (
            "story",
            "从一个社区老年食堂起步，为高龄独居老人助餐送餐。".into(),
        ),
    ]
}

async fn post(c: &mut common::Client, path: &str, v: &[(&'static str, String)]) -> common::Resp {
    let fields: Vec<(&str, &str)> = v.iter().map(|(k, x)| (*k, x.as_str())).collect();
    c.post(path, &fields).await
}

/// A deregistered organization is refused everywhere with the reason named — deregistered,
/// on which day — not as "unverified": its bid, its application to a call, a new brand
/// project and an incubator application are refused (422, nothing written); it leaves the
/// tender's matches (counted under its own rule) and the public brand gallery; the regulator's
/// workspace counts the zombie cases by state.
#[tokio::test]
async fn an_ended_registration_is_named_wherever_it_is_refused() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let t = tender(&app).await;
    let call = open_call(&app).await;
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let a = app.org(owner_id, 1, "甲社区服务中心").await;
    // A brand shown in the gallery while the registration stands.
    let mut public = app.client();
    let r = owner.get(&format!("/orgs/{a}/brands/new")).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = post(
        &mut owner,
        &format!("/orgs/{a}/brands"),
        &brand_form("长者饭堂"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(public.get("/brands").await.body.contains("长者饭堂"));
    let brands = app.count("brands").await;

    // The regulator deregisters it (a zombie case's outcome ends the registration this way).
    let txn = civicbridge::kernel::db::begin_write(db).await.unwrap();
    assert!(
        civicbridge::orgs::end_registration_in(
            &*txn,
            a,
            civicbridge::orgs::RegistrationStatus::Deregistered,
            "僵尸型社会组织，依法注销登记。",
            None,
            T0,
        )
        .await
        .unwrap()
    );
    txn.commit().await.unwrap();
    let day = app.clock().today().to_string();
    // (The English request below leaves the language cookie on English.)
    let named = |body: &str| {
        (body.contains("注销登记") || body.contains("Deregistered")) && body.contains(&day)
    };

    // Bidding: the page and the refused bid name the day; nothing written.
    let bid_page = format!("/tenders/{t}/bid");
    let r = owner.get(&bid_page).await;
    assert!(named(&r.body), "{}", r.body);
    assert!(!r.body.contains("尚未经监管部门核验"));
    let r = owner
        .post(
            &bid_page,
            &[
                ("org_id", &a.to_string()),
                ("price", "90000"),
                ("proposal", "服务方案：每日助餐。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(named(&r.text(".error-summary")), "{}", r.body);
    assert_eq!(app.count("bids").await, 0);

    // Applying to a call: refused next to the organization, with the day; nothing written.
    owner.get(&format!("/calls/{call}/apply")).await;
    let r = post(
        &mut owner,
        &format!("/calls/{call}/apply"),
        &application(&a.to_string()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(named(&r.text("#org_id-error")), "{}", r.body);
    assert_eq!(app.count("proposals").await, 0);
    // In English too.
    let r = post(
        &mut owner,
        &format!("/calls/{call}/apply?lang=en"),
        &application(&a.to_string()),
    )
    .await;
    assert!(
        r.text("#org_id-error").contains("Deregistered") && r.text("#org_id-error").contains(&day),
        "{}",
        r.body
    );

    // A new brand project: refused with the reason; the old one leaves the gallery.
    owner.get(&format!("/orgs/{a}/brands/new")).await;
    let r = post(
        &mut owner,
        &format!("/orgs/{a}/brands"),
        &brand_form("社区助浴"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(named(&r.text(".error-summary")), "{}", r.body);
    assert_eq!(r.value("input#name").as_deref(), Some("社区助浴"));
    assert_eq!(app.count("brands").await, brands);
    assert!(!public.get("/brands").await.body.contains("长者饭堂"));

    // The tender's matches leave it out, counted under its own rule.
    let mut buyer = login(&app, "buyer@example.org").await;
    let m = buyer.get(&format!("/tenders/{t}/matches")).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.text("li[data-rule=ended]").contains('1'), "{}", m.body);
    assert!(!m.text("#matches").contains("甲社区服务中心"));

    // The regulator's workspace counts zombie cases by state (none opened here).
    let mut reg = app.client();
    app.user("regulator@example.org", &[Role::Regulator]).await;
    reg.login("regulator@example.org", common::PW).await;
    let me = reg.get("/me").await;
    assert_eq!(me.count("#zombie-counts li[data-state]"), 5, "{}", me.body);
    assert!(
        me.text("#zombie-counts li[data-state=noticed]")
            .contains('0')
    );
    app.check_invariants().await.unwrap();
}
