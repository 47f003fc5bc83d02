//! Handlers of the search pages and `/api/v1/search`. Everything searched is public, so
//! these need no permission check; what is public is decided when documents are built
//! (`model::documents`).

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::places;
use super::rules::{self, Found, Kind, ParamError};
use super::{Fallback, SearchError, views};
use crate::kernel::error::{AppError, AppResult};
use crate::web::AppState;
use crate::web::{Ctx, Lang, layout};

/// Hits per kind on the page across kinds.
const PREVIEW: usize = 5;

/// The query's parameters, decoded strictly: broken UTF-8 is refused with 400 rather than
/// searched for as replacement characters.
fn params_of(raw: Option<String>, lang: Lang) -> AppResult<Vec<(String, String)>> {
    match raw {
        None => Ok(Vec::new()),
        Some(q) if !crate::web::extract::is_strict_utf8(q.as_bytes()) => {
            Err(AppError::BadRequest(lang.t("text.err.bad_utf8")))
        }
        Some(q) => Ok(serde_urlencoded::from_str(&q).unwrap_or_default()),
    }
}

fn engine_error(e: SearchError, lang: Lang) -> AppError {
    match e {
        SearchError::Engine(m) => {
            tracing::warn!(error = %m, "search engine unavailable");
            AppError::Unavailable(lang.t("search.unavailable"))
        }
        SearchError::Invalid(m) => AppError::Internal(m),
    }
}

async fn find(
    st: &AppState,
    kind: Kind,
    req: &rules::Request,
    lang: Lang,
) -> AppResult<super::Outcome> {
    super::find(st.search.backend().as_ref(), kind, req)
        .await
        .map_err(|e| engine_error(e, lang))
}

async fn run(st: &AppState, kind: Kind, req: &rules::Request, lang: Lang) -> AppResult<Found> {
    st.search
        .backend()
        .search(kind, req)
        .await
        .map_err(|e| engine_error(e, lang))
}

async fn kind_page(
    st: &AppState,
    ctx: &Ctx,
    kind: Kind,
    params: &[(String, String)],
) -> AppResult<Markup> {
    let (mut req, page, errors) = rules::parse_params(kind, params, rules::PER_PAGE);
    let typed = req.text.clone();
    let place = places::understand(&mut req, params);
    // No dead end: when the words find nothing, names that sound like them (a homophone slip
    // of an input method), else names by their characters, and how many of the other kind
    // the words find.
    let outcome = find(st, kind, &req, ctx.lang).await?;
    let found = outcome.found;
    let mut tokens = rules::match_tokens(&rules::analyze(kind.def(), &typed));
    if outcome.fallback == Some(Fallback::SoundsLike) {
        tokens.clear();
    }
    let mut other_total = None;
    // The words found nothing (whether or not a fallback did): say what the other kind has.
    if (outcome.fallback.is_some() || found.total == 0) && !req.text.is_empty() {
        let other = kind.other();
        let count = rules::Request {
            text: req.text.clone(),
            limit: 0,
            facets: false,
            ..Default::default()
        };
        other_total = Some(run(st, other, &count, ctx.lang).await?.total);
    }
    let title = ctx.t(&format!("search.title.{}", kind.code()));
    let body = views::kind_page(
        &views::KindPage {
            kind,
            params,
            text: &typed,
            place: place.as_ref(),
            fallback: outcome.fallback,
            other_total,
            tokens: &tokens,
            found: &found,
            page,
            per_page: rules::PER_PAGE,
            errors: &errors,
        },
        ctx.lang,
    );
    Ok(layout::page(ctx, &title, body))
}

