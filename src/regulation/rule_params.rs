//! Pure validation of a regulator's edit of a rule's parameters (`/credit/rules`): what each
//! rule's threshold and window mean, their bounds, and the reason every change needs; and
//! the rules per locality: a rule's row holds the platform's default, and the region, a
//! league/city or a banner/county may override any of its parameters — threshold, window,
//! whether it runs, the objection period, and for the report rule the annual report's
//! deadline — for the organizations registered there ([`Override`], [`resolve`]). The most
//! specific locality that sets a parameter wins (banner/county > league/city > region >
//! the rule's row); an empty parameter inherits.

use super::credit_rules::{Rule, Trigger};
use super::rules::RegulationSettings;
use super::zombie_rules::{Criterion, ZombieRule};
use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::kernel::text::{self, Kind};

/// The longest a change's reason may be, in characters.
pub const REASON: usize = 1_000;

/// What a parameter means, and so how it is typed and bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// A calendar year (the first year whose reports are checked), 2000–2100.
    Year,
    /// An amount typed in yuan, stored in fen, ≥ 0.
    Amount,
    /// A count of penalties, 2–20.
    Count,
    /// A number of consecutive years, 1–20.
    Years,
    /// A period in days, 1–3,650.
    Days,
}

impl Param {
    /// Locale key of the parameter's name.
    pub fn key(self) -> &'static str {
        match self {
            Param::Year => "rules.param.year",
            Param::Amount => "rules.param.amount",
            Param::Count => "rules.param.count",
            Param::Years => "rules.param.years",
            Param::Days => "rules.param.days",
        }
    }

    /// The stored value as typed in the form.
    pub fn to_input(self, v: Option<i64>) -> String {
        match (self, v) {
            (_, None) => String::new(),
            (Param::Amount, Some(f)) => Fen(f).to_input(),
            (_, Some(x)) => x.to_string(),
        }
    }

    fn parse(self, s: &str) -> Option<i64> {
        let s = s.trim();
        match self {
            Param::Amount => Fen::parse_yuan(s).map(|f| f.0).filter(|f| *f >= 0),
            Param::Year => s.parse().ok().filter(|y| (2000..=2100).contains(y)),
            Param::Count => s.parse().ok().filter(|n| (2..=20).contains(n)),
            Param::Years => s.parse().ok().filter(|n| (1..=20).contains(n)),
            Param::Days => s.parse().ok().filter(|n| (1..=3650).contains(n)),
        }
    }

    fn error_key(self) -> &'static str {
        match self {
            Param::Year => "rules.err.year",
            Param::Amount => "rules.err.amount",
            Param::Count => "rules.err.count",
            Param::Years => "rules.err.years",
            Param::Days => "rules.err.days",
        }
    }
}

/// The parameters a rule has: (threshold, window), `None` where it has none.
pub fn params_of(code: &str) -> (Option<Param>, Option<Param>) {
    match code {
        "report_missing" => (Some(Param::Year), None),
        "large_fine" => (Some(Param::Amount), None),
        "repeat_penalties" => (Some(Param::Count), Some(Param::Days)),
        "abnormal_two_years" => (Some(Param::Days), None),
        "zombie_no_reports" => (Some(Param::Years), None),
        "zombie_no_activity" => (None, Some(Param::Days)),
        _ => (None, None),
    }
}

/// A rule's edit as typed (the platform's default, or with `place` a locality's override).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RuleForm {
    /// The locality whose override this is (empty: the rule's own row).
    #[serde(default)]
    pub place: String,
    /// A locality's objection period, days (empty: inherited).
    #[serde(default)]
    pub objection_days: String,
    /// A locality's annual report deadline, `MM-DD` of the following year (report rule
    /// only; empty: inherited).
    #[serde(default)]
    pub deadline: String,
    /// The threshold, as typed (yuan for amounts).
    #[serde(default)]
    pub threshold: String,
    /// The window in days.
    #[serde(default)]
    pub window_days: String,
    /// `yes` when the rule runs (a checkbox: absent means off).
    #[serde(default)]
    pub enabled: String,
    /// Why it changes (kept in the audit log).
    #[serde(default)]
    pub reason: String,
}

