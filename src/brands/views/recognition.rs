//! Recognition pages: the rounds list, the new-round form, a round's page (public notice,
//! shortlist, recognized brands; for regulators the screening, review totals, objections
//! and the steps), the nomination form, the printable certificate, and the recognition
//! section of a brand's page with its public timeline. Functions of data only.

use maud::{Markup, html};

use crate::brands::recognition_model::{Nomination, Objection, Round};
use crate::brands::recognition_rules::{
    Level, NominationForm, NominationState, RoundForm, RoundState, window_open,
};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::kernel::error::FieldErrors;
use crate::regions::regions;
use crate::web::forms::{checks, csrf_field, error_summary, input, select, textarea};

/// The division a round recognizes for, by name.
pub fn division_name(r: &Round, lang: Lang) -> String {
    regions().name(&r.division_code, lang)
}

fn state_badge(s: RoundState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-recog-{}", s.code())) { (s.label(lang)) } }
}

fn nstate_badge(s: NominationState, lang: Lang) -> Markup {
    html! { span class=(format!("badge badge-nom-{}", s.code())) { (s.label(lang)) } }
}

fn total_text(t: Option<i64>) -> String {
    t.map(crate::reviews::show_milli)
        .unwrap_or_else(|| "—".into())
}

/// `/recognition`: every round, newest first.
pub fn list(lang: Lang, rounds: &[Round], can_open: bool) -> Markup {
    html! {
        h1.page-title { (lang.t("recog.title")) }
        p.lead { (lang.t("recog.lead")) }
        @if can_open { p { a.btn.btn-primary href="/recognition/new" { (lang.t("recog.new")) } } }
        @if rounds.is_empty() { div.empty { (lang.t("recog.none")) } }
        @else {
            div.table-wrap { table.data-table.recog-rounds {
                thead { tr {
                    th scope="col" { (lang.t("recog.col.round")) }
                    th scope="col" { (lang.t("recog.col.year")) }
                    th scope="col" { (lang.t("recog.col.level")) }
                    th scope="col" { (lang.t("recog.col.state")) }
                } }
                tbody { @for r in rounds { tr data-id=(r.id) {
                    th scope="row" { a href=(format!("/recognition/{}", r.id)) { (r.title) } }
                    td { (r.year) }
                    td { (r.level().label(lang)) " · " (division_name(r, lang)) }
                    td { (state_badge(r.state(), lang)) }
                } } }
            } }
        }
    }
}

