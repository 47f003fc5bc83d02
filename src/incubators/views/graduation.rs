//! Graduation pages: an incubator's criteria with its residents and graduates, and one
//! tenant's page (its graduation review with the evidence, the decision form, past reviews
//! and the graduate's exit tasks). Data in, markup out.

use std::collections::HashMap;

use maud::{Markup, html};

use crate::incubators::graduation::model::{ExitRow, Review};
use crate::incubators::graduation::rules::{
    Criteria, CriteriaForm, Criterion, Decision, DecisionForm, ExitTask, Finding, REASON,
    months_between,
};
use crate::incubators::milestones::model::Milestone;
use crate::incubators::milestones::rules::{ConfirmForm, NOTE, Status};
use crate::incubators::model::{Incubator, Tenant};
use crate::incubators::rules::TenantState;
use crate::incubators::services::Service;
use crate::incubators::services::rules::{GuidanceForm, VpForm};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::web::forms::{csrf_field, error_summary, input};

fn tenant_state(t: &Tenant, lang: Lang) -> String {
    TenantState::parse(&t.state)
        .map(|s| s.label(lang))
        .unwrap_or_default()
}

fn criteria_list(lang: Lang, c: &Criteria) -> Markup {
    html! {
        ul.criteria {
            @if c.require_registered { li { (Criterion::Registered.label(lang)) } }
            @if c.min_months > 0 { li { (lang.tf("graduation.min_months_is", &[("n", &c.min_months.to_string())])) } }
            @if c.require_delivered { li { (Criterion::Delivered.label(lang)) } }
            @if !c.require_registered && c.min_months == 0 && !c.require_delivered {
                li.muted { (lang.t("graduation.no_criteria")) }
            }
        }
    }
}

/// What the incubator's graduation page shows.
pub struct Overview<'a> {
    /// The incubator.
    pub i: &'a Incubator,
    /// Its criteria in force.
    pub criteria: &'a Criteria,
    /// Its tenants, by admission.
    pub tenants: &'a [Tenant],
    /// The visitor manages the incubator (may change the criteria).
    pub manager: bool,
    /// Now, for months in residence.
    pub now: i64,
}

/// An incubator's graduation page: the criteria (a form for its managers), the tenants in
/// residence with their months, and the graduates, each linking to the tenant's page.
pub fn overview(
    lang: Lang,
    o: &Overview<'_>,
    f: &CriteriaForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let i = o.i;
    let in_state = |s: TenantState| -> Vec<&Tenant> {
        o.tenants.iter().filter(|t| t.state == s.code()).collect()
    };
    html! {
        h1.page-title { (lang.tf("graduation.title", &[("name", &i.name)])) }
        p.lead { (lang.t("graduation.lead")) " " a href=(format!("/incubators/{}", i.id)) { (i.name) } }
        section.section id="criteria" {
            h2 { (lang.t("graduation.criteria")) }
            @if o.manager {
                (error_summary(e, lang))
                form.form method="post" action=(format!("/incubators/{}/graduation", i.id)) {
                    (csrf_field(csrf))
                    div.field {
                        label.check { input type="checkbox" id="require_registered" name="require_registered" value="1" checked[f.require_registered == "1"]; " " (Criterion::Registered.label(lang)) }
                    }
                    (input("number", "min_months", &lang.t("graduation.min_months"), &f.min_months, Some(&lang.t("graduation.min_months_hint")), e, true))
                    div.field {
                        label.check { input type="checkbox" id="require_delivered" name="require_delivered" value="1" checked[f.require_delivered == "1"]; " " (Criterion::Delivered.label(lang)) }
                    }
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("form.save")) } }
                }
            } @else {
                (criteria_list(lang, o.criteria))
            }
            p.hint { (lang.t("graduation.criteria_hint")) }
        }
        section.section id="residents" {
            h2 { (lang.t("incubator.current_tenants")) }
            @let current = in_state(TenantState::Resident);
            @if current.is_empty() { div.empty { (lang.t("incubator.no_tenants")) } }
            @else { div.table-wrap { table.data-table {
                thead { tr { th { (lang.t("incubator.name")) } th { (lang.t("graduation.admitted")) } th { (lang.t("graduation.months")) } } }
                tbody { @for t in &current { tr {
                    td { a href=(format!("/incubator-tenants/{}", t.id)) { (t.name) } }
                    td { (display_instant(t.admitted_at)) }
                    td.num { (months_between(t.admitted_at, o.now)) }
                } } }
            } } }
        }
        section.section id="graduates" {
            h2 { (lang.t("incubator.graduated_tenants")) }
            @let graduated = in_state(TenantState::Graduated);
            @if graduated.is_empty() { div.empty { (lang.t("incubator.no_graduates")) } }
            @else { ul.tenants { @for t in &graduated {
                li { a href=(format!("/incubator-tenants/{}", t.id)) { (t.name) } " " span.muted { (graduated_on(lang, t)) } }
            } } }
        }
    }
}

