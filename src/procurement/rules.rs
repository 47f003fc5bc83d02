//! Pure procurement rules: the tender and bid state machines, tender validation,
//! eligibility, amendments, bids, enquiries, awards and challenges.

use time::Date;

use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::kernel::text::{self, Kind};
use crate::orgs::{CreditStatus, OrgKind, is_domain, rating_valid};
use crate::regions::{Level, regions};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

use crate::kernel::codes::code_enum;

code_enum! {
    /// Where a tender is in its life.
    TenderState => "tender.state" {
        /// Being written by the buyer; not public.
        Draft = "draft",
        /// Public: enquiries and bids accepted until their deadlines.
        Published = "published",
        /// Bids decrypted and the opening record published.
        Opened = "opened",
        /// Evaluators are scoring.
        Evaluating = "evaluating",
        /// Awarded; the standstill runs.
        Awarded = "awarded",
        /// Contract signed by both sides.
        Contracted = "contracted",
        /// Contract fulfilled.
        Completed = "completed",
        /// Stopped by the buyer, with a reason.
        Cancelled = "cancelled",
        /// Failed (e.g. too few bids), with a reason.
        Unsuccessful = "unsuccessful",
    }
}

code_enum! {
    /// What can happen to a tender.
    TenderEvent {
        /// Make public.
        Publish = "publish",
        /// Open the bids at the deadline.
        Open = "open",
        /// Start scoring.
        StartEvaluation = "start_evaluation",
        /// Award a bid.
        Award = "award",
        /// Both sides signed the contract.
        Contract = "contract",
        /// Contract fulfilled.
        Complete = "complete",
        /// Buyer cancels.
        Cancel = "cancel",
        /// The procedure failed.
        Fail = "fail",
    }
}

/// An event that is not allowed in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    /// The state.
    pub from: TenderState,
    /// The refused event.
    pub event: TenderEvent,
}

impl TenderState {
    /// Final states accept no event.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TenderState::Completed | TenderState::Cancelled | TenderState::Unsuccessful
        )
    }

    /// The one transition function.
    pub fn apply(self, event: TenderEvent) -> Result<TenderState, IllegalTransition> {
        use TenderEvent as E;
        use TenderState as S;
        let next = match (self, event) {
            (S::Draft, E::Publish) => S::Published,
            (S::Published, E::Open) => S::Opened,
            (S::Opened, E::StartEvaluation) => S::Evaluating,
            (S::Evaluating, E::Award) => S::Awarded,
            (S::Awarded, E::Contract) => S::Contracted,
            (S::Contracted, E::Complete) => S::Completed,
            (s, E::Cancel) if !s.is_final() => S::Cancelled,
            (s, E::Fail) if !s.is_final() => S::Unsuccessful,
            _ => return Err(IllegalTransition { from: self, event }),
        };
        Ok(next)
    }

    /// The OCDS tender status code.
    pub fn ocds(self) -> &'static str {
        match self {
            TenderState::Draft => "planned",
            TenderState::Published | TenderState::Opened | TenderState::Evaluating => "active",
            TenderState::Awarded | TenderState::Contracted | TenderState::Completed => "complete",
            TenderState::Cancelled => "cancelled",
            TenderState::Unsuccessful => "unsuccessful",
        }
    }
}

/// The reason the opening writes when too few valid bids arrived. It stays a fixed English
/// phrase in the stored record and the open data (machines read it); pages read the counts
/// back with [`too_few_bids`] and say it in the reader's language.
pub fn too_few_bids_reason(valid: usize, needed: i32) -> String {
    format!("valid bids {valid} < {needed}")
}

/// The counts (valid, needed) of a reason written by [`too_few_bids_reason`]; `None` for any
/// other reason (a buyer's own words, shown as written).
pub fn too_few_bids(reason: &str) -> Option<(u32, u32)> {
    let (valid, needed) = reason.strip_prefix("valid bids ")?.split_once(" < ")?;
    Some((valid.parse().ok()?, needed.parse().ok()?))
}

/// The people around a bid whose overlap is a conflict of interest: the bidding
/// organization's members, the buying unit's buyers and the tender's evaluators (user ids).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Involved {
    /// The organization's members, any role.
    pub members: Vec<i64>,
    /// The unit's buyers.
    pub buyers: Vec<i64>,
    /// The tender's evaluators.
    pub evaluators: Vec<i64>,
}

/// A conflict of interest that bars the organization from the tender (separation of duties):
/// one of its members buys for the unit (checked first), or evaluates the tender.
pub fn conflict_of_interest(p: &Involved) -> Option<super::Refusal> {
    let shares = |others: &[i64]| p.members.iter().any(|m| others.contains(m));
    if shares(&p.buyers) {
        Some(super::Refusal::BidderIsBuyer)
    } else if shares(&p.evaluators) {
        Some(super::Refusal::BidderIsEvaluator)
    } else {
        None
    }
}

#[cfg(test)]
mod conflict_tests {
    use super::*;
    use crate::procurement::Refusal;

    fn involved(members: &[i64], buyers: &[i64], evaluators: &[i64]) -> Involved {
        Involved {
            members: members.to_vec(),
            buyers: buyers.to_vec(),
            evaluators: evaluators.to_vec(),
        }
    }

    #[test]
    fn a_member_who_buys_or_evaluates_bars_the_bid() {
        assert_eq!(conflict_of_interest(&involved(&[1, 2], &[3], &[4])), None);
        assert_eq!(
            conflict_of_interest(&involved(&[1, 2], &[2], &[])),
            Some(Refusal::BidderIsBuyer)
        );
        assert_eq!(
            conflict_of_interest(&involved(&[1, 2], &[], &[7, 1])),
            Some(Refusal::BidderIsEvaluator)
        );
        // Both: the buyer's conflict is named.
        assert_eq!(
            conflict_of_interest(&involved(&[5], &[5], &[5])),
            Some(Refusal::BidderIsBuyer)
        );
        // Nobody in the organization: nothing to conflict.
        assert_eq!(conflict_of_interest(&involved(&[], &[1], &[1])), None);
        // Buyers who evaluate are not the bidder's concern.
        assert_eq!(conflict_of_interest(&involved(&[9], &[1], &[1])), None);
    }
}

#[cfg(test)]
mod reason_tests {
    use super::*;

    #[test]
    fn a_listed_organization_is_told_which_list_once() {
        // The list's label already says "list" (名录 / 名单).
        assert_eq!(
            Ineligible::Credit(CreditStatus::Abnormal).message(Lang::En),
            "The organization is on the Abnormal-activity list and may not bid"
        );
        assert_eq!(
            Ineligible::Credit(CreditStatus::Dishonest).message(Lang::Zh),
            "该机构被列入严重违法失信名单，不能投标"
        );
    }

    #[test]
    fn the_opening_reason_reads_back() {
        assert_eq!(too_few_bids(&too_few_bids_reason(1, 3)), Some((1, 3)));
        assert_eq!(too_few_bids(&too_few_bids_reason(0, 1)), Some((0, 1)));
        assert_eq!(too_few_bids("valid bids 2 < 3"), Some((2, 3)));
    }

    #[test]
    fn other_reasons_are_not_taken_for_it() {
        assert_eq!(too_few_bids("预算调整，项目取消"), None);
        assert_eq!(too_few_bids("valid bids two < 3"), None);
        assert_eq!(too_few_bids("valid bids 2 <3"), None);
        assert_eq!(too_few_bids("Note: valid bids 2 < 3"), None);
        assert_eq!(too_few_bids("valid bids -1 < 3"), None);
        assert_eq!(too_few_bids(""), None);
    }
}

code_enum! {
    /// Procurement method.
    Method => "tender.method" {
        /// 公开招标
        OpenTender = "open_tender",
        /// 邀请招标
        Invitation = "invitation",
        /// 竞争性谈判
        CompetitiveNegotiation = "competitive_negotiation",
        /// 竞争性磋商
        CompetitiveConsultation = "competitive_consultation",
        /// 单一来源
        SingleSource = "single_source",
        /// 询价
        RequestForQuotation = "request_for_quotation",
    }
}

