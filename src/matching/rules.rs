//! Pure matching rules: who may take a tender (the procurement eligibility rules, reused) and
//! how well an eligible organization fits it, as a 0–100 score whose parts each carry their
//! reason. Weights come from [`MatchingWeights`] (configuration, not code). Ranking is one
//! linear scan with a bounded heap, so 100,000 organizations rank in milliseconds.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use time::Date;

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::orgs::{CreditStatus, DOMAINS, rating_valid};
use crate::procurement::{Eligibility, Ineligible, OrgFacts, eligibility};

/// How much each part of the score weighs, and the two constants of the capacity and
/// incubator parts. Read from `CIVICBRIDGE_MATCHING_WEIGHTS`, e.g.
/// `domain=30,distance=20,rating=15,track=15,capacity=10,incubator=10,staff_per_contract=5`.
/// The weights need not add up to 100: the score is scaled so a perfect fit is 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchingWeights {
    /// Service-domain fit.
    pub domain: u32,
    /// Distance between the organization and the place of service.
    pub distance: u32,
    /// Rating grade.
    pub rating: u32,
    /// Track record on the platform.
    pub track: u32,
    /// Free capacity.
    pub capacity: u32,
    /// Incubated or recently graduated.
    pub incubator: u32,
    /// Staff a live contract is assumed to occupy.
    pub staff_per_contract: u32,
}

impl Default for MatchingWeights {
    fn default() -> Self {
        MatchingWeights {
            domain: 30,
            distance: 20,
            rating: 15,
            track: 15,
            capacity: 10,
            incubator: 10,
            staff_per_contract: 5,
        }
    }
}

impl MatchingWeights {
    /// Parses `key=value` pairs separated by commas; unnamed keys keep their defaults.
    pub fn parse(s: &str) -> Result<MatchingWeights, String> {
        let mut w = MatchingWeights::default();
        for pair in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("matching weight {pair:?} is not key=value"))?;
            let v: u32 = v
                .trim()
                .parse()
                .ok()
                .filter(|v| *v <= 1_000)
                .ok_or_else(|| format!("matching weight {k:?} must be a whole number 0–1000"))?;
            match k.trim() {
                "domain" => w.domain = v,
                "distance" => w.distance = v,
                "rating" => w.rating = v,
                "track" => w.track = v,
                "capacity" => w.capacity = v,
                "incubator" => w.incubator = v,
                "staff_per_contract" => w.staff_per_contract = v.max(1),
                other => return Err(format!("unknown matching weight {other:?}")),
            }
        }
        if w.sum() == 0 {
            return Err("matching weights must not all be zero".into());
        }
        Ok(w)
    }

    fn sum(&self) -> u32 {
        self.domain + self.distance + self.rating + self.track + self.capacity + self.incubator
    }

    fn of(&self, k: PartKind) -> u32 {
        match k {
            PartKind::Domain => self.domain,
            PartKind::Distance => self.distance,
            PartKind::Rating => self.rating,
            PartKind::Track => self.track,
            PartKind::Capacity => self.capacity,
            PartKind::Incubator => self.incubator,
        }
    }
}

/// What matching knows about one organization: the eligibility facts plus what the score
/// needs. Built once per snapshot, plain data.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Organization id.
    pub org_id: i64,
    /// Name (for display only).
    pub name: String,
    /// Eligibility facts (shared with bidding).
    pub facts: OrgFacts,
    /// Banner/county.
    pub county: Option<String>,
    /// Service domains as bits by position in [`DOMAINS`].
    pub domains: u32,
    /// Reported staff.
    pub staff: i32,
    /// Contracts pending signature or active.
    pub live_contracts: u32,
    /// Contracts completed.
    pub completed: u32,
    /// Milestones the buyer decided on at least once.
    pub milestones_decided: u32,
    /// Of which accepted without ever being returned.
    pub milestones_first_time: u32,
    /// Sum of the buyers' completion ratings (1–5 each).
    pub rating_sum: u32,
    /// Number of completion ratings.
    pub rating_count: u32,
    /// The incubator the organization is a tenant of, or graduated from recently, if any
    /// (from `incubators`), named in the reason.
    pub incubator: Option<String>,
    /// The organization graduated from `incubator` (rather than residing there).
    pub incubator_graduated: bool,
}

impl Candidate {
    /// The incubator named in the incubation reason, and whether the organization graduated
    /// from it.
    pub fn incubation(&self) -> Option<(&str, bool)> {
        self.incubator
            .as_deref()
            .map(|n| (n, self.incubator_graduated))
    }
}

/// What matching needs to know about a tender.
#[derive(Debug, Clone)]
pub struct TenderProfile {
    /// Tender id.
    pub tender_id: i64,
    /// Title (display only).
    pub title: String,
    /// Eligibility rules (shared with bidding).
    pub rules: Eligibility,
    /// Bit of the service domain in [`DOMAINS`], if known.
    pub domain_bit: Option<u32>,
    /// League/city of the place of service.
    pub league: Option<String>,
    /// Banner/county of the place of service.
    pub county: Option<String>,
}

