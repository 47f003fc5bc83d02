//! Background jobs, in one place. Each job is one function that does one round of its work and
//! returns, so tests call it directly with a fixed clock; [`spawn_all`] only runs the rounds on
//! timers. Every job is idempotent: running a round twice, or on two instances at once, does no
//! harm (the rows they act on are claimed by conditional updates or keyed writes). Still, with
//! several instances on one database each round runs once: every timer's tick is claimed in
//! `job_claims` (`kernel::instances::claim_tick`) and only the instance that wins it runs the
//! round; the search outbox, polled continuously, is delivered by the one instance holding its
//! lease (`kernel::instances::hold_lease`), so each change reaches the engine once.

use std::time::Duration;

use sea_orm::DbErr;

use crate::accounts::DbSessionStore;
use crate::kernel::clock::Clock;
use crate::kernel::instances;
use crate::search::Kind;
use crate::web::AppState;

/// Deletes sessions past their expiry.
pub async fn delete_expired_sessions(st: &AppState) -> Result<u64, DbErr> {
    DbSessionStore::new(st.db.clone())
        .delete_expired(Clock::System.now())
        .await
}

/// Opens every tender whose bid deadline has passed (opening does not wait for a visitor).
pub async fn open_due_tenders(st: &AppState) -> Result<u32, DbErr> {
    crate::procurement::open_due(&st.db, &st.seal, st.clock.now()).await
}

/// Rewrites the yearly OCDS bulk files whose releases changed (the others stay as they are,
/// with their ETag).
pub async fn write_ocds_bulk(st: &AppState) -> Result<Vec<i32>, DbErr> {
    crate::opendata::write_bulk(&st.db, &crate::opendata::bulk_dir(&st.config.data_dir)).await
}

/// Closes every venture-philanthropy call whose application window has ended.
pub async fn close_due_calls(st: &AppState) -> Result<u32, DbErr> {
    crate::philanthropy::close_due(&st.db, st.clock.now()).await
}

/// Closes every donation campaign whose fundraising plan's period has ended.
pub async fn close_due_campaigns(st: &AppState) -> Result<u32, DbErr> {
    crate::payments::close_due(&st.db, st.clock.now()).await
}

/// The nightly reconciliation: each collecting foundation's Stripe donations compared with
/// Stripe; the differences are logged (the foundation's reconciliation page lists them).
/// Returns how many differences it found (none with the offline gateway).
pub async fn reconcile_payments(st: &AppState) -> Result<usize, DbErr> {
    let g = crate::payments::gateway::from_settings(&st.config.payments);
    let mut found = 0;
    for org in crate::payments::collecting_foundations(&st.db).await? {
        let diffs = crate::payments::reconcile(&st.db, g.as_ref(), org).await?;
        for d in &diffs {
            tracing::warn!(
                org,
                donation = d.donation.id,
                ledger = %d.donation.state,
                stripe = %d.stripe,
                "the donation ledger differs from Stripe"
            );
        }
        found += diffs.len();
    }
    Ok(found)
}

/// Sends the grant report reminders due (each once, before and after its due date).
pub async fn send_grant_reminders(st: &AppState) -> Result<u32, DbErr> {
    crate::philanthropy::grants::send_reminders(
        &st.db,
        st.config.grant_reminder_days,
        st.clock.now(),
    )
    .await
}

/// The daily credit run: gives notice of new grounds, lists what passed its objection
/// period, removes what was met or served (`regulation::credit`).
pub async fn evaluate_credit(st: &AppState) -> Result<crate::regulation::RunSummary, DbErr> {
    crate::regulation::evaluate_credit(
        &st.db,
        &st.config.credit,
        &st.config.regulation,
        st.clock.now(),
    )
    .await
}

/// The daily zombie detection (after the credit run): opens a case with written notice for
/// each social organization meeting the configured criteria (`regulation::zombie`).
pub async fn detect_zombies(st: &AppState) -> Result<crate::regulation::ZombieRun, DbErr> {
    crate::regulation::detect_zombies(
        &st.db,
        &st.config.credit,
        &st.config.regulation,
        None,
        st.clock.now(),
    )
    .await
}

