//! The one rectangle type: picture regions, text lines, ink components,
//! recognised words. Cleanup and OCR both use it, so boxes pass between
//! them without conversion.

/// An axis-aligned rectangle in image pixels, origin top-left, half-open:
/// it covers `x0..x1` × `y0..y1` (`x1`/`y1` exclusive), so its width is
/// `x1 - x0` and an empty rectangle has `x0 == x1`. Unsigned: every box
/// ocrpdf handles lies inside an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// The first column inside.
    pub x0: u32,
    /// The first row inside.
    pub y0: u32,
    /// The first column past the right edge.
    pub x1: u32,
    /// The first row past the bottom edge.
    pub y1: u32,
}

impl Rect {
    /// Columns covered (`x1 - x0`).
    pub fn width(&self) -> u32 {
        self.x1 - self.x0
    }
    /// Rows covered (`y1 - y0`).
    pub fn height(&self) -> u32 {
        self.y1 - self.y0
    }
    /// Whether pixel (`x`, `y`) lies inside.
    pub fn contains(&self, x: u32, y: u32) -> bool {
        (self.x0..self.x1).contains(&x) && (self.y0..self.y1).contains(&y)
    }
    /// The centre pixel.
    pub fn centre(&self) -> (u32, u32) {
        (
            u32::midpoint(self.x0, self.x1),
            u32::midpoint(self.y0, self.y1),
        )
    }
    /// Whether the two share a pixel (touching edges do not).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    /// The smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
}
