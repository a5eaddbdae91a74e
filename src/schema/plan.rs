//! The plan: which of a schema's keywords can be checked while raw JSON streams past
//! (`walk`), compiled once per schema. A schema using any keyword the plan does not know
//! (`$ref`, combinators, `patternProperties`, …) has no plan and always takes the full
//! validator.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

use jsonschema::{Draft, Validator};
use regex::Regex;
use serde_json::Value;

use super::emit::{emit, Emitted};
use super::walk::{run, Scan, Stop};

pub(super) const NULL: u8 = 1;
pub(super) const BOOL: u8 = 2;
pub(super) const INT: u8 = 4;
pub(super) const NUM: u8 = 8;
pub(super) const STR: u8 = 16;
pub(super) const ARR: u8 = 32;
pub(super) const OBJ: u8 = 64;
const ANY_TYPE: u8 = 127;
/// Integers beyond this lose precision as f64: leave them to the full validator.
pub(super) const EXACT_F64: f64 = 9_007_199_254_740_992.0;

/// Keywords that assert nothing, or that only matter through keywords the plan rejects.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "examples",
    "$comment",
    "readOnly",
    "writeOnly",
    "deprecated",
    "$defs",
    "definitions",
];

/// A `format` check: a quick test for the common case, then the engine's own check.
#[derive(Clone)]
pub(super) struct FormatCheck {
    quick: Option<fn(&str) -> bool>,
    full: Arc<Validator>,
}

impl FormatCheck {
    /// Whether this is `email` (JS runs the same quick test before asking Rust).
    pub(super) fn is_email(&self) -> bool {
        self.quick.is_some()
    }

    pub(super) fn check(&self, s: &str) -> bool {
        self.quick.is_some_and(|quick| quick(s)) || self.full.is_valid(&Value::String(s.to_owned()))
    }
}

/// The compiled plan for one schema.
pub struct Plan {
    root: Node,
    /// The plan described for the JavaScript validator `compile()` emits: made on first
    /// request (the first validation), not at compile time, where it was ~10% of the cost.
    emitted: OnceCell<Emitted>,
}

pub(super) enum Additional {
    Allow,
    Deny,
    Schema(Box<Node>),
}

pub(super) struct Node {
    pub(super) types: u8,
    pub(super) min_len: Option<u64>,
    pub(super) max_len: Option<u64>,
    pub(super) pattern: Option<Regex>,
    pub(super) format: Option<FormatCheck>,
    pub(super) minimum: Option<f64>,
    pub(super) maximum: Option<f64>,
    pub(super) ex_minimum: Option<f64>,
    pub(super) ex_maximum: Option<f64>,
    pub(super) items: Option<Box<Node>>,
    pub(super) min_items: Option<u64>,
    pub(super) max_items: Option<u64>,
    pub(super) props: Vec<(Box<str>, Node)>,
    pub(super) required: u64,
    pub(super) additional: Additional,
    pub(super) min_props: Option<u64>,
    pub(super) max_props: Option<u64>,
    pub(super) choices: Option<Vec<Value>>,
    /// Where this subschema is in the document (a JSON Pointer, as Rust's `schemaPath`s),
    /// and its asserting keywords with their values as written: src/schema/emit.rs renders
    /// ajv's error for each from them (with the functions `to_ajv` uses), when first asked.
    pub(super) path: String,
    pub(super) sources: Vec<(Box<str>, Value)>,
}

pub(super) static ANY: Node = Node::any();

impl Node {
    const fn any() -> Node {
        Node {
            types: ANY_TYPE,
            min_len: None,
            max_len: None,
            pattern: None,
            format: None,
            minimum: None,
            maximum: None,
            ex_minimum: None,
            ex_maximum: None,
            items: None,
            min_items: None,
            max_items: None,
            props: Vec::new(),
            required: 0,
            additional: Additional::Allow,
            min_props: None,
            max_props: None,
            choices: None,
            path: String::new(),
            sources: Vec::new(),
        }
    }
}

impl Plan {
    /// The plan for `schema`, or `None` when it uses a keyword the plan does not check.
    pub fn build(schema: &Value, draft: Draft) -> Option<Plan> {
        if !matches!(draft, Draft::Draft7 | Draft::Draft202012) {
            return None;
        }
        let mut build = Build {
            draft,
            root: schema,
            refs: Vec::new(),
        };
        let root = node(schema, &mut build, true, "")?;
        Some(Plan {
            root,
            emitted: OnceCell::new(),
        })
    }

    /// A plan that accepts every JSON value (used to check syntax, depth and keys only).
    pub fn scan(bytes: &[u8], depth: usize) -> Result<Scan, Stop> {
        run(&ANY, bytes, depth)
    }

