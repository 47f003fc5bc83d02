//! Test harness: a fresh database per test (a temporary SQLite file, or a fresh PostgreSQL
//! database when `TEST_DATABASE_URL` is set), the real router with a fixed clock, and an
//! HTTP client that keeps cookies and the CSRF token like a browser does.
//!
//! Every `TestApp` checks the system's invariants when it is dropped (see [`Invariant`]), the
//! way crates.io's `TestApp` does: a test that leaves the audit chain broken, an outbox row
//! that can never be delivered, or a 30% ledger that disagrees with its recomputation fails
//! even if its own asserts pass. A test that breaks one on purpose opts out of that one with
//! [`TestApp::skip_invariant`].
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use civicbridge::accounts::{self, OrgRole, Role};
use civicbridge::app;
use civicbridge::kernel::clock::Clock;
use civicbridge::kernel::outbox::{Kind, entry as outbox};
use civicbridge::search::{self, Backend};
use civicbridge::web::AppState;
use civicbridge::web::config::Config;
use http_body_util::BodyExt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use tower::ServiceExt;

/// 2026-11-27 12:00 UTC.
pub const T0: i64 = 1_795_780_800;

/// Password of every test user.
pub const PW: &str = "test-password-1";

/// The audit MAC key of every test app (`CIVICBRIDGE_AUDIT_KEY` for the command line). One
/// process records audit entries under one key, and the tests of a binary share a process.
pub const AUDIT_KEY: &str = "a1d17a1d17a1d17a1d17a1d17a1d17a1d17a1d17a1d17a1d17a1d17a1d17a1d1";

/// The checkpoint signing seed of every test app (`CIVICBRIDGE_CHECKPOINT_KEY`).
pub const CHECKPOINT_KEY: &str = "c4ec4c4ec4c4ec4c4ec4c4ec4c4ec4c4ec4c4ec4c4ec4c4ec4c4ec4c4ec4c4ec";

/// How long the invariant checks at drop may take.
const CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Something that must hold after every test; checked when the [`TestApp`] is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invariant {
    /// The audit log verifies (read-only): no inserted, altered, removed or truncated entry,
    /// every checkpoint signed and matching; pending entries are authentic.
    Audit,
    /// The search outbox drains: no row is of a kind no index takes, and after delivering
    /// everything with the app's engine nothing is left pending.
    Outbox,
    /// The maintained 30% target ledger equals its GROUP BY recomputation from the contracts.
    Ledger,
    /// No contract milestone's payments add up to more than its amount, and a milestone is
    /// marked paid exactly when they add up to all of it (payments may come in parts).
    Payments,
}

impl Invariant {
    pub const ALL: [Invariant; 4] = [
        Invariant::Audit,
        Invariant::Outbox,
        Invariant::Ledger,
        Invariant::Payments,
    ];
}

