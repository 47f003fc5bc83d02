//! Settings from the command line and environment, validated at boot.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use axum_client_ip::ClientIpSource;

/// Everything the server needs to know about its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Listen address.
    pub bind: SocketAddr,
    /// Where the SQLite database (and later the search index) lives.
    pub data_dir: PathBuf,
    /// `DATABASE_URL`; `None` means the SQLite file under `data_dir`.
    pub database_url: Option<String>,
    /// Mark cookies `Secure` (behind HTTPS in production).
    pub secure_cookies: bool,
    /// Largest accepted request body in bytes; larger ones get 413.
    pub body_limit: usize,
    /// Failed log-ins for one e-mail address within the window before it is throttled.
    pub login_max_failures: u32,
    /// Failed log-ins from one client address within the window before its attempts are
    /// slowed (never locked: many people may share one address).
    pub login_max_failures_per_ip: u32,
    /// Once an address is past `login_max_failures_per_ip`, the seconds its attempts must
    /// keep apart (answered with 429 and `Retry-After` until then).
    pub login_ip_interval_secs: i64,
    /// `CIVICBRIDGE_CLIENT_IP_SOURCE`: where the client's address comes from — the socket
    /// (default) or a header set by a trusted reverse proxy (see [`parse_client_ip_source`]).
    pub client_ip_source: ClientIpSource,
    /// Throttling window in seconds.
    pub login_window_secs: i64,
    /// `CIVICBRIDGE_SEAL_KEY`: the bid-sealing key as 64 hex characters; when absent the key
    /// lives in `seal.key` in the data directory.
    pub seal_key: Option<String>,
    /// `CIVICBRIDGE_AUDIT_KEY`: the audit log's HMAC key as 64 hex characters; when absent
    /// it lives in `audit.key` in the data directory.
    pub audit_key: Option<String>,
    /// `CIVICBRIDGE_CHECKPOINT_KEY`: the Ed25519 seed signing audit checkpoints, 64 hex
    /// characters; when absent it lives in `checkpoint.key` in the data directory.
    pub checkpoint_key: Option<String>,
    /// Procurement rules that vary by locality.
    pub procurement: crate::procurement::ProcurementSettings,
    /// `MEILISEARCH_URL`: search with Meilisearch there; `None` uses the embedded index.
    pub meilisearch_url: Option<String>,
    /// `MEILISEARCH_API_KEY`, when the server needs one.
    pub meilisearch_api_key: Option<String>,
    /// `MEILISEARCH_INDEX_PREFIX`: index names start with it (several deployments or test
    /// runs can share one server).
    pub search_index_prefix: String,
    /// `CIVICBRIDGE_DB_MAX_CONNECTIONS`: the most PostgreSQL connections this instance's pool
    /// opens (`None`: `kernel::db::PG_MAX_CONNECTIONS`). Several instances on one server need
    /// their pools together under its `max_connections`.
    pub db_max_connections: Option<u32>,
    /// `CIVICBRIDGE_MATCHING_WEIGHTS`: how the matching score weighs its parts.
    pub matching: crate::matching::MatchingWeights,
    /// How long a matching snapshot of the organizations may be reused, in seconds
    /// (`CIVICBRIDGE_MATCHING_CACHE_SECS`); writes to organizations through this server
    /// discard it at once.
    pub matching_cache_secs: u64,
    /// How many months after graduation (出壳) an organization still counts as incubated
    /// for matching (`CIVICBRIDGE_INCUBATED_AFTER_GRADUATION_MONTHS`, default 24).
    pub incubated_after_graduation_months: u32,
    /// The policy targets shown on the dashboard.
    pub targets: crate::targets::TargetSettings,
    /// Annual-report deadline and other regulation settings (`CIVICBRIDGE_REPORT_DEADLINE`).
    pub regulation: crate::regulation::RegulationSettings,
    /// Credit-list settings: the objection period and how long a serious listing lasts
    /// (`CIVICBRIDGE_CREDIT_OBJECTION_DAYS`, `CIVICBRIDGE_CREDIT_SERIOUS_DAYS`,
    /// `CIVICBRIDGE_ZOMBIE_OBJECTION_DAYS`, `CIVICBRIDGE_RECTIFICATION_DAYS`).
    pub credit: crate::regulation::CreditSettings,
    /// Time limit of each open complaint state (`CIVICBRIDGE_COMPLAINT_DAYS`).
    pub complaints: crate::complaints::TimeLimits,
    /// The largest administrative share of a proposal's budget, in basis points, where a
    /// call sets none (`CIVICBRIDGE_ADMIN_CAP`, percent).
    pub proposal_admin_cap_bp: i32,
    /// The payments gateway and the Stripe webhook's secrets and tolerance
    /// (`STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`, `STRIPE_API_BASE`,
    /// `STRIPE_WEBHOOK_TOLERANCE_SECS`, `STRIPE_PUBLISHABLE_KEY`).
    pub payments: crate::payments::PaymentSettings,
    /// Days before and after a grant report's due date that its reminders go out
    /// (`CIVICBRIDGE_GRANT_REMINDER_DAYS`, default 7).
    pub grant_reminder_days: i64,
    /// The identifier prefix of grants in the 360Giving export
    /// (`CIVICBRIDGE_360GIVING_PREFIX`; the default is a clearly marked test prefix).
    pub giving360_prefix: String,
    /// How the OCDS open data is published: ocid prefix (`CIVICBRIDGE_OCDS_PREFIX`, default
    /// the test prefix `ocds-cbtest`), identifier scheme of the USCC
    /// (`CIVICBRIDGE_OCDS_SCHEME`), publisher (`CIVICBRIDGE_OCDS_PUBLISHER`) and the site's
    /// public address (`CIVICBRIDGE_PUBLIC_URL`).
    pub ocds: crate::opendata::OcdsSettings,
    /// Requests an anonymous client (one address) may make to `/api/v1` in each window
    /// (`CIVICBRIDGE_API_RATE_LIMIT`, default 300; 0 turns the limit off).
    pub api_rate_limit: u32,
    /// The window of that limit in seconds (`CIVICBRIDGE_API_RATE_WINDOW`, default 60).
    pub api_rate_window_secs: u32,
    /// E-mail through SMTP (`CIVICBRIDGE_SMTP_URL`, `CIVICBRIDGE_MAIL_FROM`); `None`: off,
    /// the inbox alone tells users and forgotten passwords go through an administrator.
    pub mail: Option<crate::kernel::mail::MailSettings>,
    /// Who runs the site, for every page's footer.
    pub site: Arc<SiteInfo>,
    /// The platform roles that must sign in with a second factor
    /// (`CIVICBRIDGE_REQUIRE_2FA_ROLES`, role codes separated by commas; default none).
    pub require_2fa_roles: Vec<crate::accounts::Role>,
}

