//! The input as a flat batch of tag and text records, for policies with JavaScript
//! callbacks: the sanitizer's own readers (byte-level lane, html5ever), one call, no tree.
//! Pieces: `S name n (attr value){n} selfClosing("1"|"")`, `E name`, `T text` (decoded),
//! written end to end into one string with each piece's end offset in UTF-16 units, so
//! that JavaScript slices them out of one value (two napi values, not one per piece).

use super::policy::Policy;
use super::stream::TagView;

/// The pieces end to end, and where each ends (UTF-16 units, JavaScript string offsets).
#[derive(Default, Debug)]
pub struct Records {
    pub data: String,
    pub ends: Vec<u32>,
    /// UTF-16 length of `data`.
    len16: u32,
    /// The last piece is text: more text extends it.
    text_open: bool,
}

impl Records {
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        Records {
            data: String::with_capacity(bytes + 64),
            ends: Vec::with_capacity(bytes / 4),
            ..Default::default()
        }
    }

    pub(crate) fn tag(&mut self, tag: &TagView<'_>) {
        self.text_open = false;
        if !tag.start {
            self.push("E");
            self.push(tag.name);
            return;
        }
        self.push("S");
        self.push(tag.name);
        self.push(&tag.attrs.len().to_string());
        for (name, value) in tag.attrs {
            self.push(name);
            self.push(value);
        }
        self.push(if tag.self_closing { "1" } else { "" });
    }

    pub(crate) fn text(&mut self, text: &str) {
        if text.is_empty() {
            return; // the lane reports empty raw-text content; html5ever reports none
        }
        if self.text_open {
            self.extend_last(text);
        } else {
            self.push("T");
            self.push(text);
            self.text_open = true;
        }
    }

    fn push(&mut self, piece: &str) {
        self.data.push_str(piece);
        self.len16 += utf16_len(piece);
        self.ends.push(self.len16);
    }
    fn extend_last(&mut self, more: &str) {
        self.data.push_str(more);
        self.len16 += utf16_len(more);
        if let Some(end) = self.ends.last_mut() {
            *end = self.len16;
        }
    }
    /// The pieces as strings (for tests).
    pub fn pieces(&self) -> Vec<String> {
        let units: Vec<u16> = self.data.encode_utf16().collect();
        let mut start = 0usize;
        self.ends
            .iter()
            .map(|&end| {
                let s = String::from_utf16_lossy(&units[start..end as usize]);
                start = end as usize;
                s
            })
            .collect()
    }
}

fn utf16_len(s: &str) -> u32 {
    if s.is_ascii() {
        s.len() as u32
    } else {
        s.encode_utf16().count() as u32
    }
}

/// Tokenizes `input` into records with `policy`'s readers (bounded by the input: at most a
/// few pieces per input byte).
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
                "T", "a&b", "S", "p", "1", "id", "x", "", "T", "c", "E", "p", "S", "script", "0",
                "", "T", "1<2", "E", "script", "S", "br", "0", "1", "T", "é"
            ]
        );
    }
}
