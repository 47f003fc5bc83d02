//! Every route of the application, grouped by room, each with the access it declares. The
//! declaration is what the route × role test checks the real behaviour against; the
//! handlers themselves enforce access through `accounts::policy`.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{get, post};

use crate::web::AppState;
use crate::{
    accounts, audit, brands, complaints, contracts, inbox, incubators, inspections, matching,
    opendata, orgs, pages, payments, philanthropy, procurement, regulation, reviews, search,
    spaces, targets, units, web,
};

/// Who a route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone.
    Public,
    /// Anyone signed in.
    SignedIn,
    /// Anyone signed in who may join an organization: not a platform administrator
    /// (separation of duties).
    Joiner,
    /// An administrator of the organization in the path (or a platform administrator).
    OrgAdmin,
    /// A member of the organization in the path, a regulator or a platform administrator
    /// (the organization's private records: annual reports).
    OrgReaders,
    /// An administrator of the organization in the path, never a platform administrator
    /// (filing for the organization).
    OrgFiler,
    /// A regulator.
    Regulator,
    /// The user who made the claim in the path, or a regulator.
    ClaimReaders,
    /// A platform administrator.
    Admin,
    /// A buyer of the purchasing unit the tender in the path belongs to.
    UnitBuyer,
    /// An administrator of an organization that may bid (chosen in the form).
    OrgBidder,
    /// An evaluator assigned to the tender in the path.
    AssignedEvaluator,
    /// Before the award: the tender's buyers, its assigned evaluators and regulators
    /// (everyone after the award).
    TenderOversight,
    /// Like `TenderOversight` before the award, plus the members of the bidding organization.
    BidReaders,
    /// The members of the organization whose bid is in the path (its receipt), nobody else.
    BidOwner,
    /// Either party of the contract in the path.
    ContractParty,
    /// A buyer of the contract's purchasing unit.
    ContractBuyer,
    /// An administrator of the contract's supplier.
    ContractSupplier,
    /// Someone who may run venture-philanthropy calls: a buyer of a purchasing unit or an
    /// administrator of a foundation.
    CallOrganizer,
    /// A buyer of the unit (or an administrator of the foundation) running the call in the
    /// path.
    CallOwner,
    /// A holder of the incubator-manager role assigned to the incubator in the path (or to
    /// the incubator of the application or tenant in the path).
    IncubatorManager,
    /// The managers of the incubator in the path, and regulators.
    IncubatorOversight,
    /// The managers of the incubator in the path, and platform administrators.
    IncubatorKeepers,
    /// The applicant of the application in the path.
    Applicant,
    /// The applicant of the application in the path, the managers of its incubator, and
    /// regulators.
    ApplicationReaders,
    /// The managers of the incubator in the path (or of the resource's incubator), the users
    /// acting for its tenants in residence, and regulators.
    SpaceReaders,
    /// The managers of the resource's incubator and the users acting for its tenants in
    /// residence.
    SpaceBookers,
    /// The managers of the resource's incubator.
    ResourceManager,
    /// Whoever made the booking in the path, and the managers of its incubator.
    BookingParties,
    /// The users acting for the tenant of the agreement in the path, the managers of its
    /// incubator, and regulators.
    AgreementReaders,
    /// The users acting for the tenant of the agreement in the path.
    AgreementParty,
    /// The managers of the incubator of the agreement in the path.
    AgreementManager,
    /// The applicant of the proposal (application to a call) in the path: the user who
    /// applied or an administrator of the applying organization.
    ProposalApplicant,
    /// A buyer of the unit (or an administrator of the foundation) running the call of the
    /// proposal in the path.
    ProposalOrganizer,
    /// The applicant of the proposal in the path (and the applying organization's members)
    /// and the call's organizer.
    ProposalReaders,
    /// The recipient of the grant in the path (the user who applied and the recipient
    /// organization's members) and its call's organizer.
    GrantReaders,
    /// Either side of the grant in the path: the call's organizer, or the recipient (the
    /// user who applied or an administrator of the recipient organization).
    GrantParty,
    /// The recipient of the grant in the path: the user who applied or an administrator of
    /// the recipient organization.
    GrantRecipient,
    /// A buyer of the unit (or an administrator of the foundation) running the call of the
    /// grant in the path.
    GrantOrganizer,
    /// A holder of the evaluator role (their review assignments).
    Reviewer,
    /// The evaluator assigned the review sheet in the path.
    AssignedReviewer,
    /// The tenant in the path (the user who applied for it, the members of its
    /// organization), the managers of its incubator, and regulators.
    TenantReaders,
}

/// One registered route.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    /// HTTP method.
    pub method: Method,
    /// Path pattern, e.g. `/orgs/{id}`.
    pub path: &'static str,
    /// Declared access.
    pub access: Access,
}

struct Table {
    router: Router<AppState>,
    /// The `/api/v1` routes, kept apart so that the API's layers (CORS, rate limit, ETag)
    /// wrap them and nothing else.
    api: Router<AppState>,
    infos: Vec<RouteInfo>,
}

