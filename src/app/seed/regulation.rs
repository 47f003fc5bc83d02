//! Demo regulation data: three years of annual reports for the first social organizations —
//! most accepted on time, some filed late, some returned (one resubmitted), a draft, and
//! some years missing — and a few published penalties. Written through the regulation
//! room's operations (audit entries and notices included), with filing times around each
//! year's deadline so timeliness shows both ways.
//!
//! Paper filings: an organization without an administrator on the platform has its report
//! entered by the demo regulator, as civil-affairs staff do for reports handed in on paper.

use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::kernel::Lang;
use crate::orgs::model::organization;
use crate::regulation::rules::{self, PenaltyForm, RegulationSettings, ReportForm, Review};

/// Organizations given reports.
const ORGS: u64 = 30;

/// What happens to one organization's report on one year, from its position and the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Missing,
    Draft,
    SubmittedLate,
    Returned,
    Resubmitted,
    Accepted,
}

fn fate(i: usize, k: usize) -> Fate {
    match (i * 7 + k * 3) % 10 {
        0 => Fate::Missing,
        1 if k == 2 => Fate::Draft,
        1 => Fate::Missing,
        2 => Fate::SubmittedLate,
        3 => Fate::Returned,
        4 => Fate::Resubmitted,
        _ => Fate::Accepted,
    }
}

fn form(i: usize, k: usize) -> ReportForm {
    let income: i64 = 200_000 + i as i64 * 37_000 + k as i64 * 11_000;
    let program = income * 6 / 10;
    let admin = income / 10;
    let fundraising = income / 50;
    let other = income / 100;
    let expense = program + admin + fundraising + other;
    let established = !i.is_multiple_of(5);
    let yn = |b: bool| if b { "yes" } else { "no" }.to_string();
    ReportForm {
        year: String::new(),
        income: income.to_string(),
        expense: expense.to_string(),
        expense_program: program.to_string(),
        expense_admin: admin.to_string(),
        expense_fundraising: fundraising.to_string(),
        expense_other: other.to_string(),
        net_assets: (income / 3).to_string(),
        gov_purchase: (income * 3 / 10).to_string(),
        grant: (income / 10).to_string(),
        staff_full: (3 + (i * 5 + k) % 20).to_string(),
        staff_part: ((i + k) % 6).to_string(),
        volunteers: (10 + (i * 13) % 90).to_string(),
        party_established: yn(established),
        party_standard: yn(established && !i.is_multiple_of(3)),
        activities: "开展社区居家养老、助餐助浴和探访关爱服务，组织志愿者培训。".into(),
        key_changes: if (i + k).is_multiple_of(4) {
            "理事会换届，法定代表人变更。".into()
        } else {
            String::new()
        },
        submit: String::new(),
    }
}

/// Seeds the reports and penalties unless some exist. Returns the reports made.
pub async fn run(db: &DatabaseConnection, now: i64, regulator: i64) -> Result<usize, DbErr> {
    if crate::regulation::model::annual_report::Entity::find()
        .count(db)
        .await?
        > 0
    {
        return Ok(0);
    }
    let settings = RegulationSettings::default();
    let this_year = crate::kernel::clock::shanghai_year(now);
    let ids: Vec<i64> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Kind.is_in([
            "social_group",
            "foundation",
            "social_service_agency",
        ]))
        .order_by_asc(organization::Column::Id)
        .limit(ORGS)
        .into_tuple()
        .all(db)
        .await?;
    let mut made = 0;
    for (i, id) in ids.iter().enumerate() {
        let Some((org, _)) = crate::orgs::get(db, *id).await? else {
            continue;
        };
        let filer = crate::orgs::member_roles(db, org.id)
            .await?
            .into_iter()
            .find(|(_, r)| *r == crate::accounts::OrgRole::Admin)
            .map(|(u, _)| u)
            .unwrap_or(regulator);
        for k in 0..3 {
            let year = this_year - 3 + k as i32;
            if year < org.registration_date.year() {
                continue;
            }
            let f = fate(i, k);
            if f == Fate::Missing {
                continue;
            }
            let Ok(d) = rules::validate_report(&form(i, k), Lang::Zh) else {
                continue;
            };
            let deadline = settings.deadline(year);
            let at = |offset: i64| (deadline + offset).min(now - 3_600);
            let on_time = at(-40 * 86_400 - i as i64 * 3_600);
            let submit_at = if f == Fate::SubmittedLate {
                at(15 * 86_400)
            } else {
                on_time
            };
            let submit = f != Fate::Draft;
            if crate::regulation::file(db, &org, year, &d, submit, filer, submit_at)
                .await?
                .is_err()
            {
                continue;
            }
            made += 1;
            let review_at = (submit_at + 10 * 86_400).min(now - 1_800);
            match f {
                Fate::Returned | Fate::Resubmitted => {
                    let why = Review::Return("支出分类与财务报表不一致，请核对后重新报送。".into());
                    crate::regulation::review(db, &org, year, &why, regulator, review_at)
                        .await?
                        .ok();
                    if f == Fate::Resubmitted {
                        crate::regulation::save(db, &org, year, &d, true, filer, review_at + 600)
                            .await?
                            .ok();
                    }
                }
                Fate::Accepted => {
                    crate::regulation::review(
                        db,
                        &org,
                        year,
                        &Review::Accept,
                        regulator,
                        review_at,
                    )
                    .await?
                    .ok();
                }
                _ => {}
            }
        }
    }
    let today = crate::kernel::clock::shanghai_date(now);
    let penalties = [
        (
            2,
            "warning",
            "",
            "《社会团体登记管理条例》第三十条",
            200,
            "未按规定报送年度报告，予以警告，责令限期改正。",
        ),
        (
            5,
            "fine",
            "20000",
            "《民办非企业单位登记管理暂行条例》第二十五条",
            120,
            "超出章程规定的宗旨和业务范围开展活动，处以罚款。",
        ),
        (
            9,
            "fine",
            "60000",
            "《基金会管理条例》第四十二条",
            400,
            "违反规定使用财产，情节严重，处以罚款。",
        ),
        (
            14,
            "suspension",
            "",
            "《社会团体登记管理条例》第三十条",
            30,
            "拒不接受监督检查，责令限期停止活动三个月。",
        ),
    ];
    for (idx, kind, amount, basis, days_ago, decision) in penalties {
        let Some(id) = ids.get(idx) else { continue };
        let Some((org, _)) = crate::orgs::get(db, *id).await? else {
            continue;
        };
        let day = today - time::Duration::days(days_ago);
        let f = PenaltyForm {
            kind: kind.into(),
            amount: amount.into(),
            legal_basis: basis.into(),
            decided_on: day.to_string(),
            decision: decision.into(),
        };
        if let Ok(d) = rules::validate_penalty(&f, today, Lang::Zh) {
            crate::regulation::record_penalty(
                db,
                &org,
                &d,
                regulator,
                rules::day_start(day) + 36_000,
            )
            .await?;
        }
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_mixes_every_fate_and_valid_reports() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..ORGS as usize {
            for k in 0..3 {
                seen.insert(format!("{:?}", fate(i, k)));
                assert!(
                    rules::validate_report(&form(i, k), Lang::Zh).is_ok(),
                    "{i} {k}"
                );
            }
        }
        assert_eq!(seen.len(), 6, "{seen:?}");
    }
}
