//! The daily credit-engine run over 100,000 organizations × 3 years of annual reports
//! (issue 15, target ≤ 10 s on SQLite), and the zombie detection that follows it. Fills a
//! fresh database with the demo registry (`ORGS`, default 100,000) and three years of
//! reports in bulk SQL — most accepted on time, every 7th organization missing a year,
//! every 11th filing late — sets the report rule to check those years, then times
//! `regulation::evaluate_credit` (the daily job's call: the first run gives notice to every
//! organization with a ground, the kind of day the target is about) and a second run the
//! same day (nothing new: the steady state), then `regulation::detect_zombies`, and last the
//! public credit lookup `/credit?q=…` by name and by USCC through the real router (p50, p95,
//! p99; `LOOKUPS=` queries per kind, default 300).
//! `cargo bench --bench credit_engine` (SQLite in a temporary directory) or
//! `DATABASE_URL=postgres://…/empty_db cargo bench --bench credit_engine`.

use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use civicbridge::kernel::clock::Clock;
use civicbridge::web::config::Config;
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use tower::ServiceExt;

const NOW: i64 = 1_795_780_800; // 2026-11-27 12:00 UTC

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
    let orgs: u64 = std::env::var("ORGS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        database_url: std::env::var("DATABASE_URL").ok(),
        ..Config::default()
    };
    let state = civicbridge::app::init(config, Clock::fixed(NOW))
        .await
        .expect("init");
    let db = state.db.clone();
    let pg = db.get_database_backend() == DatabaseBackend::Postgres;
    println!(
        "backend: {}, organizations: {orgs}",
        if pg { "PostgreSQL" } else { "SQLite" }
    );
    let t = Instant::now();
    civicbridge::app::seed::run(&db, &state.clock, orgs, 1, false)
        .await
        .expect("seed organizations");
    println!("registry seeded: {:.1} s", t.elapsed().as_secs_f64());
    // Three years of reports for every social organization, in bulk: 2023–2025, due on 31
    // May of the next year; every 7th organization skips 2024, every 11th files late (the
    // few demo reports the seed wrote stay as they are).
    let t = Instant::now();
    for (k, year) in [2023_i64, 2024, 2025].iter().enumerate() {
        let due = NOW - (2025 - year) * 365 * 86_400 - 180 * 86_400;
        let skip = if *year == 2024 { "AND id % 7 <> 0" } else { "" };
        db.execute_unprepared(&format!(
            "INSERT INTO annual_reports (org_id, year, league_code, county_code, state, \
             income_fen, expense_fen, expense_program_fen, expense_admin_fen, \
             expense_fundraising_fen, expense_other_fen, net_assets_fen, gov_purchase_fen, \
             grant_fen, staff_full, staff_part, volunteers, party_established, party_standard, \
             activities, key_changes, return_reason, submissions, first_submitted_at, \
             submitted_at, reviewed_at, reviewed_by, created_at, updated_at) \
             SELECT id, {year}, league_code, county_code, 'accepted', 100000, 80000, 60000, \
             15000, 3000, 2000, 50000, 0, 0, 5, 1, 10, TRUE, (id % 3 = 0), 'bench', '', NULL, 1, \
             CASE WHEN id % 11 = 0 THEN {due} + 40 * 86400 ELSE {due} - 86400 END, \
             CASE WHEN id % 11 = 0 THEN {due} + 40 * 86400 ELSE {due} - 86400 END, \
             {due} + 50 * 86400, NULL, {due} - 86400, {due} - 86400 \
             FROM organizations WHERE kind IN ('social_group', 'social_service_agency', 'foundation') {skip} \
             AND id NOT IN (SELECT org_id FROM annual_reports WHERE year = {year})"
        ))
        .await
        .unwrap_or_else(|e| panic!("reports {k}: {e}"));
    }
    let reports = scalar(&db, "SELECT COUNT(*) FROM annual_reports").await;
    println!(
        "{reports} reports loaded: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    civicbridge::regulation::set_credit_rule(
        &db,
        &civicbridge::regulation::credit_rules::Rule {
            trigger: civicbridge::regulation::Trigger::ReportMissing,
            legal_basis: String::new(),
            threshold: Some(2023),
            window_days: None,
            enabled: true,
        },
        None,
        NOW,
    )
    .await
    .expect("report rule");
    let c = &state.config.credit;
    let r = &state.config.regulation;
    let t = Instant::now();
    let first = civicbridge::regulation::evaluate_credit(&db, c, r, NOW)
        .await
        .expect("first run");
    let first_s = t.elapsed().as_secs_f64();
    println!("daily credit run, first (notices): {first_s:.2} s — {first:?}");
    let t = Instant::now();
    let again = civicbridge::regulation::evaluate_credit(&db, c, r, NOW + 60)
        .await
        .expect("second run");
    println!(
        "daily credit run, steady state: {:.2} s — {again:?}",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let z = civicbridge::regulation::detect_zombies(&db, c, r, None, NOW + 120)
        .await
        .expect("zombies");
    println!(
        "zombie detection: {:.2} s — {z:?}",
        t.elapsed().as_secs_f64()
    );
    println!(
        "target ≤ 10 s for the daily credit run: {}",
        if first_s <= 10.0 { "met" } else { "NOT met" }
    );
    lookups(&state, &db).await;
}

