//! How wide the `numbers` listing's padded columns must be for the rows a
//! query selects, and how many rows that is: one aggregate pass, so the
//! listing streams its rows (a million of them) with fitted columns and
//! never holds them.

use super::number_query::{NumberQuery, Plan};
use super::{Result, Store};

/// The widest value (in characters) of each padded column of a `numbers`
/// listing, and the number of rows the query selects.
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
        let sql = format!(
            "SELECT count(*), ifnull(max(length(number)), 0), ifnull(max(length(status)), 0),
                    ifnull(max(length(usage)), 0), ifnull(max(length(vendor)), 0),
                    ifnull(max(length(release_date)), 0), ifnull(max(length(connection)), 0)
             FROM numbers {}",
            c.clause()
        );
        let widths = self
            .conn
            .query_row(&sql, rusqlite::params_from_iter(c.args.iter()), |r| {
                Ok(NumberWidths {
                    rows: r.get(0)?,
                    number: r.get(1)?,
                    status: r.get(2)?,
                    usage: r.get(3)?,
                    vendor: r.get(4)?,
                    release_date: r.get(5)?,
                    connection: r.get(6)?,
                })
            })?;
        Ok(widths)
    }
}