/// The bit of a domain code.
pub fn domain_bit(code: &str) -> Option<u32> {
    DOMAINS
        .iter()
        .position(|(c, _, _)| *c == code)
        .and_then(|p| u32::try_from(p).ok())
}

/// The bits of a list of domain codes.
pub fn domain_mask<'a>(codes: impl IntoIterator<Item = &'a str>) -> u32 {
    codes
        .into_iter()
        .filter_map(domain_bit)
        .fold(0, |m, b| m | (1 << b))
}

/// Why an organization is not a match: one of the bidding eligibility rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exclusion {
    /// On a credit list.
    Credit(CreditStatus),
    /// Grade below the minimum, or none.
    RatingBelow {
        /// Required grade.
        required: i16,
        /// Held (valid) grade.
        held: Option<i16>,
    },
    /// Held a high enough grade, but it expired.
    RatingExpired {
        /// Required grade.
        required: i16,
        /// Expired grade.
        grade: i16,
    },
    /// Outside the allowed leagues/cities.
    Place,
    /// Registered too recently.
    TooYoung {
        /// Required whole years.
        required: i16,
    },
    /// Not a social organization, and the tender is set aside for them.
    NotSocial,
    /// Not yet verified by a regulator.
    Unverified,
    /// Its registration was revoked or deregistered.
    Ended(crate::orgs::Ended),
}

impl Exclusion {
    /// Stable code of the rule that fired.
    pub fn code(&self) -> &'static str {
        match self {
            Exclusion::Credit(_) => "credit",
            Exclusion::RatingBelow { .. } => "rating",
            Exclusion::RatingExpired { .. } => "rating_expired",
            Exclusion::Place => "place",
            Exclusion::TooYoung { .. } => "young",
            Exclusion::NotSocial => "social",
            Exclusion::Unverified => "unverified",
            Exclusion::Ended(_) => "ended",
        }
    }

    /// Every rule code, in display order.
    pub const CODES: [&'static str; 8] = [
        "credit",
        "rating",
        "rating_expired",
        "place",
        "young",
        "social",
        "unverified",
        "ended",
    ];

    fn from_rule(i: Ineligible, facts: &OrgFacts) -> Exclusion {
        match i {
            Ineligible::Credit(s) => Exclusion::Credit(s),
            Ineligible::Grade { required, held } => match (held, facts.rating) {
                (None, Some((grade, _))) if grade >= required => {
                    Exclusion::RatingExpired { required, grade }
                }
                _ => Exclusion::RatingBelow { required, held },
            },
            Ineligible::Place => Exclusion::Place,
            Ineligible::TooYoung { required } => Exclusion::TooYoung { required },
            Ineligible::NotSocial => Exclusion::NotSocial,
            Ineligible::Unverified => Exclusion::Unverified,
            Ineligible::Ended(e) => Exclusion::Ended(e),
        }
    }

    /// A sentence naming the rule, in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Exclusion::Credit(s) => Ineligible::Credit(*s).message(lang),
            Exclusion::RatingBelow { required, held } => Ineligible::Grade {
                required: *required,
                held: *held,
            }
            .message(lang),
            Exclusion::RatingExpired { required, grade } => lang.tf(
                "matching.excl.rating_expired",
                &[
                    ("grade", &format!("{grade}A")),
                    ("required", &format!("{required}A")),
                ],
            ),
            Exclusion::Place => Ineligible::Place.message(lang),
            Exclusion::TooYoung { required } => Ineligible::TooYoung {
                required: *required,
            }
            .message(lang),
            Exclusion::NotSocial => Ineligible::NotSocial.message(lang),
            Exclusion::Unverified => Ineligible::Unverified.message(lang),
            Exclusion::Ended(e) => e.message(lang),
        }
    }
}

code_enum! {
    /// The parts of a score (their codes name them in weights and locale keys).
    PartKind => "matching.part" {
        /// Service-domain fit.
        Domain = "domain",
        /// Distance.
        Distance = "distance",
        /// Rating grade.
        Rating = "rating",
        /// Track record.
        Track = "track",
        /// Capacity.
        Capacity = "capacity",
        /// Incubator.
        Incubator = "incubator",
    }
}

/// How far the organization is from the place of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distance {
    /// Same banner/county (or the tender names no finer place than the organization's).
    SameCounty,
    /// Same league/city.
    SameLeague,
    /// Elsewhere in Inner Mongolia.
    SameRegion,
    /// Outside the region.
    Outside,
}

