//! Accounts: users, platform roles, server-side sessions, log-in throttling and the one
//! permission policy.
//!
//! Invariants: passwords are stored only as argon2id hashes; a session holds the user id and
//! the CSRF token, nothing else; every access decision goes through [`policy::require`].
//! Separation of duties: a platform administrator is no organization member and no unit
//! buyer (the policy ignores such rows, [`change_role`] will not make a member an
//! administrator, and `orgs`/`units` will not make an administrator a member); every role
//! grant and revocation carries a reason, is in the audit log and in the inboxes of the user
//! and the other administrators, in the same transaction. Sign-up answers the same whether or
//! not the e-mail is registered. Two-factor sign-in (`two_factor*.rs`): a TOTP secret sealed
//! with the key outside the database, a code accepted once (its time step recorded by a
//! conditional update), recovery codes kept as hashes only; a password reset leaves it on.
//! May call: `orgs` and `units` (memberships), `audit`,
//! `inbox`, `web` (pages).

pub mod model;
pub mod policy;
pub mod routes;
pub mod rules;
pub mod store;
pub mod two_factor;
pub mod two_factor_model;
pub mod two_factor_rules;
pub mod views;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr};

/// The users holding a platform role (notices to every regulator).
pub use model::holders_of;
pub use model::{find_by_email, roles_of, with_email_suffix};
pub use policy::{Action, Actor, OrgRole, may, require};
pub use rules::Role;
pub use rules::normalize_email;
/// Separation of duties: the refusals and the pure rules `orgs` and `units` apply too.
pub use rules::{DutyRefusal, keeps_an_admin, may_join, validate_reason};
pub use store::DbSessionStore;

/// Display names and e-mails of users by id, for the rooms that list members.
pub use model::{UserSummary, users_by_ids};

/// The signed-in user with what the interface shows about them.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// What the policy needs.
    pub actor: Actor,
    /// E-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Organizations: id, name, role.
    pub orgs: Vec<(i64, String, OrgRole)>,
    /// Purchasing units: id, name.
    pub units: Vec<(i64, String)>,
    /// Unread notices in the user's inbox.
    pub unread: i64,
    /// The account's session epoch: a session signed in under another value no longer
    /// counts (a password change or reset raised it).
    pub session_epoch: i64,
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the e-mail is unknown, so both paths take the same time and
/// the response does not reveal which addresses have accounts.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        hash_password("civicbridge-timing-equalizer").unwrap_or_default()
    });
    &DUMMY
}

/// Loads the signed-in user, or `None` when the id no longer exists or the account is
/// disabled (so a disabled account's open sessions end with its next request). Every signed-in request
/// does this, so it is one query: the user and their roles as rows of one `UNION ALL` (kind,
/// id, name, extra) on accounts' own tables, with the memberships and the inbox's unread
/// count as rows whose SQL the faces of `orgs`, `units` and `inbox` provide. A platform
/// administrator's membership rows are dropped here (separation of duties), so no page
/// treats them as a member or a buyer.
pub async fn load_current_user(
    db: &DatabaseConnection,
    user_id: i64,
) -> Result<Option<CurrentUser>, DbErr> {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = db.get_database_backend();
    let p = |n| crate::kernel::db::placeholder(backend, n);
    // One round trip for what every signed-in request needs: the user, its roles, its
    // memberships and its unread count, whose SQL the owning rooms provide (accounts reads
    // only its own tables).
    let sql = format!(
        "SELECT 'user' AS kind, id AS id, display_name AS name, email AS extra FROM users WHERE id = {} AND disabled_at IS NULL \
         UNION ALL SELECT 'epoch', session_epoch, '', '' FROM users WHERE id = {} \
         UNION ALL SELECT 'role', user_id, role, '' FROM user_roles WHERE user_id = {} \
         UNION ALL {} UNION ALL {} UNION ALL {} ORDER BY 1, 2",
        p(1),
        p(6),
        p(2),
        crate::orgs::MEMBERSHIP_ROWS_SQL.replace("{user}", &p(3)),
        crate::units::MEMBERSHIP_ROWS_SQL.replace("{user}", &p(4)),
        crate::inbox::UNREAD_ROWS_SQL.replace("{user}", &p(5)),
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                user_id.into(),
                user_id.into(),
                user_id.into(),
                user_id.into(),
                user_id.into(),
                user_id.into(),
            ],
        ))
        .await?;
    let mut user = None;
    let mut unread = 0;
    let mut session_epoch = 0;
    let (mut roles, mut orgs, mut units) = (Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        let kind: String = r.try_get("", "kind")?;
        let id: i64 = r.try_get("", "id")?;
        let name: String = r.try_get("", "name")?;
        let extra: String = r.try_get("", "extra")?;
        match kind.as_str() {
            "user" => user = Some((name, extra)),
            "role" => roles.extend(Role::parse(&name)),
            "org" => orgs.extend(OrgRole::parse(&extra).map(|role| (id, name, role))),
            "inbox" => unread = id,
            "epoch" => session_epoch = id,
            _ => units.push((id, name)),
        }
    }
    let Some((display_name, email)) = user else {
        return Ok(None);
    };
    if roles.contains(&Role::Admin) {
        orgs.clear();
        units.clear();
    }
    Ok(Some(CurrentUser {
        actor: Actor {
            user_id,
            roles,
            orgs: orgs.iter().map(|(id, _, r)| (*id, *r)).collect(),
            units: units.iter().map(|(id, _)| *id).collect(),
        },
        email,
        display_name,
        orgs,
        units,
        unread,
        session_epoch,
    }))
}

