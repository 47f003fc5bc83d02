//! Pure rules of the services log: trainings (topic, trainer, when, hours) with the tenants
//! who attended, one-to-one guidance (mentor, topic, when, hours, notes private to the
//! incubator and the tenant), the validation of both forms and the order of a tenant's
//! timeline. No I/O, no clock (`now` is passed in).

use crate::kernel::Lang;
use crate::kernel::clock::parse_local;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::kernel::text::{self, Kind};

/// The longest each free-text field of the services log may be, in characters.
pub mod limits {
    /// A topic.
    pub const TOPIC: usize = 200;
    /// A trainer's or mentor's name.
    pub const PERSON: usize = 100;
    /// Guidance notes.
    pub const NOTES: usize = 2000;
    /// The longest session, in minutes (a day).
    pub const MINUTES: i32 = 24 * 60;
}

/// Minutes from hours as typed: a whole number, or with a quarter, half or three quarters
/// (`1.5`, `0.25`, `2.75`); from a quarter of an hour to [`limits::MINUTES`].
pub fn parse_hours(s: &str) -> Option<i32> {
    let s = s.trim();
    let (whole, frac) = match s.split_once('.') {
        Some((_, "")) => return None,
        Some(x) => x,
        None => (s, ""),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 3 {
        return None;
    }
    let extra = match frac {
        "" | "0" | "00" => 0,
        "25" => 15,
        "5" | "50" => 30,
        "75" => 45,
        _ => return None,
    };
    let minutes = whole.parse::<i32>().ok()? * 60 + extra;
    (15..=limits::MINUTES).contains(&minutes).then_some(minutes)
}

/// Minutes as hours for display: `90` → `1.5`, `45` → `0.75`, `120` → `2`.
pub fn hours_display(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match m {
        0 => h.to_string(),
        15 => format!("{h}.25"),
        30 => format!("{h}.5"),
        45 => format!("{h}.75"),
        _ => format!("{h}.{:02}", m * 100 / 60),
    }
}

/// A training as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TrainingForm {
    /// Topic.
    #[serde(default)]
    pub topic: String,
    /// Trainer.
    #[serde(default)]
    pub trainer: String,
    /// When (`datetime-local`, Asia/Shanghai).
    #[serde(default)]
    pub held_at: String,
    /// Hours.
    #[serde(default)]
    pub hours: String,
    /// The tenants who attended (repeated field).
    #[serde(default)]
    pub tenant: Vec<String>,
}

/// A valid training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingDraft {
    /// Topic.
    pub topic: String,
    /// Trainer.
    pub trainer: String,
    /// Unix seconds.
    pub held_at: i64,
    /// Length.
    pub minutes: i32,
    /// Tenants who attended, ascending, once each.
    pub attendees: Vec<i64>,
}

fn required(
    e: &mut FieldErrors,
    field: &'static str,
    value: &str,
    max: usize,
    lang: Lang,
) -> String {
    if text::check(e, field, value, Kind::Line, max, lang) && value.trim().is_empty() {
        e.add(field, lang.t("form.required"));
    }
    value.trim().to_string()
}

fn when_and_how_long(
    e: &mut FieldErrors,
    (at_field, hours_field): (&'static str, &'static str),
    held_at: &str,
    hours: &str,
    now: i64,
    lang: Lang,
) -> (i64, i32) {
    let at = match parse_local(held_at) {
        Some(t) if t <= now => t,
        Some(_) => {
            e.add(at_field, lang.t("services.err.future"));
            0
        }
        None => {
            e.add(at_field, lang.t("services.err.held_at"));
            0
        }
    };
    let minutes = parse_hours(hours).unwrap_or_else(|| {
        e.add(hours_field, lang.t("services.err.hours"));
        0
    });
    (at, minutes)
}

