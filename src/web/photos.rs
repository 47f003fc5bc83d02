//! The web side of photos, shared by every room that takes and shows them (brand projects,
//! incubators): reading an upload form (the file stopped one byte past the limit, its text
//! fields beside it) and serving a stored rendition with the headers an immutable image
//! gets. What an upload must be and how it is stored is `kernel::photos`.

use std::collections::HashMap;
use std::path::Path;

use axum::extract::Multipart;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::kernel::error::{AppError, AppResult};
use crate::kernel::photos::{MAX_PHOTO_BYTES, PhotoProblem, Size};

/// The most a text field of an upload form may hold, in bytes (the room's rules then
/// check its characters and length).
const MAX_TEXT_BYTES: usize = 16 * 1024;

/// What an upload form carried.
#[derive(Debug, Default)]
pub struct Upload {
    /// The file part's bytes, when a non-empty file was sent.
    pub file: Option<Vec<u8>>,
    /// The text parts by name (the last one of a name wins).
    pub fields: HashMap<String, String>,
}

impl Upload {
    /// A text part, or empty.
    pub fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Reads an upload form: the part named `file_field` as the file (refused past
/// [`MAX_PHOTO_BYTES`] without reading further), every other part as text.
pub async fn read_upload(mp: &mut Multipart, file_field: &str) -> Result<Upload, PhotoProblem> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            PhotoProblem::TooLarge
        } else {
            PhotoProblem::Broken
        }
    };
    let mut out = Upload::default();
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or("").to_string();
        let is_file = name == file_field;
        let max = if is_file {
            MAX_PHOTO_BYTES
        } else {
            MAX_TEXT_BYTES
        };
        let mut buf: Vec<u8> = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            let room = max + 1 - buf.len();
            buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if buf.len() > max {
                if is_file {
                    return Err(PhotoProblem::TooLarge);
                }
                break;
            }
        }
        if is_file {
            if !buf.is_empty() {
                out.file = Some(buf);
            }
        } else {
            buf.truncate(max);
            out.fields
                .insert(name, String::from_utf8_lossy(&buf).into_owned());
        }
    }
    Ok(out)
}

/// A stored rendition as a response: JPEG, cached for a week by anyone (a photo's URL names
/// one immutable rendition: a new upload gets a new id). A missing file is "not found".
pub async fn serve(data_dir: &Path, folder: &str, key: &str, size: Size) -> AppResult<Response> {
    let file = crate::kernel::photos::path(data_dir, folder, key, size);
    let bytes = tokio::fs::read(&file).await.map_err(|e| {
        tracing::warn!(file = %file.display(), error = %e, "a photo's file is missing");
        AppError::NotFound
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "public, max-age=604800, immutable"),
        ],
        bytes,
    )
        .into_response())
}
