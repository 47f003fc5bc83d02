//! Two-factor sign-in, the pure part: which time step a six-digit code (RFC 6238, through
//! `totp-rs`) was made for, with ±1 step of skew and never a step at or before the last one
//! accepted (so a code works once); the recovery codes' shape, normalization and hash; who
//! must use a second factor. No I/O, no clock: "now" is passed in.

use super::rules::Role;
use crate::kernel::Lang;

/// Seconds a code lasts (RFC 6238's recommended step).
pub const STEP_SECS: i64 = 30;
/// Steps either side of the current one a code may come from (clock drift, typing time).
pub const SKEW: i64 = 1;
/// Digits of a code.
pub const DIGITS: usize = 6;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// Recovery codes issued at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Bytes of randomness in a recovery code: 80 bits, 16 characters of base 32, so the plain
/// SHA-256 kept of it cannot be reversed by trying codes.
pub const RECOVERY_BYTES: usize = 10;
/// How long the second step of a sign-in waits for its code after the password (seconds).
pub const PENDING_TTL_SECS: i64 = 5 * 60;
/// The issuer an authenticator app shows next to the account.
pub const ISSUER: &str = "CivicBridge";

/// Crockford's base 32 (no I, L, O, U): read aloud and typed without ambiguity.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// Nothing that looks like a six-digit code or a recovery code.
    Malformed,
    /// Not the code of any step in the window, or not an unused recovery code.
    Wrong,
    /// The right code, but its step was already used (a replayed code).
    Replayed,
}

impl CodeRefusal {
    /// The message next to the code field, in the reader's language.
    pub fn label(self, lang: Lang) -> String {
        lang.t(match self {
            CodeRefusal::Malformed => "two_factor.code_malformed",
            CodeRefusal::Wrong => "two_factor.code_wrong",
            CodeRefusal::Replayed => "two_factor.code_replayed",
        })
    }
}

/// What the user typed in a code field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entered {
    /// Six digits (spaces removed).
    Code(String),
    /// A recovery code, normalized (lower case, no separators, look-alikes mapped).
    Recovery(String),
}

/// Reads a code field: six digits, or a recovery code; `None` for anything else.
pub fn parse_entered(input: &str) -> Option<Entered> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if compact.len() == DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Entered::Code(compact));
    }
    normalize_recovery(&compact).map(Entered::Recovery)
}

/// A secret's `totp-rs` generator (SHA-1, six digits, 30 s: what every authenticator app
/// reads), labelled for the otpauth URI; `None` for a secret shorter than 128 bits.
pub fn generator(secret: &[u8], account: &str) -> Option<totp_rs::Totp> {
    // The URI's label may not hold a colon; an e-mail never does, but stay safe.
    let account = account.replace(':', " ");
    totp_rs::Builder::new()
        .with_secret(secret.to_vec())
        .with_digits(DIGITS as u8)
        .with_step_duration(STEP_SECS as u64)
        .with_skew(SKEW as u16)
        .with_account_name(account)
        .with_issuer(Some(ISSUER))
        .build()
        .ok()
}

/// The code of one time step.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    generator(secret, "")
        .map(|g| g.generate((step.max(0) * STEP_SECS) as u64).to_string())
        .unwrap_or_default()
}

/// The time step of an instant (Unix seconds).
pub fn step_of(now: i64) -> i64 {
    now.div_euclid(STEP_SECS)
}

/// The step a six-digit code was made for, within ±[`SKEW`] of `now`'s, and after
/// `last_step` (the last one accepted), or why not. Every step of the window is compared in
/// constant time, so the answer's timing says nothing about which one matched.
pub fn accepted_step(
    secret: &[u8],
    code: &str,
    now: i64,
    last_step: Option<i64>,
) -> Result<i64, CodeRefusal> {
    use subtle::ConstantTimeEq;
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeRefusal::Malformed);
    }
    let current = step_of(now);
    let mut matched = None;
    for step in current - SKEW..=current + SKEW {
        let expected = code_at_step(secret, step);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && matched.is_none() {
            matched = Some(step);
        }
    }
    match matched {
        None => Err(CodeRefusal::Wrong),
        Some(step) if last_step.is_some_and(|last| step <= last) => Err(CodeRefusal::Replayed),
        Some(step) => Ok(step),
    }
}

/// A secret in base 32 (RFC 4648, what authenticator apps take when typed), in groups of
/// four for reading.
pub fn secret_for_display(secret: &[u8]) -> String {
    let plain = totp_rs::Secret::from(secret.to_vec()).to_base32();
    plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A recovery code from random bytes: 16 characters of Crockford base 32 in four groups.
pub fn recovery_code(bytes: &[u8; RECOVERY_BYTES]) -> String {
    let mut bits: u128 = 0;
    for b in bytes {
        bits = (bits << 8) | u128::from(*b);
    }
    let chars: Vec<u8> = (0..16)
        .rev()
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize])
        .collect();
    chars
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A recovery code as typed, normalized (case, separators and spaces ignored; I and L read
/// as 1, O as 0), or `None` when it cannot be one.
pub fn normalize_recovery(input: &str) -> Option<String> {
    let out: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_lowercase() {
            'i' | 'l' => '1',
            'o' => '0',
            c => c,
        })
        .collect();
    (out.len() == 16 && out.bytes().all(|b| ALPHABET.contains(&b))).then_some(out)
}

/// What is stored of a recovery code: hex SHA-256 of the user and the normalized code (the
/// user in it, so one hash is worth nothing for another account).
pub fn recovery_hash(user_id: i64, normalized: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(
        format!("civicbridge-recovery:{user_id}:{normalized}").as_bytes(),
    ))
}

