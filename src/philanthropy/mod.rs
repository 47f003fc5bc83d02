//! Venture philanthropy (公益创投): calls (funding rounds) run by an organizer — a purchasing
//! unit (street/township, civil-affairs bureau), whose buyers act for it, or a foundation on
//! the platform, whose administrators act for it — and the open calls recommended to the
//! organizations they fit.
//!
//! Invariants: every state change goes through [`rules::CallState::apply`] and is a
//! conditional UPDATE on the call's state, with its audit entry (public once the call is
//! public) and notices to the organizer's other buyers or administrators in the same
//! transaction; a draft is seen by its organizer only; the window closes by the clock
//! ([`rules::phase`]), and [`close_due`] writes the closed state; the pool, maximum grant and
//! co-funding are integer fen and basis points; rubric weights and tranches sum to 100%.
//!
//! Applications (proposals) to calls live in `proposals.rs` (operations),
//! `proposal_model.rs` and `proposal_rules.rs`, with their pages in `routes/proposals.rs`
//! and `views/proposals.rs`: saved and submitted only inside the call's window (decided in
//! the writing transaction), by an eligible applicant with a clean credit record (read from
//! the registry in that transaction), each submission kept as a numbered revision, every
//! move through `proposal_rules::ProposalState::apply` as a conditional update with its
//! audit entry and notices.
//!
//! Expert review goes through the shared `reviews` room (`reviewing.rs`): the round opens
//! when a proposal enters expert review and determination waits, in its transaction, for
//! the call's number of submitted sheets and every assigned reviewer's.
//!
//! May call: `audit`, `inbox`, `units` (names, buyers), `orgs` (names, kinds, credit, the
//! facts matching needs), `incubators` (which organizations are in residence), `accounts`
//! (roles), `reviews`, `regions`, the kernel.

pub mod grant_model;
pub mod grant_rules;
pub mod grants;
pub mod model;
pub mod proposal_model;
pub mod proposal_rules;
pub mod proposals;
pub mod reviewing;
pub mod routes;
pub mod rules;
pub mod views;

use std::collections::HashMap;

use sea_orm::{DatabaseConnection, DbErr};

/// A grant agreement and its state, for the workspace and the tests.
pub use grant_model::Grant;
/// Grants that became active in a period and their amounts, per recipient organization
/// (incubators' KPIs; one grouped query).
pub use grant_model::won_between as grants_won_between;
pub use grant_rules::GrantState;
/// The grants' money paid by league/city and year (for `targets`), and an organization's
/// completed grants (for its profile).
pub use grants::{
    Giving360Dates, Giving360Event, Giving360Grant, Giving360Location, Giving360Org,
    Giving360Package, TrackEntry, paid_by_league_year, track_record,
};
pub use model::{Call, get, of_organizers, open_calls};
/// A proposal and its state, for the workspace and the tests.
pub use proposal_model::Proposal;
/// Which organizations have submitted a proposal (zombie detection's activity).
pub use proposal_model::applicants_among;
/// The administrative cap where a call sets none, unless configured (`web::config`).
pub use proposal_rules::DEFAULT_ADMIN_CAP_BP;
pub use proposal_rules::ProposalState;

/// Days before and after a report's due date that its reminders go out, unless configured.
pub const DEFAULT_GRANT_REMINDER_DAYS: i64 = 7;

/// The 360Giving identifier prefix unless configured: clearly a test prefix, so no file
/// published with it passes for a real funder's.
pub const DEFAULT_360GIVING_PREFIX: &str = "360G-civicbridge-test";
pub use rules::{CallDraft, CallState, Fit, Organizer, OrganizerKind, Phase};

use crate::inbox::{Kind, Params};
use rules::CallEvent;

/// Why an organizer's action was refused (nothing was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not in a state that allows it.
    WrongState(Phase),
    /// The window has already ended: publishing would open nothing.
    WindowOver,
}

impl Refusal {
    /// The message shown to the organizer.
    pub fn label(self, lang: crate::kernel::Lang) -> String {
        match self {
            Refusal::WrongState(p) => lang.tf("call.refused.state", &[("state", &p.label(lang))]),
            Refusal::WindowOver => lang.t("call.refused.window_over"),
        }
    }
}

