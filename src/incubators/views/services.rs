//! The services log pages: an incubator's trainings with the managers' form to log one (and
//! take attendance), and the services section of a tenant's page. Data in, markup out.

use std::collections::HashMap;

use maud::{Markup, html};

use crate::incubators::model::{Incubator, Tenant};
use crate::incubators::services::Service;
use crate::incubators::services::model::Training;
use crate::incubators::services::rules::{
    GuidanceForm, TrainingForm, VpForm, VpKind, hours_display, limits,
};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::web::forms::{checks, csrf_field, error_summary, input, select, textarea};

/// What the services page shows.
pub struct ServicesPage<'a> {
    /// The incubator.
    pub i: &'a Incubator,
    /// Its trainings, newest first.
    pub trainings: &'a [Training],
    /// Attendees per training.
    pub attendance: &'a HashMap<i64, i64>,
    /// The tenants in residence (the attendance choices).
    pub residents: &'a [Tenant],
    /// The visitor manages the incubator.
    pub manager: bool,
}

/// An incubator's trainings, and the managers' form to log one.
pub fn page(
    lang: Lang,
    p: &ServicesPage<'_>,
    f: &TrainingForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let i = p.i;
    let tenants: Vec<(String, String)> = p
        .residents
        .iter()
        .map(|t| (t.id.to_string(), t.name.clone()))
        .collect();
    html! {
        h1.page-title { (lang.tf("services.title", &[("name", &i.name)])) }
        p.lead { (lang.t("services.lead")) " " a href=(format!("/incubators/{}", i.id)) { (i.name) } }
        section.section id="trainings" {
            h2 { (lang.t("services.trainings")) }
            @if p.trainings.is_empty() { div.empty { (lang.t("services.no_trainings")) } }
            @else { div.table-wrap { table.data-table.trainings {
                thead { tr {
                    th { (lang.t("services.topic")) } th { (lang.t("services.trainer")) }
                    th { (lang.t("services.held_at")) } th { (lang.t("services.hours")) } th { (lang.t("services.attendees")) }
                } }
                tbody { @for t in p.trainings { tr id=(format!("training-{}", t.id)) {
                    td { (t.topic) } td { (t.trainer) } td { (display_instant(t.held_at)) }
                    td.num { (hours_display(i64::from(t.minutes))) }
                    td.num { (p.attendance.get(&t.id).copied().unwrap_or(0)) }
                } } }
            } } }
        }
        @if p.manager {
            section.section id="log-training" {
                h2 { (lang.t("services.log_training")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/incubators/{}/services", i.id)) {
                    (csrf_field(csrf))
                    (input("text", "topic", &lang.t("services.topic"), &f.topic, None, e, true))
                    (input("text", "trainer", &lang.t("services.trainer"), &f.trainer, None, e, true))
                    (input("datetime-local", "held_at", &lang.t("services.held_at"), &f.held_at, None, e, true))
                    (input("text", "hours", &lang.t("services.hours"), &f.hours, Some(&lang.t("services.hours_hint")), e, true))
                    @if tenants.is_empty() { p.hint { (lang.t("incubator.no_tenants")) } }
                    @else { (checks("tenant", &lang.t("services.attendees"), &tenants, &f.tenant, e)) }
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("services.log")) } }
                }
            }
        }
    }
}

