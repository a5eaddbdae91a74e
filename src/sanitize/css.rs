//! `style` attribute values: split into declarations with Servo's CSS tokenizer (so `;` and
//! `:` inside strings, functions and comments do not split), kept per sanitize-html's
//! `allowedStyles` (property names and value patterns, per tag and `*`), and written back as
//! sanitize-html writes them: `prop:value` joined by `;`, ` !important` kept.

use super::names::NameMap;
use cssparser::{Parser, Token};
use regex::Regex;

/// Allowed properties per tag (`*` for every tag), each with the patterns its value must
/// match (one is enough).
#[derive(Default)]
pub(crate) struct StyleRules {
    by_tag: NameMap<Vec<(Box<str>, Vec<Regex>)>>,
}

impl StyleRules {
    pub(crate) fn add(&mut self, tag: &str, prop: &str, patterns: Vec<Regex>) {
        let mut list = self.by_tag.remove(tag).unwrap_or_default();
        list.push((prop.to_ascii_lowercase().into(), patterns));
        self.by_tag.insert(tag, list);
    }

    fn allows(&self, tag: &str, prop: &str, value: &str) -> bool {
        let check = |rules: Option<&Vec<(Box<str>, Vec<Regex>)>>| {
            rules.is_some_and(|list| {
                list.iter()
                    .any(|(p, res)| &**p == prop && res.iter().any(|re| re.is_match(value)))
            })
        };
        check(self.by_tag.get(tag)) || check(self.by_tag.get("*"))
    }
}

/// One `prop: value [!important]` declaration.
struct Declaration<'a> {
    prop: String,
    value: &'a str,
    important: bool,
}

/// The declarations of a style attribute, in order; malformed ones (no property name, no
/// colon) are dropped, as a CSS parser drops them.
fn declarations(css: &str) -> Vec<Declaration<'_>> {
    let mut parser = Parser::new(css);
    let mut out = Vec::new();
    let mut start = parser.position();
    loop {
        // (A position taken before `next` would sit inside a block `next` skips.)
        match parser.next_including_whitespace_and_comments() {
            Ok(Token::Semicolon) => {
                let text = parser.slice_from(start);
                if let Some(d) = declaration(&text[..text.len() - 1]) {
                    out.push(d);
                }
                start = parser.position();
            }
            Ok(_) => {}
            Err(_) => {
                if let Some(d) = declaration(parser.slice_from(start)) {
                    out.push(d);
                }
                return out;
            }
        }
    }
}

fn declaration(text: &str) -> Option<Declaration<'_>> {
    let mut parser = Parser::new(text);
    let prop = match parser.next() {
        Ok(Token::Ident(name)) => name.to_ascii_lowercase(),
        _ => return None,
    };
    match parser.next() {
        Ok(Token::Colon) => {}
        _ => return None,
    }
    // slice_from ends at the current position: read to the end first.
    let after_colon = parser.position();
    while parser.next_including_whitespace_and_comments().is_ok() {}
    let rest = parser.slice_from(after_colon);
    let mut value = rest.trim_matches(is_css_space);
    let mut important = false;
    if let Some(bang) = value.rfind('!') {
        let tail = value[bang + 1..].trim_matches(is_css_space);
        if tail.eq_ignore_ascii_case("important") {
            important = true;
            value = value[..bang].trim_matches(is_css_space);
        }
    }
    if value.is_empty() {
        return None;
    }
    Some(Declaration {
        prop,
        value,
        important,
    })
}

fn is_css_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// The style value kept on `tag`: every declaration (`rules: None`, sanitize-html's
/// parse-and-rewrite without `allowedStyles`) or only the allowed ones; `None` when nothing
/// is left.
pub(crate) fn filter_style(tag: &str, value: &str, rules: Option<&StyleRules>) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    for d in declarations(value) {
        if rules.is_some_and(|r| !r.allows(tag, &d.prop, d.value)) {
            continue;
        }
        if !out.is_empty() {
            out.push(';');
        }
        out.push_str(&d.prop);
        out.push(':');
        out.push_str(d.value);
        if d.important {
            out.push_str(" !important");
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> StyleRules {
        let mut r = StyleRules::default();
        r.add("p", "color", vec![Regex::new("^red$").unwrap()]);
        r.add(
            "*",
            "text-align",
            vec![Regex::new("^(left|center)$").unwrap()],
        );
        r
    }

    #[test]
    fn keeps_only_allowed_declarations() {
        let r = rules();
        assert_eq!(
            filter_style("p", "color: red; text-align: center; width: 1px", Some(&r)).as_deref(),
            Some("color:red;text-align:center")
        );
        assert_eq!(filter_style("div", "color: red", Some(&r)), None);
        assert_eq!(
            filter_style("p", "color: red !important", Some(&r)).as_deref(),
            Some("color:red !important")
        );
        assert_eq!(filter_style("p", "color: blue", Some(&r)), None);
    }

    #[test]
    fn splits_with_a_real_tokenizer() {
        assert_eq!(
            filter_style("p", "font-family: 'a;b'; background: url(\"x;y\")", None).as_deref(),
            Some("font-family:'a;b';background:url(\"x;y\")")
        );
        assert_eq!(filter_style("p", ";;:x; : ; color", None), None);
        assert_eq!(
            filter_style("a", "background-image: url(\"/*# x */\");", None).as_deref(),
            Some("background-image:url(\"/*# x */\")")
        );
    }
}