/// The facts behind one part, for the sentence shown next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Whether the organization offers the tender's domain, and how many it lists.
    Domain {
        /// Offers it.
        offers: bool,
        /// Number of domains listed.
        listed: u32,
    },
    /// Distance class.
    Distance(Distance),
    /// Valid grade held, if any.
    Rating(Option<i16>),
    /// Track record figures.
    Track {
        /// Completed contracts.
        completed: u32,
        /// Share of decided milestones accepted at first delivery, basis points.
        first_time_bp: Option<u32>,
        /// Mean completion rating ×100.
        rating_x100: Option<u32>,
    },
    /// Live contracts against staff.
    Capacity {
        /// Live contracts.
        live: u32,
        /// Staff.
        staff: i32,
    },
    /// Incubated or recently graduated.
    Incubator(bool),
}

/// One part of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// Which part.
    pub kind: PartKind,
    /// Points earned, in thousandths of a point.
    pub milli: u32,
    /// The most this part can give, in thousandths of a point.
    pub max_milli: u32,
    /// Why.
    pub why: Why,
}

impl Part {
    /// A sentence with the facts, in the user's language.
    pub fn reason(&self, lang: Lang, tender_domain: &str) -> String {
        match self.why {
            Why::Domain {
                offers: true,
                listed,
            } if listed <= FOCUSED_DOMAINS => lang.tf(
                "matching.why.domain_focused",
                &[("domain", &crate::orgs::domain_label(tender_domain, lang))],
            ),
            Why::Domain {
                offers: true,
                listed,
            } => lang.tf(
                "matching.why.domain_broad",
                &[
                    ("domain", &crate::orgs::domain_label(tender_domain, lang)),
                    ("n", &listed.to_string()),
                ],
            ),
            Why::Domain { offers: false, .. } => lang.tf(
                "matching.why.domain_none",
                &[("domain", &crate::orgs::domain_label(tender_domain, lang))],
            ),
            Why::Distance(d) => lang.t(match d {
                Distance::SameCounty => "matching.why.same_county",
                Distance::SameLeague => "matching.why.same_league",
                Distance::SameRegion => "matching.why.same_region",
                Distance::Outside => "matching.why.outside",
            }),
            Why::Rating(Some(g)) => lang.tf("matching.why.rating", &[("grade", &format!("{g}A"))]),
            Why::Rating(None) => lang.t("matching.why.unrated"),
            Why::Track {
                completed,
                first_time_bp,
                rating_x100,
            } => {
                let mut s = lang.tf("matching.why.completed", &[("n", &completed.to_string())]);
                if let Some(bp) = first_time_bp {
                    s.push_str(&lang.tf(
                        "matching.why.first_time",
                        &[("pct", &format!("{}%", (bp + 50) / 100))],
                    ));
                }
                if let Some(r) = rating_x100 {
                    s.push_str(&lang.tf(
                        "matching.why.avg_rating",
                        &[("r", &format!("{}.{:02}", r / 100, r % 100))],
                    ));
                }
                s
            }
            Why::Capacity { live, staff } => lang.tf(
                "matching.why.capacity",
                &[("live", &live.to_string()), ("staff", &staff.to_string())],
            ),
            Why::Incubator(true) => lang.t("matching.why.incubated"),
            Why::Incubator(false) => lang.t("matching.why.not_incubated"),
        }
    }

    /// [`Part::reason`], naming the organization's incubator in the incubation part
    /// (`incubator`: its name, and whether the organization graduated from it).
    pub fn reason_naming(
        &self,
        lang: Lang,
        tender_domain: &str,
        incubator: Option<(&str, bool)>,
    ) -> String {
        match (self.why, incubator) {
            (Why::Incubator(true), Some((name, false))) => {
                lang.tf("matching.why.incubated_at", &[("incubator", name)])
            }
            (Why::Incubator(true), Some((name, true))) => {
                lang.tf("matching.why.graduated_from", &[("incubator", name)])
            }
            _ => self.reason(lang, tender_domain),
        }
    }
}

/// A score from 0 to 100 with its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    /// Total in thousandths of a point (0–100,000).
    pub total_milli: u32,
    /// The six parts, in [`PartKind::ALL`] order.
    pub parts: [Part; 6],
}

impl Score {
    /// The total as shown, e.g. `87.5`.
    pub fn display(&self) -> String {
        milli_display(self.total_milli)
    }
}

