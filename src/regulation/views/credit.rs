//! Credit pages: the public lookup `/credit` (by name or USCC, the current listings, the
//! rules with their legal basis), an organization's credit record (its public history, and
//! for members and regulators the notices), one case's working page (objection, answer) and
//! the section on the profile. Functions of data to markup; no queries.

use std::collections::HashMap;

use maud::{Markup, html};

use super::super::credit_model::{Case, CaseEvent, Finding, RuleRow};
use super::super::credit_rules::{
    AnswerForm, CaseState, CreditList, FindingForm, FindingKind, ObjectionForm, Trigger,
    subject_label,
};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::orgs::{CreditStatus, Org};
use crate::web::forms::{csrf_field, error_summary, input, select, textarea};
use crate::web::pager::pager;

/// The organization's credit status as a badge (the registry's classes and labels).
pub fn status_badge(status: &str, lang: Lang) -> Markup {
    let s = CreditStatus::parse(status).unwrap_or(CreditStatus::Normal);
    html! { span class=(format!("badge badge-credit-{}", s.code())) { (s.label(lang)) } }
}

/// What stands where no rule's listing is open: nothing, or — when a regulator set the status
/// by hand (before the rules engine, or outside it) — that it was set so, rather than a
/// "not listed" that the badge beside it contradicts.
fn unlisted(status: &str, lang: Lang) -> Markup {
    let hand_set = CreditStatus::parse(status).is_some_and(|s| s != CreditStatus::Normal);
    html! {
        @if hand_set { p.muted.credit-hand-set { (lang.t("credit.set_by_regulator")) } }
        @else { p.muted { (lang.t("credit.not_listed")) } }
    }
}

fn list_badge(c: &Case, lang: Lang) -> Markup {
    let l = c.list();
    let css = match l {
        CreditList::Abnormal => "abnormal",
        CreditList::Serious => "dishonest",
    };
    html! { span class=(format!("badge badge-credit-{css}")) { (l.label(lang)) } }
}

fn state_badge(s: CaseState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-case-{}", s.code())) { (s.label(lang)) } }
}

fn ground(c: &Case, lang: Lang) -> Markup {
    html! { (c.trigger().label(lang)) " · " (subject_label(&c.subject, lang)) }
}

fn day(t: Option<i64>) -> String {
    t.map(display_instant).unwrap_or_default()
}

/// The query of `/credit`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LookupQuery {
    /// Name or USCC.
    #[serde(default)]
    pub q: String,
    /// Page of the listings.
    #[serde(default)]
    pub page: String,
}

/// One organization found by the lookup, with its current listings.
pub struct Found<'a> {
    /// The organization.
    pub org: &'a Org,
    /// Its listed cases.
    pub listed: Vec<&'a Case>,
}

/// What `/credit` shows below the search form.
pub enum LookupBody<'a> {
    /// The organizations found (a query was typed).
    Found(&'a [Found<'a>]),
    /// The current listings, one page (no query).
    Listings {
        /// Listed cases.
        rows: &'a [Case],
        /// Organization names by id.
        names: &'a HashMap<i64, String>,
        /// Number of all.
        total: u64,
        /// This page.
        page: u64,
        /// Pages.
        pages: u64,
    },
}

fn listing_table(lang: Lang, rows: &[&Case], names: Option<&HashMap<i64, String>>) -> Markup {
    html! {
        div.table-wrap { table.data-table.credit-listings {
            thead { tr {
                @if names.is_some() { th { (lang.t("credit.col.org")) } }
                th { (lang.t("credit.col.list")) }
                th { (lang.t("credit.col.ground")) }
                th { (lang.t("credit.col.basis")) }
                th { (lang.t("credit.col.listed_at")) }
            } }
            tbody { @for c in rows { tr {
                @if let Some(n) = names {
                    td { a href=(format!("/orgs/{}/credit", c.org_id)) { (n.get(&c.org_id).map(String::as_str).unwrap_or("")) } }
                }
                td { (list_badge(c, lang)) }
                td { (ground(c, lang)) }
                td.basis { (c.legal_basis) }
                td { (day(c.listed_at)) }
            } } }
        } }
    }
}

