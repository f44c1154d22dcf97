//! The lean trigram index (row ids only) asked for the AND of a
//! substring's distinct trigrams, the LIKE rule deciding: every filter,
//! asked of the store in process as the Numbers tab asks it (count, quick
//! count, first window), must give exactly the rows a LIKE scan of the
//! store finds, on a +1555 estate full of periodic substrings (5555,
//! 0000, 1212), after a first sync (bulk), 60,000 numbers added (past the
//! window's scan bound and the count's candidate cap), a re-sync that
//! renames and cools, hand tags, an import, a purge and a sweep; and
//! after imports into an empty store. (`numbers --filter` on the command
//! line scans with LIKE and never asks the index.)

use super::*;
use switchboard::store::number_query::{NumberQuery, Seek};
use switchboard::store::Store;

/// Substrings of every shape: repeated trigrams, the universal prefix
/// without its '+', prefixes (a range, not a substring), quotes, LIKE's
/// wildcards, non-ASCII case and combining marks, one and two letters.
const FILTERS: &[&str] = &[
    "5555",
    "55555",
    "5555555",
    "555",
    "0000",
    "00000",
    "1212",
    "12121",
    "2121",
    "1555",
    "+1555",
    "+15555",
    "+1555000",
    "55",
    "5",
    "name",
    "NAME-",
    "user-5555",
    "jörg",
    "JÖRG",
    "Ére",
    "ére",
    "e\u{301}cl",
    "\"q\"",
    "50%_",
    "%_o",
    "_",
    "tag 12",
    "1212-12",
    " 0000 ",
    "zzz",
    "ó",
    "e\u{301}",
    // Noncharacters (a NUL: see the ignored test below).
    "\u{ffff}\u{fffe}",
    "e \u{ffff}",
];

