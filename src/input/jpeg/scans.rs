//! Whether a JPEG's scans hold data for the whole image.
//!
//! A file cut in the middle and re-terminated with an EOI marker (a
//! transfer that lost its middle, a tool that "repaired" a cut file) has
//! its end marker, so [`super::ending`] calls it whole; zune-jpeg then
//! decodes the missing rest as flat grey and reports nothing (its strict
//! mode does not catch this either: it reads a marker in the scan data as
//! the scan's end and pads with zero bits). So the entropy-coded data is
//! walked here with the file's own Huffman tables, without dequantising or
//! transforming anything: every block of every scan must be complete
//! before the data reaches a marker, as ITU-T T.81 requires (F.1.2,
//! G.1.2), and, for a progressive image, the scans together must bring
//! every coefficient of every component down to its last bit (G.1.1.1.1).
//! libjpeg reports the same shortage as "premature end of data segment".
//! Extraneous bytes before a marker (some cameras write them) are passed
//! over, as libjpeg does; only data the image needs and lacks counts.

/// What is wrong with a JPEG's image data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Damage {
    /// Scan `scan` (from 1) reaches a marker at byte `at` after `done` of
    /// its `total` MCUs: the data ran out.
    Short {
        scan: usize,
        done: u64,
        total: u64,
        at: usize,
    },
    /// Scan `scan` holds a code its Huffman table does not have, near byte
    /// `at`, after `done` of its `total` MCUs.
    Corrupt {
        scan: usize,
        done: u64,
        total: u64,
        at: usize,
    },
    /// The file ends (EOI at byte `at`) after `scans` scans that leave part
    /// of the image (a component, or coefficient bits of a progressive
    /// image) without data.
    Unfinished { scans: usize, at: usize },
}

impl Damage {
    /// In words, for a message naming the file.
    pub(crate) fn describe(&self) -> String {
        let pct = |done: u64, total: u64| done * 100 / total.max(1);
        match *self {
            Damage::Short {
                scan,
                done,
                total,
                at,
            } => format!(
                "truncated JPEG (its image data ends at byte {at}, {}% of the way through scan {scan})",
                pct(done, total)
            ),
            Damage::Corrupt {
                scan,
                done,
                total,
                at,
            } => format!(
                "corrupt JPEG (invalid image data near byte {at}, {}% of the way through scan {scan})",
                pct(done, total)
            ),
            Damage::Unfinished { scans, at } => format!(
                "truncated JPEG (it ends at byte {at} after {scans} scan(s), before the image is complete)"
            ),
        }
    }
}

/// A frame component (SOF).
#[derive(Clone, Copy)]
struct Component {
    id: u8,
    h: usize,
    v: usize,
}

/// A Huffman table (DHT), decoded by code length as in T.81 F.2.2.3,
/// with an 8-bit lookup for the short codes.
struct Table {
    /// Largest code of each length 1..=16 (index 0 unused), -1 when none.
    max_code: [i32; 17],
    /// `symbols` index of the first code of each length, less that code.
    offset: [i32; 17],
    symbols: Vec<u8>,
    /// For a code of at most 8 bits starting the next byte: length and
    /// symbol; length 0 when longer.
    fast: [(u8, u8); 256],
}

impl Table {
    fn parse(counts: &[u8], symbols: &[u8]) -> Option<Table> {
        let mut max_code = [-1i32; 17];
        let mut offset = [0i32; 17];
        let mut fast = [(0u8, 0u8); 256];
        let mut code = 0i32;
        let mut k = 0usize;
        for len in 1..=16 {
            let n = counts[len - 1] as i32;
            offset[len] = k as i32 - code;
            // Codes must fit their length (a table that overflows is bad).
            if code + n > (1 << len) {
                return None;
            }
            if n > 0 {
                for i in 0..n {
                    let c = code + i;
                    if len <= 8 {
                        let sym = *symbols.get(k + i as usize)?;
                        let shift = 8 - len;
                        for low in 0..(1 << shift) {
                            fast[((c << shift) | low) as usize] = (len as u8, sym);
                        }
                    }
                }
                code += n;
                k += n as usize;
                max_code[len] = code - 1;
            }
            code <<= 1;
        }
        Some(Table {
            max_code,
            offset,
            symbols: symbols.get(..k)?.to_vec(),
            fast,
        })
    }
}

