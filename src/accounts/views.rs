//! Account pages: sign-up, log-in, workspace, user administration.

use maud::{Markup, html};

use super::CurrentUser;
use super::rules::{Role, RoleForm, SignupForm, StatusForm};
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
            p { a href="/password/forgot" id="forgot-link" { (lang.t("forgot.link")) } }
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
            a.change-password href="/me/password" { (lang.t("password.title")) } " "
            a.mail-settings href="/me/settings" { (lang.t("mail_settings.title")) } " "
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

/// A row's form that came back with errors, as typed.
pub enum Failed<'a> {
    /// The role grant/revoke form.
    Role(&'a RoleForm, &'a FieldErrors),
    /// The disable/enable form.
    Status(&'a StatusForm, &'a FieldErrors),
    /// The two-factor reset form.
    TwoFactor(&'a StatusForm, &'a FieldErrors),
}

/// One page of the administrator's user list.
pub struct UserList<'a> {
    /// The users on this page, with their roles.
    pub users: &'a [(super::model::user::Model, Vec<Role>)],
    /// How many match the search in all.
    pub total: u64,
    /// The search as typed.
    pub q: &'a str,
    /// This page (1-based).
    pub page: u64,
    /// Pages in all.
    pub pages: u64,
    /// The administrator looking (their own row has no disable button).
    pub me: i64,
    /// The users on this page with two-factor sign-in on (their rows offer a reset).
    pub two_factor: &'a std::collections::HashSet<i64>,
}

