//! The one permission policy: "may this user do this to that". Handlers ask [`require`];
//! nothing else decides access.
//!
//! Separation of duties: a platform administrator runs the platform and never acts inside
//! it. Whatever membership rows say, an administrator is no organization's member and no
//! unit's buyer here (the operations also refuse to create such rows), so administration
//! cannot become a way to sealed bids or buying powers. An evaluator never scores a tender of
//! a unit they buy for.

use super::rules::Role;
use crate::kernel::error::AppError;

/// A member's role inside one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum OrgRole {
    /// May edit the profile and manage members.
    Admin,
    /// May see the organization's private data.
    Member,
}

impl OrgRole {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            OrgRole::Admin => "admin",
            OrgRole::Member => "member",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<OrgRole> {
        match s {
            "admin" => Some(OrgRole::Admin),
            "member" => Some(OrgRole::Member),
            _ => None,
        }
    }
}

/// The signed-in user as the policy sees it.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// User id.
    pub user_id: i64,
    /// Platform roles.
    pub roles: Vec<Role>,
    /// Organizations the user belongs to, with the role there.
    pub orgs: Vec<(i64, OrgRole)>,
    /// Purchasing units the user buys for.
    pub units: Vec<i64>,
}

impl Actor {
    /// Holds a platform role.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The user's role in an organization, if a member. A platform administrator is no
    /// member, whatever the rows say.
    pub fn org_role(&self, org_id: i64) -> Option<OrgRole> {
        if self.has(Role::Admin) {
            return None;
        }
        self.orgs
            .iter()
            .find(|(id, _)| *id == org_id)
            .map(|(_, r)| *r)
    }

    /// Buys for this purchasing unit. A platform administrator buys for none.
    pub fn buys_for(&self, unit_id: i64) -> bool {
        !self.has(Role::Admin) && self.units.contains(&unit_id)
    }

    /// Manages an incubator it is assigned to (`managed`): holds the incubator-manager role
    /// and is no platform administrator.
    pub fn manages_incubator(&self, managed: bool) -> bool {
        managed && self.has(Role::IncubatorManager) && !self.has(Role::Admin)
    }

    /// A member of at least one purchasing unit (never a platform administrator).
    pub fn is_buyer(&self) -> bool {
        !self.has(Role::Admin) && !self.units.is_empty()
    }
}

