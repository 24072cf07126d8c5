//! The outline of a sheet of paper in a photo.
//!
//! Edge map at reduced resolution, line detection, quadrilateral scoring,
//! then a sub-pixel refinement of the four sides at full resolution:
//!
//! 1. The luma image is reduced by an integer box filter to at most
//!    [`WORK_SIDE`] pixels on its long side and smoothed (Gaussian,
//!    σ = 1.2 px): text becomes grey bands, desk grain and sensor noise
//!    fade, the paper's edge stays a step.
//! 2. Sobel gradients, thinned by non-maximum suppression along the
//!    gradient (Canny, 1986), above a small contrast ([`EDGE_MIN`] grey
//!    levels a pixel, so a white page on a light table still counts).
//! 3. A Hough transform (Duda & Hart, 1972) in which each edge pixel votes
//!    only for the lines within 2° of its own gradient's normal
//!    (O'Gorman & Clowes, 1976): the few dozen strongest, locally maximal
//!    lines are the candidates for the four sides.
//! 4. Every quadrilateral made of two roughly opposite pairs of candidate
//!    lines is scored by how much of each side is really an edge across
//!    it (gradient across the side, at most 2 px from it) minus how much
//!    is not: the page's own outline is the largest quad whose four sides
//!    are edges along their whole length. Text lines, a shadow's edge or
//!    a second sheet under the page make quads with a side that is an edge
//!    only in part, or smaller ones. Sides may leave the frame (a corner
//!    out of the photo): only their part inside it is scored. A side with
//!    ink right inside it (a text line's edge, not a margin), or with
//!    paper-bright, inked ground right beyond it (more of the page: text
//!    beyond the side), disqualifies its quad: a crop must never cut the
//!    page's text.
//! 5. Each side of the winner is refined on the full image: the luma
//!    profile across it at 48 places, the steepest step located to a
//!    fraction of a pixel, and a total-least-squares line through those
//!    places (outliers beyond 1.5 px dropped and the line fitted again);
//!    the corners are the refined sides' intersections.
//!
//! Lines, not a page/desk segmentation, because the cases that matter most
//! are the ones where page and desk are alike in colour (a white table,
//! other paper underneath): there the outline is only an edge, often a
//! faint one, but a straight one along the whole side — which is what a
//! line detector with per-side support finds and a region grower loses.
//! Used as the page-finding step of phone scanning apps and of the
//! SmartDoc 2015 entries (Burie et al., ICDAR 2015).

use super::geometry::{Point, Quad, cross, dist, sub};
use image::GrayImage;

/// Long side of the image the lines are looked for on.
pub const WORK_SIDE: u32 = 800;
/// Least gradient (grey levels a pixel, after smoothing) of an edge pixel.
const EDGE_MIN: f32 = 2.0;
/// Least gradient across a side for a sample on it to count as edge.
const SUPPORT_MIN: f32 = 1.5;
/// Candidate lines kept from the Hough accumulator.
const MAX_LINES: usize = 40;
/// Hough angle step: a quarter degree.
const THETA_STEPS: usize = 720;
/// Gradient (grey levels a pixel) of ink in a page's margin.
const BUSY_EDGE: f64 = 4.0;
/// Largest share of a side with ink right inside it (a shadow's edge or a
/// speck crossing the margin is allowed; a text line along it is not).
const MAX_BUSY: f64 = 0.2;
/// Least share of each side's part inside the frame that must be edge.
pub const MIN_SUPPORT: f64 = 0.6;
/// Smallest page, as a share of the frame's area.
const MIN_AREA: f64 = 0.12;
/// A quad covering more of the frame than this is the frame itself (a
/// flatbed scan, a photo cropped to the page): nothing to find.
const MAX_AREA: f64 = 0.93;
/// Largest share of the flat page outside the photo (one corner of the
/// page out of the frame; more is not the page's outline, or not enough
/// of the page to keep).
const MAX_FLAT_OUT: f64 = 0.1;

/// A page found in a photo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outline {
    /// Its corners in the image's pixels, clockwise from the top left.
    pub quad: Quad,
    /// The least share of a side (of its part inside the frame) found to be
    /// an edge, 0–1.
    pub support: f64,
    /// Share of the page inside the frame, 0–1.
    pub inside: f64,
}

