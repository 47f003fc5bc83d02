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

/// Longest e-mail address (RFC 5321's path limit).
pub const EMAIL_MAX: usize = 254;
/// Longest password accepted (argon2 takes any length; this bounds the work per request).
pub const PASSWORD_MAX: usize = 1024;

/// Whether a log-in form could name an account at all: an e-mail of one line within
/// [`EMAIL_MAX`] and a password within [`PASSWORD_MAX`] bytes.
pub fn plausible_login(email: &str, password: &str) -> bool {
    use crate::kernel::text::{Kind, refusal};
    refusal(email, Kind::Line, EMAIL_MAX).is_none() && password.len() <= PASSWORD_MAX
}

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

/// Failed log-ins counted in the window for one subject (an e-mail or a client address).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// How many.
    pub count: u64,
    /// When the oldest happened (Unix seconds).
    pub oldest: Option<i64>,
    /// When the newest happened (Unix seconds).
    pub newest: Option<i64>,
}

/// The log-in throttle's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    /// Seconds a failure counts for.
    pub window: i64,
    /// Failures of one e-mail in the window before it is locked until the oldest leaves.
    pub max_email: u32,
    /// Failures from one address in the window before its attempts are slowed.
    pub max_ip: u32,
    /// Seconds a slowed address's attempts must keep apart.
    pub ip_interval: i64,
}

/// Outcome of the throttle check before a log-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// Go ahead and check the password.
    Allow,
    /// Too many recent failures for this e-mail: refuse without checking until the oldest
    /// counted failure leaves the window.
    Locked {
        /// Seconds until the oldest counted failure leaves the window.
        retry_after: i64,
    },
    /// Many failures from this address: it may try once per interval, so an attacker there
    /// is slowed while the people who share the address still get in after a short wait.
    Slowed {
        /// Seconds until the address may try again (at most the interval).
        retry_after: i64,
    },
}

/// Decides whether a log-in may be attempted, given the failures counted in the window for
/// the e-mail and for the client address. The e-mail is locked after `max_email` failures
/// (guessing one account's password stays bounded); an address is never locked — many
/// people can share one (an office, a campus, a carrier's NAT) — but past `max_ip` failures
/// its attempts must keep `ip_interval` seconds apart.
pub fn throttle(now: i64, l: ThrottleLimits, by_email: Failures, by_ip: Failures) -> Throttle {
    if by_email.count >= u64::from(l.max_email) {
        return Throttle::Locked {
            retry_after: (by_email.oldest.unwrap_or(now) + l.window - now).max(1),
        };
    }
    if by_ip.count >= u64::from(l.max_ip) {
        let next = by_ip.newest.unwrap_or(now) + l.ip_interval;
        if now < next {
            return Throttle::Slowed {
                retry_after: (next - now).min(l.ip_interval),
            };
        }
    }
    Throttle::Allow
}

/// Where to go after log-in: `next` when it is a path on this site, else `/me`. Refused: any
/// control character, space or backslash (browsers drop tabs and newlines and read `\` as `/`,
/// so `/\t/evil.example` would leave the site, and a newline cannot go in a header at all);
/// anything not starting with exactly one `/`; and the same once percent-escapes are decoded
/// (`/%2F…`, `/%5C…`, `/%09…`), so no encoded variant gets through either.
pub fn safe_next(next: &str) -> &str {
    fn plain_local_path(p: &[u8]) -> bool {
        p.first() == Some(&b'/')
            && !matches!(p.get(1), Some(b'/' | b'\\'))
            && !p
                .iter()
                .any(|&b| b.is_ascii_control() || b == b' ' || b == b'\\')
    }
    let decoded = percent_decode(next.as_bytes());
    if next.len() <= 2000
        && !next.chars().any(char::is_whitespace)
        && plain_local_path(next.as_bytes())
        && plain_local_path(&decoded)
    {
        next
    } else {
        "/me"
    }
}