/// Who runs this site, shown in every page's footer; a line only when it is configured,
/// so a deployment never shows a placeholder operator or a made-up filing number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteInfo {
    /// The operating body (主办单位), `CIVICBRIDGE_SITE_OPERATOR`.
    pub operator: Option<String>,
    /// How to reach it — a phone number or an e-mail address, `CIVICBRIDGE_SITE_CONTACT`.
    pub contact: Option<String>,
    /// The ICP filing number (ICP备案号), `CIVICBRIDGE_SITE_ICP`; linked to the MIIT filing
    /// system as the rules for sites in China ask.
    pub icp_filing: Option<String>,
    /// The public-security network filing number (公安联网备案号), `CIVICBRIDGE_SITE_PSB`.
    pub psb_filing: Option<String>,
}

impl SiteInfo {
    /// From the environment: each variable trimmed, an empty one as not set.
    pub fn from_env() -> Self {
        let var = |k: &str| {
            std::env::var(k)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        SiteInfo {
            operator: var("CIVICBRIDGE_SITE_OPERATOR"),
            contact: var("CIVICBRIDGE_SITE_CONTACT"),
            icp_filing: var("CIVICBRIDGE_SITE_ICP"),
            psb_filing: var("CIVICBRIDGE_SITE_PSB"),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            secure_cookies: false,
            body_limit: 1024 * 1024,
            login_max_failures: 5,
            login_max_failures_per_ip: 30,
            login_ip_interval_secs: 2,
            client_ip_source: ClientIpSource::ConnectInfo,
            login_window_secs: 15 * 60,
            seal_key: None,
            audit_key: None,
            checkpoint_key: None,
            procurement: Default::default(),
            meilisearch_url: None,
            meilisearch_api_key: None,
            search_index_prefix: "civicbridge_".to_string(),
            db_max_connections: None,
            matching: Default::default(),
            matching_cache_secs: 10,
            incubated_after_graduation_months: crate::incubators::DEFAULT_ALUMNI_MONTHS,
            targets: Default::default(),
            regulation: Default::default(),
            credit: Default::default(),
            complaints: Default::default(),
            proposal_admin_cap_bp: crate::philanthropy::DEFAULT_ADMIN_CAP_BP,
            payments: Default::default(),
            grant_reminder_days: crate::philanthropy::DEFAULT_GRANT_REMINDER_DAYS,
            giving360_prefix: crate::philanthropy::DEFAULT_360GIVING_PREFIX.to_string(),
            ocds: Default::default(),
            api_rate_limit: 300,
            api_rate_window_secs: 60,
            mail: None,
            site: Arc::new(SiteInfo::default()),
            require_2fa_roles: Vec::new(),
        }
    }
}

impl Config {
    /// The database URL in force: `DATABASE_URL` or the SQLite file in the data directory.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(u) if !u.trim().is_empty() => u.trim().to_string(),
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("civicbridge.db").display()
            ),
        }
    }

    /// Checks the settings that cannot be checked by their types.
    pub fn validate(&self) -> Result<(), String> {
        let url = self.effective_database_url();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(format!(
                "DATABASE_URL must start with sqlite:, postgres:// or postgresql:// (got {url:?})"
            ));
        }
        if let Some(u) = self
            .meilisearch_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            return Err(format!(
                "MEILISEARCH_URL must start with http:// or https:// (got {u:?})"
            ));
        }
        if self.login_ip_interval_secs < 1 || self.login_ip_interval_secs > 60 {
            return Err("the log-in interval per address must be 1 to 60 seconds".into());
        }
        if self.api_rate_window_secs < 1 || self.api_rate_window_secs > 86_400 {
            return Err("the API rate-limit window must be 1 to 86400 seconds".into());
        }
        if self.body_limit < 1024 {
            return Err("body limit must be at least 1024 bytes".into());
        }
        Ok(())
    }
}

