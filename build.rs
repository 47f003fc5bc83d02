//! Build steps: rebuild when the locale files change (rust-i18n reads them at compile time),
//! and compress the served static assets once, at their best quality, so the server never
//! compresses a static file per request (`web::assets` includes the results).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Directories under `static/` that are never served (the browser test's axe-core, the
/// ECharts build recipe).
const NOT_SERVED: &[&str] = &["vendor/axe-core", "vendor/echarts/build"];

/// Served files worth compressing (images other than SVG are compressed already).
const COMPRESSIBLE: &[&str] = &["css", "js", "json", "svg"];

fn main() {
    println!("cargo:rerun-if-changed=src/locales");
    println!("cargo:rerun-if-changed=static");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut files = Vec::new();
    walk(Path::new("static"), &mut files);
    for file in files {
        let rel = file.strip_prefix("static").expect("walked under static");
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        if NOT_SERVED.iter().any(|d| rel_str.starts_with(d)) {
            continue;
        }
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let body = std::fs::read(&file).expect("read a static file");
        let target = out.join("static").join(rel);
        std::fs::create_dir_all(target.parent().expect("a file has a parent"))
            .expect("create the output directory");
        write(&target, "br", &brotli(&body));
        write(&target, "gz", &gzip(&body));
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read a static directory")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn write(target: &Path, ext: &str, bytes: &[u8]) {
    let mut name = target.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    std::fs::write(PathBuf::from(name), bytes).expect("write a compressed asset");
}

fn brotli(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        // Quality 11 (best), a 4 MiB window: files are compressed once per build.
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(body).expect("brotli into memory");
    }
    out
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(body).expect("gzip into memory");
    e.finish().expect("gzip into memory")
}
