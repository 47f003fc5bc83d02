//! The matching engine on synthetic data, no I/O: rank 100,000 organizations for one tender
//! (target p50 ≤ 20 ms on one core) and recommend the best of 10,000 open tenders for one
//! organization (target ≤ 10 ms). Prints its own p50/p99 over 200 runs, then runs Criterion.
//! `cargo bench --bench matching`.

use std::hint::black_box;
use std::time::Instant;

use civicbridge::matching::rules::{
    Candidate, MatchingWeights, TenderProfile, domain_bit, rank, recommend,
};
use civicbridge::orgs::rules::{CreditStatus, DOMAINS, OrgKind};
use civicbridge::procurement::rules::{Eligibility, OrgFacts};
use civicbridge::regions::{Level, regions};
use criterion::Criterion;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TODAY: time::Date = time::macros::date!(2026 - 11 - 27);

/// Banners/counties with their leagues, to place organizations and tenders.
fn places() -> Vec<(String, String)> {
    regions()
        .of_level(Level::BannerCounty)
        .filter_map(|d| Some((d.parent.clone()?, d.code.clone())))
        .collect()
}

fn candidates(n: usize, rng: &mut ChaCha8Rng) -> Vec<Candidate> {
    let places = places();
    (0..n)
        .map(|i| {
            let (league, county) = places[rng.random_range(0..places.len())].clone();
            let kind = match rng.random_range(0..100) {
                0..30 => OrgKind::SocialGroup,
                30..85 => OrgKind::SocialServiceAgency,
                85..90 => OrgKind::Foundation,
                90..97 => OrgKind::Enterprise,
                _ => OrgKind::PublicInstitution,
            };
            let credit = match rng.random_range(0..100) {
                0..4 => CreditStatus::Abnormal,
                4..5 => CreditStatus::Dishonest,
                _ => CreditStatus::Normal,
            };
            let rating = rng.random_bool(0.4).then(|| {
                let until = time::Date::from_calendar_date(
                    rng.random_range(2025..2031),
                    time::Month::June,
                    30,
                )
                .unwrap_or(TODAY);
                (rng.random_range(1..=5), until)
            });
            let mut domains = 0u32;
            for _ in 0..rng.random_range(1..=4) {
                domains |= 1 << rng.random_range(0..DOMAINS.len() as u32);
            }
            let completed = rng.random_range(0..6);
            Candidate {
                org_id: i as i64 + 1,
                name: String::new(),
                facts: OrgFacts {
                    kind,
                    credit,
                    rating,
                    registered: time::Date::from_calendar_date(
                        rng.random_range(2000..2026),
                        time::Month::March,
                        1,
                    )
                    .unwrap_or(TODAY),
                    league: Some(league),
                    verified: true,
                    ended: None,
                },
                county: Some(county),
                domains,
                staff: rng.random_range(0..60),
                live_contracts: rng.random_range(0..4),
                completed,
                milestones_decided: completed * 3,
                milestones_first_time: completed * 2,
                rating_sum: completed * 4,
                rating_count: completed,
                incubator: rng.random_bool(0.05).then(|| "孵化基地".to_string()),
                incubator_graduated: false,
            }
        })
        .collect()
}

fn tenders(n: usize, rng: &mut ChaCha8Rng) -> Vec<TenderProfile> {
    let places = places();
    (0..n)
        .map(|i| {
            let (league, county) = places[rng.random_range(0..places.len())].clone();
            let allowed = if rng.random_bool(0.3) {
                vec![league.clone()]
            } else {
                vec![]
            };
            TenderProfile {
                tender_id: i as i64 + 1,
                title: String::new(),
                rules: Eligibility {
                    min_grade: rng.random_bool(0.3).then_some(3),
                    social_only: rng.random_bool(0.5),
                    allowed_leagues: allowed,
                    min_years: rng.random_range(0..3),
                },
                domain_bit: domain_bit(DOMAINS[rng.random_range(0..DOMAINS.len())].0),
                league: Some(league),
                county: Some(county),
            }
        })
        .collect()
}

/// p50 and p99 of `runs` timed calls, in milliseconds.
fn percentiles(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(|a, b| a.total_cmp(b));
    (t[runs / 2], t[runs * 99 / 100])
}

fn main() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let orgs = candidates(100_000, &mut rng);
    let open = tenders(10_000, &mut rng);
    let w = MatchingWeights::default();
    // A Hohhot Xincheng elderly-care tender requiring 3A, two years, social organizations.
    let tender = TenderProfile {
        tender_id: 1,
        title: String::new(),
        rules: Eligibility {
            min_grade: Some(3),
            social_only: true,
            allowed_leagues: vec![],
            min_years: 2,
        },
        domain_bit: domain_bit("elderly"),
        league: Some("150100".into()),
        county: Some("150102".into()),
    };
    let open_only = tender.clone();
    let org = orgs
        .iter()
        .find(|c| c.facts.credit == CreditStatus::Normal && c.facts.kind.is_social_org())
        .expect("a clean social organization")
        .clone();
    if !std::env::args().any(|a| a == "--test" || a == "--list") {
        let r = rank(&tender, &orgs, TODAY, &w, 20);
        let (p50, p99) = percentiles(200, || {
            black_box(rank(black_box(&tender), &orgs, TODAY, &w, 20));
        });
        println!(
            "rank 100,000 organizations (3A, 2 years, set-aside: {} eligible) for one tender: p50 {p50:.2} ms, p99 {p99:.2} ms",
            r.eligible
        );
        let mut open_rules = open_only;
        open_rules.rules = Eligibility::default();
        let (p50, p99) = percentiles(200, || {
            black_box(rank(black_box(&open_rules), &orgs, TODAY, &w, 20));
        });
        println!(
            "rank 100,000 organizations for an open tender (no rules): p50 {p50:.2} ms, p99 {p99:.2} ms"
        );
        let (p50, p99) = percentiles(200, || {
            black_box(recommend(black_box(&org), &open, TODAY, &w, 10));
        });
        println!(
            "recommend for one organization among 10,000 open tenders: p50 {p50:.3} ms, p99 {p99:.3} ms"
        );
    }
    let mut c = Criterion::default().configure_from_args();
    c.bench_function("rank_100k_orgs_one_tender", |b| {
        b.iter(|| rank(black_box(&tender), &orgs, TODAY, &w, 20))
    });
    c.bench_function("recommend_among_10k_tenders", |b| {
        b.iter(|| recommend(black_box(&org), &open, TODAY, &w, 10))
    });
    c.final_summary();
}
