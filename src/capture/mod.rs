//! Phone photos of pages: find the sheet of paper in the photo, remove the
//! perspective, crop to the page — before cleanup, so everything after
//! (cleanup, OCR, the PDF) sees a flat page, as from a flatbed scanner.
//!
//! The stages are pure functions over buffers: [`find_outline`] (an edge
//! map at reduced resolution, Hough lines and quadrilateral scoring; see
//! [`outline`]) and [`flatten::flatten`] (one bilinear pass through the
//! homography, to the true aspect ratio of [`geometry::true_aspect`]).
//! [`apply`] runs them on a decoded page when [`CaptureMode`] says so and
//! gives the flat page its resolution from its physical size.
//!
//! Flatbed scans are never touched by default ([`CaptureMode::Auto`]):
//! only an image whose file says it is a photo — no resolution it could
//! have been scanned at (below 150 dpi, as phones write 72, or none) and
//! longer than paper at it (see [`crate::input::Decoded::photo`]) — is
//! looked at, and only an outline with four straight edges along its whole
//! sides, with desk around it, covering 12–93 % of the frame, is cropped.
//!
//! Book pages ([`book`], after the outline): with `--split-spreads` an
//! open book's spread is cut at its spine into two pages ([`spread`]; the
//! spine is found before the pages are scheduled, so each half is a page
//! of its own everywhere), and a page whose text lines bend (towards a
//! spine) is dewarped from them ([`dewarp`], Leptonica's text-line
//! model). A page cut from a spread has its spine's shadow lifted and
//! what lies beyond its outer edge cut off first ([`edges`]).
//! Both only on pages looked at: photos (or `--capture on`) and,
//! with `--split-spreads`, every image; a flat page is left as it was.
//!
//! A whole spread (its spine found, but not cut: no `--split-spreads`)
//! is not dewarped: its pages bend towards the spine from both sides,
//! which no one-page model follows.
//! A photo with two corners out of the frame (a whole side missing) has
//! no outline and is kept whole.

pub mod dewarp;
pub mod edges;
pub mod flatten;
pub mod geometry;
pub mod outline;
pub mod spread;

pub use geometry::{Quad, iou};
pub use outline::{Outline, find_outline};

use crate::input::{Decoded, Dpi, Warning};

/// When photos are looked at for a page outline (`--capture`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum CaptureMode {
    /// Never: every image is taken as the page.
    Off,
    /// Images that are photos by their resolution (see the module doc);
    /// scans are never looked at. The default.
    #[default]
    Auto,
    /// Every image input (not PDF pages): a scan of a page smaller than
    /// the glass is cropped to the page too, and a scan with a large
    /// straight-edged box with blank margins inside it (a tinted panel, a
    /// picture on an otherwise empty page) may be cropped to that box.
    On,
}

/// What capture did to a page, for `-v`, `--json` and `--report`.
#[derive(Debug, Clone, PartialEq)]
pub struct Captured {
    /// The photo was looked at for a page outline (`--capture`).
    pub looked: bool,
    /// The page's corners in the photo (pixels, after its orientation
    /// tag; clockwise from the top left), when an outline was found.
    pub corners: Option<[[f64; 2]; 4]>,
    /// The page was warped flat and cropped (`corners` is then set).
    pub flattened: bool,
    /// The paper the flat page's proportions matched (its resolution
    /// comes from it), e.g. `A4`.
    pub paper: Option<&'static str>,
    /// The resolution the page had in the photo when it was warped up to
    /// [`MIN_FLAT_DPI`] (`None`: kept at the photo's detail).
    pub seen_dpi: Option<f32>,
    /// Seconds spent finding and flattening (part of the page's decoding
    /// time in [`crate::StageTimes`]).
    pub seconds: f64,
    /// The page is this side of a book spread cut at its spine
    /// (`--split-spreads`).
    pub split: Option<spread::Side>,
    /// The page was looked at for a spine and had none (one page).
    pub no_spine: bool,
    /// The page is a whole book spread (its spine found) that was not
    /// cut (no `--split-spreads`): not dewarped as one page, since its
    /// two pages bend in opposite directions.
    pub whole_spread: bool,
    /// What dewarping measured (`None`: not looked at, or too few lines).
    pub dewarp: Option<dewarp::Dewarp>,
    /// What was done at the side edges of a page cut from a spread.
    pub edges: edges::Edges,
}

