//! Pure incubator rules: the application state machine (one transition function), tenant
//! states, and the validation of every form of the room, with the room's text limits in one
//! table.

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};
use crate::regions::{Level, regions};

/// The longest each free-text field of this room's forms may be, in characters: the one
/// place these limits are set.
pub mod limits {
    /// An incubator's, group's name.
    pub const NAME: usize = 100;
    /// An address.
    pub const ADDRESS: usize = 200;
    /// The services an incubator offers.
    pub const SERVICES: usize = 2000;
    /// A group's founders.
    pub const FOUNDERS: usize = 1000;
    /// A plan.
    pub const PLAN: usize = 4000;
    /// A checklist item.
    pub const ITEM: usize = 200;
    /// A checklist note.
    pub const NOTE: usize = 500;
    /// A message to the applicant.
    pub const MESSAGE: usize = 2000;
    /// A rejection reason.
    pub const REASON: usize = 1000;
    /// The most tenants an incubator may declare room for.
    pub const CAPACITY: i32 = 10_000;
}

code_enum! {
    /// Where an application stands.
    AppState => "incubator.state" {
        /// Being written by the applicant; nobody else sees it.
        Draft = "draft",
        /// Sent; waiting for the managers.
        Submitted = "submitted",
        /// The managers are going through the incubator's checklist.
        ChecklistReview = "checklist_review",
        /// Invited to an interview (optional step).
        Interview = "interview",
        /// Admitted: a tenant record exists.
        Admitted = "admitted",
        /// Waiting for a place; may still be admitted or rejected.
        Waitlisted = "waitlisted",
        /// Rejected, with a reason.
        Rejected = "rejected",
    }
}

code_enum! {
    /// What someone does to an application.
    Step => "incubator.step" {
        /// The applicant sends the draft.
        Submit = "submit",
        /// A manager starts the checklist review.
        Review = "review",
        /// A manager invites to an interview.
        Interview = "interview",
        /// A manager admits.
        Admit = "admit",
        /// A manager puts it on the waiting list.
        Waitlist = "waitlist",
        /// A manager rejects, with a reason.
        Reject = "reject",
    }
}

code_enum! {
    /// A tenant's standing in its incubator.
    TenantState => "incubator.tenant_state" {
        /// In residence.
        Resident = "resident",
        /// Graduated (出壳).
        Graduated = "graduated",
        /// Left before graduating.
        Exited = "exited",
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    /// Not a step this state allows.
    Illegal,
    /// Admission needs every checklist item recorded as met.
    ChecklistIncomplete,
}

impl StepError {
    /// The message shown to the user.
    pub fn message(self, lang: Lang) -> String {
        match self {
            StepError::Illegal => lang.t("incubator.err.illegal_step"),
            StepError::ChecklistIncomplete => lang.t("incubator.err.checklist_incomplete"),
        }
    }
}

impl Step {
    /// Whether the applicant takes this step (all others are the managers').
    pub fn by_applicant(self) -> bool {
        self == Step::Submit
    }

    /// The steps a manager may choose from in a state, in the order shown.
    pub fn for_manager(state: AppState) -> Vec<Step> {
        [
            Step::Review,
            Step::Interview,
            Step::Admit,
            Step::Waitlist,
            Step::Reject,
        ]
        .into_iter()
        .filter(|s| state.apply(*s, true).is_ok())
        .collect()
    }
}

impl AppState {
    /// The one transition function. `checklist_met` says whether every checklist item of
    /// the incubator is recorded as met for this application (admission requires it).
    pub fn apply(self, step: Step, checklist_met: bool) -> Result<AppState, StepError> {
        use AppState as S;
        let next = match (self, step) {
            (S::Draft, Step::Submit) => S::Submitted,
            (S::Submitted, Step::Review) => S::ChecklistReview,
            (S::ChecklistReview, Step::Interview) => S::Interview,
            (S::ChecklistReview | S::Interview | S::Waitlisted, Step::Admit) => {
                if !checklist_met {
                    return Err(StepError::ChecklistIncomplete);
                }
                S::Admitted
            }
            (S::ChecklistReview | S::Interview, Step::Waitlist) => S::Waitlisted,
            (S::Submitted | S::ChecklistReview | S::Interview | S::Waitlisted, Step::Reject) => {
                S::Rejected
            }
            _ => return Err(StepError::Illegal),
        };
        Ok(next)
    }

    /// Whether an application in this state stops the same applicant from applying to the
    /// same incubator again: every state but a rejection (an admitted applicant is a tenant
    /// already).
    pub fn blocks_another(self) -> bool {
        self != AppState::Rejected
    }

    /// Whether the managers see it (a draft is the applicant's alone).
    pub fn visible_to_managers(self) -> bool {
        self != AppState::Draft
    }

    /// Whether the decision is final.
    pub fn is_final(self) -> bool {
        matches!(self, AppState::Admitted | AppState::Rejected)
    }
}

/// Whether every item of a checklist is met: `items` the incubator's item ids, `met` the
/// items recorded as met for the application. An empty checklist is met.
pub fn checklist_met(items: &[i64], met: &[i64]) -> bool {
    items.iter().all(|i| met.contains(i))
}

/// What an administrator typed about an incubator.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct IncubatorForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// League/city (empty: the region level).
    #[serde(default)]
    pub i_league: String,
    /// Banner/county (empty: the league/city level).
    #[serde(default)]
    pub i_county: String,
    /// The operating organization's USCC (optional).
    #[serde(default)]
    pub operator_uscc: String,
    /// The operating purchasing unit's id (optional).
    #[serde(default)]
    pub operator_unit: String,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Services offered.
    #[serde(default)]
    pub services: String,
    /// Capacity (tenants at once).
    #[serde(default)]
    pub capacity: String,
}

