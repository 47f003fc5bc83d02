//! Integration tests of contracts through HTTP: signatures (and the procurement block),
//! milestones from delivery report to payment, completion with a rating, who sees delivery
//! reports, and the audit trail. The contract fixture is created directly with
//! `contracts::create_from_award`, as the procurement room does at award time.

use crate::common::{Client, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::contracts::{self, ContractSeed};
use civicbridge::kernel::money::Fen;
use civicbridge::procurement::model::{award, bid, tender};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Statement};

const DAY: i64 = 86_400;

struct Fixture {
    buyer: Client,
    supplier: Client,
    contract: i64,
    tender: i64,
    org: i64,
    /// Milestone ids in order.
    ms: Vec<i64>,
}

async fn make_tender(app: &TestApp, unit: i64, state: &str) -> i64 {
    tender::ActiveModel {
        unit_id: Set(unit),
        created_by: Set(None),
        title: Set("新城区社区居家养老服务项目".into()),
        description: Set("为辖区老人提供助餐、助浴和探访服务。".into()),
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
        enquiry_deadline: Set(T0 - 20 * DAY),
        bid_deadline: Set(T0 - 10 * DAY),
        contract_months: Set(12),
        min_bids: Set(1),
        state: Set(state.into()),
        state_reason: Set(String::new()),
        published_at: Set(Some(T0 - 30 * DAY)),
        opened_at: Set(Some(T0 - 10 * DAY)),
        seq: Set(0),
        created_at: Set(T0 - 40 * DAY),
        updated_at: Set(T0 - 10 * DAY),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap()
    .id
}

/// A purchasing unit with a buyer, an organization with its administrator, an awarded
/// tender without an award row (so no signing block) and its pending contract of
/// ¥100,000.01 in three milestones (30/30/40%).
async fn fixture(app: &TestApp) -> Fixture {
    let db = &app.state.db;
    let (buyer, buyer_id) = app.signed_in("buyer@example.org", &[]).await;
    let draft = civicbridge::units::rules::draft("新城区民政局", "150102").unwrap();
    let unit = civicbridge::units::model::create(db, &draft, T0)
        .await
        .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer_id, T0)
        .await
        .unwrap();
    let (supplier, owner) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区阳光养老服务中心").await;
    let tender = make_tender(app, unit, "awarded").await;
    let contract = contracts::create_from_award(
        db,
        &ContractSeed {
            tender_id: tender,
            unit_id: unit,
            org_id: org,
            value: Fen(10_000_001),
            supplier_is_social: true,
            division_code: "150102".into(),
            milestones: vec![
                ("首期：服务启动".into(), 3000),
                ("中期：服务过半".into(), 3000),
                ("末期：服务完成".into(), 4000),
            ],
        },
        T0,
    )
    .await
    .unwrap();
    let ms = contracts::milestones(db, contract)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    Fixture {
        buyer,
        supplier,
        contract,
        tender,
        org,
        ms,
    }
}

async fn scalar(app: &TestApp, sql: &str) -> String {
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

async fn contract_state(app: &TestApp, id: i64) -> String {
    scalar(
        app,
        &format!("SELECT state AS v FROM contracts WHERE id = {id}"),
    )
    .await
}

async fn milestone_state(app: &TestApp, id: i64) -> String {
    scalar(
        app,
        &format!("SELECT state AS v FROM contract_milestones WHERE id = {id}"),
    )
    .await
}

async fn tender_state(app: &TestApp, id: i64) -> String {
    scalar(
        app,
        &format!("SELECT state AS v FROM tenders WHERE id = {id}"),
    )
    .await
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    scalar(
        app,
        &format!("SELECT id AS v FROM users WHERE email = '{email}'"),
    )
    .await
    .parse()
    .unwrap()
}

async fn audit_count(app: &TestApp) -> i64 {
    app.count("audit_events").await
}

/// Posts and expects the redirect back to the contract page, with one more audit entry.
async fn ok_post(app: &TestApp, c: &mut Client, path: &str, fields: &[(&str, &str)]) {
    let before = audit_count(app).await;
    let r = c.post(path, fields).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{path}: {} {}",
        r.text(".flash"),
        r.text(".error-msg")
    );
    assert!(r.location().unwrap().starts_with("/contracts/"), "{path}");
    assert!(
        audit_count(app).await > before,
        "{path} left no audit entry"
    );
}

async fn sign_both(app: &TestApp, f: &mut Fixture) {
    let path = format!("/contracts/{}/sign", f.contract);
    f.buyer.get(&format!("/contracts/{}", f.contract)).await;
    ok_post(app, &mut f.buyer, &path, &[("side", "buyer")]).await;
    f.supplier.get(&format!("/contracts/{}", f.contract)).await;
    ok_post(app, &mut f.supplier, &path, &[("side", "supplier")]).await;
}

fn mpath(contract: i64, ms: &[i64], i: usize, what: &str) -> String {
    format!("/contracts/{contract}/milestones/{}/{what}", ms[i])
}

