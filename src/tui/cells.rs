//! Counts and text widths as terminal cells.

/// `n` (a count of rows or a text's width in cells) as a screen size. A
/// terminal is at most `u16::MAX` cells either way, so a larger `n` fills
/// whatever room there is, as `u16::MAX` does.
pub fn cells(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_beyond_a_screen_saturate() {
        assert_eq!(cells(0), 0);
        assert_eq!(cells(80), 80);
        assert_eq!(cells(usize::from(u16::MAX)), u16::MAX);
        assert_eq!(cells(usize::from(u16::MAX) + 1), u16::MAX);
    }
}
