//! Demo data: users for every role, purchasing units for every league/city, and any number
//! of deterministic organizations (`civicbridge seed --orgs N`).
//!
//! Invariants: running it again adds nothing twice — users and units are created when
//! missing, organizations continue numbering after the ones already there. May call:
//! `accounts`, `orgs`, `units` (their models), `incubators` (its operations); `procurement`
//! and `history` also `contracts`, `matching` (invitations) and `targets` (the ledger
//! rebuild); `vetting` a pending claim and an unverified registration through `orgs`; `calls`
//! `proposals` and `grants` call `philanthropy`; `regulation` its reports and penalties;
//! `brands` calls `brands`; `payments` calls `payments`; `spaces` calls `spaces`;
//! `complaints` and `inspections` call their rooms;
//! `credit` replays the credit engine over the demo years (run last: listings bar bidding).

pub mod brands;
pub mod calls;
pub mod complaints;
pub mod credit;
pub mod grants;
pub mod history;
pub mod incubators;
pub mod inspections;
pub mod payments;
pub mod procurement;
pub mod proposals;
pub mod recognition;
pub mod regulation;
pub mod rules;
pub mod spaces;
pub mod vetting;
pub mod zombies;

use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect,
};

use crate::accounts::{self, OrgRole, Role};
use crate::kernel::clock::Clock;
use crate::orgs::model::{org_domain, organization};
use crate::regions::{Level, regions};
use crate::units::model as units;

/// The password of every demo account (printed by `serve --demo`).
pub const DEMO_PASSWORD: &str = "demo-password";

/// The domain of every demo account's e-mail.
pub const DEMO_EMAIL_DOMAIN: &str = "@demo.civicbridge.cn";

/// Demo accounts: e-mail, display name (zh), roles.
pub const DEMO_USERS: &[(&str, &str, &[Role])] = &[
    ("admin@demo.civicbridge.cn", "平台管理员", &[Role::Admin]),
    (
        "regulator@demo.civicbridge.cn",
        "民政厅监管员",
        &[Role::Regulator],
    ),
    ("buyer@demo.civicbridge.cn", "呼和浩特市民政局采购员", &[]),
    ("org@demo.civicbridge.cn", "社会组织负责人", &[]),
    (
        "incubator@demo.civicbridge.cn",
        "孵化基地管理员",
        &[Role::IncubatorManager],
    ),
    (
        "evaluator@demo.civicbridge.cn",
        "评审专家",
        &[Role::Evaluator],
    ),
];

/// What a seed run did.
#[derive(Debug, Default)]
pub struct SeedReport {
    /// Users created.
    pub users: usize,
    /// Units created.
    pub units: usize,
    /// Organizations created.
    pub orgs: u64,
}

/// Creates the demo users and units if missing, then `n_orgs` more organizations.
pub async fn run(
    db: &DatabaseConnection,
    clock: &Clock,
    n_orgs: u64,
    seed: u64,
    progress: bool,
) -> Result<SeedReport, DbErr> {
    let now = clock.now();
    let mut report = SeedReport::default();
    let hash = crate::accounts::hash_password(DEMO_PASSWORD).map_err(DbErr::Custom)?;
    let mut user_ids = Vec::new();
    for (email, name, roles) in DEMO_USERS {
        let id = match accounts::find_by_email(db, email).await? {
            Some(u) => u.id,
            None => {
                report.users += 1;
                accounts::create_user(db, email, &hash, name, roles, now)
                    .await?
                    .id
            }
        };
        user_ids.push(id);
    }
    report.units = seed_units(db, now).await?;
    // The demo buyer acts for the Hohhot civil-affairs bureau.
    let hohhot: Option<i64> = units::unit::Entity::find()
        .select_only()
        .column(units::unit::Column::Id)
        .filter(units::unit::Column::Name.eq("呼和浩特市民政局"))
        .into_tuple()
        .one(db)
        .await?;
    if let Some(unit_id) = hohhot {
        units::add_member(db, unit_id, user_ids[2], now).await?;
    }
    report.orgs = seed_orgs(db, clock, n_orgs, seed, progress).await?;
    // The demo organization user administers the first organization.
    let first: Option<i64> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Kind.eq("social_service_agency"))
        .order_by_id_asc()
        .into_tuple()
        .one(db)
        .await?;
    if let Some(org_id) = first {
        crate::orgs::model::set_member(db, org_id, user_ids[3], OrgRole::Admin, now).await?;
    }
    // Two venture-philanthropy calls (one open, one closed), drafted by the demo buyer.
    calls::run(db, user_ids[2], now).await?;
    // Applications to the open call in every state: the demo organization user applies,
    // the demo buyer screens and decides.
    proposals::run(db, user_ids[3], user_ids[2], now).await?;
    // A donation campaign for the approved proposal, collected by the first foundation
    // (administered by the demo organization user), with offline donations.
    payments::run(db, now, user_ids[3]).await?;
    // Grants under way under the closed call: signed, a tranche paid, a report overdue and
    // an amendment pending.
    grants::run(db, user_ids[3], user_ids[2], now).await?;
    // Annual reports and penalties, recorded by the demo regulator.
    regulation::run(db, now, user_ids[1]).await?;
    incubators::run(db, now).await?;
    spaces::run(db, now).await?;
    brands::run(db, now, clock.today()).await?;
    // Brand recognition: last year's rounds completed, this year's in public notice with an
    // objection; nominated by the demo buyer for the Hohhot bureau, reviewed by the demo
    // evaluator, run by the demo regulator.
    recognition::run(
        db,
        now,
        user_ids[1],
        user_ids[5],
        hohhot.map(|u| (user_ids[2], u)),
        user_ids[3],
    )
    .await?;
    // Complaints in every state, handled by the demo regulator.
    complaints::run(db, now, user_ids[1]).await?;
    // A spot-check campaign drawn and concluded.
    inspections::run(db, now, user_ids[1]).await?;
    // A league/city raising the minimum ratio of its spot checks.
    inspections::ratios(db, now, user_ids[1]).await?;
    Ok(report)
}

