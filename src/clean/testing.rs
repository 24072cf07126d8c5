//! Small random images for the property tests that hold each fast path of
//! the cleanup (window sums, run labelling, block histograms, incremental
//! rotation…) to a naive reference written as directly as possible.
//!
//! Sides run from 1 to [`MAX_SIDE`], so odd sizes, images smaller than a
//! window or a block, and widths that are no multiple of 8, 32 or 64 all
//! come up; ink covers none, all, or any share of an image.

use super::bits::{BitImage, INK, PAPER};
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

/// A grey image of random size: one flat level, uniform noise, or ink and
/// paper levels of random contrast with noise around each (the shape of a
/// scanned page, which the binarisations and background estimates are
/// made for).
pub fn gray() -> impl Strategy<Value = GrayImage> {
    let flat =
        (dims(), any::<u8>()).prop_map(|((w, h), v)| GrayImage::from_pixel(w, h, image::Luma([v])));
    let noise = dims().prop_flat_map(|(w, h)| {
        vec(any::<u8>(), (w * h) as usize)
            .prop_map(move |v| GrayImage::from_raw(w, h, v).expect("w × h pixels"))
    });
    let page = (dims(), density(), any::<u8>(), any::<u8>(), 0..=40i16).prop_flat_map(
        |((w, h), p, ink, paper, spread)| {
            vec(
                (prop::bool::weighted(p), -spread..=spread),
                (w * h) as usize,
            )
            .prop_map(move |px| {
                let data = px
                    .iter()
                    .map(|&(is_ink, d)| {
                        let base = if is_ink { ink } else { paper };
                        (i16::from(base) + d).clamp(0, 255) as u8
                    })
                    .collect();
                GrayImage::from_raw(w, h, data).expect("w × h pixels")
            })
        },
    );
    prop_oneof![1 => flat, 1 => noise, 3 => page]
}
