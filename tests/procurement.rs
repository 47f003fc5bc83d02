//! Procurement guarantees that must hold under any interface: sealing, the deadline under
//! concurrency, opening, the award's standstill, and the tamper-evident audit log. They run
//! on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.

use crate::common;

use std::sync::Arc;

use crate::common::{Invariant, T0, TestApp};
use civicbridge::accounts::Role;
use civicbridge::kernel::Lang;
use civicbridge::kernel::money::Fen;
use civicbridge::procurement::{self, Refusal, rules};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};

/// A published open tender of a new unit with one buyer, bid deadline `deadline`.
async fn published_tender(app: &TestApp, deadline: i64, eval: &str) -> (i64, i64) {
    let buyer = app
        .user(&format!("buyer{}@example.org", rand::random::<u32>()), &[])
        .await;
    let unit = civicbridge::units::model::create(
        &app.state.db,
        &civicbridge::units::rules::draft(
            &format!("测试民政局{}", rand::random::<u32>()),
            "150100",
        )
        .unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(&app.state.db, unit, buyer, T0)
        .await
        .unwrap();
    let f = rules::TenderForm {
        unit_id: unit.to_string(),
        title: "社区居家养老服务项目".into(),
        description: "为辖区内高龄、独居老人提供助餐、助洁和探访服务。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "500000".into(),
        method: "open_tender".into(),
        eval_method: eval.into(),
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
    let id = app.publish_tender(unit, buyer, &f).await;
    (id, buyer)
}

const PROPOSAL: &str = "我们将组建由社工和护理员组成的专业团队，每周上门探访。";

#[tokio::test]
async fn bids_are_sealed_until_opening_and_match_the_receipt() {
    let app = TestApp::new().await;
    let deadline = T0 + 3 * 86_400;
    let (id, _) = published_tender(&app, deadline, "lowest_price").await;
    let owner = app.user("owner@example.org", &[]).await;
    let mut receipts = Vec::new();
    for n in 1..=3 {
        let org = app.org(owner, n, &format!("投标机构{n}")).await;
        let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
        let r = procurement::submit_bid(
            &app.state.db,
            &app.state.seal,
            &t,
            org,
            Fen(12_345_600 + i64::from(n)),
            PROPOSAL,
            owner,
            T0 + 10,
            app.clock().today(),
        )
        .await
        .unwrap()
        .unwrap();
        receipts.push(r);
    }
    // The stored rows hold neither the price nor the proposal in the clear. (Through the
    // entity: a raw `QueryResult` prints as "cannot be inspected", whatever the row holds.)
    let rows = procurement::model::bid::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let dump = format!("{rows:?}");
    assert!(
        dump.contains("commitment"),
        "the dump shows the rows: {dump}"
    );
    assert!(!dump.contains("123456"), "price in the clear");
    assert!(!dump.contains("专业团队"), "proposal in the clear");
    // Nothing about the bids is public before the deadline.
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    assert!(
        procurement::opening_record(&app.state.db, &t)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !procurement::open_if_due(&app.state.db, &app.state.seal, id, deadline - 1)
            .await
            .unwrap()
    );
    for r in &receipts {
        assert_eq!(
            procurement::verify_opened_bid(&app.state.db, &app.state.seal, r.bid_id)
                .await
                .unwrap(),
            None
        );
    }
    // Without the key the ciphertext stays shut.
    let other_key = civicbridge::kernel::seal::SealKey::random();
    assert!(
        !procurement::open_if_due(&app.state.db, &other_key, id, deadline - 1)
            .await
            .unwrap()
    );
    // At the deadline the bids open and every commitment checks out against its receipt.
    assert!(
        procurement::open_if_due(&app.state.db, &app.state.seal, id, deadline)
            .await
            .unwrap()
    );
    assert!(
        !procurement::open_if_due(&app.state.db, &app.state.seal, id, deadline + 5)
            .await
            .unwrap(),
        "opens once"
    );
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    assert_eq!(t.state, "opened");
    let record = procurement::opening_record(&app.state.db, &t)
        .await
        .unwrap();
    assert_eq!(record.len(), 3);
    for r in &receipts {
        let line = record.iter().find(|l| l.bid_id == r.bid_id).unwrap();
        assert_eq!(line.commitment, r.commitment);
        assert_eq!(
            procurement::verify_opened_bid(&app.state.db, &app.state.seal, r.bid_id)
                .await
                .unwrap(),
            Some(true)
        );
    }
    assert_eq!(record[0].price_fen, 12_345_601);
}

#[tokio::test]
async fn revisions_replace_the_bid_and_withdrawal_removes_it() {
    let app = TestApp::new().await;
    let deadline = T0 + 86_400;
    let (id, _) = published_tender(&app, deadline, "lowest_price").await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "修改报价机构").await;
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    let today = app.clock().today();
    let db = &app.state.db;
    let seal = &app.state.seal;
    let r1 = procurement::submit_bid(
        db,
        seal,
        &t,
        org,
        Fen(9_000_000),
        PROPOSAL,
        owner,
        T0,
        today,
    )
    .await
    .unwrap()
    .unwrap();
    let r2 = procurement::submit_bid(
        db,
        seal,
        &t,
        org,
        Fen(8_800_000),
        PROPOSAL,
        owner,
        T0 + 5,
        today,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(r1.bid_id, r2.bid_id, "one live bid per organization");
    assert_eq!(r2.revision, 2);
    assert_ne!(r1.commitment, r2.commitment);
    let r3 = procurement::attach_file(
        db,
        seal,
        &t,
        org,
        "方案.pdf",
        b"%PDF-1.4 test",
        owner,
        T0 + 6,
        Lang::Zh,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(r3.revision, 3);
    let bad = procurement::attach_file(
        db,
        seal,
        &t,
        org,
        "virus.exe",
        b"MZ",
        owner,
        T0 + 7,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(matches!(bad, Err(Refusal::File(_))));
    procurement::withdraw_bid(db, &t, org, owner, T0 + 8)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        procurement::withdraw_bid(db, &t, org, owner, T0 + 9)
            .await
            .unwrap(),
        Err(Refusal::NoLiveBid)
    );
    // A new bid after withdrawal is a fresh one.
    let r4 = procurement::submit_bid(
        db,
        seal,
        &t,
        org,
        Fen(8_700_000),
        PROPOSAL,
        owner,
        T0 + 10,
        today,
    )
    .await
    .unwrap()
    .unwrap();
    assert_ne!(r4.bid_id, r1.bid_id);
    procurement::open_if_due(db, seal, id, deadline)
        .await
        .unwrap();
    let t = procurement::get(db, id).await.unwrap().unwrap();
    let record = procurement::opening_record(db, &t).await.unwrap();
    assert_eq!(record.len(), 1);
    assert_eq!(record[0].price_fen, 8_700_000);
    assert_eq!(t.state, "unsuccessful", "an open tender needs 3 valid bids");
    assert!(t.state_reason.contains("1 < 3"));
    // The page says why in the reader's language, not the stored phrase.
    let mut anon = app.client();
    let zh = anon.get(&format!("/tenders/{id}?lang=zh-CN")).await;
    let en = anon.get(&format!("/tenders/{id}?lang=en")).await;
    assert!(
        zh.body.contains("开标时有效投标 1 家，少于规定的 3 家"),
        "zh reason"
    );
    assert!(
        en.body
            .contains("1 valid bid(s) at the opening, fewer than the 3 required"),
        "en reason"
    );
    for r in [&zh, &en] {
        assert!(!r.body.contains("valid bids 1 &lt; 3") && !r.body.contains("valid bids 1 < 3"));
    }
}

#[tokio::test]
async fn ineligible_organizations_are_refused_with_the_reason() {
    let app = TestApp::new().await;
    let (id, _) = published_tender(&app, T0 + 86_400, "lowest_price").await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "失信机构").await;
    let reg = app.user("reg@example.org", &[Role::Regulator]).await;
    let o = civicbridge::orgs::model::get(&app.state.db, org)
        .await
        .unwrap()
        .unwrap()
        .0;
    civicbridge::orgs::set_credit(
        &app.state.db,
        &o,
        civicbridge::orgs::rules::CreditStatus::Abnormal,
        "未报年报",
        reg,
        T0,
    )
    .await
    .unwrap();
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    let r = procurement::submit_bid(
        &app.state.db,
        &app.state.seal,
        &t,
        org,
        Fen(100),
        PROPOSAL,
        owner,
        T0,
        app.clock().today(),
    )
    .await
    .unwrap();
    match r {
        Err(Refusal::Ineligible(why)) => assert!(why[0].message(Lang::Zh).contains("活动异常名录")),
        other => panic!("{other:?}"),
    }
    assert_eq!(app.count("bids").await, 0);
}

/// 200 submissions race the deadline while opening runs: every acknowledged bid is in the
/// opening record, none at or after the deadline is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_deadline_holds_under_concurrency() {
    let app = Arc::new(TestApp::new().await);
    let deadline = T0 + 86_400;
    let (id, _) = published_tender(&app, deadline, "lowest_price").await;
    let owner = app.user("owner@example.org", &[]).await;
    let mut orgs = Vec::new();
    for n in 0..200 {
        orgs.push(app.org(owner, 1000 + n, &format!("并发机构{n}")).await);
    }
    app.clock().advance(deadline - 2 - T0); // two seconds before the deadline
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    let today = app.clock().today();
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let done = Arc::new(AtomicUsize::new(0));
    let advanced = Arc::new(AtomicBool::new(false));
    // The deadline arrives once 50 bids are in, with the others in flight; opening runs at
    // once. The last 50 clients start only after that, so the race always crosses it.
    let advancer = {
        let (app, done, advanced) = (app.clone(), done.clone(), advanced.clone());
        tokio::spawn(async move {
            while done.load(Ordering::SeqCst) < 50 {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            app.clock().advance(2);
            procurement::open_if_due(&app.state.db, &app.state.seal, id, app.clock().now())
                .await
                .unwrap();
            advanced.store(true, Ordering::SeqCst);
        })
    };
    let mut tasks = Vec::new();
    for (i, org) in orgs.iter().copied().enumerate() {
        let (app, t, done, advanced) = (app.clone(), t.clone(), done.clone(), advanced.clone());
        tasks.push(tokio::spawn(async move {
            while i >= 150 && !advanced.load(Ordering::SeqCst) {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            let now = app.clock().now();
            let r = procurement::submit_bid(
                &app.state.db,
                &app.state.seal,
                &t,
                org,
                Fen(1_000_000 + i as i64),
                PROPOSAL,
                owner,
                now,
                today,
            )
            .await
            .unwrap();
            done.fetch_add(1, Ordering::SeqCst);
            (now, r)
        }));
    }
    let mut acknowledged = Vec::new();
    let mut refused = 0;
    for task in tasks {
        let (now, r) = task.await.unwrap();
        match r {
            Ok(receipt) => {
                assert!(now < deadline, "accepted at {now}, deadline {deadline}");
                acknowledged.push(receipt.bid_id);
            }
            Err(Refusal::BidsClosed) => refused += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    advancer.await.unwrap();
    app.clock().advance(10);
    let again = procurement::open_if_due(&app.state.db, &app.state.seal, id, app.clock().now());
    assert!(!again.await.unwrap(), "opened once, by the advancer");
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    assert_eq!(
        t.state,
        if acknowledged.len() >= 3 {
            "opened"
        } else {
            "unsuccessful"
        }
    );
    let mut opened: Vec<i64> = procurement::opening_record(&app.state.db, &t)
        .await
        .unwrap()
        .iter()
        .map(|l| l.bid_id)
        .collect();
    opened.sort();
    acknowledged.sort();
    assert_eq!(
        opened, acknowledged,
        "every acknowledged bid opened, nothing else"
    );
    assert_eq!(acknowledged.len() + refused, 200);
    assert!(
        !acknowledged.is_empty() && refused > 0,
        "the race really crossed the deadline"
    );
}

#[tokio::test]
async fn a_bid_at_the_deadline_instant_is_refused() {
    let app = TestApp::new().await;
    let deadline = T0 + 86_400;
    let (id, _) = published_tender(&app, deadline, "lowest_price").await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "准时机构").await;
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    let today = app.clock().today();
    let at = procurement::submit_bid(
        &app.state.db,
        &app.state.seal,
        &t,
        org,
        Fen(100),
        PROPOSAL,
        owner,
        deadline,
        today,
    )
    .await
    .unwrap();
    assert_eq!(at, Err(Refusal::BidsClosed));
    let before = procurement::submit_bid(
        &app.state.db,
        &app.state.seal,
        &t,
        org,
        Fen(100),
        PROPOSAL,
        owner,
        deadline - 1,
        today,
    )
    .await
    .unwrap();
    assert!(before.is_ok());
}

/// Editing any stored audit row makes `civicbridge audit verify` fail and name it.
#[tokio::test]
async fn audit_verify_names_the_tampered_entry() {
    let app = TestApp::new().await;
    // This test edits and deletes audit rows on purpose; the chain is left broken.
    app.skip_invariant(Invariant::Audit);
    let (id, buyer) = published_tender(&app, T0 + 86_400, "lowest_price").await;
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    procurement::ask(&app.state.db, &t, buyer, "服务对象包括哪些人群？", T0 + 1)
        .await
        .unwrap()
        .unwrap();
    // Linked, as the server's chainer does every second: an entry removed before it is
    // linked leaves no trace.
    civicbridge::audit::chain_pending(&app.state.db, &app.state.audit_keys)
        .await
        .unwrap();
    assert_eq!(
        civicbridge::audit::verify_all(&app.state.db, &app.state.audit_keys, &[])
            .await
            .unwrap()
            .result(),
        Ok(3)
    );
    let run = |app: &TestApp| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_civicbridge"));
        cmd.arg("--data-dir")
            .arg(&app.state.config.data_dir)
            .arg("audit")
            .arg("verify");
        cmd.env_remove("DATABASE_URL")
            .env("CIVICBRIDGE_AUDIT_KEY", common::AUDIT_KEY)
            .env("CIVICBRIDGE_CHECKPOINT_KEY", common::CHECKPOINT_KEY);
        if let Some(url) = &app.state.config.database_url {
            cmd.env("DATABASE_URL", url);
        }
        cmd.output().unwrap()
    };
    let ok = run(&app);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("3 entries"));
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let ids: Vec<i64> = civicbridge::audit::model::event::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    for (victim, sql) in [
        (
            ids[1],
            format!(
                "UPDATE audit_events SET detail = '{{}}' WHERE id = {}",
                ids[1]
            ),
        ),
        (
            ids[0],
            format!("UPDATE audit_events SET at = at + 1 WHERE id = {}", ids[0]),
        ),
        (
            ids[2],
            format!(
                "UPDATE audit_events SET action = 'cancelled' WHERE id = {}",
                ids[2]
            ),
        ),
    ] {
        let original = civicbridge::audit::model::event::Entity::find_by_id(victim)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        db.execute_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
        let out = run(&app);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("entry {victim} ")), "{err}");
        // Put it back for the next case.
        use sea_orm::ActiveModelTrait;
        let am = civicbridge::audit::model::event::ActiveModel::from(original.clone()).reset_all();
        am.update(db).await.unwrap();
        assert!(run(&app).status.success());
    }
    // Removing the last entry is caught too.
    db.execute_raw(Statement::from_string(
        backend,
        format!("DELETE FROM audit_events WHERE id = {}", ids[2]),
    ))
    .await
    .unwrap();
    let out = run(&app);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("removed"));
}

