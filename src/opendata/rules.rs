//! Pure OCDS 1.1.5 logic: the facts a room hands over at an event, the release they make,
//! the merge that compiles a record, the packages, and the exact CNY amounts. No I/O, no
//! clock: every instant comes in as Unix seconds.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::kernel::codes::code_enum;

/// The OCDS version the packages declare (the schema is 1.1.5; packages say "1.1").
pub const OCDS_VERSION: &str = "1.1";

/// The bids extension (statistics and details of the bids after opening), declared in every
/// package so validators know the `bids` field.
pub const BIDS_EXTENSION: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json";

/// The licence of the published data.
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

/// The default ocid prefix: clearly a test prefix, not one registered with the Open
/// Contracting Partnership (a deployment sets `CIVICBRIDGE_OCDS_PREFIX`).
pub const DEFAULT_OCID_PREFIX: &str = "ocds-cbtest";

/// How a deployment publishes: its ocid prefix, the scheme of organization identifiers, its
/// name as publisher and the public address of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdsSettings {
    /// `ocds-` and six letters or digits, as registered with the OCP.
    pub ocid_prefix: String,
    /// The org-id.guide scheme of the USCC (统一社会信用代码).
    pub scheme: String,
    /// The publisher's name.
    pub publisher: String,
    /// The site's public address without a trailing slash (package and release URLs).
    pub base_url: String,
}

impl Default for OcdsSettings {
    fn default() -> Self {
        OcdsSettings {
            ocid_prefix: DEFAULT_OCID_PREFIX.to_string(),
            scheme: "CN-USC".to_string(),
            publisher: "CivicBridge 社会组织服务对接平台（测试）".to_string(),
            base_url: "http://127.0.0.1:8080".to_string(),
        }
    }
}

/// Whether `s` is an ocid prefix: `ocds-` and six lowercase letters or digits.
pub fn valid_prefix(s: &str) -> bool {
    s.strip_prefix("ocds-").is_some_and(|rest| {
        rest.len() == 6
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// The ocid of a tender.
pub fn ocid(prefix: &str, tender_id: i64) -> String {
    format!("{prefix}-tender-{tender_id}")
}

code_enum! {
    /// The event a release reports (OCDS `releaseTag`).
    Tag {
        /// The tender was published.
        Tender = "tender",
        /// Its deadlines were amended.
        TenderAmendment = "tenderAmendment",
        /// The bids were opened (statistics, tenderers; unsuccessful when too few).
        TenderUpdate = "tenderUpdate",
        /// The tender was cancelled.
        TenderCancellation = "tenderCancellation",
        /// The award notice was published.
        Award = "award",
        /// Both sides signed the contract.
        Contract = "contract",
        /// A milestone was met, a payment recorded, or the contract completed.
        Implementation = "implementation",
        /// The contract was terminated early.
        ContractTermination = "contractTermination",
    }
}

// ---------------------------------------------------------------------------------------
// Facts: what the owning rooms pass at an event (opendata never reads their tables).

/// An organization as the public knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFacts {
    /// Our id.
    pub id: i64,
    /// Registered name.
    pub name: String,
    /// 统一社会信用代码.
    pub uscc: String,
}

/// A bid as read at opening. Only ever built after opening (sealed before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidFacts {
    /// Bid id.
    pub id: i64,
    /// The bidder.
    pub org: OrgFacts,
    /// The opened price.
    pub price_fen: i64,
    /// When it was submitted.
    pub submitted_at: i64,
    /// Disqualified at evaluation.
    pub disqualified: bool,
}

/// The award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardFacts {
    /// Award id.
    pub id: i64,
    /// The winner.
    pub supplier: OrgFacts,
    /// Awarded value.
    pub value_fen: i64,
    /// When the award notice was published.
    pub awarded_at: i64,
    /// End of the standstill.
    pub standstill_ends_at: i64,
}

/// A published amendment of the deadlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentFacts {
    /// Amendment id.
    pub id: i64,
    /// When.
    pub at: i64,
    /// The buyer's summary.
    pub summary: String,
    /// Previous bid deadline.
    pub old_bid_deadline: i64,
    /// New bid deadline.
    pub new_bid_deadline: i64,
}

/// A version of a tender's document, public since the tender's publication or its upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFacts {
    /// Document (version) id.
    pub id: i64,
    /// OCDS `documentType` code.
    pub doc_type: String,
    /// The file's name.
    pub title: String,
    /// Its version number (1 for the first).
    pub version: i32,
    /// `current`, `superseded` or `withdrawn`.
    pub state: String,
    /// Media type.
    pub mime: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// When it became public.
    pub published_at: i64,
    /// When it was superseded or withdrawn.
    pub ended_at: Option<i64>,
}

/// The state of a contract as OCDS knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractStatus {
    /// Awaiting signatures.
    Pending,
    /// Signed by both sides.
    Active,
    /// Fulfilled (OCDS: terminated, the contract has come to a close).
    Completed,
    /// Ended early after signing.
    Terminated,
    /// Ended before it was signed.
    Cancelled,
}

