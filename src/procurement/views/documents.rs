//! The tender page's documents section: the versions in force and the earlier ones (each
//! with its type, size, SHA-256 and upload time, and a download link), and for the unit's
//! buyers the forms that attach, replace and remove documents (by amendment once published).

use super::*;
use crate::procurement::TenderDocument;
use crate::procurement::document_rules::{
    DocState, DocType, MAX_DOCUMENTS, check_document_window, size_label,
};

fn type_label(code: &str, lang: Lang) -> String {
    DocType::parse(code)
        .map(|t| t.label(lang))
        .unwrap_or_else(|| code.to_string())
}

fn state_label(code: &str, lang: Lang) -> String {
    DocState::parse(code)
        .map(|s| s.label(lang))
        .unwrap_or_else(|| code.to_string())
}

fn table(lang: Lang, tender_id: i64, docs: &[&TenderDocument], ended: bool) -> Markup {
    html! {
        div.table-wrap { table.data-table.documents {
            thead { tr {
                th { (lang.t("tender.doc.type")) }
                th { (lang.t("tender.doc.file")) }
                th.num { (lang.t("tender.doc.version")) }
                th.num { (lang.t("tender.doc.size")) }
                th { "SHA-256" }
                th { (lang.t("tender.doc.uploaded")) }
                @if ended { th { (lang.t("tender.doc.state")) } }
            } }
            tbody { @for d in docs { tr.document data-document=(d.id) {
                td { (type_label(&d.doc_type, lang)) }
                td { a.file-link href=(format!("/tenders/{tender_id}/documents/{}", d.id)) { (d.name) } }
                td.num { (d.version) }
                td.num { (size_label(d.size)) }
                td { code.sha256 { (d.sha256) } }
                td { (display_instant(d.uploaded_at)) }
                @if ended { td.doc-state {
                    (state_label(&d.state, lang))
                    @if let Some(at) = d.ended_at { " " span.muted { (display_instant(at)) } }
                } }
            } } }
        } }
    }
}

/// The documents section of the tender page.
pub fn section(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    let draft = state_of(t) == TenderState::Draft;
    let published = state_of(t) == TenderState::Published;
    let current: Vec<&TenderDocument> = d
        .documents
        .iter()
        .filter(|x| x.state == DocState::Current.code())
        .collect();
    let earlier: Vec<&TenderDocument> = d
        .documents
        .iter()
        .filter(|x| x.state != DocState::Current.code())
        .collect();
    // The buyer edits a draft's documents freely, a published tender's by amendment while
    // the deadline is far enough.
    let editable = d.viewer.buyer
        && (draft || (published && check_document_window(d.now, t.bid_deadline).is_ok()));
    let f = &d.inline.doc_form;
    let e = &d.inline.doc_errors;
    html! {
        section.section id="documents" {
            h2 { (lang.t("tender.documents")) }
            @if current.is_empty() { p.muted { (lang.t("tender.doc.none")) } }
            @else { (table(lang, t.id, &current, false)) }
            @if !earlier.is_empty() {
                h3 { (lang.t("tender.doc.earlier")) }
                (table(lang, t.id, &earlier, true))
            }
            @if editable && let Some(csrf) = &d.csrf {
                @if !current.is_empty() {
                    h3 { (lang.t(if draft { "tender.doc.remove_title" } else { "tender.doc.withdraw_title" })) }
                    ul.plain { @for doc in &current {
                        @let key = format!("doc-remove-{}", doc.id);
                        @let (v, re) = d.inline.errors(&key, "summary");
                        @let id = format!("withdraw-{}", doc.id);
                        li { form.form.inline method="post" action=(format!("/tenders/{}/documents/{}/remove", t.id, doc.id)) {
                            (csrf_field(csrf))
                            @if published {
                                div.field.has-error[re.get("summary").is_some()] {
                                    label for=(id) { (lang.tf("tender.doc.withdraw_reason", &[("name", &doc.name)])) }
                                    input type="text" id=(id) name="summary" value=(v);
                                    @if let Some(m) = re.get("summary") { p.error-msg id=(format!("{id}-error")) { (m) } }
                                }
                            } @else {
                                span { (doc.name) " " }
                                @if let Some(m) = re.get("summary") { p.error-msg { (m) } }
                            }
                            button.btn.btn-danger type="submit" { (lang.t(if draft { "tender.doc.remove" } else { "tender.doc.withdraw" })) }
                        } }
                    } }
                }
                h3 { (lang.t(if draft { "tender.doc.attach_title" } else { "tender.doc.amend_title" })) }
                (error_summary(e, lang))
                form.form.document-form method="post" enctype="multipart/form-data" action=(format!("/tenders/{}/documents", t.id)) novalidate {
                    // First, so the CSRF check reads no further than this part.
                    (csrf_field(csrf))
                    (select("doc_type", &lang.t("tender.doc.type"), &DocType::ALL.iter().map(|k| (k.code().to_string(), k.label(lang))).collect::<Vec<_>>(), &f.doc_type, Some(&lang.t("form.choose")), e))
                    @if !current.is_empty() {
                        (select("replaces", &lang.t("tender.doc.replaces"), &current.iter().map(|x| (x.id.to_string(), format!("{} · v{}", x.name, x.version))).collect::<Vec<_>>(), &f.replaces, Some(&lang.t("tender.doc.replaces_none")), e))
                    }
                    @if published {
                        (textarea("summary", &lang.t("tender.doc.summary"), &f.summary, Some(&lang.t("tender.doc.summary_hint")), e))
                    }
                    div.field.has-error[e.get("file").is_some()] {
                        label for="file" { (lang.t("tender.doc.file")) }
                        input type="file" id="file" name="file" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png" aria-describedby="file-hint";
                        p.hint id="file-hint" { (lang.tf("tender.doc.file_hint", &[("max", &MAX_DOCUMENTS.to_string())])) }
                        @if let Some(m) = e.get("file") { p.error-msg id="file-error" { (m) } }
                    }
                    div.actions { button.btn.btn-secondary type="submit" { (lang.t(if draft { "tender.doc.upload" } else { "tender.doc.amend" })) } }
                }
            } @else if d.viewer.buyer && published {
                p.muted { (lang.t("tender.doc.err.late")) }
            }
            // A refusal after the tender moved on (no form any more) still says why.
            @if !editable { @for (_, m) in &e.0 { p.error-msg role="alert" { (m) } } }
        }
    }
}
