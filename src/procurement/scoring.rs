//! Bid evaluation and working-day deadlines for service tenders: pure rules, no I/O.
//!
//! The rules follow Chinese government procurement practice (《政府采购货物和服务招标投标
//! 管理办法》, MOF Order No. 87): the comprehensive scoring method (综合评分法) adds an
//! averaged technical score to a price score computed with the lowest-price-benchmark formula
//! (低价优先法), and the lowest-price method (最低评标价法) ranks by price alone.
//!
//! Every score is an integer number of milli-points (1/1000 of a point) so that results are
//! exact, reproducible and comparable with `==`; each division rounds half up once, at the
//! place a published score sheet would round, so the numbers here can be checked by hand.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use time::Date;

/// Milli-points per point.
const MILLI: i64 = 1_000;

/// The sum of every weight in a comprehensive tender: criteria plus price make 100 points.
const TOTAL_POINTS: i64 = 100;

/// A technical (or commercial) criterion of a comprehensive-scoring tender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Criterion {
    /// The criterion's id.
    pub id: i64,
    /// The most points an evaluator may give on this criterion, in whole points. All criterion
    /// weights plus the price weight make 100.
    pub weight: i32,
}

/// One bid as the evaluation sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BidInput {
    /// The bid's id.
    pub bid_id: i64,
    /// The quoted price in fen.
    pub price_fen: i64,
    /// When the bid was submitted, Unix seconds; the earlier submission wins a full tie.
    pub submitted_at: i64,
    /// Whether the bid passed the qualification and compliance review (资格审查、符合性审查).
    /// Bids that did not — including bids over budget, see [`price_within_budget`] — are
    /// neither ranked nor used as the price benchmark.
    pub qualified: bool,
    /// `(evaluator id, criterion id, points)`: each evaluator's whole points per criterion.
    pub scores: Vec<(i64, i64, i32)>,
}

/// The evaluation method written into the tender documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// 最低评标价法: the lowest price wins; technical scores are not used.
    LowestPrice,
    /// 综合评分法: technical points averaged over evaluators plus a price score out of
    /// `price_weight` points.
    Comprehensive {
        /// Points given to the lowest valid price, 1..=100.
        price_weight: i32,
    },
}

/// A ranked bid. Scores are in milli-points (1/1000 of a point).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ranked {
    /// The bid's id.
    pub bid_id: i64,
    /// 1-based rank; ranks are distinct and consecutive.
    pub rank: u32,
    /// Technical score: per criterion, the evaluators' average rounded half up, summed.
    /// Always 0 under [`Method::LowestPrice`].
    pub technical_milli: i64,
    /// Price score: lowest valid price / this price × price weight, rounded half up.
    /// Always 0 under [`Method::LowestPrice`].
    pub price_milli: i64,
    /// `technical_milli + price_milli`. Always 0 under [`Method::LowestPrice`].
    pub total_milli: i64,
    /// The quoted price in fen, copied from the bid.
    pub price_fen: i64,
}

/// Why bids could not be evaluated. Every variant names the data at fault so the evaluation
/// page can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScoreError {
    /// Two bids share an id.
    DuplicateBid {
        /// The repeated bid id.
        bid_id: i64,
    },
    /// Two criteria share an id.
    DuplicateCriterion {
        /// The repeated criterion id.
        criterion_id: i64,
    },
    /// A criterion's weight is zero or negative.
    NonPositiveCriterionWeight {
        /// The criterion.
        criterion_id: i64,
        /// Its weight.
        weight: i32,
    },
    /// The price weight is outside 1..=100.
    PriceWeightOutOfRange {
        /// The price weight given.
        price_weight: i32,
    },
    /// Criterion weights plus the price weight do not make 100.
    WeightsDoNotSumTo100 {
        /// What they make instead.
        sum: i64,
    },
    /// A score refers to a criterion the tender does not have.
    UnknownCriterion {
        /// The bid scored.
        bid_id: i64,
        /// The evaluator who gave the score.
        evaluator_id: i64,
        /// The unknown criterion id.
        criterion_id: i64,
    },
    /// Points outside `0..=weight` of the criterion.
    PointsOutOfRange {
        /// The bid scored.
        bid_id: i64,
        /// The evaluator who gave the points.
        evaluator_id: i64,
        /// The criterion.
        criterion_id: i64,
        /// The points given.
        points: i32,
        /// The criterion's weight, the most points allowed.
        max: i32,
    },
    /// One evaluator scored the same criterion of the same bid twice.
    DuplicateScore {
        /// The bid scored.
        bid_id: i64,
        /// The evaluator.
        evaluator_id: i64,
        /// The criterion.
        criterion_id: i64,
    },
    /// Comprehensive scoring with criteria, but no evaluator scored any ranked bid.
    NoEvaluators,
    /// An evaluator who scored something did not score this criterion of this ranked bid.
    IncompleteScoring {
        /// The bid missing a score.
        bid_id: i64,
        /// The evaluator who did not score it.
        evaluator_id: i64,
        /// The criterion left unscored.
        criterion_id: i64,
    },
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ScoreError::DuplicateBid { bid_id } => write!(f, "bid {bid_id} appears twice"),
            ScoreError::DuplicateCriterion { criterion_id } => {
                write!(f, "criterion {criterion_id} appears twice")
            }
            ScoreError::NonPositiveCriterionWeight {
                criterion_id,
                weight,
            } => {
                write!(
                    f,
                    "criterion {criterion_id} has weight {weight}; it must be at least 1"
                )
            }
            ScoreError::PriceWeightOutOfRange { price_weight } => {
                write!(f, "price weight {price_weight} is outside 1..=100")
            }
            ScoreError::WeightsDoNotSumTo100 { sum } => {
                write!(f, "criterion weights plus price weight make {sum}, not 100")
            }
            ScoreError::UnknownCriterion {
                bid_id,
                evaluator_id,
                criterion_id,
            } => write!(
                f,
                "evaluator {evaluator_id} scored unknown criterion {criterion_id} on bid {bid_id}"
            ),
            ScoreError::PointsOutOfRange {
                bid_id,
                evaluator_id,
                criterion_id,
                points,
                max,
            } => {
                write!(
                    f,
                    "evaluator {evaluator_id} gave {points} points on criterion {criterion_id} \
                     of bid {bid_id}; allowed 0..={max}"
                )
            }
            ScoreError::DuplicateScore {
                bid_id,
                evaluator_id,
                criterion_id,
            } => write!(
                f,
                "evaluator {evaluator_id} scored criterion {criterion_id} of bid {bid_id} twice"
            ),
            ScoreError::NoEvaluators => write!(f, "no evaluator has scored any bid"),
            ScoreError::IncompleteScoring {
                bid_id,
                evaluator_id,
                criterion_id,
            } => write!(
                f,
                "evaluator {evaluator_id} has not scored criterion {criterion_id} of bid {bid_id}"
            ),
        }
    }
}

impl std::error::Error for ScoreError {}

/// A bid that takes part in ranking, with its computed scores.
struct Scored<'a> {
    bid: &'a BidInput,
    technical_milli: i64,
    price_milli: i64,
}

impl Scored<'_> {
    fn total_milli(&self) -> i64 {
        self.technical_milli + self.price_milli
    }
}

