//! The rules pages for regulators: `/credit/rules` lists every rule (credit lists and zombie
//! criteria) with its legal basis and parameters — the platform's defaults, or with
//! `?place=` as they apply in a locality — and `/credit/rules/{code}` edits one (the default
//! row, or a locality's override). Functions of data to markup; no queries.

use maud::{Markup, html};

use super::super::credit_model::{OverrideRow, RuleRow};
use super::super::rule_params::{self as rp, Override, Param, Params, RuleForm, params_of};
use super::super::rules::RegulationSettings;
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::web::forms::{csrf_field, error_summary, input, select, textarea};

/// The rule's name: a credit trigger or a zombie criterion.
pub fn rule_name(r: &RuleRow, lang: Lang) -> String {
    if r.list == "zombie" {
        lang.t(&format!("zombie.criterion.{}", r.code))
    } else {
        lang.t(&format!("credit.trigger.{}", r.code))
    }
}

fn list_name(r: &RuleRow, lang: Lang) -> String {
    if r.list == "zombie" {
        lang.t("rules.list_zombie")
    } else {
        lang.t(&format!("credit.list.{}", r.list))
    }
}

fn value(p: Option<Param>, v: Option<i64>, lang: Lang) -> String {
    match p {
        Some(p) => format!("{}: {}", lang.t(p.key()), p.to_input(v)),
        None => String::new(),
    }
}

/// The deployment's settings a rule falls back on where no locality sets them.
#[derive(Debug, Clone, Copy)]
pub struct Defaults {
    /// Credit notices' objection period, days.
    pub objection_days: i64,
    /// Zombie notices' objection period, days.
    pub zombie_objection_days: i64,
    /// The annual report deadline.
    pub deadline: RegulationSettings,
}

/// What a locality inherits from the levels above it.
#[derive(Debug, Clone)]
pub struct Inherited {
    /// The rule's parameters above.
    pub params: Params,
    /// The objection period above, days.
    pub objection_days: i64,
    /// The report deadline above, `MM-DD`.
    pub deadline: String,
}

fn place_name(code: &str, lang: Lang) -> String {
    crate::regions::regions().path(code, lang)
}

