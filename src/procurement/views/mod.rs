//! Procurement pages: tender list and notice, tender and amendment forms, bid page and
//! receipt, evaluation report, scoring sheet, workspace panels. Data in, markup out.

mod bidding;
mod documents;
mod form;
mod page;
pub use bidding::*;
pub use form::*;
pub use page::*;

use std::collections::HashMap;

use maud::{Markup, html};

use super::OpeningLine;
use super::list::{FileInfo, PAGE_SIZE, TenderFilter, TenderListQuery};
use super::model::{amendment, award, bid, challenge, criterion, enquiry, milestone, tender};
use super::routes::{AmendForm, AwardForm, ReplaceForm};
use super::rules::{BidForm, BidOutcome, BidState, EvalMethod, Method, TenderForm, TenderState};
use super::scoring::{Ranked, SheetStatus};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::orgs::{DOMAINS, domain_label, grade_label};
use crate::regions::regions;
use crate::web::forms::{
    checks, csrf_field, division_picker, error_summary, input, select, textarea,
};
use crate::web::pager::pager;

// ---------------------------------------------------------------------------------------
// Small pieces

fn state_of(t: &tender::Model) -> TenderState {
    TenderState::parse(&t.state).unwrap_or(TenderState::Draft)
}

/// The state as a badge.
pub fn state_badge(code: &str, lang: Lang) -> Markup {
    let label = TenderState::parse(code)
        .map(|s| s.label(lang))
        .unwrap_or_else(|| code.to_string());
    html! { span class=(format!("badge badge-state badge-state-{code}")) { (label) } }
}

fn bid_state_badge(code: &str, lang: Lang) -> Markup {
    let label = BidState::parse(code)
        .map(|s| s.label(lang))
        .unwrap_or_else(|| code.to_string());
    html! { span class=(format!("badge badge-bid-{code}")) { (label) } }
}

fn method_label(code: &str, lang: Lang) -> String {
    Method::parse(code)
        .map(|m| m.label(lang))
        .unwrap_or_else(|| code.to_string())
}

fn eval_label(code: &str, lang: Lang) -> String {
    EvalMethod::parse(code)
        .map(|m| m.label(lang))
        .unwrap_or_else(|| code.to_string())
}

/// Milli-points as points with three decimals, e.g. `89.500`.
pub fn points(milli: i64) -> String {
    format!("{}.{:03}", milli / 1000, (milli % 1000).abs())
}

/// Basis points as a percentage, e.g. `30%` or `33.33%`.
pub fn percent(bp: i32) -> String {
    if bp % 100 == 0 {
        format!("{}%", bp / 100)
    } else {
        format!("{}.{:02}%", bp / 100, (bp % 100).abs())
    }
}

fn percent_input(bp: i32) -> String {
    if bp % 100 == 0 {
        (bp / 100).to_string()
    } else {
        format!("{}.{:02}", bp / 100, (bp % 100).abs())
    }
}

fn paragraphs(text: &str) -> Markup {
    html! { @for p in text.split('\n').filter(|p| !p.trim().is_empty()) { p { (p) } } }
}

fn short(hex: &str) -> &str {
    hex.get(..16).unwrap_or(hex)
}

fn event_label(action: &str, lang: Lang) -> String {
    let key = format!("tender.event.{action}");
    let s = lang.t(&key);
    if s == key { action.to_string() } else { s }
}

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v)))
        .collect()
}

fn options_domains(lang: Lang) -> Vec<(String, String)> {
    DOMAINS
        .iter()
        .map(|(c, _, _)| ((*c).to_string(), domain_label(c, lang)))
        .collect()
}

fn options_leagues(lang: Lang) -> Vec<(String, String)> {
    let r = regions();
    r.leagues()
        .map(|d| (d.code.clone(), r.name(&d.code, lang)))
        .collect()
}

fn options_states(lang: Lang) -> Vec<(String, String)> {
    TenderState::ALL
        .iter()
        .filter(|s| **s != TenderState::Draft)
        .map(|s| (s.code().to_string(), s.label(lang)))
        .collect()
}

/// The eligibility rules of a tender in words.
pub fn eligibility_lines(t: &tender::Model, lang: Lang) -> Vec<String> {
    let r = regions();
    let mut v = vec![lang.t("tender.elig.credit")];
    if let Some(g) = t.min_grade {
        v.push(lang.tf("tender.elig.grade", &[("grade", &grade_label(g))]));
    }
    if t.social_only {
        v.push(lang.t("tender.elig.social"));
    }
    let leagues: Vec<String> = t
        .allowed_leagues
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|c| r.name(c, lang))
        .collect();
    if !leagues.is_empty() {
        v.push(lang.tf("tender.elig.leagues", &[("leagues", &leagues.join("、"))]));
    }
    if t.min_years > 0 {
        v.push(lang.tf("tender.elig.years", &[("years", &t.min_years.to_string())]));
    }
    v
}

