//! Donation pages: the campaign list and page (raised vs goal, public donor list, the
//! donation form), the donor's donation page (bank-transfer details or the Stripe state),
//! the printable receipt, and the foundation's fundraising page (qualification, campaigns,
//! arrivals to confirm, refunds, reconciliation). Functions of data to markup; no queries.

use maud::{Markup, html};

use super::model::{Campaign, Donation, QualificationRow};
use super::rules::{CampaignForm, DonationState, GatewayKind, PledgeForm, QualificationForm};
use super::{CampaignPage, Difference};
use crate::kernel::Lang;
use crate::kernel::clock::{display_instant, shanghai_date};
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::web::forms::{csrf_field, error_summary, input};

fn day(t: i64) -> String {
    shanghai_date(t).to_string()
}

/// A donation's state as a badge.
pub fn state_badge(s: DonationState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-donation-{}", s.code())) { (s.label(lang)) } }
}

/// Raised vs goal, as numbers and a progress element.
pub fn progress(lang: Lang, raised: Fen, goal: Fen) -> Markup {
    let max = goal.0.max(1);
    html! {
        p.raised {
            (lang.tf("payments.raised_of", &[("raised", &raised.to_string()), ("goal", &goal.to_string())]))
        }
        progress.campaign-progress value=(raised.0.min(max)) max=(max) { (raised) }
    }
}

/// `/campaigns`
pub fn list(lang: Lang, rows: &[(Campaign, Fen)], now: i64) -> Markup {
    html! {
        h1.page-title { (lang.t("payments.campaigns_title")) }
        p.lead { (lang.t("payments.campaigns_lead")) }
        @if rows.is_empty() {
            p.empty { (lang.t("payments.no_campaigns")) }
        } @else {
            table.campaigns-table {
                thead { tr {
                    th { (lang.t("payments.col.project")) }
                    th { (lang.t("payments.col.raised")) }
                    th { (lang.t("payments.col.goal")) }
                    th { (lang.t("payments.col.state")) }
                } }
                tbody {
                    @for (c, raised) in rows {
                        tr {
                            td { a href=(format!("/campaigns/{}", c.id)) { (c.title) } }
                            td.num { (raised) }
                            td.num { (Fen(c.goal_fen)) }
                            td { (campaign_state(lang, c, now)) }
                        }
                    }
                }
            }
        }
    }
}

fn campaign_state(lang: Lang, c: &Campaign, now: i64) -> String {
    if super::rules::accepting(c.state(), c.plan_starts_at, c.plan_ends_at, now) {
        super::CampaignState::Open.label(lang)
    } else {
        super::CampaignState::Closed.label(lang)
    }
}

/// `/campaigns/{id}`: the project's donation section.
pub fn campaign(
    lang: Lang,
    p: &CampaignPage,
    now: i64,
    form: &PledgeForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let c = &p.campaign;
    let open = super::rules::accepting(c.state(), c.plan_starts_at, c.plan_ends_at, now);
    html! {
        h1.page-title { (c.title) }
        section.campaign aria-labelledby="campaign-h" {
            h2 #campaign-h { (lang.t("payments.section_title")) }
            dl.facts {
                dt { (lang.t("payments.foundation")) } dd #foundation { (p.foundation) }
                dt { (lang.t("payments.applicant")) } dd { (p.applicant) }
                dt { (lang.t("payments.plan_record_no")) } dd #plan-record { (c.plan_record_no) }
                dt { (lang.t("payments.plan_period")) }
                dd { (day(c.plan_starts_at)) " – " (day(c.plan_ends_at - 1)) }
                dt { (lang.t("payments.col.state")) } dd #campaign-state { (campaign_state(lang, c, now)) }
            }
            div #raised { (progress(lang, p.raised, Fen(c.goal_fen))) }
            h3 { (lang.t("payments.donors")) }
            @if p.donors.is_empty() {
                p.empty { (lang.t("payments.no_donors")) }
            } @else {
                ul.donor-list {
                    @for d in &p.donors {
                        li {
                            span.donor-name { (d.name.clone().unwrap_or_else(|| lang.t("payments.anonymous"))) }
                            " " span.num { (d.amount) }
                        }
                    }
                }
            }
            @if open {
                h3 { (lang.t("payments.donate")) }
                (error_summary(e, lang))
                form.form.donate-form method="post" action=(format!("/campaigns/{}/donations", c.id)) novalidate {
                    (csrf_field(csrf))
                    (input("text", "donor_name", &lang.t("payments.field.donor_name"), &form.donor_name, Some(&lang.t("payments.hint.donor_name")), e, true))
                    (input("text", "amount", &lang.t("payments.field.amount"), &form.amount, None, e, true))
                    div.field {
                        label.check { input type="checkbox" id="show_name" name="show_name" value="1" checked[form.show_name == "1"]; " " (lang.t("payments.field.show_name")) }
                    }
                    button.btn.btn-primary type="submit" { (lang.t("payments.donate")) }
                }
            } @else {
                p.notice #closed-notice { (lang.t("payments.closed")) }
                (error_summary(e, lang))
            }
            p.legal { (lang.t("payments.legal")) }
        }
    }
}

