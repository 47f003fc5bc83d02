//! Bids, evaluation, scoring and the workspace sections.

use super::*;

// ---------------------------------------------------------------------------------------
// Bids

/// One of the viewer's organizations on the bid page.
pub struct OrgBids {
    /// Organization.
    pub org_id: i64,
    /// Its name.
    pub name: String,
    /// Why it may not bid (localized; empty = eligible).
    pub why: Vec<String>,
    /// Its bids on this tender, newest first: bid, commitment check after opening, files.
    pub bids: Vec<(bid::Model, Option<bool>, Vec<FileInfo>)>,
}

/// The bid page.
pub struct BidPage {
    /// The tender.
    pub t: tender::Model,
    /// Bids accepted now.
    pub open: bool,
    /// The viewer's organizations.
    pub orgs: Vec<OrgBids>,
    /// What was typed.
    pub form: BidForm,
    /// What was wrong.
    pub errors: FieldErrors,
    /// Token.
    pub csrf: String,
}

/// The bid page body.
pub fn bid_page(lang: Lang, p: &BidPage) -> Markup {
    let t = &p.t;
    let eligible: Vec<(String, String)> = p
        .orgs
        .iter()
        .filter(|o| o.why.is_empty())
        .map(|o| (o.org_id.to_string(), o.name.clone()))
        .collect();
    let upload = format!("/tenders/{}/bid/files", t.id);
    html! {
        div.page-head {
            h1.page-title { (lang.tf("bid.title", &[("title", &t.title)])) }
            a href=(format!("/tenders/{}", t.id)) { (lang.t("bid.back_to_tender")) }
        }
        p { (lang.tf("bid.deadline", &[("at", &display_instant(t.bid_deadline))])) " · " (lang.tf("bid.budget", &[("budget", &Fen(t.budget_fen).to_string())])) }
        p.hint { (lang.t("bid.sealed_note")) }
        (error_summary(&p.errors, lang))
        @for o in &p.orgs {
            section.section.org-bids id=(format!("org-{}", o.org_id)) {
                h2 { (o.name) }
                @if o.why.is_empty() { p { span.badge.badge-ok { (lang.t("bid.eligible")) } } }
                @else {
                    div.form-errors { p { (lang.t("bid.ineligible")) } ul { @for w in &o.why { li { (w) } } } }
                }
                @if o.bids.is_empty() { p.muted { (lang.t("bid.none_yet")) } }
                @else {
                    div.table-wrap { table.data-table.receipts {
                        thead { tr {
                            th { (lang.t("bid.revision")) }
                            th { (lang.t("bid.submitted_at")) }
                            th { (lang.t("bid.state_col")) }
                            th { (lang.t("bid.commitment")) }
                            th { (lang.t("bid.files")) }
                            th { (lang.t("bid.check")) }
                            th { (lang.t("bid.receipt_title")) }
                        } }
                        tbody { @for (b, check, files) in &o.bids { tr {
                            td { (b.revision) }
                            td { (display_instant(b.submitted_at)) }
                            td { (bid_state_badge(&b.state, lang)) }
                            td { code.commitment { (b.commitment) } }
                            td { @for f in files { div { (f.name) " " span.muted { (f.size) " B" } } } }
                            td { @match check {
                                Some(true) => span.badge.badge-ok { (lang.t("bid.check_ok")) },
                                Some(false) => span.badge.badge-credit-dishonest { (lang.t("bid.check_bad")) },
                                None => span.muted { (lang.t("bid.check_after_opening")) },
                            } }
                            td.receipt-links {
                                a.bid-content href=(format!("/tenders/{}/bids/{}", t.id, b.id)) { (lang.t("bid.view_content")) } " · "
                                a href=(format!("/tenders/{}/bids/{}/receipt", t.id, b.id)) { (lang.t("pdf.view")) } " · "
                                a href=(format!("/tenders/{}/bids/{}/receipt.pdf?lang={}", t.id, b.id, lang.code())) { "PDF" }
                            }
                        } } }
                    } }
                    @if p.open && o.bids.iter().any(|(b, _, _)| b.state == BidState::Submitted.code()) {
                        div.form-row {
                            form.form method="post" enctype="multipart/form-data" action=(upload) {
                                // First, so the CSRF check reads no further than this part.
                                (csrf_field(&p.csrf))
                                input type="hidden" name="org_id" value=(o.org_id);
                                div.field {
                                    label for=(format!("file-{}", o.org_id)) { (lang.t("bid.attach")) }
                                    input type="file" id=(format!("file-{}", o.org_id)) name="file" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png";
                                    p.hint { (lang.t("bid.attach_hint")) }
                                }
                                div.actions { button.btn.btn-secondary type="submit" { (lang.t("bid.upload")) } }
                            }
                            form.form method="post" action=(format!("/tenders/{}/bid/withdraw", t.id)) {
                                (csrf_field(&p.csrf))
                                input type="hidden" name="org_id" value=(o.org_id);
                                div.actions { button.btn.btn-danger type="submit" { (lang.t("bid.withdraw")) } }
                            }
                        }
                    }
                }
            }
        }
        @if p.open {
            @if eligible.is_empty() {
                p.muted { (lang.t("bid.no_eligible_org")) }
            } @else {
                section.section id="bid-form" {
                    h2 { (lang.t("bid.submit_title")) }
                    p.hint { (lang.t("bid.revise_note")) }
                    form.form method="post" action=(format!("/tenders/{}/bid", t.id)) novalidate {
                        (csrf_field(&p.csrf))
                        (select("org_id", &lang.t("bid.org"), &eligible, &p.form.org_id, (eligible.len() > 1).then(|| lang.t("form.choose_one")).as_deref(), &p.errors))
                        (input("text", "price", &lang.t("bid.price_yuan"), &p.form.price, Some(&lang.t("bid.price_hint")), &p.errors, true))
                        (textarea("proposal", &lang.t("bid.proposal"), &p.form.proposal, None, &p.errors))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("bid.submit")) } }
                    }
                }
            }
        } @else {
            p.muted { (lang.t("bid.closed")) }
        }
    }
}

