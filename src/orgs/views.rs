//! Organization pages: list, profile, form, regulator panel. Data in, markup out.

use maud::{Markup, html};
use time::Date;

use super::model::{ClaimSummary, Org, reg_event};
use super::rules::{
    AuthorityLevel, ClaimForm, ClaimState, CreditStatus, DOMAINS, Decision, DecisionForm,
    ListFilter, ListQuery, MemberForm, OrgForm, OrgKind, PAGE_SIZE, Verification, domain_label,
    grade_label, rating_valid,
};
use crate::accounts::OrgRole;
use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::regions::regions;
use crate::web::forms::{
    checks, csrf_field, division_picker, error_summary, input, select, textarea,
};
use crate::web::pager::pager;

/// Badge for the rating grade (greyed out when expired).
pub fn rating_badge(grade: Option<i16>, until: Option<Date>, today: Date, lang: Lang) -> Markup {
    html! {
        @if let (Some(g), Some(u)) = (grade, until) {
            @if rating_valid(Some(u), today) {
                span.badge.badge-grade title=(lang.tf("org.rating_until", &[("date", &u.to_string())])) { (grade_label(g)) }
            } @else {
                span.badge.badge-expired title=(lang.t("org.rating_expired")) { (grade_label(g)) }
            }
        }
    }
}

/// Badge for the credit status; nothing for a clean record in lists.
pub fn credit_badge(status: &str, lang: Lang, show_normal: bool) -> Markup {
    let s = CreditStatus::parse(status).unwrap_or(CreditStatus::Normal);
    html! {
        @if s != CreditStatus::Normal || show_normal {
            span class=(format!("badge badge-credit-{}", s.code())) { (s.label(lang)) }
        }
    }
}

fn kind_label(code: &str, lang: Lang) -> String {
    OrgKind::parse(code)
        .map(|k| k.label(lang))
        .unwrap_or_else(|| code.to_string())
}

fn options_kinds(lang: Lang) -> Vec<(String, String)> {
    OrgKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label(lang)))
        .collect()
}

fn options_domains(lang: Lang) -> Vec<(String, String)> {
    DOMAINS
        .iter()
        .map(|(c, _, _)| ((*c).to_string(), domain_label(c, lang)))
        .collect()
}

fn list_href(q: &ListQuery, page: u64) -> String {
    let mut q = q.clone();
    q.page = page.to_string();
    let pairs: Vec<(&str, &str)> = [
        ("league", q.league.as_str()),
        ("county", q.county.as_str()),
        ("kind", q.kind.as_str()),
        ("domain", q.domain.as_str()),
        ("rating", q.rating.as_str()),
        ("page", q.page.as_str()),
    ]
    .into_iter()
    .filter(|(k, v)| !(v.is_empty() || (*k == "page" && *v == "1")))
    .collect();
    let qs = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if qs.is_empty() {
        "/orgs".into()
    } else {
        format!("/orgs?{qs}")
    }
}

