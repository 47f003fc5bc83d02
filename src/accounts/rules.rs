//! Pure account rules: roles, e-mail and password checks, log-in throttling.

use crate::kernel::codes::code_enum;
use validator::ValidateEmail;

use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};

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
    } else {
        text::check(
            &mut e,
            "display_name",
            &f.display_name,
            Kind::Name,
            50,
            lang,
        );
    }
    check_new_password(&mut e, &f.password, &f.password_confirm, lang);
    e.into_result(ValidSignup {
        email,
        display_name: name.to_string(),
        password: f.password.clone(),
    })
}

/// Checks a new password and its repetition into `e` (on the fields `password` and
/// `password_confirm`): long enough, not absurdly long, typed the same twice.
pub fn check_new_password(e: &mut FieldErrors, password: &str, confirm: &str, lang: Lang) {
    if password.chars().count() < MIN_PASSWORD_LEN {
        e.add(
            "password",
            lang.tf(
                "signup.short_password",
                &[("min", &MIN_PASSWORD_LEN.to_string())],
            ),
        );
    } else if password.len() > PASSWORD_MAX {
        e.add(
            "password",
            lang.tf("form.too_long", &[("max", &PASSWORD_MAX.to_string())]),
        );
    }
    if password != confirm {
        e.add("password_confirm", lang.t("signup.password_mismatch"));
    }
}

/// The form of `/me/password`.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PasswordForm {
    /// The password now, to prove it is the owner at the keyboard.
    #[serde(default)]
    pub current_password: String,
    /// The new password.
    #[serde(default)]
    pub password: String,
    /// The new password again.
    #[serde(default)]
    pub password_confirm: String,
}

/// The form of a reset link's page.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ResetForm {
    /// The new password.
    #[serde(default)]
    pub password: String,
    /// The new password again.
    #[serde(default)]
    pub password_confirm: String,
}

/// Validates the new password of a reset link's form.
pub fn validate_reset(f: &ResetForm, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    check_new_password(&mut e, &f.password, &f.password_confirm, lang);
    e.into_result(f.password.clone())
}

/// Validates `/me/password` before the current password is checked (that needs the hash).
pub fn validate_password_change(f: &PasswordForm, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    if f.current_password.is_empty() {
        e.add("current_password", lang.t("form.required"));
    } else if f.current_password.len() > PASSWORD_MAX {
        e.add("current_password", lang.t("password.current_wrong"));
    }
    check_new_password(&mut e, &f.password, &f.password_confirm, lang);
    if e.is_empty() && f.password == f.current_password {
        e.add("password", lang.t("password.same_as_current"));
    }
    e.into_result(f.password.clone())
}

/// The form that disables (`disable=1`, with a reason) or re-enables (`disable=0`) an account.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct StatusForm {
    /// "1" disables, "0" re-enables.
    #[serde(default)]
    pub disable: String,
    /// Why (required to disable).
    #[serde(default)]
    pub reason: String,
    /// Set by the confirmation page's final button.
    #[serde(default)]
    pub confirm: String,
}

/// A validated [`StatusForm`]: `Some(reason)` disables, `None` re-enables.
pub fn validate_status(f: &StatusForm, lang: Lang) -> Result<Option<String>, FieldErrors> {
    let mut e = FieldErrors::default();
    match f.disable.trim() {
        "1" => match validate_reason(&f.reason, lang) {
            Ok(r) => return Ok(Some(r)),
            Err(m) => e.add("reason", m),
        },
        "0" => return Ok(None),
        _ => e.add("disable", lang.t("form.choose")),
    }
    Err(e)
}

/// The administrator's user list: a search text and a page number.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct UsersQuery {
    /// Part of an e-mail or display name.
    #[serde(default)]
    pub q: String,
    /// 1-based page; anything else is page 1.
    #[serde(default)]
    pub page: String,
}

/// Users per page of the administrator's list.
pub const USERS_PER_PAGE: u64 = 50;

