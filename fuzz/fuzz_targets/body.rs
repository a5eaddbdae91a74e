//! The raw-bytes body check of `json()`: any bytes (not UTF-8, broken JSON, deep nesting,
//! `__proto__` keys, repeated keys) give an outcome, never a panic; its verdict on syntax
//! agrees with serde_json's for documents within the depth limit; and the two readers of
//! a body agree on its value. The tree (serde_json: the last of repeated keys wins, as in
//! `JSON.parse`; integers beyond 2^53 read as JavaScript's doubles) is what the app gets, so
//! a schema that holds exactly for that value — every key, count and leaf — must accept the
//! body on both the streaming plan and the full validator, with the same prototype-key flag.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::schema::{check_body, BodyLimits, BodyOutcome, CompileOptions, Schema};
use serde_json::{json, Map, Number, Value};

/// Past this nesting the describing schema is not built (it nests about twice as deep).
const DESCRIBE_DEPTH: usize = 16;

fuzz_target!(|data: &[u8]| {
    let Some((&depth, bytes)) = data.split_first() else {
        return;
    };
    let depth = usize::from(depth % 80) + 1;
    let outcome = check_body(bytes, None, BodyLimits { depth });
    let parsed = serde_json::from_slice::<Value>(bytes);
    let proto = match outcome {
        BodyOutcome::Ok { proto } => {
            assert!(
                parsed.is_ok(),
                "check_body accepted what serde_json rejects"
            );
            proto
        }
        BodyOutcome::Syntax => {
            // serde_json stops at 128 levels; the body path reports depth first, so a
            // syntax error means the text is not JSON.
            assert!(
                parsed.is_err(),
                "check_body called valid JSON a syntax error"
            );
            return;
        }
        BodyOutcome::TooDeep => return,
        BodyOutcome::Invalid { .. } => panic!("Invalid without a schema"),
    };
    let value = parsed.expect("checked above");
    if nesting(&value) > DESCRIBE_DEPTH {
        return;
    }
    for tree_only in [false, true] {
        let schema = Schema::compile(&describe(&value, tree_only), CompileOptions::default())
            .expect("a describing schema compiles");
        if tree_only {
            assert!(!schema.has_fast_path(), "anyOf took the streaming plan");
        }
        match check_body(bytes, Some(&schema), BodyLimits { depth }) {
            BodyOutcome::Ok { proto: p } => {
                assert_eq!(p, proto, "the prototype-key flag depends on the schema")
            }
            other => panic!(
                "the readers disagree on the body's value (tree_only {tree_only}): {other:?}"
            ),
        }
    }
});

fn nesting(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(nesting).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(nesting).max().unwrap_or(0),
        _ => 0,
    }
}

/// A schema that holds for exactly `v` (as JavaScript reads it); `tree_only` wraps every
/// level in `anyOf`, which the streaming plan does not handle.
fn describe(v: &Value, tree_only: bool) -> Value {
    let s = match v {
        Value::Array(items) => {
            let mut s = json!({"type": "array", "minItems": items.len(), "maxItems": items.len()});
            if !items.is_empty() {
                s["prefixItems"] = items.iter().map(|x| describe(x, tree_only)).collect();
            }
            s
        }
        Value::Object(map) => {
            let properties: Map<String, Value> = map
                .iter()
                .map(|(k, x)| (k.clone(), describe(x, tree_only)))
                .collect();
            json!({
                "type": "object",
                "properties": properties,
                "required": map.keys().collect::<Vec<_>>(),
                "additionalProperties": false,
                "minProperties": map.len(),
                "maxProperties": map.len(),
            })
        }
        Value::Number(n) => json!({ "const": as_javascript_number(n) }),
        other => json!({ "const": other }),
    };
    match (tree_only, s) {
        (true, s) => json!({ "anyOf": [s] }),
        // prefixItems has no plan: the plannable form checks array lengths only.
        (false, Value::Object(mut m)) => {
            m.remove("prefixItems");
            Value::Object(m)
        }
        (false, s) => s,
    }
}

fn as_javascript_number(n: &Number) -> Value {
    let x = n.as_f64().unwrap_or(0.0);
    if !n.is_f64() && x.abs() >= 9_007_199_254_740_992.0 {
        Number::from_f64(x).map_or(Value::Null, Value::Number)
    } else {
        Value::Number(n.clone())
    }
}
