//! Pure credit rules (issue 15 point 2): which facts put an organization on the
//! abnormal-activity list (活动异常名录) or the serious illegal and dishonest list
//! (严重违法失信名单), and what the engine does next with each case — give written notice,
//! list when the objection period has passed, withdraw, remove, or restart the clock of a
//! serious listing on a new offence. The rules themselves are data (`credit_rules` table,
//! [`Rule`]); the settings that vary by locality are [`CreditSettings`]. No I/O, no clock:
//! "now" comes in as an argument.

use std::collections::HashSet;

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::kernel::text::{self, Kind};

use super::rules::PenaltyKind;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The longest each free-text field of the credit forms may be, in characters.
pub mod limits {
    /// An objection's grounds.
    pub const OBJECTION: usize = 2_000;
    /// A regulator's answer to an objection.
    pub const ANSWER: usize = 2_000;
    /// A finding's note, or its resolution.
    pub const NOTE: usize = 1_000;
    /// A lookup query (name or USCC).
    pub const QUERY: usize = 100;
}

code_enum! {
    /// The two credit lists.
    #[serde(rename_all = "snake_case")]
    CreditList => "credit.list" {
        /// 活动异常名录.
        Abnormal = "abnormal",
        /// 严重违法失信名单.
        Serious = "serious",
    }
}

code_enum! {
    /// What puts an organization on a list: one rule each (the `credit_rules` row of the
    /// same code holds its legal basis and parameters).
    #[serde(rename_all = "snake_case")]
    Trigger => "credit.trigger" {
        /// An annual report not filed by its deadline and not yet accepted.
        ReportMissing = "report_missing",
        /// A rectification ordered by a regulator not done by its due day.
        RectificationOverdue = "rectification_overdue",
        /// Unreachable at its registered address (two registered letters unsigned).
        Unreachable = "unreachable",
        /// Another ground a regulator recorded.
        Other = "other",
        /// Two years on the abnormal list.
        AbnormalTwoYears = "abnormal_two_years",
        /// A fine of at least the threshold (¥50,000).
        LargeFine = "large_fine",
        /// Two or more penalties within three years.
        RepeatPenalties = "repeat_penalties",
        /// Registration revoked (or obtained by fraud and revoked).
        Revoked = "revoked",
        /// Ordered to stop activities.
        Stopped = "stopped",
    }
}

impl Trigger {
    /// The list the trigger leads to.
    pub fn list(self) -> CreditList {
        match self {
            Trigger::ReportMissing
            | Trigger::RectificationOverdue
            | Trigger::Unreachable
            | Trigger::Other => CreditList::Abnormal,
            _ => CreditList::Serious,
        }
    }
}

code_enum! {
    /// Where a case stands.
    #[serde(rename_all = "snake_case")]
    CaseState => "credit.state" {
        /// Written notice given; the objection period runs.
        Noticed = "noticed",
        /// The organization objected; a regulator answers.
        Objected = "objected",
        /// On the list.
        Listed = "listed",
        /// Never listed: the objection was upheld or the ground went away first.
        Withdrawn = "withdrawn",
        /// Taken off the list.
        Removed = "removed",
    }
}

impl CaseState {
    /// Whether the case is public (it reached the list): the credit history shows it to
    /// everyone; notices and withdrawn cases only to members and regulators.
    pub fn public(self) -> bool {
        matches!(self, CaseState::Listed | CaseState::Removed)
    }

    /// Whether the case is still open (notice, objection or listing).
    pub fn active(self) -> bool {
        matches!(
            self,
            CaseState::Noticed | CaseState::Objected | CaseState::Listed
        )
    }
}

code_enum! {
    /// What a regulator records on an organization for the rules to read.
    #[serde(rename_all = "snake_case")]
    FindingKind => "credit.finding" {
        /// Two registered letters to the registered address came back unsigned.
        Unreachable = "unreachable",
        /// A rectification ordered, due by a day.
        Rectification = "rectification",
        /// Another ground for the abnormal list.
        Other = "other",
    }
}

impl FindingKind {
    /// The rule the finding feeds.
    pub fn trigger(self) -> Trigger {
        match self {
            FindingKind::Unreachable => Trigger::Unreachable,
            FindingKind::Rectification => Trigger::RectificationOverdue,
            FindingKind::Other => Trigger::Other,
        }
    }
}

/// One rule as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Which trigger.
    pub trigger: Trigger,
    /// Legal basis shown with every case it opens.
    pub legal_basis: String,
    /// Report rule: first year checked; fine rule: fen; repeat rule: count; escalation
    /// rule: days on the abnormal list.
    pub threshold: Option<i64>,
    /// Repeat rule: the window, days.
    pub window_days: Option<i64>,
    /// Whether the rule runs.
    pub enabled: bool,
}

