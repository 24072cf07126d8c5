//! Document metadata and PDF/A-2b, through the real binary: title, author,
//! subject and keywords as poppler's `pdfinfo` reads them, creation dates
//! from the inputs, `SOURCE_DATE_EPOCH` and `--date`, byte-identical reruns,
//! and the parts PDF/A requires, parsed back with lopdf (XMP with
//! roxmltree; the ICC profile is also run through LittleCMS's `transicc`).
//!
//! No PDF/A validator is packaged for Debian 12 (veraPDF, the reference
//! one, is not in any registry this project can reach), so the PDF/A test
//! checks each requirement ocrpdf is responsible for, one by one.

use crate::common;

use common::generator::{add_photo, save_png};
use common::{Run, assert_qpdf_ok, ocrpdf_with, small_page};
use lopdf::{Document, Object};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

const PRODUCER: &str = concat!("ocrpdf ", env!("CARGO_PKG_VERSION"));
/// 2024-05-01T10:00:00Z.
const EPOCH: u64 = 1_714_557_600;

/// Run `ocrpdf` in `dir` with `SOURCE_DATE_EPOCH` only as `epoch` says (the
/// test's own environment must not leak in).
fn run(dir: &Path, args: &[&str], epoch: Option<&str>, stdin: Option<&[u8]>) -> Run {
    ocrpdf_with(dir, args, stdin, |cmd| {
        cmd.env_remove("SOURCE_DATE_EPOCH");
        if let Some(e) = epoch {
            cmd.env("SOURCE_DATE_EPOCH", e);
        }
    })
}

fn run_ok(dir: &Path, args: &[&str], epoch: Option<&str>) -> PathBuf {
    let r = run(dir, args, epoch, None);
    assert_eq!(r.code, 0, "ocrpdf {args:?} failed: {}", r.stderr);
    let out = args[args.iter().position(|a| *a == "-o").unwrap() + 1];
    dir.join(out)
}

/// A small generated page saved as `name`, with its modification time set.
fn page(dir: &Path, name: &str, seed: u64, mtime: u64) -> PathBuf {
    let path = dir.join(name);
    save_png(&small_page(seed, 2), &path);
    set_mtime(&path, mtime);
    path
}

fn set_mtime(path: &Path, secs: u64) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
        .unwrap();
}

/// `pdfinfo -isodates` as key → value.
fn pdfinfo(pdf: &Path) -> BTreeMap<String, String> {
    let out = Command::new("pdfinfo")
        .args(["-isodates", pdf.to_str().unwrap()])
        .output()
        .expect("pdfinfo (poppler-utils) is needed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

fn trailer_id(doc: &Document) -> Vec<Vec<u8>> {
    doc.trailer
        .get(b"ID")
        .and_then(Object::as_array)
        .expect("trailer has /ID")
        .iter()
        .map(|o| o.as_str().unwrap().to_vec())
        .collect()
}

#[test]
fn metadata_flags_and_the_newest_input_time_reach_the_info_dictionary() {
    let dir = tempfile::tempdir().unwrap();
    // The first page is the newer one: newest, not last, sets the date.
    page(dir.path(), "p1.png", 41, EPOCH);
    page(dir.path(), "p2.png", 42, EPOCH - 86_400 * 400);
    let title = "Ελληνικά: café “naïve” — œuvre";
    let subject = "“Résumé” – œuvre, 5 € • fin";
    let pdf = run_ok(
        dir.path(),
        &[
            "p1.png",
            "p2.png",
            "-o",
            "out.pdf",
            "--no-rotate",
            "--title",
            title,
            "--author",
            "José Müller",
            "--subject",
            subject,
            "--keywords",
            "minutes, library, budget",
        ],
        None,
    );
    assert_qpdf_ok(&pdf);
    let info = pdfinfo(&pdf);
    assert_eq!(info["Title"], title);
    assert_eq!(info["Author"], "José Müller");
    assert_eq!(info["Subject"], subject);
    assert_eq!(info["Keywords"], "minutes, library, budget");
    assert_eq!(info["Creator"], PRODUCER);
    assert_eq!(info["Producer"], PRODUCER);
    assert_eq!(info["CreationDate"], "2024-05-01T10:00:00Z");
    assert_eq!(info["ModDate"], "2024-05-01T10:00:00Z");
    assert_eq!(info["Metadata Stream"], "no", "XMP only with --pdfa");

    // Encodings: one byte per character where PDFDocEncoding has them
    // (the subject's typographic marks included), UTF-16 with BOM otherwise.
    let doc = Document::load(&pdf).unwrap();
    let id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let dict = doc.get_dictionary(id).unwrap();
    let raw = |k: &[u8]| dict.get(k).unwrap().as_str().unwrap().to_vec();
    assert_eq!(raw(b"Author"), b"Jos\xE9 M\xFCller");
    assert_eq!(raw(b"Subject").len(), subject.chars().count());
    assert!(raw(b"Title").starts_with(b"\xFE\xFF"));
    // A fresh file's /ID: two equal 16-byte strings.
    let ids = trailer_id(&doc);
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0].len(), 16);
    assert_eq!(ids[0], ids[1]);
    let catalog = doc.catalog().unwrap();
    assert!(!catalog.has(b"Metadata") && !catalog.has(b"OutputIntents"));
}

