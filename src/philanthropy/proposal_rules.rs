//! Pure rules of applications (proposals) to venture-philanthropy calls: the state machine
//! (one transition function), the screening checklist, the form's validation with the
//! budget rules (lines add up, administrative share under the cap, co-funding met, the grant
//! asked within the call's maximum), whether an applicant may apply, and the comparison of
//! two submitted revisions.

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::kernel::text::{self, Kind};
use crate::regions::{REGION_CODE, regions};

use super::rules::Applicant;

/// The longest each free-text field of a proposal may be, in characters, and the most rows
/// its lists may have: the one place these limits are set.
pub mod limits {
    /// The project's title; a group's name.
    pub const TITLE: usize = 200;
    /// The project plan.
    pub const PLAN: usize = 8000;
    /// Who benefits and how many.
    pub const BENEFICIARIES: usize = 2000;
    /// An outcome indicator; a budget line's item.
    pub const ITEM: usize = 200;
    /// A message to the applicant (more information, rejection, approval, reopening).
    pub const MESSAGE: usize = 2000;
    /// Rows of outcomes or budget lines.
    pub const ROWS: usize = 20;
    /// Co-applicants.
    pub const PARTNERS: usize = 10;
    /// The largest outcome target.
    pub const TARGET: i64 = 1_000_000_000;
}

/// The administrative share a budget may hold when the call sets none (basis points).
pub const DEFAULT_ADMIN_CAP_BP: i32 = 1500;

code_enum! {
    /// Where a proposal stands (Hypha's flow, see DOMAIN.md).
    ProposalState => "proposal.state" {
        /// Being written by the applicant; nobody else sees it.
        Draft = "draft",
        /// A two-stage call's concept note, sent; waiting for the organizer to invite a
        /// full proposal or decline.
        Concept = "concept",
        /// The concept note was invited: the applicant writes the full proposal (until the
        /// call's full-proposal deadline).
        Invited = "invited",
        /// The concept note was declined, with a message to the applicant (final).
        Declined = "declined",
        /// Sent; waiting for the organizer.
        Submitted = "submitted",
        /// The organizer checks eligibility against the checklist.
        Screening = "screening",
        /// The applicant was asked for more information and revises.
        MoreInfo = "more_info",
        /// With the experts (the reviews room scores it).
        ExpertReview = "expert_review",
        /// Awaiting the organizer's decision.
        Determination = "determination",
        /// Approved, with an amount (possibly less than asked).
        Approved = "approved",
        /// Rejected, with a message to the applicant.
        Rejected = "rejected",
        /// Withdrawn by its applicant before determination, with a reason (final).
        Withdrawn = "withdrawn",
    }
}

code_enum! {
    /// What someone does to a proposal.
    Step => "proposal.step" {
        /// The applicant sends the draft.
        Submit = "submit",
        /// The applicant sends a revision after a request for more information.
        Resubmit = "resubmit",
        /// The organizer starts screening.
        Screen = "screen",
        /// The organizer asks the applicant for more information (with a message).
        RequestInfo = "request_info",
        /// The organizer sends a screened proposal to the experts (checklist complete).
        ToReview = "to_review",
        /// The organizer takes it back to screening.
        BackToScreening = "back_to_screening",
        /// The organizer closes the review for a decision.
        ToDetermination = "to_determination",
        /// The organizer reopens the review.
        BackToReview = "back_to_review",
        /// The organizer approves, with an amount.
        Approve = "approve",
        /// The organizer rejects, with a message.
        Reject = "reject",
        /// The organizer reopens a decision (with a reason).
        Reopen = "reopen",
        /// The applicant withdraws it before determination (with a reason).
        Withdraw = "withdraw",
        /// The applicant sends a concept note (a two-stage call's first stage).
        SubmitConcept = "submit_concept",
        /// The organizer invites a full proposal from a concept note.
        Invite = "invite",
        /// The organizer declines a concept note (with a message).
        Decline = "decline",
    }
}

code_enum! {
    /// Which stage a proposal is in. A one-stage call's proposals are full proposals from
    /// the start; a two-stage call's start as concept notes and become full proposals when
    /// the organizer invites them.
    Stage => "proposal.stage" {
        /// A concept note: title, summary, place and the grant asked; outcomes and budget
        /// lines optional.
        Concept = "concept",
        /// A full proposal: everything the form asks.
        Full = "full",
    }
}

impl Stage {
    /// The stage a new proposal to a call starts in.
    pub fn first(two_stage: bool) -> Stage {
        if two_stage {
            Stage::Concept
        } else {
            Stage::Full
        }
    }

    /// The applicant's step that sends a draft in this stage.
    pub fn submit_step(self) -> Step {
        match self {
            Stage::Concept => Step::SubmitConcept,
            Stage::Full => Step::Submit,
        }
    }
}

/// Until when a proposal in `stage` may be written and sent: the call's window for a
/// concept note and for any proposal of a one-stage call, the full-proposal deadline for a
/// two-stage call's full proposals (the window's close where none was stored).
pub fn deadline(stage: Stage, two_stage: bool, closes_at: i64, full_closes_at: Option<i64>) -> i64 {
    match (stage, two_stage) {
        (Stage::Full, true) => full_closes_at.unwrap_or(closes_at).max(closes_at),
        _ => closes_at,
    }
}

/// The message key that says why the applicant may not change a proposal in this state: a
/// concept note not (yet) invited, a declined one, or any other state past writing.
pub fn not_editable_key(state: ProposalState) -> &'static str {
    match state {
        ProposalState::Concept => "proposal.err.not_invited",
        ProposalState::Declined => "proposal.err.declined",
        _ => "proposal.err.not_editable",
    }
}

code_enum! {
    /// The screening checklist: what the organizer confirms before the experts see a
    /// proposal.
    ScreenItem => "proposal.check" {
        /// The applicant is of a kind the call accepts, with a clean credit record.
        Eligible = "eligible",
        /// The project takes place where the call funds.
        Place = "place",
        /// The project fits the call's theme and domains.
        Theme = "theme",
        /// The budget is complete and plausible.
        Budget = "budget",
        /// The plan and attachments are complete.
        Documents = "documents",
    }
}

