//! The policy dashboard, its drill-down and the what-if helper. Every chart has a table with
//! the same numbers; the charts are drawn by `static/js/targets.js` from a JSON block.

use maud::{Markup, PreEscaped, html};

use super::model::ContractRow;
use super::rules::{Status, WhatIfForm, WhatIfResult, percent};
use super::{CultivationLine, Dashboard, ReportRow, ShareRow};
use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::regions::regions;
use crate::web::assets;
use crate::web::forms::{error_summary, input, select};

/// A share for tables: `31.25%` or "no data".
pub fn share_text(bp: Option<i64>, lang: Lang) -> String {
    bp.map(percent).unwrap_or_else(|| lang.t("targets.no_data"))
}

fn status_badge(s: Status, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-target-{}", s.code())) { (s.label(lang)) } }
}

/// Query string of the dashboard with a year and league.
fn qs(year: Option<i32>, league: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(y) = year {
        parts.push(format!("year={y}"));
    }
    if let Some(l) = league {
        parts.push(format!("league={l}"));
    }
    parts.join("&")
}

fn drill(year: Option<i32>, scope: &str) -> Option<String> {
    year.map(|y| format!("/targets/contracts?year={y}&scope={scope}"))
}

fn share_table(
    lang: Lang,
    class: &str,
    first: &str,
    rows: &[ShareRow],
    drill_of: &dyn Fn(&ShareRow) -> Option<String>,
    link_of: &dyn Fn(&ShareRow) -> Option<String>,
) -> Markup {
    html! {
        div.table-wrap { table class=(format!("data-table share-table {class}")) {
            thead { tr {
                th scope="col" { (first) }
                th.num scope="col" { (lang.t("targets.col.total")) }
                th.num scope="col" { (lang.t("targets.col.social")) }
                th.num scope="col" { (lang.t("targets.col.share")) }
                th.num scope="col" { (lang.t("targets.col.gap")) }
                th scope="col" { (lang.t("targets.col.status")) }
                th scope="col" { (lang.t("targets.col.trend")) }
                th scope="col" { (lang.t("targets.col.contracts")) }
            } }
            tbody { @for r in rows {
                tr data-key=(r.key) {
                    th scope="row" {
                        @if let Some(href) = link_of(r) { a href=(href) { (r.name) } } @else { (r.name) }
                    }
                    td.num data-col="total" {
                        @if let (Some(href), true) = (drill_of(r), r.cell.contracts > 0) {
                            a href=(href) { (r.cell.total) }
                        } @else { (r.cell.total) }
                    }
                    td.num data-col="social" {
                        @if let (Some(href), true) = (drill_of(r), r.cell.social.0 > 0) {
                            a href=(format!("{href}&social=1")) { (r.cell.social) }
                        } @else { (r.cell.social) }
                    }
                    td.num data-col="share" { (share_text(r.share_bp, lang)) }
                    td.num data-col="gap" { (r.gap) }
                    td data-col="status" { (status_badge(r.status, lang)) }
                    td data-col="trend" title=(r.trend.label(lang)) { (r.trend.arrow()) " " span.sr-only { (r.trend.label(lang)) } }
                    td.num data-col="contracts" {
                        @if let (Some(href), true) = (drill_of(r), r.cell.contracts > 0) {
                            a href=(href) { (r.cell.contracts) }
                        } @else { (r.cell.contracts) }
                    }
                }
            } }
        } }
    }
}

fn csv_link(lang: Lang, table: &str, year: Option<i32>, league: Option<&str>) -> Markup {
    let q = qs(year, league);
    let href = if q.is_empty() {
        format!("/targets.csv?table={table}")
    } else {
        format!("/targets.csv?table={table}&{q}")
    };
    html! { p.csv { a.csv-link href=(href) download { (lang.t("targets.csv")) } } }
}

