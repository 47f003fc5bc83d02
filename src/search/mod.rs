//! Search across tenders, organizations and brand projects.
//!
//! One [`Backend`] trait with two engines: [`embedded::Embedded`] (tantivy + jieba, under the
//! data directory; the default) and [`meili::Meili`] (Meilisearch, when `MEILISEARCH_URL` is
//! set). Both read the index definitions in `search/*.json` ([`rules::Kind::def`]).
//!
//! Indexing goes through a transactional outbox: every write that changes a searchable record
//! calls `kernel::outbox::enqueue` in its own transaction; [`drain_once`] (a job in `app::jobs`)
//! builds the current public documents of the changed records, hands them to the engine, and
//! marks the rows done only after the engine acknowledged them. A crash in between resends
//! the same documents, which replace themselves by key, so delivery is at least once and
//! idempotent. While the engine is down the rows wait with exponential backoff.

pub mod embedded;
pub mod meili;
pub mod model;
pub mod places;
pub mod routes;
pub mod rules;
pub mod views;

use std::collections::BTreeMap;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use crate::kernel::instances;

pub use model::{enqueue_lapsed_ratings, pending, prune, record_count};
pub use rules::{Found, Kind, Request};

/// A document: attribute → JSON value.
pub type Document = serde_json::Map<String, serde_json::Value>;

/// What can go wrong with a search engine.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The engine is unreachable or failed; worth retrying.
    #[error("search engine: {0}")]
    Engine(String),
    /// The request or a document does not fit the index definition.
    #[error("invalid: {0}")]
    Invalid(String),
}

/// A search engine holding one index per [`Kind`].
#[async_trait::async_trait]
pub trait Backend: Send + Sync {
    /// Short name for logs and the health page.
    fn name(&self) -> &'static str;
    /// Creates the indexes and applies the definitions (idempotent).
    async fn prepare(&self) -> Result<(), SearchError>;
    /// Adds or replaces documents by key and deletes keys; returns once the engine has
    /// applied them and they are visible to searches.
    async fn apply(
        &self,
        kind: Kind,
        upserts: Vec<Document>,
        deletes: Vec<i64>,
    ) -> Result<(), SearchError>;
    /// Removes every document of a kind.
    async fn clear(&self, kind: Kind) -> Result<(), SearchError>;
    /// Searches one kind.
    async fn search(&self, kind: Kind, req: &Request) -> Result<Found, SearchError>;
    /// Documents in the index of a kind.
    async fn count(&self, kind: Kind) -> Result<u64, SearchError>;
    /// Starts rebuilding a kind into a new, empty index beside the live one, which goes on
    /// answering searches; returns the new index's name. (The default, for engines that
    /// cannot, empties the live index.)
    async fn rebuild_start(&self, kind: Kind) -> Result<String, SearchError> {
        self.clear(kind).await.map(|_| String::new())
    }
    /// Adds documents to the index being rebuilt.
    async fn rebuild_apply(
        &self,
        kind: Kind,
        rebuild: &str,
        docs: Vec<Document>,
    ) -> Result<(), SearchError> {
        let _ = rebuild;
        self.apply(kind, docs, vec![]).await
    }
    /// Puts the rebuilt index live in one step (searches see the old index or the new,
    /// never an empty or half-built one) and drops the old. `since` is when the rebuild
    /// began: changes from then on are delivered again ([`reindex`]).
    async fn rebuild_finish(
        &self,
        kind: Kind,
        rebuild: &str,
        since: i64,
    ) -> Result<(), SearchError> {
        let _ = (kind, rebuild, since);
        Ok(())
    }
    /// Takes up indexes another process swapped in (`civicbridge reindex` beside a running
    /// server): the kinds swapped, each with when its rebuild began.
    async fn refresh(&self) -> Result<Vec<(Kind, i64)>, SearchError> {
        Ok(Vec::new())
    }
    /// Waits until the engine's own background work on its indexes is done (the embedded
    /// index's segment merges after a rebuild), for a command about to exit: its rebuild is
    /// then left merged on disk, instead of the next server to open it merging it at start
    /// (the largest memory spike of a server that starts on a freshly seeded index).
    async fn settle(&self) -> Result<(), SearchError> {
        Ok(())
    }
}