/// One application under test.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    /// Invariants this test breaks on purpose (see [`TestApp::skip_invariant`]).
    skipped: Mutex<Vec<Invariant>>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(Config::default()).await
    }

    pub async fn with_config(mut config: Config) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        // A directory the app creates itself, as on a first start.
        config.data_dir = dir.path().join("data");
        config.audit_key.get_or_insert_with(|| AUDIT_KEY.into());
        config
            .checkpoint_key
            .get_or_insert_with(|| CHECKPOINT_KEY.into());
        config.database_url = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => Some(fresh_pg_database(&admin_url).await),
            _ => None,
        };
        if config.database_url.is_some() {
            // Two tests run at once on one PostgreSQL server (100 connections by default),
            // some with a second instance: pools of the default 48 do not fit. Two crawls
            // each grew theirs to 48 (a sequential crawl's connections come back to the
            // pool a moment after each query), and the end-of-test check then timed out
            // waiting for a connection. Sized as a deployment must size its instances.
            config.db_max_connections.get_or_insert(TEST_PG_POOL);
        }
        // SQLite: the database file the app is about to open starts as the migrated template.
        if let Some(file) = civicbridge::kernel::db::sqlite_path(&config.effective_database_url()) {
            std::fs::create_dir_all(&config.data_dir).expect("data dir");
            std::fs::write(file, sqlite_template().await).expect("copy the migrated database");
        }
        let state = app::init(config, Clock::fixed(T0)).await.expect("app init");
        let router = app::router(state.clone());
        TestApp {
            state,
            router,
            skipped: Mutex::new(Vec::new()),
            _dir: dir,
        }
    }

    /// Leaves one invariant unchecked at drop: only for a test that breaks it on purpose,
    /// with a comment saying why.
    pub fn skip_invariant(&self, inv: Invariant) {
        self.skipped.lock().unwrap().push(inv);
    }

    /// Checks one invariant now, on the app's own connection and search engine.
    pub async fn check(&self, inv: Invariant) -> Result<(), String> {
        check(
            &self.state.db,
            &self.state.audit_keys,
            self.state.search.backend().as_ref(),
            self.state.clock.now(),
            inv,
        )
        .await
    }

    /// Checks every invariant not skipped (what drop does); the first failure's message.
    pub async fn check_invariants(&self) -> Result<(), String> {
        for inv in self.to_check() {
            self.check(inv).await?;
        }
        Ok(())
    }

    fn to_check(&self) -> Vec<Invariant> {
        let skipped = self.skipped.lock().unwrap();
        Invariant::ALL
            .into_iter()
            .filter(|i| !skipped.contains(i))
            .collect()
    }

    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookies: HashMap::new(),
            csrf: None,
        }
    }

    /// A client of a router over a copy of the state whose connection logs the SQL of every
    /// statement it runs (sea-orm's metric callback), and that log.
    pub fn counted_client(&self) -> (Client, SqlLog) {
        let log = SqlLog::default();
        let sink = log.clone();
        let state = self.state.with(|s| {
            s.db.set_metric_callback(move |info| {
                sink.0.lock().unwrap().push(info.statement.sql.clone());
            })
        });
        let client = Client {
            router: app::router(state),
            cookies: HashMap::new(),
            csrf: None,
        };
        (client, log)
    }

    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// Creates a user directly in the database.
    pub async fn user(&self, email: &str, roles: &[Role]) -> i64 {
        let hash = accounts::hash_password(PW).unwrap();
        accounts::create_user(&self.state.db, email, &hash, email, roles, T0)
            .await
            .unwrap()
            .id
    }

    /// Completes the expert review of a proposal in expert review: `n` evaluators
    /// (`reviewer1@example.org`, …, created on first use) are assigned by `organizer` and
    /// submit full sheets (every criterion 4), so determination may follow.
    pub async fn complete_review(
        &self,
        c: &civicbridge::philanthropy::Call,
        proposal: i64,
        organizer: i64,
        n: usize,
    ) {
        let db = &self.state.db;
        for k in 1..=n {
            let email = format!("reviewer{k}@example.org");
            let id = match accounts::find_by_email(db, &email).await.unwrap() {
                Some(u) => u.id,
                None => self.user(&email, &[Role::Evaluator]).await,
            };
            civicbridge::philanthropy::reviewing::assign_reviewer(
                db, c, proposal, id, organizer, T0,
            )
            .await
            .unwrap()
            .unwrap();
            let (a, r) = civicbridge::reviews::my_assignments(db, id)
                .await
                .unwrap()
                .into_iter()
                .find(|(_, r)| r.subject_id == proposal)
                .unwrap();
            let sheet = civicbridge::reviews::Sheet {
                cells: r
                    .criteria()
                    .iter()
                    .map(|_| (Some(civicbridge::reviews::Mark::Points(4)), String::new()))
                    .collect(),
                recommendation: Some(civicbridge::reviews::Recommendation::Yes),
                declared: true,
            };
            civicbridge::reviews::save_sheet(db, a.id, id, &sheet, true, T0)
                .await
                .unwrap()
                .unwrap();
        }
    }

    /// Drafts a tender from a form that must validate for `unit` at `T0`; returns its id.
    pub async fn draft_tender(
        &self,
        unit: i64,
        buyer: i64,
        f: &civicbridge::procurement::rules::TenderForm,
    ) -> i64 {
        use civicbridge::procurement::{self, rules};
        let d = rules::validate_tender(
            f,
            &[unit],
            T0,
            &Default::default(),
            civicbridge::kernel::Lang::Zh,
        )
        .expect("the test's tender form validates");
        procurement::create_draft(&self.state.db, &d, buyer, T0)
            .await
            .unwrap()
    }

    /// Drafts and publishes (at `T0`) a tender; returns its id.
    pub async fn publish_tender(
        &self,
        unit: i64,
        buyer: i64,
        f: &civicbridge::procurement::rules::TenderForm,
    ) -> i64 {
        let id = self.draft_tender(unit, buyer, f).await;
        self.publish_draft(id, buyer).await;
        id
    }

    /// Publishes a drafted tender at `T0`.
    pub async fn publish_draft(&self, id: i64, buyer: i64) {
        use civicbridge::procurement;
        let t = procurement::get(&self.state.db, id).await.unwrap().unwrap();
        procurement::publish(&self.state.db, &t, &Default::default(), buyer, T0)
            .await
            .unwrap()
            .unwrap();
    }

    /// A signed-in client for a new user with these roles.
    pub async fn signed_in(&self, email: &str, roles: &[Role]) -> (Client, i64) {
        let id = self.user(email, roles).await;
        let mut c = self.client();
        c.login(email, PW).await;
        (c, id)
    }

    /// Registers an organization owned by `owner` with a valid code derived from `n`, verified
    /// (as a regulator would), so tests not about verification may bid with it.
    pub async fn org(&self, owner: i64, n: u32, name: &str) -> i64 {
        let id = self.unverified_org(owner, n, name).await;
        civicbridge::orgs::model::set_verification(
            &self.state.db,
            id,
            civicbridge::orgs::Verification::Verified,
        )
        .await
        .unwrap();
        id
    }

    /// Registers an organization as a user would: unverified until a regulator decides.
    pub async fn unverified_org(&self, owner: i64, n: u32, name: &str) -> i64 {
        let f = org_form_values(n, name);
        let form = civicbridge::orgs::rules::OrgForm {
            name: f["name"].clone(),
            uscc: f["uscc"].clone(),
            kind: f["kind"].clone(),
            registration_date: f["registration_date"].clone(),
            authority_level: f["authority_level"].clone(),
            div_league: f["div_league"].clone(),
            div_county: f["div_county"].clone(),
            domains: vec!["elderly".into()],
            staff_count: "8".into(),
            contact_name: "王芳".into(),
            contact_phone: f["contact_phone"].clone(),
            ..Default::default()
        };
        let d = civicbridge::orgs::rules::validate_org(
            &form,
            self.state.clock.today(),
            civicbridge::kernel::Lang::Zh,
        )
        .unwrap();
        civicbridge::orgs::create(&self.state.db, &d, owner, T0)
            .await
            .unwrap()
    }

    pub async fn add_member(&self, org: i64, user: i64, role: OrgRole) {
        civicbridge::orgs::model::set_member(&self.state.db, org, user, role, T0)
            .await
            .unwrap();
    }

    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .state
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.state.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }
}