/// Evaluates `bids` by `method` and returns the ranked bids, best first.
///
/// Only qualified bids with a positive price are ranked; the rest are left out of the result,
/// are not the price benchmark, and their scores are neither used nor validated (qualification
/// review happens before scoring, so scores left on an excluded bid must not block the rest).
///
/// Under [`Method::Comprehensive`] the technical score is, per criterion, the evaluators'
/// points averaged and rounded half up to a milli-point, summed over criteria; the price score
/// is `lowest valid price / bid price × price_weight`, rounded half up to a milli-point. Ranks
/// go by higher total, then higher technical score, then lower price, then earlier
/// `submitted_at`, then smaller `bid_id`, so every bid gets its own rank.
///
/// Under [`Method::LowestPrice`] criteria and scores are ignored, and ranks go by lower price,
/// then earlier `submitted_at`, then smaller `bid_id`. The three score fields are 0: the method
/// awards no points, and a made-up price score on the result sheet would suggest otherwise.
///
/// # Errors
/// [`ScoreError::DuplicateBid`] under either method; under comprehensive scoring, the
/// configuration errors (price weight, criterion weights and ids) and then the first scoring
/// error found in bid, criterion and evaluator order.
pub fn evaluate(
    method: &Method,
    criteria: &[Criterion],
    bids: &[BidInput],
) -> Result<Vec<Ranked>, ScoreError> {
    let mut ids = HashSet::with_capacity(bids.len());
    if let Some(dup) = bids.iter().find(|b| !ids.insert(b.bid_id)) {
        return Err(ScoreError::DuplicateBid { bid_id: dup.bid_id });
    }
    let ranked_bids: Vec<&BidInput> = bids
        .iter()
        .filter(|b| b.qualified && b.price_fen > 0)
        .collect();

    let mut scored = match *method {
        Method::LowestPrice => ranked_bids
            .into_iter()
            .map(|bid| Scored {
                bid,
                technical_milli: 0,
                price_milli: 0,
            })
            .collect(),
        Method::Comprehensive { price_weight } => {
            score_comprehensive(price_weight, criteria, &ranked_bids)?
        }
    };
    // One comparator serves both methods: under the lowest-price method every score is 0, so
    // the score keys tie and the order falls through to price, submission time and id.
    scored.sort_by(rank_order);

    Ok(scored
        .iter()
        .zip(1u32..)
        .map(|(s, rank)| Ranked {
            bid_id: s.bid.bid_id,
            rank,
            technical_milli: s.technical_milli,
            price_milli: s.price_milli,
            total_milli: s.total_milli(),
            price_fen: s.bid.price_fen,
        })
        .collect())
}

/// The ranking order, best first: a total order so that ranks never depend on input order.
///
/// Note: MOF Order No. 87 art. 55 breaks a tie on total by the lower price first (得分相同的，
/// 按投标报价由低到高顺序排列) and many tender documents then use the technical score. Here
/// the technical score comes before price, as the platform specifies; with equal totals a
/// higher technical score means a lower price score, i.e. the dearer bid wins the tie.
fn rank_order(a: &Scored<'_>, b: &Scored<'_>) -> Ordering {
    b.total_milli()
        .cmp(&a.total_milli())
        .then_with(|| b.technical_milli.cmp(&a.technical_milli))
        .then_with(|| a.bid.price_fen.cmp(&b.bid.price_fen))
        .then_with(|| a.bid.submitted_at.cmp(&b.bid.submitted_at))
        .then_with(|| a.bid.bid_id.cmp(&b.bid.bid_id))
}

/// Validates the configuration and the scores of the ranked bids, then scores them.
fn score_comprehensive<'a>(
    price_weight: i32,
    criteria: &[Criterion],
    bids: &[&'a BidInput],
) -> Result<Vec<Scored<'a>>, ScoreError> {
    if !(1..=100).contains(&price_weight) {
        return Err(ScoreError::PriceWeightOutOfRange { price_weight });
    }
    let mut weights: HashMap<i64, i32> = HashMap::with_capacity(criteria.len());
    for c in criteria {
        if weights.insert(c.id, c.weight).is_some() {
            return Err(ScoreError::DuplicateCriterion { criterion_id: c.id });
        }
        if c.weight < 1 {
            return Err(ScoreError::NonPositiveCriterionWeight {
                criterion_id: c.id,
                weight: c.weight,
            });
        }
    }
    // Summed in i64 so that absurd weights report their sum instead of overflowing.
    let sum = i64::from(price_weight) + criteria.iter().map(|c| i64::from(c.weight)).sum::<i64>();
    if sum != TOTAL_POINTS {
        return Err(ScoreError::WeightsDoNotSumTo100 { sum });
    }
    if bids.is_empty() {
        return Ok(Vec::new());
    }

    // Range, criterion and duplicate checks, one score at a time; `given` records who scored
    // what so that completeness can be checked once the panel is known.
    let mut given: HashSet<(i64, i64, i64)> = HashSet::new();
    let mut evaluators: BTreeSet<i64> = BTreeSet::new();
    for bid in bids {
        for &(evaluator_id, criterion_id, points) in &bid.scores {
            let Some(&max) = weights.get(&criterion_id) else {
                return Err(ScoreError::UnknownCriterion {
                    bid_id: bid.bid_id,
                    evaluator_id,
                    criterion_id,
                });
            };
            if !(0..=max).contains(&points) {
                return Err(ScoreError::PointsOutOfRange {
                    bid_id: bid.bid_id,
                    evaluator_id,
                    criterion_id,
                    points,
                    max,
                });
            }
            if !given.insert((bid.bid_id, evaluator_id, criterion_id)) {
                return Err(ScoreError::DuplicateScore {
                    bid_id: bid.bid_id,
                    evaluator_id,
                    criterion_id,
                });
            }
            evaluators.insert(evaluator_id);
        }
    }
    if !criteria.is_empty() && evaluators.is_empty() {
        return Err(ScoreError::NoEvaluators);
    }
    // Every member of the panel scores every criterion of every ranked bid: an average over a
    // different set of evaluators per bid would make the bids' technical scores incomparable.
    for bid in bids {
        for c in criteria {
            for &evaluator_id in &evaluators {
                if !given.contains(&(bid.bid_id, evaluator_id, c.id)) {
                    return Err(ScoreError::IncompleteScoring {
                        bid_id: bid.bid_id,
                        evaluator_id,
                        criterion_id: c.id,
                    });
                }
            }
        }
    }

    // The benchmark (评标基准价) is the lowest price among the bids that are ranked.
    let lowest = bids.iter().map(|b| b.price_fen).min().unwrap_or(1);
    Ok(bids
        .iter()
        .map(|&bid| Scored {
            bid,
            technical_milli: technical_milli(criteria, bid),
            price_milli: price_milli(lowest, bid.price_fen, price_weight),
        })
        .collect())
}

/// Per criterion, the average of the points given, rounded half up to a milli-point; summed.
/// Rounding per criterion (not once on the sum) matches a score sheet that shows each
/// criterion's average.
fn technical_milli(criteria: &[Criterion], bid: &BidInput) -> i64 {
    criteria
        .iter()
        .map(|c| {
            let (sum, n) = bid
                .scores
                .iter()
                .filter(|&&(_, criterion_id, _)| criterion_id == c.id)
                .fold((0i64, 0i64), |(sum, n), &(_, _, points)| {
                    (sum + i64::from(points), n + 1)
                });
            if n == 0 {
                0
            } else {
                div_round_half_up(i128::from(sum * MILLI), i128::from(n))
            }
        })
        .sum()
}

/// `lowest / price × weight` in milli-points, rounded half up. Computed in i128 because
/// `lowest × weight × 1000` overflows i64 for prices above about 9 × 10^13 fen.
fn price_milli(lowest_fen: i64, price_fen: i64, price_weight: i32) -> i64 {
    let num = i128::from(lowest_fen) * i128::from(price_weight) * i128::from(MILLI);
    // lowest <= price, so the quotient is at most weight × 1000.
    div_round_half_up(num, i128::from(price_fen))
}

/// `num / den` rounded half up, for `num >= 0` and `den > 0`; saturates at `i64::MAX`.
fn div_round_half_up(num: i128, den: i128) -> i64 {
    i64::try_from((2 * num + den) / (2 * den)).unwrap_or(i64::MAX)
}

/// Seconds east of UTC in Asia/Shanghai, which has kept a fixed +08:00 without daylight
/// saving since 1991.
const SHANGHAI_OFFSET_SECS: i128 = 8 * 3_600;

/// Seconds per day.
const SECS_PER_DAY: i128 = 86_400;

/// The Julian day number of 1970-01-01, to turn a [`Date`] into days since the Unix epoch.
const UNIX_EPOCH_JULIAN_DAY: i128 = 2_440_588;