/// Administrator's user list: a search by e-mail or name, 50 a page; each user's status and
/// roles, a form to grant or revoke one role with a reason, one to disable (with a reason,
/// confirmed on the next page) or re-enable the account, one to issue a password-reset
/// link, and for a user with two-factor sign-in on one to reset it (with a reason, confirmed
/// on the next page). `failed` is the row whose form came back with errors, as typed.
pub fn users(lang: Lang, l: &UserList, csrf: &str, failed: Option<(i64, Failed)>) -> Markup {
    let none = FieldErrors::default();
    let blank = RoleForm::default();
    let blank_status = StatusForm::default();
    let summary = match &failed {
        Some((_, Failed::Role(_, e)))
        | Some((_, Failed::Status(_, e)))
        | Some((_, Failed::TwoFactor(_, e))) => Some(*e),
        None => None,
    };
    let href = |p: u64| {
        format!(
            "/admin/users?q={}&page={p}",
            crate::web::middleware::urlencode(l.q)
        )
    };
    html! {
        h1.page-title { (lang.t("users.admin_title")) }
        p { a href="/admin/units" { (lang.t("units.admin_title")) } }
        p.hint { (lang.t("duties.roles_hint")) }
        form.form.filter-bar method="get" action="/admin/users" role="search" {
            label for="users-q" { (lang.t("users.search")) }
            " "
            input id="users-q" type="search" name="q" value=(l.q) maxlength="254";
            " "
            button.btn.btn-secondary type="submit" { (lang.t("form.filter")) }
            @if !l.q.is_empty() { " " a href="/admin/users" { (lang.t("form.reset")) } }
        }
        p.muted.users-count { (lang.tf("users.count", &[("count", &l.total.to_string())])) }
        @if let Some(e) = summary { (error_summary(e, lang)) }
        @if l.users.is_empty() { p.muted { (lang.t("users.none_found")) } }
        @else {
        div.table-wrap { table.data-table {
            thead { tr {
                th { (lang.t("signup.display_name")) } th { (lang.t("signup.email")) }
                th { (lang.t("users.status")) }
                th { (lang.t("users.roles")) } th { (lang.t("duties.change_role")) }
                th { (lang.t("users.account")) }
            } }
            tbody { @for (u, roles) in l.users {
                @let (f, e) = match &failed {
                    Some((id, Failed::Role(f, e))) if *id == u.id => (*f, *e),
                    _ => (&blank, &none),
                };
                @let (sf, se) = match &failed {
                    Some((id, Failed::Status(f, e))) if *id == u.id => (*f, *e),
                    _ => (&blank_status, &none),
                };
                tr id=(format!("user-{}", u.id)) data-disabled=[u.disabled_at.map(|_| "1")] {
                    td { (u.display_name) }
                    td { (u.email) }
                    td.user-status {
                        @if let Some(at) = u.disabled_at {
                            span.badge.badge-credit-abnormal { (lang.t("users.disabled")) }
                            br;
                            span.muted { (crate::kernel::clock::display_instant(at)) " · " (u.disabled_reason) }
                        } @else {
                            span.badge { (lang.t("users.active")) }
                        }
                        @if l.two_factor.contains(&u.id) {
                            " " span.badge.two-factor-on { (lang.t("users.two_factor_on")) }
                        }
                    }
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
                    td.account-forms {
                        @if u.disabled_at.is_some() {
                            form.inline.status-form method="post" action=(format!("/admin/users/{}/status", u.id)) {
                                (csrf_field(csrf))
                                input type="hidden" name="disable" value="0";
                                button.btn.btn-secondary type="submit" { (lang.t("users.enable")) }
                            }
                        } @else if u.id != l.me {
                            form.inline.status-form method="post" action=(format!("/admin/users/{}/status", u.id)) {
                                (csrf_field(csrf))
                                input type="hidden" name="disable" value="1";
                                label.visually-hidden for=(format!("disable-reason-{}", u.id)) { (lang.t("users.disable_reason")) }
                                input id=(format!("disable-reason-{}", u.id)) type="text" name="reason" value=(sf.reason)
                                    maxlength="500" placeholder=(lang.t("users.disable_reason"))
                                    aria-invalid=[se.get("reason").map(|_| "true")];
                                " "
                                button.btn.btn-danger type="submit" { (lang.t("users.disable")) }
                                @for (_, m) in &se.0 { p.error-msg { (m) } }
                            }
                        }
                        form.inline.reset-form method="post" action=(format!("/admin/users/{}/reset-link", u.id)) {
                            (csrf_field(csrf))
                            button.btn.btn-secondary type="submit" { (lang.t("users.reset_link")) }
                        }
                        @if l.two_factor.contains(&u.id) && u.id != l.me {
                            @let (tf, te) = match &failed {
                                Some((id, Failed::TwoFactor(f, e))) if *id == u.id => (*f, *e),
                                _ => (&blank_status, &none),
                            };
                            form.inline.two-factor-form method="post" action=(format!("/admin/users/{}/two-factor/reset", u.id)) {
                                (csrf_field(csrf))
                                label.visually-hidden for=(format!("tf-reason-{}", u.id)) { (lang.t("users.two_factor_reason")) }
                                input id=(format!("tf-reason-{}", u.id)) type="text" name="reason" value=(tf.reason)
                                    maxlength="500" placeholder=(lang.t("users.two_factor_reason"))
                                    aria-invalid=[te.get("reason").map(|_| "true")];
                                " "
                                button.btn.btn-danger type="submit" { (lang.t("users.two_factor_reset")) }
                                @for (_, m) in &te.0 { p.error-msg { (m) } }
                            }
                        }
                    }
                }
            } }
        } }
        }
        (crate::web::pager::pager(lang, l.page, l.pages, href))
    }
}

/// The page that shows a freshly issued reset link, once: whose it is, until when it works,
/// and that the administrator passes it on by a channel they trust.
pub fn reset_issued(
    lang: Lang,
    user: &super::model::user::Model,
    link: &str,
    expires: i64,
) -> Markup {
    html! {
        section.section.reset-issued {
            h1.page-title { (lang.t("reset.issued_title")) }
            p { (lang.tf("reset.issued_for", &[("user", &format!("{} <{}>", user.display_name, user.email))])) }
            p {
                label for="reset-link" { (lang.t("reset.link")) }
                input id="reset-link" type="text" readonly value=(link) size="80";
            }
            p.hint { (lang.tf("reset.issued_hint", &[("until", &crate::kernel::clock::display_instant(expires))])) }
            p { a href="/admin/users" { (lang.t("users.admin_title")) } }
        }
    }
}

/// What a dead reset link shows (unknown, used or expired alike).
pub fn reset_dead(lang: Lang) -> Markup {
    html! {
        div.auth-box {
            h1.page-title { (lang.t("reset.title")) }
            div.form-errors role="alert" { p { (lang.t("reset.dead")) } }
            p { a href="/login" { (lang.t("nav.login")) } }
        }
    }
}

