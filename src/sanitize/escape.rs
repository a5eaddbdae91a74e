//! Escaping for HTML text and double-quoted attribute values.

use std::borrow::Cow;

/// Appends `text` with `&`, `<` and `>` escaped (safe as HTML element content).
pub fn push_text(out: &mut String, text: &str) {
    push_escaped(out, text, |b| matches!(b, b'&' | b'<' | b'>'));
}

/// Appends `value` escaped for a double-quoted attribute (`&`, `<`, `>` and `"`).
pub fn push_attr(out: &mut String, value: &str) {
    push_escaped(out, value, |b| matches!(b, b'&' | b'<' | b'>' | b'"'));
}

/// Escapes `&`, `<`, `>`, `"` and `'`: the result is safe in HTML content and in
/// attribute values quoted with either quote. Returns the input itself when nothing needs
/// escaping.
pub fn escape_html(text: &str) -> Cow<'_, str> {
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    if !text.bytes().any(special) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    push_escaped(&mut out, text, special);
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, text: &str, special: impl Fn(u8) -> bool) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !special(b) {
            continue;
        }
        // Every special byte is ASCII, so `i` is always a char boundary.
        out.push_str(&text[start..i]);
        out.push_str(match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert!(matches!(escape_html("plain text é"), Cow::Borrowed(_)));
    }

    #[test]
    fn text_and_attribute_escaping_differ_only_in_quotes() {
        let mut t = String::new();
        push_text(&mut t, "a<b>\"c\"&");
        assert_eq!(t, "a&lt;b&gt;\"c\"&amp;");
        let mut a = String::new();
        push_attr(&mut a, "a<b>\"c\"&");
        assert_eq!(a, "a&lt;b&gt;&quot;c&quot;&amp;");
    }
}
