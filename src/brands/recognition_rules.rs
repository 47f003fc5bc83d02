//! Pure rules of annual brand recognition (品牌项目认定): the round's and a nomination's
//! states with one transition function each, the nomination window and the public notice
//! by the clock's instant, eligibility as data (each rule named when it fails), the ranked
//! shortlist, the recognition quota, certificate numbers, and the forms' validation.
//! No I/O, no clock: instants come in as arguments.

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};

/// Limits of the recognition fields.
pub mod limits {
    /// Characters in a round's title.
    pub const TITLE: usize = 120;
    /// Characters in a nomination statement, an objection, an answer or a screening note.
    pub const TEXT: usize = 2_000;
    /// Characters in a rubric criterion's name.
    pub const CRITERION: usize = 60;
    /// Criteria in a rubric (as many as a review sheet holds).
    pub const CRITERIA: usize = crate::reviews::MAX_CRITERIA;
    /// The longest public notice, in days.
    pub const NOTICE_DAYS: i32 = 60;
    /// The most years running a round may require.
    pub const MIN_YEARS: i32 = 30;
}

/// The public notice's default length in days (公示期).
pub const DEFAULT_NOTICE_DAYS: i32 = 7;

code_enum! {
    /// The level a round recognizes at.
    Level => "recog.level" {
        /// The region (自治区级): at least 10 recognitions a year is the target.
        Region = "region",
        /// One league/city (盟市级): at least 5 a year each is the target.
        League = "league",
    }
}

code_enum! {
    /// Where a round stands.
    RoundState => "recog.state" {
        /// Taking nominations (inside the window) and screening them.
        Nominating = "nominating",
        /// Screened nominations under expert review.
        Review = "review",
        /// The ranked shortlist in public notice; objections taken.
        Notice = "notice",
        /// The shortlist recognized and published; the round is over.
        Recognized = "recognized",
    }
}

/// A step of a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundStep {
    /// The window has closed: screened nominations go to expert review.
    StartReview,
    /// Review is complete: the ranked shortlist is published for public notice.
    PublishNotice,
    /// The notice has ended, every objection answered: the shortlist is recognized.
    Recognize,
}

impl RoundState {
    /// The state after a step, or `None` when the step is not allowed from here.
    pub fn apply(self, step: RoundStep) -> Option<RoundState> {
        use RoundState::*;
        match (self, step) {
            (Nominating, RoundStep::StartReview) => Some(Review),
            (Review, RoundStep::PublishNotice) => Some(Notice),
            (Notice, RoundStep::Recognize) => Some(Recognized),
            _ => None,
        }
    }

    /// Whether the public sees the round's shortlist (from the notice on).
    pub fn shortlist_public(self) -> bool {
        matches!(self, RoundState::Notice | RoundState::Recognized)
    }
}

code_enum! {
    /// Where a nomination stands.
    NominationState => "recog.nstate" {
        /// Nominated; waiting for screening.
        Nominated = "nominated",
        /// Passed screening: goes to expert review.
        Screened = "screened",
        /// Refused at screening, with a note.
        Refused = "refused",
        /// On the published shortlist (in public notice).
        Shortlisted = "shortlisted",
        /// Reviewed but not on the shortlist.
        NotShortlisted = "not_shortlisted",
        /// Taken off the shortlist: an objection was upheld.
        Struck = "struck",
        /// Recognized (品牌项目).
        Recognized = "recognized",
    }
}

/// A step of a nomination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NominationStep {
    /// Screening passed.
    Accept,
    /// Screening refused.
    Refuse,
    /// Put on the shortlist.
    Shortlist,
    /// Left off the shortlist.
    LeaveOff,
    /// An objection upheld.
    Strike,
    /// Recognized.
    Recognize,
}

impl NominationState {
    /// The state after a step, or `None` when the step is not allowed from here.
    pub fn apply(self, step: NominationStep) -> Option<NominationState> {
        use NominationState::*;
        use NominationStep as S;
        match (self, step) {
            (Nominated, S::Accept) => Some(Screened),
            (Nominated, S::Refuse) => Some(Refused),
            (Screened, S::Shortlist) => Some(Shortlisted),
            (Screened, S::LeaveOff) => Some(NotShortlisted),
            (Shortlisted, S::Strike) => Some(Struck),
            (Shortlisted, S::Recognize) => Some(Recognized),
            _ => None,
        }
    }
}

