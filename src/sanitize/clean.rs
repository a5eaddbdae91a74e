//! Cleaning a string with a compiled policy: the fast path, the streaming sanitizer, and
//! ammonia's tree pass for policies that allow tags with special parsing rules.

use super::escape::push_text;
use super::options::DisallowedTagsMode;
use super::policy::Policy;
use super::stream;
use std::borrow::Cow;

/// Whether `input` can hold markup or character references at all.
pub fn needs_cleaning(input: &str) -> bool {
    memchr::memchr2(b'<', b'&', input.as_bytes()).is_some()
}

impl Policy {
    /// Sanitizes `input`. A string with no `<` and no `&` is returned untouched.
    pub fn clean<'a>(&self, input: &'a str) -> Cow<'a, str> {
        if !needs_cleaning(input) {
            // completelyDiscard drops text outside any allowed element: all of it, here.
            if self.mode == DisallowedTagsMode::CompletelyDiscard {
                return Cow::Borrowed("");
            }
            return Cow::Borrowed(input);
        }
        Cow::Owned(self.clean_owned(input, true))
    }

    fn clean_owned(&self, input: &str, lane: bool) -> String {
        let input = if self.enforce_html_boundary {
            html_boundary(input)
        } else {
            input
        };
        let (input, tail) = if self.escape_disallowed {
            unterminated_tail(input)
        } else {
            (input, "")
        };
        let streamed = stream::sanitize(self, input, lane);
        let mut out = if self.tree_pass {
            self.ammonia.clean(&streamed).to_string()
        } else {
            streamed
        };
        push_text(&mut out, tail);
        out
    }

    /// `clean` without the byte-level lane (html5ever's tokenizer for everything): what the
    /// tests compare the lane against.
    pub fn clean_with_html5ever(&self, input: &str) -> String {
        self.clean_owned(input, false)
    }

    /// The same policy applied by ammonia alone (parse tree, ammonia's serializer), with no
    /// fast path and no streaming: the safety oracle the tests compare `clean` against.
    /// `transformTags`, escape mode and the nesting limit are not applied here.
    pub fn clean_with_ammonia(&self, input: &str) -> String {
        self.ammonia.clean(input).to_string()
    }
}

/// Escape modes: a tag cut off by the end of the input (`text <b`) is dropped by the HTML
/// tokenizer; sanitize-html shows it as text. Splits it off to be escaped (text is safe).
fn unterminated_tail(input: &str) -> (&str, &str) {
    if let Some(at) = input.rfind('<') {
        let rest = &input[at + 1..];
        let starts_tag = rest
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'/');
        if starts_tag && !rest.contains('>') {
            return (&input[..at], &input[at..]);
        }
    }
    (input, "")
}

/// sanitize-html's `enforceHtmlBoundary`: when the input has an `<html>` element, only
/// what is inside it counts.
fn html_boundary(input: &str) -> &str {
    let lower = input.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<html").map(|o| from + o) {
        let next = b.get(at + 5).copied();
        if matches!(next, Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\x0c')) {
            let Some(open_end) = lower[at..].find('>').map(|o| at + o + 1) else {
                return input;
            };
            let close = lower[open_end..]
                .find("</html")
                .map_or(input.len(), |o| open_end + o);
            return &input[open_end..close];
        }
        from = at + 5;
    }
    input
}

#[cfg(test)]
mod tests {
    use super::super::options::PolicyOptions;
    use super::*;

    fn defaults() -> Policy {
        Policy::sanitize_html_defaults()
    }

    #[test]
    fn plain_text_is_returned_untouched() {
        let p = defaults();
        assert!(matches!(p.clean("just text > here"), Cow::Borrowed(_)));
    }

