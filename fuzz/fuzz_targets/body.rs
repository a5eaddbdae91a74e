//! The raw-bytes body check of `json()` with no schema: any bytes (not UTF-8, broken JSON,
//! deep nesting, `__proto__` keys) give an outcome, never a panic; and its verdict on
//! syntax agrees with serde_json's for documents within the depth limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::schema::{check_body, BodyLimits, BodyOutcome};

fuzz_target!(|data: &[u8]| {
    let Some((&depth, bytes)) = data.split_first() else {
        return;
    };
    let depth = usize::from(depth % 80) + 1;
    let outcome = check_body(bytes, None, BodyLimits { depth });
    let parsed = serde_json::from_slice::<serde_json::Value>(bytes);
    match outcome {
        BodyOutcome::Ok { .. } => assert!(
            parsed.is_ok(),
            "check_body accepted what serde_json rejects"
        ),
        BodyOutcome::Syntax => {
            // serde_json stops at 128 levels; the body path reports depth first, so a
            // syntax error means the text is not JSON.
            assert!(
                parsed.is_err(),
                "check_body called valid JSON a syntax error"
            );
        }
        BodyOutcome::TooDeep => {}
        BodyOutcome::Invalid { .. } => panic!("Invalid without a schema"),
    }
});
