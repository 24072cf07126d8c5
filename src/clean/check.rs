//! The check of a layered page: does what the PDF will show (the colour
//! layers composed over the mask) look like the page they were made from?
//!
//! Colour layers (`super::colour`) model a page as ink of a few colours
//! over paper with soft tints. Maps, charts and illustrations are not that:
//! thin coloured lines, hollow roads, areas of flat colour with hard
//! edges. Layered, they come out with dark blocks, missing strokes and
//! lost tints, and nothing else would notice. So the composed page is
//! compared with the white-balanced colour page the layers were cut from
//! (cleanup's intended changes, paper to white and stains and shading
//! gone, are already in it): both are reduced to cells of [`CELL_IN`] (so
//! a stroke edge that the bilevel mask moves by a pixel does not count),
//! converted to CIELAB (CIE 15:2004), and a tile of [`TILE_CELLS`]² cells
//! is *changed* when the mean colour difference ΔE*ab of its cells exceeds
//! [`TILE_DELTA_E`]. A page with more than [`MAX_CHANGED`] of its tiles
//! changed is stored as a colour image instead (it costs bytes, never
//! content), and says so with a warning.
//!
//! A bilevel or mixed page gets a check of its own, [`changes`], in grey:
//! marks that the scan shows with clear contrast against their local paper
//! but that the stored page does not show at all (letters whitened with a
//! shadow band, strokes dropped as specks, a drawing taken for a border),
//! areas of even grey tone it shows as white paper (light chart bars, map
//! tints), and areas of even tone it paints solid black (a grey ground
//! taken for ink, with the letters on it).

use super::bits::{BitImage, INK};
use super::colour::{Layers, lab};
use super::minmax::{Extreme, filter};
use crate::input::{Dpi, Warning};
use crate::rect::Rect;
use image::{GrayImage, RgbImage};

/// Side of a comparison cell, in inches (4 px at 300 dpi).
const CELL_IN: f32 = 4.0 / 300.0;
/// Side of a tile, in cells (about 1/9 inch).
const TILE_CELLS: u32 = 8;
/// Mean ΔE*ab of a tile's cells above which the tile is changed: ink that
/// keeps its place and colour stays under 5, a lost tint or stroke is 10
/// to 40.
const TILE_DELTA_E: f32 = 10.0;
/// Share of changed tiles above which the layers do not hold.
pub(crate) const MAX_CHANGED: f32 = 0.02;

/// Share of the page's tiles that the layers change (0–1); `colour` is the
/// white-balanced page the layers were made from, `mask` their mask.
/// Cells in `pictures` (stored on their own, over the layers) do not count.
pub(crate) fn layers_change(
    colour: &RgbImage,
    layers: &Layers,
    mask: &BitImage,
    pictures: &[Rect],
    dpi: Dpi,
) -> f32 {
    let (w, h) = colour.dimensions();
    let cell = (CELL_IN * dpi.x.max(dpi.y)).round().max(1.0) as u32;
    let (cw, ch) = (w / cell, h / cell);
    if cw == 0 || ch == 0 {
        return 0.0;
    }
    // Cell sums of the scan and of the page composed from the layers, a
    // row of cells at a time; the composed page is never held whole.
    let (tw, th) = (cw.div_ceil(TILE_CELLS), ch.div_ceil(TILE_CELLS));
    let mut tiles = vec![(0f32, 0u32); (tw * th) as usize];
    let (mut scan, mut shown) = (vec![[0u32; 3]; cw as usize], vec![[0u32; 3]; cw as usize]);
    let mut composed = Vec::new();
    let add = |sums: &mut [[u32; 3]], pixels: &mut dyn Iterator<Item = [u8; 3]>| {
        for (i, p) in pixels.take((cw * cell) as usize).enumerate() {
            let s = &mut sums[i / cell as usize];
            (0..3).for_each(|k| s[k] += u32::from(p[k]));
        }
    };
    let mean = |s: [u32; 3]| s.map(|v| (v / (cell * cell)) as u8);
    for cy in 0..ch {
        scan.iter_mut()
            .chain(shown.iter_mut())
            .for_each(|s| *s = [0; 3]);
        for y in cy * cell..(cy + 1) * cell {
            let row = &colour.as_raw()[(y * w * 3) as usize..((y + 1) * w * 3) as usize];
            add(
                &mut scan,
                &mut row.chunks_exact(3).map(|p| [p[0], p[1], p[2]]),
            );
            layers.compose_row(mask, y, &mut composed);
            add(&mut shown, &mut composed.iter().copied());
        }
        for cx in 0..cw {
            let (x0, y0) = (cx * cell, cy * cell);
            let covered = |r: &Rect| r.x0 < x0 + cell && x0 < r.x1 && r.y0 < y0 + cell && y0 < r.y1;
            if pictures.iter().any(covered) {
                continue;
            }
            let (a, b) = (lab(mean(scan[cx as usize])), lab(mean(shown[cx as usize])));
            let de = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
            let t = &mut tiles[((cy / TILE_CELLS) * tw + cx / TILE_CELLS) as usize];
            t.0 += de;
            t.1 += 1;
        }
    }
    let counted = tiles.iter().filter(|&&(_, n)| n > 0).count();
    let changed = tiles
        .iter()
        .filter(|&&(sum, n)| n > 0 && sum / n as f32 > TILE_DELTA_E)
        .count();
    changed as f32 / counted.max(1) as f32
}