/// A line `x cos θ + y sin θ = ρ` in the reduced image.
#[derive(Debug, Clone, Copy)]
struct Line {
    n: Point,
    rho: f64,
    votes: u32,
}

impl Line {
    fn meet(&self, o: &Line) -> Option<Point> {
        let det = self.n[0] * o.n[1] - self.n[1] * o.n[0];
        if det.abs() < 1e-9 {
            return None;
        }
        Some([
            (self.rho * o.n[1] - o.rho * self.n[1]) / det,
            (self.n[0] * o.rho - o.n[0] * self.rho) / det,
        ])
    }
}

/// The reduced, smoothed image and its gradients.
struct Work {
    w: usize,
    h: usize,
    /// The reduced, smoothed luma.
    img: Vec<f32>,
    gx: Vec<f32>,
    gy: Vec<f32>,
}

/// The outline of the page in `gray` (a photo's luma), or `None` when no
/// quadrilateral with four straight edges along its sides, covering
/// between 12 % and 93 % of the frame, at most one corner out of it and
/// at most a tenth of the flat page, is found.
/// Never panics; images smaller than 64 px a side have no outline.
pub fn find_outline(gray: &GrayImage) -> Option<Outline> {
    let (fw, fh) = gray.dimensions();
    if fw.min(fh) < 64 {
        return None;
    }
    let k = fw.max(fh).div_ceil(WORK_SIDE).max(1);
    // A strip (a receipt roll, a panorama) too thin to hold a page at
    // the working size.
    if fw.min(fh) / k < 32 {
        return None;
    }
    let work = prepare(gray, k);
    let lines = hough(&work);
    let coarse = best_quad(&work, &lines)?;
    let full = coarse.quad.scaled(k as f64);
    let quad = refine(gray, &full, k as f64).unwrap_or(full);
    let (w, h) = (fw as f64, fh as f64);
    let inside = super::geometry::polygon_area(&quad.clipped(w, h)).abs() / quad.area().max(1.0);
    let shape_ok = quad.is_convex() && corner_angles_ok(&quad);
    let area = quad.area() * inside / (w * h);
    let framed = corners_out(&quad, w, h) <= 1 && flat_share_out(&quad, w, h) <= MAX_FLAT_OUT;
    (shape_ok && framed && (MIN_AREA..=MAX_AREA).contains(&area) && inside >= 0.8).then_some(
        Outline {
            quad,
            support: coarse.support,
            inside,
        },
    )
}

/// Box-reduce by `k`, smooth, and take Sobel gradients (grey levels a
/// pixel).
fn prepare(gray: &GrayImage, k: u32) -> Work {
    let (fw, fh) = gray.dimensions();
    let (w, h) = ((fw / k).max(1) as usize, (fh / k).max(1) as usize);
    let raw = gray.as_raw();
    let mut small = vec![0f32; w * h];
    let k = k as usize;
    for y in 0..h {
        for x in 0..w {
            let mut s = 0u32;
            for yy in y * k..(y * k + k) {
                let row = &raw[yy * fw as usize + x * k..yy * fw as usize + x * k + k];
                s += row.iter().map(|&v| v as u32).sum::<u32>();
            }
            small[y * w + x] = s as f32 / (k * k) as f32;
        }
    }
    let small = blur(&small, w, h, 1.2);
    let mut gx = vec![0f32; w * h];
    let mut gy = vec![0f32; w * h];
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let p = |dx: isize, dy: isize| {
                small[(y as isize + dy) as usize * w + (x as isize + dx) as usize]
            };
            gx[y * w + x] =
                (p(1, -1) + 2.0 * p(1, 0) + p(1, 1) - p(-1, -1) - 2.0 * p(-1, 0) - p(-1, 1)) / 8.0;
            gy[y * w + x] =
                (p(-1, 1) + 2.0 * p(0, 1) + p(1, 1) - p(-1, -1) - 2.0 * p(0, -1) - p(1, -1)) / 8.0;
        }
    }
    Work {
        w,
        h,
        img: small,
        gx,
        gy,
    }
}

