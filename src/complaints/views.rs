//! Complaint pages: the public form, the page that shows the tracking code once, the
//! tracking page, the public list of published outcomes, and the regulators' list and case
//! page. Functions of data to markup; no queries.

use maud::{Markup, html};

use super::model::{Complaint, FileMeta, Reply};
use super::rules::{
    AssignForm, CaseState, ComplaintForm, ConcludeForm, MAX_FILES, Outcome, ReplyForm, TimeLimits,
};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::web::forms::{csrf_field, error_summary, input, select, textarea};
use crate::web::pager::pager;

/// A case's state as a badge.
pub fn state_badge(s: CaseState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-complaint-{}", s.code())) { (s.label(lang)) } }
}

fn overdue_badge(lang: Lang) -> Markup {
    html! { span.badge.badge-overdue { (lang.t("complaints.overdue")) } }
}

/// `/complaints/new`: the public form (multipart: text fields, then the files).
pub fn new_form(
    lang: Lang,
    f: &ComplaintForm,
    e: &FieldErrors,
    csrf: &str,
    signed_in: bool,
) -> Markup {
    let abouts = vec![
        ("org".to_string(), lang.t("complaints.about.org")),
        ("general".to_string(), lang.t("complaints.about.general")),
    ];
    html! {
        h1.page-title { (lang.t("complaints.new_title")) }
        p.lead { (lang.t("complaints.new_lead")) }
        (error_summary(e, lang))
        form.form method="post" action="/complaints" enctype="multipart/form-data" novalidate {
            (csrf_field(csrf))
            (select("about", &lang.t("complaints.field.about"), &abouts, &f.about, Some(&lang.t("form.choose")), e))
            (input("text", "org", &lang.t("complaints.field.org"), &f.org, Some(&lang.t("complaints.hint.org")), e, false))
            (input("text", "subject", &lang.t("complaints.field.subject"), &f.subject, None, e, true))
            (textarea("body", &lang.t("complaints.field.body"), &f.body, None, e))
            (input("text", "contact", &lang.t("complaints.field.contact"), &f.contact, Some(&lang.t("complaints.hint.contact")), e, false))
            @if signed_in {
                div.field.has-error[e.get("anonymous").is_some()] {
                    label.check { input type="checkbox" id="anonymous" name="anonymous" value="1" checked[f.anonymous == "1"]; " " (lang.t("complaints.field.anonymous")) }
                    @if let Some(m) = e.get("anonymous") { p.error-msg id="anonymous-error" { (m) } }
                }
            }
            div.field.has-error[e.get("files").is_some()] {
                label for="files" { (lang.t("complaints.field.files")) }
                input type="file" id="files" name="files" multiple accept=".pdf,.png,.jpg,.jpeg"
                    aria-invalid=[e.get("files").map(|_| "true")]
                    aria-describedby=[e.get("files").map(|_| "files-error")];
                p.hint { (lang.tf("complaints.hint.files", &[("max", &MAX_FILES.to_string())])) }
                @if let Some(m) = e.get("files") { p.error-msg id="files-error" { (m) } }
            }
            p.hint { (lang.t("complaints.privacy")) }
            div.actions { button.btn.btn-primary type="submit" { (lang.t("complaints.submit")) } }
        }
    }
}

/// The page after filing: the tracking code, shown this once.
pub fn received(lang: Lang, code: &str) -> Markup {
    html! {
        h1.page-title { (lang.t("complaints.received_title")) }
        div.panel {
            p { (lang.t("complaints.code_label")) }
            p { code.tracking-code id="tracking-code" { (code) } }
            p.hint { (lang.t("complaints.code_once")) }
        }
        p { a href="/complaints/track" { (lang.t("complaints.track_title")) } }
    }
}

/// `/complaints/track`: the form asking for the code; `not_found` when the typed code names
/// no complaint (the same words for a malformed code and an unknown one).
pub fn track_form(lang: Lang, csrf: &str, not_found: bool) -> Markup {
    html! {
        h1.page-title { (lang.t("complaints.track_title")) }
        p.lead { (lang.t("complaints.track_lead")) }
        @if not_found { div.form-errors role="alert" { p { (lang.t("complaints.track_none")) } } }
        form.form method="post" action="/complaints/track" {
            (csrf_field(csrf))
            (input("text", "code", &lang.t("complaints.code_label"), "", None, &FieldErrors::default(), true))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("complaints.track_button")) } }
        }
    }
}

