//! Pure inbox rules: the kinds of notice, their parameters, and how a notice reads in a
//! language. A notice stores its kind code and a JSON object of parameters, never rendered
//! text, so it reads in whichever language its recipient uses when they open it.
//!
//! Adding a kind (issue 11 and later) is three lines: a variant below, and the keys
//! `inbox.kind.<code>` (a short title) and `inbox.text.<code>` (the text, with `%{name}`
//! placeholders) in both locale files; the test `every_kind_reads_in_both_languages` fails
//! until both exist.

use serde_json::{Map, Value};

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;

code_enum! {
    /// What a notice is about.
    Kind => "inbox.kind" {
        /// A user joined an organization (to the user and the organization's administrators).
        OrgMemberAdded = "org_member_added",
        /// A user left or was removed from an organization.
        OrgMemberRemoved = "org_member_removed",
        /// A member's role in an organization changed.
        OrgMemberRoleChanged = "org_member_role",
        /// A buyer was added to a purchasing unit (to the buyer and the unit's buyers).
        UnitBuyerAdded = "unit_buyer_added",
        /// A buyer was removed from a purchasing unit.
        UnitBuyerRemoved = "unit_buyer_removed",
        /// A platform role was granted (to the user and the other platform administrators).
        RoleGranted = "role_granted",
        /// A platform role was revoked.
        RoleRevoked = "role_revoked",
        /// Someone tried to sign up with the recipient's e-mail (to the recipient only).
        SignupAttempt = "signup_attempt",
        /// A purchasing unit terminated a contract early (to the supplier's administrators).
        ContractTerminated = "contract_terminated",
        /// An evaluator was replaced on a tender (to the evaluator taken off it).
        EvaluatorRemoved = "evaluator_removed",
        /// An evaluator was put on a tender in another's place (to the new evaluator).
        EvaluatorAssigned = "evaluator_assigned",
        /// A regulator verified an organization (to its administrators).
        OrgVerified = "org_verified",
        /// A regulator refused an organization's registration (to its administrators).
        OrgVerificationRefused = "org_verification_refused",
        /// A user claimed an organization's record (to the regulators and its
        /// administrators).
        OrgClaimSubmitted = "org_claim_submitted",
        /// A claim was approved (to the claimant and the organization's administrators).
        OrgClaimApproved = "org_claim_approved",
        /// A claim was refused (to the claimant and the organization's administrators).
        OrgClaimRefused = "org_claim_refused",
        /// A venture-philanthropy call was published (to the organizer's other buyers or
        /// administrators).
        CallPublished = "call_published",
        /// A venture-philanthropy call was cancelled, with the reason (likewise).
        CallCancelled = "call_cancelled",
        /// A regulator accepted an annual report (to the organization's administrators).
        AnnualReportAccepted = "annual_report_accepted",
        /// A regulator returned an annual report with reasons (to its administrators).
        AnnualReportReturned = "annual_report_returned",
        /// A regulator recorded a penalty on an organization (to its administrators).
        PenaltyRecorded = "penalty_recorded",
        /// A user was made a manager of an incubator (to the user).
        IncubatorManagerAdded = "incubator_manager_added",
        /// A user is no longer a manager of an incubator (to the user).
        IncubatorManagerRemoved = "incubator_manager_removed",
        /// An application to an incubator was submitted (to its managers).
        IncubatorApplicationSubmitted = "incubator_application_submitted",
        /// An application to an incubator moved on (to the applicant).
        IncubatorApplicationMoved = "incubator_application_moved",
        /// An incubator's manager wrote to the applicant.
        IncubatorMessage = "incubator_message",
        /// Written notice that a credit rule will list the organization unless it objects
        /// within the period (to its administrators).
        CreditNoticed = "credit_noticed",
        /// The organization was put on a credit list (to its administrators).
        CreditListed = "credit_listed",
        /// The organization was taken off a credit list (to its administrators).
        CreditRemoved = "credit_removed",
        /// A regulator answered the organization's objection (to its administrators).
        CreditObjectionAnswered = "credit_objection_answered",
        /// A proposal was submitted (or revised) to a call the recipient organizes.
        ProposalSubmitted = "proposal_submitted",
        /// The recipient's proposal moved on (with the organizer's message).
        ProposalMoved = "proposal_moved",
        /// A proposal to a call the recipient organizes was withdrawn by its applicant
        /// (with the reason).
        ProposalWithdrawn = "proposal_withdrawn",
        /// A grant the recipient holds or organizes moved on (signed, paid, a report, an
        /// amendment, completion), to the other side.
        GrantUpdate = "grant_update",
        /// A grant report is due soon or overdue (to the recipient, once each).
        GrantReminder = "grant_reminder",
        /// Written notice that the organization meets the zombie criteria, with the
        /// objection period (to its administrators).
        ZombieNoticed = "zombie_noticed",
        /// A regulator decided the organization's zombie case (to its administrators).
        ZombieDecided = "zombie_decided",
        /// The recipient was assigned to review a subject (a proposal).
        ReviewAssigned = "review_assigned",
        /// The recipient was taken off a review, with the reason (their sheet discarded).
        ReviewUnassigned = "review_unassigned",
        /// A tenancy agreement moved on (drafted or renewed, accepted, countersigned, ended
        /// early), to the other side.
        TenancyAgreement = "tenancy_agreement",
        /// The buyer recorded a payment (whole or part) of a contract milestone, to the
        /// supplier's administrators.
        MilestonePaid = "milestone_paid",
        /// A platform administrator reset the recipient's two-factor sign-in, with the
        /// reason (to the recipient only).
        TwoFactorReset = "two_factor_reset",
    }
}

