//! Symbol coding of a run of pages together: the shapes seen on two or
//! more of them go once into a shared symbol dictionary — the PDF's
//! `/JBIG2Globals` stream (ISO 32000-1 § 7.4.7), whose segments belong to
//! no page — and each page's own stream holds its other shapes in its own
//! dictionaries, a text region placing every component (drawing shared
//! and own symbols alike, refining the instances that differ) and the
//! generic residue region its worker coded.
//!
//! A page's shapes that match no shared symbol exactly may still be coded
//! as refinements of a close one (the same matching rule as on one page,
//! [`super::classify`]). With one page there is nothing to share and this
//! is the single-page coding.
//!
//! Memory: the caller decides how many pages go into one call (the PDF
//! writers take batches of [`BATCH_PAGES`]); this holds nothing beyond
//! their [`PageSymbols`] and the streams it returns.

use super::analyse::PageSymbols;
use super::classify::{self, Bitmap, Plan};
use super::symbols;
use super::text_region::{self, Placed};
use super::{
    IMMEDIATE_LOSSLESS_GENERIC_REGION, IMMEDIATE_LOSSLESS_TEXT_REGION, LOG_STRIPS,
    SYMBOL_DICTIONARY, page_information, segment,
};
use std::collections::HashMap;

/// Pages whose shapes are shared through one globals stream. Shapes of a
/// book's body text repeat within a few pages, so a batch this long gets
/// most of the sharing, while the pages' shapes waiting for the batch to
/// close stay bounded: on 300-dpi text some 0.2–1 MB a page (bitmaps at
/// a byte a pixel), so tens of MB for a batch however long the document.
pub const BATCH_PAGES: usize = 32;

/// Mean box of a page's letters (pixels) under which both plans of
/// [`classify::plan`] are coded and the smaller kept: 8-pt text at 300 dpi,
/// 12-pt at 200.
const SMALL_LETTERS: usize = 600;

/// The streams of a batch: the globals (`None` when no shape is on two
/// pages) and one stream per page, in order, referring to them.
pub struct Coded {
    /// The `/JBIG2Globals` stream's data.
    pub globals: Option<Vec<u8>>,
    /// Each page's `/JBIG2Decode` image stream.
    pub pages: Vec<Vec<u8>>,
}

/// Code `pages` sharing the shapes two or more of them have.
pub fn code(pages: &[&PageSymbols]) -> Coded {
    // Every distinct shape of the batch, with the pages it is on.
    let mut distinct: Vec<&Bitmap> = Vec::new();
    let mut by_key: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut doc_ids: Vec<Vec<u32>> = Vec::with_capacity(pages.len());
    for page in pages {
        let mut ids = Vec::with_capacity(page.shapes.len());
        for shape in &page.shapes {
            let twins = by_key.entry(shape.key()).or_default();
            let twin = twins.iter().find(|&&d| distinct[d as usize] == shape);
            let d = if let Some(&d) = twin {
                d
            } else {
                let d = distinct.len() as u32;
                twins.push(d);
                distinct.push(shape);
                d
            };
            ids.push(d);
        }
        doc_ids.push(ids);
    }
    drop(by_key);
    // Shapes in classes by the matching rule; a class on two or more pages
    // puts its first shape in the globals.
    let class = if pages.len() > 1 {
        classify::classes(&distinct)
    } else {
        (0..distinct.len() as u32).collect()
    };
    let mut class_pages: Vec<(u32, usize)> = vec![(0, usize::MAX); distinct.len()];
    for (p, ids) in doc_ids.iter().enumerate() {
        for &d in ids {
            let seen = &mut class_pages[class[d as usize] as usize];
            if seen.1 != p {
                *seen = (seen.0 + 1, p);
            }
        }
    }
    let mut global_of = vec![None; distinct.len()];
    let mut shared: Vec<&Bitmap> = Vec::new();
    for (d, &c) in class.iter().enumerate() {
        if c as usize == d && class_pages[d].0 >= 2 {
            global_of[d] = Some(shared.len() as u32);
            shared.push(distinct[d]);
        }
    }

    let mut number = 0;
    let (globals, global_dicts, global_ids) = if shared.is_empty() {
        (None, Vec::new(), Vec::new())
    } else {
        let plan = classify::plan(&shared, 0, &[], false);
        let mut out = Vec::new();
        let d = dictionaries(&mut out, &shared, &[], &[], &plan, &mut number, 0);
        (Some(out), d.segments, d.ids)
    };

    let coded = pages
        .iter()
        .zip(&doc_ids)
        .map(|(page, ids)| {
            // The page's shapes after the shared ones; each placement's
            // shape renumbered into that list.
            let mut shapes: Vec<&Bitmap> = shared.clone();
            let mut index = Vec::with_capacity(ids.len());
            for (k, &d) in ids.iter().enumerate() {
                index.push(if let Some(g) = global_of[d as usize] {
                    g
                } else {
                    shapes.push(&page.shapes[k]);
                    shapes.len() as u32 - 1
                });
            }
            let seen: Vec<(u32, u32, u32)> = page
                .seen
                .iter()
                .map(|&(x, y, k)| (x, y, index[k as usize]))
                .collect();
            let fixed = Fixed {
                count: shared.len(),
                ids: &global_ids,
                segments: &global_dicts,
            };
            // Every shape a symbol (refined from a close one), or shapes
            // seen once drawn as a close symbol refined: the first was
            // smaller on every page of letters over SMALL_LETTERS pixels
            // measured (by up to a fifth), the second by up to 4% on
            // smaller ones, where both are tried.
            let area: usize = seen
                .iter()
                .map(|&(_, _, k)| shapes[k as usize].px.len())
                .sum();
            let plans: &[bool] = if area < SMALL_LETTERS * seen.len() {
                &[false, true]
            } else {
                &[false]
            };

            // With `jbig2-stats`, only the kept plan's bits are counted.
            #[cfg(feature = "jbig2-stats")]
            let before = super::stats::take();
            let best = plans
                .iter()
                .map(|&inline| {
                    let plan = classify::plan(&shapes, fixed.count, &seen, inline);
                    let stream = page_stream(page, &shapes, &fixed, &plan, number);
                    #[cfg(feature = "jbig2-stats")]
                    let stream = (stream, super::stats::take());
                    stream
                })
                .min_by_key(|s| {
                    #[cfg(feature = "jbig2-stats")]
                    let s = &s.0;
                    s.len()
                })
                .expect("a plan");
            #[cfg(feature = "jbig2-stats")]
            let best = {
                super::stats::put(before);
                super::stats::put(best.1);
                best.0
            };
            best
        })
        .collect();
    Coded {
        globals,
        pages: coded,
    }
}