fn rule_param(r: &RuleRow, lang: Lang) -> String {
    let Some(t) = Trigger::parse(&r.code) else {
        // A zombie criterion: its parameters as the rules page names them.
        let (tp, wp) = super::super::rule_params::params_of(&r.code);
        return [(tp, r.threshold), (wp, r.window_days)]
            .iter()
            .filter_map(|(p, v)| p.map(|p| format!("{}: {}", lang.t(p.key()), p.to_input(*v))))
            .collect::<Vec<_>>()
            .join(" ");
    };
    let n = r.threshold.unwrap_or_default().to_string();
    match t {
        Trigger::ReportMissing => lang.tf("credit.param.first_year", &[("n", &n)]),
        Trigger::LargeFine => lang.tf(
            "credit.param.fine",
            &[(
                "n",
                &crate::kernel::money::Fen(r.threshold.unwrap_or_default()).to_string(),
            )],
        ),
        Trigger::RepeatPenalties => lang.tf(
            "credit.param.repeat",
            &[
                ("n", &n),
                ("days", &r.window_days.unwrap_or_default().to_string()),
            ],
        ),
        Trigger::AbnormalTwoYears => lang.tf("credit.param.days", &[("n", &n)]),
        _ => String::new(),
    }
}

/// `/credit`: the public lookup.
pub fn lookup(
    lang: Lang,
    q: &LookupQuery,
    e: &FieldErrors,
    body: &LookupBody<'_>,
    rules: &[RuleRow],
    objected: Option<(&[Case], &HashMap<i64, String>)>,
) -> Markup {
    html! {
        h1.page-title { (lang.t("credit.title")) }
        p.lead { (lang.t("credit.lead")) }
        (error_summary(e, lang))
        form.filters.credit-lookup method="get" action="/credit" role="search" {
            (input("search", "q", &lang.t("credit.q"), &q.q, Some(&lang.t("credit.q_hint")), e, false))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("credit.search")) } }
        }
        @match body {
            LookupBody::Found(found) => {
                h2 { (lang.t("credit.results")) }
                @if found.is_empty() { div.empty { (lang.t("credit.none_found")) } }
                @for f in *found {
                    section.section.credit-result {
                        h3 { a href=(format!("/orgs/{}/credit", f.org.id)) { (f.org.name) } " " (status_badge(&f.org.credit_status, lang)) " " (super::zombies::registration_badge(f.org, lang)) }
                        p.muted { (lang.t("credit.uscc")) " " code { (f.org.uscc) } }
                        @if f.listed.is_empty() { (unlisted(&f.org.credit_status, lang)) }
                        @else { (listing_table(lang, &f.listed, None)) }
                    }
                }
            }
            LookupBody::Listings { rows, names, total, page, pages } => {
                h2 { (lang.t("credit.current")) }
                p.result-count { (lang.tf("credit.count", &[("n", &total.to_string())])) }
                @if rows.is_empty() { div.empty { (lang.t("credit.none_listed")) } }
                @else {
                    (listing_table(lang, &rows.iter().collect::<Vec<_>>(), Some(names)))
                    (pager(lang, *page, *pages, |p| format!("/credit?page={p}")))
                }
            }
        }
        @if let Some((cases, names)) = objected {
            section.section id="objections" {
                h2 { (lang.t("credit.objections")) }
                @if cases.is_empty() { p.muted { (lang.t("credit.no_objections")) } }
                @else { ul { @for c in cases { li {
                    a href=(format!("/orgs/{}/credit/cases/{}", c.org_id, c.id)) {
                        (names.get(&c.org_id).map(String::as_str).unwrap_or("")) " · " (ground(c, lang))
                    }
                    " " span.muted { (day(c.objected_at)) }
                } } } }
            }
        }
        section.section id="rules" {
            h2 { (lang.t("credit.rules")) }
            p.hint { (lang.t("credit.rules_lead")) }
            div.table-wrap { table.data-table {
                thead { tr {
                    th { (lang.t("credit.col.list")) }
                    th { (lang.t("credit.col.ground")) }
                    th { (lang.t("credit.col.param")) }
                    th { (lang.t("credit.col.basis")) }
                } }
                tbody { @for r in rules { tr.rule-disabled[!r.enabled] {
                    td { (CreditList::parse(&r.list).map(|l| l.label(lang)).unwrap_or_else(|| lang.t("rules.list_zombie"))) }
                    td { (super::rule_pages::rule_name(r, lang))
                         @if !r.enabled { " " span.muted { (lang.t("credit.disabled")) } } }
                    td { (rule_param(r, lang)) }
                    td.basis { (r.legal_basis) }
                } } }
            } }
        }
    }
}