/// Side of an ink-check cell, in inches (4 px at 300 dpi).
const INK_CELL_IN: f32 = 4.0 / 300.0;
/// Reach of a cell's local paper (the lightest cell around it), in inches:
/// a few letter widths, so a stain or shadow under a letter is its paper.
const LOCAL_PAPER_IN: f32 = 1.0 / 15.0;
/// Darkness under the local paper from which a cell of the scan holds a
/// mark (bleed-through and stain rims stay under it; print is far over).
const MARK_CONTRAST: i16 = 64;
/// Smallest group of lost cells that counts: a letter's worth (a dust
/// speck that despeckling removed on purpose is a few cells).
const LOST_CELLS: u32 = 16;

/// What the page check found: areas to store in tone, as pictures.
#[derive(Debug, Default)]
pub struct Changes {
    /// Marks and tones of the scan that nothing stored shows.
    pub lost: Vec<Rect>,
    /// Areas of even mid or light tone that the stored page shows as solid
    /// ink: a grey ground painted black, with whatever was printed on it.
    pub darkened: Vec<Rect>,
}

impl Changes {
    /// Every area, lost or darkened.
    pub fn areas(&self) -> impl Iterator<Item = &Rect> {
        self.lost.iter().chain(&self.darkened)
    }

    /// Whether the check found nothing.
    pub fn is_empty(&self) -> bool {
        self.lost.is_empty() && self.darkened.is_empty()
    }

    /// The page's `stored_as_picture` warning: what was found, and how
    /// much of a page of `size` pixels it covers.
    pub fn warning(&self, size: (u32, u32)) -> Warning {
        let share = |areas: &[Rect]| {
            let px: f32 = areas.iter().map(|r| (r.width() * r.height()) as f32).sum();
            100.0 * px / (size.0 as f32 * size.1 as f32)
        };
        let mut parts = Vec::new();
        if !self.lost.is_empty() {
            parts.push(format!(
                "{} area(s) holding marks or tones that cleanup would have removed ({:.1}% of \
                 the page)",
                self.lost.len(),
                share(&self.lost)
            ));
        }
        if !self.darkened.is_empty() {
            parts.push(format!(
                "{} area(s) of grey tone that cleanup would have made solid ink ({:.1}% of the \
                 page)",
                self.darkened.len(),
                share(&self.darkened)
            ));
        }
        Warning {
            code: "stored_as_picture",
            message: format!("{} are stored as pictures", parts.join("; ")),
        }
    }
}

/// The reference page and the stored ink summed in cells of
/// [`INK_CELL_IN`]: darkest and lightest level, and stored ink pixels.
struct Cells {
    cell: u32,
    cw: usize,
    ch: usize,
    size: (u32, u32),
    lo: Vec<u8>,
    hi: Vec<u8>,
    ink: Vec<u16>,
}

