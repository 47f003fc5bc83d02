//! Graduation (出壳) through HTTP: a manager sets the incubator's criteria (bad input comes
//! back as the form with 422 and nothing written), the tenant's review lists each criterion
//! as met or not with links to the evidence the platform found in its own data, graduation
//! is refused while a criterion is not met ("not yet" needs a reason), a graduation moves
//! the tenant to the incubator's graduates and makes the organization "graduated from …"
//! in a tender's matches for the configured months, and the graduate's exit tasks are
//! ticked. Milestones are met from the platform's data (with evidence) or confirmed by a
//! manager; trainings are logged with attendance and guidance with notes only the tenant
//! and its managers read. The tenant sees its own record read-only; other users, other
//! managers and anonymous visitors learn nothing.

use crate::common;

use crate::common::{T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};

const MONTH: i64 = civicbridge::incubators::graduation::rules::MONTH_SECS;

/// An incubator in Hohhot managed by `manager@example.org`, and the organization of
/// `owner@example.org` (with `member@example.org`) admitted as its tenant.
struct World {
    incubator: i64,
    org: i64,
    application: i64,
    tenant: i64,
}

async fn world(app: &TestApp) -> World {
    use civicbridge::incubators::{self, rules};
    let db = &app.state.db;
    let admin = app.user("admin@example.org", &[Role::Admin]).await;
    let manager = app
        .user("manager@example.org", &[Role::IncubatorManager])
        .await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 3, "青城养老服务中心").await;
    let member = app.user("member@example.org", &[]).await;
    app.add_member(org, member, OrgRole::Member).await;
    let d = rules::validate_incubator(
        &rules::IncubatorForm {
            name: "呼和浩特市社会组织孵化基地".into(),
            i_league: "150100".into(),
            address: "呼和浩特市新城区".into(),
            services: "办公场地".into(),
            capacity: "5".into(),
            ..Default::default()
        },
        &[],
        civicbridge::kernel::Lang::Zh,
    )
    .unwrap();
    let incubator = incubators::save_incubator(db, None, &d, admin, T0)
        .await
        .unwrap()
        .unwrap();
    let inc = incubators::get(db, incubator).await.unwrap().unwrap();
    incubators::set_manager(db, &inc, manager, true, admin, T0)
        .await
        .unwrap()
        .unwrap();
    let d = rules::ApplicationDraft {
        applicant: rules::Applicant::Org(org),
        name: String::new(),
        founders: String::new(),
        domain: "elderly".into(),
        plan: "入驻后一年内承接社区养老服务项目。".into(),
        submit: true,
    };
    let id = incubators::apply(db, &inc, owner, &d, T0)
        .await
        .unwrap()
        .unwrap();
    let a = incubators::model::application(db, id)
        .await
        .unwrap()
        .unwrap();
    for step in [rules::Step::Review, rules::Step::Admit] {
        incubators::take_step(db, &inc, &a, step, "", manager, T0)
            .await
            .unwrap()
            .unwrap();
    }
    let tenant = incubators::model::tenants_of(db, incubator).await.unwrap()[0].id;
    World {
        incubator,
        org,
        application: id,
        tenant,
    }
}

/// A buyer's open tender in the organization's domain and league/city; its matches page
/// for the organization, in English.
async fn tender_matches(app: &TestApp, org: i64) -> String {
    use civicbridge::procurement::rules::{self, TenderForm};
    let db = &app.state.db;
    let buyer = app.user("buyer@example.org", &[]).await;
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
    let deadline = app.clock().now() + 10 * 86_400;
    let tender = app
        .publish_tender(
            unit,
            buyer,
            &TenderForm {
                unit_id: unit.to_string(),
                title: "社区居家养老服务项目".into(),
                description: "为辖区老人提供助餐和探访服务。".into(),
                domain: "elderly".into(),
                t_league: "150100".into(),
                budget: "100000".into(),
                method: "open_tender".into(),
                eval_method: "lowest_price".into(),
                enquiry_deadline: rules::format_local(deadline - 86_400),
                bid_deadline: rules::format_local(deadline),
                contract_months: "12".into(),
                milestone_name: vec!["全部".into()],
                milestone_percent: vec!["100".into()],
                ..Default::default()
            },
        )
        .await;
    format!("/tenders/{tender}/matches?org={org}&lang=en")
}

