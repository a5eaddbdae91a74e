//! The streaming sanitizer: html5ever's spec-compliant tokenizer, no tree. Allowed tags are
//! written back with their filtered attributes, text is escaped, everything else is
//! dropped (or escaped, in escape mode). The output is canonical: only allowed elements,
//! quoted and escaped attribute values, escaped text, every element closed, at most
//! `nesting_limit` deep.

use super::escape::{push_attr, push_text};
use super::options::DisallowedTagsMode;
use super::policy::Policy;
use super::records::Records;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::{RawKind, State as TokenizerState};
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::TokenizerResult;
use std::borrow::Cow;
use std::cell::RefCell;

/// Start tags that close an open `<p>` (HTML's "close a p element").
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "listing",
    "xmp",
    "plaintext",
    "search",
];

/// Elements with no content and no end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
            | "frame"
            | "basefont"
            | "bgsound"
            | "image"
    )
}

fn is_implicitly_closed(name: &str) -> bool {
    matches!(
        name,
        "p" | "li" | "dd" | "dt" | "tr" | "td" | "th" | "thead" | "tbody" | "tfoot" | "option"
    )
}

pub(crate) fn sanitize(policy: &Policy, input: &str, lane: bool) -> String {
    let sink = Sink {
        policy,
        state: RefCell::new(State {
            out: String::with_capacity(input.len()),
            stack: Vec::new(),
            closable: 0,
            skip: None,
            escaping: Vec::new(),
            open_all: Vec::new(),
        }),
        records: None,
    };
    run(&sink, input, lane);
    let mut state = sink.state.into_inner();
    pop_to(&mut state, 0);
    state.out
}

/// The input as tag and text records (for the callback path), read by the same two readers
/// (byte-level lane, html5ever) as `sanitize`.
pub(crate) fn records<'i>(policy: &Policy, input: &'i str, lane: bool) -> Records<'i> {
    let sink = Sink {
        policy,
        state: RefCell::new(State {
            out: String::new(),
            stack: Vec::new(),
            closable: 0,
            skip: None,
            escaping: Vec::new(),
            open_all: Vec::new(),
        }),
        records: Some(RefCell::new(Records::new(input))),
    };
    run(&sink, input, lane);
    // The sink's lifetime is the shorter of the policy's and the input's; the records only
    // borrow the input.
    sink.records.expect("recording").into_inner().of(input)
}

fn run(sink: &Sink<'_>, input: &str, lane: bool) {
    // The byte-level lane handles text and ordinary tags itself and hands html5ever every
    // construct it does not; input with CR or NUL (which the tokenizer rewrites) goes to
    // html5ever whole.
    if lane && memchr::memchr2(b'\r', b'\0', input.as_bytes()).is_none() {
        super::fast::run(sink, input);
    } else {
        tokenize(sink, input, None);
    }
}

/// Runs html5ever's tokenizer over `chunk` into `sink`, starting in the Data state, or in
/// `start` (a raw-text state, with the element name that ends it).
pub(crate) fn tokenize(sink: &Sink<'_>, chunk: &str, start: Option<(TokenizerState, &str)>) {
    let mut opts = TokenizerOpts::default();
    if let Some((state, name)) = start {
        opts.initial_state = Some(state);
        opts.last_start_tag_name = Some(name.to_string());
    }
    let tokenizer = Tokenizer::new(sink, opts);
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(chunk));
    while let TokenizerResult::Script(()) = tokenizer.feed(&queue) {}
    tokenizer.end();
}

struct Skip {
    name: Box<str>,
    depth: usize,
}

struct State<'p> {
    out: String,
    /// Open allowed elements, outermost first (names after transformTags).
    stack: Vec<Cow<'p, str>>,
    /// How many open elements `is_implicitly_closed` (no scan of the stack when none).
    closable: usize,
    /// Inside a disallowed non-text element: its content is dropped.
    skip: Option<Skip>,
    /// recursiveEscape: the elements open inside an escaped one (all escaped too).
    escaping: Vec<Box<str>>,
    /// completelyDiscard: every open element and whether it is allowed (text is kept only
    /// directly inside an allowed one).
    open_all: Vec<(Box<str>, bool)>,
}

pub(crate) struct Sink<'p> {
    policy: &'p Policy,
    state: RefCell<State<'p>>,
    /// Recording (the callback path): tokens are written as records, not sanitized.
    records: Option<RefCell<Records<'p>>>,
}

/// A tag as either reader sees it: lower-case names, decoded attribute values.
pub(crate) struct TagView<'t> {
    pub(crate) start: bool,
    pub(crate) name: &'t str,
    pub(crate) self_closing: bool,
    pub(crate) attrs: &'t [(Cow<'t, str>, &'t str)],
}

