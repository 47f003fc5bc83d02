//! The `/data` page: formats, endpoints, bulk files, licence and fields. No queries.

pub mod notices;

use maud::{Markup, html};

use super::rules::{self, OcdsSettings};
use super::{BulkFile, bulk_name};
use crate::kernel::Lang;

/// The release fields explained on the page: path and its locale key.
const FIELDS: &[(&str, &str)] = &[
    ("ocid", "opendata.field.ocid"),
    ("id", "opendata.field.id"),
    ("date", "opendata.field.date"),
    ("tag", "opendata.field.tag"),
    ("parties", "opendata.field.parties"),
    ("buyer", "opendata.field.buyer"),
    ("tender.value", "opendata.field.tender_value"),
    ("tender.procurementMethod", "opendata.field.method"),
    ("tender.awardCriteria", "opendata.field.award_criteria"),
    ("tender.tenderPeriod", "opendata.field.tender_period"),
    ("tender.items", "opendata.field.items"),
    ("tender.numberOfTenderers", "opendata.field.tenderers"),
    ("bids", "opendata.field.bids"),
    ("awards", "opendata.field.awards"),
    ("contracts", "opendata.field.contracts"),
];

/// The tags and when each is published.
const TAGS: &[(&str, &str)] = &[
    ("tender", "opendata.tag.tender"),
    ("tenderAmendment", "opendata.tag.tender_amendment"),
    ("tenderUpdate", "opendata.tag.tender_update"),
    ("tenderCancellation", "opendata.tag.tender_cancellation"),
    ("award", "opendata.tag.award"),
    ("contract", "opendata.tag.contract"),
    ("implementation", "opendata.tag.implementation"),
    ("contractTermination", "opendata.tag.contract_termination"),
];