/// Checks the invariants when the test is done with the app. Drop is synchronous and runs
/// inside the test's (current-thread) runtime, which owns the app's connections, so the
/// checks run on a thread of their own with their own runtime and a fresh connection to the
/// same database (a file or a PostgreSQL database, never in-memory). Skipped when the test is
/// already failing.
impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let todo = self.to_check();
        if todo.is_empty() {
            return;
        }
        let config = self.state.config.clone();
        let url = config.effective_database_url();
        // The embedded index is a directory with one writer, which the app may hold: use the
        // app's own (its blocking work runs on the checker's runtime). A Meilisearch client's
        // pooled connections belong to the test's runtime, blocked here: open a new client.
        let meili = config
            .meilisearch_url
            .as_deref()
            .is_some_and(|u| !u.trim().is_empty());
        let app_backend = (!meili).then(|| self.state.search.backend().clone());
        let now = self.state.clock.now();
        let keys = self.state.audit_keys.clone();
        let outcome = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("invariant checks: runtime: {e}"))?;
            // The test's runtime is blocked while this runs: if the test left work there that
            // holds a lock (a dropped, not yet rolled back transaction), fail instead of hang.
            let checks = async move {
                let db = civicbridge::kernel::db::connect(&url)
                    .await
                    .map_err(|e| format!("invariant checks: connect to {url}: {e}"))?;
                let backend = match app_backend {
                    Some(b) => b,
                    None => search::Search::open(
                        &config.data_dir,
                        config.meilisearch_url.as_deref(),
                        config.meilisearch_api_key.as_deref(),
                        &config.search_index_prefix,
                    )
                    .map_err(|e| format!("invariant checks: open the search engine: {e}"))?
                    .backend()
                    .clone(),
                };
                let mut result = Ok(());
                for inv in todo {
                    result = check(&db, &keys, backend.as_ref(), now, inv).await;
                    if result.is_err() {
                        break;
                    }
                }
                db.close().await.ok();
                result
            };
            rt.block_on(async {
                tokio::time::timeout(CHECK_TIMEOUT, checks)
                    .await
                    .unwrap_or_else(|_| {
                        Err(format!(
                            "invariant checks did not finish in {CHECK_TIMEOUT:?}: does the \
                             test leave a transaction open (a lock the checks wait for)?"
                        ))
                    })
            })
        })
        .join();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(msg)) => panic!(
                "invariant broken at the end of the test: {msg}\n(a test that breaks it on \
                 purpose says so with `app.skip_invariant(..)`)"
            ),
            Err(_) => panic!("invariant checks: the checking thread panicked"),
        }
    }
}

