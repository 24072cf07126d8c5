//! What a page draws: a small content-stream interpreter that tracks just
//! enough graphics state (transformation, fill colour, text render mode) to
//! tell a scanned page (one image, perhaps an invisible text layer) from a
//! born-digital one, and where its image lands on the page.
//!
//! No crate interprets content streams at this level; lopdf tokenises them
//! (`Content::decode_iter`) and this module follows the operators.

use super::space::{Fill, components};
use super::{Matrix, resolve};
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
}

/// Interpret a page's content streams (and the forms they draw).
pub(super) fn survey(doc: &Document, page: ObjectId, resources: Option<&Dictionary>) -> Survey {
    let mut w = Walker {
        doc,
        ops_left: MAX_OPERATIONS,
        seq: 0,
        survey: Survey {
            complete: true,
            ..Survey::default()
        },
    };
    match doc.get_page_content_with_limit(page, MAX_CONTENT_BYTES) {
        Ok(content) => {
            let state = State {
                ctm: Matrix::IDENTITY,
                fill: Fill::Gray(0.0),
                space: Space::Gray,
                text_mode: 0,
            };
            w.walk(&content, resources, state, 0);
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

impl Walker<'_> {
    fn walk(&mut self, content: &[u8], resources: Option<&Dictionary>, start: State, depth: u8) {
        let mut stack: Vec<State> = Vec::new();
        let mut st = start;
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
                "Tj" | "TJ" | "'" | "\"" => {
                    if matches!(st.text_mode, 3 | 7) {
                        self.survey.invisible_text += 1;
                    } else {
                        self.mark_text();
                    }
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
