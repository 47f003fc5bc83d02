//! Search pages: one box across kinds and per-kind pages with facets, sorting, highlighted
//! matches and pages. Plain GET forms and links, so everything works without JavaScript;
//! with htmx the results refresh as the user types.

use maud::{Markup, html};

use super::places::PlaceHint;
use super::rules::{self, Found, Kind, ParamError, Piece};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::money::Fen;
use crate::orgs::{CreditStatus, OrgKind, domain_label};
use crate::procurement::{Method, TenderState};
use crate::regions::regions;
use crate::web::pager::pager;

/// What one per-kind page shows.
pub struct KindPage<'a> {
    /// The kind.
    pub kind: Kind,
    /// The URL parameters as given (echoed into links and the form).
    pub params: &'a [(String, String)],
    /// The query text as typed.
    pub text: &'a str,
    /// The place the query named, searched as a filter rather than as words.
    pub place: Option<&'a PlaceHint>,
    /// The words found nothing; these results come from a fallback (names that sound like
    /// them, or names and titles sharing their characters).
    pub fallback: Option<super::Fallback>,
    /// The words found nothing: how many records of the other kind they find.
    pub other_total: Option<u64>,
    /// Highlight tokens of the query.
    pub tokens: &'a [String],
    /// Results.
    pub found: &'a Found,
    /// Current page.
    pub page: usize,
    /// Results per page.
    pub per_page: usize,
    /// Parameters that could not be used.
    pub errors: &'a [ParamError],
    /// The index is still being built ([`super::Search::building`]).
    pub building: bool,
}

fn get<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The URL of a kind's page with `params`, changed by `set` (empty value removes) and always
/// back on page 1 unless `page` is set.
pub fn href(kind: Kind, params: &[(String, String)], set: &[(&str, &str)]) -> String {
    let mut out: Vec<(String, String)> = params
        .iter()
        .filter(|(k, v)| {
            !v.is_empty() && k != "page" && k != "lang" && !set.iter().any(|(s, _)| s == k)
        })
        .cloned()
        .collect();
    for (k, v) in set {
        if !v.is_empty() {
            out.push((k.to_string(), v.to_string()));
        }
    }
    let qs = serde_urlencoded::to_string(&out).unwrap_or_default();
    let base = format!("/search/{}", kind.code());
    if qs.is_empty() {
        base
    } else {
        format!("{base}?{qs}")
    }
}

/// The label of a facet value.
pub fn value_label(param: &str, value: &str, lang: Lang) -> String {
    match param {
        "state" => TenderState::parse(value)
            .map(|s| s.label(lang))
            .unwrap_or_else(|| value.to_string()),
        "method" => Method::parse(value)
            .map(|m| m.label(lang))
            .unwrap_or_else(|| value.to_string()),
        "domain" => domain_label(value, lang),
        "budget" => lang.t(&format!("search.budget.{value}")),
        "league" | "county" => regions().name(value, lang),
        "type" => OrgKind::parse(value)
            .map(|k| k.label(lang))
            .unwrap_or_else(|| value.to_string()),
        "rating" if value == "none" => lang.t("search.rating_none"),
        "credit" => CreditStatus::parse(value)
            .map(|c| c.label(lang))
            .unwrap_or_else(|| value.to_string()),
        "recognized" if value == "yes" || value == "no" => {
            lang.t(&format!("search.recognized.{value}"))
        }
        _ => value.to_string(),
    }
}

fn pieces(p: &[Piece]) -> Markup {
    html! { @for x in p { @if x.hit { mark { (x.text) } } @else { (x.text) } } }
}

fn text_of<'a>(hit: &'a serde_json::Map<String, serde_json::Value>, attr: &str) -> &'a str {
    hit.get(attr).and_then(|v| v.as_str()).unwrap_or("")
}

fn int_of(hit: &serde_json::Map<String, serde_json::Value>, attr: &str) -> i64 {
    hit.get(attr).and_then(|v| v.as_i64()).unwrap_or(0)
}

