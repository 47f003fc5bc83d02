//! What an uploaded document is, judged by its content: the one check behind the rooms that
//! take a PDF or an image as evidence (claims' certificates, complaints' attachments,
//! [`document_type`]) and behind those that take working documents — PDF, Word, Excel and
//! scans — (bids' and proposals' attachments, [`file_kind`] and [`check_upload`]): the type by
//! content *and* name, the size limit, the count limit, and a message that names the file.

use crate::kernel::Lang;

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

/// An attachment type bids and proposals may carry. The type is decided by the file's content (its magic
/// bytes, read by the `infer` crate, with stricter checks on top) and the name's extension must
/// name the same type. Deliberately short: what bid documents are (PDF, Word and Excel in their
/// XML formats) and scans or photos (PNG, JPEG). Legacy `.doc`/`.xls`, OpenDocument, plain
/// text, archives and everything else are refused (README, "Uploads").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// PDF.
    Pdf,
    /// Word, Office Open XML.
    Docx,
    /// Excel, Office Open XML.
    Xlsx,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
}

impl FileKind {
    /// Every accepted kind.
    pub const ALL: [FileKind; 5] = [
        FileKind::Pdf,
        FileKind::Docx,
        FileKind::Xlsx,
        FileKind::Png,
        FileKind::Jpeg,
    ];

    /// The MIME type the file is served with.
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
        }
    }

    /// The extensions (lower case) a name of this kind may end with; the first is the usual.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Docx => &["docx"],
            FileKind::Xlsx => &["xlsx"],
            FileKind::Png => &["png"],
            FileKind::Jpeg => &["jpg", "jpeg"],
        }
    }

    /// The kind a name's extension announces, if it is an accepted one.
    pub fn by_extension(ext: &str) -> Option<FileKind> {
        let ext = ext.to_ascii_lowercase();
        FileKind::ALL
            .into_iter()
            .find(|k| k.extensions().contains(&ext.as_str()))
    }

    /// The kind of a MIME type this platform wrote.
    pub fn by_mime(mime: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.mime() == mime)
    }

    /// Its name for people (locale key `upload.kind.*`).
    pub fn label(self, lang: Lang) -> String {
        lang.t(match self {
            FileKind::Pdf => "upload.kind.pdf",
            FileKind::Docx => "upload.kind.docx",
            FileKind::Xlsx => "upload.kind.xlsx",
            FileKind::Png => "upload.kind.png",
            FileKind::Jpeg => "upload.kind.jpeg",
        })
    }
}

/// What a refused file's content turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A program: Windows `MZ`, ELF, Mach-O, Java class, a `#!` script, ….
    Program,
    /// Markup a browser may run: HTML, XML, SVG (with or without a byte-order mark or
    /// leading blanks).
    Markup,
    /// An archive (a zip that is not an Office Open XML document, rar, 7z, gzip, …).
    Archive,
    /// Another recognized type, by its usual extension in upper case (`DOC`, `GIF`, …).
    Other(String),
    /// Nothing recognizable.
    Unknown,
}

/// Why an attachment's name or content is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// No bytes.
    Empty,
    /// The name does not end in an accepted extension.
    Extension,
    /// The content is not an accepted kind.
    Content(Found),
    /// The content is an accepted kind, but not the one the extension names.
    Mismatch {
        /// The name's extension (lower case).
        ext: String,
        /// What the content is.
        actual: FileKind,
    },
    /// An Office document carrying a VBA project (a `.docm`/`.xlsm` renamed).
    Macros,
}

/// The kind a file's content is, checked against its name: the one decision behind every
/// upload. The magic bytes must sit at the very start (a PDF header further in, which PDF
/// readers and `infer` tolerate, is how an HTML page passes as a PDF); an OOXML document must
/// have its `[Content_Types].xml` part and no VBA project.
pub fn file_kind(name: &str, bytes: &[u8]) -> Result<FileKind, FileProblem> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some(claimed) = FileKind::by_extension(&ext) else {
        return Err(FileProblem::Extension);
    };
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    let actual = content_kind(bytes)?;
    if matches!(actual, FileKind::Docx | FileKind::Xlsx) && contains(bytes, b"vbaProject.bin") {
        return Err(FileProblem::Macros);
    }
    if actual != claimed {
        return Err(FileProblem::Mismatch { ext, actual });
    }
    Ok(actual)
}

