//! The checkpoints page.

use maud::{Markup, html};

use crate::kernel::Lang;
use crate::kernel::clock::display_instant;

/// The published checkpoints, newest first, with the key and how to check them.
pub fn checkpoints(
    lang: Lang,
    public_key: &str,
    message_format: &str,
    list: &[super::StoredCheckpoint],
) -> Markup {
    html! {
        h1 { (lang.t("audit.checkpoints.title")) }
        p { (lang.t("audit.checkpoints.intro")) }
        section.audit-key {
            h2 { (lang.t("audit.checkpoints.key")) }
            p { code #public-key { (public_key) } }
            p { (lang.t("audit.checkpoints.message")) }
            pre { code #message-format { (message_format) } }
        }
        section.audit-howto {
            h2 { (lang.t("audit.checkpoints.howto")) }
            ol {
                li {
                    (lang.t("audit.checkpoints.step_keep")) " "
                    a href="/api/v1/audit/checkpoints" { "/api/v1/audit/checkpoints" }
                }
                li { (lang.t("audit.checkpoints.step_sig")) }
                li {
                    (lang.t("audit.checkpoints.step_verify")) " "
                    code { "civicbridge audit verify --checkpoint checkpoints.json" }
                }
            }
        }
        @if list.is_empty() {
            p.muted { (lang.t("audit.checkpoints.none")) }
        } @else {
            div.table-wrap { table.data-table.checkpoints {
                thead { tr {
                    th.num scope="col" { "#" }
                    th scope="col" { (lang.t("audit.checkpoints.col.at")) }
                    th.num scope="col" { (lang.t("audit.checkpoints.col.seq")) }
                    th scope="col" { (lang.t("audit.checkpoints.col.hash")) }
                    th.num scope="col" { (lang.t("audit.checkpoints.col.count")) }
                    th scope="col" { (lang.t("audit.checkpoints.col.signature")) }
                } }
                tbody { @for c in list {
                    tr {
                        td.num { (c.id) }
                        td { (display_instant(c.at)) }
                        td.num { (c.seq) }
                        td { code.hash { (c.head_hash) } }
                        td.num { (c.count) }
                        td { code.signature { (c.signature) } }
                    }
                } }
            } }
        }
    }
}
