//! Pure milestone rules: the kinds an incubator may list, which the platform sees by itself
//! (and the evidence it links), a milestone's status for a tenant, the order of a tenant's
//! timeline, and the validation of the forms. No I/O, no clock.

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};

/// The longest a custom milestone's words may be, in characters.
pub const LABEL: usize = 100;
/// The longest a confirmation's note may be, in characters.
pub const NOTE: usize = 500;

code_enum! {
    /// What a milestone is.
    MilestoneKind => "tenant_milestone.kind" {
        /// Registered as a social organization (seen in the registry).
        Registered = "registered",
        /// A government purchase contract signed by both sides (seen in `contracts`).
        FirstGovContract = "first_gov_contract",
        /// A project delivered: a completed contract (seen in `contracts`).
        FirstDelivered = "first_delivered",
        /// A rating grade obtained (seen in the registry).
        Rated = "rated",
        /// A rating of 3A or better (seen in the registry).
        Rated3A = "rated_3a",
        /// A first grant (venture philanthropy or a foundation): confirmed by a manager.
        FirstGrant = "first_grant",
        /// The incubator's own words: confirmed by a manager.
        Custom = "custom",
    }
}

impl MilestoneKind {
    /// Whether the platform decides it from its own data (the others a manager confirms).
    pub fn automatic(self) -> bool {
        !matches!(self, MilestoneKind::FirstGrant | MilestoneKind::Custom)
    }
}

/// What the platform knows about a tenant for its milestones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// The organization in the registry, if the tenant is a registered one.
    pub org: Option<i64>,
    /// Its first contract signed by both sides.
    pub signed_contract: Option<i64>,
    /// Its first completed contract and when it was completed.
    pub completed_contract: Option<(i64, i64)>,
    /// Its rating grade (1–5 A), if any.
    pub rating: Option<i16>,
}

/// A milestone's status for a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Met: seen by the platform (`confirmed_at` none) with a link to the evidence, or
    /// confirmed by a manager at `confirmed_at` (with the note).
    Met {
        /// Where the evidence is.
        evidence: Option<String>,
        /// When it was met, when known.
        at: Option<i64>,
        /// The manager's note (confirmed milestones).
        note: Option<String>,
    },
    /// Not met yet.
    Open,
}

/// The status of a milestone of `kind` for a tenant: automatic kinds from `facts`, the
/// others from the manager's confirmation (`confirmed`: when and the note).
pub fn status(kind: MilestoneKind, f: &Facts, confirmed: Option<(i64, &str)>) -> Status {
    use MilestoneKind as K;
    let org = |o: i64| Some(format!("/orgs/{o}"));
    let contract = |c: i64| Some(format!("/contracts/{c}"));
    let met = |evidence: Option<String>, at: Option<i64>| Status::Met {
        evidence,
        at,
        note: None,
    };
    match kind {
        K::Registered => match f.org {
            Some(o) => met(org(o), None),
            None => Status::Open,
        },
        K::FirstGovContract => match f.signed_contract {
            Some(c) => met(contract(c), None),
            None => Status::Open,
        },
        K::FirstDelivered => match f.completed_contract {
            Some((c, at)) => met(contract(c), Some(at)),
            None => Status::Open,
        },
        K::Rated => match (f.org, f.rating) {
            (Some(o), Some(_)) => met(org(o), None),
            _ => Status::Open,
        },
        K::Rated3A => match (f.org, f.rating) {
            (Some(o), Some(g)) if g >= 3 => met(org(o), None),
            _ => Status::Open,
        },
        K::FirstGrant | K::Custom => match confirmed {
            Some((at, note)) => Status::Met {
                evidence: None,
                at: Some(at),
                note: Some(note.to_string()),
            },
            None => Status::Open,
        },
    }
}

