//! Pure graduation (出壳) rules: an incubator's criteria, what the platform finds for each
//! from its own data, the review's decision, the exit tasks, how long a graduate still counts
//! as incubated for matching, and the validation of the forms. No I/O, no clock.

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};

/// A month in residence or after graduation, in seconds: a twelfth of a 365-day year, so
/// twelve months are a year and "N months" never depends on which calendar months they are.
pub const MONTH_SECS: i64 = 365 * 86_400 / 12;

/// The longest minimum stay a manager may require, in months (ten years).
pub const MAX_MONTHS: i32 = 120;

/// The longest a review's reason may be, in characters.
pub const REASON: usize = 1000;

/// How long a graduate still counts as incubated for matching unless configured
/// (`CIVICBRIDGE_INCUBATED_AFTER_GRADUATION_MONTHS`): two years.
pub const DEFAULT_ALUMNI_MONTHS: u32 = 24;

/// An incubator's graduation criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Criteria {
    /// The tenant must be a registered organization (in the registry).
    pub require_registered: bool,
    /// At least this many months in residence (0: no minimum).
    pub min_months: i32,
    /// The tenant must have delivered one project (a completed contract).
    pub require_delivered: bool,
}

impl Default for Criteria {
    /// The issue's example: registered, twelve months, one project delivered.
    fn default() -> Self {
        Criteria {
            require_registered: true,
            min_months: 12,
            require_delivered: true,
        }
    }
}

code_enum! {
    /// One graduation criterion.
    Criterion => "graduation.criterion" {
        /// Registered in the registry.
        Registered = "registered",
        /// Long enough in residence.
        Months = "months",
        /// One project delivered.
        Delivered = "delivered",
    }
}

code_enum! {
    /// A graduation review's decision.
    Decision => "graduation.decision" {
        /// The tenant graduates (出壳).
        Graduate = "graduate",
        /// Not yet, with a reason.
        NotYet = "not_yet",
    }
}

code_enum! {
    /// What a graduate leaves in order, ticked by a manager.
    ExitTask => "graduation.exit_task" {
        /// Office space or desk handed back.
        SpaceReturned = "space_returned",
        /// Keys and access cards handed back.
        KeysReturned = "keys_returned",
        /// Fees and deposits settled.
        AccountsSettled = "accounts_settled",
        /// Exit interview held.
        ExitInterview = "exit_interview",
    }
}

/// What the platform knows about a tenant from its own data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The registered organization, if the tenant is one (and it is in the registry).
    pub org: Option<i64>,
    /// Admission, Unix seconds.
    pub admitted_at: i64,
    /// The organization's most recent completed contract, if any.
    pub delivered: Option<i64>,
}

/// What was found for one criterion.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The criterion.
    pub criterion: Criterion,
    /// Met.
    pub met: bool,
    /// A link to the evidence (the organization's profile, the contract), when there is one.
    pub evidence: Option<String>,
    /// Months in residence (for the months criterion), else 0.
    pub months: i32,
}

/// Whole months between admission and `now` (0 before admission).
pub fn months_between(from: i64, now: i64) -> i32 {
    i32::try_from((now - from).max(0) / MONTH_SECS).unwrap_or(i32::MAX)
}

/// The finding for each criterion the incubator requires, in the order of [`Criterion`].
pub fn evaluate(c: &Criteria, f: &Facts, now: i64) -> Vec<Finding> {
    let mut out = Vec::new();
    if c.require_registered {
        out.push(Finding {
            criterion: Criterion::Registered,
            met: f.org.is_some(),
            evidence: f.org.map(|o| format!("/orgs/{o}")),
            months: 0,
        });
    }
    if c.min_months > 0 {
        let months = months_between(f.admitted_at, now);
        out.push(Finding {
            criterion: Criterion::Months,
            met: months >= c.min_months,
            evidence: None,
            months,
        });
    }
    if c.require_delivered {
        out.push(Finding {
            criterion: Criterion::Delivered,
            met: f.delivered.is_some(),
            evidence: f.delivered.map(|k| format!("/contracts/{k}")),
            months: 0,
        });
    }
    out
}

/// Whether every finding is met (no criteria: met).
pub fn all_met(findings: &[Finding]) -> bool {
    findings.iter().all(|f| f.met)
}

/// Whether a graduate (graduated at `graduated_at`) still counts as incubated at `now`,
/// for `months` after graduation.
pub fn still_incubated(graduated_at: i64, now: i64, months: u32) -> bool {
    now < graduated_at.saturating_add(i64::from(months) * MONTH_SECS)
}

/// The earliest graduation instant that still counts as incubated at `now`.
pub fn alumni_cutoff(now: i64, months: u32) -> i64 {
    now - i64::from(months) * MONTH_SECS
}

