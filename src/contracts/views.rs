//! Contract pages: the public contract page with the forms its parties may use, and the
//! pieces other rooms embed (tender summary, workspace list, track record). Data in, markup
//! out.

use maud::{Markup, html};
use time::Date;

use super::model::{Contract, Milestone, MilestoneFile, Payment};
use super::rules::{
    CompletionForm, ContractState, MilestoneState, PaymentForm, ReportForm, ReturnForm,
    TerminationForm,
};
use super::{ContractListItem, ContractSummary, MAX_FILES, milestone_state, stars, state_of};
use crate::audit::Event;
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::regions::regions;
use crate::web::forms::{csrf_field, error_summary, select, textarea};

/// `3000` basis points → `30%`, `3333` → `33.33%`.
pub fn percent(bp: i32) -> String {
    if bp % 100 == 0 {
        format!("{}%", bp / 100)
    } else {
        format!("{}.{:02}%", bp / 100, bp % 100)
    }
}

/// Badge of a contract state.
pub fn state_badge(s: ContractState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-contract-{}", s.code())) { (s.label(lang)) } }
}

/// Badge of a milestone state.
pub fn milestone_badge(s: MilestoneState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-milestone-{}", s.code())) { (s.label(lang)) } }
}

/// The form that was posted and refused, shown again with its values and messages.
#[derive(Debug, Clone, Copy, Default)]
pub enum Open<'a> {
    /// None: every form empty.
    #[default]
    Nothing,
    /// A delivery report on a milestone.
    Report(i64, &'a ReportForm),
    /// A return of a milestone.
    Return(i64, &'a ReturnForm),
    /// A payment of a milestone.
    Payment(i64, &'a PaymentForm),
    /// A file for a milestone's report (the message is under `file`).
    File(i64),
    /// The completion.
    Complete(&'a CompletionForm),
    /// The early termination.
    Terminate(&'a TerminationForm),
}

/// What the page shows.
pub struct PageData<'a> {
    /// The contract.
    pub contract: &'a Contract,
    /// Title of its tender.
    pub tender_title: Option<&'a str>,
    /// Buyer's name.
    pub unit_name: Option<&'a str>,
    /// Supplier's name.
    pub org_name: Option<&'a str>,
    /// Milestones in order.
    pub milestones: &'a [Milestone],
    /// Payments.
    pub payments: &'a [Payment],
    /// Files attached to the milestones' reports (only for those who see reports).
    pub files: &'a [MilestoneFile],
    /// Public audit entries, oldest first.
    pub timeline: &'a [Event],
}

/// Who is looking, and what they may do.
pub struct Viewer<'a> {
    /// May act for the buyer.
    pub buyer: bool,
    /// May act for the supplier.
    pub supplier: bool,
    /// Sees delivery reports and return reasons (parties and regulators).
    pub private: bool,
    /// Why signing is blocked now, if it is (only looked up for a party).
    pub block: Option<String>,
    /// CSRF token when a form is shown.
    pub csrf: Option<&'a str>,
    /// Today in Asia/Shanghai (default payment date).
    pub today: Date,
}

fn field(id: &str, label: &str, hint: Option<&str>, err: Option<&str>, control: Markup) -> Markup {
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (label) }
            (control)
            @if let Some(h) = hint { p.hint { (h) } }
            @if let Some(e) = err { p.error-msg id=(format!("{id}-error")) { (e) } }
        }
    }
}

/// A text input whose id is unique on the page (several milestones show the same form).
fn text_in(
    prefix: &str,
    kind: &str,
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    err: Option<&str>,
) -> Markup {
    let id = format!("{prefix}-{name}");
    let control = html! {
        input type=(kind) id=(id) name=(name) value=(value) required
            aria-invalid=[err.is_some().then_some("true")]
            aria-describedby=[err.is_some().then(|| format!("{id}-error"))];
    };
    field(&id, label, hint, err, control)
}

