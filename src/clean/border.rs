//! Removal of dark scanner borders: the black bands a flatbed or feeder
//! leaves where the page did not cover the glass.
//!
//! Ink connected to the image edge is flood-filled (8-connected) from every
//! edge pixel; a component is a border when it is large (over 0.5% of the
//! page) or runs along a quarter of an edge. Letters that merely touch the
//! edge are far smaller and stay.

use super::bits::{BitImage, INK, PAPER};

/// Whiten border components; returns how many pixels were removed.
pub fn remove(bits: &mut BitImage) -> usize {
    let (w, h) = (bits.width() as usize, bits.height() as usize);
    if w == 0 || h == 0 {
        return 0;
    }
    let raw: &mut [u8] = bits.gray_mut();
    let mut seen = vec![false; w * h];
    let mut removed = 0;
    let edge: Vec<usize> = (0..w)
        .flat_map(|x| [x, (h - 1) * w + x])
        .chain((0..h).flat_map(|y| [y * w, y * w + w - 1]))
        .collect();
    let mut stack = Vec::new();
    let mut component = Vec::new();
    for start in edge {
        if raw[start] != INK || seen[start] {
            continue;
        }
        component.clear();
        stack.push(start);
        seen[start] = true;
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        while let Some(i) = stack.pop() {
            component.push(i);
            let (x, y) = (i % w, i / w);
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if raw[j] == INK && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        let big = component.len() * 200 > w * h;
        let along_edge = (x0 == 0 || x1 == w - 1) && (y1 - y0 + 1) * 4 >= h
            || (y0 == 0 || y1 == h - 1) && (x1 - x0 + 1) * 4 >= w;
        if big || along_edge {
            for &i in &component {
                raw[i] = PAPER;
            }
            removed += component.len();
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    #[test]
    fn bands_at_the_edges_go_and_text_stays() {
        let img = GrayImage::from_fn(400, 600, |x, y| {
            let left_band = x < 30;
            let bottom_wedge = y > 570 && x > 100;
            let letter = (200..210).contains(&x) && (100..140).contains(&y);
            let letter_at_edge = x > 390 && (300..320).contains(&y);
            Luma([if left_band || bottom_wedge || letter || letter_at_edge {
                0
            } else {
                255
            }])
        });
        let mut bits = BitImage::from_gray_threshold(img);
        remove(&mut bits);
        assert!(!bits.is_ink(5, 300) && !bits.is_ink(300, 590));
        assert!(bits.is_ink(205, 120) && bits.is_ink(395, 310));
        assert_eq!(bits.ink_count(), 10 * 40 + 9 * 20);
    }

    #[test]
    fn all_black_page_becomes_white() {
        let mut bits = BitImage::from_gray_threshold(GrayImage::new(50, 50));
        assert_eq!(remove(&mut bits), 2500);
    }
}
