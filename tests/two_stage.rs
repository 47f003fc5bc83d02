//! Two-stage calls (issue 13) through HTTP: in a two-stage call an applicant sends a concept
//! note inside the window; the organizer invites it (alone or in a batch, all or none) or
//! declines it with a message; the invited applicant writes the full proposal from the
//! concept and submits it until the full-proposal deadline, and it then follows the
//! one-stage flow (screening). A full proposal from a concept note not invited, declined,
//! or after the deadline is refused with a message (422) and nothing is written; concept
//! notes are never sent to expert review; anyone else gets 404; a sealed two-stage round
//! stays sealed until the full-proposal deadline. The call form needs that deadline after
//! the window.

use crate::common;

use crate::common::{Client, PW, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::kernel::money::Fen;
use civicbridge::philanthropy::proposal_rules::{ApplicantChoice, ProposalDraft, Step, StepDraft};
use civicbridge::philanthropy::proposals as ops;
use civicbridge::philanthropy::rules::CallDraft;

const DAY: i64 = 86_400;

/// A published two-stage call of `unit`: concept notes until `T0 + 10 days`, full proposals
/// until `T0 + 30 days`.
async fn two_stage_call(
    app: &TestApp,
    unit: i64,
    buyer: i64,
    sealed: bool,
) -> civicbridge::philanthropy::Call {
    let d = CallDraft {
        opens_at: T0 - DAY,
        closes_at: T0 + 10 * DAY,
        two_stage: true,
        full_closes_at: Some(T0 + 30 * DAY),
        sealed,
        ..common::call_draft(unit)
    };
    common::published_call(app, &d, buyer, T0 - 2 * DAY).await
}

/// A concept note of organization `org` as form fields: no outcomes, no budget lines.
fn concept(org: i64) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "org".into()),
        ("org_id", org.to_string()),
        ("title", "社区长者助餐服务".into()),
        (
            "plan",
            "在两个社区建设长者助餐点，每周五天提供午餐，组织志愿者上门送餐。".into(),
        ),
        ("beneficiaries", "社区60岁以上老人约300人".into()),
        ("p_league", "150100".into()),
        ("p_county", "150102".into()),
        ("p_township", "".into()),
        ("total", "55000".into()),
        ("cofund", "6000".into()),
        ("action", "submit".into()),
    ]
}

