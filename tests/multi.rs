//! Three server processes on one PostgreSQL behind a reverse proxy (issue 18 point 4), driven
//! through the proxy by `.ci/run`: `CIVICBRIDGE_MULTI_URL` names the proxy, and the usual
//! settings (`DATABASE_URL`, `CIVICBRIDGE_DATA_DIR`, `MEILISEARCH_URL`…) name what the instances
//! share, so this process can set up its fixtures through the library and read the outcome
//! from the database. Without `CIVICBRIDGE_MULTI_URL` it is skipped with a reason (the plain
//! `cargo test` run starts no instances).
//!
//! The workload: bids around a deadline from a dozen organizations, the tender's page asked
//! for by everyone just after it (each instance opens a due tender when it is asked for, and
//! each runs the opening job), an organization registered through one instance and counted
//! by all, and a search for it. It asserts that the tender was opened once, that no
//! acknowledged bid was lost and none stored late, that no instance answered stale after the
//! write, that the outbox was delivered by the instances, and that the audit chain verifies.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use civicbridge::accounts::OrgRole;
use civicbridge::kernel::Lang;
use civicbridge::kernel::clock::Clock;
use civicbridge::procurement::{self, rules};
use civicbridge::web::config::Config;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

const PASSWORD: &str = "multi-instance-password";
const BIDDERS: usize = 12;

#[path = "../benches/common/http.rs"]
mod session_http;
use session_http::{Http, Session, send};

