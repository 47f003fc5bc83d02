//! Incubators' quarterly KPIs through HTTP: a fixture with known numbers (applications,
//! admissions, residents, a group and a registered organization, a desk and a room
//! allocated across the quarter's start, a training with attendance, a guidance session, a
//! signed contract of the tenant, its accepted annual report) shows exactly those figures on
//! the incubator's page, in its CSV and in its Excel workbook; the regulators' roll-up sums
//! them by level and league/city and filters by league; managers of another incubator,
//! tenants and anonymous visitors learn nothing (404 / log in).

use crate::common;

use std::io::Read;

use crate::common::{Client, T0, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use civicbridge::accounts::Role;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// 2026-10-01T00:00+08:00: the start of the quarter T0 (2026-11-27) is in.
const Q4: i64 = 1_790_784_000;
const DAY: i64 = 86_400;

struct World {
    a: i64,
    b: i64,
}

async fn incubator(app: &TestApp, admin: i64, manager: i64, name: &str, league: &str) -> i64 {
    use civicbridge::incubators::{self, rules};
    let db = &app.state.db;
    let d = rules::validate_incubator(
        &rules::IncubatorForm {
            name: name.into(),
            i_league: league.into(),
            address: "地址".into(),
            services: "办公场地".into(),
            capacity: "10".into(),
            ..Default::default()
        },
        &[],
        civicbridge::kernel::Lang::Zh,
    )
    .unwrap();
    let id = incubators::save_incubator(db, None, &d, admin, T0)
        .await
        .unwrap()
        .unwrap();
    let inc = incubators::get(db, id).await.unwrap().unwrap();
    incubators::set_manager(db, &inc, manager, true, admin, T0)
        .await
        .unwrap()
        .unwrap();
    id
}

/// Applies (an organization or a group) and, when `admit`, admits: returns the tenant.
async fn apply(
    app: &TestApp,
    inc: i64,
    who: i64,
    org: Option<i64>,
    manager: i64,
    admit: bool,
) -> Option<i64> {
    use civicbridge::incubators::{self, rules};
    let db = &app.state.db;
    let i = incubators::get(db, inc).await.unwrap().unwrap();
    let d = rules::ApplicationDraft {
        applicant: org.map_or(rules::Applicant::Group, rules::Applicant::Org),
        name: if org.is_some() {
            String::new()
        } else {
            format!("筹备组{who}")
        },
        founders: if org.is_some() {
            String::new()
        } else {
            "张三".into()
        },
        domain: "elderly".into(),
        plan: "入驻后一年内承接社区养老服务项目。".into(),
        submit: true,
    };
    let id = incubators::apply(db, &i, who, &d, T0)
        .await
        .unwrap()
        .unwrap();
    if !admit {
        return None;
    }
    let a = incubators::model::application(db, id)
        .await
        .unwrap()
        .unwrap();
    for step in [rules::Step::Review, rules::Step::Admit] {
        let a = incubators::model::application(db, a.id)
            .await
            .unwrap()
            .unwrap();
        incubators::take_step(db, &i, &a, step, "", manager, T0)
            .await
            .unwrap()
            .unwrap();
    }
    incubators::model::tenants_of(db, inc)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.application_id == id)
        .map(|t| t.id)
}