/// Separable Gaussian blur with edge replication.
fn blur(img: &[f32], w: usize, h: usize, sigma: f32) -> Vec<f32> {
    let r = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = kernel.iter().sum();
    let kernel: Vec<f32> = kernel.iter().map(|v| v / sum).collect();
    let pass = |src: &[f32], horizontal: bool| {
        let mut out = vec![0f32; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut s = 0.0;
                for (i, kv) in kernel.iter().enumerate() {
                    let d = i as isize - r;
                    let (xx, yy) = if horizontal {
                        ((x as isize + d).clamp(0, w as isize - 1) as usize, y)
                    } else {
                        (x, (y as isize + d).clamp(0, h as isize - 1) as usize)
                    };
                    s += kv * src[yy * w + xx];
                }
                out[y * w + x] = s;
            }
        }
        out
    };
    pass(&pass(img, true), false)
}

/// Candidate lines: thinned edge pixels vote near their gradient's normal.
fn hough(work: &Work) -> Vec<Line> {
    let (w, h) = (work.w, work.h);
    let diag = ((w * w + h * h) as f64).sqrt().ceil() as usize;
    let rhos = 2 * diag + 1;
    let mut acc = vec![0u32; THETA_STEPS * rhos];
    let trig: Vec<(f64, f64)> = (0..THETA_STEPS)
        .map(|t| {
            let a = t as f64 * std::f64::consts::PI / THETA_STEPS as f64;
            (a.cos(), a.sin())
        })
        .collect();
    let spread = (2.0 * THETA_STEPS as f64 / 180.0).round() as isize;
    for y in 2..h.saturating_sub(2) {
        for x in 2..w.saturating_sub(2) {
            let i = y * w + x;
            let (gx, gy) = (work.gx[i], work.gy[i]);
            let m = gx.hypot(gy);
            if m < EDGE_MIN {
                continue;
            }
            // Non-maximum suppression along the gradient (nearest of the
            // eight neighbours on each side).
            let (dx, dy) = ((gx / m).round() as isize, (gy / m).round() as isize);
            let at = |dx: isize, dy: isize| {
                let j = (y as isize + dy) as usize * w + (x as isize + dx) as usize;
                work.gx[j].hypot(work.gy[j])
            };
            if at(dx, dy) > m || at(-dx, -dy) >= m {
                continue;
            }
            let phi = (gy as f64)
                .atan2(gx as f64)
                .rem_euclid(std::f64::consts::PI);
            let t0 = (phi / std::f64::consts::PI * THETA_STEPS as f64).round() as isize;
            for dt in -spread..=spread {
                let t = (t0 + dt).rem_euclid(THETA_STEPS as isize) as usize;
                let (c, s) = trig[t];
                let rho = (x as f64 * c + y as f64 * s).round() as isize + diag as isize;
                acc[t * rhos + rho as usize] += 1;
            }
        }
    }
    // Local maxima, strongest first, at least a tenth of the short side
    // long.
    let min_votes = (w.min(h) / 10).max(8) as u32;
    let (rt, rr) = (8isize, 6isize);
    let mut peaks = Vec::new();
    for t in 0..THETA_STEPS {
        for r in 0..rhos {
            let v = acc[t * rhos + r];
            if v < min_votes {
                continue;
            }
            let mut is_max = true;
            'n: for dt in -rt..=rt {
                // θ wraps to π with ρ negated.
                let (tt, flip) = {
                    let tt = t as isize + dt;
                    if tt < 0 {
                        ((tt + THETA_STEPS as isize) as usize, true)
                    } else if tt >= THETA_STEPS as isize {
                        ((tt - THETA_STEPS as isize) as usize, true)
                    } else {
                        (tt as usize, false)
                    }
                };
                let base = if flip {
                    2 * diag as isize - r as isize
                } else {
                    r as isize
                };
                for dr in -rr..=rr {
                    let rr2 = base + dr;
                    if rr2 < 0 || rr2 >= rhos as isize || (dt == 0 && dr == 0) {
                        continue;
                    }
                    let u = acc[tt * rhos + rr2 as usize];
                    if u > v || (u == v && (tt, rr2 as usize) < (t, r)) {
                        is_max = false;
                        break 'n;
                    }
                }
            }
            if is_max {
                let (c, s) = trig[t];
                peaks.push(Line {
                    n: [c, s],
                    rho: r as f64 - diag as f64,
                    votes: v,
                });
            }
        }
    }
    peaks.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.rho.total_cmp(&b.rho)));
    peaks.truncate(MAX_LINES);
    peaks
}

