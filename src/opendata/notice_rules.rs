//! Notices (issue 11 point 5), pure: which published releases are the notices people look
//! for (procurement notice, correction, result, contract, termination), what a notice says —
//! read from its release, the facts as published at that instant —, and the Atom feed of a
//! list of notices. No I/O, no clock.

use serde_json::Value;

use super::rules::Tag;
use crate::kernel::codes::code_enum;

code_enum! {
    /// The type of a notice, as government procurement portals name them.
    NoticeKind => "notice.kind" {
        /// 采购公告: the tender was published.
        Procurement = "procurement",
        /// 更正公告: an amendment of the tender.
        Correction = "correction",
        /// 结果公告: the award, or the tender failed or was cancelled.
        Result = "result",
        /// 合同公告: both sides signed the contract.
        Contract = "contract",
        /// 终止公告: the contract was terminated early.
        Termination = "termination",
    }
}

code_enum! {
    /// How a result came out.
    Outcome => "notice.outcome" {
        /// Awarded to a supplier.
        Awarded = "awarded",
        /// Failed (too few valid bids).
        Unsuccessful = "unsuccessful",
        /// Cancelled by the buyer.
        Cancelled = "cancelled",
    }
}

/// The notice type of a release, `None` when the release is not a notice (an opening that
/// went on to evaluation, a milestone or a payment).
pub fn kind_of(tag: Tag, release: &Value) -> Option<NoticeKind> {
    match tag {
        Tag::Tender => Some(NoticeKind::Procurement),
        Tag::TenderAmendment => Some(NoticeKind::Correction),
        Tag::TenderUpdate => {
            (release["tender"]["status"] == "unsuccessful").then_some(NoticeKind::Result)
        }
        Tag::TenderCancellation | Tag::Award => Some(NoticeKind::Result),
        Tag::Contract => Some(NoticeKind::Contract),
        Tag::ContractTermination => Some(NoticeKind::Termination),
        Tag::Implementation => None,
    }
}

/// What the notice list keeps of a notice (copied from its release).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    /// Its type.
    pub kind: NoticeKind,
    /// The purchasing unit.
    pub unit_id: i64,
    /// Its name as published.
    pub unit_name: String,
    /// The tender's title.
    pub title: String,
}

/// The list row of a release with the stored tag `tag`, `None` when it is not a notice.
pub fn row_of(tag: &str, release: &Value) -> Option<NoticeRow> {
    let kind = kind_of(Tag::parse(tag)?, release)?;
    Some(NoticeRow {
        kind,
        unit_id: release["buyer"]["id"]
            .as_str()
            .and_then(super::rules::unit_id_of_party)
            .unwrap_or_default(),
        unit_name: text(&release["buyer"]["name"]),
        title: text(&release["tender"]["title"]),
    })
}

/// The change a correction publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The buyer's reason.
    pub rationale: String,
    /// The bid deadline before.
    pub old_deadline: Option<i64>,
    /// The bid deadline after.
    pub new_deadline: Option<i64>,
}

/// The winner a result names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Winner {
    /// The supplier's name.
    pub name: String,
    /// Its registry identifier (unified social credit code).
    pub uscc: String,
    /// The awarded price.
    pub value_fen: Option<i64>,
    /// When the award was published.
    pub date: Option<i64>,
}

/// The contract a contract or termination notice names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractNote {
    /// Its value.
    pub value_fen: Option<i64>,
    /// When both sides had signed.
    pub signed: Option<i64>,
    /// When it ended.
    pub ended: Option<i64>,
    /// The public reason of an early termination.
    pub reason: Option<String>,
}

/// Everything a notice shows, read from its release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeDoc {
    /// Its type.
    pub kind: NoticeKind,
    /// A result's outcome.
    pub outcome: Option<Outcome>,
    /// The release's id.
    pub release_id: String,
    /// The process's ocid.
    pub ocid: String,
    /// The tender's title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// The purchasing unit's name.
    pub unit_name: String,
    /// The service domain as published (Chinese).
    pub domain: String,
    /// The OCDS procurement method (`open`, `selective`, `limited`, `direct`).
    pub method: String,
    /// The budget.
    pub budget_fen: Option<i64>,
    /// Published at.
    pub published: Option<i64>,
    /// Enquiries until.
    pub enquiry_deadline: Option<i64>,
    /// Bids until.
    pub bid_deadline: Option<i64>,
    /// Contract length in days.
    pub contract_days: Option<i64>,
    /// Bids received and valid ones, once opened.
    pub bids: Option<(u64, u64)>,
    /// A correction's change.
    pub change: Option<Change>,
    /// A result's winner.
    pub winner: Option<Winner>,
    /// The contract (contract and termination notices).
    pub contract: Option<ContractNote>,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// An RFC 3339 instant as Unix seconds.