/// Reads the client address setting: `socket` (the peer of the TCP connection, the default);
/// the header a trusted proxy in front of the server sets — `X-Forwarded-For` (its rightmost
/// address, the one the last proxy added), `X-Real-Ip`, `CF-Connecting-IP`, `Forwarded`
/// (rightmost), `True-Client-IP`, `Fly-Client-IP`, `CloudFront-Viewer-Address`,
/// `X-Envoy-External-Address` — case-insensitively, or the `axum-client-ip` variant name.
/// Only name a header when every request passes through a proxy that sets it: otherwise a
/// client can choose its own address.
pub fn parse_client_ip_source(s: &str) -> Result<ClientIpSource, String> {
    let s = s.trim();
    let known = match s.to_ascii_lowercase().as_str() {
        "" | "socket" | "connectinfo" | "connect-info" => Some(ClientIpSource::ConnectInfo),
        "x-forwarded-for" => Some(ClientIpSource::RightmostXForwardedFor),
        "x-real-ip" => Some(ClientIpSource::XRealIp),
        "cf-connecting-ip" => Some(ClientIpSource::CfConnectingIp),
        "forwarded" => Some(ClientIpSource::RightmostForwarded),
        "true-client-ip" => Some(ClientIpSource::TrueClientIp),
        "fly-client-ip" => Some(ClientIpSource::FlyClientIp),
        "cloudfront-viewer-address" => Some(ClientIpSource::CloudFrontViewerAddress),
        "x-envoy-external-address" => Some(ClientIpSource::XEnvoyExternalAddress),
        _ => None,
    };
    known.or_else(|| s.parse().ok()).ok_or_else(|| {
        format!(
            "CIVICBRIDGE_CLIENT_IP_SOURCE must be socket, X-Forwarded-For, X-Real-Ip, \
             CF-Connecting-IP, Forwarded, True-Client-IP, Fly-Client-IP, \
             CloudFront-Viewer-Address or X-Envoy-External-Address (got {s:?})"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ip_sources() {
        assert_eq!(
            parse_client_ip_source("socket"),
            Ok(ClientIpSource::ConnectInfo)
        );
        assert_eq!(parse_client_ip_source(""), Ok(ClientIpSource::ConnectInfo));
        assert_eq!(
            parse_client_ip_source("X-Forwarded-For"),
            Ok(ClientIpSource::RightmostXForwardedFor)
        );
        assert_eq!(
            parse_client_ip_source("x-real-ip"),
            Ok(ClientIpSource::XRealIp)
        );
        assert_eq!(
            parse_client_ip_source("CF-Connecting-IP"),
            Ok(ClientIpSource::CfConnectingIp)
        );
        assert_eq!(
            parse_client_ip_source("Forwarded"),
            Ok(ClientIpSource::RightmostForwarded)
        );
        assert_eq!(
            parse_client_ip_source("XRealIp"),
            Ok(ClientIpSource::XRealIp)
        );
        assert!(parse_client_ip_source("X-Client-Whatever").is_err());
    }
}
