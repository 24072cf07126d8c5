//! An sRGB ICC profile (version 2.1, display class, matrix/TRC) for the
//! PDF/A output intent.
//!
//! PDF/A needs the colour meaning of DeviceRGB/DeviceGray pinned by an
//! embedded ICC profile. No small, well-kept crate hands out sRGB profile
//! bytes under a licence we can ship (colour-management crates build v4
//! profiles or bind a C library), and a matrix/TRC profile is a few fixed
//! tables from the ICC.1:2001-04 specification, so it is built here. The
//! colorants are computed, not copied: the IEC 61966-2-1 primaries and D65
//! white, adapted to the ICC's D50 connection space with the Bradford
//! transform, the same derivation colour-management engines use. Version 2
//! (not 4) because every PDF/A validator and old reader understands it.

/// `OutputConditionIdentifier` and `Info` of the output intent.
pub const NAME: &str = "sRGB IEC61966-2.1";

/// The ICC connection space white, D50 (ICC.1 7.2.16), as the spec encodes it.
const D50: [f64; 3] = [0.9642, 1.0, 0.8249];
/// sRGB white (D65) and primaries as CIE xy chromaticities (IEC 61966-2-1).
const D65_XY: [f64; 2] = [0.3127, 0.3290];
const PRIMARIES_XY: [[f64; 2]; 3] = [[0.64, 0.33], [0.30, 0.60], [0.15, 0.06]];
/// Entries of the sampled tone curve (ICC v2 has no parametric curves):
/// one per 8-bit code, so every value our 8-bit images hold maps exactly,
/// in 512 bytes instead of the 2 KB of the usual 1024-entry table.
const TRC_POINTS: usize = 256;
/// Fixed creation date in the header, so the profile never changes.
const DATE: [u16; 6] = [2025, 1, 1, 0, 0, 0];

/// The profile's bytes.
pub fn srgb() -> Vec<u8> {
    let [r, g, b] = colorants();
    let trc = curve();
    // (signature, tag data); equal data is stored once and shared.
    let tags: [(&[u8; 4], Vec<u8>); 9] = [
        (b"desc", text_description(NAME)),
        (b"cprt", text(b"No copyright, use freely")),
        (b"wtpt", xyz(xy_to_xyz(D65_XY))),
        (b"rXYZ", xyz(r)),
        (b"gXYZ", xyz(g)),
        (b"bXYZ", xyz(b)),
        (b"rTRC", trc.clone()),
        (b"gTRC", trc.clone()),
        (b"bTRC", trc),
    ];

    let mut table = (tags.len() as u32).to_be_bytes().to_vec();
    let mut data: Vec<u8> = Vec::new();
    let data_start = 128 + 4 + 12 * tags.len();
    let mut stored: Vec<(&Vec<u8>, u32)> = Vec::new();
    for (sig, body) in &tags {
        let offset = if let Some(&(_, off)) = stored.iter().find(|(b, _)| *b == body) {
            off
        } else {
            let off = (data_start + data.len()) as u32;
            data.extend(body);
            data.resize(data.len().div_ceil(4) * 4, 0);
            stored.push((body, off));
            off
        };
        table.extend(*sig);
        table.extend(offset.to_be_bytes());
        table.extend((body.len() as u32).to_be_bytes());
    }

    let size = (128 + table.len() + data.len()) as u32;
    let mut out = Vec::with_capacity(size as usize);
    out.extend(size.to_be_bytes());
    out.extend([0; 4]); // preferred CMM: none
    out.extend([0x02, 0x10, 0, 0]); // version 2.1.0
    out.extend(b"mntr"); // display device
    out.extend(b"RGB ");
    out.extend(b"XYZ "); // connection space
    for v in DATE {
        out.extend(v.to_be_bytes());
    }
    out.extend(b"acsp");
    out.extend([0; 4]); // primary platform: none
    out.extend([0; 4]); // flags: not embedded-only, independent
    out.extend([0; 8]); // device manufacturer, model
    out.extend([0; 8]); // device attributes
    out.extend(0u32.to_be_bytes()); // rendering intent: perceptual
    for v in D50 {
        out.extend(s15f16(v));
    }
    out.extend([0; 4]); // creator
    out.resize(128, 0); // profile ID (v4 only) and reserved bytes
    out.extend(table);
    out.extend(data);
    debug_assert_eq!(out.len(), size as usize);
    out
}