/// What a round of the mail job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailRun {
    /// Accepted by the transport.
    pub sent: u32,
    /// Not wanted by the recipient (a kind they turned off), or no longer addressable.
    pub skipped: u32,
    /// Failed this time (tried again later, or given up after the last try).
    pub failed: u32,
}

/// How many queued mails one round takes.
const MAIL_BATCH: u64 = 50;

/// One round of the mail job: the due rows of the queue, each claimed by a conditional
/// update (another instance's round skips it), then — outside any transaction — rendered in
/// the recipient's language and handed to `transport` from `from`; a success ends the row
/// (`sent`, its parameters dropped), a failure schedules the next try with backoff until
/// the last. Kinds the recipient turned off end as `skipped`. Links are made absolute with
/// the public address (`CIVICBRIDGE_PUBLIC_URL`).
pub async fn send_mail(
    st: &AppState,
    transport: &dyn crate::kernel::mail::Transport,
    from: &str,
) -> Result<MailRun, DbErr> {
    use crate::inbox;
    let now = st.clock.now();
    let due = inbox::due_mail(&st.db, now, MAIL_BATCH).await?;
    let mut run = MailRun::default();
    if due.is_empty() {
        return Ok(run);
    }
    let mut ids: Vec<i64> = due.iter().map(|m| m.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let users = crate::accounts::users_by_ids(&st.db, &ids).await?;
    let choices = inbox::mail_choices(&st.db, &ids).await?;
    let base = st.config.ocds.base_url.clone();
    for m in due {
        if !inbox::claim_mail(
            &st.db,
            m.id,
            m.next_attempt_at,
            now + inbox::rules::MAIL_CLAIM_SECS,
        )
        .await?
        {
            continue;
        }
        let user = users.iter().find(|u| u.id == m.user_id);
        let choice = choices
            .get(&m.user_id)
            .cloned()
            .unwrap_or_else(inbox::MailChoice::default_choice);
        let lang = crate::kernel::Lang::parse(&m.lang).unwrap_or(choice.lang);
        let params = inbox::Params::from_json(&m.params);
        let text = inbox::mail_text(&m.kind, &params, lang, &base);
        let (Some(user), true, Some((subject, body))) = (user, choice.wants(&m.kind), text) else {
            inbox::finish_mail(&st.db, m.id, "skipped", now).await?;
            run.skipped += 1;
            continue;
        };
        let out = crate::kernel::mail::Outgoing {
            to: user.email.clone(),
            subject,
            body,
            message_id: format!("<mail-{}-{}@civicbridge>", m.id, m.created_at),
        };
        match transport.send(from, &out).await {
            Ok(()) => {
                inbox::finish_mail(&st.db, m.id, "sent", now).await?;
                run.sent += 1;
            }
            Err(e) => {
                let attempts = m.attempts + 1;
                let next = (attempts < inbox::rules::MAIL_MAX_ATTEMPTS)
                    .then(|| now + inbox::mail_retry_delay(attempts));
                tracing::warn!(mail = m.id, attempts, error = %e, "sending a mail failed");
                inbox::fail_mail(&st.db, m.id, attempts, next, &e).await?;
                run.failed += 1;
            }
        }
    }
    Ok(run)
}

/// Links freshly recorded audit entries into the hash chain.
pub async fn chain_audit(st: &AppState) -> Result<u64, DbErr> {
    crate::audit::chain_pending(&st.db, &st.audit_keys).await
}

/// Links what is pending and signs a checkpoint of the audit chain head (published at
/// `/audit/checkpoints`); `None` when the head is not authentic (logged).
pub async fn checkpoint_audit(
    st: &AppState,
) -> Result<Option<crate::audit::StoredCheckpoint>, DbErr> {
    chain_audit(st).await?;
    crate::audit::checkpoint(&st.db, &st.audit_keys, st.clock.now()).await
}

/// Builds each index that is fresh (a new embedded index) or empty while the database has
/// records (a new Meilisearch server); returns the records indexed, or `None` when the engine
/// could not be asked or a build failed. Once every index is in place the instance is ready
/// (`/readyz`).
pub async fn build_missing_indexes(st: &AppState) -> Option<u64> {
    let mut built = 0;
    let mut ok = true;
    for kind in Kind::ALL {
        let empty = match st.search.backend().count(kind).await {
            Ok(0) => crate::search::record_count(&st.db, kind)
                .await
                .is_ok_and(|n| n > 0),
            Ok(_) => false,
            Err(e) => {
                tracing::warn!(error = %e, "search engine unreachable at start; will retry");
                ok = false;
                continue;
            }
        };
        if st.search.needs_rebuild || empty {
            st.search.set_building(true);
            let r = crate::search::reindex(
                &st.db,
                st.search.backend().as_ref(),
                kind,
                st.clock.now(),
                2000,
                |_| {},
            )
            .await;
            match r {
                Ok(n) => {
                    built += n;
                    tracing::info!(kind = kind.code(), records = n, "search index built");
                }
                Err(e) => {
                    ok = false;
                    tracing::warn!(error = %e, "building the search index failed; will retry");
                }
            }
        }
    }
    st.search.set_building(false);
    if ok {
        st.ready.store(true, std::sync::atomic::Ordering::Release);
    }
    ok.then_some(built)
}

/// Where the search job stands between rounds.
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchJob {
    /// Ratings lapsing before this day have been re-indexed; `None` until read from the mark
    /// an earlier process, instance or rebuild left ([`crate::search::RATING_SWEEP`]).
    pub swept_to: Option<time::Date>,
    /// When delivered outbox rows were last pruned (Unix seconds).
    pub last_prune: i64,
}

/// One round of the search job: re-indexes organizations whose rating lapsed since the last
/// sweep (nobody wrote to them), delivers one batch of the outbox, prunes delivered rows hourly.
/// Returns whether a full batch was delivered (more may be waiting).
pub async fn search_round(st: &AppState, job: &mut SearchJob) -> bool {
    let now = st.clock.now();
    let today = st.clock.today();
    // An index rebuilt by `civicbridge reindex` beside this server goes live here.
    if let Err(e) = crate::search::refresh(&st.db, st.search.backend().as_ref()).await {
        tracing::warn!(error = %e, "search: taking up a rebuilt index failed");
    }
    let from = match job.swept_to {
        Some(day) => Ok(day),
        None => crate::search::rating_sweep_mark(&st.db, today).await,
    };
    match from {
        Ok(from) if from <= today => {
            match crate::search::sweep_lapsed_ratings(&st.db, from, today, now).await {
                Ok(to) => job.swept_to = Some(to),
                Err(e) => tracing::warn!(error = %e, "search: lapsed-rating sweep failed"),
            }
        }
        Ok(from) => job.swept_to = Some(from),
        Err(e) => tracing::warn!(error = %e, "search: reading the sweep's mark failed"),
    }
    let full = match crate::search::drain_once(&st.db, st.search.backend().as_ref(), now).await {
        Ok(d) => d.rows as u64 >= crate::search::BATCH,
        Err(e) => {
            tracing::warn!(error = %e, "search outbox: database error; will retry");
            false
        }
    };
    if now - job.last_prune > 3600 {
        job.last_prune = now;
        if let Err(e) = crate::search::prune(&st.db, now - 86_400).await {
            tracing::warn!(error = %e, "search outbox: pruning failed");
        }
    }
    full
}

/// Runs every job on its timer for the life of the process.
pub fn spawn_all(state: &AppState) {
    every(
        state,
        "expire_sessions",
        Duration::from_secs(3600),
        |st| async move {
            if let Err(e) = delete_expired_sessions(&st).await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
        },
    );
    every(
        state,
        "open_due_tenders",
        Duration::from_secs(15),
        |st| async move {
            match open_due_tenders(&st).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(opened = n, "tenders opened at their deadline"),
                Err(e) => tracing::warn!(error = %e, "opening due tenders failed; will retry"),
            }
        },
    );
    // Every ten minutes, the first at start: a year's file follows its releases within ten
    // minutes; an unchanged year is not rewritten.
    every(
        state,
        "ocds_bulk",
        Duration::from_secs(600),
        |st| async move {
            match write_ocds_bulk(&st).await {
                Ok(years) if years.is_empty() => {}
                Ok(years) => tracing::info!(?years, "OCDS bulk files written"),
                Err(e) => {
                    tracing::warn!(error = %e, "writing the OCDS bulk files failed; will retry")
                }
            }
        },
    );
    every(
        state,
        "close_due_calls",
        Duration::from_secs(60),
        |st| async move {
            match close_due_calls(&st).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(closed = n, "calls closed at the end of their window"),
                Err(e) => tracing::warn!(error = %e, "closing due calls failed; will retry"),
            }
        },
    );
    every(
        state,
        "close_due_campaigns",
        Duration::from_secs(60),
        |st| async move {
            match close_due_campaigns(&st).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(closed = n, "campaigns closed at the end of their plan"),
                Err(e) => tracing::warn!(error = %e, "closing due campaigns failed; will retry"),
            }
        },
    );
    // Daily at 02:00 Asia/Shanghai, the quiet hours, not at start (a fresh demo or a new
    // rule gives its notices at night): a listing ends within a day of its ground going
    // away (well within five working days), and the events run the engine at once anyway.
    daily(state, "credit_run", CREDIT_RUN_AT, |st| async move {
        match evaluate_credit(&st).await {
            Ok(s) => tracing::info!(?s, "credit rules evaluated"),
            Err(e) => tracing::warn!(error = %e, "credit run failed; will retry tomorrow"),
        }
        match detect_zombies(&st).await {
            Ok(s) => tracing::info!(?s, "zombie criteria evaluated"),
            Err(e) => tracing::warn!(error = %e, "zombie run failed; will retry tomorrow"),
        }
    });
    // Nightly at 03:00 Asia/Shanghai, after the day's webhooks: the ledger against Stripe.
    daily(state, "reconcile_payments", RECONCILE_AT, |st| async move {
        match reconcile_payments(&st).await {
            Ok(n) => tracing::info!(differences = n, "donations reconciled with Stripe"),
            Err(e) => tracing::warn!(error = %e, "reconciliation failed; will retry tomorrow"),
        }
    });
    // Daily at 09:00 Asia/Shanghai, when the recipients' staff read their notices; each
    // reminder goes out once whenever the round runs.
    daily(
        state,
        "grant_reminders",
        GRANT_REMINDERS_AT,
        |st| async move {
            match send_grant_reminders(&st).await {
                Ok(n) => tracing::info!(sent = n, "grant report reminders sent"),
                Err(e) => tracing::warn!(error = %e, "grant reminders failed; will retry tomorrow"),
            }
        },
    );
    // Every ten seconds while mail is configured: the queue written with the notices.
    if let Some(settings) = state.config.mail.clone() {
        match crate::kernel::mail::Smtp::new(&settings) {
            Ok(smtp) => {
                let smtp = std::sync::Arc::new(smtp);
                every(state, "send_mail", Duration::from_secs(10), move |st| {
                    let smtp = smtp.clone();
                    let from = settings.from.clone();
                    async move {
                        match send_mail(&st, smtp.as_ref(), &from).await {
                            Ok(r) if r == MailRun::default() => {}
                            Ok(r) => tracing::info!(?r, "mail queue round"),
                            Err(e) => tracing::warn!(error = %e, "mail round failed; will retry"),
                        }
                    }
                });
            }
            Err(e) => {
                tracing::error!(error = %e, "CIVICBRIDGE_SMTP_URL is unusable: no mail is sent")
            }
        }
    }
    every(
        state,
        "chain_audit",
        Duration::from_secs(1),
        |st| async move {
            if let Err(e) = chain_audit(&st).await {
                tracing::warn!(error = %e, "audit chaining failed; will retry");
            }
        },
    );
    // Hourly, the first at start: a removed tail shows against any published checkpoint.
    every(
        state,
        "checkpoint_audit",
        Duration::from_secs(3600),
        |st| async move {
            if let Err(e) = checkpoint_audit(&st).await {
                tracing::warn!(error = %e, "audit checkpoint failed; will retry");
            }
        },
    );
    // The rooms that enqueue have no handle on this job, so it polls: right away while a full
    // batch was waiting, else every half second.
    let st = state.clone();
    // A fresh embedded index is known to be empty before the first request is served: say
    // so from the start, not only once the task below begins building.
    if st.search.needs_rebuild {
        st.search.set_building(true);
    }
    tokio::spawn(async move {
        while build_missing_indexes(&st).await.is_none() {
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        let mut job = SearchJob::default();
        let me = instances::instance_id();
        loop {
            let now = st.clock.now();
            let held = instances::hold_lease(&st.db, "search_outbox", me, SEARCH_LEASE_SECS, now)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "search outbox: could not renew the lease");
                    false
                });
            if !held || !search_round(&st, &mut job).await {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    });
}

