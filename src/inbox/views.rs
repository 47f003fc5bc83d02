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
            a.btn.btn-secondary href="/me/settings" { (lang.t("mail_settings.title")) }
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

/// `/me/settings`: a checkbox per kind of notice (ticked: also by e-mail) and the language
/// of the mails; a plain form, no script.
pub fn settings(
    lang: Lang,
    f: &rules::MailSettingsForm,
    mail_on: bool,
    e: &crate::kernel::error::FieldErrors,
    csrf: &str,
) -> Markup {
    use crate::web::forms::{checks, error_summary, select};
    let kinds: Vec<(String, String)> = rules::Kind::ALL
        .iter()
        .map(|k| (k.code().to_string(), k.label(lang)))
        .collect();
    let langs = vec![
        ("zh-CN".to_string(), "中文".to_string()),
        ("en".to_string(), "English".to_string()),
    ];
    html! {
        div.page-head { h1.page-title { (lang.t("mail_settings.title")) } }
        @if !mail_on { p.muted id="mail-off" { (lang.t("mail_settings.off")) } }
        p { (lang.t("mail_settings.hint")) }
        (error_summary(e, lang))
        form.form method="post" action="/me/settings" novalidate {
            (csrf_field(csrf))
            (checks("kind", &lang.t("mail_settings.kinds"), &kinds, &f.kind, e))
            (select("lang", &lang.t("mail_settings.lang"), &langs, &f.lang, None, e))
            div.actions { button.btn.btn-primary type="submit" { (lang.t("mail_settings.submit")) } }
        }
        section id="two-factor" {
            h2 { (lang.t("two_factor.title")) }
            p { (lang.t("two_factor.settings_hint")) }
            a.btn.btn-secondary href="/me/two-factor" { (lang.t("two_factor.manage")) }
        }
        p { a href="/me/notifications" { (lang.t("inbox.title")) } }
    }
}
