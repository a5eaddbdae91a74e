//! jsonschema's errors turned into ajv's shape, so existing error handlers keep working.

use std::str::FromStr;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::types::{JsonType, JsonTypeSet};
use jsonschema::ValidationError;
use serde::Serialize;
use serde_json::{json, Value};

/// One error as ajv reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AjvError {
    /// JSON Pointer to the failing value (`""` for the root), as ajv 8's `instancePath`.
    pub instance_path: String,
    /// JSON Pointer fragment of the failing keyword, as ajv's `schemaPath` (`#/properties/a/type`).
    pub schema_path: String,
    /// The keyword that failed.
    pub keyword: String,
    /// Keyword-specific details, with ajv's parameter names.
    pub params: Value,
    /// ajv's message for the keyword.
    pub message: String,
}

/// What ajv says about one failing keyword: its name, params and message. Built by the
/// functions below, which both `to_ajv` (errors from jsonschema) and the plan description
/// for JavaScript (src/schema/emit.rs: the templates the emitted explain function copies)
/// use, so both paths word every error from one source.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Parts {
    pub(super) keyword: &'static str,
    pub(super) params: Value,
    pub(super) message: String,
}

fn parts(keyword: &'static str, params: Value, message: String) -> Parts {
    Parts {
        keyword,
        params,
        message,
    }
}

pub(super) fn additional_property(name: &str) -> Parts {
    parts(
        "additionalProperties",
        json!({ "additionalProperty": name }),
        "must NOT have additional properties".into(),
    )
}

/// The params key of `additional_property` that holds the property's name.
pub(super) const ADDITIONAL_PROPERTY_PARAM: &str = "additionalProperty";

pub(super) fn constant(expected: &Value) -> Parts {
    parts(
        "const",
        json!({ "allowedValue": expected }),
        "must be equal to constant".into(),
    )
}

pub(super) fn enumeration(options: &Value) -> Parts {
    parts(
        "enum",
        json!({ "allowedValues": options }),
        "must be equal to one of the allowed values".into(),
    )
}

pub(super) fn format(format: &str) -> Parts {
    parts(
        "format",
        json!({ "format": format }),
        format!("must match format \"{format}\""),
    )
}

pub(super) fn pattern(pattern: &str) -> Parts {
    parts(
        "pattern",
        json!({ "pattern": pattern }),
        format!("must match pattern \"{pattern}\""),
    )
}

/// The count keywords: "must NOT have more/fewer than {limit} {unit}", params `{ limit }`.
fn count_limit(keyword: &'static str, limit: u64, bound: &str, unit: &str) -> Parts {
    parts(
        keyword,
        json!({ "limit": limit }),
        format!("must NOT have {bound} than {limit} {unit}"),
    )
}

pub(super) fn max_items(limit: u64) -> Parts {
    count_limit("maxItems", limit, "more", "items")
}

pub(super) fn min_items(limit: u64) -> Parts {
    count_limit("minItems", limit, "fewer", "items")
}

pub(super) fn max_length(limit: u64) -> Parts {
    count_limit("maxLength", limit, "more", "characters")
}

pub(super) fn min_length(limit: u64) -> Parts {
    count_limit("minLength", limit, "fewer", "characters")
}

pub(super) fn max_properties(limit: u64) -> Parts {
    count_limit("maxProperties", limit, "more", "properties")
}

pub(super) fn min_properties(limit: u64) -> Parts {
    count_limit("minProperties", limit, "fewer", "properties")
}

/// `limit` is the schema's own JSON value (so `5` and `5.0` print as written).
pub(super) fn maximum(limit: &Value) -> Parts {
    parts(
        "maximum",
        json!({ "comparison": "<=", "limit": limit }),
        format!("must be <= {limit}"),
    )
}

pub(super) fn minimum(limit: &Value) -> Parts {
    parts(
        "minimum",
        json!({ "comparison": ">=", "limit": limit }),
        format!("must be >= {limit}"),
    )
}

pub(super) fn exclusive_maximum(limit: &Value) -> Parts {
    parts(
        "exclusiveMaximum",
        json!({ "comparison": "<", "limit": limit }),
        format!("must be < {limit}"),
    )
}

pub(super) fn exclusive_minimum(limit: &Value) -> Parts {
    parts(
        "exclusiveMinimum",
        json!({ "comparison": ">", "limit": limit }),
        format!("must be > {limit}"),
    )
}

