//! Any bytes given to the JSON loader: an error or a dataset, never a panic. A dataset that loads also
//! validates, and saves to text that loads back to the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pledge_explorer::io::json;
use pledge_explorer::model::validate::validate;

fuzz_target!(|bytes: &[u8]| {
    let Ok(dataset) = json::from_bytes(bytes.to_vec(), "fuzz.json") else { return };
    let _ = validate(&dataset);
    let saved = json::to_string(&dataset);
    let reloaded = json::from_str(&saved, "saved.json").expect("a saved dataset loads");
    assert_eq!(json::to_string(&reloaded), saved, "saving is stable");
});
