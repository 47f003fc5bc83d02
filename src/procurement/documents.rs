//! A tender's documents (issue 11): the buyer attaches files to a draft, and changes a
//! published tender's documents only by an amendment — a new document, a new version of
//! one (the old version superseded) or a withdrawal — recorded with its summary, its public
//! audit entry and an OCDS amendment release in one transaction. Published versions are never
//! deleted. Files are typed and stored by `kernel::files`, written before the row and removed
//! again when the row is not committed.

use super::document_rules::{
    DocChange, DocState, LateChange, MAX_DOCUMENTS, check_document_window,
};
use super::model::document;
use super::*;
use sea_orm::QuerySelect;

/// The folder of tenders' documents under the data directory.
pub const DOCUMENTS_FOLDER: &str = "tender-documents";

/// A document version, as the tender page and the API list it.
pub use document::Model as TenderDocument;

/// Every version of a tender's documents, in upload order.
pub async fn documents(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Vec<TenderDocument>, DbErr> {
    document::Entity::find()
        .filter(document::Column::TenderId.eq(tender_id))
        .order_by_asc(document::Column::Id)
        .all(db)
        .await
}

/// One version of a tender's documents.
pub async fn document_of(
    db: &impl ConnectionTrait,
    tender_id: i64,
    doc_id: i64,
) -> Result<Option<TenderDocument>, DbErr> {
    document::Entity::find_by_id(doc_id)
        .filter(document::Column::TenderId.eq(tender_id))
        .one(db)
        .await
}

/// The ids of the documents in force on a tender.
pub async fn current_document_ids(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Vec<i64>, DbErr> {
    document::Entity::find()
        .select_only()
        .column(document::Column::Id)
        .filter(document::Column::TenderId.eq(tender_id))
        .filter(document::Column::State.eq(DocState::Current.code()))
        .into_tuple()
        .all(db)
        .await
}

fn late_refusal(l: LateChange) -> Refusal {
    match l {
        LateChange::Closed => Refusal::BidsClosed,
        LateChange::TooLate => Refusal::LateDocuments,
    }
}

/// Takes the tender's turn for a document change, in the writing transaction: a draft's row
/// is touched while it is a draft; a published tender's while it is published and its bid
/// deadline is at least the late-amendment window away (its `seq` bumped, like a bid's
/// write). `Ok(published)` or why not.
async fn take_turn(
    db: &impl ConnectionTrait,
    t: &tender::Model,
    now: i64,
) -> Result<Result<bool, Refusal>, DbErr> {
    match state_of(t) {
        TenderState::Draft => {
            let n = tender::Entity::update_many()
                .col_expr(tender::Column::UpdatedAt, Expr::value(now))
                .filter(tender::Column::Id.eq(t.id))
                .filter(tender::Column::State.eq(TenderState::Draft.code()))
                .exec(db)
                .await?
                .rows_affected;
            if n == 1 {
                return Ok(Ok(false));
            }
            let now_state = get(db, t.id).await?.map(|f| state_of(&f));
            Ok(Err(Refusal::WrongState(
                now_state.unwrap_or(TenderState::Cancelled),
            )))
        }
        TenderState::Published => {
            if let Err(l) = check_document_window(now, t.bid_deadline) {
                return Ok(Err(late_refusal(l)));
            }
            let n = tender::Entity::update_many()
                .col_expr(tender::Column::UpdatedAt, Expr::value(now))
                .col_expr(tender::Column::Seq, Expr::col(tender::Column::Seq).add(1))
                .filter(tender::Column::Id.eq(t.id))
                .filter(tender::Column::State.eq(TenderState::Published.code()))
                .filter(tender::Column::BidDeadline.gte(now + rules::LATE_AMENDMENT_WINDOW))
                .exec(db)
                .await?
                .rows_affected;
            if n == 1 {
                return Ok(Ok(true));
            }
            // Changed meanwhile: say what it is now.
            let fresh = get(db, t.id).await?;
            Ok(Err(match fresh {
                Some(f) if state_of(&f) == TenderState::Published => late_refusal(
                    check_document_window(now, f.bid_deadline)
                        .err()
                        .unwrap_or(LateChange::Closed),
                ),
                Some(f) => Refusal::WrongState(state_of(&f)),
                None => Refusal::NoDocument,
            }))
        }
        s => Ok(Err(Refusal::WrongState(s))),
    }
}

/// Records the amendment a published tender's document change is.
async fn record_amendment(
    db: &impl ConnectionTrait,
    t: &tender::Model,
    summary: &str,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(amendment::ActiveModel {
        tender_id: Set(t.id),
        actor_id: Set(Some(actor)),
        summary: Set(summary.to_string()),
        // The deadline stays: an amendment of the documents only.
        old_bid_deadline: Set(t.bid_deadline),
        new_bid_deadline: Set(t.bid_deadline),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// The buyer attaches a document to a draft, or — by an amendment with its summary — adds a
/// document or a new version of one to a published tender before the late-amendment window.
/// The file is checked (type by content and name, 5 MB, [`MAX_DOCUMENTS`] in force), stored,
/// then recorded with its audit entry (public for an amendment, with the amendment row and
/// its OCDS release) in one transaction; a refused or failed write removes the stored file.
#[allow(clippy::too_many_arguments)]
pub async fn attach_document(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    t: &tender::Model,
    change: &DocChange,
    name: &str,
    bytes: &[u8],
    actor: i64,
    now: i64,
    lang: Lang,
) -> OpResult<i64> {
    use crate::kernel::files;
    let kind = match files::check_upload(name, bytes, 0, MAX_DOCUMENTS, lang) {
        Ok(k) => k,
        Err(m) => return Ok(Err(Refusal::File(m))),
    };
    let key = files::store(data_dir, DOCUMENTS_FOLDER, bytes)
        .await
        .map_err(|e| DbErr::Custom(format!("writing a tender document: {e}")))?;
    let r = attach_row(db, t, change, name, bytes, kind, &key, actor, now, lang).await;
    if !matches!(r, Ok(Ok(_))) {
        files::remove(data_dir, DOCUMENTS_FOLDER, &key).await;
    }
    r
}

#[allow(clippy::too_many_arguments)]
async fn attach_row(
    db: &DatabaseConnection,
    t: &tender::Model,
    change: &DocChange,
    name: &str,
    bytes: &[u8],
    kind: crate::kernel::files::FileKind,
    key: &str,
    actor: i64,
    now: i64,
    lang: Lang,
) -> OpResult<i64> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let published = match take_turn(&*txn, t, now).await? {
        Ok(p) => p,
        Err(r) => return Ok(Err(r)),
    };
    let current = current_document_ids(&*txn, t.id).await?;
    // A replacement takes its predecessor's place: it does not count against the limit.
    let counted = current.len() - usize::from(change.replaces.is_some());
    if let Err(m) = crate::kernel::files::check_upload(name, bytes, counted, MAX_DOCUMENTS, lang) {
        return Ok(Err(Refusal::File(m)));
    }
    let mut version = 1;
    if let Some(old) = change.replaces {
        let Some(prev) = document_of(&*txn, t.id, old).await? else {
            return Ok(Err(Refusal::NoDocument));
        };
        let n = document::Entity::update_many()
            .col_expr(
                document::Column::State,
                Expr::value(DocState::Superseded.code()),
            )
            .col_expr(document::Column::EndedAt, Expr::value(now))
            .filter(document::Column::Id.eq(old))
            .filter(document::Column::State.eq(DocState::Current.code()))
            .exec(&*txn)
            .await?
            .rows_affected;
        if n != 1 {
            return Ok(Err(Refusal::NoDocument));
        }
        version = prev.version + 1;
    }
    let amendment_id = if published {
        Some(record_amendment(&*txn, t, &change.summary, actor, now).await?)
    } else {
        None
    };
    let sha256 = crate::kernel::files::sha256_hex(bytes);
    let id = document::ActiveModel {
        tender_id: Set(t.id),
        replaces_id: Set(change.replaces),
        version: Set(version),
        doc_type: Set(change.doc_type.code().to_string()),
        state: Set(DocState::Current.code().to_string()),
        file_key: Set(key.to_string()),
        name: Set(name.to_string()),
        mime: Set(kind.mime().to_string()),
        size: Set(bytes.len() as i64),
        sha256: Set(sha256.clone()),
        uploaded_by: Set(actor),
        uploaded_at: Set(now),
        amendment_id: Set(amendment_id),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(&*txn)
    .await?
    .id;
    let detail = serde_json::json!({
        "document": id, "name": name, "type": change.doc_type.code(), "version": version,
        "replaces": change.replaces, "mime": kind.mime(), "size": bytes.len(),
        "sha256": sha256, "summary": change.summary, "amendment": amendment_id,
    });
    let action = if published {
        "amended"
    } else {
        "document_attached"
    };
    log_tender(&*txn, t.id, Some(actor), action, detail, published, now).await?;
    if published {
        record_release(&*txn, t.id, crate::opendata::Tag::TenderAmendment, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(id))
}

/// The buyer takes a document off a draft (the row and the file go: never public), or
/// withdraws a published tender's document by an amendment with its summary (the version
/// stays listed as withdrawn and downloadable), before the late-amendment window.
#[allow(clippy::too_many_arguments)]
pub async fn remove_document(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    t: &tender::Model,
    doc_id: i64,
    summary: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let published = match take_turn(&*txn, t, now).await? {
        Ok(p) => p,
        Err(r) => return Ok(Err(r)),
    };
    let Some(d) = document_of(&*txn, t.id, doc_id).await? else {
        return Ok(Err(Refusal::NoDocument));
    };
    let current = document::Column::State.eq(DocState::Current.code());
    let n = if published {
        document::Entity::update_many()
            .col_expr(
                document::Column::State,
                Expr::value(DocState::Withdrawn.code()),
            )
            .col_expr(document::Column::EndedAt, Expr::value(now))
            .filter(document::Column::Id.eq(d.id))
            .filter(current)
            .exec(&*txn)
            .await?
            .rows_affected
    } else {
        document::Entity::delete_many()
            .filter(document::Column::Id.eq(d.id))
            .filter(current)
            .exec(&*txn)
            .await?
            .rows_affected
    };
    if n != 1 {
        return Ok(Err(Refusal::NoDocument));
    }
    let amendment_id = if published {
        Some(record_amendment(&*txn, t, summary, actor, now).await?)
    } else {
        None
    };
    let detail = serde_json::json!({
        "document": d.id, "name": d.name, "type": d.doc_type, "version": d.version,
        "sha256": d.sha256, "withdrawn": published, "summary": summary,
        "amendment": amendment_id,
    });
    let action = if published {
        "amended"
    } else {
        "document_removed"
    };
    log_tender(&*txn, t.id, Some(actor), action, detail, published, now).await?;
    if published {
        record_release(&*txn, t.id, crate::opendata::Tag::TenderAmendment, now).await?;
    }
    txn.commit().await?;
    if !published {
        // A draft's file was never public: nothing keeps it once its row is gone.
        crate::kernel::files::remove(data_dir, DOCUMENTS_FOLDER, &d.file_key).await;
    }
    Ok(Ok(()))
}

/// A document's bytes from the data directory (`None`: the file is missing).
pub async fn document_bytes(
    data_dir: &std::path::Path,
    d: &TenderDocument,
) -> std::io::Result<Option<Vec<u8>>> {
    crate::kernel::files::read(data_dir, DOCUMENTS_FOLDER, &d.file_key).await
}
