//! The audit log an insider with database access cannot rewrite unnoticed (issue 10, point
//! 3): each test tampers through raw SQL the way someone holding only the database would,
//! and asserts that `audit verify` names the entries and the kind of tampering, that the
//! command line exits non-zero, and that a forged entry never shows on a public timeline.
//! These tests break the audit invariant on purpose and say so with `skip_invariant`.

use crate::common;

use crate::common::{Invariant, T0, TestApp};
use civicbridge::audit::{self, Finding, Report, Source};
use civicbridge::kernel::Lang;
use civicbridge::procurement::{self, rules};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Statement};
use sha2::{Digest, Sha256};

async fn sql(app: &TestApp, sql: &str) {
    app.state
        .db
        .execute_raw(Statement::from_string(
            app.state.db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A published tender of a new unit and buyer: (tender, buyer).
async fn published_tender(app: &TestApp) -> (i64, i64) {
    let buyer = app.user("buyer@example.org", &[]).await;
    let unit = civicbridge::units::model::create(
        &app.state.db,
        &civicbridge::units::rules::draft("测试民政局", "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(&app.state.db, unit, buyer, T0)
        .await
        .unwrap();
    let deadline = T0 + 5 * 86_400;
    let f = rules::TenderForm {
        unit_id: unit.to_string(),
        title: "社区居家养老服务项目".into(),
        description: "为辖区内高龄、独居老人提供助餐、助洁和探访服务。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "500000".into(),
        method: "open_tender".into(),
        eval_method: "lowest_price".into(),
        price_weight: "30".into(),
        criterion_name: vec!["服务方案".into()],
        criterion_weight: vec!["70".into()],
        enquiry_deadline: rules::format_local(deadline - 3600),
        bid_deadline: rules::format_local(deadline),
        contract_months: "12".into(),
        milestone_name: vec!["结项".into()],
        milestone_percent: vec!["100".into()],
        ..Default::default()
    };
    let id = app.publish_tender(unit, buyer, &f).await;
    (id, buyer)
}

/// A tender with enquiries: at least `n` audit entries, all linked. Returns the tender, its
/// buyer and the entry ids in chain order.
async fn world(app: &TestApp, n: usize) -> (i64, i64, Vec<i64>) {
    let (id, buyer) = published_tender(app).await;
    let t = procurement::get(&app.state.db, id).await.unwrap().unwrap();
    let mut k = 0;
    while entries(app).await.len() < n {
        k += 1;
        procurement::ask(
            &app.state.db,
            &t,
            buyer,
            &format!("问题{k}：服务对象？"),
            T0 + k,
        )
        .await
        .unwrap()
        .unwrap();
    }
    chain(app).await;
    let ids = entries(app).await.iter().map(|e| e.id).collect();
    (id, buyer, ids)
}

async fn entries(app: &TestApp) -> Vec<audit::Event> {
    audit::model::event::Entity::find()
        .order_by_asc(audit::model::event::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn entry(app: &TestApp, id: i64) -> audit::Event {
    audit::model::event::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn chain(app: &TestApp) -> u64 {
    civicbridge::app::jobs::chain_audit(&app.state)
        .await
        .unwrap()
}

async fn verify(app: &TestApp) -> Report {
    audit::verify_all(&app.state.db, &app.state.audit_keys, &[])
        .await
        .unwrap()
}

async fn checkpoint(app: &TestApp) -> audit::StoredCheckpoint {
    civicbridge::app::jobs::checkpoint_audit(&app.state)
        .await
        .unwrap()
        .expect("the head is authentic")
}

/// `civicbridge audit verify [args]` on the app's database: (exit code, stdout, stderr).
fn cli(app: &TestApp, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_civicbridge"));
    cmd.arg("--data-dir")
        .arg(&app.state.config.data_dir)
        .arg("audit")
        .args(args)
        .env_remove("DATABASE_URL")
        .env("CIVICBRIDGE_AUDIT_KEY", common::AUDIT_KEY)
        .env("CIVICBRIDGE_CHECKPOINT_KEY", common::CHECKPOINT_KEY);
    if let Some(url) = &app.state.config.database_url {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The unkeyed SHA-256 chain hash an insider can compute (the scheme before keys).
fn plain_hash(e: &audit::Event, prev: &str) -> String {
    audit::rules::legacy_hash(
        &audit::rules::Fields {
            at: e.at,
            actor_id: e.actor_id,
            entity: &e.entity,
            entity_id: e.entity_id,
            action: &e.action,
            detail: &e.detail,
            public: e.public,
        },
        prev,
    )
}

fn sha(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Inserts a forged public "award published" entry for the tender; returns its id.
async fn forge_award(app: &TestApp, tender: i64, linked: Option<(i64, &str, &str)>) -> i64 {
    let (seq, prev, hash) = match linked {
        Some((s, p, h)) => (s.to_string(), format!("'{p}'"), format!("'{h}'")),
        None => ("NULL".into(), "NULL".into(), "NULL".into()),
    };
    sql(
        app,
        &format!(
            "INSERT INTO audit_events (at, actor_id, entity, entity_id, action, detail, public, \
             chain_seq, prev_hash, hash, mac) VALUES ({}, NULL, 'tender', {tender}, 'awarded', \
             '{{\"org\":666}}', TRUE, {seq}, {prev}, {hash}, '{}')",
            T0 + 100,
            sha("a guess at the mac"),
        ),
    )
    .await;
    entries(app).await.last().unwrap().id
}

async fn timeline_actions(app: &TestApp, tender: i64) -> Vec<String> {
    audit::timeline(&app.state.db, "tender", tender, true)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn an_intact_log_verifies_read_only_with_pending_entries() {
    let app = TestApp::new().await;
    let (id, _) = published_tender(&app).await;
    let n = entries(&app).await.len() as i64;
    assert!(n >= 2);
    // Nothing linked yet: pending, authentic, and verifying links nothing.
    let r = verify(&app).await;
    assert_eq!(r.result(), Ok(n));
    assert_eq!(r.pending.len() as i64, n);
    assert!(entries(&app).await.iter().all(|e| e.chain_seq.is_none()));
    // Every entry carries its MAC from the writing transaction.
    assert!(entries(&app).await.iter().all(|e| e.mac.is_some()));
    assert_eq!(chain(&app).await, n as u64);
    let r = verify(&app).await;
    assert_eq!(r.result(), Ok(n));
    assert!(r.pending.is_empty());
    assert!(
        timeline_actions(&app, id)
            .await
            .contains(&"published".to_string())
    );
    let (code, out, err) = cli(&app, &["verify"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(&format!("{n} entries verified")), "{out}");
}

#[tokio::test]
async fn an_unlinked_forged_entry_is_inserted_never_linked_and_never_shown() {
    let app = TestApp::new().await;
    // Broken on purpose: a forged entry stays in the table.
    app.skip_invariant(Invariant::Audit);
    let (tender, buyer, _) = world(&app, 3).await;
    let forged = forge_award(&app, tender, None).await;
    let r = verify(&app).await;
    assert_eq!(r.findings, vec![Finding::Inserted { id: forged }]);
    // Verifying changed nothing, and the chainer refuses it (and goes on with the next).
    assert!(entry(&app, forged).await.chain_seq.is_none());
    let t = procurement::get(&app.state.db, tender)
        .await
        .unwrap()
        .unwrap();
    procurement::ask(&app.state.db, &t, buyer, "再问一次？", T0 + 50)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(chain(&app).await, 1);
    assert!(entry(&app, forged).await.chain_seq.is_none());
    assert_eq!(verify(&app).await.ids("inserted"), vec![forged]);
    // The public timeline and page do not show it.
    assert!(
        !timeline_actions(&app, tender)
            .await
            .contains(&"awarded".to_string())
    );
    let page = app.client().get(&format!("/tenders/{tender}")).await;
    assert!(
        page.text("#timeline")
            .contains(&Lang::Zh.t("tender.event.published"))
    );
    assert!(
        !page
            .text("#timeline")
            .contains(&Lang::Zh.t("tender.event.awarded"))
    );
    let (code, _, err) = cli(&app, &["verify"]);
    assert_eq!(code, Some(1));
    assert!(err.contains(&format!("inserted: entry {forged} ")), "{err}");
}

#[tokio::test]
async fn a_linked_forgery_with_a_plain_sha256_hash_is_inserted() {
    let app = TestApp::new().await;
    // Broken on purpose: a forged entry linked by hand.
    app.skip_invariant(Invariant::Audit);
    let (tender, buyer, ids) = world(&app, 3).await;
    checkpoint(&app).await;
    let head = entry(&app, *ids.last().unwrap()).await;
    let seq = head.chain_seq.unwrap() + 1;
    let prev = head.hash.clone().unwrap();
    // The insider computes the entry's chain hash the way the unkeyed chain did, links it
    // and moves the head, as the old verifier would have accepted.
    let probe = audit::Event {
        id: 0,
        at: T0 + 100,
        actor_id: None,
        entity: "tender".into(),
        entity_id: tender,
        action: "awarded".into(),
        detail: "{\"org\":666}".into(),
        public: true,
        chain_seq: None,
        prev_hash: None,
        hash: None,
        mac: None,
    };
    let hash = plain_hash(&probe, &prev);
    let forged = forge_award(&app, tender, Some((seq, &prev, &hash))).await;
    sql(
        &app,
        &format!("UPDATE audit_head SET seq = {seq}, last_hash = '{hash}' WHERE id = 1"),
    )
    .await;
    let r = verify(&app).await;
    assert_eq!(r.findings, vec![Finding::Inserted { id: forged }]);
    // A checkpoint never vouches for the forged head.
    assert!(
        civicbridge::app::jobs::checkpoint_audit(&app.state)
            .await
            .unwrap()
            .is_none()
    );
    // Authentic entries linked after it do not hide it.
    let t = procurement::get(&app.state.db, tender)
        .await
        .unwrap()
        .unwrap();
    procurement::ask(&app.state.db, &t, buyer, "再问一次？", T0 + 50)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(chain(&app).await, 1);
    assert_eq!(
        verify(&app).await.findings,
        vec![Finding::Inserted { id: forged }]
    );
    assert!(
        !timeline_actions(&app, tender)
            .await
            .contains(&"awarded".to_string())
    );
    let page = app.client().get(&format!("/tenders/{tender}")).await;
    assert!(
        !page
            .text("#timeline")
            .contains(&Lang::Zh.t("tender.event.awarded"))
    );
    let (code, _, err) = cli(&app, &["verify"]);
    assert_eq!(code, Some(1));
    assert!(err.contains(&format!("inserted: entry {forged} ")), "{err}");
}

#[tokio::test]
async fn an_edit_with_every_hash_recomputed_is_altered() {
    let app = TestApp::new().await;
    // Broken on purpose: an entry edited and the chain recomputed without the key.
    app.skip_invariant(Invariant::Audit);
    let (tender, _, ids) = world(&app, 5).await;
    let victim = ids[1];
    sql(
        &app,
        &format!("UPDATE audit_events SET detail = '{{\"forged\":true}}' WHERE id = {victim}"),
    )
    .await;
    // Recompute every hash from the victim on, and the head, without the key.
    let all = entries(&app).await;
    let mut prev = all
        .iter()
        .find(|e| e.id == ids[0])
        .and_then(|e| e.hash.clone())
        .unwrap();
    let mut last_seq = 0;
    for e in all.iter().filter(|e| e.id >= victim) {
        let h = plain_hash(e, &prev);
        sql(
            &app,
            &format!(
                "UPDATE audit_events SET prev_hash = '{prev}', hash = '{h}' WHERE id = {}",
                e.id
            ),
        )
        .await;
        prev = h;
        last_seq = e.chain_seq.unwrap();
    }
    sql(
        &app,
        &format!("UPDATE audit_head SET seq = {last_seq}, last_hash = '{prev}' WHERE id = 1"),
    )
    .await;
    let r = verify(&app).await;
    let mut altered = r.ids("altered");
    altered.sort();
    assert_eq!(altered, ids[1..].to_vec(), "{:?}", r.findings);
    assert!(r.ids("inserted").is_empty(), "{:?}", r.findings);
    assert_eq!(r.findings.len(), ids.len() - 1);
    // The edited entry no longer shows on the timeline; the untouched first one does.
    let shown: Vec<i64> = audit::timeline(&app.state.db, "tender", tender, true)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert!(!shown.contains(&victim));
    assert!(shown.contains(&ids[0]) || !entry(&app, ids[0]).await.public);
    let (code, _, err) = cli(&app, &["verify"]);
    assert_eq!(code, Some(1));
    assert!(err.contains(&format!("altered: entry {victim} ")), "{err}");
}

#[tokio::test]
async fn a_deleted_middle_entry_is_removed_with_its_position_and_neighbours() {
    let app = TestApp::new().await;
    // Broken on purpose: an entry deleted.
    app.skip_invariant(Invariant::Audit);
    let (_, _, ids) = world(&app, 4).await;
    let victim = entry(&app, ids[2]).await;
    sql(
        &app,
        &format!("DELETE FROM audit_events WHERE id = {}", victim.id),
    )
    .await;
    let seq = victim.chain_seq.unwrap();
    let r = verify(&app).await;
    assert_eq!(
        r.findings,
        vec![Finding::Removed {
            from_seq: seq,
            to_seq: seq,
            after_id: Some(ids[1]),
            before_id: Some(ids[3]),
        }]
    );
    let (code, _, err) = cli(&app, &["verify"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains(&format!(
            "removed: chain positions {seq}..={seq} are missing, between entry {} and entry {}",
            ids[1], ids[3]
        )),
        "{err}"
    );
}

#[tokio::test]
async fn a_deleted_tail_with_a_rewound_head_is_truncated_against_a_checkpoint() {
    let app = TestApp::new().await;
    // Broken on purpose: the newest entries deleted and the head rewound.
    app.skip_invariant(Invariant::Audit);
    let (_, _, ids) = world(&app, 5).await;
    let cp = checkpoint(&app).await;
    assert_eq!(cp.seq, ids.len() as i64);
    assert_eq!(cp.at, T0);
    // A copy of the published checkpoints kept elsewhere.
    let published = app.client().get("/api/v1/audit/checkpoints").await.body;
    let copy = app.state.config.data_dir.join("../kept-elsewhere.json");
    std::fs::write(&copy, &published).unwrap();

    let keep = entry(&app, ids[2]).await;
    sql(
        &app,
        &format!("DELETE FROM audit_events WHERE id > {}", keep.id),
    )
    .await;
    sql(
        &app,
        &format!(
            "UPDATE audit_head SET seq = {}, last_hash = '{}' WHERE id = 1",
            keep.chain_seq.unwrap(),
            keep.hash.clone().unwrap()
        ),
    )
    .await;
    let r = verify(&app).await;
    assert_eq!(
        r.findings,
        vec![Finding::Truncated {
            expected_seq: cp.seq,
            last_seq: keep.chain_seq.unwrap(),
            last_id: Some(keep.id),
            by: Source::Stored(cp.id),
        }]
    );
    let (code, _, err) = cli(&app, &["verify"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains(&format!("truncated: entries after entry {} ", keep.id)),
        "{err}"
    );

    // The insider deletes the stored checkpoints too: only the copy kept elsewhere tells.
    sql(&app, "DELETE FROM audit_checkpoints").await;
    assert!(verify(&app).await.is_intact());
    assert_eq!(cli(&app, &["verify"]).0, Some(0));
    let (code, _, err) = cli(&app, &["verify", "--checkpoint", copy.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(err.contains("truncated"), "{err}");
    assert!(err.contains("of the given file"), "{err}");
    let extra = audit::parse_checkpoints(&published).unwrap();
    let r = audit::verify_all(&app.state.db, &app.state.audit_keys, &extra)
        .await
        .unwrap();
    let [
        Finding::Truncated {
            expected_seq,
            by: Source::External(_),
            ..
        },
    ] = r.findings.as_slice()
    else {
        panic!("{:?}", r.findings)
    };
    assert_eq!(*expected_seq, cp.seq);
}

#[tokio::test]
async fn checkpoints_are_signed_published_and_checked() {
    let app = TestApp::new().await;
    let (_, _, ids) = world(&app, 3).await;
    app.clock().advance(3600);
    let cp = checkpoint(&app).await;
    assert_eq!(
        (cp.seq, cp.count, cp.at),
        (ids.len() as i64, ids.len() as i64, T0 + 3600)
    );
    // The signature is the published key's over the published message.
    let public = app.state.audit_keys.public_hex();
    let key = civicbridge::kernel::audit_keys::public_from_hex(&public).unwrap();
    let msg = audit::rules::checkpoint_message(cp.seq, &cp.head_hash, cp.at, cp.count);
    assert!(civicbridge::kernel::audit_keys::signature_valid(
        &key,
        msg.as_bytes(),
        &cp.signature
    ));

    // JSON.
    let json = app.client().get("/api/v1/audit/checkpoints").await.json();
    assert_eq!(json["public_key"], public);
    let list = json["checkpoints"].as_array().unwrap();
    let last = list.last().unwrap();
    assert_eq!(last["seq"], cp.seq);
    assert_eq!(last["head_hash"], cp.head_hash);
    assert_eq!(last["signature"], cp.signature);
    let after = app
        .client()
        .get(&format!("/api/v1/audit/checkpoints?after={}", cp.id - 1))
        .await
        .json();
    assert_eq!(after["checkpoints"].as_array().unwrap().len(), 1);

    // Page, in both languages.
    let page = app.client().get("/audit/checkpoints").await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    assert_eq!(page.text("#public-key"), public);
    assert!(page.text("h1").contains("审计日志检查点"));
    assert!(page.text("table.checkpoints").contains(&cp.head_hash));
    assert!(page.text("table.checkpoints").contains("2026-11-27 21:00"));
    let en = app.client().get("/audit/checkpoints?lang=en").await;
    assert!(en.text("h1").contains("Audit log checkpoints"));
    assert!(
        en.text("#message-format")
            .contains("civicbridge-audit-checkpoint/v1")
    );

    // The command signs on demand.
    let (code, out, err) = cli(&app, &["checkpoint"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(&format!("position {}", cp.seq)), "{out}");
    let r = verify(&app).await;
    assert!(r.is_intact(), "{:?}", r.findings);
    assert!(
        r.checkpoints >= 3,
        "start-up, job and command: {}",
        r.checkpoints
    );
}

#[tokio::test]
async fn a_forged_checkpoint_is_reported() {
    let app = TestApp::new().await;
    // Broken on purpose: a checkpoint inserted without the signing key.
    app.skip_invariant(Invariant::Audit);
    let (_, _, ids) = world(&app, 2).await;
    sql(
        &app,
        &format!(
            "INSERT INTO audit_checkpoints (seq, head_hash, at, count, signature) VALUES \
             (99, '{}', {T0}, 99, '{}')",
            sha("x"),
            "ab".repeat(64)
        ),
    )
    .await;
    let r = verify(&app).await;
    assert!(
        matches!(
            r.findings.as_slice(),
            [Finding::ForgedCheckpoint {
                by: Source::Stored(_)
            }]
        ),
        "{:?}",
        r.findings
    );
    assert!(ids.len() >= 2);
}

#[tokio::test]
async fn entries_from_before_keys_keep_verifying_after_the_upgrade() {
    let app = TestApp::new().await;
    // The state of a database before this change: entries without a MAC, no checkpoint.
    sql(&app, "DELETE FROM audit_checkpoints").await;
    for n in 1..=3 {
        sql(
            &app,
            &format!(
                "INSERT INTO audit_events (at, entity, entity_id, action, detail, public) \
                 VALUES ({T0}, 'tender', 77, 'published', '{{\"n\":{n}}}', TRUE)"
            ),
        )
        .await;
    }
    // The first start with keys links them the old way and signs a checkpoint over them.
    audit::start(&app.state.db, &app.state.audit_keys, T0)
        .await
        .unwrap();
    assert!(entries(&app).await.iter().all(|e| e.chain_seq.is_some()));
    let r = verify(&app).await;
    assert_eq!((r.result(), r.legacy), (Ok(3), 3), "{:?}", r.findings);
    assert_eq!(timeline_actions(&app, 77).await.len(), 3);
    // New entries are keyed and linked after them.
    let (tender, _) = published_tender(&app).await;
    chain(&app).await;
    let r = verify(&app).await;
    assert!(r.is_intact(), "{:?}", r.findings);
    assert_eq!(r.legacy, 3);
    assert!(
        timeline_actions(&app, tender)
            .await
            .contains(&"published".to_string())
    );
    // Later starts never link an entry without a MAC again.
    app.skip_invariant(Invariant::Audit);
    sql(
        &app,
        &format!(
            "INSERT INTO audit_events (at, entity, entity_id, action, detail, public) \
             VALUES ({T0}, 'tender', 77, 'awarded', '{{}}', TRUE)"
        ),
    )
    .await;
    let forged = entries(&app).await.last().unwrap().id;
    audit::start(&app.state.db, &app.state.audit_keys, T0)
        .await
        .unwrap();
    chain(&app).await;
    assert!(entry(&app, forged).await.chain_seq.is_none());
    assert_eq!(
        verify(&app).await.findings,
        vec![Finding::Inserted { id: forged }]
    );
    assert!(
        !timeline_actions(&app, 77)
            .await
            .contains(&"awarded".to_string())
    );
}
