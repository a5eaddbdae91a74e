//! The input as a flat batch of tag and text records, for policies with JavaScript
//! callbacks: the sanitizer's own readers (byte-level lane, html5ever), one call, no tree.
//!
//! `meta` holds the records as numbers:
//! - `TEXT|TEXT_ESCAPE start end` (`TEXT_ESCAPE`: the text holds `&`, `<` or `>`),
//! - `END name`,
//! - `START|START_SELF_CLOSING n name (name start end){n}` (attribute name, value).
//!
//! A `name` (tag or attribute) is one number, its index in `NAMES`, or `NAME_INLINE`
//! followed by `start end`. An attribute value's `start` has the `ESCAPE` bit when the
//! value holds `&`, `<`, `>` or `"`. A string `start end` is a range of the input itself (the
//! JavaScript string the batch was made from: nothing copied) or, when `start` has the
//! `EXTRA` bit, of `data` (text with decoded character references, lower-cased names, any
//! string of a non-ASCII input): offsets in UTF-16 units, as JavaScript slices strings.
//! JavaScript reads kinds, counts and names without parsing, and the common names as
//! strings it already holds.

use super::policy::Policy;
use super::stream::TagView;
use std::sync::OnceLock;

/// Record kinds in `meta`: exported by `HtmlPolicy.recordKinds()`, which lib/sanitize/callbacks.js
/// reads (this is their one source).
pub const TEXT: u32 = 0;
pub const END: u32 = 1;
pub const START: u32 = 2;
pub const START_SELF_CLOSING: u32 = 3;
pub const TEXT_ESCAPE: u32 = 4;

/// The bit of a string start that says the string is in `data`, not the input.
pub const EXTRA: u32 = 1 << 31;
/// The bit of an attribute value's start that says the value holds `&`, `<`, `>` or `"`.
pub const ESCAPE: u32 = 1 << 30;

/// Tag and attribute names written as their index here (exported by
/// `HtmlPolicy.recordNames()`, which lib/sanitize/callbacks.js reads: the one list).
pub const NAMES: &[&str] = &[
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "math",
    "menu",
    "meta",
    "meter",
    "nav",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "plaintext",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
    "href",
    "class",
    "id",
    "src",
    "alt",
    "width",
    "height",
    "target",
    "rel",
    "name",
    "value",
    "type",
    "lang",
    "colspan",
    "rowspan",
    "scope",
    "headers",
    "align",
    "valign",
    "border",
    "cellpadding",
    "cellspacing",
    "bgcolor",
    "color",
    "face",
    "size",
    "srcset",
    "sizes",
    "loading",
    "decoding",
    "crossorigin",
    "referrerpolicy",
    "datetime",
    "start",
    "reversed",
    "role",
    "tabindex",
    "hidden",
    "download",
    "hreflang",
    "media",
    "poster",
    "controls",
    "autoplay",
    "loop",
    "muted",
    "preload",
    "frameborder",
    "allowfullscreen",
    "allow",
    "sandbox",
    "srcdoc",
    "action",
    "method",
    "for",
    "placeholder",
    "disabled",
    "checked",
    "selected",
    "readonly",
    "required",
    "maxlength",
    "minlength",
    "pattern",
    "autocomplete",
    "accept",
    "enctype",
    "formaction",
    "onclick",
    "onerror",
    "onload",
    "onmouseover",
    "onfocus",
    "onblur",
    "onchange",
    "onsubmit",
    "xmlns",
];

/// A name not in `NAMES`: its string follows.
pub const NAME_INLINE: u32 = NAMES.len() as u32;

const SLOTS: usize = 1024;

/// A name of 1 to 16 bytes as one number (zero-padded), for hashing and comparing at once.
fn key(name: &str) -> Option<u128> {
    let b = name.as_bytes();
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let mut k = [0u8; 16];
    k[..b.len()].copy_from_slice(b);
    Some(u128::from_le_bytes(k))
}

fn slot(key: u128) -> usize {
    let h = (key as u64 ^ (key >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 54) as usize & (SLOTS - 1)
}

/// The index of `name` in `NAMES` (an open-addressing table of keys, built once).
fn name_id(name: &str) -> Option<u32> {
    static TABLE: OnceLock<Vec<(u128, u16)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = vec![(0u128, 0u16); SLOTS];
        for (i, n) in NAMES.iter().enumerate() {
            let k = key(n).expect("a name of 1 to 16 bytes");
            let mut at = slot(k);
            while table[at].1 != 0 {
                at = (at + 1) & (SLOTS - 1);
            }
            table[at] = (k, i as u16 + 1);
        }
        table
    });
    let k = key(name)?;
    let mut at = slot(k);
    loop {
        match table[at] {
            (_, 0) => return None,
            // Equal keys and lengths: equal names (the padding is not part of the name).
            (other, id) if other == k && NAMES[id as usize - 1].len() == name.len() => {
                return Some(id as u32 - 1)
            }
            _ => at = (at + 1) & (SLOTS - 1),
        }
    }
}

