//! The options a policy is compiled from: sanitize-html's names, already merged with the
//! defaults and checked by the JavaScript layer, so every field is present here.

use serde::Deserialize;
use std::collections::HashMap;

/// What happens to a tag that is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DisallowedTagsMode {
    /// Drop the tag, keep its text (drop the text too for `non_text_tags`).
    Discard,
    /// Keep the tag as visible, escaped text.
    Escape,
    /// Escape the tag and everything inside it, allowed tags included.
    RecursiveEscape,
    /// Drop the tag and the text directly inside it (allowed children stay).
    CompletelyDiscard,
}

/// A `{ name, values, multiple }` attribute: only these values are kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttributeValues {
    pub values: Vec<String>,
    /// The value is a space-separated list: keep the allowed words.
    #[serde(default)]
    pub multiple: bool,
}

/// A JavaScript RegExp as its `source` and `flags`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    pub source: String,
    #[serde(default)]
    pub flags: String,
}

/// A complete policy description (sanitize-html option names, camelCase in JSON).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyOptions {
    pub allowed_tags: Vec<String>,
    /// `None` allows every attribute (sanitize-html's `allowedAttributes: false`); event
    /// handlers and `srcdoc` are removed all the same.
    pub allowed_attributes: Option<HashMap<String, Vec<String>>>,
    pub allowed_classes: HashMap<String, Vec<String>>,
    pub allowed_schemes: Vec<String>,
    pub allowed_schemes_by_tag: HashMap<String, Vec<String>>,
    pub allowed_schemes_applied_to_attributes: Vec<String>,
    pub allow_protocol_relative: bool,
    pub disallowed_tags_mode: DisallowedTagsMode,
    pub non_text_tags: Vec<String>,
    pub self_closing: Vec<String>,
    pub transform_tags: HashMap<String, String>,
    pub non_boolean_attributes: Vec<String>,
    pub allowed_empty_attributes: Vec<String>,
    /// Open allowed elements deeper than this are dropped (their text is kept).
    pub nesting_limit: usize,
    /// `{ name, values }` attributes: tag → attribute → allowed values.
    #[serde(default)]
    pub attribute_values: HashMap<String, HashMap<String, AttributeValues>>,
    /// `allowedClasses` given as RegExps: tag → patterns.
    #[serde(default)]
    pub allowed_classes_patterns: HashMap<String, Vec<Pattern>>,
    /// Tags whose `allowedClasses` is `false`: every class stays.
    #[serde(default)]
    pub allowed_classes_any: Vec<String>,
    /// tag → property → value patterns; `None`: every declaration stays.
    #[serde(default)]
    pub allowed_styles: Option<HashMap<String, HashMap<String, Vec<Pattern>>>>,
    /// `false`: style values are kept as written (the script guard still applies).
    #[serde(default = "yes")]
    pub parse_style_attributes: bool,
    #[serde(default)]
    pub allowed_iframe_hostnames: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_iframe_domains: Option<Vec<String>>,
    #[serde(default)]
    pub allow_iframe_relative_urls: Option<bool>,
    #[serde(default)]
    pub allowed_script_hostnames: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_script_domains: Option<Vec<String>>,
    /// Only what is inside `<html>...</html>` is kept, when the input has it.
    #[serde(default)]
    pub enforce_html_boundary: bool,
    /// `allowedTags: false`: every tag (but `<script>`); needs `allowed_attributes: None`.
    #[serde(default)]
    pub all_tags: bool,
    /// Escape modes: an escaped tag shows all its attributes (as text).
    #[serde(default)]
    pub preserve_escaped_attributes: bool,
}

fn yes() -> bool {
    true
}

impl PolicyOptions {
    /// sanitize-html's defaults, with rampart's nesting limit.
    pub fn sanitize_html_defaults() -> Self {
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut attrs = HashMap::new();
        attrs.insert("a".to_string(), strings(&["href", "name", "target"]));
        attrs.insert(
            "img".to_string(),
            strings(&[
                "src", "srcset", "alt", "title", "width", "height", "loading",
            ]),
        );
        PolicyOptions {
            allowed_tags: strings(DEFAULT_TAGS),
            allowed_attributes: Some(attrs),
            allowed_classes: HashMap::new(),
            allowed_schemes: strings(&["http", "https", "ftp", "mailto", "tel"]),
            allowed_schemes_by_tag: HashMap::new(),
            allowed_schemes_applied_to_attributes: strings(&["href", "src", "cite"]),
            allow_protocol_relative: true,
            disallowed_tags_mode: DisallowedTagsMode::Discard,
            non_text_tags: strings(&["script", "style", "textarea", "option", "xmp"]),
            self_closing: strings(&[
                "img", "br", "hr", "area", "base", "basefont", "input", "link", "meta",
            ]),
            transform_tags: HashMap::new(),
            non_boolean_attributes: Vec::new(),
            allowed_empty_attributes: strings(&["alt"]),
            nesting_limit: 256,
            attribute_values: HashMap::new(),
            allowed_classes_patterns: HashMap::new(),
            allowed_classes_any: Vec::new(),
            allowed_styles: None,
            parse_style_attributes: true,
            allowed_iframe_hostnames: None,
            allowed_iframe_domains: None,
            allow_iframe_relative_urls: None,
            allowed_script_hostnames: None,
            allowed_script_domains: None,
            enforce_html_boundary: false,
            all_tags: false,
            preserve_escaped_attributes: false,
        }
    }
}

const DEFAULT_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "footer",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "main",
    "nav",
    "section",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "hr",
    "li",
    "menu",
    "ol",
    "p",
    "pre",
    "ul",
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "br",
    "cite",
    "code",
    "data",
    "dfn",
    "em",
    "i",
    "kbd",
    "mark",
    "q",
    "rb",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "time",
    "u",
    "var",
    "wbr",
    "caption",
    "col",
    "colgroup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
];