/// The public list page body.
pub fn list(
    lang: Lang,
    q: &ListQuery,
    f: &ListFilter,
    items: &[(Org, Vec<String>)],
    total: u64,
    today: Date,
    can_create: bool,
) -> Markup {
    let pages = total.div_ceil(PAGE_SIZE);
    let none = FieldErrors::default();
    html! {
        div.page-head {
            h1.page-title { (lang.t("orgs.title")) }
            @if can_create { a.btn.btn-primary href="/orgs/new" { (lang.t("orgs.new")) } }
        }
        p.lead { (lang.t("orgs.lead")) }
        form.filters method="get" action="/orgs" {
            (division_picker("", lang, f.league.as_deref().unwrap_or(""), f.county.as_deref().unwrap_or(""), "", false, &none))
            (select("kind", &lang.t("org.kind"), &options_kinds(lang), &q.kind, Some(&lang.t("form.any")), &none))
            (select("domain", &lang.t("org.domains"), &options_domains(lang), &q.domain, Some(&lang.t("form.any")), &none))
            (select("rating", &lang.t("orgs.min_rating"),
                &(1..=5).map(|g| (g.to_string(), format!("≥ {}", grade_label(g)))).collect::<Vec<_>>(),
                &q.rating, Some(&lang.t("form.any")), &none))
            div.actions {
                button.btn.btn-primary type="submit" { (lang.t("form.filter")) }
                a.reset href="/orgs" { (lang.t("form.reset")) }
            }
        }
        p.result-count { (lang.tf("orgs.count", &[("n", &total.to_string())])) }
        @if items.is_empty() {
            div.empty { (lang.t("orgs.empty")) }
        } @else {
            div.table-wrap { table.data-table {
                thead { tr {
                    th { (lang.t("org.name")) }
                    th { (lang.t("org.kind")) }
                    th { (lang.t("org.division")) }
                    th { (lang.t("org.domains")) }
                    th { (lang.t("org.rating")) }
                } }
                tbody {
                    @for (o, ds) in items {
                        tr {
                            td { a href=(format!("/orgs/{}", o.id)) { (o.name) } " " (credit_badge(&o.credit_status, lang, false)) " " (verification_badge(&o.verification, lang, false)) }
                            td { span.badge.badge-kind { (kind_label(&o.kind, lang)) } }
                            td { (regions().path(&o.division_code, lang)) }
                            td { @for d in ds { span.tag { (domain_label(d, lang)) } " " } }
                            td { (rating_badge(o.rating_grade, o.rating_valid_until, today, lang)) }
                        }
                    }
                }
            } }
        }
        (pager(lang, f.page, pages, |p| list_href(q, p)))
    }
}

/// What the profile page may show beyond the public data.
pub struct ProfileExtras<'a> {
    /// Show phone and e-mail.
    pub private: bool,
    /// Show the edit link.
    pub can_edit: bool,
    /// Members (when allowed to see them).
    pub members: Option<&'a [(i64, String, String, OrgRole)]>,
    /// Member-management form.
    pub can_manage_members: bool,
    /// Regulator forms.
    pub can_regulate: bool,
    /// CSRF token for the forms shown.
    pub csrf: Option<&'a str>,
    /// The contract track record, rendered by the contracts room.
    pub track_record: Markup,
    /// Sections other rooms add (annual reports, penalties, brand projects), registered in
    /// `AppState::profile_sections` and rendered by them.
    pub sections: Markup,
    /// The add-member form: what was typed and its errors (blank when fresh).
    pub add_member: (&'a MemberForm, &'a FieldErrors),
    /// A removal form that came back with errors: the member, the reason typed, the errors.
    pub remove_member: Option<(i64, &'a str, &'a FieldErrors)>,
    /// The viewer administers the organization (told what verification means for them).
    pub is_admin: bool,
    /// Where the viewer may claim the record (none for its administrators and platform
    /// roles that join nothing).
    pub claim_href: Option<String>,
    /// The regulator's verification form: what was typed and its errors.
    pub verify: (&'a DecisionForm, &'a FieldErrors),
}