impl Cells {
    fn of(reference: &GrayImage, stored: &BitImage, dpi: Dpi) -> Self {
        let (w, h) = reference.dimensions();
        let cell = (INK_CELL_IN * dpi.x.max(dpi.y)).round().clamp(1.0, 255.0) as u32;
        let (cw, ch) = (w.div_ceil(cell) as usize, h.div_ceil(cell) as usize);
        let mut lo = vec![255u8; cw * ch];
        let mut hi = vec![0u8; cw * ch];
        let mut ink = vec![0u16; cw * ch];
        for y in 0..h {
            let row = &reference.as_raw()[(y * w) as usize..((y + 1) * w) as usize];
            let bits = stored.row(y);
            let base = (y / cell) as usize * cw;
            for x in 0..w as usize {
                let i = base + x / cell as usize;
                lo[i] = lo[i].min(row[x]);
                hi[i] = hi[i].max(row[x]);
                ink[i] += u16::from(bits[x] == INK);
            }
        }
        Cells {
            cell,
            cw,
            ch,
            size: (w, h),
            lo,
            hi,
            ink,
        }
    }

    fn rect(&self, i: usize) -> Rect {
        let (x, y) = (
            (i % self.cw) as u32 * self.cell,
            (i / self.cw) as u32 * self.cell,
        );
        Rect {
            x0: x,
            y0: y,
            x1: (x + self.cell).min(self.size.0),
            y1: (y + self.cell).min(self.size.1),
        }
    }

    /// Pixels of cell `i` (edge cells are cut by the page).
    fn area(&self, i: usize) -> u32 {
        let r = self.rect(i);
        r.width() * r.height()
    }

    /// Whether any stored ink lies in the cells under `r`.
    fn holds_ink(&self, r: &Rect) -> bool {
        let c = self.cell;
        (r.y0 / c..r.y1.div_ceil(c)).any(|cy| {
            (r.x0 / c..r.x1.div_ceil(c)).any(|cx| self.ink[cy as usize * self.cw + cx as usize] > 0)
        })
    }
}

