//! Zombie pages: the regulators' queue `/regulation/zombies` (with the run on demand), one
//! case's page (the organization's view with its objection form, the regulator's with the
//! outcome form), and the public registration status on the profile and `/credit`.
//! Functions of data to markup; no queries.

use std::collections::HashMap;

use maud::{Markup, html};

use super::super::credit_rules::ObjectionForm;
use super::super::zombie_model::ZombieCase;
use super::super::zombie_rules::{DecisionForm, Outcome, ZombieState};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::orgs::{Org, RegistrationStatus};
use crate::web::forms::{csrf_field, error_summary, select, textarea};

fn state_badge(s: ZombieState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-zombie-{}", s.code())) { (s.label(lang)) } }
}

fn criteria(c: &ZombieCase, lang: Lang) -> String {
    c.criteria()
        .iter()
        .map(|x| x.label(lang))
        .collect::<Vec<_>>()
        .join("；")
}

/// The organization's registration status as a badge when it no longer stands (nothing
/// while it does): the public sees a revoked or deregistered organization as such.
pub fn registration_badge(o: &Org, lang: Lang) -> Markup {
    let s = RegistrationStatus::of(&o.registration_status);
    html! {
        @if !s.stands() {
            span class=(format!("badge badge-registration-{}", s.code())) { (s.label(lang)) }
        }
    }
}

/// The regulators' queue: open cases first, then the latest decided.
pub fn queue(
    lang: Lang,
    cases: &[ZombieCase],
    names: &HashMap<i64, String>,
    csrf: &str,
    now: i64,
) -> Markup {
    html! {
        h1.page-title { (lang.t("zombie.queue_title")) }
        p.hint { (lang.t("zombie.queue_hint")) }
        form.form method="post" action="/regulation/zombies/run" {
            (csrf_field(csrf))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("zombie.run")) } }
        }
        p { a href="/credit/rules" { (lang.t("zombie.rules_link")) } }
        @if cases.is_empty() { p.muted { (lang.t("zombie.none")) } }
        @else {
            div.table-wrap { table.data-table.zombie-queue {
                thead { tr {
                    th { (lang.t("zombie.col.case")) }
                    th { (lang.t("zombie.col.org")) }
                    th { (lang.t("zombie.col.criteria")) }
                    th { (lang.t("zombie.col.state")) }
                    th { (lang.t("zombie.col.due")) }
                } }
                tbody { @for c in cases { tr {
                    td { a href=(format!("/orgs/{}/zombie/{}", c.org_id, c.id)) { "#" (c.id) } }
                    td { (names.get(&c.org_id).map(String::as_str).unwrap_or("")) }
                    td { (criteria(c, lang)) }
                    td { (state_badge(c.state(), lang))
                        @if c.state() == ZombieState::Noticed && now > c.objection_due {
                            " " span.badge.badge-overdue { (lang.t("zombie.ready")) }
                        }
                    }
                    td { (display_instant(c.objection_due)) }
                } } }
            } }
        }
    }
}

/// What a case page offers the viewer.
pub struct CaseForms<'a> {
    /// The objection form (the organization's administrators, within the period).
    pub object: Option<(&'a ObjectionForm, &'a FieldErrors)>,
    /// The outcome form (regulators, once it may be decided).
    pub decide: Option<(&'a DecisionForm, &'a FieldErrors)>,
    /// The session's CSRF token.
    pub csrf: &'a str,
}

