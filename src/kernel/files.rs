//! What an uploaded document is, judged by its content: the one check behind the rooms that
//! take a PDF or an image as evidence (claims' certificates, complaints' attachments).

/// The media type of a document that is a PDF, PNG or JPEG by its first bytes *and* by its
/// name's extension (case-insensitive), or `None` when either is something else or the two
/// disagree — so a renamed program or web page is never stored as evidence.
pub fn document_type(name: &str, bytes: &[u8]) -> Option<&'static str> {
    let by_content = if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else {
        return None;
    };
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let by_name = match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => return None,
    };
    (by_content == by_name).then_some(by_content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_and_extension_must_agree() {
        let pdf = b"%PDF-1.7 ...";
        let png = b"\x89PNG\r\n\x1a\n....";
        let jpg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0];
        assert_eq!(document_type("证书.pdf", pdf), Some("application/pdf"));
        assert_eq!(document_type("scan.PDF", pdf), Some("application/pdf"));
        assert_eq!(document_type("a.png", png), Some("image/png"));
        assert_eq!(document_type("a.jpg", &jpg), Some("image/jpeg"));
        assert_eq!(document_type("a.JPEG", &jpg), Some("image/jpeg"));
        // Disagreeing, unknown or missing.
        assert_eq!(document_type("a.png", pdf), None);
        assert_eq!(document_type("a.pdf", &jpg), None);
        assert_eq!(document_type("a.exe", pdf), None);
        assert_eq!(document_type("pdf", pdf), None);
        assert_eq!(document_type("a.pdf", b"MZ\x90\x00"), None);
        assert_eq!(document_type("a.pdf", b"<html>%PDF-"), None);
        assert_eq!(document_type("a.pdf", b""), None);
    }
}
