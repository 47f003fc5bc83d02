//! Regulation pages: an organization's annual reports (list, form, one report with its
//! review), the regulators' review queue, the public summary and penalties on the profile,
//! the public list of penalties. Functions of data to markup; no queries.

pub mod credit;
pub mod rule_pages;
pub mod zombies;

use maud::{Markup, html};

use super::model::{Penalty, Report};
use super::rules::{PenaltyForm, PenaltyKind, ReportForm, ReportState, ReviewForm, Timeliness};
use crate::kernel::Lang;
use crate::kernel::clock::{display_instant, shanghai_date};
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::regions::regions;
use crate::web::forms::{csrf_field, error_summary, input, select, textarea};
use crate::web::pager::pager;

/// A report's state as a badge.
pub fn state_badge(s: ReportState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-report-{}", s.code())) { (s.label(lang)) } }
}

/// Timeliness as a badge.
pub fn timeliness_badge(t: Timeliness, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-timely-{}", t.code())) { (t.label(lang)) } }
}

/// One line of an organization's report list: a year, its report (none: not filed) and how
/// it stands against the deadline (shown as a day).
pub struct YearLine<'a> {
    /// The year reported on.
    pub year: i32,
    /// Its report, if any (drafts only for readers who may see them).
    pub report: Option<&'a Report>,
    /// Against the deadline.
    pub timeliness: Timeliness,
    /// The deadline day.
    pub deadline: String,
}

/// `/orgs/{id}/reports`: the organization's reports by year, and (for its administrators)
/// the years it may still file.
pub fn list(
    lang: Lang,
    org_id: i64,
    org_name: &str,
    lines: &[YearLine<'_>],
    social: bool,
    can_file: bool,
) -> Markup {
    html! {
        p { a href=(format!("/orgs/{org_id}")) { "← " (org_name) } }
        h1.page-title { (lang.tf("regulation.reports.title", &[("name", org_name)])) }
        p.lead { (lang.t("regulation.reports.lead")) }
        @if !social {
            div.empty { (lang.t("regulation.reports.not_required")) }
        } @else if lines.is_empty() {
            div.empty { (lang.t("regulation.reports.none")) }
        } @else {
            div.table-wrap { table.data-table {
                thead { tr {
                    th { (lang.t("regulation.year")) }
                    th { (lang.t("regulation.status")) }
                    th { (lang.t("regulation.deadline")) }
                    th { (lang.t("regulation.timeliness")) }
                    th { (lang.t("regulation.submitted_at")) }
                    th { }
                } }
                tbody { @for l in lines { tr id=(format!("year-{}", l.year)) {
                    td { (l.year) }
                    td { @match l.report {
                        Some(r) => (state_badge(r.state(), lang)),
                        None => span.muted { (lang.t("regulation.not_filed")) },
                    } }
                    td { (l.deadline) }
                    td { (timeliness_badge(l.timeliness, lang)) }
                    td { @if let Some(t) = l.report.and_then(|r| r.first_submitted_at) { (display_instant(t)) } }
                    td { @match l.report {
                        Some(r) => a href=(format!("/orgs/{org_id}/reports/{}", r.year)) { (lang.t("regulation.open")) },
                        None => @if can_file {
                            a.btn.btn-secondary href=(format!("/orgs/{org_id}/reports/new?year={}", l.year)) { (lang.t("regulation.file")) }
                        },
                    } }
                } } }
            } }
        }
    }
}

/// The report's fields (the same for a new report and an edit).
fn fields(lang: Lang, f: &ReportForm, e: &FieldErrors) -> Markup {
    let yn = [
        ("yes".to_string(), lang.t("regulation.yes")),
        ("no".to_string(), lang.t("regulation.no")),
    ];
    let yuan = lang.t("regulation.hint.yuan");
    let money = |name: &str, v: &str| {
        input(
            "text",
            name,
            &lang.t(&format!("regulation.field.{name}")),
            v,
            Some(&yuan),
            e,
            true,
        )
    };
    let people = |name: &str, v: &str| {
        input(
            "number",
            name,
            &lang.t(&format!("regulation.field.{name}")),
            v,
            None,
            e,
            true,
        )
    };
    html! {
        fieldset {
            legend { (lang.t("regulation.finances")) }
            div.form-row { (money("income", &f.income)) (money("net_assets", &f.net_assets)) }
            div.form-row { (money("gov_purchase", &f.gov_purchase)) (money("grant", &f.grant)) }
            p.hint { (lang.t("regulation.hint.income_parts")) }
            (money("expense", &f.expense))
            div.form-row {
                (money("expense_program", &f.expense_program))
                (money("expense_admin", &f.expense_admin))
            }
            div.form-row {
                (money("expense_fundraising", &f.expense_fundraising))
                (money("expense_other", &f.expense_other))
            }
            p.hint { (lang.t("regulation.hint.expense_sum")) }
        }
        fieldset {
            legend { (lang.t("regulation.staff")) }
            div.form-row {
                (people("staff_full", &f.staff_full))
                (people("staff_part", &f.staff_part))
                (people("volunteers", &f.volunteers))
            }
        }
        fieldset {
            legend { (lang.t("regulation.party")) }
            div.form-row {
                (select("party_established", &lang.t("regulation.field.party_established"), &yn, &f.party_established, Some(&lang.t("form.choose")), e))
                (select("party_standard", &lang.t("regulation.field.party_standard"), &yn, &f.party_standard, Some(&lang.t("form.choose")), e))
            }
        }
        (textarea("activities", &lang.t("regulation.field.activities"), &f.activities, None, e))
        (textarea("key_changes", &lang.t("regulation.field.key_changes"), &f.key_changes, Some(&lang.t("regulation.hint.key_changes")), e))
        div.actions {
            button.btn.btn-secondary type="submit" name="submit" value="" { (lang.t("regulation.save_draft")) }
            " "
            button.btn.btn-primary type="submit" name="submit" value="1" { (lang.t("regulation.submit")) }
        }
    }
}

/// `/orgs/{id}/reports/new`: a new report, its year chosen among those it may file.
pub fn new_form(
    lang: Lang,
    org_id: i64,
    org_name: &str,
    years: &[i32],
    f: &ReportForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let options: Vec<(String, String)> = years
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    html! {
        p { a href=(format!("/orgs/{org_id}/reports")) { "← " (lang.tf("regulation.reports.title", &[("name", org_name)])) } }
        h1.page-title { (lang.t("regulation.new_title")) }
        (error_summary(e, lang))
        form.form method="post" action=(format!("/orgs/{org_id}/reports")) {
            (csrf_field(csrf))
            (select("year", &lang.t("regulation.year"), &options, &f.year, Some(&lang.t("form.choose")), e))
            (fields(lang, f, e))
        }
    }
}

/// What a reader may do on one report's page.
pub struct ReportActions<'a> {
    /// The organization's administrator editing it (form values, errors).
    pub edit: Option<(&'a ReportForm, &'a FieldErrors)>,
    /// A regulator reviewing it (form values, errors).
    pub review: Option<(&'a ReviewForm, &'a FieldErrors)>,
    /// The form token (when a form is shown).
    pub csrf: &'a str,
}

