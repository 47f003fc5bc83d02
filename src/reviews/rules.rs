//! Pure rules of the reviews room: what is reviewed (`SubjectKind`), a reviewer's sheet
//! (per criterion a score 0–5 or n/a and a comment, a recommendation, the no-conflict
//! declaration), its validation as a draft or for submission, and the arithmetic the
//! organizer reads: averages with n/a left out and weighted totals, all in exact integer
//! milli-points (1 point = 1000), rounded half up once, at the end.

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};

/// Limits of the room's fields.
pub mod limits {
    /// Characters in one criterion's comment.
    pub const COMMENT: usize = 2_000;
    /// Characters in a replacement's reason.
    pub const REASON: usize = 500;
    /// Criteria on a sheet (as many as a call's rubric may hold).
    pub const CRITERIA: usize = 12;
    /// The highest score of a criterion.
    pub const MAX_POINTS: i16 = 5;
}

/// The form field of criterion `i`'s score and comment (static, as errors name fields).
pub const SCORE_FIELDS: [&str; limits::CRITERIA] = [
    "score_0", "score_1", "score_2", "score_3", "score_4", "score_5", "score_6", "score_7",
    "score_8", "score_9", "score_10", "score_11",
];
/// The form field of criterion `i`'s comment.
pub const COMMENT_FIELDS: [&str; limits::CRITERIA] = [
    "comment_0",
    "comment_1",
    "comment_2",
    "comment_3",
    "comment_4",
    "comment_5",
    "comment_6",
    "comment_7",
    "comment_8",
    "comment_9",
    "comment_10",
    "comment_11",
];

code_enum! {
    /// What a review round scores. A brand nomination (issue 14) is another;
    /// the room never looks inside a subject, its owner passes what the room needs.
    SubjectKind => "review.subject" {
        /// An application (proposal) to a venture-philanthropy call.
        Proposal = "proposal",
        /// A brand nominated to an annual recognition round (品牌项目认定, issue 14).
        BrandNomination = "brand_nomination",
    }
}

code_enum! {
    /// A reviewer's overall recommendation.
    Recommendation => "review.rec" {
        /// Fund it.
        Yes = "yes",
        /// Fund it with changes, or only if money remains.
        Maybe = "maybe",
        /// Do not fund it.
        No = "no",
    }
}

code_enum! {
    /// Where a reviewer's sheet stands.
    SheetState => "review.state" {
        /// Assigned; nothing saved yet.
        Assigned = "assigned",
        /// Saved as a draft (only its reviewer sees it).
        Draft = "draft",
        /// Submitted: read-only, counted in the totals.
        Submitted = "submitted",
    }
}

impl SheetState {
    /// Whether the sheet may still be changed.
    pub fn editable(self) -> bool {
        self != SheetState::Submitted
    }
}

/// One criterion of a rubric snapshot: its name and weight in percent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Criterion {
    /// The criterion's name.
    pub name: String,
    /// Its weight in percent (the rubric's weights sum to 100).
    pub weight: i16,
}

/// One cell's mark: points, or not applicable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Whole points, 0 to [`limits::MAX_POINTS`].
    Points(i16),
    /// The criterion does not apply to this subject: left out of every average.
    NotApplicable,
}

impl Mark {
    /// The mark as typed in the form: `na` or the points.
    pub fn code(self) -> String {
        match self {
            Mark::Points(p) => p.to_string(),
            Mark::NotApplicable => "na".into(),
        }
    }

    /// The points, if any.
    pub fn points(self) -> Option<i16> {
        match self {
            Mark::Points(p) => Some(p),
            Mark::NotApplicable => None,
        }
    }
}

/// A validated sheet: per criterion a mark (`None`: left empty in a draft) and a comment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheet {
    /// Per criterion, in rubric order.
    pub cells: Vec<(Option<Mark>, String)>,
    /// The recommendation, if chosen.
    pub recommendation: Option<Recommendation>,
    /// The reviewer declared no conflict of interest with the subject.
    pub declared: bool,
}