async fn scalar(db: &DatabaseConnection, sql: String) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn league_total(http: &Http, base: &str, league: &str) -> u64 {
    let (status, _, body) = send(
        http,
        Request::get(format!("{base}/api/v1/orgs?league={league}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let j: serde_json::Value = serde_json::from_str(&body).unwrap();
    j["total"].as_u64().unwrap()
}

/// A verified social service agency in `league` with an administrator who can sign in.
async fn bidder(
    db: &DatabaseConnection,
    run: i64,
    n: usize,
    league: &str,
    county: &str,
) -> (String, i64) {
    let hash = civicbridge::accounts::hash_password(PASSWORD).unwrap();
    let email = format!("multi-bidder{n}-{run}@example.org");
    let uid = civicbridge::accounts::create_user(db, &email, &hash, "bidder", &[], run)
        .await
        .unwrap()
        .id;
    let form = civicbridge::orgs::rules::OrgForm {
        name: format!("多实例社会工作服务中心{run}-{n}"),
        uscc: civicbridge::orgs::rules::make_uscc(
            '5',
            '2',
            county,
            &format!("MU{:07}", run % 10_000 * 100 + n as i64),
        )
        .unwrap(),
        kind: "social_service_agency".into(),
        registration_date: "2015-01-01".into(),
        authority_level: "banner_county".into(),
        div_league: league.into(),
        div_county: county.into(),
        domains: vec!["elderly".into()],
        staff_count: "10".into(),
        contact_name: "张三".into(),
        contact_phone: "0471-1234567".into(),
        ..Default::default()
    };
    let d = civicbridge::orgs::rules::validate_org(
        &form,
        civicbridge::kernel::clock::shanghai_date(run),
        Lang::Zh,
    )
    .expect("org");
    let org = civicbridge::orgs::create(db, &d, uid, run).await.unwrap();
    civicbridge::orgs::model::set_verification(db, org, civicbridge::orgs::Verification::Verified)
        .await
        .unwrap();
    civicbridge::orgs::model::set_member(db, org, uid, OrgRole::Admin, run)
        .await
        .unwrap();
    (email, org)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_behind_a_proxy_behave_as_one() {
    let Ok(base) = std::env::var("CIVICBRIDGE_MULTI_URL") else {
        eprintln!(
            "skipped: CIVICBRIDGE_MULTI_URL names no proxy in front of several instances \
             (.ci/run starts them)"
        );
        return;
    };
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let config = Config {
        data_dir: var("CIVICBRIDGE_DATA_DIR")
            .expect("CIVICBRIDGE_DATA_DIR must name the instances' data directory")
            .into(),
        database_url: Some(
            var("DATABASE_URL").expect("DATABASE_URL must name the instances' PostgreSQL"),
        ),
        meilisearch_url: var("MEILISEARCH_URL"),
        meilisearch_api_key: var("MEILISEARCH_API_KEY"),
        search_index_prefix: var("MEILISEARCH_INDEX_PREFIX")
            .unwrap_or_else(|| "civicbridge_".into()),
        db_max_connections: var("CIVICBRIDGE_DB_MAX_CONNECTIONS").and_then(|n| n.parse().ok()),
        ..Config::default()
    };
    let state = civicbridge::app::init(config, Clock::System)
        .await
        .expect("the shared database and data directory");
    let db = state.db.clone();
    let http: Http = Client::builder(TokioExecutor::new()).build_http();
    let run = Clock::System.now();

    // Fixtures through the library: a unit, a buyer and a published tender whose deadline is
    // a few seconds away; a dozen eligible organizations.
    let hash = civicbridge::accounts::hash_password(PASSWORD).unwrap();
    let buyer = civicbridge::accounts::create_user(
        &db,
        &format!("multi-buyer-{run}@example.org"),
        &hash,
        "buyer",
        &[],
        run,
    )
    .await
    .unwrap()
    .id;
    let unit = civicbridge::units::model::create(
        &db,
        &civicbridge::units::rules::draft(&format!("多实例民政局{run}"), "150100").unwrap(),
        run,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(&db, unit, buyer, run)
        .await
        .unwrap();
    let f = rules::TenderForm {
        unit_id: unit.to_string(),
        title: format!("多实例居家养老服务项目{run}"),
        description: "用于检验多个实例共同处理截止前后投标的服务项目。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "1000000".into(),
        method: "competitive_negotiation".into(),
        eval_method: "lowest_price".into(),
        enquiry_deadline: rules::format_local(run + 1800),
        bid_deadline: rules::format_local(run + 3600),
        contract_months: "12".into(),
        milestone_name: vec!["全部".into()],
        milestone_percent: vec!["100".into()],
        ..Default::default()
    };
    let d =
        rules::validate_tender(&f, &[unit], run, &Default::default(), Lang::Zh).expect("tender");
    let tender = procurement::create_draft(&db, &d, buyer, run)
        .await
        .unwrap();
    let t = procurement::get(&db, tender).await.unwrap().unwrap();
    procurement::publish(&db, &t, &Default::default(), buyer, run)
        .await
        .unwrap()
        .unwrap();
    let mut sessions = Vec::new();
    let mut orgs = Vec::new();
    for n in 0..BIDDERS {
        let (email, org) = bidder(&db, run, n, "150100", "150102").await;
        sessions.push(Session::login(&http, &base, &email, PASSWORD).await);
        orgs.push(org);
    }
    // The deadline, moved close: the first half bid well before it, the second half
    // around it.
    let deadline = Clock::System.now() + 8;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "UPDATE tenders SET enquiry_deadline = {}, bid_deadline = {deadline} WHERE id = {tender}",
            deadline - 4
        ),
    ))
    .await
    .unwrap();
    let bid = |i: usize, s: &Session| {
        let form = serde_urlencoded::to_string([
            ("org_id", orgs[i].to_string()),
            ("price", format!("{}", 600_000 + i * 100)),
            (
                "proposal",
                "本机构将组建专业团队按月提供服务并提交服务记录。".to_string(),
            ),
            ("_csrf", s.csrf.clone()),
        ])
        .unwrap();
        s.post(&format!("/tenders/{tender}/bid"), form)
    };
    let mut acknowledged = Vec::new();
    for (i, s) in sessions.iter().enumerate().take(BIDDERS / 2) {
        let (status, _, body) = send(&http, bid(i, s)).await;
        assert!(
            receipt(status, &body),
            "an early bid is accepted: {status} {body}"
        );
        acknowledged.push(orgs[i]);
    }
    // The rest from one second before the deadline to two after, a quarter second apart.
    let mut late = Vec::new();
    for (k, (i, s)) in sessions.iter().enumerate().skip(BIDDERS / 2).enumerate() {
        let at = deadline - 1;
        let wait = (at - Clock::System.now()).max(0) as u64 * 1000 + k as u64 * 500;
        let req = bid(i, s);
        let http = http.clone();
        late.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(wait)).await;
            let (status, _, body) = send(&http, req).await;
            (i, status, body)
        }));
    }
    for t in late {
        let (i, status, body) = t.await.unwrap();
        match status {
            _ if receipt(status, &body) => acknowledged.push(orgs[i]),
            422 => assert!(
                body.contains("截止") || body.contains("deadline"),
                "a refused bid names the deadline: {body}"
            ),
            s => panic!("a bid around the deadline got {s}: {body}"),
        }
    }
    assert!(acknowledged.len() >= BIDDERS / 2);
    // Just after the deadline everyone asks for the tender at once: each instance may open it
    // on access, and each runs the opening job.
    let mut asks = Vec::new();
    for s in &sessions {
        let http = http.clone();
        let req = s.get(&format!("/tenders/{tender}"));
        asks.push(tokio::spawn(async move { send(&http, req).await.0 }));
    }
    for a in asks {
        assert_eq!(a.await.unwrap(), 200);
    }
    let started = Instant::now();
    loop {
        let t = procurement::get(&db, tender).await.unwrap().unwrap();
        if t.state != "published" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "the tender was never opened"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let openings = scalar(
        &db,
        format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE entity = 'tender' \
             AND entity_id = {tender} AND action = 'opened'"
        ),
    )
    .await;
    assert_eq!(openings, 1, "the tender was opened exactly once");
    let stored = scalar(
        &db,
        format!("SELECT COUNT(*) AS n FROM bids WHERE tender_id = {tender}"),
    )
    .await;
    assert_eq!(
        stored as usize,
        acknowledged.len(),
        "no acknowledged bid lost, none extra"
    );
    let after = scalar(
        &db,
        format!(
            "SELECT COUNT(*) AS n FROM bids WHERE tender_id = {tender} AND submitted_at >= {deadline}"
        ),
    )
    .await;
    assert_eq!(after, 0, "no bid stored at or after the deadline");

    // No stale read after a write: every instance has counted the league (six requests,
    // round robin over three), an organization is registered through one of them, and each
    // instance's next answer counts it.
    let league = "150200";
    let before = league_total(&http, &base, league).await;
    for _ in 0..6 {
        assert_eq!(league_total(&http, &base, league).await, before);
    }
    let founder = format!("multi-founder-{run}@example.org");
    civicbridge::accounts::create_user(&db, &founder, &hash, "founder", &[], run)
        .await
        .unwrap();
    let s = Session::login(&http, &base, &founder, PASSWORD).await;
    let name = format!("多实例新登记社会工作服务中心{run}");
    let form = serde_urlencoded::to_string([
        ("name", name.as_str()),
        (
            "uscc",
            &civicbridge::orgs::rules::make_uscc(
                '5',
                '2',
                "150202",
                &format!("MN{:07}", run % 10_000_000),
            )
            .unwrap(),
        ),
        ("kind", "social_service_agency"),
        ("registration_date", "2019-05-06"),
        ("authority_level", "banner_county"),
        ("div_league", league),
        ("div_county", "150202"),
        ("staff_count", "12"),
        ("contact_name", "王芳"),
        ("contact_phone", "0472-7654321"),
        ("intro", "为社区老人提供助餐服务。"),
        ("domains", "elderly"),
        ("_csrf", &s.csrf),
    ])
    .unwrap();
    let (status, _, body) = send(&http, s.post("/orgs", form)).await;
    assert_eq!(status, 303, "{body}");
    for k in 0..6 {
        assert_eq!(
            league_total(&http, &base, league).await,
            before + 1,
            "answer {k} after the write counts the new organization"
        );
    }
    // The search outbox is delivered by the instances (one holds its lease) and the
    // organization can be found through any of them.
    let started = Instant::now();
    loop {
        let pending = scalar(
            &db,
            "SELECT COUNT(*) AS n FROM search_outbox WHERE done_at IS NULL".into(),
        )
        .await;
        let (_, _, body) = send(
            &http,
            Request::get(format!("{base}/search?q={}", urlencode(&name)))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        if pending == 0 && body.contains(&name) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "outbox rows left: {pending}; found: {}",
            body.contains(&name)
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let lease = civicbridge::kernel::instances::claim_of(&db, "search_outbox")
        .await
        .unwrap();
    assert!(lease.is_some(), "an instance holds the outbox's lease");
    for job in ["chain_audit", "open_due_tenders"] {
        let claim = civicbridge::kernel::instances::claim_of(&db, job)
            .await
            .unwrap();
        assert!(claim.is_some(), "{job} ran under a claim");
    }
    // The audit chain, linked by the instances' chaining job, verifies.
    let started = Instant::now();
    loop {
        let report = civicbridge::audit::verify_all(&db, &state.audit_keys, &[])
            .await
            .unwrap();
        match report.result() {
            Ok(_) => break,
            Err(findings) => assert!(
                started.elapsed() < Duration::from_secs(20),
                "the audit chain does not verify: {}",
                findings
                    .iter()
                    .map(|f| f.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Whether a bid's answer is its receipt (the page with the commitment).
fn receipt(status: u16, body: &str) -> bool {
    status == 200 && body.contains("class=\"commitment\"") && !body.contains("form-errors")
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).unwrap()[2..].to_string()
}