/// "graduated on …" for a graduate (empty otherwise).
pub fn graduated_on(lang: Lang, t: &Tenant) -> String {
    match t.ended_at {
        Some(at) if t.state == TenantState::Graduated.code() => {
            lang.tf("graduation.graduated_on", &[("at", &display_instant(at))])
        }
        _ => String::new(),
    }
}

/// What failed on a tenant's page, to show again with the messages.
pub enum TenantFailed<'a> {
    /// Nothing.
    None,
    /// The decision form.
    Decide(&'a DecisionForm, &'a FieldErrors),
    /// An exit-task tick.
    Exit(&'a FieldErrors),
    /// A milestone confirmation.
    Milestone(&'a ConfirmForm, &'a FieldErrors),
    /// A guidance session.
    Guidance(&'a GuidanceForm, &'a FieldErrors),
    /// Venture-philanthropy support.
    Vp(&'a VpForm, &'a FieldErrors),
}

/// What a tenant's page shows.
pub struct TenantPage<'a> {
    /// The tenant.
    pub t: &'a Tenant,
    /// Its incubator.
    pub i: &'a Incubator,
    /// Its organization's registry name, if any.
    pub org_name: Option<String>,
    /// The criteria's findings as of now.
    pub findings: &'a [Finding],
    /// Past reviews, newest first, each with its decider's name.
    pub reviews: &'a [(Review, String)],
    /// Exit tasks as ticked, by code.
    pub exits: &'a HashMap<String, ExitRow>,
    /// The milestone timeline (met first).
    pub timeline: &'a [(Milestone, Status)],
    /// The services received, newest first.
    pub services: &'a [Service],
    /// The visitor may read guidance notes (the tenant, the managers).
    pub notes: bool,
    /// The visitor manages the incubator.
    pub manager: bool,
}

fn finding_text(lang: Lang, f: &Finding, min_months: i32) -> String {
    match f.criterion {
        Criterion::Months => lang.tf(
            "graduation.months_found",
            &[
                ("n", &f.months.to_string()),
                ("min", &min_months.to_string()),
            ],
        ),
        c => c.label(lang),
    }
}

