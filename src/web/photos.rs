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

/// An upload form refused while it was read, with the text parts read up to then (all of
/// them when only the file was too large), so the form comes back with what was typed.
#[derive(Debug)]
pub struct Refused {
    /// Why.
    pub problem: PhotoProblem,
    /// The text parts read (the file left out).
    pub upload: Upload,
}

/// Reads an upload form: the part named `file_field` as the file (kept only up to
/// [`MAX_PHOTO_BYTES`]: past it the rest is read and dropped and the form refused as too
/// large), every other part as text. A refusal carries the text parts read, so a caption
/// typed before or after the file is kept.
pub async fn read_upload(mp: &mut Multipart, file_field: &str) -> Result<Upload, Refused> {
    fn broken(e: axum::extract::multipart::MultipartError) -> PhotoProblem {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            PhotoProblem::TooLarge
        } else {
            PhotoProblem::Broken
        }
    }
    let mut out = Upload::default();
    let mut too_large = false;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let problem = if too_large {
                    PhotoProblem::TooLarge
                } else {
                    broken(e)
                };
                return Err(Refused {
                    problem,
                    upload: out,
                });
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let is_file = name == file_field;
        let max = if is_file {
            MAX_PHOTO_BYTES
        } else {
            MAX_TEXT_BYTES
        };
        let mut buf: Vec<u8> = Vec::new();
        let mut over = false;
        loop {
            let chunk = match field.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    let problem = if too_large || (is_file && over) {
                        PhotoProblem::TooLarge
                    } else {
                        broken(e)
                    };
                    return Err(Refused {
                        problem,
                        upload: out,
                    });
                }
            };
            if over {
                // Past the limit: read on (the body limit bounds it) to reach the parts
                // after the file, keeping nothing.
                continue;
            }
            let room = max + 1 - buf.len();
            buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if buf.len() > max {
                over = true;
                if !is_file {
                    break;
                }
            }
        }
        if is_file {
            if over {
                too_large = true;
            } else if !buf.is_empty() {
                out.file = Some(buf);
            }
        } else {
            buf.truncate(max);
            out.fields
                .insert(name, String::from_utf8_lossy(&buf).into_owned());
        }
    }
    if too_large {
        out.file = None;
        return Err(Refused {
            problem: PhotoProblem::TooLarge,
            upload: out,
        });
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
