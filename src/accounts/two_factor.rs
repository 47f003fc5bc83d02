//! Two-factor sign-in (TOTP, RFC 6238): the operations that write, each in one transaction
//! with its audit entry. The secret is sealed with the key kept outside the database and
//! bound to its user; recovery codes are kept only as hashes; a code's time step is
//! recorded by a conditional update, so a code works once even when two requests race.

use sea_orm::DatabaseConnection;
use sea_orm::DbErr;

use super::two_factor_model as model;
use super::two_factor_rules::{self as rules, CodeRefusal, Entered};
use crate::kernel::seal::SealKey;

/// Where a user's two-factor sign-in stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Off.
    Off,
    /// Waiting for the first code of this secret.
    Pending {
        /// The secret (shown until the enrolment is confirmed, never after).
        secret: Vec<u8>,
    },
    /// On since an instant, with the recovery codes still unused.
    On {
        /// Unix seconds.
        since: i64,
        /// Unused recovery codes.
        recovery_left: u64,
    },
}

/// The seal's context of a user's secret: a sealed secret copied to another user's row
/// does not open.
fn context(user_id: i64) -> String {
    format!("totp:{user_id}")
}

/// Where a user's two-factor sign-in stands (a waiting secret that no longer opens counts
/// as off).
pub async fn status(
    db: &DatabaseConnection,
    seal: &SealKey,
    user_id: i64,
) -> Result<Status, DbErr> {
    let Some(row) = model::totp_of(db, user_id).await? else {
        return Ok(Status::Off);
    };
    Ok(match row.enabled_at {
        Some(since) => Status::On {
            since,
            recovery_left: model::recovery_left(db, user_id).await?,
        },
        None => match seal.open(&context(user_id), &row.secret_sealed) {
            Ok(secret) => Status::Pending { secret },
            Err(_) => Status::Off,
        },
    })
}

/// Whether a user has two-factor sign-in switched on.
pub async fn is_on(db: &DatabaseConnection, user_id: i64) -> Result<bool, DbErr> {
    model::is_on(db, user_id).await
}

/// Begins an enrolment with a new random secret (replacing a waiting one); `false` when
/// two-factor sign-in is already on. Nothing is audited yet: nothing is switched on.
pub async fn start_enrolment(
    db: &DatabaseConnection,
    seal: &SealKey,
    user_id: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let secret: [u8; rules::SECRET_BYTES] = rand::random();
    let sealed = seal.seal(&context(user_id), &secret);
    let txn = crate::kernel::db::begin_write(db).await?;
    super::lock_user(&*txn, user_id).await?;
    let put = model::put_pending(&*txn, user_id, &sealed, now).await?;
    txn.commit().await?;
    Ok(put)
}

/// Confirms a waiting enrolment with a current code: switches it on, records the code's step
/// (so it cannot sign in), stores the hashes of [`rules::RECOVERY_CODES`] new recovery codes
/// and audits it, in one transaction; returns the codes to show once. `Err(Wrong)` also
/// when nothing was waiting.
pub async fn confirm_enrolment(
    db: &DatabaseConnection,
    seal: &SealKey,
    user_id: i64,
    code: &str,
    now: i64,
) -> Result<Result<Vec<String>, CodeRefusal>, DbErr> {
    let Some(Entered::Code(code)) = rules::parse_entered(code) else {
        return Ok(Err(CodeRefusal::Malformed));
    };
    let txn = crate::kernel::db::begin_write(db).await?;
    super::lock_user(&*txn, user_id).await?;
    let row = model::totp_of(&*txn, user_id)
        .await?
        .filter(|r| r.enabled_at.is_none());
    let secret = row.and_then(|r| seal.open(&context(user_id), &r.secret_sealed).ok());
    let Some(secret) = secret else {
        txn.commit().await?;
        return Ok(Err(CodeRefusal::Wrong));
    };
    let step = match rules::accepted_step(&secret, &code, now, None) {
        Ok(step) => step,
        Err(refusal) => {
            txn.commit().await?;
            return Ok(Err(refusal));
        }
    };
    if !model::enable(&*txn, user_id, step, now).await? {
        txn.commit().await?;
        return Ok(Err(CodeRefusal::Wrong));
    }
    let (codes, hashes) = new_recovery_codes(user_id);
    model::replace_recovery(&*txn, user_id, &hashes, now).await?;
    audit(
        &*txn,
        now,
        user_id,
        user_id,
        "two_factor_enabled",
        serde_json::json!({ "user": user_id, "recovery_codes": codes.len() }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(codes))
}

/// New recovery codes, shown once: [`rules::RECOVERY_CODES`] random codes whose hashes are
/// all that is kept.
fn new_recovery_codes(user_id: i64) -> (Vec<String>, Vec<String>) {
    let codes: Vec<String> = (0..rules::RECOVERY_CODES)
        .map(|_| rules::recovery_code(&rand::random()))
        .collect();
    let hashes = codes
        .iter()
        .filter_map(|c| rules::normalize_recovery(c))
        .map(|n| rules::recovery_hash(user_id, &n))
        .collect();
    (codes, hashes)
}

/// An audit entry of a user's two-factor sign-in (never public).
async fn audit(
    db: &impl sea_orm::ConnectionTrait,
    now: i64,
    actor: i64,
    user_id: i64,
    action: &'static str,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "user",
            entity_id: user_id,
            action,
            detail,
            public: false,
        },
    )
    .await
}

