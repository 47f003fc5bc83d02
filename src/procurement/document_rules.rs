//! Pure rules of a tender's documents (issue 11): their types and states, the form that
//! attaches, replaces or withdraws one, and when a published tender's documents may change.
//! No I/O, no clock.

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;

use super::rules::{LATE_AMENDMENT_WINDOW, check_text};

code_enum! {
    /// What a document is, as an OCDS `documentType` code (open codelist).
    DocType => "tender.doc_type" {
        /// 招标文件 (the whole tender file, its forms included).
        BiddingDocuments = "biddingDocuments",
        /// 服务需求 / 技术规格.
        TechnicalSpecifications = "technicalSpecifications",
        /// 合同条款.
        ContractDraft = "contractDraft",
        /// 资格要求.
        EligibilityCriteria = "eligibilityCriteria",
        /// 评审标准.
        EvaluationCriteria = "evaluationCriteria",
        /// 澄清与修改.
        Clarifications = "clarifications",
    }
}

code_enum! {
    /// Where a version of a document is: listed as the one in force, or kept (still listed
    /// and downloadable) after an amendment replaced or withdrew it.
    DocState => "tender.doc_state" {
        /// In force.
        Current = "current",
        /// Replaced by a later version.
        Superseded = "superseded",
        /// Withdrawn by an amendment.
        Withdrawn = "withdrawn",
    }
}

/// Most documents in force on one tender at once.
pub const MAX_DOCUMENTS: usize = 20;

/// Shortest and longest amendment summary, in characters.
pub const SUMMARY_CHARS: (usize, usize) = (2, 500);

/// The document form as typed (multipart text fields; the file travels beside it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentForm {
    /// [`DocType`] code.
    pub doc_type: String,
    /// The id of the current document this file replaces (empty: a new document).
    pub replaces: String,
    /// What the amendment changes (published tenders only).
    pub summary: String,
}

/// A checked document change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocChange {
    /// Its type.
    pub doc_type: DocType,
    /// The current document it replaces.
    pub replaces: Option<i64>,
    /// The amendment's summary (empty for a draft).
    pub summary: String,
}

/// Checks the form: a known type, a replaced document among those in force (`current`),
/// and, on a published tender (`published`), the amendment's summary.
pub fn check_document_form(
    f: &DocumentForm,
    published: bool,
    current: &[i64],
    lang: Lang,
) -> Result<DocChange, FieldErrors> {
    let mut e = FieldErrors::default();
    let doc_type = DocType::parse(f.doc_type.trim());
    if doc_type.is_none() {
        e.add("doc_type", lang.t("form.choose"));
    }
    let replaces = match f.replaces.trim() {
        "" => None,
        s => match s.parse::<i64>().ok().filter(|id| current.contains(id)) {
            Some(id) => Some(id),
            None => {
                e.add("replaces", lang.t("tender.doc.err.replaces"));
                None
            }
        },
    };
    let summary = check_summary(&f.summary, published, lang).unwrap_or_else(|m| {
        e.add("summary", m);
        String::new()
    });
    e.into_result(DocChange {
        doc_type: doc_type.unwrap_or(DocType::BiddingDocuments),
        replaces,
        summary,
    })
}

/// The amendment summary a change of a published tender's documents needs (a draft's
/// changes are no amendment: empty).
pub fn check_summary(s: &str, published: bool, lang: Lang) -> Result<String, String> {
    if !published {
        return Ok(String::new());
    }
    check_text(s, SUMMARY_CHARS.0, SUMMARY_CHARS.1, lang)
}

/// Why a published tender's documents may not change now: the bid deadline has passed,
/// or it is so close that bidders could not react (the window within which an amendment
/// must also move the deadline: amend the deadline first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateChange {
    /// At or after the bid deadline.
    Closed,
    /// Within [`LATE_AMENDMENT_WINDOW`] of it.
    TooLate,
}

