//! Matching pages: a tender's best-matched organizations for its buyers, and the
//! organization workspace's invitations and recommended tenders.

use maud::{Markup, html};

use super::model::Invitation;
use super::rules::{Assessment, Candidate, Exclusion, Ranking, Score};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::procurement::{OpenTender, Tender};
use crate::regions::regions;
use crate::web::forms::{csrf_field, error_summary, input};

fn place(c: &Candidate, lang: Lang) -> String {
    match (&c.county, &c.facts.league) {
        (Some(code), _) | (None, Some(code)) => regions().path(code, lang),
        _ => lang.t("matching.outside_region"),
    }
}

/// The parts of a score as a list of sentences; `incubator` names the organization's
/// incubator in the incubation part (and whether it graduated from it).
pub fn parts(
    lang: Lang,
    s: &Score,
    tender_domain: &str,
    incubator: Option<(&str, bool)>,
) -> Markup {
    html! {
        ul.plain.score-parts {
            @for p in &s.parts {
                @if p.max_milli > 0 {
                    li {
                        strong { (p.kind.label(lang)) } " "
                        span.num { (super::rules::milli_display(p.milli)) " / " (super::rules::milli_display(p.max_milli)) }
                        " — " (p.reason_naming(lang, tender_domain, incubator))
                    }
                }
            }
        }
    }
}

fn reasons(lang: Lang, why: &[Exclusion]) -> Markup {
    html! {
        ul.plain.exclusions {
            @for e in why { li data-rule=(e.code()) { (e.message(lang)) } }
        }
    }
}

/// What the matches page shows.
pub struct MatchesPage<'a> {
    /// The tender.
    pub t: &'a Tender,
    /// Snapshot.
    pub candidates: &'a [Candidate],
    /// Ranking.
    pub ranking: &'a Ranking,
    /// Some excluded organizations.
    pub excluded: &'a [(usize, Vec<Exclusion>)],
    /// Already invited.
    pub invited: &'a [i64],
    /// Bids still accepted (invitations allowed).
    pub open: bool,
    /// One organization looked up, if any.
    pub lookup: Option<(Candidate, Assessment)>,
    /// The looked-up id as typed.
    pub lookup_value: &'a str,
    /// Errors of the invite or lookup form.
    pub errors: &'a crate::kernel::error::FieldErrors,
    /// CSRF token.
    pub csrf: &'a str,
}

/// The buyer's view of a tender's matches.
pub fn matches(lang: Lang, p: &MatchesPage) -> Markup {
    let t = p.t;
    let r = p.ranking;
    html! {
        div.page-head {
            h1.page-title { (lang.t("matching.title")) }
        }
        p { a href=(format!("/tenders/{}", t.id)) { "← " (t.title) } }
        p.lead { (lang.t("matching.lead")) }
        (error_summary(p.errors, lang))
        p.result-count id="match-counts" {
            (lang.tf("matching.counts", &[("eligible", &r.eligible.to_string()), ("excluded", &r.excluded.to_string())]))
        }
        @if !p.open { p.notice { (lang.t("matching.closed")) } }
        section.section id="matches" {
            h2 { (lang.t("matching.best")) }
            @if r.top.is_empty() { div.empty { (lang.t("matching.none")) } }
            @else {
                div.table-wrap { table.data-table.matches {
                    thead { tr {
                        th.num { (lang.t("matching.rank")) }
                        th { (lang.t("matching.org")) }
                        th.num { (lang.t("matching.score")) }
                        th { (lang.t("matching.reasons")) }
                        th { (lang.t("matching.invite")) }
                    } }
                    tbody { @for (n, (i, s)) in r.top.iter().enumerate() {
                        @let c = &p.candidates[*i];
                        tr data-org=(c.org_id) {
                            td.num { (n + 1) }
                            td { a href=(format!("/orgs/{}", c.org_id)) { (c.name) } br; span.muted { (c.facts.kind.label(lang)) " · " (place(c, lang)) } }
                            td.num.score { (s.display()) }
                            td { (parts(lang, s, &t.domain, c.incubation())) }
                            td {
                                @if p.invited.contains(&c.org_id) {
                                    span.badge.badge-invited { (lang.t("matching.invited")) }
                                } @else if p.open {
                                    form.inline method="post" action=(format!("/tenders/{}/invite", t.id)) {
                                        (csrf_field(p.csrf))
                                        input type="hidden" name="org_id" value=(c.org_id);
                                        button.btn.btn-secondary type="submit" { (lang.t("matching.invite")) }
                                    }
                                }
                            }
                        }
                    } }
                } }
            }
        }
        section.section id="excluded" {
            h2 { (lang.t("matching.excluded")) }
            ul.plain.inline-list.exclusion-counts {
                @for (code, n) in Exclusion::CODES.iter().zip(r.excluded_by) {
                    @if n > 0 { li data-rule=(code) { (lang.t(&format!("matching.rule.{code}"))) ": " (n) } }
                }
            }
            @if !p.excluded.is_empty() {
                div.table-wrap { table.data-table.excluded {
                    thead { tr { th { (lang.t("matching.org")) } th { (lang.t("matching.why_excluded")) } } }
                    tbody { @for (i, why) in p.excluded {
                        @let c = &p.candidates[*i];
                        tr data-org=(c.org_id) {
                            td { a href=(format!("/orgs/{}", c.org_id)) { (c.name) } }
                            td { (reasons(lang, why)) }
                        }
                    } }
                } }
            }
        }
        section.section id="lookup" {
            h2 { (lang.t("matching.lookup")) }
            form.form.inline method="get" action=(format!("/tenders/{}/matches", t.id)) {
                (input("number", "org", &lang.t("matching.lookup_id"), p.lookup_value, None, p.errors, false))
                div.actions { button.btn.btn-secondary type="submit" { (lang.t("matching.lookup_go")) } }
            }
            @if let Some((c, a)) = &p.lookup {
                div.panel.lookup-result data-org=(c.org_id) {
                    h3 { a href=(format!("/orgs/{}", c.org_id)) { (c.name) } }
                    @match a {
                        Assessment::Excluded(why) => { p { strong { (lang.t("matching.is_excluded")) } } (reasons(lang, why)) }
                        Assessment::Scored(s) => { p { strong { (lang.tf("matching.is_scored", &[("score", &s.display())])) } } (parts(lang, s, &t.domain, c.incubation())) }
                    }
                }
            }
        }
    }
}