/// What the donor's page shows of Stripe.
pub struct StripeView<'a> {
    /// Publishable key, when Stripe.js may be loaded.
    pub publishable_key: Option<&'a str>,
}

/// `/donations/{reference}`
pub fn donation(
    lang: Lang,
    d: &Donation,
    c: &Campaign,
    q: Option<&QualificationRow>,
    foundation: &str,
    stripe: &StripeView<'_>,
) -> Markup {
    let state = d.state();
    html! {
        h1.page-title { (lang.t("payments.donation_title")) }
        dl.facts {
            dt { (lang.t("payments.col.project")) } dd { a href=(format!("/campaigns/{}", c.id)) { (c.title) } }
            dt { (lang.t("payments.foundation")) } dd { (foundation) }
            dt { (lang.t("payments.field.amount")) } dd #amount { (Fen(d.amount_fen)) }
            dt { (lang.t("payments.col.state")) } dd #state { (state_badge(state, lang)) }
            dt { (lang.t("payments.reference")) } dd #reference { code { (d.reference) } }
        }
        @match (d.gateway(), state) {
            (_, DonationState::Succeeded | DonationState::Refunded) => {
                p #paid { (lang.t("payments.thanks")) " "
                    a href=(format!("/donations/{}/receipt", d.reference)) { (lang.t("payments.receipt_link")) } }
            }
            (GatewayKind::Offline, DonationState::Pending) => {
                section.bank-transfer #bank-transfer {
                    h2 { (lang.t("payments.bank_title")) }
                    @if let Some(q) = q {
                        dl.facts {
                            dt { (lang.t("payments.field.account_name")) } dd { (q.account_name) }
                            dt { (lang.t("payments.field.bank_name")) } dd { (q.bank_name) }
                            dt { (lang.t("payments.field.account_no")) } dd { code { (q.account_no) } }
                            dt { (lang.t("payments.memo")) } dd { code { (d.reference) } }
                        }
                    }
                    p { (lang.t("payments.bank_note")) }
                }
            }
            (GatewayKind::Stripe, DonationState::Pending) => {
                @if d.payment_intent.is_none() {
                    p.notice.notice-error #gateway-error role="alert" { (lang.t("payments.unreachable")) }
                } @else {
                    p.notice #waiting { (lang.t("payments.waiting")) }
                    @if let (Some(pk), Some(secret)) = (stripe.publishable_key, d.client_secret.as_deref()) {
                        div #stripe-payment data-stripe-key=(pk) data-client-secret=(secret)
                            data-return-url=(format!("/donations/{}", d.reference)) {}
                        button.btn.btn-primary #stripe-pay type="button" hidden { (lang.t("payments.pay")) }
                        script src="https://js.stripe.com/v3/" {}
                        script src=(crate::web::assets::url("js/donate.js")) defer {}
                    }
                }
            }
            (_, DonationState::Failed) => {
                p.notice.notice-error #failed { (lang.t("payments.failed")) }
            }
        }
        p { a href="?" { (lang.t("payments.refresh")) } }
    }
}