/// When the daily grant reminder round starts: seconds after midnight, Asia/Shanghai.
const GRANT_REMINDERS_AT: i64 = 9 * 3600;

/// When the daily credit run starts: seconds after midnight, Asia/Shanghai.
const CREDIT_RUN_AT: i64 = 2 * 3600;
/// Seconds after local midnight of the nightly reconciliation.
const RECONCILE_AT: i64 = 3 * 3600;

/// Seconds from `now` to the next `at` (seconds after midnight, Asia/Shanghai); a whole
/// day when it is that instant now.
fn secs_until_daily(now: i64, at: i64) -> u64 {
    let into_day = (now + 8 * 3600).rem_euclid(86_400);
    let wait = (at - into_day).rem_euclid(86_400);
    u64::try_from(if wait == 0 { 86_400 } else { wait }).unwrap_or(86_400)
}

/// Runs `round` every `period` (the first right away) — on the one instance that claims each
/// period first: ticks are the periods since the epoch, the same on every instance.
fn every<F, Fut>(state: &AppState, job: &'static str, period: Duration, round: F)
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let st = state.clone();
    let secs = i64::try_from(period.as_secs().max(1)).unwrap_or(i64::MAX);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            let now = st.clock.now();
            if claimed(&st, job, now.div_euclid(secs), now).await {
                round(st.clone()).await;
            }
        }
    });
}

