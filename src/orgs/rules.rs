//! Pure organization rules: kinds, grades, credit status, the service-domain taxonomy, the
//! unified social credit code (GB 32100-2015), profile validation and list filters.

use time::Date;

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};
use crate::regions::{Level, regions};

code_enum! {
    /// Legal form of an organization.
    #[serde(rename_all = "snake_case")]
    OrgKind => "kind" {
        /// 社会团体 (registration type character 1 under civil affairs).
        SocialGroup = "social_group",
        /// 基金会 (type 3).
        Foundation = "foundation",
        /// 社会服务机构, formerly 民办非企业单位 (type 2).
        SocialServiceAgency = "social_service_agency",
        /// 企业: may win tenders but does not count as a social organization.
        Enterprise = "enterprise",
        /// 事业单位.
        PublicInstitution = "public_institution",
    }
}

impl OrgKind {
    /// A social organization in the policy's sense (counts toward the 30% share).
    pub fn is_social_org(self) -> bool {
        matches!(
            self,
            OrgKind::SocialGroup | OrgKind::Foundation | OrgKind::SocialServiceAgency
        )
    }

    /// The USCC organization-type character for civil-affairs registrations.
    pub fn civil_affairs_type_char(self) -> Option<char> {
        match self {
            OrgKind::SocialGroup => Some('1'),
            OrgKind::SocialServiceAgency => Some('2'),
            OrgKind::Foundation => Some('3'),
            _ => None,
        }
    }
}

code_enum! {
    /// Level of the registering civil-affairs authority (登记管理机关); the codes are
    /// [`Level`]'s.
    #[serde(rename_all = "snake_case")]
    AuthorityLevel => "authority" {
        /// 自治区 (or a province elsewhere).
        Region = "region",
        /// 盟/市.
        LeagueCity = "league_city",
        /// 旗/县/区.
        BannerCounty = "banner_county",
    }
}

code_enum! {
    /// Position on the credit lists.
    #[serde(rename_all = "snake_case")]
    CreditStatus => "credit" {
        /// Not listed.
        Normal = "normal",
        /// 活动异常名录.
        Abnormal = "abnormal",
        /// 严重违法失信名单.
        Dishonest = "dishonest",
    }
}

/// Rating grades run 1A–5A, valid for five years.
pub const RATING_VALID_YEARS: i32 = 5;

/// Localized grade label, e.g. "4A".
pub fn grade_label(grade: i16) -> String {
    format!("{grade}A")
}

/// Whether a rating still holds on a day.
pub fn rating_valid(valid_until: Option<Date>, today: Date) -> bool {
    valid_until.is_some_and(|d| d >= today)
}

/// The fixed service-domain taxonomy: code, Chinese label, English label.
pub const DOMAINS: &[(&str, &str, &str)] = &[
    ("elderly", "养老服务", "Elderly care"),
    ("children_youth", "儿童青少年", "Children and youth"),
    ("disability", "助残服务", "Disability services"),
    ("social_assistance", "社会救助", "Social assistance"),
    ("community", "社区治理", "Community governance"),
    ("rural", "乡村振兴", "Rural revitalization"),
    ("education", "教育培训", "Education and training"),
    ("health", "医疗卫生", "Health"),
    ("mental_health", "心理健康", "Mental health"),
    ("culture_sports", "文化体育", "Culture and sports"),
    ("environment", "生态环保", "Environment"),
    ("legal", "法律服务", "Legal aid"),
    ("employment", "就业创业", "Employment"),
    ("volunteer", "志愿服务", "Volunteering"),
    ("industry", "行业服务", "Industry services"),
    ("ethnic_unity", "民族团结", "Ethnic unity"),
];

/// Localized label of a domain code (the code itself when unknown).
pub fn domain_label(code: &str, lang: Lang) -> String {
    DOMAINS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, zh, en)| {
            if lang == Lang::En {
                (*en).to_string()
            } else {
                (*zh).to_string()
            }
        })
        .unwrap_or_else(|| code.to_string())
}

/// Puts domain codes in taxonomy order (the order of [`DOMAINS`]), unknown codes last.
pub fn sort_domains(domains: &mut [String]) {
    domains.sort_by_key(|d| {
        DOMAINS
            .iter()
            .position(|(c, _, _)| c == d)
            .unwrap_or(usize::MAX)
    });
}

/// Whether a code is in the taxonomy.
pub fn is_domain(code: &str) -> bool {
    DOMAINS.iter().any(|(c, _, _)| *c == code)
}

// ---------------------------------------------------------------------------------------
// Unified social credit code

/// The 31 characters allowed in a USCC, in value order (no I, O, S, V, Z).
pub const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a code is not a valid USCC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsccError {
    /// Not 18 characters.
    Length(usize),
    /// A character outside the alphabet, at a 1-based position.
    BadChar {
        /// 1-based position.
        pos: usize,
        /// The offending character.
        ch: char,
    },
    /// The 18th character is not the computed check character.
    CheckChar {
        /// What the first 17 characters require.
        expected: char,
        /// What was given.
        found: char,
    },
    /// Characters 3–8 are not a known division.
    Division(String),
    /// The organization-type character (2nd) does not match the chosen kind.
    KindMismatch {
        /// The 1st character.
        dept: char,
        /// The 2nd character.
        type_char: char,
        /// The kind the form says.
        kind: OrgKind,
    },
}

impl UsccError {
    /// A message that says exactly what is wrong.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            UsccError::Length(n) => lang.tf("uscc.bad_length", &[("len", &n.to_string())]),
            UsccError::BadChar { pos, ch } => lang.tf(
                "uscc.bad_char",
                &[("pos", &pos.to_string()), ("ch", &ch.to_string())],
            ),
            UsccError::CheckChar { expected, found } => lang.tf(
                "uscc.bad_check",
                &[
                    ("expected", &expected.to_string()),
                    ("found", &found.to_string()),
                ],
            ),
            UsccError::Division(d) => lang.tf("uscc.bad_division", &[("code", d)]),
            UsccError::KindMismatch {
                dept,
                type_char,
                kind,
            } => lang.tf(
                "uscc.kind_mismatch",
                &[
                    ("dept", &dept.to_string()),
                    ("type", &type_char.to_string()),
                    ("kind", &kind.label(lang)),
                    ("expected", &expected_prefix(*kind)),
                ],
            ),
        }
    }
}

fn expected_prefix(kind: OrgKind) -> String {
    match kind.civil_affairs_type_char() {
        Some(c) => format!("5{c}"),
        None => match kind {
            OrgKind::Enterprise => "9".into(),
            _ => "1".into(),
        },
    }
}