/// The form of a working reset link.
/// Passwords are never echoed back into a form.
pub fn reset_form(lang: Lang, email: &str, action: &str, e: &FieldErrors, csrf: &str) -> Markup {
    html! {
        div.auth-box {
            h1.page-title { (lang.t("reset.title")) }
            p { (lang.tf("reset.for", &[("email", email)])) }
            (error_summary(e, lang))
            form.form method="post" action=(action) novalidate {
                (csrf_field(csrf))
                (input("password", "password", &lang.t("password.new"), "", Some(&lang.t("signup.password_hint")), e, true))
                (input("password", "password_confirm", &lang.t("signup.password_confirm"), "", None, e, true))
                div.actions { button.btn.btn-primary type="submit" { (lang.t("reset.submit")) } }
            }
        }
    }
}

/// `/me/password`: the current password and the new one twice (passwords are never echoed
/// back into a form, so a failed post shows the messages with empty fields).
pub fn password_form(lang: Lang, e: &FieldErrors, csrf: &str) -> Markup {
    html! {
        div.auth-box {
            h1.page-title { (lang.t("password.title")) }
            (error_summary(e, lang))
            form.form method="post" action="/me/password" novalidate {
                (csrf_field(csrf))
                (input("password", "current_password", &lang.t("password.current"), "", None, e, true))
                (input("password", "password", &lang.t("password.new"), "", Some(&lang.t("signup.password_hint")), e, true))
                (input("password", "password_confirm", &lang.t("signup.password_confirm"), "", None, e, true))
                div.actions { button.btn.btn-primary type="submit" { (lang.t("password.submit")) } }
            }
        }
    }
}

/// `/password/forgot`: the e-mail field (when the site sends mail), or where to turn when it
/// does not; `message` is the throttle's answer.
pub fn forgot(
    lang: Lang,
    mail_on: bool,
    email: &str,
    message: Option<&str>,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    html! {
        div.auth-box {
            h1.page-title { (lang.t("forgot.title")) }
            @if mail_on {
                p { (lang.t("forgot.hint")) }
                @if let Some(m) = message { div.form-errors role="alert" { p { (m) } } }
                (error_summary(e, lang))
                form.form method="post" action="/password/forgot" novalidate {
                    (csrf_field(csrf))
                    (input("email", "email", &lang.t("signup.email"), email, None, e, true))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("forgot.submit")) } }
                }
            } @else {
                p id="mail-off" { (lang.t("forgot.mail_off")) }
            }
            p { a href="/login" { (lang.t("nav.login")) } }
        }
    }
}

/// The answer to a request for a forgotten password: the same whether or not the address
/// has an account.
pub fn forgot_sent(lang: Lang, email: &str) -> Markup {
    html! {
        div.auth-box {
            h1.page-title { (lang.t("forgot.title")) }
            p id="forgot-sent" { (lang.tf("forgot.sent", &[("email", email)])) }
            p { a href="/login" { (lang.t("nav.login")) } }
        }
    }
}

/// What the two-factor page shows.
pub struct TwoFactorView<'a> {
    /// Where it stands.
    pub status: &'a super::two_factor::Status,
    /// The account, for the authenticator app's label.
    pub email: &'a str,
    /// Whether the user's role requires it.
    pub required: bool,
}

/// A QR code of `text` as an inline SVG (no script, no `style` attribute), or nothing when
/// it does not fit a QR code.
fn qr_svg(text: &str) -> Option<maud::PreEscaped<String>> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    // Inline in HTML: the XML declaration goes.
    let start = svg.find("<svg")?;
    Some(maud::PreEscaped(svg[start..].to_string()))
}