/// Validates a training: topic and trainer, a time not in the future, hours, and at least
/// one attendee among `tenants` (the incubator's tenants in residence).
pub fn validate_training(
    f: &TrainingForm,
    tenants: &[i64],
    now: i64,
    lang: Lang,
) -> Result<TrainingDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let topic = required(&mut e, "topic", &f.topic, limits::TOPIC, lang);
    let trainer = required(&mut e, "trainer", &f.trainer, limits::PERSON, lang);
    let (held_at, minutes) = when_and_how_long(
        &mut e,
        ("held_at", "hours"),
        &f.held_at,
        &f.hours,
        now,
        lang,
    );
    let mut attendees = Vec::new();
    for t in &f.tenant {
        match t.trim().parse::<i64>() {
            Ok(id) if tenants.contains(&id) => attendees.push(id),
            _ => {
                e.add("tenant", lang.t("services.err.tenant"));
                break;
            }
        }
    }
    attendees.sort_unstable();
    attendees.dedup();
    if attendees.is_empty() && e.get("tenant").is_none() {
        e.add("tenant", lang.t("services.err.no_attendee"));
    }
    e.into_result(TrainingDraft {
        topic,
        trainer,
        held_at,
        minutes,
        attendees,
    })
}

/// A guidance session as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct GuidanceForm {
    /// Mentor.
    #[serde(default)]
    pub mentor: String,
    /// Topic.
    #[serde(default)]
    pub topic: String,
    /// When (`datetime-local`, Asia/Shanghai).
    #[serde(default)]
    pub held_at: String,
    /// Hours.
    #[serde(default)]
    pub hours: String,
    /// Notes, private to the incubator and the tenant.
    #[serde(default)]
    pub notes: String,
}

/// A valid guidance session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuidanceDraft {
    /// Mentor.
    pub mentor: String,
    /// Topic.
    pub topic: String,
    /// Unix seconds.
    pub held_at: i64,
    /// Length.
    pub minutes: i32,
    /// Private notes.
    pub notes: String,
}

/// Validates a guidance session: mentor and topic, a time not in the future, hours, notes
/// within [`limits::NOTES`].
pub fn validate_guidance(
    f: &GuidanceForm,
    now: i64,
    lang: Lang,
) -> Result<GuidanceDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let mentor = required(&mut e, "mentor", &f.mentor, limits::PERSON, lang);
    let topic = required(&mut e, "topic", &f.topic, limits::TOPIC, lang);
    let (held_at, minutes) = when_and_how_long(
        &mut e,
        ("held_at", "hours"),
        &f.held_at,
        &f.hours,
        now,
        lang,
    );
    text::check(&mut e, "notes", &f.notes, Kind::Multi, limits::NOTES, lang);
    e.into_result(GuidanceDraft {
        mentor,
        topic,
        held_at,
        minutes,
        notes: f.notes.trim().to_string(),
    })
}

/// What kind of venture-philanthropy support (公益创投支持) an incubator gave a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VpKind {
    /// Coaching for a venture-philanthropy call's application (申报辅导).
    Coaching,
    /// Seed funding handed over (种子资金): an amount is required.
    Funding,
    /// An introduction to a funder or a call (资源对接).
    Referral,
}

impl VpKind {
    /// Every kind, in the form's order.
    pub const ALL: [VpKind; 3] = [VpKind::Coaching, VpKind::Funding, VpKind::Referral];

    /// Code in the database and the form.
    pub fn code(self) -> &'static str {
        match self {
            VpKind::Coaching => "coaching",
            VpKind::Funding => "funding",
            VpKind::Referral => "referral",
        }
    }

    /// The kind of a code.
    pub fn from_code(s: &str) -> Option<VpKind> {
        VpKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Its name in the reader's language.
    pub fn label(self, lang: Lang) -> String {
        lang.t(&format!("services.vp_kind.{}", self.code()))
    }
}

/// Venture-philanthropy support as typed. The fields carry a `vp_` prefix: the tenant's
/// page holds the guidance form too, and every field's id must stay unique.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct VpForm {
    /// `VpKind` code.
    #[serde(default)]
    pub vp_kind: String,
    /// What it was about.
    #[serde(default)]
    pub vp_topic: String,
    /// The call, foundation or funder involved.
    #[serde(default)]
    pub vp_partner: String,
    /// When (`datetime-local`, Asia/Shanghai).
    #[serde(default)]
    pub vp_held_at: String,
    /// Hours (empty: none, e.g. a grant handed over).
    #[serde(default)]
    pub vp_hours: String,
    /// Money handed over, in yuan (empty: none).
    #[serde(default)]
    pub vp_amount: String,
}

