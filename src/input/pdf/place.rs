//! Where a page's image lands: from the image's transformation matrix, the
//! page's crop box and /Rotate to the page as a viewer shows it, at the
//! image's own resolution. Quarter turns and mirrors only: they move pixels
//! without resampling, so extraction stays lossless.

use super::{Matrix, Rect};
use crate::input::{Dpi, Pixels};
use image::{ImageBuffer, Pixel};

/// An image whose area is less than this share of the page is not taken
/// for the page (a logo or a stamp on a drawn page): render instead.
const MIN_COVER: f32 = 0.5;

/// How to turn the decoded image into the displayed page.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Placement {
    /// Display direction (x right, y down) of one step along the image's
    /// columns and along its rows; one is horizontal, the other vertical.
    col: (i8, i8),
    row: (i8, i8),
    /// The crop box in pixels at the image's resolution, and the image's
    /// top-left corner in it (before /Rotate).
    canvas: (u32, u32),
    offset: (i64, i64),
    /// Clockwise quarter turns the viewer applies (/Rotate).
    rotate: u16,
    /// Resolution of the final page image.
    pub dpi: Dpi,
}

impl Placement {
    /// The final image's size (after /Rotate).
    pub fn size(&self) -> (u32, u32) {
        if self.rotate % 180 == 90 {
            (self.canvas.1, self.canvas.0)
        } else {
            self.canvas
        }
    }
}

/// Place a `w`×`h` image drawn with `ctm` on a page showing `crop`, turned
/// by `rotate` degrees. `None` when it is drawn skewed (not a quarter turn)
/// or covers too little of the page to stand for it.
pub(super) fn place(ctm: &Matrix, w: u32, h: u32, crop: &Rect, rotate: u16) -> Option<Placement> {
    let [a, b, c, d, _, _] = ctm.0;
    let eps = 1e-3 * (a.abs() + b.abs() + c.abs() + d.abs());
    let sign = |v: f32| if v < 0.0 { -1 } else { 1 };
    // Page space has y up, the display y down: a step along the columns
    // moves (a, b) on the page, (a, -b) on the display; a step down the
    // rows moves (-c, -d) on the page, (-c, d) on the display.
    let (col, row) = if b.abs() < eps && c.abs() < eps && a.abs() > eps && d.abs() > eps {
        ((sign(a), 0), (0, sign(d)))
    } else if a.abs() < eps && d.abs() < eps && b.abs() > eps && c.abs() > eps {
        ((0, -sign(b)), (-sign(c), 0))
    } else {
        return None;
    };
    let bbox = ctm.unit_square_bbox();
    if crop.area() <= 0.0 || bbox.intersect(crop).area() < MIN_COVER * crop.area() {
        return None;
    }
    let (out_w, out_h) = if col.1 == 0 { (w, h) } else { (h, w) };
    let dpi_x = out_w as f32 * 72.0 / bbox.width();
    let dpi_y = out_h as f32 * 72.0 / bbox.height();
    let px = |pt: f32, dpi: f32| (pt * dpi / 72.0).round() as i64;
    let mut canvas = (px(crop.width(), dpi_x), px(crop.height(), dpi_y));
    let mut offset = (px(bbox.x0 - crop.x0, dpi_x), px(crop.y1 - bbox.y1, dpi_y));
    // Within a pixel of the crop box is the crop box (rounding of the
    // drawn size): keep the image as it is.
    let near = |a: i64, b: i64| (a - b).abs() <= 1;
    if near(offset.0, 0)
        && near(offset.1, 0)
        && near(canvas.0, out_w as i64)
        && near(canvas.1, out_h as i64)
    {
        canvas = (out_w as i64, out_h as i64);
        offset = (0, 0);
    }
    let canvas = (
        u32::try_from(canvas.0).ok().filter(|&v| v > 0)?,
        u32::try_from(canvas.1).ok().filter(|&v| v > 0)?,
    );
    let rotate = rotate % 360;
    let dpi = if rotate % 180 == 90 {
        Dpi { x: dpi_y, y: dpi_x }
    } else {
        Dpi { x: dpi_x, y: dpi_y }
    };
    Some(Placement {
        col,
        row,
        canvas,
        offset,
        rotate,
        dpi: tidy(dpi),
    })
}

/// Snap a resolution that is a whole number but for float rounding.
fn tidy(dpi: Dpi) -> Dpi {
    let snap = |v: f32| {
        if (v - v.round()).abs() < 0.01 {
            v.round()
        } else {
            v
        }
    };
    Dpi {
        x: snap(dpi.x),
        y: snap(dpi.y),
    }
}

/// Turn the decoded image into the page as displayed.
pub(super) fn apply(p: &Placement, pixels: Pixels) -> Pixels {
    match pixels {
        Pixels::Gray(g) => Pixels::Gray(apply_to(p, g)),
        Pixels::Rgb(c) => Pixels::Rgb(apply_to(p, c)),
    }
}

fn apply_to<P: Pixel<Subpixel = u8> + 'static>(
    p: &Placement,
    img: ImageBuffer<P, Vec<u8>>,
) -> ImageBuffer<P, Vec<u8>> {
    use image::imageops::{rotate90, rotate180, rotate270};
    let img = orient(img, p.col, p.row);
    let img = if p.offset == (0, 0) && img.dimensions() == p.canvas {
        img
    } else {
        compose(&img, p.canvas, p.offset)
    };
    match p.rotate {
        90 => rotate90(&img),
        180 => rotate180(&img),
        270 => rotate270(&img),
        _ => img,
    }
}

