//! Evaluation integrity (issue 11, point 1), through HTTP as the buyer and the evaluators
//! use it: a score sheet is saved as a draft and then submitted as final with a comment per
//! cell and the no-conflict declaration; the award waits for every assigned evaluator; the
//! buyer's evaluation page shows each evaluator's status; an evaluator is replaced with a
//! reason (audited, both notified); a bad cell is marked where it is, with its message.

use crate::common::{Client, Resp, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::kernel::Lang;
use civicbridge::kernel::money::Fen;
use civicbridge::procurement::{self, rules};
use sea_orm::{ConnectionTrait, Statement};

const DAY: i64 = 86_400;

struct Setup {
    app: TestApp,
    id: i64,
    page: String,
    buyer: Client,
    e1: Client,
    e2: Client,
    e2_id: i64,
    bidder_org: i64,
    /// Qualified bids, cheapest (the top-ranked with equal points) first.
    bids: Vec<i64>,
    /// Criterion ids with their weights (40 and 30; price 30).
    crits: Vec<(i64, i32)>,
}

/// A comprehensive-scoring tender with three opened bids and two assigned evaluators.
async fn setup() -> Setup {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (buyer, buyer_id) = app.signed_in("buyer@example.org", &[]).await;
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
    let deadline = T0 + DAY;
    let f = rules::TenderForm {
        unit_id: unit.to_string(),
        title: "社区居家养老服务项目".into(),
        description: "为辖区内高龄、独居老人提供助餐、助洁和探访服务。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "500000".into(),
        method: "open_tender".into(),
        eval_method: "comprehensive".into(),
        price_weight: "30".into(),
        criterion_name: vec!["服务方案".into(), "团队与经验".into()],
        criterion_weight: vec!["40".into(), "30".into()],
        enquiry_deadline: rules::format_local(deadline - 3600),
        bid_deadline: rules::format_local(deadline),
        contract_months: "12".into(),
        milestone_name: vec!["启动".into(), "结项".into()],
        milestone_percent: vec!["40".into(), "60".into()],
        ..Default::default()
    };
    let id = app.publish_tender(unit, buyer_id, &f).await;
    let mut bidder_org = 0;
    for n in 1..=3u32 {
        let owner = app.user(&format!("bidder{n}@example.org"), &[]).await;
        let org = app
            .org(owner, 700 + n, &format!("青城社工服务中心{n}"))
            .await;
        bidder_org = org;
        let t = procurement::get(db, id).await.unwrap().unwrap();
        procurement::submit_bid(
            db,
            &app.state.seal,
            &t,
            org,
            Fen(40_000_000 + i64::from(n) * 1_000_000),
            "我们将组建由社工和护理员组成的专业团队，每周上门探访。",
            owner,
            T0 + 60,
            app.clock().today(),
        )
        .await
        .unwrap()
        .unwrap();
    }
    app.clock().advance(DAY + 60);
    procurement::open_if_due(db, &app.state.seal, id, app.clock().now())
        .await
        .unwrap();
    let (e1, e1_id) = app
        .signed_in("expert1@example.org", &[Role::Evaluator])
        .await;
    let (e2, e2_id) = app
        .signed_in("expert2@example.org", &[Role::Evaluator])
        .await;
    for e in [e1_id, e2_id] {
        let t = procurement::get(db, id).await.unwrap().unwrap();
        procurement::assign_evaluator(db, &t, e, buyer_id, app.clock().now())
            .await
            .unwrap()
            .unwrap();
    }
    let mut bids: Vec<(i64, i64)> = procurement::opened_bids(db, id)
        .await
        .unwrap()
        .iter()
        .map(|b| (b.opened_price_fen.unwrap(), b.id))
        .collect();
    bids.sort();
    let crits = procurement::criteria(db, id)
        .await
        .unwrap()
        .iter()
        .map(|c| (c.id, i32::from(c.weight)))
        .collect();
    Setup {
        page: format!("/tenders/{id}"),
        app,
        id,
        buyer,
        e1,
        e2,
        e2_id,
        bidder_org,
        bids: bids.into_iter().map(|(_, b)| b).collect(),
        crits,
    }
}

/// A whole sheet: every cell `points` (the criterion's weight minus `below`) with a comment.
fn sheet(bids: &[i64], crits: &[(i64, i32)], below: i32) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for b in bids {
        for (c, w) in crits {
            out.push((format!("p_{b}_{c}"), (w - below).to_string()));
            out.push((
                format!("c_{b}_{c}"),
                "方案与评分标准逐项对照，依据充分".into(),
            ));
        }
    }
    out
}

