//! The `/brands` gallery with 10,000 brand projects and their thumbnails (issue 14: target
//! p99 ≤ 30 ms on the release build), and thumbnail generation throughput through the shared
//! image pipeline (`kernel::photos::process`, the one every upload goes through).
//!
//! Fills a fresh database (the demo seed's organizations, then the brands, their places and
//! one photo each in bulk SQL), generates `THUMBS` distinct photos' renditions (timed:
//! images/s on one thread and on every core) and writes a rendition pair for every brand's
//! photo row under the data directory, then times requests through the real router: the
//! gallery, a filtered gallery, a deep page, a brand page and a thumbnail — p50/p99 of
//! sequential requests and req/s with `CONCURRENCY` requests in flight.
//!
//! `cargo bench --bench brands_gallery` (SQLite in a temporary directory) or
//! `DATABASE_URL=postgres://…/empty_db cargo bench --bench brands_gallery`;
//! `BRANDS=1000` for a smaller run, `THUMBS=` distinct photos to process (default: one per
//! brand), `ORGS=` organizations to spread them over (default 1,000), `CONCURRENCY=`
//! (default 8).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use civicbridge::kernel::clock::Clock;
use civicbridge::regions::{Level, regions};
use civicbridge::web::config::Config;
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use tower::ServiceExt;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

