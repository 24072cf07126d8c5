//! One page's part of symbol coding, done on the page's worker: its
//! letter-sized components as distinct shapes and placements (what the
//! document's coder, `document`, needs to share shapes across
//! pages), and the rest of its ink already coded as a generic region
//! (it depends on no other page).

use super::classify::{self, Bitmap};
use super::generic;
use super::mq::MqEncoder;
use crate::clean::bits::BitImage;
use crate::rect::Rect;

/// A page ready for symbol coding.
pub struct PageSymbols {
    pub(super) w: u32,
    pub(super) h: u32,
    /// Distinct symbol bitmaps, in raster order of their first instance.
    pub(super) shapes: Vec<Bitmap>,
    /// Every symbol component: top-left corner and index into `shapes`.
    pub(super) seen: Vec<(u32, u32, u32)>,
    /// The generic region segment data (region information, flags,
    /// adaptive pixels, coded bitmap) of the ink too big or too sparse to
    /// be letters, when there is any.
    pub(super) residue: Option<Vec<u8>>,
}

impl PageSymbols {
    /// The page's symbol components and residue; `None` when it has no
    /// letter-sized components (symbol coding has nothing to gain).
    pub fn new(bits: &BitImage) -> Option<Self> {
        let split = classify::split(bits);
        if split.shapes.is_empty() {
            return None;
        }
        let residue = residue(&split);
        Some(PageSymbols {
            w: bits.width(),
            h: bits.height(),
            shapes: split.shapes,
            seen: split.seen,
            residue,
        })
    }

    /// Bytes held, about (the bitmaps take one byte a pixel).
    pub fn heap_bytes(&self) -> usize {
        self.shapes.iter().map(|s| s.px.len() + 40).sum::<usize>()
            + self.seen.len() * 12
            + self.residue.as_ref().map_or(0, Vec::len)
    }
}

/// The residue's generic region segment data: the components too big to
/// be letters, in their common box.
fn residue(split: &classify::Split) -> Option<Vec<u8>> {
    let labels = &split.labels;
    let mut boxes = labels
        .comps
        .iter()
        .zip(&split.residue)
        .filter(|(_, r)| **r)
        .map(|(c, _)| c.rect);
    let first = boxes.next()?;
    let r = boxes.fold(first, |a, b| Rect {
        x0: a.x0.min(b.x0),
        y0: a.y0.min(b.y0),
        x1: a.x1.max(b.x1),
        y1: a.y1.max(b.y1),
    });
    let mut coder = MqEncoder::new();
    let mut states = generic::states();
    tally!(6);
    generic::region(
        r.width() as usize,
        r.height() as usize,
        0,
        true,
        |y, row| {
            row.fill(0);
            let y = y + r.y0 as usize;
            for i in labels.row_start[y]..labels.row_start[y + 1] {
                if split.residue[labels.comp[i] as usize] {
                    let run = labels.runs[i];
                    row[(run.x0 - r.x0) as usize..(run.x1 - r.x0) as usize].fill(1);
                }
            }
        },
        &mut coder,
        &mut states,
        usize::MAX,
    );
    let coded = coder.finish();
    let mut region = Vec::with_capacity(coded.len() + 26);
    super::region_information(&mut region, r.width(), r.height(), r.x0, r.y0);
    generic::flags_and_at(&mut region, 0, true);
    region.extend_from_slice(&coded);
    Some(region)
}
