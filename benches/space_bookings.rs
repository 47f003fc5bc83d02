//! Booking burst (issue 12): 200 concurrent booking requests from 20 tenants for 20 shared
//! rooms over one week, over HTTP on loopback against the server running in this (release)
//! process, on SQLite by default or PostgreSQL with `DATABASE_URL`. Half the requests
//! overlap another one for the same room and day on purpose (09:00–10:30 against
//! 10:00–11:30), so exactly one of each pair may win. Reports throughput and latency
//! percentiles (target p99 ≤ 100 ms) and proves from the database that no two active
//! bookings of a room overlap, that every acknowledged booking is stored and nothing else.
//! Two bursts: the first on a server that has just started (its pool grows during the burst,
//! nothing is prepared yet), the second, on other days, right after it on the same server,
//! warm as one that has been serving; both are reported and both must hold the rules.
//!
//! `cargo bench --bench space_bookings` (SQLite in a temporary directory) or
//! `DATABASE_URL=postgres://postgres@127.0.0.1:5432/cb_bench cargo bench --bench space_bookings`
//! (an empty database: the migrations run first).

use std::time::Instant;

use civicbridge::incubators::{self, rules as irules};
use civicbridge::kernel::Lang;
use civicbridge::kernel::clock::Clock;
use civicbridge::spaces::rules::{ResourceDraft, ResourceKind};
use civicbridge::web::config::Config;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sea_orm::{ConnectionTrait, Statement};

const ROOMS: usize = 20;
const TENANTS: usize = 20;
const REQUESTS: usize = 200;
const PASSWORD: &str = "bench-password";