/// Checks one invariant on `db`, delivering outbox rows with `backend`; `now` is the app's
/// clock.
pub async fn check(
    db: &DatabaseConnection,
    keys: &civicbridge::kernel::audit_keys::AuditKeys,
    backend: &dyn Backend,
    now: i64,
    inv: Invariant,
) -> Result<(), String> {
    let dberr = |e: sea_orm::DbErr| format!("{inv:?} check: database error: {e}");
    match inv {
        Invariant::Audit => {
            let report = civicbridge::audit::verify_all(db, keys, &[])
                .await
                .map_err(dberr)?;
            match report.result() {
                Ok(_) => Ok(()),
                Err(findings) => Err(format!(
                    "Audit: the audit log does not verify: {}",
                    findings
                        .iter()
                        .map(|f| f.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
            }
        }
        Invariant::Outbox => {
            // A row of a kind no index takes is closed unsent by the drain: a lost change.
            let codes: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
            let unknown = outbox::Entity::find()
                .filter(outbox::Column::Kind.is_not_in(codes))
                .order_by_asc(outbox::Column::Id)
                .all(db)
                .await
                .map_err(dberr)?;
            if !unknown.is_empty() {
                let rows: Vec<String> = unknown
                    .iter()
                    .map(|r| format!("#{} {} {}", r.id, r.kind, r.record_id))
                    .collect();
                return Err(format!(
                    "Outbox: rows of a kind no search index takes can never be delivered: {}",
                    rows.join(", ")
                ));
            }
            // Deliver everything, including rows waiting out a retry backoff.
            let pending = outbox::Entity::find()
                .filter(outbox::Column::DoneAt.is_null())
                .all(db)
                .await
                .map_err(dberr)?;
            if pending.is_empty() {
                return Ok(());
            }
            let at = pending
                .iter()
                .map(|r| r.next_attempt_at)
                .fold(now, i64::max);
            let d = search::drain_all(db, backend, at).await.map_err(dberr)?;
            let left = outbox::Entity::find()
                .filter(outbox::Column::DoneAt.is_null())
                .order_by_asc(outbox::Column::Id)
                .all(db)
                .await
                .map_err(dberr)?;
            if left.is_empty() {
                return Ok(());
            }
            let error = left
                .iter()
                .find_map(|r| r.last_error.clone())
                .unwrap_or_default();
            Err(format!(
                "Outbox: {} row(s) still undelivered after draining with the app's search \
                 engine ({} failed in the drain; last error: {error})",
                left.len(),
                d.failed
            ))
        }
        Invariant::Ledger => {
            let kept = civicbridge::targets::model::rows(db).await.map_err(dberr)?;
            let again = civicbridge::targets::model::recompute(db)
                .await
                .map_err(dberr)?;
            if kept == again {
                Ok(())
            } else {
                Err(format!(
                    "Ledger: the 30% target ledger differs from its recomputation from the \
                     contracts\n  maintained: {kept:?}\n  recomputed: {again:?}"
                ))
            }
        }
        Invariant::Payments => {
            use sea_orm::{ConnectionTrait, Statement};
            let sql = "SELECT m.id AS id FROM contract_milestones m \
                 LEFT JOIN payments p ON p.milestone_id = m.id \
                 GROUP BY m.id, m.amount_fen, m.state \
                 HAVING COALESCE(SUM(p.amount_fen), 0) > m.amount_fen \
                 OR (m.state = 'paid') <> (COUNT(p.id) > 0 AND COALESCE(SUM(p.amount_fen), 0) = m.amount_fen) \
                 ORDER BY m.id";
            let rows = db
                .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .map_err(dberr)?;
            let ids: Vec<i64> = rows
                .iter()
                .filter_map(|r| r.try_get::<i64>("", "id").ok())
                .collect();
            if rows.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "Payments: milestone(s) {ids:?} paid beyond their amount, or marked paid \
                     other than when their payments add up to it"
                ))
            }
        }
    }
}