/// What the holder of the code sees: state, dates, public replies and the outcome.
pub fn tracked(lang: Lang, c: &Complaint, org_name: Option<&str>, replies: &[Reply]) -> Markup {
    html! {
        h1.page-title { (lang.t("complaints.tracked_title")) }
        dl.facts {
            dt { (lang.t("complaints.field.subject")) } dd { (c.subject) }
            dt { (lang.t("complaints.field.about")) }
            dd { @match org_name { Some(n) => (n), None => (lang.t("complaints.about.general")) } }
            dt { (lang.t("complaints.filed_at")) } dd { (display_instant(c.created_at)) }
            dt { (lang.t("complaints.status")) } dd.complaint-state { (state_badge(c.state(), lang)) }
            dt { (lang.t("complaints.since")) } dd { (display_instant(c.state_since)) }
        }
        @if let (Some(o), Some(t)) = (c.outcome(), &c.outcome_text) {
            section.panel.complaint-outcome {
                h2 { (lang.t("complaints.outcome_title")) ": " (o.label(lang)) }
                p.prewrap { (t) }
            }
        }
        section.panel {
            h2 { (lang.t("complaints.replies")) }
            @if replies.is_empty() { p.muted { (lang.t("complaints.no_replies")) } }
            ul.replies { @for r in replies { li.reply {
                span.muted { (display_instant(r.created_at)) } p.prewrap { (r.body) }
            } } }
        }
    }
}

/// One published outcome in the public list.
pub struct OutcomeRow<'a> {
    /// The case.
    pub complaint: &'a Complaint,
    /// Its organization's name (`None`: a general matter).
    pub org: Option<(i64, &'a str)>,
}

/// `/complaints`: how to complain and follow a complaint, and the published outcomes (the
/// organization, the outcome and its text; never the complaint's text nor who filed it).
pub fn public_list(
    lang: Lang,
    rows: &[OutcomeRow<'_>],
    total: u64,
    page: u64,
    pages: u64,
) -> Markup {
    html! {
        h1.page-title { (lang.t("complaints.title")) }
        p.lead { (lang.t("complaints.lead")) }
        p.actions {
            a.btn.btn-primary href="/complaints/new" { (lang.t("complaints.new_title")) }
            " "
            a.btn.btn-secondary href="/complaints/track" { (lang.t("complaints.track_title")) }
        }
        h2 { (lang.tf("complaints.published_title", &[("n", &total.to_string())])) }
        @if rows.is_empty() {
            div.empty { (lang.t("complaints.published_none")) }
        } @else {
            div.table-wrap { table.data-table.published-outcomes {
                thead { tr {
                    th { (lang.t("complaints.concluded_at")) }
                    th { (lang.t("complaints.field.about")) }
                    th { (lang.t("complaints.outcome_title")) }
                    th { (lang.t("complaints.outcome_text")) }
                } }
                tbody { @for r in rows { tr {
                    td { @if let Some(t) = r.complaint.concluded_at { (display_instant(t)) } }
                    td { @match r.org {
                        Some((id, n)) => a href=(format!("/orgs/{id}")) { (n) },
                        None => (lang.t("complaints.about.general")),
                    } }
                    td { @if let Some(o) = r.complaint.outcome() { (o.label(lang)) } }
                    td.prewrap { (r.complaint.outcome_text.as_deref().unwrap_or("")) }
                } } }
            } }
            (pager(lang, page, pages, |p| format!("/complaints?page={p}")))
        }
    }
}

/// The regulators' list filters.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct QueueQuery {
    /// State code, `open` (default) or `all`.
    #[serde(default)]
    pub state: String,
    /// Page.
    #[serde(default)]
    pub page: String,
}

/// One case in the regulators' list.
pub struct QueueRow<'a> {
    /// The case.
    pub complaint: &'a Complaint,
    /// Its organization's name.
    pub org_name: Option<&'a str>,
    /// The regulator responsible.
    pub assignee: Option<&'a str>,
    /// When its state's limit runs out.
    pub due: Option<i64>,
    /// Past that limit.
    pub overdue: bool,
}

