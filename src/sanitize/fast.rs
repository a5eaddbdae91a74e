//! The byte-level lane: text runs and ordinary tags are read here with the tokenizer's
//! rules (WHATWG "tokenization", data and tag states), everything else is handed to
//! html5ever: text with character references, tags whose attribute values hold them,
//! comments we cannot delimit, doctypes, `<?`, bogus end tags, parse-error forms and script
//! content with `<!--`. Both routes feed the same sink, so the output stays canonical either
//! way; the tests compare this lane with ammonia (the oracle) and with html5ever alone.

use super::stream::{content_kind, tokenize, Sink, TagView};
use html5ever::tokenizer::states::{RawKind, State as TokenizerState};
use html5ever::tokenizer::TokenSinkResult;
use std::borrow::Cow;

fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b' ')
}

/// Sanitizes `input` (no CR, no NUL) into `sink`.
pub(crate) fn run(sink: &Sink<'_>, input: &str) {
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let Some(offset) = memchr::memchr2(b'<', b'&', &bytes[i..]) else {
            sink.emit_text(&input[i..]);
            return;
        };
        let j = i + offset;
        if j > i {
            sink.emit_text(&input[i..j]);
        }
        if bytes[j] == b'&' {
            let k = memchr::memchr(b'<', &bytes[j..]).map_or(bytes.len(), |o| j + o);
            tokenize(sink, &input[j..k], None);
            i = k;
            continue;
        }
        match markup(sink, input, j) {
            Some(next) => i = next,
            None => {
                tokenize(sink, &input[j..], None);
                return;
            }
        }
    }
}

/// Handles the markup at `j` (a `<`); returns where to go on, or `None` to hand the rest
/// of the input, from `j`, to html5ever.
fn markup(sink: &Sink<'_>, input: &str, j: usize) -> Option<usize> {
    let bytes = input.as_bytes();
    match bytes.get(j + 1) {
        None => {
            sink.emit_text("<");
            Some(j + 1)
        }
        Some(c) if c.is_ascii_alphabetic() => start_tag(sink, input, j),
        Some(b'/') => match bytes.get(j + 2) {
            Some(c) if c.is_ascii_alphabetic() => {
                let (end, tag) = scan_tag(input, j + 2)?;
                if tag.needs_decode {
                    tokenize(sink, &input[j..end], None);
                } else {
                    let _ = sink.emit_view(&tag.view(false));
                }
                Some(end)
            }
            Some(b'>') => Some(j + 3), // `</>` is dropped
            _ => None,
        },
        Some(b'!') if bytes[j..].starts_with(b"<!--") => Some(comment_end(bytes, j + 4)),
        Some(b'!' | b'?') => None,
        Some(_) => {
            sink.emit_text("<");
            Some(j + 1)
        }
    }
}

fn start_tag(sink: &Sink<'_>, input: &str, j: usize) -> Option<usize> {
    let (end, tag) = scan_tag(input, j + 1)?;
    if tag.needs_decode {
        tokenize(sink, &input[j..end], None);
    } else {
        let _ = sink.emit_view(&tag.view(true));
    }
    let name = tag.name;
    match content_kind(&name) {
        TokenSinkResult::RawData(kind) => Some(raw_content(sink, input, end, &name, kind)),
        TokenSinkResult::Plaintext => {
            sink.emit_text(&input[end..]);
            Some(input.len())
        }
        _ => Some(end),
    }
}

/// The content of a raw-text, RCDATA or script element, up to its end tag.
fn raw_content(sink: &Sink<'_>, input: &str, from: usize, name: &str, kind: RawKind) -> usize {
    let bytes = input.as_bytes();
    let hand_over = |at: usize| {
        tokenize(
            sink,
            &input[at..],
            Some((TokenizerState::RawData(kind), name)),
        );
        input.len()
    };
    let mut search = from;
    let close = loop {
        let Some(offset) = memchr::memmem::find(&bytes[search..], b"</") else {
            break None;
        };
        let at = search + offset;
        let after = at + 2 + name.len();
        if bytes.len() > after
            && bytes[at + 2..after].eq_ignore_ascii_case(name.as_bytes())
            && (is_ws(bytes[after]) || bytes[after] == b'/' || bytes[after] == b'>')
        {
            break Some(at);
        }
        search = at + 2;
    };
    let content = &input[from..close.unwrap_or(input.len())];
    let tricky = match kind {
        RawKind::Rcdata => content.contains('&'),
        RawKind::Rawtext => false,
        _ => content.contains("<!--"),
    };
    if tricky {
        return hand_over(from);
    }
    sink.emit_text(content);
    let Some(at) = close else {
        return input.len();
    };
    match scan_tag(input, at + 2) {
        Some((end, tag)) if !tag.needs_decode => {
            let _ = sink.emit_view(&tag.view(false));
            end
        }
        _ => hand_over(at),
    }
}

