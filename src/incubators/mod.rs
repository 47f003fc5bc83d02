//! Incubators (孵化基地): the bases at region, league/city and banner/county level that give
//! new social organizations space, training and guidance. Platform administrators create
//! and edit them and assign their managers; anyone who may join an organization applies,
//! for a group in preparation or for a registered organization they administer; the
//! incubator's managers keep its admission checklist, review applications (checklist,
//! optional interview) and admit, waitlist or reject them with a reason; admission creates
//! a tenant. The public sees the directory and the tenants (groups by name only).
//!
//! Invariants: an application moves only through `rules::AppState::apply`, each move by a
//! conditional update in a write transaction with its audit entry and inbox notices; a user
//! (or an organization) has at most one application to an incubator that is not rejected,
//! checked after taking the incubator's turn (`model::lock`), so two concurrent applications
//! cannot both pass; admission needs every checklist item met and a free place (capacity),
//! and creates exactly one tenant. The incubator-manager role is scoped: a manager acts only
//! on the incubators assigned to them (and must hold the role). Matching reads which
//! organizations are in residence, or graduated recently, through [`incubated_orgs`].
//! Graduation (出壳: criteria, review with evidence, decision, exit tasks) lives in
//! [`graduation`]; tenant milestones (met from the platform's data or confirmed by a
//! manager) in [`milestones`]; the services log (trainings with attendance, one-to-one
//! guidance with private notes) in [`services`]; quarterly KPIs, their roll-up and their
//! CSV/Excel exports in [`kpis`]; photos (a gallery with captions, ordered, the first the
//! directory's cover) in [`photos`]. A group admitted before registration becomes its
//! organization when its founder registers it, or when a regulator approves the founder's
//! claim of its existing registry record ([`link_registered_group`],
//! [`link_claimed_group`]).
//! May call: `accounts`, `audit`, `inbox`, `orgs`, `units`, `regions`, `contracts`
//! (completed contracts as graduation evidence, contracts signed per organization for the
//! KPIs), `spaces` (occupancy), `regulation` (staff in accepted annual reports), `web`
//! (routes, views).

pub mod graduation;
pub mod kpis;
pub mod milestones;
pub mod model;
pub mod photos;
pub mod routes;
pub mod rules;
pub mod services;
pub mod views;

use sea_orm::{DatabaseConnection, DbErr};

use crate::accounts::Role;
use crate::inbox::{Kind, Params};
pub use model::{Application, Incubator, Tenant};
use rules::{AppState, Applicant, ApplicationDraft, IncubatorDraft, Step, StepError};

/// How long a graduate counts as incubated unless configured.
pub use graduation::rules::DEFAULT_ALUMNI_MONTHS;
/// Incubators, tenants in residence and graduates of a period per league/city and level,
/// in two grouped queries (for the cultivation section of `targets`).
pub use kpis::model::{CultivationRow, cultivation};
/// Registered organizations in residence or recently graduated, each with its incubator's
/// name and whether it graduated (for matching's `incubated` flag and its reason), in two
/// queries.
pub use model::{Incubation, incubated_orgs};
/// One incubator; the incubators a user manages; an applicant's applications.
pub use model::{applications_by, get, managed_by};
/// For `spaces`: whether a user manages an incubator; its tenants (all, and those in
/// residence); the tenants in residence a user acts for.
pub use model::{
    is_manager, manager_ids, residents_of, tenant_contacts, tenants_acting_for, tenants_of,
};

async fn audit(
    db: &impl sea_orm::ConnectionTrait,
    now: i64,
    actor: i64,
    entity: &str,
    id: i64,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity,
            entity_id: id,
            action,
            detail,
            public: false,
        },
    )
    .await
}

/// Why a draft's operator could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncubatorRefusal {
    /// Another incubator has the name.
    NameTaken,
    /// No registered organization has the operator's USCC.
    UnknownOperator,
}

