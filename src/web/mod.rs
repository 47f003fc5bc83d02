//! The web layer shared by every room: request context ([`Ctx`]), page layout, form helpers,
//! CSRF, languages, static assets and the error pages.
//!
//! Invariants: every state-changing request passed the CSRF check before a handler ran;
//! every page is rendered in the request's language. May call: `accounts` (current user).

pub mod api;
pub mod assets;
pub mod config;
pub mod confirm;
pub mod csrf;
pub mod extract;
pub mod forms;
pub mod i18n;
pub mod layout;
pub mod middleware;
pub mod pager;
pub mod photos;
mod state;

pub use extract::{Form, Query};
pub use state::{
    AppState, ProfileSection, SESSION_COOKIE, SharedState, TenderSection, UPLOAD_LIMIT,
};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::accounts::{Actor, CurrentUser};
pub use crate::kernel::Lang;
use crate::kernel::error::{AppError, AppResult};

/// Session keys.
pub mod keys {
    /// The signed-in user's id.
    pub const USER_ID: &str = "uid";
    /// The account's session epoch when this session signed in (absent: 0). A password
    /// change or reset raises the account's, which ends every session stamped lower.
    pub const EPOCH: &str = "epoch";
    /// The CSRF token bound to the session.
    pub const CSRF: &str = "csrf";
    /// A one-shot message for the next page.
    pub const FLASH: &str = "flash";
    /// A sign-in whose password was right, waiting for its second factor (no user id yet).
    pub const PENDING_2FA: &str = "pending_2fa";
    /// Set at sign-in for a user whose role requires two-factor sign-in and who has not
    /// enrolled: every page but enrolment sends them there.
    pub const ENROL_FIRST: &str = "enrol_first";
}

/// The cookie a flash message travels in from a form's answer to the next page.
pub const FLASH_COOKIE: &str = "cb_flash";

/// Where a handler leaves the flash message for [`middleware::flash_cookie`] to put in a
/// cookie on the way out. A cookie, not the session: a flash then costs no session write
/// on the post nor on the page that shows it (two writer turns per form, which a booking
/// or bid burst queues behind).
#[derive(Debug, Clone, Default)]
pub struct FlashSlot(std::sync::Arc<std::sync::Mutex<Option<Flash>>>);

impl FlashSlot {
    fn put(&self, f: Flash) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(f);
        }
    }

    /// The message left, if any.
    pub fn take(&self) -> Option<Flash> {
        self.0.lock().ok().and_then(|mut g| g.take())
    }
}

/// A one-shot message shown at the top of the next page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Flash {
    /// `success`, `error` or `info`.
    pub kind: String,
    /// Localized text.
    pub text: String,
}

/// Everything a handler needs to know about the request beyond its own inputs.
pub struct Ctx {
    /// Interface language.
    pub lang: Lang,
    /// The session (created lazily: an anonymous visitor reading public pages has none).
    pub session: Session,
    /// The signed-in user.
    pub user: Option<CurrentUser>,
    /// The CSRF token, when the session has one.
    pub csrf: Option<String>,
    /// The flash message to show on this page (GET only).
    pub flash: Option<Flash>,
    /// Request path, for navigation highlighting and return links.
    pub path: String,
    /// The query string without `lang`, so switching the language keeps a search or filter.
    pub query: String,
    /// The client's address from [`config::Config::client_ip_source`], for log-in
    /// throttling.
    pub client_ip: Option<String>,
    /// Who runs the site, for the footer.
    pub site: std::sync::Arc<config::SiteInfo>,
    /// Where [`Ctx::set_flash`] leaves its message (absent outside the app's layers).
    pub flash_slot: Option<FlashSlot>,
}

impl Ctx {
    /// The policy's view of the user.
    pub fn actor(&self) -> Option<&Actor> {
        self.user.as_ref().map(|u| &u.actor)
    }

    /// Translates a key in the request's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The CSRF token, creating one (and so the session) if needed. Called by handlers that
    /// render a form.
    pub async fn ensure_csrf(&mut self) -> AppResult<String> {
        if let Some(t) = &self.csrf {
            return Ok(t.clone());
        }
        let t = csrf::new_token();
        self.session
            .insert(keys::CSRF, &t)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.csrf = Some(t.clone());
        Ok(t)
    }

    /// Leaves a message for the next page (in a cookie; in the session only where the
    /// cookie layer is absent).
    pub async fn set_flash(&self, kind: &str, text: String) -> AppResult<()> {
        let f = Flash {
            kind: kind.into(),
            text,
        };
        match &self.flash_slot {
            Some(slot) => {
                slot.put(f);
                Ok(())
            }
            None => self
                .session
                .insert(keys::FLASH, f)
                .await
                .map_err(|e| AppError::Internal(e.to_string())),
        }
    }

    /// The signed-in user or "log in first".
    pub fn require_user(&self) -> AppResult<&CurrentUser> {
        self.user.as_ref().ok_or(AppError::LoginRequired)
    }
}

