//! Pure complaint rules: the case's states and their one transition function, the time limit
//! of each state and what is overdue, the tracking code (its alphabet, formatting,
//! normalization and the hash kept instead of it), the attachment's type by content, and
//! the validation of every form. No I/O, no clock: "now" and random bytes come in as
//! arguments.

use sha2::{Digest, Sha256};

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};

/// The longest each free-text field may be, in characters: the one place these limits are
/// set.
pub mod limits {
    /// The organization named (its name or USCC).
    pub const ORG: usize = 200;
    /// The complaint's subject.
    pub const SUBJECT: usize = 200;
    /// What happened.
    pub const BODY: usize = 5_000;
    /// How to reach the complainant.
    pub const CONTACT: usize = 200;
    /// A regulator's reply or internal note.
    pub const REPLY: usize = 3_000;
    /// The conclusion's public text.
    pub const OUTCOME: usize = 3_000;
}

/// The largest attachment accepted (a scan or a photo).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The most attachments one complaint may carry.
pub const MAX_FILES: usize = 3;

/// Seconds in a day.
const DAY: i64 = 86_400;

code_enum! {
    /// Where a complaint stands.
    #[serde(rename_all = "snake_case")]
    CaseState => "complaints.state" {
        /// Filed, waiting for a regulator to take it.
        Received = "received",
        /// A regulator is responsible for it.
        Assigned = "assigned",
        /// Under investigation.
        Investigating = "investigating",
        /// Decided, with an outcome.
        Concluded = "concluded",
    }
}

code_enum! {
    /// How a complaint was concluded.
    #[serde(rename_all = "snake_case")]
    Outcome => "complaints.outcome" {
        /// The complaint was well founded; the organization was dealt with.
        Substantiated = "substantiated",
        /// Partly well founded.
        Partly = "partly",
        /// Not borne out by the investigation.
        Unfounded = "unfounded",
        /// Outside civil affairs' remit: passed to the competent authority.
        Referred = "referred",
    }
}

/// What can happen to a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseEvent {
    /// A regulator is made responsible (again, when reassigned).
    Assign,
    /// The responsible regulator starts investigating.
    Investigate,
    /// The case is decided.
    Conclude,
}

/// A transition that is not allowed from the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    /// The state it was in.
    pub from: CaseState,
    /// What was tried.
    pub event: CaseEvent,
}

impl IllegalTransition {
    /// The message shown to the user.
    pub fn message(self, lang: Lang) -> String {
        lang.tf(
            "complaints.err.transition",
            &[("state", &self.from.label(lang))],
        )
    }
}

impl CaseState {
    /// The one transition function: the state after `event`, or why not. A case may be
    /// reassigned until it is investigated; only a case under investigation is concluded.
    pub fn apply(self, event: CaseEvent) -> Result<CaseState, IllegalTransition> {
        use CaseEvent as E;
        use CaseState as S;
        match (self, event) {
            (S::Received | S::Assigned, E::Assign) => Ok(S::Assigned),
            (S::Assigned, E::Investigate) => Ok(S::Investigating),
            (S::Investigating, E::Conclude) => Ok(S::Concluded),
            (from, event) => Err(IllegalTransition { from, event }),
        }
    }

    /// Whether the case is still being handled.
    pub fn is_open(self) -> bool {
        self != CaseState::Concluded
    }
}

/// The time limit of each open state, in calendar days, configurable per locality
/// (`CIVICBRIDGE_COMPLAINT_DAYS=received,assigned,investigating`). The defaults follow
/// common practice for petitions (受理 within a few days, a decision within 30 days)
/// **(verify)**.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimits {
    /// Days a received complaint may wait for a regulator to take it.
    pub received: u32,
    /// Days an assigned complaint may wait for its investigation to start.
    pub assigned: u32,
    /// Days an investigation may take.
    pub investigating: u32,
}

impl Default for TimeLimits {
    fn default() -> Self {
        TimeLimits {
            received: 3,
            assigned: 5,
            investigating: 30,
        }
    }
}

