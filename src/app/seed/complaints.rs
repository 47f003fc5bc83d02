//! Demo complaints, one or more in every state: a general matter just received (with a
//! PDF attached) and one received long ago (overdue), an assigned one, one under
//! investigation past its limit, one concluded with a published outcome and one concluded
//! unpublished. Written through the complaints room's operations (audit entries included),
//! at times in the past so the time limits show. Their tracking codes are fixed
//! (`DEMQ-CASE-2222-XYZW` … `DEMQ-CASE-7777-XYZW`, README) so a visitor can follow one;
//! running it again adds nothing twice.

use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryOrder};

use crate::complaints::rules::{Attachment, ComplaintDraft, Conclusion, Outcome};
use crate::orgs::model::organization;

const DAY: i64 = 86_400;

/// The demo tracking code of the `n`-th demo complaint (0-based, up to 7).
pub fn demo_code(n: usize) -> String {
    let s = char::from(b"23456789"[n % 8]);
    format!("DEMQ-CASE-{s}{s}{s}{s}-XYZW")
}

/// How far each demo complaint gets: (days ago filed, steps taken).
const PLAN: [(i64, usize); 6] = [(1, 0), (10, 0), (2, 1), (40, 2), (20, 3), (15, 3)];

/// Creates the demo complaints if missing; how many it made.
pub async fn run(db: &DatabaseConnection, now: i64, regulator: i64) -> Result<usize, DbErr> {
    let orgs: Vec<organization::Model> = organization::Entity::find()
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .take(6)
        .collect();
    let mut made = 0;
    for (n, (days, steps)) in PLAN.into_iter().enumerate() {
        let code = demo_code(n);
        if crate::complaints::by_code(db, &code).await?.is_some() {
            continue;
        }
        let org = if n == 0 {
            None
        } else {
            orgs.get(n % orgs.len().max(1))
        };
        let files = if n == 0 {
            vec![Attachment {
                name: "照片说明.pdf".into(),
                mime: "application/pdf",
                bytes: b"%PDF-1.4\n% CivicBridge demo complaint attachment\n%%EOF\n".to_vec(),
            }]
        } else {
            Vec::new()
        };
        let d = ComplaintDraft {
            org: org.map(|o| o.name.clone()),
            subject: SUBJECTS[n % SUBJECTS.len()].to_string(),
            body: BODIES[n % BODIES.len()].to_string(),
            contact: (n % 2 == 1).then(|| "138 0000 0000".to_string()),
            anonymous: true,
            files,
        };
        let mut t = now - days * DAY;
        let c = crate::complaints::submit(db, &d, org, None, &code, t).await?;
        made += 1;
        if steps >= 1 {
            t += DAY / 2;
            let _ = crate::complaints::assign(db, &c, regulator, regulator, t).await?;
        }
        if steps >= 2 {
            t += DAY;
            let Some(c) = crate::complaints::get(db, c.id).await? else {
                continue;
            };
            let _ = crate::complaints::investigate(db, &c, regulator, t).await?;
            t += DAY;
            crate::complaints::reply(db, &c, "已受理并启动调查，请耐心等待。", true, regulator, t)
                .await?;
        }
        if steps >= 3 {
            t += 5 * DAY;
            let Some(c) = crate::complaints::get(db, c.id).await? else {
                continue;
            };
            let k = Conclusion {
                outcome: if n == 4 {
                    Outcome::Partly
                } else {
                    Outcome::Unfounded
                },
                text: if n == 4 {
                    "经调查，该机构收费公示不完整，已责令限期整改并公开收费标准。".into()
                } else {
                    "经调查，未发现所反映的问题。".into()
                },
                publish: n == 4,
            };
            let _ = crate::complaints::conclude(db, &c, &k, regulator, t).await?;
        }
    }
    Ok(made)
}

const SUBJECTS: [&str; 6] = [
    "社区活动场地长期被占用",
    "服务收费未公示",
    "志愿者补贴未按约发放",
    "项目服务未按合同开展",
    "会费收取标准不透明",
    "宣传内容与实际服务不符",
];

const BODIES: [&str; 3] = [
    "近三个月来多次反映未果，希望监管部门核实处理。",
    "该机构在提供服务时收取费用，但未公示收费标准和依据。",
    "合同约定的每周上门服务实际仅开展了一次，请予以核查。",
];
