//! Issue 13's venture-philanthropy flow in a real browser (headless Chromium through
//! chromedriver), every step clicked and typed in the pages by the people who take it: a
//! purchasing unit's buyer (the organizer) creates and publishes a single-stage call with a
//! rubric, a tranche plan and a report schedule → an organization's administrator applies
//! with budget lines and submits → the organizer screens (eligibility checklist) and asks for
//! more information → the applicant revises and resubmits, and the revision comparison shows
//! the change → the call closes (the clock moved) → the organizer assigns two reviewers, each
//! scores the rubric and recommends, and the organizer's list shows the live totals and who
//! is missing → the organizer approves an amount → the agreement is drawn up and signed by
//! both sides → the first tranche is recorded as paid → the first report's due date passes
//! (the clock moved; the second tranche is held, naming the report) → the recipient reports
//! and the organizer accepts → the second tranche is paid → the final report is submitted
//! (the clock moved to its due date) and accepted → completion with a rating, shown on the
//! organization's profile and counted on `/targets`. The pages are Chinese; the grant page is
//! checked in English too. Every page visited keeps to the Content-Security-Policy;
//! screenshots go to the screenshots directory.
//!
//! Like `browser::brand_create_to_recognized_flow`, it serves a [`common::TestApp`]'s router
//! in-process on a real port, so the pages read the test's fixed clock, which the test moves
//! between steps. Skipped without chromium and chromedriver, except under `CI=true`.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, ensure};
use fantoccini::Client;

use crate::browser::{
    Harness, log_in_with, log_out, no_form_errors, no_violations, path_after, screenshot,
    serve_in_process, set_nth, set_value, submit, text_of, tools_or_skip, type_into, wait_for,
};
use crate::common;

/// The people of the flow (all with the test password).
const ORGANIZER: &str = "buyer@example.org";
const APPLICANT: &str = "admin@yangguang.example.org";
const REVIEWERS: [&str; 2] = ["reviewer1@example.org", "reviewer2@example.org"];
const ORG: &str = "新城区阳光养老服务中心";
const CALL: &str = "2026年新城区社区公益创投大赛";
const PROJECT: &str = "社区长者助餐服务";
const ASK: &str = "请补充助餐点选址，并细化餐具预算。";
const SITES: &str = "选址：海东路社区活动中心一层、光明路社区服务站。";

/// What the set-up made: the organization and the reviewers' user ids.
struct Setup {
    org: i64,
    reviewers: [i64; 2],
}

/// Goes to `path` and checks the page kept to its Content-Security-Policy.
async fn open(c: &Client, base: &str, path: &str) -> anyhow::Result<()> {
    c.goto(&format!("{base}{path}")).await?;
    wait_for(c, "main#main").await?;
    no_violations(c, path).await
}

/// The id at the end of the current path, after `prefix`.
async fn id_after(c: &Client, what: &str, prefix: &str) -> anyhow::Result<i64> {
    let path = path_after(c, what).await?;
    path.strip_prefix(prefix)
        .and_then(|id| id.parse().ok())
        .with_context(|| format!("{what}: the page is {path}"))
}

/// The organizer takes `step` on the proposal page (with a message, and an amount when
/// approving), and the page then shows the proposal in `state`.
async fn take_step(
    c: &Client,
    base: &str,
    proposal: &str,
    step: &str,
    message: &str,
    amount: &str,
    state: &str,
) -> anyhow::Result<()> {
    open(c, base, proposal).await?;
    set_value(c, "#decide select[name=step]", step).await?;
    if !amount.is_empty() {
        type_into(c, "#decide input[name=amount]", amount).await?;
    }
    if !message.is_empty() {
        type_into(c, "#decide textarea[name=message]", message).await?;
    }
    submit(c, "#decide button[type=submit]").await?;
    no_form_errors(c, step).await?;
    let badge = text_of(c, ".proposal-state .badge").await?;
    ensure!(badge == state, "after {step}: the proposal is {badge}");
    no_violations(c, step).await
}

