//! The attribute rules of a policy: which attributes stay on which tag, which classes,
//! and the value checks (URL schemes, `srcset`, `style`) that apply whatever the options.

use super::css::{filter_style, StyleRules};
use super::names::{glob_match, NameMap, NameSet};
use super::url::{HostRule, UrlPolicy};
use regex::Regex;
use std::borrow::Cow;

/// The rules beyond names: `{ name, values }` attributes, class patterns, `allowedStyles`,
/// iframe and script hostname allowlists.
#[derive(Default)]
pub(crate) struct AttrExtras {
    /// tag → attribute → (allowed values, space-separated list).
    pub(crate) values: NameMap<NameMap<(NameSet, bool)>>,
    pub(crate) class_patterns: NameMap<Vec<Regex>>,
    pub(crate) class_any: NameSet,
    pub(crate) styles: Option<StyleRules>,
    pub(crate) parse_styles: bool,
    pub(crate) iframe: Option<HostRule>,
    pub(crate) script: Option<HostRule>,
}

/// Exact names plus `*` globs.
#[derive(Default)]
pub(crate) struct NameRule {
    exact: NameSet,
    globs: Vec<Box<str>>,
}

impl NameRule {
    pub(crate) fn new(names: &[String]) -> Self {
        let mut rule = NameRule::default();
        for n in names {
            if n.contains('*') {
                rule.globs.push(n.as_str().into());
            } else {
                rule.exact.insert(n);
            }
        }
        rule
    }
    fn matches(&self, name: &str) -> bool {
        self.exact.contains(name) || self.globs.iter().any(|g| glob_match(g, name))
    }
}

pub(crate) struct AttrPolicy {
    /// sanitize-html's `allowedAttributes: false`: every attribute (but the never-list).
    all: bool,
    global: NameRule,
    by_tag: NameMap<NameRule>,
    classes_global: Option<NameRule>,
    classes_by_tag: NameMap<NameRule>,
    non_boolean: NameSet,
    allowed_empty: NameSet,
    pub(crate) urls: UrlPolicy,
    extras: AttrExtras,
}

impl AttrPolicy {
    pub(crate) fn new(
        allowed: Option<&[(String, Vec<String>)]>,
        classes: &[(String, Vec<String>)],
        non_boolean: &[String],
        allowed_empty: &[String],
        urls: UrlPolicy,
    ) -> Self {
        let mut global = NameRule::default();
        let mut by_tag = NameMap::default();
        for (tag, names) in allowed.unwrap_or(&[]) {
            if tag == "*" {
                global = NameRule::new(names);
            } else {
                by_tag.insert(tag, NameRule::new(names));
            }
        }
        let mut classes_global = None;
        let mut classes_by_tag = NameMap::default();
        for (tag, names) in classes {
            if tag == "*" {
                classes_global = Some(NameRule::new(names));
            } else {
                classes_by_tag.insert(tag, NameRule::new(names));
            }
        }
        AttrPolicy {
            all: allowed.is_none(),
            global,
            by_tag,
            classes_global,
            classes_by_tag,
            non_boolean: NameSet::from_iter(non_boolean.iter().map(|s| s.as_str())),
            allowed_empty: NameSet::from_iter(allowed_empty.iter().map(|s| s.as_str())),
            urls,
            extras: AttrExtras {
                parse_styles: true,
                ..Default::default()
            },
        }
    }

    pub(crate) fn with_extras(mut self, extras: AttrExtras) -> Self {
        self.extras = extras;
        self
    }

    /// An empty value is written as `name=""` only for `allowedEmptyAttributes`; other
    /// (boolean) attributes are written bare, as sanitize-html writes them.
    pub(crate) fn writes_empty_value(&self, name: &str) -> bool {
        self.allowed_empty.contains(name)
    }

    fn listed(&self, tag: &str, name: &str) -> bool {
        self.all
            || self.global.matches(name)
            || self.by_tag.get(tag).is_some_and(|rule| rule.matches(name))
    }