/// Something a user may want to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See one's own workspace.
    ViewWorkspace,
    /// Register an organization profile (and so become its administrator: anyone signed in
    /// but a platform administrator).
    CreateOrg,
    /// Edit an organization's profile.
    EditOrg(i64),
    /// Add or remove an organization's members.
    ManageOrgMembers(i64),
    /// Keep an organization's brand-project pages: create and edit them, add and remove
    /// photos, link its completed contracts as evidence (like its profile).
    ManageBrands(i64),
    /// See an organization's private contact data and members.
    ViewOrgPrivate(i64),
    /// Act for a collecting foundation: record its fundraising qualification, open
    /// campaigns, confirm arrivals, refund (its administrators, never a platform
    /// administrator: money is the foundation's own act).
    Fundraise(i64),
    /// Claim an organization's record with evidence (anyone who may join: not a platform
    /// administrator).
    ClaimOrg,
    /// Verify or refuse a registration (regulator).
    VerifyOrg,
    /// Approve or refuse a claim (regulator).
    DecideClaim,
    /// See a claim and its certificate: the claimant (`own`) and regulators.
    ViewClaim {
        /// Whether the user made the claim.
        own: bool,
    },
    /// Record a rating grade (regulator).
    SetRating,
    /// Put on or take off a credit list (regulator).
    SetCredit,
    /// Create purchasing units and add buyers (administrator).
    ManageUnits,
    /// Grant and revoke platform roles (administrator).
    ManageUsers,
    /// Draft tenders, answer enquiries, open evaluation, award, answer challenges for a
    /// purchasing unit (its buyers).
    ManageTenders(i64),
    /// Ask a question on a published tender (anyone signed in).
    AskQuestion,
    /// Submit, revise or withdraw a bid, and file a challenge, for an organization (its
    /// administrators).
    BidFor(i64),
    /// See an organization's own bids and receipts (its members).
    ViewOrgBids(i64),
    /// Score the bids of a tender: an evaluator assigned to it who does not buy for its unit.
    ScoreBids {
        /// The tender's purchasing unit.
        unit: i64,
        /// Whether the user is assigned to the tender in question.
        assigned: bool,
    },
    /// Read a tender's evaluation (scores, ranking) and its bids' attachments before the
    /// award: the unit's buyers, the tender's assigned evaluators and regulators. After the
    /// award the evaluation report is public (the attachments are not).
    ViewEvaluation {
        /// The tender's purchasing unit.
        unit: i64,
        /// Whether the user is assigned to evaluate the tender.
        assigned: bool,
        /// Whether the tender has been awarded (report only).
        awarded: bool,
    },
    /// Act for the buyer on a contract of a purchasing unit: sign, accept or return
    /// milestones, record payments, complete and rate (the unit's buyers).
    ContractBuyer(i64),
    /// Act for the supplier on a contract of an organization: sign, report on milestones
    /// (its administrators).
    ContractSupplier(i64),
    /// See how every organization matches a unit's tender and invite one to bid, and plan a
    /// unit's purchases against the 30% target (the unit's buyers). Public tender pages
    /// never show other organizations' scores.
    MatchAndPlan(i64),
    /// See an organization's invitations and recommended tenders (its members).
    ViewOrgMatches(i64),
    /// Draft, publish and cancel venture-philanthropy calls for a purchasing unit (its
    /// buyers).
    UnitCalls(i64),
    /// Draft, publish and cancel venture-philanthropy calls for an organization (its
    /// administrators; `philanthropy` offers only foundations as organizers).
    OrgCalls(i64),
    /// File and edit an organization's annual reports and object to its credit notices
    /// (its administrators; never a platform administrator, who acts inside no
    /// organization).
    FileReport(i64),
    /// Review annual reports, record penalties and credit findings, answer objections to
    /// credit notices (regulators: civil-affairs decisions).
    Regulate,
    /// Create and edit incubators and assign their managers (administrator).
    ManageIncubators,
    /// Apply to an incubator (anyone who may join an organization).
    ApplyToIncubator,
    /// Keep an incubator's checklist and decide its applications: a holder of the
    /// incubator-manager role assigned to that incubator (`managed`).
    ManageIncubator {
        /// Whether the user is assigned to the incubator in question.
        managed: bool,
    },
    /// Keep an incubator's photos (add, caption, order, cover, remove): its managers
    /// (`managed`) and platform administrators.
    KeepIncubatorPhotos {
        /// Whether the user is assigned to the incubator in question.
        managed: bool,
    },
    /// See an incubator's applications: its managers and regulators.
    ViewIncubatorApplications {
        /// Whether the user is assigned to the incubator in question.
        managed: bool,
    },
    /// See one application to an incubator: its applicant (`own`), the incubator's
    /// managers and regulators (a draft is the applicant's alone: the caller passes
    /// `managed: false` and the handler refuses regulators for it).
    ViewIncubatorApplication {
        /// The user applied.
        own: bool,
        /// The user manages the incubator applied to.
        managed: bool,
    },
    /// Edit and submit one's own draft application.
    EditIncubatorApplication {
        /// The user applied.
        own: bool,
    },
    /// See an incubator's space: resources, allocations, the week calendars (its managers,
    /// its tenants in residence and regulators; never the public).
    ViewSpace {
        /// The user manages the incubator.
        managed: bool,
        /// The user acts for one of its tenants in residence.
        tenant: bool,
    },
    /// Book a shared room of an incubator: its tenants in residence, and its managers (for
    /// a tenant or the incubator's own use).
    BookSpace {
        /// The user manages the incubator.
        managed: bool,
        /// The user acts for one of its tenants in residence.
        tenant: bool,
    },
    /// Cancel a booking: whoever made it, and the incubator's managers.
    CancelBooking {
        /// The user made the booking.
        own: bool,
        /// The user manages the incubator.
        managed: bool,
    },
    /// Read a tenancy agreement: the users acting for its tenant, the incubator's managers
    /// and regulators.
    ViewAgreement {
        /// The user manages the incubator.
        managed: bool,
        /// The user acts for the agreement's tenant.
        party: bool,
    },
    /// Accept a drafted tenancy agreement for its tenant.
    AcceptAgreement {
        /// The user acts for the agreement's tenant.
        party: bool,
    },
    /// Apply to a venture-philanthropy call (anyone who may join an organization; the
    /// organizations one applies for are those one administers).
    ApplyToCall,
    /// See one proposal (application to a call): its applicant (`own`: the user who applied
    /// or a member of the applying organization) and the call's organizer (`organizer`:
    /// decided by [`Action::UnitCalls`] / [`Action::OrgCalls`]; a draft is the applicant's
    /// alone, the handler passes `organizer: false` for it).
    ViewProposal {
        /// The user applied, or belongs to the applying organization.
        own: bool,
        /// The user acts for the call's organizer.
        organizer: bool,
    },
    /// Edit, submit and revise one's own proposal (`own`: the user who applied or an
    /// administrator of the applying organization).
    EditProposal {
        /// The user applied, or administers the applying organization.
        own: bool,
    },
    /// See one grant: its recipient (`own`: the user who applied or a member of the
    /// recipient organization) and the call's organizer (`organizer`: decided by
    /// [`Action::UnitCalls`] / [`Action::OrgCalls`]).
    ViewGrant {
        /// The user applied, or belongs to the recipient organization.
        own: bool,
        /// The user acts for the call's organizer.
        organizer: bool,
    },
    /// Act for a grant's recipient: sign, report, ask for amendments (`own`: the user who
    /// applied or an administrator of the recipient organization).
    GrantRecipient {
        /// The user applied, or administers the recipient organization.
        own: bool,
    },
    /// Act for a grant's organizer: draw it up, sign, record payments, review reports,
    /// decide amendments, complete it (`organizer`: decided by [`Action::UnitCalls`] /
    /// [`Action::OrgCalls`]).
    GrantOrganizer {
        /// The user acts for the call's organizer.
        organizer: bool,
    },
    /// See one's review assignments (`/me/reviews`): holders of the evaluator role.
    ReviewSubjects,
    /// Fill in and submit a review sheet: the evaluator assigned to it (`assigned`, settled
    /// by the handler from the row).
    ScoreReview {
        /// The sheet is the user's own assignment.
        assigned: bool,
    },
    /// Assign, replace and take off the reviewers of a subject: whoever acts for its
    /// organizer (`organizer`, settled by the handler), never a platform administrator.
    ManageReviewers {
        /// The user acts for the subject's organizer.
        organizer: bool,
    },
    /// Open and run annual brand-recognition rounds (品牌项目认定): eligibility, rubric and
    /// reviewers, screening, the shortlist and its public notice, answers to objections,
    /// recognition (regulators: recognition is a civil-affairs decision). Regulators are not
    /// tied to a division on this platform yet, so any regulator runs region and
    /// league/city rounds alike.
    RunRecognition,
    /// Nominate one of an organization's brands to a recognition round (its
    /// administrators, never a platform administrator).
    NominateBrand(i64),
    /// Nominate a brand to a recognition round for a purchasing unit (its buyers).
    UnitNominate(i64),
    /// Object, with reasons, to a shortlisted brand during the public notice (anyone signed
    /// in).
    ObjectToNomination,
    /// See a tenant's records in its incubator (its graduation review, exit tasks): the
    /// tenant itself (`own`: the user who applied for it or a member of its organization),
    /// the incubator's managers and regulators.
    ViewTenant {
        /// The user is the tenant's applicant or a member of its organization.
        own: bool,
        /// The user manages the tenant's incubator.
        managed: bool,
    },
}