    /// The description lib/validate/emit.js turns into a JS validator, with its native
    /// string checks.
    pub fn emitted(&self) -> &Emitted {
        self.emitted.get_or_init(|| emit(&self.root))
    }

    /// Checks `bytes` against the plan while parsing them.
    pub fn check(&self, bytes: &[u8], depth: usize) -> Result<Scan, Stop> {
        run(&self.root, bytes, depth)
    }
}

/// What building a plan needs besides the current subschema.
struct Build<'s> {
    draft: Draft,
    /// The whole schema, for local `$ref`s.
    root: &'s Value,
    /// The `$ref` pointers being followed now: a cycle (a recursive schema) has no plan.
    refs: Vec<&'s str>,
}

/// Most `$ref`s the plan follows in one chain.
const MAX_REF_CHAIN: usize = 32;

/// A JSON Pointer segment (`~` and `/` escaped), as jsonschema writes schema locations.
pub(super) fn pointer_segment(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn node<'s>(schema: &'s Value, b: &mut Build<'s>, root: bool, path: &str) -> Option<Node> {
    let map = match schema {
        Value::Bool(true) => return Some(Node::any()),
        Value::Bool(false) => {
            let mut n = Node::any();
            n.types = 0;
            n.path = path.into();
            n.sources.push(("false schema".into(), Value::Null));
            return Some(n);
        }
        Value::Object(map) => map,
        _ => return None,
    };
    if let Some(reference) = map.get("$ref") {
        return local_ref(reference, map, b, root);
    }
    let mut n = Node::any();
    let mut required: Vec<&str> = Vec::new();
    let at = |k: &str| format!("{path}/{k}");
    for (key, value) in map {
        // Whether the keyword asserts on its own (its error is rendered from `sources`).
        let asserts = match key.as_str() {
            k if ANNOTATIONS.contains(&k) => false,
            "$schema" | "$id" if root => false,
            "type" => {
                n.types = types(value)?;
                true
            }
            "minLength" => {
                n.min_len = Some(value.as_u64()?);
                true
            }
            "maxLength" => {
                n.max_len = Some(value.as_u64()?);
                true
            }
            "pattern" => {
                n.pattern = Some(cached_regex(value.as_str()?)?);
                true
            }
            "format" => {
                let name = value.as_str()?;
                if !super::formats::CONTRACT_FORMATS.contains(&name) {
                    return None;
                }
                n.format = Some(cached_format(name, b.draft)?);
                true
            }
            "minimum" => {
                n.minimum = Some(value.as_f64()?);
                true
            }
            "maximum" => {
                n.maximum = Some(value.as_f64()?);
                true
            }
            "exclusiveMinimum" => {
                n.ex_minimum = Some(value.as_f64()?);
                true
            }
            "exclusiveMaximum" => {
                n.ex_maximum = Some(value.as_f64()?);
                true
            }
            "items" => {
                n.items = Some(Box::new(node(value, b, false, &at(key))?));
                false
            }
            "minItems" => {
                n.min_items = Some(value.as_u64()?);
                true
            }
            "maxItems" => {
                n.max_items = Some(value.as_u64()?);
                true
            }
            "minProperties" => {
                n.min_props = Some(value.as_u64()?);
                true
            }
            "maxProperties" => {
                n.max_props = Some(value.as_u64()?);
                true
            }
            "uniqueItems" if value == &Value::Bool(false) => false,
            "properties" => {
                let base = at(key);
                for (name, sub) in value.as_object()? {
                    let here = format!("{base}/{}", pointer_segment(name));
                    n.props
                        .push((name.as_str().into(), node(sub, b, false, &here)?));
                }
                false
            }
            "required" => {
                for name in value.as_array()? {
                    required.push(name.as_str()?);
                }
                true
            }
            "additionalProperties" => {
                n.additional = match value {
                    Value::Bool(true) => Additional::Allow,
                    Value::Bool(false) => Additional::Deny,
                    other => Additional::Schema(Box::new(node(other, b, false, &at(key))?)),
                };
                // Only `false` fails on its own; a subschema reports its own keywords.
                matches!(n.additional, Additional::Deny)
            }
            "enum" => {
                let options = value.as_array()?;
                // With `const` too the plan would keep only one of them.
                if !options.iter().all(is_scalar) || n.choices.is_some() {
                    return None;
                }
                n.choices = Some(options.clone());
                true
            }
            "const" => {
                if !is_scalar(value) || n.choices.is_some() {
                    return None;
                }
                n.choices = Some(vec![value.clone()]);
                true
            }
            _ => return None,
        };
        if asserts {
            n.sources.push((key.as_str().into(), value.clone()));
        }
    }
    for name in required {
        let at = match n.props.iter().position(|(p, _)| &**p == name) {
            Some(at) => at,
            None => {
                // Required but unconstrained: checked for presence, validated by
                // additionalProperties like any other extra key.
                let extra = match &n.additional {
                    Additional::Allow => Node::any(),
                    Additional::Deny => return None,
                    Additional::Schema(_) => return None,
                };
                n.props.push((name.into(), extra));
                n.props.len() - 1
            }
        };
        if at >= 64 {
            return None;
        }
        n.required |= 1 << at;
    }
    n.path = path.into();
    Some(n)
}

