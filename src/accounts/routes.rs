//! Account handlers: sign-up, log-in (throttled), log-out, workspace, roles.

use crate::web::{Form, Query};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::rules::{self, RoleForm, SignupForm, safe_next};
use super::{Action, model, require, views};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::AppState;
use crate::web::{Ctx, keys, layout, parse_id, see_other, unprocessable};

fn session_err(e: tower_sessions::session::Error) -> AppError {
    AppError::Internal(e.to_string())
}

/// Starts a signed-in session: a new session id (no fixation), the user id, a new CSRF token.
async fn sign_in(ctx: &mut Ctx, user_id: i64) -> AppResult<()> {
    ctx.session.cycle_id().await.map_err(session_err)?;
    ctx.session
        .insert(keys::USER_ID, user_id)
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

/// `POST /login`
pub async fn login(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let email = rules::normalize_email(&f.email);
    let now = st.clock.now();
    let cfg = &st.config;
    let since = now - cfg.login_window_secs;
    let email_subject = format!("email:{email}");
    let ip_subject = format!("ip:{}", ctx.client_ip.as_deref().unwrap_or("unknown"));
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
    let attempt = super::begin_login_attempt(
        &st.db,
        &email_subject,
        &ip_subject,
        since,
        now,
        |by_email, by_ip| {
            let limits = rules::ThrottleLimits {
                window: cfg.login_window_secs,
                max_email: cfg.login_max_failures,
                max_ip: cfg.login_max_failures_per_ip,
                ip_interval: cfg.login_ip_interval_secs,
            };
            rules::throttle(now, limits, by_email, by_ip)
        },
    )
    .await?;
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
                Some(u) => {
                    attempt.succeeded(&st.db).await?;
                    sign_in(&mut ctx, u.id).await?;
                    return Ok(see_other(&next));
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

/// The users page, with one row's role form as typed and its errors when it failed.
async fn users_page(
    st: &AppState,
    ctx: &mut Ctx,
    failed: Option<(i64, &RoleForm, &FieldErrors)>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let list = model::list_users(&st.db, 200).await?;
    let body = views::users(ctx.lang, &list, &csrf, failed);
    Ok(layout::page(ctx, &ctx.t("users.admin_title"), body))
}

/// `GET /admin/users`
pub async fn users(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::ManageUsers)?;
    users_page(&st, &mut ctx, None).await
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
                users_page(&st, &mut ctx, Some((uid, &f, &e))).await?,
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
                users_page(&st, &mut ctx, Some((uid, &f, &e))).await?,
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