/// Valid venture-philanthropy support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpDraft {
    /// Kind.
    pub kind: VpKind,
    /// Topic.
    pub topic: String,
    /// Call or funder.
    pub partner: String,
    /// Unix seconds.
    pub held_at: i64,
    /// Length (0 when no time was spent with the tenant).
    pub minutes: i32,
    /// Money handed over.
    pub amount: Fen,
}

/// Validates venture-philanthropy support: a kind, topic and call or funder, a time not in
/// the future, hours in quarters (or none), an amount in yuan (or none) — required, and
/// more than zero, for seed funding.
pub fn validate_vp(f: &VpForm, now: i64, lang: Lang) -> Result<VpDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let kind = VpKind::from_code(f.vp_kind.trim());
    if kind.is_none() {
        e.add("vp_kind", lang.t("services.err.vp_kind"));
    }
    let topic = required(&mut e, "vp_topic", &f.vp_topic, limits::TOPIC, lang);
    let partner = required(&mut e, "vp_partner", &f.vp_partner, limits::PERSON, lang);
    let no_hours = f.vp_hours.trim().is_empty();
    // No hours typed: no time spent with the tenant (a grant handed over), counted as 0.
    let hours = if no_hours {
        "0.25"
    } else {
        f.vp_hours.as_str()
    };
    let (held_at, minutes) = when_and_how_long(
        &mut e,
        ("vp_held_at", "vp_hours"),
        &f.vp_held_at,
        hours,
        now,
        lang,
    );
    let minutes = if no_hours { 0 } else { minutes };
    let amount = match f.vp_amount.trim() {
        "" => Fen(0),
        a => Fen::parse_yuan(a).unwrap_or_else(|| {
            e.add("vp_amount", lang.t("services.err.amount"));
            Fen(0)
        }),
    };
    if kind == Some(VpKind::Funding) && amount.0 == 0 && e.get("vp_amount").is_none() {
        e.add("vp_amount", lang.t("services.err.funding_amount"));
    }
    e.into_result(VpDraft {
        kind: kind.unwrap_or(VpKind::Coaching),
        topic,
        partner,
        held_at,
        minutes,
        amount,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_780_800;

    #[test]
    fn hours_come_in_quarters_from_a_quarter_to_a_day() {
        for (s, m) in [
            ("1", 60),
            ("1.5", 90),
            ("0.25", 15),
            ("2.75", 165),
            (" 3.0 ", 180),
            ("24", 1440),
        ] {
            assert_eq!(parse_hours(s), Some(m), "{s}");
            assert_eq!(parse_hours(&hours_display(i64::from(m))), Some(m));
        }
        for s in [
            "", "0", "0.1", "1.3", "-1", "25", "a", ".5", "1.", "1,5", "1000",
        ] {
            assert_eq!(parse_hours(s), None, "{s}");
        }
        assert_eq!(hours_display(90), "1.5");
        assert_eq!(hours_display(20), "0.33");
    }

    fn training() -> TrainingForm {
        TrainingForm {
            topic: "项目财务管理".into(),
            trainer: "王老师".into(),
            held_at: "2026-11-20T09:00".into(),
            hours: "2".into(),
            tenant: vec!["3".into(), "2".into(), "3".into()],
        }
    }

    #[test]
    fn a_training_names_its_attendees_among_the_tenants() {
        let d = validate_training(&training(), &[2, 3], NOW, Lang::En).unwrap();
        assert_eq!(d.attendees, vec![2, 3]);
        assert_eq!(d.minutes, 120);
        assert_eq!(d.held_at, parse_local("2026-11-20T09:00").unwrap());
        let f = TrainingForm {
            tenant: vec!["9".into()],
            ..training()
        };
        let e = validate_training(&f, &[2, 3], NOW, Lang::En).unwrap_err();
        assert!(e.get("tenant").is_some());
        let f = TrainingForm {
            tenant: vec![],
            ..training()
        };
        let e = validate_training(&f, &[2, 3], NOW, Lang::En).unwrap_err();
        assert!(e.get("tenant").is_some());
    }

    #[test]
    fn every_bad_training_field_gets_its_message() {
        let f = TrainingForm {
            topic: " ".into(),
            trainer: "x".repeat(limits::PERSON + 1),
            held_at: "2026-13-01T09:00".into(),
            hours: "0".into(),
            tenant: vec!["2".into()],
        };
        let e = validate_training(&f, &[2], NOW, Lang::En).unwrap_err();
        for field in ["topic", "trainer", "held_at", "hours"] {
            assert!(e.get(field).is_some(), "{field}");
        }
        let f = TrainingForm {
            held_at: "2030-01-01T09:00".into(),
            ..training()
        };
        let e = validate_training(&f, &[2, 3], NOW, Lang::En).unwrap_err();
        assert!(e.get("held_at").is_some(), "not in the future");
    }

    #[test]
    fn guidance_needs_mentor_topic_time_and_hours() {
        let f = GuidanceForm {
            mentor: "李督导".into(),
            topic: "理事会建设".into(),
            held_at: "2026-11-21 14:00".into(),
            hours: "1.5".into(),
            notes: " 建议下月完成章程修订。 ".into(),
        };
        let d = validate_guidance(&f, NOW, Lang::En).unwrap();
        assert_eq!(d.minutes, 90);
        assert_eq!(d.notes, "建议下月完成章程修订。");
        let e = validate_guidance(&GuidanceForm::default(), NOW, Lang::En).unwrap_err();
        for field in ["mentor", "topic", "held_at", "hours"] {
            assert!(e.get(field).is_some(), "{field}");
        }
        assert!(e.get("notes").is_none(), "notes are optional");
        let f = GuidanceForm {
            notes: "很".repeat(limits::NOTES + 1),
            ..f
        };
        assert!(
            validate_guidance(&f, NOW, Lang::En)
                .unwrap_err()
                .get("notes")
                .is_some()
        );
    }

    fn vp() -> VpForm {
        VpForm {
            vp_kind: "funding".into(),
            vp_topic: "社区助老微创投种子资金".into(),
            vp_partner: "呼和浩特市公益创投大赛".into(),
            vp_held_at: "2026-11-21T10:00".into(),
            vp_hours: "".into(),
            vp_amount: "20,000.50".into(),
        }
    }

    #[test]
    fn venture_philanthropy_support_has_a_kind_a_partner_and_money_for_funding() {
        let d = validate_vp(&vp(), NOW, Lang::En).unwrap();
        assert_eq!(d.kind, VpKind::Funding);
        assert_eq!(d.amount, Fen(2_000_050));
        assert_eq!(d.minutes, 0, "no hours typed: none counted");
        let f = VpForm {
            vp_kind: "coaching".into(),
            vp_hours: "1.5".into(),
            vp_amount: "".into(),
            ..vp()
        };
        let d = validate_vp(&f, NOW, Lang::En).unwrap();
        assert_eq!(
            (d.kind, d.minutes, d.amount),
            (VpKind::Coaching, 90, Fen(0))
        );
        let f = VpForm {
            vp_amount: "".into(),
            ..vp()
        };
        let e = validate_vp(&f, NOW, Lang::En).unwrap_err();
        assert!(e.get("vp_amount").is_some(), "funding needs an amount");
        let e = validate_vp(&VpForm::default(), NOW, Lang::En).unwrap_err();
        for field in ["vp_kind", "vp_topic", "vp_partner", "vp_held_at"] {
            assert!(e.get(field).is_some(), "{field}");
        }
        let f = VpForm {
            vp_kind: "grant".into(),
            vp_hours: "0.1".into(),
            vp_amount: "-5".into(),
            vp_held_at: "2030-01-01T09:00".into(),
            ..vp()
        };
        let e = validate_vp(&f, NOW, Lang::En).unwrap_err();
        for field in ["vp_kind", "vp_hours", "vp_amount", "vp_held_at"] {
            assert!(e.get(field).is_some(), "{field}");
        }
        for k in VpKind::ALL {
            assert_eq!(VpKind::from_code(k.code()), Some(k));
        }
    }
}