/// `/orgs/{id}/reports/{year}`: the whole report (members and regulators only), its
/// status, the regulator's reasons, and the forms its reader may use.
pub fn show(
    lang: Lang,
    org_id: i64,
    org_name: &str,
    r: &Report,
    timeliness: Timeliness,
    deadline: &str,
    a: &ReportActions<'_>,
) -> Markup {
    let d = r.draft();
    let fin = &d.finances;
    let yes_no = |b: bool| lang.t(if b { "regulation.yes" } else { "regulation.no" });
    let money_row = |name: &str, v: Fen| {
        html! { dt { (lang.t(&format!("regulation.field.{name}"))) } dd.num { (v) } }
    };
    html! {
        p { a href=(format!("/orgs/{org_id}/reports")) { "← " (lang.tf("regulation.reports.title", &[("name", org_name)])) } }
        div.page-head {
            h1.page-title { (lang.tf("regulation.report_title", &[("name", org_name), ("year", &r.year.to_string())])) }
        }
        p {
            (state_badge(r.state(), lang)) " " (timeliness_badge(timeliness, lang)) " "
            span.muted { (lang.tf("regulation.deadline_was", &[("date", deadline)])) }
        }
        @if let Some(t) = r.first_submitted_at {
            p.muted { (lang.tf("regulation.first_submitted", &[("at", &display_instant(t)), ("n", &r.submissions.to_string())])) }
        }
        @if let (ReportState::Returned, Some(why)) = (r.state(), &r.return_reason) {
            div.flash.flash-error role="note" {
                strong { (lang.t("regulation.returned_because")) } " " (why)
            }
        }
        @if let Some((f, e)) = a.edit {
            section.section id="edit" {
                h2 { (lang.t("regulation.edit")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/orgs/{org_id}/reports/{}", r.year)) {
                    (csrf_field(a.csrf))
                    (fields(lang, f, e))
                }
            }
        } @else {
            section.section {
                h2 { (lang.t("regulation.finances")) }
                dl.props {
                    (money_row("income", fin.income))
                    (money_row("gov_purchase", fin.gov_purchase))
                    (money_row("grant", fin.grant))
                    (money_row("expense", fin.expense))
                    (money_row("expense_program", fin.expense_program))
                    (money_row("expense_admin", fin.expense_admin))
                    (money_row("expense_fundraising", fin.expense_fundraising))
                    (money_row("expense_other", fin.expense_other))
                    (money_row("net_assets", fin.net_assets))
                }
            }
            section.section {
                h2 { (lang.t("regulation.staff")) }
                dl.props {
                    dt { (lang.t("regulation.field.staff_full")) } dd { (d.staff_full) }
                    dt { (lang.t("regulation.field.staff_part")) } dd { (d.staff_part) }
                    dt { (lang.t("regulation.field.volunteers")) } dd { (d.volunteers) }
                    dt { (lang.t("regulation.field.party_established")) } dd { (yes_no(d.party_established)) }
                    dt { (lang.t("regulation.field.party_standard")) } dd { (yes_no(d.party_standard)) }
                }
            }
            section.section {
                h2 { (lang.t("regulation.field.activities")) }
                @for para in d.activities.split('\n').filter(|p| !p.trim().is_empty()) { p { (para) } }
                h2 { (lang.t("regulation.field.key_changes")) }
                @if d.key_changes.is_empty() { p.muted { (lang.t("regulation.no_key_changes")) } }
                @else { @for para in d.key_changes.split('\n').filter(|p| !p.trim().is_empty()) { p { (para) } } }
            }
        }
        @if let Some((f, e)) = a.review {
            section.section id="review" {
                h2 { (lang.t("regulation.review")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/orgs/{org_id}/reports/{}/review", r.year)) {
                    (csrf_field(a.csrf))
                    (select("decision", &lang.t("regulation.decision"),
                        &[("accept".to_string(), lang.t("regulation.accept")), ("return".to_string(), lang.t("regulation.return"))],
                        &f.decision, Some(&lang.t("form.choose")), e))
                    (textarea("reason", &lang.t("regulation.reason"), &f.reason, Some(&lang.t("regulation.hint.reason")), e))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("regulation.record_review")) } }
                }
            }
        }
    }
}