/// A valid edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleEdit {
    /// New threshold (unchanged `None` for a rule without one).
    pub threshold: Option<i64>,
    /// New window.
    pub window_days: Option<i64>,
    /// Whether it runs.
    pub enabled: bool,
    /// The reason, trimmed.
    pub reason: String,
}

/// Validates an edit of the rule `code`: each parameter it has required and within its
/// bounds (periods > 0, amounts ≥ 0), none for those it has not, and a reason.
pub fn validate(code: &str, f: &RuleForm, lang: Lang) -> Result<RuleEdit, FieldErrors> {
    let mut e = FieldErrors::default();
    let (tp, wp) = params_of(code);
    let one = |field: &'static str, p: Option<Param>, s: &str, e: &mut FieldErrors| match p {
        Some(p) => {
            let v = p.parse(s);
            if v.is_none() {
                e.add(field, lang.t(p.error_key()));
            }
            v
        }
        None => {
            if !s.trim().is_empty() {
                e.add(field, lang.t("rules.err.none"));
            }
            None
        }
    };
    let threshold = one("threshold", tp, &f.threshold, &mut e);
    let window_days = one("window_days", wp, &f.window_days, &mut e);
    if text::check(&mut e, "reason", &f.reason, Kind::Multi, REASON, lang)
        && f.reason.trim().chars().count() < 2
    {
        e.add("reason", lang.t("form.required"));
    }
    e.into_result(RuleEdit {
        threshold,
        window_days,
        enabled: f.enabled == "yes",
        reason: f.reason.trim().to_string(),
    })
}

/// A locality's override of one rule, as stored: each `None` inherits from the level above.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Override {
    /// The rule's code.
    pub code: String,
    /// The region's, a league/city's or a banner/county's division code.
    pub division: String,
    /// The threshold (see the rule).
    pub threshold: Option<i64>,
    /// The window, days.
    pub window_days: Option<i64>,
    /// Whether the rule runs there.
    pub enabled: Option<bool>,
    /// The objection period after a written notice, days.
    pub objection_days: Option<i64>,
    /// The annual report's deadline, `MM-DD` of the following year (report rule).
    pub deadline: Option<String>,
}

impl Override {
    /// Whether the override sets nothing (the locality follows the level above).
    pub fn is_empty(&self) -> bool {
        self.threshold.is_none()
            && self.window_days.is_none()
            && self.enabled.is_none()
            && self.objection_days.is_none()
            && self.deadline.is_none()
    }
}

/// A rule's parameters at one place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// Threshold.
    pub threshold: Option<i64>,
    /// Window, days.
    pub window_days: Option<i64>,
    /// Whether it runs.
    pub enabled: bool,
    /// Objection period, days (`None`: the deployment's setting).
    pub objection_days: Option<i64>,
    /// Report deadline `MM-DD` (`None`: the deployment's setting).
    pub deadline: Option<String>,
}

/// The divisions whose overrides apply to an organization, least specific first: the
/// region (every organization on the platform), its league/city, its banner/county.
pub fn chain(league: Option<&str>, county: Option<&str>) -> Vec<String> {
    let mut out = vec![crate::regions::REGION_CODE.to_string()];
    out.extend(league.map(str::to_string));
    out.extend(county.map(str::to_string));
    out
}

/// The chain of a locality itself (the region, a league/city or a banner/county): the
/// levels above it and it, least specific first.
pub fn chain_of_place(place: &str) -> Vec<String> {
    let r = crate::regions::regions();
    let league = r.league_of(place).map(|d| d.code.clone());
    let county = r.county_of(place).map(|d| d.code.clone());
    chain(league.as_deref(), county.as_deref())
}

/// A rule's parameters at the end of `chain`: its own row's, then each locality's override
/// in order, every parameter it sets replacing the one before.
pub fn resolve(base: &Params, code: &str, chain: &[String], overrides: &[Override]) -> Params {
    let mut p = base.clone();
    for d in chain {
        let Some(o) = overrides
            .iter()
            .find(|o| o.code == code && o.division == *d)
        else {
            continue;
        };
        if o.threshold.is_some() {
            p.threshold = o.threshold;
        }
        if o.window_days.is_some() {
            p.window_days = o.window_days;
        }
        if let Some(e) = o.enabled {
            p.enabled = e;
        }
        if o.objection_days.is_some() {
            p.objection_days = o.objection_days;
        }
        if o.deadline.is_some() {
            p.deadline.clone_from(&o.deadline);
        }
    }
    p
}

