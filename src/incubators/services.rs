//! The services log: trainings an incubator holds, with attendance taken per tenant, and
//! one-to-one guidance sessions with a tenant whose notes are private to the incubator and
//! the tenant (regulators see the sessions, not the notes), and venture-philanthropy support
//! (公益创投: coaching for a call, seed funding in fen, an introduction to a funder). Each
//! entry is written with its audit entry in one transaction; a tenant's page shows its
//! services as a timeline with the hours received.

pub mod model;
pub mod rules;

use sea_orm::{DatabaseConnection, DbErr};

use super::model::{Incubator, Tenant};
use rules::{GuidanceDraft, TrainingDraft, VpDraft};

/// Logs a training and who attended, with its audit entry. The attendees were checked to be
/// the incubator's tenants in residence.
pub async fn log_training(
    db: &DatabaseConnection,
    inc: &Incubator,
    d: &TrainingDraft,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let id = model::insert_training(&*txn, inc.id, d, actor, now).await?;
    super::audit(
        &*txn,
        now,
        actor,
        "incubator",
        inc.id,
        "training_logged",
        serde_json::json!({
            "training": id, "topic": d.topic, "trainer": d.trainer, "held_at": d.held_at,
            "minutes": d.minutes, "attendees": d.attendees,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Logs a guidance session with a tenant, with its audit entry (which leaves the private
/// notes out: the audit log is read by regulators).
pub async fn log_guidance(
    db: &DatabaseConnection,
    t: &Tenant,
    d: &GuidanceDraft,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let id = model::insert_guidance(&*txn, t.incubator_id, t.id, d, actor, now).await?;
    super::audit(
        &*txn,
        now,
        actor,
        "incubator_tenant",
        t.id,
        "guidance_logged",
        serde_json::json!({
            "guidance": id, "mentor": d.mentor, "topic": d.topic, "held_at": d.held_at,
            "minutes": d.minutes,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Logs venture-philanthropy support given to a tenant, with its audit entry.
pub async fn log_vp_support(
    db: &DatabaseConnection,
    t: &Tenant,
    d: &VpDraft,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let id = model::insert_vp_support(&*txn, t.incubator_id, t.id, d, actor, now).await?;
    super::audit(
        &*txn,
        now,
        actor,
        "incubator_tenant",
        t.id,
        "vp_support_logged",
        serde_json::json!({
            "vp_support": id, "kind": d.kind.code(), "topic": d.topic, "partner": d.partner,
            "held_at": d.held_at, "minutes": d.minutes, "amount_fen": d.amount.0,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// One service a tenant received.
#[derive(Debug, Clone)]
pub enum Service {
    /// A training it attended.
    Training(model::Training),
    /// A guidance session.
    Guidance(model::Guidance),
    /// Venture-philanthropy support.
    VpSupport(model::VpSupport),
}

impl Service {
    /// When it was held.
    pub fn held_at(&self) -> i64 {
        match self {
            Service::Training(t) => t.held_at,
            Service::Guidance(g) => g.held_at,
            Service::VpSupport(v) => v.held_at,
        }
    }

    /// How long, in minutes.
    pub fn minutes(&self) -> i64 {
        i64::from(match self {
            Service::Training(t) => t.minutes,
            Service::Guidance(g) => g.minutes,
            Service::VpSupport(v) => v.minutes,
        })
    }
}

/// A tenant's services, newest first (four queries).
pub async fn timeline(
    db: &impl sea_orm::ConnectionTrait,
    t: &Tenant,
) -> Result<Vec<Service>, DbErr> {
    let mut out: Vec<Service> = model::attended_by(db, t.id)
        .await?
        .into_iter()
        .map(Service::Training)
        .collect();
    out.extend(
        model::guidance_of(db, t.id)
            .await?
            .into_iter()
            .map(Service::Guidance),
    );
    out.extend(
        model::vp_support_of(db, t.id)
            .await?
            .into_iter()
            .map(Service::VpSupport),
    );
    out.sort_by_key(|s| std::cmp::Reverse(s.held_at()));
    Ok(out)
}
