//! What a page draws: a small content-stream interpreter that tracks just
//! enough graphics state (transformation, fill colour, text render mode) to
//! tell a scanned page (one image, perhaps an invisible text layer) from a
//! born-digital one, and where its image lands on the page.
//!
//! No crate interprets content streams at this level; lopdf tokenises them
//! (`Content::decode_iter`) and this module follows the operators.

use super::space::{Fill, components};
use super::{Matrix, Rect, resolve};
use lopdf::{Dictionary, Document, Object, ObjectId, content::Content};

/// Content streams and forms larger than this are not analysed (the page is
/// rendered instead); real pages are far smaller.
const MAX_CONTENT_BYTES: usize = 64 << 20;
/// Operators interpreted per page at most, against hostile loops of forms.
const MAX_OPERATIONS: usize = 2_000_000;
/// Nesting of form XObjects followed at most (forms may refer to themselves).
const MAX_FORM_DEPTH: u8 = 8;
/// Graphics-state stack depth kept at most (`q` beyond it is ignored).
const MAX_STACK: usize = 256;
/// Text boxes kept per page at most.
const MAX_TEXT_BOXES: usize = 100_000;

/// How far a text-showing operator moves along the line, in text space
/// units: glyphs at the font's mean advance, plus `TJ`'s adjustments.
fn show_advance(operands: &[Object], text: &TextState) -> f32 {
    let (advance, bytes) = text
        .font
        .map_or((500.0, 1), |f| (f.advance, f.code_bytes.max(1)));
    let glyphs = |s: &[u8]| (s.len() / bytes) as f32 * advance;
    let thousandths: f32 = operands
        .iter()
        .map(|o| match o {
            Object::String(s, _) => glyphs(s),
            Object::Array(items) => items
                .iter()
                .map(|i| match i {
                    Object::String(s, _) => glyphs(s),
                    other => -other.as_float().unwrap_or(0.0),
                })
                .sum(),
            _ => 0.0,
        })
        .sum();
    thousandths / 1000.0 * text.size * text.scale
}

/// A colour space as far as fill colours need it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Space {
    Gray,
    Rgb,
    Cmyk,
    Other,
}

/// An image XObject as drawn: which object, with what transformation
/// (image space to default user space) and, for image masks, which colour.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    pub id: ObjectId,
    pub ctm: Matrix,
    pub fill: Fill,
    /// Position in drawing order among the page's marks.
    pub seq: usize,
}

/// Everything on a page that decides how it is read.
#[derive(Debug, Default)]
pub(super) struct Survey {
    /// Image XObjects in drawing order.
    pub images: Vec<Placed>,
    /// Inline images (`BI … EI`), paths painted, shadings, PostScript forms.
    pub other_marks: usize,
    /// Drawing-order positions of text shown in a visible render mode.
    pub visible_text: Vec<usize>,
    /// Text shown invisibly (render mode 3 or 7): an earlier OCR layer.
    pub invisible_text: usize,
    /// Where visible text lies (default user space), approximated from the
    /// fonts' widths: OCR words over it are the page's own text again.
    pub text_boxes: Vec<Rect>,
    /// Visible text shown in a font with no way to Unicode (no
    /// `/ToUnicode`, and glyph ids or a Type 3 font): it copies as junk.
    pub unmapped_text: usize,
    /// Objects the page draws that are not in the file (a damaged or cut
    /// file): its content streams, images or forms.
    pub missing: usize,
    /// False when something could not be followed (damaged stream, limits):
    /// the page is then rendered rather than trusted to be a plain scan.
    pub complete: bool,
}

#[derive(Debug, Clone, Copy)]
struct State {
    ctm: Matrix,
    fill: Fill,
    space: Space,
    text_mode: i64,
    text: TextState,
}

impl State {
    /// The graphics state a page starts with.
    fn start() -> State {
        State {
            ctm: Matrix::IDENTITY,
            fill: Fill::Gray(0.0),
            space: Space::Gray,
            text_mode: 0,
            text: TextState {
                font: None,
                size: 0.0,
                scale: 1.0,
                leading: 0.0,
            },
        }
    }
}

