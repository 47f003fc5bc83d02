//! The tender page: notice, Q&A, amendments, opening record, evaluation, award, challenges, contract and timeline.

use super::*;

// ---------------------------------------------------------------------------------------
// The tender page

/// What the viewer of a tender page may do.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// Signed in.
    pub signed_in: bool,
    /// A buyer of the tender's unit.
    pub buyer: bool,
    /// Organizations the viewer administers: id, name.
    pub admin_orgs: Vec<(i64, String)>,
    /// An assigned evaluator.
    pub evaluator: bool,
    /// May read the evaluation report now.
    pub may_see_evaluation: bool,
    /// A regulator (sees the link to the tender's red flags).
    pub regulator: bool,
}

/// A form on the tender page sent back with an error: which form, what was typed, why.
#[derive(Debug, Clone, Default)]
pub struct Inline {
    /// `ask`, `answer-{id}`, `cancel`, `evaluator`, `challenge`, `challenge-answer-{id}`.
    pub form: String,
    /// The typed text.
    pub value: String,
    /// The chosen organization (challenge form).
    pub org_id: String,
    /// The message.
    pub error: String,
    /// The document form as typed (`documents`).
    pub doc_form: crate::procurement::document_rules::DocumentForm,
    /// Its messages, per field.
    pub doc_errors: FieldErrors,
}

impl Inline {
    pub(super) fn errors(&self, form: &str, field: &'static str) -> (String, FieldErrors) {
        let mut e = FieldErrors::default();
        if self.form == form {
            if !self.error.is_empty() {
                e.add(field, self.error.clone());
            }
            (self.value.clone(), e)
        } else {
            (String::new(), e)
        }
    }
}

/// Everything the tender page shows.
pub struct ShowData {
    /// The tender.
    pub t: tender::Model,
    /// Now.
    pub now: i64,
    /// Its unit's name.
    pub unit_name: String,
    /// Criteria.
    pub criteria: Vec<criterion::Model>,
    /// Milestones.
    pub milestones: Vec<milestone::Model>,
    /// Amendments.
    pub amendments: Vec<amendment::Model>,
    /// Every version of the tender's documents, in upload order.
    pub documents: Vec<crate::procurement::TenderDocument>,
    /// Questions and answers.
    pub enquiries: Vec<enquiry::Model>,
    /// Opening record (empty before opening).
    pub opening: Vec<OpeningLine>,
    /// Ranking, once public (after the award).
    pub ranking: Option<Vec<Ranked>>,
    /// The award.
    pub award: Option<award::Model>,
    /// Challenges with the challenger's name.
    pub challenges: Vec<(challenge::Model, String)>,
    /// The contract: id, state label, value.
    pub contract: Option<(i64, String, Fen)>,
    /// Public timeline: instant, action.
    pub timeline: Vec<(i64, String)>,
    /// Evaluators (shown to buyers).
    pub evaluators: Vec<(i64, String)>,
    /// The viewer.
    pub viewer: Viewer,
    /// Token for the forms shown.
    pub csrf: Option<String>,
    /// A form sent back with an error.
    pub inline: Inline,
    /// The best-matched organizations (the tender's buyers only; rendered by `matching`).
    pub matches: Option<Markup>,
}

pub(super) fn name_of(opening: &[OpeningLine], bid_id: i64) -> String {
    opening
        .iter()
        .find(|l| l.bid_id == bid_id)
        .map(|l| l.org_name.clone())
        .unwrap_or_default()
}

pub(super) fn ranking_table(
    lang: Lang,
    t: &tender::Model,
    ranking: &[Ranked],
    opening: &[OpeningLine],
) -> Markup {
    let comprehensive = t.eval_method == EvalMethod::Comprehensive.code();
    html! {
        div.table-wrap { table.data-table.ranking {
            thead { tr {
                th.num { (lang.t("eval.rank")) }
                th { (lang.t("bid.bidder")) }
                th.num { (lang.t("bid.price")) }
                @if comprehensive {
                    th.num { (lang.t("eval.technical")) }
                    th.num { (lang.t("eval.price_score")) }
                    th.num { (lang.t("eval.total")) }
                }
            } }
            tbody { @for r in ranking { tr {
                td.num { (r.rank) }
                td { (name_of(opening, r.bid_id)) }
                td.num { (Fen(r.price_fen)) }
                @if comprehensive {
                    td.num { (points(r.technical_milli)) }
                    td.num { (points(r.price_milli)) }
                    td.num { strong { (points(r.total_milli)) } }
                }
            } } }
        } }
    }
}