/// One tender result.
pub fn tender_hit(
    hit: &serde_json::Map<String, serde_json::Value>,
    tokens: &[String],
    lang: Lang,
) -> Markup {
    let id = int_of(hit, "id");
    let state = text_of(hit, "state");
    let open = int_of(hit, "is_open") == 1;
    html! {
        li.search-hit {
            div.hit-head {
                a.hit-title href=(format!("/tenders/{id}")) {
                    (pieces(&rules::highlight(text_of(hit, "title"), tokens, 200)))
                }
                " "
                span class=(if open { "badge badge-open" } else { "badge" }) {
                    (value_label("state", state, lang))
                }
            }
            p.hit-meta {
                (text_of(hit, "unit_name")) " · "
                (value_label("domain", text_of(hit, "domain"), lang)) " · "
                (text_of(hit, "place")) " · "
                (lang.t("search.budget_label")) " " (Fen(int_of(hit, "budget_fen"))) " · "
                (value_label("method", text_of(hit, "method"), lang))
            }
            p.hit-text { (pieces(&rules::highlight(text_of(hit, "description"), tokens, 90))) }
            p.hit-meta {
                (lang.t("search.deadline_label")) " " (display_instant(int_of(hit, "bid_deadline")))
            }
        }
    }
}

/// One organization result; organizations on a credit list carry a flag.
pub fn org_hit(
    hit: &serde_json::Map<String, serde_json::Value>,
    tokens: &[String],
    lang: Lang,
) -> Markup {
    let id = int_of(hit, "id");
    let credit = text_of(hit, "credit_status");
    let rating = text_of(hit, "rating");
    let domains: Vec<&str> = hit
        .get("domains")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    html! {
        li.search-hit {
            div.hit-head {
                a.hit-title href=(format!("/orgs/{id}")) {
                    (pieces(&rules::highlight(text_of(hit, "name"), tokens, 200)))
                }
                " "
                @if credit != "normal" && !credit.is_empty() {
                    span class=(format!("badge badge-credit-{credit}")) role="note" {
                        "⚠ " (value_label("credit", credit, lang))
                    }
                    " "
                }
                @if rating != "none" && !rating.is_empty() {
                    span.badge.badge-rating { (rating) }
                }
            }
            p.hit-meta {
                (value_label("type", text_of(hit, "kind"), lang)) " · "
                (text_of(hit, "place")) " · "
                span.uscc { (pieces(&rules::highlight(text_of(hit, "uscc"), tokens, 40))) }
            }
            p.hit-text { (pieces(&rules::highlight(text_of(hit, "intro"), tokens, 90))) }
            @if !domains.is_empty() {
                p.hit-tags { @for d in domains { span.tag { (domain_label(d, lang)) } " " } }
            }
        }
    }
}

/// One brand-project result: its cover thumbnail, name, organization, domain, places and
/// the years it was recognized.
pub fn brand_hit(
    hit: &serde_json::Map<String, serde_json::Value>,
    tokens: &[String],
    lang: Lang,
) -> Markup {
    let id = int_of(hit, "id");
    let cover = hit.get("cover_photo").and_then(|v| v.as_i64());
    let years: Vec<&str> = hit
        .get("recognized_years")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    html! {
        li.search-hit.brand-hit {
            @if let Some(p) = cover {
                img.hit-thumb src=(format!("/brands/{id}/photos/{p}/thumb")) alt="" loading="lazy" width="96";
            }
            div.hit-head {
                a.hit-title href=(format!("/brands/{id}")) {
                    (pieces(&rules::highlight(text_of(hit, "name"), tokens, 200)))
                }
                " "
                @for y in &years {
                    span.badge.badge-recognized { (lang.tf("search.recognized_in", &[("year", y)])) }
                    " "
                }
            }
            p.hit-meta {
                a href=(format!("/orgs/{}", int_of(hit, "org_id"))) {
                    (pieces(&rules::highlight(text_of(hit, "org_name"), tokens, 200)))
                }
                " · " (value_label("domain", text_of(hit, "domain"), lang))
                " · " (lang.tf("search.brand_since", &[("year", &int_of(hit, "started_year").to_string())]))
                " · " (lang.tf("search.brand_reach", &[("n", &int_of(hit, "beneficiaries_per_year").to_string())]))
            }
            p.hit-meta { (text_of(hit, "place")) }
            p.hit-text { (pieces(&rules::highlight(text_of(hit, "story"), tokens, 90))) }
        }
    }
}