/// The text state (PDF 32000-1 §9.3) as far as placing text needs it.
#[derive(Debug, Clone, Copy)]
struct TextState {
    font: Option<FontInfo>,
    size: f32,
    /// Horizontal scaling (`Tz`) as a factor.
    scale: f32,
    leading: f32,
}

/// What a font says about where its glyphs end and whether they map to
/// Unicode.
#[derive(Debug, Clone, Copy)]
struct FontInfo {
    /// Mean glyph advance, in thousandths of the font size.
    advance: f32,
    /// Bytes per character code (2 for Identity-encoded CID fonts).
    code_bytes: usize,
    unmapped: bool,
}

/// Interpret a page's content streams (and the forms they draw).
pub(super) fn survey(doc: &Document, page: ObjectId, resources: Option<&Dictionary>) -> Survey {
    let mut w = Walker::new(doc);
    w.survey.missing = doc
        .get_dictionary(page)
        .ok()
        .and_then(|p| p.get(b"Contents").ok())
        .map_or(0, |c| match c {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(Object::Array(a)) => a.iter().filter(|o| is_missing(doc, o)).count(),
                Ok(_) => 0,
                Err(_) => 1,
            },
            Object::Array(a) => a.iter().filter(|o| is_missing(doc, o)).count(),
            _ => 0,
        });
    match doc.get_page_content_with_limit(page, MAX_CONTENT_BYTES) {
        Ok(content) => {
            w.walk(&content, resources, State::start(), 0);
        }
        Err(_) => w.survey.complete = false,
    }
    w.survey
}

struct Walker<'a> {
    doc: &'a Document,
    ops_left: usize,
    seq: usize,
    survey: Survey,
}

impl<'a> Walker<'a> {
    /// A walker with its operation budget, having seen nothing yet.
    fn new(doc: &'a Document) -> Self {
        Walker {
            doc,
            ops_left: MAX_OPERATIONS,
            seq: 0,
            survey: Survey {
                complete: true,
                ..Survey::default()
            },
        }
    }

