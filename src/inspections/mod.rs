//! Spot checks (双随机一公开, issue 15 point 4): a regulator defines a campaign — level, the
//! division sampled, year, ratio (at least 5% region, 4% league/city, 3% banner/county) and
//! the scope items. The platform then **commits**: it fixes the candidates (the social
//! organizations registered at that level in that division), the inspectors (regulators) and
//! their conflicts of interest (memberships of candidates), draws a 32-byte seed from a
//! CSPRNG and publishes its SHA-256 with them, keeping the seed secret. Later it **draws**
//! with [`rules::draw`] from that seed and **reveals** the seed, so anyone can check the hash
//! and re-run the draw (the algorithm is published in words on every campaign page).
//! Inspectors record a finding per scope item of their checks; when all are in, the
//! campaign is concluded. Everything but drafts is public.
//!
//! Invariants: the candidates, inspectors, conflicts, sample size and seed are written once,
//! at commit, and never change; the seed is shown only once the campaign is drawn; the checks
//! are exactly `rules::draw` of those inputs; every change is a conditional update on the
//! state it was read in with its audit entry (public for commit, draw and conclusion) in the
//! same transaction; a concluded check with a deficiency records a rectification order
//! through `regulation` in the conclusion's transaction.
//!
//! Minimum ratios per locality (`ratio_rules`, table `spot_ratio_overrides`): the region, a
//! league/city or a banner/county raises the minimum of the campaigns of a level run for its
//! organizations, never below the national floor nor below what it inherits; a campaign's
//! minimum is the highest along its division's chain, checked again inside the
//! transaction that creates it; each change carries a reason in a public audit entry
//! written in its transaction, with the old and new values. May call: `orgs` (population,
//! memberships, names), `regulation` (rectification orders), `accounts` (the
//! regulators), `audit`, `regions`; its routes and views `web`.

pub mod model;
pub mod ratio_rules;
pub mod routes;
pub mod rules;
pub mod views;

use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr};

pub use model::{Campaign, Check, FindingRow, RatioRow};
pub use ratio_rules::{Minimum, RatioEdit, RatioOverride, Source};
pub use rules::{CampaignDraft, CampaignState, Finding, IllegalTransition, Item, Level};

/// Why a campaign write was refused (nothing was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not allowed in the campaign's state, or it changed meanwhile.
    Transition(IllegalTransition),
    /// Fewer than two inspectors free of conflict for an organization (or at all).
    TooFewInspectors,
    /// A finding is missing.
    Incomplete,
}

async fn log(
    db: &impl ConnectionTrait,
    c: &Campaign,
    action: &str,
    actor: i64,
    now: i64,
    detail: serde_json::Value,
    public: bool,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "spot_campaign",
            entity_id: c.id,
            action,
            detail,
            public,
        },
    )
    .await
}

fn authority(l: Level) -> crate::orgs::AuthorityLevel {
    match l {
        Level::Region => crate::orgs::AuthorityLevel::Region,
        Level::LeagueCity => crate::orgs::AuthorityLevel::LeagueCity,
        Level::BannerCounty => crate::orgs::AuthorityLevel::BannerCounty,
    }
}

/// Defines a campaign (a draft, regulators only), with its audit entry. The ratio is
/// checked again against the minimum where the campaign runs inside the transaction (a
/// locality may have raised it since the form was checked): `Err(minimum)`, nothing
/// written, when it is below.
pub async fn create(
    db: &DatabaseConnection,
    d: &CampaignDraft,
    actor: i64,
    now: i64,
) -> Result<Result<Campaign, Minimum>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let min = ratio_rules::campaign_minimum(d.level, &d.division, &ratio_overrides(&*txn).await?);
    if d.ratio_bp < min.bp {
        txn.commit().await?;
        return Ok(Err(min));
    }
    let c = model::insert(&*txn, d, actor, now).await?;
    log(
        &*txn,
        &c,
        "created",
        actor,
        now,
        serde_json::json!({
            "level": d.level.code(),
            "division": d.division,
            "year": d.year,
            "ratio_bp": d.ratio_bp,
            "min_ratio_bp": min.bp,
            "min_source": match &min.source { Source::Floor => None, Source::Place(p) => Some(p.clone()) },
        }),
        false,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(c))
}

/// Every locality's minimum as the rules see it.
pub async fn ratio_overrides(db: &impl ConnectionTrait) -> Result<Vec<RatioOverride>, DbErr> {
    Ok(model::ratio_rows(db)
        .await?
        .iter()
        .filter_map(RatioRow::rule)
        .collect())
}

/// Every stored minimum, by division and level (who set it and when, for the page).
pub use model::ratio_rows;

/// Why a locality's minimum was not saved (nothing was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RatioRefusal {
    /// Below what the locality now inherits (a level above raised it meanwhile).
    Below(Minimum),
    /// Another regulator changed it meanwhile.
    Changed,
}