/// A contract milestone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneFacts {
    /// Milestone id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Its amount.
    pub amount_fen: i64,
    /// Accepted by the buyer (and perhaps paid).
    pub met: bool,
    /// When it was accepted.
    pub met_at: Option<i64>,
}

/// A payment recorded against a milestone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFacts {
    /// Payment id.
    pub id: i64,
    /// Amount.
    pub amount_fen: i64,
    /// The day paid, `YYYY-MM-DD`.
    pub paid_on: String,
    /// When it was recorded.
    pub at: i64,
}

/// The contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFacts {
    /// Contract id.
    pub id: i64,
    /// Status.
    pub status: ContractStatus,
    /// Value.
    pub value_fen: i64,
    /// When the second signature made it active.
    pub signed_at: Option<i64>,
    /// When it ended (completed or terminated).
    pub ended_at: Option<i64>,
    /// The public reason of an early termination.
    pub termination_reason: Option<String>,
    /// Milestones in order.
    pub milestones: Vec<MilestoneFacts>,
    /// Payments in order.
    pub payments: Vec<PaymentFacts>,
}

/// Everything public about a tender at the instant of an event. `bids` is `None` until the
/// opening: the type is how no sealed content reaches a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenderFacts {
    /// Tender id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Service domain code.
    pub domain: String,
    /// Its Chinese name.
    pub domain_label: String,
    /// The purchasing unit (buyer and procuring entity).
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Budget.
    pub budget_fen: i64,
    /// Our method code (`open_tender`, …).
    pub method: String,
    /// Its Chinese name.
    pub method_label: String,
    /// Our evaluation method code (`lowest_price`, `comprehensive`).
    pub eval_method: String,
    /// Its Chinese name.
    pub eval_label: String,
    /// OCDS tender status (`active`, `complete`, `cancelled`, `unsuccessful`).
    pub status: String,
    /// Why it was cancelled or failed.
    pub state_reason: String,
    /// Published at.
    pub published_at: i64,
    /// Enquiry deadline.
    pub enquiry_deadline: i64,
    /// Bid deadline.
    pub bid_deadline: i64,
    /// Contract length in months.
    pub contract_months: i16,
    /// Amendments, oldest first.
    pub amendments: Vec<AmendmentFacts>,
    /// Every published version of the tender's documents, oldest first.
    pub documents: Vec<DocumentFacts>,
    /// Opened bids; `None` before opening.
    pub bids: Option<Vec<BidFacts>>,
    /// The award, once made.
    pub award: Option<AwardFacts>,
    /// The contract, once created at the award.
    pub contract: Option<ContractFacts>,
}

// ---------------------------------------------------------------------------------------
// Amounts

/// A CNY amount: integer fen written as an exact decimal JSON number (`12345` fen →
/// `123.45`). The number is produced from its decimal text, and every amount below 10^15
/// fen has at most 15 significant digits, so it reads back as exactly that decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Yuan(pub i64);

impl Yuan {
    /// The decimal text, e.g. `-0.05`, `1234.5`, `100`.
    pub fn decimal(self) -> String {
        let neg = self.0 < 0;
        let a = self.0.unsigned_abs();
        let (whole, cents) = (a / 100, a % 100);
        let sign = if neg { "-" } else { "" };
        match cents {
            0 => format!("{sign}{whole}"),
            c if c % 10 == 0 => format!("{sign}{whole}.{}", c / 10),
            c => format!("{sign}{whole}.{c:02}"),
        }
    }
}

impl Serialize for Yuan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n: f64 = self.decimal().parse().map_err(serde::ser::Error::custom)?;
        if self.0 % 100 == 0 {
            s.serialize_i64(self.0 / 100)
        } else {
            s.serialize_f64(n)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Release, typed

/// An OCDS value.
#[derive(Debug, Clone, Serialize)]
pub struct Value_ {
    /// Amount in yuan.
    pub amount: Yuan,
    /// Always CNY.
    pub currency: &'static str,
}

fn cny(fen: i64) -> Value_ {
    Value_ {
        amount: Yuan(fen),
        currency: "CNY",
    }
}

/// An organization identifier.
#[derive(Debug, Clone, Serialize)]
pub struct Identifier {
    /// Scheme (org-id.guide list code).
    pub scheme: String,
    /// The USCC.
    pub id: String,
    /// Registered name.
    #[serde(rename = "legalName")]
    pub legal_name: String,
}

/// A party.
#[derive(Debug, Clone, Serialize)]
pub struct Party {
    /// Party id within the process.
    pub id: String,
    /// Name.
    pub name: String,
    /// Registry identifier (organizations with a USCC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    /// Roles.
    pub roles: Vec<&'static str>,
}

/// A reference to a party.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OrgRef {
    /// Party id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A period.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Period {
    /// Start.
    #[serde(rename = "startDate", skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// End.
    #[serde(rename = "endDate", skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Length in days.
    #[serde(rename = "durationInDays", skip_serializing_if = "Option::is_none")]
    pub duration_in_days: Option<i64>,
}

