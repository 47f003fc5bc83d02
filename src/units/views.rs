//! Purchasing-unit pages.

use maud::{Markup, html};

use super::model::Unit;
use super::rules::UnitForm;
use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::regions::{Level, regions};
use crate::web::forms::{csrf_field, division_picker, error_summary, input};

fn level_label(code: &str, lang: Lang) -> String {
    Level::parse(code)
        .map(|l| l.label(lang))
        .unwrap_or_default()
}

/// Public list of units.
pub fn list(lang: Lang, units: &[Unit], league: &str) -> Markup {
    let none = FieldErrors::default();
    html! {
        h1.page-title { (lang.t("units.title")) }
        p.lead { (lang.t("units.lead")) }
        form.filters method="get" action="/units" {
            (crate::web::forms::select("league", &Level::LeagueCity.label(lang),
                &regions().leagues().map(|d| (d.code.clone(), regions().name(&d.code, lang))).collect::<Vec<_>>(),
                league, Some(&lang.t("form.any")), &none))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("form.filter")) } }
        }
        p.result-count { (lang.tf("units.count", &[("n", &units.len().to_string())])) }
        @if units.is_empty() { div.empty { (lang.t("units.empty")) } }
        @else {
            div.table-wrap { table.data-table {
                thead { tr { th { (lang.t("unit.name")) } th { (lang.t("unit.level")) } th { (lang.t("org.division")) } } }
                tbody { @for u in units { tr {
                    td { (u.name) }
                    td { (level_label(&u.level, lang)) }
                    td { (regions().path(&u.division_code, lang)) }
                } } }
            } }
        }
    }
}

/// A buyer as the administrator's page lists them: user id, display name, e-mail.
pub type Buyer = (i64, String, String);

/// A buyer form that came back with errors: the unit, the buyer (a removal) or none (an
/// addition), what was typed (e-mail, reason) and the messages.
pub type FailedBuyer<'a> = (i64, Option<i64>, &'a str, &'a str, &'a FieldErrors);

/// Administrator's page: create a unit, add and remove buyers (each with a reason).
/// `failed` is the buyer form that came back with errors.
pub fn admin(
    lang: Lang,
    units: &[(Unit, Vec<Buyer>)],
    f: &UnitForm,
    e: &FieldErrors,
    failed: Option<FailedBuyer<'_>>,
    csrf: &str,
) -> Markup {
    let none = FieldErrors::default();
    html! {
        h1.page-title { (lang.t("units.admin_title")) }
        p { a href="/admin/users" { (lang.t("users.admin_title")) } }
        section.section {
            h2 { (lang.t("units.new")) }
            (error_summary(e, lang))
            form.form method="post" action="/admin/units" {
                (csrf_field(csrf))
                (input("text", "name", &lang.t("unit.name"), &f.name, None, e, true))
                (division_picker("u_", lang, &f.u_league, &f.u_county, &f.u_township, true, e))
                p.hint { (lang.t("units.level_hint")) }
                div.actions { button.btn.btn-primary type="submit" { (lang.t("form.save")) } }
            }
        }
        section.section {
            h2 { (lang.t("units.title")) }
            p.hint { (lang.t("duties.buyers_hint")) }
            @if let Some((_, _, _, _, fe)) = failed { (error_summary(fe, lang)) }
            div.table-wrap { table.data-table {
                thead { tr { th { (lang.t("unit.name")) } th { (lang.t("unit.level")) } th { (lang.t("unit.buyers")) } th { (lang.t("unit.add_buyer")) } } }
                tbody { @for (u, ms) in units {
                    @let adding = match failed { Some((id, None, em, re, fe)) if id == u.id => (em, re, fe), _ => ("", "", &none) };
                    tr id=(format!("unit-{}", u.id)) {
                    td { (u.name) br; span.muted { (regions().path(&u.division_code, lang)) } }
                    td { (level_label(&u.level, lang)) }
                    td { @for (uid, n, em) in ms {
                        @let removing = match failed { Some((id, Some(b), _, re, fe)) if id == u.id && b == *uid => (re, fe), _ => ("", &none) };
                        div.buyer {
                            (n) " " span.muted { (em) }
                            form.inline method="post" action=(format!("/admin/units/{}/members/{}/remove", u.id, uid)) {
                                (csrf_field(csrf))
                                label.visually-hidden for=(format!("remove-{}-{}", u.id, uid)) { (lang.t("duties.reason")) }
                                " "
                                input id=(format!("remove-{}-{}", u.id, uid)) type="text" name="reason" value=(removing.0)
                                    required maxlength="500" placeholder=(lang.t("duties.reason"))
                                    aria-invalid=[removing.1.get("reason").map(|_| "true")];
                                " "
                                button.btn.btn-danger type="submit" { (lang.t("duties.remove")) }
                                @for (_, m) in &removing.1.0 { p.error-msg { (m) } }
                            }
                        }
                    } }
                    td {
                        form.inline method="post" action=(format!("/admin/units/{}/members", u.id)) {
                            (csrf_field(csrf))
                            input type="email" name="email" value=(adding.0) required aria-label=(lang.t("org.member_email")) placeholder=(lang.t("org.member_email"))
                                aria-invalid=[adding.2.get("email").map(|_| "true")];
                            " "
                            input type="text" name="reason" value=(adding.1) required maxlength="500" aria-label=(lang.t("duties.reason")) placeholder=(lang.t("duties.reason"))
                                aria-invalid=[adding.2.get("reason").map(|_| "true")];
                            " "
                            button.btn.btn-secondary type="submit" { (lang.t("unit.add_buyer")) }
                            @for (_, m) in &adding.2.0 { p.error-msg { (m) } }
                        }
                    }
                } } }
            } }
        }
    }
}