pub(super) fn required(name: &str) -> Parts {
    parts(
        "required",
        json!({ "missingProperty": name }),
        format!("must have required property '{name}'"),
    )
}

pub(super) fn type_error(kind: &TypeKind) -> Parts {
    let names = match kind {
        TypeKind::Single(t) => t.as_str().to_string(),
        TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(","),
    };
    parts("type", json!({ "type": names }), format!("must be {names}"))
}

/// The `TypeKind` jsonschema reports for a schema's `type` value (a one-item list is a
/// single type, as jsonschema compiles it); `None` for a value it would not compile.
pub(super) fn type_kind(value: &Value) -> Option<TypeKind> {
    let one = |v: &Value| v.as_str().and_then(|s| JsonType::from_str(s).ok());
    match value {
        Value::String(_) => Some(TypeKind::Single(one(value)?)),
        Value::Array(list) if list.len() == 1 => Some(TypeKind::Single(one(&list[0])?)),
        Value::Array(list) => {
            let mut set = JsonTypeSet::empty();
            for v in list {
                set = set.insert(one(v)?);
            }
            Some(TypeKind::Multiple(set))
        }
        _ => None,
    }
}

pub(super) fn false_schema() -> Parts {
    parts("false schema", json!({}), "boolean schema is false".into())
}

/// Converts one jsonschema error into one or more ajv errors (ajv reports every
/// unexpected property separately).
pub fn to_ajv(err: &ValidationError<'_>, out: &mut Vec<AjvError>) {
    let instance_path = err.instance_path().as_str().to_string();
    let schema_path = format!("#{}", err.schema_path().as_str());
    let last_segment = err.schema_path().as_str().rsplit('/').next().unwrap_or("");
    let mut push = |keyword: &str, params: Value, message: String| {
        out.push(AjvError {
            instance_path: instance_path.clone(),
            schema_path: schema_path.clone(),
            keyword: keyword.to_string(),
            params,
            message,
        })
    };
    let mut put = |p: Parts| push(p.keyword, p.params, p.message);
    match err.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for name in unexpected {
                put(additional_property(name));
            }
        }
        ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            for name in unexpected {
                push(
                    "unevaluatedProperties",
                    json!({ "unevaluatedProperty": name }),
                    "must NOT have unevaluated properties".into(),
                );
            }
        }
        ValidationErrorKind::AdditionalItems { limit } => push(
            "additionalItems",
            json!({ "limit": limit }),
            format!("must NOT have more than {limit} items"),
        ),
        ValidationErrorKind::UnevaluatedItems { .. } => push(
            "unevaluatedItems",
            json!({}),
            "must NOT have unevaluated items".into(),
        ),
        ValidationErrorKind::AnyOf { .. } => {
            push("anyOf", json!({}), "must match a schema in anyOf".into())
        }
        ValidationErrorKind::OneOfNotValid { .. } => push(
            "oneOf",
            json!({ "passingSchemas": null }),
            "must match exactly one schema in oneOf".into(),
        ),
        ValidationErrorKind::OneOfMultipleValid { .. } => push(
            "oneOf",
            json!({ "passingSchemas": Value::Array(vec![]) }),
            "must match exactly one schema in oneOf".into(),
        ),
        ValidationErrorKind::Not { .. } => push("not", json!({}), "must NOT be valid".into()),
        ValidationErrorKind::FalseSchema => put(false_schema()),
        ValidationErrorKind::Constant { expected_value } => put(constant(expected_value)),
        ValidationErrorKind::Enum { options } => put(enumeration(options)),
        ValidationErrorKind::Contains => push(
            "contains",
            json!({ "minContains": 1 }),
            "must contain at least 1 valid item(s)".into(),
        ),
        ValidationErrorKind::Format { format: name } => put(format(name)),
        ValidationErrorKind::Pattern { pattern: source } => put(pattern(source)),
        ValidationErrorKind::BacktrackLimitExceeded { .. }
        | ValidationErrorKind::RegexEngineFailure { .. } => push(
            "pattern",
            json!({}),
            "pattern could not be evaluated".into(),
        ),
        ValidationErrorKind::MaxItems { limit } => put(max_items(*limit)),
        ValidationErrorKind::MinItems { limit } => {
            if last_segment == "minContains" {
                push(
                    "contains",
                    json!({ "minContains": limit }),
                    format!("must contain at least {limit} valid item(s)"),
                )
            } else {
                put(min_items(*limit))
            }
        }
        ValidationErrorKind::MaxLength { limit } => put(max_length(*limit)),
        ValidationErrorKind::MinLength { limit } => put(min_length(*limit)),
        ValidationErrorKind::MaxProperties { limit } => put(max_properties(*limit)),
        ValidationErrorKind::MinProperties { limit } => put(min_properties(*limit)),
        ValidationErrorKind::Maximum { limit } => put(maximum(limit)),
        ValidationErrorKind::Minimum { limit } => put(minimum(limit)),
        ValidationErrorKind::ExclusiveMaximum { limit } => put(exclusive_maximum(limit)),
        ValidationErrorKind::ExclusiveMinimum { limit } => put(exclusive_minimum(limit)),
        ValidationErrorKind::MultipleOf { multiple_of } => push(
            "multipleOf",
            json!({ "multipleOf": multiple_of }),
            format!("must be multiple of {multiple_of}"),
        ),
        ValidationErrorKind::PropertyNames { error } => {
            let name = error.instance().as_str().unwrap_or_default().to_string();
            push(
                "propertyNames",
                json!({ "propertyName": name }),
                "property name must be valid".into(),
            )
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            if last_segment == "required" {
                put(required(name))
            } else {
                // dependentRequired / dependencies: the path ends at the triggering property.
                push(
                    "dependentRequired",
                    json!({ "property": last_segment, "missingProperty": name }),
                    format!("must have property {name} when property {last_segment} is present"),
                )
            }
        }
        ValidationErrorKind::Type { kind } => put(type_error(kind)),
        ValidationErrorKind::UniqueItems => {
            let (i, j) = duplicate_pair(err.instance());
            push(
                "uniqueItems",
                json!({ "i": i, "j": j }),
                format!("must NOT have duplicate items (items ## {j} and {i} are identical)"),
            )
        }
        ValidationErrorKind::ContentEncoding { content_encoding } => push(
            "contentEncoding",
            json!({ "contentEncoding": content_encoding }),
            format!("must be encoded as {content_encoding}"),
        ),
        ValidationErrorKind::FromUtf8 { .. } => push(
            "contentEncoding",
            json!({}),
            "must be valid UTF-8 once decoded".into(),
        ),
        ValidationErrorKind::ContentMediaType { content_media_type } => push(
            "contentMediaType",
            json!({ "contentMediaType": content_media_type }),
            format!("must be {content_media_type}"),
        ),
        ValidationErrorKind::Custom { keyword, message } => {
            push(keyword, json!({}), message.clone())
        }
        ValidationErrorKind::Referencing(e) => push(
            "$ref",
            json!({ "ref": e.to_string() }),
            format!("can't resolve reference: {e}"),
        ),
    }
}