/// The shared symbols a page's stream may use.
struct Fixed<'a> {
    /// How many of the shapes are shared.
    count: usize,
    /// Their symbol IDs.
    ids: &'a [u32],
    /// The globals' dictionary segments.
    segments: &'a [u32],
}

/// One page's stream: page information, its dictionaries, the text region
/// and the residue; segments numbered from `number`.
fn page_stream(
    page: &PageSymbols,
    shapes: &[&Bitmap],
    fixed: &Fixed,
    plan: &Plan,
    mut number: u32,
) -> Vec<u8> {
    let mut out = Vec::new();
    page_information(&mut out, number, page.w, page.h);
    number += 1;
    let d = dictionaries(
        &mut out,
        shapes,
        fixed.ids,
        fixed.segments,
        plan,
        &mut number,
        1,
    );
    let ids = d.ids;
    let mut placed: Vec<Placed> = plan
        .instances
        .iter()
        .map(|i| Placed {
            x: i.x,
            y: i.y,
            id: ids[i.class as usize],
            shape: shapes[i.class as usize],
            refine: i.refine.map(|k| shapes[k as usize]),
        })
        .collect();
    let mut refers: Vec<u32> = fixed.segments.to_vec();
    refers.extend(&d.segments);
    let data = text_region::text_region(page.w, page.h, &mut placed, d.symbols, LOG_STRIPS);
    segment(
        &mut out,
        number,
        IMMEDIATE_LOSSLESS_TEXT_REGION,
        &refers,
        1,
        &data,
    );
    number += 1;
    if let Some(region) = &page.residue {
        segment(
            &mut out,
            number,
            IMMEDIATE_LOSSLESS_GENERIC_REGION,
            &[],
            1,
            region,
        );
    }
    out
}

/// Dictionaries written by [`dictionaries`].
struct Dictionaries {
    /// Their segment numbers.
    segments: Vec<u32>,
    /// Symbol ID of each member shape (others 0).
    ids: Vec<u32>,
    /// Symbols of the inputs and these dictionaries together.
    symbols: u32,
}

/// The symbol dictionary segments of `plan`'s members, on `page` (0: the
/// globals), after the symbols of the dictionary segments `input_dicts`
/// (`fixed_ids`: the IDs of `shapes`' first ones, which are theirs),
/// numbered from `number` on. Members with no reference go in a generic
/// dictionary, the rest in a refined one after it; IDs run through the
/// inputs and both, in that order.
fn dictionaries(
    out: &mut Vec<u8>,
    shapes: &[&Bitmap],
    fixed_ids: &[u32],
    input_dicts: &[u32],
    plan: &Plan,
    number: &mut u32,
    page: u8,
) -> Dictionaries {
    let (mut base, mut refined): (Vec<u32>, Vec<u32>) = (0..shapes.len() as u32)
        .filter(|&k| plan.member[k as usize])
        .partition(|&k| plan.reference[k as usize].is_none());
    symbols::sort(&mut base, shapes);
    symbols::sort(&mut refined, shapes);
    let inputs = fixed_ids.len() as u32;
    let mut ids = vec![0u32; shapes.len()];
    ids[..fixed_ids.len()].copy_from_slice(fixed_ids);
    for (id, &k) in base.iter().chain(&refined).enumerate() {
        ids[k as usize] = inputs + id as u32;
    }
    let mut segments = Vec::new();
    if !base.is_empty() {
        let generic: Vec<&Bitmap> = base.iter().map(|&k| shapes[k as usize]).collect();
        let data = symbols::generic_dictionary(&generic);
        segment(out, *number, SYMBOL_DICTIONARY, &[], page, &data);
        segments.push(*number);
        *number += 1;
    }
    if !refined.is_empty() {
        let list: Vec<symbols::Refined> = refined
            .iter()
            .map(|&k| {
                let r = plan.reference[k as usize].expect("a refined shape");
                symbols::Refined {
                    shape: shapes[k as usize],
                    reference: shapes[r as usize],
                    reference_id: ids[r as usize],
                }
            })
            .collect();
        let mut refers = input_dicts.to_vec();
        refers.extend(&segments);
        let data = symbols::refined_dictionary(inputs + base.len() as u32, &list);
        segment(out, *number, SYMBOL_DICTIONARY, &refers, page, &data);
        segments.push(*number);
        *number += 1;
    }
    Dictionaries {
        segments,
        ids,
        symbols: inputs + (base.len() + refined.len()) as u32,
    }
}