/// `/regulation/complaints`: cases by state, oldest in their state first, the overdue ones
/// highlighted.
pub fn queue(
    lang: Lang,
    q: &QueueQuery,
    rows: &[QueueRow<'_>],
    counts: (usize, usize),
    limits: &TimeLimits,
    page: u64,
    pages: u64,
) -> Markup {
    let mut states: Vec<(String, String)> = vec![
        ("open".to_string(), lang.t("complaints.filter.open")),
        ("all".to_string(), lang.t("complaints.filter.all")),
    ];
    states.extend(
        CaseState::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label(lang))),
    );
    let current = if q.state.is_empty() {
        "open"
    } else {
        q.state.as_str()
    };
    html! {
        h1.page-title { (lang.t("complaints.queue_title")) }
        p.lead {
            (lang.tf("complaints.queue_counts", &[("open", &counts.0.to_string()), ("overdue", &counts.1.to_string())]))
            " "
            (lang.tf("complaints.limits", &[
                ("received", &limits.received.to_string()),
                ("assigned", &limits.assigned.to_string()),
                ("investigating", &limits.investigating.to_string()),
            ]))
        }
        form.filters method="get" action="/regulation/complaints" {
            (select("state", &lang.t("complaints.status"), &states, current, None, &FieldErrors::default()))
            button.btn.btn-secondary type="submit" { (lang.t("form.filter")) }
        }
        @if rows.is_empty() {
            div.empty { (lang.t("complaints.queue_none")) }
        } @else {
            div.table-wrap { table.data-table.complaint-queue {
                thead { tr {
                    th { "#" }
                    th { (lang.t("complaints.field.subject")) }
                    th { (lang.t("complaints.field.about")) }
                    th { (lang.t("complaints.status")) }
                    th { (lang.t("complaints.assignee")) }
                    th { (lang.t("complaints.due")) }
                } }
                tbody { @for r in rows {
                    tr.row-overdue[r.overdue] id=(format!("complaint-{}", r.complaint.id)) {
                        td { (r.complaint.id) }
                        td { a href=(format!("/regulation/complaints/{}", r.complaint.id)) { (r.complaint.subject) } }
                        td { (r.org_name.map(str::to_string).unwrap_or_else(|| lang.t("complaints.about.general"))) }
                        td { (state_badge(r.complaint.state(), lang)) }
                        td { (r.assignee.unwrap_or("—")) }
                        td { @if let Some(d) = r.due { (display_instant(d)) } " " @if r.overdue { (overdue_badge(lang)) } }
                    }
                } }
            } }
            (pager(lang, page, pages, |p| format!("/regulation/complaints?state={current}&page={p}")))
        }
    }
}

/// What the case page shows.
pub struct CaseView<'a> {
    /// The case.
    pub complaint: &'a Complaint,
    /// Its organization.
    pub org: Option<(i64, &'a str)>,
    /// The account that filed it, unless anonymous: name and e-mail.
    pub filer: Option<(&'a str, &'a str)>,
    /// The regulator responsible.
    pub assignee: Option<&'a str>,
    /// Every regulator (id, name): the assignment's choices.
    pub regulators: &'a [(i64, String)],
    /// Replies and notes.
    pub replies: &'a [Reply],
    /// Attachments.
    pub files: &'a [FileMeta],
    /// The state's deadline.
    pub due: Option<i64>,
    /// Past it.
    pub overdue: bool,
    /// The CSRF token.
    pub csrf: &'a str,
    /// A form that came back with errors.
    pub failed: Failed<'a>,
}

/// The form that came back with errors, if any.
#[derive(Default)]
pub struct Failed<'a> {
    /// Assignment.
    pub assign: Option<(&'a AssignForm, &'a FieldErrors)>,
    /// Reply.
    pub reply: Option<(&'a ReplyForm, &'a FieldErrors)>,
    /// Conclusion.
    pub conclude: Option<(&'a ConcludeForm, &'a FieldErrors)>,
}

