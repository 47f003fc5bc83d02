//! Pure rules of zombie organizations (僵尸型社会组织, issue 15 point 3): which criteria an
//! organization meets (each criterion a row of the rules table, list `zombie`, with its
//! legal basis and parameters), the one state machine of a case — notice, objection within
//! the period, the regulator's outcome — and the validation of the forms. No I/O, no clock:
//! "now" comes in as an argument.

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};

use super::credit_rules::DAY;

/// The longest a regulator's reasons for an outcome may be, in characters.
pub const OUTCOME_TEXT: usize = 2_000;

code_enum! {
    /// A criterion of a zombie organization; its code is the rule's code in the rules
    /// table.
    #[serde(rename_all = "snake_case")]
    Criterion => "zombie.criterion" {
        /// No annual report for `threshold` consecutive years (default 2).
        NoReports = "zombie_no_reports",
        /// No activity recorded on the platform within `window_days` of registration
        /// (default 365) and none since.
        NoActivity = "zombie_no_activity",
        /// Unreachable at the registered address (a regulator's unresolved finding).
        Unreachable = "zombie_unreachable",
    }
}

code_enum! {
    /// Where a zombie case stands.
    #[serde(rename_all = "snake_case")]
    ZombieState => "zombie.state" {
        /// Written notice given; the objection period runs.
        Noticed = "noticed",
        /// The organization objected; the regulator decides.
        Objected = "objected",
        /// Closed: the organization rectified (or was no zombie).
        Rectified = "rectified",
        /// Closed: registration revoked (撤销登记).
        Revoked = "revoked",
        /// Closed: deregistered (注销登记).
        Deregistered = "deregistered",
    }
}

code_enum! {
    /// The regulator's outcome of a case.
    #[serde(rename_all = "snake_case")]
    Outcome => "zombie.outcome" {
        /// Rectified: the case closes, the registration stands.
        Rectified = "rectified",
        /// Revoke the registration.
        Revoked = "revoked",
        /// Deregister the organization.
        Deregistered = "deregistered",
    }
}

impl ZombieState {
    /// Whether the case is still open (notice or objection).
    pub fn open(self) -> bool {
        matches!(self, ZombieState::Noticed | ZombieState::Objected)
    }

    /// Whether the outcome is public (the registration ended): the profile and `/credit`
    /// show it to everyone.
    pub fn public(self) -> bool {
        matches!(self, ZombieState::Revoked | ZombieState::Deregistered)
    }
}

impl Outcome {
    /// The state the outcome closes the case in.
    pub fn state(self) -> ZombieState {
        match self {
            Outcome::Rectified => ZombieState::Rectified,
            Outcome::Revoked => ZombieState::Revoked,
            Outcome::Deregistered => ZombieState::Deregistered,
        }
    }

    /// The registration status the outcome sets, if it ends the registration.
    pub fn ends_registration(self) -> Option<crate::orgs::RegistrationStatus> {
        match self {
            Outcome::Rectified => None,
            Outcome::Revoked => Some(crate::orgs::RegistrationStatus::Revoked),
            Outcome::Deregistered => Some(crate::orgs::RegistrationStatus::Deregistered),
        }
    }
}

/// What happens to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZombieEvent {
    /// The organization objects (within the period).
    Object,
    /// The regulator decides (after an objection, or once the period is over).
    Decide(Outcome),
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZombieRefusal {
    /// Not allowed in this state.
    State(ZombieState),
    /// The objection period is over.
    PeriodOver,
    /// The objection period still runs and no objection came: the regulator waits.
    PeriodRuns,
}

/// The one transition function: `due` is the end of the objection period.
pub fn apply(
    s: ZombieState,
    e: ZombieEvent,
    due: i64,
    now: i64,
) -> Result<ZombieState, ZombieRefusal> {
    match (s, e) {
        (ZombieState::Noticed, ZombieEvent::Object) if now <= due => Ok(ZombieState::Objected),
        (ZombieState::Noticed, ZombieEvent::Object) => Err(ZombieRefusal::PeriodOver),
        (ZombieState::Objected, ZombieEvent::Decide(o)) => Ok(o.state()),
        (ZombieState::Noticed, ZombieEvent::Decide(o)) if now > due => Ok(o.state()),
        (ZombieState::Noticed, ZombieEvent::Decide(_)) => Err(ZombieRefusal::PeriodRuns),
        (s, _) => Err(ZombieRefusal::State(s)),
    }
}

/// One criterion as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZombieRule {
    /// Which criterion.
    pub criterion: Criterion,
    /// Legal basis shown with the case.
    pub legal_basis: String,
    /// No reports: consecutive years.
    pub threshold: Option<i64>,
    /// No activity: days after registration.
    pub window_days: Option<i64>,
    /// Whether it runs.
    pub enabled: bool,
}

