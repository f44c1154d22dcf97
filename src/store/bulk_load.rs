//! A first sync (or any large write of new numbers) into an empty
//! inventory, with the trigram index fed once instead of row by row.
//!
//! The trigger that feeds the search index on every insert costs about
//! twice what one pass over the new rows costs (measured at 100,000
//! numbers: 0.24 s in the triggers against 0.12 s in one statement). So,
//! inside the caller's transaction, the inventory's insert triggers that
//! write the search index are dropped, the rows are written, the
//! trigger's own statement runs once over every row, and the trigger is
//! created again from its own SQL, read from `sqlite_schema` at that
//! moment: the path follows whatever the schema's triggers say. The
//! status counters' insert trigger is set aside the same way when it is
//! exactly the one migration step 6 made, and the counts are then added
//! up once with a `GROUP BY` (see [`COUNT_REFILL`]). A failure
//! or a crash anywhere rolls all of it back with the transaction. The
//! B-tree indexes are kept: rows go in in number order, so they append,
//! and building them again measured slower than feeding them (0.19-0.25 s
//! against 0.13-0.22 s).

use super::Result;
use crate::domain::cooling::Transition;
use rusqlite::Transaction;

/// Fewer new rows than this take the ordinary path: below it, the schema
/// change (which every reader then re-reads) is not worth it.
pub(crate) const BULK_MIN_ROWS: usize = 1_000;

/// The search index's name, as the insert triggers that feed it spell it.
const SEARCH_INDEX: &str = "numbers_fts";

/// The status counters' insert trigger as migration step 6 made it: set
/// aside only when `sqlite_schema` holds exactly this (whitespace aside),
/// since its refill below is written by hand, not derived from it.
const COUNT_TRIGGER: &str = "CREATE TRIGGER numbers_count_insert AFTER INSERT ON numbers BEGIN
        INSERT INTO number_counts(status, connection, n)
            VALUES (new.status, ifnull(new.connection, ''), 1)
            ON CONFLICT(status, connection) DO UPDATE SET n = n + 1;
    END";

/// What [`COUNT_TRIGGER`] adds up over every new row, in one statement:
/// rows of other statuses and connections (left at 0 by earlier deletes)
/// stay as they are, and every row of `numbers` is new on this path.
const COUNT_REFILL: &str = "INSERT INTO number_counts(status, connection, n)
    SELECT status, ifnull(connection, ''), COUNT(*) FROM numbers WHERE true GROUP BY 1, 2
    ON CONFLICT(status, connection) DO UPDATE SET n = n + excluded.n";

/// The insert triggers set aside while the rows go in.
pub(crate) struct Staged {
    /// Each dropped trigger's `CREATE TRIGGER` statement.
    triggers: Vec<String>,
    /// Each dropped trigger's statement, run once over every row.
    refills: Vec<String>,
}

/// Whether `transitions` may take the bulk path: enough of them, each a
/// new row (no `before`) of one kind, in strictly ascending number order
/// (so each is one row, inserted in the number index's order, and only
/// insert triggers fire), into an inventory with no rows at all.
pub(crate) fn applies(tx: &Transaction<'_>, transitions: &[Transition]) -> Result<bool> {
    let Some(first) = transitions.first() else {
        return Ok(false);
    };
    let shaped = transitions.len() >= BULK_MIN_ROWS
        && transitions
            .iter()
            .all(|t| t.before.is_none() && t.kind == first.kind)
        && transitions
            .windows(2)
            .all(|w| w[0].after.number < w[1].after.number);
    if !shaped {
        return Ok(false);
    }
    let empty: bool = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM numbers)", [], |r| {
        r.get(0)
    })?;
    Ok(empty)
}

