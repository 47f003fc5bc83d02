//! The criteria of zombie organizations (僵尸型社会组织) as rules in the same table as the
//! credit rules (list `zombie`), so regulators tune both on one page: no annual report for
//! `threshold` consecutive years (default 2, the regional opinion); no activity on the
//! platform within `window_days` of registration (default 365, 社团条例 art. 30 (2));
//! unreachable at the registered address (a regulator's unresolved finding). The credit
//! engine reads only the codes it knows, so these rows never list anyone on a credit list.

use sea_orm_migration::prelude::*;

use crate::m0145_create_credit_rules::CreditRules;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (code, legal basis, threshold, window days)
type Row = (&'static str, &'static str, Option<i64>, Option<i64>);

const DEFAULTS: [Row; 3] = [
    (
        "zombie_no_reports",
        "《内蒙古自治区关于推动社会组织高质量发展的意见》：连续2年未参加年检（年报）的“僵尸型”社会组织依法清理；《社会团体登记管理条例》第三十条第（三）项",
        Some(2),
        None,
    ),
    (
        "zombie_no_activity",
        "《社会团体登记管理条例》第三十条第（二）项：自取得登记证书之日起1年未开展活动",
        None,
        Some(365),
    ),
    (
        "zombie_unreachable",
        "《社会组织信用信息管理办法》第十条第（六）项：通过登记的住所无法与社会组织取得联系",
        None,
        None,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CreditRules as R;
        let mut q = Query::insert()
            .into_table(R::Table)
            .columns([
                R::Code,
                R::List,
                R::LegalBasis,
                R::Threshold,
                R::WindowDays,
                R::Enabled,
                R::UpdatedAt,
            ])
            .to_owned();
        for (code, basis, threshold, window) in DEFAULTS {
            q.values_panic([
                code.into(),
                "zombie".into(),
                basis.into(),
                threshold.into(),
                window.into(),
                true.into(),
                0i64.into(),
            ]);
        }
        m.exec_stmt(q).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DELETE FROM credit_rules WHERE list = 'zombie'")
            .await?;
        Ok(())
    }
}