/// One case: facts, objection, outcome, and the forms the viewer may use.
pub fn case_page(lang: Lang, o: &Org, c: &ZombieCase, f: &CaseForms<'_>) -> Markup {
    html! {
        p { a href=(format!("/orgs/{}", o.id)) { "← " (o.name) } }
        h1.page-title { (lang.tf("zombie.case_title", &[("id", &c.id.to_string())])) }
        dl.facts {
            dt { (lang.t("zombie.col.org")) } dd { (o.name) " " (registration_badge(o, lang)) }
            dt { (lang.t("zombie.col.criteria")) } dd.zombie-criteria { (criteria(c, lang)) }
            dt { (lang.t("zombie.col.basis")) } dd.basis { (c.legal_basis) }
            dt { (lang.t("zombie.col.state")) } dd.zombie-state { (state_badge(c.state(), lang)) }
            dt { (lang.t("zombie.col.noticed")) } dd { (display_instant(c.noticed_at)) }
            dt { (lang.t("zombie.col.due")) } dd { (display_instant(c.objection_due)) }
        }
        @if let Some(t) = &c.objection_text {
            section.section.objection {
                h2 { (lang.t("zombie.objection")) }
                p.muted { (c.objected_at.map(display_instant).unwrap_or_default()) }
                p { (t) }
            }
        }
        @if let Some(t) = &c.outcome_text {
            section.section.outcome {
                h2 { (lang.t("zombie.outcome_title")) }
                p.muted { (c.decided_at.map(display_instant).unwrap_or_default()) }
                p { (t) }
            }
        }
        @if let Some((form, e)) = f.object {
            section.section id="object" {
                h2 { (lang.t("zombie.object")) }
                p.hint { (lang.tf("zombie.objection_until", &[("due", &display_instant(c.objection_due))])) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/orgs/{}/zombie/{}/objection", o.id, c.id)) {
                    (csrf_field(f.csrf))
                    (textarea("text", &lang.t("zombie.objection_text"), &form.text, None, e))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("zombie.object")) } }
                }
            }
        }
        @if let Some((form, e)) = f.decide {
            section.section id="decide" {
                h2 { (lang.t("zombie.decide")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/orgs/{}/zombie/{}/decision", o.id, c.id)) {
                    (csrf_field(f.csrf))
                    (select("outcome", &lang.t("zombie.outcome_field"),
                        &Outcome::ALL.iter().map(|x| (x.code().to_string(), x.label(lang))).collect::<Vec<_>>(),
                        &form.outcome, Some(&lang.t("form.choose")), e))
                    (textarea("text", &lang.t("zombie.outcome_text"), &form.text, None, e))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("zombie.decide")) } }
                }
            }
        }
    }
}

/// The registrations ended by a zombie case, for `/credit` (public).
pub fn ended(lang: Lang, cases: &[ZombieCase], names: &HashMap<i64, String>) -> Markup {
    html! {
        @if !cases.is_empty() {
            section.section id="deregistered" {
                h2 { (lang.t("zombie.ended_title")) }
                div.table-wrap { table.data-table { tbody { @for c in cases { tr {
                    td { a href=(format!("/orgs/{}", c.org_id)) { (names.get(&c.org_id).map(String::as_str).unwrap_or("")) } }
                    td { (state_badge(c.state(), lang)) }
                    td { (c.decided_at.map(display_instant).unwrap_or_default()) }
                } } } } }
            }
        }
    }
}

/// An organization's zombie cases on its credit record: members and regulators follow the
/// link to the case page (the objection form is there); the public sees only the outcomes
/// that ended the registration, without a link.
pub fn org_cases(lang: Lang, o: &Org, cases: &[ZombieCase], private: bool) -> Markup {
    html! {
        @if !cases.is_empty() {
            section.section id="zombie" {
                h2 { (lang.t("zombie.org_title")) }
                ul { @for c in cases { li {
                    @if private {
                        a href=(format!("/orgs/{}/zombie/{}", o.id, c.id)) {
                            (lang.tf("zombie.case_title", &[("id", &c.id.to_string())]))
                        }
                    } @else {
                        (lang.tf("zombie.case_title", &[("id", &c.id.to_string())]))
                    }
                    " · " (criteria(c, lang)) " · " (state_badge(c.state(), lang))
                } }
                }
            }
        }
    }
}

/// The zombie cases by state, with the open ones first and how many wait for a decision
/// (the regulators' workspace).
pub fn workspace_counts(lang: Lang, by_state: &[(ZombieState, i64)], waiting: i64) -> Markup {
    let open: i64 = by_state
        .iter()
        .filter(|(s, _)| s.open())
        .map(|(_, n)| n)
        .sum();
    // Objected cases wait for the decision too.
    let waiting = waiting
        + by_state
            .iter()
            .filter(|(s, _)| *s == ZombieState::Objected)
            .map(|(_, n)| n)
            .sum::<i64>();
    html! {
        div.zombie-counts id="zombie-counts" {
            h3 { a href="/regulation/zombies" { (lang.t("zombie.queue_title")) } }
            p.zombie-open { (lang.tf("zombie.me.open", &[("n", &open.to_string()), ("waiting", &waiting.to_string())])) }
            ul.counts {
                @for (s, n) in by_state {
                    li data-state=(s.code()) class=[s.open().then_some("open")] {
                        (s.label(lang)) ": " strong { (n) }
                    }
                }
            }
        }
    }
}