/// Thousandths of a point shown with one decimal (rounded half up).
pub fn milli_display(m: u32) -> String {
    let tenths = (m + 50) / 100;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The outcome for one organization and one tender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assessment {
    /// May not take the tender, with every rule that fired.
    Excluded(Vec<Exclusion>),
    /// Eligible, with its score.
    Scored(Score),
}

/// An organization listing at most this many domains counts as focused on each.
pub const FOCUSED_DOMAINS: u32 = 3;
/// Completed contracts at which the "contracts completed" share of the track record is full.
pub const FULL_TRACK: u32 = 5;

/// Fractions are in thousandths (0–1000).
fn domain_fraction(t: &TenderProfile, c: &Candidate) -> (u32, Why) {
    let listed = c.domains.count_ones();
    let offers = t.domain_bit.is_some_and(|b| c.domains & (1 << b) != 0);
    let f = match (offers, listed <= FOCUSED_DOMAINS) {
        (false, _) => 0,
        (true, true) => 1000,
        (true, false) => 750,
    };
    (f, Why::Domain { offers, listed })
}

fn distance_of(t: &TenderProfile, c: &Candidate) -> Distance {
    let same_league = t.league.is_some() && t.league == c.facts.league;
    if same_league && (t.county.is_none() || t.county == c.county) {
        Distance::SameCounty
    } else if same_league {
        Distance::SameLeague
    } else if c.facts.league.is_some() {
        if t.league.is_none() {
            // A region-wide service: anywhere in the region is as near as it gets.
            Distance::SameCounty
        } else {
            Distance::SameRegion
        }
    } else {
        Distance::Outside
    }
}

fn distance_fraction(d: Distance) -> u32 {
    match d {
        Distance::SameCounty => 1000,
        Distance::SameLeague => 600,
        Distance::SameRegion => 300,
        Distance::Outside => 0,
    }
}

fn rating_fraction(c: &Candidate, today: Date) -> (u32, Why) {
    let held = c
        .facts
        .rating
        .filter(|(_, until)| rating_valid(Some(*until), today))
        .map(|(g, _)| g.clamp(0, 5));
    let f = held.map_or(0, |g| u32::try_from(g).unwrap_or(0) * 200);
    (f, Why::Rating(held))
}

fn track_fraction(c: &Candidate) -> (u32, Why) {
    let completed = c.completed.min(FULL_TRACK) * 400 / FULL_TRACK;
    let first_time_bp = (c.milestones_decided > 0)
        .then(|| c.milestones_first_time.min(c.milestones_decided) * 10_000 / c.milestones_decided);
    let on_time = first_time_bp.map_or(0, |bp| bp * 300 / 10_000);
    let rating_x100 = (c.rating_count > 0).then(|| {
        let avg = (c.rating_sum * 200 + c.rating_count) / (2 * c.rating_count);
        avg.min(500)
    });
    let rated = rating_x100.map_or(0, |r| r * 300 / 500);
    (
        completed + on_time + rated,
        Why::Track {
            completed: c.completed,
            first_time_bp,
            rating_x100,
        },
    )
}

fn capacity_fraction(c: &Candidate, staff_per_contract: u32) -> (u32, Why) {
    let why = Why::Capacity {
        live: c.live_contracts,
        staff: c.staff,
    };
    let staff = u64::try_from(c.staff.max(0)).unwrap_or(0);
    if staff == 0 {
        return (0, why);
    }
    let busy = u64::from(c.live_contracts) * u64::from(staff_per_contract.max(1));
    let free = staff.saturating_sub(busy);
    (u32::try_from(free * 1000 / staff).unwrap_or(1000), why)
}

/// Assesses one organization for one tender on a day.
pub fn assess(t: &TenderProfile, c: &Candidate, today: Date, w: &MatchingWeights) -> Assessment {
    let rules = eligibility(&t.rules, &c.facts, today);
    if !rules.is_empty() {
        return Assessment::Excluded(
            rules
                .into_iter()
                .map(|r| Exclusion::from_rule(r, &c.facts))
                .collect(),
        );
    }
    Assessment::Scored(score(t, c, today, w))
}

/// The score of an eligible organization (call [`assess`] unless eligibility is known).
pub fn score(t: &TenderProfile, c: &Candidate, today: Date, w: &MatchingWeights) -> Score {
    let d = distance_of(t, c);
    let fractions = [
        domain_fraction(t, c),
        (distance_fraction(d), Why::Distance(d)),
        rating_fraction(c, today),
        track_fraction(c),
        capacity_fraction(c, w.staff_per_contract),
        (
            if c.incubator.is_some() { 1000 } else { 0 },
            Why::Incubator(c.incubator.is_some()),
        ),
    ];
    let sum = u64::from(w.sum().max(1));
    let mut total = 0;
    let parts = std::array::from_fn(|i| {
        let kind = PartKind::ALL[i];
        let (f, why) = fractions[i];
        let weight = u64::from(w.of(kind));
        let max_milli = u32::try_from(weight * 100_000 / sum).unwrap_or(0);
        let milli = u32::try_from(weight * u64::from(f.min(1000)) * 100 / sum).unwrap_or(0);
        total += milli;
        Part {
            kind,
            milli,
            max_milli,
            why,
        }
    });
    Score {
        total_milli: total.min(100_000),
        parts,
    }
}

/// The outcome of ranking every organization for a tender.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// The best eligible organizations: index into the candidates and score, best first
    /// (ties by lower organization id).
    pub top: Vec<(usize, Score)>,
    /// Eligible organizations in all.
    pub eligible: usize,
    /// Excluded organizations by rule code (an organization counts under every rule that
    /// fired), in [`Exclusion::CODES`] order.
    pub excluded_by: [usize; 8],
    /// Excluded organizations in all.
    pub excluded: usize,
}