/// The signed-in user of a session: the account of its user id, unless disabled, or signed
/// in under an older session epoch (its password changed since: the session no longer
/// counts, as if signed out).
pub async fn session_user(
    db: &sea_orm::DatabaseConnection,
    session: &Session,
) -> AppResult<Option<CurrentUser>> {
    let Some(uid) = session
        .get::<i64>(keys::USER_ID)
        .await
        .map_err(session_err)?
    else {
        return Ok(None);
    };
    let Some(user) = crate::accounts::load_current_user(db, uid).await? else {
        return Ok(None);
    };
    let epoch = session
        .get::<i64>(keys::EPOCH)
        .await
        .map_err(session_err)?
        .unwrap_or(0);
    Ok((epoch == user.session_epoch).then_some(user))
}

fn session_err(e: tower_sessions::session::Error) -> AppError {
    AppError::Internal(e.to_string())
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_request_parts(parts, state)
            .await
            .unwrap_or_default();
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, m)| AppError::Internal(m.to_string()))?;
        let mut user = None;
        let mut csrf = None;
        let mut flash = None;
        // Only a request that carries a cookie can have a session: skip the store otherwise,
        // which keeps anonymous public pages free of database round trips for sessions.
        if parts.headers.contains_key(axum::http::header::COOKIE) {
            user = session_user(&state.db, &session).await?;
            csrf = session
                .get::<String>(keys::CSRF)
                .await
                .map_err(session_err)?;
            if parts.method == Method::GET {
                flash = middleware::flash_from(&parts.headers);
            }
        }
        // From the configured source (the socket, or a trusted proxy's header); a request
        // without it (no such header) has no address and shares the "unknown" one.
        let client_ip = axum_client_ip::ClientIp::from_request_parts(parts, state)
            .await
            .ok()
            .map(|c| c.0.to_string());
        Ok(Ctx {
            lang,
            session,
            user,
            csrf,
            flash,
            path: parts.uri.path().to_string(),
            query: without_lang(parts.uri.query()),
            client_ip,
            site: state.config.site.clone(),
            flash_slot: parts.extensions.get::<FlashSlot>().cloned(),
        })
    }
}

/// A query string with any `lang` parameter removed.
pub(crate) fn without_lang(query: Option<&str>) -> String {
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang="))
        .collect::<Vec<_>>()
        .join("&")
}

impl Ctx {
    /// This page in the other language (keeping its query).
    pub fn other_lang_href(&self) -> String {
        let sep = if self.query.is_empty() { "" } else { "&" };
        format!(
            "{}?{}{sep}lang={}",
            self.path,
            self.query,
            self.lang.other().code()
        )
    }
}

/// A 303 redirect after a successful form post.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A page re-rendered because its form had errors: 422, so tools see the failure, with the
/// form and the typed values in the body.
pub fn unprocessable(markup: maud::Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, markup).into_response()
}

impl Ctx {
    /// Translates a key whose text has a `%{name}` placeholder.
    pub fn tf_name(&self, key: &str, name: &str) -> String {
        self.lang.tf(key, &[("name", name)])
    }
}

/// Parses an id path segment; anything else is "not found", not a 400.
pub fn parse_id(s: &str) -> AppResult<i64> {
    s.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or(AppError::NotFound)
}

/// A document rendered to PDF (`kernel::pdf`, off the async threads) as a response:
/// `application/pdf`, shown inline under the file name `name` (RFC 5987; `fallback`, plain
/// ASCII, for clients without it). A `private` one (a receipt) gets `Cache-Control: private,
/// no-store` like other private files.
pub async fn pdf_response(
    doc: crate::kernel::pdf::Document,
    fallback: &str,
    name: &str,
    private: bool,
) -> AppResult<Response> {
    use axum::http::{HeaderValue, header};
    let bytes = tokio::task::spawn_blocking(move || crate::kernel::pdf::render(&doc))
        .await
        .map_err(|e| AppError::Internal(format!("pdf task: {e}")))??;
    let disposition = format!(
        "inline; filename=\"{fallback}\"; filename*=UTF-8''{}",
        middleware::urlencode(name)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    let mut headers = vec![
        (header::CONTENT_TYPE, "application/pdf".to_string()),
        (header::CONTENT_DISPOSITION, disposition),
    ];
    if private {
        headers.push((header::CACHE_CONTROL, "private, no-store".to_string()));
    }
    for (k, v) in headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    Ok(res)
}

/// The platform's public address without a trailing slash (`CIVICBRIDGE_PUBLIC_URL`), printed
/// on PDFs and other documents that leave the site.
pub fn public_url(st: &AppState) -> String {
    st.config.ocds.base_url.trim_end_matches('/').to_string()
}

/// A private file as a download: `Content-Disposition: attachment` with the stored name
/// (RFC 5987, and `fallback` for clients without it), its media type, and
/// `Cache-Control: private, no-store` so no shared cache or browser history keeps it.
pub fn private_download(
    fallback: &str,
    name: &str,
    mime: String,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let disposition = format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        middleware::urlencode(name)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    for (k, v) in [
        (header::CONTENT_TYPE, mime),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CACHE_CONTROL, "private, no-store".to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    res
}