/// The `/data` page body.
pub fn data_page(lang: Lang, s: &OcdsSettings, files: &[BulkFile]) -> Markup {
    html! {
        h1 { (lang.t("opendata.title")) }
        p.lead { (lang.t("opendata.intro")) }
        section.section id="formats" {
            h2 { (lang.t("opendata.formats")) }
            p { (lang.t("opendata.formats_text")) }
            dl.props {
                dt { (lang.t("opendata.prefix")) } dd { code { (s.ocid_prefix) } " " span.muted { (lang.t("opendata.prefix_note")) } }
                dt { (lang.t("opendata.scheme")) } dd { code { (s.scheme) } }
                dt { (lang.t("opendata.publisher")) } dd { (s.publisher) }
            }
        }
        section.section id="api" {
            h2 { (lang.t("opendata.api")) }
            ul {
                li { code { "GET /api/v1/ocds/releases?since=2026-01-01&per_page=100" } " — " (lang.t("opendata.api.releases")) }
                li { code { "GET /api/v1/ocds/releases/{id}" } " — " (lang.t("opendata.api.release")) }
                li { code { "GET /api/v1/ocds/records/{ocid}" } " — " (lang.t("opendata.api.record")) }
                li { code { "GET /api/v1/ocds/bulk/ocds-releases-{year}.jsonl.gz" } " — " (lang.t("opendata.api.bulk")) }
            }
        }
        section.section id="bulk" {
            h2 { (lang.t("opendata.bulk")) }
            p { (lang.t("opendata.bulk_text")) }
            @if files.is_empty() {
                p.muted { (lang.t("opendata.bulk_none")) }
            } @else {
                table.table {
                    thead { tr {
                        th scope="col" { (lang.t("opendata.col.year")) }
                        th scope="col" { (lang.t("opendata.col.releases")) }
                        th scope="col" { (lang.t("opendata.col.size")) }
                        th scope="col" { (lang.t("opendata.col.updated")) }
                    } }
                    tbody {
                        @for f in files {
                            tr {
                                td { a.bulk-file href=(format!("/api/v1/ocds/bulk/{}", bulk_name(f.year))) { (bulk_name(f.year)) } }
                                td { (f.releases) }
                                td { (format!("{:.1} KiB", f.bytes as f64 / 1024.0)) }
                                td { (crate::kernel::clock::display_instant(f.last_modified)) }
                            }
                        }
                    }
                }
            }
        }
        section.section id="tags" {
            h2 { (lang.t("opendata.tags")) }
            table.table {
                tbody {
                    @for (tag, key) in TAGS {
                        tr { th scope="row" { code { (tag) } } td { (lang.t(key)) } }
                    }
                }
            }
        }
        section.section id="fields" {
            h2 { (lang.t("opendata.fields")) }
            table.table {
                tbody {
                    @for (path, key) in FIELDS {
                        tr { th scope="row" { code {
                            // A long path breaks after a dot, never inside a name.
                            @for (i, part) in path.split('.').enumerate() {
                                @if i > 0 { "." wbr; }
                                (part)
                            }
                        } } td { (lang.t(key)) } }
                    }
                }
            }
        }
        section.section id="licence" {
            h2 { (lang.t("opendata.licence")) }
            p { (lang.t("opendata.licence_text")) " " a href=(rules::LICENSE) { "CC BY 4.0" } }
            p { a href="https://standard.open-contracting.org/1.1/" { (lang.t("opendata.standard")) } }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Red flags (regulators)

use super::StoredFlags;
use super::flag_rules::{self as fr, Flag, FlagCode, Tally};
use crate::kernel::money::Fen;

/// A purchasing unit's line on `/data/flags`.
#[derive(Debug, Clone)]
pub struct UnitFlags {
    /// Unit id.
    pub unit_id: i64,
    /// Its name as its latest record gives it.
    pub unit_name: String,
    /// Its tenders' counts.
    pub tally: Tally,
}

fn money(v: &serde_json::Value) -> String {
    Fen(v.as_i64().unwrap_or_default()).to_string()
}

fn share(bp: i64) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// A flag's evidence in words.
pub fn evidence_text(lang: Lang, f: &Flag) -> String {
    let e = &f.evidence;
    let n = |k: &str| e[k].as_i64().unwrap_or_default().to_string();
    match f.code {
        FlagCode::ShortSubmissionPeriod => {
            let key = if e["working"] == true {
                "flag.ev.short_submission_period_working"
            } else {
                "flag.ev.short_submission_period"
            };
            lang.tf(key, &[("days", &n("days")), ("minimum", &n("minimum"))])
        }
        FlagCode::SingleBid => lang.t("flag.ev.single_bid"),
        FlagCode::IdenticalBidPrices => e["prices"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| {
                        lang.tf(
                            "flag.ev.identical_bid_prices",
                            &[
                                ("bids", &p["bids"].as_i64().unwrap_or_default().to_string()),
                                ("price", &money(&p["price_fen"])),
                            ],
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(lang.t("flag.ev.separator").as_str())
            })
            .unwrap_or_default(),
        FlagCode::AllButWinnerDisqualified => lang.tf(
            "flag.ev.all_but_winner_disqualified",
            &[("bids", &n("bids")), ("disqualified", &n("disqualified"))],
        ),
        FlagCode::LowestBidDisqualified => lang.tf(
            "flag.ev.lowest_bid_disqualified",
            &[("price", &money(&e["price_fen"])), ("bids", &n("bids"))],
        ),
        FlagCode::CloseToWinningBid => lang.tf(
            "flag.ev.close_to_winning_bid",
            &[
                ("winning", &money(&e["winning_fen"])),
                ("closest", &money(&e["closest_fen"])),
                ("bids", &n("bids")),
            ],
        ),
        FlagCode::AwardAtCeiling => lang.tf(
            "flag.ev.award_at_ceiling",
            &[
                ("award", &money(&e["award_fen"])),
                ("budget", &money(&e["budget_fen"])),
                ("share", &share(e["share_bp"].as_i64().unwrap_or_default())),
            ],
        ),
    }
}

fn code_tag(lang: Lang, c: FlagCode) -> Markup {
    html! { span.tag.flag-code data-code=(c.code()) title=(lang.t(&format!("flag.def.{}", c.code()))) { (c.label(lang)) } }
}

/// What each indicator means, its OCP number, the minimum times to bid and the caveat.
fn definitions(lang: Lang) -> Markup {
    html! {
        section.section id="definitions" {
            h2 { (lang.t("flags.definitions")) }
            p.caveat { (lang.t("flags.caveat")) }
            div.table-wrap { table.data-table.flag-definitions {
                thead { tr {
                    th scope="col" { (lang.t("flags.col.flag")) }
                    th scope="col" { (lang.t("flags.col.ocp")) }
                    th scope="col" { (lang.t("flags.col.meaning")) }
                } }
                tbody {
                    @for c in FlagCode::ALL {
                        tr id=(format!("def-{}", c.code())) {
                            th scope="row" { (c.label(lang)) }
                            td { code { (c.ocp()) } }
                            td { (lang.t(&format!("flag.def.{}", c.code()))) }
                        }
                    }
                }
            } }
            h3 { (lang.t("flags.minimums")) }
            div.table-wrap { table.data-table.flag-minimums {
                thead { tr {
                    th scope="col" { (lang.t("flags.col.method")) }
                    th scope="col" { (lang.t("flags.col.minimum")) }
                    th scope="col" { (lang.t("flags.col.basis")) }
                } }
                tbody {
                    @for m in fr::MIN_SUBMISSION_DAYS {
                        tr {
                            th scope="row" { (m.method) }
                            td { @match m.days {
                                Some(d) if m.working => { (lang.tf("flags.working_days", &[("n", &d.to_string())])) }
                                Some(d) => { (lang.tf("flags.days", &[("n", &d.to_string())])) }
                                None => { (lang.t("flags.no_minimum")) }
                            } }
                            td { (m.basis) }
                        }
                    }
                }
            } }
        }
    }
}

/// `/data/flags`: the units by flagged tenders, and the definitions.
pub fn flags_index(lang: Lang, units: &[UnitFlags], total: &Tally) -> Markup {
    html! {
        h1 { (lang.t("flags.title")) }
        p.lead { (lang.t("flags.intro")) }
        p.flags-total { (lang.tf("flags.total", &[
            ("tenders", &total.tenders.to_string()),
            ("flagged", &total.flagged.to_string()),
        ])) }
        section.section id="units" {
            h2 { (lang.t("flags.by_unit")) }
            @if units.is_empty() {
                p.muted { (lang.t("flags.none_yet")) }
            } @else {
                div.table-wrap { table.data-table.flag-units {
                    thead { tr {
                        th scope="col" { (lang.t("flags.col.unit")) }
                        th.num scope="col" { (lang.t("flags.col.tenders")) }
                        th.num scope="col" { (lang.t("flags.col.flagged")) }
                        @for c in FlagCode::ALL {
                            th.num scope="col" { abbr title=(c.label(lang)) { (c.ocp()) } " " (c.label(lang)) }
                        }
                    } }
                    tbody {
                        @for u in units {
                            tr data-unit=(u.unit_id) {
                                th scope="row" { a.flag-unit href=(format!("/data/flags/units/{}", u.unit_id)) { (u.unit_name) } }
                                td.num { (u.tally.tenders) }
                                td.num.flagged { (u.tally.flagged) }
                                @for (c, n) in &u.tally.per_code {
                                    td.num data-code=(c.code()) { (n) }
                                }
                            }
                        }
                    }
                } }
            }
        }
        (definitions(lang))
    }
}

/// `/data/flags/units/{id}`: the unit's flagged tenders with their flags.
pub fn flags_unit(
    lang: Lang,
    unit_name: &str,
    evaluated: usize,
    rows: &[(StoredFlags, Vec<FlagCode>)],
) -> Markup {
    html! {
        p { a href="/data/flags" { (lang.t("flags.back")) } }
        h1 { (lang.tf("flags.unit_title", &[("unit", unit_name)])) }
        p.flags-total { (lang.tf("flags.total", &[
            ("tenders", &evaluated.to_string()),
            ("flagged", &rows.len().to_string()),
        ])) }
        @if rows.is_empty() {
            p.muted.no-flags { (lang.t("flags.unit_none")) }
        } @else {
            div.table-wrap { table.data-table.flag-tenders {
                thead { tr {
                    th scope="col" { (lang.t("flags.col.tender")) }
                    th scope="col" { (lang.t("flags.col.flags")) }
                } }
                tbody {
                    @for (r, codes) in rows {
                        tr data-tender=(r.tender_id) {
                            th scope="row" { a.flag-tender href=(format!("/data/flags/tenders/{}", r.tender_id)) { (r.title) } }
                            td { @for c in codes { (code_tag(lang, *c)) " " } }
                        }
                    }
                }
            } }
        }
        p { a href="/data/flags#definitions" { (lang.t("flags.definitions")) } }
    }
}

/// `/data/flags/tenders/{id}`: one tender's flags with their evidence in words.
pub fn flags_tender(lang: Lang, r: &StoredFlags, flags: &[Flag]) -> Markup {
    html! {
        p { a href="/data/flags" { (lang.t("flags.back")) } }
        h1 { (lang.tf("flags.tender_title", &[("title", &r.title)])) }
        dl.props {
            dt { (lang.t("flags.col.unit")) }
            dd { a href=(format!("/data/flags/units/{}", r.unit_id)) { (r.unit_name) } }
            dt { (lang.t("flags.col.tender")) }
            dd { a href=(format!("/tenders/{}", r.tender_id)) { (r.title) } }
            dt { (lang.t("flags.record")) }
            dd { a.flag-record href=(format!("/api/v1/ocds/records/{}", r.ocid)) { (r.ocid) } }
            dt { (lang.t("flags.evaluated_at")) }
            dd { (crate::kernel::clock::display_instant(r.updated_at)) }
        }
        @if flags.is_empty() {
            p.no-flags { (lang.t("flags.tender_none")) }
        } @else {
            ul.flags {
                @for f in flags {
                    li.flag data-code=(f.code.code()) {
                        strong { (f.code.label(lang)) } " " code { (f.code.ocp()) }
                        p.evidence { (evidence_text(lang, f)) }
                        p.muted { (lang.t(&format!("flag.def.{}", f.code.code()))) }
                    }
                }
            }
        }
        p.caveat { (lang.t("flags.caveat")) }
        p { a href="/data/flags#definitions" { (lang.t("flags.definitions")) } }
    }
}
