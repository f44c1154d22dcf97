//! What the Numbers tab asks for (status, text, sort) and the SQL that
//! answers it from indexes: keyset windows on the sort key, a number-prefix
//! range on the unique index, and the trigram index for substrings.

pub use crate::domain::number_filter::{NumberQuery, SortKey};

impl SortKey {
    /// A row's sort value (NULL sorts as '', so that a keyset comparison
    /// never meets a NULL; see `store::number_stretch` for the indexes).
    pub(crate) fn expr(self) -> &'static str {
        match self {
            SortKey::Number => "number",
            SortKey::Status => "status",
            SortKey::Usage => "usage",
            SortKey::Vendor => "vendor",
            SortKey::ReleaseDate => "ifnull(release_date, '')",
            SortKey::Tag => "tag",
            SortKey::Connection => "ifnull(connection, '')",
            SortKey::RegisteredUser => "ifnull(registered_user, '')",
            SortKey::LastSeen => "ifnull(last_seen, '')",
        }
    }
}

/// How a text filter is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextFilter {
    None,
    /// `+1555…`: a range on the unique number index.
    Prefix {
        low: String,
        high: String,
    },
    /// Three characters or more: the trigram index can find the matches.
    Trigram(String),
    /// One or two characters, or a text holding a NUL (FTS5 reads its
    /// query as a C string, cut at the NUL): only a scan can tell (it stops
    /// at the window).
    Short(String),
}

impl TextFilter {
    pub(crate) fn parse(text: &str) -> TextFilter {
        let text = text.trim();
        if text.is_empty() {
            return TextFilter::None;
        }
        let digits = text.strip_prefix('+').unwrap_or("");
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            // The successor of the last digit ('9' + 1 = ':') closes the range.
            let mut high = text.to_string();
            let last = high.pop().expect("not empty");
            high.push((last as u8 + 1) as char);
            return TextFilter::Prefix {
                low: text.to_string(),
                high,
            };
        }
        if text.chars().count() >= 3 && !text.contains('\0') {
            TextFilter::Trigram(text.to_string())
        } else {
            TextFilter::Short(text.to_string())
        }
    }

    /// The FTS5 query: every distinct trigram of the text (each quoted,
    /// quotes doubled), ANDed. The index keeps no positions (`detail=none`,
    /// which refuses a phrase of several trigrams), so this finds the rows
    /// holding all of them anywhere: every row the substring matches, and
    /// maybe a few more, which the LIKE rule that always follows drops.
    pub(crate) fn fts_query(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut trigrams: Vec<String> = chars
            .windows(3)
            .map(|w| w.iter().collect::<String>())
            .collect();
        // Repeated trigrams ("5555") ask the index once.
        let mut seen = std::collections::HashSet::new();
        trigrams.retain(|t| seen.insert(t.clone()));
        trigrams
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// A LIKE pattern for the substring, `\` escaping the wildcards.
    pub(crate) fn like_pattern(text: &str) -> String {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    }
}

/// The substring test on a row (argument `?n` a LIKE pattern): the
/// registered user, the number, or a hand-written tag. The cheap tests come
/// first, and the tag is told from VOSS's cooling tag only when it matches
/// (a scan of a million rows runs this a million times; the pattern is
/// never empty, so the cooling tag's stand-in '' never matches).
pub(crate) fn substring_condition(n: usize) -> String {
    let hand_tag = super::migrations::hand_tag("tag");
    format!(
        "(registered_user LIKE ?{n} ESCAPE '\\' OR number LIKE ?{n} ESCAPE '\\' \
         OR (tag LIKE ?{n} ESCAPE '\\' AND {hand_tag} LIKE ?{n} ESCAPE '\\'))"
    )
}

/// The sort position of a row: the sort expression's value and the number
/// (which breaks ties, so every row has exactly one place).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowKey {
    pub sort: String,
    pub number: String,
}

/// Where a window starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seek {
    First,
    Last,
    /// Rows after `key` (at `index`), skipping the `skip` nearest.
    After {
        key: RowKey,
        index: usize,
        skip: usize,
    },
    /// Rows before `key` (at `index`), skipping the `skip` nearest.
    Before {
        key: RowKey,
        index: usize,
        skip: usize,
    },
}

/// SQL conditions with their numbered arguments.
#[derive(Debug, Default)]
pub(crate) struct Conditions {
    pub conds: Vec<String>,
    pub args: Vec<String>,
}

impl Conditions {
    pub(crate) fn push(&mut self, cond: impl Fn(usize) -> String, arg: String) {
        self.args.push(arg);
        self.conds.push(cond(self.args.len()));
    }

    /// A condition without an argument.
    pub(crate) fn push_bare(&mut self, cond: &str) {
        self.conds.push(cond.to_string());
    }

    pub(crate) fn clause(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conds.join(" AND "))
        }
    }
}

