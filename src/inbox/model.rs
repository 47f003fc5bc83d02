//! The `user_notifications` table and its queries.

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::rules::{Kind, Params};

/// `user_notifications`
pub mod notification {
    use sea_orm::entity::prelude::*;

    /// One notice in one user's inbox.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_notifications")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The recipient.
        pub user_id: i64,
        /// `Kind::code()`.
        pub kind: String,
        /// `Params::to_json()`.
        pub params: String,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds; `None` while unread.
        pub read_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A notice as the inbox shows it.
pub use notification::Model as Notice;

/// The recipient's unread count as one `SELECT` row `('inbox', count, '', '')`, its user-id
/// parameter written `{user}`, for `accounts` to read in the same round trip as the signed-in
/// user on every request (the index on (user_id, read_at, id) answers it). The SQL on the
/// inbox's table stays here.
pub const UNREAD_ROWS_SQL: &str = "SELECT 'inbox' AS kind, COUNT(*) AS id, '' AS name, \
     '' AS extra FROM user_notifications WHERE user_id = {user} AND read_at IS NULL";

/// Inserts one notice per recipient in one statement (no recipients: nothing).
pub async fn insert_many(
    db: &impl ConnectionTrait,
    recipients: &[i64],
    kind: Kind,
    params: &Params,
    now: i64,
) -> Result<(), DbErr> {
    if recipients.is_empty() {
        return Ok(());
    }
    let json = params.to_json();
    let rows = recipients.iter().map(|u| notification::ActiveModel {
        user_id: Set(*u),
        kind: Set(kind.code().to_string()),
        params: Set(json.clone()),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    });
    notification::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Notices of several kinds and parameters, each to its recipients, in one insert.
pub async fn insert_batch(
    db: &impl ConnectionTrait,
    notices: &[(Vec<i64>, Kind, &Params)],
    now: i64,
) -> Result<(), DbErr> {
    let rows: Vec<notification::ActiveModel> = notices
        .iter()
        .flat_map(|(to, kind, params)| {
            let json = params.to_json();
            to.iter().map(move |u| notification::ActiveModel {
                user_id: Set(*u),
                kind: Set(kind.code().to_string()),
                params: Set(json.clone()),
                created_at: Set(now),
                read_at: Set(None),
                ..Default::default()
            })
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    notification::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// A user's newest notices, unread first.
pub async fn latest(
    db: &impl ConnectionTrait,
    user_id: i64,
    limit: u64,
) -> Result<Vec<Notice>, DbErr> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Marks a user's unread notices read: one (`Some(id)`) or all; only the user's own.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: Option<i64>,
    now: i64,
) -> Result<u64, DbErr> {
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::Id.eq(id));
    }
    Ok(q.exec(db).await?.rows_affected)
}
