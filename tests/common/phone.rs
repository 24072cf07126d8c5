//! Phone-style photos of rendered pages, with their true corners (issue
//! 25): a flat page (from `gen::render`) placed in 3-D — tilted towards or
//! away from the camera, turned in its plane — and projected through a
//! pinhole camera with a phone's focal length onto a desk, with light
//! falling off to one side, an optional shadow across it or a thumb over
//! its edge, sensor noise and JPEG (72 dpi in JFIF; or, turned by an EXIF
//! orientation tag, 72 dpi in EXIF and no JFIF, as an iPhone writes it).

use super::generator::{Layout, Page, Rng, render};
use super::kinds::ValueNoise;
use image::{Rgb, RgbImage};
use ocrpdf::capture::Quad;
use ocrpdf::capture::geometry::{Homography, PHONE_FOCAL};

/// What is under the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Desk {
    /// Brown wood with grain.
    Wood,
    /// A white table: light grey, a little darker than the paper.
    WhiteTable,
    /// Dark blue-grey cloth with a woven texture.
    DarkCloth,
    /// Another sheet of paper under the page, on a grey desk.
    SheetUnder,
}

/// How a photo is taken.
#[derive(Debug, Clone)]
pub struct Shot {
    /// Frame size in pixels (upright, as seen).
    pub frame: (u32, u32),
    /// Paper size in inches (width, height).
    pub paper: (f64, f64),
    /// Tilt of the page away from the camera, about the frame's
    /// horizontal axis and its vertical axis, in degrees.
    pub pitch: f64,
    pub yaw: f64,
    /// Turn of the page in its own plane, in degrees.
    pub roll: f64,
    /// The page's height as a share of the frame's height (about).
    pub fill: f64,
    /// Where the page's centre lies, as a share of the frame from its
    /// centre (x, y).
    pub offset: (f64, f64),
    pub desk: Desk,
    /// Light lost towards the right of the frame (0: even light).
    pub falloff: f64,
    /// A soft shadow over part of the page (a hand or the phone).
    pub shadow: bool,
    /// A thumb holding the page down: it comes in from the frame's left
    /// edge and covers the page's left side over about a thumb's width.
    pub thumb: bool,
    /// EXIF orientation tag to store the JPEG with (1: upright; 6: the
    /// pixels stored a quarter turn counter-clockwise).
    pub exif: u16,
    pub seed: u64,
}

impl Default for Shot {
    fn default() -> Self {
        Shot {
            frame: (1500, 2000),
            paper: (8.27, 11.69),
            pitch: 15.0,
            yaw: 0.0,
            roll: 0.0,
            fill: 0.7,
            offset: (0.0, 0.0),
            desk: Desk::Wood,
            falloff: 0.2,
            shadow: false,
            thumb: false,
            exif: 1,
            seed: 1,
        }
    }
}

/// A photo and its truth.
pub struct Photo {
    /// The photo as seen (upright).
    pub image: RgbImage,
    /// Its JPEG file ([`phone_jpeg`]).
    pub jpeg: Vec<u8>,
    /// The page's true corners in the upright photo.
    pub corners: Quad,
    /// The flat page that was photographed.
    pub page: Page,
}

/// The page a photo is of: `lines` lines of 12-point text at 150 dpi on
/// `paper` (inches).
pub fn page_for(paper: (f64, f64), lines: usize, seed: u64) -> Page {
    render(&Layout {
        dpi: 150.0,
        size_in: (paper.0 as f32, paper.1 as f32),
        font_pt: 12.0,
        lines,
        seed,
    })
}

/// The corners of `shot`'s page in its frame (pinhole camera, principal
/// point at the centre, focal length [`PHONE_FOCAL`] of the long side).
pub fn corners(shot: &Shot) -> Quad {
    let (fw, fh) = (shot.frame.0 as f64, shot.frame.1 as f64);
    let f = PHONE_FOCAL * fw.max(fh);
    let (pw, ph) = shot.paper;
    let d = f * ph / (shot.fill * fh);
    let (cx, cy) = (shot.offset.0 * fw * d / f, shot.offset.1 * fh * d / f);
    let (roll, yaw, pitch) = (
        shot.roll.to_radians(),
        shot.yaw.to_radians(),
        shot.pitch.to_radians(),
    );
    let project = |x: f64, y: f64| {
        let (x, y) = (
            x * roll.cos() - y * roll.sin(),
            x * roll.sin() + y * roll.cos(),
        );
        let (x1, z1) = (x * yaw.cos(), -x * yaw.sin());
        let (y2, z2) = (
            y * pitch.cos() - z1 * pitch.sin(),
            y * pitch.sin() + z1 * pitch.cos(),
        );
        let z = d + z2;
        [fw / 2.0 + f * (x1 + cx) / z, fh / 2.0 + f * (y2 + cy) / z]
    };
    Quad([
        project(-pw / 2.0, -ph / 2.0),
        project(pw / 2.0, -ph / 2.0),
        project(pw / 2.0, ph / 2.0),
        project(-pw / 2.0, ph / 2.0),
    ])
}

