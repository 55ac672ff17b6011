//! Byte chunks in, complete lines out.
//!
//! [`LineAssembler`] is what makes incremental reading exact: a file fed in arbitrary chunks
//! yields the same lines, with the same numbers, as the whole file at once. It keeps a torn last
//! line until its newline arrives, strips a trailing `\r`, and refuses to buffer a line longer than
//! its cap: such a line is reported as [`Line::Oversized`] (its length and number), so memory stays
//! bounded by the cap, not by the file. A UTF-8 byte order mark before line 1 is dropped.

use super::LineNo;

/// Default cap on one line: 32 MiB. Claude Code spills larger tool outputs to side files, so a
/// longer line is almost certainly damage; it is skipped and counted, never buffered.
pub const DEFAULT_MAX_LINE: usize = 32 * 1024 * 1024;

/// One complete line handed to the consumer.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// A line without its terminator (`\n` or `\r\n`).
    Complete { no: LineNo, bytes: &'a [u8] },
    /// A line longer than the cap; its bytes were dropped.
    Oversized { no: LineNo, len: u64 },
}

/// Splits a byte stream into numbered lines; see the module docs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LineAssembler {
    tail: Vec<u8>,
    /// Bytes of the current line dropped because it passed the cap (0 when not discarding).
    discarded: u64,
    next: u64,
    max_line: usize,
}

impl Default for LineAssembler {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_LINE)
    }
}

impl LineAssembler {
    /// An assembler whose lines may be at most `max_line` bytes long.
    #[must_use]
    pub fn new(max_line: usize) -> Self {
        Self {
            tail: Vec::new(),
            discarded: 0,
            next: 1,
            max_line: max_line.max(1),
        }
    }

    /// Number the next complete line will get.
    #[must_use]
    pub fn next_line_no(&self) -> LineNo {
        LineNo(self.next)
    }

    /// Bytes held for a line whose newline has not arrived yet.
    #[must_use]
    pub fn pending_bytes(&self) -> u64 {
        self.tail.len() as u64 + self.discarded
    }

