//! A page's ink as symbol instances and a residue (T.88 6.4, 6.5 leave this
//! to the encoder): 8-connected components (the crate's labeller) small
//! enough to be letters, and not thin strokes across a big box, become
//! symbol instances; the rest (rules, frames, hatching,
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
use std::hash::{DefaultHasher, Hash, Hasher};

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
    /// Its own shape when it differs from the symbol's.
    pub refine: Option<u32>,
}

/// Which shapes are symbols and how each component is drawn.
pub(super) struct Plan {
    /// For each shape, the earlier symbol of its size it differs least from,
    /// when that is within [`max_diff`]: it is coded as a refinement of it.
    pub reference: Vec<Option<u32>>,
    /// Whether the shape is a symbol of the dictionaries.
    pub member: Vec<bool>,
    pub instances: Vec<Instance>,
}

/// The page split into symbol classes, their instances and the residue.
pub(super) struct Split {
    /// The distinct bitmaps of the symbol components, in raster order of
    /// their first instance.
    pub shapes: Vec<Bitmap>,
    /// Two plans: every shape a symbol; shapes seen once drawn as a close
    /// symbol refined.
    pub plans: [Plan; 2],
    pub labels: Labels,
    /// Per component: coded in the generic residue region.
    pub residue: Vec<bool>,
}

/// Components wider or taller than this many pixels are not letters.
pub(super) const MAX_SYMBOL_SIDE: u32 = 250;

/// Components longer than this whose ink fills under an eighth of their
/// box are line art (hatching, slanted rules), not letters. This bounds the
/// symbol bitmaps' bytes (one per pixel of each box): a box over 64 pixels
/// long takes at most 8 bytes per ink pixel, a smaller one at most 4096
/// bytes — a page of hatching no longer costs a box per stroke.
const SPARSE_SIDE: u32 = 64;

/// How many pixels a shape may differ from a symbol of its size and `area`
/// pixels (its box) to be coded as its refinement: a tenth, at least two.
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
        .map(|c| {
            let (w, h) = (c.rect.width(), c.rect.height());
            let area = u64::from(w) * u64::from(h);
            // Line art: a thin stroke across a big box (hatching, a slanted
            // rule) is no letter, and its box would cost memory.
            let sparse = w.max(h) > SPARSE_SIDE && u64::from(c.area) * 8 < area;
            w > MAX_SYMBOL_SIDE || h > MAX_SYMBOL_SIDE || sparse
        })
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

    // Distinct bitmaps, how often each is seen, and each component's.
    let mut shapes: Vec<Bitmap> = Vec::new();
    let mut count: Vec<u32> = Vec::new();
    let mut seen = Vec::new();
    let mut same: HashMap<u64, Vec<u32>> = HashMap::new();
    for (c, bitmap) in bitmaps.into_iter().enumerate() {
        if residue[c] {
            continue;
        }
        let key = {
            let mut h = DefaultHasher::new();
            bitmap.hash(&mut h);
            h.finish()
        };
        let twins = same.entry(key).or_default();
        let k = if let Some(&k) = twins.iter().find(|&&k| shapes[k as usize] == bitmap) {
            k
        } else {
            let k = shapes.len() as u32;
            twins.push(k);
            shapes.push(bitmap);
            count.push(0);
            k
        };
        count[k as usize] += 1;
        let rect = labels.comps[c].rect;
        seen.push((rect.x0, rect.y0, k));
    }
    let plans = [false, true].map(|inline| plan(&shapes, &count, &seen, inline));
    Split {
        shapes,
        plans,
        labels,
        residue,
    }
}

/// Which distinct bitmaps become symbols, in order of first sight; with
/// `inline`, a shape seen once that has a close symbol is drawn as that
/// symbol refined in the text region instead of becoming a symbol.
fn plan(shapes: &[Bitmap], count: &[u32], seen: &[(u32, u32, u32)], inline: bool) -> Plan {
    let mut reference = vec![None; shapes.len()];
    let mut member = vec![false; shapes.len()];
    let mut stand_in: Vec<u32> = (0..shapes.len() as u32).collect();
    let mut by_size: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
    for k in 0..shapes.len() {
        let bitmap = &shapes[k];
        let sized = by_size.entry((bitmap.w, bitmap.h)).or_default();
        let limit = max_diff(bitmap.px.len());
        let mut best: Option<(usize, u32)> = None;
        for &j in sized.iter().rev().take(MAX_TRIES) {
            let d = diff(&shapes[j as usize].px, &bitmap.px, limit);
            if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, j));
            }
        }
        match best {
            Some((_, j)) if inline && count[k] == 1 => stand_in[k] = j,
            _ => {
                reference[k] = best.map(|(_, j)| j);
                member[k] = true;
                sized.push(k as u32);
            }
        }
    }
    let instances = seen
        .iter()
        .map(|&(x, y, k)| Instance {
            x,
            y,
            class: stand_in[k as usize],
            refine: (stand_in[k as usize] != k).then_some(k),
        })
        .collect();
    Plan {
        reference,
        member,
        instances,
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
