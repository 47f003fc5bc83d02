//! Pure rules of the services log: trainings (topic, trainer, when, hours) with the tenants
//! who attended, one-to-one guidance (mentor, topic, when, hours, notes private to the
//! incubator and the tenant), the validation of both forms and the order of a tenant's
//! timeline. No I/O, no clock (`now` is passed in).

use crate::kernel::Lang;
use crate::kernel::clock::parse_local;
use crate::kernel::error::FieldErrors;
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
    held_at: &str,
    hours: &str,
    now: i64,
    lang: Lang,
) -> (i64, i32) {
    let at = match parse_local(held_at) {
        Some(t) if t <= now => t,
        Some(_) => {
            e.add("held_at", lang.t("services.err.future"));
            0
        }
        None => {
            e.add("held_at", lang.t("services.err.held_at"));
            0
        }
    };
    let minutes = parse_hours(hours).unwrap_or_else(|| {
        e.add("hours", lang.t("services.err.hours"));
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
    let (held_at, minutes) = when_and_how_long(&mut e, &f.held_at, &f.hours, now, lang);
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
    let (held_at, minutes) = when_and_how_long(&mut e, &f.held_at, &f.hours, now, lang);
    text::check(&mut e, "notes", &f.notes, Kind::Multi, limits::NOTES, lang);
    e.into_result(GuidanceDraft {
        mentor,
        topic,
        held_at,
        minutes,
        notes: f.notes.trim().to_string(),
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
}