pub use crate::input::spread::SpreadPart;

impl Captured {
    /// Nothing done and nothing looked for but the book stages.
    fn none() -> Self {
        Captured {
            looked: false,
            corners: None,
            flattened: false,
            paper: None,
            seen_dpi: None,
            seconds: 0.0,
            split: None,
            no_spine: false,
            whole_spread: false,
            dewarp: None,
            edges: edges::Edges::default(),
        }
    }

    /// The page was dewarped.
    pub fn dewarped(&self) -> bool {
        self.dewarp.is_some_and(|d| d.applied)
    }

    /// The `-v` words for it.
    pub fn describe(&self) -> String {
        let mut s = self.describe_outline();
        if let Some(side) = self.split {
            s.push_str(&format!(
                ", {} page of a book spread cut at its spine",
                side.name()
            ));
        } else if self.no_spine {
            s.push_str(", no book spine found (one page)");
        } else if self.whole_spread {
            s.push_str(
                ", a book spread: not dewarped as one page (--split-spreads cuts it in two)",
            );
        }
        match self.dewarp {
            Some(d) if d.applied => s.push_str(&format!(
                ", dewarped ({} lines bent up to {:.1} px, {:.0} px apart)",
                d.lines, d.sag, d.pitch
            )),
            Some(d) if d.curved => s.push_str(&format!(
                ", lines bent up to {:.1} px but not dewarped (no valid model)",
                d.sag
            )),
            Some(d) => s.push_str(&format!(", lines straight (bent {:.1} px at most)", d.sag)),
            None => {}
        }
        if self.edges.lifted > 0 {
            s.push_str(&format!(
                ", the spine's shadow lifted ({} px)",
                self.edges.lifted
            ));
        }
        if self.edges.trimmed > 0 {
            s.push_str(&format!(
                ", {} px beyond its outer edge cut off",
                self.edges.trimmed
            ));
        }
        s
    }

    fn describe_outline(&self) -> String {
        if self.corners.is_none() && !self.looked {
            return "not looked at for a page outline".into();
        }
        match (&self.corners, self.flattened) {
            (Some(c), true) => format!(
                "page found in the photo at ({:.0},{:.0}) ({:.0},{:.0}) ({:.0},{:.0}) ({:.0},{:.0}), flattened{}{}",
                c[0][0],
                c[0][1],
                c[1][0],
                c[1][1],
                c[2][0],
                c[2][1],
                c[3][0],
                c[3][1],
                self.paper.map(|p| format!(" ({p})")).unwrap_or_default(),
                self.seen_dpi
                    .map(|d| format!(", resampled from {d:.0} dpi"))
                    .unwrap_or_default()
            ),
            _ => "no page outline found in the photo (kept whole)".into(),
        }
    }
}

/// Least resolution of a flat page whose paper is known: a page seen
/// small in a photo (40 % of a 12-MP frame is about 75 dpi on A4) is
/// warped up to it in the one resampling pass flattening makes anyway.
/// Binarized at 75 dpi its letters are blocks of a few pixels and OCR
/// reads an enlargement of those; warped to 200 dpi from the photo, the
/// letters keep smooth edges and read better (the bench's page at 40 %
/// of the frame: CER 1.29 % → 0.00 %, 7.7 → 18 kB, looked at).
pub const MIN_FLAT_DPI: f64 = 200.0;

/// Photo pixels the warp keeps inside the found outline on every side.
/// The outline lies on the middle of the paper's edge, whose step from
/// desk to paper is blurred over a few pixels in a photo: warped from
/// there, the flat page's last rows hold a trace of the desk, which
/// binarization leaves as a row of specks along the page's border.
const EDGE_INSET: f64 = 2.0;

