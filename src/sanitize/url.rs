//! URL checks for attributes that hold URLs: the scheme is found the way the WHATWG URL
//! parser (browsers, the `url` crate) finds it, then checked against the allowlist.

use super::names::{NameMap, NameSet};

/// Attributes that navigate or submit: a `data:` URL is never allowed in them.
const NAVIGATION_ATTRS: &[&str] = &["href", "xlink:href", "action", "formaction"];

/// URL-bearing attributes ammonia always checks, whatever the options say.
const ALWAYS_URL_ATTRS: &[&str] = &[
    "href",
    "xlink:href",
    "src",
    "action",
    "formaction",
    "data",
    "ping",
    "poster",
    "cite",
    "background",
    "longdesc",
    "usemap",
    "codebase",
    "classid",
    "archive",
    "profile",
    "manifest",
    "dynsrc",
    "lowsrc",
    "itemid",
];

pub(crate) struct UrlPolicy {
    schemes: NameSet,
    schemes_by_tag: NameMap<NameSet>,
    url_attrs: NameSet,
    allow_protocol_relative: bool,
}

impl UrlPolicy {
    pub(crate) fn new(
        schemes: &[String],
        schemes_by_tag: &[(String, Vec<String>)],
        applied_to: &[String],
        allow_protocol_relative: bool,
    ) -> Self {
        let mut url_attrs = NameSet::from_iter(applied_to.iter().map(|s| s.as_str()));
        for a in ALWAYS_URL_ATTRS {
            url_attrs.insert(a);
        }
        let lower = |list: &Vec<String>| {
            NameSet::from_iter(
                list.iter()
                    .map(|s| s.to_ascii_lowercase())
                    .collect::<Vec<_>>()
                    .iter()
                    .map(|s| s.as_str()),
            )
        };
        let mut by_tag = NameMap::default();
        for (tag, list) in schemes_by_tag {
            by_tag.insert(tag, lower(list));
        }
        UrlPolicy {
            schemes: lower(&schemes.to_vec()),
            schemes_by_tag: by_tag,
            url_attrs,
            allow_protocol_relative,
        }
    }

    /// Every scheme any tag may use (for ammonia's own check).
    pub(crate) fn all_schemes(&self) -> Vec<String> {
        let mut all: Vec<String> = self.schemes.iter().map(|s| s.to_string()).collect();
        for (_, set) in self.schemes_by_tag.iter() {
            all.extend(set.iter().map(|s| s.to_string()));
        }
        all.retain(|s| s != "javascript" && s != "vbscript");
        all.sort();
        all.dedup();
        all
    }

    pub(crate) fn is_url_attr(&self, attr: &str) -> bool {
        self.url_attrs.contains(attr)
    }

    /// Whether `value`, the URL in attribute `attr` of `tag`, may stay.
    pub(crate) fn allows(&self, tag: &str, attr: &str, value: &str) -> bool {
        // sanitize-html also reads the scheme with control characters, spaces and
        // `<!-- -->` removed: a scheme that reading finds must be allowed too (stricter
        // than a browser, never looser).
        if value.bytes().any(|b| b <= b' ' || b == b'<') {
            let squeezed = squeeze(value);
            if let Scheme::Absolute(_) = scheme_of(&squeezed) {
                if !self.allows_parsed(tag, attr, &squeezed, false) {
                    return false;
                }
            }
        }
        self.allows_parsed(tag, attr, value, true)
    }

    fn allows_parsed(&self, tag: &str, attr: &str, value: &str, parse: bool) -> bool {
        match scheme_of(value) {
            Scheme::Relative { protocol_relative } => {
                !protocol_relative || self.allow_protocol_relative
            }
            Scheme::Absolute(scheme) => {
                if scheme == "javascript" || scheme == "vbscript" {
                    return false;
                }
                if scheme == "data" && NAVIGATION_ATTRS.contains(&attr) {
                    return false;
                }
                let allowed = self.schemes_by_tag.get(tag).unwrap_or(&self.schemes);
                // ammonia also drops an absolute URL the URL parser rejects; so do we.
                allowed.contains(&scheme) && (!parse || ammonia::Url::parse(value).is_ok())
            }
        }
    }