/// The sheet form as typed: `score_{i}`, `comment_{i}`, `recommendation`, `declared`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetForm {
    /// Per criterion: the score as typed and the comment.
    pub cells: Vec<(String, String)>,
    /// The recommendation's code, as typed.
    pub recommendation: String,
    /// The declaration box was ticked.
    pub declared: bool,
}

impl SheetForm {
    /// Reads the posted pairs for a rubric of `n` criteria (unknown names are ignored).
    pub fn from_pairs(pairs: &[(String, String)], n: usize) -> SheetForm {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        SheetForm {
            cells: (0..n.min(limits::CRITERIA))
                .map(|i| (get(SCORE_FIELDS[i]), get(COMMENT_FIELDS[i])))
                .collect(),
            recommendation: get("recommendation"),
            declared: !get("declared").trim().is_empty(),
        }
    }

    /// The form showing a saved sheet.
    pub fn of(sheet: &Sheet) -> SheetForm {
        SheetForm {
            cells: sheet
                .cells
                .iter()
                .map(|(m, c)| (m.map(Mark::code).unwrap_or_default(), c.clone()))
                .collect(),
            recommendation: sheet
                .recommendation
                .map(|r| r.code().to_string())
                .unwrap_or_default(),
            declared: sheet.declared,
        }
    }
}

/// A typed score that is neither empty, `na`, nor whole points 0–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadMark;

/// Reads one typed score: empty, `n/a`, or whole points 0–5 (`Err`: anything else).
pub fn parse_mark(s: &str) -> Result<Option<Mark>, BadMark> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.eq_ignore_ascii_case("na") || s.eq_ignore_ascii_case("n/a") {
        return Ok(Some(Mark::NotApplicable));
    }
    match s.parse::<i16>() {
        Ok(p) if (0..=limits::MAX_POINTS).contains(&p) => Ok(Some(Mark::Points(p))),
        _ => Err(BadMark),
    }
}

/// Checks a sheet for a rubric of `n` criteria: every typed score must be valid and every
/// comment within its limits; to submit, every criterion must be marked (at least one with
/// points), a recommendation chosen and the declaration made. Errors name the cell.
pub fn validate_sheet(
    f: &SheetForm,
    n: usize,
    submit: bool,
    lang: Lang,
) -> Result<Sheet, FieldErrors> {
    let mut e = FieldErrors::default();
    let mut cells = Vec::new();
    for i in 0..n.min(limits::CRITERIA) {
        let (score, comment) = f.cells.get(i).cloned().unwrap_or_default();
        let mark = match parse_mark(&score) {
            Ok(m) => m,
            Err(BadMark) => {
                e.add(SCORE_FIELDS[i], lang.t("review.err.score"));
                None
            }
        };
        if mark.is_none() && submit && e.get(SCORE_FIELDS[i]).is_none() {
            e.add(SCORE_FIELDS[i], lang.t("review.err.score_missing"));
        }
        text::check(
            &mut e,
            COMMENT_FIELDS[i],
            &comment,
            Kind::Multi,
            limits::COMMENT,
            lang,
        );
        cells.push((mark, comment.trim().to_string()));
    }
    if submit
        && e.is_empty()
        && !cells.is_empty()
        && cells.iter().all(|(m, _)| *m == Some(Mark::NotApplicable))
    {
        e.add(SCORE_FIELDS[0], lang.t("review.err.all_na"));
    }
    let rec = f.recommendation.trim();
    let recommendation = if rec.is_empty() {
        if submit {
            e.add("recommendation", lang.t("review.err.recommendation"));
        }
        None
    } else {
        let r = Recommendation::parse(rec);
        if r.is_none() {
            e.add("recommendation", lang.t("review.err.recommendation"));
        }
        r
    };
    if submit && !f.declared {
        e.add("declared", lang.t("review.err.declared"));
    }
    e.into_result(Sheet {
        cells,
        recommendation,
        declared: f.declared,
    })
}

/// Divides rounding half up (both non-negative; `None` when dividing by zero).
fn div_round(n: i64, d: i64) -> Option<i64> {
    (d > 0).then(|| (2 * n + d) / (2 * d))
}