/// One row of the review queue.
pub struct QueueRow<'a> {
    /// The report.
    pub report: &'a Report,
    /// Its organization's name.
    pub org_name: &'a str,
    /// Against the deadline.
    pub timeliness: Timeliness,
}

/// The queue's filters as chosen (strings as typed, for the form).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct QueueQuery {
    /// Year.
    #[serde(default)]
    pub year: String,
    /// League/city code.
    #[serde(default)]
    pub league: String,
    /// State code (`all` for every state but drafts; default submitted).
    #[serde(default)]
    pub state: String,
    /// Page.
    #[serde(default)]
    pub page: String,
}

impl QueueQuery {
    fn href(&self, page: u64) -> String {
        format!(
            "/regulation/reports?year={}&league={}&state={}&page={page}",
            crate::web::middleware::urlencode(&self.year),
            crate::web::middleware::urlencode(&self.league),
            crate::web::middleware::urlencode(&self.state)
        )
    }
}

/// `/regulation/reports`: the regulators' queue (submitted reports first by date).
pub fn queue(
    lang: Lang,
    q: &QueueQuery,
    years: &[i32],
    rows: &[QueueRow<'_>],
    total: u64,
    page: u64,
    pages: u64,
) -> Markup {
    let none = FieldErrors::default();
    let r = regions();
    let year_opts: Vec<(String, String)> = years
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let league_opts: Vec<(String, String)> = r
        .leagues()
        .map(|d| (d.code.clone(), r.name(&d.code, lang)))
        .collect();
    let mut state_opts: Vec<(String, String)> = [
        ReportState::Submitted,
        ReportState::Returned,
        ReportState::Accepted,
    ]
    .iter()
    .map(|s| (s.code().to_string(), s.label(lang)))
    .collect();
    state_opts.push(("all".into(), lang.t("regulation.queue.all_states")));
    let state = if q.state.is_empty() {
        ReportState::Submitted.code()
    } else {
        q.state.as_str()
    };
    html! {
        h1.page-title { (lang.t("regulation.queue.title")) }
        p.lead { (lang.t("regulation.queue.lead")) }
        form.filters method="get" action="/regulation/reports" {
            (select("year", &lang.t("regulation.year"), &year_opts, &q.year, Some(&lang.t("form.any")), &none))
            (select("league", &crate::regions::Level::LeagueCity.label(lang), &league_opts, &q.league, Some(&lang.t("form.any")), &none))
            (select("state", &lang.t("regulation.status"), &state_opts, state, None, &none))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("form.filter")) } }
        }
        p.result-count { (lang.tf("regulation.queue.count", &[("n", &total.to_string())])) }
        @if rows.is_empty() { div.empty { (lang.t("regulation.queue.empty")) } }
        @else {
            div.table-wrap { table.data-table {
                thead { tr {
                    th { (lang.t("regulation.org")) }
                    th { (lang.t("regulation.year")) }
                    th { (crate::regions::Level::LeagueCity.label(lang)) }
                    th { (lang.t("regulation.status")) }
                    th { (lang.t("regulation.submitted_at")) }
                    th { (lang.t("regulation.timeliness")) }
                } }
                tbody { @for row in rows { tr {
                    td { a href=(format!("/orgs/{}/reports/{}", row.report.org_id, row.report.year)) { (row.org_name) } }
                    td { (row.report.year) }
                    td { @if let Some(l) = &row.report.league_code { (r.name(l, lang)) } }
                    td {
                        (state_badge(row.report.state(), lang))
                        @if row.report.submissions > 1 { " " span.muted { (lang.tf("regulation.queue.resubmitted", &[("n", &row.report.submissions.to_string())])) } }
                    }
                    td { @if let Some(t) = row.report.submitted_at { (display_instant(t)) } }
                    td { (timeliness_badge(row.timeliness, lang)) }
                } } }
            } }
            (pager(lang, page, pages, |p| q.href(p)))
        }
    }
}

