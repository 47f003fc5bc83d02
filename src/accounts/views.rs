//! Account pages: sign-up, log-in, workspace, user administration.

use maud::{Markup, html};

use super::CurrentUser;
use super::rules::{Role, SignupForm};
use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::orgs::RegEvent;
use crate::web::forms::{csrf_field, error_summary, input};

/// Sign-up form.
pub fn signup(lang: Lang, f: &SignupForm, e: &FieldErrors, csrf: &str) -> Markup {
    html! {
        div.auth-box {
            h1.page-title { (lang.t("signup.title")) }
            (error_summary(e, lang))
            form.form method="post" action="/signup" novalidate {
                (csrf_field(csrf))
                (input("email", "email", &lang.t("signup.email"), &f.email, None, e, true))
                (input("text", "display_name", &lang.t("signup.display_name"), &f.display_name, None, e, true))
                (input("password", "password", &lang.t("signup.password"), "", Some(&lang.t("signup.password_hint")), e, true))
                (input("password", "password_confirm", &lang.t("signup.password_confirm"), "", None, e, true))
                div.actions { button.btn.btn-primary type="submit" { (lang.t("signup.submit")) } }
            }
            p { (lang.t("signup.have_account")) " " a href="/login" { (lang.t("nav.login")) } }
        }
    }
}

/// Log-in form; `message` is the generic failure or throttling notice.
pub fn login(lang: Lang, email: &str, next: &str, message: Option<&str>, csrf: &str) -> Markup {
    let none = FieldErrors::default();
    html! {
        div.auth-box {
            h1.page-title { (lang.t("login.title")) }
            @if let Some(m) = message { div.form-errors role="alert" { p { (m) } } }
            form.form method="post" action="/login" {
                (csrf_field(csrf))
                input type="hidden" name="next" value=(next);
                (input("email", "email", &lang.t("signup.email"), email, None, &none, true))
                (input("password", "password", &lang.t("signup.password"), "", None, &none, true))
                div.actions { button.btn.btn-primary type="submit" { (lang.t("login.submit")) } }
            }
            p { (lang.t("login.no_account")) " " a href="/signup" { (lang.t("nav.signup")) } }
        }
    }
}

/// The signed-in user's workspace.
pub fn workspace(
    lang: Lang,
    u: &CurrentUser,
    events: &[(RegEvent, String)],
    procurement: Markup,
) -> Markup {
    html! {
        div.page-head {
            h1.page-title { (lang.tf("me.title", &[("name", &u.display_name)])) }
            a.btn.btn-primary href="/orgs/new" { (lang.t("orgs.new")) }
        }
        p {
            span.muted { (u.email) } " "
            @for r in &u.actor.roles { span.badge.badge-role { (r.label(lang)) } " " }
            @if u.actor.is_buyer() { span.badge.badge-role { (lang.t("role.buyer")) } }
        }
        div.dash-grid {
            div.panel id="my-orgs" {
                h2 { (lang.t("me.orgs")) }
                @if u.orgs.is_empty() {
                    p.muted { (lang.t("me.no_orgs")) }
                    p { a href="/orgs/new" { (lang.t("orgs.new")) } }
                } @else {
                    ul.plain { @for (id, name, role) in &u.orgs {
                        li { a href=(format!("/orgs/{id}")) { (name) } " " span.badge.badge-role { (lang.t(&format!("org.role.{}", role.code()))) } }
                    } }
                }
            }
            div.panel id="my-units" {
                h2 { (lang.t("me.units")) }
                @if u.units.is_empty() { p.muted { (lang.t("me.no_units")) } }
                @else { ul.plain { @for (_, name) in &u.units { li { (name) } } } }
            }
            (procurement)
            @if u.actor.has(Role::Regulator) {
                div.panel id="regulation" {
                    h2 { (lang.t("me.regulation")) }
                    p { (lang.t("me.regulation_hint")) }
                    p {
                        a href="/orgs?rating=3" { (lang.t("me.rated_orgs")) }
                    }
                    @if events.is_empty() { p.muted { (lang.t("org.no_history")) } }
                    @else { ul.plain { @for (e, name) in events {
                        li {
                            span.muted { (crate::kernel::clock::display_instant(e.at)) } " "
                            a href=(format!("/orgs/{}", e.org_id)) { (name) } " · "
                            (lang.t(&format!("org.event.{}", e.kind)))
                        }
                    } } }
                }
            }
            @if u.actor.has(Role::Admin) {
                div.panel id="admin" {
                    h2 { (lang.t("nav.admin")) }
                    ul.plain {
                        li { a href="/admin/users" { (lang.t("users.admin_title")) } }
                        li { a href="/admin/units" { (lang.t("units.admin_title")) } }
                    }
                }
            }
        }
    }
}

/// Administrator's user list with role switches.
pub fn users(lang: Lang, users: &[(super::model::user::Model, Vec<Role>)], csrf: &str) -> Markup {
    html! {
        h1.page-title { (lang.t("users.admin_title")) }
        p { a href="/admin/units" { (lang.t("units.admin_title")) } }
        div.table-wrap { table.data-table {
            thead { tr { th { (lang.t("signup.display_name")) } th { (lang.t("signup.email")) } th { (lang.t("users.roles")) } } }
            tbody { @for (u, roles) in users { tr {
                td { (u.display_name) }
                td { (u.email) }
                td {
                    @for r in Role::ALL {
                        @let has = roles.contains(r);
                        form.inline method="post" action=(format!("/admin/users/{}/roles", u.id)) {
                            (csrf_field(csrf))
                            input type="hidden" name="role" value=(r.code());
                            input type="hidden" name="grant" value=(if has { "0" } else { "1" });
                            button class=(if has { "btn btn-primary" } else { "btn btn-secondary" }) type="submit"
                                aria-pressed=(if has { "true" } else { "false" }) { (r.label(lang)) }
                        }
                        " "
                    }
                }
            } } }
        } }
    }
}