/// The credit rules as they apply at one place, with the objection periods and the report
/// deadline set there (`None`: the deployment's settings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Local {
    /// Every rule with its parameters there.
    pub rules: Vec<Rule>,
    /// Objection periods set there, by trigger.
    pub objection: Vec<(Trigger, i64)>,
    /// The report deadline set there.
    pub deadline: Option<RegulationSettings>,
}

impl Local {
    /// The objection period of a trigger's notice there.
    pub fn objection_days(&self, t: Trigger, default: i64) -> i64 {
        self.objection
            .iter()
            .find(|(x, _)| *x == t)
            .map_or(default, |(_, d)| *d)
    }

    /// The report deadline there.
    pub fn reports(&self, default: &RegulationSettings) -> RegulationSettings {
        self.deadline.unwrap_or(*default)
    }

    /// The first year whose reports are checked there (the report rule's threshold).
    pub fn first_report_year(&self) -> Option<i32> {
        self.rules
            .iter()
            .find(|r| r.trigger == Trigger::ReportMissing)
            .and_then(|r| r.threshold)
            .and_then(|t| i32::try_from(t).ok())
    }
}

/// The credit rules at the end of `chain` (see [`resolve`]).
pub fn localize(rules: &[Rule], chain: &[String], overrides: &[Override]) -> Local {
    let mut out = Local::default();
    for r in rules {
        let base = Params {
            threshold: r.threshold,
            window_days: r.window_days,
            enabled: r.enabled,
            ..Default::default()
        };
        let p = resolve(&base, r.trigger.code(), chain, overrides);
        if let Some(d) = p.objection_days {
            out.objection.push((r.trigger, d));
        }
        if r.trigger == Trigger::ReportMissing {
            out.deadline = p
                .deadline
                .as_deref()
                .and_then(|d| RegulationSettings::parse_deadline(d).ok());
        }
        out.rules.push(Rule {
            threshold: p.threshold,
            window_days: p.window_days,
            enabled: p.enabled,
            ..r.clone()
        });
    }
    out
}

/// The zombie criteria at the end of `chain`, and the longest objection period set there
/// among them (a case names every criterion met; `None`: the deployment's setting).
pub fn localize_zombie(
    rules: &[ZombieRule],
    chain: &[String],
    overrides: &[Override],
) -> (Vec<ZombieRule>, Vec<(Criterion, i64)>) {
    let mut out = Vec::new();
    let mut objection = Vec::new();
    for r in rules {
        let base = Params {
            threshold: r.threshold,
            window_days: r.window_days,
            enabled: r.enabled,
            ..Default::default()
        };
        let p = resolve(&base, r.criterion.code(), chain, overrides);
        if let Some(d) = p.objection_days {
            objection.push((r.criterion, d));
        }
        out.push(ZombieRule {
            threshold: p.threshold,
            window_days: p.window_days,
            enabled: p.enabled,
            ..r.clone()
        });
    }
    (out, objection)
}

/// Whether a code names a locality rules may be set for: the region, a league/city or a
/// banner/county.
pub fn is_place(code: &str) -> bool {
    use crate::regions::{Level, regions};
    regions()
        .get(code)
        .is_some_and(|d| d.level != Level::Township)
}

/// A valid edit of a locality's override (each `None` inherits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideEdit {
    /// Threshold.
    pub threshold: Option<i64>,
    /// Window.
    pub window_days: Option<i64>,
    /// Whether it runs.
    pub enabled: Option<bool>,
    /// Objection period, days.
    pub objection_days: Option<i64>,
    /// Report deadline, `MM-DD`.
    pub deadline: Option<String>,
    /// The reason, trimmed.
    pub reason: String,
}