code_enum! {
    /// A budget line's category.
    BudgetCategory => "proposal.budget" {
        /// Staff costs.
        Personnel = "personnel",
        /// Activities.
        Activities = "activities",
        /// Materials.
        Materials = "materials",
        /// Administration (capped).
        Admin = "admin",
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    /// Not a step this state allows.
    Illegal,
    /// Expert review needs every screening item confirmed.
    ChecklistIncomplete,
    /// Withdrawal comes too late: the proposal is awaiting or has had its determination.
    Decided,
}

impl StepError {
    /// The message shown to the user.
    pub fn message(self, lang: Lang) -> String {
        match self {
            StepError::Illegal => lang.t("proposal.err.illegal_step"),
            StepError::ChecklistIncomplete => lang.t("proposal.err.checklist_incomplete"),
            StepError::Decided => lang.t("proposal.err.withdraw_decided"),
        }
    }
}

impl Step {
    /// Whether the applicant takes this step (all others are the organizer's).
    pub fn by_applicant(self) -> bool {
        matches!(
            self,
            Step::Submit | Step::Resubmit | Step::Withdraw | Step::SubmitConcept
        )
    }

    /// Whether the organizer must write a message to the applicant with it.
    pub fn needs_message(self) -> bool {
        matches!(
            self,
            Step::RequestInfo | Step::Reject | Step::Reopen | Step::Decline
        )
    }

    /// The steps the organizer may choose from in a state, in the order shown.
    pub fn for_organizer(state: ProposalState) -> Vec<Step> {
        Step::ALL
            .iter()
            .copied()
            .filter(|s| !s.by_applicant() && state.apply(*s, true, None).is_ok())
            .collect()
    }
}

impl ProposalState {
    /// The one transition function. `checklist_met`: every screening item is confirmed;
    /// `return_to`: where a revision goes back to (the state more information was asked in).
    pub fn apply(
        self,
        step: Step,
        checklist_met: bool,
        return_to: Option<ProposalState>,
    ) -> Result<ProposalState, StepError> {
        use ProposalState as S;
        Ok(match (self, step) {
            (S::Draft, Step::Submit) => S::Submitted,
            // Two stages: the concept note, the organizer's invitation or decline, then the
            // invited full proposal joins the one-stage flow as submitted.
            (S::Draft, Step::SubmitConcept) => S::Concept,
            (S::Concept, Step::Invite) => S::Invited,
            (S::Concept, Step::Decline) => S::Declined,
            (S::Invited, Step::Submit) => S::Submitted,
            (S::MoreInfo, Step::Resubmit) => match return_to {
                Some(r @ (S::Screening | S::ExpertReview | S::Determination)) => r,
                _ => S::Screening,
            },
            (S::Submitted, Step::Screen) => S::Screening,
            (S::Screening | S::ExpertReview | S::Determination, Step::RequestInfo) => S::MoreInfo,
            (S::Screening, Step::ToReview) => {
                if !checklist_met {
                    return Err(StepError::ChecklistIncomplete);
                }
                S::ExpertReview
            }
            (S::ExpertReview, Step::BackToScreening) => S::Screening,
            (S::ExpertReview, Step::ToDetermination) => S::Determination,
            (S::Determination, Step::BackToReview) => S::ExpertReview,
            (S::Determination, Step::Approve) => S::Approved,
            (S::Submitted | S::Screening | S::Determination, Step::Reject) => S::Rejected,
            (S::Approved | S::Rejected, Step::Reopen) => S::Determination,
            // The applicant withdraws while the organizer has not come to a decision; once
            // determination is reached it is too late (a draft is simply not submitted).
            (
                S::Concept
                | S::Invited
                | S::Submitted
                | S::Screening
                | S::MoreInfo
                | S::ExpertReview,
                Step::Withdraw,
            ) => S::Withdrawn,
            (S::Determination | S::Approved | S::Rejected | S::Declined, Step::Withdraw) => {
                return Err(StepError::Decided);
            }
            _ => return Err(StepError::Illegal),
        })
    }

    /// Whether the organizer sees it (a draft is the applicant's alone).
    pub fn visible_to_organizer(self) -> bool {
        self != ProposalState::Draft
    }

    /// Whether the applicant may change its content: a draft, an invited concept note
    /// (the full proposal being written), or when asked for more.
    pub fn editable(self) -> bool {
        matches!(
            self,
            ProposalState::Draft | ProposalState::Invited | ProposalState::MoreInfo
        )
    }

    /// Whether its applicant may still withdraw it.
    pub fn withdrawable(self) -> bool {
        self.apply(Step::Withdraw, false, None).is_ok()
    }

    /// Whether a decision has been made (a declined concept note's included).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ProposalState::Approved | ProposalState::Rejected | ProposalState::Declined
        )
    }
}

/// Whether every screening item is among those confirmed.
pub fn checklist_met(confirmed: &[String]) -> bool {
    ScreenItem::ALL
        .iter()
        .all(|i| confirmed.iter().any(|c| c == i.code()))
}

/// Who applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicantChoice {
    /// A registered organization the user administers.
    Org(i64),
    /// A community group in preparation (no registration yet).
    Group,
}

/// What the call asks of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallTerms {
    /// Largest grant.
    pub max_grant: Fen,
    /// Co-funding the applicant brings, basis points of the project's total.
    pub cofund_bp: i32,
    /// Largest administrative share of the total, basis points.
    pub admin_cap_bp: i32,
    /// Eligible division codes.
    pub places: Vec<String>,
}

/// What an applicant typed. Lists come as parallel repeated fields.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ProposalForm {
    /// `org` or `group`.
    #[serde(default)]
    pub kind: String,
    /// The organization (when `kind` is `org`).
    #[serde(default)]
    pub org_id: String,
    /// The group's name (when `kind` is `group`).
    #[serde(default)]
    pub name: String,
    /// The project's title.
    #[serde(default)]
    pub title: String,
    /// The plan.
    #[serde(default)]
    pub plan: String,
    /// Beneficiaries.
    #[serde(default)]
    pub beneficiaries: String,
    /// League/city of the project's place.
    #[serde(default)]
    pub p_league: String,
    /// Banner/county.
    #[serde(default)]
    pub p_county: String,
    /// Township/street.
    #[serde(default)]
    pub p_township: String,
    /// Outcome indicators.
    #[serde(default)]
    pub outcome_indicator: Vec<String>,
    /// Outcome targets (whole numbers).
    #[serde(default)]
    pub outcome_target: Vec<String>,
    /// Budget line categories.
    #[serde(default)]
    pub budget_category: Vec<String>,
    /// Budget line items.
    #[serde(default)]
    pub budget_item: Vec<String>,
    /// Budget line amounts in yuan.
    #[serde(default)]
    pub budget_amount: Vec<String>,
    /// The project's total in yuan (the lines must add up to it).
    #[serde(default)]
    pub total: String,
    /// The applicant's own co-funding in yuan.
    #[serde(default)]
    pub cofund: String,
    /// Co-applicants' USCCs.
    #[serde(default)]
    pub partner_uscc: Vec<String>,
    /// `submit` to send it now; anything else keeps a draft.
    #[serde(default)]
    pub action: String,
}

/// One budget line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BudgetLine {
    /// [`BudgetCategory::code`].
    pub category: String,
    /// What it pays for.
    pub item: String,
    /// Amount.
    pub amount: Fen,
}

/// One planned outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// What is counted.
    pub indicator: String,
    /// How many.
    pub target: i64,
}

/// A valid proposal (co-applicants still to be found by their USCC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDraft {
    /// Who applies.
    pub applicant: ApplicantChoice,
    /// The group's name (empty for an organization: the registry's name is used).
    pub name: String,
    /// Title.
    pub title: String,
    /// Plan.
    pub plan: String,
    /// Beneficiaries.
    pub beneficiaries: String,
    /// Division code of the project's place.
    pub place: String,
    /// Outcomes.
    pub outcomes: Vec<Outcome>,
    /// Budget lines.
    pub budget: Vec<BudgetLine>,
    /// Total (the lines' sum).
    pub total: Fen,
    /// The applicant's co-funding.
    pub cofund: Fen,
    /// Co-applicants' USCCs, normalized.
    pub partners: Vec<String>,
    /// Send now.
    pub submit: bool,
}

impl ProposalDraft {
    /// The grant asked: the total less the co-funding.
    pub fn requested(&self) -> Fen {
        Fen(self.total.0 - self.cofund.0)
    }
}

/// Whether a division lies within one of the call's eligible places.
pub fn place_within(place: &str, call_places: &[String]) -> bool {
    let r = regions();
    call_places.iter().any(|p| {
        p == REGION_CODE
            || p == place
            || r.league_of(place).is_some_and(|d| &d.code == p)
            || r.county_of(place).is_some_and(|d| &d.code == p)
    })
}