/// The organizer's list row of the proposal: (live total, sheets in, who is missing).
async fn list_row(
    c: &Client,
    base: &str,
    call: &str,
    pid: i64,
) -> anyhow::Result<(String, String, String)> {
    open(c, base, &format!("{call}/proposals")).await?;
    let row = format!("#proposal-{pid}");
    Ok((
        text_of(c, &format!("{row} td.review-total")).await?,
        text_of(c, &format!("{row} td.review-submitted")).await?,
        text_of(c, &format!("{row} td.review-missing")).await?,
    ))
}

/// The text of the grant page's table row of report `n`.
async fn report_row(c: &Client, n: i32) -> anyhow::Result<String> {
    text_of(c, &format!("#reports tr#report-{n}")).await
}

/// The recipient submits the report the grant page asks for.
async fn send_report(
    c: &Client,
    base: &str,
    grant: &str,
    narrative: &str,
    spent: &str,
    achieved: &str,
) -> anyhow::Result<()> {
    open(c, base, grant).await?;
    type_into(c, "form.report-form textarea[name=narrative]", narrative).await?;
    type_into(c, "form.report-form input[name=spent]", spent).await?;
    type_into(c, "form.report-form input[name=achieved]", achieved).await?;
    submit(c, "form.report-form button[type=submit]").await?;
    no_form_errors(c, "report").await
}

/// The organizer accepts the report waiting for review.
async fn accept_report(c: &Client, base: &str, grant: &str) -> anyhow::Result<()> {
    open(c, base, grant).await?;
    set_value(c, "form.review-form select[name=decision]", "accept").await?;
    type_into(
        c,
        "form.review-form textarea[name=reason]",
        "报告内容与台账一致。",
    )
    .await?;
    submit(c, "form.review-form button[type=submit]").await?;
    no_form_errors(c, "report review").await
}

/// The organizer records the next tranche as paid on `day` (the amount the form offers).
async fn pay(
    c: &Client,
    base: &str,
    grant: &str,
    day: &str,
    reference: &str,
) -> anyhow::Result<()> {
    open(c, base, grant).await?;
    set_value(c, "form.pay-form input[name=paid_on]", day).await?;
    type_into(c, "form.pay-form input[name=reference]", reference).await?;
    submit(c, "form.pay-form button[type=submit]").await?;
    no_form_errors(c, "payment").await
}

/// Today in Shanghai on the app's clock, as a date field takes it.
fn today(app: &common::TestApp) -> String {
    civicbridge::kernel::clock::shanghai_date(app.clock().now()).to_string()
}

/// Moves the app's clock an hour past `at`.
fn move_past(app: &common::TestApp, at: i64) {
    let now = app.clock().now();
    if at + 3600 > now {
        app.clock().advance(at + 3600 - now);
    }
}