/// The page check of a bilevel or mixed page: `reference` is the deskewed,
/// background-normalised grey page (before any whitening, so it keeps
/// every mark's contrast against its local paper), `stored` the bilevel
/// page, `pictures` what is stored in tone and `intended` what cleanup
/// removed on purpose (scanner borders).
///
/// **Lost**: cells darker than their local paper by [`MARK_CONTRAST`],
/// with no stored ink within a cell of them, outside pictures and
/// `intended`, grouped (8-connected, bridging one cell) into groups of at
/// least [`LOST_CELLS`]. So are areas of even light or mid tone (cells
/// between [`TONE_DARKEST`] and [`TONE_LIGHTEST`], spread at most
/// [`TONE_SPREAD`]) of at least [`TONE_AREA_IN2`] that nothing stored
/// shows: a chart's light bars, a grey panel, which the threshold takes
/// for paper. Such an area counts only when it is a printed shape: at
/// least [`TONE_SIDE_IN`] across, filling [`TONE_FILL`] of its box, with
/// no stored ink in it (text on a tinted ground is whitened on purpose).
///
/// **Darkened**: the other way round, cells of even tone no darker than
/// [`TONE_DARKEST`] that the stored page fills with ink
/// ([`DARKENED_INK`] of the cell): a grey ground or a dark chart bar that
/// the threshold took for ink, which hides the letters printed on it. A
/// stroke of faded ink is darkened on purpose, and is thin: an area counts
/// when it is at least [`TONE_AREA_IN2`] and [`TONE_SIDE_IN`] across and
/// fills [`DARKENED_FILL`] of its box (letters on the ground take the
/// rest).
///
/// Areas are returned as boxes grown by a cell's reach of local paper,
/// for the caller to store in tone.
pub fn changes(
    reference: &GrayImage,
    stored: &BitImage,
    pictures: &[Rect],
    intended: &[Rect],
    dpi: Dpi,
) -> Changes {
    let c = Cells::of(reference, stored, dpi);
    let (cw, ch, cell) = (c.cw, c.ch, c.cell);
    let reach = ((LOCAL_PAPER_IN * dpi.x.max(dpi.y)) / cell as f32)
        .round()
        .max(1.0) as usize;
    let paper = filter(&c.hi, cw, ch, reach, Extreme::Max);
    let shown = filter(
        &c.ink.iter().map(|&n| u8::from(n > 0)).collect::<Vec<_>>(),
        cw,
        ch,
        1,
        Extreme::Max,
    );
    let cell_rect = |i: usize| c.rect(i);
    let apart = |i: usize| {
        !pictures
            .iter()
            .chain(intended)
            .any(|r| r.overlaps(&c.rect(i)))
    };
    let stored_apart = |i: usize| shown[i] == 0 && apart(i);
    let lost: Vec<bool> = (0..cw * ch)
        .map(|i| i16::from(paper[i]) - i16::from(c.lo[i]) >= MARK_CONTRAST && stored_apart(i))
        .collect();
    let even = |i: usize| c.lo[i] >= TONE_DARKEST && c.hi[i] - c.lo[i] <= TONE_SPREAD;
    // A tone: an even, light-to-mid grey cell (a chart's bar, a map's
    // tint) that the paper's whitening did not take for paper.
    let tone: Vec<bool> = (0..cw * ch)
        .map(|i| c.hi[i] <= TONE_LIGHTEST && even(i) && stored_apart(i))
        .collect();
    let darkened: Vec<bool> = (0..cw * ch)
        .map(|i| even(i) && f32::from(c.ink[i]) >= DARKENED_INK * c.area(i) as f32 && apart(i))
        .collect();
    let cell_in2 = (cell as f32 / dpi.x) * (cell as f32 / dpi.y);
    let area_cells = (TONE_AREA_IN2 / cell_in2) as u32;
    let side = (TONE_SIDE_IN * dpi.x.max(dpi.y)) as u32;
    // A printed shape (a bar, a panel), not a stroke, a stain's blot or a
    // shadow's strip.
    let shape = |(r, n): &(Rect, u32), fill: f32| {
        let box_cells = r.width().div_ceil(cell) * r.height().div_ceil(cell);
        r.width().min(r.height()) >= side && *n as f32 >= fill * box_cells as f32
    };
    let grow = |r: Rect| {
        let g = reach as u32 * cell;
        Rect {
            x0: r.x0.saturating_sub(g),
            y0: r.y0.saturating_sub(g),
            x1: (r.x1 + g).min(c.size.0),
            y1: (r.y1 + g).min(c.size.1),
        }
    };
    let lost = groups(&lost, (cw, ch), 2, LOST_CELLS, &cell_rect)
        .into_iter()
        .map(|(r, _)| r)
        .chain(
            groups(&tone, (cw, ch), 1, area_cells, &cell_rect)
                .into_iter()
                .filter(|g| shape(g, TONE_FILL) && !c.holds_ink(&g.0))
                .map(|(r, _)| r),
        )
        .map(grow)
        .collect();
    // A picture's own tone left outside its box (a bar taller than the
    // others above a chart's region) needs no shape: it continues the
    // picture.
    let beside_picture = |r: &Rect| {
        let near = Rect {
            x0: r.x0.saturating_sub(cell),
            y0: r.y0.saturating_sub(cell),
            x1: r.x1 + cell,
            y1: r.y1 + cell,
        };
        pictures.iter().any(|p| p.overlaps(&near))
    };
    let darkened = groups(&darkened, (cw, ch), 1, LOST_CELLS, &cell_rect)
        .into_iter()
        .filter(|g| (g.1 >= area_cells && shape(g, DARKENED_FILL)) || beside_picture(&g.0))
        .map(|(r, _)| grow(r))
        .collect();
    Changes { lost, darkened }
}

/// Lightest cell (its lightest pixel) that is a tone rather than paper
/// (the whitened paper is 255; a tint at 96% of the paper is still grey).
const TONE_LIGHTEST: u8 = 244;
/// Darkest cell (its darkest pixel) taken for a tone: darker areas are
/// ink for the threshold to keep.
const TONE_DARKEST: u8 = 96;
/// Largest spread of levels in a tone's cell (noise, not print).
const TONE_SPREAD: u8 = 24;
/// Smallest area of tone that counts, in square inches (a chart's
/// thinnest bar over a third of an inch).
const TONE_AREA_IN2: f32 = 0.03;
/// Narrowest side of an area of tone, in inches: a shadow along a sheet's
/// edge is thinner.
const TONE_SIDE_IN: f32 = 0.1;
/// Share of its box an area of tone fills: a printed shape fills most of
/// it; a stain's ragged blot or ring does not.
const TONE_FILL: f32 = 0.9;

