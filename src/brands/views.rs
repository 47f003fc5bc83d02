//! Brand-project pages: the gallery, a brand's page, the form (new and edit, with photos
//! and evidence), and the section on an organization's profile. Functions of data only.

/// Pages of the annual recognition rounds.
pub mod recognition;

use maud::{Markup, html};

use super::rules::{self, BrandForm, Gallery, Sort, limits};
use super::{BrandPage, Card};
use crate::contracts::CompletedContract;
use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::orgs::{DOMAINS, domain_label};
use crate::regions::{Level, REGION_CODE, regions};
use crate::web::forms::{csrf_field, error_summary, input, select, textarea};

/// A photo's URL.
pub fn photo_url(brand: i64, photo: i64, large: bool) -> String {
    format!(
        "/brands/{brand}/photos/{photo}/{}",
        if large { "large" } else { "thumb" }
    )
}

fn domain_options(lang: Lang) -> Vec<(String, String)> {
    DOMAINS
        .iter()
        .map(|(c, _, _)| (c.to_string(), domain_label(c, lang)))
        .collect()
}

fn league_options(lang: Lang) -> Vec<(String, String)> {
    regions()
        .leagues()
        .map(|d| (d.code.clone(), regions().name(&d.code, lang)))
        .collect()
}

fn places_text(places: &[String], lang: Lang) -> String {
    let r = regions();
    places
        .iter()
        .map(|c| r.name(c, lang))
        .collect::<Vec<_>>()
        .join(lang.t("brand.list_sep").as_str())
}

fn running(started: i32, year: i32, lang: Lang) -> String {
    let n = rules::years_running(started, year);
    if n == 0 {
        lang.tf("brand.since_new", &[("year", &started.to_string())])
    } else {
        lang.tf(
            "brand.since",
            &[("year", &started.to_string()), ("n", &n.to_string())],
        )
    }
}

fn card(c: &Card, year: i32, lang: Lang, with_org: bool) -> Markup {
    let b = &c.brand;
    html! {
        article.card.brand-card {
            @if let Some(p) = &c.cover {
                a href=(format!("/brands/{}", b.id)) tabindex="-1" aria-hidden="true" {
                    img.brand-thumb src=(photo_url(b.id, p.id, false)) alt="" loading="lazy";
                }
            } @else {
                div.brand-thumb.brand-thumb-empty aria-hidden="true" { (domain_label(&b.domain, lang)) }
            }
            h3 { a href=(format!("/brands/{}", b.id)) { (b.name) } }
            p {
                span.tag { (domain_label(&b.domain, lang)) }
                " " (running(b.started_year, year, lang))
            }
            @if with_org { p { a href=(format!("/orgs/{}", b.org_id)) { (c.org_name) } } }
            p.muted { (places_text(&c.places, lang)) }
            p.muted { (lang.tf("brand.per_year", &[("n", &b.beneficiaries_per_year.to_string())])) }
        }
    }
}

/// The public gallery with its filters, sort and pager.
pub fn gallery(lang: Lang, g: &Gallery, cards: &[Card], total: u64, year: i32) -> Markup {
    let none = FieldErrors::default();
    let pages = total.div_ceil(rules::PAGE_SIZE);
    let years: Vec<(String, String)> = (limits::FIRST_YEAR..=year)
        .rev()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let sorts: Vec<(String, String)> = Sort::ALL
        .iter()
        .map(|s| (s.code().to_string(), s.label(lang)))
        .collect();
    html! {
        h1.page-title { (lang.t("brands.title")) }
        p.lead { (lang.t("brands.lead")) }
        p { a href="/recognition" { (lang.t("recog.link")) } " · " a href="/targets/brands" { (lang.t("targets.brands.title")) } }
        form.filters method="get" action="/brands" {
            (select("domain", &lang.t("brand.domain"), &domain_options(lang), g.domain.as_deref().unwrap_or(""), Some(&lang.t("form.any")), &none))
            (select("league", &Level::LeagueCity.label(lang), &league_options(lang), g.league.as_deref().unwrap_or(""), Some(&lang.t("form.any")), &none))
            (select("year", &lang.t("brand.started_year"), &years, &g.year.map(|y| y.to_string()).unwrap_or_default(), Some(&lang.t("form.any")), &none))
            (select("sort", &lang.t("brands.sort"), &sorts, g.sort.code(), None, &none))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("form.filter")) } }
        }
        p.result-count { (lang.tf("brands.count", &[("n", &total.to_string())])) }
        @if cards.is_empty() { div.empty { (lang.t("brands.empty")) } }
        @else {
            div.cards.brand-cards { @for c in cards { (card(c, year, lang, true)) } }
        }
        (crate::web::pager::pager(lang, g.page, pages, |p| g.href(p)))
    }
}