/// The values a notice's text names. A value is either text shown as stored (a name, a
/// reason) or a locale key translated when the notice is shown (a role), so a notice written
/// for a Chinese-speaking actor still reads in English for an English-speaking recipient.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(Map<String, Value>);

/// The parameter naming a page of the site the notice is about.
pub const LINK: &str = "link";

impl Params {
    /// No parameters.
    pub fn new() -> Params {
        Params::default()
    }

    /// Adds a value shown as given.
    pub fn text(mut self, name: &str, value: impl Into<String>) -> Params {
        self.0.insert(name.to_string(), Value::String(value.into()));
        self
    }

    /// Adds a value shown as the translation of a locale key.
    pub fn label(mut self, name: &str, key: impl Into<String>) -> Params {
        let mut m = Map::new();
        m.insert("t".to_string(), Value::String(key.into()));
        self.0.insert(name.to_string(), Value::Object(m));
        self
    }

    /// Adds the site path the notice is about (shown as a link when it is a local path).
    pub fn link(self, path: impl Into<String>) -> Params {
        self.text(LINK, path)
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }

    /// Reads the stored form; anything unreadable gives no parameters.
    pub fn from_json(s: &str) -> Params {
        match serde_json::from_str(s) {
            Ok(Value::Object(m)) => Params(m),
            _ => Params::default(),
        }
    }

