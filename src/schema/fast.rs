//! The schema-driven parse: a serde `DeserializeSeed` walks raw JSON bytes and checks the
//! schema's keywords as values stream past, so no tree is built. It only says "valid" when
//! the full validator would; on any failure or doubt the caller re-runs the full
//! validator (which also produces the ajv errors). Schemas using keywords this plan does not
//! know (`$ref`, combinators, `patternProperties`, …) have no plan and always take the full
//! path. The same walk enforces the depth limit and notes `__proto__` /
//! `constructor.prototype` keys.

use std::fmt;

use jsonschema::{Draft, Validator};
use regex::Regex;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

const NULL: u8 = 1;
const BOOL: u8 = 2;
const INT: u8 = 4;
const NUM: u8 = 8;
const STR: u8 = 16;
const ARR: u8 = 32;
const OBJ: u8 = 64;
const ANY_TYPE: u8 = 127;
/// Integers beyond this lose precision as f64: leave them to the full validator.
const EXACT_F64: f64 = 9_007_199_254_740_992.0;

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

/// The compiled plan for one schema.
pub struct Plan {
    root: Node,
}

enum Additional {
    Allow,
    Deny,
    Schema(Box<Node>),
}

struct Node {
    types: u8,
    min_len: Option<u64>,
    max_len: Option<u64>,
    pattern: Option<Regex>,
    format: Option<Validator>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    ex_minimum: Option<f64>,
    ex_maximum: Option<f64>,
    items: Option<Box<Node>>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    props: Vec<(Box<str>, Node)>,
    required: u64,
    additional: Additional,
    min_props: Option<u64>,
    max_props: Option<u64>,
    choices: Option<Vec<Value>>,
}

static ANY: Node = Node::any();

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
        }
    }
}

impl Plan {
    /// The plan for `schema`, or `None` when it uses a keyword the plan does not check.
    pub fn build(schema: &Value, draft: Draft) -> Option<Plan> {
        if !matches!(draft, Draft::Draft7 | Draft::Draft202012) {
            return None;
        }
        let root = node(schema, draft, true)?;
        Some(Plan { root })
    }

    /// A plan that accepts every JSON value (used to check syntax, depth and keys only).
    pub fn scan(bytes: &[u8], depth: usize) -> Result<Scan, Stop> {
        run(&ANY, bytes, depth)
    }

    /// Checks `bytes` against the plan while parsing them.
    pub fn check(&self, bytes: &[u8], depth: usize) -> Result<Scan, Stop> {
        run(&self.root, bytes, depth)
    }
}

/// What a successful walk noticed.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Scan {
    /// A `__proto__` key or a `constructor` object holding a `prototype` key was seen.
    pub proto: bool,
}

/// Why a walk stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stop {
    /// Not JSON (syntax, trailing data, invalid UTF-8).
    Syntax,
    /// Nested deeper than the limit.
    TooDeep,
    /// The schema may fail: run the full validator to know and to report.
    Schema,
}

