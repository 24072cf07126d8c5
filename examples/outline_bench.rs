//! Page-outline bench (issue 25): generated phone photos with known
//! corners, the page found in each, and the figures of the target.
//!
//!     cargo run --release --example outline_bench -- [COUNT] [OUT_DIR]
//!
//! COUNT photos (default 120) with random perspective (5–35°), turn in
//! the plane, page size (40–90 % of the frame), desk (wood, white table,
//! dark cloth, a second sheet under the page), light falloff, a shadow
//! over some, a thumb over the page's left side on some, a corner out of
//! the frame on some, JPEG at 72 dpi. For each:
//! the outline IoU with the truth (both clipped to the frame, as the
//! SmartDoc 2015 challenge measures), the aspect ratio error of the flat
//! page, and the seconds of finding and flattening. Prints one line per
//! photo, then the share with IoU ≥ 0.98 (target ≥ 95 %), the mean IoU,
//! per desk, and s/page. With OUT_DIR, the photos and flat pages of the
//! named kinds of `tests/common/phone.rs` are written there as PNG, to
//! look at. `benches/phone.sh` runs it. `outline_bench scan FILE…` says
//! whether an outline is found in each file (a scan should have none);
//! `outline_bench book DIR` writes the curved book spread and single page
//! of `tests/phone.rs` there as JPEGs.

#[path = "../tests/common/gen.rs"]
mod generator;
#[path = "../tests/common/kinds.rs"]
mod kinds;
#[path = "../tests/common/phone.rs"]
#[allow(dead_code)]
mod phone;

use ocrpdf::capture::{find_outline, flatten, iou};
use ocrpdf::input::Pixels;
use phone::{Desk, Shot, kinds, page_for, photograph};
use std::time::Instant;

struct Measured {
    iou: f64,
    aspect_err: f64,
    seconds: f64,
    out: Option<RgbOut>,
}

type RgbOut = image::RgbImage;

fn measure(shot: &Shot, seed: u64, keep: bool) -> Measured {
    let page = page_for(shot.paper, 14, seed);
    let photo = photograph(&page, shot);
    let frame = photo.image.dimensions();
    let started = Instant::now();
    let gray = image::DynamicImage::ImageRgb8(photo.image.clone()).into_luma8();
    let found = find_outline(&gray);
    let flat = found.and_then(|o| {
        let size = flatten::flat_size(&o.quad, frame)?;
        let img = flatten::flatten(&Pixels::Rgb(photo.image.clone()), &o.quad, size)?;
        Some((o, size, img))
    });
    let seconds = started.elapsed().as_secs_f64();
    let Some((o, (w, h), img)) = flat else {
        return Measured {
            iou: 0.0,
            aspect_err: f64::NAN,
            seconds,
            out: None,
        };
    };
    let truth = shot.paper.0 / shot.paper.1;
    if std::env::var_os("BENCH_DEBUG").is_some() {
        eprintln!("found {:?}\ntruth {:?}", o.quad.0, photo.corners.0);
    }
    Measured {
        iou: iou(&o.quad, &photo.corners, (frame.0 as f64, frame.1 as f64)),
        aspect_err: (w as f64 / h as f64 / truth - 1.0).abs(),
        seconds,
        out: keep.then(|| match img {
            Pixels::Rgb(c) => c,
            Pixels::Gray(g) => image::DynamicImage::ImageLuma8(g).into_rgb8(),
        }),
    }
}

