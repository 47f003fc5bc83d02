//! One override per rule and locality: two regulators saving the same locality's rule at
//! once cannot both insert one.

use sea_orm_migration::prelude::*;

use crate::m0320_create_credit_rule_overrides::CreditRuleOverrides;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_credit_rule_overrides_code_division")
                .table(CreditRuleOverrides::Table)
                .col(CreditRuleOverrides::Code)
                .col(CreditRuleOverrides::Division)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_credit_rule_overrides_code_division")
                .table(CreditRuleOverrides::Table)
                .to_owned(),
        )
        .await
    }
}