/// The profile page body.
pub fn profile(
    lang: Lang,
    o: &Org,
    domains: &[String],
    events: &[reg_event::Model],
    today: Date,
    x: &ProfileExtras,
    reg_errors: &FieldErrors,
) -> Markup {
    let r = regions();
    html! {
        div.page-head {
            h1.page-title { (o.name) }
            @if x.can_edit { a.btn.btn-secondary href=(format!("/orgs/{}/edit", o.id)) { (lang.t("org.edit")) } }
        }
        p {
            span.badge.badge-kind { (kind_label(&o.kind, lang)) } " "
            (rating_badge(o.rating_grade, o.rating_valid_until, today, lang)) " "
            (credit_badge(&o.credit_status, lang, true)) " "
            (verification_badge(&o.verification, lang, true))
        }
        (vetting_note(lang, o, x.is_admin, x.claim_href.as_deref()))
        div.profile-grid {
            div {
                section.section {
                    h2 { (lang.t("org.basic")) }
                    dl.props {
                        dt { (lang.t("org.uscc")) } dd { code { (o.uscc) } }
                        dt { (lang.t("org.kind")) } dd { (kind_label(&o.kind, lang)) }
                        dt { (lang.t("org.registration_date")) } dd { (o.registration_date) }
                        dt { (lang.t("org.authority_level")) }
                        dd { (AuthorityLevel::parse(&o.authority_level).map(|a| a.label(lang)).unwrap_or_default()) }
                        dt { (lang.t("org.division")) } dd { (r.path(&o.division_code, lang)) }
                        dt { (lang.t("org.domains")) } dd { @for d in domains { span.tag { (domain_label(d, lang)) } " " } }
                        dt { (lang.t("org.staff_count")) } dd { (o.staff_count) }
                        dt { (lang.t("org.rating")) }
                        dd {
                            @match (o.rating_grade, o.rating_valid_until) {
                                (Some(g), Some(u)) => {
                                    (grade_label(g)) " · "
                                    @if rating_valid(Some(u), today) { (lang.tf("org.rating_until", &[("date", &u.to_string())])) }
                                    @else { (lang.t("org.rating_expired")) }
                                }
                                _ => { span.muted { (lang.t("org.unrated")) } }
                            }
                        }
                        dt { (lang.t("org.contact_name")) } dd { (o.contact_name) }
                        @if x.private {
                            dt { (lang.t("org.contact_phone")) } dd { (o.contact_phone) }
                            dt { (lang.t("org.contact_email")) } dd { (o.contact_email) }
                        }
                    }
                }
                section.section {
                    h2 { (lang.t("org.intro")) }
                    @if o.intro.is_empty() { p.muted { (lang.t("org.no_intro")) } }
                    @else { @for para in o.intro.split('\n').filter(|p| !p.trim().is_empty()) { p { (para) } } }
                }
                (x.track_record)
                (x.sections)
                section.section {
                    h2 { (lang.t("org.history")) }
                    @if events.is_empty() { p.muted { (lang.t("org.no_history")) } }
                    @else {
                        div.table-wrap { table.data-table {
                            thead { tr { th { (lang.t("org.event_when")) } th { (lang.t("org.event_what")) } th { (lang.t("org.event_reason")) } } }
                            tbody { @for e in events { tr {
                                td { (crate::kernel::clock::display_instant(e.at)) }
                                td { (lang.t(&format!("org.event.{}", e.kind))) ": " (event_value(&e.kind, &e.old_value, lang)) " → " (event_value(&e.kind, &e.new_value, lang)) }
                                td { (e.reason) }
                            } } }
                        } }
                    }
                }
            }
            aside.side-panel {
                @if let Some(ms) = x.members {
                    h2 { (lang.t("org.members")) }
                    @if let Some((_, _, e)) = x.remove_member { (error_summary(e, lang)) }
                    ul.plain id="members" { @for (uid, name, email, role) in ms {
                        li data-user=(uid) {
                            (name) " " span.muted { (email) } " " span.badge.badge-role { (lang.t(&format!("org.role.{}", role.code()))) }
                            @if x.can_manage_members && let Some(t) = x.csrf {
                                @let (typed, errs) = match x.remove_member {
                                    Some((who, r, e)) if who == *uid => (r, Some(e)),
                                    _ => ("", None),
                                };
                                form.inline.remove-member method="post" action=(format!("/orgs/{}/members/{}/remove", o.id, uid)) {
                                    (csrf_field(t))
                                    " "
                                    label.visually-hidden for=(format!("remove-reason-{uid}")) { (lang.t("duties.reason")) }
                                    input id=(format!("remove-reason-{uid}")) type="text" name="reason" value=(typed)
                                        required maxlength="500" placeholder=(lang.t("duties.reason"))
                                        aria-invalid=[errs.map(|_| "true")];
                                    " "
                                    button.btn.btn-danger type="submit" { (lang.t("duties.remove")) }
                                }
                            }
                        }
                    } }
                    @if x.can_manage_members && let Some(t) = x.csrf {
                        @let (f, e) = x.add_member;
                        (error_summary(e, lang))
                        form.form method="post" action=(format!("/orgs/{}/members", o.id)) {
                            (csrf_field(t))
                            (input("email", "email", &lang.t("org.member_email"), &f.email, None, e, true))
                            (select("role", &lang.t("org.member_role"),
                                &[("member".to_string(), lang.t("org.role.member")), ("admin".to_string(), lang.t("org.role.admin"))],
                                if f.role.is_empty() { "member" } else { &f.role }, None, e))
                            (input("text", "reason", &lang.t("duties.reason"), &f.reason, Some(&lang.t("duties.reason_hint")), e, true))
                            div.actions { button.btn.btn-secondary type="submit" { (lang.t("org.add_member")) } }
                        }
                    }
                }
                @if x.can_regulate && let Some(t) = x.csrf {
                    h2 { (lang.t("org.regulate")) }
                    (verify_form(lang, o, t, x.verify.0, x.verify.1))
                    (error_summary(reg_errors, lang))
                    form.form method="post" action=(format!("/orgs/{}/rating", o.id)) {
                        (csrf_field(t))
                        (select("grade", &lang.t("org.rating"),
                            &(1..=5).map(|g| (g.to_string(), grade_label(g))).chain([("none".to_string(), lang.t("org.clear_rating"))]).collect::<Vec<_>>(),
                            "", Some(&lang.t("form.choose_one")), reg_errors))
                        (input("date", "rated_on", &lang.t("org.rated_on"), "", None, reg_errors, false))
                        (input("text", "reason", &lang.t("org.reason"), "", None, reg_errors, true))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("org.save_rating")) } }
                    }
                    form.form method="post" action=(format!("/orgs/{}/credit", o.id)) {
                        (csrf_field(t))
                        (select("status", &lang.t("org.credit"),
                            &CreditStatus::ALL.iter().map(|s| (s.code().to_string(), s.label(lang))).collect::<Vec<_>>(),
                            &o.credit_status, None, reg_errors))
                        (input("text", "reason", &lang.t("org.reason"), "", None, &FieldErrors::default(), true))
                        div.actions { button.btn.btn-danger type="submit" { (lang.t("org.save_credit")) } }
                    }
                }
                @if !x.private && x.members.is_none() && !x.can_regulate {
                    p.muted { (lang.t("org.public_note")) }
                }
            }
        }
    }
}

