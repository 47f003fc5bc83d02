//! Verification of registrations and claims of records, each one write transaction with its
//! audit entry and its notices: a regulator verifies or refuses a registration (an event on
//! the organization's history too); a user claims a record with evidence; a regulator
//! approves the claim (the claimant becomes an administrator and the organization verified)
//! or refuses it with a reason.

use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;
use sha2::Digest;

use super::model::{self, ClaimSummary, Org, org_claim, reg_event};
use super::rules::{ClaimDraft, ClaimState, Decision, Verification, VettingRefusal};
use crate::accounts::{OrgRole, Role};
use crate::inbox::{Kind, Params};

/// The administrators of an organization, by user id.
async fn admins_of(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(model::member_roles(db, org_id)
        .await?
        .into_iter()
        .filter(|(_, r)| *r == OrgRole::Admin)
        .map(|(u, _)| u)
        .collect())
}

/// Whether an organization may bid, apply and be invited: verified by a regulator and its
/// registration standing (not revoked or deregistered). The one question other rooms ask
/// about eligibility by registration.
pub fn is_verified(o: &Org) -> bool {
    Verification::of(&o.verification).may_act()
        && super::rules::RegistrationStatus::of(&o.registration_status).stands()
}

/// How the organization's registration ended (`None` while it stands): the specific reason
/// other rooms name when they refuse it.
pub fn ended(o: &Org) -> Option<super::rules::Ended> {
    super::rules::RegistrationStatus::ended(&o.registration_status, o.registration_ended_at)
}

/// A regulator verifies or refuses a registration, with a reason. One transaction: the
/// conditional update, an event on the organization's history, the audit entry, the outbox
/// row and notices to the organization's administrators.
pub async fn verify(
    db: &DatabaseConnection,
    org: &Org,
    decision: Decision,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<Verification, VettingRefusal>, DbErr> {
    let from = Verification::of(&org.verification);
    let Some(to) = from.apply(decision) else {
        return Ok(Err(VettingRefusal::NotApplicable));
    };
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::move_verification(&*txn, org.id, &org.verification, to.code(), now).await? {
        txn.commit().await?;
        return Ok(Err(VettingRefusal::NotApplicable));
    }
    reg_event::ActiveModel {
        org_id: Set(org.id),
        actor_id: Set(Some(actor)),
        kind: Set("verification".to_string()),
        old_value: Set(from.code().to_string()),
        new_value: Set(to.code().to_string()),
        reason: Set(reason.to_string()),
        at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "org",
            entity_id: org.id,
            action: if to == Verification::Verified {
                "verified"
            } else {
                "verification_refused"
            },
            detail: serde_json::json!({ "from": from.code(), "to": to.code(), "reason": reason }),
            public: false,
        },
    )
    .await?;
    let kind = if to == Verification::Verified {
        Kind::OrgVerified
    } else {
        Kind::OrgVerificationRefused
    };
    let params = Params::new()
        .text("org", &org.name)
        .text("reason", reason)
        .link(format!("/orgs/{}", org.id));
    let admins = admins_of(&*txn, org.id).await?;
    crate::inbox::notify(&*txn, &admins, kind, &params, now).await?;
    crate::kernel::outbox::enqueue(&*txn, crate::kernel::outbox::Kind::Orgs, org.id, now).await?;
    txn.commit().await?;
    Ok(Ok(to))
}

/// A user claims an organization's record with evidence. One transaction: the claim (one
/// open claim per user and organization, kept by a unique index too), the audit entry and
/// notices to every regulator and to the organization's administrators, if any. Refused: a
/// platform administrator, an administrator of the organization, a second open claim.
pub async fn submit_claim(
    db: &DatabaseConnection,
    org: &Org,
    user: i64,
    d: &ClaimDraft,
    now: i64,
) -> Result<Result<i64, VettingRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    crate::accounts::lock_user(&*txn, user).await?;
    let refusal =
        if crate::accounts::may_join(&crate::accounts::roles_of(&*txn, user).await?).is_err() {
            Some(VettingRefusal::CannotJoin)
        } else if admins_of(&*txn, org.id).await?.contains(&user) {
            Some(VettingRefusal::AlreadyAdmin)
        } else if model::open_claim(&*txn, org.id, user).await?.is_some() {
            Some(VettingRefusal::AlreadyOpen)
        } else {
            None
        };
    if let Some(r) = refusal {
        // Nothing was written: end the transaction now rather than leave it to the pool.
        txn.commit().await?;
        return Ok(Err(r));
    }
    let digest = hex::encode(sha2::Sha256::digest(&d.bytes));
    let claim = org_claim::ActiveModel {
        org_id: Set(org.id),
        user_id: Set(user),
        evidence: Set(d.evidence.clone()),
        file_name: Set(d.file_name.clone()),
        file_mime: Set(d.mime.to_string()),
        file_sha256: Set(digest.clone()),
        file_bytes: Set(d.bytes.clone()),
        state: Set(ClaimState::Pending.code().to_string()),
        reason: Set(String::new()),
        decided_by: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(user),
            entity: "org",
            entity_id: org.id,
            action: "claim_submitted",
            detail: serde_json::json!({
                "claim": claim.id,
                "user": user,
                "file_sha256": digest,
            }),
            public: false,
        },
    )
    .await?;
    let (name, _) = crate::accounts::names_of_pair(&*txn, user, user).await?;
    let params = Params::new()
        .text("user", name)
        .text("org", &org.name)
        .link(format!("/orgs/{}/claims/{}", org.id, claim.id));
    let mut to = crate::accounts::holders_of(&*txn, Role::Regulator).await?;
    to.extend(admins_of(&*txn, org.id).await?);
    to.retain(|u| *u != user);
    crate::inbox::notify(&*txn, &to, Kind::OrgClaimSubmitted, &params, now).await?;
    txn.commit().await?;
    Ok(Ok(claim.id))
}