/// The session epoch a new session of the user signs in under.
pub async fn session_epoch(db: &DatabaseConnection, user_id: i64) -> Result<i64, DbErr> {
    model::session_epoch(db, user_id).await
}

/// Creates a user with roles in one transaction.
pub async fn create_user(
    db: &DatabaseConnection,
    email: &str,
    password_hash: &str,
    display_name: &str,
    roles: &[Role],
    now: i64,
) -> Result<model::user::Model, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let u = model::user::ActiveModel {
        email: Set(email.to_string()),
        password_hash: Set(password_hash.to_string()),
        display_name: Set(display_name.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    for r in roles {
        model::grant_role(&*txn, u.id, *r, now).await?;
    }
    txn.commit().await?;
    Ok(u)
}

/// Orders the transactions that change one user's roles or memberships, so a grant of the
/// administrator role and a membership cannot both pass their checks in parallel. Writers
/// take turns on SQLite anyway; on PostgreSQL a transaction-scoped advisory lock per user
/// does it, across instances. Call first in the writing transaction.
pub async fn lock_user(db: &impl sea_orm::ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    advisory_lock(db, format!("duties:{user_id}")).await
}

/// A transaction-scoped lock on a name, on PostgreSQL (SQLite writers take turns anyway).
async fn advisory_lock(db: &impl sea_orm::ConnectionTrait, name: String) -> Result<(), DbErr> {
    use sea_orm::Statement;
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            [name.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Grants or revokes a platform role, with its reason, in one transaction that also records
/// the audit entry (not public) and puts a notice in the inboxes of the user and of the other
/// platform administrators. `Ok(Ok(false))` when nothing changed (already so). Refused: the
/// administrator role for a member of an organization or a unit (they leave first), and
/// revoking the last administrator.
pub async fn change_role(
    db: &DatabaseConnection,
    target: i64,
    change: &rules::RoleChange,
    actor: i64,
    now: i64,
) -> Result<Result<bool, DutyRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    lock_user(&*txn, target).await?;
    let roles = model::roles_of(&*txn, target).await?;
    let role = change.role;
    if roles.contains(&role) == change.grant {
        // Nothing was written: end the transaction now rather than leave it to the pool.
        txn.commit().await?;
        return Ok(Ok(false));
    }
    let refused = if change.grant {
        let memberships = crate::orgs::memberships_of(&*txn, target).await?.len()
            + crate::units::memberships_of(&*txn, target).await?.len();
        rules::may_grant(role, memberships)
    } else {
        rules::may_revoke(role, model::holders_of(&*txn, role).await?.len() as u64)
    };
    if let Err(r) = refused {
        // Nothing was written: end the transaction now rather than leave it to the pool.
        txn.commit().await?;
        return Ok(Err(r));
    }
    if change.grant {
        model::grant_role(&*txn, target, role, now).await?;
    } else {
        model::revoke_role(&*txn, target, role).await?;
    }
    let action = if change.grant {
        "role_granted"
    } else {
        "role_revoked"
    };
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "user",
            entity_id: target,
            action,
            detail: serde_json::json!({
                "user": target,
                "role": role.code(),
                "reason": change.reason,
            }),
            public: false,
        },
    )
    .await?;
    // The user, and every administrator but the one acting (after the change, so a new
    // administrator hears of their own grant once and a revoked one still hears).
    let admins = model::holders_of(&*txn, Role::Admin).await?;
    let (target_name, actor_name) = names_of_pair(&*txn, target, actor).await?;
    let params = crate::inbox::Params::new()
        .text("user", target_name)
        .label("role", format!("role.{}", role.code()))
        .text("by", actor_name)
        .text("reason", &change.reason);
    let kind = if change.grant {
        crate::inbox::Kind::RoleGranted
    } else {
        crate::inbox::Kind::RoleRevoked
    };
    crate::inbox::notify_change(&*txn, admins, target, actor, kind, &params, now).await?;
    txn.commit().await?;
    Ok(Ok(true))
}

