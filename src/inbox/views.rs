//! The inbox page.

use maud::{Markup, html};

use super::model::Notice;
use super::rules::{self, Params};
use crate::kernel::Lang;
use crate::kernel::clock::display_instant;
use crate::web::forms::csrf_field;

/// `/me/notifications`: the user's notices, newest first, unread ones marked.
pub fn inbox(lang: Lang, notices: &[Notice], csrf: &str) -> Markup {
    let unread = notices.iter().filter(|n| n.read_at.is_none()).count();
    html! {
        div.page-head {
            h1.page-title { (lang.t("inbox.title")) }
            @if unread > 0 {
                form.inline method="post" action="/me/notifications/read" {
                    (csrf_field(csrf))
                    button.btn.btn-secondary type="submit" { (lang.t("inbox.mark_all")) }
                }
            }
        }
        @if notices.is_empty() {
            div.empty { (lang.t("inbox.empty")) }
        } @else {
            ul.plain.notices id="notices" {
                @for n in notices {
                    @let p = Params::from_json(&n.params);
                    li.notice.unread[n.read_at.is_none()] data-kind=(n.kind) {
                        p {
                            span.muted { (display_instant(n.created_at)) } " "
                            strong.notice-title { (rules::title(&n.kind, lang)) }
                            @if n.read_at.is_none() { " " span.badge.badge-role { (lang.t("inbox.new")) } }
                        }
                        p.notice-text { (rules::text(&n.kind, &p, lang)) }
                        p {
                            @if let Some(href) = p.local_link() {
                                a href=(href) { (lang.t("inbox.open")) } " "
                            }
                            @if n.read_at.is_none() {
                                form.inline method="post" action="/me/notifications/read" {
                                    (csrf_field(csrf))
                                    input type="hidden" name="id" value=(n.id);
                                    button.link-button type="submit" { (lang.t("inbox.mark_read")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