/// Three eligible bidders (one administrator each) on a published tender; returns their
/// (org, user, e-mail).
async fn three_bids(
    app: &TestApp,
    id: i64,
    at: i64,
    marker_price: Fen,
    proposal: &str,
) -> Vec<(i64, i64, String)> {
    let mut out = Vec::new();
    for n in 1..=3u32 {
        let email = format!("bidder{n}@example.org");
        let uid = app.user(&email, &[]).await;
        let org = app
            .org(uid, 500 + n, &format!("投标社会工作服务中心{n}"))
            .await;
        let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
        let price = Fen(marker_price.0 + i64::from(n) - 1);
        procurement::submit_bid(
            &app.state.db,
            &app.state.seal,
            &t,
            org,
            price,
            proposal,
            uid,
            at,
            app.clock().today(),
        )
        .await
        .unwrap()
        .unwrap();
        out.push((org, uid, email));
    }
    out
}

/// Before opening, no page or API — for anyone, administrators and regulators included —
/// shows a price or a word of a proposal.
#[tokio::test]
async fn no_route_reveals_bid_content_before_opening() {
    let app = TestApp::new().await;
    let deadline = T0 + 5 * 86_400;
    let (id, _) = published_tender(&app, deadline, "comprehensive").await;
    let bidders = three_bids(
        &app,
        id,
        T0 + 60,
        Fen(876_543_219),
        "密封标记ZX81：我们的方案是每周上门两次。",
    )
    .await;
    app.user("admin@example.org", &[Role::Admin]).await;
    app.user("regulator@example.org", &[Role::Regulator]).await;
    app.user("evaluator@example.org", &[Role::Evaluator]).await;
    let buyer_email = civicbridge::accounts::model::user::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email.starts_with("buyer"))
        .unwrap()
        .email;
    let secrets = [
        "8,765,432",
        "8765432.1",
        "876543219",
        "876543220",
        "密封标记ZX81",
        "每周上门两次",
    ];
    let (_, infos) = civicbridge::app::routes::table();
    let personas = [
        None,
        Some("admin@example.org"),
        Some("regulator@example.org"),
        Some("evaluator@example.org"),
        Some(buyer_email.as_str()),
        Some(bidders[0].2.as_str()),
    ];
    for who in personas {
        let mut c = app.client();
        if let Some(e) = who {
            c.login(e, common::PW).await;
        }
        for info in infos.iter().filter(|i| i.method == axum::http::Method::GET) {
            let path = info
                .path
                .replace(
                    "{id}",
                    &if info.path.contains("orgs") {
                        bidders[0].0
                    } else {
                        id
                    }
                    .to_string(),
                )
                .replace("{*path}", "css/app.css");
            for p in [path.clone(), format!("{path}?lang=en")] {
                let r = c.get(&p).await;
                assert_ne!(
                    r.status,
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "{p}"
                );
                for s in secrets {
                    assert!(!r.body.contains(s), "{who:?} saw {s:?} on {p}");
                }
            }
        }
    }
    // After the deadline the same pages show the prices.
    app.clock().advance(deadline - T0);
    let page = app.client().get(&format!("/tenders/{id}")).await;
    assert!(
        page.body.contains("8,765,432.19"),
        "opening record shows the price"
    );
}

