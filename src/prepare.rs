//! One pre-flight for every command: what can be known wrong before any
//! page is read (no inputs, an output onto an input, a missing language or
//! orientation model) is refused here, in the same words everywhere.

use crate::error::{Error, Result};
use crate::input::{self, Input};
use crate::job::PageOptions;
use crate::ocr::{self, OcrOptions};
use std::path::{Component, Path, PathBuf};

/// What a command is about to do.
pub struct Preflight<'a> {
    /// The inputs, when the command has them up front (not `watch`).
    pub inputs: Option<&'a [Input]>,
    /// The one file the command writes, if it writes one.
    pub output: Option<&'a Path>,
    /// The OCR it will run; `None` when it runs none (`ocrpdf clean`).
    pub ocr: Option<&'a OcrOptions>,
    pub page: &'a PageOptions,
    /// The model folder of the orientation model when there is no OCR.
    pub tessdata: Option<&'a Path>,
}

/// Check `p` and return its inputs in the order they will be read.
pub fn prepare(p: &Preflight) -> Result<Vec<Input>> {
    let tessdata = p.ocr.map_or(p.tessdata, |o| o.tessdata.as_deref());
    if let Some(o) = p.ocr {
        ocr::check_languages(&o.languages, tessdata)?;
    }
    if p.page.rotate {
        check_osd(tessdata)?;
    }
    let Some(inputs) = p.inputs else {
        return Ok(Vec::new());
    };
    if inputs.is_empty() {
        return Err(Error::Config("no input images given".into()));
    }
    if let Some(out) = p.output {
        check_output(inputs, out)?;
    }
    let mut inputs = inputs.to_vec();
    if p.page.natural_sort {
        inputs.sort_by(|a, b| input::natural_cmp(&input_label(a), &input_label(b)));
    }
    Ok(inputs)
}

/// Page rotation needs Tesseract's orientation model; say so up front,
/// naming the chosen model folder if there is one.
fn check_osd(tessdata: Option<&Path>) -> Result<()> {
    ocr::check_languages(crate::ocr::OSD, tessdata).map(|_| ()).map_err(|_| {
        Error::Config(match tessdata {
            Some(dir) => format!(
                "page rotation needs Tesseract's orientation model osd.traineddata in the chosen model folder {} (copy Debian's from tesseract-ocr-osd); or turn it off with --no-rotate",
                dir.display()
            ),
            None => "page rotation needs Tesseract's orientation model (apt-get install tesseract-ocr-osd); or turn it off with --no-rotate".into(),
        })
    })
}

/// An input's name as sorting and messages see it.
pub(crate) fn input_label(i: &Input) -> String {
    match i {
        Input::Path(p) => p.to_string_lossy().into_owned(),
        Input::Stdin => "-".into(),
    }
}

/// Refuse outputs that would overwrite an input or cannot be a file.
fn check_output(inputs: &[Input], output: &Path) -> Result<()> {
    if output.is_dir() {
        return Err(Error::Config(format!(
            "{}: output is a directory",
            output.display()
        )));
    }
    let canon_out = canonical_target(output);
    for i in inputs {
        if let Input::Path(p) = i
            && let (Ok(a), Some(b)) = (p.canonicalize(), canon_out.as_ref())
            && &a == b
        {
            return Err(Error::Config(format!(
                "{}: output would overwrite an input",
                output.display()
            )));
        }
    }
    Ok(())
}

/// The canonical path `p` will have once created: its nearest existing
/// ancestor canonicalised, the rest appended.
pub(crate) fn canonical_target(p: &Path) -> Option<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(p)
    };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for comp in rest.iter().rev() {
                match comp {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return Some(out);
        }
        rest.push(existing.components().next_back()?);
        existing = existing.parent()?;
    }
}
