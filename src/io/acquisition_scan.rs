//! An acquisition's JSON object read field by field into the model: the record, and the strings interned
//! in the order, that serde's derived `AcquisitionRecord` and [`super::convert`] give for the same text
//! (tests hold them equal), in less time. Loading a million acquisitions spent most of its time in the
//! derived code: a field name matched through a visitor, each string checked for escapes byte by byte,
//! each date and word handed through a visitor of its own, lists gathered in vectors only to be interned.
//!
//! Only the usual is read here: strings without escapes, no `null`, every field once, numbers as the app
//! writes them. Anything else gives None before anything is interned, and the caller reads the record
//! with serde, which gives the same record or says what is wrong. Words (stage, qualifiers, currency…)
//! and dates go through the same definitions serde uses, so that the two cannot disagree on what a word
//! means.

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, Error as WordError};
use smallvec::SmallVec;

use super::stream::Cursor;
use crate::model::{
    Acquisition, Confidence, Delivery, FuzzyDate, Interner, Money, Quantity, QuantityQualifier, Stage, Symbols,
};

/// Reads the acquisition whose `{` is at or after white space from `position`, interning its strings
/// into `strings`: the record and where it ends (past its `}`). None when it is not one of the usual
/// records (see the module comment); then `strings` is as it was.
pub(super) fn read(text: &str, position: usize, strings: &mut Interner) -> Option<(Acquisition, usize)> {
    let mut cursor = Cursor { text, position };
    let record = cursor.acquisition()?;
    Some((record.interned(strings), cursor.position))
}

/// Strings of a list, borrowed from the text: as many as records usually have, without allocating.
type Texts<'t> = SmallVec<[&'t str; 4]>;

/// An acquisition as read, its strings borrowed from the text and not yet interned.
struct Scanned<'t> {
    id: &'t str,
    system: &'t str,
    category: &'t str,
    buyers: Texts<'t>,
    recipient: Option<&'t str>,
    agency: Option<&'t str>,
    supplier: Option<&'t str>,
    stage: Stage,
    quantity: Option<ScannedQuantity<'t>>,
    value: Option<Money>,
    date: Option<FuzzyDate>,
    delivery: Option<FuzzyDate>,
    deliveries: SmallVec<[ScannedDelivery<'t>; 2]>,
    parent: Option<&'t str>,
    commitment: Option<&'t str>,
    sources: Texts<'t>,
    confidence: Confidence,
    notes: Option<&'t str>,
}

struct ScannedQuantity<'t> {
    count: Option<u64>,
    unit: Option<&'t str>,
    qualifier: QuantityQualifier,
    text: Option<&'t str>,
}

struct ScannedDelivery<'t> {
    date: Option<FuzzyDate>,
    count: Option<u64>,
    qualifier: QuantityQualifier,
    sources: Texts<'t>,
}

impl Scanned<'_> {
    /// The model's record, its strings interned in the order of `convert::acquisition_from_wire`.
    fn interned(self, strings: &mut Interner) -> Acquisition {
        let mut symbol = |text: &str| strings.intern(text);
        let id = symbol(self.id);
        let system = symbol(self.system);
        let category = symbol(self.category);
        let buyers: Symbols = self.buyers.iter().map(|text| symbol(text)).collect();
        let recipient = self.recipient.map(&mut symbol);
        let agency = self.agency.map(&mut symbol);
        let supplier = self.supplier.map(&mut symbol);
        let quantity = self.quantity.map(|quantity| Quantity {
            count: quantity.count,
            unit: quantity.unit.map(&mut symbol),
            qualifier: quantity.qualifier,
            text: quantity.text.map(Box::from),
        });
        let deliveries = self
            .deliveries
            .iter()
            .map(|delivery| Delivery {
                date: delivery.date,
                count: delivery.count,
                qualifier: delivery.qualifier,
                sources: delivery.sources.iter().map(|text| symbol(text)).collect(),
            })
            .collect();
        let parent = self.parent.map(&mut symbol);
        let commitment = self.commitment.map(&mut symbol);
        let sources = self.sources.iter().map(|text| symbol(text)).collect();
        Acquisition {
            id,
            system,
            category,
            buyers,
            recipient,
            agency,
            supplier,
            stage: self.stage,
            quantity,
            value: self.value,
            date: self.date,
            delivery: self.delivery,
            deliveries,
            parent,
            commitment,
            sources,
            confidence: self.confidence,
            // An empty note is no note, as in `convert`.
            notes: self.notes.filter(|notes| !notes.is_empty()).map(Box::from),
        }
    }
}

