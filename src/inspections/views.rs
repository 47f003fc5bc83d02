//! Spot-check pages: the public list of campaigns, the form defining one, and the campaign
//! page with its commitment, the algorithm in words, the revealed seed, the checks with
//! their inspectors and findings, and (for regulators) the next steps. No queries.

use std::collections::HashMap;

use maud::{Markup, html};

use super::model::{Campaign, Check, FindingRow, RatioRow};
use super::ratio_rules::{Minimum, RatioForm, RatioOverride, percent};
use super::rules::{ALGORITHM, CampaignForm, CampaignState, Finding, Item, Level};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::regions::regions;
use crate::web::forms::{checks, csrf_field, error_summary, input, select, textarea};

/// A campaign's state as a badge.
pub fn state_badge(s: CampaignState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-campaign-{}", s.code())) { (s.label(lang)) } }
}

fn ratio(bp: i32) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// `/spot-checks`: campaigns, newest first (drafts only for regulators).
pub fn list(lang: Lang, campaigns: &[Campaign], can_create: bool) -> Markup {
    html! {
        h1.page-title { (lang.t("inspections.title")) }
        p.lead { (lang.t("inspections.lead")) }
        @if can_create { p {
            a.btn.btn-primary href="/spot-checks/new" { (lang.t("inspections.new_title")) }
            " "
            a.btn.ratios-link href="/spot-checks/ratios" { (lang.t("inspections.ratios.title")) }
        } }
        @if campaigns.is_empty() {
            div.empty { (lang.t("inspections.none")) }
        } @else {
            div.table-wrap { table.data-table.campaigns {
                thead { tr {
                    th { (lang.t("inspections.field.year")) }
                    th { (lang.t("inspections.field.name")) }
                    th { (lang.t("inspections.field.level")) }
                    th { (lang.t("inspections.field.division")) }
                    th { (lang.t("inspections.field.ratio")) }
                    th { (lang.t("inspections.status")) }
                } }
                tbody { @for c in campaigns { tr {
                    td { (c.year) }
                    td { a href=(format!("/spot-checks/{}", c.id)) { (c.name) } }
                    td { @if let Some(l) = c.level() { (l.label(lang)) } }
                    td { (regions().name(&c.division_code, lang)) }
                    td { (ratio(c.ratio_bp)) }
                    td { (state_badge(c.state(), lang)) }
                } } }
            } }
        }
    }
}

/// `/spot-checks/new`: the campaign form, with the minimums localities have raised.
pub fn new_form(
    lang: Lang,
    f: &CampaignForm,
    e: &FieldErrors,
    raised: &[RatioOverride],
    csrf: &str,
) -> Markup {
    let levels: Vec<(String, String)> = Level::ALL
        .iter()
        .map(|l| {
            (
                l.code().to_string(),
                lang.tf(
                    "inspections.level_min",
                    &[
                        ("level", &l.label(lang)),
                        ("min", &ratio(l.min_ratio_bp() as i32)),
                    ],
                ),
            )
        })
        .collect();
    let r = regions();
    let divisions: Vec<(String, String)> = [
        crate::regions::Level::Region,
        crate::regions::Level::LeagueCity,
        crate::regions::Level::BannerCounty,
    ]
    .into_iter()
    .flat_map(|l| r.of_level(l))
    .map(|d| (d.code.clone(), r.path(&d.code, lang)))
    .collect();
    let items: Vec<(String, String)> = Item::ALL
        .iter()
        .map(|i| (i.code().to_string(), i.label(lang)))
        .collect();
    html! {
        p { a href="/spot-checks" { "← " (lang.t("inspections.title")) } }
        h1.page-title { (lang.t("inspections.new_title")) }
        (error_summary(e, lang))
        form.form method="post" action="/spot-checks" {
            (csrf_field(csrf))
            (input("text", "name", &lang.t("inspections.field.name"), &f.name, None, e, true))
            (select("level", &lang.t("inspections.field.level"), &levels, &f.level, Some(&lang.t("form.choose")), e))
            (select("division", &lang.t("inspections.field.division"), &divisions, &f.division, Some(&lang.t("form.choose")), e))
            (input("number", "year", &lang.t("inspections.field.year"), &f.year, None, e, true))
            (input("text", "ratio", &lang.t("inspections.field.ratio"), &f.ratio, Some(&lang.t("inspections.hint.ratio")), e, false))
            (raised_minimums(lang, raised))
            (checks("items", &lang.t("inspections.field.items"), &items, &f.items, e))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("inspections.create")) } }
        }
    }
}