// ---------------------------------------------------------------------------------------
// List

fn list_href(q: &TenderListQuery, page: u64) -> String {
    let page = page.to_string();
    let pairs: Vec<(&str, &str)> = [
        ("state", q.state.as_str()),
        ("domain", q.domain.as_str()),
        ("league", q.league.as_str()),
        ("method", q.method.as_str()),
        ("sort", q.sort.as_str()),
        ("page", page.as_str()),
    ]
    .into_iter()
    .filter(|(k, v)| !(v.is_empty() || (*k == "page" && *v == "1")))
    .collect();
    let qs = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if qs.is_empty() {
        "/tenders".into()
    } else {
        format!("/tenders?{qs}")
    }
}

/// A row of the public list.
pub struct ListRow {
    /// The tender.
    pub t: tender::Model,
    /// Its unit's name.
    pub unit_name: String,
}

/// The public list page body.
pub fn list(
    lang: Lang,
    q: &TenderListQuery,
    f: &TenderFilter,
    rows: &[ListRow],
    total: u64,
    can_create: bool,
) -> Markup {
    let pages = total.div_ceil(PAGE_SIZE);
    let none = FieldErrors::default();
    let r = regions();
    let sorts = vec![
        (String::new(), lang.t("tender.sort_newest")),
        ("deadline".to_string(), lang.t("tender.sort_deadline")),
    ];
    html! {
        div.page-head {
            h1.page-title { (lang.t("tender.list_title")) }
            @if can_create { a.btn.btn-primary href="/tenders/new" { (lang.t("tender.new")) } }
        }
        p.lead { (lang.t("tender.list_lead")) }
        form.filters method="get" action="/tenders" {
            (select("state", &lang.t("tender.state_col"), &options_states(lang), f.state.map(|s| s.code()).unwrap_or(""), Some(&lang.t("form.any")), &none))
            (select("domain", &lang.t("tender.domain"), &options_domains(lang), f.domain.as_deref().unwrap_or(""), Some(&lang.t("form.any")), &none))
            (select("league", &lang.t("tender.league"), &options_leagues(lang), f.league.as_deref().unwrap_or(""), Some(&lang.t("form.any")), &none))
            (select("method", &lang.t("tender.method_col"), &options(Method::ALL, Method::code, |m| m.label(lang)), f.method.map(|m| m.code()).unwrap_or(""), Some(&lang.t("form.any")), &none))
            (select("sort", &lang.t("tender.sort"), &sorts, if f.by_deadline { "deadline" } else { "" }, None, &none))
            div.actions {
                button.btn.btn-primary type="submit" { (lang.t("form.filter")) }
                a.reset href="/tenders" { (lang.t("form.reset")) }
            }
        }
        p.result-count { (lang.tf("tender.count", &[("n", &total.to_string())])) }
        @if rows.is_empty() {
            div.empty { (lang.t("tender.list_empty")) }
        } @else {
            div.table-wrap { table.data-table {
                thead { tr {
                    th { (lang.t("tender.title")) }
                    th { (lang.t("tender.unit")) }
                    th { (lang.t("tender.place")) }
                    th { (lang.t("tender.domain")) }
                    th.num { (lang.t("tender.budget")) }
                    th { (lang.t("tender.method_col")) }
                    th { (lang.t("tender.state_col")) }
                    th { (lang.t("tender.bid_deadline")) }
                } }
                tbody { @for row in rows {
                    tr {
                        td { a href=(format!("/tenders/{}", row.t.id)) { (row.t.title) } }
                        td { (row.unit_name) }
                        td { (r.path(&row.t.division_code, lang)) }
                        td { span.tag { (domain_label(&row.t.domain, lang)) } }
                        td.num { (Fen(row.t.budget_fen)) }
                        td { (method_label(&row.t.method, lang)) }
                        td { (state_badge(&row.t.state, lang)) }
                        td { (display_instant(row.t.bid_deadline)) }
                    }
                } }
            } }
        }
        (pager(lang, f.page, pages, |p| list_href(q, p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(points(89_500), "89.500");
        assert_eq!(points(7), "0.007");
        assert_eq!(percent(3_000), "30%");
        assert_eq!(percent(3_333), "33.33%");
        assert_eq!(percent_input(3_334), "33.34");
    }
}