/// A brand's public page: what the organization states, then what the platform verifies.
pub fn show(lang: Lang, p: &BrandPage, year: i32, can_edit: bool) -> Markup {
    let b = &p.card.brand;
    html! {
        p.muted { a href="/brands" { (lang.t("brands.title")) } }
        h1.page-title { (b.name) }
        p.lead {
            a href=(format!("/orgs/{}", b.org_id)) { (p.card.org_name) }
            " · " span.tag { (domain_label(&b.domain, lang)) }
            " · " (running(b.started_year, year, lang))
        }
        @if can_edit {
            p { a.btn.btn-secondary href=(format!("/orgs/{}/brands/{}/edit", b.org_id, b.id)) { (lang.t("brand.edit")) } }
        }
        @if !p.photos.is_empty() {
            section.section.brand-photos aria-label=(lang.t("brand.photos")) {
                @for ph in &p.photos {
                    a href=(photo_url(b.id, ph.id, true)) {
                        img.brand-thumb src=(photo_url(b.id, ph.id, false)) alt=(lang.tf("brand.photo_alt", &[("name", &b.name)])) loading="lazy";
                    }
                }
            }
        }
        section.section.brand-stated {
            h2 { (lang.t("brand.stated")) }
            p.hint { (lang.t("brand.stated_hint")) }
            dl.facts {
                dt { (lang.t("brand.places")) } dd { (places_text(&p.card.places, lang)) }
                dt { (lang.t("brand.started_year")) } dd { (b.started_year) }
                dt { (lang.t("brand.beneficiaries")) } dd { (b.beneficiaries_per_year) }
                @if !b.partners.is_empty() { dt { (lang.t("brand.partners")) } dd { (b.partners) } }
            }
            @if !p.outcomes.is_empty() {
                h3 { (lang.t("brand.outcomes")) }
                div.stats {
                    @for o in &p.outcomes {
                        div.stat { span.stat-value { (o.number) } span.stat-label { (o.label) " (" (o.unit) ")" } }
                    }
                }
            }
            h3 { (lang.t("brand.story")) }
            @for para in b.story.split('\n').filter(|l| !l.trim().is_empty()) { p { (para) } }
        }
        section.section.brand-verified id="verified" {
            h2 { (lang.t("brand.verified")) " " span.badge.badge-ok { (lang.t("brand.verified_badge")) } }
            p.hint { (lang.t("brand.verified_hint")) }
            @if p.evidence.is_empty() { div.empty { (lang.t("brand.no_evidence")) } }
            @else { (evidence_table(lang, &p.evidence)) }
        }
    }
}

fn evidence_table(lang: Lang, rows: &[CompletedContract]) -> Markup {
    html! {
        div.table-wrap { table.data-table.evidence {
            thead { tr {
                th scope="col" { (lang.t("brand.ev.tender")) }
                th scope="col" { (lang.t("brand.ev.buyer")) }
                th scope="col" { (lang.t("brand.ev.value")) }
                th scope="col" { (lang.t("brand.ev.completed")) }
                th scope="col" { (lang.t("brand.ev.rating")) }
            } }
            tbody { @for c in rows { tr data-contract=(c.id) {
                td { a href=(format!("/contracts/{}", c.id)) { (c.tender_title) } }
                td { (c.unit_name) }
                td { (c.value) }
                td { (crate::kernel::clock::shanghai_date(c.completed_at)) }
                td { @if let Some(r) = c.rating {
                    span aria-label=(lang.tf("brand.ev.stars", &[("n", &r.to_string())])) { (crate::contracts::stars(r)) }
                } @else { (lang.t("brand.ev.unrated")) } }
            } } }
        } }
    }
}

