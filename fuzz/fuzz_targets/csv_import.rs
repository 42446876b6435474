//! Any bytes given to the CSV importer, as any collection (chosen by the first byte): an error or a
//! dataset, never a panic. A table that imports exports to a table that imports to the same dataset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pledge_explorer::io::{csv, json};
use pledge_explorer::model::Collection;

fuzz_target!(|bytes: &[u8]| {
    let Some((&first, table)) = bytes.split_first() else { return };
    let collection = Collection::ALL[usize::from(first) % Collection::ALL.len()];
    let Ok(dataset) = csv::import_table(collection, table, "fuzz.csv") else { return };
    let mut exported = Vec::new();
    csv::write_table(&dataset, collection, &mut exported).expect("writing to memory succeeds");
    let reimported = csv::import_table(collection, &exported, "exported.csv").expect("an exported table imports");
    assert_eq!(json::to_string(&reimported), json::to_string(&dataset), "export then import is lossless");
});
