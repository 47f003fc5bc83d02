//! Pure rules of venture-philanthropy calls: states and their one transition function, the
//! phase a visitor sees, the call form's validation (limits in one table) and whether an
//! organization fits an open call (with the reasons shown to it).

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::kernel::text::{self, Kind};
use crate::regions::{REGION_CODE, regions};

/// The longest each free-text field of this room's forms may be, in characters, and the
/// most rows a list on the form may have: the one place these limits are set.
pub mod limits {
    /// A call's title.
    pub const TITLE: usize = 200;
    /// A call's theme (what it funds, in a few paragraphs).
    pub const THEME: usize = 5000;
    /// A rubric criterion's name.
    pub const CRITERION: usize = 100;
    /// Why a call is cancelled.
    pub const REASON: usize = 500;
    /// Rows of rubric criteria, tranches or reports.
    pub const ROWS: usize = 12;
    /// Reviewers per application.
    pub const REVIEWERS: i16 = 15;
    /// Months after the start a report may be due.
    pub const REPORT_MONTH: i16 = 60;
}

code_enum! {
    /// A call's stored state.
    CallState => "call.state" {
        /// Being written by the organizer; seen by nobody else.
        Draft = "draft",
        /// Public; applications are taken inside the window.
        Published = "published",
        /// The window has closed (written by the closing job).
        Closed = "closed",
        /// Cancelled by the organizer, with a public reason.
        Cancelled = "cancelled",
    }
}

/// What happens to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallEvent {
    /// The organizer publishes the draft.
    Publish,
    /// The clock passes the end of the window.
    Close,
    /// The organizer cancels it.
    Cancel,
}

/// A transition the state machine refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition(pub CallState, pub CallEvent);

impl CallState {
    /// The one transition function.
    pub fn apply(self, e: CallEvent) -> Result<CallState, IllegalTransition> {
        use CallEvent::*;
        use CallState::*;
        match (self, e) {
            (Draft, Publish) => Ok(Published),
            (Published, Close) => Ok(Closed),
            (Draft | Published, Cancel) => Ok(Cancelled),
            _ => Err(IllegalTransition(self, e)),
        }
    }
}

code_enum! {
    /// What a visitor sees of a call at an instant: a published call is upcoming, open or
    /// already closed by the clock (before the job writes it).
    Phase => "call.phase" {
        /// A draft.
        Draft = "draft",
        /// Published, the window not open yet.
        Upcoming = "upcoming",
        /// Taking applications.
        Open = "open",
        /// The window has closed.
        Closed = "closed",
        /// Cancelled.
        Cancelled = "cancelled",
    }
}

/// The phase of a call at `now`: the window is `[opens, closes)`.
pub fn phase(state: CallState, opens: i64, closes: i64, now: i64) -> Phase {
    match state {
        CallState::Draft => Phase::Draft,
        CallState::Cancelled => Phase::Cancelled,
        CallState::Closed => Phase::Closed,
        CallState::Published if now >= closes => Phase::Closed,
        CallState::Published if now >= opens => Phase::Open,
        CallState::Published => Phase::Upcoming,
    }
}

code_enum! {
    /// Who may apply to a call (any of those ticked); a clean credit record is always required.
    Applicant => "call.applicant" {
        /// Registered social organizations.
        Registered = "registered",
        /// Community groups in preparation (not yet registered).
        Preparing = "preparing",
        /// Tenants of an incubator.
        Tenant = "tenant",
    }
}

code_enum! {
    /// Who runs a call.
    OrganizerKind {
        /// A purchasing unit (street/township, civil-affairs bureau); its buyers act for it.
        Unit = "unit",
        /// A foundation on the platform; its administrators act for it.
        Org = "org",
    }
}

/// A call's organizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Organizer {
    /// Unit or organization.
    pub kind: OrganizerKind,
    /// Its id.
    pub id: i64,
}

impl Organizer {
    /// The form value, `unit:3` or `org:7`.
    pub fn code(self) -> String {
        format!("{}:{}", self.kind.code(), self.id)
    }

