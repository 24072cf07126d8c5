//! What becomes of each page of a PDF input: kept as it is, given a text
//! layer over its own content, or cleaned and stored anew. Decided once per
//! page from what the page draws ([`Look`]) and the run's policy, so the
//! file goes through whatever mix of pages it holds.
//!
//! The policies carry OCRmyPDF's names (`--skip-text`, `--redo-ocr`,
//! `--force-ocr`) with their meaning, plus a strict one for scripts.

use serde::Serialize;

/// What to do with PDF pages that already have text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum TextPolicy {
    /// Keep pages with text exactly as they are; OCR the rest.
    #[default]
    Skip,
    /// Remove invisible text (an earlier OCR layer) and OCR those pages
    /// again, leaving what the page shows as it is.
    Redo,
    /// OCR every page; pages with text are rasterised.
    Force,
    /// Refuse a file with any page that has text (exit 6).
    Refuse,
}

/// How PDF inputs are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PdfOptions {
    /// What to do with pages that already have text.
    pub text: TextPolicy,
    /// Keep even plain scans' images untouched: add the text layer only
    /// (default `false`: plain scans are cleaned and stored anew).
    pub keep_images: bool,
    /// Edit a digitally signed PDF, breaking its signature (default
    /// `false`: refused).
    pub invalidate_signatures: bool,
}

/// What a page draws, as far as its fate depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Look {
    /// Visible text that copies as real characters.
    pub text: bool,
    /// Visible text in fonts with no Unicode mapping (copies as junk).
    pub unmapped_text: bool,
    /// Invisible text (render mode 3): an earlier OCR layer.
    pub invisible_text: bool,
    /// An opaque image covers the page (a scan), perhaps under stamps.
    pub page_image: bool,
    /// The page is one image and nothing else: its image can be taken out
    /// as it is.
    pub plain_scan: bool,
    /// Nothing at all is drawn.
    pub empty: bool,
    /// The page has annotations or form fields: its coordinates must not
    /// move (no deskew, no turn, no border cropping).
    pub anchored: bool,
    /// The page's content is marked for the structure tree (a tagged
    /// PDF): its content must stay, so a scan gets a text layer only.
    pub tagged: bool,
}

impl Look {
    fn has_text(&self) -> bool {
        self.text || self.invisible_text
    }
}

/// What happened to a page, as reported (`--json`, `-v`, `--report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fate {
    /// Read by OCR (an image input, or a PDF page without text).
    #[default]
    Ocr,
    /// Left exactly as it was (it has text).
    Kept,
    /// Its earlier invisible text was removed and it was read again.
    Redone,
    /// It had text and was rasterised and read (`--force-ocr`).
    Forced,
}

impl Fate {
    /// The fate's name in reports and messages.
    pub fn name(self) -> &'static str {
        match self {
            Fate::Ocr => "ocr",
            Fate::Kept => "kept",
            Fate::Redone => "redone",
            Fate::Forced => "forced",
        }
    }
}

/// How a page is worked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Treatment {
    /// Copied as it is.
    Keep,
    /// Cleaned and stored anew in the page's own boxes; `render`: from a
    /// rendering of the page rather than its one image.
    Rebuild { render: bool },
    /// The page's content stays; OCR reads an image of it (its one image,
    /// or a rendering) and the words go on top as invisible text.
    Overlay {
        render: bool,
        /// Remove the page's invisible text first.
        strip: bool,
        /// Drop OCR words over the page's own visible text.
        drop_existing: bool,
    },
}

/// Whether the policy refuses this page.
pub(crate) fn refused(look: &Look, policy: TextPolicy) -> bool {
    policy == TextPolicy::Refuse && look.has_text()
}

