//! Pages that are not one plain scanned image (vector drawings, several
//! images, JBIG2 or JPEG 2000 scans, transparency) are rendered by poppler's
//! `pdftoppm`, the renderer of the PDF tools the tests already rely on:
//! what it draws is what a viewer shows. Writing a PDF renderer is out of
//! scope, and no Rust crate renders PDFs without a C library of its own.

use crate::error::{Error, Result};
use crate::input::tool::{exited, last_line, wait_within};
use crate::input::{Limits, Pixels, Source, check_size};
use image::{GrayImage, ImageFormat};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Resolution for pages without images, and the range an image's own
/// resolution is held to when it sets the rendering resolution.
pub(super) const DEFAULT_DPI: f32 = 300.0;
pub(super) const MIN_DPI: f32 = 150.0;
pub(super) const MAX_DPI: f32 = 600.0;

/// Render page `number` (1-based) at `dpi`; `gray` asks for grey output
/// when the page is known to hold no colour.
pub(super) fn render(
    source: &Source,
    path: &Path,
    number: u32,
    dpi: f32,
    gray: bool,
    limits: &Limits,
) -> Result<Pixels> {
    let n = number.to_string();
    let r = format!("{dpi}");
    let mut cmd = Command::new("pdftoppm");
    cmd.args(["-f", &n, "-l", &n, "-r", &r, "-cropbox"]);
    if gray {
        cmd.arg("-gray");
    }
    match source {
        Source::File(p) => cmd.arg(p),
        Source::Stdin(_) => cmd.arg("-"),
    };
    cmd.stdin(match source {
        Source::File(_) => Stdio::null(),
        Source::Stdin(_) => Stdio::piped(),
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::MissingTool {
            path: path.to_path_buf(),
            tool: "pdftoppm",
            purpose: format!("render page {number} (not a plain scanned image)"),
            package: "poppler-utils",
        },
        _ => Error::input(path, format!("cannot run pdftoppm: {e}")),
    })?;
    let stdin = child.stdin.take();
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    // The pixel cap is checked before rendering (the page's size at `dpi`
    // when it was listed) and again on what pdftoppm returns; its output
    // is read only up to what the cap allows.
    let most = limits.max_pixels.saturating_mul(3).saturating_add(1 << 10);
    let (ppm, errors, status) = std::thread::scope(|s| {
        if let (Some(mut pipe), Source::Stdin(bytes)) = (stdin, source) {
            // pdftoppm may stop reading early; its exit status tells.
            s.spawn(move || pipe.write_all(bytes));
        }
        let err = s.spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let out = s.spawn(move || {
            let mut ppm = Vec::new();
            (&mut stdout).take(most).read_to_end(&mut ppm).map(|_| ppm)
        });
        let status = wait_within(&mut child, limits.render_timeout);
        let ppm = out.join().unwrap_or_else(|_| Ok(Vec::new()));
        (ppm, err.join().unwrap_or_default(), status)
    });
    let status = exited(status, "pdftoppm", "rendering it", limits.render_timeout)
        .map_err(|m| Error::input(path, format!("page {number}: {m}")))?;
    let ppm = ppm.map_err(|e| Error::input(path, format!("pdftoppm output: {e}")))?;
    if !status.success() || ppm.is_empty() {
        let reason = last_line(&errors);
        return Err(Error::input(
            path,
            format!("page {number} cannot be rendered: pdftoppm: {reason}"),
        ));
    }
    let reader = || image::ImageReader::with_format(std::io::Cursor::new(&ppm), ImageFormat::Pnm);
    let (w, h) = reader()
        .into_dimensions()
        .map_err(|e| Error::input(path, format!("page {number}: bad pdftoppm output: {e}")))?;
    check_size(path, w, h, limits)?;
    let img = reader()
        .decode()
        .map_err(|e| Error::input(path, format!("page {number}: bad pdftoppm output: {e}")))?;
    Ok(match Pixels::from_dynamic(img) {
        Pixels::Rgb(c) if c.pixels().all(|p| p[0] == p[1] && p[1] == p[2]) => {
            // Colour output of a page without colour: keep one channel.
            let data = c.as_raw().chunks_exact(3).map(|p| p[0]).collect();
            Pixels::Gray(GrayImage::from_raw(w, h, data).expect("one byte per pixel"))
        }
        other => other,
    })
}
