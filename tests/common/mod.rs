//! One harness for the integration tests: a temp folder, the real binary,
//! and the real PDF tools (poppler's pdftotext/pdfimages/pdfinfo, MuPDF's
//! mutool, qpdf).
#![allow(dead_code)]

#[path = "colour.rs"]
pub mod colour;
#[path = "faded.rs"]
pub mod faded;
#[path = "gen.rs"]
pub mod generator;
#[path = "kinds.rs"]
pub mod kinds;
#[path = "layouts.rs"]
pub mod layouts;
#[path = "looks.rs"]
pub mod looks;
#[path = "pdfdoc.rs"]
pub mod pdfdoc;
#[path = "phone.rs"]
pub mod phone;
#[path = "schema.rs"]
pub mod schema;
#[path = "sheets.rs"]
pub mod sheets;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `ocrpdf` with `args` in `dir`, optionally feeding `stdin`.
pub fn ocrpdf(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    ocrpdf_with(dir, args, stdin, |_| {})
}

/// [`ocrpdf`], with `setup` adjusting the command first (its environment).
pub fn ocrpdf_with(
    dir: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    setup: impl FnOnce(&mut Command),
) -> Run {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ocrpdf"));
    cmd.current_dir(dir).args(args);
    // ocrpdf's own model folder is below XDG_DATA_HOME: point that at
    // nothing, so models a developer installed there (scripts/get-model.sh)
    // do not change what the tests measure. `setup` may set it again.
    cmd.env("XDG_DATA_HOME", dir.join(".no-xdg-data"));
    setup(&mut cmd);
    cmd.stdin(if stdin.is_some() {
        std::process::Stdio::piped()
    } else {
        std::process::Stdio::null()
    });
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("ocrpdf runs");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tool(name: &str, args: &[&str]) -> Output {
    Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} is needed by the tests (poppler-utils, mupdf-tools, qpdf): {e}")
    })
}

/// Text of page `page` (1-based) as `pdftotext` extracts it.
pub fn pdftotext(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = tool(
        "pdftotext",
        &["-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
    );
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Text of page `page` (1-based) in content-stream order (`pdftotext
/// -raw`): the order the text layer was written in, which copy and paste
/// in most viewers follows.
pub fn pdftotext_raw(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = tool(
        "pdftotext",
        &["-raw", "-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
    );
    assert!(
        out.status.success(),
        "pdftotext -raw failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Text of page `page` (1-based) as MuPDF extracts it (`mutool draw -F
/// txt`), the second extraction engine next to poppler's [`pdftotext`].
pub fn mutool_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = tool(
        "mutool",
        &[
            "draw",
            "-q",
            "-F",
            "txt",
            "-o",
            "-",
            pdf.to_str().unwrap(),
            &p,
        ],
    );
    assert!(
        out.status.success(),
        "mutool draw failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whitespace-separated words of `text`, punctuation kept, with counts.
fn word_counts(text: &str) -> std::collections::BTreeMap<&str, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for w in text.split_whitespace() {
        *counts.entry(w).or_insert(0) += 1;
    }
    counts
}

/// Whether two extractions hold the same words the same number of times,
/// in any order (engines order lines and columns differently, and that is
/// not what a text layer controls). The error lists the words only one
/// side has.
pub fn same_words(a: &str, b: &str) -> Result<(), String> {
    let (ca, cb) = (word_counts(a), word_counts(b));
    let only = |x: &std::collections::BTreeMap<&str, usize>,
                y: &std::collections::BTreeMap<&str, usize>| {
        x.iter()
            .filter_map(|(w, &n)| {
                let extra = n.saturating_sub(y.get(w).copied().unwrap_or(0));
                (extra > 0).then(|| format!("{w}×{extra}"))
            })
            .collect::<Vec<_>>()
    };
    let (in_a, in_b) = (only(&ca, &cb), only(&cb, &ca));
    if in_a.is_empty() && in_b.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} words differ; only in the first: [{}]; only in the second: [{}]",
            in_a.len() + in_b.len(),
            in_a.join(" "),
            in_b.join(" ")
        ))
    }
}

/// Fraction of the words of `truth` (with repeats) that `got` contains,
/// compared exactly, punctuation kept; 1.0 for an empty truth.
pub fn word_recall(truth: &str, got: &str) -> f64 {
    let (ct, cg) = (word_counts(truth), word_counts(got));
    let total: usize = ct.values().sum();
    let found: usize = ct
        .iter()
        .map(|(w, &n)| n.min(cg.get(w).copied().unwrap_or(0)))
        .sum();
    if total == 0 {
        1.0
    } else {
        found as f64 / total as f64
    }
}

/// Words of page `page` with their boxes in points, origin top-left.
pub fn pdftotext_bbox(pdf: &Path, page: usize) -> Vec<(String, [f32; 4])> {
    let p = page.to_string();
    let out = tool(
        "pdftotext",
        &["-bbox", "-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
    );
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |line: &str, name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let text = l
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string();
            (
                text,
                [
                    attr(l, "xMin"),
                    attr(l, "yMin"),
                    attr(l, "xMax"),
                    attr(l, "yMax"),
                ],
            )
        })
        .collect()
}

