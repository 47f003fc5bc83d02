//! Bid burst: 2,000 bid submissions from 200 concurrent clients across 50 tenders, over HTTP
//! on loopback against the server running in this (release) process, on SQLite by default or
//! PostgreSQL with `DATABASE_URL`. Reports throughput, latency percentiles and proves from the
//! database that no acknowledged bid was lost and none was accepted late.
//!
//! `cargo bench --bench bid_burst` (SQLite in a temporary directory) or
//! `DATABASE_URL=postgres://postgres@127.0.0.1:5432/cb_bench cargo bench --bench bid_burst`.

use std::time::Instant;

use civicbridge::accounts::OrgRole;
use civicbridge::kernel::Lang;
use civicbridge::kernel::clock::Clock;
use civicbridge::procurement::{self, rules};
use civicbridge::web::config::Config;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sea_orm::{ConnectionTrait, Statement};

const TENDERS: usize = 50;
const CLIENTS: usize = 200;
const BIDS_PER_CLIENT: usize = 10;
const PASSWORD: &str = "bench-password";

#[path = "common/http.rs"]
mod session_http;
use session_http::{Http, Session, percentile, send};

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
    // Set-up (not measured): a unit and buyer, 50 published tenders, 200 eligible
    // organizations each with an administrator.
    let hash = civicbridge::accounts::hash_password(PASSWORD).unwrap();
    let buyer = civicbridge::accounts::create_user(
        &db,
        &format!("buyer-{now}@bench.test"),
        &hash,
        "buyer",
        &[],
        now,
    )
    .await
    .unwrap()
    .id;
    let unit = civicbridge::units::model::create(
        &db,
        &civicbridge::units::rules::draft(&format!("压测民政局{now}"), "150100").unwrap(),
        now,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(&db, unit, buyer, now)
        .await
        .unwrap();
    let deadline = now + 3600;
    let mut tenders = Vec::new();
    for i in 0..TENDERS {
        let f = rules::TenderForm {
            unit_id: unit.to_string(),
            title: format!("压测服务项目{i}"),
            description: "用于测量投标提交吞吐量的服务项目。".into(),
            domain: "elderly".into(),
            t_league: "150100".into(),
            budget: "1000000".into(),
            method: "competitive_negotiation".into(),
            eval_method: "lowest_price".into(),
            enquiry_deadline: rules::format_local(deadline - 1800),
            bid_deadline: rules::format_local(deadline),
            contract_months: "12".into(),
            milestone_name: vec!["全部".into()],
            milestone_percent: vec!["100".into()],
            ..Default::default()
        };
        let d = rules::validate_tender(&f, &[unit], now, &Default::default(), Lang::Zh)
            .expect("tender");
        let id = procurement::create_draft(&db, &d, buyer, now)
            .await
            .unwrap();
        let t = procurement::get(&db, id).await.unwrap().unwrap();
        procurement::publish(&db, &t, &Default::default(), buyer, now)
            .await
            .unwrap()
            .unwrap();
        tenders.push(id);
    }
    let mut users = Vec::new();
    for n in 0..CLIENTS {
        let email = format!("bidder{n}-{now}@bench.test");
        let uid = civicbridge::accounts::create_user(&db, &email, &hash, "bidder", &[], now)
            .await
            .unwrap()
            .id;
        let form = civicbridge::orgs::rules::OrgForm {
            name: format!("压测社会工作服务中心{n}"),
            uscc: civicbridge::orgs::rules::make_uscc(
                '5',
                '2',
                "150102",
                &format!("MJ{:07}", now % 1000 * 1000 + n as i64),
            )
            .unwrap(),
            kind: "social_service_agency".into(),
            registration_date: "2015-01-01".into(),
            authority_level: "banner_county".into(),
            div_league: "150100".into(),
            div_county: "150102".into(),
            domains: vec!["elderly".into()],
            staff_count: "10".into(),
            contact_name: "张三".into(),
            contact_phone: "0471-1234567".into(),
            ..Default::default()
        };
        let d = civicbridge::orgs::rules::validate_org(&form, state.clock.today(), Lang::Zh)
            .expect("org");
        let org = civicbridge::orgs::create(&db, &d, uid, now).await.unwrap();
        // Verified, as a regulator would: unverified organizations may not bid.
        civicbridge::orgs::model::set_verification(
            &db,
            org,
            civicbridge::orgs::Verification::Verified,
        )
        .await
        .unwrap();
        civicbridge::orgs::model::set_member(&db, org, uid, OrgRole::Admin, now)
            .await
            .unwrap();
        users.push((email, org));
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
        .pool_max_idle_per_host(CLIENTS)
        .build_http();
    let mut sessions = Vec::new();
    for (email, org) in &users {
        sessions.push((Session::login(&http, &base, email, PASSWORD).await, *org));
    }
    // The burst.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, (s, org)) in sessions.into_iter().enumerate() {
        let http = http.clone();
        let tenders = tenders.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for k in 0..BIDS_PER_CLIENT {
                let tender = tenders[(i * BIDS_PER_CLIENT + k) % TENDERS];
                let form = serde_urlencoded::to_string([
                    ("org_id", org.to_string()),
                    ("price", format!("{}", 500_000 + i * 10 + k)),
                    (
                        "proposal",
                        "本机构将组建专业团队按月提供服务并提交服务记录。".to_string(),
                    ),
                    ("_csrf", s.csrf.clone()),
                ])
                .unwrap();
                let t0 = Instant::now();
                let (status, _, body) =
                    send(&http, s.post(&format!("/tenders/{tender}/bid"), form)).await;
                let ok = (status == 200 || status == 303) && !body.contains("form-errors");
                out.push((t0.elapsed(), ok, tender, org));
            }
            out
        }));
    }
    let mut lat = Vec::new();
    let mut acknowledged = std::collections::HashSet::new();
    for t in tasks {
        for (d, ok, tender, org) in t.await.unwrap() {
            lat.push(d);
            if ok {
                acknowledged.insert((tender, org));
            }
        }
    }
    let elapsed = started.elapsed();
    lat.sort();
    let stored = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT COUNT(*) AS n, COALESCE(MAX(submitted_at), 0) AS last FROM bids WHERE tender_id IN ({})",
                tenders.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(",")
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    let n_stored: i64 = stored.try_get("", "n").unwrap();
    let last: i64 = stored.try_get("", "last").unwrap();
    let total = CLIENTS * BIDS_PER_CLIENT;
    println!("bid burst on {backend}: {total} submissions, {CLIENTS} clients, {TENDERS} tenders");
    println!("  elapsed        {:.2} s", elapsed.as_secs_f64());
    println!(
        "  throughput     {:.0} bids/s",
        total as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  latency p50    {:.1} ms",
        percentile(&lat, 0.50).as_secs_f64() * 1000.0
    );
    println!(
        "  latency p99    {:.1} ms",
        percentile(&lat, 0.99).as_secs_f64() * 1000.0
    );
    println!(
        "  latency max    {:.1} ms",
        lat.last().unwrap().as_secs_f64() * 1000.0
    );
    println!("  acknowledged   {}", acknowledged.len());
    println!("  stored         {n_stored}");
    println!(
        "  lost           {}",
        acknowledged.len() as i64 - n_stored.min(acknowledged.len() as i64)
    );
    println!("  accepted late  {}", i64::from(last >= deadline));
    assert_eq!(
        acknowledged.len() as i64,
        n_stored,
        "every acknowledged bid is stored, nothing else"
    );
    assert_eq!(
        acknowledged.len(),
        total,
        "every submission before the deadline is accepted"
    );
}
