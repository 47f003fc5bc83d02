//! Space pages: an incubator's resources and allocations (with the managers' forms), and a
//! resource's week calendar — a plain table, no script — with its occupancy, its bookings
//! and the booking form. Data in, markup out.

use std::collections::HashMap;

use maud::{Markup, html};
use time::{Date, Duration};

use super::model::{Agreement, Allocation, Booking, Resource};
use super::rules::{
    self, AgreementForm, AgreementState, AllocationForm, BookingForm, ExitForm, RenewForm,
    ResourceForm, ResourceKind, day_start, format_date, format_hm, limits, minute_of_day,
};
use crate::incubators::{Incubator, Tenant};
use crate::kernel::Lang;
use crate::kernel::clock::shanghai_date;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::web::forms::{csrf_field, error_summary, input, select, textarea};

/// A form of a space page that came back with errors, with what was typed.
pub enum Failed<'a> {
    /// None did.
    None,
    /// A new resource.
    Resource(&'a ResourceForm, &'a FieldErrors),
    /// A new allocation.
    Allocation(&'a AllocationForm, &'a FieldErrors),
    /// A new booking.
    Booking(&'a BookingForm, &'a FieldErrors),
    /// A cancellation (outside its window).
    Cancel(&'a FieldErrors),
    /// A new tenancy agreement.
    Agreement(&'a AgreementForm, &'a FieldErrors),
    /// A resource's edit.
    Edit(&'a ResourceForm, &'a FieldErrors),
    /// A resource's retirement (holds still to come).
    Retire(&'a FieldErrors),
}

/// Everything an incubator's space page shows.
pub struct SpacePage<'a> {
    /// The incubator.
    pub i: &'a Incubator,
    /// Its resources.
    pub resources: &'a [Resource],
    /// Allocations current and to come.
    pub allocations: &'a [Allocation],
    /// The tenancy agreements the viewer may read, newest first.
    pub agreements: &'a [Agreement],
    /// Tenant names by id.
    pub names: &'a HashMap<i64, String>,
    /// Tenants in residence (the allocation form's choices).
    pub residents: &'a [Tenant],
    /// The viewer manages the incubator.
    pub manager: bool,
    /// Today, `YYYY-MM-DD` (the allocation form's default).
    pub today: String,
}

fn hours(r: &Resource) -> String {
    format!("{}–{}", format_hm(r.opens_min), format_hm(r.closes_min))
}

fn last_day(ends_at: i64) -> String {
    format_date(shanghai_date(ends_at - 1))
}

fn who(tenant: Option<i64>, names: &HashMap<i64, String>, lang: Lang) -> String {
    tenant
        .and_then(|t| names.get(&t).cloned())
        .unwrap_or_else(|| lang.t("space.own_use"))
}

fn percent(bp: i64) -> String {
    format!("{}.{}%", bp / 100, (bp % 100) / 10)
}

/// The fields of a resource's form past its name and kind (adding and editing).
fn resource_fields(lang: Lang, f: &ResourceForm, e: &FieldErrors) -> Markup {
    html! {
        (input("number", "capacity", &lang.t("space.capacity"), &f.capacity,
            Some(&lang.tf("space.capacity_hint", &[("max", &limits::CAPACITY.to_string())])), e, true))
        (input("time", "opens", &lang.t("space.opens"), &f.opens, Some(&lang.t("space.step_hint")), e, true))
        (input("time", "closes", &lang.t("space.closes"), &f.closes, None, e, true))
        (input("number", "advance_days", &lang.t("space.advance_days"), &f.advance_days, None, e, true))
        (input("number", "cancel_hours", &lang.t("space.cancel_hours"), &f.cancel_hours, None, e, true))
    }
}

/// A resource's values as its edit form shows them.
pub fn resource_form(r: &Resource) -> ResourceForm {
    ResourceForm {
        name: r.name.clone(),
        kind: r.kind.clone(),
        capacity: r.capacity.to_string(),
        opens: format_hm(r.opens_min),
        closes: format_hm(r.closes_min),
        advance_days: r.advance_days.to_string(),
        cancel_hours: r.cancel_hours.to_string(),
    }
}