/// The red, green and blue colorants (XYZ of each primary at full
/// intensity), adapted from D65 to D50 with the Bradford transform.
fn colorants() -> [[f64; 3]; 3] {
    // Columns of the RGB → XYZ matrix: each primary scaled so the three
    // add up to the white point.
    let p = PRIMARIES_XY.map(xy_to_xyz);
    let m = [
        [p[0][0], p[1][0], p[2][0]],
        [p[0][1], p[1][1], p[2][1]],
        [p[0][2], p[1][2], p[2][2]],
    ];
    let s = mul_vec(&invert(&m), xy_to_xyz(D65_XY));
    // Bradford cone response matrix (Lam 1985).
    let bradford = [
        [0.8951, 0.2664, -0.1614],
        [-0.7502, 1.7135, 0.0367],
        [0.0389, -0.0685, 1.0296],
    ];
    let src = mul_vec(&bradford, xy_to_xyz(D65_XY));
    let dst = mul_vec(&bradford, D50);
    let scale = [
        [dst[0] / src[0], 0.0, 0.0],
        [0.0, dst[1] / src[1], 0.0],
        [0.0, 0.0, dst[2] / src[2]],
    ];
    let adapt = mul(&invert(&bradford), &mul(&scale, &bradford));
    [0, 1, 2].map(|i| mul_vec(&adapt, p[i].map(|c| c * s[i])))
}

/// The sRGB tone curve (IEC 61966-2-1), sampled evenly.
fn curve() -> Vec<u8> {
    let mut c = b"curv".to_vec();
    c.extend([0; 4]);
    c.extend((TRC_POINTS as u32).to_be_bytes());
    for i in 0..TRC_POINTS {
        let v = i as f64 / (TRC_POINTS - 1) as f64;
        let linear = if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        };
        c.extend(((linear * 65535.0).round() as u16).to_be_bytes());
    }
    c
}

/// `textDescriptionType` (v2): ASCII, then empty Unicode and ScriptCode parts.
fn text_description(s: &str) -> Vec<u8> {
    let mut d = b"desc".to_vec();
    d.extend([0; 4]);
    d.extend((s.len() as u32 + 1).to_be_bytes());
    d.extend(s.as_bytes());
    d.push(0);
    d.extend([0; 8]); // Unicode language code and count
    d.extend([0; 3]); // ScriptCode code and count
    d.extend([0; 67]); // ScriptCode string
    d
}

/// `textType`: null-terminated ASCII.
fn text(s: &[u8]) -> Vec<u8> {
    let mut t = b"text".to_vec();
    t.extend([0; 4]);
    t.extend(s);
    t.push(0);
    t
}

/// `XYZType` with one value.
fn xyz(v: [f64; 3]) -> Vec<u8> {
    let mut x = b"XYZ ".to_vec();
    x.extend([0; 4]);
    for c in v {
        x.extend(s15f16(c));
    }
    x
}

/// ICC's signed 15.16 fixed-point number.
fn s15f16(v: f64) -> [u8; 4] {
    ((v * 65536.0).round() as i32).to_be_bytes()
}

/// XYZ (Y = 1) of a chromaticity.
fn xy_to_xyz([x, y]: [f64; 2]) -> [f64; 3] {
    [x / y, 1.0, (1.0 - x - y) / y]
}

type M3 = [[f64; 3]; 3];

fn mul(a: &M3, b: &M3) -> M3 {
    let mut r = [[0.0; 3]; 3];
    for (i, row) in r.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    r
}

fn mul_vec(a: &M3, v: [f64; 3]) -> [f64; 3] {
    a.map(|row| row[0] * v[0] + row[1] * v[1] + row[2] * v[2])
}