fn who(e: &CaseEvent, c: Option<&Case>, lang: Lang) -> String {
    match (e.actor_id, e.action.as_str()) {
        (None, _) => lang.tf(
            "credit.by.rule",
            &[(
                "rule",
                &c.map(|c| c.trigger().label(lang)).unwrap_or_default(),
            )],
        ),
        (Some(_), "objected") => lang.t("credit.by.org"),
        (Some(_), _) => lang.t("credit.by.regulator"),
    }
}

fn event_note(e: &CaseEvent, lang: Lang) -> String {
    match e.action.as_str() {
        "removed" => lang.t(&format!("credit.removal.{}", e.note)),
        "withdrawn" => lang.t("credit.withdrawn_note"),
        "restarted" => match e.note.split_once(':') {
            Some((t, subject)) => {
                let t = Trigger::parse(t).map(|t| t.label(lang)).unwrap_or_default();
                format!("{t} · {}", subject_label(subject, lang))
            }
            None => String::new(),
        },
        _ => String::new(),
    }
}

/// A regulator's forms on the organization's credit page: a new finding, and the open
/// findings to resolve (with the errors of the one that came back).
pub struct RegulatorForms<'a> {
    /// The finding form as typed.
    pub finding: &'a FindingForm,
    /// Its errors.
    pub finding_errors: &'a FieldErrors,
    /// Findings on the organization.
    pub findings: &'a [Finding],
    /// A resolution that came back: finding id, errors, what was typed.
    pub resolve_failed: Option<(i64, &'a FieldErrors, &'a str)>,
}