fn text_area(
    prefix: &str,
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    err: Option<&str>,
) -> Markup {
    let id = format!("{prefix}-{name}");
    let control = html! {
        textarea id=(id) name=(name) rows="5"
            aria-invalid=[err.is_some().then_some("true")]
            aria-describedby=[err.is_some().then(|| format!("{id}-error"))] { (value) }
    };
    field(&id, label, hint, err, control)
}

fn party_link(href: String, name: Option<&str>) -> Markup {
    html! { a href=(href) { (name.unwrap_or("—")) } }
}

fn when(t: Option<i64>, lang: Lang) -> Markup {
    html! {
        @match t {
            Some(t) => { (display_instant(t)) }
            None => { span.muted { (lang.t("contract.not_yet")) } }
        }
    }
}

/// The public contract page body.
pub fn page(lang: Lang, d: &PageData, v: &Viewer, open: Open, errors: &FieldErrors) -> Markup {
    let c = d.contract;
    let state = state_of(c);
    html! {
        div.page-head {
            h1.page-title { (lang.tf("contract.title", &[("id", &c.id.to_string())])) }
            (state_badge(state, lang))
        }
        p.lead {
            (lang.t("contract.for_tender"))
            a href=(format!("/tenders/{}", c.tender_id)) {
                (d.tender_title.map(str::to_string).unwrap_or_else(|| format!("#{}", c.tender_id)))
            }
        }
        @if !errors.is_empty() { (error_summary(errors, lang)) }
        div.profile-grid {
            div {
                (basics(lang, d))
                (milestones_section(lang, d, v, open, errors))
                (timeline(lang, d.timeline))
            }
            aside.side-panel { (side(lang, d, v, open, errors)) }
        }
    }
}

fn basics(lang: Lang, d: &PageData) -> Markup {
    let c = d.contract;
    let state = state_of(c);
    html! {
        section.section {
            h2 { (lang.t("contract.basic")) }
            dl.props {
                dt { (lang.t("contract.buyer")) }
                dd { (party_link("/units".to_string(), d.unit_name)) }
                dt { (lang.t("contract.supplier")) }
                dd {
                    (party_link(format!("/orgs/{}", c.org_id), d.org_name))
                    @if c.supplier_is_social { " " span.badge.badge-kind { (lang.t("contract.social_org")) } }
                }
                dt { (lang.t("contract.value")) } dd.value { (Fen(c.value_fen)) }
                dt { (lang.t("contract.place")) } dd { (regions().path(&c.division_code, lang)) }
                dt { (lang.t("contract.state_label")) }
                dd { (state.label(lang)) " " span.muted { "OCDS: " code { (state.ocds()) } } }
                dt { (lang.t("contract.created_at")) } dd { (display_instant(c.created_at)) }
                dt { (lang.t("contract.buyer_signed_at")) } dd { (when(c.buyer_signed_at, lang)) }
                dt { (lang.t("contract.org_signed_at")) } dd { (when(c.org_signed_at, lang)) }
                @if let Some(y) = c.signed_year {
                    dt { (lang.t("contract.signed_year")) } dd { (y) }
                }
                @if let Some(t) = c.completed_at {
                    dt { (lang.t("contract.completed_at")) } dd { (display_instant(t)) }
                }
                @if let Some(t) = c.terminated_at {
                    dt { (lang.t("contract.terminated_at")) } dd.terminated-at { (display_instant(t)) }
                    dt { (lang.t("contract.termination_reason")) }
                    dd.termination-reason { (c.termination_reason.as_deref().unwrap_or_default()) }
                }
                @if let Some(r) = c.rating {
                    dt { (lang.t("contract.rating")) }
                    dd.rating { (stars(r)) " " (r) "/5" }
                    @if let Some(cm) = c.rating_comment.as_deref().filter(|s| !s.is_empty()) {
                        dt { (lang.t("contract.rating_comment")) } dd { (cm) }
                    }
                }
            }
        }
    }
}

fn payments_of<'a>(d: &'a PageData, m: &Milestone) -> impl Iterator<Item = &'a Payment> {
    let id = m.id;
    d.payments.iter().filter(move |p| p.milestone_id == id)
}

