//! Bidders and buyers (issue 11 point 7) through HTTP: a bidder's members read their own
//! sealed bid (price, proposal, attachments) before the opening while everyone else gets
//! "not found"; `/me` lists the organization's bids with receipt links and what became of
//! each (won, lost, unsuccessful); the buyer's to-do list counts and links what the user's
//! units owe (questions, challenges, signatures, milestones to accept and to pay), and only
//! theirs.

use crate::common::{self, Client, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::contracts::{self, ContractSeed};
use civicbridge::kernel::money::Fen;
use civicbridge::procurement;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Statement};

const DAY: i64 = 86_400;
const PROPOSAL: &str = "我们将组建由社工和护理员组成的专业团队，每周两次上门探访。";

async fn exec(app: &TestApp, sql: &str) {
    let db = &app.state.db;
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
}

/// Submits a bid for `org` (administered by `who`) at `T0 + 60`; returns the bid id.
async fn bid(app: &TestApp, t: i64, org: i64, who: i64, price: i64) -> i64 {
    let db = &app.state.db;
    let tender = procurement::get(db, t).await.unwrap().unwrap();
    procurement::submit_bid(
        db,
        &app.state.seal,
        &tender,
        org,
        Fen(price),
        PROPOSAL,
        who,
        T0 + 60,
        app.clock().today(),
    )
    .await
    .unwrap()
    .unwrap()
    .bid_id
}

