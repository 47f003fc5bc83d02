//! The public home page and the health check.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::kernel::Lang;
use crate::kernel::error::AppResult;
use crate::orgs::OrgStats;
use crate::web::AppState;
use crate::web::{Ctx, layout};

/// Notices listed on the home page.
pub const LATEST_NOTICES: u64 = 8;

/// `GET /`
pub async fn home(State(st): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let stats = crate::orgs::stats(&st.db, st.clock.today()).await?;
    let units = crate::units::count(&st.db).await?;
    let notices = crate::opendata::latest_notices(&st.db, LATEST_NOTICES).await?;
    let body = view(ctx.lang, &stats, units, ctx.user.is_some(), &notices);
    Ok(layout::page(&ctx, &ctx.t("home.title"), body))
}

fn view(
    lang: Lang,
    s: &OrgStats,
    units: u64,
    signed_in: bool,
    notices: &[crate::opendata::StoredNotice],
) -> Markup {
    let stat = |v: u64, key: &str| {
        html! { div.stat { span.stat-value { (v) } span.stat-label { (lang.t(key)) } } }
    };
    html! {
        section.hero {
            h1 { (lang.t("home.title")) }
            p.lead { (lang.t("home.lead")) }
            div.hero-actions {
                a.btn.btn-primary href="/orgs" { (lang.t("home.browse_orgs")) }
                a.btn.btn-secondary href="/calls" { (lang.t("call.list_title")) }
                a.btn.btn-secondary href="/incubators" { (lang.t("incubator.directory_title")) }
                a.btn.btn-secondary href="/brands" { (lang.t("home.browse_brands")) }
                @if signed_in { a.btn.btn-secondary href="/me" { (lang.t("nav.me")) } }
                @else { a.btn.btn-secondary href="/signup" { (lang.t("nav.signup")) } }
            }
        }
        div.stats {
            (stat(s.total, "home.stat_orgs"))
            (stat(s.social, "home.stat_social"))
            (stat(s.rated_3a, "home.stat_rated"))
            (stat(units, "home.stat_units"))
            (stat(s.listed, "home.stat_listed"))
        }
        (crate::opendata::views::notices::latest(lang, notices))
        h2 { (lang.t("home.who")) }
        div.cards {
            div.card { h3 { (lang.t("home.card_buyers")) } p { (lang.t("home.card_buyers_text")) } }
            div.card { h3 { (lang.t("home.card_orgs")) } p { (lang.t("home.card_orgs_text")) } }
            div.card { h3 { (lang.t("home.card_regulators")) } p { (lang.t("home.card_regulators_text")) } }
            div.card { h3 { (lang.t("home.card_public")) } p { (lang.t("home.card_public_text")) } }
        }
        section.section {
            h2 { (lang.t("home.target_title")) }
            p { (lang.t("home.target_text")) }
        }
    }
}

/// `GET /healthz`: 200 when the database answers. The answer is at most a second old
/// (`kernel::db::Probe`): a probe's cost is the middleware's, not a database round trip, and
/// a busy load balancer cannot add load to the database.
pub async fn healthz(State(st): State<AppState>) -> Response {
    match st.probe.check(&st.db).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `GET /readyz`: 200 once the instance can serve everything — migrations ran (before the
/// server listens) and the search indexes are built — and the database answers; 503 before.
/// `/healthz` stays the liveness check.
pub async fn readyz(State(st): State<AppState>) -> Response {
    if !st.ready.load(std::sync::atomic::Ordering::Acquire) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "starting: building the search indexes",
        )
            .into_response();
    }
    healthz(State(st)).await
}

/// The children of a division (the leagues/cities when no parent is given), for cascading
/// choices in other clients.
#[utoipa::path(
    get,
    path = "/api/v1/regions",
    tag = "regions",
    params(RegionsQuery),
    responses(
        (status = 200, description = "The divisions under the parent (none for an unknown code)", body = RegionsJson),
        (status = 400, description = "A query string that cannot be decoded", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn regions_api(
    lang: Lang,
    crate::web::Query(q): crate::web::Query<RegionsQuery>,
) -> axum::Json<RegionsJson> {
    let r = crate::regions::regions();
    let parent = match q.parent.as_deref().map(str::trim) {
        None | Some("") => crate::regions::REGION_CODE,
        Some(p) => p,
    };
    let items = r
        .children(parent)
        .map(|d| RegionJson {
            code: d.code.clone(),
            name: r.name(&d.code, lang),
            level: d.level.code().to_string(),
        })
        .collect();
    axum::Json(RegionsJson {
        parent: parent.to_string(),
        items,
    })
}

/// Query of the regions API.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionsQuery {
    /// The parent division's code (GB/T 2260); the region when absent.
    #[serde(default)]
    parent: Option<String>,
}

/// The children of one division.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RegionsJson {
    /// The parent's code.
    pub parent: String,
    /// Its children, in code order.
    pub items: Vec<RegionJson>,
}

/// One division.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RegionJson {
    /// GB/T 2260 code.
    pub code: String,
    /// Name in the request's language.
    pub name: String,
    /// Level code: `region`, `league_city`, `banner_county` or `township`.
    pub level: String,
}
