//! The open data on the web: the OCDS API under `/api/v1/ocds/`, the yearly bulk files with
//! `ETag`/`Last-Modified` and `304`, and the `/data` page, all public; and the red-flag pages
//! under `/data/flags`, for regulators only.

pub mod notices;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::rules::{self, Record, RecordPackage, ReleasePackage};
use super::{flag_rules, views};
use crate::accounts::{Action, require};
use crate::kernel::error::{AppError, AppResult};
use crate::web::{AppState, Ctx, Lang, Query, layout, parse_id};

/// The default page size of `/api/v1/ocds/releases`.
pub const DEFAULT_PAGE: u64 = 100;

/// Query of `/api/v1/ocds/releases`. Read as text and checked by the handler, so an unusable
/// value gets a message naming the parameter (400).
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReleasesQuery {
    /// Only releases dated at or after: a day `YYYY-MM-DD` (from midnight Asia/Shanghai) or
    /// an RFC 3339 instant.
    #[serde(default)]
    #[param(value_type = Option<String>, example = "2026-01-01")]
    since: String,
    /// The `cursor` of the previous page's `links.next` (a positive whole number).
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1)]
    cursor: String,
    /// Releases per page, 1–500 (default 100).
    #[serde(default)]
    #[param(value_type = Option<u64>, minimum = 1, maximum = 500)]
    per_page: String,
}

/// Paging links of a release list.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Links {
    /// The next (older) page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A page of releases: an OCDS 1.1.5 release package with the paging links of the OCDS
/// API pattern.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReleasePage {
    /// The package.
    #[serde(flatten)]
    pub package: ReleasePackage,
    /// Where the next page is.
    pub links: Links,
}

fn query_string(since: &str, cursor: Option<i64>, per_page: u64) -> String {
    let mut q = vec![format!("per_page={per_page}")];
    if !since.is_empty() {
        q.push(format!(
            "since={}",
            crate::web::middleware::urlencode(since)
        ));
    }
    if let Some(c) = cursor {
        q.push(format!("cursor={c}"));
    }
    q.join("&")
}

/// OCDS releases, newest first, as a release package a page at a time.
///
/// `GET /api/v1/ocds/releases?since=…&cursor=…&per_page=…`. The cursor is the position of
/// the last release shown, and the next page holds the releases recorded before it, so
/// releases recorded meanwhile never shift a page (no skips, no repeats); they are at the
/// top of a fresh first page.
#[utoipa::path(
    get,
    path = "/api/v1/ocds/releases",
    tag = "ocds",
    params(ReleasesQuery),
    responses(
        (status = 200, description = "A release package (OCDS 1.1.5) with `links.next`, also sent as `Link: <…>; rel=\"next\"`, absent on the last page", body = ReleasePage),
        (status = 400, description = "An unusable `since`, `cursor` or `per_page`, or a query string that cannot be decoded", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn releases(
    State(st): State<AppState>,
    lang: Lang,
    Query(q): Query<ReleasesQuery>,
) -> AppResult<Response> {
    let since = match q.since.trim() {
        "" => None,
        s => Some(
            rules::parse_since(s)
                .ok_or_else(|| AppError::BadRequest(lang.t("opendata.err.since")))?,
        ),
    };
    let cursor = match q.cursor.trim() {
        "" => None,
        s => Some(
            rules::parse_cursor(s)
                .ok_or_else(|| AppError::BadRequest(lang.t("opendata.err.cursor")))?,
        ),
    };
    let per_page = match q.per_page.trim() {
        "" => DEFAULT_PAGE,
        s => s
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=super::MAX_PAGE).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(lang.tf(
                    "opendata.err.per_page",
                    &[("max", &super::MAX_PAGE.to_string())],
                ))
            })?,
    };
    let rows = super::page(&st.db, cursor, since, per_page).await?;
    let s = super::settings();
    let next_cursor = (rows.len() as u64 == per_page)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let since_text = q.since.trim();
    let base = format!("{}/api/v1/ocds/releases", s.base_url);
    let uri = format!("{base}?{}", query_string(since_text, cursor, per_page));
    let next =
        next_cursor.map(|c| format!("{base}?{}", query_string(since_text, Some(c), per_page)));
    let page = ReleasePage {
        package: rules::release_package(&s, uri, st.clock.now(), super::raw(rows)?),
        links: Links { next: next.clone() },
    };
    let mut res = Json(page).into_response();
    if let Some(n) = next
        && let Ok(v) = HeaderValue::from_str(&format!("<{n}>; rel=\"next\""))
    {
        res.headers_mut().insert(header::LINK, v);
    }
    Ok(res)
}