fn places_picker(lang: Lang, chosen: &[String], e: &FieldErrors) -> Markup {
    let r = regions();
    let err = e.get("places");
    html! {
        div.field.has-error[err.is_some()] {
            label for="places" { (lang.t("brand.places")) }
            select id="places" name="places" multiple size="10" required aria-invalid=[err.map(|_| "true")] {
                option value=(REGION_CODE) selected[chosen.iter().any(|c| c == REGION_CODE)] { (r.name(REGION_CODE, lang)) }
                @for l in r.leagues() {
                    optgroup label=(r.name(&l.code, lang)) {
                        option value=(l.code) selected[chosen.contains(&l.code)] { (lang.tf("brand.whole_league", &[("name", &r.name(&l.code, lang))])) }
                        @for d in r.children(&l.code) {
                            option value=(d.code) selected[chosen.contains(&d.code)] { (d.name) }
                        }
                    }
                }
            }
            p.hint { (lang.tf("brand.places_hint", &[("max", &limits::PLACES.to_string())])) }
            @if let Some(m) = err { p.error-msg id="places-error" { (m) } }
        }
    }
}

fn outcome_rows(lang: Lang, f: &BrandForm, e: &FieldErrors) -> Markup {
    let cell = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
    let err = e.get("outcomes");
    html! {
        fieldset.field.has-error[err.is_some()] {
            legend { (lang.t("brand.outcomes")) }
            p.hint { (lang.t("brand.outcomes_hint")) }
            div.table-wrap { table.data-table.outcome-rows {
                thead { tr {
                    th scope="col" { (lang.t("brand.outcome.label")) }
                    th scope="col" { (lang.t("brand.outcome.number")) }
                    th scope="col" { (lang.t("brand.outcome.unit")) }
                } }
                tbody { @for i in 0..limits::OUTCOMES { tr {
                    td { input type="text" name="outcome_label" value=(cell(&f.outcome_label, i)) maxlength=(limits::OUTCOME_LABEL) aria-label=(lang.t("brand.outcome.label")); }
                    td { input type="text" inputmode="numeric" name="outcome_number" value=(cell(&f.outcome_number, i)) aria-label=(lang.t("brand.outcome.number")); }
                    td { input type="text" name="outcome_unit" value=(cell(&f.outcome_unit, i)) maxlength=(limits::OUTCOME_UNIT) aria-label=(lang.t("brand.outcome.unit")); }
                } } }
            } }
            @if let Some(m) = err { p.error-msg id="outcomes-error" { (m) } }
        }
    }
}

/// The brand form's fields.
fn fields(lang: Lang, f: &BrandForm, e: &FieldErrors) -> Markup {
    html! {
        (input("text", "name", &lang.t("brand.name"), &f.name, None, e, true))
        (select("domain", &lang.t("brand.domain"), &domain_options(lang), &f.domain, Some(&lang.t("form.choose")), e))
        (places_picker(lang, &f.places, e))
        div.form-row {
            (input("number", "started_year", &lang.t("brand.started_year"), &f.started_year, None, e, true))
            (input("text", "beneficiaries", &lang.t("brand.beneficiaries"), &f.beneficiaries, Some(&lang.t("brand.beneficiaries_hint")), e, true))
        }
        (outcome_rows(lang, f, e))
        (textarea("partners", &lang.t("brand.partners"), &f.partners, Some(&lang.t("brand.partners_hint")), e))
        (textarea("story", &lang.t("brand.story"), &f.story, None, e))
    }
}

/// The new-brand page.
pub fn new_page(
    lang: Lang,
    org: (i64, &str),
    f: &BrandForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    html! {
        p.muted { a href=(format!("/orgs/{}", org.0)) { (org.1) } }
        h1.page-title { (lang.t("brand.new")) }
        p.hint { (lang.t("brand.new_hint")) }
        (error_summary(e, lang))
        form.form method="post" action=(format!("/orgs/{}/brands", org.0)) {
            (csrf_field(csrf))
            (fields(lang, f, e))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("form.save")) } }
        }
    }
}

/// What the edit page shows besides the brand form.
pub struct EditExtras<'a> {
    /// The brand's photos.
    pub photos: &'a [crate::brands::Photo],
    /// The organization's completed contracts.
    pub completed: &'a [CompletedContract],
    /// The contracts checked as evidence.
    pub linked: &'a [i64],
    /// Errors of the photo upload.
    pub photo_errors: &'a FieldErrors,
    /// Errors of the evidence form.
    pub evidence_errors: &'a FieldErrors,
}

