//! Which part of a book spread a listed page is (`--split-spreads`): the
//! listing decides it (in `capture`), every later stage reads it from the
//! page's reference, so the type lives with the page reference.

/// Which page of a spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The page left of the spine.
    Left,
    /// The page right of it.
    Right,
}

impl Side {
    /// `left` or `right`, as `--json` and `-v` say it.
    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

/// Where a listed page lies in a spread (`--split-spreads`), decided when
/// the pages are listed (`capture::spread::find_gutter` on the decoded,
/// flattened page) so each half is a page of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpreadPart {
    /// Looked at: no spine, the whole image is one page.
    Whole,
    /// One side of the spread cut at column `cut`.
    Page {
        /// Which side.
        side: Side,
        /// The spine's column in the decoded (flattened) image.
        cut: u32,
    },
}