/// The coarse winner with its least side support.
struct Coarse {
    quad: Quad,
    support: f64,
}

/// Angle between two lines' normals, 0–90°.
fn angle_between(a: &Line, b: &Line) -> f64 {
    let c = (a.n[0] * b.n[0] + a.n[1] * b.n[1]).abs().min(1.0);
    c.acos().to_degrees()
}

/// The best-scoring quad of two opposite pairs of `lines`.
fn best_quad(work: &Work, lines: &[Line]) -> Option<Coarse> {
    let short = work.w.min(work.h) as f64;
    let centre = [work.w as f64 / 2.0, work.h as f64 / 2.0];
    let signed = |l: &Line| l.n[0] * centre[0] + l.n[1] * centre[1] - l.rho;
    let mut pairs = Vec::new();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            let (a, b) = (&lines[i], &lines[j]);
            if angle_between(a, b) > 40.0 {
                continue;
            }
            // Distance between them at the frame centre, normals aligned.
            let same = a.n[0] * b.n[0] + a.n[1] * b.n[1] > 0.0;
            let (da, db) = (signed(a), if same { signed(b) } else { -signed(b) });
            if (da - db).abs() < 0.25 * short {
                continue;
            }
            pairs.push((i, j));
        }
    }
    let mut best: Option<(f64, Coarse)> = None;
    for (p, &(a, b)) in pairs.iter().enumerate() {
        for &(c, d) in &pairs[p + 1..] {
            if [c, d].iter().any(|x| *x == a || *x == b) {
                continue;
            }
            let mean = |x: &Line, y: &Line| {
                let s = if x.n[0] * y.n[0] + x.n[1] * y.n[1] >= 0.0 {
                    1.0
                } else {
                    -1.0
                };
                Line {
                    n: [x.n[0] + s * y.n[0], x.n[1] + s * y.n[1]],
                    rho: 0.0,
                    votes: 0,
                }
            };
            let (m1, m2) = (mean(&lines[a], &lines[b]), mean(&lines[c], &lines[d]));
            let norm = |l: &Line| l.n[0].hypot(l.n[1]);
            let cos = ((m1.n[0] * m2.n[0] + m1.n[1] * m2.n[1]) / (norm(&m1) * norm(&m2))).abs();
            if cos > 45f64.to_radians().cos() {
                continue;
            }
            let Some(quad) = quad_of([&lines[a], &lines[b]], [&lines[c], &lines[d]]) else {
                continue;
            };
            let Some((score, support)) = score(work, &quad) else {
                continue;
            };
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, Coarse { quad, support }));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// The quad bounded by two opposite pairs, corners clockwise from the one
/// whose following side runs most nearly left to right.
fn quad_of(p: [&Line; 2], q: [&Line; 2]) -> Option<Quad> {
    let pts = [
        p[0].meet(q[0])?,
        p[0].meet(q[1])?,
        p[1].meet(q[0])?,
        p[1].meet(q[1])?,
    ];
    order(pts)
}

/// Four corners in clockwise order, starting at the top left as the page
/// reads (the first side the one nearest to running left to right).
pub(crate) fn order(pts: [Point; 4]) -> Option<Quad> {
    if pts.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    let c = [
        pts.iter().map(|p| p[0]).sum::<f64>() / 4.0,
        pts.iter().map(|p| p[1]).sum::<f64>() / 4.0,
    ];
    let mut v = pts;
    v.sort_by(|a, b| {
        let aa = (a[1] - c[1]).atan2(a[0] - c[0]);
        let bb = (b[1] - c[1]).atan2(b[0] - c[0]);
        aa.total_cmp(&bb)
    });
    let start = (0..4).min_by(|&i, &j| {
        let dir = |i: usize| {
            let d = sub(v[(i + 1) % 4], v[i]);
            d[1].atan2(d[0]).abs()
        };
        dir(i).total_cmp(&dir(j))
    })?;
    let quad = Quad([0, 1, 2, 3].map(|i| v[(start + i) % 4]));
    quad.is_convex().then_some(quad)
}

/// How many corners of `q` lie outside a `w` × `h` frame (by more than a
/// pixel).
fn corners_out(q: &Quad, w: f64, h: f64) -> usize {
    q.0.iter()
        .filter(|p| p[0] < -1.0 || p[1] < -1.0 || p[0] > w + 1.0 || p[1] > h + 1.0)
        .count()
}