/// A classification.
#[derive(Debug, Clone, Serialize)]
pub struct Classification {
    /// Scheme.
    pub scheme: &'static str,
    /// Code.
    pub id: String,
    /// Name.
    pub description: String,
}

/// An item purchased.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Item id.
    pub id: String,
    /// What.
    pub description: String,
    /// By service domain.
    pub classification: Classification,
}

/// A tender amendment.
#[derive(Debug, Clone, Serialize)]
pub struct Amendment {
    /// Amendment id.
    pub id: String,
    /// When.
    pub date: String,
    /// Why (the buyer's summary).
    pub rationale: String,
    /// What changed.
    pub description: String,
}

/// The tender section.
#[derive(Debug, Clone, Serialize)]
pub struct Tender {
    /// Tender id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Status.
    pub status: String,
    /// The procuring entity.
    #[serde(rename = "procuringEntity")]
    pub procuring_entity: OrgRef,
    /// Items.
    pub items: Vec<Item>,
    /// Budget.
    pub value: Value_,
    /// OCDS method.
    #[serde(rename = "procurementMethod")]
    pub procurement_method: &'static str,
    /// Our method in Chinese.
    #[serde(rename = "procurementMethodDetails")]
    pub procurement_method_details: String,
    /// Always services.
    #[serde(rename = "mainProcurementCategory")]
    pub main_procurement_category: &'static str,
    /// OCDS award criteria.
    #[serde(rename = "awardCriteria")]
    pub award_criteria: &'static str,
    /// Our evaluation method in Chinese.
    #[serde(rename = "awardCriteriaDetails")]
    pub award_criteria_details: String,
    /// Electronic submission.
    #[serde(rename = "submissionMethod")]
    pub submission_method: Vec<&'static str>,
    /// Publication to bid deadline.
    #[serde(rename = "tenderPeriod")]
    pub tender_period: Period,
    /// Publication to enquiry deadline.
    #[serde(rename = "enquiryPeriod")]
    pub enquiry_period: Period,
    /// Contract length.
    #[serde(rename = "contractPeriod")]
    pub contract_period: Period,
    /// After opening only.
    #[serde(rename = "numberOfTenderers", skip_serializing_if = "Option::is_none")]
    pub number_of_tenderers: Option<usize>,
    /// After opening only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenderers: Option<Vec<OrgRef>>,
    /// Amendments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
    /// Documents, every published version (a replaced or withdrawn one says so).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
}

/// A tender document.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// `doc-<id>`, one per version.
    pub id: String,
    /// OCDS documentType code.
    #[serde(rename = "documentType")]
    pub document_type: String,
    /// The file's name.
    pub title: String,
    /// Version, size, SHA-256 and, once replaced or withdrawn, that fact.
    pub description: String,
    /// Where to download it.
    pub url: String,
    /// When it became public.
    #[serde(rename = "datePublished")]
    pub date_published: String,
    /// When it was replaced or withdrawn.
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    pub date_modified: Option<String>,
    /// Media type.
    pub format: String,
    /// `zh`.
    pub language: &'static str,
}

/// A bids statistic (bids extension).
#[derive(Debug, Clone, Serialize)]
pub struct Statistic {
    /// Id.
    pub id: String,
    /// `bids`, `validBids`, `disqualifiedBids`.
    pub measure: &'static str,
    /// Count.
    pub value: usize,
}

/// One bid (bids extension).
#[derive(Debug, Clone, Serialize)]
pub struct BidDetail {
    /// Id.
    pub id: String,
    /// Submitted at.
    pub date: String,
    /// `valid` or `disqualified`.
    pub status: &'static str,
    /// The bidder.
    pub tenderers: Vec<OrgRef>,
    /// The opened price.
    pub value: Value_,
}

/// The bids section (extension), after opening only.
#[derive(Debug, Clone, Serialize)]
pub struct Bids {
    /// Counts.
    pub statistics: Vec<Statistic>,
    /// Each bid.
    pub details: Vec<BidDetail>,
}

/// An award.
#[derive(Debug, Clone, Serialize)]
pub struct Award {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Status.
    pub status: &'static str,
    /// The award notice's date.
    pub date: String,
    /// Value.
    pub value: Value_,
    /// The winner.
    pub suppliers: Vec<OrgRef>,
}

/// A milestone.
#[derive(Debug, Clone, Serialize)]
pub struct Milestone {
    /// Id.
    pub id: String,
    /// Name.
    pub title: String,
    /// `delivery`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its amount, in words (OCDS 1.1 milestones have no value field).
    pub description: String,
    /// `scheduled` or `met`.
    pub status: &'static str,
    /// When it was met.
    #[serde(rename = "dateMet", skip_serializing_if = "Option::is_none")]
    pub date_met: Option<String>,
}

/// A payment.
#[derive(Debug, Clone, Serialize)]
pub struct Transaction {
    /// Id.
    pub id: String,
    /// Paid on (midnight Asia/Shanghai of the day).
    pub date: String,
    /// Amount.
    pub value: Value_,
    /// The buyer.
    pub payer: OrgRef,
    /// The supplier.
    pub payee: OrgRef,
}