/// The settings that vary by locality (configuration, not rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditSettings {
    /// Days after the written notice during which the organization may object
    /// (`CIVICBRIDGE_CREDIT_OBJECTION_DAYS`, default 10).
    pub objection_days: i64,
    /// Days a serious listing lasts after its last trigger before removal
    /// (`CIVICBRIDGE_CREDIT_SERIOUS_DAYS`, default 730: two years).
    pub serious_days: i64,
    /// Days after a zombie case's notice during which the organization may object
    /// (`CIVICBRIDGE_ZOMBIE_OBJECTION_DAYS`, default 30).
    pub zombie_objection_days: i64,
    /// Days a spot check's deficiency gives the organization to rectify before the
    /// rectification rule applies (`CIVICBRIDGE_RECTIFICATION_DAYS`, default 30).
    pub rectification_days: i64,
}

impl Default for CreditSettings {
    fn default() -> Self {
        CreditSettings {
            objection_days: 10,
            serious_days: 730,
            zombie_objection_days: 30,
            rectification_days: 30,
        }
    }
}

impl CreditSettings {
    /// Parses a whole number of days between 1 and 3,650 (a typo guard).
    pub fn parse_days(name: &str, s: &str) -> Result<i64, String> {
        match s.trim().parse::<i64>() {
            Ok(d) if (1..=3650).contains(&d) => Ok(d),
            _ => Err(format!(
                "{name} must be whole days from 1 to 3650 (got {s:?})"
            )),
        }
    }
}

/// An annual report as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFact {
    /// The year reported on.
    pub year: i32,
    /// First submission.
    pub first_submitted_at: Option<i64>,
    /// When it was accepted (the obligation met and verified), if it is.
    pub accepted_at: Option<i64>,
}

/// A penalty as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PenaltyFact {
    /// Key.
    pub id: i64,
    /// Kind.
    pub kind: PenaltyKind,
    /// Amount, when it has one.
    pub amount: Option<Fen>,
    /// Day of the decision (its start), Unix seconds.
    pub decided_on: i64,
    /// When it was recorded (the engine knows of it from then).
    pub recorded_at: i64,
}

/// A regulator's finding as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingFact {
    /// Key.
    pub id: i64,
    /// Kind.
    pub kind: FindingKind,
    /// When it was recorded.
    pub recorded_at: i64,
    /// Rectification: due by then.
    pub due_at: Option<i64>,
    /// When a regulator verified it resolved.
    pub resolved_at: Option<i64>,
}

/// A case as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFact {
    /// Key.
    pub id: i64,
    /// What opened it.
    pub trigger: Trigger,
    /// Which occurrence (`report:2024`, `penalty:12`, `finding:3`, `case:7`).
    pub subject: String,
    /// State.
    pub state: CaseState,
    /// End of the objection period.
    pub objection_due: i64,
    /// When it was listed.
    pub listed_at: Option<i64>,
    /// Serious list: the removal period runs from here (listing, or the last re-offence).
    pub clock_from: i64,
}

/// Everything the rules read about one organization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgFacts {
    /// Whether it must file annual reports (social organizations).
    pub files_reports: bool,
    /// Its registration year.
    pub registration_year: i32,
    /// Its reports.
    pub reports: Vec<ReportFact>,
    /// Its penalties.
    pub penalties: Vec<PenaltyFact>,
    /// Findings on it.
    pub findings: Vec<FindingFact>,
    /// Its cases.
    pub cases: Vec<CaseFact>,
    /// Triggers already absorbed by a case (re-offences that restarted a clock), as
    /// `trigger:subject`.
    pub absorbed: Vec<String>,
}

/// A trigger that holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Which rule.
    pub trigger: Trigger,
    /// Which occurrence.
    pub subject: String,
    /// Since when the ground holds (deadline passed, decision day, …).
    pub since: i64,
}

/// `trigger:subject`: what identifies one occurrence of a ground.
pub fn key(trigger: Trigger, subject: &str) -> String {
    format!("{}:{subject}", trigger.code())
}

fn rule(rules: &[Rule], t: Trigger) -> Option<&Rule> {
    rules.iter().find(|r| r.trigger == t && r.enabled)
}

