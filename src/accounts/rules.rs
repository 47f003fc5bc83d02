//! Pure account rules: roles, e-mail and password checks, log-in throttling.

use crate::kernel::codes::code_enum;
use validator::ValidateEmail;

use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;

code_enum! {
    /// A platform-wide role. Buyers and organization members are not roles here: they follow
    /// from membership of a purchasing unit or an organization.
    Role => "role" {
        /// Platform administrator: manages users, roles and purchasing units.
        Admin = "admin",
        /// Civil-affairs regulator: ratings, credit lists.
        Regulator = "regulator",
        /// Evaluation expert.
        Evaluator = "evaluator",
        /// Manager of an incubator.
        IncubatorManager = "incubator_manager",
    }
}

/// Minimum password length (NIST SP 800-63B asks for at least 8).
pub const MIN_PASSWORD_LEN: usize = 8;

/// Normalizes an e-mail address for storage and lookup.
pub fn normalize_email(s: &str) -> String {
    s.trim().to_lowercase()
}

/// What a new user typed on the sign-up form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SignupForm {
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Password.
    #[serde(default)]
    pub password: String,
    /// Repeated password.
    #[serde(default)]
    pub password_confirm: String,
}

/// A sign-up that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSignup {
    /// Normalized e-mail.
    pub email: String,
    /// Trimmed display name.
    pub display_name: String,
    /// The password as typed.
    pub password: String,
}

/// Validates a sign-up form.
pub fn validate_signup(f: &SignupForm, lang: Lang) -> Result<ValidSignup, FieldErrors> {
    let mut e = FieldErrors::default();
    let email = normalize_email(&f.email);
    if email.is_empty() {
        e.add("email", lang.t("form.required"));
    } else if email.len() > 254 || !email.validate_email() {
        e.add("email", lang.t("signup.bad_email"));
    }
    let name = f.display_name.trim();
    if name.is_empty() {
        e.add("display_name", lang.t("form.required"));
    } else if name.chars().count() > 50 {
        e.add("display_name", lang.tf("form.too_long", &[("max", "50")]));
    }
    if f.password.chars().count() < MIN_PASSWORD_LEN {
        e.add(
            "password",
            lang.tf(
                "signup.short_password",
                &[("min", &MIN_PASSWORD_LEN.to_string())],
            ),
        );
    } else if f.password.len() > 1024 {
        e.add("password", lang.tf("form.too_long", &[("max", "1024")]));
    }
    if f.password != f.password_confirm {
        e.add("password_confirm", lang.t("signup.password_mismatch"));
    }
    e.into_result(ValidSignup {
        email,
        display_name: name.to_string(),
        password: f.password.clone(),
    })
}

/// Outcome of the throttle check before a log-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// Go ahead and check the password.
    Allow,
    /// Too many recent failures: refuse without checking, retry after this many seconds.
    Locked {
        /// Seconds until the oldest counted failure leaves the window.
        retry_after: i64,
    },
}

/// Decides whether a log-in may be attempted, given the failures counted in the window for
/// the e-mail and for the client address (count and time of the oldest one).
pub fn throttle(
    now: i64,
    window: i64,
    by_email: (u64, Option<i64>),
    max_email: u32,
    by_ip: (u64, Option<i64>),
    max_ip: u32,
) -> Throttle {
    let check = |(count, oldest): (u64, Option<i64>), max: u32| {
        (count >= u64::from(max)).then(|| (oldest.unwrap_or(now) + window - now).max(1))
    };
    match (check(by_email, max_email), check(by_ip, max_ip)) {
        (None, None) => Throttle::Allow,
        (a, b) => Throttle::Locked {
            retry_after: a.unwrap_or(0).max(b.unwrap_or(0)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(email: &str, name: &str, pw: &str, pw2: &str) -> SignupForm {
        SignupForm {
            email: email.into(),
            display_name: name.into(),
            password: pw.into(),
            password_confirm: pw2.into(),
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(*r));
        }
        assert_eq!(Role::parse("buyer"), None);
    }

    #[test]
    fn valid_signup_is_normalized() {
        let v = validate_signup(
            &form(" Li@Example.COM ", " 李明 ", "secret123", "secret123"),
            Lang::Zh,
        )
        .unwrap();
        assert_eq!(v.email, "li@example.com");
        assert_eq!(v.display_name, "李明");
    }

    #[test]
    fn each_signup_error_names_its_field() {
        let e = validate_signup(&form("", "", "", ""), Lang::En).unwrap_err();
        assert!(e.get("email").is_some());
        assert!(e.get("display_name").is_some());
        assert!(e.get("password").is_some());
        assert!(e.get("password_confirm").is_none(), "empty == empty");
        let e =
            validate_signup(&form("not-an-email", "x", "short", "other"), Lang::En).unwrap_err();
        assert_eq!(
            e.get("email"),
            Some(Lang::En.t("signup.bad_email").as_str())
        );
        assert!(e.get("password").unwrap().contains('8'));
        assert!(e.get("password_confirm").is_some());
        let long = "名".repeat(51);
        let e = validate_signup(&form("a@b.cn", &long, "secret123", "secret123"), Lang::Zh)
            .unwrap_err();
        assert!(e.get("display_name").is_some());
    }

    #[test]
    fn throttle_counts_email_and_ip() {
        let now = 10_000;
        assert_eq!(
            throttle(now, 900, (4, Some(now - 100)), 5, (0, None), 30),
            Throttle::Allow
        );
        assert_eq!(
            throttle(now, 900, (5, Some(now - 100)), 5, (0, None), 30),
            Throttle::Locked { retry_after: 800 }
        );
        assert_eq!(
            throttle(now, 900, (0, None), 5, (30, Some(now - 899)), 30),
            Throttle::Locked { retry_after: 1 }
        );
        assert_eq!(
            throttle(now, 900, (9, Some(now - 600)), 5, (40, Some(now - 100)), 30),
            Throttle::Locked { retry_after: 800 }
        );
    }
}