/// Whether this instance won `tick` of `job` (a database error skips the tick, logged).
async fn claimed(st: &AppState, job: &str, tick: i64, now: i64) -> bool {
    let me = instances::instance_id();
    match instances::claim_tick(&st.db, job, tick, me, now).await {
        Ok(won) => won,
        Err(e) => {
            tracing::warn!(job, error = %e, "could not claim the job's tick; skipped");
            false
        }
    }
}

/// Runs `round` daily at `at` (seconds after midnight, Asia/Shanghai), not at start, on the
/// one instance that claims the day first.
fn daily<F, Fut>(state: &AppState, job: &'static str, at: i64, round: F)
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let st = state.clone();
    tokio::spawn(async move {
        loop {
            let wait = secs_until_daily(st.clock.now(), at);
            tokio::time::sleep(Duration::from_secs(wait)).await;
            let now = st.clock.now();
            if claimed(&st, job, (now + 8 * 3600).div_euclid(86_400), now).await {
                round(st.clone()).await;
            }
        }
    });
}

/// How long the search outbox's lease lasts unless renewed (each round renews it).
const SEARCH_LEASE_SECS: i64 = 15;

#[cfg(test)]
mod tests {
    #[test]
    fn the_credit_run_waits_for_two_in_the_morning() {
        // T0 of the tests, 2026-11-27 12:00 UTC, is 20:00 in Shanghai: six hours to go.
        assert_eq!(super::secs_until_daily(1_795_780_800, 2 * 3600), 6 * 3600);
        // 18:00 UTC is 02:00 in Shanghai: the next run is a day away.
        assert_eq!(super::secs_until_daily(1_795_802_400, 2 * 3600), 86_400);
        assert_eq!(super::secs_until_daily(1_795_802_401, 2 * 3600), 86_399);
    }
}