/// The contract cannot be signed while the standstill runs or a challenge is unanswered.
#[tokio::test]
async fn signing_waits_for_the_standstill_and_for_answers() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let deadline = T0 + 86_400;
    let (id, buyer) = published_tender(&app, deadline, "lowest_price").await;
    let bidders = three_bids(&app, id, T0 + 60, Fen(40_000_000), PROPOSAL).await;
    app.clock().advance(deadline - T0);
    procurement::open_if_due(db, &app.state.seal, id, app.clock().now())
        .await
        .unwrap();
    let evaluator = app.user("evaluator@example.org", &[Role::Evaluator]).await;
    let t = procurement::get(db, id).await.unwrap().unwrap();
    procurement::assign_evaluator(db, &t, evaluator, buyer, app.clock().now())
        .await
        .unwrap()
        .unwrap();
    let t = procurement::get(db, id).await.unwrap().unwrap();
    let ranked = procurement::ranking(db, &t).await.unwrap().unwrap();
    assert_eq!(ranked[0].price_fen, 40_000_000, "lowest price wins");
    // No award before the evaluator's sheet (here the declaration alone) is submitted.
    assert_eq!(
        civicbridge::contracts::award(
            db,
            &t,
            ranked[0].bid_id,
            "",
            &Default::default(),
            buyer,
            app.clock().now()
        )
        .await
        .unwrap(),
        Err(Refusal::SheetsPending(1))
    );
    procurement::save_sheet(db, &t, evaluator, &[], true, true, app.clock().now())
        .await
        .unwrap()
        .unwrap();
    // Awarding another than the top-ranked bid needs a justification.
    let second = ranked[1].bid_id;
    assert_eq!(
        civicbridge::contracts::award(
            db,
            &t,
            second,
            "",
            &Default::default(),
            buyer,
            app.clock().now()
        )
        .await
        .unwrap(),
        Err(Refusal::JustificationRequired)
    );
    civicbridge::contracts::award(
        db,
        &t,
        ranked[0].bid_id,
        "",
        &Default::default(),
        buyer,
        app.clock().now(),
    )
    .await
    .unwrap()
    .unwrap();
    let award = procurement::award_of(db, id).await.unwrap().unwrap();
    assert!(
        award.standstill_ends_at >= app.clock().now() + 7 * 86_400,
        "7 working days"
    );
    let contract = civicbridge::contracts::of_tender(db, id)
        .await
        .unwrap()
        .unwrap();
    let (winner_org, winner_user, winner_email) = bidders
        .iter()
        .find(|b| b.0 == contract.org_id)
        .cloned()
        .unwrap();
    let (loser_org, loser_user, _) = bidders.iter().find(|b| b.0 != winner_org).cloned().unwrap();
    let t = procurement::get(db, id).await.unwrap().unwrap();
    procurement::file_challenge(
        db,
        &t,
        loser_org,
        "评审打分未说明理由，请复核。",
        loser_user,
        app.clock().now() + 60,
    )
    .await
    .unwrap()
    .unwrap();
    let buyer_email = civicbridge::accounts::model::user::Entity::find_by_id(buyer)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .email;
    let mut b = app.client();
    b.login(&buyer_email, common::PW).await;
    let url = format!("/contracts/{}", contract.id);
    b.get(&url).await;
    let r = b.post(&format!("{url}/sign"), &[("side", "buyer")]).await;
    assert_eq!(
        r.status,
        axum::http::StatusCode::CONFLICT,
        "standstill running"
    );
    assert!(
        r.body.contains("公示期"),
        "{}",
        r.text(".flash, .form-errors")
    );
    // After the standstill, the unanswered challenge still blocks.
    app.clock()
        .advance(award.standstill_ends_at - app.clock().now() + 1);
    b.get(&url).await;
    let r = b.post(&format!("{url}/sign"), &[("side", "buyer")]).await;
    assert_eq!(
        r.status,
        axum::http::StatusCode::CONFLICT,
        "unanswered challenge"
    );
    // A challenge after the standstill is refused.
    let t = procurement::get(db, id).await.unwrap().unwrap();
    assert_eq!(
        procurement::file_challenge(
            db,
            &t,
            loser_org,
            "再次质疑，请复核评分。",
            loser_user,
            app.clock().now()
        )
        .await
        .unwrap(),
        Err(Refusal::StandstillOver)
    );
    let ch = procurement::challenges(db, id).await.unwrap()[0].id;
    procurement::answer(
        db,
        &t,
        procurement::Post::Challenge,
        ch,
        "经复核，评分符合评审办法。",
        buyer,
        app.clock().now(),
    )
    .await
    .unwrap()
    .unwrap();
    b.get(&url).await;
    let r = b.post(&format!("{url}/sign"), &[("side", "buyer")]).await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    let mut w = app.client();
    w.login(&winner_email, common::PW).await;
    w.get(&url).await;
    let r = w
        .post(&format!("{url}/sign"), &[("side", "supplier")])
        .await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER);
    assert_eq!(
        procurement::get(db, id).await.unwrap().unwrap().state,
        "contracted"
    );
    let _ = winner_user;
    assert!(
        civicbridge::audit::verify_all(db, &app.state.audit_keys, &[])
            .await
            .unwrap()
            .is_intact()
    );
}