/// What the bidder's own bid page shows.
pub struct OwnBid<'a> {
    /// The tender.
    pub t: &'a tender::Model,
    /// The bidder's name.
    pub org: &'a str,
    /// The bid row (state, revision, commitment).
    pub bid: &'a bid::Model,
    /// What was sealed, decrypted.
    pub content: &'a crate::procurement::BidContent,
    /// Its attachments (unsealed metadata, for the download links).
    pub files: &'a [FileInfo],
}

/// The bidder's own sealed bid, decrypted for its members: price, proposal, attachments.
pub fn own_bid(lang: Lang, p: &OwnBid) -> Markup {
    let (t, b) = (p.t, p.bid);
    html! {
        div.page-head {
            h1.page-title { (lang.tf("bid.content_title", &[("org", p.org)])) }
            a href=(format!("/tenders/{}/bid", t.id)) { (lang.t("bid.my_bids")) }
        }
        p.hint.own-bid-note { (lang.t("bid.content_note")) }
        dl.props.own-bid {
            dt { (lang.t("tender.title")) } dd { a href=(format!("/tenders/{}", t.id)) { (t.title) } }
            dt { (lang.t("bid.bidder")) } dd { (p.org) }
            dt { (lang.t("bid.state_col")) } dd { (bid_state_badge(&b.state, lang)) }
            dt { (lang.t("bid.revision")) } dd { (p.content.revision) }
            dt { (lang.t("bid.submitted_at")) } dd { (display_instant(b.submitted_at)) }
            dt { (lang.t("bid.price")) } dd.bid-price { (Fen(p.content.price_fen)) }
            dt { (lang.t("bid.commitment")) } dd { code.commitment { (b.commitment) } }
        }
        section.section id="proposal" {
            h2 { (lang.t("bid.proposal")) }
            div.bid-proposal { (paragraphs(&p.content.proposal)) }
        }
        section.section id="attachments" {
            h2 { (lang.t("bid.files")) }
            @if p.files.is_empty() { p.muted { (lang.t("bid.no_files")) } }
            @else { div.table-wrap { table.data-table.bid-files {
                thead { tr {
                    th { (lang.t("bid.file_name")) }
                    th.num { (lang.t("bid.file_size")) }
                    th { "SHA-256" }
                } }
                tbody { @for f in p.files { tr {
                    td { a href=(format!("/tenders/{}/bids/{}/files/{}", t.id, b.id, f.id)) { (f.name) } }
                    td.num { (f.size) " B" }
                    td { code title=(f.sha256) { (short(&f.sha256)) "…" } }
                } } }
            } } }
        }
        p.no-print {
            a.btn.btn-secondary href=(format!("/tenders/{}/bids/{}/receipt", t.id, b.id)) { (lang.t("bid.receipt_title")) } " "
            a.btn.btn-secondary href=(format!("/tenders/{}/bids/{}/receipt.pdf?lang={}", t.id, b.id, lang.code())) { (lang.t("pdf.download")) }
        }
    }
}