/// The engine in use, shared by the server's handlers and jobs.
#[derive(Clone)]
pub struct Search {
    backend: Arc<dyn Backend>,
    /// Set when the embedded index was created empty and must be rebuilt from the database.
    pub needs_rebuild: bool,
    /// Set while this instance builds a missing index at start: the pages then say that
    /// results are still coming instead of "nothing matches".
    building: Arc<std::sync::atomic::AtomicBool>,
}

impl Search {
    /// Wraps a backend.
    pub fn new(backend: Arc<dyn Backend>, needs_rebuild: bool) -> Search {
        Search {
            backend,
            needs_rebuild,
            building: Arc::default(),
        }
    }

    /// Whether a missing index is being built (results may be incomplete).
    pub fn building(&self) -> bool {
        self.building.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Marks the start or the end of building the missing indexes.
    pub fn set_building(&self, building: bool) {
        self.building
            .store(building, std::sync::atomic::Ordering::Release);
    }

    /// Opens the configured engine: Meilisearch when `meilisearch_url` is set (and not
    /// blank), else the embedded index under `<data_dir>/search`.
    pub fn open(
        data_dir: &std::path::Path,
        meilisearch_url: Option<&str>,
        meilisearch_api_key: Option<&str>,
        index_prefix: &str,
    ) -> anyhow::Result<Search> {
        match meilisearch_url.filter(|u| !u.trim().is_empty()) {
            Some(url) => Ok(Search::new(
                Arc::new(meili::Meili::new(
                    url.trim(),
                    meilisearch_api_key,
                    index_prefix,
                )?),
                false,
            )),
            None => {
                let e = embedded::Embedded::open(&data_dir.join("search"))?;
                let fresh = e.fresh();
                Ok(Search::new(Arc::new(e), fresh))
            }
        }
    }

    /// The backend.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }
}

/// What produced the results of [`find`] when the words as typed found nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Names that sound like the query (its pinyin): an input method's homophone slip.
    SoundsLike,
    /// Names and titles sharing the query's character bigrams ([`rules::Matching::Characters`]).
    Characters,
}

/// Results of [`find`] and how they were reached.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What was found.
    pub found: Found,
    /// `None` when the words found these; else the fallback that did.
    pub fallback: Option<Fallback>,
}

/// Searches the way users get results (issue 16 point 3, no dead ends): the words as typed;
/// when they find nothing, names that sound like them; when those find nothing either, names
/// and titles by their characters — the query's bigrams from the first on, then from the
/// second on, … (see [`rules::gram_queries`]). Both engines run the same steps through the
/// [`Backend`] trait, so they fall back alike. A request already matching by characters, or
/// without text, is run as it is.
pub async fn find(
    backend: &dyn Backend,
    kind: Kind,
    req: &Request,
) -> Result<Outcome, SearchError> {
    let found = backend.search(kind, req).await?;
    if found.total > 0 || req.text.trim().is_empty() || req.matching != rules::Matching::Words {
        return Ok(Outcome {
            found,
            fallback: None,
        });
    }
    if let Some(spelled) = rules::sounds_like_query(&req.text) {
        let alt = Request {
            text: spelled,
            ..req.clone()
        };
        let near = backend.search(kind, &alt).await?;
        if near.total > 0 {
            return Ok(Outcome {
                found: near,
                fallback: Some(Fallback::SoundsLike),
            });
        }
    }
    for text in rules::gram_queries(&req.text) {
        let alt = Request {
            text,
            matching: rules::Matching::Characters,
            ..req.clone()
        };
        let near = backend.search(kind, &alt).await?;
        if near.total > 0 {
            return Ok(Outcome {
                found: near,
                fallback: Some(Fallback::Characters),
            });
        }
    }
    Ok(Outcome {
        found,
        fallback: None,
    })
}

/// Rows taken per drain round.
pub const BATCH: u64 = 500;
/// Longest wait between retries, in seconds.
pub const MAX_BACKOFF: i64 = 300;

