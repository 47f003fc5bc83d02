//! Open data (issue 17): every public event of a tender as an OCDS 1.1.5 release, records
//! compiled from them, release and record packages, and yearly bulk files.
//!
//! Invariants: a release is written by [`record_in`] inside the transaction of the event it
//! reports (procurement's publish, amendment, opening, cancellation; contracts' award,
//! signature, milestone, payment, completion, termination), from the [`TenderFacts`] the
//! owning room hands over — this room never reads their tables. A stored release is never
//! updated or deleted: later events add releases, the record is compiled on reading. Nothing
//! about bids reaches a release before the opening (`TenderFacts::bids` is `None` until then,
//! and procurement fills it only from opened bids). Rows are numbered in commit order
//! (writers take a transaction-scoped lock first on PostgreSQL; SQLite has one writer), so
//! the API's cursor never skips or repeats a release.
//!
//! The deployment's settings (ocid prefix, identifier scheme, publisher, public address) are
//! installed once per process at start ([`install`]), like the audit keys: releases are
//! written deep inside other rooms' operations, which take a connection but no settings.
//!
//! May call: the kernel only.

pub mod flag_rules;
pub mod model;
pub mod notice_rules;
pub mod routes;
pub mod rules;
pub mod views;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbBackend, DbErr};
use sha2::{Digest, Sha256};

pub use flag_rules::{Flag, FlagCode, Tally};
pub use model::{NoticeFilter, StoredFlags, StoredNotice, StoredRelease};
pub use notice_rules::{NoticeDoc, NoticeKind, Outcome};
pub use rules::{
    AmendmentFacts, AwardFacts, BidFacts, ContractFacts, ContractStatus, DocumentFacts,
    MilestoneFacts, OcdsSettings, OrgFacts, PaymentFacts, Tag, TenderFacts,
};

static SETTINGS: RwLock<Option<OcdsSettings>> = RwLock::new(None);

/// Installs the deployment's settings for this process (the last installed wins: one
/// process serves one deployment; tests all use the defaults).
pub fn install(s: OcdsSettings) {
    if let Ok(mut g) = SETTINGS.write() {
        *g = Some(s);
    }
}

/// The installed settings (the defaults, with their test prefix, when none were).
pub fn settings() -> OcdsSettings {
    SETTINGS
        .read()
        .ok()
        .and_then(|g| g.clone())
        .unwrap_or_default()
}

/// The ocid of a tender under the installed prefix.
pub fn ocid_of(tender_id: i64) -> String {
    rules::ocid(&settings().ocid_prefix, tender_id)
}

/// Any number: the PostgreSQL advisory lock that orders release writers.
const RELEASE_LOCK: i64 = 0x0CD5_0017;

/// Records the release of an event, inside the event's transaction. Returns its id.
pub async fn record_in(
    db: &impl ConnectionTrait,
    facts: &TenderFacts,
    tag: Tag,
    now: i64,
) -> Result<String, DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        // Held to commit: the row number is taken after the previous writer committed, so
        // numbers follow commit order and a reader paging by number misses none.
        db.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({RELEASE_LOCK})"))
            .await?;
    }
    let s = settings();
    let ocid = rules::ocid(&s.ocid_prefix, facts.id);
    // One read serves both the release's number and the record its flags are evaluated on.
    let earlier = model::of_ocid(db, &ocid).await?;
    let seq = earlier.len() + 1;
    let r = rules::release(&s, facts, tag, seq as i64, now);
    let body = serde_json::to_string(&r).map_err(|e| DbErr::Custom(e.to_string()))?;
    let mut releases = parsed(&earlier)?;
    releases.push(serde_json::from_str(&body).map_err(|e| DbErr::Custom(e.to_string()))?);
    let stored = model::release::ActiveModel {
        release_id: Set(r.id.clone()),
        ocid: Set(ocid),
        tender_id: Set(facts.id),
        seq: Set(i32::try_from(seq).unwrap_or(i32::MAX)),
        tag: Set(tag.code().to_string()),
        at: Set(now),
        year: Set(crate::kernel::clock::shanghai_year(now)),
        body: Set(body),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // Same transaction: the release that is a notice is listed as one.
    if let Some(v) = releases.last() {
        insert_notice_of(db, &stored, v).await?;
    }
    // Same transaction: the stored flags always match the published record.
    if let Some(rec) = rules::compile(&s, &releases) {
        model::upsert_flags(db, flags_row(facts.id, &rec, now)).await?;
    }
    Ok(r.id)
}

// ---------------------------------------------------------------------------------------
// Notices

/// Lists a stored release as a notice when it is one (`notice_rules::row_of`).
async fn insert_notice_of(
    db: &impl ConnectionTrait,
    r: &StoredRelease,
    body: &serde_json::Value,
) -> Result<bool, DbErr> {
    let Some(row) = notice_rules::row_of(&r.tag, body) else {
        return Ok(false);
    };
    model::insert_notice(
        db,
        StoredNotice {
            id: r.id,
            tender_id: r.tender_id,
            kind: row.kind.code().to_string(),
            unit_id: row.unit_id,
            unit_name: row.unit_name,
            title: row.title,
            at: r.at,
        },
    )
    .await?;
    Ok(true)
}

