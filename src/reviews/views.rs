//! Reviewer's pages: the list of assignments and the sheet (a form while it may change,
//! read-only once submitted). No queries here.

use maud::{Markup, html};

use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::reviews::rules::{COMMENT_FIELDS, Recommendation, SCORE_FIELDS, SheetForm, SheetState};
use crate::reviews::{Assignment, Round};
use crate::web::forms::{csrf_field, error_summary};

/// A sheet state's badge.
pub fn state_badge(s: SheetState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-review-{}", s.code())) { (s.label(lang)) } }
}

/// `/me/reviews`: the assignments, newest first, with the subject and the sheet's state.
pub fn mine(lang: Lang, rows: &[(Assignment, Round)]) -> Markup {
    html! {
        h1.page-title { (lang.t("review.mine_title")) }
        @if rows.is_empty() {
            p.empty { (lang.t("review.none")) }
        } @else {
            div.table-wrap { table.data-table id="my-reviews" {
                thead { tr {
                    th { (lang.t("review.subject_label")) }
                    th { (lang.t("review.kind")) }
                    th { (lang.t("review.state_label")) }
                    th { (lang.t("review.assigned_at")) }
                } }
                tbody { @for (a, r) in rows { tr {
                    td { a href=(format!("/reviews/{}", a.id)) { (r.title) } }
                    td { (crate::reviews::SubjectKind::parse(&r.subject_kind).map(|k| k.label(lang)).unwrap_or_default()) }
                    td { (state_badge(a.sheet_state(), lang))
                        @if !r.is_open() { " " span.muted { (lang.t("review.closed")) } } }
                    td { (crate::kernel::clock::display_instant(a.assigned_at)) }
                } } }
            } }
        }
    }
}

/// The sheet: per criterion the score (0–5 or n/a) and a comment, the recommendation, the
/// declaration; "save draft" and "submit" buttons while it may change.
pub fn sheet(
    lang: Lang,
    a: &Assignment,
    r: &Round,
    f: &SheetForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let state = a.sheet_state();
    let editable = state.editable() && r.is_open();
    let criteria = r.criteria();
    html! {
        h1.page-title { (r.title) }
        p.review-state { (state_badge(state, lang)) " "
            a href=(r.link) { (lang.t("review.read_subject")) } }
        @if !r.is_open() && state.editable() {
            div.flash.flash-info role="note" { (lang.t("review.closed_note")) }
        }
        @if let Some(m) = e.get("sheet") {
            div.flash.flash-error role="alert" id="sheet" { (m) }
        }
        p.hint { (lang.t("review.scale_hint")) }
        form.form.review-sheet method="post" action=(format!("/reviews/{}", a.id)) {
            (csrf_field(csrf))
            (error_summary(e, lang))
            div.table-wrap { table.data-table id="sheet-table" {
                thead { tr {
                    th { (lang.t("review.criterion")) }
                    th { (lang.t("review.weight")) }
                    th { (lang.t("review.score")) }
                    th { (lang.t("review.comment")) }
                } }
                tbody { @for (i, c) in criteria.iter().enumerate().take(SCORE_FIELDS.len()) {
                    @let (score, comment) = f.cells.get(i).cloned().unwrap_or_default();
                    @let sf = SCORE_FIELDS[i];
                    @let cf = COMMENT_FIELDS[i];
                    tr {
                        td { label for=(sf) { (c.name) } }
                        td.num { (c.weight) "%" }
                        td.field.has-error[e.get(sf).is_some()] {
                            @if editable {
                                input type="text" id=(sf) name=(sf) value=(score) size="3" inputmode="numeric"
                                    aria-invalid=[e.get(sf).map(|_| "true")]
                                    aria-describedby=[e.get(sf).map(|_| format!("{sf}-error"))];
                            } @else {
                                span.mark { @if score == "na" { (lang.t("review.na")) } @else { (score) } }
                            }
                            @if let Some(m) = e.get(sf) { p.error-msg id=(format!("{sf}-error")) { (m) } }
                        }
                        td.field.has-error[e.get(cf).is_some()] {
                            @if editable {
                                textarea id=(cf) name=(cf) rows="2" aria-label=(lang.t("review.comment")) { (comment) }
                            } @else {
                                span.prewrap { (comment) }
                            }
                            @if let Some(m) = e.get(cf) { p.error-msg { (m) } }
                        }
                    }
                } }
            } }
            div.field.has-error[e.get("recommendation").is_some()] id="recommendation" {
                p { strong { (lang.t("review.recommendation")) } }
                @for rec in Recommendation::ALL {
                    label.check {
                        input type="radio" name="recommendation" value=(rec.code())
                            checked[f.recommendation == rec.code()] disabled[!editable];
                        " " (rec.label(lang))
                    }
                    " "
                }
                @if let Some(m) = e.get("recommendation") { p.error-msg { (m) } }
            }
            div.field.has-error[e.get("declared").is_some()] {
                label.check {
                    input type="checkbox" id="declared" name="declared" value="1" checked[f.declared] disabled[!editable];
                    " " (lang.t("review.declaration"))
                }
                @if let Some(m) = e.get("declared") { p.error-msg { (m) } }
            }
            @if editable {
                div.actions {
                    button.btn type="submit" name="action" value="save" { (lang.t("review.save")) }
                    " "
                    button.btn.btn-primary type="submit" formaction=(format!("/reviews/{}/submit", a.id)) { (lang.t("review.submit")) }
                }
            }
        }
    }
}

/// The workspace panel: sheets waiting and the link to the list.
pub fn workspace_panel(lang: Lang, open: usize) -> Markup {
    html! {
        div.panel id="my-reviews-panel" {
            h2 { (lang.t("review.mine_title")) }
            p { a href="/me/reviews" { (lang.tf("review.waiting", &[("n", &open.to_string())])) } }
        }
    }
}