/// The end of a period of `days` working days starting at `start_unix` (e.g. the 7-working-day
/// challenge period, 质疑期, of MOF Order No. 94 art. 10), as a Unix instant.
///
/// Counting starts on the day after the start's local date (Asia/Shanghai, UTC+8) — the start
/// day itself never counts, as the Civil Code art. 201 prescribes (开始的当日不计入) — and the
/// period ends at 24:00 local of the `days`-th working day (art. 203: 截止时间为二十四时),
/// i.e. at 00:00 local of the following day. Working days are Monday to Friday except the
/// dates in `holidays`; holidays may come in any order, repeat, or fall on weekends.
///
/// The platform passes an empty holiday list by default. Official make-up working days
/// (调休上班日, weekend days declared working days around public holidays) are not modeled:
/// a Saturday or Sunday is never a working day here.
///
/// `days == 0` returns `start_unix` unchanged. The result saturates at `i64::MAX`.
pub fn add_working_days(start_unix: i64, days: u32, holidays: &[Date]) -> i64 {
    if days == 0 {
        return start_unix;
    }
    // Day numbers count local days since 1970-01-01; i128 keeps the extremes of i64 exact.
    let start_day = (i128::from(start_unix) + SHANGHAI_OFFSET_SECS).div_euclid(SECS_PER_DAY);
    // Only weekday holidays cost a working day; weekends are skipped anyway.
    let mut off: Vec<i128> = holidays
        .iter()
        .map(|d| i128::from(d.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY)
        .filter(|&d| weekday_index(d) < 5)
        .collect();
    off.sort_unstable();
    off.dedup();

    // Jump ahead by weekdays in constant time, then make up for the holidays that fell inside
    // the span just covered; repeat until a span contains none. This stays fast for any `days`
    // and ends because each holiday is made up for once.
    let mut from = start_day;
    let mut to = nth_weekday_after(start_day, i128::from(days));
    loop {
        let missed = off.partition_point(|&h| h <= to) - off.partition_point(|&h| h <= from);
        if missed == 0 {
            break;
        }
        from = to;
        to = nth_weekday_after(to, missed as i128);
    }
    let end = (to + 1) * SECS_PER_DAY - SHANGHAI_OFFSET_SECS;
    i64::try_from(end).unwrap_or(i64::MAX)
}

/// Monday = 0 … Sunday = 6 for a day number (1970-01-01 was a Thursday).
fn weekday_index(day: i128) -> i128 {
    (day + 3).rem_euclid(7)
}

/// The `n`-th Monday-to-Friday day after `day`, for `n >= 1`.
fn nth_weekday_after(day: i128, n: i128) -> i128 {
    let w = weekday_index(day);
    // From a weekend the next weekdays are the same as from the Friday before.
    let (day, w) = if w >= 5 { (day - (w - 4), 4) } else { (day, w) };
    // Count in weekdays from that week's Monday: 5 weekdays make 7 calendar days.
    let k = w + n;
    day - w + (k / 5) * 7 + k % 5
}

/// Whether a quoted price is acceptable against the budget: positive and not above it. A bid
/// above the budget is invalid (MOF Order No. 87 art. 63) and should be marked unqualified
/// before [`evaluate`].
pub fn price_within_budget(price_fen: i64, budget_fen: i64) -> bool {
    price_fen > 0 && price_fen <= budget_fen
}

/// Parses points typed by an evaluator: a non-negative whole number, surrounding whitespace
/// (including the full-width space) ignored. Signs, decimals, inner spaces, non-ASCII digits
/// and values above `i32::MAX` give `None`.
pub fn parse_points(s: &str) -> Option<i32> {
    let s = s.trim();
    // `str::parse` alone would accept a leading `+`; points are digits only.
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

// ---------------------------------------------------------------------------------------
// Score sheets

/// What an evaluator typed in one cell's points box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Typed {
    /// Nothing (a draft may leave a cell empty).
    Empty,
    /// A whole number (see [`parse_points`]); its range is checked against the criterion.
    Points(i32),
    /// Anything that is not a whole number.
    NotANumber,
}

impl Typed {
    /// Reads what was typed.
    pub fn parse(s: &str) -> Typed {
        if s.trim().is_empty() {
            Typed::Empty
        } else {
            parse_points(s).map_or(Typed::NotANumber, Typed::Points)
        }
    }
}

/// One cell of an evaluator's score sheet: a criterion of a bid, the points and the length of
/// the comment in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SheetCell {
    /// The bid.
    pub bid_id: i64,
    /// The criterion.
    pub criterion_id: i64,
    /// The points as typed.
    pub points: Typed,
    /// The comment's length in characters (after trimming).
    pub comment_chars: usize,
}

/// What is wrong with one cell of a score sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellProblem {
    /// The cell names a bid or criterion that is not on the sheet.
    Unknown,
    /// No points, on a sheet being submitted.
    Unscored,
    /// Not a whole number within `0..=max`.
    OutOfRange {
        /// The criterion's weight.
        max: i32,
    },
    /// No comment, on a sheet being submitted.
    NoComment,
    /// The comment is longer than allowed.
    CommentTooLong {
        /// The limit in characters.
        max: usize,
    },
}

impl CellProblem {
    /// Whether the problem is with the points (else with the comment).
    pub fn is_points(self) -> bool {
        matches!(
            self,
            CellProblem::Unknown | CellProblem::Unscored | CellProblem::OutOfRange { .. }
        )
    }
}

/// Everything that keeps a sheet from being saved (draft) or submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetProblems {
    /// `(bid, criterion, problem)`, in bid then criterion order for the cells on the sheet.
    pub cells: Vec<(i64, i64, CellProblem)>,
    /// Submitting without the no-conflict-of-interest declaration.
    pub undeclared: bool,
}

impl SheetProblems {
    /// Nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty() && !self.undeclared
    }
}

/// Checks an evaluator's sheet over `bids` × `criteria`. A draft needs only what was typed
/// to be valid (points within range, comments within `comment_max`); a submission also needs
/// every cell scored and commented and the declaration ticked — the sheet is final then, and
/// an average over a panel in which someone skipped a cell would not be comparable.
pub fn check_sheet(
    criteria: &[Criterion],
    bids: &[i64],
    cells: &[SheetCell],
    comment_max: usize,
    declared: bool,
    submitting: bool,
) -> SheetProblems {
    let mut out = SheetProblems {
        cells: Vec::new(),
        undeclared: submitting && !declared,
    };
    for c in cells {
        if !bids.contains(&c.bid_id) || !criteria.iter().any(|x| x.id == c.criterion_id) {
            out.cells
                .push((c.bid_id, c.criterion_id, CellProblem::Unknown));
        }
    }
    for &b in bids {
        for cr in criteria {
            let cell = cells
                .iter()
                .find(|c| c.bid_id == b && c.criterion_id == cr.id);
            let points = cell.map_or(Typed::Empty, |c| c.points);
            let chars = cell.map_or(0, |c| c.comment_chars);
            match points {
                Typed::Empty if submitting => out.cells.push((b, cr.id, CellProblem::Unscored)),
                Typed::Points(p) if (0..=cr.weight).contains(&p) => {}
                Typed::Empty => {}
                Typed::Points(_) | Typed::NotANumber => {
                    out.cells
                        .push((b, cr.id, CellProblem::OutOfRange { max: cr.weight }));
                }
            }
            if chars > comment_max {
                out.cells
                    .push((b, cr.id, CellProblem::CommentTooLong { max: comment_max }));
            } else if chars == 0 && submitting {
                out.cells.push((b, cr.id, CellProblem::NoComment));
            }
        }
    }
    out
}

/// Where an evaluator's sheet stands, as the buyer's evaluation page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SheetStatus {
    /// Nothing saved yet.
    NotStarted,
    /// A draft, last saved at this instant.
    Draft {
        /// Unix seconds.
        saved_at: i64,
    },
    /// Submitted at this instant: final.
    Submitted {
        /// Unix seconds.
        at: i64,
    },
}

impl SheetStatus {
    /// The status from a sheet's stored instants (`None`: no sheet).
    pub fn of(sheet: Option<(i64, Option<i64>)>) -> SheetStatus {
        match sheet {
            None => SheetStatus::NotStarted,
            Some((_, Some(at))) => SheetStatus::Submitted { at },
            Some((saved_at, None)) => SheetStatus::Draft { saved_at },
        }
    }

    /// Whether the sheet is final.
    pub fn is_submitted(self) -> bool {
        matches!(self, SheetStatus::Submitted { .. })
    }
}

/// How many of the panel have not submitted: the award waits for none.
pub fn pending_sheets(statuses: &[SheetStatus]) -> usize {
    statuses.iter().filter(|s| !s.is_submitted()).count()
}

#[cfg(test)]
mod sheet_tests {
    use super::*;

