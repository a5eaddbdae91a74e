//! Compiling a schema: options, draft detection (2020-12 unless `$schema` says draft-07),
//! the in-process registry that serves `$ref`s to schemas the app added, and the regex
//! engine (the `regex` crate: linear time, so no pattern can hang the process).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use jsonschema::{Draft, PatternCache, PatternOptions, Retrieve, Uri, Validator};
use serde_json::Value;

use super::{formats, plan};

/// Largest compiled form of one `pattern`, and of its lazy DFA cache: a hostile pattern
/// (`(a{1000}){1000}`) fails to compile instead of eating memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
const REGEX_DFA_LIMIT: usize = 2 << 20;

/// Builds that share one jsonschema pattern cache before it is replaced by a fresh one:
/// routes repeat their patterns, and compiling them was ~40% of compiling 100 route schemas
/// (perf); the bound keeps an app that compiles schemas at run time from growing it forever.
const PATTERN_CACHE_BUILDS: usize = 1024;

thread_local! {
    static PATTERNS: RefCell<(PatternCache, usize)> = RefCell::new((PatternCache::new(), 0));
}

/// The pattern cache for the next build (a fresh one every `PATTERN_CACHE_BUILDS` builds).
fn pattern_cache() -> PatternCache {
    PATTERNS.with(|p| {
        let mut p = p.borrow_mut();
        if p.1 >= PATTERN_CACHE_BUILDS {
            *p = (PatternCache::new(), 0);
        }
        p.1 += 1;
        p.0.clone()
    })
}

/// Options that change how a schema compiles or reports.
#[derive(Debug, Default, Clone)]
pub struct CompileOptions {
    /// Report every error (true) or stop at the first (false, ajv's default).
    pub all_errors: bool,
    /// Assert `format` (default true, as ajv with ajv-formats). False makes it an annotation.
    pub validate_formats: bool,
    /// Schemas the app added, by URI: `$ref`s to these resolve; nothing else is fetched.
    pub schemas: HashMap<String, Value>,
    /// The draft for a schema with no `$schema` (default 2020-12).
    pub default_draft: Option<Draft>,
}

/// Reads a draft name: `2020-12`, `draft2020-12`, `7`, `07`, `draft-07`, `draft7`.
pub fn parse_draft(name: &str) -> Option<Draft> {
    let bare = name.trim_start_matches("draft").trim_start_matches('-');
    match bare {
        "2020-12" => Some(Draft::Draft202012),
        "2019-09" => Some(Draft::Draft201909),
        "7" | "07" => Some(Draft::Draft7),
        "6" | "06" => Some(Draft::Draft6),
        "4" | "04" => Some(Draft::Draft4),
        _ => None,
    }
}

/// Why a schema did not compile.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError(pub String);

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CompileError {}

/// A compiled schema, reused for every validation.
pub struct Schema {
    pub(crate) validator: Validator,
    pub(crate) all_errors: bool,
    /// The keywords checked while parsing raw bytes, when the schema allows it.
    pub(crate) plan: Option<plan::Plan>,
}

/// Serves `$ref`s to the app's own schemas; every other URI is refused, never fetched.
struct Registry(Arc<HashMap<String, Value>>);

impl Retrieve for Registry {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let key = uri.as_str();
        let bare = key.trim_end_matches('#');
        self.0
            .get(key)
            .or_else(|| self.0.get(bare))
            .cloned()
            .ok_or_else(|| {
                format!("remote $ref {key} is not fetched: add the schema with options.schemas")
                    .into()
            })
    }
}

impl Schema {
    /// Compiles a schema given as JSON text.
    pub fn compile_str(schema: &str, options: CompileOptions) -> Result<Schema, CompileError> {
        let value: Value = serde_json::from_str(schema)
            .map_err(|e| CompileError(format!("the schema is not valid JSON: {e}")))?;
        Schema::compile(&value, options)
    }

