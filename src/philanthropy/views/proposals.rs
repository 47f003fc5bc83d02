//! Proposal pages: the application form, the proposal with the applicant's and the
//! organizer's forms, the comparison of two revisions, the organizer's list with batch
//! determination, the section under a call and the workspace panel. No queries here.

use std::collections::HashMap;

use maud::{Markup, html};

use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::philanthropy::Phase;
use crate::philanthropy::model::Call;
use crate::philanthropy::proposal_model::{Proposal, ProposalFile, Revision};
use crate::philanthropy::proposal_rules::{
    BatchForm, BudgetCategory, BudgetLine, CallTerms, DiffLine, MAX_FILES, Outcome, ProposalForm,
    ProposalState, ScreenItem, Stage, Step, StepForm, WithdrawForm, deadline, files_editable,
    size_label,
};
use crate::philanthropy::rules::percent_input;
use crate::philanthropy::views::reviewing::{ReviewerForm, board_section, list_cells};
use crate::regions::{Level, regions};
use crate::web::forms::{csrf_field, division_picker, error_summary, input, select, textarea};
use crate::web::pager::pager;

/// Rows of outcomes, budget lines and co-applicants the form offers at least.
pub const FORM_ROWS: usize = 4;

/// A proposal's state as a badge.
pub fn state_badge(s: ProposalState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-proposal-{}", s.code())) { (s.label(lang)) } }
}

fn at(v: &[String], i: usize) -> String {
    v.get(i).cloned().unwrap_or_default()
}

/// A list field of the form: an id for the error summary's link, a legend, the message.
fn list_field(
    name: &'static str,
    legend: &str,
    hint: &str,
    e: &FieldErrors,
    body: Markup,
) -> Markup {
    html! {
        fieldset.field.has-error[e.get(name).is_some()] id=(name) {
            legend { (legend) }
            p.hint { (hint) }
            (body)
            @if let Some(m) = e.get(name) { p.error-msg id=(format!("{name}-error")) { (m) } }
        }
    }
}

/// The form pre-filled from a stored proposal.
pub fn form_of(p: &Proposal) -> ProposalForm {
    let r = regions();
    let (league, county, township) = match r.get(&p.place).map(|d| d.level) {
        Some(Level::LeagueCity) => (p.place.clone(), String::new(), String::new()),
        Some(Level::BannerCounty) => (
            r.league_of(&p.place)
                .map(|d| d.code.clone())
                .unwrap_or_default(),
            p.place.clone(),
            String::new(),
        ),
        Some(Level::Township) => (
            r.league_of(&p.place)
                .map(|d| d.code.clone())
                .unwrap_or_default(),
            r.county_of(&p.place)
                .map(|d| d.code.clone())
                .unwrap_or_default(),
            p.place.clone(),
        ),
        _ => (String::new(), String::new(), String::new()),
    };
    let outcomes: Vec<Outcome> = serde_json::from_str(&p.outcomes).unwrap_or_default();
    let budget: Vec<BudgetLine> = serde_json::from_str(&p.budget).unwrap_or_default();
    let partners: Vec<(i64, String, String)> =
        serde_json::from_str(&p.partners).unwrap_or_default();
    ProposalForm {
        kind: if p.org_id.is_some() { "org" } else { "group" }.into(),
        org_id: p.org_id.map(|o| o.to_string()).unwrap_or_default(),
        name: if p.org_id.is_some() {
            String::new()
        } else {
            p.name.clone()
        },
        title: p.title.clone(),
        plan: p.plan.clone(),
        beneficiaries: p.beneficiaries.clone(),
        p_league: league,
        p_county: county,
        p_township: township,
        outcome_indicator: outcomes.iter().map(|o| o.indicator.clone()).collect(),
        outcome_target: outcomes.iter().map(|o| o.target.to_string()).collect(),
        budget_category: budget.iter().map(|b| b.category.clone()).collect(),
        budget_item: budget.iter().map(|b| b.item.clone()).collect(),
        budget_amount: budget.iter().map(|b| b.amount.to_input()).collect(),
        total: Fen(p.total_fen).to_input(),
        cofund: Fen(p.cofund_fen).to_input(),
        partner_uscc: partners.into_iter().map(|(_, _, u)| u).collect(),
        action: String::new(),
    }
}

