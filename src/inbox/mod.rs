//! The inbox: notices addressed to one user — changes to their memberships and roles, the
//! membership changes of the organizations and units they administer, and attempts to sign
//! up with their e-mail. (Invitations to bid stay with `matching`: they are addressed to an
//! organization, not a person.)
//!
//! Invariants: a notice is written in the same transaction as the change it reports, so a
//! change and its notices commit together or not at all; it stores a kind code and
//! parameters, never rendered text (it reads in the recipient's language); a user sees and
//! marks only their own. The unread count every signed-in page shows is read in the same
//! query as the user ([`UNREAD_ROWS_SQL`]).
//!
//! E-mail (issue 11 point 6): when mail is on, every notice also queues a `mail_queue` row in
//! its transaction; the mail job (`app::jobs::send_mail`) sends what the recipient chose
//! ([`MailChoice`], `/me/settings`) in their language, retried with backoff, each row claimed
//! by a conditional update so two instances do not both send it. Password-reset links are
//! queued here too ([`queue_mail`]). May call: the kernel, `audit`, `web` (routes, views).

pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

pub use model::mail_queue::Model as QueuedMail;
pub use model::{Notice, UNREAD_ROWS_SQL, claim_mail, due_mail, fail_mail, finish_mail};
pub use rules::{Kind, MAIL_PASSWORD_RESET, Params, mail_retry_delay, mail_text};

use crate::kernel::Lang;

/// Queues a mail that is no notice (a password-reset link) for one user, in `lang`, inside
/// the caller's transaction. Written whether or not mail is on: the caller checks.
pub async fn queue_mail(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: &str,
    params: &Params,
    lang: Lang,
    now: i64,
) -> Result<(), DbErr> {
    model::queue_mail(
        db,
        vec![(
            user_id,
            kind.to_string(),
            params.to_json(),
            lang.code().to_string(),
        )],
        now,
    )
    .await
}

/// A user's e-mail choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailChoice {
    /// The language of their mail.
    pub lang: Lang,
    /// The kinds of notice that also come by e-mail.
    pub kinds: Vec<Kind>,
    /// Whether the user saved a choice (otherwise these are the defaults).
    pub chosen: bool,
}

impl MailChoice {
    /// The defaults: Chinese, [`rules::default_mail_kinds`].
    pub fn default_choice() -> MailChoice {
        MailChoice {
            lang: Lang::Zh,
            kinds: rules::default_mail_kinds(),
            chosen: false,
        }
    }

    /// Whether a queued mail of this kind code goes out: a reset link always, a notice when
    /// its kind is chosen.
    pub fn wants(&self, kind: &str) -> bool {
        kind == MAIL_PASSWORD_RESET || Kind::parse(kind).is_some_and(|k| self.kinds.contains(&k))
    }
}

/// The e-mail choices of these users (the defaults for those who never chose), by user.
pub async fn mail_choices(
    db: &impl ConnectionTrait,
    users: &[i64],
) -> Result<std::collections::HashMap<i64, MailChoice>, DbErr> {
    let rows = model::mail_settings_of(db, users).await?;
    Ok(users
        .iter()
        .map(|u| {
            let choice = rows
                .iter()
                .find(|r| r.user_id == *u)
                .map(|r| MailChoice {
                    lang: Lang::parse(&r.lang).unwrap_or(Lang::Zh),
                    kinds: rules::kinds_from_codes(&r.kinds),
                    chosen: true,
                })
                .unwrap_or_else(MailChoice::default_choice);
            (*u, choice)
        })
        .collect())
}

/// Saves a user's e-mail choices, with the audit entry, in one transaction.
pub async fn save_mail_choice(
    db: &DatabaseConnection,
    user_id: i64,
    kinds: &[Kind],
    lang: Lang,
    now: i64,
) -> Result<(), DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let codes = rules::kinds_to_codes(kinds);
    model::put_mail_settings(&*txn, user_id, lang.code(), &codes, now).await?;
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(user_id),
            entity: "user",
            entity_id: user_id,
            action: "mail_settings_saved",
            detail: serde_json::json!({ "user": user_id, "lang": lang.code(), "kinds": codes }),
            public: false,
        },
    )
    .await?;
    txn.commit().await
}

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
    model::insert_many(db, &to, kind, params, now).await?;
    queue_notice_mail(db, &to, kind, params, now).await
}

/// Queues the e-mail copy of a notice for each recipient, in the notice's transaction, when
/// mail is on (`kernel::mail::enabled`). Whether a recipient wants this kind is decided when
/// the mail job sends it, so a change of settings applies to what is still waiting.
async fn queue_notice_mail(
    db: &impl ConnectionTrait,
    to: &[i64],
    kind: Kind,
    params: &Params,
    now: i64,
) -> Result<(), DbErr> {
    if !crate::kernel::mail::enabled() || to.is_empty() {
        return Ok(());
    }
    let json = params.to_json();
    let rows = to
        .iter()
        .map(|u| (*u, kind.code().to_string(), json.clone(), String::new()))
        .collect();
    model::queue_mail(db, rows, now).await
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
    model::insert_batch(db, &notices, now).await?;
    if crate::kernel::mail::enabled() {
        let rows: Vec<(i64, String, String, String)> = notices
            .iter()
            .flat_map(|(to, kind, params)| {
                let json = params.to_json();
                to.iter()
                    .map(move |u| (*u, kind.code().to_string(), json.clone(), String::new()))
            })
            .collect();
        model::queue_mail(db, rows, now).await?;
    }
    Ok(())
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