/// Sets (or with `None`, removes) `place`'s minimum for one campaign level, with a public
/// audit entry holding the old and new values and the reason, in one transaction. An
/// unchanged value writes nothing. The edit was validated ([`ratio_rules::validate`]); what
/// the place inherits is read again here so a concurrent raise above cannot be undercut.
pub async fn set_ratio(
    db: &DatabaseConnection,
    place: &str,
    edit: &RatioEdit,
    actor: i64,
    now: i64,
) -> Result<Result<(), RatioRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let above = ratio_rules::inherited(edit.level, place, &ratio_overrides(&*txn).await?);
    if let Some(bp) = edit.min_ratio_bp
        && bp < above.bp
    {
        txn.commit().await?;
        return Ok(Err(RatioRefusal::Below(above)));
    }
    let before = model::ratio_row(&*txn, place, edit.level).await?;
    let old = before.as_ref().map(|b| b.min_ratio_bp);
    if old
        == edit
            .min_ratio_bp
            .map(|b| i32::try_from(b).unwrap_or(i32::MAX))
    {
        txn.commit().await?;
        return Ok(Ok(()));
    }
    // Two edits in the same second would share `updated_at`, the row's version.
    let at = before.as_ref().map_or(now, |b| now.max(b.updated_at + 1));
    let id = match (edit.min_ratio_bp, &before) {
        (Some(bp), _) => {
            model::put_ratio(&*txn, place, edit.level, before.as_ref(), bp, actor, at).await?
        }
        (None, Some(b)) => model::remove_ratio(&*txn, b).await?.then_some(b.id),
        (None, None) => None,
    };
    let Some(id) = id else {
        // Dropped, not committed: a lost insert race leaves PostgreSQL's transaction aborted.
        return Ok(Err(RatioRefusal::Changed));
    };
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "spot_ratio_override",
            entity_id: id,
            action: if edit.min_ratio_bp.is_some() {
                "ratio_set"
            } else {
                "ratio_removed"
            },
            detail: serde_json::json!({
                "place": place,
                "level": edit.level.code(),
                "before_bp": old,
                "after_bp": edit.min_ratio_bp,
                "reason": edit.reason,
            }),
            public: true,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

fn refused(c: &Campaign, event: rules::CampaignEvent) -> Refusal {
    Refusal::Transition(IllegalTransition {
        from: c.state(),
        event,
    })
}

/// Commits: fixes the candidates, inspectors and conflicts, the sample size, and a fresh
/// seed whose hash is published (the seed itself stays secret until [`draw`]).
pub async fn commit(
    db: &DatabaseConnection,
    c: &Campaign,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    commit_with_seed(db, c, rand::random::<[u8; 32]>(), actor, now).await
}