fn hit(
    kind: Kind,
    h: &serde_json::Map<String, serde_json::Value>,
    tokens: &[String],
    lang: Lang,
) -> Markup {
    match kind {
        Kind::Tenders => tender_hit(h, tokens, lang),
        Kind::Orgs => org_hit(h, tokens, lang),
        Kind::Brands => brand_hit(h, tokens, lang),
    }
}

/// The message for a parameter that was left out.
pub fn param_error_text(e: &ParamError, lang: Lang) -> String {
    match e {
        ParamError::QueryTooLong => lang.tf(
            "search.err.too_long",
            &[("n", &rules::MAX_QUERY_CHARS.to_string())],
        ),
        ParamError::QueryControl => lang.t("text.err.control"),
        ParamError::Page(p) => lang.tf("search.err.page", &[("value", p)]),
        ParamError::Sort(s) => lang.tf("search.err.sort", &[("value", s)]),
        ParamError::Facet { param, value } => lang.tf(
            "search.err.facet",
            &[
                ("name", &lang.t(&format!("search.facet.{param}"))),
                ("value", value),
            ],
        ),
    }
}

/// Messages about parameters that were left out.
pub fn param_errors(errors: &[ParamError], lang: Lang) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.form-errors role="alert" {
                p { (lang.t("search.err.title")) }
                ul { @for e in errors { li { (param_error_text(e, lang)) } } }
            }
        }
    }
}

/// The search form of a page (a plain GET form; htmx refreshes the results as one types).
fn search_form(kind: Option<Kind>, params: &[(String, String)], lang: Lang) -> Markup {
    let action = match kind {
        Some(k) => format!("/search/{}", k.code()),
        None => "/search".to_string(),
    };
    html! {
        form.search-form role="search" method="get" action=(action) {
            label.visually-hidden for="search-q" { (lang.t("search.label")) }
            input id="search-q" type="search" name="q" value=(get(params, "q"))
                placeholder=(lang.t("search.placeholder")) maxlength="100" autocomplete="off"
                hx-get=(action) hx-trigger="input changed delay:300ms, search"
                hx-include="closest form" hx-target="#search-results"
                hx-select="#search-results" hx-swap="outerHTML" hx-push-url="true";
            @if let Some(k) = kind {
                @for (p, _) in rules::facets_of(k) {
                    @let v = get(params, p);
                    @if !v.is_empty() && rules::valid_value(p, v) { input type="hidden" name=(p) value=(v); }
                }
                @let sort = get(params, "sort");
                @if !sort.is_empty() { input type="hidden" name="sort" value=(sort); }
            }
            button.btn.btn-primary type="submit" { (lang.t("search.submit")) }
        }
    }
}

fn kind_tabs(current: Option<Kind>, q: &str, lang: Lang) -> Markup {
    let qs = |base: &str| {
        if q.is_empty() {
            base.to_string()
        } else {
            format!(
                "{base}?{}",
                serde_urlencoded::to_string([("q", q)]).unwrap_or_default()
            )
        }
    };
    html! {
        nav.search-tabs aria-label=(lang.t("search.kinds")) {
            a href=(qs("/search")) aria-current=[current.is_none().then_some("page")] { (lang.t("search.all")) }
            @for k in Kind::ALL {
                a href=(qs(&format!("/search/{}", k.code())))
                    aria-current=[(current == Some(k)).then_some("page")] { (lang.t(&format!("search.kind.{}", k.code()))) }
            }
        }
    }
}

/// "In 赤峰市 ✕": the place understood from the query, removable by searching the words as
/// typed (`literal=1`).
fn place_chip(
    kind: Option<Kind>,
    params: &[(String, String)],
    place: Option<&PlaceHint>,
    lang: Lang,
) -> Markup {
    let Some(pl) = place else {
        return html! {};
    };
    let literal = match kind {
        Some(k) => href(k, params, &[("literal", "1")]),
        None => format!(
            "/search?{}",
            serde_urlencoded::to_string([("q", get(params, "q")), ("literal", "1")])
                .unwrap_or_default()
        ),
    };
    let name = regions().name(&pl.code, lang);
    html! {
        p.place-understood {
            a.chip href=(literal) title=(lang.t("search.place.remove")) {
                (lang.tf("search.place.in", &[("place", &name)])) " ✕"
            }
            " "
            a href=(literal) { (lang.tf("search.place.literal", &[("q", get(params, "q"))])) }
        }
    }
}

