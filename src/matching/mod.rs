//! Matching (对接): which organizations fit a tender and which open tenders fit an
//! organization, with reasons. Every organization is either excluded, with every eligibility
//! rule that fired (the same rules as bidding, from `procurement::rules`), or scored 0–100
//! from six parts shown in words: service-domain fit, distance, rating grade, track record,
//! capacity and the incubator flag. Weights are configuration
//! ([`rules::MatchingWeights`]).
//!
//! Scoring runs on a compact in-memory snapshot of the organizations ([`Cache`]), reused for
//! `matching_cache_secs` and dropped at once by any organization write or contract change
//! through this server (awards and other instances' writes show within the time-to-live).
//! Buyers see the best matches of their tenders and may invite an organization to bid (an
//! in-app notification, idempotent); organization members see their invitations and
//! recommended tenders in their workspace. Public pages show no scores.
//!
//! The functions below take an [`Env`] (connection, clock, weights, caches), never the web
//! layer's state, so jobs, benches and tests call them as handlers do.
//!
//! May call: `procurement` (tenders, eligibility), `orgs` (registry), `contracts` (per-supplier
//! tallies), `units` (names), `incubators` (organizations in residence or recently
//! graduated), `web` (from `routes`
//! and `views` only).

pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

pub use rules::MatchingWeights;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{DatabaseConnection, DbErr};

use crate::kernel::clock::Clock;
use crate::procurement::{OpenTender, Tender};
use rules::{Assessment, Candidate, Ranking, Score, assess, rank};

type Slot = Option<(u64, u64, Instant, Arc<Vec<Candidate>>)>;

/// The generation's name in `cache_generations` (`kernel::instances`).
pub const GENERATION: &str = "matching";

/// The organizations snapshot, one per application state. It is reused while neither its
/// own shared generation nor the organization totals' moved (writes through any instance
/// move them) and its time-to-live has not run out.
#[derive(Debug, Default)]
pub struct Cache {
    slot: Mutex<Slot>,
    /// Held while a snapshot is built.
    building: tokio::sync::Mutex<()>,
}

impl Cache {
    /// The kept snapshot if it was built under these generations within `ttl`.
    fn fresh(
        &self,
        [generation, orgs_generation]: [u64; 2],
        ttl: Duration,
    ) -> Option<Arc<Vec<Candidate>>> {
        let slot = self.slot.lock().ok()?;
        let (g, og, at, snap) = slot.as_ref()?;
        (*g == generation && *og == orgs_generation && at.elapsed() < ttl).then(|| snap.clone())
    }

    /// Forgets the snapshot on every instance (after committed writes that change what
    /// matching reads). A failure is logged: the write stands and the time-to-live bounds
    /// the staleness.
    pub async fn invalidate(&self, db: &impl sea_orm::ConnectionTrait) {
        if let Err(e) = crate::kernel::instances::bump(db, GENERATION).await {
            tracing::warn!(error = %e, "could not raise the matching snapshot's generation");
        }
    }
}

/// What matching reads: the connection, the clock, the weights, and the caches that decide
/// whether the snapshot is still fresh.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// Connection pool.
    pub db: &'a DatabaseConnection,
    /// The clock: today for eligibility and scoring, now for tenders still open.
    pub clock: &'a Clock,
    /// Scoring weights.
    pub weights: &'a MatchingWeights,
    /// The snapshot.
    pub cache: &'a Cache,
    /// How long a snapshot is reused (`matching_cache_secs`).
    pub ttl: Duration,
    /// How many months after graduation an organization still counts as incubated
    /// (`incubated_after_graduation_months`).
    pub alumni_months: u32,
}

/// The snapshot of every organization, from the cache when fresh. One request builds a
/// stale snapshot at a time; those that missed together wait for it and share it (measured:
/// 64 signed-in workspaces opened at once each read all 100,000 organizations, together
/// holding 2 GB, and none finished).
pub async fn candidates(env: &Env<'_>) -> Result<Arc<Vec<Candidate>>, DbErr> {
    let generations =
        crate::kernel::instances::generations(env.db, [GENERATION, crate::orgs::COUNTS_GENERATION])
            .await?;
    if let Some(snap) = env.cache.fresh(generations, env.ttl) {
        return Ok(snap);
    }
    let _turn = env.cache.building.lock().await;
    if let Some(snap) = env.cache.fresh(generations, env.ttl) {
        return Ok(snap);
    }
    let snap = Arc::new(model::candidates(env.db, env.clock.now(), env.alumni_months).await?);
    if let Ok(mut slot) = env.cache.slot.lock() {
        let [generation, orgs_generation] = generations;
        *slot = Some((generation, orgs_generation, Instant::now(), snap.clone()));
    }
    Ok(snap)
}

/// How many excluded organizations a buyer's page lists with their reasons.
pub const EXCLUDED_SHOWN: usize = 20;

/// A tender's matches: the ranking, the first excluded organizations with their reasons,
/// and the snapshot the indices point into.
pub struct TenderMatches {
    /// The snapshot.
    pub candidates: Arc<Vec<Candidate>>,
    /// Best eligible organizations and counts.
    pub ranking: Ranking,
    /// Some excluded organizations (lowest ids first) with every rule that fired.
    pub excluded: Vec<(usize, Vec<rules::Exclusion>)>,
}

/// Ranks every organization for a tender.
pub async fn for_tender(env: &Env<'_>, t: &Tender, n: usize) -> Result<TenderMatches, DbErr> {
    let candidates = candidates(env).await?;
    let today = env.clock.today();
    let profile = model::profile(t);
    let ranking = rank(&profile, &candidates, today, env.weights, n);
    let excluded = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match assess(&profile, c, today, env.weights) {
            Assessment::Excluded(why) => Some((i, why)),
            Assessment::Scored(_) => None,
        })
        .take(EXCLUDED_SHOWN)
        .collect();
    Ok(TenderMatches {
        candidates,
        ranking,
        excluded,
    })
}

/// One organization's assessment for a tender (`None` when no such organization).
pub async fn assess_one(
    env: &Env<'_>,
    t: &Tender,
    org_id: i64,
) -> Result<Option<(Candidate, Assessment)>, DbErr> {
    let candidates = candidates(env).await?;
    let Ok(i) = candidates.binary_search_by_key(&org_id, |c| c.org_id) else {
        return Ok(None);
    };
    let c = candidates[i].clone();
    let a = assess(&model::profile(t), &c, env.clock.today(), env.weights);
    Ok(Some((c, a)))
}

/// The open tenders an organization may take, best first, at most `n`.
pub async fn recommended(
    env: &Env<'_>,
    org_id: i64,
    n: usize,
) -> Result<Vec<(OpenTender, Score)>, DbErr> {
    let candidates = candidates(env).await?;
    let Ok(i) = candidates.binary_search_by_key(&org_id, |c| c.org_id) else {
        return Ok(vec![]);
    };
    let tenders = crate::procurement::open_tender_facts(env.db, env.clock.now()).await?;
    let profiles: Vec<rules::TenderProfile> = tenders.iter().map(model::open_profile).collect();
    let top = rules::recommend(&candidates[i], &profiles, env.clock.today(), env.weights, n);
    Ok(top
        .into_iter()
        .map(|(k, s)| (tenders[k].clone(), s))
        .collect())
}
