//! The tender form.

use super::*;

// ---------------------------------------------------------------------------------------
// Tender form

/// Rows of criteria and milestones the form offers at least.
pub const FORM_ROWS: usize = 5;

/// The create/edit form. `action` is where it posts.
pub fn tender_form(
    lang: Lang,
    title: &str,
    action: &str,
    f: &TenderForm,
    units: &[(i64, String)],
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let unit_opts: Vec<(String, String)> = units
        .iter()
        .map(|(i, n)| (i.to_string(), n.clone()))
        .collect();
    let grades: Vec<(String, String)> = (1..=5)
        .map(|g| (g.to_string(), format!("≥ {}", grade_label(g))))
        .collect();
    let crit_rows = f
        .criterion_name
        .len()
        .max(f.criterion_weight.len())
        .max(FORM_ROWS);
    let ms_rows = f
        .milestone_name
        .len()
        .max(f.milestone_percent.len())
        .max(FORM_ROWS);
    let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
    let none = FieldErrors::default();
    html! {
        h1.page-title { (title) }
        (error_summary(e, lang))
        form.form.tender-form method="post" action=(action) novalidate {
            (csrf_field(csrf))
            fieldset {
                legend { (lang.t("tender.basic")) }
                (select("unit_id", &lang.t("tender.unit"), &unit_opts, &f.unit_id, (units.len() > 1).then(|| lang.t("form.choose_one")).as_deref(), e))
                (input("text", "title", &lang.t("tender.title"), &f.title, None, e, true))
                (textarea("description", &lang.t("tender.description"), &f.description, Some(&lang.t("tender.description_hint")), e))
                div.form-row {
                    (select("domain", &lang.t("tender.domain"), &options_domains(lang), &f.domain, Some(&lang.t("form.choose_one")), e))
                    (input("text", "budget", &lang.t("tender.budget_yuan"), &f.budget, Some(&lang.t("tender.budget_hint")), e, true))
                }
            }
            fieldset {
                legend { (lang.t("tender.place")) }
                (division_picker("t_", lang, &f.t_league, &f.t_county, &f.t_township, true, e))
            }
            fieldset {
                legend { (lang.t("tender.procedure")) }
                div.form-row {
                    (select("method", &lang.t("tender.method_col"), &options(Method::ALL, Method::code, |m| m.label(lang)), &f.method, Some(&lang.t("form.choose_one")), e))
                    (select("eval_method", &lang.t("tender.eval_method"), &options(EvalMethod::ALL, EvalMethod::code, |m| m.label(lang)), &f.eval_method, Some(&lang.t("form.choose_one")), e))
                    (input("number", "price_weight", &lang.t("tender.price_weight"), &f.price_weight, Some(&lang.t("tender.price_weight_hint")), e, false))
                }
                // The id is the error summary's link target (`web::forms::error_summary`).
                div.field.has-error[e.get("criteria").is_some()] id="criteria" {
                    p { strong { (lang.t("tender.criteria")) } " " span.hint { (lang.t("tender.criteria_hint")) } }
                    table.form-table {
                        thead { tr { th { (lang.t("tender.criterion")) } th { (lang.t("tender.weight")) } } }
                        tbody { @for i in 0..crit_rows { tr {
                            td { input type="text" name="criterion_name" value=(at(&f.criterion_name, i)) aria-label=(format!("{} {}", lang.t("tender.criterion"), i + 1)); }
                            td { input type="number" name="criterion_weight" min="1" max="100" value=(at(&f.criterion_weight, i)) aria-label=(format!("{} {}", lang.t("tender.weight"), i + 1)); }
                        } } }
                    }
                    @if let Some(m) = e.get("criteria") { p.error-msg id="criteria-error" { (m) } }
                }
            }
            fieldset {
                legend { (lang.t("tender.eligibility")) }
                div.form-row {
                    (select("min_grade", &lang.t("tender.min_grade"), &grades, &f.min_grade, Some(&lang.t("form.any")), e))
                    (input("number", "min_years", &lang.t("tender.min_years"), &f.min_years, None, e, false))
                }
                (checks("social_only", &lang.t("tender.set_aside"), &[("1".to_string(), lang.t("tender.social_only"))], std::slice::from_ref(&f.social_only), &none))
                (checks("allowed_leagues", &lang.t("tender.allowed_leagues"), &options_leagues(lang), &f.allowed_leagues, e))
            }
            fieldset {
                legend { (lang.t("tender.deadlines")) }
                div.form-row {
                    (input("datetime-local", "enquiry_deadline", &lang.t("tender.enquiry_deadline"), &f.enquiry_deadline, Some(&lang.t("tender.time_hint")), e, true))
                    (input("datetime-local", "bid_deadline", &lang.t("tender.bid_deadline"), &f.bid_deadline, Some(&lang.t("tender.time_hint")), e, true))
                    (input("number", "contract_months", &lang.t("tender.contract_months"), &f.contract_months, None, e, true))
                }
            }
            fieldset {
                legend { (lang.t("tender.milestones")) }
                div.field.has-error[e.get("milestones").is_some()] id="milestones" {
                    p.hint { (lang.t("tender.milestones_hint")) }
                    table.form-table {
                        thead { tr { th { (lang.t("tender.milestone")) } th { (lang.t("tender.percent")) } } }
                        tbody { @for i in 0..ms_rows { tr {
                            td { input type="text" name="milestone_name" value=(at(&f.milestone_name, i)) aria-label=(format!("{} {}", lang.t("tender.milestone"), i + 1)); }
                            td { input type="text" inputmode="decimal" name="milestone_percent" value=(at(&f.milestone_percent, i)) aria-label=(format!("{} {}", lang.t("tender.percent"), i + 1)); }
                        } } }
                    }
                    @if let Some(m) = e.get("milestones") { p.error-msg id="milestones-error" { (m) } }
                }
            }
            div.actions { button.btn.btn-primary type="submit" { (lang.t("tender.save_draft")) } }
        }
    }
}