/// Why an administrator may not disable an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisableRefusal {
    /// Administrators do not lock themselves out.
    OwnAccount,
}

impl DisableRefusal {
    /// The message, in the reader's language.
    pub fn label(self, lang: crate::kernel::Lang) -> String {
        match self {
            DisableRefusal::OwnAccount => lang.t("users.refused.own_account"),
        }
    }
}

/// Disables (`Some(reason)`) or re-enables (`None`) an account, with the audit entry in the
/// same transaction. `Ok(Ok(false))` when it already was so. A disabled account cannot log in
/// and its sessions stop working at once ([`load_current_user`] no longer finds it); its
/// records, memberships and roles stay as they were.
pub async fn set_disabled(
    db: &DatabaseConnection,
    target: i64,
    reason: Option<&str>,
    actor: i64,
    now: i64,
) -> Result<Result<bool, DisableRefusal>, DbErr> {
    use sea_orm::EntityTrait;
    if reason.is_some() && target == actor {
        return Ok(Err(DisableRefusal::OwnAccount));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    lock_user(&*txn, target).await?;
    let Some(user) = model::user::Entity::find_by_id(target).one(&*txn).await? else {
        txn.commit().await?;
        return Ok(Ok(false));
    };
    if user.disabled_at.is_some() == reason.is_some() {
        txn.commit().await?;
        return Ok(Ok(false));
    }
    model::set_disabled(&*txn, target, reason.map(|r| (now, r))).await?;
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "user",
            entity_id: target,
            action: if reason.is_some() {
                "user_disabled"
            } else {
                "user_enabled"
            },
            detail: serde_json::json!({ "user": target, "reason": reason.unwrap_or("") }),
            public: false,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(true))
}

/// How long a password-reset link works (seconds): a day, long enough to pass it on by
/// another channel, short enough that a forgotten one is soon worthless.
pub const RESET_TTL_SECS: i64 = 24 * 3600;