impl TimeLimits {
    /// Parses `received,assigned,investigating` days, e.g. `3,5,30`; each 1 to 365.
    pub fn parse(s: &str) -> Result<TimeLimits, String> {
        let bad = || {
            format!("complaint time limits must be three day counts 1-365, e.g. 3,5,30 (got {s:?})")
        };
        let days: Vec<u32> = s
            .split(',')
            .map(|p| {
                p.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|d| (1..=365).contains(d))
            })
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(bad)?;
        match days[..] {
            [received, assigned, investigating] => Ok(TimeLimits {
                received,
                assigned,
                investigating,
            }),
            _ => Err(bad()),
        }
    }

    /// The days allowed in a state (none once concluded).
    pub fn days(&self, s: CaseState) -> Option<u32> {
        match s {
            CaseState::Received => Some(self.received),
            CaseState::Assigned => Some(self.assigned),
            CaseState::Investigating => Some(self.investigating),
            CaseState::Concluded => None,
        }
    }

    /// The instant by which a case that entered state `s` at `since` must move on.
    pub fn due(&self, s: CaseState, since: i64) -> Option<i64> {
        self.days(s)
            .map(|d| since.saturating_add(i64::from(d) * DAY))
    }

    /// Whether the case is past its state's limit at `now` (never once concluded).
    pub fn overdue(&self, s: CaseState, since: i64, now: i64) -> bool {
        self.due(s, since).is_some_and(|due| now > due)
    }
}

/// The tracking code's alphabet: digits and capitals without 0, 1, I and O, which are
/// easily confused when read out or copied from paper. 32 symbols: 5 bits each.
pub const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Symbols in a tracking code: 16 × 5 = 80 random bits, far beyond guessing.
pub const CODE_LEN: usize = 16;

/// The tracking code made from `CODE_LEN` random bytes (from a CSPRNG), shown in groups of
/// four: `ABCD-EFGH-JKLM-NPQR`. Each byte picks a symbol by its value modulo 32, which is
/// uniform because 256 is a multiple of 32.
pub fn tracking_code(random: &[u8; CODE_LEN]) -> String {
    let symbols: Vec<char> = random
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
        .collect();
    symbols
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A typed code in its canonical form (capitals, no spaces or dashes), or `None` when it
/// cannot be a tracking code. Lower case, spaces and dashes are forgiven.
pub fn normalize_code(typed: &str) -> Option<String> {
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == CODE_LEN && s.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(s)
}

/// What the database keeps instead of the code: the SHA-256 (hex) of its canonical form. A
/// copy of the database does not give the codes away; the code is never stored.
pub fn code_hash(canonical: &str) -> String {
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Why an attachment is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    /// Empty.
    Empty,
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge,
    /// Not a PDF, PNG or JPEG by its content, or not the kind its name says.
    Kind,
    /// More than [`MAX_FILES`].
    TooMany,
}

impl FileProblem {
    /// The message shown next to the file field.
    pub fn message(self, lang: Lang) -> String {
        match self {
            FileProblem::Empty => lang.t("complaints.err.file_empty"),
            FileProblem::TooLarge => lang.tf("complaints.err.file_size", &[("max", "5 MB")]),
            FileProblem::Kind => lang.t("complaints.err.file_kind"),
            FileProblem::TooMany => lang.tf(
                "complaints.err.file_count",
                &[("max", &MAX_FILES.to_string())],
            ),
        }
    }
}

/// The media type of an attachment, decided by its content (magic bytes at the very start)
/// and agreeing with its name's extension: PDF, PNG or JPEG only.
pub fn file_kind(name: &str, bytes: &[u8]) -> Result<&'static str, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    crate::kernel::files::document_type(name, bytes).ok_or(FileProblem::Kind)
}

/// What the complainant typed (all as text, kept on a 422). Files come apart.
#[derive(Debug, Clone, Default)]
pub struct ComplaintForm {
    /// `org`: about an organization; `general`: a general matter.
    pub about: String,
    /// The organization, by name or unified social credit code.
    pub org: String,
    /// The subject.
    pub subject: String,
    /// What happened.
    pub body: String,
    /// How to reach the complainant (optional).
    pub contact: String,
    /// `1`: file anonymously (the account signed in is not recorded).
    pub anonymous: String,
}

/// An attachment that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name as sent (path parts and control characters removed).
    pub name: String,
    /// Media type by content.
    pub mime: &'static str,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A complaint that passed its checks (the organization is looked up by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintDraft {
    /// The organization named, trimmed (`None`: a general matter).
    pub org: Option<String>,
    /// Subject, trimmed.
    pub subject: String,
    /// Body, trimmed.
    pub body: String,
    /// Contact, trimmed (`None` when left empty).
    pub contact: Option<String>,
    /// Filed anonymously.
    pub anonymous: bool,
    /// Attachments.
    pub files: Vec<Attachment>,
}