impl TokenSink for &Sink<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => self.emit_tag(tag),
            Token::CharacterTokens(text) => {
                self.emit_text(&text);
                TokenSinkResult::Continue
            }
            // NUL is dropped from text by the tree builder; comments, doctypes and
            // parse errors never reach the output.
            _ => TokenSinkResult::Continue,
        }
    }
}

/// How the tokenizer must read the content of an HTML element with this name.
pub(crate) fn content_kind(name: &str) -> TokenSinkResult<()> {
    match name {
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
            TokenSinkResult::RawData(RawKind::Rawtext)
        }
        "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
        "plaintext" => TokenSinkResult::Plaintext,
        _ => TokenSinkResult::Continue,
    }
}

impl<'p> Sink<'p> {
    /// A start or end tag: written, dropped or escaped; returns how the element's content
    /// must be read.
    pub(crate) fn emit_tag(&self, tag: Tag) -> TokenSinkResult<()> {
        let attrs: Vec<(Cow<'_, str>, &str)> = tag
            .attrs
            .iter()
            .map(|a| (Cow::Borrowed(&*a.name.local), &*a.value))
            .collect();
        self.emit_view(&TagView {
            start: tag.kind == TagKind::StartTag,
            name: &tag.name,
            self_closing: tag.self_closing,
            attrs: &attrs,
        })
    }

    /// A start or end tag from the byte-level lane.
    pub(crate) fn emit_view(&self, tag: &TagView<'_>) -> TokenSinkResult<()> {
        if let Some(records) = &self.records {
            records.borrow_mut().tag(tag);
            return if tag.start {
                content_kind(tag.name)
            } else {
                TokenSinkResult::Continue
            };
        }
        let mut state = self.state.borrow_mut();
        self.tag(&mut state, tag)
    }

    /// Decoded text: escaped into the output unless inside a dropped element.
    pub(crate) fn emit_text(&self, text: &str) {
        if let Some(records) = &self.records {
            records.borrow_mut().text(text);
            return;
        }
        let mut state = self.state.borrow_mut();
        if state.skip.is_some() {
            return;
        }
        if self.policy.mode == DisallowedTagsMode::CompletelyDiscard
            && !state.open_all.last().is_some_and(|(_, allowed)| *allowed)
        {
            return;
        }
        push_text(&mut state.out, text);
    }

    fn tag(&self, state: &mut State<'p>, tag: &TagView<'_>) -> TokenSinkResult<()> {
        let original: &str = tag.name;
        let policy: &'p Policy = self.policy;
        let name: &str = if policy.transform_any {
            policy.transform.get(original).map_or(original, |n| n)
        } else {
            original
        };
        let start = tag.start;

        if let Some(skip) = state.skip.as_mut() {
            if &*skip.name == original {
                if start {
                    if original != "option" {
                        skip.depth += 1;
                    }
                } else {
                    skip.depth -= 1;
                    if skip.depth == 0 {
                        state.skip = None;
                    }
                }
                return if start {
                    content_kind(original)
                } else {
                    TokenSinkResult::Continue
                };
            }
            let ends_option = &*skip.name == "option"
                && matches!(
                    original,
                    "option" | "optgroup" | "select" | "datalist" | "hr"
                );
            if !ends_option {
                return if start {
                    content_kind(original)
                } else {
                    TokenSinkResult::Continue
                };
            }
            state.skip = None;
        }

        let has_content = start && !is_void(name) && !tag.self_closing;
        match policy.mode {
            DisallowedTagsMode::RecursiveEscape
                if !state.escaping.is_empty() || (start && !policy.allows_tag(name)) =>
            {
                self.escape_tag(state, name, tag);
                if has_content {
                    state.escaping.push(name.into());
                } else if !start {
                    if let Some(at) = state.escaping.iter().rposition(|n| &**n == name) {
                        state.escaping.truncate(at);
                    }
                }
                return if start {
                    content_kind(original)
                } else {
                    TokenSinkResult::Continue
                };
            }
            DisallowedTagsMode::CompletelyDiscard => {
                if has_content {
                    state.open_all.push((name.into(), policy.allows_tag(name)));
                } else if !start {
                    if let Some(at) = state.open_all.iter().rposition(|(n, _)| &**n == name) {
                        state.open_all.truncate(at);
                    }
                }
            }
            _ => {}
        }

        if let Some(allowed) = policy.allowed_tag(name) {
            if start {
                self.open(state, allowed, tag);
            } else {
                close_through(state, name);
            }
        } else if policy.escape_disallowed {
            self.escape_tag(state, name, tag);
        } else if start && policy.non_text.contains(original) && !is_void(original) {
            state.skip = Some(Skip {
                name: original.into(),
                depth: 1,
            });
        }
        if start {
            content_kind(original)
        } else {
            TokenSinkResult::Continue
        }
    }

    fn open(&self, state: &mut State<'p>, name: Cow<'p, str>, tag: &TagView<'_>) {
        if state.closable > 0 {
            close_implied(state, &name);
        }
        let void = is_void(&name);
        if !void && state.stack.len() >= self.policy.nesting_limit {
            return; // too deep: drop the tag, keep its text
        }
        let out = &mut state.out;
        out.push('<');
        out.push_str(&name);
        self.push_attrs(out, &name, tag);
        if name == "script" && self.policy.script_allowed {
            // Only the src of an allowed script stays: its content is never written.
            out.push_str("></script>");
            if !tag.self_closing {
                state.skip = Some(Skip {
                    name: tag.name.into(),
                    depth: 1,
                });
            }
            return;
        }
        if void {
            out.push_str(if self.policy.self_closing.contains(&name) {
                " />"
            } else {
                ">"
            });
        } else {
            out.push('>');
            if is_implicitly_closed(&name) {
                state.closable += 1;
            }
            state.stack.push(name);
        }
    }

    fn push_attrs(&self, out: &mut String, name: &str, tag: &TagView<'_>) {
        for (attr_name, attr_value) in tag.attrs {
            let attr_name: &str = attr_name;
            if let Some(value) = self.policy.attrs.filter(name, attr_name, attr_value) {
                out.push(' ');
                out.push_str(attr_name);
                if value.is_empty() && !self.policy.attrs.writes_empty_value(attr_name) {
                    continue;
                }
                out.push_str("=\"");
                push_attr(out, &value);
                out.push('"');
            }
        }
    }

    /// Escape mode: the tag itself becomes visible text (with its allowed attributes).
    fn escape_tag(&self, state: &mut State<'_>, name: &str, tag: &TagView<'_>) {
        let mut source = String::new();
        source.push('<');
        if !tag.start {
            source.push('/');
        } else {
            source.push_str(name);
            // An escaped tag shows its allowed attributes, or all of them with
            // preserveEscapedAttributes (it is text: nothing runs).
            if !self.policy.preserve_escaped_attributes {
                self.push_attrs(&mut source, name, tag);
            } else {
                for (attr_name, attr_value) in tag.attrs {
                    source.push(' ');
                    source.push_str(attr_name);
                    source.push_str("=\"");
                    push_attr(&mut source, attr_value);
                    source.push('"');
                }
            }
            if tag.self_closing || (is_void(name) && self.policy.self_closing.contains(name)) {
                source.push_str(" /");
            }
            source.push('>');
            push_text(&mut state.out, &source);
            return;
        }
        source.push_str(name);
        source.push('>');
        push_text(&mut state.out, &source);
    }
}

/// Closes every open element from the innermost down to index `at`.
fn pop_to(state: &mut State<'_>, at: usize) {
    while state.stack.len() > at {
        let open = state.stack.pop().expect("stack is longer than at");
        if is_implicitly_closed(&open) {
            state.closable -= 1;
        }
        close_tag(&mut state.out, &open);
    }
}

fn close_tag(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Closes the innermost open `name` and everything opened inside it; an end tag with no
/// open element is dropped.
fn close_through(state: &mut State<'_>, name: &str) {
    if let Some(at) = state.stack.iter().rposition(|open| &**open == name) {
        pop_to(state, at);
    }
}

/// Closes `target` if it is open below no `boundary` element (HTML's implied end tags,
/// for the common cases, so that the output nests the way a browser will read it).
fn close_open(state: &mut State<'_>, targets: &[&str], boundaries: &[&str]) {
    for (at, open) in state.stack.iter().enumerate().rev() {
        if targets.contains(&&**open) {
            pop_to(state, at);
            return;
        }
        if boundaries.contains(&&**open) {
            return;
        }
    }
}

fn close_implied(state: &mut State<'_>, name: &str) {
    const SCOPE: &[&str] = &[
        "table", "td", "th", "caption", "button", "object", "marquee", "applet", "html", "template",
    ];
    if CLOSES_P.contains(&name) {
        close_open(state, &["p"], SCOPE);
    }
    match name {
        "li" => close_open(state, &["li"], &["ul", "ol", "menu", "table", "td", "th"]),
        "dd" | "dt" => close_open(state, &["dd", "dt"], &["dl", "table", "td", "th"]),
        "tr" => close_open(state, &["tr"], &["table", "thead", "tbody", "tfoot"]),
        "td" | "th" => close_open(state, &["td", "th"], &["tr", "table"]),
        "thead" | "tbody" | "tfoot" => close_open(state, &["thead", "tbody", "tfoot"], &["table"]),
        "option" => close_open(state, &["option"], &["select", "datalist"]),
        _ => {}
    }
}
