//! A tender's documents, through HTTP (issue 11): the buyer attaches the specification,
//! terms and forms to a draft (only the unit's buyers see them); once published they are on
//! the tender page with size, SHA-256 and upload time for anyone to download, and change
//! only by an amendment — a new version supersedes the old one, a withdrawal keeps it
//! listed, both stay downloadable — each audited and published as an OCDS amendment release
//! whose `tender.documents` validate against the schema.

use crate::common;

use crate::common::{Client, T0, TestApp};
use axum::http::{StatusCode, header};

const DAY: i64 = 86_400;

const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
const PDF2: &[u8] = b"%PDF-1.7\n% version two\ntrailer\n<< >>\n%%EOF\n";
const PE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00This program cannot be run in DOS mode.";

/// Sends the tender page's document form: the CSRF token first, then the text fields, then
/// the file.
async fn upload(
    c: &mut Client,
    tid: i64,
    fields: &[(&str, &str)],
    name: &str,
    bytes: &[u8],
) -> common::Resp {
    c.upload(&format!("/tenders/{tid}/documents"), fields, name, bytes)
        .await
}

/// How many files are stored under the data directory's tender documents folder.
fn stored(app: &TestApp) -> usize {
    std::fs::read_dir(app.state.config.data_dir.join("tender-documents"))
        .map(|d| d.count())
        .unwrap_or(0)
}

async fn docs(app: &TestApp, tid: i64) -> Vec<civicbridge::procurement::TenderDocument> {
    civicbridge::procurement::documents(&app.state.db, tid)
        .await
        .unwrap()
}