/// The public credit lookup `/credit?q=…` through the real router, after the engine run (so
/// the lists hold their notices and listings): by a full name, by a part of a name (many
/// hits, one page), and by USCC, each over `LOOKUPS` (default 300) organizations spread
/// over the registry; p50, p95, p99 and max.
async fn lookups(state: &civicbridge::web::AppState, db: &sea_orm::DatabaseConnection) {
    let n: usize = std::env::var("LOOKUPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let total = scalar(db, "SELECT COUNT(*) FROM organizations")
        .await
        .max(1);
    let step = (total / n as i64).max(1);
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT name, uscc FROM organizations WHERE id % {step} = 1 ORDER BY id LIMIT {n}"
            ),
        ))
        .await
        .expect("sample");
    let sample: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get_by_index::<String>(0).expect("name"),
                r.try_get_by_index::<String>(1).expect("uscc"),
            )
        })
        .collect();
    let router = civicbridge::app::router(state.clone());
    let get = |q: String| {
        let router = router.clone();
        async move {
            let path = format!(
                "/credit?q={}",
                percent_encoding::utf8_percent_encode(&q, percent_encoding::NON_ALPHANUMERIC)
            );
            let t = Instant::now();
            let res = router
                .oneshot(Request::get(&path).body(Body::empty()).expect("request"))
                .await
                .expect("response");
            let status = res.status();
            let bytes = res.into_body().collect().await.expect("body").to_bytes();
            assert!(status.is_success(), "{path}: {status}");
            (t.elapsed().as_secs_f64() * 1000.0, bytes.len())
        }
    };
    println!(
        "public credit lookup over {total} organizations, {} queries per kind:",
        sample.len()
    );
    println!("| `/credit?q=` | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    type Pick = fn(&(String, String)) -> String;
    let kinds: [(&str, Pick); 3] = [
        ("full name", |x| x.0.clone()),
        ("part of a name (first 4 characters)", |x| {
            x.0.chars().take(4).collect()
        }),
        ("USCC", |x| x.1.clone()),
    ];
    for (label, pick) in kinds {
        if let Some(x) = sample.first() {
            get(pick(x)).await; // warm-up
        }
        let mut times = Vec::with_capacity(sample.len());
        for x in &sample {
            times.push(get(pick(x)).await.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let at =
            |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
        println!(
            "| {label} | {:.2} | {:.2} | {:.2} | {:.2} |",
            at(0.50),
            at(0.95),
            at(0.99),
            times.last().copied().unwrap_or_default()
        );
    }
}