/// The average of the points given, n/a and empty cells left out, in milli-points (`None`
/// when nobody gave points).
pub fn average_milli(marks: &[Option<Mark>]) -> Option<i64> {
    let points: Vec<i64> = marks
        .iter()
        .filter_map(|m| m.and_then(Mark::points))
        .map(i64::from)
        .collect();
    div_round(points.iter().sum::<i64>() * 1000, points.len() as i64)
}

/// A sheet's weighted total in milli-points on the 0–5 scale: Σ points × weight over the
/// criteria with points, divided by the sum of their weights, so an n/a criterion's weight
/// is shared among the others (`None` when no criterion has points).
pub fn weighted_milli(criteria: &[Criterion], marks: &[Option<Mark>]) -> Option<i64> {
    let (num, den) = criteria
        .iter()
        .zip(marks)
        .filter_map(|(c, m)| m.and_then(Mark::points).map(|p| (c.weight, p)))
        .fold((0i64, 0i64), |(n, d), (w, p)| {
            (n + i64::from(w) * i64::from(p), d + i64::from(w))
        });
    div_round(num * 1000, den)
}

/// The mean of several milli-point values (`None` for none).
pub fn mean_milli(values: &[i64]) -> Option<i64> {
    div_round(values.iter().sum(), values.len() as i64)
}

/// Milli-points as shown: two decimals, rounded half up (3450 → "3.45", 3455 → "3.46").
pub fn show_milli(m: i64) -> String {
    let centi = (m + 5) / 10;
    format!("{}.{:02}", centi / 100, centi % 100)
}

/// How many reviewers recommended what.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecCounts {
    /// Yes.
    pub yes: usize,
    /// Maybe.
    pub maybe: usize,
    /// No.
    pub no: usize,
}

/// Counts the recommendations given.
pub fn count_recommendations(recs: &[Option<Recommendation>]) -> RecCounts {
    let mut c = RecCounts::default();
    for r in recs.iter().flatten() {
        match r {
            Recommendation::Yes => c.yes += 1,
            Recommendation::Maybe => c.maybe += 1,
            Recommendation::No => c.no += 1,
        }
    }
    c
}

/// Whether a subject may leave review: at least `required` sheets submitted and none
/// pending among those assigned (`Err`: how many are submitted).
pub fn review_complete(states: &[SheetState], required: usize) -> Result<(), usize> {
    let submitted = states
        .iter()
        .filter(|s| **s == SheetState::Submitted)
        .count();
    if submitted >= required && submitted == states.len() {
        Ok(())
    } else {
        Err(submitted)
    }
}

