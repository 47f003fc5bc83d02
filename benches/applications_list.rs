//! The organizer's list of a call's applications (issue 13: target p99 ≤ 50 ms): one call
//! filled with 5,000 applications through `philanthropy`'s own operations (so every row,
//! revision, review round, assignment, score and audit entry is as the application writes
//! it) — a tenth left submitted, a tenth in screening, six tenths in expert review with two
//! reviewers (four tenths with both sheets submitted, a tenth with one submitted and one
//! draft, a tenth not yet scored), two tenths in determination — then the organizer's list
//! page `/calls/{id}/proposals` with its live score totals is fetched over HTTP on loopback
//! from the server running in this process, signed in as the call's organizer: all
//! applications and each state filter, its first page and its last (the deepest offset), 40
//! requests each, one at a time. Prints p50, p99 and max per page and over all, and checks
//! every page answers 200 with as many rows as the page holds and the list's count as the
//! database has it.
//!
//! `cargo bench --bench applications_list` (SQLite in a temporary directory) or
//! `DATABASE_URL=postgres://postgres@127.0.0.1:5432/cb_bench cargo bench --bench
//! applications_list` (an empty database: the migrations run first). `APPLICATIONS=200` for a
//! smaller run, `REQUESTS=5` for fewer requests per filter.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use civicbridge::kernel::clock::Clock;
use civicbridge::kernel::money::Fen;
use civicbridge::philanthropy::proposal_rules::{
    ApplicantChoice, BudgetLine, Outcome, ProposalDraft, ScreenItem, Step, StepDraft,
};
use civicbridge::philanthropy::proposals as ops;
use civicbridge::philanthropy::rules::{Applicant, CallDraft, Organizer, OrganizerKind};
use civicbridge::reviews::{Mark, Recommendation, Sheet};
use civicbridge::web::config::Config;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// 2026-11-27 20:00 in Shanghai: the call's window is open.
const NOW: i64 = 1_795_780_800;
const DAY: i64 = 86_400;
const PASSWORD: &str = "bench-password";
/// The filters timed: every application, then each state the list offers.
const FILTERS: [&str; 5] = [
    "",
    "submitted",
    "screening",
    "expert_review",
    "determination",
];

#[path = "common/http.rs"]
mod session_http;
use session_http::{Http, Session, percentile, send};

/// The session cookie of `email`, signed in through the form.
async fn login(http: &Http, base: &str, email: &str) -> String {
    Session::login(http, base, email, PASSWORD).await.cookie
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("row")
        .try_get_by_index::<i64>(0)
        .expect("integer")
}

async fn user(db: &DatabaseConnection, email: &str, roles: &[civicbridge::accounts::Role]) -> i64 {
    let hash = civicbridge::accounts::hash_password(PASSWORD).unwrap();
    civicbridge::accounts::create_user(db, email, &hash, email, roles, NOW)
        .await
        .unwrap()
        .id
}

/// Application `n`: a community group's project of 55 000 yuan asking 49 000.
fn draft(n: usize) -> ProposalDraft {
    let line = |c: &str, item: &str, yuan: i64| BudgetLine {
        category: c.into(),
        item: item.into(),
        amount: Fen(yuan * 100),
    };
    ProposalDraft {
        applicant: ApplicantChoice::Group,
        name: format!("压测社区志愿小组{n:05}"),
        title: format!("社区长者助餐服务{n:05}"),
        plan: "在两个社区建设长者助餐点，每周五天提供午餐。\n组织志愿者上门送餐。".into(),
        beneficiaries: "社区60岁以上老人约300人".into(),
        place: "150102".into(),
        outcomes: vec![Outcome {
            indicator: "服务老人人数".into(),
            target: 300,
        }],
        budget: vec![
            line("personnel", "社工补贴", 20_000),
            line("activities", "助餐活动", 25_000),
            line("materials", "餐具", 4_000),
            line("admin", "办公", 6_000),
        ],
        total: Fen(5_500_000),
        cofund: Fen(600_000),
        partners: vec![],
        submit: true,
    }
}

/// The assignment of `reviewer` to proposal `pid` (the bench reads the table directly).
async fn assignment(db: &DatabaseConnection, pid: i64, reviewer: i64) -> i64 {
    scalar(
        db,
        &format!(
            "SELECT a.id FROM review_assignments a JOIN review_rounds r ON r.id = a.round_id \
             WHERE r.subject_kind = 'proposal' AND r.subject_id = {pid} AND a.reviewer_id = {reviewer}"
        ),
    )
    .await
}

