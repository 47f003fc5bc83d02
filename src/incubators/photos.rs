//! Photos of an incubator (issue 12 point 1): its managers and the platform's administrators
//! add up to [`rules::MAX_PHOTOS`] with a caption, remove them, and set their order — the
//! first is the cover the public directory shows; the incubator's page shows them all as a
//! gallery. Uploads go through the shared pipeline (`kernel::photos`: typed by content,
//! decoded under limits, turned upright, re-encoded without EXIF as a thumbnail and a large
//! size) into [`FOLDER`] under the data directory.
//!
//! Invariants: the files are written before the row and removed again when the row is not
//! committed (refused or failed), so nothing outlives a refused upload; every change takes
//! the incubator's turn (`model::lock`), so two uploads at once cannot pass the limit and
//! the places stay 1..n without gaps; each change has its audit entry (`incubator` /
//! `photo_added`, `photo_moved`, `photo_removed`) in its transaction.

pub mod model;
pub mod rules;

use std::path::Path;

use sea_orm::{DatabaseConnection, DbErr};

use super::model::Incubator;
use crate::kernel::error::AppResult;
use crate::kernel::photos::{self as pipeline, PhotoProblem};
pub use model::{Photo, photos_of};

/// The folder of incubator photos under the data directory.
pub const FOLDER: &str = "incubators";

async fn audit(
    db: &impl sea_orm::ConnectionTrait,
    now: i64,
    actor: Option<i64>,
    incubator_id: i64,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: actor,
            entity: "incubator",
            entity_id: incubator_id,
            action,
            detail,
            public: false,
        },
    )
    .await
}

/// Adds a photo with its caption (already checked) at the end of the order: checks and
/// re-encodes the upload, writes its files, then records the row and the audit entry in one
/// transaction; when anything after the files fails or refuses, the files go again.
/// `Ok(Err(_))` says why an upload was refused (nothing was written).
pub async fn add(
    db: &DatabaseConnection,
    data_dir: &Path,
    inc: &Incubator,
    bytes: Vec<u8>,
    caption: &str,
    actor: Option<i64>,
    now: i64,
) -> AppResult<Result<i64, PhotoProblem>> {
    let too_many = PhotoProblem::TooMany(rules::MAX_PHOTOS);
    let count = |v: Option<&Vec<Photo>>| v.map_or(0, |v| v.len() as u64);
    if count(model::photos_of(db, &[inc.id]).await?.get(&inc.id)) >= rules::MAX_PHOTOS {
        return Ok(Err(too_many));
    }
    let stored = match pipeline::store(data_dir, FOLDER, bytes).await? {
        Ok(s) => s,
        Err(p) => return Ok(Err(p)),
    };
    let key = stored.key.clone();
    let recorded = async {
        let txn = crate::kernel::db::begin_write(db).await?;
        super::model::lock(&*txn, inc.id).await?;
        // Counted again in the incubator's turn: two uploads at once cannot pass the limit.
        let have = model::photos_of(&*txn, &[inc.id]).await?;
        let have = have.get(&inc.id);
        if count(have) >= rules::MAX_PHOTOS {
            txn.commit().await?;
            return Ok::<_, DbErr>(Err(too_many));
        }
        let position = i32::try_from(count(have)).unwrap_or(i32::MAX - 1) + 1;
        let id = model::insert(
            &*txn,
            inc.id,
            &key,
            caption,
            position,
            (stored.width, stored.height),
            actor,
            now,
        )
        .await?;
        audit(
            &*txn,
            now,
            actor,
            inc.id,
            "photo_added",
            serde_json::json!({
                "photo": id, "caption": caption, "position": position,
                "width": stored.width, "height": stored.height,
            }),
        )
        .await?;
        txn.commit().await?;
        Ok(Ok(id))
    }
    .await;
    match recorded {
        Ok(Ok(id)) => Ok(Ok(id)),
        Ok(Err(p)) => {
            pipeline::remove(data_dir, FOLDER, &key).await;
            Ok(Err(p))
        }
        Err(e) => {
            pipeline::remove(data_dir, FOLDER, &key).await;
            Err(e.into())
        }
    }
}

/// Writes an order (`ids` first to last) as places 1..n, only where a place changes.
async fn renumber(
    db: &impl sea_orm::ConnectionTrait,
    current: &[Photo],
    ids: &[i64],
) -> Result<(), DbErr> {
    for (i, id) in ids.iter().enumerate() {
        let position = i32::try_from(i + 1).unwrap_or(i32::MAX);
        if current
            .iter()
            .any(|p| p.id == *id && p.position != position)
        {
            model::set_position(db, *id, position).await?;
        }
    }
    Ok(())
}

/// Moves a photo in the incubator's order (up, down, or first as the cover), with its audit
/// entry. `false` when the incubator has no such photo or the move changes nothing.
pub async fn move_photo(
    db: &DatabaseConnection,
    inc: &Incubator,
    photo_id: i64,
    m: rules::Move,
    actor: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    super::model::lock(&*txn, inc.id).await?;
    let current = model::photos_of(&*txn, &[inc.id])
        .await?
        .remove(&inc.id)
        .unwrap_or_default();
    let order: Vec<i64> = current.iter().map(|p| p.id).collect();
    let Some(new) = rules::reorder(&order, photo_id, m) else {
        txn.commit().await?;
        return Ok(false);
    };
    renumber(&*txn, &current, &new).await?;
    audit(
        &*txn,
        now,
        Some(actor),
        inc.id,
        "photo_moved",
        serde_json::json!({ "photo": photo_id, "move": m.code(), "order": new }),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Removes a photo of an incubator (its row with an audit entry, the others closing the
/// gap, then its files). `false` when the incubator has no such photo.
pub async fn remove(
    db: &DatabaseConnection,
    data_dir: &Path,
    inc: &Incubator,
    photo_id: i64,
    actor: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    super::model::lock(&*txn, inc.id).await?;
    let Some(p) = model::photo(&*txn, inc.id, photo_id).await? else {
        txn.commit().await?;
        return Ok(false);
    };
    model::delete(&*txn, p.id).await?;
    let rest = model::photos_of(&*txn, &[inc.id])
        .await?
        .remove(&inc.id)
        .unwrap_or_default();
    let order: Vec<i64> = rest.iter().map(|x| x.id).collect();
    renumber(&*txn, &rest, &order).await?;
    audit(
        &*txn,
        now,
        Some(actor),
        inc.id,
        "photo_removed",
        serde_json::json!({ "photo": p.id, "caption": p.caption }),
    )
    .await?;
    txn.commit().await?;
    pipeline::remove(data_dir, FOLDER, &p.file_key).await;
    Ok(true)
}