/// The JSON the charts read; `</` is escaped so it cannot close the script element.
fn chart_data(lang: Lang, d: &Dashboard) -> String {
    let years: Vec<serde_json::Value> = d
        .by_year
        .iter()
        .map(|r| {
            serde_json::json!({
                "year": r.key.parse::<i32>().unwrap_or(0),
                "total_fen": r.cell.total.0,
                "social_fen": r.cell.social.0,
                "share_bp": r.share_bp,
            })
        })
        .collect();
    let leagues: Vec<serde_json::Value> = d
        .leagues
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.key,
                "map_name": regions().get(&r.key).map(|x| x.name.clone()).unwrap_or_default(),
                "share_bp": r.share_bp,
                "share": share_text(r.share_bp, lang),
            })
        })
        .collect();
    serde_json::json!({
        "target_bp": d.target_bp,
        "years": years,
        "leagues": leagues,
        "map_url": assets::url("vendor/echarts-map/neimenggu.json"),
        "labels": {
            "total": lang.t("targets.col.total"),
            "social": lang.t("targets.col.social"),
            "share": lang.t("targets.col.share"),
            "target": lang.t("targets.target"),
            "yuan": lang.t("targets.yuan"),
            "no_data": lang.t("targets.no_data"),
        }
    })
    .to_string()
    .replace("</", "<\\/")
}

/// The dashboard page.
pub fn dashboard(lang: Lang, d: &Dashboard, buyer: bool) -> Markup {
    let year = d.year;
    let league = d.league.as_deref();
    let r = &d.region;
    let none = FieldErrors::default();
    let year_options: Vec<(String, String)> = d
        .years
        .iter()
        .rev()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let league_options: Vec<(String, String)> = regions()
        .leagues()
        .map(|l| (l.code.clone(), regions().name(&l.code, lang)))
        .collect();
    html! {
        div.page-head { h1.page-title { (lang.t("targets.title")) } }
        p.lead { (lang.t("targets.lead")) }
        @if buyer { p { a.btn.btn-secondary href="/targets/what-if" { (lang.t("targets.whatif_title")) } } }
        form.filters method="get" action="/targets" {
            (select("year", &lang.t("targets.year"), &year_options, &year.map(|y| y.to_string()).unwrap_or_default(), None, &none))
            (select("league", &lang.t("targets.league"), &league_options, league.unwrap_or(""), Some(&lang.t("targets.all_leagues")), &none))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("targets.show")) } }
        }
        section.section id="headline" {
            h2 { (lang.tf("targets.headline", &[("year", &year.map(|y| y.to_string()).unwrap_or_else(|| "—".into()))])) }
            div.stats {
                div.stat.stat-share { span.stat-value id="region-share" { (share_text(r.share_bp, lang)) } span.stat-label { (lang.tf("targets.share_of_target", &[("target", &percent(d.target_bp))])) } }
                div.stat { span.stat-value { (status_badge(r.status, lang)) } span.stat-label { (lang.t("targets.col.status")) } }
                div.stat { span.stat-value id="region-gap" { (r.gap) } span.stat-label { (lang.t("targets.col.gap")) } }
                div.stat { span.stat-value.stat-small { (r.cell.social) " / " (r.cell.total) } span.stat-label { (lang.t("targets.social_of_total")) } }
            }
            p.muted { (lang.t("targets.rule")) }
        }
        section.section id="by-year" {
            h2 { (lang.t("targets.by_year")) }
            div.chart id="chart-years" role="img" aria-label=(lang.t("targets.chart_years")) hidden {}
            (share_table(lang, "years", &lang.t("targets.year"), &d.by_year,
                &|r: &ShareRow| Some(format!("/targets/contracts?year={}&scope=region", r.key)),
                &|r: &ShareRow| Some(format!("/targets?{}", qs(r.key.parse().ok(), league)))))
            (csv_link(lang, "years", year, league))
        }
        section.section id="leagues" {
            h2 { (lang.t("targets.by_league")) }
            div.chart.chart-map id="chart-map" role="img" aria-label=(lang.t("targets.chart_map")) hidden {}
            (share_table(lang, "leagues", &lang.t("targets.league"), &d.leagues,
                &|r: &ShareRow| drill(year, &format!("league:{}", r.key)),
                &|r: &ShareRow| Some(format!("/targets?{}#counties", qs(year, Some(&r.key))))))
            (csv_link(lang, "leagues", year, league))
        }
        @if let Some(l) = league {
            section.section id="league-years" {
                h2 { (lang.tf("targets.league_by_year", &[("league", &regions().name(l, lang))])) }
                (share_table(lang, "league_years", &lang.t("targets.year"), &d.league_by_year,
                    &|r: &ShareRow| Some(format!("/targets/contracts?year={}&scope=league:{l}", r.key)),
                    &|_| None))
                (csv_link(lang, "league_years", year, league))
            }
        }
        section.section id="counties" {
            h2 { @if let Some(l) = league { (lang.tf("targets.counties_of", &[("league", &regions().name(l, lang))])) } @else { (lang.t("targets.by_county")) } }
            @if d.counties.is_empty() { p.muted { (lang.t("targets.no_counties")) } }
            @else {
                (share_table(lang, "counties", &lang.t("targets.county"), &d.counties,
                    &|r: &ShareRow| drill(year, &format!("county:{}", r.key)), &|_| None))
            }
            (csv_link(lang, "counties", year, league))
        }
        section.section id="units" {
            h2 { (lang.t("targets.by_unit")) }
            (share_table(lang, "units", &lang.t("targets.unit"), &d.units,
                &|r: &ShareRow| drill(year, &format!("unit:{}", r.key)), &|_| None))
            (csv_link(lang, "units", year, league))
        }
        (report_sections(lang, d))
        (cultivation_section(lang, d))
        section.section id="others" {
            h2 { (lang.t("targets.others")) }
            div.table-wrap { table.data-table.others {
                thead { tr {
                    th scope="col" { (lang.t("targets.col.target_name")) }
                    th scope="col" { (lang.t("targets.target")) }
                    th scope="col" { (lang.t("targets.col.current")) }
                    th scope="col" { (lang.t("targets.col.status")) }
                } }
                tbody {
                    tr data-key="social_share" {
                        th scope="row" { (lang.t("targets.other.social_share")) }
                        td { "≥ " (percent(d.target_bp)) }
                        td { (share_text(r.share_bp, lang)) }
                        td { (status_badge(r.status, lang)) }
                    }
                    @for o in &d.others { tr data-key=(o.code) {
                        th scope="row" { (lang.t(&format!("targets.other.{}", o.code))) }
                        td { (o.target) }
                        td {
                            @let current = o.current.clone().unwrap_or_else(|| lang.t("targets.no_data"));
                            // The brand count drills down to the brands behind it.
                            @if o.code == "brands" { a href="/brands" { (current) } }
                            @else if o.code.starts_with("brands_") { a href="/targets/brands" { (current) } }
                            @else { (current) }
                        }
                        td { (status_badge(o.status, lang)) }
                    } }
                }
            } }
            p.muted { (lang.t("targets.others_note")) }
            (csv_link(lang, "others", year, league))
        }
        script type="application/json" id="targets-data" { (PreEscaped(chart_data(lang, d))) }
        script src=(assets::url("vendor/echarts/echarts.dashboard.min.js")) defer {}
        script src=(assets::url("js/targets.js")) defer {}
    }
}

