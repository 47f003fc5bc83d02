//! The region-wide policy dashboard over 1,000,000 contracts (target ≤ 200 ms per page
//! load). Fills a fresh database with 1,000,000 tenders and their contracts in bulk SQL
//! (six signing years, every purchasing unit, ~1% terminated), rebuilds the 30% ledger,
//! checks the maintained ledger equals the GROUP BY recomputation, then times requests
//! through the real router: `/targets`, `/api/v1/targets`, a league's page, a CSV export and
//! a drill-down. `cargo bench --bench targets_dashboard` (SQLite in a temporary directory)
//! or `DATABASE_URL=postgres://…/empty_db cargo bench --bench targets_dashboard`;
//! `CONTRACTS=100000` for a smaller run, `ORGS=100000` to also time loading the matching
//! snapshot of that many organizations.

use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use civicbridge::kernel::clock::Clock;
use civicbridge::web::config::Config;
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use tower::ServiceExt;

async fn scalar(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("row")
        .try_get_by_index::<i64>(0)
        .expect("integer")
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes bench binaries; this is not a test.
    }
    let n: i64 = std::env::var("CONTRACTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        database_url: std::env::var("DATABASE_URL").ok(),
        ..Config::default()
    };
    let state = civicbridge::app::init(config, Clock::fixed(1_795_780_800))
        .await
        .expect("init");
    let db = state.db.clone();
    let pg = db.get_database_backend() == DatabaseBackend::Postgres;
    println!(
        "backend: {}, contracts: {n}",
        if pg { "PostgreSQL" } else { "SQLite" }
    );
    let orgs: u64 = std::env::var("ORGS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    civicbridge::app::seed::run(&db, &state.clock, orgs, 1, false)
        .await
        .expect("seed units and organizations");
    let (u0, un) = (
        scalar(&db, "SELECT MIN(id) FROM purchasing_units").await,
        scalar(&db, "SELECT COUNT(*) FROM purchasing_units").await,
    );
    let (o0, on) = (
        scalar(&db, "SELECT MIN(id) FROM organizations").await,
        scalar(&db, "SELECT COUNT(*) FROM organizations").await,
    );
    assert_eq!(
        scalar(&db, "SELECT MAX(id) FROM purchasing_units").await - u0 + 1,
        un,
        "unit ids are contiguous in a fresh database"
    );
    let series = if pg {
        format!("SELECT generate_series(1::bigint, {n}::bigint) AS i")
    } else {
        format!(
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s"
        )
    };
    let started = Instant::now();
    let base = 10_000_000;
    db.execute_unprepared(&format!(
        "INSERT INTO tenders (id, unit_id, created_by, title, description, domain, division_code, \
         league_code, county_code, budget_fen, method, eval_method, price_weight, min_grade, \
         social_only, allowed_leagues, min_years, enquiry_deadline, bid_deadline, contract_months, \
         min_bids, state, state_reason, published_at, opened_at, seq, created_at, updated_at) \
         SELECT {base} + i, {u0} + (i % {un}), NULL, 'bench', 'bench', 'elderly', '150102', \
         '150100', '150102', 1000000, 'open_tender', 'lowest_price', 100, NULL, FALSE, '', 0, \
         0, 0, 12, 3, 'completed', '', 0, 0, 0, 0, 0 FROM ({series}) AS g"
    ))
    .await
    .expect("tenders");
    db.execute_unprepared(&format!(
        "INSERT INTO contracts (tender_id, unit_id, org_id, value_fen, supplier_is_social, \
         division_code, state, buyer_signed_at, org_signed_at, signed_year, completed_at, rating, \
         rating_comment, created_at) \
         SELECT {base} + i, {u0} + (i % {un}), {o0} + (i % {on}), 1000000 + (i * 7919) % 50000000, \
         ((i * 31) % 100) < 20 + (i % 12) * 2, '150102', \
         CASE WHEN i % 97 = 0 THEN 'terminated' ELSE 'completed' END, 0, 0, 2021 + (i % 6), \
         NULL, NULL, NULL, 0 FROM ({series}) AS g"
    ))
    .await
    .expect("contracts");
    println!("bulk load: {:.1} s", started.elapsed().as_secs_f64());
    let t = Instant::now();
    civicbridge::targets::model::rebuild(&db)
        .await
        .expect("rebuild");
    println!(
        "ledger rebuilt from the contracts: {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    let recomputed = civicbridge::targets::model::recompute(&db)
        .await
        .expect("recompute");
    let group_by_ms = t.elapsed().as_secs_f64() * 1000.0;
    let kept = civicbridge::targets::model::rows(&db).await.expect("rows");
    assert_eq!(
        kept, recomputed,
        "maintained ledger equals the recomputation"
    );
    println!(
        "direct GROUP BY over all contracts (what the ledger saves per page): {group_by_ms:.0} ms; ledger rows: {}",
        kept.len()
    );

    // The matching snapshot (loaded on a cold cache, then reused for its TTL).
    let t = Instant::now();
    let snap = civicbridge::matching::model::candidates(
        &db,
        state.clock.now(),
        civicbridge::incubators::DEFAULT_ALUMNI_MONTHS,
    )
    .await
    .expect("snapshot");
    println!(
        "matching snapshot of {} organizations (with {n} contracts' aggregates): {:.0} ms",
        snap.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    let router = civicbridge::app::router(state.clone());
    let get = |path: &'static str| {
        let router = router.clone();
        async move {
            let t = Instant::now();
            let res = router
                .oneshot(Request::get(path).body(Body::empty()).expect("request"))
                .await
                .expect("response");
            let status = res.status();
            let bytes = res.into_body().collect().await.expect("body").to_bytes();
            assert!(status.is_success(), "{path}: {status}");
            (t.elapsed().as_secs_f64() * 1000.0, bytes.len())
        }
    };
    println!("| request | p50 ms | p95 ms | max ms | bytes |");
    println!("|---|---|---|---|---|");
    for path in [
        "/targets",
        "/api/v1/targets",
        "/targets?year=2024&league=150100",
        "/targets.csv?table=units",
        "/targets/contracts?year=2024&scope=league:150100",
    ] {
        get(path).await; // warm-up
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..50 {
            let (ms, len) = get(path).await;
            times.push(ms);
            size = len;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "| `{path}` | {:.1} | {:.1} | {:.1} | {size} |",
            times[25], times[47], times[49]
        );
    }
}