/// `GET /search`: every kind at once (or one kind with `kind=`).
pub async fn all(
    State(st): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Markup> {
    let params = params_of(raw, ctx.lang)?;
    if let Some(kind) = params
        .iter()
        .find(|(k, _)| k == "kind")
        .and_then(|(_, v)| Kind::parse(v))
    {
        return kind_page(&st, &ctx, kind, &params).await;
    }
    let only_q: Vec<(String, String)> = params.iter().filter(|(k, _)| k == "q").cloned().collect();
    let mut results = Vec::new();
    let mut errors: Vec<ParamError> = Vec::new();
    let mut text = String::new();
    let mut tokens = Vec::new();
    let mut place = None;
    let mut close = Vec::new();
    for kind in Kind::ALL {
        let (mut req, _, errs) = rules::parse_params(kind, &only_q, PREVIEW);
        req.facets = false;
        text = req.text.clone();
        place = places::understand(&mut req, &params);
        for e in errs {
            if !errors.contains(&e) {
                errors.push(e);
            }
        }
        tokens.extend(rules::match_tokens(&rules::analyze(kind.def(), &text)));
        let outcome = find(&st, kind, &req, ctx.lang).await?;
        if outcome.fallback.is_some() {
            close.push(kind);
        }
        results.push((kind, outcome.found));
    }
    tokens.sort();
    tokens.dedup();
    let body = views::all_page(
        &text,
        place.as_ref(),
        &close,
        &tokens,
        &results,
        &errors,
        ctx.lang,
    );
    Ok(layout::page(&ctx, &ctx.t("search.title.all"), body))
}

/// How many suggestions of each sort the header box offers.
const SUGGEST: usize = 5;

/// `GET /search/suggest?q=`: the header box's suggestions as a `<datalist>` (htmx swaps it in
/// as one types; the browser's own list is keyboard-navigable and announced): names of
/// organizations and tenders the words find, places and service domains that start so.
/// Without JavaScript it is never asked for and the box is a plain form.
pub async fn suggest(
    State(st): State<AppState>,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> AppResult<Markup> {
    let params = params_of(raw, lang)?;
    let q: String = params
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().chars().take(rules::MAX_QUERY_CHARS).collect())
        .unwrap_or_default();
    let mut options: Vec<String> = Vec::new();
    if q.chars()
        .any(|c| !crate::kernel::text::allowed(c, crate::kernel::text::Kind::Line))
    {
        return Ok(views::suggestions(&options));
    }
    if !q.is_empty() {
        for kind in Kind::ALL {
            let req = rules::Request {
                text: q.clone(),
                limit: SUGGEST,
                facets: false,
                ..Default::default()
            };
            // Suggestions are a convenience: an engine outage leaves them empty, not an error.
            if let Ok(found) = st.search.backend().search(kind, &req).await {
                let attr = if kind == Kind::Tenders {
                    "title"
                } else {
                    "name"
                };
                options.extend(
                    found
                        .hits
                        .iter()
                        .filter_map(|h| h.get(attr)?.as_str().map(str::to_string)),
                );
            }
        }
        options.extend(places::suggest(&q, SUGGEST));
        options.extend(
            crate::orgs::DOMAINS
                .iter()
                .map(|(code, _, _)| crate::orgs::domain_label(code, lang))
                .filter(|label| label.to_lowercase().contains(&q.to_lowercase())),
        );
    }
    let mut seen = std::collections::HashSet::new();
    options.retain(|o| seen.insert(o.clone()));
    Ok(views::suggestions(&options))
}

/// `GET /search/tenders`
pub async fn tenders(
    State(st): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Markup> {
    kind_page(&st, &ctx, Kind::Tenders, &params_of(raw, ctx.lang)?).await
}

/// `GET /search/orgs`
pub async fn orgs(
    State(st): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Markup> {
    kind_page(&st, &ctx, Kind::Orgs, &params_of(raw, ctx.lang)?).await
}

/// `GET /search/brands`
pub async fn brands(
    State(st): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> AppResult<Markup> {
    kind_page(&st, &ctx, Kind::Brands, &params_of(raw, ctx.lang)?).await
}

fn api_error_text(e: &ParamError, lang: Lang) -> serde_json::Value {
    let (param, value) = match e {
        ParamError::QueryTooLong | ParamError::QueryControl => ("q", String::new()),
        ParamError::Page(v) => ("page", v.clone()),
        ParamError::Sort(v) => ("sort", v.clone()),
        ParamError::Facet { param, value } => (param.as_str(), value.clone()),
    };
    let message = views::param_error_text(e, lang);
    serde_json::json!({ "param": param, "value": value, "message": message })
}

fn hits_json(kind: Kind, found: &Found, tokens: &[String]) -> Vec<serde_json::Value> {
    let def = kind.def();
    found
        .hits
        .iter()
        .map(|h| {
            let mut h = h.clone();
            let marks: serde_json::Map<String, serde_json::Value> = def
                .ext
                .highlight
                .iter()
                .filter_map(|a| {
                    let text = h.get(a)?.as_str()?;
                    let p = rules::highlight(text, tokens, 200);
                    p.iter()
                        .any(|x| x.hit)
                        .then(|| (a.clone(), serde_json::json!(p)))
                })
                .collect();
            h.insert("_highlight".into(), serde_json::Value::Object(marks));
            serde_json::Value::Object(h)
        })
        .collect()
}

/// `GET /api/v1/search`: the same parameters as the pages, plus `kind` (`tenders`, `orgs`,
/// `brands`; absent for all) and `per_page` (≤ 100). Unusable parameters get 422 with a message each.
pub async fn api(
    State(st): State<AppState>,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let params = params_of(raw, lang)?;
    let get = |n: &str| params.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let mut errors = Vec::new();
    let kinds: Vec<Kind> = match get("kind").filter(|k| !k.is_empty()) {
        None | Some("all") => Kind::ALL.to_vec(),
        Some(k) => match Kind::parse(k) {
            Some(k) => vec![k],
            None => {
                errors.push(serde_json::json!({ "param": "kind", "value": k, "message": lang.tf("search.err.kind", &[("value", k)]) }));
                vec![]
            }
        },
    };
    let per_page = match get("per_page").filter(|v| !v.is_empty()) {
        None => rules::PER_PAGE,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=rules::MAX_PER_PAGE).contains(&n) => n,
            _ => {
                errors.push(serde_json::json!({ "param": "per_page", "value": v, "message": lang.tf("search.err.per_page", &[("max", &rules::MAX_PER_PAGE.to_string())]) }));
                rules::PER_PAGE
            }
        },
    };
    let mut parsed = Vec::new();
    for kind in &kinds {
        let (mut req, page, errs) = rules::parse_params(*kind, &params, per_page);
        let typed = req.text.clone();
        let place = places::understand(&mut req, &params);
        for e in &errs {
            // A facet of the other kind is fine when both kinds are searched.
            let foreign = matches!(e, ParamError::Facet { param, .. } if kinds.len() > 1 && !rules::facets_of(*kind).any(|(p, _)| p == param));
            let j = api_error_text(e, lang);
            if !foreign && !errors.contains(&j) {
                errors.push(j);
            }
        }
        parsed.push((*kind, req, page, typed, place));
    }
    if !errors.is_empty() {
        let body = serde_json::json!({ "error": { "status": 422, "title": lang.t("search.err.title"), "params": errors } });
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
    }
    let mut out = serde_json::Map::new();
    for (kind, req, page, typed, place) in parsed {
        let outcome = find(&st, kind, &req, lang).await?;
        let found = outcome.found;
        let tokens = rules::match_tokens(&rules::analyze(kind.def(), &typed));
        let facets: serde_json::Map<String, serde_json::Value> = rules::facets_of(kind)
            .map(|(param, attr)| {
                let values: Vec<serde_json::Value> = found
                    .facets
                    .get(attr)
                    .map(|v| {
                        v.iter()
                            .map(|(value, n)| serde_json::json!({ "value": value, "count": n }))
                            .collect()
                    })
                    .unwrap_or_default();
                (param.to_string(), serde_json::Value::Array(values))
            })
            .collect();
        out.insert(
            kind.code().to_string(),
            serde_json::json!({
                "query": typed,
                // The place the query named, applied as a filter (`literal=1` turns it off).
                "place": place.map(|p| serde_json::json!({ "code": p.code, "name": p.name, "term": p.term })),
                // `sounds_like` or `characters` when the words found nothing and a fallback did.
                "fallback": outcome.fallback.map(|f| match f {
                    Fallback::SoundsLike => "sounds_like",
                    Fallback::Characters => "characters",
                }),
                "total": found.total,
                "page": page,
                "per_page": per_page,
                "pages": rules::page_count(found.total, per_page),
                "hits": hits_json(kind, &found, &tokens),
                "facets": facets,
            }),
        );
    }
    Ok(Json(serde_json::Value::Object(out)).into_response())
}
