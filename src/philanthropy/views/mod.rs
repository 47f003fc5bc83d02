//! Call pages: the public list and page, the organizer's form and controls, and the
//! workspace sections. No queries here. Proposal pages are in [`proposals`].

pub mod grants;
pub mod proposals;
pub mod reviewing;

use std::collections::HashMap;

use maud::{Markup, html};

use super::model::Call;
use super::rules::{
    Applicant, CallForm, Fit, Organizer, OrganizerKind, Phase, format_local, percent_input,
    unwrap_codes,
};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::orgs::{DOMAINS, domain_label};
use crate::regions::{Level, regions};
use crate::web::forms::{
    checks, csrf_field, division_picker, error_summary, input, select, textarea,
};

/// Rows of the rubric, tranche and report tables the form offers at least.
pub const FORM_ROWS: usize = 5;

/// The cancellation form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CancelForm {
    /// Why (public).
    #[serde(default)]
    pub reason: String,
    /// `1` from the confirmation page.
    #[serde(default)]
    pub confirm: String,
}

fn phase_badge(p: Phase, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-call-{}", p.code())) { (p.label(lang)) } }
}

fn domains_text(c: &Call, lang: Lang) -> String {
    unwrap_codes(&c.domains)
        .iter()
        .map(|d| domain_label(d, lang))
        .collect::<Vec<_>>()
        .join(lang_sep(lang))
}

fn lang_sep(lang: Lang) -> &'static str {
    if lang == Lang::En { ", " } else { "、" }
}

fn places_text(c: &Call, lang: Lang) -> String {
    unwrap_codes(&c.places)
        .iter()
        .map(|p| regions().path(p, lang))
        .collect::<Vec<_>>()
        .join(lang_sep(lang))
}

fn organizer_label(o: Organizer, name: &str, lang: Lang) -> String {
    let key = match o.kind {
        OrganizerKind::Unit => "call.organizer_unit",
        OrganizerKind::Org => "call.organizer_org",
    };
    lang.tf(key, &[("name", name)])
}

/// `/calls`: the open calls with their filters.
pub fn list(
    lang: Lang,
    calls: &[Call],
    names: &HashMap<Organizer, String>,
    domain: &str,
    league: &str,
) -> Markup {
    let none = FieldErrors::default();
    let domains: Vec<(String, String)> = DOMAINS
        .iter()
        .map(|(c, _, _)| ((*c).to_string(), domain_label(c, lang)))
        .collect();
    let leagues: Vec<(String, String)> = regions()
        .leagues()
        .map(|d| (d.code.clone(), regions().name(&d.code, lang)))
        .collect();
    html! {
        h1.page-title { (lang.t("call.list_title")) }
        p.lead { (lang.t("call.list_lead")) }
        form.filters method="get" action="/calls" {
            div.form-row {
                (select("domain", &lang.t("call.domains"), &domains, domain, Some(&lang.t("form.any")), &none))
                (select("league", &Level::LeagueCity.label(lang), &leagues, league, Some(&lang.t("form.any")), &none))
            }
            div.actions { button.btn.btn-primary type="submit" { (lang.t("form.filter")) } }
        }
        p.result-count { (lang.tf("call.count", &[("n", &calls.len().to_string())])) }
        @if calls.is_empty() { div.empty { (lang.t("call.none_open")) } }
        @else {
            div.table-wrap { table.data-table.calls-table {
                thead { tr {
                    th { (lang.t("call.title")) } th { (lang.t("call.organizer")) }
                    th { (lang.t("call.domains")) } th { (lang.t("call.places")) }
                    th { (lang.t("call.max_grant")) } th { (lang.t("call.closes_at")) }
                } }
                tbody { @for c in calls {
                    @let o = super::organizer_of(c);
                    tr {
                        td { a href=(format!("/calls/{}", c.id)) { (c.title) } }
                        td { (names.get(&o).map(String::as_str).unwrap_or("")) }
                        td { (domains_text(c, lang)) }
                        td { (places_text(c, lang)) }
                        td { (Fen(c.max_grant_fen)) }
                        td { (display_instant(c.closes_at)) }
                    }
                } }
            } }
        }
    }
}

