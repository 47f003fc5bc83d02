//! Procurement pages: tender list and notice, tender and amendment forms, bid page and
//! receipt, evaluation report, scoring sheet, workspace panels. Data in, markup out.

use std::collections::{HashMap, HashSet};

use maud::{Markup, html};

use super::OpeningLine;
use super::list::{FileInfo, PAGE_SIZE, TenderFilter, TenderListQuery};
use super::model::{amendment, award, bid, challenge, criterion, enquiry, milestone, tender};
use super::routes::{AmendForm, AwardForm};
use super::rules::{BidForm, BidState, EvalMethod, Method, TenderForm, TenderState};
use super::scoring::Ranked;
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

// ---------------------------------------------------------------------------------------
// The tender page

/// What the viewer of a tender page may do.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// Signed in.
    pub signed_in: bool,
    /// A buyer of the tender's unit.
    pub buyer: bool,
    /// Organizations the viewer administers: id, name.
    pub admin_orgs: Vec<(i64, String)>,
    /// An assigned evaluator.
    pub evaluator: bool,
    /// May read the evaluation report now.
    pub may_see_evaluation: bool,
}

/// A form on the tender page sent back with an error: which form, what was typed, why.
#[derive(Debug, Clone, Default)]
pub struct Inline {
    /// `ask`, `answer-{id}`, `cancel`, `evaluator`, `challenge`, `challenge-answer-{id}`.
    pub form: String,
    /// The typed text.
    pub value: String,
    /// The chosen organization (challenge form).
    pub org_id: String,
    /// The message.
    pub error: String,
}

impl Inline {
    fn errors(&self, form: &str, field: &'static str) -> (String, FieldErrors) {
        let mut e = FieldErrors::default();
        if self.form == form {
            if !self.error.is_empty() {
                e.add(field, self.error.clone());
            }
            (self.value.clone(), e)
        } else {
            (String::new(), e)
        }
    }
}

/// Everything the tender page shows.
pub struct ShowData {
    /// The tender.
    pub t: tender::Model,
    /// Now.
    pub now: i64,
    /// Its unit's name.
    pub unit_name: String,
    /// Criteria.
    pub criteria: Vec<criterion::Model>,
    /// Milestones.
    pub milestones: Vec<milestone::Model>,
    /// Amendments.
    pub amendments: Vec<amendment::Model>,
    /// Questions and answers.
    pub enquiries: Vec<enquiry::Model>,
    /// Opening record (empty before opening).
    pub opening: Vec<OpeningLine>,
    /// Ranking, once public (after the award).
    pub ranking: Option<Vec<Ranked>>,
    /// The award.
    pub award: Option<award::Model>,
    /// Challenges with the challenger's name.
    pub challenges: Vec<(challenge::Model, String)>,
    /// The contract: id, state label, value.
    pub contract: Option<(i64, String, Fen)>,
    /// Public timeline: instant, action.
    pub timeline: Vec<(i64, String)>,
    /// Evaluators (shown to buyers).
    pub evaluators: Vec<(i64, String)>,
    /// The viewer.
    pub viewer: Viewer,
    /// Token for the forms shown.
    pub csrf: Option<String>,
    /// A form sent back with an error.
    pub inline: Inline,
    /// The best-matched organizations (the tender's buyers only; rendered by `matching`).
    pub matches: Option<Markup>,
}

fn name_of(opening: &[OpeningLine], bid_id: i64) -> String {
    opening
        .iter()
        .find(|l| l.bid_id == bid_id)
        .map(|l| l.org_name.clone())
        .unwrap_or_default()
}

fn ranking_table(
    lang: Lang,
    t: &tender::Model,
    ranking: &[Ranked],
    opening: &[OpeningLine],
) -> Markup {
    let comprehensive = t.eval_method == EvalMethod::Comprehensive.code();
    html! {
        div.table-wrap { table.data-table.ranking {
            thead { tr {
                th.num { (lang.t("eval.rank")) }
                th { (lang.t("bid.bidder")) }
                th.num { (lang.t("bid.price")) }
                @if comprehensive {
                    th.num { (lang.t("eval.technical")) }
                    th.num { (lang.t("eval.price_score")) }
                    th.num { (lang.t("eval.total")) }
                }
            } }
            tbody { @for r in ranking { tr {
                td.num { (r.rank) }
                td { (name_of(opening, r.bid_id)) }
                td.num { (Fen(r.price_fen)) }
                @if comprehensive {
                    td.num { (points(r.technical_milli)) }
                    td.num { (points(r.price_milli)) }
                    td.num { strong { (points(r.total_milli)) } }
                }
            } } }
        } }
    }
}

