//! The schema-driven parse: a serde `DeserializeSeed` walks raw JSON bytes and checks the
//! plan's keywords as values stream past, so no tree is built. It only says "valid" when
//! the full validator would; on any failure or doubt the caller re-runs the full validator
//! (which also produces the ajv errors). The same walk enforces the depth limit and notes
//! `__proto__` / `constructor.prototype` keys.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::plan::{
    find_property, Additional, Node, ANY, ARR, BOOL, EXACT_F64, INT, NULL, NUM, OBJ, STR,
};

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

pub(super) fn run(root: &Node, bytes: &[u8], depth: usize) -> Result<Scan, Stop> {
    let mut ctx = Ctx {
        depth_limit: depth,
        proto: false,
        stop: None,
    };
    // One UTF-8 check over the whole body (fast on ASCII), so serde's per-string checks are
    // skipped: `from_str` trusts its input to be UTF-8.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(Stop::Syntax);
    };
    let mut de = serde_json::Deserializer::from_str(text);
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
        // Beyond 2^53 an f64 comparison may be off by one: doubt only where one is made.
        let compared = n.minimum.is_some()
            || n.maximum.is_some()
            || n.ex_minimum.is_some()
            || n.ex_maximum.is_some()
            || n.choices.is_some();
        if n.types & bits == 0
            || (compared && x.abs() > EXACT_F64)
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
            || n.format.as_ref().is_some_and(|f| !f.check(s))
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
        // A repeated key is one property to JSON.parse (the last value wins), so
        // minProperties counts distinct keys; every occurrence's value is still checked, so
        // the one JavaScript keeps has passed. Only kept when minProperties needs it.
        let mut distinct: Option<std::collections::HashSet<Box<str>>> =
            n.min_props.map(|_| Default::default());
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let name: &str = &key;
            match distinct.as_mut() {
                Some(set) => {
                    if set.insert(name.into()) {
                        count += 1;
                    }
                }
                None => count += 1,
            }
            if name == "__proto__" || (self.constructor && name == "prototype") {
                self.ctx.proto = true;
            }
            let child = match find_property(&n.props, name) {
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
    use super::super::plan::Plan;
    use super::*;
    use jsonschema::Draft;
    use serde_json::json;

    fn plan(schema: Value) -> Plan {
        Plan::build(&schema, Draft::Draft202012).expect("plannable")
    }

    #[test]
    fn unknown_keywords_have_no_plan() {
        assert!(Plan::build(&json!({"$ref": "#"}), Draft::Draft202012).is_none());
        assert!(Plan::build(&json!({"$ref": "other.json#/a"}), Draft::Draft202012).is_none());
        assert!(Plan::build(
            &json!({"$defs": {"a": {"type": "integer"}}, "$ref": "#/$defs/a", "minimum": 1}),
            Draft::Draft202012
        )
        .is_none());
        assert!(Plan::build(
            &json!({"$defs": {"t": {"properties": {"c": {"$ref": "#/$defs/t"}}}}, "$ref": "#/$defs/t"}),
            Draft::Draft202012
        )
        .is_none());
        assert!(Plan::build(&json!({"anyOf": []}), Draft::Draft202012).is_none());
    }

    #[test]
    fn local_refs_are_planned_as_their_target() {
        let p = plan(json!({
            "$defs": {"id": {"type": "integer", "minimum": 1}},
            "properties": {"a": {"$ref": "#/$defs/id"}, "b": {"$ref": "#/$defs/id", "title": "B"}}
        }));
        assert!(p.check(br#"{"a":1,"b":2}"#, 64).is_ok());
        assert_eq!(p.check(br#"{"a":0}"#, 64), Err(Stop::Schema));
        assert_eq!(p.check(br#"{"b":"x"}"#, 64), Err(Stop::Schema));
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
    fn a_repeated_key_counts_once_for_min_properties() {
        // Was: `{"a":1,"a":1}` passed minProperties 2 in the plan, while JSON.parse (and
        // the full validator) see one property.
        let p = plan(json!({"minProperties": 2}));
        assert_eq!(p.check(br#"{"a":1,"a":1}"#, 64), Err(Stop::Schema));
        assert!(p.check(br#"{"a":1,"b":1}"#, 64).is_ok());
        // Every occurrence is checked, so the value JavaScript keeps (the last) has passed.
        let p = plan(json!({"properties": {"role": {"enum": ["user"]}}}));
        assert_eq!(
            p.check(br#"{"role":"user","role":"admin"}"#, 64),
            Err(Stop::Schema)
        );
        // maxProperties counts every occurrence: it may doubt, never wrongly accept.
        let p = plan(json!({"maxProperties": 1}));
        assert_eq!(p.check(br#"{"a":1,"a":2}"#, 64), Err(Stop::Schema));
    }

    #[test]
    fn invalid_utf8_is_a_syntax_error() {
        assert_eq!(Plan::scan(b"\"\xff\xfe\"", 64), Err(Stop::Syntax));
        assert_eq!(Plan::scan(b"{\"\xc3\":1}", 64), Err(Stop::Syntax));
    }
}
