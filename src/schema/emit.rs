//! The plan described for JavaScript: `compile()` emits a specialised JS validator from this
//! description (lib/validate/emit.js), so an object already in JavaScript is checked where
//! it lives instead of being serialised for Rust. Patterns that a backtracking engine runs
//! in linear time (anchored sequences of character classes where every choice is decided by
//! the next character) are handed over as JS source rebuilt from the Rust regex's own
//! syntax tree, so both languages match the same strings; every other pattern, and every
//! `format`, stays native: JS batches those strings into one native call per validation.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind, Look};
use serde_json::{json, Map, Value};

use super::errors;
use super::plan::{Additional, FormatCheck, Node};

/// A string check JS cannot run itself: checked natively, by slot number.
#[derive(Clone)]
pub(super) enum Slot {
    Pattern(Regex),
    Format(FormatCheck),
}

impl Slot {
    pub(super) fn check(&self, s: &str) -> bool {
        match self {
            Slot::Pattern(r) => r.is_match(s),
            Slot::Format(f) => f.check(s),
        }
    }
}

/// The JSON description of a plan plus its native string checks.
pub struct Emitted {
    pub description: String,
    pub(super) slots: Vec<Slot>,
}

impl Emitted {
    /// Whether every `(slot, string)` pair passes its native check.
    pub fn check_strings(&self, slots: &[u32], strings: &[String]) -> bool {
        slots.len() == strings.len()
            && slots.iter().zip(strings).all(|(k, s)| {
                self.slots
                    .get(*k as usize)
                    .is_some_and(|slot| slot.check(s))
            })
    }
}

impl Emitted {
    /// Whether `s` passes the native check of `slot` (false for a slot that does not exist).
    pub fn check_string(&self, slot: u32, s: &str) -> bool {
        self.slots
            .get(slot as usize)
            .is_some_and(|check| check.check(s))
    }
}

/// Describes `root` for lib/validate/emit.js.
pub(super) fn emit(root: &Node) -> Emitted {
    let mut slots = Vec::new();
    let description = describe(root, &mut slots).to_string();
    Emitted { description, slots }
}

fn describe(n: &Node, slots: &mut Vec<Slot>) -> Value {
    let mut out = Map::new();
    out.insert("t".into(), json!(n.types));
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            out.insert(k.into(), v);
        }
    };
    put("minL", n.min_len.map(Value::from));
    put("maxL", n.max_len.map(Value::from));
    put("min", n.minimum.map(Value::from));
    put("max", n.maximum.map(Value::from));
    put("xmin", n.ex_minimum.map(Value::from));
    put("xmax", n.ex_maximum.map(Value::from));
    put("minI", n.min_items.map(Value::from));
    put("maxI", n.max_items.map(Value::from));
    put("minP", n.min_props.map(Value::from));
    put("maxP", n.max_props.map(Value::from));
    put("choices", n.choices.clone().map(Value::Array));
    if let Some(re) = &n.pattern {
        match cached_js_pattern(re.as_str()) {
            Some(src) => out.insert("re".into(), json!(src)),
            None => {
                slots.push(Slot::Pattern(re.clone()));
                out.insert("reSlot".into(), json!(slots.len() - 1))
            }
        };
    }
    if let Some(f) = &n.format {
        slots.push(Slot::Format(f.clone()));
        out.insert("fmtSlot".into(), json!(slots.len() - 1));
        out.insert("email".into(), json!(f.is_email()));
    }
    if let Some(items) = &n.items {
        out.insert("items".into(), describe(items, slots));
    }
    if !n.props.is_empty() {
        let props: Vec<Value> = n
            .props
            .iter()
            .enumerate()
            .map(|(i, (name, sub))| {
                json!([
                    name.as_ref(),
                    describe(sub, slots),
                    n.required & (1 << i) != 0
                ])
            })
            .collect();
        out.insert("props".into(), Value::Array(props));
    }
    let templates = templates(n);
    if !templates.is_empty() {
        out.insert("e".into(), Value::Object(templates));
    }
    match &n.additional {
        Additional::Allow => {}
        Additional::Deny => {
            out.insert("add".into(), json!(false));
        }
        Additional::Schema(sub) => {
            out.insert("add".into(), describe(sub, slots));
        }
    }
    Value::Object(out)
}

