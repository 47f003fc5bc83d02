//! No existence oracle on a tender's nested routes (issue 10, point 1): whoever asks, the
//! answer for a bid, attachment, question or challenge id they may not see is the same —
//! status, location and page, and the same number of SQL statements run — whether the id
//! exists on the tender, belongs to a withdrawn bid, to another organization, to another
//! tender, or to nothing at all. Until the opening this holds for everyone, owners included;
//! after it, for everyone without a right to the bid, while the owners keep their access.

use crate::common;

use crate::common::{Client, PW, SqlLog, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::{OrgRole, Role};
use civicbridge::kernel::Lang;
use civicbridge::kernel::money::Fen;
use civicbridge::procurement::{self, rules};

const DAY: i64 = 86_400;
const PROPOSAL: &str = "组建专业社工团队，每周上门探访并提供助餐、助洁服务。";

/// What a user sees of one answer, with what legitimately varies from request to request
/// (the asked path, echoed in a log-in redirect; the CSRF token) replaced by placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    status: StatusCode,
    location: Option<String>,
    body: String,
    /// SQL statements the request ran: the same work for every id, not only the same page.
    statements: usize,
}

/// The world: one published tender of the first unit with sealed bids from organizations A
/// and B (each with an attachment) and a withdrawn bid from C; a bid of A on a second
/// tender; a question on the first. Users: the buyer, a buyer of another unit, the three
/// bidders' administrators, a member of A and one of B, the administrator of an unrelated
/// organization, a plain user, a platform administrator, a regulator, an evaluator assigned
/// to nothing.
struct World {
    app: TestApp,
    tender: i64,
    deadline: i64,
    /// Bid ids of A, B, C (withdrawn) on the tender, and A's on the other tender.
    bids: [i64; 4],
    /// Attachment ids of A's, B's and C's (withdrawn) bids on the tender.
    files: [i64; 3],
    /// Every organization id (A, B, C, D).
    orgs: [i64; 4],
    /// The organizations' administrators' e-mails.
    admins: [(&'static str, i64); 4],
    /// Largest id in use of bids, attachments, questions: enumeration goes beyond it.
    max_bid: i64,
    max_file: i64,
}

fn tender_form(unit: i64, deadline: i64, title: &str) -> rules::TenderForm {
    rules::TenderForm {
        unit_id: unit.to_string(),
        title: title.into(),
        description: "用于存在性测试的政府购买服务项目说明。".into(),
        domain: "elderly".into(),
        t_league: "150100".into(),
        budget: "100000".into(),
        method: "open_tender".into(),
        eval_method: "comprehensive".into(),
        price_weight: "30".into(),
        criterion_name: vec!["服务方案".into()],
        criterion_weight: vec!["70".into()],
        enquiry_deadline: rules::format_local(deadline - 3600),
        bid_deadline: rules::format_local(deadline),
        contract_months: "12".into(),
        milestone_name: vec!["全部".into()],
        milestone_percent: vec!["100".into()],
        ..Default::default()
    }
}

async fn unit_with_buyer(app: &TestApp, name: &str, email: &str) -> (i64, i64) {
    let db = &app.state.db;
    let buyer = app.user(email, &[]).await;
    let unit = civicbridge::units::model::create(
        db,
        &civicbridge::units::rules::draft(name, "150100").unwrap(),
        T0,
    )
    .await
    .unwrap();
    civicbridge::units::model::add_member(db, unit, buyer, T0)
        .await
        .unwrap();
    (unit, buyer)
}

async fn published(app: &TestApp, unit: i64, buyer: i64, deadline: i64, title: &str) -> i64 {
    let db = &app.state.db;
    let d = rules::validate_tender(
        &tender_form(unit, deadline, title),
        &[unit],
        T0,
        &Default::default(),
        Lang::Zh,
    )
    .unwrap();
    let id = procurement::create_draft(db, &d, buyer, T0).await.unwrap();
    let t = procurement::get(db, id).await.unwrap().unwrap();
    procurement::publish(db, &t, &Default::default(), buyer, T0)
        .await
        .unwrap()
        .unwrap();
    id
}

/// Submits a bid for `org` with one attachment; the bid id and the attachment id.
async fn bid_with_file(app: &TestApp, tender: i64, org: i64, who: i64, n: i64) -> (i64, i64) {
    let db = &app.state.db;
    let t = procurement::get(db, tender).await.unwrap().unwrap();
    let today = app.clock().today();
    let r = procurement::submit_bid(
        db,
        &app.state.seal,
        &t,
        org,
        Fen(5_000_000 + n),
        PROPOSAL,
        who,
        T0 + 10 + n,
        today,
    )
    .await
    .unwrap()
    .unwrap();
    procurement::attach_file(
        db,
        &app.state.seal,
        &t,
        org,
        "方案.pdf",
        format!("%PDF-1.4 bid {n}").as_bytes(),
        who,
        T0 + 20 + n,
        Lang::Zh,
    )
    .await
    .unwrap()
    .unwrap();
    let file = procurement::list::files_of_bid(db, &app.state.seal, r.bid_id)
        .await
        .unwrap()[0]
        .id;
    (r.bid_id, file)
}

async fn world() -> World {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (unit, buyer) = unit_with_buyer(&app, "存在性测试民政局", "buyer@example.org").await;
    unit_with_buyer(&app, "另一个民政局", "other-buyer@example.org").await;
    let admin_a = app.user("admin-a@example.org", &[]).await;
    let admin_b = app.user("admin-b@example.org", &[]).await;
    let admin_c = app.user("admin-c@example.org", &[]).await;
    let admin_d = app.user("admin-d@example.org", &[]).await;
    let org_a = app.org(admin_a, 1, "甲社工服务中心").await;
    let org_b = app.org(admin_b, 2, "乙社工服务中心").await;
    let org_c = app.org(admin_c, 3, "丙社工服务中心").await;
    let org_d = app.org(admin_d, 4, "丁社工服务中心").await;
    let member_a = app.user("member-a@example.org", &[]).await;
    app.add_member(org_a, member_a, OrgRole::Member).await;
    let member_b = app.user("member-b@example.org", &[]).await;
    app.add_member(org_b, member_b, OrgRole::Member).await;
    app.user("plain@example.org", &[]).await;
    app.user("admin@example.org", &[Role::Admin]).await;
    app.user("regulator@example.org", &[Role::Regulator]).await;
    app.user("evaluator@example.org", &[Role::Evaluator]).await;

    let deadline = T0 + 3 * DAY;
    let other = published(&app, unit, buyer, deadline + DAY, "另一项目").await;
    let tender = published(&app, unit, buyer, deadline, "存在性测试项目").await;
    let t = procurement::get(db, tender).await.unwrap().unwrap();
    procurement::ask(db, &t, admin_a, "请问服务对象有多少人？", T0 + 5)
        .await
        .unwrap()
        .unwrap();
    let (other_bid, _) = bid_with_file(&app, other, org_a, admin_a, 0).await;
    let (bid_a, file_a) = bid_with_file(&app, tender, org_a, admin_a, 1).await;
    let (bid_b, file_b) = bid_with_file(&app, tender, org_b, admin_b, 2).await;
    let (bid_c, file_c) = bid_with_file(&app, tender, org_c, admin_c, 3).await;
    procurement::withdraw_bid(db, &t, org_c, admin_c, T0 + 40)
        .await
        .unwrap()
        .unwrap();
    World {
        app,
        tender,
        deadline,
        bids: [bid_a, bid_b, bid_c, other_bid],
        files: [file_a, file_b, file_c],
        orgs: [org_a, org_b, org_c, org_d],
        admins: [
            ("admin-a@example.org", org_a),
            ("admin-b@example.org", org_b),
            ("admin-c@example.org", org_c),
            ("admin-d@example.org", org_d),
        ],
        max_bid: [bid_a, bid_b, bid_c, other_bid].into_iter().max().unwrap(),
        max_file: file_c,
    }
}

/// Every kind of user, by e-mail (`None`: anonymous).
const ASKERS: [Option<&str>; 13] = [
    None,
    Some("plain@example.org"),
    Some("admin-d@example.org"),
    Some("admin-a@example.org"),
    Some("member-a@example.org"),
    Some("admin-b@example.org"),
    Some("member-b@example.org"),
    Some("admin-c@example.org"),
    Some("other-buyer@example.org"),
    Some("evaluator@example.org"),
    Some("admin@example.org"),
    Some("regulator@example.org"),
    Some("buyer@example.org"),
];

async fn asker(app: &TestApp, email: Option<&str>) -> (Client, SqlLog) {
    let (mut c, log) = app.counted_client();
    match email {
        Some(e) => {
            c.login(e, PW).await;
        }
        None => {
            c.get("/login").await;
        }
    }
    (c, log)
}

/// One request, as seen (`form` empty: a GET).
async fn see(c: &mut Client, log: &SqlLog, path: &str, form: &[(&str, &str)]) -> Seen {
    log.clear();
    let csrf = c.csrf.clone().unwrap_or_default();
    let r = if form.is_empty() {
        c.get(path).await
    } else {
        c.post(path, form).await
    };
    let statements = log.len();
    assert_ne!(
        r.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{path}: {}",
        r.body
    );
    let encoded = common::enc(path);
    let norm = |s: &str| {
        let mut s = s.replace(&encoded, "{path}").replace(path, "{path}");
        for (k, _) in form {
            // A field named after the id (`p_{bid}_{criterion}`) echoed back.
            if k.starts_with("p_") {
                s = s.replace(k, "{field}");
            }
        }
        for (_, v) in form {
            // The id typed in a form, echoed as the field's value.
            s = s.replace(&format!("value=\"{v}\""), "value=\"{typed}\"");
        }
        if !csrf.is_empty() {
            s = s.replace(&csrf, "{csrf}");
        }
        s
    };
    Seen {
        status: r.status,
        location: r.location().map(norm),
        body: norm(&r.body),
        statements,
    }
}

/// Asserts that every answer in `seen` (labelled by what was asked) is the first one.
fn all_alike(who: &str, route: &str, seen: &[(String, Seen)]) {
    let Some((first_label, first)) = seen.first() else {
        return;
    };
    for (label, s) in &seen[1..] {
        assert!(
            s == first,
            "{who} tells {first_label} from {label} on {route}:\n  {first_label}: {} {:?} \
             ({} statements)\n  {label}: {} {:?} ({} statements)\n{}",
            first.status,
            first.location,
            first.statements,
            s.status,
            s.location,
            s.statements,
            if s.body == first.body {
                String::new()
            } else {
                format!(
                    "bodies differ:\n--- {first_label}\n{}\n--- {label}\n{}",
                    first.body, s.body
                )
            }
        );
    }
}

/// The nested routes of the tender with their ids enumerated from 1 to beyond the last id
/// in use, asked by `email`. `readable` are the (bid, attachment) pairs the asker may
/// download: those bids are checked apart (any other attachment id on them reads alike).
async fn enumerate(w: &World, email: Option<&str>, readable: &[(i64, i64)], writes: bool) {
    let who = email.unwrap_or("anonymous");
    let (mut c, log) = asker(&w.app, email).await;
    let t = w.tender;
    let ids = |max: i64| (1..=max + 2).collect::<Vec<i64>>();

    let mut seen = Vec::new();
    for b in ids(w.max_bid) {
        let mut own = Vec::new();
        for f in ids(w.max_file) {
            let path = format!("/tenders/{t}/bids/{b}/files/{f}");
            if readable.contains(&(b, f)) {
                assert_eq!(c.get(&path).await.status, StatusCode::OK, "{who} {path}");
            } else if readable.iter().any(|r| r.0 == b) {
                own.push((
                    format!("bid {b} file {f}"),
                    see(&mut c, &log, &path, &[]).await,
                ));
            } else {
                seen.push((
                    format!("bid {b} file {f}"),
                    see(&mut c, &log, &path, &[]).await,
                ));
            }
        }
        all_alike(who, "the attachment download of a readable bid", &own);
    }
    all_alike(who, "the attachment download", &seen);
    if !writes {
        return;
    }

    let buyer = email == Some("buyer@example.org");
    let mut disqualify = Vec::new();
    let mut award = Vec::new();
    let mut score = Vec::new();
    for b in ids(w.max_bid) {
        let path = format!("/tenders/{t}/bids/{b}/disqualify");
        let form = [("reason", "报价文件不完整")];
        disqualify.push((format!("bid {b}"), see(&mut c, &log, &path, &form).await));
        let id = b.to_string();
        let form = [("bid_id", id.as_str()), ("justification", "")];
        let path = format!("/tenders/{t}/award");
        award.push((format!("bid {b}"), see(&mut c, &log, &path, &form).await));
        let field = format!("p_{b}_1");
        let path = format!("/tenders/{t}/score");
        score.push((
            format!("bid {b}"),
            see(&mut c, &log, &path, &[(field.as_str(), "50")]).await,
        ));
    }
    all_alike(who, "disqualify", &disqualify);
    all_alike(who, "award", &award);
    all_alike(who, "score", &score);

    // Questions and challenges are public; their ids too, but not to act on.
    if !buyer {
        let mut answers = Vec::new();
        for (kind, max) in [("enquiries", 1), ("challenges", 0)] {
            for q in ids(max) {
                let path = format!("/tenders/{t}/{kind}/{q}/answer");
                let form = [("answer", "服务对象约两百人，详见附件。")];
                answers.push((format!("{kind} {q}"), see(&mut c, &log, &path, &form).await));
            }
        }
        all_alike(who, "answers", &answers);
    }

    // Acting for an organization one does not administer tells nothing about its bid.
    let own: Vec<i64> = w
        .admins
        .iter()
        .filter(|(e, _)| Some(*e) == email)
        .map(|(_, o)| *o)
        .collect();
    let mut withdraw = Vec::new();
    for o in w.orgs.into_iter().chain([w.orgs[3] + 1, 999]) {
        if own.contains(&o) {
            continue;
        }
        let id = o.to_string();
        let path = format!("/tenders/{t}/bid/withdraw");
        let form = [("org_id", id.as_str())];
        withdraw.push((format!("org {o}"), see(&mut c, &log, &path, &form).await));
    }
    all_alike(who, "withdraw", &withdraw);
}

/// Before the opening nobody — buyer, regulator, other bidders included — can tell which bid
/// or attachment ids exist on the tender, nor whether a bid was withdrawn. A bidder's own
/// members read their own bid's attachments (issue 11; a withdrawn bid's too), and any other
/// attachment id on their bid reads as missing.
#[tokio::test]
async fn sealed_bids_cannot_be_enumerated() {
    let w = world().await;
    let [bid_a, bid_b, bid_c, _] = w.bids;
    let [file_a, file_b, file_c] = w.files;
    for email in ASKERS {
        let readable: &[(i64, i64)] = match email {
            Some("admin-a@example.org" | "member-a@example.org") => &[(bid_a, file_a)],
            Some("admin-b@example.org" | "member-b@example.org") => &[(bid_b, file_b)],
            Some("admin-c@example.org") => &[(bid_c, file_c)],
            _ => &[],
        };
        enumerate(&w, email, readable, true).await;
    }
    // Nothing was written by all this.
    let t = procurement::get(&w.app.state.db, w.tender)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.state, "published");
    assert_eq!(w.app.count("awards").await, 0);
    assert_eq!(w.app.count("bid_scores").await, 0);
    assert_eq!(w.app.count("contracts").await, 0);
}

/// After the opening the bidders' members and the tender's oversight get the attachments
/// they may have; everyone else still cannot tell an existing bid from a missing one.
#[tokio::test]
async fn after_opening_only_readers_get_attachments_and_others_learn_nothing() {
    let w = world().await;
    let db = &w.app.state.db;
    w.app.clock().advance(w.deadline - T0);
    assert!(
        procurement::open_if_due(db, &w.app.state.seal, w.tender, w.deadline)
            .await
            .unwrap()
    );
    let t = w.tender;
    let [bid_a, bid_b, _, _] = w.bids;
    let [file_a, file_b, file_c] = w.files;
    let bid_c = w.bids[2];
    let url_a = format!("/tenders/{t}/bids/{bid_a}/files/{file_a}");
    let url_b = format!("/tenders/{t}/bids/{bid_b}/files/{file_b}");
    for (email, a, b) in [
        ("admin-a@example.org", true, false),
        ("member-a@example.org", true, false),
        ("admin-b@example.org", false, true),
        ("member-b@example.org", false, true),
        ("buyer@example.org", true, true),
        ("regulator@example.org", true, true),
    ] {
        let (mut c, _) = asker(&w.app, Some(email)).await;
        let mut readable = Vec::new();
        for (url, may, pair) in [(&url_a, a, (bid_a, file_a)), (&url_b, b, (bid_b, file_b))] {
            let r = c.get(url).await;
            if may {
                assert_eq!(r.status, StatusCode::OK, "{email} {url}");
                assert!(r.body.starts_with("%PDF-1.4 bid"), "{email} {url}");
                readable.push(pair);
            } else {
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{email} {url}");
            }
        }
        // Their own or overseen attachments aside, the rest reads as missing.
        enumerate(&w, Some(email), &readable, false).await;
    }
    // The withdrawn bid (never opened) stays its own members' to read.
    enumerate(&w, Some("admin-c@example.org"), &[(bid_c, file_c)], false).await;
    for email in [
        None,
        Some("plain@example.org"),
        Some("admin-d@example.org"),
        Some("other-buyer@example.org"),
        Some("evaluator@example.org"),
        Some("admin@example.org"),
    ] {
        enumerate(&w, email, &[], false).await;
    }
}

/// The public tender page and its JSON read the same with no bid as with three, one of
/// them withdrawn: nothing there counts sealed bids.
#[tokio::test]
async fn public_pages_do_not_count_sealed_bids() {
    let app = TestApp::new().await;
    let (unit, buyer) = unit_with_buyer(&app, "存在性测试民政局", "buyer@example.org").await;
    let deadline = T0 + 3 * DAY;
    let tender = published(&app, unit, buyer, deadline, "存在性测试项目").await;
    let pages = [
        format!("/tenders/{tender}"),
        format!("/api/v1/tenders/{tender}"),
    ];
    app.user("plain@example.org", &[]).await;
    let read = |app: &TestApp| {
        let pages = pages.clone();
        let mut anon = app.client();
        let mut plain = app.client();
        async move {
            plain.login("plain@example.org", PW).await;
            let mut out = Vec::new();
            for p in &pages {
                out.push(anon.get(p).await.body);
                let csrf = plain.csrf.clone().unwrap_or_default();
                out.push(plain.get(p).await.body.replace(&csrf, "{csrf}"));
            }
            out
        }
    };
    let before = read(&app).await;
    let mut orgs = Vec::new();
    for n in 1..=3 {
        let owner = app.user(&format!("admin-{n}@example.org"), &[]).await;
        let org = app.org(owner, n, &format!("第{n}社工服务中心")).await;
        bid_with_file(&app, tender, org, owner, n as i64).await;
        orgs.push((org, owner));
    }
    let t = procurement::get(&app.state.db, tender)
        .await
        .unwrap()
        .unwrap();
    procurement::withdraw_bid(&app.state.db, &t, orgs[2].0, orgs[2].1, T0 + 50)
        .await
        .unwrap()
        .unwrap();
    let after = read(&app).await;
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a);
    }
}

