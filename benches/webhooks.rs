//! Webhook burst (issue 13): 1,000 Stripe webhook deliveries — 30% of them duplicates —
//! from 50 concurrent senders, over HTTP on loopback against the server running in this
//! (release) process, on SQLite by default or PostgreSQL with `DATABASE_URL` (an empty
//! database). 600 donations each get a `payment_intent.succeeded`, 100 of them also a
//! `charge.refunded` (700 distinct events); 300 replays of random ones are mixed in and the
//! lot shuffled, so replays of one event often race each other and a refund can come before
//! its success. A sender retries on anything but 200, as Stripe does. Reports throughput and
//! latency, then proves from the database: 0 double credits (one receipt number per donation,
//! the counter at exactly 600, each event stored once) and 0 lost (every donation credited,
//! every refund applied, the raised total exact). Signatures are made here with the
//! configured secret; nothing leaves the machine.
//!
//! `cargo bench --bench webhooks` (SQLite in a temporary directory) or
//! `DATABASE_URL=postgres://postgres@127.0.0.1:5432/cb_webhooks cargo bench --bench webhooks`.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use civicbridge::kernel::Lang;
use civicbridge::kernel::clock::Clock;
use civicbridge::kernel::money::Fen;
use civicbridge::payments::{self, PaymentSettings, model};
use civicbridge::web::config::Config;
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rand::SeedableRng;
use rand::seq::{IndexedRandom, SliceRandom};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};

const DONATIONS: usize = 600;
const REFUNDED: usize = 100;
const DELIVERIES: usize = 1_000;
const SENDERS: usize = 50;
const AMOUNT: i64 = 10_000;
const REFUND: i64 = 2_500;
const SECRET: &str = "whsec_bench";

type Http = Client<HttpConnector, Body>;

