//! Incubator pages: the public directory and incubator page, the administrator's pages, the
//! application form and page, the managers' list of applications. Data in, markup out.

pub mod graduation;
pub mod kpis;
pub mod milestones;
pub mod photos;
pub mod services;

use std::collections::HashMap;

use maud::{Markup, html};

use super::model::{Application, Check, Incubator, Item, Message, Tenant};
use super::rules::{
    AppState, ApplicationForm, CheckForm, DecideForm, IncubatorForm, Step, TenantState, limits,
};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::regions::{Level, regions};
use crate::web::forms::{csrf_field, division_picker, error_summary, input, select, textarea};

/// The levels an incubator can be at, in order.
pub const LEVELS: [Level; 3] = [Level::Region, Level::LeagueCity, Level::BannerCounty];

fn level_label(code: &str, lang: Lang) -> String {
    Level::parse(code)
        .map(|l| l.label(lang))
        .unwrap_or_default()
}

/// An application's state as a badge.
pub fn state_badge(s: AppState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-app-{}", s.code())) { (s.label(lang)) } }
}

fn tenant_name(t: &Tenant, org_names: &HashMap<i64, String>) -> Markup {
    // A registered organization links to its public profile under its registry name; a
    // group in preparation shows its name only.
    html! {
        @match t.org_id {
            Some(o) => a href=(format!("/orgs/{o}")) { (org_names.get(&o).cloned().unwrap_or_else(|| t.name.clone())) },
            None => (t.name),
        }
    }
}

/// The public directory.
pub fn directory(
    lang: Lang,
    list: &[Incubator],
    residents: &HashMap<i64, i64>,
    covers: &HashMap<i64, super::photos::Photo>,
    level: &str,
    league: &str,
) -> Markup {
    let none = FieldErrors::default();
    let levels: Vec<(String, String)> = LEVELS
        .iter()
        .map(|l| (l.code().to_string(), l.label(lang)))
        .collect();
    let leagues: Vec<(String, String)> = regions()
        .leagues()
        .map(|d| (d.code.clone(), regions().name(&d.code, lang)))
        .collect();
    html! {
        h1.page-title { (lang.t("incubator.directory_title")) }
        p.lead { (lang.t("incubator.lead")) }
        form.filters method="get" action="/incubators" {
            (select("level", &lang.t("incubator.level"), &levels, level, Some(&lang.t("form.any")), &none))
            (select("league", &Level::LeagueCity.label(lang), &leagues, league, Some(&lang.t("form.any")), &none))
            div.actions {
                button.btn.btn-primary type="submit" { (lang.t("form.filter")) }
                a.reset href="/incubators" { (lang.t("form.reset")) }
            }
        }
        p.result-count { (lang.tf("incubator.count", &[("n", &list.len().to_string())])) }
        @if list.is_empty() { div.empty { (lang.t("incubator.empty")) } }
        @else {
            div.table-wrap { table.data-table.incubators {
                thead { tr {
                    th { span.visually-hidden { (lang.t("incubator.photo.cover")) } }
                    th { (lang.t("incubator.name")) } th { (lang.t("incubator.level")) }
                    th { (lang.t("incubator.division")) } th { (lang.t("incubator.residents")) }
                } }
                tbody { @for i in list { tr {
                    td.cover { (photos::cover(lang, i, covers.get(&i.id))) }
                    td { a href=(format!("/incubators/{}", i.id)) { (i.name) } }
                    td { (level_label(&i.level, lang)) }
                    td { (regions().path(&i.division_code, lang)) }
                    td.num { (residents.get(&i.id).copied().unwrap_or(0)) " / " (i.capacity) }
                } } }
            } }
        }
    }
}

/// What the incubator page shows besides the incubator.
pub struct ShowData<'a> {
    /// Tenants, by admission.
    pub tenants: &'a [Tenant],
    /// Registry names of the tenants and the operator organization.
    pub org_names: &'a HashMap<i64, String>,
    /// The operating unit's name.
    pub unit_name: Option<String>,
    /// The visitor may apply.
    pub may_apply: bool,
    /// The visitor may see the applications.
    pub may_review: bool,
    /// The visitor is a platform administrator.
    pub is_admin: bool,
    /// The visitor may see the incubator's space and bookings.
    pub may_space: bool,
    /// Its photos in order (the cover first).
    pub photos: &'a [super::photos::Photo],
    /// The visitor may keep its photos.
    pub may_keep_photos: bool,
}