/// Move every pixel to where the image's axes point on the display.
fn orient<P: Pixel<Subpixel = u8> + 'static>(
    img: ImageBuffer<P, Vec<u8>>,
    col: (i8, i8),
    row: (i8, i8),
) -> ImageBuffer<P, Vec<u8>> {
    if col == (1, 0) && row == (0, 1) {
        return img;
    }
    let (w, h) = img.dimensions();
    let (out_w, out_h) = if col.1 == 0 { (w, h) } else { (h, w) };
    // Offsets bring the far end of a reversed axis back to zero.
    let start = |step: i8, len: u32| if step < 0 { len as i64 - 1 } else { 0 };
    let ox = start(col.0, w) + start(row.0, h);
    let oy = start(col.1, w) + start(row.1, h);
    let mut out = ImageBuffer::new(out_w, out_h);
    for (x, y, px) in img.enumerate_pixels() {
        let dx = ox + col.0 as i64 * x as i64 + row.0 as i64 * y as i64;
        let dy = oy + col.1 as i64 * x as i64 + row.1 as i64 * y as i64;
        out.put_pixel(dx as u32, dy as u32, *px);
    }
    out
}

/// Paste the image at `offset` on white paper of `size`, cropping overhang.
fn compose<P: Pixel<Subpixel = u8> + 'static>(
    img: &ImageBuffer<P, Vec<u8>>,
    size: (u32, u32),
    offset: (i64, i64),
) -> ImageBuffer<P, Vec<u8>> {
    let n = P::CHANNEL_COUNT as usize;
    let white = vec![255u8; size.0 as usize * size.1 as usize * n];
    let mut out = ImageBuffer::<P, Vec<u8>>::from_raw(size.0, size.1, white)
        .expect("buffer sized for the canvas");
    for (x, y, px) in img.enumerate_pixels() {
        let (dx, dy) = (x as i64 + offset.0, y as i64 + offset.1);
        if (0..size.0 as i64).contains(&dx) && (0..size.1 as i64).contains(&dy) {
            out.put_pixel(dx as u32, dy as u32, *px);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    fn letter() -> Rect {
        Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 612.0,
            y1: 792.0,
        }
    }

    /// A 3x2 image with distinct values, row-major: 0 1 2 / 3 4 5.
    fn sample() -> GrayImage {
        GrayImage::from_fn(3, 2, |x, y| Luma([(y * 3 + x) as u8]))
    }

    fn run(ctm: [f32; 6], crop: &Rect, rotate: u16) -> (Vec<u8>, (u32, u32), Dpi) {
        let p = place(&Matrix(ctm), 3, 2, crop, rotate).expect("placed");
        let Pixels::Gray(g) = apply(&p, Pixels::Gray(sample())) else {
            unreachable!()
        };
        (g.as_raw().clone(), g.dimensions(), p.dpi)
    }

    #[test]
    fn upright_full_page_image_is_kept_as_is() {
        let crop = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 216.0,
            y1: 144.0,
        };
        let (px, size, dpi) = run([216.0, 0.0, 0.0, 144.0, 0.0, 0.0], &crop, 0);
        assert_eq!((px, size), (vec![0, 1, 2, 3, 4, 5], (3, 2)));
        assert_eq!(dpi, Dpi::uniform(1.0));
    }

    #[test]
    fn mirrored_and_turned_matrices() {
        // Image drawn upside down (d < 0, origin moved to the top).
        let crop = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 216.0,
            y1: 144.0,
        };
        let (px, _, _) = run([216.0, 0.0, 0.0, -144.0, 0.0, 144.0], &crop, 0);
        assert_eq!(px, vec![3, 4, 5, 0, 1, 2]);
        // Drawn turned a quarter counter-clockwise on a portrait page:
        // [0 w -h 0 h 0] maps the image's columns upwards.
        let portrait = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 144.0,
            y1: 216.0,
        };
        let (px, size, _) = run([0.0, 216.0, -144.0, 0.0, 144.0, 0.0], &portrait, 0);
        // Columns run bottom to top, rows left to right: the image turned
        // counter-clockwise, as drawn.
        assert_eq!(size, (2, 3));
        assert_eq!(px, vec![2, 5, 1, 4, 0, 3]);
        // /Rotate 90 turns the upright page clockwise.
        let (px, size, _) = run([216.0, 0.0, 0.0, 144.0, 0.0, 0.0], &crop, 90);
        assert_eq!(size, (2, 3));
        assert_eq!(px, vec![3, 0, 4, 1, 5, 2]);
    }

    #[test]
    fn small_margins_are_padded_white_and_tiny_images_refused() {
        // The image covers the page but for a 2-inch strip on the left.
        let crop = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 360.0,
            y1: 144.0,
        };
        let (px, size, _) = run([216.0, 0.0, 0.0, 144.0, 144.0, 0.0], &crop, 0);
        assert_eq!(size, (5, 2));
        assert_eq!(px, vec![255, 255, 0, 1, 2, 255, 255, 3, 4, 5]);
        assert!(
            place(
                &Matrix([72.0, 0.0, 0.0, 72.0, 0.0, 0.0]),
                3,
                2,
                &letter(),
                0
            )
            .is_none()
        );
        // Skewed drawing is not a quarter turn.
        assert!(
            place(
                &Matrix([600.0, 10.0, -10.0, 780.0, 0.0, 0.0]),
                3,
                2,
                &letter(),
                0
            )
            .is_none()
        );
    }
}
