//! The input as a flat batch of tag and text records, for policies with JavaScript
//! callbacks: the sanitizer's own readers (byte-level lane, html5ever), one call, no tree.
//! Names, values and texts are written end to end into one string (`data`); `meta` holds
//! the records as numbers, each string given by its end offset in `data` (UTF-16 units,
//! JavaScript string offsets, each string starting where the previous one ended):
//! `TEXT end`, `END name_end`, `START|SELF_CLOSING n name_end (attr_end value_end){n}`.
//! Two napi values per batch, and JavaScript reads kinds and counts without parsing.

use super::policy::Policy;
use super::stream::TagView;

/// Record kinds in `meta`: exported by `HtmlPolicy.recordKinds()`, and a test ties them to
/// the numbers lib/sanitize/callbacks.js reads.
pub const TEXT: u32 = 0;
pub const END: u32 = 1;
pub const START: u32 = 2;
pub const START_SELF_CLOSING: u32 = 3;

/// A batch of records.
#[derive(Default, Debug)]
pub struct Records {
    pub data: String,
    pub meta: Vec<u32>,
    /// UTF-16 length of `data`.
    len16: u32,
    /// The last record is text: more text extends it.
    text_open: bool,
}

impl Records {
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        Records {
            data: String::with_capacity(bytes + 64),
            meta: Vec::with_capacity(bytes / 4),
            ..Default::default()
        }
    }

    pub(crate) fn tag(&mut self, tag: &TagView<'_>) {
        self.text_open = false;
        if !tag.start {
            self.meta.push(END);
            self.string(tag.name);
            return;
        }
        self.meta.push(if tag.self_closing {
            START_SELF_CLOSING
        } else {
            START
        });
        self.meta.push(tag.attrs.len() as u32);
        self.string(tag.name);
        for (name, value) in tag.attrs {
            self.string(name);
            self.string(value);
        }
    }

    pub(crate) fn text(&mut self, text: &str) {
        if text.is_empty() {
            return; // the lane reports empty raw-text content; html5ever reports none
        }
        if self.text_open {
            self.data.push_str(text);
            self.len16 += utf16_len(text);
            if let Some(end) = self.meta.last_mut() {
                *end = self.len16;
            }
        } else {
            self.meta.push(TEXT);
            self.string(text);
            self.text_open = true;
        }
    }

    fn string(&mut self, s: &str) {
        self.data.push_str(s);
        self.len16 += utf16_len(s);
        self.meta.push(self.len16);
    }

    /// The records decoded into readable pieces (`T text`, `E name`,
    /// `S|S/ name n attr value...`); panics on a malformed batch. For tests and fuzzing.
    pub fn pieces(&self) -> Vec<String> {
        let units: Vec<u16> = self.data.encode_utf16().collect();
        let mut out = Vec::new();
        let mut start = 0usize;
        let mut i = 0;
        let mut take = |end: u32, out: &mut Vec<String>| {
            let end = end as usize;
            assert!(
                end >= start && end <= units.len(),
                "a string end out of order"
            );
            out.push(String::from_utf16_lossy(&units[start..end]));
            start = end;
        };
        while i < self.meta.len() {
            match self.meta[i] {
                TEXT => {
                    out.push("T".into());
                    take(self.meta[i + 1], &mut out);
                    i += 2;
                }
                END => {
                    out.push("E".into());
                    take(self.meta[i + 1], &mut out);
                    i += 2;
                }
                kind @ (START | START_SELF_CLOSING) => {
                    out.push(if kind == START { "S" } else { "S/" }.into());
                    let n = self.meta[i + 1] as usize;
                    out.push(n.to_string());
                    take(self.meta[i + 2], &mut out);
                    for k in 0..2 * n {
                        take(self.meta[i + 3 + k], &mut out);
                    }
                    i += 3 + 2 * n;
                }
                other => panic!("unknown record kind {other}"),
            }
        }
        assert_eq!(start, units.len(), "the records do not cover the data");
        out
    }
}

fn utf16_len(s: &str) -> u32 {
    if s.is_ascii() {
        s.len() as u32
    } else {
        s.encode_utf16().count() as u32
    }
}

/// Tokenizes `input` into records with `policy`'s readers (bounded by the input: a few
/// numbers per input byte at most).
pub fn records(policy: &Policy, input: &str) -> Records {
    super::stream::records(policy, input, true)
}

/// `records` with html5ever's tokenizer for everything (no byte-level lane): for tests.
pub fn records_with_html5ever(policy: &Policy, input: &str) -> Records {
    super::stream::records(policy, input, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_tags_and_decoded_text() {
        assert_eq!(
            records(
                &Policy::sanitize_html_defaults(),
                "a&amp;b<p id=x>c</p><script>1<2</script><br/>é"
            )
            .pieces(),
            [
                "T", "a&b", "S", "1", "p", "id", "x", "T", "c", "E", "p", "S", "0", "script", "T",
                "1<2", "E", "script", "S/", "0", "br", "T", "é"
            ]
        );
    }
}
