//! Compiling options into a `Policy`: done once per options object, then reused for every
//! string cleaned with it.

use super::attrs::{AttrExtras, AttrPolicy};
use super::css::StyleRules;
use super::names::{NameMap, NameSet};
use super::options::{DisallowedTagsMode, Pattern, PolicyOptions};
use super::url::{HostRule, UrlPolicy};
use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

/// Tags whose content the HTML parser reads by special rules (raw text, foreign content,
/// template contents, select, document structure). A policy that allows any of them
/// sends the streamed output through ammonia's tree pass as well.
const TREE_PASS_TAGS: &[&str] = &[
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "template",
    "svg",
    "math",
    "select",
    "option",
    "optgroup",
    "image",
    "frameset",
    "frame",
    "html",
    "head",
    "body",
    "listing",
    "object",
    "embed",
    "form",
];

/// The elements the tree pass keeps under `allowedTags: false`.
const ALL_KNOWN_TAGS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "button",
    "canvas",
    "caption",
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
    "div",
    "dl",
    "dt",
    "em",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "main",
    "map",
    "mark",
    "menu",
    "meter",
    "nav",
    "ol",
    "optgroup",
    "output",
    "p",
    "picture",
    "pre",
    "progress",
    "q",
    "rb",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "search",
    "section",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "track",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "center",
    "font",
    "big",
    "strike",
    "tt",
    "g",
    "defs",
    "path",
    "circle",
    "rect",
    "line",
    "polyline",
    "polygon",
    "ellipse",
    "text",
    "tspan",
    "lineargradient",
    "radialgradient",
    "stop",
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "mrow",
    "mfrac",
    "msqrt",
    "mroot",
    "msub",
    "msup",
    "msubsup",
    "mtable",
    "mtr",
    "mtd",
];

/// Tags that can never be allowed: their content runs as script.
const NEVER_TAGS: &[&str] = &["script"];

/// An options value that cannot be honoured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PolicyError {}

/// A compiled sanitization policy.
pub struct Policy {
    pub(crate) tags: NameSet,
    pub(crate) attrs: Arc<AttrPolicy>,
    pub(crate) escape_disallowed: bool,
    pub(crate) mode: DisallowedTagsMode,
    /// `<script>` is allowed (only with a hostname allowlist): its content is always dropped.
    pub(crate) script_allowed: bool,
    pub(crate) enforce_html_boundary: bool,
    /// `allowedTags: false` (with `allowedAttributes: false` and `allowVulnerableTags`):
    /// every well-formed tag name but `<script>`.
    pub(crate) all_tags: bool,
    pub(crate) preserve_escaped_attributes: bool,
    pub(crate) non_text: NameSet,
    pub(crate) self_closing: NameSet,
    pub(crate) transform: NameMap<Box<str>>,
    pub(crate) transform_any: bool,
    pub(crate) nesting_limit: usize,
    /// The policy allows a tag with special parsing rules: finish with ammonia's tree pass.
    pub(crate) tree_pass: bool,
    pub(crate) ammonia: ammonia::Builder<'static>,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("tree_pass", &self.tree_pass)
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// Whether `name` is an allowed tag.
    pub(crate) fn allows_tag(&self, name: &str) -> bool {
        self.tags.contains(name) || (self.all_tags && any_tag_allows(name))
    }

    /// The allowed tag `name` as the output writes it (borrowed from the policy when listed).
    pub(crate) fn allowed_tag(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        match self.tags.get(name) {
            Some(listed) => Some(std::borrow::Cow::Borrowed(listed)),
            None if self.all_tags && any_tag_allows(name) => {
                Some(std::borrow::Cow::Owned(name.to_string()))
            }
            None => None,
        }
    }

    /// sanitize-html's default policy.
    pub fn sanitize_html_defaults() -> Policy {
        Policy::compile(&PolicyOptions::sanitize_html_defaults()).expect("the defaults compile")
    }

