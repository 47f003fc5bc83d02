//! OCDS open data at scale (issue 17): the yearly bulk files of 50,000 tenders, and the
//! release list under concurrent load.
//!
//! Set-up (not measured): 50,000 tenders' releases recorded through `opendata::record_in`,
//! the path every event takes — each tender published, opened with three bids, awarded and
//! signed, every second one with a paid milestone (4.5 releases a tender on average, ~225,000
//! releases), in transactions of 500 tenders, spread over two years.
//! Measured: (1) `opendata::write_bulk` writing every year's JSON Lines gzip file from
//! scratch (target ≤ 30 s on a 2-core machine, release build); (2) `GET
//! /api/v1/ocds/releases` with 100 releases a page, from 32 concurrent clients through the
//! application's router (first pages and deep cursors mixed), reporting throughput and
//! p50/p99.
//!
//! `cargo bench --bench ocds_bulk` (SQLite in a temporary directory), or with
//! `DATABASE_URL=postgres://…/empty_db`; `OCDS_TENDERS=2000` for a quick run.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use civicbridge::kernel::clock::Clock;
use civicbridge::opendata::{
    self, AwardFacts, BidFacts, ContractFacts, ContractStatus, MilestoneFacts, OrgFacts,
    PaymentFacts, Tag, TenderFacts,
};
use civicbridge::web::config::Config;
use http_body_util::BodyExt;
use rand::{Rng, SeedableRng};
use tower::ServiceExt;

const DAY: i64 = 86_400;
/// 2025-01-01 00:00 Asia/Shanghai.
const START: i64 = 1_735_660_800;
const CLIENTS: usize = 32;
const REQUESTS_PER_CLIENT: usize = 50;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn org(n: i64) -> OrgFacts {
    OrgFacts {
        id: n,
        name: format!("内蒙古社会工作服务中心{n}"),
        uscc: format!("52150102MJ{n:08}"),
    }
}

/// A tender's facts as its events would hand them over.
fn facts(i: i64, rng: &mut rand_chacha::ChaCha8Rng) -> TenderFacts {
    let published = START + (i * 104_729) % (700 * DAY);
    let budget = rng.random_range(5_000_000..500_000_000_i64);
    TenderFacts {
        id: i,
        title: format!("社区居家养老助餐服务项目（第{i}号）"),
        description: "为辖区60周岁以上独居、高龄老人提供助餐、送餐和每周探访，建立服务台账。"
            .into(),
        domain: "elderly".into(),
        domain_label: "养老服务".into(),
        unit_id: i % 60 + 1,
        unit_name: format!("呼和浩特市民政局{}", i % 60 + 1),
        budget_fen: budget,
        method: "open_tender".into(),
        method_label: "公开招标".into(),
        eval_method: "comprehensive".into(),
        eval_label: "综合评分法".into(),
        status: "active".into(),
        state_reason: String::new(),
        published_at: published,
        enquiry_deadline: published + 10 * DAY,
        bid_deadline: published + 20 * DAY,
        contract_months: 12,
        amendments: vec![],
        documents: vec![],
        bids: None,
        award: None,
        contract: None,
    }
}

