//! Any bytes given to the import of someone else's table: encoding, delimiter and header row detected,
//! columns guessed from headers and values, every row read through the mapping (values as sources write
//! them: "c. 200", "EUR 1.2 bn", "2023?", country names): an error or records, never a panic. What is
//! imported validates without a panic and saves to JSON that loads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pledge_explorer::io::{json, tabular};
use pledge_explorer::mapping;

fuzz_target!(|bytes: &[u8]| {
    let path = std::path::Path::new("fuzz.csv");
    let Ok(table) = tabular::read(path, bytes.to_vec(), &tabular::ReadOptions::default()) else { return };
    let guessed = mapping::guess(&table.headers, &table.sample(5));
    let Ok(imported) = mapping::import(&table, &guessed, None) else { return };
    let _ = pledge_explorer::model::validate::validate(&imported.dataset);
    let text = json::to_string(&imported.dataset);
    let again = json::from_str(&text, "saved.json").expect("an imported dataset saves to JSON that loads");
    assert_eq!(json::to_string(&again), text, "save then load is lossless");
});