/// Share of a cell's pixels that the stored page must fill with ink for
/// the cell to be darkened (a ground painted black, with a pixel or two
/// of noise left white).
const DARKENED_INK: f32 = 0.9;
/// Share of its box a darkened area fills: a ground holding letters is
/// still half ground.
const DARKENED_FILL: f32 = 0.5;

/// Boxes of the groups of set cells in `flags` (`cw` × `ch` cells) of at
/// least `min` cells, joining cells up to `bridge` cells apart, with their
/// cell counts.
fn groups(
    flags: &[bool],
    (cw, ch): (usize, usize),
    bridge: usize,
    min: u32,
    cell_rect: &dyn Fn(usize) -> Rect,
) -> Vec<(Rect, u32)> {
    let mut seen = vec![false; cw * ch];
    let mut out = Vec::new();
    for start in 0..cw * ch {
        if !flags[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![start];
        let (mut n, mut r) = (0u32, cell_rect(start));
        while let Some(i) = stack.pop() {
            n += 1;
            r = r.union(&cell_rect(i));
            let (x, y) = (i % cw, i / cw);
            for ny in y.saturating_sub(bridge)..(y + bridge + 1).min(ch) {
                for nx in x.saturating_sub(bridge)..(x + bridge + 1).min(cw) {
                    let j = ny * cw + nx;
                    if flags[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        if n >= min {
            out.push((r, n));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::bits::{INK, PAPER};
    use image::{GrayImage, Luma, Rgb};

    fn ink_lost(
        reference: &GrayImage,
        stored: &BitImage,
        pictures: &[Rect],
        intended: &[Rect],
        dpi: Dpi,
    ) -> Vec<Rect> {
        let c = changes(reference, stored, pictures, intended, dpi);
        assert!(c.darkened.is_empty(), "{c:?}");
        c.lost
    }

    #[test]
    fn an_even_ground_painted_black_is_darkened() {
        let dpi = Dpi::uniform(300.0);
        // A 1.0 x 0.4 in ground at 110 holding three letters at 30, beside
        // the letters page; the stored page fills the ground with ink.
        let ground = |x: u32, y: u32| (500..800).contains(&x) && (60..180).contains(&y);
        let letter = |x: u32, y: u32| {
            (100..140).contains(&y) && [540, 620, 700].iter().any(|&l| (l..l + 20).contains(&x))
        };
        let (letters, bits) = letters_page();
        let gray = GrayImage::from_fn(820, 300, |x, y| {
            Luma([if letter(x, y) {
                30
            } else if ground(x, y) {
                110
            } else if x < 500 {
                letters.get_pixel(x, y).0[0]
            } else {
                250
            }])
        });
        let paint = |fill: bool| {
            BitImage::from_gray_threshold(GrayImage::from_fn(820, 300, |x, y| {
                let inked = if x < 500 {
                    bits.as_gray().get_pixel(x, y).0[0] == INK
                } else {
                    letter(x, y) || (fill && ground(x, y))
                };
                Luma([if inked { INK } else { PAPER }])
            }))
        };
        let c = changes(&gray, &paint(true), &[], &[], dpi);
        assert!(c.lost.is_empty(), "{c:?}");
        assert_eq!(c.darkened.len(), 1, "{c:?}");
        assert!(c.darkened[0].contains(650, 120) && !c.darkened[0].contains(220, 130));
        // Shown with the ground whitened, or in a picture, nothing is
        // darkened (whether a whitened ground is lost is the other test's).
        assert!(
            changes(&gray, &paint(false), &[], &[], dpi)
                .darkened
                .is_empty()
        );
        let r = Rect {
            x0: 490,
            y0: 50,
            x1: 810,
            y1: 190,
        };
        assert!(changes(&gray, &paint(true), &[r], &[], dpi).is_empty());
        // Black print filled with ink is as it should be; so is a stroke
        // of faded ink (110) too thin to be a ground.
        let black = GrayImage::from_fn(820, 300, |x, y| {
            Luma([if ground(x, y) {
                30
            } else {
                gray.get_pixel(x, y).0[0]
            }])
        });
        assert!(changes(&black, &paint(true), &[], &[], dpi).is_empty());
        let stroke = |x: u32, y: u32| (500..800).contains(&x) && (60..80).contains(&y);
        let faded = GrayImage::from_fn(820, 300, |x, y| {
            Luma([if stroke(x, y) {
                110
            } else if x < 500 {
                gray.get_pixel(x, y).0[0]
            } else {
                250
            }])
        });
        let stroke_bits = BitImage::from_gray_threshold(GrayImage::from_fn(820, 300, |x, y| {
            let inked = if x < 500 {
                bits.as_gray().get_pixel(x, y).0[0] == INK
            } else {
                stroke(x, y)
            };
            Luma([if inked { INK } else { PAPER }])
        }));
        assert!(changes(&faded, &stroke_bits, &[], &[], dpi).is_empty());
        // The same strip just above a picture is the picture's tone left
        // outside its box.
        let below = Rect {
            x0: 500,
            y0: 82,
            x1: 800,
            y1: 250,
        };
        let c = changes(&faded, &stroke_bits, &[below], &[], dpi);
        assert_eq!(c.darkened.len(), 1, "{c:?}");
        assert!(c.darkened[0].contains(650, 70), "{c:?}");
    }

    fn layers(fg: [u8; 3], bg: [u8; 3]) -> Layers {
        Layers {
            foreground: RgbImage::from_pixel(10, 10, Rgb(fg)),
            background: RgbImage::from_pixel(30, 30, Rgb(bg)),
            fg_cell: 6,
            bg_cell: 2,
        }
    }

    /// A 60 × 60 page with a 3-px stroke grid in `ink` on white, and its
    /// mask.
    fn page(ink: [u8; 3]) -> (RgbImage, BitImage) {
        let on = |x: u32, y: u32| x % 10 < 3 || y % 10 < 3;
        let img = RgbImage::from_fn(60, 60, |x, y| Rgb(if on(x, y) { ink } else { [255; 3] }));
        let mask = GrayImage::from_fn(60, 60, |x, y| Luma([if on(x, y) { INK } else { PAPER }]));
        (img, BitImage::from_gray_threshold(mask))
    }

    /// A 300-dpi page of three 40 × 60 "letters" (ink 40 on paper 250):
    /// the grey reference and its bilevel image.
    fn letters_page() -> (GrayImage, BitImage) {
        let letter = |x: u32, y: u32| {
            (100..160).contains(&y) && [100, 200, 300].iter().any(|&l| (l..l + 40).contains(&x))
        };
        let gray = GrayImage::from_fn(500, 300, |x, y| Luma([if letter(x, y) { 40 } else { 250 }]));
        let bits = GrayImage::from_fn(500, 300, |x, y| {
            Luma([if letter(x, y) { INK } else { PAPER }])
        });
        (gray, BitImage::from_gray_threshold(bits))
    }

    #[test]
    fn marks_that_nothing_stored_shows_are_lost() {
        let dpi = Dpi::uniform(300.0);
        let (gray, bits) = letters_page();
        assert!(ink_lost(&gray, &bits, &[], &[], dpi).is_empty());
        // The middle letter whitened in the stored page.
        let mut whitened = bits.as_gray().clone();
        for y in 100..160 {
            for x in 200..240 {
                whitened.put_pixel(x, y, Luma([PAPER]));
            }
        }
        let whitened = BitImage::from_gray_threshold(whitened);
        let lost = ink_lost(&gray, &whitened, &[], &[], dpi);
        assert_eq!(lost.len(), 1, "{lost:?}");
        assert!(
            lost[0].contains(220, 130) && !lost[0].contains(120, 130),
            "{lost:?}"
        );
        // Not when it is in a picture, or removed on purpose.
        let r = Rect {
            x0: 190,
            y0: 90,
            x1: 250,
            y1: 170,
        };
        assert!(ink_lost(&gray, &whitened, &[r], &[], dpi).is_empty());
        assert!(ink_lost(&gray, &whitened, &[], &[r], dpi).is_empty());
    }

    #[test]
    fn an_even_grey_shape_shown_as_paper_is_lost_tone() {
        let dpi = Dpi::uniform(300.0);
        // A 0.4 × 0.6 in bar at 210 beside the letters; the stored page
        // shows only the letters.
        let bar = |x: u32, y: u32| (380..500).contains(&x) && (60..240).contains(&y);
        let (letters, bits) = letters_page();
        let gray = GrayImage::from_fn(520, 300, |x, y| {
            let v = if x < 500 {
                letters.get_pixel(x, y).0[0]
            } else {
                255
            };
            Luma([if bar(x, y) { 210 } else { v }])
        });
        let stored = BitImage::from_gray_threshold(GrayImage::from_fn(520, 300, |x, y| {
            Luma([if x < 500 {
                bits.as_gray().get_pixel(x, y).0[0]
            } else {
                PAPER
            }])
        }));
        let lost = ink_lost(&gray, &stored, &[], &[], dpi);
        assert_eq!(lost.len(), 1, "{lost:?}");
        assert!(lost[0].contains(440, 150) && !lost[0].contains(220, 130));
        // Text on the same ground is text on a tint, whitened on purpose.
        let with_text = BitImage::from_gray_threshold(GrayImage::from_fn(520, 300, |x, y| {
            let letter = (420..430).contains(&x) && (140..160).contains(&y);
            Luma([if letter {
                INK
            } else {
                stored.as_gray().get_pixel(x, y).0[0]
            }])
        }));
        assert!(ink_lost(&gray, &with_text, &[], &[], dpi).is_empty());
        // A strip thinner than a tenth of an inch is a shadow's edge.
        let strip = GrayImage::from_fn(520, 300, |x, y| {
            let v = gray.get_pixel(x, y).0[0];
            Luma([if bar(x, y) && x >= 480 {
                210
            } else if bar(x, y) {
                255
            } else {
                v
            }])
        });
        assert!(ink_lost(&strip, &stored, &[], &[], dpi).is_empty());
    }

    #[test]
    fn specks_and_faint_marks_are_not_lost_ink() {
        let dpi = Dpi::uniform(300.0);
        let (mut gray, bits) = letters_page();
        // A dust speck (6 x 6, dark) and bleed-through (a letter at 210
        // on 250), neither in the stored page.
        for y in 20..26 {
            for x in 400..406 {
                gray.put_pixel(x, y, Luma([20]));
            }
        }
        for y in 200..260 {
            for x in 200..240 {
                gray.put_pixel(x, y, Luma([210]));
            }
        }
        assert!(ink_lost(&gray, &bits, &[], &[], dpi).is_empty());
    }

    #[test]
    fn faithful_layers_change_nothing() {
        let (img, mask) = page([200, 30, 40]);
        let l = layers([200, 30, 40], [255, 255, 255]);
        assert_eq!(
            layers_change(&img, &l, &mask, &[], Dpi::uniform(300.0)),
            0.0
        );
    }

    #[test]
    fn a_lost_tint_or_a_wrong_ink_changes_the_page() {
        let (img, mask) = page([200, 30, 40]);
        // The ink drawn black.
        let l = layers([0, 0, 0], [255, 255, 255]);
        assert_eq!(
            layers_change(&img, &l, &mask, &[], Dpi::uniform(300.0)),
            1.0
        );
        // A green area turned white.
        let green = RgbImage::from_pixel(60, 60, Rgb([180, 220, 170]));
        let none = BitImage::from_gray_threshold(GrayImage::from_pixel(60, 60, Luma([PAPER])));
        let l = layers([0, 0, 0], [255, 255, 255]);
        assert_eq!(
            layers_change(&green, &l, &none, &[], Dpi::uniform(300.0)),
            1.0
        );
        // Unless the area is a picture, stored on its own.
        let all = [Rect {
            x0: 0,
            y0: 0,
            x1: 60,
            y1: 60,
        }];
        assert_eq!(
            layers_change(&green, &l, &none, &all, Dpi::uniform(300.0)),
            0.0
        );
    }
}