/// What the campaign page shows.
pub struct ShowView<'a> {
    /// The campaign.
    pub campaign: &'a Campaign,
    /// Its checks, in drawn order.
    pub checks: &'a [Check],
    /// Their findings.
    pub findings: &'a [FindingRow],
    /// Organization names by id (checks).
    pub org_names: &'a HashMap<i64, String>,
    /// User names by id (inspectors).
    pub user_names: &'a HashMap<i64, String>,
    /// The viewer is a regulator: the CSRF token for the next steps.
    pub regulator: Option<&'a str>,
    /// The viewer's user id (an inspector records the findings of their checks).
    pub viewer: Option<i64>,
    /// A findings form that came back with errors: the check, what was typed, the errors.
    pub failed: Option<(i64, &'a HashMap<String, String>, &'a FieldErrors)>,
    /// A step refused: its message.
    pub refused: Option<&'a str>,
}

/// `/spot-checks/{id}`
pub fn show(lang: Lang, v: &ShowView<'_>) -> Markup {
    let c = v.campaign;
    let state = c.state();
    let items = c.items();
    let base = format!("/spot-checks/{}", c.id);
    let name = |id: &i64| {
        v.user_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    };
    html! {
        p { a href="/spot-checks" { "← " (lang.t("inspections.title")) } }
        h1.page-title { (c.name) }
        dl.facts {
            dt { (lang.t("inspections.status")) } dd.campaign-state { (state_badge(state, lang)) }
            dt { (lang.t("inspections.field.year")) } dd { (c.year) }
            dt { (lang.t("inspections.field.level")) } dd { @if let Some(l) = c.level() { (l.label(lang)) } }
            dt { (lang.t("inspections.field.division")) } dd { (regions().path(&c.division_code, lang)) }
            dt { (lang.t("inspections.field.ratio")) } dd { (ratio(c.ratio_bp)) }
            dt { (lang.t("inspections.field.items")) }
            dd { @for (n, i) in items.iter().enumerate() { @if n > 0 { "、" } (i.label(lang)) } }
        }
        @if let Some(m) = v.refused { div.form-errors role="alert" { p { (m) } } }
        section.panel id="commitment" {
            h2 { (lang.t("inspections.commitment_title")) }
            @match &c.seed_hash {
                None => p.muted { (lang.t("inspections.not_committed")) },
                Some(h) => {
                    dl.facts {
                        dt { (lang.t("inspections.committed_at")) } dd { @if let Some(t) = c.committed_at { (display_instant(t)) } }
                        dt { (lang.t("inspections.seed_hash")) } dd { code.seed-hash { (h) } }
                        dt { (lang.t("inspections.seed")) }
                        dd { @if state == CampaignState::Committed { span.muted { (lang.t("inspections.seed_secret")) } }
                             @else { code.seed { (c.seed.as_deref().unwrap_or("")) } } }
                        dt { (lang.t("inspections.sample_size")) }
                        dd.sample-size { (c.sample_size.unwrap_or(0)) " / " (c.candidates().len()) }
                        dt { (lang.t("inspections.candidates")) } dd { code.candidates { (c.candidates.as_deref().unwrap_or("[]")) } }
                        dt { (lang.t("inspections.inspectors")) } dd { code.inspector-pool { (c.inspectors.as_deref().unwrap_or("[]")) } }
                        dt { (lang.t("inspections.conflicts")) } dd { code.conflicts { (c.conflicts.as_deref().unwrap_or("[]")) } }
                    }
                }
            }
            h3 { (lang.t("inspections.algorithm_title")) }
            p.algorithm { (lang.t(ALGORITHM)) }
        }
        @if !v.checks.is_empty() {
            section.panel id="checks" {
                h2 { (lang.t("inspections.checks_title")) }
                div.table-wrap { table.data-table.spot-checks {
                    thead { tr {
                        th { "#" }
                        th { (lang.t("inspections.org")) }
                        th { (lang.t("inspections.inspectors")) }
                        @for i in &items { th { (i.label(lang)) } }
                    } }
                    tbody { @for k in v.checks { tr id=(format!("check-{}", k.id)) {
                        td { (k.position + 1) }
                        td.check-org { a href=(format!("/orgs/{}", k.org_id)) { (v.org_names.get(&k.org_id).map(String::as_str).unwrap_or("")) } }
                        td.check-inspectors { @for (n, u) in k.inspector_ids().iter().enumerate() { @if n > 0 { "、" } (name(u)) } }
                        @for i in &items {
                            @let f = v.findings.iter().find(|f| f.check_id == k.id && f.item == i.code());
                            td class=(format!("finding finding-{}", i.code())) {
                                @match f.and_then(|f| f.finding().map(|x| (x, f))) {
                                    Some((x, f)) => { span class=(format!("badge badge-finding-{}", x.code())) { (x.label(lang)) }
                                        @if !f.note.is_empty() { br; span.muted.prewrap { (f.note) } } },
                                    None => span.muted { "—" },
                                }
                            }
                        }
                    } } }
                } }
            }
        }
        @if let Some(csrf) = v.regulator {
            @if state == CampaignState::Draft {
                form.form method="post" action=(format!("{base}/commit")) {
                    (csrf_field(csrf))
                    p.hint { (lang.t("inspections.commit_hint")) }
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("inspections.commit")) } }
                }
            }
            @if state == CampaignState::Committed {
                form.form method="post" action=(format!("{base}/draw")) {
                    (csrf_field(csrf))
                    p.hint { (lang.t("inspections.draw_hint")) }
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("inspections.draw")) } }
                }
            }
            @if state == CampaignState::Drawn {
                @for k in v.checks.iter().filter(|k| v.viewer.is_some_and(|u| k.inspector_ids().contains(&u))) {
                    @let typed = v.failed.filter(|(id, _, _)| *id == k.id);
                    @let none = FieldErrors::default();
                    @let e = typed.map(|(_, _, e)| e).unwrap_or(&none);
                    section.panel id=(format!("findings-{}", k.id)) {
                        h2 { (lang.tf("inspections.findings_title", &[("org", v.org_names.get(&k.org_id).map(String::as_str).unwrap_or(""))])) }
                        (error_summary(e, lang))
                        form.form method="post" action=(format!("{base}/checks/{}/findings", k.id)) {
                            (csrf_field(csrf))
                            @for i in &items {
                                @let saved = v.findings.iter().find(|f| f.check_id == k.id && f.item == i.code());
                                @let value = |field: &str, stored: Option<&str>| typed
                                    .and_then(|(_, m, _)| m.get(field).cloned())
                                    .unwrap_or_else(|| stored.unwrap_or("").to_string());
                                @let opts: Vec<(String, String)> = Finding::ALL.iter().map(|x| (x.code().to_string(), x.label(lang))).collect();
                                (select(i.finding_field(), &i.label(lang), &opts, &value(i.finding_field(), saved.map(|f| f.finding.as_str())), Some(&lang.t("form.choose")), e))
                                (textarea(i.note_field(), &lang.t("inspections.note"), &value(i.note_field(), saved.map(|f| f.note.as_str())), None, e))
                            }
                            div.actions { button.btn.btn-primary type="submit" { (lang.t("inspections.record")) } }
                        }
                    }
                }
                form.form method="post" action=(format!("{base}/conclude")) {
                    (csrf_field(csrf))
                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("inspections.conclude")) } }
                }
            }
        }
    }
}