fn terms_hint(lang: Lang, t: &CallTerms) -> String {
    lang.tf(
        "proposal.terms_hint",
        &[
            ("max", &t.max_grant.to_string()),
            ("cofund", &percent_input(t.cofund_bp)),
            ("cap", &percent_input(t.admin_cap_bp)),
        ],
    )
}

/// A proposal's stage as a badge.
pub fn stage_badge(s: Stage, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-stage-{}", s.code())) { (s.label(lang)) } }
}

/// The fields of a proposal (new, draft or revision) in its stage: a concept note's
/// outcomes and budget lines are optional. `orgs`: the organizations the user administers,
/// with the registry's name and USCC.
#[allow(clippy::too_many_arguments)]
fn fields(
    lang: Lang,
    c: &Call,
    phase: Phase,
    stage: Stage,
    t: &CallTerms,
    f: &ProposalForm,
    e: &FieldErrors,
    orgs: &[(i64, String, String)],
) -> Markup {
    let kinds = vec![
        ("org".to_string(), lang.t("proposal.kind.org")),
        ("group".to_string(), lang.t("proposal.kind.group")),
    ];
    let org_options: Vec<(String, String)> = orgs
        .iter()
        .map(|(id, name, uscc)| {
            (
                id.to_string(),
                format!("{name} ({} {uscc})", lang.t("proposal.uscc")),
            )
        })
        .collect();
    let categories: Vec<(String, String)> = BudgetCategory::ALL
        .iter()
        .map(|c| (c.code().to_string(), c.label(lang)))
        .collect();
    let outcome_rows = f
        .outcome_indicator
        .len()
        .max(f.outcome_target.len())
        .max(FORM_ROWS);
    let budget_rows = f
        .budget_item
        .len()
        .max(f.budget_amount.len())
        .max(f.budget_category.len())
        .max(FORM_ROWS + 1);
    let partner_rows = f.partner_uscc.len().max(2);
    let optional = |hint: String| -> String {
        if stage == Stage::Concept {
            format!("{hint} {}", lang.t("proposal.concept_optional"))
        } else {
            hint
        }
    };
    html! {
        div.field.has-error[e.get("window").is_some()] id="window" {
            p { strong { (lang.t("call.window")) } " "
                (display_instant(c.opens_at)) " – " (display_instant(c.closes_at)) " "
                span class=(format!("badge badge-call-{}", phase.code())) { (phase.label(lang)) } }
            @if let (true, Some(full)) = (c.two_stage, c.full_closes_at) {
                p { strong { (lang.t("call.full_closes_at")) } " " (display_instant(full)) }
            }
            @if c.two_stage {
                p.hint.stage-hint id="stage-hint" { (stage_badge(stage, lang)) " "
                    (lang.t(if stage == Stage::Concept { "proposal.concept_hint" } else { "proposal.full_hint" })) }
            }
            @if let Some(m) = e.get("window") { p.error-msg id="window-error" { (m) } }
        }
        fieldset {
            legend { (lang.t("proposal.applicant")) }
            (select("kind", &lang.t("proposal.kind_label"), &kinds, &f.kind, Some(&lang.t("form.choose_one")), e))
            @if orgs.is_empty() {
                p.hint { (lang.t("proposal.no_orgs")) }
                @if let Some(m) = e.get("org_id") { p.error-msg id="org_id" { (m) } }
            } @else {
                (select("org_id", &lang.t("proposal.org"), &org_options, &f.org_id, Some(&lang.t("form.choose_one")), e))
                p.hint { (lang.t("proposal.org_hint")) }
            }
            (input("text", "name", &lang.t("proposal.group_name"), &f.name, Some(&lang.t("proposal.group_hint")), e, false))
            p.hint { (lang.t("call.credit_required")) }
        }
        fieldset {
            legend { (lang.t("proposal.project")) }
            (input("text", "title", &lang.t("proposal.title"), &f.title, None, e, true))
            (textarea("plan", &lang.t("proposal.plan"), &f.plan, Some(&lang.t("proposal.plan_hint")), e))
            (textarea("beneficiaries", &lang.t("proposal.beneficiaries"), &f.beneficiaries, Some(&lang.t("proposal.beneficiaries_hint")), e))
            p.hint { (lang.t("proposal.place_hint")) }
            (division_picker("p_", lang, &f.p_league, &f.p_county, &f.p_township, true, e))
        }
        (list_field("outcomes", &lang.t("proposal.outcomes"), &optional(lang.t("proposal.outcomes_hint")), e, html! {
            table.form-table {
                thead { tr { th { (lang.t("proposal.indicator")) } th { (lang.t("proposal.target")) } } }
                tbody { @for i in 0..outcome_rows { tr {
                    td { input type="text" name="outcome_indicator" value=(at(&f.outcome_indicator, i)) aria-label=(format!("{} {}", lang.t("proposal.indicator"), i + 1)); }
                    td { input type="number" min="1" name="outcome_target" value=(at(&f.outcome_target, i)) aria-label=(format!("{} {}", lang.t("proposal.target"), i + 1)); }
                } } }
            }
        }))
        (list_field("budget", &lang.t("proposal.budget_lines"), &optional(terms_hint(lang, t)), e, html! {
            table.form-table {
                thead { tr { th { (lang.t("proposal.category")) } th { (lang.t("proposal.item")) } th { (lang.t("proposal.amount_yuan")) } } }
                tbody { @for i in 0..budget_rows {
                    @let cat = at(&f.budget_category, i);
                    tr {
                        td { select name="budget_category" aria-label=(format!("{} {}", lang.t("proposal.category"), i + 1)) {
                            @for (v, l) in &categories { option value=(v) selected[*v == cat] { (l) } }
                        } }
                        td { input type="text" name="budget_item" value=(at(&f.budget_item, i)) aria-label=(format!("{} {}", lang.t("proposal.item"), i + 1)); }
                        td { input type="text" inputmode="decimal" name="budget_amount" value=(at(&f.budget_amount, i)) aria-label=(format!("{} {}", lang.t("proposal.amount_yuan"), i + 1)); }
                    }
                } }
            }
        }))
        div.form-row {
            (input("text", "total", &lang.t("proposal.total_yuan"), &f.total, Some(&lang.t("proposal.total_hint")), e, true))
            (input("text", "cofund", &lang.t("proposal.cofund_yuan"), &f.cofund, Some(&lang.t("proposal.cofund_hint")), e, false))
        }
        (list_field("partners", &lang.t("proposal.partners"), &lang.t("proposal.partners_hint"), e, html! {
            table.form-table { tbody { @for i in 0..partner_rows { tr {
                td { input type="text" name="partner_uscc" maxlength="18" value=(at(&f.partner_uscc, i)) aria-label=(format!("{} {}", lang.t("proposal.uscc"), i + 1)); }
            } } } }
        }))
        p.hint { (lang.t("proposal.no_attachments")) }
        div.actions {
            button.btn.btn-primary type="submit" name="action" value="submit" { (lang.t("proposal.submit")) }
            " "
            button.btn.btn-secondary type="submit" name="action" value="save" { (lang.t("proposal.save_draft")) }
        }
    }
}