fn event(id: &str, kind: &str, object: serde_json::Value) -> String {
    serde_json::json!({ "id": id, "object": "event", "type": kind, "data": { "object": object } })
        .to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A qualified foundation with an open campaign for the demo's approved project.
async fn campaign(st: &civicbridge::web::AppState) -> (i64, model::Campaign) {
    let db = &st.db;
    let now = st.clock.now();
    let hash = civicbridge::accounts::hash_password("bench-password").unwrap();
    let user = |email: &'static str| {
        let hash = hash.clone();
        async move {
            civicbridge::accounts::create_user(db, email, &hash, "bench", &[], now)
                .await
                .unwrap()
                .id
        }
    };
    let (buyer, applicant, admin) = (
        user("buyer@bench.test").await,
        user("applicant@bench.test").await,
        user("foundation@bench.test").await,
    );
    let unit = civicbridge::units::model::create(
        db,
        // The demo calls belong to this unit, by name.
        &civicbridge::units::rules::draft("呼和浩特市民政局", "150100").unwrap(),
        now,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer, now)
        .await
        .unwrap();
    civicbridge::app::seed::calls::run(db, buyer, now)
        .await
        .unwrap();
    civicbridge::app::seed::proposals::run(db, applicant, buyer, now)
        .await
        .unwrap();
    use civicbridge::philanthropy::proposal_model::proposal;
    let project = proposal::Entity::find()
        .filter(proposal::Column::State.eq("approved"))
        .one(db)
        .await
        .unwrap()
        .expect("an approved demo proposal")
        .id;
    let form = civicbridge::orgs::rules::OrgForm {
        name: "压测慈善基金会".into(),
        uscc: civicbridge::orgs::rules::make_uscc('5', '3', "150102", "MJ0000013").unwrap(),
        kind: "foundation".into(),
        registration_date: "2015-01-01".into(),
        authority_level: "banner_county".into(),
        div_league: "150100".into(),
        div_county: "150102".into(),
        domains: vec!["elderly".into()],
        staff_count: "8".into(),
        contact_name: "王芳".into(),
        contact_phone: "0471-1234567".into(),
        ..Default::default()
    };
    let d = civicbridge::orgs::rules::validate_org(&form, st.clock.today(), Lang::Zh).expect("org");
    let org = civicbridge::orgs::create(db, &d, admin, now).await.unwrap();
    let q = payments::Qualification {
        certificate_no: "内民慈募〔2024〕第0013号".into(),
        valid_from: now - 86_400 * 365,
        bank_name: "中国工商银行呼和浩特新华支行".into(),
        account_name: "压测慈善基金会".into(),
        account_no: "0602001209200123456".into(),
    };
    payments::record_qualification(db, org, &q, admin, now)
        .await
        .unwrap()
        .unwrap();
    let draft = payments::CampaignDraft {
        proposal_id: project,
        goal: Fen(AMOUNT * DONATIONS as i64),
        plan_record_no: "53150000MJ00000132026001".into(),
        starts_at: now - 86_400,
        ends_at: now + 86_400 * 30,
    };
    let c = payments::open_campaign(db, org, &draft, admin, now)
        .await
        .unwrap()
        .expect("campaign");
    (org, c)
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
        payments: PaymentSettings {
            stripe_secret_key: Some("sk_test_bench".into()),
            webhook_secrets: vec![SECRET.into()],
            // Nothing listens there: a refund seen before its success asks Stripe, fails
            // at once, and the success that follows settles it.
            api_base: "http://127.0.0.1:9".into(),
            ..PaymentSettings::default()
        },
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
    // Set-up (not measured): the campaign and 600 donations with their PaymentIntents.
    let (org, c) = campaign(&state).await;
    let mut events = Vec::new();
    for i in 0..DONATIONS {
        let draft = payments::PledgeDraft {
            donor_name: format!("捐赠人{i}"),
            show_name: i % 2 == 0,
            amount: Fen(AMOUNT),
        };
        let d = payments::pledge(
            &db,
            &c,
            &draft,
            payments::GatewayKind::Stripe,
            &format!("bench{i:05}"),
            now,
        )
        .await
        .unwrap()
        .unwrap();
        let pi = format!("pi_bench{i:05}");
        model::set_intent(&db, d.id, Some((&pi, "secret")), now)
            .await
            .unwrap();
        events.push(event(
            &format!("evt_ok_{i}"),
            "payment_intent.succeeded",
            serde_json::json!({ "id": pi, "object": "payment_intent", "status": "succeeded",
                "amount": AMOUNT, "amount_received": AMOUNT }),
        ));
        if i < REFUNDED {
            events.push(event(
                &format!("evt_refund_{i}"),
                "charge.refunded",
                serde_json::json!({ "id": format!("ch_bench{i:05}"), "object": "charge",
                    "payment_intent": pi, "amount_refunded": REFUND }),
            ));
        }
    }
    let unique = events.len();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(13);
    let mut deliveries = events.clone();
    while deliveries.len() < DELIVERIES {
        deliveries.push(events.choose(&mut rng).unwrap().clone());
    }
    deliveries.shuffle(&mut rng);

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
        .pool_max_idle_per_host(SENDERS)
        .build_http();

    // The burst.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..SENDERS {
        let mine: Vec<String> = deliveries
            .iter()
            .skip(k)
            .step_by(SENDERS)
            .cloned()
            .collect();
        let (http, base) = (http.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut retries = 0u32;
            for body in mine {
                let t0 = Instant::now();
                loop {
                    let t = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_secs() as i64;
                    let sig = format!(
                        "t={t},v1={}",
                        payments::rules::sign(SECRET, t, body.as_bytes())
                    );
                    let req = Request::post(format!("{base}/webhooks/stripe"))
                        .header(header::CONTENT_TYPE, "application/json")
                        .header("stripe-signature", sig)
                        .body(Body::from(body.clone()))
                        .unwrap();
                    let res = http.request(req).await.expect("request");
                    let status = res.status().as_u16();
                    let _ = res.into_body().collect().await;
                    if status == 200 {
                        break;
                    }
                    retries += 1;
                    assert!(retries < 10_000, "a delivery never succeeded: {status}");
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                lat.push(t0.elapsed());
            }
            (lat, retries)
        }));
    }
    let mut lat = Vec::new();
    let mut retries = 0;
    for t in tasks {
        let (l, r) = t.await.unwrap();
        lat.extend(l);
        retries += r;
    }
    let elapsed = started.elapsed();
    lat.sort();

    // The proof, from the database.
    let ds = model::donations_of(&db, c.id).await.unwrap();
    let mut receipts: Vec<&str> = ds.iter().filter_map(|d| d.receipt_no.as_deref()).collect();
    let with_receipt = receipts.len();
    receipts.sort_unstable();
    receipts.dedup();
    let double_credits = with_receipt - receipts.len();
    let q = payments::qualification_of(&db, org).await.unwrap().unwrap();
    let credited = ds
        .iter()
        .filter(|d| payments::rules::counts(d.state()))
        .count();
    let refunds_applied = ds.iter().filter(|d| d.refunded_fen == REFUND).count();
    let stored_events: i64 = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM stripe_events",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap();
    let (raised, _) = payments::raised(&ds);
    let expected = Fen(AMOUNT * DONATIONS as i64 - REFUND * REFUNDED as i64);
    let lost = (DONATIONS - credited) + (REFUNDED - refunds_applied);

    println!(
        "webhook burst on {backend}: {DELIVERIES} deliveries ({} duplicates) of {unique} events, {SENDERS} senders",
        DELIVERIES - unique
    );
    println!("  elapsed          {:.2} s", elapsed.as_secs_f64());
    println!(
        "  throughput       {:.0} deliveries/s",
        DELIVERIES as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  latency p50      {:.1} ms (to a 200, retries included)",
        percentile(&lat, 0.50).as_secs_f64() * 1000.0
    );
    println!(
        "  latency p99      {:.1} ms",
        percentile(&lat, 0.99).as_secs_f64() * 1000.0
    );
    println!(
        "  latency max      {:.1} ms",
        lat.last().unwrap().as_secs_f64() * 1000.0
    );
    println!("  retried (409)    {retries}");
    println!("  events stored    {stored_events} (distinct {unique})");
    println!(
        "  credited         {credited} of {DONATIONS}; refunds {refunds_applied} of {REFUNDED}"
    );
    println!(
        "  receipt counter  {} (donations {DONATIONS})",
        q.receipt_seq
    );
    println!("  raised           {raised} (expected {expected})");
    println!("  double credits   {double_credits}");
    println!("  lost             {lost}");
    assert_eq!(double_credits, 0, "no receipt number twice");
    assert_eq!(
        q.receipt_seq, DONATIONS as i64,
        "one receipt number per donation"
    );
    assert_eq!(stored_events, unique as i64, "each event stored once");
    assert_eq!(lost, 0, "every donation credited, every refund applied");
    assert_eq!(raised, expected);
}