async fn ids(db: &sea_orm::DatabaseConnection, sql: &str) -> Vec<i64> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).expect("integer"))
        .collect()
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes bench binaries; this is not a test.
    }
    let n = env("BRANDS", 10_000).max(1);
    let thumbs = env("THUMBS", n).clamp(1, n);
    let concurrency = env("CONCURRENCY", 8).max(1) as usize;
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
        "backend: {}, brands: {n}, distinct photos processed: {thumbs}, profile: {}",
        if pg { "PostgreSQL" } else { "SQLite" },
        if cfg!(debug_assertions) {
            "dev"
        } else {
            "release"
        }
    );
    let t = Instant::now();
    civicbridge::app::seed::run(&db, &state.clock, env("ORGS", 1_000), 1, false)
        .await
        .expect("seed organizations");
    println!("demo seed: {:.1} s", t.elapsed().as_secs_f64());
    let orgs = ids(
        &db,
        "SELECT id FROM organizations WHERE registration_status = 'active' ORDER BY id",
    )
    .await;
    let counties: Vec<(String, String)> = regions()
        .of_level(Level::BannerCounty)
        .filter_map(|d| Some((d.code.clone(), regions().league_of(&d.code)?.code.clone())))
        .collect();
    let domains: Vec<&str> = civicbridge::orgs::DOMAINS
        .iter()
        .map(|(c, _, _)| *c)
        .collect();

    // Brands, places and photo rows in bulk, 500 rows a statement.
    let t = Instant::now();
    let base = 1_000_000i64;
    let now = state.clock.now();
    let keys: Vec<String> = (0..n)
        .map(|_| civicbridge::kernel::photos::new_key())
        .collect();
    for chunk in (0..n as i64).collect::<Vec<_>>().chunks(500) {
        let mut brands = Vec::new();
        let mut places = Vec::new();
        let mut photos = Vec::new();
        for &i in chunk {
            let id = base + i;
            let (county, league) = &counties[i as usize % counties.len()];
            let domain = domains[i as usize % domains.len()];
            brands.push(format!(
                "({id}, {}, {}, {}, {}, {}, {}, {}, NULL, {}, {})",
                orgs[i as usize % orgs.len()],
                q(&format!("社区服务品牌项目{i:05}")),
                q(domain),
                2010 + i % 15,
                100 + (i * 37) % 5000,
                q("街道办事处、社区居委会"),
                q("项目扎根社区，持续为居民提供专业服务，成效经第三方评估。"),
                now - i,
                now - i,
            ));
            places.push(format!("({id}, {}, {})", q(county), q(league)));
            photos.push(format!(
                "({id}, {id}, {}, 640, 420, NULL, {now})",
                q(&keys[i as usize])
            ));
        }
        for (table, cols, rows) in [
            (
                "brands",
                "id, org_id, name, domain, started_year, beneficiaries_per_year, partners, story, created_by, created_at, updated_at",
                brands,
            ),
            (
                "brand_places",
                "brand_id, division_code, league_code",
                places,
            ),
            (
                "brand_photos",
                "id, brand_id, file_key, width, height, created_by, created_at",
                photos,
            ),
        ] {
            db.execute_unprepared(&format!(
                "INSERT INTO {table} ({cols}) VALUES {}",
                rows.join(", ")
            ))
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        }
    }
    println!(
        "bulk load of {n} brands: {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // Thumbnail generation through the shared pipeline: one thread, then every core.
    let sources: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..thumbs as u32)
            .map(civicbridge::app::seed::brands::demo_photo)
            .collect(),
    );
    let t = Instant::now();
    let mut renditions = Vec::with_capacity(thumbs as usize);
    for s in sources.iter() {
        renditions.push(civicbridge::kernel::photos::process(s).expect("a demo photo processes"));
    }
    let one = t.elapsed().as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let t = Instant::now();
    std::thread::scope(|s| {
        for c in 0..cores {
            let sources = sources.clone();
            s.spawn(move || {
                for src in sources.iter().skip(c).step_by(cores) {
                    civicbridge::kernel::photos::process(src).expect("processes");
                }
            });
        }
    });
    let all = t.elapsed().as_secs_f64();
    println!(
        "thumbnail generation (decode, orient, 1280 px large + 320 px thumbnail, two JPEG encodes): \
         {:.1} images/s on one thread, {:.1} images/s on {cores} threads ({} source bytes each)",
        thumbs as f64 / one,
        thumbs as f64 / all,
        sources[0].len()
    );
    let t = Instant::now();
    for (i, key) in keys.iter().enumerate() {
        civicbridge::kernel::photos::write(
            &state.config.data_dir,
            civicbridge::brands::PHOTO_FOLDER,
            key,
            &renditions[i % renditions.len()],
        )
        .await
        .expect("write renditions");
    }
    println!(
        "renditions written for {n} photos: {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let router = civicbridge::app::router(state.clone());
    let get = move |path: String| {
        let router = router.clone();
        async move {
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
    let last_page = (n + 40).div_ceil(civicbridge::brands::rules::PAGE_SIZE);
    let mid = base + n as i64 / 2;
    let paths = [
        "/brands".to_string(),
        "/brands?league=150100&domain=elderly".to_string(),
        "/brands?sort=reach&year=2015".to_string(),
        format!("/brands?sort=name&page={}", last_page / 2),
        format!("/brands/{mid}"),
        format!("/brands/{mid}/photos/{mid}/thumb"),
    ];
    let rounds = env("REQUESTS", 200) as usize;
    println!("| request | p50 ms | p99 ms | max ms | req/s ({concurrency} in flight) | bytes |");
    println!("|---|---|---|---|---|---|");
    for path in paths {
        get(path.clone()).await; // warm-up
        let mut times = Vec::with_capacity(rounds);
        let mut size = 0;
        for _ in 0..rounds {
            let (ms, len) = get(path.clone()).await;
            times.push(ms);
            size = len;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let t = Instant::now();
        let per = rounds.div_ceil(concurrency);
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let get = get.clone();
            let path = path.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..per {
                    get(path.clone()).await;
                }
            }));
        }
        for task in tasks {
            task.await.expect("task");
        }
        let rps = (per * concurrency) as f64 / t.elapsed().as_secs_f64();
        println!(
            "| `{path}` | {:.1} | {:.1} | {:.1} | {rps:.0} | {size} |",
            pct(&times, 0.5),
            pct(&times, 0.99),
            times[times.len() - 1],
        );
    }
}
