//! The page frame: skip link, header with navigation by role, flash message, footer. Error
//! pages get the same header (with the signed-in user when the error layer could tell who it
//! is, see [`super::middleware::error_viewer`]).

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::config::SiteInfo;
use super::{Ctx, Lang, assets};
use crate::accounts::{CurrentUser, Role};

/// htmx's settings, read from the `htmx-config` meta element when it starts.
const HTMX_CONFIG: &str =
    r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}"#;

/// A magnifying glass for the header's search button (decorative: the button has text).
const SEARCH_ICON: &str = r#"<svg class="icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="18" height="18"><circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" stroke-width="2.2"/><path d="M15.5 15.5 21 21" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/></svg>"#;

/// A bell for the notifications link (decorative: the link has an `aria-label`).
const BELL_ICON: &str = r#"<svg class="icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20"><path d="M6 17V11a6 6 0 0 1 12 0v6l1.5 2h-15z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/><path d="M10 21h4" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>"#;

/// What the header needs to know about the request: enough for a page and for an error page
/// made outside any handler.
pub struct Chrome<'a> {
    /// Interface language.
    pub lang: Lang,
    /// The signed-in user, if known.
    pub user: Option<&'a CurrentUser>,
    /// The session's CSRF token (for the log-out form).
    pub csrf: Option<&'a str>,
    /// Request path, for the active navigation item.
    pub path: &'a str,
    /// This page in the other language.
    pub other_lang_href: String,
    /// Who runs the site, for the footer.
    pub site: &'a SiteInfo,
}

impl<'a> Chrome<'a> {
    /// The header's view of a handler's request context.
    pub fn of(ctx: &'a Ctx) -> Self {
        Chrome {
            lang: ctx.lang,
            user: ctx.user.as_ref(),
            csrf: ctx.csrf.as_deref(),
            path: &ctx.path,
            other_lang_href: ctx.other_lang_href(),
            site: &ctx.site,
        }
    }
}

fn head(lang: Lang, title: &str, extra: Markup) -> Markup {
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
            (extra)
        }
    }
}

fn brand(lang: Lang) -> Markup {
    html! {
        a.brand href="/" {
            span.brand-mark aria-hidden="true" { "社" }
            // Between phone and wide screens the short name leaves room for a full header
            // on one line; the full name stays for assistive technology.
            span.brand-name { (lang.t("site.name")) }
            span.brand-short aria-hidden="true" { (lang.t("layout.brand_short")) }
        }
    }
}

/// The footer's section links: every part of the product that exists, by its list page.
const FOOTER_LINKS: &[(&str, &str)] = &[
    ("/tenders", "site.footer_link.tenders"),
    ("/calls", "site.footer_link.calls"),
    ("/incubators", "site.footer_link.incubators"),
    ("/brands", "site.footer_link.brands"),
    ("/credit", "site.footer_link.credit"),
    ("/data", "opendata.nav"),
    ("/complaints", "complaints.title"),
    ("/spot-checks", "inspections.title"),
];

/// The MIIT's ICP filing look-up, which a filing number in the footer links to.
const ICP_LOOKUP: &str = "https://beian.miit.gov.cn/";

fn footer(lang: Lang, site: &SiteInfo) -> Markup {
    html! {
        footer.site-footer { div.container {
            p { strong { (lang.t("site.footer")) } }
            p.footer-links {
                @for (i, (href, key)) in FOOTER_LINKS.iter().enumerate() {
                    @if i > 0 { " · " }
                    a href=(href) { (lang.t(key)) }
                }
            }
            p.muted { (lang.t("site.footer_policy")) }
            @if site.operator.is_some() || site.contact.is_some() {
                p.footer-operator {
                    @if let Some(name) = &site.operator {
                        (lang.tf("site.footer_operator", &[("name", name)]))
                    }
                    @if let Some(c) = &site.contact {
                        @if site.operator.is_some() { " · " }
                        (lang.tf("site.footer_contact", &[("contact", c)]))
                    }
                }
            }
            @if site.icp_filing.is_some() || site.psb_filing.is_some() {
                p.footer-filing {
                    @if let Some(icp) = &site.icp_filing {
                        a href=(ICP_LOOKUP) rel="noopener noreferrer" { (icp) }
                    }
                    @if let Some(psb) = &site.psb_filing {
                        @if site.icp_filing.is_some() { " · " }
                        span { (psb) }
                    }
                }
            }
        } }
    }
}

/// The navigation items for this visitor.
fn nav_items(lang: Lang, user: Option<&CurrentUser>) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("/", lang.t("nav.home")),
        ("/tenders", lang.t("layout.nav.tenders")),
        ("/orgs", lang.t("nav.orgs")),
        ("/units", lang.t("layout.nav.units")),
        ("/targets", lang.t("targets.nav")),
        ("/credit", lang.t("credit.nav")),
    ];
    if let Some(u) = user {
        v.push(("/me", lang.t("layout.nav.me")));
        if u.actor.has(Role::Admin) {
            v.push(("/admin/users", lang.t("layout.nav.admin")));
        }
    }
    v
}