/// The edit page: the form, the photos (upload, remove) and the evidence.
pub fn edit_page(
    lang: Lang,
    b: &crate::brands::Brand,
    f: &BrandForm,
    e: &FieldErrors,
    x: &EditExtras,
    csrf: &str,
) -> Markup {
    let base = format!("/orgs/{}/brands/{}", b.org_id, b.id);
    html! {
        p.muted { a href=(format!("/brands/{}", b.id)) { (lang.t("brand.view_public")) } }
        h1.page-title { (lang.tf("brand.edit_title", &[("name", &b.name)])) }
        section.section {
            (error_summary(e, lang))
            form.form method="post" action=(format!("{base}/edit")) {
                (csrf_field(csrf))
                (fields(lang, f, e))
                div.actions { button.btn.btn-primary type="submit" { (lang.t("form.save")) } }
            }
        }
        section.section id="photos" {
            h2 { (lang.t("brand.photos")) }
            (error_summary(x.photo_errors, lang))
            @if x.photos.is_empty() { p.muted { (lang.t("brand.no_photos")) } }
            div.brand-photos {
                @for p in x.photos {
                    figure.brand-photo {
                        img.brand-thumb src=(photo_url(b.id, p.id, false)) alt=(lang.tf("brand.photo_alt", &[("name", &b.name)]));
                        figcaption {
                            form.inline method="post" action=(format!("{base}/photos/{}/delete", p.id)) {
                                (csrf_field(csrf))
                                button.btn.btn-danger type="submit" { (lang.t("brand.photo.remove")) }
                            }
                        }
                    }
                }
            }
            form.form method="post" action=(format!("{base}/photos")) enctype="multipart/form-data" {
                (csrf_field(csrf))
                div.field.has-error[x.photo_errors.get("photo").is_some()] {
                    label for="photo" { (lang.t("brand.photo.choose")) }
                    input type="file" id="photo" name="photo" accept="image/jpeg,image/png,image/webp" required;
                    p.hint { (lang.tf("brand.photo.hint", &[("max", &crate::kernel::photos::max_size()), ("n", &limits::PHOTOS.to_string())])) }
                    @if let Some(m) = x.photo_errors.get("photo") { p.error-msg { (m) } }
                }
                div.actions { button.btn.btn-secondary type="submit" { (lang.t("brand.photo.upload")) } }
            }
        }
        section.section id="evidence" {
            h2 { (lang.t("brand.verified")) }
            p.hint { (lang.t("brand.evidence_hint")) }
            (error_summary(x.evidence_errors, lang))
            @if x.completed.is_empty() { p.muted { (lang.t("brand.no_completed")) } }
            @else {
                form.form method="post" action=(format!("{base}/evidence")) {
                    (csrf_field(csrf))
                    fieldset.field.has-error[x.evidence_errors.get("contract").is_some()] {
                        legend { (lang.t("brand.evidence_choose")) }
                        div.checks {
                            @for c in x.completed {
                                label.check {
                                    input type="checkbox" name="contract" value=(c.id) checked[x.linked.contains(&c.id)];
                                    " " (c.tender_title) " · " (c.unit_name) " · "
                                    @if let Some(r) = c.rating { (crate::contracts::stars(r)) } @else { (lang.t("brand.ev.unrated")) }
                                }
                            }
                        }
                        @if let Some(m) = x.evidence_errors.get("contract") { p.error-msg { (m) } }
                    }
                    div.actions { button.btn.btn-secondary type="submit" { (lang.t("brand.evidence_save")) } }
                }
            }
        }
    }
}

/// The section on an organization's profile: its brand projects, and for its
/// administrators a link to add one.
pub fn org_section(lang: Lang, org_id: i64, cards: &[Card], year: i32, can_add: bool) -> Markup {
    html! {
        @if !cards.is_empty() || can_add {
            section.section id="brands" {
                h2 { (lang.t("brand.org_section")) }
                @if cards.is_empty() { p.muted { (lang.t("brand.org_none")) } }
                @else { div.cards.brand-cards { @for c in cards { (card(c, year, lang, false)) } } }
                @if can_add { p { a.btn.btn-secondary href=(format!("/orgs/{org_id}/brands/new")) { (lang.t("brand.new")) } } }
            }
        }
    }
}