/// The numbers of the newest planned sync run's conflicts (see
/// `store::sync::SyncDetails`, kept in `sync_runs.details`).
const LAST_SYNC_CONFLICTS: &str =
    "number IN (SELECT json_extract(value, '$.number') FROM json_each(
    (SELECT details FROM sync_runs WHERE kind IN ('sync', 'preview') AND result != 'failed'
     ORDER BY id DESC LIMIT 1), '$.conflicts'))";

/// How the status and the text narrow the rows, and which index may serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Plan<'a> {
    /// Leave the status index alone so the sort index drives the scan
    /// (the status is common, so matches come early).
    pub status_by_scan: bool,
    /// Few trigram matches: fetch them first, then sort the few.
    pub trigram_first: bool,
    /// Many prefix matches: scan the sort index instead of the range.
    pub prefix_by_scan: bool,
    /// The rows a substring matches, known from the reader's in-memory
    /// copy of the searchable text.
    pub among: Option<Among<'a>>,
}

/// How the rows a substring matches are handed to SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Among<'a> {
    /// Their ids as a JSON array: fetched by id, then sorted (few).
    Listed(&'a str),
    /// Marked in the connection's `matched_row(id)` function: the sort's
    /// index is scanned and each entry's id tested, so a row is read only
    /// when it matches (many).
    Marked,
}

impl NumberQuery {
    pub(crate) fn text_filter(&self) -> TextFilter {
        TextFilter::parse(&self.text)
    }

    /// The filter conditions (status, vendor, text) of this query.
    pub(crate) fn conditions(&self, plan: Plan<'_>) -> Conditions {
        let mut c = Conditions::default();
        if let Some(s) = self.status {
            let col = if plan.status_by_scan {
                "+status"
            } else {
                "status"
            };
            c.push(|n| format!("{col} = ?{n}"), s.as_str().to_string());
        }
        if let Some(v) = &self.vendor {
            // `--vendor audiocodes` finds AudioCodes, as `--status used` finds Used.
            c.push(|n| format!("vendor = ?{n} COLLATE NOCASE"), v.clone());
        }
        if self.last_sync_conflicts {
            c.push_bare(LAST_SYNC_CONFLICTS);
        }
        match (self.text_filter(), plan.among) {
            (TextFilter::None, _) => {}
            (TextFilter::Prefix { low, high }, _) => {
                let col = if plan.prefix_by_scan {
                    "+number"
                } else {
                    "number"
                };
                c.push(|n| format!("{col} >= ?{n}"), low);
                c.push(|n| format!("{col} < ?{n}"), high);
            }
            // A substring whose rows the reader's copy already found.
            (_, Some(Among::Listed(ids))) => c.push(
                |n| format!("numbers.id IN (SELECT value FROM json_each(?{n}))"),
                ids.to_string(),
            ),
            (_, Some(Among::Marked)) => c.push_bare("matched_row(numbers.id)"),
            // The trigram index finds the candidates; LIKE decides, since the
            // index folds non-ASCII case and reads past a NUL, which the
            // substring rule does not.
            (TextFilter::Trigram(t), None) if plan.trigram_first => {
                c.push(
                    |n| format!("numbers.id IN (SELECT rowid FROM numbers_fts WHERE numbers_fts MATCH ?{n})"),
                    TextFilter::fts_query(&t),
                );
                c.push(substring_condition, TextFilter::like_pattern(&t));
            }
            (TextFilter::Short(t) | TextFilter::Trigram(t), None) => {
                c.push(substring_condition, TextFilter::like_pattern(&t))
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plus_and_digits_is_a_prefix_range() {
        assert_eq!(
            TextFilter::parse(" +1559 "),
            TextFilter::Prefix {
                low: "+1559".into(),
                high: "+155:".into()
            }
        );
        assert_eq!(TextFilter::parse("+"), TextFilter::Short("+".into()));
        assert_eq!(TextFilter::parse("+1a"), TextFilter::Trigram("+1a".into()));
        assert_eq!(TextFilter::parse("ab"), TextFilter::Short("ab".into()));
        assert_eq!(
            TextFilter::parse("l\0ink"),
            TextFilter::Short("l\0ink".into()),
            "the trigram index cannot be asked for a NUL"
        );
        assert_eq!(TextFilter::parse("   "), TextFilter::None);
    }

    #[test]
    fn quotes_and_wildcards_are_taken_literally() {
        assert_eq!(TextFilter::fts_query("a\"b"), "\"a\"\"b\"");
        assert_eq!(
            TextFilter::fts_query("5555\"x"),
            "\"555\" AND \"55\"\"\" AND \"5\"\"x\""
        );
        assert_eq!(
            TextFilter::fts_query("Zoë 1"),
            "\"Zoë\" AND \"oë \" AND \"ë 1\""
        );
        assert_eq!(TextFilter::like_pattern("5%_\\"), "%5\\%\\_\\\\%");
    }
}