/// Whether nominations are taken at `now`: from `opens_at` (inclusive) to `closes_at`
/// (exclusive).
pub fn window_open(opens_at: i64, closes_at: i64, now: i64) -> bool {
    opens_at <= now && now < closes_at
}

/// Whether the public notice still runs at `now` (objections taken until `ends_at`,
/// exclusive).
pub fn notice_running(ends_at: Option<i64>, now: i64) -> bool {
    ends_at.is_some_and(|e| now < e)
}

/// The notice's end: `days` whole days after it starts.
pub fn notice_end(starts_at: i64, days: i32) -> i64 {
    starts_at.saturating_add(i64::from(days).saturating_mul(86_400))
}

/// A round's eligibility rules (each configurable per round).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Eligibility {
    /// The lowest rating grade (1–5 for 1A–5A; 0: no rating needed). A rating must also
    /// still be valid.
    pub min_grade: i16,
    /// The organization must be on no credit list.
    pub clean_credit: bool,
    /// The project must have run at least this many years by the round's year.
    pub min_years: i32,
}

/// What eligibility looks at, read inside the nominating transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The organization's rating grade.
    pub grade: Option<i16>,
    /// The rating is still valid on the nomination day.
    pub rating_valid: bool,
    /// The organization is on no credit list.
    pub credit_clean: bool,
    /// The organization's registration stands and is verified.
    pub registered: bool,
    /// The year the project started.
    pub started_year: i32,
    /// The project serves a place in the round's division (always true for the region).
    pub in_division: bool,
}

/// The first eligibility rule a brand fails (the message names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// The organization is not verified, or its registration has ended.
    Registration,
    /// Rated below the minimum grade, or not rated.
    Grade {
        /// The minimum grade.
        min: i16,
    },
    /// Rated, but the rating has expired.
    RatingExpired,
    /// On a credit list.
    Credit,
    /// Not running long enough.
    Years {
        /// Years required.
        min: i32,
        /// Years running.
        have: i32,
    },
    /// Serves no place in the round's league/city.
    Place,
}

impl Ineligible {
    /// The message shown next to the brand field.
    pub fn message(self, lang: Lang) -> String {
        match self {
            Ineligible::Registration => lang.t("recog.err.registration"),
            Ineligible::Grade { min } => lang.tf(
                "recog.err.grade",
                &[("grade", &crate::orgs::grade_label(min))],
            ),
            Ineligible::RatingExpired => lang.t("recog.err.rating_expired"),
            Ineligible::Credit => lang.t("recog.err.credit"),
            Ineligible::Years { min, have } => lang.tf(
                "recog.err.years",
                &[("min", &min.to_string()), ("have", &have.to_string())],
            ),
            Ineligible::Place => lang.t("recog.err.place"),
        }
    }

    /// A short code for the audit entry.
    pub fn code(self) -> &'static str {
        match self {
            Ineligible::Registration => "registration",
            Ineligible::Grade { .. } => "grade",
            Ineligible::RatingExpired => "rating_expired",
            Ineligible::Credit => "credit",
            Ineligible::Years { .. } => "years",
            Ineligible::Place => "place",
        }
    }
}

/// Years a project started in `started` has run by `year`.
pub fn years_running(started: i32, year: i32) -> i32 {
    (year - started).max(0)
}

/// Checks a candidate against a round's rules, in a fixed order, naming the first failed.
pub fn check_eligibility(e: &Eligibility, year: i32, c: &Candidate) -> Result<(), Ineligible> {
    if !c.registered {
        return Err(Ineligible::Registration);
    }
    if !c.in_division {
        return Err(Ineligible::Place);
    }
    if e.min_grade > 0 {
        match c.grade {
            Some(g) if g >= e.min_grade => {
                if !c.rating_valid {
                    return Err(Ineligible::RatingExpired);
                }
            }
            _ => return Err(Ineligible::Grade { min: e.min_grade }),
        }
    }
    if e.clean_credit && !c.credit_clean {
        return Err(Ineligible::Credit);
    }
    let have = years_running(c.started_year, year);
    if have < e.min_years {
        return Err(Ineligible::Years {
            min: e.min_years,
            have,
        });
    }
    Ok(())
}