/// `/orgs/{id}/credit`: the organization's credit record. `private`: the reader is a member
/// or a regulator and sees notices and withdrawn cases too; `cases` and `events` are
/// already cut to what the reader may see.
#[allow(clippy::too_many_arguments)]
pub fn org_page(
    lang: Lang,
    o: &Org,
    cases: &[&Case],
    events: &[&CaseEvent],
    private: bool,
    regulator: Option<&RegulatorForms<'_>>,
    csrf: &str,
) -> Markup {
    let by_id: HashMap<i64, &Case> = cases.iter().map(|c| (c.id, *c)).collect();
    html! {
           p { a href=(format!("/orgs/{}", o.id)) { "← " (o.name) } }
           h1.page-title { (lang.tf("credit.org_title", &[("name", &o.name)])) }
    p { (lang.t("credit.status")) " " (status_badge(&o.credit_status, lang)) " " (super::zombies::registration_badge(o, lang)) " · " (lang.t("credit.uscc")) " " code { (o.uscc) } }
           section.section id="cases" {
               h2 { (lang.t("credit.cases")) }
               @if private { p.hint { (lang.t("credit.private_hint")) } }
               @if cases.is_empty() { p.muted.no-cases { (lang.t("credit.no_cases")) } }
               @else {
                   div.table-wrap { table.data-table.credit-cases {
                       thead { tr {
                           th { "#" }
                           th { (lang.t("credit.col.list")) }
                           th { (lang.t("credit.col.ground")) }
                           th { (lang.t("credit.col.basis")) }
                           th { (lang.t("credit.col.state")) }
                           th { (lang.t("credit.col.noticed_at")) }
                           th { (lang.t("credit.col.listed_at")) }
                           th { (lang.t("credit.col.closed_at")) }
                       } }
                       tbody { @for c in cases { tr id=(format!("case-{}", c.id)) class=(format!("case-{}", c.state)) {
                           td { @if private { a href=(format!("/orgs/{}/credit/cases/{}", o.id, c.id)) { (c.id) } } @else { (c.id) } }
                           td { (list_badge(c, lang)) }
                           td { (ground(c, lang)) }
                           td.basis { (c.legal_basis) }
                           td { (state_badge(c.state(), lang))
                                @if c.state() == CaseState::Noticed { br; span.muted { (lang.tf("credit.objection_until", &[("due", &display_instant(c.objection_due))])) } } }
                           td { (display_instant(c.noticed_at)) }
                           td { (day(c.listed_at)) }
                           td { (day(c.closed_at)) }
                       } } }
                   } }
               }
           }
           section.section id="history" {
               h2 { (lang.t("credit.history")) }
               @if events.is_empty() { p.muted { (lang.t("credit.no_history")) } }
               @else {
                   div.table-wrap { table.data-table.credit-history {
                       thead { tr {
                           th { (lang.t("credit.col.at")) }
                           th { (lang.t("credit.col.case")) }
                           th { (lang.t("credit.col.step")) }
                           th { (lang.t("credit.col.by")) }
                           th { (lang.t("credit.col.note")) }
                       } }
                       tbody { @for e in events { tr {
                           td { (display_instant(e.at)) }
                           td { "#" (e.case_id) }
                           td.step { (lang.t(&format!("credit.step.{}", e.action))) }
                           td { (who(e, by_id.get(&e.case_id).copied(), lang)) }
                           td { (event_note(e, lang)) }
                       } } }
                   } }
               }
           }
           @if let Some(r) = regulator {
               section.section id="findings" {
                   h2 { (lang.t("credit.findings")) }
                   @if !r.findings.is_empty() {
                       ul.findings { @for f in r.findings { li id=(format!("finding-{}", f.id)) {
                           strong { (f.kind().label(lang)) } " · " (display_instant(f.recorded_at))
                           @if let Some(d) = f.due_at { " · " (lang.tf("credit.due", &[("due", &display_instant(d))])) }
                           p { (f.note) }
                           @match f.resolved_at {
                               Some(t) => p.muted { (lang.tf("credit.resolved_at", &[("at", &display_instant(t))])) " " (f.resolution_note.as_deref().unwrap_or("")) },
                               None => {
                                   @let failed = r.resolve_failed.filter(|(id, _, _)| *id == f.id);
                                   @let id = format!("resolution-{}", f.id);
                                   @if let Some((_, e, _)) = failed { (error_summary(e, lang)) }
                                   form.form.resolve method="post" action=(format!("/orgs/{}/credit/findings/{}/resolve", o.id, f.id)) {
                                       (csrf_field(csrf))
                                       div.field.has-error[failed.is_some()] {
                                           label for=(id) { (lang.t("credit.resolution")) }
                                           textarea id=(id) name="note" rows="2" { (failed.map(|(_, _, v)| v).unwrap_or("")) }
                                           @if let Some((_, e, _)) = failed { @if let Some(m) = e.get("note") { p.error-msg { (m) } } }
                                       }
                                       div.actions { button.btn.btn-secondary type="submit" { (lang.t("credit.resolve")) } }
                                   }
                               },
                           }
                       } } }
                   }
                   h3 { (lang.t("credit.new_finding")) }
                   (error_summary(r.finding_errors, lang))
                   form.form.finding method="post" action=(format!("/orgs/{}/credit/findings", o.id)) {
                       (csrf_field(csrf))
                       (select("kind", &lang.t("credit.finding_kind"), &FindingKind::ALL.iter().map(|k| (k.code().to_string(), k.label(lang))).collect::<Vec<_>>(), &r.finding.kind, Some(&lang.t("form.choose")), r.finding_errors))
                       (textarea("note", &lang.t("credit.note"), &r.finding.note, Some(&lang.t("credit.note_hint")), r.finding_errors))
                       (input("date", "due", &lang.t("credit.due_day"), &r.finding.due, Some(&lang.t("credit.due_hint")), r.finding_errors, false))
                       div.actions { button.btn.btn-primary type="submit" { (lang.t("credit.record")) } }
                   }
               }
           }
           p { a href="/credit" { (lang.t("credit.lookup_link")) } }
       }
}

