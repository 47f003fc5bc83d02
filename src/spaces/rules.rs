//! Pure space rules: resource kinds and hold states, local dates and quarter-hour times,
//! the validation of every form of the room (with its limits in one table), the booking
//! and cancellation windows, overlaps, the week grid and occupancy. No I/O, no clock: "now"
//! is always an argument.

use time::{Date, Duration, Weekday};

use crate::kernel::Lang;
use crate::kernel::clock::{SHANGHAI, shanghai_date};
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::kernel::text::{self, Kind};

/// The limits of this room's forms: the one place they are set.
pub mod limits {
    /// A resource's name, in characters.
    pub const NAME: usize = 100;
    /// A booking's purpose, in characters.
    pub const PURPOSE: usize = 200;
    /// The most people a resource may hold.
    pub const CAPACITY: i32 = 500;
    /// The longest advance window, in days.
    pub const ADVANCE_DAYS: i32 = 365;
    /// The longest cancellation window, in hours.
    pub const CANCEL_HOURS: i32 = 168;
    /// The longest allocation, in days (three years).
    pub const ALLOCATION_DAYS: i64 = 3 * 366;
    /// An agreement's services, in characters.
    pub const SERVICES: usize = 2000;
    /// An agreement's obligations, in characters.
    pub const OBLIGATIONS: usize = 4000;
    /// An early exit's reason, in characters.
    pub const REASON: usize = 1000;
}

/// Bookings start and end on these steps, in minutes.
pub const STEP_MINUTES: i32 = 15;

code_enum! {
    /// What a resource is.
    ResourceKind => "space.kind" {
        /// A room allocated to one tenant for a date range (an office).
        Room = "room",
        /// A desk allocated to one tenant for a date range.
        Desk = "desk",
        /// A shared room booked by the hour (training room, meeting room).
        Shared = "shared",
    }
}

impl ResourceKind {
    /// Whether it is allocated for date ranges (rooms, desks) rather than booked by the
    /// hour (shared rooms).
    pub fn allocated(self) -> bool {
        self != ResourceKind::Shared
    }
}

code_enum! {
    /// Whether an allocation or a booking holds its resource.
    HoldState => "space.state" {
        /// Holds the resource for its range.
        Active = "active",
        /// Cancelled: holds nothing.
        Cancelled = "cancelled",
    }
}

/// Whether two half-open ranges `[a0, a1)` and `[b0, b1)` overlap (touching ends do not).
pub fn overlaps(a0: i64, a1: i64, b0: i64, b1: i64) -> bool {
    a0 < b1 && b0 < a1
}

/// The instant of local (Asia/Shanghai) midnight starting a day.
pub fn day_start(d: Date) -> i64 {
    d.midnight().assume_offset(SHANGHAI).unix_timestamp()
}

/// Minutes after local midnight of an instant.
pub fn minute_of_day(t: i64) -> i32 {
    let d = shanghai_date(t);
    i32::try_from((t - day_start(d)) / 60).unwrap_or(0)
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &fmt).ok()
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses `HH:MM` (00:00 to 24:00) as minutes after midnight.
pub fn parse_hm(s: &str) -> Option<i32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    let total = h * 60 + m;
    ((0..=23).contains(&h) && (0..=59).contains(&m) || total == 24 * 60).then_some(total)
}

/// Formats minutes after midnight as `HH:MM`.
pub fn format_hm(min: i32) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