/// Nominations ranked by their review totals (milli-points, highest first; ties by the
/// earlier nomination); those without a total come last, unranked. Returns `(id, rank)`.
pub fn rank(entries: &[(i64, Option<i64>)]) -> Vec<(i64, Option<i32>)> {
    let mut scored: Vec<(i64, i64)> = entries
        .iter()
        .filter_map(|(id, t)| t.map(|t| (*id, t)))
        .collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<(i64, Option<i32>)> = scored
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, Some(i32::try_from(i + 1).unwrap_or(i32::MAX))))
        .collect();
    let mut rest: Vec<i64> = entries
        .iter()
        .filter(|(_, t)| t.is_none())
        .map(|(id, _)| *id)
        .collect();
    rest.sort_unstable();
    out.extend(rest.into_iter().map(|id| (id, None)));
    out
}

/// How many places a shortlist has: the round's maximum less what the level's division
/// already recognized this year (every ranked nomination when no maximum is set).
pub fn places_left(max: Option<i32>, already: i64) -> Option<i64> {
    max.map(|m| (i64::from(m) - already).max(0))
}

/// The shortlist: the ranked nominations with a total, the best first, up to `places`.
pub fn shortlist(ranked: &[(i64, Option<i32>)], places: Option<i64>) -> Vec<i64> {
    let with_rank = ranked
        .iter()
        .filter(|(_, r)| r.is_some())
        .map(|(id, _)| *id);
    match places {
        Some(n) => with_rank
            .take(usize::try_from(n).unwrap_or(usize::MAX))
            .collect(),
        None => with_rank.collect(),
    }
}

/// The recognition quota, checked again inside the recognizing transaction: with a
/// maximum, `already` recognized this year at this level and division plus `adding` may
/// not pass it. The policy's 10/5 a year are targets, never caps.
pub fn quota_ok(max: Option<i32>, already: i64, adding: i64) -> bool {
    max.is_none_or(|m| already.saturating_add(adding) <= i64::from(m))
}

/// A certificate's number: year, division and the sequence within them, e.g.
/// `PP-2026-150000-003`.
pub fn certificate_no(year: i32, division: &str, seq: i64) -> String {
    format!("PP-{year}-{division}-{seq:03}")
}

/// The new-round form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RoundForm {
    /// Title.
    pub title: String,
    /// Year recognized.
    pub year: String,
    /// `Level` code.
    pub level: String,
    /// League/city code (league level).
    pub league: String,
    /// Window opens (datetime-local).
    pub opens_at: String,
    /// Window closes (datetime-local).
    pub closes_at: String,
    /// Minimum grade, 0–5.
    pub min_grade: String,
    /// "1" when clean credit is required.
    pub clean_credit: String,
    /// Minimum years running.
    pub min_years: String,
    /// Maximum recognitions (empty: none).
    pub max_recognitions: String,
    /// Public notice in days.
    pub notice_days: String,
    /// Rubric criteria names.
    pub criterion_name: Vec<String>,
    /// Rubric criteria weights (percent).
    pub criterion_weight: Vec<String>,
    /// Reviewers' user ids.
    pub reviewer: Vec<String>,
}

/// A validated round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundDraft {
    /// Title.
    pub title: String,
    /// Year.
    pub year: i32,
    /// Level.
    pub level: Level,
    /// Division code: the region's or the league/city's.
    pub division: String,
    /// Window.
    pub opens_at: i64,
    /// Window end.
    pub closes_at: i64,
    /// Eligibility rules.
    pub rules: Eligibility,
    /// Maximum recognitions this year at this level and division.
    pub max_recognitions: Option<i32>,
    /// Public notice in days.
    pub notice_days: i32,
    /// Rubric: names and weights summing to 100.
    pub rubric: Vec<(String, i16)>,
    /// Reviewers (evaluators).
    pub reviewers: Vec<i64>,
}

