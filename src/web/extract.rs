//! The project's form and query extractors: like `axum_extra`'s, but a field whose
//! percent-decoded bytes are not valid UTF-8 is refused with 400 and a message in the user's
//! language instead of being silently turned into replacement characters (what
//! `form_urlencoded` does), which would store text the user never typed.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::kernel::Lang;
use crate::kernel::error::AppError;

/// Whether every `&`-separated pair of a urlencoded string decodes to valid UTF-8.
pub fn is_strict_utf8(encoded: &[u8]) -> bool {
    encoded
        .split(|b| *b == b'&')
        .all(|pair| percent_encoding::percent_decode(pair).decode_utf8().is_ok())
}

fn lang_of(parts: &Parts) -> Lang {
    parts.extensions.get::<Lang>().copied().unwrap_or_else(|| {
        super::i18n::query_lang(parts.uri.query())
            .unwrap_or_else(|| Lang::from_headers(&parts.headers))
    })
}

fn strict<T: DeserializeOwned>(encoded: &[u8], lang: Lang) -> Result<T, AppError> {
    if !is_strict_utf8(encoded) {
        return Err(AppError::BadRequest(lang.t("text.err.bad_utf8")));
    }
    serde_html_form::from_bytes(encoded)
        .map_err(|_| AppError::BadRequest(lang.t("error.bad_request.message")))
}

/// A urlencoded form (the body; the query string for GET and HEAD), decoded strictly.
#[derive(Debug, Clone, Copy, Default)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let lang = lang_of(&parts);
        if matches!(parts.method, Method::GET | Method::HEAD) {
            let q = parts.uri.query().unwrap_or_default();
            return strict(q.as_bytes(), lang)
                .map(Form)
                .map_err(IntoResponse::into_response);
        }
        let urlencoded = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !urlencoded {
            return Err(StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response());
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        strict(&bytes, lang)
            .map(Form)
            .map_err(IntoResponse::into_response)
    }
}

/// A query string, decoded strictly.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or_default();
        strict(q.as_bytes(), lang_of(parts))
            .map(Query)
            .map_err(IntoResponse::into_response)
    }
}

/// Decodes a query string into its pairs strictly: `None` when a value is not valid UTF-8.
pub fn strict_pairs(query: &str) -> Option<Vec<(String, String)>> {
    is_strict_utf8(query.as_bytes())
        .then(|| serde_urlencoded::from_str::<Vec<(String, String)>>(query).ok())
        .flatten()
}

/// What a file-only multipart upload carried (its `file` part; other parts are skipped): the file (its cleaned name and at most
/// `MAX_FILE_BYTES + 1` bytes), if one was chosen.
pub async fn read_file_field(
    mp: &mut axum::extract::Multipart,
    lang: crate::kernel::Lang,
) -> Result<Option<(String, Vec<u8>)>, String> {
    use crate::kernel::files::{MAX_FILE_BYTES, clean_file_name};
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            lang.tf("upload.err.size", &[("max", "5 MB")])
        } else {
            lang.t("bid.err.upload")
        }
    };
    let mut file = None;
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_file_name(field.file_name().unwrap_or(""));
        let mut buf: Vec<u8> = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            let room = MAX_FILE_BYTES + 1 - buf.len();
            buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if buf.len() > MAX_FILE_BYTES {
                break;
            }
        }
        if !(name.is_empty() && buf.is_empty()) {
            file = Some((name, buf));
        }
    }
    Ok(file)
}

/// The one file a file-only upload form must carry: its name and bytes, or the message for
/// the file field (no multipart body, no file chosen, or a broken or oversized body).
pub async fn one_file(
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    lang: crate::kernel::Lang,
) -> Result<(String, Vec<u8>), String> {
    match mp {
        Err(_) => Err(lang.t("bid.err.no_file")),
        Ok(mut mp) => read_file_field(&mut mp, lang)
            .await?
            .ok_or_else(|| lang.t("bid.err.no_file")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_utf8_refuses_broken_bytes_only() {
        assert!(is_strict_utf8(b"a=1&b=%E5%85%BB+x&c="));
        assert!(is_strict_utf8(b""));
        assert!(!is_strict_utf8(b"name=%FF%FE"));
        assert!(!is_strict_utf8(b"ok=1&name=%E5%85"));
        assert!(!is_strict_utf8(b"%C0%AF=x"));
        assert_eq!(
            strict_pairs("q=%E5%85%BB&page=2"),
            Some(vec![("q".into(), "养".into()), ("page".into(), "2".into())])
        );
        assert_eq!(strict_pairs("q=%FF"), None);
    }
}