impl Staged {
    /// Drops the inventory's insert triggers that feed the search index,
    /// keeping their SQL. None (and nothing dropped) when one of them is
    /// not a single `INSERT … VALUES` that can run over every row.
    pub(crate) fn begin(tx: &Transaction<'_>) -> Result<Option<Staged>> {
        let found: Vec<(String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT name, sql FROM sqlite_schema
                 WHERE type = 'trigger' AND tbl_name = 'numbers' ORDER BY rowid",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut staged = Staged {
            triggers: Vec::new(),
            refills: Vec::new(),
        };
        let mut names = Vec::new();
        for (name, sql) in found {
            if same_words(&sql, COUNT_TRIGGER) {
                staged.refills.push(COUNT_REFILL.to_string());
                staged.triggers.push(sql);
                names.push(name);
                continue;
            }
            if !is_insert_trigger(&sql) || !sql.contains(SEARCH_INDEX) {
                continue;
            }
            let Some(refill) = as_set_statement(&sql) else {
                return Ok(None);
            };
            staged.refills.push(refill);
            staged.triggers.push(sql);
            names.push(name);
        }
        if names.is_empty() {
            return Ok(None);
        }
        for name in names {
            tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
        }
        Ok(Some(staged))
    }

    /// Feeds the search index from every row once, then creates the
    /// triggers again as they were.
    pub(crate) fn finish(self, tx: &Transaction<'_>) -> Result<()> {
        for refill in &self.refills {
            tx.execute_batch(refill)?;
        }
        for sql in &self.triggers {
            tx.execute_batch(sql)?;
        }
        Ok(())
    }
}

/// The events of a bulk write, one per row, in row order: every row is
/// new (no status before) and of one kind.
pub(crate) fn write_events(
    tx: &Transaction<'_>,
    at: &str,
    cause: &str,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO number_events(number, at, from_status, to_status, cause, detail)
         SELECT number, ?1, NULL, status, ?2, ?3 FROM numbers ORDER BY id",
        [at, cause, detail],
    )?;
    Ok(())
}

/// Whether two statements are the same text but for whitespace.
fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Whether a trigger's SQL is `CREATE TRIGGER name AFTER INSERT ON numbers`.
fn is_insert_trigger(sql: &str) -> bool {
    let Some(begin) = keyword(sql, "BEGIN") else {
        return false;
    };
    let words: Vec<String> = words(&sql[..begin]);
    words
        .windows(4)
        .any(|w| w == ["AFTER", "INSERT", "ON", "NUMBERS"])
}

/// `CREATE TRIGGER … AFTER INSERT ON numbers [WHEN c] BEGIN INSERT INTO
/// t(cols) VALUES (exprs); END` as `INSERT INTO t(cols) SELECT exprs FROM
/// numbers AS new [WHERE c]`: the trigger's statement for every row at
/// once. None for any other shape (more statements, no VALUES list, …).
fn as_set_statement(sql: &str) -> Option<String> {
    let begin = keyword(sql, "BEGIN")?;
    let end = last_keyword(sql, "END")?;
    let header = &sql[..begin];
    let when = keyword(header, "WHEN").map(|w| header[w + "WHEN".len()..].trim());
    let body = sql[begin + "BEGIN".len()..end].trim();
    let body = body.strip_suffix(';').unwrap_or(body).trim();
    if body.is_empty() || unquoted(body).any(|(_, c)| c == ';') {
        return None;
    }
    if !words(body).starts_with(&["INSERT".to_string(), "INTO".to_string()]) {
        return None;
    }
    let values = keyword(body, "VALUES")?;
    let list = body[values + "VALUES".len()..].trim();
    let exprs = list.strip_prefix('(')?.strip_suffix(')')?;
    if !balanced(exprs) {
        // `VALUES (a), (b)`: more than one row per trigger.
        return None;
    }
    let filter = when.map_or(String::new(), |c| format!(" WHERE {c}"));
    Some(format!(
        "{} SELECT {} FROM numbers AS new{filter}",
        body[..values].trim_end(),
        exprs.trim()
    ))
}

/// The characters of `sql` outside quoted text and names, with
/// their byte offsets.
fn unquoted(sql: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut quote: Option<char> = None;
    sql.char_indices().filter(move |&(_, c)| match quote {
        Some(q) => {
            if c == q {
                quote = None;
            }
            false
        }
        None if matches!(c, '\'' | '"' | '`' | '[') => {
            quote = Some(if c == '[' { ']' } else { c });
            false
        }
        None => true,
    })
}