/// Share of the flat page (the rectangle `q` is the photo of, its true
/// proportions aside) that lies outside the frame: the far side of a
/// tilted page is small in the photo and large on the page, so a corner
/// slightly out of the photo can be much of the page. Sampled on a 24 × 24
/// grid through the homography.
fn flat_share_out(q: &Quad, w: f64, h: f64) -> f64 {
    let unit = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    let Some(to_photo) = super::geometry::Homography::from_points(&unit, &q.0) else {
        return 1.0;
    };
    let n = 24;
    let mut out = 0;
    for i in 0..n {
        for j in 0..n {
            let p = [(i as f64 + 0.5) / n as f64, (j as f64 + 0.5) / n as f64];
            match to_photo.map(p) {
                Some([x, y]) if x >= 0.0 && y >= 0.0 && x <= w && y <= h => {}
                _ => out += 1,
            }
        }
    }
    out as f64 / (n * n) as f64
}

/// Every corner between 40° and 140°: a page seen at up to 35° of tilt.
fn corner_angles_ok(q: &Quad) -> bool {
    let p = &q.0;
    (0..4).all(|i| {
        let (a, b, c) = (p[(i + 3) % 4], p[i], p[(i + 1) % 4]);
        let (u, v) = (sub(a, b), sub(c, b));
        let cos = (u[0] * v[0] + u[1] * v[1]) / (u[0].hypot(u[1]) * v[0].hypot(v[1]));
        cos.abs() <= 40f64.to_radians().cos()
    })
}

/// The quad's score (edge length along its sides minus non-edge length,
/// inside the frame) and its least side support; `None` when it cannot be
/// a page.
fn score(work: &Work, quad: &Quad) -> Option<(f64, f64)> {
    let (w, h) = (work.w as f64, work.h as f64);
    if !corner_angles_ok(quad) {
        return None;
    }
    let area = quad.area();
    if area < MIN_AREA * w * h {
        return None;
    }
    let inside = super::geometry::polygon_area(&quad.clipped(w, h)).abs();
    if inside < 0.8 * area || inside > MAX_AREA * w * h || corners_out(quad, w, h) > 1 {
        return None;
    }
    let mut total = 0.0;
    let mut least: f64 = 1.0;
    for i in 0..4 {
        let (a, b) = (quad.0[i], quad.0[(i + 1) % 4]);
        let (on, off) = side_support(work, a, b)?;
        let len = dist(a, b);
        if ((on + off) as f64) < 0.4 * len {
            return None;
        }
        let support = on as f64 / (on + off).max(1) as f64;
        if support < MIN_SUPPORT || margin_busy(work, a, b) > MAX_BUSY || paper_beyond(work, a, b) {
            return None;
        }
        least = least.min(support);
        total += on as f64 - off as f64;
    }
    Some((total, least))
}