    /// `srcset`: the candidates (`url [descriptor]`, read as the HTML standard's srcset
    /// parser reads them) whose URL passes and whose descriptor is valid, rewritten as
    /// sanitize-html writes them; `None` when no candidate is left.
    pub(crate) fn filter_srcset(&self, tag: &str, attr: &str, value: &str) -> Option<String> {
        let mut out = String::with_capacity(value.len());
        for (url, descriptors) in srcset_candidates(value) {
            if !valid_descriptors(&descriptors) || !self.allows(tag, attr, url) {
                continue;
            }
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(url);
            for d in descriptors {
                out.push(' ');
                out.push_str(d);
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// The HTML standard's srcset split: a URL is a run of non-space characters (commas inside
/// it included; trailing commas end the candidate); descriptors run to the next comma
/// outside parentheses.
fn srcset_candidates(value: &str) -> Vec<(&str, Vec<&str>)> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| is_html_space(c) || c == ',');
        if rest.is_empty() {
            return out;
        }
        let url_end = rest.find(is_html_space).unwrap_or(rest.len());
        let raw_url = &rest[..url_end];
        let url = raw_url.trim_end_matches(',');
        if url.len() < raw_url.len() {
            out.push((url, Vec::new()));
            rest = &rest[url_end..];
            continue;
        }
        let after = &rest[url_end..];
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        out.push((
            url,
            after[..end]
                .split(is_html_space)
                .filter(|d| !d.is_empty())
                .collect(),
        ));
        rest = &after[end..];
    }
}

/// At most one width (`100w`), density (`1.5x`) or height (`100h`, only with a width).
fn valid_descriptors(descriptors: &[&str]) -> bool {
    let number =
        |s: &str| !s.is_empty() && s.parse::<f64>().is_ok_and(|n| n.is_finite() && n > 0.0);
    let integer = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s != "0";
    let (mut w, mut x, mut h) = (0, 0, 0);
    for d in descriptors {
        let (n, kind) = d.split_at(d.len() - 1);
        match kind {
            "w" if integer(n) => w += 1,
            "x" if number(n) => x += 1,
            "h" if integer(n) => h += 1,
            _ => return false,
        }
    }
    w <= 1 && x <= 1 && h <= 1 && !(w == 1 && x == 1) && !(x == 1 && h == 1) && !(h == 1 && w == 0)
}

/// `value` without C0 controls, spaces and `<!-- ... -->` comments.
fn squeeze(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find("<!--") {
        out.push_str(&rest[..at]);
        rest = rest[at + 4..]
            .find("-->")
            .map_or("", |end| &rest[at + 4 + end + 3..]);
    }
    out.push_str(rest);
    out.retain(|c| c > ' ');
    out
}

#[derive(Debug, PartialEq)]
enum Scheme {
    Relative { protocol_relative: bool },
    Absolute(String),
}

/// The WHATWG URL parser's view of the scheme: leading C0 controls and spaces are trimmed,
/// tabs and newlines anywhere are removed, then `[A-Za-z][A-Za-z0-9+.-]*:` is a scheme.
fn scheme_of(value: &str) -> Scheme {
    let mut chars = value
        .chars()
        .skip_while(|&c| c <= ' ')
        .filter(|&c| !matches!(c, '\t' | '\n' | '\r'));
    let mut scheme = String::new();
    let first = chars.next();
    match first {
        Some(c) if c.is_ascii_alphabetic() => scheme.push(c.to_ascii_lowercase()),
        Some(c) => {
            let second = chars.next();
            return Scheme::Relative {
                protocol_relative: matches!(c, '/' | '\\') && matches!(second, Some('/' | '\\')),
            };
        }
        None => {
            return Scheme::Relative {
                protocol_relative: false,
            }
        }
    }
    for c in chars {
        if c == ':' {
            return Scheme::Absolute(scheme);
        }
        if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') {
            scheme.push(c.to_ascii_lowercase());
        } else {
            break;
        }
    }
    Scheme::Relative {
        protocol_relative: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(protocol_relative: bool) -> UrlPolicy {
        let s = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        UrlPolicy::new(
            &s(&["http", "https", "mailto"]),
            &[("img".to_string(), s(&["data", "https"]))],
            &s(&["href", "src"]),
            protocol_relative,
        )
    }

    #[test]
    fn finds_schemes_like_a_browser() {
        assert_eq!(
            scheme_of("JaVaScRiPt:alert(1)"),
            Scheme::Absolute("javascript".into())
        );
        assert_eq!(
            scheme_of(" \x01java\tscr\nipt:x"),
            Scheme::Absolute("javascript".into())
        );
        assert_eq!(
            scheme_of("/path:x"),
            Scheme::Relative {
                protocol_relative: false
            }
        );
        assert_eq!(
            scheme_of("//evil.com"),
            Scheme::Relative {
                protocol_relative: true
            }
        );
        assert_eq!(
            scheme_of("\\/evil.com"),
            Scheme::Relative {
                protocol_relative: true
            }
        );
        assert_eq!(
            scheme_of("a b:c"),
            Scheme::Relative {
                protocol_relative: false
            }
        );
    }

    #[test]
    fn checks_schemes_per_tag() {
        let p = policy(true);
        assert!(p.allows("a", "href", "https://example.com/"));
        assert!(p.allows("a", "href", "/relative?q=1"));
        assert!(!p.allows("a", "href", "javascript:alert(1)"));
        assert!(!p.allows("a", "href", "ftp://example.com"));
        assert!(!p.allows("a", "href", "data:text/html,x"));
        assert!(p.allows("img", "src", "data:image/png;base64,AAAA"));
        assert!(!p.allows("img", "src", "http://example.com/x.png"));
        assert!(p.allows("a", "href", "//cdn.example.com"));
        assert!(!policy(false).allows("a", "href", "//cdn.example.com"));
    }

    #[test]
    fn checks_every_srcset_candidate() {
        let p = policy(true);
        let f = |v: &str| p.filter_srcset("img", "srcset", v);
        assert_eq!(
            f("a.png 1x, https://x.test/b.png 2x").as_deref(),
            Some("a.png 1x, https://x.test/b.png 2x")
        );
        assert_eq!(
            f("a.png 1x, javascript:alert(1) 2x").as_deref(),
            Some("a.png 1x")
        );
        assert_eq!(f("javascript:alert(1) 2x"), None);
        assert_eq!(f("a.jpg 100w 2x, b.jpg 200w 1x"), None);
        assert_eq!(
            f("/u/f_auto,q_80/a.jpg 10w, /b.jpg").as_deref(),
            Some("/u/f_auto,q_80/a.jpg 10w, /b.jpg")
        );
    }

    #[test]
    fn stricter_than_the_url_standard_where_sanitize_html_is() {
        let p = policy(true);
        assert!(!p.allows("a", "href", "java\u{1}script:alert(1)"));
        assert!(!p.allows("a", "href", "java<!-- -->script:alert(1)"));
        assert!(p.allows("a", "href", "/a<!-- x -->b"));
    }
}

/// sanitize-html's hostname allowlists for `<iframe src>` and `<script src>`: the URL is
/// parsed per the WHATWG URL standard (the `url` crate) against a placeholder base, as
/// sanitize-html parses it with Node's `URL`, and its host compared.
#[derive(Debug, Default, Clone)]
pub(crate) struct HostRule {
    pub(crate) hostnames: Option<Vec<String>>,
    pub(crate) domains: Option<Vec<String>>,
    /// `None`: relative URLs allowed unless a hostname or domain list is set.
    pub(crate) allow_relative: Option<bool>,
}

const PLACEHOLDER_HOST: &str = "relative-site";

fn placeholder_base() -> &'static url::Url {
    static BASE: std::sync::OnceLock<url::Url> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let mut base = format!("relative://{PLACEHOLDER_HOST}");
        for i in 0..100 {
            base.push_str(&format!("/{i}"));
        }
        url::Url::parse(&base).expect("the placeholder base parses")
    })
}