/// An incubator's resources and allocations; for its managers, the forms to add a resource
/// and to allocate a room or desk.
pub fn space(lang: Lang, p: &SpacePage<'_>, failed: &Failed<'_>, csrf: &str) -> Markup {
    let none = FieldErrors::default();
    let by_id: HashMap<i64, &Resource> = p.resources.iter().map(|r| (r.id, r)).collect();
    html! {
        h1.page-title { (lang.tf("space.title", &[("name", &p.i.name)])) }
        p { a href=(format!("/incubators/{}", p.i.id)) { (p.i.name) } }
        section.section id="resources" {
            h2 { (lang.t("space.resources")) }
            @if p.resources.is_empty() { div.empty { (lang.t("space.no_resources")) } }
            @else { div.table-wrap { table.data-table.resources {
                thead { tr {
                    th { (lang.t("space.name")) } th { (lang.t("space.kind_label")) }
                    th { (lang.t("space.capacity")) } th { (lang.t("space.hours")) }
                } }
                tbody { @for r in p.resources { tr {
                    td { a href=(format!("/space/{}", r.id)) { (r.name) }
                        @if r.retired() { " " span.badge.badge-retired { (lang.t("space.retired")) } } }
                    td { (r.kind().label(lang)) }
                    td.num { (r.capacity) }
                    td { @if r.kind().allocated() { span.muted { (lang.t("space.by_day")) } } @else { (hours(r)) } }
                } } }
            } } }
        }
        section.section id="allocations" {
            h2 { (lang.t("space.allocations")) }
            @if p.allocations.is_empty() { div.empty { (lang.t("space.no_allocations")) } }
            @else { div.table-wrap { table.data-table.allocations {
                thead { tr {
                    th { (lang.t("space.resource")) } th { (lang.t("space.tenant")) }
                    th { (lang.t("space.from")) } th { (lang.t("space.to")) }
                } }
                tbody { @for a in p.allocations { tr {
                    td { @if let Some(r) = by_id.get(&a.resource_id) { a href=(format!("/space/{}", r.id)) { (r.name) } } }
                    td { (who(Some(a.tenant_id), p.names, lang)) }
                    td { (format_date(shanghai_date(a.starts_at))) }
                    td { (last_day(a.ends_at)) }
                } } }
            } } }
        }
        section.section id="agreements" {
            h2 { (lang.t("space.agreements")) }
            @if p.agreements.is_empty() { div.empty { (lang.t("space.no_agreements")) } }
            @else { div.table-wrap { table.data-table.agreements {
                thead { tr {
                    th { (lang.t("space.agreement")) } th { (lang.t("space.tenant")) }
                    th { (lang.t("space.term")) } th { (lang.t("space.fee")) } th { (lang.t("space.state_label")) }
                } }
                tbody { @for a in p.agreements { tr {
                    td { a href=(format!("/agreements/{}", a.id)) { (lang.tf("space.agreement_title", &[("id", &a.id.to_string())])) } }
                    td { (who(Some(a.tenant_id), p.names, lang)) }
                    td { (format_date(shanghai_date(a.starts_at))) " – " (last_day(a.ends_at)) }
                    td.num { (Fen(a.fee_fen)) }
                    td { (agreement_badge(a.state(), lang)) }
                } } }
            } } }
        }
        @if p.manager {
            @let (gf, ge) = match failed {
                Failed::Agreement(f, e) => ((*f).clone(), *e),
                _ => (AgreementForm { g_from: p.today.clone(), fee: "0".into(), ..Default::default() }, &none),
            };
            section.section id="new-agreement" {
                h2 { (lang.t("space.new_agreement")) }
                p.hint { (lang.t("space.new_agreement_hint")) }
                (error_summary(ge, lang))
                form.form method="post" action=(format!("/incubators/{}/agreements", p.i.id)) {
                    (csrf_field(csrf))
                    (select("g_resource", &lang.t("space.resource"),
                        &p.resources.iter().filter(|r| r.kind().allocated() && !r.retired())
                            .map(|r| (r.id.to_string(), format!("{} ({})", r.name, r.kind().label(lang)))).collect::<Vec<_>>(),
                        &gf.g_resource, Some(&lang.t("form.choose_one")), ge))
                    (select("g_tenant", &lang.t("space.tenant"),
                        &p.residents.iter().map(|t| (t.id.to_string(), t.name.clone())).collect::<Vec<_>>(),
                        &gf.g_tenant, Some(&lang.t("form.choose_one")), ge))
                    (input("date", "g_from", &lang.t("space.from"), &gf.g_from, None, ge, true))
                    (input("date", "g_to", &lang.t("space.to"), &gf.g_to, Some(&lang.t("space.to_hint")), ge, true))
                    (textarea("services", &lang.t("space.services"), &gf.services, None, ge))
                    (textarea("obligations", &lang.t("space.obligations"), &gf.obligations, None, ge))
                    (input("text", "fee", &lang.t("space.fee"), &gf.fee, Some(&lang.t("space.fee_hint")), ge, true))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("space.draft_agreement")) } }
                }
            }
        }
        @if p.manager {
            @let (rf, re) = match failed {
                Failed::Resource(f, e) => ((*f).clone(), *e),
                _ => (ResourceForm {
                    opens: "08:30".into(), closes: "17:30".into(),
                    advance_days: "30".into(), cancel_hours: "24".into(),
                    capacity: "1".into(), ..Default::default()
                }, &none),
            };
            section.section id="new-resource" {
                h2 { (lang.t("space.new_resource")) }
                (error_summary(re, lang))
                form.form method="post" action=(format!("/incubators/{}/space/resources", p.i.id)) {
                    (csrf_field(csrf))
                    (input("text", "name", &lang.t("space.name"), &rf.name, None, re, true))
                    (select("kind", &lang.t("space.kind_label"),
                        &ResourceKind::ALL.iter().map(|k| (k.code().to_string(), k.label(lang))).collect::<Vec<_>>(),
                        &rf.kind, Some(&lang.t("form.choose_one")), re))
                    (resource_fields(lang, &rf, re))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("space.add_resource")) } }
                }
            }
            @let (af, ae) = match failed {
                Failed::Allocation(f, e) => ((*f).clone(), *e),
                _ => (AllocationForm { from: p.today.clone(), ..Default::default() }, &none),
            };
            section.section id="new-allocation" {
                h2 { (lang.t("space.new_allocation")) }
                (error_summary(ae, lang))
                form.form method="post" action=(format!("/incubators/{}/space/allocations", p.i.id)) {
                    (csrf_field(csrf))
                    (select("resource_id", &lang.t("space.resource"),
                        &p.resources.iter().filter(|r| r.kind().allocated() && !r.retired())
                            .map(|r| (r.id.to_string(), format!("{} ({})", r.name, r.kind().label(lang)))).collect::<Vec<_>>(),
                        &af.resource_id, Some(&lang.t("form.choose_one")), ae))
                    (select("tenant_id", &lang.t("space.tenant"),
                        &p.residents.iter().map(|t| (t.id.to_string(), t.name.clone())).collect::<Vec<_>>(),
                        &af.tenant_id, Some(&lang.t("form.choose_one")), ae))
                    (input("date", "from", &lang.t("space.from"), &af.from, None, ae, true))
                    (input("date", "to", &lang.t("space.to"), &af.to, Some(&lang.t("space.to_hint")), ae, true))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("space.allocate")) } }
                }
            }
        }
    }
}

