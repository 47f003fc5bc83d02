//! The `/data` page: formats, endpoints, bulk files, licence and fields. No queries.

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