/// A batch of records.
#[derive(Debug)]
pub struct Records<'i> {
    /// Strings not taken from the input, end to end.
    pub data: String,
    pub meta: Vec<u32>,
    input: &'i str,
    /// The input's strings are referenced in place (an ASCII input: byte offsets are
    /// UTF-16 offsets); otherwise every string is copied into `data`.
    in_place: bool,
    /// UTF-16 length of `data`.
    len16: u32,
    /// The last record is text (the index of its kind in `meta`): more text extends it.
    open_text: Option<usize>,
}

impl<'i> Records<'i> {
    pub(crate) fn new(input: &'i str) -> Self {
        Records {
            data: String::new(),
            meta: Vec::with_capacity(input.len() / 4 + 16),
            input,
            in_place: input.is_ascii() && input.len() < ESCAPE as usize,
            len16: 0,
            open_text: None,
        }
    }

    /// The same records, borrowing `input` for a longer lifetime (the input they were
    /// read from).
    pub(crate) fn of<'j>(self, input: &'j str) -> Records<'j> {
        assert!(std::ptr::eq(self.input, input), "the records' own input");
        Records {
            data: self.data,
            meta: self.meta,
            input,
            in_place: self.in_place,
            len16: self.len16,
            open_text: self.open_text,
        }
    }

    pub(crate) fn tag(&mut self, tag: &TagView<'_>) {
        self.open_text = None;
        if !tag.start {
            self.meta.push(END);
            self.name(tag.name);
            return;
        }
        self.meta.push(if tag.self_closing {
            START_SELF_CLOSING
        } else {
            START
        });
        self.meta.push(tag.attrs.len() as u32);
        self.name(tag.name);
        for (name, value) in tag.attrs {
            self.name(name);
            let at = self.meta.len();
            self.string(value);
            let v = value.as_bytes();
            if memchr::memchr3(b'&', b'<', b'>', v).is_some() || memchr::memchr(b'"', v).is_some() {
                self.meta[at] |= ESCAPE;
            }
        }
    }

    pub(crate) fn text(&mut self, text: &str) {
        if text.is_empty() {
            return; // the lane reports empty raw-text content; html5ever reports none
        }
        let special = memchr::memchr3(b'&', b'<', b'>', text.as_bytes()).is_some();
        let Some(at) = self.open_text else {
            self.meta.push(if special { TEXT_ESCAPE } else { TEXT });
            self.string(text);
            self.open_text = Some(self.meta.len() - 3);
            return;
        };
        if special {
            self.meta[at] = TEXT_ESCAPE;
        }
        let (start, end) = (self.meta[at + 1], self.meta[at + 2]);
        if start & EXTRA == 0 {
            if self.offset(text) == Some(end as usize) {
                self.meta[at + 2] = end + text.len() as u32; // the input's next bytes
                return;
            }
            // Text from two places: the first part moves to `data`, the rest follows it.
            let first = &self.input[start as usize..end as usize];
            self.meta[at + 1] = EXTRA | self.len16;
            self.push_data(first);
        }
        // `data` ends with this text (it is the last record): extend it.
        self.push_data(text);
        self.meta[at + 2] = self.len16;
    }

    /// A tag or attribute name: its number, or `NAME_INLINE` and the string.
    fn name(&mut self, name: &str) {
        match name_id(name) {
            Some(id) => self.meta.push(id),
            None => {
                self.meta.push(NAME_INLINE);
                self.string(name);
            }
        }
    }

    /// Where `s` starts in the input, when it is a piece of it referenced in place.
    fn offset(&self, s: &str) -> Option<usize> {
        if !self.in_place {
            return None;
        }
        let base = self.input.as_ptr() as usize;
        let at = (s.as_ptr() as usize).wrapping_sub(base);
        (at <= self.input.len() && s.len() <= self.input.len() - at).then_some(at)
    }

    fn string(&mut self, s: &str) {
        if let Some(at) = self.offset(s) {
            self.meta.push(at as u32);
            self.meta.push((at + s.len()) as u32);
        } else {
            self.meta.push(EXTRA | self.len16);
            self.push_data(s);
            self.meta.push(self.len16);
        }
    }

    fn push_data(&mut self, s: &str) {
        self.data.push_str(s);
        self.len16 += utf16_len(s);
    }

    /// The records decoded into readable pieces (`T text` (`T&` for `TEXT_ESCAPE`),
    /// `E name`, `S|S/ n name attr value...`); panics on a malformed batch (unknown kind or
    /// name, a string out of bounds, `data` not covered exactly). For tests and fuzzing.
    pub fn pieces(&self) -> Vec<String> {
        let input: Vec<u16> = self.input.encode_utf16().collect();
        let data: Vec<u16> = self.data.encode_utf16().collect();
        let mut data_end = 0usize;
        let mut out = Vec::new();
        let meta = &self.meta;
        let mut i = 0;
        let mut string = |i: &mut usize, out: &mut Vec<String>| {
            let (start, end) = (meta[*i] & !ESCAPE, meta[*i + 1] as usize);
            *i += 2;
            let units = if start & EXTRA != 0 {
                let start = (start & !EXTRA) as usize;
                assert_eq!(start, data_end, "data strings out of order");
                data_end = end;
                &data[start..end]
            } else {
                &input[start as usize..end]
            };
            out.push(String::from_utf16_lossy(units));
        };
        let name = |i: &mut usize,
                    out: &mut Vec<String>,
                    string: &mut dyn FnMut(&mut usize, &mut Vec<String>)| {
            let id = meta[*i];
            *i += 1;
            if id == NAME_INLINE {
                string(i, out);
            } else {
                out.push(NAMES[id as usize].to_string());
            }
        };
        while i < meta.len() {
            let kind = meta[i];
            i += 1;
            match kind {
                TEXT | TEXT_ESCAPE => {
                    out.push(if kind == TEXT { "T" } else { "T&" }.into());
                    assert_eq!(meta[i] & ESCAPE, 0, "ESCAPE on a text");
                    string(&mut i, &mut out);
                    let text = out.last().expect("a text");
                    assert_eq!(
                        kind == TEXT_ESCAPE,
                        text.contains(['&', '<', '>']),
                        "TEXT_ESCAPE"
                    );
                }
                END => {
                    out.push("E".into());
                    name(&mut i, &mut out, &mut string);
                }
                START | START_SELF_CLOSING => {
                    out.push(if kind == START { "S" } else { "S/" }.into());
                    let n = meta[i] as usize;
                    i += 1;
                    out.push(n.to_string());
                    name(&mut i, &mut out, &mut string);
                    for _ in 0..n {
                        name(&mut i, &mut out, &mut string);
                        let flagged = meta[i] & ESCAPE != 0;
                        string(&mut i, &mut out);
                        let value = out.last().expect("a value");
                        assert_eq!(flagged, value.contains(['&', '<', '>', '"']), "ESCAPE");
                    }
                }
                other => panic!("unknown record kind {other}"),
            }
        }
        assert_eq!(data_end, data.len(), "the records do not cover the data");
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
pub fn records<'i>(policy: &Policy, input: &'i str) -> Records<'i> {
    super::stream::records(policy, input, true)
}

