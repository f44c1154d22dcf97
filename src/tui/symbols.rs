//! What the screen may send: box drawing and symbols where the locale is
//! UTF-8, ASCII stand-ins where it is not (`LANG=C`, old jump hosts,
//! serial consoles), where those bytes would show as mojibake.
//!
//! The views draw in Unicode; the whole frame goes through one table
//! ([`ascii_for`]) just before it is sent, so no drawing site (ours or a
//! widget's borders) can send a byte the terminal cannot show. Each
//! stand-in has the width of what it stands for, so the layout is the same.

use ratatui::buffer::Buffer;
use ratatui::text::Span;

/// The characters the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Unicode,
    Ascii,
}

impl Charset {
    /// `SWITCHBOARD_SYMBOLS=ascii|unicode` if set, else the locale.
    pub fn from_env() -> Charset {
        let var = |name: &str| std::env::var(name).ok();
        match var("SWITCHBOARD_SYMBOLS").as_deref() {
            Some("ascii") => Charset::Ascii,
            Some("unicode") => Charset::Unicode,
            _ => Charset::from_locale(var("LC_ALL"), var("LC_CTYPE"), var("LANG")),
        }
    }

    /// The locale's character set as C's `setlocale` reads it: the first
    /// of `LC_ALL`, `LC_CTYPE`, `LANG` that is set and not empty; none
    /// set is the C locale, which is ASCII (tmux decides the same way).
    pub fn from_locale(
        lc_all: Option<String>,
        lc_ctype: Option<String>,
        lang: Option<String>,
    ) -> Charset {
        let locale = [lc_all, lc_ctype, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if locale.contains("utf-8") || locale.contains("utf8") {
            Charset::Unicode
        } else {
            Charset::Ascii
        }
    }

    /// Makes a drawn frame fit the character set (a no-op for Unicode).
    pub fn apply(self, buf: &mut Buffer) {
        if self == Charset::Ascii {
            to_ascii(buf);
        }
    }
}

/// Every cell of `buf` in ASCII: symbols by the table, anything else (a
/// vendor's accented name, say) as `?` for each column it covers.
pub fn to_ascii(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        let symbol = cell.symbol();
        if symbol.is_ascii() {
            continue;
        }
        let mut chars = symbol.chars();
        let stand_in = match (chars.next(), chars.next()) {
            (Some(c), None) => ascii_for(c).map(String::from),
            _ => None,
        }
        .unwrap_or_else(|| "?".repeat(Span::raw(symbol).width().max(1)));
        cell.set_symbol(&stand_in);
    }
}

/// The one table: an ASCII character standing for a symbol the views draw
/// (or a widget's border), `None` for one it does not know.
pub fn ascii_for(c: char) -> Option<char> {
    Some(match c {
        // Box drawing: lines, then every corner and junction.
        '─' | '━' | '═' | '╌' | '┄' | '┈' | '╍' | '┅' | '┉' => '-',
        '│' | '┃' | '║' | '╎' | '┆' | '┊' | '╏' | '┇' | '┋' => '|',
        '\u{2500}'..='\u{257f}' => '+',
        // Bars: sync bars (done, failed, to do), the caret and the mark.
        '█' | '▇' => '#',
        '▓' => 'x',
        '▒' => ':',
        '░' => '.',
        '▆' | '▅' => '=',
        '▄' | '▃' => '-',
        '▂' | '▁' => '_',
        '▏' | '▎' | '▍' | '▌' | '▐' | '▕' => '|',
        // Marks and arrows.
        '⟳' | '↻' | '●' | '◆' | '•' | '★' => '*',
        '⚠' => '!',
        '✗' | '✘' | '×' => 'x',
        '✓' | '✔' => '+',
        '↑' | '▲' => '^',
        '↓' | '▼' => 'v',
        '→' | '›' | '▶' | '»' => '>',
        '←' | '‹' | '◀' | '«' => '<',
        // Punctuation.
        '·' | '…' | '∙' => '.',
        '—' | '–' | '‐' | '−' => '-',
        '‘' | '’' | '′' => '\'',
        '“' | '”' | '″' => '"',
        '\u{a0}' | '\u{2007}' | '\u{2009}' | '\u{202f}' => ' ',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    fn locale(all: &str, ctype: &str, lang: &str) -> Charset {
        let v = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Charset::from_locale(v(all), v(ctype), v(lang))
    }

    #[test]
    fn only_a_utf8_locale_gets_unicode() {
        assert_eq!(locale("", "", "en_GB.UTF-8"), Charset::Unicode);
        assert_eq!(locale("", "", "C.utf8"), Charset::Unicode);
        assert_eq!(locale("", "", "C"), Charset::Ascii);
        assert_eq!(locale("", "", ""), Charset::Ascii);
        assert_eq!(locale("", "", "en_US.ISO-8859-1"), Charset::Ascii);
        // LC_ALL wins over LANG, and LC_CTYPE over LANG.
        assert_eq!(locale("C", "", "en_GB.UTF-8"), Charset::Ascii);
        assert_eq!(locale("", "POSIX", "en_GB.UTF-8"), Charset::Ascii);
        assert_eq!(locale("", "en_GB.UTF-8", "C"), Charset::Unicode);
    }

    #[test]
    fn a_frame_in_ascii_keeps_its_widths_and_sends_no_other_byte() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        buf.set_string(0, 0, "┌─⟳ é—…名█│", ratatui::style::Style::default());
        to_ascii(&mut buf);
        let line: String = buf.content.iter().map(|c| c.symbol()).collect();
        assert!(line.is_ascii(), "{line:?}");
        // The wide character stands as two `?` in its two columns (the
        // cell after it is blank in the buffer, skipped when sent).
        assert_eq!(line, "+-* ?-.?? #| ");
    }

    #[test]
    fn every_symbol_of_the_table_is_one_column_and_stands_as_one() {
        for c in ['─', '┐', '╯', '█', '░', '▏', '⟳', '↑', '…', '·', '⚠', '●']
        {
            assert_eq!(Span::raw(c.to_string()).width(), 1, "{c}");
            assert!(ascii_for(c).is_some_and(|a| a.is_ascii_graphic()), "{c}");
        }
    }
}