/// A valid incubator (the operator organization still to be found by its USCC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncubatorDraft {
    /// Name.
    pub name: String,
    /// Level, from the division.
    pub level: Level,
    /// Division.
    pub division_code: String,
    /// League/city containing it.
    pub league_code: Option<String>,
    /// Banner/county containing it.
    pub county_code: Option<String>,
    /// The operator's USCC, normalized, if given.
    pub operator_uscc: Option<String>,
    /// The operating unit, if chosen.
    pub operator_unit: Option<i64>,
    /// Address.
    pub address: String,
    /// Services offered.
    pub services: String,
    /// Capacity.
    pub capacity: i32,
}

/// Validates the incubator form. The division is a league/city or banner/county chosen in
/// the picker, or the region when none is; `units` are the purchasing units that exist.
pub fn validate_incubator(
    f: &IncubatorForm,
    units: &[i64],
    lang: Lang,
) -> Result<IncubatorDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = f.name.trim();
    if text::check(&mut e, "name", &f.name, Kind::Name, limits::NAME, lang)
        && name.chars().count() < 2
    {
        e.add("name", lang.t("incubator.err.name"));
    }
    let r = regions();
    let (l, c) = (f.i_league.trim(), f.i_county.trim());
    let consistent = c.is_empty() || r.league_of(c).is_some_and(|d| d.code == l);
    let code = [c, l]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or(crate::regions::REGION_CODE);
    let division = r
        .get(code)
        .filter(|d| d.level != Level::Township && consistent);
    if division.is_none() {
        e.add("i_county", lang.t("org.err.division_mismatch"));
    }
    let uscc = f.operator_uscc.trim().to_uppercase();
    if text::check(
        &mut e,
        "operator_uscc",
        &f.operator_uscc,
        Kind::Line,
        18,
        lang,
    ) && !uscc.is_empty()
        && let Err(err) = crate::orgs::validate_uscc(&uscc, None)
    {
        e.add("operator_uscc", err.message(lang));
    }
    let unit = f.operator_unit.trim();
    let operator_unit = if unit.is_empty() {
        None
    } else {
        match unit.parse::<i64>() {
            Ok(id) if units.contains(&id) => Some(id),
            _ => {
                e.add("operator_unit", lang.t("incubator.err.unit"));
                None
            }
        }
    };
    let address = f.address.trim();
    if text::check(
        &mut e,
        "address",
        &f.address,
        Kind::Line,
        limits::ADDRESS,
        lang,
    ) && address.is_empty()
    {
        e.add("address", lang.t("form.required"));
    }
    let services = f.services.trim();
    if text::check(
        &mut e,
        "services",
        &f.services,
        Kind::Multi,
        limits::SERVICES,
        lang,
    ) && services.is_empty()
    {
        e.add("services", lang.t("form.required"));
    }
    let capacity = match f.capacity.trim().parse::<i32>() {
        Ok(n) if (1..=limits::CAPACITY).contains(&n) => n,
        _ => {
            e.add(
                "capacity",
                lang.tf(
                    "incubator.err.capacity",
                    &[("max", &limits::CAPACITY.to_string())],
                ),
            );
            0
        }
    };
    let Some(d) = division else { return Err(e) };
    e.into_result(IncubatorDraft {
        name: name.to_string(),
        level: d.level,
        division_code: d.code.clone(),
        league_code: r.league_of(&d.code).map(|x| x.code.clone()),
        county_code: r.county_of(&d.code).map(|x| x.code.clone()),
        operator_uscc: (!uscc.is_empty()).then_some(uscc),
        operator_unit,
        address: address.to_string(),
        services: services.to_string(),
        capacity,
    })
}

