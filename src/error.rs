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
    /// An input that cannot be read, is not an image or PDF, or fails to
    /// decode (exit 2).
    #[error("{}: {reason}", path.display())]
    Input {
        /// The input at fault.
        path: PathBuf,
        /// What is wrong with it, for a person.
        reason: String,
    },

    #[error("{}: image is too large ({width}x{height} pixels; the limit is {limit} pixels)", path.display())]
    /// An image over the pixel limit (`input::Limits::max_pixels`), refused
    /// before its pixels are allocated (decompression bombs).
    TooLarge {
        /// The input at fault.
        path: PathBuf,
        /// Its width in pixels, as its header declares.
        width: u32,
        /// Its height in pixels, as its header declares.
        height: u32,
        /// The pixel limit it exceeds.
        limit: u64,
    },

    #[error(
        "{}: the PDF is encrypted and needs a password; decrypt it first (qpdf --decrypt --password=PASSWORD in.pdf out.pdf)",
        path.display()
    )]
    /// A PDF that needs a password: ocrpdf does not guess or ask (exit 8).
    Encrypted {
        /// The encrypted PDF.
        path: PathBuf,
    },

    #[error(
        "{}: {tool} was not found; it is needed to {purpose}. On Debian: apt-get install {package}",
        path.display()
    )]
    /// An external program a page needs is not installed (exit 3); the
    /// message names the Debian package.
    MissingTool {
        /// The input that needed it.
        path: PathBuf,
        /// The program's name.
        tool: &'static str,
        /// What it was needed for.
        purpose: String,
        /// The Debian package that provides it.
        package: &'static str,
    },

    #[error(
        "Tesseract language data for '{lang}' is not installed (looked in {searched}); on Debian: apt-get install tesseract-ocr-{lang}"
    )]
    /// A language's model is in none of the folders Tesseract looks in
    /// (exit 3); the message names the package to install.
    MissingLanguage {
        /// The language code (e.g. `deu`).
        lang: String,
        /// The folders looked in, for the message.
        searched: String,
    },

    /// A language missing from a model folder the user chose.
    #[error(
        "Tesseract language data for '{lang}' is not in the chosen model folder {} (it needs {lang}.traineddata)",
        dir.display()
    )]
    MissingModel {
        /// The language code (e.g. `deu`).
        lang: String,
        /// The model folder that was chosen.
        dir: PathBuf,
    },

    /// Tesseract refused to start with models that are there (exit 3).
    #[error("Tesseract could not be initialised: {0}")]
    OcrInit(String),

    /// The engine failed or hung on a page (exit 7).
    #[error("{}: OCR failed: {reason}", path.display())]
    Ocr {
        /// The input whose page failed.
        path: PathBuf,
        /// What the engine said (or that it hung past its timeout).
        reason: String,
    },

    /// A file could not be written or placed (exit 5).
    #[error("{}: {source}", path.display())]
    Output {
        /// The file that could not be written.
        path: PathBuf,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },

    /// A document's output could not be written into its folder (exit 5),
    /// told in the user's terms: the document and the folder, not the
    /// internal stage or temp file the error came from (`watch`, `batch`,
    /// the worker).
    #[error(
        "{}: its PDF could not be written to {}: {}",
        document.display(),
        folder.display(),
        write_reason(source)
    )]
    Unwritable {
        /// The document (its input file or folder) whose output it was.
        document: PathBuf,
        /// The folder that could not take it.
        folder: PathBuf,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },

    /// A written PDF failed the check made before it is placed (exit 4);
    /// it was not put in place.
    #[error("{}: the written PDF failed its check: {reason}", path.display())]
    InvalidOutput {
        /// The file that failed its check.
        path: PathBuf,
        /// What the check found.
        reason: String,
    },

    /// Settings that are unsafe together, e.g. a watch folder inside its
    /// outbox (exit 9).
    #[error("{0}")]
    Config(String),

    /// The caller's cancel flag was raised (exit 130); nothing partial
    /// is left behind.
    #[error("interrupted; no output was written")]
    Interrupted,

    /// A bug or an unexpected state (exit 15); the message is for a
    /// report.
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

    /// A PDF page already has text and the policy is to refuse
    /// (`--pdf-text refuse`, exit 6); nothing was written.
    #[error(
        "{}: page {page} already has text; nothing was written (--pdf-text refuse). Use --skip-text to keep such pages as they are, or --redo-ocr / --force-ocr",
        path.display()
    )]
    AlreadyDone {
        /// The PDF.
        path: PathBuf,
        /// The first page found with text (1-based).
        page: u32,
    },
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
            Error::Output { .. } | Error::Unwritable { .. } => ErrorKind::Output,
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

/// Why a file could not be written, in words a user acts on: a full disk
/// or quota, a read-only or forbidden folder; else the system's words.
fn write_reason(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::ENOSPC) => "the disk is full (no space left on the device)".into(),
        Some(libc::EDQUOT) => "the disk quota is used up".into(),
        Some(libc::EROFS) => "the file system is read-only".into(),
        Some(libc::EACCES | libc::EPERM) => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// `Result` with the library's [`Error`], so signatures stay short.
pub type Result<T, E = Error> = std::result::Result<T, E>;
