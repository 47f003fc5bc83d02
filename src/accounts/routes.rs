//! Account handlers: sign-up, log-in (throttled), log-out, workspace, roles.

use crate::web::{Form, Query};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::rules::{
    self, PasswordForm, ResetForm, RoleForm, SignupForm, StatusForm, UsersQuery, safe_next,
};
use super::two_factor::{self, Used};
use super::two_factor_rules::{self as tf_rules, CodeRefusal};
use super::{Action, model, require, views};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::AppState;
use crate::web::{Ctx, keys, layout, parse_id, see_other, unprocessable};

fn session_err(e: tower_sessions::session::Error) -> AppError {
    AppError::Internal(e.to_string())
}

/// Starts a signed-in session: a new session id (no fixation), the user id and the account's
/// session epoch (a later password change ends it), a new CSRF token.
async fn sign_in(st: &AppState, ctx: &mut Ctx, user_id: i64) -> AppResult<()> {
    let epoch = super::session_epoch(&st.db, user_id).await?;
    ctx.session.cycle_id().await.map_err(session_err)?;
    ctx.session
        .insert(keys::USER_ID, user_id)
        .await
        .map_err(session_err)?;
    ctx.session
        .insert(keys::EPOCH, epoch)
        .await
        .map_err(session_err)?;
    let t = crate::web::csrf::new_token();
    ctx.session
        .insert(keys::CSRF, &t)
        .await
        .map_err(session_err)?;
    ctx.csrf = Some(t);
    Ok(())
}

/// `GET /signup`
pub async fn signup_form(mut ctx: Ctx) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let body = views::signup(ctx.lang, &SignupForm::default(), &Default::default(), &csrf);
    Ok(layout::page(&ctx, &ctx.t("signup.title"), body))
}

/// `POST /signup`
///
/// The requester learns nothing about whether the e-mail was registered: a valid form always
/// ends on the log-in page with the same message and no session, whether an account was
/// created or the owner of the registered address got a notice in their inbox instead. The
/// password is hashed in both cases, so both take about as long.
pub async fn signup(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<SignupForm>,
) -> AppResult<Response> {
    match rules::validate_signup(&f, ctx.lang) {
        Ok(v) => {
            let password = v.password.clone();
            let hash = tokio::task::spawn_blocking(move || super::hash_password(&password))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
                .map_err(AppError::Internal)?;
            super::sign_up(&st.db, &v.email, &hash, &v.display_name, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("signup.done")).await?;
            Ok(see_other("/login"))
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let body = views::signup(ctx.lang, &f, &e, &csrf);
            Ok(unprocessable(layout::page(
                &ctx,
                &ctx.t("signup.title"),
                body,
            )))
        }
    }
}

/// Query of the log-in page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// `GET /login`
pub async fn login_form(mut ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let body = views::login(ctx.lang, "", safe_next(&q.next), None, &csrf);
    Ok(layout::page(&ctx, &ctx.t("login.title"), body))
}

/// Log-in form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Counts a password check against the configured limits of its e-mail and the client's
/// address (see [`super::begin_login_attempt`]): the log-in and the password-change form
/// share them, so neither is a way around the other.
async fn begin_attempt(
    st: &AppState,
    ctx: &Ctx,
    email: &str,
    now: i64,
) -> AppResult<Result<super::LoginAttempt, rules::Throttle>> {
    let cfg = &st.config;
    let limits = rules::ThrottleLimits {
        window: cfg.login_window_secs,
        max_email: cfg.login_max_failures,
        max_ip: cfg.login_max_failures_per_ip,
        ip_interval: cfg.login_ip_interval_secs,
    };
    Ok(super::begin_login_attempt(
        &st.db,
        &format!("email:{email}"),
        &format!("ip:{}", ctx.client_ip.as_deref().unwrap_or("unknown")),
        now - cfg.login_window_secs,
        now,
        |by_email, by_ip| rules::throttle(now, limits, by_email, by_ip),
    )
    .await?)
}