    const CRITS: [Criterion; 2] = [
        Criterion { id: 1, weight: 30 },
        Criterion { id: 2, weight: 20 },
    ];

    fn cell(bid_id: i64, criterion_id: i64, points: &str, comment_chars: usize) -> SheetCell {
        SheetCell {
            bid_id,
            criterion_id,
            points: Typed::parse(points),
            comment_chars,
        }
    }

    fn full() -> Vec<SheetCell> {
        vec![
            cell(10, 1, "30", 5),
            cell(10, 2, "0", 5),
            cell(11, 1, "15", 5),
            cell(11, 2, "20", 5),
        ]
    }

    #[test]
    fn typed_points() {
        assert_eq!(Typed::parse(""), Typed::Empty);
        assert_eq!(Typed::parse(" \u{3000}"), Typed::Empty);
        assert_eq!(Typed::parse("12"), Typed::Points(12));
        assert_eq!(Typed::parse("1.5"), Typed::NotANumber);
        assert_eq!(Typed::parse("-1"), Typed::NotANumber);
    }

    #[test]
    fn a_complete_declared_sheet_is_submittable() {
        assert!(check_sheet(&CRITS, &[10, 11], &full(), 100, true, true).is_empty());
        // As a draft too; the declaration is not asked for a draft.
        assert!(check_sheet(&CRITS, &[10, 11], &full(), 100, false, false).is_empty());
    }

    #[test]
    fn submission_needs_the_declaration() {
        let p = check_sheet(&CRITS, &[10, 11], &full(), 100, false, true);
        assert!(p.undeclared);
        assert!(p.cells.is_empty());
    }

    #[test]
    fn every_cell_scored_and_commented_on_submission_only() {
        let mut cells = full();
        cells[1].points = Typed::Empty;
        cells[2].comment_chars = 0;
        cells.pop(); // (11, 2): neither points nor comment
        let p = check_sheet(&CRITS, &[10, 11], &cells, 100, true, true);
        assert_eq!(
            p.cells,
            vec![
                (10, 2, CellProblem::Unscored),
                (11, 1, CellProblem::NoComment),
                (11, 2, CellProblem::Unscored),
                (11, 2, CellProblem::NoComment),
            ]
        );
        // A draft may leave any of that for later.
        assert!(check_sheet(&CRITS, &[10, 11], &cells, 100, false, false).is_empty());
    }

    #[test]
    fn out_of_range_and_garbage_are_refused_even_in_a_draft() {
        for submitting in [false, true] {
            let mut cells = full();
            cells[0].points = Typed::parse("31");
            cells[3].points = Typed::parse("abc");
            let p = check_sheet(&CRITS, &[10, 11], &cells, 100, true, submitting);
            assert_eq!(
                p.cells,
                vec![
                    (10, 1, CellProblem::OutOfRange { max: 30 }),
                    (11, 2, CellProblem::OutOfRange { max: 20 }),
                ]
            );
        }
        // The bounds themselves are fine.
        let cells = [cell(10, 1, "0", 1), cell(10, 2, "20", 1)];
        assert!(check_sheet(&CRITS, &[10], &cells, 100, true, true).is_empty());
    }

    #[test]
    fn long_comments_are_refused() {
        let mut cells = full();
        cells[2].comment_chars = 101;
        let p = check_sheet(&CRITS, &[10, 11], &cells, 100, false, false);
        assert_eq!(
            p.cells,
            vec![(11, 1, CellProblem::CommentTooLong { max: 100 })]
        );
        cells[2].comment_chars = 100;
        assert!(check_sheet(&CRITS, &[10, 11], &cells, 100, true, true).is_empty());
    }

    #[test]
    fn cells_off_the_sheet_are_refused() {
        let mut cells = full();
        cells.push(cell(12, 1, "1", 1));
        cells.push(cell(10, 3, "1", 1));
        let p = check_sheet(&CRITS, &[10, 11], &cells, 100, true, false);
        assert_eq!(
            p.cells,
            vec![(12, 1, CellProblem::Unknown), (10, 3, CellProblem::Unknown)]
        );
        assert!(CellProblem::Unknown.is_points());
        assert!(!CellProblem::NoComment.is_points());
    }

    #[test]
    fn a_sheet_without_criteria_needs_only_the_declaration() {
        // Lowest-price tenders and tenders without qualified bids.
        assert!(check_sheet(&[], &[10], &[], 100, true, true).is_empty());
        assert!(check_sheet(&CRITS, &[], &[], 100, true, true).is_empty());
        assert!(check_sheet(&[], &[10], &[], 100, false, true).undeclared);
    }

