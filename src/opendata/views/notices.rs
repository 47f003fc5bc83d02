//! The notice pages: the list with its filters and feeds, one notice (also as a printable
//! document and as a PDF), and the latest notices for the home page. No queries.

use maud::{Markup, html};

use super::super::{NoticeDoc, NoticeKind, Outcome, StoredNotice};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::regions::regions;
use crate::web::forms::{error_summary, input, select};
use crate::web::pager::pager;

/// Notices per page of the list.
pub const PAGE_SIZE: u64 = 20;

/// The list's query as typed (every field text, checked by the handler).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NoticeQuery {
    /// Type code.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// Purchasing unit id.
    #[serde(default)]
    pub unit: String,
    /// League/city code of the tender's place.
    #[serde(default)]
    pub league: String,
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    #[serde(default)]
    pub to: String,
    /// Words in the title.
    #[serde(default)]
    pub q: String,
    /// 1-based page.
    #[serde(default)]
    pub page: String,
}

fn href(base: &str, pairs: &[(&str, &str)]) -> String {
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let qs = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if qs.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{qs}")
    }
}

/// The list's URL for page `page` of the same query.
pub fn list_href(q: &NoticeQuery, page: u64) -> String {
    let page = if page > 1 {
        page.to_string()
    } else {
        String::new()
    };
    href(
        "/notices",
        &[
            ("type", q.kind.trim()),
            ("unit", q.unit.trim()),
            ("league", q.league.trim()),
            ("from", q.from.trim()),
            ("to", q.to.trim()),
            ("q", q.q.trim()),
            ("page", &page),
        ],
    )
}

/// The feed of a type and/or a unit (both empty: every notice).
pub fn feed_href(kind: &str, unit: &str) -> String {
    href("/notices/feed.xml", &[("type", kind), ("unit", unit)])
}

/// The notice's page.
pub fn notice_href(id: i64) -> String {
    format!("/notices/{id}")
}

/// A type's badge.
pub fn kind_badge(kind: &str, lang: Lang) -> Markup {
    let label = NoticeKind::parse(kind)
        .map(|k| k.label(lang))
        .unwrap_or_default();
    html! { span class=(format!("badge badge-notice badge-notice-{kind}")) { (label) } }
}

/// The date of a notice, machine-readable too.
fn when(at: i64) -> Markup {
    let shown = display_instant(at);
    html! { time datetime=(super::super::rules::iso(at)) { (shown) } }
}

/// Notices as a list of cards (stacks on a phone): date, type, title, unit.
pub fn notice_items(lang: Lang, rows: &[StoredNotice]) -> Markup {
    html! {
        ul.notice-list {
            @for n in rows {
                li.notice-item {
                    div.notice-meta { (when(n.at)) " " (kind_badge(&n.kind, lang)) }
                    a.notice-title href=(notice_href(n.id)) { (n.title) }
                    div.notice-unit.muted { (n.unit_name) }
                }
            }
        }
    }
}

/// What the list page shows.
pub struct ListPage<'a> {
    /// The query as typed.
    pub q: &'a NoticeQuery,
    /// This page's notices.
    pub rows: &'a [StoredNotice],
    /// How many match.
    pub total: u64,
    /// The page shown.
    pub page: u64,
    /// Units with notices, for the unit filter.
    pub units: &'a [(i64, String)],
    /// Messages for filters that cannot be used.
    pub errors: &'a FieldErrors,
}

/// The feeds a list page announces and links: all, and the one of its type or unit.
pub fn feeds(lang: Lang, q: &NoticeQuery) -> Vec<(String, String)> {
    let mut v = vec![(lang.t("notice.feed_all"), feed_href("", ""))];
    let kind = NoticeKind::parse(q.kind.trim());
    let unit = q.unit.trim().parse::<i64>().ok().filter(|u| *u > 0);
    if kind.is_some() || unit.is_some() {
        let k = kind.map(|k| k.code()).unwrap_or("");
        let u = unit.map(|u| u.to_string()).unwrap_or_default();
        v.push((lang.t("notice.feed_this"), feed_href(k, &u)));
    }
    v
}