/// `POST /login`
pub async fn login(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let email = rules::normalize_email(&f.email);
    let now = st.clock.now();
    let cfg = &st.config;
    let next = safe_next(&f.next).to_string();
    if !rules::plausible_login(&f.email, &f.password) {
        // No account can have such an e-mail (and PostgreSQL would refuse a NUL in it):
        // answered like a wrong password, without a look-up or a count.
        let message = ctx.t("login.failed");
        return login_page(
            ctx,
            &f,
            &next,
            StatusCode::UNPROCESSABLE_ENTITY,
            &message,
            None,
        )
        .await;
    }
    let attempt = begin_attempt(&st, &ctx, &email, now).await?;
    let mut retry = None;
    let (status, message) = match attempt {
        Err(rules::Throttle::Slowed { retry_after }) => {
            retry = Some(retry_after);
            (
                StatusCode::TOO_MANY_REQUESTS,
                ctx.lang
                    .tf("login.slowed", &[("seconds", &retry_after.to_string())]),
            )
        }
        Err(verdict) => {
            let retry_after = match verdict {
                rules::Throttle::Locked { retry_after } => retry_after,
                _ => cfg.login_window_secs,
            };
            retry = Some(retry_after);
            let minutes = (retry_after + 59) / 60;
            (
                StatusCode::TOO_MANY_REQUESTS,
                ctx.lang
                    .tf("login.throttled", &[("minutes", &minutes.to_string())]),
            )
        }
        Ok(attempt) => {
            let user = model::find_by_email(&st.db, &email).await?;
            let hash = user
                .as_ref()
                .map(|u| u.password_hash.clone())
                .unwrap_or_else(|| super::dummy_hash().to_string());
            let password = f.password.clone();
            let ok = tokio::task::spawn_blocking(move || super::verify_password(&password, &hash))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            match user.filter(|_| ok) {
                // The right password for a disabled account: say so (only the holder of
                // the password learns it), and count it like a failure.
                Some(u) if u.disabled_at.is_some() => {
                    (StatusCode::UNPROCESSABLE_ENTITY, ctx.t("login.disabled"))
                }
                Some(u) if super::two_factor::is_on(&st.db, u.id).await? => {
                    attempt.password_only(&st.db).await?;
                    begin_second_step(&mut ctx, u.id, &email, &next, now).await?;
                    return Ok(see_other("/login/two-factor"));
                }
                Some(u) => {
                    attempt.succeeded(&st.db).await?;
                    sign_in(&st, &mut ctx, u.id).await?;
                    return after_sign_in(&st, &mut ctx, u.id, &next).await;
                }
                // Already counted when the attempt began.
                None => (StatusCode::UNPROCESSABLE_ENTITY, ctx.t("login.failed")),
            }
        }
    };
    login_page(ctx, &f, &next, status, &message, retry).await
}

/// The log-in page again with a message (and `Retry-After` when the throttle answered).
async fn login_page(
    mut ctx: Ctx,
    f: &LoginForm,
    next: &str,
    status: StatusCode,
    message: &str,
    retry: Option<i64>,
) -> AppResult<Response> {
    let csrf = ctx.ensure_csrf().await?;
    let body = views::login(ctx.lang, &f.email, next, Some(message), &csrf);
    let mut res = (status, layout::page(&ctx, &ctx.t("login.title"), body)).into_response();
    if let Some(secs) = retry
        && let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string())
    {
        res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    Ok(res)
}

/// `POST /logout`
pub async fn logout(ctx: Ctx) -> AppResult<Response> {
    ctx.session.flush().await.map_err(session_err)?;
    Ok(see_other("/"))
}

/// The users page for a search and page, with one row's form as typed and its errors when
/// it failed.
async fn users_page(
    st: &AppState,
    ctx: &mut Ctx,
    query: &UsersQuery,
    failed: Option<(i64, views::Failed<'_>)>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let per = rules::USERS_PER_PAGE;
    // Counted first so an out-of-range page number lands on the last page.
    let total = model::count_users(&st.db, &query.q).await?;
    let page = crate::kernel::text::page_number(&query.page, total, per);
    let list = model::list_users(&st.db, &query.q, (page - 1) * per, per).await?;
    let ids: Vec<i64> = list.iter().map(|(u, _)| u.id).collect();
    let two_factor = two_factor::on_among(&st.db, &ids).await?;
    let body = views::users(
        ctx.lang,
        &views::UserList {
            users: &list,
            total,
            q: &query.q,
            page,
            pages: total.div_ceil(per).max(1),
            me: ctx.user.as_ref().map(|u| u.actor.user_id).unwrap_or(0),
            two_factor: &two_factor,
        },
        &csrf,
        failed,
    );
    Ok(layout::page(ctx, &ctx.t("users.admin_title"), body))
}

/// `GET /admin/users?q=&page=`: every account, searchable by e-mail or name, 50 a page.
pub async fn users(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Query(q): Query<UsersQuery>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::ManageUsers)?;
    users_page(&st, &mut ctx, &q, None).await
}

/// The list narrowed to one user (by e-mail), for a row whose form failed: it is on screen
/// whatever page it was on.
fn only(user: &model::user::Model) -> UsersQuery {
    UsersQuery {
        q: user.email.clone(),
        page: String::new(),
    }
}