/// Why a walk through scan data stopped early.
enum Stop {
    /// More bits were needed than the data holds before its next marker.
    Short,
    /// A code no table has.
    Bad,
}

/// Bits of one entropy-coded segment: stuffed bytes (FF 00) undone, and
/// the segment's end at the next marker (or the data's end).
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    n: u32,
    /// The next bytes are a marker (or there are none): no more bits.
    at_marker: bool,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8], pos: usize) -> Self {
        Bits {
            data,
            pos,
            acc: 0,
            n: 0,
            at_marker: false,
        }
    }

    fn fill(&mut self) {
        while self.n <= 56 && !self.at_marker {
            let Some(&b) = self.data.get(self.pos) else {
                self.at_marker = true;
                break;
            };
            if b == 0xFF {
                match self.data.get(self.pos + 1) {
                    Some(0x00) => self.pos += 2,
                    // Fill bytes before a marker.
                    Some(0xFF) => {
                        self.pos += 1;
                        continue;
                    }
                    _ => {
                        self.at_marker = true;
                        break;
                    }
                }
            } else {
                self.pos += 1;
            }
            self.acc = (self.acc << 8) | u64::from(b);
            self.n += 8;
        }
    }

    /// The next `k` (≤ 16) bits, zero-padded past the segment's end.
    fn peek(&mut self, k: u32) -> u32 {
        if self.n < k {
            self.fill();
        }
        let mask = (1u64 << k) - 1;
        let v = if self.n >= k {
            self.acc >> (self.n - k)
        } else {
            self.acc << (k - self.n)
        };
        (v & mask) as u32
    }

    fn consume(&mut self, k: u32) -> Result<(), Stop> {
        if k > self.n {
            return Err(Stop::Short);
        }
        self.n -= k;
        Ok(())
    }

    fn bits(&mut self, k: u32) -> Result<u32, Stop> {
        if k == 0 {
            return Ok(0);
        }
        let v = self.peek(k);
        self.consume(k)?;
        Ok(v)
    }

    fn decode(&mut self, t: &Table) -> Result<u8, Stop> {
        let (len, sym) = t.fast[self.peek(8) as usize];
        if len > 0 {
            self.consume(u32::from(len))?;
            return Ok(sym);
        }
        let word = self.peek(16) as i32;
        for len in 9..=16 {
            let code = word >> (16 - len);
            if code <= t.max_code[len] {
                self.consume(len as u32)?;
                return usize::try_from(t.offset[len] + code)
                    .ok()
                    .and_then(|k| t.symbols.get(k))
                    .copied()
                    .ok_or(Stop::Bad);
            }
        }
        // Padding past the end may be what makes the code invalid.
        if self.at_marker && self.n < 16 {
            Err(Stop::Short)
        } else {
            Err(Stop::Bad)
        }
    }

    /// Pass over what is left before the next marker (padding bits, and
    /// extraneous bytes as libjpeg tolerates them); the marker's offset.
    fn skip_to_marker(&mut self) -> usize {
        self.acc = 0;
        self.n = 0;
        while !self.at_marker {
            self.fill();
            self.n = 0;
        }
        self.pos
    }

    /// At a restart boundary: the RST marker must come next (after any
    /// extraneous bytes); anything else means the data ran out.
    fn restart(&mut self) -> Result<(), Stop> {
        let at = self.skip_to_marker();
        let mut i = at;
        while self.data.get(i) == Some(&0xFF) {
            i += 1;
        }
        match self.data.get(i) {
            Some(m) if (0xD0..=0xD7).contains(m) => {
                self.pos = i + 1;
                self.at_marker = false;
                Ok(())
            }
            _ => Err(Stop::Short),
        }
    }
}

/// One scan's header (SOS).
struct Scan {
    /// Indexes into the frame's components, with their DC and AC tables.
    comps: Vec<(usize, usize, usize)>,
    ss: usize,
    se: usize,
    ah: u8,
    al: u8,
}