async fn seed_units(db: &DatabaseConnection, now: i64) -> Result<usize, DbErr> {
    let r = regions();
    let mut wanted: Vec<(String, String)> = vec![
        ("内蒙古自治区民政厅".into(), "150000".into()),
        ("内蒙古自治区残疾人联合会".into(), "150000".into()),
    ];
    for l in r.leagues() {
        let name = &l.name;
        wanted.push((format!("{name}民政局"), l.code.clone()));
        wanted.push((format!("{name}卫生健康委员会"), l.code.clone()));
        wanted.push((format!("{name}教育局"), l.code.clone()));
        if let Some(c) = r.children(&l.code).next() {
            wanted.push((format!("{}{}民政局", name, c.name), c.code.clone()));
            if let Some(t) = r.children(&c.code).find(|t| t.level == Level::Township) {
                wanted.push((
                    format!(
                        "{}{}{}",
                        c.name,
                        t.name,
                        if t.name.ends_with("街道") {
                            "办事处"
                        } else {
                            "人民政府"
                        }
                    ),
                    t.code.clone(),
                ));
            }
        }
    }
    let mut created = 0;
    for (name, code) in wanted {
        if units::name_taken(db, &name).await? {
            continue;
        }
        if let Some(d) = crate::units::rules::draft(&name, &code) {
            units::create(db, &d, now).await?;
            created += 1;
        }
    }
    Ok(created)
}

/// Rows per insert statement: 20 columns × 800 rows stays under SQLite's and PostgreSQL's
/// bind-parameter limits.
const BATCH: u64 = 800;

async fn seed_orgs(
    db: &DatabaseConnection,
    clock: &Clock,
    n: u64,
    seed: u64,
    progress: bool,
) -> Result<u64, DbErr> {
    if n == 0 {
        return Ok(0);
    }
    let start = organization::Entity::find().count(db).await?;
    let today = clock.today();
    let now = clock.now();
    let bar = if progress {
        ProgressBar::new(n)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} organizations {bar:40} {pos}/{len} ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut done = 0;
    while done < n {
        let size = BATCH.min(n - done);
        let generated: Vec<rules::DemoOrg> = (start + done..start + done + size)
            .map(|i| rules::demo_org(seed, i, today))
            .collect();
        let txn = crate::kernel::db::begin_write(db).await?;
        organization::Entity::insert_many(generated.iter().map(|g| {
            let d = &g.draft;
            organization::ActiveModel {
                name: Set(d.name.clone()),
                uscc: Set(d.uscc.clone()),
                kind: Set(d.kind.code().to_string()),
                registration_date: Set(d.registration_date),
                authority_level: Set(d.authority_level.code().to_string()),
                division_code: Set(d.division_code.clone()),
                league_code: Set(d.league_code.clone()),
                county_code: Set(d.county_code.clone()),
                staff_count: Set(d.staff_count),
                contact_name: Set(d.contact_name.clone()),
                contact_phone: Set(d.contact_phone.clone()),
                contact_email: Set(d.contact_email.clone()),
                intro: Set(d.intro.clone()),
                rating_grade: Set(g.rating.map(|r| r.0)),
                rating_valid_until: Set(g.rating.map(|r| r.1)),
                credit_status: Set(g.credit.code().to_string()),
                // Imported from the registry: verified records, claimable by their owners.
                verification: Set(crate::orgs::Verification::Verified.code().to_string()),
                created_by: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        }))
        .exec_without_returning(&*txn)
        .await?;
        // Ids come back through the unique USCC, which works the same on both databases.
        let ids: Vec<(i64, String)> = organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .column(organization::Column::Uscc)
            .filter(
                organization::Column::Uscc.is_in(generated.iter().map(|g| g.draft.uscc.clone())),
            )
            .into_tuple()
            .all(&*txn)
            .await?;
        let by_uscc: std::collections::HashMap<String, i64> =
            ids.into_iter().map(|(id, u)| (u, id)).collect();
        let domain_rows: Vec<org_domain::ActiveModel> = generated
            .iter()
            .filter_map(|g| by_uscc.get(&g.draft.uscc).map(|id| (*id, g)))
            .flat_map(|(id, g)| {
                g.draft
                    .domains
                    .iter()
                    .map(move |d| org_domain::ActiveModel {
                        org_id: Set(id),
                        domain: Set(d.clone()),
                    })
            })
            .collect();
        org_domain::Entity::insert_many(domain_rows)
            .exec_without_returning(&*txn)
            .await?;
        txn.commit().await?;
        done += size;
        bar.set_position(done);
    }
    bar.finish_and_clear();
    Ok(done)
}