pub(super) fn notice(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    let r = regions();
    let comprehensive = t.eval_method == EvalMethod::Comprehensive.code();
    html! {
        section.section id="notice" {
            h2 { (lang.t("tender.notice")) }
            dl.props {
                dt { (lang.t("tender.unit")) } dd { (d.unit_name) }
                dt { (lang.t("tender.place")) } dd { (r.path(&t.division_code, lang)) }
                dt { (lang.t("tender.domain")) } dd { span.tag { (domain_label(&t.domain, lang)) } }
                dt { (lang.t("tender.budget")) } dd { (Fen(t.budget_fen)) }
                dt { (lang.t("tender.method_col")) } dd { (method_label(&t.method, lang)) }
                dt { (lang.t("tender.eval_method")) } dd { (eval_label(&t.eval_method, lang)) }
                @if comprehensive {
                    dt { (lang.t("tender.price_weight")) } dd { (lang.tf("tender.points", &[("n", &t.price_weight.to_string())])) }
                }
                dt { (lang.t("tender.eligibility")) }
                dd { ul.plain { @for l in eligibility_lines(t, lang) { li { (l) } } } }
                dt { (lang.t("tender.enquiry_deadline")) } dd { (display_instant(t.enquiry_deadline)) }
                dt { (lang.t("tender.bid_deadline")) } dd { (display_instant(t.bid_deadline)) " " span.muted { (lang.t("tender.opening_note")) } }
                dt { (lang.t("tender.contract_months")) } dd { (lang.tf("tender.months", &[("n", &t.contract_months.to_string())])) }
                @if let Some(p) = t.published_at {
                    dt { (lang.t("tender.published_at")) } dd { (display_instant(p)) }
                }
                @if !t.state_reason.is_empty() {
                    dt { (lang.t("tender.state_reason")) } dd { (state_reason(lang, &t.state_reason)) }
                }
                @if t.published_at.is_some() {
                    dt { (lang.t("opendata.title")) }
                    dd {
                        a.open-data href=(format!("/api/v1/ocds/records/{}", crate::opendata::ocid_of(t.id))) { (lang.t("opendata.tender_link")) }
                        " · " a href="/data" { (lang.t("opendata.tender_link_about")) }
                        @if d.viewer.regulator {
                            " · " a.red-flags href=(format!("/data/flags/tenders/{}", t.id)) { (lang.t("flags.tender_link")) }
                        }
                    }
                }
            }
            h3 { (lang.t("tender.description")) }
            (paragraphs(&t.description))
            @if comprehensive && !d.criteria.is_empty() {
                h3 { (lang.t("tender.criteria")) }
                div.table-wrap { table.data-table.criteria {
                    thead { tr { th { (lang.t("tender.criterion")) } th.num { (lang.t("tender.weight")) } } }
                    tbody {
                        @for c in &d.criteria { tr { td { (c.name) } td.num { (c.weight) } } }
                        tr { td { (lang.t("tender.price")) } td.num { (t.price_weight) } }
                    }
                } }
            }
            h3 { (lang.t("tender.milestones")) }
            div.table-wrap { table.data-table.milestones {
                thead { tr { th { (lang.t("tender.milestone")) } th.num { (lang.t("tender.percent")) } } }
                tbody { @for m in &d.milestones { tr { td { (m.name) } td.num { (percent(m.percent_bp)) } } } }
            } }
        }
    }
}

pub(super) fn amendments(lang: Lang, d: &ShowData) -> Markup {
    html! {
        section.section id="amendments" {
            h2 { (lang.t("tender.amendments")) }
            @if d.amendments.is_empty() { p.muted { (lang.t("tender.no_amendments")) } }
            @else {
                ul.plain { @for a in &d.amendments { li {
                    strong { (display_instant(a.at)) } " · " (a.summary) " "
                    @if a.old_bid_deadline == a.new_bid_deadline {
                        span.muted { (lang.t("tender.amend_documents")) }
                    } @else {
                        span.muted { (lang.tf("tender.amend_deadline", &[("old", &display_instant(a.old_bid_deadline)), ("new", &display_instant(a.new_bid_deadline))])) }
                    }
                } } }
            }
        }
    }
}