/// The query string of the dashboard with a report year (and the purchase year and league
/// kept).
fn report_qs(d: &Dashboard, report_year: Option<i32>, league: Option<&str>) -> String {
    let mut q = qs(d.year, league);
    if let Some(y) = report_year {
        if !q.is_empty() {
            q.push('&');
        }
        q.push_str(&format!("report_year={y}"));
    }
    q
}

fn report_table(
    lang: Lang,
    key: &str,
    first: &str,
    rows: &[ReportRow],
    link: &dyn Fn(&ReportRow) -> Option<String>,
) -> Markup {
    html! {
        div.table-wrap { table.data-table data-table=(key) {
            thead { tr {
                th scope="col" { (first) }
                th scope="col" class="num" { (lang.t("targets.reports.col.reporting")) }
                th scope="col" class="num" { (lang.t("targets.reports.col.party")) }
                th scope="col" class="num" { (lang.t("targets.reports.col.party_share")) }
                th scope="col" class="num" { (lang.t("targets.reports.col.standard_share")) }
                th scope="col" { (lang.t("targets.col.status")) }
                th scope="col" class="num" { (lang.t("targets.reports.col.jobs")) }
                th scope="col" class="num" { (lang.t("targets.reports.col.volunteers")) }
            } }
            tbody { @for r in rows { tr data-key=(r.key) {
                th scope="row" { @if let Some(h) = link(r) { a href=(h) { (r.name) } } @else { (r.name) } }
                td.num { (r.tally.reporting) }
                td.num { (r.tally.party) }
                td.num { (share_text(r.party_bp, lang)) }
                td.num { (share_text(r.standard_bp, lang)) }
                td { (status_badge(r.status, lang)) }
                td.num { (r.tally.jobs) }
                td.num { (r.tally.volunteers) }
            } } }
        } }
    }
}