    /// Checks and compiles `options`.
    pub fn compile(options: &PolicyOptions) -> Result<Policy, PolicyError> {
        let lower = |list: &[String]| {
            list.iter()
                .map(|s| s.to_ascii_lowercase())
                .collect::<Vec<_>>()
        };
        let allowed_tags = lower(&options.allowed_tags);
        let script_hosts =
            options.allowed_script_hostnames.is_some() || options.allowed_script_domains.is_some();
        for tag in &allowed_tags {
            check_tag_name(tag, "allowedTags")?;
            if tag == "script" && script_hosts {
                continue; // src checked against the allowlist, content always dropped
            }
            if NEVER_TAGS.contains(&tag.as_str()) {
                return Err(PolicyError(format!(
                    "allowedTags: <{tag}> cannot be allowed: its content runs as script (rampart lets <script> through only with allowedScriptHostnames or allowedScriptDomains, and then only its src)"
                )));
            }
        }
        let mut allowed_attrs = None;
        if let Some(map) = &options.allowed_attributes {
            let mut pairs = Vec::new();
            for (tag, names) in map {
                let names = lower(names);
                for name in &names {
                    if name.starts_with("on") || name == "srcdoc" {
                        return Err(PolicyError(format!(
                            "allowedAttributes.{tag}: '{name}' cannot be allowed: event handlers and srcdoc run script (rampart always removes them)"
                        )));
                    }
                }
                pairs.push((tag.to_ascii_lowercase(), names));
            }
            allowed_attrs = Some(pairs);
        }
        let schemes = lower(&options.allowed_schemes);
        let mut by_tag = Vec::new();
        for (tag, list) in &options.allowed_schemes_by_tag {
            by_tag.push((tag.to_ascii_lowercase(), lower(list)));
        }
        for scheme in schemes
            .iter()
            .chain(by_tag.iter().flat_map(|(_, l)| l.iter()))
        {
            if scheme == "javascript" || scheme == "vbscript" {
                return Err(PolicyError(format!(
                    "allowedSchemes: '{scheme}:' URLs run script and cannot be allowed"
                )));
            }
        }
        let classes: Vec<(String, Vec<String>)> = options
            .allowed_classes
            .iter()
            .map(|(tag, list)| (tag.to_ascii_lowercase(), list.clone()))
            .collect();
        let mut transform = NameMap::default();
        for (from, to) in &options.transform_tags {
            let (from, to) = (from.to_ascii_lowercase(), to.to_ascii_lowercase());
            check_tag_name(&to, "transformTags")?;
            transform.insert(&from, to.into_boxed_str());
        }
        if options.nesting_limit == 0 || options.nesting_limit > 10_000 {
            return Err(PolicyError(
                "nestingLimit must be between 1 and 10000".into(),
            ));
        }
        let urls = UrlPolicy::new(
            &schemes,
            &by_tag,
            &lower(&options.allowed_schemes_applied_to_attributes),
            options.allow_protocol_relative,
        );
        let attrs = Arc::new(
            AttrPolicy::new(
                allowed_attrs.as_deref(),
                &classes,
                &lower(&options.non_boolean_attributes),
                &lower(&options.allowed_empty_attributes),
                urls,
            )
            .with_extras(extras(options)?),
        );
        let tags = NameSet::from_iter(allowed_tags.iter().map(|s| s.as_str()));
        let script_allowed = tags.contains("script");
        let non_text = NameSet::from_iter(lower(&options.non_text_tags).iter().map(|s| s.as_str()));
        if options.all_tags && options.allowed_attributes.is_some() {
            return Err(PolicyError(
                "allowedTags: false is only honoured with allowedAttributes: false and allowVulnerableTags: true".into(),
            ));
        }
        let tree_pass = options.all_tags
            || allowed_tags
                .iter()
                .any(|t| TREE_PASS_TAGS.contains(&t.as_str()));
        // ammonia needs names: with every tag allowed, its tree pass keeps the HTML, SVG and
        // MathML elements it knows of (a custom element loses its tag there, keeps its text).
        let ammonia_tags = if options.all_tags {
            let mut all = tags.clone();
            for t in ALL_KNOWN_TAGS.iter().chain(TREE_PASS_TAGS) {
                all.insert(t);
            }
            all
        } else {
            tags.clone()
        };
        let ammonia = ammonia_builder(&ammonia_tags, &non_text, &attrs);
        Ok(Policy {
            tags,
            attrs,
            escape_disallowed: matches!(
                options.disallowed_tags_mode,
                DisallowedTagsMode::Escape | DisallowedTagsMode::RecursiveEscape
            ),
            mode: options.disallowed_tags_mode,
            script_allowed,
            enforce_html_boundary: options.enforce_html_boundary,
            all_tags: options.all_tags,
            preserve_escaped_attributes: options.preserve_escaped_attributes,
            non_text,
            self_closing: NameSet::from_iter(
                lower(&options.self_closing).iter().map(|s| s.as_str()),
            ),
            transform_any: !options.transform_tags.is_empty(),
            transform,
            nesting_limit: options.nesting_limit,
            tree_pass,
            ammonia,
        })
    }
}

