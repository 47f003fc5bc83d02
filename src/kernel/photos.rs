//! Photos, the one pipeline behind every room that shows pictures (brand projects,
//! incubators): what an upload must be and what is kept of it. An upload is typed by its
//! content (magic bytes via `infer`: JPEG, PNG or WebP only, whatever its name says),
//! decoded with the `image` crate under size limits (a small file that decodes to a huge
//! image is refused before the memory is taken), turned upright by its orientation tag,
//! and re-encoded as two JPEG renditions — a thumbnail and a large size. Only the
//! re-encoded pixels are stored, so EXIF (camera, GPS position, time) and anything else
//! the original carried never reach the disk. Files live under
//! `<data dir>/<folder>/<key>-{thumb,large}.jpg`: the folder is the room's (`brands`,
//! `incubators`), the key a random name the room's database row holds.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::kernel::Lang;
use crate::kernel::error::AppError;

/// The largest upload accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// The longest side of a thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 320;
/// The longest side of the large rendition, in pixels (smaller images keep their size).
pub const LARGE_SIDE: u32 = 1280;
/// The longest side an upload may decode to, in pixels.
pub const MAX_DECODED_SIDE: u32 = 12_000;
/// What decoding may allocate, in bytes.
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;
/// JPEG quality of both renditions.
const QUALITY: u8 = 85;

/// Why an upload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoProblem {
    /// No file chosen, or an empty one.
    Empty,
    /// Larger than [`MAX_PHOTO_BYTES`].
    TooLarge,
    /// Not a JPEG, PNG or WebP image by its content.
    NotImage,
    /// Claims to be an image but does not decode (or decodes to too many pixels).
    Broken,
    /// The page already has its photos: at most this many.
    TooMany(u64),
}

impl PhotoProblem {
    /// A message in the user's language.
    pub fn message(self, lang: Lang) -> String {
        match self {
            PhotoProblem::Empty => lang.t("photo.err.empty"),
            PhotoProblem::TooLarge => lang.tf("photo.err.too_large", &[("max", &max_size())]),
            PhotoProblem::NotImage => lang.t("photo.err.not_image"),
            PhotoProblem::Broken => lang.t("photo.err.broken"),
            PhotoProblem::TooMany(max) => {
                lang.tf("photo.err.too_many", &[("max", &max.to_string())])
            }
        }
    }
}

/// The largest upload as people read it ("5 MB").
pub fn max_size() -> String {
    format!("{} MB", MAX_PHOTO_BYTES / (1024 * 1024))
}

/// The two stored renditions of an upload.
#[derive(Debug, Clone)]
pub struct Renditions {
    /// JPEG, longest side at most [`THUMB_SIDE`].
    pub thumb: Vec<u8>,
    /// JPEG, longest side at most [`LARGE_SIDE`].
    pub large: Vec<u8>,
    /// Size of the large rendition.
    pub width: u32,
    /// Size of the large rendition.
    pub height: u32,
}

/// The accepted format of some bytes, by their content alone.
pub fn content_format(bytes: &[u8]) -> Option<ImageFormat> {
    match infer::get(bytes)?.mime_type() {
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/png" => Some(ImageFormat::Png),
        "image/webp" => Some(ImageFormat::WebP),
        _ => None,
    }
}

/// JPEG has no alpha: transparent parts become what their colour channels hold.
fn encode(img: &DynamicImage) -> Result<Vec<u8>, PhotoProblem> {
    let mut out = Vec::new();
    let rgb = img.to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&rgb)
        .map_err(|_| PhotoProblem::Broken)?;
    Ok(out)
}

/// Checks an upload and makes its renditions (CPU-bound: run it off the async workers).
pub fn process(bytes: &[u8]) -> Result<Renditions, PhotoProblem> {
    if bytes.is_empty() {
        return Err(PhotoProblem::Empty);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoProblem::TooLarge);
    }
    let format = content_format(bytes).ok_or(PhotoProblem::NotImage)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoProblem::Broken)?;
    let orientation = decoder.orientation().map_err(|_| PhotoProblem::Broken)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| PhotoProblem::Broken)?;
    img.apply_orientation(orientation);
    let large = if img.width() > LARGE_SIDE || img.height() > LARGE_SIDE {
        img.resize(
            LARGE_SIDE,
            LARGE_SIDE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        img
    };
    let thumb = large.thumbnail(THUMB_SIDE, THUMB_SIDE);
    Ok(Renditions {
        thumb: encode(&thumb)?,
        large: encode(&large)?,
        width: large.width(),
        height: large.height(),
    })
}

/// A rendition's size name in URLs and file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// The thumbnail.
    Thumb,
    /// The large rendition.
    Large,
}

impl Size {
    /// The name in URLs and file names.
    pub fn suffix(self) -> &'static str {
        match self {
            Size::Thumb => "thumb",
            Size::Large => "large",
        }
    }
}

/// The directory of a room's photos under the data directory. The folder is the room's
/// constant, never user input.
pub fn dir(data_dir: &Path, folder: &str) -> PathBuf {
    data_dir.join(folder)
}

/// A rendition's file. The key is one the application generated (hex), never user input.
pub fn path(data_dir: &Path, folder: &str, key: &str, size: Size) -> PathBuf {
    dir(data_dir, folder).join(format!("{key}-{}.jpg", size.suffix()))
}

