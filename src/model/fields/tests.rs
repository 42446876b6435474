use super::*;
use crate::model::{ActorKind, CommitmentKind, CommitmentStatus, EventKind, MoneyQualifier, QuantityQualifier, Stage};

/// The file name of every vocabulary word is the one serde writes in JSON.
#[test]
fn vocabulary_keys_are_the_json_words() {
    fn check<T: Vocabulary + serde::Serialize>() {
        assert_eq!(T::ALL.len(), T::CHOICES.len());
        for (position, value) in T::ALL.iter().enumerate() {
            assert_eq!(value.position(), position);
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::Value::from(value.key()));
        }
    }
    check::<Stage>();
    check::<Confidence>();
    check::<ActorKind>();
    check::<EventKind>();
    check::<CommitmentKind>();
    check::<CommitmentStatus>();
    check::<QuantityQualifier>();
    check::<MoneyQualifier>();
}

use crate::model::{Confidence, Vocabulary};

#[test]
fn kinds_read_text_the_way_people_write_it() {
    let qualifier = Kind::Vocabulary(QuantityQualifier::CHOICES);
    for text in ["up_to", "up to", "Up To", "UP-TO"] {
        assert_eq!(qualifier.parse(text), Ok(Value::Word(1)), "{text}");
    }
    assert!(qualifier.parse("maybe").unwrap_err().contains("up to"));
    assert_eq!(Kind::Count.parse(" 1,000 "), Ok(Value::Count(1000)));
    assert!(Kind::Count.parse("-1").is_err());
    assert_eq!(Kind::Amount.parse("700000000"), Ok(Value::Amount(7e8)));
    assert_eq!(Kind::Text.parse("   "), Ok(Value::Empty));
    assert!(Kind::Currency.parse("usd").is_err());
    assert!(Kind::Date.parse("2024-02-30").unwrap_err().contains("does not exist"));
}

#[test]
fn every_table_starts_with_its_id_and_has_unique_keys() {
    for collection in Collection::ALL {
        let specs = specs(collection);
        assert_eq!(specs[0].key, "id");
        assert_eq!(specs[0].kind, Kind::Id);
        let mut keys: Vec<&str> = specs.iter().map(|spec| spec.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), specs.len(), "{collection:?}");
        assert!(!columns(collection).is_empty());
        assert!(
            columns(collection)
                .iter()
                .all(|spec| !spec.cell_edit || !matches!(spec.kind, Kind::LongText) || spec.key == "notes")
        );
    }
}

#[test]
fn a_value_needs_its_currency() {
    let mut strings = Interner::default();
    let mut texts =
        blank_texts(Collection::Acquisitions, "a1", FuzzyDate::Single(crate::model::PartialDate::of_year(2024)));
    let value = position(Collection::Acquisitions, "value").unwrap();
    texts[value] = "5".to_owned();
    let error = read_texts(Collection::Acquisitions, &texts, &mut strings).unwrap_err();
    assert_eq!(error.key, "value_currency");
    texts[value + 1] = "EUR".to_owned();
    assert!(read_texts(Collection::Acquisitions, &texts, &mut strings).is_ok());
}

proptest::proptest! {
    /// The quick look at the first and last bytes never trims differently from `str::trim`.
    #[test]
    fn trimming_is_str_trim(text in "[ \t\n\u{b}\u{a0}\u{2003}a-z,é]{0,12}") {
        proptest::prop_assert_eq!(trim(&text), text.trim());
    }
}