/// ajv reports the positions of two equal items: `i` the later one, `j` the earlier one.
fn duplicate_pair(instance: &Value) -> (usize, usize) {
    if let Some(items) = instance.as_array() {
        for i in (0..items.len()).rev() {
            for j in (0..i).rev() {
                if jsonschema_equal(&items[i], &items[j]) {
                    return (i, j);
                }
            }
        }
    }
    (0, 0)
}

/// JSON Schema equality: numbers compare by value (1 == 1.0).
fn jsonschema_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| jsonschema_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| jsonschema_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(schema: Value, instance: Value) -> Vec<AjvError> {
        let validator = jsonschema::validator_for(&schema).unwrap();
        let mut out = Vec::new();
        for e in validator.iter_errors(&instance) {
            to_ajv(&e, &mut out);
        }
        out
    }

    #[test]
    fn type_error_has_ajv_shape() {
        let out = errors(
            json!({"properties": {"a": {"type": "string"}}}),
            json!({"a": 1}),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].instance_path, "/a");
        assert_eq!(out[0].schema_path, "#/properties/a/type");
        assert_eq!(out[0].keyword, "type");
        assert_eq!(out[0].params, json!({"type": "string"}));
        assert_eq!(out[0].message, "must be string");
    }

    #[test]
    fn each_extra_property_is_one_error() {
        let out = errors(
            json!({"properties": {}, "additionalProperties": false}),
            json!({"x": 1, "y": 2}),
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].params, json!({"additionalProperty": "x"}));
    }

    #[test]
    fn required_and_unique_items() {
        let out = errors(json!({"required": ["id"]}), json!({}));
        assert_eq!(out[0].message, "must have required property 'id'");
        let out = errors(json!({"uniqueItems": true}), json!([1, 2, 1]));
        assert_eq!(out[0].params, json!({"i": 2, "j": 0}));
    }
}
