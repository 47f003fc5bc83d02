//! The public home page and the health check.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use sea_orm::ConnectionTrait;

use crate::kernel::Lang;
use crate::kernel::error::AppResult;
use crate::orgs::OrgStats;
use crate::web::AppState;
use crate::web::{Ctx, layout};

/// `GET /`
pub async fn home(State(st): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let stats = crate::orgs::stats(&st.db, st.clock.today()).await?;
    let units = crate::units::count(&st.db).await?;
    let body = view(ctx.lang, &stats, units, ctx.user.is_some());
    Ok(layout::page(&ctx, &ctx.t("home.title"), body))
}

fn view(lang: Lang, s: &OrgStats, units: u64, signed_in: bool) -> Markup {
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

/// `GET /healthz`: 200 when the database answers.
pub async fn healthz(State(st): State<AppState>) -> Response {
    match st.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
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

/// `GET /api/v1/regions?parent=CODE`: the children of a division (the leagues/cities when no
/// parent is given), for cascading choices in other clients.
pub async fn regions_api(
    lang: Lang,
    crate::web::Query(q): crate::web::Query<RegionsQuery>,
) -> axum::Json<serde_json::Value> {
    let r = crate::regions::regions();
    let parent = if q.parent.is_empty() {
        crate::regions::REGION_CODE
    } else {
        q.parent.as_str()
    };
    let items: Vec<serde_json::Value> = r
        .children(parent)
        .map(|d| serde_json::json!({ "code": d.code, "name": r.name(&d.code, lang), "level": d.level }))
        .collect();
    axum::Json(serde_json::json!({ "parent": parent, "items": items }))
}

/// Query of the regions API.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RegionsQuery {
    #[serde(default)]
    parent: String,
}