/// The organizer's controls when the viewer acts for the organizer: the CSRF token, the
/// cancellation form as typed and its messages.
pub type Controls<'a> = (&'a str, &'a CancelForm, &'a FieldErrors);

/// `/calls/{id}`.
pub fn show(
    lang: Lang,
    c: &Call,
    organizer: &str,
    now: i64,
    controls: Option<Controls<'_>>,
) -> Markup {
    let p = super::phase_of(c, now);
    let o = super::organizer_of(c);
    let rubric: Vec<(String, i16)> = serde_json::from_str(&c.rubric).unwrap_or_default();
    let tranches: Vec<i32> = serde_json::from_str(&c.tranches).unwrap_or_default();
    let reports: Vec<i16> = serde_json::from_str(&c.reports).unwrap_or_default();
    let applicants: Vec<String> = unwrap_codes(&c.applicants)
        .iter()
        .filter_map(|a| Applicant::parse(a))
        .map(|a| a.label(lang))
        .collect();
    html! {
        div.page-head { h1.page-title { (c.title) } }
        p.call-phase { (phase_badge(p, lang)) " " span.muted { (organizer_label(o, organizer, lang)) } }
        @if let Some(r) = &c.cancel_reason {
            div.notice id="cancel-reason" { strong { (lang.t("call.cancel_reason")) } " " (r) }
        }
        div.profile-grid {
            div {
                section.section id="theme" {
                    h2 { (lang.t("call.theme")) }
                    @for para in c.theme.split('\n').filter(|s| !s.trim().is_empty()) { p { (para) } }
                }
                section.section id="rubric" {
                    h2 { (lang.t("call.rubric")) }
                    div.table-wrap { table.data-table {
                        thead { tr { th { (lang.t("call.criterion")) } th { (lang.t("call.weight")) } } }
                        tbody { @for (name, w) in &rubric { tr { td { (name) } td { (w) "%" } } } }
                    } }
                }
                section.section id="tranches" {
                    h2 { (lang.t("call.tranches")) }
                    ol { @for bp in &tranches { li { (percent_input(*bp)) "%" } } }
                }
                section.section id="reports" {
                    h2 { (lang.t("call.reports")) }
                    ul { @for m in &reports { li { (lang.tf("call.report_due", &[("m", &m.to_string())])) } } }
                }
            }
            aside.side-panel {
                dl.props.call-facts {
                    dt { (lang.t("call.window")) }
                    dd { (display_instant(c.opens_at)) " – " (display_instant(c.closes_at)) }
                    dt { (lang.t("call.pool")) } dd.pool { (Fen(c.pool_fen)) }
                    dt { (lang.t("call.max_grant")) } dd.max-grant { (Fen(c.max_grant_fen)) }
                    dt { (lang.t("call.cofund")) } dd { (percent_input(c.cofund_bp)) "%" }
                    dt { (lang.t("call.admin_cap")) }
                    dd.admin-cap { @match c.admin_cap_bp {
                        Some(bp) => { (percent_input(bp)) "%" },
                        None => (lang.t("call.admin_cap_default")),
                    } }
                    dt { (lang.t("call.domains")) } dd.domains { (domains_text(c, lang)) }
                    dt { (lang.t("call.places")) } dd.places { (places_text(c, lang)) }
                    dt { (lang.t("call.applicants")) } dd { (applicants.join(lang_sep(lang))) }
                    dt { (lang.t("call.credit")) } dd { (lang.t("call.credit_required")) }
                    dt { (lang.t("call.reviewers")) } dd { (c.reviewers) }
                    dt { (lang.t("call.stages")) }
                    dd { (lang.t(if c.two_stage { "call.two_stage_yes" } else { "call.two_stage_no" })) }
                    @if let (true, Some(full)) = (c.two_stage, c.full_closes_at) {
                        dt { (lang.t("call.full_closes_at")) } dd.full-closes-at { (display_instant(full)) }
                    }
                    dt { (lang.t("call.sealed")) }
                    dd { (lang.t(if c.sealed { "call.sealed_yes" } else { "call.sealed_no" })) }
                }
                @if let Some((csrf, cf, e)) = controls {
                    div.panel id="organizer" {
                        h2 { (lang.t("call.organizer_actions")) }
                        @if p == Phase::Draft {
                            p { a.btn.btn-secondary href=(format!("/calls/{}/edit", c.id)) { (lang.t("call.edit")) } }
                            form.inline method="post" action=(format!("/calls/{}/publish", c.id)) {
                                (csrf_field(csrf))
                                button.btn.btn-primary type="submit" { (lang.t("call.publish")) }
                            }
                        }
                        @if matches!(p, Phase::Draft | Phase::Upcoming | Phase::Open) {
                            (error_summary(e, lang))
                            form.form method="post" action=(format!("/calls/{}/cancel", c.id)) novalidate {
                                (csrf_field(csrf))
                                (textarea("reason", &lang.t("call.cancel_reason"), &cf.reason, Some(&lang.t("call.cancel_hint")), e))
                                div.actions { button.btn.btn-danger type="submit" { (lang.t("call.cancel")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn rows_at(v: &[String], i: usize) -> String {
    v.get(i).cloned().unwrap_or_default()
}

fn list_field(
    name: &'static str,
    legend: &str,
    hint: &str,
    e: &FieldErrors,
    body: Markup,
) -> Markup {
    html! {
        div.field.has-error[e.get(name).is_some()] {
            p { strong { (legend) } " " span.hint { (hint) } }
            (body)
            @if let Some(m) = e.get(name) { p.error-msg id=(format!("{name}-error")) { (m) } }
        }
    }
}

/// The create/edit form. `action` is where it posts.
pub fn call_form(
    lang: Lang,
    title: &str,
    action: &str,
    f: &CallForm,
    organizers: &[(Organizer, String)],
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let org_opts: Vec<(String, String)> = organizers
        .iter()
        .map(|(o, n)| (o.code(), organizer_label(*o, n, lang)))
        .collect();
    let domains: Vec<(String, String)> = DOMAINS
        .iter()
        .map(|(c, _, _)| ((*c).to_string(), domain_label(c, lang)))
        .collect();
    let applicants: Vec<(String, String)> = Applicant::ALL
        .iter()
        .map(|a| (a.code().to_string(), a.label(lang)))
        .collect();
    let crit_rows = f
        .criterion_name
        .len()
        .max(f.criterion_weight.len())
        .max(FORM_ROWS);
    let tranche_rows = f.tranche.len().max(FORM_ROWS);
    let report_rows = f.report_month.len().max(FORM_ROWS);
    let none = FieldErrors::default();
    html! {
        h1.page-title { (title) }
        (error_summary(e, lang))
        form.form.call-form method="post" action=(action) novalidate {
            (csrf_field(csrf))
            fieldset {
                legend { (lang.t("call.basic")) }
                (select("organizer", &lang.t("call.organizer"), &org_opts, &f.organizer, (organizers.len() > 1).then(|| lang.t("form.choose_one")).as_deref(), e))
                (input("text", "title", &lang.t("call.title"), &f.title, None, e, true))
                (textarea("theme", &lang.t("call.theme"), &f.theme, Some(&lang.t("call.theme_hint")), e))
                (checks("domains", &lang.t("call.domains"), &domains, &f.domains, e))
            }
            fieldset {
                legend { (lang.t("call.eligibility")) }
                p.hint { (lang.t("call.places_hint")) }
                (division_picker("c_", lang, &f.c_league, &f.c_county, &f.c_township, true, e))
                (checks("applicants", &lang.t("call.applicants"), &applicants, &f.applicants, e))
                p.hint { (lang.t("call.credit_required")) }
            }
            fieldset {
                legend { (lang.t("call.money")) }
                div.form-row {
                    (input("text", "pool", &lang.t("call.pool_yuan"), &f.pool, None, e, true))
                    (input("text", "max_grant", &lang.t("call.max_grant_yuan"), &f.max_grant, None, e, true))
                    (input("text", "cofund", &lang.t("call.cofund_percent"), &f.cofund, Some(&lang.t("call.cofund_hint")), e, false))
                    (input("text", "admin_cap", &lang.t("call.admin_cap_percent"), &f.admin_cap, Some(&lang.t("call.admin_cap_hint")), e, false))
                }
            }
            fieldset {
                legend { (lang.t("call.window")) }
                div.form-row {
                    (input("datetime-local", "opens_at", &lang.t("call.opens_at"), &f.opens_at, Some(&lang.t("tender.time_hint")), e, true))
                    (input("datetime-local", "closes_at", &lang.t("call.closes_at"), &f.closes_at, Some(&lang.t("tender.time_hint")), e, true))
                }
            }
            fieldset {
                legend { (lang.t("call.review")) }
                (input("number", "reviewers", &lang.t("call.reviewers"), &f.reviewers, None, e, true))
                (list_field("rubric", &lang.t("call.rubric"), &lang.t("call.rubric_hint"), e, html! {
                    table.form-table {
                        thead { tr { th { (lang.t("call.criterion")) } th { (lang.t("call.weight")) } } }
                        tbody { @for i in 0..crit_rows { tr {
                            td { input type="text" name="criterion_name" value=(rows_at(&f.criterion_name, i)) aria-label=(format!("{} {}", lang.t("call.criterion"), i + 1)); }
                            td { input type="number" name="criterion_weight" min="1" max="100" value=(rows_at(&f.criterion_weight, i)) aria-label=(format!("{} {}", lang.t("call.weight"), i + 1)); }
                        } } }
                    }
                }))
                (checks("two_stage", &lang.t("call.stages"), &[("1".to_string(), lang.t("call.two_stage_yes"))], std::slice::from_ref(&f.two_stage), &none))
                (input("datetime-local", "full_closes_at", &lang.t("call.full_closes_at"), &f.full_closes_at, Some(&lang.t("call.full_closes_at_hint")), e, false))
                (checks("sealed", &lang.t("call.sealed"), &[("1".to_string(), lang.t("call.sealed_yes"))], std::slice::from_ref(&f.sealed), &none))
            }
            fieldset {
                legend { (lang.t("call.after_award")) }
                (list_field("tranches", &lang.t("call.tranches"), &lang.t("call.tranches_hint"), e, html! {
                    table.form-table { tbody { @for i in 0..tranche_rows { tr {
                        td { input type="text" inputmode="decimal" name="tranche" value=(rows_at(&f.tranche, i)) aria-label=(format!("{} {}", lang.t("call.tranche"), i + 1)); }
                    } } } }
                }))
                (list_field("reports", &lang.t("call.reports"), &lang.t("call.reports_hint"), e, html! {
                    table.form-table { tbody { @for i in 0..report_rows { tr {
                        td { input type="number" min="1" name="report_month" value=(rows_at(&f.report_month, i)) aria-label=(format!("{} {}", lang.t("call.report_month"), i + 1)); }
                    } } } }
                }))
            }
            div.actions { button.btn.btn-primary type="submit" { (lang.t("call.save_draft")) } }
        }
    }
}

/// The form pre-filled from a stored draft.
pub fn form_from(c: &Call) -> CallForm {
    let r = regions();
    let place = unwrap_codes(&c.places)
        .into_iter()
        .next()
        .unwrap_or_default();
    let d = r.get(&place);
    let level = d.map(|d| d.level);
    let (league, county, township) = match level {
        Some(Level::LeagueCity) => (place.clone(), String::new(), String::new()),
        Some(Level::BannerCounty) => (
            r.league_of(&place)
                .map(|d| d.code.clone())
                .unwrap_or_default(),
            place.clone(),
            String::new(),
        ),
        Some(Level::Township) => (
            r.league_of(&place)
                .map(|d| d.code.clone())
                .unwrap_or_default(),
            r.county_of(&place)
                .map(|d| d.code.clone())
                .unwrap_or_default(),
            place.clone(),
        ),
        _ => (String::new(), String::new(), String::new()),
    };
    let rubric: Vec<(String, i16)> = serde_json::from_str(&c.rubric).unwrap_or_default();
    let tranches: Vec<i32> = serde_json::from_str(&c.tranches).unwrap_or_default();
    let reports: Vec<i16> = serde_json::from_str(&c.reports).unwrap_or_default();
    CallForm {
        organizer: super::organizer_of(c).code(),
        title: c.title.clone(),
        theme: c.theme.clone(),
        domains: unwrap_codes(&c.domains),
        c_league: league,
        c_county: county,
        c_township: township,
        applicants: unwrap_codes(&c.applicants),
        pool: Fen(c.pool_fen).to_input(),
        max_grant: Fen(c.max_grant_fen).to_input(),
        cofund: percent_input(c.cofund_bp),
        opens_at: format_local(c.opens_at),
        closes_at: format_local(c.closes_at),
        reviewers: c.reviewers.to_string(),
        criterion_name: rubric.iter().map(|(n, _)| n.clone()).collect(),
        criterion_weight: rubric.iter().map(|(_, w)| w.to_string()).collect(),
        tranche: tranches.iter().map(|t| percent_input(*t)).collect(),
        report_month: reports.iter().map(|m| m.to_string()).collect(),
        two_stage: if c.two_stage {
            "1".into()
        } else {
            String::new()
        },
        full_closes_at: c.full_closes_at.map(format_local).unwrap_or_default(),
        sealed: if c.sealed { "1".into() } else { String::new() },
        admin_cap: c.admin_cap_bp.map(percent_input).unwrap_or_default(),
    }
}

fn fit_text(f: &Fit, lang: Lang) -> String {
    match f {
        Fit::Place(p) => lang.tf("call.fit.place", &[("place", &regions().path(p, lang))]),
        Fit::Domains(ds) => lang.tf(
            "call.fit.domains",
            &[(
                "domains",
                &ds.iter()
                    .map(|d| domain_label(d, lang))
                    .collect::<Vec<_>>()
                    .join(lang_sep(lang)),
            )],
        ),
        Fit::Registered => lang.t("call.fit.registered"),
        Fit::CleanCredit => lang.t("call.fit.credit"),
    }
}

/// An organization's recommended calls: its name and the calls with the reasons.
pub type Recommended = (String, Vec<(Call, Vec<Fit>)>);

/// The workspace sections: the organizer's calls and the calls recommended to the user's
/// organizations. Nothing when neither applies.
pub fn workspace(
    lang: Lang,
    organizer: bool,
    calls: &[Call],
    names: &HashMap<Organizer, String>,
    recommended: &[Recommended],
    now: i64,
) -> Markup {
    html! {
        @if organizer {
            div.panel id="my-calls" {
                h2 { (lang.t("call.my_calls")) }
                p { a.btn.btn-primary href="/calls/new" { (lang.t("call.new")) } }
                @if calls.is_empty() { p.muted { (lang.t("call.none_yet")) } }
                @else {
                    div.table-wrap { table.data-table {
                        thead { tr {
                            th { (lang.t("call.title")) } th { (lang.t("call.organizer")) }
                            th { (lang.t("call.state_col")) } th { (lang.t("call.closes_at")) } th { (lang.t("call.pool")) }
                        } }
                        tbody { @for c in calls {
                            @let o = super::organizer_of(c);
                            tr {
                                td { a href=(format!("/calls/{}", c.id)) { (c.title) } }
                                td { (names.get(&o).map(String::as_str).unwrap_or("")) }
                                td { (phase_badge(super::phase_of(c, now), lang)) }
                                td { (display_instant(c.closes_at)) }
                                td { (Fen(c.pool_fen)) }
                            }
                        } }
                    } }
                }
            }
        }
        @if !recommended.is_empty() {
            div.panel id="recommended-calls" {
                h2 { (lang.t("call.recommended")) }
                @for (org, list) in recommended {
                    h3 { (org) }
                    @if list.is_empty() { p.muted { (lang.t("call.no_recommendations")) } }
                    @else {
                        ol.recommendations { @for (c, reasons) in list {
                            li {
                                a href=(format!("/calls/{}", c.id)) { (c.title) } " "
                                span.muted { (lang.tf("call.closes_on", &[("at", &display_instant(c.closes_at))])) }
                                ul.fit-reasons { @for r in reasons { li { (fit_text(r, lang)) } } }
                            }
                        } }
                    }
                }
            }
        }
    }
}
