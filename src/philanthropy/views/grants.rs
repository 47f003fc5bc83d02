//! Grant pages: the agreement with its signatures, tranches, reports, amendments and
//! completion, each side's forms on it; the workspace panel; the profile's track record.
//! No queries here.

use maud::{Markup, html};

use crate::kernel::Lang;
use crate::kernel::clock::{display_instant, shanghai_date};
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::philanthropy::grant_model::{Amendment, Grant, Report, Tranche};
use crate::philanthropy::grant_rules::{
    AmendmentForm, AmendmentKind, AmendmentState, GrantEvent, GrantState, PayRefusal, PaymentForm,
    ReportForm, ReportState, TerminationForm,
};
use crate::philanthropy::grants::TrackEntry;
use crate::philanthropy::proposal_rules::{BudgetCategory, BudgetLine, Outcome};
use crate::web::forms::{csrf_field, error_summary, input, select, textarea};

/// A grant's state as a badge.
pub fn state_badge(s: GrantState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-grant-{}", s.code())) { (s.label(lang)) } }
}

/// Which form came back with errors (its values and messages), if any.
pub enum Failed<'a> {
    /// None.
    None,
    /// Signing.
    Sign(&'a FieldErrors),
    /// The payment form.
    Pay(&'a PaymentForm, &'a FieldErrors),
    /// The report form.
    Report(&'a ReportForm, &'a FieldErrors),
    /// The organizer's review of a report.
    Review(&'a FieldErrors),
    /// The completion form.
    Complete(&'a FieldErrors),
    /// The amendment request.
    Amend(&'a AmendmentForm, &'a FieldErrors),
    /// The organizer's decision on an amendment.
    Decide(&'a FieldErrors),
    /// A payment, report or amendment after the grant was terminated.
    Terminated(&'a FieldErrors),
    /// The organizer's early termination.
    Terminate(&'a TerminationForm, &'a FieldErrors),
}

/// What the grant page shows.
pub struct GrantPage<'a> {
    /// The grant.
    pub g: &'a Grant,
    /// The organizer's name.
    pub organizer_name: &'a str,
    /// Its tranches.
    pub tranches: &'a [Tranche],
    /// Its reports.
    pub reports: &'a [Report],
    /// Its amendments.
    pub amendments: &'a [Amendment],
    /// Whether the next tranche may be paid now (the organizer's form), or why not.
    pub payable: Result<i32, PayRefusal>,
    /// The viewer acts for the organizer.
    pub organizer: bool,
    /// The viewer acts for the recipient.
    pub recipient: bool,
}

fn day(t: i64) -> String {
    shanghai_date(t).to_string()
}

fn none() -> &'static FieldErrors {
    static NONE: std::sync::OnceLock<FieldErrors> = std::sync::OnceLock::new();
    NONE.get_or_init(FieldErrors::default)
}

/// The grant's page.
pub fn show(lang: Lang, pg: &GrantPage<'_>, failed: &Failed<'_>, csrf: &str) -> Markup {
    let g = pg.g;
    let state = g.state();
    let outcomes: Vec<Outcome> = serde_json::from_str(&g.outcomes).unwrap_or_default();
    let budget: Vec<BudgetLine> = serde_json::from_str(&g.budget).unwrap_or_default();
    let final_report = pg.reports.iter().find(|r| r.is_final);
    let achieved: Vec<i64> = final_report
        .and_then(|r| r.achieved.as_deref())
        .and_then(|a| serde_json::from_str(a).ok())
        .unwrap_or_default();
    let signed_mine = (pg.organizer && g.organizer_signed_at.is_some())
        || (pg.recipient && g.recipient_signed_at.is_some());
    let sign_errors = match failed {
        Failed::Sign(e) => *e,
        _ => none(),
    };
    html! {
        h1.page-title { (g.title) }
        p.grant-state { (state_badge(state, lang)) " " a href=(format!("/proposals/{}", g.proposal_id)) { (lang.t("grant.proposal_link")) } }
        dl.props.grant-facts {
            dt { (lang.t("grant.organizer")) } dd.organizer { (pg.organizer_name) }
            dt { (lang.t("grant.recipient")) }
            dd.recipient {
                @match g.org_id {
                    Some(o) => a href=(format!("/orgs/{o}")) { (g.recipient_name) },
                    None => { (g.recipient_name) },
                }
                @if let Some(u) = &g.recipient_uscc { " " span.muted { (u) } }
            }
            dt { (lang.t("grant.amount")) } dd.amount { (Fen(g.amount_fen)) }
            dt { (lang.t("grant.term")) } dd.term { (day(g.starts_at)) " – " span.ends { (day(g.ends_at)) } }
            dt { (lang.t("grant.signed_organizer")) }
            dd.signed-organizer { @match g.organizer_signed_at { Some(t) => (display_instant(t)), None => span.muted { (lang.t("grant.not_signed")) } } }
            dt { (lang.t("grant.signed_recipient")) }
            dd.signed-recipient { @match g.recipient_signed_at { Some(t) => (display_instant(t)), None => span.muted { (lang.t("grant.not_signed")) } } }
            @if let Some(r) = g.rating { dt { (lang.t("grant.rating")) } dd.rating { (r) " / 5" } }
        }
        @if state == GrantState::Terminated {
            div.flash.flash-info role="note" id="terminated" {
                @if let Failed::Terminated(e) = failed { (error_summary(e, lang)) @if let Some(m) = e.get("terminated") { p.error-msg id="terminated-error" { (m) } } }
                p { (lang.tf("grant.terminated_note", &[("date", &g.terminated_at.map(day).unwrap_or_default())])) }
                @if let Some(r) = &g.termination_reason {
                    p { strong { (lang.t("grant.termination_reason")) ": " } span.prewrap.termination-reason { (r) } }
                }
                p.muted { (lang.t("grant.terminated_money")) }
            }
        }
        @if (pg.organizer || pg.recipient) && matches!(state, GrantState::Drafted | GrantState::SignedOrganizer | GrantState::SignedRecipient) {
            section.section id="sign" {
                h2 { (lang.t("grant.sign")) }
                (error_summary(sign_errors, lang))
                @if signed_mine { p.muted { (lang.t("grant.signed_waiting")) } }
                form.form method="post" action=(format!("/grants/{}/sign", g.id)) {
                    (csrf_field(csrf))
                    div.field.has-error[sign_errors.get("sign").is_some()] id="sign-field" {
                        @if let Some(m) = sign_errors.get("sign") { p.error-msg { (m) } }
                    }
                    button.btn.btn-primary type="submit" { (lang.t("grant.sign_button")) }
                }
            }
        }
        section.section id="tranches" {
            h2 { (lang.t("grant.tranches")) }
            div.table-wrap { table.data-table {
                thead { tr { th.ordinal { "#" } th.num { (lang.t("grant.amount")) } th { (lang.t("grant.paid_on")) } th { (lang.t("grant.reference")) } } }
                tbody { @for t in pg.tranches { tr {
                    td.ordinal { (t.number) } td.num { (Fen(t.amount_fen)) }
                    td { @match &t.paid_on {
                        Some(d) => (d),
                        None => {
                            @if state == GrantState::Terminated { span.muted.cancelled { (lang.t("grant.cancelled")) } }
                            @else { span.muted { (lang.t("grant.unpaid")) } }
                        },
                    } }
                    td { (t.reference.as_deref().unwrap_or("")) }
                } } }
            } }
            @if pg.organizer && state == GrantState::Active {
                @match pg.payable {
                    Ok(n) => {
                        @let (f, e) = match failed { Failed::Pay(f, e) => ((*f).clone(), *e), _ => (PaymentForm {
                            amount: pg.tranches.iter().find(|t| t.number == n).map(|t| Fen(t.amount_fen).to_input()).unwrap_or_default(),
                            ..Default::default()
                        }, none()) };
                        h3 { (lang.tf("grant.pay_title", &[("n", &n.to_string())])) }
                        (error_summary(e, lang))
                        form.form.pay-form method="post" action=(format!("/grants/{}/pay", g.id)) novalidate {
                            (csrf_field(csrf))
                            (input("date", "paid_on", &lang.t("grant.paid_on"), &f.paid_on, None, e, true))
                            (input("text", "amount", &lang.t("grant.amount_yuan"), &f.amount, None, e, true))
                            (input("text", "reference", &lang.t("grant.reference"), &f.reference, None, e, true))
                            button.btn.btn-primary type="submit" { (lang.t("grant.pay_button")) }
                        }
                    }
                    Err(r) => {
                        @if let Failed::Pay(_, e) = failed { (error_summary(e, lang)) }
                        @if r != PayRefusal::AllPaid { p.held id="held" { (r.message(lang)) } }
                    }
                }
            }
        }
        section.section id="reports" {
            h2 { (lang.t("grant.reports")) }
            div.table-wrap { table.data-table {
                thead { tr { th.ordinal { "#" } th { (lang.t("grant.due")) } th { (lang.t("grant.report_state_h")) } th.num { (lang.t("grant.spent")) } th { (lang.t("grant.narrative")) } } }
                tbody { @for r in pg.reports { tr.report id=(format!("report-{}", r.number)) {
                    td.ordinal { (r.number) @if r.is_final { " " span.muted { (lang.t("grant.final")) } } }
                    td { (day(r.due_at)) }
                    td.report-state { (r.state().label(lang)) @if let Some(why) = &r.reason { @if r.state() == ReportState::Returned { " — " (why) } } }
                    td.num { @if let Some(s) = r.spent_fen { (Fen(s)) } }
                    td.prewrap { (r.narrative.as_deref().unwrap_or("")) }
                } } }
            } }
            @if pg.recipient && state == GrantState::Active {
                @if let Some(r) = pg.reports.iter().find(|r| r.state().submittable()) {
                    @let (f, e) = match failed { Failed::Report(f, e) => ((*f).clone(), *e), _ => (ReportForm::default(), none()) };
                    h3 { (lang.tf("grant.report_title", &[("n", &r.number.to_string()), ("due", &day(r.due_at))])) }
                    (error_summary(e, lang))
                    form.form.report-form method="post" action=(format!("/grants/{}/report", g.id)) novalidate {
                        (csrf_field(csrf))
                        input type="hidden" name="report" value=(r.id);
                        (textarea("narrative", &lang.t("grant.narrative"), &f.narrative, None, e))
                        (input("text", "spent", &lang.t("grant.spent_yuan"), &f.spent, None, e, true))
                        fieldset.field.has-error[e.get("achieved").is_some()] id="achieved" {
                            legend { (lang.t("grant.achieved")) }
                            @for (i, o) in outcomes.iter().enumerate() {
                                label { (o.indicator) " (" (lang.t("grant.planned")) " " (o.target) ") "
                                    input type="number" min="0" name="achieved" value=(f.achieved.get(i).cloned().unwrap_or_default());
                                }
                            }
                            @if let Some(m) = e.get("achieved") { p.error-msg { (m) } }
                        }
                        button.btn.btn-primary type="submit" { (lang.t("grant.report_button")) }
                    }
                }
            }
            @if pg.organizer && state == GrantState::Active {
                @if let Some(r) = pg.reports.iter().find(|r| r.state() == ReportState::Submitted) {
                    @let e = match failed { Failed::Review(e) => *e, _ => none() };
                    h3 { (lang.tf("grant.review_title", &[("n", &r.number.to_string())])) }
                    (error_summary(e, lang))
                    form.form.review-form method="post" action=(format!("/grants/{}/review", g.id)) novalidate {
                        (csrf_field(csrf))
                        input type="hidden" name="report" value=(r.id);
                        (select("decision", &lang.t("grant.decision"), &[
                            ("accept".to_string(), lang.t("grant.accept")),
                            ("return".to_string(), lang.t("grant.return")),
                        ], "", Some(""), e))
                        (textarea("reason", &lang.t("grant.reason"), "", None, e))
                        button.btn.btn-primary type="submit" { (lang.t("grant.decide_button")) }
                    }
                }
            }
        }
        section.section id="outcomes" {
            h2 { (lang.t("grant.outcomes")) }
            div.table-wrap { table.data-table {
                thead { tr { th { (lang.t("grant.indicator")) } th.num { (lang.t("grant.planned")) } th.num { (lang.t("grant.achieved_final")) } } }
                tbody { @for (i, o) in outcomes.iter().enumerate() { tr {
                    td { (o.indicator) } td.num { (o.target) }
                    td.num.achieved { @if let Some(a) = achieved.get(i) { (a) } }
                } } }
            } }
        }
        @if pg.organizer && state == GrantState::Active && final_report.is_some_and(|r| r.state() == ReportState::Accepted) {
            @let e = match failed { Failed::Complete(e) => *e, _ => none() };
            section.section id="complete" {
                h2 { (lang.t("grant.complete")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/grants/{}/complete", g.id)) novalidate {
                    (csrf_field(csrf))
                    (select("rating", &lang.t("grant.rating"), &(1..=5).map(|r| (r.to_string(), format!("{r} / 5"))).collect::<Vec<_>>(), "", Some(""), e))
                    button.btn.btn-primary type="submit" { (lang.t("grant.complete_button")) }
                }
            }
        }
        section.section id="budget" {
            h2 { (lang.t("grant.budget")) }
            div.table-wrap { table.data-table {
                thead { tr { th { (lang.t("grant.category")) } th { (lang.t("grant.item")) } th.num { (lang.t("grant.amount")) } } }
                tbody { @for b in &budget { tr {
                    td { (BudgetCategory::parse(&b.category).map(|c| c.label(lang)).unwrap_or_default()) }
                    td { (b.item) } td.num { (b.amount) }
                } } }
            } }
        }
        section.section id="amendments" {
            h2 { (lang.t("grant.amendments")) }
            @if pg.amendments.is_empty() { div.empty { (lang.t("grant.no_amendments")) } }
            @else {
                div.table-wrap { table.data-table {
                    thead { tr { th { (lang.t("grant.amendment_kind_h")) } th { (lang.t("grant.requested_at")) } th { (lang.t("grant.reason")) } th { (lang.t("grant.amendment_state_h")) } th { (lang.t("grant.decision")) } } }
                    tbody { @for a in pg.amendments { tr.amendment {
                        td { (AmendmentKind::parse(&a.kind).map(|k| k.label(lang)).unwrap_or_default())
                            @if let Some(e) = a.new_ends_at { " → " (day(e)) } }
                        td { (display_instant(a.requested_at)) }
                        td.prewrap { (a.reason) }
                        td.amendment-state { (AmendmentState::parse(&a.state).map(|s| s.label(lang)).unwrap_or_default()) }
                        td.prewrap { (a.decision.as_deref().unwrap_or("")) }
                    } } }
                } }
            }
            @let pending = pg.amendments.iter().find(|a| a.state == AmendmentState::Pending.code());
            @if pg.organizer && state == GrantState::Active {
                @if let Some(a) = pending {
                    @let e = match failed { Failed::Decide(e) => *e, _ => none() };
                    h3 { (lang.t("grant.decide_amendment")) }
                    (error_summary(e, lang))
                    form.form.decide-form method="post" action=(format!("/grants/{}/amendments/decide", g.id)) novalidate {
                        (csrf_field(csrf))
                        input type="hidden" name="amendment" value=(a.id);
                        (select("decision", &lang.t("grant.decision"), &[
                            ("approve".to_string(), lang.t("grant.approve")),
                            ("refuse".to_string(), lang.t("grant.refuse")),
                        ], "", Some(""), e))
                        (textarea("reason", &lang.t("grant.reason"), "", None, e))
                        button.btn.btn-primary type="submit" { (lang.t("grant.decide_button")) }
                    }
                }
            }
            @if pg.recipient && state == GrantState::Active && pending.is_none() {
                @let (f, e) = match failed { Failed::Amend(f, e) => ((*f).clone(), *e), _ => (AmendmentForm::default(), none()) };
                h3 { (lang.t("grant.request_amendment")) }
                (error_summary(e, lang))
                form.form.amend-form method="post" action=(format!("/grants/{}/amendments", g.id)) novalidate {
                    (csrf_field(csrf))
                    (select("kind", &lang.t("grant.amendment_kind_h"), &AmendmentKind::ALL.iter().map(|k| (k.code().to_string(), k.label(lang))).collect::<Vec<_>>(), &f.kind, Some(""), e))
                    (input("date", "ends_on", &lang.t("grant.ends_on"), &f.ends_on, Some(&lang.t("grant.ends_on_hint")), e, false))
                    fieldset.field.has-error[e.get("budget").is_some()] id="budget-lines" {
                        legend { (lang.t("grant.budget_revision")) }
                        p.hint { (lang.tf("grant.budget_hint", &[("total", &budget.iter().map(|b| b.amount).sum::<Fen>().to_string())])) }
                        @for i in 0..(budget.len().max(f.budget_category.len()) + 1) {
                            div.budget-row {
                                select name="budget_category" aria-label=(lang.t("grant.category")) {
                                    option value="" { "" }
                                    @for c in BudgetCategory::ALL {
                                        @let chosen = f.budget_category.get(i).map(String::as_str).or(if f.budget_category.is_empty() { budget.get(i).map(|b| b.category.as_str()) } else { None });
                                        option value=(c.code()) selected[chosen == Some(c.code())] { (c.label(lang)) }
                                    }
                                }
                                input type="text" name="budget_item" aria-label=(lang.t("grant.item")) value=(f.budget_item.get(i).cloned().or_else(|| if f.budget_item.is_empty() { budget.get(i).map(|b| b.item.clone()) } else { None }).unwrap_or_default());
                                input type="text" name="budget_amount" aria-label=(lang.t("grant.amount_yuan")) value=(f.budget_amount.get(i).cloned().or_else(|| if f.budget_amount.is_empty() { budget.get(i).map(|b| b.amount.to_input()) } else { None }).unwrap_or_default());
                            }
                        }
                        @if let Some(m) = e.get("budget") { p.error-msg { (m) } }
                    }
                    (textarea("reason", &lang.t("grant.reason"), &f.reason, None, e))
                    button.btn.btn-primary type="submit" { (lang.t("grant.request_button")) }
                }
            }
        }
        @if pg.organizer && (state.apply(GrantEvent::Terminate).is_ok() || matches!(failed, Failed::Terminate(..))) {
            @let (f, e) = match failed { Failed::Terminate(f, e) => ((*f).clone(), *e), _ => (TerminationForm::default(), none()) };
            section.section id="terminate" {
                h2 { (lang.t("grant.terminate")) }
                p.hint { (lang.t("grant.terminate_hint")) }
                (error_summary(e, lang))
                form.form.terminate-form method="post" action=(format!("/grants/{}/terminate", g.id)) novalidate {
                    (csrf_field(csrf))
                    (textarea("reason", &lang.t("grant.termination_reason"), &f.reason, None, e))
                    button.btn.btn-danger type="submit" { (lang.t("grant.terminate_button")) }
                }
            }
        }
    }
}

/// The section under an approved proposal: its grant, or the organizer's button to draw it
/// up.
pub fn proposal_section(
    lang: Lang,
    proposal_id: i64,
    grant: Option<&Grant>,
    organizer: bool,
    csrf: &str,
) -> Markup {
    html! {
        section.section id="grant" {
            h2 { (lang.t("grant.agreement")) }
            @match grant {
                Some(g) => p { a href=(format!("/grants/{}", g.id)) { (g.title) } " " (state_badge(g.state(), lang)) },
                None => @if organizer {
                    form.form method="post" action=(format!("/proposals/{proposal_id}/grant")) {
                        (csrf_field(csrf))
                        button.btn.btn-primary type="submit" { (lang.t("grant.create_button")) }
                    }
                } @else { p.muted { (lang.t("grant.none_yet")) } },
            }
        }
    }
}

/// The workspace panel: the grants the user's side receives or organizes.
pub fn workspace(lang: Lang, received: &[Grant], organized: &[Grant]) -> Markup {
    let list = |rows: &[Grant]| {
        html! { ul { @for g in rows { li {
            a href=(format!("/grants/{}", g.id)) { (g.title) } " — " (g.recipient_name) " " (Fen(g.amount_fen)) " " (state_badge(g.state(), lang))
        } } } }
    };
    html! {
        @if !received.is_empty() {
            div.panel id="my-grants" { h2 { (lang.t("grant.mine")) } (list(received)) }
        }
        @if !organized.is_empty() {
            div.panel id="organized-grants" { h2 { (lang.t("grant.organized")) } (list(organized)) }
        }
    }
}

/// The organization's completed grants with their ratings, on its profile.
pub fn track_record(lang: Lang, rows: &[TrackEntry]) -> Markup {
    html! {
        @if !rows.is_empty() {
            section.section.grant-track-record id="grant-track-record" {
                h2 { (lang.t("grant.track_record")) }
                ul.plain { @for t in rows { li {
                    a href=(format!("/grants/{}", t.id)) { (t.title) } " " (t.amount) " "
                    span.rating { (crate::contracts::stars(t.rating)) } " " span.muted { (day(t.completed_at)) }
                } } }
            }
        }
    }
}