fn report_csv_link(lang: Lang, d: &Dashboard, table: &str) -> Markup {
    let q = report_qs(d, d.reports.year, d.league.as_deref());
    let href = if q.is_empty() {
        format!("/targets.csv?table={table}")
    } else {
        format!("/targets.csv?table={table}&{q}")
    };
    html! { p.csv { a.csv-link href=(href) download { (lang.t("targets.csv")) } } }
}

fn cultivation_table(
    lang: Lang,
    key: &str,
    first: &str,
    rows: &[CultivationLine],
    total: Option<&CultivationLine>,
) -> Markup {
    html! {
        div.table-wrap { table.data-table data-table=(key) {
            thead { tr {
                th scope="col" { (first) }
                th scope="col" class="num" { (lang.t("targets.cultivation.col.incubators")) }
                th scope="col" class="num" { (lang.t("targets.cultivation.col.residents")) }
                th scope="col" class="num" { (lang.t("targets.cultivation.col.graduates")) }
            } }
            tbody {
                @for r in rows.iter().chain(total) { tr data-key=(r.key) {
                    th scope="row" { (r.name) }
                    td.num data-col="incubators" { (r.incubators) }
                    td.num data-col="residents" { (r.residents) }
                    td.num data-col="graduates" { (r.graduates) }
                } }
            }
        } }
    }
}

/// The incubation system: incubators by level, tenants in residence and this year's
/// graduates, by level and by league/city, each with its CSV.
fn cultivation_section(lang: Lang, d: &Dashboard) -> Markup {
    let c = &d.cultivation;
    html! {
        section.section id="cultivation" {
            h2 { (lang.t("targets.cultivation.title")) }
            p.muted { (lang.tf("targets.cultivation.rule", &[("year", &c.year.to_string())])) }
            div.stats {
                div.stat { span.stat-value id="cultivation-incubators" { (c.total.incubators) } span.stat-label { (lang.t("targets.cultivation.col.incubators")) } }
                div.stat { span.stat-value id="cultivation-residents" { (c.total.residents) } span.stat-label { (lang.t("targets.cultivation.col.residents")) } }
                div.stat { span.stat-value id="cultivation-graduates" { (c.total.graduates) } span.stat-label { (lang.t("targets.cultivation.col.graduates")) } }
            }
            h3 { (lang.t("targets.cultivation.by_level")) }
            (cultivation_table(lang, "cultivation_levels", &lang.t("targets.cultivation.level"), &c.levels, Some(&c.total)))
            p.csv { a.csv-link href="/targets.csv?table=cultivation_levels" download { (lang.t("targets.csv")) } }
            h3 { (lang.t("targets.cultivation.by_league")) }
            @if c.leagues.is_empty() { p.muted { (lang.t("targets.cultivation.none")) } }
            @else { (cultivation_table(lang, "cultivation_leagues", &lang.t("targets.league"), &c.leagues, None)) }
            p.csv { a.csv-link href="/targets.csv?table=cultivation_leagues" download { (lang.t("targets.csv")) } }
        }
    }
}