/// The new-round form; `evaluators` as (user id, name).
pub fn new_round(
    lang: Lang,
    f: &RoundForm,
    e: &FieldErrors,
    evaluators: &[(i64, String)],
    csrf: &str,
) -> Markup {
    let levels: Vec<(String, String)> = Level::ALL
        .iter()
        .map(|l| (l.code().to_string(), l.label(lang)))
        .collect();
    let leagues: Vec<(String, String)> = regions()
        .leagues()
        .map(|d| (d.code.clone(), regions().name(&d.code, lang)))
        .collect();
    let grades: Vec<(String, String)> = (0..=5)
        .map(|g: i16| {
            (
                g.to_string(),
                if g == 0 {
                    lang.t("recog.grade_none")
                } else {
                    lang.tf(
                        "recog.grade_min",
                        &[("grade", &crate::orgs::grade_label(g))],
                    )
                },
            )
        })
        .collect();
    let evs: Vec<(String, String)> = evaluators
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    let rows = f.criterion_name.len().max(f.criterion_weight.len()).max(4);
    html! {
        h1.page-title { (lang.t("recog.new")) }
        section.section {
            (error_summary(e, lang))
            form.form method="post" action="/recognition" {
                (csrf_field(csrf))
                (input("text", "title", &lang.t("recog.field.title"), &f.title, None, e, true))
                (input("number", "year", &lang.t("recog.field.year"), &f.year, None, e, true))
                (select("level", &lang.t("recog.field.level"), &levels, &f.level, None, e))
                (select("league", &lang.t("recog.field.league"), &leagues, &f.league, Some(&lang.t("recog.league_for_region")), e))
                (input("datetime-local", "opens_at", &lang.t("recog.field.opens_at"), &f.opens_at, None, e, true))
                (input("datetime-local", "closes_at", &lang.t("recog.field.closes_at"), &f.closes_at, None, e, true))
                fieldset.field {
                    legend { (lang.t("recog.eligibility")) }
                    (select("min_grade", &lang.t("recog.field.min_grade"), &grades, &f.min_grade, None, e))
                    label.check { input type="checkbox" name="clean_credit" value="1" checked[f.clean_credit == "1"]; " " (lang.t("recog.field.clean_credit")) }
                    (input("number", "min_years", &lang.t("recog.field.min_years"), &f.min_years, None, e, true))
                }
                (input("number", "max_recognitions", &lang.t("recog.field.max"), &f.max_recognitions, Some(&lang.t("recog.field.max_hint")), e, false))
                (input("number", "notice_days", &lang.t("recog.field.notice_days"), &f.notice_days, Some(&lang.t("recog.field.notice_days_hint")), e, false))
                fieldset.field.has-error[e.get("rubric").is_some()] id="rubric" {
                    legend { (lang.t("recog.field.rubric")) }
                    table.form-table {
                        thead { tr { th { (lang.t("recog.criterion")) } th { (lang.t("recog.weight")) } } }
                        tbody { @for i in 0..rows { tr {
                            td { input type="text" name="criterion_name" aria-label=(lang.t("recog.criterion")) value=(f.criterion_name.get(i).cloned().unwrap_or_default()); }
                            td { input type="number" name="criterion_weight" aria-label=(lang.t("recog.weight")) value=(f.criterion_weight.get(i).cloned().unwrap_or_default()); }
                        } } }
                    }
                    @if let Some(m) = e.get("rubric") { p.error-msg { (m) } }
                }
                @if evs.is_empty() { p.muted { (lang.t("recog.no_evaluators")) } }
                (checks("reviewer", &lang.t("recog.field.reviewers"), &evs, &f.reviewer, e))
                div.actions { button.btn.btn-primary type="submit" { (lang.t("recog.open")) } }
            }
        }
    }
}

/// A nomination as a round's page lists it.
#[derive(Debug, Clone)]
pub struct NomRow {
    /// The nomination.
    pub n: Nomination,
    /// Brand name.
    pub brand: String,
    /// Organization name.
    pub org: String,
    /// Live review: mean total and sheets submitted / assigned (regulators only).
    pub live: Option<(Option<i64>, usize, usize)>,
}

/// What the viewer may do on a round's page.
#[derive(Debug, Clone, Copy, Default)]
pub struct Viewer {
    /// Runs recognition (regulator).
    pub regulator: bool,
    /// Signed in (may object during the notice).
    pub signed_in: bool,
}

/// Forms of a round's page that came back with errors, with what was typed.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    /// The objection's nomination.
    pub nomination: String,
    /// The objection's reasons.
    pub reasons: String,
    /// An answer being typed: objection id and text.
    pub answer: Option<(i64, String)>,
    /// A screening note being typed: nomination id and text.
    pub note: Option<(i64, String)>,
}

fn rules_list(lang: Lang, r: &Round) -> Markup {
    html! {
        ul.recog-rules {
            li { (lang.t("recog.rule.registered")) }
            @if r.level() == Level::League {
                li { (lang.tf("recog.rule.place", &[("league", &division_name(r, lang))])) }
            }
            @if r.min_grade > 0 {
                li { (lang.tf("recog.rule.grade", &[("grade", &crate::orgs::grade_label(r.min_grade))])) }
            }
            @if r.clean_credit { li { (lang.t("recog.rule.credit")) } }
            @if r.min_years > 0 {
                li { (lang.tf("recog.rule.years", &[("n", &r.min_years.to_string()), ("year", &r.year.to_string())])) }
            }
        }
    }
}