pub fn page_count(pdf: &Path) -> usize {
    let out = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let info = String::from_utf8(out.stdout).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|v| v.trim().parse().unwrap())
        .expect("pdfinfo prints Pages:")
}

/// `qpdf --check` passes without warnings.
pub fn assert_qpdf_ok(pdf: &Path) {
    let out = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !text.contains("WARNING"),
        "qpdf --check failed:\n{text}"
    );
}

/// Rows of `pdfimages -list`: (page, width, height, color, bpc, enc).
pub fn pdfimages_list(pdf: &Path) -> Vec<(usize, u32, u32, String, u32, String)> {
    let out = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(2)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[0].parse().unwrap(),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
                f[5].to_string(),
                f[7].parse().unwrap(),
                f[8].to_string(),
            )
        })
        .collect()
}

/// Extract every image of the PDF as PNG into `dir`; returns their paths in order.
pub fn pdfimages_png(pdf: &Path, dir: &Path) -> Vec<PathBuf> {
    let prefix = dir.join("img");
    let out = tool(
        "pdfimages",
        &["-png", pdf.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    assert!(out.status.success());
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("img"))
        .collect();
    v.sort();
    v
}

/// Files in `dir`, sorted by name.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

/// A small page (few lines) for tests that need OCR but not a full page.
pub fn small_page(seed: u64, lines: usize) -> generator::Page {
    generator::render(&generator::Layout {
        seed,
        lines,
        size_in: (8.27, 3.0),
        ..Default::default()
    })
}

/// Page size in points of page 1, as `pdfinfo` reports it.
pub fn page_size_pt(pdf: &Path) -> (f32, f32) {
    let out = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let info = String::from_utf8(out.stdout).unwrap();
    let line = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .expect("pdfinfo prints Page size:");
    let nums: Vec<f32> = line
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    (nums[0], nums[1])
}

/// Page 1 of `pdf` is A4 (595.3 x 841.9 pt) within 2 % each way: a
/// photo's page found and flattened to its paper (the photo's frame, 3:4,
/// would be 6 % off).
pub fn assert_a4_page(pdf: &Path) {
    let (pw, ph) = page_size_pt(pdf);
    assert!(
        (pw / 595.3 - 1.0).abs() < 0.02 && (ph / 841.9 - 1.0).abs() < 0.02,
        "page {pw} x {ph} pt"
    );
}

/// Write grey pages as one multi-page TIFF at `dpi`.
pub fn write_tiff_pages(path: &Path, pages: &[image::GrayImage], dpi: u32) {
    let f = std::fs::File::create(path).unwrap();
    let mut enc = tiff::encoder::TiffEncoder::new(std::io::BufWriter::new(f)).unwrap();
    for p in pages {
        let mut img = enc
            .new_image::<tiff::encoder::colortype::Gray8>(p.width(), p.height())
            .unwrap();
        img.resolution(
            tiff::tags::ResolutionUnit::Inch,
            tiff::encoder::Rational { n: dpi, d: 1 },
        );
        img.write_data(p.as_raw()).unwrap();
    }
}

/// Send `sig` (e.g. `-INT`) to process `pid` with bash's builtin `kill`: a
/// minimal Debian has no `kill` program (procps), but bash is always there.
pub fn send_signal(pid: u32, sig: &str) -> bool {
    Command::new("bash")
        .args(["-c", "kill \"$0\" \"$1\"", sig, &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}

/// Page `page` (from 1) of `pdf` as poppler renders it at `dpi`, in colour;
/// the PNG is written next to `out` (its extension replaced).
pub fn render_page(pdf: &Path, page: usize, dpi: u32, out: &Path) -> image::RgbImage {
    pdftoppm(pdf, page, &["-r", &dpi.to_string()], out)
}

/// [`render_page`] to exactly `w` × `h` pixels (a render at the nominal
/// resolution can be a pixel larger, which shifts thin strokes).
pub fn render_page_sized(
    pdf: &Path,
    page: usize,
    (w, h): (u32, u32),
    out: &Path,
) -> image::RgbImage {
    let (w, h) = (w.to_string(), h.to_string());
    pdftoppm(pdf, page, &["-scale-to-x", &w, "-scale-to-y", &h], out)
}

/// Page `page` of `pdf` rendered by pdftoppm with `size` options to the
/// PNG `out` (its extension replaced).
fn pdftoppm(pdf: &Path, page: usize, size: &[&str], out: &Path) -> image::RgbImage {
    let prefix = out.with_extension("");
    let p = page.to_string();
    let ok = Command::new("pdftoppm")
        .args(size)
        .args(["-png", "-singlefile", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .unwrap()
        .success();
    assert!(ok, "pdftoppm failed on {}", pdf.display());
    image::open(prefix.with_extension("png")).unwrap().to_rgb8()
}

/// A JBIG2 image's stream and the `/JBIG2Globals` object it names (its id
/// and data).
pub type Jbig2Image = (Vec<u8>, Option<(u32, Vec<u8>)>);

/// The one `/JBIG2Globals` stream every image of `images` names (its
/// data); fails when an image names none or another.
#[allow(dead_code)]
pub fn shared_globals(images: &[Jbig2Image]) -> Vec<u8> {
    let ids: Vec<Option<u32>> = images
        .iter()
        .map(|(_, g)| g.as_ref().map(|g| g.0))
        .collect();
    assert!(
        ids.first().is_some_and(Option::is_some) && ids.iter().all(|id| *id == ids[0]),
        "every page names one globals stream: {ids:?}"
    );
    images[0].1.as_ref().map(|g| g.1.clone()).unwrap()
}

/// Each page's JBIG2 image, in page order, as written in `pdf`.
pub fn jbig2_images(pdf: &Path) -> Vec<Jbig2Image> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut out = Vec::new();
    for (_, page) in doc.get_pages() {
        let (resources, _) = doc.get_page_resources(page).unwrap();
        let resources = resources.expect("page resources");
        let xobjects = resources.get(b"XObject").unwrap();
        let xobjects = match xobjects {
            lopdf::Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
            o => o.as_dict().unwrap(),
        };
        for (_, r) in xobjects {
            let stream = doc
                .get_object(r.as_reference().unwrap())
                .unwrap()
                .as_stream()
                .unwrap();
            if stream.dict.get(b"Filter").unwrap().as_name().unwrap() != b"JBIG2Decode" {
                continue;
            }
            let globals = stream
                .dict
                .get(b"DecodeParms")
                .ok()
                .and_then(|p| p.as_dict().ok())
                .and_then(|p| p.get(b"JBIG2Globals").ok())
                .map(|g| {
                    let id = g.as_reference().unwrap();
                    let data = doc
                        .get_object(id)
                        .unwrap()
                        .as_stream()
                        .unwrap()
                        .content
                        .clone();
                    (id.0, data)
                });
            out.push((stream.content.clone(), globals));
        }
    }
    out
}

/// The pixels `jbig2dec` decodes from an embedded stream (1 = ink) that
/// may refer to a `globals` stream.
pub fn jbig2dec(globals: Option<&[u8]>, stream: &[u8]) -> (u32, u32, Vec<bool>) {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("page.jb2"), dir.path().join("page.pbm"));
    std::fs::write(&input, stream).unwrap();
    let mut cmd = Command::new("jbig2dec");
    cmd.args(["-e", "-t", "pbm", "-o"]).arg(&output);
    if let Some(g) = globals {
        let path = dir.path().join("globals.jb2");
        std::fs::write(&path, g).unwrap();
        cmd.arg(path);
    }
    let out = cmd
        .arg(&input)
        .output()
        .expect("jbig2dec is needed (scripts/deps.sh installs it)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "jbig2dec: {}\n{stderr}", out.status);
    let pbm = std::fs::read(&output).unwrap();
    // P4: "P4\n<w> <h>\n" then rows packed MSB first, 1 = black.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 3 {
        while pbm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pbm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&pbm[start..at]).to_string());
    }
    at += 1;
    assert_eq!(fields[0], "P4");
    let (w, h): (u32, u32) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let stride = w.div_ceil(8) as usize;
    let mut px = Vec::with_capacity((w * h) as usize);
    for y in 0..h as usize {
        let row = &pbm[at + y * stride..at + (y + 1) * stride];
        for x in 0..w as usize {
            px.push(row[x / 8] & (0x80 >> (x % 8)) != 0);
        }
    }
    (w, h, px)
}
