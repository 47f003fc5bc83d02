//! The national defaults of the credit rules (社会组织信用信息管理办法, MCA order 60, 2018):
//! the abnormal-activity list's triggers (art. 10) and the serious list's (art. 11). The
//! report rule's threshold is the first year whose reports the platform checks (2026, due
//! by 31 May 2027: the first deadline after the engine arrives, so deploying it lists
//! nobody for years the platform never collected); the fine rule's is in fen; the repeat rule counts penalties within its window; the escalation
//! rule's threshold is days on the abnormal list.

use sea_orm_migration::prelude::*;

use crate::m0145_create_credit_rules::CreditRules;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (code, list, legal basis, threshold, window days)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    Option<i64>,
    Option<i64>,
);

const DEFAULTS: [Row; 9] = [
    (
        "report_missing",
        "abnormal",
        "《社会组织信用信息管理办法》第十条第（一）项：未按照规定时限和要求向登记管理机关报送年度工作报告",
        Some(2026),
        None,
    ),
    (
        "rectification_overdue",
        "abnormal",
        "《社会组织信用信息管理办法》第十条第（五）项：受到警告或者不满5万元罚款处罚，或未按登记管理机关要求限期整改",
        None,
        None,
    ),
    (
        "unreachable",
        "abnormal",
        "《社会组织信用信息管理办法》第十条第（六）项：通过登记的住所无法与社会组织取得联系",
        None,
        None,
    ),
    (
        "other",
        "abnormal",
        "《社会组织信用信息管理办法》第十条：登记管理机关认定的其他应当列入活动异常名录的情形",
        None,
        None,
    ),
    (
        "abnormal_two_years",
        "serious",
        "《社会组织信用信息管理办法》第十一条第（一）项：被列入活动异常名录满2年",
        Some(730),
        None,
    ),
    (
        "large_fine",
        "serious",
        "《社会组织信用信息管理办法》第十一条第（四）项：受到5万元以上罚款处罚",
        Some(5_000_000),
        None,
    ),
    (
        "repeat_penalties",
        "serious",
        "《社会组织信用信息管理办法》第十一条第（五）项：三年内两次以上受到警告或者不满5万元罚款处罚",
        Some(2),
        Some(1095),
    ),
    (
        "revoked",
        "serious",
        "《社会组织信用信息管理办法》第十一条第（二）项：弄虚作假办理变更登记被撤销登记，或被撤销登记",
        None,
        None,
    ),
    (
        "stopped",
        "serious",
        "《社会组织信用信息管理办法》第十一条第（三）项：受到限期停止活动行政处罚",
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
        for (code, list, basis, threshold, window) in DEFAULTS {
            q.values_panic([
                code.into(),
                list.into(),
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
            .execute_unprepared("DELETE FROM credit_rules")
            .await?;
        Ok(())
    }
}