    /// A value as shown in `lang`.
    pub fn get(&self, name: &str, lang: Lang) -> Option<String> {
        match self.0.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => match m.get("t") {
                Some(Value::String(key)) => Some(lang.t(key)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The local page the notice links to: only a site-relative path (`/…`, not `//…`),
    /// so a stored value can never send the reader off the site.
    pub fn local_link(&self) -> Option<String> {
        match self.0.get(LINK) {
            Some(Value::String(p)) if p.starts_with('/') && !p.starts_with("//") => Some(p.clone()),
            _ => None,
        }
    }
}

/// A notice's title in `lang` (a kind code from a newer version reads as a plain "notice").
pub fn title(kind: &str, lang: Lang) -> String {
    match Kind::parse(kind) {
        Some(k) => k.label(lang),
        None => lang.t("inbox.kind.unknown"),
    }
}

/// A notice's text in `lang`: its kind's text with every `%{name}` filled from the
/// parameters. A placeholder whose value is missing is left out rather than shown raw.
pub fn text(kind: &str, params: &Params, lang: Lang) -> String {
    let Some(k) = Kind::parse(kind) else {
        return String::new();
    };
    let template = lang.t(&format!("inbox.text.{}", k.code()));
    fill(&template, |name| params.get(name, lang))
}

/// Replaces each `%{name}` in `template` with `value(name)`, or with nothing.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find("%{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find('}') {
            Some(end) => {
                out.push_str(&value(&after[..end]).unwrap_or_default());
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The kind of a queued mail that carries no notice: a password-reset link (its parameter
/// `link` is the whole address; it is the only mail a user cannot turn off).
pub const MAIL_PASSWORD_RESET: &str = "password_reset";

/// How often a mail is tried before the queue gives up on it.
pub const MAIL_MAX_ATTEMPTS: i32 = 8;

/// How long a sender holds a row it is sending before another may take it (seconds).
pub const MAIL_CLAIM_SECS: i64 = 120;

/// Whether a kind of notice also comes by e-mail for a user who has not chosen: everything
/// that asks something of the user or decides about them, not the routine news of their
/// colleagues (membership changes, a colleague's published call).
pub fn mailed_by_default(k: Kind) -> bool {
    !matches!(
        k,
        Kind::OrgMemberAdded
            | Kind::OrgMemberRemoved
            | Kind::OrgMemberRoleChanged
            | Kind::UnitBuyerAdded
            | Kind::UnitBuyerRemoved
            | Kind::CallPublished
    )
}

/// The kinds mailed to a user who has not chosen.
pub fn default_mail_kinds() -> Vec<Kind> {
    Kind::ALL
        .iter()
        .copied()
        .filter(|k| mailed_by_default(*k))
        .collect()
}

/// The stored form of a choice of kinds: their codes, comma-separated, in `Kind::ALL` order.
pub fn kinds_to_codes(kinds: &[Kind]) -> String {
    Kind::ALL
        .iter()
        .copied()
        .filter(|k| kinds.contains(k))
        .map(|k| k.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads [`kinds_to_codes`]; codes of kinds that no longer exist are dropped.
pub fn kinds_from_codes(s: &str) -> Vec<Kind> {
    let codes: Vec<&str> = s.split(',').map(str::trim).collect();
    Kind::ALL
        .iter()
        .copied()
        .filter(|k| codes.contains(&k.code()))
        .collect()
}

/// The e-mail settings form: the chosen kinds (checkboxes, repeated `kind`) and the language.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct MailSettingsForm {
    /// Codes of the chosen kinds.
    #[serde(default)]
    pub kind: Vec<String>,
    /// `zh-CN` or `en`.
    #[serde(default)]
    pub lang: String,
}

/// Validates the settings form: every code a known kind, the language one of ours. No box
/// ticked is a valid choice (no e-mail but password resets).
pub fn validate_mail_settings(
    f: &MailSettingsForm,
    lang: Lang,
) -> Result<(Vec<Kind>, Lang), crate::kernel::error::FieldErrors> {
    let mut e = crate::kernel::error::FieldErrors::default();
    let mut kinds = Vec::new();
    for code in &f.kind {
        match Kind::parse(code.trim()) {
            Some(k) => kinds.push(k),
            None => {
                if e.get("kind").is_none() {
                    e.add("kind", lang.t("mail_settings.unknown_kind"));
                }
            }
        }
    }
    let chosen = match f.lang.trim() {
        "zh-CN" => Some(Lang::Zh),
        "en" => Some(Lang::En),
        _ => None,
    };
    if chosen.is_none() {
        e.add("lang", lang.t("mail_settings.bad_lang"));
    }
    match chosen {
        Some(l) if e.is_empty() => Ok((kinds, l)),
        _ => Err(e),
    }
}

/// The delay before try number `attempts + 1` after `attempts` failures: a minute, doubled
/// each time, at most six hours.
pub fn mail_retry_delay(attempts: i32) -> i64 {
    let n = attempts.clamp(1, 30) as u32 - 1;
    60i64.saturating_mul(1i64 << n.min(20)).min(6 * 3600)
}

/// A mail's subject and plain-text body in `lang`: a notice reads as in the inbox, with the
/// page it names and the settings page as full addresses under `base_url`; a reset mail
/// carries its link. `None` for a kind this version does not know.
pub fn mail_text(
    kind: &str,
    params: &Params,
    lang: Lang,
    base_url: &str,
) -> Option<(String, String)> {
    let base = base_url.trim_end_matches('/');
    let site = lang.t("site.name");
    if kind == MAIL_PASSWORD_RESET {
        let link = params.get(LINK, lang)?;
        let subject = format!("[{site}] {}", lang.t("mail.reset.subject"));
        let body = lang.tf(
            "mail.reset.body",
            &[("link", &format!("{base}{link}")), ("minutes", "30")],
        );
        return Some((subject, body));
    }
    let k = Kind::parse(kind)?;
    let subject = format!("[{site}] {}", k.label(lang));
    let mut body = text(kind, params, lang);
    if let Some(path) = params.local_link() {
        body.push_str("\n\n");
        body.push_str(&lang.tf("mail.open", &[("link", &format!("{base}{path}"))]));
    }
    body.push_str("\n\n-- \n");
    body.push_str(&lang.tf(
        "mail.footer",
        &[("settings", &format!("{base}/me/settings"))],
    ));
    Some((subject, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_defaults_codes_and_settings() {
        let d = default_mail_kinds();
        assert!(d.contains(&Kind::ContractTerminated));
        assert!(d.contains(&Kind::SignupAttempt));
        assert!(!d.contains(&Kind::OrgMemberAdded));
        assert_eq!(kinds_from_codes(&kinds_to_codes(&d)), d);
        assert_eq!(kinds_from_codes(""), Vec::<Kind>::new());
        assert_eq!(
            kinds_from_codes("no_such_kind,role_granted"),
            vec![Kind::RoleGranted]
        );
        let ok = MailSettingsForm {
            kind: vec!["role_granted".into(), "penalty_recorded".into()],
            lang: "en".into(),
        };
        assert_eq!(
            validate_mail_settings(&ok, Lang::Zh).unwrap(),
            (vec![Kind::RoleGranted, Kind::PenaltyRecorded], Lang::En)
        );
        let none = MailSettingsForm {
            kind: vec![],
            lang: "zh-CN".into(),
        };
        assert_eq!(
            validate_mail_settings(&none, Lang::Zh).unwrap(),
            (vec![], Lang::Zh)
        );
        let bad = MailSettingsForm {
            kind: vec!["x".into(), "y".into()],
            lang: "fr".into(),
        };
        let e = validate_mail_settings(&bad, Lang::En).unwrap_err();
        assert_eq!(e.0.len(), 2, "{e:?}");
        assert!(e.get("kind").is_some() && e.get("lang").is_some());
    }

    #[test]
    fn mail_retries_back_off_to_six_hours() {
        assert_eq!(mail_retry_delay(1), 60);
        assert_eq!(mail_retry_delay(2), 120);
        assert_eq!(mail_retry_delay(3), 240);
        assert_eq!(mail_retry_delay(0), 60);
        assert_eq!(mail_retry_delay(MAIL_MAX_ATTEMPTS), 60 << 7);
        assert_eq!(mail_retry_delay(40), 6 * 3600);
        for a in 1..40 {
            assert!(mail_retry_delay(a + 1) >= mail_retry_delay(a));
        }
    }

    #[test]
    fn mails_read_in_the_recipients_language() {
        let p = Params::new()
            .text("user", "李明")
            .label("role", "role.regulator")
            .text("by", "王芳")
            .text("reason", "岗位调整")
            .link("/me");
        for lang in [Lang::Zh, Lang::En] {
            let (subject, body) =
                mail_text(Kind::RoleGranted.code(), &p, lang, "https://cb.example/").unwrap();
            assert!(
                subject.contains(&Kind::RoleGranted.label(lang)),
                "{subject}"
            );
            assert!(body.contains("岗位调整"), "{body}");
            assert!(body.contains(&lang.t("role.regulator")), "{body}");
            assert!(
                body.contains("https://cb.example/me\n") || body.contains("https://cb.example/me "),
                "{body}"
            );
            assert!(body.contains("https://cb.example/me/settings"), "{body}");
            assert!(!body.contains("%{"), "{body}");
        }
        let (zh, _) = mail_text(Kind::RoleGranted.code(), &p, Lang::Zh, "x").unwrap();
        let (en, _) = mail_text(Kind::RoleGranted.code(), &p, Lang::En, "x").unwrap();
        assert_ne!(zh, en);
        let reset = Params::new().link("/password/reset/abc");
        let (s, b) = mail_text(MAIL_PASSWORD_RESET, &reset, Lang::En, "http://h:1").unwrap();
        assert!(!s.is_empty());
        assert!(b.contains("http://h:1/password/reset/abc"), "{b}");
        assert!(b.contains("30"), "{b}");
        assert_eq!(
            mail_text(MAIL_PASSWORD_RESET, &Params::new(), Lang::En, "x"),
            None
        );
        assert_eq!(mail_text("no_such_kind", &p, Lang::En, "x"), None);
    }

    #[test]
    fn every_kind_reads_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            for k in Kind::ALL {
                for key in [
                    format!("inbox.kind.{}", k.code()),
                    format!("inbox.text.{}", k.code()),
                ] {
                    let s = lang.t(&key);
                    assert!(
                        !s.is_empty() && !s.contains(&key),
                        "{} has no text for {key}",
                        lang.code()
                    );
                }
            }
        }
        // Codes fit the column (32) and are distinct.
        let mut codes: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        assert!(codes.iter().all(|c| c.len() <= 32));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Kind::ALL.len());
    }

    #[test]
    fn params_round_trip_and_translate_labels_at_reading_time() {
        let p = Params::new()
            .text("org", "阳光养老")
            .label("role", "org.role.admin")
            .link("/orgs/7");
        let back = Params::from_json(&p.to_json());
        assert_eq!(back, p);
        assert_eq!(back.get("org", Lang::En).as_deref(), Some("阳光养老"));
        assert_eq!(
            back.get("role", Lang::En),
            Some(Lang::En.t("org.role.admin"))
        );
        assert_eq!(
            back.get("role", Lang::Zh),
            Some(Lang::Zh.t("org.role.admin"))
        );
        assert_ne!(back.get("role", Lang::En), back.get("role", Lang::Zh));
        assert_eq!(back.get("missing", Lang::En), None);
        assert_eq!(Params::from_json("not json"), Params::default());
        assert_eq!(Params::from_json("[1]"), Params::default());
    }

    #[test]
    fn links_stay_on_the_site() {
        assert_eq!(
            Params::new().link("/orgs/7").local_link().as_deref(),
            Some("/orgs/7")
        );
        for bad in ["//evil.example", "https://evil.example", "javascript:x", ""] {
            assert_eq!(Params::new().link(bad).local_link(), None, "{bad}");
        }
        assert_eq!(Params::new().local_link(), None);
    }

    #[test]
    fn placeholders_fill_or_vanish() {
        let v = |n: &str| (n == "a").then(|| "X".to_string());
        assert_eq!(fill("%{a} and %{b}.", v), "X and .");
        assert_eq!(fill("no placeholders", v), "no placeholders");
        assert_eq!(fill("open %{a", v), "open %{a");
        assert_eq!(fill("", v), "");
    }

    #[test]
    fn texts_name_what_happened() {
        let p = Params::new()
            .text("user", "李明")
            .text("org", "阳光养老")
            .label("role", "org.role.member")
            .text("by", "王芳")
            .text("reason", "新入职社工");
        let s = text(Kind::OrgMemberAdded.code(), &p, Lang::En);
        for part in ["李明", "阳光养老", "新入职社工", "王芳"] {
            assert!(s.contains(part), "{s}");
        }
        assert!(!s.contains("%{"), "{s}");
        assert_eq!(text("no_such_kind", &p, Lang::En), "");
        assert_eq!(
            title("no_such_kind", Lang::En),
            Lang::En.t("inbox.kind.unknown")
        );
    }
}
