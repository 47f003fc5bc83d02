//! An incubator's space through HTTP: managers add resources and allocate desks and rooms to
//! tenants; tenants book shared rooms in 15-minute steps within opening hours and the
//! advance window, and cancel within the cancellation window; the week calendar shows the
//! bookings and the occupancy. Bad input is a 422 with a message next to the field and
//! nothing written; outsiders and the public see nothing. No double booking, kept by the
//! database: 50 concurrent overlapping requests for one desk and 50 for one room — exactly
//! one wins each, the others are told which hold they clash with — and an overlapping row
//! written around the checks is refused by the database itself (PostgreSQL exclusion
//! constraint, SQLite trigger).

use crate::common;

use crate::common::{Client, T0, TestApp};
use axum::http::StatusCode;
use civicbridge::accounts::Role;
use civicbridge::incubators::{self, rules as irules};
use civicbridge::spaces::{self, rules};

async fn post(c: &mut Client, path: &str, fields: &[(&str, &str)]) -> common::Resp {
    c.post(path, fields).await
}

async fn post_owned(c: &mut Client, path: &str, fields: &[(&'static str, String)]) -> common::Resp {
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(path, &f).await
}

/// Posts a form that must be accepted (303); a refusal fails with the form's errors.
async fn accepted(c: &mut Client, path: &str, fields: &[(&str, &str)]) -> common::Resp {
    let r = post(c, path, fields).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{path}: {}",
        r.text(".form-errors")
    );
    r
}

/// Makes `to` send `from`'s session cookie and form token (another connection of the same
/// browser).
fn same_session(to: &mut Client, from: &Client) {
    to.cookies = from.cookies.clone();
    to.csrf = from.csrf.clone();
}

/// The id at the end of a redirect's location (before any query).
fn id_in(r: &common::Resp) -> i64 {
    let l = r.location().expect("a redirect");
    let path = l.split('?').next().unwrap();
    path.rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no id in {l}"))
}

struct World {
    manager: Client,
    tenant: Client,
    incubator: i64,
    tenant_id: i64,
    manager_id: i64,
    founder: i64,
}

/// An incubator with an assigned manager and one tenant in residence (a group whose founder
/// is the `tenant` user), both signed in.
async fn world(app: &TestApp) -> World {
    let db = &app.state.db;
    let admin = app.user("admin@example.org", &[Role::Admin]).await;
    let (manager, manager_id) = app
        .signed_in("manager@example.org", &[Role::IncubatorManager])
        .await;
    let (tenant, founder) = app.signed_in("founder@example.org", &[]).await;
    let d = irules::validate_incubator(
        &irules::IncubatorForm {
            name: "呼和浩特市社会组织孵化基地".into(),
            i_league: "150100".into(),
            address: "呼和浩特市新城区政务服务中心三楼".into(),
            services: "办公场地、培训".into(),
            capacity: "10".into(),
            ..Default::default()
        },
        &[],
        civicbridge::kernel::Lang::Zh,
    )
    .unwrap();
    let id = incubators::save_incubator(db, None, &d, admin, T0)
        .await
        .unwrap()
        .unwrap();
    let inc = incubators::get(db, id).await.unwrap().unwrap();
    incubators::set_manager(db, &inc, manager_id, true, admin, T0)
        .await
        .unwrap()
        .unwrap();
    let app_id = incubators::apply(
        db,
        &inc,
        founder,
        &irules::ApplicationDraft {
            applicant: irules::Applicant::Group,
            name: "青城助老团队".into(),
            founders: "张三".into(),
            domain: "elderly".into(),
            plan: "为社区老人提供上门探访服务。".into(),
            submit: true,
        },
        T0,
    )
    .await
    .unwrap()
    .unwrap();
    for step in [irules::Step::Review, irules::Step::Admit] {
        let a = incubators::model::application(db, app_id)
            .await
            .unwrap()
            .unwrap();
        incubators::take_step(db, &inc, &a, step, "", manager_id, T0)
            .await
            .unwrap()
            .unwrap();
    }
    let tenant_id = incubators::residents_of(db, id).await.unwrap()[0].id;
    World {
        manager,
        tenant,
        incubator: id,
        tenant_id,
        manager_id,
        founder,
    }
}

fn resource_fields<'a>(name: &'a str, kind: &'a str, capacity: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("kind", kind),
        ("capacity", capacity),
        ("opens", "08:00"),
        ("closes", "18:00"),
        ("advance_days", "30"),
        ("cancel_hours", "24"),
    ]
}

