//! Tenant milestones: each incubator keeps a list (registered, first government contract,
//! first project delivered, rating obtained, 3A or better, first grant, or its own words);
//! the ones the platform can see are met from its own data — the registry for registration
//! and rating, `contracts` for a contract signed by both sides and a completed one — with a
//! link to the evidence; the rest a manager confirms, with a note and an audit entry. A
//! tenant's page shows them as a timeline.
//!
//! Automatic milestones are worked out when the page is shown, not by a job: the facts are
//! three small reads through other rooms' faces, so the page is never behind the registry or
//! the contracts, and nothing has to be kept in step when a rating is withdrawn.

pub mod model;
pub mod rules;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::model::{Incubator, Tenant};
use model::Milestone;
use rules::{Facts, MilestoneKind, Status};

/// What the platform knows about a tenant for its milestones: its organization in the
/// registry (with its rating), its first contract signed by both sides and its first
/// completed one.
pub async fn facts(db: &impl ConnectionTrait, t: &Tenant) -> Result<Facts, DbErr> {
    let Some(org) = t.org_id else {
        return Ok(Facts::default());
    };
    let Some(row) = crate::orgs::rows_by_ids(db, &[org]).await?.pop() else {
        return Ok(Facts::default());
    };
    let (contracts, completed) = (
        crate::contracts::of_org(db, org).await?,
        crate::contracts::completed_of_org(db, org).await?,
    );
    // Both lists are newest first: the first milestone is the last of them.
    Ok(Facts {
        org: Some(row.id),
        signed_contract: contracts
            .iter()
            .rev()
            .find(|c| c.buyer_signed && c.supplier_signed)
            .map(|c| c.id),
        completed_contract: completed.last().map(|c| (c.id, c.completed_at)),
        rating: row.rating_grade,
    })
}

/// A tenant's timeline: every milestone of its incubator's list with its status, met ones
/// first (by date when known), then the open ones.
pub async fn timeline(
    db: &impl ConnectionTrait,
    t: &Tenant,
) -> Result<Vec<(Milestone, Status)>, DbErr> {
    let list = model::list_of(db, t.incubator_id).await?;
    if list.is_empty() {
        return Ok(vec![]);
    }
    let (f, marks) = (facts(db, t).await?, model::marks_of(db, t.id).await?);
    let mut out: Vec<(usize, Milestone, Status)> = list
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let confirmed = marks.get(&m.id).map(|k| (k.met_at, k.note.as_str()));
            let s = rules::status(m.kind(), &f, confirmed);
            (i, m, s)
        })
        .collect();
    out.sort_by_key(|(i, _, s)| rules::timeline_key(*i, s));
    Ok(out.into_iter().map(|(_, m, s)| (m, s)).collect())
}

/// Adds a milestone to an incubator's list, with its audit entry.
pub async fn add(
    db: &DatabaseConnection,
    inc: &Incubator,
    kind: MilestoneKind,
    label: &str,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let id = model::insert(&*txn, inc.id, kind, label, now).await?;
    super::audit(
        &*txn,
        now,
        actor,
        "incubator",
        inc.id,
        "milestone_added",
        serde_json::json!({ "milestone": id, "kind": kind.code(), "label": label }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// A manager confirms that a tenant met a milestone the platform cannot see, with its
/// audit entry; false when it was confirmed already (the first confirmation stands).
pub async fn confirm(
    db: &DatabaseConnection,
    t: &Tenant,
    milestone: i64,
    note: &str,
    actor: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    super::model::lock(&*txn, t.incubator_id).await?;
    if model::is_marked(&*txn, t.id, milestone).await? {
        txn.commit().await?;
        return Ok(false);
    }
    model::insert_mark(&*txn, t.id, milestone, note, actor, now).await?;
    super::audit(
        &*txn,
        now,
        actor,
        "incubator_tenant",
        t.id,
        "milestone_confirmed",
        serde_json::json!({ "milestone": milestone, "note": note }),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