/// A valid social-service-agency code in Xincheng district, Hohhot, numbered `n`.
pub fn uscc(n: u32) -> String {
    civicbridge::orgs::rules::make_uscc('5', '2', "150102", &format!("MJ{n:07}")).unwrap()
}

/// Form values of a valid organization.
pub fn org_form_values(n: u32, name: &str) -> HashMap<&'static str, String> {
    HashMap::from([
        ("name", name.to_string()),
        ("uscc", uscc(n)),
        ("kind", "social_service_agency".to_string()),
        ("registration_date", "2019-05-06".to_string()),
        ("authority_level", "banner_county".to_string()),
        ("div_league", "150100".to_string()),
        ("div_county", "150102".to_string()),
        ("div_township", String::new()),
        ("div_outside", String::new()),
        ("staff_count", "12".to_string()),
        ("contact_name", "王芳".to_string()),
        ("contact_phone", "0471-7654321".to_string()),
        ("contact_email", "private@example.org".to_string()),
        ("intro", "为社区老人提供助餐、助浴和探访服务。".to_string()),
    ])
}

/// A purchasing unit (呼和浩特市新城区民政局, Xincheng district) with one member,
/// `buyer@example.org`, signed in: the buyer's client and the unit's id.
pub async fn buyer(app: &TestApp) -> (Client, i64) {
    let uid = app.user("buyer@example.org", &[]).await;
    let unit = civicbridge::units::model::create(
        &app.state.db,
        &civicbridge::units::rules::draft("呼和浩特市新城区民政局", "150102").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(&app.state.db, unit, uid, T0)
        .await
        .unwrap();
    let mut c = app.client();
    c.login("buyer@example.org", PW).await;
    (c, unit)
}

/// 新城区民政局, a purchasing unit in Hohhot (150100) whose member is `buyer`; its id.
pub async fn unit_with_buyer(app: &TestApp, buyer: i64) -> i64 {
    let db = &app.state.db;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft("新城区民政局", "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer, T0)
        .await
        .unwrap();
    unit
}

/// `buyer@example.org` acting for [`unit_with_buyer`]'s unit, signed in after joining it:
/// (client, buyer id, unit id).
pub async fn call_organizer(app: &TestApp) -> (Client, i64, i64) {
    let id = app.user("buyer@example.org", &[]).await;
    let unit = unit_with_buyer(app, id).await;
    let mut c = app.client();
    c.login("buyer@example.org", PW).await;
    (c, id, unit)
}

/// The venture-philanthropy call the tests start from: `unit`'s 新城区社区公益创投大赛 for
/// elderly care in Hohhot, registered and preparing applicants, a pool of 100 000 yuan,
/// at most 50 000 a grant, 10% co-funding, open from a day before `T0` for a month, three
/// reviewers on one criterion, one tranche and a report at 12 months. Tests change fields.
pub fn call_draft(unit: i64) -> civicbridge::philanthropy::CallDraft {
    use civicbridge::kernel::money::Fen;
    use civicbridge::philanthropy::rules::{Applicant, Organizer, OrganizerKind};
    const DAY: i64 = 86_400;
    civicbridge::philanthropy::CallDraft {
        organizer: Organizer {
            kind: OrganizerKind::Unit,
            id: unit,
        },
        title: "新城区社区公益创投大赛".into(),
        theme: "支持社区社会组织开展为老服务。".into(),
        domains: vec!["elderly".into()],
        places: vec!["150100".into()],
        applicants: vec![Applicant::Registered, Applicant::Preparing],
        pool: Fen(10_000_000),
        max_grant: Fen(5_000_000),
        cofund_bp: 1000,
        opens_at: T0 - DAY,
        closes_at: T0 + 30 * DAY,
        reviewers: 3,
        rubric: vec![("项目设计".into(), 100)],
        tranches: vec![10_000],
        reports: vec![12],
        two_stage: false,
        full_closes_at: None,
        sealed: false,
        admin_cap_bp: None,
    }
}

/// Creates and publishes the call `d` by `buyer` at `at`; returns it as stored.
pub async fn published_call(
    app: &TestApp,
    d: &civicbridge::philanthropy::CallDraft,
    buyer: i64,
    at: i64,
) -> civicbridge::philanthropy::Call {
    let db = &app.state.db;
    let id = civicbridge::philanthropy::create(db, d, buyer, at)
        .await
        .unwrap();
    let c = civicbridge::philanthropy::get(db, id)
        .await
        .unwrap()
        .unwrap();
    civicbridge::philanthropy::publish(db, &c, buyer, at)
        .await
        .unwrap()
        .unwrap();
    civicbridge::philanthropy::get(db, id)
        .await
        .unwrap()
        .unwrap()
}

/// A valid tender form for `unit` (clock at T0 = 2026-11-27 20:00 Shanghai): an open tender
/// of 500,000 yuan for elderly care in Xincheng, bids until 2026-12-15 09:30, two criteria
/// (40 + 30, price 30) and three milestones (30/40/30).
pub fn tender_fields(unit: i64, title: &str) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        ("unit_id", unit.to_string()),
        ("title", title.into()),
        (
            "description",
            "为辖区内高龄、独居老人提供助餐、助洁和探访服务。".into(),
        ),
        ("domain", "elderly".into()),
        ("t_league", "150100".into()),
        ("t_county", "150102".into()),
        ("t_township", String::new()),
        ("budget", "500,000".into()),
        ("method", "open_tender".into()),
        ("eval_method", "comprehensive".into()),
        ("price_weight", "30".into()),
        ("min_grade", String::new()),
        ("min_years", "2".into()),
        ("enquiry_deadline", "2026-12-05T17:00".into()),
        ("bid_deadline", "2026-12-15T09:30".into()),
        ("contract_months", "12".into()),
    ];
    for (n, w) in [("服务方案", "40"), ("团队与经验", "30")] {
        v.push(("criterion_name", n.into()));
        v.push(("criterion_weight", w.into()));
    }
    for (n, p) in [("启动", "30"), ("中期", "40"), ("结项", "30")] {
        v.push(("milestone_name", n.into()));
        v.push(("milestone_percent", p.into()));
    }
    v
}

