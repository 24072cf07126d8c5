//! Small random images for the property tests that hold each fast path of
//! the cleanup (window sums, run labelling, block histograms, incremental
//! rotation…) to a naive reference written as directly as possible.
//!
//! Sides run from 1 to [`MAX_SIDE`], so odd sizes, images smaller than a
//! window or a block, and widths that are no multiple of 8, 32 or 64 all
//! come up; ink covers none, all, or any share of an image.

use super::bits::{BitImage, INK, PAPER};
use crate::rect::Rect;
use image::GrayImage;
use proptest::collection::vec;
use proptest::prelude::*;

/// Largest side of a random image: windows and blocks of a few pixels to
/// a few dozen are cut by the edges, and a case costs microseconds.
pub const MAX_SIDE: u32 = 40;

/// Width and height, each 1 to [`MAX_SIDE`].
pub fn dims() -> impl Strategy<Value = (u32, u32)> {
    (1..=MAX_SIDE, 1..=MAX_SIDE)
}

/// The chance of ink at a pixel: none, all, or anything between.
fn density() -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(0.0), 1 => Just(1.0), 4 => 0.0..=1.0]
}

/// A bilevel image of random size and ink density.
pub fn bits() -> impl Strategy<Value = BitImage> {
    (dims(), density()).prop_flat_map(|((w, h), p)| {
        vec(prop::bool::weighted(p), (w * h) as usize).prop_map(move |ink| {
            let levels = ink.iter().map(|&i| if i { INK } else { PAPER }).collect();
            BitImage::from_levels(GrayImage::from_raw(w, h, levels).expect("w × h pixels"))
        })
    })
}

/// A grey image of random size: one flat level, uniform noise, or three
/// levels (ink, faint ink, paper) in random shares with noise around each:
/// the shape of a scanned page, which the binarisations and background
/// estimates are made for, with faint strokes near their thresholds.
pub fn gray() -> impl Strategy<Value = GrayImage> {
    let flat =
        (dims(), any::<u8>()).prop_map(|((w, h), v)| GrayImage::from_pixel(w, h, image::Luma([v])));
    let noise = dims().prop_flat_map(|(w, h)| {
        vec(any::<u8>(), (w * h) as usize)
            .prop_map(move |v| GrayImage::from_raw(w, h, v).expect("w × h pixels"))
    });
    let page = (dims(), any::<[u8; 3]>(), any::<[u8; 2]>(), 0..=40i16).prop_flat_map(
        |((w, h), levels, shares, spread)| {
            let (ink, faint) = (shares[0].min(shares[1]), shares[0].max(shares[1]));
            vec((any::<u8>(), -spread..=spread), (w * h) as usize).prop_map(move |px| {
                let data = px
                    .iter()
                    .map(|&(r, d)| {
                        let base = match r {
                            _ if r < ink => levels[0],
                            _ if r < faint => levels[1],
                            _ => levels[2],
                        };
                        (i16::from(base) + d).clamp(0, 255) as u8
                    })
                    .collect();
                GrayImage::from_raw(w, h, data).expect("w × h pixels")
            })
        },
    );
    prop_oneof![1 => flat, 1 => noise, 3 => page]
}

/// An 8-connected component found by flood fill: its pixel count and
/// bounding box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component {
    pub area: u32,
    pub rect: Rect,
}

/// The 8-connected ink components of `bits` by flood fill from each
/// unlabelled ink pixel in raster order, and each pixel's component.
pub fn components(bits: &BitImage) -> (Vec<Component>, Vec<Option<usize>>) {
    let (w, h) = (bits.width() as i64, bits.height() as i64);
    let mut label = vec![None; (w * h) as usize];
    let mut comps = Vec::new();
    for start in 0..w * h {
        if label[start as usize].is_some() || !bits.is_ink((start % w) as u32, (start / w) as u32) {
            continue;
        }
        let id = comps.len();
        let (sx, sy) = ((start % w) as u32, (start / w) as u32);
        let mut c = Component {
            area: 0,
            rect: Rect {
                x0: sx,
                y0: sy,
                x1: sx + 1,
                y1: sy + 1,
            },
        };
        label[start as usize] = Some(id);
        let mut stack = vec![(start % w, start / w)];
        while let Some((x, y)) = stack.pop() {
            c.area += 1;
            let r = &mut c.rect;
            (r.x0, r.y0) = (r.x0.min(x as u32), r.y0.min(y as u32));
            (r.x1, r.y1) = (r.x1.max(x as u32 + 1), r.y1.max(y as u32 + 1));
            for (nx, ny) in (y - 1..=y + 1).flat_map(|ny| (x - 1..=x + 1).map(move |nx| (nx, ny))) {
                let inside = (0..w).contains(&nx) && (0..h).contains(&ny);
                if inside
                    && label[(ny * w + nx) as usize].is_none()
                    && bits.is_ink(nx as u32, ny as u32)
                {
                    label[(ny * w + nx) as usize] = Some(id);
                    stack.push((nx, ny));
                }
            }
        }
        comps.push(c);
    }
    (comps, label)
}
