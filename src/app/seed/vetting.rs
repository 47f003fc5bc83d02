//! Demo data for verification and claims: a pending claim of a registry record that has no
//! administrator (by the demo organization user, with a small PDF as its certificate), and a
//! new registration waiting for verification. Running it again adds nothing twice.

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use crate::orgs::model::{org_member, organization};

/// The demo certificate: a minimal PDF (typed by its content like any upload).
const DEMO_CERTIFICATE: &[u8] = b"%PDF-1.4\n% CivicBridge demo registration certificate\n%%EOF\n";

/// Creates the demo claim and the unverified registration if missing; how many it made.
pub async fn run(db: &DatabaseConnection, now: i64) -> Result<usize, DbErr> {
    let Some(user) = crate::accounts::find_by_email(db, "org@demo.civicbridge.cn").await? else {
        return Ok(0);
    };
    let mut made = 0;
    if crate::orgs::claims_of_user(db, user.id).await?.is_empty() {
        // The oldest record nobody administers: an imported registry entry.
        let with_members = sea_orm::sea_query::Query::select()
            .column(org_member::Column::OrgId)
            .from(org_member::Entity)
            .to_owned();
        let record = organization::Entity::find()
            .filter(organization::Column::Id.not_in_subquery(with_members))
            .filter(organization::Column::CreatedBy.is_null())
            .one(db)
            .await?;
        if let Some(o) = record {
            let draft = crate::orgs::rules::ClaimDraft {
                evidence:
                    "本人为该机构法定代表人，机构已在民政部门登记，现申请认领并管理本机构信息。"
                        .into(),
                file_name: "登记证书.pdf".into(),
                mime: "application/pdf",
                bytes: DEMO_CERTIFICATE.to_vec(),
            };
            // Submitted a little earlier, at office hours on a working day.
            if crate::orgs::submit_claim(db, &o, user.id, &draft, now - 3 * 86_400)
                .await?
                .is_ok()
            {
                made += 1;
            }
        }
    }
    // A new registration by the demo organization user, waiting for a regulator.
    let today = crate::kernel::clock::Clock::fixed(now).today();
    let d = super::rules::demo_org(7, 900_001, today).draft;
    if !crate::orgs::model::uscc_taken(db, &d.uscc, None).await? {
        crate::orgs::create(db, &d, user.id, now - 86_400).await?;
        made += 1;
    }
    Ok(made)
}