/// The section on an organization's profile: the public summary of its annual reports
/// (year, status, on time or late — never the figures) and its published penalties, with
/// links for those who may see more.
pub fn profile_section(
    lang: Lang,
    org_id: i64,
    lines: &[YearLine<'_>],
    penalties: &[Penalty],
    can_read: bool,
    can_regulate: bool,
) -> Markup {
    html! {
        section.section id="annual-reports" {
            h2 { (lang.t("regulation.profile.reports")) }
            @if lines.is_empty() { p.muted { (lang.t("regulation.reports.none")) } }
            @else {
                div.table-wrap { table.data-table {
                    thead { tr {
                        th { (lang.t("regulation.year")) }
                        th { (lang.t("regulation.status")) }
                        th { (lang.t("regulation.timeliness")) }
                    } }
                    tbody { @for l in lines { tr {
                        td { (l.year) }
                        td { @match l.report {
                            Some(r) => (state_badge(r.state(), lang)),
                            None => span.muted { (lang.t("regulation.not_filed")) },
                        } }
                        td { (timeliness_badge(l.timeliness, lang)) }
                    } } }
                } }
            }
            @if can_read { p { a href=(format!("/orgs/{org_id}/reports")) { (lang.t("regulation.profile.all_reports")) } } }
        }
        section.section id="penalties" {
            h2 { (lang.t("regulation.profile.penalties")) }
            @if penalties.is_empty() { p.muted { (lang.t("regulation.penalties.none")) } }
            @else { (penalty_table(lang, penalties, None)) }
            p { a href="/penalties" { (lang.t("regulation.penalties.all")) } }
            @if can_regulate { p { a.btn.btn-secondary href=(format!("/orgs/{org_id}/penalties/new")) { (lang.t("regulation.penalties.new")) } } }
        }
    }
}

/// A penalty's kind label.
pub fn kind_label(code: &str, lang: Lang) -> String {
    PenaltyKind::parse(code)
        .map(|k| k.label(lang))
        .unwrap_or_default()
}

/// Penalties as a table; with names, the organization column links each to its profile.
pub fn penalty_table(
    lang: Lang,
    ps: &[Penalty],
    names: Option<&std::collections::HashMap<i64, String>>,
) -> Markup {
    html! {
        div.table-wrap { table.data-table.penalty-table {
            thead { tr {
                @if names.is_some() { th { (lang.t("regulation.org")) } }
                th { (lang.t("regulation.penalty.decided_on")) }
                th { (lang.t("regulation.penalty.kind")) }
                th { (lang.t("regulation.penalty.amount")) }
                th { (lang.t("regulation.penalty.legal_basis")) }
                th { (lang.t("regulation.penalty.decision")) }
            } }
            tbody { @for p in ps { tr {
                @if let Some(n) = names {
                    td { a href=(format!("/orgs/{}", p.org_id)) { (n.get(&p.org_id).cloned().unwrap_or_default()) } }
                }
                td { (shanghai_date(p.decided_on)) }
                td { span.badge.badge-penalty { (kind_label(&p.kind, lang)) } }
                td.num { @if let Some(a) = p.amount_fen { (Fen(a)) } }
                td { (p.legal_basis) }
                td { (p.decision) }
            } } }
        } }
    }
}

/// `/orgs/{id}/penalties/new`: a regulator records a penalty.
pub fn penalty_form(
    lang: Lang,
    org_id: i64,
    org_name: &str,
    f: &PenaltyForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let kinds: Vec<(String, String)> = PenaltyKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label(lang)))
        .collect();
    html! {
        p { a href=(format!("/orgs/{org_id}")) { "← " (org_name) } }
        h1.page-title { (lang.tf("regulation.penalties.new_title", &[("name", org_name)])) }
        p.lead { (lang.t("regulation.penalties.published")) }
        (error_summary(e, lang))
        form.form method="post" action=(format!("/orgs/{org_id}/penalties")) {
            (csrf_field(csrf))
            (select("kind", &lang.t("regulation.penalty.kind"), &kinds, &f.kind, Some(&lang.t("form.choose")), e))
            (input("text", "amount", &lang.t("regulation.penalty.amount"), &f.amount, Some(&lang.t("regulation.hint.amount")), e, false))
            (input("text", "legal_basis", &lang.t("regulation.penalty.legal_basis"), &f.legal_basis, Some(&lang.t("regulation.hint.legal_basis")), e, true))
            (input("date", "decided_on", &lang.t("regulation.penalty.decided_on"), &f.decided_on, None, e, true))
            (textarea("decision", &lang.t("regulation.penalty.decision"), &f.decision, None, e))
            div.actions { button.btn.btn-danger type="submit" { (lang.t("regulation.penalties.record")) } }
        }
    }
}