    /// Compiles a parsed schema.
    pub fn compile(schema: &Value, options: CompileOptions) -> Result<Schema, CompileError> {
        if !schema.is_object() && !schema.is_boolean() {
            return Err(CompileError(
                "a schema must be an object or a boolean".to_string(),
            ));
        }
        let registry = Arc::new(options.schemas);
        let mut builder = jsonschema::options()
            .with_retriever(Registry(registry))
            .with_pattern_options(
                PatternOptions::regex()
                    .size_limit(REGEX_SIZE_LIMIT)
                    .dfa_size_limit(REGEX_DFA_LIMIT),
            )
            .with_pattern_cache(pattern_cache())
            .should_validate_formats(options.validate_formats);
        if options.validate_formats {
            builder = formats::register(builder);
        }
        let declares_draft = schema.get("$schema").is_some_and(Value::is_string);
        if let (Some(draft), false) = (options.default_draft, declares_draft) {
            builder = builder.with_draft(draft);
        }
        let validator = builder
            .build(schema)
            .map_err(|e| CompileError(format!("invalid schema: {e}")))?;
        let plan = if options.validate_formats {
            plan::Plan::build(schema, validator.draft())
        } else {
            None
        };
        Ok(Schema {
            validator,
            all_errors: options.all_errors,
            plan,
        })
    }

    /// The plan described for a JS validator, when the schema has a plan.
    pub fn emitted(&self) -> Option<&super::Emitted> {
        self.plan.as_ref().map(plan::Plan::emitted)
    }

    /// Whether raw bodies are checked while parsing, without building a tree.
    pub fn has_fast_path(&self) -> bool {
        self.plan.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn opts() -> CompileOptions {
        CompileOptions {
            validate_formats: true,
            ..CompileOptions::default()
        }
    }

    #[test]
    fn shared_pattern_cache_keeps_each_pattern_and_its_limits_across_a_reset() {
        // Enough builds to pass a cache reset, with the same and different patterns mixed.
        for i in 0..PATTERN_CACHE_BUILDS + 8 {
            let schema = json!({"properties": {
                "a": {"pattern": "^[a-z]+$"},
                "b": {"pattern": format!("^x{{{}}}$", i % 5 + 1)},
            }});
            let s = Schema::compile(&schema, opts()).unwrap();
            assert!(s.is_valid(&json!({"a": "abc", "b": "x".repeat(i % 5 + 1)})));
            assert!(!s.is_valid(&json!({"a": "ab1"})));
            assert!(!s.is_valid(&json!({"b": "x".repeat(i % 5 + 2)})));
        }
        // A pattern over the size limit fails every time, cached or not.
        for _ in 0..2 {
            assert!(Schema::compile(&json!({"pattern": "(a{1000}){1000}"}), opts()).is_err());
        }
    }

    #[test]
    fn refuses_remote_refs_not_in_the_registry() {
        let err = Schema::compile(&json!({"$ref": "http://example.com/x.json"}), opts())
            .err()
            .unwrap();
        assert!(err.0.contains("not fetched"), "{err}");
    }

    #[test]
    fn resolves_app_added_schemas() {
        let mut o = opts();
        o.schemas.insert(
            "https://app.example/defs/id.json".into(),
            json!({"type": "integer"}),
        );
        let s = Schema::compile(
            &json!({"properties": {"id": {"$ref": "https://app.example/defs/id.json"}}}),
            o,
        )
        .unwrap();
        assert!(s.validator.is_valid(&json!({"id": 1})));
        assert!(!s.validator.is_valid(&json!({"id": "x"})));
    }

    #[test]
    fn hostile_patterns_fail_to_compile_quickly() {
        let started = std::time::Instant::now();
        let r = Schema::compile(&json!({"pattern": "((a{1000}){1000}){1000}"}), opts());
        assert!(r.is_err());
        assert!(started.elapsed().as_secs() < 2);
    }

    #[test]
    fn default_draft_applies_only_without_schema_keyword() {
        let mut o = opts();
        o.default_draft = parse_draft("draft-07");
        let s = Schema::compile(&json!({"items": [{"type": "integer"}]}), o.clone()).unwrap();
        assert!(s.validator.is_valid(&json!([1, "x"])));
        assert!(parse_draft("nope").is_none());
    }

    #[test]
    fn non_schema_is_refused() {
        assert!(Schema::compile(&json!(3), opts()).is_err());
        assert!(Schema::compile_str("{", opts()).is_err());
    }
}