code_enum! {
    /// Evaluation method.
    EvalMethod => "tender.eval" {
        /// 最低评标价法
        LowestPrice = "lowest_price",
        /// 综合评分法
        Comprehensive = "comprehensive",
    }
}

code_enum! {
    /// Where a bid is.
    BidState => "bid.state" {
        /// Sealed, may be revised or withdrawn until the deadline.
        Submitted = "submitted",
        /// Withdrawn by the bidder before the deadline.
        Withdrawn = "withdrawn",
        /// Decrypted at opening.
        Opened = "opened",
        /// Found not qualified at evaluation.
        Disqualified = "disqualified",
    }
}

code_enum! {
    /// What can happen to a bid.
    BidEvent {
        /// Replace the content before the deadline.
        Revise = "revise",
        /// Withdraw before the deadline.
        Withdraw = "withdraw",
        /// Decrypt at opening.
        Open = "open",
        /// Fail qualification.
        Disqualify = "disqualify",
    }
}

impl BidState {
    /// The one transition function of a bid.
    pub fn apply(self, e: BidEvent) -> Option<BidState> {
        use BidEvent as E;
        use BidState as S;
        match (self, e) {
            (S::Submitted, E::Revise) => Some(S::Submitted),
            (S::Submitted, E::Withdraw) => Some(S::Withdrawn),
            (S::Submitted, E::Open) => Some(S::Opened),
            (S::Opened, E::Disqualify) => Some(S::Disqualified),
            _ => None,
        }
    }
}

code_enum! {
    /// What became of a bid, as its bidder sees it in `/me` (derived, never stored).
    BidOutcome => "bid.outcome" {
        /// Still sealed: the deadline has not come.
        Sealed = "sealed",
        /// Withdrawn by the bidder.
        Withdrawn = "withdrawn",
        /// Opened; the evaluation and award are pending.
        Pending = "pending",
        /// Found not qualified; no award yet.
        Disqualified = "disqualified",
        /// The tender was awarded to this bid.
        Won = "won",
        /// The tender was awarded to another bid.
        Lost = "lost",
        /// The tender failed or was cancelled: nobody won.
        Unsuccessful = "unsuccessful",
    }
}

/// What became of bid `bid_id` in state `bid` on a tender in state `tender`, whose award
/// (if any) went to `awarded_bid`. The award decides first (an award stays the award); a
/// withdrawn bid stays withdrawn; a tender that ended without award ends every bid
/// unsuccessfully. Unreadable codes count as still sealed (nothing claimed).
pub fn bid_outcome(tender: &str, bid: &str, bid_id: i64, awarded_bid: Option<i64>) -> BidOutcome {
    let bid = BidState::parse(bid);
    if bid == Some(BidState::Withdrawn) {
        return BidOutcome::Withdrawn;
    }
    match awarded_bid {
        Some(w) if w == bid_id => return BidOutcome::Won,
        Some(_) => return BidOutcome::Lost,
        None => {}
    }
    match (TenderState::parse(tender), bid) {
        (Some(TenderState::Cancelled | TenderState::Unsuccessful), Some(_)) => {
            BidOutcome::Unsuccessful
        }
        (_, Some(BidState::Disqualified)) => BidOutcome::Disqualified,
        (_, Some(BidState::Opened)) => BidOutcome::Pending,
        _ => BidOutcome::Sealed,
    }
}

/// How long before its tender's enquiry deadline an unanswered question counts as due soon
/// on the buyer's to-do list: two days.
pub const QUESTION_DUE_SOON_SECS: i64 = 2 * 86_400;

code_enum! {
    /// How pressing an unanswered question is for the buyer, by its tender's enquiry deadline.
    QuestionUrgency => "todo.urgency" {
        /// The enquiry deadline has passed: bidders are waiting for the answer.
        Overdue = "overdue",
        /// The enquiry deadline is within [`QUESTION_DUE_SOON_SECS`].
        DueSoon = "due_soon",
        /// Time enough.
        Open = "open",
    }
}

/// How pressing a question on a tender whose enquiry deadline is `deadline` is at `now`.
pub fn question_urgency(deadline: i64, now: i64) -> QuestionUrgency {
    if now >= deadline {
        QuestionUrgency::Overdue
    } else if deadline - now <= QUESTION_DUE_SOON_SECS {
        QuestionUrgency::DueSoon
    } else {
        QuestionUrgency::Open
    }
}

/// Platform settings the rules need.
#[derive(Debug, Clone)]
pub struct ProcurementSettings {
    /// Valid bids an open tender needs at opening.
    pub min_bids_open_tender: i16,
    /// Standstill in working days.
    pub standstill_working_days: u32,
    /// Minimum price weight for service tenders, in points.
    pub min_price_weight: i16,
}

impl Default for ProcurementSettings {
    fn default() -> Self {
        ProcurementSettings {
            min_bids_open_tender: 3,
            standstill_working_days: 7,
            min_price_weight: 10,
        }
    }
}

/// The longest each free-text field of this room's forms may be, in characters: the one
/// place these limits are set.
pub mod limits {
    /// Tender title.
    pub const TITLE: usize = 200;
    /// Tender description.
    pub const DESCRIPTION: usize = 20_000;
    /// An evaluation criterion's name.
    pub const CRITERION_NAME: usize = 100;
    /// A milestone's name.
    pub const MILESTONE_NAME: usize = 100;
    /// A bid's technical proposal.
    pub const PROPOSAL: usize = 50_000;
    /// A bidder's question.
    pub const QUESTION: usize = 2000;
    /// The buyer's answer to a question or a challenge.
    pub const ANSWER: usize = 5000;
    /// Why a tender is cancelled or a bid disqualified.
    pub const REASON: usize = 500;
    /// What an amendment changed.
    pub const AMENDMENT: usize = 2000;
    /// Why the award does not go to the top-ranked bid.
    pub const JUSTIFICATION: usize = 2000;
    /// A challenge's text.
    pub const CHALLENGE: usize = 5000;
    /// An evaluator's comment on one criterion of one bid.
    pub const SCORE_COMMENT: usize = 1000;
    /// An e-mail typed to find a user, a number or a code typed into a form.
    pub const SHORT: usize = 254;
}

/// What a buyer typed on the tender form. Criteria and milestones come as parallel lists.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TenderForm {
    /// Unit id.
    #[serde(default)]
    pub unit_id: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Domain code.
    #[serde(default)]
    pub domain: String,
    /// League of the place.
    #[serde(default)]
    pub t_league: String,
    /// Banner/county of the place.
    #[serde(default)]
    pub t_county: String,
    /// Township of the place.
    #[serde(default)]
    pub t_township: String,
    /// Budget in yuan.
    #[serde(default)]
    pub budget: String,
    /// Method code.
    #[serde(default)]
    pub method: String,
    /// Evaluation method code.
    #[serde(default)]
    pub eval_method: String,
    /// Price weight in points.
    #[serde(default)]
    pub price_weight: String,
    /// Criterion names.
    #[serde(default)]
    pub criterion_name: Vec<String>,
    /// Criterion weights.
    #[serde(default)]
    pub criterion_weight: Vec<String>,
    /// Minimum grade "" or 1–5.
    #[serde(default)]
    pub min_grade: String,
    /// "1" when set aside for social organizations.
    #[serde(default)]
    pub social_only: String,
    /// Allowed league codes.
    #[serde(default)]
    pub allowed_leagues: Vec<String>,
    /// Minimum years since registration.
    #[serde(default)]
    pub min_years: String,
    /// Enquiry deadline, `YYYY-MM-DDTHH:MM` Shanghai time.
    #[serde(default)]
    pub enquiry_deadline: String,
    /// Bid deadline, same format.
    #[serde(default)]
    pub bid_deadline: String,
    /// Contract term in months.
    #[serde(default)]
    pub contract_months: String,
    /// Milestone names.
    #[serde(default)]
    pub milestone_name: Vec<String>,
    /// Milestone percentages.
    #[serde(default)]
    pub milestone_percent: Vec<String>,
}

