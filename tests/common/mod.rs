//! Test harness: a fresh database per test (a temporary SQLite file, or a fresh PostgreSQL
//! database when `TEST_DATABASE_URL` is set), the real router with a fixed clock, and an
//! HTTP client that keeps cookies and the CSRF token like a browser does.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use civicbridge::accounts::{self, OrgRole, Role};
use civicbridge::app;
use civicbridge::kernel::clock::Clock;
use civicbridge::web::AppState;
use civicbridge::web::config::Config;
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database};
use tower::ServiceExt;

/// 2026-11-27 12:00 UTC.
pub const T0: i64 = 1_795_780_800;

/// Password of every test user.
pub const PW: &str = "test-password-1";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// One application under test.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(Config::default()).await
    }

    pub async fn with_config(mut config: Config) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        config.data_dir = dir.path().to_path_buf();
        config.database_url = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => Some(fresh_pg_database(&admin_url).await),
            _ => None,
        };
        let state = app::init(config, Clock::fixed(T0)).await.expect("app init");
        let router = app::router(state.clone());
        TestApp {
            state,
            router,
            _dir: dir,
        }
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
        let mut state = self.state.clone();
        let sink = log.clone();
        state.db.set_metric_callback(move |info| {
            sink.0.lock().unwrap().push(info.statement.sql.clone());
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
        accounts::model::create_user(&self.state.db, email, &hash, email, roles, T0)
            .await
            .unwrap()
            .id
    }

    /// A signed-in client for a new user with these roles.
    pub async fn signed_in(&self, email: &str, roles: &[Role]) -> (Client, i64) {
        let id = self.user(email, roles).await;
        let mut c = self.client();
        c.login(email, PW).await;
        (c, id)
    }

    /// Registers an organization owned by `owner` with a valid code derived from `n`.
    pub async fn org(&self, owner: i64, n: u32, name: &str) -> i64 {
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
        civicbridge::orgs::model::create(&self.state.db, &d, owner, T0)
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

async fn fresh_pg_database(admin_url: &str) -> String {
    let name = format!(
        "cb_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        rand::random::<u32>()
    );
    let admin = Database::connect(admin_url)
        .await
        .expect("TEST_DATABASE_URL must point at a reachable PostgreSQL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
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
}

/// A response as a test sees it.
pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
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
