//! Account pages: sign-up, log-in, workspace, user administration.

use maud::{Markup, html};

use super::CurrentUser;
use super::rules::{Role, RoleForm, SignupForm};
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
            @if !u.actor.has(Role::Admin) { a.btn.btn-primary href="/orgs/new" { (lang.t("orgs.new")) } }
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
                    @if !u.actor.has(Role::Admin) { p { a href="/orgs/new" { (lang.t("orgs.new")) } } }
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
                        li { a href="/admin/incubators" { (lang.t("incubator.admin_title")) } }
                    }
                }
            }
        }
    }
}

/// Administrator's user list: each user's roles, and a form to grant or revoke one role with
/// a reason. `failed` is the row whose form came back with errors, with what was typed.
pub fn users(
    lang: Lang,
    users: &[(super::model::user::Model, Vec<Role>)],
    csrf: &str,
    failed: Option<(i64, &RoleForm, &FieldErrors)>,
) -> Markup {
    let none = FieldErrors::default();
    let blank = RoleForm::default();
    html! {
        h1.page-title { (lang.t("users.admin_title")) }
        p { a href="/admin/units" { (lang.t("units.admin_title")) } }
        p.hint { (lang.t("duties.roles_hint")) }
        @if let Some((_, _, e)) = failed { (error_summary(e, lang)) }
        div.table-wrap { table.data-table {
            thead { tr {
                th { (lang.t("signup.display_name")) } th { (lang.t("signup.email")) }
                th { (lang.t("users.roles")) } th { (lang.t("duties.change_role")) }
            } }
            tbody { @for (u, roles) in users {
                @let (f, e) = match failed {
                    Some((id, f, e)) if id == u.id => (f, e),
                    _ => (&blank, &none),
                };
                tr id=(format!("user-{}", u.id)) {
                    td { (u.display_name) }
                    td { (u.email) }
                    td.roles { @for r in roles { span.badge.badge-role data-role=(r.code()) { (r.label(lang)) } " " } }
                    td {
                        form.inline.role-form method="post" action=(format!("/admin/users/{}/roles", u.id)) {
                            (csrf_field(csrf))
                            label.visually-hidden for=(format!("role-{}", u.id)) { (lang.t("users.roles")) }
                            select id=(format!("role-{}", u.id)) name="role"
                                aria-invalid=[e.get("role").map(|_| "true")] {
                                @for r in Role::ALL {
                                    option value=(r.code()) selected[f.role == r.code()] { (r.label(lang)) }
                                }
                            }
                            " "
                            label.visually-hidden for=(format!("grant-{}", u.id)) { (lang.t("duties.grant_or_revoke")) }
                            select id=(format!("grant-{}", u.id)) name="grant" {
                                option value="1" selected[f.grant != "0"] { (lang.t("duties.grant")) }
                                option value="0" selected[f.grant == "0"] { (lang.t("duties.revoke")) }
                            }
                            " "
                            label.visually-hidden for=(format!("reason-{}", u.id)) { (lang.t("duties.reason")) }
                            input id=(format!("reason-{}", u.id)) type="text" name="reason" value=(f.reason)
                                required maxlength="500" placeholder=(lang.t("duties.reason"))
                                aria-invalid=[e.get("reason").map(|_| "true")];
                            " "
                            button.btn.btn-secondary type="submit" { (lang.t("form.save")) }
                            @for (_, m) in &e.0 { p.error-msg { (m) } }
                        }
                    }
                }
            } }
        } }
    }
}