/// The public page of an incubator, with its current and graduated tenants.
pub fn show(lang: Lang, i: &Incubator, d: &ShowData<'_>) -> Markup {
    let in_state = |s: TenantState| -> Vec<&Tenant> {
        d.tenants.iter().filter(|t| t.state == s.code()).collect()
    };
    let current = in_state(TenantState::Resident);
    let graduated = in_state(TenantState::Graduated);
    html! {
        h1.page-title { (i.name) }
        dl.props {
            dt { (lang.t("incubator.level")) } dd { (level_label(&i.level, lang)) }
            dt { (lang.t("incubator.division")) } dd { (regions().path(&i.division_code, lang)) }
            dt { (lang.t("incubator.operator")) }
            dd {
                @if let Some(o) = i.operator_org_id {
                    a href=(format!("/orgs/{o}")) { (d.org_names.get(&o).cloned().unwrap_or_default()) }
                } @else if let Some(u) = &d.unit_name { (u) }
                @else { span.muted { (lang.t("incubator.no_operator")) } }
            }
            dt { (lang.t("incubator.address")) } dd { (i.address) }
            dt { (lang.t("incubator.services")) } dd.prewrap { (i.services) }
            dt { (lang.t("incubator.capacity")) }
            dd { (lang.tf("incubator.occupancy", &[("n", &current.len().to_string()), ("cap", &i.capacity.to_string())])) }
        }
        (photos::gallery(lang, i, d.photos, d.may_keep_photos))
        div.actions {
            @if d.may_apply { a.btn.btn-primary href=(format!("/incubators/{}/apply", i.id)) { (lang.t("incubator.apply")) } " " }
            @if d.may_review { a.btn.btn-secondary href=(format!("/incubators/{}/applications", i.id)) { (lang.t("incubator.applications")) } " " }
            @if d.may_space { a.btn.btn-secondary href=(format!("/incubators/{}/space", i.id)) { (lang.t("space.link")) } " " }
            @if d.may_review { a.btn.btn-secondary href=(format!("/incubators/{}/graduation", i.id)) { (lang.t("graduation.link")) } " " }
            @if d.may_review { a.btn.btn-secondary href=(format!("/incubators/{}/milestones", i.id)) { (lang.t("tenant_milestone.link")) } " " }
            @if d.may_review { a.btn.btn-secondary href=(format!("/incubators/{}/services", i.id)) { (lang.t("services.link")) } " " }
            @if d.may_review { a.btn.btn-secondary href=(format!("/incubators/{}/kpis", i.id)) { (lang.t("kpi.link")) } " " }
            @if d.is_admin { a.btn href=(format!("/admin/incubators/{}", i.id)) { (lang.t("incubator.edit")) } }
        }
        section.section id="tenants" {
            h2 { (lang.t("incubator.current_tenants")) }
            @if current.is_empty() { div.empty { (lang.t("incubator.no_tenants")) } }
            @else { ul.tenants { @for t in &current {
                li { (tenant_name(t, d.org_names)) " " span.muted { (lang.tf("incubator.since", &[("at", &display_instant(t.admitted_at))])) } }
            } } }
        }
        section.section id="graduates" {
            h2 { (lang.t("incubator.graduated_tenants")) }
            @if graduated.is_empty() { div.empty { (lang.t("incubator.no_graduates")) } }
            @else { ul.tenants { @for t in &graduated { li { (tenant_name(t, d.org_names)) " " span.muted { (graduation::graduated_on(lang, t)) } } } } }
        }
    }
}

/// A manager as the administrator's page lists them: user id, display name, e-mail.
pub type Manager = (i64, String, String);

