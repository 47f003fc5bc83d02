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

/// Answers a question (once); the answer is public.
pub async fn answer(
    db: &DatabaseConnection,
    t: &tender::Model,
    enquiry_id: i64,
    text: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let n = enquiry::Entity::update_many()
        .col_expr(enquiry::Column::Answer, Expr::value(text))
        .col_expr(enquiry::Column::AnsweredAt, Expr::value(now))
        .filter(enquiry::Column::Id.eq(enquiry_id))
        .filter(enquiry::Column::TenderId.eq(t.id))
        .filter(enquiry::Column::AnsweredAt.is_null())
        .exec(&*txn)
        .await?
        .rows_affected;
    if n != 1 {
        return Ok(Err(Refusal::AlreadyAnswered));
    }
    log_tender(
        &*txn,
        t.id,
        Some(actor),
        "answer",
        serde_json::json!({ "enquiry": enquiry_id }),
        true,
        now,
    )
    .await?;
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
