//! Wording shared by the messages.

/// The plural ending for `n` things: "" for one, "s" otherwise
/// (`format!("{n} page{}", plural(n))`).
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Seconds, whole ones without a fraction ("5", "2.5").
pub fn secs(d: std::time::Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

/// A wait in whole minutes when it is some ("30 min"), else in seconds.
pub fn minutes(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{} s", secs(d))
    }
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

    #[test]
    fn durations_read_in_seconds_or_whole_minutes() {
        use std::time::Duration;
        assert_eq!(super::secs(Duration::from_secs(5)), "5");
        assert_eq!(super::secs(Duration::from_millis(2500)), "2.5");
        assert_eq!(super::minutes(Duration::from_secs(1800)), "30 min");
        assert_eq!(super::minutes(Duration::from_secs(90)), "90 s");
    }
}
