//! Accounts entities and their queries: users, platform roles, sessions, login failures.

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::rules::Role;

/// `users`
pub mod user {
    use sea_orm::entity::prelude::*;

    /// A person with a log-in.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Lower-cased, unique.
        pub email: String,
        /// argon2id PHC string.
        pub password_hash: String,
        /// Name shown in the interface.
        pub display_name: String,
        /// Unix seconds.
        pub created_at: i64,
        /// When an administrator disabled the account (unix seconds); `None` while active.
        pub disabled_at: Option<i64>,
        /// The administrator's reason (empty while active).
        pub disabled_reason: String,
        /// Raised by a password change or reset: a session signed in under a lower value
        /// no longer counts (m0546).
        pub session_epoch: i64,
    }

    /// No relations are navigated through sea-orm; queries join explicitly.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `password_resets`
pub mod password_reset {
    use sea_orm::entity::prelude::*;

    /// A single-use link to set a new password; only the SHA-256 of its secret is kept.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "password_resets")]
    pub struct Model {
        /// Hex SHA-256 of the secret in the link.
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        /// Whose password it sets.
        pub user_id: i64,
        /// The administrator who issued it (`None`: the user asked for it).
        pub issued_by: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds; the link does nothing from then on.
        pub expires_at: i64,
        /// Unix seconds; set once, when the link is used or spent by a password change.
        pub used_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `user_roles`
pub mod user_role {
    use sea_orm::entity::prelude::*;

    /// A platform-wide role held by a user.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_roles")]
    pub struct Model {
        /// The user.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// `Role::code()`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub role: String,
        /// Unix seconds.
        pub granted_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `sessions`
pub mod session_row {
    use sea_orm::entity::prelude::*;

    /// A server-side session.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        /// Session id (the cookie value).
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        /// JSON of the session's key/value data.
        pub data: String,
        /// Unix seconds.
        pub expires_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `login_failures`
pub mod login_failure {
    use sea_orm::entity::prelude::*;