#[tokio::test]
async fn a_tenant_graduates_when_every_criterion_is_met() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let mut manager = app.client();
    manager.login("manager@example.org", common::PW).await;
    let criteria = format!("/incubators/{}/graduation", w.incubator);
    let page = format!("/incubator-tenants/{}", w.tenant);

    // The defaults (registered, 12 months, a project delivered), as a form for the manager.
    let r = manager.get(&criteria).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.value("input[name=min_months]").as_deref(), Some("12"));
    assert_eq!(r.count("input[name=require_delivered][checked]"), 1);
    assert_eq!(
        r.count(&format!("#residents a[href='{page}']")),
        1,
        "the resident links its review"
    );
    // Bad input: 422, the typed value kept, a message next to the field, nothing written.
    let r = manager
        .post(
            &criteria,
            &[("require_registered", "1"), ("min_months", "十二")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#min_months-error").contains("0 到 120"),
        "{}",
        r.body
    );
    assert_eq!(r.value("input[name=min_months]").as_deref(), Some("十二"));
    assert_eq!(r.count("#error-summary"), 1);
    assert_eq!(app.count("incubator_graduation_criteria").await, 0);
    // Registered and twelve months; no project required.
    let r = manager
        .post(
            &criteria,
            &[("require_registered", "1"), ("min_months", "12")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.count("incubator_graduation_criteria").await, 1);

    // The review: registered (evidence: the profile), months not met, nothing else listed.
    let r = manager.get(&page).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.count(&format!(
            "#criterion-registered a.evidence[href='/orgs/{}']",
            w.org
        )),
        1
    );
    assert_eq!(r.count("#criterion-months .badge-app-rejected"), 1);
    assert_eq!(r.count("#criterion-delivered"), 0);
    assert!(r.text("#criterion-months").contains("已在孵 0 个月"));

    // Graduation refused while a criterion is not met; "not yet" needs a reason.
    let r = manager
        .post(
            &format!("{page}/graduation"),
            &[("decision", "graduate"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#decision-error").contains("尚未全部达到"),
        "{}",
        r.body
    );
    let r = manager
        .post(
            &format!("{page}/graduation"),
            &[("decision", "not_yet"), ("reason", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#reason-error"), 1);
    assert_eq!(r.count("input[name=decision][value=not_yet][checked]"), 1);
    assert_eq!(app.count("incubator_graduation_reviews").await, 0);
    let r = manager
        .post(
            &format!("{page}/graduation"),
            &[("decision", "not_yet"), ("reason", "入驻未满十二个月。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.count("incubator_graduation_reviews").await, 1);

    // The tenant finds its record from its admitted application, and sees the reason and
    // no form.
    let mut owner = app.client();
    owner.login("owner@example.org", common::PW).await;
    let r = owner
        .get(&format!("/incubator-applications/{}", w.application))
        .await;
    assert_eq!(r.count(&format!("a.tenant-link[href='{page}']")), 1);
    let r = owner.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text("ul.reviews").contains("入驻未满十二个月"));
    assert_eq!(r.count("form.decide-form"), 0);
    let r = owner
        .post(&format!("{page}/graduation"), &[("decision", "graduate")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "only managers decide");

    // Thirteen months on, every criterion is met: the tenant graduates.
    app.clock().advance(13 * MONTH);
    let r = manager.get(&page).await;
    assert_eq!(r.count("#criterion-months .badge-ok"), 1);
    let r = manager
        .post(
            &format!("{page}/graduation"),
            &[("decision", "graduate"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let t = civicbridge::incubators::graduation::model::tenant(&app.state.db, w.tenant)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.state, "graduated");
    assert_eq!(t.ended_at, Some(app.clock().now()));
    // Once graduated, no second decision.
    let r = manager
        .post(
            &format!("{page}/graduation"),
            &[("decision", "not_yet"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("incubator_graduation_reviews").await, 2);

    // The public page lists the graduate.
    let r = app
        .client()
        .get(&format!("/incubators/{}", w.incubator))
        .await;
    assert_eq!(r.count(&format!("#graduates a[href='/orgs/{}']", w.org)), 1);
    assert!(r.text("#graduates").contains("出壳"));
    assert_eq!(r.count("#tenants a"), 0, "no longer a current tenant");

    // Matching: still incubated, as a graduate of the named incubator.
    let matches = tender_matches(&app, w.org).await;
    let mut buyer = app.client();
    buyer.login("buyer@example.org", common::PW).await;
    let r = buyer.get(&matches).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.text(".lookup-result")
            .contains("Graduated from 呼和浩特市社会组织孵化基地"),
        "{}",
        r.text(".lookup-result")
    );
    // … for 24 months after graduation (the default), then no longer.
    let db = &app.state.db;
    let now = app.clock().now();
    let found = civicbridge::incubators::incubated_orgs(db, now + 24 * MONTH - 1, 24)
        .await
        .unwrap();
    assert!(found.get(&w.org).is_some_and(|i| i.graduated));
    let found = civicbridge::incubators::incubated_orgs(db, now + 24 * MONTH, 24)
        .await
        .unwrap();
    assert!(!found.contains_key(&w.org));

    // Exit tasks: a bad code is a 422 with nothing written; ticks are kept.
    let r = manager
        .post(
            &format!("{page}/exit-tasks"),
            &[("task", "keys_lost"), ("done", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#task"), 1);
    assert_eq!(app.count("incubator_exit_tasks").await, 0);
    let r = manager
        .post(
            &format!("{page}/exit-tasks"),
            &[("task", "space_returned"), ("done", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = owner.get(&page).await;
    assert_eq!(r.count("#exit-space_returned .badge-ok"), 1);
    assert_eq!(r.count("#exit-keys_returned .badge-ok"), 0);
    assert_eq!(r.count("#exit-tasks form"), 0, "the tenant only reads");
    let r = owner
        .post(
            &format!("{page}/exit-tasks"),
            &[("task", "keys_returned"), ("done", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn only_the_tenant_its_managers_and_regulators_see_its_record() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let page = format!("/incubator-tenants/{}", w.tenant);
    app.user("other-manager@example.org", &[Role::IncubatorManager])
        .await;
    app.user("plain@example.org", &[]).await;
    app.user("regulator@example.org", &[Role::Regulator]).await;
    let anonymous = app.client().get(&page).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().unwrap().starts_with("/login"));
    for (email, status) in [
        ("owner@example.org", StatusCode::OK),
        ("member@example.org", StatusCode::OK),
        ("manager@example.org", StatusCode::OK),
        ("regulator@example.org", StatusCode::OK),
        ("admin@example.org", StatusCode::NOT_FOUND),
        ("other-manager@example.org", StatusCode::NOT_FOUND),
        ("plain@example.org", StatusCode::NOT_FOUND),
    ] {
        let mut c = app.client();
        c.login(email, common::PW).await;
        let r = c.get(&page).await;
        assert_eq!(r.status, status, "{email}");
        // A missing tenant answers like a hidden one.
        let missing = c.get("/incubator-tenants/999999").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{email}");
        // Only the assigned manager changes the criteria; regulators read them.
        let r = c
            .post(
                &format!("/incubators/{}/graduation", w.incubator),
                &[("min_months", "6")],
            )
            .await;
        let expected = if email == "manager@example.org" {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(r.status, expected, "{email}");
    }
    let mut regulator = app.client();
    regulator.login("regulator@example.org", common::PW).await;
    let r = regulator
        .get(&format!("/incubators/{}/graduation", w.incubator))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("input[name=min_months]"), 0, "read-only");
    assert!(r.text("#criteria").contains("在孵满 6 个月"));
    let r = regulator.get(&page).await;
    assert_eq!(r.count("form.decide-form"), 0);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn milestones_are_met_from_the_platforms_data_or_confirmed_by_a_manager() {
    use civicbridge::incubators::milestones::rules::MilestoneKind as K;
    let app = TestApp::new().await;
    let w = world(&app).await;
    let db = &app.state.db;
    let mut manager = app.client();
    manager.login("manager@example.org", common::PW).await;
    let list = format!("/incubators/{}/milestones", w.incubator);
    let page = format!("/incubator-tenants/{}", w.tenant);
    let r = manager.get(&list).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.count("table.milestones"), 0);
    // Bad input: 422, a message next to the field, what was typed kept, nothing written.
    let r = manager.post(&list, &[("kind", ""), ("label", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#kind-error"), 1);
    let r = manager
        .post(&list, &[("kind", "custom"), ("label", "理")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#label-error"), 1);
    assert_eq!(r.value("input[name=label]").as_deref(), Some("理"));
    assert_eq!(app.count("incubator_milestones").await, 0);
    for (kind, label) in [
        ("registered", ""),
        ("rated_3a", ""),
        ("first_gov_contract", ""),
        ("first_grant", ""),
        ("custom", "建立理事会"),
    ] {
        let r = manager
            .post(&list, &[("kind", kind), ("label", label)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{kind}: {}", r.body);
    }
    let r = manager
        .post(&list, &[("kind", "registered"), ("label", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "listed once");
    assert_eq!(app.count("incubator_milestones").await, 5);
    let ms = civicbridge::incubators::milestones::model::list_of(db, w.incubator)
        .await
        .unwrap();
    let id = |k: K| ms.iter().find(|m| m.kind() == k).unwrap().id;

    // Registration is seen in the registry, with its evidence; no rating, no contract yet.
    let r = manager.get(&page).await;
    let m = |k: K| format!("#milestone-{}", id(k));
    assert_eq!(r.count(&format!("{}.met", m(K::Registered))), 1);
    assert_eq!(
        r.count(&format!(
            "{} a.evidence[href='/orgs/{}']",
            m(K::Registered),
            w.org
        )),
        1
    );
    assert_eq!(r.count(&format!("{}.open", m(K::Rated3A))), 1);
    assert_eq!(r.count(&format!("{}.open", m(K::FirstGovContract))), 1);
    assert_eq!(r.count(&format!("{} form", m(K::FirstGovContract))), 0);
    assert_eq!(
        r.count(&format!("{} form.confirm-form", m(K::FirstGrant))),
        1
    );
    // A regulator rates the organization 4A: the milestone is met on the next page load.
    let regulator = app.user("regulator@example.org", &[Role::Regulator]).await;
    let row = civicbridge::orgs::row(db, w.org).await.unwrap().unwrap();
    let until = time::Date::from_calendar_date(2031, time::Month::January, 1).unwrap();
    civicbridge::orgs::set_rating(db, &row, Some((4, until)), "评估结论", regulator, T0)
        .await
        .unwrap();
    let r = manager.get(&page).await;
    assert_eq!(r.count(&format!("{}.met a.evidence", m(K::Rated3A))), 1);

    // The platform's milestones cannot be confirmed by hand; the others once.
    let confirm = format!("{page}/milestones");
    let registered = id(K::Registered).to_string();
    let r = manager
        .post(&confirm, &[("milestone_id", &registered), ("note", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("p#milestone_id"), 1);
    let grant = id(K::FirstGrant).to_string();
    let r = manager
        .post(
            &confirm,
            &[("milestone_id", &grant), ("note", "获得公益创投资助三万元")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = manager
        .post(&confirm, &[("milestone_id", &grant), ("note", "again")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("incubator_milestone_marks").await, 1);

    // The tenant reads its timeline (met first) and confirms nothing.
    let mut owner = app.client();
    owner.login("owner@example.org", common::PW).await;
    let r = owner.get(&page).await;
    assert!(
        r.text(&m(K::FirstGrant)).contains("获得公益创投资助三万元"),
        "{}",
        r.text("#milestones")
    );
    assert_eq!(r.count("#milestones form"), 0);
    let sel = scraper::Selector::parse("#milestones ol.timeline > li").unwrap();
    let classes: Vec<String> = r
        .doc()
        .select(&sel)
        .map(|e| e.value().attr("class").unwrap_or("").to_string())
        .collect();
    assert_eq!(classes, ["met", "met", "met", "open", "open"]);
    let custom = id(K::Custom).to_string();
    let r = owner
        .post(&confirm, &[("milestone_id", &custom), ("note", "")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Regulators read the list, without the form.
    let mut reg = app.client();
    reg.login("regulator@example.org", common::PW).await;
    let r = reg.get(&list).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("table.milestones tbody tr"), 5);
    assert_eq!(r.count("#add"), 0);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn services_are_logged_with_attendance_and_guidance_notes_stay_private() {
    use civicbridge::kernel::clock::format_local;
    let app = TestApp::new().await;
    let w = world(&app).await;
    let mut manager = app.client();
    manager.login("manager@example.org", common::PW).await;
    let services = format!("/incubators/{}/services", w.incubator);
    let page = format!("/incubator-tenants/{}", w.tenant);
    let tenant = w.tenant.to_string();
    let r = manager.get(&services).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.count(&format!("input[name=tenant][value='{tenant}']")),
        1,
        "the resident is offered for attendance"
    );
    // Bad input: each field its message, what was typed kept, nothing written.
    let future = format_local(app.clock().now() + 86_400);
    let r = manager
        .post(
            &services,
            &[
                ("topic", ""),
                ("trainer", "王老师"),
                ("held_at", &future),
                ("hours", "1.3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["#topic-error", "#held_at-error", "#hours-error"] {
        assert_eq!(r.count(id), 1, "{id}");
    }
    assert_eq!(r.count("fieldset#tenant .error-msg"), 1);
    assert_eq!(r.value("input[name=trainer]").as_deref(), Some("王老师"));
    assert_eq!(app.count("incubator_trainings").await, 0);
    let past = format_local(app.clock().now() - 86_400);
    let r = manager
        .post(
            &services,
            &[
                ("topic", "项目财务管理"),
                ("trainer", "王老师"),
                ("held_at", &past),
                ("hours", "1.5"),
                ("tenant", &tenant),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.count("incubator_training_attendance").await, 1);

    // Guidance on the tenant's page.
    let guidance = format!("{page}/guidance");
    let r = manager
        .post(
            &guidance,
            &[("mentor", ""), ("topic", "治理"), ("hours", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#mentor-error"), 1);
    assert_eq!(r.count("#hours-error"), 1);
    assert_eq!(
        r.value("form.guidance-form input[name=topic]").as_deref(),
        Some("治理")
    );
    assert_eq!(app.count("incubator_guidance").await, 0);
    let r = manager
        .post(
            &guidance,
            &[
                ("mentor", "赵督导"),
                ("topic", "理事会建设"),
                ("held_at", &past),
                ("hours", "1"),
                ("notes", "章程须补充理事任期条款"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Venture-philanthropy support: seed funding needs its amount; then it is logged.
    let vp = format!("{page}/vp-support");
    let r = manager
        .post(
            &vp,
            &[
                ("vp_kind", "funding"),
                ("vp_topic", "助老微创投种子资金"),
                ("vp_partner", "呼和浩特市公益创投大赛"),
                ("vp_held_at", &past),
                ("vp_hours", ""),
                ("vp_amount", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.count("#vp_amount-error"), 1);
    assert_eq!(
        r.value("form.vp-form input[name=vp_topic]").as_deref(),
        Some("助老微创投种子资金")
    );
    assert_eq!(app.count("incubator_vp_support").await, 0);
    let r = manager
        .post(
            &vp,
            &[
                ("vp_kind", "funding"),
                ("vp_topic", "助老微创投种子资金"),
                ("vp_partner", "呼和浩特市公益创投大赛"),
                ("vp_held_at", &past),
                ("vp_hours", "0.5"),
                ("vp_amount", "20000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.count("incubator_vp_support").await, 1);

    // The tenant's timeline, with the notes for the tenant and its managers only.
    for (email, notes) in [
        ("owner@example.org", 1),
        ("member@example.org", 1),
        ("manager@example.org", 1),
        ("regulator@example.org", 0),
    ] {
        if email == "regulator@example.org" {
            app.user(email, &[Role::Regulator]).await;
        }
        let mut c = app.client();
        c.login(email, common::PW).await;
        let r = c.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "{email}");
        assert_eq!(r.count("#services li.training"), 1, "{email}");
        assert_eq!(r.count("#services li.guidance"), 1, "{email}");
        assert!(
            r.text("#services li.vp-support").contains("¥20,000.00"),
            "{email}"
        );
        assert!(r.text(".services-total").contains("合计 3 小时"), "{email}");
        assert_eq!(r.count("#services .notes"), notes, "{email}");
    }
    let mut owner = app.client();
    owner.login("owner@example.org", common::PW).await;
    let r = owner
        .post(
            &guidance,
            &[
                ("mentor", "x"),
                ("topic", "y"),
                ("held_at", &past),
                ("hours", "1"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "only managers log services"
    );
    let r = owner
        .post(
            &vp,
            &[
                ("vp_kind", "coaching"),
                ("vp_topic", "y"),
                ("vp_partner", "z"),
                ("vp_held_at", &past),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("incubator_vp_support").await, 1);
    let r = owner.get(&services).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app.check_invariants().await.unwrap();
}
