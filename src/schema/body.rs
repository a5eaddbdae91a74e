//! The raw-bytes path of `json()`: one pass over the body checks UTF-8, JSON syntax, the
//! nesting depth, prototype-pollution keys and (when the schema has a plan) the schema
//! itself. Only when the plan is unsure is a tree built for the full validator.

use serde_json::Value;

use super::errors::AjvError;
use super::plan::Plan;
use super::walk::Stop;
use super::Schema;

/// Limits applied to every body.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// Deepest nesting of objects and arrays allowed (the top-level value is depth 1).
    pub depth: usize,
}

/// What `check_body` found.
#[derive(Debug, PartialEq)]
pub enum BodyOutcome {
    /// Valid JSON (and valid for the schema, when one was given).
    Ok {
        /// A `__proto__` key or `constructor.prototype` was seen.
        proto: bool,
    },
    /// Not JSON, or not UTF-8.
    Syntax,
    /// Nested deeper than the limit.
    TooDeep,
    /// Valid JSON that the schema rejects, with ajv-shaped errors.
    Invalid {
        /// A `__proto__` key or `constructor.prototype` was seen.
        proto: bool,
        /// The schema errors.
        errors: Vec<AjvError>,
    },
}

/// Checks a raw body; `schema` is optional.
pub fn check_body(bytes: &[u8], schema: Option<&Schema>, limits: BodyLimits) -> BodyOutcome {
    let plan = schema.and_then(|s| s.plan.as_ref());
    if let Some(plan) = plan {
        match plan.check(bytes, limits.depth) {
            Ok(scan) => return BodyOutcome::Ok { proto: scan.proto },
            Err(Stop::Syntax) => return BodyOutcome::Syntax,
            Err(Stop::TooDeep) => return BodyOutcome::TooDeep,
            // The plan is unsure: the full validator decides, and reports.
            Err(Stop::Schema) => {}
        }
    }
    // Prototype keys come from the bytes, with or without a schema: every occurrence counts,
    // even of a key whose value a repeated key later replaces (the tree below keeps only the
    // last, as JSON.parse does). Text that cannot spell one skips that pass.
    let scanned = if schema.is_none() || may_spell_proto_key(bytes) {
        match Plan::scan(bytes, limits.depth) {
            Ok(scan) => Some(scan.proto),
            Err(Stop::TooDeep) => return BodyOutcome::TooDeep,
            // The scan asserts nothing about values, so anything else is not JSON.
            Err(Stop::Syntax | Stop::Schema) => return BodyOutcome::Syntax,
        }
    } else {
        None
    };
    let Some(schema) = schema else {
        return BodyOutcome::Ok {
            proto: scanned.unwrap_or(false),
        };
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return BodyOutcome::Syntax;
    };
    let mut value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) if e.to_string().contains("recursion limit") => return BodyOutcome::TooDeep,
        Err(_) => return BodyOutcome::Syntax,
    };
    if scanned.is_none() && nesting(&value) > limits.depth {
        return BodyOutcome::TooDeep;
    }
    let proto = scanned.unwrap_or(false);
    as_javascript_reads(&mut value);
    // Without a plan most bodies are valid: the cheap yes/no first. After the plan doubted
    // the body it is most likely invalid: collect the errors directly.
    if plan.is_none() && schema.is_valid(&value) {
        return BodyOutcome::Ok { proto };
    }
    let errors = schema.validate_value(&value);
    if errors.is_empty() {
        return BodyOutcome::Ok { proto };
    }
    BodyOutcome::Invalid { proto, errors }
}

/// Whether the text may hold a `__proto__` or `prototype` key: it has `proto`, or an escape
/// (`\u005f_proto__`). Most bodies have neither, and skip the key scan.
fn may_spell_proto_key(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w == b"\\u") || bytes.windows(5).any(|w| w == b"proto")
}

/// Nesting depth of a parsed value (the top-level value is depth 1 when it is a container).
fn nesting(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(nesting).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(nesting).max().unwrap_or(0),
        _ => 0,
    }
}