    /// One failed log-in, counted per e-mail and per client address.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_failures")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// `email:…` or `ip:…`.
        pub subject: String,
        /// Unix seconds.
        pub at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Finds a user by (already normalized) e-mail. Text no e-mail can be (a control
/// character, too long) finds nobody without asking the database, which might refuse it.
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    use crate::kernel::text::{Kind, refusal};
    if refusal(email, Kind::Line, super::rules::EMAIL_MAX).is_some() {
        return Ok(None);
    }
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
}

/// The users whose e-mail ends with `suffix`, oldest first: how `serve --demo` lists every
/// demo account, the bidders and second evaluator the seed adds included.
pub async fn with_email_suffix(
    db: &impl ConnectionTrait,
    suffix: &str,
) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.ends_with(suffix))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
}

/// Grants a role (idempotent).
pub async fn grant_role(
    db: &impl ConnectionTrait,
    user_id: i64,
    role: Role,
    now: i64,
) -> Result<(), DbErr> {
    let exists = user_role::Entity::find_by_id((user_id, role.code().to_string()))
        .one(db)
        .await?;
    if exists.is_none() {
        user_role::ActiveModel {
            user_id: Set(user_id),
            role: Set(role.code().to_string()),
            granted_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Revokes a role (idempotent).
pub async fn revoke_role(db: &impl ConnectionTrait, user_id: i64, role: Role) -> Result<(), DbErr> {
    user_role::Entity::delete_by_id((user_id, role.code().to_string()))
        .exec(db)
        .await?;
    Ok(())
}

/// The roles a user holds.
pub async fn roles_of(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<Role>, DbErr> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| Role::parse(&r.role))
        .collect())
}

/// The users who hold a role, by id.
pub async fn holders_of(db: &impl ConnectionTrait, role: Role) -> Result<Vec<i64>, DbErr> {
    user_role::Entity::find()
        .select_only()
        .column(user_role::Column::UserId)
        .filter(user_role::Column::Role.eq(role.code()))
        .order_by_asc(user_role::Column::UserId)
        .into_tuple()
        .all(db)
        .await
}

/// Counts failures for a subject since an instant, with the oldest and newest instants.
pub async fn failures_since(
    db: &impl ConnectionTrait,
    subject: &str,
    since: i64,
) -> Result<super::rules::Failures, DbErr> {
    let (count, oldest, newest): (i64, Option<i64>, Option<i64>) = login_failure::Entity::find()
        .select_only()
        .column_as(login_failure::Column::Id.count(), "count")
        .column_as(login_failure::Column::At.min(), "oldest")
        .column_as(login_failure::Column::At.max(), "newest")
        .filter(login_failure::Column::Subject.eq(subject))
        .filter(login_failure::Column::At.gte(since))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    Ok(super::rules::Failures {
        count: u64::try_from(count).unwrap_or(0),
        oldest,
        newest,
    })
}

/// Records a failure for each subject; the new rows' keys.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    subjects: &[&str],
    now: i64,
) -> Result<Vec<i64>, DbErr> {
    let mut ids = Vec::with_capacity(subjects.len());
    for s in subjects {
        let row = login_failure::ActiveModel {
            subject: Set(String::from(*s)),
            at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        ids.push(row.id);
    }
    Ok(ids)
}

/// Deletes failure rows by key (a reservation taken back after a correct password).
pub async fn forget_failures(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the failures of a subject (after a successful log-in).
pub async fn clear_failures(db: &impl ConnectionTrait, subject: &str) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Subject.eq(subject))
        .exec(db)
        .await?;
    Ok(())
}

/// The users whose e-mail or display name contains `q` (case-insensitive; `%` and `_` are
/// taken literally), all of them when `q` is blank.
fn user_search(q: &str) -> sea_orm::Select<user::Entity> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
    let q = q.trim().to_lowercase();
    if q.is_empty() {
        return user::Entity::find();
    }
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    let like = |c: user::Column| {
        Expr::expr(Func::lower(Expr::col(c))).like(LikeExpr::new(pattern.clone()).escape('\\'))
    };
    user::Entity::find().filter(
        sea_orm::Condition::any()
            .add(like(user::Column::Email))
            .add(like(user::Column::DisplayName)),
    )
}

/// How many users match a search of the administrator's page.
pub async fn count_users(db: &impl ConnectionTrait, q: &str) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    user_search(q).count(db).await
}

/// One page of the users matching a search, newest first, each with their roles (one
/// IN-batched query).
pub async fn list_users(
    db: &impl ConnectionTrait,
    q: &str,
    offset: u64,
    limit: u64,
) -> Result<Vec<(user::Model, Vec<Role>)>, DbErr> {
    let users = user_search(q)
        .order_by_desc(user::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(ids))
        .all(db)
        .await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let rs = roles
                .iter()
                .filter(|r| r.user_id == u.id)
                .filter_map(|r| Role::parse(&r.role))
                .collect();
            (u, rs)
        })
        .collect())
}

/// Sets (or clears, with `None`) an account's disabled instant and reason.
pub async fn set_disabled(
    db: &impl ConnectionTrait,
    user_id: i64,
    disabled: Option<(i64, &str)>,
) -> Result<(), DbErr> {
    user::ActiveModel {
        id: Set(user_id),
        disabled_at: Set(disabled.map(|(at, _)| at)),
        disabled_reason: Set(disabled.map(|(_, r)| r.to_string()).unwrap_or_default()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Stores a new password hash.
pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    user_id: i64,
    hash: &str,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    // A new password ends every session signed in with the old one.
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(
            user::Column::SessionEpoch,
            Expr::col(user::Column::SessionEpoch).add(1),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The session epoch of a user (0 for none such).
pub async fn session_epoch(db: &impl ConnectionTrait, user_id: i64) -> Result<i64, DbErr> {
    let e: Option<i64> = user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::SessionEpoch)
        .into_tuple()
        .one(db)
        .await?;
    Ok(e.unwrap_or(0))
}

/// Marks every unused reset link of a user used at `now` (a link was used, or the password
/// changed another way, so none of the older links may set it again).
pub async fn spend_resets(db: &impl ConnectionTrait, user_id: i64, now: i64) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::UserId.eq(user_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// What other rooms may show about a user: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserSummary {
    /// Key.
    pub id: i64,
    /// Name shown in the interface.
    pub display_name: String,
    /// E-mail.
    pub email: String,
}

/// The users with these ids (unknown ids are left out), in one `IN` query, by id.
pub async fn users_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<UserSummary>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, String, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .column(user::Column::Email)
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, display_name, email)| UserSummary {
            id,
            display_name,
            email,
        })
        .collect())
}
