//! An incubator's milestone list: what each milestone is, whether the platform sees it by
//! itself or a manager confirms it, and the managers' form to add one. Data in, markup out.

use maud::{Markup, html};

use crate::incubators::milestones::model::Milestone;
use crate::incubators::milestones::rules::{LABEL, MilestoneForm, MilestoneKind};
use crate::incubators::model::Incubator;
use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::web::forms::{csrf_field, error_summary, select};

/// The milestone list page; `manager` shows the form to add one.
pub fn list(
    lang: Lang,
    i: &Incubator,
    milestones: &[Milestone],
    manager: bool,
    f: &MilestoneForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let kinds: Vec<(String, String)> = MilestoneKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label(lang)))
        .collect();
    html! {
        h1.page-title { (lang.tf("tenant_milestone.list_title", &[("name", &i.name)])) }
        p.lead { (lang.t("tenant_milestone.lead")) " " a href=(format!("/incubators/{}", i.id)) { (i.name) } }
        @if milestones.is_empty() { div.empty { (lang.t("tenant_milestone.none")) } }
        @else { div.table-wrap { table.data-table.milestones {
            thead { tr { th { (lang.t("tenant_milestone.name")) } th { (lang.t("tenant_milestone.how")) } } }
            tbody { @for m in milestones { tr id=(format!("milestone-{}", m.id)) {
                td { (super::graduation::milestone_name(lang, m)) }
                td { (lang.t(if m.kind().automatic() { "tenant_milestone.automatic" } else { "tenant_milestone.manual" })) }
            } } }
        } } }
        @if manager {
            section.section id="add" {
                h2 { (lang.t("tenant_milestone.add")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/incubators/{}/milestones", i.id)) {
                    (csrf_field(csrf))
                    (select("kind", &lang.t("tenant_milestone.kind_label"), &kinds, &f.kind, Some(&lang.t("form.choose_one")), e))
                    div.field.has-error[e.get("label").is_some()] {
                        label for="label" { (lang.t("tenant_milestone.label")) }
                        input type="text" id="label" name="label" value=(f.label) maxlength=(LABEL)
                            aria-invalid=[e.get("label").map(|_| "true")]
                            aria-describedby=[e.get("label").map(|_| "label-error")];
                        p.hint { (lang.t("tenant_milestone.label_hint")) }
                        @if let Some(m) = e.get("label") { p.error-msg id="label-error" { (m) } }
                    }
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("tenant_milestone.add")) } }
                }
            }
        }
    }
}