/// What an approved claim tells the work another room does in the approval's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimApproved {
    /// The organization claimed.
    pub org_id: i64,
    /// The claim.
    pub claim_id: i64,
    /// The claimant, now an administrator of the organization.
    pub user_id: i64,
    /// The regulator who approved.
    pub actor: i64,
    /// Unix seconds.
    pub now: i64,
}

/// Work another room does inside the transaction that approves a claim (composed at the
/// pages level, so `orgs` names no other room): its error undoes the approval.
pub type OnClaimApproved = for<'t> fn(
    &'t sea_orm::DatabaseTransaction,
    ClaimApproved,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<(), DbErr>> + Send + 't>,
>;

/// A regulator approves or refuses a pending claim, with a reason. One transaction: the
/// conditional state change; on approval the claimant becomes an administrator and the
/// organization verified (the regulator checked the certificate), and `on_approved` runs;
/// the audit entry; notices to the claimant and the organization's administrators as they
/// were.
#[allow(clippy::too_many_arguments)]
pub async fn decide_claim(
    db: &DatabaseConnection,
    org: &Org,
    claim: &ClaimSummary,
    decision: Decision,
    reason: &str,
    actor: i64,
    now: i64,
    on_approved: Option<OnClaimApproved>,
) -> Result<Result<ClaimState, VettingRefusal>, DbErr> {
    let from = ClaimState::parse(&claim.state).unwrap_or(ClaimState::Refused);
    let Some(to) = from.apply(decision) else {
        return Ok(Err(VettingRefusal::NotApplicable));
    };
    let txn = crate::kernel::db::begin_write(db).await?;
    crate::accounts::lock_user(&*txn, claim.user_id).await?;
    if to == ClaimState::Approved
        && crate::accounts::may_join(&crate::accounts::roles_of(&*txn, claim.user_id).await?)
            .is_err()
    {
        txn.commit().await?;
        return Ok(Err(VettingRefusal::CannotJoin));
    }
    if !model::move_claim(&*txn, claim.id, from.code(), to.code(), reason, actor, now).await? {
        txn.commit().await?;
        return Ok(Err(VettingRefusal::NotApplicable));
    }
    let admins = admins_of(&*txn, org.id).await?;
    let mut verified_now = false;
    if to == ClaimState::Approved {
        model::set_member(&*txn, org.id, claim.user_id, OrgRole::Admin, now).await?;
        let current = Verification::of(&org.verification);
        if let Some(v) = current.apply(Decision::Approve) {
            verified_now =
                model::move_verification(&*txn, org.id, current.code(), v.code(), now).await?;
        }
        crate::kernel::outbox::enqueue(&*txn, crate::kernel::outbox::Kind::Orgs, org.id, now)
            .await?;
    }
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "org",
            entity_id: org.id,
            action: if to == ClaimState::Approved {
                "claim_approved"
            } else {
                "claim_refused"
            },
            detail: serde_json::json!({
                "claim": claim.id,
                "user": claim.user_id,
                "role": (to == ClaimState::Approved).then_some(OrgRole::Admin.code()),
                "verified": verified_now,
                "reason": reason,
            }),
            public: false,
        },
    )
    .await?;
    if to == ClaimState::Approved
        && let Some(f) = on_approved
    {
        f(
            &txn,
            ClaimApproved {
                org_id: org.id,
                claim_id: claim.id,
                user_id: claim.user_id,
                actor,
                now,
            },
        )
        .await?;
    }
    let (claimant, _) = crate::accounts::names_of_pair(&*txn, claim.user_id, actor).await?;
    let params = Params::new()
        .text("user", claimant)
        .text("org", &org.name)
        .text("reason", reason)
        .link(format!("/orgs/{}/claims/{}", org.id, claim.id));
    let kind = if to == ClaimState::Approved {
        Kind::OrgClaimApproved
    } else {
        Kind::OrgClaimRefused
    };
    crate::inbox::notify_change(&*txn, admins, claim.user_id, actor, kind, &params, now).await?;
    txn.commit().await?;
    Ok(Ok(to))
}