/// The keys of an acquisition and of the objects in it, in the order the app writes them
/// (`super::acquisition_line`).
const ACQUISITION_KEYS: [&str; 18] = [
    "id",
    "system",
    "category",
    "buyers",
    "recipient",
    "agency",
    "supplier",
    "stage",
    "quantity",
    "value",
    "date",
    "delivery",
    "deliveries",
    "parent",
    "commitment",
    "sources",
    "confidence",
    "notes",
];
const QUANTITY_KEYS: [&str; 4] = ["count", "unit", "qualifier", "text"];
const MONEY_KEYS: [&str; 4] = ["amount", "currency", "qualifier", "price_year"];
const DELIVERY_KEYS: [&str; 4] = ["date", "count", "qualifier", "sources"];

/// Puts `value` in an empty `slot`; None if the field was given already (serde refuses that).
fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    slot.is_none().then(|| *slot = Some(value))
}

/// The scanner's steps, on the cursor that steps over the punctuation between serde's values.
impl<'t> Cursor<'t> {
    fn acquisition(&mut self) -> Option<Scanned<'t>> {
        let (mut id, mut system, mut category, mut buyers, mut recipient, mut agency) =
            (None, None, None, None, None, None);
        let (mut supplier, mut stage, mut quantity, mut value, mut date, mut delivery) =
            (None, None, None, None, None, None);
        let (mut deliveries, mut parent, mut commitment, mut sources) = (None, None, None, None);
        let (mut confidence, mut notes) = (None, None);
        self.object(&ACQUISITION_KEYS, |scan, key| match key {
            "id" => set(&mut id, scan.string()?),
            "system" => set(&mut system, scan.string()?),
            "category" => set(&mut category, scan.string()?),
            "buyers" => set(&mut buyers, scan.texts()?),
            "recipient" => set(&mut recipient, scan.string()?),
            "agency" => set(&mut agency, scan.string()?),
            "supplier" => set(&mut supplier, scan.string()?),
            "stage" => set(&mut stage, scan.word()?),
            "quantity" => set(&mut quantity, scan.quantity()?),
            "value" => set(&mut value, scan.money()?),
            "date" => set(&mut date, scan.date()?),
            "delivery" => set(&mut delivery, scan.date()?),
            "deliveries" => set(&mut deliveries, scan.deliveries()?),
            "parent" => set(&mut parent, scan.string()?),
            "commitment" => set(&mut commitment, scan.string()?),
            "sources" => set(&mut sources, scan.texts()?),
            "confidence" => set(&mut confidence, scan.word()?),
            "notes" => set(&mut notes, scan.string()?),
            _ => None,
        })?;
        Some(Scanned {
            id: id?,
            system: system?,
            category: category?,
            buyers: buyers.unwrap_or_default(),
            recipient,
            agency,
            supplier,
            stage: stage?,
            quantity,
            value,
            date,
            delivery,
            deliveries: deliveries.unwrap_or_default(),
            parent,
            commitment,
            sources: sources.unwrap_or_default(),
            confidence: confidence?,
            notes,
        })
    }

    fn quantity(&mut self) -> Option<ScannedQuantity<'t>> {
        let (mut count, mut unit, mut qualifier, mut text) = (None, None, None, None);
        self.object(&QUANTITY_KEYS, |scan, key| match key {
            "count" => set(&mut count, scan.count()?),
            "unit" => set(&mut unit, scan.string()?),
            "qualifier" => set(&mut qualifier, scan.word()?),
            "text" => set(&mut text, scan.string()?),
            _ => None,
        })?;
        Some(ScannedQuantity { count, unit, qualifier: qualifier.unwrap_or_default(), text })
    }

    fn money(&mut self) -> Option<Money> {
        let (mut amount, mut currency, mut qualifier, mut price_year) = (None, None, None, None);
        self.object(&MONEY_KEYS, |scan, key| match key {
            "amount" => set(&mut amount, scan.amount()?),
            "currency" => set(&mut currency, scan.word()?),
            "qualifier" => set(&mut qualifier, scan.word()?),
            "price_year" => set(&mut price_year, scan.year()?),
            _ => None,
        })?;
        Some(Money { amount: amount?, currency: currency?, qualifier: qualifier.unwrap_or_default(), price_year })
    }

    fn deliveries(&mut self) -> Option<SmallVec<[ScannedDelivery<'t>; 2]>> {
        let mut deliveries = SmallVec::new();
        self.list(|scan| {
            let (mut date, mut count, mut qualifier, mut sources) = (None, None, None, None);
            scan.object(&DELIVERY_KEYS, |scan, key| match key {
                "date" => set(&mut date, scan.date()?),
                "count" => set(&mut count, scan.count()?),
                "qualifier" => set(&mut qualifier, scan.word()?),
                "sources" => set(&mut sources, scan.texts()?),
                _ => None,
            })?;
            let qualifier = qualifier.unwrap_or_default();
            deliveries.push(ScannedDelivery { date, count, qualifier, sources: sources.unwrap_or_default() });
            Some(())
        })?;
        Some(deliveries)
    }

    /// An object `{"key": value, …}`, each value read by `field` given its key. `keys` are the object's
    /// keys in the order the app writes them: a key found where that order puts it is taken as it stands,
    /// any other is read as a string (comparing the bytes expected took a twentieth off loading).
    fn object(&mut self, keys: &[&'static str], mut field: impl FnMut(&mut Self, &'t str) -> Option<()>) -> Option<()> {
        self.expect(b'{')?;
        if self.eat(b'}') {
            return Some(());
        }
        let mut unseen = keys;
        loop {
            self.skip_whitespace();
            let key = match self.key_in_order(&mut unseen) {
                Some(key) => key,
                None => self.string()?,
            };
            self.expect(b':')?;
            field(self, key)?;
            if !self.eat(b',') {
                return self.expect(b'}');
            }
        }
    }

    /// The first of `unseen` that is the quoted key right here, stepped over; `unseen` then keeps the keys
    /// after it (optional keys the app left out are passed over). None, with `unseen` emptied, if none is.
    fn key_in_order(&mut self, unseen: &mut &[&'static str]) -> Option<&'static str> {
        let rest = self.text.as_bytes().get(self.position..)?;
        while let Some((&key, after)) = unseen.split_first() {
            *unseen = after;
            let quoted = rest.get(..key.len() + 2);
            if quoted.is_some_and(|quoted| {
                quoted[0] == b'"' && quoted[1..=key.len()] == *key.as_bytes() && quoted[key.len() + 1] == b'"'
            }) {
                self.position += key.len() + 2;
                return Some(key);
            }
        }
        None
    }

    /// A list `[value, …]`, each value read by `item`.
    fn list(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect(b'[')?;
        if self.eat(b']') {
            return Some(());
        }
        loop {
            item(self)?;
            if !self.eat(b',') {
                return self.expect(b']');
            }
        }
    }

    fn texts(&mut self) -> Option<Texts<'t>> {
        let mut texts = Texts::new();
        self.list(|scan| {
            texts.push(scan.string()?);
            Some(())
        })?;
        Some(texts)
    }

    /// A string without escapes or control characters (which serde refuses raw).
    fn string(&mut self) -> Option<&'t str> {
        self.expect(b'"')?;
        let start = self.position;
        let end = start + plain_length(self.text.as_bytes().get(start..)?)?;
        self.position = end;
        self.expect_here(b'"')?;
        // Ends before an ASCII quote, so on a character boundary.
        self.text.get(start..end)
    }

    /// A word of one of the model's vocabularies, as serde reads it.
    fn word<T: Deserialize<'t>>(&mut self) -> Option<T> {
        T::deserialize(BorrowedStrDeserializer::<WordError>::new(self.string()?)).ok()
    }

    fn date(&mut self) -> Option<FuzzyDate> {
        FuzzyDate::parse(self.string()?).ok()
    }

    /// A count: digits without a leading zero, fewer than 20 (so that it fits in a u64).
    fn count(&mut self) -> Option<u64> {
        self.skip_whitespace();
        self.digits()
    }

    /// A year, perhaps before the common era. Not "-0", which serde_json reads as a float.
    fn year(&mut self) -> Option<i16> {
        self.skip_whitespace();
        let negative = self.eat_here(b'-');
        let year = i16::try_from(self.digits()?).ok()?;
        match (negative, year) {
            (false, year) => Some(year),
            (true, 0) => None,
            (true, year) => Some(-year),
        }
    }

    /// An amount, as serde_json reads the number (it is the number's text that is checked here).
    fn amount(&mut self) -> Option<f64> {
        self.skip_whitespace();
        let start = self.position;
        let bytes = self.text.as_bytes();
        let length = bytes
            .get(start..)?
            .iter()
            .position(|&byte| !matches!(byte, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))?;
        self.position = start + length;
        serde_json::from_str(self.text.get(start..self.position)?).ok()
    }

    /// Digits from here, as JSON writes a whole number (no leading zero), fewer than 20.
    fn digits(&mut self) -> Option<u64> {
        let start = self.position;
        let length = self.text.as_bytes().get(start..)?.iter().position(|byte| !byte.is_ascii_digit())?;
        let digits = self.text.get(start..start + length)?;
        self.position = start + length;
        let whole = (1..20).contains(&length) && (length == 1 || !digits.starts_with('0'));
        whole.then(|| digits.parse().ok())?
    }

    /// Steps over `byte` if it is right here.
    fn eat_here(&mut self, byte: u8) -> bool {
        let next = self.text.as_bytes().get(self.position) == Some(&byte);
        self.position += usize::from(next);
        next
    }

    fn expect_here(&mut self, byte: u8) -> Option<()> {
        self.eat_here(byte).then_some(())
    }
}