/// A tenant's page: facts, the graduation review with evidence links, the managers'
/// decision form while in residence, past reviews and, once graduated, the exit tasks.
pub fn tenant(
    lang: Lang,
    p: &TenantPage<'_>,
    criteria: &Criteria,
    failed: &TenantFailed<'_>,
    csrf: &str,
) -> Markup {
    let (t, i) = (p.t, p.i);
    let none = FieldErrors::default();
    let resident = t.state == TenantState::Resident.code();
    let graduated = t.state == TenantState::Graduated.code();
    let all_met = p.findings.iter().all(|f| f.met);
    html! {
        h1.page-title { (t.name) }
        dl.props {
            dt { (lang.t("graduation.incubator")) }
            dd { a href=(format!("/incubators/{}", i.id)) { (i.name) } }
            @if let (Some(o), Some(n)) = (t.org_id, &p.org_name) {
                dt { (lang.t("incubator.org")) } dd { a href=(format!("/orgs/{o}")) { (n) } }
            }
            dt { (lang.t("incubator.state_label")) } dd.tenant-state { (tenant_state(t, lang)) }
            dt { (lang.t("graduation.admitted")) } dd { (display_instant(t.admitted_at)) }
            @if graduated { dt { (lang.t("graduation.graduated")) } dd { (graduated_on(lang, t)) } }
        }
        section.section id="review" {
            h2 { (lang.t("graduation.review")) }
            @if p.findings.is_empty() { div.empty { (lang.t("graduation.no_criteria")) } }
            @else { div.table-wrap { table.data-table.findings {
                thead { tr { th { (lang.t("graduation.criterion_label")) } th { (lang.t("incubator.finding")) } th { (lang.t("graduation.evidence")) } } }
                tbody { @for f in p.findings {
                    tr id=(format!("criterion-{}", f.criterion.code())) {
                        td { (finding_text(lang, f, criteria.min_months)) }
                        td { @if f.met { span.badge.badge-ok { (lang.t("incubator.met")) } } @else { span.badge.badge-app-rejected { (lang.t("incubator.not_met")) } } }
                        td { @if let Some(href) = &f.evidence { a.evidence href=(href) { (lang.t("graduation.see_evidence")) } } @else { span.muted { "—" } } }
                    }
                } }
            } } }
            @if p.manager && resident {
                @let (df, de) = match failed { TenantFailed::Decide(f, e) => ((*f).clone(), *e), _ => (DecisionForm::default(), &none) };
                (error_summary(de, lang))
                form.form.decide-form method="post" action=(format!("/incubator-tenants/{}/graduation", t.id)) {
                    (csrf_field(csrf))
                    fieldset.field.has-error[de.get("decision").is_some()] id="decision" {
                        legend { (lang.t("graduation.decision_label")) }
                        @for d in Decision::ALL {
                            label.check { input type="radio" name="decision" value=(d.code()) checked[df.decision == d.code()]; " " (d.label(lang)) } " "
                        }
                        @if !all_met { p.hint { (lang.t("graduation.unmet_hint")) } }
                        @if let Some(m) = de.get("decision") { p.error-msg id="decision-error" { (m) } }
                    }
                    div.field.has-error[de.get("reason").is_some()] {
                        label for="reason" { (lang.t("incubator.reason")) }
                        textarea id="reason" name="reason" rows="4" maxlength=(REASON)
                            aria-invalid=[de.get("reason").map(|_| "true")]
                            aria-describedby=[de.get("reason").map(|_| "reason-error")] { (df.reason) }
                        p.hint { (lang.t("graduation.reason_hint")) }
                        @if let Some(m) = de.get("reason") { p.error-msg id="reason-error" { (m) } }
                    }
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("graduation.record")) } }
                }
            }
            h3 { (lang.t("graduation.reviews")) }
            @if p.reviews.is_empty() { div.empty { (lang.t("graduation.no_reviews")) } }
            @else { ul.reviews { @for (r, who) in p.reviews {
                li {
                    strong { (Decision::parse(&r.decision).map(|d| d.label(lang)).unwrap_or_default()) }
                    " " span.muted { (who) " · " (display_instant(r.decided_at)) }
                    @if !r.reason.is_empty() { br; span.prewrap { (r.reason) } }
                }
            } } }
        }
        (milestone_section(lang, p, failed, csrf))
        @let (gf, ge) = match failed { TenantFailed::Guidance(f, e) => ((*f).clone(), *e), _ => (GuidanceForm::default(), &none) };
        @let (vf, ve) = match failed { TenantFailed::Vp(f, e) => ((*f).clone(), *e), _ => (VpForm::default(), &none) };
        (super::services::tenant_section(lang, t.id, p.services, p.notes, p.manager, (&gf, ge), (&vf, ve), csrf))
        @if graduated {
            section.section id="exit-tasks" {
                h2 { (lang.t("graduation.exit_tasks")) }
                @let ee = match failed { TenantFailed::Exit(e) => *e, _ => &none };
                (error_summary(ee, lang))
                @if let Some(m) = ee.get("task") { p.error-msg id="task" { (m) } }
                div.table-wrap { table.data-table.exit-tasks {
                    tbody { @for task in ExitTask::ALL {
                        @let done = p.exits.get(task.code()).is_some_and(|r| r.done);
                        tr id=(format!("exit-{}", task.code())) {
                            td { (task.label(lang)) }
                            td { @if done { span.badge.badge-ok { (lang.t("graduation.done")) } } @else { span.muted { (lang.t("graduation.not_done")) } } }
                            @if p.manager {
                                td { form method="post" action=(format!("/incubator-tenants/{}/exit-tasks", t.id)) {
                                    (csrf_field(csrf))
                                    input type="hidden" name="task" value=(task.code());
                                    input type="hidden" name="done" value=(if done { "" } else { "1" });
                                    button.btn.btn-secondary type="submit" { (lang.t(if done { "graduation.mark_undone" } else { "graduation.mark_done" })) }
                                } }
                            }
                        }
                    } }
                } }
            }
        }
    }
}