/// Who applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicant {
    /// A group in preparation (no USCC yet).
    Group,
    /// A registered organization the applicant administers.
    Org(i64),
}

/// What an applicant typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ApplicationForm {
    /// `group` or `org`.
    #[serde(default)]
    pub kind: String,
    /// The organization (when `kind` is `org`).
    #[serde(default)]
    pub org_id: String,
    /// The group's name (when `kind` is `group`).
    #[serde(default)]
    pub name: String,
    /// The group's founders.
    #[serde(default)]
    pub founders: String,
    /// Intended service domain.
    #[serde(default)]
    pub domain: String,
    /// The plan.
    #[serde(default)]
    pub plan: String,
    /// `submit` to send it now; anything else keeps a draft.
    #[serde(default)]
    pub action: String,
}

/// A valid application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationDraft {
    /// Who applies.
    pub applicant: Applicant,
    /// The group's name (empty for an organization: the registry's name is used).
    pub name: String,
    /// Founders (empty for an organization).
    pub founders: String,
    /// Domain code.
    pub domain: String,
    /// Plan.
    pub plan: String,
    /// Send now.
    pub submit: bool,
}

/// Validates an application. `admin_of` are the organizations the applicant administers.
pub fn validate_application(
    f: &ApplicationForm,
    admin_of: &[i64],
    lang: Lang,
) -> Result<ApplicationDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let applicant = match f.kind.trim() {
        "org" => match f.org_id.trim().parse::<i64>() {
            Ok(id) if admin_of.contains(&id) => Some(Applicant::Org(id)),
            _ => {
                e.add("org_id", lang.t("incubator.err.org"));
                None
            }
        },
        "group" => Some(Applicant::Group),
        _ => {
            e.add("kind", lang.t("incubator.err.kind"));
            None
        }
    };
    let group = applicant == Some(Applicant::Group);
    let name = f.name.trim();
    if text::check(&mut e, "name", &f.name, Kind::Name, limits::NAME, lang)
        && group
        && name.chars().count() < 2
    {
        e.add("name", lang.t("incubator.err.name"));
    }
    let founders = f.founders.trim();
    if text::check(
        &mut e,
        "founders",
        &f.founders,
        Kind::Multi,
        limits::FOUNDERS,
        lang,
    ) && group
        && founders.is_empty()
    {
        e.add("founders", lang.t("form.required"));
    }
    let domain = f.domain.trim();
    if !crate::orgs::is_domain(domain) {
        e.add("domain", lang.t("incubator.err.domain"));
    }
    let plan = f.plan.trim();
    if text::check(&mut e, "plan", &f.plan, Kind::Multi, limits::PLAN, lang)
        && plan.chars().count() < 10
    {
        e.add("plan", lang.t("incubator.err.plan"));
    }
    let Some(applicant) = applicant else {
        return Err(e);
    };
    e.into_result(ApplicationDraft {
        applicant,
        name: if group {
            name.to_string()
        } else {
            String::new()
        },
        founders: if group {
            founders.to_string()
        } else {
            String::new()
        },
        domain: domain.to_string(),
        plan: plan.to_string(),
        submit: f.action.trim() == "submit",
    })
}

