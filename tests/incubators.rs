//! Incubators through HTTP: an administrator creates incubators and assigns managers (only
//! holders of the role, each managing only the incubators assigned); the public directory
//! filters by level and league/city; a group in preparation and a registered organization
//! apply; managers keep the checklist, review, write and decide; admission creates a tenant
//! shown on the public page and makes the organization `incubated` in a tender's matches,
//! with the incubator named in the reason. Other users, other managers and anonymous
//! visitors are refused without learning which applications exist; bad input comes back as
//! the same form with 422 and nothing written.

use crate::common;

use crate::common::{Client, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::Role;

/// The admin's form for an incubator in Hohhot (league/city level).
fn incubator_fields(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_string()),
        ("i_league", "150100".into()),
        ("i_county", String::new()),
        ("operator_uscc", String::new()),
        ("operator_unit", String::new()),
        ("address", "呼和浩特市新城区政务服务中心三楼".into()),
        ("services", "办公场地、登记辅导、能力培训".into()),
        ("capacity", "2".into()),
    ]
}

async fn post(c: &mut Client, path: &str, fields: &[(&str, String)]) -> common::Resp {
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(path, &f).await
}

/// The id at the end of a redirect's location.
fn id_in(r: &common::Resp) -> i64 {
    let l = r.location().expect("a redirect");
    l.trim_end_matches(|c: char| !c.is_ascii_digit())
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no id in {l}"))
}

struct World {
    admin: Client,
    manager: Client,
    manager_id: i64,
    incubator: i64,
}