/// Validates a locality's override of the rule `code`: every parameter may be left empty
/// (inherited); one typed is bounded like the rule's own; `enabled` is empty, `yes` or
/// `no`; the deadline only for the report rule; a reason is required.
pub fn validate_override(
    code: &str,
    f: &RuleForm,
    lang: Lang,
) -> Result<OverrideEdit, FieldErrors> {
    let mut e = FieldErrors::default();
    let (tp, wp) = params_of(code);
    let one = |field: &'static str, p: Option<Param>, s: &str, e: &mut FieldErrors| {
        if s.trim().is_empty() {
            return None;
        }
        match p {
            Some(p) => {
                let v = p.parse(s);
                if v.is_none() {
                    e.add(field, lang.t(p.error_key()));
                }
                v
            }
            None => {
                e.add(field, lang.t("rules.err.none"));
                None
            }
        }
    };
    let threshold = one("threshold", tp, &f.threshold, &mut e);
    let window_days = one("window_days", wp, &f.window_days, &mut e);
    let objection_days = one(
        "objection_days",
        Some(Param::Days),
        &f.objection_days,
        &mut e,
    );
    let enabled = match f.enabled.as_str() {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            e.add("enabled", lang.t("rules.err.enabled"));
            None
        }
    };
    let deadline = match f.deadline.trim() {
        "" => None,
        d if code != "report_missing" => {
            let _ = d;
            e.add("deadline", lang.t("rules.err.none"));
            None
        }
        d => match super::rules::RegulationSettings::parse_deadline(d) {
            Ok(s) => Some(format!("{:02}-{:02}", s.deadline_month, s.deadline_day)),
            Err(_) => {
                e.add("deadline", lang.t("rules.err.deadline"));
                None
            }
        },
    };
    if text::check(&mut e, "reason", &f.reason, Kind::Multi, REASON, lang)
        && f.reason.trim().chars().count() < 2
    {
        e.add("reason", lang.t("form.required"));
    }
    e.into_result(OverrideEdit {
        threshold,
        window_days,
        enabled,
        objection_days,
        deadline,
        reason: f.reason.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ov(division: &str) -> Override {
        Override {
            code: "report_missing".into(),
            division: division.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_most_specific_locality_wins_per_parameter() {
        let base = Params {
            threshold: Some(2026),
            enabled: true,
            ..Default::default()
        };
        let overrides = vec![
            Override {
                objection_days: Some(15),
                deadline: Some("04-30".into()),
                ..ov("150000")
            },
            Override {
                deadline: Some("03-31".into()),
                ..ov("150100")
            },
            Override {
                enabled: Some(false),
                ..ov("150102")
            },
            // Another rule's override changes nothing here.
            Override {
                code: "large_fine".into(),
                enabled: Some(false),
                ..ov("150100")
            },
        ];
        let county = resolve(
            &base,
            "report_missing",
            &chain(Some("150100"), Some("150102")),
            &overrides,
        );
        assert_eq!(county.deadline.as_deref(), Some("03-31"));
        assert_eq!(county.objection_days, Some(15));
        assert!(!county.enabled);
        assert_eq!(county.threshold, Some(2026));
        let league = resolve(
            &base,
            "report_missing",
            &chain(Some("150100"), Some("150103")),
            &overrides,
        );
        assert!(league.enabled);
        assert_eq!(league.deadline.as_deref(), Some("03-31"));
        let elsewhere = resolve(
            &base,
            "report_missing",
            &chain(Some("150200"), None),
            &overrides,
        );
        assert_eq!(elsewhere.deadline.as_deref(), Some("04-30"));
        assert_eq!(resolve(&base, "report_missing", &[], &overrides), base);
        assert_eq!(
            chain_of_place("150102"),
            chain(Some("150100"), Some("150102"))
        );
        assert_eq!(chain_of_place("150000"), vec!["150000".to_string()]);
        assert!(is_place("150000") && is_place("150100") && is_place("150102"));
        assert!(!is_place("999999") && !is_place(""));
        assert!(ov("1").is_empty() && !overrides[0].is_empty());
    }

    #[test]
    fn an_override_inherits_what_it_leaves_empty() {
        let f = RuleForm {
            reason: "盟市调整".into(),
            ..Default::default()
        };
        let e = validate_override("report_missing", &f, Lang::En).unwrap();
        assert_eq!(
            (
                e.threshold,
                e.window_days,
                e.enabled,
                e.objection_days,
                e.deadline
            ),
            (None, None, None, None, None)
        );
        let f = RuleForm {
            deadline: "3-31".into(),
            objection_days: "15".into(),
            enabled: "no".into(),
            reason: "盟市调整".into(),
            ..Default::default()
        };
        let e = validate_override("report_missing", &f, Lang::En).unwrap();
        assert_eq!(e.deadline.as_deref(), Some("03-31"));
        assert_eq!((e.objection_days, e.enabled), (Some(15), Some(false)));
        for (field, bad) in [
            (
                "deadline",
                RuleForm {
                    deadline: "02-30".into(),
                    ..f.clone()
                },
            ),
            (
                "objection_days",
                RuleForm {
                    objection_days: "0".into(),
                    ..f.clone()
                },
            ),
            (
                "enabled",
                RuleForm {
                    enabled: "maybe".into(),
                    ..f.clone()
                },
            ),
            (
                "threshold",
                RuleForm {
                    threshold: "1999".into(),
                    ..f.clone()
                },
            ),
            (
                "window_days",
                RuleForm {
                    window_days: "30".into(),
                    ..f.clone()
                },
            ),
            (
                "reason",
                RuleForm {
                    reason: String::new(),
                    ..f.clone()
                },
            ),
        ] {
            let err = validate_override("report_missing", &bad, Lang::En).unwrap_err();
            assert!(err.get(field).is_some(), "{field}");
        }
        // The deadline belongs to the report rule alone.
        let fine = RuleForm {
            deadline: "03-31".into(),
            ..f.clone()
        };
        assert!(validate_override("large_fine", &fine, Lang::En).is_err());
    }

    fn form(t: &str, w: &str) -> RuleForm {
        RuleForm {
            threshold: t.into(),
            window_days: w.into(),
            enabled: "yes".into(),
            reason: "地方调整".into(),
            ..Default::default()
        }
    }

    #[test]
    fn each_kind_of_parameter_is_bounded() {
        let ok = validate("large_fine", &form("30000", ""), Lang::En).unwrap();
        assert_eq!(ok.threshold, Some(3_000_000));
        assert!(ok.enabled);
        assert!(validate("large_fine", &form("0", ""), Lang::En).is_ok());
        assert!(validate("large_fine", &form("-1", ""), Lang::En).is_err());
        assert!(validate("large_fine", &form("abc", ""), Lang::En).is_err());
        let r = validate("repeat_penalties", &form("3", "730"), Lang::En).unwrap();
        assert_eq!((r.threshold, r.window_days), (Some(3), Some(730)));
        assert!(validate("repeat_penalties", &form("1", "730"), Lang::En).is_err());
        assert!(validate("repeat_penalties", &form("2", "0"), Lang::En).is_err());
        assert!(validate("abnormal_two_years", &form("0", ""), Lang::En).is_err());
        assert!(validate("report_missing", &form("1999", ""), Lang::En).is_err());
        assert!(validate("report_missing", &form("2024", ""), Lang::En).is_ok());
        assert!(validate("zombie_no_reports", &form("0", ""), Lang::En).is_err());
        assert!(validate("zombie_no_reports", &form("3", ""), Lang::En).is_ok());
        assert!(validate("zombie_no_activity", &form("", "-5"), Lang::En).is_err());
        assert_eq!(
            validate("zombie_no_activity", &form("", "180"), Lang::En)
                .unwrap()
                .window_days,
            Some(180)
        );
        // A rule without parameters takes none.
        assert!(validate("unreachable", &form("5", ""), Lang::En).is_err());
        let off = RuleForm {
            enabled: String::new(),
            ..form("", "")
        };
        assert!(!validate("unreachable", &off, Lang::En).unwrap().enabled);
        // A reason is required.
        let bare = RuleForm {
            reason: " ".into(),
            ..form("", "")
        };
        assert!(validate("unreachable", &bare, Lang::En).is_err());
    }

    #[test]
    fn inputs_round_trip() {
        assert_eq!(
            Param::Amount.to_input(Some(5_000_000)),
            Fen(5_000_000).to_input()
        );
        assert_eq!(Param::Days.to_input(Some(730)), "730");
        assert_eq!(Param::Year.to_input(None), "");
        for p in [
            Param::Year,
            Param::Amount,
            Param::Count,
            Param::Years,
            Param::Days,
        ] {
            assert!(p.key().starts_with("rules.param."));
        }
    }
}
