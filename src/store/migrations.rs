//! Versioned schema migrations, tracked in SQLite's `user_version`.
//! Append new steps; never edit a released one.

use rusqlite::Connection;

const STEPS: &[&str] = &[
    // 1: the foundation schema.
    r#"
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE connections (
        name       TEXT PRIMARY KEY,
        vendor     TEXT NOT NULL,
        source     TEXT NOT NULL,              -- 'config' or 'store'
        address    TEXT NOT NULL,
        settings   TEXT NOT NULL DEFAULT '{}', -- JSON, never secrets
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE numbers (
        number          TEXT PRIMARY KEY,
        status          TEXT NOT NULL,
        usage           TEXT NOT NULL DEFAULT '',
        vendor          TEXT NOT NULL DEFAULT '',
        tag             TEXT NOT NULL DEFAULT '',
        release_date    TEXT,                  -- YYYY-MM-DD
        connection      TEXT,
        registered_user TEXT,
        last_seen       TEXT,
        updated_at      TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX numbers_by_status ON numbers(status, number);
    CREATE INDEX numbers_by_connection ON numbers(connection, status);
    CREATE INDEX numbers_cooling ON numbers(release_date) WHERE status = 'Cooling';
    CREATE TABLE number_events (
        id          INTEGER PRIMARY KEY,
        number      TEXT NOT NULL,
        at          TEXT NOT NULL,
        from_status TEXT,
        to_status   TEXT NOT NULL,
        cause       TEXT NOT NULL,   -- sync run, sweep, purge, user action
        detail      TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX number_events_by_number ON number_events(number, id);
    CREATE TABLE registered_users (
        connection   TEXT NOT NULL,
        user_id      TEXT NOT NULL,
        user_name    TEXT NOT NULL,
        display_name TEXT NOT NULL,
        number       TEXT,
        status       TEXT NOT NULL,
        last_seen    TEXT,
        sbc          TEXT NOT NULL,
        PRIMARY KEY (connection, user_id)
    ) WITHOUT ROWID;
    CREATE TABLE sync_runs (
        id          INTEGER PRIMARY KEY,
        connection  TEXT NOT NULL,
        kind        TEXT NOT NULL,   -- sync, preview, purge
        job_id      TEXT,
        started_at  TEXT NOT NULL,
        ended_at    TEXT NOT NULL,
        result      TEXT NOT NULL,   -- applied, preview, guarded, failed
        counts      TEXT NOT NULL DEFAULT '{}',
        error       TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX sync_runs_by_connection ON sync_runs(connection, id);
    CREATE TABLE jobs (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        target      TEXT NOT NULL,
        spec        TEXT NOT NULL,
        state       TEXT NOT NULL,
        done        INTEGER NOT NULL DEFAULT 0,
        total       INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        started_at  TEXT,
        ended_at    TEXT,
        summary     TEXT NOT NULL DEFAULT '',
        error       TEXT NOT NULL DEFAULT '',
        pid         INTEGER NOT NULL
    );
    CREATE INDEX jobs_by_created ON jobs(created_at);
    CREATE TABLE job_logs (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq    INTEGER NOT NULL,
        at     TEXT NOT NULL,
        line   TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE leases (
        name       TEXT PRIMARY KEY,
        holder     TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE remote_items (
        connection TEXT NOT NULL,
        kind       TEXT NOT NULL,    -- e.g. calling_profile, or an AXP family key
        id         TEXT NOT NULL,
        parent     TEXT NOT NULL DEFAULT '',
        name       TEXT NOT NULL DEFAULT '',
        body       TEXT NOT NULL,    -- the item's JSON as the vendor sent it
        PRIMARY KEY (connection, kind, parent, id)
    ) WITHOUT ROWID;
    CREATE TABLE remote_refreshes (
        connection   TEXT NOT NULL,
        kind         TEXT NOT NULL,
        refreshed_at TEXT NOT NULL,
        PRIMARY KEY (connection, kind)
    ) WITHOUT ROWID;
    "#,
    // 2: connections made in the TUI keep their secrets apart from their
    // settings, in this 0600 file only; they are never read back to a screen.
    r#"
    CREATE TABLE connection_secrets (
        name  TEXT NOT NULL REFERENCES connections(name) ON DELETE CASCADE,
        key   TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, key)
    ) WITHOUT ROWID;
    CREATE INDEX number_events_by_at ON number_events(at);
    "#,
    // 3: a million numbers stay instant. The inventory gets an integer row
    // id (for the FTS5 index), an index per sort column (keyset windows),
    // status counters kept by triggers, and a trigram index for substring
    // filters on number, tag and user.
    r#"
    CREATE TABLE numbers_v3 (
        id              INTEGER PRIMARY KEY,
        number          TEXT NOT NULL UNIQUE,
        status          TEXT NOT NULL,
        usage           TEXT NOT NULL DEFAULT '',
        vendor          TEXT NOT NULL DEFAULT '',
        tag             TEXT NOT NULL DEFAULT '',
        release_date    TEXT,                  -- YYYY-MM-DD
        connection      TEXT,
        registered_user TEXT,
        last_seen       TEXT,
        updated_at      TEXT NOT NULL
    );
    INSERT INTO numbers_v3(number, status, usage, vendor, tag, release_date, connection, registered_user, last_seen, updated_at)
        SELECT number, status, usage, vendor, tag, release_date, connection, registered_user, last_seen, updated_at
        FROM numbers ORDER BY number;
    DROP TABLE numbers;
    ALTER TABLE numbers_v3 RENAME TO numbers;
    CREATE INDEX numbers_by_status ON numbers(status, number);
    CREATE INDEX numbers_cooling ON numbers(release_date) WHERE status = 'Cooling';
    -- One per sort column; the connection's also finds its rows for a sync.
    CREATE INDEX numbers_sort_usage ON numbers(usage, number);
    CREATE INDEX numbers_sort_vendor ON numbers(vendor, number);
    CREATE INDEX numbers_sort_tag ON numbers(tag, number);
    CREATE INDEX numbers_sort_release ON numbers(ifnull(release_date, ''), number);
    CREATE INDEX numbers_sort_connection ON numbers(ifnull(connection, ''), number);
    CREATE INDEX numbers_sort_user ON numbers(ifnull(registered_user, ''), number);
    CREATE INDEX numbers_sort_seen ON numbers(ifnull(last_seen, ''), number);

    -- Counts per status and connection ('' for none), kept by triggers, so
    -- the header and the Connections tab never count rows. (The triggers
    -- test for the row: an INSERT OR IGNORE would take the outer upsert's
    -- conflict policy instead of its own.)
    CREATE TABLE number_counts (
        status     TEXT NOT NULL,
        connection TEXT NOT NULL,
        n          INTEGER NOT NULL,
        PRIMARY KEY (status, connection)
    ) WITHOUT ROWID;
    INSERT INTO number_counts(status, connection, n)
        SELECT status, ifnull(connection, ''), COUNT(*) FROM numbers GROUP BY 1, 2;
    CREATE TRIGGER numbers_count_insert AFTER INSERT ON numbers BEGIN
        INSERT INTO number_counts(status, connection, n)
            SELECT new.status, ifnull(new.connection, ''), 0 WHERE NOT EXISTS (
                SELECT 1 FROM number_counts
                WHERE status = new.status AND connection = ifnull(new.connection, ''));
        UPDATE number_counts SET n = n + 1
            WHERE status = new.status AND connection = ifnull(new.connection, '');
    END;
    CREATE TRIGGER numbers_count_delete AFTER DELETE ON numbers BEGIN
        UPDATE number_counts SET n = n - 1
            WHERE status = old.status AND connection = ifnull(old.connection, '');
    END;
    CREATE TRIGGER numbers_count_update AFTER UPDATE OF status, connection ON numbers
    WHEN old.status IS NOT new.status OR old.connection IS NOT new.connection BEGIN
        UPDATE number_counts SET n = n - 1
            WHERE status = old.status AND connection = ifnull(old.connection, '');
        INSERT INTO number_counts(status, connection, n)
            SELECT new.status, ifnull(new.connection, ''), 0 WHERE NOT EXISTS (
                SELECT 1 FROM number_counts
                WHERE status = new.status AND connection = ifnull(new.connection, ''));
        UPDATE number_counts SET n = n + 1
            WHERE status = new.status AND connection = ifnull(new.connection, '');
    END;

    -- Substring search over the number, the user and hand-written tags. The
    -- tag VOSS generates when a number cools is left out: it says nothing a
    -- status filter does not, and indexing its 80 characters on every cool
    -- and release was most of a sweep's time.
    CREATE VIRTUAL TABLE numbers_fts USING fts5(
        number, tag, registered_user,
        content = 'numbers', content_rowid = 'id', tokenize = 'trigram'
    );
    INSERT INTO numbers_fts(rowid, number, tag, registered_user)
        SELECT id, number, (CASE WHEN tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE tag END), registered_user FROM numbers;
    CREATE TRIGGER numbers_fts_insert AFTER INSERT ON numbers BEGIN
        INSERT INTO numbers_fts(rowid, number, tag, registered_user)
        VALUES (new.id, new.number, (CASE WHEN new.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE new.tag END), new.registered_user);
    END;
    CREATE TRIGGER numbers_fts_delete AFTER DELETE ON numbers BEGIN
        INSERT INTO numbers_fts(numbers_fts, rowid, number, tag, registered_user)
        VALUES ('delete', old.id, old.number, (CASE WHEN old.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE old.tag END), old.registered_user);
    END;
    CREATE TRIGGER numbers_fts_update AFTER UPDATE OF tag, registered_user ON numbers
    WHEN (CASE WHEN old.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE old.tag END) IS NOT (CASE WHEN new.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE new.tag END)
        OR old.registered_user IS NOT new.registered_user BEGIN
        INSERT INTO numbers_fts(numbers_fts, rowid, number, tag, registered_user)
        VALUES ('delete', old.id, old.number, (CASE WHEN old.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE old.tag END), old.registered_user);
        INSERT INTO numbers_fts(rowid, number, tag, registered_user)
        VALUES (new.id, new.number, (CASE WHEN new.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE new.tag END), new.registered_user);
    END;
    "#,
    // 4: a refresh stores each kind (an AXP family, calling profiles,
    // services, leads) on its own. A kind whose last fetch failed keeps its
    // items and is stale: when that fetch failed and why. `refreshed_at`
    // stays the time of the last good fetch ('' if there never was one).
    r#"
    ALTER TABLE remote_refreshes ADD COLUMN failed_at TEXT;
    ALTER TABLE remote_refreshes ADD COLUMN error TEXT NOT NULL DEFAULT '';
    "#,
    // 5: a sync run keeps which numbers conflicted and which users were
    // skipped (JSON, see `store::sync::SyncDetails`), so that the Jobs and
    // Connections views can list them after the job's process has gone.
    r#"
    ALTER TABLE sync_runs ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
    "#,
    // 6: the status counters cost one upsert per row instead of a test, an
    // insert and an update (a sweep or a first sync of 100,000 rows runs
    // them 100,000 times). An upsert inside a trigger keeps its own
    // conflict clause, whatever the statement that fired it.
    r#"
    DROP TRIGGER numbers_count_insert;
    DROP TRIGGER numbers_count_update;
    CREATE TRIGGER numbers_count_insert AFTER INSERT ON numbers BEGIN
        INSERT INTO number_counts(status, connection, n)
            VALUES (new.status, ifnull(new.connection, ''), 1)
            ON CONFLICT(status, connection) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER numbers_count_update AFTER UPDATE OF status, connection ON numbers
    WHEN old.status IS NOT new.status OR old.connection IS NOT new.connection BEGIN
        UPDATE number_counts SET n = n - 1
            WHERE status = old.status AND connection = ifnull(old.connection, '');
        INSERT INTO number_counts(status, connection, n)
            VALUES (new.status, ifnull(new.connection, ''), 1)
            ON CONFLICT(status, connection) DO UPDATE SET n = n + 1;
    END;
    "#,
    // 7: the sort indexes skip empty values (NULL or ''). A release empties
    // seven of them: it now deletes seven index entries and inserts none,
    // and the Available pool (most of a large store) sits in none of them.
    // The Numbers window reads the rows with an empty value in number order
    // (see `store::number_query::Stretch`); the connection's index still
    // finds its rows for a sync.
    r#"
    DROP INDEX numbers_sort_usage;
    DROP INDEX numbers_sort_vendor;
    DROP INDEX numbers_sort_tag;
    DROP INDEX numbers_sort_release;
    DROP INDEX numbers_sort_connection;
    DROP INDEX numbers_sort_user;
    DROP INDEX numbers_sort_seen;
    CREATE INDEX numbers_sort_usage ON numbers(usage, number) WHERE usage > '';
    CREATE INDEX numbers_sort_vendor ON numbers(vendor, number) WHERE vendor > '';
    CREATE INDEX numbers_sort_tag ON numbers(tag, number) WHERE tag > '';
    CREATE INDEX numbers_sort_release ON numbers(release_date, number) WHERE release_date > '';
    CREATE INDEX numbers_sort_connection ON numbers(connection, number) WHERE connection > '';
    CREATE INDEX numbers_sort_user ON numbers(registered_user, number) WHERE registered_user > '';
    CREATE INDEX numbers_sort_seen ON numbers(last_seen, number) WHERE last_seen > '';
    "#,
    // 8 (write22): the index of events by time (step 2) goes. No query
    // reads events by time (a number's history reads them by number and
    // id), so every event paid an index entry for nothing: 3.1 MB of a
    // first sync's 68 MB store at 100,000 numbers. Should something read
    // events by time later: ids are given in the order events are
    // written, which is the order of their times, so `ORDER BY id` on the
    // table's own key is that order.
    r#"
    DROP INDEX number_events_by_at;
    "#,
    // 9 (fts22): the trigram index keeps each trigram's row ids only
    // (`detail=none`: no columns, no positions) and no per-row sizes
    // (`columnsize=0`: nothing ranks), so every row costs it less to write
    // and to take out. A substring is then looked up as the AND of its
    // trigrams (see `TextFilter::fts_query`), which the LIKE rule narrows
    // as before. The table is made again and refilled from the rows; the
    // triggers are step 3's, word for word (the bulk path reads them).
    r#"
    DROP TRIGGER numbers_fts_insert;
    DROP TRIGGER numbers_fts_delete;
    DROP TRIGGER numbers_fts_update;
    DROP TABLE numbers_fts;
    CREATE VIRTUAL TABLE numbers_fts USING fts5(
        number, tag, registered_user,
        content = 'numbers', content_rowid = 'id', tokenize = 'trigram',
        detail = none, columnsize = 0
    );
    INSERT INTO numbers_fts(rowid, number, tag, registered_user)
        SELECT id, number, (CASE WHEN tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE tag END), registered_user FROM numbers;
    CREATE TRIGGER numbers_fts_insert AFTER INSERT ON numbers BEGIN
        INSERT INTO numbers_fts(rowid, number, tag, registered_user)
        VALUES (new.id, new.number, (CASE WHEN new.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE new.tag END), new.registered_user);
    END;
    CREATE TRIGGER numbers_fts_delete AFTER DELETE ON numbers BEGIN
        INSERT INTO numbers_fts(numbers_fts, rowid, number, tag, registered_user)
        VALUES ('delete', old.id, old.number, (CASE WHEN old.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE old.tag END), old.registered_user);
    END;
    CREATE TRIGGER numbers_fts_update AFTER UPDATE OF tag, registered_user ON numbers
    WHEN (CASE WHEN old.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE old.tag END) IS NOT (CASE WHEN new.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE new.tag END)
        OR old.registered_user IS NOT new.registered_user BEGIN
        INSERT INTO numbers_fts(numbers_fts, rowid, number, tag, registered_user)
        VALUES ('delete', old.id, old.number, (CASE WHEN old.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE old.tag END), old.registered_user);
        INSERT INTO numbers_fts(rowid, number, tag, registered_user)
        VALUES (new.id, new.number, (CASE WHEN new.tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE new.tag END), new.registered_user);
    END;
    "#,
];

/// The tag the substring search sees (SQL on `tag`): hand tags, not VOSS's
/// generated cooling tag. The trigram triggers spell the same expression.
pub(crate) fn hand_tag(column: &str) -> String {
    format!("(CASE WHEN {column} GLOB '{COOLING_GLOB}' THEN '' ELSE {column} END)")
}

const COOLING_GLOB: &str = "Registered user is either offline or deleted, release date *";

/// The page size a new store file is made with (SQLite's default is
/// 4 KiB). A first sync of 100,000 users writes and checkpoints about
/// 60 MB of pages; at 16 KiB it splits a quarter as many B-tree pages and
/// writes a quarter as many WAL frames (`store_write_cost`, CPU: first
/// sync 0.63-0.65 s against 0.75-0.77 s, purge 0.73-0.74 s against
/// 0.85-0.87 s, sweep 1.07-1.10 s against 1.18-1.21 s). A store made
/// before keeps its 4 KiB pages: only a `VACUUM` outside WAL mode could
/// change them.
pub(crate) const PAGE_SIZE: u32 = 16_384;

/// Asks for [`PAGE_SIZE`] for a store file that has no pages yet; on any
/// other store SQLite ignores it. It must come before `journal_mode =
/// WAL`, which writes the file's first page.
pub(crate) fn ask_page_size(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "page_size", PAGE_SIZE)
}

/// The schema version whose step made the trigram index lean
/// (`detail = none`): tests make a store at the version before it.
#[cfg(test)]
pub(crate) fn lean_trigrams() -> usize {
    STEPS
        .iter()
        .position(|s| s.contains("detail = none"))
        .expect("the lean trigram step")
        + 1
}

/// Step 3's trigram index and its triggers (positions kept), as a store
/// made before [`lean_trigrams`] holds them.
#[cfg(test)]
pub(crate) fn positional_trigrams() -> &'static str {
    let step = STEPS[2];
    &step[step
        .find("CREATE VIRTUAL TABLE numbers_fts")
        .expect("step 3's index")..]
}

pub fn latest() -> usize {
    STEPS.len()
}

/// Brings the schema up to date; each step runs in its own transaction.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    migrate_to(conn, STEPS.len())
}

/// Brings the schema up to version `last` (tests make older stores).
pub(crate) fn migrate_to(conn: &mut Connection, last: usize) -> rusqlite::Result<()> {
    let current: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > STEPS.len() {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISMATCH),
            Some(format!(
                "the store has schema version {current}, newer than this switchboard knows ({}); upgrade switchboard",
                STEPS.len()
            )),
        ));
    }
    for (i, step) in STEPS.iter().enumerate().take(last).skip(current) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > i {
            continue;
        }
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_skips_exactly_the_tag_the_planner_writes() {
        let glob = COOLING_GLOB.trim_end_matches('*');
        assert_eq!(glob, crate::domain::cooling::COOLING_TAG_PREFIX);
        assert_eq!(STEPS[2].matches(&hand_tag("new.tag")).count(), 3);
        assert_eq!(STEPS[2].matches(&hand_tag("old.tag")).count(), 3);
    }

    /// The step that made the trigram index lean spells step 3's
    /// triggers word for word (what the bulk path recognises).
    #[test]
    fn the_lean_trigram_index_keeps_step_3s_triggers() {
        let triggers = |step: &str| -> Vec<String> {
            let from = step.find("CREATE TRIGGER numbers_fts_insert").unwrap();
            step[from..]
                .split("END;")
                .filter(|t| t.contains("CREATE TRIGGER numbers_fts_"))
                .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        };
        let lean = STEPS[lean_trigrams() - 1];
        assert_eq!(triggers(lean).len(), 3);
        assert_eq!(triggers(lean), triggers(STEPS[2]));
    }
}