/// The stored state of a call (an unknown code reads as cancelled: nothing acts on it).
pub fn state_of(c: &Call) -> CallState {
    CallState::parse(&c.state).unwrap_or(CallState::Cancelled)
}

/// The phase a visitor sees at `now`.
pub fn phase_of(c: &Call, now: i64) -> Phase {
    rules::phase(state_of(c), c.opens_at, c.closes_at, now)
}

/// Who runs the call.
pub fn organizer_of(c: &Call) -> Organizer {
    Organizer {
        kind: OrganizerKind::parse(&c.organizer_kind).unwrap_or(OrganizerKind::Unit),
        id: c.organizer_id,
    }
}

/// Those who act for an organizer: the unit's buyers or the organization's administrators.
pub async fn organizer_members(
    db: &impl sea_orm::ConnectionTrait,
    o: Organizer,
) -> Result<Vec<i64>, DbErr> {
    Ok(match o.kind {
        OrganizerKind::Unit => crate::units::buyer_ids(db, o.id).await?,
        OrganizerKind::Org => crate::orgs::member_roles(db, o.id)
            .await?
            .into_iter()
            .filter(|(_, r)| *r == crate::accounts::OrgRole::Admin)
            .map(|(u, _)| u)
            .collect(),
    })
}

/// The organizers' names, in two `IN` queries (units, organizations) whatever their number.
pub async fn organizer_names(
    db: &impl sea_orm::ConnectionTrait,
    organizers: &[Organizer],
) -> Result<HashMap<Organizer, String>, DbErr> {
    let ids = |k: OrganizerKind| -> Vec<i64> {
        organizers
            .iter()
            .filter(|o| o.kind == k)
            .map(|o| o.id)
            .collect()
    };
    let units = crate::units::names_by_ids(db, &ids(OrganizerKind::Unit)).await?;
    let orgs = crate::orgs::names_by_ids(db, &ids(OrganizerKind::Org)).await?;
    Ok(organizers
        .iter()
        .filter_map(|o| {
            let name = match o.kind {
                OrganizerKind::Unit => units.get(&o.id),
                OrganizerKind::Org => orgs.get(&o.id),
            };
            name.map(|n| (*o, n.clone()))
        })
        .collect())
}

/// Of these organizations (those a user administers), the foundations: the organizations
/// that may run calls.
pub async fn foundations_among(
    db: &impl sea_orm::ConnectionTrait,
    org_ids: &[i64],
) -> Result<Vec<(i64, String)>, DbErr> {
    Ok(crate::orgs::rows_by_ids(db, org_ids)
        .await?
        .into_iter()
        .filter(|o| o.kind == crate::orgs::OrgKind::Foundation.code())
        .map(|o| (o.id, o.name))
        .collect())
}

fn detail(c: &Call) -> serde_json::Value {
    serde_json::json!({ "title": c.title, "pool_fen": c.pool_fen, "closes_at": c.closes_at })
}

/// Saves a new draft with its audit entry (not public: a draft is the organizer's own).
pub async fn create(
    db: &DatabaseConnection,
    d: &CallDraft,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let id = model::insert(&*txn, d, actor, now).await?;
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "call",
            entity_id: id,
            action: "drafted",
            detail: serde_json::json!({ "title": d.title }),
            public: false,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Rewrites a draft; refused once it is published.
pub async fn update(
    db: &DatabaseConnection,
    c: &Call,
    d: &CallDraft,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::update_draft(&*txn, c.id, d, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::WrongState(phase_of(c, now))));
    }
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "call",
            entity_id: c.id,
            action: "edited",
            detail: serde_json::json!({ "title": d.title }),
            public: false,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// One organizer's transition: the conditional UPDATE, the audit entry and the notices to