/// What the frame and the scans so far say.
struct Frame {
    comps: Vec<Component>,
    width: usize,
    height: usize,
    progressive: bool,
    /// For each component and coefficient, the successive-approximation
    /// bit its scans have reached (T.81 G.1.1.1.1); -1 before any scan.
    reached: Vec<[i8; 64]>,
    /// Progressive: each block's coefficients known to be non-zero, as
    /// bits in zig-zag order, for the AC refinement scans.
    nonzero: Vec<Vec<u64>>,
}

impl Frame {
    fn hmax(&self) -> usize {
        self.comps.iter().map(|c| c.h).max().unwrap_or(1)
    }
    fn vmax(&self) -> usize {
        self.comps.iter().map(|c| c.v).max().unwrap_or(1)
    }
    /// A component's blocks across and down (T.81 A.2.1: its own samples,
    /// rounded up to whole blocks).
    fn blocks(&self, c: usize) -> (usize, usize) {
        let comp = self.comps[c];
        let w = (self.width * comp.h).div_ceil(self.hmax());
        let h = (self.height * comp.v).div_ceil(self.vmax());
        (w.div_ceil(8), h.div_ceil(8))
    }
    /// Blocks across in the component's buffer: padded to whole MCUs, as
    /// an interleaved scan covers them.
    fn stride(&self, c: usize) -> usize {
        self.width.div_ceil(8 * self.hmax()) * self.comps[c].h
    }
    fn rows(&self, c: usize) -> usize {
        self.height.div_ceil(8 * self.vmax()) * self.comps[c].v
    }
}

/// The walk's state across one scan.
struct Walk<'t> {
    dc: [Option<&'t Table>; 4],
    ac: [Option<&'t Table>; 4],
    eobrun: u32,
}

/// Check the scans of a JPEG whose markers end with EOI. `None`: the
/// image data is complete, or the file is of a kind not judged here
/// (arithmetic coding, lossless, hierarchical, height defined later by
/// DNL, more than `max_pixels`), which the decoder accepts or refuses
/// itself.
pub(crate) fn check(data: &[u8], max_pixels: u64) -> Option<Damage> {
    let mut tables: [[Option<Table>; 4]; 2] = Default::default();
    let mut frame: Option<Frame> = None;
    let mut restart = 0usize;
    let mut scans = 0usize;
    let mut i = 2usize;
    loop {
        // Next marker, passing over extraneous bytes and fill bytes.
        while *data.get(i)? != 0xFF {
            i += 1;
        }
        while *data.get(i)? == 0xFF {
            i += 1;
        }
        let marker = *data.get(i)?;
        let at = i - 1;
        i += 1;
        if marker == 0xD9 {
            return unfinished(frame.as_ref()?, scans, at);
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            continue;
        }
        let len = u16::from_be_bytes([*data.get(i)?, *data.get(i + 1)?]) as usize;
        let body = data.get(i + 2..i + len.max(2))?;
        i += len.max(2);
        match marker {
            // One frame: a second header is not judged (the decoder read
            // the first, and its size is the one checked).
            0xC0..=0xC2 if frame.is_some() => return None,
            0xC0..=0xC2 => frame = Some(parse_frame(body, marker == 0xC2, max_pixels)?),
            // Lossless, hierarchical, arithmetic: not judged here.
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            0xC4 => parse_tables(body, &mut tables)?,
            0xDD => restart = usize::from(u16::from_be_bytes([*body.first()?, *body.get(1)?])),
            0xDA => {
                let f = frame.as_mut()?;
                let scan = parse_scan(body, f)?;
                scans += 1;
                let mut walk = Walk {
                    dc: [0, 1, 2, 3].map(|k| tables[0][k].as_ref()),
                    ac: [0, 1, 2, 3].map(|k| tables[1][k].as_ref()),
                    eobrun: 0,
                };
                let mut bits = Bits::new(data, i);
                if let Err(d) = walk_scan(f, &scan, &mut walk, &mut bits, restart, scans) {
                    return Some(d);
                }
                record(f, &scan);
                i = bits.skip_to_marker();
            }
            _ => {}
        }
    }
}

/// The frame header, `None` when not judged: no size (DNL), over
/// `max_pixels` (before anything is allocated for it), or more than four
/// components (which the decoder does not read either).
fn parse_frame(b: &[u8], progressive: bool, max_pixels: u64) -> Option<Frame> {
    let height = usize::from(u16::from_be_bytes([*b.get(1)?, *b.get(2)?]));
    let width = usize::from(u16::from_be_bytes([*b.get(3)?, *b.get(4)?]));
    let n = usize::from(*b.get(5)?);
    if height == 0 || width == 0 || !(1..=4).contains(&n) {
        return None;
    }
    if (width as u64) * (height as u64) > max_pixels {
        return None;
    }
    let mut comps = Vec::with_capacity(n);
    for k in 0..n {
        let c = b.get(6 + 3 * k..9 + 3 * k)?;
        let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
            return None;
        }
        comps.push(Component { id: c[0], h, v });
    }
    let mut f = Frame {
        reached: vec![[-1; 64]; n],
        nonzero: Vec::new(),
        comps,
        width,
        height,
        progressive,
    };
    if progressive {
        f.nonzero = (0..n).map(|c| vec![0; f.stride(c) * f.rows(c)]).collect();
    }
    Some(f)
}