/// Normalizes what a user typed: trims, drops inner spaces and dashes, upper-cases.
pub fn normalize_uscc(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

fn value_of(c: char) -> Option<u32> {
    USCC_ALPHABET.find(c).map(|i| i as u32)
}

/// The check character for the first 17 characters (which must be in the alphabet).
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (i, c) in first17.chars().enumerate() {
        sum += value_of(c)? * USCC_WEIGHTS.get(i)?;
    }
    let v = (31 - sum % 31) % 31;
    USCC_ALPHABET.chars().nth(v as usize)
}

/// Validates a normalized code's structure: length, alphabet, check character.
pub fn check_uscc_structure(code: &str) -> Result<(), UsccError> {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(UsccError::Length(chars.len()));
    }
    if let Some((i, &ch)) = chars
        .iter()
        .enumerate()
        .find(|(_, c)| value_of(**c).is_none())
    {
        return Err(UsccError::BadChar { pos: i + 1, ch });
    }
    let first17: String = chars[..17].iter().collect();
    let expected = uscc_check_char(&first17).ok_or(UsccError::Length(chars.len()))?;
    if chars[17] != expected {
        return Err(UsccError::CheckChar {
            expected,
            found: chars[17],
        });
    }
    Ok(())
}

/// Full validation against the organization's kind: structure, then the division code, then
/// the registration department/type characters. Civil-affairs kinds must carry `5` and
/// their type character; a `5` code cannot belong to an enterprise or public institution.
pub fn validate_uscc(code: &str, kind: Option<OrgKind>) -> Result<(), UsccError> {
    check_uscc_structure(code)?;
    let division = &code[2..8];
    if !regions().is_known_registration_division(division) {
        return Err(UsccError::Division(division.to_string()));
    }
    let mut cs = code.chars();
    let (dept, type_char) = (cs.next().unwrap_or('0'), cs.next().unwrap_or('0'));
    if let Some(kind) = kind {
        let ok = match kind.civil_affairs_type_char() {
            Some(t) => dept == '5' && type_char == t,
            None => dept != '5',
        };
        if !ok {
            return Err(UsccError::KindMismatch {
                dept,
                type_char,
                kind,
            });
        }
    }
    Ok(())
}

/// Builds a valid code from its parts (used by the demo-data generator and tests).
pub fn make_uscc(dept: char, type_char: char, division: &str, entity: &str) -> Option<String> {
    let first17 = format!("{dept}{type_char}{division}{entity}");
    if first17.chars().count() != 17 {
        return None;
    }
    let c = uscc_check_char(&first17)?;
    Some(format!("{first17}{c}"))
}

// ---------------------------------------------------------------------------------------
// Profile form

/// The longest each free-text field of this room's forms may be, in characters: the one
/// place these limits are set.
pub mod limits {
    /// Organization name.
    pub const NAME: usize = 100;
    /// Contact person.
    pub const CONTACT_NAME: usize = 50;
    /// Contact e-mail.
    pub const CONTACT_EMAIL: usize = 254;
    /// Introduction.
    pub const INTRO: usize = 5000;
    /// Why a rating was recorded.
    pub const RATING_REASON: usize = 2000;
    /// Why the credit status changed.
    pub const CREDIT_REASON: usize = 2000;
    /// A typed USCC, phone or staff count (checked further by their own rules).
    pub const CODE: usize = 40;
}

/// What the user typed on the organization form. Every field is a string so that whatever
/// was typed comes back on the form when it is refused.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OrgForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// USCC as typed.
    #[serde(default)]
    pub uscc: String,
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub registration_date: String,
    /// Authority level code.
    #[serde(default)]
    pub authority_level: String,
    /// League/city code (Inner Mongolia).
    #[serde(default)]
    pub div_league: String,
    /// Banner/county code.
    #[serde(default)]
    pub div_county: String,
    /// Township code.
    #[serde(default)]
    pub div_township: String,
    /// A 6-digit division code outside Inner Mongolia, used when no league is chosen.
    #[serde(default)]
    pub div_outside: String,
    /// Domain codes (repeated field).
    #[serde(default)]
    pub domains: Vec<String>,
    /// Staff count.
    #[serde(default)]
    pub staff_count: String,
    /// Contact person.
    #[serde(default)]
    pub contact_name: String,
    /// Contact phone.
    #[serde(default)]
    pub contact_phone: String,
    /// Contact e-mail.
    #[serde(default)]
    pub contact_email: String,
    /// Introduction.
    #[serde(default)]
    pub intro: String,
}

/// A validated profile, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgDraft {
    /// Name.
    pub name: String,
    /// Normalized USCC.
    pub uscc: String,
    /// Kind.
    pub kind: OrgKind,
    /// Registration date.
    pub registration_date: Date,
    /// Authority level.
    pub authority_level: AuthorityLevel,
    /// Most precise division chosen.
    pub division_code: String,
    /// League/city, when in Inner Mongolia.
    pub league_code: Option<String>,
    /// Banner/county, when known.
    pub county_code: Option<String>,
    /// Domains, deduplicated, in taxonomy order.
    pub domains: Vec<String>,
    /// Staff count.
    pub staff_count: i32,
    /// Contact person.
    pub contact_name: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Contact e-mail.
    pub contact_email: String,
    /// Introduction.
    pub intro: String,
}

/// The league and county codes a division lies in (for the indexed filter columns).
pub fn division_parts(code: &str) -> (Option<String>, Option<String>) {
    let r = regions();
    (
        r.league_of(code).map(|d| d.code.clone()),
        r.county_of(code).map(|d| d.code.clone()),
    )
}