/// The public list's filters.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PenaltyQuery {
    /// League/city code.
    #[serde(default)]
    pub league: String,
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Page.
    #[serde(default)]
    pub page: String,
}

/// `/penalties`: every published penalty, newest first.
pub fn penalties(
    lang: Lang,
    q: &PenaltyQuery,
    rows: &[Penalty],
    names: &std::collections::HashMap<i64, String>,
    total: u64,
    page: u64,
    pages: u64,
) -> Markup {
    let none = FieldErrors::default();
    let r = regions();
    let league_opts: Vec<(String, String)> = r
        .leagues()
        .map(|d| (d.code.clone(), r.name(&d.code, lang)))
        .collect();
    let kinds: Vec<(String, String)> = PenaltyKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label(lang)))
        .collect();
    html! {
        h1.page-title { (lang.t("regulation.penalties.title")) }
        p.lead { (lang.t("regulation.penalties.lead")) }
        form.filters method="get" action="/penalties" {
            (select("league", &crate::regions::Level::LeagueCity.label(lang), &league_opts, &q.league, Some(&lang.t("form.any")), &none))
            (select("kind", &lang.t("regulation.penalty.kind"), &kinds, &q.kind, Some(&lang.t("form.any")), &none))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("form.filter")) } }
        }
        p.result-count { (lang.tf("regulation.penalties.count", &[("n", &total.to_string())])) }
        @if rows.is_empty() { div.empty { (lang.t("regulation.penalties.none")) } }
        @else {
            (penalty_table(lang, rows, Some(names)))
            (pager(lang, page, pages, |p| format!(
                "/penalties?league={}&kind={}&page={p}",
                crate::web::middleware::urlencode(&q.league),
                crate::web::middleware::urlencode(&q.kind)
            )))
        }
    }
}