fn notice(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    let r = regions();
    let comprehensive = t.eval_method == EvalMethod::Comprehensive.code();
    html! {
        section.section id="notice" {
            h2 { (lang.t("tender.notice")) }
            dl.props {
                dt { (lang.t("tender.unit")) } dd { (d.unit_name) }
                dt { (lang.t("tender.place")) } dd { (r.path(&t.division_code, lang)) }
                dt { (lang.t("tender.domain")) } dd { span.tag { (domain_label(&t.domain, lang)) } }
                dt { (lang.t("tender.budget")) } dd { (Fen(t.budget_fen)) }
                dt { (lang.t("tender.method_col")) } dd { (method_label(&t.method, lang)) }
                dt { (lang.t("tender.eval_method")) } dd { (eval_label(&t.eval_method, lang)) }
                @if comprehensive {
                    dt { (lang.t("tender.price_weight")) } dd { (lang.tf("tender.points", &[("n", &t.price_weight.to_string())])) }
                }
                dt { (lang.t("tender.eligibility")) }
                dd { ul.plain { @for l in eligibility_lines(t, lang) { li { (l) } } } }
                dt { (lang.t("tender.enquiry_deadline")) } dd { (display_instant(t.enquiry_deadline)) }
                dt { (lang.t("tender.bid_deadline")) } dd { (display_instant(t.bid_deadline)) " " span.muted { (lang.t("tender.opening_note")) } }
                dt { (lang.t("tender.contract_months")) } dd { (lang.tf("tender.months", &[("n", &t.contract_months.to_string())])) }
                @if let Some(p) = t.published_at {
                    dt { (lang.t("tender.published_at")) } dd { (display_instant(p)) }
                }
                @if !t.state_reason.is_empty() {
                    dt { (lang.t("tender.state_reason")) } dd { (t.state_reason) }
                }
            }
            h3 { (lang.t("tender.description")) }
            (paragraphs(&t.description))
            @if comprehensive && !d.criteria.is_empty() {
                h3 { (lang.t("tender.criteria")) }
                div.table-wrap { table.data-table.criteria {
                    thead { tr { th { (lang.t("tender.criterion")) } th.num { (lang.t("tender.weight")) } } }
                    tbody {
                        @for c in &d.criteria { tr { td { (c.name) } td.num { (c.weight) } } }
                        tr { td { (lang.t("tender.price")) } td.num { (t.price_weight) } }
                    }
                } }
            }
            h3 { (lang.t("tender.milestones")) }
            div.table-wrap { table.data-table.milestones {
                thead { tr { th { (lang.t("tender.milestone")) } th.num { (lang.t("tender.percent")) } } }
                tbody { @for m in &d.milestones { tr { td { (m.name) } td.num { (percent(m.percent_bp)) } } } }
            } }
        }
    }
}

fn amendments(lang: Lang, d: &ShowData) -> Markup {
    html! {
        section.section id="amendments" {
            h2 { (lang.t("tender.amendments")) }
            @if d.amendments.is_empty() { p.muted { (lang.t("tender.no_amendments")) } }
            @else {
                ul.plain { @for a in &d.amendments { li {
                    strong { (display_instant(a.at)) } " · " (a.summary) " "
                    span.muted { (lang.tf("tender.amend_deadline", &[("old", &display_instant(a.old_bid_deadline)), ("new", &display_instant(a.new_bid_deadline))])) }
                } } }
            }
        }
    }
}

fn qa(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    let open = state_of(t) == TenderState::Published && d.now < t.enquiry_deadline;
    let (ask_value, ask_err) = d.inline.errors("ask", "question");
    html! {
        section.section id="qa" {
            h2 { (lang.t("tender.qa")) }
            @if d.enquiries.is_empty() { p.muted { (lang.t("tender.no_questions")) } }
            @else {
                dl.qa { @for q in &d.enquiries {
                    dt { (q.question) " " span.muted { (display_instant(q.asked_at)) } }
                    dd {
                        @if let Some(a) = &q.answer {
                            (paragraphs(a))
                            @if let Some(at) = q.answered_at { p.muted { (lang.tf("tender.answered_at", &[("at", &display_instant(at))])) } }
                        } @else {
                            p.muted { (lang.t("tender.unanswered")) }
                            @if d.viewer.buyer && let Some(csrf) = &d.csrf {
                                @let key = format!("answer-{}", q.id);
                                @let (v, e) = d.inline.errors(&key, "answer");
                                form.form method="post" action=(format!("/tenders/{}/enquiries/{}/answer", t.id, q.id)) {
                                    (csrf_field(csrf))
                                    (textarea("answer", &lang.t("tender.answer"), &v, None, &e))
                                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("tender.answer_submit")) } }
                                }
                            }
                        }
                    }
                } }
            }
            @if open {
                @if d.viewer.signed_in && let Some(csrf) = &d.csrf {
                    form.form method="post" action=(format!("/tenders/{}/enquiries", t.id)) {
                        (csrf_field(csrf))
                        (textarea("question", &lang.t("tender.question"), &ask_value, Some(&lang.t("tender.question_hint")), &ask_err))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("tender.ask")) } }
                    }
                } @else if !d.viewer.signed_in {
                    p { a href=(format!("/login?next=/tenders/{}", t.id)) { (lang.t("tender.login_to_ask")) } }
                }
            } @else if state_of(t) == TenderState::Published {
                p.muted { (lang.t("tender.enquiries_closed")) }
            }
        }
    }
}

fn opening(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    html! {
        section.section id="opening" {
            h2 { (lang.t("tender.opening")) }
            @if let Some(at) = t.opened_at {
                p { (lang.tf("tender.opened_at", &[("at", &display_instant(at))])) }
                @if d.opening.is_empty() { p.muted { (lang.t("tender.no_bids")) } }
                @else {
                    div.table-wrap { table.data-table.opening {
                        thead { tr {
                            th { (lang.t("bid.bidder")) }
                            th.num { (lang.t("bid.price")) }
                            th { (lang.t("bid.state_col")) }
                            th { (lang.t("bid.commitment")) }
                        } }
                        tbody { @for l in &d.opening { tr {
                            td { (l.org_name) }
                            td.num { (Fen(l.price_fen)) }
                            td { (bid_state_badge(&l.state, lang)) }
                            td { code title=(l.commitment) { (short(&l.commitment)) "…" } }
                        } } }
                    } }
                }
            } @else if state_of(t) == TenderState::Published || state_of(t) == TenderState::Draft {
                p { (lang.tf("tender.sealed", &[("at", &display_instant(t.bid_deadline))])) }
            } @else {
                p.muted { (lang.t("tender.not_opened")) }
            }
        }
    }
}

fn evaluation(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    html! {
        section.section id="evaluation" {
            h2 { (lang.t("eval.title")) }
            @if let Some(r) = &d.ranking {
                (ranking_table(lang, t, r, &d.opening))
                p { a href=(format!("/tenders/{}/evaluation", t.id)) { (lang.t("eval.full_report")) } }
            } @else {
                p.muted { (lang.t("eval.after_award")) }
                @if d.viewer.may_see_evaluation {
                    p { a href=(format!("/tenders/{}/evaluation", t.id)) { (lang.t("eval.report_link")) } }
                }
            }
        }
    }
}