#[test]
fn same_inputs_give_the_same_bytes_and_source_date_epoch_and_date_decide() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = page(d, "p.png", 43, EPOCH - 3600);
    let base = ["p.png", "--no-rotate", "--title", "Minutes", "-o"];
    let with = |out: &'static str, extra: &[&'static str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.push(out);
        a.extend(extra);
        a
    };

    // From the input's time, twice: identical files.
    let a = run_ok(d, &with("a.pdf", &[]), None);
    let b = run_ok(d, &with("b.pdf", &[]), None);
    assert_eq!(pdfinfo(&a)["CreationDate"], "2024-05-01T09:00:00Z");
    assert!(
        std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
        "two runs on the same input differ"
    );

    // SOURCE_DATE_EPOCH beats the input's time, which may then change freely.
    let epoch = EPOCH.to_string();
    let c = run_ok(d, &with("c.pdf", &[]), Some(&epoch));
    set_mtime(&input, EPOCH + 5000);
    let e = run_ok(d, &with("e.pdf", &[]), Some(&epoch));
    assert_eq!(pdfinfo(&c)["CreationDate"], "2024-05-01T10:00:00Z");
    assert!(std::fs::read(&c).unwrap() == std::fs::read(&e).unwrap());
    // An empty SOURCE_DATE_EPOCH counts as unset.
    let unset = run_ok(d, &with("unset.pdf", &[]), Some(""));
    assert_eq!(pdfinfo(&unset)["CreationDate"], "2024-05-01T11:23:20Z");

    // --date wins over it; `now` under it means its time; `none` omits.
    let f = run_ok(
        d,
        &with("f.pdf", &["--date", "2020-02-29T12:00:00+01:00"]),
        Some(&epoch),
    );
    assert_eq!(pdfinfo(&f)["CreationDate"], "2020-02-29T11:00:00Z");
    let g = run_ok(d, &with("g.pdf", &["--date", "now"]), Some(&epoch));
    assert_eq!(pdfinfo(&g)["CreationDate"], "2024-05-01T10:00:00Z");
    let h = run_ok(d, &with("h.pdf", &["--date", "none"]), Some(&epoch));
    let info = pdfinfo(&h);
    assert!(!info.contains_key("CreationDate") && !info.contains_key("ModDate"));

    // The /ID follows the content: other metadata, other /ID.
    let id = |p: &Path| trailer_id(&Document::load(p).unwrap())[0].clone();
    assert_eq!(id(&c), id(&e));
    assert_ne!(id(&c), id(&f));
    assert_ne!(id(&c), id(&h));
}