/// One campaign level on a locality's minimum-ratio page.
pub struct RatioLine<'a> {
    /// The campaign level.
    pub level: Level,
    /// What the locality inherits from the levels above (the floor at the least).
    pub inherited: Minimum,
    /// Its own stored minimum, if any.
    pub own: Option<&'a RatioRow>,
    /// What its campaigns of that level must reach.
    pub effective: Minimum,
}

/// What `/spot-checks/ratios` shows.
pub struct RatiosView<'a> {
    /// The locality shown (`None`: the code typed is no locality).
    pub place: Option<&'a str>,
    /// The code typed when it is no locality.
    pub unknown: Option<&'a str>,
    /// One line per level the locality may set.
    pub lines: &'a [RatioLine<'a>],
    /// A form that came back with errors: its level, what was typed, the errors.
    pub failed: Option<(Level, &'a RatioForm, &'a FieldErrors)>,
    /// The CSRF token for the forms.
    pub csrf: &'a str,
}

/// The localities a regulator may pick: the region, its leagues/cities and their
/// banners/counties.
fn place_options(lang: Lang) -> Vec<(String, String)> {
    let r = regions();
    let mut out = vec![(
        crate::regions::REGION_CODE.to_string(),
        r.name(crate::regions::REGION_CODE, lang),
    )];
    for l in r.leagues() {
        out.push((l.code.clone(), r.name(&l.code, lang)));
        for c in r.children(&l.code) {
            if c.level == crate::regions::Level::BannerCounty {
                out.push((
                    c.code.clone(),
                    format!("{} · {}", r.name(&l.code, lang), c.name),
                ));
            }
        }
    }
    out
}

fn minimum_cell(m: &Minimum, lang: Lang) -> Markup {
    html! { strong { (percent(m.bp)) } " " span.muted { "(" (m.source_label(lang)) ")" } }
}