/// What a reader may do on a case's page.
pub struct CaseActions<'a> {
    /// The organization's administrator objecting (form, errors), within the period.
    pub object: Option<(&'a ObjectionForm, &'a FieldErrors)>,
    /// A regulator answering (form, errors).
    pub answer: Option<(&'a AnswerForm, &'a FieldErrors)>,
    /// The form token.
    pub csrf: &'a str,
}

/// `/orgs/{id}/credit/cases/{case}`: one case with its notice, objection and answer, for
/// members and regulators.
pub fn case_page(
    lang: Lang,
    o: &Org,
    c: &Case,
    events: &[&CaseEvent],
    a: &CaseActions<'_>,
) -> Markup {
    html! {
        p { a href=(format!("/orgs/{}/credit", o.id)) { "← " (lang.tf("credit.org_title", &[("name", &o.name)])) } }
        h1.page-title { (lang.tf("credit.case_title", &[("id", &c.id.to_string())])) }
        dl.facts {
            dt { (lang.t("credit.col.list")) } dd { (list_badge(c, lang)) }
            dt { (lang.t("credit.col.ground")) } dd { (ground(c, lang)) }
            dt { (lang.t("credit.col.basis")) } dd.basis { (c.legal_basis) }
            dt { (lang.t("credit.col.state")) } dd { (state_badge(c.state(), lang)) }
            dt { (lang.t("credit.col.noticed_at")) } dd { (display_instant(c.noticed_at)) }
            dt { (lang.t("credit.objection_due")) } dd { (display_instant(c.objection_due)) }
            @if let Some(t) = c.listed_at { dt { (lang.t("credit.col.listed_at")) } dd { (display_instant(t)) } }
            @if let Some(t) = c.closed_at { dt { (lang.t("credit.col.closed_at")) } dd { (display_instant(t)) } }
        }
        @if let Some(t) = &c.objection_text {
            section.section.objection {
                h2 { (lang.t("credit.objection")) }
                p.muted { (day(c.objected_at)) }
                p { (t) }
            }
        }
        @if let Some(t) = &c.answer_text {
            section.section.answer {
                h2 { (lang.t("credit.answer")) }
                p.muted { (day(c.answered_at)) }
                p { (t) }
            }
        }
        @if let Some((f, e)) = a.object {
            section.section id="object" {
                h2 { (lang.t("credit.object")) }
                p.hint { (lang.tf("credit.objection_until", &[("due", &display_instant(c.objection_due))])) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/orgs/{}/credit/cases/{}/objection", o.id, c.id)) {
                    (csrf_field(a.csrf))
                    (textarea("text", &lang.t("credit.objection_text"), &f.text, None, e))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("credit.object")) } }
                }
            }
        }
        @if let Some((f, e)) = a.answer {
            section.section id="answer" {
                h2 { (lang.t("credit.answer_title")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/orgs/{}/credit/cases/{}/answer", o.id, c.id)) {
                    (csrf_field(a.csrf))
                    (select("decision", &lang.t("credit.decision"), &[
                        ("uphold".to_string(), lang.t("credit.answer.upheld")),
                        ("reject".to_string(), lang.t("credit.answer.rejected")),
                    ], &f.decision, Some(&lang.t("form.choose")), e))
                    (textarea("text", &lang.t("credit.answer_text"), &f.text, None, e))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("credit.answer_submit")) } }
                }
            }
        }
        section.section {
            h2 { (lang.t("credit.history")) }
            ul { @for e in events { li {
                (display_instant(e.at)) " · " (lang.t(&format!("credit.step.{}", e.action))) " · " (who(e, Some(c), lang))
            } } }
        }
    }
}

/// The credit section of the profile: status, current listings, the link to the record.
pub fn profile_section(lang: Lang, o: &Org, listed: &[&Case]) -> Markup {
    html! {
        section.section id="credit" {
            h2 { (lang.t("credit.profile")) }
            p { (status_badge(&o.credit_status, lang)) " " (super::zombies::registration_badge(o, lang)) }
            @if listed.is_empty() { (unlisted(&o.credit_status, lang)) }
            @else { (listing_table(lang, listed, None)) }
            p { a href=(format!("/orgs/{}/credit", o.id)) { (lang.t("credit.record_link")) } }
        }
    }
}
