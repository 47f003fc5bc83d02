//! Separation of duties (issue 10, point 2, and the sign-up part of point 4), through HTTP as
//! users meet it: a platform administrator cannot join an organization or a unit, nor become
//! one's member by rows written around the rules; a member cannot be made administrator;
//! conflicts of interest bar evaluators and bidders; role grants and membership changes need a
//! reason, are in the audit log and reach the right inboxes (and no one else's); members can
//! be removed, never the last administrator; sign-up answers a registered e-mail exactly as a
//! fresh one. Runs on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.
//!
//! The tests read notices with SQL rather than through the inbox room, so they also build
//! (and fail) against the code before this change.

use crate::common;

use crate::common::{Client, PW, T0, TestApp};
use axum::http::{StatusCode, header};
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::kernel::Lang;
use civicbridge::kernel::money::Fen;
use civicbridge::procurement::{self, rules};
use sea_orm::{ConnectionTrait, Statement};

const DAY: i64 = 86_400;

/// A purchasing unit in Xincheng district.
async fn unit(app: &TestApp, name: &str) -> i64 {
    civicbridge::units::model::create(
        &app.state.db,
        &civicbridge::units::rules::draft(name, "150102").unwrap(),
        T0,
    )
    .await
    .unwrap()
}

/// A published tender of `unit` drafted by `buyer`; bids close in ten days.
async fn tender(app: &TestApp, unit: i64, buyer: i64) -> i64 {
    let deadline = T0 + 10 * DAY;
    let f = rules::TenderForm {
        unit_id: unit.to_string(),
        title: "新城区社区居家养老服务项目".into(),
        description: "为辖区内高龄、独居老人提供助餐、助洁和探访服务。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "500000".into(),
        method: "open_tender".into(),
        eval_method: "lowest_price".into(),
        enquiry_deadline: rules::format_local(deadline - DAY),
        bid_deadline: rules::format_local(deadline),
        contract_months: "12".into(),
        milestone_name: vec!["全部".into()],
        milestone_percent: vec!["100".into()],
        ..Default::default()
    };
    app.publish_tender(unit, buyer, &f).await
}

const PROPOSAL: &str = "组建由持证社工和护理员组成的专业团队，每周上门探访并提供助餐服务。";

async fn bid(app: &TestApp, tender: i64, org: i64, user: i64) {
    let t = procurement::get(&app.state.db, tender)
        .await
        .unwrap()
        .unwrap();
    procurement::submit_bid(
        &app.state.db,
        &app.state.seal,
        &t,
        org,
        Fen(40_000_000),
        PROPOSAL,
        user,
        T0 + 10,
        app.clock().today(),
    )
    .await
    .unwrap()
    .unwrap();
}

async fn login(app: &TestApp, email: &str) -> Client {
    let mut c = app.client();
    c.login(email, PW).await;
    c
}

/// One column of every row of a query, as text (integers printed).
async fn column(app: &TestApp, sql: &str) -> Vec<String> {
    let db = &app.state.db;
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_string(),
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| {
        r.try_get::<String>("", "v")
            .or_else(|_| r.try_get::<i64>("", "v").map(|n| n.to_string()))
            .unwrap()
    })
    .collect()
}

/// The kinds of the notices in a user's inbox, oldest first.
async fn notices(app: &TestApp, user: i64) -> Vec<String> {
    column(
        app,
        &format!("SELECT kind AS v FROM user_notifications WHERE user_id = {user} ORDER BY id"),
    )
    .await
}

/// The (non-public) audit entries about a record: action, detail, actor.
async fn audit(
    app: &TestApp,
    entity: &str,
    id: i64,
) -> Vec<(String, serde_json::Value, Option<i64>)> {
    civicbridge::audit::timeline(&app.state.db, entity, id, false)
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            assert!(
                !e.public,
                "{} {} is on a public timeline",
                e.entity, e.action
            );
            (
                e.action,
                serde_json::from_str(&e.detail).unwrap(),
                e.actor_id,
            )
        })
        .collect()
}

async fn roles(app: &TestApp, user: i64) -> Vec<Role> {
    civicbridge::accounts::model::roles_of(&app.state.db, user)
        .await
        .unwrap()
}