/// The full proposal: the concept completed with outcomes and budget lines.
fn full(org: i64) -> Vec<(&'static str, String)> {
    let mut v = concept(org);
    v.push(("outcome_indicator", "服务老人人数".into()));
    v.push(("outcome_target", "300".into()));
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

async fn post(c: &mut Client, path: &str, v: &[(&'static str, String)]) -> common::Resp {
    let fields: Vec<(&str, &str)> = v.iter().map(|(k, x)| (*k, x.as_str())).collect();
    c.post(path, &fields).await
}

async fn proposal(app: &TestApp, id: i64) -> civicbridge::philanthropy::Proposal {
    civicbridge::philanthropy::proposal_model::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap()
}

/// A group's concept note sent through the operations.
async fn group_concept(
    app: &TestApp,
    c: &civicbridge::philanthropy::Call,
    author: i64,
    name: &str,
) -> i64 {
    let d = ProposalDraft {
        applicant: ApplicantChoice::Group,
        name: name.into(),
        title: format!("{name}的项目"),
        plan: "每周组织两次社区活动，招募志愿者开展入户探访。".into(),
        beneficiaries: "社区老人约200人".into(),
        place: "150102".into(),
        outcomes: vec![],
        budget: vec![],
        total: Fen(4_000_000),
        cofund: Fen(400_000),
        partners: vec![],
        submit: true,
    };
    ops::apply(&app.state.db, c, author, &d, app.clock().now())
        .await
        .unwrap()
        .unwrap()
}

async fn invite(app: &TestApp, c: &civicbridge::philanthropy::Call, id: i64, buyer: i64) {
    let p = proposal(app, id).await;
    let d = StepDraft {
        step: Step::Invite,
        message: String::new(),
        amount: None,
    };
    ops::take_step(&app.state.db, c, &p, &d, buyer, app.clock().now())
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_concept_note_is_invited_and_its_full_proposal_goes_to_screening() {
    let app = TestApp::new().await;
    let (mut buyer, buyer_id, unit) = common::call_organizer(&app).await;
    let c = two_stage_call(&app, unit, buyer_id, false).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区助老服务中心").await;
    let mut applicant = app.client();
    applicant.login("owner@example.org", PW).await;

    // The form says it is a concept note; outcomes and budget lines may stay empty.
    let form = applicant.get(&format!("/calls/{}/apply", c.id)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text("#stage-hint").contains("项目概要"));
    let r = post(
        &mut applicant,
        &format!("/calls/{}/apply", c.id),
        &concept(org),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let pid: i64 = r
        .location()
        .unwrap()
        .trim_start_matches("/proposals/")
        .parse()
        .unwrap();
    let p = proposal(&app, pid).await;
    assert_eq!((p.state.as_str(), p.stage.as_str()), ("concept", "concept"));
    assert_eq!((p.requested_fen, p.revision), (4_900_000, 1));
    // The organizer is told.
    assert_eq!(
        app.count(&format!(
            "user_notifications WHERE user_id = {buyer_id} AND kind = 'proposal_submitted'"
        ))
        .await,
        1
    );

    // Before an invitation: the page says so, with no full-proposal form, and a full
    // proposal is refused with that message, nothing written.
    let page = applicant.get(&format!("/proposals/{pid}")).await;
    assert_eq!(page.count("#concept-note"), 1);
    assert_eq!(
        page.count(&format!("form[action='/proposals/{pid}/edit']")),
        0
    );
    let audits = app.count("audit_events").await;
    let r = post(
        &mut applicant,
        &format!("/proposals/{pid}/edit"),
        &full(org),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#edit-error").contains("尚未获邀请"), "{}", r.body);
    assert_eq!(r.count(&format!("form[action='/proposals/{pid}/edit']")), 0);
    assert_eq!(proposal(&app, pid).await, p);
    assert_eq!(app.count("audit_events").await, audits);

    // The organizer's list shows the concept note with its stage; its choices are invite
    // or decline, never expert review.
    let list = buyer.get(&format!("/calls/{}/proposals", c.id)).await;
    assert!(
        list.text(&format!("#proposal-{pid} td.stage"))
            .contains("项目概要")
    );
    assert_eq!(list.count("input[name=ids]"), 1);
    assert_eq!(list.count("select#decision option[value=invite]"), 1);
    let page = buyer.get(&format!("/proposals/{pid}")).await;
    assert_eq!(page.count("select#step option[value=invite]"), 1);
    assert_eq!(page.count("select#step option[value=decline]"), 1);
    assert_eq!(page.count("select#step option[value=to_review]"), 0);
    assert_eq!(page.count("select#step option[value=screen]"), 0);
    let r = buyer
        .post(
            &format!("/proposals/{pid}/step"),
            &[("step", "to_review"), ("message", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Invited: the applicant is told and writes the full proposal, prefilled from the concept.
    let r = buyer
        .post(
            &format!("/proposals/{pid}/step"),
            &[("step", "invite"), ("message", "请补充预算明细。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = proposal(&app, pid).await;
    assert_eq!((p.state.as_str(), p.stage.as_str()), ("invited", "full"));
    assert_eq!(
        app.count(&format!(
            "audit_events WHERE entity = 'proposal' AND entity_id = {pid} AND action = 'invite'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "user_notifications WHERE user_id = {owner} AND kind = 'proposal_moved'"
        ))
        .await,
        1
    );
    let page = applicant.get(&format!("/proposals/{pid}")).await;
    assert_eq!(page.count("#invited-note"), 1);
    assert_eq!(
        page.value("#revise input[name=title]").as_deref(),
        Some("社区长者助餐服务")
    );
    assert_eq!(
        page.value("#revise input[name=total]").as_deref(),
        Some("55000.00")
    );
    // A full proposal needs what a concept note may leave out.
    let r = post(
        &mut applicant,
        &format!("/proposals/{pid}/edit"),
        &concept(org),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#budget-error").is_empty());
    assert_eq!(proposal(&app, pid).await.state, "invited");
    // Submitted: the one-stage flow from here, with the concept kept as revision 1.
    let r = post(
        &mut applicant,
        &format!("/proposals/{pid}/edit"),
        &full(org),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = proposal(&app, pid).await;
    assert_eq!((p.state.as_str(), p.stage.as_str()), ("submitted", "full"));
    assert_eq!(p.revision, 2);
    assert_eq!(
        app.count(&format!(
            "audit_events WHERE entity_id = {pid} AND action = 'full_submitted'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "user_notifications WHERE user_id = {buyer_id} AND kind = 'proposal_submitted'"
        ))
        .await,
        2
    );
    let r = buyer
        .post(
            &format!("/proposals/{pid}/step"),
            &[("step", "screen"), ("message", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(proposal(&app, pid).await.state, "screening");
    let diff = applicant.get(&format!("/proposals/{pid}/diff")).await;
    assert_eq!(diff.status, StatusCode::OK);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn a_declined_concept_note_gets_the_message_and_no_full_proposal() {
    let app = TestApp::new().await;
    let (mut buyer, buyer_id, unit) = common::call_organizer(&app).await;
    let c = two_stage_call(&app, unit, buyer_id, false).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区助老服务中心").await;
    let mut applicant = app.client();
    applicant.login("owner@example.org", PW).await;
    let r = post(
        &mut applicant,
        &format!("/calls/{}/apply", c.id),
        &concept(org),
    )
    .await;
    let pid: i64 = r
        .location()
        .unwrap()
        .trim_start_matches("/proposals/")
        .parse()
        .unwrap();

    // A decline needs a message to the applicant.
    let path = format!("/proposals/{pid}/step");
    let r = buyer
        .post(&path, &[("step", "decline"), ("message", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#message-error").is_empty());
    assert_eq!(proposal(&app, pid).await.state, "concept");
    let r = buyer
        .post(
            &path,
            &[
                ("step", "decline"),
                ("message", "与本次创投重点关联不够紧密。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = proposal(&app, pid).await;
    assert_eq!(
        (p.state.as_str(), p.stage.as_str()),
        ("declined", "concept")
    );
    assert_eq!(
        app.count(&format!(
            "user_notifications WHERE user_id = {owner} AND kind = 'proposal_moved'"
        ))
        .await,
        1
    );
    let page = applicant.get(&format!("/proposals/{pid}")).await;
    assert_eq!(page.count("#declined-note"), 1);
    assert!(page.text("#organizer-message").contains("关联不够紧密"));
    assert_eq!(
        page.count(&format!("form[action='/proposals/{pid}/edit']")),
        0
    );
    // A full proposal is refused with the reason; nothing written; no more steps.
    let audits = app.count("audit_events").await;
    let r = post(
        &mut applicant,
        &format!("/proposals/{pid}/edit"),
        &full(org),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#edit-error").contains("未获邀请"), "{}", r.body);
    assert_eq!(proposal(&app, pid).await, p);
    assert_eq!(app.count("audit_events").await, audits);
    let r = buyer
        .post(&path, &[("step", "invite"), ("message", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(proposal(&app, pid).await.state, "declined");
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn full_proposals_are_due_by_the_second_deadline() {
    let app = TestApp::new().await;
    let (_buyer, buyer_id, unit) = common::call_organizer(&app).await;
    let c = two_stage_call(&app, unit, buyer_id, false).await;
    let db = &app.state.db;
    let mut ids = Vec::new();
    for (n, email) in [(1, "a@example.org"), (2, "b@example.org")] {
        let owner = app.user(email, &[]).await;
        let org = app.org(owner, n, &format!("新城区助老服务中心{n}")).await;
        let mut cl = app.client();
        cl.login(email, PW).await;
        let r = post(&mut cl, &format!("/calls/{}/apply", c.id), &concept(org)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let pid: i64 = r
            .location()
            .unwrap()
            .trim_start_matches("/proposals/")
            .parse()
            .unwrap();
        invite(&app, &c, pid, buyer_id).await;
        ids.push((cl, org, pid));
    }
    // The concept notes' window closes (and the call with it): no new concept note, but
    // the invited full proposals are still taken.
    app.clock().advance(11 * DAY);
    civicbridge::philanthropy::close_due(db, app.clock().now())
        .await
        .unwrap();
    let (mut first, org, pid) = ids.remove(0);
    let r = post(&mut first, &format!("/proposals/{pid}/edit"), &full(org)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(proposal(&app, pid).await.state, "submitted");
    // After the full-proposal deadline: refused with the date, nothing written.
    app.clock().advance(20 * DAY);
    let (mut second, org, pid) = ids.remove(0);
    let before = proposal(&app, pid).await;
    let audits = app.count("audit_events").await;
    let r = post(&mut second, &format!("/proposals/{pid}/edit"), &full(org)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#window-error").contains("截止"), "{}", r.body);
    assert_eq!(proposal(&app, pid).await, before);
    assert_eq!(app.count("audit_events").await, audits);
    // The operation refuses it as well, decided in its transaction.
    let d = ProposalDraft {
        applicant: ApplicantChoice::Org(org),
        name: String::new(),
        title: before.title.clone(),
        plan: before.plan.clone(),
        beneficiaries: before.beneficiaries.clone(),
        place: before.place.clone(),
        outcomes: vec![],
        budget: vec![],
        total: Fen(before.total_fen),
        cofund: Fen(before.cofund_fen),
        partners: vec![],
        submit: true,
    };
    let r = ops::revise(db, &c, &before, before.applicant_id, &d, app.clock().now())
        .await
        .unwrap();
    assert!(
        matches!(r, Err(ops::ApplyRefusal::FullDeadline(t)) if t == T0 + 30 * DAY),
        "{r:?}"
    );
    assert_eq!(proposal(&app, pid).await, before);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn batch_invitations_and_declines_are_all_or_none() {
    let app = TestApp::new().await;
    let (mut buyer, buyer_id, unit) = common::call_organizer(&app).await;
    let c = two_stage_call(&app, unit, buyer_id, false).await;
    let author = app.user("author@example.org", &[]).await;
    let mut ids = Vec::new();
    for n in ["甲小组", "乙小组", "丙小组", "丁小组"] {
        ids.push(group_concept(&app, &c, author, n).await);
    }
    // One is already invited.
    invite(&app, &c, ids[3], buyer_id).await;
    let list = buyer
        .get(&format!("/calls/{}/proposals?state=concept", c.id))
        .await;
    assert_eq!(list.count(".proposals-table tbody tr"), 3);
    assert_eq!(list.count("input[name=ids]"), 3);

    let decide = format!("/calls/{}/proposals/decide", c.id);
    let s = |i: usize| ids[i].to_string();
    let audits = app.count("audit_events").await;
    let notices = app.count("user_notifications").await;
    // The invited one cannot be invited again: none of the batch is.
    let r = buyer
        .post(
            &decide,
            &[("ids", &s(0)), ("ids", &s(3)), ("decision", "invite")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#ids-error").contains(&format!("#{}", ids[3])),
        "{}",
        r.body
    );
    // A decline needs its message.
    let r = buyer
        .post(
            &decide,
            &[("ids", &s(1)), ("ids", &s(2)), ("decision", "decline")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#message-error").is_empty());
    for id in &ids[..3] {
        assert_eq!(proposal(&app, *id).await.state, "concept");
    }
    assert_eq!(app.count("audit_events").await, audits);
    assert_eq!(app.count("user_notifications").await, notices);

    let r = buyer
        .post(&decide, &[("ids", &s(0)), ("decision", "invite")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        Some(format!("/calls/{}/proposals?state=concept", c.id).as_str())
    );
    let r = buyer
        .post(
            &decide,
            &[
                ("ids", &s(1)),
                ("ids", &s(2)),
                ("decision", "decline"),
                ("message", "本次名额有限，未能邀请。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let states: Vec<String> = {
        let mut v = Vec::new();
        for id in &ids {
            v.push(proposal(&app, *id).await.state);
        }
        v
    };
    assert_eq!(states, ["invited", "declined", "declined", "invited"]);
    // Never sent to the experts.
    assert_eq!(app.count("review_rounds").await, 0);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn others_get_404_and_a_sealed_round_stays_sealed_until_full_proposals_are_due() {
    let app = TestApp::new().await;
    let (_buyer, buyer_id, unit) = common::call_organizer(&app).await;
    let c = two_stage_call(&app, unit, buyer_id, true).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区助老服务中心").await;
    let mut applicant = app.client();
    applicant.login("owner@example.org", PW).await;
    let r = post(
        &mut applicant,
        &format!("/calls/{}/apply", c.id),
        &concept(org),
    )
    .await;
    let pid: i64 = r
        .location()
        .unwrap()
        .trim_start_matches("/proposals/")
        .parse()
        .unwrap();
    let other = app.user("other@example.org", &[]).await;
    app.org(other, 2, "赛罕区志愿者协会").await;
    for email in ["stranger@example.org", "other@example.org"] {
        let mut cl = if email == "other@example.org" {
            let mut cl = app.client();
            cl.login(email, PW).await;
            cl
        } else {
            app.signed_in(email, &[]).await.0
        };
        for path in [format!("/proposals/{pid}"), "/proposals/999999".to_string()] {
            assert_eq!(cl.get(&path).await.status, StatusCode::NOT_FOUND, "{email}");
        }
        let r = post(&mut cl, &format!("/proposals/{pid}/edit"), &full(org)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{email}");
        let r = cl
            .post(
                &format!("/proposals/{pid}/step"),
                &[("step", "invite"), ("message", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{email}");
        let r = cl
            .post(
                &format!("/calls/{}/proposals/decide", c.id),
                &[("ids", &pid.to_string()), ("decision", "invite")],
            )
            .await;
        // The organizer's list of a published call is refused as it always was.
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{email}");
    }
    assert_eq!(proposal(&app, pid).await.state, "concept");
    invite(&app, &c, pid, buyer_id).await;
    let r = post(
        &mut applicant,
        &format!("/proposals/{pid}/edit"),
        &full(org),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Sealed: hidden while concept notes come in, and while full proposals are due.
    let mut visitor = app.client();
    let page = visitor.get(&format!("/calls/{}", c.id)).await;
    assert_eq!(page.count("#sealed-note"), 1);
    app.clock().advance(11 * DAY);
    civicbridge::philanthropy::close_due(&app.state.db, app.clock().now())
        .await
        .unwrap();
    let page = visitor.get(&format!("/calls/{}", c.id)).await;
    assert_eq!(page.count("#sealed-note"), 1);
    app.clock().advance(20 * DAY);
    let page = visitor.get(&format!("/calls/{}", c.id)).await;
    assert_eq!(page.count("#sealed-note"), 0);
    assert!(page.text(".public-proposals").contains("社区长者助餐服务"));
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn a_two_stage_call_needs_its_full_proposal_deadline() {
    let app = TestApp::new().await;
    let (mut buyer, _buyer_id, unit) = common::call_organizer(&app).await;
    buyer.get("/calls/new").await;
    let mut form: Vec<(&str, String)> = vec![
        ("organizer", format!("unit:{unit}")),
        ("title", "新城区社区公益创投大赛".into()),
        (
            "theme",
            "支持社区社会组织开展为老服务和社区治理项目，周期一年。".into(),
        ),
        ("domains", "elderly".into()),
        ("c_league", "150100".into()),
        ("applicants", "registered".into()),
        ("pool", "500000".into()),
        ("max_grant", "50000".into()),
        ("cofund", "10".into()),
        ("opens_at", "2026-11-26T09:00".into()),
        ("closes_at", "2026-12-27T17:00".into()),
        ("reviewers", "3".into()),
        ("criterion_name", "项目设计".into()),
        ("criterion_weight", "100".into()),
        ("tranche", "100".into()),
        ("report_month", "12".into()),
        ("two_stage", "1".into()),
    ];
    let calls = app.count("calls").await;
    for bad in ["", "2026-12-27T17:00", "2026-12-01T09:00"] {
        let mut f = form.clone();
        f.push(("full_closes_at", bad.into()));
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, x)| (*k, x.as_str())).collect();
        let r = buyer.post("/calls", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert!(!r.text("#full_closes_at-error").is_empty(), "{bad:?}");
        assert_eq!(
            r.value("input[name=full_closes_at]").as_deref(),
            Some(bad),
            "kept as typed"
        );
    }
    assert_eq!(app.count("calls").await, calls);
    form.push(("full_closes_at", "2027-01-27T17:00".into()));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, x)| (*k, x.as_str())).collect();
    let r = buyer.post("/calls", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r
        .location()
        .unwrap()
        .trim_start_matches("/calls/")
        .parse()
        .unwrap();
    let c = civicbridge::philanthropy::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap();
    assert!(c.two_stage);
    assert_eq!(
        c.full_closes_at,
        civicbridge::philanthropy::rules::parse_local("2027-01-27T17:00")
    );
    let page = buyer.get(&format!("/calls/{id}")).await;
    assert!(!page.text(".full-closes-at").is_empty());
    app.check_invariants().await.unwrap();
}