/// Everything a resource's page shows.
pub struct ResourcePage<'a> {
    /// The resource.
    pub r: &'a Resource,
    /// Its incubator.
    pub i: &'a Incubator,
    /// The Monday of the week shown.
    pub monday: Date,
    /// The week's allocations (rooms and desks).
    pub allocations: &'a [Allocation],
    /// The week's bookings (shared rooms).
    pub bookings: &'a [Booking],
    /// Tenant names by id.
    pub names: &'a HashMap<i64, String>,
    /// Occupancy of the week, basis points.
    pub occupancy_bp: i64,
    /// The viewer may book it.
    pub may_book: bool,
    /// The viewer manages the incubator.
    pub manager: bool,
    /// The tenants the viewer may book for.
    pub booking_tenants: &'a [(i64, String)],
    /// The bookings the viewer may cancel now.
    pub cancellable: &'a [i64],
}

fn weekday(d: Date, lang: Lang) -> String {
    lang.t(&format!(
        "space.weekday.{}",
        d.weekday().number_from_monday()
    ))
}

fn span(s: i64, e: i64) -> String {
    format!(
        "{}–{}",
        format_hm(minute_of_day(s)),
        format_hm(minute_of_day(e))
    )
}

/// A resource's week: the calendar table, occupancy, the week's bookings with their cancel
/// buttons, and the booking form.
pub fn resource(lang: Lang, p: &ResourcePage<'_>, failed: &Failed<'_>, csrf: &str) -> Markup {
    let r = p.r;
    let kind = r.kind();
    let days = rules::week_days(p.monday);
    let week_link = |d: Date| format!("/space/{}?week={}", r.id, format_date(d));
    let none = FieldErrors::default();
    html! {
        h1.page-title { (r.name) }
        p { a href=(format!("/incubators/{}/space", p.i.id)) { (lang.tf("space.title", &[("name", &p.i.name)])) } }
        @if let Some(at) = r.retired_at {
            p.notice.notice-warn { (lang.tf("space.retired_on", &[("date", &format_date(shanghai_date(at)))])) }
        }
        // A booking refused where there is no form to show it next to (a retired room).
        @if let (false, Failed::Booking(_, e)) = (p.may_book, failed) {
            @for (_, m) in &e.0 { p.error-msg role="alert" { (m) } }
        }
        dl.props {
            dt { (lang.t("space.kind_label")) } dd { (kind.label(lang)) }
            dt { (lang.t("space.capacity")) } dd { (r.capacity) }
            @if !kind.allocated() {
                dt { (lang.t("space.hours")) } dd { (hours(r)) }
                dt { (lang.t("space.windows")) }
                dd { (lang.tf("space.windows_text", &[("days", &r.advance_days.to_string()), ("hours", &r.cancel_hours.to_string())])) }
            }
        }
        section.section id="calendar" {
            h2 { (lang.tf("space.week_of", &[("from", &format_date(days[0])), ("to", &format_date(days[6]))])) }
            nav.week-nav aria-label=(lang.t("space.week_nav")) {
                a href=(week_link(p.monday - Duration::days(7))) rel="prev" { (lang.t("space.prev_week")) }
                " · "
                a href=(week_link(p.monday + Duration::days(7))) rel="next" { (lang.t("space.next_week")) }
            }
            p.occupancy { (lang.tf("space.occupancy", &[("pct", &percent(p.occupancy_bp))])) }
            div.table-wrap { table.data-table.calendar {
                caption.visually-hidden { (lang.t("space.calendar")) }
                thead { tr {
                    th scope="col" { (lang.t(if kind.allocated() { "space.day" } else { "space.time" })) }
                    @for d in &days { th scope="col" class=[rules::weekend(*d).then_some("weekend")] { (weekday(*d, lang)) br; (format_date(*d)) } }
                } }
                tbody {
                    @if kind.allocated() {
                        tr {
                            th scope="row" { (lang.t("space.occupied_by")) }
                            @for d in &days {
                                @let (s, e) = (day_start(*d), day_start(*d + Duration::days(1)));
                                @let here: Vec<&Allocation> = p.allocations.iter().filter(|a| rules::overlaps(a.starts_at, a.ends_at, s, e)).collect();
                                td class=[(!here.is_empty()).then_some("busy")] {
                                    @for a in &here { div.hold { (who(Some(a.tenant_id), p.names, lang)) } }
                                    @if here.is_empty() { span.muted { (lang.t("space.free")) } }
                                }
                            }
                        }
                    } @else {
                        @for (m0, m1) in rules::hour_rows(r.opens_min, r.closes_min) {
                            tr {
                                th scope="row" { (format_hm(m0)) }
                                @for d in &days {
                                    @let base = day_start(*d);
                                    @let (s, e) = (base + i64::from(m0) * 60, base + i64::from(m1) * 60);
                                    @let here: Vec<&Booking> = p.bookings.iter().filter(|b| rules::overlaps(b.starts_at, b.ends_at, s, e)).collect();
                                    td class=[(!here.is_empty()).then_some("busy")] {
                                        @for b in &here { div.hold { (span(b.starts_at, b.ends_at)) " " (who(b.tenant_id, p.names, lang)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
        @if !kind.allocated() {
            section.section id="bookings" {
                h2 { (lang.t("space.bookings")) }
                @if let Failed::Cancel(e) = failed {
                    (error_summary(e, lang))
                    @if let Some(m) = e.get("cancel") { p.error-msg id="cancel" { (m) } }
                }
                @if p.bookings.is_empty() { div.empty { (lang.t("space.no_bookings")) } }
                @else { div.table-wrap { table.data-table.bookings {
                    thead { tr {
                        th { (lang.t("space.when")) } th { (lang.t("space.tenant")) }
                        th { (lang.t("space.attendees")) } th { (lang.t("space.purpose")) } th { }
                    } }
                    tbody { @for b in p.bookings { tr id=(format!("booking-{}", b.id)) {
                        td { (format_date(shanghai_date(b.starts_at))) " " (span(b.starts_at, b.ends_at)) }
                        td { (who(b.tenant_id, p.names, lang)) }
                        td.num { (b.attendees) }
                        td { (b.purpose) }
                        td { @if p.cancellable.contains(&b.id) {
                            form.inline method="post" action=(format!("/space-bookings/{}/cancel", b.id)) {
                                (csrf_field(csrf))
                                button.btn.btn-danger type="submit" { (lang.t("space.cancel")) }
                            }
                        } }
                    } } }
                } } }
            }
        }
        @if p.may_book {
            @let (bf, be) = match failed {
                Failed::Booking(f, e) => ((*f).clone(), *e),
                _ => (BookingForm { attendees: "1".into(), ..Default::default() }, &none),
            };
            section.section id="book" {
                h2 { (lang.t("space.book")) }
                p.hint { (lang.tf("space.book_hint", &[("hours", &hours(r)), ("days", &r.advance_days.to_string()), ("cancel", &r.cancel_hours.to_string())])) }
                (error_summary(be, lang))
                form.form method="post" action=(format!("/space/{}/bookings", r.id)) {
                    (csrf_field(csrf))
                    @if p.manager || p.booking_tenants.len() > 1 {
                        (select("tenant_id", &lang.t("space.tenant"),
                            &p.booking_tenants.iter().map(|(id, n)| (id.to_string(), n.clone())).collect::<Vec<_>>(),
                            &bf.tenant_id, p.manager.then(|| lang.t("space.own_use")).as_deref(), be))
                    }
                    (input("date", "date", &lang.t("space.date"), &bf.date, None, be, true))
                    (input("time", "start", &lang.t("space.start"), &bf.start, Some(&lang.t("space.step_hint")), be, true))
                    (input("time", "end", &lang.t("space.end"), &bf.end, None, be, true))
                    (input("number", "attendees", &lang.t("space.attendees"), &bf.attendees,
                        Some(&lang.tf("space.capacity_of", &[("capacity", &r.capacity.to_string())])), be, true))
                    (input("text", "purpose", &lang.t("space.purpose"), &bf.purpose, None, be, true))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("space.book")) } }
                }
            }
        }
        @if p.manager && !r.retired() {
            @let (ef, ee) = match failed {
                Failed::Edit(f, e) => ((*f).clone(), *e),
                _ => (resource_form(r), &none),
            };
            section.section id="edit-resource" {
                h2 { (lang.t("space.edit_resource")) }
                p.hint { (lang.t("space.edit_hint")) }
                (error_summary(ee, lang))
                form.form method="post" action=(format!("/space/{}/edit", r.id)) {
                    (csrf_field(csrf))
                    (input("text", "name", &lang.t("space.name"), &ef.name, None, ee, true))
                    (resource_fields(lang, &ef, ee))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("space.save_resource")) } }
                }
            }
            section.section id="retire-resource" {
                h2 { (lang.t("space.retire")) }
                p.hint { (lang.t("space.retire_hint")) }
                @if let Failed::Retire(e) = failed {
                    (error_summary(e, lang))
                    @if let Some(m) = e.get("retire") { p.error-msg id="retire" { (m) } }
                }
                form.form method="post" action=(format!("/space/{}/retire", r.id)) {
                    (csrf_field(csrf))
                    div.actions { button.btn.btn-danger type="submit" { (lang.t("space.retire")) } }
                }
            }
        }
    }
}

/// An agreement's state as a badge.
pub fn agreement_badge(s: AgreementState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-agreement-{}", s.code())) { (s.label(lang)) } }
}

/// A form of the agreement page that came back with errors, with what was typed.
pub enum AgreementFailed<'a> {
    /// None did.
    None,
    /// Accepting or countersigning.
    Step(&'a FieldErrors),
    /// The renewal.
    Renew(&'a RenewForm, &'a FieldErrors),
    /// The early exit.
    Exit(&'a ExitForm, &'a FieldErrors),
}

/// Everything the agreement page shows.
pub struct AgreementPage<'a> {
    /// The agreement.
    pub a: &'a Agreement,
    /// Its incubator.
    pub i: &'a Incubator,
    /// Its tenant's name.
    pub tenant: String,
    /// The room or desk it gives.
    pub resource: Option<&'a Resource>,
    /// The viewer may accept it for the tenant.
    pub may_accept: bool,
    /// The viewer manages the incubator.
    pub manager: bool,
}

/// A tenancy agreement: its terms and state; the tenant's acceptance, and the managers'
/// countersignature, renewal and early exit.
pub fn agreement(
    lang: Lang,
    p: &AgreementPage<'_>,
    failed: &AgreementFailed<'_>,
    csrf: &str,
) -> Markup {
    let a = p.a;
    let state = a.state();
    let none = FieldErrors::default();
    html! {
        h1.page-title { (lang.tf("space.agreement_title", &[("id", &a.id.to_string())])) }
        p { (agreement_badge(state, lang)) " " a href=(format!("/incubators/{}/space", p.i.id)) { (lang.tf("space.title", &[("name", &p.i.name)])) } }
        @if let AgreementFailed::Step(e) = failed {
            (error_summary(e, lang))
            @if let Some(m) = e.get("step") { p.error-msg id="step" { (m) } }
        }
        dl.props {
            dt { (lang.t("space.tenant")) } dd { (p.tenant) }
            dt { (lang.t("space.resource")) }
            dd { @if let Some(r) = p.resource { a href=(format!("/space/{}", r.id)) { (r.name) } } }
            dt { (lang.t("space.term")) } dd { (format_date(shanghai_date(a.starts_at))) " – " (last_day(a.ends_at)) }
            dt { (lang.t("space.fee")) } dd { (lang.tf("space.fee_monthly", &[("fee", &Fen(a.fee_fen).to_string())])) }
            dt { (lang.t("space.services")) } dd.prewrap { (a.services) }
            dt { (lang.t("space.obligations")) } dd.prewrap { (a.obligations) }
            @if let Some(r) = a.renews_id {
                dt { (lang.t("space.renews")) } dd { a href=(format!("/agreements/{r}")) { (lang.tf("space.agreement_title", &[("id", &r.to_string())])) } }
            }
            @if let Some(t) = a.accepted_at { dt { (lang.t("space.accepted_at")) } dd { (crate::kernel::clock::display_instant(t)) } }
            @if let Some(t) = a.countersigned_at { dt { (lang.t("space.countersigned_at")) } dd { (crate::kernel::clock::display_instant(t)) } }
            @if let Some(t) = a.exit_at {
                dt { (lang.t("space.exit_at")) } dd { (format_date(shanghai_date(t))) }
                dt { (lang.t("space.exit_reason")) } dd.prewrap { (a.exit_reason.clone().unwrap_or_default()) }
            }
        }
        @if p.may_accept && state == AgreementState::Draft {
            form.form method="post" action=(format!("/agreements/{}/accept", a.id)) {
                (csrf_field(csrf))
                p.hint { (lang.t("space.accept_hint")) }
                div.actions { button.btn.btn-primary type="submit" { (lang.t("space.accept")) } }
            }
        }
        @if p.manager && state == AgreementState::Accepted {
            form.form method="post" action=(format!("/agreements/{}/countersign", a.id)) {
                (csrf_field(csrf))
                div.actions { button.btn.btn-primary type="submit" { (lang.t("space.countersign")) } }
            }
        }
        @if p.manager && state.renewable() {
            @let (rf, re) = match failed { AgreementFailed::Renew(f, e) => ((*f).clone(), *e), _ => (RenewForm { fee: Fen(a.fee_fen).to_input(), ..Default::default() }, &none) };
            section.section id="renew" {
                h2 { (lang.t("space.renew")) }
                p.hint { (lang.tf("space.renew_hint", &[("from", &format_date(shanghai_date(a.ends_at)))])) }
                (error_summary(re, lang))
                form.form method="post" action=(format!("/agreements/{}/renew", a.id)) {
                    (csrf_field(csrf))
                    (input("date", "to", &lang.t("space.to"), &rf.to, Some(&lang.t("space.to_hint")), re, true))
                    (input("text", "fee", &lang.t("space.fee"), &rf.fee, Some(&lang.t("space.fee_hint")), re, true))
                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("space.renew")) } }
                }
            }
            @let (xf, xe) = match failed { AgreementFailed::Exit(f, e) => ((*f).clone(), *e), _ => (ExitForm::default(), &none) };
            section.section id="exit" {
                h2 { (lang.t("space.exit")) }
                (error_summary(xe, lang))
                form.form method="post" action=(format!("/agreements/{}/exit", a.id)) {
                    (csrf_field(csrf))
                    (input("date", "date", &lang.t("space.exit_at"), &xf.date, Some(&lang.t("space.exit_hint")), xe, true))
                    (textarea("reason", &lang.t("space.exit_reason"), &xf.reason, None, xe))
                    div.actions { button.btn.btn-danger type="submit" { (lang.t("space.exit")) } }
                }
            }
        }
    }
}