/// the organizer's other members, in one transaction.
async fn transition(
    db: &DatabaseConnection,
    c: &Call,
    event: CallEvent,
    reason: Option<&str>,
    actor: Option<i64>,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    let from = state_of(c);
    let Ok(to) = from.apply(event) else {
        return Ok(Err(Refusal::WrongState(phase_of(c, now))));
    };
    if event == CallEvent::Publish && c.closes_at <= now {
        return Ok(Err(Refusal::WindowOver));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::set_state(&*txn, c.id, from, to, reason, now).await? {
        // Someone else acted first: nothing written here.
        txn.commit().await?;
        let now_state = model::get(db, c.id).await?;
        let p = now_state.map_or(Phase::Cancelled, |c| phase_of(&c, now));
        return Ok(Err(Refusal::WrongState(p)));
    }
    let mut detail = detail(c);
    if let Some(r) = reason {
        detail["reason"] = serde_json::Value::String(r.to_string());
    }
    let action = match event {
        CallEvent::Publish => "published",
        CallEvent::Close => "closed",
        CallEvent::Cancel => "cancelled",
    };
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: actor,
            entity: "call",
            entity_id: c.id,
            action,
            detail,
            // A draft's cancellation stays the organizer's own business.
            public: from != CallState::Draft,
        },
    )
    .await?;
    let kind = match event {
        CallEvent::Publish => Some(Kind::CallPublished),
        CallEvent::Cancel => Some(Kind::CallCancelled),
        CallEvent::Close => None,
    };
    if let (Some(kind), Some(actor)) = (kind, actor) {
        let mut to_notify = organizer_members(&*txn, organizer_of(c)).await?;
        to_notify.retain(|u| *u != actor);
        let params = Params::new()
            .text("title", &c.title)
            .text("reason", reason.unwrap_or(""))
            .link(format!("/calls/{}", c.id));
        crate::inbox::notify(&*txn, &to_notify, kind, &params, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(()))
}

/// Publishes a draft (its window must not have ended).
pub async fn publish(
    db: &DatabaseConnection,
    c: &Call,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    transition(db, c, CallEvent::Publish, None, Some(actor), now).await
}

/// Cancels a draft or a published call, with a public reason (already validated).
pub async fn cancel(
    db: &DatabaseConnection,
    c: &Call,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    transition(db, c, CallEvent::Cancel, Some(reason), Some(actor), now).await
}

/// Closes every published call whose window has ended by `now` (the background job; each
/// call in its own transaction, idempotent); how many it closed.
pub async fn close_due(db: &DatabaseConnection, now: i64) -> Result<u32, DbErr> {
    let mut n = 0;
    for c in model::due_to_close(db, now).await? {
        if transition(db, &c, CallEvent::Close, None, None, now)
            .await?
            .is_ok()
        {
            n += 1;
        }
    }
    Ok(n)
}

/// The open calls an organization fits (place, domain, credit, kind), with the reasons, at
/// most `n`, closing soonest first. Empty for an unknown or unverified organization.
pub async fn recommended(
    db: &DatabaseConnection,
    org_id: i64,
    now: i64,
    n: usize,
) -> Result<Vec<(Call, Vec<Fit>)>, DbErr> {
    let Some((o, domains)) = crate::orgs::get(db, org_id).await? else {
        return Ok(vec![]);
    };
    // An organization a regulator has not verified may not apply (issue 11): recommending
    // calls it cannot answer would only mislead its members.
    if !crate::orgs::is_verified(&o) {
        return Ok(vec![]);
    }
    let facts = rules::ApplicantFacts {
        social: crate::orgs::OrgKind::parse(&o.kind).is_some_and(|k| k.is_social_org()),
        clean_credit: o.credit_status == crate::orgs::CreditStatus::Normal.code(),
        division_code: o.division_code,
        league_code: o.league_code,
        county_code: o.county_code,
        domains,
    };
    let mut out = Vec::new();
    for c in model::open_calls(db, now, None, None).await? {
        let applicants: Vec<rules::Applicant> = rules::unwrap_codes(&c.applicants)
            .iter()
            .filter_map(|a| rules::Applicant::parse(a))
            .collect();
        if let Ok(reasons) = rules::fit(
            &rules::unwrap_codes(&c.domains),
            &rules::unwrap_codes(&c.places),
            &applicants,
            &facts,
        ) {
            out.push((c, reasons));
            if out.len() >= n {
                break;
            }
        }
    }
    Ok(out)
}

/// A funded project for a donation campaign (`payments`): the proposal when it is approved,
/// `None` for any other state or id (its title, applicant name and approved amount are the
/// parts a campaign shows).
pub async fn approved_proposal(
    db: &impl sea_orm::ConnectionTrait,
    id: i64,
) -> Result<Option<Proposal>, DbErr> {
    Ok(proposal_model::get(db, id)
        .await?
        .filter(|p| p.state() == ProposalState::Approved))
}