/// What has been paid on a milestone (the sum of its payments).
fn paid_on_milestone(d: &PageData, m: &Milestone) -> Fen {
    Fen(payments_of(d, m).map(|p| p.amount_fen).sum())
}

fn milestones_section(
    lang: Lang,
    d: &PageData,
    v: &Viewer,
    open: Open,
    errors: &FieldErrors,
) -> Markup {
    html! {
        section.section {
            h2 { (lang.t("contract.milestones")) }
            div.table-wrap { table.data-table.milestones {
                thead { tr {
                    th.num.ordinal { "#" }
                    th { (lang.t("contract.m_name")) }
                    th.num { (lang.t("contract.m_share")) }
                    th.num { (lang.t("contract.m_amount")) }
                    th { (lang.t("contract.m_state")) }
                    th { (lang.t("contract.m_payment")) }
                } }
                tbody {
                    @for m in d.milestones {
                        tr id=(format!("milestone-{}", m.id)) {
                            // `ordinal`: not the generic first column's width on a phone.
                            td.num.ordinal { (m.position) }
                            td { (m.name) }
                            td.num { (percent(m.percent_bp)) }
                            td.num { (Fen(m.amount_fen)) }
                            td { (milestone_badge(milestone_state(m), lang)) }
                            td.payments {
                                @let paid = paid_on_milestone(d, m);
                                @for p in payments_of(d, m) {
                                    div.payment {
                                        (Fen(p.amount_fen)) " · " (p.paid_on)
                                        @if v.private { br; span.muted { (lang.t("contract.reference")) ": " (p.reference) } }
                                    }
                                }
                                @if paid.0 == 0 {
                                    span.muted { "—" }
                                } @else if paid.0 < m.amount_fen {
                                    div.paid-so-far.muted { (lang.tf("contract.paid_so_far", &[
                                        ("paid", &paid.to_string()),
                                        ("remaining", &Fen(m.amount_fen - paid.0).to_string()),
                                    ])) }
                                }
                            }
                        }
                    }
                }
            } }
            @for m in d.milestones {
                (milestone_panel(lang, d, v, m, open, errors))
            }
        }
    }
}