/// Form fields as [`Client::post`] takes them.
pub fn as_refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Drafts a tender from [`tender_fields`] and publishes it through the buyer's forms, as a
/// buyer's browser does; returns its id.
pub async fn publish(b: &mut Client, unit: i64, title: &str) -> i64 {
    let r = b
        .post("/tenders", &as_refs(&tender_fields(unit, title)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = r.location().unwrap().to_string();
    let id: i64 = page.trim_start_matches("/tenders/").parse().unwrap();
    b.get(&page).await;
    let r = b.post(&format!("{page}/publish"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    id
}

/// A SQLite database with every migration applied, made once per test process: each test
/// starts from a copy of its bytes instead of running hundreds of migrations again (most of
/// a short test's time in a debug build). The app still runs `migrate` at start, which finds
/// nothing pending, so a migration that fails still fails every test.
async fn sqlite_template() -> &'static [u8] {
    static TEMPLATE: tokio::sync::OnceCell<Vec<u8>> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let dir = tempfile::tempdir().expect("temp dir");
            let file = dir.path().join("template.db");
            let url = format!("sqlite://{}?mode=rwc", file.display());
            let db = civicbridge::kernel::db::connect(&url)
                .await
                .expect("template database");
            civicbridge::kernel::db::migrate(&db)
                .await
                .expect("migrate the template");
            // Everything into the main file, so its bytes alone are the database.
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .expect("checkpoint the template");
            db.close().await.expect("close the template");
            std::fs::read(&file).expect("read the template")
        })
        .await
}

/// The name of a PostgreSQL database with every migration applied, made once per test
/// process; each test's database is created from it (`CREATE DATABASE … TEMPLATE`), for the
/// same reason as [`sqlite_template`]. Its name starts like the tests' own, so CI's sweep of
/// leftover test databases drops it too.
async fn pg_template(admin_url: &str) -> &'static str {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let name = new_pg_database(admin_url, "template", None).await;
            let db = civicbridge::kernel::db::connect(&pg_url(admin_url, &name))
                .await
                .expect("template database");
            civicbridge::kernel::db::migrate(&db)
                .await
                .expect("migrate the template");
            // A template takes no connections while it is copied.
            db.close().await.expect("close the template");
            name
        })
        .await
}