/// Every ground that holds at `now`, from facts known by then (a fact recorded later is not
/// seen, so replaying the past gives what the engine would have done). `deadline` gives the
/// instant a year's report is due. Serious grounds from a decision hold for
/// `serious_days` after it: an older offence has served its time.
pub fn hits(
    f: &OrgFacts,
    rules: &[Rule],
    s: &CreditSettings,
    deadline: impl Fn(i32) -> i64,
    now: i64,
) -> Vec<Hit> {
    let mut out = Vec::new();
    if let Some(r) = rule(rules, Trigger::ReportMissing)
        && f.files_reports
    {
        let first = r
            .threshold
            .and_then(|t| i32::try_from(t).ok())
            .unwrap_or(f.registration_year)
            .max(f.registration_year);
        let mut year = first;
        // (The year bound only guards against a deadline function that stops growing.)
        while deadline(year) < now && year <= 9999 {
            let due = deadline(year);
            let rep = f.reports.iter().find(|x| x.year == year);
            let on_time = rep
                .and_then(|x| x.first_submitted_at)
                .is_some_and(|t| t <= due && t <= now);
            let accepted = rep.and_then(|x| x.accepted_at).is_some_and(|t| t <= now);
            if !on_time && !accepted {
                out.push(Hit {
                    trigger: Trigger::ReportMissing,
                    subject: format!("report:{year}"),
                    since: due,
                });
            }
            year += 1;
        }
    }
    for x in f.findings.iter().filter(|x| x.recorded_at <= now) {
        if x.resolved_at.is_some_and(|t| t <= now) {
            continue;
        }
        let t = x.kind.trigger();
        if rule(rules, t).is_none() {
            continue;
        }
        let since = match x.kind {
            FindingKind::Rectification => match x.due_at {
                Some(d) if d < now => d,
                _ => continue,
            },
            _ => x.recorded_at,
        };
        out.push(Hit {
            trigger: t,
            subject: format!("finding:{}", x.id),
            since,
        });
    }
    let known: Vec<&PenaltyFact> = f
        .penalties
        .iter()
        .filter(|p| p.recorded_at <= now)
        .collect();
    let fresh = |since: i64| now < since + s.serious_days * DAY;
    for p in &known {
        let subject = format!("penalty:{}", p.id);
        let t = match p.kind {
            PenaltyKind::Fine => rule(rules, Trigger::LargeFine)
                .filter(|r| {
                    p.amount
                        .is_some_and(|a| a.0 >= r.threshold.unwrap_or(5_000_000))
                })
                .map(|r| r.trigger),
            PenaltyKind::Revocation => rule(rules, Trigger::Revoked).map(|r| r.trigger),
            PenaltyKind::Suspension => rule(rules, Trigger::Stopped).map(|r| r.trigger),
            _ => None,
        };
        if let Some(t) = t
            && fresh(p.decided_on)
        {
            out.push(Hit {
                trigger: t,
                subject: subject.clone(),
                since: p.decided_on,
            });
        }
        if let Some(r) = rule(rules, Trigger::RepeatPenalties) {
            let count = r.threshold.unwrap_or(2).max(2);
            let window = r.window_days.unwrap_or(1095) * DAY;
            // This penalty completes a repeat when it and those before it within the window
            // reach the count (ties on the day broken by id, so each set counts once).
            let n = known
                .iter()
                .filter(|q| {
                    (q.decided_on, q.id) <= (p.decided_on, p.id)
                        && q.decided_on > p.decided_on - window
                })
                .count() as i64;
            if n >= count && fresh(p.decided_on) {
                out.push(Hit {
                    trigger: Trigger::RepeatPenalties,
                    subject,
                    since: p.decided_on,
                });
            }
        }
    }
    if let Some(r) = rule(rules, Trigger::AbnormalTwoYears) {
        let days = r.threshold.unwrap_or(730);
        for c in &f.cases {
            if c.trigger.list() == CreditList::Abnormal
                && c.state == CaseState::Listed
                && let Some(at) = c.listed_at
                && at + days * DAY <= now
            {
                out.push(Hit {
                    trigger: Trigger::AbnormalTwoYears,
                    subject: format!("case:{}", c.id),
                    since: at + days * DAY,
                });
            }
        }
    }
    out
}

/// Why a listing ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// Abnormal list: the obligation was met and verified.
    Met,
    /// Serious list: the period passed with no new trigger.
    Served,
}

impl Removal {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Removal::Met => "met",
            Removal::Served => "served",
        }
    }
}

/// What the engine does to one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Give written notice of a new ground (opens a case).
    Notice(Hit),
    /// The objection period passed with no objection pending: list.
    List(i64),
    /// The ground went away before listing: close without listing.
    Withdraw(i64),
    /// Take off the list.
    Remove(i64, Removal),
    /// A new serious ground while a serious case is open: its clock restarts from the new
    /// ground's day.
    Restart(i64, Hit),
}