const REPORT: &str = "本期为辖区120位老人提供助餐服务2400人次、上门探访360人次，附签到表。";

#[tokio::test]
async fn both_sides_sign_and_the_contract_becomes_active() {
    let app = TestApp::new().await;
    let mut f = fixture(&app).await;
    let page = format!("/contracts/{}", f.contract);
    let sign = format!("/contracts/{}/sign", f.contract);

    // The public page, for anyone.
    let mut anon = app.client();
    let r = anon.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text("dl.props").contains("¥100,000.01"),
        "{}",
        r.text("dl.props")
    );
    assert!(r.text("dl.props").contains("新城区阳光养老服务中心"));
    assert!(r.text("dl.props").contains("新城区民政局"));
    assert!(r.text(".page-head").contains("待签署"));
    // The milestone amounts add up to the value exactly.
    let ms = r.text("table.milestones tbody");
    for amount in ["¥30,000.00", "¥40,000.01"] {
        assert!(ms.contains(amount), "{ms}");
    }
    // The row number is a narrow ordinal column, not the generic first column's 9em.
    assert_eq!(
        r.count("table.milestones td.ordinal:first-child"),
        r.count("table.milestones tbody tr")
    );
    assert_eq!(r.count("table.milestones th.ordinal:first-child"), 1);
    assert_eq!(
        r.count("form[action$='/sign']"),
        0,
        "no sign form for the public"
    );

    // The parties see their own sign form only.
    let r = f.buyer.get(&page).await;
    assert_eq!(r.count("form[action$='/sign'] input[value=buyer]"), 1);
    assert_eq!(r.count("form[action$='/sign'] input[value=supplier]"), 0);

    // Anyone else is refused, for either side; nothing is written.
    let before = audit_count(&app).await;
    let (mut stranger, _) = app.signed_in("stranger@example.org", &[]).await;
    for side in ["buyer", "supplier", ""] {
        let r = stranger.post(&sign, &[("side", side)]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{side}");
    }
    // An administrator of another organization, a regulator: no either.
    let (mut regulator, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator, Role::Admin])
        .await;
    let r = regulator.post(&sign, &[("side", "buyer")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The supplier may not sign for the buyer.
    let r = f.supplier.post(&sign, &[("side", "buyer")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Anonymous visitors are sent to log in.
    let r = anon.post(&sign, &[("side", "buyer")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location().unwrap().starts_with("/login"),
        "{:?}",
        r.location()
    );
    assert_eq!(audit_count(&app).await, before, "refusals write nothing");
    assert_eq!(contract_state(&app, f.contract).await, "pending");

    // The buyer signs: still pending.
    f.buyer.get(&page).await;
    ok_post(&app, &mut f.buyer, &sign, &[("side", "buyer")]).await;
    assert_eq!(contract_state(&app, f.contract).await, "pending");
    let r = f.buyer.get(&page).await;
    assert!(
        r.text(".flash").contains("等待另一方"),
        "{}",
        r.text(".flash")
    );
    assert!(
        !r.text("dd.sig-buyer").contains("尚未"),
        "{}",
        r.text("dd.sig-buyer")
    );
    assert!(r.text("dd.sig-supplier").contains("尚未"));
    assert_eq!(r.count("form[action$='/sign']"), 0, "signed: no form again");

    // Signing twice is refused with the reason, not ignored.
    let before = audit_count(&app).await;
    let r = f.buyer.post(&sign, &[("side", "buyer")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text(".flash-error").contains("已经签署"), "{}", r.body);
    assert_eq!(audit_count(&app).await, before);

    // The supplier signs: active, counted in the Shanghai year, tender contracted.
    f.supplier.get(&page).await;
    ok_post(&app, &mut f.supplier, &sign, &[("side", "supplier")]).await;
    assert_eq!(contract_state(&app, f.contract).await, "active");
    assert_eq!(
        scalar(
            &app,
            &format!(
                "SELECT signed_year AS v FROM contracts WHERE id = {}",
                f.contract
            )
        )
        .await,
        "2026"
    );
    assert_eq!(tender_state(&app, f.tender).await, "contracted");
    let r = anon.get(&page).await;
    assert!(r.text(".page-head").contains("履行中"));
    let timeline = r.text("table.timeline");
    for step in ["合同生成", "购买主体签署", "承接主体签署", "合同生效"] {
        assert!(timeline.contains(step), "{step}: {timeline}");
    }
    // Signing an active contract is refused too.
    let r = f.supplier.post(&sign, &[("side", "supplier")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        contracts::track_record(&app.state.db, f.org)
            .await
            .unwrap()
            .total_milestones
            == 3
    );
    assert_eq!(
        civicbridge::audit::verify_all(&app.state.db, &app.state.audit_keys, &[])
            .await
            .unwrap()
            .result(),
        Ok(audit_count(&app).await)
    );
}

#[tokio::test]
async fn milestones_run_from_report_to_payment_and_completion() {
    let app = TestApp::new().await;
    let mut f = fixture(&app).await;
    let page = format!("/contracts/{}", f.contract);

    // Nothing can be reported before both sides signed.
    f.supplier.get(&page).await;
    let before = audit_count(&app).await;
    let r = f
        .supplier
        .post(
            &mpath(f.contract, &f.ms, 0, "report"),
            &[("report", REPORT)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text(".flash-error").contains("履行中"),
        "{}",
        r.text(".flash-error")
    );
    assert_eq!(audit_count(&app).await, before);

    sign_both(&app, &mut f).await;

    // The buyer cannot report, the supplier cannot accept.
    let r = f
        .buyer
        .post(
            &mpath(f.contract, &f.ms, 0, "report"),
            &[("report", REPORT)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A milestone of another contract, or none, is not found.
    let r = f
        .supplier
        .post(
            &format!("/contracts/{}/milestones/999/report", f.contract),
            &[("report", REPORT)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Too short a report: 422, the message next to the field, the text kept, nothing written.
    let before = audit_count(&app).await;
    let r = f
        .supplier
        .post(
            &mpath(f.contract, &f.ms, 0, "report"),
            &[("report", "已完成")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".field.has-error .error-msg").contains("10"),
        "{}",
        r.text(".error-msg")
    );
    assert_eq!(r.text(".field.has-error textarea[name=report]"), "已完成");
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(milestone_state(&app, f.ms[0]).await, "scheduled");

    // Report → returned with a reason → resubmitted → accepted.
    ok_post(
        &app,
        &mut f.supplier,
        &mpath(f.contract, &f.ms, 0, "report"),
        &[("report", "第一稿：服务已启动，详见附件。")],
    )
    .await;
    assert_eq!(milestone_state(&app, f.ms[0]).await, "submitted");
    let r = f
        .supplier
        .post(
            &mpath(f.contract, &f.ms, 0, "report"),
            &[("report", REPORT)],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "no second report while one waits"
    );
    let r = f
        .supplier
        .post(&mpath(f.contract, &f.ms, 0, "accept"), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    f.buyer.get(&page).await;
    let r = f
        .buyer
        .post(&mpath(f.contract, &f.ms, 0, "return"), &[("reason", "短")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.text(".field.has-error textarea[name=reason]"), "短");
    ok_post(
        &app,
        &mut f.buyer,
        &mpath(f.contract, &f.ms, 0, "return"),
        &[("reason", "请补充老人签到表和服务照片。")],
    )
    .await;
    assert_eq!(milestone_state(&app, f.ms[0]).await, "returned");
    let r = f.supplier.get(&page).await;
    assert!(
        r.text(".return-reason").contains("请补充老人签到表"),
        "{}",
        r.text(".milestone-panel")
    );
    assert_eq!(
        r.count(&format!(
            "form[action='{}']",
            mpath(f.contract, &f.ms, 0, "report")
        )),
        1,
        "resubmit form"
    );
    ok_post(
        &app,
        &mut f.supplier,
        &mpath(f.contract, &f.ms, 0, "report"),
        &[("report", REPORT)],
    )
    .await;
    assert_eq!(milestone_state(&app, f.ms[0]).await, "submitted");
    // Payment before acceptance is refused.
    let r = f
        .buyer
        .post(
            &mpath(f.contract, &f.ms, 0, "payment"),
            &[
                ("amount", "30000"),
                ("paid_on", "2026-11-27"),
                ("reference", "GK-1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    ok_post(
        &app,
        &mut f.buyer,
        &mpath(f.contract, &f.ms, 0, "accept"),
        &[],
    )
    .await;
    assert_eq!(milestone_state(&app, f.ms[0]).await, "accepted");
    let r = f
        .buyer
        .post(&mpath(f.contract, &f.ms, 0, "accept"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "accepting twice");

    // Payment: the wrong amount and a future date are refused with the typed values kept.
    let before = audit_count(&app).await;
    let r = f
        .buyer
        .post(
            &mpath(f.contract, &f.ms, 0, "payment"),
            &[
                ("amount", "30000.01"),
                ("paid_on", "2026-11-27"),
                ("reference", "GK-2026-0001"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = r.text(".field.has-error .error-msg");
    assert!(
        msg.contains("¥30,000.00") && msg.contains("¥30,000.01"),
        "{msg}"
    );
    assert_eq!(r.value("input[name=amount]").as_deref(), Some("30000.01"));
    assert_eq!(
        r.value("input[name=reference]").as_deref(),
        Some("GK-2026-0001")
    );
    let r = f
        .buyer
        .post(
            &mpath(f.contract, &f.ms, 0, "payment"),
            &[
                ("amount", "30,000.00"),
                ("paid_on", "2026-11-28"),
                ("reference", "GK-2026-0001"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".field.has-error .error-msg").contains("今天"),
        "{}",
        r.text(".error-msg")
    );
    assert_eq!(
        r.value("input[name=paid_on]").as_deref(),
        Some("2026-11-28")
    );
    let r = f
        .buyer
        .post(
            &mpath(f.contract, &f.ms, 0, "payment"),
            &[
                ("amount", "30,000.00"),
                ("paid_on", "2026-11-26"),
                ("reference", "GK-2026-0001"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "before the acceptance day"
    );
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(app.count("payments").await, 0);
    ok_post(
        &app,
        &mut f.buyer,
        &mpath(f.contract, &f.ms, 0, "payment"),
        &[
            ("amount", "30,000.00"),
            ("paid_on", "2026-11-27"),
            ("reference", "GK-2026-0001"),
        ],
    )
    .await;
    assert_eq!(milestone_state(&app, f.ms[0]).await, "paid");
    assert_eq!(app.count("payments").await, 1);

    // Completion needs every milestone paid.
    let before = audit_count(&app).await;
    let r = f
        .buyer
        .post(
            &format!("{page}/complete"),
            &[("rating", "5"), ("comment", "好")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text(".flash-error").contains('2'),
        "{}",
        r.text(".flash-error")
    );
    assert_eq!(audit_count(&app).await, before);

    // The other two milestones, a day later.
    app.clock().advance(DAY);
    for (i, amount) in [(1, "30000"), (2, "40000.01")] {
        ok_post(
            &app,
            &mut f.supplier,
            &mpath(f.contract, &f.ms, i, "report"),
            &[("report", REPORT)],
        )
        .await;
        ok_post(
            &app,
            &mut f.buyer,
            &mpath(f.contract, &f.ms, i, "accept"),
            &[],
        )
        .await;
        ok_post(
            &app,
            &mut f.buyer,
            &mpath(f.contract, &f.ms, i, "payment"),
            &[
                ("amount", amount),
                ("paid_on", "2026-11-28"),
                ("reference", &format!("GK-2026-000{}", i + 1)),
            ],
        )
        .await;
    }
    let paid: i64 = contracts::payments(&app.state.db, f.contract)
        .await
        .unwrap()
        .iter()
        .map(|p| p.amount_fen)
        .sum();
    assert_eq!(paid, 10_000_001, "payments add up to the value");

    // Only the buyer completes; a bad rating comes back as 422.
    let r = f
        .supplier
        .post(&format!("{page}/complete"), &[("rating", "5")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = f.buyer.get(&page).await;
    assert_eq!(r.count("form[action$='/complete'] select[name=rating]"), 1);
    let r = f
        .buyer
        .post(
            &format!("{page}/complete"),
            &[("rating", "9"), ("comment", "服务细致")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.text("textarea[name=comment]"), "服务细致");
    ok_post(
        &app,
        &mut f.buyer,
        &format!("{page}/complete"),
        &[("rating", "5"), ("comment", "服务细致，老人满意。")],
    )
    .await;
    assert_eq!(contract_state(&app, f.contract).await, "completed");
    assert_eq!(tender_state(&app, f.tender).await, "completed");
    let r = f
        .buyer
        .post(&format!("{page}/complete"), &[("rating", "5")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "completing twice");

    let r = app.client().get(&page).await;
    assert!(r.text(".page-head").contains("已完成"));
    assert!(r.text("dd.rating").contains("5/5"));
    let t = contracts::track_record(&app.state.db, f.org).await.unwrap();
    assert_eq!(t.completed, 1);
    assert_eq!(t.average_rating_x100, Some(500));
    assert_eq!(t.accepted_milestones, 3);
    assert_eq!(t.total_milestones, 3);
    assert_eq!(
        t.ratings,
        vec![(f.contract, 5, "服务细致，老人满意。".to_string())]
    );
    let s = contracts::summary_for_tender(&app.state.db, f.tender)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.state, contracts::ContractState::Completed);
    assert!(
        s.milestones
            .iter()
            .all(|m| m.paid.is_some_and(|(a, _)| a == m.amount))
    );

    // Every change is on the chain, and the chain holds.
    let n = audit_count(&app).await;
    assert_eq!(
        civicbridge::audit::verify_all(&app.state.db, &app.state.audit_keys, &[])
            .await
            .unwrap()
            .result(),
        Ok(n)
    );
    let actions = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) AS v FROM audit_events WHERE entity = 'contract' AND entity_id = {}",
            f.contract
        ),
    )
    .await;
    // created, 2 signatures, activated, 3×(report, accept, payment), 1 extra report and a
    // return on the first milestone, completed.
    assert_eq!(actions, (1 + 2 + 1 + 9 + 2 + 1).to_string());
}

#[tokio::test]
async fn delivery_reports_are_for_the_parties_and_regulators_only() {
    let app = TestApp::new().await;
    let mut f = fixture(&app).await;
    let page = format!("/contracts/{}", f.contract);
    sign_both(&app, &mut f).await;
    ok_post(
        &app,
        &mut f.supplier,
        &mpath(f.contract, &f.ms, 0, "report"),
        &[("report", REPORT)],
    )
    .await;

    let r = app.client().get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("签到表"), "report shown to the public");
    assert!(
        r.text("table.milestones").contains("待验收"),
        "its state is public"
    );
    assert!(r.text("table.timeline").contains("提交交付报告"));
    let (mut stranger, _) = app.signed_in("stranger@example.org", &[]).await;
    assert!(!stranger.get(&page).await.body.contains("签到表"));

    let (mut member, member_id) = app.signed_in("member@example.org", &[]).await;
    app.add_member(f.org, member_id, OrgRole::Member).await;
    let r = member.get(&page).await;
    assert!(r.text(".report").contains("签到表"), "org member");
    assert_eq!(
        r.count("form[action$='/report']"),
        0,
        "members read, administrators act"
    );
    let (mut regulator, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    assert!(
        regulator
            .get(&page)
            .await
            .text(".report")
            .contains("签到表")
    );
    let r = f.buyer.get(&page).await;
    assert!(r.text(".report").contains("签到表"), "buyer");
    assert_eq!(
        r.count(&format!(
            "form[action='{}']",
            mpath(f.contract, &f.ms, 0, "accept")
        )),
        1
    );
    assert!(
        f.supplier
            .get(&page)
            .await
            .text(".report")
            .contains("签到表")
    );

    // English too.
    let r = app.client().get(&format!("{page}?lang=en")).await;
    assert!(r.text("table.milestones").contains("Awaiting acceptance"));
    assert!(r.text("h1").contains("Contract #"));
}

#[tokio::test]
async fn signing_waits_for_the_standstill() {
    let app = TestApp::new().await;
    let mut f = fixture(&app).await;
    let db = &app.state.db;
    // An award whose standstill runs three more days.
    let b = bid::ActiveModel {
        tender_id: Set(f.tender),
        org_id: Set(f.org),
        submitted_by: Set(None),
        state: Set("opened".into()),
        sealed: Set(String::new()),
        commitment: Set("0".repeat(64)),
        revision: Set(1),
        submitted_at: Set(T0 - 11 * DAY),
        opened_price_fen: Set(Some(10_000_001)),
        opened_proposal: Set(Some("方案".into())),
        opened_salt: Set(None),
        disqualify_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    award::ActiveModel {
        tender_id: Set(f.tender),
        bid_id: Set(b.id),
        awarded_by: Set(None),
        value_fen: Set(10_000_001),
        justification: Set(String::new()),
        awarded_at: Set(T0 - 4 * DAY),
        standstill_ends_at: Set(T0 + 3 * DAY),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let page = format!("/contracts/{}", f.contract);
    let sign = format!("{page}/sign");
    let r = f.buyer.get(&page).await;
    assert!(
        r.text(".signing-block").contains("公示期"),
        "{}",
        r.text("aside")
    );
    assert_eq!(r.count("form[action$='/sign']"), 0);
    let before = audit_count(&app).await;
    let r = f.buyer.post(&sign, &[("side", "buyer")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text(".flash-error").contains("公示期"),
        "{}",
        r.text(".flash-error")
    );
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(contract_state(&app, f.contract).await, "pending");

    app.clock().advance(3 * DAY);
    sign_both(&app, &mut f).await;
    assert_eq!(contract_state(&app, f.contract).await, "active");
}

#[tokio::test]
async fn workspace_lists_and_seed_checks() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let db = &app.state.db;
    let unit: i64 = scalar(
        &app,
        &format!(
            "SELECT unit_id AS v FROM contracts WHERE id = {}",
            f.contract
        ),
    )
    .await
    .parse()
    .unwrap();
    let of_org = contracts::of_org(db, f.org).await.unwrap();
    assert_eq!(of_org.len(), 1);
    assert_eq!(of_org[0].tender_title, "新城区社区居家养老服务项目");
    assert_eq!(of_org[0].unit_name, "新城区民政局");
    assert_eq!(
        (of_org[0].milestones_paid, of_org[0].milestones_total),
        (0, 3)
    );
    assert_eq!(
        contracts::of_parties(db, &[unit], &[], 0, 50)
            .await
            .unwrap(),
        of_org
    );
    assert_eq!(
        contracts::of_parties(db, &[], &[f.org], 0, 50)
            .await
            .unwrap(),
        of_org
    );
    // A contract of both the unit and the organization is listed once.
    assert_eq!(
        contracts::of_parties(db, &[unit], &[f.org], 0, 50)
            .await
            .unwrap(),
        of_org
    );
    assert_eq!(
        contracts::count_of_parties(db, &[unit], &[f.org])
            .await
            .unwrap(),
        1
    );
    assert!(
        contracts::of_parties(db, &[], &[], 0, 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(contracts::count_of_parties(db, &[], &[]).await.unwrap(), 0);
    assert!(contracts::of_org(db, f.org + 1).await.unwrap().is_empty());
    let t = contracts::track_record(db, f.org).await.unwrap();
    assert_eq!(t, contracts::TrackRecord::default(), "nothing signed yet");

    // Milestones that do not add up to 100% are refused.
    let other = make_tender(&app, unit, "awarded").await;
    let bad = ContractSeed {
        tender_id: other,
        unit_id: unit,
        org_id: f.org,
        value: Fen(100),
        supplier_is_social: true,
        division_code: "150102".into(),
        milestones: vec![("全部".into(), 9000)],
    };
    assert!(contracts::create_from_award(db, &bad, T0).await.is_err());
    assert!(
        contracts::summary_for_tender(db, other)
            .await
            .unwrap()
            .is_none()
    );
    let r = app.client().get("/contracts/999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.client().get("/contracts/abc").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// A milestone paid in two parts through the buyer's form: the part leaves it accepted with
/// what remains shown and offered, more than remains or nothing is refused with the typed
/// values kept and nothing written, the last part pays it; the supplier's administrator is
/// told of each payment, the public page lists both, and the tender's summary adds them up.
#[tokio::test]
async fn a_milestone_is_paid_in_parts() {
    let app = TestApp::new().await;
    let mut f = fixture(&app).await;
    let page = format!("/contracts/{}", f.contract);
    sign_both(&app, &mut f).await;
    f.supplier.get(&page).await;
    ok_post(
        &app,
        &mut f.supplier,
        &mpath(f.contract, &f.ms, 0, "report"),
        &[("report", REPORT)],
    )
    .await;
    f.buyer.get(&page).await;
    ok_post(
        &app,
        &mut f.buyer,
        &mpath(f.contract, &f.ms, 0, "accept"),
        &[],
    )
    .await;
    let pay = mpath(f.contract, &f.ms, 0, "payment");

    // The form offers the whole amount; the buyer pays a third of it.
    let r = f.buyer.get(&page).await;
    assert_eq!(r.value("input[name=amount]").as_deref(), Some("30000.00"));
    let r = f
        .buyer
        .post(
            &pay,
            &[
                ("amount", "10,000"),
                ("paid_on", "2026-11-27"),
                ("reference", "GK-2026-0001"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text(".error-msg"));
    assert_eq!(milestone_state(&app, f.ms[0]).await, "accepted");
    let r = f.buyer.get(&page).await;
    assert!(
        r.text(".flash").contains("¥20,000.00"),
        "{}",
        r.text(".flash")
    );
    let row = r.text(&format!("#milestone-{} td.payments", f.ms[0]));
    assert!(
        row.contains("¥10,000.00") && row.contains("已付 ¥10,000.00，尚余 ¥20,000.00"),
        "{row}"
    );
    assert_eq!(r.value("input[name=amount]").as_deref(), Some("20000.00"));

    // More than remains, nothing, or less than nothing: 422, typed values kept, nothing written.
    let before = (audit_count(&app).await, app.count("payments").await);
    for (amount, needle) in [
        ("20000.01", "¥20,000.01"),
        ("0", "大于零"),
        ("-1", "请输入金额"),
    ] {
        let r = f
            .buyer
            .post(
                &pay,
                &[
                    ("amount", amount),
                    ("paid_on", "2026-11-27"),
                    ("reference", "GK-2026-0002"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}");
        let msg = r.text(".field.has-error .error-msg");
        assert!(msg.contains(needle), "{amount}: {msg}");
        assert_eq!(r.value("input[name=amount]").as_deref(), Some(amount));
        assert_eq!(
            r.value("input[name=reference]").as_deref(),
            Some("GK-2026-0002")
        );
    }
    assert_eq!(
        (audit_count(&app).await, app.count("payments").await),
        before
    );
    // The English form says the same in English.
    let r = f
        .buyer
        .post(
            &format!("{pay}?lang=en"),
            &[
                ("amount", "20000.01"),
                ("paid_on", "2026-11-27"),
                ("reference", "GK-2026-0002"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".error-msg").contains("remains to be paid"),
        "{}",
        r.text(".error-msg")
    );

    // The rest pays the milestone.
    ok_post(
        &app,
        &mut f.buyer,
        &pay,
        &[
            ("amount", "20000.00"),
            ("paid_on", "2026-11-27"),
            ("reference", "GK-2026-0002"),
        ],
    )
    .await;
    assert_eq!(milestone_state(&app, f.ms[0]).await, "paid");
    assert_eq!(app.count("payments").await, 2);
    let r = f
        .buyer
        .post(
            &pay,
            &[
                ("amount", "1"),
                ("paid_on", "2026-11-27"),
                ("reference", "GK-3"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a paid milestone takes no more"
    );
    assert_eq!(app.count("payments").await, 2);

    // The public page lists both parts; the timeline names the part payment.
    let r = app.client().get(&page).await;
    let row = r.text(&format!("#milestone-{} td.payments", f.ms[0]));
    assert!(
        row.contains("¥10,000.00") && row.contains("¥20,000.00"),
        "{row}"
    );
    assert!(
        !row.contains("GK-2026"),
        "references are for the parties: {row}"
    );
    assert!(r.text("table.timeline").contains("登记部分付款"));
    let summary = contracts::summary_for_tender(&app.state.db, f.tender)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        summary.milestones[0].paid,
        Some((Fen(3_000_000), time::macros::date!(2026 - 11 - 27)))
    );
    // The supplier's administrator was told of each payment, with what remained.
    let r = f.supplier.get("/me/notifications").await;
    let inbox = r.text("main");
    assert!(
        inbox.contains("¥10,000.00") && inbox.contains("¥20,000.00"),
        "{inbox}"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS v FROM user_notifications WHERE kind = 'milestone_paid'"
        )
        .await,
        "2"
    );
}

const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
const PE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00This program cannot be run in DOS mode.";

/// How many report files are stored under the data directory.
fn stored(app: &TestApp) -> usize {
    std::fs::read_dir(app.state.config.data_dir.join("milestone-files"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Files attached to a delivery report: the supplier attaches them while the report may
/// change (a refused file: 422 with the message at the file field, nothing stored), takes one
/// off, submits; the parties and a regulator download them, anyone else gets "not found"
/// (anonymous visitors: log in); once submitted the files are part of the report, and a
/// returned report takes files again.
#[tokio::test]
async fn delivery_reports_carry_files() {
    let app = TestApp::new().await;
    let mut f = fixture(&app).await;
    let page = format!("/contracts/{}", f.contract);
    sign_both(&app, &mut f).await;
    let files = mpath(f.contract, &f.ms, 0, "files");

    // The supplier's page has the upload form; the buyer's does not.
    let r = f.supplier.get(&page).await;
    assert_eq!(
        r.count(&format!(
            "form[action='{files}'][enctype='multipart/form-data']"
        )),
        1
    );
    assert_eq!(
        f.buyer
            .get(&page)
            .await
            .count(&format!("form[action='{files}']")),
        0
    );

    // A program disguised as a PDF, or no file: 422 at the field, nothing written.
    let before = (audit_count(&app).await, stored(&app));
    let r = f.supplier.upload(&files, &[], "签到表.pdf", PE).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !r.text(".field.has-error .error-msg").is_empty(),
        "{}",
        r.body
    );
    let r = f.supplier.upload(&files, &[], "", b"").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!((audit_count(&app).await, stored(&app)), before);
    assert_eq!(app.count("milestone_files").await, 0);

    // Two files attached, one taken off again.
    for name in ["签到表.pdf", "服务记录.pdf"] {
        let r = f.supplier.upload(&files, &[], name, PDF).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text(".error-msg"));
    }
    assert_eq!(stored(&app), 2);
    let r = f.supplier.get(&page).await;
    let listed = r.text("ul.report-files");
    assert!(
        listed.contains("签到表.pdf") && listed.contains("服务记录.pdf"),
        "{listed}"
    );
    let ids: Vec<i64> = {
        use sea_orm::{EntityTrait, QueryOrder};
        civicbridge::contracts::model::milestone_file::Entity::find()
            .order_by_asc(civicbridge::contracts::model::milestone_file::Column::Id)
            .all(&app.state.db)
            .await
            .unwrap()
            .iter()
            .map(|x| x.id)
            .collect()
    };
    ok_post(
        &app,
        &mut f.supplier,
        &format!("{files}/{}/remove", ids[1]),
        &[],
    )
    .await;
    let r = f.supplier.get(&page).await;
    assert!(!r.text("ul.report-files").contains("服务记录.pdf"));
    // The buyer may not take files off, nor attach them.
    let r = f
        .buyer
        .post(&format!("{files}/{}/remove", ids[0]), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = f.buyer.upload(&files, &[], "x.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Submitted: the files are part of the report, no longer changed.
    ok_post(
        &app,
        &mut f.supplier,
        &mpath(f.contract, &f.ms, 0, "report"),
        &[("report", REPORT)],
    )
    .await;
    let r = f.supplier.upload(&files, &[], "迟到.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = f
        .supplier
        .post(&format!("{files}/{}/remove", ids[0]), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(stored(&app), 2, "a refused file is not kept");

    // Who downloads: the parties and a regulator; anyone else "not found", anonymous: log in.
    let one = format!("{files}/{}", ids[0]);
    for c in [&mut f.buyer, &mut f.supplier] {
        let r = c.get(&one).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.headers[axum::http::header::CONTENT_TYPE],
            "application/pdf"
        );
        assert_eq!(r.body.as_bytes(), PDF);
    }
    let (mut regulator, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    assert_eq!(regulator.get(&one).await.status, StatusCode::OK);
    let (mut stranger, _) = app.signed_in("stranger@example.org", &[]).await;
    for path in [
        one.clone(),
        format!("{files}/{}", ids[1]),
        format!("{files}/999"),
        format!(
            "/contracts/{}/milestones/{}/files/{}",
            f.contract, f.ms[1], ids[0]
        ),
    ] {
        assert_eq!(
            stranger.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // A file taken off is no longer served, even to the parties.
    assert_eq!(
        f.buyer.get(&format!("{files}/{}", ids[1])).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app.client().get(&one).await;
    assert!(r.location().is_some_and(|l| l.starts_with("/login")));
    // The public page lists no files.
    assert_eq!(app.client().get(&page).await.count("ul.report-files"), 0);
    assert_eq!(stranger.get(&page).await.count("ul.report-files"), 0);

    // Returned: the report takes files again.
    f.buyer.get(&page).await;
    ok_post(
        &app,
        &mut f.buyer,
        &mpath(f.contract, &f.ms, 0, "return"),
        &[("reason", "请补充服务对象签字的签到表原件扫描件。")],
    )
    .await;
    f.supplier.get(&page).await;
    let r = f
        .supplier
        .upload(&files, &[], "签到表（补）.pdf", PDF)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS v FROM milestone_files WHERE removed_at IS NULL"
        )
        .await,
        "2"
    );
    // Each change was audited, out of the public timeline.
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) AS v FROM audit_events WHERE action LIKE 'report_file_%' AND public = false"
        )
        .await,
        "4"
    );
}

/// The payments invariant can fail: a milestone marked paid without its payments.
#[tokio::test]
async fn a_milestone_paid_without_payments_breaks_the_invariant() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE contract_milestones SET state = 'paid' WHERE id = {}",
            f.ms[1]
        ))
        .await
        .unwrap();
    crate::invariants::only_broken(
        app,
        crate::common::Invariant::Payments,
        &format!("[{}]", f.ms[1]),
    )
    .await;
}

/// Both sides signing at the same instant, and the same payment recorded twice at once:
/// the contract row lock serializes them, so the contract is activated exactly once and the
/// milestone paid exactly once.
#[tokio::test]
async fn concurrent_changes_serialize() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let db = &app.state.db;
    let buyer = user_id(&app, "buyer@example.org").await;
    let owner = user_id(&app, "owner@example.org").await;
    let (a, b) = tokio::join!(
        contracts::sign(db, f.contract, contracts::Side::Buyer, buyer, T0),
        contracts::sign(db, f.contract, contracts::Side::Supplier, owner, T0),
    );
    let states = [a.unwrap().unwrap(), b.unwrap().unwrap()];
    assert!(
        states.contains(&contracts::ContractState::Active),
        "{states:?}"
    );
    assert!(
        states.contains(&contracts::ContractState::Pending),
        "{states:?}"
    );
    let activated = scalar(
        &app,
        "SELECT COUNT(*) AS v FROM audit_events WHERE entity = 'contract' AND action = 'activated'",
    )
    .await;
    assert_eq!(activated, "1");
    assert_eq!(tender_state(&app, f.tender).await, "contracted");

    let m = f.ms[0];
    contracts::submit_report(db, f.contract, m, REPORT, owner, T0)
        .await
        .unwrap()
        .unwrap();
    contracts::accept_milestone(db, f.contract, m, buyer, T0)
        .await
        .unwrap()
        .unwrap();
    let draft = contracts::rules::PaymentDraft {
        amount: Fen(3_000_000),
        paid_on: time::macros::date!(2026 - 11 - 27),
        reference: "GK-1".into(),
    };
    let (a, b) = tokio::join!(
        contracts::record_payment(db, f.contract, m, &draft, buyer, T0),
        contracts::record_payment(db, f.contract, m, &draft, buyer, T0),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.is_ok() != b.is_ok(), "exactly one payment: {a:?} {b:?}");
    assert_eq!(app.count("payments").await, 1);
    // More than remains is refused by the operation itself, not only by the form.
    let m2 = f.ms[1];
    contracts::submit_report(db, f.contract, m2, REPORT, owner, T0)
        .await
        .unwrap()
        .unwrap();
    contracts::accept_milestone(db, f.contract, m2, buyer, T0)
        .await
        .unwrap()
        .unwrap();
    let wrong = contracts::rules::PaymentDraft {
        amount: Fen(3_000_001),
        ..draft.clone()
    };
    assert_eq!(
        contracts::record_payment(db, f.contract, m2, &wrong, buyer, T0)
            .await
            .unwrap(),
        Err(contracts::Refused::OverPaid {
            remaining: Fen(3_000_000)
        })
    );
    // Two parts recorded at once that do not both fit: one is taken, the other is refused
    // naming what remains after the first; the milestone stays unpaid.
    let part = contracts::rules::PaymentDraft {
        amount: Fen(2_000_000),
        ..draft
    };
    let (a, b) = tokio::join!(
        contracts::record_payment(db, f.contract, m2, &part, buyer, T0),
        contracts::record_payment(db, f.contract, m2, &part, buyer, T0),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.is_ok() != b.is_ok(), "exactly one part: {a:?} {b:?}");
    let refused = if a.is_ok() { b } else { a };
    assert_eq!(
        refused,
        Err(contracts::Refused::OverPaid {
            remaining: Fen(1_000_000)
        })
    );
    assert_eq!(milestone_state(&app, m2).await, "accepted");
    assert_eq!(app.count("payments").await, 2);
    // A milestone of this contract cannot be reached through another contract's id.
    let missing = contracts::accept_milestone(db, f.contract + 1, m2, buyer, T0).await;
    assert!(missing.is_err(), "{missing:?}");
    assert_eq!(
        civicbridge::audit::verify_all(db, &app.state.audit_keys, &[])
            .await
            .unwrap()
            .result(),
        Ok(audit_count(&app).await)
    );
}