/// The part `[t0, t1]` of segment `a`–`b` inside the rectangle
/// `[lo, hi]²` (Liang–Barsky clipping).
pub(crate) fn clip_segment(a: Point, b: Point, lo: Point, hi: Point) -> Option<(f64, f64)> {
    let d = sub(b, a);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for k in 0..2 {
        for (p, q) in [(-d[k], a[k] - lo[k]), (d[k], hi[k] - a[k])] {
            if p.abs() < 1e-12 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
    }
    (t0 < t1).then_some((t0, t1))
}

/// Samples (one a pixel) of side `a`–`b` inside the frame that are an edge
/// across the side, and that are not.
fn side_support(work: &Work, a: Point, b: Point) -> Option<(u32, u32)> {
    let (w, h) = (work.w as f64, work.h as f64);
    let m = 4.0;
    let (t0, t1) = clip_segment(a, b, [m, m], [w - 1.0 - m, h - 1.0 - m])?;
    let len = dist(a, b);
    let d = sub(b, a);
    let n = [-d[1] / len, d[0] / len];
    let steps = ((t1 - t0) * len).floor() as usize;
    let (mut on, mut off) = (0, 0);
    for s in 0..=steps {
        let t = t0 + (t1 - t0) * s as f64 / steps.max(1) as f64;
        let p = [a[0] + d[0] * t, a[1] + d[1] * t];
        let mut edge = false;
        for o in -2..=2 {
            let (x, y) = (
                (p[0] + n[0] * o as f64).round() as usize,
                (p[1] + n[1] * o as f64).round() as usize,
            );
            let i = y.min(work.h - 1) * work.w + x.min(work.w - 1);
            let (gx, gy) = (work.gx[i] as f64, work.gy[i] as f64);
            let across = (gx * n[0] + gy * n[1]).abs();
            if across >= SUPPORT_MIN as f64 && across >= 0.85 * gx.hypot(gy) {
                edge = true;
                break;
            }
        }
        if edge {
            on += 1;
        } else {
            off += 1;
        }
    }
    Some((on, off))
}

/// Share of the places along side `a`–`b` (inside the frame) where the
/// band just inside it, 5–12 px of the reduced image (a few millimetres of
/// paper), holds an edge: a page's margin is blank there, while a side
/// that is really the edge of a text line, a table rule or a picture has
/// ink right inside it. Taking such a side for the page's edge would cut
/// the page, so a quad with one is no page.
fn margin_busy(work: &Work, a: Point, b: Point) -> f64 {
    let (w, h) = (work.w as f64, work.h as f64);
    let m = 4.0;
    let Some((t0, t1)) = clip_segment(a, b, [m, m], [w - 1.0 - m, h - 1.0 - m]) else {
        return 1.0;
    };
    let len = dist(a, b);
    let d = sub(b, a);
    // Inward: the quad is clockwise on screen.
    let n = [-d[1] / len, d[0] / len];
    let steps = ((t1 - t0) * len).floor() as usize;
    let (mut busy, mut all) = (0, 0);
    for s in (0..=steps).step_by(2) {
        let t = t0 + (t1 - t0) * s as f64 / steps.max(1) as f64;
        let p = [a[0] + d[0] * t, a[1] + d[1] * t];
        all += 1;
        for o in 5..=12 {
            let (x, y) = (p[0] + n[0] * o as f64, p[1] + n[1] * o as f64);
            if x < 0.0 || y < 0.0 || x > w - 1.0 || y > h - 1.0 {
                break;
            }
            let i = y.round() as usize * work.w + x.round() as usize;
            if (work.gx[i] as f64).hypot(work.gy[i] as f64) >= BUSY_EDGE {
                busy += 1;
                break;
            }
        }
    }
    busy as f64 / all.max(1) as f64
}

/// Whether what lies just beyond side `a`–`b` (5–12 px of the reduced
/// image outside it) is more of the page: as bright as the paper just
/// inside (at least 85 % of it, median against median) and marked with
/// ink at more than a third of the places along the side. A desk may be
/// textured (wood) but is darker than the paper; a white table or other
/// paper is as bright but blank; text beyond a side means the side is the
/// edge of a text block, not of the page.
fn paper_beyond(work: &Work, a: Point, b: Point) -> bool {
    let (w, h) = (work.w as f64, work.h as f64);
    let m = 4.0;
    let Some((t0, t1)) = clip_segment(a, b, [m, m], [w - 1.0 - m, h - 1.0 - m]) else {
        return false;
    };
    let len = dist(a, b);
    let d = sub(b, a);
    let n = [-d[1] / len, d[0] / len];
    let steps = ((t1 - t0) * len).floor() as usize;
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    let (mut marked, mut places) = (0, 0);
    for s in (0..=steps).step_by(2) {
        let t = t0 + (t1 - t0) * s as f64 / steps.max(1) as f64;
        let p = [a[0] + d[0] * t, a[1] + d[1] * t];
        let mut ink = false;
        let mut seen = false;
        for o in 5..=12 {
            for (sign, into) in [(1.0, &mut inside), (-1.0, &mut outside)] {
                let (x, y) = (p[0] + sign * n[0] * o as f64, p[1] + sign * n[1] * o as f64);
                if x < 0.0 || y < 0.0 || x > w - 1.0 || y > h - 1.0 {
                    continue;
                }
                let i = y.round() as usize * work.w + x.round() as usize;
                into.push(work.img[i]);
                if sign < 0.0 {
                    seen = true;
                    ink |= (work.gx[i] as f64).hypot(work.gy[i] as f64) >= BUSY_EDGE;
                }
            }
        }
        if seen {
            places += 1;
            marked += usize::from(ink);
        }
    }
    let median = |v: &mut Vec<f32>| {
        v.sort_by(f32::total_cmp);
        v.get(v.len() / 2).copied()
    };
    let (Some(i), Some(o)) = (median(&mut inside), median(&mut outside)) else {
        return false;
    };
    o >= 0.85 * i && marked * 3 > places
}

/// Bilinear luma at `p`, `None` outside the image.
fn sample(gray: &GrayImage, [x, y]: Point) -> Option<f64> {
    let (w, h) = gray.dimensions();
    if !(x >= 0.0 && y >= 0.0 && x <= (w - 1) as f64 && y <= (h - 1) as f64) {
        return None;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let v = |x: u32, y: u32| gray.get_pixel(x, y).0[0] as f64;
    let top = v(x0, y0) * (1.0 - fx) + v(x1, y0) * fx;
    let bottom = v(x0, y1) * (1.0 - fx) + v(x1, y1) * fx;
    Some(top * (1.0 - fy) + bottom * fy)
}

/// The quad with each side refitted to the steepest luma step across it
/// on the full image; `None` when a side has too few clear steps.
fn refine(gray: &GrayImage, quad: &Quad, k: f64) -> Option<Quad> {
    let (w, h) = gray.dimensions();
    let (w, h) = (w as f64, h as f64);
    let reach = 2.5 * k + 4.0;
    let mut lines = Vec::new();
    for i in 0..4 {
        let (a, b) = (quad.0[i], quad.0[(i + 1) % 4]);
        let m = reach + 2.0;
        let (t0, t1) = clip_segment(a, b, [m, m], [w - 1.0 - m, h - 1.0 - m])?;
        let (t0, t1) = (t0 + 0.05 * (t1 - t0), t1 - 0.05 * (t1 - t0));
        let len = dist(a, b);
        let d = sub(b, a);
        let n = [-d[1] / len, d[0] / len];
        let mut found: Vec<(Point, f64)> = Vec::new();
        const PLACES: usize = 48;
        for s in 0..PLACES {
            let t = t0 + (t1 - t0) * (s as f64 + 0.5) / PLACES as f64;
            let p = [a[0] + d[0] * t, a[1] + d[1] * t];
            let steps = (2.0 * reach / 0.5) as usize;
            let at = |j: usize| -reach + 0.5 * j as f64;
            let profile: Option<Vec<f64>> = (0..=steps)
                .map(|j| sample(gray, [p[0] + n[0] * at(j), p[1] + n[1] * at(j)]))
                .collect();
            let Some(profile) = profile else { continue };
            // Derivative over one pixel (two steps), smoothed [1 2 1].
            let deriv: Vec<f64> = (2..profile.len() - 2)
                .map(|j| {
                    let dd = |j: usize| profile[j + 1] - profile[j - 1];
                    (dd(j - 1) + 2.0 * dd(j) + dd(j + 1)) / 4.0
                })
                .collect();
            let Some((j, &v)) = deriv
                .iter()
                .enumerate()
                .max_by(|x, y| x.1.abs().total_cmp(&y.1.abs()))
            else {
                continue;
            };
            if v.abs() < 2.0 * SUPPORT_MIN as f64 {
                continue;
            }
            let off = if j > 0 && j + 1 < deriv.len() {
                let (l, c, r) = (deriv[j - 1].abs(), v.abs(), deriv[j + 1].abs());
                let den = l - 2.0 * c + r;
                if den.abs() > 1e-9 {
                    (0.5 * (l - r) / den).clamp(-0.5, 0.5)
                } else {
                    0.0
                }
            } else {
                0.0
            };
            let s_off = at(j + 2) + 0.5 * off;
            found.push(([p[0] + n[0] * s_off, p[1] + n[1] * s_off], v.signum()));
        }
        // The page's edge has one polarity along a side: keep the majority.
        let pos = found.iter().filter(|f| f.1 > 0.0).count();
        let sign = if 2 * pos >= found.len() { 1.0 } else { -1.0 };
        let pts: Vec<Point> = found.iter().filter(|f| f.1 == sign).map(|f| f.0).collect();
        lines.push(fit_line(&pts)?);
    }
    let meet = |a: &(Point, Point), b: &(Point, Point)| {
        let (p, r) = *a;
        let (q, s) = *b;
        let den = cross(r, s);
        if den.abs() < 1e-9 {
            return None;
        }
        let t = cross(sub(q, p), s) / den;
        Some([p[0] + r[0] * t, p[1] + r[1] * t])
    };
    let corners = [
        meet(&lines[3], &lines[0])?,
        meet(&lines[0], &lines[1])?,
        meet(&lines[1], &lines[2])?,
        meet(&lines[2], &lines[3])?,
    ];
    // A refinement that moved a corner far from the coarse one found
    // something else than the coarse side.
    let moved = (0..4).all(|i| dist(corners[i], quad.0[i]) <= 4.0 * k + 6.0);
    let refined = Quad(corners);
    (moved && refined.is_convex()).then_some(refined)
}

/// Total-least-squares line (a point on it and its unit direction)
/// through `pts`, fitted again without points beyond 1.5 px; `None` with
/// fewer than 12 points.
fn fit_line(pts: &[Point]) -> Option<(Point, Point)> {
    let fit = |pts: &[Point]| -> Option<(Point, Point)> {
        if pts.len() < 12 {
            return None;
        }
        let n = pts.len() as f64;
        let c = [
            pts.iter().map(|p| p[0]).sum::<f64>() / n,
            pts.iter().map(|p| p[1]).sum::<f64>() / n,
        ];
        let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
        for p in pts {
            let (x, y) = (p[0] - c[0], p[1] - c[1]);
            sxx += x * x;
            sxy += x * y;
            syy += y * y;
        }
        let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
        Some((c, [angle.cos(), angle.sin()]))
    };
    let (c, d) = fit(pts)?;
    let close: Vec<Point> = pts
        .iter()
        .copied()
        .filter(|p| cross(d, sub(*p, c)).abs() <= 1.5)
        .collect();
    fit(&close).or(Some((c, d)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A white quad on a grey desk.
    fn drawn(quad: &Quad, (w, h): (u32, u32), desk: u8, page: u8) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| {
            // 4 × 4 supersampling for a sub-pixel edge.
            let mut n = 0;
            for sy in 0..4 {
                for sx in 0..4 {
                    let p = [
                        x as f64 + (sx as f64 + 0.5) / 4.0 - 0.5,
                        y as f64 + (sy as f64 + 0.5) / 4.0 - 0.5,
                    ];
                    let q = &quad.0;
                    if (0..4).all(|i| cross(sub(q[(i + 1) % 4], q[i]), sub(p, q[i])) >= 0.0) {
                        n += 1;
                    }
                }
            }
            Luma([(desk as u32 + (page as u32 - desk as u32) * n / 16) as u8])
        })
    }

    #[test]
    fn a_bright_quad_on_a_dark_desk_is_found_to_a_fraction_of_a_pixel() {
        let truth = Quad([
            [180.0, 210.0],
            [1010.0, 260.0],
            [1120.0, 1640.0],
            [90.0, 1550.0],
        ]);
        let img = drawn(&truth, (1200, 1800), 60, 235);
        let found = find_outline(&img).expect("an outline");
        for i in 0..4 {
            assert!(dist(found.quad.0[i], truth.0[i]) < 1.0, "{found:?}");
        }
        assert!(found.support > 0.95);
    }

    #[test]
    fn a_quad_filling_the_frame_or_nothing_at_all_is_no_outline() {
        let full = Quad([[2.0, 2.0], [797.0, 3.0], [797.0, 1097.0], [2.0, 1097.0]]);
        assert!(find_outline(&drawn(&full, (800, 1100), 20, 240)).is_none());
        assert!(find_outline(&GrayImage::from_pixel(800, 1100, Luma([240]))).is_none());
        assert!(find_outline(&GrayImage::new(10, 3)).is_none());
        assert!(find_outline(&GrayImage::new(0, 0)).is_none());
    }

    #[test]
    fn corners_are_ordered_from_the_top_left_clockwise() {
        let q = order([[100.0, 900.0], [10.0, 10.0], [900.0, 950.0], [800.0, 20.0]]).unwrap();
        assert_eq!(
            q.0,
            [[10.0, 10.0], [800.0, 20.0], [900.0, 950.0], [100.0, 900.0]]
        );
    }
}