/// A shared room (capacity 10) and a desk, added by the manager: their ids.
async fn room_and_desk(app: &TestApp, w: &mut World) -> (i64, i64) {
    let base = format!("/incubators/{}/space", w.incubator);
    let r = w.manager.get(&base).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = accepted(
        &mut w.manager,
        &format!("{base}/resources"),
        &resource_fields("一号会议室", "shared", "10"),
    )
    .await;
    let room = id_in(&r);
    let r = post(
        &mut w.manager,
        &format!("{base}/resources"),
        &resource_fields("开放工位 A01", "desk", "1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let desk = id_in(&r);
    assert_eq!(app.count("space_resources").await, 2);
    (room, desk)
}

fn booking<'a>(
    date: &'a str,
    start: &'a str,
    end: &'a str,
    attendees: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("date", date),
        ("start", start),
        ("end", end),
        ("attendees", attendees),
        ("purpose", "理事会"),
    ]
}

#[tokio::test]
async fn managers_allocate_tenants_book_and_bad_input_writes_nothing() {
    let app = TestApp::new().await;
    let mut w = world(&app).await;
    let base = format!("/incubators/{}/space", w.incubator);

    // A resource with everything wrong: each field says what, nothing is written, the
    // typed values stay.
    let r = post(
        &mut w.manager,
        &format!("{base}/resources"),
        &[
            ("name", ""),
            ("kind", "hall"),
            ("capacity", "0"),
            ("opens", "08:10"),
            ("closes", "7pm"),
            ("advance_days", "0"),
            ("cancel_hours", "-1"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in [
        "name",
        "kind",
        "capacity",
        "opens",
        "closes",
        "advance_days",
        "cancel_hours",
    ] {
        assert_eq!(
            r.count(&format!("#{f}-error")),
            1,
            "{f}: {}",
            r.text(".form-errors")
        );
    }
    assert_eq!(r.value("input[name=opens]").as_deref(), Some("08:10"));
    assert_eq!(r.count("#error-summary"), 1);
    assert_eq!(app.count("space_resources").await, 0);
    let (room, desk) = room_and_desk(&app, &mut w).await;

    // Allocations: end before start, a shared room, then a good one, then an overlap.
    let tenant = w.tenant_id.to_string();
    let (desk_s, room_s) = (desk.to_string(), room.to_string());
    let alloc = |res: &str, from: &str, to: &str| -> Vec<(&'static str, String)> {
        vec![
            ("resource_id", res.to_string()),
            ("tenant_id", tenant.clone()),
            ("from", from.to_string()),
            ("to", to.to_string()),
        ]
    };
    let r = post_owned(
        &mut w.manager,
        &format!("{base}/allocations"),
        &alloc(&desk_s, "2026-12-31", "2026-12-01"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#to-error").is_empty());
    assert_eq!(r.value("input[name=from]").as_deref(), Some("2026-12-31"));
    let r = post_owned(
        &mut w.manager,
        &format!("{base}/allocations"),
        &alloc(&room_s, "2026-12-01", "2026-12-31"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a shared room is booked, not allocated"
    );
    assert!(!r.text("#resource_id-error").is_empty());
    assert_eq!(app.count("space_allocations").await, 0);
    let r = post_owned(
        &mut w.manager,
        &format!("{base}/allocations"),
        &alloc(&desk_s, "2026-12-01", "2026-12-31"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let r = post_owned(
        &mut w.manager,
        &format!("{base}/allocations"),
        &alloc(&desk_s, "2026-12-31", "2027-01-31"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the last day is taken"
    );
    let clash = r.text("#from-error");
    assert!(
        clash.contains("2026-12-01")
            && clash.contains("2026-12-31")
            && clash.contains("青城助老团队"),
        "{clash}"
    );
    assert_eq!(app.count("space_allocations").await, 1);
    // The day after is free.
    let r = post_owned(
        &mut w.manager,
        &format!("{base}/allocations"),
        &alloc(&desk_s, "2027-01-01", "2027-01-31"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = w
        .manager
        .get(&format!("/space/{desk}?week=2026-12-09"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("table.calendar td.busy"), 7);
    assert!(
        r.text("p.occupancy").contains("100.0%"),
        "{}",
        r.text("p.occupancy")
    );

    // Bookings by the tenant (T0 is Friday 2026-11-27, 20:00 in Shanghai).
    let page = format!("/space/{room}");
    let r = w.tenant.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("form[action$='/bookings']"), 1);
    let to_book = format!("{page}/bookings");
    for (fields, field) in [
        (booking("2026-12-01", "10:00", "09:00", "5"), "end"),
        (booking("2026-12-01", "07:00", "09:00", "5"), "start"),
        (booking("2026-12-01", "17:00", "18:30", "5"), "start"),
        (booking("2026-12-01", "09:10", "10:00", "5"), "start"),
        (booking("2026-11-26", "09:00", "10:00", "5"), "date"),
        (booking("2027-01-05", "09:00", "10:00", "5"), "date"),
        (booking("2026-12-01", "09:00", "10:00", "11"), "attendees"),
    ] {
        let r = post(&mut w.tenant, &to_book, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(
            !r.text(&format!("#{field}-error")).is_empty(),
            "{fields:?}: {}",
            r.text(".form-errors")
        );
        assert_eq!(r.value("input[name=purpose]").as_deref(), Some("理事会"));
    }
    assert_eq!(
        app.count("space_bookings").await,
        0,
        "nothing written by bad input"
    );
    accepted(
        &mut w.tenant,
        &to_book,
        &booking("2026-12-01", "09:00", "10:30", "6"),
    )
    .await;
    assert_eq!(app.count("space_bookings").await, 1);
    // Touching ends do not clash; overlapping ones are named.
    let r = post(
        &mut w.tenant,
        &to_book,
        &booking("2026-12-01", "10:30", "11:00", "2"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post(
        &mut w.tenant,
        &to_book,
        &booking("2026-12-01", "08:45", "09:15", "2"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let clash = r.text("#start-error");
    assert!(
        clash.contains("2026-12-01 09:00")
            && clash.contains("10:30")
            && clash.contains("青城助老团队"),
        "{clash}"
    );
    assert_eq!(app.count("space_bookings").await, 2);
    // A desk is not booked by the hour.
    let r = post(
        &mut w.tenant,
        &format!("/space/{desk}/bookings"),
        &booking("2026-12-01", "09:00", "10:00", "1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The week calendar.
    let r = w.tenant.get(&format!("{page}?week=2026-12-03")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text("table.calendar td.busy").contains("09:00–10:30"));
    assert_eq!(r.count("table.bookings tbody tr"), 2);
    // Two hours of 70 open hours.
    assert!(
        r.text("p.occupancy").contains("2.8%"),
        "{}",
        r.text("p.occupancy")
    );
    let r = w
        .tenant
        .get(&format!("{page}?week=2026-12-10&lang=en"))
        .await;
    assert_eq!(r.count("table.calendar td.busy"), 0);
    assert!(r.text("p.occupancy").contains("0.0%"));

    // Outsiders: not found for a resource, forbidden for the space page, log in for the
    // public; a regulator reads but does not book.
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    assert_eq!(plain.get(&page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        plain.get("/space/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(plain.get(&base).await.status, StatusCode::FORBIDDEN);
    let r = post(
        &mut plain,
        &to_book,
        &booking("2026-12-02", "09:00", "10:00", "1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.client().get(&page).await;
    assert!(r.location().is_some_and(|l| l.starts_with("/login")));
    let (mut regulator, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let r = regulator.get(&format!("{page}?week=2026-12-01")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("form[action$='/bookings']"), 0);
    let r = post(
        &mut regulator,
        &to_book,
        &booking("2026-12-02", "09:00", "10:00", "1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("space_bookings").await, 2);

    // Cancelling: a confirmation first, then done; within the window only a manager may.
    let first: i64 = civicbridge::spaces::bookings_between(&app.state.db, &[room], 0, i64::MAX)
        .await
        .unwrap()[0]
        .id;
    let cancel = format!("/space-bookings/{first}/cancel");
    let r = post(&mut w.tenant, &cancel, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "a confirmation page");
    assert_eq!(r.count("input[name=confirm]"), 1);
    let r = post(&mut plain, &cancel, &[("confirm", "1")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = post(&mut w.tenant, &cancel, &[("confirm", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let left = civicbridge::spaces::bookings_between(&app.state.db, &[room], 0, i64::MAX)
        .await
        .unwrap();
    assert_eq!(left.len(), 1, "the cancelled booking holds nothing");
    // The freed time may be booked again.
    let r = post(
        &mut w.tenant,
        &to_book,
        &booking("2026-12-01", "09:00", "10:00", "3"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Within 24 hours of the start the tenant may no longer cancel; the manager may.
    // Monday 20:00: the 10:30 booking on Tuesday starts in 14.5 hours.
    app.clock().advance(3 * 86_400);
    let second = left[0].id;
    let r = post(
        &mut w.tenant,
        &format!("/space-bookings/{second}/cancel"),
        &[("confirm", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#cancel").is_empty());
    let r = post(
        &mut w.manager,
        &format!("/space-bookings/{second}/cancel"),
        &[("confirm", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let audit = app.count("audit_events").await;
    assert!(audit > 0);
    let booked: i64 = {
        use sea_orm::ConnectionTrait;
        let row = app
            .state
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.state.db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM audit_events WHERE entity = 'space_booking'",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    };
    assert_eq!(
        booked,
        3 + 2,
        "three bookings and two cancellations audited"
    );
    app.check_invariants().await.unwrap();
}

/// 50 requests for one desk and 50 for one room, all overlapping, fired at once through the
/// router: exactly one of each wins; every other gets 422 naming the winner.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_overlapping_requests_one_wins() {
    let app = TestApp::new().await;
    let mut w = world(&app).await;
    let (room, desk) = room_and_desk(&app, &mut w).await;
    let clone = |c: &Client| {
        let mut n = app.client();
        same_session(&mut n, c);
        n
    };
    // Make sure both sessions hold a token.
    w.manager
        .get(&format!("/incubators/{}/space", w.incubator))
        .await;
    w.tenant.get(&format!("/space/{room}")).await;
    let mut tasks = Vec::new();
    for n in 0..50u32 {
        let mut c = clone(&w.manager);
        let (path, tenant) = (
            format!("/incubators/{}/space/allocations", w.incubator),
            w.tenant_id.to_string(),
        );
        let desk = desk.to_string();
        // Every range contains 2026-12-15.
        let from = format!("2026-12-{:02}", 1 + n % 15);
        let to = format!("2026-12-{:02}", 15 + n % 10);
        tasks.push(tokio::spawn(async move {
            let r = c
                .post(
                    &path,
                    &[
                        ("resource_id", &desk),
                        ("tenant_id", &tenant),
                        ("from", &from),
                        ("to", &to),
                    ],
                )
                .await;
            (true, r.status, r.text("#from-error"))
        }));
        let mut c = clone(&w.tenant);
        let path = format!("/space/{room}/bookings");
        // Every slot contains 11:00–11:15.
        let start = format!("{:02}:{:02}", 9 + (n % 8) / 4, (n % 4) * 15);
        let end = format!("{:02}:{:02}", 11 + (n % 5) / 4, 15 + (n % 3) * 15);
        tasks.push(tokio::spawn(async move {
            let r = c
                .post(
                    &path,
                    &[
                        ("date", "2026-12-02"),
                        ("start", &start),
                        ("end", &end),
                        ("attendees", "3"),
                        ("purpose", "并发测试"),
                    ],
                )
                .await;
            (false, r.status, r.text("#start-error"))
        }));
    }
    let (mut won, mut refused) = ([0, 0], [0, 0]);
    for t in tasks {
        let (alloc, status, message) = t.await.unwrap();
        let k = usize::from(alloc);
        if status == StatusCode::SEE_OTHER {
            won[k] += 1;
        } else {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
            assert!(
                message.contains("冲突")
                    && message.contains(if alloc {
                        "青城助老团队"
                    } else {
                        "2026-12-02"
                    }),
                "the refusal names the clash: {message}"
            );
            refused[k] += 1;
        }
    }
    assert_eq!(won, [1, 1], "exactly one booking and one allocation win");
    assert_eq!(refused, [49, 49]);
    assert_eq!(app.count("space_allocations").await, 1);
    assert_eq!(app.count("space_bookings").await, 1);
    app.check_invariants().await.unwrap();
}

/// The database itself refuses an overlapping active row written around the operations'
/// checks (PostgreSQL's exclusion constraint, SQLite's trigger); cancelled rows and touching
/// ranges hold nothing.
#[tokio::test]
async fn the_database_refuses_overlaps_written_around_the_checks() {
    let app = TestApp::new().await;
    let mut w = world(&app).await;
    let (room, desk) = room_and_desk(&app, &mut w).await;
    let db = &app.state.db;
    let by = civicbridge::accounts::find_by_email(db, "founder@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let at = |h: i64| T0 + 86_400 + h * 900;
    let b = |s: i64, e: i64| rules::BookingDraft {
        tenant_id: Some(w.tenant_id),
        starts_at: at(s),
        ends_at: at(e),
        attendees: 1,
        purpose: "直接写入".into(),
    };
    let insert = |d: rules::BookingDraft| async move {
        spaces::model::insert_booking_if_open(db, room, &d, by, T0).await
    };
    let first = insert(b(0, 4)).await.unwrap().expect("the room is open");
    let e = insert(b(3, 5)).await.unwrap_err();
    assert!(
        spaces::model::is_overlap(&e, spaces::model::BOOKINGS_NO_OVERLAP),
        "{e}"
    );
    insert(b(4, 6))
        .await
        .expect("touching ends")
        .expect("the room is open");
    assert!(spaces::model::cancel_booking(db, first, T0).await.unwrap());
    insert(b(1, 3))
        .await
        .expect("a cancelled booking holds nothing")
        .expect("the room is open");
    let a = |s: i64, e: i64| rules::AllocationDraft {
        resource_id: desk,
        tenant_id: w.tenant_id,
        starts_at: T0 + s * 86_400,
        ends_at: T0 + e * 86_400,
    };
    spaces::model::insert_allocation(db, &a(0, 10), by, T0)
        .await
        .unwrap();
    let e = spaces::model::insert_allocation(db, &a(9, 20), by, T0)
        .await
        .unwrap_err();
    assert!(
        spaces::model::is_overlap(&e, spaces::model::ALLOCATIONS_NO_OVERLAP),
        "{e}"
    );
    spaces::model::insert_allocation(db, &a(10, 20), by, T0)
        .await
        .expect("the next day is free");
    assert_eq!(app.count("space_bookings").await, 3);
    assert_eq!(app.count("space_allocations").await, 2);
    // A retired room takes no booking, even one written around the checks: the insert
    // itself requires the room open.
    assert!(spaces::model::retire_resource(db, room, T0).await.unwrap());
    assert_eq!(insert(b(8, 10)).await.unwrap(), None);
    assert_eq!(app.count("space_bookings").await, 3);
    app.check_invariants().await.unwrap();
}

/// A booking racing the retirement of its room: either the booking is stored and the
/// retirement refused (it counts the booking), or the room is retired and the booking
/// refused — never a retired room holding a booking still to come. On PostgreSQL the
/// booking's insert reads the room under a shared lock, which the retirement's update waits
/// for; on SQLite the two take turns.
#[tokio::test]
async fn a_booking_racing_a_retirement_never_outlives_it() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let db = &app.state.db;
    let room = |n: usize| spaces::rules::ResourceDraft {
        name: format!("竞速会议室{n}"),
        kind: spaces::rules::ResourceKind::Shared,
        capacity: 10,
        opens_min: 8 * 60,
        closes_min: 18 * 60,
        advance_days: 30,
        cancel_hours: 2,
    };
    let d = rules::BookingDraft {
        tenant_id: Some(w.tenant_id),
        starts_at: T0 + 86_400,
        ends_at: T0 + 86_400 + 3_600,
        attendees: 2,
        purpose: "竞速".into(),
    };
    let (mut booked, mut retired) = (0, 0);
    for n in 0..12 {
        let id = spaces::add_resource(db, w.incubator, &room(n), w.manager_id, T0)
            .await
            .unwrap();
        let r = spaces::resource(db, id).await.unwrap().unwrap();
        // Each goes first in turn (on SQLite the first one polled takes the writers' turn).
        let book = spaces::book(db, &r, &d, w.founder, T0);
        let retire = spaces::retire_resource(db, &r, w.manager_id, T0);
        let (b, x) = if n % 2 == 0 {
            tokio::join!(book, retire)
        } else {
            let (x, b) = tokio::join!(retire, book);
            (b, x)
        };
        let (b, x) = (b.unwrap(), x.unwrap());
        let now = spaces::resource(db, id).await.unwrap().unwrap();
        let held = spaces::bookings_between(db, &[id], T0, T0 + 2 * 86_400)
            .await
            .unwrap();
        match (b, x) {
            (Ok(_), Err(1)) => {
                assert!(!now.retired());
                assert_eq!(held.len(), 1);
                booked += 1;
            }
            (Err(spaces::Taken::Retired), Ok(())) => {
                assert!(now.retired());
                assert!(held.is_empty());
                retired += 1;
            }
            other => panic!("round {n}: {other:?}"),
        }
    }
    assert_eq!(booked + retired, 12);
    app.check_invariants().await.unwrap();
}

async fn audited(app: &TestApp, entity: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = app
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.state.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM audit_events WHERE entity = '{entity}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// How many agreement notices a user has in the inbox.
async fn agreement_notices(app: &TestApp, user: i64) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = app
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.state.db.get_database_backend(),
            format!(
                "SELECT COUNT(*) AS n FROM user_notifications \
                 WHERE kind = 'tenancy_agreement' AND user_id = {user}"
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn agreement_state(app: &TestApp, id: i64) -> String {
    spaces::model::agreement(&app.state.db, id)
        .await
        .unwrap()
        .unwrap()
        .state
}

/// A manager drafts an agreement (its space is held at once), the tenant accepts, the
/// manager countersigns, renews it and records an early exit that frees the space; an
/// agreement on a space already taken, and bad input, are 422 with nothing written.
#[tokio::test]
async fn agreements_are_accepted_countersigned_renewed_and_ended_early() {
    let app = TestApp::new().await;
    let mut w = world(&app).await;
    let (_, desk) = room_and_desk(&app, &mut w).await;
    let path = format!("/incubators/{}/agreements", w.incubator);
    let (desk_s, tenant_s) = (desk.to_string(), w.tenant_id.to_string());
    let form = |from: &str, to: &str, services: &str, fee: &str| -> Vec<(&'static str, String)> {
        vec![
            ("g_resource", desk_s.clone()),
            ("g_tenant", tenant_s.clone()),
            ("g_from", from.to_string()),
            ("g_to", to.to_string()),
            ("services", services.to_string()),
            ("obligations", "每月报送服务记录".to_string()),
            ("fee", fee.to_string()),
        ]
    };
    w.manager
        .get(&format!("/incubators/{}/space", w.incubator))
        .await;
    let r = post_owned(
        &mut w.manager,
        &path,
        &form("2027-01-01", "2026-12-01", "", "-1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["g_to", "services", "fee"] {
        assert!(
            !r.text(&format!("#{f}-error")).is_empty(),
            "{f}: {}",
            r.text(".form-errors")
        );
    }
    assert_eq!(r.value("input[name=fee]").as_deref(), Some("-1"));
    assert_eq!(app.count("tenancy_agreements").await, 0);
    assert_eq!(app.count("space_allocations").await, 0);
    let r = post_owned(
        &mut w.manager,
        &path,
        &form("2026-12-01", "2027-11-30", "工位、培训、督导", "500"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let id = id_in(&r);
    assert_eq!(app.count("space_allocations").await, 1, "the space is held");
    assert_eq!(
        agreement_notices(&app, w.founder).await,
        1,
        "the tenant is told"
    );
    assert_eq!(
        agreement_notices(&app, w.manager_id).await,
        0,
        "not the actor"
    );
    // The same desk again: taken.
    let r = post_owned(
        &mut w.manager,
        &path,
        &form("2027-06-01", "2027-12-31", "工位", "0"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let clash = r.text("#g_from-error");
    assert!(
        clash.contains("2026-12-01") && clash.contains("2027-11-30"),
        "{clash}"
    );
    assert_eq!(app.count("tenancy_agreements").await, 1);
    assert_eq!(app.count("space_allocations").await, 1);

    // Who reads it.
    let page = format!("/agreements/{id}");
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    assert_eq!(plain.get(&page).await.status, StatusCode::NOT_FOUND);
    let (mut regulator, _) = app
        .signed_in("regulator@example.org", &[Role::Regulator])
        .await;
    let r = regulator.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.count("form[action$='/accept']"), 0);
    let r = w.tenant.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text("dl.props").contains("¥500.00"),
        "{}",
        r.text("dl.props")
    );
    assert_eq!(r.count("form[action$='/accept']"), 1);

    // Countersigning comes after acceptance.
    w.manager.get(&page).await;
    let r = post(&mut w.manager, &format!("{page}/countersign"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        post(&mut w.manager, &format!("{page}/accept"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = post(&mut w.tenant, &format!("{page}/accept"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(agreement_state(&app, id).await, "accepted");
    assert_eq!(
        agreement_notices(&app, w.manager_id).await,
        1,
        "managers told"
    );
    assert_eq!(agreement_notices(&app, w.founder).await, 1);
    let r = post(&mut w.manager, &format!("{page}/countersign"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(agreement_state(&app, id).await, "active");
    assert_eq!(agreement_notices(&app, w.founder).await, 2);
    let inbox = w.tenant.get("/me/notifications").await;
    assert!(
        inbox.body.contains("入驻协议") && inbox.body.contains(&format!("/agreements/{id}")),
        "the notice reads and links to the agreement"
    );

    // Renewal: a new draft from the day after the term, same space.
    let r = post(
        &mut w.manager,
        &format!("{page}/renew"),
        &[("to", "2027-11-01"), ("fee", "600")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ends before it starts"
    );
    let r = accepted(
        &mut w.manager,
        &format!("{page}/renew"),
        &[("to", "2028-11-30"), ("fee", "600")],
    )
    .await;
    let renewal = id_in(&r);
    let n = spaces::model::agreement(&app.state.db, renewal)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.renews_id, Some(id));
    assert_eq!(n.fee_fen, 60_000);
    assert_eq!(
        n.starts_at,
        rules::day_start(time::macros::date!(2027 - 12 - 01))
    );
    assert_eq!(app.count("space_allocations").await, 2);

    // Early exit: a day outside the term is refused; a good one asks for confirmation, then
    // ends the agreement and frees the desk from that day.
    let exit = format!("{page}/exit");
    let r = post(
        &mut w.manager,
        &exit,
        &[("date", "2026-11-01"), ("reason", "迁出")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#date-error").is_empty());
    let r = post(
        &mut w.manager,
        &exit,
        &[("date", "2027-03-01"), ("reason", "")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#reason-error").is_empty());
    let why = [
        ("date", "2027-03-01"),
        ("reason", "已完成登记，迁入自有场地"),
    ];
    let r = post(&mut w.manager, &exit, &why).await;
    assert_eq!(r.status, StatusCode::OK, "a confirmation page");
    assert_eq!(agreement_state(&app, id).await, "active");
    let r = post(&mut w.manager, &exit, &[why[0], why[1], ("confirm", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(agreement_state(&app, id).await, "exited");
    let r = w.tenant.get(&page).await;
    assert!(r.text("dl.props").contains("已完成登记，迁入自有场地"));
    let r = post_owned(
        &mut w.manager,
        &format!("/incubators/{}/space/allocations", w.incubator),
        &[
            ("resource_id", desk.to_string()),
            ("tenant_id", w.tenant_id.to_string()),
            ("from", "2027-03-01".to_string()),
            ("to", "2027-11-30".to_string()),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "freed from the exit day: {}",
        r.text(".form-errors")
    );
    let r = post_owned(
        &mut w.manager,
        &format!("/incubators/{}/space/allocations", w.incubator),
        &[
            ("resource_id", desk.to_string()),
            ("tenant_id", w.tenant_id.to_string()),
            ("from", "2027-02-28".to_string()),
            ("to", "2027-02-28".to_string()),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the day before is still held"
    );
    // drafted, renewal_drafted, accept, countersign, exited.
    assert_eq!(audited(&app, "tenancy_agreement").await, 5);
    // Drafted, countersigned, renewal drafted, ended early: the tenant; accepted: managers.
    assert_eq!(agreement_notices(&app, w.founder).await, 4);
    assert_eq!(agreement_notices(&app, w.manager_id).await, 1);
    app.check_invariants().await.unwrap();
}

/// A manager edits a resource (bad input is a 422 keeping what was typed; the kind stays)
/// and retires it: refused while a booking is still to come, then, once it is cancelled,
/// retired after confirmation — after which nobody can book or allocate it, its page says
/// so, and the tenant and outsiders cannot edit or retire anything.
#[tokio::test]
async fn managers_edit_and_retire_resources() {
    let app = TestApp::new().await;
    let mut w = world(&app).await;
    let (room, desk) = room_and_desk(&app, &mut w).await;
    let page = format!("/space/{room}");
    let edit = format!("{page}/edit");
    let r = w.manager.get(&page).await;
    assert_eq!(r.count("form[action$='/edit']"), 1);
    assert_eq!(
        r.value("#edit-resource input[name=name]").as_deref(),
        Some("一号会议室")
    );
    let mut bad = resource_fields("", "desk", "0");
    bad[3] = ("opens", "19:00");
    let r = post(&mut w.manager, &edit, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["name", "capacity", "closes"] {
        assert!(!r.text(&format!("#{f}-error")).is_empty(), "{f}");
    }
    assert_eq!(
        r.value("#edit-resource input[name=opens]").as_deref(),
        Some("19:00")
    );
    let mut good = resource_fields("一号会议室（大）", "desk", "12");
    good[4] = ("closes", "20:00");
    let r = post(&mut w.manager, &edit, &good).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    let saved = spaces::resource(&app.state.db, room)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.name, "一号会议室（大）");
    assert_eq!((saved.capacity, saved.closes_min), (12, 20 * 60));
    assert_eq!(saved.kind, "shared", "the kind stays");

    // The tenant books for next week; retiring is refused while it is to come.
    w.tenant.get(&page).await;
    accepted(
        &mut w.tenant,
        &format!("{page}/bookings"),
        &booking("2026-12-09", "09:00", "10:00", "5"),
    )
    .await;
    let retire = format!("{page}/retire");
    w.manager.get(&page).await;
    let r = post(&mut w.manager, &retire, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "a confirmation page");
    let r = post(&mut w.manager, &retire, &[("confirm", "1")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#retire").contains('1'), "{}", r.text("#retire"));
    assert!(
        spaces::resource(&app.state.db, room)
            .await
            .unwrap()
            .unwrap()
            .retired_at
            .is_none()
    );

    // Strangers and the tenant: 404, nothing changes.
    let (mut plain, _) = app.signed_in("plain@example.org", &[]).await;
    for c in [&mut plain, &mut w.tenant] {
        c.get("/").await;
        assert_eq!(
            post(c, &retire, &[("confirm", "1")]).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(post(c, &edit, &good).await.status, StatusCode::NOT_FOUND);
    }

    let b = spaces::bookings_between(&app.state.db, &[room], 0, i64::MAX)
        .await
        .unwrap()[0]
        .id;
    let r = post(
        &mut w.manager,
        &format!("/space-bookings/{b}/cancel"),
        &[("confirm", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post(&mut w.manager, &retire, &[("confirm", "1")]).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}",
        r.text(".form-errors")
    );
    assert!(
        spaces::resource(&app.state.db, room)
            .await
            .unwrap()
            .unwrap()
            .retired_at
            .is_some()
    );
    let r = w.tenant.get(&page).await;
    assert_eq!(r.count("form[action$='/bookings']"), 0, "no booking form");
    assert!(!r.text(".notice-warn").is_empty());
    let r = post(
        &mut w.tenant,
        &format!("{page}/bookings"),
        &booking("2026-12-10", "09:00", "10:00", "5"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text(".error-msg").contains("停用"), "{}", r.text("main"));
    let r = w.manager.get(&page).await;
    assert_eq!(r.count("form[action$='/edit']"), 0, "nothing left to edit");
    assert_eq!(
        post(&mut w.manager, &edit, &good).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Retiring again is harmless.
    assert_eq!(
        post(&mut w.manager, &retire, &[("confirm", "1")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The desk, retired too, cannot be allocated (the form no longer offers it).
    let r = post(
        &mut w.manager,
        &format!("/space/{desk}/retire"),
        &[("confirm", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post_owned(
        &mut w.manager,
        &format!("/incubators/{}/space/allocations", w.incubator),
        &[
            ("resource_id", desk.to_string()),
            ("tenant_id", w.tenant_id.to_string()),
            ("from", "2027-01-01".to_string()),
            ("to", "2027-01-31".to_string()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("space_allocations").await, 0);
    // A retired room taken through the operation itself (bypassing the form) is refused too.
    let d = rules::AllocationDraft {
        resource_id: desk,
        tenant_id: w.tenant_id,
        starts_at: rules::day_start(time::macros::date!(2027 - 01 - 01)),
        ends_at: rules::day_start(time::macros::date!(2027 - 02 - 01)),
    };
    assert_eq!(
        spaces::allocate(&app.state.db, &d, w.manager_id, T0)
            .await
            .unwrap(),
        Err(spaces::Taken::Retired)
    );
    assert_eq!(app.count("space_allocations").await, 0);
    // created ×2, edited, retired ×2.
    assert_eq!(audited(&app, "space_resource").await, 5);
    app.check_invariants().await.unwrap();
}

/// A booking refused for a clash names the tenant holding the room and shows the week page
/// again, reading the incubator's tenants once for both (the burst benchmark's refusal path).
#[tokio::test]
async fn a_refused_booking_reads_the_tenant_names_once() {
    let app = TestApp::new().await;
    let mut w = world(&app).await;
    let (room, _) = room_and_desk(&app, &mut w).await;
    let page = format!("/space/{room}");
    w.tenant.get(&page).await;
    let to_book = format!("{page}/bookings");
    accepted(
        &mut w.tenant,
        &to_book,
        &booking("2026-12-01", "09:00", "10:30", "6"),
    )
    .await;
    let (mut c, log) = app.counted_client();
    same_session(&mut c, &w.tenant);
    log.clear();
    let r = post(
        &mut c,
        &to_book,
        &booking("2026-12-01", "10:00", "11:30", "6"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#start-error").contains("青城助老团队"),
        "the clash names its tenant: {}",
        r.text("#start-error")
    );
    assert!(
        r.text("main").contains("09:00"),
        "the week shows the booking"
    );
    // One read for who the user acts for, one for the names of the clash and the page.
    assert_eq!(log.on("incubator_tenants"), 2, "{:#?}", log.statements());
    assert_eq!(app.count("space_bookings").await, 1);
}