/// A manager's decision form: the step and, for a rejection, the reason.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DecideForm {
    /// `Step` code.
    #[serde(default)]
    pub step: String,
    /// Why (required to reject).
    #[serde(default)]
    pub reason: String,
}

/// Validates a decision: a manager's step and, to reject, a reason.
pub fn validate_decision(f: &DecideForm, lang: Lang) -> Result<(Step, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let step = Step::parse(f.step.trim()).filter(|s| !s.by_applicant());
    if step.is_none() {
        e.add("step", lang.t("incubator.err.step"));
    }
    let reason = f.reason.trim();
    if text::check(
        &mut e,
        "reason",
        &f.reason,
        Kind::Multi,
        limits::REASON,
        lang,
    ) && step == Some(Step::Reject)
        && reason.is_empty()
    {
        e.add("reason", lang.t("incubator.err.reason"));
    }
    match step {
        Some(s) => e.into_result((s, reason.to_string())),
        None => Err(e),
    }
}

/// A checklist finding as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CheckForm {
    /// The checklist item.
    #[serde(default)]
    pub item_id: String,
    /// `1` met, `0` not met.
    #[serde(default)]
    pub met: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// Validates a finding: an item of the incubator, met or not, a note.
pub fn validate_check(
    f: &CheckForm,
    items: &[i64],
    lang: Lang,
) -> Result<(i64, bool, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let item = f
        .item_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|i| items.contains(i));
    if item.is_none() {
        e.add("item_id", lang.t("incubator.err.item"));
    }
    let met = match f.met.trim() {
        "1" => Some(true),
        "0" => Some(false),
        _ => {
            e.add("met", lang.t("incubator.err.met"));
            None
        }
    };
    text::check(&mut e, "note", &f.note, Kind::Multi, limits::NOTE, lang);
    match (item, met) {
        (Some(i), Some(m)) if e.is_empty() => Ok((i, m, f.note.trim().to_string())),
        _ => Err(e),
    }
}

/// One line of text that must not be empty (a checklist item, a message): `Err` with the
/// field's message.
pub fn validate_required(
    field: &'static str,
    value: &str,
    kind: Kind,
    max: usize,
    lang: Lang,
) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    if text::check(&mut e, field, value, kind, max, lang) && value.trim().is_empty() {
        e.add(field, lang.t("form.required"));
    }
    e.into_result(value.trim().to_string())
}

