//! The one table writer of the listings (`numbers`, `profiles`,
//! `services`, `leads`, `voice list`, `jobs`, `connections list`, `audit`):
//! a header row of upper-case titles (left out with `--no-header`), each
//! column as wide as its widest cell, two spaces between columns, the last
//! column unpadded.
//!
//! Every cell is escaped for the terminal on its own, so a name holding a
//! newline or an escape sequence shows as `\x0a` / `\x1b` and keeps its row
//! on one line; widths are the terminal cells of the escaped text (a CJK
//! character or an emoji takes two).

use crate::domain::terminal_text::{cell_width, terminal_safe};
use std::io::Write;

const GAP: &str = "  ";

/// One row as text: each cell but the last padded to its column's width.
fn format_row<S: AsRef<str>>(cells: &[S], widths: &[usize]) -> String {
    let mut line = String::new();
    let last = cells.len().saturating_sub(1);
    for (i, cell) in cells.iter().enumerate() {
        let cell = cell.as_ref();
        line.push_str(cell);
        if i < last {
            let width = widths.get(i).copied().unwrap_or(0);
            let pad = width.saturating_sub(cell_width(cell));
            line.extend(std::iter::repeat_n(' ', pad));
            line.push_str(GAP);
        }
    }
    line.truncate(line.trim_end().len());
    line
}

fn escaped(cell: &str) -> String {
    terminal_safe(cell).into_owned()
}

fn width(cell: &str) -> usize {
    cell_width(cell)
}

struct Row {
    cells: Vec<String>,
    /// Lines printed under the row as they are (not part of the widths).
    notes: Vec<String>,
}

/// A table held whole, so its widths fit every cell: for the listings of
/// hundreds or thousands of rows (profiles, services, leads, voice items,
/// jobs, connections, audit findings).
pub struct Table {
    titles: Vec<String>,
    rows: Vec<Row>,
}

impl Table {
    pub fn new<S: AsRef<str>>(titles: &[S]) -> Table {
        Table {
            titles: titles.iter().map(|t| t.as_ref().to_uppercase()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (its cells are escaped here).
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        self.rows.push(Row {
            cells: cells.iter().map(|c| escaped(c.as_ref())).collect(),
            notes: Vec::new(),
        });
    }

    /// A line under the last row, e.g. `connections list`'s STALE lines
    /// (escaped here).
    pub fn note(&mut self, line: &str) {
        if let Some(last) = self.rows.last_mut() {
            last.notes.push(escaped(line));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn widths(&self, header: bool) -> Vec<usize> {
        let mut widths: Vec<usize> = if header {
            self.titles.iter().map(|t| width(t)).collect()
        } else {
            vec![0; self.titles.len()]
        };
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(&row.cells) {
                *w = (*w).max(width(cell));
            }
        }
        widths
    }

    /// The table as lines: the header row first when `header`.
    pub fn lines(&self, header: bool) -> Vec<String> {
        let widths = self.widths(header);
        let mut lines = Vec::with_capacity(self.rows.len() + 1);
        if header {
            lines.push(format_row(&self.titles, &widths));
        }
        for row in &self.rows {
            lines.push(format_row(&row.cells, &widths));
            lines.extend(row.notes.iter().cloned());
        }
        lines
    }

    /// Prints the table to stdout (nothing at all when it has no rows);
    /// stops at a failed write.
    pub fn print(&self, header: bool) {
        if self.is_empty() {
            return;
        }
        for line in self.lines(header) {
            super::out_line(&line);
            if super::stdout::failed() {
                return;
            }
        }
    }
}

/// A table written row by row, its widths known before the first row (from
/// the store, measured as shown): for `numbers`, up to a million rows never
/// held at once. A cell wider than its column (none, when the widths are
/// right) pushes the rest of its row right rather than being cut.
pub struct StreamTable<W: Write> {
    out: W,
    widths: Vec<usize>,
}

impl<W: Write> StreamTable<W> {
    /// Starts the table: `widths` are the widest cell of each column; the
    /// titles widen them when the header row is written.
    pub fn start(
        mut out: W,
        titles: &[&str],
        widths: &[usize],
        header: bool,
    ) -> std::io::Result<Self> {
        let titles: Vec<String> = titles.iter().map(|t| t.to_uppercase()).collect();
        let widths: Vec<usize> = titles
            .iter()
            .zip(widths)
            .map(|(t, w)| if header { (*w).max(width(t)) } else { *w })
            .collect();
        if header {
            writeln!(out, "{}", format_row(&titles, &widths))?;
        }
        Ok(StreamTable { out, widths })
    }

    pub fn row(&mut self, cells: &[&str]) -> std::io::Result<()> {
        let cells: Vec<String> = cells.iter().map(|c| escaped(c)).collect();
        writeln!(self.out, "{}", format_row(&cells, &self.widths))
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_the_widest_cell_and_the_last_is_not_padded() {
        let mut t = Table::new(&["name", "id", "note"]);
        t.row(&["a-very-long-trunk-name", "1", "x"]);
        t.row(&["b", "22", ""]);
        assert_eq!(
            t.lines(true),
            [
                "NAME                    ID  NOTE",
                "a-very-long-trunk-name  1   x",
                "b                       22",
            ]
        );
    }

    #[test]
    fn without_the_header_the_titles_do_not_widen_columns() {
        let mut t = Table::new(&["connection", "x"]);
        t.row(&["a", "b"]);
        assert_eq!(t.lines(false), ["a  b"]);
    }

    #[test]
    fn a_cell_with_a_newline_or_escape_stays_on_its_row() {
        let mut t = Table::new(&["name", "id"]);
        t.row(&["two\nlines\x1b[2J", "7"]);
        let lines = t.lines(true);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[1], "two\\x0alines\\x1b[2J  7");
        // The column is as wide as the escaped name (19 characters).
        assert_eq!(lines[0], format!("{:<19}  ID", "NAME"));
    }

    #[test]
    fn wide_characters_take_two_cells() {
        let mut t = Table::new(&["name", "id"]);
        t.row(&["中文", "1"]);
        t.row(&["ab", "2"]);
        assert_eq!(t.lines(true), ["NAME  ID", "中文  1", "ab    2"]);
    }

    #[test]
    fn notes_follow_their_row_outside_the_widths() {
        let mut t = Table::new(&["name", "x"]);
        t.row(&["a", "b"]);
        t.note("      a note much wider than any column");
        assert_eq!(
            t.lines(true),
            [
                "NAME  X",
                "a     b",
                "      a note much wider than any column"
            ]
        );
    }

    #[test]
    fn a_stream_uses_the_given_widths() {
        let mut out = Vec::new();
        let mut t = StreamTable::start(&mut out, &["number", "tag"], &[12, 0], true).unwrap();
        t.row(&["+15550000000", "vip"]).unwrap();
        t.finish().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "NUMBER        TAG\n+15550000000  vip\n"
        );
    }
}