pub fn parse_instant(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

fn instant(v: &Value) -> Option<i64> {
    v.as_str().and_then(parse_instant)
}

/// An exact decimal yuan amount (`123.45`, `100`, `-0.5`) as fen; `None` for more than two
/// decimals or anything that is not such a number.
pub fn fen_of_decimal(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || frac.len() > 2
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let yuan: i64 = int.parse().ok()?;
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    let fen = yuan.checked_mul(100)?.checked_add(cents)?;
    Some(if neg { -fen } else { fen })
}

/// An OCDS value object's amount as fen.
fn amount(v: &Value) -> Option<i64> {
    match &v["amount"] {
        Value::Number(n) => fen_of_decimal(&n.to_string()),
        _ => None,
    }
}

/// The two deadlines an amendment's description names ("… 由 <RFC 3339> 改为 <RFC 3339>").
fn deadlines_in(description: &str) -> (Option<i64>, Option<i64>) {
    let mut found = description.split_whitespace().filter_map(parse_instant);
    (found.next(), found.next())
}

/// What the release of a notice of type `kind` says.
pub fn doc_of(kind: NoticeKind, release: &Value) -> NoticeDoc {
    let t = &release["tender"];
    let status = t["status"].as_str().unwrap_or_default();
    let tags: Vec<&str> = release["tag"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let award = release["awards"].as_array().and_then(|a| a.last());
    let outcome = (kind == NoticeKind::Result).then(|| {
        if tags.contains(&Tag::TenderCancellation.code()) || status == "cancelled" {
            Outcome::Cancelled
        } else if award.is_some() {
            Outcome::Awarded
        } else {
            Outcome::Unsuccessful
        }
    });
    let change = (kind == NoticeKind::Correction)
        .then(|| t["amendments"].as_array().and_then(|a| a.last()))
        .flatten()
        .map(|a| {
            let (old_deadline, new_deadline) =
                deadlines_in(a["description"].as_str().unwrap_or_default());
            Change {
                rationale: text(&a["rationale"]),
                old_deadline,
                new_deadline: new_deadline.or_else(|| instant(&t["tenderPeriod"]["endDate"])),
            }
        });
    let winner = award
        .filter(|_| outcome == Some(Outcome::Awarded) || kind != NoticeKind::Result)
        .and_then(|a| {
            let s = a["suppliers"].as_array()?.first()?;
            let sid = s["id"].as_str().unwrap_or_default();
            let uscc = release["parties"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["id"] == sid))
                .map(|p| text(&p["identifier"]["id"]))
                .unwrap_or_default();
            Some(Winner {
                name: text(&s["name"]),
                uscc,
                value_fen: amount(&a["value"]),
                date: instant(&a["date"]),
            })
        });
    let contract = matches!(kind, NoticeKind::Contract | NoticeKind::Termination)
        .then(|| release["contracts"].as_array().and_then(|c| c.last()))
        .flatten()
        .map(|c| ContractNote {
            value_fen: amount(&c["value"]),
            signed: instant(&c["dateSigned"]),
            ended: instant(&c["period"]["endDate"]),
            reason: c["description"]
                .as_str()
                .map(|d| d.strip_prefix("提前终止：").unwrap_or(d).to_string()),
        });
    let bids = release["bids"]["statistics"].as_array().map(|stats| {
        let measure = |m: &str| {
            stats
                .iter()
                .find(|s| s["measure"] == m)
                .and_then(|s| s["value"].as_u64())
                .unwrap_or(0)
        };
        (measure("bids"), measure("validBids"))
    });
    NoticeDoc {
        kind,
        outcome,
        release_id: text(&release["id"]),
        ocid: text(&release["ocid"]),
        title: text(&t["title"]),
        description: text(&t["description"]),
        unit_name: text(&release["buyer"]["name"]),
        domain: t["items"]
            .as_array()
            .and_then(|i| i.first())
            .map(|i| text(&i["classification"]["description"]))
            .unwrap_or_default(),
        method: text(&t["procurementMethod"]),
        budget_fen: amount(&t["value"]),
        published: instant(&t["tenderPeriod"]["startDate"]),
        enquiry_deadline: instant(&t["enquiryPeriod"]["endDate"]),
        bid_deadline: instant(&t["tenderPeriod"]["endDate"]),
        contract_days: t["contractPeriod"]["durationInDays"].as_i64(),
        bids,
        change,
        winner,
        contract,
    }
}

// ---------------------------------------------------------------------------------------
// The Atom feed (RFC 4287)

/// Text for XML content and attribute values: the five special characters escaped, and the
/// characters XML 1.0 does not allow (controls other than tab, line feed, carriage return;
/// U+FFFE, U+FFFF) left out, so a feed reader never fails on a title.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// An instant in RFC 3339 (UTC, `Z`), as Atom dates are written.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// The notice's absolute URL: its link and its stable id.
    pub url: String,
    /// The entry's title (type and tender).
    pub title: String,
    /// A one-line summary (unit, type, date).
    pub summary: String,
    /// The notice's instant.
    pub at: i64,
}