fn award_section(lang: Lang, d: &ShowData) -> Markup {
    html! {
        section.section id="award" {
            h2 { (lang.t("award.title")) }
            @if let Some(a) = &d.award {
                dl.props.award-notice {
                    dt { (lang.t("award.winner")) } dd { strong { (name_of(&d.opening, a.bid_id)) } }
                    dt { (lang.t("award.value")) } dd { (Fen(a.value_fen)) }
                    dt { (lang.t("award.at")) } dd { (display_instant(a.awarded_at)) }
                    @if !a.justification.is_empty() {
                        dt { (lang.t("award.justification")) } dd { (a.justification) }
                    }
                    dt { (lang.t("award.standstill_until")) } dd { (display_instant(a.standstill_ends_at)) }
                }
            } @else {
                p.muted { (lang.t("award.none")) }
            }
        }
    }
}

fn challenges(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    let window = d
        .award
        .as_ref()
        .is_some_and(|a| d.now < a.standstill_ends_at)
        && state_of(t) == TenderState::Awarded;
    let (cv, ce) = d.inline.errors("challenge", "text");
    let orgs: Vec<(String, String)> = d
        .viewer
        .admin_orgs
        .iter()
        .map(|(i, n)| (i.to_string(), n.clone()))
        .collect();
    html! {
        section.section id="challenges" {
            h2 { (lang.t("challenge.title")) }
            @if d.challenges.is_empty() { p.muted { (lang.t("challenge.none")) } }
            @else {
                dl.qa { @for (c, org) in &d.challenges {
                    dt { strong { (org) } " " span.muted { (display_instant(c.filed_at)) } }
                    dd {
                        (paragraphs(&c.text))
                        @if let Some(a) = &c.answer {
                            div.answer { strong { (lang.t("challenge.answer")) ": " } (paragraphs(a)) }
                        } @else {
                            p.muted { (lang.t("challenge.unanswered")) }
                            @if d.viewer.buyer && let Some(csrf) = &d.csrf {
                                @let key = format!("challenge-answer-{}", c.id);
                                @let (v, e) = d.inline.errors(&key, "answer");
                                form.form method="post" action=(format!("/tenders/{}/challenges/{}/answer", t.id, c.id)) {
                                    (csrf_field(csrf))
                                    (textarea("answer", &lang.t("challenge.answer"), &v, None, &e))
                                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("challenge.answer_submit")) } }
                                }
                            }
                        }
                    }
                } }
            }
            @if window && !orgs.is_empty() && let Some(csrf) = &d.csrf {
                form.form method="post" action=(format!("/tenders/{}/challenges", t.id)) {
                    (csrf_field(csrf))
                    (select("org_id", &lang.t("bid.org"), &orgs, &d.inline.org_id, None, &FieldErrors::default()))
                    (textarea("text", &lang.t("challenge.text"), &cv, Some(&lang.t("challenge.hint")), &ce))
                    div.actions { button.btn.btn-danger type="submit" { (lang.t("challenge.submit")) } }
                }
            }
        }
    }
}

fn side_panel(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    let s = state_of(t);
    let v = &d.viewer;
    let (cancel_v, cancel_e) = d.inline.errors("cancel", "reason");
    let (eval_v, eval_e) = d.inline.errors("evaluator", "email");
    let nothing = !v.buyer && v.admin_orgs.is_empty() && !v.evaluator;
    html! {
        aside.side-panel {
            h2 { (lang.t("tender.actions")) }
            p { (state_badge(&t.state, lang)) }
            @if v.buyer && let Some(csrf) = &d.csrf {
                @if s == TenderState::Draft {
                    p { a.btn.btn-secondary href=(format!("/tenders/{}/edit", t.id)) { (lang.t("tender.edit")) } }
                    form.form method="post" action=(format!("/tenders/{}/publish", t.id)) {
                        (csrf_field(csrf))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("tender.publish")) } }
                    }
                }
                @if s == TenderState::Published {
                    p { a.btn.btn-secondary href=(format!("/tenders/{}/amend", t.id)) { (lang.t("tender.amend")) } }
                }
                @if matches!(s, TenderState::Opened | TenderState::Evaluating) {
                    h3 { (lang.t("eval.evaluators")) }
                    @if d.evaluators.is_empty() { p.muted { (lang.t("eval.no_evaluators")) } }
                    @else { ul.plain { @for (_, n) in &d.evaluators { li { (n) } } } }
                    form.form method="post" action=(format!("/tenders/{}/evaluators", t.id)) {
                        (csrf_field(csrf))
                        (input("email", "email", &lang.t("eval.assign_email"), &eval_v, None, &eval_e, true))
                        div.actions { button.btn.btn-secondary type="submit" { (lang.t("eval.assign")) } }
                    }
                }
                @if matches!(s, TenderState::Opened | TenderState::Evaluating | TenderState::Awarded | TenderState::Contracted | TenderState::Completed) {
                    p { a.btn.btn-primary href=(format!("/tenders/{}/evaluation", t.id)) {
                        @if s == TenderState::Evaluating { (lang.t("eval.report_and_award")) } @else { (lang.t("eval.report_link")) }
                    } }
                }
                @if matches!(s, TenderState::Draft | TenderState::Published | TenderState::Opened | TenderState::Evaluating) {
                    h3 { (lang.t("tender.cancel")) }
                    form.form method="post" action=(format!("/tenders/{}/cancel", t.id)) {
                        (csrf_field(csrf))
                        (textarea("reason", &lang.t("tender.cancel_reason"), &cancel_v, None, &cancel_e))
                        div.actions { button.btn.btn-danger type="submit" { (lang.t("tender.cancel")) } }
                    }
                }
            }
            @if !v.admin_orgs.is_empty() && s != TenderState::Draft {
                p { a.btn.btn-primary href=(format!("/tenders/{}/bid", t.id)) {
                    @if s == TenderState::Published && d.now < t.bid_deadline { (lang.t("bid.go")) } @else { (lang.t("bid.my_bids")) }
                } }
            }
            @if v.evaluator {
                p { a.btn.btn-primary href=(format!("/tenders/{}/score", t.id)) { (lang.t("eval.score_link")) } }
            }
            @if nothing {
                p.muted { (lang.t("tender.public_note")) }
            }
        }
    }
}

