//! The rules pages for regulators: `/credit/rules` lists every rule (credit lists and zombie
//! criteria) with its legal basis and parameters; `/credit/rules/{code}` edits one.
//! Functions of data to markup; no queries.

use maud::{Markup, html};

use super::super::credit_model::RuleRow;
use super::super::rule_params::{Param, RuleForm, params_of};
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

/// Every rule with its basis and parameters, each with a link to its edit form.
pub fn list(lang: Lang, rules: &[RuleRow]) -> Markup {
    html! {
        h1.page-title { (lang.t("rules.title")) }
        p.hint { (lang.t("rules.hint")) }
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
        reason: String::new(),
    }
}