/// The skip link and the site header: brand, navigation, search, the user's area.
fn header(ch: &Chrome) -> Markup {
    let lang = ch.lang;
    let nav = nav_items(lang, ch.user);
    let active = |href: &str| {
        if href == "/" {
            ch.path == "/"
        } else {
            ch.path.starts_with(href)
        }
    };
    html! {
        a.skip-link href="#main" { (lang.t("layout.skip")) }
        header.site-header { div.container.header-inner.signed-in[ch.user.is_some()] {
            (brand(lang))
            nav.main-nav aria-label=(lang.t("nav.label")) { ul {
                @for (href, label) in &nav {
                    li { a href=(href) class=[active(href).then_some("active")]
                        aria-current=[active(href).then_some("page")] { (label) } }
                }
            } }
            (header_search(lang))
            div.user-area {
                @if let Some(u) = ch.user {
                    a.inbox-link href="/me/notifications"
                        aria-label=(lang.tf("inbox.unread", &[("n", &u.unread.to_string())])) {
                        (PreEscaped(BELL_ICON))
                        span.inbox-label aria-hidden="true" { (lang.t("inbox.nav")) }
                        @if u.unread > 0 { span.badge.badge-count id="unread-count" aria-hidden="true" { (u.unread) } }
                    }
                    // A menu that needs no script: the account's name opens it.
                    details.user-menu {
                        summary {
                            span.visually-hidden { (lang.t("layout.account")) " " }
                            span.user-name { (u.display_name) }
                        }
                        div.user-menu-panel {
                            p.user-menu-who { strong { (u.display_name) } br; span.muted { (u.email) } }
                            a href="/me" { (lang.t("nav.me")) }
                            a href="/me/notifications" { (lang.t("inbox.nav")) }
                            form.inline method="post" action="/logout" {
                                @if let Some(t) = ch.csrf { (super::forms::csrf_field(t)) }
                                button.link-button type="submit" { (lang.t("nav.logout")) }
                            }
                        }
                    }
                } @else {
                    a href="/login" { (lang.t("nav.login")) }
                    a href="/signup" { (lang.t("nav.signup")) }
                }
                a.lang-switch href=(ch.other_lang_href)
                    lang=(lang.other().code()) { (lang.t("nav.switch_lang")) }
            }
        } }
    }
}

/// The whole document around a page's main content.
fn frame(ch: &Chrome, title: &str, main: Markup) -> Markup {
    frame_with(ch, title, html! {}, main)
}

/// [`frame`] with more in the head.
fn frame_with(ch: &Chrome, title: &str, extra: Markup, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ch.lang.code()) {
            (head(ch.lang, title, extra))
            body {
                (header(ch))
                // Focusable by the skip link (not by Tab).
                main.container id="main" tabindex="-1"
                    data-table-label=(ch.lang.t("layout.table_region")) { (main) }
                (footer(ch.lang, ch.site))
            }
        }
    }
}

/// A full page in the frame.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let main = html! {
        @if let Some(f) = &ctx.flash {
            div class=(format!("flash flash-{}", f.kind)) role="status" { (f.text) }
        }
        (body)
    };
    frame(&Chrome::of(ctx), title, main)
}

/// A full page in the frame that announces feeds in its head (`<link rel="alternate">`
/// of each `(title, href)` Atom feed), so readers and browsers find them.
pub fn page_with_feeds(ctx: &Ctx, title: &str, feeds: &[(String, String)], body: Markup) -> Markup {
    let extra = html! {
        @for (t, href) in feeds {
            link rel="alternate" type="application/atom+xml" title=(t) href=(href);
        }
    };
    let main = html! {
        @if let Some(f) = &ctx.flash {
            div class=(format!("flash flash-{}", f.kind)) role="status" { (f.text) }
        }
        (body)
    };
    frame_with(&Chrome::of(ctx), title, extra, main)
}

/// A printable document: the head and the content only — no header, navigation or footer
/// — for printing, or saving as PDF from the browser (print CSS in `app.css`).
pub fn printable(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title, html! {}))
            body.printable {
                main.container id="main" tabindex="-1" { (body) }
            }
        }
    }
}

/// An error page (made by the error middleware) in the same frame as every page.
pub fn error_page(ch: &Chrome, status: u16, title: &str, message: &str) -> Markup {
    let lang = ch.lang;
    let main = html! {
        div.error-page {
            h1 { (status) }
            p { strong { (title) } }
            p { (message) }
            p { a href="/" { (lang.t("error.back_home")) } }
        }
    };
    frame(ch, title, main)
}

/// The search box in the header of every page.
fn header_search(lang: Lang) -> Markup {
    html! {
        form.header-search role="search" method="get" action="/search"
            aria-label=(lang.t("search.label")) {
            label.visually-hidden for="header-q" { (lang.t("search.label")) }
            input id="header-q" type="search" name="q" placeholder=(lang.t("search.placeholder_short")) maxlength="100"
                list="header-suggest" autocomplete="off"
                hx-get="/search/suggest" hx-trigger="input changed delay:250ms"
                hx-target="#header-suggest" hx-swap="outerHTML" hx-sync="this:replace";
            datalist id="header-suggest" {}
            button type="submit" {
                (PreEscaped(SEARCH_ICON))
                span.search-button-text { (lang.t("search.submit")) }
            }
        }
    }
}