impl HostRule {
    fn listed(&self) -> bool {
        self.hostnames.is_some() || self.domains.is_some()
    }

    /// Whether the URL `value` may stay in `src`.
    pub(crate) fn allows(&self, value: &str) -> bool {
        // `https:/\evil` and `/ /evil` are protocol-relative to a browser: normalise first.
        let value = normalise_slashes(value);
        if value.starts_with("relative:") {
            return false; // an attempt on the placeholder base
        }
        let Ok(parsed) = placeholder_base().join(&value) else {
            return false;
        };
        let host = parsed.host_str().unwrap_or("");
        if parsed.scheme() == "relative" && host == PLACEHOLDER_HOST {
            return self.allow_relative.unwrap_or(!self.listed());
        }
        if !self.listed() {
            return true;
        }
        let by_name = self
            .hostnames
            .as_ref()
            .is_some_and(|l| l.iter().any(|h| h == host));
        let by_domain = self.domains.as_ref().is_some_and(|l| {
            l.iter().any(|d| {
                host == d
                    || (host.len() > d.len()
                        && host.ends_with(d.as_str())
                        && host.as_bytes()[host.len() - d.len() - 1] == b'.')
            })
        });
        by_name || by_domain
    }
}

/// sanitize-html's `/^(\w+:)?\s*[\\/]\s*[\\/]/` → `$1//`.
fn normalise_slashes(value: &str) -> String {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    let scheme_end = if i > 0 && b.get(i) == Some(&b':') {
        i + 1
    } else {
        0
    };
    let mut j = scheme_end;
    let skip_ws = |mut k: usize| {
        while k < b.len() && b[k].is_ascii_whitespace() {
            k += 1;
        }
        k
    };
    j = skip_ws(j);
    if !matches!(b.get(j), Some(b'/' | b'\\')) {
        return value.to_string();
    }
    j = skip_ws(j + 1);
    if !matches!(b.get(j), Some(b'/' | b'\\')) {
        return value.to_string();
    }
    format!("{}//{}", &value[..scheme_end], &value[j + 1..])
}

#[cfg(test)]
mod host_tests {
    use super::*;

    fn rule(hosts: &[&str], domains: &[&str], relative: Option<bool>) -> HostRule {
        let l = |x: &[&str]| (!x.is_empty()).then(|| x.iter().map(|s| s.to_string()).collect());
        HostRule {
            hostnames: l(hosts),
            domains: l(domains),
            allow_relative: relative,
        }
    }

    #[test]
    fn hostnames_and_domains() {
        let r = rule(&["www.youtube.com"], &["vimeo.com"], None);
        assert!(r.allows("https://www.youtube.com/embed/x"));
        assert!(r.allows("https://player.vimeo.com/x"));
        assert!(r.allows("//www.youtube.com/x"));
        assert!(!r.allows("https://www.youtube.com.evil.test/x"));
        assert!(!r.allows("https://evilvimeo.com/x"));
        assert!(!r.allows("/relative"));
        assert!(!r.allows("https:/\\evil.test/x"));
        assert!(!r.allows("relative://relative-site/x"));
        assert!(rule(&[], &[], None).allows("/relative"));
        assert!(!rule(&[], &[], Some(false)).allows("/relative"));
        assert!(rule(&["a.test"], &[], Some(true)).allows("/relative"));
    }
}