/// A validated tender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenderDraft {
    /// Unit.
    pub unit_id: i64,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Domain.
    pub domain: String,
    /// Place.
    pub division_code: String,
    /// Budget.
    pub budget: Fen,
    /// Method.
    pub method: Method,
    /// Evaluation.
    pub eval_method: EvalMethod,
    /// Price weight (points; 100 for lowest price).
    pub price_weight: i16,
    /// Criteria: name, weight.
    pub criteria: Vec<(String, i16)>,
    /// Minimum grade.
    pub min_grade: Option<i16>,
    /// Set-aside.
    pub social_only: bool,
    /// Allowed leagues (empty = anywhere).
    pub allowed_leagues: Vec<String>,
    /// Minimum years.
    pub min_years: i16,
    /// Unix seconds.
    pub enquiry_deadline: i64,
    /// Unix seconds.
    pub bid_deadline: i64,
    /// Months.
    pub contract_months: i16,
    /// Milestones: name, basis points.
    pub milestones: Vec<(String, i32)>,
}

pub use crate::kernel::clock::{format_local, parse_local};

/// Parses a percentage with up to two decimals into basis points.
fn parse_percent_bp(s: &str) -> Option<i32> {
    let f = Fen::parse_yuan(s)?; // same grammar: digits with up to two decimals
    i32::try_from(f.0).ok()
}

/// Validates a tender. `units` are the purchasing units the buyer may act for.
pub fn validate_tender(
    f: &TenderForm,
    units: &[i64],
    now: i64,
    settings: &ProcurementSettings,
    lang: Lang,
) -> Result<TenderDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let unit_id = f
        .unit_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|u| units.contains(u));
    if unit_id.is_none() {
        e.add("unit_id", lang.t("form.choose"));
    }
    let title = f.title.trim();
    if text::check(&mut e, "title", &f.title, Kind::Line, limits::TITLE, lang)
        && title.chars().count() < 4
    {
        e.add("title", lang.t("tender.err.title"));
    }
    let description = f.description.trim();
    if text::check(
        &mut e,
        "description",
        &f.description,
        Kind::Multi,
        limits::DESCRIPTION,
        lang,
    ) && description.chars().count() < 10
    {
        e.add("description", lang.t("tender.err.description"));
    }
    if !is_domain(f.domain.trim()) {
        e.add("domain", lang.t("form.choose"));
    }
    let r = regions();
    let (l, c, t) = (f.t_league.trim(), f.t_county.trim(), f.t_township.trim());
    let division = [t, c, l].into_iter().find(|s| !s.is_empty());
    let consistent = (c.is_empty() || r.league_of(c).is_some_and(|d| d.code == l))
        && (t.is_empty() || r.county_of(t).is_some_and(|d| d.code == c));
    match division {
        None => e.add("t_league", lang.t("tender.err.place")),
        Some(code) if r.get(code).is_none() || !consistent => {
            e.add("t_county", lang.t("org.err.division_mismatch"))
        }
        _ => {}
    }
    let budget = Fen::parse_yuan(&f.budget).filter(|b| b.0 > 0);
    if budget.is_none() {
        e.add("budget", lang.t("tender.err.budget"));
    }
    let method = Method::parse(f.method.trim());
    if method.is_none() {
        e.add("method", lang.t("form.choose"));
    }
    let eval_method = EvalMethod::parse(f.eval_method.trim());
    let mut criteria = Vec::new();
    let mut price_weight = 100;
    match eval_method {
        None => e.add("eval_method", lang.t("form.choose")),
        Some(EvalMethod::LowestPrice) => {}
        Some(EvalMethod::Comprehensive) => {
            let pw = f
                .price_weight
                .trim()
                .parse::<i16>()
                .ok()
                .filter(|p| (0..=100).contains(p));
            match pw {
                None => e.add("price_weight", lang.t("tender.err.weight")),
                Some(p) if p < settings.min_price_weight => e.add(
                    "price_weight",
                    lang.tf(
                        "tender.err.price_weight_min",
                        &[("min", &settings.min_price_weight.to_string())],
                    ),
                ),
                Some(p) if method == Some(Method::CompetitiveConsultation) && p > 30 => e.add(
                    "price_weight",
                    lang.t("tender.err.price_weight_consultation"),
                ),
                Some(p) => price_weight = p,
            }
            for (i, name) in f.criterion_name.iter().enumerate() {
                let name = name.trim();
                let w = f.criterion_weight.get(i).map(|w| w.trim()).unwrap_or("");
                if name.is_empty() && w.is_empty() {
                    continue;
                }
                if !text::check(
                    &mut e,
                    "criteria",
                    name,
                    Kind::Line,
                    limits::CRITERION_NAME,
                    lang,
                ) {
                    break;
                }
                match (
                    name.chars().count(),
                    w.parse::<i16>().ok().filter(|w| (1..=100).contains(w)),
                ) {
                    (1..=100, Some(w)) => criteria.push((name.to_string(), w)),
                    _ => {
                        e.add(
                            "criteria",
                            lang.tf("tender.err.criterion", &[("n", &(i + 1).to_string())]),
                        );
                        break;
                    }
                }
            }
            if criteria.is_empty() {
                e.add("criteria", lang.t("tender.err.no_criteria"));
            } else if let Some(typed) = pw {
                // The sum uses the price weight as typed, even when it is refused on its own
                // (below the minimum), so the two messages agree with what the user sees.
                let sum: i32 =
                    criteria.iter().map(|(_, w)| i32::from(*w)).sum::<i32>() + i32::from(typed);
                if sum != 100 {
                    e.add(
                        "criteria",
                        lang.tf("tender.err.weights_sum", &[("sum", &sum.to_string())]),
                    );
                }
            }
        }
    }
    let min_grade = match f.min_grade.trim() {
        "" | "0" => None,
        g => match g.parse::<i16>().ok().filter(|g| (1..=5).contains(g)) {
            Some(g) => Some(g),
            None => {
                e.add("min_grade", lang.t("form.choose"));
                None
            }
        },
    };
    let mut allowed_leagues = Vec::new();
    for code in &f.allowed_leagues {
        match r.get(code.trim()) {
            Some(d) if d.level == Level::LeagueCity => allowed_leagues.push(d.code.clone()),
            _ => e.add("allowed_leagues", lang.t("form.choose")),
        }
    }
    allowed_leagues.dedup();
    let min_years = match f.min_years.trim() {
        "" => Some(0),
        s => s.parse::<i16>().ok().filter(|y| (0..=50).contains(y)),
    };
    if min_years.is_none() {
        e.add("min_years", lang.t("tender.err.years"));
    }
    let enquiry = parse_local(&f.enquiry_deadline);
    let bid = parse_local(&f.bid_deadline);
    match enquiry {
        None => e.add("enquiry_deadline", lang.t("tender.err.datetime")),
        Some(q) if q <= now => e.add("enquiry_deadline", lang.t("tender.err.past")),
        _ => {}
    }
    match (enquiry, bid) {
        (_, None) => e.add("bid_deadline", lang.t("tender.err.datetime")),
        (_, Some(b)) if b <= now => e.add("bid_deadline", lang.t("tender.err.past")),
        (Some(q), Some(b)) if b <= q => e.add("bid_deadline", lang.t("tender.err.order")),
        _ => {}
    }
    let months = f
        .contract_months
        .trim()
        .parse::<i16>()
        .ok()
        .filter(|m| (1..=36).contains(m));
    if months.is_none() {
        e.add("contract_months", lang.t("tender.err.months"));
    }
    let mut milestones = Vec::new();
    for (i, name) in f.milestone_name.iter().enumerate() {
        let name = name.trim();
        let p = f.milestone_percent.get(i).map(|p| p.trim()).unwrap_or("");
        if name.is_empty() && p.is_empty() {
            continue;
        }
        if !text::check(
            &mut e,
            "milestones",
            name,
            Kind::Line,
            limits::MILESTONE_NAME,
            lang,
        ) {
            break;
        }
        match (
            name.chars().count(),
            parse_percent_bp(p).filter(|bp| *bp > 0 && *bp <= 10_000),
        ) {
            (1..=100, Some(bp)) => milestones.push((name.to_string(), bp)),
            _ => {
                e.add(
                    "milestones",
                    lang.tf("tender.err.milestone", &[("n", &(i + 1).to_string())]),
                );
                break;
            }
        }
    }
    let sum_bp: i32 = milestones.iter().map(|(_, bp)| bp).sum();
    if milestones.is_empty() {
        e.add("milestones", lang.t("tender.err.no_milestones"));
    } else if sum_bp != 10_000 && e.get("milestones").is_none() {
        let shown = format!("{}.{:02}", sum_bp / 100, sum_bp % 100);
        e.add(
            "milestones",
            lang.tf("tender.err.milestones_sum", &[("sum", &shown)]),
        );
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(TenderDraft {
        unit_id: unit_id.unwrap_or_default(),
        title: title.to_string(),
        description: description.to_string(),
        domain: f.domain.trim().to_string(),
        division_code: division.unwrap_or_default().to_string(),
        budget: budget.unwrap_or_default(),
        method: method.unwrap_or(Method::OpenTender),
        eval_method: eval_method.unwrap_or(EvalMethod::LowestPrice),
        price_weight,
        criteria,
        min_grade,
        social_only: f.social_only == "1",
        allowed_leagues,
        min_years: min_years.unwrap_or(0),
        enquiry_deadline: enquiry.unwrap_or_default(),
        bid_deadline: bid.unwrap_or_default(),
        contract_months: months.unwrap_or(12),
        milestones,
    })
}