/// How many of the page's corners `shot` puts outside its frame.
pub fn corners_out(shot: &Shot) -> usize {
    let (w, h) = (shot.frame.0 as f64, shot.frame.1 as f64);
    corners(shot)
        .0
        .iter()
        .filter(|p| !(0.0..=w).contains(&p[0]) || !(0.0..=h).contains(&p[1]))
        .count()
}

/// `shot` with no corner outside the frame (`out` 0: the page made
/// smaller until none is) or one (`out` 1: the page moved towards the
/// corner nearest the frame's edge until that corner alone leaves it,
/// made smaller when two would). Gives up after a few hundred steps.
pub fn framed(mut shot: Shot, out: usize) -> Shot {
    for _ in 0..400 {
        let n = corners_out(&shot);
        if n == out {
            break;
        }
        if n > out {
            shot.fill *= 0.98;
            continue;
        }
        // The corner with the least room to the frame's edge, and the
        // way out from the frame's centre.
        let (w, h) = (shot.frame.0 as f64, shot.frame.1 as f64);
        let q = corners(&shot);
        let room = |p: &[f64; 2]| p[0].min(w - p[0]).min(p[1]).min(h - p[1]);
        let c =
            q.0.iter()
                .min_by(|a, b| room(a).total_cmp(&room(b)))
                .copied()
                .unwrap();
        let (dx, dy) = ((c[0] - w / 2.0) / w, (c[1] - h / 2.0) / h);
        let len = dx.hypot(dy).max(1e-6);
        shot.offset = (
            shot.offset.0 + 0.005 * dx / len,
            shot.offset.1 + 0.005 * dy / len,
        );
    }
    shot
}

/// A desk's surface: its kind and two scales of value noise over the
/// frame (the grain's warp and its fine texture).
struct DeskTexture {
    desk: Desk,
    coarse: ValueNoise,
    fine: ValueNoise,
}

impl DeskTexture {
    fn new(desk: Desk, (w, h): (u32, u32), seed: u64) -> Self {
        let coarse = match desk {
            Desk::Wood => 180.0,
            Desk::WhiteTable => 60.0,
            Desk::DarkCloth => 50.0,
            Desk::SheetUnder => 80.0,
        };
        DeskTexture {
            desk,
            coarse: ValueNoise::new(w, h, coarse, seed),
            fine: ValueNoise::new(w, h, 40.0, seed ^ 7),
        }
    }

    /// The desk's colour at (x, y).
    fn at(&self, x: f64, y: f64) -> [f64; 3] {
        let noise = f64::from(self.coarse.at(x as f32, y as f32));
        match self.desk {
            Desk::Wood => {
                let warp = 30.0 * noise;
                let grain = ((x * 0.9 + y * 0.15 + warp) / 9.0).sin() * 0.5 + 0.5;
                let v = 0.75 + 0.25 * grain + 0.1 * f64::from(self.fine.at(x as f32, y as f32));
                [160.0 * v, 108.0 * v, 64.0 * v]
            }
            Desk::WhiteTable => {
                let v = 1.0 + 0.02 * (noise - 0.5);
                [214.0 * v, 214.0 * v, 208.0 * v]
            }
            Desk::DarkCloth => {
                let weave = ((x / 2.5).sin() * (y / 2.5).sin()) * 0.5 + 0.5;
                let v = 0.85 + 0.15 * weave + 0.15 * noise;
                [42.0 * v, 44.0 * v, 58.0 * v]
            }
            Desk::SheetUnder => {
                let v = 0.9 + 0.1 * noise;
                [120.0 * v, 122.0 * v, 128.0 * v]
            }
        }
    }
}