/// `records` with html5ever's tokenizer for everything (no byte-level lane): for tests.
pub fn records_with_html5ever<'i>(policy: &Policy, input: &'i str) -> Records<'i> {
    super::stream::records(policy, input, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_tags_and_decoded_text() {
        let input =
            "a&amp;b<p id=x>c</p><script>1<2</script><br/><x-y data-k=v>&lt;<b title='\"q\"'>";
        let r = records(&Policy::sanitize_html_defaults(), input);
        assert_eq!(
            r.pieces(),
            [
                "T&", "a&b", "S", "1", "p", "id", "x", "T", "c", "E", "p", "S", "0", "script",
                "T&", "1<2", "E", "script", "S/", "0", "br", "S", "1", "x-y", "data-k", "v", "T&",
                "<", "S", "1", "b", "title", "\"q\""
            ]
        );
        // In place: only the decoded text and nothing else is copied.
        assert_eq!(r.data, "a&b<");
        // A non-ASCII input: every string copied, the pieces the same.
        let r = records(&Policy::sanitize_html_defaults(), "é<b title=ü>x</b>");
        assert_eq!(
            r.pieces(),
            ["T", "é", "S", "1", "b", "title", "ü", "T", "x", "E", "b"]
        );
        assert_eq!(r.data, "éüx");
    }

    #[test]
    fn every_name_has_its_number() {
        for (i, n) in NAMES.iter().enumerate() {
            assert_eq!(name_id(n), Some(i as u32), "{n}");
        }
        let unique: std::collections::HashSet<_> = NAMES.iter().collect();
        assert_eq!(unique.len(), NAMES.len());
        assert_eq!(name_id("x-y"), None);
        assert_eq!(name_id(""), None);
        assert_eq!(name_id("averyveryverylongname"), None);
    }
}