fn parse_date(s: &str) -> Option<Date> {
    Date::parse(
        s.trim(),
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// Validates the profile form. `today` bounds the registration date.
pub fn validate_org(f: &OrgForm, today: Date, lang: Lang) -> Result<OrgDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    for (field, value, kind, max) in [
        ("name", &f.name, Kind::Name, limits::NAME),
        ("uscc", &f.uscc, Kind::Line, limits::CODE),
        ("staff_count", &f.staff_count, Kind::Line, limits::CODE),
        (
            "contact_name",
            &f.contact_name,
            Kind::Name,
            limits::CONTACT_NAME,
        ),
        ("contact_phone", &f.contact_phone, Kind::Line, limits::CODE),
        (
            "contact_email",
            &f.contact_email,
            Kind::Line,
            limits::CONTACT_EMAIL,
        ),
        ("intro", &f.intro, Kind::Multi, limits::INTRO),
    ] {
        text::check(&mut e, field, value, kind, max, lang);
    }
    let name = f.name.trim();
    if e.get("name").is_none() && name.chars().count() < 2 {
        e.add("name", lang.t("org.err.name"));
    }
    let kind = OrgKind::parse(&f.kind);
    if kind.is_none() {
        e.add("kind", lang.t("form.choose"));
    }
    let uscc = normalize_uscc(&f.uscc);
    let uscc_refused = e.get("uscc").is_some();
    if uscc.is_empty() && !uscc_refused {
        e.add("uscc", lang.t("form.required"));
    } else if let Err(err) = validate_uscc(&uscc, kind)
        && !uscc_refused
    {
        e.add("uscc", err.message(lang));
    }
    let registration_date = parse_date(&f.registration_date);
    match registration_date {
        None => e.add("registration_date", lang.t("form.bad_date")),
        Some(d) if d > today => e.add("registration_date", lang.t("org.err.future_date")),
        Some(d) if d.year() < 1949 => e.add("registration_date", lang.t("form.bad_date")),
        _ => {}
    }
    let authority_level = AuthorityLevel::parse(&f.authority_level);
    if authority_level.is_none() {
        e.add("authority_level", lang.t("form.choose"));
    }
    let r = regions();
    let mut division_code = None;
    for code in [&f.div_township, &f.div_county, &f.div_league] {
        let code = code.trim();
        if !code.is_empty() {
            division_code = Some(code.to_string());
            break;
        }
    }
    match &division_code {
        Some(code) => {
            if r.get(code).is_none() {
                e.add("div_league", lang.t("org.err.division"));
            } else {
                // The finer choices must lie inside the coarser ones (a browser without
                // JavaScript can submit any combination).
                let county_ok = f.div_county.trim().is_empty()
                    || r.league_of(f.div_county.trim()).map(|d| d.code.as_str())
                        == Some(f.div_league.trim());
                let township_ok = f.div_township.trim().is_empty()
                    || r.county_of(f.div_township.trim()).map(|d| d.code.as_str())
                        == Some(f.div_county.trim());
                if !county_ok || !township_ok {
                    e.add("div_county", lang.t("org.err.division_mismatch"));
                }
            }
        }
        None => {
            let outside = f.div_outside.trim();
            if outside.is_empty() {
                e.add("div_league", lang.t("org.err.division_required"));
            } else if outside.starts_with("15") || !r.is_known_registration_division(outside) {
                e.add("div_outside", lang.t("org.err.outside"));
            } else {
                division_code = Some(outside.to_string());
            }
        }
    }
    let mut domains: Vec<String> = DOMAINS
        .iter()
        .filter(|(c, _, _)| f.domains.iter().any(|d| d == c))
        .map(|(c, _, _)| (*c).to_string())
        .collect();
    domains.dedup();
    if domains.is_empty() {
        e.add("domains", lang.t("org.err.domains"));
    } else if f.domains.iter().any(|d| !is_domain(d)) {
        e.add("domains", lang.t("form.choose"));
    }
    let staff_count = f
        .staff_count
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (0..=1_000_000).contains(n));
    if staff_count.is_none() && e.get("staff_count").is_none() {
        e.add("staff_count", lang.t("org.err.staff"));
    }
    let contact_name = f.contact_name.trim();
    if contact_name.is_empty() {
        e.add("contact_name", lang.t("form.required"));
    }
    let phone = f.contact_phone.trim();
    let phone_ok = (5..=20).contains(&phone.len())
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' ' | '(' | ')'));
    if !phone_ok && e.get("contact_phone").is_none() {
        e.add("contact_phone", lang.t("org.err.phone"));
    }
    let email = f.contact_email.trim().to_lowercase();
    if !email.is_empty()
        && e.get("contact_email").is_none()
        && !validator::ValidateEmail::validate_email(&email)
    {
        e.add("contact_email", lang.t("signup.bad_email"));
    }
    let intro = f.intro.trim();
    if !e.is_empty() {
        return Err(e);
    }
    let division_code = division_code.unwrap_or_default();
    let (league_code, county_code) = division_parts(&division_code);
    Ok(OrgDraft {
        name: name.to_string(),
        uscc,
        kind: kind.unwrap_or(OrgKind::SocialGroup),
        registration_date: registration_date.unwrap_or(today),
        authority_level: authority_level.unwrap_or(AuthorityLevel::Region),
        division_code,
        league_code,
        county_code,
        domains,
        staff_count: staff_count.unwrap_or(0),
        contact_name: contact_name.to_string(),
        contact_phone: phone.to_string(),
        contact_email: email,
        intro: intro.to_string(),
    })
}

// ---------------------------------------------------------------------------------------
// Regulator forms

/// What a regulator typed to record a rating.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RatingForm {
    /// "1".."5", or "none" to clear.
    #[serde(default)]
    pub grade: String,
    /// Date of the rating decision, YYYY-MM-DD.
    #[serde(default)]
    pub rated_on: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// A validated rating: grade and valid-until date, or cleared.
pub type RatingDecision = Option<(i16, Date)>;

/// Validates a rating: a grade 1–5 decided on a date not in the future, valid five years.
pub fn validate_rating(
    f: &RatingForm,
    today: Date,
    lang: Lang,
) -> Result<(RatingDecision, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let reason = f.reason.trim().to_string();
    if reason.is_empty() {
        e.add("reason", lang.t("form.required"));
    }
    text::check(
        &mut e,
        "reason",
        &f.reason,
        Kind::Multi,
        limits::RATING_REASON,
        lang,
    );
    if f.grade == "none" {
        return e.into_result((None, reason));
    }
    let grade = f.grade.parse::<i16>().ok().filter(|g| (1..=5).contains(g));
    if grade.is_none() {
        e.add("grade", lang.t("form.choose"));
    }
    let rated_on = parse_date(&f.rated_on);
    match rated_on {
        None => e.add("rated_on", lang.t("form.bad_date")),
        Some(d) if d > today => e.add("rated_on", lang.t("org.err.future_date")),
        _ => {}
    }
    let valid_until = rated_on.and_then(|d| {
        d.replace_year(d.year() + RATING_VALID_YEARS)
            .ok()
            .or_else(|| {
                // 29 February: the rating runs to 28 February five years on.
                d.previous_day()
                    .and_then(|p| p.replace_year(p.year() + RATING_VALID_YEARS).ok())
            })
    });
    let decision = grade.zip(valid_until);
    e.into_result((decision, reason))
}

/// What a regulator typed to change the credit status.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CreditForm {
    /// Status code.
    #[serde(default)]
    pub status: String,
    /// Why (the list entry keeps it).
    #[serde(default)]
    pub reason: String,
}