/// Seconds to wait after `attempts` failed deliveries: 2, 4, 8 … capped at [`MAX_BACKOFF`].
pub fn backoff(attempts: i32) -> i64 {
    let exp = attempts.clamp(0, 16) as u32;
    (2i64 << exp).min(MAX_BACKOFF)
}

/// What one drain round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Drained {
    /// Outbox rows marked done.
    pub rows: usize,
    /// Documents sent (added or replaced).
    pub upserts: usize,
    /// Keys deleted.
    pub deletes: usize,
    /// Rows that failed and wait for a retry.
    pub failed: usize,
}

/// Delivers due outbox rows once: at most [`BATCH`] rows, grouped by kind.
pub async fn drain_once(
    db: &DatabaseConnection,
    backend: &dyn Backend,
    now: i64,
) -> Result<Drained, DbErr> {
    let rows = model::due(db, now, BATCH).await?;
    let mut by_kind: BTreeMap<Kind, (Vec<i64>, Vec<i64>, i32)> = BTreeMap::new();
    let mut unknown = Vec::new();
    for r in &rows {
        match Kind::parse(&r.kind) {
            Some(k) => {
                let e = by_kind.entry(k).or_default();
                e.0.push(r.id);
                if !e.1.contains(&r.record_id) {
                    e.1.push(r.record_id);
                }
                e.2 = e.2.max(r.attempts);
            }
            None => unknown.push(r.id),
        }
    }
    let mut out = Drained::default();
    // A row of a kind this build does not know cannot be delivered; it is closed, not retried.
    model::mark_done(db, &unknown, now).await?;
    let today = crate::kernel::clock::shanghai_date(now);
    for (kind, (row_ids, record_ids, attempts)) in by_kind {
        // The records' own documents, then those of records that carry something of them
        // (an organization's brands); the rows are done only when every one was applied.
        let mut deliveries = vec![(kind, record_ids.clone())];
        deliveries.extend(model::dependents(db, kind, &record_ids).await?);
        let (mut n_up, mut n_del) = (0, 0);
        let mut result = Ok(());
        for (k, ids) in deliveries {
            if ids.is_empty() {
                continue;
            }
            let (docs, deletes) = model::documents(db, k, &ids, today).await?;
            let (u, d) = (docs.len(), deletes.len());
            result = backend.apply(k, docs, deletes).await;
            if result.is_err() {
                break;
            }
            n_up += u;
            n_del += d;
        }
        match result {
            Ok(()) => {
                model::mark_done(db, &row_ids, now).await?;
                out.rows += row_ids.len();
                out.upserts += n_up;
                out.deletes += n_del;
            }
            Err(e) => {
                tracing::warn!(kind = kind.code(), error = %e, "search delivery failed; will retry");
                model::mark_failed(db, &row_ids, now + backoff(attempts), &e.to_string()).await?;
                out.failed += row_ids.len();
            }
        }
    }
    Ok(out)
}

/// Drains until nothing due is left or a round fails (tests and the CLI).
pub async fn drain_all(
    db: &DatabaseConnection,
    backend: &dyn Backend,
    now: i64,
) -> Result<Drained, DbErr> {
    let mut total = Drained::default();
    loop {
        let d = drain_once(db, backend, now).await?;
        total.rows += d.rows;
        total.upserts += d.upserts;
        total.deletes += d.deletes;
        total.failed += d.failed;
        if d.rows == 0 || d.failed > 0 {
            return Ok(total);
        }
    }
}