/// Whether text could be a reset link's secret (64 lower-case hex digits); anything else is
/// refused without a look-up.
pub fn plausible_reset_token(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The stored form of a reset link's secret: its hex SHA-256, so a copy of the database holds
/// no working link.
pub fn reset_token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// What a reset link can do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetLink {
    /// It sets a password.
    Usable,
    /// Used already (or spent when the password changed).
    Used,
    /// Past its expiry.
    Expired,
}

/// The state of a reset link with these times at `now`; used wins over expired.
pub fn reset_link_state(used_at: Option<i64>, expires_at: i64, now: i64) -> ResetLink {
    if used_at.is_some() {
        ResetLink::Used
    } else if now >= expires_at {
        ResetLink::Expired
    } else {
        ResetLink::Usable
    }
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

/// Fewest characters a written reason may have (after trimming): enough for a word or two
/// in Chinese, so "ok" or "." does not pass as a reason.
pub const REASON_MIN: usize = 4;
/// Most characters a written reason may have.
pub const REASON_MAX: usize = 500;

/// Checks the reason given for a role grant or revocation or a membership change: trimmed,
/// [`REASON_MIN`]–[`REASON_MAX`] characters. The message is in `lang`.
pub fn validate_reason(s: &str, lang: Lang) -> Result<String, String> {
    let r = s.trim();
    let n = r.chars().count();
    if n == 0 {
        Err(lang.t("form.required"))
    } else if n < REASON_MIN {
        Err(lang.tf("duties.reason_short", &[("min", &REASON_MIN.to_string())]))
    } else {
        // Control characters and the length, as every free-text field.
        text::checked(r, Kind::Multi, REASON_MAX, lang)?;
        Ok(r.to_string())
    }
}

/// What the administrator's role form sent.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RoleForm {
    /// `Role::code()`.
    #[serde(default)]
    pub role: String,
    /// `1` grants, `0` revokes.
    #[serde(default)]
    pub grant: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
    /// `1` from the confirmation page's final button (a grant asks for it first).
    #[serde(default)]
    pub confirm: String,
}

/// A role change that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChange {
    /// The role.
    pub role: Role,
    /// Grant (`true`) or revoke.
    pub grant: bool,
    /// The trimmed reason.
    pub reason: String,
}

/// Validates the role form: a known role, grant or revoke, and a reason.
pub fn validate_role_change(f: &RoleForm, lang: Lang) -> Result<RoleChange, FieldErrors> {
    let mut e = FieldErrors::default();
    let role = Role::parse(f.role.trim());
    if role.is_none() {
        e.add("role", lang.t("form.choose"));
    }
    let grant = match f.grant.trim() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    if grant.is_none() {
        e.add("grant", lang.t("form.choose"));
    }
    let reason = validate_reason(&f.reason, lang).unwrap_or_else(|m| {
        e.add("reason", m);
        String::new()
    });
    match (role, grant) {
        (Some(role), Some(grant)) => e.into_result(RoleChange {
            role,
            grant,
            reason,
        }),
        _ => Err(e),
    }
}

code_enum! {
    /// A change that separation of duties forbids; the message names the rule, not a person.
    DutyRefusal => "duties.refuse" {
        /// A platform administrator cannot become a member of an organization or a buyer
        /// of a unit.
        AdminCannotJoin = "admin_cannot_join",
        /// A member of an organization or a buyer of a unit cannot be made a platform
        /// administrator: they leave first.
        MemberCannotBeAdmin = "member_cannot_be_admin",
        /// An organization keeps at least one administrator.
        LastOrgAdmin = "last_org_admin",
        /// The platform keeps at least one administrator.
        LastPlatformAdmin = "last_platform_admin",
    }
}

/// Whether a user holding `roles` may join an organization or a purchasing unit.
pub fn may_join(roles: &[Role]) -> Result<(), DutyRefusal> {
    if roles.contains(&Role::Admin) {
        Err(DutyRefusal::AdminCannotJoin)
    } else {
        Ok(())
    }
}

