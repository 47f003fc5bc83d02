//! The KPI pages: one incubator's quarter (its managers and regulators) and the regulators'
//! roll-up by incubator, level and league/city, each with its CSV and Excel links. Data in,
//! markup out.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::{LEVELS, level_label};
use crate::incubators::kpis::rules::{COLUMNS, Figures, Quarter, Row, values};
use crate::incubators::model::Incubator;
use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::regions::{Level, regions};
use crate::web::forms::{input, select};

/// A figure's text, "—" when it has none.
fn cell(v: Option<crate::incubators::kpis::rules::Value>) -> String {
    v.map(|v| v.text()).unwrap_or_else(|| "—".into())
}

fn quarter_fields(lang: Lang, q: Quarter) -> Markup {
    let none = FieldErrors::default();
    let quarters: Vec<(String, String)> = (1..=4)
        .map(|n| (n.to_string(), lang.tf("kpi.q", &[("n", &n.to_string())])))
        .collect();
    html! {
        (input("number", "year", &lang.t("kpi.year"), &q.year.to_string(), None, &none, false))
        (select("quarter", &lang.t("kpi.quarter"), &quarters, &q.q.to_string(), None, &none))
    }
}

fn exports(lang: Lang, base: &str, query: &str) -> Markup {
    html! {
        p.exports {
            a.btn.btn-secondary href=(format!("{base}.csv?{query}")) { (lang.t("kpi.csv")) } " "
            a.btn.btn-secondary href=(format!("{base}.xlsx?{query}")) { (lang.t("kpi.xlsx")) }
        }
    }
}

fn heads(lang: Lang) -> Markup {
    html! { @for (k, _) in COLUMNS { th { (lang.t(&format!("kpi.col.{k}"))) } } }
}

fn nums(f: &Figures) -> Markup {
    html! { @for (i, v) in values(f).iter().enumerate() { td.num data-kpi=(COLUMNS[i].0) { (cell(*v)) } } }
}

/// One incubator's quarter.
pub fn page(lang: Lang, i: &Incubator, q: Quarter, f: &Figures) -> Markup {
    let query = format!("year={}&quarter={}", q.year, q.q);
    html! {
        h1.page-title { (lang.tf("kpi.title", &[("name", &i.name)])) }
        p.lead { (lang.t("kpi.lead")) " " a href=(format!("/incubators/{}", i.id)) { (i.name) } }
        form.filters method="get" action=(format!("/incubators/{}/kpis", i.id)) {
            (quarter_fields(lang, q))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("form.filter")) } }
        }
        section.section id="kpis" {
            h2 { (lang.tf("kpi.quarter_of", &[("q", &q.label())])) }
            div.table-wrap { table.data-table.kpis {
                thead { tr { th { (lang.t("kpi.figure")) } th { (lang.t("kpi.value")) } } }
                tbody { @for (idx, v) in values(f).iter().enumerate() {
                    tr id=(format!("kpi-{}", COLUMNS[idx].0)) {
                        th scope="row" { (lang.t(&format!("kpi.col.{}", COLUMNS[idx].0))) }
                        td.num { (cell(*v)) }
                    }
                } }
            } }
            p.hint { (lang.t("kpi.notes")) }
            (exports(lang, &format!("/incubators/{}/kpis", i.id), &query))
        }
    }
}

/// The filters of the roll-up as typed (codes already checked).
pub struct RollupFilter<'a> {
    /// Quarter.
    pub q: Quarter,
    /// Level code, or empty.
    pub level: &'a str,
    /// League/city code, or empty.
    pub league: &'a str,
}

/// A league/city's name ("—" for incubators outside any: the region level).
pub fn league_name(code: &str, lang: Lang) -> String {
    if code.is_empty() {
        lang.t("kpi.no_league")
    } else {
        regions().name(code, lang)
    }
}

/// The regulators' roll-up.
pub fn rollup(
    lang: Lang,
    f: &RollupFilter<'_>,
    rows: &[Row],
    by_level: &BTreeMap<String, Figures>,
    by_league: &BTreeMap<String, Figures>,
    total: &Figures,
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
    let query = format!(
        "year={}&quarter={}&level={}&league={}",
        f.q.year, f.q.q, f.level, f.league
    );
    html! {
        h1.page-title { (lang.t("kpi.rollup_title")) }
        p.lead { (lang.t("kpi.rollup_lead")) }
        form.filters method="get" action="/incubators/kpis" {
            (quarter_fields(lang, f.q))
            (select("level", &lang.t("incubator.level"), &levels, f.level, Some(&lang.t("form.any")), &none))
            (select("league", &Level::LeagueCity.label(lang), &leagues, f.league, Some(&lang.t("form.any")), &none))
            div.actions {
                button.btn.btn-primary type="submit" { (lang.t("form.filter")) }
                a.reset href="/incubators/kpis" { (lang.t("form.reset")) }
            }
        }
        (exports(lang, "/incubators/kpis", &query))
        section.section id="by-level" {
            h2 { (lang.t("kpi.by_level")) }
            div.table-wrap { table.data-table.kpi-levels {
                thead { tr { th { (lang.t("incubator.level")) } (heads(lang)) } }
                tbody {
                    @for (code, fig) in by_level { tr id=(format!("level-{code}")) { th scope="row" { (level_label(code, lang)) } (nums(fig)) } }
                    tr.total id="total" { th scope="row" { (lang.t("kpi.total")) } (nums(total)) }
                }
            } }
        }
        section.section id="by-league" {
            h2 { (lang.t("kpi.by_league")) }
            div.table-wrap { table.data-table.kpi-leagues {
                thead { tr { th { (Level::LeagueCity.label(lang)) } (heads(lang)) } }
                tbody { @for (code, fig) in by_league {
                    tr id=(format!("league-{}", if code.is_empty() { "none" } else { code })) {
                        th scope="row" { (league_name(code, lang)) } (nums(fig))
                    }
                } }
            } }
        }
        section.section id="by-incubator" {
            h2 { (lang.t("kpi.by_incubator")) }
            @if rows.is_empty() { div.empty { (lang.t("incubator.empty")) } }
            @else { div.table-wrap { table.data-table.kpi-incubators {
                thead { tr { th { (lang.t("incubator.name")) } th { (lang.t("incubator.level")) } th { (Level::LeagueCity.label(lang)) } (heads(lang)) } }
                tbody { @for r in rows { tr id=(format!("incubator-{}", r.id)) {
                    th scope="row" { a href=(format!("/incubators/{}/kpis?year={}&quarter={}", r.id, f.q.year, f.q.q)) { (r.name) } }
                    td { (level_label(&r.level, lang)) }
                    td { (league_name(r.league.as_deref().unwrap_or(""), lang)) }
                    (nums(&r.figures))
                } } }
            } } }
            p.hint { (lang.t("kpi.notes")) }
        }
    }
}