/// Issues a single-use reset link's secret for a user (64 hex characters from the operating
/// system's CSPRNG); only its SHA-256 is stored. `issued_by` is the administrator who asked.
pub async fn issue_reset(
    db: &DatabaseConnection,
    user_id: i64,
    issued_by: Option<i64>,
    now: i64,
) -> Result<String, DbErr> {
    use sea_orm::ActiveModelTrait;
    let secret: [u8; 32] = rand::random();
    let token = hex::encode(secret);
    let txn = crate::kernel::db::begin_write(db).await?;
    model::password_reset::ActiveModel {
        token_hash: Set(rules::reset_token_hash(&token)),
        user_id: Set(user_id),
        issued_by: Set(issued_by),
        created_at: Set(now),
        expires_at: Set(now + RESET_TTL_SECS),
        used_at: Set(None),
    }
    .insert(&*txn)
    .await?;
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: issued_by,
            entity: "user",
            entity_id: user_id,
            action: "password_reset_issued",
            detail: serde_json::json!({ "user": user_id, "expires_at": now + RESET_TTL_SECS }),
            public: false,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// The account a reset link's secret would set the password of, with its display name and
/// e-mail, when the link is known, unused and unexpired; `None` otherwise (the page says the
/// same for all three, so a guessed secret learns nothing).
pub async fn reset_holder(
    db: &DatabaseConnection,
    token: &str,
    now: i64,
) -> Result<Option<model::user::Model>, DbErr> {
    use sea_orm::EntityTrait;
    if !rules::plausible_reset_token(token) {
        return Ok(None);
    }
    let Some(link) = model::password_reset::Entity::find_by_id(rules::reset_token_hash(token))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if rules::reset_link_state(link.used_at, link.expires_at, now) != rules::ResetLink::Usable {
        return Ok(None);
    }
    model::user::Entity::find_by_id(link.user_id).one(db).await
}

/// Uses a reset link: stores the new password hash, spends this and every other open link
/// of the user, and audits it, in one transaction that checks the link again (two posts of
/// the same link: one sets the password, the other finds it used). `false` when the link no
/// longer works.
pub async fn use_reset(
    db: &DatabaseConnection,
    token: &str,
    password_hash: &str,
    now: i64,
) -> Result<bool, DbErr> {
    use sea_orm::EntityTrait;
    if !rules::plausible_reset_token(token) {
        return Ok(false);
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    let link = model::password_reset::Entity::find_by_id(rules::reset_token_hash(token))
        .one(&*txn)
        .await?;
    let Some(link) = link.filter(|l| {
        rules::reset_link_state(l.used_at, l.expires_at, now) == rules::ResetLink::Usable
    }) else {
        txn.commit().await?;
        return Ok(false);
    };
    lock_user(&*txn, link.user_id).await?;
    model::set_password_hash(&*txn, link.user_id, password_hash).await?;
    model::spend_resets(&*txn, link.user_id, now).await?;
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(link.user_id),
            entity: "user",
            entity_id: link.user_id,
            action: "password_reset_used",
            detail: serde_json::json!({ "user": link.user_id, "issued_by": link.issued_by }),
            public: false,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// A request for a forgotten password (`/password/forgot`), in one transaction: counted
/// for the e-mail and the client address whether or not the e-mail has an account (refused,
/// `false`, past [`rules::forgot_allowed`]); for an active account, every open reset link is
/// spent, a new single-use one valid [`rules::FORGOT_TTL_SECS`] is stored (its SHA-256 only),
/// audited, and its mail queued in `lang` (`inbox::queue_mail`), so the link goes out only
/// if all of it commits. The caller answers the same whatever happened here.
pub async fn request_reset_by_mail(
    db: &DatabaseConnection,
    email: &str,
    client_ip: &str,
    lang: crate::kernel::Lang,
    now: i64,
) -> Result<bool, DbErr> {
    use sea_orm::{ConnectionTrait, Statement};
    let email_subject = format!("forgot-email:{email}");
    let ip_subject = format!("forgot-ip:{client_ip}");
    let txn = crate::kernel::db::begin_write(db).await?;
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // Parallel requests for one e-mail or from one address take turns (their own key
        // space, apart from the log-in's).
        for (space, subject) in [(3, &email_subject), (4, &ip_subject)] {
            txn.execute_raw(Statement::from_sql_and_values(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT pg_advisory_xact_lock($1, hashtext($2))",
                [space.into(), subject.clone().into()],
            ))
            .await?;
        }
    }
    let since = now - rules::FORGOT_WINDOW_SECS;
    let by_email = model::failures_since(&*txn, &email_subject, since).await?;
    let by_ip = model::failures_since(&*txn, &ip_subject, since).await?;
    if !rules::forgot_allowed(by_email, by_ip) {
        txn.commit().await?;
        return Ok(false);
    }
    model::record_failure(&*txn, &[&email_subject, &ip_subject], now).await?;
    let user = model::find_by_email(&*txn, email)
        .await?
        .filter(|u| u.disabled_at.is_none());
    if let Some(user) = user {
        lock_user(&*txn, user.id).await?;
        // A new link: every earlier one dies.
        model::spend_resets(&*txn, user.id, now).await?;
        let token = hex::encode(rand::random::<[u8; 32]>());
        let expires_at = now + rules::FORGOT_TTL_SECS;
        model::password_reset::ActiveModel {
            token_hash: Set(rules::reset_token_hash(&token)),
            user_id: Set(user.id),
            issued_by: Set(None),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
        }
        .insert(&*txn)
        .await?;
        crate::audit::append(
            &*txn,
            crate::audit::Entry {
                at: now,
                actor_id: None,
                entity: "user",
                entity_id: user.id,
                action: "password_reset_mailed",
                detail: serde_json::json!({ "user": user.id, "expires_at": expires_at }),
                public: false,
            },
        )
        .await?;
        crate::inbox::queue_mail(
            &*txn,
            user.id,
            crate::inbox::MAIL_PASSWORD_RESET,
            &crate::inbox::Params::new().link(format!("/password/reset/{token}")),
            lang,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Changes a signed-in user's password (the caller checked the current one): the new hash,
/// every open reset link spent, the audit entry, in one transaction.
pub async fn change_password(
    db: &DatabaseConnection,
    user_id: i64,
    password_hash: &str,
    now: i64,
) -> Result<(), DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    lock_user(&*txn, user_id).await?;
    model::set_password_hash(&*txn, user_id, password_hash).await?;
    model::spend_resets(&*txn, user_id, now).await?;
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(user_id),
            entity: "user",
            entity_id: user_id,
            action: "password_changed",
            detail: serde_json::json!({ "user": user_id }),
            public: false,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What a sign-up did. The requester is told the same either way; only the owner of a
/// registered e-mail learns, through their inbox, that someone tried it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signup {
    /// A new account.
    Created(i64),
    /// The e-mail was registered: the owner was notified, nothing else changed.
    AlreadyRegistered,
}

/// Signs up: creates the account, or, when the e-mail is already registered, leaves a notice
/// for its owner instead. The password hash is computed by the caller in both cases, so both
/// take about as long. One transaction.
pub async fn sign_up(
    db: &DatabaseConnection,
    email: &str,
    password_hash: &str,
    display_name: &str,
    now: i64,
) -> Result<Signup, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    // Two sign-ups with one address in parallel: the second waits and finds the first.
    advisory_lock(&*txn, format!("signup:{email}")).await?;
    if let Some(owner) = model::find_by_email(&*txn, email).await? {
        crate::inbox::notify(
            &*txn,
            &[owner.id],
            crate::inbox::Kind::SignupAttempt,
            // The notice's own time says when; the text need not repeat it.
            &crate::inbox::Params::new().link("/login"),
            now,
        )
        .await?;
        txn.commit().await?;
        return Ok(Signup::AlreadyRegistered);
    }
    let u = model::user::ActiveModel {
        email: Set(email.to_string()),
        password_hash: Set(password_hash.to_string()),
        display_name: Set(display_name.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(Signup::Created(u.id))
}

/// Decides whether a log-in may be tried and, if so, counts the attempt as a failure in
/// advance, in one write transaction: the failures of the e-mail and the client address in the
/// window are counted, `decide` rules on them, and an allowed attempt is recorded before its
/// password is checked ([`LoginAttempt::succeeded`] takes it back); a refused one gives the
/// throttle's answer (locked or slowed, with the seconds to wait) and records nothing.
/// Attempts therefore cannot all read the same count in parallel and slip past the limit.
/// Writers take turns on SQLite; on PostgreSQL transaction-scoped advisory locks order them
/// across instances: one per e-mail, then one per address (taken in that order by every
/// attempt, and in separate key spaces, so two attempts never wait on each other in a ring).
pub async fn begin_login_attempt(
    db: &DatabaseConnection,
    email_subject: &str,
    ip_subject: &str,
    since: i64,
    now: i64,
    decide: impl FnOnce(rules::Failures, rules::Failures) -> rules::Throttle,
) -> Result<Result<LoginAttempt, rules::Throttle>, DbErr> {
    use sea_orm::{ConnectionTrait, Statement};
    let txn = crate::kernel::db::begin_write(db).await?;
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext($1))",
            [email_subject.into()],
        ))
        .await?;
        txn.execute_raw(Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(2, hashtext($1))",
            [ip_subject.into()],
        ))
        .await?;
    }
    let by_email = model::failures_since(&*txn, email_subject, since).await?;
    let by_ip = model::failures_since(&*txn, ip_subject, since).await?;
    let verdict = decide(by_email, by_ip);
    if verdict != rules::Throttle::Allow {
        return Ok(Err(verdict));
    }
    let reserved = model::record_failure(&*txn, &[email_subject, ip_subject], now).await?;
    txn.commit().await?;
    Ok(Ok(LoginAttempt {
        email_subject: email_subject.to_string(),
        reserved,
    }))
}

