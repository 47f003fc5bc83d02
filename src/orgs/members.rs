//! Membership changes, each one write transaction that also records the audit entry (not
//! public: who, whom, which role, why) and the notices to the organization's existing
//! administrators and the user concerned. Separation of duties holds here: a platform
//! administrator never becomes a member, and the last administrator never leaves.

use sea_orm::{DatabaseConnection, DbErr};

use super::model::{self, Org};
use crate::accounts::{DutyRefusal, OrgRole};
use crate::inbox::{Kind, Params};

/// What a membership write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    /// The user became a member.
    Added,
    /// The member's role changed from this one.
    RoleChanged(OrgRole),
    /// The user was removed.
    Removed,
    /// Nothing to do: already so.
    Unchanged,
}

/// Adds a member, or changes a member's role, with a reason. Refused: a platform
/// administrator (separation of duties), and making the last administrator a plain member.
pub async fn add_member(
    db: &DatabaseConnection,
    org: &Org,
    target: i64,
    role: OrgRole,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<MemberChange, DutyRefusal>, DbErr> {
    change(db, org, target, Some(role), reason, actor, now).await
}

/// Removes a member, with a reason. Refused: removing the last administrator. A platform
/// administrator's leftover membership can always be removed.
pub async fn remove_member(
    db: &DatabaseConnection,
    org: &Org,
    target: i64,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<MemberChange, DutyRefusal>, DbErr> {
    change(db, org, target, None, reason, actor, now).await
}

async fn change(
    db: &DatabaseConnection,
    org: &Org,
    target: i64,
    to: Option<OrgRole>,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<MemberChange, DutyRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    crate::accounts::lock_user(&*txn, target).await?;
    if to.is_some()
        && let Err(r) = crate::accounts::may_join(&crate::accounts::roles_of(&*txn, target).await?)
    {
        // Nothing was written: end the transaction now rather than leave it to the pool.
        txn.commit().await?;
        return Ok(Err(r));
    }
    let members = model::member_roles(&*txn, org.id).await?;
    let from = members.iter().find(|(u, _)| *u == target).map(|(_, r)| *r);
    if from == to {
        // Nothing was written: end the transaction now rather than leave it to the pool.
        txn.commit().await?;
        return Ok(Ok(MemberChange::Unchanged));
    }
    let admins: Vec<i64> = members
        .iter()
        .filter(|(_, r)| *r == OrgRole::Admin)
        .map(|(u, _)| *u)
        .collect();
    if let Err(r) = crate::accounts::keeps_an_admin(from, to, admins.len()) {
        // Nothing was written: end the transaction now rather than leave it to the pool.
        txn.commit().await?;
        return Ok(Err(r));
    }
    let (outcome, action, kind) = match (from, to) {
        (None, Some(_)) => (MemberChange::Added, "member_added", Kind::OrgMemberAdded),
        (Some(old), Some(_)) => (
            MemberChange::RoleChanged(old),
            "member_role_changed",
            Kind::OrgMemberRoleChanged,
        ),
        _ => (
            MemberChange::Removed,
            "member_removed",
            Kind::OrgMemberRemoved,
        ),
    };
    match to {
        Some(role) => model::set_member(&*txn, org.id, target, role, now).await?,
        None => model::delete_member(&*txn, org.id, target).await?,
    }
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "org",
            entity_id: org.id,
            action,
            detail: serde_json::json!({
                "user": target,
                "role": to.map(OrgRole::code),
                "from": from.map(OrgRole::code),
                "reason": reason,
            }),
            public: false,
        },
    )
    .await?;
    let (target_name, actor_name) = crate::accounts::names_of_pair(&*txn, target, actor).await?;
    let mut params = Params::new()
        .text("user", target_name)
        .text("org", &org.name)
        .text("by", actor_name)
        .text("reason", reason)
        .link(format!("/orgs/{}", org.id));
    if let Some(r) = to {
        params = params.label("role", format!("org.role.{}", r.code()));
    }
    if let Some(r) = from {
        params = params.label("from", format!("org.role.{}", r.code()));
    }
    // The admins as they were before the change, and the user concerned.
    crate::inbox::notify_change(&*txn, admins, target, actor, kind, &params, now).await?;
    txn.commit().await?;
    Ok(Ok(outcome))
}