pub(super) fn qa(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    let open = state_of(t) == TenderState::Published && d.now < t.enquiry_deadline;
    let (ask_value, ask_err) = d.inline.errors("ask", "question");
    html! {
        section.section id="qa" {
            h2 { (lang.t("tender.qa")) }
            @if d.enquiries.is_empty() { p.muted { (lang.t("tender.no_questions")) } }
            @else {
                dl.qa { @for q in &d.enquiries {
                    dt { (q.question) " " span.muted { (display_instant(q.asked_at)) } }
                    dd {
                        @if let Some(a) = &q.answer {
                            (paragraphs(a))
                            @if let Some(at) = q.answered_at { p.muted { (lang.tf("tender.answered_at", &[("at", &display_instant(at))])) } }
                        } @else {
                            p.muted { (lang.t("tender.unanswered")) }
                            @if d.viewer.buyer && let Some(csrf) = &d.csrf {
                                @let key = format!("answer-{}", q.id);
                                @let (v, e) = d.inline.errors(&key, "answer");
                                form.form method="post" action=(format!("/tenders/{}/enquiries/{}/answer", t.id, q.id)) {
                                    (csrf_field(csrf))
                                    (textarea("answer", &lang.t("tender.answer"), &v, None, &e))
                                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("tender.answer_submit")) } }
                                }
                            }
                        }
                    }
                } }
            }
            @if open {
                @if d.viewer.signed_in && let Some(csrf) = &d.csrf {
                    form.form method="post" action=(format!("/tenders/{}/enquiries", t.id)) {
                        (csrf_field(csrf))
                        (textarea("question", &lang.t("tender.question"), &ask_value, Some(&lang.t("tender.question_hint")), &ask_err))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("tender.ask")) } }
                    }
                } @else if !d.viewer.signed_in {
                    p { a href=(format!("/login?next=/tenders/{}", t.id)) { (lang.t("tender.login_to_ask")) } }
                }
            } @else if state_of(t) == TenderState::Published {
                p.muted { (lang.t("tender.enquiries_closed")) }
            }
        }
    }
}

pub(super) fn opening(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    html! {
        section.section id="opening" {
            h2 { (lang.t("tender.opening")) }
            @if let Some(at) = t.opened_at {
                p { (lang.tf("tender.opened_at", &[("at", &display_instant(at))])) }
                @if d.opening.is_empty() { p.muted { (lang.t("tender.no_bids")) } }
                @else {
                    div.table-wrap { table.data-table.opening {
                        thead { tr {
                            th { (lang.t("bid.bidder")) }
                            th.num { (lang.t("bid.price")) }
                            th { (lang.t("bid.state_col")) }
                            th { (lang.t("bid.commitment")) }
                        } }
                        tbody { @for l in &d.opening { tr {
                            td { (l.org_name) }
                            td.num { (Fen(l.price_fen)) }
                            td { (bid_state_badge(&l.state, lang)) }
                            td { code title=(l.commitment) { (short(&l.commitment)) "…" } }
                        } } }
                    } }
                }
            } @else if state_of(t) == TenderState::Published || state_of(t) == TenderState::Draft {
                p { (lang.tf("tender.sealed", &[("at", &display_instant(t.bid_deadline))])) }
            } @else {
                p.muted { (lang.t("tender.not_opened")) }
            }
        }
    }
}

pub(super) fn evaluation(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    html! {
        section.section id="evaluation" {
            h2 { (lang.t("eval.title")) }
            @if let Some(r) = &d.ranking {
                (ranking_table(lang, t, r, &d.opening))
                p { a href=(format!("/tenders/{}/evaluation", t.id)) { (lang.t("eval.full_report")) } }
            } @else {
                p.muted { (lang.t("eval.after_award")) }
                @if d.viewer.may_see_evaluation {
                    p { a href=(format!("/tenders/{}/evaluation", t.id)) { (lang.t("eval.report_link")) } }
                }
            }
        }
    }
}