fn required(
    e: &mut FieldErrors,
    field: &'static str,
    v: &str,
    kind: Kind,
    max: usize,
    lang: Lang,
) -> String {
    if text::check(e, field, v, kind, max, lang) && v.trim().is_empty() {
        e.add(field, lang.t("form.required"));
    }
    v.trim().to_string()
}

/// Checks a complaint and its attachments (`(name, bytes)` as uploaded).
pub fn validate_complaint(
    f: &ComplaintForm,
    files: Vec<(String, Vec<u8>)>,
    lang: Lang,
) -> Result<ComplaintDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let org = match f.about.as_str() {
        "org" => Some(required(
            &mut e,
            "org",
            &f.org,
            Kind::Name,
            limits::ORG,
            lang,
        )),
        "general" => None,
        _ => {
            e.add("about", lang.t("form.choose"));
            None
        }
    };
    let subject = required(
        &mut e,
        "subject",
        &f.subject,
        Kind::Line,
        limits::SUBJECT,
        lang,
    );
    let body = required(&mut e, "body", &f.body, Kind::Multi, limits::BODY, lang);
    text::check(
        &mut e,
        "contact",
        &f.contact,
        Kind::Line,
        limits::CONTACT,
        lang,
    );
    let contact = Some(f.contact.trim().to_string()).filter(|c| !c.is_empty());
    let anonymous = match f.anonymous.as_str() {
        "1" => true,
        "" => false,
        _ => {
            e.add("anonymous", lang.t("form.choose"));
            false
        }
    };
    let mut ok = Vec::new();
    if files.len() > MAX_FILES {
        e.add("files", FileProblem::TooMany.message(lang));
    } else {
        for (name, bytes) in files {
            match file_kind(&name, &bytes) {
                Ok(mime) => ok.push(Attachment { name, mime, bytes }),
                Err(p) => {
                    if e.get("files").is_none() {
                        e.add("files", format!("{name}: {}", p.message(lang)));
                    }
                }
            }
        }
    }
    e.into_result(ComplaintDraft {
        org,
        subject,
        body,
        contact,
        anonymous,
        files: ok,
    })
}

/// A regulator's reply as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReplyForm {
    /// The text.
    #[serde(default)]
    pub body: String,
    /// `public`: the complainant reads it with the code; `internal`: regulators only.
    #[serde(default)]
    pub visibility: String,
}

/// Checks a reply: its text and whether it is public.
pub fn validate_reply(f: &ReplyForm, lang: Lang) -> Result<(String, bool), FieldErrors> {
    let mut e = FieldErrors::default();
    let body = required(&mut e, "body", &f.body, Kind::Multi, limits::REPLY, lang);
    let public = match f.visibility.as_str() {
        "public" => true,
        "internal" => false,
        _ => {
            e.add("visibility", lang.t("form.choose"));
            false
        }
    };
    e.into_result((body, public))
}

/// A conclusion as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ConcludeForm {
    /// [`Outcome`] code.
    #[serde(default)]
    pub outcome: String,
    /// The outcome as the complainant (and, when published, the public) reads it.
    #[serde(default)]
    pub outcome_text: String,
    /// `1`: publish the outcome in the public list.
    #[serde(default)]
    pub publish: String,
}

/// A conclusion that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conclusion {
    /// The outcome.
    pub outcome: Outcome,
    /// Its text, trimmed.
    pub text: String,
    /// Published in the public list.
    pub publish: bool,
}

/// Checks a conclusion.
pub fn validate_conclusion(f: &ConcludeForm, lang: Lang) -> Result<Conclusion, FieldErrors> {
    let mut e = FieldErrors::default();
    let outcome = Outcome::parse(f.outcome.trim());
    if outcome.is_none() {
        e.add("outcome", lang.t("form.choose"));
    }
    let text = required(
        &mut e,
        "outcome_text",
        &f.outcome_text,
        Kind::Multi,
        limits::OUTCOME,
        lang,
    );
    let publish = match f.publish.as_str() {
        "1" => true,
        "" => false,
        _ => {
            e.add("publish", lang.t("form.choose"));
            false
        }
    };
    match outcome {
        Some(outcome) if e.is_empty() => Ok(Conclusion {
            outcome,
            text,
            publish,
        }),
        _ => Err(e),
    }
}