/// Implementation.
#[derive(Debug, Clone, Serialize)]
pub struct Implementation {
    /// Payments.
    pub transactions: Vec<Transaction>,
}

/// A contract.
#[derive(Debug, Clone, Serialize)]
pub struct Contract {
    /// Id.
    pub id: String,
    /// The award it comes from.
    #[serde(rename = "awardID")]
    pub award_id: String,
    /// Title.
    pub title: String,
    /// The termination reason, when ended early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Status.
    pub status: &'static str,
    /// Signed to end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Value.
    pub value: Value_,
    /// Signed at.
    #[serde(rename = "dateSigned", skip_serializing_if = "Option::is_none")]
    pub date_signed: Option<String>,
    /// Milestones.
    pub milestones: Vec<Milestone>,
    /// Payments.
    pub implementation: Implementation,
}

/// An OCDS release.
#[derive(Debug, Clone, Serialize)]
pub struct Release {
    /// Process id.
    pub ocid: String,
    /// Release id (`<ocid>-<seq>-<tag>`, no `#`).
    pub id: String,
    /// The event's instant.
    pub date: String,
    /// The event.
    pub tag: Vec<&'static str>,
    /// Always `tender`.
    #[serde(rename = "initiationType")]
    pub initiation_type: &'static str,
    /// Chinese.
    pub language: &'static str,
    /// Parties.
    pub parties: Vec<Party>,
    /// The buyer.
    pub buyer: OrgRef,
    /// The tender.
    pub tender: Tender,
    /// After opening.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bids: Option<Bids>,
    /// After the award.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    /// After the award.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
}

/// RFC 3339 in Asia/Shanghai (`+08:00`), as the rest of the API writes instants.
pub fn iso(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(crate::kernel::clock::SHANGHAI)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Midnight Asia/Shanghai of a `YYYY-MM-DD` day (a payment's day).
fn day_iso(day: &str) -> String {
    format!("{day}T00:00:00+08:00")
}

/// The OCDS method of our procurement method.
pub fn ocds_method(method: &str) -> &'static str {
    match method {
        "open_tender" => "open",
        "invitation" => "selective",
        "single_source" => "direct",
        // 竞争性谈判/磋商 and 询价: the unit chooses whom to ask (or a panel does).
        _ => "limited",
    }
}

/// The OCDS award criteria of our evaluation method.
pub fn ocds_award_criteria(eval: &str) -> &'static str {
    match eval {
        "lowest_price" => "priceOnly",
        _ => "ratedCriteria",
    }
}

/// The party id prefix of a purchasing unit (they have no registry identifier here).
const UNIT_PARTY: &str = "CN-CB-UNIT-";

/// Our unit id from a unit's party id (`CN-CB-UNIT-3` → 3).
pub fn unit_id_of_party(id: &str) -> Option<i64> {
    id.strip_prefix(UNIT_PARTY)?.parse().ok()
}

fn unit_ref(t: &TenderFacts) -> OrgRef {
    OrgRef {
        id: format!("{UNIT_PARTY}{}", t.unit_id),
        name: t.unit_name.clone(),
    }
}

fn org_ref(s: &OcdsSettings, o: &OrgFacts) -> OrgRef {
    OrgRef {
        id: format!("{}-{}", s.scheme, o.uscc),
        name: o.name.clone(),
    }
}