/// The Monday of the week containing a date.
pub fn week_start(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

/// The seven days of the week starting on `monday`.
pub fn week_days(monday: Date) -> [Date; 7] {
    std::array::from_fn(|i| monday + Duration::days(i as i64))
}

/// The hour rows of a shared room's week grid: `[start, end)` minutes, one per hour of its
/// opening hours (the last one shorter when it closes off the hour).
pub fn hour_rows(opens_min: i32, closes_min: i32) -> Vec<(i32, i32)> {
    let mut rows = Vec::new();
    let mut m = opens_min;
    while m < closes_min {
        let end = ((m / 60) + 1) * 60;
        rows.push((m, end.min(closes_min)));
        m = end.min(closes_min);
    }
    rows
}

/// How much of the open time `windows` the holds cover, in basis points (0–10,000). The
/// holds of one resource never overlap each other (the database sees to that), so their
/// clipped lengths add up exactly.
pub fn occupancy_bp(holds: &[(i64, i64)], windows: &[(i64, i64)]) -> i64 {
    let open: i64 = windows.iter().map(|(a, b)| (b - a).max(0)).sum();
    if open == 0 {
        return 0;
    }
    let used: i64 = windows
        .iter()
        .map(|(w0, w1)| {
            holds
                .iter()
                .map(|(h0, h1)| ((*h1).min(*w1) - (*h0).max(*w0)).max(0))
                .sum::<i64>()
        })
        .sum();
    (used * 10_000 / open).min(10_000)
}

/// The open windows of a resource in a week: each day's opening hours for a shared room,
/// whole days for a room or desk.
pub fn week_windows(monday: Date, kind: ResourceKind, opens: i32, closes: i32) -> Vec<(i64, i64)> {
    week_days(monday)
        .iter()
        .map(|d| {
            let s = day_start(*d);
            if kind.allocated() {
                (s, day_start(*d + Duration::days(1)))
            } else {
                (s + i64::from(opens) * 60, s + i64::from(closes) * 60)
            }
        })
        .collect()
}

/// Whether a booking may still be cancelled at `now`: by a manager until it ends, by its
/// booker until `cancel_hours` before it starts.
pub fn may_cancel(
    starts_at: i64,
    ends_at: i64,
    cancel_hours: i32,
    manager: bool,
    now: i64,
) -> bool {
    if manager {
        now < ends_at
    } else {
        now <= starts_at - i64::from(cancel_hours) * 3600
    }
}

/// What a manager typed about a resource.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ResourceForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// `ResourceKind` code.
    #[serde(default)]
    pub kind: String,
    /// People at once.
    #[serde(default)]
    pub capacity: String,
    /// Opening time, `HH:MM`.
    #[serde(default)]
    pub opens: String,
    /// Closing time, `HH:MM`.
    #[serde(default)]
    pub closes: String,
    /// Advance window, days.
    #[serde(default)]
    pub advance_days: String,
    /// Cancellation window, hours.
    #[serde(default)]
    pub cancel_hours: String,
}

/// A valid resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDraft {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ResourceKind,
    /// Capacity.
    pub capacity: i32,
    /// Opening time, minutes after local midnight.
    pub opens_min: i32,
    /// Closing time, minutes after local midnight.
    pub closes_min: i32,
    /// Advance window, days.
    pub advance_days: i32,
    /// Cancellation window, hours.
    pub cancel_hours: i32,
}

fn number(
    e: &mut FieldErrors,
    field: &'static str,
    v: &str,
    min: i32,
    max: i32,
    lang: Lang,
) -> i32 {
    match v.trim().parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            e.add(
                field,
                lang.tf(
                    "space.err.range",
                    &[("min", &min.to_string()), ("max", &max.to_string())],
                ),
            );
            min
        }
    }
}

fn quarter(e: &mut FieldErrors, field: &'static str, v: &str, lang: Lang) -> Option<i32> {
    match parse_hm(v) {
        None => {
            e.add(field, lang.t("space.err.time"));
            None
        }
        Some(m) if m % STEP_MINUTES != 0 => {
            e.add(field, lang.t("space.err.step"));
            None
        }
        Some(m) => Some(m),
    }
}

/// Validates a resource: a name, a kind, a capacity, opening hours on quarter hours with
/// the closing after the opening, and the two windows.
pub fn validate_resource(f: &ResourceForm, lang: Lang) -> Result<ResourceDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = f.name.trim();
    if text::check(&mut e, "name", &f.name, Kind::Name, limits::NAME, lang) && name.is_empty() {
        e.add("name", lang.t("form.required"));
    }
    let kind = ResourceKind::parse(f.kind.trim());
    if kind.is_none() {
        e.add("kind", lang.t("space.err.kind"));
    }
    let capacity = number(&mut e, "capacity", &f.capacity, 1, limits::CAPACITY, lang);
    let opens = quarter(&mut e, "opens", &f.opens, lang);
    let closes = quarter(&mut e, "closes", &f.closes, lang);
    if let (Some(o), Some(c)) = (opens, closes)
        && c <= o
    {
        e.add("closes", lang.t("space.err.closes_before_opens"));
    }
    let advance_days = number(
        &mut e,
        "advance_days",
        &f.advance_days,
        1,
        limits::ADVANCE_DAYS,
        lang,
    );
    let cancel_hours = number(
        &mut e,
        "cancel_hours",
        &f.cancel_hours,
        0,
        limits::CANCEL_HOURS,
        lang,
    );
    let (Some(kind), Some(opens_min), Some(closes_min)) = (kind, opens, closes) else {
        return Err(e);
    };
    e.into_result(ResourceDraft {
        name: name.to_string(),
        kind,
        capacity,
        opens_min,
        closes_min,
        advance_days,
        cancel_hours,
    })
}