/// How many bytes of `bytes` come before the first quote, backslash or control character: the length of
/// a string without escapes, if that is what ends it. Eight bytes at a time: in each word, a byte that is
/// one of those sets its high bit in `found` (subtracting borrows from the bytes above a match, never
/// below it, so the lowest flag is exact).
fn plain_length(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH_BITS: u64 = ONES << 7;
    let mut words = bytes.chunks_exact(8);
    let mut length = 0;
    for word in words.by_ref() {
        let word = u64::from_le_bytes(word.try_into().ok()?);
        let (quote, backslash) = (word ^ (ONES * u64::from(b'"')), word ^ (ONES * u64::from(b'\\')));
        let zero = |word: u64| word.wrapping_sub(ONES) & !word;
        let found = (zero(quote) | zero(backslash) | (word.wrapping_sub(ONES * 0x20) & !word)) & HIGH_BITS;
        if found != 0 {
            return Some(length + found.trailing_zeros() as usize / 8);
        }
        length += 8;
    }
    let rest = words.remainder().iter().position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)?;
    Some(length + rest)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::io::wire::AcquisitionRecord;

    /// What serde and `convert` make of `text`: the record and where it ends, the strings interned into
    /// `strings`; None if serde refuses it.
    fn through_serde(text: &str, strings: &mut Interner) -> Option<(Acquisition, usize)> {
        let start = text.len() - text.trim_start().len();
        let mut values = serde_json::Deserializer::from_str(&text[start..]).into_iter::<AcquisitionRecord>();
        let record = values.next()?.ok()?;
        Some((super::super::convert::acquisition_from_wire(&record, strings), start + values.byte_offset()))
    }

    /// A pool holding some of the strings records name, so that both found and new strings are interned.
    fn seeded() -> Interner {
        let mut strings = Interner::default();
        for text in ["DEU", "src-1", "missile", "s"] {
            strings.intern(text);
        }
        strings
    }

    fn same_strings(a: &Interner, b: &Interner) -> bool {
        a.len() == b.len() && (0..a.len()).all(|index| a.resolve_index(index) == b.resolve_index(index))
    }

    /// Either read as serde and `convert` read it, interning the same strings in the same order, or left
    /// to serde with nothing interned; never a record serde would refuse.
    fn agrees(text: &str) -> bool {
        let (mut here, mut there) = (seeded(), seeded());
        match read(text, 0, &mut here) {
            Some(read) => through_serde(text, &mut there) == Some(read) && same_strings(&here, &there),
            None => same_strings(&here, &there),
        }
    }

    fn read_here(text: &str) -> bool {
        read(text, 0, &mut seeded()).is_some()
    }

    /// The lines of acquisitions the app writes.
    fn written_lines(dataset: &crate::model::Dataset) -> Vec<String> {
        dataset
            .acquisitions
            .iter()
            .map(|record| {
                let mut line = Vec::new();
                super::super::acquisition_line::write(&mut line, record, dataset);
                String::from_utf8(line).unwrap()
            })
            .collect()
    }

    #[test]
    fn every_record_the_app_writes_is_read_as_serde_reads_it() {
        let text = crate::synthetic::dataset_json(3_000, 5);
        // Every optional field filled somewhere: supplier, commitment, notes.
        let (head, acquisitions) = text.split_at(text.find("\"acquisitions\"").unwrap());
        let more = r#""supplier": "sup", "commitment": "c-1", "notes": "n", "confidence": ""#;
        let text = format!("{head}{}", acquisitions.replace(r#""confidence": ""#, more));
        let synthetic = crate::io::json::from_str(&text, "synthetic").unwrap();
        for dataset in [synthetic, crate::io::default_dataset()] {
            for line in written_lines(&dataset) {
                assert!(read_here(&line) || line.contains('\\'), "only escapes are left to serde: {line}");
                assert!(agrees(&line), "{line}");
            }
        }
    }

    #[test]
    fn unusual_records_are_read_as_serde_reads_them_or_left_to_it() {
        let usual = r#"{"id": "a-1", "system": "Patriot", "category": "air defence", "buyers": ["DEU", "NLD"], "stage": "contracted", "quantity": {"count": 1000, "unit": "missile", "qualifier": "up_to"}, "value": {"amount": 5.6e9, "currency": "EUR", "qualifier": "exact", "price_year": 2024}, "date": "2024-01-03", "deliveries": [{"date": "2025", "count": 3, "sources": ["s"]}], "sources": ["s"], "confidence": "high"}"#;
        assert!(read_here(usual) && agrees(usual), "the usual record is read here");
        let usual_layouts = [
            // Layout: white space anywhere, fields in another order, empty lists and objects.
            "  {\n\t\"confidence\" :\"low\" , \"stage\":\"planned\",\"category\":\"c\",\"system\":\"s\",\"id\":\"i\"\r\n}",
            r#"{"id": "i", "system": "s", "category": "c", "stage": "planned", "confidence": "low", "buyers": [], "quantity": {}, "deliveries": [{}]}"#,
            // Empty texts: an empty note is no note, empty words of a quantity are kept.
            r#"{"id": "", "system": "s", "category": "c", "stage": "planned", "confidence": "low", "notes": "", "quantity": {"text": ""}}"#,
            // Every field a new string, in an order of their own.
            r#"{"sources": ["n1"], "commitment": "n2", "parent": "n3", "deliveries": [{"sources": ["n4", "DEU"]}], "quantity": {"unit": "n5"}, "supplier": "n6", "agency": "n7", "recipient": "n8", "buyers": ["n9", "n10"], "category": "n11", "system": "n12", "id": "n13", "stage": "planned", "confidence": "low"}"#,
            // Keys in the written order, then one out of it, then in order again; a key that starts like
            // another ("deliver…"); a key after white space where the order expects it.
            r#"{"id": "i", "system": "s", "confidence": "low", "category": "c", "stage": "planned", "delivery": "2025", "deliveries": []}"#,
            "{\"id\": \"i\",\n  \"system\": \"s\", \"category\"\t: \"c\", \"stage\": \"planned\", \"confidence\": \"low\"}",
        ];
        for text in usual_layouts {
            assert!(read_here(text) && agrees(text), "{text}");
        }
        let unusual = [
            // Refused by serde: a field twice, unknown, missing, null where a value is needed, a wrong word.
            r#"{"id": "i", "id": "j", "system": "s", "category": "c", "stage": "planned", "confidence": "low"}"#,
            r#"{"id": "i", "system": "s", "category": "c", "stage": "planned", "confidence": "low", "extra": 1}"#,
            r#"{"id": "i", "system": "s", "stage": "planned", "confidence": "low"}"#,
            r#"{"id": "i", "system": "s", "category": "c", "stage": "planned", "confidence": "low", "buyers": null}"#,
            r#"{"id": "i", "system": "s", "category": "c", "stage": "Planned", "confidence": "low"}"#,
            r#"{"id": "i", "system": "s", "category": "c", "stage": "planned", "confidence": "low", "date": "2024-13"}"#,
            r#"{"id": "i", "system": "s", "category": "c", "stage": "planned", "confidence": "low", "buyers": [], "buyers": []}"#,
            // A key twice where the written order has it once; a key the order expects, written with an
            // escape; a key that starts like an expected one.
            r#"{"id": "i", "system": "s", "system": "t", "category": "c", "stage": "planned", "confidence": "low"}"#,
            r#"{"i\u0064": "i", "system": "s", "category": "c", "stage": "planned", "confidence": "low"}"#,
            r#"{"identity": "i", "system": "s", "category": "c", "stage": "planned", "confidence": "low"}"#,
            // Accepted by serde, left to it here: null for an absent value, escapes.
            r#"{"id": "i", "system": "s", "category": "c", "stage": "planned", "confidence": "low", "recipient": null}"#,
            r#"{"id": "i\u00e9\n", "system": "s", "category": "c", "stage": "planned", "confidence": "low"}"#,
        ];
        for text in unusual {
            assert!(agrees(text), "{text}");
        }
        let numbers = [
            "0",
            "7",
            "01",
            "-1",
            "1.0",
            "1e3",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
        ];
        for count in numbers {
            let text = usual.replace("\"count\": 1000", &format!("\"count\": {count}"));
            assert!(agrees(&text), "{text}");
        }
        let amounts =
            ["0", "-0", "-0.0", "1e400", "-1e400", "5e-324", "1E5", "+1", ".5", "1.", "0.1e-2", "01.5", "2.5-1"];
        for amount in amounts.into_iter().chain(numbers) {
            let text = usual.replace("5.6e9", amount);
            assert!(agrees(&text), "{text}");
        }
        for year in ["-0", "-1", "- 1", "32767", "-32768", "32768", "1.5", "-", "+5"] {
            let text = usual.replace("2024}", &format!("{year}}}"));
            assert!(agrees(&text), "{text}");
        }
    }

    #[test]
    fn a_plain_string_ends_at_its_first_quote_backslash_or_control_character() {
        for length in 0..40 {
            for end in [b'"', b'\\', b'\n', 0, 0x1f] {
                // Bytes around the ones that end a string, and a multi-byte character, before it.
                let mut bytes: Vec<u8> = "é !#[\x7f~ ".bytes().cycle().take(length).collect();
                bytes.push(end);
                bytes.extend_from_slice(b"\"\\ more");
                assert_eq!(plain_length(&bytes), Some(length), "{bytes:?}");
            }
        }
        assert_eq!(plain_length(b"no end in sight"), None);
    }

    proptest! {
        /// A written line with a byte of JSON's punctuation put in, or a byte taken out, somewhere.
        #[test]
        fn a_damaged_line_is_read_as_serde_reads_it_or_left_to_it(
            record in 0..40usize,
            place in 0..1000usize,
            insert in proptest::option::of(prop::sample::select(b" \"\\{}[]:,-.0123e\nnul".to_vec())),
        ) {
            let dataset = crate::io::default_dataset();
            let lines = written_lines(&dataset);
            let mut line = lines[record % lines.len()].clone().into_bytes();
            let at = place % line.len();
            match insert {
                Some(byte) => line.insert(at, byte),
                None => { line.remove(at); }
            }
            if let Ok(text) = String::from_utf8(line) {
                prop_assert!(agrees(&text), "{}", text);
            }
        }
    }
}