/// Replaces a user's recovery codes with new ones (the caller checked a current code or the
/// password): the old ones, used or not, stop working; audited in the same transaction.
/// `None` when two-factor sign-in is not on.
pub async fn regenerate_recovery(
    db: &DatabaseConnection,
    user_id: i64,
    now: i64,
) -> Result<Option<Vec<String>>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    super::lock_user(&*txn, user_id).await?;
    if !model::is_on(&*txn, user_id).await? {
        txn.commit().await?;
        return Ok(None);
    }
    let (codes, hashes) = new_recovery_codes(user_id);
    model::replace_recovery(&*txn, user_id, &hashes, now).await?;
    audit(
        &*txn,
        now,
        user_id,
        user_id,
        "recovery_codes_regenerated",
        serde_json::json!({ "user": user_id, "recovery_codes": codes.len() }),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(codes))
}

/// An administrator switches off the two-factor sign-in of a user who lost both the
/// authenticator and the recovery codes (after checking who they are by another channel):
/// the secret and the codes go, audited with the administrator and the reason, in one
/// transaction, with a notice to the user. Refused for the administrator's own account (a stolen administrator session
/// must not shed its own second factor: the owner uses a recovery code or the password on
/// `/me/two-factor`). `Ok(false)` when it was not on.
pub async fn reset_by_admin(
    db: &DatabaseConnection,
    user_id: i64,
    admin: i64,
    reason: &str,
    now: i64,
) -> Result<Result<bool, super::DisableRefusal>, DbErr> {
    if user_id == admin {
        return Ok(Err(super::DisableRefusal::OwnAccount));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    super::lock_user(&*txn, user_id).await?;
    if !model::is_on(&*txn, user_id).await? {
        txn.commit().await?;
        return Ok(Ok(false));
    }
    model::remove(&*txn, user_id).await?;
    audit(
        &*txn,
        now,
        admin,
        user_id,
        "two_factor_reset",
        serde_json::json!({ "user": user_id, "reason": reason }),
    )
    .await?;
    // The owner hears of it (in their inbox, and by mail when mail is on): a reset they did
    // not ask for is a sign that someone else is at the account.
    let (_, by) = super::names_of_pair(&*txn, user_id, admin).await?;
    crate::inbox::notify(
        &*txn,
        &[user_id],
        crate::inbox::Kind::TwoFactorReset,
        &crate::inbox::Params::new()
            .text("by", by)
            .text("reason", reason)
            .link("/me/two-factor"),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(true))
}

/// Which of these users have two-factor sign-in on.
pub async fn on_among(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<std::collections::HashSet<i64>, DbErr> {
    model::on_among(db, ids).await
}

/// What a second factor was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Used {
    /// A code from the authenticator app.
    Code,
    /// A recovery code (now spent), with how many are left.
    Recovery {
        /// Unused recovery codes after this one.
        left: u64,
    },
}

/// Checks a second factor of a user whose two-factor sign-in is on and spends it, in one
/// transaction: a code's step is recorded (a code, or an earlier one, never works again); a
/// recovery code is marked used and audited. Refused: a malformed entry, a wrong code or
/// an unknown or used recovery code (`Wrong`), a code whose step was used (`Replayed`).
pub async fn verify(
    db: &DatabaseConnection,
    seal: &SealKey,
    user_id: i64,
    input: &str,
    now: i64,
) -> Result<Result<Used, CodeRefusal>, DbErr> {
    let Some(entered) = rules::parse_entered(input) else {
        return Ok(Err(CodeRefusal::Malformed));
    };
    let txn = crate::kernel::db::begin_write(db).await?;
    super::lock_user(&*txn, user_id).await?;
    let row = model::totp_of(&*txn, user_id)
        .await?
        .filter(|r| r.enabled_at.is_some());
    let Some(row) = row else {
        txn.commit().await?;
        return Ok(Err(CodeRefusal::Wrong));
    };
    let outcome = match entered {
        Entered::Code(code) => {
            let Ok(secret) = seal.open(&context(user_id), &row.secret_sealed) else {
                txn.commit().await?;
                return Ok(Err(CodeRefusal::Wrong));
            };
            match rules::accepted_step(&secret, &code, now, row.last_step) {
                Ok(step) if model::accept_step(&*txn, user_id, step).await? => Ok(Used::Code),
                Ok(_) => Err(CodeRefusal::Replayed),
                Err(refusal) => Err(refusal),
            }
        }
        Entered::Recovery(normalized) => {
            let hash = rules::recovery_hash(user_id, &normalized);
            if model::spend_recovery(&*txn, user_id, &hash, now).await? {
                let left = model::recovery_left(&*txn, user_id).await?;
                audit(
                    &*txn,
                    now,
                    user_id,
                    user_id,
                    "recovery_code_used",
                    serde_json::json!({ "user": user_id, "left": left }),
                )
                .await?;
                Ok(Used::Recovery { left })
            } else {
                Err(CodeRefusal::Wrong)
            }
        }
    };
    txn.commit().await?;
    Ok(outcome)
}

/// Switches two-factor sign-in off (the caller checked a current code or the password):
/// the secret and the recovery codes are removed and the change audited, in one
/// transaction. `false` when it was not on.
pub async fn disable(db: &DatabaseConnection, user_id: i64, now: i64) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    super::lock_user(&*txn, user_id).await?;
    if !model::is_on(&*txn, user_id).await? {
        txn.commit().await?;
        return Ok(false);
    }
    model::remove(&*txn, user_id).await?;
    audit(
        &*txn,
        now,
        user_id,
        user_id,
        "two_factor_disabled",
        serde_json::json!({ "user": user_id }),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
