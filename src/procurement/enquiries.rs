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
            enquiry::Entity::update_many()
                .col_expr(C::Answer, Expr::value(text))
                .col_expr(C::AnsweredAt, Expr::value(now))
                .filter(C::Id.eq(post_id))
                .filter(C::TenderId.eq(t.id))
                .filter(C::AnsweredAt.is_null())
                .exec(&*txn)
                .await?
        }
        Post::Challenge => {
            use challenge::Column as C;
            challenge::Entity::update_many()
                .col_expr(C::Answer, Expr::value(text))
                .col_expr(C::AnsweredAt, Expr::value(now))
                .filter(C::Id.eq(post_id))
                .filter(C::TenderId.eq(t.id))
                .filter(C::AnsweredAt.is_null())
                .exec(&*txn)
                .await?
        }
    }
    .rows_affected;
    if n != 1 {
        return Ok(Err(Refusal::AlreadyAnswered));
    }
    let (action, key) = post.audit();
    let detail = serde_json::json!({ key: post_id });
    log_tender(&*txn, t.id, Some(actor), action, detail, true, now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Questions of a tender, oldest first.
pub async fn enquiries(db: &impl ConnectionTrait, id: i64) -> Result<Vec<enquiry::Model>, DbErr> {
    enquiry::Entity::find()
        .filter(enquiry::Column::TenderId.eq(id))
        .order_by_asc(enquiry::Column::Id)
        .all(db)
        .await
}