fn milestone_panel(
    lang: Lang,
    d: &PageData,
    v: &Viewer,
    m: &Milestone,
    open: Open,
    errors: &FieldErrors,
) -> Markup {
    let c = d.contract;
    let active = state_of(c) == ContractState::Active;
    let ms = milestone_state(m);
    let base = format!("/contracts/{}/milestones/{}", c.id, m.id);
    let prefix = format!("m{}", m.id);
    let can_report =
        v.supplier && active && matches!(ms, MilestoneState::Scheduled | MilestoneState::Returned);
    let can_decide = v.buyer && active && ms == MilestoneState::Submitted;
    let can_pay = v.buyer && active && ms == MilestoneState::Accepted;
    let files: Vec<&MilestoneFile> = d.files.iter().filter(|f| f.milestone_id == m.id).collect();
    let show_report = v.private && (m.report.is_some() || !files.is_empty());
    let show_reason = v.private && m.return_reason.is_some();
    let csrf = v.csrf.unwrap_or_default();
    let err = |mid: i64, field: &str| -> Option<&str> {
        match open {
            Open::Report(id, _) | Open::Return(id, _) | Open::Payment(id, _) | Open::File(id)
                if id == mid =>
            {
                errors.get(field)
            }
            _ => None,
        }
    };
    html! {
        @if show_report || show_reason || can_report || can_decide || can_pay {
            div.panel.milestone-panel id=(format!("m{}", m.id)) {
                h3 { (m.position) ". " (m.name) " " (milestone_badge(ms, lang)) }
                @if show_report {
                    div.report {
                        h4 { (lang.t("contract.report")) }
                        @if let Some(t) = m.submitted_at { p.muted { (display_instant(t)) } }
                        @for para in m.report.as_deref().unwrap_or_default().split('\n').filter(|p| !p.trim().is_empty()) {
                            p { (para) }
                        }
                        @if !files.is_empty() {
                            ul.report-files {
                                @for f in &files {
                                    li {
                                        a href=(format!("{base}/files/{}", f.id)) { (f.name) }
                                        " " span.muted { (crate::kernel::files::size_label(f.size)) }
                                        @if can_report {
                                            form.inline method="post" action=(format!("{base}/files/{}/remove", f.id)) {
                                                (csrf_field(csrf))
                                                button.btn.btn-danger type="submit"
                                                    aria-label=(lang.tf("contract.remove_file_named", &[("name", &f.name)])) {
                                                    (lang.t("contract.remove_file"))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if show_reason {
                    div.return-reason {
                        h4 { (lang.t("contract.return_reason")) }
                        p { (m.return_reason.as_deref().unwrap_or_default()) }
                    }
                }
                @if can_report {
                    form.form method="post" enctype="multipart/form-data" action=(format!("{base}/files")) novalidate {
                        (csrf_field(csrf))
                        @let fid = format!("{prefix}-file");
                        div.field.has-error[err(m.id, "file").is_some()] {
                            label for=(fid) { (lang.t("contract.report_file")) }
                            input type="file" id=(fid) name="file"
                                aria-describedby=(format!("{fid}-hint"))
                                aria-invalid=[err(m.id, "file").map(|_| "true")];
                            p.hint id=(format!("{fid}-hint")) { (lang.tf("contract.report_file_hint", &[("max", &MAX_FILES.to_string())])) }
                            @if let Some(e) = err(m.id, "file") { p.error-msg id=(format!("{fid}-error")) { (e) } }
                        }
                        div.actions { button.btn type="submit" { (lang.t("contract.attach_file")) } }
                    }
                    @let value = match open { Open::Report(id, f) if id == m.id => f.report.as_str(), _ => "" };
                    form.form method="post" action=(format!("{base}/report")) {
                        (csrf_field(csrf))
                        (text_area(&prefix, "report", &lang.t("contract.report"), value,
                            Some(&lang.t("contract.report_hint")), err(m.id, "report")))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("contract.submit_report")) } }
                    }
                }
                @if can_decide {
                    form.form method="post" action=(format!("{base}/accept")) {
                        (csrf_field(csrf))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("contract.accept")) } }
                    }
                    @let value = match open { Open::Return(id, f) if id == m.id => f.reason.as_str(), _ => "" };
                    form.form method="post" action=(format!("{base}/return")) {
                        (csrf_field(csrf))
                        (text_area(&prefix, "reason", &lang.t("contract.return_reason"), value,
                            Some(&lang.t("contract.reason_hint")), err(m.id, "reason")))
                        div.actions { button.btn.btn-danger type="submit" { (lang.t("contract.return")) } }
                    }
                }
                @if can_pay {
                    @let remaining = Fen(m.amount_fen - paid_on_milestone(d, m).0);
                    @let empty = PaymentForm {
                        amount: remaining.to_input(),
                        paid_on: v.today.to_string(),
                        ..Default::default()
                    };
                    @let f = match open { Open::Payment(id, f) if id == m.id => f, _ => &empty };
                    form.form method="post" action=(format!("{base}/payment")) {
                        (csrf_field(csrf))
                        h4 { (lang.t("contract.record_payment")) }
                        (text_in(&prefix, "text", "amount", &lang.t("contract.pay_amount"), &f.amount,
                            Some(&lang.tf("contract.pay_amount_hint", &[
                                ("amount", &Fen(m.amount_fen).to_string()),
                                ("remaining", &remaining.to_string()),
                            ])),
                            err(m.id, "amount")))
                        (text_in(&prefix, "date", "paid_on", &lang.t("contract.paid_on"), &f.paid_on, None,
                            err(m.id, "paid_on")))
                        (text_in(&prefix, "text", "reference", &lang.t("contract.reference"), &f.reference,
                            Some(&lang.t("contract.reference_hint")), err(m.id, "reference")))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("contract.record_payment")) } }
                    }
                }
            }
        }
    }
}

