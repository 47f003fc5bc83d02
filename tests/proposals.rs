//! Applications (proposals) to venture-philanthropy calls through HTTP: an organization
//! applies inside the window with a budget the rules accept; the organizer screens with the
//! checklist, asks for more information, the applicant revises (both revisions kept and
//! compared), expert review, determination, approval for less than asked and a reopening;
//! bad input (budgets that do not add up, over the maximum, negative or zero amounts,
//! outside the window, an applicant on a credit list) comes back per field with nothing
//! written; sealed rounds hide applications until the window closes; batch determination is
//! all or none; a draft is its applicant's alone and others get 404.

use crate::common;

use crate::common::{Client, PW, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::kernel::money::Fen;
use civicbridge::philanthropy::proposal_rules::{
    ApplicantChoice, BudgetLine, Outcome, ProposalDraft, ScreenItem, Step, StepDraft,
};
use civicbridge::philanthropy::proposals as ops;
use civicbridge::philanthropy::rules::CallDraft;

const DAY: i64 = 86_400;

/// A form as repeated fields.
type Fields = Vec<(&'static str, String)>;

/// A unit in Hohhot with a buyer signed in; returns (client, buyer id, unit id).
async fn unit_buyer(app: &TestApp) -> (Client, i64, i64) {
    common::call_organizer(app).await
}

/// Publishes a call of `unit` whose window is `[opens, closes)`; returns it.
async fn call(
    app: &TestApp,
    unit: i64,
    buyer: i64,
    opens: i64,
    closes: i64,
    sealed: bool,
) -> civicbridge::philanthropy::Call {
    let d = CallDraft {
        opens_at: opens,
        closes_at: closes,
        sealed,
        ..common::call_draft(unit)
    };
    common::published_call(app, &d, buyer, T0 - 2 * DAY).await
}

/// A good application of organization `org` as repeated form fields: lines of 55 000 yuan
/// with 6 000 of co-funding (a grant of 49 000 asked, administration 6 000).
fn good(org: i64) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        ("kind", "org".into()),
        ("org_id", org.to_string()),
        ("title", "社区长者助餐服务".into()),
        (
            "plan",
            "在两个社区建设长者助餐点，每周五天提供午餐。\n组织志愿者上门送餐。".into(),
        ),
        ("beneficiaries", "社区60岁以上老人约300人".into()),
        ("p_league", "150100".into()),
        ("p_county", "150102".into()),
        ("p_township", "".into()),
        ("outcome_indicator", "服务老人人数".into()),
        ("outcome_target", "300".into()),
        ("total", "55000".into()),
        ("cofund", "6000".into()),
        ("action", "submit".into()),
    ];
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

async fn proposal(app: &TestApp, id: i64) -> civicbridge::philanthropy::Proposal {
    civicbridge::philanthropy::proposal_model::get(&app.state.db, id)
        .await
        .unwrap()
        .unwrap()
}

/// A group's proposal made directly through the operations (the tests not about the form).
fn group_draft(name: &str) -> ProposalDraft {
    ProposalDraft {
        applicant: ApplicantChoice::Group,
        name: name.into(),
        title: format!("{name}的项目"),
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
        cofund: Fen(400_000),
        partners: vec![],
        submit: true,
    }
}

#[tokio::test]
async fn an_organization_applies_and_the_organizer_takes_it_to_approval() {
    let app = TestApp::new().await;
    let (mut buyer, buyer_id, unit) = unit_buyer(&app).await;
    let c = call(&app, unit, buyer_id, T0 - DAY, T0 + 30 * DAY, false).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区助老服务中心").await;
    let partner_owner = app.user("partner@example.org", &[]).await;
    app.org(partner_owner, 2, "新城区志愿者协会").await;
    let mut applicant = app.client();
    applicant.login("owner@example.org", PW).await;

    // The call page offers to apply; the form names the one organization, from the registry.
    let page = applicant.get(&format!("/calls/{}", c.id)).await;
    assert_eq!(
        page.count(&format!("#proposals a[href='/calls/{}/apply']", c.id)),
        1
    );
    let form = applicant.get(&format!("/calls/{}/apply", c.id)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(
        form.value("select#org_id option[selected]").as_deref(),
        Some(org.to_string().as_str())
    );
    assert!(form.text("select#org_id").contains(&common::uscc(1)));

    let v = with(&good(org), &[("partner_uscc", &[&common::uscc(2)])]);
    let r = post(&mut applicant, &format!("/calls/{}/apply", c.id), &v).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let pid: i64 = r
        .location()
        .unwrap()
        .trim_start_matches("/proposals/")
        .parse()
        .unwrap();
    let p = proposal(&app, pid).await;
    assert_eq!(p.state, "submitted");
    assert_eq!(
        (p.total_fen, p.cofund_fen, p.requested_fen),
        (5_500_000, 600_000, 4_900_000)
    );
    assert_eq!(p.name, "新城区助老服务中心");
    assert_eq!(p.uscc.as_deref(), Some(common::uscc(1).as_str()));
    assert!(p.partners.contains("新城区志愿者协会"));
    assert_eq!(app.count("proposal_revisions").await, 1);
    // An organization applies once.
    let again = post(
        &mut applicant,
        &format!("/calls/{}/apply", c.id),
        &good(org),
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!again.text("#org_id-error").is_empty());
    assert_eq!(app.count("proposals").await, 1);

    // Others learn nothing: the same 404 as a missing id.
    let (mut stranger, _) = app.signed_in("stranger@example.org", &[]).await;
    let hidden = stranger.get(&format!("/proposals/{pid}")).await;
    let missing = stranger.get("/proposals/999999").await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        stranger
            .get(&format!("/calls/{}/proposals", c.id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The applicant may not take the organizer's steps.
    let r = applicant
        .post(&format!("/proposals/{pid}/step"), &[("step", "screen")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The organizer's list shows it; screening needs the checklist before expert review.
    let list = buyer.get(&format!("/calls/{}/proposals", c.id)).await;
    assert_eq!(list.count(".proposals-table tbody tr"), 1);
    let step = |s: &'static str, m: &'static str, a: &'static str| {
        vec![("step", s), ("message", m), ("amount", a)]
    };
    let path = format!("/proposals/{pid}/step");
    assert_eq!(
        buyer.post(&path, &step("screen", "", "")).await.status,
        StatusCode::SEE_OTHER
    );
    let r = buyer.post(&path, &step("to_review", "", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#step-error").contains("清单"),
        "{}",
        r.text("#step-error")
    );
    let items: Vec<(&str, &str)> = ScreenItem::ALL.iter().map(|i| ("item", i.code())).collect();
    let r = buyer
        .post(&format!("/proposals/{pid}/checklist"), &items)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // More information: a message is required, and the applicant sees it.
    let r = buyer.post(&path, &step("request_info", " ", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#message-error").is_empty());
    let r = buyer
        .post(
            &path,
            &step("request_info", "请补充送餐路线和志愿者安排。", ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(proposal(&app, pid).await.state, "more_info");
    let page = applicant.get(&format!("/proposals/{pid}")).await;
    assert!(page.text("#organizer-message").contains("送餐路线"));
    assert_eq!(page.count("#revise form"), 1);

    // The revision goes back to screening; both revisions are kept and compared.
    let revised = with(
        &v,
        &[(
            "plan",
            &[
                "在两个社区建设长者助餐点，每周五天提供午餐。\n送餐路线覆盖三个小区，志愿者每日两人。",
            ],
        )],
    );
    let r = post(&mut applicant, &format!("/proposals/{pid}/edit"), &revised).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = proposal(&app, pid).await;
    assert_eq!((p.state.as_str(), p.revision), ("screening", 2));
    assert_eq!(p.message, None, "the request was answered");
    assert_eq!(app.count("proposal_revisions").await, 2);
    let d = applicant.get(&format!("/proposals/{pid}/diff")).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.text(".diff-added").contains("送餐路线覆盖三个小区"));
    assert!(d.text(".diff-removed").contains("组织志愿者上门送餐"));
    assert_eq!(d.count(".diff-field"), 1, "only the plan changed");

    // Review (three sheets, the call's number), determination, approval for less than
    // asked.
    for s in ["to_review", "to_determination"] {
        if s == "to_determination" {
            app.complete_review(&c, pid, buyer_id, 3).await;
        }
        let r = buyer.post(&path, &step(s, "", "")).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{s}: {}",
            r.text("#step-error")
        );
    }
    let r = buyer.post(&path, &step("approve", "", "60000")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#amount-error").is_empty());
    assert_eq!(r.value("input[name=amount]").as_deref(), Some("60000"));
    let r = buyer
        .post(&path, &step("approve", "同意立项，物资预算核减。", "40000"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = proposal(&app, pid).await;
    assert_eq!(
        (p.state.as_str(), p.approved_fen),
        ("approved", Some(4_000_000))
    );
    let page = applicant.get(&format!("/proposals/{pid}")).await;
    assert!(page.text("#approved").contains("40,000.00"));
    assert!(page.text("#organizer-message").contains("核减"));
    // A decision can be reopened, with a reason.
    let r = buyer.post(&path, &step("reopen", "", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = buyer
        .post(&path, &step("reopen", "核对预算后重新决定。", ""))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = proposal(&app, pid).await;
    assert_eq!((p.state.as_str(), p.approved_fen), ("determination", None));
    // Every change left an audit entry; the applicant was told of each move.
    // Submitted, screened, checklist, more information, revised, review, determination,
    // approved, reopened.
    assert_eq!(
        app.count("audit_events WHERE entity = 'proposal'").await,
        9,
        "audit entries"
    );
    let ws = applicant.get("/me").await;
    assert_eq!(
        ws.count(&format!("#my-proposals a[href='/proposals/{pid}']")),
        1
    );
    let me = applicant.get("/me/notifications").await;
    assert!(me.body.contains("新城区社区公益创投大赛") || me.body.contains("社区长者助餐服务"));
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn bad_input_is_refused_per_field_and_nothing_is_written() {
    let app = TestApp::new().await;
    let (_, buyer_id, unit) = unit_buyer(&app).await;
    let c = call(&app, unit, buyer_id, T0 - DAY, T0 + 30 * DAY, false).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区助老服务中心").await;
    let mut a = app.client();
    a.login("owner@example.org", PW).await;
    let path = format!("/calls/{}/apply", c.id);
    // (selector of the message, the form, a piece of the message)
    let cases: Vec<(&str, Fields, &str)> = vec![
        // The lines add up to 55 000, not 60 000.
        (
            "#total-error",
            with(&good(org), &[("total", &["60000"])]),
            "55,000.00",
        ),
        // Asks 54 000 of a 50 000 maximum.
        (
            "#total-error",
            with(&good(org), &[("cofund", &["1000"])]),
            "50,000.00",
        ),
        ("#total-error", with(&good(org), &[("total", &["0"])]), ""),
        (
            "#budget-error",
            with(
                &good(org),
                &[("budget_amount", &["20000", "-25000", "4000", "6000"])],
            ),
            "2",
        ),
        (
            "#cofund-error",
            with(&good(org), &[("cofund", &["-6000"])]),
            "",
        ),
        // Administration 16 000 of 65 000 is over the default 15%.
        (
            "#budget-error",
            with(
                &good(org),
                &[
                    ("budget_amount", &["20000", "25000", "4000", "16000"]),
                    ("total", &["65000"]),
                    ("cofund", &["16000"]),
                ],
            ),
            "15",
        ),
        (
            "#outcomes-error",
            with(&good(org), &[("outcome_target", &["0"])]),
            "",
        ),
        (
            ".has-error .error-msg",
            with(
                &good(org),
                &[("p_league", &["150200"]), ("p_county", &[""])],
            ),
            "资助范围",
        ),
    ];
    for (sel, v, needle) in cases {
        let r = post(&mut a, &path, &v).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{sel}");
        let m = r.text(sel);
        assert!(!m.is_empty() && m.contains(needle), "{sel}: {m:?}");
        assert_eq!(r.count(".error-summary"), 1);
        // What was typed is kept.
        assert_eq!(
            r.value("input[name=title]").as_deref(),
            Some("社区长者助餐服务")
        );
    }
    // The messages follow the user's language.
    a.get("/calls?lang=en").await;
    let r = post(&mut a, &path, &with(&good(org), &[("total", &["60000"])])).await;
    assert!(
        r.text("#total-error").contains("add up to"),
        "{}",
        r.text("#total-error")
    );
    a.get("/calls?lang=zh-CN").await;

    // An applicant on a credit list is refused, whatever else is right.
    let o = civicbridge::orgs::row(&app.state.db, org)
        .await
        .unwrap()
        .unwrap();
    let regulator = app.user("regulator@example.org", &[]).await;
    civicbridge::orgs::set_credit(
        &app.state.db,
        &o,
        civicbridge::orgs::CreditStatus::Abnormal,
        "年报逾期未报",
        regulator,
        T0,
    )
    .await
    .unwrap();
    let r = post(&mut a, &path, &good(org)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#org_id-error").contains("信用"),
        "{}",
        r.text("#org_id-error")
    );

    // Outside the window: not yet open, and after it closed.
    let later = call(&app, unit, buyer_id, T0 + 5 * DAY, T0 + 30 * DAY, false).await;
    let owner2 = app.user("owner2@example.org", &[]).await;
    let org2 = app.org(owner2, 2, "新城区儿童服务中心").await;
    let mut b = app.client();
    b.login("owner2@example.org", PW).await;
    let r = post(&mut b, &format!("/calls/{}/apply", later.id), &good(org2)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#window-error").is_empty());
    app.clock().advance(31 * DAY);
    let r = post(&mut b, &path, &good(org2)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#window-error").is_empty());
    // Nothing was written.
    assert_eq!(app.count("proposals").await, 0);
    assert_eq!(app.count("proposal_revisions").await, 0);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn sealed_rounds_hide_applications_until_the_window_closes() {
    let app = TestApp::new().await;
    let (_, buyer_id, unit) = unit_buyer(&app).await;
    let db = &app.state.db;
    let sealed = call(&app, unit, buyer_id, T0 - DAY, T0 + 10 * DAY, true).await;
    let open = call(&app, unit, buyer_id, T0 - DAY, T0 + 10 * DAY, false).await;
    let author = app.user("author@example.org", &[]).await;
    for c in [&sealed, &open] {
        ops::apply(db, c, author, &group_draft("青城助老小组"), T0)
            .await
            .unwrap()
            .unwrap();
    }
    let (mut other, _) = app.signed_in("other@example.org", &[]).await;
    let page = other.get(&format!("/calls/{}", sealed.id)).await;
    assert_eq!(page.count("#sealed-note"), 1);
    assert_eq!(page.count(".public-proposals li"), 0);
    assert!(!page.body.contains("青城助老小组"));
    let page = other.get(&format!("/calls/{}", open.id)).await;
    assert_eq!(page.count(".public-proposals li"), 1);
    // The window closes: the sealed round's applications are listed too.
    app.clock().advance(11 * DAY);
    civicbridge::philanthropy::close_due(db, app.clock().now())
        .await
        .unwrap();
    let page = app.client().get(&format!("/calls/{}", sealed.id)).await;
    assert_eq!(page.count("#sealed-note"), 0);
    assert_eq!(page.count(".public-proposals li"), 1);
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn batch_determination_is_all_or_none() {
    let app = TestApp::new().await;
    let (mut buyer, buyer_id, unit) = unit_buyer(&app).await;
    let db = &app.state.db;
    let c = call(&app, unit, buyer_id, T0 - DAY, T0 + 10 * DAY, false).await;
    let author = app.user("author@example.org", &[]).await;
    let all: Vec<String> = ScreenItem::ALL
        .iter()
        .map(|i| i.code().to_string())
        .collect();
    let mut ids = Vec::new();
    for n in ["甲小组", "乙小组", "丙小组"] {
        let id = ops::apply(db, &c, author, &group_draft(n), T0)
            .await
            .unwrap()
            .unwrap();
        for s in [Step::Screen, Step::ToReview, Step::ToDetermination] {
            if s == Step::ToDetermination {
                app.complete_review(&c, id, buyer_id, 3).await;
            }
            let p = proposal(&app, id).await;
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
            ops::take_step(db, &c, &p, &d, buyer_id, T0)
                .await
                .unwrap()
                .unwrap();
        }
        ids.push(id);
    }
    // A draft is the applicant's alone.
    let mut draft = group_draft("丁小组");
    draft.submit = false;
    let draft_id = ops::apply(db, &c, author, &draft, T0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        buyer.get(&format!("/proposals/{draft_id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let list = buyer.get(&format!("/calls/{}/proposals", c.id)).await;
    assert_eq!(list.count(".proposals-table tbody tr"), 3);
    assert_eq!(list.count("input[name=ids]"), 3);

    let decide = format!("/calls/{}/proposals/decide", c.id);
    let (a, b, d) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
    let r = buyer
        .post(
            &decide,
            &[("ids", &a), ("ids", &b), ("decision", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    for id in &ids[..2] {
        let p = proposal(&app, *id).await;
        assert_eq!(
            (p.state.as_str(), p.approved_fen),
            ("approved", Some(3_600_000))
        );
    }
    // One of these is decided already: nothing happens to the other.
    let r = buyer
        .post(
            &decide,
            &[
                ("ids", &d),
                ("ids", &a),
                ("decision", "reject"),
                ("message", "不符合要求。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#ids-error").contains(&format!("#{a}")));
    assert_eq!(proposal(&app, ids[2]).await.state, "determination");
    // Rejecting needs a message to the applicants.
    let r = buyer
        .post(&decide, &[("ids", &d), ("decision", "reject")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#message-error").is_empty());
    let r = buyer
        .post(
            &decide,
            &[
                ("ids", &d),
                ("decision", "reject"),
                ("message", "与主题关联不够紧密。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = proposal(&app, ids[2]).await;
    assert_eq!(
        (p.state.as_str(), p.message.as_deref()),
        ("rejected", Some("与主题关联不够紧密。"))
    );
    // The list filters by state.
    let approved = buyer
        .get(&format!("/calls/{}/proposals?state=approved", c.id))
        .await;
    assert_eq!(approved.count(".proposals-table tbody tr"), 2);
    assert!(approved.text(".approved-total").contains("72,000.00"));
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn the_organizers_list_comes_in_pages() {
    use civicbridge::philanthropy::proposal_rules::LIST_PAGE_SIZE;
    let app = TestApp::new().await;
    let (mut buyer, buyer_id, unit) = unit_buyer(&app).await;
    let db = &app.state.db;
    let c = call(&app, unit, buyer_id, T0 - DAY, T0 + 10 * DAY, false).await;
    let author = app.user("author@example.org", &[]).await;
    let n = LIST_PAGE_SIZE as usize + 3;
    let mut ids = Vec::new();
    for i in 0..n {
        let id = ops::apply(
            db,
            &c,
            author,
            &group_draft(&format!("第{i}小组")),
            T0 + i as i64,
        )
        .await
        .unwrap()
        .unwrap();
        ids.push(id);
    }
    // Three of them are screened: the filter pages its own rows.
    let screen = StepDraft {
        step: Step::Screen,
        message: String::new(),
        amount: None,
    };
    for id in &ids[..3] {
        let p = proposal(&app, *id).await;
        ops::take_step(db, &c, &p, &screen, buyer_id, T0)
            .await
            .unwrap()
            .unwrap();
    }
    let list = format!("/calls/{}/proposals", c.id);
    let first = buyer.get(&list).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        first.count(".proposals-table tbody tr"),
        LIST_PAGE_SIZE as usize
    );
    assert!(first.text(".result-count").contains(&n.to_string()));
    assert!(first.count(&format!("#proposal-{}", ids[0])) == 1);
    assert!(first.count("nav.pagination") == 1);
    // The second page holds the rest, oldest submission first; the pager links keep the
    // filter.
    let second = buyer.get(&format!("{list}?page=2")).await;
    assert_eq!(second.count(".proposals-table tbody tr"), 3);
    for id in &ids[n - 3..] {
        assert!(second.count(&format!("#proposal-{id}")) == 1);
    }
    assert!(second.count(&format!("#proposal-{}", ids[0])) == 0);
    // Past the end, or not a number: the last page, or the first.
    assert_eq!(
        buyer
            .get(&format!("{list}?page=99"))
            .await
            .count(".proposals-table tbody tr"),
        3
    );
    let typed = buyer.get(&format!("{list}?page=%3Cb%3E")).await;
    assert_eq!(typed.status, StatusCode::OK);
    assert_eq!(
        typed.count(".proposals-table tbody tr"),
        LIST_PAGE_SIZE as usize
    );
    let screened = buyer.get(&format!("{list}?state=screening")).await;
    assert_eq!(screened.count(".proposals-table tbody tr"), 3);
    assert!(screened.count("nav.pagination") == 0);
    assert!(screened.text(".result-count").contains('3'));
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn the_call_sets_the_cap_and_who_may_apply() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::new().await;
    let (_, buyer_id, unit) = unit_buyer(&app).await;
    let c = call(&app, unit, buyer_id, T0 - DAY, T0 + 30 * DAY, false).await;
    // Registered organizations only, administration at most 10%.
    civicbridge::philanthropy::model::call::Entity::update_many()
        .col_expr(
            civicbridge::philanthropy::model::call::Column::Applicants,
            Expr::value(",registered,"),
        )
        .col_expr(
            civicbridge::philanthropy::model::call::Column::AdminCapBp,
            Expr::value(1000),
        )
        .filter(civicbridge::philanthropy::model::call::Column::Id.eq(c.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let path = format!("/calls/{}/apply", c.id);
    let (mut founder, _) = app.signed_in("founder@example.org", &[]).await;
    let group = with(
        &good(0),
        &[
            ("kind", &["group"]),
            ("org_id", &[""]),
            ("name", &["青城助老小组"]),
            // Administration 5 000 of 55 000: within the cap, so only who applies is wrong.
            ("budget_amount", &["20000", "25000", "5000", "5000"]),
        ],
    );
    let r = post(&mut founder, &path, &group).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#kind-error").contains("不接受"),
        "{}",
        r.text(".error-summary")
    );
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区助老服务中心").await;
    let mut a = app.client();
    a.login("owner@example.org", PW).await;
    // Administration is 6 000 of 55 000: over this call's 10%, within the default 15%.
    let page = a.get(&format!("/calls/{}", c.id)).await;
    assert!(page.text(".admin-cap").contains("10"));
    let r = post(&mut a, &path, &good(org)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#budget-error").contains("10%"),
        "{}",
        r.text("#budget-error")
    );
    assert_eq!(app.count("proposals").await, 0);
    app.check_invariants().await.unwrap();
}

/// Withdrawal (issue 13): the applicant withdraws before determination, after a
/// confirmation page and with a reason; the organizer is told, the open review round
/// closes, the list counts it and the applicant can no longer edit it. Every other role
/// gets the 404 a missing proposal gets; after a decision a 422 says it is too late.
#[tokio::test]
async fn the_applicant_withdraws_before_determination_and_nobody_else_can() {
    let app = TestApp::new().await;
    let (mut buyer, buyer_id, unit) = unit_buyer(&app).await;
    let c = call(&app, unit, buyer_id, T0 - DAY, T0 + 30 * DAY, false).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区助老服务中心").await;
    let member = app.user("member@example.org", &[]).await;
    app.add_member(org, member, civicbridge::accounts::OrgRole::Member)
        .await;
    let mut applicant = app.client();
    applicant.login("owner@example.org", PW).await;
    let r = post(
        &mut applicant,
        &format!("/calls/{}/apply", c.id),
        &good(org),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let pid: i64 = r
        .location()
        .unwrap()
        .trim_start_matches("/proposals/")
        .parse()
        .unwrap();
    // Screened and in expert review, with a reviewer who has not submitted yet.
    let path = format!("/proposals/{pid}/step");
    assert_eq!(
        buyer.post(&path, &[("step", "screen")]).await.status,
        StatusCode::SEE_OTHER
    );
    let items: Vec<(&str, &str)> = ScreenItem::ALL.iter().map(|i| ("item", i.code())).collect();
    buyer
        .post(&format!("/proposals/{pid}/checklist"), &items)
        .await;
    assert_eq!(
        buyer.post(&path, &[("step", "to_review")]).await.status,
        StatusCode::SEE_OTHER
    );
    let (mut reviewer, reviewer_id) = app
        .signed_in(
            "reviewer@example.org",
            &[civicbridge::accounts::Role::Evaluator],
        )
        .await;
    civicbridge::philanthropy::reviewing::assign_reviewer(
        &app.state.db,
        &c,
        pid,
        reviewer_id,
        buyer_id,
        T0,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(reviewer.get("/me/reviews").await.status, StatusCode::OK);

    // The applicant's page offers withdrawal with a reason field.
    let page = applicant.get(&format!("/proposals/{pid}")).await;
    assert_eq!(
        page.count(&format!(
            "#withdraw form[action='/proposals/{pid}/withdraw'] textarea[name=reason]"
        )),
        1
    );
    // The organizer's and the reviewer's pages do not.
    assert_eq!(
        buyer
            .get(&format!("/proposals/{pid}"))
            .await
            .count("#withdraw"),
        0
    );
    assert_eq!(
        reviewer
            .get(&format!("/proposals/{pid}"))
            .await
            .count("#withdraw"),
        0
    );

    let wpath = format!("/proposals/{pid}/withdraw");
    let reason = "已获得其他基金会资助，无法同时执行。";
    let full = [("reason", reason), ("confirm", "1")];
    let audits = app.count("audit_events").await;
    let notices = app.count("user_notifications").await;
    // Every other role, and a foreign id, get "not found"; a visitor is sent to log in.
    let (mut stranger, _) = app.signed_in("stranger@example.org", &[]).await;
    let mut plain_member = app.client();
    plain_member.login("member@example.org", PW).await;
    for (who, client) in [
        ("organizer", &mut buyer),
        ("reviewer", &mut reviewer),
        ("stranger", &mut stranger),
        ("member (not an administrator)", &mut plain_member),
    ] {
        let r = client.post(&wpath, &full).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
    }
    assert_eq!(
        applicant
            .post("/proposals/999999/withdraw", &full)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut visitor = app.client();
    visitor.get("/login").await;
    let r = visitor.post(&wpath, &full).await;
    assert!(
        r.location().is_some_and(|l| l.starts_with("/login")),
        "{}",
        r.status
    );
    // Bad input: no reason, too short, a control character — 422 next to the field.
    for bad in ["", "  ", "太忙", "理由\u{0}理由理由"] {
        let r = applicant
            .post(&wpath, &[("reason", bad), ("confirm", "1")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert!(!r.text("#reason-error").is_empty(), "{bad:?}");
    }
    // The confirmation page states the consequences and carries the reason; nothing is
    // written until its final button.
    let r = applicant.post(&wpath, &[("reason", reason)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text(".confirm-consequences").contains("不能再修改"));
    assert!(r.text(".confirm-consequences").contains("评审"));
    assert!(r.text(".confirm-consequences").contains(reason));
    assert_eq!(
        r.value(".confirm-form input[name=reason]").as_deref(),
        Some(reason)
    );
    assert!(r.text(".confirm-form button").contains("撤回"));
    assert_eq!(proposal(&app, pid).await.state, "expert_review");
    assert_eq!(app.count("audit_events").await, audits);
    assert_eq!(app.count("user_notifications").await, notices);

    let r = applicant.post(&wpath, &full).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = proposal(&app, pid).await;
    assert_eq!(p.state, "withdrawn");
    assert_eq!(p.withdrawal_reason.as_deref(), Some(reason));
    assert_eq!(p.withdrawn_at, Some(T0));
    assert_eq!(
        app.count("audit_events WHERE entity = 'proposal' AND action = 'withdrawn'")
            .await,
        1
    );
    // The organizer is told, in their inbox, with the reason.
    assert_eq!(
        app.count(&format!(
            "user_notifications WHERE user_id = {buyer_id} AND kind = 'proposal_withdrawn'"
        ))
        .await,
        1
    );
    let inbox = buyer.get("/me/notifications").await;
    assert!(
        inbox.body.contains("已获得其他基金会资助"),
        "organizer's inbox"
    );
    // The review round is closed: the pending sheet is no longer asked for.
    assert_eq!(
        app.count(&format!(
            "review_rounds WHERE subject_id = {pid} AND closed_at IS NOT NULL"
        ))
        .await,
        1
    );
    let mine = reviewer.get("/me/reviews").await;
    assert!(mine.body.contains("评审已关闭"), "{}", mine.text("main"));
    // The page shows it withdrawn with its reason; the applicant can no longer edit it or
    // withdraw it again, and the organizer can no longer move it.
    let page = applicant.get(&format!("/proposals/{pid}")).await;
    assert!(page.text("#withdrawn").contains(reason));
    assert_eq!(page.count("#revise"), 0);
    assert_eq!(page.count("#withdraw"), 0);
    let r = post(
        &mut applicant,
        &format!("/proposals/{pid}/edit"),
        &good(org),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = applicant.post(&wpath, &full).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#reason-error").is_empty());
    let r = buyer.post(&path, &[("step", "to_determination")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        buyer
            .get(&format!("/proposals/{pid}"))
            .await
            .count("#decide"),
        0
    );
    // The organizer's list counts it.
    let list = buyer.get(&format!("/calls/{}/proposals", c.id)).await;
    assert!(
        list.text("select#state option[value=withdrawn]")
            .contains("(1)"),
        "{}",
        list.text("select#state")
    );
    let only = buyer
        .get(&format!("/calls/{}/proposals?state=withdrawn", c.id))
        .await;
    assert_eq!(only.count(".proposals-table tbody tr"), 1);
    // The public call page no longer lists it.
    let public = app.client().get(&format!("/calls/{}", c.id)).await;
    assert!(!public.body.contains("社区长者助餐服务"));

    // After a decision it is too late: a rejected proposal answers 422 with the message.
    let group_user = app.user("group@example.org", &[]).await;
    let gid = ops::apply(
        &app.state.db,
        &c,
        group_user,
        &group_draft("青城助老小组"),
        T0,
    )
    .await
    .unwrap()
    .unwrap();
    let r = buyer
        .post(
            &format!("/proposals/{gid}/step"),
            &[("step", "reject"), ("message", "与本次主题不符。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut group = app.client();
    group.login("group@example.org", PW).await;
    assert_eq!(
        group
            .get(&format!("/proposals/{gid}"))
            .await
            .count("#withdraw"),
        0
    );
    let before = app.count("audit_events").await;
    let r = group
        .post(&format!("/proposals/{gid}/withdraw"), &full)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#reason-error").contains("不能再撤回"),
        "{}",
        r.text("#reason-error")
    );
    assert_eq!(proposal(&app, gid).await.state, "rejected");
    assert_eq!(app.count("audit_events").await, before);
    // The other applicant's id is foreign to this one.
    assert_eq!(
        group.post(&wpath, &full).await.status,
        StatusCode::NOT_FOUND
    );
    app.check_invariants().await.unwrap();
}
