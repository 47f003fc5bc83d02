//! Organizations: the registry of social organizations and other suppliers — profiles,
//! unified social credit codes, service domains, members, and the regulator-kept rating
//! grade and credit status.
//!
//! Invariants: a stored USCC passed [`rules::validate_uscc`] and is unique; `league_code`
//! and `county_code` always derive from `division_code`; rating and credit status change
//! only through the regulator routes, each change with an event row in the same
//! transaction; every membership change has a reason, an audit entry and notices to the
//! organization's administrators and the user concerned in its transaction, never makes a
//! platform administrator a member and never removes the last administrator (`members`).
//! A registration starts unverified and may not bid or be invited until a regulator
//! verifies it; a record is claimed with evidence and a certificate typed by its content,
//! at most one open claim per user and organization; every verification and claim decision
//! is a conditional update with its audit entry and notices in one transaction (`vetting`).
//! May call: `accounts` (policy, users, separation-of-duties rules), `audit`, `inbox`,
//! `regions`, `web`.

mod changes;
mod members;
pub mod model;
mod reads;
pub mod routes;
pub mod rules;
mod vetting;
pub mod views;

pub use changes::{create, end_registration_in, set_credit, set_credit_in, set_rating, update};
pub use members::{MemberChange, add_member, remove_member};
/// The administrators of many organizations at once (batched notices).
pub use model::admins_of_many;
pub use model::counts::Cache as CountCache;
pub use model::counts::GENERATION as COUNTS_GENERATION;
/// The members of an organization with their roles (conflict-of-interest checks).
pub use model::member_roles;
/// Claims and the regulator's queue, read for the workspace.
pub use model::{
    ClaimSummary, claim_times, claims_in_state, claims_of_user, count_in_verification,
    in_verification, ratings_expiring,
};
pub use model::{
    MEMBER_ID_ROWS_SQL, MEMBERSHIP_ROWS_SQL, Org, get, memberships_of, name_of, recent_events,
};
pub use reads::{OrgStats, lookup, row, stats};
pub use rules::{
    AuthorityLevel, CreditStatus, DOMAINS, DecisionForm, Ended, OrgDraft, OrgForm, OrgKind,
    RegistrationStatus, USCC_ALPHABET, division_parts, domain_label, grade_label, is_domain,
    make_uscc, rating_valid, validate_uscc,
};
pub use rules::{
    CLAIM_DUE_WORKING_DAYS, ClaimState, Decision, RATING_EXPIRY_WINDOW_DAYS, Verification,
    VettingRefusal,
};
/// Verification and claims: the decisions (each one transaction) and the one question other
/// rooms ask ([`is_verified`]).
pub use vetting::{
    ClaimApproved, OnClaimApproved, decide_claim, ended, is_verified, submit_claim, verify,
};

/// The organization registered under an exact name (complaints name one by name or USCC).
pub use model::id_by_name;
/// The organization registered under a USCC (incubators' operators).
pub use model::id_by_uscc;
/// A regulatory event (rating or credit change), as [`recent_events`] hands it out.
pub use model::reg_event::Model as RegEvent;
/// Organization names by id, for rooms that list the organizations they refer to.
pub use reads::names_by_ids;
/// Organizations' rows by id in one query, for rooms that check many at once (eligibility).
pub use reads::rows_by_ids;
/// The compact registry facts of every organization, and every domain pair (matching).
pub use reads::{OrgBrief, all_domains, briefs};
/// The registry's figures on social organizations, for the policy targets.
pub use reads::{SocialFigures, social_figures};
/// Batched reads for other rooms (search documents and rebuilds): organizations with their
/// domains, ids in order, the count, and ratings whose last valid day falls in a range.
pub use reads::{count, ended_ids, ids_after, many_with_domains, rating_valid_until_in};
/// The population of a spot-check campaign and the memberships of its inspectors.
pub use reads::{memberships_of_users, registered_at};

/// Put on the response of a successful registration (`POST /orgs`): the new organization and
/// the user who registered it, so the page wrapping the handler lets other rooms follow up
/// (incubators link the founder's group) without `orgs` naming them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    /// The organization.
    pub id: i64,
    /// The registering user.
    pub by: i64,
}
