//! Page order of a two-pass duplex scan: a feeder without duplex scans
//! the fronts, the user turns the stack over and scans the backs, which
//! come out last sheet first. Sheet k's front is fronts[k], its back
//! backs[n − 1 − k].

use crate::english::plural;

/// Where the fronts end: with `front_inputs` given, the pages of that
/// many first inputs (a watched duplex pair: the fronts' files, then the
/// backs'); else the page count of the first input when there are exactly
/// two inputs (`fronts.pdf backs.pdf`), else half of all pages. `Err` when
/// the counts cannot be equal, saying both.
pub fn fronts(pages_per_input: &[usize], front_inputs: Option<usize>) -> Result<usize, String> {
    let total: usize = pages_per_input.iter().sum();
    if let Some(k) = front_inputs {
        let k = k.min(pages_per_input.len());
        let fronts: usize = pages_per_input[..k].iter().sum();
        let backs = total - fronts;
        if fronts != backs {
            return Err(format!(
                "--duplex needs as many backs as fronts: the fronts have {fronts} page{}, the backs {backs}",
                plural(fronts)
            ));
        }
        return Ok(fronts);
    }
    if let [fronts, backs] = *pages_per_input {
        if fronts != backs {
            return Err(format!(
                "--duplex needs as many backs as fronts: the first input has {fronts} page{}, the second {backs}",
                plural(fronts)
            ));
        }
        return Ok(fronts);
    }
    if !total.is_multiple_of(2) {
        return Err(format!(
            "--duplex needs as many backs as fronts, but the {total} pages given cannot be halved \
             ({} fronts and {} backs?)",
            total.div_ceil(2),
            total / 2
        ));
    }
    Ok(total / 2)
}

/// The sheet order of `pages`: the first `fronts` are fronts, the rest
/// backs in reverse; returns front 1, back 1, front 2, back 2, …
pub fn interleave<T>(pages: Vec<T>, fronts: usize) -> Vec<T> {
    debug_assert_eq!(pages.len(), 2 * fronts);
    let mut pages = pages;
    let backs = pages.split_off(fronts.min(pages.len()));
    let mut out = Vec::with_capacity(pages.len() + backs.len());
    for (front, back) in pages.into_iter().zip(backs.into_iter().rev()) {
        out.push(front);
        out.push(back);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_come_last_sheet_first() {
        let pages = vec!["f1", "f2", "f3", "b3", "b2", "b1"];
        assert_eq!(
            interleave(pages, 3),
            vec!["f1", "b1", "f2", "b2", "f3", "b3"]
        );
    }

    #[test]
    fn counts_must_match() {
        assert_eq!(fronts(&[1, 1, 1, 1], None), Ok(2));
        assert_eq!(fronts(&[3, 3], None), Ok(3));
        let e = fronts(&[3, 2], None).unwrap_err();
        assert!(e.contains("3 pages") && e.contains("the second 2"), "{e}");
        assert!(fronts(&[1, 1, 1], None).unwrap_err().contains("3 pages"));
        assert_eq!(fronts(&[], None), Ok(0));
        // A pair of folders: two files of fronts, one three-page file of
        // backs; the halving rule would also give 3 here, so test a case
        // where it differs.
        assert_eq!(fronts(&[1, 2, 3], Some(2)), Ok(3));
        assert_eq!(
            fronts(&[2, 1, 1, 2], Some(1)).unwrap_err(),
            "--duplex needs as many backs as fronts: the fronts have 2 pages, the backs 4"
        );
        assert_eq!(
            fronts(&[1, 1, 1, 1], Some(3)).unwrap_err(),
            "--duplex needs as many backs as fronts: the fronts have 3 pages, the backs 1"
        );
    }
}