fn event_value(kind: &str, v: &str, lang: Lang) -> String {
    if kind == "verification" {
        Verification::of(v).label(lang)
    } else if kind == "credit" {
        CreditStatus::parse(v)
            .map(|s| s.label(lang))
            .unwrap_or_else(|| v.to_string())
    } else if v == "none" {
        lang.t("org.unrated")
    } else {
        v.replace("until", &lang.t("org.until"))
    }
}

/// The create/edit form. `action` is where it posts.
pub fn form(
    lang: Lang,
    title: &str,
    action: &str,
    f: &OrgForm,
    e: &FieldErrors,
    csrf: &str,
    claim: Option<&str>,
) -> Markup {
    let levels: Vec<(String, String)> = AuthorityLevel::ALL
        .iter()
        .map(|a| (a.code().to_string(), a.label(lang)))
        .collect();
    html! {
        h1.page-title { (title) }
        (error_summary(e, lang))
        @if let Some(href) = claim {
            div.flash.flash-info.claim-instead role="note" {
                p { (lang.t("org.claim.instead")) " " a href=(href) { (lang.t("org.claim.link")) } }
            }
        }
        form.form method="post" action=(action) novalidate {
            (csrf_field(csrf))
            fieldset {
                legend { (lang.t("org.basic")) }
                (input("text", "name", &lang.t("org.name"), &f.name, None, e, true))
                div.form-row {
                    (select("kind", &lang.t("org.kind"), &options_kinds(lang), &f.kind, Some(&lang.t("form.choose_one")), e))
                    (input("text", "uscc", &lang.t("org.uscc"), &f.uscc, Some(&lang.t("org.uscc_hint")), e, true))
                }
                div.form-row {
                    (input("date", "registration_date", &lang.t("org.registration_date"), &f.registration_date, None, e, true))
                    (select("authority_level", &lang.t("org.authority_level"), &levels, &f.authority_level, Some(&lang.t("form.choose_one")), e))
                }
            }
            fieldset {
                legend { (lang.t("org.division")) }
                (division_picker("div_", lang, &f.div_league, &f.div_county, &f.div_township, true, e))
                (input("text", "div_outside", &lang.t("org.outside"), &f.div_outside, Some(&lang.t("org.outside_hint")), e, false))
            }
            (checks("domains", &lang.t("org.domains"), &options_domains(lang), &f.domains, e))
            fieldset {
                legend { (lang.t("org.contact")) }
                div.form-row {
                    (input("number", "staff_count", &lang.t("org.staff_count"), &f.staff_count, None, e, true))
                    (input("text", "contact_name", &lang.t("org.contact_name"), &f.contact_name, None, e, true))
                }
                div.form-row {
                    (input("tel", "contact_phone", &lang.t("org.contact_phone"), &f.contact_phone, Some(&lang.t("org.private_hint")), e, true))
                    (input("email", "contact_email", &lang.t("org.contact_email"), &f.contact_email, Some(&lang.t("org.private_hint")), e, false))
                }
            }
            (textarea("intro", &lang.t("org.intro"), &f.intro, None, e))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("form.save")) } }
        }
    }
}