fn parse_tables(mut b: &[u8], tables: &mut [[Option<Table>; 4]; 2]) -> Option<()> {
    while !b.is_empty() {
        let (class, id) = (usize::from(b[0] >> 4), usize::from(b[0] & 15));
        let counts = b.get(1..17)?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let symbols = b.get(17..17 + total)?;
        *tables.get_mut(class)?.get_mut(id)? = Some(Table::parse(counts, symbols)?);
        b = &b[17 + total..];
    }
    Some(())
}

fn parse_scan(b: &[u8], f: &Frame) -> Option<Scan> {
    let n = usize::from(*b.first()?);
    let mut comps = Vec::with_capacity(n);
    for k in 0..n {
        let s = b.get(1 + 2 * k..3 + 2 * k)?;
        let c = f.comps.iter().position(|c| c.id == s[0])?;
        comps.push((c, usize::from(s[1] >> 4) & 3, usize::from(s[1] & 15) & 3));
    }
    let tail = b.get(1 + 2 * n..4 + 2 * n)?;
    let (ss, se) = (usize::from(tail[0]), usize::from(tail[1]));
    if comps.is_empty() || ss > 63 || se > 63 || ss > se {
        return None;
    }
    // Progressive scans are DC only, or AC of one component (G.1.1.1.1);
    // other shapes are the decoder's to refuse.
    if f.progressive && ((ss == 0 && se != 0) || (ss > 0 && n != 1)) {
        return None;
    }
    Some(Scan {
        comps,
        ss: if f.progressive { ss } else { 0 },
        se: if f.progressive { se } else { 63 },
        ah: if f.progressive { tail[2] >> 4 } else { 0 },
        al: if f.progressive { tail[2] & 15 } else { 0 },
    })
}

/// Note which coefficients this scan brought to which bit.
fn record(f: &mut Frame, s: &Scan) {
    for &(c, _, _) in &s.comps {
        for k in s.ss..=s.se {
            f.reached[c][k] = s.al as i8;
        }
    }
}

/// After EOI: every component's every coefficient down to bit 0.
fn unfinished(f: &Frame, scans: usize, at: usize) -> Option<Damage> {
    let complete = f.reached.iter().all(|r| r.iter().all(|&b| b == 0));
    (!complete).then_some(Damage::Unfinished { scans, at })
}

