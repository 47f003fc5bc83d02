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

/// Administrator's page: create a unit, add buyers.
pub fn admin(
    lang: Lang,
    units: &[(Unit, Vec<(String, String)>)],
    f: &UnitForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
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
            div.table-wrap { table.data-table {
                thead { tr { th { (lang.t("unit.name")) } th { (lang.t("unit.level")) } th { (lang.t("unit.buyers")) } th { (lang.t("unit.add_buyer")) } } }
                tbody { @for (u, ms) in units { tr {
                    td { (u.name) br; span.muted { (regions().path(&u.division_code, lang)) } }
                    td { (level_label(&u.level, lang)) }
                    td { @for (n, em) in ms { (n) " " span.muted { (em) } br; } }
                    td {
                        form.inline method="post" action=(format!("/admin/units/{}/members", u.id)) {
                            (csrf_field(csrf))
                            input type="email" name="email" required aria-label=(lang.t("org.member_email")) placeholder=(lang.t("org.member_email"));
                            " "
                            button.btn.btn-secondary type="submit" { (lang.t("unit.add_buyer")) }
                        }
                    }
                } } }
            } }
        }
    }
}