/// Whether `role` may be granted to a user who holds `memberships` organization memberships
/// and unit buyer places.
pub fn may_grant(role: Role, memberships: usize) -> Result<(), DutyRefusal> {
    if role == Role::Admin && memberships > 0 {
        Err(DutyRefusal::MemberCannotBeAdmin)
    } else {
        Ok(())
    }
}

/// Whether `role` may be revoked from one of the `holders` users who hold it.
pub fn may_revoke(role: Role, holders: u64) -> Result<(), DutyRefusal> {
    if role == Role::Admin && holders <= 1 {
        Err(DutyRefusal::LastPlatformAdmin)
    } else {
        Ok(())
    }
}

/// Whether an organization member's role may go from `from` to `to` (`None`: not a member)
/// when the organization has `admins` administrators: the last one may neither leave nor
/// become a plain member.
pub fn keeps_an_admin(
    from: Option<super::policy::OrgRole>,
    to: Option<super::policy::OrgRole>,
    admins: usize,
) -> Result<(), DutyRefusal> {
    use super::policy::OrgRole;
    let loses_an_admin = from == Some(OrgRole::Admin) && to != Some(OrgRole::Admin);
    if loses_an_admin && admins <= 1 {
        Err(DutyRefusal::LastOrgAdmin)
    } else {
        Ok(())
    }
}

/// How long a link sent for a forgotten password works (seconds): half an hour.
pub const FORGOT_TTL_SECS: i64 = 30 * 60;

/// The window in which requests for a forgotten password are counted (seconds).
pub const FORGOT_WINDOW_SECS: i64 = 3600;

/// Requests for one e-mail in the window before more are refused (so a mailbox is not
/// flooded).
pub const FORGOT_MAX_PER_EMAIL: u64 = 3;

/// Requests from one client address in the window before more are refused.
pub const FORGOT_MAX_PER_IP: u64 = 20;

/// Whether another request for a forgotten password may go ahead, given those counted in
/// the window for the e-mail and for the client address. Counted whether or not the e-mail
/// has an account, so the answer tells nothing about it.
pub fn forgot_allowed(by_email: Failures, by_ip: Failures) -> bool {
    by_email.count < FORGOT_MAX_PER_EMAIL && by_ip.count < FORGOT_MAX_PER_IP
}

/// The forgotten-password form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ForgotForm {
    /// The account's e-mail, as typed.
    #[serde(default)]
    pub email: String,
}

