//! Perspective removal: the page inside a found outline, warped once onto
//! a rectangle of its true proportions.
//!
//! The proportions come from the outline alone ([`true_aspect`], Zhang &
//! He 2007); the output keeps the photo's sharpest detail — its longest
//! side in each direction is not shrunk — and every output pixel is one
//! bilinear sample of the photo through the inverse homography (a single
//! resampling pass; parts of the page outside the photo are white).
//! Own loop rather than `imageproc::geometric_transformations::warp_into`:
//! that one takes its `Projection` in `f32`, whose rounding moves the far
//! corner of a 4000-pixel page by a pixel, and fills an output the size of
//! its input.

use super::geometry::{Homography, Quad, dist, true_aspect};
use crate::input::Pixels;
use image::{GrayImage, RgbImage};

/// The size in pixels of the flat page whose photo is `quad` in a `frame`
/// (width, height): its true aspect ratio, and on each axis the longest
/// of the two sides seen in the photo — but never more pixels than the
/// photo has (the far side of a steep photo would be stretched to the
/// near side's detail, which it does not have; and the page's memory was
/// budgeted by the photo's size).
pub fn flat_size(quad: &Quad, frame: (u32, u32)) -> Option<(u32, u32)> {
    let centre = [frame.0 as f64 / 2.0, frame.1 as f64 / 2.0];
    let aspect = true_aspect(quad, centre);
    let [tl, tr, br, bl] = quad.0;
    let seen_w = dist(tl, tr).max(dist(bl, br));
    let seen_h = dist(tl, bl).max(dist(tr, br));
    let (w, h) = if seen_w / seen_h > aspect {
        (seen_w, seen_w / aspect)
    } else {
        (seen_h * aspect, seen_h)
    };
    let s = ((frame.0 as f64 * frame.1 as f64) / (w * h))
        .sqrt()
        .min(1.0);
    let (w, h) = ((w * s).round(), (h * s).round());
    (w.is_finite() && h.is_finite() && w >= 16.0 && h >= 16.0).then_some((w as u32, h as u32))
}

/// `size` enlarged, proportions kept, until its longest side has
/// `long_px` pixels — by at most [`MAX_UPSCALE`]; `size` when it has them
/// already.
pub fn at_least(size: (u32, u32), long_px: f64) -> (u32, u32) {
    let long = size.0.max(size.1).max(1) as f64;
    let k = (long_px / long).min(MAX_UPSCALE);
    if k <= 1.0 {
        return size;
    }
    let up = |v: u32| (v as f64 * k).round() as u32;
    (up(size.0), up(size.1))
}

/// Largest enlargement [`at_least`] makes: a page seen smaller than this
/// has no more detail to recover (and its memory stays bounded by the
/// photo's).
pub const MAX_UPSCALE: f64 = 3.0;

/// The page inside `quad` of `pixels`, warped to `size` (bilinear, one
/// pass); `None` when the quad is degenerate.
pub fn flatten(pixels: &Pixels, quad: &Quad, size: (u32, u32)) -> Option<Pixels> {
    let (w, h) = (size.0 as f64, size.1 as f64);
    // Output pixel centres k map to k + 0.5 on the page rectangle.
    let rect = [
        [-0.5, -0.5],
        [w - 0.5, -0.5],
        [w - 0.5, h - 0.5],
        [-0.5, h - 0.5],
    ];
    let back = Homography::from_points(&rect, &quad.0)?;
    Some(match pixels {
        Pixels::Gray(g) => Pixels::Gray(
            warp::<1>(g.as_raw(), g.dimensions(), &back, size)
                .map(|raw| GrayImage::from_raw(size.0, size.1, raw).expect("one byte a pixel"))?,
        ),
        Pixels::Rgb(c) => Pixels::Rgb(
            warp::<3>(c.as_raw(), c.dimensions(), &back, size)
                .map(|raw| RgbImage::from_raw(size.0, size.1, raw).expect("three bytes a pixel"))?,
        ),
    })
}

/// Bilinear resampling of an `N`-channel image through `back` (output to
/// input); white outside the input.
fn warp<const N: usize>(
    src: &[u8],
    (sw, sh): (u32, u32),
    back: &Homography,
    (w, h): (u32, u32),
) -> Option<Vec<u8>> {
    let len = (w as usize).checked_mul(h as usize)?.checked_mul(N)?;
    let mut out = vec![255u8; len];
    let (sw, sh) = (sw as usize, sh as usize);
    if sw == 0 || sh == 0 {
        return Some(out);
    }
    let m = &back.0;
    for y in 0..h as usize {
        let row = &mut out[y * w as usize * N..(y + 1) * w as usize * N];
        let fy = y as f64;
        for x in 0..w as usize {
            let fx = x as f64;
            let d = m[6] * fx + m[7] * fy + m[8];
            if d.abs() < 1e-12 {
                continue;
            }
            let px = (m[0] * fx + m[1] * fy + m[2]) / d;
            let py = (m[3] * fx + m[4] * fy + m[5]) / d;
            if !(px > -1.0 && py > -1.0 && px < sw as f64 && py < sh as f64) {
                continue;
            }
            let (x0, y0) = (px.floor(), py.floor());
            let (ax, ay) = ((px - x0) as f32, (py - y0) as f32);
            let (x0, y0) = (x0 as isize, y0 as isize);
            let at = |xx: isize, yy: isize, c: usize| -> f32 {
                if xx < 0 || yy < 0 || xx as usize >= sw || yy as usize >= sh {
                    255.0
                } else {
                    src[(yy as usize * sw + xx as usize) * N + c] as f32
                }
            };
            for c in 0..N {
                let top = at(x0, y0, c) * (1.0 - ax) + at(x0 + 1, y0, c) * ax;
                let bottom = at(x0, y0 + 1, c) * (1.0 - ax) + at(x0 + 1, y0 + 1, c) * ax;
                row[x * N + c] = (top * (1.0 - ay) + bottom * ay).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn an_axis_aligned_quad_is_a_crop() {
        let img = GrayImage::from_fn(100, 80, |x, y| Luma([(x + 2 * y) as u8]));
        let q = Quad([[9.5, 19.5], [49.5, 19.5], [49.5, 69.5], [9.5, 69.5]]);
        let Some(Pixels::Gray(out)) = flatten(&Pixels::Gray(img.clone()), &q, (40, 50)) else {
            panic!("a page")
        };
        assert_eq!(out.dimensions(), (40, 50));
        assert_eq!(out.get_pixel(0, 0), img.get_pixel(10, 20));
        assert_eq!(out.get_pixel(39, 49), img.get_pixel(49, 69));
    }

    #[test]
    fn a_small_page_is_enlarged_to_the_least_size_and_no_further() {
        // 618 × 873 seen; A4's 11.69 in at 200 dpi is 2338 px long.
        assert_eq!(at_least((618, 873), 2338.0), (1655, 2338));
        assert_eq!(at_least((2000, 2828), 2338.0), (2000, 2828));
        // At most three times.
        assert_eq!(at_least((100, 141), 2338.0), (300, 423));
    }

    #[test]
    fn flat_size_keeps_the_longest_sides_and_the_true_shape() {
        let q = Quad([
            [100.0, 100.0],
            [900.0, 100.0],
            [900.0, 1231.0],
            [100.0, 1231.0],
        ]);
        assert_eq!(flat_size(&q, (1000, 1400)), Some((800, 1131)));
        let degenerate = Quad([[0.0, 0.0]; 4]);
        assert_eq!(flat_size(&degenerate, (1000, 1400)), None);
    }
}