/// `/donations/{reference}/receipt`: printable.
pub fn receipt(
    lang: Lang,
    d: &Donation,
    c: &Campaign,
    q: Option<&QualificationRow>,
    foundation: &str,
) -> Markup {
    html! {
        article.receipt #receipt {
            h1 { (lang.t("payments.receipt_title")) }
            p.receipt-no { (lang.t("payments.receipt_no")) " " strong #receipt-no { (d.receipt_no.clone().unwrap_or_default()) } }
            dl.facts {
                dt { (lang.t("payments.field.donor_name")) } dd #donor { (d.donor_name) }
                dt { (lang.t("payments.field.amount")) } dd { (Fen(d.amount_fen)) }
                @if d.refunded_fen > 0 {
                    dt { (lang.t("payments.refunded")) } dd #refunded { (Fen(d.refunded_fen)) }
                }
                dt { (lang.t("payments.paid_on")) } dd { (d.paid_at.map(day).unwrap_or_default()) }
                dt { (lang.t("payments.col.project")) } dd { (c.title) }
                dt { (lang.t("payments.plan_record_no")) } dd { (c.plan_record_no) }
                dt { (lang.t("payments.foundation")) } dd { (foundation) }
                @if let Some(q) = q {
                    dt { (lang.t("payments.field.certificate_no")) } dd { (q.certificate_no) }
                }
            }
            p.legal { (lang.t("payments.receipt_note")) }
            p.no-print { a.btn.btn-secondary.receipt-pdf href=(format!("/donations/{}/receipt.pdf?lang={}", d.reference, lang.code())) { (lang.t("pdf.download")) } }
        }
    }
}

/// The donation receipt as a PDF document: the same facts as [`receipt`], then the
/// platform's address and the receipt's page to verify it. `base` is the platform's public
/// address.
pub fn receipt_pdf(
    lang: Lang,
    d: &Donation,
    c: &Campaign,
    q: Option<&QualificationRow>,
    foundation: &str,
    base: &str,
) -> crate::kernel::pdf::Document {
    use crate::kernel::pdf::{Block, Document};
    let no = d.receipt_no.clone().unwrap_or_default();
    let mut rows = vec![
        (lang.t("payments.receipt_no"), no.clone()),
        (lang.t("payments.field.donor_name"), d.donor_name.clone()),
        (
            lang.t("payments.field.amount"),
            Fen(d.amount_fen).to_string(),
        ),
    ];
    if d.refunded_fen > 0 {
        rows.push((lang.t("payments.refunded"), Fen(d.refunded_fen).to_string()));
    }
    rows.extend([
        (
            lang.t("payments.paid_on"),
            d.paid_at.map(day).unwrap_or_default(),
        ),
        (lang.t("payments.col.project"), c.title.clone()),
        (lang.t("payments.plan_record_no"), c.plan_record_no.clone()),
        (lang.t("payments.foundation"), foundation.to_string()),
    ]);
    if let Some(q) = q {
        rows.push((
            lang.t("payments.field.certificate_no"),
            q.certificate_no.clone(),
        ));
    }
    let mut doc = Document::new(
        format!("{} {no}", lang.t("payments.receipt_title")),
        lang.code(),
    );
    doc.blocks = vec![
        Block::Title(lang.t("payments.receipt_title")),
        Block::Table(rows),
        Block::Paragraph(lang.t("payments.receipt_note")),
    ];
    doc.footer = vec![
        format!("{} · {base}", lang.t("site.name")),
        format!(
            "{} {base}/donations/{}/receipt",
            lang.t("recog.cert.verify"),
            d.reference
        ),
    ];
    doc
}