/// Text of page 1 of `pdf` in content order (`pdftotext -raw`).
fn pdftotext(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-f", "1", "-l", "1"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `outline_bench cer OCRPDF DIR`: per named photo kind, the CER of
/// `OCRPDF` on the page scanned flat (its render as a 150-dpi JPEG), on
/// the photo kept whole (`--capture off`) and on the photo flattened
/// (default), and the capture seconds it reports.
fn cer_table(bin: &str, dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    // Run from `dir`: a relative path to the binary is made absolute.
    let bin = std::fs::canonicalize(bin).unwrap_or_else(|_| bin.into());
    let run = |input: &str, out: &str, extra: &[&str]| {
        let o = std::process::Command::new(&bin)
            .current_dir(dir)
            .args([input, "-o", out, "-q", "--json", "-j", "1"])
            .args(extra)
            .env("OMP_THREAD_LIMIT", "1")
            .output()
            .expect("ocrpdf runs");
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    };
    println!(
        "| kind | IoU | aspect error | CER flat scan | CER photo whole | CER flattened | capture s |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, shot) in kinds() {
        let page = page_for(shot.paper, 14, 3);
        let photo = photograph(&page, &shot);
        std::fs::write(dir.join(format!("{name}.jpg")), &photo.jpeg).unwrap();
        let flat = format!("{name}-flat.jpg");
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(
            std::fs::File::create(dir.join(&flat)).unwrap(),
            88,
        );
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(150));
        enc.encode_image(&page.image).unwrap();
        let m = measure(&shot, 3, false);
        let cer = |pdf: &str| generator::cer(&page.text, &pdftotext(&dir.join(pdf)));
        run(&flat, "flat.pdf", &[]);
        run(&format!("{name}.jpg"), "whole.pdf", &["--capture", "off"]);
        let json = run(&format!("{name}.jpg"), "after.pdf", &[]);
        let secs = json
            .split("\"capture\":")
            .nth(1)
            .and_then(|c| c.split("\"seconds\":").nth(1))
            .and_then(|s| s.split(['}', ',']).next())
            .unwrap_or("-")
            .to_string();
        println!(
            "| {name} | {:.4} | {:.2}% | {:.2}% | {:.2}% | {:.2}% | {secs} |",
            m.iou,
            100.0 * m.aspect_err,
            100.0 * cer("flat.pdf"),
            100.0 * cer("whole.pdf"),
            100.0 * cer("after.pdf"),
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `outline_bench scan FILE…`: whether an outline is found in each
    // file (scans should have none).
    if args.get(1).map(String::as_str) == Some("cer") {
        cer_table(&args[2], std::path::Path::new(&args[3]));
        return;
    }
    // `outline_bench book DIR`: the curved book spread and single page
    // of `tests/phone.rs` as JPEGs (spread.jpg, single.jpg), to run
    // ocrpdf on and look at.
    if args.get(1).map(String::as_str) == Some("book") {
        let dir = std::path::Path::new(&args[2]);
        std::fs::create_dir_all(dir).unwrap();
        let (left, right) = (phone::book_page(24, 3), phone::book_page(24, 9));
        let spread = phone::book_photo(&left, Some(&right), &phone::Book::default());
        std::fs::write(dir.join("spread.jpg"), &spread.jpeg).unwrap();
        spread.image.save(dir.join("spread.png")).unwrap();
        let single = phone::book_photo(&left, None, &phone::Book::default());
        std::fs::write(dir.join("single.jpg"), &single.jpeg).unwrap();
        return;
    }
    if args.get(1).map(String::as_str) == Some("scan") {
        for f in &args[2..] {
            let img = image::open(f).unwrap().into_luma8();
            let started = Instant::now();
            let found = find_outline(&img);
            println!(
                "{f}: {} ({:.3} s)",
                found.map_or("no outline".to_string(), |o| format!("{:?}", o.quad.0)),
                started.elapsed().as_secs_f64()
            );
        }
        return;
    }
    let count: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(120);
    let out = args.get(2).map(std::path::PathBuf::from);
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir).unwrap();
        for (name, shot) in kinds() {
            let page = page_for(shot.paper, 14, 3);
            let photo = photograph(&page, &shot);
            photo
                .image
                .save(dir.join(format!("{name}-photo.png")))
                .unwrap();
            let m = measure(&shot, 3, true);
            if let Some(img) = m.out {
                img.save(dir.join(format!("{name}-flat.png"))).unwrap();
            }
            println!(
                "kind {name:<18} iou {:.4} aspect error {:.2}% {:.3} s",
                m.iou,
                100.0 * m.aspect_err,
                m.seconds
            );
        }
    }
    let mut rng = generator::Rng::new(2025);
    let mut r = |lo: f64, hi: f64| lo + (hi - lo) * rng.unit() as f64;
    let desks = [
        Desk::Wood,
        Desk::WhiteTable,
        Desk::DarkCloth,
        Desk::SheetUnder,
    ];
    let mut rows = Vec::new();
    for i in 0..count {
        let tilt = r(5.0, 35.0);
        let dir = r(0.0, std::f64::consts::TAU);
        let fill = r(0.4, 0.9);
        let corner_out = i % 7 == 3;
        let shot = phone::framed(
            Shot {
                paper: if i % 3 == 0 {
                    (8.5, 11.0)
                } else {
                    (8.27, 11.69)
                },
                pitch: tilt * dir.cos(),
                yaw: tilt * dir.sin(),
                roll: r(-15.0, 15.0),
                fill: if corner_out { r(0.85, 0.95) } else { fill },
                offset: if corner_out {
                    (r(0.08, 0.12) * [-1.0, 1.0][i % 2], r(-0.06, 0.06))
                } else {
                    let room = (0.9 - fill) / 2.0;
                    (r(-room, room) * 0.5, r(-room, room))
                },
                desk: desks[i % 4],
                falloff: r(0.0, 0.35),
                shadow: i % 5 == 1,
                thumb: i % 6 == 2,
                exif: 1,
                seed: i as u64 + 1,
                ..Shot::default()
            },
            usize::from(corner_out),
        );
        let m = measure(&shot, i as u64 + 1, out.is_some());
        if let (Some(dir), true) = (&out, m.iou < 0.98) {
            let page = page_for(shot.paper, 14, i as u64 + 1);
            let photo = photograph(&page, &shot);
            photo
                .image
                .save(dir.join(format!("miss-{i}-photo.png")))
                .unwrap();
            if let Some(img) = &m.out {
                img.save(dir.join(format!("miss-{i}-flat.png"))).unwrap();
            }
        }
        println!(
            "{i:>4} {:<11} tilt {tilt:>4.1} fill {:.2}{}{}{} iou {:.4} aspect error {:.2}% {:.3} s",
            format!("{:?}", shot.desk),
            shot.fill,
            match phone::corners_out(&shot) {
                0 => String::new(),
                n => format!(" corners-out {n}"),
            },
            if shot.shadow { " shadow" } else { "" },
            if shot.thumb { " thumb" } else { "" },
            m.iou,
            100.0 * m.aspect_err,
            m.seconds
        );
        rows.push((shot.desk, m, shot.thumb));
    }
    let summary = |name: &str, rows: &[&(Desk, Measured, bool)]| {
        let n = rows.len().max(1) as f64;
        let good = rows.iter().filter(|r| r.1.iou >= 0.98).count();
        let mean = rows.iter().map(|r| r.1.iou).sum::<f64>() / n;
        let aspect_ok = rows.iter().filter(|r| r.1.aspect_err <= 0.02).count();
        let secs = rows.iter().map(|r| r.1.seconds).sum::<f64>() / n;
        println!(
            "{name:<11} {:>4} photos: IoU >= 0.98 on {:.1}%, mean IoU {mean:.4}, aspect within 2% on {:.1}%, {secs:.3} s/page",
            rows.len(),
            100.0 * good as f64 / n,
            100.0 * aspect_ok as f64 / n,
        );
    };
    for desk in desks {
        let of: Vec<_> = rows.iter().filter(|r| r.0 == desk).collect();
        summary(&format!("{desk:?}"), &of);
    }
    summary("thumb", &rows.iter().filter(|r| r.2).collect::<Vec<_>>());
    summary("all", &rows.iter().collect::<Vec<_>>());
}