/// The localities a regulator may pick: the region, its leagues/cities and their
/// banners/counties.
fn place_options(lang: Lang) -> Vec<(String, String)> {
    let r = crate::regions::regions();
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

fn mmdd(s: &RegulationSettings) -> String {
    format!("{:02}-{:02}", s.deadline_month, s.deadline_day)
}

/// What a locality's override sets, in words ("" when nothing).
fn override_summary(o: &Override, lang: Lang) -> String {
    let (tp, wp) = params_of(&o.code);
    let mut parts = Vec::new();
    if o.threshold.is_some() {
        parts.push(value(tp, o.threshold, lang));
    }
    if o.window_days.is_some() {
        parts.push(value(wp, o.window_days, lang));
    }
    if let Some(e) = o.enabled {
        parts.push(format!(
            "{}: {}",
            lang.t("rules.col.enabled"),
            lang.t(if e { "rules.on" } else { "rules.off" })
        ));
    }
    if let Some(d) = o.objection_days {
        parts.push(format!("{}: {d}", lang.t("rules.col.objection")));
    }
    if let Some(d) = &o.deadline {
        parts.push(format!("{}: {d}", lang.t("rules.col.deadline")));
    }
    parts.join("; ")
}

/// Every rule with its basis and parameters, each with a link to its edit form: the
/// platform's defaults (and every locality's overrides below), or with `place` the rules as
/// they apply there.
pub fn list(
    lang: Lang,
    rules: &[RuleRow],
    overrides: &[Override],
    place: Option<&str>,
    d: &Defaults,
) -> Markup {
    html! {
        h1.page-title { (lang.t("rules.title")) }
        p.hint { (lang.t("rules.hint")) }
        form.form.inline-form method="get" action="/credit/rules" {
            (select("place", &lang.t("rules.place"), &place_options(lang),
                place.unwrap_or(""), Some(&lang.t("rules.place_default")), &FieldErrors::default()))
            div.actions { button.btn type="submit" { (lang.t("rules.place_show")) } }
        }
        @match place {
            None => (defaults_table(lang, rules, overrides, d)),
            Some(pl) => (local_table(lang, rules, overrides, pl, d)),
        }
    }
}

fn local_table(
    lang: Lang,
    rules: &[RuleRow],
    overrides: &[Override],
    place: &str,
    d: &Defaults,
) -> Markup {
    let chain = rp::chain_of_place(place);
    html! {
        h2 { (lang.tf("rules.in_place", &[("place", &place_name(place, lang))])) }
        p.hint { (lang.t("rules.local_hint")) }
        div.table-wrap { table.data-table.rules.local-rules {
            thead { tr {
                th { (lang.t("rules.col.rule")) }
                th { (lang.t("rules.col.params")) }
                th { (lang.t("rules.col.enabled")) }
                th { (lang.t("rules.col.objection")) }
                th { (lang.t("rules.col.deadline")) }
                th { (lang.t("rules.col.set_here")) }
            } }
            tbody { @for r in rules {
                @let (tp, wp) = params_of(&r.code);
                @let eff = rp::resolve(&r.params(), &r.code, &chain, overrides);
                @let objection = eff.objection_days.unwrap_or(
                    if r.list == "zombie" { d.zombie_objection_days } else { d.objection_days });
                @let here = overrides.iter().find(|o| o.code == r.code && o.division == place);
                tr id=(format!("rule-{}", r.code)) {
                    td { a href=(format!("/credit/rules/{}?place={place}", r.code)) { (rule_name(r, lang)) } }
                    td.params { (value(tp, eff.threshold, lang)) " " (value(wp, eff.window_days, lang)) }
                    td.enabled { (lang.t(if eff.enabled { "rules.on" } else { "rules.off" })) }
                    td.objection { (lang.tf("rules.days", &[("n", &objection.to_string())])) }
                    td.deadline { @if r.code == "report_missing" {
                        (eff.deadline.clone().unwrap_or_else(|| mmdd(&d.deadline)))
                    } }
                    td.set-here { @match here {
                        Some(o) if !o.is_empty() => (override_summary(o, lang)),
                        _ => span.muted { (lang.t("rules.inherited")) },
                    } }
                }
            } }
        } }
    }
}

fn defaults_table(lang: Lang, rules: &[RuleRow], overrides: &[Override], d: &Defaults) -> Markup {
    let set: Vec<&Override> = overrides.iter().filter(|o| !o.is_empty()).collect();
    html! {
        p.hint { (lang.tf("rules.defaults_hint", &[
            ("days", &d.objection_days.to_string()),
            ("zombie_days", &d.zombie_objection_days.to_string()),
            ("deadline", &mmdd(&d.deadline)),
        ])) }
        (rows_table(lang, rules))
        h2 { (lang.t("rules.overrides")) }
        @if set.is_empty() {
            p.muted.no-overrides { (lang.t("rules.no_overrides")) }
        } @else {
            div.table-wrap { table.data-table.overrides {
                thead { tr {
                    th { (lang.t("rules.place")) }
                    th { (lang.t("rules.col.rule")) }
                    th { (lang.t("rules.col.set_here")) }
                } }
                tbody { @for o in &set {
                    @let name = rules.iter().find(|r| r.code == o.code)
                        .map(|r| rule_name(r, lang)).unwrap_or_else(|| o.code.clone());
                    tr {
                        td { a href=(format!("/credit/rules?place={}", o.division)) { (place_name(&o.division, lang)) } }
                        td { a href=(format!("/credit/rules/{}?place={}", o.code, o.division)) { (name) } }
                        td { (override_summary(o, lang)) }
                    }
                } }
            } }
        }
    }
}

fn rows_table(lang: Lang, rules: &[RuleRow]) -> Markup {
    html! {
        div.table-wrap { table.data-table.rules {
            thead { tr {
                th { (lang.t("rules.col.rule")) }
                th { (lang.t("rules.col.list")) }
                th { (lang.t("rules.col.basis")) }
                th { (lang.t("rules.col.params")) }
                th { (lang.t("rules.col.enabled")) }
                th { (lang.t("rules.col.updated")) }
            } }
            tbody { @for r in rules {
                @let (tp, wp) = params_of(&r.code);
                tr id=(format!("rule-{}", r.code)) {
                    td { a href=(format!("/credit/rules/{}", r.code)) { (rule_name(r, lang)) } }
                    td { (list_name(r, lang)) }
                    td.basis { (r.legal_basis) }
                    td.params { (value(tp, r.threshold, lang)) " " (value(wp, r.window_days, lang)) }
                    td.enabled { (lang.t(if r.enabled { "rules.on" } else { "rules.off" })) }
                    td { @if r.updated_at > 0 { (display_instant(r.updated_at)) } }
                }
            } }
        } }
    }
}

/// The edit form of one rule, with what was typed and the messages.
pub fn edit(lang: Lang, r: &RuleRow, f: &RuleForm, e: &FieldErrors, csrf: &str) -> Markup {
    let (tp, wp) = params_of(&r.code);
    html! {
        p { a href="/credit/rules" { "← " (lang.t("rules.title")) } }
        h1.page-title { (rule_name(r, lang)) }
        p.basis { (r.legal_basis) }
        (error_summary(e, lang))
        form.form method="post" action=(format!("/credit/rules/{}", r.code)) {
            (csrf_field(csrf))
            @if let Some(p) = tp {
                (input("text", "threshold", &lang.t(p.key()), &f.threshold, None, e, true))
            }
            @if let Some(p) = wp {
                (input("text", "window_days", &lang.t(p.key()), &f.window_days, None, e, true))
            }
            (select("enabled", &lang.t("rules.col.enabled"), &[
                ("yes".to_string(), lang.t("rules.on")),
                ("no".to_string(), lang.t("rules.off")),
            ], &f.enabled, None, e))
            (textarea("reason", &lang.t("rules.reason"), &f.reason, Some(&lang.t("rules.reason_hint")), e))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("rules.save")) } }
        }
    }
}