async fn org_members(app: &TestApp, org: i64) -> Vec<String> {
    column(
        app,
        &format!("SELECT user_id || ':' || role AS v FROM org_members WHERE org_id = {org} ORDER BY user_id"),
    )
    .await
}

#[tokio::test]
async fn an_administrator_cannot_join_an_organization_or_a_unit() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.signed_in("admin@example.org", &[Role::Admin]).await;
    app.user("admin2@example.org", &[Role::Admin]).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "阳光养老服务中心").await;
    let u = unit(&app, "新城区民政局").await;
    let refusal = Lang::Zh.t("duties.refuse.admin_cannot_join");

    // Adding themself to an organization (the way to its sealed bids) is refused, the form
    // keeps what was typed, nothing is written.
    admin.get(&format!("/orgs/{org}")).await;
    let r = admin
        .post(
            &format!("/orgs/{org}/members"),
            &[
                ("email", "admin@example.org"),
                ("role", "admin"),
                ("reason", "临时协助投标"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.text(".form-errors").contains(&refusal),
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(r.value("#email").as_deref(), Some("admin@example.org"));
    assert_eq!(r.value("#reason").as_deref(), Some("临时协助投标"));
    // Nor another administrator.
    let r = admin
        .post(
            &format!("/orgs/{org}/members"),
            &[
                ("email", "admin2@example.org"),
                ("role", "member"),
                ("reason", "临时协助投标"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(org_members(&app, org).await, vec![format!("{owner}:admin")]);

    // Nor a buyer of a unit (the way to its buying powers).
    admin.get("/admin/units").await;
    let r = admin
        .post(
            &format!("/admin/units/{u}/members"),
            &[("email", "admin@example.org"), ("reason", "代为发布项目")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.text(".form-errors").contains(&refusal));
    assert_eq!(
        r.value(&format!("#unit-{u} input[name=reason]")).as_deref(),
        Some("代为发布项目")
    );
    assert_eq!(app.count("unit_members").await, 0);

    // Registering an organization would make them its administrator: refused too.
    assert_eq!(admin.get("/orgs/new").await.status, StatusCode::FORBIDDEN);
    let before = app.count("organizations").await;
    let values = common::org_form_values(9, "管理员自建机构");
    let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        admin.post("/orgs", &pairs).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("organizations").await, before);
    assert_eq!(app.count("user_notifications").await, 0);
}

#[tokio::test]
async fn rows_that_list_an_administrator_as_member_or_buyer_give_no_such_power() {
    let app = TestApp::new().await;
    let admin = app.user("admin@example.org", &[Role::Admin]).await;
    let owner = app.user("owner@example.org", &[]).await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let org = app.org(owner, 1, "阳光养老服务中心").await;
    let u = unit(&app, "新城区民政局").await;
    civicbridge::units::model::add_member(&app.state.db, u, buyer, T0)
        .await
        .unwrap();
    let t = tender(&app, u, buyer).await;
    bid(&app, t, org, owner).await;
    // Written around the operations (as before the rule): the policy ignores them.
    app.add_member(org, admin, OrgRole::Admin).await;
    civicbridge::units::model::add_member(&app.state.db, u, admin, T0)
        .await
        .unwrap();
    let mut c = login(&app, "admin@example.org").await;
    assert_eq!(
        c.get(&format!("/tenders/{t}/bid")).await.status,
        StatusCode::FORBIDDEN
    );
    let r = c
        .post(
            &format!("/tenders/{t}/bid/withdraw"),
            &[("org_id", &org.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        column(&app, "SELECT state AS v FROM bids").await,
        vec!["submitted".to_string()]
    );
    assert_eq!(c.get("/tenders/new").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        c.get(&format!("/tenders/{t}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    let me = c.get("/me").await;
    assert!(!me.text("#my-orgs").contains("阳光养老服务中心"));
    assert!(!me.text("#my-units").contains("新城区民政局"));
}

#[tokio::test]
async fn a_member_or_buyer_cannot_be_made_administrator_until_they_leave() {
    let app = TestApp::new().await;
    let (mut admin, _) = app.signed_in("admin@example.org", &[Role::Admin]).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "阳光养老服务中心").await;
    let member = app.user("member@example.org", &[]).await;
    app.add_member(org, member, OrgRole::Member).await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let u = unit(&app, "新城区民政局").await;
    civicbridge::units::model::add_member(&app.state.db, u, buyer, T0)
        .await
        .unwrap();
    let refusal = Lang::Zh.t("duties.refuse.member_cannot_be_admin");
    admin.get("/admin/users").await;
    for who in [member, buyer] {
        let r = admin
            .post(
                &format!("/admin/users/{who}/roles"),
                &[
                    ("role", "admin"),
                    ("grant", "1"),
                    ("confirm", "1"),
                    ("reason", "调任平台运维"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.text(&format!("#user-{who}")).contains(&refusal));
        assert_eq!(
            r.value(&format!("#reason-{who}")).as_deref(),
            Some("调任平台运维")
        );
        assert!(roles(&app, who).await.is_empty());
        assert!(audit(&app, "user", who).await.is_empty());
    }
    // Another role is fine for a member.
    let r = admin
        .post(
            &format!("/admin/users/{member}/roles"),
            &[
                ("role", "evaluator"),
                ("grant", "1"),
                ("confirm", "1"),
                ("reason", "入选评审专家库"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Once the member has left, the grant goes through.
    let mut o = login(&app, "owner@example.org").await;
    o.get(&format!("/orgs/{org}")).await;
    let r = o
        .post(
            &format!("/orgs/{org}/members/{member}/remove"),
            &[("reason", "调离本机构")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post(
            &format!("/admin/users/{member}/roles"),
            &[
                ("role", "admin"),
                ("grant", "1"),
                ("confirm", "1"),
                ("reason", "调任平台运维"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(roles(&app, member).await.contains(&Role::Admin));
}

#[tokio::test]
async fn evaluators_with_a_conflict_of_interest_are_not_assigned() {
    let app = TestApp::new().await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let u = unit(&app, "新城区民政局").await;
    civicbridge::units::model::add_member(&app.state.db, u, buyer, T0)
        .await
        .unwrap();
    let t = tender(&app, u, buyer).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "阳光养老服务中心").await;
    bid(&app, t, org, owner).await;
    // Fewer than three valid bids would end the tender at the opening.
    for n in 2..=3 {
        let o = app.user(&format!("owner{n}@example.org"), &[]).await;
        let other = app.org(o, n, &format!("青城社工服务中心{n}")).await;
        bid(&app, t, other, o).await;
    }
    // Buys for the tender's unit; belongs to the bidder; neither.
    let buying = app
        .user("buying-expert@example.org", &[Role::Evaluator])
        .await;
    civicbridge::units::model::add_member(&app.state.db, u, buying, T0)
        .await
        .unwrap();
    let member = app
        .user("member-expert@example.org", &[Role::Evaluator])
        .await;
    app.add_member(org, member, OrgRole::Member).await;
    app.user("expert@example.org", &[Role::Evaluator]).await;
    app.clock().advance(10 * DAY + 60);
    procurement::open_if_due(&app.state.db, &app.state.seal, t, app.clock().now())
        .await
        .unwrap();
    let mut b = login(&app, "buyer@example.org").await;
    b.get(&format!("/tenders/{t}")).await;
    for (email, key) in [
        (
            "buying-expert@example.org",
            "duties.conflict.evaluator_buyer",
        ),
        ("member-expert@example.org", "tender.refuse.conflict"),
    ] {
        let r = b
            .post(&format!("/tenders/{t}/evaluators"), &[("email", email)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert!(
            r.body.contains(&Lang::Zh.t(key)),
            "{email}: {}",
            r.text("main")
        );
        // The conflict is named, not the person.
        assert!(!Lang::Zh.t(key).contains(email));
    }
    assert_eq!(app.count("tender_evaluators").await, 0);
    let r = b
        .post(
            &format!("/tenders/{t}/evaluators"),
            &[("email", "expert@example.org")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("tender_evaluators").await, 1);
}

#[tokio::test]
async fn an_organization_whose_member_buys_for_the_unit_or_evaluates_cannot_bid() {
    let app = TestApp::new().await;
    let buyer = app.user("buyer@example.org", &[]).await;
    let u = unit(&app, "新城区民政局").await;
    civicbridge::units::model::add_member(&app.state.db, u, buyer, T0)
        .await
        .unwrap();
    let t = tender(&app, u, buyer).await;
    // The buyer is also a (plain) member of this organization.
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "阳光养老服务中心").await;
    app.add_member(org, buyer, OrgRole::Member).await;
    let mut o = login(&app, "owner@example.org").await;
    let page = format!("/tenders/{t}/bid");
    assert_eq!(o.get(&page).await.status, StatusCode::OK);
    let r = o
        .post(
            &page,
            &[
                ("org_id", &org.to_string()),
                ("price", "400000"),
                ("proposal", PROPOSAL),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = Lang::Zh.t("duties.conflict.bidder_buyer");
    assert!(r.body.contains(&message));
    assert!(!message.contains("buyer@example.org"));
    assert_eq!(app.count("bids").await, 0);

    // An organization without the conflict bids.
    let (mut other, other_id) = app.signed_in("other@example.org", &[]).await;
    let org2 = app.org(other_id, 2, "青城社工服务中心").await;
    other.get(&page).await;
    let r = other
        .post(
            &page,
            &[
                ("org_id", &org2.to_string()),
                ("price", "400000"),
                ("proposal", PROPOSAL),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("bids").await, 1);

    // A member listed as the tender's evaluator bars the organization too.
    let expert = app.user("expert@example.org", &[Role::Evaluator]).await;
    let (_, third_owner) = app.signed_in("third@example.org", &[]).await;
    let org3 = app.org(third_owner, 3, "草原公益服务中心").await;
    app.add_member(org3, expert, OrgRole::Member).await;
    app.state
        .db
        .execute_raw(Statement::from_string(
            app.state.db.get_database_backend(),
            format!(
                "INSERT INTO tender_evaluators (tender_id, user_id, assigned_at) VALUES ({t}, {expert}, {T0})"
            ),
        ))
        .await
        .unwrap();
    let mut third = login(&app, "third@example.org").await;
    third.get(&page).await;
    let r = third
        .post(
            &page,
            &[
                ("org_id", &org3.to_string()),
                ("price", "400000"),
                ("proposal", PROPOSAL),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains(&Lang::Zh.t("duties.conflict.bidder_evaluator"))
    );
    assert_eq!(app.count("bids").await, 1);
}

#[tokio::test]
async fn role_grants_and_membership_changes_need_a_reason_and_are_audited() {
    let app = TestApp::new().await;
    let (mut admin, admin_id) = app.signed_in("admin@example.org", &[Role::Admin]).await;
    let user = app.user("user@example.org", &[]).await;
    admin.get("/admin/users").await;
    // No reason, or too short a one: the form comes back with what was typed, nothing changes.
    for (reason, message) in [
        ("   ", Lang::Zh.t("form.required")),
        ("专家", Lang::Zh.tf("duties.reason_short", &[("min", "4")])),
    ] {
        let r = admin
            .post(
                &format!("/admin/users/{user}/roles"),
                &[
                    ("role", "evaluator"),
                    ("grant", "1"),
                    ("confirm", "1"),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{reason:?}");
        assert!(
            r.text(&format!("#user-{user}")).contains(&message),
            "{reason:?}"
        );
        assert_eq!(r.value(&format!("#reason-{user}")).as_deref(), Some(reason));
        assert_eq!(
            r.value(&format!("#role-{user} option[selected]"))
                .as_deref(),
            Some("evaluator")
        );
    }
    let long = "理".repeat(501);
    let r = admin
        .post(
            &format!("/admin/users/{user}/roles"),
            &[
                ("role", "evaluator"),
                ("grant", "1"),
                ("confirm", "1"),
                ("reason", &long),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(roles(&app, user).await.is_empty());
    assert!(audit(&app, "user", user).await.is_empty());
    for (grant, reason) in [("1", " 入选评审专家库 "), ("0", "专家库年度调整")] {
        let r = admin
            .post(
                &format!("/admin/users/{user}/roles"),
                &[
                    ("role", "evaluator"),
                    ("grant", grant),
                    ("confirm", "1"),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    assert_eq!(
        audit(&app, "user", user).await,
        vec![
            (
                "role_granted".to_string(),
                serde_json::json!({"user": user, "role": "evaluator", "reason": "入选评审专家库"}),
                Some(admin_id)
            ),
            (
                "role_revoked".to_string(),
                serde_json::json!({"user": user, "role": "evaluator", "reason": "专家库年度调整"}),
                Some(admin_id)
            ),
        ]
    );

    // Organization members: added, role changed, removed; each with its reason.
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 1, "阳光养老服务中心").await;
    owner.get(&format!("/orgs/{org}")).await;
    let r = owner
        .post(
            &format!("/orgs/{org}/members"),
            &[
                ("email", "user@example.org"),
                ("role", "member"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.value("#email").as_deref(), Some("user@example.org"));
    assert_eq!(org_members(&app, org).await.len(), 1);
    for (role, reason) in [("member", "新入职社工"), ("admin", "接任项目负责人")] {
        let r = owner
            .post(
                &format!("/orgs/{org}/members"),
                &[
                    ("email", "user@example.org"),
                    ("role", role),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = owner
        .post(
            &format!("/orgs/{org}/members/{user}/remove"),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.value(&format!("#remove-reason-{user}")).as_deref(),
        Some("x")
    );
    let r = owner
        .post(
            &format!("/orgs/{org}/members/{user}/remove"),
            &[("reason", "合同期满离职")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let changes: Vec<_> = audit(&app, "org", org)
        .await
        .into_iter()
        .filter(|(_, d, _)| d["user"] == user)
        .collect();
    assert_eq!(
        changes,
        vec![
            (
                "member_added".to_string(),
                serde_json::json!({"user": user, "role": "member", "from": null, "reason": "新入职社工"}),
                Some(owner_id)
            ),
            (
                "member_role_changed".to_string(),
                serde_json::json!({"user": user, "role": "admin", "from": "member", "reason": "接任项目负责人"}),
                Some(owner_id)
            ),
            (
                "member_removed".to_string(),
                serde_json::json!({"user": user, "role": null, "from": "admin", "reason": "合同期满离职"}),
                Some(owner_id)
            ),
        ]
    );

    // Unit buyers: added and removed, each with its reason.
    let u = unit(&app, "新城区民政局").await;
    admin.get("/admin/units").await;
    let r = admin
        .post(
            &format!("/admin/units/{u}/members"),
            &[("email", "user@example.org"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.value(&format!("#unit-{u} input[name=email]")).as_deref(),
        Some("user@example.org")
    );
    assert_eq!(app.count("unit_members").await, 0);
    let r = admin
        .post(
            &format!("/admin/units/{u}/members"),
            &[("email", "user@example.org"), ("reason", "新任采购经办人")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post(
            &format!("/admin/units/{u}/members/{user}/remove"),
            &[("reason", "岗位调整")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("unit_members").await, 0);
    assert_eq!(
        audit(&app, "unit", u).await,
        vec![
            (
                "buyer_added".to_string(),
                serde_json::json!({"user": user, "reason": "新任采购经办人"}),
                Some(admin_id)
            ),
            (
                "buyer_removed".to_string(),
                serde_json::json!({"user": user, "reason": "岗位调整"}),
                Some(admin_id)
            ),
        ]
    );
}

#[tokio::test]
async fn notices_reach_the_people_concerned_and_no_one_else() {
    let app = TestApp::new().await;
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 1, "阳光养老服务中心").await;
    let co_admin = app.user("co-admin@example.org", &[]).await;
    app.add_member(org, co_admin, OrgRole::Admin).await;
    let member = app.user("member@example.org", &[]).await;
    app.add_member(org, member, OrgRole::Member).await;
    let outsider = app.user("outsider@example.org", &[]).await;
    let newcomer = app.user("newcomer@example.org", &[]).await;
    let (mut admin, admin_id) = app.signed_in("admin@example.org", &[Role::Admin]).await;
    let other_admin = app.user("admin2@example.org", &[Role::Admin]).await;

    // An organization administrator adds someone: the other administrators and the newcomer
    // hear of it; the one acting, the plain member and outsiders do not.
    owner.get(&format!("/orgs/{org}")).await;
    let r = owner
        .post(
            &format!("/orgs/{org}/members"),
            &[
                ("email", "newcomer@example.org"),
                ("role", "member"),
                ("reason", "新入职社工"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let added = "org_member_added".to_string();
    assert_eq!(notices(&app, newcomer).await, vec![added.clone()]);
    assert_eq!(notices(&app, co_admin).await, vec![added.clone()]);
    for nobody in [owner_id, member, outsider, admin_id, other_admin] {
        assert!(notices(&app, nobody).await.is_empty(), "user {nobody}");
    }

    // The newcomer sees it in the header and in their inbox, in their language, and marks it.
    let mut n = login(&app, "newcomer@example.org").await;
    let page = n.get("/me/notifications?lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("#unread-count"), "1");
    let text = page.text("#notices");
    for part in ["阳光养老服务中心", "新入职社工", "owner@example.org"] {
        assert!(text.contains(part), "{text}");
    }
    assert!(text.contains(&Lang::En.t("org.role.member")), "{text}");
    // Marking another user's notice does nothing; marking all clears the count.
    let theirs = column(
        &app,
        &format!("SELECT id AS v FROM user_notifications WHERE user_id = {co_admin}"),
    )
    .await;
    let r = n
        .post("/me/notifications/read", &[("id", &theirs[0])])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let unread = |u: i64| {
        format!(
            "SELECT COUNT(*) AS v FROM user_notifications WHERE user_id = {u} AND read_at IS NULL"
        )
    };
    assert_eq!(column(&app, &unread(co_admin)).await, vec!["1"]);
    n.post("/me/notifications/read", &[]).await;
    assert_eq!(column(&app, &unread(newcomer)).await, vec!["0"]);
    assert_eq!(n.get("/me/notifications").await.count("#unread-count"), 0);

    // A platform administrator removes the newcomer: every organization administrator and
    // the newcomer hear of it.
    admin.get(&format!("/orgs/{org}")).await;
    let r = admin
        .post(
            &format!("/orgs/{org}/members/{newcomer}/remove"),
            &[("reason", "试用期未通过")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let removed = "org_member_removed".to_string();
    assert_eq!(
        notices(&app, newcomer).await,
        vec![added.clone(), removed.clone()]
    );
    assert_eq!(notices(&app, owner_id).await, vec![removed.clone()]);
    assert_eq!(notices(&app, co_admin).await, vec![added.clone(), removed]);
    for nobody in [member, outsider, admin_id, other_admin] {
        assert!(notices(&app, nobody).await.is_empty(), "user {nobody}");
    }

    // A role grant: the user and the other platform administrators.
    admin.get("/admin/users").await;
    let r = admin
        .post(
            &format!("/admin/users/{outsider}/roles"),
            &[
                ("role", "evaluator"),
                ("grant", "1"),
                ("confirm", "1"),
                ("reason", "入选评审专家库"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(notices(&app, outsider).await, vec!["role_granted"]);
    assert_eq!(notices(&app, other_admin).await, vec!["role_granted"]);
    assert!(notices(&app, admin_id).await.is_empty());
    assert!(notices(&app, member).await.is_empty());

    // Unit buyers: the unit's existing buyers and the user concerned.
    let u = unit(&app, "新城区民政局").await;
    admin.get("/admin/units").await;
    for email in ["member@example.org", "newcomer@example.org"] {
        let r = admin
            .post(
                &format!("/admin/units/{u}/members"),
                &[("email", email), ("reason", "新任采购经办人")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        notices(&app, member).await,
        vec!["unit_buyer_added", "unit_buyer_added"]
    );
    let r = admin
        .post(
            &format!("/admin/units/{u}/members/{member}/remove"),
            &[("reason", "岗位调整")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        notices(&app, member).await,
        vec!["unit_buyer_added", "unit_buyer_added", "unit_buyer_removed"]
    );
    assert_eq!(
        notices(&app, newcomer).await[2..],
        ["unit_buyer_added", "unit_buyer_removed"]
    );
    assert_eq!(notices(&app, owner_id).await.len(), 1);
    assert_eq!(notices(&app, other_admin).await.len(), 1);
    assert!(notices(&app, admin_id).await.is_empty());
}

#[tokio::test]
async fn members_are_removed_with_a_reason_but_never_the_last_administrator() {
    let app = TestApp::new().await;
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 1, "阳光养老服务中心").await;
    let (mut member, member_id) = app.signed_in("member@example.org", &[]).await;
    app.add_member(org, member_id, OrgRole::Member).await;
    let last = Lang::Zh.t("duties.refuse.last_org_admin");
    owner.get(&format!("/orgs/{org}")).await;
    // The only administrator can neither leave nor step down.
    let r = owner
        .post(
            &format!("/orgs/{org}/members/{owner_id}/remove"),
            &[("reason", "退出本机构")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains(&last));
    let r = owner
        .post(
            &format!("/orgs/{org}/members"),
            &[
                ("email", "owner@example.org"),
                ("role", "member"),
                ("reason", "卸任管理员"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains(&last));
    // A plain member removes no one.
    member.get(&format!("/orgs/{org}")).await;
    let r = member
        .post(
            &format!("/orgs/{org}/members/{owner_id}/remove"),
            &[("reason", "越权操作尝试")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(org_members(&app, org).await.len(), 2);
    // The administrator removes the member, who no longer sees the organization as theirs.
    let r = owner
        .post(
            &format!("/orgs/{org}/members/{member_id}/remove"),
            &[("reason", "合同期满离职")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        org_members(&app, org).await,
        vec![format!("{owner_id}:admin")]
    );
    assert!(
        !member
            .get("/me")
            .await
            .text("#my-orgs")
            .contains("阳光养老服务中心")
    );
    // With a second administrator the first may leave.
    app.user("second@example.org", &[]).await;
    let r = owner
        .post(
            &format!("/orgs/{org}/members"),
            &[
                ("email", "second@example.org"),
                ("role", "admin"),
                ("reason", "接任理事长"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = owner
        .post(
            &format!("/orgs/{org}/members/{owner_id}/remove"),
            &[("reason", "退出本机构")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(org_members(&app, org).await.len(), 1);
}

/// What the requester of a sign-up can observe: the answer's status, where it leads, which
/// cookies it sets (names and attributes, not values), the page it leads to, and whether
/// that client is now signed in.
async fn sign_up(
    app: &TestApp,
    email: &str,
) -> (StatusCode, Option<String>, Vec<String>, String, StatusCode) {
    let mut c = app.client();
    c.get("/signup").await;
    let r = c
        .post(
            "/signup",
            &[
                ("email", email),
                ("display_name", "张三"),
                ("password", "attacker-password-1"),
                ("password_confirm", "attacker-password-1"),
            ],
        )
        .await;
    let cookies = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| {
            let s = v.to_str().unwrap();
            let (name, rest) = s.split_once('=').unwrap();
            let attrs = rest.split_once(';').map(|(_, a)| a).unwrap_or("");
            format!("{name};{attrs}")
        })
        .collect();
    let next = match r.location() {
        Some(l) => c.get(l).await.text("main"),
        None => r.text("main"),
    };
    let me = c.get("/me").await.status;
    (
        r.status,
        r.location().map(str::to_string),
        cookies,
        next,
        me,
    )
}

#[tokio::test]
async fn sign_up_answers_a_registered_email_exactly_as_a_fresh_one() {
    let app = TestApp::new().await;
    let owner = app.user("taken@example.org", &[]).await;
    let fresh = sign_up(&app, "fresh@example.org").await;
    let taken = sign_up(&app, "Taken@Example.org").await;
    assert_eq!(fresh, taken);
    assert_eq!(fresh.0, StatusCode::SEE_OTHER);
    assert!(fresh.3.contains(&Lang::Zh.t("signup.done")), "{}", fresh.3);
    // Neither requester is signed in.
    assert_eq!(fresh.4, StatusCode::SEE_OTHER);
    // The fresh account exists and logs in; the registered one is unchanged and its owner,
    // alone, has a notice.
    assert_eq!(app.count("users").await, 2);
    let mut c = app.client();
    c.login("fresh@example.org", "attacker-password-1").await;
    let mut o = login(&app, "taken@example.org").await;
    assert_eq!(notices(&app, owner).await, vec!["signup_attempt"]);
    assert_eq!(app.count("user_notifications").await, 1);
    let inbox = o.get("/me/notifications").await;
    assert!(
        inbox
            .text("#notices")
            .contains(&Lang::Zh.t("inbox.kind.signup_attempt")),
        "{}",
        inbox.body
    );
    assert!(!inbox.body.contains("attacker-password-1"));
}