/// Integers beyond 2^53 become the double `JSON.parse` makes of them, so the schema judges
/// the value the app receives: `9007199254740993` is `9007199254740992` in JavaScript
/// (otherwise `uniqueItems`, `const`, `not` or `multipleOf` could pass here and not there).
/// Repeated keys already agree: serde_json keeps the last value, as `JSON.parse` does.
fn as_javascript_reads(value: &mut Value) {
    match value {
        Value::Number(n) if !n.is_f64() => {
            let x = n.as_f64().unwrap_or(0.0);
            if x.abs() >= super::plan::EXACT_F64 {
                if let Some(js) = serde_json::Number::from_f64(x) {
                    *n = js;
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(as_javascript_reads),
        Value::Object(map) => map.values_mut().for_each(as_javascript_reads),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::CompileOptions;
    use super::*;
    use serde_json::json;

    const LIMITS: BodyLimits = BodyLimits { depth: 64 };

    #[test]
    fn integers_beyond_2_pow_53_are_valid_json_without_a_schema() {
        // Found by the `body` fuzz target: the scan's doubt about an inexact number was
        // reported as a syntax error, so json() refused valid JSON with a 400.
        let body = br#"{"a":0e400,"b":-0,"c":123456789012345678901234567890}"#;
        assert_eq!(
            check_body(body, None, LIMITS),
            BodyOutcome::Ok { proto: false }
        );
        let nested = br#"{"__proto__":{"n":[9007199254740993]}}"#;
        assert_eq!(
            check_body(nested, None, LIMITS),
            BodyOutcome::Ok { proto: true }
        );
        let deep = format!("{}18446744073709551616{}", "[".repeat(3), "]".repeat(3));
        let shallow = BodyLimits { depth: 2 };
        assert_eq!(
            check_body(deep.as_bytes(), None, shallow),
            BodyOutcome::TooDeep
        );
    }

    fn schema(s: Value) -> Schema {
        Schema::compile(
            &s,
            CompileOptions {
                all_errors: true,
                validate_formats: true,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn without_schema_checks_syntax_depth_and_keys() {
        assert_eq!(
            check_body(b"{\"a\":1}", None, LIMITS),
            BodyOutcome::Ok { proto: false }
        );
        assert_eq!(check_body(b"{\"a\":", None, LIMITS), BodyOutcome::Syntax);
        assert_eq!(
            check_body(b"{\"__proto__\":{}}", None, LIMITS),
            BodyOutcome::Ok { proto: true }
        );
    }

    #[test]
    fn planned_and_unplanned_schemas_agree() {
        let planned = schema(json!({"properties": {"a": {"type": "integer"}}}));
        assert!(planned.has_fast_path());
        let unplanned = schema(json!({"properties": {"a": {"anyOf": [{"type": "integer"}]}}}));
        assert!(!unplanned.has_fast_path());
        for s in [&planned, &unplanned] {
            assert_eq!(
                check_body(b"{\"a\":1}", Some(s), LIMITS),
                BodyOutcome::Ok { proto: false }
            );
            match check_body(b"{\"a\":\"x\",\"__proto__\":1}", Some(s), LIMITS) {
                BodyOutcome::Invalid { proto, errors } => {
                    assert!(proto);
                    assert_eq!(errors[0].instance_path, "/a");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_body_the_plan_doubts_is_decided_by_the_full_validator() {
        let s = schema(json!({"properties": {"n": {"type": "integer", "minimum": 0}}}));
        assert!(s.has_fast_path());
        // Beyond 2^53 the plan does not trust f64 comparisons and defers.
        assert_eq!(
            check_body(b"{\"n\":90071992547409930}", Some(&s), LIMITS),
            BodyOutcome::Ok { proto: false }
        );
        assert!(matches!(
            check_body(b"{\"n\":-90071992547409930}", Some(&s), LIMITS),
            BodyOutcome::Invalid { .. }
        ));
    }

    #[test]
    fn big_integers_are_judged_as_the_double_javascript_makes() {
        // Was: 9007199254740993 stayed exact here while JSON.parse rounds it to
        // 9007199254740992, so these bodies passed the schema and not in JavaScript.
        let unique = schema(json!({"type": "array", "uniqueItems": true}));
        assert!(matches!(
            check_body(
                b"[9007199254740992,9007199254740993]",
                Some(&unique),
                LIMITS
            ),
            BodyOutcome::Invalid { .. }
        ));
        let not = schema(json!({"properties": {"n": {"not": {"const": 9007199254740992u64}}}}));
        assert!(matches!(
            check_body(br#"{"n":9007199254740993}"#, Some(&not), LIMITS),
            BodyOutcome::Invalid { .. }
        ));
        let exact = schema(json!({"properties": {"n": {"const": 9007199254740992u64}}}));
        assert_eq!(
            check_body(br#"{"n":9007199254740993}"#, Some(&exact), LIMITS),
            BodyOutcome::Ok { proto: false }
        );
    }

    #[test]
    fn a_repeated_key_is_judged_by_its_last_value_as_json_parse_keeps_it() {
        let role = schema(json!({"properties": {"role": {"enum": ["user"]}}}));
        let unplanned = schema(json!({"properties": {"role": {"anyOf": [{"enum": ["user"]}]}}}));
        for s in [&role, &unplanned] {
            assert!(matches!(
                check_body(br#"{"role":"user","role":"admin"}"#, Some(s), LIMITS),
                BodyOutcome::Invalid { .. }
            ));
            assert_eq!(
                check_body(br#"{"role":"admin","role":"user"}"#, Some(s), LIMITS),
                BodyOutcome::Ok { proto: false }
            );
        }
        let two = schema(json!({"minProperties": 2}));
        assert!(matches!(
            check_body(br#"{"a":1,"a":2}"#, Some(&two), LIMITS),
            BodyOutcome::Invalid { .. }
        ));
    }

    #[test]
    fn a_prototype_key_counts_even_where_a_repeated_key_replaces_it() {
        // Was: with a schema the plan stopped early and the tree (last value wins) hid the
        // key, so protoAction 'error' let through with a schema what it refused without.
        let body = br#"{"a":{"__proto__":1},"a":2}"#;
        assert_eq!(
            check_body(body, None, LIMITS),
            BodyOutcome::Ok { proto: true }
        );
        let s = schema(json!({"properties": {"a": {"const": 2}}}));
        assert!(s.has_fast_path());
        assert_eq!(
            check_body(body, Some(&s), LIMITS),
            BodyOutcome::Ok { proto: true }
        );
        let unplanned = schema(json!({"properties": {"a": {"anyOf": [{"const": 2}]}}}));
        assert_eq!(
            check_body(body, Some(&unplanned), LIMITS),
            BodyOutcome::Ok { proto: true }
        );
    }

    #[test]
    fn the_key_scan_is_skipped_only_where_no_prototype_key_can_be_spelled() {
        let unplanned = schema(json!({"anyOf": [true]}));
        for (body, proto) in [
            (&br#"{"a":{"b":1},"a":2}"#[..], false),
            (br#"{"a":{"\u005f_proto__":1},"a":2}"#, true),
            (br#"{"a":{"constructor":{"prototype":1}},"a":2}"#, true),
            (br#"{"a":"proto"}"#, false),
        ] {
            assert!(!may_spell_proto_key(br#"{"a":{"b":1},"a":2}"#));
            assert_eq!(
                check_body(body, Some(&unplanned), LIMITS),
                BodyOutcome::Ok { proto },
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(
            check_body(deep.as_bytes(), Some(&unplanned), LIMITS),
            BodyOutcome::TooDeep
        );
    }

    #[test]
    fn depth_holds_on_the_slow_path_too() {
        let s = schema(json!({"anyOf": [true]}));
        let deep = format!("{}{}", "[".repeat(70), "]".repeat(70));
        assert_eq!(
            check_body(deep.as_bytes(), Some(&s), LIMITS),
            BodyOutcome::TooDeep
        );
    }
}