/// The order of a timeline: met milestones first, those with a date by date, then met
/// ones without a date, then open ones — each group in list order (`i`, the index in the
/// incubator's list).
pub fn timeline_key(i: usize, s: &Status) -> (u8, i64, usize) {
    match s {
        Status::Met { at: Some(at), .. } => (0, *at, i),
        Status::Met { at: None, .. } => (1, 0, i),
        Status::Open => (2, 0, i),
    }
}

/// A milestone to add to the list, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MilestoneForm {
    /// Kind code.
    #[serde(default)]
    pub kind: String,
    /// Words (custom milestones).
    #[serde(default)]
    pub label: String,
}

/// Validates a milestone to add: a known kind, not already listed (custom ones may repeat
/// with other words), and 2 to [`LABEL`] characters of words for a custom one.
pub fn validate_milestone(
    f: &MilestoneForm,
    listed: &[MilestoneKind],
    lang: Lang,
) -> Result<(MilestoneKind, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let kind = MilestoneKind::parse(f.kind.trim());
    match kind {
        None => e.add("kind", lang.t("tenant_milestone.err.kind")),
        Some(k) if k != MilestoneKind::Custom && listed.contains(&k) => {
            e.add("kind", lang.t("tenant_milestone.err.listed"))
        }
        _ => {}
    }
    let label = f.label.trim();
    let custom = kind == Some(MilestoneKind::Custom);
    if text::check(&mut e, "label", &f.label, Kind::Line, LABEL, lang)
        && custom
        && label.chars().count() < 2
    {
        e.add("label", lang.t("tenant_milestone.err.label"));
    }
    match kind {
        Some(k) => e.into_result((
            k,
            if custom {
                label.to_string()
            } else {
                String::new()
            },
        )),
        None => Err(e),
    }
}

/// A manager's confirmation, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ConfirmForm {
    /// The milestone's id.
    #[serde(default)]
    pub milestone_id: String,
    /// A note (what was achieved, where the evidence is).
    #[serde(default)]
    pub note: String,
}

