//! Schema compile and validate: the input is `<flags byte><schema JSON>\0<instance JSON>`.
//! Any schema may fail to compile, but nothing may panic or hang; for a schema that
//! compiles, the three ways of validating must agree: `is_valid`, `validate_value` (the
//! ajv-shaped errors) and `check_body` (the raw-bytes path with its fast plan).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::schema::{check_body, parse_draft, BodyLimits, BodyOutcome, CompileOptions, Schema};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(2, |&b| b == 0);
    let schema_bytes = parts.next().unwrap_or_default();
    let instance_bytes = parts.next().unwrap_or_default();
    let Ok(schema_value) = serde_json::from_slice::<Value>(schema_bytes) else {
        return;
    };
    let options = CompileOptions {
        all_errors: flags & 1 != 0,
        validate_formats: flags & 2 == 0,
        schemas: Default::default(),
        default_draft: if flags & 4 != 0 {
            parse_draft("07")
        } else {
            None
        },
    };
    let Ok(schema) = Schema::compile(&schema_value, options) else {
        return;
    };
    let outcome = check_body(instance_bytes, Some(&schema), BodyLimits { depth: 100 });
    let Ok(instance) = serde_json::from_slice::<Value>(instance_bytes) else {
        // serde_json may refuse what the body path also refuses; only a valid document can
        // be checked against the tree validator.
        return;
    };
    let valid = schema.is_valid(&instance);
    let errors = schema.validate_value(&instance);
    assert_eq!(
        valid,
        errors.is_empty(),
        "is_valid and validate_value disagree"
    );
    match outcome {
        BodyOutcome::Ok { .. } => assert!(valid, "check_body accepted what is_valid rejects"),
        BodyOutcome::Invalid { errors, .. } => {
            assert!(!valid, "check_body rejected what is_valid accepts");
            assert!(!errors.is_empty(), "an Invalid body with no errors");
        }
        BodyOutcome::TooDeep => {}
        BodyOutcome::Syntax => panic!("check_body called valid JSON a syntax error"),
    }
});