/// `/spot-checks/ratios?place=`: per campaign level the national floor, what the locality
/// inherits and from where, its own minimum and a form to change it.
pub fn ratios(lang: Lang, v: &RatiosView<'_>) -> Markup {
    let r = regions();
    let selected = v.place.or(v.unknown).unwrap_or("");
    html! {
        p { a href="/spot-checks" { "← " (lang.t("inspections.title")) } }
        h1.page-title { (lang.t("inspections.ratios.title")) }
        p.lead { (lang.t("inspections.ratios.lead")) }
        form.form.place-picker method="get" action="/spot-checks/ratios" {
            (select("place", &lang.t("inspections.ratios.place"), &place_options(lang), selected, None, &FieldErrors::default()))
            div.actions { button.btn type="submit" { (lang.t("inspections.ratios.show")) } }
        }
        @if let Some(code) = v.unknown {
            div.alert.alert-error.unknown-place role="alert" {
                (lang.tf("inspections.ratios.err.place", &[("code", code)]))
            }
        }
        @if let Some(place) = v.place {
            h2.place-name { (r.path(place, lang)) }
            @if let Some((_, _, e)) = v.failed { (error_summary(e, lang)) }
            div.table-wrap { table.data-table.ratios {
                thead { tr {
                    th { (lang.t("inspections.field.level")) }
                    th { (lang.t("inspections.ratios.floor")) }
                    th { (lang.t("inspections.ratios.inherited")) }
                    th { (lang.t("inspections.ratios.own")) }
                    th { (lang.t("inspections.ratios.effective")) }
                } }
                tbody { @for l in v.lines { tr id=(format!("level-{}", l.level.code())) {
                    td.level { (l.level.label(lang)) }
                    td.floor { (percent(l.level.min_ratio_bp())) }
                    td.inherited { (minimum_cell(&l.inherited, lang)) }
                    td.own { @match l.own {
                        Some(o) => { (percent(u32::try_from(o.min_ratio_bp).unwrap_or(0))) " " span.muted { "(" (display_instant(o.updated_at)) ")" } }
                        None => { span.muted { (lang.t("inspections.ratios.none")) } }
                    } }
                    td.effective { (minimum_cell(&l.effective, lang)) }
                } } }
            } }
            @for l in v.lines {
                @let code = l.level.code();
                @let (typed_ratio, typed_reason, e) = match v.failed {
                    Some((fl, f, e)) if fl == l.level => (f.ratio.clone(), f.reason.clone(), Some(e)),
                    _ => (l.own.map(|o| percent(u32::try_from(o.min_ratio_bp).unwrap_or(0)).trim_end_matches('%').to_string()).unwrap_or_default(), String::new(), None),
                };
                @let ratio_id = format!("ratio-{code}");
                @let reason_id = format!("reason-{code}");
                @let ratio_err = e.and_then(|e| e.get("ratio"));
                @let reason_err = e.and_then(|e| e.get("reason"));
                @let level_err = e.and_then(|e| e.get("level"));
                section.ratio-form id=(format!("form-{code}")) {
                    h3 { (lang.tf("inspections.ratios.form_title", &[("level", &l.level.label(lang))])) }
                    form.form method="post" action="/spot-checks/ratios" {
                        (csrf_field(v.csrf))
                        input type="hidden" name="place" value=(place);
                        input type="hidden" name="level" value=(code);
                        @if let Some(m) = level_err { p.error-msg id=(format!("level-{code}-error")) { (m) } }
                        div.field.has-error[ratio_err.is_some()] {
                            label for=(ratio_id) { (lang.t("inspections.ratios.field.ratio")) }
                            input type="text" id=(ratio_id) name="ratio" value=(typed_ratio) inputmode="decimal"
                                aria-invalid=[ratio_err.is_some().then_some("true")];
                            p.hint { (lang.tf("inspections.ratios.hint.ratio", &[("min", &percent(l.inherited.bp)), ("source", &l.inherited.source_label(lang))])) }
                            @if let Some(m) = ratio_err { p.error-msg id=(format!("{ratio_id}-error")) { (m) } }
                        }
                        div.field.has-error[reason_err.is_some()] {
                            label for=(reason_id) { (lang.t("inspections.ratios.field.reason")) }
                            textarea id=(reason_id) name="reason" rows="3" required { (typed_reason) }
                            p.hint { (lang.t("inspections.ratios.hint.reason")) }
                            @if let Some(m) = reason_err { p.error-msg id=(format!("{reason_id}-error")) { (m) } }
                        }
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("inspections.ratios.save")) } }
                    }
                }
            }
        }
    }
}

/// The minimums localities have raised, for the campaign form (where an empty ratio takes
/// them).
fn raised_minimums(lang: Lang, raised: &[RatioOverride]) -> Markup {
    html! {
        @if !raised.is_empty() {
            div.raised-minimums {
                p { (lang.t("inspections.ratios.in_force")) }
                ul { @for o in raised {
                    li { (regions().name(&o.division, lang)) " — " (o.level.label(lang)) ": " strong { (percent(o.min_ratio_bp)) } }
                } }
            }
        }
    }
}
