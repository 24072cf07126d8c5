//! The stack of sheets a document feeder scanned: which pages are blank
//! backs (`blank`), the page order of a stack scanned fronts first and
//! backs second (`duplex`), and which sheets separate one document from
//! the next (`separator`). This stage sits between a page's cleanup
//! and the document: workers measure each page, the pipeline decides what
//! is kept and where each document ends.

pub(crate) mod blank;
pub(crate) mod duplex;
pub(crate) mod separator;
pub mod sheet;

pub use blank::Blankness;
pub(crate) use separator::Separator;

/// What to do with blank pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum BlankPages {
    /// Keep them as scanned.
    #[default]
    Keep,
    /// Leave them out of the PDF and list them.
    Drop,
    /// Keep them, with a `blank_page` warning each.
    Report,
}

/// What sheet starts a new document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitOn {
    /// A blank sheet (both sides blank when scanned duplex).
    Blank,
    /// A patch-code T sheet: the Kodak patch or a Code 39/128 barcode
    /// reading `PATCHT`.
    Patch,
    /// A QR code; with `Some(text)`, only one that reads exactly `text`.
    Qr(Option<String>),
}

impl std::str::FromStr for SplitOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "blank" => Ok(SplitOn::Blank),
            "patch" => Ok(SplitOn::Patch),
            "qr" => Ok(SplitOn::Qr(None)),
            _ => match s.strip_prefix("qr:") {
                Some("") => Err("qr: needs the text after the colon (or just qr)".into()),
                Some(text) => Ok(SplitOn::Qr(Some(text.to_string()))),
                None => Err(format!(
                    "unknown separator '{s}' (expected blank, patch, qr or qr:TEXT)"
                )),
            },
        }
    }
}

/// How the stack is put together (default: every page kept, in the order
/// given, one document).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackOptions {
    /// What to do with blank pages.
    pub blank: BlankPages,
    /// The inputs are all fronts, then all backs as a turned-over stack
    /// gives them (last back first); pages are paired into sheet order.
    pub duplex: bool,
    /// Split the stack into numbered documents at separator sheets, which
    /// are left out.
    pub split: Option<SplitOn>,
}

impl StackOptions {
    /// Whether pages must be tested for blankness.
    pub(crate) fn needs_blank(&self) -> bool {
        self.blank != BlankPages::Keep || self.split == Some(SplitOn::Blank)
    }
}

/// Why a page was left out of the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dropped {
    /// It was blank (`--blank drop`).
    Blank,
    /// It was a separator sheet (`--split-on`).
    Separator,
}

impl Dropped {
    /// The reason's name in reports and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Dropped::Blank => "blank",
            Dropped::Separator => "separator",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_parse() {
        assert_eq!("blank".parse(), Ok(SplitOn::Blank));
        assert_eq!("patch".parse(), Ok(SplitOn::Patch));
        assert_eq!("qr".parse(), Ok(SplitOn::Qr(None)));
        assert_eq!(
            "qr:NEXT DOC".parse(),
            Ok(SplitOn::Qr(Some("NEXT DOC".into())))
        );
        assert!("qr:".parse::<SplitOn>().is_err());
        assert!(
            "barcode"
                .parse::<SplitOn>()
                .unwrap_err()
                .contains("blank, patch, qr")
        );
    }
}
