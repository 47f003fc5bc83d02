//! Brand service projects (品牌服务项目): pages an organization's administrators keep about
//! their projects — name, service domain, places served, year started (years running
//! computed), people served per year, outcomes with numbers, partners, story, photos — and
//! the evidence the platform itself vouches for: the organization's completed contracts,
//! linked by its administrators, shown with the buyer's rating apart from what the
//! organization only states. Public: the `/brands` gallery, each brand's page, a section on
//! the organization's profile (composed in `pages`), and the count on `/targets`.
//!
//! Invariants: every change runs in one transaction with its audit entry; only the owning
//! organization's completed contracts can be linked (checked inside the transaction, and
//! again when shown); a photo is stored only as the two JPEG renditions re-encoded from
//! decoded pixels (`kernel::photos`, under [`PHOTO_FOLDER`]), its files written before the
//! row and removed again when the row is not committed, so a refused or failed upload
//! leaves nothing behind.
//!
//! Annual recognition (品牌项目认定, `recognition*.rs`): rounds opened by regulators, with
//! eligibility as data, nominations, screening, expert review through `reviews`, a ranked
//! shortlist in public notice with objections and answers, recognition with the quota
//! re-checked in its transaction, printable certificates; every step on the brand's public
//! timeline. May call: `audit`, `contracts` (completed contracts, batched), `orgs` (names,
//! domains, rating and credit for eligibility), `regions`, `reviews`, `accounts`
//! (evaluators), `units` (names), `web` (from `routes` and `views` only).

pub mod model;
pub mod recognition;
pub mod recognition_model;
pub mod recognition_rules;
pub mod routes;
pub mod rules;
pub mod views;

use std::path::Path;

use sea_orm::{DatabaseConnection, DbErr};

use crate::audit::{self, Entry};
use crate::contracts::CompletedContract;
use crate::kernel::error::AppResult;
use crate::kernel::photos;
pub use crate::kernel::photos::PhotoProblem;
pub use model::{Brand, Photo};

/// The folder of brand photos under the data directory.
pub const PHOTO_FOLDER: &str = "brands";
use rules::{BrandDraft, Gallery, Outcome};

/// Number of brand projects on the platform (target 7 on `/targets`).
pub async fn count(db: &impl sea_orm::ConnectionTrait) -> Result<u64, DbErr> {
    model::count(db).await
}

/// One brand.
pub use model::get;
/// A recognized brand (target 7 on `/targets`: year, level, division, brand, certificate).
pub use recognition_model::RecognizedRow;
/// The level a recognition round recognizes at.
pub use recognition_rules::Level as RecognitionLevel;

/// Every recognition, oldest year first (two queries whatever their number).
pub async fn recognitions(db: &impl sea_orm::ConnectionTrait) -> Result<Vec<RecognizedRow>, DbErr> {
    recognition_model::recognized_all(db).await
}