/// The tender page body.
pub fn show(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    html! {
        div.page-head {
            h1.page-title { (t.title) }
        }
        p { (state_badge(&t.state, lang)) " " span.muted { (lang.tf("tender.number", &[("id", &t.id.to_string())])) } }
        nav.toc { ul.plain.inline-list {
            @for (anchor, key) in [("notice", "tender.notice"), ("amendments", "tender.amendments"), ("qa", "tender.qa"), ("opening", "tender.opening"), ("evaluation", "eval.title"), ("award", "award.title"), ("challenges", "challenge.title"), ("contract", "tender.contract"), ("timeline", "tender.timeline")] {
                li { a href=(format!("#{anchor}")) { (lang.t(key)) } }
            }
        } }
        div.profile-grid {
            div {
                (notice(lang, d))
                @if let Some(m) = &d.matches { (m) }
                (amendments(lang, d))
                (qa(lang, d))
                (opening(lang, d))
                (evaluation(lang, d))
                (award_section(lang, d))
                (challenges(lang, d))
                section.section id="contract" {
                    h2 { (lang.t("tender.contract")) }
                    @if let Some((id, state, value)) = &d.contract {
                        p { a href=(format!("/contracts/{id}")) { (lang.tf("tender.contract_link", &[("id", &id.to_string())])) } " · " (state) " · " (value) }
                    } @else { p.muted { (lang.t("tender.no_contract")) } }
                }
                section.section id="timeline" {
                    h2 { (lang.t("tender.timeline")) }
                    @if d.timeline.is_empty() { p.muted { (lang.t("tender.no_events")) } }
                    @else {
                        ol.timeline { @for (at, action) in &d.timeline {
                            li { time { (display_instant(*at)) } " " (event_label(action, lang)) }
                        } }
                    }
                }
            }
            (side_panel(lang, d))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Tender form

/// Rows of criteria and milestones the form offers at least.
pub const FORM_ROWS: usize = 5;

/// The create/edit form. `action` is where it posts.
pub fn tender_form(
    lang: Lang,
    title: &str,
    action: &str,
    f: &TenderForm,
    units: &[(i64, String)],
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let unit_opts: Vec<(String, String)> = units
        .iter()
        .map(|(i, n)| (i.to_string(), n.clone()))
        .collect();
    let grades: Vec<(String, String)> = (1..=5)
        .map(|g| (g.to_string(), format!("≥ {}", grade_label(g))))
        .collect();
    let crit_rows = f
        .criterion_name
        .len()
        .max(f.criterion_weight.len())
        .max(FORM_ROWS);
    let ms_rows = f
        .milestone_name
        .len()
        .max(f.milestone_percent.len())
        .max(FORM_ROWS);
    let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
    let none = FieldErrors::default();
    html! {
        h1.page-title { (title) }
        (error_summary(e, lang))
        form.form.tender-form method="post" action=(action) novalidate {
            (csrf_field(csrf))
            fieldset {
                legend { (lang.t("tender.basic")) }
                (select("unit_id", &lang.t("tender.unit"), &unit_opts, &f.unit_id, (units.len() > 1).then(|| lang.t("form.choose_one")).as_deref(), e))
                (input("text", "title", &lang.t("tender.title"), &f.title, None, e, true))
                (textarea("description", &lang.t("tender.description"), &f.description, Some(&lang.t("tender.description_hint")), e))
                div.form-row {
                    (select("domain", &lang.t("tender.domain"), &options_domains(lang), &f.domain, Some(&lang.t("form.choose_one")), e))
                    (input("text", "budget", &lang.t("tender.budget_yuan"), &f.budget, Some(&lang.t("tender.budget_hint")), e, true))
                }
            }
            fieldset {
                legend { (lang.t("tender.place")) }
                (division_picker("t_", lang, &f.t_league, &f.t_county, &f.t_township, true, e))
            }
            fieldset {
                legend { (lang.t("tender.procedure")) }
                div.form-row {
                    (select("method", &lang.t("tender.method_col"), &options(Method::ALL, Method::code, |m| m.label(lang)), &f.method, Some(&lang.t("form.choose_one")), e))
                    (select("eval_method", &lang.t("tender.eval_method"), &options(EvalMethod::ALL, EvalMethod::code, |m| m.label(lang)), &f.eval_method, Some(&lang.t("form.choose_one")), e))
                    (input("number", "price_weight", &lang.t("tender.price_weight"), &f.price_weight, Some(&lang.t("tender.price_weight_hint")), e, false))
                }
                div.field.has-error[e.get("criteria").is_some()] {
                    p { strong { (lang.t("tender.criteria")) } " " span.hint { (lang.t("tender.criteria_hint")) } }
                    table.form-table {
                        thead { tr { th { (lang.t("tender.criterion")) } th { (lang.t("tender.weight")) } } }
                        tbody { @for i in 0..crit_rows { tr {
                            td { input type="text" name="criterion_name" value=(at(&f.criterion_name, i)) aria-label=(format!("{} {}", lang.t("tender.criterion"), i + 1)); }
                            td { input type="number" name="criterion_weight" min="1" max="100" value=(at(&f.criterion_weight, i)) aria-label=(format!("{} {}", lang.t("tender.weight"), i + 1)); }
                        } } }
                    }
                    @if let Some(m) = e.get("criteria") { p.error-msg id="criteria-error" { (m) } }
                }
            }
            fieldset {
                legend { (lang.t("tender.eligibility")) }
                div.form-row {
                    (select("min_grade", &lang.t("tender.min_grade"), &grades, &f.min_grade, Some(&lang.t("form.any")), e))
                    (input("number", "min_years", &lang.t("tender.min_years"), &f.min_years, None, e, false))
                }
                (checks("social_only", &lang.t("tender.set_aside"), &[("1".to_string(), lang.t("tender.social_only"))], std::slice::from_ref(&f.social_only), &none))
                (checks("allowed_leagues", &lang.t("tender.allowed_leagues"), &options_leagues(lang), &f.allowed_leagues, e))
            }
            fieldset {
                legend { (lang.t("tender.deadlines")) }
                div.form-row {
                    (input("datetime-local", "enquiry_deadline", &lang.t("tender.enquiry_deadline"), &f.enquiry_deadline, Some(&lang.t("tender.time_hint")), e, true))
                    (input("datetime-local", "bid_deadline", &lang.t("tender.bid_deadline"), &f.bid_deadline, Some(&lang.t("tender.time_hint")), e, true))
                    (input("number", "contract_months", &lang.t("tender.contract_months"), &f.contract_months, None, e, true))
                }
            }
            fieldset {
                legend { (lang.t("tender.milestones")) }
                div.field.has-error[e.get("milestones").is_some()] {
                    p.hint { (lang.t("tender.milestones_hint")) }
                    table.form-table {
                        thead { tr { th { (lang.t("tender.milestone")) } th { (lang.t("tender.percent")) } } }
                        tbody { @for i in 0..ms_rows { tr {
                            td { input type="text" name="milestone_name" value=(at(&f.milestone_name, i)) aria-label=(format!("{} {}", lang.t("tender.milestone"), i + 1)); }
                            td { input type="text" inputmode="decimal" name="milestone_percent" value=(at(&f.milestone_percent, i)) aria-label=(format!("{} {}", lang.t("tender.percent"), i + 1)); }
                        } } }
                    }
                    @if let Some(m) = e.get("milestones") { p.error-msg id="milestones-error" { (m) } }
                }
            }
            div.actions { button.btn.btn-primary type="submit" { (lang.t("tender.save_draft")) } }
        }
    }
}

/// The form pre-filled from a stored draft.
pub fn form_from(
    t: &tender::Model,
    crits: &[criterion::Model],
    ms: &[milestone::Model],
) -> TenderForm {
    let r = regions();
    TenderForm {
        unit_id: t.unit_id.to_string(),
        title: t.title.clone(),
        description: t.description.clone(),
        domain: t.domain.clone(),
        t_league: t.league_code.clone().unwrap_or_default(),
        t_county: t.county_code.clone().unwrap_or_default(),
        t_township: if r
            .get(&t.division_code)
            .is_some_and(|d| d.level == crate::regions::Level::Township)
        {
            t.division_code.clone()
        } else {
            String::new()
        },
        budget: Fen(t.budget_fen).to_input(),
        method: t.method.clone(),
        eval_method: t.eval_method.clone(),
        price_weight: if t.eval_method == EvalMethod::Comprehensive.code() {
            t.price_weight.to_string()
        } else {
            String::new()
        },
        criterion_name: crits.iter().map(|c| c.name.clone()).collect(),
        criterion_weight: crits.iter().map(|c| c.weight.to_string()).collect(),
        min_grade: t.min_grade.map(|g| g.to_string()).unwrap_or_default(),
        social_only: if t.social_only {
            "1".into()
        } else {
            String::new()
        },
        allowed_leagues: t
            .allowed_leagues
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        min_years: t.min_years.to_string(),
        enquiry_deadline: super::rules::format_local(t.enquiry_deadline),
        bid_deadline: super::rules::format_local(t.bid_deadline),
        contract_months: t.contract_months.to_string(),
        milestone_name: ms.iter().map(|m| m.name.clone()).collect(),
        milestone_percent: ms.iter().map(|m| percent_input(m.percent_bp)).collect(),
    }
}

/// The amendment form.
pub fn amend_form(
    lang: Lang,
    t: &tender::Model,
    f: &AmendForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    html! {
        h1.page-title { (lang.tf("tender.amend_title", &[("title", &t.title)])) }
        p.lead { (lang.t("tender.amend_lead")) }
        (error_summary(e, lang))
        form.form method="post" action=(format!("/tenders/{}/amend", t.id)) novalidate {
            (csrf_field(csrf))
            div.form-row {
                (input("datetime-local", "enquiry_deadline", &lang.t("tender.enquiry_deadline"), &f.enquiry_deadline, Some(&lang.t("tender.time_hint")), e, true))
                (input("datetime-local", "bid_deadline", &lang.t("tender.bid_deadline"), &f.bid_deadline, Some(&lang.t("tender.time_hint")), e, true))
            }
            (textarea("summary", &lang.t("tender.amend_summary"), &f.summary, Some(&lang.t("tender.amend_summary_hint")), e))
            div.actions {
                button.btn.btn-primary type="submit" { (lang.t("tender.amend_submit")) }
                a href=(format!("/tenders/{}", t.id)) { (lang.t("tender.back")) }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bids

/// One of the viewer's organizations on the bid page.
pub struct OrgBids {
    /// Organization.
    pub org_id: i64,
    /// Its name.
    pub name: String,
    /// Why it may not bid (localized; empty = eligible).
    pub why: Vec<String>,
    /// Its bids on this tender, newest first: bid, commitment check after opening, files.
    pub bids: Vec<(bid::Model, Option<bool>, Vec<FileInfo>)>,
}

/// The bid page.
pub struct BidPage {
    /// The tender.
    pub t: tender::Model,
    /// Bids accepted now.
    pub open: bool,
    /// The viewer's organizations.
    pub orgs: Vec<OrgBids>,
    /// What was typed.
    pub form: BidForm,
    /// What was wrong.
    pub errors: FieldErrors,
    /// Token.
    pub csrf: String,
}

/// The bid page body.
pub fn bid_page(lang: Lang, p: &BidPage) -> Markup {
    let t = &p.t;
    let eligible: Vec<(String, String)> = p
        .orgs
        .iter()
        .filter(|o| o.why.is_empty())
        .map(|o| (o.org_id.to_string(), o.name.clone()))
        .collect();
    let upload = format!("/tenders/{}/bid/files?_csrf={}", t.id, urlencode(&p.csrf));
    html! {
        div.page-head {
            h1.page-title { (lang.tf("bid.title", &[("title", &t.title)])) }
            a href=(format!("/tenders/{}", t.id)) { (lang.t("bid.back_to_tender")) }
        }
        p { (lang.tf("bid.deadline", &[("at", &display_instant(t.bid_deadline))])) " · " (lang.tf("bid.budget", &[("budget", &Fen(t.budget_fen).to_string())])) }
        p.hint { (lang.t("bid.sealed_note")) }
        (error_summary(&p.errors, lang))
        @for o in &p.orgs {
            section.section.org-bids id=(format!("org-{}", o.org_id)) {
                h2 { (o.name) }
                @if o.why.is_empty() { p { span.badge.badge-ok { (lang.t("bid.eligible")) } } }
                @else {
                    div.form-errors { p { (lang.t("bid.ineligible")) } ul { @for w in &o.why { li { (w) } } } }
                }
                @if o.bids.is_empty() { p.muted { (lang.t("bid.none_yet")) } }
                @else {
                    div.table-wrap { table.data-table.receipts {
                        thead { tr {
                            th { (lang.t("bid.revision")) }
                            th { (lang.t("bid.submitted_at")) }
                            th { (lang.t("bid.state_col")) }
                            th { (lang.t("bid.commitment")) }
                            th { (lang.t("bid.files")) }
                            th { (lang.t("bid.check")) }
                        } }
                        tbody { @for (b, check, files) in &o.bids { tr {
                            td { (b.revision) }
                            td { (display_instant(b.submitted_at)) }
                            td { (bid_state_badge(&b.state, lang)) }
                            td { code.commitment { (b.commitment) } }
                            td { @for f in files { div { (f.name) " " span.muted { (f.size) " B" } } } }
                            td { @match check {
                                Some(true) => span.badge.badge-ok { (lang.t("bid.check_ok")) },
                                Some(false) => span.badge.badge-credit-dishonest { (lang.t("bid.check_bad")) },
                                None => span.muted { (lang.t("bid.check_after_opening")) },
                            } }
                        } } }
                    } }
                    @if p.open && o.bids.iter().any(|(b, _, _)| b.state == BidState::Submitted.code()) {
                        div.form-row {
                            form.form method="post" enctype="multipart/form-data" action=(upload) {
                                input type="hidden" name="org_id" value=(o.org_id);
                                div.field {
                                    label for=(format!("file-{}", o.org_id)) { (lang.t("bid.attach")) }
                                    input type="file" id=(format!("file-{}", o.org_id)) name="file" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png";
                                    p.hint { (lang.t("bid.attach_hint")) }
                                }
                                div.actions { button.btn.btn-secondary type="submit" { (lang.t("bid.upload")) } }
                            }
                            form.form method="post" action=(format!("/tenders/{}/bid/withdraw", t.id)) {
                                (csrf_field(&p.csrf))
                                input type="hidden" name="org_id" value=(o.org_id);
                                div.actions { button.btn.btn-danger type="submit" { (lang.t("bid.withdraw")) } }
                            }
                        }
                    }
                }
            }
        }
        @if p.open {
            @if eligible.is_empty() {
                p.muted { (lang.t("bid.no_eligible_org")) }
            } @else {
                section.section id="bid-form" {
                    h2 { (lang.t("bid.submit_title")) }
                    p.hint { (lang.t("bid.revise_note")) }
                    form.form method="post" action=(format!("/tenders/{}/bid", t.id)) novalidate {
                        (csrf_field(&p.csrf))
                        (select("org_id", &lang.t("bid.org"), &eligible, &p.form.org_id, (eligible.len() > 1).then(|| lang.t("form.choose_one")).as_deref(), &p.errors))
                        (input("text", "price", &lang.t("bid.price_yuan"), &p.form.price, Some(&lang.t("bid.price_hint")), &p.errors, true))
                        (textarea("proposal", &lang.t("bid.proposal"), &p.form.proposal, None, &p.errors))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("bid.submit")) } }
                    }
                }
            }
        } @else {
            p.muted { (lang.t("bid.closed")) }
        }
    }
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|x| x.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// The receipt shown after a bid is sealed.
pub fn receipt(lang: Lang, t: &tender::Model, org_name: &str, r: &super::Receipt) -> Markup {
    html! {
        div.receipt {
            h1.page-title { (lang.t("bid.receipt_title")) }
            div.flash.flash-success role="status" { (lang.t("bid.sealed_ok")) }
            dl.props {
                dt { (lang.t("tender.title")) } dd { a href=(format!("/tenders/{}", t.id)) { (t.title) } }
                dt { (lang.t("bid.bidder")) } dd { (org_name) }
                dt { (lang.t("bid.number")) } dd { (r.bid_id) }
                dt { (lang.t("bid.revision")) } dd { (r.revision) }
                dt { (lang.t("bid.submitted_at")) } dd { (display_instant(r.submitted_at)) }
                dt { (lang.t("bid.commitment")) } dd { code.commitment { (r.commitment) } }
            }
            p { strong { (lang.t("bid.keep_receipt")) } }
            p { a.btn.btn-secondary href=(format!("/tenders/{}/bid", t.id)) { (lang.t("bid.my_bids")) } }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation

/// The evaluation report.
pub struct EvalPage {
    /// The tender.
    pub t: tender::Model,
    /// Opening record (names and prices).
    pub opening: Vec<OpeningLine>,
    /// Opened and disqualified bids.
    pub bids: Vec<bid::Model>,
    /// The ranking, or why it cannot be computed yet.
    pub ranking: Result<Vec<Ranked>, String>,
    /// Evaluators.
    pub evaluators: Vec<(i64, String)>,
    /// The award, once made.
    pub award: Option<award::Model>,
    /// The viewer is a buyer of the unit.
    pub buyer: bool,
    /// Token (buyers).
    pub csrf: Option<String>,
    /// Award form as typed.
    pub award_form: AwardForm,
    /// Disqualification form sent back: bid, typed reason.
    pub disqualify: Option<(i64, String)>,
    /// Messages.
    pub errors: FieldErrors,
}

/// The evaluation report body.
pub fn evaluation_page(lang: Lang, p: &EvalPage) -> Markup {
    let t = &p.t;
    let s = state_of(t);
    let evaluating = s == TenderState::Evaluating;
    let ranked_opts: Vec<(String, String)> = p
        .ranking
        .as_ref()
        .map(|r| {
            r.iter()
                .map(|x| {
                    (
                        x.bid_id.to_string(),
                        format!(
                            "{}. {} · {}",
                            x.rank,
                            name_of(&p.opening, x.bid_id),
                            Fen(x.price_fen)
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    html! {
        div.page-head {
            h1.page-title { (lang.tf("eval.report_title", &[("title", &t.title)])) }
            a href=(format!("/tenders/{}", t.id)) { (lang.t("bid.back_to_tender")) }
        }
        p { (state_badge(&t.state, lang)) " " (eval_label(&t.eval_method, lang)) }
        (error_summary(&p.errors, lang))
        section.section id="ranking" {
            h2 { (lang.t("eval.ranking")) }
            @match &p.ranking {
                Ok(r) if r.is_empty() => p.muted { (lang.t("eval.no_ranked")) },
                Ok(r) => (ranking_table(lang, t, r, &p.opening)),
                Err(m) => div.notice.incomplete { p { (lang.tf("eval.incomplete", &[("detail", m)])) } },
            }
        }
        section.section id="bids" {
            h2 { (lang.t("eval.bids")) }
            div.table-wrap { table.data-table {
                thead { tr {
                    th { (lang.t("bid.bidder")) }
                    th.num { (lang.t("bid.price")) }
                    th { (lang.t("bid.state_col")) }
                    th { (lang.t("bid.proposal")) }
                    @if p.buyer && evaluating { th { (lang.t("eval.disqualify")) } }
                } }
                tbody { @for b in &p.bids { tr {
                    td { (name_of(&p.opening, b.id)) }
                    td.num { (Fen(b.opened_price_fen.unwrap_or_default())) }
                    td {
                        (bid_state_badge(&b.state, lang))
                        @if let Some(r) = &b.disqualify_reason { div.muted { (r) } }
                    }
                    td { details { summary { (lang.t("eval.show_proposal")) } (paragraphs(b.opened_proposal.as_deref().unwrap_or(""))) } }
                    @if p.buyer && evaluating {
                        td {
                            @if b.state == BidState::Opened.code() && let Some(csrf) = &p.csrf {
                                @let typed = p.disqualify.as_ref().filter(|(id, _)| *id == b.id).map(|(_, v)| v.clone()).unwrap_or_default();
                                form.form method="post" action=(format!("/tenders/{}/bids/{}/disqualify", t.id, b.id)) {
                                    (csrf_field(csrf))
                                    (input("text", "reason", &lang.t("eval.disqualify_reason"), &typed, None, &FieldErrors::default(), true))
                                    div.actions { button.btn.btn-danger type="submit" { (lang.t("eval.disqualify")) } }
                                }
                            }
                        }
                    }
                } } }
            } }
        }
        section.section id="evaluators" {
            h2 { (lang.t("eval.evaluators")) }
            @if p.evaluators.is_empty() { p.muted { (lang.t("eval.no_evaluators")) } }
            @else { ul.plain { @for (_, n) in &p.evaluators { li { (n) } } } }
        }
        @if let Some(a) = &p.award {
            section.section id="award" {
                h2 { (lang.t("award.title")) }
                p { (lang.tf("award.summary", &[("winner", &name_of(&p.opening, a.bid_id)), ("value", &Fen(a.value_fen).to_string())])) }
            }
        } @else if p.buyer && evaluating && !ranked_opts.is_empty() && let Some(csrf) = &p.csrf {
            section.section id="award-form" {
                h2 { (lang.t("award.make")) }
                p.hint { (lang.t("award.hint")) }
                form.form method="post" action=(format!("/tenders/{}/award", t.id)) {
                    (csrf_field(csrf))
                    (select("bid_id", &lang.t("award.bid"), &ranked_opts, if p.award_form.bid_id.is_empty() { &ranked_opts[0].0 } else { &p.award_form.bid_id }, None, &p.errors))
                    (textarea("justification", &lang.t("award.justification"), &p.award_form.justification, Some(&lang.t("award.justification_hint")), &p.errors))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("award.submit")) } }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Scoring

/// The scoring sheet.
pub struct ScorePage {
    /// The tender.
    pub t: tender::Model,
    /// Attachments of each bid.
    pub files: HashMap<i64, Vec<FileInfo>>,
    /// Opened (qualified) bids with the bidder's name.
    pub bids: Vec<(bid::Model, String)>,
    /// Criteria.
    pub criteria: Vec<criterion::Model>,
    /// Field values by name (`p_{bid}_{criterion}`).
    pub values: HashMap<String, String>,
    /// Fields with a bad value.
    pub bad: HashSet<String>,
    /// Scoring is open (evaluating).
    pub open: bool,
    /// Messages.
    pub errors: FieldErrors,
    /// Token.
    pub csrf: String,
}

/// The scoring sheet body.
pub fn score_page(lang: Lang, p: &ScorePage) -> Markup {
    let t = &p.t;
    html! {
        div.page-head {
            h1.page-title { (lang.tf("eval.score_title", &[("title", &t.title)])) }
            a href=(format!("/tenders/{}", t.id)) { (lang.t("bid.back_to_tender")) }
        }
        (error_summary(&p.errors, lang))
        @if !p.open {
            p.muted { (lang.t("eval.scoring_closed")) }
        } @else if p.criteria.is_empty() {
            p.muted { (lang.t("eval.nothing_to_score")) }
        } @else if p.bids.is_empty() {
            p.muted { (lang.t("eval.no_ranked")) }
        } @else {
            p.hint { (lang.t("eval.score_hint")) }
            form.form.score-sheet method="post" action=(format!("/tenders/{}/score", t.id)) novalidate {
                (csrf_field(&p.csrf))
                div.table-wrap { table.data-table {
                    thead { tr {
                        th { (lang.t("bid.bidder")) }
                        th.num { (lang.t("bid.price")) }
                        th { (lang.t("bid.proposal")) }
                        @for c in &p.criteria { th { (c.name) " " span.muted { "(0–" (c.weight) ")" } } }
                    } }
                    tbody { @for (b, name) in &p.bids { tr {
                        td { (name) }
                        td.num { (Fen(b.opened_price_fen.unwrap_or_default())) }
                        td {
                            details { summary { (lang.t("eval.show_proposal")) } (paragraphs(b.opened_proposal.as_deref().unwrap_or(""))) }
                            @if let Some(fs) = p.files.get(&b.id) {
                                ul.plain { @for f in fs {
                                    li { a href=(format!("/tenders/{}/bids/{}/files/{}", t.id, b.id, f.id)) { (f.name) } " " span.muted { (f.size / 1024 + 1) " KB" } }
                                } }
                            }
                        }
                        @for c in &p.criteria {
                            @let n = format!("p_{}_{}", b.id, c.id);
                            td.has-error[p.bad.contains(&n)] {
                                input type="number" name=(n) min="0" max=(c.weight) step="1"
                                    value=(p.values.get(&n).map(String::as_str).unwrap_or(""))
                                    aria-label=(format!("{} · {}", name, c.name))
                                    aria-invalid=[p.bad.contains(&n).then_some("true")];
                            }
                        }
                    } } }
                } }
                div.actions { button.btn.btn-primary type="submit" { (lang.t("eval.save_scores")) } }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Workspace

/// The workspace panels' data; `None` hides a panel.
#[derive(Default)]
pub struct Workspace {
    /// Tenders of the user's units.
    pub buyer: Option<Vec<tender::Model>>,
    /// Open tenders and the user's organizations eligible for each.
    pub open: Option<Vec<(tender::Model, Vec<String>)>>,
    /// The user's organizations' bids: bid, tender, organization name.
    pub bids: Option<Vec<(bid::Model, tender::Model, String)>>,
    /// Tenders the user evaluates.
    pub evaluator: Option<Vec<tender::Model>>,
}

fn tender_link(t: &tender::Model) -> Markup {
    html! { a href=(format!("/tenders/{}", t.id)) { (t.title) } }
}

/// The procurement panels of the workspace page.
pub fn workspace(lang: Lang, w: &Workspace) -> Markup {
    html! {
        @if let Some(ts) = &w.buyer {
            div.panel id="ws-tenders" {
                h2 { (lang.t("ws.my_tenders")) }
                p { a.btn.btn-primary href="/tenders/new" { (lang.t("tender.new")) } }
                @if ts.is_empty() { p.muted { (lang.t("ws.no_tenders")) } }
                @for s in TenderState::ALL {
                    @let of_state: Vec<&tender::Model> = ts.iter().filter(|t| t.state == s.code()).collect();
                    @if !of_state.is_empty() {
                        h3 { (s.label(lang)) " " span.muted { "(" (of_state.len()) ")" } }
                        ul.plain { @for t in of_state {
                            li { (tender_link(t)) " " span.muted { (lang.tf("ws.deadline", &[("at", &display_instant(t.bid_deadline))])) } }
                        } }
                    }
                }
            }
        }
        @if let Some(open) = &w.open {
            div.panel id="ws-open-tenders" {
                h2 { (lang.t("ws.open_tenders")) }
                @if open.is_empty() { p.muted { (lang.t("ws.no_open_tenders")) } }
                @else { ul.plain { @for (t, orgs) in open {
                    li {
                        (tender_link(t)) " " span.muted { (lang.tf("ws.deadline", &[("at", &display_instant(t.bid_deadline))])) }
                        " · " (Fen(t.budget_fen)) " · " (orgs.join("、")) " "
                        a href=(format!("/tenders/{}/bid", t.id)) { (lang.t("bid.go")) }
                    }
                } } }
                p { a href="/tenders?state=published&sort=deadline" { (lang.t("ws.all_open")) } }
            }
        }
        @if let Some(bids) = &w.bids {
            div.panel id="ws-bids" {
                h2 { (lang.t("ws.my_bids")) }
                @if bids.is_empty() { p.muted { (lang.t("ws.no_bids")) } }
                @else { div.table-wrap { table.data-table {
                    thead { tr {
                        th { (lang.t("tender.title")) }
                        th { (lang.t("bid.bidder")) }
                        th { (lang.t("bid.state_col")) }
                        th { (lang.t("bid.revision")) }
                        th { (lang.t("bid.submitted_at")) }
                        th { (lang.t("bid.commitment")) }
                    } }
                    tbody { @for (b, t, org) in bids { tr {
                        td { a href=(format!("/tenders/{}/bid", t.id)) { (t.title) } }
                        td { (org) }
                        td { (bid_state_badge(&b.state, lang)) }
                        td { (b.revision) }
                        td { (display_instant(b.submitted_at)) }
                        td { code title=(b.commitment) { (short(&b.commitment)) "…" } }
                    } } }
                } } }
            }
        }
        @if let Some(ts) = &w.evaluator {
            div.panel id="ws-evaluate" {
                h2 { (lang.t("ws.to_score")) }
                @if ts.is_empty() { p.muted { (lang.t("ws.nothing_to_score")) } }
                @else { ul.plain { @for t in ts {
                    li {
                        (tender_link(t)) " " (state_badge(&t.state, lang)) " "
                        @if t.state == TenderState::Evaluating.code() {
                            a href=(format!("/tenders/{}/score", t.id)) { (lang.t("eval.score_link")) }
                        }
                    }
                } } }
            }
        }
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
        assert_eq!(urlencode("a+b/c="), "a%2Bb%2Fc%3D");
    }
}