/// The services section of a tenant's page: hours received, each service newest first
/// (guidance notes only when `notes` — the tenant and the incubator's managers), and the
/// managers' guidance and venture-philanthropy forms (each with what was typed and its
/// errors).
#[allow(clippy::too_many_arguments)]
pub fn tenant_section(
    lang: Lang,
    tenant_id: i64,
    services: &[Service],
    notes: bool,
    manager: bool,
    (f, e): (&GuidanceForm, &FieldErrors),
    (vf, ve): (&VpForm, &FieldErrors),
    csrf: &str,
) -> Markup {
    let kinds: Vec<(String, String)> = VpKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label(lang)))
        .collect();
    let total: i64 = services.iter().map(Service::minutes).sum();
    html! {
        section.section id="services" {
            h2 { (lang.t("services.received")) }
            p.services-total { (lang.tf("services.total", &[("n", &services.len().to_string()), ("hours", &hours_display(total))])) }
            @if services.is_empty() { div.empty { (lang.t("services.none")) } }
            @else { ol.timeline.services { @for s in services {
                @match s {
                    Service::Training(t) => li.training {
                        span.badge { (lang.t("services.training")) } " " strong { (t.topic) } " "
                        span.muted { (t.trainer) " · " (display_instant(t.held_at)) " · " (lang.tf("services.hours_n", &[("n", &hours_display(i64::from(t.minutes)))])) }
                    },
                    Service::Guidance(g) => li.guidance {
                        span.badge { (lang.t("services.guidance")) } " " strong { (g.topic) } " "
                        span.muted { (g.mentor) " · " (display_instant(g.held_at)) " · " (lang.tf("services.hours_n", &[("n", &hours_display(i64::from(g.minutes)))])) }
                        @if notes && !g.notes.is_empty() { br; span.prewrap.notes { (g.notes) } }
                    },
                    Service::VpSupport(v) => li.vp-support {
                        span.badge { (lang.t("services.vp")) } " "
                        @if let Some(k) = VpKind::from_code(&v.kind) { (k.label(lang)) " · " }
                        strong { (v.topic) } " "
                        span.muted {
                            (v.partner) " · " (display_instant(v.held_at))
                            @if v.minutes > 0 { " · " (lang.tf("services.hours_n", &[("n", &hours_display(i64::from(v.minutes)))])) }
                            @if v.amount_fen > 0 { " · " span.amount { (Fen(v.amount_fen)) } }
                        }
                    },
                }
            } } }
            @if manager {
                h3 { (lang.t("services.log_guidance")) }
                (error_summary(e, lang))
                form.form.guidance-form method="post" action=(format!("/incubator-tenants/{tenant_id}/guidance")) {
                    (csrf_field(csrf))
                    (input("text", "mentor", &lang.t("services.mentor"), &f.mentor, None, e, true))
                    (input("text", "topic", &lang.t("services.topic"), &f.topic, None, e, true))
                    (input("datetime-local", "held_at", &lang.t("services.held_at"), &f.held_at, None, e, true))
                    (input("text", "hours", &lang.t("services.hours"), &f.hours, Some(&lang.t("services.hours_hint")), e, true))
                    (textarea("notes", &lang.t("services.notes"), &f.notes, Some(&lang.tf("services.notes_hint", &[("max", &limits::NOTES.to_string())])), e))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("services.log")) } }
                }
                h3 { (lang.t("services.log_vp")) }
                (error_summary(ve, lang))
                form.form.vp-form method="post" action=(format!("/incubator-tenants/{tenant_id}/vp-support")) {
                    (csrf_field(csrf))
                    (select("vp_kind", &lang.t("services.vp_kind"), &kinds, &vf.vp_kind, Some(&lang.t("form.choose_one")), ve))
                    (input("text", "vp_topic", &lang.t("services.topic"), &vf.vp_topic, None, ve, true))
                    (input("text", "vp_partner", &lang.t("services.vp_partner"), &vf.vp_partner, Some(&lang.t("services.vp_partner_hint")), ve, true))
                    (input("datetime-local", "vp_held_at", &lang.t("services.held_at"), &vf.vp_held_at, None, ve, true))
                    (input("text", "vp_hours", &lang.t("services.hours"), &vf.vp_hours, Some(&lang.t("services.vp_hours_hint")), ve, false))
                    (input("text", "vp_amount", &lang.t("services.vp_amount"), &vf.vp_amount, Some(&lang.t("services.vp_amount_hint")), ve, false))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("services.log")) } }
                }
            }
        }
    }
}