/// Party building and jobs from accepted annual reports: by year, by league/city, and the
/// banners/counties of the league/city chosen (the drill-down).
fn report_sections(lang: Lang, d: &Dashboard) -> Markup {
    let rt = &d.reports;
    let league = d.league.as_deref();
    let none = FieldErrors::default();
    let year_options: Vec<(String, String)> = rt
        .years
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let year_text = rt.year.map(|y| y.to_string()).unwrap_or_else(|| "—".into());
    html! {
        section.section id="reports" {
            h2 { (lang.tf("targets.reports.title", &[("year", &year_text)])) }
            p.muted { (lang.t("targets.reports.rule")) }
            @if rt.years.is_empty() { p.muted { (lang.t("targets.reports.none")) } }
            @else {
                form.filters method="get" action="/targets#reports" {
                    @if let Some(y) = d.year { input type="hidden" name="year" value=(y); }
                    @if let Some(l) = league { input type="hidden" name="league" value=(l); }
                    (select("report_year", &lang.t("targets.reports.year"), &year_options, &year_text, None, &none))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("targets.show")) } }
                }
                div.stats {
                    div.stat { span.stat-value id="party-share" { (share_text(rt.region.party_bp, lang)) } span.stat-label { (lang.t("targets.reports.col.party_share")) } }
                    div.stat { span.stat-value { (status_badge(rt.region.status, lang)) } span.stat-label { (lang.t("targets.col.status")) } }
                    div.stat { span.stat-value id="jobs" { (rt.region.tally.jobs) } span.stat-label { (lang.t("targets.reports.col.jobs")) } }
                    div.stat { span.stat-value { (rt.region.tally.reporting) } span.stat-label { (lang.t("targets.reports.col.reporting")) } }
                }
                p { a.drill-link href=(format!("/targets/reports?year={year_text}")) { (lang.t("targets.drill.link")) } }
                h3 { (lang.t("targets.reports.by_year")) }
                (report_table(lang, "report_years", &lang.t("targets.year"), &rt.by_year,
                    &|r: &ReportRow| Some(format!("/targets?{}#reports", report_qs(d, r.key.parse().ok(), league)))))
                (report_csv_link(lang, d, "report_years"))
                h3 { (lang.t("targets.reports.by_league")) }
                (report_table(lang, "report_leagues", &lang.t("targets.league"), &rt.leagues,
                    &|r: &ReportRow| Some(format!("/targets?{}#report-counties", report_qs(d, rt.year, Some(&r.key))))))
                (report_csv_link(lang, d, "report_leagues"))
                h3 id="report-counties" {
                    @if let Some(l) = league { (lang.tf("targets.reports.counties_of", &[("league", &regions().name(l, lang))])) }
                    @else { (lang.t("targets.reports.by_county")) }
                }
                (report_table(lang, "report_counties", &lang.t("targets.county"), &rt.counties, &|_| None))
                (report_csv_link(lang, d, "report_counties"))
            }
        }
    }
}

/// What the drill-down shows.
pub struct Drill<'a> {
    /// Scope and year in words.
    pub heading: &'a str,
    /// Year.
    pub year: i32,
    /// This page's contracts.
    pub rows: &'a [ContractRow],
    /// All contracts behind the number.
    pub total: u64,
    /// Page number.
    pub page: u64,
    /// Link to the next page.
    pub next: Option<String>,
    /// Unit names.
    pub units: &'a std::collections::HashMap<i64, super::rules::UnitPlace>,
    /// The CSV of every contract behind the number.
    pub csv_href: String,
}

/// The contracts behind one number.
pub fn contracts(lang: Lang, d: &Drill) -> Markup {
    let Drill {
        heading,
        year,
        rows,
        total,
        page,
        next,
        units,
        csv_href,
    } = d;
    let sum: Fen = rows.iter().map(|r| r.value).sum();
    html! {
        div.page-head { h1.page-title { (lang.t("targets.drill_title")) } }
        p { a href=(format!("/targets?year={year}")) { "← " (lang.t("targets.title")) } }
        p.lead id="drill-scope" { (heading) }
        p.result-count { (lang.tf("targets.drill_count", &[("n", &total.to_string()), ("page", &page.to_string())])) }
        p.csv { a.csv-link href=(csv_href) download { (lang.t("targets.csv")) } }
        @if rows.is_empty() { div.empty { (lang.t("targets.drill_none")) } }
        @else {
            div.table-wrap { table.data-table.drill {
                thead { tr {
                    th scope="col" { (lang.t("targets.col.contract")) }
                    th scope="col" { (lang.t("targets.unit")) }
                    th scope="col" { (lang.t("targets.col.supplier")) }
                    th scope="col" { (lang.t("targets.col.kind")) }
                    th.num scope="col" { (lang.t("targets.col.value")) }
                } }
                tbody { @for c in rows.iter() { tr data-id=(c.id) {
                    td { a href=(format!("/contracts/{}", c.id)) { "#" (c.id) } }
                    td { (units.get(&c.unit_id).map(|u| u.name.clone()).unwrap_or_default()) }
                    td { a href=(format!("/orgs/{}", c.org_id)) { (c.org_name) } }
                    td { (lang.t(if c.social { "targets.kind.social" } else { "targets.kind.other" })) }
                    td.num { (c.value) }
                } } }
                tfoot { tr { th colspan="4" { (lang.t("targets.page_sum")) } td.num { (sum) } } }
            } }
        }
        @if let Some(n) = next { p { a href=(n) { (lang.t("targets.next_page")) } } }
    }
}

