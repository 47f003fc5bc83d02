//! The outbox table and the documents built from the database. A document carries public
//! fields only: the builders below name every field they copy, so sealed bid content,
//! contact phone and e-mail, drafts and anything else not public can never reach an index.

use std::collections::{HashMap, HashSet};

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{QueryOrder, QuerySelect};
use serde::Serialize;

use super::Document;
use super::rules::{self, Kind};
use crate::kernel::Lang;

pub use crate::kernel::outbox::{enqueue, entry as outbox};

/// The oldest pending rows that are due, at most `limit`.
pub async fn due(
    db: &impl ConnectionTrait,
    now: i64,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::DoneAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Queues again, as pending rows, every record of `kind` whose change was queued at or after
/// `since` (a rebuild began then: such a change may have reached only the index it replaced).
/// Returns the rows added.
pub async fn requeue_since(
    db: &impl ConnectionTrait,
    kind: Kind,
    since: i64,
) -> Result<u64, DbErr> {
    let ids: Vec<i64> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::RecordId)
        .distinct()
        .filter(outbox::Column::Kind.eq(kind.code()))
        .filter(outbox::Column::CreatedAt.gte(since))
        .into_tuple()
        .all(db)
        .await?;
    for chunk in ids.chunks(500) {
        outbox::Entity::insert_many(chunk.iter().map(|id| outbox::ActiveModel {
            kind: sea_orm::Set(kind.code().to_string()),
            record_id: sea_orm::Set(*id),
            created_at: sea_orm::Set(since),
            attempts: sea_orm::Set(0),
            next_attempt_at: sea_orm::Set(since),
            ..Default::default()
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(ids.len() as u64)
}

/// The pending rows of `kind`, as committed now. A rebuild that reads its records after
/// this carries every change these rows announce, so it marks them delivered when it is
/// done ([`super::reindex`]); rows still uncommitted now are not among them.
pub async fn pending_ids(db: &impl ConnectionTrait, kind: Kind) -> Result<Vec<i64>, DbErr> {
    outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::Kind.eq(kind.code()))
        .filter(outbox::Column::DoneAt.is_null())
        .into_tuple()
        .all(db)
        .await
}

/// Marks rows delivered.
pub async fn mark_done(db: &impl ConnectionTrait, ids: &[i64], now: i64) -> Result<(), DbErr> {
    for chunk in ids.chunks(500) {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::DoneAt, Expr::value(now))
            .filter(outbox::Column::Id.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Records a failed delivery: one more attempt, not before `retry_at`.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    ids: &[i64],
    retry_at: i64,
    error: &str,
) -> Result<(), DbErr> {
    let error: String = error.chars().take(500).collect();
    for chunk in ids.chunks(500) {
        outbox::Entity::update_many()
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            )
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(retry_at))
            .col_expr(outbox::Column::LastError, Expr::value(error.clone()))
            .filter(outbox::Column::Id.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Deletes delivered rows older than `before`.
pub async fn prune(db: &impl ConnectionTrait, before: i64) -> Result<u64, DbErr> {
    Ok(outbox::Entity::delete_many()
        .filter(outbox::Column::DoneAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Rows not yet delivered.
pub async fn pending(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::DoneAt.is_null())
        .count(db)
        .await
}

// ---------------------------------------------------------------------------------------
// Documents

/// A tender as the index sees it (public notice fields only).
#[derive(Debug, Serialize)]
struct TenderDoc {
    id: i64,
    title: String,
    title_pinyin: String,
    /// Character bigrams of the title, for the fallback when words find nothing.
    title_grams: String,
    description: String,
    unit_name: String,
    domain: String,
    domain_label: String,
    place: String,
    league: Option<String>,
    county: Option<String>,
    state: String,
    is_open: i64,
    method: String,
    budget_fen: i64,
    budget_band: &'static str,
    published_at: i64,
    bid_deadline: i64,
}

/// An organization as the index sees it (registry fields only; no contact details).
#[derive(Debug, Serialize)]
struct OrgDoc {
    id: i64,
    name: String,
    name_pinyin: String,
    /// Character bigrams of the name, for the fallback when words find nothing.
    name_grams: String,
    uscc: String,
    kind: String,
    intro: String,
    domains: Vec<String>,
    domain_labels: Vec<String>,
    place: String,
    league: Option<String>,
    county: Option<String>,
    rating: String,
    rating_grade: i64,
    credit_status: String,
    credit_listed: i64,
    registered_on: i64,
}

/// A brand project as the index sees it (what its public page shows; never who created it,
/// photo file keys or anything of an organization whose registration ended).
#[derive(Debug, Serialize)]
struct BrandDoc {
    id: i64,
    name: String,
    name_pinyin: String,
    /// Character bigrams of the name, for the fallback when words find nothing.
    name_grams: String,
    org_id: i64,
    org_name: String,
    domain: String,
    domain_label: String,
    /// The places served, each as its path from the region down.
    place: String,
    /// League/city codes of the places served.
    league: Vec<String>,
    /// Banner/county codes of the places served.
    county: Vec<String>,
    started_year: i64,
    beneficiaries_per_year: i64,
    /// Stated outcomes as text ("label number unit", one after another).
    outcomes: String,
    story: String,
    /// The first photo's id (its thumbnail is `/brands/{id}/photos/{cover_photo}/thumb`).
    cover_photo: Option<i64>,
    /// `yes` once recognized in any year ([`rules::recognized_value`]).
    recognized: &'static str,
    /// The years recognized, as text (a facet).
    recognized_years: Vec<String>,
    recognized_count: i64,
    created_at: i64,
}

fn to_document(v: impl Serialize) -> Document {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => Document::new(),
    }
}

fn both_labels(code: &str) -> String {
    format!(
        "{} {}",
        crate::orgs::domain_label(code, Lang::Zh),
        crate::orgs::domain_label(code, Lang::En)
    )
}

fn place(division: &str) -> String {
    crate::regions::regions().path(division, Lang::Zh)
}

/// Documents for these records; ids that no longer exist or are not public come back as
/// deletions.
pub async fn documents(
    db: &impl ConnectionTrait,
    kind: Kind,
    ids: &[i64],
    today: time::Date,
) -> Result<(Vec<Document>, Vec<i64>), DbErr> {
    let mut docs = Vec::new();
    let mut found: HashSet<i64> = HashSet::new();
    for chunk in ids.chunks(1000) {
        match kind {
            Kind::Tenders => {
                let rows = crate::procurement::tenders_by_ids(db, chunk).await?;
                let unit_ids: Vec<i64> = rows.iter().map(|t| t.unit_id).collect();
                let units: HashMap<i64, String> = crate::units::names_by_ids(db, &unit_ids).await?;
                for t in rows {
                    if t.state == "draft" || t.published_at.is_none() {
                        continue;
                    }
                    found.insert(t.id);
                    docs.push(to_document(TenderDoc {
                        id: t.id,
                        unit_name: units.get(&t.unit_id).cloned().unwrap_or_default(),
                        domain_label: both_labels(&t.domain),
                        place: place(&t.division_code),
                        is_open: i64::from(t.state == "published"),
                        budget_band: rules::budget_band(t.budget_fen),
                        published_at: t.published_at.unwrap_or_default(),
                        bid_deadline: t.bid_deadline,
                        title_pinyin: super::rules::pinyin_forms(&t.title),
                        title_grams: super::rules::gram_forms(&t.title),
                        title: t.title,
                        description: t.description,
                        domain: t.domain,
                        league: t.league_code,
                        county: t.county_code,
                        state: t.state,
                        method: t.method,
                        budget_fen: t.budget_fen,
                    }));
                }
            }
            Kind::Orgs => {
                // Domains come sorted in the registry's order.
                for (o, ds) in crate::orgs::many_with_domains(db, chunk).await? {
                    found.insert(o.id);
                    let rating = rules::rating_value(o.rating_grade, o.rating_valid_until, today);
                    let grade = if rating == "none" {
                        0
                    } else {
                        i64::from(o.rating_grade.unwrap_or(0))
                    };
                    docs.push(to_document(OrgDoc {
                        id: o.id,
                        domain_labels: ds.iter().map(|d| both_labels(d)).collect(),
                        domains: ds,
                        place: place(&o.division_code),
                        rating,
                        rating_grade: grade,
                        credit_listed: i64::from(o.credit_status != "normal"),
                        registered_on: o.registration_date.midnight().assume_utc().unix_timestamp(),
                        name_pinyin: super::rules::pinyin_forms(&o.name),
                        name_grams: super::rules::gram_forms(&o.name),
                        name: o.name,
                        uscc: o.uscc,
                        kind: o.kind,
                        intro: o.intro,
                        league: o.league_code,
                        county: o.county_code,
                        credit_status: o.credit_status,
                    }));
                }
            }
            Kind::Brands => {
                for r in crate::brands::search_records(db, chunk).await? {
                    let b = r.card.brand;
                    found.insert(b.id);
                    let regions = crate::regions::regions();
                    let mut league: Vec<String> = Vec::new();
                    let mut county: Vec<String> = Vec::new();
                    for code in &r.card.places {
                        if let Some(l) = regions.league_of(code)
                            && !league.contains(&l.code)
                        {
                            league.push(l.code.clone());
                        }
                        if let Some(c) = regions.county_of(code)
                            && !county.contains(&c.code)
                        {
                            county.push(c.code.clone());
                        }
                    }
                    let outcomes = r
                        .outcomes
                        .iter()
                        .map(|o| format!("{} {} {}", o.label, o.number, o.unit))
                        .collect::<Vec<_>>()
                        .join("；");
                    docs.push(to_document(BrandDoc {
                        id: b.id,
                        name_pinyin: super::rules::pinyin_forms(&b.name),
                        name_grams: super::rules::gram_forms(&b.name),
                        org_id: b.org_id,
                        org_name: r.card.org_name,
                        domain_label: both_labels(&b.domain),
                        place: r
                            .card
                            .places
                            .iter()
                            .map(|p| place(p))
                            .collect::<Vec<_>>()
                            .join("；"),
                        league,
                        county,
                        started_year: i64::from(b.started_year),
                        beneficiaries_per_year: b.beneficiaries_per_year,
                        outcomes,
                        cover_photo: r.card.cover.map(|p| p.id),
                        recognized: rules::recognized_value(!r.recognized_years.is_empty()),
                        recognized_count: r.recognized_years.len() as i64,
                        recognized_years: r
                            .recognized_years
                            .iter()
                            .map(|y| y.to_string())
                            .collect(),
                        created_at: b.created_at,
                        name: b.name,
                        domain: b.domain,
                        story: b.story,
                    }));
                }
            }
        }
    }
    let deletes = ids
        .iter()
        .copied()
        .filter(|id| !found.contains(id))
        .collect();
    Ok((docs, deletes))
}

/// The records of other kinds whose documents carry something of these records of `kind`:
/// a brand's document carries its organization's name and follows its registration, so a
/// change to an organization also rebuilds the documents of its brands.
pub async fn dependents(
    db: &impl ConnectionTrait,
    kind: Kind,
    ids: &[i64],
) -> Result<Vec<(Kind, Vec<i64>)>, DbErr> {
    match kind {
        Kind::Orgs => Ok(vec![(
            Kind::Brands,
            crate::brands::ids_of_orgs(db, ids).await?,
        )]),
        Kind::Tenders | Kind::Brands => Ok(vec![]),
    }
}

/// Enqueues the organizations whose rating lapsed on a day in `[from, to)`: a lapse changes
/// the rating facet without any write, so the index is told by this sweep. Returns how many.
pub async fn enqueue_lapsed_ratings(
    db: &impl ConnectionTrait,
    from: time::Date,
    to: time::Date,
    now: i64,
) -> Result<usize, DbErr> {
    // The last valid day is `rating_valid_until`; it lapses the day after.
    let ids = crate::orgs::rating_valid_until_in(
        db,
        from.previous_day().unwrap_or(from),
        to.previous_day().unwrap_or(to),
    )
    .await?;
    for id in &ids {
        enqueue(db, Kind::Orgs, *id, now).await?;
    }
    Ok(ids.len())
}

/// Keys of all records of a kind after `after`, in order, at most `limit` (for rebuilds).
pub async fn ids_after(
    db: &impl ConnectionTrait,
    kind: Kind,
    after: i64,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    match kind {
        Kind::Tenders => crate::procurement::tender_ids_after(db, after, limit).await,
        Kind::Orgs => crate::orgs::ids_after(db, after, limit).await,
        Kind::Brands => crate::brands::ids_after(db, after, limit).await,
    }
}

/// Records of a kind (for the progress bar).
pub async fn record_count(db: &impl ConnectionTrait, kind: Kind) -> Result<u64, DbErr> {
    match kind {
        Kind::Tenders => crate::procurement::tender_count(db).await,
        Kind::Orgs => crate::orgs::count(db).await,
        Kind::Brands => crate::brands::public_count(db).await,
    }
}