/// Paper the flat page's proportions are matched against: (name, short
/// side, long side) in inches. A5 and A3 have A4's proportions and are
/// taken as A4 (the common one).
const PAPERS: [(&str, f64, f64); 3] = [
    ("A4", 8.27, 11.69),
    ("Letter", 8.5, 11.0),
    ("Legal", 8.5, 14.0),
];
/// Largest difference of proportions (long over short side) from a
/// paper's for the page to be taken as that paper.
const PAPER_TOLERANCE: f64 = 0.02;

/// The paper whose proportions are within [`PAPER_TOLERANCE`] of a
/// `w` × `h` page.
pub fn paper_of(w: u32, h: u32) -> Option<(&'static str, f64)> {
    let (short, long) = (w.min(h) as f64, w.max(h) as f64);
    let ratio = long / short.max(1.0);
    PAPERS
        .into_iter()
        .map(|(name, s, l)| (name, l, (ratio / (l / s) - 1.0).abs()))
        .filter(|p| p.2 <= PAPER_TOLERANCE)
        .min_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(name, l, _)| (name, l))
}

/// Look for the page in `decoded` as `mode` says and, when one is found,
/// replace the image by the flat page. Its resolution: `dpi_override`
/// (`--dpi`) when given; else from its paper size when its proportions
/// are a paper's (an `estimated_dpi` warning says so); else left to the
/// text-size estimate that follows (`clean::resolution`), or 300 dpi.
/// `None` when the page was not looked at.
pub(crate) fn apply(
    decoded: &mut Decoded,
    mode: CaptureMode,
    dpi_override: Option<Dpi>,
) -> Option<Captured> {
    let look = match mode {
        CaptureMode::Off => false,
        CaptureMode::Auto => decoded.photo,
        CaptureMode::On => decoded.photo || decoded.image_input,
    };
    if !look {
        return None;
    }
    let started = std::time::Instant::now();
    let pixels = &decoded.image.pixels;
    let frame = pixels.dimensions();
    let luma;
    let gray = match pixels {
        crate::input::Pixels::Gray(g) => g,
        crate::input::Pixels::Rgb(c) => {
            luma = crate::input::luma(c);
            &luma
        }
    };
    let outline = find_outline(gray);
    let flat = outline.and_then(|o| {
        let seen = flatten::flat_size(&o.quad, frame)?;
        // The paper is the outline's proportions', which warping up keeps.
        let paper = paper_of(seen.0, seen.1);
        // A page seen small is warped up to `MIN_FLAT_DPI` in the same
        // pass (unless `--dpi` says what the photo's pixels are).
        let size = match (dpi_override, paper) {
            (None, Some((_, long_in))) => flatten::at_least(seen, long_in * MIN_FLAT_DPI),
            _ => seen,
        };
        let inside = o.quad.inset(EDGE_INSET).unwrap_or(o.quad);
        Some((
            o,
            size,
            flatten::flatten(pixels, &inside, size)?,
            seen,
            paper,
        ))
    });
    let Some((outline, (w, h), flat, seen, paper)) = flat else {
        return Some(Captured {
            looked: true,
            seconds: started.elapsed().as_secs_f64(),
            ..Captured::none()
        });
    };
    decoded.image.pixels = flat;
    let seen_dpi = paper
        .filter(|_| (w, h) != seen)
        .map(|(_, long_in)| (seen.0.max(seen.1) as f64 / long_in) as f32);
    if dpi_override.is_none() {
        // The photo's own resolution (or the guess from its proportions)
        // says nothing about the page in it.
        decoded.warnings.retain(|w| w.code != "estimated_dpi");
        let found = paper.and_then(|(name, long_in)| {
            let d = (w.max(h) as f64 / long_in).round() as f32;
            Some((name, Dpi::plausible(d, d)?))
        });
        if let Some((name, dpi)) = found {
            let (short_in, long_in) = PAPERS
                .iter()
                .find(|p| p.0 == name)
                .map_or((0.0, 0.0), |p| (p.1, p.2));
            decoded.warnings.push(Warning {
                code: "estimated_dpi",
                message: format!(
                    "resolution estimated as {:.0} dpi from the page found in the photo: its \
                     proportions are {name}'s ({short_in} x {long_in} in){}; --dpi sets it",
                    seen_dpi.unwrap_or(dpi.x),
                    match seen_dpi {
                        Some(_) => format!(", resampled to {:.0} dpi", dpi.x),
                        None => String::new(),
                    }
                ),
            });
            decoded.image.dpi = dpi;
            decoded.dpi_stated = true;
        } else {
            decoded.image.dpi = Dpi::DEFAULT;
            decoded.dpi_stated = false;
        }
    }
    Some(Captured {
        looked: true,
        corners: Some(outline.quad.0),
        flattened: true,
        paper: paper.map(|p| p.0),
        seen_dpi,
        seconds: started.elapsed().as_secs_f64(),
        ..Captured::none()
    })
}