/// The feed itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// The feed's title.
    pub title: String,
    /// Its own absolute URL (also its id: one URL per type and unit).
    pub self_url: String,
    /// The HTML list it mirrors.
    pub html_url: String,
    /// The language of the text.
    pub lang: String,
    /// Who publishes it.
    pub author: String,
    /// Newest first.
    pub entries: Vec<FeedEntry>,
}

/// The Atom 1.0 document of a feed; `updated` is the newest entry's instant (0 when empty).
pub fn atom(f: &Feed) -> String {
    let updated = f.entries.iter().map(|e| e.at).max().unwrap_or(0);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&f.lang)
    ));
    x.push_str(&format!("  <title>{}</title>\n", xml_escape(&f.title)));
    x.push_str(&format!("  <id>{}</id>\n", xml_escape(&f.self_url)));
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&f.self_url)
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&f.html_url)
    ));
    x.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    x.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(&f.author)
    ));
    for e in &f.entries {
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <title>{}</title>\n", xml_escape(&e.title)));
        x.push_str(&format!("    <id>{}</id>\n", xml_escape(&e.url)));
        x.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&e.url)
        ));
        x.push_str(&format!("    <published>{}</published>\n", rfc3339(e.at)));
        x.push_str(&format!("    <updated>{}</updated>\n", rfc3339(e.at)));
        x.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml_escape(&e.summary)
        ));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::super::rules::{
        AmendmentFacts, AwardFacts, BidFacts, ContractFacts, ContractStatus, OcdsSettings,
        OrgFacts, TenderFacts, release,
    };
    use super::*;

    fn org(n: i64) -> OrgFacts {
        OrgFacts {
            id: n,
            uscc: format!("51150100MJ000000{n}X"),
            name: format!("机构{n}"),
        }
    }

    fn facts() -> TenderFacts {
        TenderFacts {
            id: 7,
            title: "社区养老服务项目".into(),
            description: "为老人提供助餐服务。".into(),
            domain: "elderly".into(),
            domain_label: "养老服务".into(),
            unit_id: 3,
            unit_name: "新城区民政局".into(),
            budget_fen: 50_000_012,
            method: "open_tender".into(),
            method_label: "公开招标".into(),
            eval_method: "lowest_price".into(),
            eval_label: "最低评标价法".into(),
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

    fn json(f: &TenderFacts, tag: Tag) -> Value {
        serde_json::to_value(release(&OcdsSettings::default(), f, tag, 1, 5_000)).unwrap()
    }

    #[test]
    fn which_releases_are_notices() {
        let f = facts();
        assert_eq!(
            kind_of(Tag::Tender, &json(&f, Tag::Tender)),
            Some(NoticeKind::Procurement)
        );
        assert_eq!(
            kind_of(Tag::TenderAmendment, &json(&f, Tag::TenderAmendment)),
            Some(NoticeKind::Correction)
        );
        // An opening that goes on to evaluation is no notice; a failed one is a result.
        assert_eq!(
            kind_of(Tag::TenderUpdate, &json(&f, Tag::TenderUpdate)),
            None
        );
        let mut failed = facts();
        failed.status = "unsuccessful".into();
        assert_eq!(
            kind_of(Tag::TenderUpdate, &json(&failed, Tag::TenderUpdate)),
            Some(NoticeKind::Result)
        );
        for (tag, kind) in [
            (Tag::TenderCancellation, NoticeKind::Result),
            (Tag::Award, NoticeKind::Result),
            (Tag::Contract, NoticeKind::Contract),
            (Tag::ContractTermination, NoticeKind::Termination),
        ] {
            assert_eq!(kind_of(tag, &json(&f, tag)), Some(kind));
        }
        assert_eq!(
            kind_of(Tag::Implementation, &json(&f, Tag::Implementation)),
            None
        );
        let row = row_of("tender", &json(&f, Tag::Tender)).unwrap();
        assert_eq!(
            row,
            NoticeRow {
                kind: NoticeKind::Procurement,
                unit_id: 3,
                unit_name: "新城区民政局".into(),
                title: "社区养老服务项目".into(),
            }
        );
        assert_eq!(
            row_of("implementation", &json(&f, Tag::Implementation)),
            None
        );
        assert_eq!(row_of("nonsense", &json(&f, Tag::Tender)), None);
    }

    #[test]
    fn a_procurement_notice_reads_its_tender() {
        let d = doc_of(NoticeKind::Procurement, &json(&facts(), Tag::Tender));
        assert_eq!(d.title, "社区养老服务项目");
        assert_eq!(d.unit_name, "新城区民政局");
        assert_eq!(d.budget_fen, Some(50_000_012));
        assert_eq!(d.method, "open");
        assert_eq!(d.domain, "养老服务");
        assert_eq!(
            (d.published, d.enquiry_deadline, d.bid_deadline),
            (Some(1_000), Some(2_000), Some(3_000))
        );
        assert_eq!(d.contract_days, Some(360));
        assert_eq!(
            (d.outcome, d.change, d.winner, d.contract, d.bids),
            (None, None, None, None, None)
        );
        assert!(d.release_id.ends_with("-1-tender"), "{}", d.release_id);
    }

    #[test]
    fn a_correction_names_the_old_and_new_deadline() {
        let mut f = facts();
        f.bid_deadline = 90_000;
        f.amendments = vec![AmendmentFacts {
            id: 1,
            at: 4_000,
            summary: "延长投标截止时间".into(),
            old_bid_deadline: 3_000,
            new_bid_deadline: 90_000,
        }];
        let d = doc_of(NoticeKind::Correction, &json(&f, Tag::TenderAmendment));
        assert_eq!(
            d.change,
            Some(Change {
                rationale: "延长投标截止时间".into(),
                old_deadline: Some(3_000),
                new_deadline: Some(90_000),
            })
        );
    }

    #[test]
    fn results_name_the_winner_or_the_outcome() {
        let mut f = facts();
        f.bids = Some(vec![
            BidFacts {
                id: 1,
                org: org(1),
                price_fen: 40_000_000,
                submitted_at: 2_500,
                disqualified: false,
            },
            BidFacts {
                id: 2,
                org: org(2),
                price_fen: 45_000_050,
                submitted_at: 2_600,
                disqualified: true,
            },
        ]);
        f.award = Some(AwardFacts {
            id: 9,
            supplier: org(1),
            value_fen: 40_000_000,
            awarded_at: 6_000,
            standstill_ends_at: 7_000,
        });
        let d = doc_of(NoticeKind::Result, &json(&f, Tag::Award));
        assert_eq!(d.outcome, Some(Outcome::Awarded));
        assert_eq!(d.bids, Some((2, 1)));
        assert_eq!(
            d.winner,
            Some(Winner {
                name: "机构1".into(),
                uscc: "51150100MJ0000001X".into(),
                value_fen: Some(40_000_000),
                date: Some(6_000),
            })
        );
        let mut failed = facts();
        failed.status = "unsuccessful".into();
        failed.bids = Some(vec![]);
        let d = doc_of(NoticeKind::Result, &json(&failed, Tag::TenderUpdate));
        assert_eq!(
            (d.outcome, d.winner, d.bids),
            (Some(Outcome::Unsuccessful), None, Some((0, 0)))
        );
        let mut cancelled = facts();
        cancelled.status = "cancelled".into();
        let d = doc_of(
            NoticeKind::Result,
            &json(&cancelled, Tag::TenderCancellation),
        );
        assert_eq!(d.outcome, Some(Outcome::Cancelled));
    }

    #[test]
    fn contract_and_termination_notices_read_the_contract() {
        let mut f = facts();
        f.award = Some(AwardFacts {
            id: 9,
            supplier: org(1),
            value_fen: 40_000_000,
            awarded_at: 6_000,
            standstill_ends_at: 7_000,
        });
        f.contract = Some(ContractFacts {
            id: 4,
            status: ContractStatus::Active,
            value_fen: 40_000_000,
            signed_at: Some(8_000),
            ended_at: None,
            termination_reason: None,
            milestones: vec![],
            payments: vec![],
        });
        let d = doc_of(NoticeKind::Contract, &json(&f, Tag::Contract));
        assert_eq!(
            d.contract,
            Some(ContractNote {
                value_fen: Some(40_000_000),
                signed: Some(8_000),
                ended: None,
                reason: None,
            })
        );
        assert_eq!(d.winner.as_ref().map(|w| w.name.as_str()), Some("机构1"));
        if let Some(c) = f.contract.as_mut() {
            c.status = ContractStatus::Terminated;
            c.ended_at = Some(9_000);
            c.termination_reason = Some("无法继续履约".into());
        }
        let d = doc_of(NoticeKind::Termination, &json(&f, Tag::ContractTermination));
        let c = d.contract.unwrap();
        assert_eq!(
            (c.ended, c.reason.as_deref()),
            (Some(9_000), Some("无法继续履约"))
        );
    }

    #[test]
    fn decimal_amounts_are_exact() {
        assert_eq!(fen_of_decimal("123.45"), Some(12_345));
        assert_eq!(fen_of_decimal("100"), Some(10_000));
        assert_eq!(fen_of_decimal("0.5"), Some(50));
        assert_eq!(fen_of_decimal("-0.05"), Some(-5));
        assert_eq!(fen_of_decimal("500000.12"), Some(50_000_012));
        for bad in ["", ".5", "1.234", "1e5", "abc", "1.2.3", "--1"] {
            assert_eq!(fen_of_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn xml_text_is_escaped_and_cleaned() {
        assert_eq!(
            xml_escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;"
        );
        assert_eq!(xml_escape("养老\u{0}服务\u{1b}\u{ffff}\n"), "养老服务\n");
        assert_eq!(xml_escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn the_atom_feed_is_well_formed_with_stable_ids_and_rfc3339_dates() {
        let f = Feed {
            title: "公告 <全部>".into(),
            self_url: "https://x.cn/notices/feed.xml?type=result&unit=3".into(),
            html_url: "https://x.cn/notices".into(),
            lang: "zh-CN".into(),
            author: "CivicBridge".into(),
            entries: vec![
                FeedEntry {
                    url: "https://x.cn/notices/12".into(),
                    title: "结果公告：A & B".into(),
                    summary: "新城区民政局".into(),
                    at: 1_764_244_800,
                },
                FeedEntry {
                    url: "https://x.cn/notices/3".into(),
                    title: "采购公告".into(),
                    summary: String::new(),
                    at: 1_764_000_000,
                },
            ],
        };
        let x = atom(&f);
        assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""));
        assert!(x.contains("<title>公告 &lt;全部&gt;</title>"));
        assert!(x.contains("href=\"https://x.cn/notices/feed.xml?type=result&amp;unit=3\""));
        assert!(x.contains("<id>https://x.cn/notices/12</id>"));
        assert!(x.contains("<title>结果公告：A &amp; B</title>"));
        assert!(x.contains("<updated>2025-11-27T12:00:00Z</updated>"));
        assert_eq!(x.matches("<entry>").count(), 2);
        assert_eq!(x.matches("</entry>").count(), 2);
        assert!(x.trim_end().ends_with("</feed>"));
        // Empty: still a valid feed, dated at the epoch.
        let empty = atom(&Feed {
            entries: vec![],
            ..f
        });
        assert!(empty.contains("<updated>1970-01-01T00:00:00Z</updated>"));
        assert!(!empty.contains("<entry>"));
    }
}