/// Walk one scan's blocks in order (T.81 A.2.2 non-interleaved, A.2.3
/// interleaved), a restart marker after every `restart` MCUs.
fn walk_scan(
    f: &mut Frame,
    s: &Scan,
    w: &mut Walk<'_>,
    bits: &mut Bits<'_>,
    restart: usize,
    scan: usize,
) -> Result<(), Damage> {
    // Each MCU: (component, block x, block y) for every block in it.
    let (mcus_x, mcus_y, single) = if s.comps.len() == 1 {
        let (bx, by) = f.blocks(s.comps[0].0);
        (bx, by, true)
    } else {
        (
            f.width.div_ceil(8 * f.hmax()),
            f.height.div_ceil(8 * f.vmax()),
            false,
        )
    };
    let total = (mcus_x * mcus_y) as u64;
    let mut done = 0u64;
    let damage = |stop: Stop, done: u64, at: usize| match stop {
        Stop::Short => Damage::Short {
            scan,
            done,
            total,
            at,
        },
        Stop::Bad => Damage::Corrupt {
            scan,
            done,
            total,
            at,
        },
    };
    for my in 0..mcus_y {
        for mx in 0..mcus_x {
            if restart > 0 && done > 0 && done.is_multiple_of(restart as u64) {
                w.eobrun = 0;
                bits.restart().map_err(|e| damage(e, done, bits.pos))?;
            }
            let result = if single {
                let (c, dc, ac) = s.comps[0];
                block(f, s, w, bits, (c, dc, ac), mx, my)
            } else {
                s.comps.iter().try_for_each(|&(c, dc, ac)| {
                    let comp = f.comps[c];
                    for v in 0..comp.v {
                        for h in 0..comp.h {
                            block(f, s, w, bits, (c, dc, ac), mx * comp.h + h, my * comp.v + v)?;
                        }
                    }
                    Ok(())
                })
            };
            result.map_err(|e| damage(e, done, bits.pos))?;
            done += 1;
        }
    }
    Ok(())
}

/// One block's codes: sequential (F.2.2), or one progressive pass over it
/// (G.1.2.1 DC, G.1.2.2 AC first, G.1.2.3 AC refinement).
fn block(
    f: &mut Frame,
    s: &Scan,
    w: &mut Walk<'_>,
    bits: &mut Bits<'_>,
    (c, dc, ac): (usize, usize, usize),
    bx: usize,
    by: usize,
) -> Result<(), Stop> {
    let index = by * f.stride(c) + bx;
    if s.ss == 0 {
        if s.ah == 0 {
            let t = w.dc[dc].ok_or(Stop::Bad)?;
            let size = bits.decode(t)?;
            if size > 16 {
                return Err(Stop::Bad);
            }
            bits.bits(u32::from(size))?;
        } else {
            bits.bits(1)?;
        }
        if f.progressive {
            return Ok(());
        }
        // Sequential: the AC coefficients follow in the same block.
        return ac_first(bits, w.ac[ac].ok_or(Stop::Bad)?, 1, 63, &mut 0, None);
    }
    let t = w.ac[ac].ok_or(Stop::Bad)?;
    let nz = f.nonzero.get_mut(c).and_then(|v| v.get_mut(index));
    let Some(nz) = nz else {
        return Err(Stop::Bad);
    };
    if s.ah == 0 {
        ac_first(bits, t, s.ss, s.se, &mut w.eobrun, Some(nz))
    } else {
        ac_refine(bits, t, s.ss, s.se, &mut w.eobrun, nz)
    }
}

/// AC coefficients `ss..=se` coded as run/size pairs, with end-of-band
/// runs in progressive scans; marks the non-zero ones.
fn ac_first(
    bits: &mut Bits<'_>,
    t: &Table,
    ss: usize,
    se: usize,
    eobrun: &mut u32,
    mut nonzero: Option<&mut u64>,
) -> Result<(), Stop> {
    if *eobrun > 0 {
        *eobrun -= 1;
        return Ok(());
    }
    let mut k = ss;
    while k <= se {
        let rs = bits.decode(t)?;
        let (r, size) = (u32::from(rs >> 4), u32::from(rs & 15));
        if size == 0 {
            if r == 15 {
                k += 16;
                continue;
            }
            if nonzero.is_some() {
                // EOBr: this band and the next 2^r - 1 + bits blocks'.
                *eobrun = (1 << r) - 1 + bits.bits(r)?;
            }
            return Ok(());
        }
        k += r as usize;
        bits.bits(size)?;
        if let Some(nz) = nonzero.as_deref_mut()
            && k < 64
        {
            *nz |= 1 << k;
        }
        k += 1;
    }
    Ok(())
}