/// `POST /admin/users/{id}/status`: disables an account (a reason, then the confirmation
/// page) or re-enables it.
pub async fn set_status(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageUsers)?;
    let actor = ctx.require_user()?.actor.user_id;
    let user = find_user(&st, &id).await?;
    let outcome = match rules::validate_status(&f, ctx.lang) {
        Err(e) => Err(e),
        Ok(reason) => {
            if let Some(r) = &reason
                && !crate::web::confirm::confirmed(&f.confirm)
            {
                let lang = ctx.lang;
                let on = OnUser {
                    title: "confirm.disable.title",
                    consequences: [
                        lang.tf("confirm.disable.what", &[("user", &who(&user))]),
                        lang.t("confirm.disable.kept"),
                        // Not the grant's sentence: disabling notifies no one.
                        lang.tf("confirm.disable.recorded", &[("reason", r)]),
                    ],
                    route: "status",
                    fields: &[("disable", "1"), ("reason", r)],
                    button: "confirm.disable.button",
                };
                return on.ask(&mut ctx, &user).await;
            }
            match super::set_disabled(&st.db, user.id, reason.as_deref(), actor, st.clock.now())
                .await?
            {
                Ok(changed) => Ok(match (changed, reason.is_some()) {
                    (false, _) => ("info", "duties.unchanged"),
                    (true, true) => ("success", "users.disabled_done"),
                    (true, false) => ("success", "users.enabled_done"),
                }),
                Err(refusal) => Err(FieldErrors(vec![("reason", refusal.label(ctx.lang))])),
            }
        }
    };
    on_user_end(&st, &mut ctx, &user, &f, outcome, |f, e| {
        views::Failed::Status(f, e)
    })
    .await
}

/// An administrator's action on one user's account that a confirmation page precedes: the
/// page's locale keys and words, and the form values it carries to the user's `route`.
struct OnUser<'a> {
    /// The heading's key (with `%{user}`).
    title: &'a str,
    /// What will happen, in words.
    consequences: [String; 3],
    /// The route under `/admin/users/{id}/`.
    route: &'a str,
    /// The form's values carried over.
    fields: &'a [(&'a str, &'a str)],
    /// The final button's key.
    button: &'a str,
}

impl OnUser<'_> {
    /// The confirmation page of this action on `user`, cancelled back to the user list.
    async fn ask(&self, ctx: &mut Ctx, user: &model::user::Model) -> AppResult<Response> {
        let lang = ctx.lang;
        let action = format!("/admin/users/{}/{}", user.id, self.route);
        crate::web::confirm::ask(
            ctx,
            &crate::web::confirm::Confirm {
                title: &lang.tf(self.title, &[("user", &who(user))]),
                consequences: &self.consequences,
                action: &action,
                fields: self.fields,
                button: &lang.t(self.button),
                cancel: "/admin/users",
            },
        )
        .await
    }
}

/// A user as the confirmation pages name them: display name and e-mail.
fn who(user: &model::user::Model) -> String {
    format!("{} <{}>", user.display_name, user.email)
}

/// How an administrator's post on a user's account ends: the flash (kind, key) and back to
/// the list narrowed to the user, or (422) that list with the row's form as typed and its
/// errors.
async fn on_user_end(
    st: &AppState,
    ctx: &mut Ctx,
    user: &model::user::Model,
    f: &StatusForm,
    outcome: Result<(&str, &str), FieldErrors>,
    failed: for<'x> fn(&'x StatusForm, &'x FieldErrors) -> views::Failed<'x>,
) -> AppResult<Response> {
    match outcome {
        Ok((kind, key)) => {
            ctx.set_flash(kind, ctx.t(key)).await?;
            Ok(see_other(&format!(
                "/admin/users?q={}",
                crate::web::middleware::urlencode(&user.email)
            )))
        }
        Err(e) => Ok(unprocessable(
            users_page(st, ctx, &only(user), Some((user.id, failed(f, &e)))).await?,
        )),
    }
}