/// An incubator with one assigned manager and a two-item checklist.
async fn world(app: &TestApp) -> World {
    let (mut admin, _) = app.signed_in("admin@example.org", &[Role::Admin]).await;
    let (mut manager, manager_id) = app
        .signed_in("manager@example.org", &[Role::IncubatorManager])
        .await;
    let r = post(
        &mut admin,
        "/admin/incubators",
        &incubator_fields("呼和浩特市社会组织孵化基地"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let incubator = id_in(&r);
    let r = post(
        &mut admin,
        &format!("/admin/incubators/{incubator}/managers"),
        &[("email", "manager@example.org".into())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for label in ["发起人材料齐全", "服务计划清晰"] {
        manager
            .get(&format!("/incubators/{incubator}/applications"))
            .await;
        let r = post(
            &mut manager,
            &format!("/incubators/{incubator}/checklist"),
            &[("label", label.into())],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    World {
        admin,
        manager,
        manager_id,
        incubator,
    }
}

/// A buyer of the Hohhot civil-affairs bureau and its published elderly-care tender (whose
/// matches show whether an organization is incubated).
async fn elderly_tender(app: &TestApp) -> (Client, i64) {
    let (buyer, buyer_id) = app.signed_in("buyer@example.org", &[]).await;
    let db = &app.state.db;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft("呼和浩特市民政局", "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer_id, T0)
        .await
        .unwrap();
    let deadline = T0 + 10 * 86_400;
    let tender = app
        .publish_tender(
            unit,
            buyer_id,
            &civicbridge::procurement::rules::TenderForm {
                unit_id: unit.to_string(),
                title: "社区居家养老服务项目".into(),
                description: "为辖区老人提供助餐和探访服务。".into(),
                domain: "elderly".into(),
                t_league: "150100".into(),
                budget: "100000".into(),
                method: "open_tender".into(),
                eval_method: "lowest_price".into(),
                enquiry_deadline: civicbridge::procurement::rules::format_local(deadline - 86_400),
                bid_deadline: civicbridge::procurement::rules::format_local(deadline),
                contract_months: "12".into(),
                milestone_name: vec!["全部".into()],
                milestone_percent: vec!["100".into()],
                ..Default::default()
            },
        )
        .await;
    (buyer, tender)
}

fn group_fields(name: &str, action: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "group".into()),
        ("org_id", String::new()),
        ("name", name.into()),
        ("founders", "张三、李四、王五".into()),
        ("domain", "elderly".into()),
        (
            "plan",
            "为社区老人提供上门探访和助餐服务，一年内完成登记。".into(),
        ),
        ("action", action.into()),
    ]
}

#[tokio::test]
async fn admin_creates_incubators_and_the_directory_filters_them() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let mut admin = w.admin;
    // Bad input: the same form, 422, typed values kept, a message next to each field.
    let before = app.count("incubators").await;
    let bad = vec![
        ("name", "x".to_string()),
        ("i_league", "150200".into()),
        ("i_county", "150102".into()),
        ("operator_uscc", "123".into()),
        ("operator_unit", "999999".into()),
        ("address", "地址\u{0}".into()),
        ("services", String::new()),
        ("capacity", "0".into()),
    ];
    let r = post(&mut admin, "/admin/incubators", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in [
        "name",
        "i_county",
        "operator_uscc",
        "operator_unit",
        "address",
        "services",
        "capacity",
    ] {
        assert!(
            r.count(&format!(".field.has-error #{f}")) == 1
                || r.count(&format!(".has-error [name={f}]")) == 1,
            "{f}: {}",
            r.text(".form-errors")
        );
    }
    assert_eq!(r.value("input[name=name]").as_deref(), Some("x"));
    assert_eq!(app.count("incubators").await, before, "nothing written");
    // A name already taken; a USCC nobody holds.
    let r = post(
        &mut admin,
        "/admin/incubators",
        &incubator_fields("呼和浩特市社会组织孵化基地"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#name-error").contains("同名"));
    let mut f = incubator_fields("包头市孵化基地");
    f[3].1 = common::uscc(77);
    let r = post(&mut admin, "/admin/incubators", &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#operator_uscc-error").is_empty());
    // A region-level and a banner-level incubator, the latter operated by an organization.
    let (_, owner) = app.signed_in("owner@example.org", &[]).await;
    app.org(owner, 5, "青城社工服务中心").await;
    let mut region = incubator_fields("内蒙古自治区社会组织孵化基地");
    region[1].1.clear();
    assert_eq!(
        post(&mut admin, "/admin/incubators", &region).await.status,
        StatusCode::SEE_OTHER
    );
    let mut banner = incubator_fields("土默特左旗社会组织孵化园");
    banner[2].1 = "150121".into();
    banner[3].1 = common::uscc(5);
    let r = post(&mut admin, "/admin/incubators", &banner).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let banner_id = id_in(&r);

    let mut public = app.client();
    let r = public.get("/incubators").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("table.incubators tbody tr"), 3);
    let r = public.get("/incubators?level=banner_county").await;
    assert_eq!(r.count("table.incubators tbody tr"), 1);
    assert!(
        r.text("table.incubators")
            .contains("土默特左旗社会组织孵化园")
    );
    let r = public.get("/incubators?league=150100&lang=en").await;
    assert_eq!(r.count("table.incubators tbody tr"), 2, "not the region's");
    assert!(r.text("h1").contains("Incubators"));
    let r = public.get(&format!("/incubators/{banner_id}")).await;
    assert!(r.text("dl.props").contains("青城社工服务中心"), "operator");
    assert!(r.text("dl.props").contains("旗县") || r.text("dl.props").contains("旗"));
    // Nobody but an administrator edits or assigns.
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    let r = post(
        &mut plain,
        "/admin/incubators",
        &incubator_fields("私建基地"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut manager = w.manager;
    let r = post(
        &mut manager,
        &format!("/admin/incubators/{}/managers", w.incubator),
        &[("email", "plain@example.org".into())],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Only a holder of the role can be assigned.
    admin.get(&format!("/admin/incubators/{banner_id}")).await;
    let r = post(
        &mut admin,
        &format!("/admin/incubators/{banner_id}/managers"),
        &[("email", "plain@example.org".into())],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#email-error").contains("角色"));
    assert_eq!(
        r.value("input[name=email]").as_deref(),
        Some("plain@example.org")
    );
    // The manager got a notice of the assignment.
    let n = app.count("user_notifications").await;
    assert!(n >= 1);
    // Removing a manager asks first, then removes.
    let path = format!(
        "/admin/incubators/{}/managers/{}/remove",
        w.incubator, w.manager_id
    );
    let r = admin.post(&path, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.count("incubator_managers").await, 1, "not yet");
    let r = admin.post(&path, &[("confirm", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("incubator_managers").await, 0);
}

#[tokio::test]
async fn a_group_applies_is_reviewed_and_admitted_and_others_see_nothing() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let mut manager = w.manager;
    let inc = w.incubator;
    let (mut founder, _) = app.signed_in("founder@example.org", &[]).await;
    founder.get(&format!("/incubators/{inc}/apply")).await;
    // Bad input first: 422, values kept, nothing written.
    let mut bad = group_fields("", "submit");
    bad[5].1 = "太短".into();
    bad[4].1 = "unknown".into();
    let r = post(&mut founder, &format!("/incubators/{inc}/apply"), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["name-error", "domain-error", "plan-error"] {
        assert_eq!(r.count(&format!("#{id}")), 1, "{id}");
    }
    assert_eq!(r.text("textarea[name=plan]"), "太短");
    assert_eq!(app.count("incubator_applications").await, 0);
    // A draft: the managers do not see it.
    let r = post(
        &mut founder,
        &format!("/incubators/{inc}/apply"),
        &group_fields("青城助老志愿队", "save"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let app_id = id_in(&r);
    let page = format!("/incubator-applications/{app_id}");
    assert_eq!(manager.get(&page).await.status, StatusCode::NOT_FOUND);
    let list = manager
        .get(&format!("/incubators/{inc}/applications"))
        .await;
    assert_eq!(list.count("#applications tbody tr"), 0);
    // Applying again while it is open: 422, nothing written.
    let r = post(
        &mut founder,
        &format!("/incubators/{inc}/apply"),
        &group_fields("另一个团队", "submit"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains("未被驳回"));
    assert_eq!(app.count("incubator_applications").await, 1);
    // The applicant submits the draft from its page.
    let r = founder.get(&page).await;
    assert_eq!(
        r.value("input[name=name]").as_deref(),
        Some("青城助老志愿队")
    );
    let r = post(
        &mut founder,
        &format!("{page}/edit"),
        &group_fields("青城助老志愿队", "submit"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = founder.get(&page).await;
    assert_eq!(r.text(".badge-app-submitted"), "已提交");
    // Once submitted, the draft form is gone and editing is refused.
    assert_eq!(r.count("#draft"), 0);
    let r = post(
        &mut founder,
        &format!("{page}/edit"),
        &group_fields("改名", "save"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Who sees it: the manager and a regulator; not another manager, a stranger, the public.
    let list = manager
        .get(&format!("/incubators/{inc}/applications"))
        .await;
    assert_eq!(list.count("#applications tbody tr"), 1);
    assert_eq!(manager.get(&page).await.status, StatusCode::OK);
    let (mut regulator, _) = app.signed_in("reg@example.org", &[Role::Regulator]).await;
    assert_eq!(regulator.get(&page).await.status, StatusCode::OK);
    let (mut other_manager, _) = app
        .signed_in("other-manager@example.org", &[Role::IncubatorManager])
        .await;
    let (mut stranger, _) = app.signed_in("stranger@example.org", &[]).await;
    for c in [&mut other_manager, &mut stranger] {
        let seen = c.get(&page).await;
        let missing = c.get("/incubator-applications/999999").await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND);
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "alike");
        let r = c
            .post(&format!("{page}/decide"), &[("step", "admit")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        other_manager
            .get(&format!("/incubators/{inc}/applications"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app.client().get(&page).await;
    assert!(r.location().is_some_and(|l| l.starts_with("/login")));
    // A regulator sees but does not decide.
    let r = regulator
        .post(&format!("{page}/decide"), &[("step", "review")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Review: admission waits for the checklist.
    manager.get(&page).await;
    let r = manager
        .post(&format!("{page}/decide"), &[("step", "admit")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#step-error").contains("当前状态"));
    let r = manager
        .post(&format!("{page}/decide"), &[("step", "review")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = manager
        .post(&format!("{page}/decide"), &[("step", "admit")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#step-error").contains("审核清单"));
    assert_eq!(app.count("incubator_tenants").await, 0);
    // A rejection needs a reason.
    let r = manager
        .post(
            &format!("{page}/decide"),
            &[("step", "reject"), ("reason", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#reason-error"), 1);
    assert_eq!(
        r.value("select[name=step] option[selected]").as_deref(),
        Some("reject")
    );
    // Findings on each item; a bad one comes back with its note kept.
    let r = manager.get(&page).await;
    let items: Vec<String> = {
        let sel = scraper::Selector::parse("form.check-form input[name=item_id]").unwrap();
        r.doc()
            .select(&sel)
            .map(|e| e.value().attr("value").unwrap().to_string())
            .collect()
    };
    assert_eq!(items.len(), 2);
    let r = manager
        .post(
            &format!("{page}/checks"),
            &[("item_id", &items[0]), ("met", "maybe"), ("note", "待核")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("待核"));
    assert_eq!(app.count("incubator_checks").await, 0);
    for item in &items {
        let r = manager
            .post(
                &format!("{page}/checks"),
                &[("item_id", item), ("met", "1"), ("note", "已核实")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let r = manager
        .post(&format!("{page}/messages"), &[("body", "请下周来面谈。")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = manager
        .post(&format!("{page}/messages"), &[("body", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = manager
        .post(&format!("{page}/decide"), &[("step", "interview")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = manager
        .post(&format!("{page}/decide"), &[("step", "admit")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.count("incubator_tenants").await, 1);

    // The applicant sees the state and the message, on the page, in /me and the inbox.
    let r = founder.get(&page).await;
    assert_eq!(r.text(".badge-app-admitted"), "已入驻");
    assert!(r.text("#messages").contains("请下周来面谈。"));
    assert_eq!(
        r.count("form.check-form"),
        0,
        "findings are the managers' to keep"
    );
    let me = founder.get("/me").await;
    assert!(
        me.text("#my-incubator-applications")
            .contains("青城助老志愿队")
    );
    let inbox = founder.get("/me/notifications").await;
    assert!(inbox.body.contains("已入驻"), "{}", inbox.body);
    // The manager sees the incubator in /me.
    assert!(
        manager
            .get("/me")
            .await
            .text("#my-incubators")
            .contains("呼和浩特市社会组织孵化基地")
    );
    // The public page lists the group by name only.
    let r = app.client().get(&format!("/incubators/{inc}")).await;
    assert!(r.text("#tenants").contains("青城助老志愿队"));
    assert!(!r.body.contains("张三"), "founders are not public");
    // A finished application takes no more steps.
    let r = manager
        .post(
            &format!("{page}/decide"),
            &[("step", "reject"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let _ = T0;
}

#[tokio::test]
async fn an_admitted_organization_is_incubated_in_a_tenders_matches() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let mut manager = w.manager;
    let inc = w.incubator;
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 3, "青城养老服务中心").await;
    let (mut member, member_id) = app.signed_in("member@example.org", &[]).await;
    app.add_member(org, member_id, civicbridge::accounts::OrgRole::Member)
        .await;
    // The form offers the organization with its registry USCC.
    let r = owner.get(&format!("/incubators/{inc}/apply")).await;
    assert!(
        r.text("select[name=org_id]").contains(&common::uscc(3)),
        "{}",
        r.text("select[name=org_id]")
    );
    // A mere member cannot apply for it.
    member.get(&format!("/incubators/{inc}/apply")).await;
    let mut f = group_fields("", "submit");
    f[0].1 = "org".into();
    f[1].1 = org.to_string();
    let r = post(&mut member, &format!("/incubators/{inc}/apply"), &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#org_id-error"), 1);
    // An organization a regulator has not verified yet does not apply (issue 11); nothing
    // is written and the form says why, next to the organization.
    let newcomer = app.unverified_org(owner_id, 4, "青城新登记服务中心").await;
    let before = app.count("incubator_applications").await;
    let mut g = f.clone();
    g[1].1 = newcomer.to_string();
    let r = post(&mut owner, &format!("/incubators/{inc}/apply"), &g).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#org_id-error").contains("核验"), "{}", r.body);
    assert_eq!(app.count("incubator_applications").await, before);
    let r = post(&mut owner, &format!("/incubators/{inc}/apply"), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = format!("/incubator-applications/{}", id_in(&r));
    assert!(
        owner
            .get(&page)
            .await
            .text("dl.props")
            .contains(&common::uscc(3))
    );

    // A buyer's tender in the organization's domain, before and after admission.
    let (mut buyer, tender) = elderly_tender(&app).await;
    let matches = format!("/tenders/{tender}/matches?org={org}&lang=en");
    let r = buyer.get(&matches).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.text(".lookup-result").contains("Not incubated"),
        "{}",
        r.text(".lookup-result")
    );

    manager.get(&page).await;
    for step in ["review"] {
        manager
            .post(&format!("{page}/decide"), &[("step", step)])
            .await;
    }
    let r = manager.get(&page).await;
    let sel = scraper::Selector::parse("form.check-form input[name=item_id]").unwrap();
    let items: Vec<String> = r
        .doc()
        .select(&sel)
        .map(|e| e.value().attr("value").unwrap().to_string())
        .collect();
    for item in &items {
        manager
            .post(
                &format!("{page}/checks"),
                &[("item_id", item), ("met", "1"), ("note", "")],
            )
            .await;
    }
    let r = manager
        .post(&format!("{page}/decide"), &[("step", "admit")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let r = buyer.get(&matches).await;
    let text = r.text(".lookup-result");
    assert!(
        text.contains("Tenant of 呼和浩特市社会组织孵化基地"),
        "the reason names the incubator: {text}"
    );
    let r = buyer
        .get(&format!("/tenders/{tender}/matches?org={org}&lang=zh-CN"))
        .await;
    assert!(
        r.text(".lookup-result")
            .contains("呼和浩特市社会组织孵化基地在孵机构")
    );
    // The incubator's public page links the organization's profile.
    let r = app.client().get(&format!("/incubators/{inc}")).await;
    assert_eq!(r.count(&format!("#tenants a[href='/orgs/{org}']")), 1);
    // One of the two places is taken.
    assert!(
        r.text("dl.props").contains("已入驻 1 家，共 2 个名额"),
        "{}",
        r.text("dl.props")
    );
}

/// Eight simultaneous applications by one user to one incubator: exactly one is written,
/// the others come back as the form with the message (the check runs in the incubator's
/// turn on both databases).
#[tokio::test]
async fn simultaneous_applications_make_one() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let inc = w.incubator;
    app.user("twice@example.org", &[]).await;
    let mut clients = Vec::new();
    for _ in 0..8 {
        let mut c = app.client();
        c.login("twice@example.org", common::PW).await;
        clients.push(c);
    }
    let path = format!("/incubators/{inc}/apply");
    let fields = group_fields("同时申请的团队", "submit");
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let results =
        futures_util::future::join_all(clients.iter_mut().map(|c| c.post(&path, &f))).await;
    let won = results
        .iter()
        .filter(|r| r.status == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(won, 1);
    for r in results.iter().filter(|r| r.status != StatusCode::SEE_OTHER) {
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text(".form-errors").contains("未被驳回"));
    }
    assert_eq!(app.count("incubator_applications").await, 1);
}

/// A group admitted before registration becomes its organization when its founder registers
/// it (issue 12 point 2): the tenancy and the application get the organization, keeping the
/// tenant's history and id; the incubator's page links the profile; the organization is
/// incubated for matching; a user who founded no group registers as before.
#[tokio::test]
async fn a_group_admitted_before_registration_becomes_its_organization() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::new().await;
    let w = world(&app).await;
    let mut manager = w.manager;
    let inc = w.incubator;
    let (mut founder, _) = app.signed_in("founder@example.org", &[]).await;
    founder.get(&format!("/incubators/{inc}/apply")).await;
    let r = post(
        &mut founder,
        &format!("/incubators/{inc}/apply"),
        &group_fields("青城助老志愿队", "submit"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let app_id = id_in(&r);
    let page = format!("/incubator-applications/{app_id}");
    manager.get(&page).await;
    manager
        .post(&format!("{page}/decide"), &[("step", "review")])
        .await;
    let r = manager.get(&page).await;
    let sel = scraper::Selector::parse("form.check-form input[name=item_id]").unwrap();
    let items: Vec<String> = r
        .doc()
        .select(&sel)
        .map(|e| e.value().attr("value").unwrap().to_string())
        .collect();
    for item in &items {
        manager
            .post(
                &format!("{page}/checks"),
                &[("item_id", item), ("met", "1"), ("note", "")],
            )
            .await;
    }
    let r = manager
        .post(&format!("{page}/decide"), &[("step", "admit")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let db = &app.state.db;
    let tenant = civicbridge::incubators::residents_of(db, inc)
        .await
        .unwrap()[0]
        .clone();
    assert_eq!(tenant.org_id, None);
    let tenant_page = format!("/incubator-tenants/{}", tenant.id);
    // The tenant already has history: a guidance session.
    manager.get(&tenant_page).await;
    let r = manager
        .post(
            &format!("{tenant_page}/guidance"),
            &[
                ("mentor", "李督导"),
                ("topic", "登记材料准备"),
                ("held_at", "2026-11-20T09:00"),
                ("hours", "1"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The founder registers the organization the group became (under a new name).
    let org_form = |n: u32, name: &str| -> Vec<(&'static str, String)> {
        let mut v: Vec<(&'static str, String)> =
            common::org_form_values(n, name).into_iter().collect();
        v.push(("domains", "elderly".into()));
        v
    };
    founder.get("/orgs/new").await;
    let r = post(&mut founder, "/orgs", &org_form(5, "青城助老服务中心")).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let org = id_in(&r);

    // The same tenant, now the organization, with its history.
    let t = civicbridge::incubators::graduation::model::tenant(db, tenant.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.org_id, Some(org));
    assert_eq!(t.state, "resident");
    let r = founder.get(&tenant_page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.count(&format!("a[href='/orgs/{org}']")) >= 1,
        "{}",
        r.body
    );
    assert_eq!(r.count("#services li.guidance"), 1, "history kept");
    let r = founder.get(&page).await;
    assert!(
        r.text("dl.props").contains(&common::uscc(5)),
        "{}",
        r.text("dl.props")
    );
    let r = app.client().get(&format!("/incubators/{inc}")).await;
    assert_eq!(r.count(&format!("#tenants a[href='/orgs/{org}']")), 1);
    let audited = |action: &'static str| async move {
        db.query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM audit_events \
                 WHERE entity = 'incubator_tenant' AND action = '{action}'"
            ),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
    };
    assert_eq!(audited("linked_to_org").await, 1);
    // Matching sees the organization as incubated here.
    let incubated = civicbridge::incubators::incubated_orgs(db, T0, 24)
        .await
        .unwrap();
    assert!(incubated.contains_key(&org));

    // A user who founded no group registers as before: nothing is linked.
    let (mut other, _) = app.signed_in("other@example.org", &[]).await;
    other.get("/orgs/new").await;
    let r = post(&mut other, "/orgs", &org_form(6, "另一家服务中心")).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(audited("linked_to_org").await, 1);
    // Registering a second organization later links nothing more.
    founder.get("/orgs/new").await;
    let r = post(&mut founder, "/orgs", &org_form(7, "青城助老第二中心")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        civicbridge::incubators::graduation::model::tenant(db, tenant.id)
            .await
            .unwrap()
            .unwrap()
            .org_id,
        Some(org)
    );
    app.check_invariants().await.unwrap();
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A JPEG carrying an Exif segment with a recognizable GPS note.
fn jpeg_with_exif() -> Vec<u8> {
    let mut plain = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        1600,
        900,
        image::Rgb([60, 120, 200]),
    ))
    .write_to(
        &mut std::io::Cursor::new(&mut plain),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    let payload = b"Exif\0\0GPS-SECRET-PLACE";
    let len = (payload.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&plain[2..]);
    out
}

/// Posts the photo form (multipart: the token first, the caption, then the file) the way a
/// browser does.
async fn upload(c: &mut Client, inc: i64, caption: &str, bytes: &[u8]) -> common::Resp {
    upload_ordered(c, inc, caption, bytes, false).await
}

/// The upload form's parts, the caption before the file or (`caption_last`) after it.
async fn upload_ordered(
    c: &mut Client,
    inc: i64,
    caption: &str,
    bytes: &[u8],
    caption_last: bool,
) -> common::Resp {
    use axum::body::Body;
    use axum::http::{Request, header};
    let token = c.csrf.clone().unwrap_or_default();
    let caption_part =
        format!("--bnd\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n{caption}\r\n");
    let mut body =
        format!("--bnd\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n")
            .into_bytes();
    if !caption_last {
        body.extend_from_slice(caption_part.as_bytes());
    }
    body.extend_from_slice(
        b"--bnd\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"photo.jpg\"\r\n\
          Content-Type: image/jpeg\r\n\r\n",
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n");
    if caption_last {
        body.extend_from_slice(caption_part.as_bytes());
    }
    body.extend_from_slice(b"--bnd--\r\n");
    let cookies = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = Request::builder()
        .method("POST")
        .uri(format!("/incubators/{inc}/photos"))
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=bnd")
        .body(Body::from(body))
        .unwrap();
    c.request(req).await
}

/// Files under the app's incubator-photo directory.
fn photo_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(app.state.config.data_dir.join("incubators"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// The incubator's photos (id, caption, position) in their order.
async fn photo_rows(app: &TestApp, inc: i64) -> Vec<(i64, String, i32)> {
    civicbridge::incubators::photos::photos_of(&app.state.db, &[inc])
        .await
        .unwrap()
        .remove(&inc)
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p.id, p.caption, p.position))
        .collect()
}

async fn incubator_audits(app: &TestApp, action: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.state.db;
    db.query_one_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM audit_events \
             WHERE entity = 'incubator' AND action = '{action}'"
        ),
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get::<i64>("", "n")
    .unwrap()
}

/// Photos of an incubator (issue 12 point 1): its managers and platform administrators add
/// them with a caption (typed by content, re-encoded without EXIF, at most 8), order them
/// and choose the cover, and remove them; the directory shows the cover and the page the
/// gallery, served with cache headers. Bad files and captions come back as 422 naming the
/// problem with nothing written; another incubator's manager, a regulator or a plain user
/// finds nothing (404, like a missing incubator); every change is audited.
#[tokio::test]
async fn managers_keep_an_incubators_photos_and_the_public_sees_them() {
    use axum::http::header;
    let app = TestApp::new().await;
    let w = world(&app).await;
    let (mut admin, mut manager, inc) = (w.admin, w.manager, w.incubator);
    // A second incubator with its own manager.
    let (mut other, _) = app
        .signed_in("other-manager@example.org", &[Role::IncubatorManager])
        .await;
    let r = post(
        &mut admin,
        "/admin/incubators",
        &incubator_fields("包头市社会组织孵化基地"),
    )
    .await;
    let other_inc = id_in(&r);
    post(
        &mut admin,
        &format!("/admin/incubators/{other_inc}/managers"),
        &[("email", "other-manager@example.org".into())],
    )
    .await;
    let page = format!("/incubators/{inc}/photos");

    // The page offers its keepers the way in; the public sees "no photos yet".
    let r = manager.get(&format!("/incubators/{inc}")).await;
    assert_eq!(r.count(&format!("#photos a[href='{page}']")), 1);
    let r = app.client().get(&format!("/incubators/{inc}")).await;
    assert_eq!(r.count(&format!("a[href='{page}']")), 0);
    assert_eq!(r.count("#photos img"), 0);
    let r = manager.get(&page).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.count("form[enctype='multipart/form-data'] input[name=caption]"),
        1
    );

    // Bad files and captions: 422 naming the problem, the caption kept, nothing written.
    let mut broken_png = b"\x89PNG\r\n\x1a\n".to_vec();
    broken_png.extend_from_slice(&[7u8; 100]);
    let mut huge = png(50, 50);
    huge.resize(5 * 1024 * 1024 + 10, 0);
    for (caption, bytes, field, says) in [
        ("活动室", b"%PDF-1.4 a document".to_vec(), "photo", "JPEG"),
        (
            "活动室",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec(),
            "photo",
            "JPEG",
        ),
        ("活动室", broken_png, "photo", "损坏"),
        ("活动室", huge, "photo", "5 MB"),
        ("活动室", Vec::new(), "photo", "请选择"),
        (&"长".repeat(121)[..], png(40, 30), "caption", "120"),
        ("活动\u{7}室", png(40, 30), "caption", ""),
    ] {
        let r = upload(&mut manager, inc, caption, &bytes).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{caption}: {}",
            r.body
        );
        let msg = r.text(&format!("#{field}-error"));
        assert!(!msg.is_empty() && msg.contains(says), "{field}: {msg}");
        // A file refused while it is read (past 5 MB) keeps the caption too (issue 12).
        if !caption.chars().any(char::is_control) {
            assert_eq!(r.value("input[name=caption]").as_deref(), Some(caption));
        }
    }
    // The caption sent after a file past 5 MB comes back too.
    let mut huge = png(50, 50);
    huge.resize(5 * 1024 * 1024 + 10, 0);
    let r = upload_ordered(&mut manager, inc, "多功能厅", &huge, true).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.text("#photo-error").contains("5 MB"));
    assert_eq!(r.value("input[name=caption]").as_deref(), Some("多功能厅"));
    assert_eq!(app.count("incubator_photos").await, 0);
    assert!(photo_files(&app).is_empty());
    assert_eq!(incubator_audits(&app, "photo_added").await, 0);

    // Three photos: a large JPEG with EXIF becomes two clean JPEG renditions.
    for (caption, bytes) in [
        ("共享办公区", jpeg_with_exif()),
        ("培训教室", png(640, 420)),
        ("", png(300, 200)),
    ] {
        manager.get(&page).await;
        let r = upload(&mut manager, inc, caption, &bytes).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), Some(page.as_str()));
    }
    let rows = photo_rows(&app, inc).await;
    assert_eq!(
        rows.iter()
            .map(|(_, c, p)| (c.as_str(), *p))
            .collect::<Vec<_>>(),
        [("共享办公区", 1), ("培训教室", 2), ("", 3)]
    );
    let (p1, p2, p3) = (rows[0].0, rows[1].0, rows[2].0);
    let files = photo_files(&app);
    assert_eq!(files.len(), 6);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "{}", f.display());
        assert!(!bytes.windows(10).any(|w| w == b"GPS-SECRET"));
    }

    // The public: the directory shows the cover, the page the gallery in order, with
    // captions, each thumbnail linking its large rendition; both served as cacheable JPEG.
    let mut anon = app.client();
    let cover = |p: i64| format!("img.incubator-cover[src='/incubators/{inc}/photos/{p}/thumb']");
    let r = anon.get("/incubators").await;
    assert_eq!(r.count(&cover(p1)), 1, "{}", r.body);
    assert_eq!(r.count("img.incubator-cover"), 1);
    let r = anon.get(&format!("/incubators/{inc}")).await;
    let srcs: Vec<String> = r
        .doc()
        .select(&scraper::Selector::parse("#photos img").unwrap())
        .map(|e| e.value().attr("src").unwrap().to_string())
        .collect();
    assert_eq!(
        srcs,
        [p1, p2, p3].map(|p| format!("/incubators/{inc}/photos/{p}/thumb"))
    );
    assert_eq!(
        r.count(&format!(
            "#photos a[href='/incubators/{inc}/photos/{p1}/large']"
        )),
        1
    );
    assert!(r.text("#photos figcaption").contains("共享办公区"));
    for size in ["thumb", "large"] {
        let r = anon
            .get(&format!("/incubators/{inc}/photos/{p1}/{size}"))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers[header::CONTENT_TYPE], "image/jpeg");
        assert!(
            r.headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
    }
    // A photo is not served under another incubator's id.
    let r = anon
        .get(&format!("/incubators/{other_inc}/photos/{p1}/thumb"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Order and cover.
    let mv = |p: i64| format!("{page}/{p}/move");
    let r = manager.post(&mv(p3), &[("to", "cover")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = manager.post(&mv(p1), &[("to", "down")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The first moved up changes nothing (and writes nothing).
    let r = manager.post(&mv(p3), &[("to", "up")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = manager.post(&mv(p3), &[("to", "sideways")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        photo_rows(&app, inc)
            .await
            .iter()
            .map(|(id, _, p)| (*id, *p))
            .collect::<Vec<_>>(),
        [(p3, 1), (p2, 2), (p1, 3)]
    );
    assert_eq!(incubator_audits(&app, "photo_moved").await, 2);
    let r = anon.get("/incubators").await;
    assert_eq!(r.count(&cover(p3)), 1, "the new cover");
    let r = manager.get(&page).await;
    assert_eq!(r.count(".photo-order li:first-child .badge-cover"), 1);

    // Others: another incubator's manager, a regulator, a plain user find nothing, like a
    // missing incubator; anonymous visitors are sent to log in. Nothing changes.
    let (mut regulator, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    for c in [&mut other, &mut regulator, &mut plain] {
        c.get("/incubators").await;
        assert_eq!(c.get(&page).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            c.get("/incubators/999999/photos").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            upload(c, inc, "闯入", &png(40, 30)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.post(&mv(p1), &[("to", "cover")]).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.post(&format!("{page}/{p1}/delete"), &[("confirm", "1")])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let r = c.get(&format!("/incubators/{inc}")).await;
        assert_eq!(r.count(&format!("a[href='{page}']")), 0);
    }
    // Through its own incubator's path, the other manager does not reach this photo.
    other.get(&format!("/incubators/{other_inc}/photos")).await;
    assert_eq!(
        other
            .post(
                &format!("/incubators/{other_inc}/photos/{p1}/move"),
                &[("to", "cover")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = anon.get(&page).await;
    assert!(r.location().unwrap_or("").starts_with("/login"));
    assert_eq!(app.count("incubator_photos").await, 3);
    assert_eq!(photo_files(&app).len(), 6);

    // A platform administrator keeps them too; at most 8: the ninth is refused.
    admin.get(&page).await;
    for _ in 0..5 {
        let r = upload(&mut admin, inc, "", &png(40, 30)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = upload(&mut admin, inc, "第九张", &png(40, 30)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#photo-error").contains('8'),
        "{}",
        r.text("#photo-error")
    );
    assert_eq!(app.count("incubator_photos").await, 8);
    assert_eq!(photo_files(&app).len(), 16);

    // Removal: first a confirmation, then the row and its files go and the rest close up.
    let r = manager.post(&format!("{page}/{p2}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.count("form.confirm-form input[name=confirm][value='1']"),
        1
    );
    assert_eq!(app.count("incubator_photos").await, 8);
    let r = manager
        .post(&format!("{page}/{p2}/delete"), &[("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let rows = photo_rows(&app, inc).await;
    assert_eq!(rows.len(), 7);
    assert_eq!(
        rows.iter().map(|(_, _, p)| *p).collect::<Vec<_>>(),
        (1..=7).collect::<Vec<i32>>()
    );
    assert!(!rows.iter().any(|(id, _, _)| *id == p2));
    assert_eq!(photo_files(&app).len(), 14);
    assert_eq!(
        anon.get(&format!("/incubators/{inc}/photos/{p2}/thumb"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(incubator_audits(&app, "photo_added").await, 8);
    assert_eq!(incubator_audits(&app, "photo_removed").await, 1);
    app.check_invariants().await.unwrap();
}

/// Posts a claim of an organization's record (multipart: the token first, a statement and a
/// PDF certificate), as the claim form sends it.
async fn post_claim(c: &mut Client, org: i64) -> common::Resp {
    use axum::body::Body;
    use axum::http::{Request, header};
    c.get(&format!("/orgs/{org}/claim")).await;
    let token = c.csrf.clone().unwrap_or_default();
    let mut body = format!(
        "--bnd\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n\
         --bnd\r\nContent-Disposition: form-data; name=\"evidence\"\r\n\r\n\
         我是该组织的发起人和现任负责人，登记证书附后。\r\n\
         --bnd\r\nContent-Disposition: form-data; name=\"certificate\"; \
         filename=\"证书.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(b"%PDF-1.4\n% registration certificate\n%%EOF\n");
    body.extend_from_slice(b"\r\n--bnd--\r\n");
    let cookies = c
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = Request::builder()
        .method("POST")
        .uri(format!("/orgs/{org}/claim"))
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=bnd")
        .body(Body::from(body))
        .unwrap();
    c.request(req).await
}

/// A group admitted before registration whose founder claims the organization's existing
/// registry record instead of registering it (issue 12 point 2 with issue 11's claims):
/// nothing is linked while the claim is pending; when a regulator approves it, in the same
/// transaction, the group's tenancy and application become the organization — same tenant,
/// so its services and milestones stay its history, the milestone "registered" is met from
/// the registry, the incubator's page links the profile, and a tender's matches show it
/// incubated with the incubator named. Audited, naming the claim.
#[tokio::test]
async fn a_group_whose_founder_claims_its_existing_record_keeps_its_history() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let w = world(&app).await;
    let mut manager = w.manager;
    let inc = w.incubator;
    let (mut founder, founder_id) = app.signed_in("founder@example.org", &[]).await;
    founder.get(&format!("/incubators/{inc}/apply")).await;
    let r = post(
        &mut founder,
        &format!("/incubators/{inc}/apply"),
        &group_fields("北疆助老志愿队", "submit"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = format!("/incubator-applications/{}", id_in(&r));
    manager.get(&page).await;
    manager
        .post(&format!("{page}/decide"), &[("step", "review")])
        .await;
    let r = manager.get(&page).await;
    let sel = scraper::Selector::parse("form.check-form input[name=item_id]").unwrap();
    let items: Vec<String> = r
        .doc()
        .select(&sel)
        .map(|e| e.value().attr("value").unwrap().to_string())
        .collect();
    for item in &items {
        manager
            .post(
                &format!("{page}/checks"),
                &[("item_id", item), ("met", "1"), ("note", "")],
            )
            .await;
    }
    let r = manager
        .post(&format!("{page}/decide"), &[("step", "admit")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let tenant = civicbridge::incubators::residents_of(db, inc)
        .await
        .unwrap()[0]
        .clone();
    assert_eq!(tenant.org_id, None);
    let tenant_page = format!("/incubator-tenants/{}", tenant.id);

    // History before the claim: a guidance session, and milestones — one confirmed by the
    // manager, "registered" still open for a group.
    let milestones = format!("/incubators/{inc}/milestones");
    manager.get(&milestones).await;
    for kind in ["registered", "first_grant"] {
        let r = manager
            .post(&milestones, &[("kind", kind), ("label", "")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let ms = civicbridge::incubators::milestones::model::list_of(db, inc)
        .await
        .unwrap();
    use civicbridge::incubators::milestones::rules::MilestoneKind as K;
    let id = |k: K| ms.iter().find(|m| m.kind() == k).unwrap().id;
    let (registered, grant) = (id(K::Registered), id(K::FirstGrant));
    manager.get(&tenant_page).await;
    let r = manager
        .post(
            &format!("{tenant_page}/milestones"),
            &[
                ("milestone_id", grant.to_string().as_str()),
                ("note", "获得公益创投种子资金"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = manager
        .post(
            &format!("{tenant_page}/guidance"),
            &[
                ("mentor", "李督导"),
                ("topic", "登记材料准备"),
                ("held_at", "2026-11-20T09:00"),
                ("hours", "1"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = manager.get(&tenant_page).await;
    assert_eq!(r.count(&format!("#milestone-{registered}.open")), 1);

    // The organization's record is already in the registry, without an administrator (as an
    // import leaves it): the founder claims it.
    let (_, former) = app.signed_in("former@example.org", &[]).await;
    let org = app.unverified_org(former, 8, "北疆助老志愿队").await;
    civicbridge::orgs::model::delete_member(db, org, former)
        .await
        .unwrap();
    let r = post_claim(&mut founder, org).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let claim_page = r.location().unwrap().to_string();
    // Pending: nothing is linked.
    assert_eq!(
        civicbridge::incubators::graduation::model::tenant(db, tenant.id)
            .await
            .unwrap()
            .unwrap()
            .org_id,
        None
    );

    // A buyer's tender in the group's domain: not incubated before the approval.
    let (mut buyer, tender) = elderly_tender(&app).await;
    let matches = format!("/tenders/{tender}/matches?org={org}&lang=en");
    let r = buyer.get(&matches).await;
    assert!(
        !r.text(".lookup-result").contains("Tenant of"),
        "{}",
        r.text(".lookup-result")
    );

    // The regulator approves the claim.
    let (mut reg, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    reg.get(&claim_page).await;
    let r = reg
        .post(
            &format!("{claim_page}/decision"),
            &[("decision", "approve"), ("reason", "证书核对无误")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The same tenant, now the organization, with its history.
    let t = civicbridge::incubators::graduation::model::tenant(db, tenant.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.org_id, Some(org));
    assert_eq!(t.state, "resident");
    let r = founder.get(&tenant_page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.count(&format!("a[href='/orgs/{org}']")) >= 1,
        "{}",
        r.body
    );
    assert_eq!(r.count("#services li.guidance"), 1, "services kept");
    assert_eq!(
        r.count(&format!(
            "#milestone-{registered}.met a.evidence[href='/orgs/{org}']"
        )),
        1,
        "registration now seen in the registry"
    );
    assert!(
        r.text(&format!("#milestone-{grant}"))
            .contains("获得公益创投种子资金"),
        "milestones kept"
    );
    let r = founder.get(&page).await;
    assert!(r.text("dl.props").contains(&common::uscc(8)));
    let r = app.client().get(&format!("/incubators/{inc}")).await;
    assert_eq!(r.count(&format!("#tenants a[href='/orgs/{org}']")), 1);
    // Matching marks it incubated, naming the incubator.
    let r = buyer.get(&matches).await;
    let text = r.text(".lookup-result");
    assert!(
        text.contains("Tenant of 呼和浩特市社会组织孵化基地"),
        "the reason names the incubator: {text}"
    );
    // Audited with the approval: the link names the claim and the founder.
    use sea_orm::{ConnectionTrait, Statement};
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT actor_id, detail FROM audit_events \
             WHERE entity = 'incubator_tenant' AND action = 'linked_to_org'"
                .to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let detail: String = rows[0].try_get("", "detail").unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["org"], org);
    assert_eq!(detail["founder"], founder_id);
    assert!(detail["claim"].as_i64().is_some(), "{detail}");
    app.check_invariants().await.unwrap();
}