/// The what-if form and, when asked, its answer.
pub fn what_if(
    lang: Lang,
    units: &[(i64, String)],
    f: &WhatIfForm,
    e: &FieldErrors,
    year: i32,
    answer: Option<(&super::rules::Cell, &WhatIfResult)>,
    target_bp: i64,
) -> Markup {
    let options: Vec<(String, String)> = units
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    html! {
        div.page-head { h1.page-title { (lang.t("targets.whatif_title")) } }
        p.lead { (lang.tf("targets.whatif_lead", &[("year", &year.to_string()), ("target", &percent(target_bp))])) }
        (error_summary(e, lang))
        form.form method="get" action="/targets/what-if" {
            (select("unit_id", &lang.t("targets.unit"), &options, &f.unit_id, None, e))
            (input("text", "planned_total", &lang.t("targets.planned_total"), &f.planned_total, Some(&lang.t("targets.yuan_hint")), e, true))
            (input("text", "planned_social", &lang.t("targets.planned_social"), &f.planned_social, Some(&lang.t("targets.yuan_hint")), e, false))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("targets.whatif_go")) } }
        }
        @if let Some((now, r)) = answer {
            section.section id="whatif-result" {
                h2 { (lang.t("targets.whatif_answer")) }
                dl.props {
                    dt { (lang.t("targets.so_far")) }
                    dd id="so-far" { (now.social) " / " (now.total) " (" (share_text(now.share_bp(), lang)) ")" }
                    dt { (lang.t("targets.would_reach")) }
                    dd id="reached" { (share_text(r.reached_bp, lang)) " " (status_badge(if r.met { Status::Met } else { Status::Below }, lang)) }
                    dt { (lang.t("targets.required_social")) }
                    dd id="required" { (r.required_social) }
                    dt { (lang.t("targets.extra_needed")) }
                    dd id="extra" { (r.extra_needed) }
                }
                @if !r.reachable { p.notice id="unreachable" { (lang.t("targets.unreachable")) } }
            }
        }
    }
}

/// Venture-philanthropy grant money reaching organizations, by league/city and year.
pub fn grant_funds(lang: Lang, g: &super::GrantFunds) -> Markup {
    html! {
        section.section id="grant-funds" {
            h2 { (lang.t("targets.grants.title")) }
            p.hint { (lang.t("targets.grants.rule")) }
            @if g.years.is_empty() { div.empty { (lang.t("targets.grants.none")) } }
            @else {
                div.table-wrap { table.data-table {
                    thead { tr { th { (lang.t("targets.grants.league")) } @for y in &g.years { th.num { (y) } } } }
                    tbody {
                        @for (_, name, amounts) in &g.leagues { tr { td { (name) } @for a in amounts { td.num { (a) } } } }
                        tr.total { th { (lang.t("targets.grants.region")) } @for a in &g.region { td.num { (a) } } }
                    }
                } }
                p.csv { a.csv-link href="/targets.csv?table=grants" download { (lang.t("targets.csv")) } }
            }
        }
    }
}