/// The number, in the LIKE rule of `store::number_query` (ASCII case
/// folded, `\` escaping the wildcards), or a prefix range for "+digits".
pub(super) fn oracle(store: &Path, filter: &str) -> Vec<String> {
    let text = filter.trim();
    let conn =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let digits = text.strip_prefix('+').unwrap_or("");
    let mut out: Vec<String> = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let mut stmt = conn
            .prepare("SELECT number FROM numbers WHERE substr(number, 1, length(?1)) = ?1")
            .unwrap();
        stmt.query_map([text], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    } else {
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut stmt = conn
            .prepare(
                "SELECT number FROM numbers WHERE registered_user LIKE ?1 ESCAPE '\\'
                 OR number LIKE ?1 ESCAPE '\\'
                 OR (tag LIKE ?1 ESCAPE '\\'
                     AND tag NOT GLOB 'Registered user is either offline or deleted, release date *')",
            )
            .unwrap();
        stmt.query_map([pattern], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    out.sort();
    out
}

/// Every filter, asked of the store as the Numbers tab asks it (the
/// count, the first window, the quick count: the paths that consult the
/// trigram index; the CLI listing scans), gives what the LIKE scan finds.
/// The matches in total must not be trivial (the estate is made to be
/// hit).
fn every_filter_agrees(store: &Path, when: &str) {
    let db = Store::open_read_only(store).unwrap();
    let mut hits = 0;
    for filter in FILTERS {
        let want = oracle(store, filter);
        hits += want.len();
        let q = NumberQuery {
            text: (*filter).to_string(),
            ..NumberQuery::default()
        };
        let count = db.count_numbers(&q).unwrap();
        assert_eq!(count, want.len(), "{when}: the count of {filter:?}");
        if let Some(quick) = db.quick_count(&q).unwrap() {
            assert_eq!(quick, want.len(), "{when}: the quick count of {filter:?}");
        }
        let window = db.number_window(&q, &Seek::First, WINDOW).unwrap();
        let got: Vec<&str> = window.rows.iter().map(|r| r.number.as_str()).collect();
        let first: Vec<&str> = want.iter().take(WINDOW).map(String::as_str).collect();
        if got != first {
            let missing: Vec<&&str> = first.iter().filter(|n| !got.contains(n)).take(5).collect();
            let extra: Vec<&&str> = got.iter().filter(|n| !first.contains(n)).take(5).collect();
            panic!(
                "{when}: filter {filter:?}'s first window holds {} rows, the LIKE scan {}; missing {missing:?}, extra {extra:?}",
                got.len(),
                first.len()
            );
        }
    }
    assert!(hits > 1000, "{when}: only {hits} matches in all");
}

/// A window larger than most filters' matches: past `SCAN_BOUND` rows of
/// the store (see `add_range`) it is filled from the trigram index.
const WINDOW: usize = 3000;

/// 60,000 Available numbers +15559…: the store passes the 20,000 rows a
/// window scans before asking the trigram index, and "555"'s candidates
/// pass the 50,000 above which a count tests every row instead.
fn add_range(config: &Path, now: &str) {
    ok(
        &common::run_at(
            config,
            now,
            &["numbers", "add-range", "+15559000000", "+15559059999"],
        ),
        "add-range",
    );
}

/// 1,500 users on +1555 numbers whose middles repeat 555, 000, 121 and
/// 212; their names repeat 5555, 1212, 0000, non-ASCII letters and LIKE
/// wildcards. `renamed` changes every third name.
pub(super) fn estate(renamed: bool) -> Vec<String> {
    let mids = ["555", "000", "121", "212"];
    let names = [
        "user-5555",
        "Jörg Ére",
        "1212-1212",
        "name \"q\" 0000",
        "e\u{301}clair",
        "50%_off",
        "nul\u{0}inside \u{ffff}\u{fffe}",
    ];
    (0..1500)
        .map(|i| {
            let name = if renamed && i % 3 == 0 {
                format!("renamed-{i}")
            } else {
                format!("{} {i}", names[i % names.len()])
            };
            json!({"id": format!("u{i:04}"),
                   "phoneNumber": format!("+1555{}{i:04}", mids[i % mids.len()]),
                   "status": "REGISTERED", "userName": name,
                   "lastSeen": "2026-11-30T09:00:00Z"})
            .to_string()
        })
        .collect()
}

/// A CSV of 1,100 Available numbers +15559…, tagged with periodic,
/// quoted and non-ASCII tags.
fn import_file(dir: &Path, first: usize) -> std::path::PathBuf {
    let tags = ["tag 1212", "5555", "\"ÉRE\", 0000", "", "e\u{301}x"];
    let mut csv = String::from("number,status,tag\n");
    for i in first..first + 1100 {
        let tag = tags[i % tags.len()].replace('"', "\"\"");
        csv += &format!("+15559{i:06},Available,\"{tag}\"\n");
    }
    let file = dir.join(format!("import-{first}.csv"));
    std::fs::write(&file, csv).unwrap();
    file
}

/// [`import_file`] from `first`, imported at `at`; `what` names it in a failure.
fn import(config: &Path, dir: &Path, first: usize, at: &str, what: &str) {
    let file = import_file(dir, first);
    ok(
        &common::run_at(config, at, &["numbers", "import", file.to_str().unwrap()]),
        what,
    );
}

/// A store with no connection: its directory, the store and the config.
fn empty_store() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let config = common::write_config(dir.path(), &common::config_head(&store, 5));
    (dir, store, config)
}

pub(super) fn ok(out: &std::process::Output, what: &str) {
    let (o, e) = common::text(out);
    assert!(out.status.success(), "{what}: {o}{e}");
}

#[test]
fn every_filter_lists_what_a_like_scan_finds_through_an_estates_life() {
    let users = RawUsers::new(estate(false));
    let server = arm(users.clone());
    let (dir, config, store) = common::lab_at(&server.addr, 500, "");

    let (done, log) = sync(&config, NOW);
    assert!(done, "{log}");
    every_filter_agrees(&store, "first sync");
    add_range(&config, NOW);
    every_filter_agrees(&store, "60,000 numbers added");

    // Every third user renamed, 100 gone (they cool, tagged by VOSS).
    let mut changed = estate(true);
    changed.truncate(1400);
    users.set(changed);
    let (done, log) = sync(&config, LATER);
    assert!(done, "{log}");
    every_filter_agrees(&store, "re-sync");

    for (number, tag) in [
        ("+15555550000", "hand 5555 tag"),
        ("+15550000001", "ÉRE 1212"),
        ("+15551210002", ""),
        ("+15552121403", "\"q\" 50%_"),
    ] {
        ok(
            &common::run_at(&config, LATER, &["numbers", "tag", number, tag]),
            "tag",
        );
    }
    every_filter_agrees(&store, "hand tags");

    import(&config, dir.path(), 0, LATER, "import");
    every_filter_agrees(&store, "import");

    ok(
        &common::run_at(&config, LATER, &["purge", "audiocodes", "lab", "--yes"]),
        "purge",
    );
    every_filter_agrees(&store, "purge");

    let much_later = "2027-11-30T10:00:00Z";
    ok(&common::run_at(&config, much_later, &["sweep"]), "sweep");
    let cooling = rows(
        &store,
        "SELECT count(*) FROM numbers WHERE status = 'Cooling'",
    );
    assert_eq!(
        cooling,
        vec!["Integer(0)".to_string()],
        "the sweep released nothing"
    );
    every_filter_agrees(&store, "sweep");
}

/// An import of 1,100 tagged numbers into an empty store (the bulk path,
/// the index filled once at the end), then a second import beside it.
#[test]
fn every_filter_lists_what_a_like_scan_finds_after_imports_into_an_empty_store() {
    let (dir, store, config) = empty_store();
    import(&config, dir.path(), 0, NOW, "import");
    every_filter_agrees(&store, "import into an empty store");
    add_range(&config, NOW);
    every_filter_agrees(&store, "60,000 numbers added");
    import(&config, dir.path(), 5000, NOW, "second import");
    every_filter_agrees(&store, "a second import");
}

/// A filter holding a NUL (the estate has a user named "nul\0inside …").
///
/// Found by hostile23: `Store::count_numbers` failed with
/// `SqliteFailure(.., "unterminated string")`: the trigram query `"l\0i"`
/// was read by FTS5 as a C string, cut at the NUL, so its quote was never
/// closed. Older than this session, and not reachable from the command
/// line (argv) or a paste (control characters are dropped); a typed NUL or
/// another caller of the store would meet it. Such a text is now answered
/// by a scan (`TextFilter::parse`).
#[test]
fn a_filter_holding_a_nul_is_answered_as_a_like_scan() {
    let server = arm(RawUsers::new(estate(false)));
    let (_dir, config, store) = common::lab_at(&server.addr, 500, "");
    let (done, log) = sync(&config, NOW);
    assert!(done, "{log}");
    let db = Store::open_read_only(&store).unwrap();
    for filter in ["l\u{0}i", "nul\u{0}", "\u{0}in"] {
        let want = oracle(&store, filter).len();
        assert!(want > 200, "{filter:?}: {want}");
        let q = NumberQuery {
            text: filter.to_string(),
            ..NumberQuery::default()
        };
        let count = db.count_numbers(&q);
        assert_eq!(count.as_ref().ok(), Some(&want), "{filter:?}: {count:?}");
    }
}

/// The dashboard at 80x24 (tmux), on 61,100 numbers whose tags and
/// numbers repeat 5555 and 1212: each filter's title shows the LIKE
/// scan's count and its rows are the scan's first, in number order.
#[test]
fn the_dashboard_shows_a_like_scans_count_and_rows_for_periodic_filters() {
    use common::tmux::TmuxPane;
    let (dir, store, config) = empty_store();
    import(&config, dir.path(), 0, NOW, "import");
    add_range(&config, NOW);
    let command = format!(
        "sh -c '{} --config {}; sleep 60'",
        env!("CARGO_BIN_EXE_switchboard"),
        config.display()
    );
    let Some(pane) = TmuxPane::start("h23filter", &command, (80, 24)) else {
        return;
    };
    pane.wait_for("Connections");
    pane.keys("2");
    pane.wait_for("Numbers 1 of");
    for filter in ["5555", "1212", "55555", "tag 12", "\"ÉRE\""] {
        let want = oracle(&store, filter);
        assert!(!want.is_empty(), "{filter:?}");
        pane.keys("/");
        for _ in 0..12 {
            pane.keys("BSpace");
        }
        pane.tmux(&["send-keys", "-t", "t", "-l", filter]);
        pane.keys("Enter");
        let title = format!("Numbers 1 of {} ", want.len());
        let screen = pane.wait_until(&format!("{filter:?}: {title}"), |s| {
            s.contains(&title) && s.contains(&format!("filter: {filter} "))
        });
        let shown: Vec<&str> = screen
            .lines()
            .filter_map(|l| l.strip_prefix("│  +"))
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let first: Vec<String> = want
            .iter()
            .take(shown.len())
            .map(|n| n.trim_start_matches('+').to_string())
            .collect();
        assert!(shown.len() >= want.len().min(12), "{filter:?}:\n{screen}");
        assert_eq!(shown, first, "{filter:?}:\n{screen}");
    }
}
