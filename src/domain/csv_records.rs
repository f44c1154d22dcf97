//! CSV records as a person sees them in an editor: each with the physical
//! line it starts on (a quoted field may span lines; blank lines count),
//! CRLF or LF line ends, a UTF-8 BOM skipped, blank lines skipped, and a
//! quote left open told apart from a field that holds line breaks.
//!
//! `csv` parses; this keeps the line count honest. It reads with `\n` as
//! the only record end (so every record's end is consumed with it, and
//! lines are counted by `\n`), and when the first record ends in `\r` the
//! file is taken as CRLF and one `\r` is dropped from each record's last
//! field (a quoted CRLF inside a field is kept whole).
//!
//! It reads from whatever `Read` it is handed, one record at a time, and
//! refuses a record longer than [`MAX_RECORD`] (a quote left open in a big
//! file would otherwise make the rest of it one field held in memory).

use std::io::Read;

/// The longest record read: 1 MiB.
pub const MAX_RECORD: u64 = 1 << 20;

/// How far `csv` reads ahead of the record it parses (its buffer).
const READ_AHEAD: u64 = 64 * 1024;

/// Why no record was read.
#[derive(Debug)]
pub enum Unread {
    /// The record starting on this line is not UTF-8 text (it is skipped).
    NotUtf8(usize),
    /// The input failed: nothing after it can be read.
    Failed(String),
    /// The record starting on this line runs on past [`MAX_RECORD`]
    /// bytes: nothing after it is read.
    TooLong(usize),
}

/// Passes bytes through, keeping what the line count needs: how many,
/// whether the end was reached, the last byte, and the last one that is
/// not white space (whether the file ends in a closing quote).
struct Tail<R> {
    inner: R,
    total: u64,
    ended: bool,
    last: u8,
    last_solid: u8,
    /// Where the record being parsed starts (a byte offset).
    record_start: u64,
    /// The record being parsed ran past [`MAX_RECORD`].
    too_long: bool,
}

impl<R: Read> Read for Tail<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // What csv holds unparsed is at most its buffer, so a record with
        // this much read since its start is longer than the limit.
        if self.total.saturating_sub(self.record_start) > MAX_RECORD + READ_AHEAD {
            self.too_long = true;
            return Err(std::io::Error::other("a record longer than the limit"));
        }
        let n = self.inner.read(buf)?;
        let read = &buf[..n];
        if let Some(&b) = read.last() {
            self.last = b;
        } else if !buf.is_empty() {
            self.ended = true;
        }
        if let Some(&b) = read.iter().rev().find(|b| !b.is_ascii_whitespace()) {
            self.last_solid = b;
        }
        self.total += u64::try_from(n).unwrap_or(u64::MAX);
        Ok(n)
    }
}

/// Reads records one at a time (see the module's rules).
pub struct Records<R: Read> {
    csv: csv::Reader<Tail<R>>,
    bytes: csv::ByteRecord,
    /// Where [`Records::drop_cr`] builds the record without its `\r`.
    scratch: csv::ByteRecord,
    record: csv::StringRecord,
    /// The line the current record starts on (from 1).
    line: usize,
    /// CRLF line ends (decided by the first record).
    crlf: Option<bool>,
    /// The current record's last field runs to the end of the file from
    /// a quote that was never closed.
    open_quote: bool,
}

impl<R: Read> Records<R> {
    pub fn new(input: R) -> Records<R> {
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            // csv reads through a buffer of its own (a BufReader).
            .buffer_capacity(64 * 1024)
            .from_reader(Tail {
                inner: input,
                total: 0,
                ended: false,
                last: 0,
                last_solid: 0,
                record_start: 0,
                too_long: false,
            });
        Records {
            csv,
            bytes: csv::ByteRecord::new(),
            scratch: csv::ByteRecord::new(),
            record: csv::StringRecord::new(),
            line: 0,
            crlf: None,
            open_quote: false,
        }
    }

    /// Reads the next record that is not blank: false at the end.
    pub fn advance(&mut self) -> Result<bool, Unread> {
        // The last record's buffers serve the next one.
        if !self.record.is_empty() {
            self.bytes = std::mem::take(&mut self.record).into_byte_record();
        }
        loop {
            let start = self.csv.position().clone();
            self.csv.get_mut().record_start = start.byte();
            let read = self.csv.read_byte_record(&mut self.bytes);
            if self.csv.get_ref().too_long {
                let line = usize::try_from(start.line()).unwrap_or(usize::MAX);
                return Err(Unread::TooLong(line));
            }
            if !read.map_err(|e| Unread::Failed(e.to_string()))? {
                return Ok(false);
            }
            self.place();
            let last_field = self.bytes.iter().next_back().unwrap_or_default();
            if *self.crlf.get_or_insert(last_field.ends_with(b"\r")) {
                self.drop_cr();
            }
            if self.bytes.len() == 1 && self.bytes[0].trim_ascii().is_empty() {
                continue;
            }
            return match csv::StringRecord::from_byte_record(std::mem::take(&mut self.bytes)) {
                Ok(r) => {
                    self.record = r;
                    Ok(true)
                }
                Err(e) => {
                    self.bytes = e.into_byte_record();
                    Err(Unread::NotUtf8(self.line))
                }
            };
        }
    }

    /// Works out where the record just read starts, and whether its last
    /// field is a quote left open: from the line count after it, less the
    /// line breaks inside its fields and its own line end.
    fn place(&mut self) {
        let tail = self.csv.get_ref();
        let to_the_end = tail.ended && self.csv.position().byte() == tail.total;
        let last_field = self.bytes.iter().next_back().unwrap_or_default();
        self.open_quote = to_the_end && last_field.contains(&b'\n') && tail.last_solid != b'"';
        let own_end = !to_the_end || (tail.last == b'\n' && !self.open_quote);
        let inside = self
            .bytes
            .as_slice()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        let inside = u64::try_from(inside).unwrap_or(u64::MAX);
        let after = self.csv.position().line();
        self.line = usize::try_from(after.saturating_sub(inside + u64::from(own_end)))
            .unwrap_or(usize::MAX);
    }

    /// Drops the `\r` of a CRLF line end from the last field.
    fn drop_cr(&mut self) {
        let fields = self.bytes.len();
        if !self
            .bytes
            .get(fields - 1)
            .is_some_and(|f| f.ends_with(b"\r"))
        {
            return;
        }
        self.scratch.clear();
        for (i, f) in self.bytes.iter().enumerate() {
            self.scratch.push_field(if i + 1 == fields {
                &f[..f.len() - 1]
            } else {
                f
            });
        }
        std::mem::swap(&mut self.bytes, &mut self.scratch);
    }

    /// The line the current record starts on (from 1).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The current record's fields.
    pub fn record(&self) -> &csv::StringRecord {
        &self.record
    }

    /// Whether the current record's last field is a quote never closed.
    pub fn quote_left_open(&self) -> bool {
        self.open_quote
    }

    /// How many bytes of the input have been read.
    pub fn bytes_read(&self) -> u64 {
        self.csv.position().byte()
    }
}