/// The background job opens every tender whose deadline passed, and only those.
#[tokio::test]
async fn the_opening_job_opens_due_tenders() {
    let app = TestApp::new().await;
    let (due, _) = published_tender(&app, T0 + 7200, "lowest_price").await;
    let (later, _) = published_tender(&app, T0 + 14_400, "lowest_price").await;
    three_bids(&app, due, T0 + 10, Fen(1_000_000), PROPOSAL).await;
    let n = procurement::open_due(&app.state.db, &app.state.seal, T0 + 7200)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        procurement::get(&app.state.db, due)
            .await
            .unwrap()
            .unwrap()
            .state,
        "opened"
    );
    assert_eq!(
        procurement::get(&app.state.db, later)
            .await
            .unwrap()
            .unwrap()
            .state,
        "published"
    );
    assert_eq!(
        procurement::open_due(&app.state.db, &app.state.seal, T0 + 7201)
            .await
            .unwrap(),
        0
    );
}

/// Attachments open with the bids: before opening nobody can fetch them; after, the
/// assigned evaluator gets the exact bytes and an outsider is refused ("not found").
#[tokio::test]
async fn attachments_open_with_the_bids() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let deadline = T0 + 86_400;
    let (id, buyer) = published_tender(&app, deadline, "comprehensive").await;
    let bidders = three_bids(&app, id, T0 + 60, Fen(1_000_000), PROPOSAL).await;
    let t = procurement::get(db, id).await.unwrap().unwrap();
    let content = b"%PDF-1.4 sealed attachment 123".to_vec();
    let (org, uid, _) = bidders[0].clone();
    let r = procurement::attach_file(
        db,
        &app.state.seal,
        &t,
        org,
        "方案.pdf",
        &content,
        uid,
        T0 + 70,
        Lang::Zh,
    )
    .await
    .unwrap()
    .unwrap();
    let file_id = civicbridge::procurement::list::files_of_bid(db, &app.state.seal, r.bid_id)
        .await
        .unwrap()[0]
        .id;
    let url = format!("/tenders/{id}/bids/{}/files/{file_id}", r.bid_id);
    let evaluator = app.user("evaluator@example.org", &[Role::Evaluator]).await;
    app.user("outsider@example.org", &[]).await;
    let mut buyer_client = app.client();
    let buyer_email = civicbridge::accounts::model::user::Entity::find_by_id(buyer)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .email;
    buyer_client.login(&buyer_email, common::PW).await;
    assert_eq!(
        buyer_client.get(&url).await.status,
        axum::http::StatusCode::NOT_FOUND,
        "sealed before opening"
    );
    app.clock().advance(deadline - T0);
    procurement::open_if_due(db, &app.state.seal, id, app.clock().now())
        .await
        .unwrap();
    let t = procurement::get(db, id).await.unwrap().unwrap();
    procurement::assign_evaluator(db, &t, evaluator, buyer, app.clock().now())
        .await
        .unwrap()
        .unwrap();
    let mut e = app.client();
    e.login("evaluator@example.org", common::PW).await;
    let got = e.get(&url).await;
    assert_eq!(got.status, axum::http::StatusCode::OK);
    assert_eq!(got.body.as_bytes(), &content[..]);
    assert_eq!(got.headers.get("content-type").unwrap(), "application/pdf");
    let score_page = e.get(&format!("/tenders/{id}/score")).await;
    assert!(
        score_page.body.contains(&url),
        "the scoring sheet links the attachment"
    );
    let mut o = app.client();
    o.login("outsider@example.org", common::PW).await;
    // Refused as if the attachment did not exist: the answer tells no ids apart.
    assert_eq!(o.get(&url).await.status, axum::http::StatusCode::NOT_FOUND);
    assert_eq!(
        app.client().get(&url).await.status,
        axum::http::StatusCode::SEE_OTHER,
        "anonymous: log in"
    );
}

