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

/// `mail_queue`
pub mod mail_queue {
    use sea_orm::entity::prelude::*;

    /// One e-mail to one user, waiting for the mail job (or sent, skipped, given up).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_queue")]
    pub struct Model {
        /// Key; also the message id's stem.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The recipient.
        pub user_id: i64,
        /// A notice `Kind::code()`, or `rules::MAIL_PASSWORD_RESET`.
        pub kind: String,
        /// `Params::to_json()`; `{}` once sent or skipped.
        pub params: String,
        /// `zh-CN`/`en`, or empty for the recipient's chosen language.
        pub lang: String,
        /// `pending`, `sent`, `skipped` or `failed`.
        pub state: String,
        /// Failed tries so far.
        pub attempts: i32,
        /// Not tried before this instant (unix seconds).
        pub next_attempt_at: i64,
        /// Unix seconds.
        pub created_at: i64,
        /// When the SMTP server accepted it.
        pub sent_at: Option<i64>,
        /// The last error, for operators.
        pub last_error: Option<String>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `mail_settings`
pub mod mail_setting {
    use sea_orm::entity::prelude::*;

    /// A user's e-mail choices; no row: the defaults.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_settings")]
    pub struct Model {
        /// The user.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// `zh-CN` or `en`.
        pub lang: String,
        /// `rules::kinds_to_codes` of the chosen kinds.
        pub kinds: String,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Queues mails `(recipient, kind code, params JSON, lang code or "")` in one insert.
pub async fn queue_mail(
    db: &impl ConnectionTrait,
    rows: Vec<(i64, String, String, String)>,
    now: i64,
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows = rows
        .into_iter()
        .map(|(user_id, kind, params, lang)| mail_queue::ActiveModel {
            user_id: Set(user_id),
            kind: Set(kind),
            params: Set(params),
            lang: Set(lang),
            state: Set("pending".to_string()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            sent_at: Set(None),
            last_error: Set(None),
            ..Default::default()
        });
    mail_queue::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// The pending mails due at `now`, oldest first (at most `limit`).
pub async fn due_mail(
    db: &impl ConnectionTrait,
    now: i64,
    limit: u64,
) -> Result<Vec<mail_queue::Model>, DbErr> {
    mail_queue::Entity::find()
        .filter(mail_queue::Column::State.eq("pending"))
        .filter(mail_queue::Column::NextAttemptAt.lte(now))
        .order_by_asc(mail_queue::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Takes a pending mail for sending: moves its next try `until` if nobody else moved it
/// since it was read (`seen`); whether this sender has it.
pub async fn claim_mail(
    db: &impl ConnectionTrait,
    id: i64,
    seen: i64,
    until: i64,
) -> Result<bool, DbErr> {
    let r = mail_queue::Entity::update_many()
        .col_expr(mail_queue::Column::NextAttemptAt, Expr::value(until))
        .filter(mail_queue::Column::Id.eq(id))
        .filter(mail_queue::Column::State.eq("pending"))
        .filter(mail_queue::Column::NextAttemptAt.eq(seen))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Ends a mail: `sent` (at `now`) or `skipped`; its parameters (a reset link among them)
/// are not kept.
pub async fn finish_mail(
    db: &impl ConnectionTrait,
    id: i64,
    state: &str,
    now: i64,
) -> Result<(), DbErr> {
    let mut q = mail_queue::Entity::update_many()
        .col_expr(mail_queue::Column::State, Expr::value(state))
        .col_expr(mail_queue::Column::Params, Expr::value("{}"))
        .col_expr(
            mail_queue::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(mail_queue::Column::Id.eq(id));
    if state == "sent" {
        q = q.col_expr(mail_queue::Column::SentAt, Expr::value(now));
    }
    q.exec(db).await?;
    Ok(())
}

/// Records a failed try: the count, the error, and the next try (or `failed` for good).
pub async fn fail_mail(
    db: &impl ConnectionTrait,
    id: i64,
    attempts: i32,
    next: Option<i64>,
    error: &str,
) -> Result<(), DbErr> {
    let mut q = mail_queue::Entity::update_many()
        .col_expr(mail_queue::Column::Attempts, Expr::value(attempts))
        .col_expr(mail_queue::Column::LastError, Expr::value(error))
        .filter(mail_queue::Column::Id.eq(id));
    q = match next {
        Some(at) => q.col_expr(mail_queue::Column::NextAttemptAt, Expr::value(at)),
        None => q
            .col_expr(mail_queue::Column::State, Expr::value("failed"))
            .col_expr(mail_queue::Column::Params, Expr::value("{}")),
    };
    q.exec(db).await?;
    Ok(())
}

/// The e-mail settings rows of these users (users without one are left out).
pub async fn mail_settings_of(
    db: &impl ConnectionTrait,
    users: &[i64],
) -> Result<Vec<mail_setting::Model>, DbErr> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    mail_setting::Entity::find()
        .filter(mail_setting::Column::UserId.is_in(users.iter().copied()))
        .all(db)
        .await
}

/// Replaces a user's e-mail settings row.
pub async fn put_mail_settings(
    db: &impl ConnectionTrait,
    user_id: i64,
    lang: &str,
    kinds: &str,
    now: i64,
) -> Result<(), DbErr> {
    mail_setting::Entity::delete_many()
        .filter(mail_setting::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    mail_setting::ActiveModel {
        user_id: Set(user_id),
        lang: Set(lang.to_string()),
        kinds: Set(kinds.to_string()),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}