/// The criteria form as typed (a checkbox sends `1`, an unticked one nothing).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CriteriaForm {
    /// `1` when registration is required.
    #[serde(default)]
    pub require_registered: String,
    /// Minimum months in residence.
    #[serde(default)]
    pub min_months: String,
    /// `1` when one project delivered is required.
    #[serde(default)]
    pub require_delivered: String,
}

impl CriteriaForm {
    /// The form showing saved criteria.
    pub fn of(c: &Criteria) -> Self {
        let tick = |b: bool| if b { "1" } else { "" }.to_string();
        CriteriaForm {
            require_registered: tick(c.require_registered),
            min_months: c.min_months.to_string(),
            require_delivered: tick(c.require_delivered),
        }
    }
}

/// Validates the criteria form: the minimum is a whole number of months from 0 to
/// [`MAX_MONTHS`].
pub fn validate_criteria(f: &CriteriaForm, lang: Lang) -> Result<Criteria, FieldErrors> {
    let mut e = FieldErrors::default();
    let min_months = match f.min_months.trim().parse::<i32>() {
        Ok(n) if (0..=MAX_MONTHS).contains(&n) => n,
        _ => {
            e.add(
                "min_months",
                lang.tf(
                    "graduation.err.min_months",
                    &[("max", &MAX_MONTHS.to_string())],
                ),
            );
            0
        }
    };
    e.into_result(Criteria {
        require_registered: f.require_registered.trim() == "1",
        min_months,
        require_delivered: f.require_delivered.trim() == "1",
    })
}

/// The review form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DecisionForm {
    /// `graduate` or `not_yet`.
    #[serde(default)]
    pub decision: String,
    /// Why (required for "not yet").
    #[serde(default)]
    pub reason: String,
}

/// Validates a review: a known decision, and a reason for "not yet" (optional for a
/// graduation). Whether the criteria are met is checked in the writing transaction.
pub fn validate_decision(f: &DecisionForm, lang: Lang) -> Result<(Decision, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let decision = Decision::parse(f.decision.trim());
    if decision.is_none() {
        e.add("decision", lang.t("graduation.err.decision"));
    }
    let reason = f.reason.trim();
    if text::check(&mut e, "reason", &f.reason, Kind::Multi, REASON, lang)
        && decision == Some(Decision::NotYet)
        && reason.is_empty()
    {
        e.add("reason", lang.t("graduation.err.reason"));
    }
    match decision {
        Some(d) => e.into_result((d, reason.to_string())),
        None => Err(e),
    }
}

/// An exit task ticked or unticked, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ExitForm {
    /// The task's code.
    #[serde(default)]
    pub task: String,
    /// `1` when done, anything else to untick.
    #[serde(default)]
    pub done: String,
}

