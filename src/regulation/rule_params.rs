//! Pure validation of a regulator's edit of a rule's parameters (`/credit/rules`): what each
//! rule's threshold and window mean, their bounds, and the reason every change needs. The
//! rules table holds one row per rule for the whole deployment (no locality column), so an
//! edit applies everywhere from the engine's next run.

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

/// A rule's edit as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RuleForm {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn form(t: &str, w: &str) -> RuleForm {
        RuleForm {
            threshold: t.into(),
            window_days: w.into(),
            enabled: "yes".into(),
            reason: "地方调整".into(),
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
