//! Schema migrations for CivicBridge. One change per file; each file works on SQLite and
//! PostgreSQL. A landed migration is never edited: add a new one.
//!
//! Conventions: instants are `BIGINT` Unix seconds (UTC), money is `BIGINT` fen, states and
//! kinds are short `TEXT` codes owned by the Rust enums in the application.

pub use sea_orm_migration::prelude::*;

mod m0001_create_users;
mod m0002_create_user_roles;
mod m0003_create_sessions;
mod m0004_create_login_failures;
mod m0005_create_purchasing_units;
mod m0006_create_unit_members;
mod m0007_create_organizations;
mod m0008_create_org_domains;
mod m0009_create_org_members;
mod m0010_create_org_regulatory_events;
mod m0011_create_tenders;
mod m0012_create_tender_criteria;
mod m0013_create_tender_milestones;
mod m0014_create_tender_amendments;
mod m0015_create_enquiries;
mod m0016_create_bids;
mod m0017_create_bid_files;
mod m0018_create_tender_evaluators;
mod m0019_create_bid_scores;
mod m0020_create_awards;
mod m0021_create_challenges;
mod m0022_create_contracts;
mod m0023_create_contract_milestones;
mod m0024_create_payments;
mod m0025_create_audit_events;
mod m0026_create_audit_head;
mod m0027_index_organizations_id;
mod m0028_create_search_outbox;
mod m0029_index_search_outbox_pending;
mod m0040_create_notifications;
mod m0041_create_target_ledger;
mod m0042_fill_target_ledger;
mod m0043_index_contracts_signed_year;
mod m0044_create_user_notifications;
mod m0045_index_user_notifications_unread;
mod m0050_add_audit_events_mac;
mod m0051_create_audit_checkpoints;
mod m0055_add_bid_files_meta;
mod m0070_create_score_sheets;
mod m0071_create_score_comments;
mod m0075_add_contracts_terminated_at;
mod m0076_add_contracts_termination_reason;
mod m0080_add_organizations_verification;
mod m0081_fill_organizations_verification;
mod m0082_create_org_claims;
mod m0083_index_org_claims_one_open;
mod m0100_create_incubators;
mod m0101_create_incubator_managers;
mod m0102_create_incubator_checklist_items;
mod m0103_create_incubator_applications;
mod m0104_create_incubator_checks;
mod m0105_create_incubator_messages;
mod m0106_create_incubator_tenants;
mod m0107_index_incubator_applications_applicant;
mod m0108_index_incubator_tenants_incubator;
mod m0120_create_brands;
mod m0121_create_brand_places;
mod m0122_create_brand_outcomes;
mod m0123_create_brand_photos;
mod m0124_create_brand_evidence;
mod m0125_index_brands_org;
mod m0126_index_brand_places_league;
mod m0127_index_brand_photos_brand;
mod m0140_create_annual_reports;
mod m0141_index_annual_reports_org_year;
mod m0142_index_annual_reports_year_state;
mod m0143_create_penalties;
mod m0144_index_penalties_org;
mod m0145_create_credit_rules;
mod m0146_fill_credit_rules;
mod m0147_create_credit_findings;
mod m0148_create_credit_cases;
mod m0149_create_credit_events;
mod m0150_index_credit_cases_ground;
mod m0151_index_credit_cases_state;
mod m0152_index_credit_events_org;
mod m0153_index_credit_findings_org;
mod m0160_create_calls;
mod m0161_index_calls_state_closes;
mod m0162_create_proposals;
mod m0163_create_proposal_revisions;
mod m0164_index_proposals_call_state;
mod m0165_index_proposals_call_org;
mod m0166_index_proposal_revisions_number;
mod m0167_add_calls_admin_cap_bp;
mod m0180_create_space_resources;
mod m0181_create_space_allocations;
mod m0182_create_space_bookings;
mod m0183_index_space_allocations_resource;
mod m0184_index_space_bookings_resource;
mod m0185_exclude_space_allocations_overlap;
mod m0186_exclude_space_bookings_overlap;
mod m0187_create_tenancy_agreements;
mod m0188_index_tenancy_agreements_tenant;
mod m0200_create_incubator_graduation_criteria;
mod m0201_create_incubator_graduation_reviews;
mod m0202_index_incubator_graduation_reviews_tenant;
mod m0203_create_incubator_exit_tasks;
mod m0204_create_incubator_milestones;
mod m0205_index_incubator_milestones_incubator;
mod m0206_create_incubator_milestone_marks;
mod m0207_create_incubator_trainings;
mod m0208_create_incubator_training_attendance;
mod m0209_index_incubator_training_attendance_tenant;
mod m0210_create_incubator_guidance;
mod m0211_index_incubator_guidance_tenant;
mod m0220_create_complaints;
mod m0221_create_complaint_replies;
mod m0222_create_complaint_files;
mod m0223_index_complaints_state;
mod m0224_index_complaint_replies_complaint;
mod m0230_create_spot_campaigns;
mod m0231_create_spot_checks;
mod m0232_create_spot_findings;
mod m0233_index_spot_findings_check_item;
mod m0234_index_spot_checks_campaign;
mod m0240_add_users_disabled_at;
mod m0241_add_users_disabled_reason;
mod m0242_create_password_resets;
mod m0243_index_password_resets_user;
mod m0250_create_review_rounds;
mod m0251_index_review_rounds_subject;
mod m0252_create_review_assignments;
mod m0253_index_review_assignments_round_reviewer;
mod m0254_index_review_assignments_reviewer;
mod m0255_create_review_scores;
mod m0260_create_grants;
mod m0261_create_grant_tranches;
mod m0262_create_grant_reports;
mod m0263_create_grant_amendments;
mod m0264_index_grants_proposal;
mod m0265_index_grant_tranches_number;
mod m0266_index_grant_reports_number;
mod m0267_index_grant_amendments_grant;
mod m0280_create_fundraising_qualifications;
mod m0281_create_campaigns;
mod m0282_create_donations;
mod m0283_create_stripe_events;
mod m0284_index_donations_reference;
mod m0285_index_donations_payment_intent;
mod m0286_index_donations_campaign;
mod m0287_index_donations_receipt;
mod m0288_index_campaigns_org;
mod m0310_create_zombie_cases;
mod m0311_index_zombie_cases_open;
mod m0312_index_zombie_cases_org;
mod m0313_add_organizations_registration_status;
mod m0314_fill_zombie_rules;
mod m0320_create_credit_rule_overrides;
mod m0321_index_credit_rule_overrides_code_division;
mod m0322_add_organizations_registration_ended_at;
mod m0323_fill_organizations_registration_ended_at;
mod m0340_create_recognition_rounds;
mod m0341_create_brand_nominations;
mod m0342_index_brand_nominations_round_brand;
mod m0343_create_brand_objections;
mod m0344_index_brand_objections_round;
mod m0370_add_incubator_guidance_incubator_id;
mod m0371_fill_incubator_guidance_incubator_id;
mod m0372_index_incubator_guidance_held;
mod m0373_index_incubator_trainings_held;
mod m0374_index_incubator_applications_submitted;
mod m0375_index_incubator_tenants_admitted;
mod m0376_index_incubator_tenants_org;
mod m0377_create_incubator_vp_support;
mod m0378_index_incubator_vp_support_tenant;
mod m0379_index_incubator_vp_support_held;
mod m0400_create_ocds_releases;
mod m0401_index_ocds_releases_release_id;
mod m0402_index_ocds_releases_ocid_seq;
mod m0403_index_ocds_releases_year;
mod m0404_index_ocds_releases_at;
mod m0420_create_spot_ratio_overrides;
mod m0421_index_spot_ratio_overrides_division_level;
mod m0430_create_ocds_flags;
mod m0431_index_ocds_flags_unit;
mod m0440_add_proposals_withdrawn_at;
mod m0441_add_proposals_withdrawal_reason;
mod m0442_add_grants_terminated_at;
mod m0443_add_grants_termination_reason;
mod m0450_create_incubator_photos;
mod m0451_index_incubator_photos_incubator;
mod m0460_create_notices;
mod m0461_index_notices_at;
mod m0462_index_notices_kind;
mod m0463_index_notices_unit;
mod m0470_create_mail_queue;
mod m0471_index_mail_queue_due;
mod m0472_create_mail_settings;
mod m0480_create_proposal_files;
mod m0481_index_proposal_files_proposal;
mod m0500_add_calls_full_closes_at;
mod m0501_add_proposals_stage;
mod m0520_create_user_totp;
mod m0521_create_recovery_codes;
mod m0522_index_recovery_codes_user_hash;
mod m0530_create_tender_documents;
mod m0531_index_tender_documents_tender;
mod m0532_payments_milestone_not_unique;
mod m0533_index_payments_milestone;
mod m0534_create_milestone_files;
mod m0535_index_milestone_files_contract;
mod m0540_add_space_resources_retired_at;
mod m0541_index_proposals_call_submitted;
mod m0542_index_proposals_call_state_submitted;
mod m0546_add_users_session_epoch;
mod m0547_create_job_claims;
mod m0548_create_cache_generations;

