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
    }

    /// No relations are navigated through sea-orm; queries join explicitly.
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

/// Finds a user by (already normalized) e-mail.
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
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

/// Counts failures for a subject since an instant.
pub async fn failures_since(
    db: &impl ConnectionTrait,
    subject: &str,
    since: i64,
) -> Result<(u64, Option<i64>), DbErr> {
    let rows = login_failure::Entity::find()
        .filter(login_failure::Column::Subject.eq(subject))
        .filter(login_failure::Column::At.gte(since))
        .order_by_asc(login_failure::Column::At)
        .all(db)
        .await?;
    Ok((rows.len() as u64, rows.first().map(|r| r.at)))
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

/// All users, newest first, for the administrator's page.
pub async fn list_users(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<(user::Model, Vec<Role>)>, DbErr> {
    let users = user::Entity::find()
        .order_by_desc(user::Column::Id)
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
