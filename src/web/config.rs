//! Settings from the command line and environment, validated at boot.

use std::net::SocketAddr;
use std::path::PathBuf;

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
    /// Failed log-ins from one client address within the window before it is throttled.
    pub login_max_failures_per_ip: u32,
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
    /// `CIVICBRIDGE_MATCHING_WEIGHTS`: how the matching score weighs its parts.
    pub matching: crate::matching::MatchingWeights,
    /// How long a matching snapshot of the organizations may be reused, in seconds
    /// (`CIVICBRIDGE_MATCHING_CACHE_SECS`); writes to organizations through this server
    /// discard it at once.
    pub matching_cache_secs: u64,
    /// The policy targets shown on the dashboard.
    pub targets: crate::targets::TargetSettings,
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
            login_window_secs: 15 * 60,
            seal_key: None,
            audit_key: None,
            checkpoint_key: None,
            procurement: Default::default(),
            meilisearch_url: None,
            meilisearch_api_key: None,
            search_index_prefix: "civicbridge_".to_string(),
            matching: Default::default(),
            matching_cache_secs: 10,
            targets: Default::default(),
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
        if self.body_limit < 1024 {
            return Err("body limit must be at least 1024 bytes".into());
        }
        Ok(())
    }
}
