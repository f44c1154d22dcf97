//! Fitting a table to the width it has, for every table of the dashboard.
//!
//! Each view states its columns as data: a header, how it fits (an
//! identifier is shown whole or not at all; free text may be cut down to a
//! minimum) and a priority. Widths come from the cells on screen (the
//! header's width at least, free text capped), and when the columns do not
//! fit, whole columns give way, never parts of identifiers: first a column
//! with nothing in it on screen, then the highest `drop` first (0 = always
//! shown), the rightmost first among equals.

use super::cells::cells;
use ratatui::layout::Constraint;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

/// The cells between two columns.
pub const SPACING: u16 = 1;
/// What ends a cut text cell.
pub const ELLIPSIS: &str = "…";

/// How a column's cells may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// An identifier (a number, a name, a job's target, an id): whole, or
    /// the column gives way entirely. Never capped.
    Whole,
    /// Free text (a result, an address, a list of sites): at most `max`
    /// cells, cut with an ellipsis down to `min` cells before giving way.
    Cut { min: u16, max: u16 },
}

/// One column of a table, as data.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Short enough to be shown whole: a column is never narrower than it.
    pub header: &'static str,
    /// 0: always shown; otherwise the higher, the sooner it gives way.
    pub drop: u8,
    pub fit: Fit,
}

impl Column {
    pub const fn whole(header: &'static str, drop: u8) -> Column {
        Column {
            header,
            drop,
            fit: Fit::Whole,
        }
    }

    pub const fn cut(header: &'static str, drop: u8, min: u16, max: u16) -> Column {
        Column {
            header,
            drop,
            fit: Fit::Cut { min, max },
        }
    }

    fn header_width(&self) -> u16 {
        cells(Line::raw(self.header).width())
    }

    /// Its width with room enough for `widest` cells.
    fn ideal(&self, widest: u16) -> u16 {
        let content = match self.fit {
            Fit::Whole => widest,
            Fit::Cut { max, .. } => widest.min(max),
        };
        content.max(self.header_width())
    }

    /// The least it can take and still be shown.
    fn least(&self, widest: u16) -> u16 {
        match self.fit {
            Fit::Whole => self.ideal(widest),
            Fit::Cut { min, .. } => self.ideal(widest).min(min.max(self.header_width())),
        }
    }
}

/// The columns shown in `width` cells and their widths, in column order:
/// `(index, width)`. `widest[i]` is the widest cell of column `i` on screen.
pub fn fit(columns: &[Column], widest: &[u16], width: u16) -> Vec<(usize, u16)> {
    let wide = |i: usize| widest.get(i).copied().unwrap_or(0);
    // Who gives way, first first: empty columns, then by priority, then
    // the rightmost.
    let mut order: Vec<usize> = (0..columns.len())
        .filter(|&i| columns[i].drop > 0)
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse((wide(i) == 0, columns[i].drop, i)));
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let need = |kept: &[usize]| -> u16 {
        let widths: u16 = kept.iter().map(|&i| columns[i].least(wide(i))).sum();
        widths + SPACING * cells(kept.len().saturating_sub(1))
    };
    // A column with nothing on screen takes no room a cut text could use.
    let ideal: u16 = (0..columns.len())
        .map(|i| columns[i].ideal(wide(i)) + SPACING)
        .sum();
    if ideal > width + SPACING {
        kept.retain(|&i| wide(i) > 0 || columns[i].drop == 0);
    }
    let mut dropped = Vec::new();
    for out in order {
        if need(&kept) <= width {
            break;
        }
        if kept.contains(&out) {
            kept.retain(|&i| i != out);
            dropped.push(out);
        }
    }
    // A column that gave way comes back when it fits in what is left, the
    // most important first.
    for back in dropped.into_iter().rev() {
        let mut with = kept.clone();
        with.push(back);
        with.sort_unstable();
        if need(&with) <= width {
            kept = with;
        }
    }
    // What is left goes to the cut columns, left to right: up to their cap
    // first, then, when room remains, up to their whole text.
    let mut spare = width.saturating_sub(need(&kept));
    let mut shown: Vec<(usize, u16)> = kept
        .iter()
        .map(|&i| (i, columns[i].least(wide(i))))
        .collect();
    let goals: [fn(&Column, u16) -> u16; 2] = [Column::ideal, |c, w| w.max(c.header_width())];
    for goal in goals {
        for (i, width) in shown.iter_mut() {
            let more = goal(&columns[*i], wide(*i))
                .saturating_sub(*width)
                .min(spare);
            spare -= more;
            *width += more;
        }
    }
    shown
}

/// `line` in at most `width` cells: whole when it fits, else cut with an
/// ellipsis (styles kept).
pub fn cut(line: Line<'_>, width: u16) -> Line<'static> {
    let width = width as usize;
    if line.width() <= width {
        return owned(line);
    }
    let mut left = width.saturating_sub(1);
    let mut spans = Vec::new();
    for span in line.spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let w = Span::raw(c.to_string()).width();
            if w > left {
                left = 0;
                break;
            }
            left -= w;
            text.push(c);
        }
        spans.push(Span::styled(text, span.style));
        if left == 0 {
            break;
        }
    }
    if width > 0 {
        spans.push(Span::raw(ELLIPSIS));
    }
    Line::from(spans)
}

