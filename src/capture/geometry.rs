//! Plane geometry of a photographed page: its quadrilateral, the
//! homography that flattens it, its true proportions, and the overlap of
//! two outlines (for tests and the bench).

/// A point in image pixels (x right, y down).
pub type Point = [f64; 2];

/// A page outline: four corners in image pixels, clockwise from the top
/// left as the page is seen (top left, top right, bottom right, bottom
/// left). Corners may lie outside the image when the page does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quad(pub [Point; 4]);

impl Quad {
    /// Area (shoelace formula), positive for a clockwise quad in image
    /// coordinates.
    pub fn area(&self) -> f64 {
        polygon_area(&self.0)
    }

    /// Whether the quad is convex with its corners in clockwise order.
    pub fn is_convex(&self) -> bool {
        let p = &self.0;
        (0..4).all(|i| {
            let (a, b, c) = (p[i], p[(i + 1) % 4], p[(i + 2) % 4]);
            cross(sub(b, a), sub(c, b)) > 0.0
        })
    }

    /// The corners scaled by `s` (from a reduced image to the full one:
    /// pixel centres map as `(x + 0.5) * s - 0.5`).
    pub fn scaled(&self, s: f64) -> Quad {
        Quad(
            self.0
                .map(|[x, y]| [(x + 0.5) * s - 0.5, (y + 0.5) * s - 0.5]),
        )
    }

    /// The quad with each side moved `d` pixels inwards, along its normal
    /// (corners where the moved sides meet); `None` for a quad that is
    /// not convex and clockwise, or too small to move its sides by `d`.
    pub fn inset(&self, d: f64) -> Option<Quad> {
        if !self.is_convex() {
            return None;
        }
        let p = &self.0;
        // Side i runs from corner i to corner i+1; clockwise in image
        // coordinates (y down), its inward normal is its direction turned
        // a quarter to the right: (-dy, dx).
        let moved: [(Point, Point); 4] = std::array::from_fn(|i| {
            let (a, b) = (p[i], p[(i + 1) % 4]);
            let v = sub(b, a);
            let len = v[0].hypot(v[1]).max(f64::MIN_POSITIVE);
            let n = [-v[1] / len * d, v[0] / len * d];
            ([a[0] + n[0], a[1] + n[1]], v)
        });
        let mut out = [[0.0; 2]; 4];
        for (i, corner) in out.iter_mut().enumerate() {
            let ((a, u), (b, v)) = (moved[(i + 3) % 4], moved[i]);
            let den = cross(u, v);
            if den.abs() < 1e-12 {
                return None;
            }
            let t = cross(sub(b, a), v) / den;
            *corner = [a[0] + t * u[0], a[1] + t * u[1]];
        }
        // Sides moved past each other turn the quad inside out.
        let q = Quad(out);
        let same_way = (0..4).all(|i| {
            let (u, v) = (sub(q.0[(i + 1) % 4], q.0[i]), moved[i].1);
            u[0] * v[0] + u[1] * v[1] > 0.0
        });
        (same_way && q.is_convex()).then_some(q)
    }

    /// The part of the quad inside a `w` × `h` image, as a polygon.
    pub fn clipped(&self, w: f64, h: f64) -> Vec<Point> {
        let frame = [[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]];
        clip_convex(&self.0, &frame)
    }
}

pub(crate) fn sub(a: Point, b: Point) -> Point {
    [a[0] - b[0], a[1] - b[1]]
}

pub(crate) fn cross(a: Point, b: Point) -> f64 {
    a[0] * b[1] - a[1] * b[0]
}

pub(crate) fn dist(a: Point, b: Point) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Area of a simple polygon (shoelace), positive when clockwise in image
/// coordinates (y down).
pub fn polygon_area(p: &[Point]) -> f64 {
    let n = p.len();
    (0..n).map(|i| cross(p[i], p[(i + 1) % n])).sum::<f64>() / 2.0
}

/// The part of polygon `subject` inside the convex, clockwise polygon
/// `clip` (Sutherland–Hodgman, 1974).
pub fn clip_convex(subject: &[Point], clip: &[Point]) -> Vec<Point> {
    let mut out = subject.to_vec();
    for i in 0..clip.len() {
        let (a, b) = (clip[i], clip[(i + 1) % clip.len()]);
        let inside = |p: Point| cross(sub(b, a), sub(p, a)) >= 0.0;
        let cut = |p: Point, q: Point| {
            let (dp, dq) = (cross(sub(b, a), sub(p, a)), cross(sub(b, a), sub(q, a)));
            let t = dp / (dp - dq);
            [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t]
        };
        let input = std::mem::take(&mut out);
        for j in 0..input.len() {
            let (p, q) = (input[j], input[(j + 1) % input.len()]);
            match (inside(p), inside(q)) {
                (true, true) => out.push(q),
                (true, false) => out.push(cut(p, q)),
                (false, true) => {
                    out.push(cut(p, q));
                    out.push(q);
                }
                (false, false) => {}
            }
        }
        if out.is_empty() {
            break;
        }
    }
    out
}