/// The forms of the fundraising page that came back with errors.
#[derive(Default)]
pub struct Failed<'a> {
    /// The qualification form.
    pub qualification: Option<(&'a QualificationForm, &'a FieldErrors)>,
    /// The campaign form.
    pub campaign: Option<(&'a CampaignForm, &'a FieldErrors)>,
    /// A donation's confirm or refund form: its id, errors and the typed amount and day.
    pub donation: Option<(i64, &'a FieldErrors, &'a str, &'a str)>,
}

/// `/orgs/{id}/fundraising`
#[allow(clippy::too_many_arguments)]
pub fn fundraising(
    lang: Lang,
    (org_id, org_name): (i64, &str),
    q: Option<&QualificationRow>,
    campaigns: &[Campaign],
    donations: &[Donation],
    failed: &Failed<'_>,
    now: i64,
    csrf: &str,
) -> Markup {
    let none = FieldErrors::default();
    let stored_q;
    let (qf, qe) = match failed.qualification {
        Some(x) => x,
        None => {
            stored_q = q.map_or_else(QualificationForm::default, |q| QualificationForm {
                certificate_no: q.certificate_no.clone(),
                valid_from: day(q.valid_from),
                bank_name: q.bank_name.clone(),
                account_name: q.account_name.clone(),
                account_no: q.account_no.clone(),
            });
            (&stored_q, &none)
        }
    };
    let blank = CampaignForm::default();
    let (cf, ce) = failed.campaign.unwrap_or((&blank, &none));
    html! {
        h1.page-title { (lang.tf("payments.fundraising_title", &[("name", org_name)])) }
        p.lead { (lang.t("payments.legal")) }
        section #qualification-section {
            h2 { (lang.t("payments.qualification_title")) }
            (error_summary(qe, lang))
            form.form method="post" action=(format!("/orgs/{org_id}/fundraising/qualification")) novalidate {
                (csrf_field(csrf))
                (input("text", "certificate_no", &lang.t("payments.field.certificate_no"), &qf.certificate_no, None, qe, true))
                (input("date", "valid_from", &lang.t("payments.field.valid_from"), &qf.valid_from, None, qe, true))
                (input("text", "bank_name", &lang.t("payments.field.bank_name"), &qf.bank_name, None, qe, true))
                (input("text", "account_name", &lang.t("payments.field.account_name"), &qf.account_name, None, qe, true))
                (input("text", "account_no", &lang.t("payments.field.account_no"), &qf.account_no, None, qe, true))
                button.btn type="submit" { (lang.t("payments.save_qualification")) }
            }
        }
        section #campaigns-section {
            h2 { (lang.t("payments.campaigns_title")) }
            @if !campaigns.is_empty() {
                ul.campaign-list {
                    @for c in campaigns {
                        li { a href=(format!("/campaigns/{}", c.id)) { (c.title) } " · " (c.plan_record_no) " · " (campaign_state(lang, c, now)) }
                    }
                }
            }
            h3 { (lang.t("payments.new_campaign")) }
            (error_summary(ce, lang))
            @if let Some(m) = ce.get("qualification") { p.error-msg #qualification-error role="alert" { (m) } }
            form.form method="post" action=(format!("/orgs/{org_id}/campaigns")) novalidate {
                (csrf_field(csrf))
                (input("number", "proposal_id", &lang.t("payments.field.proposal_id"), &cf.proposal_id, Some(&lang.t("payments.hint.proposal_id")), ce, true))
                (input("text", "goal", &lang.t("payments.field.goal"), &cf.goal, None, ce, true))
                (input("text", "plan_record_no", &lang.t("payments.plan_record_no"), &cf.plan_record_no, None, ce, true))
                (input("date", "plan_from", &lang.t("payments.field.plan_from"), &cf.plan_from, None, ce, true))
                (input("date", "plan_to", &lang.t("payments.field.plan_to"), &cf.plan_to, None, ce, true))
                button.btn.btn-primary type="submit" { (lang.t("payments.open_campaign")) }
            }
        }
        section #donations-section {
            h2 { (lang.t("payments.donations_title")) }
            @if donations.is_empty() {
                p.empty { (lang.t("payments.no_donations")) }
            } @else {
                table.donations-table {
                    thead { tr {
                        th { (lang.t("payments.reference")) }
                        th { (lang.t("payments.field.donor_name")) }
                        th { (lang.t("payments.field.amount")) }
                        th { (lang.t("payments.col.state")) }
                        th { (lang.t("payments.receipt_no")) }
                        th { (lang.t("payments.col.action")) }
                    } }
                    tbody {
                        @for d in donations {
                            @let stored_amount = Fen(d.amount_fen).to_input();
                            @let today = day(now);
                            @let (e, typed_amount, typed_day) = match failed.donation {
                                Some((id, e, a, t)) if id == d.id => (e, a, t),
                                _ => (&none, stored_amount.as_str(), today.as_str()),
                            };
                            tr id=(format!("donation-{}", d.id)) {
                                td { code { (d.reference) } }
                                td { (d.donor_name) }
                                td.num { (Fen(d.amount_fen)) @if d.refunded_fen > 0 { " (" (lang.t("payments.refunded")) " " (Fen(d.refunded_fen)) ")" } }
                                td { (state_badge(d.state(), lang)) " " (d.gateway().label(lang)) }
                                td { @if let Some(r) = &d.receipt_no { a href=(format!("/donations/{}/receipt", d.reference)) { (r) } } }
                                td {
                                    (error_summary(e, lang))
                                    @if d.gateway() == GatewayKind::Offline && d.state() == DonationState::Pending {
                                        form.form.inline method="post" action=(format!("/orgs/{org_id}/donations/{}/confirm", d.id)) novalidate {
                                            (csrf_field(csrf))
                                            (input("text", "amount", &lang.t("payments.field.received_amount"), typed_amount, None, e, true))
                                            (input("date", "received_on", &lang.t("payments.field.received_on"), typed_day, None, e, true))
                                            button.btn type="submit" { (lang.t("payments.confirm")) }
                                        }
                                    }
                                    @if super::rules::counts(d.state()) && d.refunded_fen < d.amount_fen {
                                        form.form.inline method="post" action=(format!("/orgs/{org_id}/donations/{}/refund", d.id)) novalidate {
                                            (csrf_field(csrf))
                                            (input("text", "refund_amount", &lang.t("payments.field.refund_amount"), "", None, e, true))
                                            button.btn type="submit" { (lang.t("payments.refund")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p { a href=(format!("/orgs/{org_id}/fundraising/reconciliation")) { (lang.t("payments.reconciliation_title")) } }
        }
    }
}

/// `/orgs/{id}/fundraising/reconciliation`
pub fn reconciliation(
    lang: Lang,
    (org_id, org_name): (i64, &str),
    offline: bool,
    diffs: &[Difference],
    now: i64,
) -> Markup {
    html! {
        h1.page-title { (lang.tf("payments.reconciliation_heading", &[("name", org_name)])) }
        p.lead { (lang.tf("payments.reconciliation_at", &[("at", &display_instant(now))])) }
        @if offline {
            p #nothing-to-compare { (lang.t("payments.reconciliation_offline")) }
        } @else if diffs.is_empty() {
            p #no-differences { (lang.t("payments.reconciliation_none")) }
        } @else {
            table.differences {
                thead { tr {
                    th { (lang.t("payments.reference")) }
                    th { (lang.t("payments.reconciliation_ledger")) }
                    th { (lang.t("payments.reconciliation_stripe")) }
                } }
                tbody {
                    @for x in diffs {
                        tr {
                            td { code { (x.donation.reference) } }
                            td { (x.donation.state().label(lang)) " " (Fen(x.donation.refunded_fen)) }
                            td { (x.stripe) " " (x.stripe_refunded) }
                        }
                    }
                }
            }
        }
        p { a href=(format!("/orgs/{org_id}/fundraising")) { (lang.t("payments.back")) } }
    }
}
