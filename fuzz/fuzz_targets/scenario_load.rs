//! Scenario loading: any bytes are a clear error or a scenario whose model
//! builds; never a panic. Citations, inheritance and overrides included.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Relative paths (`facts`, `extends`) resolve from the repository's
    // scenarios folder, so the shipped ones can be reached.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/fuzz.toml");
    if let Ok(s) = sim::scenario::from_text(&path, text, &[]) {
        let _ = sim::model::Economy::new(&s);
    }
});
