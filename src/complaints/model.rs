//! Complaint entities and their queries: the case, its replies and its attachments. Single
//! statements only; the transactions are opened by the room's face (`mod.rs`).

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::rules::{CaseState, Outcome};

/// `complaints`
pub mod complaint {
    use sea_orm::entity::prelude::*;

    /// One complaint.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "complaints")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// SHA-256 (hex) of the tracking code's canonical form; the code is never stored.
        pub tracking_hash: String,
        /// The organization complained about (`None`: a general matter).
        pub org_id: Option<i64>,
        /// Its league/city when filed (list filter).
        pub league_code: Option<String>,
        /// Subject.
        pub subject: String,
        /// What happened.
        pub body: String,
        /// How to reach the complainant: regulators only, never the organization.
        pub contact: Option<String>,
        /// The account that filed it, unless filed anonymously: regulators only.
        pub submitted_by: Option<i64>,
        /// `rules::CaseState` code.
        pub state: String,
        /// When it entered its state, Unix seconds (the state's time limit runs from here).
        pub state_since: i64,
        /// The responsible regulator.
        pub assigned_to: Option<i64>,
        /// `rules::Outcome` code once concluded.
        pub outcome: Option<String>,
        /// The outcome's text.
        pub outcome_text: Option<String>,
        /// The outcome is in the public list.
        pub published: bool,
        /// Unix seconds.
        pub concluded_at: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `complaint_replies`
pub mod reply {
    use sea_orm::entity::prelude::*;

    /// A regulator's reply (public) or note (internal).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "complaint_replies")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The complaint.
        pub complaint_id: i64,
        /// Text.
        pub body: String,
        /// Read by the complainant with the code.
        pub public: bool,
        /// The regulator.
        pub author_id: i64,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `complaint_files`
pub mod file {
    use sea_orm::entity::prelude::*;

    /// An attachment.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "complaint_files")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The complaint.
        pub complaint_id: i64,
        /// File name as sent.
        pub file_name: String,
        /// Media type by content.
        pub mime: String,
        /// Bytes.
        pub size: i64,
        /// SHA-256 (hex) of the bytes.
        pub sha256: String,
        /// The content.
        pub bytes: Vec<u8>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use complaint::Model as Complaint;
pub use reply::Model as Reply;

impl Complaint {
    /// The stored state (an unknown code reads as received: it stays in the queue).
    pub fn state(&self) -> CaseState {
        CaseState::parse(&self.state).unwrap_or(CaseState::Received)
    }

    /// The stored outcome.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome.as_deref().and_then(Outcome::parse)
    }
}

/// An attachment without its bytes (for lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMeta {
    /// Key.
    pub id: i64,
    /// File name.
    pub name: String,
    /// Media type.
    pub mime: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 (hex).
    pub sha256: String,
}

/// What a new complaint row holds.
pub struct NewComplaint<'a> {
    /// Hash of the tracking code.
    pub tracking_hash: &'a str,
    /// The organization.
    pub org_id: Option<i64>,
    /// Its league/city.
    pub league_code: Option<String>,
    /// Subject.
    pub subject: &'a str,
    /// Body.
    pub body: &'a str,
    /// Contact.
    pub contact: Option<&'a str>,
    /// The filing account (none when anonymous).
    pub submitted_by: Option<i64>,
}

