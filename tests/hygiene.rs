//! Input hygiene and the client address, through HTTP (issue 10): broken UTF-8 is refused
//! with 400, control characters and over-long text get a message next to the field with
//! nothing written, every free-text field of every form has a limit; the client address
//! comes from the configured source, and failures from one address slow it down without
//! locking out the people who share it. They run on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set (where a NUL reaching the database would be a 500).

use crate::common;

use std::net::SocketAddr;

use crate::common::{Client, PW, T0, TestApp, as_refs, buyer, org_form_values, tender_fields};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use civicbridge::accounts::Role;
use civicbridge::contracts::{self, ContractSeed};
use civicbridge::kernel::Lang;
use civicbridge::kernel::money::Fen;
use civicbridge::web::config::{Config, parse_client_ip_source};

/// Tables a refused form must leave as they were (row counts).
const TABLES: &[&str] = &[
    "audit_events",
    "organizations",
    "org_regulatory_events",
    "purchasing_units",
    "tenders",
    "tender_criteria",
    "tender_milestones",
    "tender_amendments",
    "enquiries",
    "bids",
    "contracts",
    "payments",
    "search_outbox",
];

async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut v = Vec::new();
    for t in TABLES {
        v.push(app.count(t).await);
    }
    v
}

async fn scalar(app: &TestApp, sql: &str) -> String {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.db;
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<String>("", "v")
        .or_else(|_| row.try_get::<i64>("", "v").map(|n| n.to_string()))
        .or_else(|_| row.try_get::<i32>("", "v").map(|n| n.to_string()))
        .unwrap()
}

fn too_long(max: usize) -> String {
    Lang::Zh.tf("form.too_long", &[("max", &max.to_string())])
}

fn control() -> String {
    Lang::Zh.t("text.err.control")
}

fn org_fields(n: u32, name: &str) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = org_form_values(n, name).into_iter().collect();
    v.push(("domains", "elderly".into()));
    v
}

/// The title of the tenders the buyer drafts.
const TITLE: &str = "新城区社区居家养老服务项目";