    /// Feeds a chunk and calls `emit` for every line it completes.
    pub fn feed(&mut self, mut chunk: &[u8], mut emit: impl FnMut(Line<'_>)) {
        while let Some(pos) = memchr::memchr(b'\n', chunk) {
            let (head, rest) = (&chunk[..pos], &chunk[pos + 1..]);
            self.complete(head, &mut emit);
            chunk = rest;
        }
        self.hold(chunk);
    }

    /// Feeds bytes up to and including the next newline: completes that one line (calling
    /// `emit`) and returns how many bytes it took. Without a newline in `chunk`, all of it is
    /// held and the result is `None`. Feeding a stream this way, piece by piece, gives exactly
    /// the lines [`Self::feed`] gives.
    pub fn feed_one(&mut self, chunk: &[u8], mut emit: impl FnMut(Line<'_>)) -> Option<usize> {
        if let Some(pos) = memchr::memchr(b'\n', chunk) {
            self.complete(&chunk[..pos], &mut emit);
            Some(pos + 1)
        } else {
            self.hold(chunk);
            None
        }
    }

    /// Ends the stream: an unterminated last line is emitted as if it had its newline.
    pub fn finish(&mut self, mut emit: impl FnMut(Line<'_>)) {
        if !self.tail.is_empty() || self.discarded > 0 {
            self.complete(&[], &mut emit);
        }
    }

    /// Forgets everything (the file was truncated or replaced) and restarts numbering at 1.
    pub fn reset(&mut self) {
        self.tail.clear();
        self.discarded = 0;
        self.next = 1;
    }

    fn complete(&mut self, head: &[u8], emit: &mut impl FnMut(Line<'_>)) {
        let no = LineNo(self.next);
        self.next += 1;
        if self.discarded > 0 || self.tail.len() + head.len() > self.max_line {
            let len = self.discarded + self.tail.len() as u64 + head.len() as u64;
            self.tail.clear();
            self.discarded = 0;
            emit(Line::Oversized { no, len });
        } else if self.tail.is_empty() {
            emit(Line::Complete {
                no,
                bytes: trim(no, head),
            });
        } else {
            self.tail.extend_from_slice(head);
            let mut line = std::mem::take(&mut self.tail);
            emit(Line::Complete {
                no,
                bytes: trim(no, &line),
            });
            line.clear();
            self.tail = line;
        }
    }

    fn hold(&mut self, rest: &[u8]) {
        if rest.is_empty() {
            return;
        }
        if self.discarded > 0 || self.tail.len() + rest.len() > self.max_line {
            self.discarded += self.tail.len() as u64 + rest.len() as u64;
            self.tail = Vec::new();
        } else {
            self.tail.extend_from_slice(rest);
        }
    }
}

/// The line without a trailing `\r`, and for line 1 without a UTF-8 byte order mark (some
/// editors and tools write one; it would make the first record invalid JSON).
fn trim(no: LineNo, line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if no.0 == 1 {
        line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line)
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_before_line_1_is_dropped_in_any_chunking() {
        let doc = b"\xef\xbb\xbf{\"a\":1}\n\xef\xbb\xbf{\"b\":2}\n";
        for cut in 1..doc.len() {
            let mut asm = LineAssembler::default();
            let got = collect(&mut asm, &[&doc[..cut], &doc[cut..]], true);
            assert_eq!(
                got,
                vec![
                    (1, "{\"a\":1}".to_owned()),
                    (2, "\u{feff}{\"b\":2}".to_owned())
                ],
                "cut at {cut}"
            );
        }
    }

    fn collect(asm: &mut LineAssembler, chunks: &[&[u8]], finish: bool) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut push = |l: Line<'_>| match l {
            Line::Complete { no, bytes } => {
                out.push((no.0, String::from_utf8_lossy(bytes).into_owned()));
            }
            Line::Oversized { no, len } => out.push((no.0, format!("<oversized {len}>"))),
        };
        for c in chunks {
            asm.feed(c, &mut push);
        }
        if finish {
            asm.finish(&mut push);
        }
        out
    }

    #[test]
    fn torn_last_line_is_held_until_newline() {
        let mut asm = LineAssembler::default();
        let got = collect(&mut asm, &[b"a\nb", b"c"], false);
        assert_eq!(got, vec![(1, "a".into())]);
        assert_eq!(asm.pending_bytes(), 2);
        let got = collect(&mut asm, &[b"d\n"], false);
        assert_eq!(got, vec![(2, "bcd".into())]);
        assert_eq!(asm.pending_bytes(), 0);
    }

    #[test]
    fn finish_flushes_an_unterminated_line() {
        let mut asm = LineAssembler::default();
        let got = collect(&mut asm, &[b"x\r\ny"], true);
        assert_eq!(got, vec![(1, "x".into()), (2, "y".into())]);
    }

    #[test]
    fn oversized_line_is_reported_not_buffered() {
        let mut asm = LineAssembler::new(4);
        let got = collect(&mut asm, &[b"ok\n12", b"345", b"67\nfine\n"], false);
        assert_eq!(
            got,
            vec![
                (1, "ok".into()),
                (2, "<oversized 7>".into()),
                (3, "fine".into())
            ]
        );
        assert!(
            asm.tail.capacity() <= 8,
            "discarded bytes must not stay buffered"
        );
    }

    #[test]
    fn feeding_one_line_at_a_time_matches_feeding_chunks() {
        let stream: &[u8] = b"a\nbb\r\n\nlong-line\ntail";
        let mut whole = LineAssembler::new(4);
        let want = collect(&mut whole, &[stream], true);
        let mut one = LineAssembler::new(4);
        let mut got = Vec::new();
        let mut push = |l: Line<'_>| match l {
            Line::Complete { no, bytes } => {
                got.push((no.0, String::from_utf8_lossy(bytes).into_owned()));
            }
            Line::Oversized { no, len } => got.push((no.0, format!("<oversized {len}>"))),
        };
        let mut consumed = Vec::new();
        for piece in [&stream[..3], &stream[3..]] {
            let mut rest = piece;
            while let Some(n) = one.feed_one(rest, &mut push) {
                consumed.push(n);
                rest = &rest[n..];
            }
        }
        one.finish(&mut push);
        assert_eq!(got, want);
        assert_eq!(
            consumed,
            vec![2, 3, 1, 10],
            "each line's bytes, newline included"
        );
    }

    #[test]
    fn reset_restarts_numbering() {
        let mut asm = LineAssembler::default();
        collect(&mut asm, &[b"a\nb\npart"], false);
        asm.reset();
        assert_eq!(collect(&mut asm, &[b"z\n"], false), vec![(1, "z".into())]);
    }

    #[test]
    fn empty_lines_keep_their_numbers() {
        let mut asm = LineAssembler::default();
        assert_eq!(
            collect(&mut asm, &[b"\n\nq\n"], false),
            vec![(1, String::new()), (2, String::new()), (3, "q".into())]
        );
    }
}
