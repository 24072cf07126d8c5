//! Wording shared by the messages.

/// The plural ending for `n` things: "" for one, "s" otherwise
/// (`format!("{n} page{}", plural(n))`).
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(super::plural(1), "");
        for n in [0, 2, 10] {
            assert_eq!(super::plural(n), "s");
        }
    }
}
