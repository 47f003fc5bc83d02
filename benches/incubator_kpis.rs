//! The regulators' KPI roll-up over 50 incubators × 2,000 tenants × 5 years of services
//! (issue 12: target ≤ 200 ms for the regulator page). Fills a fresh database in bulk SQL —
//! 100,000 applications and tenants (half registered organizations), 13,000 trainings with
//! 260,000 attendances, 1,000,000 guidance sessions, 5,000 desks with 100,000 allocations —
//! then times `incubators::kpis::rollup` for one quarter (every figure of every incubator:
//! the grouped queries of incubators, spaces, contracts and regulation) and the pure
//! roll-up by level and league/city, with Criterion. `cargo bench --bench incubator_kpis`
//! (SQLite in a temporary directory) or `DATABASE_URL=postgres://…/empty_db cargo bench
//! --bench incubator_kpis`; `TENANTS=200` per incubator for a smaller run.

use std::hint::black_box;
use std::time::Instant;

use civicbridge::incubators::kpis::{self, rules};
use civicbridge::kernel::clock::Clock;
use civicbridge::web::config::Config;
use criterion::Criterion;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

const NOW: i64 = 1_795_780_800;
const DAY: i64 = 86_400;
const INCUBATORS: i64 = 50;
const LEAGUES: [&str; 12] = [
    "150100", "150200", "150300", "150400", "150500", "150600", "150700", "150800", "150900",
    "152200", "152500", "152900",
];

async fn scalar(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("row")
        .try_get_by_index::<i64>(0)
        .expect("integer")
}

/// The largest id in a table (0 when empty).
async fn max_id(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    scalar(
        db,
        &format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}"),
    )
    .await
}

fn series(pg: bool, n: i64) -> String {
    if pg {
        format!("SELECT generate_series(0::bigint, {}::bigint) AS i", n - 1)
    } else {
        format!(
            "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {}) SELECT i FROM s",
            n - 1
        )
    }
}

