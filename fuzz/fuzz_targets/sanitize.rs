//! HTML sanitization: any input, under a few policies (sanitize-html's defaults, every
//! attribute allowed, escape mode, links and images allowed with extra schemes, allowedStyles
//! with RegExp classes, recursiveEscape, completelyDiscard with enforceHtmlBoundary,
//! `{ name, values }` with a javascript: value and srcset) is cleaned
//! without panicking, and the output, parsed again by html5ever's tokenizer (switching to
//! raw text where a browser would), carries no script or other active element, no
//! event-handler or `srcdoc` attribute, and no `javascript:` / `vbscript:` / `data:` URL.
//! The byte-level fast lane must also give exactly html5ever's output, and the callback
//! path's records must cover their data.
#![no_main]

use std::cell::RefCell;
use std::sync::OnceLock;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use libfuzzer_sys::fuzz_target;
use rampart::sanitize::{
    escape_html, needs_cleaning, records, AttributeValues, DisallowedTagsMode, Pattern, Policy,
    PolicyOptions,
};
use std::collections::HashMap;

const ACTIVE: &[&str] = &[
    "script", "iframe", "object", "embed", "frame", "frameset", "base", "meta", "link", "style",
    "form", "svg", "math", "template", "noscript", "applet", "portal",
];
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "cite",
    "poster",
    "background",
    "xlink:href",
    "srcset",
    "data",
    "codebase",
    "ping",
];

fn policies() -> &'static [Policy] {
    static P: OnceLock<Vec<Policy>> = OnceLock::new();
    P.get_or_init(|| {
        let defaults = PolicyOptions::sanitize_html_defaults();
        let mut all_attrs = defaults.clone();
        all_attrs.allowed_attributes = None;
        let mut escape = defaults.clone();
        escape.disallowed_tags_mode = DisallowedTagsMode::Escape;
        let mut links = defaults.clone();
        links
            .allowed_tags
            .extend(["img", "a", "area", "q", "blockquote"].map(String::from));
        links.allowed_schemes.push("irc".into());
        links.allow_protocol_relative = false;
        // The options added for sanitize-html's suite.
        let mut styles = defaults.clone();
        let any = || Pattern {
            source: ".*".into(),
            flags: String::new(),
        };
        styles
            .allowed_attributes
            .as_mut()
            .unwrap()
            .insert("*".into(), vec!["style".into(), "class".into()]);
        styles.allowed_styles = Some(HashMap::from([(
            "*".to_string(),
            HashMap::from([
                ("color".to_string(), vec![any()]),
                ("background".to_string(), vec![any()]),
                ("background-image".to_string(), vec![any()]),
            ]),
        )]));
        styles.allowed_classes_patterns = HashMap::from([("*".to_string(), vec![any()])]);
        let mut recursive = defaults.clone();
        recursive.disallowed_tags_mode = DisallowedTagsMode::RecursiveEscape;
        let mut discard = defaults.clone();
        discard.disallowed_tags_mode = DisallowedTagsMode::CompletelyDiscard;
        discard.enforce_html_boundary = true;
        let mut values = links.clone();
        values.attribute_values = HashMap::from([(
            "a".to_string(),
            HashMap::from([(
                "href".to_string(),
                AttributeValues {
                    values: vec!["javascript:alert(1)".into(), "https://ok.test/".into()],
                    multiple: false,
                },
            )]),
        )]);
        values
            .allowed_attributes
            .as_mut()
            .unwrap()
            .insert("img".into(), vec!["src".into(), "srcset".into()]);
        [
            defaults, all_attrs, escape, links, styles, recursive, discard, values,
        ]
        .iter()
        .map(|o| Policy::compile(o).expect("policy compiles"))
        .collect()
    })
}

#[derive(Default)]
struct Oracle {
    problems: RefCell<Vec<String>>,
}

/// What a URL looks like to a browser deciding its scheme: leading/trailing C0 controls
/// and spaces dropped, tabs and newlines removed anywhere, lowercased.
fn scheme_view(value: &str) -> String {
    value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

impl TokenSink for Oracle {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let name: &str = &tag.name;
        let mut problems = self.problems.borrow_mut();
        if ACTIVE.contains(&name) {
            problems.push(format!("<{name}> in the output"));
        }
        for attr in &tag.attrs {
            let attr_name: &str = &attr.name.local;
            if attr_name.starts_with("on") || attr_name == "srcdoc" {
                problems.push(format!("attribute {attr_name} on <{name}>"));
            }
            if URL_ATTRS.contains(&attr_name) {
                let v = scheme_view(&attr.value);
                for part in v.split(',') {
                    let part = part.trim_start();
                    for bad in ["javascript:", "vbscript:", "data:"] {
                        if part.starts_with(bad) {
                            problems.push(format!("{attr_name}={:?} on <{name}>", &*attr.value));
                        }
                    }
                }
            }
        }
        match name {
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

fn check(output: &str) -> Vec<String> {
    let tokenizer = Tokenizer::new(Oracle::default(), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(output));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.problems.take()
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let input = String::from_utf8_lossy(rest);
    let policy = &policies()[usize::from(which) % policies().len()];
    let out = policy.clean(&input);
    let problems = check(&out);
    // Text with no `<` and no `&` is returned untouched by design (no tokenizer runs);
    // anything else goes through the byte-level lane, which must equal html5ever's output.
    if needs_cleaning(&input) {
        let slow = policy.clean_with_html5ever(&input);
        assert_eq!(
            out, slow,
            "the fast lane and html5ever disagree on {input:?}"
        );
    }
    assert!(
        problems.is_empty(),
        "unsafe output {problems:?}\ninput: {input:?}\noutput: {out:?}"
    );
    // The callback path's records decode (kinds known, string ends in order, the data
    // covered exactly: `pieces` panics otherwise).
    let _ = records(policy, &input).pieces();
    let escaped = escape_html(&input);
    assert!(
        !escaped.contains('<') && !escaped.contains('"'),
        "escape_html left markup"
    );
});