/// What detection reads about one organization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZombieFacts {
    /// Whether it must file annual reports (social organizations; others are never zombies).
    pub social: bool,
    /// Registration year.
    pub registration_year: i32,
    /// The first year the platform collects reports and activity (the report rule's first
    /// year): earlier years are no evidence either way, so an organization imported from
    /// the registry is not a zombie for what the platform never recorded.
    pub first_year: i32,
    /// Start of the registration day, Unix seconds.
    pub registered_at: i64,
    /// Years with a report submitted by `now` (draft-only years count as missing).
    pub filed_years: Vec<i32>,
    /// Whether any activity (bid, contract, proposal, report) is recorded.
    pub active: bool,
    /// Whether an unreachable finding stands unresolved.
    pub unreachable: bool,
}

/// The criteria met at `now`, in rule order; `deadline(y)` is the instant year `y`'s report
/// is due. Only social organizations can be zombies.
pub fn criteria_met(
    f: &ZombieFacts,
    rules: &[ZombieRule],
    deadline: impl Fn(i32) -> i64,
    now: i64,
) -> Vec<Criterion> {
    let mut out = Vec::new();
    if !f.social {
        return out;
    }
    for r in rules.iter().filter(|r| r.enabled) {
        let met = match r.criterion {
            Criterion::NoReports => {
                let n = usize::try_from(r.threshold.unwrap_or(2).clamp(1, 50)).unwrap_or(2);
                // The last `n` years whose deadline has passed, from the registration year.
                let mut years = Vec::new();
                let mut y = f.registration_year.max(f.first_year);
                while deadline(y) < now && y <= 9999 {
                    years.push(y);
                    y += 1;
                }
                years.len() >= n
                    && years[years.len() - n..]
                        .iter()
                        .all(|y| !f.filed_years.contains(y))
            }
            Criterion::NoActivity => {
                let w = r.window_days.unwrap_or(365).max(1);
                f.registration_year >= f.first_year && !f.active && f.registered_at + w * DAY <= now
            }
            Criterion::Unreachable => f.unreachable,
        };
        if met {
            out.push(r.criterion);
        }
    }
    out
}

/// Stored list of criteria: codes joined by commas.
pub fn criteria_code(c: &[Criterion]) -> String {
    c.iter().map(|c| c.code()).collect::<Vec<_>>().join(",")
}

/// The criteria of a stored list (unknown codes skipped).
pub fn parse_criteria(s: &str) -> Vec<Criterion> {
    s.split(',').filter_map(Criterion::parse).collect()
}

/// A regulator's outcome as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DecisionForm {
    /// [`Outcome`] code.
    #[serde(default)]
    pub outcome: String,
    /// Reasons.
    #[serde(default)]
    pub text: String,
}