/// The form pre-filled from a stored profile.
pub fn form_from(o: &Org, domains: &[String]) -> OrgForm {
    let r = regions();
    let league = r
        .league_of(&o.division_code)
        .map(|d| d.code.clone())
        .unwrap_or_default();
    let county = r
        .county_of(&o.division_code)
        .map(|d| d.code.clone())
        .unwrap_or_default();
    let in_region = r.get(&o.division_code).is_some();
    OrgForm {
        name: o.name.clone(),
        uscc: o.uscc.clone(),
        kind: o.kind.clone(),
        registration_date: o.registration_date.to_string(),
        authority_level: o.authority_level.clone(),
        div_township: if o.division_code.len() == 9 {
            o.division_code.clone()
        } else {
            String::new()
        },
        div_league: league,
        div_county: county,
        div_outside: if in_region {
            String::new()
        } else {
            o.division_code.clone()
        },
        domains: domains.to_vec(),
        staff_count: o.staff_count.to_string(),
        contact_name: o.contact_name.clone(),
        contact_phone: o.contact_phone.clone(),
        contact_email: o.contact_email.clone(),
        intro: o.intro.clone(),
    }
}

/// An organization's track record (for its profile).
pub fn track_record(lang: Lang, t: &crate::contracts::TrackRecord) -> Markup {
    html! {
        section.section.track-record {
            h2 { (lang.t("contract.track_record")) }
            dl.props {
                dt { (lang.t("contract.completed_count")) } dd { (t.completed) }
                dt { (lang.t("contract.average_rating")) }
                dd { @match t.average_rating_x100 {
                    Some(a) => { (format!("{}.{:02}", a / 100, a % 100)) " / 5" }
                    None => { span.muted { (lang.t("contract.no_ratings")) } }
                } }
                dt { (lang.t("contract.accepted_milestones")) }
                dd { (t.accepted_milestones) " / " (t.total_milestones) }
            }
            @if !t.ratings.is_empty() {
                ul.plain { @for (id, r, comment) in &t.ratings {
                    li { a href=(format!("/contracts/{id}")) { (crate::contracts::stars(*r)) } @if !comment.is_empty() { " " (comment) } }
                } }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Verification and claims

/// Badge for the verification state (on the profile always; in lists only when not
/// verified).
pub fn verification_badge(code: &str, lang: Lang, show_verified: bool) -> Markup {
    let v = Verification::of(code);
    html! {
        @if v != Verification::Verified || show_verified {
            span class=(format!("badge badge-verification-{}", v.code())) { (v.label(lang)) }
        }
    }
}

/// What the profile says about verification and claiming, above the details.
pub fn vetting_note(lang: Lang, o: &Org, is_admin: bool, claim_href: Option<&str>) -> Markup {
    let v = Verification::of(&o.verification);
    html! {
        @if v != Verification::Verified {
            div.flash.flash-info.verification-note role="note" {
                p { (lang.t(&format!("org.verification_note.{}", v.code()))) }
                @if is_admin { p { (lang.t("org.verification_note.admin")) } }
            }
        }
        @if let Some(href) = claim_href {
            p.claim-link { (lang.t("org.claim.prompt")) " " a href=(href) { (lang.t("org.claim.link")) } }
        }
    }
}

/// The regulator's verification form (shown while not verified).
pub fn verify_form(lang: Lang, o: &Org, csrf: &str, f: &DecisionForm, e: &FieldErrors) -> Markup {
    let choices = [
        (
            Decision::Approve.code().to_string(),
            lang.t("org.verify.approve"),
        ),
        (
            Decision::Refuse.code().to_string(),
            lang.t("org.verify.refuse"),
        ),
    ];
    html! {
        @if Verification::of(&o.verification) != Verification::Verified {
            section.verify-panel id="verification" {
                h3 { (lang.t("org.verify.title")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("/orgs/{}/verification", o.id)) {
                    (csrf_field(csrf))
                    (select("decision", &lang.t("org.verify.decision"), &choices, &f.decision, Some(&lang.t("form.choose_one")), e))
                    (input("text", "reason", &lang.t("org.reason"), &f.reason, Some(&lang.t("org.verify.reason_hint")), e, false))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("org.verify.submit")) } }
                }
            }
        }
    }
}

/// The claim form: a statement and the registration certificate (multipart).
pub fn claim_form(
    lang: Lang,
    o: &Org,
    f: &ClaimForm,
    e: &FieldErrors,
    csrf: &str,
    blocked: Option<&str>,
) -> Markup {
    html! {
        h1.page-title { (lang.tf("org.claim.title", &[("name", &o.name)])) }
        p.lead { (lang.t("org.claim.lead")) }
        dl.props {
            dt { (lang.t("org.uscc")) } dd { code { (o.uscc) } }
            dt { (lang.t("org.verification_label")) } dd { (verification_badge(&o.verification, lang, true)) }
        }
        @if let Some(m) = blocked {
            div.flash.flash-info role="note" { p { (m) } }
            p { a href=(format!("/orgs/{}", o.id)) { (lang.t("org.claim.back")) } }
        } @else {
            (error_summary(e, lang))
            form.form method="post" action=(format!("/orgs/{}/claim", o.id)) enctype="multipart/form-data" novalidate {
                (csrf_field(csrf))
                (textarea("evidence", &lang.t("org.claim.evidence"), &f.evidence, Some(&lang.t("org.claim.evidence_hint")), e))
                div.field.has-error[e.get("certificate").is_some()] {
                    label for="certificate" { (lang.t("org.claim.certificate")) }
                    input type="file" id="certificate" name="certificate" accept=".pdf,.png,.jpg,.jpeg"
                        required aria-invalid=[e.get("certificate").map(|_| "true")]
                        aria-describedby=[e.get("certificate").map(|_| "certificate-error")];
                    p.hint { (lang.t("org.claim.certificate_hint")) }
                    @if let Some(m) = e.get("certificate") { p.error-msg id="certificate-error" { (m) } }
                }
                div.actions { button.btn.btn-primary type="submit" { (lang.t("org.claim.submit")) } }
            }
        }
    }
}

/// A claim's page: the evidence, the certificate, its state and (for a regulator while
/// pending) the decision form.
pub struct ClaimView<'a> {
    /// The organization claimed.
    pub org: &'a Org,
    /// The claim.
    pub claim: &'a ClaimSummary,
    /// The claimant's name and e-mail.
    pub claimant: (&'a str, &'a str),
    /// CSRF token when the viewer may decide.
    pub decide: Option<&'a str>,
    /// The decision typed, and its errors.
    pub form: (&'a DecisionForm, &'a FieldErrors),
}

/// The claim page body.
pub fn claim_page(lang: Lang, v: &ClaimView) -> Markup {
    let c = v.claim;
    let state = ClaimState::parse(&c.state).unwrap_or(ClaimState::Pending);
    let (f, e) = v.form;
    let base = format!("/orgs/{}/claims/{}", v.org.id, c.id);
    let choices = [
        (
            Decision::Approve.code().to_string(),
            lang.t("org.claim.approve"),
        ),
        (
            Decision::Refuse.code().to_string(),
            lang.t("org.claim.refuse"),
        ),
    ];
    html! {
        h1.page-title { (lang.tf("org.claim.page_title", &[("name", &v.org.name)])) }
        p { span class=(format!("badge badge-claim-{}", state.code())) { (state.label(lang)) } }
        section.section {
            dl.props {
                dt { (lang.t("org.claim.org")) } dd { a href=(format!("/orgs/{}", v.org.id)) { (v.org.name) } " " code { (v.org.uscc) } }
                dt { (lang.t("org.claim.claimant")) } dd { (v.claimant.0) " " span.muted { (v.claimant.1) } }
                dt { (lang.t("org.claim.submitted_at")) } dd { (crate::kernel::clock::display_instant(c.created_at)) }
                dt { (lang.t("org.claim.evidence")) }
                dd { @for para in c.evidence.split('\n').filter(|p| !p.trim().is_empty()) { p { (para) } } }
                dt { (lang.t("org.claim.certificate")) }
                dd { a href=(format!("{base}/certificate")) download { (c.file_name) } " " span.muted { code { (c.file_sha256.get(..16).unwrap_or("")) } } }
                @if let Some(at) = c.decided_at {
                    dt { (lang.t("org.claim.decided_at")) } dd { (crate::kernel::clock::display_instant(at)) }
                    @if !c.reason.is_empty() { dt { (lang.t("org.reason")) } dd { (c.reason) } }
                }
            }
        }
        @if let (Some(t), ClaimState::Pending) = (v.decide, state) {
            section.section id="decision" {
                h2 { (lang.t("org.claim.decide")) }
                p.hint { (lang.t("org.claim.decide_hint")) }
                (error_summary(e, lang))
                form.form method="post" action=(format!("{base}/decision")) {
                    (csrf_field(t))
                    (select("decision", &lang.t("org.verify.decision"), &choices, &f.decision, Some(&lang.t("form.choose_one")), e))
                    (input("text", "reason", &lang.t("org.reason"), &f.reason, Some(&lang.t("org.verify.reason_hint")), e, false))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("org.claim.decide_submit")) } }
                }
            }
        }
    }
}