    /// The value attribute `name` keeps on `tag`, or `None` to drop it.
    pub(crate) fn filter<'v>(&self, tag: &str, name: &str, value: &'v str) -> Option<Cow<'v, str>> {
        if !is_safe_name(name) || name.starts_with("on") || name == "srcdoc" {
            return None;
        }
        let mut value = Cow::Borrowed(value);
        if self.listed(tag, name) {
            if value.is_empty()
                && (self.non_boolean.contains(name) || self.non_boolean.contains("*"))
                && !self.allowed_empty.contains(name)
            {
                return None;
            }
        } else {
            let rule = self.extras.values.get(tag).and_then(|m| m.get(name));
            match rule {
                Some((values, multiple)) => value = restrict(&value, values, *multiple).into(),
                None if name == "class" => return self.filter_classes(tag, &value).map(Cow::Owned),
                None => return None,
            }
        }
        if value.is_empty() {
            return Some(value);
        }
        if self.urls.is_url_attr(name) && !self.urls.allows(tag, name, &value) {
            return None;
        }
        if name == "srcset" || name == "imagesrcset" {
            value = Cow::Owned(self.urls.filter_srcset(tag, name, &value)?);
        }
        if name == "src" {
            let hosts = match tag {
                "iframe" => self.extras.iframe.as_ref(),
                "script" => self.extras.script.as_ref(),
                _ => None,
            };
            if hosts.is_some_and(|rule| !rule.allows(&value)) {
                return None;
            }
        }
        if name == "style" {
            if self.extras.parse_styles {
                value = Cow::Owned(filter_style(tag, &value, self.extras.styles.as_ref())?);
            }
            if is_dangerous_style(&value) {
                return None;
            }
        }
        Some(value)
    }

    fn filter_classes(&self, tag: &str, value: &str) -> Option<String> {
        let x = &self.extras;
        if x.class_any.contains(tag) || x.class_any.contains("*") {
            return Some(value.to_string());
        }
        let specific = self.classes_by_tag.get(tag);
        let patterns = [x.class_patterns.get(tag), x.class_patterns.get("*")];
        if specific.is_none()
            && self.classes_global.is_none()
            && patterns.iter().all(Option::is_none)
        {
            return None;
        }
        let keep = |c: &&str| {
            specific.is_some_and(|r| r.matches(c))
                || self.classes_global.as_ref().is_some_and(|r| r.matches(c))
                || patterns
                    .iter()
                    .flatten()
                    .any(|list| list.iter().any(|re| re.is_match(c)))
        };
        let kept: Vec<&str> = value.split_ascii_whitespace().filter(keep).collect();
        if kept.is_empty() {
            None
        } else {
            Some(kept.join(" "))
        }
    }
}

/// A `{ name, values }` attribute's value: the whole value if allowed, or (`multiple`) the
/// allowed space-separated words; empty when none is.
fn restrict(value: &str, values: &NameSet, multiple: bool) -> String {
    if multiple {
        value
            .split(' ')
            .filter(|w| values.contains(w))
            .collect::<Vec<_>>()
            .join(" ")
    } else if values.contains(value) {
        value.to_string()
    } else {
        String::new()
    }
}

/// Attribute names written out must stay one attribute when parsed again.
fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b':' | b'.')
        })
}

/// Legacy script-in-CSS forms (IE `expression()`, `behavior`, `-moz-binding`) and script
/// URLs, looked for after removing comments, escapes and whitespace.
fn is_dangerous_style(value: &str) -> bool {
    let mut flat = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("/*") {
        flat.push_str(&rest[..start]);
        rest = match rest[start + 2..].find("*/") {
            Some(end) => &rest[start + 2 + end + 2..],
            None => "",
        };
    }
    flat.push_str(rest);
    let flat: String = flat
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\\')
        .flat_map(char::to_lowercase)
        .collect();
    [
        "expression(",
        "javascript:",
        "vbscript:",
        "-moz-binding",
        "behavior:",
        "@import",
        "data:text",
    ]
    .iter()
    .any(|bad| flat.contains(bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> AttrPolicy {
        let s = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let urls = UrlPolicy::new(&s(&["https"]), &[], &s(&["href"]), true);
        AttrPolicy::new(
            Some(&[
                ("a".into(), s(&["href", "title"])),
                ("*".into(), s(&["data-*", "style"])),
            ]),
            &[("p".into(), s(&["lead", "note-*"]))],
            &s(&["title"]),
            &[],
            urls,
        )
    }

    #[test]
    fn keeps_only_listed_attributes() {
        let p = policy();
        assert!(p.filter("a", "href", "https://x.test").is_some());
        assert!(p.filter("a", "href", "javascript:x").is_none());
        assert!(p.filter("b", "href", "https://x.test").is_none());
        assert!(p.filter("b", "data-id", "7").is_some());
        assert!(p.filter("a", "title", "").is_none());
        assert!(p.filter("a", "onclick", "x").is_none());
    }

    #[test]
    fn filters_classes_and_styles() {
        let p = policy();
        assert_eq!(
            p.filter("p", "class", "lead evil note-x").as_deref(),
            Some("lead note-x")
        );
        assert!(p.filter("p", "class", "evil").is_none());
        assert!(p.filter("div", "class", "lead").is_none());
        assert!(p.filter("p", "style", "color: red").is_some());
        assert!(p
            .filter("p", "style", "width: ex/**/pression(alert(1))")
            .is_none());
        assert!(p
            .filter("p", "style", "background:url(JAVA\\SCRIPT:x)")
            .is_none());
    }

    #[test]
    fn refuses_names_that_would_split() {
        let p = AttrPolicy::new(None, &[], &[], &[], UrlPolicy::new(&[], &[], &[], true));
        assert!(p.filter("a", "x\"y", "1").is_none());
        assert!(p.filter("a", "title", "1").is_some());
    }
}
