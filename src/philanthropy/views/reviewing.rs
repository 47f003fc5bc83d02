//! Expert review on the organizer's pages: the review board on a proposal (reviewers and
//! their sheets' state, live totals, averages per criterion with n/a left out,
//! recommendations, who is missing) with the forms to assign and take off reviewers, and
//! the review cells of the organizer's list. Reviewers' names appear only here, on pages
//! only the organizer reaches. No queries here.

use maud::{Markup, html};

use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::reviews::{Board, SheetState, show_milli};
use crate::web::forms::{csrf_field, error_summary, select, textarea};

/// What the organizer typed in a reviewer form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReviewerForm {
    /// The reviewer to assign (user id), or the replacement.
    #[serde(default)]
    pub reviewer: String,
    /// Who replaces the reviewer taken off (user id; empty: nobody).
    #[serde(default)]
    pub replacement: String,
    /// The reviewer to take off (user id).
    #[serde(default)]
    pub old: String,
    /// Why (taking off or replacing).
    #[serde(default)]
    pub reason: String,
    /// Set by the confirmation page's final button.
    #[serde(default)]
    pub confirm: String,
}

fn milli(m: Option<i64>) -> String {
    m.map(show_milli).unwrap_or_else(|| "—".into())
}

/// The review board on a proposal page, with the reviewer forms while `assigning`.
#[allow(clippy::too_many_arguments)]
pub fn board_section(
    lang: Lang,
    proposal_id: i64,
    board: Option<&Board>,
    assigning: bool,
    candidates: &[(i64, String)],
    f: &ReviewerForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let assigned: Vec<(String, String)> = board
        .map(|b| {
            b.rows
                .iter()
                .map(|r| (r.reviewer_id.to_string(), r.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let free: Vec<(String, String)> = candidates
        .iter()
        .filter(|(id, _)| !assigned.iter().any(|(a, _)| *a == id.to_string()))
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    html! {
        section.section id="review-board" {
            h2 { (lang.t("review.board")) }
            @match board {
                None => div.empty { (lang.t("review.no_round")) },
                Some(b) => {
                    dl.props.review-summary {
                        dt { (lang.t("review.total")) } dd.review-total { (milli(b.total)) }
                        dt { (lang.t("review.submitted_count")) } dd.review-submitted { (b.submitted) " / " (b.rows.len()) }
                        dt { (lang.t("review.recommendations")) } dd.review-recs {
                            (lang.tf("review.rec_counts", &[("yes", &b.recs.yes.to_string()), ("maybe", &b.recs.maybe.to_string()), ("no", &b.recs.no.to_string())]))
                        }
                        @let missing = b.missing();
                        @if !missing.is_empty() {
                            dt { (lang.t("review.missing")) } dd.review-missing { (missing.join(&lang.t("review.sep"))) }
                        }
                    }
                    @if b.rows.is_empty() { div.empty { (lang.t("review.no_reviewers")) } }
                    @else {
                        div.table-wrap { table.data-table id="review-reviewers" {
                            thead { tr {
                                th { (lang.t("review.reviewer")) } th { (lang.t("review.state_label")) }
                                th { (lang.t("review.sheet_total")) } th { (lang.t("review.recommendation")) }
                            } }
                            tbody { @for r in &b.rows { tr {
                                td.reviewer-name { (r.name) }
                                td { span class=(format!("badge badge-review-{}", r.state.code())) { (r.state.label(lang)) } }
                                td.num { (milli(r.total)) }
                                td { (r.recommendation.map(|x| x.label(lang)).unwrap_or_default()) }
                            } } }
                        } }
                    }
                    div.table-wrap { table.data-table id="review-averages" {
                        thead { tr {
                            th { (lang.t("review.criterion")) } th { (lang.t("review.weight")) } th { (lang.t("review.average")) }
                        } }
                        tbody { @for (i, c) in b.criteria.iter().enumerate() { tr {
                            td { (c.name) } td.num { (c.weight) "%" }
                            td.num.review-average { (milli(b.averages.get(i).copied().flatten())) }
                        } } }
                    } }
                    p.hint { (lang.t("review.board_hint")) }
                }
            }
            @if assigning {
                (error_summary(e, lang))
                @if let Some(m) = e.get("state") { div.flash.flash-error role="alert" { (m) } }
                form.form id="assign-reviewer" method="post" action=(format!("/proposals/{proposal_id}/reviewers")) {
                    (csrf_field(csrf))
                    h3 { (lang.t("review.assign")) }
                    (select("reviewer", &lang.t("review.reviewer"), &free, &f.reviewer, Some(&lang.t("form.choose_one")), e))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("review.assign")) } }
                }
                @if !assigned.is_empty() {
                    form.form id="remove-reviewer" method="post" action=(format!("/proposals/{proposal_id}/reviewers/remove")) {
                        (csrf_field(csrf))
                        h3 { (lang.t("review.remove")) }
                        (select("old", &lang.t("review.old"), &assigned, &f.old, Some(&lang.t("form.choose_one")), e))
                        (select("replacement", &lang.t("review.replacement"), &free, &f.replacement, Some(&lang.t("review.no_replacement")), e))
                        (textarea("reason", &lang.t("review.reason"), &f.reason, Some(&lang.t("review.reason_hint")), e))
                        div.actions { button.btn.btn-danger type="submit" { (lang.t("review.remove")) } }
                    }
                }
            }
        }
    }
}

/// The review cells of one row in the organizer's list: total, sheets in, who is missing.
pub fn list_cells(lang: Lang, board: Option<&Board>) -> Markup {
    html! {
        @match board {
            None => { td.num { "—" } td {} td {} },
            Some(b) => {
                td.num.review-total { (milli(b.total)) }
                td.review-submitted {
                    (b.submitted) " / " (b.rows.len())
                    @if b.submitted > 0 {
                        " " span.muted { (lang.tf("review.rec_counts", &[("yes", &b.recs.yes.to_string()), ("maybe", &b.recs.maybe.to_string()), ("no", &b.recs.no.to_string())])) }
                    }
                }
                td.review-missing { @for (i, r) in b.rows.iter().filter(|r| r.state != SheetState::Submitted).enumerate() {
                    @if i > 0 { (lang.t("review.sep")) }
                    (r.name)
                } }
            }
        }
    }
}