/// The report targets' drill-down: a table per level with links one level down, the
/// total, the CSV of the same table and the way back up.
pub fn report_drill(lang: Lang, level: &super::drill::Level, d: &super::DrillPage) -> Markup {
    use super::drill::Level;
    let r = regions();
    let here = |q: &str| {
        if q.is_empty() {
            format!("/targets/reports?year={}", d.year)
        } else {
            format!("/targets/reports?year={}&{q}", d.year)
        }
    };
    let down = |key: &str| match level {
        Level::Region => Some(here(&format!("league={key}"))),
        Level::League(_) => Some(here(&format!("county={key}"))),
        Level::County(_) => None,
    };
    let csv = format!("/targets/reports.csv?year={}&{}", d.year, level.query());
    let pct = |bp: Option<i64>| bp.map(percent).unwrap_or_else(|| "—".to_string());
    html! {
        h1.page-title { (lang.t("targets.drill.title")) }
        p.hint { (lang.t("targets.drill.hint")) }
        nav.breadcrumb aria-label=(lang.t("targets.drill.levels")) {
            a href=(here("")) { (r.name(crate::regions::REGION_CODE, lang)) }
            @match level {
                Level::Region => {}
                Level::League(l) => { " › " (r.name(l, lang)) }
                Level::County(c) => {
                    @if let Some(l) = r.league_of(c) {
                        " › " a href=(here(&format!("league={}", l.code))) { (r.name(&l.code, lang)) }
                    }
                    " › " (r.name(c, lang))
                }
            }
        }
        form.filters method="get" action="/targets/reports" {
            @match level {
                Level::Region => {}
                Level::League(l) => { input type="hidden" name="league" value=(l); }
                Level::County(c) => { input type="hidden" name="county" value=(c); }
            }
            (select("year", &lang.t("targets.drill.year"),
                &d.years.iter().map(|y| (y.to_string(), y.to_string())).collect::<Vec<_>>(),
                &d.year.to_string(), None, &FieldErrors::default()))
            div.actions { button.btn type="submit" { (lang.t("targets.drill.show")) } }
        }
        p { a.csv href=(csv) { (lang.t("targets.drill.csv")) } }
        div.table-wrap { table.data-table.report-drill {
            thead { tr {
                th { (lang.t("targets.drill.col.name")) }
                th.num { (lang.t("targets.drill.col.registered")) }
                th.num { (lang.t("targets.drill.col.clean")) }
                th.num { (lang.t("targets.drill.col.clean_share")) }
                th.num { (lang.t("targets.drill.col.reporting")) }
                th.num { (lang.t("targets.drill.col.party_share")) }
                th.num { (lang.t("targets.drill.col.standard_share")) }
                th.num { (lang.t("targets.drill.col.jobs")) }
            } }
            tbody {
                @for row in &d.rows { tr data-key=(row.key) {
                    td { @if let Some(u) = down(&row.key) { a href=(u) { (row.name) } } @else { a href=(format!("/orgs/{}", row.key)) { (row.name) } } }
                    td.num { (row.registered) }
                    td.num { (row.clean) }
                    td.num { (pct(row.clean_bp)) }
                    td.num { (row.tally.reporting) }
                    td.num { (pct(row.party_bp)) }
                    td.num { (pct(row.standard_bp)) }
                    td.num { (row.tally.jobs) }
                } }
            }
            tfoot { tr.total {
                th { (lang.t("targets.drill.total")) }
                td.num { (d.total.registered) }
                td.num { (d.total.clean) }
                td.num { (pct(d.total.clean_bp)) }
                td.num { (d.total.tally.reporting) }
                td.num { (pct(d.total.party_bp)) }
                td.num { (pct(d.total.standard_bp)) }
                td.num { (d.total.tally.jobs) }
            } }
        } }
    }
}