fn side(lang: Lang, d: &PageData, v: &Viewer, open: Open, errors: &FieldErrors) -> Markup {
    let c = d.contract;
    let state = state_of(c);
    let csrf = v.csrf.unwrap_or_default();
    let sign_form = |side: &str| {
        html! {
            @if let Some(b) = &v.block {
                p.flash.flash-info.signing-block { (b) }
            } @else {
                form.form method="post" action=(format!("/contracts/{}/sign", c.id)) {
                    (csrf_field(csrf))
                    input type="hidden" name="side" value=(side);
                    button.btn.btn-primary type="submit" { (lang.t(&format!("contract.sign_as_{side}"))) }
                }
            }
        }
    };
    let all_paid = d
        .milestones
        .iter()
        .all(|m| milestone_state(m) == MilestoneState::Paid);
    let empty = CompletionForm::default();
    let none = FieldErrors::default();
    let (cf, cerr) = match open {
        Open::Complete(f) => (f, errors),
        _ => (&empty, &none),
    };
    let empty_t = TerminationForm::default();
    let (tf, terr) = match open {
        Open::Terminate(f) => (f, errors),
        _ => (&empty_t, &none),
    };
    html! {
        h2 { (lang.t("contract.signatures")) }
        dl.props {
            dt { (lang.t("contract.buyer")) } dd.sig-buyer { (when(c.buyer_signed_at, lang)) }
            dt { (lang.t("contract.supplier")) } dd.sig-supplier { (when(c.org_signed_at, lang)) }
        }
        @if state == ContractState::Pending {
            @if v.buyer && c.buyer_signed_at.is_none() { (sign_form("buyer")) }
            @if v.supplier && c.org_signed_at.is_none() { (sign_form("supplier")) }
        }
        @if v.buyer && state == ContractState::Active {
            h2 { (lang.t("contract.complete")) }
            @if all_paid {
                form.form method="post" action=(format!("/contracts/{}/complete", c.id)) {
                    (csrf_field(csrf))
                    (select("rating", &lang.t("contract.rating"),
                        &(1..=5).rev().map(|r: i16| (r.to_string(), format!("{} {r}", stars(r)))).collect::<Vec<_>>(),
                        &cf.rating, Some(&lang.t("form.choose_one")), cerr))
                    (textarea("comment", &lang.t("contract.rating_comment"), &cf.comment, None, cerr))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("contract.complete")) } }
                }
            } @else {
                p.muted { (lang.t("contract.complete_needs_payment")) }
            }
        }
        @if v.buyer && matches!(state, ContractState::Pending | ContractState::Active) {
            section.terminate id="terminate" {
                h2 { (lang.t("contract.terminate")) }
                p.hint { (lang.t("contract.terminate_hint")) }
                form.form method="post" action=(format!("/contracts/{}/terminate", c.id)) {
                    (csrf_field(csrf))
                    (textarea("reason", &lang.t("contract.termination_reason"), &tf.reason,
                        Some(&lang.t("contract.termination_reason_hint")), terr))
                    div.actions { button.btn.btn-danger type="submit" { (lang.t("contract.terminate_next")) } }
                }
            }
        }
    }
}

fn detail_text(e: &Event, lang: Lang) -> String {
    let d: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
    let mut parts = Vec::new();
    if let (Some(p), Some(n)) = (d["position"].as_i64(), d["name"].as_str()) {
        parts.push(format!("{p}. {n}"));
    }
    if let Some(a) = d["amount_fen"].as_i64() {
        parts.push(Fen(a).to_string());
    }
    if let Some(p) = d["paid_on"].as_str() {
        parts.push(p.to_string());
    }
    if let Some(v) = d["value_fen"].as_i64() {
        parts.push(Fen(v).to_string());
    }
    if let Some(y) = d["signed_year"].as_i64() {
        parts.push(lang.tf("contract.counts_in_year", &[("year", &y.to_string())]));
    }
    if let Some(r) = d["rating"].as_i64() {
        parts.push(format!("{r}/5"));
    }
    if e.action == "terminated"
        && let Some(r) = d["reason"].as_str()
    {
        parts.push(r.to_string());
    }
    parts.join(" · ")
}

