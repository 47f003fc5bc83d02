//! Venture-philanthropy calls through HTTP: an organizer drafts, publishes and cancels a
//! call; the public list and page; bad input comes back as the same form with a message
//! per field (422) and nothing written; the window closes by the clock; other users and
//! visitors are refused without learning which drafts exist; recommended calls with reasons
//! in an organization's workspace.

use crate::common;

use crate::common::{Client, PW, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};

const DAY: i64 = 86_400;

/// A unit in Hohhot (150100) with one buyer signed in; returns (client, buyer id, unit id).
async fn unit_buyer(app: &TestApp, email: &str, name: &str) -> (Client, i64, i64) {
    let db = &app.state.db;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft(name, "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let (c, id) = app.signed_in(email, &[]).await;
    civicbridge::units::model::add_member(db, unit, id, T0)
        .await
        .unwrap();
    // Memberships are read at log-in: sign in again.
    let mut c2 = app.client();
    c2.login(email, PW).await;
    drop(c);
    (c2, id, unit)
}

/// A good call form for `organizer` (`unit:3`), as repeated form fields.
fn good(organizer: &str) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        ("organizer", organizer.to_string()),
        ("title", "新城区社区公益创投大赛".into()),
        (
            "theme",
            "支持社区社会组织开展为老服务和社区治理项目，周期一年。".into(),
        ),
        ("domains", "elderly".into()),
        ("domains", "community".into()),
        ("c_league", "150100".into()),
        ("c_county", "".into()),
        ("c_township", "".into()),
        ("applicants", "registered".into()),
        ("pool", "500000".into()),
        ("max_grant", "50000".into()),
        ("cofund", "10".into()),
        // T0 is 2026-11-27 20:00 in Shanghai: the window is open from a day before.
        ("opens_at", "2026-11-26T09:00".into()),
        ("closes_at", "2026-12-27T17:00".into()),
        ("reviewers", "3".into()),
        ("two_stage", "1".into()),
        // A two-stage call's full proposals are due after the window (issue 13).
        ("full_closes_at", "2027-01-27T17:00".into()),
    ];
    for (n, w) in [("需求分析", "40"), ("项目设计", "60")] {
        v.push(("criterion_name", n.into()));
        v.push(("criterion_weight", w.into()));
    }
    for t in ["50", "30", "20"] {
        v.push(("tranche", t.into()));
    }
    for m in ["6", "12"] {
        v.push(("report_month", m.into()));
    }
    v
}