/// Creates (`id` none) or updates an incubator, with its audit entry. The operator
/// organization is looked up by its USCC in the registry.
pub async fn save_incubator(
    db: &DatabaseConnection,
    id: Option<i64>,
    d: &IncubatorDraft,
    actor: i64,
    now: i64,
) -> Result<Result<i64, IncubatorRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if model::name_taken(&*txn, &d.name, id).await? {
        txn.commit().await?;
        return Ok(Err(IncubatorRefusal::NameTaken));
    }
    let operator_org = match &d.operator_uscc {
        None => None,
        Some(u) => match crate::orgs::id_by_uscc(&*txn, u).await? {
            Some(o) => Some(o),
            None => {
                txn.commit().await?;
                return Ok(Err(IncubatorRefusal::UnknownOperator));
            }
        },
    };
    let (id, action) = match id {
        Some(id) => {
            model::update(&*txn, id, d, operator_org, now).await?;
            (id, "updated")
        }
        None => (model::create(&*txn, d, operator_org, now).await?, "created"),
    };
    audit(
        &*txn,
        now,
        actor,
        "incubator",
        id,
        action,
        serde_json::json!({
            "name": d.name, "level": d.level.code(), "division": d.division_code,
            "operator_org": operator_org, "operator_unit": d.operator_unit,
            "address": d.address, "capacity": d.capacity,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// Why a user cannot be made a manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagerRefusal {
    /// The user does not hold the incubator-manager role.
    NotManagerRole,
}

/// Assigns (`add`) or removes a manager, with an audit entry and a notice to the user.
/// `Ok(Ok(false))` when nothing changed.
pub async fn set_manager(
    db: &DatabaseConnection,
    inc: &Incubator,
    user: i64,
    add: bool,
    actor: i64,
    now: i64,
) -> Result<Result<bool, ManagerRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    crate::accounts::lock_user(&*txn, user).await?;
    let roles = crate::accounts::roles_of(&*txn, user).await?;
    // Separation of duties: an administrator never holds the role in practice, and is
    // refused here whatever the rows say.
    if add && (!roles.contains(&Role::IncubatorManager) || roles.contains(&Role::Admin)) {
        txn.commit().await?;
        return Ok(Err(ManagerRefusal::NotManagerRole));
    }
    if model::is_manager(&*txn, inc.id, user).await? == add {
        txn.commit().await?;
        return Ok(Ok(false));
    }
    let (action, kind) = if add {
        model::add_manager(&*txn, inc.id, user, now).await?;
        ("manager_added", Kind::IncubatorManagerAdded)
    } else {
        model::remove_manager(&*txn, inc.id, user).await?;
        ("manager_removed", Kind::IncubatorManagerRemoved)
    };
    audit(
        &*txn,
        now,
        actor,
        "incubator",
        inc.id,
        action,
        serde_json::json!({ "user": user }),
    )
    .await?;
    let params = Params::new()
        .text("incubator", &inc.name)
        .link(format!("/incubators/{}", inc.id));
    crate::inbox::notify(&*txn, &[user], kind, &params, now).await?;
    txn.commit().await?;
    Ok(Ok(true))
}

/// Adds an item to an incubator's checklist, with its audit entry.
pub async fn add_checklist_item(
    db: &DatabaseConnection,
    incubator_id: i64,
    label: &str,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let id = model::add_item(&*txn, incubator_id, label, now).await?;
    audit(
        &*txn,
        now,
        actor,
        "incubator",
        incubator_id,
        "checklist_item_added",
        serde_json::json!({ "item": id, "label": label }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Why an application was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyRefusal {
    /// The applicant (or the organization) has an application here that is not rejected.
    AlreadyOpen,
    /// The organization is no longer in the registry.
    UnknownOrg,
    /// A regulator has not verified the organization yet (issue 11: an unverified
    /// organization does not apply); its founders may still apply as a group in preparation.
    Unverified,
    /// The organization's registration was revoked or deregistered (on that day).
    Ended(crate::orgs::Ended),
    /// The application is no longer a draft.
    NotDraft,
}

async fn org_facts(
    db: &impl sea_orm::ConnectionTrait,
    d: &ApplicationDraft,
) -> Result<Result<Option<(i64, String, String)>, ApplyRefusal>, DbErr> {
    match d.applicant {
        Applicant::Group => Ok(Ok(None)),
        Applicant::Org(id) => Ok(match crate::orgs::rows_by_ids(db, &[id]).await?.pop() {
            Some(o) => match crate::orgs::ended(&o) {
                Some(e) => Err(ApplyRefusal::Ended(e)),
                None if !crate::orgs::is_verified(&o) => Err(ApplyRefusal::Unverified),
                None => Ok(Some((o.id, o.name, o.uscc))),
            },
            None => Err(ApplyRefusal::UnknownOrg),
        }),
    }
}

async fn notify_submitted(
    db: &impl sea_orm::ConnectionTrait,
    inc: &Incubator,
    app_id: i64,
    name: &str,
    now: i64,
) -> Result<(), DbErr> {
    let managers = model::manager_ids(db, inc.id).await?;
    let params = Params::new()
        .text("incubator", &inc.name)
        .text("name", name)
        .link(format!("/incubator-applications/{app_id}"));
    crate::inbox::notify(
        db,
        &managers,
        Kind::IncubatorApplicationSubmitted,
        &params,
        now,
    )
    .await
}

/// Applies to an incubator: a draft, or submitted at once (`d.submit`). The organization's
/// name and USCC come from the registry. Refused while the user or the organization has an
/// application there that is not rejected (checked in the incubator's turn).
pub async fn apply(
    db: &DatabaseConnection,
    inc: &Incubator,
    applicant: i64,
    d: &ApplicationDraft,
    now: i64,
) -> Result<Result<i64, ApplyRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::lock(&*txn, inc.id).await?;
    let org = match org_facts(&*txn, d).await? {
        Ok(o) => o,
        Err(r) => {
            txn.commit().await?;
            return Ok(Err(r));
        }
    };
    if model::blocking_exists(
        &*txn,
        inc.id,
        Some(applicant),
        org.as_ref().map(|o| o.0),
        None,
    )
    .await?
    {
        txn.commit().await?;
        return Ok(Err(ApplyRefusal::AlreadyOpen));
    }
    let state = if d.submit {
        AppState::Submitted
    } else {
        AppState::Draft
    };
    let name = org.as_ref().map_or(d.name.clone(), |o| o.1.clone());
    let id = model::insert_application(&*txn, inc.id, applicant, org, d, state, now).await?;
    audit(
        &*txn,
        now,
        applicant,
        "incubator_application",
        id,
        if d.submit { "submitted" } else { "drafted" },
        serde_json::json!({ "incubator": inc.id, "name": name, "state": state.code() }),
    )
    .await?;
    if d.submit {
        notify_submitted(&*txn, inc, id, &name, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(id))
}

/// Rewrites the applicant's draft (and submits it when `d.submit`). Refused once it is no
/// longer a draft, or when the new content would duplicate an open application.
pub async fn edit_draft(
    db: &DatabaseConnection,
    inc: &Incubator,
    a: &Application,
    d: &ApplicationDraft,
    now: i64,
) -> Result<Result<(), ApplyRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::lock(&*txn, inc.id).await?;
    let org = match org_facts(&*txn, d).await? {
        Ok(o) => o,
        Err(r) => {
            txn.commit().await?;
            return Ok(Err(r));
        }
    };
    if let Some((org_id, _, _)) = &org
        && a.org_id != Some(*org_id)
        && model::blocking_exists(&*txn, inc.id, None, Some(*org_id), Some(a.id)).await?
    {
        txn.commit().await?;
        return Ok(Err(ApplyRefusal::AlreadyOpen));
    }
    let state = if d.submit {
        AppState::Submitted
    } else {
        AppState::Draft
    };
    let name = org.as_ref().map_or(d.name.clone(), |o| o.1.clone());
    if !model::rewrite_draft(&*txn, a.id, org, d, state, now).await? {
        txn.commit().await?;
        return Ok(Err(ApplyRefusal::NotDraft));
    }
    audit(
        &*txn,
        now,
        a.applicant_id,
        "incubator_application",
        a.id,
        if d.submit { "submitted" } else { "draft_saved" },
        serde_json::json!({ "name": name }),
    )
    .await?;
    if d.submit {
        notify_submitted(&*txn, inc, a.id, &name, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(()))
}

/// Why a manager's step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRefusal {
    /// The state machine refused it.
    Rule(StepError),
    /// Admission with every place taken.
    Full,
    /// The application changed meanwhile.
    Stale,
}

/// A manager moves an application on (`rules::AppState::apply`); an admission creates the
/// tenant, in the same transaction, with the audit entry and the applicant's notice.
pub async fn take_step(
    db: &DatabaseConnection,
    inc: &Incubator,
    a: &Application,
    step: Step,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<AppState, StepRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::lock(&*txn, inc.id).await?;
    let Some(a) = model::application(&*txn, a.id).await? else {
        txn.commit().await?;
        return Ok(Err(StepRefusal::Stale));
    };
    let from = a.state();
    let items: Vec<i64> = model::checklist(&*txn, inc.id)
        .await?
        .iter()
        .map(|i| i.id)
        .collect();
    let met: Vec<i64> = model::checks(&*txn, a.id)
        .await?
        .into_values()
        .filter(|c| c.met)
        .map(|c| c.item_id)
        .collect();
    let to = match from.apply(step, rules::checklist_met(&items, &met)) {
        Ok(to) => to,
        Err(e) => {
            txn.commit().await?;
            return Ok(Err(StepRefusal::Rule(e)));
        }
    };
    if to == AppState::Admitted
        && model::residents(&*txn, inc.id).await? >= u64::try_from(inc.capacity).unwrap_or(0)
    {
        txn.commit().await?;
        return Ok(Err(StepRefusal::Full));
    }
    let reason = (step == Step::Reject).then_some(reason);
    if !model::set_state(&*txn, a.id, from, to, reason, now).await? {
        txn.commit().await?;
        return Ok(Err(StepRefusal::Stale));
    }
    let tenant = if to == AppState::Admitted {
        Some(model::insert_tenant(&*txn, &a, now).await?)
    } else {
        None
    };
    audit(
        &*txn,
        now,
        actor,
        "incubator_application",
        a.id,
        step.code(),
        serde_json::json!({ "from": from.code(), "to": to.code(), "reason": reason, "tenant": tenant }),
    )
    .await?;
    let mut params = Params::new()
        .text("incubator", &inc.name)
        .label("state", format!("incubator.state.{}", to.code()))
        .link(format!("/incubator-applications/{}", a.id));
    if let Some(r) = reason {
        params = params.text("reason", r);
    }
    crate::inbox::notify(
        &*txn,
        &[a.applicant_id],
        Kind::IncubatorApplicationMoved,
        &params,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(to))
}

/// Records a manager's finding on a checklist item, with its audit entry. Only while the
/// application is under review (submitted to waitlisted): false otherwise.
#[allow(clippy::too_many_arguments)]
pub async fn record_check(
    db: &DatabaseConnection,
    a: &Application,
    item: i64,
    met: bool,
    note: &str,
    actor: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::lock(&*txn, a.incubator_id).await?;
    let current = model::application(&*txn, a.id).await?.map(|x| x.state());
    if !current.is_some_and(|s| s.visible_to_managers() && !s.is_final()) {
        txn.commit().await?;
        return Ok(false);
    }
    model::put_check(&*txn, a.id, item, met, note, actor, now).await?;
    audit(
        &*txn,
        now,
        actor,
        "incubator_application",
        a.id,
        "checked",
        serde_json::json!({ "item": item, "met": met, "note": note }),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// A manager's message to the applicant, shown on the application page, with its audit
/// entry and an inbox notice.
pub async fn send_message(
    db: &DatabaseConnection,
    inc: &Incubator,
    a: &Application,
    body: &str,
    actor: i64,
    now: i64,
) -> Result<(), DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::add_message(&*txn, a.id, actor, body, now).await?;
    audit(
        &*txn,
        now,
        actor,
        "incubator_application",
        a.id,
        "message",
        serde_json::json!({ "body": body }),
    )
    .await?;
    let params = Params::new()
        .text("incubator", &inc.name)
        .link(format!("/incubator-applications/{}", a.id));
    crate::inbox::notify(
        &*txn,
        &[a.applicant_id],
        Kind::IncubatorMessage,
        &params,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A group admitted before registration becomes the organization its founder registers
/// (issue 12 point 2): the founder's admitted groups chosen by `rules::groups_to_link` get
/// the organization (tenancy and application), keeping their history, each with an audit
/// entry, in one transaction. Returns the tenants linked (none when the user founded no
/// group, or it stays ambiguous). Called by the registration page after `orgs` registered
/// the organization.
pub async fn link_registered_group(
    db: &DatabaseConnection,
    org_id: i64,
    user: i64,
    now: i64,
) -> Result<Vec<i64>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let linked = link_groups(&*txn, org_id, user, user, None, now).await?;
    txn.commit().await?;
    Ok(linked)
}

/// The same link when the founder claimed the organization's existing registry record
/// instead of registering one: run inside the transaction in which the regulator (`actor`)
/// approves the claim, so the approval and the link stand or fall together. The audit
/// entries name the claim. Called by the claim's decision page through `orgs`' hook.
pub async fn link_claimed_group(
    txn: &impl sea_orm::ConnectionTrait,
    org_id: i64,
    claimant: i64,
    claim_id: i64,
    actor: i64,
    now: i64,
) -> Result<Vec<i64>, DbErr> {
    link_groups(txn, org_id, claimant, actor, Some(claim_id), now).await
}

/// Links the founder's (`user`) chosen groups to the organization, one audit entry each by
/// `actor` (naming the claim when there is one).
async fn link_groups(
    txn: &impl sea_orm::ConnectionTrait,
    org_id: i64,
    user: i64,
    actor: i64,
    claim: Option<i64>,
    now: i64,
) -> Result<Vec<i64>, DbErr> {
    let groups = model::unlinked_groups_of(txn, user).await?;
    let Some(org) = (if groups.is_empty() {
        None
    } else {
        crate::orgs::rows_by_ids(txn, &[org_id]).await?.pop()
    }) else {
        return Ok(vec![]);
    };
    let named: Vec<(i64, String)> = groups.iter().map(|(t, _, n)| (*t, n.clone())).collect();
    let mut linked = Vec::new();
    for tenant in rules::groups_to_link(&named, &org.name) {
        let Some((_, app, name)) = groups.iter().find(|(t, _, _)| *t == tenant) else {
            continue;
        };
        if !model::link_to_org(txn, tenant, *app, org.id, &org.uscc).await? {
            continue;
        }
        let mut detail = serde_json::json!({
            "group": name, "org": org.id, "uscc": org.uscc, "application": app,
            "founder": user,
        });
        if let Some(c) = claim {
            detail["claim"] = c.into();
        }
        audit(
            txn,
            now,
            actor,
            "incubator_tenant",
            tenant,
            "linked_to_org",
            detail,
        )
        .await?;
        linked.push(tenant);
    }
    Ok(linked)
}