    #[test]
    fn keeps_allowed_markup_and_drops_the_rest() {
        let p = defaults();
        let out = p.clean(r#"<p>Hi <b>there</b><script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)" onclick="x">l</a></p>"#);
        assert_eq!(out, "<p>Hi <b>there</b><a>l</a></p>");
        assert_eq!(
            p.clean("<textarea><b>x</b></textarea>y&amp;<i>z"),
            "y&amp;<i>z</i>"
        );
        assert_eq!(p.clean("<p>a<p>b"), "<p>a</p><p>b</p>");
        assert_eq!(p.clean("<br><hr/>"), "<br /><hr />");
        let mut o = PolicyOptions::sanitize_html_defaults();
        o.allowed_tags.push("input".into());
        o.allowed_attributes
            .as_mut()
            .unwrap()
            .insert("input".into(), vec!["disabled".into()]);
        o.allowed_attributes
            .as_mut()
            .unwrap()
            .insert("img".into(), vec!["alt".into()]);
        o.allowed_tags.push("img".into());
        let with_inputs = Policy::compile(&o).unwrap();
        assert_eq!(
            with_inputs.clean(r#"<input disabled><img alt="">"#),
            r#"<input disabled /><img alt="" />"#
        );
        assert_eq!(
            p.clean(r#"<a href="https://x.test/?a=1&amp;b=&quot;">x</a>"#),
            r#"<a href="https://x.test/?a=1&amp;b=&quot;">x</a>"#
        );
    }

    #[test]
    fn escape_mode_shows_disallowed_tags_as_text() {
        let mut o = PolicyOptions::sanitize_html_defaults();
        o.disallowed_tags_mode = DisallowedTagsMode::Escape;
        let p = Policy::compile(&o).unwrap();
        assert_eq!(
            p.clean("<script>alert(1)</script><b>x</b>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;<b>x</b>"
        );
        assert_eq!(p.clean("Hello <world"), "Hello &lt;world");
        assert_eq!(
            p.clean("<b>x<img src=x onerror=alert(1)"),
            "<b>x</b>&lt;img src=x onerror=alert(1)"
        );
    }

    #[test]
    fn transform_tags_renames_before_the_allowlist() {
        let mut o = PolicyOptions::sanitize_html_defaults();
        o.transform_tags.insert("i".into(), "em".into());
        o.transform_tags.insert("font".into(), "span".into());
        let p = Policy::compile(&o).unwrap();
        assert_eq!(
            p.clean("<i>a</i><font>b</font>"),
            "<em>a</em><span>b</span>"
        );
    }

    #[test]
    fn new_modes_and_boundary() {
        let mut o = PolicyOptions::sanitize_html_defaults();
        o.disallowed_tags_mode = DisallowedTagsMode::RecursiveEscape;
        let p = Policy::compile(&o).unwrap();
        assert_eq!(
            p.clean("<x><b>a</b></x><b>c</b>"),
            "&lt;x&gt;&lt;b&gt;a&lt;/b&gt;&lt;/x&gt;<b>c</b>"
        );
        o.disallowed_tags_mode = DisallowedTagsMode::CompletelyDiscard;
        let p = Policy::compile(&o).unwrap();
        assert_eq!(p.clean("t<x>gone<b>kept</b></x>"), "<b>kept</b>");
        assert_eq!(p.clean("plain text"), "");
        let mut o = PolicyOptions::sanitize_html_defaults();
        o.enforce_html_boundary = true;
        let p = Policy::compile(&o).unwrap();
        assert_eq!(p.clean("a<HTML lang=x><b>b</b></html>c"), "<b>b</b>");
        assert_eq!(p.clean("a<html-x>b"), "ab");
    }

    #[test]
    fn allowed_scripts_keep_only_an_allowlisted_src() {
        let mut o = PolicyOptions::sanitize_html_defaults();
        o.allowed_tags.push("script".into());
        assert!(Policy::compile(&o).is_err());
        o.allowed_script_hostnames = Some(vec!["cdn.test".into()]);
        o.allowed_attributes
            .as_mut()
            .unwrap()
            .insert("script".into(), vec!["src".into()]);
        let p = Policy::compile(&o).unwrap();
        assert_eq!(
            p.clean("<script src=\"https://cdn.test/a.js\">alert(1)</script><b>x</b>"),
            "<script src=\"https://cdn.test/a.js\"></script><b>x</b>"
        );
        assert_eq!(
            p.clean(
                "<script src=\"https://evil.test/a.js\"></script><script src=/local.js></script>"
            ),
            "<script></script><script></script>"
        );
    }

    #[test]
    fn every_tag_only_with_every_attribute_and_never_script() {
        let mut o = PolicyOptions::sanitize_html_defaults();
        o.all_tags = true;
        assert!(Policy::compile(&o).is_err());
        o.allowed_attributes = None;
        let p = Policy::compile(&o).unwrap();
        assert_eq!(
            p.clean("<div><wiggly worms=\"ewww\">hello</wiggly></div>"),
            "<div>hello</div>" // the tree pass keeps the elements it knows
        );
        let out = p.clean("<script>alert(1)</script><img src=x onerror=alert(1)><a href=\"javascript:x\">l</a><style>p{}</style>");
        assert!(
            !out.contains("<script") && !out.contains("onerror") && !out.contains("javascript"),
            "{out}"
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let p = defaults();
        let deep = "<div>".repeat(100_000) + "x";
        let out = p.clean(&deep);
        assert_eq!(out.matches("<div>").count(), 256);
        assert!(out.contains('x'));
    }

    #[test]
    fn tree_pass_policies_stay_safe() {
        let mut o = PolicyOptions::sanitize_html_defaults();
        o.allowed_tags
            .extend(["svg".to_string(), "style".to_string(), "iframe".to_string()]);
        let p = Policy::compile(&o).unwrap();
        let out = p.clean("<svg><style><img src=x onerror=alert(1)></style></svg><iframe srcdoc='<script>x</script>'></iframe>");
        assert!(!out.contains("<img") && !out.contains("srcdoc"), "{out}");
    }

    #[test]
    fn the_byte_lane_matches_html5ever() {
        let p = defaults();
        for input in [
            "<p class=x>a &amp; b<br>c</p><!-- c --><b>d",
            "<script>if (a < b) x()</script><style>p{}</style>t<textarea>&lt;</textarea>",
            r#"<a href="https://x.test/?a=1&amp;b=2" title='t'>l</a><a href=/x>y</a>"#,
            "<script><!--<script>x</script>--></script>after",
            "< p>x</ p>y</>z<?php x ?>w<!DOCTYPE html>v",
            "<a b=c d='e' f=\"g\"/h>i<A HREF=\"javascript:x\">j</A>",
        ] {
            assert_eq!(p.clean(input), p.clean_with_html5ever(input), "{input}");
        }
    }

    #[test]
    fn ammonia_oracle_agrees_on_simple_markup() {
        let p = defaults();
        let input = r#"<p>Hello <a href="https://x.test">world</a> <b>bold</b></p>"#;
        assert_eq!(p.clean(input), p.clean_with_ammonia(input));
    }
}