/// A round's page.
#[allow(clippy::too_many_arguments)]
pub fn round_page(
    lang: Lang,
    r: &Round,
    rows: &[NomRow],
    objections: &[Objection],
    v: Viewer,
    now: i64,
    e: &FieldErrors,
    typed: &Typed,
    csrf: Option<&str>,
) -> Markup {
    let state = r.state();
    let base = format!("/recognition/{}", r.id);
    let shortlist: Vec<&NomRow> = {
        let mut s: Vec<&NomRow> = rows
            .iter()
            .filter(|x| {
                matches!(
                    x.n.state(),
                    NominationState::Shortlisted
                        | NominationState::Struck
                        | NominationState::Recognized
                )
            })
            .collect();
        s.sort_by_key(|x| (x.n.rank.unwrap_or(i32::MAX), x.n.id));
        s
    };
    let brand_of = |nid: i64| {
        rows.iter()
            .find(|x| x.n.id == nid)
            .map(|x| x.brand.clone())
            .unwrap_or_default()
    };
    let notice_open = state == RoundState::Notice
        && crate::brands::recognition_rules::notice_running(r.notice_ends_at, now);
    html! {
        p.muted { a href="/recognition" { (lang.t("recog.title")) } }
        h1.page-title { (r.title) }
        p.lead {
            (state_badge(state, lang)) " "
            (r.level().label(lang)) " · " (division_name(r, lang)) " · " (lang.tf("recog.for_year", &[("year", &r.year.to_string())]))
        }
        (error_summary(e, lang))
        section.section.recog-facts {
            dl.facts {
                dt { (lang.t("recog.window")) }
                dd { (display_instant(r.opens_at)) " – " (display_instant(r.closes_at)) }
                dt { (lang.t("recog.eligibility")) } dd { (rules_list(lang, r)) }
                dt { (lang.t("recog.field.rubric")) }
                dd { @for (i, (name, w)) in r.rubric().iter().enumerate() { @if i > 0 { "；" } (name) " " (w) "%" } }
                dt { (lang.t("recog.field.max")) }
                dd { @match r.max_recognitions { Some(m) => (m), None => (lang.t("recog.no_max")) } }
                dt { (lang.t("recog.field.notice_days")) }
                dd {
                    (lang.tf("recog.days", &[("n", &r.notice_days.to_string())]))
                    @if let (Some(s), Some(en)) = (r.notice_starts_at, r.notice_ends_at) {
                        " (" (display_instant(s)) " – " (display_instant(en)) ")"
                    }
                }
            }
            @if state == RoundState::Nominating && window_open(r.opens_at, r.closes_at, now) && v.signed_in {
                p { a.btn.btn-primary href=(format!("{base}/nominate")) { (lang.t("recog.nominate")) } }
            }
        }
        @if state.shortlist_public() {
            section.section #shortlist {
                h2 { @if state == RoundState::Recognized { (lang.t("recog.recognized_list")) } @else { (lang.t("recog.shortlist")) } }
                @if state == RoundState::Notice { p.hint { (lang.t("recog.notice_hint")) } }
                @if shortlist.is_empty() { div.empty { (lang.t("recog.shortlist_empty")) } }
                @else {
                    div.table-wrap { table.data-table.recog-shortlist {
                        thead { tr {
                            th scope="col" class="num" { (lang.t("recog.col.rank")) }
                            th scope="col" { (lang.t("recog.col.brand")) }
                            th scope="col" { (lang.t("recog.col.org")) }
                            th scope="col" class="num" { (lang.t("recog.col.total")) }
                            th scope="col" { (lang.t("recog.col.state")) }
                        } }
                        tbody { @for x in &shortlist { tr data-id=(x.n.id) {
                            td.num { (x.n.rank.map(|r| r.to_string()).unwrap_or_default()) }
                            th scope="row" { a href=(format!("/brands/{}", x.n.brand_id)) { (x.brand) } }
                            td { a href=(format!("/orgs/{}", x.n.org_id)) { (x.org) } }
                            td.num { (total_text(x.n.total_milli)) }
                            td {
                                (nstate_badge(x.n.state(), lang))
                                @if x.n.state() == NominationState::Recognized {
                                    " " a href=(format!("{base}/certificates/{}", x.n.id)) { (lang.t("recog.certificate")) }
                                }
                            }
                        } } }
                    } }
                }
            }
            @if notice_open && v.signed_in {
                @if let Some(csrf) = csrf {
                    section.section #object {
                        h2 { (lang.t("recog.object")) }
                        form.form method="post" action=(format!("{base}/objections")) {
                            (csrf_field(csrf))
                            @let opts: Vec<(String, String)> = shortlist.iter().filter(|x| x.n.state() == NominationState::Shortlisted).map(|x| (x.n.id.to_string(), x.brand.clone())).collect();
                            (select("nomination", &lang.t("recog.field.objected"), &opts, &typed.nomination, None, e))
                            (textarea("reasons", &lang.t("recog.field.reasons"), &typed.reasons, Some(&lang.t("recog.field.reasons_hint")), e))
                            div.actions { button.btn.btn-primary type="submit" { (lang.t("recog.object_submit")) } }
                        }
                    }
                }
            }
            section.section #objections {
                h2 { (lang.t("recog.objections")) }
                @if objections.is_empty() { p.muted { (lang.t("recog.no_objections")) } }
                @for o in objections {
                    article.card.recog-objection data-id=(o.id) {
                        p { strong { (brand_of(o.nomination_id)) } " · " (display_instant(o.created_at)) }
                        p.prewrap { (o.reasons) }
                        @match (&o.answer, o.upheld) {
                            (Some(a), Some(up)) => {
                                p { strong { @if up { (lang.t("recog.upheld")) } @else { (lang.t("recog.not_upheld")) } } }
                                p.prewrap.recog-answer { (a) }
                            }
                            _ => {
                                p.muted { (lang.t("recog.awaiting_answer")) }
                                @if v.regulator && state == RoundState::Notice {
                                    @if let Some(csrf) = csrf {
                                        @let typed_answer = typed.answer.as_ref().filter(|(id, _)| *id == o.id).map(|(_, t)| t.clone()).unwrap_or_default();
                                        form.form method="post" action=(format!("{base}/objections/{}/answer", o.id)) {
                                            (csrf_field(csrf))
                                            (textarea("answer", &lang.t("recog.field.answer"), &typed_answer, None, &if typed.answer.as_ref().is_some_and(|(id, _)| *id == o.id) { e.clone() } else { FieldErrors::default() }))
                                            label.check { input type="checkbox" name="upheld" value="1"; " " (lang.t("recog.field.upheld")) }
                                            div.actions { button.btn.btn-primary type="submit" { (lang.t("recog.answer")) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if v.regulator {
            section.section #nominations {
                h2 { (lang.t("recog.nominations")) }
                @if rows.is_empty() { p.muted { (lang.t("recog.no_nominations")) } }
                @else {
                    div.table-wrap { table.data-table.recog-nominations {
                        thead { tr {
                            th scope="col" { (lang.t("recog.col.brand")) }
                            th scope="col" { (lang.t("recog.col.org")) }
                            th scope="col" { (lang.t("recog.col.state")) }
                            th scope="col" class="num" { (lang.t("recog.col.total")) }
                            th scope="col" { (lang.t("recog.col.action")) }
                        } }
                        tbody { @for x in rows { tr data-id=(x.n.id) {
                            th scope="row" { a href=(format!("/brands/{}", x.n.brand_id)) { (x.brand) } }
                            td { (x.org) @if x.n.unit_id.is_some() { " " span.tag { (lang.t("recog.by_unit")) } } }
                            td { (nstate_badge(x.n.state(), lang)) @if !x.n.note.is_empty() { p.muted.prewrap { (x.n.note) } } }
                            td.num {
                                @match x.live {
                                    Some((t, done, all)) => { (total_text(t)) " " span.muted { "(" (done) "/" (all) ")" } }
                                    None => { (total_text(x.n.total_milli)) }
                                }
                            }
                            td {
                                @if x.n.state() == NominationState::Nominated && state == RoundState::Nominating {
                                    @if let Some(csrf) = csrf {
                                        @let typed_note = typed.note.as_ref().filter(|(id, _)| *id == x.n.id).map(|(_, t)| t.clone()).unwrap_or_default();
                                        form.form.inline-form method="post" action=(format!("{base}/nominations/{}/screen", x.n.id)) {
                                            (csrf_field(csrf))
                                            label for=(format!("note-{}", x.n.id)) { (lang.t("recog.field.note")) }
                                            input type="text" id=(format!("note-{}", x.n.id)) name="note" value=(typed_note);
                                            button.btn.btn-secondary type="submit" name="decision" value="accept" { (lang.t("recog.accept")) }
                                            " "
                                            button.btn.btn-danger type="submit" name="decision" value="refuse" { (lang.t("recog.refuse")) }
                                        }
                                    }
                                }
                            }
                        } } }
                    } }
                }
                @if let Some(csrf) = csrf {
                    @let step = match state {
                        RoundState::Nominating => Some(("review", "recog.start_review", "recog.start_review_hint")),
                        RoundState::Review => Some(("notice", "recog.publish_notice", "recog.publish_notice_hint")),
                        RoundState::Notice => Some(("recognize", "recog.recognize", "recog.recognize_hint")),
                        RoundState::Recognized => None,
                    };
                    @if let Some((path, label, hint)) = step {
                        form.form method="post" action=(format!("{base}/{path}")) {
                            (csrf_field(csrf))
                            p.hint { (lang.t(hint)) }
                            div.actions { button.btn.btn-primary type="submit" { (lang.t(label)) } }
                        }
                    }
                }
            }
        }
    }
}

/// The nomination form: `brands` the user's organizations' brands (id, name), `units`
/// the units they buy for (id, name).
pub fn nominate_page(
    lang: Lang,
    r: &Round,
    brands: &[(String, String)],
    units: &[(String, String)],
    f: &NominationForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    let base = format!("/recognition/{}", r.id);
    html! {
        p.muted { a href=(base) { (r.title) } }
        h1.page-title { (lang.t("recog.nominate")) }
        section.section {
            h2 { (lang.t("recog.eligibility")) }
            (rules_list(lang, r))
        }
        @if brands.is_empty() && units.is_empty() {
            div.empty { (lang.t("recog.nothing_to_nominate")) }
        } @else {
            section.section {
                (error_summary(e, lang))
                form.form method="post" action=(format!("{base}/nominations")) {
                    (csrf_field(csrf))
                    @if units.is_empty() {
                        (select("brand", &lang.t("recog.field.brand"), brands, &f.brand, None, e))
                    } @else {
                        (select("unit", &lang.t("recog.field.unit"), units, &f.unit, Some(&lang.t("recog.own_org")), e))
                        @let hint = if brands.is_empty() { lang.t("recog.field.brand_no_hint") } else {
                            format!("{} {}", lang.t("recog.field.brand_no_hint"), brands.iter().map(|(id, n)| format!("{n} = {id}")).collect::<Vec<_>>().join("；"))
                        };
                        (input("number", "brand", &lang.t("recog.field.brand_no"), &f.brand, Some(&hint), e, true))
                    }
                    (textarea("statement", &lang.t("recog.field.statement"), &f.statement, Some(&lang.t("recog.field.statement_hint")), e))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("recog.nominate_submit")) } }
                }
            }
        }
    }
}

/// The printable certificate of a recognized brand.
pub fn certificate(lang: Lang, r: &Round, n: &Nomination, brand: &str, org: &str) -> Markup {
    html! {
        p.muted.no-print {
            a href=(format!("/recognition/{}", r.id)) { (r.title) } " · " (lang.t("recog.print_hint")) " · "
            a.cert-pdf href=(format!("/recognition/{}/certificates/{}/certificate.pdf?lang={}", r.id, n.id, lang.code())) { (lang.t("pdf.download")) }
        }
        article.certificate {
            p.certificate-no { (lang.t("recog.cert.no")) " " (n.certificate_no.clone().unwrap_or_default()) }
            h1.certificate-title { (lang.t("recog.cert.title")) }
            p.certificate-body {
                (lang.tf("recog.cert.body", &[
                    ("org", org), ("brand", brand), ("year", &r.year.to_string()),
                    ("level", &r.level().label(lang)), ("division", &division_name(r, lang)),
                ]))
            }
            p.certificate-brand { (brand) }
            p.certificate-issuer { (lang.tf("recog.cert.issuer", &[("division", &division_name(r, lang))])) }
            p.certificate-date { (r.recognized_at.map(display_instant).unwrap_or_default().get(..10).unwrap_or_default()) }
            p.certificate-verify { (lang.t("recog.cert.verify")) " /recognition/" (r.id) "/certificates/" (n.id) }
        }
    }
}

/// The certificate as a PDF document: the same content as [`certificate`] (number, title,
/// the recognition sentence, brand, organization, level, year, issuer, date), then the
/// platform's address and the verification line. `base` is the platform's public address.
pub fn certificate_pdf(
    lang: Lang,
    r: &Round,
    n: &Nomination,
    brand: &str,
    org: &str,
    base: &str,
) -> crate::kernel::pdf::Document {
    use crate::kernel::pdf::{Block, Document, PageSize};
    let no = n.certificate_no.clone().unwrap_or_default();
    let division = division_name(r, lang);
    let date = r
        .recognized_at
        .map(display_instant)
        .unwrap_or_default()
        .get(..10)
        .unwrap_or_default()
        .to_string();
    let path = format!("/recognition/{}/certificates/{}", r.id, n.id);
    let mut d = Document::new(format!("{} {no}", lang.t("recog.cert.title")), lang.code());
    d.page = PageSize::A4Landscape;
    d.frame = true;
    d.blocks = vec![
        Block::Centered(format!("{} {no}", lang.t("recog.cert.no")), 10.0),
        Block::Gap(12.0),
        Block::Title(lang.t("recog.cert.title")),
        Block::Paragraph(lang.tf(
            "recog.cert.body",
            &[
                ("org", org),
                ("brand", brand),
                ("year", &r.year.to_string()),
                ("level", &r.level().label(lang)),
                ("division", &division),
            ],
        )),
        Block::Centered(brand.to_string(), 18.0),
        Block::Gap(6.0),
        Block::Table(vec![
            (lang.t("recog.cert.no"), no.clone()),
            (lang.t("pdf.cert.brand"), brand.to_string()),
            (lang.t("pdf.cert.org"), org.to_string()),
            (
                lang.t("pdf.cert.level"),
                format!("{} · {division}", r.level().label(lang)),
            ),
            (lang.t("pdf.cert.year"), r.year.to_string()),
            (lang.t("pdf.cert.date"), date),
        ]),
        Block::Centered(
            lang.tf("recog.cert.issuer", &[("division", &division)]),
            12.0,
        ),
    ];
    d.footer = vec![
        format!("{} · {base}", lang.t("site.name")),
        format!("{} {base}{path}", lang.t("recog.cert.verify")),
    ];
    d
}

/// One public timeline entry of a brand: when and what.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    /// Unix seconds.
    pub at: i64,
    /// Audit action.
    pub action: String,
    /// Round title, when the entry is about a round.
    pub round: Option<(i64, String)>,
    /// Extra text shown (a certificate number, an answer).
    pub extra: Option<String>,
}

/// The recognition section of a brand's page: its recognitions (with certificates) and its
/// public timeline.
pub fn brand_section(
    lang: Lang,
    recognized: &[(Nomination, Round)],
    timeline: &[TimelineEntry],
) -> Markup {
    html! {
        section.section.brand-recognition #recognition {
            h2 { (lang.t("recog.brand_section")) }
            @if recognized.is_empty() { p.muted { (lang.t("recog.brand_none")) } }
            @else {
                ul { @for (n, r) in recognized {
                    li {
                        span.badge.badge-ok { (lang.t("recog.nstate.recognized")) } " "
                        (r.title) " · "
                        a href=(format!("/recognition/{}/certificates/{}", r.id, n.id)) { (lang.t("recog.certificate")) " " (n.certificate_no.clone().unwrap_or_default()) }
                    }
                } }
            }
            h3 { (lang.t("recog.timeline")) }
            @if timeline.is_empty() { p.muted { (lang.t("recog.timeline_empty")) } }
            @else {
                ol.timeline { @for t in timeline {
                    li data-action=(t.action) {
                        time { (display_instant(t.at)) } " "
                        (lang.t(&format!("brand.timeline.{}", t.action)))
                        @if let Some((id, title)) = &t.round { " · " a href=(format!("/recognition/{id}")) { (title) } }
                        @if let Some(x) = &t.extra { " · " (x) }
                    }
                } }
            }
        }
    }
}