/// A thumb on the page: a capsule (the thumb and the hand behind it)
/// from the frame's left edge to a rounded tip over the page's margin,
/// skin-coloured, lit from above (darker along its lower flank), with
/// a nail near the tip.
struct Thumb {
    from: [f64; 2],
    tip: [f64; 2],
    radius: f64,
}

impl Thumb {
    /// Over the middle of the page's left side, its tip 2.5 % of the
    /// page's width inside it.
    fn over_left_side(q: &Quad, (fw, _): (u32, u32)) -> Thumb {
        let (a, b) = (q.0[3], q.0[0]);
        let mid = [
            f64::midpoint(a[0], b[0]),
            f64::midpoint(a[1], b[1]) + 0.1 * (a[1] - b[1]),
        ];
        let width = dist(q.0[0], q.0[1]);
        let tip = [mid[0] + 0.025 * width, mid[1]];
        Thumb {
            from: [-0.05 * fw as f64, tip[1] + 0.04 * fw as f64],
            tip,
            radius: 0.03 * fw as f64,
        }
    }

    fn at(&self, x: f64, y: f64) -> Option<[f64; 3]> {
        let (d, t) = (
            [self.tip[0] - self.from[0], self.tip[1] - self.from[1]],
            [x - self.from[0], y - self.from[1]],
        );
        let len2 = d[0] * d[0] + d[1] * d[1];
        let along = ((t[0] * d[0] + t[1] * d[1]) / len2).clamp(0.0, 1.0);
        let near = [self.from[0] + along * d[0], self.from[1] + along * d[1]];
        let off = [x - near[0], y - near[1]];
        let r = off[0].hypot(off[1]);
        if r > self.radius {
            return None;
        }
        // Which side of the axis: the lower flank is in shade.
        let side = (d[0] * off[1] - d[1] * off[0]) / (len2.sqrt() * self.radius);
        let shade = 0.92 - 0.25 * side.max(0.0).powi(2) - 0.1 * (r / self.radius).powi(4);
        let nail = along > 0.9 && side.abs() < 0.55 && r < 0.6 * self.radius;
        let skin = if nail {
            [236.0, 200.0, 190.0]
        } else {
            [222.0, 164.0, 128.0]
        };
        Some(skin.map(|v| v * shade))
    }
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Whether `p` is inside the convex clockwise quad `q`.
fn inside(q: &Quad, p: [f64; 2]) -> bool {
    (0..4).all(|i| {
        let (a, b) = (q.0[i], q.0[(i + 1) % 4]);
        (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= 0.0
    })
}

/// Take the photo of `page` as `shot` says.
pub fn photograph(page: &Page, shot: &Shot) -> Photo {
    let (fw, fh) = shot.frame;
    let quad = corners(shot);
    let (pw, ph) = page.image.dimensions();
    let rect = [
        [0.0, 0.0],
        [pw as f64, 0.0],
        [pw as f64, ph as f64],
        [0.0, ph as f64],
    ];
    let back = Homography::from_points(&quad.0, &rect).expect("a proper quad");
    // The sheet under the page: the page's quad grown, turned and moved.
    let under = {
        let c = [
            quad.0.iter().map(|p| p[0]).sum::<f64>() / 4.0,
            quad.0.iter().map(|p| p[1]).sum::<f64>() / 4.0,
        ];
        let (s, a) = (1.02f64, 6f64.to_radians());
        Quad(quad.0.map(|p| {
            let (dx, dy) = ((p[0] - c[0]) * s, (p[1] - c[1]) * s);
            [
                c[0] + dx * a.cos() - dy * a.sin() - 0.08 * fw as f64,
                c[1] + dx * a.sin() + dy * a.cos() - 0.06 * fh as f64,
            ]
        }))
    };
    let paper_rgb = [246.0, 244.0, 238.0];
    let sample = |x: f64, y: f64| -> [f64; 3] {
        let Some([u, v]) = back.map([x, y]) else {
            return [0.0; 3];
        };
        let (u, v) = (u - 0.5, v - 0.5);
        let (u0, v0) = (u.floor().max(0.0) as u32, v.floor().max(0.0) as u32);
        let (u1, v1) = ((u0 + 1).min(pw - 1), (v0 + 1).min(ph - 1));
        let (u0, v0) = (u0.min(pw - 1), v0.min(ph - 1));
        let (au, av) = (
            (u - u.floor()).clamp(0.0, 1.0),
            (v - v.floor()).clamp(0.0, 1.0),
        );
        let g = |a: u32, b: u32| page.image.get_pixel(a, b).0[0] as f64 / 255.0;
        let ink = (g(u0, v0) * (1.0 - au) + g(u1, v0) * au) * (1.0 - av)
            + (g(u0, v1) * (1.0 - au) + g(u1, v1) * au) * av;
        let ink_rgb = [28.0, 28.0, 34.0];
        [0, 1, 2].map(|k| ink_rgb[k] + (paper_rgb[k] - ink_rgb[k]) * ink)
    };
    let seed = shot.seed;
    let desk = DeskTexture::new(shot.desk, shot.frame, seed);
    let thumb = shot.thumb.then(|| Thumb::over_left_side(&quad, shot.frame));
    let colour = |x: f64, y: f64| -> [f64; 3] {
        if let Some(c) = thumb.as_ref().and_then(|t| t.at(x, y)) {
            c
        } else if inside(&quad, [x, y]) {
            sample(x, y)
        } else if shot.desk == Desk::SheetUnder && inside(&under, [x, y]) {
            [232.0, 231.0, 226.0]
        } else {
            let mut c = desk.at(x, y);
            // The page's own soft shadow on the desk, below and right.
            let lifted = [x - 4.0, y - 5.0];
            if inside(&quad, lifted) {
                c = c.map(|v| v * 0.82);
            }
            c
        }
    };
    let mut rng = Rng::new(seed ^ 0xF070);
    let image = RgbImage::from_fn(fw, fh, |x, y| {
        // 2 × 2 supersampling: edges land between pixels as in a camera.
        let mut acc = [0.0; 3];
        for (dx, dy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
            let c = colour(x as f64 + dx, y as f64 + dy);
            for k in 0..3 {
                acc[k] += c[k] / 4.0;
            }
        }
        let (fx, fy) = (x as f64 / fw as f64, y as f64 / fh as f64);
        let r2 = (fx - 0.5).powi(2) + (fy - 0.5).powi(2);
        let mut light = 1.0 - shot.falloff * fx - 0.25 * r2;
        if shot.shadow {
            // A soft-edged shadow over the lower left (a hand, the phone).
            let s = (fx * 0.8 - fy + 0.45) * fh as f64 / 40.0;
            let t = 1.0 / (1.0 + (-s).exp());
            light *= 1.0 - 0.4 * (1.0 - t);
        }
        let n = ((0..4).map(|_| rng.unit() as f64).sum::<f64>() - 2.0) * 3.0 * 3f64.sqrt();
        Rgb(acc.map(|v| (v * light + n).round().clamp(0.0, 255.0) as u8))
    });
    let stored = match shot.exif {
        6 => image::imageops::rotate270(&image),
        8 => image::imageops::rotate90(&image),
        3 => image::imageops::rotate180(&image),
        _ => image.clone(),
    };
    let jpeg = phone_jpeg(&stored, 88, shot.exif);
    // What a viewer (and ocrpdf) sees: the JPEG decoded, turned upright.
    let seen = image::load_from_memory(&jpeg).unwrap().into_rgb8();
    let seen = match shot.exif {
        6 => image::imageops::rotate90(&seen),
        8 => image::imageops::rotate270(&seen),
        3 => image::imageops::rotate180(&seen),
        _ => seen,
    };
    Photo {
        image: seen,
        jpeg,
        corners: quad,
        page: page.clone(),
    }
}

/// A JPEG as a phone writes it. Upright (`orientation` 1): JFIF at 72
/// dpi. Turned: as an iPhone's camera writes it, no JFIF segment at all,
/// only EXIF with the orientation tag and 72 dpi as its resolution.
pub fn phone_jpeg(img: &RgbImage, quality: u8, orientation: u16) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut buf, quality);
    enc.set_density(jpeg_encoder::PixelDensity::dpi(72));
    if orientation != 1 {
        enc.add_app_segment(1, camera_exif(orientation)).unwrap();
    }
    let (w, h) = img.dimensions();
    enc.encode(
        img.as_raw(),
        w as u16,
        h as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    if orientation != 1 && buf[2..4] == [0xFF, 0xE0] {
        // No JFIF segment: the encoder always writes one.
        let len = u16::from_be_bytes([buf[4], buf[5]]) as usize;
        buf.drain(2..4 + len);
    }
    buf
}

/// The photo kind of [`kinds`] called `name`.
pub fn shot(name: &str) -> Shot {
    kinds()
        .into_iter()
        .find(|k| k.0 == name)
        .unwrap_or_else(|| panic!("no kind {name}"))
        .1
}

/// The photo kinds of the tests and the bench, named.
pub fn kinds() -> Vec<(&'static str, Shot)> {
    let base = Shot::default();
    let kinds = vec![
        (
            "wood-tilted",
            Shot {
                pitch: 25.0,
                roll: 4.0,
                ..base.clone()
            },
        ),
        (
            "white-table",
            Shot {
                desk: Desk::WhiteTable,
                pitch: 12.0,
                yaw: 8.0,
                roll: -3.0,
                paper: (8.5, 11.0),
                ..base.clone()
            },
        ),
        (
            "dark-cloth-shadow",
            Shot {
                desk: Desk::DarkCloth,
                pitch: 20.0,
                yaw: -10.0,
                shadow: true,
                falloff: 0.3,
                ..base.clone()
            },
        ),
        (
            "sheet-under",
            Shot {
                desk: Desk::SheetUnder,
                pitch: 10.0,
                roll: 2.0,
                fill: 0.6,
                offset: (0.05, 0.08),
                ..base.clone()
            },
        ),
        (
            "corner-out",
            framed(
                Shot {
                    pitch: 18.0,
                    roll: 6.0,
                    fill: 0.85,
                    offset: (0.08, -0.04),
                    ..base.clone()
                },
                1,
            ),
        ),
        (
            "steep-35",
            Shot {
                pitch: 35.0,
                yaw: 5.0,
                fill: 0.65,
                desk: Desk::DarkCloth,
                ..base.clone()
            },
        ),
        (
            "small-40",
            Shot {
                pitch: 8.0,
                roll: -12.0,
                fill: 0.42,
                desk: Desk::Wood,
                ..base.clone()
            },
        ),
        (
            "thumb-over-edge",
            Shot {
                pitch: 14.0,
                roll: 3.0,
                desk: Desk::WhiteTable,
                thumb: true,
                ..base.clone()
            },
        ),
        (
            "exif-6",
            Shot {
                pitch: 15.0,
                yaw: 12.0,
                exif: 6,
                ..base
            },
        ),
    ];
    // All but the one meant to have a corner out lie inside the frame.
    kinds
        .into_iter()
        .map(|(name, s)| {
            (
                name,
                if name == "corner-out" {
                    s
                } else {
                    framed(s, 0)
                },
            )
        })
        .collect()
}

/// An open book photographed from above (issue 25, points 2 and 3): its
/// pages bend down towards the spine like a cylinder's surface, so under
/// the camera's central projection each line is drawn towards the
/// frame's horizontal middle the more the nearer the spine (lines above
/// the middle bend down, below it up, and the page narrows), with a
/// shadow along the spine. The frame is the book (no desk).
#[derive(Debug, Clone)]
pub struct Book {
    /// How far the page falls away at the spine, as a share of the camera
    /// distance (0: flat); the fall grows with the cube of the distance
    /// from the outer edge.
    pub depth: f64,
    /// Darkening at the spine, 0–1.
    pub shadow: f64,
    /// Where the spine lies, as a share of the spread's width from its
    /// middle (a spread is rarely centred).
    pub spine_offset: f64,
    pub seed: u64,
}

impl Default for Book {
    fn default() -> Self {
        Book {
            depth: 0.1,
            shadow: 0.45,
            spine_offset: 0.04,
            seed: 5,
        }
    }
}

/// A curved book photo and its truth.
pub struct BookPhoto {
    pub image: RgbImage,
    /// JPEG as a phone writes it (72 dpi).
    pub jpeg: Vec<u8>,
    /// The spine's column in the image (the frame's width for a single
    /// page, whose spine is at its right).
    pub spine: f64,
    /// Columns of desk left of the left page's outer edge.
    pub outside: f64,
}

/// A spread of `left` and `right` (same size), or with `right` `None` a
/// single left-hand page (its spine at its right edge), as [`Book`] says.
pub fn book_photo(left: &Page, right: Option<&Page>, book: &Book) -> BookPhoto {
    let (pw, ph) = left.image.dimensions();
    let (pwf, phf) = (pw as f64, ph as f64);
    // A spread's pages are cropped to put the spine off the middle.
    let shift = (book.spine_offset * 2.0 * pwf).round();
    let (w, spine) = match right {
        Some(_) => (2 * pw, pwf + shift),
        None => (pw, pwf),
    };
    // Source column on the flat page(s) of an image column: the image
    // position of a page point at distance `d` from the spine is
    // `spine ∓ d·s(t)`, t the share of the way from the outer edge; it is
    // inverted by a table (the map is monotone).
    let scale = |t: f64| 1.0 / (1.0 + book.depth * t.clamp(0.0, 1.0).powi(3));
    let left_w = spine;
    let right_w = w as f64 - spine;
    let mut table: Vec<(f64, f64)> = Vec::new(); // (image x, page-space X)
    let steps = 8 * w as usize;
    for i in 0..=steps {
        let x = i as f64 / steps as f64 * w as f64;
        let img_x = if x < spine {
            let t = x / left_w;
            spine - (spine - x) * scale(t)
        } else {
            let t = (w as f64 - x) / right_w.max(1.0);
            spine + (x - spine) * scale(t)
        };
        table.push((img_x, x));
    }
    let src_x = |u: f64| -> f64 {
        let k = table.partition_point(|p| p.0 < u).clamp(1, table.len() - 1);
        let (a, b) = (table[k - 1], table[k]);
        let f = if b.0 > a.0 {
            (u - a.0) / (b.0 - a.0)
        } else {
            0.0
        };
        a.1 + (b.1 - a.1) * f
    };
    let cy = phf / 2.0;
    let paper = [244.0, 241.0, 232.0];
    let ink_rgb = [30.0, 28.0, 32.0];
    let mut rng = Rng::new(book.seed ^ 0xB00C);
    let image = RgbImage::from_fn(w, ph, |x, y| {
        let u = x as f64 + 0.5;
        let sx = src_x(u);
        let t = if sx < spine {
            sx / left_w
        } else {
            (w as f64 - sx) / right_w.max(1.0)
        };
        let s = scale(t);
        let sy = cy + (y as f64 + 0.5 - cy) / s;
        // Which page and where on it: the spread's pages are laid side by
        // side, cropped by `shift` at the spine.
        let (page, px) = match right {
            Some(r) if sx >= spine => (r, sx - spine),
            _ => (left, sx - (spine - pwf)),
        };
        let c = if sy < 0.0 || sy >= phf || px < 0.0 || px >= pwf {
            [200.0, 198.0, 192.0]
        } else {
            let (x0, y0) = (px.floor() as u32, sy.floor() as u32);
            let (x1, y1) = ((x0 + 1).min(pw - 1), (y0 + 1).min(ph - 1));
            let (ax, ay) = (px - px.floor(), sy - sy.floor());
            let g = |a: u32, b: u32| page.image.get_pixel(a, b).0[0] as f64 / 255.0;
            let v = (g(x0, y0) * (1.0 - ax) + g(x1, y0) * ax) * (1.0 - ay)
                + (g(x0, y1) * (1.0 - ax) + g(x1, y1) * ax) * ay;
            [0, 1, 2].map(|k| ink_rgb[k] + (paper[k] - ink_rgb[k]) * v)
        };
        let d = (u - spine) / (0.035 * pwf);
        let light = (1.0 - book.shadow * (-d * d).exp()) * (1.0 - 0.12 * (u / w as f64));
        let n = ((0..4).map(|_| rng.unit() as f64).sum::<f64>() - 2.0) * 2.5 * 3f64.sqrt();
        Rgb(c.map(|v| (v * light + n).round().clamp(0.0, 255.0) as u8))
    });
    let jpeg = phone_jpeg(&image, 90, 1);
    let image = image::load_from_memory(&jpeg).unwrap().into_rgb8();
    let outside = match right {
        Some(_) => shift.max(0.0),
        None => 0.0,
    };
    BookPhoto {
        image,
        jpeg,
        spine,
        outside,
    }
}

/// A book page: `lines` lines of 10-point text at 150 dpi on a half-letter
/// page (5.5 × 8.5 in, a common book size).
pub fn book_page(lines: usize, seed: u64) -> Page {
    render(&Layout {
        dpi: 150.0,
        size_in: (5.5, 8.5),
        font_pt: 11.0,
        lines,
        seed,
    })
}

/// How far each text line of `gray` bends (issue 25, point 2): ink (under
/// half grey) smeared along rows by `smear` pixels each way joins a line's
/// letters and words into one component; components at least a third of
/// the image wide are lines. A line's baseline is fitted to the lowest
/// ink pixel of each of its columns with a quadratic (least squares),
/// trimmed three times to the points within [`BASELINE_BAND`] of the last
/// fit: descenders, commas and gaps' stray ink drop out, and the
/// hundreds of columns a line has average away the pixel grid (the
/// bottom of letters, one point per 96-px strip, measured a perfectly
/// flat scan's stored lines at up to 1.5 px). Its sag over the line's
/// span, |a|·(L/2)², is the line's deviation from straight. Pixels, per
/// line from the top.
pub fn line_sags(gray: &image::GrayImage, smear: u32) -> Vec<f64> {
    use imageproc::region_labelling::{Connectivity, connected_components};
    let (w, h) = gray.dimensions();
    let ink = |x: u32, y: u32| gray.get_pixel(x, y).0[0] < 128;
    let mut smeared = image::GrayImage::new(w, h);
    for y in 0..h {
        let mut last: Option<u32> = None;
        for x in 0..w {
            if ink(x, y) {
                if let Some(l) = last.filter(|&l| x - l <= 2 * smear) {
                    for xx in l..x {
                        smeared.put_pixel(xx, y, image::Luma([255]));
                    }
                }
                smeared.put_pixel(x, y, image::Luma([255]));
                last = Some(x);
            }
        }
    }
    let labels = connected_components(&smeared, Connectivity::Eight, image::Luma([0u8]));
    let n = labels.pixels().map(|p| p.0[0]).max().unwrap_or(0) as usize;
    let mut span = vec![(u32::MAX, 0u32, u32::MAX); n + 1];
    for (x, y, p) in labels.enumerate_pixels() {
        let s = &mut span[p.0[0] as usize];
        s.0 = s.0.min(x);
        s.1 = s.1.max(x);
        s.2 = s.2.min(y);
    }
    let mut lines: Vec<(u32, usize)> = (1..=n)
        .filter(|&l| span[l].1 >= span[l].0 && span[l].1 - span[l].0 >= w / 3)
        .map(|l| (span[l].2, l))
        .collect();
    lines.sort();
    // The lowest ink pixel of every column of every line.
    let mut bottom: std::collections::HashMap<usize, Vec<Option<u32>>> = lines
        .iter()
        .map(|&(_, l)| (l, vec![None; w as usize]))
        .collect();
    for (x, y, p) in labels.enumerate_pixels() {
        if let Some(b) = bottom.get_mut(&(p.0[0] as usize))
            && ink(x, y)
        {
            b[x as usize] = Some(y);
        }
    }
    let mut sags = Vec::new();
    for (_, l) in lines {
        let mut pts: Vec<(f64, f64)> = bottom[&l]
            .iter()
            .enumerate()
            .filter_map(|(x, b)| b.map(|y| (x as f64, y as f64)))
            .collect();
        let mut fit = quadratic(&pts);
        for band in [4.0 * BASELINE_BAND, 2.0 * BASELINE_BAND, BASELINE_BAND] {
            pts.retain(|&(x, y)| (y - fit.at(x)).abs() <= band);
            if pts.len() < 20 {
                break;
            }
            fit = quadratic(&pts);
        }
        let (x0, x1) = (span[l].0, span[l].1);
        let half = (x1 - x0) as f64 / 2.0;
        sags.push(fit.c[2].abs() * half * half);
    }
    sags
}

/// How far, in pixels at 300 dpi, a letter's lowest pixel may lie from
/// the line's baseline fit and still be taken as on it.
const BASELINE_BAND: f64 = 2.5;

/// A quadratic in `x − mx`.
struct Quadratic {
    mx: f64,
    c: [f64; 3],
}

impl Quadratic {
    fn at(&self, x: f64) -> f64 {
        let x = x - self.mx;
        self.c[0] + self.c[1] * x + self.c[2] * x * x
    }
}

/// The least-squares quadratic through `pts` (flat at their mean when
/// they do not tie one down).
fn quadratic(pts: &[(f64, f64)]) -> Quadratic {
    let n = pts.len().max(1) as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    // Normal equations in centred x, solved by Cramer's rule.
    let mut s = [0f64; 5];
    let mut t = [0f64; 3];
    for &(x, y) in pts {
        let x = x - mx;
        let mut p = 1.0;
        for k in &mut s {
            *k += p;
            p *= x;
        }
        t[0] += y;
        t[1] += x * y;
        t[2] += x * x * y;
    }
    let m = [[s[0], s[1], s[2]], [s[1], s[2], s[3]], [s[2], s[3], s[4]]];
    let det = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(m);
    if d.abs() < 1e-12 {
        return Quadratic {
            mx,
            c: [t[0] / n, 0.0, 0.0],
        };
    }
    let c = [0, 1, 2].map(|k| {
        let mut mk = m;
        for r in 0..3 {
            mk[r][k] = t[r];
        }
        det(mk) / d
    });
    Quadratic { mx, c }
}

/// EXIF as a phone's camera writes it (a big-endian TIFF directory):
/// its orientation tag and 72 dpi, per inch.
pub fn camera_exif(orientation: u16) -> Vec<u8> {
    let mut t = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
    let entries: [(u16, u16, u32); 4] = [
        (0x0112, 3, (orientation as u32) << 16),
        (0x011A, 5, 62),
        (0x011B, 5, 62),
        (0x0128, 3, 2 << 16),
    ];
    t.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for (tag, kind, value) in entries {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&1u32.to_be_bytes());
        t.extend_from_slice(&value.to_be_bytes());
    }
    t.extend_from_slice(&[0; 4]);
    // The rational both resolutions point at (offset 62 of the TIFF data).
    assert_eq!(t.len() - 6, 62);
    t.extend_from_slice(&72u32.to_be_bytes());
    t.extend_from_slice(&1u32.to_be_bytes());
    t
}