/// ajv's error for each asserting keyword of `n`, `{ keyword: [schemaPath, params,
/// message] }`, rendered by the functions `to_ajv` uses (src/schema/errors.rs), so the
/// errors the JS explain function copies are worded as Rust words them. `required` has one
/// per property name; `additionalProperties` has a fourth item, the params key that takes
/// the property's name. A keyword missing here is one JS leaves to Rust.
fn templates(n: &Node) -> Map<String, Value> {
    let mut out = Map::new();
    let template = |at: String, p: errors::Parts| json!([format!("#{at}"), p.params, p.message]);
    for (keyword, value) in &n.sources {
        let at = format!("{}/{keyword}", n.path);
        let parts = match &**keyword {
            "type" => errors::type_kind(value).map(|k| errors::type_error(&k)),
            "minLength" => value.as_u64().map(errors::min_length),
            "maxLength" => value.as_u64().map(errors::max_length),
            "pattern" => value.as_str().map(errors::pattern),
            "format" => value.as_str().map(errors::format),
            "minimum" => Some(errors::minimum(value)),
            "maximum" => Some(errors::maximum(value)),
            "exclusiveMinimum" => Some(errors::exclusive_minimum(value)),
            "exclusiveMaximum" => Some(errors::exclusive_maximum(value)),
            "minItems" => value.as_u64().map(errors::min_items),
            "maxItems" => value.as_u64().map(errors::max_items),
            "minProperties" => value.as_u64().map(errors::min_properties),
            "maxProperties" => value.as_u64().map(errors::max_properties),
            "enum" => Some(errors::enumeration(value)),
            "const" => Some(errors::constant(value)),
            "false schema" => {
                let t = template(n.path.clone(), errors::false_schema());
                out.insert(keyword.to_string(), t);
                continue;
            }
            "additionalProperties" => {
                let mut t = template(at, errors::additional_property(""));
                if let Value::Array(items) = &mut t {
                    items.push(json!(errors::ADDITIONAL_PROPERTY_PARAM));
                }
                out.insert(keyword.to_string(), t);
                continue;
            }
            "required" => {
                let by_name: Map<String, Value> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|name| {
                        (
                            name.to_owned(),
                            template(at.clone(), errors::required(name)),
                        )
                    })
                    .collect();
                out.insert(keyword.to_string(), Value::Object(by_name));
                continue;
            }
            _ => None,
        };
        if let Some(p) = parts {
            debug_assert_eq!(p.keyword, &**keyword);
            out.insert(keyword.to_string(), template(at, p));
        }
    }
    out
}

thread_local! {
    /// `js_pattern` per Rust pattern source: routes repeat their patterns (bounded).
    static JS_PATTERNS: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
}

fn cached_js_pattern(rust_source: &str) -> Option<String> {
    if let Some(hit) = JS_PATTERNS.with(|c| c.borrow().get(rust_source).cloned()) {
        return hit;
    }
    let js = js_pattern(rust_source);
    JS_PATTERNS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() < 1024 {
            c.insert(rust_source.to_owned(), js.clone());
        }
    });
    js
}

/// Most repetitions of one atom the JS form may carry (larger bounds stay native).
const MAX_COUNT: u32 = 1000;

/// One step of a linear pattern: a set of characters repeated `min..=max` times.
struct Atom {
    ranges: Vec<(u32, u32)>,
    min: u32,
    max: Option<u32>,
}