/// `/me/two-factor`: off (set it up), waiting (the secret as a QR code, as text and as the
/// otpauth URI, and the form for the first code), or on (the recovery codes left, and
/// switching it off with a code or the password).
pub fn two_factor(lang: Lang, v: &TwoFactorView<'_>, e: &FieldErrors, csrf: &str) -> Markup {
    use super::two_factor::Status;
    use super::two_factor_rules as tf;
    html! {
        div.auth-box id="two-factor" {
            h1.page-title { (lang.t("two_factor.title")) }
            @if v.required { p.flash.flash-info id="two-factor-required" { (lang.t("two_factor.required")) } }
            (error_summary(e, lang))
            @match v.status {
                Status::Off => {
                    p id="two-factor-off" { (lang.t("two_factor.off")) }
                    p { (lang.t("two_factor.intro")) }
                    form.form method="post" action="/me/two-factor/setup" {
                        (csrf_field(csrf))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("two_factor.setup")) } }
                    }
                }
                Status::Pending { secret } => {
                    @let uri = tf::generator(secret, v.email).and_then(|g| g.to_url().ok()).unwrap_or_default();
                    p { (lang.t("two_factor.scan")) }
                    @if let Some(svg) = qr_svg(&uri) { div.qr-code role="img" aria-label=(lang.t("two_factor.qr_label")) { (svg) } }
                    p { (lang.t("two_factor.type_secret")) }
                    p { code id="totp-secret" { (tf::secret_for_display(secret)) } }
                    details {
                        summary { (lang.t("two_factor.uri")) }
                        p { code id="totp-uri" { (uri) } }
                    }
                    form.form method="post" action="/me/two-factor/enable" novalidate {
                        (csrf_field(csrf))
                        (input("text", "code", &lang.t("two_factor.code"), "", Some(&lang.t("two_factor.code_hint")), e, true))
                        div.actions { button.btn.btn-primary type="submit" { (lang.t("two_factor.enable")) } }
                    }
                }
                Status::On { since, recovery_left } => {
                    p id="two-factor-on" { (lang.tf("two_factor.on", &[("since", &crate::kernel::clock::format_local(*since))])) }
                    p id="recovery-left" { (lang.tf("two_factor.recovery_left", &[("left", &recovery_left.to_string())])) }
                    h2 { (lang.t("two_factor.disable_title")) }
                    p { (lang.t("two_factor.disable_hint")) }
                    form.form method="post" action="/me/two-factor/disable" novalidate {
                        (csrf_field(csrf))
                        (input("text", "code", &lang.t("two_factor.code_or_recovery"), "", None, e, false))
                        (input("password", "password", &lang.t("two_factor.or_password"), "", None, e, false))
                        div.actions { button.btn.btn-danger type="submit" { (lang.t("two_factor.disable")) } }
                    }
                    h2 { (lang.t("two_factor.regenerate_title")) }
                    p { (lang.t("two_factor.regenerate_hint")) }
                    form.form method="post" action="/me/two-factor/recovery" novalidate {
                        (csrf_field(csrf))
                        (input("text", "regen_code", &lang.t("two_factor.code_or_recovery"), "", None, e, false))
                        (input("password", "regen_password", &lang.t("two_factor.or_password"), "", None, e, false))
                        div.actions { button.btn.btn-secondary type="submit" { (lang.t("two_factor.regenerate")) } }
                    }
                }
            }
            p { a href="/me/settings" { (lang.t("mail_settings.title")) } }
        }
    }
}

/// The recovery codes, shown once: right after two-factor sign-in is switched on, or after
/// new ones replaced the old (`regenerated`).
pub fn recovery_codes(lang: Lang, codes: &[String], regenerated: bool) -> Markup {
    html! {
        div.auth-box {
            h1.page-title { (lang.t("two_factor.codes_title")) }
            @if regenerated {
                p.flash.flash-success id="codes-regenerated" { (lang.t("two_factor.regenerated")) }
            } @else {
                p.flash.flash-success { (lang.t("two_factor.enabled")) }
            }
            p { (lang.t("two_factor.codes_hint")) }
            ol id="recovery-codes" { @for c in codes { li { code { (c) } } } }
            p { a.btn.btn-primary href="/me" { (lang.t("two_factor.codes_done")) } }
        }
    }
}

/// `/login/two-factor`: the code (or a recovery code) after a right password; when no
/// sign-in waits (expired, or never begun), where to start again.
pub fn second_step(lang: Lang, waiting: bool, e: &FieldErrors, csrf: &str) -> Markup {
    html! {
        div.auth-box {
            h1.page-title { (lang.t("two_factor.step_title")) }
            @if waiting {
                p { (lang.t("two_factor.step_hint")) }
                (error_summary(e, lang))
                form.form method="post" action="/login/two-factor" novalidate {
                    (csrf_field(csrf))
                    (input("text", "code", &lang.t("two_factor.code_or_recovery"), "", None, e, true))
                    div.actions { button.btn.btn-primary type="submit" { (lang.t("two_factor.step_submit")) } }
                }
            } @else {
                p id="step-expired" { (lang.t("two_factor.step_expired")) " " a href="/login" { (lang.t("login.title")) } }
            }
        }
    }
}