/// The incubator form (create or edit). `units` are the purchasing units to choose the
/// operator from.
pub fn incubator_form(
    lang: Lang,
    action: &str,
    f: &IncubatorForm,
    e: &FieldErrors,
    units: &[(String, String)],
    csrf: &str,
) -> Markup {
    html! {
        (error_summary(e, lang))
        form.form method="post" action=(action) {
            (csrf_field(csrf))
            (input("text", "name", &lang.t("incubator.name"), &f.name, None, e, true))
            (division_picker("i_", lang, &f.i_league, &f.i_county, "", false, e))
            p.hint { (lang.t("incubator.level_hint")) }
            (input("text", "operator_uscc", &lang.t("incubator.operator_uscc"), &f.operator_uscc, Some(&lang.t("incubator.operator_uscc_hint")), e, false))
            (select("operator_unit", &lang.t("incubator.operator_unit"), units, &f.operator_unit, Some(&lang.t("incubator.no_operator")), e))
            (input("text", "address", &lang.t("incubator.address"), &f.address, None, e, true))
            (textarea("services", &lang.t("incubator.services"), &f.services, None, e))
            (input("number", "capacity", &lang.t("incubator.capacity"), &f.capacity, Some(&lang.tf("incubator.capacity_hint", &[("max", &limits::CAPACITY.to_string())])), e, true))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("form.save")) } }
        }
    }
}

/// The administrator's list of incubators with the creation form.
pub fn admin(
    lang: Lang,
    list: &[Incubator],
    f: &IncubatorForm,
    e: &FieldErrors,
    units: &[(String, String)],
    csrf: &str,
) -> Markup {
    html! {
        h1.page-title { (lang.t("incubator.admin_title")) }
        section.section {
            h2 { (lang.t("incubator.list")) }
            @if list.is_empty() { div.empty { (lang.t("incubator.empty")) } }
            @else { ul { @for i in list {
                li { a href=(format!("/admin/incubators/{}", i.id)) { (i.name) } " " span.muted { (level_label(&i.level, lang)) } }
            } } }
        }
        section.section {
            h2 { (lang.t("incubator.new")) }
            (incubator_form(lang, "/admin/incubators", f, e, units, csrf))
        }
    }
}

/// The administrator's page of one incubator: its facts and its managers.
#[allow(clippy::too_many_arguments)]
pub fn admin_edit(
    lang: Lang,
    i: &Incubator,
    f: &IncubatorForm,
    e: &FieldErrors,
    units: &[(String, String)],
    managers: &[Manager],
    manager_email: &str,
    me: &FieldErrors,
    csrf: &str,
) -> Markup {
    html! {
        h1.page-title { (i.name) }
        p { a href=(format!("/incubators/{}", i.id)) { (lang.t("incubator.public_page")) } " · " a href="/admin/incubators" { (lang.t("incubator.admin_title")) } }
        section.section id="managers" {
            h2 { (lang.t("incubator.managers")) }
            p.hint { (lang.t("incubator.managers_hint")) }
            @if managers.is_empty() { div.empty { (lang.t("incubator.no_managers")) } }
            @else { ul { @for (uid, name, email) in managers { li {
                (name) " " span.muted { (email) } " "
                form.inline method="post" action=(format!("/admin/incubators/{}/managers/{}/remove", i.id, uid)) {
                    (csrf_field(csrf))
                    button.btn.btn-danger type="submit" { (lang.t("incubator.remove_manager")) }
                }
            } } } }
            (error_summary(me, lang))
            form.form method="post" action=(format!("/admin/incubators/{}/managers", i.id)) {
                (csrf_field(csrf))
                (input("email", "email", &lang.t("incubator.manager_email"), manager_email, None, me, true))
                div.actions { button.btn.btn-secondary type="submit" { (lang.t("incubator.add_manager")) } }
            }
        }
        section.section {
            h2 { (lang.t("incubator.edit")) }
            (incubator_form(lang, &format!("/admin/incubators/{}", i.id), f, e, units, csrf))
        }
    }
}