/// What a regulator typed to assign a case.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AssignForm {
    /// The regulator's user id.
    #[serde(default)]
    pub assignee: String,
}

/// The chosen regulator, who must be one of `regulators`.
pub fn validate_assignee(
    f: &AssignForm,
    regulators: &[i64],
    lang: Lang,
) -> Result<i64, FieldErrors> {
    match f.assignee.trim().parse::<i64>() {
        Ok(id) if regulators.contains(&id) => Ok(id),
        _ => {
            let mut e = FieldErrors::default();
            e.add("assignee", lang.t("complaints.err.assignee"));
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseEvent as E;
    use CaseState as S;

    #[test]
    fn every_transition() {
        let events = [E::Assign, E::Investigate, E::Conclude];
        for &s in S::ALL {
            for e in events {
                let expected = match (s, e) {
                    (S::Received | S::Assigned, E::Assign) => Some(S::Assigned),
                    (S::Assigned, E::Investigate) => Some(S::Investigating),
                    (S::Investigating, E::Conclude) => Some(S::Concluded),
                    _ => None,
                };
                assert_eq!(s.apply(e).ok(), expected, "{s:?} {e:?}");
                if expected.is_none() {
                    assert_eq!(s.apply(e), Err(IllegalTransition { from: s, event: e }));
                }
            }
        }
        assert!(S::Investigating.is_open() && !S::Concluded.is_open());
    }

    #[test]
    fn time_limits_and_overdue() {
        let l = TimeLimits::default();
        assert_eq!(l.due(S::Received, 1000), Some(1000 + 3 * DAY));
        assert_eq!(l.due(S::Assigned, 0), Some(5 * DAY));
        assert_eq!(l.due(S::Investigating, 0), Some(30 * DAY));
        assert_eq!(l.due(S::Concluded, 0), None);
        // Due at the instant itself is not yet overdue; one second later it is.
        assert!(!l.overdue(S::Received, 0, 3 * DAY));
        assert!(l.overdue(S::Received, 0, 3 * DAY + 1));
        assert!(!l.overdue(S::Concluded, 0, i64::MAX));
        assert_eq!(
            TimeLimits::parse(" 2, 4 ,60"),
            Ok(TimeLimits {
                received: 2,
                assigned: 4,
                investigating: 60
            })
        );
        for bad in [
            "", "3,5", "3,5,30,1", "0,5,30", "3,x,30", "3,5,366", "-1,5,30",
        ] {
            assert!(TimeLimits::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tracking_codes() {
        let code = tracking_code(&[0u8; CODE_LEN]);
        assert_eq!(code, "2222-2222-2222-2222");
        let mut r = [0u8; CODE_LEN];
        for (i, b) in r.iter_mut().enumerate() {
            *b = (i * 37 + 255) as u8;
        }
        let c = tracking_code(&r);
        assert_eq!(c.len(), CODE_LEN + 3);
        let canon = normalize_code(&c).unwrap();
        assert_eq!(canon.len(), CODE_LEN);
        assert_eq!(
            normalize_code(&c.to_lowercase().replace('-', " ")),
            Some(canon.clone())
        );
        // Every symbol is reachable and only alphabet symbols appear.
        let all: Vec<u8> = (0..=255u8).collect();
        let mut seen = std::collections::HashSet::new();
        for chunk in all.chunks(CODE_LEN) {
            let mut b = [0u8; CODE_LEN];
            b.copy_from_slice(chunk);
            for ch in tracking_code(&b).bytes().filter(|c| *c != b'-') {
                assert!(CODE_ALPHABET.contains(&ch));
                seen.insert(ch);
            }
        }
        assert_eq!(seen.len(), 32);
        for bad in [
            "",
            "2222-2222-2222-222",
            "2222-2222-2222-22220",
            "O222-2222-2222-2222",
            "1222222222222222",
        ] {
            assert_eq!(normalize_code(bad), None, "{bad}");
        }
        assert_eq!(code_hash(&canon).len(), 64);
        assert_ne!(code_hash(&canon), code_hash("2222222222222222"));
    }

    #[test]
    fn attachments_by_content() {
        assert_eq!(file_kind("a.pdf", b"%PDF-1.4"), Ok("application/pdf"));
        assert_eq!(file_kind("A.PNG", b"\x89PNG\r\n\x1a\nxx"), Ok("image/png"));
        assert_eq!(
            file_kind("a.jpeg", &[0xFF, 0xD8, 0xFF, 0]),
            Ok("image/jpeg")
        );
        assert_eq!(file_kind("a.jpg", b"%PDF-1.4"), Err(FileProblem::Kind));
        assert_eq!(file_kind("a.exe", b"MZ\x90"), Err(FileProblem::Kind));
        assert_eq!(file_kind("a.pdf", b""), Err(FileProblem::Empty));
        let big = [b"%PDF-".as_slice(), &vec![0u8; MAX_FILE_BYTES]].concat();
        assert_eq!(file_kind("a.pdf", &big), Err(FileProblem::TooLarge));
    }

    fn form() -> ComplaintForm {
        ComplaintForm {
            about: "org".into(),
            org: " 某机构 ".into(),
            subject: "收费不透明".into(),
            body: "该机构收取费用未公示。".into(),
            contact: String::new(),
            anonymous: "1".into(),
        }
    }

    #[test]
    fn complaint_validation() {
        let d = validate_complaint(&form(), vec![], Lang::Zh).unwrap();
        assert_eq!(d.org.as_deref(), Some("某机构"));
        assert!(d.anonymous && d.contact.is_none());
        let general = ComplaintForm {
            about: "general".into(),
            org: String::new(),
            anonymous: String::new(),
            contact: " 138 ".into(),
            ..form()
        };
        let d = validate_complaint(
            &general,
            vec![("a.pdf".into(), b"%PDF-1".to_vec())],
            Lang::En,
        )
        .unwrap();
        assert_eq!(d.org, None);
        assert_eq!(d.contact.as_deref(), Some("138"));
        assert_eq!(d.files.len(), 1);
        let bad = ComplaintForm {
            about: "x".into(),
            subject: " ".into(),
            body: "a\0".into(),
            contact: "x".repeat(limits::CONTACT + 1),
            anonymous: "yes".into(),
            ..form()
        };
        let e = validate_complaint(&bad, vec![("a.gif".into(), b"GIF89a".to_vec())], Lang::En)
            .unwrap_err();
        for f in ["about", "subject", "body", "contact", "anonymous", "files"] {
            assert!(e.get(f).is_some(), "{f}: {e:?}");
        }
        let no_org = ComplaintForm {
            org: "  ".into(),
            ..form()
        };
        assert!(
            validate_complaint(&no_org, vec![], Lang::En)
                .unwrap_err()
                .get("org")
                .is_some()
        );
        let many = vec![("a.pdf".to_string(), b"%PDF-1".to_vec()); MAX_FILES + 1];
        assert!(
            validate_complaint(&form(), many, Lang::En)
                .unwrap_err()
                .get("files")
                .is_some()
        );
    }

    #[test]
    fn replies_conclusions_assignees() {
        let ok = ReplyForm {
            body: " 已受理 ".into(),
            visibility: "public".into(),
        };
        assert_eq!(validate_reply(&ok, Lang::Zh), Ok(("已受理".into(), true)));
        let bad = ReplyForm::default();
        let e = validate_reply(&bad, Lang::Zh).unwrap_err();
        assert!(e.get("body").is_some() && e.get("visibility").is_some());
        let c = ConcludeForm {
            outcome: "partly".into(),
            outcome_text: "责令整改。".into(),
            publish: "1".into(),
        };
        assert_eq!(
            validate_conclusion(&c, Lang::Zh),
            Ok(Conclusion {
                outcome: Outcome::Partly,
                text: "责令整改。".into(),
                publish: true
            })
        );
        let e = validate_conclusion(&ConcludeForm::default(), Lang::Zh).unwrap_err();
        assert!(e.get("outcome").is_some() && e.get("outcome_text").is_some());
        let f = AssignForm {
            assignee: "7".into(),
        };
        assert_eq!(validate_assignee(&f, &[3, 7], Lang::En), Ok(7));
        assert!(validate_assignee(&f, &[3], Lang::En).is_err());
        assert!(validate_assignee(&AssignForm::default(), &[3], Lang::En).is_err());
    }
}
