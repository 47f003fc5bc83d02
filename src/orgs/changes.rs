//! Changes to the registry, each one write transaction that also records what search and the
//! regulators need: registering and editing a profile (with the outbox row), and the
//! regulator's rating and credit decisions (with their event row and the outbox row).

use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use time::Date;

use super::model::{Org, apply, org_member, organization, reg_event, set_domains};
use super::rules::{CreditStatus, OrgDraft, RatingDecision};
use crate::accounts::OrgRole;

/// Registers an organization; the creator becomes its administrator (on the audit record).
/// One transaction. The caller checks the creator may join (`Action::CreateOrg`).
pub async fn create(
    db: &DatabaseConnection,
    d: &OrgDraft,
    creator: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let mut am = organization::ActiveModel {
        credit_status: Set(CreditStatus::Normal.code().to_string()),
        // A registration is checked by a regulator before the organization may bid.
        verification: Set(super::rules::Verification::Unverified.code().to_string()),
        registration_status: Set(super::rules::RegistrationStatus::Active.code().to_string()),
        rating_grade: Set(None),
        rating_valid_until: Set(None),
        created_by: Set(Some(creator)),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut am, d, now);
    let org = am.insert(&*txn).await?;
    set_domains(&*txn, org.id, &d.domains).await?;
    org_member::ActiveModel {
        org_id: Set(org.id),
        user_id: Set(creator),
        role: Set(OrgRole::Admin.code().to_string()),
        added_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    // The first membership is on the record like every later one.
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(creator),
            entity: "org",
            entity_id: org.id,
            action: "registered",
            detail: serde_json::json!({ "user": creator, "role": OrgRole::Admin.code() }),
            public: false,
        },
    )
    .await?;
    crate::kernel::outbox::enqueue(&*txn, crate::kernel::outbox::Kind::Orgs, org.id, now).await?;
    txn.commit().await?;
    Ok(org.id)
}

/// Updates a profile (not its rating or credit status). One transaction.
pub async fn update(db: &DatabaseConnection, id: i64, d: &OrgDraft, now: i64) -> Result<(), DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(o) = organization::Entity::find_by_id(id).one(&*txn).await? else {
        return Err(DbErr::RecordNotFound(format!("organization {id}")));
    };
    let mut am: organization::ActiveModel = o.into();
    apply(&mut am, d, now);
    am.update(&*txn).await?;
    set_domains(&*txn, id, &d.domains).await?;
    crate::kernel::outbox::enqueue(&*txn, crate::kernel::outbox::Kind::Orgs, id, now).await?;
    txn.commit().await?;
    Ok(())
}

/// One regulatory decision to record.
struct Decision<'a> {
    kind: &'a str,
    old: String,
    new: String,
    reason: &'a str,
}

async fn log_event(
    db: &impl ConnectionTrait,
    org_id: i64,
    actor: Option<i64>,
    d: Decision<'_>,
    now: i64,
) -> Result<(), DbErr> {
    reg_event::ActiveModel {
        org_id: Set(org_id),
        actor_id: Set(actor),
        kind: Set(d.kind.to_string()),
        old_value: Set(d.old),
        new_value: Set(d.new),
        reason: Set(d.reason.to_string()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // Ratings and credit status show in search results and facets.
    crate::kernel::outbox::enqueue(db, crate::kernel::outbox::Kind::Orgs, org_id, now).await
}

fn rating_text(grade: Option<i16>, until: Option<Date>) -> String {
    match (grade, until) {
        (Some(g), Some(u)) => format!("{g}A until {u}"),
        _ => "none".to_string(),
    }
}

/// Records a rating decision with its event. One transaction.
pub async fn set_rating(
    db: &DatabaseConnection,
    org: &Org,
    decision: RatingDecision,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<(), DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let old = rating_text(org.rating_grade, org.rating_valid_until);
    let new = rating_text(decision.map(|d| d.0), decision.map(|d| d.1));
    organization::Entity::update_many()
        .col_expr(
            organization::Column::RatingGrade,
            Expr::value(decision.map(|d| d.0)),
        )
        .col_expr(
            organization::Column::RatingValidUntil,
            Expr::value(decision.map(|d| d.1)),
        )
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(org.id))
        .exec(&*txn)
        .await?;
    log_event(
        &*txn,
        org.id,
        Some(actor),
        Decision {
            kind: "rating",
            old,
            new,
            reason,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves an organization on or off a credit list, with its event. One transaction.
pub async fn set_credit(
    db: &DatabaseConnection,
    org: &Org,
    status: CreditStatus,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<(), DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    set_credit_in(
        &*txn,
        org.id,
        &org.credit_status,
        status,
        reason,
        Some(actor),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves an organization on or off a credit list inside the caller's transaction (the
/// credit engine's, which writes the case and its audit entry in the same one), with its
/// event; `actor` none when a rule acted. `old` is the status the caller read.
pub async fn set_credit_in(
    db: &impl ConnectionTrait,
    org_id: i64,
    old: &str,
    status: CreditStatus,
    reason: &str,
    actor: Option<i64>,
    now: i64,
) -> Result<(), DbErr> {
    organization::Entity::update_many()
        .col_expr(
            organization::Column::CreditStatus,
            Expr::value(status.code()),
        )
        .col_expr(organization::Column::RegistrationEndedAt, Expr::value(now))
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(org_id))
        .exec(db)
        .await?;
    log_event(
        db,
        org_id,
        actor,
        Decision {
            kind: "credit",
            old: old.to_string(),
            new: status.code().to_string(),
            reason,
        },
        now,
    )
    .await
}

/// Ends an organization's registration (a regulator's zombie outcome), inside the caller's
/// transaction: a conditional update from `active`, an event on its history and the search
/// outbox row. `false` when it no longer stood (nothing written). From then on
/// [`crate::orgs::is_verified`] refuses it everywhere it is asked.
pub async fn end_registration_in(
    db: &impl ConnectionTrait,
    org_id: i64,
    status: super::rules::RegistrationStatus,
    reason: &str,
    actor: Option<i64>,
    now: i64,
) -> Result<bool, DbErr> {
    use super::rules::RegistrationStatus;
    let res = organization::Entity::update_many()
        .col_expr(
            organization::Column::RegistrationStatus,
            Expr::value(status.code()),
        )
        .col_expr(organization::Column::RegistrationEndedAt, Expr::value(now))
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(org_id))
        .filter(organization::Column::RegistrationStatus.eq(RegistrationStatus::Active.code()))
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    log_event(
        db,
        org_id,
        actor,
        Decision {
            kind: "registration",
            old: RegistrationStatus::Active.code().to_string(),
            new: status.code().to_string(),
            reason,
        },
        now,
    )
    .await?;
    Ok(true)
}