fn timeline(lang: Lang, entries: &[Event]) -> Markup {
    html! {
        section.section {
            h2 { (lang.t("contract.timeline")) }
            @if entries.is_empty() {
                p.muted { (lang.t("contract.no_timeline")) }
            } @else {
                div.table-wrap { table.data-table.timeline {
                    thead { tr { th { (lang.t("contract.when")) } th { (lang.t("contract.what")) } th { (lang.t("contract.detail")) } } }
                    tbody { @for e in entries { tr {
                        td { (display_instant(e.at)) }
                        td { (lang.t(&format!("contract.audit.{}", e.action))) }
                        td { (detail_text(e, lang)) }
                    } } }
                } }
            }
        }
    }
}

/// The contract box of a public tender page.
pub fn summary(lang: Lang, s: &ContractSummary) -> Markup {
    html! {
        section.section.contract-summary {
            h2 { (lang.t("contract.summary_title")) " " (state_badge(s.state, lang)) }
            dl.props {
                dt { (lang.t("contract.value")) } dd { (s.value) }
                dt { (lang.t("contract.buyer_signed_at")) } dd { (when(s.buyer_signed_at, lang)) }
                dt { (lang.t("contract.org_signed_at")) } dd { (when(s.org_signed_at, lang)) }
                @if let Some(t) = s.completed_at {
                    dt { (lang.t("contract.completed_at")) } dd { (display_instant(t)) }
                }
            }
            div.table-wrap { table.data-table {
                thead { tr {
                    th.num.ordinal { "#" } th { (lang.t("contract.m_name")) } th.num { (lang.t("contract.m_amount")) }
                    th { (lang.t("contract.m_state")) } th { (lang.t("contract.m_payment")) }
                } }
                tbody { @for m in &s.milestones { tr {
                    td.num.ordinal { (m.position) }
                    td { (m.name) }
                    td.num { (m.amount) }
                    td { (milestone_badge(m.state, lang)) }
                    td { @if let Some((a, day)) = m.paid { (a) " · " (day) } @else { span.muted { "—" } } }
                } } }
            } }
            p { a href=(format!("/contracts/{}", s.id)) { (lang.t("contract.open")) } }
        }
    }
}

/// A workspace list of contracts.
pub fn list_table(lang: Lang, items: &[ContractListItem]) -> Markup {
    html! {
        @if items.is_empty() {
            div.empty { (lang.t("contract.none")) }
        } @else {
            div.table-wrap { table.data-table.contracts {
                thead { tr {
                    th { (lang.t("contract.tender")) }
                    th { (lang.t("contract.buyer")) }
                    th { (lang.t("contract.supplier")) }
                    th.num { (lang.t("contract.value")) }
                    th { (lang.t("contract.state_label")) }
                    th.num { (lang.t("contract.paid_milestones")) }
                } }
                tbody { @for i in items { tr {
                    td { a href=(format!("/contracts/{}", i.id)) {
                        @if i.tender_title.is_empty() { (lang.tf("contract.title", &[("id", &i.id.to_string())])) }
                        @else { (i.tender_title) }
                    } }
                    td { (i.unit_name) }
                    td { a href=(format!("/orgs/{}", i.org_id)) { (i.org_name) } }
                    td.num { (i.value) }
                    td {
                        (state_badge(i.state, lang))
                        @if i.state == ContractState::Pending {
                            " " span.muted {
                                (lang.t("contract.buyer")) (if i.buyer_signed { " ✓" } else { " …" }) " / "
                                (lang.t("contract.supplier")) (if i.supplier_signed { " ✓" } else { " …" })
                            }
                        }
                    }
                    td.num { (i.milestones_paid) " / " (i.milestones_total) }
                } } }
            } }
        }
    }
}