/// The words (letters, digits, `_`) outside quotes, upper-cased.
fn words(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut last = None;
    for (i, c) in unquoted(sql) {
        let joined = last.is_some_and(|l| l + 1 == i);
        if c.is_ascii_alphanumeric() || c == '_' {
            if !joined && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word.push(c.to_ascii_uppercase());
            last = Some(i);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The byte offsets of each whole word `kw` (upper case) outside quotes.
fn keyword_offsets<'s>(sql: &'s str, kw: &'s str) -> impl Iterator<Item = usize> + 's {
    let bytes = sql.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    unquoted(sql).filter_map(move |(i, _)| {
        let end = i + kw.len();
        let here = bytes.get(i..end)?;
        let whole = here.eq_ignore_ascii_case(kw.as_bytes())
            && (i == 0 || !is_word(bytes[i - 1]))
            && bytes.get(end).is_none_or(|b| !is_word(*b));
        whole.then_some(i)
    })
}

fn keyword(sql: &str, kw: &str) -> Option<usize> {
    keyword_offsets(sql, kw).next()
}

fn last_keyword(sql: &str, kw: &str) -> Option<usize> {
    keyword_offsets(sql, kw).last()
}

/// Whether every parenthesis outside quotes closes in order and the text
/// never drops back out to the level it started at before its end.
fn balanced(exprs: &str) -> bool {
    let mut depth = 0i32;
    for (_, c) in unquoted(exprs) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &str = "CREATE TRIGGER numbers_fts_insert AFTER INSERT ON numbers BEGIN
        INSERT INTO numbers_fts(rowid, number, tag, registered_user)
        VALUES (new.id, new.number, (CASE WHEN new.tag GLOB 'a; END (b' THEN '' ELSE new.tag END), new.registered_user);
    END";

    #[test]
    fn an_insert_trigger_becomes_its_statement_over_every_row() {
        assert!(is_insert_trigger(FEED));
        assert_eq!(
            as_set_statement(FEED).unwrap(),
            "INSERT INTO numbers_fts(rowid, number, tag, registered_user) SELECT new.id, new.number, \
             (CASE WHEN new.tag GLOB 'a; END (b' THEN '' ELSE new.tag END), new.registered_user FROM numbers AS new"
        );
    }

    #[test]
    fn a_trigger_condition_becomes_the_filter() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON numbers FOR EACH ROW WHEN new.tag != '' BEGIN
            INSERT INTO numbers_fts(rowid, tag) VALUES (new.id, new.tag); END";
        assert_eq!(
            as_set_statement(sql).unwrap(),
            "INSERT INTO numbers_fts(rowid, tag) SELECT new.id, new.tag FROM numbers AS new WHERE new.tag != ''"
        );
    }

    #[test]
    fn other_shapes_are_left_to_the_ordinary_path() {
        let two = "CREATE TRIGGER t AFTER INSERT ON numbers BEGIN
            INSERT INTO numbers_fts(rowid) VALUES (new.id); INSERT INTO x(a) VALUES (1); END";
        let rows = "CREATE TRIGGER t AFTER INSERT ON numbers BEGIN
            INSERT INTO numbers_fts(rowid) VALUES (new.id), (new.id + 1); END";
        let select = "CREATE TRIGGER t AFTER INSERT ON numbers BEGIN
            INSERT INTO numbers_fts(rowid) SELECT new.id; END";
        let update = "CREATE TRIGGER t AFTER UPDATE OF tag ON numbers BEGIN
            INSERT INTO numbers_fts(rowid) VALUES (new.id); END";
        for sql in [two, rows, select] {
            assert_eq!(as_set_statement(sql), None, "{sql}");
        }
        assert!(!is_insert_trigger(update));
        assert!(!is_insert_trigger(
            "CREATE TRIGGER t AFTER INSERT ON numbers_v2 BEGIN SELECT 1; END"
        ));
    }
}
