//! The page frame: header with navigation by role, flash message, footer.

use maud::{DOCTYPE, Markup, html};

use super::{Ctx, Lang, assets};
use crate::accounts::Role;

/// htmx's settings, read from the `htmx-config` meta element when it starts.
const HTMX_CONFIG: &str =
    r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}"#;

fn head(lang: Lang, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · " (lang.t("site.name")) }
            link rel="icon" href=(assets::url("img/favicon.svg")) type="image/svg+xml";
            link rel="stylesheet" href=(assets::url("css/app.css"));
            // htmx under the Content-Security-Policy: no indicator <style> of its own (ours is
            // in app.css), no eval, no <script> run from swapped-in content.
            meta name="htmx-config" content=(HTMX_CONFIG);
            // Not deferred, and first: its listener records a policy violation that happens
            // while the rest of the page is parsed (the browser test reads it).
            script src=(assets::url("js/app.js")) {}
            script src=(assets::url("vendor/htmx/htmx.min.js")) defer {}
        }
    }
}

fn brand(lang: Lang) -> Markup {
    html! {
        a.brand href="/" {
            span.brand-mark aria-hidden="true" { "社" }
            span.brand-name { (lang.t("site.name")) }
        }
    }
}

fn footer(lang: Lang) -> Markup {
    html! {
        footer.site-footer { div.container {
            p { (lang.t("site.footer")) }
            p.muted { (lang.t("site.footer_policy")) }
        } }
    }
}

/// A full page in the frame.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let lang = ctx.lang;
    let nav: Vec<(&str, String)> = {
        let mut v = vec![
            ("/", lang.t("nav.home")),
            ("/tenders", lang.t("nav.tenders")),
            ("/orgs", lang.t("nav.orgs")),
            ("/units", lang.t("nav.units")),
            ("/targets", lang.t("targets.nav")),
        ];
        if let Some(u) = &ctx.user {
            v.push(("/me", lang.t("nav.me")));
            if u.actor.has(Role::Admin) {
                v.push(("/admin/users", lang.t("nav.admin")));
            }
        }
        v
    };
    let active = |href: &str| {
        if href == "/" {
            ctx.path == "/"
        } else {
            ctx.path.starts_with(href)
        }
    };
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body {
                header.site-header { div.container.header-inner {
                    (brand(lang))
                    nav.main-nav aria-label=(lang.t("nav.label")) { ul {
                        @for (href, label) in &nav {
                            li { a href=(href) class=[active(href).then_some("active")]
                                aria-current=[active(href).then_some("page")] { (label) } }
                        }
                    } }
                    (header_search(lang))
                    div.user-menu {
                        @if let Some(u) = &ctx.user {
                            span.user-name { (u.display_name) }
                            a.inbox-link href="/me/notifications"
                                aria-label=(lang.tf("inbox.unread", &[("n", &u.unread.to_string())])) {
                                (lang.t("inbox.nav"))
                                @if u.unread > 0 { " " span.badge.badge-count id="unread-count" { (u.unread) } }
                            }
                            form.inline method="post" action="/logout" {
                                @if let Some(t) = &ctx.csrf { (super::forms::csrf_field(t)) }
                                button.link-button type="submit" { (lang.t("nav.logout")) }
                            }
                        } @else {
                            a href="/login" { (lang.t("nav.login")) }
                            a href="/signup" { (lang.t("nav.signup")) }
                        }
                        a.lang-switch href=(ctx.other_lang_href())
                            lang=(lang.other().code()) { (lang.t("nav.switch_lang")) }
                    }
                } }
                main.container id="main" {
                    @if let Some(f) = &ctx.flash {
                        div class=(format!("flash flash-{}", f.kind)) role="status" { (f.text) }
                    }
                    (body)
                }
                (footer(lang))
            }
        }
    }
}

/// A bare error page (used by the error middleware, which has no session at hand).
pub fn error_page(lang: Lang, status: u16, title: &str, message: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body {
                header.site-header { div.container.header-inner {
                    (brand(lang))
                    nav.main-nav { ul {
                        li { a href="/" { (lang.t("nav.home")) } }
                        li { a href="/orgs" { (lang.t("nav.orgs")) } }
                    } }
                } }
                main.container id="main" {
                    div.error-page {
                        h1 { (status) }
                        p { strong { (title) } }
                        p { (message) }
                        p { a href="/" { (lang.t("error.back_home")) } }
                    }
                }
                (footer(lang))
            }
        }
    }
}

/// The search box in the header of every page.
fn header_search(lang: Lang) -> Markup {
    html! {
        form.header-search role="search" method="get" action="/search" {
            label.visually-hidden for="header-q" { (lang.t("search.label")) }
            input id="header-q" type="search" name="q" placeholder=(lang.t("search.placeholder_short")) maxlength="100";
            button type="submit" { (lang.t("search.submit")) }
        }
    }
}