/// Runs the migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_create_users::Migration),
            Box::new(m0002_create_user_roles::Migration),
            Box::new(m0003_create_sessions::Migration),
            Box::new(m0004_create_login_failures::Migration),
            Box::new(m0005_create_purchasing_units::Migration),
            Box::new(m0006_create_unit_members::Migration),
            Box::new(m0007_create_organizations::Migration),
            Box::new(m0008_create_org_domains::Migration),
            Box::new(m0009_create_org_members::Migration),
            Box::new(m0010_create_org_regulatory_events::Migration),
            Box::new(m0011_create_tenders::Migration),
            Box::new(m0012_create_tender_criteria::Migration),
            Box::new(m0013_create_tender_milestones::Migration),
            Box::new(m0014_create_tender_amendments::Migration),
            Box::new(m0015_create_enquiries::Migration),
            Box::new(m0016_create_bids::Migration),
            Box::new(m0017_create_bid_files::Migration),
            Box::new(m0018_create_tender_evaluators::Migration),
            Box::new(m0019_create_bid_scores::Migration),
            Box::new(m0020_create_awards::Migration),
            Box::new(m0021_create_challenges::Migration),
            Box::new(m0022_create_contracts::Migration),
            Box::new(m0023_create_contract_milestones::Migration),
            Box::new(m0024_create_payments::Migration),
            Box::new(m0025_create_audit_events::Migration),
            Box::new(m0026_create_audit_head::Migration),
            Box::new(m0027_index_organizations_id::Migration),
            Box::new(m0028_create_search_outbox::Migration),
            Box::new(m0029_index_search_outbox_pending::Migration),
            Box::new(m0040_create_notifications::Migration),
            Box::new(m0041_create_target_ledger::Migration),
            Box::new(m0042_fill_target_ledger::Migration),
            Box::new(m0043_index_contracts_signed_year::Migration),
            Box::new(m0044_create_user_notifications::Migration),
            Box::new(m0045_index_user_notifications_unread::Migration),
            Box::new(m0050_add_audit_events_mac::Migration),
            Box::new(m0051_create_audit_checkpoints::Migration),
            Box::new(m0055_add_bid_files_meta::Migration),
            Box::new(m0070_create_score_sheets::Migration),
            Box::new(m0071_create_score_comments::Migration),
            Box::new(m0075_add_contracts_terminated_at::Migration),
            Box::new(m0076_add_contracts_termination_reason::Migration),
            Box::new(m0080_add_organizations_verification::Migration),
            Box::new(m0081_fill_organizations_verification::Migration),
            Box::new(m0082_create_org_claims::Migration),
            Box::new(m0083_index_org_claims_one_open::Migration),
            Box::new(m0100_create_incubators::Migration),
            Box::new(m0101_create_incubator_managers::Migration),
            Box::new(m0102_create_incubator_checklist_items::Migration),
            Box::new(m0103_create_incubator_applications::Migration),
            Box::new(m0104_create_incubator_checks::Migration),
            Box::new(m0105_create_incubator_messages::Migration),
            Box::new(m0106_create_incubator_tenants::Migration),
            Box::new(m0107_index_incubator_applications_applicant::Migration),
            Box::new(m0108_index_incubator_tenants_incubator::Migration),
            Box::new(m0120_create_brands::Migration),
            Box::new(m0121_create_brand_places::Migration),
            Box::new(m0122_create_brand_outcomes::Migration),
            Box::new(m0123_create_brand_photos::Migration),
            Box::new(m0124_create_brand_evidence::Migration),
            Box::new(m0125_index_brands_org::Migration),
            Box::new(m0126_index_brand_places_league::Migration),
            Box::new(m0127_index_brand_photos_brand::Migration),
            Box::new(m0140_create_annual_reports::Migration),
            Box::new(m0141_index_annual_reports_org_year::Migration),
            Box::new(m0142_index_annual_reports_year_state::Migration),
            Box::new(m0143_create_penalties::Migration),
            Box::new(m0144_index_penalties_org::Migration),
            Box::new(m0145_create_credit_rules::Migration),
            Box::new(m0146_fill_credit_rules::Migration),
            Box::new(m0147_create_credit_findings::Migration),
            Box::new(m0148_create_credit_cases::Migration),
            Box::new(m0149_create_credit_events::Migration),
            Box::new(m0150_index_credit_cases_ground::Migration),
            Box::new(m0151_index_credit_cases_state::Migration),
            Box::new(m0152_index_credit_events_org::Migration),
            Box::new(m0153_index_credit_findings_org::Migration),
            Box::new(m0160_create_calls::Migration),
            Box::new(m0161_index_calls_state_closes::Migration),
            Box::new(m0162_create_proposals::Migration),
            Box::new(m0163_create_proposal_revisions::Migration),
            Box::new(m0164_index_proposals_call_state::Migration),
            Box::new(m0165_index_proposals_call_org::Migration),
            Box::new(m0166_index_proposal_revisions_number::Migration),
            Box::new(m0167_add_calls_admin_cap_bp::Migration),
            Box::new(m0180_create_space_resources::Migration),
            Box::new(m0181_create_space_allocations::Migration),
            Box::new(m0182_create_space_bookings::Migration),
            Box::new(m0183_index_space_allocations_resource::Migration),
            Box::new(m0184_index_space_bookings_resource::Migration),
            Box::new(m0185_exclude_space_allocations_overlap::Migration),
            Box::new(m0186_exclude_space_bookings_overlap::Migration),
            Box::new(m0187_create_tenancy_agreements::Migration),
            Box::new(m0188_index_tenancy_agreements_tenant::Migration),
            Box::new(m0200_create_incubator_graduation_criteria::Migration),
            Box::new(m0201_create_incubator_graduation_reviews::Migration),
            Box::new(m0202_index_incubator_graduation_reviews_tenant::Migration),
            Box::new(m0203_create_incubator_exit_tasks::Migration),
            Box::new(m0204_create_incubator_milestones::Migration),
            Box::new(m0205_index_incubator_milestones_incubator::Migration),
            Box::new(m0206_create_incubator_milestone_marks::Migration),
            Box::new(m0207_create_incubator_trainings::Migration),
            Box::new(m0208_create_incubator_training_attendance::Migration),
            Box::new(m0209_index_incubator_training_attendance_tenant::Migration),
            Box::new(m0210_create_incubator_guidance::Migration),
            Box::new(m0211_index_incubator_guidance_tenant::Migration),
            Box::new(m0220_create_complaints::Migration),
            Box::new(m0221_create_complaint_replies::Migration),
            Box::new(m0222_create_complaint_files::Migration),
            Box::new(m0223_index_complaints_state::Migration),
            Box::new(m0224_index_complaint_replies_complaint::Migration),
            Box::new(m0230_create_spot_campaigns::Migration),
            Box::new(m0231_create_spot_checks::Migration),
            Box::new(m0232_create_spot_findings::Migration),
            Box::new(m0233_index_spot_findings_check_item::Migration),
            Box::new(m0234_index_spot_checks_campaign::Migration),
            Box::new(m0240_add_users_disabled_at::Migration),
            Box::new(m0241_add_users_disabled_reason::Migration),
            Box::new(m0242_create_password_resets::Migration),
            Box::new(m0243_index_password_resets_user::Migration),
            Box::new(m0250_create_review_rounds::Migration),
            Box::new(m0251_index_review_rounds_subject::Migration),
            Box::new(m0252_create_review_assignments::Migration),
            Box::new(m0253_index_review_assignments_round_reviewer::Migration),
            Box::new(m0254_index_review_assignments_reviewer::Migration),
            Box::new(m0255_create_review_scores::Migration),
            Box::new(m0260_create_grants::Migration),
            Box::new(m0261_create_grant_tranches::Migration),
            Box::new(m0262_create_grant_reports::Migration),
            Box::new(m0263_create_grant_amendments::Migration),
            Box::new(m0264_index_grants_proposal::Migration),
            Box::new(m0265_index_grant_tranches_number::Migration),
            Box::new(m0266_index_grant_reports_number::Migration),
            Box::new(m0267_index_grant_amendments_grant::Migration),
            Box::new(m0280_create_fundraising_qualifications::Migration),
            Box::new(m0281_create_campaigns::Migration),
            Box::new(m0282_create_donations::Migration),
            Box::new(m0283_create_stripe_events::Migration),
            Box::new(m0284_index_donations_reference::Migration),
            Box::new(m0285_index_donations_payment_intent::Migration),
            Box::new(m0286_index_donations_campaign::Migration),
            Box::new(m0287_index_donations_receipt::Migration),
            Box::new(m0288_index_campaigns_org::Migration),
            Box::new(m0310_create_zombie_cases::Migration),
            Box::new(m0311_index_zombie_cases_open::Migration),
            Box::new(m0312_index_zombie_cases_org::Migration),
            Box::new(m0313_add_organizations_registration_status::Migration),
            Box::new(m0314_fill_zombie_rules::Migration),
            Box::new(m0320_create_credit_rule_overrides::Migration),
            Box::new(m0321_index_credit_rule_overrides_code_division::Migration),
            Box::new(m0322_add_organizations_registration_ended_at::Migration),
            Box::new(m0323_fill_organizations_registration_ended_at::Migration),
            Box::new(m0340_create_recognition_rounds::Migration),
            Box::new(m0341_create_brand_nominations::Migration),
            Box::new(m0342_index_brand_nominations_round_brand::Migration),
            Box::new(m0343_create_brand_objections::Migration),
            Box::new(m0344_index_brand_objections_round::Migration),
            Box::new(m0370_add_incubator_guidance_incubator_id::Migration),
            Box::new(m0371_fill_incubator_guidance_incubator_id::Migration),
            Box::new(m0372_index_incubator_guidance_held::Migration),
            Box::new(m0373_index_incubator_trainings_held::Migration),
            Box::new(m0374_index_incubator_applications_submitted::Migration),
            Box::new(m0375_index_incubator_tenants_admitted::Migration),
            Box::new(m0376_index_incubator_tenants_org::Migration),
            Box::new(m0377_create_incubator_vp_support::Migration),
            Box::new(m0378_index_incubator_vp_support_tenant::Migration),
            Box::new(m0379_index_incubator_vp_support_held::Migration),
            Box::new(m0400_create_ocds_releases::Migration),
            Box::new(m0401_index_ocds_releases_release_id::Migration),
            Box::new(m0402_index_ocds_releases_ocid_seq::Migration),
            Box::new(m0403_index_ocds_releases_year::Migration),
            Box::new(m0404_index_ocds_releases_at::Migration),
            Box::new(m0420_create_spot_ratio_overrides::Migration),
            Box::new(m0421_index_spot_ratio_overrides_division_level::Migration),
            Box::new(m0430_create_ocds_flags::Migration),
            Box::new(m0431_index_ocds_flags_unit::Migration),
            Box::new(m0440_add_proposals_withdrawn_at::Migration),
            Box::new(m0441_add_proposals_withdrawal_reason::Migration),
            Box::new(m0442_add_grants_terminated_at::Migration),
            Box::new(m0443_add_grants_termination_reason::Migration),
            Box::new(m0450_create_incubator_photos::Migration),
            Box::new(m0451_index_incubator_photos_incubator::Migration),
            Box::new(m0460_create_notices::Migration),
            Box::new(m0461_index_notices_at::Migration),
            Box::new(m0462_index_notices_kind::Migration),
            Box::new(m0463_index_notices_unit::Migration),
            Box::new(m0470_create_mail_queue::Migration),
            Box::new(m0471_index_mail_queue_due::Migration),
            Box::new(m0472_create_mail_settings::Migration),
            Box::new(m0480_create_proposal_files::Migration),
            Box::new(m0481_index_proposal_files_proposal::Migration),
            Box::new(m0500_add_calls_full_closes_at::Migration),
            Box::new(m0501_add_proposals_stage::Migration),
            Box::new(m0520_create_user_totp::Migration),
            Box::new(m0521_create_recovery_codes::Migration),
            Box::new(m0522_index_recovery_codes_user_hash::Migration),
            Box::new(m0530_create_tender_documents::Migration),
            Box::new(m0531_index_tender_documents_tender::Migration),
            Box::new(m0532_payments_milestone_not_unique::Migration),
            Box::new(m0533_index_payments_milestone::Migration),
            Box::new(m0534_create_milestone_files::Migration),
            Box::new(m0535_index_milestone_files_contract::Migration),
            Box::new(m0540_add_space_resources_retired_at::Migration),
            Box::new(m0541_index_proposals_call_submitted::Migration),
            Box::new(m0542_index_proposals_call_state_submitted::Migration),
            Box::new(m0546_add_users_session_epoch::Migration),
            Box::new(m0547_create_job_claims::Migration),
            Box::new(m0548_create_cache_generations::Migration),
        ]
    }
}