/// The page to apply to a call.
#[allow(clippy::too_many_arguments)]
pub fn apply_page(
    lang: Lang,
    c: &Call,
    phase: Phase,
    t: &CallTerms,
    f: &ProposalForm,
    e: &FieldErrors,
    orgs: &[(i64, String, String)],
    csrf: &str,
) -> Markup {
    html! {
        h1.page-title { (lang.tf("proposal.apply_title", &[("title", &c.title)])) }
        p { a href=(format!("/calls/{}", c.id)) { (c.title) } }
        (error_summary(e, lang))
        form.form.proposal-form method="post" action=(format!("/calls/{}/apply", c.id)) novalidate {
            (csrf_field(csrf))
            (fields(lang, c, phase, Stage::first(c.two_stage), t, f, e, orgs))
        }
    }
}

/// A form of the proposal page that came back with errors, with what was typed.
pub enum Failed<'a> {
    /// None did.
    None,
    /// The applicant's draft or revision.
    Edit(&'a ProposalForm, &'a FieldErrors),
    /// The organizer's step.
    Step(&'a StepForm, &'a FieldErrors),
    /// The screening checklist.
    Checklist(&'a FieldErrors),
    /// A reviewer form (assign, take off).
    Reviewers(&'a ReviewerForm, &'a FieldErrors),
    /// The applicant's withdrawal.
    Withdraw(&'a WithdrawForm, &'a FieldErrors),
    /// A file attached or taken off.
    Files(&'a FieldErrors),
}

/// The review board the organizer sees on a proposal that has been in expert review.
pub struct ReviewPanel {
    /// The board (`None`: never in review).
    pub board: Option<crate::reviews::Board>,
    /// Whether reviewers may be changed now (the proposal is in expert review).
    pub assigning: bool,
    /// Holders of the evaluator role: id and "name (e-mail)".
    pub candidates: Vec<(i64, String)>,
}

/// Everything the proposal page shows.
pub struct ProposalPage<'a> {
    /// The proposal.
    pub p: &'a Proposal,
    /// Its call.
    pub c: &'a Call,
    /// The call's phase now.
    pub phase: Phase,
    /// The call's terms.
    pub terms: &'a CallTerms,
    /// Submitted revisions, in order.
    pub revisions: &'a [Revision],
    /// The viewer may edit it.
    pub editor: bool,
    /// The viewer acts for the call's organizer.
    pub organizer: bool,
    /// For the editor's form: the organizations they administer.
    pub orgs: &'a [(i64, String, String)],
    /// For the organizer: the review board and forms.
    pub review: Option<&'a ReviewPanel>,
    /// The files attached now.
    pub files: &'a [ProposalFile],
}

