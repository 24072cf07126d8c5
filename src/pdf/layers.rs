//! A mixed page's colour layers as PDF objects (mixed raster content).
//!
//! Drawn in this order over the page: the background image (paper tints,
//! highlighter, boxes), then the foreground image (ink colour) with
//! `/Mask` naming the page's bilevel image as its stencil (explicit
//! masking, ISO 32000-1 § 8.9.6.3, PDF 1.3): the foreground shows only
//! where the bilevel image has ink, so text edges are as crisp as the
//! bilevel image while its colour comes from an image 1/6 of the scan's
//! resolution. Picture regions are drawn on top as on any page.
//!
//! Explicit masking is opaque (no `/SMask`, no transparency group, no
//! blend mode), so it is allowed in PDF/A-1 and PDF/A-2b alike, and every
//! engine draws it: poppler, MuPDF, PDFium and PDF.js all implement
//! stencil `/Mask`, of any resolution, decoded by any filter (JBIG2 and
//! CCITT here). `/Interpolate` stays unset, as PDF/A requires.

use super::images::{self, Codec, ImageOptions};
use crate::clean::BitImage;
use crate::clean::colour::Layers;
use crate::input::Pixels;
use pdf_writer::{Chunk, Ref};

/// The objects of a layered page.
pub(super) struct LayerObjects {
    /// Drawn first, over the whole page.
    pub background: (Chunk, Codec),
    /// The bilevel image as a stencil mask; not drawn itself.
    pub mask: super::bilevel_batch::Stored,
    /// Drawn second, over the whole page, through `mask`.
    pub foreground: (Chunk, Codec),
}

/// Object ids for [`write`]: background, mask, foreground.
pub(super) struct LayerIds {
    pub background: Ref,
    pub mask: Ref,
    pub foreground: Ref,
}

/// Encode `layers` with `bits` as their mask. Foreground and background
/// are JPEG at the quality in effect, or Flate under `--lossless`: they
/// are made at reduced resolution by the layer separation, never the
/// scan's own pixels, so the scan's being lossless does not bind them.
pub(super) fn write(
    ids: &LayerIds,
    layers: &Layers,
    bits: &BitImage,
    opts: &ImageOptions,
) -> LayerObjects {
    let lossy = !opts.lossless;
    let quality = opts.quality();
    let bg = Pixels::Rgb(layers.background.clone());
    let fg = Pixels::Rgb(layers.foreground.clone());
    LayerObjects {
        background: images::tone(ids.background, &bg, lossy, quality),
        mask: super::bilevel_batch::bilevel(ids.mask, bits, opts.bilevel, true),
        foreground: images::tone_through(ids.foreground, &fg, lossy, quality, Some(ids.mask)),
    }
}