fn run(root: &Node, bytes: &[u8], depth: usize) -> Result<Scan, Stop> {
    let mut ctx = Ctx {
        depth_limit: depth,
        proto: false,
        stop: None,
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = NodeSeed {
        node: root,
        ctx: &mut ctx,
        depth: 0,
        constructor: false,
    };
    let parsed = seed.deserialize(&mut de).and_then(|_| de.end());
    match parsed {
        Ok(()) => Ok(Scan { proto: ctx.proto }),
        Err(e) => Err(match ctx.stop {
            Some(stop) => stop,
            None if e.to_string().contains("recursion limit") => Stop::TooDeep,
            None => Stop::Syntax,
        }),
    }
}

fn node(schema: &Value, draft: Draft, root: bool) -> Option<Node> {
    let map = match schema {
        Value::Bool(true) => return Some(Node::any()),
        Value::Bool(false) => {
            let mut n = Node::any();
            n.types = 0;
            return Some(n);
        }
        Value::Object(map) => map,
        _ => return None,
    };
    let mut n = Node::any();
    let mut required: Vec<&str> = Vec::new();
    for (key, value) in map {
        match key.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "$schema" | "$id" if root => {}
            "type" => n.types = types(value)?,
            "minLength" => n.min_len = Some(value.as_u64()?),
            "maxLength" => n.max_len = Some(value.as_u64()?),
            "pattern" => {
                let translated = jsonschema_regex::to_rust_regex(value.as_str()?).ok()?;
                n.pattern = Some(
                    regex::RegexBuilder::new(&translated)
                        .size_limit(1 << 20)
                        .dfa_size_limit(2 << 20)
                        .build()
                        .ok()?,
                );
            }
            "format" => {
                let name = value.as_str()?;
                if !super::formats::CONTRACT_FORMATS.contains(&name) {
                    return None;
                }
                let single = serde_json::json!({ "format": name });
                let options = jsonschema::options()
                    .with_draft(draft)
                    .should_validate_formats(true);
                n.format = Some(super::formats::register(options).build(&single).ok()?);
            }
            "minimum" => n.minimum = Some(value.as_f64()?),
            "maximum" => n.maximum = Some(value.as_f64()?),
            "exclusiveMinimum" => n.ex_minimum = Some(value.as_f64()?),
            "exclusiveMaximum" => n.ex_maximum = Some(value.as_f64()?),
            "items" => n.items = Some(Box::new(node(value, draft, false)?)),
            "minItems" => n.min_items = Some(value.as_u64()?),
            "maxItems" => n.max_items = Some(value.as_u64()?),
            "minProperties" => n.min_props = Some(value.as_u64()?),
            "maxProperties" => n.max_props = Some(value.as_u64()?),
            "uniqueItems" if value == &Value::Bool(false) => {}
            "properties" => {
                for (name, sub) in value.as_object()? {
                    n.props
                        .push((name.as_str().into(), node(sub, draft, false)?));
                }
            }
            "required" => {
                for name in value.as_array()? {
                    required.push(name.as_str()?);
                }
            }
            "additionalProperties" => {
                n.additional = match value {
                    Value::Bool(true) => Additional::Allow,
                    Value::Bool(false) => Additional::Deny,
                    other => Additional::Schema(Box::new(node(other, draft, false)?)),
                }
            }
            "enum" => {
                let options = value.as_array()?;
                if !options.iter().all(is_scalar) {
                    return None;
                }
                n.choices = Some(options.clone());
            }
            "const" => {
                if !is_scalar(value) {
                    return None;
                }
                n.choices = Some(vec![value.clone()]);
            }
            _ => return None,
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
    Some(n)
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

struct Ctx {
    depth_limit: usize,
    proto: bool,
    stop: Option<Stop>,
}

struct NodeSeed<'p, 'c> {
    node: &'p Node,
    ctx: &'c mut Ctx,
    depth: usize,
    /// The value of a `constructor` key: a `prototype` key inside it is a pollution attempt.
    constructor: bool,
}

impl NodeSeed<'_, '_> {
    fn fail<E: serde::de::Error>(self) -> Result<(), E> {
        self.ctx.stop = Some(Stop::Schema);
        Err(E::custom("schema"))
    }

    fn number<E: serde::de::Error>(self, x: f64, integer: bool) -> Result<(), E> {
        let n = self.node;
        let bits = if integer { INT | NUM } else { NUM };
        if n.types & bits == 0
            || x.abs() > EXACT_F64
            || n.minimum.is_some_and(|m| x < m)
            || n.maximum.is_some_and(|m| x > m)
            || n.ex_minimum.is_some_and(|m| x <= m)
            || n.ex_maximum.is_some_and(|m| x >= m)
            || n.choices
                .as_ref()
                .is_some_and(|c| !c.iter().any(|v| v.as_f64() == Some(x)))
        {
            return self.fail();
        }
        Ok(())
    }

    fn string<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        let n = self.node;
        if n.types & STR == 0 {
            return self.fail();
        }
        if n.min_len.is_some() || n.max_len.is_some() {
            let len = s.chars().count() as u64;
            if n.min_len.is_some_and(|m| len < m) || n.max_len.is_some_and(|m| len > m) {
                return self.fail();
            }
        }
        if n.pattern.as_ref().is_some_and(|r| !r.is_match(s))
            || n.choices
                .as_ref()
                .is_some_and(|c| !c.iter().any(|v| v.as_str() == Some(s)))
            || n.format
                .as_ref()
                .is_some_and(|f| !f.is_valid(&Value::String(s.to_owned())))
        {
            return self.fail();
        }
        Ok(())
    }

    fn enter<E: serde::de::Error>(&mut self) -> Result<usize, E> {
        let depth = self.depth + 1;
        if depth > self.ctx.depth_limit {
            self.ctx.stop = Some(Stop::TooDeep);
            return Err(E::custom("depth"));
        }
        Ok(depth)
    }
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        let n = self.node;
        if n.types & NULL == 0
            || n.choices
                .as_ref()
                .is_some_and(|c| !c.iter().any(Value::is_null))
        {
            return self.fail();
        }
        Ok(())
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<(), E> {
        let n = self.node;
        if n.types & BOOL == 0
            || n.choices
                .as_ref()
                .is_some_and(|c| !c.iter().any(|v| v.as_bool() == Some(b)))
        {
            return self.fail();
        }
        Ok(())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.number(v as f64, true)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.number(v as f64, true)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        self.number(v, v.is_finite() && v.fract() == 0.0)
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<(), E> {
        self.string(s)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        self.string(s)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let depth = self.enter()?;
        let n = self.node;
        if n.types & ARR == 0 || n.choices.is_some() {
            return self.fail();
        }
        let item = n.items.as_deref().unwrap_or(&ANY);
        let mut count: u64 = 0;
        while seq
            .next_element_seed(NodeSeed {
                node: item,
                ctx: self.ctx,
                depth,
                constructor: false,
            })?
            .is_some()
        {
            count += 1;
        }
        if n.min_items.is_some_and(|m| count < m) || n.max_items.is_some_and(|m| count > m) {
            return self.fail();
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let depth = self.enter()?;
        let n = self.node;
        if n.types & OBJ == 0 || n.choices.is_some() {
            return self.fail();
        }
        let mut seen: u64 = 0;
        let mut count: u64 = 0;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            count += 1;
            let name: &str = &key;
            if name == "__proto__" || (self.constructor && name == "prototype") {
                self.ctx.proto = true;
            }
            let child = match n.props.iter().position(|(p, _)| &**p == name) {
                Some(at) => {
                    if at < 64 {
                        seen |= 1 << at;
                    }
                    &n.props[at].1
                }
                None => match &n.additional {
                    Additional::Allow => &ANY,
                    Additional::Deny => return self.fail(),
                    Additional::Schema(s) => s,
                },
            };
            map.next_value_seed(NodeSeed {
                node: child,
                ctx: self.ctx,
                depth,
                constructor: name == "constructor",
            })?;
        }
        if seen & n.required != n.required
            || n.min_props.is_some_and(|m| count < m)
            || n.max_props.is_some_and(|m| count > m)
        {
            return self.fail();
        }
        Ok(())
    }
}

/// Object keys, borrowed from the input when they hold no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl std::ops::Deref for Key<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(s))
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(schema: Value) -> Plan {
        Plan::build(&schema, Draft::Draft202012).expect("plannable")
    }

    #[test]
    fn unknown_keywords_have_no_plan() {
        assert!(Plan::build(&json!({"$ref": "#/$defs/a"}), Draft::Draft202012).is_none());
        assert!(Plan::build(&json!({"anyOf": []}), Draft::Draft202012).is_none());
    }

    #[test]
    fn checks_while_parsing() {
        let p = plan(json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
                "age": {"type": "integer", "minimum": 0},
                "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 2}
            },
            "required": ["name"],
            "additionalProperties": false
        }));
        assert!(p
            .check(br#"{"name":"bob","age":3,"tags":["a"]}"#, 64)
            .is_ok());
        assert_eq!(
            p.check(br#"{"name":"bob","age":3.5}"#, 64),
            Err(Stop::Schema)
        );
        assert_eq!(p.check(br#"{"age":3}"#, 64), Err(Stop::Schema));
        assert_eq!(p.check(br#"{"name":"bob","x":1}"#, 64), Err(Stop::Schema));
        assert_eq!(p.check(br#"{"name":"Bob"}"#, 64), Err(Stop::Schema));
        assert_eq!(
            p.check(br#"{"name":"bob","tags":["a","b","a"]}"#, 64),
            Err(Stop::Schema)
        );
        assert_eq!(p.check(br#"{"name":"bob""#, 64), Err(Stop::Syntax));
        assert_eq!(p.check(br#"{"name":"bob"} x"#, 64), Err(Stop::Syntax));
    }

    #[test]
    fn depth_and_proto_keys() {
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(Plan::scan(deep.as_bytes(), 64), Err(Stop::TooDeep));
        assert!(Plan::scan(deep.as_bytes(), 65).is_ok());
        let very_deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(
            Plan::scan(very_deep.as_bytes(), 100_000),
            Err(Stop::TooDeep)
        );
        assert!(
            Plan::scan(br#"{"a":{"__proto__":{"x":1}}}"#, 64)
                .unwrap()
                .proto
        );
        assert!(
            Plan::scan(br#"{"constructor":{"prototype":{}}}"#, 64)
                .unwrap()
                .proto
        );
        assert!(
            !Plan::scan(br#"{"constructor":1,"prototype":2}"#, 64)
                .unwrap()
                .proto
        );
        assert!(Plan::scan(br#"{"\u005f_proto__":1}"#, 64).unwrap().proto);
    }

    #[test]
    fn invalid_utf8_is_a_syntax_error() {
        assert_eq!(Plan::scan(b"\"\xff\xfe\"", 64), Err(Stop::Syntax));
        assert_eq!(Plan::scan(b"{\"\xc3\":1}", 64), Err(Stop::Syntax));
    }
}