/// The accepted kind of some bytes, or what they are instead.
fn content_kind(bytes: &[u8]) -> Result<FileKind, FileProblem> {
    let found = infer::get(bytes);
    let mime = found.as_ref().map(|t| t.mime_type()).unwrap_or("");
    let kind = match mime {
        "application/pdf" if bytes.starts_with(b"%PDF-") => Some(FileKind::Pdf),
        "image/png" if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => Some(FileKind::Png),
        "image/jpeg" => Some(FileKind::Jpeg),
        // A zip: entry names sit uncompressed in its local headers, so the package parts can
        // be seen without unpacking. `infer` guesses from the order of the first entries,
        // which varies between producers; the parts themselves do not: every OOXML package
        // has `[Content_Types].xml`, a Word document `word/document.xml`, a workbook
        // `xl/workbook.xml`.
        _ if bytes.starts_with(b"PK\x03\x04") && contains(bytes, b"[Content_Types].xml") => {
            match (
                contains(bytes, b"word/document.xml"),
                contains(bytes, b"xl/workbook.xml"),
            ) {
                (true, false) => Some(FileKind::Docx),
                (false, true) => Some(FileKind::Xlsx),
                _ => None,
            }
        }
        _ => None,
    };
    if let Some(k) = kind {
        return Ok(k);
    }
    Err(FileProblem::Content(what_it_is(bytes, found)))
}

/// Names a refused content for the message.
fn what_it_is(bytes: &[u8], found: Option<infer::Type>) -> Found {
    use infer::MatcherType as M;
    let start = trim_blank_start(bytes);
    if start.starts_with(b"#!") {
        return Found::Program;
    }
    if start.starts_with(b"<") {
        return Found::Markup;
    }
    match found {
        Some(t) => match t.matcher_type() {
            M::App => Found::Program,
            M::Text => Found::Markup,
            // `infer` files PDF under archives; a PDF here had its header out of place.
            M::Archive if t.extension() == "pdf" => Found::Unknown,
            M::Archive => Found::Archive,
            // Looked like OOXML to the crate but lacks the package structure: just a zip.
            M::Doc if FileKind::by_mime(t.mime_type()).is_some() => Found::Archive,
            _ => Found::Other(t.extension().to_ascii_uppercase()),
        },
        None => Found::Unknown,
    }
}

/// Without a leading byte-order mark (UTF-8 or UTF-16) and ASCII blanks; UTF-16 text is
/// narrowed to its low bytes so `<html` is seen in either encoding.
fn trim_blank_start(bytes: &[u8]) -> Vec<u8> {
    let head = &bytes[..bytes.len().min(512)];
    let narrowed: Vec<u8> = if let Some(rest) = head.strip_prefix(b"\xEF\xBB\xBF") {
        rest.to_vec()
    } else if let Some(rest) = head.strip_prefix(b"\xFF\xFE") {
        rest.iter().step_by(2).copied().collect()
    } else if let Some(rest) = head.strip_prefix(b"\xFE\xFF") {
        rest.iter().skip(1).step_by(2).copied().collect()
    } else {
        head.to_vec()
    };
    let from = narrowed
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0)
        .unwrap_or(narrowed.len());
    narrowed[from..].to_vec()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Largest attachment.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// Why a file is refused, in words (without its name).
pub fn why(p: &FileProblem, lang: Lang) -> String {
    match p {
        FileProblem::Empty => lang.t("upload.err.empty"),
        FileProblem::Extension => lang.t("upload.err.type"),
        FileProblem::Content(Found::Program) => lang.t("upload.err.program"),
        FileProblem::Content(Found::Markup) => lang.t("upload.err.markup"),
        FileProblem::Content(Found::Archive) => lang.t("upload.err.archive"),
        FileProblem::Content(Found::Other(kind)) => lang.tf("upload.err.other", &[("kind", kind)]),
        FileProblem::Content(Found::Unknown) => lang.t("upload.err.unknown"),
        FileProblem::Mismatch { ext, actual } => lang.tf(
            "upload.err.mismatch",
            &[
                ("ext", ext),
                ("kind", &actual.label(lang)),
                ("right", actual.extensions()[0]),
            ],
        ),
        FileProblem::Macros => lang.t("upload.err.macros"),
    }
}

/// Checks one more attachment of a record that already has `existing` of at most
/// `max_files`: the count, the size ([`MAX_FILE_BYTES`]) and the type by content against
/// the name ([`file_kind`]). Every message names the file.
pub fn check_upload(
    name: &str,
    bytes: &[u8],
    existing: usize,
    max_files: usize,
    lang: Lang,
) -> Result<FileKind, String> {
    let named = |why: String| lang.tf("upload.err.named", &[("name", name), ("why", &why)]);
    if existing >= max_files {
        return Err(named(
            lang.tf("upload.err.too_many", &[("max", &max_files.to_string())]),
        ));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(named(lang.tf("upload.err.size", &[("max", "5 MB")])));
    }
    file_kind(name, bytes).map_err(|p| named(why(&p, lang)))
}