/// Builds the release of an event from the facts at that instant.
pub fn release(s: &OcdsSettings, f: &TenderFacts, tag: Tag, seq: i64, at: i64) -> Release {
    let ocid = ocid(&s.ocid_prefix, f.id);
    let buyer = unit_ref(f);
    let mut parties = vec![Party {
        id: buyer.id.clone(),
        name: buyer.name.clone(),
        identifier: None,
        roles: vec!["buyer", "procuringEntity"],
    }];
    let mut add_party = |o: &OrgFacts, role: &'static str| {
        let r = org_ref(s, o);
        if let Some(p) = parties.iter_mut().find(|p| p.id == r.id) {
            if !p.roles.contains(&role) {
                p.roles.push(role);
            }
        } else {
            parties.push(Party {
                id: r.id,
                name: r.name,
                identifier: Some(Identifier {
                    scheme: s.scheme.clone(),
                    id: o.uscc.clone(),
                    legal_name: o.name.clone(),
                }),
                roles: vec![role],
            });
        }
    };
    let mut tenderers: Option<Vec<OrgRef>> = None;
    let bids = f.bids.as_ref().map(|bids| {
        let mut refs: Vec<OrgRef> = Vec::new();
        for b in bids {
            add_party(&b.org, "tenderer");
            let r = org_ref(s, &b.org);
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
        tenderers = Some(refs);
        let disq = bids.iter().filter(|b| b.disqualified).count();
        Bids {
            statistics: vec![
                Statistic {
                    id: "bids".into(),
                    measure: "bids",
                    value: bids.len(),
                },
                Statistic {
                    id: "validBids".into(),
                    measure: "validBids",
                    value: bids.len() - disq,
                },
                Statistic {
                    id: "disqualifiedBids".into(),
                    measure: "disqualifiedBids",
                    value: disq,
                },
            ],
            details: bids
                .iter()
                .map(|b| BidDetail {
                    id: format!("bid-{}", b.id),
                    date: iso(b.submitted_at),
                    status: if b.disqualified {
                        "disqualified"
                    } else {
                        "valid"
                    },
                    tenderers: vec![org_ref(s, &b.org)],
                    value: cny(b.price_fen),
                })
                .collect(),
        }
    });
    let awards: Vec<Award> = f
        .award
        .iter()
        .map(|a| {
            add_party(&a.supplier, "supplier");
            Award {
                id: format!("award-{}", a.id),
                title: f.title.clone(),
                status: "active",
                date: iso(a.awarded_at),
                value: cny(a.value_fen),
                suppliers: vec![org_ref(s, &a.supplier)],
            }
        })
        .collect();
    let contracts: Vec<Contract> = match (&f.award, &f.contract) {
        (Some(a), Some(c)) => {
            let payee = org_ref(s, &a.supplier);
            vec![Contract {
                id: format!("contract-{}", c.id),
                award_id: format!("award-{}", a.id),
                title: f.title.clone(),
                description: c
                    .termination_reason
                    .as_ref()
                    .filter(|_| {
                        matches!(
                            c.status,
                            ContractStatus::Terminated | ContractStatus::Cancelled
                        )
                    })
                    .map(|r| format!("提前终止：{r}")),
                status: match c.status {
                    ContractStatus::Pending => "pending",
                    ContractStatus::Active => "active",
                    ContractStatus::Completed | ContractStatus::Terminated => "terminated",
                    ContractStatus::Cancelled => "cancelled",
                },
                period: c.signed_at.map(|start| Period {
                    start_date: Some(iso(start)),
                    end_date: c.ended_at.map(iso),
                    duration_in_days: None,
                }),
                value: cny(c.value_fen),
                date_signed: c.signed_at.map(iso),
                milestones: c
                    .milestones
                    .iter()
                    .map(|m| Milestone {
                        id: format!("milestone-{}", m.id),
                        title: m.name.clone(),
                        kind: "delivery",
                        description: format!("付款节点金额 {} 元", Yuan(m.amount_fen).decimal()),
                        status: if m.met { "met" } else { "scheduled" },
                        date_met: m.met_at.filter(|_| m.met).map(iso),
                    })
                    .collect(),
                implementation: Implementation {
                    transactions: c
                        .payments
                        .iter()
                        .map(|p| Transaction {
                            id: format!("payment-{}", p.id),
                            date: day_iso(&p.paid_on),
                            value: cny(p.amount_fen),
                            payer: buyer.clone(),
                            payee: payee.clone(),
                        })
                        .collect(),
                },
            }]
        }
        _ => vec![],
    };
    let tender = Tender {
        id: format!("tender-{}", f.id),
        title: f.title.clone(),
        description: f.description.clone(),
        status: f.status.clone(),
        procuring_entity: buyer.clone(),
        items: vec![Item {
            id: "1".into(),
            description: f.title.clone(),
            classification: Classification {
                scheme: "X-CIVICBRIDGE-DOMAIN",
                id: f.domain.clone(),
                description: f.domain_label.clone(),
            },
        }],
        value: cny(f.budget_fen),
        procurement_method: ocds_method(&f.method),
        procurement_method_details: f.method_label.clone(),
        main_procurement_category: "services",
        award_criteria: ocds_award_criteria(&f.eval_method),
        award_criteria_details: f.eval_label.clone(),
        submission_method: vec!["electronicSubmission"],
        tender_period: Period {
            start_date: Some(iso(f.published_at)),
            end_date: Some(iso(f.bid_deadline)),
            duration_in_days: None,
        },
        enquiry_period: Period {
            start_date: Some(iso(f.published_at)),
            end_date: Some(iso(f.enquiry_deadline)),
            duration_in_days: None,
        },
        contract_period: Period {
            start_date: None,
            end_date: None,
            duration_in_days: Some(i64::from(f.contract_months) * 30),
        },
        number_of_tenderers: tenderers.as_ref().map(Vec::len),
        tenderers,
        amendments: f
            .amendments
            .iter()
            .map(|a| Amendment {
                id: format!("amendment-{}", a.id),
                date: iso(a.at),
                rationale: a.summary.clone(),
                description: if a.old_bid_deadline == a.new_bid_deadline {
                    // A change of the documents only (see `tender.documents`).
                    "招标文件变更，投标截止时间不变".to_string()
                } else {
                    format!(
                        "投标截止时间由 {} 改为 {}",
                        iso(a.old_bid_deadline),
                        iso(a.new_bid_deadline)
                    )
                },
            })
            .collect(),
        documents: f.documents.iter().map(|d| document(s, f.id, d)).collect(),
    };
    Release {
        id: format!("{ocid}-{seq}-{}", tag.code()),
        ocid,
        date: iso(at),
        tag: vec![tag.code()],
        initiation_type: "tender",
        language: "zh",
        parties,
        buyer,
        tender,
        bids,
        awards,
        contracts,
    }
}