/// A JavaScript RegExp (`source`, `flags`) as a Rust regex: `i`, `m`, `s` map to inline
/// flags, `g`/`y`/`u`/`d` do not change what `test` matches; `v` and patterns Rust cannot
/// run (look-around, back-references) are refused at start-up.
fn regex_of(p: &Pattern, option: &str) -> Result<regex::Regex, PolicyError> {
    let mut inline = String::new();
    for f in p.flags.chars() {
        match f {
            'i' | 'm' | 's' => inline.push(f),
            'g' | 'y' | 'u' | 'd' => {}
            _ => {
                return Err(PolicyError(format!(
                    "{option}: RegExp flag '{f}' is not supported"
                )))
            }
        }
    }
    let source = if inline.is_empty() {
        p.source.clone()
    } else {
        format!("(?{inline}){}", p.source)
    };
    regex::Regex::new(&source).map_err(|e| {
        PolicyError(format!(
            "{option}: /{}/ cannot be compiled (rampart runs Rust regex syntax: no look-around or back-references): {e}",
            p.source
        ))
    })
}

fn extras(o: &PolicyOptions) -> Result<AttrExtras, PolicyError> {
    let mut x = AttrExtras {
        parse_styles: o.parse_style_attributes,
        ..Default::default()
    };
    for (tag, attrs) in &o.attribute_values {
        let mut map = NameMap::default();
        for (name, rule) in attrs {
            let name = name.to_ascii_lowercase();
            if name.starts_with("on") || name == "srcdoc" {
                return Err(PolicyError(format!(
                    "allowedAttributes.{tag}: '{name}' cannot be allowed: event handlers and srcdoc run script (rampart always removes them)"
                )));
            }
            let values = NameSet::from_iter(rule.values.iter().map(|s| s.as_str()));
            map.insert(&name, (values, rule.multiple));
        }
        x.values.insert(&tag.to_ascii_lowercase(), map);
    }
    for (tag, list) in &o.allowed_classes_patterns {
        let res = list
            .iter()
            .map(|p| regex_of(p, "allowedClasses"))
            .collect::<Result<Vec<_>, _>>()?;
        x.class_patterns.insert(&tag.to_ascii_lowercase(), res);
    }
    x.class_any = NameSet::from_iter(
        o.allowed_classes_any
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .iter()
            .map(|s| s.as_str()),
    );
    if let Some(styles) = &o.allowed_styles {
        let mut rules = StyleRules::default();
        for (tag, props) in styles {
            for (prop, patterns) in props {
                let res = patterns
                    .iter()
                    .map(|p| regex_of(p, "allowedStyles"))
                    .collect::<Result<Vec<_>, _>>()?;
                rules.add(&tag.to_ascii_lowercase(), prop, res);
            }
        }
        x.styles = Some(rules);
    }
    let lower_hosts = |l: &Option<Vec<String>>| {
        l.as_ref()
            .map(|v| v.iter().map(|h| h.to_ascii_lowercase()).collect::<Vec<_>>())
    };
    if o.allowed_iframe_hostnames.is_some()
        || o.allowed_iframe_domains.is_some()
        || o.allow_iframe_relative_urls.is_some()
    {
        x.iframe = Some(HostRule {
            hostnames: lower_hosts(&o.allowed_iframe_hostnames),
            domains: lower_hosts(&o.allowed_iframe_domains),
            allow_relative: o.allow_iframe_relative_urls,
        });
    }
    if o.allowed_script_hostnames.is_some() || o.allowed_script_domains.is_some() {
        // Relative script URLs would load from the page's own origin: never allowed.
        x.script = Some(HostRule {
            hostnames: lower_hosts(&o.allowed_script_hostnames),
            domains: lower_hosts(&o.allowed_script_domains),
            allow_relative: Some(false),
        });
    }
    Ok(x)
}

