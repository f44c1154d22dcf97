//! How wide the `numbers` listing's padded columns must be for the rows a
//! query selects, and how many rows that is: one aggregate pass, so the
//! listing streams its rows (a million of them) with fitted columns and
//! never holds them.

//!
//! Widths are terminal cells of the text as shown (escaped for the
//! terminal). A value of printable ASCII shows as itself, one cell a
//! character, so SQL's `length()` is its width; the free-text columns
//! holding anything else are flagged by the same pass, and only their
//! distinct non-ASCII values are read back and measured here: exact, and
//! cheap when the data is plain.

use super::number_query::{NumberQuery, Plan};
use super::{Result, Store};
use crate::domain::terminal_text::shown_cells;

/// Matches a value holding anything but printable ASCII (a control, a
/// non-ASCII character).
const NOT_PLAIN: &str = "GLOB '*[^ -~]*'";

/// The widest value (in terminal cells, as shown) of each padded column of
/// a `numbers` listing, and the number of rows the query selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NumberWidths {
    pub rows: usize,
    pub number: usize,
    pub status: usize,
    pub usage: usize,
    pub vendor: usize,
    pub release_date: usize,
    pub connection: usize,
}

impl Store {
    /// The column widths and row count of `q`'s rows (zeros for none).
    pub fn number_widths(&self, q: &NumberQuery) -> Result<NumberWidths> {
        let c = q.conditions(Plan::default());
        // number, status and release_date have fixed ASCII forms; the
        // free-text columns' plain values are measured by length() and
        // their others flagged.
        let free = |col: &str| {
            format!(
                "ifnull(max(CASE WHEN {col} {NOT_PLAIN} THEN 0 ELSE length({col}) END), 0),
                 ifnull(max({col} {NOT_PLAIN}), 0)"
            )
        };
        let sql = format!(
            "SELECT count(*), ifnull(max(length(number)), 0), ifnull(max(length(status)), 0),
                    {}, {}, ifnull(max(length(release_date)), 0), {}
             FROM numbers {}",
            free("usage"),
            free("vendor"),
            free("connection"),
            c.clause()
        );
        let (mut widths, flagged) =
            self.conn
                .query_row(&sql, rusqlite::params_from_iter(c.args.iter()), |r| {
                    let widths = NumberWidths {
                        rows: r.get(0)?,
                        number: r.get(1)?,
                        status: r.get(2)?,
                        usage: r.get(3)?,
                        vendor: r.get(5)?,
                        release_date: r.get(7)?,
                        connection: r.get(8)?,
                    };
                    let flagged: [bool; 3] = [r.get(4)?, r.get(6)?, r.get(9)?];
                    Ok((widths, flagged))
                })?;
        let [usage, vendor, connection] = flagged;
        if usage {
            widths.usage = widths.usage.max(self.widest_shown(q, "usage")?);
        }
        if vendor {
            widths.vendor = widths.vendor.max(self.widest_shown(q, "vendor")?);
        }
        if connection {
            widths.connection = widths.connection.max(self.widest_shown(q, "connection")?);
        }
        Ok(widths)
    }

    /// The widest shown width of the distinct values of `col` (a free-text
    /// column) that are not plain ASCII, among `q`'s rows.
    fn widest_shown(&self, q: &NumberQuery, col: &str) -> Result<usize> {
        let c = q.conditions(Plan::default());
        let and = if c.clause().is_empty() {
            "WHERE"
        } else {
            "AND"
        };
        let sql = format!(
            "SELECT DISTINCT {col} FROM numbers {} {and} {col} {NOT_PLAIN}",
            c.clause()
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(c.args.iter()))?;
        let mut widest = 0;
        while let Some(r) = rows.next()? {
            let value: String = r.get(0)?;
            widest = widest.max(shown_cells(&value));
        }
        Ok(widest)
    }
}