/// `%XX` escapes decoded once (malformed escapes kept as they are).
fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match (
            s[i],
            s.get(i + 1).copied().and_then(hex),
            s.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(h * 16 + l);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_keeps_local_paths() {
        for p in [
            "/me",
            "/tenders/12?tab=bids#award",
            "/orgs?q=%E5%85%BB%E8%80%81",
            "/a/b/",
        ] {
            assert_eq!(safe_next(p), p);
        }
    }

    #[test]
    fn next_refuses_the_ways_off_site_and_into_a_500() {
        for p in [
            "",
            "me",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%0A/x",
            "/%0D%0ALocation:x",
            "/%2F/evil",
            "/%5Cevil",
            "/%2f%2fevil",
            " /me",
            "/me x",
            "\\\\evil",
            "/\u{7f}",
            "/a\u{2028}b",
        ] {
            assert_eq!(safe_next(p), "/me", "{p:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(3000))), "/me");
    }

    /// Every string of up to four characters over an alphabet of the characters that matter
    /// (28,561 of them): what comes back is `/me` or a path a browser keeps on this site.
    #[test]
    fn next_never_leaves_the_site() {
        const A: [char; 13] = [
            '/', '\\', '%', '0', '9', 'A', 'f', '\t', '\n', ' ', '.', ':', '@',
        ];
        let stays = |p: &str| {
            // What a browser does with a Location value: drops tabs and newlines, reads `\`
            // as `/`; it leaves the site when that starts with `//`.
            let seen: String = p
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .map(|c| if c == '\\' { '/' } else { c })
                .collect();
            seen.starts_with('/') && !seen.starts_with("//") && !p.chars().any(char::is_control)
        };
        let mut s = String::new();
        let check = |s: &str| {
            let out = safe_next(s);
            assert!(out == "/me" || (out == s && stays(s)), "{s:?} -> {out:?}");
        };
        for a in A {
            for b in A {
                for c in A {
                    for d in A {
                        s.clear();
                        s.extend(['/', a, b, c, d]);
                        check(&s);
                        check(&s[1..]);
                    }
                }
            }
        }
    }

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

    const L: ThrottleLimits = ThrottleLimits {
        window: 900,
        max_email: 5,
        max_ip: 30,
        ip_interval: 2,
    };

    fn fails(count: u64, oldest: i64, newest: i64) -> Failures {
        Failures {
            count,
            oldest: Some(oldest),
            newest: Some(newest),
        }
    }

    #[test]
    fn throttle_locks_an_email_until_its_oldest_failure_leaves() {
        let now = 10_000;
        let none = Failures::default();
        assert_eq!(
            throttle(now, L, fails(4, now - 100, now), none),
            Throttle::Allow
        );
        assert_eq!(
            throttle(now, L, fails(5, now - 100, now - 1), none),
            Throttle::Locked { retry_after: 800 }
        );
        assert_eq!(
            throttle(now, L, fails(5, now - 899, now), none),
            Throttle::Locked { retry_after: 1 }
        );
        // The e-mail's lock wins over the address's slowing.
        assert_eq!(
            throttle(now, L, fails(9, now - 600, now), fails(40, now - 100, now)),
            Throttle::Locked { retry_after: 300 }
        );
    }

    #[test]
    fn throttle_slows_an_address_but_never_locks_it() {
        let now = 10_000;
        let none = Failures::default();
        // Below the threshold: no wait, however recent.
        assert_eq!(
            throttle(now, L, none, fails(29, now - 5, now)),
            Throttle::Allow
        );
        // Past it: one attempt per interval, measured from the newest failure.
        assert_eq!(
            throttle(now, L, none, fails(30, now - 5, now)),
            Throttle::Slowed { retry_after: 2 }
        );
        assert_eq!(
            throttle(now, L, none, fails(500, now - 800, now - 1)),
            Throttle::Slowed { retry_after: 1 }
        );
        assert_eq!(
            throttle(now, L, none, fails(500, now - 800, now - 2)),
            Throttle::Allow
        );
        // However many failures, the wait never exceeds the interval.
        for count in [30, 31, 100, 10_000] {
            for age in 0..5 {
                match throttle(now, L, none, fails(count, now - 899, now - age)) {
                    Throttle::Allow => assert!(age >= L.ip_interval),
                    Throttle::Slowed { retry_after } => {
                        assert!((1..=L.ip_interval).contains(&retry_after))
                    }
                    Throttle::Locked { .. } => panic!("an address is never locked"),
                }
            }
        }
        // A clock that went back does not stretch the wait.
        assert_eq!(
            throttle(now, L, none, fails(30, now, now + 60)),
            Throttle::Slowed { retry_after: 2 }
        );
    }
}