fn with(mut fields: Vec<(String, String)>, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    for (k, v) in extra {
        fields.push(((*k).into(), (*v).into()));
    }
    fields
}

fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    for f in fields.iter_mut().filter(|f| f.0 == name) {
        f.1 = value.into();
    }
}

async fn post(c: &mut Client, path: &str, fields: &[(String, String)]) -> Resp {
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &f).await
}

const SUBMIT: &[(&str, &str)] = &[("declare", "1"), ("action", "submit")];

#[tokio::test]
async fn the_award_waits_for_every_evaluator_and_the_second_can_still_score() {
    let mut s = setup().await;
    let score = format!("{}/score", s.page);
    let top = s.bids[0].to_string();
    // The first evaluator submits a final sheet.
    let full = with(sheet(&s.bids, &s.crits, 0), SUBMIT);
    let r = post(&mut s.e1, &score, &full).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The buyer sees who has finished.
    let r = s.buyer.get(&format!("{}/evaluation", s.page)).await;
    assert_eq!(r.status, StatusCode::OK);
    let status = r.text("#evaluators table");
    assert!(status.contains("已提交"), "{status}");
    assert!(
        status.contains(&Lang::Zh.t("eval.status.not_started")),
        "{status}"
    );

    // The award is refused while the second has not submitted: 422, named count, no award.
    let r = s
        .buyer
        .post(
            &format!("{}/award", s.page),
            &[("bid_id", &top), ("justification", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.text(".form-errors")
            .contains(&Lang::Zh.tf("eval.refuse.pending", &[("n", "1")])),
        "{}",
        r.text(".form-errors")
    );
    assert_eq!(s.app.count("awards").await, 0);
    assert_eq!(s.app.count("contracts").await, 0);

    // The second evaluator is not locked out: a draft, then the final sheet.
    let r = s.e2.get(&score).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("input[name^=p_]"), 6, "3 bids × 2 criteria");
    let mut draft = sheet(&s.bids, &s.crits, 5);
    draft.truncate(2);
    let r = post(&mut s.e2, &score, &draft).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = s.buyer.get(&format!("{}/evaluation", s.page)).await;
    assert!(r.text("#evaluators table").contains("草稿"));
    let r = post(
        &mut s.e2,
        &score,
        &with(sheet(&s.bids, &s.crits, 5), SUBMIT),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Now the award goes through, on the ranking of both final sheets.
    let r = s.buyer.get(&format!("{}/evaluation", s.page)).await;
    assert!(!r.text("#evaluators").contains("草稿"));
    let r = s
        .buyer
        .post(
            &format!("{}/award", s.page),
            &[("bid_id", &top), ("justification", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(s.app.count("awards").await, 1);
}

#[tokio::test]
async fn submission_needs_every_cell_and_the_declaration_and_marks_each_bad_cell() {
    let mut s = setup().await;
    let score = format!("{}/score", s.page);
    let (b, c) = (s.bids[1], s.crits[0].0);

    // No declaration: refused, nothing written, the box asked for.
    let r = post(
        &mut s.e1,
        &score,
        &with(sheet(&s.bids, &s.crits, 0), &[("action", "submit")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".form-errors")
            .contains(&Lang::Zh.t("eval.err.declare"))
    );
    assert_eq!(r.count("input[name=declare][aria-invalid=true]"), 1);
    assert_eq!(s.app.count("bid_scores").await, 0);
    assert_eq!(s.app.count("score_sheets").await, 0);

    // A missing comment: that cell is marked with its own message; the rest is kept.
    let mut f = with(sheet(&s.bids, &s.crits, 0), SUBMIT);
    set(&mut f, &format!("c_{b}_{c}"), "  ");
    let r = post(&mut s.e1, &score, &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.count(&format!("textarea[name=c_{b}_{c}][aria-invalid=true]")),
        1
    );
    assert_eq!(r.count("[aria-invalid=true]"), 1, "only that cell");
    assert_eq!(
        r.text(&format!("#c_{b}_{c}-error")),
        Lang::Zh.t("eval.cell.no_comment")
    );
    assert_eq!(r.count("td.has-error"), 1);
    assert_eq!(
        r.value(&format!("input[name=p_{b}_{c}]")).as_deref(),
        Some("40")
    );
    assert_eq!(r.count("input[name=declare][checked]"), 1);
    assert_eq!(s.app.count("bid_scores").await, 0);

    // An out-of-range cell: marked, its value kept, the comments kept.
    let mut f = with(sheet(&s.bids, &s.crits, 0), SUBMIT);
    set(&mut f, &format!("p_{b}_{c}"), "41");
    let r = post(&mut s.e1, &score, &f).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.count(&format!("input[name=p_{b}_{c}][aria-invalid=true]")),
        1
    );
    assert_eq!(
        r.text(&format!("#p_{b}_{c}-error")),
        Lang::Zh.tf("eval.cell.range", &[("max", "40")])
    );
    assert_eq!(
        r.value(&format!("input[name=p_{b}_{c}]")).as_deref(),
        Some("41")
    );
    assert!(
        r.text(&format!("textarea[name=c_{b}_{c}]"))
            .contains("依据充分")
    );
    assert!(r.text(".form-errors").contains('1'));
    assert_eq!(s.app.count("bid_scores").await, 0);

    // A draft keeps comments without points; the page shows them again.
    let mut f = sheet(&s.bids, &s.crits, 0);
    set(&mut f, &format!("p_{b}_{c}"), "");
    let r = post(&mut s.e1, &score, &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(s.app.count("bid_scores").await, 5);
    assert_eq!(s.app.count("score_comments").await, 6);
    let r = s.e1.get(&score).await;
    assert_eq!(
        r.value(&format!("input[name=p_{b}_{c}]")).as_deref(),
        Some("")
    );
    assert!(
        r.text(&format!("textarea[name=c_{b}_{c}]"))
            .contains("依据充分")
    );

    // The complete sheet is submitted, and from then on read-only.
    let r = post(
        &mut s.e1,
        &score,
        &with(sheet(&s.bids, &s.crits, 0), SUBMIT),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = s.e1.get(&score).await;
    assert_eq!(r.count("input[name^=p_]"), 0, "no inputs once submitted");
    assert!(r.body.contains(&Lang::Zh.t("eval.sheet_read_only")));
    let r = post(&mut s.e1, &score, &sheet(&s.bids, &s.crits, 10)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text(".form-errors")
            .contains(&Lang::Zh.t("eval.refuse.submitted"))
    );
    assert_eq!(
        s.app
            .count("bid_scores WHERE points = 40 OR points = 30")
            .await,
        6,
        "the submitted points stand"
    );
}

#[tokio::test]
async fn an_evaluator_is_replaced_with_a_reason_audited_and_notified() {
    let mut s = setup().await;
    let db = &s.app.state.db;
    let score = format!("{}/score", s.page);
    let replace = format!("{}/evaluators/replace", s.page);
    let r = post(
        &mut s.e1,
        &score,
        &with(sheet(&s.bids, &s.crits, 0), SUBMIT),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post(&mut s.e2, &score, &sheet(&s.bids, &s.crits, 3)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (mut e3, e3_id) = s
        .app
        .signed_in("expert3@example.org", &[Role::Evaluator])
        .await;
    let e2 = s.e2_id.to_string();

    // The buyer's page offers the replacement.
    let r = s.buyer.get(&format!("{}/evaluation", s.page)).await;
    assert_eq!(r.count(&format!("form[action='{replace}']")), 1);

    // Without a reason: refused, what was typed kept, nothing changed.
    let r = s
        .buyer
        .post(
            &replace,
            &[
                ("old", &e2),
                ("new_email", "expert3@example.org"),
                ("replace_reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.value("input[name=new_email]").as_deref(),
        Some("expert3@example.org")
    );
    assert_eq!(r.count("textarea[name=replace_reason]"), 1);
    assert_eq!(s.app.count("tender_evaluators").await, 2);

    // A member of a bidder is refused, as at assignment.
    let conflicted = s
        .app
        .user("conflicted@example.org", &[Role::Evaluator])
        .await;
    s.app
        .add_member(s.bidder_org, conflicted, OrgRole::Member)
        .await;
    let r = s
        .buyer
        .post(
            &replace,
            &[
                ("old", &e2),
                ("new_email", "conflicted@example.org"),
                ("replace_reason", "原专家因病无法继续评审"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&Lang::Zh.t("tender.refuse.conflict")));
    assert_eq!(s.app.count("tender_evaluators").await, 2);

    // Replaced: the old draft is discarded, the new evaluator starts afresh.
    let r = s
        .buyer
        .post(
            &replace,
            &[
                ("old", &e2),
                ("new_email", "expert3@example.org"),
                ("replace_reason", "原专家因病无法继续评审"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        s.app
            .count(&format!("bid_scores WHERE evaluator_id = {}", s.e2_id))
            .await,
        0
    );
    assert_eq!(
        s.app
            .count(&format!("score_sheets WHERE evaluator_id = {}", s.e2_id))
            .await,
        0
    );
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT detail, public FROM audit_events WHERE entity = 'tender' \
                 AND entity_id = {} AND action = 'evaluator_replaced'",
                s.id
            ),
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let detail: String = rows[0].try_get("", "detail").unwrap();
    let public: bool = rows[0].try_get("", "public").unwrap();
    assert!(!public, "not on the public timeline");
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["reason"], "原专家因病无法继续评审");
    assert_eq!(detail["old"], s.e2_id);
    assert_eq!(detail["new"], e3_id);
    assert_eq!(detail["discarded_scores"].as_array().unwrap().len(), 6);

    // Both are told, in their inbox.
    let r = s.e2.get("/me/notifications").await;
    assert!(
        r.body.contains(&Lang::Zh.t("inbox.kind.evaluator_removed")),
        "{}",
        r.body
    );
    assert!(r.body.contains("原专家因病无法继续评审"));
    let r = e3.get("/me/notifications").await;
    assert!(
        r.body
            .contains(&Lang::Zh.t("inbox.kind.evaluator_assigned"))
    );
    // The old evaluator's sheet is closed to them; the new one scores.
    assert_eq!(s.e2.get(&score).await.status, StatusCode::FORBIDDEN);
    let r = s.buyer.get(&format!("{}/evaluation", s.page)).await;
    let status = r.text("#evaluators table");
    assert!(status.contains("expert3@example.org"), "{status}");
    assert!(!status.contains("expert2@example.org"), "{status}");
    let top = s.bids[0].to_string();
    let r = s
        .buyer
        .post(
            &format!("{}/award", s.page),
            &[("bid_id", &top), ("justification", "")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the new one has not submitted"
    );
    let r = post(&mut e3, &score, &with(sheet(&s.bids, &s.crits, 2), SUBMIT)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = s
        .buyer
        .post(
            &format!("{}/award", s.page),
            &[("bid_id", &top), ("justification", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(s.app.count("awards").await, 1);

    // After the award nobody is replaced.
    let r = s
        .buyer
        .post(
            &replace,
            &[
                ("old", &e3_id.to_string()),
                ("new_email", "expert2@example.org"),
                ("replace_reason", "原专家因病无法继续评审"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s.app.count("tender_evaluators").await, 2);
}
