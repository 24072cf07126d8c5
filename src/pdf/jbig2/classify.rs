//! A page's ink as symbol instances and a residue (T.88 6.4, 6.5 leave this
//! to the encoder): 8-connected components (the crate's labeller) small
//! enough to be letters become symbol instances; the rest (rules, frames,
//! big drawings) is the residue, coded as a generic region.
//!
//! Shape-matching rule: an instance joins the first-seen class (in raster
//! order of the components) whose shape has the same width and height and
//! differs from it in at most [`max_diff`] pixels, the class with the
//! fewest differing pixels winning. The class shape is its first instance,
//! exactly; an instance that differs from it is refinement-coded against it
//! (6.4.11), so the page decodes to its own pixels — the rule only decides
//! how many bytes that costs, never what is drawn.

use crate::clean::bits::BitImage;
use crate::clean::components::Labels;
use std::collections::HashMap;

/// A small bitmap, one byte per pixel (1 = ink), rows top down.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Bitmap {
    pub w: u32,
    pub h: u32,
    pub px: Vec<u8>,
}

impl Bitmap {
    /// The pixel at (x, y); 0 outside the bitmap, as T.88 reads it.
    #[inline(always)]
    pub fn get(&self, x: i32, y: i32) -> u8 {
        if x < 0 || y < 0 || x >= self.w as i32 || y >= self.h as i32 {
            0
        } else {
            self.px[y as usize * self.w as usize + x as usize]
        }
    }
}

/// One component placed as a symbol.
pub(super) struct Instance {
    /// Top-left corner on the page.
    pub x: u32,
    pub y: u32,
    pub class: u32,
    /// Its own pixels when they differ from the class shape.
    pub refine: Option<Bitmap>,
}

/// The page split into symbol classes, their instances and the residue.
pub(super) struct Split {
    pub shapes: Vec<Bitmap>,
    pub instances: Vec<Instance>,
    pub labels: Labels,
    /// Per component: coded in the generic residue region.
    pub residue: Vec<bool>,
}

/// Components wider or taller than this many pixels are not letters.
pub(super) const MAX_SYMBOL_SIDE: u32 = 250;

/// How many pixels an instance may differ from a class shape of `area`
/// pixels (its box) to join it: a tenth, at least two.
fn max_diff(area: usize) -> usize {
    (area / 10).max(2)
}

/// How many classes of one size are tried before starting a new one:
/// bounds the time on noisy pages.
const MAX_TRIES: usize = 64;

pub(super) fn split(bits: &BitImage) -> Split {
    let labels = Labels::new(bits);
    let residue: Vec<bool> = labels
        .comps
        .iter()
        .map(|c| c.rect.width() > MAX_SYMBOL_SIDE || c.rect.height() > MAX_SYMBOL_SIDE)
        .collect();
    // Paint each symbol component's own runs into its bitmap.
    let mut bitmaps: Vec<Bitmap> = labels
        .comps
        .iter()
        .zip(&residue)
        .map(|(c, &r)| {
            let (w, h) = if r {
                (0, 0)
            } else {
                (c.rect.width(), c.rect.height())
            };
            Bitmap {
                w,
                h,
                px: vec![0; (w * h) as usize],
            }
        })
        .collect();
    for y in 0..bits.height() as usize {
        for i in labels.row_start[y]..labels.row_start[y + 1] {
            let c = labels.comp[i] as usize;
            if residue[c] {
                continue;
            }
            let (run, rect) = (labels.runs[i], labels.comps[c].rect);
            let b = &mut bitmaps[c];
            let at = (y - rect.y0 as usize) * b.w as usize;
            b.px[at + (run.x0 - rect.x0) as usize..at + (run.x1 - rect.x0) as usize].fill(1);
        }
    }

    let mut shapes: Vec<Bitmap> = Vec::new();
    let mut instances = Vec::new();
    let mut by_size: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
    for (c, bitmap) in bitmaps.into_iter().enumerate() {
        if residue[c] {
            continue;
        }
        let rect = labels.comps[c].rect;
        let classes = by_size.entry((bitmap.w, bitmap.h)).or_default();
        let limit = max_diff(bitmap.px.len());
        let mut best: Option<(usize, u32)> = None;
        for &k in classes.iter().rev().take(MAX_TRIES) {
            let d = diff(&shapes[k as usize].px, &bitmap.px, limit);
            if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, k));
                if d == 0 {
                    break;
                }
            }
        }
        let (class, refine) = match best {
            Some((0, k)) => (k, None),
            Some((_, k)) => (k, Some(bitmap)),
            None => {
                let k = shapes.len() as u32;
                classes.push(k);
                shapes.push(bitmap);
                (k, None)
            }
        };
        instances.push(Instance {
            x: rect.x0,
            y: rect.y0,
            class,
            refine,
        });
    }
    Split {
        shapes,
        instances,
        labels,
        residue,
    }
}

/// Pixels that differ between two bitmaps of one size, counted up to just
/// past `limit`.
fn diff(a: &[u8], b: &[u8], limit: usize) -> usize {
    let mut d = 0;
    for (ca, cb) in a.chunks(64).zip(b.chunks(64)) {
        d += ca.iter().zip(cb).filter(|(p, q)| p != q).count();
        if d > limit {
            break;
        }
    }
    d
}