/// The application form fields (new application or draft). `orgs` are the organizations
/// the applicant administers: id, name, USCC from the registry.
fn application_fields(
    lang: Lang,
    f: &ApplicationForm,
    e: &FieldErrors,
    orgs: &[(i64, String, String)],
) -> Markup {
    let kinds = vec![
        ("group".to_string(), lang.t("incubator.kind.group")),
        ("org".to_string(), lang.t("incubator.kind.org")),
    ];
    let org_options: Vec<(String, String)> = orgs
        .iter()
        .map(|(id, name, uscc)| {
            (
                id.to_string(),
                format!("{name} ({} {uscc})", lang.t("incubator.uscc")),
            )
        })
        .collect();
    let domains: Vec<(String, String)> = crate::orgs::DOMAINS
        .iter()
        .map(|(c, _, _)| (c.to_string(), crate::orgs::domain_label(c, lang)))
        .collect();
    html! {
        (select("kind", &lang.t("incubator.kind_label"), &kinds, &f.kind, Some(&lang.t("form.choose_one")), e))
        fieldset.field {
            legend { (lang.t("incubator.kind.org")) }
            @if orgs.is_empty() {
                p.hint { (lang.t("incubator.no_orgs")) }
                @if let Some(m) = e.get("org_id") { p.error-msg id="org_id-error" { (m) } }
            }
            @else {
                (select("org_id", &lang.t("incubator.org"), &org_options, &f.org_id, Some(&lang.t("form.choose_one")), e))
                p.hint { (lang.t("incubator.org_hint")) }
            }
        }
        fieldset.field {
            legend { (lang.t("incubator.kind.group")) }
            (input("text", "name", &lang.t("incubator.group_name"), &f.name, None, e, false))
            (textarea("founders", &lang.t("incubator.founders"), &f.founders, Some(&lang.t("incubator.founders_hint")), e))
        }
        (select("domain", &lang.t("incubator.domain"), &domains, &f.domain, Some(&lang.t("form.choose_one")), e))
        (textarea("plan", &lang.t("incubator.plan"), &f.plan, None, e))
        div.actions {
            button.btn.btn-primary type="submit" name="action" value="submit" { (lang.t("incubator.submit")) }
            " "
            button.btn.btn-secondary type="submit" name="action" value="save" { (lang.t("incubator.save_draft")) }
        }
    }
}

/// The page to apply to an incubator.
pub fn apply_page(
    lang: Lang,
    i: &Incubator,
    f: &ApplicationForm,
    e: &FieldErrors,
    orgs: &[(i64, String, String)],
    csrf: &str,
) -> Markup {
    html! {
        h1.page-title { (lang.tf("incubator.apply_title", &[("name", &i.name)])) }
        p.lead { (lang.t("incubator.apply_lead")) }
        (error_summary(e, lang))
        form.form method="post" action=(format!("/incubators/{}/apply", i.id)) {
            (csrf_field(csrf))
            (application_fields(lang, f, e, orgs))
        }
    }
}

/// The managers' (and regulators') list of an incubator's applications, with the
/// checklist and, for managers, the form to add an item.
#[allow(clippy::too_many_arguments)]
pub fn applications(
    lang: Lang,
    i: &Incubator,
    apps: &[Application],
    items: &[Item],
    manager: bool,
    item_label: &str,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    html! {
        h1.page-title { (lang.tf("incubator.applications_title", &[("name", &i.name)])) }
        p { a href=(format!("/incubators/{}", i.id)) { (lang.t("incubator.public_page")) } }
        section.section id="applications" {
            h2 { (lang.t("incubator.applications")) }
            @if apps.is_empty() { div.empty { (lang.t("incubator.no_applications")) } }
            @else { div.table-wrap { table.data-table {
                thead { tr { th { (lang.t("incubator.applicant")) } th { (lang.t("incubator.kind_label")) } th { (lang.t("incubator.state_label")) } th { (lang.t("incubator.submitted_at")) } } }
                tbody { @for a in apps { tr {
                    td { a href=(format!("/incubator-applications/{}", a.id)) { (a.name) } }
                    td { (lang.t(if a.org_id.is_some() { "incubator.kind.org" } else { "incubator.kind.group" })) }
                    td { (state_badge(a.state(), lang)) }
                    td { (a.submitted_at.map(display_instant).unwrap_or_default()) }
                } } }
            } } }
        }
        section.section id="checklist" {
            h2 { (lang.t("incubator.checklist")) }
            @if items.is_empty() { div.empty { (lang.t("incubator.no_items")) } }
            @else { ol { @for it in items { li { (it.label) } } } }
            @if manager {
                (error_summary(e, lang))
                form.form method="post" action=(format!("/incubators/{}/checklist", i.id)) {
                    (csrf_field(csrf))
                    (input("text", "label", &lang.t("incubator.item_label"), item_label, None, e, true))
                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("incubator.add_item")) } }
                }
            }
        }
    }
}