/// `/notices`
pub fn list(lang: Lang, p: &ListPage) -> Markup {
    let pages = p.total.div_ceil(PAGE_SIZE);
    let none = FieldErrors::default();
    let kinds: Vec<(String, String)> = NoticeKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label(lang)))
        .collect();
    let units: Vec<(String, String)> = p
        .units
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let r = regions();
    let leagues: Vec<(String, String)> = r
        .leagues()
        .map(|d| (d.code.clone(), r.name(&d.code, lang)))
        .collect();
    html! {
        div.page-head {
            h1.page-title { (lang.t("notice.list_title")) }
        }
        p.lead { (lang.t("notice.list_lead")) }
        nav.notice-tabs aria-label=(lang.t("notice.by_type")) { ul {
            li { a href="/notices" aria-current=[(p.q.kind.trim().is_empty()).then_some("page")] { (lang.t("notice.all_types")) } }
            @for k in NoticeKind::ALL {
                li { a href=(href("/notices", &[("type", k.code())]))
                    aria-current=[(p.q.kind.trim() == k.code()).then_some("page")] { (k.label(lang)) } }
            }
        } }
        (error_summary(p.errors, lang))
        form.filters method="get" action="/notices" {
            (select("type", &lang.t("notice.type"), &kinds, p.q.kind.trim(), Some(&lang.t("form.any")), &none))
            (select("unit", &lang.t("notice.unit"), &units, p.q.unit.trim(), Some(&lang.t("form.any")), &none))
            (select("league", &lang.t("tender.league"), &leagues, p.q.league.trim(), Some(&lang.t("form.any")), &none))
            (input("date", "from", &lang.t("notice.from"), &p.q.from, None, p.errors, false))
            (input("date", "to", &lang.t("notice.to"), &p.q.to, None, p.errors, false))
            (input("search", "q", &lang.t("notice.q"), &p.q.q, None, p.errors, false))
            div.actions {
                button.btn.btn-primary type="submit" { (lang.t("form.filter")) }
                a.reset href="/notices" { (lang.t("form.reset")) }
            }
        }
        p.result-count { (lang.tf("notice.count", &[("n", &p.total.to_string())])) }
        @if p.rows.is_empty() {
            div.empty { (lang.t("notice.list_empty")) }
        } @else {
            (notice_items(lang, p.rows))
        }
        (pager(lang, p.page, pages, |n| list_href(p.q, n)))
        p.feeds {
            @for (t, h) in feeds(lang, p.q) {
                a.feed-link href=(h) type="application/atom+xml" { (t) } " "
            }
        }
    }
}

/// The home page's section: the latest notices, linking to the list.
pub fn latest(lang: Lang, rows: &[StoredNotice]) -> Markup {
    html! {
        section.section.latest-notices aria-labelledby="latest-notices" {
            h2 id="latest-notices" { (lang.t("notice.latest")) }
            @if rows.is_empty() {
                p.empty { (lang.t("notice.list_empty")) }
            } @else {
                (notice_items(lang, rows))
            }
            p { a.btn.btn-secondary href="/notices" { (lang.t("notice.all")) } }
        }
    }
}

fn opt_instant(t: Option<i64>) -> String {
    t.map(display_instant).unwrap_or_else(|| "—".into())
}

fn opt_fen(f: Option<i64>) -> String {
    f.map(|f| Fen(f).to_string()).unwrap_or_else(|| "—".into())
}

/// The heading of a notice: "<tender>: <type>" (a result names its outcome).
pub fn heading(lang: Lang, d: &NoticeDoc) -> String {
    let kind = match d.outcome {
        Some(o) => o.label(lang),
        None => d.kind.label(lang),
    };
    format!("{}{}{}", d.title, lang.t("notice.title_sep"), kind)
}

/// The facts of a notice as label/value rows, in the order it reads (HTML and PDF alike).
pub fn facts(lang: Lang, n: &StoredNotice, d: &NoticeDoc) -> Vec<(String, String)> {
    let mut v = vec![
        (lang.t("notice.type"), d.kind.label(lang)),
        (lang.t("notice.date"), display_instant(n.at)),
        (lang.t("notice.unit"), d.unit_name.clone()),
        (lang.t("notice.tender"), d.title.clone()),
        (lang.t("notice.ocid"), d.ocid.clone()),
    ];
    if let Some(o) = d.outcome {
        v.push((lang.t("notice.outcome"), o.label(lang)));
    }
    match d.kind {
        NoticeKind::Procurement | NoticeKind::Correction => {
            v.push((lang.t("notice.domain"), d.domain.clone()));
            v.push((
                lang.t("notice.method"),
                lang.t(&format!("notice.method.{}", method_key(&d.method))),
            ));
            v.push((lang.t("notice.budget"), opt_fen(d.budget_fen)));
            v.push((lang.t("notice.published"), opt_instant(d.published)));
            v.push((
                lang.t("notice.enquiry_deadline"),
                opt_instant(d.enquiry_deadline),
            ));
            v.push((lang.t("notice.bid_deadline"), opt_instant(d.bid_deadline)));
            if let Some(days) = d.contract_days {
                v.push((
                    lang.t("notice.contract_days"),
                    lang.tf("notice.days", &[("n", &days.to_string())]),
                ));
            }
        }
        NoticeKind::Result | NoticeKind::Contract | NoticeKind::Termination => {
            v.push((lang.t("notice.budget"), opt_fen(d.budget_fen)));
        }
    }
    if let Some(c) = &d.change {
        v.push((lang.t("notice.change_reason"), c.rationale.clone()));
        v.push((lang.t("notice.old_deadline"), opt_instant(c.old_deadline)));
        v.push((lang.t("notice.new_deadline"), opt_instant(c.new_deadline)));
    }
    if let Some((all, valid)) = d.bids {
        v.push((lang.t("notice.bids"), all.to_string()));
        v.push((lang.t("notice.valid_bids"), valid.to_string()));
    }
    if let Some(w) = &d.winner {
        v.push((lang.t("notice.winner"), w.name.clone()));
        if !w.uscc.is_empty() {
            v.push((lang.t("notice.uscc"), w.uscc.clone()));
        }
        v.push((lang.t("notice.price"), opt_fen(w.value_fen)));
        if d.kind == NoticeKind::Result {
            v.push((lang.t("notice.awarded_at"), opt_instant(w.date)));
        }
    }
    if let Some(c) = &d.contract {
        v.push((lang.t("notice.contract_value"), opt_fen(c.value_fen)));
        v.push((lang.t("notice.signed_at"), opt_instant(c.signed)));
        if d.kind == NoticeKind::Termination {
            v.push((lang.t("notice.ended_at"), opt_instant(c.ended)));
            v.push((
                lang.t("notice.termination_reason"),
                c.reason.clone().unwrap_or_else(|| "—".into()),
            ));
        }
    }
    v
}

