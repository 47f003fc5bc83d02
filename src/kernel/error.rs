//! The one error type. A handler returns `AppError`; the response carries an [`ErrorKind`]
//! marker and the error middleware in `web` renders it as an HTML page in the user's language
//! or as JSON under `/api/`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What went wrong, as the user should learn it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page or record.
    #[error("not found")]
    NotFound,
    /// Signed in, but the policy says no.
    #[error("forbidden")]
    Forbidden,
    /// The action needs a signed-in user.
    #[error("login required")]
    LoginRequired,
    /// Missing or wrong CSRF token.
    #[error("csrf token missing or invalid")]
    Csrf,
    /// A request that cannot be understood; the message is already localized.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Database failure: logged, never shown in detail.
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// Anything else unexpected: logged, never shown in detail.
    #[error("internal error: {0}")]
    Internal(String),
    /// A service the page needs (the search engine) is down; the message is localized and
    /// the cause is logged.
    #[error("service unavailable: {0}")]
    Unavailable(String),
}

/// Marker put on error responses so the error middleware knows how to render them.
#[derive(Debug, Clone)]
pub struct ErrorKind {
    /// Status to show.
    pub status: StatusCode,
    /// Localized message to show instead of the generic one for the status, if any.
    pub message: Option<String>,
}

impl AppError {
    /// HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::LoginRequired => StatusCode::UNAUTHORIZED,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let message = match &self {
            AppError::BadRequest(m) => Some(m.clone()),
            AppError::Csrf => Some("csrf".to_string()),
            AppError::Unavailable(m) => Some(m.clone()),
            _ => None,
        };
        let mut res = (status, status.canonical_reason().unwrap_or("error")).into_response();
        res.extensions_mut().insert(ErrorKind { status, message });
        res
    }
}

/// Result of a handler.
pub type AppResult<T> = Result<T, AppError>;

/// Per-field validation messages (already localized), in form order. A form that fails
/// validation is rendered again with these next to the fields and the typed values kept.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(&'static str, String)>);

impl FieldErrors {
    /// Adds a message for a field.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    /// The first message for a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// True when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when empty, else the errors.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}