/// The form as the stored rule fills it.
pub fn form_of(r: &RuleRow) -> RuleForm {
    let (tp, wp) = params_of(&r.code);
    RuleForm {
        threshold: tp.map(|p| p.to_input(r.threshold)).unwrap_or_default(),
        window_days: wp.map(|p| p.to_input(r.window_days)).unwrap_or_default(),
        enabled: if r.enabled { "yes" } else { "no" }.to_string(),
        ..Default::default()
    }
}

/// A locality's form as its stored override fills it (empty fields inherit).
pub fn override_form_of(place: &str, o: Option<&OverrideRow>) -> RuleForm {
    let Some(o) = o else {
        return RuleForm {
            place: place.to_string(),
            ..Default::default()
        };
    };
    let (tp, wp) = params_of(&o.code);
    let opt = |p: Option<Param>, v: Option<i64>| match (p, v) {
        (Some(p), Some(_)) => p.to_input(v),
        _ => String::new(),
    };
    RuleForm {
        place: place.to_string(),
        threshold: opt(tp, o.threshold),
        window_days: opt(wp, o.window_days),
        enabled: match o.enabled {
            None => String::new(),
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
        },
        objection_days: o.objection_days.map(|d| d.to_string()).unwrap_or_default(),
        deadline: o.deadline.clone().unwrap_or_default(),
        reason: String::new(),
    }
}

/// A locality's override form: every field empty inherits what the hint shows.
pub fn edit_local(
    lang: Lang,
    r: &RuleRow,
    inh: &Inherited,
    f: &RuleForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let (tp, wp) = params_of(&r.code);
    let above = |v: String| lang.tf("rules.inherit_hint", &[("value", &v)]);
    html! {
        p { a href=(format!("/credit/rules?place={}", f.place)) { "← " (lang.tf("rules.in_place", &[("place", &place_name(&f.place, lang))])) } }
        h1.page-title { (rule_name(r, lang)) }
        p.place-note { (lang.tf("rules.in_place", &[("place", &place_name(&f.place, lang))])) }
        p.basis { (r.legal_basis) }
        p.hint { (lang.t("rules.local_hint")) }
        (error_summary(e, lang))
        form.form method="post" action=(format!("/credit/rules/{}", r.code)) {
            (csrf_field(csrf))
            input type="hidden" name="place" value=(f.place);
            @if let Some(p) = tp {
                (input("text", "threshold", &lang.t(p.key()), &f.threshold,
                    Some(&above(p.to_input(inh.params.threshold))), e, false))
            }
            @if let Some(p) = wp {
                (input("text", "window_days", &lang.t(p.key()), &f.window_days,
                    Some(&above(p.to_input(inh.params.window_days))), e, false))
            }
            (select("enabled", &lang.t("rules.col.enabled"), &[
                ("yes".to_string(), lang.t("rules.on")),
                ("no".to_string(), lang.t("rules.off")),
            ], &f.enabled, Some(&above(lang.t(if inh.params.enabled { "rules.on" } else { "rules.off" }))), e))
            (input("text", "objection_days", &lang.t("rules.col.objection"), &f.objection_days,
                Some(&above(lang.tf("rules.days", &[("n", &inh.objection_days.to_string())]))), e, false))
            @if r.code == "report_missing" {
                (input("text", "deadline", &lang.t("rules.deadline_label"), &f.deadline,
                    Some(&above(inh.deadline.clone())), e, false))
            }
            (textarea("reason", &lang.t("rules.reason"), &f.reason, Some(&lang.t("rules.reason_hint")), e))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("rules.save")) } }
        }
    }
}