/// Lists as notices the releases recorded before notices existed (run at start-up; ids
/// are the releases' rows, so they are the ones a live write would have given). Returns
/// how many were added.
pub async fn fill_missing_notices(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    let mut added = 0;
    for id in model::releases_without_notice(db).await? {
        let Some(r) = model::release_by_row(db, id).await? else {
            continue;
        };
        let body: serde_json::Value = serde_json::from_str(&r.body)
            .map_err(|e| DbErr::Custom(format!("release {}: {e}", r.release_id)))?;
        if insert_notice_of(db, &r, &body).await? {
            added += 1;
        }
    }
    Ok(added)
}

/// The units that have notices (the list's unit filter).
pub use model::notice_units;
/// One page of notices (newest first) and how many match.
pub use model::notices;

/// The latest `n` notices (the home page).
pub async fn latest_notices(db: &impl ConnectionTrait, n: u64) -> Result<Vec<StoredNotice>, DbErr> {
    Ok(model::notices(db, &NoticeFilter::default(), 0, n).await?.0)
}

/// A notice and what it says, read from its release; `None` for an unknown id.
pub async fn notice(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(StoredNotice, NoticeDoc)>, DbErr> {
    let Some(n) = model::notice_by_id(db, id).await? else {
        return Ok(None);
    };
    let Some(r) = model::release_by_row(db, id).await? else {
        return Ok(None);
    };
    let body: serde_json::Value = serde_json::from_str(&r.body)
        .map_err(|e| DbErr::Custom(format!("release {}: {e}", r.release_id)))?;
    let kind = NoticeKind::parse(&n.kind).unwrap_or(NoticeKind::Procurement);
    Ok(Some((n, notice_rules::doc_of(kind, &body))))
}

// ---------------------------------------------------------------------------------------
// Red flags

/// The stored flags row of a record: the indicators evaluated on its compiled release, with
/// the unit and title the record names.
pub fn flags_row(tender_id: i64, rec: &rules::Record, now: i64) -> StoredFlags {
    let c = &rec.compiled_release;
    let (codes, evidence) = flag_rules::to_stored(&flag_rules::evaluate(c));
    StoredFlags {
        tender_id,
        ocid: rec.ocid.clone(),
        unit_id: c["buyer"]["id"]
            .as_str()
            .and_then(rules::unit_id_of_party)
            .unwrap_or_default(),
        unit_name: c["buyer"]["name"].as_str().unwrap_or_default().to_string(),
        title: c["tender"]["title"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        codes,
        evidence,
        updated_at: now,
    }
}

/// Evaluates a tender's red flags on its compiled record and stores them (nothing when it
/// has no release yet). Cheap: one process's releases.
pub async fn refresh_flags(
    db: &impl ConnectionTrait,
    tender_id: i64,
    now: i64,
) -> Result<(), DbErr> {
    if let Some(rec) = record(db, &ocid_of(tender_id)).await? {
        model::upsert_flags(db, flags_row(tender_id, &rec, now)).await?;
    }
    Ok(())
}

/// Evaluates the tenders whose releases were recorded before the flags existed (run at
/// start-up; a no-op once every tender with releases has its row). Returns how many.
pub async fn evaluate_missing_flags(db: &impl ConnectionTrait, now: i64) -> Result<usize, DbErr> {
    let missing = model::tenders_without_flags(db).await?;
    for t in &missing {
        refresh_flags(db, *t, now).await?;
    }
    Ok(missing.len())
}

/// One tender's stored flags (`None`: no release, so nothing evaluated).
pub use model::flags_of_tender;
/// A unit's evaluated tenders; every evaluated tender's unit and codes.
pub use model::{flag_codes, flags_of_unit};

/// The largest page the API serves.
pub const MAX_PAGE: u64 = 500;

/// Newest first: releases below row `before`, dated at or after `since`.
pub use model::page;
/// One release by id; a process's releases oldest first.
pub use model::{by_release_id, of_ocid};

/// The record of a process, compiled from its stored releases; `None` when it has none.
pub async fn record(db: &impl ConnectionTrait, ocid: &str) -> Result<Option<rules::Record>, DbErr> {
    let rows = model::of_ocid(db, ocid).await?;
    let releases = parsed(&rows)?;
    Ok(rules::compile(&settings(), &releases))
}

/// The stored bodies as JSON values.
pub fn parsed(rows: &[StoredRelease]) -> Result<Vec<serde_json::Value>, DbErr> {
    rows.iter()
        .map(|r| {
            serde_json::from_str(&r.body)
                .map_err(|e| DbErr::Custom(format!("release {}: {e}", r.release_id)))
        })
        .collect()
}

/// The stored bodies as they were published (served without re-encoding).
pub fn raw(rows: Vec<StoredRelease>) -> Result<Vec<Box<serde_json::value::RawValue>>, DbErr> {
    rows.into_iter()
        .map(|r| {
            serde_json::value::RawValue::from_string(r.body)
                .map_err(|e| DbErr::Custom(format!("release {}: {e}", r.release_id)))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Bulk files

/// One yearly bulk file as the manifest describes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BulkFile {
    /// The year (Asia/Shanghai) of the releases in it.
    pub year: i32,
    /// Releases in it.
    pub releases: i64,
    /// The last row in it (a changed year has a new one).
    pub last_row: i64,
    /// Size in bytes.
    pub bytes: u64,
    /// Strong ETag: SHA-256 of the bytes (gzip written without a timestamp, so every
    /// instance makes the same bytes from the same releases).
    pub etag: String,
    /// The newest release's instant (Unix seconds): the `Last-Modified`.
    pub last_modified: i64,
}

/// The directory of the bulk files under the data directory.
pub fn bulk_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("opendata")
}

/// The file name of a year's bulk file.
pub fn bulk_name(year: i32) -> String {
    format!("ocds-releases-{year}.jsonl.gz")
}

fn manifest_path(dir: &Path) -> PathBuf {
    dir.join("manifest.json")
}

/// The bulk files written so far, by year.
pub fn bulk_files(dir: &Path) -> Vec<BulkFile> {
    std::fs::read(manifest_path(dir))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn io(e: std::io::Error) -> DbErr {
    DbErr::Custom(format!("bulk file: {e}"))
}

/// A writer that hashes what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes (or leaves as they are) the yearly bulk files: one release per line, gzip, in
/// commit order. A year is rewritten only when its releases changed since the manifest;
/// each file is written beside and renamed into place, so a reader never sees half of one.
/// Returns the years rewritten.
pub async fn write_bulk(db: &impl ConnectionTrait, dir: &Path) -> Result<Vec<i32>, DbErr> {
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut manifest = bulk_files(dir);
    let mut rewritten = Vec::new();
    for (year, n, last) in model::years(db).await? {
        let current = manifest.iter().find(|f| f.year == year);
        if current.is_some_and(|f| {
            f.releases == n && f.last_row == last && dir.join(bulk_name(year)).exists()
        }) {
            continue;
        }
        let f = write_year(db, dir, year).await?;
        manifest.retain(|m| m.year != year);
        manifest.push(f);
        rewritten.push(year);
    }
    manifest.sort_by_key(|f| f.year);
    let tmp = dir.join("manifest.json.tmp");
    std::fs::write(
        &tmp,
        serde_json::to_vec_pretty(&manifest).map_err(|e| DbErr::Custom(e.to_string()))?,
    )
    .map_err(io)?;
    std::fs::rename(&tmp, manifest_path(dir)).map_err(io)?;
    Ok(rewritten)
}

/// Rows read per query while writing a bulk file.
const BULK_BATCH: u64 = 2_000;

async fn write_year(db: &impl ConnectionTrait, dir: &Path, year: i32) -> Result<BulkFile, DbErr> {
    let tmp = dir.join(format!("{}.tmp", bulk_name(year)));
    let file = std::fs::File::create(&tmp).map_err(io)?;
    // Compression is CPU work: a blocking thread does it while this task reads the next batch.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<String>>(2);
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<(String, u64)> {
        let hashing = Hashing {
            inner: std::io::BufWriter::new(file),
            hash: Sha256::new(),
            bytes: 0,
        };
        // No name and mtime 0 in the header: the same releases give the same bytes.
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(hashing, flate2::Compression::default());
        for batch in rx {
            for line in batch {
                gz.write_all(line.as_bytes())?;
                gz.write_all(b"\n")?;
            }
        }
        let mut h = gz.finish()?;
        h.flush()?;
        Ok((hex::encode(h.hash.finalize()), h.bytes))
    });
    let (mut after, mut count, mut last_at, mut last_row) = (0_i64, 0_i64, 0_i64, 0_i64);
    loop {
        let rows = model::of_year(db, year, after, BULK_BATCH).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        last_row = last.id;
        count += rows.len() as i64;
        last_at = rows.iter().map(|r| r.at).fold(last_at, i64::max);
        if tx.send(rows.into_iter().map(|r| r.body).collect()).is_err() {
            break;
        }
    }
    drop(tx);
    let (etag, bytes) = writer
        .await
        .map_err(|e| DbErr::Custom(format!("bulk writer: {e}")))?
        .map_err(io)?;
    std::fs::rename(&tmp, dir.join(bulk_name(year))).map_err(io)?;
    Ok(BulkFile {
        year,
        releases: count,
        last_row,
        bytes,
        etag,
        last_modified: last_at,
    })
}
