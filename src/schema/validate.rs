//! Validating parsed values and JSON text against a compiled schema.

use serde_json::Value;

use super::errors::{to_ajv, AjvError};
use super::Schema;

impl Schema {
    /// Errors for `instance`: empty when valid; the first only unless `allErrors`.
    pub fn validate_value(&self, instance: &Value) -> Vec<AjvError> {
        let mut out = Vec::new();
        if self.all_errors {
            for e in self.validator.iter_errors(instance) {
                to_ajv(&e, &mut out);
            }
        } else if let Err(e) = self.validator.validate(instance) {
            to_ajv(&e, &mut out);
            out.truncate(1);
        }
        out
    }

    /// Whether `instance` is valid, without collecting errors.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validator.is_valid(instance)
    }

    /// Validates JSON text; `Err` when it is not JSON.
    pub fn validate_str(&self, json: &str) -> Result<Vec<AjvError>, serde_json::Error> {
        let value: Value = serde_json::from_str(json)?;
        if self.validator.is_valid(&value) {
            return Ok(Vec::new());
        }
        Ok(self.validate_value(&value))
    }
}

#[cfg(test)]
mod tests {
    use super::super::CompileOptions;
    use super::*;
    use serde_json::json;

    fn schema(s: Value, all_errors: bool) -> Schema {
        Schema::compile(
            &s,
            CompileOptions {
                all_errors,
                validate_formats: true,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn first_error_or_all() {
        let s = json!({"properties": {"a": {"type": "string"}, "b": {"type": "string"}}});
        assert_eq!(
            schema(s.clone(), false)
                .validate_value(&json!({"a": 1, "b": 2}))
                .len(),
            1
        );
        assert_eq!(
            schema(s, true)
                .validate_value(&json!({"a": 1, "b": 2}))
                .len(),
            2
        );
    }

    #[test]
    fn draft7_by_schema_keyword_and_formats_asserted() {
        let s = schema(
            json!({"$schema": "http://json-schema.org/draft-07/schema#", "items": [{"type": "integer"}], "format": "uuid"}),
            true,
        );
        assert!(s.validate_str("[1, \"x\"]").unwrap().is_empty());
        assert_eq!(s.validate_str("[\"x\"]").unwrap()[0].keyword, "type");
        assert_eq!(s.validate_str("\"nope\"").unwrap()[0].keyword, "format");
    }

    #[test]
    fn redos_pattern_runs_in_linear_time() {
        let s = schema(json!({"pattern": "^(a+)+$"}), false);
        let hostile = format!("\"{}!\"", "a".repeat(100_000));
        let started = std::time::Instant::now();
        assert_eq!(s.validate_str(&hostile).unwrap().len(), 1);
        assert!(started.elapsed().as_millis() < 500);
    }
}