/// The one decision function: given the facts and the grounds that hold now, what to do.
/// Each occurrence of a ground opens at most one case in its life (a withdrawn or removed
/// case is not reopened for the same occurrence); a serious ground while a serious case is
/// open restarts that case's clock instead of opening another.
pub fn plan(f: &OrgFacts, hits: &[Hit], s: &CreditSettings, now: i64) -> Vec<Step> {
    let holds = |c: &CaseFact| {
        hits.iter()
            .any(|h| h.trigger == c.trigger && h.subject == c.subject)
    };
    let mut steps = Vec::new();
    let mut open_serious: Vec<i64> = Vec::new();
    for c in &f.cases {
        let serious = c.trigger.list() == CreditList::Serious;
        match c.state {
            // A serious ground is a past decision: once noticed, it stands until answered.
            CaseState::Noticed | CaseState::Objected if !serious && !holds(c) => {
                steps.push(Step::Withdraw(c.id));
            }
            CaseState::Noticed if now > c.objection_due => steps.push(Step::List(c.id)),
            CaseState::Listed if !serious && !holds(c) => {
                steps.push(Step::Remove(c.id, Removal::Met));
            }
            CaseState::Listed if serious && now >= c.clock_from + s.serious_days * DAY => {
                steps.push(Step::Remove(c.id, Removal::Served));
            }
            _ => {
                if serious && c.state.active() {
                    open_serious.push(c.id);
                }
            }
        }
        if serious && matches!(c.state, CaseState::Noticed) && now > c.objection_due {
            open_serious.push(c.id);
        }
    }
    let known: HashSet<String> = f
        .cases
        .iter()
        .map(|c| key(c.trigger, &c.subject))
        .chain(f.absorbed.iter().cloned())
        .collect();
    let mut new_serious = false;
    for h in hits {
        if known.contains(&key(h.trigger, &h.subject)) {
            continue;
        }
        if h.trigger.list() == CreditList::Serious && !open_serious.is_empty() {
            for id in &open_serious {
                steps.push(Step::Restart(*id, h.clone()));
            }
        } else if h.trigger.list() == CreditList::Serious && new_serious {
            // Several serious grounds at once: one notice, the others restart nothing yet
            // and are noticed on the next run against the new case.
            continue;
        } else {
            new_serious |= h.trigger.list() == CreditList::Serious;
            steps.push(Step::Notice(h.clone()));
        }
    }
    steps
}

/// The status the organization's cases give it: the serious list above the abnormal list.
pub fn status_of(cases: &[(CreditList, CaseState)]) -> crate::orgs::CreditStatus {
    use crate::orgs::CreditStatus;
    let listed = |l| {
        cases
            .iter()
            .any(|(x, s)| *x == l && *s == CaseState::Listed)
    };
    if listed(CreditList::Serious) {
        CreditStatus::Dishonest
    } else if listed(CreditList::Abnormal) {
        CreditStatus::Abnormal
    } else {
        CreditStatus::Normal
    }
}

/// An organization's objection as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ObjectionForm {
    /// The grounds.
    #[serde(default)]
    pub text: String,
}

/// Validates an objection: grounds stated, within limits; and the period still running
/// (`now` not after `due`): an objection after the period is refused.
pub fn validate_objection(
    f: &ObjectionForm,
    due: i64,
    now: i64,
    lang: Lang,
) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    if text::check(
        &mut e,
        "text",
        &f.text,
        Kind::Multi,
        limits::OBJECTION,
        lang,
    ) && f.text.trim().chars().count() < 2
    {
        e.add("text", lang.t("form.required"));
    }
    if now > due {
        e.add(
            "text",
            lang.tf(
                "credit.err.period_over",
                &[("due", &crate::kernel::clock::display_instant(due))],
            ),
        );
    }
    e.into_result(f.text.trim().to_string())
}

/// A regulator's answer as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AnswerForm {
    /// `uphold` or `reject`.
    #[serde(default)]
    pub decision: String,
    /// Reasons.
    #[serde(default)]
    pub text: String,
}

/// Validates an answer: a decision and reasons.
pub fn validate_answer(f: &AnswerForm, lang: Lang) -> Result<(bool, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let uphold = match f.decision.as_str() {
        "uphold" => true,
        "reject" => false,
        _ => {
            e.add("decision", lang.t("form.choose"));
            false
        }
    };
    if text::check(&mut e, "text", &f.text, Kind::Multi, limits::ANSWER, lang)
        && f.text.trim().chars().count() < 2
    {
        e.add("text", lang.t("form.required"));
    }
    e.into_result((uphold, f.text.trim().to_string()))
}

/// A finding as a regulator typed it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct FindingForm {
    /// [`FindingKind`] code.
    #[serde(default)]
    pub kind: String,
    /// What was found (letters sent and returned, the order, …).
    #[serde(default)]
    pub note: String,
    /// Rectification: due day, `YYYY-MM-DD`.
    #[serde(default)]
    pub due: String,
}

/// A valid finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingDraft {
    /// Kind.
    pub kind: FindingKind,
    /// Note, trimmed.
    pub note: String,
    /// Rectification: the end of the due day (Asia/Shanghai), Unix seconds.
    pub due_at: Option<i64>,
}

/// Validates a finding: a kind, a note, and for a rectification a due day after `today`
/// (none for the other kinds).
pub fn validate_finding(
    f: &FindingForm,
    today: time::Date,
    lang: Lang,
) -> Result<FindingDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let kind = FindingKind::parse(&f.kind);
    if kind.is_none() {
        e.add("kind", lang.t("form.choose"));
    }
    if text::check(&mut e, "note", &f.note, Kind::Multi, limits::NOTE, lang)
        && f.note.trim().chars().count() < 2
    {
        e.add("note", lang.t("form.required"));
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let due_at = match (kind, f.due.trim()) {
        (Some(FindingKind::Rectification), "") => {
            e.add("due", lang.t("credit.err.due_required"));
            None
        }
        (Some(FindingKind::Rectification), d) => match time::Date::parse(d, &fmt) {
            Ok(d) if d > today => d.next_day().map(super::rules::day_start),
            Ok(_) => {
                e.add("due", lang.t("credit.err.due_past"));
                None
            }
            Err(_) => {
                e.add("due", lang.t("regulation.err.date"));
                None
            }
        },
        (Some(_), d) if !d.is_empty() => {
            e.add("due", lang.t("credit.err.no_due"));
            None
        }
        _ => None,
    };
    match kind {
        Some(kind) if e.is_empty() => Ok(FindingDraft {
            kind,
            note: f.note.trim().to_string(),
            due_at,
        }),
        _ => Err(e),
    }
}