pub(super) fn award_section(lang: Lang, d: &ShowData) -> Markup {
    html! {
        section.section id="award" {
            h2 { (lang.t("award.title")) }
            @if let Some(a) = &d.award {
                dl.props.award-notice {
                    dt { (lang.t("award.winner")) } dd { strong { (name_of(&d.opening, a.bid_id)) } }
                    dt { (lang.t("award.value")) } dd { (Fen(a.value_fen)) }
                    dt { (lang.t("award.at")) } dd { (display_instant(a.awarded_at)) }
                    @if !a.justification.is_empty() {
                        dt { (lang.t("award.justification")) } dd { (a.justification) }
                    }
                    dt { (lang.t("award.standstill_until")) } dd { (display_instant(a.standstill_ends_at)) }
                }
            } @else {
                p.muted { (lang.t("award.none")) }
            }
        }
    }
}

pub(super) fn challenges(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    let window = d
        .award
        .as_ref()
        .is_some_and(|a| d.now < a.standstill_ends_at)
        && state_of(t) == TenderState::Awarded;
    let (cv, ce) = d.inline.errors("challenge", "text");
    let orgs: Vec<(String, String)> = d
        .viewer
        .admin_orgs
        .iter()
        .map(|(i, n)| (i.to_string(), n.clone()))
        .collect();
    html! {
        section.section id="challenges" {
            h2 { (lang.t("challenge.title")) }
            @if d.challenges.is_empty() { p.muted { (lang.t("challenge.none")) } }
            @else {
                dl.qa { @for (c, org) in &d.challenges {
                    dt { strong { (org) } " " span.muted { (display_instant(c.filed_at)) } }
                    dd {
                        (paragraphs(&c.text))
                        @if let Some(a) = &c.answer {
                            div.answer { strong { (lang.t("challenge.answer")) ": " } (paragraphs(a)) }
                        } @else {
                            p.muted { (lang.t("challenge.unanswered")) }
                            @if d.viewer.buyer && let Some(csrf) = &d.csrf {
                                @let key = format!("challenge-answer-{}", c.id);
                                @let (v, e) = d.inline.errors(&key, "answer");
                                form.form method="post" action=(format!("/tenders/{}/challenges/{}/answer", t.id, c.id)) {
                                    (csrf_field(csrf))
                                    (textarea("answer", &lang.t("challenge.answer"), &v, None, &e))
                                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("challenge.answer_submit")) } }
                                }
                            }
                        }
                    }
                } }
            }
            @if window && !orgs.is_empty() && let Some(csrf) = &d.csrf {
                form.form method="post" action=(format!("/tenders/{}/challenges", t.id)) {
                    (csrf_field(csrf))
                    (select("org_id", &lang.t("bid.org"), &orgs, &d.inline.org_id, None, &FieldErrors::default()))
                    (textarea("text", &lang.t("challenge.text"), &cv, Some(&lang.t("challenge.hint")), &ce))
                    div.actions { button.btn.btn-danger type="submit" { (lang.t("challenge.submit")) } }
                }
            }
        }
    }
}