async fn fill(db: &sea_orm::DatabaseConnection, pg: bool, per: i64) {
    let user = scalar(db, "SELECT MIN(id) FROM users").await;
    let (o0, on) = (
        scalar(db, "SELECT MIN(id) FROM organizations").await,
        scalar(db, "SELECT COUNT(*) FROM organizations").await,
    );
    // The seed made demo incubators, tenants and spaces: the bench's rows continue after them.
    let bi = max_id(db, "incubators").await;
    let ba = max_id(db, "incubator_applications").await;
    let bt = max_id(db, "incubator_tenants").await;
    let btr = max_id(db, "incubator_trainings").await;
    let bg = max_id(db, "incubator_guidance").await;
    let br = max_id(db, "space_resources").await;
    let bal = max_id(db, "space_allocations").await;
    let values: Vec<String> = (1..=INCUBATORS)
        .map(|i| {
            let (level, league) = match i % 3 {
                0 => ("region", "NULL".to_string()),
                1 => ("league_city", format!("'{}'", LEAGUES[(i % 12) as usize])),
                _ => ("banner_county", format!("'{}'", LEAGUES[(i % 12) as usize])),
            };
            let division = if league == "NULL" {
                "'150000'".to_string()
            } else {
                league.clone()
            };
            format!(
                "({}, 'bench incubator {i}', '{level}', {division}, {league}, NULL, NULL, NULL, \
                 'address', 'services', {per}, 0, 0)",
                bi + i
            )
        })
        .collect();
    db.execute_unprepared(&format!(
        "INSERT INTO incubators (id, name, level, division_code, league_code, county_code, \
         operator_org_id, operator_unit_id, address, services, capacity, created_at, updated_at) \
         VALUES {}",
        values.join(", ")
    ))
    .await
    .expect("incubators");
    let start = NOW - 5 * 365 * DAY;
    let span = 5 * 365 * DAY;
    let n = INCUBATORS * per;
    // Tenant i belongs to incubator 1 + i / per; admitted over the five years; one in ten
    // graduated, one in twenty exited; even ones are registered organizations.
    db.execute_unprepared(&format!(
        "INSERT INTO incubator_applications (id, incubator_id, applicant_id, org_id, name, uscc, \
         founders, domain, plan, state, reason, created_at, updated_at, submitted_at) \
         SELECT {ba} + 1 + i, {bi} + 1 + i / {per}, {user}, CASE WHEN i % 2 = 0 THEN {o0} + i % {on} ELSE NULL END, \
         'group', NULL, '', 'elderly', 'plan', 'admitted', NULL, 0, 0, {start} + (i * 7919) % {span} \
         FROM ({s}) AS g",
        s = series(pg, n)
    ))
    .await
    .expect("applications");
    db.execute_unprepared(&format!(
        "INSERT INTO incubator_tenants (id, incubator_id, application_id, org_id, name, state, \
         admitted_at, ended_at) \
         SELECT {bt} + 1 + i, {bi} + 1 + i / {per}, {ba} + 1 + i, CASE WHEN i % 2 = 0 THEN {o0} + i % {on} ELSE NULL END, \
         'tenant', CASE WHEN i % 10 = 0 THEN 'graduated' WHEN i % 20 = 5 THEN 'exited' ELSE 'resident' END, \
         {start} + (i * 7919) % {span}, \
         CASE WHEN i % 10 = 0 OR i % 20 = 5 THEN {start} + (i * 7919) % {span} + 200 * {DAY} ELSE NULL END \
         FROM ({s}) AS g",
        s = series(pg, n)
    ))
    .await
    .expect("tenants");
    // A training a week per incubator for five years, 20 tenants attending each.
    let weeks = 5 * 52;
    db.execute_unprepared(&format!(
        "INSERT INTO incubator_trainings (id, incubator_id, topic, trainer, held_at, minutes, \
         created_by, created_at) \
         SELECT {btr} + 1 + i, {bi} + 1 + i / {weeks}, 'topic', 'trainer', {start} + (i % {weeks}) * 7 * {DAY}, 120, NULL, 0 \
         FROM ({s}) AS g",
        s = series(pg, INCUBATORS * weeks)
    ))
    .await
    .expect("trainings");
    db.execute_unprepared(&format!(
        "INSERT INTO incubator_training_attendance (training_id, tenant_id) \
         SELECT {btr} + 1 + i / 20, {bt} + 1 + ((i / 20) / {weeks}) * {per} + ((i / 20) * 20 + i % 20) % {per} \
         FROM ({s}) AS g",
        s = series(pg, INCUBATORS * weeks * 20)
    ))
    .await
    .expect("attendance");
    // Ten guidance sessions per tenant.
    db.execute_unprepared(&format!(
        "INSERT INTO incubator_guidance (id, tenant_id, incubator_id, mentor, topic, held_at, \
         minutes, notes, created_by, created_at) \
         SELECT {bg} + 1 + i, {bt} + 1 + i / 10, {bi} + 1 + (i / 10) / {per}, 'mentor', 'topic', \
         {start} + (i * 104729) % {span}, 60, '', NULL, 0 \
         FROM ({s}) AS g",
        s = series(pg, n * 10)
    ))
    .await
    .expect("guidance");
    // 100 desks per incubator, each held by 20 tenants in turn for 90 days.
    db.execute_unprepared(&format!(
        "INSERT INTO space_resources (id, incubator_id, name, kind, capacity, opens_min, \
         closes_min, advance_days, cancel_hours, created_at, updated_at) \
         SELECT {br} + 1 + i, {bi} + 1 + i / 100, 'desk', 'desk', 1, 480, 1080, 14, 2, 0, 0 FROM ({s}) AS g",
        s = series(pg, INCUBATORS * 100)
    ))
    .await
    .expect("resources");
    let slots = (per / 100).max(1);
    db.execute_unprepared(&format!(
        "INSERT INTO space_allocations (id, resource_id, tenant_id, starts_at, ends_at, state, \
         created_by, created_at, updated_at) \
         SELECT {bal} + 1 + i, {br} + 1 + i / {slots}, {bt} + 1 + ((i / {slots}) / 100) * {per} + i % {per}, \
         {start} + (i % {slots}) * 91 * {DAY}, {start} + (i % {slots}) * 91 * {DAY} + 90 * {DAY}, \
         'active', NULL, 0, 0 FROM ({s}) AS g",
        s = series(pg, INCUBATORS * 100 * slots)
    ))
    .await
    .expect("allocations");
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes bench binaries; this is not a test.
    }
    let per: i64 = std::env::var("TENANTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        database_url: std::env::var("DATABASE_URL").ok(),
        ..Config::default()
    };
    let state = rt
        .block_on(civicbridge::app::init(config, Clock::fixed(NOW)))
        .expect("init");
    let db = state.db.clone();
    let pg = db.get_database_backend() == DatabaseBackend::Postgres;
    println!(
        "backend: {}, incubators: {INCUBATORS}, tenants each: {per}",
        if pg { "PostgreSQL" } else { "SQLite" }
    );
    rt.block_on(async {
        civicbridge::app::seed::run(&db, &state.clock, 1_000, 1, false)
            .await
            .expect("seed users and organizations");
        let t = Instant::now();
        fill(&db, pg, per).await;
        println!("bulk load: {:.1} s", t.elapsed().as_secs_f64());
        for table in [
            "incubator_tenants",
            "incubator_training_attendance",
            "incubator_guidance",
            "space_allocations",
        ] {
            println!(
                "{table}: {}",
                scalar(&db, &format!("SELECT COUNT(*) FROM {table}")).await
            );
        }
    });
    let quarter = rules::Quarter { year: 2025, q: 2 };
    let rollup = || {
        rt.block_on(kpis::rollup(&db, quarter, None, None))
            .expect("roll-up")
    };
    let rows = rollup();
    // The bench's incubators and the seed's demo ones.
    assert!(rows.len() as i64 >= INCUBATORS, "{} rows", rows.len());
    let total = rules::total(&rows);
    println!(
        "{}: residents {}, service hours {}, occupancy {:?} bp",
        quarter.label(),
        total.residents,
        rules::minutes_hours(total.service_minutes()),
        total.occupancy_bp()
    );
    let mut times: Vec<f64> = (0..30)
        .map(|_| {
            let t = Instant::now();
            black_box(rollup());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "roll-up of every incubator's quarter: p50 {:.1} ms, max {:.1} ms",
        times[15], times[29]
    );
    let mut c = Criterion::default().sample_size(20).configure_from_args();
    c.bench_function("incubator_kpis_rollup_quarter", |b| {
        b.iter(|| black_box(rollup()))
    });
    c.bench_function("incubator_kpis_group_by_level_and_league", |b| {
        b.iter(|| {
            let by_level = rules::group_by(black_box(&rows), |r| Some(r.level.clone()));
            let by_league = rules::group_by(black_box(&rows), |r| r.league.clone());
            (by_level, by_league)
        })
    });
    c.final_summary();
}