/// A regulator's resolution of a finding as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ResolveForm {
    /// How the obligation was met and verified.
    #[serde(default)]
    pub note: String,
}

/// Validates a resolution: a note.
pub fn validate_resolve(f: &ResolveForm, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    if text::check(&mut e, "note", &f.note, Kind::Multi, limits::NOTE, lang)
        && f.note.trim().chars().count() < 2
    {
        e.add("note", lang.t("form.required"));
    }
    e.into_result(f.note.trim().to_string())
}

/// What a lookup query asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Nothing typed: the current listings.
    Listings,
    /// A unified social credit code (18 characters, upper-cased).
    Uscc(String),
    /// Part of a name.
    Name(String),
}

/// Reads a lookup query: blank lists the current listings; 18 letters and digits are a
/// USCC; anything else part of a name (control characters and overlong input refused).
pub fn lookup(q: &str, lang: Lang) -> Result<Lookup, FieldErrors> {
    let mut e = FieldErrors::default();
    if !text::check(&mut e, "q", q, Kind::Line, limits::QUERY, lang) {
        return Err(e);
    }
    let q = q.trim();
    if q.is_empty() {
        Ok(Lookup::Listings)
    } else if q.chars().count() == 18 && q.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(Lookup::Uscc(q.to_ascii_uppercase()))
    } else {
        Ok(Lookup::Name(q.to_string()))
    }
}

