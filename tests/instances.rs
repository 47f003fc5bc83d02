//! Several instances on one database (issue 18 point 4), in process: two application states
//! over the same database behave as one — a job's tick is claimed by exactly one of them, a
//! lease has one holder at a time, and a write through one is seen by the next request of the
//! other even where the other had cached what the write changed. `.ci/run` repeats this with
//! three server processes behind a reverse proxy (`multi::`).

use axum::http::StatusCode;
use civicbridge::kernel::instances;

use crate::common::{TestApp, as_refs, org_form_values};

#[tokio::test]
async fn a_tick_is_claimed_by_exactly_one_of_many_instances() {
    let app = TestApp::new().await;
    let claims = |tick: i64| {
        let db = app.state.db.clone();
        async move {
            let tasks: Vec<_> = (0..24)
                .map(|k| {
                    let db = db.clone();
                    tokio::spawn(async move {
                        instances::claim_tick(&db, "open_due_tenders", tick, &format!("i{k}"), 7)
                            .await
                            .unwrap()
                    })
                })
                .collect();
            let mut won = 0;
            for t in tasks {
                won += usize::from(t.await.unwrap());
            }
            won
        }
    };
    assert_eq!(claims(100).await, 1, "one winner of a tick");
    assert_eq!(claims(100).await, 0, "a tick is not claimed twice");
    assert_eq!(claims(99).await, 0, "nor an earlier one");
    assert_eq!(claims(101).await, 1, "the next tick has its own winner");
    let (holder, mark) = instances::claim_of(&app.state.db, "open_due_tenders")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mark, 101);
    assert!(holder.starts_with('i'), "{holder}");
    // Another job's ticks are its own.
    assert!(
        instances::claim_tick(&app.state.db, "chain_audit", 100, "i0", 7)
            .await
            .unwrap()
    );
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn a_lease_has_one_holder_until_it_runs_out() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let lease =
        |who: &'static str, now: i64| instances::hold_lease(db, "search_outbox", who, 15, now);
    assert!(lease("a", 1_000).await.unwrap(), "a free lease is taken");
    assert!(!lease("b", 1_005).await.unwrap(), "held by another");
    assert!(lease("a", 1_010).await.unwrap(), "the holder renews it");
    assert!(!lease("b", 1_025).await.unwrap(), "renewed until 1025");
    assert!(
        lease("b", 1_026).await.unwrap(),
        "run out: another takes it"
    );
    assert!(
        !lease("a", 1_027).await.unwrap(),
        "and the first has lost it"
    );
    assert_eq!(
        instances::claim_of(db, "search_outbox").await.unwrap(),
        Some(("b".to_string(), 1_041))
    );
    app.check_invariants().await.unwrap();
}

/// A second application state over `app`'s database and data directory: another instance.
async fn second_instance(app: &TestApp) -> axum::Router {
    let mut config = (*app.state.config).clone();
    config.database_url = Some(app.state.config.effective_database_url());
    let state = civicbridge::app::init(config, app.clock().clone())
        .await
        .expect("second instance");
    civicbridge::app::router(state)
}

async fn league_total(router: &axum::Router) -> u64 {
    use tower::ServiceExt;
    let res = router
        .clone()
        .oneshot(
            axum::http::Request::get("/api/v1/orgs?league=150100")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&body).unwrap();
    j["total"].as_u64().unwrap()
}

#[tokio::test]
async fn a_write_through_one_instance_is_seen_by_the_next_request_of_another() {
    let app = TestApp::new().await;
    let owner = app.user("owner@example.org", &[]).await;
    app.org(owner, 1, "第一家社会工作服务中心").await;
    let other = second_instance(&app).await;
    // The other instance counts the league's organizations and keeps the total.
    let before = league_total(&other).await;
    assert_eq!(before, 1);
    assert_eq!(league_total(&other).await, before);
    // A new organization registered through the first instance…
    let (mut c, _) = app.signed_in("founder@example.org", &[]).await;
    c.get("/orgs/new").await;
    let mut f: Vec<(&'static str, String)> = org_form_values(2, "第二家社会工作服务中心")
        .into_iter()
        .collect();
    f.push(("domains", "elderly".into()));
    let r = c.post("/orgs", &as_refs(&f)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // …is counted by the other on its next request, well within the totals' time-to-live.
    assert_eq!(league_total(&other).await, before + 1);
    app.check_invariants().await.unwrap();
}