/// An amendment close to the deadline must move the deadline back: within this window…
pub const LATE_AMENDMENT_WINDOW: i64 = 2 * DAY;
/// …by at least this much.
pub const LATE_AMENDMENT_EXTENSION: i64 = 2 * DAY;

/// Checks the deadlines of an amendment to a published tender.
pub fn check_amendment(
    now: i64,
    old_enquiry: i64,
    old_bid: i64,
    new_enquiry: i64,
    new_bid: i64,
    lang: Lang,
) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::default();
    if now >= old_bid {
        e.add("bid_deadline", lang.t("tender.err.amend_closed"));
        return Err(e);
    }
    if new_bid <= now {
        e.add("bid_deadline", lang.t("tender.err.past"));
    } else if new_enquiry >= new_bid {
        e.add("bid_deadline", lang.t("tender.err.order"));
    }
    if old_bid - now < LATE_AMENDMENT_WINDOW && new_bid < old_bid + LATE_AMENDMENT_EXTENSION {
        e.add("bid_deadline", lang.t("tender.err.late_amendment"));
    }
    if new_enquiry != old_enquiry && new_enquiry <= now {
        e.add("enquiry_deadline", lang.t("tender.err.past"));
    }
    e.into_result(())
}

/// What eligibility looks at about an organization.
#[derive(Debug, Clone)]
pub struct OrgFacts {
    /// Kind.
    pub kind: OrgKind,
    /// Credit status.
    pub credit: CreditStatus,
    /// Grade and valid-until.
    pub rating: Option<(i16, Date)>,
    /// Registration date.
    pub registered: Date,
    /// League/city (None outside the region).
    pub league: Option<String>,
    /// Verified by a regulator (`orgs::is_verified`): an unverified registration may not bid.
    pub verified: bool,
    /// How its registration ended, if it did (`orgs::ended`): named instead of "unverified".
    pub ended: Option<crate::orgs::Ended>,
}

/// What eligibility looks at about a tender.
#[derive(Debug, Clone, Default)]
pub struct Eligibility {
    /// Minimum grade.
    pub min_grade: Option<i16>,
    /// Set-aside.
    pub social_only: bool,
    /// Allowed leagues; empty = anywhere.
    pub allowed_leagues: Vec<String>,
    /// Minimum whole years since registration.
    pub min_years: i16,
}

/// Why an organization may not bid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ineligible {
    /// On a credit list.
    Credit(CreditStatus),
    /// No valid grade at the minimum.
    Grade {
        /// Required.
        required: i16,
        /// Held and still valid, if any.
        held: Option<i16>,
    },
    /// The tender is set aside for social organizations.
    NotSocial,
    /// Outside the allowed leagues/cities.
    Place,
    /// Registered too recently.
    TooYoung {
        /// Required years.
        required: i16,
    },
    /// Not yet verified by a regulator.
    Unverified,
    /// Its registration was revoked or deregistered (on that day).
    Ended(crate::orgs::Ended),
}

impl Ineligible {
    /// A message naming the rule.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Ineligible::Credit(s) => lang.tf("elig.credit", &[("status", &s.label(lang))]),
            Ineligible::Grade { required, held } => lang.tf(
                "elig.grade",
                &[
                    ("required", &format!("{required}A")),
                    (
                        "held",
                        &held
                            .map(|g| format!("{g}A"))
                            .unwrap_or_else(|| lang.t("org.unrated")),
                    ),
                ],
            ),
            Ineligible::NotSocial => lang.t("elig.social"),
            Ineligible::Place => lang.t("elig.place"),
            Ineligible::Unverified => lang.t("elig.unverified"),
            Ineligible::Ended(e) => e.message(lang),
            Ineligible::TooYoung { required } => {
                lang.tf("elig.young", &[("years", &required.to_string())])
            }
        }
    }
}

/// Whole years between two dates.
pub fn whole_years(from: Date, to: Date) -> i32 {
    let mut y = to.year() - from.year();
    if (to.month() as u8, to.day()) < (from.month() as u8, from.day()) {
        y -= 1;
    }
    y
}

/// Every reason an organization may not bid (empty = eligible). A clean credit record is
/// always required.
pub fn eligibility(t: &Eligibility, o: &OrgFacts, today: Date) -> Vec<Ineligible> {
    let mut out = Vec::new();
    if let Some(e) = o.ended {
        out.push(Ineligible::Ended(e));
    } else if !o.verified {
        out.push(Ineligible::Unverified);
    }
    if o.credit != CreditStatus::Normal {
        out.push(Ineligible::Credit(o.credit));
    }
    if let Some(req) = t.min_grade {
        let held = o
            .rating
            .filter(|(_, until)| rating_valid(Some(*until), today))
            .map(|(g, _)| g);
        if held.is_none_or(|g| g < req) {
            out.push(Ineligible::Grade {
                required: req,
                held,
            });
        }
    }
    if t.social_only && !o.kind.is_social_org() {
        out.push(Ineligible::NotSocial);
    }
    if !t.allowed_leagues.is_empty()
        && !o
            .league
            .as_ref()
            .is_some_and(|l| t.allowed_leagues.contains(l))
    {
        out.push(Ineligible::Place);
    }
    if whole_years(o.registered, today) < i32::from(t.min_years) {
        out.push(Ineligible::TooYoung {
            required: t.min_years,
        });
    }
    out
}

/// What a bidder typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct BidForm {
    /// Organization bidding.
    #[serde(default)]
    pub org_id: String,
    /// Price in yuan.
    #[serde(default)]
    pub price: String,
    /// Technical proposal.
    #[serde(default)]
    pub proposal: String,
}

/// Validates a bid's price and proposal against the budget.
pub fn validate_bid(f: &BidForm, budget: Fen, lang: Lang) -> Result<(Fen, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let price = Fen::parse_yuan(&f.price);
    match price {
        None => e.add("price", lang.t("bid.err.price")),
        Some(p) if p.0 <= 0 => e.add("price", lang.t("bid.err.price")),
        Some(p) if p > budget => e.add(
            "price",
            lang.tf("bid.err.over_budget", &[("budget", &budget.to_string())]),
        ),
        _ => {}
    }
    let proposal = f.proposal.trim();
    if text::check(
        &mut e,
        "proposal",
        &f.proposal,
        Kind::Multi,
        limits::PROPOSAL,
        lang,
    ) && proposal.chars().count() < 10
    {
        e.add("proposal", lang.t("bid.err.proposal"));
    }
    e.into_result((price.unwrap_or_default(), proposal.to_string()))
}