/// One proposal: content, state, messages, revisions; the applicant's form while it is
/// editable; the organizer's screening checklist and decision form.
pub fn show(lang: Lang, pg: &ProposalPage<'_>, failed: &Failed<'_>, csrf: &str) -> Markup {
    let p = pg.p;
    let state = p.state();
    let none = FieldErrors::default();
    let outcomes: Vec<Outcome> = serde_json::from_str(&p.outcomes).unwrap_or_default();
    let budget: Vec<BudgetLine> = serde_json::from_str(&p.budget).unwrap_or_default();
    let partners: Vec<(i64, String, String)> =
        serde_json::from_str(&p.partners).unwrap_or_default();
    let confirmed: Vec<String> = serde_json::from_str(&p.checklist).unwrap_or_default();
    let stored = form_of(p);
    let (ef, ee) = match failed {
        Failed::Edit(f, e) => (*f, *e),
        _ => (&stored, &none),
    };
    html! {
        h1.page-title { (p.title) }
        p.proposal-state { (state_badge(state, lang)) " " a href=(format!("/calls/{}", pg.c.id)) { (pg.c.title) } }
        @if let Some(m) = &p.message {
            @if !m.is_empty() {
                div.flash.flash-info role="note" id="organizer-message" { strong { (lang.t("proposal.message")) ": " } span.prewrap { (m) } }
            }
        }
        @match state {
            ProposalState::Concept => div.flash.flash-info role="note" id="concept-note" {
                (lang.t("proposal.concept_waiting"))
            },
            ProposalState::Invited => div.flash.flash-info role="note" id="invited-note" {
                (lang.tf("proposal.invited_note", &[("date", &display_instant(deadline(Stage::Full, pg.c.two_stage, pg.c.closes_at, pg.c.full_closes_at)))]))
            },
            ProposalState::Declined => div.flash.flash-info role="note" id="declined-note" {
                (lang.t("proposal.declined_note"))
            },
            _ => {},
        }
        // The applicant's refused draft or full proposal on a proposal that may not be
        // written (no form to show it next to).
        @if let Failed::Edit(_, e) = failed {
            @if !state.editable() {
                @for (_, m) in &e.0 { p.error-msg id="edit-error" role="alert" { (m) } }
            }
        }
        @if state == ProposalState::Withdrawn {
            div.flash.flash-info role="note" id="withdrawn" {
                p { (lang.tf("proposal.withdrawn_note", &[("date", &p.withdrawn_at.map(display_instant).unwrap_or_default())])) }
                @if let Some(r) = &p.withdrawal_reason {
                    p { strong { (lang.t("proposal.withdrawn_reason")) ": " } span.prewrap.withdrawal-reason { (r) } }
                }
            }
        }
        @if let Some(a) = p.approved_fen {
            @if state == ProposalState::Approved {
                p.approved id="approved" { strong { (lang.t("proposal.approved_amount")) ": " } (Fen(a)) }
            }
        }
        dl.props.proposal-facts {
            dt { (lang.t("proposal.applicant")) }
            dd.applicant {
                @match p.org_id {
                    Some(o) => a href=(format!("/orgs/{o}")) { (p.name) },
                    None => { (p.name) " " span.muted { (lang.t("proposal.kind.group")) } },
                }
                @if let Some(u) = &p.uscc { " " span.muted { (lang.t("proposal.uscc")) " " (u) } }
            }
            @if pg.c.two_stage {
                dt { (lang.t("proposal.stage_label")) } dd.stage { (stage_badge(p.stage(), lang)) }
            }
            dt { (lang.t("proposal.place")) } dd { (regions().path(&p.place, lang)) }
            dt { (lang.t("proposal.plan")) } dd.prewrap { (p.plan) }
            dt { (lang.t("proposal.beneficiaries")) } dd.prewrap { (p.beneficiaries) }
            dt { (lang.t("proposal.total")) } dd.total { (Fen(p.total_fen)) }
            dt { (lang.t("proposal.cofund")) } dd.cofund { (Fen(p.cofund_fen)) }
            dt { (lang.t("proposal.requested")) } dd.requested { (Fen(p.requested_fen)) }
            @if let Some(t) = p.submitted_at { dt { (lang.t("proposal.submitted_at")) } dd { (display_instant(t)) } }
        }
        section.section id="outcomes-table" {
            h2 { (lang.t("proposal.outcomes")) }
            div.table-wrap { table.data-table {
                thead { tr { th { (lang.t("proposal.indicator")) } th.num { (lang.t("proposal.target")) } } }
                tbody { @for o in &outcomes { tr { td { (o.indicator) } td.num { (o.target) } } } }
            } }
        }
        section.section id="budget-table" {
            h2 { (lang.t("proposal.budget_lines")) }
            div.table-wrap { table.data-table {
                thead { tr { th { (lang.t("proposal.category")) } th { (lang.t("proposal.item")) } th.num { (lang.t("proposal.amount")) } } }
                tbody { @for b in &budget { tr {
                    td { (BudgetCategory::parse(&b.category).map(|c| c.label(lang)).unwrap_or_default()) }
                    td { (b.item) } td.num { (b.amount) }
                } } }
            } }
        }
        @if !partners.is_empty() {
            section.section id="partners-list" {
                h2 { (lang.t("proposal.partners")) }
                ul { @for (id, name, uscc) in &partners { li { a href=(format!("/orgs/{id}")) { (name) } " " span.muted { (uscc) } } } }
            }
        }
        (files_section(lang, pg, failed, csrf))
        section.section id="revisions" {
            h2 { (lang.t("proposal.revisions")) }
            @if pg.revisions.is_empty() { div.empty { (lang.t("proposal.no_revisions")) } }
            @else {
                ol { @for r in pg.revisions { li { (lang.tf("proposal.revision_n", &[("n", &r.number.to_string())])) " " span.muted { (display_instant(r.submitted_at)) } } } }
                @if pg.revisions.len() > 1 {
                    p { a href=(format!("/proposals/{}/diff", p.id)) { (lang.t("proposal.compare")) } }
                }
            }
        }
        @if pg.editor && state.editable() {
            section.section id="revise" {
                h2 { (lang.t(match state {
                    ProposalState::Draft if p.stage() == Stage::Concept => "proposal.edit_concept",
                    ProposalState::Draft => "proposal.edit_draft",
                    ProposalState::Invited => "proposal.write_full",
                    _ => "proposal.revise",
                })) }
                (error_summary(ee, lang))
                form.form.proposal-form method="post" action=(format!("/proposals/{}/edit", p.id)) novalidate {
                    (csrf_field(csrf))
                    (fields(lang, pg.c, pg.phase, p.stage(), pg.terms, ef, ee, pg.orgs))
                }
            }
        }
        @if pg.editor && (state.withdrawable() || matches!(failed, Failed::Withdraw(..))) {
            @let (wf, we) = match failed { Failed::Withdraw(f, e) => ((*f).clone(), *e), _ => (WithdrawForm::default(), &none) };
            section.section id="withdraw" {
                h2 { (lang.t("proposal.withdraw")) }
                p.hint { (lang.t("proposal.withdraw_hint")) }
                (error_summary(we, lang))
                form.form method="post" action=(format!("/proposals/{}/withdraw", p.id)) novalidate {
                    (csrf_field(csrf))
                    (textarea("reason", &lang.t("proposal.withdraw_reason"), &wf.reason, None, we))
                    div.actions { button.btn.btn-danger type="submit" { (lang.t("proposal.withdraw_button")) } }
                }
            }
        }
        @if pg.organizer && state == ProposalState::Screening {
            @let ce = match failed { Failed::Checklist(e) => *e, _ => &none };
            section.section id="screening" {
                h2 { (lang.t("proposal.screening")) }
                (error_summary(ce, lang))
                form.form method="post" action=(format!("/proposals/{}/checklist", p.id)) {
                    (csrf_field(csrf))
                    fieldset.field.has-error[ce.get("item").is_some()] id="item" {
                        legend { (lang.t("proposal.checklist")) }
                        @for i in ScreenItem::ALL {
                            label.check { input type="checkbox" name="item" value=(i.code()) checked[confirmed.iter().any(|c| c == i.code())]; " " (i.label(lang)) }
                        }
                        @if let Some(m) = ce.get("item") { p.error-msg { (m) } }
                    }
                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("form.save")) } }
                }
            }
        }
        @if let Some(rv) = pg.review {
            @let (rf, re) = match failed { Failed::Reviewers(f, e) => ((*f).clone(), *e), _ => (ReviewerForm::default(), &none) };
            (board_section(lang, p.id, rv.board.as_ref(), rv.assigning, &rv.candidates, &rf, re, csrf))
        }
        @if pg.organizer {
            @let steps = Step::for_organizer(state);
            @if !steps.is_empty() {
                @let (sf, se) = match failed { Failed::Step(f, e) => ((*f).clone(), *e), _ => (StepForm::default(), &none) };
                section.section id="decide" {
                    h2 { (lang.t("proposal.decide")) }
                    (error_summary(se, lang))
                    form.form method="post" action=(format!("/proposals/{}/step", p.id)) novalidate {
                        (csrf_field(csrf))
                        (select("step", &lang.t("proposal.step_label"),
                            &steps.iter().map(|s| (s.code().to_string(), s.label(lang))).collect::<Vec<_>>(),
                            &sf.step, Some(&lang.t("form.choose_one")), se))
                        @if steps.contains(&Step::Approve) {
                            (input("text", "amount", &lang.t("proposal.amount_yuan"), &sf.amount,
                                Some(&lang.tf("proposal.amount_hint", &[("requested", &Fen(p.requested_fen).to_string())])), se, false))
                        }
                        (textarea("message", &lang.t("proposal.message"), &sf.message, Some(&lang.t("proposal.message_hint")), se))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("proposal.decide")) } }
                    }
                }
            }
        }
    }
}