/// The form pre-filled from a stored draft.
pub fn form_from(
    t: &tender::Model,
    crits: &[criterion::Model],
    ms: &[milestone::Model],
) -> TenderForm {
    let r = regions();
    TenderForm {
        unit_id: t.unit_id.to_string(),
        title: t.title.clone(),
        description: t.description.clone(),
        domain: t.domain.clone(),
        t_league: t.league_code.clone().unwrap_or_default(),
        t_county: t.county_code.clone().unwrap_or_default(),
        t_township: if r
            .get(&t.division_code)
            .is_some_and(|d| d.level == crate::regions::Level::Township)
        {
            t.division_code.clone()
        } else {
            String::new()
        },
        budget: Fen(t.budget_fen).to_input(),
        method: t.method.clone(),
        eval_method: t.eval_method.clone(),
        price_weight: if t.eval_method == EvalMethod::Comprehensive.code() {
            t.price_weight.to_string()
        } else {
            String::new()
        },
        criterion_name: crits.iter().map(|c| c.name.clone()).collect(),
        criterion_weight: crits.iter().map(|c| c.weight.to_string()).collect(),
        min_grade: t.min_grade.map(|g| g.to_string()).unwrap_or_default(),
        social_only: if t.social_only {
            "1".into()
        } else {
            String::new()
        },
        allowed_leagues: t
            .allowed_leagues
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        min_years: t.min_years.to_string(),
        enquiry_deadline: crate::procurement::rules::format_local(t.enquiry_deadline),
        bid_deadline: crate::procurement::rules::format_local(t.bid_deadline),
        contract_months: t.contract_months.to_string(),
        milestone_name: ms.iter().map(|m| m.name.clone()).collect(),
        milestone_percent: ms.iter().map(|m| percent_input(m.percent_bp)).collect(),
    }
}

/// The amendment form.
pub fn amend_form(
    lang: Lang,
    t: &tender::Model,
    f: &AmendForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    html! {
        h1.page-title { (lang.tf("tender.amend_title", &[("title", &t.title)])) }
        p.lead { (lang.t("tender.amend_lead")) }
        (error_summary(e, lang))
        form.form method="post" action=(format!("/tenders/{}/amend", t.id)) novalidate {
            (csrf_field(csrf))
            div.form-row {
                (input("datetime-local", "enquiry_deadline", &lang.t("tender.enquiry_deadline"), &f.enquiry_deadline, Some(&lang.t("tender.time_hint")), e, true))
                (input("datetime-local", "bid_deadline", &lang.t("tender.bid_deadline"), &f.bid_deadline, Some(&lang.t("tender.time_hint")), e, true))
            }
            (textarea("summary", &lang.t("tender.amend_summary"), &f.summary, Some(&lang.t("tender.amend_summary_hint")), e))
            div.actions {
                button.btn.btn-primary type="submit" { (lang.t("tender.amend_submit")) }
                a href=(format!("/tenders/{}", t.id)) { (lang.t("tender.back")) }
            }
        }
    }
}