/// Keeps the `n` largest keys pushed: a min-heap whose root is the weakest kept entry, so a
/// scan over 100,000 candidates holds `n` of them at a time.
struct TopN<K: Ord> {
    n: usize,
    heap: BinaryHeap<Reverse<K>>,
}

impl<K: Ord> TopN<K> {
    fn new(n: usize) -> Self {
        TopN {
            n,
            heap: BinaryHeap::with_capacity(n + 1),
        }
    }

    fn push(&mut self, key: K) {
        if self.heap.len() < self.n {
            self.heap.push(Reverse(key));
        } else if self.heap.peek().is_some_and(|Reverse(min)| key > *min) {
            self.heap.pop();
            self.heap.push(Reverse(key));
        }
    }

    /// The kept keys, largest first.
    fn into_sorted(self) -> Vec<K> {
        let mut v: Vec<K> = self.heap.into_iter().map(|Reverse(k)| k).collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    }
}

/// Ranks every candidate for a tender, keeping the best `n`: one pass, a bounded heap.
pub fn rank(
    t: &TenderProfile,
    cands: &[Candidate],
    today: Date,
    w: &MatchingWeights,
    n: usize,
) -> Ranking {
    let mut r = Ranking::default();
    let mut best = TopN::new(n);
    for (i, c) in cands.iter().enumerate() {
        match assess(t, c, today, w) {
            Assessment::Excluded(why) => {
                r.excluded += 1;
                for e in &why {
                    if let Some(p) = Exclusion::CODES.iter().position(|k| *k == e.code()) {
                        r.excluded_by[p] += 1;
                    }
                }
            }
            Assessment::Scored(s) => {
                r.eligible += 1;
                if n == 0 {
                    continue;
                }
                best.push((s.total_milli, Reverse(c.org_id), i));
            }
        }
    }
    r.top = best
        .into_sorted()
        .into_iter()
        .map(|(_, _, i)| (i, score(t, &cands[i], today, w)))
        .collect();
    r
}

