//! Enquiries: questions before the enquiry deadline and the buyer's public answers.

use super::*;

/// Asks a question before the enquiry deadline.
pub async fn ask(
    db: &DatabaseConnection,
    t: &tender::Model,
    asker: i64,
    question: &str,
    now: i64,
) -> OpResult<i64> {
    if state_of(t) != TenderState::Published {
        return Ok(Err(Refusal::WrongState(state_of(t))));
    }
    if now >= t.enquiry_deadline {
        return Ok(Err(Refusal::EnquiriesClosed));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    let q = enquiry::ActiveModel {
        tender_id: Set(t.id),
        asker_id: Set(Some(asker)),
        question: Set(question.to_string()),
        asked_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    log_tender(
        &*txn,
        t.id,
        Some(asker),
        "question",
        serde_json::json!({ "enquiry": q.id }),
        true,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(q.id))
}

/// What a buyer answers once, publicly: a question during enquiries, or a challenge to the
/// award during the standstill. Both are answered the same way; this names the differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Post {
    /// A bidder's question (enquiry).
    Enquiry,
    /// A bidder's challenge (质疑) to the award.
    Challenge,
}

impl Post {
    /// The shortest answer accepted, in characters.
    pub fn min_answer_chars(self) -> usize {
        match self {
            Post::Enquiry => 2,
            Post::Challenge => 5,
        }
    }

    /// The audit action and the detail key naming the post.
    fn audit(self) -> (&'static str, &'static str) {
        match self {
            Post::Enquiry => ("answer", "enquiry"),
            Post::Challenge => ("challenge_answered", "challenge"),
        }
    }
}

/// Answers a question or a challenge (once; a second answer is refused); the answer is
/// public and on the tender's timeline.
pub async fn answer(
    db: &DatabaseConnection,
    t: &tender::Model,
    post: Post,
    post_id: i64,
    text: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let n = match post {
        Post::Enquiry => {
            use enquiry::Column as C;
            let cols = [C::Answer, C::AnsweredAt, C::Id, C::TenderId];
            set_answer::<enquiry::Entity>(&*txn, cols, post_id, t.id, text, now).await?
        }
        Post::Challenge => {
            use challenge::Column as C;
            let cols = [C::Answer, C::AnsweredAt, C::Id, C::TenderId];
            set_answer::<challenge::Entity>(&*txn, cols, post_id, t.id, text, now).await?
        }
    };
    if n != 1 {
        return Ok(Err(Refusal::AlreadyAnswered));
    }
    let (action, key) = post.audit();
    let detail = serde_json::json!({ key: post_id });
    log_tender(&*txn, t.id, Some(actor), action, detail, true, now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Writes the answer of one still unanswered post of the tender, given the post table's
/// answer, answered-at, key and tender columns; the rows changed (0 or 1).
async fn set_answer<E: EntityTrait>(
    txn: &impl ConnectionTrait,
    [answer, answered_at, id, tender]: [E::Column; 4],
    post_id: i64,
    tender_id: i64,
    text: &str,
    now: i64,
) -> Result<u64, DbErr> {
    Ok(E::update_many()
        .col_expr(answer, Expr::value(text))
        .col_expr(answered_at, Expr::value(now))
        .filter(id.eq(post_id))
        .filter(tender.eq(tender_id))
        .filter(answered_at.is_null())
        .exec(txn)
        .await?
        .rows_affected)
}

/// Questions of a tender, oldest first.
pub async fn enquiries(db: &impl ConnectionTrait, id: i64) -> Result<Vec<enquiry::Model>, DbErr> {
    enquiry::Entity::find()
        .filter(enquiry::Column::TenderId.eq(id))
        .order_by_asc(enquiry::Column::Id)
        .all(db)
        .await
}

/// A question or challenge on a unit's tender still waiting for the buyer's answer (the
/// buyer's to-do list in `/me`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered {
    /// Tender.
    pub tender_id: i64,
    /// Its title.
    pub title: String,
    /// The question's or challenge's key.
    pub post_id: i64,
    /// Unix seconds it was asked or filed.
    pub at: i64,
    /// The tender's enquiry deadline.
    pub enquiry_deadline: i64,
}

/// The unanswered questions and the unanswered challenges on these units' tenders, each
/// oldest first, in three queries whatever the count.
pub async fn unanswered_of_units(
    db: &impl ConnectionTrait,
    unit_ids: &[i64],
) -> Result<(Vec<Unanswered>, Vec<Unanswered>), DbErr> {
    use sea_orm::QuerySelect;
    if unit_ids.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let tenders: Vec<(i64, String, i64)> = tender::Entity::find()
        .select_only()
        .columns([
            tender::Column::Id,
            tender::Column::Title,
            tender::Column::EnquiryDeadline,
        ])
        .filter(tender::Column::UnitId.is_in(unit_ids.iter().copied()))
        .filter(tender::Column::State.ne(TenderState::Draft.code()))
        .into_tuple()
        .all(db)
        .await?;
    if tenders.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let ids: Vec<i64> = tenders.iter().map(|t| t.0).collect();
    let row = |tender_id: i64, post_id: i64, at: i64| {
        tenders
            .iter()
            .find(|t| t.0 == tender_id)
            .map(|(id, title, deadline)| Unanswered {
                tender_id: *id,
                title: title.clone(),
                post_id,
                at,
                enquiry_deadline: *deadline,
            })
    };
    let questions = enquiry::Entity::find()
        .filter(enquiry::Column::TenderId.is_in(ids.clone()))
        .filter(enquiry::Column::AnsweredAt.is_null())
        .order_by_asc(enquiry::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|q| row(q.tender_id, q.id, q.asked_at))
        .collect();
    let challenges = challenge::Entity::find()
        .filter(challenge::Column::TenderId.is_in(ids))
        .filter(challenge::Column::AnsweredAt.is_null())
        .order_by_asc(challenge::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| row(c.tender_id, c.id, c.filed_at))
        .collect();
    Ok((questions, challenges))
}