/// A document version of tender `tender_id` in OCDS terms; its URL is the public download.
fn document(s: &OcdsSettings, tender_id: i64, d: &DocumentFacts) -> Document {
    let mut description = format!("第 {} 版，{} 字节，SHA-256 {}", d.version, d.size, d.sha256);
    match d.state.as_str() {
        "superseded" => description.push_str("；已被新版本取代"),
        "withdrawn" => description.push_str("；已撤回"),
        _ => {}
    }
    Document {
        id: format!("doc-{}", d.id),
        document_type: d.doc_type.clone(),
        title: d.title.clone(),
        description,
        url: format!("{}/tenders/{tender_id}/documents/{}", s.base_url, d.id),
        date_published: iso(d.published_at),
        date_modified: d.ended_at.map(iso),
        format: d.mime.clone(),
        language: "zh",
    }
}

// ---------------------------------------------------------------------------------------
// Records: the OCDS merge

/// Merges a release into a compiled release by the OCDS merge rules for the fields we emit:
/// objects merge field by field, arrays of objects that all carry an `id` merge element by
/// `id` (new ids appended in order), any other array or value replaces, `null` removes.
pub fn merge(into: &mut Map<String, Value>, release: &Map<String, Value>) {
    for (k, v) in release {
        match v {
            Value::Null => {
                into.remove(k);
            }
            Value::Object(o) => {
                let slot = into
                    .entry(k.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                if let Value::Object(m) = slot {
                    merge(m, o);
                }
            }
            Value::Array(items) if is_identified(items) => {
                let slot = into
                    .entry(k.clone())
                    .or_insert_with(|| Value::Array(vec![]));
                if !matches!(slot, Value::Array(a) if is_identified(a)) {
                    *slot = Value::Array(vec![]);
                }
                if let Value::Array(existing) = slot {
                    for item in items {
                        let id = &item["id"];
                        match existing.iter_mut().find(|e| &e["id"] == id) {
                            Some(Value::Object(e)) => {
                                if let Value::Object(o) = item {
                                    merge(e, o);
                                }
                            }
                            _ => existing.push(item.clone()),
                        }
                    }
                }
            }
            other => {
                into.insert(k.clone(), other.clone());
            }
        }
    }
}

fn is_identified(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|i| i.as_object().is_some_and(|o| o.contains_key("id")))
}

/// A linked release in a record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReleaseLink {
    /// Where the release is (`/api/v1/ocds/releases/{id}`).
    pub url: String,
    /// Its date (RFC 3339).
    #[schema(format = DateTime)]
    pub date: String,
    /// Its tag (OCDS `releaseTag`: `tender`, `tenderAmendment`, `award`, …).
    pub tag: Vec<String>,
}

/// An OCDS 1.1.5 record: the process's linked releases and the compiled release.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Record {
    /// Process id (`<prefix>-tender-<id>`).
    pub ocid: String,
    /// The releases, oldest first.
    pub releases: Vec<ReleaseLink>,
    /// The merge of all of them: an OCDS 1.1.5 release tagged `compiled`
    /// (https://standard.open-contracting.org/1.1/en/schema/release/).
    #[serde(rename = "compiledRelease")]
    #[schema(value_type = Object)]
    pub compiled_release: Value,
}

/// Compiles a record from a process's releases, oldest first (at least one).
pub fn compile(s: &OcdsSettings, releases: &[Value]) -> Option<Record> {
    let first = releases.first()?;
    let ocid = first["ocid"].as_str()?.to_string();
    let mut compiled = Map::new();
    for r in releases {
        if let Value::Object(o) = r {
            merge(&mut compiled, o);
        }
    }
    compiled.insert("id".into(), Value::String(format!("{ocid}-compiled")));
    compiled.insert("tag".into(), serde_json::json!(["compiled"]));
    Some(Record {
        releases: releases
            .iter()
            .map(|r| ReleaseLink {
                url: release_url(s, r["id"].as_str().unwrap_or_default()),
                date: r["date"].as_str().unwrap_or_default().to_string(),
                tag: r["tag"]
                    .as_array()
                    .map(|t| {
                        t.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        ocid,
        compiled_release: Value::Object(compiled),
    })
}

/// The URL of one release.
pub fn release_url(s: &OcdsSettings, id: &str) -> String {
    format!("{}/api/v1/ocds/releases/{id}", s.base_url)
}

// ---------------------------------------------------------------------------------------
// Packages

/// The publisher.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Publisher {
    /// Name.
    pub name: String,
    /// Site.
    pub uri: String,
}

/// What every package carries beside its releases or records (OCDS package metadata).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackageMeta {
    /// This package's URL.
    pub uri: String,
    /// The OCDS version: `1.1` (the schema followed is 1.1.5).
    #[schema(value_type = String, example = "1.1")]
    pub version: &'static str,
    /// The extensions used: the bids extension.
    #[schema(value_type = Vec<String>)]
    pub extensions: Vec<&'static str>,
    /// When the package was put together (RFC 3339, `+08:00`).
    #[serde(rename = "publishedDate")]
    #[schema(format = DateTime)]
    pub published_date: String,
    /// Who publishes.
    pub publisher: Publisher,
    /// Licence of the data (CC BY 4.0).
    #[schema(value_type = String)]
    pub license: &'static str,
    /// The publication policy (the `/data` page).
    #[serde(rename = "publicationPolicy")]
    pub publication_policy: String,
}

/// An OCDS 1.1.5 release package (`release-package-schema.json`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReleasePackage {
    /// The package metadata.
    #[serde(flatten)]
    pub meta: PackageMeta,
    /// The releases, exactly as stored when published: each an OCDS 1.1.5 release
    /// (https://standard.open-contracting.org/1.1/en/schema/release/), with the bids
    /// extension.
    #[schema(value_type = Vec<Object>)]
    pub releases: Vec<Box<serde_json::value::RawValue>>,
}

/// An OCDS 1.1.5 record package (`record-package-schema.json`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordPackage {
    /// The package metadata.
    #[serde(flatten)]
    pub meta: PackageMeta,
    /// The records.
    pub records: Vec<Record>,
}