/// Inserts a received complaint.
pub async fn insert(
    db: &impl ConnectionTrait,
    n: &NewComplaint<'_>,
    now: i64,
) -> Result<Complaint, DbErr> {
    complaint::ActiveModel {
        tracking_hash: Set(n.tracking_hash.to_string()),
        org_id: Set(n.org_id),
        league_code: Set(n.league_code.clone()),
        subject: Set(n.subject.to_string()),
        body: Set(n.body.to_string()),
        contact: Set(n.contact.map(str::to_string)),
        submitted_by: Set(n.submitted_by),
        state: Set(CaseState::Received.code().to_string()),
        state_since: Set(now),
        assigned_to: Set(None),
        outcome: Set(None),
        outcome_text: Set(None),
        published: Set(false),
        concluded_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Inserts an attachment.
pub async fn insert_file(
    db: &impl ConnectionTrait,
    complaint_id: i64,
    name: &str,
    mime: &str,
    bytes: &[u8],
) -> Result<i64, DbErr> {
    use sha2::Digest;
    let f = file::ActiveModel {
        complaint_id: Set(complaint_id),
        file_name: Set(name.to_string()),
        mime: Set(mime.to_string()),
        size: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
        sha256: Set(hex::encode(sha2::Sha256::digest(bytes))),
        bytes: Set(bytes.to_vec()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(f.id)
}

/// One complaint.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Complaint>, DbErr> {
    complaint::Entity::find_by_id(id).one(db).await
}

/// The complaint whose tracking code hashes to `hash`.
pub async fn by_hash(db: &impl ConnectionTrait, hash: &str) -> Result<Option<Complaint>, DbErr> {
    complaint::Entity::find()
        .filter(complaint::Column::TrackingHash.eq(hash))
        .one(db)
        .await
}

/// Moves a complaint to `state` (with the changes in `am`), provided it is still in the
/// state it was read in (`false`: someone changed it meanwhile, nothing written).
pub async fn transition(
    db: &impl ConnectionTrait,
    c: &Complaint,
    mut am: complaint::ActiveModel,
    state: CaseState,
    now: i64,
) -> Result<bool, DbErr> {
    // Reassigning keeps the clock of the state it is in.
    if state != c.state() {
        am.state_since = Set(now);
    }
    am.state = Set(state.code().to_string());
    am.updated_at = Set(now);
    let res = complaint::Entity::update_many()
        .set(am)
        .filter(complaint::Column::Id.eq(c.id))
        .filter(complaint::Column::State.eq(c.state.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Marks an open complaint as updated at `now`; `false` when it is concluded (a reply
/// then writes nothing: decided in the reply's transaction, not before it).
pub async fn touch_open(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<bool, DbErr> {
    let res = complaint::Entity::update_many()
        .set(complaint::ActiveModel {
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(complaint::Column::Id.eq(id))
        .filter(complaint::Column::State.ne(CaseState::Concluded.code()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Inserts a reply.
pub async fn insert_reply(
    db: &impl ConnectionTrait,
    complaint_id: i64,
    body: &str,
    public: bool,
    author: i64,
    now: i64,
) -> Result<Reply, DbErr> {
    reply::ActiveModel {
        complaint_id: Set(complaint_id),
        body: Set(body.to_string()),
        public: Set(public),
        author_id: Set(author),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A complaint's replies, oldest first (only the public ones when `public_only`).
pub async fn replies(
    db: &impl ConnectionTrait,
    complaint_id: i64,
    public_only: bool,
) -> Result<Vec<Reply>, DbErr> {
    let mut q = reply::Entity::find().filter(reply::Column::ComplaintId.eq(complaint_id));
    if public_only {
        q = q.filter(reply::Column::Public.eq(true));
    }
    q.order_by_asc(reply::Column::CreatedAt)
        .order_by_asc(reply::Column::Id)
        .all(db)
        .await
}

/// A complaint's attachments without their bytes.
pub async fn files(db: &impl ConnectionTrait, complaint_id: i64) -> Result<Vec<FileMeta>, DbErr> {
    type Row = (i64, String, String, i64, String);
    let rows: Vec<Row> = file::Entity::find()
        .select_only()
        .column(file::Column::Id)
        .column(file::Column::FileName)
        .column(file::Column::Mime)
        .column(file::Column::Size)
        .column(file::Column::Sha256)
        .filter(file::Column::ComplaintId.eq(complaint_id))
        .order_by_asc(file::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, mime, size, sha256)| FileMeta {
            id,
            name,
            mime,
            size,
            sha256,
        })
        .collect())
}

/// One attachment of one complaint: name, media type, bytes.
pub async fn file_of(
    db: &impl ConnectionTrait,
    complaint_id: i64,
    file_id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, DbErr> {
    Ok(file::Entity::find_by_id(file_id)
        .filter(file::Column::ComplaintId.eq(complaint_id))
        .one(db)
        .await?
        .map(|f| (f.file_name, f.mime, f.bytes)))
}

/// Complaints in a state (all when `None`), oldest in its state first: one page and the
/// number of all.
pub async fn list(
    db: &impl ConnectionTrait,
    state: Option<CaseState>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Complaint>, u64), DbErr> {
    let mut q = complaint::Entity::find();
    if let Some(s) = state {
        q = q.filter(complaint::Column::State.eq(s.code()));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(complaint::Column::StateSince)
        .order_by_asc(complaint::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Open complaints (every state but concluded), oldest in their state first: one page and
/// the number of all.
pub async fn list_open(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Complaint>, u64), DbErr> {
    let q =
        complaint::Entity::find().filter(complaint::Column::State.ne(CaseState::Concluded.code()));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(complaint::Column::StateSince)
        .order_by_asc(complaint::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The state and state start of every open complaint (to count the overdue ones: a few
/// hundred small rows at most, however many are concluded).
pub async fn open_clocks(db: &impl ConnectionTrait) -> Result<Vec<(String, i64)>, DbErr> {
    complaint::Entity::find()
        .select_only()
        .column(complaint::Column::State)
        .column(complaint::Column::StateSince)
        .filter(complaint::Column::State.ne(CaseState::Concluded.code()))
        .into_tuple()
        .all(db)
        .await
}

/// Concluded complaints whose outcome the regulator published, newest first: one page and
/// the number of all.
pub async fn published(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Complaint>, u64), DbErr> {
    let q = complaint::Entity::find()
        .filter(complaint::Column::State.eq(CaseState::Concluded.code()))
        .filter(complaint::Column::Published.eq(true));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(complaint::Column::ConcludedAt)
        .order_by_desc(complaint::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}