    /// Parses a form value.
    pub fn parse(s: &str) -> Option<Organizer> {
        let (k, id) = s.trim().split_once(':')?;
        Some(Organizer {
            kind: OrganizerKind::parse(k)?,
            id: id.parse().ok().filter(|i| *i > 0)?,
        })
    }
}

/// What an organizer typed on the call form. Lists come as parallel repeated fields.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CallForm {
    /// [`Organizer::code`] of one of the user's organizers.
    #[serde(default)]
    pub organizer: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Theme.
    #[serde(default)]
    pub theme: String,
    /// Service-domain codes.
    #[serde(default)]
    pub domains: Vec<String>,
    /// League/city of the eligible place (empty: the whole region).
    #[serde(default)]
    pub c_league: String,
    /// Banner/county of the eligible place.
    #[serde(default)]
    pub c_county: String,
    /// Township/street of the eligible place.
    #[serde(default)]
    pub c_township: String,
    /// [`Applicant`] codes.
    #[serde(default)]
    pub applicants: Vec<String>,
    /// Pool in yuan.
    #[serde(default)]
    pub pool: String,
    /// Maximum grant in yuan.
    #[serde(default)]
    pub max_grant: String,
    /// Co-funding the applicant brings, in percent of the project (up to two decimals).
    #[serde(default)]
    pub cofund: String,
    /// Window start, `datetime-local` in Asia/Shanghai time.
    #[serde(default)]
    pub opens_at: String,
    /// Window end, likewise.
    #[serde(default)]
    pub closes_at: String,
    /// Reviewers per application.
    #[serde(default)]
    pub reviewers: String,
    /// Rubric criteria names.
    #[serde(default)]
    pub criterion_name: Vec<String>,
    /// Rubric criteria weights (percent).
    #[serde(default)]
    pub criterion_weight: Vec<String>,
    /// Tranche percentages, in payment order.
    #[serde(default)]
    pub tranche: Vec<String>,
    /// Months after the start each report is due.
    #[serde(default)]
    pub report_month: Vec<String>,
    /// `1`: concept note first, then invited full proposals.
    #[serde(default)]
    pub two_stage: String,
    /// A two-stage call's full-proposal deadline, `datetime-local` in Asia/Shanghai time.
    #[serde(default)]
    pub full_closes_at: String,
    /// `1`: applications hidden until the window closes.
    #[serde(default)]
    pub sealed: String,
    /// Cap on a proposal's administrative share, percent (blank: the platform's default).
    #[serde(default)]
    pub admin_cap: String,
}

/// A valid call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallDraft {
    /// Who runs it.
    pub organizer: Organizer,
    /// Title.
    pub title: String,
    /// Theme.
    pub theme: String,
    /// Domain codes, in taxonomy order.
    pub domains: Vec<String>,
    /// Eligible division codes.
    pub places: Vec<String>,
    /// Who may apply.
    pub applicants: Vec<Applicant>,
    /// Pool.
    pub pool: Fen,
    /// Largest single grant.
    pub max_grant: Fen,
    /// Co-funding ratio in basis points.
    pub cofund_bp: i32,
    /// Window start (Unix seconds).
    pub opens_at: i64,
    /// Window end.
    pub closes_at: i64,
    /// Reviewers per application.
    pub reviewers: i16,
    /// Rubric: name, weight in percent (summing to 100).
    pub rubric: Vec<(String, i16)>,
    /// Tranches in basis points (summing to 10 000).
    pub tranches: Vec<i32>,
    /// Report due months after the start, ascending.
    pub reports: Vec<i16>,
    /// Two stages.
    pub two_stage: bool,
    /// A two-stage call's full-proposal deadline, after the window's close (none for one
    /// stage).
    pub full_closes_at: Option<i64>,
    /// Sealed round.
    pub sealed: bool,
    /// Cap on a proposal's administrative share in basis points (none: the platform's).
    pub admin_cap_bp: Option<i32>,
}

pub use crate::kernel::clock::{format_local, parse_local};

/// A percentage with up to two decimals, in basis points.
pub fn parse_percent_bp(s: &str) -> Option<i32> {
    let f = Fen::parse_yuan(s)?; // same grammar: digits with up to two decimals
    i32::try_from(f.0).ok().filter(|bp| *bp <= 10_000)
}