/// What bids may carry and how a file is typed: the platform's one upload check
/// (`kernel::files`), kept reachable here under the names this room has always used.
pub use crate::kernel::files::{
    FileKind, FileProblem, Found, MAX_FILE_BYTES, MAX_NAME_CHARS, clean_file_name, file_kind,
};

/// Most attachments per bid.
pub const MAX_FILES: usize = 5;

/// Checks an attachment: how many the bid has, its size, and its type by content against its
/// name ([`file_kind`], shared with every room that takes documents in `kernel::files`). The
/// message names the file.
pub fn check_file(
    name: &str,
    bytes: &[u8],
    existing: usize,
    lang: Lang,
) -> Result<FileKind, String> {
    if existing >= MAX_FILES {
        return Err(lang.tf("bid.err.too_many_files", &[("max", &MAX_FILES.to_string())]));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(lang.tf("bid.err.file_size", &[("max", "5 MB")]));
    }
    file_kind(name, bytes).map_err(|p| {
        let why = match p {
            FileProblem::Empty => lang.t("bid.err.empty_file"),
            FileProblem::Extension => lang.t("bid.err.file_type"),
            p => crate::kernel::files::why(&p, lang),
        };
        lang.tf("upload.err.named", &[("name", name), ("why", &why)])
    })
}