/// AC refinement (G.1.2.3): a correction bit for every coefficient already
/// non-zero, new coefficients of magnitude one placed among the zeros.
fn ac_refine(
    bits: &mut Bits<'_>,
    t: &Table,
    ss: usize,
    se: usize,
    eobrun: &mut u32,
    nz: &mut u64,
) -> Result<(), Stop> {
    let mut k = ss;
    if *eobrun == 0 {
        while k <= se {
            let rs = bits.decode(t)?;
            let (mut r, size) = (i32::from(rs >> 4), rs & 15);
            if size != 0 {
                bits.bits(1)?;
            } else if r != 15 {
                *eobrun = (1 << r) + bits.bits(r as u32)?;
                break;
            }
            // Skip `r` zero coefficients, correcting the non-zero ones
            // passed on the way.
            while k <= se {
                if *nz & (1 << k) != 0 {
                    bits.bits(1)?;
                } else {
                    if r == 0 {
                        break;
                    }
                    r -= 1;
                }
                k += 1;
            }
            if size != 0 && k <= se {
                *nz |= 1 << k;
            }
            k += 1;
        }
    }
    if *eobrun > 0 {
        while k <= se {
            if *nz & (1 << k) != 0 {
                bits.bits(1)?;
            }
            k += 1;
        }
        *eobrun -= 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libjpeg's (cjpeg 2.1.5) files, kept small: progressive with
    /// successive approximation (refinement scans), 4:2:0, 4:2:2 with a
    /// restart marker every MCU row, grey; baseline 4:2:0 with optimised
    /// tables and restarts.
    const FIXTURES: [(&str, &[u8]); 4] = [
        (
            "progressive-420",
            include_bytes!("../../../tests/data/jpeg/progressive-420.jpg"),
        ),
        (
            "progressive-422-restart",
            include_bytes!("../../../tests/data/jpeg/progressive-422-restart.jpg"),
        ),
        (
            "progressive-grey",
            include_bytes!("../../../tests/data/jpeg/progressive-grey.jpg"),
        ),
        (
            "baseline-420-restart",
            include_bytes!("../../../tests/data/jpeg/baseline-420-restart.jpg"),
        ),
    ];

    fn check_all(data: &[u8]) -> Option<Damage> {
        check(data, u64::MAX)
    }

    fn picture(w: u32, h: u32) -> image::RgbImage {
        image::RgbImage::from_fn(w, h, |x, y| {
            let ink = (x / 5 + y / 7) % 3 == 0;
            let v = if ink { 20 } else { (x * 7 + y * 3) as u8 };
            image::Rgb([v, v.wrapping_mul(3), ((x * y) % 251) as u8])
        })
    }

    /// Files from the two Rust encoders the tests use, in the shapes
    /// scanners write: baseline and progressive (spectral selection),
    /// grey, RGB and CMYK, 4:4:4, 4:2:0 and 4:2:2, with and without
    /// restart markers and optimised tables.
    fn encoded() -> Vec<(String, Vec<u8>)> {
        use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
        let img = picture(61, 45);
        let grey: Vec<u8> = img.pixels().map(|p| p[0]).collect();
        let cmyk: Vec<u8> = img
            .pixels()
            .flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], p[0] / 3])
            .collect();
        let mut out = Vec::new();
        let mut baseline = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut baseline, 90)
            .encode_image(&img)
            .unwrap();
        out.push(("image baseline".to_string(), baseline));
        for progressive in [false, true] {
            for (sampling, name) in [
                (SamplingFactor::R_4_4_4, "444"),
                (SamplingFactor::R_4_2_0, "420"),
                (SamplingFactor::R_4_2_2, "422"),
            ] {
                // jpeg-encoder 0.7.1's progressive files with restart
                // markers lack data at some restart boundaries (libjpeg:
                // "premature end of data segment"; so does this check), so
                // restarts are tried on baseline files only; the libjpeg
                // fixtures cover progressive ones.
                for restart in [0u16, 3].into_iter().filter(|&r| !progressive || r == 0) {
                    for (colour, data, cname) in [
                        (ColorType::Rgb, img.as_raw().clone(), "rgb"),
                        (ColorType::Luma, grey.clone(), "grey"),
                        (ColorType::Cmyk, cmyk.clone(), "cmyk"),
                    ] {
                        let mut v = Vec::new();
                        let mut e = Encoder::new(&mut v, 85);
                        e.set_progressive(progressive);
                        e.set_sampling_factor(sampling);
                        e.set_restart_interval(restart);
                        e.set_optimized_huffman_tables(restart > 0);
                        e.encode(&data, 61, 45, colour).unwrap();
                        let label = format!(
                            "{} {name} {cname} restart {restart}",
                            if progressive {
                                "progressive"
                            } else {
                                "baseline"
                            }
                        );
                        out.push((label, v));
                    }
                }
            }
        }
        out
    }

    fn all() -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = FIXTURES
            .iter()
            .map(|(n, d)| ((*n).to_string(), d.to_vec()))
            .collect();
        v.extend(encoded());
        v
    }

    /// Where the first scan's data starts.
    fn first_scan_data(d: &[u8]) -> usize {
        let sos = d.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        sos + 2 + usize::from(u16::from_be_bytes([d[sos + 2], d[sos + 3]]))
    }

    #[test]
    fn whole_files_are_whole() {
        for (name, d) in all() {
            assert_eq!(check_all(&d), None, "{name}");
            // Extraneous bytes before EOI (some cameras) do not count.
            let mut padded = d[..d.len() - 2].to_vec();
            padded.extend([0x00, 0x12, 0xFF, 0xD9]);
            assert_eq!(check_all(&padded), None, "{name} with trailing bytes");
        }
    }

    /// Any byte of a file changed to 00, FF or 5A: no panic, whatever the
    /// check makes of it (hostile tables, sizes, selectors, markers).
    #[test]
    fn damaged_files_never_panic() {
        for (_, d) in FIXTURES {
            for i in 2..d.len() {
                for v in [0x00, 0xFF, 0x5A] {
                    let mut m = d.to_vec();
                    m[i] = v;
                    let _ = check_all(&m);
                }
            }
        }
        // Three one-bit codes cannot exist.
        let mut counts = [0u8; 16];
        counts[0] = 3;
        assert!(Table::parse(&counts, &[1, 2, 3]).is_none());
    }

    /// A frame over the pixel limit is left to the size check.
    #[test]
    fn frames_over_the_limit_are_not_walked() {
        let d = FIXTURES[3].1;
        let n = first_scan_data(d) + 100;
        let cut = [&d[..n], &[0xFF, 0xD9][..]].concat();
        assert!(check(&cut, 75 * 53).is_some());
        assert_eq!(check(&cut, 75 * 53 - 1), None);
    }

    /// Cut anywhere from the first scan's data on and re-terminated with
    /// EOI: short, or (a progressive file cut between scans) unfinished.
    #[test]
    fn every_cut_through_the_scans_is_found() {
        for (name, d) in all() {
            let eoi = d.len() - 2;
            for n in first_scan_data(&d)..eoi {
                let mut cut = d[..n].to_vec();
                cut.extend([0xFF, 0xD9]);
                // A cut inside a segment between scans leaves the markers
                // without their end: `ending`'s to find.
                let found = super::super::ending(&cut) != super::super::Ending::Complete
                    || check_all(&cut).is_some();
                assert!(found, "{name} cut at {n} of {}", d.len());
            }
        }
    }

    #[test]
    fn damage_is_named() {
        let d = FIXTURES[3].1;
        let n = first_scan_data(d) + (d.len() - first_scan_data(d)) / 2;
        let mut cut = d[..n].to_vec();
        cut.extend([0xFF, 0xD9]);
        let Some(Damage::Short {
            scan: 1,
            done,
            total,
            ..
        }) = check_all(&cut)
        else {
            panic!("{:?}", check_all(&cut));
        };
        assert!(done > 0 && done < total, "{done} of {total}");
        let said = check_all(&cut).unwrap().describe();
        assert!(
            said.starts_with("truncated JPEG (its image data ends at byte "),
            "{said}"
        );
        // A progressive file cut after its first scan.
        let p = FIXTURES[0].1;
        let second = p
            .windows(2)
            .enumerate()
            .filter(|(_, w)| *w == [0xFF, 0xDA])
            .nth(1)
            .unwrap()
            .0;
        let mut cut = p[..second].to_vec();
        cut.extend([0xFF, 0xD9]);
        assert!(
            matches!(check_all(&cut), Some(Damage::Unfinished { scans: 1, .. })),
            "{:?}",
            check_all(&cut)
        );
    }
}