/// When a published tender's documents may change.
pub fn check_document_window(now: i64, bid_deadline: i64) -> Result<(), LateChange> {
    if now >= bid_deadline {
        Err(LateChange::Closed)
    } else if bid_deadline - now < LATE_AMENDMENT_WINDOW {
        Err(LateChange::TooLate)
    } else {
        Ok(())
    }
}

/// The instant a document became public: its upload, or the tender's publication for one
/// attached to the draft.
pub fn date_published(uploaded_at: i64, published_at: Option<i64>) -> i64 {
    match published_at {
        Some(p) => uploaded_at.max(p),
        None => uploaded_at,
    }
}

/// A size for people (kept here for the views that import it from the rules).
pub use crate::kernel::files::size_label;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procurement::rules::DAY;

    fn form(t: &str, r: &str, s: &str) -> DocumentForm {
        DocumentForm {
            doc_type: t.into(),
            replaces: r.into(),
            summary: s.into(),
        }
    }

    #[test]
    fn a_draft_needs_a_type_and_no_summary() {
        let c = check_document_form(&form("contractDraft", "", ""), false, &[], Lang::Zh).unwrap();
        assert_eq!(c.doc_type, DocType::ContractDraft);
        assert_eq!(c.replaces, None);
        assert_eq!(c.summary, "");
        let e = check_document_form(&form("nonsense", "", ""), false, &[], Lang::En).unwrap_err();
        assert!(e.get("doc_type").is_some());
    }

    #[test]
    fn a_published_change_needs_a_summary() {
        let e =
            check_document_form(&form("clarifications", "", " "), true, &[], Lang::Zh).unwrap_err();
        assert!(e.get("summary").is_some());
        let c = check_document_form(
            &form("clarifications", "", " 补充说明 "),
            true,
            &[],
            Lang::Zh,
        )
        .unwrap();
        assert_eq!(c.summary, "补充说明");
        let long = "长".repeat(SUMMARY_CHARS.1 + 1);
        assert!(
            check_document_form(&form("clarifications", "", &long), true, &[], Lang::Zh).is_err()
        );
    }

    #[test]
    fn only_a_document_in_force_is_replaced() {
        let ok = check_document_form(&form("biddingDocuments", "7", ""), false, &[3, 7], Lang::Zh)
            .unwrap();
        assert_eq!(ok.replaces, Some(7));
        for bad in ["8", "x", "-7", "0"] {
            let e =
                check_document_form(&form("biddingDocuments", bad, ""), false, &[3, 7], Lang::Zh)
                    .unwrap_err();
            assert!(e.get("replaces").is_some(), "{bad}");
        }
    }

    #[test]
    fn documents_change_only_well_before_the_deadline() {
        let deadline = 100 * DAY;
        assert_eq!(check_document_window(deadline - 3 * DAY, deadline), Ok(()));
        assert_eq!(
            check_document_window(deadline - LATE_AMENDMENT_WINDOW, deadline),
            Ok(())
        );
        assert_eq!(
            check_document_window(deadline - LATE_AMENDMENT_WINDOW + 1, deadline),
            Err(LateChange::TooLate)
        );
        assert_eq!(
            check_document_window(deadline, deadline),
            Err(LateChange::Closed)
        );
        assert_eq!(
            check_document_window(deadline + 1, deadline),
            Err(LateChange::Closed)
        );
    }

    #[test]
    fn a_draft_document_is_public_from_publication() {
        assert_eq!(date_published(10, Some(20)), 20);
        assert_eq!(date_published(30, Some(20)), 30);
        assert_eq!(date_published(10, None), 10);
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size_label(0), "0 B");
        assert_eq!(size_label(1023), "1023 B");
        assert_eq!(size_label(1024), "1.0 KB");
        assert_eq!(size_label(1536), "1.5 KB");
        assert_eq!(size_label(5 * 1024 * 1024), "5.0 MB");
    }

    #[test]
    fn codes_round_trip() {
        for t in DocType::ALL {
            assert_eq!(DocType::parse(t.code()), Some(*t));
        }
        for s in DocState::ALL {
            assert_eq!(DocState::parse(s.code()), Some(*s));
        }
    }
}
