//! Donations (issue 13 point 5): campaigns by collecting foundations, the offline gateway
//! (pledge → confirm → receipt → donor list), the legal checks on opening a campaign, the
//! clock closing it, bad amounts, and the Stripe webhook (signatures, replays, rotation,
//! out-of-order events, refunds), an unreachable Stripe, and — when `STRIPE_API_BASE` is
//! set — the PaymentIntent flow against localstripe.

use crate::common;
#[path = "common/stripe_compat.rs"]
mod stripe_compat;

use crate::common::{PW, T0, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use civicbridge::accounts::OrgRole;
use civicbridge::payments::{self, PaymentSettings, model};
use civicbridge::web::config::Config;

const SECRET: &str = "whsec_test_secret";

/// A verified foundation owned by `owner`.
async fn foundation(app: &TestApp, owner: i64, n: u32, name: &str) -> i64 {
    let f = common::org_form_values(n, name);
    let form = civicbridge::orgs::rules::OrgForm {
        name: name.into(),
        uscc: civicbridge::orgs::rules::make_uscc('5', '3', "150102", &format!("MJ{n:07}"))
            .unwrap(),
        kind: "foundation".into(),
        registration_date: f["registration_date"].clone(),
        authority_level: f["authority_level"].clone(),
        div_league: f["div_league"].clone(),
        div_county: f["div_county"].clone(),
        domains: vec!["elderly".into()],
        staff_count: "8".into(),
        contact_name: "王芳".into(),
        contact_phone: f["contact_phone"].clone(),
        ..Default::default()
    };
    let d = civicbridge::orgs::rules::validate_org(
        &form,
        app.state.clock.today(),
        civicbridge::kernel::Lang::Zh,
    )
    .unwrap();
    let id = civicbridge::orgs::create(&app.state.db, &d, owner, T0)
        .await
        .unwrap();
    civicbridge::orgs::model::set_verification(
        &app.state.db,
        id,
        civicbridge::orgs::Verification::Verified,
    )
    .await
    .unwrap();
    id
}

/// An approved proposal (the demo call and proposals, one of them approved).
async fn approved_project(app: &TestApp) -> i64 {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db = &app.state.db;
    let buyer = app.user("buyer@example.org", &[]).await;
    let applicant = app.user("applicant@example.org", &[]).await;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft("呼和浩特市民政局", "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer, T0)
        .await
        .unwrap();
    let now = app.clock().now();
    civicbridge::app::seed::calls::run(db, buyer, now)
        .await
        .unwrap();
    civicbridge::app::seed::proposals::run(db, applicant, buyer, now)
        .await
        .unwrap();
    civicbridge::philanthropy::proposal_model::proposal::Entity::find()
        .filter(civicbridge::philanthropy::proposal_model::proposal::Column::State.eq("approved"))
        .one(db)
        .await
        .unwrap()
        .expect("an approved demo proposal")
        .id
}

struct Fixture {
    admin: common::Client,
    org: i64,
    project: i64,
}

const QUALIFICATION: &[(&str, &str)] = &[
    ("certificate_no", "内民慈募〔2024〕第0017号"),
    ("valid_from", "2024-01-01"),
    ("bank_name", "中国工商银行呼和浩特新华支行"),
    ("account_name", "测试慈善基金会"),
    ("account_no", "0602001209200123456"),
];

fn campaign_form(project: i64, plan: &str) -> Vec<(&'static str, String)> {
    vec![
        ("proposal_id", project.to_string()),
        ("goal", "50000".into()),
        ("plan_record_no", plan.into()),
        ("plan_from", "2026-11-01".into()),
        ("plan_to", "2027-01-31".into()),
    ]
}

async fn post(c: &mut common::Client, path: &str, f: &[(&'static str, String)]) -> common::Resp {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(path, &pairs).await
}

/// A foundation with its administrator signed in and an approved project; `qualified`
/// records the qualification through the page.
async fn fixture(app: &TestApp, qualified: bool) -> Fixture {
    let (mut admin, uid) = app.signed_in("foundation@example.org", &[]).await;
    let org = foundation(app, uid, 31, "测试慈善基金会").await;
    let project = approved_project(app).await;
    admin.get(&format!("/orgs/{org}/fundraising")).await;
    if qualified {
        let r = admin
            .post(
                &format!("/orgs/{org}/fundraising/qualification"),
                QUALIFICATION,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    Fixture {
        admin,
        org,
        project,
    }
}

/// Opens a campaign through the page; its id.
async fn open(app: &TestApp, f: &mut Fixture) -> i64 {
    let r = post(
        &mut f.admin,
        &format!("/orgs/{}/campaigns", f.org),
        &campaign_form(f.project, "53150000MJY0017A2026003"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.location().unwrap().to_string();
    let id: i64 = loc.trim_start_matches("/campaigns/").parse().unwrap();
    assert_eq!(app.count("campaigns").await, 1);
    id
}

/// Pledges as an anonymous visitor; the donation's reference.
async fn pledge(app: &TestApp, campaign: i64, name: &str, amount: &str, show: bool) -> String {
    let mut donor = app.client();
    donor.get(&format!("/campaigns/{campaign}")).await;
    let mut f = vec![("donor_name", name), ("amount", amount)];
    if show {
        f.push(("show_name", "1"));
    }
    let r = donor
        .post(&format!("/campaigns/{campaign}/donations"), &f)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .unwrap()
        .trim_start_matches("/donations/")
        .to_string()
}

async fn donation(app: &TestApp, reference: &str) -> model::Donation {
    model::by_reference(&app.state.db, reference)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn offline_pledge_is_confirmed_with_a_receipt_and_listed() {
    let app = TestApp::new().await;
    let mut f = fixture(&app, true).await;
    let c = open(&app, &mut f).await;
    let page = app.client().get(&format!("/campaigns/{c}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text("#plan-record")
            .contains("53150000MJY0017A2026003")
    );
    assert!(page.text("#foundation").contains("测试慈善基金会"));

    let named = pledge(&app, c, "李明", "500", true).await;
    let hidden = pledge(&app, c, "赵静", "200.50", false).await;
    // The donor's page shows the bank details and the reference as the memo.
    let mut donor = app.client();
    let p = donor.get(&format!("/donations/{named}")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text("#bank-transfer").contains("0602001209200123456"));
    assert!(p.text("#bank-transfer").contains(&named));
    assert!(p.text("#state").contains("等待付款"));
    // Nothing counts before the foundation confirms.
    let page = app.client().get(&format!("/campaigns/{c}")).await;
    assert!(page.text("#raised").contains("¥0.00"));
    assert_eq!(page.count(".donor-list li"), 0);
    // No receipt yet (nor its PDF).
    assert_eq!(
        donor
            .get(&format!("/donations/{named}/receipt"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        donor
            .get(&format!("/donations/{named}/receipt.pdf"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    for (reference, amount) in [(&named, "500"), (&hidden, "200.50")] {
        let d = donation(&app, reference).await;
        f.admin.get(&format!("/orgs/{}/fundraising", f.org)).await;
        let r = f
            .admin
            .post(
                &format!("/orgs/{}/donations/{}/confirm", f.org, d.id),
                &[("amount", amount), ("received_on", "2026-11-25")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let a = donation(&app, &named).await;
    let b = donation(&app, &hidden).await;
    assert_eq!(a.state, "succeeded");
    assert_eq!(a.receipt_no.as_deref(), Some("2026-000001"));
    assert_eq!(b.receipt_no.as_deref(), Some("2026-000002"));
    assert_eq!(b.amount_fen, 20_050);
    let receipt = donor.get(&format!("/donations/{named}/receipt")).await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert!(receipt.text("#receipt-no").contains("2026-000001"));
    assert!(receipt.text("#donor").contains("李明"));
    // The receipt as a PDF, linked from the page: the same facts with the Chinese names
    // embedded, in either language, on the page's terms (no receipt yet or no such
    // reference: 404).
    let link = receipt
        .doc()
        .select(&scraper::Selector::parse("a.receipt-pdf").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .expect("a link to the PDF");
    assert_eq!(link, format!("/donations/{named}/receipt.pdf?lang=zh-CN"));
    let zh_pdf = donor.get(&link).await;
    assert_eq!(
        zh_pdf.headers.get("cache-control").unwrap(),
        "private, no-store"
    );
    let zh = zh_pdf.pdf_text();
    for s in [
        "捐赠票据",
        "2026-000001",
        "李明",
        "¥500.00",
        "测试慈善基金会",
        "53150000MJY0017A2026003",
        &format!("/donations/{named}/receipt"),
    ] {
        assert!(zh.contains(s), "{s} in {zh}");
    }
    let en = app
        .client()
        .get(&format!("/donations/{named}/receipt.pdf?lang=en"))
        .await
        .pdf_text();
    assert!(en.contains("李明") && en.contains("2026-000001"), "{en}");
    assert!(!en.contains("捐赠票据"), "{en}");
    for p in [
        "/donations/NOPE-000000/receipt.pdf".to_string(),
        format!("/donations/{}/receipt.pdf", "x".repeat(60)),
    ] {
        assert_eq!(donor.get(&p).await.status, StatusCode::NOT_FOUND, "{p}");
    }
    // The public list names only the donor who agreed.
    let page = app.client().get(&format!("/campaigns/{c}?lang=en")).await;
    assert!(
        page.text("#raised").contains("¥700.50"),
        "{}",
        page.text("#raised")
    );
    let donors = page.text(".donor-list");
    assert!(donors.contains("李明"));
    assert!(!donors.contains("赵静"));
    assert!(donors.contains("Anonymous donor"));
    // Confirming twice changes nothing (422, still one receipt each).
    let r = f
        .admin
        .post(
            &format!("/orgs/{}/donations/{}/confirm", f.org, a.id),
            &[("amount", "500"), ("received_on", "2026-11-25")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An offline refund is recorded.
    let r = f
        .admin
        .post(
            &format!("/orgs/{}/donations/{}/refund", f.org, a.id),
            &[("refund_amount", "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = donation(&app, &named).await;
    assert_eq!((a.state.as_str(), a.refunded_fen), ("refunded", 10_000));
    let r = f
        .admin
        .post(
            &format!("/orgs/{}/donations/{}/refund", f.org, a.id),
            &[("refund_amount", "401")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(donation(&app, &named).await.refunded_fen, 10_000);

    // Others: another organization's administrator is refused, a platform administrator
    // too (separation of duties), and another foundation's donation is "not found".
    let (mut other, other_uid) = app.signed_in("other@example.org", &[]).await;
    let other_org = foundation(&app, other_uid, 32, "另一家基金会").await;
    assert_eq!(
        other
            .get(&format!("/orgs/{}/fundraising", f.org))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let (mut root, _) = app
        .signed_in("root@example.org", &[civicbridge::accounts::Role::Admin])
        .await;
    assert_eq!(
        root.get(&format!("/orgs/{}/fundraising", f.org))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    other.get(&format!("/orgs/{other_org}/fundraising")).await;
    let r = other
        .post(
            &format!("/orgs/{other_org}/donations/{}/confirm", b.id),
            &[("amount", "1"), ("received_on", "2026-11-25")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A member who is not an administrator is refused.
    let member = app.user("member@example.org", &[]).await;
    app.add_member(f.org, member, OrgRole::Member).await;
    let mut m = app.client();
    m.login("member@example.org", PW).await;
    assert_eq!(
        m.get(&format!("/orgs/{}/fundraising", f.org)).await.status,
        StatusCode::FORBIDDEN
    );
    // A reference nobody was given is "not found".
    assert_eq!(
        app.client()
            .get("/donations/0123456789abcdef01234567")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The public list shows the campaign.
    let list = app.client().get("/campaigns").await;
    assert_eq!(list.count(".campaigns-table tbody tr"), 1);
}

#[tokio::test]
async fn a_campaign_needs_the_qualification_and_a_filed_plan() {
    let app = TestApp::new().await;
    let mut f = fixture(&app, false).await;
    let path = format!("/orgs/{}/campaigns", f.org);
    let r = post(
        &mut f.admin,
        &path,
        &campaign_form(f.project, "53150000MJY0017A2026003"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#qualification-error").contains("公开募捐资格"),
        "{}",
        r.body
    );
    // The typed values are kept.
    assert_eq!(
        r.value("input[name=plan_record_no]").as_deref(),
        Some("53150000MJY0017A2026003")
    );
    assert_eq!(app.count("campaigns").await, 0);
    // Qualification with a missing field: 422 next to it, nothing recorded.
    let r = f
        .admin
        .post(
            &format!("/orgs/{}/fundraising/qualification", f.org),
            &[("certificate_no", ""), ("valid_from", "2024-01-01")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("certificate_no-error"));
    assert_eq!(app.count("fundraising_qualifications").await, 0);
    let r = f
        .admin
        .post(
            &format!("/orgs/{}/fundraising/qualification", f.org),
            QUALIFICATION,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Without the plan's record number: 422 naming it.
    let r = post(&mut f.admin, &path, &campaign_form(f.project, "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("募捐方案备案编号"));
    // A project that is not approved.
    let r = post(&mut f.admin, &path, &campaign_form(999_999, "X-1")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("campaigns").await, 0);
    // A social service agency (not a foundation) cannot record a qualification.
    let (mut agency_admin, uid) = app.signed_in("agency@example.org", &[]).await;
    let agency = app.org(uid, 33, "社工服务中心").await;
    agency_admin
        .get(&format!("/orgs/{agency}/fundraising"))
        .await;
    let r = agency_admin
        .post(
            &format!("/orgs/{agency}/fundraising/qualification"),
            QUALIFICATION,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("fundraising_qualifications").await, 1);
    // Now it opens.
    open(&app, &mut f).await;
}

#[tokio::test]
async fn the_clock_closes_a_campaign_and_bad_amounts_are_refused() {
    let app = TestApp::new().await;
    let mut f = fixture(&app, true).await;
    let c = open(&app, &mut f).await;
    let mut donor = app.client();
    donor.get(&format!("/campaigns/{c}")).await;
    for bad in ["0", "-5", "", "abc", "0.001"] {
        let r = donor
            .post(
                &format!("/campaigns/{c}/donations"),
                &[("donor_name", "张三"), ("amount", bad)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(r.body.contains("amount-error"), "{bad}");
        assert_eq!(r.value("input[name=donor_name]").as_deref(), Some("张三"));
    }
    assert_eq!(app.count("donations").await, 0);
    // Nothing closes before the plan ends.
    assert_eq!(
        civicbridge::app::jobs::close_due_campaigns(&app.state)
            .await
            .unwrap(),
        0
    );
    // 2027-01-31 is the last day: the campaign closes at the midnight after it.
    let end = payments::rules::parse_date("2027-02-01").unwrap();
    app.clock().advance(end - app.clock().now());
    // Even before the job runs, the period decides.
    let r = donor
        .post(
            &format!("/campaigns/{c}/donations"),
            &[("donor_name", "张三"), ("amount", "10")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        civicbridge::app::jobs::close_due_campaigns(&app.state)
            .await
            .unwrap(),
        1
    );
    let camp = model::campaign(&app.state.db, c).await.unwrap().unwrap();
    assert_eq!(camp.state, "closed");
    let page = donor.get(&format!("/campaigns/{c}")).await;
    assert_eq!(page.count("form.donate-form"), 0);
    assert!(page.text("#campaign-state").contains("已结束"));
    let r = donor
        .post(
            &format!("/campaigns/{c}/donations"),
            &[("donor_name", "张三"), ("amount", "10")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("donations").await, 0);
}

fn stripe_config(base: &str, secrets: &[&str]) -> Config {
    Config {
        payments: PaymentSettings {
            stripe_secret_key: Some("sk_test_123".into()),
            webhook_secrets: secrets.iter().map(|s| s.to_string()).collect(),
            api_base: base.into(),
            ..Default::default()
        },
        ..Config::default()
    }
}

/// A closed port: nothing listens there.
const CLOSED: &str = "http://127.0.0.1:9";

fn event(id: &str, kind: &str, object: serde_json::Value) -> String {
    serde_json::json!({ "id": id, "object": "event", "type": kind, "data": { "object": object } })
        .to_string()
}

fn signature(secret: &str, t: i64, body: &str) -> String {
    format!(
        "t={t},v1={}",
        payments::rules::sign(secret, t, body.as_bytes())
    )
}

async fn deliver(app: &TestApp, body: &str, sig: Option<&str>) -> common::Resp {
    let mut b = Request::post("/webhooks/stripe").header(header::CONTENT_TYPE, "application/json");
    if let Some(s) = sig {
        b = b.header("stripe-signature", s);
    }
    app.client()
        .request(b.body(Body::from(body.to_string())).unwrap())
        .await
}

/// A Stripe donation whose PaymentIntent is `pi` (Stripe being unreachable in these tests,
/// the intent is recorded as Stripe would have answered).
async fn stripe_donation(app: &TestApp, campaign: i64, pi: &str) -> String {
    let reference = pledge(app, campaign, "陈晨", "100", true).await;
    let d = donation(app, &reference).await;
    assert_eq!((d.gateway.as_str(), d.gateway_error), ("stripe", true));
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.state.db,
        &format!(
            "UPDATE donations SET payment_intent = '{pi}', gateway_error = false WHERE id = {}",
            d.id
        ),
    )
    .await
    .unwrap();
    reference
}

#[tokio::test]
async fn unreachable_stripe_tells_the_donor_and_records_nothing_paid() {
    let app = TestApp::with_config(stripe_config(CLOSED, &[SECRET])).await;
    let mut f = fixture(&app, true).await;
    let c = open(&app, &mut f).await;
    let reference = pledge(&app, c, "陈晨", "100", true).await;
    let d = donation(&app, &reference).await;
    assert_eq!(d.state, "pending");
    assert!(d.payment_intent.is_none() && d.gateway_error);
    let page = app.client().get(&format!("/donations/{reference}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("#gateway-error").contains("支付服务暂时无法连接"));
    // No Stripe.js without an intent, and the page keeps the site's own policy.
    assert!(!page.body.contains("js.stripe.com"));
    let campaign = app.client().get(&format!("/campaigns/{c}")).await;
    assert_eq!(campaign.status, StatusCode::OK);
    assert!(campaign.text("#raised").contains("¥0.00"));
    // Reconciliation reports the unreachable service, not a crash.
    let r = f
        .admin
        .get(&format!("/orgs/{}/fundraising/reconciliation", f.org))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn a_webhook_replayed_ten_times_credits_once() {
    let app = TestApp::with_config(stripe_config(CLOSED, &[SECRET])).await;
    let mut f = fixture(&app, true).await;
    let c = open(&app, &mut f).await;
    let reference = stripe_donation(&app, c, "pi_replay").await;
    let body = event(
        "evt_replay",
        "payment_intent.succeeded",
        serde_json::json!({ "id": "pi_replay", "object": "payment_intent", "amount": 10_000, "status": "succeeded" }),
    );
    for _ in 0..10 {
        let sig = signature(SECRET, app.clock().now(), &body);
        let r = deliver(&app, &body, Some(&sig)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let d = donation(&app, &reference).await;
    assert_eq!(d.state, "succeeded");
    assert_eq!(d.receipt_no.as_deref(), Some("2026-000001"));
    assert_eq!(app.count("stripe_events").await, 1);
    let q = model::qualification_of(&app.state.db, f.org)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(q.receipt_seq, 1, "one receipt number taken");
    let page = app.client().get(&format!("/campaigns/{c}")).await;
    assert!(page.text("#raised").contains("¥100.00"));
    // Stripe cannot be asked here: the nightly reconciliation reports that donation.
    assert_eq!(
        civicbridge::app::jobs::reconcile_payments(&app.state)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn bad_stale_and_missing_signatures_are_refused_and_change_nothing() {
    let app = TestApp::with_config(stripe_config(CLOSED, &[SECRET])).await;
    let mut f = fixture(&app, true).await;
    let c = open(&app, &mut f).await;
    let reference = stripe_donation(&app, c, "pi_sig").await;
    let body = event(
        "evt_sig",
        "payment_intent.succeeded",
        serde_json::json!({ "id": "pi_sig" }),
    );
    let now = app.clock().now();
    let good = signature(SECRET, now, &body);
    let cases: Vec<(&str, Option<String>, String)> = vec![
        ("missing", None, body.clone()),
        ("empty", Some(String::new()), body.clone()),
        (
            "wrong secret",
            Some(signature("whsec_other", now, &body)),
            body.clone(),
        ),
        (
            "stale",
            Some(signature(SECRET, now - 301, &body)),
            body.clone(),
        ),
        (
            "future",
            Some(signature(SECRET, now + 301, &body)),
            body.clone(),
        ),
        (
            "body changed",
            Some(good.clone()),
            body.replace("pi_sig", "pi_other"),
        ),
        ("no v1", Some(format!("t={now}")), body.clone()),
        ("v0 only", Some(good.replace("v1=", "v0=")), body.clone()),
    ];
    for (name, sig, b) in cases {
        let r = deliver(&app, &b, sig.as_deref()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}");
    }
    assert_eq!(app.count("stripe_events").await, 0);
    assert_eq!(donation(&app, &reference).await.state, "pending");
    // Within the tolerance it passes.
    let r = deliver(&app, &body, Some(&signature(SECRET, now - 299, &body))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(donation(&app, &reference).await.state, "succeeded");
}

#[tokio::test]
async fn two_signatures_during_a_rotation_are_accepted() {
    // The server knows the new secret only; Stripe signs with the old and the new.
    let app = TestApp::with_config(stripe_config(CLOSED, &["whsec_new"])).await;
    let mut f = fixture(&app, true).await;
    let c = open(&app, &mut f).await;
    let reference = stripe_donation(&app, c, "pi_rot").await;
    let body = event(
        "evt_rot",
        "payment_intent.succeeded",
        serde_json::json!({ "id": "pi_rot" }),
    );
    let t = app.clock().now();
    let old = payments::rules::sign("whsec_old", t, body.as_bytes());
    let new = payments::rules::sign("whsec_new", t, body.as_bytes());
    let r = deliver(&app, &body, Some(&format!("t={t},v1={old},v1={new}"))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(donation(&app, &reference).await.state, "succeeded");
    // And a server holding both secrets accepts a body signed with the old one alone.
    let app2 = TestApp::with_config(stripe_config(CLOSED, &["whsec_new", "whsec_old"])).await;
    let body2 = event("evt_x", "customer.created", serde_json::json!({}));
    let old2 = payments::rules::sign("whsec_old", t, body2.as_bytes());
    let r = deliver(&app2, &body2, Some(&format!("t={t},v1={old2}"))).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn events_out_of_order_end_in_the_right_state() {
    let app = TestApp::with_config(stripe_config(CLOSED, &[SECRET])).await;
    let mut f = fixture(&app, true).await;
    let c = open(&app, &mut f).await;
    let reference = stripe_donation(&app, c, "pi_ooo").await;
    let t = app.clock().now();
    let refund = event(
        "evt_ooo_refund",
        "charge.refunded",
        serde_json::json!({ "id": "ch_1", "object": "charge", "payment_intent": "pi_ooo", "amount_refunded": 3_000 }),
    );
    let success = event(
        "evt_ooo_ok",
        "payment_intent.succeeded",
        serde_json::json!({ "id": "pi_ooo" }),
    );
    let failure = event(
        "evt_ooo_fail",
        "payment_intent.payment_failed",
        serde_json::json!({ "id": "pi_ooo" }),
    );
    // The refund arrives first: kept, the donation still pending (nothing counted).
    assert_eq!(
        deliver(&app, &refund, Some(&signature(SECRET, t, &refund)))
            .await
            .status,
        StatusCode::OK
    );
    let d = donation(&app, &reference).await;
    assert_eq!((d.state.as_str(), d.refunded_fen), ("pending", 3_000));
    // Then the success: paid, with the refund applied.
    assert_eq!(
        deliver(&app, &success, Some(&signature(SECRET, t, &success)))
            .await
            .status,
        StatusCode::OK
    );
    // Then a stale failure: no regression.
    assert_eq!(
        deliver(&app, &failure, Some(&signature(SECRET, t, &failure)))
            .await
            .status,
        StatusCode::OK
    );
    let d = donation(&app, &reference).await;
    assert_eq!((d.state.as_str(), d.refunded_fen), ("refunded", 3_000));
    assert!(d.receipt_no.is_some());
    let page = app.client().get(&format!("/campaigns/{c}")).await;
    assert!(
        page.text("#raised").contains("¥70.00"),
        "{}",
        page.text("#raised")
    );
}

#[tokio::test]
async fn a_refund_webhook_moves_a_paid_donation() {
    let app = TestApp::with_config(stripe_config(CLOSED, &[SECRET])).await;
    let mut f = fixture(&app, true).await;
    let c = open(&app, &mut f).await;
    let reference = stripe_donation(&app, c, "pi_ref").await;
    let t = app.clock().now();
    let success = event(
        "evt_ref_ok",
        "payment_intent.succeeded",
        serde_json::json!({ "id": "pi_ref" }),
    );
    deliver(&app, &success, Some(&signature(SECRET, t, &success))).await;
    // A Stripe refund asked while Stripe is unreachable: the foundation is told, nothing moves.
    let d = donation(&app, &reference).await;
    f.admin.get(&format!("/orgs/{}/fundraising", f.org)).await;
    let r = f
        .admin
        .post(
            &format!("/orgs/{}/donations/{}/refund", f.org, d.id),
            &[("refund_amount", "40")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(donation(&app, &reference).await.refunded_fen, 0);
    for (id, total) in [
        ("evt_ref_1", 4_000),
        ("evt_ref_2", 10_000),
        ("evt_ref_1", 4_000),
    ] {
        let body = event(
            id,
            "charge.refunded",
            serde_json::json!({ "id": "ch_r", "payment_intent": "pi_ref", "amount_refunded": total }),
        );
        let r = deliver(&app, &body, Some(&signature(SECRET, t, &body))).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let d = donation(&app, &reference).await;
    assert_eq!((d.state.as_str(), d.refunded_fen), ("refunded", 10_000));
    assert_eq!(app.count("stripe_events").await, 3);
}

/// Stripe delivers at least once, from many machines at once: 200 deliveries (30% of them
/// duplicates) from 20 concurrent senders, a sender retrying on anything but 200 as Stripe
/// does, some refunds arriving before their success. Every donation ends credited exactly
/// once: one receipt number each, none twice, each event recorded once, the raised total
/// exact. (`benches/webhooks.rs` runs the same at 1,000 deliveries from 50 senders.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicate_deliveries_credit_once() {
    use rand::SeedableRng;
    use rand::seq::{IndexedRandom, SliceRandom};
    use tower::ServiceExt;

    const DONATIONS: usize = 120;
    const REFUNDED: usize = 20;
    const DELIVERIES: usize = 200;
    const SENDERS: usize = 20;
    let app = TestApp::with_config(stripe_config(CLOSED, &[SECRET])).await;
    let mut f = fixture(&app, true).await;
    let c = open(&app, &mut f).await;
    let campaign = model::campaign(&app.state.db, c).await.unwrap().unwrap();
    let now = app.clock().now();
    let mut events = Vec::new();
    for i in 0..DONATIONS {
        let draft = payments::PledgeDraft {
            donor_name: format!("捐赠人{i}"),
            show_name: true,
            amount: civicbridge::kernel::money::Fen(10_000),
        };
        let d = payments::pledge(
            &app.state.db,
            &campaign,
            &draft,
            payments::GatewayKind::Stripe,
            &format!("burst{i:04}"),
            now,
        )
        .await
        .unwrap()
        .unwrap();
        let pi = format!("pi_burst{i:04}");
        model::set_intent(&app.state.db, d.id, Some((&pi, "secret")), now)
            .await
            .unwrap();
        events.push(event(
            &format!("evt_ok_{i}"),
            "payment_intent.succeeded",
            serde_json::json!({ "id": pi, "object": "payment_intent", "status": "succeeded" }),
        ));
        if i < REFUNDED {
            events.push(event(
                &format!("evt_refund_{i}"),
                "charge.refunded",
                serde_json::json!({ "id": format!("ch_{i}"), "object": "charge",
                    "payment_intent": pi, "amount_refunded": 2_000 }),
            ));
        }
    }
    let unique = events.len();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(13);
    let mut deliveries = events.clone();
    while deliveries.len() < DELIVERIES {
        deliveries.push(events.choose(&mut rng).unwrap().clone());
    }
    deliveries.shuffle(&mut rng);
    assert_eq!(
        deliveries.len() - unique,
        DELIVERIES * 3 / 10,
        "30% duplicates"
    );

    let mut senders = Vec::new();
    for k in 0..SENDERS {
        let mine: Vec<String> = deliveries
            .iter()
            .skip(k)
            .step_by(SENDERS)
            .cloned()
            .collect();
        let router = app.router.clone();
        senders.push(tokio::spawn(async move {
            let mut retries = 0;
            for body in mine {
                loop {
                    let sig = signature(SECRET, now, &body);
                    let req = Request::post("/webhooks/stripe")
                        .header(header::CONTENT_TYPE, "application/json")
                        .header("stripe-signature", sig)
                        .body(Body::from(body.clone()))
                        .unwrap();
                    let status = router.clone().oneshot(req).await.unwrap().status();
                    if status == StatusCode::OK {
                        break;
                    }
                    retries += 1;
                    assert!(retries < 1_000, "a delivery never succeeded: {status}");
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
            }
            retries
        }));
    }
    for s in senders {
        s.await.unwrap();
    }

    assert_eq!(
        app.count("stripe_events").await,
        unique as i64,
        "each event once"
    );
    let ds = model::donations_of(&app.state.db, c).await.unwrap();
    assert_eq!(ds.len(), DONATIONS);
    let mut receipts: Vec<&str> = ds.iter().filter_map(|d| d.receipt_no.as_deref()).collect();
    receipts.sort_unstable();
    receipts.dedup();
    assert_eq!(
        receipts.len(),
        DONATIONS,
        "one receipt each, none twice: none lost"
    );
    let refunded = ds
        .iter()
        .filter(|d| (d.state.as_str(), d.refunded_fen) == ("refunded", 2_000))
        .count();
    let succeeded = ds.iter().filter(|d| d.state == "succeeded").count();
    assert_eq!((succeeded, refunded), (DONATIONS - REFUNDED, REFUNDED));
    let q = model::qualification_of(&app.state.db, f.org)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        q.receipt_seq, DONATIONS as i64,
        "no receipt number taken twice"
    );
    let page = app.client().get(&format!("/campaigns/{c}")).await;
    assert!(
        page.text("#raised").contains("¥11,600.00"),
        "{}",
        page.text("#raised")
    );
}

/// Against localstripe (`STRIPE_API_BASE`, e.g. http://127.0.0.1:8420), through the
/// test-only compatibility proxy (`common/stripe_compat.rs`: it fills the fields
/// async-stripe requires and localstripe omits): a PaymentIntent made through the app with
/// its idempotency key, confirmed at localstripe as the browser would with the test card,
/// then the `payment_intent.succeeded` event (signed here: localstripe cannot post to this
/// in-process app) makes the donation paid; a refund asked by the foundation reaches
/// localstripe, the reconciliation sees it until the `charge.refunded` webhook (which
/// localstripe never sends: signed here too) moves the ledger.
#[tokio::test]
async fn localstripe_payment_intent_flow() {
    let Ok(base) = std::env::var("STRIPE_API_BASE") else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true but STRIPE_API_BASE is not set: localstripe must run in CI");
        }
        eprintln!("skipped: STRIPE_API_BASE is not set (start localstripe --port 8420)");
        return;
    };
    let compat = stripe_compat::start(&base).await;
    let app = TestApp::with_config(stripe_config(&compat.url, &[SECRET])).await;
    let mut f = fixture(&app, true).await;
    let c = open(&app, &mut f).await;
    let reference = pledge(&app, c, "陈晨", "100", true).await;
    let d = donation(&app, &reference).await;
    assert!(!d.gateway_error, "localstripe at {base} did not answer");
    let pi = d.payment_intent.clone().expect("a PaymentIntent");
    assert!(pi.starts_with("pi_"), "{pi}");
    assert!(d.client_secret.is_some());
    let create = stripe_compat::Seen {
        call: "POST /v1/payment_intents".into(),
        idempotency_key: Some(format!("donation-{reference}")),
    };
    assert!(compat.seen().contains(&create), "{:?}", compat.seen());
    let page = app.client().get(&format!("/donations/{reference}")).await;
    assert!(page.text("#waiting").contains("等待付款确认"));
    // The browser's part, through the same client library: attach the test card, then
    // confirm (localstripe takes the card in an update, not in the confirm call).
    let stripe = stripe::ClientBuilder::new("sk_test_123")
        .url(format!("{}/", compat.url))
        .build()
        .unwrap();
    let attached = stripe_core::payment_intent::UpdatePaymentIntent::new(pi.as_str())
        .payment_method("pm_card_visa")
        .send(&stripe)
        .await
        .unwrap();
    assert_eq!(attached.status.as_str(), "requires_confirmation");
    let confirmed = stripe_core::payment_intent::ConfirmPaymentIntent::new(pi.as_str())
        .send(&stripe)
        .await
        .unwrap();
    assert_eq!(confirmed.status.as_str(), "succeeded");
    // Still pending: only a verified webhook moves it.
    assert_eq!(donation(&app, &reference).await.state, "pending");
    let body = event(
        "evt_local_1",
        "payment_intent.succeeded",
        serde_json::json!({
            "id": pi, "object": "payment_intent", "status": "succeeded",
            "amount": confirmed.amount, "amount_received": confirmed.amount_received,
        }),
    );
    let r = deliver(
        &app,
        &body,
        Some(&signature(SECRET, app.clock().now(), &body)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let d = donation(&app, &reference).await;
    assert_eq!(d.state, "succeeded");
    assert!(d.receipt_no.is_some());
    // The reconciliation agrees with localstripe.
    let r = f
        .admin
        .get(&format!("/orgs/{}/fundraising/reconciliation", f.org))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("#no-differences"), 1, "{}", r.body);
    assert_eq!(
        civicbridge::app::jobs::reconcile_payments(&app.state)
            .await
            .unwrap(),
        0
    );

    // The foundation refunds ¥30: asked of localstripe with an idempotency key per
    // running total; the ledger waits for the webhook.
    f.admin.get(&format!("/orgs/{}/fundraising", f.org)).await;
    let r = f
        .admin
        .post(
            &format!("/orgs/{}/donations/{}/refund", f.org, d.id),
            &[("refund_amount", "30")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let refund = stripe_compat::Seen {
        call: "POST /v1/refunds".into(),
        idempotency_key: Some(format!("refund-{reference}-3000")),
    };
    assert!(compat.seen().contains(&refund), "{:?}", compat.seen());
    assert_eq!(donation(&app, &reference).await.refunded_fen, 0);
    // Stripe has refunded, the ledger not yet: the reconciliation lists the difference.
    assert_eq!(
        civicbridge::app::jobs::reconcile_payments(&app.state)
            .await
            .unwrap(),
        1
    );
    let body = event(
        "evt_local_2",
        "charge.refunded",
        serde_json::json!({
            "id": "ch_local", "object": "charge", "payment_intent": pi, "amount_refunded": 3_000,
        }),
    );
    let r = deliver(
        &app,
        &body,
        Some(&signature(SECRET, app.clock().now(), &body)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let d = donation(&app, &reference).await;
    assert_eq!((d.state.as_str(), d.refunded_fen), ("refunded", 3_000));
    assert_eq!(
        civicbridge::app::jobs::reconcile_payments(&app.state)
            .await
            .unwrap(),
        0
    );
    let page = app.client().get(&format!("/campaigns/{c}")).await;
    assert!(
        page.text("#raised").contains("¥70.00"),
        "{}",
        page.text("#raised")
    );
}