/// The comparison of two revisions.
pub fn diff_page(
    lang: Lang,
    p: &Proposal,
    revisions: &[Revision],
    a: i32,
    b: i32,
    changes: &[(&'static str, Vec<DiffLine>)],
) -> Markup {
    let none = FieldErrors::default();
    let options: Vec<(String, String)> = revisions
        .iter()
        .map(|r| {
            (
                r.number.to_string(),
                lang.tf("proposal.revision_n", &[("n", &r.number.to_string())]),
            )
        })
        .collect();
    html! {
        h1.page-title { (lang.tf("proposal.diff_title", &[("title", &p.title)])) }
        p { a href=(format!("/proposals/{}", p.id)) { (lang.t("proposal.back")) } }
        @if revisions.len() < 2 { div.empty { (lang.t("proposal.nothing_to_compare")) } }
        @else {
            form.filters method="get" action=(format!("/proposals/{}/diff", p.id)) {
                div.form-row {
                    (select("a", &lang.t("proposal.older"), &options, &a.to_string(), None, &none))
                    (select("b", &lang.t("proposal.newer"), &options, &b.to_string(), None, &none))
                }
                div.actions { button.btn.btn-primary type="submit" { (lang.t("proposal.compare")) } }
            }
            @if changes.is_empty() { div.empty id="no-changes" { (lang.t("proposal.no_changes")) } }
            @for (key, lines) in changes {
                section.section.diff-field {
                    h2 { (lang.t(key)) }
                    ul.diff { @for l in lines { @match l {
                        DiffLine::Same(s) => li.diff-same { (s) },
                        DiffLine::Removed(s) => li.diff-removed { del { (s) } },
                        DiffLine::Added(s) => li.diff-added { ins { (s) } },
                    } } }
                }
            }
        }
    }
}

/// The organizer's list of a call's proposals, filtered by state, with the batch form
/// for those awaiting determination.
#[allow(clippy::too_many_arguments)]
pub fn list(
    lang: Lang,
    c: &Call,
    rows: &[Proposal],
    counts: &[(String, i64)],
    approved: Fen,
    state: Option<ProposalState>,
    (page, pages, total): (u64, u64, i64),
    boards: &HashMap<i64, crate::reviews::Board>,
    f: &BatchForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let none = FieldErrors::default();
    let count = |s: ProposalState| {
        counts
            .iter()
            .find(|(c, _)| c == s.code())
            .map_or(0, |(_, n)| *n)
    };
    let states: Vec<(String, String)> = ProposalState::ALL
        .iter()
        .filter(|s| s.visible_to_organizer())
        .map(|s| {
            (
                s.code().to_string(),
                format!("{} ({})", s.label(lang), count(*s)),
            )
        })
        .collect();
    let deciding = rows
        .iter()
        .any(|p| p.state() == ProposalState::Determination);
    // Concept notes are invited or declined, alone or in a batch (never sent to experts).
    let inviting = rows.iter().any(|p| p.state() == ProposalState::Concept);
    let mut decisions = Vec::new();
    if deciding {
        decisions.push(("approve".to_string(), lang.t("proposal.step.approve")));
        decisions.push(("reject".to_string(), lang.t("proposal.step.reject")));
    }
    if inviting {
        decisions.push(("invite".to_string(), lang.t("proposal.step.invite")));
        decisions.push(("decline".to_string(), lang.t("proposal.step.decline")));
    }
    let batchable =
        |s: ProposalState| matches!(s, ProposalState::Determination | ProposalState::Concept);
    html! {
        h1.page-title { (lang.tf("proposal.list_title", &[("title", &c.title)])) }
        p { a href=(format!("/calls/{}", c.id)) { (c.title) } }
        dl.props {
            dt { (lang.t("call.pool")) } dd { (Fen(c.pool_fen)) }
            dt { (lang.t("proposal.approved_total")) } dd.approved-total { (approved) }
        }
        form.filters method="get" action=(format!("/calls/{}/proposals", c.id)) {
            (select("state", &lang.t("proposal.state_label"), &states, state.map_or("", |s| s.code()), Some(&lang.t("form.any")), &none))
            div.actions {
                button.btn.btn-primary type="submit" { (lang.t("form.filter")) }
                a.reset href=(format!("/calls/{}/proposals", c.id)) { (lang.t("form.reset")) }
            }
        }
        p.result-count { (lang.tf("proposal.count", &[("n", &total.to_string())])) }
        (error_summary(e, lang))
        @if rows.is_empty() { div.empty { (lang.t("proposal.none")) } }
        @else {
            form method="post" action=(format!("/calls/{}/proposals/decide", c.id)) novalidate {
                (csrf_field(csrf))
                input type="hidden" name="page" value=(page);
                div.table-wrap.has-error[e.get("ids").is_some()] id="ids" { table.data-table.proposals-table {
                    thead { tr {
                        th.select-cell { span.visually-hidden { (lang.t("proposal.select")) } }
                        th { (lang.t("proposal.title")) } th { (lang.t("proposal.applicant")) }
                        @if c.two_stage { th { (lang.t("proposal.stage_label")) } }
                        th { (lang.t("proposal.state_label")) } th.num { (lang.t("proposal.requested")) }
                        th.num { (lang.t("proposal.approved_amount")) } th { (lang.t("proposal.submitted_at")) }
                        th.num { (lang.t("review.total")) } th { (lang.t("review.submitted_count")) } th { (lang.t("review.missing")) }
                    } }
                    tbody { @for p in rows {
                        tr id=(format!("proposal-{}", p.id)) {
                            td.select-cell { @if batchable(p.state()) {
                                input type="checkbox" name="ids" value=(p.id) checked[f.ids.iter().any(|i| i.trim() == p.id.to_string())]
                                    aria-label=(lang.tf("proposal.select_one", &[("title", &p.title)]));
                            } }
                            td.wide-cell { a href=(format!("/proposals/{}", p.id)) { (p.title) } }
                            td.wide-cell { (p.name) }
                            @if c.two_stage { td.stage { (stage_badge(p.stage(), lang)) } }
                            td { (state_badge(p.state(), lang)) }
                            td.num { (Fen(p.requested_fen)) }
                            td.num { @if let Some(a) = p.approved_fen { (Fen(a)) } }
                            td { (p.submitted_at.map(display_instant).unwrap_or_default()) }
                            (list_cells(lang, boards.get(&p.id)))
                        }
                    } }
                } }
                @if let Some(m) = e.get("ids") { p.error-msg id="ids-error" { (m) } }
                (pager(lang, page, pages, |n| format!("/calls/{}/proposals?state={}&page={n}", c.id, state.map_or("", |s| s.code()))))
                @if !decisions.is_empty() {
                    fieldset.batch id="batch" {
                        legend { (lang.t("proposal.batch")) }
                        p.hint { (lang.t("proposal.batch_hint")) }
                        @if inviting { p.hint { (lang.t("proposal.batch_concept_hint")) } }
                        (select("decision", &lang.t("proposal.decision"),
                            &decisions,
                            &f.decision, Some(&lang.t("form.choose_one")), e))
                        (textarea("message", &lang.t("proposal.message"), &f.message, Some(&lang.t("proposal.message_hint")), e))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("proposal.batch_button")) } }
                    }
                }
            }
        }
    }
}

