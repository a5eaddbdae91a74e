//! HTML sanitization with sanitize-html's options: html5ever's spec-compliant tokenizer
//! drives a streaming sanitizer, and ammonia (a parse tree) finishes policies that allow
//! tags with special parsing rules and serves as the tests' safety oracle.
//!
//! - `options`: the option set (sanitize-html names) and its defaults
//! - `policy`: compiling options into a reusable `Policy`
//! - `names`, `attrs`, `url`, `css`: the attribute, class, URL, hostname and style rules
//! - `stream`: the streaming sanitizer (html5ever tokenizer → canonical output)
//! - `fast`: the byte-level lane that reads text and ordinary tags without html5ever
//! - `clean`: the entry points and the no-markup fast path
//! - `escape`: HTML escaping

mod attrs;
mod clean;
mod css;
mod escape;
mod fast;
mod names;
mod options;
mod policy;
pub mod records;
mod stream;
mod url;

pub use clean::needs_cleaning;
pub use escape::escape_html;
pub use options::{AttributeValues, DisallowedTagsMode, Pattern, PolicyOptions};
pub use policy::{Policy, PolicyError};
pub use records::{records, records_with_html5ever, Records};