/// Whether an actor (or an anonymous visitor, `None`) may do an action.
pub fn may(actor: Option<&Actor>, action: Action) -> bool {
    if let Action::ViewEvaluation { awarded: true, .. } = action {
        return true;
    }
    let Some(a) = actor else { return false };
    match action {
        Action::ViewWorkspace => true,
        // Registering an organization makes its creator the administrator: a member.
        Action::CreateOrg | Action::ClaimOrg => !a.has(Role::Admin),
        // Verification is a civil-affairs decision, like ratings.
        Action::VerifyOrg | Action::DecideClaim => a.has(Role::Regulator),
        Action::ViewClaim { own } => own || a.has(Role::Regulator),
        Action::EditOrg(id) | Action::ManageOrgMembers(id) | Action::ManageBrands(id) => {
            a.org_role(id) == Some(OrgRole::Admin) || a.has(Role::Admin)
        }
        Action::ViewOrgPrivate(id) => {
            a.org_role(id).is_some() || a.has(Role::Regulator) || a.has(Role::Admin)
        }
        // Ratings and credit lists are civil-affairs decisions: administrators run the
        // platform but do not regulate.
        Action::SetRating | Action::SetCredit | Action::Regulate => a.has(Role::Regulator),
        Action::ManageUnits | Action::ManageUsers => a.has(Role::Admin),
        // Buying decisions belong to the unit's own buyers; administrators and regulators
        // oversee but do not act for a unit.
        Action::ManageTenders(unit)
        | Action::ContractBuyer(unit)
        | Action::MatchAndPlan(unit)
        | Action::UnitCalls(unit) => a.buys_for(unit),
        Action::AskQuestion => true,
        Action::BidFor(org)
        | Action::ContractSupplier(org)
        | Action::OrgCalls(org)
        | Action::Fundraise(org) => a.org_role(org) == Some(OrgRole::Admin),
        Action::ViewOrgBids(org) | Action::ViewOrgMatches(org) => a.org_role(org).is_some(),
        Action::FileReport(org) => a.org_role(org) == Some(OrgRole::Admin),
        // Whoever buys for the unit judges the bids as the buyer, not as an expert.
        Action::ScoreBids { unit, assigned } => {
            assigned && a.has(Role::Evaluator) && !a.buys_for(unit)
        }
        Action::ViewEvaluation {
            unit,
            assigned,
            awarded,
        } => {
            awarded
                || a.buys_for(unit)
                || (assigned && a.has(Role::Evaluator))
                || a.has(Role::Regulator)
        }
        Action::ManageIncubators => a.has(Role::Admin),
        Action::ApplyToIncubator => !a.has(Role::Admin),
        // The role alone manages nothing: only the incubators assigned to the holder.
        Action::ManageIncubator { managed } => a.manages_incubator(managed),
        Action::KeepIncubatorPhotos { managed } => {
            a.manages_incubator(managed) || a.has(Role::Admin)
        }
        Action::ViewIncubatorApplications { managed } => {
            a.manages_incubator(managed) || a.has(Role::Regulator)
        }
        Action::ViewIncubatorApplication { own, managed } => {
            own || a.manages_incubator(managed) || a.has(Role::Regulator)
        }
        Action::EditIncubatorApplication { own } => own,
        // A platform administrator is nobody's tenant, whatever the rows say.
        Action::ViewSpace { managed, tenant } => {
            (tenant && !a.has(Role::Admin))
                || a.manages_incubator(managed)
                || a.has(Role::Regulator)
        }
        Action::BookSpace { managed, tenant } => {
            (tenant && !a.has(Role::Admin)) || a.manages_incubator(managed)
        }
        Action::CancelBooking { own, managed } => own || a.manages_incubator(managed),
        Action::ViewAgreement { managed, party } => {
            (party && !a.has(Role::Admin)) || a.manages_incubator(managed) || a.has(Role::Regulator)
        }
        Action::AcceptAgreement { party } => party && !a.has(Role::Admin),
        Action::ApplyToCall => !a.has(Role::Admin),
        Action::ViewProposal { own, organizer } => own || (organizer && !a.has(Role::Admin)),
        Action::EditProposal { own } => own && !a.has(Role::Admin),
        Action::ViewGrant { own, organizer } => own || (organizer && !a.has(Role::Admin)),
        Action::GrantRecipient { own } => own && !a.has(Role::Admin),
        Action::GrantOrganizer { organizer } => organizer && !a.has(Role::Admin),
        Action::ViewTenant { own, managed } => {
            own || a.manages_incubator(managed) || a.has(Role::Regulator)
        }
        Action::ReviewSubjects => a.has(Role::Evaluator),
        Action::ScoreReview { assigned } => assigned && a.has(Role::Evaluator),
        Action::ManageReviewers { organizer } => organizer && !a.has(Role::Admin),
        Action::RunRecognition => a.has(Role::Regulator),
        Action::NominateBrand(org) => a.org_role(org) == Some(OrgRole::Admin),
        Action::UnitNominate(unit) => a.buys_for(unit),
        Action::ObjectToNomination => true,
    }
}

