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

/// How many terminal cells `shown` takes (text already escaped by
/// [`terminal_safe`]): a CJK character or an emoji takes two.
pub fn cell_width(shown: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(shown)
}

/// How many terminal cells `raw` takes once escaped for the terminal:
/// the width of a table cell holding it.
pub fn shown_cells(raw: &str) -> usize {
    cell_width(&terminal_safe(raw))
}

/// Like [`terminal_safe`], keeping line breaks: for text of several lines
/// that the program itself laid out.
pub fn terminal_safe_lines(s: &str) -> String {
    s.split('\n')
        .map(terminal_safe)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every string of a JSON value (object keys too) passed through
/// [`terminal_safe`]: for vendor bodies a screen shows field by field. Never
/// for bodies that are sent back or written out as data.
pub fn safe_json_strings(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            if let Cow::Owned(o) = terminal_safe(s) {
                *s = o;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(safe_json_strings),
        Value::Object(m) => {
            let old = std::mem::take(m);
            for (k, mut val) in old {
                safe_json_strings(&mut val);
                m.insert(terminal_safe(&k).into_owned(), val);
            }
        }
        _ => {}
    }
}

/// Pretty JSON in which every unsafe character is written as a `\uXXXX`
/// escape. serde escapes C0 controls but writes DEL, C1 controls and bidi
/// overrides raw; escaped, the text is still exactly the same JSON value
/// (it parses back to the very same strings), and it is safe to print.
/// Text without such characters comes out byte for byte as
/// `serde_json::to_string_pretty` writes it.
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    json_with(
        value,
        SafeFormatter(serde_json::ser::PrettyFormatter::new()),
    )
}

/// Like [`json_pretty`], on one line (a streamed export's row).
pub fn json_compact<T: serde::Serialize + ?Sized>(value: &T) -> String {
    json_with(value, SafeFormatter(serde_json::ser::CompactFormatter))
}

fn json_with<T, F>(value: &T, formatter: SafeFormatter<F>) -> String
where
    T: serde::Serialize + ?Sized,
    F: serde_json::ser::Formatter,
{
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's pretty or compact formatter, escaping what [`is_unsafe`]
/// names.
struct SafeFormatter<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Text on its way to a file or a terminal, a chunk at a time (a log
/// event, a printed line): unsafe characters escaped, line breaks kept.
/// Chunks are whole events, so no character is split across two.
pub struct SafeWriter<W>(pub W);

impl<W: std::io::Write> std::io::Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(terminal_safe_lines(&text).as_bytes())?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_terminal_cells_of_the_escaped_text() {
        assert_eq!(shown_cells("usage"), 5);
        assert_eq!(shown_cells("a\tb"), 6);
        assert_eq!(shown_cells("中文"), 4);
        assert_eq!(shown_cells("📞"), 2);
        assert_eq!(shown_cells("x\u{202e}"), 9);
    }

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
    fn json_stays_the_same_value_and_is_safe() {
        let v = serde_json::json!({"name": "a\x1b]52;c;SGk=\x07 \u{202e}+15 \u{2066}x\u{9b}2J\x7f", "n": [1, "ok"]});
        let text = json_pretty(&v);
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text}");
        assert!(
            text.contains("\\u202e") && text.contains("\\u001b"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
        let plain = serde_json::json!({"a": "Zürich – ok", "b": [1, 2, {"c": null}]});
        assert_eq!(
            json_pretty(&plain),
            serde_json::to_string_pretty(&plain).unwrap()
        );
    }

    #[test]
    fn json_strings_are_made_safe_keys_too() {
        let mut v = serde_json::json!({"k\u{202e}": ["\x1b[2J", 3], "n": "plain"});
        safe_json_strings(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"k\\u{202e}": ["\\x1b[2J", 3], "n": "plain"})
        );
    }

    #[test]
    fn the_writer_escapes_and_keeps_lines() {
        use std::io::Write;
        let mut w = SafeWriter(Vec::new());
        w.write_all("one \x1b[2J\ntwo \u{202e}\n".as_bytes())
            .unwrap();
        assert_eq!(
            String::from_utf8(w.0).unwrap(),
            "one \\x1b[2J\ntwo \\u{202e}\n"
        );
    }

    #[test]
    fn lines_keep_their_breaks() {
        assert_eq!(terminal_safe_lines("a\x1b\nb"), "a\\x1b\nb");
    }
}
