//! Hot paths of the organization list: validating a USCC, reading the list filters and
//! rendering one page of 20 rows. `cargo bench --bench orgs`.

use civicbridge::app::seed::rules::demo_org;
use civicbridge::kernel::Lang;
use civicbridge::orgs::rules::{ListQuery, make_uscc, parse_list_query, validate_uscc};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let code = make_uscc('5', '2', "150102", "MJ0000001").unwrap();
    c.bench_function("validate_uscc", |b| {
        b.iter(|| validate_uscc(black_box(&code), None))
    });

    let q = ListQuery {
        league: "150100".into(),
        county: "150102".into(),
        rating: "3".into(),
        page: "4".into(),
        ..Default::default()
    };
    c.bench_function("parse_list_query", |b| {
        b.iter(|| parse_list_query(black_box(&q)))
    });

    let today = time::macros::date!(2026 - 11 - 27);
    let rows: Vec<_> = (0..20)
        .map(|i| {
            let d = demo_org(1, i, today).draft;
            let org = civicbridge::orgs::model::Org {
                id: i as i64 + 1,
                name: d.name,
                uscc: d.uscc,
                kind: d.kind.code().into(),
                registration_date: d.registration_date,
                authority_level: d.authority_level.code().into(),
                division_code: d.division_code,
                league_code: d.league_code,
                county_code: d.county_code,
                staff_count: d.staff_count,
                contact_name: d.contact_name,
                contact_phone: d.contact_phone,
                contact_email: d.contact_email,
                intro: d.intro,
                rating_grade: Some(4),
                rating_valid_until: Some(today),
                credit_status: "normal".into(),
                verification: "verified".into(),
                registration_status: "active".into(),
                registration_ended_at: None,
                created_by: None,
                created_at: 0,
                updated_at: 0,
            };
            (org, d.domains)
        })
        .collect();
    let f = parse_list_query(&q);
    c.bench_function("render_org_list_page", |b| {
        b.iter(|| {
            civicbridge::orgs::views::list(Lang::Zh, &q, &f, black_box(&rows), 8000, today, false)
                .into_string()
        })
    });
}

criterion_group!(orgs, benches);
criterion_main!(orgs);