fn with(
    v: &[(&'static str, String)],
    changes: &[(&'static str, &[&str])],
) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = v
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .cloned()
        .collect();
    for (k, vals) in changes {
        for x in *vals {
            out.push((k, (*x).to_string()));
        }
    }
    out
}

async fn post(c: &mut Client, path: &str, v: &[(&'static str, String)]) -> common::Resp {
    let fields: Vec<(&str, &str)> = v.iter().map(|(k, x)| (*k, x.as_str())).collect();
    c.post(path, &fields).await
}

/// Drafts a call through the form; returns its id.
async fn draft(c: &mut Client, unit: i64) -> i64 {
    c.get("/calls/new").await;
    let r = post(c, "/calls", &good(&format!("unit:{unit}"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .unwrap()
        .trim_start_matches("/calls/")
        .parse()
        .unwrap()
}

async fn state(app: &TestApp, id: i64) -> String {
    civicbridge::philanthropy::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test]
async fn an_organizer_drafts_and_publishes_and_the_public_finds_the_call() {
    let app = TestApp::new().await;
    let (mut buyer, buyer_id, unit) = unit_buyer(&app, "buyer@example.org", "新城区民政局").await;
    let colleague = app.user("colleague@example.org", &[]).await;
    civicbridge::units::model::add_member(&app.state.db, unit, colleague, T0)
        .await
        .unwrap();
    let r = buyer.get("/calls/new").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("select[name=organizer] option"), 1);
    let id = draft(&mut buyer, unit).await;
    assert_eq!(state(&app, id).await, "draft");

    // The draft is the organizer's own: the public and other users get "not found".
    let mut anon = app.client();
    assert_eq!(
        anon.get(&format!("/calls/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let (mut other, _) = app.signed_in("other@example.org", &[]).await;
    assert_eq!(
        other.get(&format!("/calls/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(&format!("/calls/{id}/publish"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a draft answers like a call that does not exist"
    );
    assert_eq!(
        other.post("/calls/999999/publish", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let r = anon.post(&format!("/calls/{id}/publish"), &[]).await;
    assert!(
        r.location().is_some_and(|l| l.starts_with("/login")),
        "{:?}",
        r.status
    );
    assert!(anon.get("/calls").await.text(".calls-table").is_empty());

    // The organizer sees the draft with its facts, and publishes it.
    let r = buyer.get(&format!("/calls/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text(".pool").contains("500,000.00"),
        "{}",
        r.text(".pool")
    );
    assert!(r.text("#tranches").contains("50%"));
    let r = buyer.post(&format!("/calls/{id}/publish"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(state(&app, id).await, "published");
    // Publishing twice is refused with a message, nothing changes.
    buyer.post(&format!("/calls/{id}/publish"), &[]).await;
    let r = buyer.get(&format!("/calls/{id}")).await;
    assert!(
        r.text(".flash-error").contains("申报中"),
        "{}",
        r.text(".flash")
    );

    // Public page and list, with its filters.
    let r = anon.get(&format!("/calls/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text(".badge").contains("申报中"));
    assert_eq!(
        r.count("#organizer"),
        0,
        "no organizer controls for visitors"
    );
    let r = anon.get(&format!("/calls/{id}?lang=en")).await;
    assert!(r.text(".badge").contains("Open for applications"));
    assert!(
        anon.get("/calls")
            .await
            .text(".calls-table")
            .contains("新城区社区公益创投大赛")
    );
    for (q, listed) in [
        ("?domain=elderly", true),
        ("?domain=rural", false),
        ("?league=150100", true),
        ("?league=150200", false),
        ("?domain=community&league=150100", true),
    ] {
        let r = anon.get(&format!("/calls{q}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.text(".calls-table").contains("新城区社区公益创投大赛"),
            listed,
            "{q}"
        );
    }
    // Others may not act on it: 403 now that it is public.
    assert_eq!(
        other
            .post(&format!("/calls/{id}/publish"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other.get(&format!("/calls/{id}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    // The other buyer of the unit got a notice; the organizer lists it in the workspace.
    assert_eq!(app.count("user_notifications").await, 1);
    let r = buyer.get("/me").await;
    assert!(r.text("#my-calls").contains("新城区社区公益创投大赛"));
    // The audit log has the draft and the publication.
    let n = app
        .count(&format!(
            "audit_events WHERE entity = 'call' AND entity_id = {id}"
        ))
        .await;
    assert_eq!(n, 2);
    let _ = buyer_id;
}

#[tokio::test]
async fn bad_input_comes_back_with_a_message_per_field_and_nothing_written() {
    let app = TestApp::new().await;
    let (mut buyer, _, unit) = unit_buyer(&app, "buyer@example.org", "新城区民政局").await;
    buyer.get("/calls/new").await;
    let base = good(&format!("unit:{unit}"));
    let bad = with(
        &base,
        &[
            ("tranche", &["50", "30"]),
            ("max_grant", &["600000"]),
            ("closes_at", &["2026-11-20T09:00"]),
            ("criterion_weight", &["40", "50"]),
            ("reviewers", &["0"]),
            ("domains", &[]),
            ("title", &["标题\u{0}"]),
        ],
    );
    let r = post(&mut buyer, "/calls", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "tranches",
        "max_grant",
        "closes_at",
        "rubric",
        "reviewers",
        "title",
    ] {
        assert!(
            !r.text(&format!("#{field}-error")).is_empty(),
            "{field}: {}",
            r.text(".form-errors")
        );
    }
    assert!(r.text("#tranches-error").contains("80%"));
    assert!(r.text("#rubric-error").contains("90"));
    assert!(
        r.text(".form-errors").contains("选择至少") || r.text(".form-errors").contains("服务领域")
    );
    // What was typed is kept.
    assert_eq!(r.value("input[name=pool]").as_deref(), Some("500000"));
    assert_eq!(r.value("input[name=max_grant]").as_deref(), Some("600000"));
    assert_eq!(r.count("input[name=tranche][value='30']"), 1);
    assert_eq!(app.count("calls").await, 0);
    // In English too, never a 500 for garbage.
    let r = post(
        &mut buyer,
        "/calls?lang=en",
        &with(
            &base,
            &[
                ("pool", &["-1"]),
                ("cofund", &["100"]),
                ("opens_at", &["x"]),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#pool-error").contains("greater than zero"),
        "{}",
        r.text(".form-errors")
    );
    assert!(!r.text("#cofund-error").is_empty() && !r.text("#opens_at-error").is_empty());
    // An organizer the user does not act for.
    let other_unit = civicbridge::units::model::create(
        &app.state.db,
        &civicbridge::units::rules::draft("包头市民政局", "150200").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let r = post(
        &mut buyer,
        "/calls",
        &with(&base, &[("organizer", &[&format!("unit:{other_unit}")])]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#organizer-error").is_empty());
    assert_eq!(app.count("calls").await, 0);
    assert_eq!(app.count("audit_events WHERE entity = 'call'").await, 0);
}

#[tokio::test]
async fn the_window_closes_by_the_clock() {
    let app = TestApp::new().await;
    let (mut buyer, _, unit) = unit_buyer(&app, "buyer@example.org", "新城区民政局").await;
    let id = draft(&mut buyer, unit).await;
    buyer.post(&format!("/calls/{id}/publish"), &[]).await;
    let mut anon = app.client();
    assert!(
        anon.get("/calls")
            .await
            .text(".calls-table")
            .contains("公益创投")
    );
    // Past 2026-12-27 17:00 Shanghai: closed for visitors before the job runs.
    app.clock().advance(31 * DAY);
    assert!(anon.get("/calls").await.text(".calls-table").is_empty());
    assert!(
        anon.get(&format!("/calls/{id}"))
            .await
            .text(".badge")
            .contains("已截止")
    );
    assert_eq!(state(&app, id).await, "published");
    assert_eq!(
        civicbridge::app::jobs::close_due_calls(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        civicbridge::app::jobs::close_due_calls(&app.state)
            .await
            .unwrap(),
        0
    );
    assert_eq!(state(&app, id).await, "closed");
    // A closed call can no longer be cancelled or edited.
    buyer.get(&format!("/calls/{id}")).await;
    let r = buyer
        .post(
            &format!("/calls/{id}/cancel"),
            &[("reason", "资金调整取消本轮"), ("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(state(&app, id).await, "closed");
    // A draft whose window is over cannot be published.
    app.clock().advance(-31 * DAY);
    let late = draft(&mut buyer, unit).await;
    app.clock().advance(31 * DAY);
    buyer.post(&format!("/calls/{late}/publish"), &[]).await;
    assert_eq!(state(&app, late).await, "draft");
    assert!(
        buyer
            .get(&format!("/calls/{late}"))
            .await
            .text(".flash-error")
            .contains("申报时间已经结束")
    );
}

#[tokio::test]
async fn cancelling_needs_a_reason_and_a_confirmation() {
    let app = TestApp::new().await;
    let (mut buyer, _, unit) = unit_buyer(&app, "buyer@example.org", "新城区民政局").await;
    let id = draft(&mut buyer, unit).await;
    buyer.post(&format!("/calls/{id}/publish"), &[]).await;
    let path = format!("/calls/{id}/cancel");
    buyer.get(&format!("/calls/{id}")).await;
    let r = buyer.post(&path, &[("reason", "短")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#reason-error").is_empty());
    assert_eq!(r.text("textarea[name=reason]"), "短");
    let r = buyer
        .post(&path, &[("reason", "财政资金调整，本轮暂停")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text(".confirm-consequences").contains("财政资金调整"));
    assert_eq!(
        state(&app, id).await,
        "published",
        "nothing before the confirmation"
    );
    // Someone else, and a visitor, are refused.
    let (mut other, _) = app.signed_in("other@example.org", &[]).await;
    let r = other
        .post(&path, &[("reason", "我来取消这个项目"), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (mut admin, _) = app.signed_in("admin@example.org", &[Role::Admin]).await;
    let r = admin
        .post(&path, &[("reason", "我来取消这个项目"), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(state(&app, id).await, "published");
    let r = buyer
        .post(
            &path,
            &[("reason", "财政资金调整，本轮暂停"), ("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(state(&app, id).await, "cancelled");
    let r = app.client().get(&format!("/calls/{id}")).await;
    assert!(r.text("#cancel-reason").contains("财政资金调整"));
    assert!(r.text(".badge").contains("已取消"));
}

#[tokio::test]
async fn a_foundation_runs_calls_and_an_ordinary_organization_does_not() {
    let app = TestApp::new().await;
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let agency = app.org(owner_id, 1, "新城区社工服务中心").await;
    let form = civicbridge::orgs::rules::OrgForm {
        name: "内蒙古慈善公益基金会".into(),
        uscc: civicbridge::orgs::make_uscc('5', '3', "150102", "MJ0000777").unwrap(),
        kind: "foundation".into(),
        registration_date: "2018-03-01".into(),
        authority_level: "banner_county".into(),
        div_league: "150100".into(),
        div_county: "150102".into(),
        domains: vec!["elderly".into()],
        staff_count: "5".into(),
        contact_name: "李明".into(),
        contact_phone: "0471-7654321".into(),
        ..Default::default()
    };
    let d = civicbridge::orgs::rules::validate_org(
        &form,
        app.clock().today(),
        civicbridge::kernel::Lang::Zh,
    )
    .unwrap();
    let foundation = civicbridge::orgs::create(&app.state.db, &d, owner_id, T0)
        .await
        .unwrap();
    owner.login("owner@example.org", PW).await;
    let r = owner.get("/calls/new").await;
    assert_eq!(r.status, StatusCode::OK);
    let options = r.text("select[name=organizer]");
    assert!(options.contains("内蒙古慈善公益基金会"), "{options}");
    assert!(
        !options.contains("新城区社工服务中心"),
        "only foundations organize"
    );
    let r = post(&mut owner, "/calls", &good(&format!("org:{agency}"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(&mut owner, "/calls", &good(&format!("org:{foundation}"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A plain member of the foundation is no organizer.
    let member = app.user("member@example.org", &[]).await;
    app.add_member(foundation, member, OrgRole::Member).await;
    let mut m = app.client();
    m.login("member@example.org", PW).await;
    assert_eq!(m.get("/calls/new").await.status, StatusCode::FORBIDDEN);
    let r = app.client().get("/calls/new").await;
    assert!(r.location().is_some_and(|l| l.starts_with("/login")));
}

#[tokio::test]
async fn open_calls_are_recommended_to_organizations_that_fit_with_reasons() {
    let app = TestApp::new().await;
    let (mut buyer, _, unit) = unit_buyer(&app, "buyer@example.org", "新城区民政局").await;
    let id = draft(&mut buyer, unit).await;
    buyer.post(&format!("/calls/{id}/publish"), &[]).await;
    // A call for Baotou only fits nobody in Hohhot.
    let other = with(
        &good(&format!("unit:{unit}")),
        &[("c_league", &["150200"]), ("title", &["包头市公益创投"])],
    );
    buyer.get("/calls/new").await;
    let r = post(&mut buyer, "/calls", &other).await;
    let far: i64 = r
        .location()
        .unwrap()
        .trim_start_matches("/calls/")
        .parse()
        .unwrap();
    buyer.post(&format!("/calls/{far}/publish"), &[]).await;

    // An organization a regulator has not verified yet is recommended nothing: it may not
    // apply (issue 11).
    let (mut newcomer, newcomer_id) = app.signed_in("newcomer@example.org", &[]).await;
    app.unverified_org(newcomer_id, 2, "新城区新注册服务中心")
        .await;
    newcomer.login("newcomer@example.org", PW).await;
    let r = newcomer.get("/me").await;
    let section = r.text("#recommended-calls");
    assert!(
        section.contains("新城区新注册服务中心") && section.contains("目前没有适合"),
        "{section}"
    );
    assert!(!section.contains("新城区社区公益创投大赛"), "{section}");

    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 1, "新城区社工服务中心").await; // 150102, elderly
    owner.login("owner@example.org", PW).await;
    let r = owner.get("/me").await;
    let section = r.text("#recommended-calls");
    assert!(section.contains("新城区社区公益创投大赛"), "{section}");
    assert!(!section.contains("包头市公益创投"));
    assert!(
        section.contains("养老服务"),
        "the shared domain is named: {section}"
    );
    assert!(section.contains("无不良信用记录"));
    let r = owner.get("/me?lang=en").await;
    assert!(r.text("#recommended-calls").contains("Clean credit record"));
    // On a credit list: no call is recommended.
    let regulator = app.user("regulator@example.org", &[Role::Regulator]).await;
    let o = civicbridge::orgs::row(&app.state.db, org)
        .await
        .unwrap()
        .unwrap();
    civicbridge::orgs::set_credit(
        &app.state.db,
        &o,
        civicbridge::orgs::CreditStatus::Abnormal,
        "年报未按时报送",
        regulator,
        T0,
    )
    .await
    .unwrap();
    // (Back to Chinese: the English page above set the language cookie.)
    let r = owner.get("/me?lang=zh-CN").await;
    assert!(
        !r.text("#recommended-calls")
            .contains("新城区社区公益创投大赛")
    );
    assert!(
        r.text("#recommended-calls").contains("目前没有适合"),
        "{} / {}",
        r.status,
        r.text("main")
    );
}

#[tokio::test]
async fn a_draft_is_edited_with_the_same_checks_and_a_published_call_no_longer() {
    let app = TestApp::new().await;
    let (mut buyer, _, unit) = unit_buyer(&app, "buyer@example.org", "新城区民政局").await;
    let id = draft(&mut buyer, unit).await;
    let edit = format!("/calls/{id}/edit");
    let r = buyer.get(&edit).await;
    assert_eq!(r.status, StatusCode::OK);
    // The stored draft comes back in the form as it was typed.
    assert_eq!(
        r.value("input[name=title]").as_deref(),
        Some("新城区社区公益创投大赛")
    );
    assert_eq!(r.value("input[name=pool]").as_deref(), Some("500000.00"));
    assert_eq!(r.count("input[name=tranche][value='20']"), 1);
    assert_eq!(r.count("option[value='150100'][selected]"), 1);
    let base = good(&format!("unit:{unit}"));
    let r = post(
        &mut buyer,
        &edit,
        &with(&base, &[("tranche", &["60", "60"])]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#tranches-error").contains("120"));
    let r = post(
        &mut buyer,
        &edit,
        &with(&base, &[("title", &["新城区社区公益创投大赛（修订）"])]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let c = civicbridge::philanthropy::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.title, "新城区社区公益创投大赛（修订）");
    buyer.post(&format!("/calls/{id}/publish"), &[]).await;
    // Published: the form is refused, and a post changes nothing.
    let r = buyer.get(&edit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    buyer.get(&format!("/calls/{id}")).await;
    let r = post(
        &mut buyer,
        &edit,
        &with(&base, &[("title", &["再改一次标题"])]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let c = civicbridge::philanthropy::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.title, "新城区社区公益创投大赛（修订）");
}