/// The budget rules, given valid lines: the lines (if any) add up to the total, the co-funding is
/// below the total and meets the call's ratio, the grant asked is within the maximum, the
/// administrative lines within the cap. Messages go to `e` by field.
pub fn check_budget(
    lines: &[BudgetLine],
    total: Fen,
    cofund: Fen,
    terms: &CallTerms,
    lang: Lang,
    e: &mut FieldErrors,
) {
    let sum: i128 = lines.iter().map(|l| i128::from(l.amount.0)).sum();
    // No lines at all (a concept note's optional budget): only the amounts are checked.
    if !lines.is_empty() && sum != i128::from(total.0) {
        let shown = Fen(i64::try_from(sum).unwrap_or(i64::MAX));
        e.add(
            "total",
            lang.tf(
                "proposal.err.total_mismatch",
                &[("sum", &shown.to_string()), ("total", &total.to_string())],
            ),
        );
        return;
    }
    if cofund >= total {
        e.add("cofund", lang.t("proposal.err.cofund_total"));
        return;
    }
    let requested = Fen(total.0 - cofund.0);
    if requested > terms.max_grant {
        e.add(
            "total",
            lang.tf(
                "proposal.err.over_max",
                &[
                    ("requested", &requested.to_string()),
                    ("max", &terms.max_grant.to_string()),
                ],
            ),
        );
    }
    // cofund / total ≥ ratio, in exact integers.
    if i128::from(cofund.0) * 10_000 < i128::from(total.0) * i128::from(terms.cofund_bp) {
        e.add(
            "cofund",
            lang.tf(
                "proposal.err.cofund_ratio",
                &[
                    ("ratio", &super::rules::percent_input(terms.cofund_bp)),
                    (
                        "needed",
                        &total.share_bp(i64::from(terms.cofund_bp)).to_string(),
                    ),
                ],
            ),
        );
    }
    let admin: i128 = lines
        .iter()
        .filter(|l| l.category == BudgetCategory::Admin.code())
        .map(|l| i128::from(l.amount.0))
        .sum();
    if admin * 10_000 > i128::from(total.0) * i128::from(terms.admin_cap_bp) {
        let share = i32::try_from(admin * 10_000 / i128::from(total.0.max(1))).unwrap_or(10_000);
        e.add(
            "budget",
            lang.tf(
                "proposal.err.admin_cap",
                &[
                    ("share", &super::rules::percent_input(share)),
                    ("cap", &super::rules::percent_input(terms.admin_cap_bp)),
                ],
            ),
        );
    }
}

fn at(v: &[String], i: usize) -> &str {
    v.get(i).map(String::as_str).unwrap_or("")
}

/// Validates a (full) proposal against the call's terms. `admin_of` are the organizations
/// the user administers.
pub fn validate_proposal(
    f: &ProposalForm,
    admin_of: &[i64],
    terms: &CallTerms,
    lang: Lang,
) -> Result<ProposalDraft, FieldErrors> {
    validate_for(f, admin_of, terms, Stage::Full, lang)
}

/// Validates a proposal in its stage. A concept note needs who applies, the title, the
/// plan in summary, who benefits, the place and the amounts (total and co-funding: the grant
/// asked, within the call's maximum and co-funding ratio); outcomes and budget lines are
/// optional, and checked like a full proposal's when given (lines adding up to the total,
/// administration under the cap).
pub fn validate_for(
    f: &ProposalForm,
    admin_of: &[i64],
    terms: &CallTerms,
    stage: Stage,
    lang: Lang,
) -> Result<ProposalDraft, FieldErrors> {
    let full = stage == Stage::Full;
    let mut e = FieldErrors::default();
    let applicant = match f.kind.trim() {
        "org" => match f.org_id.trim().parse::<i64>() {
            Ok(id) if admin_of.contains(&id) => Some(ApplicantChoice::Org(id)),
            _ => {
                e.add("org_id", lang.t("proposal.err.org"));
                None
            }
        },
        "group" => Some(ApplicantChoice::Group),
        _ => {
            e.add("kind", lang.t("proposal.err.kind"));
            None
        }
    };
    let group = applicant == Some(ApplicantChoice::Group);
    let name = f.name.trim();
    if text::check(&mut e, "name", &f.name, Kind::Name, limits::TITLE, lang)
        && group
        && name.chars().count() < 2
    {
        e.add("name", lang.t("proposal.err.name"));
    }
    let title = f.title.trim();
    if text::check(&mut e, "title", &f.title, Kind::Line, limits::TITLE, lang)
        && title.chars().count() < 4
    {
        e.add("title", lang.t("proposal.err.title"));
    }
    let plan = f.plan.trim();
    if text::check(&mut e, "plan", &f.plan, Kind::Multi, limits::PLAN, lang)
        && plan.chars().count() < 20
    {
        e.add("plan", lang.t("proposal.err.plan"));
    }
    let beneficiaries = f.beneficiaries.trim();
    if text::check(
        &mut e,
        "beneficiaries",
        &f.beneficiaries,
        Kind::Multi,
        limits::BENEFICIARIES,
        lang,
    ) && beneficiaries.chars().count() < 4
    {
        e.add("beneficiaries", lang.t("proposal.err.beneficiaries"));
    }
    let r = regions();
    let (l, c, t) = (f.p_league.trim(), f.p_county.trim(), f.p_township.trim());
    let consistent = (c.is_empty() || r.league_of(c).is_some_and(|d| d.code == l))
        && (t.is_empty() || r.county_of(t).is_some_and(|d| d.code == c));
    let place = [t, c, l].into_iter().find(|s| !s.is_empty()).unwrap_or("");
    if place.is_empty() {
        e.add("p_league", lang.t("proposal.err.place"));
    } else if !consistent || r.get(place).is_none() {
        e.add("p_county", lang.t("org.err.division_mismatch"));
    } else if !place_within(place, &terms.places) {
        e.add("p_league", lang.t("proposal.err.place_outside"));
    }
    let mut outcomes = Vec::new();
    let rows = f.outcome_indicator.len().max(f.outcome_target.len());
    for i in 0..rows {
        let (ind, target) = (at(&f.outcome_indicator, i), at(&f.outcome_target, i).trim());
        if ind.trim().is_empty() && target.is_empty() {
            continue;
        }
        if !text::check(&mut e, "outcomes", ind, Kind::Line, limits::ITEM, lang) {
            break;
        }
        match target
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=limits::TARGET).contains(n))
        {
            Some(n) if !ind.trim().is_empty() => outcomes.push(Outcome {
                indicator: ind.trim().to_string(),
                target: n,
            }),
            _ => {
                e.add(
                    "outcomes",
                    lang.tf("proposal.err.outcome", &[("n", &(i + 1).to_string())]),
                );
                break;
            }
        }
    }
    if e.get("outcomes").is_none() {
        if outcomes.is_empty() && full {
            e.add("outcomes", lang.t("proposal.err.no_outcomes"));
        } else if outcomes.len() > limits::ROWS {
            e.add("outcomes", lang.t("proposal.err.rows"));
        }
    }
    let mut budget = Vec::new();
    let rows = f
        .budget_category
        .len()
        .max(f.budget_item.len())
        .max(f.budget_amount.len());
    for i in 0..rows {
        let (cat, item, amount) = (
            at(&f.budget_category, i).trim(),
            at(&f.budget_item, i),
            at(&f.budget_amount, i).trim(),
        );
        if item.trim().is_empty() && amount.is_empty() {
            continue;
        }
        if !text::check(&mut e, "budget", item, Kind::Line, limits::ITEM, lang) {
            break;
        }
        let amount = Fen::parse_yuan(amount).filter(|a| a.0 > 0);
        match (BudgetCategory::parse(cat), amount) {
            (Some(c), Some(a)) if !item.trim().is_empty() => budget.push(BudgetLine {
                category: c.code().to_string(),
                item: item.trim().to_string(),
                amount: a,
            }),
            _ => {
                e.add(
                    "budget",
                    lang.tf("proposal.err.budget_line", &[("n", &(i + 1).to_string())]),
                );
                break;
            }
        }
    }
    if e.get("budget").is_none() {
        if budget.is_empty() && full {
            e.add("budget", lang.t("proposal.err.no_budget"));
        } else if budget.len() > limits::ROWS {
            e.add("budget", lang.t("proposal.err.rows"));
        }
    }
    let total = Fen::parse_yuan(&f.total).filter(|t| t.0 > 0);
    if total.is_none() {
        e.add("total", lang.t("proposal.err.amount"));
    }
    let cofund = match f.cofund.trim() {
        "" => Some(Fen(0)),
        s => Fen::parse_yuan(s),
    };
    if cofund.is_none() {
        e.add("cofund", lang.t("proposal.err.cofund"));
    }
    if let (Some(t), Some(c)) = (total, cofund)
        && e.get("budget").is_none()
    {
        check_budget(&budget, t, c, terms, lang, &mut e);
    }
    let mut partners: Vec<String> = Vec::new();
    for u in &f.partner_uscc {
        if !text::check(&mut e, "partners", u, Kind::Line, 18, lang) {
            break;
        }
        let u = u.trim().to_uppercase();
        if u.is_empty() || partners.contains(&u) {
            continue;
        }
        if let Err(err) = crate::orgs::validate_uscc(&u, None) {
            e.add("partners", format!("{u}: {}", err.message(lang)));
            break;
        }
        partners.push(u);
    }
    if partners.len() > limits::PARTNERS && e.get("partners").is_none() {
        e.add("partners", lang.t("proposal.err.rows"));
    }
    let Some(applicant) = applicant else {
        return Err(e);
    };
    e.into_result(ProposalDraft {
        applicant,
        name: if group {
            name.to_string()
        } else {
            String::new()
        },
        title: title.to_string(),
        plan: plan.to_string(),
        beneficiaries: beneficiaries.to_string(),
        place: place.to_string(),
        outcomes,
        budget,
        total: total.unwrap_or_default(),
        cofund: cofund.unwrap_or_default(),
        partners,
        submit: f.action.trim() == "submit",
    })
}

