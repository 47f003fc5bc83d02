//! The inbox: notices addressed to one user — changes to their memberships and roles, the
//! membership changes of the organizations and units they administer, and attempts to sign
//! up with their e-mail. (Invitations to bid stay with `matching`: they are addressed to an
//! organization, not a person.)
//!
//! Invariants: a notice is written in the same transaction as the change it reports, so a
//! change and its notices commit together or not at all; it stores a kind code and
//! parameters, never rendered text (it reads in the recipient's language); a user sees and
//! marks only their own. The unread count every signed-in page shows is read in the same
//! query as the user ([`UNREAD_ROWS_SQL`]). May call: the kernel, `web` (routes, views).

pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

pub use model::{Notice, UNREAD_ROWS_SQL};
pub use rules::{Kind, Params};

/// Puts a notice in the inbox of each recipient (each once, in one statement). Call inside
/// the transaction that makes the change it reports.
pub async fn notify(
    db: &impl ConnectionTrait,
    recipients: &[i64],
    kind: Kind,
    params: &Params,
    now: i64,
) -> Result<(), DbErr> {
    let mut to = recipients.to_vec();
    to.sort_unstable();
    to.dedup();
    model::insert_many(db, &to, kind, params, now).await
}

/// Several notices at once (a batch job's), each to its recipients, in one insert.
pub async fn notify_many(
    db: &impl ConnectionTrait,
    notices: &[(Vec<i64>, Kind, Params)],
    now: i64,
) -> Result<(), DbErr> {
    let notices: Vec<(Vec<i64>, Kind, &Params)> = notices
        .iter()
        .map(|(to, kind, params)| {
            let mut to = to.clone();
            to.sort_unstable();
            to.dedup();
            (to, *kind, params)
        })
        .collect();
    model::insert_batch(db, &notices, now).await
}

/// Notifies those concerned by a change one user made about another: `before` (the
/// administrators, buyers or role holders as they were before the change) and the user
/// concerned, never the one acting, who knows already.
pub async fn notify_change(
    db: &impl ConnectionTrait,
    before: Vec<i64>,
    target: i64,
    actor: i64,
    kind: Kind,
    params: &Params,
    now: i64,
) -> Result<(), DbErr> {
    let mut to = before;
    to.push(target);
    to.retain(|u| *u != actor);
    notify(db, &to, kind, params, now).await
}

/// Marks one of the user's notices (or all of them) read; how many changed.
pub async fn mark_read(
    db: &DatabaseConnection,
    user_id: i64,
    id: Option<i64>,
    now: i64,
) -> Result<u64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let n = model::mark_read(&*txn, user_id, id, now).await?;
    txn.commit().await?;
    Ok(n)
}

/// The user's newest notices (at most `limit`).
pub async fn latest(
    db: &impl ConnectionTrait,
    user_id: i64,
    limit: u64,
) -> Result<Vec<Notice>, DbErr> {
    model::latest(db, user_id, limit).await
}