/// A log-in attempt already counted as a failure (see [`begin_login_attempt`]).
#[derive(Debug)]
pub struct LoginAttempt {
    email_subject: String,
    reserved: Vec<i64>,
}

impl LoginAttempt {
    /// The password was right: the attempt no longer counts, and the e-mail's earlier
    /// failures are forgotten (the address keeps its own).
    pub async fn succeeded(self, db: &DatabaseConnection) -> Result<(), DbErr> {
        self.finish(db, true).await
    }

    /// The password was right but a second factor is still to come: this attempt no longer
    /// counts, yet the e-mail's earlier failures stay (wrong codes among them), so typing the
    /// password again is no way to reset the count of wrong codes.
    pub async fn password_only(self, db: &DatabaseConnection) -> Result<(), DbErr> {
        self.finish(db, false).await
    }

    async fn finish(self, db: &DatabaseConnection, clear: bool) -> Result<(), DbErr> {
        let txn = crate::kernel::db::begin_write(db).await?;
        model::forget_failures(&*txn, &self.reserved).await?;
        if clear {
            model::clear_failures(&*txn, &self.email_subject).await?;
        }
        txn.commit().await
    }
}

/// The display names of the user a change concerns and of the one making it (empty when
/// missing), for the notices that report the change.
pub async fn names_of_pair(
    db: &impl sea_orm::ConnectionTrait,
    target: i64,
    actor: i64,
) -> Result<(String, String), DbErr> {
    let names = model::users_by_ids(db, &[target, actor]).await?;
    let name = |id: i64| {
        names
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.display_name.clone())
            .unwrap_or_default()
    };
    Ok((name(target), name(actor)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