/// A draft is its unit's buyers' alone: on every route under `/tenders/{id}` (and its JSON),
/// anyone else gets for a draft exactly what they get for a tender that does not exist.
#[tokio::test]
async fn drafts_read_as_missing_on_every_tender_route() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (unit, buyer) = unit_with_buyer(&app, "存在性测试民政局", "buyer@example.org").await;
    unit_with_buyer(&app, "另一个民政局", "other-buyer@example.org").await;
    let owner = app.user("admin-a@example.org", &[]).await;
    app.org(owner, 1, "甲社工服务中心").await;
    app.user("plain@example.org", &[]).await;
    app.user("admin@example.org", &[Role::Admin]).await;
    app.user("regulator@example.org", &[Role::Regulator]).await;
    app.user("evaluator@example.org", &[Role::Evaluator]).await;
    let d = rules::validate_tender(
        &tender_form(unit, T0 + 3 * DAY, "草稿项目"),
        &[unit],
        T0,
        &Default::default(),
        Lang::Zh,
    )
    .unwrap();
    let draft = procurement::create_draft(db, &d, buyer, T0).await.unwrap();
    let missing = draft + 1;
    let (_, routes) = civicbridge::app::routes::table();
    let routes: Vec<_> = routes
        .into_iter()
        .filter(|r| r.path.contains("tenders/{id}"))
        .collect();
    assert!(routes.len() > 20, "{}", routes.len());
    for email in [
        None,
        Some("plain@example.org"),
        Some("admin-a@example.org"),
        Some("other-buyer@example.org"),
        Some("evaluator@example.org"),
        Some("admin@example.org"),
        Some("regulator@example.org"),
    ] {
        let who = email.unwrap_or("anonymous");
        let (mut c, log) = asker(&app, email).await;
        for r in &routes {
            let mut seen = Vec::new();
            for id in [draft, missing] {
                let path = r
                    .path
                    .replace("{id}", &id.to_string())
                    .replace("{bid}", "1")
                    .replace("{fid}", "1")
                    .replace("{qid}", "1")
                    .replace("{cid}", "1");
                let form: &[(&str, &str)] = if r.method == axum::http::Method::GET {
                    &[]
                } else {
                    &[("org_id", "1")]
                };
                let label = if id == draft { "a draft" } else { "no tender" };
                seen.push((label.to_string(), see(&mut c, &log, &path, form).await));
            }
            all_alike(who, &format!("{} {}", r.method, r.path), &seen);
        }
    }
    let t = procurement::get(db, draft).await.unwrap().unwrap();
    assert_eq!(t.state, "draft", "nothing was changed");
}