fn int_in<T: std::str::FromStr + PartialOrd>(s: &str, lo: T, hi: T) -> Option<T> {
    s.trim().parse::<T>().ok().filter(|v| *v >= lo && *v <= hi)
}

/// Validates the new-round form. `evaluators`: the users holding the evaluator role;
/// `leagues`: the league/city codes; `year_now`: the current year.
pub fn validate_round(
    f: &RoundForm,
    evaluators: &[i64],
    leagues: &[String],
    year_now: i32,
    lang: Lang,
) -> Result<RoundDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    if text::check(&mut e, "title", &f.title, Kind::Line, limits::TITLE, lang)
        && f.title.trim().is_empty()
    {
        e.add("title", lang.t("recog.err.title"));
    }
    let year = int_in(&f.year, year_now - 1, year_now + 1);
    if year.is_none() {
        e.add("year", lang.t("recog.err.year"));
    }
    let level = Level::parse(f.level.trim());
    let division = match level {
        Some(Level::Region) => Some(crate::regions::REGION_CODE.to_string()),
        Some(Level::League) => {
            let l = f.league.trim();
            if leagues.iter().any(|c| c == l) {
                Some(l.to_string())
            } else {
                e.add("league", lang.t("recog.err.league"));
                None
            }
        }
        None => {
            e.add("level", lang.t("recog.err.level"));
            None
        }
    };
    let opens = crate::kernel::clock::parse_local(&f.opens_at);
    let closes = crate::kernel::clock::parse_local(&f.closes_at);
    if opens.is_none() {
        e.add("opens_at", lang.t("recog.err.instant"));
    }
    match (opens, closes) {
        (_, None) => e.add("closes_at", lang.t("recog.err.instant")),
        (Some(o), Some(c)) if c <= o => e.add("closes_at", lang.t("recog.err.window")),
        _ => {}
    }
    let min_grade = int_in::<i16>(&f.min_grade, 0, 5);
    if min_grade.is_none() {
        e.add("min_grade", lang.t("recog.err.grade_field"));
    }
    let min_years = int_in::<i32>(&f.min_years, 0, limits::MIN_YEARS);
    if min_years.is_none() {
        e.add("min_years", lang.t("recog.err.min_years"));
    }
    let max_recognitions = if f.max_recognitions.trim().is_empty() {
        Some(None)
    } else {
        int_in::<i32>(&f.max_recognitions, 1, 1_000).map(Some)
    };
    if max_recognitions.is_none() {
        e.add("max_recognitions", lang.t("recog.err.max"));
    }
    let notice_days = if f.notice_days.trim().is_empty() {
        Some(DEFAULT_NOTICE_DAYS)
    } else {
        int_in::<i32>(&f.notice_days, 1, limits::NOTICE_DAYS)
    };
    if notice_days.is_none() {
        e.add("notice_days", lang.t("recog.err.notice_days"));
    }
    let mut rubric: Vec<(String, i16)> = Vec::new();
    let n = f.criterion_name.len().max(f.criterion_weight.len());
    for i in 0..n {
        let name = f.criterion_name.get(i).map_or("", |s| s.as_str());
        let weight = f.criterion_weight.get(i).map_or("", |s| s.as_str());
        if name.trim().is_empty() && weight.trim().is_empty() {
            continue;
        }
        if !text::check(&mut e, "rubric", name, Kind::Line, limits::CRITERION, lang) {
            continue;
        }
        match int_in::<i16>(weight, 1, 100) {
            Some(w) if !name.trim().is_empty() => rubric.push((name.trim().to_string(), w)),
            _ => {
                if e.get("rubric").is_none() {
                    e.add("rubric", lang.t("recog.err.criterion"));
                }
            }
        }
    }
    if e.get("rubric").is_none() {
        let sum: i32 = rubric.iter().map(|(_, w)| i32::from(*w)).sum();
        if rubric.is_empty() || rubric.len() > limits::CRITERIA || sum != 100 {
            e.add(
                "rubric",
                lang.tf("recog.err.rubric", &[("sum", &sum.to_string())]),
            );
        }
    }
    let mut reviewers: Vec<i64> = Vec::new();
    for r in &f.reviewer {
        match r
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| evaluators.contains(id))
        {
            Some(id) if !reviewers.contains(&id) => reviewers.push(id),
            Some(_) => {}
            None => {
                if e.get("reviewer").is_none() {
                    e.add("reviewer", lang.t("recog.err.reviewer"));
                }
            }
        }
    }
    if reviewers.is_empty() && e.get("reviewer").is_none() {
        e.add("reviewer", lang.t("recog.err.no_reviewer"));
    }
    match (
        year,
        level,
        division,
        opens,
        closes,
        min_grade,
        min_years,
        max_recognitions,
        notice_days,
    ) {
        (
            Some(year),
            Some(level),
            Some(division),
            Some(opens_at),
            Some(closes_at),
            Some(min_grade),
            Some(min_years),
            Some(max_recognitions),
            Some(notice_days),
        ) if e.is_empty() => Ok(RoundDraft {
            title: f.title.trim().to_string(),
            year,
            level,
            division,
            opens_at,
            closes_at,
            rules: Eligibility {
                min_grade,
                clean_credit: f.clean_credit.trim() == "1",
                min_years,
            },
            max_recognitions,
            notice_days,
            rubric,
            reviewers,
        }),
        _ => Err(e),
    }
}