/// Where a comment that starts before `k` (just after `<!--`) ends, per the comment states:
/// `<!-->` and `<!--->` end at once; otherwise at the first `--` (more dashes allowed)
/// followed by `>` or `!>`; at the end of input if none.
fn comment_end(bytes: &[u8], k: usize) -> usize {
    let rest = &bytes[k..];
    if rest.starts_with(b">") {
        return k + 1;
    }
    if rest.starts_with(b"->") {
        return k + 2;
    }
    let mut p = k;
    while let Some(offset) = memchr::memmem::find(&bytes[p..], b"--") {
        let mut r = p + offset + 2;
        while bytes.get(r) == Some(&b'-') {
            r += 1;
        }
        match bytes.get(r) {
            Some(b'>') => return r + 1,
            Some(b'!') if bytes.get(r + 1) == Some(&b'>') => return r + 2,
            None => return bytes.len(),
            _ => p = r,
        }
    }
    bytes.len()
}

struct ScannedTag<'a> {
    name: Cow<'a, str>,
    attrs: Vec<(Cow<'a, str>, &'a str)>,
    self_closing: bool,
    needs_decode: bool,
}

impl ScannedTag<'_> {
    fn view(&self, start: bool) -> TagView<'_> {
        TagView {
            start,
            name: &self.name,
            self_closing: self.self_closing,
            attrs: &self.attrs,
        }
    }
}

/// Names are matched in lower case (ASCII only, as the tokenizer does).
fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Reads a tag whose name starts at `at`, up to and including its `>`. `None` for anything
/// the lane leaves to html5ever: end of input inside the tag, and the parse-error forms
/// (`"`, `'` or `<` in an attribute name, `=` starting one, `"'<=\`` in an unquoted value).
fn scan_tag(input: &str, at: usize) -> Option<(usize, ScannedTag<'_>)> {
    let b = input.as_bytes();
    let mut p = at;
    while p < b.len() && !is_ws(b[p]) && b[p] != b'/' && b[p] != b'>' {
        p += 1;
    }
    if p >= b.len() {
        return None;
    }
    let mut tag = ScannedTag {
        name: lower(&input[at..p]),
        attrs: Vec::new(),
        self_closing: false,
        needs_decode: false,
    };
    loop {
        while p < b.len() && is_ws(b[p]) {
            p += 1;
        }
        match b.get(p)? {
            b'>' => return Some((p + 1, tag)),
            b'/' => {
                if b.get(p + 1) == Some(&b'>') {
                    tag.self_closing = true;
                    return Some((p + 2, tag));
                }
                p += 1;
                continue;
            }
            b'=' => return None,
            _ => {}
        }
        let name_at = p;
        while p < b.len() && !is_ws(b[p]) && !matches!(b[p], b'/' | b'>' | b'=') {
            if matches!(b[p], b'"' | b'\'' | b'<') {
                return None;
            }
            p += 1;
        }
        if p >= b.len() {
            return None;
        }
        let name = lower(&input[name_at..p]);
        let mut q = p;
        while q < b.len() && is_ws(b[q]) {
            q += 1;
        }
        let mut value = "";
        if b.get(q) == Some(&b'=') {
            q += 1;
            while q < b.len() && is_ws(b[q]) {
                q += 1;
            }
            match *b.get(q)? {
                quote @ (b'"' | b'\'') => {
                    let close = memchr::memchr(quote, &b[q + 1..])?;
                    value = &input[q + 1..q + 1 + close];
                    p = q + 1 + close + 1;
                }
                b'>' => p = q,
                _ => {
                    let start = q;
                    while q < b.len() && !is_ws(b[q]) && b[q] != b'>' {
                        if matches!(b[q], b'"' | b'\'' | b'<' | b'=' | b'`') {
                            return None;
                        }
                        q += 1;
                    }
                    if q >= b.len() {
                        return None;
                    }
                    value = &input[start..q];
                    p = q;
                }
            }
            if value.contains('&') {
                tag.needs_decode = true;
            }
        } else {
            p = q;
        }
        if !tag.attrs.iter().any(|(n, _)| *n == name) {
            tag.attrs.push((name, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_end_where_the_tokenizer_ends_them() {
        let end = |s: &str| comment_end(s.as_bytes(), 4);
        assert_eq!(end("<!-->x"), 5);
        assert_eq!(end("<!--->x"), 6);
        assert_eq!(end("<!---->x"), 7);
        assert_eq!(end("<!-- a -- b -->x"), 15);
        assert_eq!(end("<!-- a --!>x"), 11);
        assert_eq!(end("<!-- a ---->x"), 12);
        assert_eq!(end("<!-- a"), 6);
    }

    #[test]
    fn scans_tags_like_the_tokenizer() {
        let (end, t) = scan_tag(r#"<A HREF="x" title='y' data-x=z checked/>rest"#, 1).unwrap();
        assert_eq!(end, 40);
        assert_eq!(t.name, "a");
        assert!(t.self_closing);
        let attrs: Vec<_> = t.attrs.iter().map(|(n, v)| format!("{n}={v}")).collect();
        assert_eq!(attrs, ["href=x", "title=y", "data-x=z", "checked="]);
        assert!(scan_tag("<a href=\"x", 1).is_none());
        assert!(scan_tag("<a b\"c=1>", 1).is_none());
        let (_, t) = scan_tag("<a href=\"?a=1&amp;b\" href=\"other\">", 1).unwrap();
        assert!(t.needs_decode);
        assert_eq!(t.attrs.len(), 1);
    }
}