/// The metadata of a package put together at `now`.
fn package_meta(s: &OcdsSettings, uri: String, now: i64) -> PackageMeta {
    PackageMeta {
        uri,
        version: OCDS_VERSION,
        extensions: vec![BIDS_EXTENSION],
        published_date: iso(now),
        publisher: Publisher {
            name: s.publisher.clone(),
            uri: s.base_url.clone(),
        },
        license: LICENSE,
        publication_policy: format!("{}/data", s.base_url),
    }
}

/// A release package of stored releases.
pub fn release_package(
    s: &OcdsSettings,
    uri: String,
    now: i64,
    releases: Vec<Box<serde_json::value::RawValue>>,
) -> ReleasePackage {
    ReleasePackage {
        meta: package_meta(s, uri, now),
        releases,
    }
}

/// A record package.
pub fn record_package(
    s: &OcdsSettings,
    uri: String,
    now: i64,
    records: Vec<Record>,
) -> RecordPackage {
    RecordPackage {
        meta: package_meta(s, uri, now),
        records,
    }
}

/// What `?since=` accepts: an RFC 3339 instant or a day (`YYYY-MM-DD`, from midnight
/// Asia/Shanghai). `None` when it is neither.
pub fn parse_since(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s, &fmt).ok()?;
    Some(
        d.midnight()
            .assume_offset(crate::kernel::clock::SHANGHAI)
            .unix_timestamp(),
    )
}