/// The regulator's work queue in `/me`: counts, then the pending claims (overdue marked),
/// the unverified registrations and the ratings expiring soon.
pub struct Queue {
    /// Pending claims: the claim, the organization's name, whether overdue.
    pub claims: Vec<(ClaimSummary, String, bool)>,
    /// Pending claims in all.
    pub claims_total: u64,
    /// Pending claims waiting longer than [`super::rules::CLAIM_DUE_WORKING_DAYS`].
    pub overdue_total: u64,
    /// Unverified registrations: id, name, registered at.
    pub unverified: Vec<(i64, String, i64)>,
    /// Unverified registrations in all.
    pub unverified_total: u64,
    /// Ratings expiring within the window: id, name, grade, last day.
    pub expiring: Vec<(i64, String, i16, Date)>,
    /// Expiring ratings in all.
    pub expiring_total: u64,
}

/// The regulator's queue panel.
pub fn regulator_queue(lang: Lang, q: &Queue) -> Markup {
    html! {
        div.panel.regulator-queue id="regulator-queue" {
            h2 { (lang.t("queue.title")) }
            div.stats {
                a.stat href="#queue-claims" { span.stat-value { (q.claims_total) } span.stat-label { (lang.t("queue.claims")) } }
                a.stat href="#queue-claims" { span.stat-value.queue-overdue { (q.overdue_total) } span.stat-label { (lang.tf("queue.overdue", &[("days", &super::rules::CLAIM_DUE_WORKING_DAYS.to_string())])) } }
                a.stat href="#queue-unverified" { span.stat-value { (q.unverified_total) } span.stat-label { (lang.t("queue.unverified")) } }
                a.stat href="#queue-expiring" { span.stat-value { (q.expiring_total) } span.stat-label { (lang.tf("queue.expiring", &[("days", &super::rules::RATING_EXPIRY_WINDOW_DAYS.to_string())])) } }
            }
            h3 id="queue-claims" { (lang.t("queue.claims")) }
            @if q.claims.is_empty() { p.muted { (lang.t("queue.none")) } }
            @else { ul.plain { @for (c, name, overdue) in &q.claims {
                li data-claim=(c.id) {
                    a href=(format!("/orgs/{}/claims/{}", c.org_id, c.id)) { (name) }
                    " " span.muted { (crate::kernel::clock::display_instant(c.created_at)) }
                    @if *overdue { " " span.badge.badge-overdue { (lang.t("queue.overdue_badge")) } }
                }
            } } }
            h3 id="queue-unverified" { (lang.t("queue.unverified")) }
            @if q.unverified.is_empty() { p.muted { (lang.t("queue.none")) } }
            @else { ul.plain { @for (id, name, at) in &q.unverified {
                li data-org=(id) { a href=(format!("/orgs/{id}#verification")) { (name) } " " span.muted { (crate::kernel::clock::display_instant(*at)) } }
            } } }
            h3 id="queue-expiring" { (lang.tf("queue.expiring", &[("days", &super::rules::RATING_EXPIRY_WINDOW_DAYS.to_string())])) }
            @if q.expiring.is_empty() { p.muted { (lang.t("queue.none")) } }
            @else { ul.plain { @for (id, name, g, until) in &q.expiring {
                li data-org=(id) { a href=(format!("/orgs/{id}")) { (name) } " " span.badge.badge-grade { (grade_label(*g)) } " " span.muted { (lang.tf("org.rating_until", &[("date", &until.to_string())])) } }
            } } }
        }
    }
}

/// The signed-in user's own claims in `/me`.
pub fn my_claims(lang: Lang, claims: &[(ClaimSummary, String)]) -> Markup {
    html! {
        @if !claims.is_empty() {
            div.panel id="my-claims" {
                h2 { (lang.t("me.claims")) }
                ul.plain { @for (c, name) in claims {
                    @let s = ClaimState::parse(&c.state).unwrap_or(ClaimState::Pending);
                    li { a href=(format!("/orgs/{}/claims/{}", c.org_id, c.id)) { (name) } " "
                        span class=(format!("badge badge-claim-{}", s.code())) { (s.label(lang)) } }
                } }
            }
        }
    }
}
