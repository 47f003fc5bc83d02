//! Grants through HTTP: the organizer draws the agreement up from an approved proposal,
//! both sides sign (once each), the first tranche is paid, a report's due date passes and
//! holds the second tranche (named in the refusal) until the report is submitted and
//! accepted, the final report compares outcomes achieved with planned, and completion with
//! a rating shows on the organization's profile; reminders go out once before and once
//! after a due date; amendments are approved or refused and kept; bad input comes back per
//! field with nothing written; other organizations get 404 like a missing id; the
//! 360Giving export validates against the standard's schema.

use crate::common;

use crate::common::{Client, PW, T0, TestApp, uscc};
use axum::http::StatusCode;
use civicbridge::accounts::OrgRole;
use civicbridge::kernel::money::Fen;
use civicbridge::philanthropy::proposal_rules::{
    ApplicantChoice, BudgetLine, Outcome, ProposalDraft, ScreenItem, Step, StepDraft,
};
use civicbridge::philanthropy::proposals as ops;
use civicbridge::philanthropy::rules::CallDraft;

const DAY: i64 = 86_400;

struct Setup {
    buyer: Client,
    admin: Client,
    org: i64,
    proposal: i64,
}

/// A unit's call (tranches 60% and 40%, reports at 6 and 12 months) and an organization's
/// proposal approved for 48 000 yuan; the buyer and the organization's administrator
/// signed in.
async fn setup(app: &TestApp) -> Setup {
    let db = &app.state.db;
    let buyer_id = app.user("buyer@example.org", &[]).await;
    let unit = common::unit_with_buyer(app, buyer_id).await;
    let admin_id = app.user("admin@org.example", &[]).await;
    let org = app.org(admin_id, 1, "新城区阳光养老服务中心").await;
    let d = CallDraft {
        tranches: vec![6_000, 4_000],
        reports: vec![6, 12],
        ..common::call_draft(unit)
    };
    let c = common::published_call(app, &d, buyer_id, T0 - 2 * DAY).await;
    let line = |c: &str, i: &str, y: i64| BudgetLine {
        category: c.into(),
        item: i.into(),
        amount: Fen(y * 100),
    };
    let p = ProposalDraft {
        applicant: ApplicantChoice::Org(org),
        name: String::new(),
        title: "社区长者助餐服务".into(),
        plan: "在两个社区建设长者助餐点，每周五天提供午餐。".into(),
        beneficiaries: "社区60岁以上老人约300人".into(),
        place: "150102".into(),
        outcomes: vec![Outcome {
            indicator: "服务老人人数".into(),
            target: 300,
        }],
        budget: vec![
            line("personnel", "社工补贴", 20_000),
            line("activities", "助餐活动", 25_000),
            line("materials", "餐具", 4_000),
            line("admin", "办公", 6_000),
        ],
        total: Fen(5_500_000),
        cofund: Fen(600_000),
        partners: vec![],
        submit: true,
    };
    let proposal = ops::apply(db, &c, admin_id, &p, T0).await.unwrap().unwrap();
    let all: Vec<String> = ScreenItem::ALL
        .iter()
        .map(|i| i.code().to_string())
        .collect();
    for step in [
        Step::Screen,
        Step::ToReview,
        Step::ToDetermination,
        Step::Approve,
    ] {
        let pr = civicbridge::philanthropy::proposal_model::get(db, proposal)
            .await
            .unwrap()
            .unwrap();
        if step == Step::ToReview {
            ops::record_checklist(db, &pr, &all, buyer_id, T0)
                .await
                .unwrap();
        }
        if step == Step::ToDetermination {
            // Determination waits for every expert's sheet (the reviews room).
            app.complete_review(&c, proposal, buyer_id, c.reviewers as usize)
                .await;
        }
        let d = StepDraft {
            step,
            message: String::new(),
            amount: (step == Step::Approve).then_some(Fen(4_800_000)),
        };
        ops::take_step(db, &c, &pr, &d, buyer_id, T0)
            .await
            .unwrap()
            .unwrap();
    }
    let mut buyer = app.client();
    buyer.login("buyer@example.org", PW).await;
    let mut admin = app.client();
    admin.login("admin@org.example", PW).await;
    Setup {
        buyer,
        admin,
        org,
        proposal,
    }
}