/// The receipt shown after a bid is sealed.
pub fn receipt(
    lang: Lang,
    t: &tender::Model,
    org_name: &str,
    r: &crate::procurement::Receipt,
    fresh: bool,
) -> Markup {
    let pdf = format!(
        "/tenders/{}/bids/{}/receipt.pdf?lang={}",
        t.id,
        r.bid_id,
        lang.code()
    );
    html! {
        div.receipt {
            h1.page-title { (lang.t("bid.receipt_title")) }
            @if fresh { div.flash.flash-success role="status" { (lang.t("bid.sealed_ok")) } }
            dl.props {
                dt { (lang.t("tender.title")) } dd { a href=(format!("/tenders/{}", t.id)) { (t.title) } }
                dt { (lang.t("bid.bidder")) } dd { (org_name) }
                dt { (lang.t("bid.number")) } dd { (r.bid_id) }
                dt { (lang.t("bid.revision")) } dd { (r.revision) }
                dt { (lang.t("bid.submitted_at")) } dd { (display_instant(r.submitted_at)) }
                dt { (lang.t("bid.commitment")) } dd { code.commitment { (r.commitment) } }
            }
            p { strong { (lang.t("bid.keep_receipt")) } }
            p.no-print {
                a.btn.btn-secondary.receipt-pdf href=(pdf) { (lang.t("pdf.download")) } " "
                a.btn.btn-secondary href=(format!("/tenders/{}/bid", t.id)) { (lang.t("bid.my_bids")) }
            }
        }
    }
}

/// The bid receipt as a PDF document: the same facts as [`receipt`], then the platform's
/// address and how to verify the commitment. `base` is the platform's public address.
pub fn receipt_pdf(
    lang: Lang,
    t: &tender::Model,
    org_name: &str,
    r: &crate::procurement::Receipt,
    base: &str,
) -> crate::kernel::pdf::Document {
    use crate::kernel::pdf::{Block, Document};
    let mut d = Document::new(
        format!(
            "{} {}-{}",
            lang.t("bid.receipt_title"),
            r.bid_id,
            r.revision
        ),
        lang.code(),
    );
    d.blocks = vec![
        Block::Title(lang.t("bid.receipt_title")),
        Block::Table(vec![
            (lang.t("tender.title"), t.title.clone()),
            (lang.t("bid.bidder"), org_name.to_string()),
            (lang.t("bid.number"), r.bid_id.to_string()),
            (lang.t("bid.revision"), r.revision.to_string()),
            (lang.t("bid.submitted_at"), display_instant(r.submitted_at)),
            (lang.t("bid.commitment"), r.commitment.clone()),
        ]),
        Block::Paragraph(lang.t("bid.keep_receipt")),
    ];
    d.footer = vec![
        format!("{} · {base}/tenders/{}", lang.t("site.name"), t.id),
        lang.t("pdf.bid_verify"),
    ];
    d
}

// ---------------------------------------------------------------------------------------
// Evaluation

/// The evaluation report.
pub struct EvalPage {
    /// The tender.
    pub t: tender::Model,
    /// Opening record (names and prices).
    pub opening: Vec<OpeningLine>,
    /// Opened and disqualified bids.
    pub bids: Vec<bid::Model>,
    /// The ranking, or why it cannot be computed yet.
    pub ranking: Result<Vec<Ranked>, String>,
    /// Evaluators with the state of their score sheets.
    pub evaluators: Vec<(i64, String, SheetStatus)>,
    /// The award, once made.
    pub award: Option<award::Model>,
    /// The viewer is a buyer of the unit.
    pub buyer: bool,
    /// Token (buyers).
    pub csrf: Option<String>,
    /// Award form as typed.
    pub award_form: AwardForm,
    /// Replacement form as typed.
    pub replace_form: ReplaceForm,
    /// Disqualification form sent back: bid, typed reason.
    pub disqualify: Option<(i64, String)>,
    /// Messages.
    pub errors: FieldErrors,
}