/// The section under a call's page.
pub fn call_section(
    lang: Lang,
    c: &Call,
    may_apply: bool,
    organizer: bool,
    hidden: bool,
    public: &[(String, String)],
) -> Markup {
    html! {
        section.section id="proposals" {
            h2 { (lang.t("proposal.section")) }
            div.actions {
                @if may_apply { a.btn.btn-primary href=(format!("/calls/{}/apply", c.id)) { (lang.t("proposal.apply")) } " " }
                @if organizer { a.btn.btn-secondary href=(format!("/calls/{}/proposals", c.id)) { (lang.t("proposal.organizer_list")) } }
            }
            @if hidden { p.muted id="sealed-note" { (lang.t("proposal.sealed_note")) } }
            @else if public.is_empty() { div.empty { (lang.t("proposal.none")) } }
            @else {
                ul.public-proposals { @for (title, name) in public { li { (title) " — " span.muted { (name) } } } }
            }
        }
    }
}

/// The workspace panel: the user's (and their organizations') proposals.
pub fn workspace(lang: Lang, rows: &[Proposal], titles: &HashMap<i64, String>) -> Markup {
    html! {
        @if !rows.is_empty() {
            div.panel id="my-proposals" {
                h2 { (lang.t("proposal.mine")) }
                ul { @for p in rows { li {
                    a href=(format!("/proposals/{}", p.id)) { (p.title) }
                    " — " (titles.get(&p.call_id).map(String::as_str).unwrap_or("")) " " (state_badge(p.state(), lang))
                } } }
            }
        }
    }
}

