//! # CivicBridge (社会组织服务对接平台)
//!
//! A marketplace where government purchasing units buy public services from social
//! organizations, with the policy's 30% target in view. This page is the codemap: what
//! lives where, what each room guarantees, and what it may call.
//!
//! ## Layers
//! ```text
//! kernel  ←  rooms  ←  web  ←  pages  ←  app (+ main.rs)
//! ```
//! Each layer uses only layers to its left. `tests/layers.rs` parses every `crate::` path and
//! every SQL string in `src/` and names the file and line where a rule below is broken:
//! - [`kernel`] imports nothing above it.
//! - A room is a directory of the same few files: `mod.rs` (its face: what it offers other
//!   rooms — the operations that open a write transaction, plus `pub use` of the types and
//!   queries others may use), `model.rs` (sea-orm entities, and the queries and
//!   single-statement writes on them; never a transaction of its own), `rules.rs` (pure logic:
//!   states, transitions, formulas, validation; no I/O, no clock; exhaustive unit tests),
//!   `routes.rs` (thin handlers: extract, authorize, call, render) and `views.rs` (maud, no
//!   queries); a large room splits these by topic into sibling files (procurement's `bids.rs`,
//!   orgs' `changes.rs` and `reads.rs`) or `routes/`, `views/` folders. A room's core
//!   (`mod.rs`, `model.rs`, `rules.rs` and other non-web files) never uses `web`, `pages` or
//!   `app`; its `routes`/`views` may use `web`.
//! - A room uses another room only through that room's face (`crate::orgs::Org`, never
//!   `crate::orgs::model::…`) and never reads another room's tables, not even in raw SQL:
//!   the owner offers a batched function instead.
//! - [`web`] uses rooms through their faces; [`pages`] through their faces and the sections
//!   of their `routes`/`views`; [`app`] may use anything.
//! - The wall clock is read only by [`kernel::clock::Clock::System`]; all "now" comes from
//!   the injectable [`kernel::clock::Clock`].
//!
//! ## Kernel
//! [`kernel`] — `clock` (injectable; instants as Unix seconds, shown in Asia/Shanghai),
//! `money` ([`kernel::money::Fen`], integer fen, saturating sums, exact splits by basis
//! points), `codes` (`code_enum!`: the one way a stored state or kind maps to its enum, its
//! codes and its locale label), `files` (a PDF/PNG/JPEG by content and name, the check
//! behind evidence uploads; the working-document check — PDF, DOCX, XLSX, PNG, JPEG by
//! content and name, 5 MB, a count limit, a message naming the file — behind bids' and
//! proposals' attachments; storing a file under a room's folder of the data directory),
//! `error` (the one error type [`kernel::error::AppError`] and
//! form [`kernel::error::FieldErrors`]), `i18n` ([`kernel::Lang`] and translation), `mail`
//! (SMTP settings from the environment, the [`kernel::mail::Transport`] trait with `lettre`'s
//! SMTP over rustls and an in-memory one for tests, the process-wide on switch), `db`
//! (connection, with SQLite's memory statistics off for the process, whose lock every
//! SQLite allocation took, and each SQLite connection keeping a statement's plan whatever
//! values are bound; migrations, [`kernel::db::begin_write`] — the one way to begin a write,
//! whose writer turn on SQLite passes on only after a dropped transaction rolled back —
//! `begin_snapshot` for consistent reads), `seal` (XChaCha20-Poly1305 with a key outside the
//! database; salted receipt commitments), `audit_keys` (the audit HMAC key and the
//! checkpoint Ed25519 key, outside the database, installed once per process), `outbox` (a
//! searchable record's change, enqueued in the writing transaction), `instances` (what several
//! server processes on one database agree on: a job tick claimed by exactly one of them in
//! `job_claims`, a lease with one holder, cache generations in `cache_generations` read
//! before a cached value is reused and raised after a write commits), `pdf` (simple
//! documents — title, paragraphs, label/value tables, a footer — to PDF bytes with `krilla`,
//! the embedded GB2312 subset of Noto Sans CJK SC subset again per document), `photos` (the one
//! photo pipeline: typed by content, decoded under limits, turned upright, re-encoded
//! without EXIF as a thumbnail and a large JPEG under a room's folder of the data
//! directory — brands and incubators use it; `web::photos` reads the upload form and serves
//! a rendition with its cache headers; a refused upload keeps its text fields, so the form
//! comes back with the caption typed), `text` (which
//! characters a free-text field may hold — none of the control characters on one line, only
//! line breaks and tabs on several, no bidi marks in names — and its length in characters;
//! each room keeps its limits in one table in its rules).
//!
//! ## Rooms
//! - [`accounts`] — users, platform roles, server-side sessions in the database, log-in
//!   throttling (an e-mail locked after its failures; a client address only slowed, never
//!   locked), and the one permission policy ([`accounts::policy`]). Passwords only as
//!   argon2id hashes. Separation of duties: a platform administrator is never treated as an
//!   organization member or unit buyer and cannot become one; role grants carry a reason, an
//!   audit entry and inbox notices; sign-up answers the same for a registered e-mail (whose
//!   owner gets a notice). Account upkeep: administrators search and page the user list,
//!   disable an account (reason, confirmation, audited; its sessions end because
//!   `load_current_user` skips disabled rows) and issue single-use reset links (only the
//!   SHA-256 of the secret stored, a day's expiry, spent by any password change); users change
//!   their password at `/me/password`, throttled like the log-in; a new password (changed or
//!   reset) raises `users.session_epoch`, ending every session signed in under the old value
//!   (`web::session_user` compares). Forgotten passwords
//!   (`/password/forgot`, issue 11): the same answer for any e-mail, throttled per e-mail and
//!   per address, a 30-minute single-use link mailed through `inbox::queue_mail` in the
//!   request's transaction (older links spent). Two-factor sign-in (`two_factor.rs`,
//!   `two_factor_model.rs`, `two_factor_rules.rs`; `/me/two-factor`, `/login/two-factor`):
//!   TOTP through `totp-rs` with ±1 step, a code's step recorded by a conditional update so
//!   no code works twice, the secret sealed (`kernel::seal`), ten recovery codes kept as
//!   SHA-256 only, wrong codes under the log-in throttle, enrolment first for the roles in
//!   `CIVICBRIDGE_REQUIRE_2FA_ROLES` (`web::middleware::enrol_first`), audited; a password
//!   reset leaves it on; new recovery codes on demand; an administrator's reset of a lost
//!   second factor (reason, confirmation, audited, never their own). Calls `orgs`/`units` for
//!   memberships, `audit`, `inbox`.
//! - [`inbox`] — notices addressed to one user (membership and role changes, sign-up
//!   attempts with their e-mail, evaluator replacements, verification and claim
//!   decisions): kind code + JSON parameters
//!   rendered in the reader's
//!   language, written in the transaction of the change they report; `/me/notifications`,
//!   and an unread count in the header read in the same query as the signed-in user. New
//!   kinds: a `rules::Kind` variant and two locale keys. E-mail (issue 11 point 6): with
//!   mail on, each notice also writes a `mail_queue` row in its transaction (and accounts
//!   queue reset links there, `queue_mail`); `app::jobs::send_mail` sends them outside any
//!   transaction, each row claimed by a conditional update, retried with backoff, once;
//!   `/me/settings` keeps which kinds come by e-mail and in which language (`mail_settings`,
//!   [`inbox::MailChoice`]). Calls the kernel and `audit`.
//! - [`orgs`] — the organization registry: profiles, USCC validation, service domains,
//!   members, regulator-kept rating grade and credit status (the latter also set by the
//!   credit engine in `regulation` through `set_credit_in`; each change logged with who,
//!   when, why in the same transaction). Member additions, role changes and removals carry a
//!   reason, an audit entry and notices to the administrators and the user; the last
//!   administrator stays. Verification: a registration is unverified until a regulator
//!   verifies it (`orgs::is_verified` is the one question procurement, matching and calls
//!   ask: an unverified organization, or one whose registration a regulator's zombie outcome
//!   ended — `registration_status`, set only by `end_registration_in` — may not bid, apply or
//!   be invited; `orgs::ended` gives how and on which day, and every refusal — bids,
//!   matching, calls, incubator applications, new brand projects — names it instead of
//!   "unverified"; the brand gallery leaves such organizations out); a record is claimed with a
//!   statement and a certificate typed by its content, one open claim per user and
//!   organization, approved (the claimant becomes an administrator) or refused by a
//!   regulator — each decision a conditional update with its audit entry and notices in one
//!   transaction (`vetting`). Offers batched reads to search, matching, targets, and the
//!   regulator's queue (claims, unverified registrations, expiring ratings) to `pages`.
//! - [`units`] — purchasing units tied to division codes and the buyers who act for them;
//!   buyer changes carry a reason, an audit entry and notices to the unit's buyers.
//! - [`procurement`] — government purchase of services: the tender lifecycle (one state
//!   machine, `rules::TenderState::apply`), enquiries, sealed bids with receipts, opening,
//!   evaluation (`scoring`: exact integer milli-points; per evaluator a score sheet, a draft
//!   until submitted complete, commented and with the no-conflict declaration, then
//!   read-only — `scoring::check_sheet`; only submitted sheets are ranked, and the award
//!   waits for every assigned evaluator's; a replaced evaluator's sheet is discarded, its
//!   points kept in the audit entry), awards with a working-day standstill, challenges.
//!   Each public event records its OCDS release through `opendata` in its transaction.
//!   Conflicts of interest are refused: an evaluator buying for the unit or
//!   belonging to a bidder, a bidder with a member buying for the unit or evaluating the
//!   tender. A bidder's own members read its sealed bid before the opening too
//!   (`own_bid_content`, `own_file`; everyone else a 404), and see in `/me` what became of
//!   each bid (`rules::bid_outcome`: won, lost, unsuccessful, …); a buyer's to-do list reads
//!   the unanswered questions and challenges of the user's units (`unanswered_of_units`,
//!   urgency by `rules::question_urgency`). A bid write and the opening both start with a conditional UPDATE of the
//!   tender row, so the deadline is decided inside the writing transaction. Attachments are
//!   typed by their content (`kernel::files::file_kind`, magic bytes via `infer`, re-exported
//!   from `rules`) and sealed with
//!   their name, type, size and digest (`bid_files.meta`; rows from before are sealed at
//!   start-up by `seal_file_metadata`). Tender documents (`documents.rs`, pure rules in
//!   `document_rules.rs`, table `tender_documents`): typed and stored by `kernel::files`;
//!   a draft's seen only by the unit's buyers, a published tender's public and changed only
//!   by an amendment (new document, new version superseding the old, withdrawal; every
//!   version kept and downloadable), with its amendment row, public audit entry and OCDS
//!   release (`tender.documents`) in one transaction. Calls `audit`,
//!   `orgs`, `units`, `accounts`, `inbox` (evaluator replacements); never `contracts` from
//!   its core.
//! - [`contracts`] — contracts created at award: [`contracts::award`] opens the award's
//!   transaction, calls `procurement::award_in` and creates the contract in it (one
//!   direction only); signatures (refused during the standstill or with an unanswered
//!   challenge), milestones, offline payments (in parts; their sum never exceeds the
//!   milestone, which is paid exactly when they add up to it), files attached to delivery
//!   reports (`files.rs`: seen by the parties and regulators only), completion with a rating, early termination
//!   by the buyer with a public reason (out of the 30% ledger and the supplier's
//!   administrators notified in the same transaction). Keeps supplier kind and value for the
//!   30% share. Offers the buyer's to-do list what the units' contracts wait for
//!   (`buyer_todo`: signatures, reports to accept, accepted milestones to pay). Calls `audit`,
//!   `procurement`, `orgs`, `units`, `targets`, `inbox` (payment and termination notices),
//!   `kernel::files`.
//! - [`matching`] — who fits which tender, with reasons: eligibility rules reused from
//!   `procurement`, six scored parts with configurable weights, an in-memory snapshot of all
//!   organizations (`matching::Env`, no web state), invitations, recommended tenders; the
//!   incubator part names the organization's incubator. Calls `procurement`, `orgs`,
//!   `contracts`, `units`, `incubators`.
//! - [`targets`] — the policy dashboard led by the 30% share: the `target_ledger` written in
//!   the signing (and terminating) transaction and always equal to
//!   `contracts::signed_totals`; what removing a contract does to a year's share; exact roll-ups
//!   unit → banner/county → league/city → region; ECharts chart and map over plain tables,
//!   CSV, drill-down, what-if; party building and jobs from accepted annual reports by year,
//!   league/city and banner/county, drilled down (`drill`, `/targets/reports`) to the
//!   organizations with the clean-credit share by year and CSV at every level; target 7
//!   (`brand_target`, `/targets/brands`): the brand count, the region's and each
//!   league/city's recognitions of a year against 10 and 5, history by year, the brands
//!   behind each count and CSV, from `brands::recognitions`; venture-philanthropy grant money paid by league/city and year
//!   (`philanthropy`); cultivation — incubators, tenants in residence and the year's
//!   graduates by level and league/city (`incubators`). Calls `contracts`, `orgs`,
//!   `regulation`, `brands`, `philanthropy`, `units`, `regions`, `incubators`.
//! - [`philanthropy`] — venture philanthropy (公益创投): calls (funding rounds) run by an
//!   organizer — a purchasing unit (its buyers act for it) or a foundation (its
//!   administrators) — with domains, one eligible place, eligible applicants, pool, maximum
//!   grant and co-funding (fen, basis points), an application window, reviewers, a rubric
//!   and a tranche plan each summing to 100%, a report schedule, two stages and sealing as
//!   options. One state machine (`rules::CallState::apply`: draft → published → closed, or
//!   cancelled with a public reason after a confirmation page); each change a conditional
//!   UPDATE with its audit entry and notices to the organizer's other members in one
//!   transaction; the window closes by the clock (`rules::phase`) and a job writes it. A
//!   draft is its organizer's alone (others get 404). Recommends the open calls an
//!   organization fits (place, domain, clean credit, registered) with the reasons, in `/me`.
//!   Applications (proposals, `proposals.rs`, `proposal_model.rs`, `proposal_rules.rs`,
//!   `routes/proposals.rs`, `views/proposals.rs`): plan, place, outcomes, budget lines whose
//!   rules are pure (sum, maximum grant, co-funding ratio, administrative cap per call or
//!   `Config::proposal_admin_cap_bp`), co-applicants by USCC; saved only inside the window,
//!   by an eligible applicant with a clean credit record, both read in the writing
//!   transaction after taking the call's row; one state machine
//!   (`ProposalState::apply`: draft → submitted → screening → more information → expert
//!   review → determination → approved | rejected, with reverts; in a two-stage call a
//!   concept note first — `concept` → `invited` | `declined`, the invited full proposal sent
//!   until the call's `full_closes_at`, the `stage` column telling concept from full),
//!   numbered revisions with a
//!   line diff, attachments (`proposal_files`: typed by `kernel::files`, at most five, stored
//!   under the data directory, changed only while a draft or asked for more information
//!   inside the window, marked when taken off so each revision keeps and diffs its files,
//!   read only by the proposal's readers), batch determination (all or none, within the pool), sealed rounds hiding the
//!   public list until the window closes. Grants (`grants.rs`, `grant_model.rs`,
//!   `grant_rules.rs`, `routes/grants.rs`, `views/grants.rs`): an agreement drawn up by the
//!   organizer from an approved proposal (the approved amount split exactly into the call's
//!   tranches, reports due by its schedule, the last one final), signed once by each side
//!   (`GrantState::apply`: drafted → signed by one → active → completed | terminated);
//!   offline tranche payments of exactly the tranche, the first after both signatures, a
//!   later one held while a report is overdue (decided under the grant's turn); reports
//!   accepted or returned with a reason; reminders `CIVICBRIDGE_GRANT_REMINDER_DAYS` before
//!   and after each due date, once each (a flag claimed by a conditional update, daily job);
//!   amendments (no-cost extension moving the open reports, budget revision keeping the
//!   total) asked one at a time and decided with a reason, all kept; completion with a
//!   rating on the profile (`pages::org::grants`); paid sums by league/city and year for
//!   `targets`; the 360Giving package at `/api/v1/grants.360giving.json`
//!   (`CIVICBRIDGE_360GIVING_PREFIX`). Expert review through `reviews` (`reviewing.rs`):
//!   the round opens with the call's rubric on entering expert review, the organizer
//!   assigns reviewers from the proposal page and sees live totals and who is missing in the
//!   list, and determination waits, inside its transaction, for the call's number of
//!   submitted sheets and every assigned reviewer's. Calls `audit`, `inbox`, `units`, `orgs`,
//!   `reviews`,
//!   `incubators` (residents), `regions`.
//! - [`payments`] — donations to funded projects (issue 13 point 5): campaigns run by a
//!   collecting foundation (its administrators record the public-fundraising qualification;
//!   a campaign needs it, an approved proposal from `philanthropy` and a filed plan's record
//!   number and period, and a job closes it when the period ends), pledges through a
//!   `Gateway` (offline bank transfer confirmed by the foundation, or a Stripe PaymentIntent
//!   with an idempotency key, through async-stripe pointed at `STRIPE_API_BASE`; tests put
//!   `tests/common/stripe_compat.rs` between it and localstripe), states moved only by `rules::apply` — for Stripe only on
//!   webhooks verified by our own HMAC check (any `v1`, tolerance), deduplicated by event id
//!   inserted in the moving transaction —, receipts numbered per foundation and year,
//!   refunds, reconciliation with Stripe. Calls `orgs`, `philanthropy`, `audit`.
//! - [`incubators`] — incubators at region, league/city and banner/county level (created and
//!   edited by platform administrators, who assign managers: holders of the
//!   incubator-manager role, each acting only on the incubators assigned), their public
//!   directory and tenants, and applications for a group in preparation or a registered
//!   organization: one state machine (`rules::AppState::apply`), a per-incubator checklist
//!   kept by its managers, admission (checklist met, a free place) creating the tenant, at
//!   most one application per applicant and incubator that is not rejected (checked in the
//!   incubator row's turn), drafts seen by their author alone, every change audited and the
//!   applicant notified. Graduation (`graduation`): per-incubator criteria, a tenant's review
//!   with the findings the platform makes from its own data (registry, months, a completed
//!   contract through `contracts`' face) and their evidence links, graduate only when every
//!   criterion is met (re-checked in the deciding transaction), "not yet" with a reason,
//!   exit tasks. Tenant milestones (`milestones`): a per-incubator list, five kinds met from
//!   the platform's data with evidence links (worked out on page load), the rest confirmed
//!   once by a manager; a timeline per tenant. Services log (`services`): trainings with
//!   attendance per tenant, one-to-one guidance whose notes only the tenant and the
//!   managers read, venture-philanthropy support (coaching, seed funding in fen, referral).
//!   A group admitted before registration becomes the organization its founder registers
//!   (`link_registered_group`, called by `pages::org::register` after `orgs` registered
//!   it; the tenant keeps its id and history), or whose existing record its founder claims
//!   (`link_claimed_group`, inside the claim approval's transaction through the hook
//!   `pages::org::decide_claim` gives `orgs`). Photos (`photos`): up to 8 with captions,
//!   ordered, the first the directory's cover, kept by the incubator's managers and
//!   platform administrators through `kernel::photos`. Quarterly KPIs (`kpis`, `/incubators/{id}/kpis` for its managers and
//!   regulators, the regulators' roll-up `/incubators/kpis` by level and league/city; each
//!   also as CSV and .xlsx through `rust_xlsxwriter`): every figure from grouped SQL answering
//!   for all incubators at once — this room's tables through covering indexes on their time
//!   columns (guidance carries its incubator), `spaces::occupancy_between`,
//!   `contracts::signed_by_org_between`, `regulation::accepted_staff_by_org`,
//!   `philanthropy::grants_won_between` — added up in memory, the arithmetic pure in
//!   `kpis::rules`.
//!   Offers matching the organizations in
//!   residence or graduated less than the
//!   configured months ago (`incubated_orgs`), and `targets` the incubation system by
//!   league/city and level (`cultivation`). Calls `accounts`, `audit`, `inbox`, `orgs`,
//!   `units`, `regions`, `contracts`, `spaces`, `regulation`.
//! - [`spaces`] — an incubator's space (issue 12 point 4): rooms and desks allocated to a
//!   tenant in residence for a range of days, shared rooms booked by the hour in 15-minute
//!   steps within opening hours and the advance and cancellation windows, a week calendar
//!   (plain table) with occupancy per resource. No two active allocations or bookings of a
//!   resource overlap, kept by the database (PostgreSQL exclusion constraints with
//!   `btree_gist`, SQLite triggers): an allocation checks first inside its write, a booking
//!   is one conditional insert that the rule refuses, and either 422 names the clash. Tenancy agreements (`agreements`: term, space, services, obligations, monthly
//!   fee in fen) hold their space by an allocation made in their transaction and move
//!   through `rules::AgreementState::apply` (drafted by a manager, accepted by the tenant,
//!   countersigned; renewal; early exit freeing the space from the exit day), each move an
//!   inbox notice to the other side. Resources are edited (kind fixed) and retired, never
//!   deleted; a retired one takes no new hold (checked in the hold's transaction under a
//!   shared row lock that orders it against the retirement). Managers keep resources,
//!   allocations and agreements, tenants book and accept, regulators read, the public sees
//!   nothing. Calls `audit`, `inbox`, `incubators` (managers, tenants and their contacts).
//! - [`regulation`] — what regulators keep beyond the registry (issue 15): annual reports
//!   (年报) filed by an organization's administrators for a year that has ended, one per
//!   year (unique index), with finances in fen whose expense categories add up, staff, party
//!   organization, activities and key-people changes; one state machine (`rules::ReportState`:
//!   draft → submitted → accepted | returned → submitted …) written by a conditional update
//!   with an audit entry, returns and acceptances notifying the administrators; timeliness
//!   from the first filing against the configurable deadline (default 31 May of the next
//!   year); the regulators' queue; penalties recorded after a confirmation and published
//!   (`/penalties`, the profile) with a public audit entry. The credit lists (`credit`,
//!   `credit_rules`, `credit_model`): rules as data (`credit_rules` table, legal basis and
//!   parameters), one pure decision function, an engine run daily and on events that gives
//!   written notice, lists after the objection period, removes when met or served and
//!   restarts a serious listing's clock on a new ground — each case step a conditional
//!   update with its history row, audit entry and notices, the organization's credit status
//!   set through `orgs::set_credit_in` in the same transaction; `/credit` lookup and the
//!   public credit history `/orgs/{id}/credit`. Details are private to members
//!   and regulators; the profile section (composed by `pages`) shows only status. Other
//!   rooms read reports only as grouped sums (`accepted_tallies`, for `targets`) or one
//!   year's accepted figures (`accepted_of_year`, the targets' organization level). The rules
//!   page `/credit/rules` (`rule_params`): regulators edit a rule's parameters (bounded,
//!   periods > 0, amounts ≥ 0) or switch it off, with a reason in a public audit entry. Rules
//!   per locality (`credit_rule_overrides`, `rule_params::resolve`): the region, a
//!   league/city or a banner/county overrides any parameter of a rule — threshold, window,
//!   on/off, the objection period, the report rule's deadline — for the organizations
//!   registered there, an empty one inherited, the most specific locality winning
//!   (banner/county > league/city > region > the rule's row); `/credit/rules?place=` shows
//!   and edits them (audited with the reason); the credit engine, zombie detection and the
//!   report pages read each organization's effective rules (`rule_params::localize`, cached
//!   per place within a batch). Zombie organizations
//!   (`zombie`, `zombie_rules`, `zombie_model`): criteria as rows of the same rules table
//!   (list `zombie`: no report for N consecutive years, no activity — bid, contract,
//!   proposal, report, read through those rooms' faces in batches — within N days of
//!   registration, unreachable), only over years the platform collects; detection daily
//!   (`app::jobs`) and on demand; one open case per organization (unique index); notice,
//!   objection within `CIVICBRIDGE_ZOMBIE_OBJECTION_DAYS`, the regulator's outcome
//!   (`zombie_rules::apply`): rectified, revoked or deregistered — the last two end the
//!   registration through `orgs::end_registration_in` in the same transaction, so
//!   `orgs::is_verified` refuses the organization everywhere, and show it publicly; the
//!   regulators' `/me` counts cases by state (`routes::zombies::workspace_panel`). Calls
//!   `orgs`, `audit`, `inbox`, `accounts`, `regions`, and for activity `procurement`,
//!   `contracts`, `philanthropy`.
//! - [`complaints`] — public complaints (issue 15 point 5): a form anyone may use (no
//!   account, anonymous allowed, optional contact) about an organization (named by USCC or
//!   exact name) or a general matter, with up to three attachments typed by content; a
//!   tracking code from a CSPRNG shown once and kept only as its SHA-256, with which anyone
//!   holding it follows the state and public replies (`/complaints/track`, the code in the
//!   body, a wrong code answered like any other); regulators manage the cases (one state
//!   machine `rules::CaseState::apply`: received → assigned → investigating → concluded with
//!   an outcome; conditional updates, audit entry in the same transaction), each open state
//!   with a configurable time limit (`TimeLimits`, `CIVICBRIDGE_COMPLAINT_DAYS`) and the
//!   overdue highlighted, a count on `/me`; published outcomes at `/complaints`. The
//!   complainant's identity is shown to regulators only. Calls `orgs`, `accounts`, `audit`.
//! - [`inspections`] — random spot checks (双随机一公开, issue 15 point 4): a regulator
//!   defines a campaign (registration level, division, year, ratio — at least 5% region,
//!   4% league/city, 3% banner/county —, scope items); commit fixes the candidates (social
//!   organizations registered there, `orgs::registered_at`), the inspectors (regulators),
//!   their conflicts (memberships) and the sample size, and publishes the SHA-256 of a
//!   CSPRNG seed kept secret; the draw (`rules::draw`: ChaCha20 from the seed, partial
//!   Fisher–Yates, two conflict-free inspectors per check, the algorithm in words on every
//!   page) records the checks and reveals the seed, so anyone re-runs it; the check's
//!   inspectors record a finding per item; conclusion once all are in, a deficiency
//!   ordering a rectification (a credit finding due in `CIVICBRIDGE_RECTIFICATION_DAYS`)
//!   in the conclusion's transaction. Drafts are the
//!   regulators' (404 to others); every step a conditional update with its audit entry.
//!   Minimum ratios per locality (`ratio_rules`, `spot_ratio_overrides`,
//!   `/spot-checks/ratios?place=`): the region, a league/city or a banner/county raises the
//!   minimum of its own level's campaigns and those below, never under what it inherits;
//!   a campaign's minimum is the highest along its division's chain (the empty ratio takes
//!   it, a lower one is refused naming its source, re-checked in the creating
//!   transaction); each change audited publicly with old and new values and its reason.
//!   Calls `orgs`, `accounts`, `audit`, `regions`, `regulation`.
//! - [`audit`] — the log an insider with database access cannot rewrite unnoticed: an entry
//!   is recorded with its HMAC (key outside the database) in the same transaction as every
//!   state change; a chainer links only authentic entries into one keyed chain; checkpoints
//!   of the head signed with Ed25519 at least hourly, published at `/audit/checkpoints`;
//!   `civicbridge audit verify` (read-only) names every inserted, altered, removed and
//!   truncated entry by id; public timelines show only authentic entries. Calls the kernel
//!   only.
//! - [`search`] — search over tenders, organizations and brand projects (`search/brands.json`:
//!   only brands the gallery shows, from `brands::search_records`; an organization's change
//!   also rebuilds its brands' documents, `model::dependents`). `search/*.json` define the indexes;
//!   `rules` holds the pure logic; one `Backend` trait with the embedded engine (tantivy) and
//!   Meilisearch. Rooms enqueue through `kernel::outbox`; search delivers the outbox and
//!   builds documents from public data only, read through `orgs`, `procurement`, `units` and
//!   `brands`.
//!   Both engines expand queries with the thesaurus `search/thesaurus.txt` (parsed and checked
//!   in `rules`; the embedded engine records its classes at index time in hidden
//!   `<attr>__syn` fields, `rules::SynonymClasses`, one term per query word), index names' pinyin in an attribute ranked last (`rules::pinyin_forms`), and
//!   receive the same place filter when a query names a league/city or banner/county
//!   (`places`, from the division table through `regions`). `search::find` is how pages and
//!   the API search: the words; when they find nothing, names that sound alike; then names
//!   and titles by their character bigrams (`rules::Matching::Characters` on the `grams`
//!   attributes, never displayed, never matched by words) — the same steps on both engines.
//!   `tests/relevance/queries.toml` is the labelled relevance set the conformance suite
//!   scores both engines on. `/search/suggest` feeds the header box's suggestions.
//!   Ratings lapse without a write, so `sweep_lapsed_ratings` queues them; its mark
//!   (`RATING_SWEEP`, a `kernel::instances` claim row) is kept by the sweep and by a full
//!   rebuild of the organizations, and only moves forward. `Search::building` is set while
//!   a missing index is built at start (from before the first request when the embedded
//!   index is fresh), and the pages then say so instead of "nothing matches"; a result
//!   page carries into its links only the parameters it used (`rules::carried_params`).
//! - [`brands`] — brand service projects an organization's administrators keep (name,
//!   domain, places, year started, people served, outcomes, partners, story, photos) and
//!   the evidence the platform vouches for: the organization's completed contracts, linked
//!   by its administrators and re-checked when shown. Photos are typed by content, decoded
//!   under limits and stored only as re-encoded JPEG renditions (no EXIF) under the data
//!   directory, files written before the row and removed when it does not commit. Every
//!   change has an audit entry in its transaction. Public gallery, brand page, a section on
//!   the organization's profile (through `web::AppState::org_sections`) and the count on
//!   `/targets`. Annual recognition (品牌项目认定, `recognition.rs`, `recognition_model.rs`,
//!   `recognition_rules.rs`, `routes/recognition.rs`, `views/recognition.rs`): a regulator
//!   opens a round for a year at the region or one league/city (window, eligibility as data —
//!   minimum grade with a valid rating, clean credit, years running — rubric, reviewers, an
//!   optional maximum, notice days, default 7); organizations' administrators or a unit's
//!   buyers nominate, refused with the rule that fails and once per brand and round (unique
//!   index); screening; expert review through `reviews` (`SubjectKind::BrandNomination`;
//!   members of the brand's organization and of the nominating unit left off); the ranked
//!   shortlist in public notice; objections by anyone signed in while the notice runs (the
//!   clock's instant, decided in the writing transaction), answered by the regulator (upheld
//!   strikes the brand); recognition after the notice with every objection answered and the
//!   year's count at the level and division taken again inside the transaction against the
//!   round's maximum (the policy's 10 and 5 a year are targets, never caps); a printable
//!   certificate page (print CSS) and its PDF (`kernel::pdf`). Each step is a conditional update after taking
//!   the round's turn, with its audit entries — the brand's public timeline on its page.
//!   Offers `targets` every recognition (`recognitions`) and cards by id, and `search` its
//!   public records (`search_records`, ids, the public count); enqueues `Kind::Brands` outbox
//!   rows in the transactions of create, edit, photos and recognition. Calls `audit`,
//!   `contracts`, `orgs`, `regions`, `reviews`, `accounts`, `units`.
//! - [`reviews`] — the shared reviews room (issue 13 point 3; brand nominations too):
//!   a round per subject (`rules::SubjectKind`) with the rubric snapshot taken when review
//!   begins, reviewers assigned by the subject's organizer (evaluator role; members of the
//!   applicant, a co-applicant or the organizer refused with the reason named), replaced or
//!   taken off with a reason (sheet discarded, marks kept in the audit entry), a sheet per
//!   reviewer (0–5 or n/a and a comment per criterion, yes/maybe/no, no-conflict
//!   declaration; draft, then submitted and read-only), frozen while the round is closed.
//!   Totals, averages (n/a left out) and counts in exact milli-points over submitted sheets
//!   only, loaded for a whole list in `IN` queries (`boards`). Reviewers see only their own
//!   sheets; names reach only the organizer. The owner opens, closes and assigns inside
//!   its own transaction (`open_in`, `close_in`, `assign_in`, `unassign_in`). Calls
//!   `accounts`, `orgs`, `units`, `audit`, `inbox`.
//! - [`opendata`] — OCDS 1.1.5 open data (issue 17): one immutable release per public event
//!   of a tender, recorded by [`opendata::record_in`] in the event's own transaction from the
//!   [`opendata::TenderFacts`] the owner hands over (`procurement::ocds_facts` at publish,
//!   amendment, opening, cancellation; `contracts` adds the contract at award, signing,
//!   milestone, payment, completion, termination) — it never reads their tables, and bids
//!   reach it only after opening. Rows numbered in commit order (an advisory lock on
//!   PostgreSQL) for a cursor that never skips; records compiled on reading by the OCDS merge
//!   rules (`rules::merge`); packages, the `/api/v1/ocds/…` API, the `/data` page and the
//!   yearly gzip JSON Lines bulk files (job and `civicbridge ocds-bulk`, ETag/304). Settings
//!   (ocid prefix, scheme, publisher, public URL) installed once per process. Red flags
//!   (`flag_rules`, pure: the OCP indicators R003, R018, R024, R028, R035, R036 on a compiled
//!   release, the legal minimum time to bid per method in `MIN_SUBMISSION_DAYS`): `record_in`
//!   re-evaluates the process and upserts its `ocds_flags` row in the release's transaction,
//!   so the flags always match the published record; `/data/flags…` pages for regulators
//!   (permission before any id). Notices (issue 11 point 5, `notice_rules`, `routes/notices.rs`,
//!   `views/notices.rs`): a release that is a procurement notice, correction, result,
//!   contract or termination notice gets a `notices` row in the same transaction (its id
//!   the release's row, so `/notices/{id}` is stable; earlier releases listed at start by
//!   `fill_missing_notices`); `/notices` lists and filters them, a notice's page, printable
//!   view and PDF read what it says from its release (`notice_rules::doc_of`), Atom feeds
//!   per type and unit (`notice_rules::atom`), the home page's latest notices
//!   (`latest_notices`). Its core calls the kernel only; its pages use `accounts`
//!   (the policy), `units` (a unit's name) and `procurement` (the tenders of a place).
//! - [`regions`] — Inner Mongolia's division table (embedded CSV) and province prefixes;
//!   immutable reference data.
//!
//! ## Above the rooms
//! - [`web`] — [`web::AppState`] (with the sections other rooms add to a tender page,
//!   [`web::TenderSection`]), [`web::config::Config`], request context ([`web::Ctx`]),
//!   layout (the page frame: skip link, a header on one line at 1280 px with an account menu
//!   that needs no script, landmarks; error pages in the same frame, told who is signed in
//!   by [`web::middleware::error_viewer`]; `page_with_feeds` announces Atom feeds in the head,
//!   `printable` is a document without header, navigation or footer) and header search box, form helpers, the form and
//!   query extractors ([`web::Form`], [`web::Query`]: broken UTF-8 is a 400, never
//!   replaced), the form helpers' error summary (one per form with errors: an alert that
//!   links each message to its field's id and takes the focus on load), the client address
//!   from the configured source, the one pager
//!   ([`web::pager`]), CSRF, language, error and Content-Security-Policy middleware, embedded
//!   static assets, and the confirmation page of destructive actions ([`web::confirm`]:
//!   without `confirm=1` a withdrawal, cancellation, termination or role grant only shows
//!   its consequences), and what every `/api/v1` answer shares ([`web::api`]: the one JSON
//!   error shape, `page`/`per_page` paging with totals and `Link` headers, `ETag`/304, the
//!   CORS policy, the anonymous rate limit keyed by client address on the injectable clock).
//! - [`pages`] — pages that compose rooms: home, the workspace `/me` (with the regulator's
//!   work queue, the buyer's to-do list from `procurement` and `contracts`, the user's claims, the calls an organizer runs and the calls recommended
//!   to an organization), the sections added to
//!   the tender page (matches) and to the organization profile (annual reports and
//!   penalties, brands: [`web::AppState::profile_sections`]), and the registration of an
//!   organization (`orgs`' handler, then `incubators` links the founder's admitted group),
//!   and a regulator's decision on a claim (`orgs`' handler with a hook that links the
//!   claimant's admitted group inside the approval's transaction).
//! - [`app`] — the route table with each route's declared access ([`app::routes`], checked
//!   by the route × role test), the middleware stack, start-up, the background jobs
//!   ([`app::jobs`]: each a function tests call directly; on a timer each tick runs on the one
//!   instance that claims it) and demo data ([`app::seed`]; files
//!   — brand and incubator photos, proposal attachments — stored after the rows, by `main`,
//!   which knows the data directory).
//!   Routes under `/api/v1/` sit in their own sub-router wrapped by the API's layers, are
//!   GET only, and each is described in the OpenAPI 3.1 document ([`app::openapi`]: utoipa
//!   from the handlers' `#[utoipa::path]` and typed structs; `/api/v1/openapi.json` and the
//!   page `/api/docs`), which `tests/api.rs` checks against the route table.
//!
//! ## Invariants across rooms
//! - Every state-changing request carries the session's CSRF token in the `x-csrf-token`
//!   header or a `_csrf` body field, urlencoded or multipart, never the query string
//!   (middleware, not handlers); every handler that reads or changes non-public data asks
//!   `accounts::require`.
//! - Every response carries the Content-Security-Policy of
//!   [`web::middleware::CONTENT_SECURITY_POLICY`]: scripts and styles only from our
//!   `/static/` files, so pages hold no inline script, `on…` handler, `javascript:` URL,
//!   `hx-on` or `style` attribute (behaviour in `static/js` keyed by `data-` attributes, data
//!   in JSON blocks).
//! - No existence oracle: a route naming a record inside a tender (a bid, an attachment, a
//!   question, a challenge) settles who may ask before looking the record up, and answers
//!   every id the asker may not see alike — log in for anonymous visitors, 404 otherwise
//!   (bids through `procurement::bid_in_scope`; `tests/oracle.rs` enumerates the ids).
//! - Bad input comes back as the same form with the typed values and a message per field,
//!   status 422; nothing is written. Every free-text field is checked with `kernel::text`
//!   (control characters, length) before anything is written or looked up.
//! - Every error under `/api/` is JSON of one shape ([`web::api::ApiError`]), whoever made
//!   it (handler, extractor, fallback, rate limit), keeping the API's headers.
//! - After every integration test the audit log verifies (no finding), the search outbox is
//!   delivered and the 30% ledger equals its recomputation (`tests/common`, checked on drop).

rust_i18n::i18n!("src/locales", fallback = "zh-CN");

/// The allocator of every program built on this crate: the server, its benchmarks and tests.
/// Measured under load with 100,000 organizations (README, issue 18 points 1 and 6): glibc's
/// `malloc`/`free` took a fifth of the server's time on list pages and its per-thread arenas
/// kept what a burst had freed; mimalloc returns it and allocates faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod accounts;
pub mod app;
pub mod audit;
pub mod brands;
pub mod complaints;
pub mod contracts;
pub mod inbox;
pub mod incubators;
pub mod inspections;
pub mod kernel;
pub mod matching;
pub mod opendata;
pub mod orgs;
pub mod pages;
pub mod payments;
pub mod philanthropy;
pub mod procurement;
pub mod regions;
pub mod regulation;
pub mod reviews;
pub mod search;
pub mod spaces;
pub mod targets;
pub mod units;
pub mod web;
