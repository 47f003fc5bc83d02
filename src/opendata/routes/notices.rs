//! The notices on the web, all public: `/notices` (filters by type, unit, place, dates and
//! title words; paged), `/notices/feed.xml` (Atom, per type and per unit), `/notices/{id}`
//! (the notice; `/notices/{id}.pdf` its PDF — the router has no suffix parameters, so the
//! one route answers both) and `/notices/{id}/print` (the printable view).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::super::views::notices as v;
use super::super::{NoticeFilter, NoticeKind, notice_rules};
use crate::kernel::Lang;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::regions::{Level, regions};
use crate::web::{AppState, Ctx, Query, layout, parse_id};

/// Longest title search, in characters.
const MAX_Q: usize = 100;

/// Entries in a feed.
const FEED_SIZE: u64 = 50;

fn parse_day(s: &str) -> Option<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt).ok()
}

/// Midnight Asia/Shanghai starting a day.
fn day_start(d: time::Date) -> i64 {
    d.midnight()
        .assume_offset(crate::kernel::clock::SHANGHAI)
        .unix_timestamp()
}

/// The filter a query asks for, and a message for each field that cannot be used (then
/// nothing is looked up). Unknown types, units and places are ignored like the other lists.
async fn filter_of(
    st: &AppState,
    lang: Lang,
    q: &v::NoticeQuery,
) -> AppResult<(NoticeFilter, FieldErrors)> {
    let mut e = FieldErrors::default();
    let mut f = NoticeFilter {
        kind: NoticeKind::parse(q.kind.trim()).map(|k| k.code().to_string()),
        unit_id: q.unit.trim().parse::<i64>().ok().filter(|u| *u > 0),
        ..Default::default()
    };
    let day = |s: &str, field: &'static str, e: &mut FieldErrors| -> Option<time::Date> {
        if s.trim().is_empty() {
            return None;
        }
        let d = parse_day(s);
        if d.is_none() {
            e.add(field, lang.t("notice.err.date"));
        }
        d
    };
    let from = day(&q.from, "from", &mut e);
    let to = day(&q.to, "to", &mut e);
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        e.add("to", lang.t("notice.err.range"));
    }
    f.from = from.map(day_start);
    f.until = to.map(|d| day_start(d) + 86_400);
    if let Err(m) = crate::kernel::text::checked(&q.q, crate::kernel::text::Kind::Line, MAX_Q, lang)
    {
        e.add("q", m);
    } else {
        f.q = q.q.trim().to_string();
    }
    if !e.is_empty() {
        return Ok((f, e));
    }
    let league = q.league.trim();
    if regions()
        .get(league)
        .is_some_and(|d| d.level == Level::LeagueCity)
    {
        f.tenders = Some(crate::procurement::tender_ids_in_league(&st.db, league).await?);
    }
    Ok((f, e))
}

/// `GET /notices`
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<v::NoticeQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let page = q
        .page
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let (f, errors) = filter_of(&st, lang, &q).await?;
    let units = super::super::notice_units(&st.db).await?;
    let (rows, total) = if errors.is_empty() {
        super::super::notices(&st.db, &f, (page - 1) * v::PAGE_SIZE, v::PAGE_SIZE).await?
    } else {
        (vec![], 0)
    };
    let body = v::list(
        lang,
        &v::ListPage {
            q: &q,
            rows: &rows,
            total,
            page,
            units: &units,
            errors: &errors,
        },
    );
    let html =
        layout::page_with_feeds(&ctx, &ctx.t("notice.list_title"), &v::feeds(lang, &q), body);
    Ok(if errors.is_empty() {
        html.into_response()
    } else {
        crate::web::unprocessable(html)
    })
}

/// Query of the feed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct FeedQuery {
    /// Type code.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// Purchasing unit id.
    #[serde(default)]
    pub unit: String,
}

/// `GET /notices/feed.xml`: the latest notices as Atom 1.0, all or of one type
/// (`?type=`) and/or one purchasing unit (`?unit=`). An unknown type or unit is a 404, so a
/// mistyped subscription fails loudly instead of following everything.
pub async fn feed(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<FeedQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let kind = match q.kind.trim() {
        "" => None,
        k => Some(NoticeKind::parse(k).ok_or(AppError::NotFound)?),
    };
    let unit = match q.unit.trim() {
        "" => None,
        u => Some(parse_id(u)?),
    };
    let f = NoticeFilter {
        kind: kind.map(|k| k.code().to_string()),
        unit_id: unit,
        ..Default::default()
    };
    let (rows, _) = super::super::notices(&st.db, &f, 0, FEED_SIZE).await?;
    let base = crate::web::public_url(&st);
    let mut title = lang.t("notice.list_title");
    if let Some(k) = kind {
        title = format!("{title} · {}", k.label(lang));
    }
    if let Some(u) = unit {
        let name = super::super::notice_units(&st.db)
            .await?
            .into_iter()
            .find(|(id, _)| *id == u)
            .map(|(_, n)| n)
            // A unit without notices yet may be subscribed to already.
            .unwrap_or_else(|| format!("#{u}"));
        title = format!("{title} · {name}");
    }
    let self_path = v::feed_href(
        kind.map(|k| k.code()).unwrap_or(""),
        &unit.map(|u| u.to_string()).unwrap_or_default(),
    );
    let html_path = self_path.replacen("/notices/feed.xml", "/notices", 1);
    let feed = notice_rules::Feed {
        title: format!("{title} · {}", lang.t("site.name")),
        self_url: format!("{base}{self_path}"),
        html_url: format!("{base}{html_path}"),
        lang: lang.code().to_string(),
        author: lang.t("site.name"),
        entries: rows
            .iter()
            .map(|n| {
                let k = NoticeKind::parse(&n.kind)
                    .map(|k| k.label(lang))
                    .unwrap_or_default();
                notice_rules::FeedEntry {
                    url: format!("{base}/notices/{}", n.id),
                    title: format!("{}{}{k}", n.title, lang.t("notice.title_sep")),
                    summary: format!(
                        "{} · {k} · {}",
                        n.unit_name,
                        crate::kernel::clock::display_instant(n.at)
                    ),
                    at: n.at,
                }
            })
            .collect(),
    };
    let mut res = notice_rules::atom(&feed).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    Ok(res)
}

/// The notice `id` (digits), or 404.
async fn load(
    st: &AppState,
    id: &str,
) -> AppResult<(super::super::StoredNotice, super::super::NoticeDoc)> {
    super::super::notice(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /notices/{id}` — and `GET /notices/{id}.pdf`, its PDF made with `kernel::pdf`.
pub async fn show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    if let Some(digits) = id.strip_suffix(".pdf") {
        let (n, d) = load(&st, digits).await?;
        let doc = v::pdf(lang, &n, &d, &crate::web::public_url(&st));
        let name = format!("{}-{}.pdf", lang.t("notice.file_name"), n.id);
        return crate::web::pdf_response(doc, &format!("notice-{}.pdf", n.id), &name, false).await;
    }
    let (n, d) = load(&st, &id).await?;
    Ok(layout::page(&ctx, &v::heading(lang, &d), v::page(lang, &n, &d)).into_response())
}

/// `GET /notices/{id}/print`: the notice alone on the page (no header, navigation or
/// footer), for printing.
pub async fn print(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (n, d) = load(&st, &id).await?;
    let base = crate::web::public_url(&st);
    Ok(layout::printable(
        lang,
        &v::heading(lang, &d),
        v::printable(lang, &n, &d, &base),
    )
    .into_response())
}