/// The open tenders an organization may take, best first (ties by lower tender id), at most
/// `n`: index into the tenders and score.
pub fn recommend(
    c: &Candidate,
    tenders: &[TenderProfile],
    today: Date,
    w: &MatchingWeights,
    n: usize,
) -> Vec<(usize, Score)> {
    if n == 0 {
        return vec![];
    }
    let mut best = TopN::new(n);
    for (i, t) in tenders.iter().enumerate() {
        if !eligibility(&t.rules, &c.facts, today).is_empty() {
            continue;
        }
        let s = score(t, c, today, w);
        best.push((s.total_milli, Reverse(t.tender_id), i));
    }
    best.into_sorted()
        .into_iter()
        .map(|(_, _, i)| (i, score(&tenders[i], c, today, w)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn top_n_keeps_the_largest_in_order() {
        let mut t = super::TopN::new(3);
        for k in [5, 1, 9, 7, 3, 9] {
            t.push(k);
        }
        assert_eq!(t.into_sorted(), vec![9, 9, 7]);
        let mut none = super::TopN::new(0);
        none.push(1);
        assert!(none.into_sorted().is_empty());
    }

    use super::*;
    use crate::orgs::OrgKind;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 27);

    fn cand(id: i64) -> Candidate {
        Candidate {
            org_id: id,
            name: format!("org {id}"),
            facts: OrgFacts {
                kind: OrgKind::SocialServiceAgency,
                credit: CreditStatus::Normal,
                rating: None,
                registered: date!(2018 - 01 - 01),
                league: Some("150100".into()),
                verified: true,
                ended: None,
            },
            county: Some("150102".into()),
            domains: domain_mask(["elderly"]),
            staff: 10,
            live_contracts: 0,
            completed: 0,
            milestones_decided: 0,
            milestones_first_time: 0,
            rating_sum: 0,
            rating_count: 0,
            incubator: None,
            incubator_graduated: false,
        }
    }

    fn tender() -> TenderProfile {
        TenderProfile {
            tender_id: 1,
            title: "t".into(),
            rules: Eligibility::default(),
            domain_bit: domain_bit("elderly"),
            league: Some("150100".into()),
            county: Some("150102".into()),
        }
    }

    fn w() -> MatchingWeights {
        MatchingWeights::default()
    }

    fn part(s: &Score, k: PartKind) -> Part {
        s.parts[PartKind::ALL.iter().position(|p| *p == k).unwrap()]
    }

    fn excluded(t: &TenderProfile, c: &Candidate) -> Vec<&'static str> {
        match assess(t, c, TODAY, &w()) {
            Assessment::Excluded(v) => v.iter().map(Exclusion::code).collect(),
            Assessment::Scored(_) => vec![],
        }
    }

    #[test]
    fn each_exclusion_rule_fires_alone() {
        let t = tender();
        assert!(excluded(&t, &cand(1)).is_empty());

        let mut c = cand(1);
        c.facts.credit = CreditStatus::Abnormal;
        assert_eq!(excluded(&t, &c), vec!["credit"]);
        c.facts.credit = CreditStatus::Dishonest;
        assert_eq!(excluded(&t, &c), vec!["credit"]);

        let mut t3 = tender();
        t3.rules.min_grade = Some(3);
        let mut c = cand(1);
        assert_eq!(excluded(&t3, &c), vec!["rating"], "unrated");
        c.facts.rating = Some((2, date!(2030 - 01 - 01)));
        assert_eq!(excluded(&t3, &c), vec!["rating"], "below");
        c.facts.rating = Some((4, date!(2026 - 11 - 26)));
        assert_eq!(excluded(&t3, &c), vec!["rating_expired"], "expired");
        c.facts.rating = Some((2, date!(2026 - 11 - 26)));
        assert_eq!(excluded(&t3, &c), vec!["rating"], "expired and too low");
        c.facts.rating = Some((3, TODAY));
        assert!(excluded(&t3, &c).is_empty(), "valid through today");

        let mut tp = tender();
        tp.rules.allowed_leagues = vec!["150200".into()];
        assert_eq!(excluded(&tp, &cand(1)), vec!["place"]);
        let mut outside = cand(1);
        outside.facts.league = None;
        tp.rules.allowed_leagues = vec!["150100".into()];
        assert_eq!(excluded(&tp, &outside), vec!["place"]);

        let mut ty = tender();
        ty.rules.min_years = 3;
        let mut c = cand(1);
        c.facts.registered = date!(2023 - 11 - 28);
        assert_eq!(excluded(&ty, &c), vec!["young"]);
        c.facts.registered = date!(2023 - 11 - 27);
        assert!(excluded(&ty, &c).is_empty(), "exactly three years");

        let mut ts = tender();
        ts.rules.social_only = true;
        for kind in [OrgKind::Enterprise, OrgKind::PublicInstitution] {
            let mut c = cand(1);
            c.facts.kind = kind;
            assert_eq!(excluded(&ts, &c), vec!["social"]);
            // Without the set-aside an enterprise is a match like any other.
            assert!(excluded(&tender(), &c).is_empty());
        }
        for kind in [
            OrgKind::SocialGroup,
            OrgKind::Foundation,
            OrgKind::SocialServiceAgency,
        ] {
            let mut c = cand(1);
            c.facts.kind = kind;
            assert!(excluded(&ts, &c).is_empty());
        }
    }

    #[test]
    fn every_rule_that_fires_is_reported() {
        let mut t = tender();
        t.rules = Eligibility {
            min_grade: Some(3),
            social_only: true,
            allowed_leagues: vec!["150200".into()],
            min_years: 2,
        };
        let mut c = cand(1);
        c.facts.kind = OrgKind::Enterprise;
        c.facts.credit = CreditStatus::Abnormal;
        c.facts.registered = TODAY;
        assert_eq!(
            excluded(&t, &c),
            vec!["credit", "rating", "social", "place", "young"]
        );
    }

    #[test]
    fn exclusion_messages_name_the_rule() {
        let e = Exclusion::RatingExpired {
            required: 3,
            grade: 4,
        };
        let m = e.message(Lang::En);
        assert!(m.contains("4A") && m.contains("3A"), "{m}");
        assert!(!Exclusion::Place.message(Lang::Zh).is_empty());
    }

    #[test]
    fn domain_part() {
        let t = tender();
        let s = score(&t, &cand(1), TODAY, &w());
        assert_eq!(part(&s, PartKind::Domain).milli, 30_000);
        let mut broad = cand(1);
        broad.domains = domain_mask(["elderly", "community", "health", "legal"]);
        let s = score(&t, &broad, TODAY, &w());
        assert_eq!(part(&s, PartKind::Domain).milli, 22_500);
        assert_eq!(
            part(&s, PartKind::Domain).why,
            Why::Domain {
                offers: true,
                listed: 4
            }
        );
        let mut other = cand(1);
        other.domains = domain_mask(["legal"]);
        assert_eq!(
            part(&score(&t, &other, TODAY, &w()), PartKind::Domain).milli,
            0
        );
        let mut unknown = tender();
        unknown.domain_bit = None;
        assert_eq!(
            part(&score(&unknown, &cand(1), TODAY, &w()), PartKind::Domain).milli,
            0
        );
    }

    #[test]
    fn distance_part_orders_county_league_region_outside() {
        let t = tender();
        let pts = |c: &Candidate| part(&score(&t, c, TODAY, &w()), PartKind::Distance);
        let same = cand(1);
        let mut league = cand(2);
        league.county = Some("150103".into());
        let mut region = cand(3);
        region.facts.league = Some("150200".into());
        region.county = Some("150202".into());
        let mut outside = cand(4);
        outside.facts.league = None;
        outside.county = None;
        assert_eq!(pts(&same).milli, 20_000);
        assert_eq!(pts(&league).milli, 12_000);
        assert_eq!(pts(&region).milli, 6_000);
        assert_eq!(pts(&outside).milli, 0);
        assert_eq!(pts(&league).why, Why::Distance(Distance::SameLeague));
        // A league-wide tender: anywhere in the league is the nearest class.
        let mut lt = tender();
        lt.county = None;
        assert_eq!(
            part(&score(&lt, &league, TODAY, &w()), PartKind::Distance).why,
            Why::Distance(Distance::SameCounty)
        );
        // A region-wide tender.
        let mut rt = tender();
        rt.county = None;
        rt.league = None;
        assert_eq!(
            part(&score(&rt, &region, TODAY, &w()), PartKind::Distance).why,
            Why::Distance(Distance::SameCounty)
        );
        assert_eq!(
            part(&score(&rt, &outside, TODAY, &w()), PartKind::Distance).why,
            Why::Distance(Distance::Outside)
        );
    }

    #[test]
    fn rating_part_counts_only_valid_grades() {
        let t = tender();
        let mut c = cand(1);
        c.facts.rating = Some((4, date!(2028 - 01 - 01)));
        let p = part(&score(&t, &c, TODAY, &w()), PartKind::Rating);
        assert_eq!((p.milli, p.why), (12_000, Why::Rating(Some(4))));
        c.facts.rating = Some((5, date!(2026 - 01 - 01)));
        let p = part(&score(&t, &c, TODAY, &w()), PartKind::Rating);
        assert_eq!((p.milli, p.why), (0, Why::Rating(None)));
        c.facts.rating = Some((5, TODAY));
        assert_eq!(
            part(&score(&t, &c, TODAY, &w()), PartKind::Rating).milli,
            15_000
        );
    }

    #[test]
    fn track_record_part() {
        let t = tender();
        let mut c = cand(1);
        assert_eq!(part(&score(&t, &c, TODAY, &w()), PartKind::Track).milli, 0);
        c.completed = 5;
        c.milestones_decided = 10;
        c.milestones_first_time = 10;
        c.rating_sum = 25;
        c.rating_count = 5;
        let p = part(&score(&t, &c, TODAY, &w()), PartKind::Track);
        assert_eq!(p.milli, 15_000, "perfect record");
        // 2 of 5 completed → 160; 3 of 4 first time → 225; mean 4.0 → 240: 625/1000 of 15.
        c.completed = 2;
        c.milestones_decided = 4;
        c.milestones_first_time = 3;
        c.rating_sum = 8;
        c.rating_count = 2;
        let p = part(&score(&t, &c, TODAY, &w()), PartKind::Track);
        assert_eq!(p.milli, 9_375);
        assert_eq!(
            p.why,
            Why::Track {
                completed: 2,
                first_time_bp: Some(7_500),
                rating_x100: Some(400)
            }
        );
        let r = p.reason(Lang::En, "elderly");
        assert!(
            r.contains('2') && r.contains("75%") && r.contains("4.00"),
            "{r}"
        );
    }

    #[test]
    fn capacity_part() {
        let t = tender();
        let mut c = cand(1);
        c.staff = 20;
        let cap = |c: &Candidate| part(&score(&t, c, TODAY, &w()), PartKind::Capacity).milli;
        assert_eq!(cap(&c), 10_000);
        c.live_contracts = 2;
        assert_eq!(cap(&c), 5_000, "10 of 20 staff busy");
        c.live_contracts = 4;
        assert_eq!(cap(&c), 0);
        c.live_contracts = 9;
        assert_eq!(cap(&c), 0, "overloaded is not negative");
        c.staff = 0;
        c.live_contracts = 0;
        assert_eq!(cap(&c), 0, "no staff reported");
    }

    #[test]
    fn incubator_part() {
        let t = tender();
        let mut c = cand(1);
        assert_eq!(
            part(&score(&t, &c, TODAY, &w()), PartKind::Incubator).milli,
            0
        );
        c.incubator = Some("青城孵化基地".into());
        assert_eq!(
            part(&score(&t, &c, TODAY, &w()), PartKind::Incubator).milli,
            10_000
        );
    }

    #[test]
    fn total_is_the_sum_of_parts_and_at_most_100() {
        let t = tender();
        let mut c = cand(1);
        c.facts.rating = Some((5, date!(2030 - 01 - 01)));
        c.completed = 9;
        c.milestones_decided = 3;
        c.milestones_first_time = 3;
        c.rating_sum = 15;
        c.rating_count = 3;
        c.incubator = Some("青城孵化基地".into());
        let s = score(&t, &c, TODAY, &w());
        assert_eq!(s.total_milli, 100_000);
        assert_eq!(s.display(), "100.0");
        let s = score(&t, &cand(1), TODAY, &w());
        assert_eq!(s.total_milli, s.parts.iter().map(|p| p.milli).sum::<u32>());
        assert_eq!(
            s.total_milli, 60_000,
            "domain 30 + distance 20 + capacity 10"
        );
    }

    #[test]
    fn weights_are_configuration() {
        let w = MatchingWeights::parse(
            "domain=50, distance=50, rating=0,track=0,capacity=0,incubator=0",
        )
        .unwrap();
        let s = score(&tender(), &cand(1), TODAY, &w);
        assert_eq!(s.total_milli, 100_000);
        assert_eq!(part(&s, PartKind::Capacity).max_milli, 0);
        // Weights not adding up to 100 are scaled.
        let w =
            MatchingWeights::parse("domain=1,distance=1,rating=0,track=0,capacity=0,incubator=0")
                .unwrap();
        let mut c = cand(1);
        c.domains = 0;
        assert_eq!(score(&tender(), &c, TODAY, &w).total_milli, 50_000);
        assert_eq!(
            MatchingWeights::parse("").unwrap(),
            MatchingWeights::default()
        );
        assert!(MatchingWeights::parse("domain").is_err());
        assert!(MatchingWeights::parse("colour=3").is_err());
        assert!(MatchingWeights::parse("domain=-1").is_err());
        assert!(
            MatchingWeights::parse("domain=0,distance=0,rating=0,track=0,capacity=0,incubator=0")
                .is_err()
        );
    }

    fn population() -> Vec<Candidate> {
        (1..=200)
            .map(|i| {
                let mut c = cand(i);
                c.staff = (i % 17) as i32;
                c.live_contracts = (i % 3) as u32;
                c.completed = (i % 7) as u32;
                if i % 5 == 0 {
                    c.facts.rating = Some(((i % 5 + 1) as i16, date!(2029 - 01 - 01)));
                }
                if i % 11 == 0 {
                    c.facts.credit = CreditStatus::Abnormal;
                }
                if i % 4 == 0 {
                    c.county = Some("150103".into());
                }
                if i % 13 == 0 {
                    c.facts.kind = OrgKind::Enterprise;
                }
                c
            })
            .collect()
    }

    #[test]
    fn ranking_is_stable_complete_and_never_lists_an_excluded_org() {
        let mut t = tender();
        t.rules.social_only = true;
        let cands = population();
        let r = rank(&t, &cands, TODAY, &w(), 10);
        assert_eq!(r.top.len(), 10);
        assert_eq!(r.eligible + r.excluded, cands.len());
        for (i, s) in &r.top {
            assert!(matches!(
                assess(&t, &cands[*i], TODAY, &w()),
                Assessment::Scored(x) if x == *s
            ));
        }
        // Best first, ties by lower id; the same as sorting everything.
        let mut all: Vec<(u32, i64)> = cands
            .iter()
            .filter_map(|c| match assess(&t, c, TODAY, &w()) {
                Assessment::Scored(s) => Some((s.total_milli, c.org_id)),
                Assessment::Excluded(_) => None,
            })
            .collect();
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let got: Vec<(u32, i64)> = r
            .top
            .iter()
            .map(|(i, s)| (s.total_milli, cands[*i].org_id))
            .collect();
        assert_eq!(got, all[..10].to_vec());
        // Stable: shuffled input gives the same ranking.
        let mut rev = cands.clone();
        rev.reverse();
        let again: Vec<(u32, i64)> = rank(&t, &rev, TODAY, &w(), 10)
            .top
            .iter()
            .map(|(i, s)| (s.total_milli, rev[*i].org_id))
            .collect();
        assert_eq!(got, again);
        // Exclusion counts by rule.
        let credit = cands
            .iter()
            .filter(|c| c.facts.credit != CreditStatus::Normal)
            .count();
        assert_eq!(r.excluded_by[0], credit);
        let social = cands
            .iter()
            .filter(|c| !c.facts.kind.is_social_org())
            .count();
        assert_eq!(r.excluded_by[5], social);
        assert_eq!(rank(&t, &cands, TODAY, &w(), 0).top.len(), 0);
        assert_eq!(rank(&t, &cands, TODAY, &w(), 1000).top.len(), r.eligible);
    }

    #[test]
    fn recommendations_skip_tenders_the_org_may_not_take() {
        let c = cand(1);
        let mut tenders: Vec<TenderProfile> = (1..=30)
            .map(|i| {
                let mut t = tender();
                t.tender_id = i;
                if i % 2 == 0 {
                    t.domain_bit = domain_bit("legal");
                }
                if i % 3 == 0 {
                    t.county = Some("150103".into());
                }
                t
            })
            .collect();
        tenders[4].rules.min_grade = Some(3);
        let r = recommend(&c, &tenders, TODAY, &w(), 5);
        assert_eq!(r.len(), 5);
        assert!(r.iter().all(|(i, _)| tenders[*i].tender_id != 5));
        let ids: Vec<i64> = r.iter().map(|(i, _)| tenders[*i].tender_id).collect();
        // Same domain and county first, by id: 1, 7, 11, 13, 17 (5 is excluded).
        assert_eq!(ids, vec![1, 7, 11, 13, 17]);
        assert!(
            r.windows(2)
                .all(|p| p[0].1.total_milli >= p[1].1.total_milli)
        );
    }
}
