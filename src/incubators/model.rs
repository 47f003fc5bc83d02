//! Incubator entities, and the queries and single-statement writes on them (the operations
//! that combine them in a transaction live in `mod.rs`).

use std::collections::HashMap;

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::rules::{AppState, ApplicationDraft, IncubatorDraft, TenantState};

/// `incubators`
pub mod incubator {
    use sea_orm::entity::prelude::*;

    /// An incubator (孵化基地).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "incubators")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Name, unique.
        pub name: String,
        /// `regions::Level::code()`: region, league_city or banner_county.
        pub level: String,
        /// Division.
        pub division_code: String,
        /// League/city containing it.
        pub league_code: Option<String>,
        /// Banner/county containing it.
        pub county_code: Option<String>,
        /// Operating organization.
        pub operator_org_id: Option<i64>,
        /// Operating purchasing unit.
        pub operator_unit_id: Option<i64>,
        /// Address.
        pub address: String,
        /// Services offered.
        pub services: String,
        /// Tenants at once.
        pub capacity: i32,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds (also moved to take the incubator's turn, see `lock`).
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `incubator_managers`
pub mod manager {
    use sea_orm::entity::prelude::*;

    /// A manager of an incubator.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "incubator_managers")]
    pub struct Model {
        /// Incubator.
        #[sea_orm(primary_key, auto_increment = false)]
        pub incubator_id: i64,
        /// User.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// Unix seconds.
        pub added_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `incubator_checklist_items`
pub mod item {
    use sea_orm::entity::prelude::*;

    /// One item of an incubator's admission checklist.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "incubator_checklist_items")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Incubator.
        pub incubator_id: i64,
        /// What is checked.
        pub label: String,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `incubator_applications`
pub mod application {
    use sea_orm::entity::prelude::*;

    /// An application to an incubator.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "incubator_applications")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Incubator.
        pub incubator_id: i64,
        /// The user who applied.
        pub applicant_id: i64,
        /// The registered organization, if one applies.
        pub org_id: Option<i64>,
        /// Group name, or the organization's name when it applied.
        pub name: String,
        /// The organization's USCC when it applied.
        pub uscc: Option<String>,
        /// The group's founders.
        pub founders: String,
        /// Intended domain.
        pub domain: String,
        /// Plan.
        pub plan: String,
        /// `AppState::code()`.
        pub state: String,
        /// Rejection reason.
        pub reason: Option<String>,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
        /// Unix seconds.
        pub submitted_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// Its state (an unreadable code reads as a draft, which nobody but the applicant
        /// sees and which admits nothing).
        pub fn state(&self) -> super::AppState {
            super::AppState::parse(&self.state).unwrap_or(super::AppState::Draft)
        }
    }
}

/// `incubator_checks`
pub mod check {
    use sea_orm::entity::prelude::*;

    /// A manager's finding on one checklist item of one application.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "incubator_checks")]
    pub struct Model {
        /// Application.
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: i64,
        /// Checklist item.
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_id: i64,
        /// Met.
        pub met: bool,
        /// Note.
        pub note: String,
        /// Who recorded it.
        pub updated_by: Option<i64>,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `incubator_messages`
pub mod message {
    use sea_orm::entity::prelude::*;

    /// A manager's message to the applicant.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "incubator_messages")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Application.
        pub application_id: i64,
        /// Who wrote it.
        pub author_id: Option<i64>,
        /// Text.
        pub body: String,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `incubator_tenants`
pub mod tenant {
    use sea_orm::entity::prelude::*;

    /// A tenant (resident organization or group).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "incubator_tenants")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Incubator.
        pub incubator_id: i64,
        /// The admitted application.
        pub application_id: i64,
        /// Registered organization, if any.
        pub org_id: Option<i64>,
        /// Name as admitted.
        pub name: String,
        /// `TenantState::code()`.
        pub state: String,
        /// Unix seconds.
        pub admitted_at: i64,
        /// Unix seconds.
        pub ended_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use application::Model as Application;
pub use check::Model as Check;
pub use incubator::Model as Incubator;
pub use item::Model as Item;
pub use message::Model as Message;
pub use tenant::Model as Tenant;

/// Incubators, optionally of one level and one league/city, by level then division, name.
pub async fn list(
    db: &impl ConnectionTrait,
    level: Option<&str>,
    league: Option<&str>,
) -> Result<Vec<Incubator>, DbErr> {
    let mut q = incubator::Entity::find();
    if let Some(l) = level {
        q = q.filter(incubator::Column::Level.eq(l));
    }
    if let Some(l) = league {
        q = q.filter(incubator::Column::LeagueCode.eq(l));
    }
    q.order_by_asc(incubator::Column::DivisionCode)
        .order_by_asc(incubator::Column::Name)
        .all(db)
        .await
}

/// One incubator.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Incubator>, DbErr> {
    incubator::Entity::find_by_id(id).one(db).await
}

/// Whether another incubator has this name.
pub async fn name_taken(
    db: &impl ConnectionTrait,
    name: &str,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    let mut q = incubator::Entity::find().filter(incubator::Column::Name.eq(name));
    if let Some(id) = except {
        q = q.filter(incubator::Column::Id.ne(id));
    }
    Ok(q.count(db).await? > 0)
}

fn fill(am: &mut incubator::ActiveModel, d: &IncubatorDraft, operator_org: Option<i64>) {
    am.name = Set(d.name.clone());
    am.level = Set(d.level.code().to_string());
    am.division_code = Set(d.division_code.clone());
    am.league_code = Set(d.league_code.clone());
    am.county_code = Set(d.county_code.clone());
    am.operator_org_id = Set(operator_org);
    am.operator_unit_id = Set(d.operator_unit);
    am.address = Set(d.address.clone());
    am.services = Set(d.services.clone());
    am.capacity = Set(d.capacity);
}

/// Creates an incubator.
pub async fn create(
    db: &impl ConnectionTrait,
    d: &IncubatorDraft,
    operator_org: Option<i64>,
    now: i64,
) -> Result<i64, DbErr> {
    let mut am = incubator::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    fill(&mut am, d, operator_org);
    Ok(am.insert(db).await?.id)
}

/// Updates an incubator's facts.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    d: &IncubatorDraft,
    operator_org: Option<i64>,
    now: i64,
) -> Result<(), DbErr> {
    let mut am = incubator::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        updated_at: Set(now),
        ..Default::default()
    };
    fill(&mut am, d, operator_org);
    am.update(db).await?;
    Ok(())
}

/// Takes the incubator's turn for the rest of the transaction (a write to its row that
/// changes nothing: on PostgreSQL a row lock that concurrent writers wait for; on SQLite
/// writers take turns anyway), so checks made afterwards about its applications hold until the commit.
/// False when there is no such incubator.
pub async fn lock(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(incubator::Entity::update_many()
        .col_expr(
            incubator::Column::UpdatedAt,
            Expr::col(incubator::Column::UpdatedAt),
        )
        .filter(incubator::Column::Id.eq(id))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// The managers of an incubator, by user id.
pub async fn manager_ids(db: &impl ConnectionTrait, incubator_id: i64) -> Result<Vec<i64>, DbErr> {
    manager::Entity::find()
        .select_only()
        .column(manager::Column::UserId)
        .filter(manager::Column::IncubatorId.eq(incubator_id))
        .order_by_asc(manager::Column::UserId)
        .into_tuple()
        .all(db)
        .await
}

/// A tenant and who hears about its affairs: the user whose application admitted it and
/// the administrators of its organization (if registered), each once.
pub async fn tenant_contacts(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> Result<Option<(Tenant, Vec<i64>)>, DbErr> {
    let Some(t) = tenant::Entity::find_by_id(tenant_id).one(db).await? else {
        return Ok(None);
    };
    let mut to: Vec<i64> = application::Entity::find_by_id(t.application_id)
        .one(db)
        .await?
        .map(|a| a.applicant_id)
        .into_iter()
        .collect();
    if let Some(org) = t.org_id {
        to.extend(
            crate::orgs::admins_of_many(db, &[org])
                .await?
                .remove(&org)
                .unwrap_or_default(),
        );
    }
    to.sort_unstable();
    to.dedup();
    Ok(Some((t, to)))
}

/// Whether the user manages the incubator.
pub async fn is_manager(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    user_id: i64,
) -> Result<bool, DbErr> {
    Ok(manager::Entity::find_by_id((incubator_id, user_id))
        .one(db)
        .await?
        .is_some())
}

/// Adds a manager (the caller checked it is not one yet).
pub async fn add_manager(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    user_id: i64,
    now: i64,
) -> Result<(), DbErr> {
    manager::ActiveModel {
        incubator_id: Set(incubator_id),
        user_id: Set(user_id),
        added_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Removes a manager.
pub async fn remove_manager(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    user_id: i64,
) -> Result<(), DbErr> {
    manager::Entity::delete_by_id((incubator_id, user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The incubators a user manages, by name.
pub async fn managed_by(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<Incubator>, DbErr> {
    let ids: Vec<i64> = manager::Entity::find()
        .select_only()
        .column(manager::Column::IncubatorId)
        .filter(manager::Column::UserId.eq(user_id))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    incubator::Entity::find()
        .filter(incubator::Column::Id.is_in(ids))
        .order_by_asc(incubator::Column::Name)
        .all(db)
        .await
}

/// An incubator's checklist, in the order added.
pub async fn checklist(db: &impl ConnectionTrait, incubator_id: i64) -> Result<Vec<Item>, DbErr> {
    item::Entity::find()
        .filter(item::Column::IncubatorId.eq(incubator_id))
        .order_by_asc(item::Column::Id)
        .all(db)
        .await
}

/// Adds a checklist item.
pub async fn add_item(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    label: &str,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(item::ActiveModel {
        incubator_id: Set(incubator_id),
        label: Set(label.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// One application.
pub async fn application(db: &impl ConnectionTrait, id: i64) -> Result<Option<Application>, DbErr> {
    application::Entity::find_by_id(id).one(db).await
}

/// An incubator's applications the managers see (not drafts), newest first.
pub async fn applications_of(
    db: &impl ConnectionTrait,
    incubator_id: i64,
) -> Result<Vec<Application>, DbErr> {
    application::Entity::find()
        .filter(application::Column::IncubatorId.eq(incubator_id))
        .filter(application::Column::State.ne(AppState::Draft.code()))
        .order_by_desc(application::Column::Id)
        .all(db)
        .await
}

/// A user's applications, newest first.
pub async fn applications_by(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<Application>, DbErr> {
    application::Entity::find()
        .filter(application::Column::ApplicantId.eq(user_id))
        .order_by_desc(application::Column::Id)
        .all(db)
        .await
}

/// Whether an application that blocks another (any but a rejected one) exists for this
/// incubator from this user, or for this organization, other than `except`.
pub async fn blocking_exists(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    user_id: Option<i64>,
    org_id: Option<i64>,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    use sea_orm::Condition;
    let mut who = Condition::any();
    if let Some(u) = user_id {
        who = who.add(application::Column::ApplicantId.eq(u));
    }
    if let Some(o) = org_id {
        who = who.add(application::Column::OrgId.eq(o));
    }
    let states: Vec<&str> = AppState::ALL
        .iter()
        .filter(|s| s.blocks_another())
        .map(|s| s.code())
        .collect();
    Ok(application::Entity::find()
        .filter(application::Column::IncubatorId.eq(incubator_id))
        .filter(application::Column::State.is_in(states))
        .filter(who)
        .filter(application::Column::Id.ne(except.unwrap_or(-1)))
        .count(db)
        .await?
        > 0)
}

/// Inserts an application; `name`/`uscc` are the group's name or the registry's facts.
#[allow(clippy::too_many_arguments)]
pub async fn insert_application(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    applicant_id: i64,
    org: Option<(i64, String, String)>,
    d: &ApplicationDraft,
    state: AppState,
    now: i64,
) -> Result<i64, DbErr> {
    let (org_id, name, uscc) = match org {
        Some((id, name, uscc)) => (Some(id), name, Some(uscc)),
        None => (None, d.name.clone(), None),
    };
    Ok(application::ActiveModel {
        incubator_id: Set(incubator_id),
        applicant_id: Set(applicant_id),
        org_id: Set(org_id),
        name: Set(name),
        uscc: Set(uscc),
        founders: Set(d.founders.clone()),
        domain: Set(d.domain.clone()),
        plan: Set(d.plan.clone()),
        state: Set(state.code().to_string()),
        reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set((state == AppState::Submitted).then_some(now)),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Rewrites a draft's content (and sends it when `state` is submitted). Only while it is
/// still a draft: false when it no longer was.
pub async fn rewrite_draft(
    db: &impl ConnectionTrait,
    id: i64,
    org: Option<(i64, String, String)>,
    d: &ApplicationDraft,
    state: AppState,
    now: i64,
) -> Result<bool, DbErr> {
    use application::Column as C;
    let (org_id, name, uscc) = match org {
        Some((id, name, uscc)) => (Some(id), name, Some(uscc)),
        None => (None, d.name.clone(), None),
    };
    let mut q = application::Entity::update_many()
        .col_expr(C::OrgId, Expr::value(org_id))
        .col_expr(C::Name, Expr::value(name))
        .col_expr(C::Uscc, Expr::value(uscc))
        .col_expr(C::Founders, Expr::value(d.founders.clone()))
        .col_expr(C::Domain, Expr::value(d.domain.clone()))
        .col_expr(C::Plan, Expr::value(d.plan.clone()))
        .col_expr(C::State, Expr::value(state.code()))
        .col_expr(C::UpdatedAt, Expr::value(now));
    if state == AppState::Submitted {
        q = q.col_expr(C::SubmittedAt, Expr::value(now));
    }
    Ok(q.filter(C::Id.eq(id))
        .filter(C::State.eq(AppState::Draft.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Moves an application from `from` to `to` (with the rejection reason, if any); false
/// when it was no longer in `from`.
pub async fn set_state(
    db: &impl ConnectionTrait,
    id: i64,
    from: AppState,
    to: AppState,
    reason: Option<&str>,
    now: i64,
) -> Result<bool, DbErr> {
    use application::Column as C;
    let mut q = application::Entity::update_many()
        .col_expr(C::State, Expr::value(to.code()))
        .col_expr(C::UpdatedAt, Expr::value(now));
    if let Some(r) = reason {
        q = q.col_expr(C::Reason, Expr::value(r));
    }
    if to == AppState::Submitted {
        q = q.col_expr(C::SubmittedAt, Expr::value(now));
    }
    Ok(q.filter(C::Id.eq(id))
        .filter(C::State.eq(from.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// An application's findings, by item id.
pub async fn checks(
    db: &impl ConnectionTrait,
    application_id: i64,
) -> Result<HashMap<i64, Check>, DbErr> {
    Ok(check::Entity::find()
        .filter(check::Column::ApplicationId.eq(application_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.item_id, c))
        .collect())
}

/// Records a finding (replacing an earlier one on the same item).
pub async fn put_check(
    db: &impl ConnectionTrait,
    application_id: i64,
    item_id: i64,
    met: bool,
    note: &str,
    by: i64,
    now: i64,
) -> Result<(), DbErr> {
    check::Entity::delete_by_id((application_id, item_id))
        .exec(db)
        .await?;
    check::ActiveModel {
        application_id: Set(application_id),
        item_id: Set(item_id),
        met: Set(met),
        note: Set(note.to_string()),
        updated_by: Set(Some(by)),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// An application's messages, oldest first.
pub async fn messages(
    db: &impl ConnectionTrait,
    application_id: i64,
) -> Result<Vec<Message>, DbErr> {
    message::Entity::find()
        .filter(message::Column::ApplicationId.eq(application_id))
        .order_by_asc(message::Column::Id)
        .all(db)
        .await
}

/// Adds a message.
pub async fn add_message(
    db: &impl ConnectionTrait,
    application_id: i64,
    author: i64,
    body: &str,
    now: i64,
) -> Result<(), DbErr> {
    message::ActiveModel {
        application_id: Set(application_id),
        author_id: Set(Some(author)),
        body: Set(body.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// An incubator's tenants, by admission.
pub async fn tenants_of(
    db: &impl ConnectionTrait,
    incubator_id: i64,
) -> Result<Vec<Tenant>, DbErr> {
    tenant::Entity::find()
        .filter(tenant::Column::IncubatorId.eq(incubator_id))
        .order_by_asc(tenant::Column::AdmittedAt)
        .order_by_asc(tenant::Column::Id)
        .all(db)
        .await
}

/// How many tenants are in residence.
pub async fn residents(db: &impl ConnectionTrait, incubator_id: i64) -> Result<u64, DbErr> {
    tenant::Entity::find()
        .filter(tenant::Column::IncubatorId.eq(incubator_id))
        .filter(tenant::Column::State.eq(TenantState::Resident.code()))
        .count(db)
        .await
}

/// Residents per incubator (those with none are left out), in one grouped query.
pub async fn resident_counts(db: &impl ConnectionTrait) -> Result<HashMap<i64, i64>, DbErr> {
    let rows: Vec<(i64, i64)> = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::IncubatorId)
        .column_as(tenant::Column::Id.count(), "n")
        .filter(tenant::Column::State.eq(TenantState::Resident.code()))
        .group_by(tenant::Column::IncubatorId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Creates the tenant of an admitted application.
pub async fn insert_tenant(
    db: &impl ConnectionTrait,
    a: &Application,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(tenant::ActiveModel {
        incubator_id: Set(a.incubator_id),
        application_id: Set(a.id),
        org_id: Set(a.org_id),
        name: Set(a.name.clone()),
        state: Set(TenantState::Resident.code().to_string()),
        admitted_at: Set(now),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// How an organization counts as incubated for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incubation {
    /// The incubator's name.
    pub incubator: String,
    /// It graduated from there (recently enough), rather than being in residence.
    pub graduated: bool,
}

/// Registered organizations in residence, or graduated less than `alumni_months` before
/// `now`, each with its incubator's name (residence first, then the first incubator by
/// name when there are several): two queries, however many tenants.
pub async fn incubated_orgs(
    db: &impl ConnectionTrait,
    now: i64,
    alumni_months: u32,
) -> Result<HashMap<i64, Incubation>, DbErr> {
    use sea_orm::Condition;
    let cutoff = super::graduation::rules::alumni_cutoff(now, alumni_months);
    let rows: Vec<(Option<i64>, i64, String)> = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::OrgId)
        .column(tenant::Column::IncubatorId)
        .column(tenant::Column::State)
        .filter(
            Condition::any()
                .add(tenant::Column::State.eq(TenantState::Resident.code()))
                .add(
                    Condition::all()
                        .add(tenant::Column::State.eq(TenantState::Graduated.code()))
                        .add(tenant::Column::EndedAt.gt(cutoff)),
                ),
        )
        .filter(tenant::Column::OrgId.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut ids: Vec<i64> = rows.iter().map(|(_, i, _)| *i).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = names_by_ids(db, &ids).await?;
    let mut out: HashMap<i64, Incubation> = HashMap::new();
    for (org, inc, state) in rows {
        if let (Some(org), Some(name)) = (org, names.get(&inc)) {
            let found = Incubation {
                incubator: name.clone(),
                graduated: state != TenantState::Resident.code(),
            };
            let e = out.entry(org).or_insert_with(|| found.clone());
            if (found.graduated, &found.incubator) < (e.graduated, &e.incubator) {
                *e = found;
            }
        }
    }
    Ok(out)
}

/// Names of incubators by id.
pub async fn names_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(incubator::Entity::find()
        .select_only()
        .column(incubator::Column::Id)
        .column(incubator::Column::Name)
        .filter(incubator::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Number of incubators.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    incubator::Entity::find().count(db).await
}

/// An incubator's tenants in residence, by name (for `spaces`: who may be allocated space).
pub async fn residents_of(
    db: &impl ConnectionTrait,
    incubator_id: i64,
) -> Result<Vec<Tenant>, DbErr> {
    tenant::Entity::find()
        .filter(tenant::Column::IncubatorId.eq(incubator_id))
        .filter(tenant::Column::State.eq(TenantState::Resident.code()))
        .order_by_asc(tenant::Column::Name)
        .order_by_asc(tenant::Column::Id)
        .all(db)
        .await
}

/// The tenants in residence of an incubator a user acts for: the group whose application
/// they made, or an organization among `org_ids` (the ones they belong to). One query (the
/// applications as a subquery: it runs on every space request).
pub async fn tenants_acting_for(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    user_id: i64,
    org_ids: &[i64],
) -> Result<Vec<Tenant>, DbErr> {
    use sea_orm::Condition;
    use sea_orm::sea_query::Query;
    let apps = Query::select()
        .column(application::Column::Id)
        .from(application::Entity)
        .and_where(application::Column::IncubatorId.eq(incubator_id))
        .and_where(application::Column::ApplicantId.eq(user_id))
        .and_where(application::Column::State.eq(AppState::Admitted.code()))
        .to_owned();
    let mut who = Condition::any().add(tenant::Column::ApplicationId.in_subquery(apps));
    if !org_ids.is_empty() {
        who = who.add(tenant::Column::OrgId.is_in(org_ids.iter().copied()));
    }
    tenant::Entity::find()
        .filter(tenant::Column::IncubatorId.eq(incubator_id))
        .filter(tenant::Column::State.eq(TenantState::Resident.code()))
        .filter(who)
        .order_by_asc(tenant::Column::Name)
        .order_by_asc(tenant::Column::Id)
        .all(db)
        .await
}

/// The admitted groups (tenants with no organization) whose application `user` made: tenant
/// id, application id, group name — oldest first. Two queries.
pub async fn unlinked_groups_of(
    db: &impl ConnectionTrait,
    user: i64,
) -> Result<Vec<(i64, i64, String)>, DbErr> {
    let apps: Vec<i64> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .filter(application::Column::ApplicantId.eq(user))
        .filter(application::Column::OrgId.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if apps.is_empty() {
        return Ok(vec![]);
    }
    Ok(tenant::Entity::find()
        .filter(tenant::Column::ApplicationId.is_in(apps))
        .filter(tenant::Column::OrgId.is_null())
        .order_by_asc(tenant::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.application_id, t.name))
        .collect())
}

/// Gives a group's tenancy and its application the organization it registered (the
/// application also its USCC); the tenant keeps its id, so its services, milestones, space
/// and reviews stay its history. False when the tenancy was linked meanwhile.
pub async fn link_to_org(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    application_id: i64,
    org_id: i64,
    uscc: &str,
) -> Result<bool, DbErr> {
    let r = tenant::Entity::update_many()
        .col_expr(tenant::Column::OrgId, Expr::value(org_id))
        .filter(tenant::Column::Id.eq(tenant_id))
        .filter(tenant::Column::OrgId.is_null())
        .exec(db)
        .await?;
    if r.rows_affected != 1 {
        return Ok(false);
    }
    application::Entity::update_many()
        .col_expr(application::Column::OrgId, Expr::value(org_id))
        .col_expr(application::Column::Uscc, Expr::value(uscc))
        .filter(application::Column::Id.eq(application_id))
        .exec(db)
        .await?;
    Ok(true)
}