/// Attachments stored before their metadata was sealed (name, type, size and plain digest in
/// clear, `meta` empty) are sealed when the application starts: the clear columns are
/// blanked, the digest salted, once only; the listing, the receipt check and the download
/// are unchanged.
#[tokio::test]
async fn earlier_attachment_metadata_is_sealed_at_start_up() {
    use civicbridge::procurement::model::bid_file;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    use sha2::Digest;
    let app = TestApp::new().await;
    let db = &app.state.db;
    let deadline = T0 + 86_400;
    let (id, _) = published_tender(&app, deadline, "lowest_price").await;
    let bidders = three_bids(&app, id, T0 + 60, Fen(1_000_000), PROPOSAL).await;
    let t = procurement::get(db, id).await.unwrap().unwrap();
    let (org, uid, _) = bidders[0].clone();
    let content = b"%PDF-1.4 legacy attachment 4242".to_vec();
    let plain = hex::encode(sha2::Sha256::digest(&content));
    let r = procurement::attach_file(
        db,
        &app.state.seal,
        &t,
        org,
        "旧方案.pdf",
        &content,
        uid,
        T0 + 70,
        Lang::Zh,
    )
    .await
    .unwrap()
    .unwrap();
    // Back to the row as the earlier code wrote it.
    let row = bid_file::Entity::find().one(db).await.unwrap().unwrap();
    let mut legacy: bid_file::ActiveModel = row.into();
    legacy.name = Set("旧方案.pdf".into());
    legacy.mime = Set("application/pdf".into());
    legacy.size = Set(content.len() as i64);
    legacy.sha256 = Set(plain.clone());
    legacy.meta = Set(String::new());
    legacy.update(db).await.unwrap();
    let files = procurement::list::files_of_bid(db, &app.state.seal, r.bid_id)
        .await
        .unwrap();
    assert_eq!(files[0].name, "旧方案.pdf", "a clear row still reads");

    // A restart on the same database and key seals it.
    let again = civicbridge::app::init(
        (*app.state.config).clone(),
        civicbridge::kernel::clock::Clock::fixed(T0 + 80),
    )
    .await
    .unwrap();
    let row = bid_file::Entity::find().one(db).await.unwrap().unwrap();
    assert_eq!(
        (row.name.as_str(), row.mime.as_str(), row.size),
        ("", "", 0)
    );
    assert_ne!(row.sha256, plain, "the digest is salted");
    assert!(!row.meta.is_empty());
    let dump = format!("{row:?}");
    assert!(!dump.contains("旧方案") && !dump.contains(&plain), "{dump}");
    assert_eq!(
        procurement::seal_file_metadata(&again.db, &again.seal)
            .await
            .unwrap(),
        0,
        "once only"
    );
    assert_eq!(
        row,
        bid_file::Entity::find().one(db).await.unwrap().unwrap()
    );
    let files = procurement::list::files_of_bid(db, &app.state.seal, r.bid_id)
        .await
        .unwrap();
    assert_eq!(
        (
            files[0].name.as_str(),
            files[0].size,
            files[0].sha256.as_str()
        ),
        ("旧方案.pdf", content.len() as i64, plain.as_str())
    );

    procurement::open_if_due(db, &app.state.seal, id, deadline)
        .await
        .unwrap();
    assert_eq!(
        procurement::verify_opened_bid(db, &app.state.seal, r.bid_id)
            .await
            .unwrap(),
        Some(true),
        "the receipt still checks out"
    );
    let (name, mime, bytes) = procurement::open_file(db, &app.state.seal, r.bid_id, row.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (name.as_str(), mime.as_str()),
        ("旧方案.pdf", "application/pdf")
    );
    assert_eq!(bytes, content);
}