/// Checks a question, answer, reason or challenge text: several lines without other
/// control characters, `min` to `max` characters once trimmed.
pub fn check_text(s: &str, min: usize, max: usize, lang: Lang) -> Result<String, String> {
    text::checked(s, Kind::Multi, usize::MAX, lang)?;
    let t = s.trim();
    let n = t.chars().count();
    if n < min {
        Err(lang.tf("form.too_short", &[("min", &min.to_string())]))
    } else if n > max {
        Err(lang.tf("form.too_long", &[("max", &max.to_string())]))
    } else {
        Ok(t.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_file_name("C:\\Users\\a\\方案.pdf"), "方案.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name(" a\u{0}b.pdf "), "ab.pdf");
        assert_eq!(clean_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(clean_file_name("\u{2066}a\u{2069}\u{200F}.pdf"), "a.pdf");
        assert_eq!(clean_file_name(&"长".repeat(300)).chars().count(), 200);
        // The cap keeps the extension, so a long name still announces its type.
        let long = clean_file_name(&format!("{}.pdf", "方".repeat(396)));
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
        assert!(long.ends_with("方.pdf"), "{long}");
        let exact = format!("{}.pdf", "a".repeat(196));
        assert_eq!(clean_file_name(&exact), exact);
        // Zero-width and word-joiner marks, a byte-order mark, trailing dots (dropped by
        // Windows) and decomposed accents (composed: one way to spell a name).
        assert_eq!(clean_file_name("a\u{200B}b\u{2060}\u{FEFF}.pdf"), "ab.pdf");
        assert_eq!(clean_file_name("report.pdf. . "), "report.pdf");
        assert_eq!(clean_file_name("Cafe\u{301}.pdf"), "Caf\u{E9}.pdf");
        assert_eq!(clean_file_name("..\\.."), "");
        assert_eq!(clean_file_name("dir/\u{202E}"), "");
    }

    /// A zip of stored entries, with real local file headers (what OOXML packages are).
    fn zip(entries: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for name in entries {
            let data = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0, 0, 0, 0]); // crc-32 (not checked by typing)
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
        }
        out
    }

    fn docx() -> Vec<u8> {
        zip(&[
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/_rels/document.xml.rels",
        ])
    }

    fn xlsx() -> Vec<u8> {
        zip(&[
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
        ])
    }

    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";
    const JPEG: &[u8] =
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9";
    const PE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00\xB8\x00\x00\x00This program cannot be run in DOS mode.";

    fn elf() -> Vec<u8> {
        let mut v = b"\x7FELF\x02\x01\x01\x00".to_vec();
        v.resize(64, 0);
        v
    }

    fn kind(name: &str, bytes: &[u8]) -> Result<FileKind, FileProblem> {
        file_kind(name, bytes)
    }

    #[test]
    fn accepted_kinds_by_content_and_matching_name() {
        assert_eq!(kind("方案.pdf", PDF), Ok(FileKind::Pdf));
        assert_eq!(kind("方案.PDF", PDF), Ok(FileKind::Pdf));
        assert_eq!(kind("scan.png", PNG), Ok(FileKind::Png));
        assert_eq!(kind("photo.jpg", JPEG), Ok(FileKind::Jpeg));
        assert_eq!(kind("photo.JPEG", JPEG), Ok(FileKind::Jpeg));
        assert_eq!(kind("plan.docx", &docx()), Ok(FileKind::Docx));
        // Another producer's entry order (the crate alone calls this a plain zip).
        let reordered = zip(&[
            "customXml/item1.xml",
            "docProps/app.xml",
            "word/styles.xml",
            "word/document.xml",
            "[Content_Types].xml",
        ]);
        assert_eq!(infer::get(&reordered).map(|t| t.extension()), Some("zip"));
        assert_eq!(kind("plan.docx", &reordered), Ok(FileKind::Docx));
        assert_eq!(kind("budget.xlsx", &xlsx()), Ok(FileKind::Xlsx));
        for k in FileKind::ALL {
            assert_eq!(FileKind::by_mime(k.mime()), Some(k));
            for e in k.extensions() {
                assert_eq!(FileKind::by_extension(e), Some(k));
            }
        }
    }

    #[test]
    fn programs_are_refused_whatever_the_name() {
        for name in ["x.pdf", "x.docx", "x.png", "x.jpg"] {
            assert_eq!(
                kind(name, PE),
                Err(FileProblem::Content(Found::Program)),
                "{name}"
            );
            assert_eq!(
                kind(name, &elf()),
                Err(FileProblem::Content(Found::Program))
            );
            assert_eq!(
                kind(name, b"#!/bin/sh\nrm -rf /\n"),
                Err(FileProblem::Content(Found::Program))
            );
        }
        assert_eq!(kind("x.exe", PE), Err(FileProblem::Extension));
    }

    #[test]
    fn markup_is_refused_with_or_without_bom_and_blanks() {
        let pages: [&[u8]; 7] = [
            b"<!DOCTYPE html><html><body>hi</body></html>",
            b"<html><script>alert(1)</script></html>",
            b"\xEF\xBB\xBF<!doctype html><script>alert(1)</script>",
            b"\r\n \t <HTML>\n<body onload=alert(1)>",
            b"\xFF\xFE<\x00h\x00t\x00m\x00l\x00>\x00",
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            b"<svg onload=alert(1)></svg>",
        ];
        for page in pages {
            assert_eq!(
                kind("x.pdf", page),
                Err(FileProblem::Content(Found::Markup)),
                "{}",
                String::from_utf8_lossy(page)
            );
        }
        // A PDF header within the first KiB satisfies PDF readers and `infer`, not us.
        let polyglot = b"<html><!-- %PDF-1.4 --><script>alert(1)</script></html>";
        assert!(
            infer::is(polyglot, "pdf"),
            "infer alone would call it a PDF"
        );
        assert_eq!(
            kind("x.pdf", polyglot),
            Err(FileProblem::Content(Found::Markup))
        );
        assert_eq!(
            kind("x.pdf", b"junk %PDF-1.4 after junk"),
            Err(FileProblem::Content(Found::Unknown))
        );
    }

    #[test]
    fn archives_posing_as_documents_are_refused() {
        let plain_zip = zip(&["readme.txt", "setup.exe"]);
        assert_eq!(
            kind("x.docx", &plain_zip),
            Err(FileProblem::Content(Found::Archive))
        );
        // `word/` as the first entry fools the crate; without `[Content_Types].xml` it is
        // still just a zip.
        let fake = zip(&["word/evil.exe", "a", "b"]);
        assert_eq!(
            kind("x.docx", &fake),
            Err(FileProblem::Content(Found::Archive))
        );
        assert_eq!(
            kind("x.pdf", b"\x1F\x8B\x08\x00\x00\x00\x00\x00"),
            Err(FileProblem::Content(Found::Archive))
        );
        assert_eq!(
            kind("x.xlsx", b"Rar!\x1A\x07\x01\x00"),
            Err(FileProblem::Content(Found::Archive))
        );
    }

    #[test]
    fn macros_other_documents_and_unknown_content_are_refused() {
        let docm = zip(&[
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/vbaProject.bin",
        ]);
        assert_eq!(kind("x.docx", &docm), Err(FileProblem::Macros));
        let pptx = zip(&[
            "[Content_Types].xml",
            "_rels/.rels",
            "ppt/presentation.xml",
            "ppt/slides/slide1.xml",
        ]);
        assert_eq!(
            kind("x.docx", &pptx),
            Err(FileProblem::Content(Found::Other("PPTX".into())))
        );
        let cfb = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00";
        assert_eq!(
            kind("x.docx", cfb),
            Err(FileProblem::Content(Found::Other("DOC".into())))
        );
        assert_eq!(
            kind("x.png", b"GIF89a\x01\x00\x01\x00"),
            Err(FileProblem::Content(Found::Other("GIF".into())))
        );
        assert_eq!(
            kind("x.pdf", b"just some text"),
            Err(FileProblem::Content(Found::Unknown))
        );
        assert_eq!(kind("x.pdf", b""), Err(FileProblem::Empty));
        assert_eq!(kind("x", PDF), Err(FileProblem::Extension));
        assert_eq!(kind("x.txt", b"text"), Err(FileProblem::Extension));
        assert_eq!(kind("pdf", PDF), Err(FileProblem::Extension));
    }

    #[test]
    fn the_extension_must_name_the_content() {
        assert_eq!(
            kind("x.pdf", PNG),
            Err(FileProblem::Mismatch {
                ext: "pdf".into(),
                actual: FileKind::Png
            })
        );
        assert_eq!(
            kind("x.png", JPEG),
            Err(FileProblem::Mismatch {
                ext: "png".into(),
                actual: FileKind::Jpeg
            })
        );
        assert_eq!(
            kind("x.xlsx", &docx()),
            Err(FileProblem::Mismatch {
                ext: "xlsx".into(),
                actual: FileKind::Docx
            })
        );
        assert_eq!(
            kind("x.docx", PDF),
            Err(FileProblem::Mismatch {
                ext: "docx".into(),
                actual: FileKind::Pdf
            })
        );
    }

    /// Every prefix of every sample (what a cut-off upload sends) gets an answer, no panic.
    #[test]
    fn truncated_content_never_panics() {
        let samples = [
            PDF.to_vec(),
            PNG.to_vec(),
            JPEG.to_vec(),
            PE.to_vec(),
            elf(),
            docx(),
            xlsx(),
        ];
        for s in &samples {
            for n in 0..=s.len() {
                for name in ["x.pdf", "x.docx", "x.xlsx", "x.png", "x.jpg"] {
                    let _ = kind(name, &s[..n]);
                }
            }
        }
    }

    #[test]
    fn messages_name_the_file() {
        for lang in [Lang::Zh, Lang::En] {
            let m = check_file("报价.pdf", PE, 0, lang).unwrap_err();
            assert!(m.contains("报价.pdf"), "{m}");
            let m = check_file("报价.pdf", PNG, 0, lang).unwrap_err();
            assert!(m.contains("报价.pdf") && m.contains(".png"), "{m}");
            let m = check_file("a.exe", PE, 0, lang).unwrap_err();
            assert!(m.contains(&lang.t("bid.err.file_type")), "{m}");
            assert!(check_file("a.pdf", PDF, MAX_FILES, lang).is_err());
            assert_eq!(check_file("a.pdf", PDF, 0, lang), Ok(FileKind::Pdf));
        }
    }
    use time::macros::date;

    /// Every (state, event) pair: the allowed ones from the table succeed with the listed
    /// next state, every other one is refused.
    #[test]
    fn tender_transition_table_is_exact() {
        use TenderEvent as E;
        use TenderState as S;
        let allowed: &[(S, E, S)] = &[
            (S::Draft, E::Publish, S::Published),
            (S::Published, E::Open, S::Opened),
            (S::Opened, E::StartEvaluation, S::Evaluating),
            (S::Evaluating, E::Award, S::Awarded),
            (S::Awarded, E::Contract, S::Contracted),
            (S::Contracted, E::Complete, S::Completed),
        ];
        for &s in S::ALL {
            for &e in E::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, ev, _)| *f == s && *ev == e)
                    .map(|(_, _, to)| *to)
                    .or_else(|| match e {
                        E::Cancel if !s.is_final() => Some(S::Cancelled),
                        E::Fail if !s.is_final() => Some(S::Unsuccessful),
                        _ => None,
                    });
                match expected {
                    Some(to) => assert_eq!(s.apply(e), Ok(to), "{s:?} {e:?}"),
                    None => assert_eq!(
                        s.apply(e),
                        Err(IllegalTransition { from: s, event: e }),
                        "{s:?} {e:?}"
                    ),
                }
            }
        }
        assert_eq!(S::ALL.len(), 9);
        assert_eq!(E::ALL.len(), 8);
    }

    #[test]
    fn question_urgency_by_the_enquiry_deadline() {
        use QuestionUrgency as U;
        let d = 1_000_000;
        assert_eq!(question_urgency(d, d), U::Overdue);
        assert_eq!(question_urgency(d, d + 1), U::Overdue);
        assert_eq!(question_urgency(d, d - 1), U::DueSoon);
        assert_eq!(question_urgency(d, d - QUESTION_DUE_SOON_SECS), U::DueSoon);
        assert_eq!(question_urgency(d, d - QUESTION_DUE_SOON_SECS - 1), U::Open);
    }

    #[test]
    fn bid_outcomes_cover_every_state() {
        use BidOutcome as O;
        use BidState as B;
        use TenderState as T;
        for &t in T::ALL {
            for &b in B::ALL {
                let (tc, bc) = (t.code(), b.code());
                // The award decides, except for a withdrawn bid.
                let won = if b == B::Withdrawn {
                    O::Withdrawn
                } else {
                    O::Won
                };
                assert_eq!(bid_outcome(tc, bc, 7, Some(7)), won, "{t:?} {b:?}");
                let lost = if b == B::Withdrawn {
                    O::Withdrawn
                } else {
                    O::Lost
                };
                assert_eq!(bid_outcome(tc, bc, 7, Some(8)), lost, "{t:?} {b:?}");
                let none = match (t, b) {
                    (_, B::Withdrawn) => O::Withdrawn,
                    (T::Cancelled | T::Unsuccessful, _) => O::Unsuccessful,
                    (_, B::Disqualified) => O::Disqualified,
                    (_, B::Opened) => O::Pending,
                    (_, B::Submitted) => O::Sealed,
                };
                assert_eq!(bid_outcome(tc, bc, 7, None), none, "{t:?} {b:?}");
            }
        }
        // Unreadable codes claim nothing.
        assert_eq!(bid_outcome("?", "?", 1, None), O::Sealed);
        assert_eq!(O::ALL.len(), 7);
    }

    #[test]
    fn bid_transition_table_is_exact() {
        use BidEvent as E;
        use BidState as S;
        let allowed = [
            (S::Submitted, E::Revise, S::Submitted),
            (S::Submitted, E::Withdraw, S::Withdrawn),
            (S::Submitted, E::Open, S::Opened),
            (S::Opened, E::Disqualify, S::Disqualified),
        ];
        for &s in S::ALL {
            for &e in E::ALL {
                let exp = allowed
                    .iter()
                    .find(|(f, ev, _)| *f == s && *ev == e)
                    .map(|x| x.2);
                assert_eq!(s.apply(e), exp, "{s:?} {e:?}");
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for &s in TenderState::ALL {
            assert_eq!(TenderState::parse(s.code()), Some(s));
        }
        for &m in Method::ALL {
            assert_eq!(Method::parse(m.code()), Some(m));
        }
        assert_eq!(EvalMethod::parse("x"), None);
    }

    const NOW: i64 = 1_795_780_800; // 2026-11-27 12:00 UTC = 20:00 Shanghai

    fn good() -> TenderForm {
        TenderForm {
            unit_id: "3".into(),
            title: "社区居家养老服务项目".into(),
            description: "为辖区内高龄、独居老人提供助餐、助洁和探访服务。".into(),
            domain: "elderly".into(),
            t_league: "150100".into(),
            t_county: "150102".into(),
            budget: "500,000".into(),
            method: "open_tender".into(),
            eval_method: "comprehensive".into(),
            price_weight: "30".into(),
            criterion_name: vec!["服务方案".into(), "团队与经验".into(), "".into()],
            criterion_weight: vec!["40".into(), "30".into(), "".into()],
            min_years: "2".into(),
            enquiry_deadline: "2026-12-05T17:00".into(),
            bid_deadline: "2026-12-15T09:30".into(),
            contract_months: "12".into(),
            milestone_name: vec!["启动".into(), "中期".into(), "结项".into()],
            milestone_percent: vec!["30".into(), "40".into(), "30".into()],
            ..Default::default()
        }
    }

    /// Each free-text field of the tender and bid forms: a control character and one
    /// character past its limit are refused on that field; exactly the limit is not.
    #[test]
    fn tender_and_bid_text_fields_refuse_controls_and_length() {
        let s = ProcurementSettings::default();
        let control = Lang::En.t("text.err.control");
        type Put = fn(&mut TenderForm, String);
        let cases: [(&str, &str, usize, Put); 4] = [
            ("title", "title", limits::TITLE, |f, v| f.title = v),
            ("description", "description", limits::DESCRIPTION, |f, v| {
                f.description = v
            }),
            ("criteria", "criterion", limits::CRITERION_NAME, |f, v| {
                f.criterion_name[0] = v
            }),
            ("milestones", "milestone", limits::MILESTONE_NAME, |f, v| {
                f.milestone_name[0] = v
            }),
        ];
        for (field, what, max, put) in cases {
            let mut f = good();
            put(&mut f, format!("{}\0{}", "社区养老服务", "项目"));
            let e = validate_tender(&f, &[3], NOW, &s, Lang::En).unwrap_err();
            assert_eq!(e.get(field), Some(control.as_str()), "{what}");
            let mut f = good();
            put(&mut f, "长".repeat(max + 1));
            let e = validate_tender(&f, &[3], NOW, &s, Lang::En).unwrap_err();
            assert_eq!(
                e.get(field),
                Some(
                    Lang::En
                        .tf("form.too_long", &[("max", &max.to_string())])
                        .as_str()
                ),
                "{what}"
            );
            let mut f = good();
            put(&mut f, "长".repeat(max));
            if let Err(e) = validate_tender(&f, &[3], NOW, &s, Lang::En) {
                assert!(e.get(field).is_none(), "{what} at the limit: {e:?}");
            }
        }
        let mut f = good();
        f.description = "第一段，为老人提供助餐服务。\r\n\t第二段".into();
        assert!(validate_tender(&f, &[3], NOW, &s, Lang::En).is_ok());
        let bid = |p: String| BidForm {
            org_id: "1".into(),
            price: "100".into(),
            proposal: p,
        };
        let e = validate_bid(
            &bid("组建专业团队\u{7}上门服务".into()),
            Fen(10_000),
            Lang::En,
        )
        .unwrap_err();
        assert_eq!(e.get("proposal"), Some(control.as_str()));
        assert!(
            validate_bid(
                &bid("长".repeat(limits::PROPOSAL + 1)),
                Fen(10_000),
                Lang::En
            )
            .is_err()
        );
        assert!(validate_bid(&bid("长".repeat(limits::PROPOSAL)), Fen(10_000), Lang::En).is_ok());
        // Questions, answers, reasons and challenges.
        assert_eq!(
            check_text("是否接受\0联合体？", 5, 2000, Lang::En),
            Err(control.clone())
        );
        assert_eq!(
            check_text("是否接受联合体投标？\n谢谢", 5, 2000, Lang::En).as_deref(),
            Ok("是否接受联合体投标？\n谢谢")
        );
    }

    #[test]
    fn a_good_tender_validates() {
        let d = validate_tender(
            &good(),
            &[3],
            NOW,
            &ProcurementSettings::default(),
            Lang::Zh,
        )
        .unwrap();
        assert_eq!(d.budget, Fen(50_000_000));
        assert_eq!(
            d.criteria,
            vec![("服务方案".to_string(), 40), ("团队与经验".to_string(), 30)]
        );
        assert_eq!(d.milestones.iter().map(|m| m.1).sum::<i32>(), 10_000);
        assert_eq!(d.division_code, "150102");
        // 09:30 Shanghai is 01:30 UTC.
        assert_eq!(
            crate::kernel::clock::display_instant(d.bid_deadline),
            "2026-12-15 09:30"
        );
    }

    #[test]
    fn each_bad_tender_input_names_its_field() {
        type Change = Box<dyn Fn(&mut TenderForm)>;
        let cases: Vec<(&str, Change)> = vec![
            ("unit_id", Box::new(|f| f.unit_id = "4".into())),
            ("title", Box::new(|f| f.title = "短".into())),
            ("description", Box::new(|f| f.description = "太短".into())),
            ("domain", Box::new(|f| f.domain = "x".into())),
            ("budget", Box::new(|f| f.budget = "-5".into())),
            ("budget", Box::new(|f| f.budget = "0".into())),
            ("method", Box::new(|f| f.method = "auction".into())),
            ("price_weight", Box::new(|f| f.price_weight = "5".into())),
            (
                "criteria",
                Box::new(|f| f.criterion_weight[0] = "35".into()),
            ),
            ("criteria", Box::new(|f| f.criterion_name.clear())),
            (
                "enquiry_deadline",
                Box::new(|f| f.enquiry_deadline = "2020-01-01T00:00".into()),
            ),
            (
                "bid_deadline",
                Box::new(|f| f.bid_deadline = "2026-12-01T00:00".into()),
            ),
            (
                "bid_deadline",
                Box::new(|f| f.bid_deadline = "tomorrow".into()),
            ),
            (
                "contract_months",
                Box::new(|f| f.contract_months = "48".into()),
            ),
            (
                "milestones",
                Box::new(|f| f.milestone_percent[2] = "20".into()),
            ),
            (
                "milestones",
                Box::new(|f| f.milestone_percent[1] = "abc".into()),
            ),
            ("min_years", Box::new(|f| f.min_years = "-1".into())),
            (
                "allowed_leagues",
                Box::new(|f| f.allowed_leagues = vec!["150102".into()]),
            ),
            ("t_county", Box::new(|f| f.t_county = "150202".into())),
        ];
        for (field, change) in cases {
            let mut f = good();
            change(&mut f);
            let e = validate_tender(&f, &[3], NOW, &ProcurementSettings::default(), Lang::En)
                .unwrap_err();
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
    }

    #[test]
    fn weights_and_price_weight_rules() {
        let s = ProcurementSettings::default();
        let mut f = good();
        f.criterion_weight = vec!["50".into(), "40".into()];
        f.price_weight = "10".into();
        assert!(
            validate_tender(&f, &[3], NOW, &s, Lang::Zh).is_ok(),
            "10% is the floor"
        );
        f.method = "competitive_consultation".into();
        f.criterion_weight = vec!["30".into(), "30".into()];
        f.price_weight = "40".into();
        let e = validate_tender(&f, &[3], NOW, &s, Lang::Zh).unwrap_err();
        assert!(
            e.get("price_weight").is_some(),
            "consultation caps price weight at 30"
        );
        let mut f = good();
        f.eval_method = "lowest_price".into();
        f.criterion_name.clear();
        let d = validate_tender(&f, &[3], NOW, &s, Lang::Zh).unwrap();
        assert_eq!((d.price_weight, d.criteria.len()), (100, 0));
        let mut f = good();
        f.price_weight = "5".into();
        let e = validate_tender(&f, &[3], NOW, &s, Lang::Zh).unwrap_err();
        assert!(
            e.get("criteria").unwrap().contains("75"),
            "sum uses the typed price weight: {e:?}"
        );
        let mut f = good();
        f.criterion_weight[0] = "41".into();
        let e = validate_tender(&f, &[3], NOW, &s, Lang::Zh).unwrap_err();
        assert!(e.get("criteria").unwrap().contains("101"), "{e:?}");
        let mut f = good();
        f.milestone_percent = vec!["33.33".into(), "33.33".into(), "33.34".into()];
        assert!(validate_tender(&f, &[3], NOW, &s, Lang::Zh).is_ok());
    }

    #[test]
    fn amendments_near_the_deadline_must_extend_it() {
        let bid = NOW + 10 * DAY;
        let q = NOW + 5 * DAY;
        assert!(
            check_amendment(NOW, q, bid, q, bid, Lang::Zh).is_ok(),
            "far from the deadline: no extension needed"
        );
        let late = bid - DAY; // one day before the deadline
        assert!(check_amendment(late, q, bid, q, bid, Lang::Zh).is_err());
        assert!(check_amendment(late, q, bid, q, bid + 2 * DAY - 1, Lang::Zh).is_err());
        assert!(check_amendment(late, q, bid, q, bid + 2 * DAY, Lang::Zh).is_ok());
        assert!(
            check_amendment(bid, q, bid, q, bid + 5 * DAY, Lang::Zh).is_err(),
            "after the deadline: closed"
        );
        assert!(
            check_amendment(NOW, q, bid, bid + DAY, bid, Lang::Zh).is_err(),
            "enquiry after bid deadline"
        );
    }

    fn org() -> OrgFacts {
        OrgFacts {
            kind: OrgKind::SocialServiceAgency,
            credit: CreditStatus::Normal,
            rating: Some((4, date!(2028 - 01 - 01))),
            registered: date!(2020 - 03 - 01),
            league: Some("150100".into()),
            verified: true,
            ended: None,
        }
    }

    #[test]
    fn each_eligibility_rule_fires_alone() {
        let today = date!(2026 - 11 - 27);
        let t = Eligibility {
            min_grade: Some(3),
            social_only: true,
            allowed_leagues: vec!["150100".into()],
            min_years: 5,
        };
        assert!(eligibility(&t, &org(), today).is_empty());
        let cases: Vec<(OrgFacts, Ineligible)> = vec![
            (
                OrgFacts {
                    verified: false,
                    ..org()
                },
                Ineligible::Unverified,
            ),
            (
                // An ended registration is named with its day, not as "unverified".
                OrgFacts {
                    verified: false,
                    ended: Some(crate::orgs::Ended {
                        status: crate::orgs::RegistrationStatus::Deregistered,
                        on: Some(date!(2026 - 03 - 02)),
                    }),
                    ..org()
                },
                Ineligible::Ended(crate::orgs::Ended {
                    status: crate::orgs::RegistrationStatus::Deregistered,
                    on: Some(date!(2026 - 03 - 02)),
                }),
            ),
            (
                OrgFacts {
                    credit: CreditStatus::Abnormal,
                    ..org()
                },
                Ineligible::Credit(CreditStatus::Abnormal),
            ),
            (
                OrgFacts {
                    credit: CreditStatus::Dishonest,
                    ..org()
                },
                Ineligible::Credit(CreditStatus::Dishonest),
            ),
            (
                OrgFacts {
                    rating: Some((2, date!(2028 - 01 - 01))),
                    ..org()
                },
                Ineligible::Grade {
                    required: 3,
                    held: Some(2),
                },
            ),
            (
                OrgFacts {
                    rating: Some((5, date!(2026 - 11 - 26))),
                    ..org()
                },
                Ineligible::Grade {
                    required: 3,
                    held: None,
                },
            ),
            (
                OrgFacts {
                    rating: None,
                    ..org()
                },
                Ineligible::Grade {
                    required: 3,
                    held: None,
                },
            ),
            (
                OrgFacts {
                    kind: OrgKind::Enterprise,
                    ..org()
                },
                Ineligible::NotSocial,
            ),
            (
                OrgFacts {
                    league: Some("150200".into()),
                    ..org()
                },
                Ineligible::Place,
            ),
            (
                OrgFacts {
                    league: None,
                    ..org()
                },
                Ineligible::Place,
            ),
            (
                OrgFacts {
                    registered: date!(2021 - 11 - 28),
                    ..org()
                },
                Ineligible::TooYoung { required: 5 },
            ),
        ];
        for (o, why) in cases {
            assert_eq!(eligibility(&t, &o, today), vec![why.clone()], "{why:?}");
            assert!(!why.message(Lang::Zh).is_empty());
        }
        // Credit is checked even when the tender asks for nothing else.
        let open = Eligibility::default();
        assert_eq!(
            eligibility(
                &open,
                &OrgFacts {
                    credit: CreditStatus::Abnormal,
                    ..org()
                },
                today
            )
            .len(),
            1
        );
        assert_eq!(whole_years(date!(2021 - 11 - 27), today), 5);
    }

    #[test]
    fn bid_validation() {
        let budget = Fen(10_000_000);
        let ok = BidForm {
            price: "99,000".into(),
            proposal: "我们将组建专业团队开展服务。".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_bid(&ok, budget, Lang::Zh).unwrap().0,
            Fen(9_900_000)
        );
        for (price, field) in [
            ("-1", "price"),
            ("0", "price"),
            ("100000.01", "price"),
            ("abc", "price"),
        ] {
            let f = BidForm {
                price: price.into(),
                ..ok.clone()
            };
            assert!(
                validate_bid(&f, budget, Lang::Zh)
                    .unwrap_err()
                    .get(field)
                    .is_some(),
                "{price}"
            );
        }
        let f = BidForm {
            proposal: "短".into(),
            ..ok.clone()
        };
        assert!(
            validate_bid(&f, budget, Lang::Zh)
                .unwrap_err()
                .get("proposal")
                .is_some()
        );
    }

    #[test]
    fn file_rules() {
        let pdf = b"%PDF-1.4 ten bytes and more".to_vec();
        assert_eq!(
            check_file("方案.PDF", &pdf, 0, Lang::Zh).map(FileKind::mime),
            Ok("application/pdf")
        );
        assert!(check_file("a.exe", &pdf, 0, Lang::Zh).is_err());
        let mut big = pdf.clone();
        big.resize(MAX_FILE_BYTES + 1, b' ');
        assert!(check_file("a.pdf", &big, 0, Lang::Zh).is_err());
        big.truncate(MAX_FILE_BYTES);
        assert!(check_file("a.pdf", &big, 0, Lang::Zh).is_ok());
        assert!(check_file("a.pdf", b"", 0, Lang::Zh).is_err());
        assert!(check_file("a.pdf", &pdf, MAX_FILES, Lang::Zh).is_err());
        assert!(check_file("noext", &pdf, 0, Lang::Zh).is_err());
    }

    #[test]
    fn local_time_parsing() {
        assert_eq!(parse_local("2026-11-27T20:00"), Some(NOW));
        assert_eq!(format_local(NOW), "2026-11-27T20:00");
        assert_eq!(parse_local("2026-13-01T00:00"), None);
    }
}