/// Inverse by cofactors; the matrices here are well conditioned.
fn invert(m: &M3) -> M3 {
    let c = |r: usize, k: usize| {
        let (r1, r2) = ((r + 1) % 3, (r + 2) % 3);
        let (k1, k2) = ((k + 1) % 3, (k + 2) % 3);
        m[r1][k1] * m[r2][k2] - m[r1][k2] * m[r2][k1]
    };
    let det = (0..3).map(|k| m[0][k] * c(0, k)).sum::<f64>();
    let mut inv = [[0.0; 3]; 3];
    for (i, row) in inv.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = c(j, i) / det;
        }
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(p: &[u8], at: usize) -> u32 {
        u32::from_be_bytes(p[at..at + 4].try_into().unwrap())
    }

    fn s15f16_at(p: &[u8], at: usize) -> f64 {
        i32::from_be_bytes(p[at..at + 4].try_into().unwrap()) as f64 / 65536.0
    }

    /// (signature, offset, size) of every tag.
    fn tag_table(p: &[u8]) -> Vec<([u8; 4], usize, usize)> {
        (0..u32_at(p, 128) as usize)
            .map(|i| {
                let at = 132 + 12 * i;
                (
                    p[at..at + 4].try_into().unwrap(),
                    u32_at(p, at + 4) as usize,
                    u32_at(p, at + 8) as usize,
                )
            })
            .collect()
    }

    fn tag<'a>(p: &'a [u8], sig: &[u8; 4]) -> &'a [u8] {
        let (_, off, len) = tag_table(p)
            .into_iter()
            .find(|(s, _, _)| s == sig)
            .unwrap_or_else(|| panic!("no {} tag", String::from_utf8_lossy(sig)));
        &p[off..off + len]
    }

    #[test]
    fn header_names_a_v2_rgb_display_profile_of_its_own_size() {
        let p = srgb();
        assert_eq!(u32_at(&p, 0) as usize, p.len());
        assert_eq!(p[8], 2, "major version");
        assert_eq!(&p[12..16], b"mntr");
        assert_eq!(&p[16..20], b"RGB ");
        assert_eq!(&p[20..24], b"XYZ ");
        assert_eq!(&p[36..40], b"acsp");
        let illuminant = [68, 72, 76].map(|at| s15f16_at(&p, at));
        for (got, want) in illuminant.iter().zip(D50) {
            assert!((got - want).abs() < 1e-4, "{illuminant:?}");
        }
        assert!(
            p[100..128].iter().all(|&b| b == 0),
            "reserved bytes are zero"
        );
    }

    #[test]
    fn tags_are_complete_aligned_and_inside_the_profile() {
        let p = srgb();
        let table = tag_table(&p);
        let sigs: Vec<&[u8]> = table.iter().map(|(s, _, _)| &s[..]).collect();
        for required in [
            "desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC",
        ] {
            assert!(sigs.contains(&required.as_bytes()), "{required} missing");
        }
        let table_end = 132 + 12 * table.len();
        for (sig, off, len) in &table {
            let name = String::from_utf8_lossy(sig);
            assert_eq!(off % 4, 0, "{name} at {off} is not 4-byte aligned");
            assert!(
                *off >= table_end && off + len <= p.len(),
                "{name} out of range"
            );
        }
        let types = [
            ("desc", "desc"),
            ("cprt", "text"),
            ("wtpt", "XYZ "),
            ("rXYZ", "XYZ "),
            ("rTRC", "curv"),
            ("bTRC", "curv"),
        ];
        for (sig, ty) in types {
            let t = tag(&p, sig.as_bytes().try_into().unwrap());
            assert_eq!(&t[..4], ty.as_bytes(), "type of {sig}");
        }
        let desc = tag(&p, b"desc");
        let n = u32_at(desc, 8) as usize;
        assert_eq!(&desc[12..12 + n], b"sRGB IEC61966-2.1\0");
        assert_eq!(desc.len(), 12 + n + 78);
    }

    #[test]
    fn colorants_are_the_d50_adapted_srgb_primaries() {
        let p = srgb();
        let read = |sig: &[u8; 4]| {
            let t = tag(&p, sig);
            [8, 12, 16].map(|at| s15f16_at(t, at))
        };
        // Published Bradford-adapted sRGB colorants (e.g. Lindbloom's table).
        let want = [
            (b"rXYZ", [0.4361, 0.2225, 0.0139]),
            (b"gXYZ", [0.3851, 0.7169, 0.0971]),
            (b"bXYZ", [0.1431, 0.0606, 0.7141]),
        ];
        let mut white = [0.0; 3];
        for (sig, w) in want {
            let got = read(sig);
            for c in 0..3 {
                assert!((got[c] - w[c]).abs() < 2e-4, "{got:?} vs {w:?}");
                white[c] += got[c];
            }
        }
        // Full red + green + blue is the connection-space white.
        for (got, want) in white.iter().zip(D50) {
            assert!((got - want).abs() < 2e-4, "white {white:?}");
        }
    }

    #[test]
    fn tone_curve_is_the_srgb_curve_shared_by_all_channels() {
        let p = srgb();
        let table = tag_table(&p);
        let offset = |s: &[u8; 4]| table.iter().find(|t| &t.0 == s).unwrap().1;
        assert_eq!(offset(b"rTRC"), offset(b"gTRC"));
        assert_eq!(offset(b"rTRC"), offset(b"bTRC"));
        let t = tag(&p, b"rTRC");
        let n = u32_at(t, 8) as usize;
        assert_eq!(t.len(), 12 + 2 * n);
        let v: Vec<u16> = (0..n)
            .map(|i| u16::from_be_bytes([t[12 + 2 * i], t[13 + 2 * i]]))
            .collect();
        assert_eq!((v[0], v[n - 1]), (0, 65535));
        assert!(v.windows(2).all(|w| w[0] <= w[1]), "monotone");
        // Code 128 (50.2 %) is 21.6 % linear light; code 10 is on the
        // curve's linear toe (10/255/12.92).
        assert!(
            (v[128] as f64 / 65535.0 - 0.21586).abs() < 1e-4,
            "{}",
            v[128]
        );
        assert!(
            (v[10] as f64 / 65535.0 - 0.003035).abs() < 1e-5,
            "{}",
            v[10]
        );
    }
}