/// A stored OCDS method code as its locale key's last part (unknown → `other`).
fn method_key(m: &str) -> &'static str {
    match m {
        "open" => "open",
        "selective" => "selective",
        "limited" => "limited",
        "direct" => "direct",
        _ => "other",
    }
}

/// The locale key of a notice's opening sentence.
fn intro_key(d: &NoticeDoc) -> &'static str {
    match (d.kind, d.outcome) {
        (NoticeKind::Result, Some(Outcome::Awarded)) => "notice.text.awarded",
        (NoticeKind::Result, Some(Outcome::Cancelled)) => "notice.text.cancelled",
        (NoticeKind::Result, _) => "notice.text.unsuccessful",
        (NoticeKind::Procurement, _) => "notice.text.procurement",
        (NoticeKind::Correction, _) => "notice.text.correction",
        (NoticeKind::Contract, _) => "notice.text.contract",
        (NoticeKind::Termination, _) => "notice.text.termination",
    }
}

/// The notice's text and facts (page and printable view).
fn body(lang: Lang, n: &StoredNotice, d: &NoticeDoc) -> Markup {
    let intro = intro_key(d);
    html! {
        p.notice-intro { (lang.tf(intro, &[("unit", &d.unit_name), ("title", &d.title)])) }
        dl.props.notice-facts {
            @for (k, v) in facts(lang, n, d) { dt { (k) } dd { (v) } }
        }
        @if d.kind == NoticeKind::Procurement && !d.description.is_empty() {
            h2 { (lang.t("notice.description")) }
            p.notice-description { (d.description) }
        }
    }
}

/// `/notices/{id}`: the notice, with its links (tender, print, PDF, open data).
pub fn page(lang: Lang, n: &StoredNotice, d: &NoticeDoc) -> Markup {
    html! {
        article.notice {
            p.muted.no-print { a href="/notices" { (lang.t("notice.list_title")) } }
            h1.page-title { (heading(lang, d)) }
            (body(lang, n, d))
            p.notice-actions.no-print {
                a.btn.btn-secondary href=(format!("/tenders/{}", n.tender_id)) { (lang.t("notice.to_tender")) } " "
                a.btn.btn-secondary href=(format!("/notices/{}/print?lang={}", n.id, lang.code())) { (lang.t("notice.print")) } " "
                a.btn.btn-secondary.notice-pdf href=(format!("/notices/{}.pdf?lang={}", n.id, lang.code())) { (lang.t("pdf.download")) } " "
                a href=(format!("/api/v1/ocds/releases/{}", d.release_id)) { (lang.t("notice.release")) }
            }
        }
    }
}

/// `/notices/{id}/print`: the same notice for paper, with the address it is found at.
pub fn printable(lang: Lang, n: &StoredNotice, d: &NoticeDoc, base: &str) -> Markup {
    html! {
        article.notice.notice-print {
            p.notice-site { (lang.t("site.name")) }
            h1.page-title { (heading(lang, d)) }
            (body(lang, n, d))
            p.notice-source { (format!("{base}/notices/{}", n.id)) }
        }
    }
}

/// The notice as a PDF document: the same heading, text and facts, and where to find it.
pub fn pdf(
    lang: Lang,
    n: &StoredNotice,
    d: &NoticeDoc,
    base: &str,
) -> crate::kernel::pdf::Document {
    use crate::kernel::pdf::{Block, Document};
    let mut doc = Document::new(heading(lang, d), lang.code());
    let intro = intro_key(d);
    doc.blocks = vec![
        Block::Title(heading(lang, d)),
        Block::Paragraph(lang.tf(intro, &[("unit", &d.unit_name), ("title", &d.title)])),
        Block::Table(facts(lang, n, d)),
    ];
    if d.kind == NoticeKind::Procurement && !d.description.is_empty() {
        doc.blocks
            .push(Block::Heading(lang.t("notice.description")));
        doc.blocks.push(Block::Paragraph(d.description.clone()));
    }
    doc.footer = vec![
        format!("{} · {base}/notices/{}", lang.t("site.name"), n.id),
        lang.tf("notice.pdf_source", &[("release", &d.release_id)]),
    ];
    doc
}
