//! Compiling options into a `Policy`: done once per options object, then reused for every
//! string cleaned with it.

use super::attrs::AttrPolicy;
use super::names::{NameMap, NameSet};
use super::options::{DisallowedTagsMode, PolicyOptions};
use super::url::UrlPolicy;
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
        for tag in &allowed_tags {
            check_tag_name(tag, "allowedTags")?;
            if NEVER_TAGS.contains(&tag.as_str()) {
                return Err(PolicyError(format!(
                    "allowedTags: <{tag}> cannot be allowed: its content runs as script (rampart never lets scripts through)"
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
        let attrs = Arc::new(AttrPolicy::new(
            allowed_attrs.as_deref(),
            &classes,
            &lower(&options.non_boolean_attributes),
            &lower(&options.allowed_empty_attributes),
            urls,
        ));
        let tags = NameSet::from_iter(allowed_tags.iter().map(|s| s.as_str()));
        let non_text = NameSet::from_iter(lower(&options.non_text_tags).iter().map(|s| s.as_str()));
        let tree_pass = allowed_tags
            .iter()
            .any(|t| TREE_PASS_TAGS.contains(&t.as_str()));
        let ammonia = ammonia_builder(&tags, &non_text, &attrs);
        Ok(Policy {
            tags,
            attrs,
            escape_disallowed: options.disallowed_tags_mode == DisallowedTagsMode::Escape,
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
    let allowed: HashSet<&'static str> = tags.iter().map(intern).collect();
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