/// The page's treatment and fate under `opts` (`Refuse` is checked apart,
/// with [`refused`]; here it acts as `Skip`).
pub(crate) fn decide(look: &Look, opts: &PdfOptions) -> (Treatment, Fate) {
    let extract = look.plain_scan;
    let scan = || {
        if extract && !opts.keep_images && !look.tagged {
            Treatment::Rebuild { render: false }
        } else {
            Treatment::Overlay {
                render: !extract,
                strip: false,
                drop_existing: false,
            }
        }
    };
    match opts.text {
        TextPolicy::Force if look.has_text() => {
            let t = if extract && !look.text && !opts.keep_images && !look.tagged {
                Treatment::Rebuild { render: false }
            } else {
                Treatment::Rebuild { render: true }
            };
            return (t, Fate::Forced);
        }
        TextPolicy::Redo if look.invisible_text => {
            let t = Treatment::Overlay {
                render: !extract,
                strip: true,
                drop_existing: look.text,
            };
            return (t, Fate::Redone);
        }
        _ => {}
    }
    if look.text {
        if look.page_image {
            let t = Treatment::Overlay {
                render: !extract,
                strip: false,
                drop_existing: true,
            };
            (t, Fate::Ocr)
        } else {
            (Treatment::Keep, Fate::Kept)
        }
    } else if look.invisible_text || look.empty {
        (Treatment::Keep, Fate::Kept)
    } else if look.unmapped_text {
        let t = Treatment::Overlay {
            render: true,
            strip: false,
            drop_existing: false,
        };
        (t, Fate::Ocr)
    } else {
        (scan(), Fate::Ocr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(text: TextPolicy) -> PdfOptions {
        PdfOptions {
            text,
            ..PdfOptions::default()
        }
    }

    const SCAN: Look = Look {
        text: false,
        unmapped_text: false,
        invisible_text: false,
        page_image: true,
        plain_scan: true,
        empty: false,
        anchored: false,
        tagged: false,
    };

    #[test]
    fn each_kind_of_page_under_each_policy() {
        let typed = Look {
            text: true,
            page_image: false,
            plain_scan: false,
            ..SCAN
        };
        let ocred = Look {
            invisible_text: true,
            ..SCAN
        };
        let drawn = Look {
            page_image: false,
            plain_scan: false,
            ..SCAN
        };
        let junk = Look {
            unmapped_text: true,
            ..drawn
        };
        let skip = opts(TextPolicy::Skip);
        assert_eq!(
            decide(&SCAN, &skip),
            (Treatment::Rebuild { render: false }, Fate::Ocr)
        );
        assert_eq!(decide(&typed, &skip), (Treatment::Keep, Fate::Kept));
        assert_eq!(decide(&ocred, &skip), (Treatment::Keep, Fate::Kept));
        assert!(matches!(
            decide(&drawn, &skip),
            (
                Treatment::Overlay {
                    render: true,
                    strip: false,
                    ..
                },
                Fate::Ocr
            )
        ));
        assert!(matches!(
            decide(&junk, &skip),
            (
                Treatment::Overlay {
                    render: true,
                    drop_existing: false,
                    ..
                },
                Fate::Ocr
            )
        ));
        let redo = opts(TextPolicy::Redo);
        assert_eq!(
            decide(&ocred, &redo),
            (
                Treatment::Overlay {
                    render: false,
                    strip: true,
                    drop_existing: false
                },
                Fate::Redone
            )
        );
        assert_eq!(decide(&typed, &redo), (Treatment::Keep, Fate::Kept));
        let force = opts(TextPolicy::Force);
        assert_eq!(
            decide(&typed, &force),
            (Treatment::Rebuild { render: true }, Fate::Forced)
        );
        assert_eq!(
            decide(&ocred, &force),
            (Treatment::Rebuild { render: false }, Fate::Forced)
        );
        assert!(refused(&typed, TextPolicy::Refuse) && refused(&ocred, TextPolicy::Refuse));
        assert!(!refused(&SCAN, TextPolicy::Refuse) && !refused(&typed, TextPolicy::Skip));
    }

    #[test]
    fn tagged_or_kept_scans_get_a_text_layer_only() {
        let tagged = Look {
            tagged: true,
            ..SCAN
        };
        let layer_only = Treatment::Overlay {
            render: false,
            strip: false,
            drop_existing: false,
        };
        assert_eq!(decide(&tagged, &opts(TextPolicy::Skip)).0, layer_only);
        // Annotations only pin the geometry (see `pipeline::edit`).
        let anchored = Look {
            anchored: true,
            ..SCAN
        };
        let rebuild = Treatment::Rebuild { render: false };
        assert_eq!(decide(&anchored, &opts(TextPolicy::Skip)).0, rebuild);
        let keep = PdfOptions {
            keep_images: true,
            ..PdfOptions::default()
        };
        assert_eq!(decide(&SCAN, &keep).0, layer_only);
        // A stamp over a scan: the scan is read, the stamp's words dropped.
        let stamped = Look { text: true, ..SCAN };
        assert_eq!(
            decide(&stamped, &opts(TextPolicy::Skip)),
            (
                Treatment::Overlay {
                    render: false,
                    strip: false,
                    drop_existing: true
                },
                Fate::Ocr
            )
        );
    }
}