/// How a case's subject reads: the report's year, the penalty, the finding, the case.
pub fn subject_label(subject: &str, lang: Lang) -> String {
    match subject.split_once(':') {
        Some(("report", y)) => lang.tf("credit.subject.report", &[("year", y)]),
        Some(("penalty", id)) => lang.tf("credit.subject.penalty", &[("id", id)]),
        Some(("finding", id)) => lang.tf("credit.subject.finding", &[("id", id)]),
        Some(("case", id)) => lang.tf("credit.subject.case", &[("id", id)]),
        _ => subject.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_780_000_000;

    fn rules() -> Vec<Rule> {
        Trigger::ALL
            .iter()
            .map(|t| Rule {
                trigger: *t,
                legal_basis: "《社会组织信用信息管理办法》".into(),
                threshold: match t {
                    Trigger::ReportMissing => Some(2024),
                    Trigger::LargeFine => Some(5_000_000),
                    Trigger::RepeatPenalties => Some(2),
                    Trigger::AbnormalTwoYears => Some(730),
                    _ => None,
                },
                window_days: (*t == Trigger::RepeatPenalties).then_some(1095),
                enabled: true,
            })
            .collect()
    }

    /// Deadline of year y: T + (y − 2024) years, so 2024's is T.
    fn deadline(y: i32) -> i64 {
        T + i64::from(y - 2024) * 365 * DAY
    }

    fn facts() -> OrgFacts {
        OrgFacts {
            files_reports: true,
            registration_year: 2020,
            ..Default::default()
        }
    }

    fn s() -> CreditSettings {
        CreditSettings::default()
    }

    fn subjects(h: &[Hit]) -> Vec<String> {
        h.iter().map(|h| key(h.trigger, &h.subject)).collect()
    }

    #[test]
    fn every_trigger_has_one_list() {
        for t in Trigger::ALL {
            let abnormal = matches!(
                t,
                Trigger::ReportMissing
                    | Trigger::RectificationOverdue
                    | Trigger::Unreachable
                    | Trigger::Other
            );
            assert_eq!(t.list() == CreditList::Abnormal, abnormal, "{t:?}");
        }
        for k in FindingKind::ALL {
            assert_eq!(k.trigger().list(), CreditList::Abnormal);
        }
        assert!(CaseState::Listed.public() && CaseState::Removed.public());
        assert!(!CaseState::Noticed.public() && !CaseState::Withdrawn.public());
        assert!(CaseState::Objected.active() && !CaseState::Removed.active());
    }

    #[test]
    fn a_missing_report_holds_after_its_deadline_until_accepted() {
        let mut f = facts();
        assert!(
            hits(&f, &rules(), &s(), deadline, T).is_empty(),
            "due, not late"
        );
        assert_eq!(
            subjects(&hits(&f, &rules(), &s(), deadline, T + 1)),
            vec!["report_missing:report:2024"]
        );
        // Filed on time: nothing, even before it is reviewed.
        f.reports.push(ReportFact {
            year: 2024,
            first_submitted_at: Some(T - 5),
            accepted_at: None,
        });
        assert!(hits(&f, &rules(), &s(), deadline, T + 1).is_empty());
        // Filed late: holds until accepted.
        f.reports[0].first_submitted_at = Some(T + 10);
        assert_eq!(hits(&f, &rules(), &s(), deadline, T + 20).len(), 1);
        f.reports[0].accepted_at = Some(T + 30);
        assert_eq!(hits(&f, &rules(), &s(), deadline, T + 29).len(), 1);
        assert!(hits(&f, &rules(), &s(), deadline, T + 30).is_empty());
        // A filing known only later is not seen earlier (replay).
        f.reports[0].first_submitted_at = Some(T + 100);
        f.reports[0].accepted_at = None;
        assert_eq!(hits(&f, &rules(), &s(), deadline, T + 50).len(), 1);
        // Years before the rule's first year or the registration are not checked; other
        // organizations file no reports.
        f.registration_year = 2025;
        assert!(hits(&f, &rules(), &s(), deadline, T + 1).is_empty());
        f.registration_year = 2000;
        f.files_reports = false;
        assert!(hits(&f, &rules(), &s(), deadline, T + 1).is_empty());
        // A rule switched off does nothing.
        let mut r = rules();
        r[0].enabled = false;
        assert!(hits(&facts(), &r, &s(), deadline, T + 1).is_empty());
    }

    #[test]
    fn findings_hold_until_resolved_and_rectifications_after_their_due_day() {
        let mut f = facts();
        f.registration_year = 2030;
        f.findings = vec![
            FindingFact {
                id: 1,
                kind: FindingKind::Unreachable,
                recorded_at: T,
                due_at: None,
                resolved_at: None,
            },
            FindingFact {
                id: 2,
                kind: FindingKind::Rectification,
                recorded_at: T,
                due_at: Some(T + 10 * DAY),
                resolved_at: None,
            },
            FindingFact {
                id: 3,
                kind: FindingKind::Other,
                recorded_at: T + 5,
                due_at: None,
                resolved_at: Some(T + 50 * DAY),
            },
        ];
        assert!(hits(&f, &rules(), &s(), deadline, T - 1).is_empty());
        assert_eq!(
            subjects(&hits(&f, &rules(), &s(), deadline, T + 10 * DAY)),
            vec!["unreachable:finding:1", "other:finding:3"]
        );
        assert_eq!(
            subjects(&hits(&f, &rules(), &s(), deadline, T + 10 * DAY + 1)),
            vec![
                "unreachable:finding:1",
                "rectification_overdue:finding:2",
                "other:finding:3"
            ]
        );
        assert_eq!(hits(&f, &rules(), &s(), deadline, T + 50 * DAY).len(), 2);
    }

    fn penalty(id: i64, kind: PenaltyKind, amount: Option<i64>, day: i64) -> PenaltyFact {
        PenaltyFact {
            id,
            kind,
            amount: amount.map(Fen),
            decided_on: T + day * DAY,
            recorded_at: T + day * DAY + 3600,
        }
    }

    #[test]
    fn penalties_lead_to_the_serious_list_for_their_period() {
        let mut f = facts();
        f.registration_year = 2030;
        f.penalties = vec![
            penalty(1, PenaltyKind::Fine, Some(4_999_999), 0),
            penalty(2, PenaltyKind::Fine, Some(5_000_000), 10),
            penalty(3, PenaltyKind::Revocation, None, 20),
            penalty(4, PenaltyKind::Suspension, None, 30),
            penalty(5, PenaltyKind::Warning, None, 2000),
        ];
        let at = |d: i64| subjects(&hits(&f, &rules(), &s(), deadline, T + d * DAY + 7200));
        assert!(at(0).is_empty(), "a fine under ¥50,000 alone is no ground");
        assert_eq!(
            at(10),
            vec!["large_fine:penalty:2", "repeat_penalties:penalty:2"]
        );
        assert_eq!(at(30).len(), 6);
        // Two years later the earliest grounds have served their time.
        assert_eq!(
            at(755),
            vec!["stopped:penalty:4", "repeat_penalties:penalty:4"]
        );
        // A warning five years on, alone in its window: no ground.
        assert!(at(2000).is_empty());
        // Known only once recorded.
        assert!(
            hits(&f, &rules(), &s(), deadline, T + 10 * DAY + 60)
                .iter()
                .all(|h| h.subject != "penalty:2")
        );
        // Thresholds are data: three penalties needed.
        let mut r = rules();
        for x in &mut r {
            if x.trigger == Trigger::RepeatPenalties {
                x.threshold = Some(3);
            }
        }
        let h = subjects(&hits(&f, &r, &s(), deadline, T + 20 * DAY + 7200));
        assert!(h.contains(&"repeat_penalties:penalty:3".to_string()));
        assert!(!h.contains(&"repeat_penalties:penalty:2".to_string()));
    }

    fn case(id: i64, trigger: Trigger, subject: &str, state: CaseState) -> CaseFact {
        CaseFact {
            id,
            trigger,
            subject: subject.into(),
            state,
            objection_due: T + 10 * DAY,
            listed_at: (state == CaseState::Listed).then_some(T + 11 * DAY),
            clock_from: T + 11 * DAY,
        }
    }

    fn hit(trigger: Trigger, subject: &str) -> Hit {
        Hit {
            trigger,
            subject: subject.into(),
            since: T,
        }
    }

    #[test]
    fn two_years_on_the_abnormal_list_is_a_serious_ground() {
        let mut f = facts();
        f.registration_year = 2030;
        f.cases = vec![case(
            7,
            Trigger::Unreachable,
            "finding:1",
            CaseState::Listed,
        )];
        assert!(hits(&f, &rules(), &s(), deadline, T + 740 * DAY).is_empty());
        assert_eq!(
            subjects(&hits(&f, &rules(), &s(), deadline, T + 741 * DAY)),
            vec!["abnormal_two_years:case:7"]
        );
    }

    #[test]
    fn the_plan_for_every_state() {
        let ab = |state| case(1, Trigger::ReportMissing, "report:2024", state);
        let se = |state| case(2, Trigger::LargeFine, "penalty:9", state);
        let with = |c: CaseFact| OrgFacts {
            cases: vec![c],
            ..facts()
        };
        let h_ab = [hit(Trigger::ReportMissing, "report:2024")];
        let h_se = [hit(Trigger::LargeFine, "penalty:9")];
        let during = T + 5 * DAY;
        let after = T + 10 * DAY + 1;
        let cases: Vec<(CaseFact, &[Hit], i64, Vec<Step>)> = vec![
            // Abnormal, ground holds.
            (ab(CaseState::Noticed), &h_ab, during, vec![]),
            (ab(CaseState::Noticed), &h_ab, after, vec![Step::List(1)]),
            (ab(CaseState::Objected), &h_ab, after, vec![]),
            (ab(CaseState::Listed), &h_ab, after, vec![]),
            (ab(CaseState::Withdrawn), &h_ab, after, vec![]),
            (ab(CaseState::Removed), &h_ab, after, vec![]),
            // Abnormal, ground gone.
            (ab(CaseState::Noticed), &[], during, vec![Step::Withdraw(1)]),
            (ab(CaseState::Objected), &[], after, vec![Step::Withdraw(1)]),
            (
                ab(CaseState::Listed),
                &[],
                after,
                vec![Step::Remove(1, Removal::Met)],
            ),
            (ab(CaseState::Removed), &[], after, vec![]),
            // Serious: a decision stands; removal after the period from the clock.
            (se(CaseState::Noticed), &[], during, vec![]),
            (se(CaseState::Noticed), &[], after, vec![Step::List(2)]),
            (se(CaseState::Objected), &h_se, after, vec![]),
            (se(CaseState::Listed), &[], T + 740 * DAY, vec![]),
            (
                se(CaseState::Listed),
                &[],
                T + 741 * DAY,
                vec![Step::Remove(2, Removal::Served)],
            ),
            (se(CaseState::Removed), &h_se, T + 741 * DAY, vec![]),
        ];
        for (c, h, now, want) in cases {
            let state = c.state;
            assert_eq!(plan(&with(c), h, &s(), now), want, "{state:?} at {now}");
        }
    }

    #[test]
    fn new_grounds_are_noticed_once_and_reoffences_restart_the_clock() {
        let mut f = facts();
        let h = vec![
            hit(Trigger::ReportMissing, "report:2024"),
            hit(Trigger::Unreachable, "finding:1"),
        ];
        assert_eq!(
            plan(&f, &h, &s(), T),
            vec![Step::Notice(h[0].clone()), Step::Notice(h[1].clone())]
        );
        // Once a case exists for an occurrence (in any state), no second notice.
        f.cases = vec![case(
            1,
            Trigger::ReportMissing,
            "report:2024",
            CaseState::Removed,
        )];
        assert_eq!(plan(&f, &h[..1], &s(), T), vec![]);
        // Two serious grounds at once: one notice.
        let g = vec![
            hit(Trigger::LargeFine, "penalty:1"),
            hit(Trigger::RepeatPenalties, "penalty:1"),
        ];
        assert_eq!(
            plan(&facts(), &g, &s(), T),
            vec![Step::Notice(g[0].clone())]
        );
        // A serious case listed: a new ground restarts it.
        f.cases = vec![case(2, Trigger::LargeFine, "penalty:1", CaseState::Listed)];
        assert_eq!(
            plan(&f, &g, &s(), T + 20 * DAY),
            vec![Step::Restart(2, g[1].clone())]
        );
        // Absorbed once, never again.
        f.absorbed = vec![key(g[1].trigger, &g[1].subject)];
        assert_eq!(plan(&f, &g, &s(), T + 20 * DAY), vec![]);
        // A removed serious case restarts nothing: the new ground is noticed.
        f.cases[0].state = CaseState::Removed;
        f.absorbed.clear();
        assert_eq!(
            plan(&f, &g, &s(), T + 20 * DAY),
            vec![Step::Notice(g[1].clone())]
        );
    }

    #[test]
    fn the_status_follows_the_listed_cases() {
        use crate::orgs::CreditStatus as C;
        assert_eq!(status_of(&[]), C::Normal);
        assert_eq!(
            status_of(&[(CreditList::Abnormal, CaseState::Noticed)]),
            C::Normal
        );
        assert_eq!(
            status_of(&[(CreditList::Abnormal, CaseState::Listed)]),
            C::Abnormal
        );
        assert_eq!(
            status_of(&[
                (CreditList::Abnormal, CaseState::Listed),
                (CreditList::Serious, CaseState::Listed)
            ]),
            C::Dishonest
        );
        assert_eq!(
            status_of(&[(CreditList::Serious, CaseState::Removed)]),
            C::Normal
        );
    }

    #[test]
    fn objections_only_within_the_period() {
        let f = |t: &str| ObjectionForm { text: t.into() };
        assert_eq!(
            validate_objection(&f(" 已于截止前报送 "), T, T, Lang::Zh),
            Ok("已于截止前报送".into())
        );
        assert!(
            validate_objection(&f("已于截止前报送"), T, T + 1, Lang::En)
                .unwrap_err()
                .get("text")
                .is_some()
        );
        assert!(validate_objection(&f(" "), T, T, Lang::En).is_err());
        assert!(validate_objection(&f("a\u{0}b"), T, T, Lang::En).is_err());
    }

    #[test]
    fn answers_and_findings_are_validated() {
        let a = |d: &str, t: &str| AnswerForm {
            decision: d.into(),
            text: t.into(),
        };
        assert_eq!(
            validate_answer(&a("uphold", "材料属实"), Lang::Zh),
            Ok((true, "材料属实".into()))
        );
        assert_eq!(
            validate_answer(&a("reject", "理由不成立"), Lang::Zh),
            Ok((false, "理由不成立".into()))
        );
        assert!(
            validate_answer(&a("", "理由"), Lang::Zh)
                .unwrap_err()
                .get("decision")
                .is_some()
        );
        assert!(
            validate_answer(&a("reject", ""), Lang::Zh)
                .unwrap_err()
                .get("text")
                .is_some()
        );
        let today = time::macros::date!(2026 - 11 - 27);
        let g = |k: &str, n: &str, d: &str| FindingForm {
            kind: k.into(),
            note: n.into(),
            due: d.into(),
        };
        let ok = validate_finding(
            &g("rectification", "责令整改", "2026-12-31"),
            today,
            Lang::Zh,
        )
        .unwrap();
        assert_eq!(
            ok.due_at,
            Some(super::super::rules::day_start(time::macros::date!(
                2027 - 01 - 01
            )))
        );
        assert_eq!(
            validate_finding(&g("unreachable", "两次挂号信无人签收", ""), today, Lang::Zh)
                .unwrap()
                .due_at,
            None
        );
        let err = |k: &str, n: &str, d: &str, field: &str| {
            let e = validate_finding(&g(k, n, d), today, Lang::En).unwrap_err();
            assert!(e.get(field).is_some(), "{k} {n} {d}: {e:?}");
        };
        err("bogus", "x y", "", "kind");
        err("other", "", "", "note");
        err("rectification", "整改", "", "due");
        err("rectification", "整改", "2026-11-27", "due");
        err("rectification", "整改", "2026/12/31", "due");
        err("unreachable", "无人签收", "2026-12-31", "due");
        assert!(
            validate_resolve(
                &ResolveForm {
                    note: "已整改".into()
                },
                Lang::Zh
            )
            .is_ok()
        );
        assert!(validate_resolve(&ResolveForm { note: "".into() }, Lang::Zh).is_err());
    }

    #[test]
    fn a_lookup_is_a_uscc_a_name_or_the_listings() {
        assert_eq!(lookup("  ", Lang::Zh), Ok(Lookup::Listings));
        assert_eq!(
            lookup("51150100mj0000001x", Lang::Zh),
            Ok(Lookup::Uscc("51150100MJ0000001X".into()))
        );
        assert_eq!(lookup(" 养老 ", Lang::Zh), Ok(Lookup::Name("养老".into())));
        assert!(lookup("a\u{7}", Lang::Zh).is_err());
        assert!(lookup(&"长".repeat(limits::QUERY + 1), Lang::Zh).is_err());
        assert_eq!(
            subject_label("report:2024", Lang::En),
            Lang::En.tf("credit.subject.report", &[("year", "2024")])
        );
    }

    #[test]
    fn settings_parse_days() {
        assert_eq!(CreditSettings::parse_days("X", "15"), Ok(15));
        for bad in ["0", "-1", "x", "", "3651"] {
            assert!(CreditSettings::parse_days("X", bad).is_err(), "{bad}");
        }
    }
}