/// Rebuilds one kind's index from the database: empties it, then sends every public record
/// in key order. `progress` is called with the records done so far.
pub async fn reindex(
    db: &DatabaseConnection,
    backend: &dyn Backend,
    kind: Kind,
    now: i64,
    batch: u64,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<u64> {
    backend.prepare().await?;
    let rebuild = backend.rebuild_start(kind).await?;
    // Read before any record: what they announce is in the records the rebuild reads next,
    // so the server need not deliver them again (after a seed, thousands of them).
    let covered = model::pending_ids(db, kind).await?;
    let today = crate::kernel::clock::shanghai_date(now);
    let mut done = 0u64;
    // The next batch is read from the database while the engine takes this one: the reads
    // wait on the database's threads, the engine on its own.
    let mut pending = read_batch(db, kind, 0, batch, today).await?;
    while let Some((last, n, docs)) = pending {
        let (next, applied) = tokio::join!(
            read_batch(db, kind, last, batch, today),
            backend.rebuild_apply(kind, &rebuild, docs)
        );
        applied?;
        done += n;
        progress(done);
        pending = next?;
    }
    backend.rebuild_finish(kind, &rebuild, now).await?;
    model::mark_done(db, &covered, now).await?;
    if kind == Kind::Orgs {
        // The records just indexed reflect every lapse up to `today`: the first server
        // after a seed need not sweep them again.
        record_rating_sweep(db, today.next_day().unwrap_or(today), now).await?;
    }
    // A record changed while its batch was already read reached the old index only.
    model::requeue_since(db, kind, now).await?;
    Ok(done)
}

/// The `job_claims` row whose mark is the Julian day the lapsed-rating sweep has reached:
/// every lapse before that day is in the index. Kept in the database, so a restarted server
/// does not re-index a year of lapses an earlier one already swept (3,599 of 100,000 demo
/// organizations at every start), and left by a full rebuild of the organizations.
pub const RATING_SWEEP: &str = "search_rating_sweep";

/// The day the lapsed-rating sweep resumes from: the mark any process left, or a year before
/// `today` when there is none (a rating lapsed longer ago has surely been written since).
pub async fn rating_sweep_mark(
    db: &impl ConnectionTrait,
    today: time::Date,
) -> Result<time::Date, DbErr> {
    let year_ago = today - time::Duration::days(366);
    let left = instances::claim_of(db, RATING_SWEEP)
        .await?
        .and_then(|(_, day)| time::Date::from_julian_day(i32::try_from(day).ok()?).ok());
    Ok(left.map_or(year_ago, |day| day.max(year_ago)))
}

/// Queues the organizations whose rating lapsed on a day from `from` to `today` (a lapse
/// changes the rating facet without any write) and records the day after `today` as the
/// sweep's mark; returns that day.
pub async fn sweep_lapsed_ratings(
    db: &impl ConnectionTrait,
    from: time::Date,
    today: time::Date,
    now: i64,
) -> Result<time::Date, DbErr> {
    let to = today.next_day().unwrap_or(today);
    model::enqueue_lapsed_ratings(db, from, to, now).await?;
    record_rating_sweep(db, to, now).await?;
    Ok(to)
}

/// Moves the sweep's mark forward to `to` (never back: another instance may be ahead).
async fn record_rating_sweep(
    db: &impl ConnectionTrait,
    to: time::Date,
    now: i64,
) -> Result<(), DbErr> {
    let day = i64::from(to.to_julian_day());
    instances::claim_tick(db, RATING_SWEEP, day, instances::instance_id(), now).await?;
    Ok(())
}

/// The batch of `kind` after `after`: its last key, its size and its documents; `None` past
/// the end.
async fn read_batch(
    db: &DatabaseConnection,
    kind: Kind,
    after: i64,
    batch: u64,
    today: time::Date,
) -> Result<Option<(i64, u64, Vec<Document>)>, DbErr> {
    let ids = model::ids_after(db, kind, after, batch).await?;
    let Some(&last) = ids.last() else {
        return Ok(None);
    };
    let (docs, _) = model::documents(db, kind, &ids, today).await?;
    Ok(Some((last, ids.len() as u64, docs)))
}

/// Takes up indexes another process rebuilt and swapped in, and delivers again what changed
/// since each rebuild began (this process may have delivered it to the old index).
pub async fn refresh(db: &DatabaseConnection, backend: &dyn Backend) -> anyhow::Result<usize> {
    let swapped = backend.refresh().await?;
    for (kind, since) in &swapped {
        tracing::info!(kind = kind.code(), "took up a rebuilt search index");
        model::requeue_since(db, *kind, *since).await?;
    }
    Ok(swapped.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(0), 2);
        assert_eq!(backoff(1), 4);
        assert_eq!(backoff(2), 8);
        assert_eq!(backoff(7), 256);
        assert_eq!(backoff(8), MAX_BACKOFF);
        assert_eq!(backoff(1000), MAX_BACKOFF);
        assert_eq!(backoff(-3), 2);
    }
}