/// Validates a credit-status change; moving to the same status is refused as a no-op.
pub fn validate_credit(
    f: &CreditForm,
    current: CreditStatus,
    lang: Lang,
) -> Result<(CreditStatus, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let status = CreditStatus::parse(&f.status);
    match status {
        None => e.add("status", lang.t("form.choose")),
        Some(s) if s == current => e.add("status", lang.t("org.err.same_status")),
        _ => {}
    }
    let reason = f.reason.trim().to_string();
    if reason.is_empty() {
        e.add("reason", lang.t("form.required"));
    }
    text::check(
        &mut e,
        "reason",
        &f.reason,
        Kind::Multi,
        limits::CREDIT_REASON,
        lang,
    );
    e.into_result((status.unwrap_or(current), reason))
}

// ---------------------------------------------------------------------------------------
// Public list

/// Filters of the public list, from the query string. Unknown values are ignored rather than
/// refused: a shared link with a stale filter still shows a page.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ListQuery {
    /// League/city code.
    #[serde(default)]
    pub league: String,
    /// Banner/county code.
    #[serde(default)]
    pub county: String,
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Domain code.
    #[serde(default)]
    pub domain: String,
    /// Minimum grade "1".."5".
    #[serde(default)]
    pub rating: String,
    /// 1-based page.
    #[serde(default)]
    pub page: String,
}

/// The filters that apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// League/city.
    pub league: Option<String>,
    /// Banner/county.
    pub county: Option<String>,
    /// Kind.
    pub kind: Option<OrgKind>,
    /// Domain.
    pub domain: Option<String>,
    /// Minimum currently valid grade.
    pub min_rating: Option<i16>,
    /// 1-based page.
    pub page: u64,
    /// Rows per page; 0 means [`PAGE_SIZE`] (the pages; the API lets the client choose).
    pub per_page: u64,
}

impl ListFilter {
    /// Rows per page in force.
    pub fn page_size(&self) -> u64 {
        if self.per_page == 0 {
            PAGE_SIZE
        } else {
            self.per_page
        }
    }
}

/// Rows per page of the public list.
pub const PAGE_SIZE: u64 = 20;

/// Reads the filters that apply from the query.
pub fn parse_list_query(q: &ListQuery) -> ListFilter {
    let r = regions();
    let league = Some(q.league.trim())
        .filter(|c| r.get(c).is_some_and(|d| d.level == Level::LeagueCity))
        .map(str::to_string);
    let county = Some(q.county.trim())
        .filter(|c| r.get(c).is_some_and(|d| d.level == Level::BannerCounty))
        .filter(|c| {
            league
                .as_deref()
                .is_none_or(|l| r.league_of(c).is_some_and(|d| d.code == l))
        })
        .map(str::to_string);
    ListFilter {
        league,
        county,
        kind: OrgKind::parse(q.kind.trim()),
        domain: Some(q.domain.trim())
            .filter(|d| is_domain(d))
            .map(str::to_string),
        min_rating: q
            .rating
            .trim()
            .parse::<i16>()
            .ok()
            .filter(|g| (1..=5).contains(g)),
        page: q
            .page
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|p| *p >= 1 && *p <= 100_000)
            .unwrap_or(1),
        per_page: 0,
    }
}

// ---------------------------------------------------------------------------------------
// Members

/// What an organization administrator typed to add a member or change a member's role.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MemberForm {
    /// The user's e-mail.
    #[serde(default)]
    pub email: String,
    /// `OrgRole::code()`.
    #[serde(default)]
    pub role: String,
    /// Why (kept in the audit log and sent to the administrators).
    #[serde(default)]
    pub reason: String,
}

/// A member form that passed validation: normalized e-mail, role, trimmed reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDraft {
    /// Normalized e-mail.
    pub email: String,
    /// The role to hold.
    pub role: crate::accounts::OrgRole,
    /// Why.
    pub reason: String,
}

/// Validates the member form (whether the e-mail has an account is checked by the caller).
pub fn validate_member(f: &MemberForm, lang: Lang) -> Result<MemberDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let email = crate::accounts::normalize_email(&f.email);
    if email.is_empty() {
        e.add("email", lang.t("form.required"));
    }
    let role = crate::accounts::OrgRole::parse(f.role.trim());
    if role.is_none() {
        e.add("role", lang.t("form.choose"));
    }
    let reason = crate::accounts::validate_reason(&f.reason, lang).unwrap_or_else(|m| {
        e.add("reason", m);
        String::new()
    });
    match role {
        Some(role) => e.into_result(MemberDraft {
            email,
            role,
            reason,
        }),
        None => Err(e),
    }
}

/// The reason typed to remove a member.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RemoveForm {
    /// Why.
    #[serde(default)]
    pub reason: String,
}

// ---------------------------------------------------------------------------------------
// Verification and claims (issue 11, point 2)

code_enum! {
    /// Whether a regulator has checked that an organization is who it says it is. A new
    /// registration starts unverified; only a verified organization may bid or be invited.
    Verification => "org.verification" {
        /// Registered by a user, not yet checked.
        Unverified = "unverified",
        /// Checked by a regulator (or vetted before verification existed).
        Verified = "verified",
        /// A regulator refused it (the reason is on its history).
        Refused = "refused",
    }
}

code_enum! {
    /// Whether an organization's registration stands. A regulator's outcome of a zombie case
    /// (`regulation::zombie`) ends it; an ended registration never comes back here (a new
    /// registration is a new organization).
    RegistrationStatus => "org.registration" {
        /// Registered and standing.
        Active = "active",
        /// Registration revoked (撤销登记).
        Revoked = "revoked",
        /// Deregistered (注销登记).
        Deregistered = "deregistered",
    }
}

/// How an organization's registration ended: what every refusal to bid, apply, be invited or
/// add a brand project names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// Revoked or deregistered.
    pub status: RegistrationStatus,
    /// The day it ended, Asia/Shanghai (unknown for a row from before the day was kept).
    pub on: Option<Date>,
}

impl Ended {
    /// The sentence shown where the organization is refused.
    pub fn message(&self, lang: Lang) -> String {
        let status = self.status.label(lang);
        match self.on {
            Some(d) => lang.tf(
                "org.ended.on",
                &[
                    ("status", status.as_str()),
                    ("date", d.to_string().as_str()),
                ],
            ),
            None => lang.tf("org.ended.undated", &[("status", status.as_str())]),
        }
    }
}

impl RegistrationStatus {
    /// How the registration ended (`None` while it stands), with the instant it did.
    pub fn ended(code: &str, at: Option<i64>) -> Option<Ended> {
        let status = RegistrationStatus::of(code);
        (!status.stands()).then(|| Ended {
            status,
            on: at.map(crate::kernel::clock::shanghai_date),
        })
    }

    /// The stored code read strictly: an unreadable one counts as ended, never as standing.
    pub fn of(code: &str) -> RegistrationStatus {
        RegistrationStatus::parse(code).unwrap_or(RegistrationStatus::Deregistered)
    }