/// `POST /admin/users/{id}/two-factor/reset`: switches off the two-factor sign-in of a user
/// who lost the authenticator and the recovery codes, with a reason, after a confirmation
/// page; never the administrator's own. A user without a second factor gets a 422 that says
/// so, not a confirmation page.
pub async fn reset_two_factor(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageUsers)?;
    let actor = ctx.require_user()?.actor.user_id;
    let user = find_user(&st, &id).await?;
    // Nothing to reset: said so (422) instead of a confirmation page, nothing written.
    let off = || FieldErrors(vec![("reason", ctx.t("users.two_factor_off"))]);
    let outcome = match rules::validate_reason(&f.reason, ctx.lang) {
        _ if !two_factor::is_on(&st.db, user.id).await? => Err(off()),
        Err(m) => Err(FieldErrors(vec![("reason", m)])),
        Ok(reason) => {
            if !crate::web::confirm::confirmed(&f.confirm) {
                let lang = ctx.lang;
                let on = OnUser {
                    title: "confirm.two_factor_reset.title",
                    consequences: [
                        lang.tf("confirm.two_factor_reset.what", &[("user", &who(&user))]),
                        lang.t("confirm.two_factor_reset.identity"),
                        lang.tf("confirm.two_factor_reset.recorded", &[("reason", &reason)]),
                    ],
                    route: "two-factor/reset",
                    fields: &[("reason", &reason)],
                    button: "confirm.two_factor_reset.button",
                };
                return on.ask(&mut ctx, &user).await;
            }
            match two_factor::reset_by_admin(&st.db, user.id, actor, &reason, st.clock.now())
                .await?
            {
                Ok(true) => Ok(("success", "users.two_factor_reset_done")),
                // Switched off since the page was shown (by its owner or another administrator).
                Ok(false) => Err(off()),
                Err(super::DisableRefusal::OwnAccount) => Err(FieldErrors(vec![(
                    "reason",
                    ctx.t("users.refused.own_two_factor"),
                )])),
            }
        }
    };
    on_user_end(&st, &mut ctx, &user, &f, outcome, |f, e| {
        views::Failed::TwoFactor(f, e)
    })
    .await
}

/// A user by the id in a path (404 for anything else).
async fn find_user(st: &AppState, id: &str) -> AppResult<model::user::Model> {
    use sea_orm::EntityTrait;
    model::user::Entity::find_by_id(parse_id(id)?)
        .one(&st.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// `POST /admin/users/{id}/reset-link`: issues a single-use link (valid a day) with which the
/// user sets a new password, shown once to the administrator to pass on; the old password
/// keeps working until the link is used.
pub async fn issue_reset(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::ManageUsers)?;
    let actor = ctx.require_user()?.actor.user_id;
    let user = find_user(&st, &id).await?;
    let now = st.clock.now();
    let token = super::issue_reset(&st.db, user.id, Some(actor), now).await?;
    let body = views::reset_issued(
        ctx.lang,
        &user,
        &format!("/password/reset/{token}"),
        now + super::RESET_TTL_SECS,
    );
    Ok(layout::page(&ctx, &ctx.t("reset.issued_title"), body))
}

/// `GET /password/reset/{token}`: the form to set a new password, or one message for a link
/// that is unknown, used or expired (404 for all three).
pub async fn reset_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let holder = super::reset_holder(&st.db, &token, st.clock.now()).await?;
    reset_page(&mut ctx, &token, holder.as_ref(), &FieldErrors::default()).await
}

/// The reset page: the form for a working link, the dead-link message (404) otherwise.
async fn reset_page(
    ctx: &mut Ctx,
    token: &str,
    holder: Option<&model::user::Model>,
    e: &FieldErrors,
) -> AppResult<Response> {
    let csrf = ctx.ensure_csrf().await?;
    let title = ctx.t("reset.title");
    let Some(user) = holder else {
        let body = views::reset_dead(ctx.lang);
        return Ok((StatusCode::NOT_FOUND, layout::page(ctx, &title, body)).into_response());
    };
    let action = format!("/password/reset/{token}");
    let body = views::reset_form(ctx.lang, &user.email, &action, e, &csrf);
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, layout::page(ctx, &title, body)).into_response())
}

/// `POST /password/reset/{token}`: sets the new password and spends the link.
pub async fn reset(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<ResetForm>,
) -> AppResult<Response> {
    let now = st.clock.now();
    let holder = super::reset_holder(&st.db, &token, now).await?;
    if holder.is_none() {
        return reset_page(&mut ctx, &token, None, &FieldErrors::default()).await;
    }
    let password = match rules::validate_reset(&f, ctx.lang) {
        Ok(p) => p,
        Err(e) => return reset_page(&mut ctx, &token, holder.as_ref(), &e).await,
    };
    let hash = hash_blocking(password).await?;
    if !super::use_reset(&st.db, &token, &hash, now).await? {
        // Used by a parallel post between the look-up and the write.
        return reset_page(&mut ctx, &token, None, &FieldErrors::default()).await;
    }
    ctx.set_flash("success", ctx.t("reset.done")).await?;
    Ok(see_other("/login"))
}

/// Hashes a password off the async threads (argon2 takes tens of milliseconds).
async fn hash_blocking(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || super::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)
}

/// `GET /me/password`
pub async fn password_form(mut ctx: Ctx) -> AppResult<Markup> {
    ctx.require_user()?;
    let csrf = ctx.ensure_csrf().await?;
    let body = views::password_form(ctx.lang, &FieldErrors::default(), &csrf);
    Ok(layout::page(&ctx, &ctx.t("password.title"), body))
}