/// The registry's facts about an applying organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgStanding {
    /// A regulator verified its registration.
    pub verified: bool,
    /// On no credit list.
    pub clean_credit: bool,
    /// A registered social organization.
    pub social: bool,
    /// In residence at an incubator.
    pub tenant: bool,
    /// How its registration ended, if it did (named before anything else).
    pub ended: Option<crate::orgs::Ended>,
}

/// Why an applicant may not apply to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// On a credit list.
    Credit,
    /// Not yet verified by a regulator.
    Unverified,
    /// A kind of applicant the call does not accept.
    Kind,
    /// Its registration was revoked or deregistered (on that day).
    Ended(crate::orgs::Ended),
}

impl Ineligible {
    /// The message shown next to the applicant.
    pub fn message(self, lang: Lang) -> String {
        lang.t(match self {
            Ineligible::Credit => "proposal.err.credit",
            Ineligible::Unverified => "proposal.err.unverified",
            Ineligible::Kind => "proposal.err.not_accepted",
            Ineligible::Ended(e) => return e.message(lang),
        })
    }
}

/// Whether an applicant may apply to a call accepting `accepted`: an organization (`Some`)
/// needs a clean credit record (always), a verified registration, and the call to accept
/// registered organizations, or incubator tenants when it is one; a group (`None`) needs the
/// call to accept groups in preparation.
pub fn eligible(org: Option<OrgStanding>, accepted: &[Applicant]) -> Result<(), Ineligible> {
    match org {
        None if accepted.contains(&Applicant::Preparing) => Ok(()),
        None => Err(Ineligible::Kind),
        Some(OrgStanding { ended: Some(e), .. }) => Err(Ineligible::Ended(e)),
        Some(o) if !o.clean_credit => Err(Ineligible::Credit),
        Some(o) if !o.verified => Err(Ineligible::Unverified),
        Some(o)
            if (o.social && accepted.contains(&Applicant::Registered))
                || (o.tenant && accepted.contains(&Applicant::Tenant)) =>
        {
            Ok(())
        }
        Some(_) => Err(Ineligible::Kind),
    }
}

/// An organizer's step as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct StepForm {
    /// [`Step::code`].
    #[serde(default)]
    pub step: String,
    /// The message to the applicant.
    #[serde(default)]
    pub message: String,
    /// The amount approved in yuan (blank: the amount asked).
    #[serde(default)]
    pub amount: String,
}

/// A valid organizer's step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDraft {
    /// The step.
    pub step: Step,
    /// The message (may be empty where none is required).
    pub message: String,
    /// For an approval: the amount.
    pub amount: Option<Fen>,
}

/// Validates an organizer's step: a step of the organizer's, a message where one is
/// required, for an approval an amount above zero and not above what was asked.
pub fn validate_step(f: &StepForm, requested: Fen, lang: Lang) -> Result<StepDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let step = Step::parse(f.step.trim()).filter(|s| !s.by_applicant());
    if step.is_none() {
        e.add("step", lang.t("proposal.err.step"));
    }
    let message = f.message.trim();
    if text::check(
        &mut e,
        "message",
        &f.message,
        Kind::Multi,
        limits::MESSAGE,
        lang,
    ) && step.is_some_and(Step::needs_message)
        && message.chars().count() < 2
    {
        e.add("message", lang.t("proposal.err.message"));
    }
    let amount = if step == Some(Step::Approve) {
        let a = match f.amount.trim() {
            "" => Some(requested),
            s => Fen::parse_yuan(s).filter(|a| a.0 > 0 && *a <= requested),
        };
        if a.is_none() {
            e.add(
                "amount",
                lang.tf(
                    "proposal.err.approve_amount",
                    &[("requested", &requested.to_string())],
                ),
            );
        }
        a
    } else {
        None
    };
    let Some(step) = step else { return Err(e) };
    e.into_result(StepDraft {
        step,
        message: message.to_string(),
        amount,
    })
}

/// The applicant's withdrawal as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct WithdrawForm {
    /// Why it is withdrawn (told to the organizer, kept on the proposal).
    #[serde(default)]
    pub reason: String,
    /// `1` from the confirmation page's final button.
    #[serde(default)]
    pub confirm: String,
}

/// The fewest characters a withdrawal's reason has.
pub const MIN_REASON: usize = 5;

/// A withdrawal's reason: several lines without other control characters, 5 to
/// [`limits::MESSAGE`] characters once trimmed.
pub fn validate_withdrawal(f: &WithdrawForm, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    let reason = f.reason.trim();
    if text::check(
        &mut e,
        "reason",
        &f.reason,
        Kind::Multi,
        limits::MESSAGE,
        lang,
    ) && reason.chars().count() < MIN_REASON
    {
        e.add(
            "reason",
            lang.tf("form.too_short", &[("min", &MIN_REASON.to_string())]),
        );
    }
    e.into_result(reason.to_string())
}

/// The organizer's batch determination as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct BatchForm {
    /// Proposal ids ticked.
    #[serde(default)]
    pub ids: Vec<String>,
    /// `approve` or `reject`; for concept notes `invite` or `decline`.
    #[serde(default)]
    pub decision: String,
    /// The message to every applicant (required to reject).
    #[serde(default)]
    pub message: String,
    /// The page of the list the proposals were ticked on (shown again on an error).
    #[serde(default)]
    pub page: String,
}

/// Rows per page of the organizer's list of a call's proposals.
pub const LIST_PAGE_SIZE: u64 = 50;

/// Validates a batch determination: at least one proposal, a decision, a message to reject
/// or decline. Each approval grants the amount asked.
pub fn validate_batch(f: &BatchForm, lang: Lang) -> Result<(Vec<i64>, Step, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let mut ids: Vec<i64> = Vec::new();
    for s in &f.ids {
        match s.trim().parse::<i64>() {
            Ok(id) if id > 0 => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            _ => {
                e.add("ids", lang.t("proposal.err.batch_ids"));
                break;
            }
        }
    }
    if ids.is_empty() && e.get("ids").is_none() {
        e.add("ids", lang.t("proposal.err.batch_ids"));
    }
    let step = match f.decision.trim() {
        "approve" => Some(Step::Approve),
        "reject" => Some(Step::Reject),
        "invite" => Some(Step::Invite),
        "decline" => Some(Step::Decline),
        _ => {
            e.add("decision", lang.t("proposal.err.decision"));
            None
        }
    };
    let message = f.message.trim();
    if text::check(
        &mut e,
        "message",
        &f.message,
        Kind::Multi,
        limits::MESSAGE,
        lang,
    ) && step.is_some_and(Step::needs_message)
        && message.chars().count() < 2
    {
        e.add("message", lang.t("proposal.err.message"));
    }
    let Some(step) = step else { return Err(e) };
    e.into_result((ids, step, message.to_string()))
}