/// Basis points as a form value: `12.5` → `12.50`, `25` → `25`.
pub fn percent_input(bp: i32) -> String {
    if bp % 100 == 0 {
        (bp / 100).to_string()
    } else {
        format!("{}.{:02}", bp / 100, bp % 100)
    }
}

/// Validates the call form. `organizers` are those the user may act for; `now` keeps a
/// window that has already ended from being saved.
pub fn validate_call(
    f: &CallForm,
    organizers: &[Organizer],
    now: i64,
    lang: Lang,
) -> Result<CallDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let organizer = Organizer::parse(&f.organizer).filter(|o| organizers.contains(o));
    if organizer.is_none() {
        e.add("organizer", lang.t("form.choose"));
    }
    let title = f.title.trim();
    if text::check(&mut e, "title", &f.title, Kind::Line, limits::TITLE, lang)
        && title.chars().count() < 4
    {
        e.add("title", lang.t("call.err.title"));
    }
    let theme = f.theme.trim();
    if text::check(&mut e, "theme", &f.theme, Kind::Multi, limits::THEME, lang)
        && theme.chars().count() < 10
    {
        e.add("theme", lang.t("call.err.theme"));
    }
    let mut domains: Vec<String> = Vec::new();
    for d in &f.domains {
        if crate::orgs::is_domain(d.trim()) {
            if !domains.iter().any(|x| x == d.trim()) {
                domains.push(d.trim().to_string());
            }
        } else {
            e.add("domains", lang.t("form.choose"));
        }
    }
    if domains.is_empty() && e.get("domains").is_none() {
        e.add("domains", lang.t("call.err.domains"));
    }
    domains.sort_by_key(|d| {
        crate::orgs::DOMAINS
            .iter()
            .position(|(c, _, _)| *c == d.as_str())
            .unwrap_or(usize::MAX)
    });
    let r = regions();
    let (l, c, t) = (f.c_league.trim(), f.c_county.trim(), f.c_township.trim());
    let consistent = (c.is_empty() || r.league_of(c).is_some_and(|d| d.code == l))
        && (t.is_empty() || r.county_of(t).is_some_and(|d| d.code == c));
    let place = [t, c, l]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or(REGION_CODE);
    if !consistent || r.get(place).is_none() {
        e.add("c_county", lang.t("org.err.division_mismatch"));
    }
    let mut applicants = Vec::new();
    for a in &f.applicants {
        match Applicant::parse(a.trim()) {
            Some(a) if !applicants.contains(&a) => applicants.push(a),
            Some(_) => {}
            None => e.add("applicants", lang.t("form.choose")),
        }
    }
    if applicants.is_empty() && e.get("applicants").is_none() {
        e.add("applicants", lang.t("call.err.applicants"));
    }
    applicants.sort_by_key(|a| Applicant::ALL.iter().position(|x| x == a));
    let pool = Fen::parse_yuan(&f.pool).filter(|p| p.0 > 0);
    if pool.is_none() {
        e.add("pool", lang.t("call.err.amount"));
    }
    let max_grant = Fen::parse_yuan(&f.max_grant).filter(|p| p.0 > 0);
    match (pool, max_grant) {
        (_, None) => e.add("max_grant", lang.t("call.err.amount")),
        (Some(p), Some(m)) if m > p => e.add("max_grant", lang.t("call.err.max_over_pool")),
        _ => {}
    }
    let cofund_bp = match f.cofund.trim() {
        "" => Some(0),
        s => parse_percent_bp(s).filter(|bp| *bp < 10_000),
    };
    if cofund_bp.is_none() {
        e.add("cofund", lang.t("call.err.cofund"));
    }
    let admin_cap_bp = match f.admin_cap.trim() {
        "" => None,
        s => match parse_percent_bp(s).filter(|bp| *bp > 0) {
            Some(bp) => Some(bp),
            None => {
                e.add("admin_cap", lang.t("call.err.admin_cap"));
                None
            }
        },
    };
    let opens = parse_local(&f.opens_at);
    let closes = parse_local(&f.closes_at);
    if opens.is_none() {
        e.add("opens_at", lang.t("call.err.datetime"));
    }
    match (opens, closes) {
        (_, None) => e.add("closes_at", lang.t("call.err.datetime")),
        (Some(o), Some(c)) if c <= o => e.add("closes_at", lang.t("call.err.window")),
        (_, Some(c)) if c <= now => e.add("closes_at", lang.t("call.err.window_past")),
        _ => {}
    }
    // The full-proposal deadline counts only for a two-stage call, and must come after the
    // concept notes' window.
    let two_stage = f.two_stage.trim() == "1";
    let full_closes_at = if two_stage {
        match (parse_local(&f.full_closes_at), closes) {
            (None, _) => {
                e.add("full_closes_at", lang.t("call.err.full_closes_at"));
                None
            }
            (Some(full), Some(c)) if full <= c => {
                e.add("full_closes_at", lang.t("call.err.full_after_window"));
                None
            }
            (full, _) => full,
        }
    } else {
        None
    };
    let reviewers = f
        .reviewers
        .trim()
        .parse::<i16>()
        .ok()
        .filter(|n| (1..=limits::REVIEWERS).contains(n));
    if reviewers.is_none() {
        e.add(
            "reviewers",
            lang.tf(
                "call.err.reviewers",
                &[("max", &limits::REVIEWERS.to_string())],
            ),
        );
    }
    let mut rubric: Vec<(String, i16)> = Vec::new();
    let rows = f.criterion_name.len().max(f.criterion_weight.len());
    for i in 0..rows {
        let name = f.criterion_name.get(i).map(String::as_str).unwrap_or("");
        let w = f.criterion_weight.get(i).map(|w| w.trim()).unwrap_or("");
        if name.trim().is_empty() && w.is_empty() {
            continue;
        }
        if !text::check(&mut e, "rubric", name, Kind::Line, limits::CRITERION, lang) {
            break;
        }
        match w.parse::<i16>().ok().filter(|w| (1..=100).contains(w)) {
            Some(w) if !name.trim().is_empty() => rubric.push((name.trim().to_string(), w)),
            _ => {
                e.add(
                    "rubric",
                    lang.tf("call.err.criterion", &[("n", &(i + 1).to_string())]),
                );
                break;
            }
        }
    }
    if e.get("rubric").is_none() {
        let sum: i32 = rubric.iter().map(|(_, w)| i32::from(*w)).sum();
        if rubric.is_empty() {
            e.add("rubric", lang.t("call.err.no_criteria"));
        } else if rubric.len() > limits::ROWS {
            e.add("rubric", lang.t("call.err.rows"));
        } else if sum != 100 {
            e.add(
                "rubric",
                lang.tf("call.err.weights_sum", &[("sum", &sum.to_string())]),
            );
        }
    }
    let mut tranches = Vec::new();
    for (i, s) in f.tranche.iter().enumerate() {
        if s.trim().is_empty() {
            continue;
        }
        match parse_percent_bp(s).filter(|bp| *bp > 0) {
            Some(bp) => tranches.push(bp),
            None => {
                e.add(
                    "tranches",
                    lang.tf("call.err.tranche", &[("n", &(i + 1).to_string())]),
                );
                break;
            }
        }
    }
    if e.get("tranches").is_none() {
        let sum: i32 = tranches.iter().sum();
        if tranches.is_empty() {
            e.add("tranches", lang.t("call.err.no_tranches"));
        } else if tranches.len() > limits::ROWS {
            e.add("tranches", lang.t("call.err.rows"));
        } else if sum != 10_000 {
            e.add(
                "tranches",
                lang.tf("call.err.tranches_sum", &[("sum", &percent_input(sum))]),
            );
        }
    }
    let mut reports = Vec::new();
    for (i, s) in f.report_month.iter().enumerate() {
        if s.trim().is_empty() {
            continue;
        }
        match s
            .trim()
            .parse::<i16>()
            .ok()
            .filter(|m| (1..=limits::REPORT_MONTH).contains(m))
        {
            Some(m) if reports.last().is_none_or(|last| m > *last) => reports.push(m),
            _ => {
                e.add(
                    "reports",
                    lang.tf(
                        "call.err.report",
                        &[
                            ("n", &(i + 1).to_string()),
                            ("max", &limits::REPORT_MONTH.to_string()),
                        ],
                    ),
                );
                break;
            }
        }
    }
    if e.get("reports").is_none() {
        if reports.is_empty() {
            e.add("reports", lang.t("call.err.no_reports"));
        } else if reports.len() > limits::ROWS {
            e.add("reports", lang.t("call.err.rows"));
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(CallDraft {
        organizer: organizer.unwrap_or(Organizer {
            kind: OrganizerKind::Unit,
            id: 0,
        }),
        title: title.to_string(),
        theme: theme.to_string(),
        domains,
        places: vec![place.to_string()],
        applicants,
        pool: pool.unwrap_or_default(),
        max_grant: max_grant.unwrap_or_default(),
        cofund_bp: cofund_bp.unwrap_or_default(),
        opens_at: opens.unwrap_or_default(),
        closes_at: closes.unwrap_or_default(),
        reviewers: reviewers.unwrap_or(1),
        rubric,
        tranches,
        reports,
        two_stage,
        full_closes_at,
        sealed: f.sealed.trim() == "1",
        admin_cap_bp,
    })
}

/// Validates a cancellation reason: 5 to [`limits::REASON`] characters on several lines.
pub fn validate_reason(s: &str, lang: Lang) -> Result<String, String> {
    text::checked(s, Kind::Multi, limits::REASON, lang)?;
    let t = s.trim();
    if t.chars().count() < 5 {
        return Err(lang.t("call.err.reason"));
    }
    Ok(t.to_string())
}

/// Wraps codes for storage as `,a,b,` (so `LIKE '%,a,%'` finds one).
pub fn wrap_codes<S: AsRef<str>>(codes: &[S]) -> String {
    let mut s = String::from(",");
    for c in codes {
        s.push_str(c.as_ref());
        s.push(',');
    }
    s
}

/// The codes of a stored `,a,b,` list.
pub fn unwrap_codes(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// The leagues/cities the places lie in (the region code for the whole region), for the
/// list's league filter.
pub fn leagues_of(places: &[String]) -> Vec<String> {
    let r = regions();
    let mut out: Vec<String> = places
        .iter()
        .map(|p| {
            r.league_of(p)
                .map(|d| d.code.clone())
                .unwrap_or_else(|| REGION_CODE.to_string())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// What matching needs of an organization to tell whether it fits a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicantFacts {
    /// A registered social organization (social group, foundation, service agency).
    pub social: bool,
    /// Credit status is normal (on no list).
    pub clean_credit: bool,
    /// Its most precise division.
    pub division_code: String,
    /// Its league/city.
    pub league_code: Option<String>,
    /// Its banner/county.
    pub county_code: Option<String>,
    /// Its service domains.
    pub domains: Vec<String>,
}

/// Why an organization fits a call (shown next to a recommended call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fit {
    /// Its place lies in the call's eligible place (that division code).
    Place(String),
    /// It works in these of the call's domains.
    Domains(Vec<String>),
    /// Registered, which the call accepts.
    Registered,
    /// No credit-list entry.
    CleanCredit,
}

/// Why an organization does not fit a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misfit {
    /// On a credit list.
    Credit,
    /// Outside the eligible places.
    Place,
    /// No shared domain.
    Domain,
    /// The call does not accept registered organizations.
    Kind,
}

/// Whether `division` lies in `place` (the region code covers everything in the region).
pub fn place_covers(place: &str, o: &ApplicantFacts) -> bool {
    place == REGION_CODE
        || o.division_code == place
        || o.league_code.as_deref() == Some(place)
        || o.county_code.as_deref() == Some(place)
        || regions()
            .get(&o.division_code)
            .and_then(|d| d.parent.as_deref())
            .is_some_and(|p| p == place)
}

/// Whether an organization fits a call: `Ok(reasons)` or every rule it fails.
pub fn fit(
    domains: &[String],
    places: &[String],
    applicants: &[Applicant],
    o: &ApplicantFacts,
) -> Result<Vec<Fit>, Vec<Misfit>> {
    let mut misses = Vec::new();
    if !o.clean_credit {
        misses.push(Misfit::Credit);
    }
    let place = places.iter().find(|p| place_covers(p, o));
    if place.is_none() {
        misses.push(Misfit::Place);
    }
    let shared: Vec<String> = domains
        .iter()
        .filter(|d| o.domains.contains(d))
        .cloned()
        .collect();
    if shared.is_empty() {
        misses.push(Misfit::Domain);
    }
    // Registered organizations are what the registry holds; groups in preparation and
    // incubator tenants are recognized where they apply.
    if !(o.social && applicants.contains(&Applicant::Registered)) {
        misses.push(Misfit::Kind);
    }
    if !misses.is_empty() {
        return Err(misses);
    }
    Ok(vec![
        Fit::Place(place.cloned().unwrap_or_default()),
        Fit::Domains(shared),
        Fit::Registered,
        Fit::CleanCredit,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_780_800; // 2026-11-27 20:00 Asia/Shanghai

    fn units() -> Vec<Organizer> {
        vec![Organizer {
            kind: OrganizerKind::Unit,
            id: 3,
        }]
    }

    fn good() -> CallForm {
        CallForm {
            organizer: "unit:3".into(),
            title: "社区公益创投大赛".into(),
            theme: "支持社区社会组织开展为老服务和儿童关爱项目。".into(),
            domains: vec!["community".into(), "elderly".into()],
            c_league: "150100".into(),
            c_county: "150102".into(),
            c_township: String::new(),
            applicants: vec!["registered".into(), "preparing".into()],
            pool: "500000".into(),
            max_grant: "50000".into(),
            cofund: "10".into(),
            opens_at: "2026-12-01T09:00".into(),
            closes_at: "2026-12-31T17:00".into(),
            reviewers: "3".into(),
            criterion_name: vec!["需求分析".into(), "项目设计".into(), "".into()],
            criterion_weight: vec!["40".into(), "60".into(), "".into()],
            tranche: vec!["50".into(), "30".into(), "20".into(), "".into()],
            report_month: vec!["6".into(), "12".into(), "".into()],
            two_stage: "1".into(),
            full_closes_at: "2027-01-31T17:00".into(),
            sealed: String::new(),
            admin_cap: String::new(),
        }
    }

    #[test]
    fn a_two_stage_call_needs_a_full_deadline_after_the_window() {
        let d = validate_call(&good(), &units(), NOW, Lang::En).unwrap();
        assert_eq!(
            d.full_closes_at.map(format_local).unwrap(),
            "2027-01-31T17:00"
        );
        for bad in ["", "x", "2026-12-31T17:00", "2026-12-15T09:00"] {
            let mut f = good();
            f.full_closes_at = bad.into();
            let e = validate_call(&f, &units(), NOW, Lang::En).unwrap_err();
            assert!(e.get("full_closes_at").is_some(), "{bad:?}: {e:?}");
        }
        // One stage: the second deadline is not kept, whatever was typed.
        let mut f = good();
        f.two_stage = String::new();
        f.full_closes_at = "nonsense".into();
        let d = validate_call(&f, &units(), NOW, Lang::En).unwrap();
        assert_eq!(d.full_closes_at, None);
    }

    #[test]
    fn transition_table_is_exact() {
        use CallEvent::*;
        use CallState::*;
        for s in CallState::ALL {
            for e in [Publish, Close, Cancel] {
                let expected = match (s, e) {
                    (Draft, Publish) => Some(Published),
                    (Published, Close) => Some(Closed),
                    (Draft | Published, Cancel) => Some(Cancelled),
                    _ => None,
                };
                assert_eq!(s.apply(e).ok(), expected, "{s:?} {e:?}");
            }
        }
    }

    #[test]
    fn phases_follow_the_clock() {
        let (o, c) = (100, 200);
        assert_eq!(phase(CallState::Draft, o, c, 150), Phase::Draft);
        assert_eq!(phase(CallState::Published, o, c, 99), Phase::Upcoming);
        assert_eq!(phase(CallState::Published, o, c, 100), Phase::Open);
        assert_eq!(phase(CallState::Published, o, c, 199), Phase::Open);
        assert_eq!(phase(CallState::Published, o, c, 200), Phase::Closed);
        assert_eq!(phase(CallState::Closed, o, c, 150), Phase::Closed);
        assert_eq!(phase(CallState::Cancelled, o, c, 150), Phase::Cancelled);
    }

    #[test]
    fn a_good_call_validates() {
        let d = validate_call(&good(), &units(), NOW, Lang::Zh).unwrap();
        assert_eq!(d.domains, vec!["elderly", "community"], "taxonomy order");
        assert_eq!(d.places, vec!["150102"]);
        assert_eq!(
            d.applicants,
            vec![Applicant::Registered, Applicant::Preparing]
        );
        assert_eq!((d.pool, d.max_grant), (Fen(50_000_000), Fen(5_000_000)));
        assert_eq!(d.cofund_bp, 1000);
        assert_eq!(d.tranches, vec![5000, 3000, 2000]);
        assert_eq!(d.reports, vec![6, 12]);
        assert_eq!(d.rubric.len(), 2);
        assert!(d.two_stage && !d.sealed);
        assert_eq!(d.admin_cap_bp, None, "blank: the platform's default");
        let mut f = good();
        f.admin_cap = "12.5".into();
        assert_eq!(
            validate_call(&f, &units(), NOW, Lang::Zh)
                .unwrap()
                .admin_cap_bp,
            Some(1250)
        );
        assert_eq!(format_local(d.opens_at), "2026-12-01T09:00");
        // No place chosen: the whole region.
        let mut f = good();
        (f.c_league, f.c_county) = (String::new(), String::new());
        assert_eq!(
            validate_call(&f, &units(), NOW, Lang::Zh).unwrap().places,
            vec![REGION_CODE]
        );
    }

    #[test]
    fn each_bad_input_names_its_field() {
        type Change = Box<dyn Fn(&mut CallForm)>;
        let cases: Vec<(&str, Change)> = vec![
            ("organizer", Box::new(|f| f.organizer = "unit:4".into())),
            ("organizer", Box::new(|f| f.organizer = "org:x".into())),
            ("title", Box::new(|f| f.title = "短".into())),
            ("title", Box::new(|f| f.title = "标题\0".into())),
            ("title", Box::new(|f| f.title = "长".repeat(201))),
            ("theme", Box::new(|f| f.theme = "太短".into())),
            ("domains", Box::new(|f| f.domains.clear())),
            ("domains", Box::new(|f| f.domains = vec!["nope".into()])),
            ("c_county", Box::new(|f| f.c_county = "150202".into())),
            ("applicants", Box::new(|f| f.applicants.clear())),
            ("applicants", Box::new(|f| f.applicants = vec!["x".into()])),
            ("pool", Box::new(|f| f.pool = "0".into())),
            ("pool", Box::new(|f| f.pool = "-5".into())),
            ("max_grant", Box::new(|f| f.max_grant = "600000".into())),
            ("max_grant", Box::new(|f| f.max_grant = "abc".into())),
            ("cofund", Box::new(|f| f.cofund = "100".into())),
            ("cofund", Box::new(|f| f.cofund = "12.345".into())),
            ("admin_cap", Box::new(|f| f.admin_cap = "0".into())),
            ("admin_cap", Box::new(|f| f.admin_cap = "101".into())),
            ("opens_at", Box::new(|f| f.opens_at = "tomorrow".into())),
            (
                "closes_at",
                Box::new(|f| f.closes_at = "2026-11-30T09:00".into()),
            ),
            (
                "closes_at",
                Box::new(|f| {
                    f.opens_at = "2026-11-01T09:00".into();
                    f.closes_at = "2026-11-20T09:00".into();
                }),
            ),
            ("reviewers", Box::new(|f| f.reviewers = "0".into())),
            ("reviewers", Box::new(|f| f.reviewers = "16".into())),
            ("rubric", Box::new(|f| f.criterion_weight[1] = "50".into())),
            ("rubric", Box::new(|f| f.criterion_name[0] = String::new())),
            (
                "rubric",
                Box::new(|f| f.criterion_name[0] = "名\u{1}".into()),
            ),
            ("rubric", Box::new(|f| f.criterion_weight = vec![])),
            ("tranches", Box::new(|f| f.tranche[2] = "10".into())),
            ("tranches", Box::new(|f| f.tranche[0] = "0".into())),
            ("tranches", Box::new(|f| f.tranche.clear())),
            (
                "reports",
                Box::new(|f| f.report_month = vec!["12".into(), "6".into()]),
            ),
            ("reports", Box::new(|f| f.report_month = vec!["61".into()])),
            ("reports", Box::new(|f| f.report_month.clear())),
        ];
        for (field, change) in cases {
            let mut f = good();
            change(&mut f);
            let e = validate_call(&f, &units(), NOW, Lang::En).unwrap_err();
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let mut f = good();
        f.tranche = vec!["50".into(), "30".into()];
        f.criterion_weight = vec!["40".into(), "50".into()];
        let e = validate_call(&f, &units(), NOW, Lang::En).unwrap_err();
        assert!(e.get("tranches").unwrap().contains("80"), "{e:?}");
        assert!(e.get("rubric").unwrap().contains("90"), "{e:?}");
    }

    #[test]
    fn organizer_codes_round_trip() {
        for o in [
            Organizer {
                kind: OrganizerKind::Unit,
                id: 3,
            },
            Organizer {
                kind: OrganizerKind::Org,
                id: 17,
            },
        ] {
            assert_eq!(Organizer::parse(&o.code()), Some(o));
        }
        assert_eq!(Organizer::parse("unit:0"), None);
        assert_eq!(Organizer::parse("x:1"), None);
        assert_eq!(Organizer::parse(""), None);
    }

    #[test]
    fn codes_are_wrapped_for_like() {
        let s = wrap_codes(&["elderly", "community"]);
        assert_eq!(s, ",elderly,community,");
        assert_eq!(unwrap_codes(&s), vec!["elderly", "community"]);
        assert_eq!(
            leagues_of(&["150102".into(), "150000".into()]),
            vec!["150000", "150100"]
        );
    }

    fn org() -> ApplicantFacts {
        ApplicantFacts {
            social: true,
            clean_credit: true,
            division_code: "150102".into(),
            league_code: Some("150100".into()),
            county_code: Some("150102".into()),
            domains: vec!["elderly".into(), "health".into()],
        }
    }

    #[test]
    fn each_fit_rule_fires_alone() {
        let d = vec!["elderly".to_string(), "community".to_string()];
        let p = vec!["150100".to_string()];
        let a = vec![Applicant::Registered];
        let ok = fit(&d, &p, &a, &org()).unwrap();
        assert_eq!(ok[0], Fit::Place("150100".into()));
        assert_eq!(ok[1], Fit::Domains(vec!["elderly".into()]));
        let mut o = org();
        o.clean_credit = false;
        assert_eq!(fit(&d, &p, &a, &o), Err(vec![Misfit::Credit]));
        assert_eq!(
            fit(&d, &["150200".to_string()], &a, &org()),
            Err(vec![Misfit::Place])
        );
        assert_eq!(
            fit(&["rural".to_string()], &p, &a, &org()),
            Err(vec![Misfit::Domain])
        );
        assert_eq!(
            fit(&d, &p, &[Applicant::Preparing], &org()),
            Err(vec![Misfit::Kind])
        );
        let mut o = org();
        o.social = false;
        assert_eq!(fit(&d, &p, &a, &o), Err(vec![Misfit::Kind]));
        // The region covers everyone; a township covers only the organizations in it.
        assert!(fit(&d, &[REGION_CODE.to_string()], &a, &org()).is_ok());
        let mut o = org();
        o.division_code = "150102001".into();
        assert!(fit(&d, &["150102001".to_string()], &a, &o).is_ok());
        assert!(fit(&d, &["150102002".to_string()], &a, &o).is_err());
    }

    #[test]
    fn reasons_need_words() {
        assert!(validate_reason("资金未到位，本轮取消", Lang::Zh).is_ok());
        assert!(validate_reason("短", Lang::Zh).is_err());
        assert!(validate_reason("原因\0原因原因", Lang::Zh).is_err());
        assert!(validate_reason(&"长".repeat(501), Lang::Zh).is_err());
    }
}
