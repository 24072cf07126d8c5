//! Typed errors of the library and their stable exit codes.
//!
//! The numbers follow OCRmyPDF's so that scripts written for it carry over
//! (see DESIGN.md and the README's table).

use std::path::PathBuf;

/// What went wrong, coarse enough to pick an exit code from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad command-line arguments or option values.
    BadArgs,
    /// An input is missing, unreadable, not an image or PDF, or fails to
    /// decode (a signed PDF or dynamic XFA form included).
    Input,
    /// A dependency is missing: Tesseract itself, its language data, or
    /// pdftoppm for PDF pages that must be rendered.
    MissingDependency,
    /// The output was written but failed its own validity check.
    InvalidOutput,
    /// The output cannot be written.
    Output,
    /// A PDF page already has text and the strict policy was asked.
    AlreadyDone,
    /// The OCR engine failed on a page.
    Ocr,
    /// An input PDF is encrypted and needs a password to open.
    Encrypted,
    /// The configuration is invalid or unsafe (e.g. output overwrites an input).
    Config,
    /// The run was interrupted (Ctrl-C); nothing was left behind.
    Interrupted,
    /// Anything else.
    Other,
}

impl ErrorKind {
    /// The process exit code for this kind (stable, documented in README).
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::BadArgs => 1,
            ErrorKind::Input => 2,
            ErrorKind::MissingDependency => 3,
            ErrorKind::InvalidOutput => 4,
            ErrorKind::Output => 5,
            ErrorKind::AlreadyDone => 6,
            ErrorKind::Ocr => 7,
            ErrorKind::Encrypted => 8,
            ErrorKind::Config => 9,
            ErrorKind::Other => 15,
            ErrorKind::Interrupted => 130,
        }
    }
}

/// The library's error type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{}: {reason}", path.display())]
    Input { path: PathBuf, reason: String },

    #[error("{}: image is too large ({width}x{height} pixels; the limit is {limit} pixels)", path.display())]
    TooLarge {
        path: PathBuf,
        width: u32,
        height: u32,
        limit: u64,
    },

    #[error(
        "{}: the PDF is encrypted and needs a password; decrypt it first (qpdf --decrypt --password=PASSWORD in.pdf out.pdf)",
        path.display()
    )]
    Encrypted { path: PathBuf },

    #[error(
        "{}: {tool} was not found; it is needed to {purpose}. On Debian: apt-get install {package}",
        path.display()
    )]
    MissingTool {
        path: PathBuf,
        tool: &'static str,
        purpose: String,
        package: &'static str,
    },

    #[error(
        "Tesseract language data for '{lang}' is not installed (looked in {searched}); on Debian: apt-get install tesseract-ocr-{lang}"
    )]
    MissingLanguage { lang: String, searched: String },

    /// A language missing from a model folder the user chose.
    #[error(
        "Tesseract language data for '{lang}' is not in the chosen model folder {} (it needs {lang}.traineddata)",
        dir.display()
    )]
    MissingModel { lang: String, dir: PathBuf },

    #[error("Tesseract could not be initialised: {0}")]
    OcrInit(String),

    #[error("{}: OCR failed: {reason}", path.display())]
    Ocr { path: PathBuf, reason: String },

    #[error("{}: {source}", path.display())]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: the written PDF failed its check: {reason}", path.display())]
    InvalidOutput { path: PathBuf, reason: String },

    #[error("{0}")]
    Config(String),

    #[error("interrupted; no output was written")]
    Interrupted,

    #[error("{0}")]
    Internal(String),

    /// Options that contradict the inputs (e.g. `--duplex` with unequal
    /// fronts and backs); exit code 1, like bad arguments.
    #[error("{0}")]
    Usage(String),

    /// Every page of the stack was left out (blank or separator sheets):
    /// an input error, never an empty PDF.
    #[error("{0}")]
    NothingKept(String),

    #[error(
        "{}: page {page} already has text; nothing was written (--pdf-text refuse). Use --skip-text to keep such pages as they are, or --redo-ocr / --force-ocr",
        path.display()
    )]
    AlreadyDone { path: PathBuf, page: u32 },
}

impl Error {
    /// The coarse kind, which decides the exit code.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Input { .. } | Error::TooLarge { .. } | Error::NothingKept(_) => {
                ErrorKind::Input
            }
            Error::Usage(_) => ErrorKind::BadArgs,
            Error::AlreadyDone { .. } => ErrorKind::AlreadyDone,
            Error::Encrypted { .. } => ErrorKind::Encrypted,
            Error::MissingLanguage { .. }
            | Error::MissingModel { .. }
            | Error::OcrInit(_)
            | Error::MissingTool { .. } => ErrorKind::MissingDependency,
            Error::Ocr { .. } => ErrorKind::Ocr,
            Error::Output { .. } => ErrorKind::Output,
            Error::InvalidOutput { .. } => ErrorKind::InvalidOutput,
            Error::Config(_) => ErrorKind::Config,
            Error::Interrupted => ErrorKind::Interrupted,
            Error::Internal(_) => ErrorKind::Other,
        }
    }

    pub(crate) fn input(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