/// The content of one submitted revision, kept whole so two can be compared.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Content {
    /// Title.
    pub title: String,
    /// Plan.
    pub plan: String,
    /// Beneficiaries.
    pub beneficiaries: String,
    /// Place (division code).
    pub place: String,
    /// Outcomes.
    pub outcomes: Vec<Outcome>,
    /// Budget lines.
    pub budget: Vec<BudgetLine>,
    /// Total.
    pub total: Fen,
    /// Co-funding.
    pub cofund: Fen,
    /// Co-applicants' names.
    pub partners: Vec<String>,
    /// The files attached when it was submitted (revisions from before attachments have
    /// none).
    #[serde(default)]
    pub files: Vec<FileRef>,
}

/// Most files attached to a proposal at once.
pub const MAX_FILES: usize = 5;

/// A file as a revision keeps it: enough to list it, tell it from another of the same name,
/// and download it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct FileRef {
    /// The `proposal_files` row.
    pub id: i64,
    /// The name it was uploaded under.
    pub name: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
}

impl FileRef {
    /// How a comparison lists it: the name, the size, and the start of the digest (a file
    /// replaced by another of the same name shows as removed and added).
    pub fn line(&self) -> String {
        let short: String = self.sha256.chars().take(12).collect();
        format!("{} · {} · {short}", self.name, size_label(self.size))
    }
}

/// A size for people (kept here for the views that import it from the rules).
pub use crate::kernel::files::size_label;

/// Whether the applicant may attach or take off files in this state: while a draft, while
/// the invited full proposal is written, and while more information is requested.
pub fn files_editable(s: ProposalState) -> bool {
    s.editable()
}

/// One line of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    /// In both.
    Same(String),
    /// Only in the older revision.
    Removed(String),
    /// Only in the newer revision.
    Added(String),
}