/// Validates a confirmation: one of `confirmable` (the incubator's milestones a manager
/// confirms) and a note of at most [`NOTE`] characters.
pub fn validate_confirm(
    f: &ConfirmForm,
    confirmable: &[i64],
    lang: Lang,
) -> Result<(i64, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let id = f
        .milestone_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| confirmable.contains(id));
    if id.is_none() {
        e.add("milestone_id", lang.t("tenant_milestone.err.milestone"));
    }
    text::check(&mut e, "note", &f.note, Kind::Multi, NOTE, lang);
    match id {
        Some(id) => e.into_result((id, f.note.trim().to_string())),
        None => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MilestoneKind as K;

    fn full() -> Facts {
        Facts {
            org: Some(7),
            signed_contract: Some(11),
            completed_contract: Some((12, 1_800_000_000)),
            rating: Some(3),
        }
    }

    #[test]
    fn only_grants_and_custom_milestones_are_confirmed_by_hand() {
        let manual: Vec<K> = K::ALL.iter().copied().filter(|k| !k.automatic()).collect();
        assert_eq!(manual, vec![K::FirstGrant, K::Custom]);
    }

    #[test]
    fn automatic_milestones_link_their_evidence() {
        let f = full();
        let link = |k: K| match status(k, &f, None) {
            Status::Met { evidence, .. } => evidence,
            Status::Open => panic!("{k:?} open"),
        };
        assert_eq!(link(K::Registered).as_deref(), Some("/orgs/7"));
        assert_eq!(link(K::FirstGovContract).as_deref(), Some("/contracts/11"));
        assert_eq!(link(K::FirstDelivered).as_deref(), Some("/contracts/12"));
        assert_eq!(link(K::Rated).as_deref(), Some("/orgs/7"));
        assert_eq!(link(K::Rated3A).as_deref(), Some("/orgs/7"));
        assert!(matches!(
            status(K::FirstDelivered, &f, None),
            Status::Met {
                at: Some(1_800_000_000),
                ..
            }
        ));
    }

    #[test]
    fn automatic_milestones_are_open_without_their_fact_and_ignore_confirmations() {
        let none = Facts::default();
        for k in K::ALL.iter().copied().filter(|k| k.automatic()) {
            assert_eq!(
                status(k, &none, Some((1, "手工确认"))),
                Status::Open,
                "{k:?}"
            );
        }
        let two_a = Facts {
            rating: Some(2),
            ..full()
        };
        assert!(matches!(status(K::Rated, &two_a, None), Status::Met { .. }));
        assert_eq!(status(K::Rated3A, &two_a, None), Status::Open);
        // A rating without a registered organization is nobody's.
        let orphan = Facts {
            org: None,
            ..full()
        };
        assert_eq!(status(K::Rated, &orphan, None), Status::Open);
    }

    #[test]
    fn manual_milestones_are_met_once_confirmed() {
        for k in [K::FirstGrant, K::Custom] {
            assert_eq!(status(k, &full(), None), Status::Open);
            assert_eq!(
                status(k, &Facts::default(), Some((5, "获得公益创投资助"))),
                Status::Met {
                    evidence: None,
                    at: Some(5),
                    note: Some("获得公益创投资助".into())
                }
            );
        }
    }

    #[test]
    fn the_timeline_puts_dated_then_undated_met_milestones_before_open_ones() {
        let met = |at| Status::Met {
            evidence: None,
            at,
            note: None,
        };
        let mut items = [
            (0, Status::Open),
            (1, met(None)),
            (2, met(Some(20))),
            (3, met(Some(10))),
            (4, Status::Open),
        ];
        items.sort_by_key(|(i, s)| timeline_key(*i, s));
        let order: Vec<usize> = items.iter().map(|(i, _)| *i).collect();
        assert_eq!(order, vec![3, 2, 1, 0, 4]);
    }

    #[test]
    fn a_milestone_is_a_known_kind_listed_once_custom_ones_with_words() {
        let f = |k: &str, l: &str| MilestoneForm {
            kind: k.into(),
            label: l.into(),
        };
        assert_eq!(
            validate_milestone(&f("rated_3a", "ignored"), &[K::Registered], Lang::En),
            Ok((K::Rated3A, String::new()))
        );
        let e = validate_milestone(&f("registered", ""), &[K::Registered], Lang::En).unwrap_err();
        assert!(e.get("kind").is_some());
        let e = validate_milestone(&f("promoted", ""), &[], Lang::En).unwrap_err();
        assert!(e.get("kind").is_some());
        assert_eq!(
            validate_milestone(&f("custom", " 建立理事会 "), &[K::Custom], Lang::En),
            Ok((K::Custom, "建立理事会".into()))
        );
        let e = validate_milestone(&f("custom", "x"), &[], Lang::En).unwrap_err();
        assert!(e.get("label").is_some());
        let long = "很".repeat(LABEL + 1);
        let e = validate_milestone(&f("custom", &long), &[], Lang::En).unwrap_err();
        assert!(e.get("label").is_some());
    }

    #[test]
    fn a_confirmation_names_a_confirmable_milestone() {
        let f = |id: &str, n: &str| ConfirmForm {
            milestone_id: id.into(),
            note: n.into(),
        };
        assert_eq!(
            validate_confirm(&f("4", " 区民政局资助五万元 "), &[4, 5], Lang::En),
            Ok((4, "区民政局资助五万元".into()))
        );
        for bad in ["", "6", "x", "-4"] {
            let e = validate_confirm(&f(bad, ""), &[4, 5], Lang::En).unwrap_err();
            assert!(e.get("milestone_id").is_some(), "{bad}");
        }
        let long = "很".repeat(NOTE + 1);
        let e = validate_confirm(&f("4", &long), &[4], Lang::En).unwrap_err();
        assert!(e.get("note").is_some());
    }
}