/// Validates an outcome: one chosen, and reasons.
pub fn validate_decision(f: &DecisionForm, lang: Lang) -> Result<(Outcome, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let o = Outcome::parse(&f.outcome);
    if o.is_none() {
        e.add("outcome", lang.t("form.choose"));
    }
    if text::check(&mut e, "text", &f.text, Kind::Multi, OUTCOME_TEXT, lang)
        && f.text.trim().chars().count() < 2
    {
        e.add("text", lang.t("form.required"));
    }
    match o {
        Some(o) if e.is_empty() => Ok((o, f.text.trim().to_string())),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_780_000_000;

    fn rules() -> Vec<ZombieRule> {
        Criterion::ALL
            .iter()
            .map(|c| ZombieRule {
                criterion: *c,
                legal_basis: String::new(),
                threshold: (*c == Criterion::NoReports).then_some(2),
                window_days: (*c == Criterion::NoActivity).then_some(365),
                enabled: true,
            })
            .collect()
    }

    /// Year y is due at T + (y − 2024) years.
    fn deadline(y: i32) -> i64 {
        T + i64::from(y - 2024) * 365 * DAY
    }

    fn facts() -> ZombieFacts {
        ZombieFacts {
            social: true,
            registration_year: 2023,
            first_year: 2020,
            registered_at: T - 500 * DAY,
            filed_years: vec![],
            active: true,
            unreachable: false,
        }
    }

    #[test]
    fn two_missing_years_in_a_row_make_a_zombie() {
        let f = facts();
        // Only 2023 and 2024 due: both missing.
        let now = deadline(2024) + DAY;
        assert_eq!(
            criteria_met(&f, &rules(), deadline, now),
            vec![Criterion::NoReports]
        );
        // Only one year due so far.
        assert!(criteria_met(&f, &rules(), deadline, deadline(2024) - DAY).is_empty());
        // The latest year filed: not two in a row.
        let f2 = ZombieFacts {
            filed_years: vec![2024],
            ..facts()
        };
        assert!(criteria_met(&f2, &rules(), deadline, now).is_empty());
        // The older filed, the two latest missing.
        let f3 = ZombieFacts {
            filed_years: vec![2023],
            ..facts()
        };
        let later = deadline(2025) + DAY;
        assert_eq!(
            criteria_met(&f3, &rules(), deadline, later),
            vec![Criterion::NoReports]
        );
        // Threshold three: not yet.
        let mut r = rules();
        r[0].threshold = Some(3);
        assert!(criteria_met(&f3, &r, deadline, later).is_empty());
        // Disabled rule: nothing.
        r[0].enabled = false;
        assert!(criteria_met(&f, &r, deadline, now).is_empty());
        // Years before the platform collected reports are no evidence.
        let f5 = ZombieFacts {
            first_year: 2024,
            ..facts()
        };
        assert!(criteria_met(&f5, &rules(), deadline, now).is_empty());
        assert_eq!(
            criteria_met(&f5, &rules(), deadline, deadline(2025) + DAY),
            vec![Criterion::NoReports]
        );
        // Not a social organization: never.
        let f4 = ZombieFacts {
            social: false,
            ..facts()
        };
        assert!(criteria_met(&f4, &rules(), deadline, now).is_empty());
    }

    #[test]
    fn no_activity_counts_from_registration() {
        let f = ZombieFacts {
            active: false,
            filed_years: vec![2023, 2024, 2025],
            ..facts()
        };
        let reg = f.registered_at;
        assert!(criteria_met(&f, &rules(), deadline, reg + 364 * DAY).is_empty());
        assert_eq!(
            criteria_met(&f, &rules(), deadline, reg + 365 * DAY),
            vec![Criterion::NoActivity]
        );
        let mut r = rules();
        r[1].window_days = Some(730);
        assert!(criteria_met(&f, &r, deadline, reg + 365 * DAY).is_empty());
        // Registered before the platform recorded activity: no evidence.
        let old = ZombieFacts {
            first_year: 2024,
            ..f.clone()
        };
        assert!(criteria_met(&old, &rules(), deadline, reg + 900 * DAY).is_empty());
        let active = ZombieFacts {
            active: true,
            ..f.clone()
        };
        assert!(criteria_met(&active, &rules(), deadline, reg + 900 * DAY).is_empty());
        let lost = ZombieFacts {
            unreachable: true,
            ..active
        };
        assert_eq!(
            criteria_met(&lost, &rules(), deadline, reg + 900 * DAY),
            vec![Criterion::Unreachable]
        );
    }

    #[test]
    fn every_transition() {
        use ZombieEvent as E;
        use ZombieState as S;
        let due = T;
        assert_eq!(apply(S::Noticed, E::Object, due, due), Ok(S::Objected));
        assert_eq!(
            apply(S::Noticed, E::Object, due, due + 1),
            Err(ZombieRefusal::PeriodOver)
        );
        for o in Outcome::ALL {
            assert_eq!(
                apply(S::Objected, E::Decide(*o), due, due - 5),
                Ok(o.state())
            );
            assert_eq!(
                apply(S::Noticed, E::Decide(*o), due, due + 1),
                Ok(o.state())
            );
            assert_eq!(
                apply(S::Noticed, E::Decide(*o), due, due),
                Err(ZombieRefusal::PeriodRuns)
            );
        }
        for s in [S::Rectified, S::Revoked, S::Deregistered] {
            assert!(!s.open());
            assert_eq!(apply(s, E::Object, due, due), Err(ZombieRefusal::State(s)));
            assert_eq!(
                apply(s, E::Decide(Outcome::Rectified), due, due + 1),
                Err(ZombieRefusal::State(s))
            );
        }
        assert_eq!(
            apply(S::Objected, E::Object, due, due),
            Err(ZombieRefusal::State(S::Objected))
        );
        assert!(S::Deregistered.public() && S::Revoked.public() && !S::Rectified.public());
        assert_eq!(Outcome::Rectified.ends_registration(), None);
        assert!(Outcome::Deregistered.ends_registration().is_some());
    }

    #[test]
    fn criteria_round_trip_and_forms() {
        let all = Criterion::ALL.to_vec();
        assert_eq!(parse_criteria(&criteria_code(&all)), all);
        assert_eq!(
            parse_criteria("x,zombie_unreachable"),
            vec![Criterion::Unreachable]
        );
        let ok = DecisionForm {
            outcome: "deregistered".into(),
            text: "连续两年未年报".into(),
        };
        assert_eq!(
            validate_decision(&ok, Lang::En).map(|x| x.0),
            Ok(Outcome::Deregistered)
        );
        let bad = DecisionForm {
            outcome: "x".into(),
            text: " ".into(),
        };
        let e = validate_decision(&bad, Lang::En).unwrap_err();
        assert!(e.get("outcome").is_some() && e.get("text").is_some());
    }
}