/// A draft through the buyer's form: (buyer's client, tender id).
async fn draft(app: &TestApp) -> (Client, i64) {
    let (mut b, unit) = common::buyer(app).await;
    let r = b
        .post(
            "/tenders",
            &common::as_refs(&common::tender_fields(unit, "新城区居家养老服务项目")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = r.location().unwrap().to_string();
    let id: i64 = page.trim_start_matches("/tenders/").parse().unwrap();
    b.get(&page).await;
    (b, id)
}

#[tokio::test]
async fn a_drafts_documents_are_checked_and_seen_only_by_its_buyers() {
    let app = TestApp::new().await;
    let (mut b, tid) = draft(&app).await;

    // The page offers the form.
    let page = b.get(&format!("/tenders/{tid}")).await;
    assert_eq!(
        page.count("form.document-form input[type=file][name=file]"),
        1
    );

    // A program renamed to .pdf: 422, the message next to the file field naming it, the
    // chosen type kept, nothing stored.
    let r = upload(
        &mut b,
        tid,
        &[("doc_type", "technicalSpecifications")],
        "需求.pdf",
        PE,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text("#file-error").contains("需求.pdf"),
        "{}",
        r.text("#file-error")
    );
    assert_eq!(
        r.value("select#doc_type option[selected]").as_deref(),
        Some("technicalSpecifications")
    );
    // No type chosen: the message is next to the type.
    let r = upload(&mut b, tid, &[("doc_type", "")], "需求.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#doc_type-error").is_empty());
    assert!(docs(&app, tid).await.is_empty());
    assert_eq!(stored(&app), 0);

    // Two documents attached.
    let r = upload(
        &mut b,
        tid,
        &[("doc_type", "technicalSpecifications")],
        "服务需求.pdf",
        PDF,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = upload(
        &mut b,
        tid,
        &[("doc_type", "contractDraft")],
        "合同.pdf",
        PDF2,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let d = docs(&app, tid).await;
    assert_eq!(d.len(), 2);
    assert_eq!(stored(&app), 2);
    assert_eq!(d[0].sha256, civicbridge::kernel::files::sha256_hex(PDF));
    assert_eq!(d[0].size, PDF.len() as i64);

    // The buyer sees them and downloads one.
    let page = b.get(&format!("/tenders/{tid}")).await;
    assert_eq!(page.count("#documents tr.document"), 2);
    assert!(page.text("#documents").contains(&d[0].sha256));
    let r = b
        .get(&format!("/tenders/{tid}/documents/{}", d[0].id))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.bytes, PDF);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");

    // Nobody else: the 404 of a missing id, anonymous visitors included.
    let mut anon = app.client();
    let r = anon
        .get(&format!("/tenders/{tid}/documents/{}", d[0].id))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (mut other, _) = app.signed_in("other@example.org", &[]).await;
    let r = other
        .get(&format!("/tenders/{tid}/documents/{}", d[0].id))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = other.get(&format!("/tenders/{tid}/documents/999999")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = other
        .post(&format!("/tenders/{tid}/documents/{}/remove", d[0].id), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(docs(&app, tid).await.len(), 2);

    // Removing from a draft takes the row and the file.
    b.get(&format!("/tenders/{tid}")).await;
    let r = b
        .post(&format!("/tenders/{tid}/documents/{}/remove", d[1].id), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(docs(&app, tid).await.len(), 1);
    assert_eq!(stored(&app), 1);

    // Both changes audited (privately: a draft is not public).
    let entries = civicbridge::audit::timeline(&app.state.db, "tender", tid, false)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "document_attached")
            .count(),
        2
    );
    assert!(actions.contains(&"document_removed"));
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn published_documents_change_only_by_amendment_and_every_version_stays() {
    let app = TestApp::new().await;
    let (mut b, tid) = draft(&app).await;
    let r = upload(
        &mut b,
        tid,
        &[("doc_type", "biddingDocuments")],
        "招标文件.pdf",
        PDF,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = b.post(&format!("/tenders/{tid}/publish"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let first = docs(&app, tid).await[0].clone();

    // Public now: listed with size, SHA-256 and upload time, downloadable by anyone.
    let mut anon = app.client();
    let page = anon.get(&format!("/tenders/{tid}")).await;
    assert_eq!(page.count("#documents tr.document"), 1);
    assert!(page.text("#documents").contains(&first.sha256));
    assert!(page.text("#documents").contains("招标文件.pdf"));
    assert_eq!(page.count("form.document-form"), 0);
    let r = anon
        .get(&format!("/tenders/{tid}/documents/{}", first.id))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.bytes, PDF);
    // Others may not change them.
    let (mut other, _) = app.signed_in("other@example.org", &[]).await;
    other.get(&format!("/tenders/{tid}")).await;
    let r = upload(
        &mut other,
        tid,
        &[("doc_type", "clarifications")],
        "x.pdf",
        PDF2,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A change without the amendment's summary: 422 next to the summary, nothing written.
    b.get(&format!("/tenders/{tid}")).await;
    let amendments = app.count("tender_amendments").await;
    let releases = app.count("ocds_releases").await;
    let r = upload(
        &mut b,
        tid,
        &[
            ("doc_type", "biddingDocuments"),
            ("replaces", &first.id.to_string()),
            ("summary", ""),
        ],
        "招标文件（修订）.pdf",
        PDF2,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text("#summary-error").is_empty());
    assert_eq!(docs(&app, tid).await.len(), 1);
    assert_eq!(app.count("tender_amendments").await, amendments);
    assert_eq!(app.count("ocds_releases").await, releases);
    assert_eq!(stored(&app), 1);

    // With it: a new version, the old one superseded and still downloadable.
    app.clock().advance(60);
    let r = upload(
        &mut b,
        tid,
        &[
            ("doc_type", "biddingDocuments"),
            ("replaces", &first.id.to_string()),
            ("summary", "修订服务需求第三章"),
        ],
        "招标文件（修订）.pdf",
        PDF2,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let d = docs(&app, tid).await;
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].state, "superseded");
    assert_eq!(d[1].state, "current");
    assert_eq!(d[1].version, 2);
    assert_eq!(d[1].replaces_id, Some(first.id));
    assert_eq!(app.count("tender_amendments").await, amendments + 1);
    let page = anon.get(&format!("/tenders/{tid}")).await;
    assert_eq!(page.count("#documents tr.document"), 2);
    assert_eq!(page.count("#documents td.doc-state"), 1);
    assert!(page.text("#amendments").contains("修订服务需求第三章"));
    for (doc, bytes) in [(&d[0], PDF), (&d[1], PDF2)] {
        let r = anon
            .get(&format!("/tenders/{tid}/documents/{}", doc.id))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.bytes, bytes);
    }

    // A clarification added, then withdrawn by amendment: kept, listed as withdrawn.
    b.get(&format!("/tenders/{tid}")).await;
    let r = upload(
        &mut b,
        tid,
        &[("doc_type", "clarifications"), ("summary", "补充答疑纪要")],
        "答疑.pdf",
        PDF,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let clar = docs(&app, tid).await[2].clone();
    b.get(&format!("/tenders/{tid}")).await;
    let r = b
        .post(
            &format!("/tenders/{tid}/documents/{}/remove", clar.id),
            &[("summary", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !r.text(&format!("#withdraw-{}-error", clar.id)).is_empty(),
        "{}",
        r.body
    );
    let r = b
        .post(
            &format!("/tenders/{tid}/documents/{}/remove", clar.id),
            &[("summary", "答疑纪要有误，撤回")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let d = docs(&app, tid).await;
    assert_eq!(d[2].state, "withdrawn");
    assert!(d[2].ended_at.is_some());
    let r = anon
        .get(&format!("/tenders/{tid}/documents/{}", clar.id))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.count("tender_amendments").await, amendments + 3);

    // Every amendment audited publicly.
    let public = civicbridge::audit::timeline(&app.state.db, "tender", tid, true)
        .await
        .unwrap();
    assert_eq!(public.iter().filter(|e| e.action == "amended").count(), 3);

    // The latest release lists every version, valid against the OCDS schema; the record too.
    let rs = crate::opendata::all_releases(&mut anon, 50).await;
    let ocid = civicbridge::opendata::ocid_of(tid);
    let latest = rs.iter().find(|r| r["ocid"] == ocid.as_str()).unwrap();
    assert_eq!(latest["tag"], serde_json::json!(["tenderAmendment"]));
    let listed = latest["tender"]["documents"].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0]["id"], format!("doc-{}", first.id));
    assert_eq!(listed[0]["documentType"], "biddingDocuments");
    assert_eq!(listed[0]["format"], "application/pdf");
    assert_eq!(listed[0]["title"], "招标文件.pdf");
    assert!(
        listed[0]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/tenders/{tid}/documents/{}", first.id))
    );
    assert!(listed[0]["datePublished"].is_string());
    assert!(
        listed[0]["description"]
            .as_str()
            .unwrap()
            .contains(&first.sha256)
    );
    let r = anon.get(&format!("/api/v1/ocds/records/{ocid}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let v = crate::opendata::validator("record-package-schema.json");
    let errs = crate::opendata::errors(&v, &r.json());
    assert!(errs.is_empty(), "{errs:#?}");

    // Within two days of the deadline the documents stay as they are.
    let t = civicbridge::procurement::get(&app.state.db, tid)
        .await
        .unwrap()
        .unwrap();
    app.clock().advance(t.bid_deadline - T0 - DAY);
    let page = b.get(&format!("/tenders/{tid}")).await;
    assert_eq!(page.count("form.document-form"), 0);
    let r = upload(
        &mut b,
        tid,
        &[("doc_type", "clarifications"), ("summary", "补充说明")],
        "说明.pdf",
        PDF,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("两天"), "{}", r.body);
    assert_eq!(docs(&app, tid).await.len(), 3);
    assert_eq!(stored(&app), 3);
    app.check_invariants().await.unwrap();
}