#[tokio::test]
async fn a_bidders_members_read_their_sealed_bid_and_nobody_else() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (mut buyer, unit) = common::buyer(&app).await;
    let t = common::publish(&mut buyer, unit, "新城区社区居家养老服务项目").await;
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 1, "新城区阳光养老服务中心").await;
    let (mut member, member_id) = app.signed_in("member@example.org", &[]).await;
    app.add_member(org, member_id, OrgRole::Member).await;
    let (mut rival, rival_id) = app.signed_in("rival@example.org", &[]).await;
    app.org(rival_id, 2, "乙机构").await;
    let (mut regulator, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;

    // The administrator bids through the form: the receipt comes back.
    owner.get(&format!("/tenders/{t}/bid")).await;
    let r = owner
        .post(
            &format!("/tenders/{t}/bid"),
            &[
                ("org_id", &org.to_string()),
                ("price", "456,789.12"),
                ("proposal", PROPOSAL),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b = procurement::bids_of_org_on(db, t, org).await.unwrap()[0].id;
    let tender = procurement::get(db, t).await.unwrap().unwrap();
    procurement::attach_file(
        db,
        &app.state.seal,
        &tender,
        org,
        "服务方案.pdf",
        b"%PDF-1.4 our plan",
        owner_id,
        T0 + 120,
        civicbridge::kernel::Lang::Zh,
    )
    .await
    .unwrap()
    .unwrap();

    // Before the opening a member (not only the administrator) reads price, proposal and
    // attachments, and downloads the attachment.
    let page = format!("/tenders/{t}/bids/{b}");
    for c in [&mut owner, &mut member] {
        let r = c.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.text(".bid-price").contains("456,789.12"), "{}", r.body);
        assert!(r.text(".bid-proposal").contains("专业团队"));
        assert_eq!(r.text("table.bid-files a"), "服务方案.pdf");
        assert_eq!(
            r.count(&format!("a[href='/tenders/{t}/bids/{b}/receipt']")),
            1
        );
        let href = r
            .doc()
            .select(&scraper::Selector::parse("table.bid-files a").unwrap())
            .next()
            .unwrap()
            .value()
            .attr("href")
            .unwrap()
            .to_string();
        let d = c.get(&href).await;
        assert_eq!(d.status, StatusCode::OK);
        assert_eq!(d.bytes, b"%PDF-1.4 our plan");
    }
    // In English too.
    let r = member.get(&format!("{page}?lang=en")).await;
    assert!(
        r.text("h1.page-title").contains("Our sealed bid"),
        "{}",
        r.text("h1")
    );

    // Everyone else: the buyer, another bidder, a regulator get "not found", for the page
    // and the attachment alike; the anonymous visitor is sent to log in.
    let file = procurement::list::files_of_bid(db, &app.state.seal, b)
        .await
        .unwrap()[0]
        .id;
    for c in [&mut buyer, &mut rival, &mut regulator] {
        for path in [page.clone(), format!("/tenders/{t}/bids/{b}/files/{file}")] {
            let r = c.get(&path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!r.body.contains("专业团队"));
        }
    }
    let r = app.client().get(&page).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
    // A bid id that does not exist answers like someone else's.
    let r = member.get(&format!("/tenders/{t}/bids/999999")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // `/me` lists the bid with its content and receipt links, still sealed.
    // (The language chosen with `?lang=` stays in a cookie: back to Chinese.)
    let r = member.get("/me?lang=zh-CN").await;
    assert_eq!(
        r.count(&format!("#ws-bids a.bid-content[href='{page}']")),
        1
    );
    assert_eq!(
        r.count(&format!(
            "#ws-bids a.bid-receipt[href='/tenders/{t}/bids/{b}/receipt']"
        )),
        1
    );
    assert_eq!(r.text("#ws-bids .outcome-sealed"), "密封中，待开标");
    let r = member.get(&format!("/tenders/{t}/bids/{b}/receipt")).await;
    assert_eq!(r.status, StatusCode::OK);

    // After the opening the same page still serves the bidder.
    let deadline = tender.bid_deadline;
    procurement::open_if_due(db, &app.state.seal, t, deadline)
        .await
        .unwrap();
    app.clock().advance(deadline - T0 + 60);
    let r = member.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text(".bid-price").contains("456,789.12"));
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn me_says_won_lost_or_unsuccessful_for_opened_bids() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (mut buyer, unit) = common::buyer(&app).await;
    let won = common::publish(&mut buyer, unit, "甲街道助餐服务项目").await;
    let lost = common::publish(&mut buyer, unit, "乙街道探访服务项目").await;
    let failed = common::publish(&mut buyer, unit, "丙街道助浴服务项目").await;
    let sealed_t = procurement::get(db, won).await.unwrap().unwrap();
    let (mut owner, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let ours = app.org(owner_id, 1, "新城区阳光养老服务中心").await;
    let other_id = app.user("other@example.org", &[]).await;
    let b2 = app.org(other_id, 2, "乙机构").await;
    let b3 = app.org(other_id, 3, "丙机构").await;

    let mut our_bids = Vec::new();
    let mut their_bid_on_lost = 0;
    for t in [won, lost] {
        our_bids.push(bid(&app, t, ours, owner_id, 40_000_000).await);
        let theirs = bid(&app, t, b2, other_id, 39_000_000).await;
        if t == lost {
            their_bid_on_lost = theirs;
        }
        bid(&app, t, b3, other_id, 41_000_000).await;
    }
    // Alone on the third: an open tender with one bid fails at the opening.
    our_bids.push(bid(&app, failed, ours, owner_id, 40_000_000).await);

    // Before the deadline: all three sealed.
    let r = owner.get("/me").await;
    assert_eq!(
        r.count("#ws-bids .outcome-sealed"),
        3,
        "{}",
        r.text("#ws-bids")
    );

    let deadline = sealed_t.bid_deadline;
    for t in [won, lost, failed] {
        procurement::open_if_due(db, &app.state.seal, t, deadline)
            .await
            .unwrap();
    }
    app.clock().advance(deadline - T0 + 60);
    let r = owner.get("/me").await;
    assert_eq!(
        r.count("#ws-bids .outcome-pending"),
        2,
        "{}",
        r.text("#ws-bids")
    );
    assert_eq!(r.count("#ws-bids .outcome-unsuccessful"), 1);

    // The awards (as `award_in` leaves them: an award row, the tender awarded).
    for (t, winner) in [(won, our_bids[0]), (lost, their_bid_on_lost)] {
        procurement::model::award::ActiveModel {
            tender_id: Set(t),
            bid_id: Set(winner),
            awarded_by: Set(None),
            value_fen: Set(40_000_000),
            justification: Set(String::new()),
            awarded_at: Set(deadline + DAY),
            standstill_ends_at: Set(deadline + 10 * DAY),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        exec(
            &app,
            &format!("UPDATE tenders SET state = 'awarded' WHERE id = {t}"),
        )
        .await;
    }
    let r = owner.get("/me").await;
    let row = |bid: i64| {
        let sel = scraper::Selector::parse("#ws-bids tbody tr").unwrap();
        r.doc()
            .select(&sel)
            .find(|tr| tr.html().contains(&format!("/bids/{bid}\"")))
            .map(|tr| tr.text().collect::<String>())
            .unwrap_or_default()
    };
    assert!(
        row(our_bids[0]).contains("中标（授予本机构）"),
        "{}",
        row(our_bids[0])
    );
    assert!(row(our_bids[1]).contains("未中标（授予其他投标人）"));
    assert!(row(our_bids[2]).contains("采购失败，未授予"));
    let r = owner.get("/me?lang=en").await;
    assert_eq!(r.text("#ws-bids .outcome-won"), "Won: awarded to us");
    assert_eq!(
        r.text("#ws-bids .outcome-lost"),
        "Lost: awarded to another bidder"
    );
    app.check_invariants().await.unwrap();
}

/// Both sides sign contract `id` through its page.
async fn sign_both(buyer: &mut Client, supplier: &mut Client, id: i64) {
    for (c, side) in [(buyer, "buyer"), (supplier, "supplier")] {
        c.get(&format!("/contracts/{id}")).await;
        let r = c
            .post(&format!("/contracts/{id}/sign"), &[("side", side)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{side}: {}", r.body);
    }
}

#[tokio::test]
async fn the_buyers_to_do_counts_what_their_units_owe() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (mut buyer, unit) = common::buyer(&app).await;
    // Nothing yet.
    let r = buyer.get("/me").await;
    assert_eq!(r.text("#buyer-todo .todo-questions .count"), "0");
    assert!(r.text("#buyer-todo").contains("目前没有待办事项"));

    let t = common::publish(&mut buyer, unit, "新城区社区居家养老服务项目").await;
    let (mut supplier, owner_id) = app.signed_in("owner@example.org", &[]).await;
    let org = app.org(owner_id, 1, "新城区阳光养老服务中心").await;
    let tender = procurement::get(db, t).await.unwrap().unwrap();
    procurement::ask(db, &tender, owner_id, "请问服务对象有多少人？", T0 + 1)
        .await
        .unwrap()
        .unwrap();
    let answered = procurement::ask(db, &tender, owner_id, "是否需要提供资质？", T0 + 2)
        .await
        .unwrap()
        .unwrap();
    procurement::answer(
        db,
        &tender,
        procurement::Post::Enquiry,
        answered,
        "需要提供登记证书。",
        owner_id,
        T0 + 3,
    )
    .await
    .unwrap()
    .unwrap();
    // A challenge waiting for its answer, and one answered.
    for answer in [None, Some("已答复".to_string())] {
        procurement::model::challenge::ActiveModel {
            tender_id: Set(t),
            org_id: Set(org),
            filed_by: Set(Some(owner_id)),
            text: Set("评分不公".into()),
            filed_at: Set(T0 + 5),
            answered_at: Set(answer.as_ref().map(|_| T0 + 6)),
            answer: Set(answer),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    // Two contracts: one waiting for the unit's signature, one active with a reported
    // milestone and an accepted one.
    let mut seed = ContractSeed {
        tender_id: t,
        unit_id: unit,
        org_id: org,
        value: Fen(10_000_000),
        supplier_is_social: true,
        division_code: "150102".into(),
        milestones: vec![
            ("首期".into(), 3000),
            ("中期".into(), 3000),
            ("末期".into(), 4000),
        ],
    };
    let to_sign = contracts::create_from_award(db, &seed, T0).await.unwrap();
    let other_t = common::publish(&mut buyer, unit, "新城区助餐服务项目").await;
    // Awarded (without an award row, so nothing blocks the signatures).
    exec(
        &app,
        &format!("UPDATE tenders SET state = 'awarded' WHERE id = {other_t}"),
    )
    .await;
    seed.tender_id = other_t;
    let active = contracts::create_from_award(db, &seed, T0).await.unwrap();
    sign_both(&mut buyer, &mut supplier, active).await;
    let ms: Vec<i64> = contracts::milestones(db, active)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    supplier.get(&format!("/contracts/{active}")).await;
    for m in &ms[..2] {
        let r = supplier
            .post(
                &format!("/contracts/{active}/milestones/{m}/report"),
                &[(
                    "report",
                    "本期为辖区120位老人提供助餐服务2400人次，附签到表。",
                )],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    buyer.get(&format!("/contracts/{active}")).await;
    let r = buyer
        .post(
            &format!("/contracts/{active}/milestones/{}/accept", ms[0]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let r = buyer.get("/me").await;
    let count = |sel: &str| r.text(&format!("#buyer-todo .{sel} .count"));
    assert_eq!(count("todo-questions"), "1");
    assert_eq!(count("todo-challenges"), "1");
    assert_eq!(count("todo-sign"), "1");
    assert_eq!(count("todo-accept"), "1");
    assert_eq!(count("todo-pay"), "1");
    assert_eq!(
        r.count(&format!("#buyer-todo a[href='/tenders/{t}#qa']")),
        1
    );
    assert_eq!(
        r.count(&format!("#buyer-todo a[href='/tenders/{t}#challenges']")),
        1
    );
    assert_eq!(
        r.count(&format!("#buyer-todo a[href='/contracts/{to_sign}']")),
        1
    );
    assert_eq!(
        r.count(&format!("#buyer-todo a[href='/contracts/{active}']")),
        2,
        "one to accept, one to pay"
    );
    assert!(r.text("#todo-accept + ul").contains("中期"));
    assert!(r.text("#todo-pay + ul").contains("首期"));
    // The question is not pressing yet (the enquiry deadline is 2026-12-05 17:00).
    assert_eq!(r.count("#buyer-todo .urgency-open"), 1);
    assert_eq!(r.count("#buyer-todo .overdue"), 0);
    // A day and a half before the enquiry deadline it is due soon; after it, overdue.
    let enquiry_deadline = tender.enquiry_deadline;
    app.clock().advance(enquiry_deadline - T0 - 36 * 3600);
    let r = buyer.get("/me").await;
    assert_eq!(r.count("#buyer-todo .urgency-due_soon"), 1);
    assert!(r.text("#buyer-todo .due-soon").contains('1'));
    app.clock().advance(2 * DAY);
    let r = buyer.get("/me?lang=en").await;
    assert_eq!(
        r.text("#buyer-todo .urgency-overdue"),
        "Past the enquiry deadline"
    );
    assert!(r.text("#buyer-todo .overdue").contains("1 past"));

    // Another unit's buyer sees none of it; a bidder gets no to-do panel.
    let (mut stranger, stranger_id) = app.signed_in("stranger@example.org", &[]).await;
    let other_unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft("回民区民政局", "150103").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, other_unit, stranger_id, T0)
        .await
        .unwrap();
    let r = stranger.get("/me").await;
    for sel in [
        "todo-questions",
        "todo-challenges",
        "todo-sign",
        "todo-accept",
        "todo-pay",
    ] {
        assert_eq!(r.text(&format!("#buyer-todo .{sel} .count")), "0", "{sel}");
    }
    let r = supplier.get("/me").await;
    assert_eq!(r.count("#buyer-todo"), 0);
    app.check_invariants().await.unwrap();
}
