//! Expert review of proposals through the shared reviews room, over HTTP: the organizer
//! assigns reviewers (conflicts of interest refused with the reason, nothing written) and
//! replaces one with a reason; a reviewer's sheet is theirs alone until submitted (another
//! reviewer gets 404), bad scores come back per cell with what was typed, submission locks
//! it; averages leave n/a out; determination waits for every sheet; applicants never see a
//! reviewer's name; others get 404.

use crate::common;

use crate::common::{Client, PW, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::kernel::money::Fen;
use civicbridge::philanthropy::proposal_rules::{
    ApplicantChoice, BudgetLine, Outcome, ProposalDraft, ScreenItem, Step, StepDraft,
};
use civicbridge::philanthropy::proposals as ops;
use civicbridge::philanthropy::rules::CallDraft;

const DAY: i64 = 86_400;

/// Everything a test needs: the organizer (a buyer) signed in, a call needing two
/// reviewers with a three-criterion rubric, an organization's proposal in expert review.
struct Setup {
    buyer: Client,
    call: civicbridge::philanthropy::Call,
    pid: i64,
    org: i64,
    buyer_id: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let db = &app.state.db;
    let (buyer, buyer_id, unit) = common::call_organizer(app).await;
    let d = CallDraft {
        cofund_bp: 0,
        reviewers: 2,
        rubric: vec![
            ("需求分析".into(), 30),
            ("项目设计".into(), 40),
            ("机构能力".into(), 30),
        ],
        ..common::call_draft(unit)
    };
    let call = common::published_call(app, &d, buyer_id, T0 - DAY).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区助老服务中心").await;
    let draft = ProposalDraft {
        applicant: ApplicantChoice::Org(org),
        name: String::new(),
        title: "社区长者助餐服务".into(),
        plan: "每周组织两次社区活动，招募志愿者开展入户探访。".into(),
        beneficiaries: "社区老人约200人".into(),
        place: "150102".into(),
        outcomes: vec![Outcome {
            indicator: "服务人数".into(),
            target: 200,
        }],
        budget: vec![BudgetLine {
            category: "activities".into(),
            item: "社区活动".into(),
            amount: Fen(4_000_000),
        }],
        total: Fen(4_000_000),
        cofund: Fen(0),
        partners: vec![],
        submit: true,
    };
    let pid = ops::apply(db, &call, owner, &draft, T0)
        .await
        .unwrap()
        .unwrap();
    let all: Vec<String> = ScreenItem::ALL
        .iter()
        .map(|i| i.code().to_string())
        .collect();
    for s in [Step::Screen, Step::ToReview] {
        let p = civicbridge::philanthropy::proposal_model::get(db, pid)
            .await
            .unwrap()
            .unwrap();
        if s == Step::ToReview {
            ops::record_checklist(db, &p, &all, buyer_id, T0)
                .await
                .unwrap();
        }
        let d = StepDraft {
            step: s,
            message: String::new(),
            amount: None,
        };
        ops::take_step(db, &call, &p, &d, buyer_id, T0)
            .await
            .unwrap()
            .unwrap();
    }
    Setup {
        buyer,
        call,
        pid,
        org,
        buyer_id,
    }
}

async fn state(app: &TestApp, pid: i64) -> String {
    civicbridge::philanthropy::proposal_model::get(&app.state.db, pid)
        .await
        .unwrap()
        .unwrap()
        .state
}

/// The assignment id of a reviewer on the proposal.
async fn sheet_of(app: &TestApp, reviewer: i64, pid: i64) -> i64 {
    civicbridge::reviews::my_assignments(&app.state.db, reviewer)
        .await
        .unwrap()
        .into_iter()
        .find(|(_, r)| r.subject_id == pid)
        .map(|(a, _)| a.id)
        .expect("assigned")
}

async fn evaluator(app: &TestApp, email: &str) -> (Client, i64) {
    let id = app.user(email, &[Role::Evaluator]).await;
    let mut c = app.client();
    c.login(email, PW).await;
    (c, id)
}

async fn assign(s: &mut Setup, reviewer: i64) -> common::Resp {
    let path = format!("/proposals/{}", s.pid);
    s.buyer.get(&path).await;
    s.buyer
        .post(
            &format!("{path}/reviewers"),
            &[("reviewer", &reviewer.to_string())],
        )
        .await
}

fn step(s: &str) -> Vec<(&'static str, String)> {
    vec![
        ("step", s.to_string()),
        ("message", String::new()),
        ("amount", String::new()),
    ]
}

async fn post(c: &mut Client, path: &str, fields: &[(&str, String)]) -> common::Resp {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(path, &refs).await
}

#[tokio::test]
async fn conflicts_of_interest_are_refused_with_the_reason_and_nothing_written() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    let page = s.buyer.get(&format!("/proposals/{}", s.pid)).await;
    assert_eq!(page.count("#assign-reviewer"), 1, "the organizer's form");

    // A member of the applying organization.
    let (_, member) = evaluator(&app, "member-expert@example.org").await;
    app.add_member(s.org, member, OrgRole::Member).await;
    let r = assign(&mut s, member).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#reviewer-error, .field.has-error .error-msg")
            .contains("新城区助老服务中心"),
        "names the applicant: {}",
        r.text(".form-errors")
    );
    // Someone buying for the organizer's unit.
    let (_, buying) = evaluator(&app, "buying-expert@example.org").await;
    let unit = s.call.organizer_id;
    civicbridge::units::model::add_member(&app.state.db, unit, buying, T0)
        .await
        .unwrap();
    let r = assign(&mut s, buying).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains("主办方"));
    // Someone without the evaluator role; a made-up id.
    let plain = app.user("plain@example.org", &[]).await;
    let r = assign(&mut s, plain).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".form-errors").contains("评审专家角色"));
    let r = assign(&mut s, 999_999).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("review_assignments").await, 0);
    assert_eq!(
        app.count("audit_events WHERE entity = 'review_round'")
            .await,
        0
    );

    // A clean evaluator is assigned and told.
    let (mut e1, e1_id) = evaluator(&app, "rev1@example.org").await;
    let r = assign(&mut s, e1_id).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(app.count("review_assignments").await, 1);
    assert_eq!(
        app.count(&format!(
            "user_notifications WHERE user_id = {e1_id} AND kind = 'review_assigned'"
        ))
        .await,
        1
    );
    let r = assign(&mut s, e1_id).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "twice");
    let me = e1.get("/me").await;
    assert!(
        me.text("#my-reviews-panel").contains('1'),
        "{}",
        me.text("main")
    );
    let mut owner_ws = app.client();
    owner_ws.login("owner@example.org", PW).await;
    assert_eq!(owner_ws.get("/me").await.count("#my-reviews-panel"), 0);
    let mine = e1.get("/me/reviews").await;
    assert!(mine.text("#my-reviews").contains("社区长者助餐服务"));
    // The reviewer reads what they score.
    assert_eq!(
        e1.get(&format!("/proposals/{}", s.pid)).await.status,
        StatusCode::OK
    );

    // Not the organizer: 404 like a missing proposal, for the applicant and a stranger.
    let mut owner = app.client();
    owner.login("owner@example.org", PW).await;
    owner.get(&format!("/proposals/{}", s.pid)).await;
    let r = owner
        .post(
            &format!("/proposals/{}/reviewers", s.pid),
            &[("reviewer", &e1_id.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (mut other, _) = app.signed_in("other-buyer@example.org", &[]).await;
    other.get("/me").await;
    for path in [
        format!("/proposals/{}/reviewers", s.pid),
        format!("/proposals/{}/reviewers/remove", s.pid),
    ] {
        let r = other.post(&path, &[("reviewer", &e1_id.to_string())]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(app.count("review_assignments").await, 1);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn sheets_are_private_until_submitted_and_determination_waits_for_all() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    let (mut e1, e1_id) = evaluator(&app, "rev1@example.org").await;
    let (mut e2, e2_id) = evaluator(&app, "rev2@example.org").await;
    for e in [e1_id, e2_id] {
        assert_eq!(assign(&mut s, e).await.status, StatusCode::SEE_OTHER);
    }
    let a1 = sheet_of(&app, e1_id, s.pid).await;
    let a2 = sheet_of(&app, e2_id, s.pid).await;
    let p1 = format!("/reviews/{a1}");
    let p2 = format!("/reviews/{a2}");

    // Bad scores: each cell marked, what was typed kept, nothing written.
    assert_eq!(e1.get(&p1).await.status, StatusCode::OK);
    let bad = [
        ("score_0", "6"),
        ("score_1", "-1"),
        ("score_2", "abc"),
        ("comment_0", "需求清楚"),
    ];
    let r = e1.post(&p1, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (i, typed) in ["6", "-1", "abc"].iter().enumerate() {
        assert!(!r.text(&format!("#score_{i}-error")).is_empty(), "cell {i}");
        assert_eq!(
            r.value(&format!("input[name=score_{i}]")).as_deref(),
            Some(*typed)
        );
    }
    assert!(r.text("textarea[name=comment_0]").contains("需求清楚"));
    assert_eq!(app.count("review_scores").await, 0);
    assert_eq!(
        app.count("review_assignments WHERE state = 'assigned'")
            .await,
        2
    );

    // A draft: n/a and an empty cell allowed.
    let r = e1
        .post(
            &p1,
            &[
                ("score_0", "4"),
                ("score_1", "na"),
                ("comment_0", "需求清楚"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(
        app.count("review_assignments WHERE state = 'draft'").await,
        1
    );

    // Another reviewer cannot read it, before or after it is submitted; nor can the
    // applicant.
    assert_eq!(e2.get(&p1).await.status, StatusCode::NOT_FOUND);
    let mut owner = app.client();
    owner.login("owner@example.org", PW).await;
    assert_eq!(owner.get(&p1).await.status, StatusCode::NOT_FOUND);

    // Determination is refused while sheets are missing, naming who.
    let path = format!("/proposals/{}/step", s.pid);
    s.buyer.get(&format!("/proposals/{}", s.pid)).await;
    let r = post(&mut s.buyer, &path, &step("to_determination")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = r.text(".form-errors");
    assert!(
        msg.contains("rev1@example.org") && msg.contains("rev2@example.org"),
        "{msg}"
    );
    assert_eq!(state(&app, s.pid).await, "expert_review");

    // Submitting: incomplete is refused per cell; then a confirmation page writes nothing;
    // the confirmed post submits and locks.
    let full = [
        ("score_0", "4"),
        ("score_1", "na"),
        ("score_2", "2"),
        ("recommendation", "yes"),
        ("declared", "1"),
    ];
    let r = e1
        .post(
            &format!("{p1}/submit"),
            &[("score_0", "4"), ("score_1", "na")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#score_2-error").is_empty());
    let r = e1.post(&format!("{p1}/submit"), &full).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count(".confirm-form"), 1);
    assert_eq!(
        app.count("review_assignments WHERE state = 'submitted'")
            .await,
        0
    );
    let mut confirmed = full.to_vec();
    confirmed.push(("confirm", "1"));
    let r = e1.post(&format!("{p1}/submit"), &confirmed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("review_assignments WHERE state = 'submitted'")
            .await,
        1
    );
    let locked = e1.get(&p1).await;
    assert_eq!(locked.count("input[name=score_0]"), 0, "read-only");
    let r = e1.post(&p1, &[("score_0", "1")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("review_scores WHERE criterion = 0 AND points = 4")
            .await,
        1,
        "unchanged"
    );
    // Still private after its submission.
    assert_eq!(e2.get(&p1).await.status, StatusCode::NOT_FOUND);
    assert_eq!(e1.get(&p2).await.status, StatusCode::NOT_FOUND);

    let r = post(&mut s.buyer, &path, &step("to_determination")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = r.text(".form-errors");
    assert!(
        msg.contains("rev2@example.org") && !msg.contains("rev1@example.org"),
        "{msg}"
    );
    // The organizer's list shows who is missing and the live total.
    let list = s
        .buyer
        .get(&format!("/calls/{}/proposals", s.call.id))
        .await;
    let row = format!("#proposal-{}", s.pid);
    assert!(
        list.text(&format!("{row} .review-missing"))
            .contains("rev2@example.org")
    );
    assert_eq!(list.text(&format!("{row} .review-total")), "3.00");

    // The second sheet; n/a is left out of each average.
    e2.get(&p2).await;
    let r = e2
        .post(
            &format!("{p2}/submit"),
            &[
                ("score_0", "4"),
                ("score_1", "2"),
                ("score_2", "na"),
                ("recommendation", "maybe"),
                ("declared", "1"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let page = s.buyer.get(&format!("/proposals/{}", s.pid)).await;
    let avgs: Vec<String> = page
        .doc()
        .select(&scraper::Selector::parse("#review-averages .review-average").unwrap())
        .map(|e| e.text().collect::<String>())
        .collect();
    // 4 and 4; 2 alone (not 1.00); 2 alone.
    assert_eq!(avgs, ["4.00", "2.00", "2.00"]);
    // Weighted: (30×4 + 30×2)/60 = 3.00 and (30×4 + 40×2)/70 = 2.857…; mean 2.93.
    assert_eq!(page.text("#review-board .review-total"), "2.93");
    assert!(page.text("#review-board .review-recs").contains('1'));

    let r = post(&mut s.buyer, &path, &step("to_determination")).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(state(&app, s.pid).await, "determination");
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn applicants_never_see_reviewers_names() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    app.complete_review(&s.call, s.pid, s.buyer_id, 2).await;
    let organizer = s.buyer.get(&format!("/proposals/{}", s.pid)).await;
    assert!(
        organizer
            .text("#review-board")
            .contains("reviewer1@example.org")
    );
    let mut owner = app.client();
    owner.login("owner@example.org", PW).await;
    let pages = [
        format!("/proposals/{}", s.pid),
        format!("/proposals/{}/diff", s.pid),
        format!("/calls/{}", s.call.id),
        "/me".to_string(),
        "/me/notifications".to_string(),
        format!("/orgs/{}", s.org),
    ];
    let scan = |owner: &mut Client| {
        let mut owner = std::mem::replace(owner, app.client());
        let pages = pages.clone();
        async move {
            for p in &pages {
                let r = owner.get(p).await;
                assert_eq!(r.status, StatusCode::OK, "{p}");
                for name in ["reviewer1@example.org", "reviewer2@example.org"] {
                    assert!(!r.body.contains(name), "{p} shows {name}");
                }
                assert_eq!(r.count("#review-board"), 0, "{p}");
            }
            owner
        }
    };
    owner = scan(&mut owner).await;
    // And after the determination.
    s.buyer.get(&format!("/proposals/{}", s.pid)).await;
    let r = post(
        &mut s.buyer,
        &format!("/proposals/{}/step", s.pid),
        &step("to_determination"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let _ = scan(&mut owner).await;
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn a_replaced_reviewer_loses_the_sheet_with_a_reason() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    let (mut e1, e1_id) = evaluator(&app, "rev1@example.org").await;
    let (_, e3_id) = evaluator(&app, "rev3@example.org").await;
    assert_eq!(assign(&mut s, e1_id).await.status, StatusCode::SEE_OTHER);
    let a1 = sheet_of(&app, e1_id, s.pid).await;
    e1.get(&format!("/reviews/{a1}")).await;
    let r = e1
        .post(&format!("/reviews/{a1}"), &[("score_0", "5")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let path = format!("/proposals/{}/reviewers/remove", s.pid);
    let old = e1_id.to_string();
    let new = e3_id.to_string();
    // No reason: 422, nothing written.
    let r = s
        .buyer
        .post(
            &path,
            &[("old", &old), ("replacement", &new), ("reason", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#reason-error, .form-errors").is_empty());
    // With a reason: first the confirmation, then the change.
    let fields = [
        ("old", old.as_str()),
        ("replacement", new.as_str()),
        ("reason", "出差无法按期完成评审"),
    ];
    let r = s.buyer.post(&path, &fields).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count(".confirm-form"), 1);
    assert_eq!(app.count("review_scores").await, 1, "nothing yet");
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm", "1"));
    let r = s.buyer.post(&path, &confirmed).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(app.count("review_scores").await, 0, "sheet discarded");
    assert_eq!(
        e1.get(&format!("/reviews/{a1}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.count(&format!(
            "user_notifications WHERE user_id = {e1_id} AND kind = 'review_unassigned'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("audit_events WHERE entity = 'review_round' AND action = 'reviewer_replaced'")
            .await,
        1
    );
    let a3 = sheet_of(&app, e3_id, s.pid).await;
    assert!(a3 > a1);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn the_organizers_list_loads_reviews_in_a_fixed_number_of_queries() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let db = &app.state.db;
    app.complete_review(&s.call, s.pid, s.buyer_id, 1).await;
    let (mut c, log) = app.counted_client();
    c.login("buyer@example.org", PW).await;
    let list = format!("/calls/{}/proposals", s.call.id);
    let review_statements = |log: &common::SqlLog| {
        ["review_rounds", "review_assignments", "review_scores"]
            .iter()
            .map(|t| log.on(t))
            .sum::<usize>()
    };
    log.clear();
    assert_eq!(c.get(&list).await.status, StatusCode::OK);
    let one = review_statements(&log);
    // Three more proposals in review, each with a submitted sheet.
    let author = app.user("author@example.org", &[]).await;
    let all: Vec<String> = ScreenItem::ALL
        .iter()
        .map(|i| i.code().to_string())
        .collect();
    for n in ["甲小组", "乙小组", "丙小组"] {
        let d = ProposalDraft {
            applicant: ApplicantChoice::Group,
            name: n.into(),
            title: format!("{n}的项目"),
            plan: "每周组织两次社区活动。".into(),
            beneficiaries: "社区老人".into(),
            place: "150102".into(),
            outcomes: vec![Outcome {
                indicator: "服务人数".into(),
                target: 20,
            }],
            budget: vec![BudgetLine {
                category: "activities".into(),
                item: "社区活动".into(),
                amount: Fen(100_000),
            }],
            total: Fen(100_000),
            cofund: Fen(0),
            partners: vec![],
            submit: true,
        };
        let id = ops::apply(db, &s.call, author, &d, T0)
            .await
            .unwrap()
            .unwrap();
        for st in [Step::Screen, Step::ToReview] {
            let p = civicbridge::philanthropy::proposal_model::get(db, id)
                .await
                .unwrap()
                .unwrap();
            if st == Step::ToReview {
                ops::record_checklist(db, &p, &all, s.buyer_id, T0)
                    .await
                    .unwrap();
            }
            let sd = StepDraft {
                step: st,
                message: String::new(),
                amount: None,
            };
            ops::take_step(db, &s.call, &p, &sd, s.buyer_id, T0)
                .await
                .unwrap()
                .unwrap();
        }
        app.complete_review(&s.call, id, s.buyer_id, 1).await;
    }
    log.clear();
    let r = c.get(&list).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count(".review-total"), 4);
    assert!(r.text(".proposals-table").contains("4.00"));
    assert!(one > 0);
    assert_eq!(review_statements(&log), one, "IN queries, not one per row");
    app.check_invariants().await.unwrap();
}