#[test]
fn stdin_alone_has_no_date_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let png = page(dir.path(), "p.png", 44, EPOCH);
    let bytes = std::fs::read(png).unwrap();
    let r = run(
        dir.path(),
        &["-", "-o", "s.pdf", "--no-rotate"],
        None,
        Some(&bytes),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!pdfinfo(&dir.path().join("s.pdf")).contains_key("CreationDate"));

    let before = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let r = run(
        dir.path(),
        &["-", "-o", "now.pdf", "--no-rotate", "--date", "now"],
        None,
        Some(&bytes),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = before + 600;
    let doc = Document::load(dir.path().join("now.pdf")).unwrap();
    let id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let date = doc
        .get_dictionary(id)
        .unwrap()
        .get(b"CreationDate")
        .unwrap();
    let date = String::from_utf8(date.as_str().unwrap().to_vec()).unwrap();
    // D:YYYYMMDDHHmmSSZ, compared as text with the clock's bounds.
    let fmt = |secs: u64| {
        let out = Command::new("date")
            .args(["-u", "-d", &format!("@{secs}"), "+D:%Y%m%d%H%M%SZ"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    assert!(
        fmt(before) <= date && date <= fmt(after),
        "{date} not within {}..{}",
        fmt(before),
        fmt(after)
    );
}

#[test]
fn bad_dates_and_metadata_are_refused_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    page(dir.path(), "p.png", 45, EPOCH);
    let cases: [(&[&str], Option<&str>, &str); 5] = [
        (&["--date", "2024-05-01T10:00:00"], None, "time zone"),
        (&["--date", "soon"], None, "not a date"),
        (&["--date", "2024-13-01"], None, "not a date"),
        (&[], Some("yesterday"), "SOURCE_DATE_EPOCH"),
        (&["--title", "bell\u{7}"], None, "U+0007"),
    ];
    for (extra, epoch, reason) in cases {
        let mut args = vec!["p.png", "-o", "bad.pdf"];
        args.extend(extra);
        let r = run(dir.path(), &args, epoch, None);
        assert_eq!(r.code, 1, "{args:?} {epoch:?}: {}", r.stderr);
        assert!(r.stderr.contains(reason), "{args:?}: {}", r.stderr);
        assert!(!dir.path().join("bad.pdf").exists());
    }
    // Commands that write no PDF do not care about SOURCE_DATE_EPOCH.
    let r = run(
        dir.path(),
        &["clean", "p.png", "-o", "c.png", "--no-rotate"],
        Some("yesterday"),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

const NS_RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";

#[test]
fn pdfa_output_carries_xmp_an_srgb_intent_an_embedded_font_and_no_transparency() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = small_page(46, 3);
    let (w, h) = p.image.dimensions();
    add_photo(&mut p, [w / 2, h / 3, w - 100, h - 60], 46);
    save_png(&p, &dir.path().join("p.png"));
    set_mtime(&dir.path().join("p.png"), EPOCH);
    let title = "Πρακτικά – réunion “été” & <notes>";
    let pdf = run_ok(
        dir.path(),
        &[
            "p.png",
            "-o",
            "a.pdf",
            "--no-rotate",
            "--pdfa",
            "--title",
            title,
            "--author",
            "José Müller",
            "--subject",
            "Minutes",
            "--keywords",
            "minutes, archive",
        ],
        None,
    );
    assert_qpdf_ok(&pdf);
    let info = pdfinfo(&pdf);
    assert_eq!(info["Title"], title);

    let bytes = std::fs::read(&pdf).unwrap();
    check_header(&bytes);
    let doc = Document::load_mem(&bytes).unwrap();
    let ids = trailer_id(&doc);
    assert!(ids.len() == 2 && ids[0].len() == 16 && ids[0] == ids[1]);
    check_xmp(&doc, &info);
    check_output_intent(&doc, dir.path());
    check_fonts(&doc);
    check_no_forbidden_features(&doc);
}

/// `%PDF-1.x` with x ≥ 4, then a comment of at least four bytes ≥ 128.
fn check_header(bytes: &[u8]) {
    assert!(bytes.starts_with(b"%PDF-1."), "header");
    assert!(
        (b'4'..=b'7').contains(&bytes[7]),
        "version 1.{}",
        bytes[7] as char
    );
    let second = bytes.split(|&b| b == b'\n').nth(1).unwrap();
    assert_eq!(second[0], b'%');
    assert!(
        second.iter().filter(|&&b| b >= 128).count() >= 4,
        "binary comment"
    );
}

fn check_xmp(doc: &Document, info: &BTreeMap<String, String>) {
    let catalog = doc.catalog().unwrap();
    let id = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    assert_eq!(
        stream.dict.get(b"Type").unwrap().as_name().unwrap(),
        b"Metadata"
    );
    assert_eq!(
        stream.dict.get(b"Subtype").unwrap().as_name().unwrap(),
        b"XML"
    );
    assert!(
        !stream.dict.has(b"Filter"),
        "metadata must be readable as is"
    );
    let text = std::str::from_utf8(&stream.content).expect("XMP is UTF-8");
    assert!(text.starts_with("<?xpacket begin="), "{text}");
    let xml = roxmltree::Document::parse(text).expect("XMP parses as XML");

    let one = |ns: &str, name: &str| -> String {
        let nodes: Vec<_> = xml
            .descendants()
            .filter(|n| n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name)
            .collect();
        assert_eq!(nodes.len(), 1, "one {name} in {text}");
        nodes[0].text().unwrap_or("").to_string()
    };
    // Items of an RDF container property, with their xml:lang.
    let items = |ns: &str, name: &str| -> Vec<(Option<String>, String)> {
        let prop = xml
            .descendants()
            .find(|n| n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name)
            .unwrap_or_else(|| panic!("no {name} in {text}"));
        prop.descendants()
            .filter(|n| n.tag_name().namespace() == Some(NS_RDF) && n.tag_name().name() == "li")
            .map(|n| {
                (
                    n.attribute((NS_XML, "lang")).map(str::to_string),
                    n.text().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    const PDFAID: &str = "http://www.aiim.org/pdfa/ns/id/";
    const DC: &str = "http://purl.org/dc/elements/1.1/";
    const XMP: &str = "http://ns.adobe.com/xap/1.0/";
    const PDF: &str = "http://ns.adobe.com/pdf/1.3/";
    assert_eq!(one(PDFAID, "part"), "2");
    assert_eq!(one(PDFAID, "conformance"), "B");
    let x_default = |v: &str| vec![(Some("x-default".to_string()), v.to_string())];
    // Every Info entry and its XMP twin agree (as poppler reads the Info).
    assert_eq!(items(DC, "title"), x_default(&info["Title"]));
    assert_eq!(items(DC, "creator"), vec![(None, info["Author"].clone())]);
    assert_eq!(items(DC, "description"), x_default(&info["Subject"]));
    assert_eq!(one(PDF, "Keywords"), info["Keywords"]);
    assert_eq!(one(PDF, "Producer"), info["Producer"]);
    assert_eq!(one(XMP, "CreatorTool"), info["Creator"]);
    assert_eq!(one(XMP, "CreateDate"), info["CreationDate"]);
    assert_eq!(one(XMP, "ModifyDate"), info["ModDate"]);
    assert_eq!(info["CreationDate"], "2024-05-01T10:00:00Z");
}

fn check_output_intent(doc: &Document, dir: &Path) {
    let catalog = doc.catalog().unwrap();
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    assert_eq!(intents.len(), 1);
    let intent = match &intents[0] {
        Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
        o => o.as_dict().unwrap(),
    };
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    assert!(intent.has(b"OutputConditionIdentifier"));
    let id = intent
        .get(b"DestOutputProfile")
        .unwrap()
        .as_reference()
        .unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    assert_eq!(stream.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
    let icc = stream.decompressed_content().unwrap();
    let size = u32::from_be_bytes(icc[0..4].try_into().unwrap()) as usize;
    assert_eq!(size, icc.len(), "ICC size field");
    assert_eq!(icc[8], 2, "ICC version 2.x");
    assert_eq!(&icc[12..16], b"mntr");
    assert_eq!(&icc[16..20], b"RGB ");
    assert_eq!(&icc[36..40], b"acsp");

    // LittleCMS, an independent colour engine, reads the profile and maps
    // colours through it as through its own built-in sRGB.
    let path = dir.join("intent.icc");
    std::fs::write(&path, &icc).unwrap();
    let levels = [0, 40, 128, 200, 255];
    let mut input = String::new();
    for r in levels {
        for g in levels {
            for b in levels {
                input.push_str(&format!("{r} {g} {b}\n"));
            }
        }
    }
    let ours = transicc(path.to_str().unwrap(), &input);
    let reference = transicc("*sRGB", &input);
    assert_eq!(ours.len(), levels.len().pow(3));
    let worst = ours
        .iter()
        .zip(&reference)
        .map(|(a, b)| (0..3).map(|i| (a[i] - b[i]).powi(2)).sum::<f64>().sqrt())
        .fold(0.0, f64::max);
    eprintln!("ICC profile vs LittleCMS sRGB: worst ΔE76 {worst:.3}");
    assert!(worst < 0.5, "worst ΔE76 {worst}");
}

/// Lab of each `r g b` line through `profile` (relative colorimetric).
fn transicc(profile: &str, input: &str) -> Vec<[f64; 3]> {
    use std::io::Write;
    let mut child = Command::new("transicc")
        .args(["-t1", &format!("-i{profile}"), "-o*Lab", "-n"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("transicc (liblcms2-utils) is needed: scripts/deps.sh installs it");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let v: Vec<f64> = l
                .split_whitespace()
                .filter_map(|t| t.parse().ok())
                .collect();
            (v.len() == 3).then(|| [v[0], v[1], v[2]])
        })
        .collect()
}

/// Every font is embedded; CID fonts map CIDs to glyphs explicitly, say
/// their character collection, and state widths equal to the program's.
fn check_fonts(doc: &Document) {
    let deref = |o: &Object| -> Object {
        match o {
            Object::Reference(r) => doc.get_object(*r).unwrap().clone(),
            o => o.clone(),
        }
    };
    let mut fonts = 0;
    for obj in doc.objects.values() {
        let Ok(font) = obj.as_dict() else { continue };
        if font.get(b"Type").and_then(Object::as_name).ok() != Some(b"Font")
            || font.get(b"Subtype").unwrap().as_name().unwrap() == b"Type0"
        {
            continue;
        }
        fonts += 1;
        let subtype = font.get(b"Subtype").unwrap().as_name().unwrap();
        assert_eq!(subtype, b"CIDFontType2", "only our CID font is expected");
        let sysinfo = deref(font.get(b"CIDSystemInfo").unwrap());
        let sysinfo = sysinfo.as_dict().unwrap();
        for k in [&b"Registry"[..], b"Ordering", b"Supplement"] {
            assert!(
                sysinfo.has(k),
                "CIDSystemInfo lacks {}",
                String::from_utf8_lossy(k)
            );
        }
        let descriptor = deref(font.get(b"FontDescriptor").unwrap());
        let descriptor = descriptor.as_dict().unwrap();
        let file = deref(descriptor.get(b"FontFile2").expect("FontFile2 embedded"));
        let program = file.as_stream().unwrap().decompressed_content().unwrap();
        let advances = truetype_advances(&program);

        let map = deref(font.get(b"CIDToGIDMap").expect("CIDToGIDMap present"));
        let map = map.as_stream().unwrap().decompressed_content().unwrap();
        assert_eq!(map.len(), 2 * 65536);
        let widths = cid_widths(font, &deref);
        for cid in 0..65536usize {
            let gid = u16::from_be_bytes([map[2 * cid], map[2 * cid + 1]]) as usize;
            assert_ne!(gid, 0, "CID {cid} maps to .notdef");
            let program_width = advances[gid.min(advances.len() - 1)];
            let width = widths.get(&cid).copied().unwrap_or(widths[&usize::MAX]);
            assert!(
                (width - program_width).abs() <= 1.0,
                "CID {cid}: /W {width} vs hmtx {program_width}"
            );
        }
    }
    assert_eq!(fonts, 1, "the text layer's font");
}

/// /W entries by CID, and /DW under `usize::MAX`.
fn cid_widths(font: &lopdf::Dictionary, deref: &dyn Fn(&Object) -> Object) -> BTreeMap<usize, f64> {
    let mut m = BTreeMap::new();
    let dw = font
        .get(b"DW")
        .map_or(1000.0, |o| o.as_float().unwrap() as f64);
    m.insert(usize::MAX, dw);
    if let Ok(w) = font.get(b"W") {
        let w = deref(w);
        let w = w.as_array().unwrap();
        let mut i = 0;
        while i < w.len() {
            let first = w[i].as_i64().unwrap() as usize;
            if let Ok(list) = w[i + 1].as_array() {
                for (k, v) in list.iter().enumerate() {
                    m.insert(first + k, v.as_float().unwrap() as f64);
                }
                i += 2;
            } else {
                let last = w[i + 1].as_i64().unwrap() as usize;
                for c in first..=last {
                    m.insert(c, w[i + 2].as_float().unwrap() as f64);
                }
                i += 3;
            }
        }
    }
    m
}

/// Advance width of every glyph in 1/1000 em, from `head` and `hmtx`.
fn truetype_advances(font: &[u8]) -> Vec<f64> {
    let u16_at = |at: usize| u16::from_be_bytes([font[at], font[at + 1]]) as usize;
    let u32_at = |at: usize| u32::from_be_bytes(font[at..at + 4].try_into().unwrap()) as usize;
    let table = |tag: &[u8]| {
        (0..u16_at(4))
            .map(|i| 12 + 16 * i)
            .find(|&r| &font[r..r + 4] == tag)
            .map_or_else(
                || panic!("no {} table", String::from_utf8_lossy(tag)),
                |r| u32_at(r + 8),
            )
    };
    let units = u16_at(table(b"head") + 18) as f64;
    let metrics = u16_at(table(b"hhea") + 34);
    let glyphs = u16_at(table(b"maxp") + 4);
    let hmtx = table(b"hmtx");
    (0..glyphs)
        .map(|g| u16_at(hmtx + 4 * g.min(metrics - 1)) as f64 * 1000.0 / units)
        .collect()
}

/// No transparency (soft masks, transparency groups, constant alpha below
/// 1), no LZW, no JavaScript or automatic actions, no interpolated images,
/// and images only in DeviceGray/DeviceRGB, which the sRGB intent covers.
fn check_no_forbidden_features(doc: &Document) {
    fn walk(o: &Object, found: &mut Vec<String>, spaces: &mut Vec<Vec<u8>>) {
        let dict = match o {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            Object::Array(a) => {
                a.iter().for_each(|o| walk(o, found, spaces));
                return;
            }
            _ => return,
        };
        for (k, v) in dict {
            let key = String::from_utf8_lossy(k).into_owned();
            match k.as_slice() {
                b"SMask" | b"JS" | b"JavaScript" | b"AA" => found.push(key),
                b"CA" | b"ca" if v.as_float().unwrap_or(1.0) < 1.0 => found.push(key),
                b"S" if matches!(v.as_name(), Ok(b"Transparency" | b"JavaScript")) => {
                    found.push(format!("S {v:?}"));
                }
                b"Interpolate" if v.as_bool().unwrap_or(false) => found.push(key),
                b"Filter" if format!("{v:?}").contains("LZW") => found.push(key),
                _ => {}
            }
            walk(v, found, spaces);
        }
        // Stencil masks (`/ImageMask true`, the colour layers' mask) have
        // no colour space of their own: the fill colour paints them.
        let stencil = dict
            .get(b"ImageMask")
            .and_then(Object::as_bool)
            .unwrap_or(false);
        if dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image") && !stencil {
            spaces.push(dict.get(b"ColorSpace").unwrap().as_name().unwrap().to_vec());
        }
    }
    let (mut found, mut spaces) = (Vec::new(), Vec::new());
    for o in doc.objects.values() {
        walk(o, &mut found, &mut spaces);
    }
    assert!(found.is_empty(), "forbidden in PDF/A: {found:?}");
    for s in &spaces {
        assert!(
            s == b"DeviceGray" || s == b"DeviceRGB",
            "{}",
            String::from_utf8_lossy(s)
        );
    }
    assert!(
        spaces.iter().any(|s| s == b"DeviceRGB"),
        "the photo should be a colour image: {spaces:?}"
    );
}