#[path = "common/http.rs"]
mod session_http;
use session_http::{Http, Session, percentile, send};

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
        return; // `cargo test --benches` probes bench binaries; the burst is not a test.
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        database_url: std::env::var("DATABASE_URL").ok(),
        login_max_failures_per_ip: 1_000_000,
        ..Config::default()
    };
    let backend = if config.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let state = civicbridge::app::init(config, Clock::System)
        .await
        .expect("init");
    let db = state.db.clone();
    let now = state.clock.now();
    // Set-up (not measured): an incubator with a manager, 20 shared rooms and 20 tenants in
    // residence (groups in preparation, each founded by a user who books).
    let hash = civicbridge::accounts::hash_password(PASSWORD).unwrap();
    let admin = civicbridge::accounts::create_user(
        &db,
        &format!("admin-{now}@bench.test"),
        &hash,
        "admin",
        &[civicbridge::accounts::Role::Admin],
        now,
    )
    .await
    .unwrap()
    .id;
    let manager = civicbridge::accounts::create_user(
        &db,
        &format!("manager-{now}@bench.test"),
        &hash,
        "manager",
        &[civicbridge::accounts::Role::IncubatorManager],
        now,
    )
    .await
    .unwrap()
    .id;
    let d = irules::validate_incubator(
        &irules::IncubatorForm {
            name: format!("压测孵化基地{now}"),
            i_league: "150100".into(),
            address: "呼和浩特市新城区".into(),
            services: "共享会议室".into(),
            capacity: "100".into(),
            ..Default::default()
        },
        &[],
        Lang::Zh,
    )
    .expect("incubator");
    let inc_id = incubators::save_incubator(&db, None, &d, admin, now)
        .await
        .unwrap()
        .unwrap();
    let inc = incubators::get(&db, inc_id).await.unwrap().unwrap();
    incubators::set_manager(&db, &inc, manager, true, admin, now)
        .await
        .unwrap()
        .unwrap();
    let mut rooms = Vec::new();
    for n in 0..ROOMS {
        let r = ResourceDraft {
            name: format!("会议室{n:02}"),
            kind: ResourceKind::Shared,
            capacity: 20,
            opens_min: 8 * 60,
            closes_min: 20 * 60,
            advance_days: 30,
            cancel_hours: 2,
        };
        rooms.push(
            civicbridge::spaces::add_resource(&db, inc_id, &r, manager, now)
                .await
                .unwrap(),
        );
    }
    let mut emails = Vec::new();
    for n in 0..TENANTS {
        let email = format!("tenant{n}-{now}@bench.test");
        let uid = civicbridge::accounts::create_user(&db, &email, &hash, "tenant", &[], now)
            .await
            .unwrap()
            .id;
        let app_id = incubators::apply(
            &db,
            &inc,
            uid,
            &irules::ApplicationDraft {
                applicant: irules::Applicant::Group,
                name: format!("压测志愿团队{n}"),
                founders: "张三".into(),
                domain: "elderly".into(),
                plan: "社区探访。".into(),
                submit: true,
            },
            now,
        )
        .await
        .unwrap()
        .unwrap();
        for step in [irules::Step::Review, irules::Step::Admit] {
            let a = incubators::model::application(&db, app_id)
                .await
                .unwrap()
                .unwrap();
            incubators::take_step(&db, &inc, &a, step, "", manager, now)
                .await
                .unwrap()
                .unwrap();
        }
        emails.push(email);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = civicbridge::app::router(state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let http: Http = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(REQUESTS)
        .build_http();
    let mut sessions = Vec::new();
    for email in &emails {
        sessions.push(std::sync::Arc::new(
            Session::login(&http, &base, email, PASSWORD).await,
        ));
    }
    // Two bursts, each on five days of its own: the first on a server that has just started
    // (a pool of one connection that grows during the burst, nothing prepared, a fresh heap),
    // the second right after it on the same server, warm as one that has been serving is.
    let cold = burst(&http, &sessions, &rooms, 1).await;
    let warm = burst(&http, &sessions, &rooms, 8).await;
    let ids = rooms
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let stored = scalar(
        &db,
        &format!(
            "SELECT COUNT(*) FROM space_bookings WHERE state = 'active' AND resource_id IN ({ids})"
        ),
    )
    .await;
    // Every pair of active bookings of one room whose times intersect.
    let overlaps = scalar(
        &db,
        &format!(
            "SELECT COUNT(*) FROM space_bookings a JOIN space_bookings b \
             ON a.resource_id = b.resource_id AND a.id < b.id \
             AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at \
             WHERE a.state = 'active' AND b.state = 'active' AND a.resource_id IN ({ids})"
        ),
    )
    .await;
    println!(
        "booking bursts on {backend}: {REQUESTS} concurrent requests each, {TENANTS} tenants, {ROOMS} rooms, 5 days each"
    );
    for (name, b) in [
        ("cold (first burst)", &cold),
        ("warm (second burst)", &warm),
    ] {
        b.print(name);
    }
    println!("  stored         {stored}");
    println!("  overlaps       {overlaps}");
    let other: Vec<u16> = [&cold, &warm]
        .iter()
        .flat_map(|b| b.other.iter().copied())
        .collect();
    let acknowledged = cold.acknowledged + warm.acknowledged;
    for b in [&cold, &warm] {
        assert_eq!(
            b.acknowledged,
            (REQUESTS / 2) as i64,
            "one booking of each overlapping pair"
        );
    }
    assert!(other.is_empty(), "unexpected statuses: {other:?}");
    assert_eq!(overlaps, 0, "no two active bookings of a room overlap");
    assert_eq!(acknowledged, stored, "every acknowledged booking is stored");
}

/// One burst's outcome: latencies (sorted), answers by kind, wall time.
#[derive(Default)]
struct Burst {
    elapsed: std::time::Duration,
    lat: Vec<std::time::Duration>,
    acknowledged: i64,
    clashes: i64,
    other: Vec<u16>,
}

impl Burst {
    fn print(&self, name: &str) {
        println!("  {name}");
        println!("    elapsed        {:.3} s", self.elapsed.as_secs_f64());
        println!(
            "    throughput     {:.0} requests/s",
            REQUESTS as f64 / self.elapsed.as_secs_f64()
        );
        for (p_name, p) in [("p50", 0.50), ("p90", 0.90), ("p99", 0.99)] {
            println!(
                "    latency {p_name}    {:.1} ms",
                percentile(&self.lat, p).as_secs_f64() * 1000.0
            );
        }
        println!(
            "    latency max    {:.1} ms",
            self.lat.last().unwrap().as_secs_f64() * 1000.0
        );
        println!("    acknowledged   {}", self.acknowledged);
        println!("    refused (clash named) {}", self.clashes);
    }
}

/// Fires the 200 booking requests at once, on the five days from `first_day` days ahead in
/// Asia/Shanghai (within the rooms' advance window, in the future). Request j: room j % 20;
/// k = j / 20 picks the day (k % 5) and the slot (k < 5: 09:00–10:30, else 10:00–11:30,
/// overlapping the first) — 100 pairs, one winner each.
async fn burst(
    http: &Http,
    sessions: &[std::sync::Arc<Session>],
    rooms: &[i64],
    first_day: i64,
) -> Burst {
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+8))
        .date();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for j in 0..REQUESTS {
        let (room, k) = (rooms[j % ROOMS], j / ROOMS);
        let s = sessions[(j + k) % TENANTS].clone();
        let http = http.clone();
        let date = (today + time::Duration::days(first_day + (k % 5) as i64)).to_string();
        let (start, end) = if k < 5 {
            ("09:00", "10:30")
        } else {
            ("10:00", "11:30")
        };
        tasks.push(tokio::spawn(async move {
            let form = serde_urlencoded::to_string([
                ("date", date.as_str()),
                ("start", start),
                ("end", end),
                ("attendees", "5"),
                ("purpose", "项目例会"),
                ("_csrf", s.csrf.as_str()),
            ])
            .unwrap();
            let t0 = Instant::now();
            let (status, _, body) =
                send(&http, s.post(&format!("/space/{room}/bookings"), form)).await;
            (t0.elapsed(), status, body)
        }));
    }
    let mut b = Burst::default();
    for t in tasks {
        let (d, status, body) = t.await.unwrap();
        b.lat.push(d);
        match status {
            303 => b.acknowledged += 1,
            422 if body.contains("冲突") => b.clashes += 1,
            s => b.other.push(s),
        }
    }
    b.elapsed = started.elapsed();
    b.lat.sort();
    b
}
