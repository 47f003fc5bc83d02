//! The published checkpoints: a page and its JSON mirror, with the public key and the exact
//! message each signature covers, so anyone can keep copies and check them.

use crate::web::Query;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use crate::kernel::error::AppResult;
use crate::web::{AppState, Ctx, layout};

/// How many checkpoints the page lists (the JSON pages through all of them).
const PAGE: u64 = 100;
/// How many checkpoints one JSON response carries.
const API_PAGE: u64 = 1000;

/// Query of the JSON: checkpoints after this id.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiQuery {
    /// Only checkpoints with a larger id (for fetching what is new since the last copy).
    #[serde(default)]
    #[param(minimum = 0)]
    after: Option<i64>,
}

/// The JSON document of `/api/v1/audit/checkpoints`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Published {
    /// The Ed25519 public key, hex.
    pub public_key: String,
    /// The message each signature covers, with its placeholders.
    pub message_format: &'static str,
    /// Oldest first.
    pub checkpoints: Vec<CheckpointJson>,
    /// The `after` value for the next page, when there may be more.
    pub next_after: Option<i64>,
}

/// One signed checkpoint of the audit chain.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CheckpointJson {
    /// Its id (the `after` cursor).
    pub id: i64,
    /// Chain position of the head.
    pub seq: i64,
    /// The head's hash, hex.
    pub head_hash: String,
    /// Unix seconds.
    pub at: i64,
    /// Entries in the chain up to `seq`.
    pub count: i64,
    /// Ed25519 signature (hex) of the message.
    pub signature: String,
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

/// The signed checkpoints of the audit chain, oldest first, 1000 at a time (`after` pages
/// on; `Link: rel="next"` names the next page).
#[utoipa::path(
    get,
    path = "/api/v1/audit/checkpoints",
    tag = "audit",
    params(ApiQuery),
    responses(
        (status = 200, description = "Checkpoints with the public key and the signed message format", body = Published),
        (status = 400, description = "An `after` that is not a whole number", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn api(State(st): State<AppState>, Query(q): Query<ApiQuery>) -> AppResult<Response> {
    let after = q.after.unwrap_or(0).max(0);
    let checkpoints = super::checkpoints(&st.db, after, API_PAGE).await?;
    let next_after = (checkpoints.len() as u64 == API_PAGE)
        .then(|| checkpoints.last().map(|c| c.id))
        .flatten();
    let doc = Published {
        public_key: st.audit_keys.public_hex(),
        message_format: MESSAGE_FORMAT,
        checkpoints: checkpoints
            .into_iter()
            .map(|c| CheckpointJson {
                id: c.id,
                seq: c.seq,
                head_hash: c.head_hash,
                at: c.at,
                count: c.count,
                signature: c.signature,
            })
            .collect(),
        next_after,
    };
    let mut res = Json(doc).into_response();
    if let Some(n) = next_after
        && let Ok(v) = axum::http::HeaderValue::from_str(&format!(
            "</api/v1/audit/checkpoints?after={n}>; rel=\"next\""
        ))
    {
        res.headers_mut().insert(axum::http::header::LINK, v);
    }
    Ok(res)
}