/// `POST /me/password`: checks the current password (throttled like a log-in, so this form is
/// no way around the log-in limits), then stores the new one and spends open reset links.
pub async fn change_password(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let (user_id, email) = (user.actor.user_id, user.email.clone());
    let again = |ctx: &mut Ctx, e: FieldErrors| {
        let lang = ctx.lang;
        let csrf = ctx.csrf.clone().unwrap_or_default();
        let body = views::password_form(lang, &e, &csrf);
        unprocessable(layout::page(ctx, &ctx.t("password.title"), body))
    };
    ctx.ensure_csrf().await?;
    let new = match rules::validate_password_change(&f, ctx.lang) {
        Ok(p) => p,
        Err(e) => return Ok(again(&mut ctx, e)),
    };
    let now = st.clock.now();
    let Ok(attempt) = begin_attempt(&st, &ctx, &email, now).await? else {
        let mut e = FieldErrors::default();
        e.add("current_password", ctx.t("password.throttled"));
        return Ok(again(&mut ctx, e));
    };
    use sea_orm::EntityTrait;
    let hash = model::user::Entity::find_by_id(user_id)
        .one(&st.db)
        .await?
        .ok_or(AppError::NotFound)?
        .password_hash;
    let current = f.current_password.clone();
    let ok = tokio::task::spawn_blocking(move || super::verify_password(&current, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if !ok {
        let mut e = FieldErrors::default();
        e.add("current_password", ctx.t("password.current_wrong"));
        return Ok(again(&mut ctx, e));
    }
    attempt.succeeded(&st.db).await?;
    let hash = hash_blocking(new).await?;
    super::change_password(&st.db, user_id, &hash, now).await?;
    // Every other session of the account has ended; this one goes on under a new id and the
    // new epoch.
    let epoch = super::session_epoch(&st.db, user_id).await?;
    ctx.session.cycle_id().await.map_err(session_err)?;
    ctx.session
        .insert(keys::EPOCH, epoch)
        .await
        .map_err(session_err)?;
    ctx.set_flash("success", ctx.t("password.changed")).await?;
    Ok(see_other("/me"))
}

/// `POST /admin/users/{id}/roles`: grants or revokes one role, with a reason.
pub async fn set_role(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RoleForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageUsers)?;
    let actor = ctx.require_user()?.actor.user_id;
    let uid = parse_id(&id)?;
    use sea_orm::EntityTrait;
    let user = model::user::Entity::find_by_id(uid)
        .one(&st.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let change = match rules::validate_role_change(&f, ctx.lang) {
        Ok(c) => c,
        Err(e) => {
            return Ok(unprocessable(
                users_page(
                    &st,
                    &mut ctx,
                    &only(&user),
                    Some((uid, views::Failed::Role(&f, &e))),
                )
                .await?,
            ));
        }
    };
    if change.grant && !crate::web::confirm::confirmed(&f.confirm) {
        return Ok(confirm_grant(&mut ctx, &user, &change)
            .await?
            .into_response());
    }
    match super::change_role(&st.db, uid, &change, actor, st.clock.now()).await? {
        Ok(changed) => {
            let (kind, key) = if changed {
                ("success", "users.saved")
            } else {
                ("info", "duties.unchanged")
            };
            ctx.set_flash(kind, ctx.t(key)).await?;
            Ok(see_other("/admin/users"))
        }
        Err(refusal) => {
            let mut e = FieldErrors::default();
            e.add("role", refusal.label(ctx.lang));
            Ok(unprocessable(
                users_page(
                    &st,
                    &mut ctx,
                    &only(&user),
                    Some((uid, views::Failed::Role(&f, &e))),
                )
                .await?,
            ))
        }
    }
}

/// The confirmation page of a role grant: who gets which role, what it lets them do, and
/// the reason that will be recorded; nothing is written until its button is pressed.
async fn confirm_grant(
    ctx: &mut Ctx,
    user: &model::user::Model,
    change: &rules::RoleChange,
) -> AppResult<Markup> {
    let lang = ctx.lang;
    let role = change.role.label(lang);
    let who = format!("{} <{}>", user.display_name, user.email);
    let consequences = [
        lang.tf("confirm.grant.what", &[("user", &who), ("role", &role)]),
        lang.t(&format!("confirm.powers.{}", change.role.code())),
        lang.tf("confirm.grant.recorded", &[("reason", &change.reason)]),
    ];
    let csrf = ctx.ensure_csrf().await?;
    let action = format!("/admin/users/{}/roles", user.id);
    Ok(crate::web::confirm::page(
        ctx,
        &crate::web::confirm::Confirm {
            title: &lang.tf("confirm.grant.title", &[("user", &who), ("role", &role)]),
            consequences: &consequences,
            action: &action,
            fields: &[
                ("role", change.role.code()),
                ("grant", "1"),
                ("reason", &change.reason),
            ],
            button: &lang.tf("confirm.grant.button", &[("role", &role)]),
            cancel: "/admin/users",
        },
        &csrf,
    ))
}

/// `GET /password/forgot`: the form asking for the account's e-mail (when the site sends
/// e-mail; otherwise how to get a link from an administrator).
pub async fn forgot_form(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let on = st.config.mail.is_some();
    let body = views::forgot(ctx.lang, on, "", None, &FieldErrors::default(), &csrf);
    Ok(layout::page(&ctx, &ctx.t("forgot.title"), body))
}

/// `POST /password/forgot`: the same answer whether or not the e-mail has an account (a
/// link is mailed only when it does); bad input comes back with its message (422), too many
/// requests for the e-mail or from the address are refused (429) the same way for both.
pub async fn forgot(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<rules::ForgotForm>,
) -> AppResult<Response> {
    let on = st.config.mail.is_some();
    let csrf = ctx.ensure_csrf().await?;
    if !on {
        let body = views::forgot(ctx.lang, on, "", None, &FieldErrors::default(), &csrf);
        return Ok(layout::page(&ctx, &ctx.t("forgot.title"), body).into_response());
    }
    let email = match rules::validate_forgot(&f, ctx.lang) {
        Ok(email) => email,
        Err(e) => {
            let body = views::forgot(ctx.lang, on, &f.email, None, &e, &csrf);
            return Ok(unprocessable(layout::page(
                &ctx,
                &ctx.t("forgot.title"),
                body,
            )));
        }
    };
    let ip = ctx.client_ip.clone().unwrap_or_else(|| "unknown".into());
    let allowed =
        super::request_reset_by_mail(&st.db, &email, &ip, ctx.lang, st.clock.now()).await?;
    if !allowed {
        let message = ctx.t("forgot.throttled");
        let body = views::forgot(
            ctx.lang,
            on,
            &f.email,
            Some(&message),
            &FieldErrors::default(),
            &csrf,
        );
        let mut res = (
            StatusCode::TOO_MANY_REQUESTS,
            layout::page(&ctx, &ctx.t("forgot.title"), body),
        )
            .into_response();
        res.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("3600"),
        );
        return Ok(res);
    }
    let body = views::forgot_sent(ctx.lang, &email);
    Ok(layout::page(&ctx, &ctx.t("forgot.title"), body).into_response())
}

/// A sign-in whose password was right, waiting in the session for its second factor: no
/// user id is in the session until the code is right.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PendingSignIn {
    user_id: i64,
    email: String,
    next: String,
    /// When the password was right (Unix seconds, the injectable clock).
    at: i64,
}