/// Target 7's page: the total, the year's region and league/city counts against their
/// targets (each drilling down to its brands), history by year, CSV.
pub fn brand_target(
    lang: Lang,
    t: &super::brand_target::BrandTarget,
    cards: &[crate::brands::Card],
) -> Markup {
    let drill_href = |scope: &str| format!("/targets/brands?year={}&scope={scope}#drill", t.year);
    html! {
        p.muted { a href="/targets" { (lang.t("targets.title")) } }
        h1.page-title { (lang.t("targets.brands.title")) }
        p.lead { (lang.t("targets.brands.lead")) }
        form.filters method="get" action="/targets/brands" {
            @let years: Vec<(String, String)> = t.history.iter().map(|h| (h.year.to_string(), h.year.to_string())).collect();
            (select("year", &lang.t("targets.year"), &years, &t.year.to_string(), None, &FieldErrors::default()))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("form.filter")) } }
        }
        section.section #brand-summary {
            div.table-wrap { table.data-table data-table="brand-summary" {
                thead { tr {
                    th scope="col" { (lang.t("targets.col.target_name")) }
                    th scope="col" { (lang.t("targets.target")) }
                    th scope="col" class="num" { (lang.t("targets.col.current")) }
                    th scope="col" { (lang.t("targets.col.status")) }
                } }
                tbody {
                    tr data-key="total" {
                        th scope="row" { (lang.t("targets.other.brands")) }
                        td { "≥ " (t.total_target) }
                        td.num { a href="/brands" { (t.total) } }
                        td { (status_badge(t.total_status, lang)) }
                    }
                    tr data-key="region" {
                        th scope="row" { (lang.tf("targets.brands.region_year", &[("year", &t.year.to_string())])) }
                        td { "≥ " (t.region_target) }
                        td.num { a href=(drill_href("region")) { (t.region) } }
                        td { (status_badge(t.region_status, lang)) }
                    }
                }
            } }
        }
        section.section #brand-leagues {
            h2 { (lang.tf("targets.brands.leagues_year", &[("year", &t.year.to_string()), ("n", &t.league_target.to_string())])) }
            div.table-wrap { table.data-table data-table="brand-leagues" {
                thead { tr {
                    th scope="col" { (lang.t("targets.league")) }
                    th scope="col" class="num" { (lang.t("targets.brands.recognized")) }
                    th scope="col" { (lang.t("targets.col.status")) }
                } }
                tbody { @for l in &t.leagues { tr data-key=(l.code) {
                    th scope="row" { (l.name) }
                    td.num { a href=(drill_href(&format!("league:{}", l.code))) { (l.count) } }
                    td { (status_badge(l.status, lang)) }
                } } }
            } }
            p.csv { a.csv-link href=(format!("/targets/brands.csv?table=recognized&year={}", t.year)) download { (lang.t("targets.brands.csv_recognized")) } }
        }
        @if let Some((scope, rows)) = &t.drill {
            section.section #drill {
                h2 {
                    @match scope {
                        super::brand_target::Drill::Region => (lang.tf("targets.brands.drill_region", &[("year", &t.year.to_string())])),
                        super::brand_target::Drill::League(c) => (lang.tf("targets.brands.drill_league", &[("year", &t.year.to_string()), ("league", &regions().name(c, lang))])),
                    }
                }
                @if rows.is_empty() { div.empty { (lang.t("targets.brands.drill_empty")) } }
                @else {
                    div.table-wrap { table.data-table data-table="brand-drill" {
                        thead { tr {
                            th scope="col" { (lang.t("recog.col.brand")) }
                            th scope="col" { (lang.t("recog.col.org")) }
                            th scope="col" { (lang.t("recog.certificate")) }
                        } }
                        tbody { @for r in rows { tr data-key=(r.brand_id) {
                            @let c = cards.iter().find(|c| c.brand.id == r.brand_id);
                            th scope="row" { a href=(format!("/brands/{}", r.brand_id)) { (c.map(|c| c.brand.name.clone()).unwrap_or_default()) } }
                            td { (c.map(|c| c.org_name.clone()).unwrap_or_default()) }
                            td { (r.certificate_no.clone().unwrap_or_default()) }
                        } } }
                    } }
                }
                p.csv { a.csv-link href=(format!("/targets/brands.csv?table=recognized&year={}&scope={}", t.year, scope.code())) download { (lang.t("targets.csv")) } }
            }
        }
        section.section #brand-history {
            h2 { (lang.t("targets.brands.history")) }
            div.table-wrap { table.data-table data-table="brand-history" {
                thead { tr {
                    th scope="col" { (lang.t("targets.year")) }
                    th scope="col" class="num" { (lang.t("targets.brands.col.region")) }
                    th scope="col" class="num" { (lang.tf("targets.brands.col.leagues_met", &[("n", &t.league_target.to_string())])) }
                    @for l in &t.leagues { th scope="col" class="num" { (l.name) } }
                } }
                tbody { @for h in &t.history { tr data-key=(h.year) {
                    th scope="row" { a href=(format!("/targets/brands?year={}", h.year)) { (h.year) } }
                    td.num { (h.region) }
                    td.num { (h.leagues_met) "/" (h.leagues.len()) }
                    @for n in &h.leagues { td.num { (n) } }
                } } }
            } }
            p.csv { a.csv-link href="/targets/brands.csv?table=history" download { (lang.t("targets.csv")) } }
        }
    }
}