async fn flow(
    c: &Client,
    base: &str,
    shots: &Path,
    app: &common::TestApp,
    s: &Setup,
) -> anyhow::Result<()> {
    // The organizer: a new call from the workspace, then published.
    log_in_with(c, base, ORGANIZER, common::PW).await?;
    no_violations(c, "/me").await?;
    wait_for(c, "#my-calls a[href='/calls/new']")
        .await?
        .click()
        .await?;
    wait_for(c, "form.call-form input[name=title]").await?;
    type_into(c, "form.call-form input[name=title]", CALL).await?;
    type_into(
        c,
        "form.call-form textarea[name=theme]",
        "支持社区社会组织开展助餐、探访等为老服务。",
    )
    .await?;
    wait_for(c, "input[name=domains][value=elderly]")
        .await?
        .click()
        .await?;
    set_value(c, "select[name=c_league]", "150100").await?;
    // Registered organizations are ticked already.
    let registered = wait_for(c, "input[name=applicants][value=registered]").await?;
    if !registered.is_selected().await? {
        registered.click().await?;
    }
    type_into(c, "input[name=pool]", "200000").await?;
    type_into(c, "input[name=max_grant]", "50000").await?;
    type_into(c, "input[name=cofund]", "10").await?;
    set_value(c, "input[name=opens_at]", "2026-11-27T09:00").await?;
    set_value(c, "input[name=closes_at]", "2026-12-10T17:00").await?;
    let reviewers = wait_for(c, "input[name=reviewers]").await?;
    reviewers.clear().await?;
    reviewers.send_keys("2").await?;
    set_nth(c, "input[name=criterion_name]", 0, "项目设计").await?;
    set_nth(c, "input[name=criterion_weight]", 0, "60").await?;
    set_nth(c, "input[name=criterion_name]", 1, "社会效益").await?;
    set_nth(c, "input[name=criterion_weight]", 1, "40").await?;
    set_nth(c, "input[name=tranche]", 0, "60").await?;
    set_nth(c, "input[name=tranche]", 1, "40").await?;
    set_nth(c, "input[name=report_month]", 0, "6").await?;
    set_nth(c, "input[name=report_month]", 1, "12").await?;
    no_violations(c, "the call form").await?;
    submit(c, "form.call-form button[type=submit]").await?;
    let call_id = id_after(c, "new call", "/calls/").await?;
    let call = format!("/calls/{call_id}");
    let phase = text_of(c, ".call-phase .badge").await?;
    ensure!(phase == "草稿", "the new call is {phase}");
    submit(
        c,
        &format!("form[action='{call}/publish'] button[type=submit]"),
    )
    .await?;
    no_form_errors(c, "publish").await?;
    let phase = text_of(c, ".call-phase .badge").await?;
    ensure!(phase == "申报中", "the published call is {phase}");
    let rubric = text_of(c, "#rubric").await?;
    ensure!(
        rubric.contains("项目设计") && rubric.contains("60%") && rubric.contains("社会效益"),
        "rubric: {rubric}"
    );
    let tranches = text_of(c, "#tranches").await?;
    ensure!(
        tranches.contains("60%") && tranches.contains("40%"),
        "tranche plan: {tranches}"
    );
    let reports = text_of(c, "#reports").await?;
    ensure!(
        reports.contains('6') && reports.contains("12"),
        "report schedule: {reports}"
    );
    ensure!(
        text_of(c, "dd.max-grant").await? == "¥50,000.00",
        "the maximum grant in yuan"
    );
    no_violations(c, "the published call").await?;
    screenshot(c, shots, "grants-call.png").await?;
    log_out(c, base).await?;

    // The organization's administrator finds the call and applies with budget lines.
    log_in_with(c, base, APPLICANT, common::PW).await?;
    open(c, base, "/calls").await?;
    wait_for(c, &format!(".calls-table a[href='{call}']"))
        .await?
        .click()
        .await?;
    wait_for(c, &format!("#proposals a[href='{call}/apply']"))
        .await?
        .click()
        .await?;
    wait_for(c, "form.proposal-form").await?;
    set_value(c, "select[name=kind]", "org").await?;
    set_value(c, "select[name=org_id]", &s.org.to_string()).await?;
    type_into(c, "input[name=title]", PROJECT).await?;
    type_into(
        c,
        "textarea[name=plan]",
        "在两个社区建设长者助餐点，每周五天提供午餐。",
    )
    .await?;
    type_into(c, "textarea[name=beneficiaries]", "社区60岁以上老人约300人").await?;
    set_value(c, "select[name=p_league]", "150100").await?;
    set_value(c, "select[name=p_county]", "150102").await?;
    set_nth(c, "input[name=outcome_indicator]", 0, "服务老人人数").await?;
    set_nth(c, "input[name=outcome_target]", 0, "300").await?;
    for (i, (cat, item, yuan)) in [
        ("personnel", "社工补贴", "20000"),
        ("activities", "助餐活动", "25000"),
        ("materials", "餐具", "4000"),
        ("admin", "办公", "6000"),
    ]
    .into_iter()
    .enumerate()
    {
        set_nth(c, "select[name=budget_category]", i, cat).await?;
        set_nth(c, "input[name=budget_item]", i, item).await?;
        set_nth(c, "input[name=budget_amount]", i, yuan).await?;
    }
    type_into(c, "input[name=total]", "55000").await?;
    type_into(c, "input[name=cofund]", "6000").await?;
    no_violations(c, "the application form").await?;
    submit(c, "form.proposal-form button[name=action][value=submit]").await?;
    let pid = id_after(c, "application", "/proposals/").await?;
    let proposal = format!("/proposals/{pid}");
    ensure!(
        text_of(c, ".proposal-state .badge").await? == "已提交",
        "the application is submitted"
    );
    ensure!(
        text_of(c, "dd.requested").await? == "¥49,000.00",
        "requested: {}",
        text_of(c, "dd.requested").await?
    );
    let budget = text_of(c, "#budget-table").await?;
    ensure!(
        budget.contains("社工补贴") && budget.contains("¥25,000.00"),
        "budget lines: {budget}"
    );
    screenshot(c, shots, "grants-proposal-submitted.png").await?;
    log_out(c, base).await?;

    // The organizer screens it: the eligibility checklist, then asks for more information.
    log_in_with(c, base, ORGANIZER, common::PW).await?;
    open(c, base, &call).await?;
    wait_for(c, &format!("#proposals a[href='{call}/proposals']"))
        .await?
        .click()
        .await?;
    wait_for(c, &format!("#proposal-{pid} a[href='{proposal}']"))
        .await?
        .click()
        .await?;
    wait_for(c, "#decide").await?;
    take_step(c, base, &proposal, "screen", "", "", "资格审查中").await?;
    for item in ["eligible", "place", "theme", "budget", "documents"] {
        wait_for(c, &format!("#screening input[name=item][value={item}]"))
            .await?
            .click()
            .await?;
    }
    submit(c, "#screening button[type=submit]").await?;
    no_form_errors(c, "checklist").await?;
    ensure!(
        app.count(&format!(
            "proposals WHERE id = {pid} AND checklist LIKE '%documents%'"
        ))
        .await
            == 1,
        "the checklist is stored"
    );
    take_step(c, base, &proposal, "request_info", ASK, "", "待补充材料").await?;
    log_out(c, base).await?;

    // The applicant reads the request, revises the plan and a budget line, and resubmits.
    log_in_with(c, base, APPLICANT, common::PW).await?;
    wait_for(c, &format!("#my-proposals a[href='{proposal}']"))
        .await?
        .click()
        .await?;
    let asked = text_of(c, "#organizer-message").await?;
    ensure!(asked.contains(ASK), "the organizer's message: {asked}");
    ensure!(
        text_of(c, ".proposal-state .badge").await? == "待补充材料",
        "the proposal waits for more information"
    );
    type_into(c, "#revise textarea[name=plan]", &format!("\n{SITES}")).await?;
    set_nth(c, "#revise input[name=budget_item]", 2, "餐具及消毒柜").await?;
    set_nth(c, "#revise input[name=budget_amount]", 2, "5000").await?;
    set_value(c, "#revise input[name=total]", "56000").await?;
    no_violations(c, "the revision form").await?;
    submit(c, "#revise button[name=action][value=submit]").await?;
    no_form_errors(c, "revision").await?;
    ensure!(
        text_of(c, ".proposal-state .badge").await? == "资格审查中",
        "the revision goes back to screening"
    );
    ensure!(
        text_of(c, "dd.requested").await? == "¥50,000.00",
        "requested after the revision"
    );
    // The comparison of the two revisions shows what changed.
    wait_for(c, &format!("#revisions a[href='{proposal}/diff']"))
        .await?
        .click()
        .await?;
    wait_for(c, ".diff-field").await?;
    no_violations(c, "the revision comparison").await?;
    let added = text_of(c, "main").await?;
    ensure!(added.contains(SITES), "the added plan line: {added}");
    let ins = c
        .execute(
            "return [...document.querySelectorAll('li.diff-added')].map(l => l.textContent).join(' | ');",
            vec![],
        )
        .await?;
    let del = c
        .execute(
            "return [...document.querySelectorAll('li.diff-removed')].map(l => l.textContent).join(' | ');",
            vec![],
        )
        .await?;
    let (ins, del) = (ins.as_str().unwrap_or(""), del.as_str().unwrap_or(""));
    ensure!(
        ins.contains(SITES) && ins.contains("餐具及消毒柜"),
        "added lines: {ins}"
    );
    ensure!(del.contains("餐具"), "removed lines: {del}");
    screenshot(c, shots, "grants-revision-diff.png").await?;
    log_out(c, base).await?;

    // The window closes (the clock moved): the call's page says so.
    let closes = civicbridge::kernel::clock::parse_local("2026-12-10T17:00").context("instant")?;
    move_past(app, closes);
    open(c, base, &call).await?;
    let phase = text_of(c, ".call-phase .badge").await?;
    ensure!(phase == "已截止", "after the window the call is {phase}");

    // The organizer sends it to expert review and assigns two reviewers.
    log_in_with(c, base, ORGANIZER, common::PW).await?;
    open(c, base, &proposal).await?;
    for item in ["eligible", "place", "theme", "budget", "documents"] {
        let b = wait_for(c, &format!("#screening input[name=item][value={item}]")).await?;
        if !b.is_selected().await? {
            b.click().await?;
        }
    }
    submit(c, "#screening button[type=submit]").await?;
    no_form_errors(c, "checklist after the revision").await?;
    take_step(c, base, &proposal, "to_review", "", "", "专家评审中").await?;
    for r in s.reviewers {
        open(c, base, &proposal).await?;
        set_value(c, "#assign-reviewer select[name=reviewer]", &r.to_string()).await?;
        submit(c, "#assign-reviewer button[type=submit]").await?;
        no_form_errors(c, "assigning a reviewer").await?;
    }
    let board = text_of(c, "#review-reviewers").await?;
    ensure!(
        REVIEWERS.iter().all(|r| board.contains(r)),
        "the review board: {board}"
    );
    ensure!(
        text_of(c, "dd.review-submitted").await? == "0 / 2",
        "no sheet in yet"
    );
    log_out(c, base).await?;

    // Each reviewer scores the rubric and recommends; the organizer's list follows live.
    let expected = [("4.60", "1 / 2"), ("4.30", "2 / 2")];
    for (k, (reviewer, marks)) in REVIEWERS.iter().zip([["5", "4"], ["4", "4"]]).enumerate() {
        log_in_with(c, base, reviewer, common::PW).await?;
        open(c, base, "/me/reviews").await?;
        let mine = text_of(c, "#my-reviews").await?;
        ensure!(mine.contains(PROJECT), "{reviewer}'s reviews: {mine}");
        wait_for(c, "#my-reviews a[href^='/reviews/']")
            .await?
            .click()
            .await?;
        wait_for(c, "form.review-sheet").await?;
        no_violations(c, "the review sheet").await?;
        type_into(c, "#score_0", marks[0]).await?;
        type_into(c, "#comment_0", "助餐点选址合理，服务流程清楚。").await?;
        type_into(c, "#score_1", marks[1]).await?;
        type_into(c, "#comment_1", "覆盖社区高龄独居老人。").await?;
        wait_for(c, "input[name=recommendation][value=yes]")
            .await?
            .click()
            .await?;
        wait_for(c, "#declared").await?.click().await?;
        if k == 0 {
            screenshot(c, shots, "grants-review-sheet.png").await?;
        }
        submit(c, "form.review-sheet button[formaction$='/submit']").await?;
        submit(c, "form.confirm-form button[type=submit]").await?;
        no_form_errors(c, "sheet").await?;
        let state = text_of(c, ".review-state").await?;
        ensure!(state.contains("已提交"), "{reviewer}'s sheet is {state}");
        log_out(c, base).await?;

        log_in_with(c, base, ORGANIZER, common::PW).await?;
        let (total, count, missing) = list_row(c, base, &call, pid).await?;
        let (want_total, want_count) = expected[k];
        ensure!(total == want_total, "live total after {reviewer}: {total}");
        ensure!(
            count.starts_with(want_count),
            "sheets in after {reviewer}: {count}"
        );
        let waiting: Vec<&str> = REVIEWERS[k + 1..].to_vec();
        ensure!(
            waiting.iter().all(|w| missing.contains(w)) && !missing.contains(reviewer),
            "missing after {reviewer}: {missing}"
        );
        if k == 1 {
            screenshot(c, shots, "grants-proposals-list.png").await?;
        }
        log_out(c, base).await?;
    }

    // Determination: approved with an amount; the agreement drawn up and signed by both.
    log_in_with(c, base, ORGANIZER, common::PW).await?;
    take_step(c, base, &proposal, "to_determination", "", "", "待决定").await?;
    take_step(
        c,
        base,
        &proposal,
        "approve",
        "评审通过，按45000元立项。",
        "45000",
        "已立项",
    )
    .await?;
    let approved = text_of(c, "#approved").await?;
    ensure!(approved.contains("¥45,000.00"), "approved: {approved}");
    submit(
        c,
        &format!("#grant form[action='{proposal}/grant'] button[type=submit]"),
    )
    .await?;
    let gid = id_after(c, "agreement", "/grants/").await?;
    let grant = format!("/grants/{gid}");
    ensure!(
        text_of(c, ".grant-state .badge").await? == "已拟定",
        "the agreement is drafted"
    );
    ensure!(
        text_of(c, "dd.amount").await? == "¥45,000.00",
        "the grant's amount"
    );
    let tranches = text_of(c, "#tranches").await?;
    ensure!(
        tranches.contains("¥27,000.00") && tranches.contains("¥18,000.00"),
        "the tranches split 60/40: {tranches}"
    );
    submit(c, "#sign button[type=submit]").await?;
    no_form_errors(c, "the organizer's signature").await?;
    ensure!(
        text_of(c, ".grant-state .badge").await? == "主办方已签署",
        "signed by the organizer"
    );
    log_out(c, base).await?;

    log_in_with(c, base, APPLICANT, common::PW).await?;
    wait_for(c, &format!("#my-grants a[href='{grant}']"))
        .await?
        .click()
        .await?;
    wait_for(c, "#sign").await?;
    no_violations(c, "the recipient's grant page").await?;
    submit(c, "#sign button[type=submit]").await?;
    no_form_errors(c, "the recipient's signature").await?;
    ensure!(
        text_of(c, ".grant-state .badge").await? == "执行中",
        "both signed: active"
    );
    ensure!(
        !text_of(c, "dd.signed-recipient").await?.contains("未签署"),
        "the recipient's signature is shown"
    );
    log_out(c, base).await?;

    // The first tranche is recorded as paid.
    log_in_with(c, base, ORGANIZER, common::PW).await?;
    let first_day = today(app);
    pay(c, base, &grant, &first_day, "XC-2026-001").await?;
    let tranches = text_of(c, "#tranches").await?;
    ensure!(
        tranches.contains(&first_day) && tranches.contains("XC-2026-001"),
        "the first tranche is paid: {tranches}"
    );
    screenshot(c, shots, "grants-agreement-active.png").await?;
    log_out(c, base).await?;

    // The first report's due date passes (the clock moved): the second tranche is held.
    let dues = civicbridge::philanthropy::grant_model::reports(&app.state.db, gid).await?;
    ensure!(dues.len() == 2, "two reports are scheduled");
    move_past(app, dues[0].due_at);
    log_in_with(c, base, ORGANIZER, common::PW).await?;
    open(c, base, &grant).await?;
    let held = text_of(c, "#held").await?;
    ensure!(held.contains("第1份报告"), "the held tranche: {held}");
    log_out(c, base).await?;

    log_in_with(c, base, APPLICANT, common::PW).await?;
    send_report(
        c,
        base,
        &grant,
        "两个助餐点已开业，累计服务老人150人。",
        "20000",
        "150",
    )
    .await?;
    ensure!(
        report_row(c, 1).await?.contains("已提交"),
        "report 1 is submitted"
    );
    log_out(c, base).await?;

    log_in_with(c, base, ORGANIZER, common::PW).await?;
    accept_report(c, base, &grant).await?;
    ensure!(
        report_row(c, 1).await?.contains("已通过"),
        "report 1 is accepted"
    );
    let second_day = today(app);
    pay(c, base, &grant, &second_day, "XC-2027-002").await?;
    let tranches = text_of(c, "#tranches").await?;
    ensure!(
        tranches.contains(&second_day) && tranches.contains("XC-2027-002"),
        "the second tranche is paid: {tranches}"
    );
    log_out(c, base).await?;

    // The final report at its due date, accepted; completion with a rating.
    move_past(app, dues[1].due_at);
    log_in_with(c, base, APPLICANT, common::PW).await?;
    send_report(
        c,
        base,
        &grant,
        "项目结项：两个助餐点常态运营，服务老人310人。",
        "45000",
        "310",
    )
    .await?;
    log_out(c, base).await?;

    log_in_with(c, base, ORGANIZER, common::PW).await?;
    accept_report(c, base, &grant).await?;
    ensure!(
        report_row(c, 2).await?.contains("已通过"),
        "the final report is accepted"
    );
    set_value(c, "#complete select[name=rating]", "5").await?;
    submit(c, "#complete button[type=submit]").await?;
    no_form_errors(c, "completion").await?;
    ensure!(
        text_of(c, ".grant-state .badge").await? == "已结项",
        "the grant is completed"
    );
    ensure!(text_of(c, "dd.rating").await? == "5 / 5", "the rating");
    ensure!(
        text_of(c, "#outcomes td.achieved").await? == "310",
        "the outcome achieved"
    );
    no_violations(c, "the completed grant").await?;
    screenshot(c, shots, "grants-completed.png").await?;

    // The same page in English, then back to Chinese.
    open(c, base, &format!("{grant}?lang=en")).await?;
    ensure!(
        text_of(c, ".grant-state .badge").await? == "Completed",
        "the English grant page"
    );
    let facts = text_of(c, "dl.grant-facts").await?;
    ensure!(
        facts.contains("Amount") && facts.contains("¥45,000.00"),
        "English facts: {facts}"
    );
    screenshot(c, shots, "grants-completed-en.png").await?;
    open(c, base, &format!("{grant}?lang=zh-CN")).await?;
    log_out(c, base).await?;

    // Anyone: the track record on the organization's profile, the money on /targets.
    open(c, base, &format!("/orgs/{}", s.org)).await?;
    let record = text_of(c, "#grant-track-record").await?;
    ensure!(
        record.contains(PROJECT) && record.contains("¥45,000.00"),
        "the profile's track record: {record}"
    );
    open(c, base, "/targets").await?;
    let funds = text_of(c, "#grant-funds").await?;
    ensure!(
        funds.contains("呼和浩特市")
            && funds.contains("¥27,000.00")
            && funds.contains("¥18,000.00"),
        "the grant money on /targets: {funds}"
    );
    let region = text_of(c, "#grant-funds tr.total").await?;
    ensure!(
        region.contains("¥27,000.00") && region.contains("¥18,000.00"),
        "the region's row: {region}"
    );
    c.execute(
        "document.querySelector('#grant-funds').scrollIntoView();",
        vec![],
    )
    .await?;
    screenshot(c, shots, "grants-targets.png").await?;

    // What the database holds.
    ensure!(
        app.count(&format!(
            "grants WHERE id = {gid} AND state = 'completed' AND rating = 5"
        ))
        .await
            == 1,
        "the grant is stored completed"
    );
    ensure!(
        app.count(&format!(
            "grant_tranches WHERE grant_id = {gid} AND paid_on IS NOT NULL"
        ))
        .await
            == 2,
        "both tranches are paid"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_to_completed_grant_flow() {
    use civicbridge::accounts::Role;
    let started = Instant::now();
    let Some(tools) = tools_or_skip() else { return };
    // Set-up in the database, as an administrator would have it: the organizer (a buyer of
    // a purchasing unit in Hohhot), the applicant's verified organization, two reviewers.
    let app = common::TestApp::new().await;
    let buyer = app.user(ORGANIZER, &[]).await;
    common::unit_with_buyer(&app, buyer).await;
    let admin = app.user(APPLICANT, &[]).await;
    let org = app.org(admin, 1, ORG).await;
    let mut reviewers = [0; 2];
    for (i, r) in REVIEWERS.iter().enumerate() {
        reviewers[i] = app.user(r, &[Role::Evaluator]).await;
    }
    let base = serve_in_process(&app).await;
    let h = Harness::around(tools, tempfile::tempdir().unwrap(), None, base);
    let client = h.client("chromium", true).await;
    let setup = Setup { org, reviewers };
    let outcome = flow(&client, &h.base, &h.shots, &app, &setup).await;
    h.judge(client, "venture-philanthropy flow", outcome).await;
    app.check_invariants().await.unwrap();
    eprintln!(
        "venture-philanthropy flow passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