/// The JS source (flag `u`) of a pattern a backtracking engine runs in linear time, or
/// `None`. Accepted: `^`, then character classes and literals (each possibly repeated,
/// greedily), then an optional `$`, where every repeated atom is disjoint from each atom
/// that may come next: the next character alone decides whether a repetition goes on, so
/// a backtrack fails at once and the run is linear in the string.
pub(super) fn js_pattern(rust_source: &str) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(rust_source)
        .ok()?;
    let parts: Vec<&Hir> = match hir.kind() {
        HirKind::Concat(list) => list.iter().collect(),
        _ => vec![&hir],
    };
    let (first, rest) = parts.split_first()?;
    if !matches!(first.kind(), HirKind::Look(Look::Start)) {
        return None;
    }
    let mut atoms: Vec<Atom> = Vec::new();
    let mut anchored_end = false;
    for (i, part) in rest.iter().enumerate() {
        match part.kind() {
            HirKind::Look(Look::End) if i == rest.len() - 1 => anchored_end = true,
            HirKind::Literal(lit) => {
                for c in std::str::from_utf8(&lit.0).ok()?.chars() {
                    atoms.push(Atom {
                        ranges: vec![(c as u32, c as u32)],
                        min: 1,
                        max: Some(1),
                    });
                }
            }
            HirKind::Class(class) => atoms.push(Atom {
                ranges: ranges(class)?,
                min: 1,
                max: Some(1),
            }),
            HirKind::Repetition(rep) => {
                if !rep.greedy || rep.min > MAX_COUNT || rep.max.is_some_and(|m| m > MAX_COUNT) {
                    return None;
                }
                let ranges = match rep.sub.kind() {
                    HirKind::Class(class) => ranges(class)?,
                    HirKind::Literal(lit) => {
                        let s = std::str::from_utf8(&lit.0).ok()?;
                        let mut chars = s.chars();
                        let c = chars.next()?;
                        if chars.next().is_some() {
                            return None;
                        }
                        vec![(c as u32, c as u32)]
                    }
                    _ => return None,
                };
                atoms.push(Atom {
                    ranges,
                    min: rep.min,
                    max: rep.max,
                });
            }
            _ => return None,
        }
    }
    for (i, atom) in atoms.iter().enumerate() {
        if atom.max == Some(atom.min) {
            continue;
        }
        for next in &atoms[i + 1..] {
            if overlaps(&atom.ranges, &next.ranges) {
                return None;
            }
            if next.min > 0 {
                break;
            }
        }
    }
    let mut src = String::from("^");
    for atom in &atoms {
        src.push('[');
        for &(lo, hi) in &atom.ranges {
            // Surrogate code points are not characters in Rust: a JS lone surrogate never
            // matches, so such a string is left to the native validator.
            for (a, b) in [(lo, hi.min(0xD7FF)), (lo.max(0xE000), hi)] {
                if a <= b {
                    src.push_str(&format!("\\u{{{a:x}}}-\\u{{{b:x}}}"));
                }
            }
        }
        src.push(']');
        match atom.max {
            Some(max) if max == atom.min => {
                if max != 1 {
                    src.push_str(&format!("{{{max}}}"));
                }
            }
            Some(max) => src.push_str(&format!("{{{},{max}}}", atom.min)),
            None => src.push_str(&format!("{{{},}}", atom.min)),
        }
    }
    if anchored_end {
        src.push('$');
    }
    Some(src)
}

fn ranges(class: &Class) -> Option<Vec<(u32, u32)>> {
    match class {
        Class::Unicode(u) => Some(
            u.ranges()
                .iter()
                .map(|r| (r.start() as u32, r.end() as u32))
                .collect(),
        ),
        Class::Bytes(_) => None,
    }
}

fn overlaps(a: &[(u32, u32)], b: &[(u32, u32)]) -> bool {
    a.iter()
        .any(|&(a0, a1)| b.iter().any(|&(b0, b1)| a0 <= b1 && b0 <= a1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(p: &str) -> Option<String> {
        js_pattern(&jsonschema_regex::to_rust_regex(p).unwrap())
    }

    #[test]
    fn deterministic_anchored_patterns_are_emitted() {
        assert_eq!(js("^[a-z]+$").as_deref(), Some("^[\\u{61}-\\u{7a}]{1,}$"));
        assert!(js("^[A-Z]{3}-[0-9]{4}$").is_some());
        assert!(js("^[a-zA-Z0-9]{3,30}$").is_some());
        assert!(js("^ab?c").is_some());
    }

    #[test]
    fn ambiguous_or_unanchored_patterns_stay_native() {
        for p in [
            "^(a+)+$",
            "^a*a*$",
            "^[a-z]+[a-c]$",
            "^a?[a-z]$",
            "[a-z]+$",
            "^(ab|cd)$",
            "^a+?$",
            "^x{2000}$",
            "^a$|^b$",
            "(?m)^a$",
        ] {
            assert!(js(p).is_none(), "{p}");
        }
    }

    #[test]
    fn error_templates_keep_the_schema_spelling_and_paths() {
        let schema = serde_json::json!({
            "properties": {"a/b": {"minimum": 5.0, "type": ["integer", "string"]}},
            "required": ["a/b"],
            "additionalProperties": false,
        });
        let plan =
            super::super::plan::Plan::build(&schema, jsonschema::Draft::Draft202012).unwrap();
        let d: Value = serde_json::from_str(&plan.emitted().description).unwrap();
        let sub = &d["props"][0][1]["e"];
        assert_eq!(
            sub["minimum"],
            json!(["#/properties/a~1b/minimum", {"comparison": ">=", "limit": 5.0}, "must be >= 5.0"])
        );
        assert_eq!(sub["type"][2], json!("must be integer,string"));
        assert_eq!(
            d["e"]["required"]["a/b"][2],
            json!("must have required property 'a/b'")
        );
        assert_eq!(
            d["e"]["additionalProperties"][3],
            json!("additionalProperty")
        );
    }

    #[test]
    fn surrogates_are_cut_out_of_ranges() {
        let src = js("^[^a]$").unwrap();
        assert!(
            src.contains("\\u{d7ff}") && src.contains("\\u{e000}"),
            "{src}"
        );
    }
}