    #[test]
    fn statuses_and_pending() {
        assert_eq!(SheetStatus::of(None), SheetStatus::NotStarted);
        assert_eq!(
            SheetStatus::of(Some((5, None))),
            SheetStatus::Draft { saved_at: 5 }
        );
        assert_eq!(
            SheetStatus::of(Some((5, Some(7)))),
            SheetStatus::Submitted { at: 7 }
        );
        let all = [
            SheetStatus::NotStarted,
            SheetStatus::Draft { saved_at: 1 },
            SheetStatus::Submitted { at: 2 },
        ];
        assert_eq!(pending_sheets(&all), 2);
        assert_eq!(pending_sheets(&all[2..]), 0);
        assert_eq!(pending_sheets(&[]), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};
    use time::{OffsetDateTime, UtcOffset, Weekday};

    /// ¥1 in fen.
    const YUAN: i64 = 100;

    fn crit(id: i64, weight: i32) -> Criterion {
        Criterion { id, weight }
    }

    fn bid(bid_id: i64, price_fen: i64, submitted_at: i64, scores: &[(i64, i64, i32)]) -> BidInput {
        BidInput {
            bid_id,
            price_fen,
            submitted_at,
            qualified: true,
            scores: scores.to_vec(),
        }
    }

    fn unqualified(mut b: BidInput) -> BidInput {
        b.qualified = false;
        b
    }

    fn comp(price_weight: i32) -> Method {
        Method::Comprehensive { price_weight }
    }

    /// `(bid_id, technical, price, total)` in rank order, asserting ranks are 1, 2, 3, ….
    fn table(ranked: &[Ranked]) -> Vec<(i64, i64, i64, i64)> {
        for (i, r) in ranked.iter().enumerate() {
            assert_eq!(r.rank as usize, i + 1, "ranks are consecutive from 1");
            assert_eq!(r.total_milli, r.technical_milli + r.price_milli);
        }
        ranked
            .iter()
            .map(|r| (r.bid_id, r.technical_milli, r.price_milli, r.total_milli))
            .collect()
    }

    fn order(ranked: &[Ranked]) -> Vec<i64> {
        table(ranked).into_iter().map(|row| row.0).collect()
    }

    // ---- worked examples ----

    /// Criteria 1 (40 points) and 2 (30 points), price 30 points; evaluators 7 and 8.
    ///
    /// Bid 1, ¥100,000: crit 1: 35, 36 → 35.5; crit 2: 25, 26 → 25.5; technical 61.000.
    ///   price 90,000 / 100,000 × 30 = 27.000; total 88.000.
    /// Bid 2, ¥90,000 (lowest): crit 1: 30, 31 → 30.5; crit 2: 20, 22 → 21.0; technical 51.500.
    ///   price 90,000 / 90,000 × 30 = 30.000; total 81.500.
    /// Bid 3, ¥120,000: crit 1: 38, 39 → 38.5; crit 2: 28, 29 → 28.5; technical 67.000.
    ///   price 90,000 / 120,000 × 30 = 22.500; total 89.500.
    /// Order: 3 (89.500), 1 (88.000), 2 (81.500) — the cheapest bid comes last.
    #[test]
    fn worked_example_two_evaluators() {
        let criteria = [crit(1, 40), crit(2, 30)];
        let bids = [
            bid(
                1,
                100_000 * YUAN,
                10,
                &[(7, 1, 35), (8, 1, 36), (7, 2, 25), (8, 2, 26)],
            ),
            bid(
                2,
                90_000 * YUAN,
                20,
                &[(7, 1, 30), (8, 1, 31), (7, 2, 20), (8, 2, 22)],
            ),
            bid(
                3,
                120_000 * YUAN,
                30,
                &[(8, 2, 29), (7, 2, 28), (8, 1, 39), (7, 1, 38)],
            ),
        ];
        let ranked = evaluate(&comp(30), &criteria, &bids).unwrap();
        assert_eq!(
            table(&ranked),
            vec![
                (3, 67_000, 22_500, 89_500),
                (1, 61_000, 27_000, 88_000),
                (2, 51_500, 30_000, 81_500),
            ]
        );
        let prices: Vec<i64> = ranked.iter().map(|r| r.price_fen).collect();
        assert_eq!(prices, vec![12_000_000, 10_000_000, 9_000_000]);
    }

    /// Criteria 1 (60) and 2 (30), price 10; evaluators 1, 2, 3 — averages of thirds.
    ///
    /// Bid 10, ¥70,000: crit 1: 50+50+51 = 151 → 50.333…→ 50.333; crit 2: 20+21+21 = 62 →
    ///   20.666… → 20.667; technical 71.000; price 30,000 / 70,000 × 10 = 4.285714… → 4.286;
    ///   total 75.286.
    /// Bid 20, ¥30,000 (lowest): crit 1: 40+41+41 = 122 → 40.666… → 40.667; crit 2:
    ///   25+25+26 = 76 → 25.333… → 25.333; technical 66.000; price 10.000; total 76.000.
    /// Order: 20, 10.
    #[test]
    fn worked_example_three_evaluators_with_rounding() {
        let criteria = [crit(1, 60), crit(2, 30)];
        let bids = [
            bid(
                10,
                70_000 * YUAN,
                0,
                &[
                    (1, 1, 50),
                    (2, 1, 50),
                    (3, 1, 51),
                    (1, 2, 20),
                    (2, 2, 21),
                    (3, 2, 21),
                ],
            ),
            bid(
                20,
                30_000 * YUAN,
                0,
                &[
                    (1, 1, 40),
                    (2, 1, 41),
                    (3, 1, 41),
                    (1, 2, 25),
                    (2, 2, 25),
                    (3, 2, 26),
                ],
            ),
        ];
        let ranked = evaluate(&comp(10), &criteria, &bids).unwrap();
        assert_eq!(
            table(&ranked),
            vec![(20, 66_000, 10_000, 76_000), (10, 71_000, 4_286, 75_286)]
        );
    }

    /// No criteria and price weight 100: a pure price comparison needs no evaluators.
    /// ¥80,000 → 100.000; ¥100,000 → 80.000; ¥160,000 → 50.000.
    #[test]
    fn price_only_comprehensive_needs_no_evaluators() {
        let bids = [
            bid(1, 100_000 * YUAN, 0, &[]),
            bid(2, 160_000 * YUAN, 0, &[]),
            bid(3, 80_000 * YUAN, 0, &[]),
        ];
        let ranked = evaluate(&comp(100), &[], &bids).unwrap();
        assert_eq!(
            table(&ranked),
            vec![
                (3, 0, 100_000, 100_000),
                (1, 0, 80_000, 80_000),
                (2, 0, 50_000, 50_000)
            ]
        );
    }

    // ---- rounding ----

    /// Price weight 30, benchmark ¥10,000 (1,000,000 fen).
    /// ¥12,800 (1,280,000 fen): 1,000,000 × 30,000 / 1,280,000 = 23,437.5 → 23,438 (half up).
    /// 1,280,001 fen: 30,000,000,000 / 1,280,001 = 23,437.48… → 23,437.
    /// 1,279,999 fen: 30,000,000,000 / 1,279,999 = 23,437.52… → 23,438.
    #[test]
    fn price_score_rounds_half_up() {
        let criteria = [crit(1, 70)];
        let bids = [
            bid(1, 1_000_000, 0, &[(1, 1, 0)]),
            bid(2, 1_280_000, 0, &[(1, 1, 0)]),
            bid(3, 1_280_001, 0, &[(1, 1, 0)]),
            bid(4, 1_279_999, 0, &[(1, 1, 0)]),
        ];
        let ranked = evaluate(&comp(30), &criteria, &bids).unwrap();
        let price: HashMap<i64, i64> = ranked.iter().map(|r| (r.bid_id, r.price_milli)).collect();
        assert_eq!(price[&1], 30_000);
        assert_eq!(price[&2], 23_438);
        assert_eq!(price[&3], 23_437);
        assert_eq!(price[&4], 23_438);
    }

    /// Sixteen evaluators, one gives 1 point and fifteen give 0: 1,000 / 16 = 62.5 → 63.
    /// With 3 points in total: 3,000 / 16 = 187.5 → 188.
    #[test]
    fn technical_average_rounds_half_up() {
        let criteria = [crit(1, 70)];
        let scores = |ones: i64| -> Vec<(i64, i64, i32)> {
            (1..=16).map(|e| (e, 1, i32::from(e <= ones))).collect()
        };
        let bids = [bid(1, 100, 0, &scores(1)), bid(2, 100, 0, &scores(3))];
        let ranked = evaluate(&comp(30), &criteria, &bids).unwrap();
        assert_eq!(
            table(&ranked),
            vec![(2, 188, 30_000, 30_188), (1, 63, 30_000, 30_063)]
        );
    }

    /// Two criteria, three evaluators giving 1, 0, 0 on each: each average is 0.333… → 0.333,
    /// so the technical score is 0.666 — rounding the unrounded sum 0.666… would give 0.667.
    /// A second bid with 1, 1, 0 on one criterion: 0.666… → 0.667, plus 0.
    #[test]
    fn technical_rounds_per_criterion_before_summing() {
        let criteria = [crit(1, 35), crit(2, 35)];
        let thirds = [
            (1, 1, 1),
            (2, 1, 0),
            (3, 1, 0),
            (1, 2, 1),
            (2, 2, 0),
            (3, 2, 0),
        ];
        let two_thirds = [
            (1, 1, 1),
            (2, 1, 1),
            (3, 1, 0),
            (1, 2, 0),
            (2, 2, 0),
            (3, 2, 0),
        ];
        let bids = [bid(1, 100, 0, &thirds), bid(2, 100, 0, &two_thirds)];
        let ranked = evaluate(&comp(30), &criteria, &bids).unwrap();
        assert_eq!(
            table(&ranked),
            vec![(2, 667, 30_000, 30_667), (1, 666, 30_000, 30_666)]
        );
    }

    /// A price in the hundreds of billions of yuan does not overflow the price formula.
    #[test]
    fn huge_prices_do_not_overflow() {
        let big = i64::MAX / 2;
        let bids = [bid(1, big, 0, &[]), bid(2, i64::MAX, 0, &[])];
        let ranked = evaluate(&comp(100), &[], &bids).unwrap();
        // (MAX - 1) / 2 / MAX × 100 = 49.999 999… points, i.e. 49,999.99… milli → 50,000.
        assert_eq!(
            table(&ranked),
            vec![(1, 0, 100_000, 100_000), (2, 0, 50_000, 50_000)]
        );
    }

    // ---- ties ----

    /// Criterion 1 (70), price 30, one evaluator.
    /// Bid 1, ¥100,000 (lowest): 40 points → 40.000 + 30.000 = 70.000.
    /// Bid 2, ¥200,000: 55 points → 55.000 + 15.000 = 70.000.
    /// Equal totals: the higher technical score (bid 2) ranks first, although it is dearer.
    #[test]
    fn tie_on_total_broken_by_technical_score() {
        let criteria = [crit(1, 70)];
        let bids = [
            bid(1, 100_000 * YUAN, 0, &[(1, 1, 40)]),
            bid(2, 200_000 * YUAN, 5, &[(1, 1, 55)]),
        ];
        let ranked = evaluate(&comp(30), &criteria, &bids).unwrap();
        assert_eq!(
            table(&ranked),
            vec![(2, 55_000, 15_000, 70_000), (1, 40_000, 30_000, 70_000)]
        );
    }

    /// Criterion 1 (70), price 30, benchmark bid 1 at 10,000,000 fen with 10 points.
    /// Bid 2, 30,000,000 fen: 10,000,000 × 30,000 / 30,000,000 = 10,000 exactly.
    /// Bid 3, 30,000,001 fen: 300,000,000,000 / 30,000,001 = 9,999.9997 → 10,000.
    /// Both 50 points: equal totals (60.000) and technical scores; the lower price (bid 2) wins
    /// although bid 3 was submitted earlier.
    #[test]
    fn tie_on_total_and_technical_broken_by_price() {
        let criteria = [crit(1, 70)];
        let bids = [
            bid(1, 10_000_000, 0, &[(1, 1, 10)]),
            bid(3, 30_000_001, 100, &[(1, 1, 50)]),
            bid(2, 30_000_000, 200, &[(1, 1, 50)]),
        ];
        let ranked = evaluate(&comp(30), &criteria, &bids).unwrap();
        assert_eq!(
            table(&ranked),
            vec![
                (2, 50_000, 10_000, 60_000),
                (3, 50_000, 10_000, 60_000),
                (1, 10_000, 30_000, 40_000),
            ]
        );
    }

    /// Same price, same points: the earlier submission wins, whatever the ids; with the same
    /// submission time too, the smaller id wins; every bid still gets its own rank.
    #[test]
    fn full_ties_broken_by_submission_then_id() {
        let criteria = [crit(1, 70)];
        let s = [(1, 1, 60)];
        let bids = [
            bid(9, 50_000, 1_700_000_300, &s),
            bid(8, 50_000, 1_700_000_200, &s),
            bid(5, 50_000, 1_700_000_100, &s),
            bid(6, 50_000, 1_700_000_100, &s),
            bid(4, 50_000, 1_700_000_200, &s),
        ];
        let ranked = evaluate(&comp(30), &criteria, &bids).unwrap();
        assert_eq!(order(&ranked), vec![5, 6, 4, 8, 9]);
        assert!(ranked.iter().all(|r| r.total_milli == 90_000));
    }

    /// The ranking does not depend on the order bids or scores arrive in.
    #[test]
    fn ranking_is_independent_of_input_order() {
        let criteria = [crit(1, 40), crit(2, 30)];
        let mut bids = vec![
            bid(
                1,
                100_000 * YUAN,
                10,
                &[(7, 1, 35), (8, 1, 36), (7, 2, 25), (8, 2, 26)],
            ),
            bid(
                2,
                90_000 * YUAN,
                20,
                &[(7, 1, 30), (8, 1, 31), (7, 2, 20), (8, 2, 22)],
            ),
            bid(
                3,
                120_000 * YUAN,
                30,
                &[(7, 1, 38), (8, 1, 39), (7, 2, 28), (8, 2, 29)],
            ),
            bid(
                4,
                100_000 * YUAN,
                10,
                &[(7, 1, 35), (8, 1, 36), (7, 2, 25), (8, 2, 26)],
            ),
        ];
        let expected = evaluate(&comp(30), &criteria, &bids).unwrap();
        assert_eq!(order(&expected), vec![3, 1, 4, 2]);
        bids.reverse();
        for b in &mut bids {
            b.scores.reverse();
        }
        assert_eq!(evaluate(&comp(30), &criteria, &bids).unwrap(), expected);
    }

    // ---- exclusion ----

    /// Bid 1 (¥50,000) is unqualified and bid 4 quotes 0: neither is ranked, and the
    /// benchmark is bid 2's ¥100,000, so bid 2 scores 30.000 and bid 3 (¥200,000) 15.000 —
    /// with bid 1 as benchmark they would have scored 15.000 and 7.500.
    #[test]
    fn unqualified_and_zero_price_bids_are_excluded_and_not_the_benchmark() {
        let criteria = [crit(1, 70)];
        let bids = [
            unqualified(bid(1, 50_000 * YUAN, 0, &[(1, 1, 70)])),
            bid(2, 100_000 * YUAN, 0, &[(1, 1, 50)]),
            bid(3, 200_000 * YUAN, 0, &[(1, 1, 60)]),
            bid(4, 0, 0, &[(1, 1, 70)]),
            bid(5, -100, 0, &[(1, 1, 70)]),
        ];
        let ranked = evaluate(&comp(30), &criteria, &bids).unwrap();
        assert_eq!(
            table(&ranked),
            vec![(2, 50_000, 30_000, 80_000), (3, 60_000, 15_000, 75_000)]
        );
    }

    /// Scores on excluded bids are not validated, and an evaluator who only scored an excluded
    /// bid is not part of the panel the ranked bids must be complete for.
    #[test]
    fn scores_on_excluded_bids_are_ignored() {
        let criteria = [crit(1, 70)];
        let bids = [
            unqualified(bid(
                1,
                100,
                0,
                &[(1, 1, 999), (1, 42, 1), (9, 1, 5), (9, 1, 5)],
            )),
            bid(2, 100, 0, &[(1, 1, 50)]),
        ];
        let ranked = evaluate(&comp(30), &criteria, &bids).unwrap();
        assert_eq!(table(&ranked), vec![(2, 50_000, 30_000, 80_000)]);
    }

    #[test]
    fn no_rankable_bids_gives_an_empty_ranking() {
        let criteria = [crit(1, 70)];
        assert_eq!(evaluate(&comp(30), &criteria, &[]).unwrap(), vec![]);
        let bids = [unqualified(bid(1, 100, 0, &[])), bid(2, 0, 0, &[])];
        assert_eq!(evaluate(&comp(30), &criteria, &bids).unwrap(), vec![]);
        assert_eq!(evaluate(&Method::LowestPrice, &[], &bids).unwrap(), vec![]);
    }

    // ---- lowest price ----

    /// Prices 300, 100 (submitted at 50), 100 (submitted at 40), 200, and an unqualified 50:
    /// order 3 (100, earlier), 2 (100), 4 (200), 1 (300); scores are ignored, even invalid ones.
    #[test]
    fn lowest_price_ranks_by_price_then_submission_then_id() {
        let bids = [
            bid(1, 300, 10, &[(1, 99, -5)]),
            bid(2, 100, 50, &[]),
            bid(3, 100, 40, &[]),
            bid(4, 200, 10, &[]),
            unqualified(bid(5, 50, 0, &[])),
            bid(7, 200, 10, &[]),
        ];
        let ranked = evaluate(&Method::LowestPrice, &[crit(1, 70)], &bids).unwrap();
        assert_eq!(order(&ranked), vec![3, 2, 4, 7, 1]);
        assert!(
            ranked
                .iter()
                .all(|r| r.technical_milli == 0 && r.price_milli == 0)
        );
        let prices: Vec<i64> = ranked.iter().map(|r| r.price_fen).collect();
        assert_eq!(prices, vec![100, 100, 200, 200, 300]);
    }

    /// The lowest-price method does not look at weights at all.
    #[test]
    fn lowest_price_ignores_criteria_configuration() {
        let bids = [bid(1, 200, 0, &[]), bid(2, 100, 0, &[])];
        let criteria = [crit(1, -3), crit(1, 500)];
        let ranked = evaluate(&Method::LowestPrice, &criteria, &bids).unwrap();
        assert_eq!(order(&ranked), vec![2, 1]);
    }

    // ---- errors ----

    #[test]
    fn duplicate_bid_ids_are_rejected_under_both_methods() {
        let bids = [bid(1, 100, 0, &[]), unqualified(bid(1, 200, 0, &[]))];
        let err = ScoreError::DuplicateBid { bid_id: 1 };
        assert_eq!(evaluate(&Method::LowestPrice, &[], &bids), Err(err.clone()));
        assert_eq!(evaluate(&comp(100), &[], &bids), Err(err));
    }

    #[test]
    fn price_weight_must_be_1_to_100() {
        for pw in [0, -1, 101, i32::MIN, i32::MAX] {
            assert_eq!(
                evaluate(&comp(pw), &[], &[]),
                Err(ScoreError::PriceWeightOutOfRange { price_weight: pw })
            );
        }
        assert!(evaluate(&comp(1), &[crit(1, 99)], &[]).is_ok());
        assert!(evaluate(&comp(100), &[], &[]).is_ok());
    }

    #[test]
    fn weights_must_sum_to_100() {
        assert_eq!(
            evaluate(&comp(30), &[crit(1, 40), crit(2, 40)], &[]),
            Err(ScoreError::WeightsDoNotSumTo100 { sum: 110 })
        );
        assert_eq!(
            evaluate(&comp(30), &[], &[]),
            Err(ScoreError::WeightsDoNotSumTo100 { sum: 30 })
        );
        // Large weights are summed without overflow.
        let big = [crit(1, i32::MAX), crit(2, i32::MAX)];
        assert_eq!(
            evaluate(&comp(2), &big, &[]),
            Err(ScoreError::WeightsDoNotSumTo100 {
                sum: 2 * i64::from(i32::MAX) + 2
            })
        );
    }

    #[test]
    fn criteria_must_be_unique_and_positive() {
        assert_eq!(
            evaluate(&comp(30), &[crit(1, 35), crit(1, 35)], &[]),
            Err(ScoreError::DuplicateCriterion { criterion_id: 1 })
        );
        assert_eq!(
            evaluate(&comp(30), &[crit(1, 70), crit(2, 0)], &[]),
            Err(ScoreError::NonPositiveCriterionWeight {
                criterion_id: 2,
                weight: 0
            })
        );
        assert_eq!(
            evaluate(&comp(30), &[crit(1, 80), crit(2, -10)], &[]),
            Err(ScoreError::NonPositiveCriterionWeight {
                criterion_id: 2,
                weight: -10
            })
        );
    }

    #[test]
    fn unknown_criterion_is_named() {
        let bids = [bid(1, 100, 0, &[(7, 1, 10), (8, 3, 10)])];
        assert_eq!(
            evaluate(&comp(30), &[crit(1, 70)], &bids),
            Err(ScoreError::UnknownCriterion {
                bid_id: 1,
                evaluator_id: 8,
                criterion_id: 3
            })
        );
    }

    #[test]
    fn points_must_be_within_0_and_the_weight() {
        let criteria = [crit(1, 40), crit(2, 30)];
        let over = [bid(1, 100, 0, &[(7, 1, 40), (7, 2, 31)])];
        assert_eq!(
            evaluate(&comp(30), &criteria, &over),
            Err(ScoreError::PointsOutOfRange {
                bid_id: 1,
                evaluator_id: 7,
                criterion_id: 2,
                points: 31,
                max: 30
            })
        );
        let negative = [bid(2, 100, 0, &[(8, 1, -1), (8, 2, 0)])];
        assert_eq!(
            evaluate(&comp(30), &criteria, &negative),
            Err(ScoreError::PointsOutOfRange {
                bid_id: 2,
                evaluator_id: 8,
                criterion_id: 1,
                points: -1,
                max: 40
            })
        );
        // The bounds themselves are allowed: 40 + 0 points, price 30.
        let bounds = [bid(3, 100, 0, &[(8, 1, 40), (8, 2, 0)])];
        let ranked = evaluate(&comp(30), &criteria, &bounds).unwrap();
        assert_eq!(table(&ranked), vec![(3, 40_000, 30_000, 70_000)]);
    }

    #[test]
    fn the_same_score_twice_is_rejected() {
        let bids = [bid(1, 100, 0, &[(7, 1, 10), (7, 1, 10)])];
        assert_eq!(
            evaluate(&comp(30), &[crit(1, 70)], &bids),
            Err(ScoreError::DuplicateScore {
                bid_id: 1,
                evaluator_id: 7,
                criterion_id: 1
            })
        );
    }

    #[test]
    fn criteria_without_any_evaluator_is_an_error() {
        let bids = [bid(1, 100, 0, &[]), bid(2, 200, 0, &[])];
        assert_eq!(
            evaluate(&comp(30), &[crit(1, 70)], &bids),
            Err(ScoreError::NoEvaluators)
        );
    }

    /// Evaluator 8 scored bid 1 fully but skipped criterion 2 of bid 2.
    #[test]
    fn every_evaluator_scores_every_criterion_of_every_ranked_bid() {
        let criteria = [crit(1, 40), crit(2, 30)];
        let bids = [
            bid(1, 100, 0, &[(7, 1, 1), (7, 2, 1), (8, 1, 1), (8, 2, 1)]),
            bid(2, 100, 0, &[(7, 1, 1), (7, 2, 1), (8, 1, 1)]),
        ];
        assert_eq!(
            evaluate(&comp(30), &criteria, &bids),
            Err(ScoreError::IncompleteScoring {
                bid_id: 2,
                evaluator_id: 8,
                criterion_id: 2
            })
        );
        // A bid nobody scored is incomplete for the first evaluator.
        let bids = [bid(1, 100, 0, &[(7, 1, 1), (7, 2, 1)]), bid(2, 100, 0, &[])];
        assert_eq!(
            evaluate(&comp(30), &criteria, &bids),
            Err(ScoreError::IncompleteScoring {
                bid_id: 2,
                evaluator_id: 7,
                criterion_id: 1
            })
        );
    }

    #[test]
    fn errors_display_the_data_at_fault() {
        let e = ScoreError::PointsOutOfRange {
            bid_id: 1,
            evaluator_id: 7,
            criterion_id: 2,
            points: 31,
            max: 30,
        };
        assert_eq!(
            e.to_string(),
            "evaluator 7 gave 31 points on criterion 2 of bid 1; allowed 0..=30"
        );
        let all = [
            ScoreError::DuplicateBid { bid_id: 1 },
            ScoreError::DuplicateCriterion { criterion_id: 1 },
            ScoreError::NonPositiveCriterionWeight {
                criterion_id: 1,
                weight: 0,
            },
            ScoreError::PriceWeightOutOfRange { price_weight: 0 },
            ScoreError::WeightsDoNotSumTo100 { sum: 99 },
            ScoreError::UnknownCriterion {
                bid_id: 1,
                evaluator_id: 2,
                criterion_id: 3,
            },
            e,
            ScoreError::DuplicateScore {
                bid_id: 1,
                evaluator_id: 2,
                criterion_id: 3,
            },
            ScoreError::NoEvaluators,
            ScoreError::IncompleteScoring {
                bid_id: 1,
                evaluator_id: 2,
                criterion_id: 3,
            },
        ];
        for err in &all {
            let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
            assert!(!boxed.to_string().is_empty());
        }
    }

    // ---- working days ----

    fn at(dt: OffsetDateTime) -> i64 {
        dt.unix_timestamp()
    }

    /// 2024-06-03 is a Monday. Seven working days: Tue 4, Wed 5, Thu 6, Fri 7, Mon 10,
    /// Tue 11, Wed 12 → the period ends at 24:00 on Wednesday 12 June, i.e. Thursday 13 June
    /// 00:00 +08:00 (= 12 June 16:00 UTC).
    #[test]
    fn seven_working_days_from_a_monday() {
        let start = at(datetime!(2024-06-03 10:00 +8));
        let end = add_working_days(start, 7, &[]);
        assert_eq!(end, at(datetime!(2024-06-13 00:00 +8)));
        assert_eq!(end, at(datetime!(2024-06-12 16:00 UTC)));
    }

    /// With Monday 10 June a holiday (it was the Dragon Boat Festival in 2024), the seventh
    /// working day moves to Thursday 13 June.
    #[test]
    fn holidays_are_skipped() {
        let start = at(datetime!(2024-06-03 10:00 +8));
        assert_eq!(
            add_working_days(start, 7, &[date!(2024 - 06 - 10)]),
            at(datetime!(2024-06-14 00:00 +8))
        );
    }

    /// National Day 2024: 1–7 October off (Tue–Mon). From Monday 30 September, three working
    /// days are Tue 8, Wed 9, Thu 10 October → ends Friday 11 October 00:00. The official
    /// make-up working days (Sun 29 Sep, Sat 12 Oct) are not modeled. Holidays may be
    /// unsorted, repeated and on weekends.
    #[test]
    fn a_holiday_week_pushes_the_deadline_past_it() {
        let start = at(datetime!(2024-09-30 09:00 +8));
        let golden_week = [
            date!(2024 - 10 - 07),
            date!(2024 - 10 - 01),
            date!(2024 - 10 - 05),
            date!(2024 - 10 - 02),
            date!(2024 - 10 - 03),
            date!(2024 - 10 - 04),
            date!(2024 - 10 - 06),
            date!(2024 - 10 - 03),
        ];
        assert_eq!(
            add_working_days(start, 3, &golden_week),
            at(datetime!(2024-10-11 00:00 +8))
        );
        assert_eq!(
            add_working_days(start, 1, &golden_week),
            at(datetime!(2024-10-09 00:00 +8))
        );
    }

    /// Friday 7 June 2024: one working day is Monday 10 June → ends Tuesday 11 June 00:00.
    #[test]
    fn from_a_friday() {
        let start = at(datetime!(2024-06-07 17:30 +8));
        assert_eq!(
            add_working_days(start, 1, &[]),
            at(datetime!(2024-06-11 00:00 +8))
        );
        assert_eq!(
            add_working_days(start, 5, &[]),
            at(datetime!(2024-06-15 00:00 +8))
        );
    }

    /// Saturday and Sunday count like the Friday before: one working day is Monday.
    #[test]
    fn from_a_weekend() {
        for start in [
            datetime!(2024-06-08 12:00 +8),
            datetime!(2024-06-09 23:59:59 +8),
        ] {
            assert_eq!(
                add_working_days(at(start), 1, &[]),
                at(datetime!(2024-06-11 00:00 +8))
            );
            assert_eq!(
                add_working_days(at(start), 2, &[]),
                at(datetime!(2024-06-12 00:00 +8))
            );
        }
    }

    /// The local date decides, not the UTC date: 15:59:59 UTC on Thursday 6 June is 23:59:59
    /// Thursday in Shanghai (one working day → Friday, ends Sat 00:00 +8 = Fri 16:00 UTC);
    /// one second later it is Friday 00:00 in Shanghai (→ Monday, ends Tue 00:00 +8).
    #[test]
    fn local_midnight_near_16_00_utc() {
        let before = at(datetime!(2024-06-06 15:59:59 UTC));
        let after = before + 1;
        assert_eq!(
            add_working_days(before, 1, &[]),
            at(datetime!(2024-06-07 16:00 UTC))
        );
        assert_eq!(
            add_working_days(after, 1, &[]),
            at(datetime!(2024-06-10 16:00 UTC))
        );
        // 23:30 UTC Thursday is already 07:30 Friday in Shanghai.
        let late_utc = at(datetime!(2024-06-06 23:30 UTC));
        assert_eq!(
            add_working_days(late_utc, 1, &[]),
            at(datetime!(2024-06-11 00:00 +8))
        );
        // Starting exactly at 00:00 local, the start day still does not count.
        let midnight = at(datetime!(2024-06-04 00:00 +8));
        assert_eq!(
            add_working_days(midnight, 1, &[]),
            at(datetime!(2024-06-06 00:00 +8))
        );
    }

    /// Friday midnight in Shanghai is 16:00 UTC Friday; a start one second before local
    /// Saturday begins is still Friday, so the result is the same as any Friday start.
    #[test]
    fn friday_evening_local_is_still_friday() {
        let start = at(datetime!(2024-06-07 15:59:59 UTC));
        assert_eq!(
            add_working_days(start, 1, &[]),
            at(datetime!(2024-06-11 00:00 +8))
        );
        assert_eq!(
            add_working_days(start + 1, 1, &[]),
            at(datetime!(2024-06-11 00:00 +8))
        );
    }

    #[test]
    fn zero_days_returns_the_start() {
        for start in [0, -1, 1_717_380_000, i64::MIN, i64::MAX] {
            assert_eq!(add_working_days(start, 0, &[date!(2024 - 06 - 04)]), start);
        }
    }

    /// A holiday on the start date, or on a weekend, costs nothing.
    #[test]
    fn holidays_on_the_start_day_or_weekends_cost_nothing() {
        let start = at(datetime!(2024-06-03 10:00 +8));
        let hols = [
            date!(2024 - 06 - 03),
            date!(2024 - 06 - 08),
            date!(2024 - 06 - 09),
        ];
        assert_eq!(
            add_working_days(start, 7, &hols),
            at(datetime!(2024-06-13 00:00 +8))
        );
    }

    /// Before 1970 (negative instants) the day arithmetic floors correctly: 1969-12-31
    /// 20:00 UTC is Thursday 1 January 1970 04:00 in Shanghai → Friday 2 → ends Saturday 3
    /// January 00:00 +8 = 2 January 16:00 UTC = 144,000.
    #[test]
    fn negative_instants() {
        assert_eq!(add_working_days(-4 * 3_600, 1, &[]), 144_000);
        assert_eq!(add_working_days(-1, 1, &[]), 144_000);
    }

    /// 260 working days from a Monday (52 five-day weeks) end on the Monday 52 weeks later.
    #[test]
    fn long_periods() {
        let start = at(datetime!(2024-06-03 10:00 +8));
        assert_eq!(
            add_working_days(start, 260, &[]),
            at(datetime!(2025-06-03 00:00 +8))
        );
    }

    /// Extreme inputs neither panic nor loop for long.
    #[test]
    fn extremes_saturate() {
        let far = add_working_days(0, u32::MAX, &[]);
        // u32::MAX = 858,993,459 weeks of 5 + 0 → from Thursday (w=3): k = 3 + u32::MAX.
        let k = 3 + i64::from(u32::MAX);
        let expected_day = -3 + (k / 5) * 7 + k % 5;
        assert_eq!(far, (expected_day + 1) * 86_400 - 8 * 3_600);
        assert_eq!(add_working_days(i64::MAX, 1, &[]), i64::MAX);
        assert_eq!(add_working_days(i64::MAX - 10 * 86_400, 30, &[]), i64::MAX);
        let early = add_working_days(i64::MIN, 1, &[]);
        assert!(early > i64::MIN);
    }

    /// The obvious day-by-day count, used to check the fast version.
    fn reference(start_unix: i64, days: u32, holidays: &[Date]) -> i64 {
        let shanghai = UtcOffset::from_hms(8, 0, 0).unwrap();
        let mut d = OffsetDateTime::from_unix_timestamp(start_unix)
            .unwrap()
            .to_offset(shanghai)
            .date();
        let mut left = days;
        while left > 0 {
            d = d.next_day().unwrap();
            let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            if !weekend && !holidays.contains(&d) {
                left -= 1;
            }
        }
        d.next_day()
            .unwrap()
            .midnight()
            .assume_offset(shanghai)
            .unix_timestamp()
    }

    /// Every start hour over three weeks, 1–40 working days, with clustered, weekend and
    /// repeated holidays, against the day-by-day count.
    #[test]
    fn matches_day_by_day_count() {
        let holidays = [
            date!(2024 - 06 - 10),
            date!(2024 - 06 - 12),
            date!(2024 - 06 - 13),
            date!(2024 - 06 - 14),
            date!(2024 - 06 - 15),
            date!(2024 - 06 - 17),
            date!(2024 - 06 - 24),
            date!(2024 - 06 - 24),
            date!(2024 - 07 - 01),
            date!(2024 - 07 - 02),
        ];
        let first = at(datetime!(2024-06-01 00:00 UTC));
        for hour in 0..(21 * 24) {
            let start = first + hour * 3_600 + 59;
            for days in 1..=40 {
                assert_eq!(
                    add_working_days(start, days, &holidays),
                    reference(start, days, &holidays),
                    "start {start}, {days} days"
                );
                assert_eq!(
                    add_working_days(start, days, &[]),
                    reference(start, days, &[])
                );
            }
        }
    }

    // ---- helpers ----

    #[test]
    fn price_within_budget_accepts_up_to_the_budget() {
        assert!(price_within_budget(100_000, 100_000));
        assert!(price_within_budget(1, 100_000));
        assert!(!price_within_budget(100_001, 100_000));
        assert!(!price_within_budget(0, 100_000));
        assert!(!price_within_budget(-5, 100_000));
        assert!(!price_within_budget(1, 0));
        assert!(price_within_budget(i64::MAX, i64::MAX));
    }

    #[test]
    fn parse_points_accepts_trimmed_whole_numbers() {
        assert_eq!(parse_points("5"), Some(5));
        assert_eq!(parse_points(" 42 "), Some(42));
        assert_eq!(parse_points("\t7\n"), Some(7));
        assert_eq!(parse_points("\u{3000}3\u{3000}"), Some(3));
        assert_eq!(parse_points("0"), Some(0));
        assert_eq!(parse_points("007"), Some(7));
        assert_eq!(parse_points("2147483647"), Some(i32::MAX));
    }

    #[test]
    fn parse_points_rejects_everything_else() {
        for s in [
            "",
            "   ",
            "-1",
            "-0",
            "+1",
            "1.5",
            "1.0",
            "1 2",
            "abc",
            "12a",
            "2147483648",
            "99999999999999999999",
            "\u{ff15}",
            "٣",
        ] {
            assert_eq!(parse_points(s), None, "{s:?}");
        }
    }
}