/// What a manager typed to allocate a room or desk.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AllocationForm {
    /// The resource.
    #[serde(default)]
    pub resource_id: String,
    /// The tenant.
    #[serde(default)]
    pub tenant_id: String,
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD` (inclusive).
    #[serde(default)]
    pub to: String,
}

/// A valid allocation: the half-open range of instants from local midnight of the first
/// day to local midnight after the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocationDraft {
    /// Resource.
    pub resource_id: i64,
    /// Tenant.
    pub tenant_id: i64,
    /// Unix seconds, inclusive.
    pub starts_at: i64,
    /// Unix seconds, exclusive.
    pub ends_at: i64,
}

fn pick(
    e: &mut FieldErrors,
    field: &'static str,
    v: &str,
    among: &[i64],
    msg: String,
) -> Option<i64> {
    let id = v.trim().parse::<i64>().ok().filter(|i| among.contains(i));
    if id.is_none() {
        e.add(field, msg);
    }
    id
}

/// Validates an allocation: `resources` are the incubator's rooms and desks, `tenants` its
/// tenants in residence; the last day is not before the first, and the range is at most
/// [`limits::ALLOCATION_DAYS`].
pub fn validate_allocation(
    f: &AllocationForm,
    resources: &[i64],
    tenants: &[i64],
    lang: Lang,
) -> Result<AllocationDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let resource = pick(
        &mut e,
        "resource_id",
        &f.resource_id,
        resources,
        lang.t("space.err.resource"),
    );
    let tenant = pick(
        &mut e,
        "tenant_id",
        &f.tenant_id,
        tenants,
        lang.t("space.err.tenant"),
    );
    let from = parse_date(&f.from);
    if from.is_none() {
        e.add("from", lang.t("space.err.date"));
    }
    let to = parse_date(&f.to);
    if to.is_none() {
        e.add("to", lang.t("space.err.date"));
    }
    if let (Some(a), Some(b)) = (from, to) {
        if b < a {
            e.add("to", lang.t("space.err.end_before_start"));
        } else if (b - a).whole_days() >= limits::ALLOCATION_DAYS {
            e.add(
                "to",
                lang.tf(
                    "space.err.too_long",
                    &[("days", &limits::ALLOCATION_DAYS.to_string())],
                ),
            );
        }
    }
    let (Some(resource_id), Some(tenant_id), Some(a), Some(b)) = (resource, tenant, from, to)
    else {
        return Err(e);
    };
    e.into_result(AllocationDraft {
        resource_id,
        tenant_id,
        starts_at: day_start(a),
        ends_at: day_start(b + Duration::days(1)),
    })
}

/// What someone typed to book a shared room.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct BookingForm {
    /// Day, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: String,
    /// Start, `HH:MM`.
    #[serde(default)]
    pub start: String,
    /// End, `HH:MM`.
    #[serde(default)]
    pub end: String,
    /// How many people.
    #[serde(default)]
    pub attendees: String,
    /// What for.
    #[serde(default)]
    pub purpose: String,
    /// The tenant it is for (empty: the incubator's own use, managers only).
    #[serde(default)]
    pub tenant_id: String,
}

/// The facts of a shared room its bookings are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// People at once.
    pub capacity: i32,
    /// Opening time, minutes after local midnight.
    pub opens_min: i32,
    /// Closing time, minutes after local midnight.
    pub closes_min: i32,
    /// How many days ahead it may be booked.
    pub advance_days: i32,
}

/// A valid booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingDraft {
    /// The tenant; none for the incubator's own use.
    pub tenant_id: Option<i64>,
    /// Unix seconds, inclusive.
    pub starts_at: i64,
    /// Unix seconds, exclusive.
    pub ends_at: i64,
    /// People.
    pub attendees: i32,
    /// Purpose.
    pub purpose: String,
}

/// Validates a booking at `now`: a day, start and end on quarter hours with the end after
/// the start, inside the opening hours, starting in the future and within the advance
/// window, no more people than the capacity, a purpose; for one of `tenants` (the ones the
/// booker acts for: picked by default when there is one), or for none when `own_use` (the
/// incubator's managers).
pub fn validate_booking(
    f: &BookingForm,
    w: &Window,
    tenants: &[i64],
    own_use: bool,
    now: i64,
    lang: Lang,
) -> Result<BookingDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let tenant_id = match f.tenant_id.trim() {
        "" if own_use => None,
        "" if tenants.len() == 1 => Some(tenants[0]),
        v => pick(&mut e, "tenant_id", v, tenants, lang.t("space.err.tenant")),
    };
    let day = parse_date(&f.date);
    if day.is_none() {
        e.add("date", lang.t("space.err.date"));
    }
    let start = quarter(&mut e, "start", &f.start, lang);
    let end = quarter(&mut e, "end", &f.end, lang);
    let mut range = None;
    if let (Some(s), Some(t)) = (start, end) {
        if t <= s {
            e.add("end", lang.t("space.err.end_before_start"));
        } else if s < w.opens_min || t > w.closes_min {
            e.add(
                "start",
                lang.tf(
                    "space.err.closed",
                    &[
                        ("opens", &format_hm(w.opens_min)),
                        ("closes", &format_hm(w.closes_min)),
                    ],
                ),
            );
        } else if let Some(d) = day {
            range = Some((
                day_start(d) + i64::from(s) * 60,
                day_start(d) + i64::from(t) * 60,
            ));
        }
    }
    if let Some((s, _)) = range {
        if s <= now {
            e.add("date", lang.t("space.err.past"));
        } else if s > now + i64::from(w.advance_days) * 86_400 {
            e.add(
                "date",
                lang.tf(
                    "space.err.too_far",
                    &[("days", &w.advance_days.to_string())],
                ),
            );
        }
    }
    let attendees = match f.attendees.trim().parse::<i32>() {
        Ok(n) if (1..=w.capacity).contains(&n) => n,
        Ok(n) if n > w.capacity => {
            e.add(
                "attendees",
                lang.tf(
                    "space.err.capacity",
                    &[("capacity", &w.capacity.to_string())],
                ),
            );
            0
        }
        _ => {
            e.add(
                "attendees",
                lang.tf(
                    "space.err.range",
                    &[("min", "1"), ("max", &w.capacity.to_string())],
                ),
            );
            0
        }
    };
    let purpose = f.purpose.trim();
    if text::check(
        &mut e,
        "purpose",
        &f.purpose,
        Kind::Line,
        limits::PURPOSE,
        lang,
    ) && purpose.is_empty()
    {
        e.add("purpose", lang.t("form.required"));
    }
    let Some((starts_at, ends_at)) = range else {
        return Err(e);
    };
    e.into_result(BookingDraft {
        tenant_id,
        starts_at,
        ends_at,
        attendees,
        purpose: purpose.to_string(),
    })
}

code_enum! {
    /// Where a tenancy agreement stands.
    AgreementState => "space.agreement_state" {
        /// Drafted by a manager; waiting for the tenant's acceptance.
        Draft = "draft",
        /// Accepted by the tenant; waiting for the manager's countersignature.
        Accepted = "accepted",
        /// Countersigned: in force for its term.
        Active = "active",
        /// Ended early, with a reason; the space is free from the exit date.
        Exited = "exited",
    }
}

code_enum! {
    /// What someone does to an agreement.
    AgreementStep => "space.agreement_step" {
        /// The tenant accepts the draft.
        Accept = "accept",
        /// A manager countersigns the accepted agreement.
        Countersign = "countersign",
        /// A manager records an early exit.
        Exit = "exit",
    }
}

impl AgreementState {
    /// The one transition function; `None` for a step this state does not allow.
    pub fn apply(self, step: AgreementStep) -> Option<AgreementState> {
        use AgreementState as S;
        match (self, step) {
            (S::Draft, AgreementStep::Accept) => Some(S::Accepted),
            (S::Accepted, AgreementStep::Countersign) => Some(S::Active),
            (S::Active, AgreementStep::Exit) => Some(S::Exited),
            _ => None,
        }
    }

    /// Whether a renewal may follow (an agreement in force).
    pub fn renewable(self) -> bool {
        self == AgreementState::Active
    }
}

/// What a manager typed to draft an agreement (its space, term, services, obligations
/// and monthly fee). The space and term fields carry a `g_` prefix: the agreement form
/// shares its page with the allocation form, and field ids must not repeat on a page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AgreementForm {
    /// The room or desk.
    #[serde(default)]
    pub g_resource: String,
    /// The tenant.
    #[serde(default)]
    pub g_tenant: String,
    /// First day.
    #[serde(default)]
    pub g_from: String,
    /// Last day (inclusive).
    #[serde(default)]
    pub g_to: String,
    /// Services the incubator provides.
    #[serde(default)]
    pub services: String,
    /// The tenant's obligations.
    #[serde(default)]
    pub obligations: String,
    /// Monthly fee in yuan (zero allowed).
    #[serde(default)]
    pub fee: String,
}

/// A valid agreement draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementDraft {
    /// Its space and term.
    pub space: AllocationDraft,
    /// Services.
    pub services: String,
    /// Obligations.
    pub obligations: String,
    /// Monthly fee.
    pub fee: Fen,
}

fn fee(e: &mut FieldErrors, v: &str, lang: Lang) -> Fen {
    match Fen::parse_yuan(v) {
        Some(f) => f,
        None => {
            e.add("fee", lang.t("space.err.fee"));
            Fen(0)
        }
    }
}

fn required(e: &mut FieldErrors, field: &'static str, v: &str, max: usize, lang: Lang) -> String {
    if text::check(e, field, v, Kind::Multi, max, lang) && v.trim().is_empty() {
        e.add(field, lang.t("form.required"));
    }
    v.trim().to_string()
}

/// The agreement form's name of an allocation form field.
pub fn agreement_field(allocation_field: &'static str) -> &'static str {
    match allocation_field {
        "resource_id" => "g_resource",
        "tenant_id" => "g_tenant",
        "from" => "g_from",
        "to" => "g_to",
        other => other,
    }
}

/// Validates an agreement draft: the space and term as an allocation, services and
/// obligations, a fee of zero or more.
pub fn validate_agreement(
    f: &AgreementForm,
    resources: &[i64],
    tenants: &[i64],
    lang: Lang,
) -> Result<AgreementDraft, FieldErrors> {
    let alloc = AllocationForm {
        resource_id: f.g_resource.clone(),
        tenant_id: f.g_tenant.clone(),
        from: f.g_from.clone(),
        to: f.g_to.clone(),
    };
    let space = validate_allocation(&alloc, resources, tenants, lang);
    let mut e = FieldErrors::default();
    for (field, m) in space.clone().err().unwrap_or_default().0 {
        e.add(agreement_field(field), m);
    }
    let services = required(&mut e, "services", &f.services, limits::SERVICES, lang);
    let obligations = required(
        &mut e,
        "obligations",
        &f.obligations,
        limits::OBLIGATIONS,
        lang,
    );
    let fee = fee(&mut e, &f.fee, lang);
    let Ok(space) = space else { return Err(e) };
    e.into_result(AgreementDraft {
        space,
        services,
        obligations,
        fee,
    })
}

/// A renewal as typed: the new last day and monthly fee.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RenewForm {
    /// New last day (inclusive).
    #[serde(default)]
    pub to: String,
    /// Monthly fee in yuan.
    #[serde(default)]
    pub fee: String,
}

/// Validates a renewal of an agreement ending (exclusive) at `ends_at`: the new term runs
/// from that day to the new last day. Returns the new end (exclusive) and the fee.
pub fn validate_renewal(
    f: &RenewForm,
    ends_at: i64,
    lang: Lang,
) -> Result<(i64, Fen), FieldErrors> {
    let mut e = FieldErrors::default();
    let first = shanghai_date(ends_at);
    let new_end = match parse_date(&f.to) {
        None => {
            e.add("to", lang.t("space.err.date"));
            0
        }
        Some(d) if d < first => {
            e.add("to", lang.t("space.err.end_before_start"));
            0
        }
        Some(d) if (d - first).whole_days() >= limits::ALLOCATION_DAYS => {
            e.add(
                "to",
                lang.tf(
                    "space.err.too_long",
                    &[("days", &limits::ALLOCATION_DAYS.to_string())],
                ),
            );
            0
        }
        Some(d) => day_start(d + Duration::days(1)),
    };
    let fee = fee(&mut e, &f.fee, lang);
    e.into_result((new_end, fee))
}

/// An early exit as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ExitForm {
    /// The day the space is freed.
    #[serde(default)]
    pub date: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
    /// The confirmation.
    #[serde(default)]
    pub confirm: String,
}

/// Validates an early exit from a term `[starts_at, ends_at)`: the exit day falls after
/// the first day and before the end, and a reason is given. Returns the exit instant
/// (local midnight of that day) and the reason.
pub fn validate_exit(
    f: &ExitForm,
    starts_at: i64,
    ends_at: i64,
    lang: Lang,
) -> Result<(i64, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let at = match parse_date(&f.date) {
        None => {
            e.add("date", lang.t("space.err.date"));
            0
        }
        Some(d) => {
            let at = day_start(d);
            if at <= starts_at || at >= ends_at {
                e.add("date", lang.t("space.err.exit_outside_term"));
            }
            at
        }
    };
    let reason = required(&mut e, "reason", &f.reason, limits::REASON, lang);
    e.into_result((at, reason))
}

/// Whether a weekday is on the weekend (the grid marks them).
pub fn weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const L: Lang = Lang::En;

    fn fields(r: Result<impl std::fmt::Debug, FieldErrors>) -> Vec<&'static str> {
        match r {
            Ok(_) => vec![],
            Err(e) => e.0.iter().map(|(f, _)| *f).collect(),
        }
    }

    #[test]
    fn overlap_is_half_open() {
        assert!(overlaps(0, 10, 5, 15));
        assert!(overlaps(5, 15, 0, 10));
        assert!(overlaps(0, 10, 2, 3));
        assert!(overlaps(2, 3, 0, 10));
        assert!(overlaps(0, 10, 0, 10));
        assert!(!overlaps(0, 10, 10, 20), "touching ends do not clash");
        assert!(!overlaps(10, 20, 0, 10));
        assert!(!overlaps(0, 5, 6, 9));
    }

    #[test]
    fn dates_and_times_are_local() {
        // 2026-11-30 00:00 in Shanghai is 2026-11-29 16:00 UTC.
        let d = date!(2026 - 11 - 30);
        assert_eq!(
            day_start(d),
            time::macros::datetime!(2026-11-29 16:00 UTC).unix_timestamp()
        );
        assert_eq!(minute_of_day(day_start(d) + 9 * 3600 + 15 * 60), 555);
        assert_eq!(parse_date(" 2026-11-30 "), Some(d));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(format_date(d), "2026-11-30");
        assert_eq!(parse_hm("09:15"), Some(555));
        assert_eq!(parse_hm("9:15"), Some(555));
        assert_eq!(parse_hm("24:00"), Some(1440));
        for bad in [
            "24:15", "25:00", "09:60", "0915", "", "09:1", "a:00", "-1:00",
        ] {
            assert_eq!(parse_hm(bad), None, "{bad}");
        }
        assert_eq!(format_hm(555), "09:15");
        // 2026-12-02 is a Wednesday.
        assert_eq!(week_start(date!(2026 - 12 - 02)), d);
        assert_eq!(week_start(d), d);
        assert_eq!(week_start(date!(2026 - 12 - 06)), d);
        assert_eq!(week_days(d)[6], date!(2026 - 12 - 06));
        assert!(weekend(date!(2026 - 12 - 06)) && !weekend(d));
    }

    #[test]
    fn hour_rows_cover_the_opening_hours() {
        assert_eq!(
            hour_rows(8 * 60, 10 * 60 + 30),
            vec![(480, 540), (540, 600), (600, 630)]
        );
        assert_eq!(hour_rows(8 * 60 + 45, 9 * 60), vec![(525, 540)]);
        assert!(hour_rows(600, 600).is_empty());
    }

    #[test]
    fn occupancy_in_basis_points() {
        assert_eq!(occupancy_bp(&[], &[(0, 100)]), 0);
        assert_eq!(occupancy_bp(&[(0, 50)], &[(0, 100)]), 5_000);
        // Clipped to the windows; holds outside count nothing.
        assert_eq!(occupancy_bp(&[(-50, 25), (90, 200)], &[(0, 100)]), 3_500);
        assert_eq!(occupancy_bp(&[(0, 100)], &[(0, 100), (200, 300)]), 5_000);
        assert_eq!(occupancy_bp(&[(0, 1)], &[]), 0);
        let monday = date!(2026 - 11 - 30);
        let w = week_windows(monday, ResourceKind::Shared, 8 * 60, 18 * 60);
        assert_eq!(w.len(), 7);
        assert_eq!(w[0].1 - w[0].0, 10 * 3600);
        let d = week_windows(monday, ResourceKind::Desk, 8 * 60, 18 * 60);
        assert_eq!(d[0], (day_start(monday), day_start(monday) + 86_400));
        // A desk held for the whole week and beyond is fully occupied.
        assert_eq!(occupancy_bp(&[(d[0].0 - 10, d[6].1 + 10)], &d), 10_000);
    }

    #[test]
    fn cancellation_window() {
        let (s, t) = (100_000, 103_600);
        assert!(may_cancel(s, t, 24, false, s - 24 * 3600));
        assert!(!may_cancel(s, t, 24, false, s - 24 * 3600 + 1));
        assert!(may_cancel(s, t, 0, false, s));
        assert!(!may_cancel(s, t, 0, false, s + 1));
        // Managers until it ends.
        assert!(may_cancel(s, t, 24, true, t - 1));
        assert!(!may_cancel(s, t, 24, true, t));
        assert!(ResourceKind::Desk.allocated() && ResourceKind::Room.allocated());
        assert!(!ResourceKind::Shared.allocated());
    }

    fn resource_form() -> ResourceForm {
        ResourceForm {
            name: "一号会议室".into(),
            kind: "shared".into(),
            capacity: "12".into(),
            opens: "08:00".into(),
            closes: "18:00".into(),
            advance_days: "30".into(),
            cancel_hours: "24".into(),
        }
    }

    #[test]
    fn resources() {
        let d = validate_resource(&resource_form(), L).unwrap();
        assert_eq!(
            (
                d.kind,
                d.capacity,
                d.opens_min,
                d.closes_min,
                d.advance_days,
                d.cancel_hours
            ),
            (ResourceKind::Shared, 12, 480, 1080, 30, 24)
        );
        let bad = ResourceForm {
            name: " ".into(),
            kind: "hall".into(),
            capacity: "0".into(),
            opens: "08:10".into(),
            closes: "7pm".into(),
            advance_days: "0".into(),
            cancel_hours: "-1".into(),
        };
        assert_eq!(
            fields(validate_resource(&bad, L)),
            vec![
                "name",
                "kind",
                "capacity",
                "opens",
                "closes",
                "advance_days",
                "cancel_hours"
            ]
        );
        let mut f = resource_form();
        f.closes = "08:00".into();
        assert_eq!(fields(validate_resource(&f, L)), vec!["closes"]);
        f.closes = "07:45".into();
        assert_eq!(fields(validate_resource(&f, L)), vec!["closes"]);
        f.closes = "24:00".into();
        assert!(validate_resource(&f, L).is_ok());
        f.capacity = (limits::CAPACITY + 1).to_string();
        assert_eq!(fields(validate_resource(&f, L)), vec!["capacity"]);
        f.capacity = "1".into();
        f.name = "x".repeat(limits::NAME + 1);
        assert_eq!(fields(validate_resource(&f, L)), vec!["name"]);
    }

    #[test]
    fn allocations() {
        let f = AllocationForm {
            resource_id: "3".into(),
            tenant_id: "7".into(),
            from: "2026-12-01".into(),
            to: "2026-12-31".into(),
        };
        let d = validate_allocation(&f, &[3], &[7], L).unwrap();
        assert_eq!(d.starts_at, day_start(date!(2026 - 12 - 01)));
        assert_eq!(d.ends_at, day_start(date!(2027 - 01 - 01)));
        // One day is a whole day.
        let one = AllocationForm {
            to: "2026-12-01".into(),
            ..f.clone()
        };
        let d = validate_allocation(&one, &[3], &[7], L).unwrap();
        assert_eq!(d.ends_at - d.starts_at, 86_400);
        assert_eq!(
            fields(validate_allocation(&f, &[4], &[8], L)),
            vec!["resource_id", "tenant_id"]
        );
        let back = AllocationForm {
            to: "2026-11-30".into(),
            ..f.clone()
        };
        assert_eq!(
            fields(validate_allocation(&back, &[3], &[7], L)),
            vec!["to"]
        );
        let long = AllocationForm {
            to: "2030-12-01".into(),
            ..f.clone()
        };
        assert_eq!(
            fields(validate_allocation(&long, &[3], &[7], L)),
            vec!["to"]
        );
        let junk = AllocationForm {
            from: "12/01/2026".into(),
            to: String::new(),
            ..f
        };
        assert_eq!(
            fields(validate_allocation(&junk, &[3], &[7], L)),
            vec!["from", "to"]
        );
    }

    const W: Window = Window {
        capacity: 10,
        opens_min: 8 * 60,
        closes_min: 18 * 60,
        advance_days: 30,
    };

    fn booking_form() -> BookingForm {
        BookingForm {
            date: "2026-12-01".into(),
            start: "09:00".into(),
            end: "10:30".into(),
            attendees: "6".into(),
            purpose: "理事会".into(),
            tenant_id: String::new(),
        }
    }

    #[test]
    fn bookings() {
        let now = day_start(date!(2026 - 11 - 27)) + 12 * 3600;
        let d = validate_booking(&booking_form(), &W, &[7], false, now, L).unwrap();
        let base = day_start(date!(2026 - 12 - 01));
        assert_eq!(
            (d.tenant_id, d.starts_at, d.ends_at, d.attendees),
            (Some(7), base + 9 * 3600, base + 10 * 3600 + 1800, 6)
        );
        // Several tenants: one must be chosen; a manager's empty choice is own use.
        assert_eq!(
            fields(validate_booking(
                &booking_form(),
                &W,
                &[7, 8],
                false,
                now,
                L
            )),
            vec!["tenant_id"]
        );
        let d = validate_booking(&booking_form(), &W, &[7, 8], true, now, L).unwrap();
        assert_eq!(d.tenant_id, None);
        let other = BookingForm {
            tenant_id: "9".into(),
            ..booking_form()
        };
        assert_eq!(
            fields(validate_booking(&other, &W, &[7], true, now, L)),
            vec!["tenant_id"]
        );
        let case = |f: BookingForm| fields(validate_booking(&f, &W, &[7], false, now, L));
        // End before start, zero length.
        assert_eq!(
            case(BookingForm {
                end: "08:45".into(),
                ..booking_form()
            }),
            vec!["end"]
        );
        assert_eq!(
            case(BookingForm {
                end: "09:00".into(),
                ..booking_form()
            }),
            vec!["end"]
        );
        // Not on quarter hours.
        assert_eq!(
            case(BookingForm {
                start: "09:10".into(),
                end: "10:20".into(),
                ..booking_form()
            }),
            vec!["start", "end"]
        );
        // Outside the opening hours, either end.
        assert_eq!(
            case(BookingForm {
                start: "07:45".into(),
                ..booking_form()
            }),
            vec!["start"]
        );
        assert_eq!(
            case(BookingForm {
                end: "18:15".into(),
                ..booking_form()
            }),
            vec!["start"]
        );
        assert!(
            case(BookingForm {
                start: "08:00".into(),
                end: "18:00".into(),
                ..booking_form()
            })
            .is_empty()
        );
        // In the past; beyond the advance window; at its edge.
        assert_eq!(
            case(BookingForm {
                date: "2026-11-26".into(),
                ..booking_form()
            }),
            vec!["date"]
        );
        assert_eq!(
            case(BookingForm {
                date: "2027-01-05".into(),
                ..booking_form()
            }),
            vec!["date"]
        );
        let edge = now + 30 * 86_400;
        let at_edge = BookingForm {
            date: format_date(shanghai_date(edge)),
            start: format_hm(minute_of_day(edge)),
            end: "21:00".into(),
            ..booking_form()
        };
        // (20:00 local is after closing: the window is checked on a wide-open room.)
        let open_all = Window {
            opens_min: 0,
            closes_min: 24 * 60,
            ..W
        };
        assert!(validate_booking(&at_edge, &open_all, &[7], false, now, L).is_ok());
        // Capacity exceeded; no one; a missing purpose.
        assert_eq!(
            case(BookingForm {
                attendees: "11".into(),
                ..booking_form()
            }),
            vec!["attendees"]
        );
        assert_eq!(
            case(BookingForm {
                attendees: "0".into(),
                purpose: "  ".into(),
                ..booking_form()
            }),
            vec!["attendees", "purpose"]
        );
        assert_eq!(
            case(BookingForm {
                date: "tomorrow".into(),
                start: "nine".into(),
                end: String::new(),
                ..booking_form()
            }),
            vec!["date", "start", "end"]
        );
    }
    #[test]
    fn agreement_transitions() {
        use AgreementState as S;
        use AgreementStep as T;
        let legal = [
            (S::Draft, T::Accept, S::Accepted),
            (S::Accepted, T::Countersign, S::Active),
            (S::Active, T::Exit, S::Exited),
        ];
        for s in S::ALL {
            for t in AgreementStep::ALL {
                let want = legal
                    .iter()
                    .find(|(a, b, _)| a == s && b == t)
                    .map(|(_, _, c)| *c);
                assert_eq!(s.apply(*t), want, "{s:?} {t:?}");
            }
        }
        assert!(S::Active.renewable());
        assert!(!S::Draft.renewable() && !S::Accepted.renewable() && !S::Exited.renewable());
    }

    #[test]
    fn agreements_renewals_and_exits() {
        let f = AgreementForm {
            g_resource: "3".into(),
            g_tenant: "7".into(),
            g_from: "2026-12-01".into(),
            g_to: "2027-11-30".into(),
            services: "工位、培训".into(),
            obligations: "按月提交服务记录".into(),
            fee: "0".into(),
        };
        let d = validate_agreement(&f, &[3], &[7], L).unwrap();
        assert_eq!(d.fee, Fen(0));
        assert_eq!(d.space.ends_at, day_start(date!(2027 - 12 - 01)));
        let bad = AgreementForm {
            g_to: "2026-11-01".into(),
            services: String::new(),
            obligations: " ".into(),
            fee: "-5".into(),
            ..f.clone()
        };
        assert_eq!(
            fields(validate_agreement(&bad, &[3], &[7], L)),
            vec!["g_to", "services", "obligations", "fee"]
        );
        let paid = AgreementForm {
            fee: "1,200.50".into(),
            ..f
        };
        assert_eq!(
            validate_agreement(&paid, &[3], &[7], L).unwrap().fee,
            Fen(120_050)
        );
        let end = day_start(date!(2027 - 12 - 01));
        let r = RenewForm {
            to: "2028-11-30".into(),
            fee: "100".into(),
        };
        assert_eq!(
            validate_renewal(&r, end, L).unwrap(),
            (day_start(date!(2028 - 12 - 01)), Fen(10_000))
        );
        let back = RenewForm {
            to: "2027-11-30".into(),
            fee: "x".into(),
        };
        assert_eq!(fields(validate_renewal(&back, end, L)), vec!["to", "fee"]);
        let start = day_start(date!(2026 - 12 - 01));
        let ex = |d: &str, r: &str| ExitForm {
            date: d.into(),
            reason: r.into(),
            confirm: String::new(),
        };
        assert_eq!(
            validate_exit(
                &ex("2027-03-01", "提前完成登记，迁入自有场地"),
                start,
                end,
                L
            )
            .unwrap(),
            (
                day_start(date!(2027 - 03 - 01)),
                "提前完成登记，迁入自有场地".to_string()
            )
        );
        for bad in ["2026-12-01", "2027-12-01", "2026-11-01", "soon"] {
            assert_eq!(
                fields(validate_exit(&ex(bad, "原因"), start, end, L)),
                vec!["date"],
                "{bad}"
            );
        }
        assert_eq!(
            fields(validate_exit(&ex("2027-03-01", ""), start, end, L)),
            vec!["reason"]
        );
    }
}
