//! `ocrpdf clean --layers`: a colour-layered page's three layers as their
//! own image files, as the PDF stores them (the mask at full resolution,
//! foreground and background at theirs), for inspection and for other
//! MRC tools.

use super::encode::{self, ImageFormat, PageRaster};
use crate::clean::CleanPage;
use crate::clean::colour::Layers;
use crate::error::{Error, Result};
use crate::input::{Dpi, Pixels};
use crate::output::{self, Mode};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Write `NAME-mask`, `NAME-foreground` and `NAME-background` beside
/// `page_file` (`NAME` is its stem, the extension the format's), each
/// with its own resolution. Returns the paths written.
pub(super) fn write(
    page_file: &Path,
    format: ImageFormat,
    layers: &Layers,
    page: &CleanPage,
    force: bool,
) -> Result<Vec<PathBuf>> {
    let stem = page_file
        .file_stem()
        .map_or_else(|| "page".into(), |s| s.to_string_lossy().into_owned());
    let dir = page_file.parent().unwrap_or(Path::new("."));
    let scaled = |cell: u32| Dpi {
        x: page.dpi.x / cell as f32,
        y: page.dpi.y / cell as f32,
    };
    let parts = [
        (
            "mask",
            PageRaster::Bilevel(&page.bits),
            page.dpi,
            true,
            false,
        ),
        (
            "foreground",
            PageRaster::Tone(Cow::Owned(Pixels::Rgb(layers.foreground.clone()))),
            scaled(layers.fg_cell),
            false,
            true,
        ),
        (
            "background",
            PageRaster::Tone(Cow::Owned(Pixels::Rgb(layers.background.clone()))),
            scaled(layers.bg_cell),
            false,
            true,
        ),
    ];
    let mode = if force {
        Mode::Replace
    } else {
        Mode::NoReplace
    };
    let mut written = Vec::new();
    for (name, raster, dpi, bilevel, colour) in parts {
        let path = dir.join(format!(
            "{stem}-{name}.{}",
            format.extension(bilevel, colour)
        ));
        let mut bytes = Vec::new();
        encode::write(&mut bytes, &raster, dpi, format)
            .map_err(|e| Error::Internal(format!("{}: {e}", path.display())))?;
        output::write(&path, &bytes, mode)?;
        written.push(path);
    }
    Ok(written)
}
