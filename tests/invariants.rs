//! The invariants every `TestApp` checks when dropped can fail: each is broken on purpose
//! here, the check names it (and only it), and dropping the app panics with that message.

use crate::common::{Invariant, T0, TestApp};
use civicbridge::kernel::money::Fen;
use civicbridge::kernel::outbox::entry as outbox;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

async fn sql(app: &TestApp, sql: &str) {
    app.state.db.execute_unprepared(sql).await.unwrap();
}

/// Asserts that exactly `broken` fails, with a message containing `needle`, and that
/// dropping the app then panics with it too.
pub(crate) async fn only_broken(app: TestApp, broken: Invariant, needle: &str) {
    for inv in Invariant::ALL {
        let r = app.check(inv).await;
        if inv == broken {
            let msg = r.expect_err("the broken invariant must be reported");
            assert!(msg.contains(needle), "{msg}");
        } else {
            assert_eq!(r, Ok(()), "{inv:?}");
        }
    }
    assert!(app.check_invariants().await.is_err());
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(app)))
        .expect_err("dropping an app with a broken invariant must fail the test");
    let msg = panicked
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(msg.contains("invariant broken"), "{msg}");
    assert!(msg.contains(needle), "{msg}");
}

/// Some organizations (outbox rows, audit entries) and a unit.
async fn world(app: &TestApp) -> i64 {
    let owner = app.user("owner@example.org", &[]).await;
    app.org(owner, 1, "新城区养老服务中心").await;
    civicbridge::units::model::create(
        &app.state.db,
        &civicbridge::units::rules::draft("新城区民政局", "150102").unwrap(),
        T0,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_clean_app_passes_every_check() {
    let app = TestApp::new().await;
    world(&app).await;
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn an_edited_audit_entry_is_reported() {
    let app = TestApp::new().await;
    world(&app).await;
    civicbridge::audit::append(
        &app.state.db,
        civicbridge::audit::Entry {
            at: T0,
            actor_id: None,
            entity: "test",
            entity_id: 1,
            action: "created",
            detail: serde_json::json!({"n": 1}),
            public: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(app.check(Invariant::Audit).await, Ok(()));
    sql(
        &app,
        "UPDATE audit_events SET detail = '{\"n\":2}' WHERE entity = 'test'",
    )
    .await;
    // Edited before it was linked: its MAC no longer verifies.
    only_broken(app, Invariant::Audit, "was not written by the application").await;
}

#[tokio::test]
async fn a_ledger_row_without_contracts_is_reported() {
    let app = TestApp::new().await;
    let unit = world(&app).await;
    civicbridge::targets::record_contract(&app.state.db, 2026, unit, true, Fen(100))
        .await
        .unwrap();
    only_broken(app, Invariant::Ledger, "differs from its recomputation").await;
}

#[tokio::test]
async fn an_outbox_row_no_index_takes_is_reported() {
    let app = TestApp::new().await;
    world(&app).await;
    outbox::ActiveModel {
        kind: Set("grants".into()),
        record_id: Set(7),
        created_at: Set(T0),
        attempts: Set(0),
        next_attempt_at: Set(T0),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    only_broken(app, Invariant::Outbox, "grants").await;
}

#[tokio::test]
async fn an_outbox_row_the_engine_never_takes_is_reported() {
    let config = civicbridge::web::config::Config {
        meilisearch_url: Some("http://127.0.0.1:9".into()),
        search_index_prefix: "cbdown_".into(),
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    world(&app).await;
    only_broken(app, Invariant::Outbox, "still undelivered").await;
}
