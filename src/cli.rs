//! Command-line definitions and their translation into a [`Config`].

use clap::{Parser, ValueEnum};
use ocrpdf::Config;
use ocrpdf::clean::{Binarize, CleanOptions, Despeckle, Mode};
use ocrpdf::input::{Dpi, Input, Limits};
use ocrpdf::ocr::OcrOptions;
use ocrpdf::pdf::DocInfo;
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    bad arguments
  2    an input is missing, unreadable, not an image, or fails to decode
  3    a dependency is missing (Tesseract language data)
  4    the output was written but failed its own check
  5    the output cannot be written
  7    OCR engine failure
  9    invalid or unsafe configuration (e.g. output would overwrite an input)
  15   other error
  130  interrupted; no output is left behind";

/// Turn scanned page images into one compact, searchable PDF.
///
/// Every page is cleaned (paper made white, specks removed, binarised),
/// recognised with Tesseract, and stored as a CCITT G4 image with an
/// invisible text layer, so the PDF can be searched and copied from.
#[derive(Debug, Parser)]
#[command(name = "ocrpdf", version, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    /// Page images in page order: PNG, JPEG, TIFF (every page), PNM; `-` reads one image from stdin
    #[arg(required = true, value_name = "IMAGE")]
    pub inputs: Vec<PathBuf>,

    /// The PDF to write (replaced atomically; never one of the inputs)
    #[arg(short, long, value_name = "PDF")]
    pub output: PathBuf,

    /// OCR languages, Tesseract style: `eng`, `deu`, `eng+deu`
    #[arg(
        short = 'l',
        long = "language",
        value_name = "LANGS",
        default_value = "eng"
    )]
    pub language: String,

    /// Pages processed at once [default: number of cores]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Resolution of the scans, overriding what the files say (300 is assumed when they say nothing)
    #[arg(long, value_name = "DPI", value_parser = parse_dpi)]
    pub dpi: Option<f32>,

    /// Order inputs by name with numbers compared by value (scan2 before scan10)
    #[arg(long)]
    pub natural_sort: bool,

    /// How hard to remove specks and dust
    #[arg(long, value_enum, default_value_t = DespeckleArg::Normal, value_name = "LEVEL")]
    pub despeckle: DespeckleArg,

    /// Thresholding method: local adaptive (robust) or one global threshold
    #[arg(long, value_enum, default_value_t = BinarizeArg::Sauvola, value_name = "METHOD")]
    pub binarize: BinarizeArg,

    /// Do not whiten the paper background (for scans that are already clean)
    #[arg(long)]
    pub keep_background: bool,

    /// Do not straighten skewed pages
    #[arg(long)]
    pub no_deskew: bool,

    /// Do not turn pages that lie sideways or upside down
    #[arg(long)]
    pub no_rotate: bool,

    /// Keep dark scanner borders at the page edges instead of whitening them
    #[arg(long)]
    pub keep_borders: bool,

    /// How pages are stored: `auto` keeps text bilevel and pictures in grey or colour; `bw`, `gray`, `color` force one kind for the whole page
    #[arg(long, value_enum, default_value_t = ModeArg::Auto, value_name = "MODE")]
    pub mode: ModeArg,

    /// Document title stored in the PDF
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// Refuse images larger than this many pixels (guards against decompression bombs)
    #[arg(long, value_name = "N", default_value_t = ocrpdf::input::DEFAULT_MAX_PIXELS)]
    pub max_pixels: u64,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,

    /// Print a line per page: words found, confidence, skew removed, rotation, size
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DespeckleArg {
    Off,
    Normal,
    Aggressive,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Auto,
    Bw,
    Gray,
    Color,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BinarizeArg {
    Sauvola,
    Otsu,
}

fn parse_dpi(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (20.0..=10_000.0).contains(&v) => Ok(v),
        _ => Err("expected a number between 20 and 10000".into()),
    }
}

impl Cli {
    pub fn to_config(&self) -> Config {
        let inputs = self
            .inputs
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    Input::Stdin
                } else {
                    Input::Path(p.clone())
                }
            })
            .collect();
        let mut cfg = Config::new(inputs, self.output.clone());
        cfg.ocr = OcrOptions {
            languages: self.language.clone(),
        };
        cfg.clean = CleanOptions {
            keep_background: self.keep_background,
            no_deskew: self.no_deskew,
            keep_borders: self.keep_borders,
            mode: match self.mode {
                ModeArg::Auto => Mode::Auto,
                ModeArg::Bw => Mode::Bw,
                ModeArg::Gray => Mode::Gray,
                ModeArg::Color => Mode::Color,
            },
            binarize: match self.binarize {
                BinarizeArg::Sauvola => Binarize::default(),
                BinarizeArg::Otsu => Binarize::Otsu,
            },
            despeckle: match self.despeckle {
                DespeckleArg::Off => Despeckle::Off,
                DespeckleArg::Normal => Despeckle::Normal,
                DespeckleArg::Aggressive => Despeckle::Aggressive,
            },
        };
        cfg.jobs = self.jobs.map(usize::from);
        cfg.dpi = self.dpi.map(Dpi::uniform);
        cfg.natural_sort = self.natural_sort;
        cfg.rotate = !self.no_rotate;
        cfg.limits = Limits {
            max_pixels: self.max_pixels,
        };
        cfg.info = DocInfo {
            title: self.title.clone(),
        };
        cfg
    }
}