/// Connections in a test app's pool on PostgreSQL: four of them (two tests at once, each with
/// up to two instances) fit the server's default 100 with room for the checks.
const TEST_PG_POOL: u32 = 16;

async fn fresh_pg_database(admin_url: &str) -> String {
    let template = pg_template(admin_url).await;
    let name = new_pg_database(admin_url, "db", Some(template)).await;
    pg_url(admin_url, &name)
}

/// Creates a database named for this process (optionally copied from `template`).
async fn new_pg_database(admin_url: &str, what: &str, template: Option<&str>) -> String {
    let name = format!(
        "cb_test_{}_{}_{what}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        rand::random::<u32>()
    );
    let admin = Database::connect(admin_url)
        .await
        .expect("TEST_DATABASE_URL must point at a reachable PostgreSQL");
    let from = template.map_or(String::new(), |t| format!(" TEMPLATE {t}"));
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}{from}"))
        .await
        .expect("create test database");
    // A test's database is thrown away: a commit need not wait for the disk (what it sees
    // and when is unchanged; only a crash could lose its last commits). Most of a test's
    // time on PostgreSQL was those waits.
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE {name} SET synchronous_commit = off"
        ))
        .await
        .expect("set up test database");
    admin.close().await.ok();
    name
}

/// The URL of database `name` on the server of `admin_url`.
fn pg_url(admin_url: &str, name: &str) -> String {
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    format!("{base}/{name}")
}