pub(super) fn side_panel(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    let s = state_of(t);
    let v = &d.viewer;
    let (cancel_v, cancel_e) = d.inline.errors("cancel", "reason");
    let (eval_v, eval_e) = d.inline.errors("evaluator", "email");
    let nothing = !v.buyer && v.admin_orgs.is_empty() && !v.evaluator;
    html! {
        aside.side-panel {
            h2 { (lang.t("tender.actions")) }
            p { (state_badge(&t.state, lang)) }
            @if v.buyer && let Some(csrf) = &d.csrf {
                @if s == TenderState::Draft {
                    p { a.btn.btn-secondary href=(format!("/tenders/{}/edit", t.id)) { (lang.t("tender.edit")) } }
                    form.form method="post" action=(format!("/tenders/{}/publish", t.id)) {
                        (csrf_field(csrf))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("tender.publish")) } }
                    }
                }
                @if s == TenderState::Published {
                    p { a.btn.btn-secondary href=(format!("/tenders/{}/amend", t.id)) { (lang.t("tender.amend")) } }
                }
                @if matches!(s, TenderState::Opened | TenderState::Evaluating) {
                    h3 { (lang.t("eval.evaluators")) }
                    @if d.evaluators.is_empty() { p.muted { (lang.t("eval.no_evaluators")) } }
                    @else { ul.plain { @for (_, n) in &d.evaluators { li { (n) } } } }
                    form.form method="post" action=(format!("/tenders/{}/evaluators", t.id)) {
                        (csrf_field(csrf))
                        (input("email", "email", &lang.t("eval.assign_email"), &eval_v, None, &eval_e, true))
                        div.actions { button.btn.btn-secondary type="submit" { (lang.t("eval.assign")) } }
                    }
                }
                @if matches!(s, TenderState::Opened | TenderState::Evaluating | TenderState::Awarded | TenderState::Contracted | TenderState::Completed) {
                    p { a.btn.btn-primary href=(format!("/tenders/{}/evaluation", t.id)) {
                        @if s == TenderState::Evaluating { (lang.t("eval.report_and_award")) } @else { (lang.t("eval.report_link")) }
                    } }
                }
                @if matches!(s, TenderState::Draft | TenderState::Published | TenderState::Opened | TenderState::Evaluating) {
                    h3 { (lang.t("tender.cancel")) }
                    form.form method="post" action=(format!("/tenders/{}/cancel", t.id)) {
                        (csrf_field(csrf))
                        (textarea("reason", &lang.t("tender.cancel_reason"), &cancel_v, None, &cancel_e))
                        div.actions { button.btn.btn-danger type="submit" { (lang.t("tender.cancel")) } }
                    }
                }
            }
            @if !v.admin_orgs.is_empty() && s != TenderState::Draft {
                p { a.btn.btn-primary href=(format!("/tenders/{}/bid", t.id)) {
                    @if s == TenderState::Published && d.now < t.bid_deadline { (lang.t("bid.go")) } @else { (lang.t("bid.my_bids")) }
                } }
            }
            @if v.evaluator {
                p { a.btn.btn-primary href=(format!("/tenders/{}/score", t.id)) { (lang.t("eval.score_link")) } }
            }
            @if nothing {
                p.muted { (lang.t("tender.public_note")) }
            }
        }
    }
}

/// The tender page body.
pub fn show(lang: Lang, d: &ShowData) -> Markup {
    let t = &d.t;
    html! {
        div.page-head {
            h1.page-title { (t.title) }
        }
        p { (state_badge(&t.state, lang)) " " span.muted { (lang.tf("tender.number", &[("id", &t.id.to_string())])) } }
        nav.toc aria-label=(lang.t("layout.toc")) { ul.plain.inline-list {
            @for (anchor, key) in [("notice", "tender.notice"), ("documents", "tender.documents"), ("amendments", "tender.amendments"), ("qa", "tender.qa"), ("opening", "tender.opening"), ("evaluation", "eval.title"), ("award", "award.title"), ("challenges", "challenge.title"), ("contract", "tender.contract"), ("timeline", "tender.timeline")] {
                li { a href=(format!("#{anchor}")) { (lang.t(key)) } }
            }
        } }
        div.profile-grid {
            div {
                (notice(lang, d))
                (super::documents::section(lang, d))
                @if let Some(m) = &d.matches { (m) }
                (amendments(lang, d))
                (qa(lang, d))
                (opening(lang, d))
                (evaluation(lang, d))
                (award_section(lang, d))
                (challenges(lang, d))
                section.section id="contract" {
                    h2 { (lang.t("tender.contract")) }
                    @if let Some((id, state, value)) = &d.contract {
                        p { a href=(format!("/contracts/{id}")) { (lang.tf("tender.contract_link", &[("id", &id.to_string())])) } " · " (state) " · " (value) }
                    } @else { p.muted { (lang.t("tender.no_contract")) } }
                }
                section.section id="timeline" {
                    h2 { (lang.t("tender.timeline")) }
                    @if d.timeline.is_empty() { p.muted { (lang.t("tender.no_events")) } }
                    @else {
                        ol.timeline { @for (at, action) in &d.timeline {
                            li { time { (display_instant(*at)) } " " (event_label(action, lang)) }
                        } }
                    }
                }
            }
            (side_panel(lang, d))
        }
    }
}

/// A tender's reason for its final state in the reader's language: the opening's "too few
/// valid bids" said in words, a buyer's own reason as written.
pub fn state_reason(lang: Lang, reason: &str) -> String {
    match crate::procurement::rules::too_few_bids(reason) {
        Some((valid, needed)) => lang.tf(
            "tender.reason.too_few_bids",
            &[
                ("valid", &valid.to_string()),
                ("needed", &needed.to_string()),
            ],
        ),
        None => reason.to_string(),
    }
}