/// Starts the second step of a sign-in: a new session id (no fixation), the waiting sign-in.
async fn begin_second_step(
    ctx: &mut Ctx,
    user_id: i64,
    email: &str,
    next: &str,
    now: i64,
) -> AppResult<()> {
    ctx.session.cycle_id().await.map_err(session_err)?;
    ctx.session
        .insert(
            keys::PENDING_2FA,
            PendingSignIn {
                user_id,
                email: email.to_string(),
                next: next.to_string(),
                at: now,
            },
        )
        .await
        .map_err(session_err)
}

/// Where a fully signed-in user goes: to enrolment first when their role requires a
/// second factor they have not set up (the session remembers, so every other page sends
/// them there too), else where they were going.
async fn after_sign_in(
    st: &AppState,
    ctx: &mut Ctx,
    user_id: i64,
    next: &str,
) -> AppResult<Response> {
    if !st.config.require_2fa_roles.is_empty() {
        let roles = model::roles_of(&st.db, user_id).await?;
        if tf_rules::required_for(&roles, &st.config.require_2fa_roles)
            && !two_factor::is_on(&st.db, user_id).await?
        {
            ctx.session
                .insert(keys::ENROL_FIRST, true)
                .await
                .map_err(session_err)?;
            ctx.set_flash("info", ctx.t("two_factor.required")).await?;
            return Ok(see_other("/me/two-factor"));
        }
    }
    Ok(see_other(next))
}

/// The waiting sign-in of this session, while it is fresh.
async fn pending_sign_in(ctx: &Ctx, now: i64) -> AppResult<Option<PendingSignIn>> {
    let p = ctx
        .session
        .get::<PendingSignIn>(keys::PENDING_2FA)
        .await
        .map_err(session_err)?;
    Ok(p.filter(|p| tf_rules::pending_alive(p.at, now)))
}

/// A form with one code field (the second step, enrolment's confirmation).
#[derive(Debug, Default, serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The second step's page: the code form while a sign-in waits, else where to start over.
async fn second_step_page(
    ctx: &mut Ctx,
    waiting: bool,
    e: &FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let csrf = ctx.ensure_csrf().await?;
    let body = views::second_step(ctx.lang, waiting, e, &csrf);
    Ok((
        status,
        layout::page(ctx, &ctx.t("two_factor.step_title"), body),
    )
        .into_response())
}

