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
use crate::web::api::ParamProblem;
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
    let params = &rules::carried_params(kind, params);
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
            building: st.search.building(),
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
        &views::AllPage {
            q: &text,
            place: place.as_ref(),
            close: &close,
            tokens: &tokens,
            results: &results,
            errors: &errors,
            building: st.search.building(),
        },
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

fn api_error_text(e: &ParamError, lang: Lang) -> ParamProblem {
    let (param, value) = match e {
        ParamError::QueryTooLong | ParamError::QueryControl => ("q", String::new()),
        ParamError::Page(v) => ("page", v.clone()),
        ParamError::Sort(v) => ("sort", v.clone()),
        ParamError::Facet { param, value } => (param.as_str(), value.clone()),
    };
    ParamProblem {
        param: param.to_string(),
        value,
        message: views::param_error_text(e, lang),
    }
}

/// The parameters of `/api/v1/search`, as documented; the handler reads them from the raw
/// query because facets depend on the kind.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchApiQuery {
    /// The words searched for (at most 100 characters, no control characters); empty
    /// lists everything.
    #[param(max_length = 100)]
    q: Option<String>,
    /// `tenders`, `orgs` or `brands`; absent or `all` for all three.
    #[param(pattern = "^(all|tenders|orgs|brands)?$")]
    kind: Option<String>,
    /// The page, from 1 (default 1).
    #[param(minimum = 1, maximum = 10000)]
    page: Option<u64>,
    /// Hits per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u64>,
    /// `relevance` (default) or a sort of the kind (`newest`, `deadline`, `budget`, …).
    sort: Option<String>,
    /// `1` to take the words literally (no place recognized in them).
    literal: Option<String>,
    /// Facet: tender state code.
    state: Option<String>,
    /// Facet: procurement method code.
    method: Option<String>,
    /// Facet: service domain code.
    domain: Option<String>,
    /// Facet: budget band code.
    budget: Option<String>,
    /// Facet: league/city code.
    league: Option<String>,
    /// Facet: banner/county code.
    county: Option<String>,
    /// Facet: organization kind code.
    #[param(rename = "type")]
    r#type: Option<String>,
    /// Facet: minimum rating grade.
    rating: Option<String>,
    /// Facet: credit status code.
    credit: Option<String>,
    /// Facet: brand recognized (`1`).
    recognized: Option<String>,
    /// Facet: year of a brand's recognition.
    recognized_year: Option<String>,
}

/// What the search found, by kind (only the kinds searched are present).
#[derive(Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct SearchJson {
    /// Tenders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenders: Option<KindResults>,
    /// Organizations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orgs: Option<KindResults>,
    /// Brand projects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brands: Option<KindResults>,
}

/// One kind's results.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct KindResults {
    /// The words searched for, as typed (without the place taken from them).
    pub query: String,
    /// The place the query named, applied as a filter (`literal=1` turns it off).
    pub place: Option<PlaceJson>,
    /// `sounds_like` or `characters` when the words found nothing and a fallback did.
    pub fallback: Option<String>,
    /// All matches.
    pub total: u64,
    /// This page, from 1.
    pub page: u64,
    /// Hits per page.
    pub per_page: u64,
    /// Pages.
    pub pages: u64,
    /// The page's hits: the displayed attributes of each document, and `_highlight` with
    /// the matching pieces of the highlighted ones.
    #[schema(value_type = Vec<Object>)]
    pub hits: Vec<serde_json::Value>,
    /// Facet parameter → the values found with their counts.
    pub facets: std::collections::BTreeMap<String, Vec<FacetCount>>,
}

/// A place taken from the query.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PlaceJson {
    /// Division code.
    pub code: String,
    /// Its full name.
    pub name: String,
    /// The words taken as the place.
    pub term: String,
}

/// One facet value.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FacetCount {
    /// The value (as the facet parameter takes it).
    pub value: String,
    /// Matches with it.
    pub count: u64,
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

/// Searches tenders, organizations and brand projects with the same parameters as the
/// pages, plus `kind` and `per_page`. Unusable parameters get 422 with a message each. When
/// one kind is searched, `Link` and `X-Total-Count` headers page through it.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchApiQuery),
    responses(
        (status = 200, description = "Results by kind", body = SearchJson),
        (status = 400, description = "A query string that is not UTF-8", body = crate::web::api::ApiError),
        (status = 422, description = "Unusable parameters, one message each", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
        (status = 503, description = "The search engine is down", body = crate::web::api::ApiError),
    )
)]
pub async fn api(
    State(st): State<AppState>,
    lang: Lang,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let params = params_of(raw, lang)?;
    let get = |n: &str| params.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let mut errors: Vec<ParamProblem> = Vec::new();
    let kinds: Vec<Kind> = match get("kind").filter(|k| !k.is_empty()) {
        None | Some("all") => Kind::ALL.to_vec(),
        Some(k) => match Kind::parse(k) {
            Some(k) => vec![k],
            None => {
                errors.push(ParamProblem {
                    param: "kind".into(),
                    value: k.to_string(),
                    message: lang.tf("search.err.kind", &[("value", k)]),
                });
                vec![]
            }
        },
    };
    let per_page = match get("per_page").filter(|v| !v.is_empty()) {
        None => rules::PER_PAGE,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=rules::MAX_PER_PAGE).contains(&n) => n,
            _ => {
                errors.push(ParamProblem {
                    param: "per_page".into(),
                    value: v.to_string(),
                    message: lang.tf(
                        "search.err.per_page",
                        &[("max", &rules::MAX_PER_PAGE.to_string())],
                    ),
                });
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
        // The title the search pages use for the same refusal; the message joins the
        // parameters' messages.
        let message = errors
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        return Ok(crate::web::api::error_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.t("search.err.title"),
            message,
            errors,
        ));
    }
    let mut out = SearchJson::default();
    let mut single = None;
    for (kind, req, page, typed, place) in parsed {
        let outcome = find(&st, kind, &req, lang).await?;
        let found = outcome.found;
        let tokens = rules::match_tokens(&rules::analyze(kind.def(), &typed));
        let facets = rules::facets_of(kind)
            .map(|(param, attr)| {
                let values = found
                    .facets
                    .get(attr)
                    .map(|v| {
                        v.iter()
                            .map(|(value, n)| FacetCount {
                                value: value.clone(),
                                count: *n,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                (param.to_string(), values)
            })
            .collect();
        let results = KindResults {
            query: typed,
            place: place.map(|p| PlaceJson {
                code: p.code,
                name: p.name,
                term: p.term,
            }),
            fallback: outcome.fallback.map(|f| {
                match f {
                    Fallback::SoundsLike => "sounds_like",
                    Fallback::Characters => "characters",
                }
                .to_string()
            }),
            total: found.total,
            page: page as u64,
            per_page: per_page as u64,
            pages: rules::page_count(found.total, per_page) as u64,
            hits: hits_json(kind, &found, &tokens),
            facets,
        };
        if kinds.len() == 1 {
            single = Some((page as u64, found.total));
        }
        match kind {
            Kind::Tenders => out.tenders = Some(results),
            Kind::Orgs => out.orgs = Some(results),
            Kind::Brands => out.brands = Some(results),
        }
    }
    let mut res = Json(out).into_response();
    if let Some((page, total)) = single {
        let paging = crate::web::api::Paging {
            page,
            per_page: per_page as u64,
        };
        let link = crate::web::api::link_header(uri.path(), uri.query(), paging, total);
        crate::web::api::with_paging_headers(res.headers_mut(), &link, total);
    }
    Ok(res)
}