/// The evaluation report body.
pub fn evaluation_page(lang: Lang, p: &EvalPage) -> Markup {
    let t = &p.t;
    let s = state_of(t);
    let evaluating = s == TenderState::Evaluating;
    let ranked_opts: Vec<(String, String)> = p
        .ranking
        .as_ref()
        .map(|r| {
            r.iter()
                .map(|x| {
                    (
                        x.bid_id.to_string(),
                        format!(
                            "{}. {} · {}",
                            x.rank,
                            name_of(&p.opening, x.bid_id),
                            Fen(x.price_fen)
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    html! {
        div.page-head {
            h1.page-title { (lang.tf("eval.report_title", &[("title", &t.title)])) }
            a href=(format!("/tenders/{}", t.id)) { (lang.t("bid.back_to_tender")) }
        }
        p { (state_badge(&t.state, lang)) " " (eval_label(&t.eval_method, lang)) }
        (error_summary(&p.errors, lang))
        section.section id="ranking" {
            h2 { (lang.t("eval.ranking")) }
            @match &p.ranking {
                Ok(r) if r.is_empty() => p.muted { (lang.t("eval.no_ranked")) },
                Ok(r) => (ranking_table(lang, t, r, &p.opening)),
                Err(m) => div.notice.incomplete { p { (lang.tf("eval.incomplete", &[("detail", m)])) } },
            }
        }
        section.section id="bids" {
            h2 { (lang.t("eval.bids")) }
            div.table-wrap { table.data-table {
                thead { tr {
                    th { (lang.t("bid.bidder")) }
                    th.num { (lang.t("bid.price")) }
                    th { (lang.t("bid.state_col")) }
                    th { (lang.t("bid.proposal")) }
                    @if p.buyer && evaluating { th { (lang.t("eval.disqualify")) } }
                } }
                tbody { @for b in &p.bids { tr {
                    td { (name_of(&p.opening, b.id)) }
                    td.num { (Fen(b.opened_price_fen.unwrap_or_default())) }
                    td {
                        (bid_state_badge(&b.state, lang))
                        @if let Some(r) = &b.disqualify_reason { div.muted { (r) } }
                    }
                    td { details { summary { (lang.t("eval.show_proposal")) } (paragraphs(b.opened_proposal.as_deref().unwrap_or(""))) } }
                    @if p.buyer && evaluating {
                        td {
                            @if b.state == BidState::Opened.code() && let Some(csrf) = &p.csrf {
                                @let typed = p.disqualify.as_ref().filter(|(id, _)| *id == b.id).map(|(_, v)| v.clone()).unwrap_or_default();
                                form.form method="post" action=(format!("/tenders/{}/bids/{}/disqualify", t.id, b.id)) {
                                    (csrf_field(csrf))
                                    (input("text", "reason", &lang.t("eval.disqualify_reason"), &typed, None, &FieldErrors::default(), true))
                                    div.actions { button.btn.btn-danger type="submit" { (lang.t("eval.disqualify")) } }
                                }
                            }
                        }
                    }
                } } }
            } }
        }
        section.section id="evaluators" {
            h2 { (lang.t("eval.evaluators")) }
            @if p.evaluators.is_empty() { p.muted { (lang.t("eval.no_evaluators")) } }
            @else {
                @let pending = p.evaluators.iter().filter(|(_, _, s)| !s.is_submitted()).count();
                div.table-wrap { table.data-table.evaluator-status {
                    thead { tr { th { (lang.t("eval.evaluator")) } th { (lang.t("eval.sheet_status")) } } }
                    tbody { @for (id, n, st) in &p.evaluators {
                        tr data-evaluator=(id) {
                            td { (n) }
                            td { (sheet_status_label(*st, lang)) }
                        }
                    } }
                } }
                @if evaluating && pending > 0 {
                    p.notice.pending { (lang.tf("eval.refuse.pending", &[("n", &pending.to_string())])) }
                }
            }
            @if p.buyer && evaluating && !p.evaluators.is_empty() && let Some(csrf) = &p.csrf {
                @let opts: Vec<(String, String)> = p.evaluators.iter().map(|(id, n, _)| (id.to_string(), n.clone())).collect();
                details.replace-evaluator open[p.errors.get("old").is_some() || p.errors.get("new_email").is_some() || p.errors.get("replace_reason").is_some()] {
                    summary { (lang.t("eval.replace")) }
                    p.hint { (lang.t("eval.replace_hint")) }
                    form.form method="post" action=(format!("/tenders/{}/evaluators/replace", t.id)) {
                        (csrf_field(csrf))
                        (select("old", &lang.t("eval.replace_old"), &opts, &p.replace_form.old, Some(&lang.t("form.choose_one")), &p.errors))
                        (input("email", "new_email", &lang.t("eval.replace_new"), &p.replace_form.new_email, None, &p.errors, true))
                        (textarea("replace_reason", &lang.t("eval.replace_reason"), &p.replace_form.replace_reason, None, &p.errors))
                        div.actions { button.btn.btn-secondary type="submit" { (lang.t("eval.replace_submit")) } }
                    }
                }
            }
        }
        @if let Some(a) = &p.award {
            section.section id="award" {
                h2 { (lang.t("award.title")) }
                p { (lang.tf("award.summary", &[("winner", &name_of(&p.opening, a.bid_id)), ("value", &Fen(a.value_fen).to_string())])) }
            }
        } @else if p.buyer && evaluating && !ranked_opts.is_empty() && let Some(csrf) = &p.csrf {
            section.section id="award-form" {
                h2 { (lang.t("award.make")) }
                p.hint { (lang.t("award.hint")) }
                form.form method="post" action=(format!("/tenders/{}/award", t.id)) {
                    (csrf_field(csrf))
                    (select("bid_id", &lang.t("award.bid"), &ranked_opts, if p.award_form.bid_id.is_empty() { &ranked_opts[0].0 } else { &p.award_form.bid_id }, None, &p.errors))
                    (textarea("justification", &lang.t("award.justification"), &p.award_form.justification, Some(&lang.t("award.justification_hint")), &p.errors))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("award.submit")) } }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Scoring

/// The scoring sheet.
pub struct ScorePage {
    /// The tender.
    pub t: tender::Model,
    /// Attachments of each bid.
    pub files: HashMap<i64, Vec<FileInfo>>,
    /// Opened (qualified) bids with the bidder's name.
    pub bids: Vec<(bid::Model, String)>,
    /// Criteria.
    pub criteria: Vec<criterion::Model>,
    /// Field values by name (`p_{bid}_{criterion}` points, `c_{bid}_{criterion}` comments).
    pub values: HashMap<String, String>,
    /// Fields with a bad value, and the message shown next to each.
    pub bad: HashMap<String, String>,
    /// The no-conflict-of-interest box is ticked.
    pub declared: bool,
    /// Where the evaluator's sheet stands (read-only once submitted).
    pub status: SheetStatus,
    /// Scoring is open (evaluating).
    pub open: bool,
    /// Messages.
    pub errors: FieldErrors,
    /// Token.
    pub csrf: String,
}

/// How an evaluator's sheet stands, in words.
pub fn sheet_status_label(s: SheetStatus, lang: Lang) -> String {
    match s {
        SheetStatus::NotStarted => lang.t("eval.status.not_started"),
        SheetStatus::Draft { saved_at } => {
            lang.tf("eval.status.draft", &[("at", &display_instant(saved_at))])
        }
        SheetStatus::Submitted { at } => {
            lang.tf("eval.status.submitted", &[("at", &display_instant(at))])
        }
    }
}

/// One cell of the sheet: points and comment, each with its message when bad.
fn score_cell(
    lang: Lang,
    p: &ScorePage,
    b: &bid::Model,
    name: &str,
    c: &criterion::Model,
) -> Markup {
    let pn = format!("p_{}_{}", b.id, c.id);
    let cn = format!("c_{}_{}", b.id, c.id);
    let pv = p.values.get(&pn).map(String::as_str).unwrap_or("");
    let cv = p.values.get(&cn).map(String::as_str).unwrap_or("");
    let pe = p.bad.get(&pn);
    let ce = p.bad.get(&cn);
    let submitted = p.status.is_submitted();
    html! {
        td.score-cell.has-error[pe.is_some() || ce.is_some()] {
            @if submitted || !p.open {
                div.points { (pv) }
                div.comment { (cv) }
            } @else {
                input type="number" id=(pn) name=(pn) min="0" max=(c.weight) step="1" value=(pv)
                    aria-label=(format!("{} · {}", name, c.name))
                    aria-invalid=[pe.is_some().then_some("true")]
                    aria-describedby=[pe.is_some().then(|| format!("{pn}-error"))];
                @if let Some(m) = pe { p.error-msg id=(format!("{pn}-error")) { (m) } }
                textarea id=(cn) name=(cn) rows="2"
                    placeholder=(lang.t("eval.comment"))
                    aria-label=(format!("{} · {} · {}", name, c.name, lang.t("eval.comment")))
                    aria-invalid=[ce.is_some().then_some("true")]
                    aria-describedby=[ce.is_some().then(|| format!("{cn}-error"))] { (cv) }
                @if let Some(m) = ce { p.error-msg id=(format!("{cn}-error")) { (m) } }
            }
        }
    }
}

/// The scoring sheet body: a draft the evaluator saves as often as needed, then submits
/// with the no-conflict declaration; read-only from then on.
pub fn score_page(lang: Lang, p: &ScorePage) -> Markup {
    let t = &p.t;
    let submitted = p.status.is_submitted();
    let table = html! {
        div.table-wrap { table.data-table.score-table {
            thead { tr {
                th { (lang.t("bid.bidder")) }
                th.num { (lang.t("bid.price")) }
                th { (lang.t("bid.proposal")) }
                @for c in &p.criteria { th { (c.name) " " span.muted { "(0–" (c.weight) ")" } } }
            } }
            tbody { @for (b, name) in &p.bids { tr {
                td { (name) }
                td.num { (Fen(b.opened_price_fen.unwrap_or_default())) }
                td {
                    details { summary { (lang.t("eval.show_proposal")) } (paragraphs(b.opened_proposal.as_deref().unwrap_or(""))) }
                    @if let Some(fs) = p.files.get(&b.id) {
                        ul.plain { @for f in fs {
                            li { a href=(format!("/tenders/{}/bids/{}/files/{}", t.id, b.id, f.id)) { (f.name) } " " span.muted { (f.size / 1024 + 1) " KB" } }
                        } }
                    }
                }
                @for c in &p.criteria { (score_cell(lang, p, b, name, c)) }
            } } }
        } }
    };
    let declare_err = p.errors.get("declare");
    html! {
        div.page-head {
            h1.page-title { (lang.tf("eval.score_title", &[("title", &t.title)])) }
            a href=(format!("/tenders/{}", t.id)) { (lang.t("bid.back_to_tender")) }
        }
        (error_summary(&p.errors, lang))
        p.sheet-status { (lang.t("eval.sheet_status")) ": " (sheet_status_label(p.status, lang)) }
        @if submitted {
            p.hint { (lang.t("eval.sheet_read_only")) }
            @if !p.criteria.is_empty() && !p.bids.is_empty() { (table) }
        } @else if !p.open {
            p.muted { (lang.t("eval.scoring_closed")) }
        } @else {
            @if p.criteria.is_empty() {
                p.muted { (lang.t("eval.nothing_to_score")) }
            } @else if p.bids.is_empty() {
                p.muted { (lang.t("eval.no_ranked")) }
            } @else {
                p.hint { (lang.t("eval.score_hint")) }
            }
            form.form.score-sheet method="post" action=(format!("/tenders/{}/score", t.id)) novalidate {
                (csrf_field(&p.csrf))
                @if !p.criteria.is_empty() && !p.bids.is_empty() { (table) }
                div.field.declaration.has-error[declare_err.is_some()] {
                    label {
                        input type="checkbox" name="declare" value="1" checked[p.declared]
                            aria-invalid=[declare_err.is_some().then_some("true")]
                            aria-describedby=[declare_err.is_some().then_some("declare-error")];
                        " " (lang.t("eval.declare"))
                    }
                    @if let Some(m) = declare_err { p.error-msg id="declare-error" { (m) } }
                }
                div.actions {
                    button.btn.btn-secondary type="submit" name="action" value="draft" { (lang.t("eval.save_draft")) }
                    " "
                    button.btn.btn-primary type="submit" name="action" value="submit" { (lang.t("eval.submit_sheet")) }
                }
                p.hint { (lang.t("eval.submit_hint")) }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Workspace

/// The workspace panels' data; `None` hides a panel.
#[derive(Default)]
pub struct Workspace {
    /// Tenders of the user's units.
    pub buyer: Option<Vec<tender::Model>>,
    /// Open tenders and the user's organizations eligible for each.
    pub open: Option<Vec<(tender::Model, Vec<String>)>>,
    /// The user's organizations' bids: bid, tender, organization name, what became of it.
    pub bids: Option<Vec<(bid::Model, tender::Model, String, BidOutcome)>>,
    /// Tenders the user evaluates.
    pub evaluator: Option<Vec<tender::Model>>,
}

pub(super) fn tender_link(t: &tender::Model) -> Markup {
    html! { a href=(format!("/tenders/{}", t.id)) { (t.title) } }
}

/// The procurement panels of the workspace page.
pub fn workspace(lang: Lang, w: &Workspace) -> Markup {
    html! {
        @if let Some(ts) = &w.buyer {
            div.panel id="ws-tenders" {
                h2 { (lang.t("ws.my_tenders")) }
                p { a.btn.btn-primary href="/tenders/new" { (lang.t("tender.new")) } }
                @if ts.is_empty() { p.muted { (lang.t("ws.no_tenders")) } }
                @for s in TenderState::ALL {
                    @let of_state: Vec<&tender::Model> = ts.iter().filter(|t| t.state == s.code()).collect();
                    @if !of_state.is_empty() {
                        h3 { (s.label(lang)) " " span.muted { "(" (of_state.len()) ")" } }
                        ul.plain { @for t in of_state {
                            li { (tender_link(t)) " " span.muted { (lang.tf("ws.deadline", &[("at", &display_instant(t.bid_deadline))])) } }
                        } }
                    }
                }
            }
        }
        @if let Some(open) = &w.open {
            div.panel id="ws-open-tenders" {
                h2 { (lang.t("ws.open_tenders")) }
                @if open.is_empty() { p.muted { (lang.t("ws.no_open_tenders")) } }
                @else { ul.plain { @for (t, orgs) in open {
                    li {
                        (tender_link(t)) " " span.muted { (lang.tf("ws.deadline", &[("at", &display_instant(t.bid_deadline))])) }
                        " · " (Fen(t.budget_fen)) " · " (orgs.join("、")) " "
                        a href=(format!("/tenders/{}/bid", t.id)) { (lang.t("bid.go")) }
                    }
                } } }
                p { a href="/tenders?state=published&sort=deadline" { (lang.t("ws.all_open")) } }
            }
        }
        @if let Some(bids) = &w.bids {
            div.panel.wide id="ws-bids" {
                h2 { (lang.t("ws.my_bids")) }
                @if bids.is_empty() { p.muted { (lang.t("ws.no_bids")) } }
                @else { div.table-wrap { table.data-table {
                    thead { tr {
                        th { (lang.t("tender.title")) }
                        th { (lang.t("bid.bidder")) }
                        th { (lang.t("bid.state_col")) }
                        th { (lang.t("bid.revision")) }
                        th { (lang.t("bid.submitted_at")) }
                        th { (lang.t("bid.commitment")) }
                        th { (lang.t("bid.outcome_col")) }
                        th { (lang.t("bid.receipt_title")) }
                    } }
                    tbody { @for (b, t, org, outcome) in bids { tr {
                        td { a href=(format!("/tenders/{}/bid", t.id)) { (t.title) } }
                        // A name keeps a readable width on a phone; the box scrolls.
                        td.wide-cell { (org) }
                        td { (bid_state_badge(&b.state, lang)) }
                        td { (b.revision) }
                        td { (display_instant(b.submitted_at)) }
                        td { code title=(b.commitment) { (short(&b.commitment)) "…" } }
                        td { span class=(format!("badge bid-outcome outcome-{}", outcome.code())) { (outcome.label(lang)) } }
                        td.receipt-links {
                            a.bid-content href=(format!("/tenders/{}/bids/{}", t.id, b.id)) { (lang.t("bid.view_content")) } " · "
                            a.bid-receipt href=(format!("/tenders/{}/bids/{}/receipt", t.id, b.id)) { (lang.t("pdf.view")) } " · "
                            a href=(format!("/tenders/{}/bids/{}/receipt.pdf?lang={}", t.id, b.id, lang.code())) { "PDF" }
                        }
                    } } }
                } } }
            }
        }
        @if let Some(ts) = &w.evaluator {
            div.panel id="ws-evaluate" {
                h2 { (lang.t("ws.to_score")) }
                @if ts.is_empty() { p.muted { (lang.t("ws.nothing_to_score")) } }
                @else { ul.plain { @for t in ts {
                    li {
                        (tender_link(t)) " " (state_badge(&t.state, lang)) " "
                        @if t.state == TenderState::Evaluating.code() {
                            a href=(format!("/tenders/{}/score", t.id)) { (lang.t("eval.score_link")) }
                        }
                    }
                } } }
            }
        }
    }
}