/// Validates an exit-task tick.
pub fn validate_exit(f: &ExitForm, lang: Lang) -> Result<(ExitTask, bool), FieldErrors> {
    match ExitTask::parse(f.task.trim()) {
        Some(t) => Ok((t, f.done.trim() == "1")),
        None => {
            let mut e = FieldErrors::default();
            e.add("task", lang.t("graduation.err.exit_task"));
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_700_000_000;

    fn facts(org: bool, months: i64, delivered: bool) -> (Facts, i64) {
        (
            Facts {
                org: org.then_some(7),
                admitted_at: T,
                delivered: delivered.then_some(42),
            },
            T + months * MONTH_SECS,
        )
    }

    #[test]
    fn twelve_months_are_a_year() {
        assert_eq!(12 * MONTH_SECS, 365 * 86_400);
        assert_eq!(months_between(T, T + 365 * 86_400), 12);
        assert_eq!(months_between(T, T + 365 * 86_400 - 1), 11);
        assert_eq!(months_between(T, T - 5), 0, "before admission");
        assert_eq!(months_between(T, T), 0);
    }

    #[test]
    fn default_criteria_are_the_issues_example() {
        let c = Criteria::default();
        assert!(c.require_registered && c.require_delivered);
        assert_eq!(c.min_months, 12);
    }

    #[test]
    fn every_required_criterion_is_found_with_its_evidence() {
        let (f, now) = facts(true, 12, true);
        let found = evaluate(&Criteria::default(), &f, now);
        assert_eq!(
            found.iter().map(|x| x.criterion).collect::<Vec<_>>(),
            vec![
                Criterion::Registered,
                Criterion::Months,
                Criterion::Delivered
            ]
        );
        assert!(all_met(&found));
        assert_eq!(found[0].evidence.as_deref(), Some("/orgs/7"));
        assert_eq!(found[1].months, 12);
        assert_eq!(found[1].evidence, None);
        assert_eq!(found[2].evidence.as_deref(), Some("/contracts/42"));
    }

    #[test]
    fn each_missing_fact_fails_its_criterion_alone() {
        for (org, months, delivered, unmet) in [
            (false, 12, true, Criterion::Registered),
            (true, 11, true, Criterion::Months),
            (true, 12, false, Criterion::Delivered),
        ] {
            let (f, now) = facts(org, months, delivered);
            let found = evaluate(&Criteria::default(), &f, now);
            assert!(!all_met(&found));
            let failed: Vec<Criterion> = found
                .iter()
                .filter(|x| !x.met)
                .map(|x| x.criterion)
                .collect();
            assert_eq!(failed, vec![unmet]);
            assert!(
                found
                    .iter()
                    .filter(|x| !x.met)
                    .all(|x| x.evidence.is_none())
            );
        }
    }

    #[test]
    fn criteria_not_required_are_not_listed() {
        let c = Criteria {
            require_registered: false,
            min_months: 0,
            require_delivered: false,
        };
        let (f, now) = facts(false, 0, false);
        let found = evaluate(&c, &f, now);
        assert!(found.is_empty());
        assert!(all_met(&found), "nothing required: met");
        let c = Criteria { min_months: 6, ..c };
        let found = evaluate(&c, &f, now);
        assert_eq!(found.len(), 1);
        assert!(!found[0].met);
    }

    #[test]
    fn graduates_stay_incubated_for_the_configured_months() {
        let g = T;
        assert!(still_incubated(g, g, 24));
        assert!(still_incubated(g, g + 2 * 365 * 86_400 - 1, 24));
        assert!(!still_incubated(g, g + 2 * 365 * 86_400, 24));
        assert!(!still_incubated(g, g, 0), "zero months: not at all");
        assert_eq!(alumni_cutoff(g + 24 * MONTH_SECS, 24), g);
        // The cutoff and the predicate agree.
        for now in [g, g + 100, g + 24 * MONTH_SECS - 1, g + 24 * MONTH_SECS] {
            assert_eq!(still_incubated(g, now, 24), g > alumni_cutoff(now, 24));
        }
    }

    #[test]
    fn criteria_form_round_trips_and_refuses_bad_months() {
        let c = Criteria {
            require_registered: false,
            min_months: 18,
            require_delivered: true,
        };
        assert_eq!(validate_criteria(&CriteriaForm::of(&c), Lang::En), Ok(c));
        for bad in ["", "-1", "121", "abc", "1.5"] {
            let f = CriteriaForm {
                min_months: bad.into(),
                ..CriteriaForm::of(&c)
            };
            let e = validate_criteria(&f, Lang::En).unwrap_err();
            assert!(e.get("min_months").is_some(), "{bad}");
        }
        let f = CriteriaForm {
            min_months: " 120 ".into(),
            ..Default::default()
        };
        let ok = validate_criteria(&f, Lang::Zh).unwrap();
        assert_eq!(ok.min_months, 120);
        assert!(!ok.require_registered && !ok.require_delivered);
    }

    #[test]
    fn a_decision_needs_a_known_kind_and_not_yet_a_reason() {
        let f = |d: &str, r: &str| DecisionForm {
            decision: d.into(),
            reason: r.into(),
        };
        assert_eq!(
            validate_decision(&f("graduate", ""), Lang::En),
            Ok((Decision::Graduate, String::new()))
        );
        assert_eq!(
            validate_decision(&f("not_yet", " 尚未登记 "), Lang::En),
            Ok((Decision::NotYet, "尚未登记".into()))
        );
        let e = validate_decision(&f("not_yet", "  "), Lang::En).unwrap_err();
        assert!(e.get("reason").is_some());
        let e = validate_decision(&f("expel", "x"), Lang::En).unwrap_err();
        assert!(e.get("decision").is_some());
        let long = "很".repeat(REASON + 1);
        let e = validate_decision(&f("graduate", &long), Lang::En).unwrap_err();
        assert!(e.get("reason").is_some());
    }

    #[test]
    fn exit_ticks_name_a_known_task() {
        for t in ExitTask::ALL {
            let f = ExitForm {
                task: t.code().into(),
                done: "1".into(),
            };
            assert_eq!(validate_exit(&f, Lang::En), Ok((*t, true)));
        }
        let f = ExitForm {
            task: "space_returned".into(),
            done: String::new(),
        };
        assert_eq!(
            validate_exit(&f, Lang::En),
            Ok((ExitTask::SpaceReturned, false))
        );
        let f = ExitForm {
            task: "nothing".into(),
            done: "1".into(),
        };
        assert!(
            validate_exit(&f, Lang::En)
                .unwrap_err()
                .get("task")
                .is_some()
        );
    }
}
