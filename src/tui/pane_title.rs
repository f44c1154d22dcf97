//! A pane's title on a narrow terminal: what the pane is always shows; its
//! key hints follow only as far as they fit whole (help lists them all).

/// `" {base} — {hint}  {hint} "` with the hints that fit in `room` cells
/// (a bordered block's width less its two corners), left to right.
pub fn with_hints(base: &str, hints: &[&str], room: u16) -> String {
    let room = room as usize;
    let width = |s: &str| ratatui::text::Line::raw(s).width();
    let mut title = format!(" {base} ");
    let mut sep = "— ";
    for hint in hints {
        let longer = format!("{title}{sep}{hint} ");
        if width(&longer) > room {
            break;
        }
        title = longer;
        sep = " ";
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_follow_while_they_fit_whole() {
        let hints = ["r sync", "t test", "D delete"];
        assert_eq!(
            with_hints("Connections (4)", &hints, 80),
            " Connections (4) — r sync  t test  D delete "
        );
        assert_eq!(
            with_hints("Connections (4)", &hints, 34),
            " Connections (4) — r sync  t test "
        );
        assert_eq!(
            with_hints("Connections (4)", &hints, 20),
            " Connections (4) "
        );
    }
}