/// The files attached now, each a download for whoever sees the proposal; while a draft or
/// asked for more information, the applicant's upload form and a button to take each off.
fn files_section(lang: Lang, pg: &ProposalPage<'_>, failed: &Failed<'_>, csrf: &str) -> Markup {
    let p = pg.p;
    let none = FieldErrors::default();
    let e = match failed {
        Failed::Files(e) => *e,
        _ => &none,
    };
    let editing = pg.editor && files_editable(p.state());
    html! {
        section.section id="files" {
            h2 { (lang.t("proposal.files")) }
            @if pg.files.is_empty() { div.empty { (lang.t("proposal.no_files")) } }
            @else {
                ul.proposal-files { @for f in pg.files { li {
                    a.file-link href=(format!("/proposals/{}/files/{}", p.id, f.id)) { (f.name) }
                    " " span.muted { (size_label(f.size)) " · " (display_instant(f.uploaded_at)) }
                    @if editing {
                        form.inline method="post" action=(format!("/proposals/{}/files/{}/remove", p.id, f.id)) {
                            (csrf_field(csrf))
                            button.btn.btn-danger type="submit" { (lang.t("proposal.file_remove")) }
                        }
                    }
                } } }
            }
            // A refusal after the proposal moved on (no form any more) still says why.
            @if !editing { @if let Some(m) = e.get("file") { p.error-msg id="file-error" role="alert" { (m) } } }
            @if editing {
                (error_summary(e, lang))
                form.form method="post" enctype="multipart/form-data" action=(format!("/proposals/{}/files", p.id)) novalidate {
                    // First, so the CSRF check reads no further than this part.
                    (csrf_field(csrf))
                    div.field.has-error[e.get("file").is_some()] {
                        label for="file" { (lang.t("proposal.file_attach")) }
                        input type="file" id="file" name="file" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png" aria-describedby="file-hint";
                        p.hint id="file-hint" { (lang.tf("proposal.file_hint", &[("max", &MAX_FILES.to_string())])) }
                        @if let Some(m) = e.get("file") { p.error-msg id="file-error" { (m) } }
                    }
                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("proposal.file_upload")) } }
                }
            }
        }
    }
}