/// One OCDS release, in a release package (a release never changes once published).
///
/// `GET /api/v1/ocds/releases/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/ocds/releases/{id}",
    tag = "ocds",
    params(("id" = String, Path, description = "The release's id, `<ocid>-<n>-<tag>`", example = "ocds-cbtest-tender-2-1-tender")),
    responses(
        (status = 200, description = "A release package holding that one release", body = ReleasePackage),
        (status = 400, description = "A path that cannot be decoded", body = crate::web::api::ApiError),
        (status = 404, description = "No such release", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn release(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<ReleasePackage>> {
    if !rules::plausible_id(&id) {
        return Err(AppError::NotFound);
    }
    let row = super::by_release_id(&st.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let s = super::settings();
    Ok(Json(rules::release_package(
        &s,
        rules::release_url(&s, &id),
        st.clock.now(),
        super::raw(vec![row])?,
    )))
}

/// The OCDS record of a contracting process (a tender): its releases linked and compiled.
///
/// `GET /api/v1/ocds/records/{ocid}`.
#[utoipa::path(
    get,
    path = "/api/v1/ocds/records/{ocid}",
    tag = "ocds",
    params(("ocid" = String, Path, description = "The process's ocid, `<prefix>-tender-<tender id>`", example = "ocds-cbtest-tender-2")),
    responses(
        (status = 200, description = "A record package holding the process's record", body = RecordPackage),
        (status = 400, description = "A path that cannot be decoded", body = crate::web::api::ApiError),
        (status = 404, description = "No such process, or one with nothing public (a draft)", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn record(
    State(st): State<AppState>,
    Path(ocid): Path<String>,
) -> AppResult<Json<RecordPackage>> {
    if !rules::plausible_id(&ocid) {
        return Err(AppError::NotFound);
    }
    let rec: Record = super::record(&st.db, &ocid)
        .await?
        .ok_or(AppError::NotFound)?;
    let s = super::settings();
    let uri = format!("{}/api/v1/ocds/records/{ocid}", s.base_url);
    Ok(Json(rules::record_package(
        &s,
        uri,
        st.clock.now(),
        vec![rec],
    )))
}

/// The body of a bulk file: gzip bytes (`application/gzip`).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Gzip(pub Vec<u8>);

impl IntoResponse for Gzip {
    fn into_response(self) -> Response {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/gzip"),
            )],
            self.0,
        )
            .into_response()
    }
}

/// An HTTP date (`Last-Modified`), always GMT.
pub fn http_date(unix: i64) -> String {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .format(&fmt)
        .unwrap_or_default()
}

fn parse_http_date(s: &str) -> Option<i64> {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(s.trim(), &fmt)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

/// Whether the client's copy is current: `If-None-Match` decides when sent (RFC 9110),
/// else `If-Modified-Since`.
fn not_modified(h: &HeaderMap, etag: &str, last_modified: i64) -> bool {
    if let Some(inm) = h.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return inm
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag);
    }
    h.get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_http_date)
        .is_some_and(|since| last_modified <= since)
}

/// A year's releases in one file: OCDS 1.1.5 releases as JSON Lines, gzip-compressed.
///
/// `GET /api/v1/ocds/bulk/{file}`: the file (`ocds-releases-2026.jsonl.gz`) as the job last
/// wrote it, with a strong `ETag` and `Last-Modified`; `304` when the client's copy is
/// current. The `/data` page lists the files there are.
#[utoipa::path(
    get,
    path = "/api/v1/ocds/bulk/{file}",
    tag = "ocds",
    params(
        ("file" = String, Path, description = "The file's name, `ocds-releases-<year>.jsonl.gz` (the year in Asia/Shanghai)", pattern = r"^ocds-releases-[0-9]{4}\.jsonl\.gz$", example = "ocds-releases-2026.jsonl.gz"),
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` of the copy the client has (or `*`): 304 when it is current"),
        ("If-Modified-Since" = Option<String>, Header, description = "The `Last-Modified` of the copy the client has (an HTTP date; ignored when `If-None-Match` is sent): 304 when nothing is newer"),
    ),
    responses(
        (status = 200, description = "The file: one OCDS 1.1.5 release per line (https://standard.open-contracting.org/1.1/en/schema/release/), in the order they were recorded, gzip-compressed",
            content_type = "application/gzip", body = Gzip,
            headers(
                ("ETag" = String, description = "Strong validator: the SHA-256 of the file"),
                ("Last-Modified" = String, description = "The newest release's instant (HTTP date)"),
                ("Content-Disposition" = String, description = "`attachment` with the file's name"),
            )),
        (status = 304, description = "The client's copy is current (no body)",
            headers(
                ("ETag" = String, description = "The file's validator"),
                ("Last-Modified" = String, description = "The newest release's instant (HTTP date)"),
            )),
        (status = 400, description = "A path that cannot be decoded", body = crate::web::api::ApiError),
        (status = 404, description = "No such file (the year has no releases, or the name is not a bulk file's)", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn bulk(
    State(st): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let dir = super::bulk_dir(&st.config.data_dir);
    let Some(f) = super::bulk_files(&dir)
        .into_iter()
        .find(|f| super::bulk_name(f.year) == file)
    else {
        return Err(AppError::NotFound);
    };
    let etag = format!("\"{}\"", f.etag);
    let mut res = if not_modified(&headers, &etag, f.last_modified) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let bytes = match tokio::fs::read(dir.join(&file)).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AppError::NotFound),
            Err(e) => return Err(AppError::Internal(format!("bulk file {file}: {e}"))),
        };
        let mut r = Gzip(bytes).into_response();
        let h = r.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        r
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(f.last_modified)) {
        h.insert(header::LAST_MODIFIED, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(res)
}

/// `GET /data`: what the open data is, where it is, its licence and its fields.
pub async fn page(State(st): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let files = super::bulk_files(&super::bulk_dir(&st.config.data_dir));
    let s = super::settings();
    let title = ctx.t("opendata.title");
    Ok(layout::page(
        &ctx,
        &title,
        super::views::data_page(ctx.lang, &s, &files),
    ))
}

// ---------------------------------------------------------------------------------------
// Red flags: regulators only. The permission comes first, before any id is parsed or looked
// up, so the answer to anyone else is the same for every id (no existence oracle).

/// `GET /data/flags`: each purchasing unit's flagged tenders and counts per flag, most
/// flagged first, with the definitions.
pub async fn flags_index(State(st): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let rows = super::flag_codes(&st.db).await?;
    let total = flag_rules::tally(rows.iter().map(|(_, _, c)| c.as_str()));
    let mut by_unit: std::collections::BTreeMap<i64, (String, Vec<&str>)> = Default::default();
    for (unit, name, codes) in &rows {
        let e = by_unit.entry(*unit).or_default();
        // Rows come oldest tender first: the newest tender's name of the unit wins.
        e.0.clone_from(name);
        e.1.push(codes.as_str());
    }
    let mut units: Vec<views::UnitFlags> = by_unit
        .into_iter()
        .map(|(unit_id, (unit_name, codes))| views::UnitFlags {
            unit_id,
            unit_name,
            tally: flag_rules::tally(codes),
        })
        .collect();
    units.sort_by(|a, b| {
        b.tally
            .flagged
            .cmp(&a.tally.flagged)
            .then(b.tally.flags().cmp(&a.tally.flags()))
            .then(a.unit_id.cmp(&b.unit_id))
    });
    Ok(layout::page(
        &ctx,
        &ctx.t("flags.title"),
        views::flags_index(ctx.lang, &units, &total),
    ))
}

/// `GET /data/flags/units/{id}`: a unit's flagged tenders with their flags.
pub async fn flags_unit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let unit = crate::units::get(&st.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = super::flags_of_unit(&st.db, unit.id).await?;
    let evaluated = rows.len();
    let flagged: Vec<_> = rows
        .into_iter()
        .filter_map(|r| {
            let codes = flag_rules::codes_of(&r.codes);
            (!codes.is_empty()).then_some((r, codes))
        })
        .collect();
    let title = ctx.lang.tf("flags.unit_title", &[("unit", &unit.name)]);
    Ok(layout::page(
        &ctx,
        &title,
        views::flags_unit(ctx.lang, &unit.name, evaluated, &flagged),
    ))
}

/// `GET /data/flags/tenders/{id}`: one tender's flags with their evidence. A tender with
/// no release (a draft, or no such tender) has nothing evaluated: 404.
pub async fn flags_tender(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let row = super::flags_of_tender(&st.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let flags = flag_rules::from_stored(&row.codes, &row.evidence);
    let title = ctx.lang.tf("flags.tender_title", &[("title", &row.title)]);
    Ok(layout::page(
        &ctx,
        &title,
        views::flags_tender(ctx.lang, &row, &flags),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_round_trip() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn conditional_requests() {
        let mut h = HeaderMap::new();
        assert!(!not_modified(&h, "\"a\"", 100));
        h.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_str(&http_date(100)).unwrap(),
        );
        assert!(not_modified(&h, "\"a\"", 100));
        assert!(!not_modified(&h, "\"a\"", 101));
        // If-None-Match wins over If-Modified-Since.
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"b\""));
        assert!(!not_modified(&h, "\"a\"", 100));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"b\", \"a\""),
        );
        assert!(not_modified(&h, "\"a\"", 100));
    }
}