/// Which of a user's admitted groups (tenant id, group name) become the organization the
/// user just registered, keeping their history: every one when they all bear one name (the
/// same group, admitted in one incubator or several), otherwise those whose name is the
/// organization's; none when that leaves it ambiguous or nothing matches.
pub fn groups_to_link(groups: &[(i64, String)], org_name: &str) -> Vec<i64> {
    let norm = |s: &str| s.split_whitespace().collect::<String>();
    let Some((_, first)) = groups.first() else {
        return vec![];
    };
    if groups.iter().all(|(_, n)| norm(n) == norm(first)) {
        return groups.iter().map(|(id, _)| *id).collect();
    }
    groups
        .iter()
        .filter(|(_, n)| norm(n) == norm(org_name))
        .map(|(id, _)| *id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Lang = Lang::En;

    /// Every (state, step) pair: the legal ones and where they lead; all others refused.
    #[test]
    fn transition_table() {
        use AppState as S;
        let legal: &[(AppState, Step, AppState)] = &[
            (S::Draft, Step::Submit, S::Submitted),
            (S::Submitted, Step::Review, S::ChecklistReview),
            (S::Submitted, Step::Reject, S::Rejected),
            (S::ChecklistReview, Step::Interview, S::Interview),
            (S::ChecklistReview, Step::Admit, S::Admitted),
            (S::ChecklistReview, Step::Waitlist, S::Waitlisted),
            (S::ChecklistReview, Step::Reject, S::Rejected),
            (S::Interview, Step::Admit, S::Admitted),
            (S::Interview, Step::Waitlist, S::Waitlisted),
            (S::Interview, Step::Reject, S::Rejected),
            (S::Waitlisted, Step::Admit, S::Admitted),
            (S::Waitlisted, Step::Reject, S::Rejected),
        ];
        for &from in AppState::ALL {
            for &step in Step::ALL {
                let expected = legal
                    .iter()
                    .find(|(f, s, _)| *f == from && *s == step)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    from.apply(step, true).ok(),
                    expected,
                    "{from:?} --{step:?}-->"
                );
            }
        }
    }

    #[test]
    fn admission_needs_the_checklist_met() {
        for from in [
            AppState::ChecklistReview,
            AppState::Interview,
            AppState::Waitlisted,
        ] {
            assert_eq!(
                from.apply(Step::Admit, false),
                Err(StepError::ChecklistIncomplete)
            );
            // Other steps do not depend on the checklist.
            assert_eq!(from.apply(Step::Reject, false), Ok(AppState::Rejected));
        }
        assert_eq!(
            AppState::Draft.apply(Step::Admit, false),
            Err(StepError::Illegal)
        );
        assert!(checklist_met(&[], &[]));
        assert!(checklist_met(&[1, 2], &[2, 1, 3]));
        assert!(!checklist_met(&[1, 2], &[1]));
    }

    #[test]
    fn final_and_blocking_states() {
        for &s in AppState::ALL {
            assert_eq!(s.blocks_another(), s != AppState::Rejected, "{s:?}");
            assert_eq!(
                s.is_final(),
                matches!(s, AppState::Admitted | AppState::Rejected)
            );
            assert_eq!(s.visible_to_managers(), s != AppState::Draft);
            // A final state has no way out.
            if s.is_final() {
                assert!(Step::ALL.iter().all(|st| s.apply(*st, true).is_err()));
            }
        }
        assert_eq!(
            Step::for_manager(AppState::Submitted),
            vec![Step::Review, Step::Reject]
        );
        assert!(Step::for_manager(AppState::Draft).is_empty());
        assert!(Step::ALL.iter().filter(|s| s.by_applicant()).count() == 1);
    }

    fn incubator_form() -> IncubatorForm {
        IncubatorForm {
            name: "呼和浩特市社会组织孵化基地".into(),
            i_league: "150100".into(),
            address: "呼和浩特市新城区".into(),
            services: "办公场地、培训".into(),
            capacity: "30".into(),
            ..Default::default()
        }
    }

    #[test]
    fn incubator_level_follows_the_division() {
        let d = validate_incubator(&incubator_form(), &[], L).unwrap();
        assert_eq!(d.level, Level::LeagueCity);
        assert_eq!(d.league_code.as_deref(), Some("150100"));
        let mut f = incubator_form();
        f.i_league.clear();
        assert_eq!(validate_incubator(&f, &[], L).unwrap().level, Level::Region);
        let county = regions().children("150100").next().unwrap().code.clone();
        f.i_league = "150100".into();
        f.i_county = county.clone();
        let d = validate_incubator(&f, &[], L).unwrap();
        assert_eq!(
            (d.level, d.county_code),
            (Level::BannerCounty, Some(county))
        );
    }

    #[test]
    fn incubator_bad_input_names_each_field() {
        let f = IncubatorForm {
            name: "x".into(),
            i_league: "150200".into(),
            i_county: regions().children("150100").next().unwrap().code.clone(),
            operator_uscc: "12345".into(),
            operator_unit: "99".into(),
            address: "a\u{0}b".into(),
            services: String::new(),
            capacity: "0".into(),
        };
        let e = validate_incubator(&f, &[1, 2], L).unwrap_err();
        for field in [
            "name",
            "i_county",
            "operator_uscc",
            "operator_unit",
            "address",
            "services",
            "capacity",
        ] {
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
        let mut ok = incubator_form();
        ok.operator_unit = "2".into();
        ok.operator_uscc = "91350100m000100y43".into();
        let d = validate_incubator(&ok, &[1, 2], L).unwrap();
        assert_eq!(d.operator_unit, Some(2));
        assert_eq!(d.operator_uscc.as_deref(), Some("91350100M000100Y43"));
        ok.name = "名".repeat(limits::NAME + 1);
        assert!(
            validate_incubator(&ok, &[], L)
                .unwrap_err()
                .get("name")
                .is_some()
        );
    }

    fn app_form() -> ApplicationForm {
        ApplicationForm {
            kind: "group".into(),
            name: "青城助老志愿队".into(),
            founders: "张三、李四、王五".into(),
            domain: "elderly".into(),
            plan: "为社区老人提供上门探访和助餐服务，计划一年内完成登记。".into(),
            action: "submit".into(),
            ..Default::default()
        }
    }

    #[test]
    fn group_and_org_applications() {
        let d = validate_application(&app_form(), &[], L).unwrap();
        assert_eq!(d.applicant, Applicant::Group);
        assert!(d.submit);
        let mut f = app_form();
        f.kind = "org".into();
        f.org_id = "7".into();
        f.action = "save".into();
        let d = validate_application(&f, &[7], L).unwrap();
        assert_eq!(d.applicant, Applicant::Org(7));
        assert!(!d.submit);
        assert!(d.name.is_empty() && d.founders.is_empty());
        // Not an organization the applicant administers.
        let e = validate_application(&f, &[8], L).unwrap_err();
        assert!(e.get("org_id").is_some());
    }

    #[test]
    fn application_bad_input() {
        let f = ApplicationForm {
            kind: "group".into(),
            name: String::new(),
            founders: String::new(),
            domain: "nope".into(),
            plan: "short".into(),
            ..Default::default()
        };
        let e = validate_application(&f, &[], L).unwrap_err();
        for field in ["name", "founders", "domain", "plan"] {
            assert!(e.get(field).is_some(), "{field}");
        }
        let mut f = app_form();
        f.kind = "other".into();
        assert!(
            validate_application(&f, &[], L)
                .unwrap_err()
                .get("kind")
                .is_some()
        );
        let mut f = app_form();
        f.plan = "p\u{1b}".repeat(20);
        assert!(
            validate_application(&f, &[], L)
                .unwrap_err()
                .get("plan")
                .is_some()
        );
    }

    #[test]
    fn decisions_and_checks() {
        let rej = DecideForm {
            step: "reject".into(),
            reason: " ".into(),
        };
        assert!(
            validate_decision(&rej, L)
                .unwrap_err()
                .get("reason")
                .is_some()
        );
        let ok = DecideForm {
            step: "reject".into(),
            reason: "名额已满".into(),
        };
        assert_eq!(
            validate_decision(&ok, L).unwrap(),
            (Step::Reject, "名额已满".to_string())
        );
        let submit = DecideForm {
            step: "submit".into(),
            reason: String::new(),
        };
        assert!(
            validate_decision(&submit, L)
                .unwrap_err()
                .get("step")
                .is_some()
        );
        let c = CheckForm {
            item_id: "3".into(),
            met: "1".into(),
            note: "材料齐全".into(),
        };
        assert_eq!(
            validate_check(&c, &[3], L).unwrap(),
            (3, true, "材料齐全".into())
        );
        assert!(
            validate_check(&c, &[4], L)
                .unwrap_err()
                .get("item_id")
                .is_some()
        );
        let c = CheckForm {
            met: "maybe".into(),
            ..c
        };
        assert!(
            validate_check(&c, &[3], L)
                .unwrap_err()
                .get("met")
                .is_some()
        );
        assert!(validate_required("body", "  ", Kind::Multi, 10, L).is_err());
        assert_eq!(
            validate_required("body", " hi ", Kind::Multi, 10, L).unwrap(),
            "hi"
        );
    }

    #[test]
    fn a_registering_founder_links_the_same_group_or_the_one_of_that_name() {
        let g = |v: &[(i64, &str)]| -> Vec<(i64, String)> {
            v.iter().map(|(i, n)| (*i, n.to_string())).collect()
        };
        assert_eq!(groups_to_link(&[], "青城助老服务中心"), Vec::<i64>::new());
        // One group (in two incubators): linked whatever the organization is called.
        assert_eq!(
            groups_to_link(
                &g(&[(3, "青城助老团队"), (7, "青城 助老团队")]),
                "青城助老服务中心"
            ),
            vec![3, 7]
        );
        // Two different groups: only the one named like the organization.
        assert_eq!(
            groups_to_link(&g(&[(3, "青城助老团队"), (4, "绿色家园")]), "绿色家园"),
            vec![4]
        );
        assert_eq!(
            groups_to_link(&g(&[(3, "青城助老团队"), (4, "绿色家园")]), "别的机构"),
            Vec::<i64>::new()
        );
    }
}