/// The organizer draws the agreement up; its id.
async fn draw_up(s: &mut Setup) -> i64 {
    let page = s.buyer.get(&format!("/proposals/{}", s.proposal)).await;
    assert!(page.body.contains("/grant\""), "the organizer's button");
    let r = s
        .buyer
        .post(&format!("/proposals/{}/grant", s.proposal), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().unwrap().to_string();
    assert!(to.starts_with("/grants/"), "{to}");
    to.trim_start_matches("/grants/").parse().unwrap()
}

/// Both sides sign.
async fn sign_both(s: &mut Setup, g: i64) {
    for c in [&mut s.buyer, &mut s.admin] {
        c.get(&format!("/grants/{g}")).await;
        let r = c.post(&format!("/grants/{g}/sign"), &[]).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{}",
            r.text(".form-errors")
        );
    }
}

/// Posts repeated form fields.
async fn post(c: &mut Client, path: String, f: Vec<(&'static str, String)>) -> common::Resp {
    let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(&path, &refs).await
}

async fn grant(app: &TestApp, id: i64) -> civicbridge::philanthropy::Grant {
    civicbridge::philanthropy::grant_model::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap()
}

async fn reports(app: &TestApp, id: i64) -> Vec<civicbridge::philanthropy::grant_model::Report> {
    civicbridge::philanthropy::grant_model::reports(&app.state.db, id)
        .await
        .unwrap()
}

async fn tranches(app: &TestApp, id: i64) -> Vec<civicbridge::philanthropy::grant_model::Tranche> {
    civicbridge::philanthropy::grant_model::tranches(&app.state.db, id)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_grant_runs_from_agreement_to_a_rating_on_the_profile() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    let g = draw_up(&mut s).await;
    // The tranches split the approved amount exactly; the reports follow the schedule.
    let t = tranches(&app, g).await;
    assert_eq!(
        t.iter().map(|t| t.amount_fen).collect::<Vec<_>>(),
        vec![2_880_000, 1_920_000]
    );
    let r = reports(&app, g).await;
    assert_eq!(r.len(), 2);
    assert!(r[1].is_final && !r[0].is_final);
    assert_eq!(
        civicbridge::kernel::clock::shanghai_date(r[0].due_at).to_string(),
        "2027-05-27"
    );
    // A second agreement for the same proposal is refused.
    let again = s
        .buyer
        .post(&format!("/proposals/{}/grant", s.proposal), &[])
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("grants").await, 1);

    // No payment before both signatures.
    let pay = |d: &str, amount: &str| {
        vec![
            ("paid_on", d.to_string()),
            ("amount", amount.to_string()),
            ("reference", "HX-2026-001".to_string()),
        ]
    };
    let r = post(
        &mut s.buyer,
        format!("/grants/{g}/pay"),
        pay("2026-11-27", "28800"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Each side signs once; signing twice is refused.
    s.buyer.get(&format!("/grants/{g}")).await;
    let r = s.buyer.post(&format!("/grants/{g}/sign"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let twice = s.buyer.post(&format!("/grants/{g}/sign"), &[]).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        twice.text(".form-errors").contains("已签署"),
        "{}",
        twice.text(".form-errors")
    );
    assert_eq!(grant(&app, g).await.state, "signed_organizer");
    s.admin.get(&format!("/grants/{g}")).await;
    let r = s.admin.post(&format!("/grants/{g}/sign"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(grant(&app, g).await.state, "active");
    // Counted as won by the organization once both have signed, in the period of the second
    // signature only (incubators' KPIs read this).
    let won = civicbridge::philanthropy::grants_won_between(&app.state.db, T0, T0 + 1)
        .await
        .unwrap();
    assert_eq!(
        won.get(&s.org).map(|(n, v)| (*n, v.0)),
        Some((1, 4_800_000))
    );
    let later = civicbridge::philanthropy::grants_won_between(&app.state.db, T0 + 1, T0 + 86_400)
        .await
        .unwrap();
    assert!(later.is_empty(), "{later:?}");

    // A payment that is not the tranche's amount comes back with the typed values.
    let r = post(
        &mut s.buyer,
        format!("/grants/{g}/pay"),
        pay("2026-11-27", "28000"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#amount-error").contains("28,800.00"), "{}", r.body);
    assert_eq!(r.value("input#amount").as_deref(), Some("28000"));
    assert!(tranches(&app, g).await[0].paid_on.is_none());
    let r = post(
        &mut s.buyer,
        format!("/grants/{g}/pay"),
        pay("2026-11-27", "28800"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(
        tranches(&app, g).await[0].paid_on.as_deref(),
        Some("2026-11-27")
    );

    // Report 1's due date passes: the second tranche is held, naming the report.
    app.clock().advance(182 * DAY);
    let page = s.buyer.get(&format!("/grants/{g}")).await;
    assert!(
        page.text("#held").contains("第1份报告"),
        "{}",
        page.text("#held")
    );
    let r = post(
        &mut s.buyer,
        format!("/grants/{g}/pay"),
        pay("2027-05-28", "19200"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".form-errors").contains("第1份报告"),
        "{}",
        r.text(".form-errors")
    );
    assert!(tranches(&app, g).await[1].paid_on.is_none());

    // The organization reports (negative spending refused first), the organizer accepts.
    let page = s.admin.get(&format!("/grants/{g}")).await;
    let rid = page.value("form.report-form input[name=report]").unwrap();
    let report = |rid: &str, spent: &str, achieved: &str| {
        vec![
            ("report", rid.to_string()),
            ("narrative", "两个助餐点已开业，服务老人150人。".to_string()),
            ("spent", spent.to_string()),
            ("achieved", achieved.to_string()),
        ]
    };
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/report"),
        report(&rid, "-5", "150"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#spent-error").is_empty());
    assert_eq!(reports(&app, g).await[0].state, "due");
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/report"),
        report(&rid, "20000", "150"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let page = s.buyer.get(&format!("/grants/{g}")).await;
    let rid_seen = page.value("form.review-form input[name=report]").unwrap();
    assert_eq!(rid_seen, rid);
    let r = s
        .buyer
        .post(
            &format!("/grants/{g}/review"),
            &[("report", &rid), ("decision", "accept"), ("reason", "")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );

    // Now the second tranche may be paid.
    let r = post(
        &mut s.buyer,
        format!("/grants/{g}/pay"),
        pay("2027-05-28", "19200"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );

    // The final report: outcomes achieved against planned; it is returned once, then
    // accepted, and the grant completed with a rating.
    let page = s.admin.get(&format!("/grants/{g}")).await;
    let fid = page.value("form.report-form input[name=report]").unwrap();
    assert_ne!(fid, rid);
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/report"),
        report(&fid, "48000", "310"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = s
        .buyer
        .post(
            &format!("/grants/{g}/review"),
            &[("report", &fid), ("decision", "return"), ("reason", "")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a return needs a reason"
    );
    let r = s
        .buyer
        .post(
            &format!("/grants/{g}/review"),
            &[
                ("report", &fid),
                ("decision", "return"),
                ("reason", "请补充支出票据。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = s
        .buyer
        .post(&format!("/grants/{g}/complete"), &[("rating", "5")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the final report first"
    );
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/report"),
        report(&fid, "48000", "310"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = s
        .buyer
        .post(
            &format!("/grants/{g}/review"),
            &[("report", &fid), ("decision", "accept"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = s.buyer.get(&format!("/grants/{g}")).await;
    assert_eq!(page.text("#outcomes td.achieved"), "310");
    let r = s
        .buyer
        .post(&format!("/grants/{g}/complete"), &[("rating", "9")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = s
        .buyer
        .post(&format!("/grants/{g}/complete"), &[("rating", "5")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let done = grant(&app, g).await;
    assert_eq!((done.state.as_str(), done.rating), ("completed", Some(5)));

    // On the organization's public profile, and in both sides' workspaces.
    let mut public = app.client();
    let profile = public.get(&format!("/orgs/{}", s.org)).await;
    let record = profile.text("#grant-track-record");
    assert!(record.contains("社区长者助餐服务"), "{record}");
    assert!(record.contains("★★★★★"), "{record}");
    assert!(
        s.admin
            .get("/me")
            .await
            .text("#my-grants")
            .contains("社区长者助餐服务")
    );
    assert!(
        s.buyer
            .get("/me")
            .await
            .text("#organized-grants")
            .contains("社区长者助餐服务")
    );
    // The money paid counts on the dashboard by league/city and year, and in its CSV.
    let dash = public.get("/targets").await;
    let funds = dash.text("#grant-funds");
    assert!(funds.contains("2026") && funds.contains("2027"), "{funds}");
    assert!(
        funds.contains("¥28,800.00") && funds.contains("¥19,200.00"),
        "{funds}"
    );
    let csv = public.get("/targets.csv?table=grants").await.body;
    assert!(csv.contains("150100,呼和浩特市,2026,28800.00"), "{csv}");
    // Every step audited; the recipient was told of each of the organizer's.
    let audited = app.count("audit_events").await;
    assert!(audited >= 12, "{audited}");
}

#[tokio::test]
async fn reminders_go_out_once_before_and_once_after_a_due_date() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    let g = draw_up(&mut s).await;
    sign_both(&mut s, g).await;
    let due = reports(&app, g).await[0].due_at;
    let sent = |st: &civicbridge::web::AppState| {
        let st = st.clone();
        async move {
            civicbridge::app::jobs::send_grant_reminders(&st)
                .await
                .unwrap()
        }
    };
    assert_eq!(sent(&app.state).await, 0, "nothing due yet");
    app.clock().advance(due - 6 * DAY - T0);
    assert_eq!(sent(&app.state).await, 1, "a week before");
    assert_eq!(sent(&app.state).await, 0, "once");
    app.clock().advance(14 * DAY);
    assert_eq!(sent(&app.state).await, 1, "a week after");
    assert_eq!(sent(&app.state).await, 0, "once");
    let page = s.admin.get("/me/notifications").await;
    assert_eq!(
        page.body.matches("资助报告提醒").count(),
        2,
        "{}",
        page.text("main")
    );
}

#[tokio::test]
async fn amendments_are_approved_or_refused_and_kept() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    let g = draw_up(&mut s).await;
    sign_both(&mut s, g).await;
    let before = grant(&app, g).await;
    let due2 = reports(&app, g).await[1].due_at;
    s.admin.get(&format!("/grants/{g}")).await;
    let ext = |d: &str| {
        vec![
            ("kind", "extension".to_string()),
            ("ends_on", d.to_string()),
            ("reason", "场地维修推迟开业。".to_string()),
        ]
    };
    // An end before the current one is refused, nothing written.
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/amendments"),
        ext("2027-01-01"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#ends_on-error").is_empty());
    assert_eq!(app.count("grant_amendments").await, 0);
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/amendments"),
        ext("2028-02-27"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    // One pending at a time.
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/amendments"),
        ext("2028-03-27"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = s.buyer.get(&format!("/grants/{g}")).await;
    let aid = page
        .value("form.decide-form input[name=amendment]")
        .unwrap();
    let r = s
        .buyer
        .post(
            &format!("/grants/{g}/amendments/decide"),
            &[("amendment", &aid), ("decision", "refuse"), ("reason", "")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a refusal needs a reason"
    );
    let r = s
        .buyer
        .post(
            &format!("/grants/{g}/amendments/decide"),
            &[
                ("amendment", &aid),
                ("decision", "refuse"),
                ("reason", "延期理由不充分。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(grant(&app, g).await.ends_at, before.ends_at);

    // A budget revision must keep the total (55 000 yuan).
    s.admin.get(&format!("/grants/{g}")).await;
    let budget = |amounts: [&str; 2]| {
        vec![
            ("kind", "budget".to_string()),
            ("reason", "活动调整。".to_string()),
            ("budget_category", "personnel".to_string()),
            ("budget_item", "社工补贴".to_string()),
            ("budget_amount", amounts[0].to_string()),
            ("budget_category", "activities".to_string()),
            ("budget_item", "助餐活动".to_string()),
            ("budget_amount", amounts[1].to_string()),
        ]
    };
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/amendments"),
        budget(["20000", "30000"]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#budget-lines").contains("55,000.00"),
        "{}",
        r.text("#budget-lines")
    );
    assert_eq!(app.count("grant_amendments").await, 1);
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/amendments"),
        budget(["20000", "35000"]),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let page = s.buyer.get(&format!("/grants/{g}")).await;
    let aid = page
        .value("form.decide-form input[name=amendment]")
        .unwrap();
    let r = s
        .buyer
        .post(
            &format!("/grants/{g}/amendments/decide"),
            &[("amendment", &aid), ("decision", "approve"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(grant(&app, g).await.budget.contains("35000"));

    // An approved extension moves the end and the reports not yet submitted.
    s.admin.get(&format!("/grants/{g}")).await;
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/amendments"),
        ext("2028-02-27"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = s.buyer.get(&format!("/grants/{g}")).await;
    let aid = page
        .value("form.decide-form input[name=amendment]")
        .unwrap();
    let r = s
        .buyer
        .post(
            &format!("/grants/{g}/amendments/decide"),
            &[
                ("amendment", &aid),
                ("decision", "approve"),
                ("reason", "同意。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = grant(&app, g).await;
    assert_eq!(
        civicbridge::kernel::clock::shanghai_date(after.ends_at).to_string(),
        "2028-02-27"
    );
    assert_eq!(
        reports(&app, g).await[1].due_at - due2,
        after.ends_at - before.ends_at
    );
    // The history keeps all three with their decisions.
    let page = s.admin.get(&format!("/grants/{g}")).await;
    assert_eq!(page.count("tr.amendment"), 3);
    assert!(page.text("#amendments").contains("延期理由不充分"));
}

#[tokio::test]
async fn others_get_404_like_a_missing_grant() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    let g = draw_up(&mut s).await;
    let member = app.user("member@org.example", &[]).await;
    app.add_member(s.org, member, OrgRole::Member).await;
    let other_admin = app.user("other@org.example", &[]).await;
    app.org(other_admin, 2, "另一家社会组织").await;
    let mut other = app.client();
    other.login("other@org.example", PW).await;
    let missing = other.get("/grants/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    for path in [
        format!("/grants/{g}"),
        format!("/grants/{g}/sign"),
        format!("/grants/{g}/report"),
        format!("/grants/{g}/pay"),
    ] {
        let r = if path.ends_with(&g.to_string()) {
            other.get(&path).await
        } else {
            other.post(&path, &[]).await
        };
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    // A member of the recipient reads it but signs nothing; the recipient pays nothing.
    let mut m = app.client();
    m.login("member@org.example", PW).await;
    assert_eq!(m.get(&format!("/grants/{g}")).await.status, StatusCode::OK);
    let r = m.post(&format!("/grants/{g}/sign"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = s.admin.post(&format!("/grants/{g}/pay"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = s.buyer.post(&format!("/grants/{g}/report"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut anon = app.client();
    let r = anon.get(&format!("/grants/{g}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
    assert_eq!(grant(&app, g).await.state, "drafted");
}

/// The 360Giving 1.4.3 package schema (with the grant schema it refers to), formats
/// checked.
fn giving360_validator() -> jsonschema::Validator {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/360giving-1.4.3");
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap()
    };
    // The files name the 2020-12 meta-schema by its `http://` address; validators know it
    // by the canonical `https://` one, which is the same draft.
    let canonical = |mut v: serde_json::Value| {
        v["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
        v
    };
    let package_schema = canonical(read("360-giving-package-schema.json"));
    let grant_schema = canonical(read("360-giving-schema.json"));
    let grant_url = grant_schema["$id"].as_str().unwrap().to_string();
    jsonschema::options()
        .should_validate_formats(true)
        .with_resource(
            grant_url,
            jsonschema::Resource::from_contents(grant_schema).unwrap(),
        )
        .build(&package_schema)
        .unwrap()
}

#[tokio::test]
async fn the_360giving_export_validates_against_the_schema() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    let g = draw_up(&mut s).await;
    sign_both(&mut s, g).await;
    let mut public = app.client();
    let r = public.get("/api/v1/grants.360giving.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let pkg = r.json();
    let validator = giving360_validator();
    let errors: Vec<String> = validator.iter_errors(&pkg).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{pkg:#}");
    let one = &pkg["grants"][0];
    assert_eq!(one["id"], format!("360G-civicbridge-test-{g}"));
    assert_eq!(one["currency"], "CNY");
    assert_eq!(one["amountAwarded"], 48000.0);
    assert_eq!(
        one["recipientOrganization"][0]["id"],
        format!("CN-USC-{}", uscc(1))
    );
    assert_eq!(one["fundingOrganization"][0]["name"], "新城区民政局");
    // A package that breaks the standard fails the same check (the test can fail).
    let mut broken = pkg.clone();
    broken["grants"][0]
        .as_object_mut()
        .unwrap()
        .remove("currency");
    assert!(!validator.is_valid(&broken));
}

/// Early termination (issue 13): only the organizer, after a confirmation page that states
/// the unpaid tranches cancelled and the paid ones still counted, with a reason; the
/// recipient is told, a waiting amendment is refused, and afterwards no payment, report or
/// amendment is accepted (422 with a message). The page, `/targets` and the 360Giving file
/// show it.
#[tokio::test]
async fn the_organizer_terminates_a_grant_early_and_nothing_more_is_accepted() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    let g = draw_up(&mut s).await;
    sign_both(&mut s, g).await;
    let r = post(
        &mut s.buyer,
        format!("/grants/{g}/pay"),
        vec![
            ("paid_on", "2026-11-27".to_string()),
            ("amount", "28800".to_string()),
            ("reference", "HX-2026-001".to_string()),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    // The recipient has an extension waiting.
    s.admin.get(&format!("/grants/{g}")).await;
    let ext = vec![
        ("kind", "extension".to_string()),
        ("ends_on", "2028-02-27".to_string()),
        ("reason", "场地维修推迟开业。".to_string()),
    ];
    let r = post(&mut s.admin, format!("/grants/{g}/amendments"), ext.clone()).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let member = app.user("member@org.example", &[]).await;
    app.add_member(s.org, member, OrgRole::Member).await;
    let other_admin = app.user("other@org.example", &[]).await;
    app.org(other_admin, 2, "另一家社会组织").await;

    // The organizer's page offers termination; the recipient's does not.
    let page = s.buyer.get(&format!("/grants/{g}")).await;
    assert_eq!(
        page.count(&format!(
            "#terminate form[action='/grants/{g}/terminate'] textarea[name=reason]"
        )),
        1
    );
    assert_eq!(
        s.admin
            .get(&format!("/grants/{g}"))
            .await
            .count("#terminate"),
        0
    );

    let path = format!("/grants/{g}/terminate");
    let reason = "受资助机构主要负责人离职，项目无法继续执行。";
    let full = [("reason", reason), ("confirm", "1")];
    let audits = app.count("audit_events").await;
    // The recipient, a member, another organization: "not found", like a missing id.
    let mut m = app.client();
    m.login("member@org.example", PW).await;
    let mut other = app.client();
    other.login("other@org.example", PW).await;
    for (who, c) in [
        ("recipient", &mut s.admin),
        ("member", &mut m),
        ("other", &mut other),
    ] {
        assert_eq!(
            c.post(&path, &full).await.status,
            StatusCode::NOT_FOUND,
            "{who}"
        );
    }
    assert_eq!(
        s.buyer.post("/grants/999999/terminate", &full).await.status,
        StatusCode::NOT_FOUND
    );
    let mut anon = app.client();
    anon.get("/login").await;
    let r = anon.post(&path, &full).await;
    assert!(
        r.location().is_some_and(|l| l.starts_with("/login")),
        "{}",
        r.status
    );
    // A reason is required.
    for bad in ["", "   ", "离职", "原因\u{7}原因原因"] {
        let r = s
            .buyer
            .post(&path, &[("reason", bad), ("confirm", "1")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert!(!r.text("#reason-error").is_empty(), "{bad:?}");
    }
    // The confirmation page states the consequence; nothing is written before its button.
    let r = s.buyer.post(&path, &[("reason", reason)]).await;
    assert_eq!(r.status, StatusCode::OK);
    let said = r.text(".confirm-consequences");
    assert!(
        said.contains("19,200.00"),
        "the unpaid tranche cancelled: {said}"
    );
    assert!(
        said.contains("28,800.00"),
        "the paid tranche still counted: {said}"
    );
    assert!(said.contains("/targets") && said.contains(reason), "{said}");
    assert_eq!(
        r.value(".confirm-form input[name=reason]").as_deref(),
        Some(reason)
    );
    assert_eq!(grant(&app, g).await.state, "active");
    assert_eq!(app.count("audit_events").await, audits);

    app.clock().advance(3 * DAY);
    let r = s.buyer.post(&path, &full).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = grant(&app, g).await;
    assert_eq!(after.state, "terminated");
    assert_eq!(after.terminated_at, Some(T0 + 3 * DAY));
    assert_eq!(after.termination_reason.as_deref(), Some(reason));
    assert_eq!(
        after.amount_fen, 4_800_000,
        "the amount awarded stays as signed"
    );
    assert_eq!(
        app.count("audit_events WHERE entity = 'grant' AND action = 'terminated'")
            .await,
        1
    );
    assert_eq!(
        app.count("grant_amendments WHERE state = 'refused'").await,
        1,
        "the waiting amendment is refused"
    );
    // The recipient is told, with the reason.
    let inbox = s.admin.get("/me/notifications").await;
    assert!(inbox.body.contains(reason), "recipient's inbox");
    // Paid tranches stay paid and counted; the other is cancelled, not paid.
    let t = tranches(&app, g).await;
    assert!(t[0].paid_on.is_some() && t[1].paid_on.is_none());
    let paid = civicbridge::philanthropy::paid_by_league_year(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        paid.iter().map(|(_, _, f)| f.0).sum::<i64>(),
        2_880_000,
        "{paid:?}"
    );
    // The page shows it; no form is offered any more.
    let page = s.admin.get(&format!("/grants/{g}")).await;
    assert!(page.text("#terminated").contains(reason));
    assert!(page.text("#terminated").contains("2026-11-30"));
    assert_eq!(page.count("#tranches .cancelled"), 1);
    for form in [
        ".pay-form",
        ".report-form",
        ".amend-form",
        ".decide-form",
        "#terminate",
        "#sign",
    ] {
        assert_eq!(page.count(form), 0, "{form}");
        assert_eq!(
            s.buyer.get(&format!("/grants/{g}")).await.count(form),
            0,
            "{form}"
        );
    }
    // Nothing more is accepted: 422 with the message, nothing written.
    let audits = app.count("audit_events").await;
    let r = post(
        &mut s.buyer,
        format!("/grants/{g}/pay"),
        vec![
            ("paid_on", "2026-11-30".to_string()),
            ("amount", "19200".to_string()),
            ("reference", "HX-2026-002".to_string()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#terminated-error").contains("终止"), "{}", r.body);
    let rid = reports(&app, g).await[0].id;
    let r = post(
        &mut s.admin,
        format!("/grants/{g}/report"),
        vec![
            ("report", rid.to_string()),
            ("narrative", "已开展助餐服务。".to_string()),
            ("spent", "1000".to_string()),
            ("achieved", "10".to_string()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#terminated-error").contains("终止"));
    let r = post(&mut s.admin, format!("/grants/{g}/amendments"), ext).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#terminated-error").contains("终止"));
    let r = s.buyer.post(&path, &full).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#reason-error").is_empty());
    assert_eq!(app.count("audit_events").await, audits);
    assert_eq!(app.count("grant_amendments").await, 1);
    assert!(tranches(&app, g).await[1].paid_on.is_none());

    // The 360Giving file still validates: the amount as signed, the day it actually ended.
    let pkg = app
        .client()
        .get("/api/v1/grants.360giving.json")
        .await
        .json();
    let errors: Vec<String> = giving360_validator()
        .iter_errors(&pkg)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{pkg:#}");
    let one = &pkg["grants"][0];
    assert_eq!(one["amountAwarded"], 48000.0);
    assert_eq!(one["actualDates"][0]["endDate"], "2026-11-30");
    assert_eq!(one["actualDates"][0]["description"], reason);
    assert!(
        one["dateModified"]
            .as_str()
            .is_some_and(|d| d.starts_with("2026-11-30T")),
        "{one:#}"
    );
    app.check_invariants().await.unwrap();
}

/// A grant terminated before both signed was never awarded: it stays out of the 360Giving
/// file; a completed one cannot be terminated.
#[tokio::test]
async fn an_unsigned_grant_terminated_is_not_published() {
    let app = TestApp::new().await;
    let mut s = setup(&app).await;
    let g = draw_up(&mut s).await;
    s.buyer.get(&format!("/grants/{g}")).await;
    let r = s
        .buyer
        .post(
            &format!("/grants/{g}/terminate"),
            &[
                ("reason", "受资助方未在约定期限内签署协议。"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(grant(&app, g).await.state, "terminated");
    let r = s.admin.post(&format!("/grants/{g}/sign"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let pkg = app
        .client()
        .get("/api/v1/grants.360giving.json")
        .await
        .json();
    assert_eq!(pkg["grants"].as_array().map(Vec::len), Some(0), "{pkg:#}");
    app.check_invariants().await.unwrap();
}