/// Where a stored file lives: `<data dir>/<folder>/<key>`. The folder is the room's
/// constant and the key one the application generated (hex), never user input.
pub fn stored_path(data_dir: &std::path::Path, folder: &str, key: &str) -> std::path::PathBuf {
    data_dir.join(folder).join(key)
}

/// Writes an accepted upload under the room's folder of the data directory, first to a
/// temporary name and then renamed (a reader never sees half a file): its fresh key. The
/// caller records its row next and, should that fail or be refused, calls [`remove`].
pub async fn store(
    data_dir: &std::path::Path,
    folder: &str,
    bytes: &[u8],
) -> std::io::Result<String> {
    tokio::fs::create_dir_all(data_dir.join(folder)).await?;
    let key = crate::kernel::photos::new_key();
    let path = stored_path(data_dir, folder, &key);
    let tmp = path.with_extension("tmp");
    let res = async {
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await
    }
    .await;
    if let Err(e) = res {
        remove(data_dir, folder, &key).await;
        return Err(e);
    }
    Ok(key)
}

/// A stored file's bytes (`None`: not there).
pub async fn read(
    data_dir: &std::path::Path,
    folder: &str,
    key: &str,
) -> std::io::Result<Option<Vec<u8>>> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    match tokio::fs::read(stored_path(data_dir, folder, key)).await {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Removes a stored file (and its temporary name); missing files are fine.
pub async fn remove(data_dir: &std::path::Path, folder: &str, key: &str) {
    let p = stored_path(data_dir, folder, key);
    for f in [p.with_extension("tmp"), p] {
        if let Err(e) = tokio::fs::remove_file(&f).await
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(file = %f.display(), error = %e, "could not remove a stored file");
        }
    }
}

/// The SHA-256 of some bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Longest attachment name, in characters (the stored column's width).
pub const MAX_NAME_CHARS: usize = 200;

/// An uploaded file's name as stored and shown: Unicode NFC, its last path segment, without
/// control characters or the invisible marks that reorder or hide text
/// (`invoice\u{202E}fdp.exe` would show as `invoiceexe.pdf`), trimmed of blanks and trailing
/// dots, at most [`MAX_NAME_CHARS`] characters. A long name is shortened before its
/// extension, so the type it announces stays.
pub fn clean_file_name(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let hidden = |c: char| matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}');
    let visible: String = s.nfc().filter(|&c| !c.is_control() && !hidden(c)).collect();
    let base = visible
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches(['.', ' '])
        .trim_start();
    if base.chars().count() <= MAX_NAME_CHARS {
        return base.to_string();
    }
    match base.rsplit_once('.') {
        Some((stem, ext)) if !ext.is_empty() && ext.chars().count() <= 10 => {
            let keep = MAX_NAME_CHARS - 1 - ext.chars().count();
            let stem: String = stem.chars().take(keep).collect();
            format!("{}.{ext}", stem.trim_end())
        }
        _ => base.chars().take(MAX_NAME_CHARS).collect(),
    }
}

/// A size in words people read: bytes, KB or MB with one decimal (1 KB = 1024 bytes).
pub fn size_label(bytes: i64) -> String {
    const KB: i64 = 1024;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < KB * KB {
        format!("{}.{} KB", bytes / KB, bytes % KB * 10 / KB)
    } else {
        format!(
            "{}.{} MB",
            bytes / (KB * KB),
            bytes % (KB * KB) * 10 / (KB * KB)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_are_checked_by_count_size_and_content_naming_the_file() {
        let pdf = b"%PDF-1.7 ...";
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(check_upload("方案.pdf", pdf, 0, 5, lang), Ok(FileKind::Pdf));
            assert_eq!(check_upload("方案.pdf", pdf, 4, 5, lang), Ok(FileKind::Pdf));
            for m in [
                check_upload("方案.pdf", pdf, 5, 5, lang).unwrap_err(),
                check_upload(
                    "方案.pdf",
                    &[b"%PDF-".as_slice(), &vec![0u8; MAX_FILE_BYTES]].concat(),
                    0,
                    5,
                    lang,
                )
                .unwrap_err(),
                check_upload("方案.pdf", b"", 0, 5, lang).unwrap_err(),
                check_upload("方案.exe", pdf, 0, 5, lang).unwrap_err(),
                check_upload("方案.pdf", b"MZ\x90\x00", 0, 5, lang).unwrap_err(),
                check_upload("方案.pdf", b"\x89PNG\r\n\x1a\n....", 0, 5, lang).unwrap_err(),
            ] {
                assert!(m.contains("方案."), "{m}");
            }
        }
        // Exactly the limit passes.
        let exact = [b"%PDF-".as_slice(), &vec![0u8; MAX_FILE_BYTES - 5]].concat();
        assert_eq!(
            check_upload("a.pdf", &exact, 0, 5, Lang::En),
            Ok(FileKind::Pdf)
        );
    }

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
