//! Confirmation pages of destructive actions (issue 11.3): withdrawing a bid, cancelling a
//! tender, granting a platform role and terminating a contract each post to their route;
//! without `confirm=1` the route answers with a page stating the consequences (status 200,
//! nothing written), whose final button carries `confirm=1` and acts. Then contract
//! termination end to end: the reason, the ledger, the timeline, the notices, who may.

use crate::common;

use crate::common::{Client, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::contracts::{self, ContractSeed, Side};
use civicbridge::kernel::money::Fen;
use civicbridge::procurement::{self, rules};
use sea_orm::{ConnectionTrait, Statement};

const DAY: i64 = 86_400;

async fn strings(app: &TestApp, sql: &str) -> Vec<String> {
    let db = &app.state.db;
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "v").unwrap())
        .collect()
}

async fn bid_states(app: &TestApp) -> Vec<String> {
    strings(app, "SELECT state AS v FROM bids ORDER BY id").await
}

async fn contract_state(app: &TestApp, id: i64) -> String {
    strings(
        app,
        &format!("SELECT state AS v FROM contracts WHERE id = {id}"),
    )
    .await
    .remove(0)
}

/// The kinds of notice a user has.
async fn notices(app: &TestApp, user: i64) -> Vec<String> {
    strings(
        app,
        &format!("SELECT kind AS v FROM user_notifications WHERE user_id = {user} ORDER BY id"),
    )
    .await
}

/// Everything a confirmation page must leave alone, as row counts.
async fn written(app: &TestApp) -> Vec<i64> {
    let mut v = Vec::new();
    for t in ["audit_events", "user_notifications", "user_roles", "bids"] {
        v.push(app.count(t).await);
    }
    v
}

/// A confirmation page: status 200, the consequences, and a final form carrying
/// `confirm=1` and the values to `action`.
fn assert_confirmation(r: &common::Resp, action: &str, says: &[&str]) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let text = r.text(".confirm-consequences");
    for s in says {
        assert!(text.contains(s), "no {s:?} in {text:?}");
    }
    let form = format!("form.confirm-form[action=\"{action}\"]");
    assert_eq!(r.count(&form), 1, "no final form to {action}");
    assert_eq!(
        r.value(&format!("{form} input[name=confirm]")).as_deref(),
        Some("1")
    );
    assert_eq!(r.count("a.confirm-cancel"), 1);
}

fn tender_form(unit: i64, deadline: i64) -> rules::TenderForm {
    rules::TenderForm {
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
    }
}

