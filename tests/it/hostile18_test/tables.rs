//! Cells that try to break a table or reach the terminal raw.

use super::*;

/// How many terminal cells a character takes: two for the CJK ideographs
/// and emoji these tests use, none for a zero-width one, else one.
fn cells(c: char) -> usize {
    match u32::from(c) {
        0x200b | 0x0300..=0x036f => 0,
        0x2e80..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff | 0xff00..=0xff60 => 2,
        0x1f300..=0x1faff => 2,
        _ => 1,
    }
}

/// Each line as (terminal column, char).
fn placed(line: &str) -> Vec<(usize, char)> {
    let mut col = 0;
    line.chars()
        .map(|c| {
            let at = col;
            col += cells(c);
            (at, c)
        })
        .collect()
}

/// The rows of a table whose cells (but the last) start where the header's
/// titles start, in terminal columns; the names of those that do not.
fn misaligned(listing: &str) -> Vec<String> {
    let mut lines = listing.lines();
    let header = placed(lines.next().unwrap_or(""));
    let starts: Vec<usize> = header
        .windows(3)
        .filter(|w| w[0].1 == ' ' && w[1].1 == ' ' && w[2].1 != ' ')
        .map(|w| w[2].0)
        .collect();
    lines
        .filter(|line| {
            let p = placed(line);
            starts.iter().any(|s| {
                let i = p.iter().position(|(at, _)| at == s);
                !i.is_some_and(|i| {
                    i >= 2 && p[i].1 != ' ' && p[i - 1].1 == ' ' && p[i - 2].1 == ' '
                })
            })
        })
        .map(str::to_string)
        .collect()
}

/// A store whose numbers carry the given usages (one number each).
fn numbers_with_usages(dir: &Path, usages: &[&str]) -> PathBuf {
    let (cfg, _) = fresh(dir, "t");
    let mut csv = String::from("number,usage,vendor,tag\n");
    for (i, u) in usages.iter().enumerate() {
        csv.push_str(&format!("+155520{i:05},{},Acme,t{i}\n", quoted(u)));
    }
    let file = dir.join("usages.csv");
    std::fs::write(&file, csv).unwrap();
    let out = import(&cfg, &file);
    assert!(out.status.success(), "{}", text(&out).1);
    cfg
}

/// Guard: nothing a cell holds reaches the terminal raw: no C0 control
/// but the line feed, no DEL, no C1 control (U+009B is a CSI to some
/// terminals), no bidi override, in `numbers` and in `jobs` and its JSON
/// (whose TARGET is an import's file name).
#[test]
fn nothing_raw_reaches_the_terminal_from_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = [
        "\x1b[2J",
        "\u{9b}31m",
        "\x1b]0;title\x07",
        "\x7fdel",
        "\u{202e}rtl",
        "bell\x07",
    ];
    let cfg = numbers_with_usages(dir.path(), &hostile);
    let named = dir.path().join("esc\x1b[2J\u{9b}name.csv");
    std::fs::write(&named, "number\n+15559990000\n").unwrap();
    let out = import(&cfg, &named);
    assert!(out.status.success(), "{}", text(&out).1);
    for args in [&["numbers"][..], &["jobs"][..], &["jobs", "--json"][..]] {
        let listing = ok(&cfg, args);
        let raw = unsafe_chars(&listing);
        assert!(raw.is_empty(), "{args:?}: raw {raw:?} in\n{listing}");
    }
}

/// Defect: the streamed `numbers` table takes its widths from the store
/// before escaping, so a usage holding a TAB (`a\x09b` once escaped, three
/// characters wider) pushes the rest of its row out of its columns.
#[test]
fn a_control_character_in_a_column_keeps_the_numbers_table_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = numbers_with_usages(dir.path(), &["a\tb", "usage"]);
    let listing = ok(&cfg, &["numbers"]);
    let bad = misaligned(&listing);
    assert!(bad.is_empty(), "broken rows {bad:#?} in\n{listing}");
}

/// Defect: widths count characters, not terminal cells, so a CJK usage in
/// `numbers` or a CJK file name in `jobs` (an import's TARGET) pushes its
/// row's later columns right of their titles.
#[test]
fn wide_unicode_keeps_table_columns_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = numbers_with_usages(dir.path(), &["中文用户", "📞📞", "usage"]);
    let named = dir.path().join("电话号码.csv");
    std::fs::write(&named, "number\n+15559990000\n").unwrap();
    let out = import(&cfg, &named);
    assert!(out.status.success(), "{}", text(&out).1);
    let mut wrong = vec![];
    for args in [&["numbers"][..], &["jobs"][..]] {
        let listing = ok(&cfg, args);
        let bad = misaligned(&listing);
        if !bad.is_empty() {
            wrong.push(format!("{args:?}: {bad:#?} in\n{listing}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The characters a terminal may act on or reorder: C0 controls but the
/// line feed, DEL, C1 controls, bidi overrides and isolates.
fn unsafe_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect()
}

/// Defect: every `--json` goes through `terminal_text::json_pretty`, which
/// writes DEL, C1 controls (U+009B is a CSI to some terminals) and bidi
/// overrides as `\u` escapes, but the streamed `numbers --json` uses plain
/// `serde_json::to_string` and writes them raw to the terminal.
#[test]
fn numbers_json_escapes_what_every_other_json_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let usages = ["\u{9b}31m", "\x7fdel", "\u{202e}rtl"];
    let cfg = numbers_with_usages(dir.path(), &usages);
    let listing = ok(&cfg, &["numbers", "--json"]);
    let rows: Value = serde_json::from_str(&listing).unwrap();
    for (i, u) in usages.iter().enumerate() {
        assert_eq!(
            row(rows.as_array().unwrap(), &format!("+155520{i:05}"))["usage"],
            *u
        );
    }
    let raw = unsafe_chars(&listing);
    assert!(raw.is_empty(), "raw {raw:?} in\n{listing}");
}