/// The header box's suggestions, swapped in place of the empty list the layout renders.
pub fn suggestions(options: &[String]) -> Markup {
    html! {
        datalist id="header-suggest" {
            @for o in options { option value=(o) {} }
        }
    }
}

/// A per-kind page.
pub fn kind_page(p: &KindPage<'_>, lang: Lang) -> Markup {
    let kind = p.kind;
    let pages = rules::page_count(p.found.total, p.per_page);
    let active: Vec<(&str, &str)> = rules::facets_of(kind)
        .filter_map(|(param, _)| {
            let v = get(p.params, param);
            // A value that was left out (and reported) is not shown as a filter in force.
            (!v.is_empty() && rules::valid_value(param, v)).then_some((param, v))
        })
        .collect();
    let sort = get(p.params, "sort");
    let sort = if sort.is_empty() { "relevance" } else { sort };
    html! {
        h1.page-title { (lang.t(&format!("search.title.{}", kind.code()))) }
        (kind_tabs(Some(kind), p.text, lang))
        (search_form(Some(kind), p.params, lang))
        div.search-layout id="search-results" {
            aside.facets id="search-filters" aria-label=(lang.t("search.filters")) {
                @for (param, attr) in rules::facets_of(kind) {
                    @let selected = get(p.params, param);
                    @let counts = p.found.facets.get(attr);
                    // Counties are offered once a league is chosen: a list of 100 is no help.
                    @if param != "county" || !get(p.params, "league").is_empty() || !selected.is_empty() {
                        @if let Some(counts) = counts.filter(|c| !c.is_empty() || !selected.is_empty()) {
                            section.facet {
                                h2 { (lang.t(&format!("search.facet.{param}"))) }
                                ul {
                                    @for (value, n) in counts.iter().take(12) {
                                        li {
                                            @if value == selected {
                                                a.selected href=(href(kind, p.params, &[(param, "")]))
                                                    aria-current="true" title=(lang.t("search.remove_filter")) {
                                                    (value_label(param, value, lang)) " ✕"
                                                }
                                            } @else {
                                                a href=(href(kind, p.params, &[(param, value)])) {
                                                    (value_label(param, value, lang))
                                                }
                                            }
                                            " " span.count { (n) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            div.results {
                (param_errors(p.errors, lang))
                div.results-head {
                    p.result-count role="status" { (lang.tf("search.count", &[("n", &p.found.total.to_string())])) }
                    a.filters-link href="#search-filters" { (lang.t("search.filters")) " ↓" }
                    form.sort-form method="get" action=(format!("/search/{}", kind.code())) {
                        @for (k, v) in p.params.iter().filter(|(k, v)| k != "sort" && k != "page" && k != "lang" && !v.is_empty()) {
                            input type="hidden" name=(k) value=(v);
                        }
                        label for="search-sort" { (lang.t("search.sort")) }
                        select id="search-sort" name="sort" data-autosubmit="" {
                            @for s in rules::sorts_of(kind) {
                                option value=(s) selected[s == sort] { (lang.t(&format!("search.sort.{s}"))) }
                            }
                        }
                        noscript { button.btn.btn-secondary type="submit" { (lang.t("search.apply")) } }
                    }
                }
                (place_chip(Some(kind), p.params, p.place, lang))
                @match p.fallback {
                    Some(super::Fallback::SoundsLike) => p.notice.sounds-like role="note" { (lang.tf("search.sounds_like", &[("q", p.text)])) },
                    Some(super::Fallback::Characters) => p.notice.close-matches role="note" { (lang.tf("search.close_matches", &[("q", p.text)])) },
                    None => {},
                }
                @if !active.is_empty() {
                    p.active-filters {
                        @for (param, v) in &active {
                            a.chip href=(href(kind, p.params, &[(param, "")])) title=(lang.t("search.remove_filter")) {
                                (lang.t(&format!("search.facet.{param}"))) ": " (value_label(param, v, lang)) " ✕"
                            }
                            " "
                        }
                        a href=(href(kind, &[], &[("q", p.text)])) { (lang.t("search.clear_filters")) }
                    }
                }
                @if p.building {
                    (building(lang))
                }
                @if p.found.hits.is_empty() {
                    @if !p.building { (no_results(kind, p, &active, lang)) }
                } @else {
                    ol.search-hits start=(rules::page_offset(p.page, p.per_page) + 1) {
                        @for h in &p.found.hits {
                            (hit(kind, h, p.tokens, lang))
                        }
                    }
                }
                (pager(lang, p.page as u64, pages as u64, |n| href(kind, p.params, &[("page", &n.to_string())])))
            }
        }
    }
}

/// Said instead of "nothing matches" while the index is being built (a fresh server's first
/// minute), when an empty answer says nothing about the records.
fn building(lang: Lang) -> Markup {
    html! {
        p.notice.index-building role="status" { (lang.t("search.building")) }
    }
}

fn no_results(kind: Kind, p: &KindPage<'_>, active: &[(&str, &str)], lang: Lang) -> Markup {
    let words = rules::words(p.text);
    html! {
        div.empty.no-results {
            p { strong { (lang.t("search.none")) } }
            @if !active.is_empty() {
                p { (lang.t("search.none_filters")) }
                ul {
                    @for (param, v) in active {
                        li { a href=(href(kind, p.params, &[(param, "")])) {
                            (lang.tf("search.remove", &[("what", &format!("{}: {}", lang.t(&format!("search.facet.{param}")), value_label(param, v, lang)))]))
                        } }
                    }
                }
            }
            @if words.len() > 1 {
                p { (lang.t("search.none_words")) }
            }
            @if p.page > 1 && p.found.total > 0 {
                p { a href=(href(kind, p.params, &[])) { (lang.t("search.first_page")) } }
            }
            @let other = kind.other();
            @if !p.text.is_empty() {
                p { a href=(href(other, &[], &[("q", p.text)])) {
                    @match p.other_total {
                        Some(n) if n > 0 => (lang.tf("search.other_found", &[("n", &n.to_string()), ("kind", &lang.t(&format!("search.kind.{}", other.code())))])),
                        _ => (lang.tf("search.try_other", &[("kind", &lang.t(&format!("search.kind.{}", other.code())))])),
                    }
                } }
            }
        }
    }
}

/// What the page across kinds shows.
pub struct AllPage<'a> {
    /// The query text.
    pub q: &'a str,
    /// The place the query named, searched as a filter rather than as words.
    pub place: Option<&'a PlaceHint>,
    /// Kinds whose results come from a fallback (close matches).
    pub close: &'a [Kind],
    /// Highlight tokens of the query.
    pub tokens: &'a [String],
    /// The best few of each kind.
    pub results: &'a [(Kind, Found)],
    /// Parameters that could not be used.
    pub errors: &'a [ParamError],
    /// The index is still being built ([`super::Search::building`]).
    pub building: bool,
}

/// The page across kinds: the best few of each with a link to the full list.
pub fn all_page(p: &AllPage<'_>, lang: Lang) -> Markup {
    let AllPage {
        q,
        place,
        close,
        tokens,
        results,
        errors,
        building,
    } = *p;
    let params = vec![("q".to_string(), q.to_string())];
    html! {
        h1.page-title { (lang.t("search.title.all")) }
        (kind_tabs(None, q, lang))
        (search_form(None, &params, lang))
        div id="search-results" {
            (param_errors(errors, lang))
            (place_chip(None, &params, place, lang))
            @if building { (self::building(lang)) }
            @for (kind, found) in results {
                section.section.search-group {
                    h2 {
                        (lang.t(&format!("search.kind.{}", kind.code())))
                        " " span.count { (found.total) }
                    }
                    @if close.contains(kind) {
                        p.notice.close-matches role="note" { (lang.tf("search.close_matches", &[("q", q)])) }
                    }
                    @if found.hits.is_empty() {
                        @if !building { p.muted { (lang.t("search.none")) } }
                    } @else {
                        ol.search-hits {
                            @for h in &found.hits {
                                (hit(*kind, h, tokens, lang))
                            }
                        }
                        @if found.total > found.hits.len() as u64 {
                            p { a href=(href(*kind, &params, &[])) {
                                (lang.tf("search.see_all", &[("n", &found.total.to_string())]))
                            } }
                        }
                    }
                }
            }
        }
    }
}
