//! Any bytes given to the SIPRI importer (after the trade register's header, so that most inputs reach the
//! rows) and to the deliveries' text form: an error or records, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pledge_explorer::mapping::sipri;
use pledge_explorer::model::{Interner, parse_deliveries, write_deliveries};

const HEADER: &[u8] = b"Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,\
Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,SIPRI TIV for total order,\
SIPRI TIV of delivered weapons\n";

fuzz_target!(|bytes: &[u8]| {
    let mut file = b"Data generated: 13 Oct 2024 2:20:11 PM\n".to_vec();
    file.extend_from_slice(HEADER);
    file.extend_from_slice(bytes);
    let _ = sipri::import(&file, "fuzz.csv");
    let _ = sipri::import(bytes, "fuzz.csv");
    let text = String::from_utf8_lossy(bytes);
    let mut strings = Interner::default();
    if let Ok(deliveries) = parse_deliveries(&text, &mut strings) {
        let mut written = String::new();
        write_deliveries(&deliveries, &strings, &mut written);
        let again = parse_deliveries(&written, &mut strings).expect("written deliveries read back");
        assert_eq!(again, deliveries, "{written}");
    }
});