/// Brands as cards by id, in id order (the targets' drill-down), in a fixed number of
/// queries.
pub async fn cards_by_ids(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<Card>, DbErr> {
    let rows = model::by_ids(db, ids).await?;
    cards(db, rows).await
}

async fn record(
    db: &impl sea_orm::ConnectionTrait,
    brand: i64,
    action: &str,
    actor: Option<i64>,
    detail: serde_json::Value,
    now: i64,
) -> Result<(), DbErr> {
    audit::append(
        db,
        Entry {
            at: now,
            actor_id: actor,
            entity: "brand",
            entity_id: brand,
            action,
            detail,
            public: true,
        },
    )
    .await
}

/// Queues a brand's search document for rewriting, in the transaction that changed it.
pub(crate) async fn reindex(
    txn: &impl sea_orm::ConnectionTrait,
    brand_id: i64,
    now: i64,
) -> Result<(), DbErr> {
    crate::kernel::outbox::enqueue(txn, crate::kernel::outbox::Kind::Brands, brand_id, now).await
}

/// Creates a brand project of an organization.
pub async fn create(
    db: &DatabaseConnection,
    org_id: i64,
    d: &BrandDraft,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let id = model::insert(&*txn, org_id, d, Some(actor), now).await?;
    reindex(&*txn, id, now).await?;
    record(
        &*txn,
        id,
        "created",
        Some(actor),
        serde_json::json!({ "org": org_id, "name": d.name }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Saves a brand project's edited fields, places and outcomes.
pub async fn update(
    db: &DatabaseConnection,
    brand: &Brand,
    d: &BrandDraft,
    actor: i64,
    now: i64,
) -> Result<(), DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::update(&*txn, brand.id, d, now).await?;
    reindex(&*txn, brand.id, now).await?;
    record(
        &*txn,
        brand.id,
        "updated",
        Some(actor),
        serde_json::json!({ "name": d.name }),
        now,
    )
    .await?;
    txn.commit().await
}

/// Adds a photo: checks and re-encodes the upload (off the async workers), writes its
/// files, then records the row and the audit entry in one transaction; when anything after
/// the files fails, the files go again. `Ok(Err(_))` says why an upload was refused
/// (nothing was written).
pub async fn add_photo(
    db: &DatabaseConnection,
    data_dir: &Path,
    brand: &Brand,
    bytes: Vec<u8>,
    actor: Option<i64>,
    now: i64,
) -> AppResult<Result<i64, PhotoProblem>> {
    let too_many = PhotoProblem::TooMany(rules::limits::PHOTOS);
    if model::photo_count(db, brand.id).await? >= rules::limits::PHOTOS {
        return Ok(Err(too_many));
    }
    let r = match photos::store(data_dir, PHOTO_FOLDER, bytes).await? {
        Ok(r) => r,
        Err(p) => return Ok(Err(p)),
    };
    let key = r.key.clone();
    let stored = async {
        let txn = crate::kernel::db::begin_write(db).await?;
        model::touch(&*txn, brand.id, now).await?;
        // Counted again inside the transaction: two uploads at once cannot pass the limit.
        if model::photo_count(&*txn, brand.id).await? >= rules::limits::PHOTOS {
            txn.commit().await?;
            return Ok::<_, DbErr>(Err(too_many));
        }
        let id =
            model::insert_photo(&*txn, brand.id, &key, (r.width, r.height), actor, now).await?;
        // The cover shown with a search result may change.
        reindex(&*txn, brand.id, now).await?;
        record(
            &*txn,
            brand.id,
            "photo_added",
            actor,
            serde_json::json!({ "photo": id, "width": r.width, "height": r.height }),
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(Ok(id))
    }
    .await;
    match stored {
        Ok(Ok(id)) => Ok(Ok(id)),
        Ok(Err(p)) => {
            photos::remove(data_dir, PHOTO_FOLDER, &key).await;
            Ok(Err(p))
        }
        Err(e) => {
            photos::remove(data_dir, PHOTO_FOLDER, &key).await;
            Err(e.into())
        }
    }
}

/// Removes a photo of a brand (its row with an audit entry, then its files). `false` when
/// the brand has no such photo.
pub async fn delete_photo(
    db: &DatabaseConnection,
    data_dir: &Path,
    brand: &Brand,
    photo_id: i64,
    actor: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(p) = model::photo(&*txn, brand.id, photo_id).await? else {
        txn.commit().await?;
        return Ok(false);
    };
    model::delete_photo(&*txn, p.id).await?;
    reindex(&*txn, brand.id, now).await?;
    record(
        &*txn,
        brand.id,
        "photo_removed",
        Some(actor),
        serde_json::json!({ "photo": p.id }),
        now,
    )
    .await?;
    txn.commit().await?;
    photos::remove(data_dir, PHOTO_FOLDER, &p.file_key).await;
    Ok(true)
}

/// Why linking contracts was refused: a chosen contract is not a completed contract of the
/// brand's organization (its id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotEvidence(pub i64);

/// Sets the completed contracts linked to a brand as evidence (the whole set: unchecked
/// ones are unlinked). Each must be a completed contract of the brand's organization,
/// checked inside the transaction.
pub async fn set_evidence(
    db: &DatabaseConnection,
    brand: &Brand,
    chosen: &[i64],
    actor: i64,
    now: i64,
) -> Result<Result<(), NotEvidence>, DbErr> {
    let mut chosen = chosen.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    let txn = crate::kernel::db::begin_write(db).await?;
    model::touch(&*txn, brand.id, now).await?;
    let allowed: Vec<i64> = crate::contracts::completed_of_org(&*txn, brand.org_id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    if let Some(bad) = chosen.iter().find(|c| !allowed.contains(c)) {
        txn.commit().await?;
        return Ok(Err(NotEvidence(*bad)));
    }
    let before = model::evidence_of(&*txn, brand.id).await?;
    let mut sorted_before = before.clone();
    sorted_before.sort_unstable();
    if sorted_before == chosen {
        txn.commit().await?;
        return Ok(Ok(()));
    }
    model::set_evidence(&*txn, brand.id, &chosen, Some(actor), now).await?;
    record(
        &*txn,
        brand.id,
        "evidence_set",
        Some(actor),
        serde_json::json!({ "contracts": chosen }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// A brand as a gallery card or a profile row shows it.
#[derive(Debug, Clone)]
pub struct Card {
    /// The brand.
    pub brand: Brand,
    /// Its organization's name.
    pub org_name: String,
    /// Division codes served.
    pub places: Vec<String>,
    /// Its first photo, if any.
    pub cover: Option<Photo>,
}

async fn cards(db: &impl sea_orm::ConnectionTrait, brands: Vec<Brand>) -> Result<Vec<Card>, DbErr> {
    let ids: Vec<i64> = brands.iter().map(|b| b.id).collect();
    let mut org_ids: Vec<i64> = brands.iter().map(|b| b.org_id).collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    // One query each, however many brands.
    let mut places = model::places_of(db, &ids).await?;
    let mut photos = model::photos_of(db, &ids).await?;
    let orgs = crate::orgs::names_by_ids(db, &org_ids).await?;
    Ok(brands
        .into_iter()
        .map(|b| Card {
            org_name: orgs.get(&b.org_id).cloned().unwrap_or_default(),
            places: places.remove(&b.id).unwrap_or_default(),
            cover: photos.remove(&b.id).and_then(|v| v.into_iter().next()),
            brand: b,
        })
        .collect())
}

/// A brand as the search index takes it (issue 14 point 2): only what its public page
/// shows.
#[derive(Debug, Clone)]
pub struct SearchRecord {
    /// Card data (brand, organization name, places, cover photo).
    pub card: Card,
    /// Stated outcomes, in order.
    pub outcomes: Vec<Outcome>,
    /// Years it was recognized in (any level), ascending.
    pub recognized_years: Vec<i32>,
}

/// The brands among `ids` the public gallery shows — the same rule as [`gallery`]: not
/// those of an organization whose registration ended — with what search indexes of them, in
/// id order and a fixed number of queries. Ids left out are gone or not public.
pub async fn search_records(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<SearchRecord>, DbErr> {
    let ended = crate::orgs::ended_ids(db).await?;
    let rows: Vec<Brand> = model::by_ids(db, ids)
        .await?
        .into_iter()
        .filter(|b| ended.binary_search(&b.org_id).is_err())
        .collect();
    let shown: Vec<i64> = rows.iter().map(|b| b.id).collect();
    let mut outcomes = model::outcomes_of_many(db, &shown).await?;
    let mut years = recognition_model::recognized_years_of(db, &shown).await?;
    Ok(cards(db, rows)
        .await?
        .into_iter()
        .map(|card| SearchRecord {
            outcomes: outcomes.remove(&card.brand.id).unwrap_or_default(),
            recognized_years: years.remove(&card.brand.id).unwrap_or_default(),
            card,
        })
        .collect())
}

/// Keys of brands after `after`, in order, at most `limit` (search rebuilds).
pub use model::ids_after;
/// Keys of the brands of some organizations (their search documents carry the
/// organization's name and follow its registration).
pub use model::ids_of_orgs;
/// Number of brands the public gallery shows.
pub use model::public_count;

/// One gallery page (cards) and the number of brands matching the filters.
pub async fn gallery(
    db: &impl sea_orm::ConnectionTrait,
    g: &Gallery,
) -> Result<(Vec<Card>, u64), DbErr> {
    let (rows, total) = model::gallery(db, g, rules::PAGE_SIZE).await?;
    Ok((cards(db, rows).await?, total))
}

/// The brands of an organization as cards, oldest first (its profile's section).
pub async fn cards_of_org(
    db: &impl sea_orm::ConnectionTrait,
    org_id: i64,
) -> Result<Vec<Card>, DbErr> {
    let rows = model::of_org(db, org_id).await?;
    cards(db, rows).await
}

/// Everything a brand's page shows.
#[derive(Debug, Clone)]
pub struct BrandPage {
    /// Card data (brand, organization name, places).
    pub card: Card,
    /// All photos, oldest first.
    pub photos: Vec<Photo>,
    /// Stated outcomes.
    pub outcomes: Vec<Outcome>,
    /// Linked contracts that are (still) completed contracts of the organization.
    pub evidence: Vec<CompletedContract>,
}

/// Loads a brand's page.
pub async fn page(db: &impl sea_orm::ConnectionTrait, id: i64) -> Result<Option<BrandPage>, DbErr> {
    let Some(b) = model::get(db, id).await? else {
        return Ok(None);
    };
    let org_id = b.org_id;
    let outcomes = model::outcomes_of(db, id).await?;
    let linked = model::evidence_of(db, id).await?;
    let evidence = crate::contracts::completed_by_ids(db, &linked)
        .await?
        .into_iter()
        .filter(|c| c.org_id == org_id)
        .collect();
    let photos = model::photos_of(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let mut card = cards(db, vec![b]).await?;
    let Some(card) = card.pop() else {
        return Ok(None);
    };
    Ok(Some(BrandPage {
        card,
        photos,
        outcomes,
        evidence,
    }))
}