/// The nomination form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NominationForm {
    /// The brand's id.
    pub brand: String,
    /// The purchasing unit nominating (empty: the brand's own organization).
    pub unit: String,
    /// Why this brand.
    pub statement: String,
}

/// A validated nomination: brand, unit (if a unit nominates) and statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationDraft {
    /// Brand id.
    pub brand: i64,
    /// Nominating unit.
    pub unit: Option<i64>,
    /// Statement.
    pub statement: String,
}

/// Validates the nomination form's shape (who may nominate what is decided with the rows).
pub fn validate_nomination(f: &NominationForm, lang: Lang) -> Result<NominationDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let brand = f.brand.trim().parse::<i64>().ok().filter(|i| *i > 0);
    if brand.is_none() {
        e.add("brand", lang.t("recog.err.brand"));
    }
    let unit = if f.unit.trim().is_empty() {
        Some(None)
    } else {
        f.unit
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|i| *i > 0)
            .map(Some)
    };
    if unit.is_none() {
        e.add("unit", lang.t("recog.err.unit"));
    }
    if text::check(
        &mut e,
        "statement",
        &f.statement,
        Kind::Multi,
        limits::TEXT,
        lang,
    ) && f.statement.trim().is_empty()
    {
        e.add("statement", lang.t("recog.err.statement"));
    }
    match (brand, unit) {
        (Some(brand), Some(unit)) if e.is_empty() => Ok(NominationDraft {
            brand,
            unit,
            statement: f.statement.trim().to_string(),
        }),
        _ => Err(e),
    }
}