/// `allowedTags: false`: a tag name that writes back as one name, and never `<script>`.
fn any_tag_allows(name: &str) -> bool {
    name != "script"
        && name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn check_tag_name(tag: &str, option: &str) -> Result<(), PolicyError> {
    let ok = tag.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && tag
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(PolicyError(format!(
            "{option}: '{tag}' is not a valid tag name"
        )))
    }
}

/// The same policy as an ammonia `Builder`: ammonia checks tags, its own URL attributes
/// and parse-tree invariants; our attribute filter applies the rest.
fn ammonia_builder(
    tags: &NameSet,
    non_text: &NameSet,
    attrs: &Arc<AttrPolicy>,
) -> ammonia::Builder<'static> {
    // ammonia never keeps <script>: in a tree-pass policy an allowed script is dropped.
    let allowed: HashSet<&'static str> =
        tags.iter().filter(|t| *t != "script").map(intern).collect();
    let clean_content: HashSet<&'static str> = non_text
        .iter()
        .filter(|t| !tags.contains(t))
        .map(intern)
        .collect();
    let schemes: HashSet<&'static str> =
        attrs.urls.all_schemes().iter().map(|s| intern(s)).collect();
    let filter_attrs = Arc::clone(attrs);
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(allowed)
        .clean_content_tags(clean_content)
        .tag_attributes(Default::default())
        .tag_attribute_values(Default::default())
        .set_tag_attribute_values(Default::default())
        .generic_attributes(HashSet::new())
        .generic_attribute_prefixes(["" as &'static str].into_iter().collect())
        .url_schemes(schemes)
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true)
        .attribute_filter(move |tag, name, value| filter_attrs.filter(tag, name, value));
    builder
}

/// ammonia's `Builder` borrows `&'static str`s. Names come from developers' options, so
/// the set stays small; each distinct name is leaked once and shared.
fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_cannot_be_honoured() {
        let mut o = PolicyOptions::sanitize_html_defaults();
        o.allowed_tags.push("script".into());
        assert!(Policy::compile(&o).unwrap_err().0.contains("script"));

        let mut o = PolicyOptions::sanitize_html_defaults();
        o.allowed_attributes
            .as_mut()
            .unwrap()
            .insert("b".into(), vec!["onclick".into()]);
        assert!(Policy::compile(&o).unwrap_err().0.contains("onclick"));

        let mut o = PolicyOptions::sanitize_html_defaults();
        o.allowed_schemes.push("javascript".into());
        assert!(Policy::compile(&o).is_err());

        let mut o = PolicyOptions::sanitize_html_defaults();
        o.allowed_tags.push("b c".into());
        assert!(Policy::compile(&o).is_err());
    }

    #[test]
    fn special_tags_turn_on_the_tree_pass() {
        assert!(!Policy::sanitize_html_defaults().tree_pass);
        let mut o = PolicyOptions::sanitize_html_defaults();
        o.allowed_tags.push("svg".into());
        assert!(Policy::compile(&o).unwrap().tree_pass);
    }
}