    /// Whether the registration stands (the organization may bid, apply and be invited).
    pub fn stands(self) -> bool {
        self == RegistrationStatus::Active
    }
}

code_enum! {
    /// What a regulator decides about a registration or a claim.
    Decision => "org.decision" {
        /// Verify the registration / approve the claim.
        Approve = "approve",
        /// Refuse it, with a reason.
        Refuse = "refuse",
    }
}

impl Verification {
    /// The stored code read strictly: an unreadable one counts as unverified, never as
    /// verified.
    pub fn of(code: &str) -> Verification {
        Verification::parse(code).unwrap_or(Verification::Unverified)
    }

    /// The state a regulator's decision leads to, or `None` when it does not apply: a
    /// verified organization stays verified (misconduct goes to the credit lists), a refused
    /// one may still be verified later (new evidence), never refused twice.
    pub fn apply(self, d: Decision) -> Option<Verification> {
        match (self, d) {
            (Verification::Verified, _) => None,
            (Verification::Unverified | Verification::Refused, Decision::Approve) => {
                Some(Verification::Verified)
            }
            (Verification::Unverified, Decision::Refuse) => Some(Verification::Refused),
            (Verification::Refused, Decision::Refuse) => None,
        }
    }

    /// Whether the organization may bid and be invited.
    pub fn may_act(self) -> bool {
        self == Verification::Verified
    }
}

code_enum! {
    /// Where a claim stands.
    ClaimState => "org.claim_state" {
        /// Waiting for a regulator.
        Pending = "pending",
        /// Approved: the claimant became an administrator.
        Approved = "approved",
        /// Refused, with a reason.
        Refused = "refused",
    }
}

impl ClaimState {
    /// The state a regulator's decision leads to; only a pending claim is decided, once.
    pub fn apply(self, d: Decision) -> Option<ClaimState> {
        match (self, d) {
            (ClaimState::Pending, Decision::Approve) => Some(ClaimState::Approved),
            (ClaimState::Pending, Decision::Refuse) => Some(ClaimState::Refused),
            _ => None,
        }
    }
}

code_enum! {
    /// Why a claim or a verification decision was not recorded.
    VettingRefusal => "org.vetting_refusal" {
        /// The user already has an open claim on this organization.
        AlreadyOpen = "already_open",
        /// The user already administers the organization.
        AlreadyAdmin = "already_admin",
        /// A platform administrator joins no organization (separation of duties).
        CannotJoin = "cannot_join",
        /// The claim or registration was decided meanwhile, or the decision does not apply
        /// to its state.
        NotApplicable = "not_applicable",
    }
}

/// A claim waiting longer than this many working days is overdue in the regulator's queue.
pub const CLAIM_DUE_WORKING_DAYS: u32 = 10;
/// Ratings whose last valid day falls within this many days show in the regulator's queue.
pub const RATING_EXPIRY_WINDOW_DAYS: i64 = 90;
/// The largest registration certificate accepted (a scan or a photo).
pub const MAX_CERTIFICATE_BYTES: usize = 5 * 1024 * 1024;

/// Limits of the verification and claim texts, in characters.
pub mod vetting_limits {
    /// The claimant's statement of evidence.
    pub const EVIDENCE: usize = 2000;
    /// A regulator's reason.
    pub const REASON: usize = 2000;
}

/// Why a registration certificate's file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateProblem {
    /// No file, or an empty one.
    Missing,
    /// Larger than [`MAX_CERTIFICATE_BYTES`].
    TooLarge,
    /// Not a PDF, PNG or JPEG by its content, or not the kind its name says.
    Kind,
}

impl CertificateProblem {
    /// The message shown next to the file field.
    pub fn message(self, lang: Lang) -> String {
        match self {
            CertificateProblem::Missing => lang.t("org.claim.err.no_file"),
            CertificateProblem::TooLarge => lang.tf("org.claim.err.file_size", &[("max", "5 MB")]),
            CertificateProblem::Kind => lang.t("org.claim.err.file_kind"),
        }
    }
}

/// The media type of a registration certificate, decided by its content (magic bytes at the
/// very start, as bid attachments are) and agreeing with its name's extension: PDF, PNG or
/// JPEG only.
pub fn certificate_kind(name: &str, bytes: &[u8]) -> Result<&'static str, CertificateProblem> {
    if bytes.is_empty() {
        return Err(CertificateProblem::Missing);
    }
    if bytes.len() > MAX_CERTIFICATE_BYTES {
        return Err(CertificateProblem::TooLarge);
    }
    crate::kernel::files::document_type(name, bytes).ok_or(CertificateProblem::Kind)
}

/// A claim as the claimant sent it (a multipart form: the file comes apart).
#[derive(Debug, Clone, Default)]
pub struct ClaimForm {
    /// Why the record is theirs.
    pub evidence: String,
}

/// A claim that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimDraft {
    /// The statement, trimmed.
    pub evidence: String,
    /// The certificate's cleaned file name.
    pub file_name: String,
    /// Its media type, by content.
    pub mime: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Checks a claim: a statement (required, one text limit) and the certificate's file.
pub fn validate_claim(
    f: &ClaimForm,
    file: Option<(String, Vec<u8>)>,
    lang: Lang,
) -> Result<ClaimDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let evidence = f.evidence.trim().to_string();
    if evidence.is_empty() {
        e.add("evidence", lang.t("form.required"));
    }
    text::check(
        &mut e,
        "evidence",
        &f.evidence,
        Kind::Multi,
        vetting_limits::EVIDENCE,
        lang,
    );
    let (name, bytes) = file.unwrap_or_default();
    let mime = match certificate_kind(&name, &bytes) {
        Ok(m) => Some(m),
        Err(p) => {
            e.add("certificate", p.message(lang));
            None
        }
    };
    match mime {
        Some(mime) if e.is_empty() => Ok(ClaimDraft {
            evidence,
            file_name: name,
            mime,
            bytes,
        }),
        _ => Err(e),
    }
}

/// A regulator's decision as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DecisionForm {
    /// [`Decision`] code.
    #[serde(default)]
    pub decision: String,
    /// Why (required to refuse).
    #[serde(default)]
    pub reason: String,
}

/// Checks a decision: a known choice, and a reason (required to refuse; always checked).
pub fn validate_decision(f: &DecisionForm, lang: Lang) -> Result<(Decision, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let decision = Decision::parse(f.decision.trim());
    if decision.is_none() {
        e.add("decision", lang.t("form.choose"));
    }
    let reason = f.reason.trim().to_string();
    if decision == Some(Decision::Refuse) && reason.is_empty() {
        e.add("reason", lang.t("org.err.reason_to_refuse"));
    }
    text::check(
        &mut e,
        "reason",
        &f.reason,
        Kind::Multi,
        vetting_limits::REASON,
        lang,
    );
    match decision {
        Some(d) if e.is_empty() => Ok((d, reason)),
        _ => Err(e),
    }
}