fn with(fields: &[(&'static str, String)], name: &str, value: &str) -> Vec<(&'static str, String)> {
    let mut out = fields.to_vec();
    let slot = out
        .iter_mut()
        .find(|f| f.0 == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    slot.1 = value.to_string();
    out
}

/// A urlencoded body posted as given, with the session's CSRF token in the header.
async fn post_body(c: &mut Client, path: &str, body: &str) -> common::Resp {
    let token = c.csrf.clone().unwrap_or_default();
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, cookies(c))
        .header("x-csrf-token", token)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap();
    c.request(req).await
}

fn cookies(c: &Client) -> String {
    c.cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn broken_utf8_is_refused_with_400_not_replaced() {
    let app = TestApp::new().await;
    let (mut c, _) = app.signed_in("owner@example.org", &[]).await;
    c.get("/orgs/new").await;
    let fields = org_fields(1, "新城区阳光养老服务中心");
    let good = serde_urlencoded::to_string(&fields).unwrap();
    let message = Lang::Zh.t("text.err.bad_utf8");
    for broken in ["name=%FF%FE%E9%98%B3%E5%85%89", "intro=%E5%85", "%C0%AF=x"] {
        let r = post_body(&mut c, "/orgs", &format!("{good}&{broken}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{broken}: {}", r.body);
        assert!(r.body.contains(&message), "{broken}: {}", r.body);
    }
    assert_eq!(app.count("organizations").await, 0);
    // The same body, whole, is accepted: only the broken bytes were refused.
    let r = post_body(&mut c, "/orgs", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A query string, a search and the JSON API alike.
    for path in [
        "/orgs?kind=%FF",
        "/tenders?domain=%FE",
        "/search?q=%E5%85",
        "/api/v1/search?q=%FF",
        "/api/v1/orgs?kind=%FF",
    ] {
        let r = app.client().get(path).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
    }
}

#[tokio::test]
async fn broken_utf8_in_a_multipart_field_is_refused_with_400() {
    let app = TestApp::new().await;
    let (_buyer, unit) = buyer(&app).await;
    let tender = published_tender(&app, unit).await;
    let (mut c, owner) = app.signed_in("bidder@example.org", &[]).await;
    let org = app.org(owner, 1, "青城社工服务中心").await;
    c.get(&format!("/tenders/{tender}/bid")).await;
    let boundary = "----cb-hygiene";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"org_id\"\r\n\r\n{org}")
            .as_bytes(),
    );
    body.extend_from_slice(b"\xFF\xFE");
    body.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n\
             --{boundary}--\r\n"
        )
        .as_bytes(),
    );
    let token = c.csrf.clone().unwrap_or_default();
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/tenders/{tender}/bid/files"))
        .header(header::COOKIE, cookies(&c))
        .header("x-csrf-token", token)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let r = c.request(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains(&Lang::Zh.t("text.err.bad_utf8")));
    assert_eq!(app.count("bid_files").await, 0);
}

/// A draft tender published by its buyer; its id.
async fn published_tender(app: &TestApp, unit: i64) -> i64 {
    let mut b = app.client();
    b.login("buyer@example.org", PW).await;
    b.get("/tenders/new").await;
    let r = b
        .post("/tenders", &as_refs(&tender_fields(unit, TITLE)))
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let id: i64 = scalar(app, "SELECT MAX(id) AS v FROM tenders")
        .await
        .parse()
        .unwrap();
    b.get(&format!("/tenders/{id}")).await;
    let r = b.post(&format!("/tenders/{id}/publish"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    id
}

#[tokio::test]
async fn nul_in_an_org_name_or_a_tender_description_gets_a_message_and_writes_nothing() {
    let app = TestApp::new().await;
    let (mut c, _) = app.signed_in("owner@example.org", &[]).await;
    c.get("/orgs/new").await;
    let before = snapshot(&app).await;
    for name in [
        "阳光\0养老服务中心",
        "阳光\u{1b}[31m养老",
        "阳光\u{202E}心中务服",
    ] {
        let f = with(&org_fields(1, "x"), "name", name);
        let r = c.post("/orgs", &as_refs(&f)).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}: {}",
            r.body
        );
        assert_eq!(r.text("#name-error"), control(), "{name:?}");
        // The other fields keep what was typed.
        assert_eq!(
            r.value("#contact_phone"),
            Some(org_form_values(1, "x")["contact_phone"].clone())
        );
    }
    let f = with(
        &org_fields(1, "阳光养老服务中心"),
        "intro",
        "第一行\n第二行\0",
    );
    let r = c.post("/orgs", &as_refs(&f)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.text("#intro-error"), control());
    assert_eq!(snapshot(&app).await, before);
    // Line breaks and tabs are fine in several lines of text.
    let f = with(
        &org_fields(1, "阳光养老服务中心"),
        "intro",
        "第一行\r\n\t第二行",
    );
    assert_eq!(
        c.post("/orgs", &as_refs(&f)).await.status,
        StatusCode::SEE_OTHER
    );

    let (mut b, unit) = buyer(&app).await;
    b.get("/tenders/new").await;
    let before = snapshot(&app).await;
    let f = with(
        &tender_fields(unit, TITLE),
        "description",
        "为辖区老人提供助餐\0服务。",
    );
    let r = b.post("/tenders", &as_refs(&f)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.text("#description-error"), control());
    assert_eq!(
        r.value("#title").as_deref(),
        Some("新城区社区居家养老服务项目")
    );
    let f = with(&tender_fields(unit, TITLE), "title", "新城区\0项目");
    let r = b.post("/tenders", &as_refs(&f)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.text("#title-error"), control());
    assert_eq!(snapshot(&app).await, before);

    // A NUL where an e-mail is looked up finds nobody instead of failing.
    let mut anon = app.client();
    anon.get("/login").await;
    let r = anon
        .post(
            "/login",
            &[("email", "owner\0@example.org"), ("password", PW)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // And the search box drops it with a message.
    let r = app
        .client()
        .get("/api/v1/search?q=%E5%85%BB%00%E8%80%81")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["params"][0]["param"], "q");
}

#[tokio::test]
async fn a_ten_thousand_character_rating_reason_gets_a_message() {
    let app = TestApp::new().await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区阳光养老服务中心").await;
    let (mut r, _) = app.signed_in("reg@example.org", &[Role::Regulator]).await;
    r.get(&format!("/orgs/{org}")).await;
    let before = snapshot(&app).await;
    let reason = "评".repeat(10_000);
    let res = r
        .post(
            &format!("/orgs/{org}/rating"),
            &[
                ("grade", "4"),
                ("rated_on", "2026-11-01"),
                ("reason", &reason),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.text(".form-errors").contains(&too_long(2000)));
    assert_eq!(snapshot(&app).await, before);
    let res = r
        .post(
            &format!("/orgs/{org}/rating"),
            &[
                ("grade", "4"),
                ("rated_on", "2026-11-01"),
                ("reason", "年度评估"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

/// One form field to fill past its limit.
struct Case {
    /// Who posts: a key into the clients.
    who: &'static str,
    path: String,
    /// The valid form.
    fields: Vec<(&'static str, String)>,
    /// The field to make too long, and its limit.
    field: &'static str,
    max: usize,
}

/// Every free-text field of every form, one past its limit: refused with "at most N
/// characters", nothing written.
#[tokio::test]
async fn every_free_text_field_has_a_limit() {
    use civicbridge::contracts::rules as cr;
    use civicbridge::orgs::rules::limits as ol;
    use civicbridge::procurement::rules::limits as pl;
    let app = TestApp::new().await;
    let (_, unit) = buyer(&app).await;
    let (_owner_c, owner) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区阳光养老服务中心").await;
    app.signed_in("admin@example.org", &[Role::Admin]).await;
    app.signed_in("reg@example.org", &[Role::Regulator]).await;
    let draft: i64 = {
        let mut b = app.client();
        b.login("buyer@example.org", PW).await;
        b.get("/tenders/new").await;
        let r = b
            .post("/tenders", &as_refs(&tender_fields(unit, TITLE)))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        scalar(&app, "SELECT MAX(id) AS v FROM tenders")
            .await
            .parse()
            .unwrap()
    };
    let tender = published_tender(&app, unit).await;
    // A question to answer.
    {
        let (mut a, _) = app.signed_in("asker@example.org", &[]).await;
        a.get(&format!("/tenders/{tender}")).await;
        let r = a
            .post(
                &format!("/tenders/{tender}/enquiries"),
                &[("question", "是否接受联合体投标？")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let qid = scalar(&app, "SELECT MAX(id) AS v FROM enquiries").await;
    let (contract, ms) = contract_fixture(&app, unit, org).await;
    let mut org_edit = org_fields(1, "新城区阳光养老服务中心");
    org_edit.retain(|(k, _)| *k != "uscc");
    org_edit.push(("uscc", common::uscc(1)));
    let s = |v: &str| v.to_string();
    let cases = vec![
        Case {
            who: "owner",
            path: s("/orgs"),
            fields: org_fields(2, "青城社工服务中心"),
            field: "name",
            max: ol::NAME,
        },
        Case {
            who: "owner",
            path: s("/orgs"),
            fields: org_fields(2, "青城社工服务中心"),
            field: "contact_name",
            max: ol::CONTACT_NAME,
        },
        Case {
            who: "owner",
            path: s("/orgs"),
            fields: org_fields(2, "青城社工服务中心"),
            field: "intro",
            max: ol::INTRO,
        },
        Case {
            who: "owner",
            path: format!("/orgs/{org}/edit"),
            fields: org_edit.clone(),
            field: "name",
            max: ol::NAME,
        },
        Case {
            who: "owner",
            path: format!("/orgs/{org}/edit"),
            fields: org_edit.clone(),
            field: "intro",
            max: ol::INTRO,
        },
        Case {
            who: "reg",
            path: format!("/orgs/{org}/rating"),
            fields: vec![
                ("grade", s("4")),
                ("rated_on", s("2026-11-01")),
                ("reason", s("年度评估")),
            ],
            field: "reason",
            max: ol::RATING_REASON,
        },
        Case {
            who: "reg",
            path: format!("/orgs/{org}/credit"),
            fields: vec![("status", s("abnormal")), ("reason", s("未按时年检"))],
            field: "reason",
            max: ol::CREDIT_REASON,
        },
        Case {
            who: "admin",
            path: s("/admin/units"),
            fields: vec![
                ("name", s("赛罕区民政局")),
                ("u_league", s("150100")),
                ("u_county", s("150105")),
            ],
            field: "name",
            max: civicbridge::units::rules::limits::NAME,
        },
        Case {
            who: "buyer",
            path: s("/tenders"),
            fields: tender_fields(unit, TITLE),
            field: "title",
            max: pl::TITLE,
        },
        Case {
            who: "buyer",
            path: s("/tenders"),
            fields: tender_fields(unit, TITLE),
            field: "description",
            max: pl::DESCRIPTION,
        },
        Case {
            who: "buyer",
            path: s("/tenders"),
            fields: tender_fields(unit, TITLE),
            field: "criterion_name",
            max: pl::CRITERION_NAME,
        },
        Case {
            who: "buyer",
            path: s("/tenders"),
            fields: tender_fields(unit, TITLE),
            field: "milestone_name",
            max: pl::MILESTONE_NAME,
        },
        Case {
            who: "buyer",
            path: format!("/tenders/{draft}/edit"),
            fields: tender_fields(unit, TITLE),
            field: "title",
            max: pl::TITLE,
        },
        Case {
            who: "buyer",
            path: format!("/tenders/{tender}/amend"),
            fields: vec![
                ("enquiry_deadline", s("2026-12-06T17:00")),
                ("bid_deadline", s("2026-12-16T09:30")),
                ("summary", s("延长投标截止时间")),
            ],
            field: "summary",
            max: pl::AMENDMENT,
        },
        Case {
            who: "buyer",
            path: format!("/tenders/{tender}/enquiries/{qid}/answer"),
            fields: vec![("answer", s("不接受联合体投标。"))],
            field: "answer",
            max: pl::ANSWER,
        },
        Case {
            who: "owner",
            path: format!("/tenders/{tender}/enquiries"),
            fields: vec![("question", s("是否接受联合体投标？"))],
            field: "question",
            max: pl::QUESTION,
        },
        Case {
            who: "owner",
            path: format!("/tenders/{tender}/bid"),
            fields: vec![
                ("org_id", org.to_string()),
                ("price", s("450000")),
                ("proposal", s("组建专业团队，每周上门探访并提供助餐服务。")),
            ],
            field: "proposal",
            max: pl::PROPOSAL,
        },
        // Checked before the tender's state is: the over-long text is refused first.
        Case {
            who: "buyer",
            path: format!("/tenders/{tender}/bids/1/disqualify"),
            fields: vec![("reason", s("报价文件未盖章"))],
            field: "reason",
            max: pl::REASON,
        },
        Case {
            who: "buyer",
            path: format!("/tenders/{tender}/award"),
            fields: vec![
                ("bid_id", s("1")),
                ("justification", s("综合得分第二但服务方案更优")),
            ],
            field: "justification",
            max: pl::JUSTIFICATION,
        },
        // At the limit it asks to confirm the cancellation (writing nothing).
        Case {
            who: "buyer",
            path: format!("/tenders/{tender}/cancel"),
            fields: vec![("reason", s("预算调整，取消采购"))],
            field: "reason",
            max: pl::REASON,
        },
        Case {
            who: "owner",
            path: format!("/contracts/{contract}/milestones/{}/report", ms[2]),
            fields: vec![("report", s("本期完成助餐服务2400人次，附签到表。"))],
            field: "report",
            max: cr::REPORT_LEN.1,
        },
        Case {
            who: "buyer",
            path: format!("/contracts/{contract}/milestones/{}/return", ms[1]),
            fields: vec![("reason", s("缺少签到表，请补充"))],
            field: "reason",
            max: cr::REASON_LEN.1,
        },
        Case {
            who: "buyer",
            path: format!("/contracts/{contract}/milestones/{}/payment", ms[0]),
            fields: vec![
                ("amount", s("30000.00")),
                ("paid_on", s("2026-11-27")),
                ("reference", s("国库集中支付2026-118")),
            ],
            field: "reference",
            max: cr::REFERENCE_LEN.1,
        },
        // At the limit it asks to confirm the termination (writing nothing).
        Case {
            who: "buyer",
            path: format!("/contracts/{contract}/terminate"),
            fields: vec![("reason", s("服务机构停止运营"))],
            field: "reason",
            max: cr::TERMINATION_LEN.1,
        },
    ];
    let mut clients = std::collections::HashMap::new();
    for (who, email) in [
        ("owner", "owner@example.org"),
        ("buyer", "buyer@example.org"),
        ("admin", "admin@example.org"),
        ("reg", "reg@example.org"),
    ] {
        let mut c = app.client();
        c.login(email, PW).await;
        clients.insert(who, c);
    }
    for case in &cases {
        let c = clients.get_mut(case.who).unwrap();
        let over = "长".repeat(case.max + 1);
        let f = with(&case.fields, case.field, &over);
        let before = snapshot(&app).await;
        let r = c.post(&case.path, &as_refs(&f)).await;
        let what = format!("{} {}", case.path, case.field);
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            r.body
        );
        assert!(
            r.body.contains(&too_long(case.max)),
            "{what}: no \"{}\" in {}",
            too_long(case.max),
            r.text(".form-errors, .error-msg, .flash")
        );
        assert_eq!(snapshot(&app).await, before, "{what} wrote something");
        // Exactly at the limit is not refused for being long.
        let at = with(&case.fields, case.field, &"长".repeat(case.max));
        let r = c.post(&case.path, &as_refs(&at)).await;
        assert!(!r.body.contains(&too_long(case.max)), "{what} at the limit");
    }
    // The completion comment, once everything is paid.
    let mut b = clients.remove("buyer").unwrap();
    let mut o = clients.remove("owner").unwrap();
    pay_all(&app, &mut b, &mut o, contract, &ms).await;
    let before = snapshot(&app).await;
    let over = "长".repeat(cr::COMMENT_MAX + 1);
    let r = b
        .post(
            &format!("/contracts/{contract}/complete"),
            &[("rating", "5"), ("comment", &over)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(&too_long(cr::COMMENT_MAX)));
    assert_eq!(snapshot(&app).await, before);
}

/// An active contract for the unit and the organization, signed by both: milestone 0
/// reported and accepted, milestone 1 reported, milestone 2 pending.
async fn contract_fixture(app: &TestApp, unit: i64, org: i64) -> (i64, Vec<i64>) {
    use civicbridge::procurement::model::tender;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let db = &app.state.db;
    let t = tender::ActiveModel {
        unit_id: Set(unit),
        created_by: Set(None),
        title: Set("新城区社区助餐服务项目".into()),
        description: Set("为辖区老人提供助餐服务。".into()),
        domain: Set("elderly".into()),
        division_code: Set("150102".into()),
        league_code: Set(Some("150100".into())),
        county_code: Set(Some("150102".into())),
        budget_fen: Set(12_000_000),
        method: Set("open_tender".into()),
        eval_method: Set("comprehensive".into()),
        price_weight: Set(30),
        min_grade: Set(None),
        social_only: Set(false),
        allowed_leagues: Set(String::new()),
        min_years: Set(0),
        enquiry_deadline: Set(T0 - 20 * 86_400),
        bid_deadline: Set(T0 - 10 * 86_400),
        contract_months: Set(12),
        min_bids: Set(1),
        state: Set("awarded".into()),
        state_reason: Set(String::new()),
        published_at: Set(Some(T0 - 30 * 86_400)),
        opened_at: Set(Some(T0 - 10 * 86_400)),
        seq: Set(0),
        created_at: Set(T0 - 40 * 86_400),
        updated_at: Set(T0 - 10 * 86_400),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let contract = contracts::create_from_award(
        db,
        &ContractSeed {
            tender_id: t,
            unit_id: unit,
            org_id: org,
            value: Fen(10_000_000),
            supplier_is_social: true,
            division_code: "150102".into(),
            milestones: vec![
                ("首期".into(), 3000),
                ("中期".into(), 3000),
                ("末期".into(), 4000),
            ],
        },
        T0,
    )
    .await
    .unwrap();
    let ms: Vec<i64> = contracts::milestones(db, contract)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    let mut b = app.client();
    b.login("buyer@example.org", PW).await;
    let mut o = app.client();
    o.login("owner@example.org", PW).await;
    let page = format!("/contracts/{contract}");
    b.get(&page).await;
    o.get(&page).await;
    let ok = |r: common::Resp, what: &str| {
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{what}: {}",
            r.text(".error-msg")
        );
    };
    ok(
        b.post(&format!("{page}/sign"), &[("side", "buyer")]).await,
        "sign",
    );
    ok(
        o.post(&format!("{page}/sign"), &[("side", "supplier")])
            .await,
        "sign",
    );
    let report = [("report", "本期完成助餐服务2400人次，附签到表。")];
    ok(
        o.post(&format!("{page}/milestones/{}/report", ms[0]), &report)
            .await,
        "report",
    );
    ok(
        b.post(&format!("{page}/milestones/{}/accept", ms[0]), &[])
            .await,
        "accept",
    );
    ok(
        o.post(&format!("{page}/milestones/{}/report", ms[1]), &report)
            .await,
        "report",
    );
    (contract, ms)
}

/// Pays every milestone of the fixture's contract (after the table's cases ran: milestone
/// 0 accepted and maybe paid, 1 submitted and maybe returned, 2 maybe submitted).
async fn pay_all(app: &TestApp, b: &mut Client, o: &mut Client, contract: i64, ms: &[i64]) {
    let page = format!("/contracts/{contract}");
    b.get(&page).await;
    o.get(&page).await;
    let amounts = ["30000.00", "30000.00", "40000.00"];
    let report = [("report", "本期完成助餐服务2400人次，附签到表。")];
    for (i, m) in ms.iter().enumerate() {
        let state = scalar(
            app,
            &format!("SELECT state AS v FROM contract_milestones WHERE id = {m}"),
        )
        .await;
        if state == "paid" {
            continue;
        }
        if state != "accepted" {
            if state != "submitted" {
                o.post(&format!("{page}/milestones/{m}/report"), &report)
                    .await;
            }
            b.post(&format!("{page}/milestones/{m}/accept"), &[]).await;
        }
        let r = b
            .post(
                &format!("{page}/milestones/{m}/payment"),
                &[
                    ("amount", amounts[i]),
                    ("paid_on", "2026-11-27"),
                    ("reference", "国库集中支付"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "pay {i}: {}",
            r.text(".error-msg")
        );
    }
}

// ---------------------------------------------------------------------------------------
// Client address and slowing

/// Posts a log-in as if from `peer`, with an `X-Forwarded-For` header when given.
async fn login_from(
    c: &mut Client,
    peer: [u8; 4],
    xff: Option<&str>,
    email: &str,
    password: &str,
) -> common::Resp {
    if c.csrf.is_none() {
        c.get("/login").await;
    }
    let token = c.csrf.clone().unwrap_or_default();
    let body = serde_urlencoded::to_string([
        ("email", email),
        ("password", password),
        ("_csrf", token.as_str()),
    ])
    .unwrap();
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::COOKIE, cookies(c))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(x) = xff {
        req = req.header("x-forwarded-for", x);
    }
    let mut req = req.body(Body::from(body)).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((peer, 40_000))));
    let r = c.request(req).await;
    if r.status == StatusCode::SEE_OTHER {
        // Signed in: start the next attempt from a fresh session, as another person would.
        c.cookies.clear();
        c.csrf = None;
    }
    r
}

fn slow_config(source: &str) -> Config {
    Config {
        login_max_failures_per_ip: 3,
        login_ip_interval_secs: 2,
        client_ip_source: parse_client_ip_source(source).unwrap(),
        ..Config::default()
    }
}

#[tokio::test]
async fn with_the_socket_as_source_a_spoofed_forwarded_header_changes_nothing() {
    let app = TestApp::with_config(slow_config("socket")).await;
    let mut c = app.client();
    // Three failures from one socket, each claiming another address.
    for i in 0..3 {
        let spoof = format!("198.51.100.{i}");
        let r = login_from(
            &mut c,
            [192, 0, 2, 1],
            Some(&spoof),
            &format!("u{i}@example.org"),
            "x",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = login_from(
        &mut c,
        [192, 0, 2, 1],
        Some("198.51.100.99"),
        "u9@example.org",
        "x",
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "counted by socket");
    // Another socket is not slowed, whatever header it sends.
    let r = login_from(
        &mut c,
        [192, 0, 2, 2],
        Some("198.51.100.0"),
        "u9@example.org",
        "x",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn with_a_trusted_header_as_source_the_address_comes_from_it() {
    let app = TestApp::with_config(slow_config("X-Forwarded-For")).await;
    app.user("li@example.org", &[]).await;
    let mut c = app.client();
    // All through one proxy socket; the proxy appends the client's address last.
    for i in 0..3 {
        let r = login_from(
            &mut c,
            [10, 0, 0, 1],
            Some("198.51.100.7, 203.0.113.7"),
            &format!("u{i}@example.org"),
            "x",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = login_from(
        &mut c,
        [10, 0, 0, 1],
        Some("203.0.113.7"),
        "li@example.org",
        PW,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "slowed by header");
    // Same proxy socket, another client behind it: not slowed.
    let r = login_from(
        &mut c,
        [10, 0, 0, 1],
        Some("203.0.113.8"),
        "li@example.org",
        PW,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
}

/// A burst of failures from one shared address (an office behind one NAT) slows it down but
/// locks nobody out: people there still log in with their right passwords after a wait of
/// at most the interval, answered with 429 and a short `Retry-After`; the per-e-mail limit
/// still locks an account for minutes.
#[tokio::test]
async fn a_shared_address_is_slowed_never_locked() {
    let app = TestApp::with_config(Config {
        login_max_failures_per_ip: 5,
        login_ip_interval_secs: 2,
        ..Config::default()
    })
    .await;
    for i in 0..10 {
        app.user(&format!("staff{i}@example.org"), &[]).await;
    }
    let office = [192, 0, 2, 50];
    let mut attacker = app.client();
    let mut slowed = 0;
    for i in 0..40 {
        let r = login_from(
            &mut attacker,
            office,
            None,
            &format!("guess{i}@example.org"),
            "x",
        )
        .await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            slowed += 1;
        }
    }
    assert_eq!(slowed, 35, "after 5 failures in one instant the rest wait");
    for i in 0..10 {
        let mut c = app.client();
        let email = format!("staff{i}@example.org");
        let mut r = login_from(&mut c, office, None, &email, PW).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            let wait: i64 = r.headers[header::RETRY_AFTER]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=2).contains(&wait), "Retry-After {wait}");
            assert!(r.text(".form-errors").contains(&wait.to_string()));
            app.clock().advance(wait);
            r = login_from(&mut c, office, None, &email, PW).await;
        }
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{email}: {}",
            r.text(".form-errors")
        );
        // The attacker keeps trying in between.
        login_from(&mut attacker, office, None, "guess@example.org", "x").await;
    }
    // One account's limit is still a lock of minutes.
    let mut c = app.client();
    for _ in 0..5 {
        app.clock().advance(2);
        let r = login_from(&mut c, [192, 0, 2, 60], None, "staff0@example.org", "wrong").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    app.clock().advance(2);
    let r = login_from(&mut c, [192, 0, 2, 61], None, "staff0@example.org", PW).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text(".form-errors").contains("分钟后再试"));
    let wait: i64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 60, "{wait}");
}