/// The book stages on a page [`apply`] has been through: cut it to its
/// side of a spread (`part`, from the listing), then dewarp it when its
/// lines are curved. They run on pages capture looked at (`captured`
/// set) and on pages looked at for a spine (`part` set); any other page
/// is left alone, and so is a whole spread (a spine found on a page not
/// cut: no `--split-spreads`). Updates `captured` (creating it for a page only looked
/// at for a spine).
pub(crate) fn book(
    decoded: &mut Decoded,
    captured: &mut Option<Captured>,
    part: Option<SpreadPart>,
) {
    if captured.is_none() && part.is_none() {
        return;
    }
    let started = std::time::Instant::now();
    let c = captured.get_or_insert_with(Captured::none);
    match part {
        Some(SpreadPart::Page { side, cut }) => {
            let pixels = &decoded.image.pixels;
            let (w, h) = pixels.dimensions();
            let cut = cut.clamp(1, w.saturating_sub(1).max(1));
            let (x, width) = match side {
                spread::Side::Left => (0, cut),
                spread::Side::Right => (cut, w - cut),
            };
            decoded.image.pixels = crop(pixels, x, width, h);
            c.split = Some(side);
            c.edges = edges::even_out(&mut decoded.image.pixels, Some(side));
        }
        Some(SpreadPart::Whole) => c.no_spine = true,
        None => {
            // A whole spread's pages bend towards the spine from both
            // sides: one page's model of it would fold the other.
            let gutter = match &decoded.image.pixels {
                crate::input::Pixels::Gray(g) => spread::find_gutter(g),
                crate::input::Pixels::Rgb(rgb) => spread::find_gutter(&crate::input::luma(rgb)),
            };
            if gutter.is_some() {
                c.whole_spread = true;
                c.seconds += started.elapsed().as_secs_f64();
                return;
            }
        }
    }
    if let Some((found, flat)) = dewarp::dewarp(&decoded.image.pixels) {
        if let Some(flat) = flat {
            decoded.image.pixels = flat;
            // A single book page (its lines bent: a book's): its spine's
            // shadow is on whichever side is shaded. Dewarping moved
            // pixels along columns only, so a column is still a column.
            if c.split.is_none() {
                c.edges = edges::even_out(&mut decoded.image.pixels, None);
            }
        }
        c.dewarp = Some(found);
    }
    c.seconds += started.elapsed().as_secs_f64();
}

/// Columns `x..x + width` of `pixels`.
fn crop(pixels: &crate::input::Pixels, x: u32, width: u32, h: u32) -> crate::input::Pixels {
    use crate::input::Pixels;
    use image::GenericImageView;
    match pixels {
        Pixels::Gray(g) => Pixels::Gray(g.view(x, 0, width, h).to_image()),
        Pixels::Rgb(c) => Pixels::Rgb(c.view(x, 0, width, h).to_image()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn papers_are_matched_by_their_proportions() {
        assert_eq!(paper_of(2480, 3508).map(|p| p.0), Some("A4"));
        assert_eq!(paper_of(3300, 2550).map(|p| p.0), Some("Letter"));
        assert_eq!(paper_of(1000, 1000), None);
        assert_eq!(paper_of(0, 0), None);
    }
}