/// Whether `s` could be an ocid or a release id published here: ASCII letters, digits and
/// `-`, at most 200 of them (prefixes are `ocds-` and six letters or digits; tags are
/// letters). Anything else is not found without asking the database, which keeps text it
/// refuses (PostgreSQL rejects a NUL) from becoming a server error.
pub fn plausible_id(s: &str) -> bool {
    (1..=200).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A page cursor: the row position of the last release of the previous page. Opaque to
/// clients, but a plain positive integer.
pub fn parse_cursor(s: &str) -> Option<i64> {
    s.trim().parse::<i64>().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_ids_are_looked_up() {
        assert!(plausible_id("ocds-cbtest-tender-12"));
        assert!(plausible_id("ocds-cbtest-tender-12-3-tenderAmendment"));
        for bad in [
            "",
            "a\0b",
            "ocds-cbtest-tender-1#1",
            "../seal.key",
            "养老",
            " x",
        ] {
            assert!(!plausible_id(bad), "{bad:?}");
        }
        assert!(plausible_id(&"a".repeat(200)));
        assert!(!plausible_id(&"a".repeat(201)));
    }

    #[test]
    fn amounts_are_exact_decimals() {
        let j = |fen| serde_json::to_string(&Yuan(fen)).unwrap();
        assert_eq!(j(0), "0");
        assert_eq!(j(1), "0.01");
        assert_eq!(j(10), "0.1");
        assert_eq!(j(12_345), "123.45");
        assert_eq!(j(48_000_000), "480000");
        assert_eq!(j(123_456_789), "1234567.89");
        assert_eq!(j(-5), "-0.05");
        // Fifteen significant digits: 9 999 999 999 999.99 yuan.
        assert_eq!(j(999_999_999_999_999), "9999999999999.99");
        for fen in [7, 29, 33, 101, 999, 1_000_001, 70_000_003] {
            let back: f64 = j(fen).parse().unwrap();
            assert_eq!((back * 100.0).round() as i64, fen);
            assert_eq!(j(fen), Yuan(fen).decimal());
        }
    }

    #[test]
    fn prefixes() {
        assert!(valid_prefix("ocds-cbtest"));
        assert!(valid_prefix("ocds-213czf"));
        assert!(!valid_prefix("ocds-213czf1"));
        assert!(!valid_prefix("ocds-ABCDEF"));
        assert!(!valid_prefix("x-213czf"));
        assert!(valid_prefix(DEFAULT_OCID_PREFIX));
    }

    #[test]
    fn methods_map_to_the_codelist() {
        assert_eq!(ocds_method("open_tender"), "open");
        assert_eq!(ocds_method("invitation"), "selective");
        assert_eq!(ocds_method("single_source"), "direct");
        assert_eq!(ocds_method("competitive_negotiation"), "limited");
        assert_eq!(ocds_award_criteria("lowest_price"), "priceOnly");
        assert_eq!(ocds_award_criteria("comprehensive"), "ratedCriteria");
    }

    fn facts() -> TenderFacts {
        TenderFacts {
            id: 7,
            title: "社区养老".into(),
            description: "d".into(),
            domain: "elderly".into(),
            domain_label: "养老服务".into(),
            unit_id: 3,
            unit_name: "民政局".into(),
            budget_fen: 10_000_000,
            method: "open_tender".into(),
            method_label: "公开招标".into(),
            eval_method: "comprehensive".into(),
            eval_label: "综合评分法".into(),
            status: "active".into(),
            state_reason: String::new(),
            published_at: 1_000,
            enquiry_deadline: 2_000,
            bid_deadline: 3_000,
            contract_months: 12,
            amendments: vec![],
            documents: vec![],
            bids: None,
            award: None,
            contract: None,
        }
    }

    #[test]
    fn before_opening_nothing_about_bids() {
        let r = release(&OcdsSettings::default(), &facts(), Tag::Tender, 1, 1_000);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["id"], "ocds-cbtest-tender-7-1-tender");
        assert!(!v["id"].as_str().unwrap().contains('#'));
        assert!(v.get("bids").is_none());
        assert!(v["tender"].get("numberOfTenderers").is_none());
        assert!(v["tender"].get("tenderers").is_none());
        assert_eq!(v["parties"].as_array().unwrap().len(), 1);
        assert_eq!(v["tender"]["value"]["amount"], 100_000);
        // The flags find the unit again from the buyer's party id.
        assert_eq!(
            unit_id_of_party(v["buyer"]["id"].as_str().unwrap()),
            Some(3)
        );
        assert_eq!(unit_id_of_party("CN-USC-3"), None);
    }

    #[test]
    fn after_opening_bids_and_tenderers() {
        let mut f = facts();
        let org = |id: i64| OrgFacts {
            id,
            name: format!("组织{id}"),
            uscc: format!("USCC{id}"),
        };
        f.bids = Some(vec![
            BidFacts {
                id: 1,
                org: org(1),
                price_fen: 9_000_001,
                submitted_at: 1_500,
                disqualified: false,
            },
            BidFacts {
                id: 2,
                org: org(2),
                price_fen: 8_000_000,
                submitted_at: 1_600,
                disqualified: true,
            },
        ]);
        let v = serde_json::to_value(release(
            &OcdsSettings::default(),
            &f,
            Tag::TenderUpdate,
            2,
            3_000,
        ))
        .unwrap();
        assert_eq!(v["tender"]["numberOfTenderers"], 2);
        assert_eq!(v["bids"]["statistics"][1]["value"], 1);
        assert_eq!(v["bids"]["details"][0]["value"]["amount"], 90_000.01);
        assert_eq!(v["parties"][1]["identifier"]["id"], "USCC1");
        assert_eq!(v["parties"][1]["roles"], serde_json::json!(["tenderer"]));
    }

    #[test]
    fn merge_follows_the_ocds_rules() {
        let mut m = Map::new();
        let a = serde_json::json!({"tender": {"status": "active", "title": "t"},
            "parties": [{"id": "a", "roles": ["buyer"]}], "tag": ["tender"], "x": 1});
        let b = serde_json::json!({"tender": {"status": "complete"},
            "parties": [{"id": "b", "roles": ["supplier"]}, {"id": "a", "name": "A"}],
            "tag": ["award"], "x": null});
        merge(&mut m, a.as_object().unwrap());
        merge(&mut m, b.as_object().unwrap());
        let v = Value::Object(m);
        assert_eq!(v["tender"]["status"], "complete");
        assert_eq!(v["tender"]["title"], "t");
        assert_eq!(v["parties"][0]["id"], "a");
        assert_eq!(v["parties"][0]["name"], "A");
        assert_eq!(v["parties"][0]["roles"], serde_json::json!(["buyer"]));
        assert_eq!(v["parties"][1]["id"], "b");
        assert_eq!(v["tag"], serde_json::json!(["award"]));
        assert!(v.get("x").is_none());
    }

    #[test]
    fn since_accepts_instants_and_days() {
        assert_eq!(parse_since("1970-01-01T00:00:10Z"), Some(10));
        assert_eq!(parse_since("1970-01-02"), Some(86_400 - 8 * 3600));
        assert_eq!(parse_since("yesterday"), None);
        assert_eq!(parse_cursor("12"), Some(12));
        assert_eq!(parse_cursor("-1"), None);
        assert_eq!(parse_cursor("x"), None);
    }
}
