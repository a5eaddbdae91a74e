use napi_derive::napi;

/// Version of the native core, to check that the JS layer loaded the addon it expects.
#[napi(catch_unwind)]
pub fn native_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Panics on purpose. Tests call it to prove that a panic in native code becomes a JS
/// `Error` and never aborts the process (`catch_unwind` on every entry point). Only in
/// the `test-hooks` build, which never ships.
#[cfg(feature = "test-hooks")]
#[napi(catch_unwind)]
pub fn panic_for_test(message: String) {
    panic!("{message}");
}
