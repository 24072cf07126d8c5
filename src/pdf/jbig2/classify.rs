//! A page's ink as symbol instances and a residue (T.88 6.4, 6.5 leave this
//! to the encoder): 8-connected components (the crate's labeller) small
//! enough to be letters, and not thin strokes across a big box, become
//! symbol instances; the rest (rules, frames, hatching,
//! big drawings) is the residue, coded as a generic region.
//!
//! Shape-matching rule: an instance joins the first-seen class (in raster
//! order of the components) whose shape has the same width and height and
//! differs from it in at most [`max_diff`] pixels, the class with the
//! fewest differing pixels winning; when none of its size is that close, a
//! class one pixel wider, narrower, taller or shorter, placed middle on
//! middle, may be (a page's refined symbols excepted, as the dictionaries'
//! size order must put a reference first). The class shape is its first instance,
//! exactly; an instance that differs from it is refinement-coded against it
//! (6.4.11), so the page decodes to its own pixels — the rule only decides
//! how many bytes that costs, never what is drawn.

use crate::clean::bits::BitImage;
use crate::clean::components::Labels;
use std::collections::HashMap;

/// A small bitmap, one byte per pixel (1 = ink), rows top down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bitmap {
    pub w: u32,
    pub h: u32,
    pub px: Vec<u8>,
    /// Ink pixels.
    pub ink: u32,
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

    /// A hash of size and pixels (FxHash's multiply-rotate over 8 pixels
    /// at a time): a few times faster than the standard SipHash, and good
    /// enough to find equal bitmaps, which are then compared whole.
    pub fn key(&self) -> u64 {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mix = |h: u64, v: u64| (h.rotate_left(5) ^ v).wrapping_mul(K);
        let mut h = mix(0, u64::from(self.w) << 32 | u64::from(self.h));
        let mut chunks = self.px.chunks_exact(8);
        for c in &mut chunks {
            h = mix(h, u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            h = mix(h, u64::from(b));
        }
        h
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

/// Which shapes are symbols and how each component is drawn. Shapes are
/// numbered in one list: first the `fixed` symbols coded elsewhere (the
/// document's shared dictionary), then the page's own.
pub(super) struct Plan {
    /// For each shape, the earlier symbol of its size it differs least from,
    /// when that is within [`max_diff`]: it is coded as a refinement of it.
    pub reference: Vec<Option<u32>>,
    /// Whether the shape is a symbol of the page's dictionaries.
    pub member: Vec<bool>,
    pub instances: Vec<Instance>,
}

/// The page's distinct symbol shapes, their placements and the residue.
pub(super) struct Split {
    /// The distinct bitmaps of the symbol components, in raster order of
    /// their first instance.
    pub shapes: Vec<Bitmap>,
    /// Every symbol component: top-left corner and index into `shapes`.
    pub seen: Vec<(u32, u32, u32)>,
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
/// bounds the time on noisy pages. The closest of more symbols refines
/// more cheaply: 1000 instead of 64 made text pages 1–3 % smaller (a
/// clean 300-dpi page has some 1300 symbols, a few dozen of each size),
/// with no measurable time on them, and a light halftone's tens of
/// thousands of dots no slower (the ink-count test prunes most).
const MAX_TRIES: usize = 1000;

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
                ink: c.area,
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
    let mut seen = Vec::new();
    let mut same: HashMap<u64, Vec<u32>> = HashMap::new();
    for (c, bitmap) in bitmaps.into_iter().enumerate() {
        if residue[c] {
            continue;
        }
        let twins = same.entry(bitmap.key()).or_default();
        let k = if let Some(&k) = twins.iter().find(|&&k| shapes[k as usize] == bitmap) {
            k
        } else {
            let k = shapes.len() as u32;
            twins.push(k);
            shapes.push(bitmap);
            k
        };
        let rect = labels.comps[c].rect;
        seen.push((rect.x0, rect.y0, k));
    }
    Split {
        shapes,
        seen,
        labels,
        residue,
    }
}

/// The symbols a shape may be matched to, by size.
type BySize = HashMap<(u32, u32), Vec<u32>>;

/// The symbol among `by_size`'s that `bitmap` is closest to, when within
/// [`max_diff`]: first among the last [`MAX_TRIES`] of its own size; when
/// none is, among the last [`MAX_CROSS_TRIES`] of each size one pixel
/// wider, narrower, taller or shorter (or both) that `cross` allows (placed
/// middle on middle, [`refine_offset`]). Returns (pixels differing,
/// symbol).
fn closest(
    shapes: &[&Bitmap],
    bitmap: &Bitmap,
    by_size: &BySize,
    cross: impl Fn(u32) -> bool,
) -> Option<(usize, u32)> {
    let limit = max_diff(bitmap.px.len());
    let near_ink = |j: u32| shapes[j as usize].ink.abs_diff(bitmap.ink) as usize <= limit;
    let mut best: Option<(usize, u32)> = None;
    let consider = |best: &mut Option<(usize, u32)>, d: usize, j: u32| {
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            *best = Some((d, j));
        }
    };
    if let Some(sized) = by_size.get(&(bitmap.w, bitmap.h)) {
        for &j in sized.iter().rev().take(MAX_TRIES) {
            if near_ink(j) {
                consider(
                    &mut best,
                    diff(&shapes[j as usize].px, &bitmap.px, limit),
                    j,
                );
            }
        }
    }
    if best.is_some() {
        return best;
    }
    for (dw, dh) in NEIGHBOUR_SIZES {
        let size = (
            bitmap.w.wrapping_add_signed(dw),
            bitmap.h.wrapping_add_signed(dh),
        );
        let Some(sized) = by_size.get(&size) else {
            continue;
        };
        for &j in sized.iter().rev().take(MAX_CROSS_TRIES) {
            if near_ink(j) && cross(j) {
                consider(&mut best, diff_placed(bitmap, shapes[j as usize], limit), j);
            }
        }
    }
    best
}

/// Sizes one pixel off in width, height or both.
const NEIGHBOUR_SIZES: [(i32, i32); 8] = [
    (-1, 0),
    (1, 0),
    (0, -1),
    (0, 1),
    (-1, -1),
    (1, 1),
    (-1, 1),
    (1, -1),
];

/// How many symbols of each neighbouring size are tried: 64 instead of 8
/// made text pages 0.1–0.5 % smaller.
const MAX_CROSS_TRIES: usize = 64;

/// Which of `shapes[fixed..]` (the page's distinct bitmaps, in order of
/// first sight) become symbols of the page's dictionaries, and how each of
/// `seen` (placements: corner and shape index) is drawn. `shapes[..fixed]`
/// are symbols already coded (the shared dictionary): references for the
/// page's shapes, never members. With `inline`, a page shape seen once
/// that has a close symbol is drawn as that symbol refined in the text
/// region instead of becoming a symbol; without, only the leaves of the
/// refinement chains are (shapes seen once that no symbol refines from).
///
/// A symbol refined from another of a different size must come after it
/// in the dictionaries, which sort by height, then width: such a
/// reference is a refined symbol of the page only when it sorts first.
pub(super) fn plan(
    shapes: &[&Bitmap],
    fixed: usize,
    seen: &[(u32, u32, u32)],
    inline: bool,
) -> Plan {
    let mut count = vec![0u32; shapes.len()];
    for &(_, _, k) in seen {
        count[k as usize] += 1;
    }
    let mut reference: Vec<Option<u32>> = vec![None; shapes.len()];
    let mut member = vec![false; shapes.len()];
    let mut stand_in: Vec<u32> = (0..shapes.len() as u32).collect();
    let mut by_size: BySize = HashMap::new();
    for (k, bitmap) in shapes.iter().enumerate() {
        if k < fixed {
            by_size
                .entry((bitmap.w, bitmap.h))
                .or_default()
                .push(k as u32);
            continue;
        }
        // The dictionaries sort by height, then width: a refined symbol
        // of another size may be the reference when it sorts first.
        let best = closest(shapes, bitmap, &by_size, |j| {
            let s = shapes[j as usize];
            (j as usize) < fixed
                || reference[j as usize].is_none()
                || (s.h, s.w) < (bitmap.h, bitmap.w)
        });
        match best {
            Some((_, j)) if inline && count[k] == 1 => stand_in[k] = j,
            _ => {
                reference[k] = best.map(|(_, j)| j);
                member[k] = true;
                by_size
                    .entry((bitmap.w, bitmap.h))
                    .or_default()
                    .push(k as u32);
            }
        }
    }
    if !inline {
        // Leaves: a refined symbol seen once that no other refines from is
        // drawn as its reference refined in the text region (6.4.11)
        // instead: the same refinement, without its dictionary entry (the
        // reference's ID, RDX, RDY, its width) nor a symbol ID one bit
        // longer for every instance. 1.5–4 % fewer bytes on text pages.
        let mut referenced = vec![false; shapes.len()];
        for &r in reference.iter().flatten() {
            referenced[r as usize] = true;
        }
        for k in fixed..shapes.len() {
            if let Some(j) = reference[k]
                && count[k] == 1
                && !referenced[k]
            {
                stand_in[k] = j;
                member[k] = false;
                reference[k] = None;
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

/// The class of each of `shapes` by the matching rule, among shapes of
/// its own size: the index of the earlier shape it is closest to, else its
/// own.
pub(super) fn classes(shapes: &[&Bitmap]) -> Vec<u32> {
    let mut class = Vec::with_capacity(shapes.len());
    let mut by_size: BySize = HashMap::new();
    for (k, bitmap) in shapes.iter().enumerate() {
        let near = closest(shapes, bitmap, &by_size, |_| false);
        class.push(if let Some((_, j)) = near {
            j
        } else {
            let sized = by_size.entry((bitmap.w, bitmap.h)).or_default();
            sized.push(k as u32);
            k as u32
        });
    }
    class
}

/// Pixels that differ between `own` and `reference` of another size placed
/// on it by [`refine_offset`] (its pixels outside `own` count as
/// differing where they are ink), counted up to just past `limit`.
fn diff_placed(own: &Bitmap, reference: &Bitmap, limit: usize) -> usize {
    let (dx, dy) = refine_offset(own, reference);
    let mut d = 0;
    for y in 0..own.h as i32 {
        let row = &own.px[(y * own.w as i32) as usize..((y + 1) * own.w as i32) as usize];
        d += row
            .iter()
            .enumerate()
            .filter(|&(x, &p)| p != reference.get(x as i32 - dx, y - dy))
            .count();
        if d > limit {
            return d;
        }
    }
    for v in 0..reference.h as i32 {
        for u in 0..reference.w as i32 {
            let (x, y) = (u + dx, v + dy);
            let outside = x < 0 || y < 0 || x >= own.w as i32 || y >= own.h as i32;
            d += usize::from(outside && reference.get(u, v) == 1);
        }
    }
    d
}

/// Pixels that differ between two bitmaps of one size, counted up to just
/// past `limit`. Pixels are bytes of 0 or 1, so the exclusive or of eight
/// of them has one bit set per differing pixel.
pub(super) fn diff(a: &[u8], b: &[u8], limit: usize) -> usize {
    let mut d = 0;
    let (mut ca, mut cb) = (a.chunks_exact(64), b.chunks_exact(64));
    for (x, y) in (&mut ca).zip(&mut cb) {
        d += x
            .chunks_exact(8)
            .zip(y.chunks_exact(8))
            .map(|(p, q)| {
                let p = u64::from_ne_bytes(p.try_into().expect("8 bytes"));
                let q = u64::from_ne_bytes(q.try_into().expect("8 bytes"));
                (p ^ q).count_ones() as usize
            })
            .sum::<usize>();
        if d > limit {
            return d;
        }
    }
    d + ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .filter(|(p, q)| p != q)
        .count()
}

/// The reference's offset for refining `own` from `reference`
/// (GRREFERENCEDX, GRREFERENCEDY): half the size difference, rounded down,
/// so their middles meet — as a text region places it when RDX = RDY = 0
/// (6.4.11: ⌊RDW / 2⌋ + RDX), and as a refined dictionary is told by RDX
/// and RDY.
pub(super) fn refine_offset(own: &Bitmap, reference: &Bitmap) -> (i32, i32) {
    (
        (own.w as i32 - reference.w as i32) >> 1,
        (own.h as i32 - reference.h as i32) >> 1,
    )
}
