//! The published checkpoints: a page and its JSON mirror, with the public key and the exact
//! message each signature covers, so anyone can keep copies and check them.

use crate::web::Query;
use axum::Json;
use axum::extract::State;
use maud::Markup;

use crate::kernel::error::AppResult;
use crate::web::{AppState, Ctx, layout};

/// How many checkpoints the page lists (the JSON pages through all of them).
const PAGE: u64 = 100;
/// How many checkpoints one JSON response carries.
const API_PAGE: u64 = 1000;

/// Query of the JSON: checkpoints after this id.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ApiQuery {
    /// Only checkpoints with a larger id (for fetching what is new since the last copy).
    #[serde(default)]
    after: String,
}

/// The JSON document of `/api/v1/audit/checkpoints`.
#[derive(Debug, serde::Serialize)]
pub struct Published {
    /// The Ed25519 public key, hex.
    pub public_key: String,
    /// The message each signature covers, with its placeholders.
    pub message_format: &'static str,
    /// Oldest first.
    pub checkpoints: Vec<super::StoredCheckpoint>,
    /// The `after` value for the next page, when there may be more.
    pub next_after: Option<i64>,
}

/// What the message format looks like, for people and tools.
pub const MESSAGE_FORMAT: &str =
    "civicbridge-audit-checkpoint/v1\\n{seq}\\n{head_hash}\\n{at}\\n{count}\\n";

/// `GET /audit/checkpoints`
pub async fn page(State(st): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let list = super::latest_checkpoints(&st.db, PAGE).await?;
    let title = ctx.t("audit.checkpoints.title");
    Ok(layout::page(
        &ctx,
        &title,
        super::views::checkpoints(ctx.lang, &st.audit_keys.public_hex(), MESSAGE_FORMAT, &list),
    ))
}

/// `GET /api/v1/audit/checkpoints`
pub async fn api(
    State(st): State<AppState>,
    Query(q): Query<ApiQuery>,
) -> AppResult<Json<Published>> {
    let after = q.after.trim().parse::<i64>().unwrap_or(0);
    let checkpoints = super::checkpoints(&st.db, after, API_PAGE).await?;
    let next_after = (checkpoints.len() as u64 == API_PAGE)
        .then(|| checkpoints.last().map(|c| c.id))
        .flatten();
    Ok(Json(Published {
        public_key: st.audit_keys.public_hex(),
        message_format: MESSAGE_FORMAT,
        checkpoints,
        next_after,
    }))
}
