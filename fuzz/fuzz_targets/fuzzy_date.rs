//! Any text given to the EDTF date parser: an error or a date, never a panic. A date that parses prints
//! as text that parses to the same date, and its calendar extent can be computed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pledge_explorer::analysis::timeline::extent;
use pledge_explorer::model::FuzzyDate;

fuzz_target!(|text: &str| {
    let Ok(date) = FuzzyDate::parse(text) else { return };
    let printed = date.to_string();
    assert_eq!(FuzzyDate::parse(&printed).ok(), Some(date), "{text:?} printed as {printed:?}");
    let _ = date.human();
    let _ = extent(&date);
    let _ = (date.earliest(), date.latest(), date.sort_key());
});
