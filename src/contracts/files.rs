//! Files attached to a milestone's delivery report (issue 11 point 7). The supplier attaches
//! them while it may (re)submit the report — the milestone scheduled or returned, the
//! contract active — and takes them off in the same states; once the report is submitted
//! they are part of it. Whoever sees the report (the parties and regulators) sees and
//! downloads them. A file is typed by its content, at most 5 MB, at most [`MAX_FILES`] on a
//! milestone at once (counted in the writing transaction, after the contract's row is taken);
//! it is written under the data directory first and removed again if its row is not
//! committed. Attaching and taking off are audited (not public, like the report).

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use super::model::{MilestoneFile, milestone_file};
use super::rules::MilestoneEvent;
use super::{Refused, lock, milestone_step};
use crate::kernel::Lang;
use crate::kernel::files;

/// The folder of report files under the data directory.
pub const FILES_FOLDER: &str = "milestone-files";

/// How many files a milestone's report carries at most.
pub const MAX_FILES: usize = 10;

/// Why a file was not attached or taken off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRefusal {
    /// The milestone (or contract) is not where the report may change.
    Closed(Refused),
    /// The file itself: its type, size, or one too many (the message says which).
    File(String),
    /// No such file on this milestone.
    Missing,
}

impl FileRefusal {
    /// A message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            FileRefusal::Closed(r) => r.message(lang),
            FileRefusal::File(m) => m.clone(),
            FileRefusal::Missing => lang.t("contract.err.file_missing"),
        }
    }
}

/// The files attached now to the reports of a contract's milestones, in upload order.
pub async fn report_files(
    db: &impl ConnectionTrait,
    contract_id: i64,
) -> Result<Vec<MilestoneFile>, DbErr> {
    milestone_file::Entity::find()
        .filter(milestone_file::Column::ContractId.eq(contract_id))
        .filter(milestone_file::Column::RemovedAt.is_null())
        .order_by_asc(milestone_file::Column::Id)
        .all(db)
        .await
}

/// One attached file of a milestone of a contract.
pub async fn report_file(
    db: &impl ConnectionTrait,
    contract_id: i64,
    milestone_id: i64,
    file_id: i64,
) -> Result<Option<MilestoneFile>, DbErr> {
    milestone_file::Entity::find_by_id(file_id)
        .filter(milestone_file::Column::ContractId.eq(contract_id))
        .filter(milestone_file::Column::MilestoneId.eq(milestone_id))
        .filter(milestone_file::Column::RemovedAt.is_null())
        .one(db)
        .await
}

/// The stored bytes of a report file (`None`: gone from the disk).
pub async fn report_file_bytes(
    data_dir: &std::path::Path,
    f: &MilestoneFile,
) -> std::io::Result<Option<Vec<u8>>> {
    files::read(data_dir, FILES_FOLDER, &f.file_key).await
}

async fn audit(
    db: &impl ConnectionTrait,
    contract_id: i64,
    action: &str,
    actor: i64,
    now: i64,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "contract",
            entity_id: contract_id,
            action,
            detail,
            public: false,
        },
    )
    .await
}

/// The supplier attaches a file to a milestone's report. Returns the file's id.
#[allow(clippy::too_many_arguments)]
pub async fn attach_report_file(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    contract_id: i64,
    milestone_id: i64,
    name: &str,
    bytes: &[u8],
    actor: i64,
    now: i64,
    lang: Lang,
) -> Result<Result<i64, FileRefusal>, DbErr> {
    // The file itself first (nothing stored for a refused one); the count in the transaction.
    let kind = match files::check_upload(name, bytes, 0, MAX_FILES, lang) {
        Ok(k) => k,
        Err(m) => return Ok(Err(FileRefusal::File(m))),
    };
    let key = files::store(data_dir, FILES_FOLDER, bytes)
        .await
        .map_err(|e| DbErr::Custom(format!("writing a report file: {e}")))?;
    let r = attach_row(
        db,
        contract_id,
        milestone_id,
        name,
        bytes,
        kind,
        &key,
        actor,
        now,
        lang,
    )
    .await;
    if !matches!(r, Ok(Ok(_))) {
        files::remove(data_dir, FILES_FOLDER, &key).await;
    }
    r
}

#[allow(clippy::too_many_arguments)]
async fn attach_row(
    db: &DatabaseConnection,
    contract_id: i64,
    milestone_id: i64,
    name: &str,
    bytes: &[u8],
    kind: files::FileKind,
    key: &str,
    actor: i64,
    now: i64,
    lang: Lang,
) -> Result<Result<i64, FileRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = lock(&*txn, contract_id).await?;
    let (m, _) = match milestone_step(&*txn, &c, milestone_id, MilestoneEvent::SubmitReport).await?
    {
        Ok(x) => x,
        Err(r) => return Ok(Err(FileRefusal::Closed(r))),
    };
    let existing = milestone_file::Entity::find()
        .filter(milestone_file::Column::MilestoneId.eq(m.id))
        .filter(milestone_file::Column::RemovedAt.is_null())
        .all(&*txn)
        .await?
        .len();
    if let Err(msg) = files::check_upload(name, bytes, existing, MAX_FILES, lang) {
        return Ok(Err(FileRefusal::File(msg)));
    }
    let sha256 = files::sha256_hex(bytes);
    let row = milestone_file::ActiveModel {
        contract_id: Set(c.id),
        milestone_id: Set(m.id),
        file_key: Set(key.to_string()),
        name: Set(name.to_string()),
        mime: Set(kind.mime().to_string()),
        size: Set(bytes.len() as i64),
        sha256: Set(sha256.clone()),
        uploaded_by: Set(actor),
        uploaded_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    audit(
        &*txn,
        c.id,
        "report_file_attached",
        actor,
        now,
        serde_json::json!({
            "milestone_id": m.id, "file": row.id, "name": name, "mime": kind.mime(),
            "size": bytes.len(), "sha256": sha256,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(row.id))
}

/// The supplier takes a file off a milestone's report while the report may still change. The
/// row is marked and the stored file kept.
pub async fn remove_report_file(
    db: &DatabaseConnection,
    contract_id: i64,
    milestone_id: i64,
    file_id: i64,
    actor: i64,
    now: i64,
) -> Result<Result<(), FileRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = lock(&*txn, contract_id).await?;
    let (m, _) = match milestone_step(&*txn, &c, milestone_id, MilestoneEvent::SubmitReport).await?
    {
        Ok(x) => x,
        Err(r) => return Ok(Err(FileRefusal::Closed(r))),
    };
    let Some(f) = report_file(&*txn, c.id, m.id, file_id).await? else {
        return Ok(Err(FileRefusal::Missing));
    };
    let detail = serde_json::json!({
        "milestone_id": m.id, "file": f.id, "name": f.name, "sha256": f.sha256,
    });
    let mut am: milestone_file::ActiveModel = f.into();
    am.removed_at = Set(Some(now));
    am.removed_by = Set(Some(actor));
    am.update(&*txn).await?;
    audit(&*txn, c.id, "report_file_removed", actor, now, detail).await?;
    txn.commit().await?;
    Ok(Ok(()))
}
