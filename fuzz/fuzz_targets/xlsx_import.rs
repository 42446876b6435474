//! Any bytes given as a workbook: opened (the zip's stated sizes checked first), read as the app's own
//! layout and as a table for the column mapping (first sheet, header row detected), then mapped with the
//! guessed mapping: an error or records, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pledge_explorer::io::{tabular, xlsx};
use pledge_explorer::mapping;

fuzz_target!(|bytes: &[u8]| {
    let _ = xlsx::is_own_workbook(bytes);
    let _ = xlsx::read(bytes.to_vec(), "fuzz.xlsx");
    let path = std::path::Path::new("fuzz.xlsx");
    if let Ok(table) = tabular::read(path, bytes.to_vec(), &tabular::ReadOptions::default()) {
        let guessed = mapping::guess(&table.headers, &table.sample(5));
        let _ = mapping::import(&table, &guessed, None);
    }
});
