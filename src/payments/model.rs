//! Donation entities and their queries: a foundation's fundraising qualification (with its
//! receipt counter), campaigns, donations and the Stripe events already applied. Single
//! statements only; the transactions are opened by the room's face (`mod.rs`).

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, QueryOrder};

use super::rules::{CampaignState, DonationState, GatewayKind, Ledger, Qualification};
use crate::kernel::money::Fen;

/// `fundraising_qualifications`
pub mod qualification {
    use sea_orm::entity::prelude::*;

    /// A collecting foundation's public-fundraising qualification and bank details.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "fundraising_qualifications")]
    pub struct Model {
        /// The foundation.
        #[sea_orm(primary_key, auto_increment = false)]
        pub org_id: i64,
        /// Qualification certificate number.
        pub certificate_no: String,
        /// Valid from, Unix seconds.
        pub valid_from: i64,
        /// Bank for transfers.
        pub bank_name: String,
        /// Account holder.
        pub account_name: String,
        /// Account number.
        pub account_no: String,
        /// Year of the last receipt issued.
        pub receipt_year: i32,
        /// Sequence of the last receipt issued in that year.
        pub receipt_seq: i64,
        /// Who recorded it last.
        pub recorded_by: i64,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `campaigns`
pub mod campaign {
    use sea_orm::entity::prelude::*;

    /// A donation campaign for a funded project.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "campaigns")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The collecting foundation.
        pub org_id: i64,
        /// The funded project (approved proposal).
        pub proposal_id: i64,
        /// The project's title when opened.
        pub title: String,
        /// Goal in fen.
        pub goal_fen: i64,
        /// The filed fundraising plan's record number (备案编号).
        pub plan_record_no: String,
        /// Plan period start, Unix seconds.
        pub plan_starts_at: i64,
        /// Plan period end (exclusive), Unix seconds.
        pub plan_ends_at: i64,
        /// `rules::CampaignState` code.
        pub state: String,
        /// Who opened it.
        pub created_by: i64,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub closed_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `donations`
pub mod donation {
    use sea_orm::entity::prelude::*;

    /// One donation.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "donations")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The campaign.
        pub campaign_id: i64,
        /// The collecting foundation (issues the receipt).
        pub org_id: i64,
        /// Random reference: the donor's link and the transfer memo.
        pub reference: String,
        /// Donor's name (on the receipt; in the public list only when `show_name`).
        pub donor_name: String,
        /// The donor agreed to be named in public.
        pub show_name: bool,
        /// Amount in fen.
        pub amount_fen: i64,
        /// `rules::GatewayKind` code.
        pub gateway: String,
        /// `rules::DonationState` code.
        pub state: String,
        /// Refunded so far, fen.
        pub refunded_fen: i64,
        /// Stripe PaymentIntent id.
        pub payment_intent: Option<String>,
        /// Stripe's client secret for the browser (Stripe.js).
        pub client_secret: Option<String>,
        /// The gateway could not be reached when the donation was made.
        pub gateway_error: bool,
        /// When the money arrived, Unix seconds.
        pub paid_at: Option<i64>,
        /// The foundation's receipt number, once paid.
        pub receipt_no: Option<String>,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `stripe_events`
pub mod stripe_event {
    use sea_orm::entity::prelude::*;

    /// A webhook event already applied.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "stripe_events")]
    pub struct Model {
        /// `evt_…`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: String,
        /// Event type.
        pub kind: String,
        /// The donation it moved, if any.
        pub donation_id: Option<i64>,
        /// Unix seconds.
        pub received_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use campaign::Model as Campaign;
pub use donation::Model as Donation;
pub use qualification::Model as QualificationRow;

impl Campaign {
    /// The stored state (an unknown code reads as closed: nothing is taken).
    pub fn state(&self) -> CampaignState {
        CampaignState::parse(&self.state).unwrap_or(CampaignState::Closed)
    }
}

impl Donation {
    /// The stored state (an unknown code reads as pending: never counted as paid).
    pub fn state(&self) -> DonationState {
        DonationState::parse(&self.state).unwrap_or(DonationState::Pending)
    }

    /// The stored gateway.
    pub fn gateway(&self) -> GatewayKind {
        GatewayKind::parse(&self.gateway).unwrap_or(GatewayKind::Offline)
    }

