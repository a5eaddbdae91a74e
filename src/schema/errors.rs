//! jsonschema's errors turned into ajv's shape, so existing error handlers keep working.

use jsonschema::error::{TypeKind, ValidationErrorKind};
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
    match err.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for name in unexpected {
                push(
                    "additionalProperties",
                    json!({ "additionalProperty": name }),
                    "must NOT have additional properties".into(),
                );
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
        ValidationErrorKind::FalseSchema => {
            push("false schema", json!({}), "boolean schema is false".into())
        }
        ValidationErrorKind::Constant { expected_value } => push(
            "const",
            json!({ "allowedValue": **expected_value }),
            "must be equal to constant".into(),
        ),
        ValidationErrorKind::Enum { options } => push(
            "enum",
            json!({ "allowedValues": **options }),
            "must be equal to one of the allowed values".into(),
        ),
        ValidationErrorKind::Contains => push(
            "contains",
            json!({ "minContains": 1 }),
            "must contain at least 1 valid item(s)".into(),
        ),
        ValidationErrorKind::Format { format } => push(
            "format",
            json!({ "format": format }),
            format!("must match format \"{format}\""),
        ),
        ValidationErrorKind::Pattern { pattern } => push(
            "pattern",
            json!({ "pattern": pattern }),
            format!("must match pattern \"{pattern}\""),
        ),
        ValidationErrorKind::BacktrackLimitExceeded { .. }
        | ValidationErrorKind::RegexEngineFailure { .. } => push(
            "pattern",
            json!({}),
            "pattern could not be evaluated".into(),
        ),
        ValidationErrorKind::MaxItems { limit } => push(
            "maxItems",
            json!({ "limit": limit }),
            format!("must NOT have more than {limit} items"),
        ),
        ValidationErrorKind::MinItems { limit } => {
            if last_segment == "minContains" {
                push(
                    "contains",
                    json!({ "minContains": limit }),
                    format!("must contain at least {limit} valid item(s)"),
                )
            } else {
                push(
                    "minItems",
                    json!({ "limit": limit }),
                    format!("must NOT have fewer than {limit} items"),
                )
            }
        }
        ValidationErrorKind::MaxLength { limit } => push(
            "maxLength",
            json!({ "limit": limit }),
            format!("must NOT have more than {limit} characters"),
        ),
        ValidationErrorKind::MinLength { limit } => push(
            "minLength",
            json!({ "limit": limit }),
            format!("must NOT have fewer than {limit} characters"),
        ),
        ValidationErrorKind::MaxProperties { limit } => push(
            "maxProperties",
            json!({ "limit": limit }),
            format!("must NOT have more than {limit} properties"),
        ),
        ValidationErrorKind::MinProperties { limit } => push(
            "minProperties",
            json!({ "limit": limit }),
            format!("must NOT have fewer than {limit} properties"),
        ),
        ValidationErrorKind::Maximum { limit } => push(
            "maximum",
            json!({ "comparison": "<=", "limit": limit }),
            format!("must be <= {limit}"),
        ),
        ValidationErrorKind::Minimum { limit } => push(
            "minimum",
            json!({ "comparison": ">=", "limit": limit }),
            format!("must be >= {limit}"),
        ),
        ValidationErrorKind::ExclusiveMaximum { limit } => push(
            "exclusiveMaximum",
            json!({ "comparison": "<", "limit": limit }),
            format!("must be < {limit}"),
        ),
        ValidationErrorKind::ExclusiveMinimum { limit } => push(
            "exclusiveMinimum",
            json!({ "comparison": ">", "limit": limit }),
            format!("must be > {limit}"),
        ),
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
                push(
                    "required",
                    json!({ "missingProperty": name }),
                    format!("must have required property '{name}'"),
                )
            } else {
                // dependentRequired / dependencies: the path ends at the triggering property.
                push(
                    "dependentRequired",
                    json!({ "property": last_segment, "missingProperty": name }),
                    format!("must have property {name} when property {last_segment} is present"),
                )
            }
        }
        ValidationErrorKind::Type { kind } => {
            let names = match kind {
                TypeKind::Single(t) => t.as_str().to_string(),
                TypeKind::Multiple(set) => {
                    set.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")
                }
            };
            push("type", json!({ "type": names }), format!("must be {names}"))
        }
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