/// `GET /login/two-factor`: asks for the code (or a recovery code) after a right password.
pub async fn second_step_form(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Response> {
    let waiting = pending_sign_in(&ctx, st.clock.now()).await?.is_some();
    second_step_page(&mut ctx, waiting, &FieldErrors::default(), StatusCode::OK).await
}

/// `POST /login/two-factor`: a right code (its step not used before) or an unused recovery
/// code finishes the sign-in; a wrong one counts against the e-mail and the address like a
/// wrong password (the same throttle), and comes back with its message (422).
pub async fn second_step(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let now = st.clock.now();
    let Some(p) = pending_sign_in(&ctx, now).await? else {
        return second_step_page(&mut ctx, false, &FieldErrors::default(), StatusCode::OK).await;
    };
    let refuse = |lang: crate::kernel::Lang, r: CodeRefusal| {
        let mut e = FieldErrors::default();
        e.add("code", r.label(lang));
        e
    };
    if tf_rules::parse_entered(&f.code).is_none() {
        let e = refuse(ctx.lang, CodeRefusal::Malformed);
        return second_step_page(&mut ctx, true, &e, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let Ok(attempt) = begin_attempt(&st, &ctx, &p.email, now).await? else {
        let mut e = FieldErrors::default();
        e.add("code", ctx.t("two_factor.throttled"));
        return second_step_page(&mut ctx, true, &e, StatusCode::TOO_MANY_REQUESTS).await;
    };
    match two_factor::verify(&st.db, &st.seal, p.user_id, &f.code, now).await? {
        Ok(used) => {
            attempt.succeeded(&st.db).await?;
            ctx.session
                .remove::<PendingSignIn>(keys::PENDING_2FA)
                .await
                .map_err(session_err)?;
            sign_in(&st, &mut ctx, p.user_id).await?;
            if let Used::Recovery { left } = used {
                let text = ctx
                    .lang
                    .tf("two_factor.recovery_used", &[("left", &left.to_string())]);
                ctx.set_flash("info", text).await?;
            }
            Ok(see_other(&p.next))
        }
        // The attempt stays counted.
        Err(r) => {
            let e = refuse(ctx.lang, r);
            second_step_page(&mut ctx, true, &e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// The two-factor page for the signed-in user, with a form's errors (422 when there are).
async fn two_factor_view(st: &AppState, ctx: &mut Ctx, e: &FieldErrors) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let (uid, email) = (user.actor.user_id, user.email.clone());
    let required = tf_rules::required_for(&user.actor.roles, &st.config.require_2fa_roles);
    let status = two_factor::status(&st.db, &st.seal, uid).await?;
    let csrf = ctx.ensure_csrf().await?;
    let body = views::two_factor(
        ctx.lang,
        &views::TwoFactorView {
            status: &status,
            email: &email,
            required,
        },
        e,
        &csrf,
    );
    let code = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((code, layout::page(ctx, &ctx.t("two_factor.title"), body)).into_response())
}

/// `GET /me/two-factor`: whether two-factor sign-in is on; setting it up (the secret and its
/// QR code until the first code confirms it); switching it off.
pub async fn two_factor_page(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Response> {
    two_factor_view(&st, &mut ctx, &FieldErrors::default()).await
}

/// `POST /me/two-factor/setup`: a new secret, waiting for its first code.
pub async fn two_factor_setup(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let uid = ctx.require_user()?.actor.user_id;
    if !two_factor::start_enrolment(&st.db, &st.seal, uid, st.clock.now()).await? {
        ctx.set_flash("info", ctx.t("two_factor.already_on"))
            .await?;
    }
    Ok(see_other("/me/two-factor"))
}

/// `POST /me/two-factor/enable`: a current code switches it on; the recovery codes are
/// shown on the answer, once.
pub async fn two_factor_enable(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let uid = ctx.require_user()?.actor.user_id;
    match two_factor::confirm_enrolment(&st.db, &st.seal, uid, &f.code, st.clock.now()).await? {
        Ok(codes) => {
            ctx.session
                .remove::<bool>(keys::ENROL_FIRST)
                .await
                .map_err(session_err)?;
            let body = views::recovery_codes(ctx.lang, &codes, false);
            Ok(layout::page(&ctx, &ctx.t("two_factor.codes_title"), body).into_response())
        }
        Err(r) => {
            let mut e = FieldErrors::default();
            e.add("code", r.label(ctx.lang));
            two_factor_view(&st, &mut ctx, &e).await
        }
    }
}

/// Switching two-factor sign-in off: a current code (or a recovery code), or the password.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

/// Proof that the signed-in owner is at the keyboard before a change to their second factor:
/// a current code (or a recovery code, then spent), or the password, checked under the
/// log-in throttle. The errors name the form's two fields (`fields`: code, password).
async fn prove_owner(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    password: &str,
    (code_field, password_field): (&'static str, &'static str),
) -> AppResult<Result<(), FieldErrors>> {
    let user = ctx.require_user()?;
    let (uid, email) = (user.actor.user_id, user.email.clone());
    let now = st.clock.now();
    let mut e = FieldErrors::default();
    if code.trim().is_empty() && password.is_empty() {
        e.add(code_field, ctx.t("two_factor.disable_needs"));
        return Ok(Err(e));
    }
    if password.len() > rules::PASSWORD_MAX {
        e.add(
            password_field,
            ctx.lang.tf(
                "form.too_long",
                &[("max", &rules::PASSWORD_MAX.to_string())],
            ),
        );
        return Ok(Err(e));
    }
    if !code.trim().is_empty() && tf_rules::parse_entered(code).is_none() {
        e.add(code_field, CodeRefusal::Malformed.label(ctx.lang));
        return Ok(Err(e));
    }
    let Ok(attempt) = begin_attempt(st, ctx, &email, now).await? else {
        e.add(code_field, ctx.t("two_factor.throttled"));
        return Ok(Err(e));
    };
    if !code.trim().is_empty() {
        if let Err(r) = two_factor::verify(&st.db, &st.seal, uid, code, now).await? {
            e.add(code_field, r.label(ctx.lang));
            return Ok(Err(e));
        }
    } else {
        use sea_orm::EntityTrait;
        let hash = model::user::Entity::find_by_id(uid)
            .one(&st.db)
            .await?
            .ok_or(AppError::NotFound)?
            .password_hash;
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || super::verify_password(&password, &hash))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if !ok {
            e.add(password_field, ctx.t("password.current_wrong"));
            return Ok(Err(e));
        }
    }
    attempt.succeeded(&st.db).await?;
    Ok(Ok(()))
}

/// New recovery codes: a current code (or a recovery code) or the password, as for
/// switching off; the fields have their own names, beside the switching-off form's.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RegenerateForm {
    #[serde(default)]
    regen_code: String,
    #[serde(default)]
    regen_password: String,
}

/// `POST /me/two-factor/recovery`: replaces the recovery codes (the old ones stop working),
/// after a current code or the password; the new codes are shown on the answer, once.
pub async fn regenerate_recovery(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<RegenerateForm>,
) -> AppResult<Response> {
    let uid = ctx.require_user()?.actor.user_id;
    if !two_factor::is_on(&st.db, uid).await? {
        ctx.set_flash("info", ctx.t("two_factor.already_off"))
            .await?;
        return Ok(see_other("/me/two-factor"));
    }
    let fields = ("regen_code", "regen_password");
    if let Err(e) = prove_owner(&st, &ctx, &f.regen_code, &f.regen_password, fields).await? {
        return two_factor_view(&st, &mut ctx, &e).await;
    }
    let Some(codes) = two_factor::regenerate_recovery(&st.db, uid, st.clock.now()).await? else {
        // Switched off by a parallel request meanwhile.
        return Ok(see_other("/me/two-factor"));
    };
    let body = views::recovery_codes(ctx.lang, &codes, true);
    Ok(layout::page(&ctx, &ctx.t("two_factor.codes_title"), body).into_response())
}

/// `POST /me/two-factor/disable`: needs a current code or the password, checked under the
/// log-in throttle; the secret and recovery codes go, audited. A user whose role requires a
/// second factor is sent to enrol again.
pub async fn two_factor_disable(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<DisableForm>,
) -> AppResult<Response> {
    let user = ctx.require_user()?;
    let uid = user.actor.user_id;
    let required = tf_rules::required_for(&user.actor.roles, &st.config.require_2fa_roles);
    let now = st.clock.now();
    if !two_factor::is_on(&st.db, uid).await? {
        ctx.set_flash("info", ctx.t("two_factor.already_off"))
            .await?;
        return Ok(see_other("/me/two-factor"));
    }
    if let Err(e) = prove_owner(&st, &ctx, &f.code, &f.password, ("code", "password")).await? {
        return two_factor_view(&st, &mut ctx, &e).await;
    }
    two_factor::disable(&st.db, uid, now).await?;
    if required {
        ctx.session
            .insert(keys::ENROL_FIRST, true)
            .await
            .map_err(session_err)?;
    }
    ctx.set_flash("success", ctx.t("two_factor.disabled"))
        .await?;
    Ok(see_other("/me/two-factor"))
}