fn owned(line: Line<'_>) -> Line<'static> {
    Line::from(
        line.spans
            .into_iter()
            .map(|s| Span::styled(s.content.into_owned(), s.style))
            .collect::<Vec<_>>(),
    )
    .style(line.style)
}

/// A table of `rows` (one line per column of `columns`) fitted to `width`
/// cells (a bordered table's inner width): columns that do not fit are
/// left out, cut text ends with an ellipsis, headers are whole.
pub fn table(
    columns: &[Column],
    rows: Vec<Vec<Line<'_>>>,
    width: u16,
    header_style: Style,
) -> Table<'static> {
    let mut widest = vec![0u16; columns.len()];
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(columns.len()) {
            widest[i] = widest[i].max(cells(cell.width()));
        }
    }
    let shown = fit(columns, &widest, width);
    let rows: Vec<Row<'static>> = rows
        .into_iter()
        .map(|row| {
            let mut row: Vec<Option<Line<'_>>> = row.into_iter().map(Some).collect();
            Row::new(shown.iter().map(|&(i, w)| {
                let line = row.get_mut(i).and_then(Option::take).unwrap_or_default();
                Cell::from(cut(line, w))
            }))
        })
        .collect();
    let header = Row::new(shown.iter().map(|&(i, _)| columns[i].header)).style(header_style);
    let widths: Vec<Constraint> = shown.iter().map(|&(_, w)| Constraint::Length(w)).collect();
    Table::new(rows, widths)
        .header(header)
        .column_spacing(SPACING)
}

/// A stored RFC 3339 stamp as a table shows it: to the minute, without the
/// `T` and the zone ("2026-11-22 19:48"); the detail panes show it whole.
pub fn stamp(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(time)) if at.as_bytes().get(10) == Some(&b'T') => {
            format!("{day} {time}")
        }
        _ => at.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Column; 5] = [
        Column::whole("Number", 0),
        Column::whole("Status", 1),
        Column::whole("Connection", 3),
        Column::whole("Tag", 4),
        Column::cut("Result", 2, 6, 30),
    ];

    fn names(shown: &[(usize, u16)]) -> Vec<&'static str> {
        shown.iter().map(|&(i, _)| COLS[i].header).collect()
    }

    #[test]
    fn columns_give_way_by_priority_and_identifiers_are_never_narrowed() {
        let widest = [12, 9, 8, 3, 40];
        // Everything: the result capped at 30, whole when room remains.
        let all = fit(&COLS, &widest, 68);
        assert_eq!(all, [(0, 12), (1, 9), (2, 10), (3, 3), (4, 30)]);
        let all = fit(&COLS, &widest, 100);
        assert_eq!(all, [(0, 12), (1, 9), (2, 10), (3, 3), (4, 40)]);
        // The tag goes first, then the connection; the result shrinks
        // before the status goes, and never below its minimum.
        assert_eq!(
            names(&fit(&COLS, &widest, 40)),
            ["Number", "Status", "Connection", "Result"]
        );
        assert_eq!(
            fit(&COLS, &widest, 32),
            [(0, 12), (1, 9), (4, 9)],
            "the connection gave way; the result took what was left"
        );
        assert_eq!(names(&fit(&COLS, &widest, 24)), ["Number", "Status"]);
        // Never below the columns that must stay, and never narrower than
        // their content.
        assert_eq!(fit(&COLS, &widest, 5), [(0, 12)]);
    }

    #[test]
    fn an_empty_column_gives_way_before_one_with_content() {
        // Nothing in Connection on screen: it goes before the Tag.
        let widest = [12, 9, 0, 3, 6];
        assert_eq!(
            names(&fit(&COLS, &widest, 35)),
            ["Number", "Status", "Tag", "Result"]
        );
    }

    #[test]
    fn a_column_that_gave_way_comes_back_when_it_fits() {
        // The tag went first, the connection second; the tag fits again.
        let widest = [12, 9, 8, 3, 6];
        assert_eq!(
            names(&fit(&COLS, &widest, 36)),
            ["Number", "Status", "Tag", "Result"]
        );
    }

    #[test]
    fn headers_are_never_cut() {
        // Content narrower than the header: the header's width.
        let shown = fit(&COLS, &[1, 1, 1, 1, 1], 100);
        for (i, w) in shown {
            assert!(usize::from(w) >= COLS[i].header.len(), "{}", COLS[i].header);
        }
    }

    #[test]
    fn cut_text_ends_with_an_ellipsis_and_keeps_what_fits() {
        let line = Line::from(vec![Span::raw("arm-east: "), Span::raw("added 2300")]);
        assert_eq!(cut(line.clone(), 30).to_string(), "arm-east: added 2300");
        assert_eq!(cut(line.clone(), 12).to_string(), "arm-east: a…");
        assert_eq!(cut(line, 1).to_string(), "…");
    }

    #[test]
    fn a_table_shows_identifiers_whole_at_any_width() {
        let rows = vec![vec![
            Line::raw("+12125550123"),
            Line::raw("Available"),
            Line::raw("arm-east"),
            Line::raw(""),
            Line::raw("a long result that will be cut"),
        ]];
        for width in [20u16, 30, 40, 60, 80] {
            let table = table(&COLS, rows.clone(), width, Style::default());
            let mut buf =
                ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, width, 2));
            ratatui::widgets::Widget::render(table, buf.area, &mut buf);
            let text: String = (0..width)
                .map(|x| buf[(x, 1)].symbol().to_string())
                .collect();
            assert!(text.contains("+12125550123"), "{width}: {text}");
            for id in ["Available", "arm-east"] {
                let partial = (2..id.len()).any(|n| text.contains(&id[..n]));
                assert!(text.contains(id) || !partial, "{width}: {id} cut in {text}");
            }
        }
    }

    #[test]
    fn stamps_show_to_the_minute() {
        assert_eq!(stamp("2026-11-22T19:48:00Z"), "2026-11-22 19:48");
        assert_eq!(stamp("never"), "never");
    }
}