/// A fresh random file key.
pub fn new_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Writes both renditions (first to a temporary name, then renamed, so a reader never sees
/// half a file). On failure nothing of this key is left behind.
pub async fn write(
    data_dir: &Path,
    folder: &str,
    key: &str,
    r: &Renditions,
) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir(data_dir, folder)).await?;
    let res = async {
        for (size, bytes) in [(Size::Thumb, &r.thumb), (Size::Large, &r.large)] {
            let final_path = path(data_dir, folder, key, size);
            let tmp = final_path.with_extension("tmp");
            tokio::fs::write(&tmp, bytes).await?;
            tokio::fs::rename(&tmp, &final_path).await?;
        }
        Ok(())
    }
    .await;
    if res.is_err() {
        remove(data_dir, folder, key).await;
    }
    res
}

/// Removes both renditions (and any temporary file) of a key; missing files are fine.
pub async fn remove(data_dir: &Path, folder: &str, key: &str) {
    for size in [Size::Thumb, Size::Large] {
        let p = path(data_dir, folder, key, size);
        for f in [p.with_extension("tmp"), p] {
            if let Err(e) = tokio::fs::remove_file(&f).await
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(file = %f.display(), error = %e, "could not remove a photo");
            }
        }
    }
}

/// An upload whose renditions are written: what the room's row records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The files' key.
    pub key: String,
    /// Size of the large rendition.
    pub width: u32,
    /// Size of the large rendition.
    pub height: u32,
}

/// Checks and re-encodes an upload off the async workers, then writes both renditions
/// under the room's folder. `Ok(Err(_))` says why the upload was refused (nothing was
/// written). The caller records its row next and, should that fail or be refused, calls
/// [`remove`] with the key, so no file outlives a row that was not committed.
pub async fn store(
    data_dir: &Path,
    folder: &str,
    bytes: Vec<u8>,
) -> Result<Result<Stored, PhotoProblem>, AppError> {
    let processed = tokio::task::spawn_blocking(move || process(&bytes))
        .await
        .map_err(|e| AppError::Internal(format!("photo processing: {e}")))?;
    let r = match processed {
        Ok(r) => r,
        Err(p) => return Ok(Err(p)),
    };
    let key = new_key();
    write(data_dir, folder, &key, &r)
        .await
        .map_err(|e| AppError::Internal(format!("writing a photo under {folder}: {e}")))?;
    Ok(Ok(Stored {
        key,
        width: r.width,
        height: r.height,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn renditions_fit_their_sides_and_keep_the_aspect() {
        let r = process(&png(2000, 1000)).unwrap();
        assert_eq!((r.width, r.height), (1280, 640));
        let t = image::load_from_memory(&r.thumb).unwrap();
        assert_eq!((t.width(), t.height()), (320, 160));
        assert_eq!(content_format(&r.large), Some(ImageFormat::Jpeg));
        // A small image keeps its size.
        let r = process(&png(200, 100)).unwrap();
        assert_eq!((r.width, r.height), (200, 100));
    }

    #[test]
    fn exif_does_not_survive() {
        // A JPEG with an APP1 Exif segment carrying a marker string after SOI.
        let mut plain = Vec::new();
        DynamicImage::ImageRgb8(image::RgbImage::new(40, 30))
            .write_to(&mut Cursor::new(&mut plain), ImageFormat::Jpeg)
            .unwrap();
        let payload = b"Exif\0\0GPS-SECRET-PLACE";
        let len = (payload.len() + 2) as u16;
        let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
        with_exif.extend_from_slice(&len.to_be_bytes());
        with_exif.extend_from_slice(payload);
        with_exif.extend_from_slice(&plain[2..]);
        assert!(with_exif.windows(10).any(|w| w == b"GPS-SECRET"));
        let r = process(&with_exif).unwrap();
        for out in [&r.thumb, &r.large] {
            assert!(!out.windows(10).any(|w| w == b"GPS-SECRET"));
            assert!(!out.windows(4).any(|w| w == b"Exif"));
        }
    }

    #[test]
    fn only_images_by_content_pass() {
        assert_eq!(process(b"").unwrap_err(), PhotoProblem::Empty);
        assert_eq!(
            process(b"%PDF-1.4 not a photo").unwrap_err(),
            PhotoProblem::NotImage
        );
        assert_eq!(
            process(b"<html>hi</html>").unwrap_err(),
            PhotoProblem::NotImage
        );
        // A GIF is an image, but not one of ours.
        assert_eq!(
            process(b"GIF89a\x01\x00\x01\x00").unwrap_err(),
            PhotoProblem::NotImage
        );
        // A PNG signature with garbage after it.
        let mut broken = b"\x89PNG\r\n\x1a\n".to_vec();
        broken.extend_from_slice(&[0u8; 64]);
        assert_eq!(process(&broken).unwrap_err(), PhotoProblem::Broken);
        let big = vec![0u8; MAX_PHOTO_BYTES + 1];
        assert_eq!(process(&big).unwrap_err(), PhotoProblem::TooLarge);
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // A tiny PNG header claiming 20000 × 20000 pixels.
        let mut p = png(10, 10);
        // IHDR width and height sit at bytes 16..24.
        p[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        p[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        assert_eq!(process(&p).unwrap_err(), PhotoProblem::Broken);
    }
}