/// [`commit`] with a given seed (the demo data, so its draw is the same on every machine).
pub async fn commit_with_seed(
    db: &DatabaseConnection,
    c: &Campaign,
    seed: [u8; 32],
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    let event = rules::CampaignEvent::Commit;
    let next = match c.state().apply(event) {
        Ok(s) => s,
        Err(e) => return Ok(Err(Refusal::Transition(e))),
    };
    let Some(level) = c.level() else {
        return Ok(Err(refused(c, event)));
    };
    let txn = crate::kernel::db::begin_write(db).await?;
    let candidates = crate::orgs::registered_at(&*txn, authority(level), &c.division_code).await?;
    let inspectors = crate::accounts::holders_of(&*txn, crate::accounts::Role::Regulator).await?;
    if inspectors.len() < rules::INSPECTORS_PER_CHECK {
        txn.commit().await?;
        return Ok(Err(Refusal::TooFewInspectors));
    }
    let conflicts: Vec<(i64, i64)> = crate::orgs::memberships_of_users(&*txn, &inspectors)
        .await?
        .into_iter()
        .filter(|(o, _)| candidates.binary_search(o).is_ok())
        .collect();
    let size = rules::sample_size(candidates.len(), u32::try_from(c.ratio_bp).unwrap_or(0));
    let hash = rules::commitment(&seed);
    let am = model::campaign::ActiveModel {
        seed_hash: Set(Some(hash.clone())),
        seed: Set(Some(hex::encode(seed))),
        candidates: Set(Some(to_json(&candidates))),
        inspectors: Set(Some(to_json(&inspectors))),
        conflicts: Set(Some(to_json(&conflicts))),
        sample_size: Set(Some(i32::try_from(size).unwrap_or(i32::MAX))),
        committed_at: Set(Some(now)),
        ..Default::default()
    };
    if !model::transition(&*txn, c, am, next).await? {
        txn.commit().await?;
        return Ok(Err(refused(c, event)));
    }
    log(
        &*txn,
        c,
        "committed",
        actor,
        now,
        serde_json::json!({
            "seed_sha256": hash,
            "candidates": candidates.len(),
            "inspectors": inspectors,
            "sample_size": size,
        }),
        true,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// A list stored as JSON text.
fn to_json<T: serde::Serialize>(v: &[T]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// Draws the organizations and inspectors from the committed seed and inputs, records the
/// checks and reveals the seed, in one transaction.
pub async fn draw(
    db: &DatabaseConnection,
    c: &Campaign,
    actor: i64,
    now: i64,
) -> Result<Result<Vec<rules::Drawn>, Refusal>, DbErr> {
    let event = rules::CampaignEvent::Draw;
    let next = match c.state().apply(event) {
        Ok(s) => s,
        Err(e) => return Ok(Err(Refusal::Transition(e))),
    };
    let Some(seed) = c.seed.as_deref().and_then(rules::parse_seed) else {
        return Ok(Err(refused(c, event)));
    };
    let size = usize::try_from(c.sample_size.unwrap_or(0)).unwrap_or(0);
    let drawn = match rules::draw(
        &seed,
        &c.candidates(),
        size,
        &c.inspector_pool(),
        &c.conflicts(),
    ) {
        Ok(d) => d,
        Err(rules::DrawError::TooFewInspectors { .. }) => {
            return Ok(Err(Refusal::TooFewInspectors));
        }
    };
    let txn = crate::kernel::db::begin_write(db).await?;
    let am = model::campaign::ActiveModel {
        drawn_at: Set(Some(now)),
        ..Default::default()
    };
    if !model::transition(&*txn, c, am, next).await? {
        txn.commit().await?;
        return Ok(Err(refused(c, event)));
    }
    for (i, d) in drawn.iter().enumerate() {
        model::insert_check(
            &*txn,
            c.id,
            d.org,
            i32::try_from(i).unwrap_or(i32::MAX),
            &d.inspectors,
        )
        .await?;
    }
    log(
        &*txn,
        c,
        "drawn",
        actor,
        now,
        serde_json::json!({
            "seed": c.seed,
            "drawn": drawn.iter().map(|d| serde_json::json!({ "org": d.org, "inspectors": d.inspectors })).collect::<Vec<_>>(),
        }),
        true,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(drawn))
}

/// Records the findings of one check (replacing earlier ones), while the campaign is drawn.
pub async fn record(
    db: &DatabaseConnection,
    c: &Campaign,
    check: &Check,
    findings: &[(Item, Finding, String)],
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    let event = rules::CampaignEvent::Record;
    if let Err(e) = c.state().apply(event) {
        return Ok(Err(Refusal::Transition(e)));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    // Still drawn (not concluded meanwhile): the same conditional update, changing nothing.
    if !model::transition(&*txn, c, Default::default(), c.state()).await? {
        txn.commit().await?;
        return Ok(Err(refused(c, event)));
    }
    for (item, f, note) in findings {
        model::put_finding(&*txn, check.id, *item, *f, note, actor, now).await?;
    }
    log(
        &*txn,
        c,
        "findings_recorded",
        actor,
        now,
        serde_json::json!({
            "check": check.id,
            "org": check.org_id,
            "findings": findings.iter().map(|(i, f, _)| (i.code(), f.code())).collect::<Vec<_>>(),
        }),
        true,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Concludes the campaign once every item of every check has its finding.
pub async fn conclude(
    db: &DatabaseConnection,
    c: &Campaign,
    rectify_days: i64,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    let event = rules::CampaignEvent::Conclude;
    let next = match c.state().apply(event) {
        Ok(s) => s,
        Err(e) => return Ok(Err(Refusal::Transition(e))),
    };
    let txn = crate::kernel::db::begin_write(db).await?;
    let checks = model::checks(&*txn, c.id).await?;
    let ids: Vec<i64> = checks.iter().map(|k| k.id).collect();
    let findings = model::findings(&*txn, &ids).await?;
    let items = c.items();
    let complete = checks.iter().all(|k| {
        items.iter().all(|i| {
            findings
                .iter()
                .any(|f| f.check_id == k.id && f.item == i.code())
        })
    });
    if !complete {
        txn.commit().await?;
        return Ok(Err(Refusal::Incomplete));
    }
    let am = model::campaign::ActiveModel {
        concluded_at: Set(Some(now)),
        ..Default::default()
    };
    if !model::transition(&*txn, c, am, next).await? {
        txn.commit().await?;
        return Ok(Err(refused(c, event)));
    }
    log(
        &*txn,
        c,
        "concluded",
        actor,
        now,
        serde_json::json!({ "checks": checks.len() }),
        true,
    )
    .await?;
    // A deficiency orders a rectification: the credit engine lists the organization if it
    // is not verified rectified by the due day (the rectification rule).
    for k in &checks {
        let deficient: Vec<String> = findings
            .iter()
            .filter(|f| f.check_id == k.id && f.finding == Finding::Deficient.code())
            .map(|f| format!("{}: {}", f.item, f.note))
            .collect();
        if deficient.is_empty() {
            continue;
        }
        let draft = crate::regulation::FindingDraft {
            kind: crate::regulation::FindingKind::Rectification,
            note: format!(
                "双随机抽查 #{} 发现问题，责令限期整改 (spot check #{}: rectification ordered) — {}",
                c.id,
                c.id,
                deficient.join("; ")
            ),
            due_at: Some(now + rectify_days.max(1) * 86_400),
        };
        crate::regulation::record_finding_in(&*txn, k.org_id, &draft, actor, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(()))
}

/// One campaign; a campaign's checks; their findings.
pub use model::{check_of, checks, findings, get, list};
