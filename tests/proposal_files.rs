//! Files attached to proposals, through HTTP (issue 13 point 2): the applicant attaches PDF,
//! Word, Excel, JPEG and PNG files of at most 5 MB, at most 5 at once, while the proposal is
//! a draft or more information is requested; a refused file comes back with a message
//! naming it and nothing stored; each submitted revision keeps its files, so the comparison
//! lists those added and removed; the applicant, the organizer and assigned reviewers
//! download them, everyone else gets the 404 of a missing id.

use crate::common;

use crate::common::{Client, PW, T0, TestApp};
use axum::http::{StatusCode, header};

const DAY: i64 = 86_400;

const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";
const PE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00This program cannot be run in DOS mode.";

/// A zip of stored entries with real local headers (what OOXML packages are).
fn zip(entries: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for name in entries {
        let data = br#"<?xml version="1.0" encoding="UTF-8"?><Types/>"#;
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
    }
    out
}

fn docx() -> Vec<u8> {
    zip(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"])
}

/// Sends the page's upload form: the CSRF token first, then the file.
async fn upload(c: &mut Client, pid: i64, name: &str, bytes: &[u8]) -> common::Resp {
    c.upload(&format!("/proposals/{pid}/files"), &[], name, bytes)
        .await
}

/// How many files are stored under the data directory's proposal folder.
fn stored(app: &TestApp) -> usize {
    std::fs::read_dir(app.state.config.data_dir.join("proposal-files"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// A published call of a new unit, open for a month, one reviewer; (organizer's client,
/// buyer id, call).
async fn setup(app: &TestApp) -> (Client, i64, civicbridge::philanthropy::Call) {
    let (buyer, buyer_id, unit) = common::call_organizer(app).await;
    let d = civicbridge::philanthropy::CallDraft {
        reviewers: 1,
        ..common::call_draft(unit)
    };
    let c = common::published_call(app, &d, buyer_id, T0 - 2 * DAY).await;
    (buyer, buyer_id, c)
}

/// An organization's application form as fields (`action`: `save` or `submit`).
fn form(org: i64, action: &str) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        ("kind", "org".into()),
        ("org_id", org.to_string()),
        ("title", "社区长者助餐服务".into()),
        (
            "plan",
            "在两个社区建设长者助餐点，每周五天提供午餐。\n组织志愿者上门送餐。".into(),
        ),
        ("beneficiaries", "社区60岁以上老人约300人".into()),
        ("p_league", "150100".into()),
        ("p_county", "150102".into()),
        ("p_township", "".into()),
        ("outcome_indicator", "服务老人人数".into()),
        ("outcome_target", "300".into()),
        ("total", "55000".into()),
        ("cofund", "6000".into()),
        ("action", action.into()),
    ];
    for (c, i, a) in [
        ("personnel", "社工补贴", "20000"),
        ("activities", "助餐活动", "25000"),
        ("materials", "餐具", "4000"),
        ("admin", "办公", "6000"),
    ] {
        v.push(("budget_category", c.into()));
        v.push(("budget_item", i.into()));
        v.push(("budget_amount", a.into()));
    }
    v
}

async fn post(c: &mut Client, path: &str, v: &[(&'static str, String)]) -> common::Resp {
    let fields: Vec<(&str, &str)> = v.iter().map(|(k, x)| (*k, x.as_str())).collect();
    c.post(path, &fields).await
}

async fn state(app: &TestApp, pid: i64) -> String {
    civicbridge::philanthropy::proposal_model::get(&app.state.db, pid)
        .await
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test]
async fn files_are_attached_checked_kept_per_revision_and_read_only_by_those_concerned() {
    let app = TestApp::new().await;
    let (mut buyer, buyer_id, c) = setup(&app).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区助老服务中心").await;
    let mut applicant = app.client();
    applicant.login("owner@example.org", PW).await;

    // A draft: the page offers the upload form.
    let r = post(
        &mut applicant,
        &format!("/calls/{}/apply", c.id),
        &form(org, "save"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let pid: i64 = r
        .location()
        .unwrap()
        .trim_start_matches("/proposals/")
        .parse()
        .unwrap();
    let page = applicant.get(&format!("/proposals/{pid}")).await;
    assert_eq!(
        page.count(&format!(
            "#files form[action='/proposals/{pid}/files'][enctype='multipart/form-data']"
        )),
        1
    );

    // Good files are attached; each upload is audited.
    let r = upload(&mut applicant, pid, "项目方案.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = upload(&mut applicant, pid, "预算说明.docx", &docx()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.count("proposal_files").await, 2);
    assert_eq!(stored(&app), 2);
    let page = applicant.get(&format!("/proposals/{pid}")).await;
    assert_eq!(page.count("#files ul.proposal-files li"), 2);
    assert!(page.text("#files").contains("项目方案.pdf"));

    // Bad files come back (422) with a message naming the file, and nothing is stored.
    for (name, bytes) in [
        ("病毒.pdf", PE.to_vec()),
        ("照片.pdf", PNG.to_vec()),
        ("程序.exe", PDF.to_vec()),
        ("空白.pdf", vec![]),
        (
            "太大.pdf",
            [b"%PDF-".as_slice(), &vec![0u8; 5 * 1024 * 1024]].concat(),
        ),
    ] {
        let r = upload(&mut applicant, pid, name, &bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            r.text("#file-error").contains(name),
            "{name}: {}",
            r.text("#file-error")
        );
        // The page is the proposal's, with its files as they were.
        assert_eq!(r.count("#files ul.proposal-files li"), 2, "{name}");
    }
    assert_eq!(app.count("proposal_files").await, 2);
    assert_eq!(stored(&app), 2, "refused files leave nothing behind");

    // The applicant downloads a file as it was uploaded.
    let files = civicbridge::philanthropy::proposal_model::live_files(&app.state.db, pid)
        .await
        .unwrap();
    let (pdf_id, docx_id) = (files[0].id, files[1].id);
    let r = applicant
        .get(&format!("/proposals/{pid}/files/{pdf_id}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.bytes, PDF);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );

    // Submitted: revision 1 keeps both files; no more changes to them.
    let r = post(
        &mut applicant,
        &format!("/proposals/{pid}/edit"),
        &form(org, "submit"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(state(&app, pid).await, "submitted");
    let r = upload(&mut applicant, pid, "补充.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#file-error").is_empty());
    let r = applicant
        .post(&format!("/proposals/{pid}/files/{pdf_id}/remove"), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("proposal_files WHERE removed_at IS NULL").await,
        2
    );

    // Strangers learn nothing: the same 404 as a missing id; visitors are asked to log in.
    let (mut stranger, _) = app.signed_in("stranger@example.org", &[]).await;
    for path in [
        format!("/proposals/{pid}/files/{pdf_id}"),
        format!("/proposals/{pid}/files/999999"),
        format!("/proposals/999999/files/{pdf_id}"),
    ] {
        assert_eq!(
            stranger.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let r = upload(&mut stranger, pid, "x.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .client()
        .get(&format!("/proposals/{pid}/files/{pdf_id}"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
    // The organizer reads them.
    let r = buyer
        .get(&format!("/proposals/{pid}/files/{docx_id}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.bytes, docx());

    // More information asked: the applicant takes the Word file off and adds a photo.
    let step = format!("/proposals/{pid}/step");
    let r = buyer.post(&step, &[("step", "screen")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = buyer
        .post(
            &step,
            &[("step", "request_info"), ("message", "请补充活动照片。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(state(&app, pid).await, "more_info");
    let r = applicant
        .post(&format!("/proposals/{pid}/files/{docx_id}/remove"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = upload(&mut applicant, pid, "活动照片.png", PNG).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // At most five at once: three more fit, the sixth is refused by name.
    for n in 1..=3 {
        let r = upload(&mut applicant, pid, &format!("附件{n}.pdf"), PDF).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{n}");
    }
    let r = upload(&mut applicant, pid, "第六个.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text("#file-error").contains("第六个.pdf"));
    assert_eq!(
        app.count("proposal_files WHERE removed_at IS NULL").await,
        5
    );
    assert_eq!(stored(&app), 6, "the file taken off is kept for revision 1");

    // Revision 2: the comparison lists the file removed and those added.
    let r = post(
        &mut applicant,
        &format!("/proposals/{pid}/edit"),
        &form(org, "submit"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(state(&app, pid).await, "screening");
    let d = applicant
        .get(&format!("/proposals/{pid}/diff?a=1&b=2"))
        .await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(
        d.text(".diff-removed").contains("预算说明.docx"),
        "{}",
        d.body
    );
    assert!(d.text(".diff-added").contains("活动照片.png"));
    assert!(
        !d.text(".diff-removed").contains("项目方案.pdf"),
        "kept in both"
    );
    assert_eq!(d.count(".diff-field"), 1, "only the files changed");
    // The file of revision 1 stays readable by those concerned.
    let r = buyer
        .get(&format!("/proposals/{pid}/files/{docx_id}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // Expert review: the assigned reviewer reads the files, another evaluator does not.
    let items: Vec<(&str, &str)> = civicbridge::philanthropy::proposal_rules::ScreenItem::ALL
        .iter()
        .map(|i| ("item", i.code()))
        .collect();
    let r = buyer
        .post(&format!("/proposals/{pid}/checklist"), &items)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = buyer.post(&step, &[("step", "to_review")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.complete_review(&c, pid, buyer_id, 1).await;
    let mut reviewer = app.client();
    reviewer.login("reviewer1@example.org", PW).await;
    let r = reviewer
        .get(&format!("/proposals/{pid}/files/{pdf_id}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let (mut other, _) = app
        .signed_in(
            "evaluator@example.org",
            &[civicbridge::accounts::Role::Evaluator],
        )
        .await;
    let r = other.get(&format!("/proposals/{pid}/files/{pdf_id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Every attachment and removal left its audit entry.
    assert_eq!(
        app.count("audit_events WHERE entity = 'proposal' AND action = 'file_attached'")
            .await,
        6
    );
    assert_eq!(
        app.count("audit_events WHERE entity = 'proposal' AND action = 'file_removed'")
            .await,
        1
    );
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn files_change_only_inside_the_window() {
    let app = TestApp::new().await;
    let (_buyer, _buyer_id, c) = setup(&app).await;
    let owner = app.user("owner@example.org", &[]).await;
    let org = app.org(owner, 1, "新城区助老服务中心").await;
    let mut applicant = app.client();
    applicant.login("owner@example.org", PW).await;
    let r = post(
        &mut applicant,
        &format!("/calls/{}/apply", c.id),
        &form(org, "save"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let pid: i64 = r
        .location()
        .unwrap()
        .trim_start_matches("/proposals/")
        .parse()
        .unwrap();
    let r = upload(&mut applicant, pid, "方案.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.clock().advance(31 * DAY);
    let r = upload(&mut applicant, pid, "迟到.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#file-error").is_empty());
    assert_eq!(app.count("proposal_files").await, 1);
    assert_eq!(stored(&app), 1);
    app.check_invariants().await.unwrap();
}