/// A milestone's name: its kind, or a custom milestone's words.
pub fn milestone_name(lang: Lang, m: &Milestone) -> String {
    if m.label.is_empty() {
        m.kind().label(lang)
    } else {
        m.label.clone()
    }
}

/// The tenant's milestone timeline: met ones with their date and evidence (or the
/// manager's note), then open ones — with a confirmation form on open manual ones for the
/// incubator's managers.
fn milestone_section(
    lang: Lang,
    p: &TenantPage<'_>,
    failed: &TenantFailed<'_>,
    csrf: &str,
) -> Markup {
    let none = FieldErrors::default();
    let (cf, ce) = match failed {
        TenantFailed::Milestone(f, e) => ((*f).clone(), *e),
        _ => (ConfirmForm::default(), &none),
    };
    html! {
        section.section id="milestones" {
            h2 { (lang.t("tenant_milestone.title")) }
            (error_summary(ce, lang))
            @if let Some(m) = ce.get("milestone_id") { p.error-msg id="milestone_id" { (m) } }
            @if p.timeline.is_empty() { div.empty { (lang.t("tenant_milestone.none")) } }
            @else { ol.timeline { @for (m, s) in p.timeline {
                li id=(format!("milestone-{}", m.id)) class=(if matches!(s, Status::Met { .. }) { "met" } else { "open" }) {
                    strong { (milestone_name(lang, m)) } " "
                    @match s {
                        Status::Met { evidence, at, note } => {
                            span.badge.badge-ok { (lang.t("incubator.met")) } " "
                            @if let Some(at) = at { span.muted { (display_instant(*at)) } " " }
                            @if let Some(href) = evidence { a.evidence href=(href) { (lang.t("graduation.see_evidence")) } }
                            @if let Some(n) = note {
                                span.muted { (lang.t("tenant_milestone.confirmed")) }
                                @if !n.is_empty() { br; span.prewrap { (n) } }
                            }
                        }
                        Status::Open => {
                            span.muted { (lang.t(if m.kind().automatic() { "tenant_milestone.auto_open" } else { "tenant_milestone.open" })) }
                            @if p.manager && !m.kind().automatic() {
                                form.confirm-form method="post" action=(format!("/incubator-tenants/{}/milestones", p.t.id)) {
                                    (csrf_field(csrf))
                                    input type="hidden" name="milestone_id" value=(m.id);
                                    @let mine = cf.milestone_id.trim() == m.id.to_string();
                                    input type="text" id=[mine.then_some("note")] name="note" maxlength=(NOTE)
                                        value=(if mine { cf.note.as_str() } else { "" })
                                        aria-label=(lang.t("incubator.note")) placeholder=(lang.t("tenant_milestone.note_hint"))
                                        aria-invalid=[(mine && ce.get("note").is_some()).then_some("true")];
                                    " "
                                    button.btn.btn-secondary type="submit" { (lang.t("tenant_milestone.confirm")) }
                                    @if mine { @if let Some(e) = ce.get("note") { p.error-msg { (e) } } }
                                }
                            }
                        }
                    }
                }
            } } }
        }
    }
}