/// The organization workspace's section: invitations and recommended tenders.
pub fn workspace(
    lang: Lang,
    csrf: &str,
    invitations: &[Invitation],
    unread: u64,
    recommended: &[(String, Vec<(OpenTender, Score)>)],
) -> Markup {
    html! {
        div.panel id="invitations" {
            h2 { (lang.t("notifications.invitations")) " " span.badge.badge-count { (unread) } }
            @if invitations.is_empty() { p.muted { (lang.t("notifications.none")) } }
            @else {
                ul.plain { @for i in invitations {
                    li.unread[i.unread] {
                        a href=(format!("/tenders/{}", i.tender_id)) { (i.title) } " "
                        span.muted { (lang.tf("notifications.invited_at", &[("at", &display_instant(i.at)), ("deadline", &display_instant(i.bid_deadline))])) }
                    }
                } }
                @if unread > 0 {
                    form.inline method="post" action="/me/invitations/read" {
                        (csrf_field(csrf))
                        button.btn.btn-secondary type="submit" { (lang.t("notifications.mark_read")) }
                    }
                }
            }
        }
        div.panel id="recommended" {
            h2 { (lang.t("matching.recommended")) }
            @for (org, list) in recommended {
                h3 { (org) }
                @if list.is_empty() { p.muted { (lang.t("matching.no_recommendations")) } }
                @else {
                    ol.recommendations { @for (t, s) in list {
                        li {
                            a href=(format!("/tenders/{}", t.id)) { (t.title) } " "
                            span.badge { (lang.tf("matching.score_of", &[("score", &s.display())])) }
                            (parts(lang, s, &t.domain, None))
                        }
                    } }
                }
            }
        }
    }
}

/// The section on the tender page for its buyers: the best few matches and a link to all.
pub fn tender_section(
    lang: Lang,
    t: &Tender,
    candidates: &[Candidate],
    r: &Ranking,
    invited: &[i64],
    open: bool,
    csrf: &str,
) -> Markup {
    html! {
        section.section.buyer-matches id="matches" {
            h2 { (lang.t("matching.best")) }
            p.muted {
                (lang.tf("matching.counts", &[("eligible", &r.eligible.to_string()), ("excluded", &r.excluded.to_string())]))
                " · " (lang.t("matching.buyers_only"))
            }
            @if r.top.is_empty() { p.muted { (lang.t("matching.none")) } }
            @else {
                ol.matches-top { @for (i, s) in &r.top {
                    @let c = &candidates[*i];
                    li data-org=(c.org_id) {
                        a href=(format!("/orgs/{}", c.org_id)) { (c.name) } " "
                        span.badge { (lang.tf("matching.score_of", &[("score", &s.display())])) } " "
                        @if invited.contains(&c.org_id) {
                            span.badge.badge-invited { (lang.t("matching.invited")) }
                        } @else if open {
                            form.inline method="post" action=(format!("/tenders/{}/invite", t.id)) {
                                (csrf_field(csrf))
                                input type="hidden" name="org_id" value=(c.org_id);
                                input type="hidden" name="back" value="tender";
                                button.btn.btn-secondary type="submit" { (lang.t("matching.invite")) }
                            }
                        }
                        (parts(lang, s, &t.domain, c.incubation()))
                    }
                } }
            }
            p { a.btn.btn-secondary href=(format!("/tenders/{}/matches", t.id)) { (lang.t("matching.link")) } }
        }
    }
}