/// A form of the application page that came back with errors, with what was typed.
pub enum Failed<'a> {
    /// None did.
    None,
    /// The applicant's draft.
    Edit(&'a ApplicationForm, &'a FieldErrors),
    /// A manager's decision.
    Decide(&'a DecideForm, &'a FieldErrors),
    /// A checklist finding on one item.
    Check(i64, &'a CheckForm, &'a FieldErrors),
    /// A message.
    Message(&'a str, &'a FieldErrors),
}

/// Everything the application page shows.
pub struct AppPage<'a> {
    /// The application.
    pub a: &'a Application,
    /// Its incubator.
    pub i: &'a Incubator,
    /// The incubator's checklist.
    pub items: &'a [Item],
    /// Findings by item.
    pub checks: &'a HashMap<i64, Check>,
    /// Messages, with their authors' names.
    pub messages: &'a [(Message, String)],
    /// The viewer applied.
    pub own: bool,
    /// The viewer manages the incubator.
    pub manager: bool,
    /// For the applicant's draft form: the organizations they administer.
    pub orgs: &'a [(i64, String, String)],
    /// The tenant an admitted application created (its record: graduation, milestones).
    pub tenant: Option<i64>,
}

/// One application: its content, state, checklist findings and messages; the draft form for
/// the applicant, the review forms for the managers.
pub fn application(lang: Lang, p: &AppPage<'_>, failed: &Failed<'_>, csrf: &str) -> Markup {
    let a = p.a;
    let state = a.state();
    let none = FieldErrors::default();
    let under_review = state.visible_to_managers() && !state.is_final();
    html! {
        h1.page-title { (lang.tf("incubator.application_title", &[("name", &a.name), ("incubator", &p.i.name)])) }
        p { (state_badge(state, lang)) " " a href=(format!("/incubators/{}", p.i.id)) { (p.i.name) } }
        @if let Some(t) = p.tenant { p { a.tenant-link href=(format!("/incubator-tenants/{t}")) { (lang.t("graduation.tenant_record")) } } }
        @if state == AppState::Rejected {
            @if let Some(r) = &a.reason { div.flash.flash-info role="note" { strong { (lang.t("incubator.reason")) ": " } (r) } }
        }
        dl.props {
            dt { (lang.t("incubator.kind_label")) }
            dd { (lang.t(if a.org_id.is_some() { "incubator.kind.org" } else { "incubator.kind.group" })) }
            @if let Some(u) = &a.uscc { dt { (lang.t("incubator.uscc")) } dd { (u) } }
            @if a.org_id.is_none() { dt { (lang.t("incubator.founders")) } dd.prewrap { (a.founders) } }
            dt { (lang.t("incubator.domain")) } dd { (crate::orgs::domain_label(&a.domain, lang)) }
            dt { (lang.t("incubator.plan")) } dd.prewrap { (a.plan) }
            @if let Some(t) = a.submitted_at { dt { (lang.t("incubator.submitted_at")) } dd { (display_instant(t)) } }
        }
        @if p.own && state == AppState::Draft {
            @let (f, e) = match failed {
                Failed::Edit(f, e) => ((*f).clone(), *e),
                _ => (ApplicationForm {
                    kind: if a.org_id.is_some() { "org".into() } else { "group".into() },
                    org_id: a.org_id.map(|o| o.to_string()).unwrap_or_default(),
                    name: if a.org_id.is_some() { String::new() } else { a.name.clone() },
                    founders: a.founders.clone(),
                    domain: a.domain.clone(),
                    plan: a.plan.clone(),
                    action: String::new(),
                }, &none),
            };
            section.section id="draft" {
                h2 { (lang.t("incubator.edit_draft")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/incubator-applications/{}/edit", a.id)) {
                    (csrf_field(csrf))
                    (application_fields(lang, &f, e, p.orgs))
                }
            }
        }
        @if state.visible_to_managers() {
            section.section id="checklist" {
                h2 { (lang.t("incubator.checklist")) }
                @if p.items.is_empty() { div.empty { (lang.t("incubator.no_items")) } }
                @else { div.table-wrap { table.data-table {
                    thead { tr { th { (lang.t("incubator.item_label")) } th { (lang.t("incubator.finding")) } th { (lang.t("incubator.note")) } } }
                    tbody { @for it in p.items {
                        @let c = p.checks.get(&it.id);
                        tr id=(format!("item-{}", it.id)) {
                            td { (it.label) }
                            td { @match c {
                                Some(c) if c.met => span.badge.badge-ok { (lang.t("incubator.met")) },
                                Some(_) => span.badge.badge-app-rejected { (lang.t("incubator.not_met")) },
                                None => span.muted { (lang.t("incubator.unchecked")) },
                            } }
                            td {
                                @if let Some(c) = c { (c.note) }
                                @if p.manager && under_review {
                                    @let (cf, ce) = match failed {
                                        Failed::Check(id, f, e) if *id == it.id => ((*f).clone(), *e),
                                        _ => (CheckForm {
                                            item_id: it.id.to_string(),
                                            met: c.map(|c| if c.met { "1" } else { "0" }).unwrap_or("").to_string(),
                                            note: c.map(|c| c.note.clone()).unwrap_or_default(),
                                        }, &none),
                                    };
                                    form.check-form method="post" action=(format!("/incubator-applications/{}/checks", a.id)) {
                                        (csrf_field(csrf))
                                        input type="hidden" name="item_id" value=(it.id);
                                        label { input type="radio" name="met" value="1" checked[cf.met == "1"]; " " (lang.t("incubator.met")) }
                                        " "
                                        label { input type="radio" name="met" value="0" checked[cf.met == "0"]; " " (lang.t("incubator.not_met")) }
                                        " "
                                        input type="text" name="note" value=(cf.note) maxlength=(limits::NOTE)
                                            aria-label=(lang.t("incubator.note")) placeholder=(lang.t("incubator.note"))
                                            aria-invalid=[ce.get("note").map(|_| "true")];
                                        " "
                                        button.btn.btn-secondary type="submit" { (lang.t("form.save")) }
                                        @for (_, m) in &ce.0 { p.error-msg { (m) } }
                                    }
                                }
                            }
                        }
                    } }
                } } }
            }
        }
        section.section id="messages" {
            h2 { (lang.t("incubator.messages")) }
            @if p.messages.is_empty() { div.empty { (lang.t("incubator.no_messages")) } }
            @else { ul.messages { @for (m, who) in p.messages {
                li { strong { (who) } " " span.muted { (display_instant(m.created_at)) } br; span.prewrap { (m.body) } }
            } } }
            @if p.manager && state.visible_to_managers() {
                @let (body, me) = match failed { Failed::Message(b, e) => (*b, *e), _ => ("", &none) };
                (error_summary(me, lang))
                form.form method="post" action=(format!("/incubator-applications/{}/messages", a.id)) {
                    (csrf_field(csrf))
                    (textarea("body", &lang.t("incubator.message"), body, None, me))
                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("incubator.send")) } }
                }
            }
        }
        @if p.manager {
            @let steps = Step::for_manager(state);
            @if !steps.is_empty() {
                @let (df, de) = match failed { Failed::Decide(f, e) => ((*f).clone(), *e), _ => (DecideForm::default(), &none) };
                section.section id="decide" {
                    h2 { (lang.t("incubator.decide")) }
                    (error_summary(de, lang))
                    form.form method="post" action=(format!("/incubator-applications/{}/decide", a.id)) {
                        (csrf_field(csrf))
                        (select("step", &lang.t("incubator.step_label"),
                            &steps.iter().map(|s| (s.code().to_string(), s.label(lang))).collect::<Vec<_>>(),
                            &df.step, Some(&lang.t("form.choose_one")), de))
                        (textarea("reason", &lang.t("incubator.reason"), &df.reason, Some(&lang.t("incubator.reason_hint")), de))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("incubator.decide")) } }
                    }
                }
            }
        }
    }
}

/// The workspace section: the user's applications and the incubators they manage.
pub fn workspace(lang: Lang, apps: &[(Application, String)], managed: &[Incubator]) -> Markup {
    html! {
        @if !apps.is_empty() {
            div.panel id="my-incubator-applications" {
                h2 { (lang.t("incubator.my_applications")) }
                ul { @for (a, inc) in apps { li {
                    a href=(format!("/incubator-applications/{}", a.id)) { (a.name) }
                    " — " (inc) " " (state_badge(a.state(), lang))
                } } }
            }
        }
        @if !managed.is_empty() {
            div.panel id="my-incubators" {
                h2 { (lang.t("incubator.my_incubators")) }
                ul { @for i in managed { li {
                    a href=(format!("/incubators/{}/applications", i.id)) { (i.name) }
                } } }
            }
        }
    }
}