#[cfg(test)]
mod vetting_tests {
    use super::*;

    #[test]
    fn verification_transitions() {
        use Decision::*;
        use Verification::*;
        let table = [
            (Unverified, Approve, Some(Verified)),
            (Unverified, Refuse, Some(Refused)),
            (Refused, Approve, Some(Verified)),
            (Refused, Refuse, None),
            (Verified, Approve, None),
            (Verified, Refuse, None),
        ];
        assert_eq!(table.len(), Verification::ALL.len() * Decision::ALL.len());
        for (from, d, to) in table {
            assert_eq!(from.apply(d), to, "{from:?} {d:?}");
        }
        assert!(Verified.may_act());
        assert!(!Unverified.may_act() && !Refused.may_act());
        assert_eq!(Verification::of("garbage"), Unverified);
        assert_eq!(Verification::of("verified"), Verified);
    }

    #[test]
    fn claim_transitions() {
        for s in ClaimState::ALL {
            for d in Decision::ALL {
                let want = match (s, d) {
                    (ClaimState::Pending, Decision::Approve) => Some(ClaimState::Approved),
                    (ClaimState::Pending, Decision::Refuse) => Some(ClaimState::Refused),
                    _ => None,
                };
                assert_eq!(s.apply(*d), want, "{s:?} {d:?}");
            }
        }
    }