/// Checks the forgotten-password form: an e-mail address (normalized).
pub fn validate_forgot(f: &ForgotForm, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    let email = normalize_email(&f.email);
    if email.is_empty() {
        e.add("email", lang.t("form.required"));
    } else if text::refusal(&email, Kind::Line, EMAIL_MAX).is_some() || !email.validate_email() {
        e.add("email", lang.t("signup.bad_email"));
    }
    e.into_result(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgotten_password_requests_are_counted_per_email_and_address() {
        let n = |count| Failures {
            count,
            oldest: None,
            newest: None,
        };
        assert!(forgot_allowed(n(0), n(0)));
        assert!(forgot_allowed(
            n(FORGOT_MAX_PER_EMAIL - 1),
            n(FORGOT_MAX_PER_IP - 1)
        ));
        assert!(!forgot_allowed(n(FORGOT_MAX_PER_EMAIL), n(0)));
        assert!(!forgot_allowed(n(0), n(FORGOT_MAX_PER_IP)));
        assert_eq!(FORGOT_TTL_SECS, 1800);
        let ok = validate_forgot(
            &ForgotForm {
                email: " Li@Example.org ".into(),
            },
            Lang::En,
        );
        assert_eq!(ok.unwrap(), "li@example.org");
        for bad in ["", "not-an-email", "a\u{0}b@example.org"] {
            let e = validate_forgot(&ForgotForm { email: bad.into() }, Lang::En).unwrap_err();
            assert!(e.get("email").is_some(), "{bad:?}");
        }
    }

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

    #[test]
    fn a_reason_is_trimmed_and_between_4_and_500_characters() {
        assert_eq!(
            validate_reason("  新入职社工  ", Lang::Zh).as_deref(),
            Ok("新入职社工")
        );
        assert_eq!(
            validate_reason("四个汉字", Lang::Zh).as_deref(),
            Ok("四个汉字")
        );
        assert_eq!(
            validate_reason("", Lang::En),
            Err(Lang::En.t("form.required"))
        );
        assert_eq!(
            validate_reason("   ", Lang::En),
            Err(Lang::En.t("form.required"))
        );
        let short = validate_reason(" abc ", Lang::En).unwrap_err();
        assert!(short.contains('4'), "{short}");
        assert_ne!(short, validate_reason(" abc ", Lang::Zh).unwrap_err());
        assert!(validate_reason(&"字".repeat(500), Lang::Zh).is_ok());
        let long = validate_reason(&"字".repeat(501), Lang::En).unwrap_err();
        assert!(long.contains("500"), "{long}");
        assert!(validate_reason("离职\u{0}了", Lang::En).is_err());
        assert!(validate_reason("第一行\n第二行", Lang::En).is_ok());
    }

    #[test]
    fn the_role_form_needs_a_role_a_direction_and_a_reason() {
        let f = |role: &str, grant: &str, reason: &str| RoleForm {
            role: role.into(),
            grant: grant.into(),
            reason: reason.into(),
            confirm: String::new(),
        };
        assert_eq!(
            validate_role_change(&f("evaluator", "1", " 专家库入选 "), Lang::Zh),
            Ok(RoleChange {
                role: Role::Evaluator,
                grant: true,
                reason: "专家库入选".into(),
            })
        );
        assert!(
            validate_role_change(&f("admin", "0", "调岗离任"), Lang::Zh).is_ok_and(|c| !c.grant)
        );
        let e = validate_role_change(&f("buyer", "2", ""), Lang::En).unwrap_err();
        assert!(e.get("role").is_some() && e.get("grant").is_some() && e.get("reason").is_some());
        let e = validate_role_change(&f("admin", "1", "ok"), Lang::En).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert!(e.get("reason").is_some());
    }

    #[test]
    fn separation_of_duties_table() {
        use super::super::policy::OrgRole::{Admin as OA, Member as OM};
        use DutyRefusal::*;
        for roles in [
            vec![],
            vec![Role::Regulator],
            vec![Role::Evaluator],
            vec![Role::IncubatorManager],
        ] {
            assert_eq!(may_join(&roles), Ok(()), "{roles:?}");
        }
        assert_eq!(may_join(&[Role::Admin]), Err(AdminCannotJoin));
        assert_eq!(
            may_join(&[Role::Evaluator, Role::Admin]),
            Err(AdminCannotJoin)
        );
        for r in Role::ALL {
            assert_eq!(may_grant(*r, 0), Ok(()));
            let with_memberships = may_grant(*r, 2);
            if *r == Role::Admin {
                assert_eq!(with_memberships, Err(MemberCannotBeAdmin));
                assert_eq!(may_revoke(*r, 1), Err(LastPlatformAdmin));
                assert_eq!(may_revoke(*r, 0), Err(LastPlatformAdmin));
            } else {
                assert_eq!(with_memberships, Ok(()));
                assert_eq!(may_revoke(*r, 1), Ok(()));
            }
            assert_eq!(may_revoke(*r, 2), Ok(()));
        }
        // (from, to, admins) -> refused?
        let cases = [
            (Some(OA), None, 1, true),
            (Some(OA), Some(OM), 1, true),
            (Some(OA), Some(OA), 1, false),
            (Some(OA), None, 2, false),
            (Some(OA), Some(OM), 2, false),
            (Some(OM), None, 1, false),
            (Some(OM), Some(OA), 1, false),
            (None, Some(OM), 1, false),
            (None, Some(OA), 0, false),
        ];
        for (from, to, admins, refused) in cases {
            assert_eq!(
                keeps_an_admin(from, to, admins) == Err(LastOrgAdmin),
                refused,
                "{from:?} -> {to:?} with {admins}"
            );
        }
        for r in DutyRefusal::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert!(!r.label(lang).contains("duties.refuse"), "{r:?}");
            }
        }
    }

    #[test]
    fn new_passwords_are_checked_the_same_everywhere() {
        let pw = |p: &str, c: &str| {
            let mut e = FieldErrors::default();
            check_new_password(&mut e, p, c, Lang::En);
            (
                e.get("password").is_some(),
                e.get("password_confirm").is_some(),
            )
        };
        assert_eq!(pw("long enough", "long enough"), (false, false));
        assert_eq!(pw("short", "short"), (true, false));
        assert_eq!(pw("1234567", "1234567"), (true, false));
        assert_eq!(pw("12345678", "12345678"), (false, false));
        // Characters, not bytes: eight Chinese characters are enough.
        assert_eq!(pw("社会组织服务平台", "社会组织服务平台"), (false, false));
        assert_eq!(pw("long enough", "long enougH"), (false, true));
        let huge = "x".repeat(PASSWORD_MAX + 1);
        assert_eq!(pw(&huge, &huge), (true, false));
        let reset = ResetForm {
            password: "abc".into(),
            password_confirm: "abd".into(),
        };
        let e = validate_reset(&reset, Lang::Zh).unwrap_err();
        assert!(e.get("password").is_some() && e.get("password_confirm").is_some());
    }

    #[test]
    fn a_password_change_needs_the_current_one_and_a_different_new_one() {
        let f = |cur: &str, new: &str| PasswordForm {
            current_password: cur.into(),
            password: new.into(),
            password_confirm: new.into(),
        };
        assert_eq!(
            validate_password_change(&f("old secret", "new secret"), Lang::En),
            Ok("new secret".to_string())
        );
        let e = validate_password_change(&f("", "new secret"), Lang::En).unwrap_err();
        assert!(e.get("current_password").is_some() && e.get("password").is_none());
        let e = validate_password_change(&f("same secret", "same secret"), Lang::En).unwrap_err();
        assert!(e.get("password").is_some());
        let e = validate_password_change(&f("x".repeat(2000).as_str(), "new secret"), Lang::En)
            .unwrap_err();
        assert!(e.get("current_password").is_some());
    }

    #[test]
    fn disabling_needs_a_reason_and_enabling_does_not() {
        let f = |d: &str, r: &str| StatusForm {
            disable: d.into(),
            reason: r.into(),
            confirm: String::new(),
        };
        assert_eq!(
            validate_status(&f("1", "left the bureau"), Lang::En),
            Ok(Some("left the bureau".to_string()))
        );
        assert!(
            validate_status(&f("1", ""), Lang::En)
                .unwrap_err()
                .get("reason")
                .is_some()
        );
        assert_eq!(validate_status(&f("0", ""), Lang::En), Ok(None));
        assert!(
            validate_status(&f("2", "x y z w"), Lang::En)
                .unwrap_err()
                .get("disable")
                .is_some()
        );
    }

    #[test]
    fn reset_links_are_hex_secrets_stored_hashed_and_single_use() {
        let t = "0123456789abcdef".repeat(4);
        assert!(plausible_reset_token(&t));
        assert!(!plausible_reset_token(&t[1..]));
        assert!(!plausible_reset_token(&t.to_uppercase()));
        assert!(!plausible_reset_token(&format!("{}g", &t[1..])));
        assert!(!plausible_reset_token(""));
        let h = reset_token_hash(&t);
        assert_eq!(h.len(), 64);
        assert_ne!(h, t);
        assert_eq!(h, reset_token_hash(&t));
        assert_eq!(reset_link_state(None, 100, 99), ResetLink::Usable);
        assert_eq!(reset_link_state(None, 100, 100), ResetLink::Expired);
        assert_eq!(reset_link_state(Some(50), 100, 99), ResetLink::Used);
        assert_eq!(reset_link_state(Some(50), 100, 200), ResetLink::Used);
    }
}