/// The SQL statements run through a counted connection (see [`TestApp::counted_client`]).
#[derive(Clone, Default)]
pub struct SqlLog(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl SqlLog {
    /// Forgets what was logged.
    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }

    /// How many logged statements name `table` (as a whole word, quoted or not).
    pub fn on(&self, table: &str) -> usize {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|sql| {
                sql.match_indices(table).any(|(i, _)| {
                    !sql[..i].chars().next_back().is_some_and(word)
                        && !sql[i + table.len()..].chars().next().is_some_and(word)
                })
            })
            .count()
    }

    /// How many statements were logged.
    pub fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// The logged statements, in order.
    pub fn statements(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// A response as a test sees it.
pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as it came (PDFs and other binary answers).
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn doc(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// Text of every element matching a CSS selector, joined.
    pub fn text(&self, selector: &str) -> String {
        let sel = scraper::Selector::parse(selector).unwrap();
        self.doc()
            .select(&sel)
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn count(&self, selector: &str) -> usize {
        let sel = scraper::Selector::parse(selector).unwrap();
        self.doc().select(&sel).count()
    }

    /// The `value` attribute of the first element matching the selector.
    pub fn value(&self, selector: &str) -> Option<String> {
        let sel = scraper::Selector::parse(selector).unwrap();
        self.doc()
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr("value").map(str::to_string))
    }

    /// Checks a PDF answer (200, `application/pdf`, a file name, `%PDF-`, under 300 KB, the
    /// font embedded) and returns its text as a PDF reader extracts it, through the font's
    /// ToUnicode map: Chinese that was not embedded, or drawn as boxes without its text,
    /// would not come back.
    pub fn pdf_text(&self) -> String {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        assert_eq!(
            self.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/pdf"
        );
        let cd = self
            .headers
            .get(header::CONTENT_DISPOSITION)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            cd.starts_with("inline; filename=\"")
                && cd.contains(".pdf\"")
                && cd.contains("filename*=UTF-8''"),
            "{cd}"
        );
        assert!(self.bytes.starts_with(b"%PDF-"));
        assert!(self.bytes.len() < 300 * 1024, "{} bytes", self.bytes.len());
        let doc = lopdf::Document::load_mem(&self.bytes).expect("a PDF a reader opens");
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        assert!(!pages.is_empty());
        let text = doc.extract_text(&pages).expect("text extracted");
        // Lines come back as separate fragments; the tests look for words, so spaces and
        // line breaks are dropped.
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A browser-like client: keeps cookies, picks up the CSRF token from the pages it reads.
pub struct Client {
    router: Router,
    pub cookies: HashMap<String, String>,
    pub csrf: Option<String>,
}

impl Client {
    /// Posts a page's upload form as a browser sends it: the CSRF token first, then the text
    /// fields, then the file under `file` (an empty `name` and no bytes: no file chosen).
    pub async fn upload(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        name: &str,
        bytes: &[u8],
    ) -> Resp {
        let boundary = "----cb-test-upload";
        let token = self.csrf.clone().unwrap_or_default();
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n"
        );
        for (k, v) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        let mut body = body.into_bytes();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let cookies = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, cookies)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.request(req).await
    }

    pub async fn request(&mut self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let kv = s.split(';').next().unwrap();
            if let Some((k, v)) = kv.split_once('=') {
                if s.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).to_string();
        let resp = Resp {
            status,
            headers,
            body,
            bytes: bytes.to_vec(),
        };
        if let Some(t) = resp.value("input[name=_csrf]") {
            self.csrf = Some(t);
        }
        resp
    }

    fn builder(&self, method: Method, path: &str) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let c = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            b = b.header(header::COOKIE, c);
        }
        b
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let req = self.builder(Method::GET, path).body(Body::empty()).unwrap();
        self.request(req).await
    }

    /// Posts a form with the CSRF token the client last saw (fetching `/login` first if it
    /// has none yet).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        if self.csrf.is_none() {
            self.get("/login").await;
        }
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().unwrap_or_default();
        all.push(("_csrf", &token));
        self.post_raw(path, &serde_urlencoded::to_string(&all).unwrap())
            .await
    }

    /// Posts a urlencoded body as given (no token added).
    pub async fn post_raw(&mut self, path: &str, body: &str) -> Resp {
        let req = self
            .builder(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.request(req).await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Resp {
        self.get("/login").await;
        let r = self
            .post("/login", &[("email", email), ("password", password)])
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {email} failed: {}",
            r.body
        );
        // The token changes at log-in; read the new one.
        self.get("/me").await;
        r
    }
}

/// Percent-encodes one query-string value.
pub fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap()[1..].to_string()
}