/// Checks a replacement's reason (required, one paragraph).
pub fn validate_reason(reason: &str, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    if reason.trim().is_empty() {
        e.add("reason", lang.t("review.err.reason"));
    } else {
        text::check(&mut e, "reason", reason, Kind::Multi, limits::REASON, lang);
    }
    e.into_result(reason.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Lang = Lang::En;

    fn crit(w: &[i16]) -> Vec<Criterion> {
        w.iter()
            .enumerate()
            .map(|(i, w)| Criterion {
                name: format!("c{i}"),
                weight: *w,
            })
            .collect()
    }

    fn form(scores: &[&str], rec: &str, declared: bool) -> SheetForm {
        SheetForm {
            cells: scores
                .iter()
                .map(|s| (s.to_string(), String::new()))
                .collect(),
            recommendation: rec.into(),
            declared,
        }
    }

    #[test]
    fn marks_parse_0_to_5_and_na_only() {
        for p in 0..=5 {
            assert_eq!(parse_mark(&p.to_string()), Ok(Some(Mark::Points(p))));
        }
        assert_eq!(parse_mark(" 3 "), Ok(Some(Mark::Points(3))));
        assert_eq!(parse_mark(""), Ok(None));
        assert_eq!(parse_mark("  "), Ok(None));
        assert_eq!(parse_mark("na"), Ok(Some(Mark::NotApplicable)));
        assert_eq!(parse_mark("N/A"), Ok(Some(Mark::NotApplicable)));
        for bad in ["6", "-1", "abc", "2.5", "1e1", "５", "99999999999"] {
            assert_eq!(parse_mark(bad), Err(BadMark), "{bad}");
        }
    }

    #[test]
    fn a_draft_may_be_partial_but_not_wrong() {
        let s = validate_sheet(&form(&["4", "", "na"], "", false), 3, false, L).unwrap();
        assert_eq!(
            s.cells.iter().map(|c| c.0).collect::<Vec<_>>(),
            vec![Some(Mark::Points(4)), None, Some(Mark::NotApplicable)]
        );
        assert_eq!(s.recommendation, None);
        let e = validate_sheet(&form(&["6", "-1", "abc"], "", false), 3, false, L).unwrap_err();
        for f in ["score_0", "score_1", "score_2"] {
            assert!(e.get(f).is_some(), "{f}");
        }
        let e = validate_sheet(&form(&["1"], "perhaps", false), 1, false, L).unwrap_err();
        assert!(e.get("recommendation").is_some());
    }

    #[test]
    fn submitting_needs_every_mark_a_recommendation_and_the_declaration() {
        let ok = validate_sheet(&form(&["4", "na"], "yes", true), 2, true, L).unwrap();
        assert_eq!(ok.recommendation, Some(Recommendation::Yes));
        assert!(ok.declared);
        let e = validate_sheet(&form(&["4", ""], "", false), 2, true, L).unwrap_err();
        assert!(e.get("score_0").is_none());
        assert!(e.get("score_1").is_some());
        assert!(e.get("recommendation").is_some());
        assert!(e.get("declared").is_some());
        let e = validate_sheet(&form(&["na", "na"], "no", true), 2, true, L).unwrap_err();
        assert!(e.get("score_0").is_some(), "all n/a scores nothing");
    }

    #[test]
    fn overlong_or_control_comments_are_refused() {
        let mut f = form(&["3"], "yes", true);
        f.cells[0].1 = "x".repeat(limits::COMMENT + 1);
        assert!(
            validate_sheet(&f, 1, false, L)
                .unwrap_err()
                .get("comment_0")
                .is_some()
        );
        f.cells[0].1 = "a\u{0}b".into();
        assert!(
            validate_sheet(&f, 1, false, L)
                .unwrap_err()
                .get("comment_0")
                .is_some()
        );
        f.cells[0].1 = "good\nwork".into();
        assert!(validate_sheet(&f, 1, false, L).is_ok());
    }

    #[test]
    fn the_form_round_trips_through_pairs() {
        let pairs: Vec<(String, String)> = [
            ("score_0", "5"),
            ("comment_0", "fine"),
            ("score_1", "na"),
            ("recommendation", "maybe"),
            ("declared", "1"),
            ("score_12", "3"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let f = SheetForm::from_pairs(&pairs, 2);
        assert_eq!(
            f.cells,
            vec![("5".into(), "fine".into()), ("na".into(), String::new())]
        );
        let s = validate_sheet(&f, 2, true, L).unwrap();
        assert_eq!(SheetForm::of(&s), f);
        assert!(!SheetForm::from_pairs(&[], 1).declared);
    }

    #[test]
    fn averages_leave_out_na_and_empty() {
        use Mark::*;
        assert_eq!(
            average_milli(&[Some(Points(4)), Some(NotApplicable)]),
            Some(4000)
        );
        assert_eq!(
            average_milli(&[Some(Points(4)), Some(Points(3))]),
            Some(3500)
        );
        assert_eq!(
            average_milli(&[Some(Points(1)), Some(Points(1)), Some(Points(2))]),
            Some(1333)
        );
        assert_eq!(
            average_milli(&[Some(Points(2)), Some(Points(2)), Some(Points(1))]),
            Some(1667)
        );
        assert_eq!(average_milli(&[None, Some(NotApplicable)]), None);
        assert_eq!(average_milli(&[]), None);
        assert_eq!(average_milli(&[Some(Points(0))]), Some(0));
    }

    #[test]
    fn weighted_totals_share_an_na_weight_among_the_rest() {
        use Mark::*;
        let c = crit(&[30, 40, 30]);
        assert_eq!(
            weighted_milli(&c, &[Some(Points(5)), Some(Points(5)), Some(Points(5))]),
            Some(5000)
        );
        // 0.3×4 + 0.4×3 + 0.3×2 = 3.0
        assert_eq!(
            weighted_milli(&c, &[Some(Points(4)), Some(Points(3)), Some(Points(2))]),
            Some(3000)
        );
        // n/a on the 40%: (30×4 + 30×2) / 60 = 3.0, not 1.8
        assert_eq!(
            weighted_milli(&c, &[Some(Points(4)), Some(NotApplicable), Some(Points(2))]),
            Some(3000)
        );
        // (30×5 + 40×4) / 70 = 4.428…
        assert_eq!(
            weighted_milli(&c, &[Some(Points(5)), Some(Points(4)), None]),
            Some(4429)
        );
        assert_eq!(weighted_milli(&c, &[Some(NotApplicable), None, None]), None);
        assert_eq!(weighted_milli(&c, &[]), None);
        // Every total stays on the 0–5 scale.
        for a in 0..=5 {
            for b in 0..=5 {
                let t =
                    weighted_milli(&c, &[Some(Points(a)), Some(Points(b)), Some(NotApplicable)])
                        .unwrap();
                assert!((0..=5000).contains(&t));
            }
        }
    }

    #[test]
    fn means_and_display_round_half_up_once() {
        assert_eq!(mean_milli(&[3000, 4000]), Some(3500));
        assert_eq!(mean_milli(&[1000, 1000, 1001]), Some(1000));
        assert_eq!(mean_milli(&[]), None);
        assert_eq!(show_milli(3450), "3.45");
        assert_eq!(show_milli(3455), "3.46");
        assert_eq!(show_milli(4000), "4.00");
        assert_eq!(show_milli(0), "0.00");
        assert_eq!(show_milli(4995), "5.00");
    }

    #[test]
    fn recommendations_are_counted() {
        use Recommendation::*;
        let c = count_recommendations(&[Some(Yes), Some(No), None, Some(Yes), Some(Maybe)]);
        assert_eq!(
            c,
            RecCounts {
                yes: 2,
                maybe: 1,
                no: 1
            }
        );
        assert_eq!(count_recommendations(&[]), RecCounts::default());
    }

    #[test]
    fn review_is_complete_with_enough_and_none_pending() {
        use SheetState::*;
        assert_eq!(review_complete(&[Submitted, Submitted], 2), Ok(()));
        assert_eq!(
            review_complete(&[Submitted, Submitted, Submitted], 2),
            Ok(())
        );
        assert_eq!(review_complete(&[Submitted, Draft], 1), Err(1));
        assert_eq!(review_complete(&[Submitted, Assigned], 2), Err(1));
        assert_eq!(review_complete(&[Submitted], 2), Err(1));
        assert_eq!(review_complete(&[], 1), Err(0));
        assert_eq!(review_complete(&[], 0), Ok(()));
    }

    #[test]
    fn states_and_codes() {
        assert!(SheetState::Draft.editable());
        assert!(SheetState::Assigned.editable());
        assert!(!SheetState::Submitted.editable());
        for s in SheetState::ALL {
            assert_eq!(SheetState::parse(s.code()), Some(*s));
        }
        for r in Recommendation::ALL {
            assert_eq!(Recommendation::parse(r.code()), Some(*r));
        }
        assert_eq!(SubjectKind::parse("proposal"), Some(SubjectKind::Proposal));
        assert_eq!(Mark::Points(3).code(), "3");
        assert_eq!(Mark::NotApplicable.code(), "na");
    }

    #[test]
    fn reasons_are_required() {
        assert!(
            validate_reason("  ", L)
                .unwrap_err()
                .get("reason")
                .is_some()
        );
        assert_eq!(validate_reason(" ill ", L).unwrap(), "ill");
        assert!(validate_reason(&"x".repeat(501), L).is_err());
    }
}