    fn walk(&mut self, content: &[u8], resources: Option<&Dictionary>, start: State, depth: u8) {
        let mut stack: Vec<State> = Vec::new();
        let mut st = start;
        // The text and text-line matrices (not part of the graphics state).
        let (mut tm, mut tlm) = (Matrix::IDENTITY, Matrix::IDENTITY);
        for op in Content::decode_iter(content) {
            let Ok(op) = op else {
                self.survey.complete = false;
                return;
            };
            if self.ops_left == 0 {
                self.survey.complete = false;
                return;
            }
            self.ops_left -= 1;
            let nums: Vec<f32> = op
                .operands
                .iter()
                .filter_map(|o| o.as_float().ok())
                .collect();
            match op.operator.as_str() {
                "q" if stack.len() < MAX_STACK => stack.push(st),
                "Q" => st = stack.pop().unwrap_or(st),
                "cm" if nums.len() == 6 => {
                    let m = Matrix([nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]]);
                    st.ctm = m.then(&st.ctm);
                }
                "Tr" if nums.len() == 1 => st.text_mode = nums[0] as i64,
                "BT" => (tm, tlm) = (Matrix::IDENTITY, Matrix::IDENTITY),
                "Tf" if op.operands.len() == 2 => {
                    st.text.font = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|n| self.font(n, resources));
                    st.text.size = nums.last().copied().unwrap_or(0.0);
                }
                "Tz" if nums.len() == 1 => st.text.scale = nums[0] / 100.0,
                "TL" if nums.len() == 1 => st.text.leading = nums[0],
                "Td" | "TD" if nums.len() == 2 => {
                    if op.operator == "TD" {
                        st.text.leading = -nums[1];
                    }
                    tlm = Matrix([1.0, 0.0, 0.0, 1.0, nums[0], nums[1]]).then(&tlm);
                    tm = tlm;
                }
                "Tm" if nums.len() == 6 => {
                    tlm = Matrix([nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]]);
                    tm = tlm;
                }
                "T*" => {
                    tlm = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, -st.text.leading]).then(&tlm);
                    tm = tlm;
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    if matches!(op.operator.as_str(), "'" | "\"") {
                        tlm = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, -st.text.leading]).then(&tlm);
                        tm = tlm;
                    }
                    let advance = show_advance(&op.operands, &st.text);
                    if matches!(st.text_mode, 3 | 7) {
                        self.survey.invisible_text += 1;
                    } else {
                        self.mark_text();
                        if st.text.font.is_some_and(|f| f.unmapped) {
                            self.survey.unmapped_text += 1;
                        }
                        let size = st.text.size;
                        let to_page = tm.then(&st.ctm);
                        let corners = [
                            (0.0, -0.25 * size),
                            (advance, -0.25 * size),
                            (0.0, 0.85 * size),
                            (advance, 0.85 * size),
                        ]
                        .map(|(x, y)| to_page.apply(x, y));
                        let (xs, ys) = (corners.map(|p| p.0), corners.map(|p| p.1));
                        let rect = Rect {
                            x0: xs.into_iter().fold(f32::INFINITY, f32::min),
                            y0: ys.into_iter().fold(f32::INFINITY, f32::min),
                            x1: xs.into_iter().fold(f32::NEG_INFINITY, f32::max),
                            y1: ys.into_iter().fold(f32::NEG_INFINITY, f32::max),
                        };
                        if rect.area().is_finite() && self.survey.text_boxes.len() < MAX_TEXT_BOXES
                        {
                            self.survey.text_boxes.push(rect);
                        }
                    }
                    tm = Matrix([1.0, 0.0, 0.0, 1.0, advance, 0.0]).then(&tm);
                }
                "g" if nums.len() == 1 => (st.space, st.fill) = (Space::Gray, Fill::Gray(nums[0])),
                "rg" if nums.len() == 3 => {
                    st.space = Space::Rgb;
                    st.fill = Fill::Rgb([nums[0], nums[1], nums[2]]);
                }
                "k" if nums.len() == 4 => {
                    st.space = Space::Cmyk;
                    st.fill = Fill::Cmyk([nums[0], nums[1], nums[2], nums[3]]);
                }
                "cs" => {
                    st.space = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .map_or(Space::Other, |n| self.color_space(n, resources));
                    st.fill = match st.space {
                        Space::Gray => Fill::Gray(0.0),
                        Space::Rgb => Fill::Rgb([0.0; 3]),
                        Space::Cmyk => Fill::Cmyk([0.0, 0.0, 0.0, 1.0]),
                        Space::Other => Fill::Other,
                    };
                }
                "sc" | "scn" => {
                    st.fill = match (st.space, nums.as_slice()) {
                        (Space::Gray, [g]) => Fill::Gray(*g),
                        (Space::Rgb, [r, g, b]) => Fill::Rgb([*r, *g, *b]),
                        (Space::Cmyk, [c, m, y, k]) => Fill::Cmyk([*c, *m, *y, *k]),
                        _ => Fill::Other,
                    };
                }
                "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "S" | "s" | "sh" | "BI" => {
                    self.mark_other();
                }
                "Do" => {
                    if let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) {
                        self.draw(name, resources, st, depth);
                    }
                }
                _ => {}
            }
        }
    }

    fn next_seq(&mut self) -> usize {
        self.seq += 1;
        self.seq
    }

    fn mark_text(&mut self) {
        let s = self.next_seq();
        self.survey.visible_text.push(s);
    }

    fn mark_other(&mut self) {
        self.next_seq();
        self.survey.other_marks += 1;
    }

    /// `Do`: an image is recorded; a form is followed with its own matrix
    /// and resources.
    fn draw(&mut self, name: &[u8], resources: Option<&Dictionary>, st: State, depth: u8) {
        let doc = self.doc;
        let Some(Object::Reference(id)) = resources
            .and_then(|r| resolve(doc, r.get(b"XObject").ok()?).as_dict().ok())
            .and_then(|x| x.get(name).ok())
        else {
            return; // a missing resource draws nothing in viewers either
        };
        let id = *id;
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            self.survey.missing += usize::from(doc.get_object(id).is_err());
            return;
        };
        let subtype = stream.dict.get(b"Subtype").and_then(Object::as_name).ok();
        match subtype {
            Some(b"Image") => {
                let seq = self.next_seq();
                self.survey.images.push(Placed {
                    id,
                    ctm: st.ctm,
                    fill: st.fill,
                    seq,
                });
            }
            Some(b"Form") => {
                if depth >= MAX_FORM_DEPTH {
                    self.survey.complete = false;
                    return;
                }
                let Ok(content) = stream.decompressed_content_with_limit(MAX_CONTENT_BYTES) else {
                    self.survey.complete = false;
                    return;
                };
                let matrix = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|m| Matrix::from_object(doc, m))
                    .unwrap_or(Matrix::IDENTITY);
                let form_res = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|r| resolve(doc, r).as_dict().ok())
                    .or(resources);
                let inner = State {
                    ctm: matrix.then(&st.ctm),
                    ..st
                };
                self.walk(&content, form_res, inner, depth + 1);
            }
            _ => self.mark_other(),
        }
    }

    /// A `/Font` resource's mean advance and whether it maps to Unicode
    /// (a `/ToUnicode` CMap, or simple-font codes in a known encoding).
    fn font(&self, name: &[u8], resources: Option<&Dictionary>) -> Option<FontInfo> {
        let doc = self.doc;
        let font = resources
            .and_then(|r| resolve(doc, r.get(b"Font").ok()?).as_dict().ok())
            .and_then(|f| resolve(doc, f.get(name).ok()?).as_dict().ok())?;
        let subtype = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        let has_map = font.has(b"ToUnicode");
        let widths = |d: &Dictionary, key: &[u8]| -> Vec<f32> {
            d.get(key)
                .ok()
                .and_then(|w| resolve(doc, w).as_array().ok())
                .map(|a| {
                    a.iter()
                        .flat_map(|v| match resolve(doc, v) {
                            Object::Array(inner) => inner
                                .iter()
                                .filter_map(|x| resolve(doc, x).as_float().ok())
                                .collect::<Vec<f32>>(),
                            other => other.as_float().ok().into_iter().collect::<Vec<f32>>(),
                        })
                        .filter(|w| *w > 0.0)
                        .collect()
                })
                .unwrap_or_default()
        };
        let mean = |w: &[f32], default: f32| {
            if w.is_empty() {
                default
            } else {
                (w.iter().sum::<f32>() / w.len() as f32).clamp(100.0, 2000.0)
            }
        };
        if subtype == b"Type0" {
            let descendant = font
                .get(b"DescendantFonts")
                .ok()
                .and_then(|d| resolve(doc, d).as_array().ok())
                .and_then(|a| resolve(doc, a.first()?).as_dict().ok());
            let dw = descendant
                .and_then(|d| resolve(doc, d.get(b"DW").ok()?).as_float().ok())
                .unwrap_or(1000.0);
            // The /W array mixes ranges and widths; its widths' mean is
            // close enough for where a run of text ends.
            let advance = descendant.map_or(dw, |d| mean(&widths(d, b"W"), dw));
            return Some(FontInfo {
                advance,
                code_bytes: 2,
                unmapped: !has_map,
            });
        }
        let encoded = match font.get(b"Encoding").map(|e| resolve(doc, e)) {
            Ok(Object::Name(_)) => true,
            // /Differences with glyph names map through the names.
            Ok(Object::Dictionary(_)) => true,
            _ => false,
        };
        let symbolic = font
            .get(b"FontDescriptor")
            .ok()
            .and_then(|d| resolve(doc, d).as_dict().ok())
            .and_then(|d| resolve(doc, d.get(b"Flags").ok()?).as_i64().ok())
            .is_some_and(|f| f & 4 != 0);
        let unmapped = !has_map
            && match subtype {
                b"Type3" => true,
                b"TrueType" => symbolic && !encoded,
                _ => false,
            };
        Some(FontInfo {
            advance: mean(&widths(font, b"Widths"), 500.0),
            code_bytes: 1,
            unmapped,
        })
    }

    /// A named fill colour space: device names, or a `/ColorSpace` resource.
    fn color_space(&self, name: &[u8], resources: Option<&Dictionary>) -> Space {
        match name {
            b"DeviceGray" | b"G" => return Space::Gray,
            b"DeviceRGB" | b"RGB" => return Space::Rgb,
            b"DeviceCMYK" | b"CMYK" => return Space::Cmyk,
            _ => {}
        }
        let doc = self.doc;
        let found = resources
            .and_then(|r| resolve(doc, r.get(b"ColorSpace").ok()?).as_dict().ok())
            .and_then(|cs| cs.get(name).ok())
            .map(|o| resolve(doc, o));
        match found.and_then(|o| components(doc, o)) {
            Some(1) => Space::Gray,
            Some(3) => Space::Rgb,
            Some(4) => Space::Cmyk,
            _ => Space::Other,
        }
    }
}