/// The lines of each field of a revision, as compared: `(field label key, lines)`.
pub fn content_lines(c: &Content, lang: Lang) -> Vec<(&'static str, Vec<String>)> {
    let lines = |s: &str| -> Vec<String> {
        s.lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    vec![
        ("proposal.title", vec![c.title.clone()]),
        ("proposal.plan", lines(&c.plan)),
        ("proposal.beneficiaries", lines(&c.beneficiaries)),
        ("proposal.place", vec![regions().path(&c.place, lang)]),
        (
            "proposal.outcomes",
            c.outcomes
                .iter()
                .map(|o| format!("{}: {}", o.indicator, o.target))
                .collect(),
        ),
        (
            "proposal.budget_lines",
            c.budget
                .iter()
                .map(|b| {
                    let cat = BudgetCategory::parse(&b.category)
                        .map(|c| c.label(lang))
                        .unwrap_or_default();
                    format!("{cat} · {} · {}", b.item, b.amount)
                })
                .collect(),
        ),
        ("proposal.total", vec![c.total.to_string()]),
        ("proposal.cofund", vec![c.cofund.to_string()]),
        ("proposal.partners", c.partners.clone()),
        (
            "proposal.files",
            c.files.iter().map(FileRef::line).collect(),
        ),
    ]
}

/// A line diff (longest common subsequence): what was removed from `a` and added in `b`,
/// in order, with the lines both keep.
pub fn diff_lines(a: &[String], b: &[String]) -> Vec<DiffLine> {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n && j < m {
        if a[i] == b[j] {
            out.push(DiffLine::Same(a[i].clone()));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            out.push(DiffLine::Removed(a[i].clone()));
            i += 1;
        } else {
            out.push(DiffLine::Added(b[j].clone()));
            j += 1;
        }
    }
    out.extend(a[i..].iter().cloned().map(DiffLine::Removed));
    out.extend(b[j..].iter().cloned().map(DiffLine::Added));
    out
}

/// The fields that differ between two revisions, each with its line diff (fields left
/// alone are left out).
pub fn diff(a: &Content, b: &Content, lang: Lang) -> Vec<(&'static str, Vec<DiffLine>)> {
    content_lines(a, lang)
        .into_iter()
        .zip(content_lines(b, lang))
        .filter(|((_, x), (_, y))| x != y)
        .map(|((k, x), (_, y))| (k, diff_lines(&x, &y)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Lang = Lang::En;

    fn terms() -> CallTerms {
        CallTerms {
            max_grant: Fen(5_000_000),
            cofund_bp: 1000,
            admin_cap_bp: DEFAULT_ADMIN_CAP_BP,
            places: vec!["150100".into()],
        }
    }

    fn good() -> ProposalForm {
        ProposalForm {
            kind: "org".into(),
            org_id: "7".into(),
            name: String::new(),
            title: "社区长者助餐服务".into(),
            plan: "在两个社区建设长者助餐点，每周五天提供午餐，并组织志愿者上门送餐。".into(),
            beneficiaries: "社区60岁以上老人约300人".into(),
            p_league: "150100".into(),
            p_county: "150102".into(),
            p_township: String::new(),
            outcome_indicator: vec!["服务老人人数".into(), "送餐次数".into(), "".into()],
            outcome_target: vec!["300".into(), "2000".into(), "".into()],
            budget_category: vec![
                "personnel".into(),
                "activities".into(),
                "materials".into(),
                "admin".into(),
                "personnel".into(),
            ],
            budget_item: vec![
                "社工补贴".into(),
                "助餐活动".into(),
                "餐具".into(),
                "办公".into(),
                "".into(),
            ],
            budget_amount: vec![
                "20000".into(),
                "25000".into(),
                "4000".into(),
                "6000".into(),
                "".into(),
            ],
            total: "55000".into(),
            cofund: "6000".into(),
            partner_uscc: vec!["91350100M000100Y43".into(), "".into()],
            action: "submit".into(),
        }
    }

    #[test]
    fn transition_table() {
        use ProposalState as S;
        let legal: &[(S, Step, S)] = &[
            (S::Draft, Step::Submit, S::Submitted),
            (S::MoreInfo, Step::Resubmit, S::Screening),
            (S::Submitted, Step::Screen, S::Screening),
            (S::Submitted, Step::Reject, S::Rejected),
            (S::Screening, Step::RequestInfo, S::MoreInfo),
            (S::Screening, Step::ToReview, S::ExpertReview),
            (S::Screening, Step::Reject, S::Rejected),
            (S::ExpertReview, Step::RequestInfo, S::MoreInfo),
            (S::ExpertReview, Step::BackToScreening, S::Screening),
            (S::ExpertReview, Step::ToDetermination, S::Determination),
            (S::Determination, Step::RequestInfo, S::MoreInfo),
            (S::Determination, Step::BackToReview, S::ExpertReview),
            (S::Determination, Step::Approve, S::Approved),
            (S::Determination, Step::Reject, S::Rejected),
            (S::Approved, Step::Reopen, S::Determination),
            (S::Rejected, Step::Reopen, S::Determination),
            (S::Submitted, Step::Withdraw, S::Withdrawn),
            (S::Screening, Step::Withdraw, S::Withdrawn),
            (S::MoreInfo, Step::Withdraw, S::Withdrawn),
            (S::ExpertReview, Step::Withdraw, S::Withdrawn),
            // Two stages.
            (S::Draft, Step::SubmitConcept, S::Concept),
            (S::Concept, Step::Invite, S::Invited),
            (S::Concept, Step::Decline, S::Declined),
            (S::Concept, Step::Withdraw, S::Withdrawn),
            (S::Invited, Step::Submit, S::Submitted),
            (S::Invited, Step::Withdraw, S::Withdrawn),
        ];
        for &from in ProposalState::ALL {
            for &step in Step::ALL {
                let expected = legal
                    .iter()
                    .find(|(f, s, _)| *f == from && *s == step)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    from.apply(step, true, None).ok(),
                    expected,
                    "{from:?} {step:?}"
                );
            }
        }
    }

    #[test]
    fn two_stages_concept_then_invited_full_proposal() {
        use ProposalState as S;
        // A one-stage call's proposals are full from the start; a two-stage call's start
        // as concept notes, sent with their own step.
        assert_eq!(Stage::first(false), Stage::Full);
        assert_eq!(Stage::first(true), Stage::Concept);
        assert_eq!(Stage::Concept.submit_step(), Step::SubmitConcept);
        assert_eq!(Stage::Full.submit_step(), Step::Submit);
        let mut s = S::Draft;
        for (step, to) in [
            (Step::SubmitConcept, S::Concept),
            (Step::Invite, S::Invited),
            (Step::Submit, S::Submitted),
            (Step::Screen, S::Screening),
        ] {
            s = s.apply(step, true, None).unwrap();
            assert_eq!(s, to, "{step:?}");
        }
        // The organizer's choice on a concept note is invite or decline; never expert
        // review, screening or a determination.
        assert_eq!(
            Step::for_organizer(S::Concept),
            vec![Step::Invite, Step::Decline]
        );
        for step in [
            Step::Screen,
            Step::ToReview,
            Step::Approve,
            Step::Reject,
            Step::ToDetermination,
        ] {
            assert_eq!(
                S::Concept.apply(step, true, None),
                Err(StepError::Illegal),
                "{step:?}"
            );
        }
        // Invitation and decline only for concept notes; the full proposal is sent only
        // once invited.
        for &from in ProposalState::ALL {
            assert_eq!(
                from.apply(Step::Invite, true, None).is_ok(),
                from == S::Concept
            );
            assert_eq!(
                from.apply(Step::Decline, true, None).is_ok(),
                from == S::Concept
            );
            assert_eq!(
                from.apply(Step::SubmitConcept, true, None).is_ok(),
                from == S::Draft
            );
        }
        for s in [S::Concept, S::Declined, S::Withdrawn] {
            assert!(!s.editable() && s.apply(Step::Submit, true, None).is_err());
        }
        assert!(Step::for_organizer(S::Invited).is_empty());
        assert!(Step::for_organizer(S::Declined).is_empty());
        assert!(S::Declined.is_final() && S::Concept.visible_to_organizer());
        assert!(Step::Decline.needs_message() && !Step::Invite.needs_message());
        assert!(Step::SubmitConcept.by_applicant());
        assert!(!Step::Invite.by_applicant() && !Step::Decline.by_applicant());
    }

    #[test]
    fn deadlines_follow_the_stage() {
        let (closes, full) = (1_000, 5_000);
        assert_eq!(deadline(Stage::Concept, true, closes, Some(full)), closes);
        assert_eq!(deadline(Stage::Full, true, closes, Some(full)), full);
        assert_eq!(deadline(Stage::Full, false, closes, None), closes);
        assert_eq!(deadline(Stage::Full, false, closes, Some(full)), closes);
        // A two-stage call stored without a second deadline keeps the window's.
        assert_eq!(deadline(Stage::Full, true, closes, None), closes);
        assert_eq!(deadline(Stage::Full, true, closes, Some(10)), closes);
    }

    #[test]
    fn refusals_to_edit_say_why() {
        assert_eq!(
            not_editable_key(ProposalState::Concept),
            "proposal.err.not_invited"
        );
        assert_eq!(
            not_editable_key(ProposalState::Declined),
            "proposal.err.declined"
        );
        for s in [ProposalState::Submitted, ProposalState::Approved] {
            assert_eq!(not_editable_key(s), "proposal.err.not_editable");
        }
    }

    #[test]
    fn a_concept_note_needs_less_than_a_full_proposal() {
        let mut f = good();
        f.outcome_indicator.clear();
        f.outcome_target.clear();
        f.budget_category.clear();
        f.budget_item.clear();
        f.budget_amount.clear();
        let d = validate_for(&f, &[7], &terms(), Stage::Concept, L).unwrap();
        assert!(d.outcomes.is_empty() && d.budget.is_empty());
        assert_eq!(d.requested(), Fen(4_900_000));
        let e = validate_for(&f, &[7], &terms(), Stage::Full, L).unwrap_err();
        assert!(e.get("outcomes").is_some() && e.get("budget").is_some());
        // The amounts still count: within the maximum and the co-funding ratio.
        let mut over = f.clone();
        over.cofund = "1000".into();
        let e = validate_for(&over, &[7], &terms(), Stage::Concept, L).unwrap_err();
        assert!(e.get("total").is_some(), "{e:?}");
        let mut low = f.clone();
        low.cofund = "100".into();
        low.total = "5000".into();
        let e = validate_for(&low, &[7], &terms(), Stage::Concept, L).unwrap_err();
        assert!(e.get("cofund").is_some(), "{e:?}");
        // Lines given must add up, as in a full proposal.
        let mut g = good();
        g.total = "60000".into();
        let e = validate_for(&g, &[7], &terms(), Stage::Concept, L).unwrap_err();
        assert!(e.get("total").is_some());
        for field in ["title", "plan", "beneficiaries"] {
            let mut h = f.clone();
            match field {
                "title" => h.title = String::new(),
                "plan" => h.plan = "短".into(),
                _ => h.beneficiaries = String::new(),
            }
            let e = validate_for(&h, &[7], &terms(), Stage::Concept, L).unwrap_err();
            assert!(e.get(field).is_some(), "{field}");
        }
        let mut h = f.clone();
        h.total = String::new();
        assert!(
            validate_for(&h, &[7], &terms(), Stage::Concept, L)
                .unwrap_err()
                .get("total")
                .is_some()
        );
    }

    #[test]
    fn revisions_return_where_more_information_was_asked() {
        use ProposalState as S;
        for r in [S::Screening, S::ExpertReview, S::Determination] {
            assert_eq!(S::MoreInfo.apply(Step::Resubmit, false, Some(r)), Ok(r));
        }
        // Anything else falls back to screening.
        for r in [S::Draft, S::Approved, S::MoreInfo] {
            assert_eq!(
                S::MoreInfo.apply(Step::Resubmit, false, Some(r)),
                Ok(S::Screening)
            );
        }
    }

    #[test]
    fn review_needs_the_checklist() {
        assert_eq!(
            ProposalState::Screening.apply(Step::ToReview, false, None),
            Err(StepError::ChecklistIncomplete)
        );
        assert!(!checklist_met(&["eligible".into()]));
        let all: Vec<String> = ScreenItem::ALL.iter().map(|i| i.code().into()).collect();
        assert!(checklist_met(&all));
        assert!(!checklist_met(&all[1..]));
    }

    #[test]
    fn organizer_steps_and_states() {
        assert_eq!(
            Step::for_organizer(ProposalState::Submitted),
            vec![Step::Screen, Step::Reject]
        );
        assert!(Step::for_organizer(ProposalState::Draft).is_empty());
        assert!(Step::for_organizer(ProposalState::MoreInfo).is_empty());
        assert_eq!(
            Step::for_organizer(ProposalState::Approved),
            vec![Step::Reopen]
        );
        for &s in ProposalState::ALL {
            assert_eq!(s.visible_to_organizer(), s != ProposalState::Draft);
            assert_eq!(
                s.editable(),
                matches!(
                    s,
                    ProposalState::Draft | ProposalState::Invited | ProposalState::MoreInfo
                )
            );
        }
        assert_eq!(Step::ALL.iter().filter(|s| s.by_applicant()).count(), 4);
        assert!(Step::for_organizer(ProposalState::Withdrawn).is_empty());
    }

    #[test]
    fn a_withdrawal_needs_a_reason() {
        let f = |r: &str| WithdrawForm {
            reason: r.into(),
            confirm: String::new(),
        };
        assert_eq!(
            validate_withdrawal(&f("  已获得其他资助，无法同时执行。 "), L).unwrap(),
            "已获得其他资助，无法同时执行。"
        );
        for bad in ["", "   ", "太忙", "a\u{0}bcdef"] {
            let e = validate_withdrawal(&f(bad), L).unwrap_err();
            assert!(e.get("reason").is_some(), "{bad:?}");
        }
        let long = "理".repeat(limits::MESSAGE + 1);
        assert!(validate_withdrawal(&f(&long), L).is_err());
    }

    #[test]
    fn withdrawal_is_the_applicants_until_determination() {
        use ProposalState as S;
        for &s in ProposalState::ALL {
            let expected = match s {
                S::Concept
                | S::Invited
                | S::Submitted
                | S::Screening
                | S::MoreInfo
                | S::ExpertReview => Ok(S::Withdrawn),
                S::Determination | S::Approved | S::Rejected | S::Declined => {
                    Err(StepError::Decided)
                }
                S::Draft | S::Withdrawn => Err(StepError::Illegal),
            };
            assert_eq!(s.apply(Step::Withdraw, true, None), expected, "{s:?}");
            assert_eq!(s.withdrawable(), expected.is_ok());
        }
        // Nothing moves a withdrawn proposal again, and the applicant no longer edits it.
        for &step in Step::ALL {
            assert!(S::Withdrawn.apply(step, true, None).is_err(), "{step:?}");
        }
        assert!(!S::Withdrawn.editable() && S::Withdrawn.visible_to_organizer());
        assert!(Step::Withdraw.by_applicant() && !Step::Withdraw.needs_message());
    }

    #[test]
    fn a_good_proposal_validates() {
        let d = validate_proposal(&good(), &[7], &terms(), L).unwrap();
        assert_eq!(d.applicant, ApplicantChoice::Org(7));
        assert_eq!(d.place, "150102");
        assert_eq!(d.outcomes.len(), 2);
        assert_eq!(d.budget.len(), 4);
        assert_eq!(d.total, Fen(5_500_000));
        assert_eq!(d.requested(), Fen(4_900_000));
        assert_eq!(d.partners, vec!["91350100M000100Y43"]);
        assert!(d.submit);
        let mut f = good();
        f.kind = "group".into();
        f.name = "青城助老小组".into();
        f.cofund = String::new();
        f.total = "55000".into();
        let mut t = terms();
        t.cofund_bp = 0;
        t.max_grant = Fen(10_000_000);
        let d = validate_proposal(&f, &[], &t, L).unwrap();
        assert_eq!(
            (d.applicant, d.name.as_str()),
            (ApplicantChoice::Group, "青城助老小组")
        );
    }

    #[test]
    fn each_bad_input_names_its_field() {
        type Change = Box<dyn Fn(&mut ProposalForm)>;
        let cases: Vec<(&str, Change)> = vec![
            ("kind", Box::new(|f| f.kind = "x".into())),
            ("org_id", Box::new(|f| f.org_id = "8".into())),
            (
                "name",
                Box::new(|f| {
                    f.kind = "group".into();
                    f.name = "x".into();
                }),
            ),
            ("title", Box::new(|f| f.title = "短".into())),
            ("title", Box::new(|f| f.title = "标题\0标题".into())),
            ("plan", Box::new(|f| f.plan = "太短".into())),
            ("beneficiaries", Box::new(|f| f.beneficiaries = "".into())),
            (
                "p_league",
                Box::new(|f| {
                    f.p_league = String::new();
                    f.p_county = String::new();
                }),
            ),
            (
                "p_league",
                Box::new(|f| {
                    f.p_league = "150200".into();
                    f.p_county = String::new();
                }),
            ),
            ("p_county", Box::new(|f| f.p_county = "150202".into())),
            ("outcomes", Box::new(|f| f.outcome_target[0] = "0".into())),
            ("outcomes", Box::new(|f| f.outcome_target[0] = "-3".into())),
            (
                "outcomes",
                Box::new(|f| f.outcome_indicator[1] = String::new()),
            ),
            (
                "outcomes",
                Box::new(|f| {
                    f.outcome_indicator.clear();
                    f.outcome_target.clear();
                }),
            ),
            (
                "budget",
                Box::new(|f| f.budget_category[0] = "travel".into()),
            ),
            ("budget", Box::new(|f| f.budget_amount[1] = "-25000".into())),
            ("budget", Box::new(|f| f.budget_amount[1] = "0".into())),
            ("budget", Box::new(|f| f.budget_item[2] = String::new())),
            // Administration 16 000 of 65 000 is over 15%.
            (
                "budget",
                Box::new(|f| {
                    f.budget_amount[3] = "16000".into();
                    f.total = "65000".into();
                    f.cofund = "16000".into();
                }),
            ),
            // The lines add up to 55 000, not 60 000.
            ("total", Box::new(|f| f.total = "60000".into())),
            ("total", Box::new(|f| f.total = "0".into())),
            ("total", Box::new(|f| f.total = "abc".into())),
            // Asks 54 000 of a 50 000 maximum.
            ("total", Box::new(|f| f.cofund = "1000".into())),
            ("cofund", Box::new(|f| f.cofund = "-1".into())),
            ("cofund", Box::new(|f| f.cofund = "55000".into())),
            // 5 000 of 55 000 is under the 10% ratio.
            (
                "cofund",
                Box::new(|f| {
                    f.cofund = "5000".into();
                    f.budget_amount[1] = "25000".into();
                }),
            ),
            ("partners", Box::new(|f| f.partner_uscc[0] = "12345".into())),
        ];
        for (field, change) in cases {
            let mut f = good();
            change(&mut f);
            let e = validate_proposal(&f, &[7], &terms(), L).unwrap_err();
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
    }

    #[test]
    fn budget_messages_say_what_is_wrong() {
        let mut f = good();
        f.total = "60000".into();
        let e = validate_proposal(&f, &[7], &terms(), L).unwrap_err();
        let m = e.get("total").unwrap();
        assert!(m.contains("55,000.00") && m.contains("60,000.00"), "{m}");
        // The cap is the call's when it sets one.
        let mut t = terms();
        t.admin_cap_bp = 1000;
        let e = validate_proposal(&good(), &[7], &t, L).unwrap_err();
        assert!(e.get("budget").unwrap().contains("10"), "{e:?}");
        // Exactly at the cap passes: 6 000 of 60 000 is 10%.
        let mut f = good();
        f.budget_amount[1] = "30000".into();
        f.total = "60000".into();
        f.cofund = "10000".into();
        assert!(validate_proposal(&f, &[7], &t, L).is_ok());
    }

    #[test]
    fn eligibility() {
        let ok = OrgStanding {
            verified: true,
            clean_credit: true,
            social: true,
            tenant: false,
            ended: None,
        };
        let reg = [Applicant::Registered];
        // An ended registration is named first, with its day, whatever else holds.
        let gone = crate::orgs::Ended {
            status: crate::orgs::RegistrationStatus::Revoked,
            on: Some(time::macros::date!(2026 - 04 - 01)),
        };
        let ended = OrgStanding {
            verified: false,
            clean_credit: false,
            ended: Some(gone),
            ..ok
        };
        assert_eq!(eligible(Some(ended), &reg), Err(Ineligible::Ended(gone)));
        assert!(
            Ineligible::Ended(gone)
                .message(Lang::En)
                .contains("2026-04-01")
        );
        assert_eq!(eligible(Some(ok), &reg), Ok(()));
        let listed = OrgStanding {
            clean_credit: false,
            ..ok
        };
        assert_eq!(eligible(Some(listed), &reg), Err(Ineligible::Credit));
        let unverified = OrgStanding {
            verified: false,
            ..ok
        };
        assert_eq!(
            eligible(Some(unverified), &reg),
            Err(Ineligible::Unverified)
        );
        assert_eq!(
            eligible(Some(ok), &[Applicant::Tenant]),
            Err(Ineligible::Kind)
        );
        let tenant = OrgStanding { tenant: true, ..ok };
        assert_eq!(eligible(Some(tenant), &[Applicant::Tenant]), Ok(()));
        // Credit is required whatever the call accepts.
        let listed_tenant = OrgStanding {
            clean_credit: false,
            ..tenant
        };
        assert_eq!(
            eligible(Some(listed_tenant), &[Applicant::Tenant]),
            Err(Ineligible::Credit)
        );
        assert_eq!(eligible(None, &[Applicant::Preparing]), Ok(()));
        assert_eq!(eligible(None, &reg), Err(Ineligible::Kind));
    }

    #[test]
    fn places() {
        let p = vec!["150100".to_string()];
        assert!(place_within("150102", &p));
        assert!(place_within("150100", &p));
        assert!(!place_within("150202", &p));
        assert!(place_within("150202", &[REGION_CODE.to_string()]));
        let county = vec!["150102".to_string()];
        assert!(
            !place_within("150100", &county),
            "a league is wider than a county"
        );
    }

    #[test]
    fn steps_validate() {
        let req = Fen(4_900_000);
        let f = |step: &str, message: &str, amount: &str| StepForm {
            step: step.into(),
            message: message.into(),
            amount: amount.into(),
        };
        let d = validate_step(&f("approve", "", ""), req, L).unwrap();
        assert_eq!(d.amount, Some(req));
        let d = validate_step(&f("approve", "", "30000"), req, L).unwrap();
        assert_eq!(d.amount, Some(Fen(3_000_000)));
        for amount in ["50000", "0", "-1", "x"] {
            let e = validate_step(&f("approve", "", amount), req, L).unwrap_err();
            assert!(e.get("amount").is_some(), "{amount}");
        }
        for step in ["reject", "request_info", "reopen", "decline"] {
            let e = validate_step(&f(step, " ", ""), req, L).unwrap_err();
            assert!(e.get("message").is_some(), "{step}");
            assert!(validate_step(&f(step, "请补充预算说明", ""), req, L).is_ok());
        }
        for step in ["submit", "resubmit", "submit_concept", "withdraw", "nope"] {
            let e = validate_step(&f(step, "x", ""), req, L).unwrap_err();
            assert!(e.get("step").is_some(), "{step}");
        }
    }

    #[test]
    fn batches_validate() {
        let f = BatchForm {
            ids: vec!["3".into(), "4".into(), "3".into()],
            decision: "approve".into(),
            message: String::new(),
            page: String::new(),
        };
        assert_eq!(
            validate_batch(&f, L).unwrap(),
            (vec![3, 4], Step::Approve, String::new())
        );
        let e = validate_batch(
            &BatchForm {
                decision: "reject".into(),
                ..Default::default()
            },
            L,
        )
        .unwrap_err();
        assert!(e.get("ids").is_some() && e.get("message").is_some());
        let e = validate_batch(
            &BatchForm {
                ids: vec!["x".into()],
                decision: "maybe".into(),
                ..Default::default()
            },
            L,
        )
        .unwrap_err();
        assert!(e.get("ids").is_some() && e.get("decision").is_some());
        // Concept notes: invite, or decline with a message.
        let f = |d: &str, m: &str| BatchForm {
            ids: vec!["5".into()],
            decision: d.into(),
            message: m.into(),
            ..Default::default()
        };
        assert_eq!(validate_batch(&f("invite", ""), L).unwrap().1, Step::Invite);
        let e = validate_batch(&f("decline", " "), L).unwrap_err();
        assert!(e.get("message").is_some());
        assert_eq!(
            validate_batch(&f("decline", "与主题不符"), L).unwrap().1,
            Step::Decline
        );
    }

    #[test]
    fn line_diffs() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let d = diff_lines(&s(&["a", "b", "c"]), &s(&["a", "x", "c", "d"]));
        assert_eq!(
            d,
            vec![
                DiffLine::Same("a".into()),
                DiffLine::Removed("b".into()),
                DiffLine::Added("x".into()),
                DiffLine::Same("c".into()),
                DiffLine::Added("d".into()),
            ]
        );
        assert!(diff_lines(&[], &[]).is_empty());
        let a = Content {
            title: "旧标题".into(),
            total: Fen(100),
            ..Default::default()
        };
        let b = Content {
            title: "新标题".into(),
            ..a.clone()
        };
        let d = diff(&a, &b, L);
        assert_eq!(d.len(), 1, "only the title changed: {d:?}");
        assert_eq!(d[0].0, "proposal.title");
        assert!(diff(&a, &a, L).is_empty());
    }

    fn file(id: i64, name: &str, sha: &str) -> FileRef {
        FileRef {
            id,
            name: name.into(),
            size: 2048,
            sha256: sha.repeat(64),
        }
    }

    #[test]
    fn revision_diff_lists_files_added_and_removed() {
        let a = Content {
            title: "项目".into(),
            files: vec![file(1, "预算.xlsx", "a"), file(2, "方案.pdf", "b")],
            ..Default::default()
        };
        let b = Content {
            files: vec![file(2, "方案.pdf", "b"), file(3, "照片.jpg", "c")],
            ..a.clone()
        };
        let d = diff(&a, &b, L);
        assert_eq!(d.len(), 1, "only the files changed: {d:?}");
        assert_eq!(d[0].0, "proposal.files");
        assert_eq!(
            d[0].1,
            vec![
                DiffLine::Removed(format!("预算.xlsx · 2.0 KB · {}", "a".repeat(12))),
                DiffLine::Same(format!("方案.pdf · 2.0 KB · {}", "b".repeat(12))),
                DiffLine::Added(format!("照片.jpg · 2.0 KB · {}", "c".repeat(12))),
            ]
        );
        // The same name with other content is another file.
        let c = Content {
            files: vec![file(4, "方案.pdf", "d"), file(3, "照片.jpg", "c")],
            ..b.clone()
        };
        let d = diff(&b, &c, L);
        assert!(
            d[0].1
                .contains(&DiffLine::Removed(file(2, "方案.pdf", "b").line()))
        );
        assert!(
            d[0].1
                .contains(&DiffLine::Added(file(4, "方案.pdf", "d").line()))
        );
        // A revision stored before attachments existed reads with no files.
        let old: Content = serde_json::from_str(
            r#"{"title":"t","plan":"","beneficiaries":"","place":"","outcomes":[],"budget":[],"total":0,"cofund":0,"partners":[]}"#,
        )
        .unwrap();
        assert!(old.files.is_empty());
    }

    #[test]
    fn files_are_editable_while_draft_invited_or_more_info_only() {
        for s in ProposalState::ALL {
            assert_eq!(
                files_editable(*s),
                matches!(
                    s,
                    ProposalState::Draft | ProposalState::Invited | ProposalState::MoreInfo
                ),
                "{s:?}"
            );
        }
    }

    #[test]
    fn sizes_read_for_people() {
        assert_eq!(size_label(0), "0 B");
        assert_eq!(size_label(1023), "1023 B");
        assert_eq!(size_label(1024), "1.0 KB");
        assert_eq!(size_label(1536), "1.5 KB");
        assert_eq!(size_label(5 * 1024 * 1024), "5.0 MB");
    }
}
