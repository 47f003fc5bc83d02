//! Procurement guarantees that must hold under any interface: sealing, the deadline under
//! concurrency, opening, the award's standstill, and the tamper-evident audit log. They run
//! on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.

mod common;

use std::sync::Arc;

use civicbridge::accounts::Role;
use civicbridge::money::Fen;
use civicbridge::procurement::{self, Refusal, rules};
use civicbridge::web::Lang;
use common::{T0, TestApp};
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
    let d = rules::validate_tender(&f, &[unit], T0, &Default::default(), Lang::Zh).unwrap();
    let id = procurement::create_draft(&app.state.db, &d, buyer, T0)
        .await
        .unwrap();
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    procurement::publish(&app.state.db, &t, &Default::default(), buyer, T0)
        .await
        .unwrap()
        .unwrap();
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
    // The stored rows hold neither the price nor the proposal in the clear.
    let rows = app
        .state
        .db
        .query_all_raw(Statement::from_string(
            app.state.db.get_database_backend(),
            "SELECT * FROM bids".to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let dump = format!("{rows:?}");
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
            procurement::verify_opened_bid(&app.state.db, r.bid_id)
                .await
                .unwrap(),
            None
        );
    }
    // Without the key the ciphertext stays shut.
    let other_key = civicbridge::seal::SealKey::random();
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
            procurement::verify_opened_bid(&app.state.db, r.bid_id)
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
    civicbridge::orgs::model::set_credit(
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
    let mut tasks = Vec::new();
    for (i, org) in orgs.iter().copied().enumerate() {
        let app = app.clone();
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            if i % 50 == 49 {
                app.clock().advance(1); // the deadline arrives while submissions are in flight
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
            if i % 40 == 0 {
                procurement::open_if_due(&app.state.db, &app.state.seal, t.id, app.clock().now())
                    .await
                    .unwrap();
            }
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
    app.clock().advance(10);
    procurement::open_if_due(&app.state.db, &app.state.seal, id, app.clock().now())
        .await
        .unwrap();
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    assert_eq!(t.state, "opened");
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
    let (id, buyer) = published_tender(&app, T0 + 86_400, "lowest_price").await;
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    procurement::ask(&app.state.db, &t, buyer, "服务对象包括哪些人群？", T0 + 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        civicbridge::audit::verify_all(&app.state.db).await.unwrap(),
        Ok(3)
    );
    let run = |app: &TestApp| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_civicbridge"));
        cmd.arg("--data-dir")
            .arg(&app.state.config.data_dir)
            .arg("audit")
            .arg("verify");
        cmd.env_remove("DATABASE_URL");
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