/// Fills the call: application `n` goes as far as `n % 10` says (see the module's doc).
async fn fill(
    db: &DatabaseConnection,
    c: &civicbridge::philanthropy::Call,
    n: usize,
    applicant: i64,
    organizer: i64,
    reviewers: &[i64],
) {
    let all: Vec<String> = ScreenItem::ALL
        .iter()
        .map(|i| i.code().to_string())
        .collect();
    let step = |step| StepDraft {
        step,
        message: String::new(),
        amount: None,
    };
    for i in 0..n {
        let t = NOW - 3_600 + (i as i64) % 3_000;
        let id = ops::apply(db, c, applicant, &draft(i), t)
            .await
            .unwrap()
            .expect("application accepted");
        let kind = i % 10;
        if kind == 0 {
            continue;
        }
        let get = || async {
            civicbridge::philanthropy::proposal_model::get(db, id)
                .await
                .unwrap()
                .unwrap()
        };
        ops::take_step(db, c, &get().await, &step(Step::Screen), organizer, t)
            .await
            .unwrap()
            .unwrap();
        if kind == 1 {
            continue;
        }
        ops::record_checklist(db, &get().await, &all, organizer, t)
            .await
            .unwrap();
        ops::take_step(db, c, &get().await, &step(Step::ToReview), organizer, t)
            .await
            .unwrap()
            .unwrap();
        // Two of the reviewers, taken in turn.
        let pair = [
            reviewers[i % reviewers.len()],
            reviewers[(i + 1) % reviewers.len()],
        ];
        // Sheets per reviewer: Some(true) submitted, Some(false) a draft, None not started.
        let sheets = match kind {
            2 => [None, None],
            3 => [Some(true), Some(false)],
            _ => [Some(true), Some(true)],
        };
        for (k, (ev, mode)) in pair.iter().zip(sheets).enumerate() {
            civicbridge::philanthropy::reviewing::assign_reviewer(db, c, id, *ev, organizer, t)
                .await
                .unwrap()
                .expect("reviewer assigned");
            let Some(submit) = mode else { continue };
            let points = i16::try_from((i + k) % 6).unwrap_or(3);
            let sheet = Sheet {
                cells: vec![
                    (Some(Mark::Points(points)), "需求调研扎实。".into()),
                    (Some(Mark::Points(5 - points)), "执行计划清楚。".into()),
                ],
                recommendation: Some(if points >= 3 {
                    Recommendation::Yes
                } else {
                    Recommendation::Maybe
                }),
                declared: true,
            };
            let a = assignment(db, id, *ev).await;
            civicbridge::reviews::save_sheet(db, a, *ev, &sheet, submit, t)
                .await
                .unwrap()
                .expect("sheet saved");
        }
        if kind >= 8 {
            ops::take_step(
                db,
                c,
                &get().await,
                &step(Step::ToDetermination),
                organizer,
                t,
            )
            .await
            .unwrap()
            .unwrap();
        }
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes bench binaries; this is not a test.
    }
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let n = env("APPLICATIONS", 5_000);
    let requests = env("REQUESTS", 40).max(1);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        database_url: std::env::var("DATABASE_URL").ok(),
        ..Config::default()
    };
    let backend = if config.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let state = civicbridge::app::init(config, Clock::fixed(NOW))
        .await
        .expect("init");
    let db = state.db.clone();
    // Set-up (not measured): a unit with its buyer, a group founder, four evaluators, a
    // published call of two criteria and two reviewers.
    let unit = civicbridge::units::model::create(
        &db,
        &civicbridge::units::rules::draft("压测民政局", "150100").unwrap(),
        NOW,
    )
    .await
    .unwrap();
    let organizer = user(&db, "organizer@bench.test", &[]).await;
    civicbridge::units::model::add_member(&db, unit, organizer, NOW)
        .await
        .unwrap();
    let applicant = user(&db, "applicant@bench.test", &[]).await;
    let mut reviewers = Vec::new();
    for k in 0..4 {
        reviewers.push(
            user(
                &db,
                &format!("reviewer{k}@bench.test"),
                &[civicbridge::accounts::Role::Evaluator],
            )
            .await,
        );
    }
    let d = CallDraft {
        organizer: Organizer {
            kind: OrganizerKind::Unit,
            id: unit,
        },
        title: "压测社区公益创投大赛".into(),
        theme: "支持社区社会组织开展为老服务。".into(),
        domains: vec!["elderly".into()],
        places: vec!["150100".into()],
        applicants: vec![Applicant::Registered, Applicant::Preparing],
        pool: Fen(100_000_000_000),
        max_grant: Fen(5_000_000),
        cofund_bp: 1000,
        opens_at: NOW - DAY,
        closes_at: NOW + 30 * DAY,
        reviewers: 2,
        rubric: vec![("需求分析".into(), 40), ("项目设计".into(), 60)],
        tranches: vec![10_000],
        reports: vec![12],
        two_stage: false,
        full_closes_at: None,
        sealed: false,
        admin_cap_bp: None,
    };
    let call = civicbridge::philanthropy::create(&db, &d, organizer, NOW - 2 * DAY)
        .await
        .unwrap();
    let c = civicbridge::philanthropy::get(&db, call)
        .await
        .unwrap()
        .unwrap();
    civicbridge::philanthropy::publish(&db, &c, organizer, NOW - 2 * DAY)
        .await
        .unwrap()
        .unwrap();
    let c = civicbridge::philanthropy::get(&db, call)
        .await
        .unwrap()
        .unwrap();
    let started = Instant::now();
    fill(&db, &c, n, applicant, organizer, &reviewers).await;
    println!(
        "fill on {backend}: {n} applications, {} assignments, {} scores in {:.1} s",
        scalar(&db, "SELECT COUNT(*) FROM review_assignments").await,
        scalar(&db, "SELECT COUNT(*) FROM review_scores").await,
        started.elapsed().as_secs_f64()
    );

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
    let http: Http = Client::builder(TokioExecutor::new()).build_http();
    let cookie = login(&http, &base, "organizer@bench.test").await;
    let get = |path: String| {
        Request::get(format!("{base}{path}"))
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap()
    };
    println!(
        "organizer's list /calls/{call}/proposals on {backend}, {n} applications, {requests} requests per filter:"
    );
    let mut everything = Vec::new();
    let size = civicbridge::philanthropy::proposal_rules::LIST_PAGE_SIZE as i64;
    for filter in FILTERS {
        let expected = scalar(
            &db,
            &format!(
                "SELECT COUNT(*) FROM proposals WHERE call_id = {call} AND state <> 'draft'{}",
                if filter.is_empty() {
                    String::new()
                } else {
                    format!(" AND state = '{filter}'")
                }
            ),
        )
        .await;
        // The first page and the last (the deepest offset), each checked once: as many rows
        // as the page holds, and the count of the whole list as the database has it.
        let pages = (expected.max(1) + size - 1) / size;
        for (page, rows_expected) in [
            (1, expected.min(size)),
            (pages, expected - size * (pages - 1)),
        ] {
            let path = format!("/calls/{call}/proposals?state={filter}&page={page}");
            let (status, _, body) = send(&http, get(path.clone())).await;
            assert_eq!(status, 200, "{path}");
            let rows = body.matches("<tr id=\"proposal-").count() as i64;
            assert_eq!(rows, rows_expected, "{path}: rows on the page");
            assert!(
                body.contains(&format!("共{expected}份申报"))
                    || body.contains(&format!("{expected} applications")),
                "{path}: the count of the whole list"
            );
            let mut lat = Vec::new();
            for _ in 0..requests {
                let t = Instant::now();
                let (status, _, _) = send(&http, get(path.clone())).await;
                lat.push(t.elapsed());
                assert_eq!(status, 200, "{path}");
            }
            lat.sort();
            println!(
                "  state={:<14} page {:>3}/{:<3} rows {:>3} of {:>5}  {:>5} KB  p50 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms",
                if filter.is_empty() { "(all)" } else { filter },
                page,
                pages,
                rows,
                expected,
                body.len() / 1024,
                ms(percentile(&lat, 0.50)),
                ms(percentile(&lat, 0.99)),
                ms(*lat.last().unwrap())
            );
            everything.extend(lat);
        }
    }
    everything.sort();
    println!(
        "  over all filters: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (target p99 ≤ 50 ms)",
        ms(percentile(&everything, 0.50)),
        ms(percentile(&everything, 0.99)),
        ms(*everything.last().unwrap())
    );
}