async fn world(app: &TestApp) -> World {
    use civicbridge::incubators::services::{self, rules as srules};
    use civicbridge::spaces::{self, rules as sp};
    let db = &app.state.db;
    let admin = app.user("admin@example.org", &[Role::Admin]).await;
    let manager = app
        .user("manager@example.org", &[Role::IncubatorManager])
        .await;
    let other = app
        .user("other@example.org", &[Role::IncubatorManager])
        .await;
    app.user("regulator@example.org", &[Role::Regulator]).await;
    let owner = app.user("owner@example.org", &[]).await;
    let founder = app.user("founder@example.org", &[]).await;
    let third = app.user("third@example.org", &[]).await;
    let fourth = app.user("fourth@example.org", &[]).await;
    let org = app.org(owner, 3, "青城养老服务中心").await;
    let a = incubator(app, admin, manager, "呼和浩特市社会组织孵化基地", "150100").await;
    let b = incubator(app, admin, other, "包头市社会组织孵化基地", "150200").await;
    // A: an organization and a group admitted, a third application waiting.
    let t1 = apply(app, a, owner, Some(org), manager, true)
        .await
        .unwrap();
    let t2 = apply(app, a, founder, None, manager, true).await.unwrap();
    apply(app, a, third, None, manager, false).await;
    // B: one group admitted.
    apply(app, b, fourth, None, other, true).await.unwrap();
    let inc_a = civicbridge::incubators::get(db, a).await.unwrap().unwrap();

    // A desk held for 46 of the quarter's 92 days; a room from 10 days before the quarter
    // to 23 days into it: (46 + 23) / (2 × 92) = 37.50%. A shared room does not count.
    let res = |name: &str, kind| sp::ResourceDraft {
        name: name.into(),
        kind,
        capacity: 1,
        opens_min: 8 * 60,
        closes_min: 18 * 60,
        advance_days: 14,
        cancel_hours: 2,
    };
    let desk = spaces::add_resource(db, a, &res("工位1", sp::ResourceKind::Desk), manager, T0)
        .await
        .unwrap();
    let room = spaces::add_resource(db, a, &res("办公室1", sp::ResourceKind::Room), manager, T0)
        .await
        .unwrap();
    spaces::add_resource(db, a, &res("培训室", sp::ResourceKind::Shared), manager, T0)
        .await
        .unwrap();
    for (r, t, s, e) in [
        (desk, t1, Q4, Q4 + 46 * DAY),
        (room, t2, Q4 - 10 * DAY, Q4 + 23 * DAY),
    ] {
        spaces::allocate(
            db,
            &sp::AllocationDraft {
                resource_id: r,
                tenant_id: t,
                starts_at: s,
                ends_at: e,
            },
            manager,
            T0,
        )
        .await
        .unwrap()
        .unwrap();
    }
    // A two-hour training both attended (4 service hours), and 1.5 hours of guidance; a
    // training of the previous quarter does not count.
    for (held, attendees) in [(T0 - DAY, vec![t1, t2]), (Q4 - DAY, vec![t1])] {
        services::log_training(
            db,
            &inc_a,
            &srules::TrainingDraft {
                topic: "财务管理".into(),
                trainer: "李老师".into(),
                held_at: held,
                minutes: 120,
                attendees,
            },
            manager,
            T0,
        )
        .await
        .unwrap();
    }
    let tenant = civicbridge::incubators::model::tenants_of(db, a)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.id == t1)
        .unwrap();
    services::log_guidance(
        db,
        &tenant,
        &srules::GuidanceDraft {
            mentor: "王老师".into(),
            topic: "项目设计".into(),
            held_at: T0 - 3_600,
            minutes: 90,
            notes: String::new(),
        },
        manager,
        T0,
    )
    .await
    .unwrap();
    // Seed funding of ¥5,000 with half an hour of coaching (venture-philanthropy support).
    services::log_vp_support(
        db,
        &tenant,
        &srules::VpDraft {
            kind: srules::VpKind::Funding,
            topic: "助老微创投".into(),
            partner: "呼和浩特市公益创投大赛".into(),
            held_at: T0 - 7_200,
            minutes: 30,
            amount: civicbridge::kernel::money::Fen(500_000),
        },
        manager,
        T0,
    )
    .await
    .unwrap();
    // The organization signs a contract of ¥123,456.78 in the quarter.
    signed_contract(app, org, 12_345_678).await;
    // Its accepted annual report on 2025: 12 full-time and 3 part-time staff.
    let mut o = app.client();
    o.login("owner@example.org", common::PW).await;
    let r = o.post(&format!("/orgs/{org}/reports"), &report()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut reg = app.client();
    reg.login("regulator@example.org", common::PW).await;
    let r = reg
        .post(
            &format!("/orgs/{org}/reports/2025/review"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    World { a, b }
}

fn report() -> Vec<(&'static str, &'static str)> {
    vec![
        ("year", "2025"),
        ("income", "1,000,000"),
        ("expense", "800000"),
        ("expense_program", "600000"),
        ("expense_admin", "150000"),
        ("expense_fundraising", "30000"),
        ("expense_other", "20000"),
        ("net_assets", "500000"),
        ("gov_purchase", "400000"),
        ("grant", "100000"),
        ("staff_full", "12"),
        ("staff_part", "3"),
        ("volunteers", "80"),
        ("party_established", "yes"),
        ("party_standard", "yes"),
        ("activities", "开展社区养老服务。"),
        ("key_changes", ""),
        ("submit", "1"),
    ]
}

/// A contract of `fen` signed by both sides at T0, through the real operations (the
/// tender row stands as awarded, as in the targets tests).
async fn signed_contract(app: &TestApp, org: i64, fen: i64) {
    use civicbridge::procurement::model::tender;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let db = &app.state.db;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft("呼和浩特市民政局", "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let t = tender::ActiveModel {
        unit_id: Set(unit),
        created_by: Set(None),
        title: Set("社区居家养老服务项目".into()),
        description: Set("为辖区老人提供居家养老上门服务。".into()),
        domain: Set("elderly".into()),
        division_code: Set("150102".into()),
        league_code: Set(Some("150100".into())),
        county_code: Set(Some("150102".into())),
        budget_fen: Set(fen),
        method: Set("open_tender".into()),
        eval_method: Set("lowest_price".into()),
        price_weight: Set(100),
        min_grade: Set(None),
        social_only: Set(false),
        allowed_leagues: Set(String::new()),
        min_years: Set(0),
        enquiry_deadline: Set(T0 - 40 * DAY),
        bid_deadline: Set(T0 - 39 * DAY),
        contract_months: Set(12),
        min_bids: Set(1),
        state: Set("awarded".into()),
        state_reason: Set(String::new()),
        published_at: Set(Some(T0 - 41 * DAY)),
        opened_at: Set(Some(T0 - 39 * DAY)),
        seq: Set(0),
        created_at: Set(T0 - 42 * DAY),
        updated_at: Set(T0 - 39 * DAY),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let id = civicbridge::contracts::create_from_award(
        db,
        &civicbridge::contracts::ContractSeed {
            tender_id: t,
            unit_id: unit,
            org_id: org,
            value: civicbridge::kernel::money::Fen(fen),
            supplier_is_social: true,
            division_code: "150102".into(),
            milestones: vec![("全部".into(), 10_000)],
        },
        T0 - 38 * DAY,
    )
    .await
    .unwrap();
    for side in [
        civicbridge::contracts::Side::Buyer,
        civicbridge::contracts::Side::Supplier,
    ] {
        civicbridge::contracts::sign(db, id, side, 1, T0)
            .await
            .unwrap()
            .unwrap();
    }
}

async fn signed_in(app: &TestApp, email: &str) -> Client {
    let mut c = app.client();
    c.login(email, common::PW).await;
    c
}

/// The raw bytes of a download (the test client reads bodies as text).
async fn bytes(app: &TestApp, c: &Client, path: &str) -> (StatusCode, Vec<u8>, String) {
    let cookie = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = Request::builder()
        .uri(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let b = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, b, ct)
}

/// A file of the workbook, as text.
fn unzip(b: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(b)).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// The expected figures of A, by column key.
const A: [(&str, &str); 18] = [
    ("applications", "3"),
    ("admissions", "2"),
    ("residents", "2"),
    ("registered", "1"),
    ("graduations", "0"),
    ("occupancy", "37.50"),
    ("service_hours", "6.00"),
    ("trainings", "1"),
    ("attendance", "2"),
    ("guidance", "1"),
    ("guidance_hours", "1.50"),
    ("contracts", "1"),
    ("contract_value", "123456.78"),
    ("grants", "0"),
    ("grant_value", "0.00"),
    ("staff", "15"),
    ("vp_support", "1"),
    ("vp_amount", "5000.00"),
];

#[tokio::test]
async fn an_incubators_quarter_shows_exactly_its_figures_in_page_csv_and_xlsx() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let mut m = signed_in(&app, "manager@example.org").await;
    let page = format!("/incubators/{}/kpis?year=2026&quarter=4", w.a);
    let r = m.get(&page).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for (k, v) in A {
        assert_eq!(r.text(&format!("#kpi-{k} td")), v, "{k}");
    }
    // The current quarter is the default; the incubator page links here.
    let r = m.get(&format!("/incubators/{}/kpis", w.a)).await;
    assert_eq!(r.text("#kpi-residents td"), "2");
    let r = m.get(&format!("/incubators/{}", w.a)).await;
    assert_eq!(r.count(&format!("a[href='/incubators/{}/kpis']", w.a)), 1);
    // The previous quarter: one training attended by one tenant, nothing admitted yet.
    let r = m
        .get(&format!("/incubators/{}/kpis?year=2026&quarter=3", w.a))
        .await;
    assert_eq!(r.text("#kpi-trainings td"), "1");
    assert_eq!(r.text("#kpi-service_hours td"), "2.00");
    assert_eq!(r.text("#kpi-residents td"), "0");
    assert_eq!(r.text("#kpi-contracts td"), "0");
    // A bad quarter falls back to the current one.
    let r = m
        .get(&format!("/incubators/{}/kpis?year=abc&quarter=9", w.a))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text("#kpi-admissions td"), "2");

    // CSV: headers in the reader's language, plain numbers.
    let r = m
        .get(&format!(
            "/incubators/{}/kpis.csv?year=2026&quarter=4&lang=en",
            w.a
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut lines = r.body.trim_start_matches('\u{feff}').lines();
    let head = lines.next().unwrap();
    assert!(
        head.starts_with("Name,Applications received,Admissions"),
        "{head}"
    );
    assert_eq!(
        lines.next().unwrap(),
        "呼和浩特市社会组织孵化基地,3,2,2,1,0,37.50,6.00,1,2,1,1.50,1,123456.78,0,0.00,15,1,5000.00"
    );

    // Excel: a workbook whose sheet holds the figures as numbers, money with two decimals.
    let (status, b, ct) = bytes(
        &app,
        &m,
        &format!(
            "/incubators/{}/kpis.xlsx?year=2026&quarter=4&lang=zh-CN",
            w.a
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    assert!(unzip(&b, "[Content_Types].xml").contains("worksheet"));
    let sheet = unzip(&b, "xl/worksheets/sheet1.xml");
    for v in [
        "<v>3</v>",
        "<v>37.5</v>",
        "<v>6</v>",
        "<v>5000</v>",
        "<v>123456.78</v>",
        "<v>15</v>",
    ] {
        assert!(sheet.contains(v), "{v} in {sheet}");
    }
    let strings = unzip(&b, "xl/sharedStrings.xml");
    assert!(strings.contains("孵化基地季度报告 2026Q4"), "{strings}");
    assert!(strings.contains("合同金额（元）"));
    assert!(unzip(&b, "xl/styles.xml").contains("#,##0.00"));
}

#[tokio::test]
async fn others_learn_nothing_and_regulators_see_every_incubator() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let paths = |id: i64| {
        [
            format!("/incubators/{id}/kpis"),
            format!("/incubators/{id}/kpis.csv"),
            format!("/incubators/{id}/kpis.xlsx"),
        ]
    };
    // The manager of B, a tenant's administrator: "not found", like a missing incubator.
    for who in ["other@example.org", "owner@example.org"] {
        let mut c = signed_in(&app, who).await;
        for p in paths(w.a) {
            assert_eq!(c.get(&p).await.status, StatusCode::NOT_FOUND, "{who} {p}");
        }
        assert_eq!(
            c.get("/incubators/999999/kpis").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get("/incubators/kpis").await.status,
            StatusCode::FORBIDDEN,
            "the roll-up is the regulators'"
        );
    }
    let mut anon = app.client();
    let r = anon.get(&paths(w.a)[0]).await;
    assert!(r.location().unwrap_or("").starts_with("/login"));
    let mut other = signed_in(&app, "other@example.org").await;
    assert_eq!(
        other.get(&paths(w.b)[0]).await.status,
        StatusCode::OK,
        "B's manager sees B"
    );
    let mut reg = signed_in(&app, "regulator@example.org").await;
    for p in paths(w.a).into_iter().chain(paths(w.b)) {
        assert_eq!(reg.get(&p).await.status, StatusCode::OK, "{p}");
    }
}

#[tokio::test]
async fn the_roll_up_sums_by_level_and_league_and_exports() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let mut reg = signed_in(&app, "regulator@example.org").await;
    let r = reg.get("/incubators/kpis?year=2026&quarter=4").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cell = |r: &common::Resp, row: &str, k: &str| r.text(&format!("{row} td[data-kpi={k}]"));
    assert_eq!(cell(&r, &format!("#incubator-{}", w.a), "residents"), "2");
    assert_eq!(cell(&r, &format!("#incubator-{}", w.b), "residents"), "1");
    assert_eq!(cell(&r, "#league-150100", "applications"), "3");
    assert_eq!(cell(&r, "#league-150200", "applications"), "1");
    assert_eq!(cell(&r, "#total", "admissions"), "3");
    assert_eq!(cell(&r, "#total", "contract_value"), "123456.78");
    assert_eq!(cell(&r, "#total", "vp_amount"), "5000.00");
    // B has no rooms or desks: the total's occupancy is A's, not an average.
    assert_eq!(cell(&r, "#total", "occupancy"), "37.50");
    assert_eq!(cell(&r, "#level-league_city", "residents"), "3");
    // Filtered by league/city: only B.
    let r = reg
        .get("/incubators/kpis?year=2026&quarter=4&league=150200")
        .await;
    assert_eq!(r.count(&format!("#incubator-{}", w.a)), 0);
    assert_eq!(cell(&r, "#total", "residents"), "1");
    // By level: nothing at banner/county level.
    let r = reg
        .get("/incubators/kpis?year=2026&quarter=4&level=banner_county")
        .await;
    assert_eq!(cell(&r, "#total", "residents"), "0");
    // Exports: one row per incubator and the total.
    let r = reg.get("/incubators/kpis.csv?year=2026&quarter=4").await;
    let body = r.body.trim_start_matches('\u{feff}');
    assert!(body.starts_with("名称,层级,盟市,收到申请"), "{body}");
    assert!(body.contains("\r\n合计,,,4,3,3,1,0,37.50,"), "{body}");
    let (status, b, _) = bytes(&app, &reg, "/incubators/kpis.xlsx?year=2026&quarter=4").await;
    assert_eq!(status, StatusCode::OK);
    let strings = unzip(&b, "xl/sharedStrings.xml");
    assert!(strings.contains("包头市社会组织孵化基地"));
    assert!(strings.contains("合计"));
    assert!(unzip(&b, "xl/worksheets/sheet1.xml").contains("<v>123456.78</v>"));
}

#[tokio::test]
async fn targets_show_the_incubation_system_by_level_and_league() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = TestApp::new().await;
    let w = world(&app).await;
    // B's tenant graduates today (as the graduation review would record it).
    let t = civicbridge::incubators::model::tenants_of(&app.state.db, w.b)
        .await
        .unwrap()[0]
        .id;
    civicbridge::incubators::model::tenant::ActiveModel {
        id: Set(t),
        state: Set("graduated".into()),
        ended_at: Set(Some(T0)),
        ..Default::default()
    }
    .update(&app.state.db)
    .await
    .unwrap();
    let r = app.client().get("/targets").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text("#cultivation-incubators"), "2");
    assert_eq!(r.text("#cultivation-residents"), "2");
    assert_eq!(r.text("#cultivation-graduates"), "1");
    let cell = |k: &str, col: &str| {
        r.text(&format!(
            "table[data-table=cultivation_leagues] tr[data-key='{k}'] td[data-col={col}]"
        ))
    };
    assert_eq!(cell("150100", "residents"), "2");
    assert_eq!(cell("150200", "graduates"), "1");
    assert_eq!(
        r.text(
            "table[data-table=cultivation_levels] tr[data-key=league_city] td[data-col=incubators]"
        ),
        "2"
    );
    let csv = app
        .client()
        .get("/targets.csv?table=cultivation_leagues")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("150200,包头市,1,0,1"), "{}", csv.body);
    // The graduation counts in B's quarter too.
    let mut reg = signed_in(&app, "regulator@example.org").await;
    let r = reg
        .get(&format!("/incubators/{}/kpis?year=2026&quarter=4", w.b))
        .await;
    assert_eq!(r.text("#kpi-graduations td"), "1");
    assert_eq!(r.text("#kpi-residents td"), "0");
}