/// `/regulation/complaints/{id}`: the case with who filed it, its files, replies and the
/// forms of the next steps.
pub fn case_page(lang: Lang, v: &CaseView<'_>) -> Markup {
    let c = v.complaint;
    let base = format!("/regulation/complaints/{}", c.id);
    let none = FieldErrors::default();
    let state = c.state();
    let regs: Vec<(String, String)> = v
        .regulators
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    let outcomes: Vec<(String, String)> = Outcome::ALL
        .iter()
        .map(|o| (o.code().to_string(), o.label(lang)))
        .collect();
    let visibilities = vec![
        ("public".to_string(), lang.t("complaints.visibility.public")),
        (
            "internal".to_string(),
            lang.t("complaints.visibility.internal"),
        ),
    ];
    html! {
        p { a href="/regulation/complaints" { "← " (lang.t("complaints.queue_title")) } }
        h1.page-title { (lang.tf("complaints.case_title", &[("id", &c.id.to_string())])) " " (c.subject) }
        dl.facts {
            dt { (lang.t("complaints.status")) }
            dd.complaint-state { (state_badge(state, lang)) @if v.overdue { " " (overdue_badge(lang)) } }
            @if let Some(d) = v.due { dt { (lang.t("complaints.due")) } dd { (display_instant(d)) } }
            dt { (lang.t("complaints.field.about")) }
            dd { @match v.org {
                Some((id, n)) => a href=(format!("/orgs/{id}")) { (n) },
                None => (lang.t("complaints.about.general")),
            } }
            dt { (lang.t("complaints.filed_at")) } dd { (display_instant(c.created_at)) }
            dt { (lang.t("complaints.filer")) }
            dd.complaint-filer { @match v.filer {
                Some((n, e)) => { (n) " · " (e) },
                None => (lang.t("complaints.anonymous")),
            } }
            dt { (lang.t("complaints.field.contact")) }
            dd.complaint-contact { (c.contact.as_deref().unwrap_or("—")) }
            dt { (lang.t("complaints.assignee")) } dd { (v.assignee.unwrap_or("—")) }
        }
        p.hint { (lang.t("complaints.identity_private")) }
        section.panel {
            h2 { (lang.t("complaints.field.body")) }
            p.prewrap.complaint-body { (c.body) }
            @if !v.files.is_empty() {
                h3 { (lang.t("complaints.field.files")) }
                ul.complaint-files { @for f in v.files { li {
                    a href=(format!("{base}/files/{}", f.id)) download { (f.name) }
                    " " span.muted { (f.mime) " · " (f.size) " B · " code { (f.sha256.get(..16).unwrap_or("")) } }
                } } }
            }
        }
        @if let (Some(o), Some(t)) = (c.outcome(), &c.outcome_text) {
            section.panel.complaint-outcome {
                h2 { (lang.t("complaints.outcome_title")) ": " (o.label(lang)) }
                p.prewrap { (t) }
                p.muted { (lang.t(if c.published { "complaints.is_published" } else { "complaints.not_published" })) }
            }
        }
        section.panel {
            h2 { (lang.t("complaints.replies")) }
            @if v.replies.is_empty() { p.muted { (lang.t("complaints.no_replies")) } }
            ul.replies { @for r in v.replies { li.reply {
                span.muted { (display_instant(r.created_at)) " · "
                    (lang.t(if r.public { "complaints.visibility.public" } else { "complaints.visibility.internal" })) }
                p.prewrap { (r.body) }
            } } }
        }
        @if state.apply(super::rules::CaseEvent::Assign).is_ok() {
            @let current = AssignForm { assignee: c.assigned_to.map(|a| a.to_string()).unwrap_or_default() };
            @let (f, e) = v.failed.assign.unwrap_or((&current, &none));
            section.panel id="assign" {
                h2 { (lang.t("complaints.assign")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("{base}/assign")) {
                    (csrf_field(v.csrf))
                    (select("assignee", &lang.t("complaints.assignee"), &regs, &f.assignee, Some(&lang.t("form.choose")), e))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("complaints.assign")) } }
                }
            }
        }
        @if state.apply(super::rules::CaseEvent::Investigate).is_ok() {
            section.panel id="investigate" {
                form.form method="post" action=(format!("{base}/investigate")) {
                    (csrf_field(v.csrf))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("complaints.investigate")) } }
                }
            }
        }
        @if state.apply(super::rules::CaseEvent::Conclude).is_ok() {
            @let blank = ConcludeForm::default();
            @let (f, e) = v.failed.conclude.unwrap_or((&blank, &none));
            section.panel id="conclude" {
                h2 { (lang.t("complaints.conclude")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("{base}/conclude")) {
                    (csrf_field(v.csrf))
                    (select("outcome", &lang.t("complaints.outcome_title"), &outcomes, &f.outcome, Some(&lang.t("form.choose")), e))
                    (textarea("outcome_text", &lang.t("complaints.outcome_text"), &f.outcome_text, Some(&lang.t("complaints.hint.outcome_text")), e))
                    div.field.has-error[e.get("publish").is_some()] {
                        label.check { input type="checkbox" id="publish" name="publish" value="1" checked[f.publish == "1"]; " " (lang.t("complaints.publish")) }
                        @if let Some(m) = e.get("publish") { p.error-msg id="publish-error" { (m) } }
                    }
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("complaints.conclude")) } }
                }
            }
        }
        @if state.is_open() {
            @let blank = ReplyForm::default();
            @let (f, e) = v.failed.reply.unwrap_or((&blank, &none));
            section.panel id="reply" {
                h2 { (lang.t("complaints.reply")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("{base}/replies")) {
                    (csrf_field(v.csrf))
                    (textarea("body", &lang.t("complaints.reply_body"), &f.body, None, e))
                    (select("visibility", &lang.t("complaints.visibility"), &visibilities, &f.visibility, Some(&lang.t("form.choose")), e))
                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("complaints.reply")) } }
                }
            }
        }
    }
}

/// The regulator's complaints panel on `/me`.
pub fn workspace_panel(lang: Lang, (open, overdue): (usize, usize)) -> Markup {
    html! {
        div.panel id="complaints" {
            h2 { (lang.t("complaints.queue_title")) }
            p {
                a href="/regulation/complaints" {
                    (lang.tf("complaints.queue_counts", &[("open", &open.to_string()), ("overdue", &overdue.to_string())]))
                }
                @if overdue > 0 { " " (overdue_badge(lang)) }
                " · "
                a href="/spot-checks" { (lang.t("inspections.title")) }
            }
        }
    }
}
