//! Demo space: in every demo incubator a meeting room and a training room (shared), three
//! desks and an office room; a desk allocated to each tenant in residence for the year;
//! and a week of bookings (Monday to Friday of the current week: a tenant's morning
//! meeting, the incubator's afternoon training); the first tenant's desk under a signed
//! tenancy agreement. Everything goes through the room's
//! operations, so each change has its audit entry and the database's no-overlap rules.
//!
//! Invariant: runs once (nothing is added when a resource exists). May call: `accounts`,
//! `incubators`, `spaces`.

use sea_orm::{DatabaseConnection, DbErr, EntityTrait, PaginatorTrait};
use time::Duration;

use crate::kernel::money::Fen;
use crate::spaces::rules::{
    self, AgreementDraft, AgreementStep, AllocationDraft, BookingDraft, ResourceDraft, ResourceKind,
};

fn resource(name: &str, kind: ResourceKind, capacity: i32) -> ResourceDraft {
    ResourceDraft {
        name: name.to_string(),
        kind,
        capacity,
        opens_min: 8 * 60 + 30,
        closes_min: 17 * 60 + 30,
        advance_days: 30,
        cancel_hours: 24,
    }
}

/// Creates the demo space (once). Returns how many resources it created.
pub async fn run(db: &DatabaseConnection, now: i64) -> Result<usize, DbErr> {
    if crate::spaces::model::resource::Entity::find()
        .count(db)
        .await?
        > 0
    {
        return Ok(0);
    }
    let Some(manager) = crate::accounts::find_by_email(db, "incubator@demo.civicbridge.cn").await?
    else {
        return Ok(0);
    };
    let manager = manager.id;
    let mut incubators = crate::incubators::model::list(db, None, None).await?;
    incubators.sort_by_key(|i| i.id);
    let today = crate::kernel::clock::shanghai_date(now);
    let monday = rules::week_start(today);
    let org_user = crate::accounts::find_by_email(db, "org@demo.civicbridge.cn")
        .await?
        .map(|u| u.id);
    let mut agreement_done = false;
    let mut made = 0;
    for inc in &incubators {
        let plan = [
            resource("一号会议室", ResourceKind::Shared, 12),
            resource("多功能培训室", ResourceKind::Shared, 40),
            resource("开放工位 A01", ResourceKind::Desk, 1),
            resource("开放工位 A02", ResourceKind::Desk, 1),
            resource("开放工位 A03", ResourceKind::Desk, 1),
            resource("独立办公室 101", ResourceKind::Room, 6),
        ];
        let mut ids = Vec::new();
        for d in &plan {
            ids.push(crate::spaces::add_resource(db, inc.id, d, manager, now).await?);
            made += 1;
        }
        let residents = crate::incubators::residents_of(db, inc.id).await?;
        for (n, (t, desk)) in residents.iter().zip(&ids[2..5]).enumerate() {
            let d = AllocationDraft {
                resource_id: *desk,
                tenant_id: t.id,
                starts_at: rules::day_start(today - Duration::days(30)),
                ends_at: rules::day_start(today + Duration::days(335)),
            };
            // The first incubator's first tenant holds its desk under a signed agreement
            // (accepted by the demo organization user, who acts for it); the others by a
            // plain allocation. The demo's ranges never overlap: a refusal would be a bug
            // in this plan.
            if agreement_done || n > 0 {
                let _ = crate::spaces::allocate(db, &d, manager, now).await?;
                continue;
            }
            let draft = AgreementDraft {
                space: d,
                services: "开放工位一个；每月一次财务与项目管理培训；一对一督导；公益创投对接。"
                    .to_string(),
                obligations: "遵守基地管理制度；每月报送服务记录；参加基地组织的培训与评估。"
                    .to_string(),
                fee: Fen(0),
            };
            if let Ok(id) =
                crate::spaces::agreements::draft(db, inc.id, &draft, None, manager, now).await?
                && let Some(a) = crate::spaces::model::agreement(db, id).await?
            {
                let tenant_user = org_user.unwrap_or(manager);
                let _ = crate::spaces::agreements::take_step(
                    db,
                    &a,
                    AgreementStep::Accept,
                    tenant_user,
                    now,
                )
                .await?;
                if let Some(a) = crate::spaces::model::agreement(db, id).await? {
                    let _ = crate::spaces::agreements::take_step(
                        db,
                        &a,
                        AgreementStep::Countersign,
                        manager,
                        now,
                    )
                    .await?;
                }
                agreement_done = true;
            }
        }
        let meeting = crate::spaces::resource(db, ids[0]).await?;
        let training = crate::spaces::resource(db, ids[1]).await?;
        for day in rules::week_days(monday).iter().take(5) {
            let base = rules::day_start(*day);
            if let (Some(r), Some(t)) = (&meeting, residents.first()) {
                let d = BookingDraft {
                    tenant_id: Some(t.id),
                    starts_at: base + 9 * 3600,
                    ends_at: base + 10 * 3600 + 1800,
                    attendees: 8,
                    purpose: "项目组例会".to_string(),
                };
                let _ = crate::spaces::book(db, r, &d, manager, now).await?;
            }
            if let Some(r) = &training {
                let d = BookingDraft {
                    tenant_id: None,
                    starts_at: base + 14 * 3600,
                    ends_at: base + 17 * 3600,
                    attendees: 30,
                    purpose: "入驻机构能力建设培训：财务管理与项目申报".to_string(),
                };
                let _ = crate::spaces::book(db, r, &d, manager, now).await?;
            }
        }
    }
    Ok(made)
}
