//! A demo donation campaign: the first foundation records its public-fundraising
//! qualification and opens a campaign for the approved demo proposal, with a few offline
//! donations (one anonymous, one still waiting for its transfer). Written through
//! `payments`' face, so each step carries its audit entry. Running it again adds nothing
//! (a campaign already there stops it).

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use crate::accounts::OrgRole;
use crate::kernel::money::Fen;
use crate::orgs::model::organization;
use crate::payments::rules::{CampaignDraft, GatewayKind, PledgeDraft, Qualification};
use crate::payments::{self, model};
use crate::philanthropy::proposal_model::proposal;

const DAY: i64 = 86_400;

/// Creates the demo campaign when there is none; returns the donations it made. `actor`
/// (the demo organization user) becomes an administrator of the foundation.
pub async fn run(db: &DatabaseConnection, now: i64, actor: i64) -> Result<usize, DbErr> {
    if model::campaign::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let Some(foundation) = organization::Entity::find()
        .filter(organization::Column::Kind.eq(crate::orgs::OrgKind::Foundation.code()))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let Some(project) = proposal::Entity::find()
        .filter(proposal::Column::State.eq("approved"))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    crate::orgs::model::set_member(db, foundation.id, actor, OrgRole::Admin, now).await?;
    let q = Qualification {
        certificate_no: "内民慈募〔2024〕第0017号".into(),
        valid_from: now - 400 * DAY,
        bank_name: "中国工商银行呼和浩特新华支行".into(),
        account_name: foundation.name.clone(),
        account_no: "0602 0012 0920 0123 456".into(),
    };
    if payments::record_qualification(db, foundation.id, &q, actor, now - 30 * DAY)
        .await?
        .is_err()
    {
        return Ok(0);
    }
    let d = CampaignDraft {
        proposal_id: project.id,
        goal: Fen(5_000_000),
        plan_record_no: "53150000MJY0017A2026003".into(),
        starts_at: now - 20 * DAY,
        ends_at: now + 70 * DAY,
    };
    let Ok(c) = payments::open_campaign(db, foundation.id, &d, actor, now - 20 * DAY).await? else {
        return Ok(0);
    };
    let gifts: [(&str, bool, i64, bool); 4] = [
        ("李明", true, 50_000, true),
        ("赵静", false, 20_000, true),
        ("呼和浩特市某爱心企业", true, 300_000, true),
        ("王芳", true, 100_000, false),
    ];
    let mut made = 0;
    for (n, (name, show, fen, paid)) in gifts.into_iter().enumerate() {
        let at = now - (10 - n as i64) * DAY;
        let p = PledgeDraft {
            donor_name: name.into(),
            show_name: show,
            amount: Fen(fen),
        };
        let reference = payments::new_reference();
        let Ok(don) = payments::pledge(db, &c, &p, GatewayKind::Offline, &reference, at).await?
        else {
            continue;
        };
        made += 1;
        if paid {
            let _ =
                payments::confirm_offline(db, &don, Fen(fen), at + DAY, actor, at + DAY).await?;
        }
    }
    Ok(made)
}
