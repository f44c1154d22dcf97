//! Text from a vendor made safe for a terminal: the one function every
//! human-readable output passes vendor text through (CLI tables, error
//! messages, job summaries and logs, the log file, the dashboard). JSON
//! output does not need it: serde escapes control characters itself.
//!
//! A name holding `ESC ] 52 ; …` would otherwise write the operator's
//! clipboard, `ESC [ 2 J` would clear the screen, and a bidi override would
//! make `+1555…` read as another number. Each such character is shown
//! escaped instead, so the operator sees that it is there.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character must not reach a terminal raw: C0 and C1 controls,
/// DEL, bidi overrides and isolates, and other invisible formatting.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL, C1
        || matches!(c,
            '\u{00AD}'              // soft hyphen
            | '\u{061C}'            // Arabic letter mark
            | '\u{180E}'            // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}' // zero widths, LRM, RLM
            | '\u{2028}'..='\u{202E}' // line/paragraph separators, bidi embeddings and overrides
            | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, bidi isolates
            | '\u{FEFF}'            // zero-width no-break space (BOM)
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
        )
}

/// `s` with every unsafe character escaped: `\x1b` for controls below
/// U+0100, `\u{202e}` above. Borrowed when nothing needed escaping.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// Like [`terminal_safe`], keeping line breaks: for text of several lines
/// that the program itself laid out.
pub fn terminal_safe_lines(s: &str) -> String {
    s.split('\n')
        .map(terminal_safe)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let s = "SIP trunk – Zürich +41 44 000 00 00 \\ ok";
        assert!(matches!(terminal_safe(s), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_and_invisible_formatting_are_escaped() {
        assert_eq!(
            terminal_safe("a\x1b]52;c;SGVsbG8=\x07b"),
            "a\\x1b]52;c;SGVsbG8=\\x07b"
        );
        assert_eq!(terminal_safe("\x1b[2Jx\x7f"), "\\x1b[2Jx\\x7f");
        assert_eq!(terminal_safe("\u{9b}31m"), "\\x9b31m");
        assert_eq!(terminal_safe("+1\u{202e}5550"), "+1\\u{202e}5550");
        assert_eq!(terminal_safe("a\u{2066}b\u{2069}"), "a\\u{2066}b\\u{2069}");
        assert_eq!(terminal_safe("x\u{200b}\u{feff}"), "x\\u{200b}\\u{feff}");
        assert_eq!(terminal_safe("tab\there\nnl\r"), "tab\\x09here\\x0anl\\x0d");
    }

    #[test]
    fn lines_keep_their_breaks() {
        assert_eq!(terminal_safe_lines("a\x1b\nb"), "a\\x1b\nb");
    }
}