async fn unit_with_buyer(app: &TestApp, name: &str, buyer: i64) -> i64 {
    let db = &app.state.db;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft(name, "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer, T0)
        .await
        .unwrap();
    unit
}

#[tokio::test]
async fn withdrawing_a_bid_asks_first() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let buyer = app.user("buyer@example.org", &[]).await;
    let unit = unit_with_buyer(&app, "新城区民政局", buyer).await;
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 1, "阳光养老服务中心").await;
    let deadline = T0 + 5 * DAY;
    let tid = app
        .publish_tender(unit, buyer, &tender_form(unit, deadline))
        .await;
    let t = procurement::get(db, tid).await.unwrap().unwrap();
    procurement::submit_bid(
        db,
        &app.state.seal,
        &t,
        org,
        Fen(5_000_000),
        "我们将组建专业团队提供服务。",
        owner_id,
        T0 + 2,
        app.clock().today(),
    )
    .await
    .unwrap()
    .unwrap();
    owner.get(&format!("/tenders/{tid}/bid")).await;
    let path = format!("/tenders/{tid}/bid/withdraw");
    let org_id = org.to_string();
    let before = written(&app).await;
    // A one-click post (the old form, or a forged one) only shows what would happen.
    let r = owner.post(&path, &[("org_id", &org_id)]).await;
    let when = civicbridge::kernel::clock::display_instant(deadline);
    assert_confirmation(
        &r,
        &path,
        &[
            "阳光养老服务中心",
            "新城区社区助餐服务项目",
            "不再参与评审",
            &when,
        ],
    );
    assert!(r.text("form.confirm-form button").contains("撤回投标"));
    assert_eq!(
        r.value("form.confirm-form input[name=org_id]").as_deref(),
        Some(org_id.as_str())
    );
    let r = owner
        .post(&format!("{path}?lang=en"), &[("org_id", &org_id)])
        .await;
    assert_confirmation(
        &r,
        &path,
        &["will no longer be considered", "until the deadline", &when],
    );
    assert_eq!(written(&app).await, before, "a confirmation page wrote");
    assert_eq!(bid_states(&app).await, ["submitted"]);
    // The final button withdraws.
    let r = owner
        .post(&path, &[("org_id", &org_id), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(bid_states(&app).await, ["withdrawn"]);
    // Nothing left to withdraw: the refusal, not a confirmation page.
    let r = owner.post(&path, &[("org_id", &org_id)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(bid_states(&app).await, ["withdrawn"]);
}

#[tokio::test]
async fn cancelling_a_tender_asks_first() {
    let app = TestApp::new().await;
    let (mut buyer, buyer_id) = app.signed_in("buyer@example.org", &[]).await;
    let unit = unit_with_buyer(&app, "新城区民政局", buyer_id).await;
    let tid = app
        .publish_tender(unit, buyer_id, &tender_form(unit, T0 + 5 * DAY))
        .await;
    let state = || async {
        strings(
            &app,
            &format!("SELECT state AS v FROM tenders WHERE id = {tid}"),
        )
        .await
        .remove(0)
    };
    buyer.get(&format!("/tenders/{tid}")).await;
    let path = format!("/tenders/{tid}/cancel");
    let before = written(&app).await;
    // A bad reason is still refused on the tender page, as typed.
    let r = buyer.post(&path, &[("reason", "太短")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = buyer
        .post(&path, &[("reason", "预算调整，取消本次采购")])
        .await;
    assert_confirmation(
        &r,
        &path,
        &[
            "新城区社区助餐服务项目",
            "不再接受投标",
            "预算调整，取消本次采购",
        ],
    );
    assert_eq!(
        r.value("form.confirm-form input[name=reason]").as_deref(),
        Some("预算调整，取消本次采购")
    );
    let r = buyer
        .post(
            &format!("{path}?lang=en"),
            &[("reason", "预算调整，取消本次采购")],
        )
        .await;
    assert_confirmation(&r, &path, &["cancelled for good", "cannot be awarded"]);
    assert!(
        r.text("form.confirm-form button")
            .contains("Cancel the tender")
    );
    assert_eq!(written(&app).await, before);
    assert_eq!(state().await, "published");
    let r = buyer
        .post(
            &path,
            &[("reason", "预算调整，取消本次采购"), ("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(state().await, "cancelled");
}

#[tokio::test]
async fn granting_a_role_names_the_user_and_the_powers_first() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.signed_in("admin@example.org", &[Role::Admin]).await;
    let user = app.user("zhang@example.org", &[]).await;
    admin.get("/admin/users").await;
    let path = format!("/admin/users/{user}/roles");
    let form = [
        ("role", "admin"),
        ("grant", "1"),
        ("reason", "调任平台运维"),
    ];
    let before = written(&app).await;
    let r = admin.post(&path, &form).await;
    assert_confirmation(
        &r,
        &path,
        &[
            "zhang@example.org",
            "平台管理员",
            "管理所有用户账号",
            "调任平台运维",
        ],
    );
    assert!(r.text("h1.page-title").contains("zhang@example.org"));
    let r = admin.post(&format!("{path}?lang=en"), &form).await;
    assert_confirmation(
        &r,
        &path,
        &[
            "zhang@example.org",
            "Platform administrator",
            "manages every user account",
        ],
    );
    assert_eq!(written(&app).await, before, "a confirmation page wrote");
    let r = admin
        .post(&path, &[form[0], form[1], form[2], ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        civicbridge::accounts::model::roles_of(&app.state.db, user)
            .await
            .unwrap(),
        vec![Role::Admin]
    );
    // Taking a role away gives powers to nobody: it acts at once.
    let r = admin
        .post(
            &path,
            &[
                ("role", "admin"),
                ("grant", "0"),
                ("reason", "调离平台运维"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        civicbridge::accounts::model::roles_of(&app.state.db, user)
            .await
            .unwrap()
            .is_empty()
    );
}

struct Termination {
    app: TestApp,
    buyer: Client,
    /// The signed contract with a social organization, ¥100,000.01.
    contract: i64,
    /// A pending one (never counted).
    pending: i64,
    owner: i64,
    second_admin: i64,
    member: i64,
    buyer_id: i64,
}

async fn contract(
    app: &TestApp,
    (unit, buyer): (i64, i64),
    org: i64,
    value: i64,
    social: bool,
) -> i64 {
    use civicbridge::procurement::model::tender;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let db = &app.state.db;
    // An awarded tender without an award row: no standstill blocks signing.
    let tender = tender::ActiveModel {
        unit_id: Set(unit),
        created_by: Set(Some(buyer)),
        title: Set(format!("社区助餐服务项目{value}")),
        description: Set("为辖区老人提供助餐和探访服务。".into()),
        domain: Set("elderly".into()),
        division_code: Set("150102".into()),
        league_code: Set(Some("150100".into())),
        county_code: Set(Some("150102".into())),
        budget_fen: Set(value),
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
        state: Set("awarded".into()),
        state_reason: Set(String::new()),
        published_at: Set(Some(T0 - 30 * DAY)),
        opened_at: Set(Some(T0 - 10 * DAY)),
        seq: Set(0),
        created_at: Set(T0 - 40 * DAY),
        updated_at: Set(T0 - 10 * DAY),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    contracts::create_from_award(
        db,
        &ContractSeed {
            tender_id: tender,
            unit_id: unit,
            org_id: org,
            value: Fen(value),
            supplier_is_social: social,
            division_code: "150102".into(),
            milestones: vec![("首期".into(), 3000), ("末期".into(), 7000)],
        },
        T0,
    )
    .await
    .unwrap()
}

/// A unit with its buyer; an organization with two administrators and a member; two signed
/// contracts of the unit in 2026 (¥100,000.01 with the social organization, ¥100,000.00 with
/// a supplier that is not one: the unit's share is 50.00%) and a pending one.
async fn termination_fixture() -> Termination {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (buyer, buyer_id) = app.signed_in("buyer@example.org", &[]).await;
    let unit = unit_with_buyer(&app, "新城区民政局", buyer_id).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "阳光养老服务中心").await;
    let second_admin = app.user("second@example.org", &[]).await;
    app.add_member(org, second_admin, OrgRole::Admin).await;
    let member = app.user("member@example.org", &[]).await;
    app.add_member(org, member, OrgRole::Member).await;
    let social = contract(&app, (unit, buyer_id), org, 10_000_001, true).await;
    let other = contract(&app, (unit, buyer_id), org, 10_000_000, false).await;
    for c in [social, other] {
        for (side, who) in [(Side::Buyer, buyer_id), (Side::Supplier, owner)] {
            contracts::sign(db, c, side, who, T0)
                .await
                .unwrap()
                .unwrap();
        }
    }
    let pending = contract(&app, (unit, buyer_id), org, 3_000_000, true).await;
    Termination {
        app,
        buyer,
        contract: social,
        pending,
        owner,
        second_admin,
        member,
        buyer_id,
    }
}

#[tokio::test]
async fn a_buyer_terminates_a_contract_with_a_reason_after_seeing_the_ledger_effect() {
    let f = termination_fixture().await;
    let app = &f.app;
    let mut buyer = f.buyer;
    let c = f.contract;
    let page = buyer.get(&format!("/contracts/{c}")).await;
    assert_eq!(
        page.count(&format!("form[action=\"/contracts/{c}/terminate\"]")),
        1
    );
    let path = format!("/contracts/{c}/terminate");
    let before = written(app).await;
    let ledger_before = civicbridge::targets::model::rows(&app.state.db)
        .await
        .unwrap();

    // The reason is required; a short one comes back as typed, 422, nothing written.
    let r = buyer.post(&path, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#reason-error").is_empty(), "{}", r.body);
    let r = buyer.post(&path, &[("reason", "停止运营")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.text("textarea[name=reason]"), "停止运营");
    assert!(r.text("#reason-error").contains("解除理由"));

    // With a reason but without confirm: the consequences, in both languages.
    let reason = "服务机构停止运营，无法继续履约";
    let r = buyer.post(&path, &[("reason", reason)]).await;
    assert_confirmation(
        &r,
        &path,
        &[
            "阳光养老服务中心",
            "2026年的30%台账",
            "本单位占比由50.00%变为0.00%",
            "全区占比由50.00%变为0.00%",
            reason,
        ],
    );
    assert!(r.text("form.confirm-form button").contains("解除合同"));
    let r = buyer
        .post(&format!("{path}?lang=en"), &[("reason", reason)])
        .await;
    assert_confirmation(
        &r,
        &path,
        &[
            "leaves the 30% ledger for 2026",
            "from 50.00% to 0.00%",
            "administrators are notified",
        ],
    );
    // A pending contract was never counted: the page says so.
    let pending = format!("/contracts/{}/terminate", f.pending);
    // (`?lang=en` above left a language cookie.)
    let r = buyer
        .post(&format!("{pending}?lang=zh-CN"), &[("reason", reason)])
        .await;
    assert_confirmation(&r, &pending, &["从未计入30%台账"]);
    assert_eq!(written(app).await, before, "a confirmation page wrote");
    assert_eq!(contract_state(app, c).await, "active");
    assert_eq!(
        civicbridge::targets::model::rows(&app.state.db)
            .await
            .unwrap(),
        ledger_before
    );

    // Confirmed: terminated, out of the ledger (the drop checks it equals recomputation).
    let r = buyer
        .post(&path, &[("reason", reason), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(contract_state(app, c).await, "terminated");
    let social_2026: i64 = civicbridge::targets::model::rows(&app.state.db)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.year == 2026 && r.social)
        .map(|r| r.total.0)
        .sum();
    assert_eq!(social_2026, 0);
    assert_eq!(
        civicbridge::targets::model::rows(&app.state.db)
            .await
            .unwrap(),
        civicbridge::targets::model::recompute(&app.state.db)
            .await
            .unwrap()
    );

    // The public page shows the date, the reason and the timeline entry.
    let mut anon = app.client();
    let p = anon.get(&format!("/contracts/{c}")).await;
    assert_eq!(p.text(".termination-reason"), reason);
    assert_eq!(
        p.text(".terminated-at"),
        civicbridge::kernel::clock::display_instant(T0)
    );
    assert!(p.text("table.timeline").contains("采购方解除合同"));
    assert!(p.text("table.timeline").contains(reason));
    assert_eq!(p.count(&format!("form[action=\"{path}\"]")), 0);
    let p = anon.get(&format!("/contracts/{c}?lang=en")).await;
    assert!(p.text("table.timeline").contains("Terminated by the buyer"));

    // The supplier's administrators are told; its member and the buyer are not.
    assert_eq!(notices(app, f.owner).await, ["contract_terminated"]);
    assert_eq!(notices(app, f.second_admin).await, ["contract_terminated"]);
    assert!(notices(app, f.member).await.is_empty());
    assert!(notices(app, f.buyer_id).await.is_empty());
    let mut owner = app.client();
    owner.login("owner@example.org", common::PW).await;
    let n = owner.get("/me/notifications").await;
    assert!(n.body.contains(reason), "{}", n.body);

    // A terminated contract cannot be terminated again.
    let r = buyer
        .post(&path, &[("reason", reason), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn only_the_contracts_buyer_may_terminate_and_others_get_not_found() {
    let f = termination_fixture().await;
    let app = &f.app;
    let path = format!("/contracts/{}/terminate", f.contract);
    let form = [
        ("reason", "服务机构停止运营，无法继续履约"),
        ("confirm", "1"),
    ];
    let (_, other_buyer) = app.signed_in("other-buyer@example.org", &[]).await;
    unit_with_buyer(app, "另一民政局", other_buyer).await;
    let mut other = app.client();
    other.login("other-buyer@example.org", common::PW).await;
    let theirs = other.post(&path, &form).await;
    let none = other.post("/contracts/999999/terminate", &form).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    // The same page but for the address it names (the language switch links back to it).
    assert_eq!(
        theirs.body.replace(&path, "{path}"),
        none.body.replace("/contracts/999999/terminate", "{path}")
    );
    // The supplier's own administrator may not either.
    let mut owner = app.client();
    owner.login("owner@example.org", common::PW).await;
    assert_eq!(owner.post(&path, &form).await.status, StatusCode::NOT_FOUND);
    let mut anon = app.client();
    anon.get("/login").await;
    let r = anon.post(&path, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
    assert_eq!(contract_state(app, f.contract).await, "active");
}