/// A reference to an object the file does not have.
fn is_missing(doc: &Document, o: &Object) -> bool {
    matches!(o, Object::Reference(id) if doc.get_object(*id).is_err())
}

/// The page's content with its invisible text removed (text shown in
/// render mode 3, and forms that draw nothing else): `--redo-ocr` reads
/// the page again without an earlier OCR layer. `None` when the content
/// cannot be read whole (the page is then kept as it is).
pub(super) fn strip_invisible(
    doc: &Document,
    page: ObjectId,
    resources: Option<&Dictionary>,
) -> Option<Vec<u8>> {
    let bytes = doc
        .get_page_content_with_limit(page, MAX_CONTENT_BYTES)
        .ok()?;
    let content = Content::decode(&bytes).ok()?;
    let mut modes: Vec<i64> = Vec::new();
    let mut mode = 0;
    let mut kept = Vec::with_capacity(content.operations.len());
    for op in content.operations {
        let first_num = op.operands.first().and_then(|o| o.as_float().ok());
        match op.operator.as_str() {
            "q" => modes.push(mode),
            "Q" => mode = modes.pop().unwrap_or(mode),
            "Tr" => mode = first_num.map_or(mode, |m| m as i64),
            "Tj" | "TJ" | "'" | "\"" if mode == 3 => continue,
            "Do" => {
                let name = op.operands.first().and_then(|o| o.as_name().ok());
                if name.is_some_and(|n| invisible_form(doc, n, resources)) {
                    continue;
                }
            }
            _ => {}
        }
        kept.push(op);
    }
    Content { operations: kept }.encode().ok()
}

/// Whether the named XObject is a form that shows only invisible text.
fn invisible_form(doc: &Document, name: &[u8], resources: Option<&Dictionary>) -> bool {
    let Some(Object::Reference(id)) = resources
        .and_then(|r| resolve(doc, r.get(b"XObject").ok()?).as_dict().ok())
        .and_then(|x| x.get(name).ok())
    else {
        return false;
    };
    let Ok(stream) = doc.get_object(*id).and_then(Object::as_stream) else {
        return false;
    };
    if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
        return false;
    }
    let Ok(content) = stream.decompressed_content_with_limit(MAX_CONTENT_BYTES) else {
        return false;
    };
    let form_res = stream
        .dict
        .get(b"Resources")
        .ok()
        .and_then(|r| resolve(doc, r).as_dict().ok())
        .or(resources);
    let mut w = Walker::new(doc);
    w.walk(&content, form_res, State::start(), 1);
    let s = w.survey;
    s.complete
        && s.invisible_text > 0
        && s.images.is_empty()
        && s.other_marks == 0
        && s.visible_text.is_empty()
}