/// A subschema that is only a local `$ref` (`#/$defs/...`, plus annotations) is planned as
/// its target. Anything else about `$ref` — siblings, other documents, anchors, percent
/// escapes, recursion — leaves the schema without a plan.
fn local_ref<'s>(
    reference: &'s Value,
    map: &'s serde_json::Map<String, Value>,
    b: &mut Build<'s>,
    root: bool,
) -> Option<Node> {
    let only_ref = map.keys().all(|k| {
        k == "$ref" || ANNOTATIONS.contains(&k.as_str()) || (root && (k == "$schema" || k == "$id"))
    });
    let pointer = reference.as_str()?.strip_prefix('#')?;
    if !only_ref
        || pointer.contains('%')
        || (!pointer.is_empty() && !pointer.starts_with('/'))
        || b.refs.contains(&pointer)
        || b.refs.len() >= MAX_REF_CHAIN
    {
        return None;
    }
    let target = b.root.pointer(pointer)?;
    b.refs.push(pointer);
    // Rust reports a referenced keyword at its own place in the document (the pointer).
    let planned = node(target, b, false, pointer);
    b.refs.pop();
    planned
}

thread_local! {
    /// Compiled plan patterns and format checks, shared by every schema of this thread:
    /// apps repeat the same few across their routes, and each costs a compile (bounded, so a
    /// stream of distinct patterns cannot grow it without limit).
    static REGEXES: RefCell<HashMap<String, Option<Regex>>> = RefCell::new(HashMap::new());
    static FORMATS: RefCell<HashMap<(String, bool), Option<FormatCheck>>> =
        RefCell::new(HashMap::new());
}
const CACHE_LIMIT: usize = 1024;

fn cached_regex(pattern: &str) -> Option<Regex> {
    if let Some(hit) = REGEXES.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let built = jsonschema_regex::to_rust_regex(pattern)
        .ok()
        .and_then(|translated| {
            regex::RegexBuilder::new(&translated)
                .size_limit(1 << 20)
                .dfa_size_limit(2 << 20)
                .build()
                .ok()
        });
    REGEXES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() < CACHE_LIMIT {
            c.insert(pattern.to_owned(), built.clone());
        }
    });
    built
}

fn cached_format(name: &str, draft: Draft) -> Option<FormatCheck> {
    let key = (name.to_owned(), matches!(draft, Draft::Draft7));
    if let Some(hit) = FORMATS.with(|c| c.borrow().get(&key).cloned()) {
        return hit;
    }
    let single = serde_json::json!({ "format": name });
    let options = jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true);
    let built = super::formats::register(options)
        .build(&single)
        .ok()
        .map(|full| FormatCheck {
            quick: (name == "email").then_some(super::formats::is_plain_email as fn(&str) -> bool),
            full: Arc::new(full),
        });
    FORMATS.with(|c| {
        c.borrow_mut().insert(key, built.clone());
    });
    built
}

/// The index of `name` among `props`: length and first byte first, so most misses skip
/// the byte comparison.
#[inline]
pub(super) fn find_property(props: &[(Box<str>, Node)], name: &str) -> Option<usize> {
    let (len, first) = (name.len(), name.as_bytes().first().copied());
    props
        .iter()
        .position(|(p, _)| p.len() == len && p.as_bytes().first().copied() == first && &**p == name)
}

fn is_scalar(v: &Value) -> bool {
    matches!(
        v,
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)
    )
}

fn types(value: &Value) -> Option<u8> {
    let one = |name: &str| -> Option<u8> {
        Some(match name {
            "null" => NULL,
            "boolean" => BOOL,
            "integer" => INT,
            "number" => NUM | INT,
            "string" => STR,
            "array" => ARR,
            "object" => OBJ,
            _ => return None,
        })
    };
    match value {
        Value::String(s) => one(s),
        Value::Array(list) => list
            .iter()
            .try_fold(0u8, |acc, v| Some(acc | one(v.as_str()?)?)),
        _ => None,
    }
}