/// Intersection over union (Jaccard index) of two convex quads, each
/// clipped to a `w` × `h` image first — the measure of the SmartDoc 2015
/// page-outline challenge (Burie et al., ICDAR 2015).
pub fn iou(a: &Quad, b: &Quad, (w, h): (f64, f64)) -> f64 {
    let (ca, cb) = (a.clipped(w, h), b.clipped(w, h));
    if ca.len() < 3 || cb.len() < 3 {
        return 0.0;
    }
    let inter = clip_convex(&ca, &cb);
    let i = if inter.len() < 3 {
        0.0
    } else {
        polygon_area(&inter).abs()
    };
    let u = polygon_area(&ca).abs() + polygon_area(&cb).abs() - i;
    if u <= 0.0 { 0.0 } else { i / u }
}

/// Focal length of a phone's main camera over the image's long side (a
/// 26 mm equivalent lens on a 4:3 sensor: 26 / 34.6).
pub const PHONE_FOCAL: f64 = 0.75;

/// A plane projective transform (homography), row-major 3 × 3.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Homography(pub [f64; 9]);

impl Homography {
    /// The homography taking `from[i]` to `to[i]` (direct linear
    /// transform with h33 = 1, solved by Gaussian elimination with
    /// partial pivoting); `None` when three points are collinear.
    pub fn from_points(from: &[Point; 4], to: &[Point; 4]) -> Option<Homography> {
        let mut m = [[0.0f64; 9]; 8];
        for i in 0..4 {
            let ([x, y], [u, v]) = (from[i], to[i]);
            m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        for col in 0..8 {
            let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
            if m[pivot][col].abs() < 1e-12 {
                return None;
            }
            m.swap(col, pivot);
            let pivot_row = m[col];
            for (row, r) in m.iter_mut().enumerate() {
                if row != col {
                    let f = r[col] / pivot_row[col];
                    for (v, p) in r.iter_mut().zip(pivot_row).skip(col) {
                        *v -= f * p;
                    }
                }
            }
        }
        let mut h = [1.0; 9];
        for (i, row) in m.iter().enumerate() {
            h[i] = row[8] / row[i];
        }
        h.iter().all(|v| v.is_finite()).then_some(Homography(h))
    }

    /// Where `p` goes; `None` at the line sent to infinity.
    pub fn map(&self, [x, y]: Point) -> Option<Point> {
        let h = &self.0;
        let w = h[6] * x + h[7] * y + h[8];
        if w.abs() < 1e-12 {
            return None;
        }
        Some([
            (h[0] * x + h[1] * y + h[2]) / w,
            (h[3] * x + h[4] * y + h[5]) / w,
        ])
    }
}

/// Width over height of the rectangle whose photograph is `quad`, for a
/// pinhole camera with square pixels and its principal point at `centre`
/// (the image centre): Zhang & He, "Whiteboard scanning and image
/// enhancement", Digital Signal Processing 17(2), 2007, section 2. The
/// focal length is solved from the two vanishing points; when a pair of
/// sides is parallel in the photo it cannot be, and
/// a phone's focal length ([`PHONE_FOCAL`]) is assumed. Falls back to the
/// mean side lengths when the solution is not a real number.
pub fn true_aspect(quad: &Quad, centre: Point) -> f64 {
    let [tl, tr, br, bl] = quad.0;
    let sides = || {
        let w = f64::midpoint(dist(tl, tr), dist(bl, br));
        let h = f64::midpoint(dist(tl, bl), dist(tr, br));
        w / h.max(1e-9)
    };
    // Zhang & He number the corners m1 (0,0), m2 (w,0), m3 (0,h), m4 (w,h).
    let h3 = |p: Point| [p[0], p[1], 1.0];
    let (m1, m2, m3, m4) = (h3(tl), h3(tr), h3(bl), h3(br));
    let c3 = |a: [f64; 3], b: [f64; 3]| {
        [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ]
    };
    let d3 = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let k2 = d3(c3(m1, m4), m3) / d3(c3(m2, m4), m3);
    let k3 = d3(c3(m1, m4), m2) / d3(c3(m3, m4), m2);
    if !k2.is_finite() || !k3.is_finite() {
        return sides();
    }
    let n2 = [k2 * m2[0] - m1[0], k2 * m2[1] - m1[1], k2 * m2[2] - m1[2]];
    let n3 = [k3 * m3[0] - m1[0], k3 * m3[1] - m1[1], k3 * m3[2] - m1[2]];
    let [u0, v0] = centre;
    let ratio_with = |f2: f64| {
        // n^T A^-T A^-1 n with A = [[f,0,u0],[0,f,v0],[0,0,1]].
        let q = |n: [f64; 3]| {
            let x = (n[0] - u0 * n[2]).powi(2) / f2;
            let y = (n[1] - v0 * n[2]).powi(2) / f2;
            x + y + n[2] * n[2]
        };
        (q(n2) / q(n3)).sqrt()
    };
    let f2 = -((n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0 + n2[2] * n3[2] * u0 * u0)
        + (n2[1] * n3[1] - (n2[1] * n3[2] + n2[2] * n3[1]) * v0 + n2[2] * n3[2] * v0 * v0))
        / (n2[2] * n3[2]);
    // A focal length between a fifth and ten times the image's long side
    // covers phone and camera lenses; outside it (or when a pair of sides
    // is parallel in the photo, n2[2] or n3[2] zero) the focal length is
    // not observable, and a phone's main camera is assumed: 26 mm
    // equivalent, three quarters of the long side.
    let size = 2.0 * u0.max(v0).max(1.0);
    let plausible = f2.is_finite() && f2 > (0.2 * size).powi(2) && f2 < (10.0 * size).powi(2);
    let f2 = if plausible {
        f2
    } else {
        (PHONE_FOCAL * size).powi(2)
    };
    let r = ratio_with(f2);
    if r.is_finite() && r > 0.0 { r } else { sides() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The photo of a `w` × `h` rectangle turned by `roll` in its plane,
    /// tilted by `pitch` and `yaw` (radians) at distance `d`, through a
    /// pinhole of focal length `f` centred at `c`.
    fn photo(
        (w, h): (f64, f64),
        (pitch, yaw, roll): (f64, f64, f64),
        d: f64,
        f: f64,
        c: Point,
    ) -> Quad {
        let corners = [
            [-w / 2.0, -h / 2.0],
            [w / 2.0, -h / 2.0],
            [w / 2.0, h / 2.0],
            [-w / 2.0, h / 2.0],
        ];
        Quad(corners.map(|[x, y]| {
            let (x, y) = (
                x * roll.cos() - y * roll.sin(),
                x * roll.sin() + y * roll.cos(),
            );
            // Yaw about y, then pitch about x.
            let (x1, z1) = (x * yaw.cos(), -x * yaw.sin());
            let (y2, z2) = (
                y * pitch.cos() - z1 * pitch.sin(),
                y * pitch.sin() + z1 * pitch.cos(),
            );
            let z = d + z2;
            [c[0] + f * x1 / z, c[1] + f * y2 / z]
        }))
    }

    #[test]
    fn inset_moves_every_side_inwards() {
        let sq = Quad([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0]]);
        let q = sq.inset(2.0).expect("a quad");
        let want = [[2.0, 2.0], [98.0, 2.0], [98.0, 98.0], [2.0, 98.0]];
        for (got, want) in q.0.iter().zip(want) {
            assert!(dist(*got, want) < 1e-9, "{q:?}");
        }
        // A trapezoid: each moved side stays parallel, 3 px in.
        let t = Quad([[20.0, 0.0], [80.0, 0.0], [100.0, 100.0], [0.0, 100.0]]);
        let q = t.inset(3.0).expect("a quad");
        assert!((q.0[0][1] - 3.0).abs() < 1e-9 && (q.0[2][1] - 97.0).abs() < 1e-9);
        assert!(q.area() < t.area());
        assert_eq!(sq.inset(60.0), None);
    }

    #[test]
    fn the_true_aspect_comes_back_from_a_tilted_photo() {
        let c = [750.0, 1000.0];
        for (pitch, yaw, roll) in [
            (0.0, 0.0, 0.0),
            (0.5, 0.0, 0.1),
            (0.3, 0.4, -0.2),
            (0.1, 0.6, 0.3),
        ] {
            for (w, h) in [(8.27, 11.69), (8.5, 11.0)] {
                let q = photo((w, h), (pitch, yaw, roll), 30.0, 1500.0, c);
                let r = true_aspect(&q, c);
                assert!(
                    (r / (w / h) - 1.0).abs() < 0.005,
                    "{pitch} {yaw}: {r} vs {}",
                    w / h
                );
            }
        }
    }

    #[test]
    fn a_homography_maps_its_control_points() {
        let from = [[10.0, 20.0], [300.0, 40.0], [280.0, 400.0], [5.0, 380.0]];
        let to = [[0.0, 0.0], [100.0, 0.0], [100.0, 150.0], [0.0, 150.0]];
        let h = Homography::from_points(&from, &to).unwrap();
        for i in 0..4 {
            let p = h.map(from[i]).unwrap();
            assert!(dist(p, to[i]) < 1e-6, "{p:?}");
        }
        assert!(Homography::from_points(&[[0.0, 0.0]; 4], &to).is_none());
    }

    #[test]
    fn iou_of_shifted_squares() {
        let a = Quad([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]]);
        let b = Quad([[5.0, 0.0], [15.0, 0.0], [15.0, 10.0], [5.0, 10.0]]);
        assert!((iou(&a, &b, (100.0, 100.0)) - 1.0 / 3.0).abs() < 1e-9);
        // Clipped to the frame first: the part of b outside counts for nothing.
        assert!((iou(&a, &b, (10.0, 10.0)) - 0.5).abs() < 1e-9);
        assert!(a.is_convex() && a.area() > 0.0);
    }
}