/// Reads `CIVICBRIDGE_REQUIRE_2FA_ROLES`: role codes separated by commas (empty: nobody).
pub fn parse_required_roles(value: &str) -> Result<Vec<Role>, String> {
    let mut roles = Vec::new();
    for code in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let role = Role::parse(code).ok_or_else(|| {
            format!(
                "CIVICBRIDGE_REQUIRE_2FA_ROLES: unknown role {code:?} (known: admin, regulator, evaluator, incubator_manager)"
            )
        })?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// Whether a user with these roles must sign in with a second factor.
pub fn required_for(roles: &[Role], required: &[Role]) -> bool {
    roles.iter().any(|r| required.contains(r))
}

/// Whether a sign-in's second step begun at `started` may still be finished at `now`.
pub fn pending_alive(started: i64, now: i64) -> bool {
    now >= started && now - started <= PENDING_TTL_SECS
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_vectors_in_six_digits() {
        // RFC 6238 appendix B (SHA-1), the last six of its eight digits.
        for (t, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at_step(RFC_SECRET, step_of(t)), code, "t = {t}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_not_further() {
        let now = 1_111_111_109;
        let s = step_of(now);
        for d in -1..=1 {
            let code = code_at_step(RFC_SECRET, s + d);
            assert_eq!(accepted_step(RFC_SECRET, &code, now, None), Ok(s + d));
        }
        for d in [-2, 2] {
            let code = code_at_step(RFC_SECRET, s + d);
            assert_eq!(
                accepted_step(RFC_SECRET, &code, now, None),
                Err(CodeRefusal::Wrong)
            );
        }
    }

    #[test]
    fn a_step_at_or_before_the_last_accepted_is_a_replay() {
        let now = 1_234_567_890;
        let s = step_of(now);
        let code = code_at_step(RFC_SECRET, s);
        assert_eq!(
            accepted_step(RFC_SECRET, &code, now, Some(s)),
            Err(CodeRefusal::Replayed)
        );
        assert_eq!(
            accepted_step(RFC_SECRET, &code, now, Some(s + 1)),
            Err(CodeRefusal::Replayed)
        );
        assert_eq!(accepted_step(RFC_SECRET, &code, now, Some(s - 1)), Ok(s));
    }

    #[test]
    fn malformed_codes_are_told_apart() {
        for bad in ["", "12345", "1234567", "12a456"] {
            assert_eq!(
                accepted_step(RFC_SECRET, bad, 59, None),
                Err(CodeRefusal::Malformed)
            );
        }
    }

    #[test]
    fn entered_codes_are_read_generously() {
        assert_eq!(
            parse_entered(" 287 082 "),
            Some(Entered::Code("287082".into()))
        );
        let code = recovery_code(&[0xAB; RECOVERY_BYTES]);
        assert_eq!(code.len(), 19);
        let normalized = normalize_recovery(&code).unwrap();
        assert_eq!(
            parse_entered(&code.to_uppercase()),
            Some(Entered::Recovery(normalized.clone()))
        );
        assert_eq!(
            parse_entered(&normalized),
            Some(Entered::Recovery(normalized))
        );
        assert_eq!(parse_entered("hello"), None);
        assert_eq!(parse_entered("1234"), None);
        // Look-alikes read as digits.
        assert_eq!(
            normalize_recovery("IIII-LLLL-OOOO-0000").as_deref(),
            Some("1111111100000000")
        );
        assert_eq!(normalize_recovery("uuuu-uuuu-uuuu-uuuu"), None);
    }

    #[test]
    fn recovery_codes_differ_by_bytes_and_hashes_by_user() {
        let a = recovery_code(&[0; RECOVERY_BYTES]);
        let b = recovery_code(&[1; RECOVERY_BYTES]);
        assert_eq!(a, "0000-0000-0000-0000");
        assert_ne!(a, b);
        let n = normalize_recovery(&b).unwrap();
        assert_ne!(recovery_hash(1, &n), recovery_hash(2, &n));
        assert_eq!(recovery_hash(1, &n).len(), 64);
    }

    #[test]
    fn required_roles_parse_and_apply() {
        assert_eq!(parse_required_roles(""), Ok(vec![]));
        assert_eq!(
            parse_required_roles(" admin, regulator ,admin"),
            Ok(vec![Role::Admin, Role::Regulator])
        );
        assert!(parse_required_roles("admin,boss").is_err());
        assert!(required_for(
            &[Role::Regulator],
            &[Role::Admin, Role::Regulator]
        ));
        assert!(!required_for(&[Role::Evaluator], &[Role::Admin]));
        assert!(!required_for(&[], &[Role::Admin]));
    }

    #[test]
    fn the_uri_and_the_typed_secret_carry_the_same_secret() {
        let g = generator(RFC_SECRET, "ann@example.org").unwrap();
        let uri = g.to_url().unwrap();
        assert!(uri.starts_with("otpauth://totp/CivicBridge:ann"), "{uri}");
        assert!(uri.contains("issuer=CivicBridge"), "{uri}");
        assert!(
            uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{uri}"
        );
        assert_eq!(
            secret_for_display(RFC_SECRET),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
        assert!(generator(b"short", "x").is_none());
    }

    #[test]
    fn the_second_step_waits_five_minutes() {
        assert!(pending_alive(100, 100));
        assert!(pending_alive(100, 100 + PENDING_TTL_SECS));
        assert!(!pending_alive(100, 101 + PENDING_TTL_SECS));
        assert!(!pending_alive(100, 99));
    }
}