    #[test]
    fn certificates_are_typed_by_content() {
        let pdf = b"%PDF-1.4 certificate".to_vec();
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let jpg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0];
        assert_eq!(certificate_kind("证书.pdf", &pdf), Ok("application/pdf"));
        assert_eq!(certificate_kind("c.PNG", &png), Ok("image/png"));
        assert_eq!(certificate_kind("c.jpeg", &jpg), Ok("image/jpeg"));
        assert_eq!(certificate_kind("c.jpg", &jpg), Ok("image/jpeg"));
        // Named one thing, another inside; HTML named .pdf; a PDF header further in.
        assert_eq!(
            certificate_kind("c.png", &pdf),
            Err(CertificateProblem::Kind)
        );
        assert_eq!(
            certificate_kind("c.pdf", b"<html>%PDF-1.4"),
            Err(CertificateProblem::Kind)
        );
        assert_eq!(
            certificate_kind("c.exe", &pdf),
            Err(CertificateProblem::Kind)
        );
        assert_eq!(
            certificate_kind("c.pdf", b""),
            Err(CertificateProblem::Missing)
        );
        let mut big = pdf.clone();
        big.resize(MAX_CERTIFICATE_BYTES + 1, b' ');
        assert_eq!(
            certificate_kind("c.pdf", &big),
            Err(CertificateProblem::TooLarge)
        );
    }

    #[test]
    fn claims_need_a_statement_and_a_certificate() {
        let f = ClaimForm {
            evidence: "  我们是该机构的法定代表人。 ".into(),
        };
        let ok =
            validate_claim(&f, Some(("c.pdf".into(), b"%PDF-1.7 x".to_vec())), Lang::Zh).unwrap();
        assert_eq!(ok.evidence, "我们是该机构的法定代表人。");
        assert_eq!(ok.mime, "application/pdf");
        let e = validate_claim(&ClaimForm::default(), None, Lang::En).unwrap_err();
        assert!(e.get("evidence").is_some() && e.get("certificate").is_some());
        let bad = ClaimForm {
            evidence: "a\u{0}b".into(),
        };
        let e = validate_claim(&bad, Some(("c.pdf".into(), b"%PDF-1.7".to_vec())), Lang::En)
            .unwrap_err();
        assert!(e.get("evidence").is_some());
        let long = ClaimForm {
            evidence: "字".repeat(vetting_limits::EVIDENCE + 1),
        };
        assert!(
            validate_claim(
                &long,
                Some(("c.pdf".into(), b"%PDF-1.7".to_vec())),
                Lang::En
            )
            .is_err()
        );
    }

    #[test]
    fn refusals_need_a_reason() {
        let f = |d: &str, r: &str| DecisionForm {
            decision: d.into(),
            reason: r.into(),
        };
        assert_eq!(
            validate_decision(&f("approve", ""), Lang::Zh),
            Ok((Decision::Approve, String::new()))
        );
        assert!(
            validate_decision(&f("refuse", " "), Lang::Zh)
                .unwrap_err()
                .get("reason")
                .is_some()
        );
        assert_eq!(
            validate_decision(&f("refuse", " 证书与登记信息不符 "), Lang::Zh),
            Ok((Decision::Refuse, "证书与登记信息不符".into()))
        );
        assert!(
            validate_decision(&f("maybe", "x"), Lang::Zh)
                .unwrap_err()
                .get("decision")
                .is_some()
        );
        assert!(validate_decision(&f("approve", "a\u{7}"), Lang::Zh).is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const VALID: &str = "91350100M000100Y43";

    #[test]
    fn documented_example_is_valid() {
        assert_eq!(check_uscc_structure(VALID), Ok(()));
        assert_eq!(uscc_check_char(&VALID[..17]), Some('3'));
    }

    #[test]
    fn length_errors_report_the_length() {
        assert_eq!(
            check_uscc_structure("91350100M000100Y4"),
            Err(UsccError::Length(17))
        );
        assert_eq!(check_uscc_structure(""), Err(UsccError::Length(0)));
        assert_eq!(
            check_uscc_structure("91350100M000100Y433"),
            Err(UsccError::Length(19))
        );
    }

    #[test]
    fn each_forbidden_letter_is_named_with_its_position() {
        for bad in ['I', 'O', 'S', 'V', 'Z', 'a', '-', '统'] {
            let code: String = format!("9135010{bad}M000100Y43");
            assert_eq!(
                check_uscc_structure(&code),
                Err(UsccError::BadChar { pos: 8, ch: bad }),
                "{bad}"
            );
        }
    }

    #[test]
    fn wrong_check_char_names_the_expected_one() {
        assert_eq!(
            check_uscc_structure("91350100M000100Y44"),
            Err(UsccError::CheckChar {
                expected: '3',
                found: '4'
            })
        );
        let msg = UsccError::CheckChar {
            expected: '3',
            found: '4',
        }
        .message(Lang::En);
        assert!(msg.contains('3') && msg.contains('4'), "{msg}");
    }

    #[test]
    fn every_single_character_change_is_caught() {
        // The check character detects any single substitution.
        let good = make_uscc('5', '1', "150102", "MJ0000001").unwrap();
        assert_eq!(validate_uscc(&good, Some(OrgKind::SocialGroup)), Ok(()));
        let chars: Vec<char> = good.chars().collect();
        for i in 0..17 {
            for c in USCC_ALPHABET.chars().filter(|c| *c != chars[i]) {
                let mut m = chars.clone();
                m[i] = c;
                let s: String = m.into_iter().collect();
                assert!(check_uscc_structure(&s).is_err(), "{s}");
            }
        }
    }

    #[test]
    fn division_must_exist() {
        let c = make_uscc('5', '1', "150199", "MJ0000001").unwrap();
        assert_eq!(
            validate_uscc(&c, None),
            Err(UsccError::Division("150199".into()))
        );
        let c = make_uscc('5', '1', "110105", "MJ0000001").unwrap();
        assert_eq!(
            validate_uscc(&c, Some(OrgKind::SocialGroup)),
            Ok(()),
            "Beijing registrations are allowed"
        );
        let c = make_uscc('5', '1', "990000", "MJ0000001").unwrap();
        assert!(matches!(
            validate_uscc(&c, None),
            Err(UsccError::Division(_))
        ));
    }

    #[test]
    fn type_character_must_match_kind() {
        let group = make_uscc('5', '1', "150100", "MJ0000001").unwrap();
        let agency = make_uscc('5', '2', "150100", "MJ0000001").unwrap();
        let foundation = make_uscc('5', '3', "150100", "MJ0000001").unwrap();
        let company = make_uscc('9', '1', "150100", "MA0000001").unwrap();
        assert_eq!(validate_uscc(&group, Some(OrgKind::SocialGroup)), Ok(()));
        assert_eq!(
            validate_uscc(&agency, Some(OrgKind::SocialServiceAgency)),
            Ok(())
        );
        assert_eq!(
            validate_uscc(&foundation, Some(OrgKind::Foundation)),
            Ok(())
        );
        assert_eq!(validate_uscc(&company, Some(OrgKind::Enterprise)), Ok(()));
        assert_eq!(
            validate_uscc(&group, Some(OrgKind::Foundation)),
            Err(UsccError::KindMismatch {
                dept: '5',
                type_char: '1',
                kind: OrgKind::Foundation
            })
        );
        assert!(validate_uscc(&company, Some(OrgKind::SocialGroup)).is_err());
        assert!(validate_uscc(&group, Some(OrgKind::Enterprise)).is_err());
        let msg = validate_uscc(&group, Some(OrgKind::Foundation))
            .unwrap_err()
            .message(Lang::Zh);
        assert!(msg.contains("53"), "{msg}");
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize_uscc(" 91350100m000100y43 "), VALID);
        assert_eq!(normalize_uscc("913501-00M0 00100Y43"), VALID);
    }

    fn good_form() -> OrgForm {
        OrgForm {
            name: "新城区阳光养老服务中心".into(),
            uscc: make_uscc('5', '2', "150102", "MJ0000001").unwrap(),
            kind: "social_service_agency".into(),
            registration_date: "2019-05-06".into(),
            authority_level: "banner_county".into(),
            div_league: "150100".into(),
            div_county: "150102".into(),
            div_township: "150102001".into(),
            domains: vec!["elderly".into(), "community".into()],
            staff_count: "12".into(),
            contact_name: "王芳".into(),
            contact_phone: "0471-1234567".into(),
            contact_email: "".into(),
            intro: "为社区老人提供服务。".into(),
            ..Default::default()
        }
    }

    #[test]
    fn profile_and_regulator_text_fields_refuse_controls_and_length() {
        let today = date!(2026 - 11 - 27);
        let control = Lang::En.t("text.err.control");
        let long = |max: usize| Lang::En.tf("form.too_long", &[("max", &max.to_string())]);
        type Put = fn(&mut OrgForm, String);
        let fields: [(&str, usize, Put); 4] = [
            ("name", limits::NAME, |f, v| f.name = v),
            ("contact_name", limits::CONTACT_NAME, |f, v| {
                f.contact_name = v
            }),
            ("contact_email", limits::CONTACT_EMAIL, |f, v| {
                f.contact_email = v
            }),
            ("intro", limits::INTRO, |f, v| f.intro = v),
        ];
        for (field, max, put) in fields {
            let mut f = good_form();
            put(&mut f, "阳光\0中心".into());
            let e = validate_org(&f, today, Lang::En).unwrap_err();
            assert_eq!(e.get(field), Some(control.as_str()), "{field}");
            let mut f = good_form();
            put(&mut f, "长".repeat(max + 1));
            let e = validate_org(&f, today, Lang::En).unwrap_err();
            assert_eq!(e.get(field), Some(long(max).as_str()), "{field}");
        }
        // Names refuse what reorders or breaks a line; an introduction may have lines.
        for name in ["阳光\u{202E}中心", "阳光\u{2028}中心", "阳光\n中心"] {
            let mut f = good_form();
            f.name = name.into();
            let e = validate_org(&f, today, Lang::En).unwrap_err();
            assert_eq!(e.get("name"), Some(control.as_str()), "{name:?}");
        }
        let mut f = good_form();
        f.intro = "第一行\r\n\t第二行".into();
        assert!(validate_org(&f, today, Lang::En).is_ok());
        let rating = |reason: String| RatingForm {
            grade: "4".into(),
            rated_on: "2026-11-01".into(),
            reason,
        };
        let e = validate_rating(&rating("评".repeat(10_000)), today, Lang::En).unwrap_err();
        assert_eq!(e.get("reason"), Some(long(limits::RATING_REASON).as_str()));
        let e = validate_rating(&rating("年度\0评估".into()), today, Lang::En).unwrap_err();
        assert_eq!(e.get("reason"), Some(control.as_str()));
        assert!(
            validate_rating(&rating("评".repeat(limits::RATING_REASON)), today, Lang::En).is_ok()
        );
        let credit = |reason: String| CreditForm {
            status: "abnormal".into(),
            reason,
        };
        let e = validate_credit(
            &credit("未年检\u{1}".into()),
            CreditStatus::Normal,
            Lang::En,
        )
        .unwrap_err();
        assert_eq!(e.get("reason"), Some(control.as_str()));
    }

    #[test]
    fn a_good_form_validates() {
        let d = validate_org(&good_form(), date!(2026 - 11 - 27), Lang::Zh).unwrap();
        assert_eq!(d.division_code, "150102001");
        assert_eq!(d.league_code.as_deref(), Some("150100"));
        assert_eq!(d.county_code.as_deref(), Some("150102"));
        assert_eq!(d.domains, vec!["elderly", "community"]);
        assert_eq!(d.kind, OrgKind::SocialServiceAgency);
    }

    #[test]
    fn form_errors_name_their_fields() {
        let today = date!(2026 - 11 - 27);
        type Change = Box<dyn Fn(&mut OrgForm)>;
        let cases: Vec<(&str, Change)> = vec![
            ("name", Box::new(|f| f.name = "x".into())),
            ("uscc", Box::new(|f| f.uscc = "123".into())),
            ("kind", Box::new(|f| f.kind = "bank".into())),
            (
                "registration_date",
                Box::new(|f| f.registration_date = "2030-01-01".into()),
            ),
            (
                "registration_date",
                Box::new(|f| f.registration_date = "yesterday".into()),
            ),
            (
                "authority_level",
                Box::new(|f| f.authority_level = "".into()),
            ),
            ("div_county", Box::new(|f| f.div_county = "150202".into())),
            (
                "div_league",
                Box::new(|f| {
                    f.div_league = "".into();
                    f.div_county = "".into();
                    f.div_township = "".into();
                }),
            ),
            (
                "div_outside",
                Box::new(|f| {
                    f.div_league = "".into();
                    f.div_county = "".into();
                    f.div_township = "".into();
                    f.div_outside = "990000".into();
                }),
            ),
            ("domains", Box::new(|f| f.domains.clear())),
            ("staff_count", Box::new(|f| f.staff_count = "-1".into())),
            ("staff_count", Box::new(|f| f.staff_count = "many".into())),
            ("contact_name", Box::new(|f| f.contact_name = " ".into())),
            (
                "contact_phone",
                Box::new(|f| f.contact_phone = "call me".into()),
            ),
            (
                "contact_email",
                Box::new(|f| f.contact_email = "nope".into()),
            ),
        ];
        for (field, change) in cases {
            let mut f = good_form();
            change(&mut f);
            let e = validate_org(&f, today, Lang::En).unwrap_err();
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        }
    }

    #[test]
    fn outside_region_division_is_accepted() {
        let mut f = good_form();
        f.div_league.clear();
        f.div_county.clear();
        f.div_township.clear();
        f.div_outside = "110105".into();
        f.uscc = make_uscc('5', '2', "110105", "MJ0000002").unwrap();
        let d = validate_org(&f, date!(2026 - 11 - 27), Lang::Zh).unwrap();
        assert_eq!(d.division_code, "110105");
        assert_eq!(d.league_code, None);
    }

    #[test]
    fn rating_validation() {
        let today = date!(2026 - 11 - 27);
        let f = RatingForm {
            grade: "4".into(),
            rated_on: "2024-02-29".into(),
            reason: "评估结论".into(),
        };
        let (d, _) = validate_rating(&f, today, Lang::Zh).unwrap();
        assert_eq!(d, Some((4, date!(2029 - 02 - 28))));
        let f = RatingForm {
            grade: "6".into(),
            rated_on: "2030-01-01".into(),
            reason: "".into(),
        };
        let e = validate_rating(&f, today, Lang::Zh).unwrap_err();
        assert!(
            e.get("grade").is_some() && e.get("rated_on").is_some() && e.get("reason").is_some()
        );
        let f = RatingForm {
            grade: "none".into(),
            rated_on: "".into(),
            reason: "撤销".into(),
        };
        assert_eq!(validate_rating(&f, today, Lang::Zh).unwrap().0, None);
        assert!(rating_valid(Some(today), today));
        assert!(!rating_valid(Some(date!(2026 - 11 - 26)), today));
        assert!(!rating_valid(None, today));
    }

    #[test]
    fn credit_validation() {
        let f = CreditForm {
            status: "abnormal".into(),
            reason: "未按时报送年报".into(),
        };
        assert_eq!(
            validate_credit(&f, CreditStatus::Normal, Lang::Zh)
                .unwrap()
                .0,
            CreditStatus::Abnormal
        );
        assert!(
            validate_credit(&f, CreditStatus::Abnormal, Lang::Zh)
                .unwrap_err()
                .get("status")
                .is_some()
        );
        let f = CreditForm {
            status: "x".into(),
            reason: "".into(),
        };
        let e = validate_credit(&f, CreditStatus::Normal, Lang::Zh).unwrap_err();
        assert!(e.get("status").is_some() && e.get("reason").is_some());
    }

    #[test]
    fn list_query_parsing_ignores_junk() {
        let q = ListQuery {
            league: "150100".into(),
            county: "150202".into(), // a Baotou district: not inside Hohhot
            kind: "foundation".into(),
            domain: "elderly".into(),
            rating: "3".into(),
            page: "0".into(),
        };
        let f = parse_list_query(&q);
        assert_eq!(f.league.as_deref(), Some("150100"));
        assert_eq!(f.county, None);
        assert_eq!(f.kind, Some(OrgKind::Foundation));
        assert_eq!(f.min_rating, Some(3));
        assert_eq!(f.page, 1);
        let f = parse_list_query(&ListQuery {
            league: "x".into(),
            rating: "9".into(),
            page: "7".into(),
            ..Default::default()
        });
        assert_eq!(
            f,
            ListFilter {
                page: 7,
                ..Default::default()
            }
        );
    }

    #[test]
    fn kinds_and_labels_round_trip() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.code()), Some(*k));
            assert!(!k.label(Lang::Zh).starts_with("zh-CN."), "{k:?}");
        }
        for s in CreditStatus::ALL {
            assert_eq!(CreditStatus::parse(s.code()), Some(*s));
        }
        for a in AuthorityLevel::ALL {
            assert_eq!(AuthorityLevel::parse(a.code()), Some(*a));
        }
        assert!(OrgKind::Foundation.is_social_org() && !OrgKind::Enterprise.is_social_org());
        assert_eq!(domain_label("elderly", Lang::En), "Elderly care");
    }

    #[test]
    fn the_member_form_needs_an_email_a_role_and_a_reason() {
        use crate::accounts::OrgRole;
        let f = |email: &str, role: &str, reason: &str| MemberForm {
            email: email.into(),
            role: role.into(),
            reason: reason.into(),
        };
        assert_eq!(
            validate_member(&f(" Li@Example.org ", "admin", " 接任理事长 "), Lang::Zh),
            Ok(MemberDraft {
                email: "li@example.org".into(),
                role: OrgRole::Admin,
                reason: "接任理事长".into(),
            })
        );
        let e = validate_member(&f("", "owner", "x"), Lang::En).unwrap_err();
        assert!(e.get("email").is_some() && e.get("role").is_some() && e.get("reason").is_some());
        let e = validate_member(&f("a@b.cn", "member", ""), Lang::En).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.get("reason"), Some(Lang::En.t("form.required").as_str()));
    }
}