    /// State and refunds.
    pub fn ledger(&self) -> Ledger {
        Ledger {
            state: self.state(),
            refunded: Fen(self.refunded_fen),
        }
    }
}

/// A foundation's qualification.
pub async fn qualification_of(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Option<QualificationRow>, DbErr> {
    qualification::Entity::find_by_id(org_id).one(db).await
}

/// Records (or replaces) a foundation's qualification; the receipt counter is kept.
pub async fn upsert_qualification(
    db: &impl ConnectionTrait,
    org_id: i64,
    q: &Qualification,
    by: i64,
    now: i64,
) -> Result<(), DbErr> {
    use qualification::Column as C;
    qualification::Entity::insert(qualification::ActiveModel {
        org_id: Set(org_id),
        certificate_no: Set(q.certificate_no.clone()),
        valid_from: Set(q.valid_from),
        bank_name: Set(q.bank_name.clone()),
        account_name: Set(q.account_name.clone()),
        account_no: Set(q.account_no.clone()),
        receipt_year: Set(0),
        receipt_seq: Set(0),
        recorded_by: Set(by),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(C::OrgId)
            .update_columns([
                C::CertificateNo,
                C::ValidFrom,
                C::BankName,
                C::AccountName,
                C::AccountNo,
                C::RecordedBy,
                C::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Takes the foundation's next receipt sequence for `year`: the counter restarts in a new
/// year, then grows by one. The increment is an UPDATE, so concurrent writers queue on the
/// row (PostgreSQL) or on the writer's turn (SQLite) and never get the same number.
pub async fn next_receipt_seq(
    db: &impl ConnectionTrait,
    org_id: i64,
    year: i32,
) -> Result<Option<i64>, DbErr> {
    use qualification::Column as C;
    qualification::Entity::update_many()
        .col_expr(C::ReceiptYear, Expr::value(year))
        .col_expr(C::ReceiptSeq, Expr::value(0i64))
        .filter(C::OrgId.eq(org_id))
        .filter(C::ReceiptYear.ne(year))
        .exec(db)
        .await?;
    let r = qualification::Entity::update_many()
        .col_expr(C::ReceiptSeq, Expr::col(C::ReceiptSeq).add(1i64))
        .filter(C::OrgId.eq(org_id))
        .exec(db)
        .await?;
    if r.rows_affected == 0 {
        return Ok(None);
    }
    Ok(qualification_of(db, org_id).await?.map(|q| q.receipt_seq))
}

/// A new campaign's row.
pub struct NewCampaign<'a> {
    /// Foundation.
    pub org_id: i64,
    /// Project.
    pub proposal_id: i64,
    /// Title.
    pub title: &'a str,
    /// Goal.
    pub goal: Fen,
    /// Plan record number.
    pub plan_record_no: &'a str,
    /// Period start.
    pub starts_at: i64,
    /// Period end (exclusive).
    pub ends_at: i64,
    /// Who opens it.
    pub by: i64,
}

/// Inserts an open campaign.
pub async fn insert_campaign(
    db: &impl ConnectionTrait,
    n: &NewCampaign<'_>,
    now: i64,
) -> Result<Campaign, DbErr> {
    campaign::ActiveModel {
        org_id: Set(n.org_id),
        proposal_id: Set(n.proposal_id),
        title: Set(n.title.to_string()),
        goal_fen: Set(n.goal.0),
        plan_record_no: Set(n.plan_record_no.to_string()),
        plan_starts_at: Set(n.starts_at),
        plan_ends_at: Set(n.ends_at),
        state: Set(CampaignState::Open.code().to_string()),
        created_by: Set(n.by),
        created_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A campaign.
pub async fn campaign(db: &impl ConnectionTrait, id: i64) -> Result<Option<Campaign>, DbErr> {
    campaign::Entity::find_by_id(id).one(db).await
}

/// A foundation's campaigns, newest first.
pub async fn campaigns_of(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<Campaign>, DbErr> {
    campaign::Entity::find()
        .filter(campaign::Column::OrgId.eq(org_id))
        .order_by_desc(campaign::Column::Id)
        .all(db)
        .await
}

/// Every campaign, newest first (the public list).
pub async fn all_campaigns(db: &impl ConnectionTrait) -> Result<Vec<Campaign>, DbErr> {
    campaign::Entity::find()
        .order_by_desc(campaign::Column::Id)
        .all(db)
        .await
}

/// Open campaigns whose plan period has ended by `now`.
pub async fn due_campaigns(db: &impl ConnectionTrait, now: i64) -> Result<Vec<Campaign>, DbErr> {
    campaign::Entity::find()
        .filter(campaign::Column::State.eq(CampaignState::Open.code()))
        .filter(campaign::Column::PlanEndsAt.lte(now))
        .all(db)
        .await
}

/// Closes an open campaign; false when it was no longer open.
pub async fn close_campaign(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<bool, DbErr> {
    use campaign::Column as C;
    let r = campaign::Entity::update_many()
        .col_expr(C::State, Expr::value(CampaignState::Closed.code()))
        .col_expr(C::ClosedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::State.eq(CampaignState::Open.code()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Takes the campaign's row for this transaction if it still accepts donations at `now`
/// (a no-op UPDATE: on PostgreSQL it locks the row against a concurrent close).
pub async fn lock_accepting_campaign(
    db: &impl ConnectionTrait,
    id: i64,
    now: i64,
) -> Result<bool, DbErr> {
    use campaign::Column as C;
    let r = campaign::Entity::update_many()
        .col_expr(C::State, Expr::col(C::State))
        .filter(C::Id.eq(id))
        .filter(C::State.eq(CampaignState::Open.code()))
        .filter(C::PlanStartsAt.lte(now))
        .filter(C::PlanEndsAt.gt(now))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// A new donation's row.
pub struct NewDonation<'a> {
    /// Campaign.
    pub campaign: &'a Campaign,
    /// Reference.
    pub reference: &'a str,
    /// Donor name.
    pub donor_name: &'a str,
    /// Named in public.
    pub show_name: bool,
    /// Amount.
    pub amount: Fen,
    /// Gateway.
    pub gateway: GatewayKind,
}

/// Inserts a pending donation.
pub async fn insert_donation(
    db: &impl ConnectionTrait,
    n: &NewDonation<'_>,
    now: i64,
) -> Result<Donation, DbErr> {
    donation::ActiveModel {
        campaign_id: Set(n.campaign.id),
        org_id: Set(n.campaign.org_id),
        reference: Set(n.reference.to_string()),
        donor_name: Set(n.donor_name.to_string()),
        show_name: Set(n.show_name),
        amount_fen: Set(n.amount.0),
        gateway: Set(n.gateway.code().to_string()),
        state: Set(DonationState::Pending.code().to_string()),
        refunded_fen: Set(0),
        payment_intent: Set(None),
        client_secret: Set(None),
        gateway_error: Set(false),
        paid_at: Set(None),
        receipt_no: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A donation by its reference.
pub async fn by_reference(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<Donation>, DbErr> {
    donation::Entity::find()
        .filter(donation::Column::Reference.eq(reference))
        .one(db)
        .await
}

/// A donation by its id.
pub async fn donation(db: &impl ConnectionTrait, id: i64) -> Result<Option<Donation>, DbErr> {
    donation::Entity::find_by_id(id).one(db).await
}

/// A donation by its PaymentIntent.
pub async fn by_intent(db: &impl ConnectionTrait, intent: &str) -> Result<Option<Donation>, DbErr> {
    donation::Entity::find()
        .filter(donation::Column::PaymentIntent.eq(intent))
        .one(db)
        .await
}

/// A campaign's donations, newest first.
pub async fn donations_of(
    db: &impl ConnectionTrait,
    campaign_id: i64,
) -> Result<Vec<Donation>, DbErr> {
    donation::Entity::find()
        .filter(donation::Column::CampaignId.eq(campaign_id))
        .order_by_desc(donation::Column::Id)
        .all(db)
        .await
}

/// A foundation's donations, newest first.
pub async fn donations_of_org(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Vec<Donation>, DbErr> {
    donation::Entity::find()
        .filter(donation::Column::OrgId.eq(org_id))
        .order_by_desc(donation::Column::Id)
        .all(db)
        .await
}

/// Stripe donations still waiting for their PaymentIntent or confirmation (reconciliation).
pub async fn stripe_donations_of_org(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Vec<Donation>, DbErr> {
    donation::Entity::find()
        .filter(donation::Column::OrgId.eq(org_id))
        .filter(donation::Column::Gateway.eq(GatewayKind::Stripe.code()))
        .filter(donation::Column::PaymentIntent.is_not_null())
        .order_by_desc(donation::Column::Id)
        .all(db)
        .await
}

/// Records the PaymentIntent made for a donation (or that the gateway was unreachable).
pub async fn set_intent(
    db: &impl ConnectionTrait,
    id: i64,
    intent: Option<(&str, &str)>,
    now: i64,
) -> Result<(), DbErr> {
    use donation::Column as C;
    let mut q = donation::Entity::update_many()
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::PaymentIntent.is_null());
    q = match intent {
        Some((pi, secret)) => q
            .col_expr(C::PaymentIntent, Expr::value(pi))
            .col_expr(C::ClientSecret, Expr::value(secret))
            .col_expr(C::GatewayError, Expr::value(false)),
        None => q.col_expr(C::GatewayError, Expr::value(true)),
    };
    q.exec(db).await?;
    Ok(())
}

/// Moves a donation from the ledger position it was read in to `to` (with the paid
/// amount, instant and receipt once it is paid). False when it changed meanwhile.
pub async fn move_donation(
    db: &impl ConnectionTrait,
    d: &Donation,
    to: Ledger,
    paid: Option<(Fen, i64, &str)>,
    now: i64,
) -> Result<bool, DbErr> {
    use donation::Column as C;
    let mut q = donation::Entity::update_many()
        .col_expr(C::State, Expr::value(to.state.code()))
        .col_expr(C::RefundedFen, Expr::value(to.refunded.0))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(d.id))
        .filter(C::State.eq(d.state.clone()))
        .filter(C::RefundedFen.eq(d.refunded_fen));
    if let Some((amount, at, receipt)) = paid {
        q = q
            .col_expr(C::AmountFen, Expr::value(amount.0))
            .col_expr(C::PaidAt, Expr::value(at))
            .col_expr(C::ReceiptNo, Expr::value(receipt));
    }
    Ok(q.exec(db).await?.rows_affected == 1)
}

/// Records an event id; false when it was already there (a replay).
pub async fn insert_event(
    db: &impl ConnectionTrait,
    id: &str,
    kind: &str,
    donation_id: Option<i64>,
    now: i64,
) -> Result<bool, DbErr> {
    let n = stripe_event::Entity::insert(stripe_event::ActiveModel {
        event_id: Set(id.to_string()),
        kind: Set(kind.to_string()),
        donation_id: Set(donation_id),
        received_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(stripe_event::Column::EventId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(n > 0)
}