/// Where the JSON API lives; every route under it gets the API's behaviour
/// ([`crate::web::api`]) and must be described in the OpenAPI document
/// ([`crate::app::openapi`]).
pub const API_PREFIX: &str = "/api/v1/";

impl Table {
    fn get<H: Handler<T, AppState>, T: 'static>(
        mut self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Self {
        if let Some(rest) = path.strip_prefix(API_PREFIX) {
            // Nested under `/api/v1` (see `table`), so routed by the rest of the path.
            self.api = self.api.route(&format!("/{rest}"), get(h));
        } else {
            self.router = self.router.route(path, get(h));
        }
        self.infos.push(RouteInfo {
            method: Method::GET,
            path,
            access,
        });
        self
    }

    fn post<H: Handler<T, AppState>, T: 'static>(
        mut self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Self {
        assert!(
            !path.starts_with(API_PREFIX),
            "the API is read-only: {path}"
        );
        self.router = self.router.route(path, post(h));
        self.infos.push(RouteInfo {
            method: Method::POST,
            path,
            access,
        });
        self
    }
}

/// The router and the list of what it serves.
pub fn table() -> (Router<AppState>, Vec<RouteInfo>) {
    use Access::*;
    let t = Table {
        router: Router::new(),
        api: Router::new(),
        infos: Vec::new(),
    }
    // site
    .get("/", Public, pages::home::home)
    .get("/healthz", Public, pages::home::healthz)
    .get("/readyz", Public, pages::home::readyz)
    .get("/static/{*path}", Public, web::assets::serve)
    .get("/api/v1/regions", Public, pages::home::regions_api)
    .get(
        "/api/v1/openapi.json",
        Public,
        crate::app::openapi::document,
    )
    .get("/api/docs", Public, crate::app::openapi::docs_page)
    // accounts
    .get("/signup", Public, accounts::routes::signup_form)
    .post("/signup", Public, accounts::routes::signup)
    .get("/login", Public, accounts::routes::login_form)
    .post("/login", Public, accounts::routes::login)
    .post("/logout", Public, accounts::routes::logout)
    .get("/me", SignedIn, pages::me::me)
    .get("/me/contracts", SignedIn, pages::me::contracts)
    .get("/me/notifications", SignedIn, inbox::routes::list)
    .post("/me/notifications/read", SignedIn, inbox::routes::mark_read)
    .get("/me/settings", SignedIn, inbox::routes::settings)
    .post("/me/settings", SignedIn, inbox::routes::save_settings)
    .get("/admin/users", Admin, accounts::routes::users)
    .post("/admin/users/{id}/roles", Admin, accounts::routes::set_role)
    .post(
        "/admin/users/{id}/status",
        Admin,
        accounts::routes::set_status,
    )
    .post(
        "/admin/users/{id}/reset-link",
        Admin,
        accounts::routes::issue_reset,
    )
    .post(
        "/admin/users/{id}/two-factor/reset",
        Admin,
        accounts::routes::reset_two_factor,
    )
    .get("/me/password", SignedIn, accounts::routes::password_form)
    .post("/me/password", SignedIn, accounts::routes::change_password)
    .get(
        "/login/two-factor",
        Public,
        accounts::routes::second_step_form,
    )
    .post("/login/two-factor", Public, accounts::routes::second_step)
    .get(
        "/me/two-factor",
        SignedIn,
        accounts::routes::two_factor_page,
    )
    .post(
        "/me/two-factor/setup",
        SignedIn,
        accounts::routes::two_factor_setup,
    )
    .post(
        "/me/two-factor/enable",
        SignedIn,
        accounts::routes::two_factor_enable,
    )
    .post(
        "/me/two-factor/disable",
        SignedIn,
        accounts::routes::two_factor_disable,
    )
    .post(
        "/me/two-factor/recovery",
        SignedIn,
        accounts::routes::regenerate_recovery,
    )
    .get(
        "/password/reset/{token}",
        Public,
        accounts::routes::reset_form,
    )
    .post("/password/reset/{token}", Public, accounts::routes::reset)
    .get("/password/forgot", Public, accounts::routes::forgot_form)
    .post("/password/forgot", Public, accounts::routes::forgot)
    // orgs
    .get("/orgs", Public, orgs::routes::list)
    .get("/orgs/new", Joiner, orgs::routes::new_form)
    .post("/orgs", Joiner, pages::org::register)
    .get("/orgs/{id}", Public, orgs::routes::show)
    .get("/orgs/{id}/edit", OrgAdmin, orgs::routes::edit_form)
    .post("/orgs/{id}/edit", OrgAdmin, orgs::routes::update)
    .post("/orgs/{id}/members", OrgAdmin, orgs::routes::add_member)
    .post(
        "/orgs/{id}/members/{uid}/remove",
        OrgAdmin,
        orgs::routes::remove_member,
    )
    .post("/orgs/{id}/rating", Regulator, orgs::routes::set_rating)
    .post("/orgs/{id}/credit", Regulator, orgs::routes::set_credit)
    .post("/orgs/{id}/verification", Regulator, orgs::routes::verify)
    .get("/orgs/{id}/claim", Joiner, orgs::routes::claim_form)
    .post(
        "/orgs/{id}/claim",
        Joiner,
        orgs::routes::claim.layer(axum::extract::DefaultBodyLimit::max(
            crate::app::UPLOAD_LIMIT,
        )),
    )
    .get(
        "/orgs/{id}/claims/{claim}",
        ClaimReaders,
        orgs::routes::show_claim,
    )
    .get(
        "/orgs/{id}/claims/{claim}/certificate",
        ClaimReaders,
        orgs::routes::claim_certificate,
    )
    .post(
        "/orgs/{id}/claims/{claim}/decision",
        Regulator,
        pages::org::decide_claim,
    )
    .get("/api/v1/orgs", Public, orgs::routes::api_list)
    .get("/api/v1/orgs/{id}", Public, orgs::routes::api_show)
    // search
    .get("/search", Public, search::routes::all)
    .get("/search/tenders", Public, search::routes::tenders)
    .get("/search/orgs", Public, search::routes::orgs)
    .get("/search/brands", Public, search::routes::brands)
    .get("/search/suggest", Public, search::routes::suggest)
    .get("/api/v1/search", Public, search::routes::api)
    // units
    .get("/units", Public, units::routes::list)
    .get("/admin/units", Admin, units::routes::admin)
    .post("/admin/units", Admin, units::routes::create)
    .post(
        "/admin/units/{id}/members",
        Admin,
        units::routes::add_member,
    )
    .post(
        "/admin/units/{id}/members/{uid}/remove",
        Admin,
        units::routes::remove_member,
    )
    // procurement
    .get("/tenders", Public, procurement::routes::list)
    .get("/tenders/new", UnitBuyer, procurement::routes::new_form)
    .post("/tenders", UnitBuyer, procurement::routes::create)
    .get("/tenders/{id}", Public, procurement::routes::show)
    .get(
        "/tenders/{id}/edit",
        UnitBuyer,
        procurement::routes::edit_form,
    )
    .post("/tenders/{id}/edit", UnitBuyer, procurement::routes::update)
    .post(
        "/tenders/{id}/publish",
        UnitBuyer,
        procurement::routes::publish,
    )
    .get(
        "/tenders/{id}/amend",
        UnitBuyer,
        procurement::routes::amend_form,
    )
    .post("/tenders/{id}/amend", UnitBuyer, procurement::routes::amend)
    .post(
        "/tenders/{id}/cancel",
        UnitBuyer,
        procurement::routes::cancel,
    )
    .post(
        "/tenders/{id}/documents",
        UnitBuyer,
        procurement::routes::upload_document.layer(axum::extract::DefaultBodyLimit::max(
            crate::app::UPLOAD_LIMIT,
        )),
    )
    .post(
        "/tenders/{id}/documents/{did}/remove",
        UnitBuyer,
        procurement::routes::remove_document,
    )
    // Public once the tender is: a draft's documents answer "not found" but to its buyers.
    .get(
        "/tenders/{id}/documents/{did}",
        Public,
        procurement::routes::download_document,
    )
    .post(
        "/tenders/{id}/enquiries",
        SignedIn,
        procurement::routes::ask,
    )
    .post(
        "/tenders/{id}/enquiries/{qid}/answer",
        UnitBuyer,
        procurement::routes::answer,
    )
    .post(
        "/tenders/{id}/evaluators",
        UnitBuyer,
        procurement::routes::assign_evaluator,
    )
    .post(
        "/tenders/{id}/evaluators/replace",
        UnitBuyer,
        procurement::routes::replace_evaluator,
    )
    .post(
        "/tenders/{id}/bids/{bid}/disqualify",
        UnitBuyer,
        procurement::routes::disqualify,
    )
    .get(
        "/tenders/{id}/evaluation",
        TenderOversight,
        procurement::routes::evaluation,
    )
    .post("/tenders/{id}/award", UnitBuyer, procurement::routes::award)
    .post(
        "/tenders/{id}/challenges/{cid}/answer",
        UnitBuyer,
        procurement::routes::answer_challenge,
    )
    .get(
        "/tenders/{id}/bid",
        OrgBidder,
        procurement::routes::bid_form,
    )
    .post(
        "/tenders/{id}/bid",
        OrgBidder,
        procurement::routes::submit_bid,
    )
    .post(
        "/tenders/{id}/bid/withdraw",
        OrgBidder,
        procurement::routes::withdraw_bid,
    )
    .post(
        "/tenders/{id}/bid/files",
        OrgBidder,
        procurement::routes::upload_file.layer(axum::extract::DefaultBodyLimit::max(
            crate::app::UPLOAD_LIMIT,
        )),
    )
    .post(
        "/tenders/{id}/challenges",
        OrgBidder,
        procurement::routes::file_challenge,
    )
    .get(
        "/tenders/{id}/score",
        AssignedEvaluator,
        procurement::routes::score_form,
    )
    .post(
        "/tenders/{id}/score",
        AssignedEvaluator,
        procurement::routes::save_scores,
    )
    .get("/api/v1/tenders", Public, procurement::routes::api_list)
    .get(
        "/api/v1/tenders/{id}",
        Public,
        procurement::routes::api_show,
    )
    .get(
        "/tenders/{id}/bids/{bid}/files/{fid}",
        BidReaders,
        procurement::routes::download_file,
    )
    .get(
        "/tenders/{id}/bids/{bid}",
        BidOwner,
        procurement::routes::own_bid,
    )
    .get(
        "/tenders/{id}/bids/{bid}/receipt",
        BidOwner,
        procurement::routes::bid_receipt,
    )
    .get(
        "/tenders/{id}/bids/{bid}/receipt.pdf",
        BidOwner,
        procurement::routes::bid_receipt_pdf,
    )
    // contracts
    .get("/contracts/{id}", Public, contracts::routes::show)
    .post(
        "/contracts/{id}/sign",
        ContractParty,
        contracts::routes::sign,
    )
    .post(
        "/contracts/{id}/milestones/{mid}/report",
        ContractSupplier,
        contracts::routes::report,
    )
    .post(
        "/contracts/{id}/milestones/{mid}/accept",
        ContractBuyer,
        contracts::routes::accept,
    )
    .post(
        "/contracts/{id}/milestones/{mid}/return",
        ContractBuyer,
        contracts::routes::return_milestone,
    )
    .post(
        "/contracts/{id}/milestones/{mid}/payment",
        ContractBuyer,
        contracts::routes::payment,
    )
    .post(
        "/contracts/{id}/milestones/{mid}/files",
        ContractSupplier,
        contracts::routes::upload_report_file.layer(axum::extract::DefaultBodyLimit::max(
            crate::app::UPLOAD_LIMIT,
        )),
    )
    .post(
        "/contracts/{id}/milestones/{mid}/files/{fid}/remove",
        ContractSupplier,
        contracts::routes::remove_report_file,
    )
    // For whoever sees the report; anyone else: "not found".
    .get(
        "/contracts/{id}/milestones/{mid}/files/{fid}",
        SignedIn,
        contracts::routes::download_report_file,
    )
    .post(
        "/contracts/{id}/complete",
        ContractBuyer,
        contracts::routes::complete,
    )
    .post(
        "/contracts/{id}/terminate",
        ContractBuyer,
        contracts::routes::terminate,
    )
    // matching
    .get(
        "/tenders/{id}/matches",
        UnitBuyer,
        matching::routes::matches,
    )
    .post("/tenders/{id}/invite", UnitBuyer, matching::routes::invite)
    .post(
        "/me/invitations/read",
        SignedIn,
        matching::routes::mark_read,
    )
    // targets
    .get("/targets", Public, targets::routes::page)
    .get("/targets.csv", Public, targets::routes::csv)
    .get("/targets/contracts", Public, targets::routes::contracts)
    .get("/targets/reports", Public, targets::routes::reports)
    .get("/targets/reports.csv", Public, targets::routes::reports_csv)
    .get("/targets/brands", Public, targets::routes::brands)
    .get("/targets/brands.csv", Public, targets::routes::brands_csv)
    .get("/targets/what-if", UnitBuyer, targets::routes::what_if)
    .get("/api/v1/targets", Public, targets::routes::api)
    // philanthropy
    .get("/calls", Public, philanthropy::routes::list)
    .get("/calls/new", CallOrganizer, philanthropy::routes::new_form)
    .post("/calls", CallOrganizer, philanthropy::routes::create)
    .get("/calls/{id}", Public, philanthropy::routes::show)
    .get(
        "/calls/{id}/edit",
        CallOwner,
        philanthropy::routes::edit_form,
    )
    .post("/calls/{id}/edit", CallOwner, philanthropy::routes::update)
    .post(
        "/calls/{id}/publish",
        CallOwner,
        philanthropy::routes::publish,
    )
    .post(
        "/calls/{id}/cancel",
        CallOwner,
        philanthropy::routes::cancel,
    )
    .get(
        "/calls/{id}/apply",
        Joiner,
        philanthropy::routes::proposals::apply_form,
    )
    .post(
        "/calls/{id}/apply",
        Joiner,
        philanthropy::routes::proposals::apply,
    )
    .get(
        "/calls/{id}/proposals",
        CallOwner,
        philanthropy::routes::proposals::list,
    )
    .post(
        "/calls/{id}/proposals/decide",
        CallOwner,
        philanthropy::routes::proposals::decide_batch,
    )
    .get(
        "/proposals/{id}",
        ProposalReaders,
        philanthropy::routes::proposals::show,
    )
    .post(
        "/proposals/{id}/edit",
        ProposalApplicant,
        philanthropy::routes::proposals::edit,
    )
    .get(
        "/proposals/{id}/diff",
        ProposalReaders,
        philanthropy::routes::proposals::diff,
    )
    .post(
        "/proposals/{id}/step",
        ProposalOrganizer,
        philanthropy::routes::proposals::step,
    )
    .post(
        "/proposals/{id}/withdraw",
        ProposalApplicant,
        philanthropy::routes::proposals::withdraw,
    )
    .post(
        "/proposals/{id}/checklist",
        ProposalOrganizer,
        philanthropy::routes::proposals::checklist,
    )
    .post(
        "/proposals/{id}/files",
        ProposalApplicant,
        philanthropy::routes::proposals::upload_file.layer(axum::extract::DefaultBodyLimit::max(
            crate::app::UPLOAD_LIMIT,
        )),
    )
    .get(
        "/proposals/{id}/files/{doc}",
        ProposalReaders,
        philanthropy::routes::proposals::download_file,
    )
    .post(
        "/proposals/{id}/files/{doc}/remove",
        ProposalApplicant,
        philanthropy::routes::proposals::remove_file,
    )
    .post(
        "/proposals/{id}/grant",
        ProposalOrganizer,
        philanthropy::routes::grants::create,
    )
    .get(
        "/grants/{id}",
        GrantReaders,
        philanthropy::routes::grants::show,
    )
    .post(
        "/grants/{id}/sign",
        GrantParty,
        philanthropy::routes::grants::sign,
    )
    .post(
        "/grants/{id}/pay",
        GrantOrganizer,
        philanthropy::routes::grants::pay,
    )
    .post(
        "/grants/{id}/report",
        GrantRecipient,
        philanthropy::routes::grants::report,
    )
    .post(
        "/grants/{id}/review",
        GrantOrganizer,
        philanthropy::routes::grants::review,
    )
    .post(
        "/grants/{id}/complete",
        GrantOrganizer,
        philanthropy::routes::grants::complete,
    )
    .post(
        "/grants/{id}/terminate",
        GrantOrganizer,
        philanthropy::routes::grants::terminate,
    )
    .post(
        "/grants/{id}/amendments",
        GrantRecipient,
        philanthropy::routes::grants::amend,
    )
    .post(
        "/grants/{id}/amendments/decide",
        GrantOrganizer,
        philanthropy::routes::grants::decide,
    )
    .get(
        "/api/v1/grants.360giving.json",
        Public,
        philanthropy::routes::grants::giving360,
    )
    .post(
        "/proposals/{id}/reviewers",
        ProposalOrganizer,
        philanthropy::routes::proposals::assign_reviewer,
    )
    .post(
        "/proposals/{id}/reviewers/remove",
        ProposalOrganizer,
        philanthropy::routes::proposals::remove_reviewer,
    )
    // reviews
    .get("/me/reviews", Reviewer, reviews::routes::mine)
    .get("/reviews/{id}", AssignedReviewer, reviews::routes::show)
    .post("/reviews/{id}", AssignedReviewer, reviews::routes::save)
    .post(
        "/reviews/{id}/submit",
        AssignedReviewer,
        reviews::routes::submit,
    )
    // regulation
    .get("/orgs/{id}/reports", OrgReaders, regulation::routes::list)
    .get(
        "/orgs/{id}/reports/new",
        OrgFiler,
        regulation::routes::new_form,
    )
    .post("/orgs/{id}/reports", OrgFiler, regulation::routes::create)
    .get(
        "/orgs/{id}/reports/{year}",
        OrgReaders,
        regulation::routes::show,
    )
    .post(
        "/orgs/{id}/reports/{year}",
        OrgFiler,
        regulation::routes::update,
    )
    .post(
        "/orgs/{id}/reports/{year}/review",
        Regulator,
        regulation::routes::review,
    )
    .get("/regulation/reports", Regulator, regulation::routes::queue)
    .get("/penalties", Public, regulation::routes::penalties)
    .get(
        "/orgs/{id}/penalties/new",
        Regulator,
        regulation::routes::penalty_form,
    )
    .post(
        "/orgs/{id}/penalties",
        Regulator,
        regulation::routes::record_penalty,
    )
    .get("/credit", Public, regulation::routes::credit::lookup)
    .get("/orgs/{id}/credit", Public, regulation::routes::credit::org)
    .get(
        "/orgs/{id}/credit/cases/{case}",
        OrgReaders,
        regulation::routes::credit::case,
    )
    .post(
        "/orgs/{id}/credit/cases/{case}/objection",
        OrgFiler,
        regulation::routes::credit::object,
    )
    .post(
        "/orgs/{id}/credit/cases/{case}/answer",
        Regulator,
        regulation::routes::credit::answer,
    )
    .post(
        "/orgs/{id}/credit/findings",
        Regulator,
        regulation::routes::credit::record_finding,
    )
    .post(
        "/orgs/{id}/credit/findings/{finding}/resolve",
        Regulator,
        regulation::routes::credit::resolve_finding,
    )
    .get(
        "/credit/rules",
        Regulator,
        regulation::routes::rule_pages::list,
    )
    .get(
        "/credit/rules/{code}",
        Regulator,
        regulation::routes::rule_pages::edit_form,
    )
    .post(
        "/credit/rules/{code}",
        Regulator,
        regulation::routes::rule_pages::save,
    )
    // zombie organizations
    .get(
        "/regulation/zombies",
        Regulator,
        regulation::routes::zombies::queue,
    )
    .post(
        "/regulation/zombies/run",
        Regulator,
        regulation::routes::zombies::run,
    )
    .get(
        "/orgs/{id}/zombie/{zcase}",
        OrgReaders,
        regulation::routes::zombies::case,
    )
    .post(
        "/orgs/{id}/zombie/{zcase}/objection",
        OrgFiler,
        regulation::routes::zombies::object,
    )
    .post(
        "/orgs/{id}/zombie/{zcase}/decision",
        Regulator,
        regulation::routes::zombies::decide,
    )
    // complaints
    .get("/complaints", Public, complaints::routes::public_list)
    .get("/complaints/new", Public, complaints::routes::new_form)
    .post(
        "/complaints",
        Public,
        complaints::routes::create.layer(axum::extract::DefaultBodyLimit::max(
            crate::app::UPLOAD_LIMIT,
        )),
    )
    .get("/complaints/track", Public, complaints::routes::track_form)
    .post("/complaints/track", Public, complaints::routes::track)
    .get(
        "/regulation/complaints",
        Regulator,
        complaints::routes::queue,
    )
    .get(
        "/regulation/complaints/{id}",
        Regulator,
        complaints::routes::show,
    )
    .post(
        "/regulation/complaints/{id}/assign",
        Regulator,
        complaints::routes::assign,
    )
    .post(
        "/regulation/complaints/{id}/investigate",
        Regulator,
        complaints::routes::investigate,
    )
    .post(
        "/regulation/complaints/{id}/conclude",
        Regulator,
        complaints::routes::conclude,
    )
    .post(
        "/regulation/complaints/{id}/replies",
        Regulator,
        complaints::routes::reply,
    )
    .get(
        "/regulation/complaints/{id}/files/{fid}",
        Regulator,
        complaints::routes::file,
    )
    // spot checks
    .get("/spot-checks", Public, inspections::routes::list)
    .get("/spot-checks/new", Regulator, inspections::routes::new_form)
    .get(
        "/spot-checks/ratios",
        Regulator,
        inspections::routes::ratios,
    )
    .post(
        "/spot-checks/ratios",
        Regulator,
        inspections::routes::save_ratio,
    )
    .post("/spot-checks", Regulator, inspections::routes::create)
    .get("/spot-checks/{id}", Public, inspections::routes::show)
    .post(
        "/spot-checks/{id}/commit",
        Regulator,
        inspections::routes::commit,
    )
    .post(
        "/spot-checks/{id}/draw",
        Regulator,
        inspections::routes::draw,
    )
    .post(
        "/spot-checks/{id}/checks/{cid}/findings",
        Regulator,
        inspections::routes::findings,
    )
    .post(
        "/spot-checks/{id}/conclude",
        Regulator,
        inspections::routes::conclude,
    )
    // incubators
    .get("/incubators", Public, incubators::routes::directory)
    .get("/incubators/{id}", Public, incubators::routes::show)
    .get(
        "/incubators/{id}/apply",
        Joiner,
        incubators::routes::apply_form,
    )
    .post("/incubators/{id}/apply", Joiner, incubators::routes::apply)
    .get(
        "/incubators/{id}/applications",
        IncubatorOversight,
        incubators::routes::applications,
    )
    .post(
        "/incubators/{id}/checklist",
        IncubatorManager,
        incubators::routes::add_item,
    )
    // incubators: photos
    .get(
        "/incubators/{id}/photos",
        IncubatorKeepers,
        incubators::routes::photos::manage,
    )
    .post(
        "/incubators/{id}/photos",
        IncubatorKeepers,
        incubators::routes::photos::upload.layer(axum::extract::DefaultBodyLimit::max(
            crate::app::UPLOAD_LIMIT,
        )),
    )
    .post(
        "/incubators/{id}/photos/{pid}/move",
        IncubatorKeepers,
        incubators::routes::photos::move_photo,
    )
    .post(
        "/incubators/{id}/photos/{pid}/delete",
        IncubatorKeepers,
        incubators::routes::photos::delete,
    )
    .get(
        "/incubators/{id}/photos/{pid}/thumb",
        Public,
        incubators::routes::photos::thumb,
    )
    .get(
        "/incubators/{id}/photos/{pid}/large",
        Public,
        incubators::routes::photos::large,
    )
    .get(
        "/incubator-applications/{id}",
        ApplicationReaders,
        incubators::routes::application,
    )
    .post(
        "/incubator-applications/{id}/edit",
        Applicant,
        incubators::routes::edit,
    )
    .post(
        "/incubator-applications/{id}/decide",
        IncubatorManager,
        incubators::routes::decide,
    )
    .post(
        "/incubator-applications/{id}/checks",
        IncubatorManager,
        incubators::routes::check,
    )
    .post(
        "/incubator-applications/{id}/messages",
        IncubatorManager,
        incubators::routes::message,
    )
    // incubators: graduation (出壳)
    .get(
        "/incubators/{id}/graduation",
        IncubatorOversight,
        incubators::routes::graduation::overview,
    )
    .post(
        "/incubators/{id}/graduation",
        IncubatorManager,
        incubators::routes::graduation::save_criteria,
    )
    .get(
        "/incubator-tenants/{id}",
        TenantReaders,
        incubators::routes::graduation::tenant,
    )
    .post(
        "/incubator-tenants/{id}/graduation",
        IncubatorManager,
        incubators::routes::graduation::decide,
    )
    .post(
        "/incubator-tenants/{id}/exit-tasks",
        IncubatorManager,
        incubators::routes::graduation::exit_task,
    )
    // incubators: tenant milestones
    .get(
        "/incubators/{id}/milestones",
        IncubatorOversight,
        incubators::routes::milestones::list,
    )
    .post(
        "/incubators/{id}/milestones",
        IncubatorManager,
        incubators::routes::milestones::add,
    )
    .post(
        "/incubator-tenants/{id}/milestones",
        IncubatorManager,
        incubators::routes::milestones::confirm,
    )
    // incubators: services log
    .get(
        "/incubators/{id}/services",
        IncubatorOversight,
        incubators::routes::services::list,
    )
    .post(
        "/incubators/{id}/services",
        IncubatorManager,
        incubators::routes::services::log_training,
    )
    .post(
        "/incubator-tenants/{id}/guidance",
        IncubatorManager,
        incubators::routes::services::log_guidance,
    )
    .post(
        "/incubator-tenants/{id}/vp-support",
        IncubatorManager,
        incubators::routes::services::log_vp_support,
    )
    // incubators: quarterly KPIs (issue 12 point 8)
    .get(
        "/incubators/kpis",
        Regulator,
        incubators::routes::kpis::rollup,
    )
    .get(
        "/incubators/kpis.csv",
        Regulator,
        incubators::routes::kpis::rollup_csv,
    )
    .get(
        "/incubators/kpis.xlsx",
        Regulator,
        incubators::routes::kpis::rollup_xlsx,
    )
    .get(
        "/incubators/{id}/kpis",
        IncubatorOversight,
        incubators::routes::kpis::page,
    )
    .get(
        "/incubators/{id}/kpis.csv",
        IncubatorOversight,
        incubators::routes::kpis::csv,
    )
    .get(
        "/incubators/{id}/kpis.xlsx",
        IncubatorOversight,
        incubators::routes::kpis::xlsx,
    )
    .get("/admin/incubators", Admin, incubators::routes::admin)
    .post("/admin/incubators", Admin, incubators::routes::create)
    .get(
        "/admin/incubators/{id}",
        Admin,
        incubators::routes::edit_form,
    )
    .post("/admin/incubators/{id}", Admin, incubators::routes::update)
    .post(
        "/admin/incubators/{id}/managers",
        Admin,
        incubators::routes::add_manager,
    )
    .post(
        "/admin/incubators/{id}/managers/{uid}/remove",
        Admin,
        incubators::routes::remove_manager,
    )
    // spaces
    .get(
        "/incubators/{id}/space",
        SpaceReaders,
        spaces::routes::overview,
    )
    .post(
        "/incubators/{id}/space/resources",
        IncubatorManager,
        spaces::routes::add_resource,
    )
    .post(
        "/incubators/{id}/space/allocations",
        IncubatorManager,
        spaces::routes::allocate,
    )
    .get("/space/{id}", SpaceReaders, spaces::routes::show)
    .post("/space/{id}/bookings", SpaceBookers, spaces::routes::book)
    .post(
        "/space/{id}/edit",
        ResourceManager,
        spaces::routes::edit_resource,
    )
    .post(
        "/space/{id}/retire",
        ResourceManager,
        spaces::routes::retire_resource,
    )
    .post(
        "/space-bookings/{id}/cancel",
        BookingParties,
        spaces::routes::cancel,
    )
    .post(
        "/incubators/{id}/agreements",
        IncubatorManager,
        spaces::routes::draft_agreement,
    )
    .get(
        "/agreements/{id}",
        AgreementReaders,
        spaces::routes::show_agreement,
    )
    .post(
        "/agreements/{id}/accept",
        AgreementParty,
        spaces::routes::accept,
    )
    .post(
        "/agreements/{id}/countersign",
        AgreementManager,
        spaces::routes::countersign,
    )
    .post(
        "/agreements/{id}/renew",
        AgreementManager,
        spaces::routes::renew,
    )
    .post(
        "/agreements/{id}/exit",
        AgreementManager,
        spaces::routes::exit,
    )
    // brands
    .get("/brands", Public, brands::routes::gallery)
    .get("/brands/{id}", Public, brands::routes::show)
    // annual brand recognition (品牌项目认定)
    .get("/recognition", Public, brands::routes::recognition::list)
    .get(
        "/recognition/new",
        Regulator,
        brands::routes::recognition::new_form,
    )
    .post(
        "/recognition",
        Regulator,
        brands::routes::recognition::create,
    )
    .get(
        "/recognition/{id}",
        Public,
        brands::routes::recognition::show,
    )
    .get(
        "/recognition/{id}/nominate",
        SignedIn,
        brands::routes::recognition::nominate_form,
    )
    .post(
        "/recognition/{id}/nominations",
        SignedIn,
        brands::routes::recognition::nominate,
    )
    .post(
        "/recognition/{id}/nominations/{nid}/screen",
        Regulator,
        brands::routes::recognition::screen,
    )
    .post(
        "/recognition/{id}/review",
        Regulator,
        brands::routes::recognition::start_review,
    )
    .post(
        "/recognition/{id}/notice",
        Regulator,
        brands::routes::recognition::publish_notice,
    )
    .post(
        "/recognition/{id}/objections",
        SignedIn,
        brands::routes::recognition::object,
    )
    .post(
        "/recognition/{id}/objections/{oid}/answer",
        Regulator,
        brands::routes::recognition::answer,
    )
    .post(
        "/recognition/{id}/recognize",
        Regulator,
        brands::routes::recognition::recognize,
    )
    .get(
        "/recognition/{id}/certificates/{nid}",
        Public,
        brands::routes::recognition::certificate,
    )
    .get(
        "/recognition/{id}/certificates/{nid}/certificate.pdf",
        Public,
        brands::routes::recognition::certificate_pdf,
    )
    .get(
        "/brands/{id}/photos/{pid}/thumb",
        Public,
        brands::routes::photo_thumb,
    )
    .get(
        "/brands/{id}/photos/{pid}/large",
        Public,
        brands::routes::photo_large,
    )
    .get("/orgs/{id}/brands/new", OrgAdmin, brands::routes::new_form)
    .post("/orgs/{id}/brands", OrgAdmin, brands::routes::create)
    .get(
        "/orgs/{id}/brands/{brand}/edit",
        OrgAdmin,
        brands::routes::edit_form,
    )
    .post(
        "/orgs/{id}/brands/{brand}/edit",
        OrgAdmin,
        brands::routes::update,
    )
    .post(
        "/orgs/{id}/brands/{brand}/photos",
        OrgAdmin,
        brands::routes::upload_photo.layer(axum::extract::DefaultBodyLimit::max(
            crate::app::UPLOAD_LIMIT,
        )),
    )
    .post(
        "/orgs/{id}/brands/{brand}/photos/{pid}/delete",
        OrgAdmin,
        brands::routes::delete_photo,
    )
    .post(
        "/orgs/{id}/brands/{brand}/evidence",
        OrgAdmin,
        brands::routes::set_evidence,
    )
    // payments (donations)
    .get("/campaigns", Public, payments::routes::list)
    .get("/campaigns/{id}", Public, payments::routes::show)
    .post(
        "/campaigns/{id}/donations",
        Public,
        payments::routes::donate,
    )
    .get("/donations/{reference}", Public, payments::routes::donation)
    .get(
        "/donations/{reference}/receipt",
        Public,
        payments::routes::receipt,
    )
    .get(
        "/donations/{reference}/receipt.pdf",
        Public,
        payments::routes::receipt_pdf,
    )
    .post("/webhooks/stripe", Public, payments::routes::webhook)
    .get(
        "/orgs/{id}/fundraising",
        OrgFiler,
        payments::routes::fundraising,
    )
    .post(
        "/orgs/{id}/fundraising/qualification",
        OrgFiler,
        payments::routes::save_qualification,
    )
    .get(
        "/orgs/{id}/fundraising/reconciliation",
        OrgFiler,
        payments::routes::reconciliation,
    )
    .post(
        "/orgs/{id}/campaigns",
        OrgFiler,
        payments::routes::open_campaign,
    )
    .post(
        "/orgs/{id}/donations/{did}/confirm",
        OrgFiler,
        payments::routes::confirm,
    )
    .post(
        "/orgs/{id}/donations/{did}/refund",
        OrgFiler,
        payments::routes::refund,
    )
    // open data (OCDS)
    .get("/data", Public, opendata::routes::page)
    .get("/api/v1/ocds/releases", Public, opendata::routes::releases)
    .get(
        "/api/v1/ocds/releases/{id}",
        Public,
        opendata::routes::release,
    )
    .get(
        "/api/v1/ocds/records/{ocid}",
        Public,
        opendata::routes::record,
    )
    .get("/api/v1/ocds/bulk/{file}", Public, opendata::routes::bulk)
    // notices (issue 11 point 5)
    .get("/notices", Public, opendata::routes::notices::list)
    .get("/notices/feed.xml", Public, opendata::routes::notices::feed)
    .get("/notices/{id}", Public, opendata::routes::notices::show)
    .get(
        "/notices/{id}/print",
        Public,
        opendata::routes::notices::print,
    )
    // red flags on the open data (regulators)
    .get("/data/flags", Regulator, opendata::routes::flags_index)
    .get(
        "/data/flags/units/{id}",
        Regulator,
        opendata::routes::flags_unit,
    )
    .get(
        "/data/flags/tenders/{id}",
        Regulator,
        opendata::routes::flags_tender,
    )
    // audit
    .get("/audit/checkpoints", Public, audit::routes::page)
    .get("/api/v1/audit/checkpoints", Public, audit::routes::api);
    // Innermost first: the ETag sees the handler's body; the rate limit counts every call;
    // CORS is outermost so that a 429 carries its headers too. The API's own fallback puts
    // an unknown `/api/v1` path behind the same layers (its 404 readable cross-origin).
    let api = t
        .api
        .fallback(web::middleware::not_found)
        .layer(axum::middleware::from_fn(web::api::etag))
        .layer(axum::middleware::from_fn(web::api::rate_limit))
        .layer(web::api::cors());
    (
        t.router.nest(API_PREFIX.trim_end_matches('/'), api),
        t.infos,
    )
}