/// `Ok` when allowed; otherwise "log in first" for anonymous visitors and "forbidden" for
/// signed-in users.
pub fn require(actor: Option<&Actor>, action: Action) -> Result<(), AppError> {
    if may(actor, action) {
        Ok(())
    } else if actor.is_none() {
        Err(AppError::LoginRequired)
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role], orgs: &[(i64, OrgRole)], units: &[i64]) -> Actor {
        Actor {
            user_id: 1,
            roles: roles.to_vec(),
            orgs: orgs.to_vec(),
            units: units.to_vec(),
        }
    }

    const ALL_ACTIONS: [Action; 85] = [
        Action::ViewWorkspace,
        Action::Fundraise(7),
        Action::CreateOrg,
        Action::ClaimOrg,
        Action::VerifyOrg,
        Action::DecideClaim,
        Action::ViewClaim { own: true },
        Action::ViewClaim { own: false },
        Action::EditOrg(7),
        Action::ManageOrgMembers(7),
        Action::ManageBrands(7),
        Action::ViewOrgPrivate(7),
        Action::SetRating,
        Action::SetCredit,
        Action::ManageUnits,
        Action::ManageUsers,
        Action::ManageTenders(3),
        Action::AskQuestion,
        Action::BidFor(7),
        Action::ViewOrgBids(7),
        Action::ScoreBids {
            unit: 3,
            assigned: true,
        },
        Action::ScoreBids {
            unit: 3,
            assigned: false,
        },
        Action::ScoreBids {
            unit: 4,
            assigned: true,
        },
        Action::ContractBuyer(3),
        Action::ContractSupplier(7),
        Action::MatchAndPlan(3),
        Action::ViewOrgMatches(7),
        Action::UnitCalls(3),
        Action::OrgCalls(7),
        Action::FileReport(7),
        Action::Regulate,
        Action::ViewEvaluation {
            unit: 3,
            assigned: true,
            awarded: false,
        },
        Action::ViewEvaluation {
            unit: 3,
            assigned: false,
            awarded: true,
        },
        Action::ManageIncubators,
        Action::ApplyToIncubator,
        Action::ManageIncubator { managed: true },
        Action::ManageIncubator { managed: false },
        Action::KeepIncubatorPhotos { managed: true },
        Action::KeepIncubatorPhotos { managed: false },
        Action::ViewIncubatorApplications { managed: true },
        Action::ViewIncubatorApplications { managed: false },
        Action::ViewIncubatorApplication {
            own: true,
            managed: false,
        },
        Action::ViewIncubatorApplication {
            own: false,
            managed: true,
        },
        Action::ViewIncubatorApplication {
            own: false,
            managed: false,
        },
        Action::EditIncubatorApplication { own: true },
        Action::EditIncubatorApplication { own: false },
        Action::ViewSpace {
            managed: true,
            tenant: false,
        },
        Action::ViewSpace {
            managed: false,
            tenant: true,
        },
        Action::ViewSpace {
            managed: false,
            tenant: false,
        },
        Action::BookSpace {
            managed: true,
            tenant: false,
        },
        Action::BookSpace {
            managed: false,
            tenant: true,
        },
        Action::BookSpace {
            managed: false,
            tenant: false,
        },
        Action::CancelBooking {
            own: true,
            managed: false,
        },
        Action::CancelBooking {
            own: false,
            managed: true,
        },
        Action::CancelBooking {
            own: false,
            managed: false,
        },
        Action::ViewAgreement {
            managed: true,
            party: false,
        },
        Action::ViewAgreement {
            managed: false,
            party: true,
        },
        Action::ViewAgreement {
            managed: false,
            party: false,
        },
        Action::AcceptAgreement { party: true },
        Action::AcceptAgreement { party: false },
        Action::ApplyToCall,
        Action::ViewProposal {
            own: true,
            organizer: false,
        },
        Action::ViewProposal {
            own: false,
            organizer: true,
        },
        Action::ViewProposal {
            own: false,
            organizer: false,
        },
        Action::EditProposal { own: true },
        Action::EditProposal { own: false },
        Action::ViewGrant {
            own: true,
            organizer: false,
        },
        Action::ViewGrant {
            own: false,
            organizer: true,
        },
        Action::ViewGrant {
            own: false,
            organizer: false,
        },
        Action::GrantRecipient { own: true },
        Action::GrantRecipient { own: false },
        Action::GrantOrganizer { organizer: true },
        Action::GrantOrganizer { organizer: false },
        Action::ViewTenant {
            own: true,
            managed: false,
        },
        Action::ViewTenant {
            own: false,
            managed: true,
        },
        Action::ViewTenant {
            own: false,
            managed: false,
        },
        Action::ReviewSubjects,
        Action::ScoreReview { assigned: true },
        Action::ScoreReview { assigned: false },
        Action::ManageReviewers { organizer: true },
        Action::ManageReviewers { organizer: false },
        Action::RunRecognition,
        Action::NominateBrand(7),
        Action::UnitNominate(3),
        Action::ObjectToNomination,
    ];

    /// The whole policy as a table: for each kind of actor, the actions on organization 7
    /// it may take. Every (actor, action) pair not listed must be refused.
    #[test]
    fn policy_table() {
        use Action::*;
        let report = ViewEvaluation {
            unit: 3,
            assigned: false,
            awarded: true,
        };
        let early = ViewEvaluation {
            unit: 3,
            assigned: true,
            awarded: false,
        };
        // What an applicant may do with their own application (`own` is settled by the
        // handler from the row).
        let own = [
            ViewIncubatorApplication {
                own: true,
                managed: false,
            },
            EditIncubatorApplication { own: true },
            CancelBooking {
                own: true,
                managed: false,
            },
            ViewTenant {
                own: true,
                managed: false,
            },
        ];
        // What a tenant in residence may do with the incubator's space (`tenant` is settled
        // by the handler from the rows; an administrator is nobody's tenant).
        let tenant = [
            ViewSpace {
                managed: false,
                tenant: true,
            },
            BookSpace {
                managed: false,
                tenant: true,
            },
            ViewAgreement {
                managed: false,
                party: true,
            },
            AcceptAgreement { party: true },
        ];
        let signed_in = [
            ViewWorkspace,
            CreateOrg,
            ClaimOrg,
            ViewClaim { own: true },
            AskQuestion,
            report,
            ApplyToIncubator,
            own[0],
            own[1],
            own[2],
            own[3],
            tenant[0],
            tenant[1],
            tenant[2],
            tenant[3],
            // A proposal's applicant, and the call's organizer (settled by the handler).
            ApplyToCall,
            ViewProposal {
                own: true,
                organizer: false,
            },
            ViewProposal {
                own: false,
                organizer: true,
            },
            EditProposal { own: true },
            // A grant's recipient and organizer (settled by the handler).
            ViewGrant {
                own: true,
                organizer: false,
            },
            ViewGrant {
                own: false,
                organizer: true,
            },
            GrantRecipient { own: true },
            GrantOrganizer { organizer: true },
            // Reviewers of a subject are managed by its organizer (settled by the handler).
            ManageReviewers { organizer: true },
            ObjectToNomination,
        ];
        let with = |extra: &[Action]| [&signed_in[..], extra].concat();
        // A platform administrator joins nothing, so registers no organization either.
        // (A claim of theirs could only predate the role; they may still read it.)
        let admin_with = |extra: &[Action]| {
            [
                &[
                    ViewWorkspace,
                    AskQuestion,
                    ViewClaim { own: true },
                    report,
                    ManageIncubators,
                    // Photos of any incubator, like its other public facts.
                    KeepIncubatorPhotos { managed: true },
                    KeepIncubatorPhotos { managed: false },
                    ObjectToNomination,
                    own[0],
                    own[1],
                    own[2],
                    own[3],
                    // A proposal's `own` is settled from its row; an administrator applies
                    // to no call, so never has one to edit.
                    ViewProposal {
                        own: true,
                        organizer: false,
                    },
                    ViewGrant {
                        own: true,
                        organizer: false,
                    },
                ][..],
                extra,
            ]
            .concat()
        };
        let cases: Vec<(&str, Option<Actor>, Vec<Action>)> = vec![
            ("anonymous", None, vec![report]),
            ("plain user", Some(actor(&[], &[], &[])), with(&[])),
            (
                "buyer of unit 3",
                Some(actor(&[], &[], &[3])),
                with(&[
                    UnitNominate(3),
                    ManageTenders(3),
                    ContractBuyer(3),
                    MatchAndPlan(3),
                    UnitCalls(3),
                    early,
                ]),
            ),
            ("buyer of unit 4", Some(actor(&[], &[], &[4])), with(&[])),
            (
                "admin of org 7",
                Some(actor(&[], &[(7, OrgRole::Admin)], &[])),
                with(&[
                    NominateBrand(7),
                    EditOrg(7),
                    ManageOrgMembers(7),
                    ManageBrands(7),
                    ViewOrgPrivate(7),
                    BidFor(7),
                    ViewOrgBids(7),
                    ContractSupplier(7),
                    ViewOrgMatches(7),
                    OrgCalls(7),
                    Fundraise(7),
                    FileReport(7),
                ]),
            ),
            (
                "member of org 7",
                Some(actor(&[], &[(7, OrgRole::Member)], &[])),
                with(&[ViewOrgPrivate(7), ViewOrgBids(7), ViewOrgMatches(7)]),
            ),
            (
                "admin of org 8",
                Some(actor(&[], &[(8, OrgRole::Admin)], &[])),
                with(&[]),
            ),
            (
                "regulator",
                Some(actor(&[Role::Regulator], &[], &[])),
                with(&[
                    RunRecognition,
                    ViewOrgPrivate(7),
                    SetRating,
                    SetCredit,
                    VerifyOrg,
                    DecideClaim,
                    ViewClaim { own: false },
                    Regulate,
                    early,
                    ViewIncubatorApplications { managed: true },
                    ViewIncubatorApplications { managed: false },
                    ViewIncubatorApplication {
                        own: false,
                        managed: true,
                    },
                    ViewIncubatorApplication {
                        own: false,
                        managed: false,
                    },
                    ViewSpace {
                        managed: true,
                        tenant: false,
                    },
                    ViewSpace {
                        managed: false,
                        tenant: false,
                    },
                    ViewAgreement {
                        managed: true,
                        party: false,
                    },
                    ViewAgreement {
                        managed: false,
                        party: false,
                    },
                    ViewTenant {
                        own: false,
                        managed: true,
                    },
                    ViewTenant {
                        own: false,
                        managed: false,
                    },
                ]),
            ),
            (
                "platform admin",
                Some(actor(&[Role::Admin], &[], &[])),
                admin_with(&[
                    EditOrg(7),
                    ManageOrgMembers(7),
                    ManageBrands(7),
                    ViewOrgPrivate(7),
                    ManageUnits,
                    ManageUsers,
                ]),
            ),
            (
                "evaluator",
                Some(actor(&[Role::Evaluator], &[], &[])),
                with(&[
                    ScoreBids {
                        unit: 3,
                        assigned: true,
                    },
                    ScoreBids {
                        unit: 4,
                        assigned: true,
                    },
                    early,
                    ReviewSubjects,
                    ScoreReview { assigned: true },
                ]),
            ),
            // Separation of duties: rows that make an administrator a member or a buyer
            // (written before the rule, or by hand) give no member's or buyer's power.
            (
                "platform admin listed as admin of org 7 and buyer of unit 3",
                Some(actor(&[Role::Admin], &[(7, OrgRole::Admin)], &[3])),
                admin_with(&[
                    EditOrg(7),
                    ManageOrgMembers(7),
                    ManageBrands(7),
                    ViewOrgPrivate(7),
                    ManageUnits,
                    ManageUsers,
                ]),
            ),
            (
                "platform admin listed as member of org 7",
                Some(actor(&[Role::Admin], &[(7, OrgRole::Member)], &[])),
                admin_with(&[
                    EditOrg(7),
                    ManageOrgMembers(7),
                    ManageBrands(7),
                    ViewOrgPrivate(7),
                    ManageUnits,
                    ManageUsers,
                ]),
            ),
            // An evaluator who buys for unit 3 acts there as a buyer, never as its expert;
            // a tender of another unit they may still score.
            (
                "evaluator buying for unit 3",
                Some(actor(&[Role::Evaluator], &[], &[3])),
                with(&[
                    UnitNominate(3),
                    ManageTenders(3),
                    ContractBuyer(3),
                    MatchAndPlan(3),
                    UnitCalls(3),
                    early,
                    ScoreBids {
                        unit: 4,
                        assigned: true,
                    },
                    ReviewSubjects,
                    ScoreReview { assigned: true },
                ]),
            ),
            // The role manages only the incubators assigned (`managed` true).
            (
                "incubator manager",
                Some(actor(&[Role::IncubatorManager], &[], &[])),
                with(&[
                    ManageIncubator { managed: true },
                    KeepIncubatorPhotos { managed: true },
                    ViewIncubatorApplications { managed: true },
                    ViewIncubatorApplication {
                        own: false,
                        managed: true,
                    },
                    ViewSpace {
                        managed: true,
                        tenant: false,
                    },
                    BookSpace {
                        managed: true,
                        tenant: false,
                    },
                    CancelBooking {
                        own: false,
                        managed: true,
                    },
                    ViewAgreement {
                        managed: true,
                        party: false,
                    },
                    ViewTenant {
                        own: false,
                        managed: true,
                    },
                ]),
            ),
            // An administrator listed as a manager (by hand) manages nothing.
            (
                "platform admin holding the manager role",
                Some(actor(&[Role::Admin, Role::IncubatorManager], &[], &[])),
                admin_with(&[
                    EditOrg(7),
                    ManageOrgMembers(7),
                    ManageBrands(7),
                    ViewOrgPrivate(7),
                    ManageUnits,
                    ManageUsers,
                ]),
            ),
        ];
        for (name, a, allowed) in cases {
            for action in ALL_ACTIONS {
                assert_eq!(
                    may(a.as_ref(), action),
                    allowed.contains(&action),
                    "{name} / {action:?}"
                );
            }
        }
    }

    #[test]
    fn require_distinguishes_anonymous_from_forbidden() {
        assert!(matches!(
            require(None, Action::CreateOrg),
            Err(AppError::LoginRequired)
        ));
        let a = actor(&[], &[], &[]);
        assert!(matches!(
            require(Some(&a), Action::SetRating),
            Err(AppError::Forbidden)
        ));
        assert!(require(Some(&a), Action::CreateOrg).is_ok());
    }
}