async fn record_all(db: &sea_orm::DatabaseConnection, tenders: i64) -> usize {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
    let mut n = 0;
    let mut i = 1;
    while i <= tenders {
        let txn = civicbridge::kernel::db::begin_write(db).await.unwrap();
        for id in i..(i + 500).min(tenders + 1) {
            let mut f = facts(id, &mut rng);
            let t0 = f.published_at;
            opendata::record_in(&*txn, &f, Tag::Tender, t0)
                .await
                .unwrap();
            f.bids = Some(
                (0..3)
                    .map(|k| BidFacts {
                        id: id * 3 + k,
                        org: org((id * 7 + k) % 5_000),
                        price_fen: f.budget_fen - 100_000 * (k + 1),
                        submitted_at: t0 + DAY,
                        disqualified: false,
                    })
                    .collect(),
            );
            opendata::record_in(&*txn, &f, Tag::TenderUpdate, f.bid_deadline)
                .await
                .unwrap();
            let supplier = f.bids.as_ref().unwrap()[0].org.clone();
            let value = f.bids.as_ref().unwrap()[0].price_fen;
            f.status = "complete".into();
            f.award = Some(AwardFacts {
                id,
                supplier,
                value_fen: value,
                awarded_at: f.bid_deadline + 5 * DAY,
                standstill_ends_at: f.bid_deadline + 12 * DAY,
            });
            let mut c = ContractFacts {
                id,
                status: ContractStatus::Pending,
                value_fen: value,
                signed_at: None,
                ended_at: None,
                termination_reason: None,
                milestones: vec![
                    MilestoneFacts {
                        id: id * 2,
                        name: "启动".into(),
                        amount_fen: value / 2,
                        met: false,
                        met_at: None,
                    },
                    MilestoneFacts {
                        id: id * 2 + 1,
                        name: "结项".into(),
                        amount_fen: value - value / 2,
                        met: false,
                        met_at: None,
                    },
                ],
                payments: vec![],
            };
            f.contract = Some(c.clone());
            opendata::record_in(&*txn, &f, Tag::Award, f.bid_deadline + 5 * DAY)
                .await
                .unwrap();
            c.status = ContractStatus::Active;
            c.signed_at = Some(f.bid_deadline + 15 * DAY);
            f.contract = Some(c.clone());
            opendata::record_in(&*txn, &f, Tag::Contract, f.bid_deadline + 15 * DAY)
                .await
                .unwrap();
            n += 4;
            if id % 2 == 0 {
                c.milestones[0].met = true;
                c.milestones[0].met_at = Some(f.bid_deadline + 60 * DAY);
                c.payments.push(PaymentFacts {
                    id,
                    amount_fen: value / 2,
                    paid_on: "2026-03-01".into(),
                    at: f.bid_deadline + 61 * DAY,
                });
                f.contract = Some(c);
                opendata::record_in(&*txn, &f, Tag::Implementation, f.bid_deadline + 61 * DAY)
                    .await
                    .unwrap();
                n += 1;
            }
        }
        txn.commit().await.unwrap();
        i += 500;
    }
    n
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes bench binaries; this is not a test.
    }
    let tenders: i64 = std::env::var("OCDS_TENDERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        database_url: std::env::var("DATABASE_URL").ok(),
        // The clients all come from one address and would hit the anonymous API limit,
        // which is not what is measured (0 turns it off, as in CI's fuzzing).
        api_rate_limit: 0,
        ..Config::default()
    };
    let backend = if config.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let state = civicbridge::app::init(config, Clock::fixed(START + 800 * DAY))
        .await
        .expect("init");
    let db = state.db.clone();

    let started = Instant::now();
    let releases = record_all(&db, tenders).await;
    println!(
        "set-up: {tenders} tenders, {releases} releases recorded in {:.1} s ({backend})",
        started.elapsed().as_secs_f64()
    );

    // (1) The bulk files from scratch.
    let out = dir.path().join("bulk");
    let started = Instant::now();
    let years = opendata::write_bulk(&db, &out).await.expect("bulk");
    let secs = started.elapsed().as_secs_f64();
    let files = opendata::bulk_files(&out);
    let bytes: u64 = files.iter().map(|f| f.bytes).sum();
    let lines: i64 = files.iter().map(|f| f.releases).sum();
    assert_eq!(lines as usize, releases, "every release in the files");
    println!(
        "bulk: {} files ({years:?}), {lines} releases, {:.1} MiB gzip in {secs:.2} s \
         ({:.0} releases/s) — target ≤ 30 s for 50,000 tenders",
        files.len(),
        bytes as f64 / 1_048_576.0,
        lines as f64 / secs.max(1e-9)
    );
    // Unchanged data: the next round rewrites nothing.
    let started = Instant::now();
    assert!(opendata::write_bulk(&db, &out).await.unwrap().is_empty());
    println!(
        "bulk again, nothing changed: {:.3} s",
        started.elapsed().as_secs_f64()
    );

    // (2) The release list under load, through the router.
    let router = civicbridge::app::router(state.clone());
    let top = opendata::page(&db, None, None, 1).await.unwrap()[0].id;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let router = router.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(c as u64);
            let mut lat = Vec::with_capacity(REQUESTS_PER_CLIENT);
            for _ in 0..REQUESTS_PER_CLIENT {
                let uri = if rng.random_bool(0.3) {
                    "/api/v1/ocds/releases".to_string()
                } else {
                    format!(
                        "/api/v1/ocds/releases?cursor={}",
                        rng.random_range(1..=top.max(1))
                    )
                };
                let t = Instant::now();
                let res = router
                    .clone()
                    .oneshot(Request::builder().uri(&uri).body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK, "{uri}");
                res.into_body().collect().await.unwrap();
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let wall = started.elapsed();
    lat.sort();
    println!(
        "GET /api/v1/ocds/releases (100 a page), {CLIENTS} concurrent clients, {} requests in \
         {:.1} s: {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        wall.as_secs_f64(),
        lat.len() as f64 / wall.as_secs_f64(),
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3,
    );
}