/// A required free text (objection reasons, answer, screening note): trimmed, checked.
pub fn validate_text(
    value: &str,
    field: &'static str,
    empty_key: &str,
    lang: Lang,
) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    if text::check(&mut e, field, value, Kind::Multi, limits::TEXT, lang) && value.trim().is_empty()
    {
        e.add(field, lang.t(empty_key));
    }
    e.into_result(value.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand() -> Candidate {
        Candidate {
            grade: Some(4),
            rating_valid: true,
            credit_clean: true,
            registered: true,
            started_year: 2020,
            in_division: true,
        }
    }

    const RULES: Eligibility = Eligibility {
        min_grade: 3,
        clean_credit: true,
        min_years: 3,
    };

    #[test]
    fn round_steps_go_one_way() {
        use RoundState::*;
        use RoundStep::*;
        assert_eq!(Nominating.apply(StartReview), Some(Review));
        assert_eq!(Review.apply(PublishNotice), Some(Notice));
        assert_eq!(Notice.apply(Recognize), Some(Recognized));
        for s in RoundState::ALL {
            for step in [StartReview, PublishNotice, Recognize] {
                let legal = matches!(
                    (s, step),
                    (Nominating, StartReview) | (Review, PublishNotice) | (Notice, Recognize)
                );
                assert_eq!(s.apply(step).is_some(), legal, "{s:?} {step:?}");
            }
        }
        assert!(!Review.shortlist_public());
        assert!(Notice.shortlist_public());
    }

    #[test]
    fn nomination_steps() {
        use NominationState::*;
        use NominationStep as S;
        assert_eq!(Nominated.apply(S::Accept), Some(Screened));
        assert_eq!(Nominated.apply(S::Refuse), Some(Refused));
        assert_eq!(Refused.apply(S::Accept), None);
        assert_eq!(Screened.apply(S::Shortlist), Some(Shortlisted));
        assert_eq!(Screened.apply(S::LeaveOff), Some(NotShortlisted));
        assert_eq!(Shortlisted.apply(S::Strike), Some(Struck));
        assert_eq!(Shortlisted.apply(S::Recognize), Some(Recognized));
        assert_eq!(Struck.apply(S::Recognize), None);
        assert_eq!(Recognized.apply(S::Strike), None);
        assert_eq!(NotShortlisted.apply(S::Recognize), None);
    }

    #[test]
    fn window_and_notice_edges() {
        assert!(!window_open(100, 200, 99));
        assert!(window_open(100, 200, 100));
        assert!(window_open(100, 200, 199));
        assert!(!window_open(100, 200, 200));
        let end = notice_end(1_000, 7);
        assert_eq!(end, 1_000 + 7 * 86_400);
        assert!(notice_running(Some(end), end - 1));
        assert!(!notice_running(Some(end), end));
        assert!(!notice_running(None, 0));
    }

    #[test]
    fn eligibility_names_the_rule() {
        assert_eq!(check_eligibility(&RULES, 2026, &cand()), Ok(()));
        let c = |f: fn(&mut Candidate)| {
            let mut c = cand();
            f(&mut c);
            check_eligibility(&RULES, 2026, &c)
        };
        assert_eq!(c(|c| c.registered = false), Err(Ineligible::Registration));
        assert_eq!(c(|c| c.in_division = false), Err(Ineligible::Place));
        assert_eq!(c(|c| c.grade = Some(2)), Err(Ineligible::Grade { min: 3 }));
        assert_eq!(c(|c| c.grade = None), Err(Ineligible::Grade { min: 3 }));
        assert_eq!(c(|c| c.grade = Some(3)), Ok(()));
        assert_eq!(
            c(|c| c.rating_valid = false),
            Err(Ineligible::RatingExpired)
        );
        assert_eq!(c(|c| c.credit_clean = false), Err(Ineligible::Credit));
        assert_eq!(
            c(|c| c.started_year = 2024),
            Err(Ineligible::Years { min: 3, have: 2 })
        );
        assert_eq!(c(|c| c.started_year = 2023), Ok(()));
        // A project "started" after the round's year has run no years, never negative.
        assert_eq!(
            c(|c| c.started_year = 2030),
            Err(Ineligible::Years { min: 3, have: 0 })
        );
        // Rules switched off let everything through but registration and place.
        let none = Eligibility::default();
        let mut bad = cand();
        bad.grade = None;
        bad.credit_clean = false;
        bad.started_year = 2026;
        assert_eq!(check_eligibility(&none, 2026, &bad), Ok(()));
        for i in [
            Ineligible::Registration,
            Ineligible::Grade { min: 3 },
            Ineligible::RatingExpired,
            Ineligible::Credit,
            Ineligible::Years { min: 3, have: 1 },
            Ineligible::Place,
        ] {
            assert!(!i.message(Lang::Zh).starts_with("recog."), "{i:?}");
            assert!(!i.message(Lang::En).starts_with("recog."), "{i:?}");
        }
    }

    #[test]
    fn ranking_shortlist_and_quota() {
        let r = rank(&[
            (1, Some(3_000)),
            (2, None),
            (3, Some(4_500)),
            (4, Some(3_000)),
        ]);
        assert_eq!(r, vec![(3, Some(1)), (1, Some(2)), (4, Some(3)), (2, None)]);
        assert_eq!(shortlist(&r, None), vec![3, 1, 4]);
        assert_eq!(shortlist(&r, Some(2)), vec![3, 1]);
        assert_eq!(shortlist(&r, Some(0)), Vec::<i64>::new());
        assert_eq!(places_left(Some(5), 3), Some(2));
        assert_eq!(places_left(Some(5), 7), Some(0));
        assert_eq!(places_left(None, 7), None);
        assert!(quota_ok(None, 100, 100));
        assert!(quota_ok(Some(5), 3, 2));
        assert!(!quota_ok(Some(5), 4, 2));
        assert_eq!(certificate_no(2026, "150000", 3), "PP-2026-150000-003");
    }

    fn round_form() -> RoundForm {
        RoundForm {
            title: "2026年度自治区品牌项目认定".into(),
            year: "2026".into(),
            level: "league".into(),
            league: "150100".into(),
            opens_at: "2026-11-01T09:00".into(),
            closes_at: "2026-11-30T17:00".into(),
            min_grade: "3".into(),
            clean_credit: "1".into(),
            min_years: "3".into(),
            max_recognitions: String::new(),
            notice_days: String::new(),
            criterion_name: vec!["成效".into(), "创新".into()],
            criterion_weight: vec!["60".into(), "40".into()],
            reviewer: vec!["9".into()],
        }
    }

    #[test]
    fn round_form_validates() {
        let leagues = vec!["150100".to_string()];
        let d = validate_round(&round_form(), &[9], &leagues, 2026, Lang::Zh).unwrap();
        assert_eq!(d.level, Level::League);
        assert_eq!(d.division, "150100");
        assert_eq!(d.notice_days, DEFAULT_NOTICE_DAYS);
        assert_eq!(d.max_recognitions, None);
        assert!(d.rules.clean_credit);
        type Change = Box<dyn Fn(&mut RoundForm)>;
        let bad: Vec<(&str, Change)> = vec![
            ("title", Box::new(|f| f.title = " ".into())),
            ("year", Box::new(|f| f.year = "1990".into())),
            ("level", Box::new(|f| f.level = "county".into())),
            ("league", Box::new(|f| f.league = "999999".into())),
            ("opens_at", Box::new(|f| f.opens_at = "tomorrow".into())),
            (
                "closes_at",
                Box::new(|f| f.closes_at = "2026-10-01T00:00".into()),
            ),
            ("min_grade", Box::new(|f| f.min_grade = "6".into())),
            ("min_years", Box::new(|f| f.min_years = "-1".into())),
            (
                "max_recognitions",
                Box::new(|f| f.max_recognitions = "0".into()),
            ),
            ("notice_days", Box::new(|f| f.notice_days = "0".into())),
            ("rubric", Box::new(|f| f.criterion_weight[1] = "30".into())),
            ("rubric", Box::new(|f| f.criterion_name[0] = String::new())),
            ("reviewer", Box::new(|f| f.reviewer = vec!["8".into()])),
            ("reviewer", Box::new(|f| f.reviewer = vec![])),
        ];
        for (field, change) in bad {
            let mut f = round_form();
            change(&mut f);
            let e = validate_round(&f, &[9], &leagues, 2026, Lang::En).unwrap_err();
            assert!(e.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn nomination_and_texts_validate() {
        let f = NominationForm {
            brand: "4".into(),
            unit: String::new(),
            statement: "连续五年服务社区老人".into(),
        };
        assert_eq!(
            validate_nomination(&f, Lang::Zh).unwrap(),
            NominationDraft {
                brand: 4,
                unit: None,
                statement: "连续五年服务社区老人".into()
            }
        );
        let mut g = f.clone();
        g.brand = "x".into();
        g.unit = "-2".into();
        g.statement = " ".into();
        let e = validate_nomination(&g, Lang::Zh).unwrap_err();
        for k in ["brand", "unit", "statement"] {
            assert!(e.get(k).is_some(), "{k}");
        }
        assert!(validate_text("  ", "reasons", "recog.err.reasons", Lang::Zh).is_err());
        assert!(validate_text("a\u{0}b", "reasons", "recog.err.reasons", Lang::Zh).is_err());
        assert_eq!(
            validate_text(" 材料不实 ", "reasons", "recog.err.reasons", Lang::Zh).unwrap(),
            "材料不实"
        );
    }
}