/// `stored` (pixels as the camera stored them; `orientation` the EXIF tag
/// that turns them upright) as an iPhone-style HEIC, or AVIF, written by
/// libheif's own encoder: a JPEG with the camera's EXIF is given to
/// `heif-enc` (libheif-examples), which keeps the EXIF beside the image.
///
/// An iPhone also states the turn as the image's `irot` property, which
/// is what HEIF readers obey. Debian 12's heif-enc (1.15.1) writes none
/// from the JPEG's EXIF orientation (its file shows the stored pixels,
/// `ispe` unturned), so for orientation 6, 3 or 8 the `irot` is written
/// here, in place of the primary image's `pixi` property (the channels'
/// bit depths, which decoding does not need), a box of the same 16 bytes:
/// nothing else in the file moves. libheif skips the bytes after `irot`'s
/// one byte of angle.
pub fn heif_file(
    stored: &RgbImage,
    orientation: u16,
    avif: bool,
    dir: &std::path::Path,
) -> Vec<u8> {
    let mut jpeg = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut jpeg, 95);
    enc.add_app_segment(1, camera_exif(orientation)).unwrap();
    let (w, h) = stored.dimensions();
    enc.encode(
        stored.as_raw(),
        w as u16,
        h as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    let src = dir.join("heif-source.jpg");
    std::fs::write(&src, &jpeg).unwrap();
    let out = dir.join(if avif {
        "heif-out.avif"
    } else {
        "heif-out.heic"
    });
    // The fastest settings: encoding time is not what is tested.
    let speed = if avif { "speed=9" } else { "preset=ultrafast" };
    let status = std::process::Command::new("heif-enc")
        .args(["-q", "90", "-p", speed, "-o"])
        .arg(&out)
        .arg(&src)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("heif-enc is needed by the tests (libheif-examples, scripts/deps.sh)");
    assert!(status.success(), "heif-enc failed");
    let mut file = std::fs::read(&out).unwrap();
    // Anticlockwise quarter turns that show the stored pixels upright.
    let turns = match orientation {
        6 => 3,
        3 => 2,
        8 => 1,
        _ => return file,
    };
    let at = file
        .windows(4)
        .position(|w| w == b"pixi")
        .expect("heif-enc writes a pixi property")
        - 4;
    assert_eq!(file[at..at + 4], 16u32.to_be_bytes(), "pixi of 16 bytes");
    file[at + 4..at + 8].copy_from_slice(b"irot");
    file[at + 8..at + 16].copy_from_slice(&[turns, 0, 0, 0, 0, 0, 0, 0]);
    file
}
