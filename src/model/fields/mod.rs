//! The field table of each collection: the one place a field is described. Its stable key (the name in
//! JSON and CSV files, in settings and mappings), its label, its kind, how it is written as text and read
//! back, how it displays in a table, what it sorts by, and whether a table cell may edit it.
//!
//! CSV import and export, the table columns and their sorting, the record editor and the report tables
//! all iterate these tables; adding a field to a collection is one entry in its table plus the struct
//! field. Compound values are flat parts (`quantity`, `quantity_qualifier`, `quantity_unit`…), read in
//! table order, so a part can rely on the parts before it (a currency needs its amount).

mod tables;

use std::ops::Deref;

use super::{Collection, Currency, Dataset, FuzzyDate, Interner, Record, Symbol, Vocabulary};

/// What a field holds: how its text is checked and which widget edits it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// The record's id: required, unique.
    Id,
    /// Free text on one line.
    Text,
    /// Free text over several lines (notes, descriptions).
    LongText,
    /// A word many records repeat (a system, a category, a unit), held once in the string pool.
    Word,
    /// One of a closed list: (file name, label) pairs.
    Vocabulary(&'static [(&'static str, &'static str)]),
    /// An EDTF date.
    Date,
    /// The count of a quantity: a whole number of zero or more.
    Count,
    /// The amount of a sum of money.
    Amount,
    /// An ISO 4217 code.
    Currency,
    /// A year (the price year of a sum).
    Year,
    /// The id of a record of a collection.
    Reference(Collection),
    /// Ids of records of a collection, separated by `;`.
    References(Collection),
    /// Ids of records of any collection, separated by `;`.
    AnyReferences,
    /// Deliveries of an order: `2024:12; 2025:30?` ([`super::parse_deliveries`]).
    Deliveries,
}

/// The separator of ids in a list field's text.
pub const LIST_SEPARATOR: char = ';';

/// A field's text, parsed by its kind; text borrows from the cell it was read from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    Empty,
    Text(&'a str),
    Word(usize),
    Date(FuzzyDate),
    Count(u64),
    Amount(f64),
    Currency(Currency),
    Year(i16),
}

impl<'a> Value<'a> {
    /// The text, empty for anything else.
    pub fn text(self) -> &'a str {
        if let Value::Text(text) = self { text } else { "" }
    }

    /// The text interned, None when empty.
    pub fn symbol(self, strings: &mut Interner) -> Option<Symbol> {
        match self {
            Value::Text(text) => Some(strings.intern(text)),
            _ => None,
        }
    }

    /// Each id of a list, interned.
    pub fn symbols<List: FromIterator<Symbol>>(self, strings: &mut Interner) -> List {
        self.text()
            .split(LIST_SEPARATOR)
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| strings.intern(item))
            .collect()
    }

    pub fn word<T: Vocabulary>(self) -> Option<T> {
        match self {
            Value::Word(position) => T::ALL.get(position).copied(),
            _ => None,
        }
    }

    pub fn date(self) -> Option<FuzzyDate> {
        if let Value::Date(date) = self { Some(date) } else { None }
    }

    pub fn count(self) -> Option<u64> {
        if let Value::Count(count) = self { Some(count) } else { None }
    }

    pub fn amount(self) -> Option<f64> {
        if let Value::Amount(amount) = self { Some(amount) } else { None }
    }

    pub fn currency(self) -> Option<Currency> {
        if let Value::Currency(currency) = self { Some(currency) } else { None }
    }

    pub fn year(self) -> Option<i16> {
        if let Value::Year(year) = self { Some(year) } else { None }
    }

    /// Free text as a record keeps it: None when empty.
    pub fn boxed(self) -> Option<Box<str>> {
        match self {
            Value::Text(text) => Some(text.into()),
            _ => None,
        }
    }
}

/// `text` without surrounding white space. Most cells have none: telling so from their first and last
/// bytes skips the search for Unicode spaces (a twentieth of a CSV import's time).
pub fn trim(text: &str) -> &str {
    let bare = |byte: Option<&u8>| byte.is_none_or(u8::is_ascii_graphic);
    if bare(text.as_bytes().first()) && bare(text.as_bytes().last()) { text } else { text.trim() }
}

impl Kind {
    /// Reads a field's text: surrounding spaces are ignored, an empty text is [`Value::Empty`].
    pub fn parse(self, text: &str) -> Result<Value<'_>, String> {
        let text = trim(text);
        if text.is_empty() {
            return Ok(Value::Empty);
        }
        // Thousands separators ("1,000") go; a number without them is read where it is, with no copy.
        fn number(text: &str) -> std::borrow::Cow<'_, str> {
            if text.contains(',') { text.replace(',', "").into() } else { text.into() }
        }
        match self {
            Kind::Id
            | Kind::Text
            | Kind::LongText
            | Kind::Word
            | Kind::Reference(_)
            | Kind::References(_)
            | Kind::AnyReferences
            | Kind::Deliveries => Ok(Value::Text(text)),
            Kind::Vocabulary(choices) => vocabulary_position(choices, text).map(Value::Word).ok_or_else(|| {
                let words: Vec<&str> = choices.iter().map(|(_, label)| *label).collect();
                format!("`{text}` is not one of: {}", words.join(", "))
            }),
            Kind::Date => FuzzyDate::parse(text).map(Value::Date).map_err(|error| error.to_string()),
            Kind::Count => number(text)
                .parse()
                .map(Value::Count)
                .map_err(|_| format!("`{text}` is not a whole number of zero or more")),
            Kind::Amount => number(text).parse().map(Value::Amount).map_err(|_| format!("`{text}` is not a number")),
            Kind::Currency => Currency::parse(text)
                .map(Value::Currency)
                .ok_or_else(|| format!("`{text}` is not a currency code (three capital letters, e.g. EUR)")),
            Kind::Year => text.parse().map(Value::Year).map_err(|_| format!("`{text}` is not a year")),
        }
    }

    /// The collection whose ids the field holds, if it is a reference.
    pub fn target(self) -> Option<Collection> {
        match self {
            Kind::Reference(target) | Kind::References(target) => Some(target),
            _ => None,
        }
    }

    /// True when the field holds several ids.
    pub fn is_list(self) -> bool {
        matches!(self, Kind::References(_) | Kind::AnyReferences)
    }
}

/// A vocabulary value by its file name ("up_to"), its label ("up to"), or either in other case and with
/// spaces or hyphens ("Up-To").
fn vocabulary_position(choices: &[(&str, &str)], text: &str) -> Option<usize> {
    if let Some(position) = choices.iter().position(|(key, _)| *key == text) {
        return Some(position);
    }
    let normal = |word: &str| word.to_lowercase().replace([' ', '-'], "_");
    let wanted = normal(text);
    choices.iter().position(|(key, label)| *key == wanted || normal(label) == wanted)
}

/// What a table sorts a field by. Records without a value come last, whichever the direction.
#[derive(Clone, Debug, PartialEq)]
pub enum SortKey {
    Missing,
    Number(f64),
    /// Ranked by the symbol's text, once per sort.
    Symbol(Symbol),
    Text(String),
}

/// What every field says about itself, whatever its collection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    /// The name in files, settings and mappings; never changes.
    pub key: &'static str,
    /// The name readers see: table headers, the record editor, reports.
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// The initial width of its table column; None when the tables leave it out (a part the column of its
    /// whole shows, or a long text the record editor shows).
    pub column: Option<f32>,
    /// True when a table cell may edit it in place (a simple value on one line).
    pub cell_edit: bool,
}

/// One field of records of type `R`: its [`Spec`] and how to reach it in a record.
pub struct Field<R: 'static> {
    pub spec: Spec,
    /// Appends the field's text as files hold it (ids, file names of vocabulary words, EDTF).
    pub write: fn(&R, &Dataset, &mut String),
    /// Sets the field from its parsed text; fails when it conflicts with parts read before it.
    pub read: fn(&mut R, Value<'_>, &mut Interner) -> Result<(), String>,
    /// The text a table cell shows; None shows the file text.
    pub display: Option<fn(&R, &Dataset) -> String>,
    /// What the column sorts by; None sorts by the shown text, ignoring case.
    pub sort: Option<fn(&R, &Dataset) -> SortKey>,
}

// Not derived: a derive would ask `R: Copy`, and only the functions are copied.
impl<R> Clone for Field<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Field<R> {}

impl<R> Deref for Field<R> {
    type Target = Spec;

    fn deref(&self) -> &Spec {
        &self.spec
    }
}

impl<R> Field<R> {
    pub const fn new(
        key: &'static str,
        label: &'static str,
        kind: Kind,
        write: fn(&R, &Dataset, &mut String),
        read: fn(&mut R, Value<'_>, &mut Interner) -> Result<(), String>,
    ) -> Self {
        let required = matches!(kind, Kind::Id);
        let spec = Spec { key, label, kind, required, column: None, cell_edit: false };
        Field { spec, write, read, display: None, sort: None }
    }

    /// Shown in the tables, in a column this wide at first.
    pub const fn column(mut self, width: f32) -> Self {
        self.spec.column = Some(width);
        self
    }

    /// A table cell may edit it.
    pub const fn cell_edit(mut self) -> Self {
        self.spec.cell_edit = true;
        self
    }

    pub const fn required(mut self) -> Self {
        self.spec.required = true;
        self
    }

    pub const fn display(mut self, display: fn(&R, &Dataset) -> String) -> Self {
        self.display = Some(display);
        self
    }

    pub const fn sort(mut self, sort: fn(&R, &Dataset) -> SortKey) -> Self {
        self.sort = Some(sort);
        self
    }

    /// The field's text as files hold it.
    pub fn text(&self, record: &R, dataset: &Dataset) -> String {
        let mut text = String::new();
        (self.write)(record, dataset, &mut text);
        text
    }

    /// The field's text as a table shows it.
    pub fn shown(&self, record: &R, dataset: &Dataset) -> String {
        match self.display {
            Some(display) => display(record, dataset),
            None => self.text(record, dataset),
        }
    }

    pub fn sort_key(&self, record: &R, dataset: &Dataset) -> SortKey {
        match self.sort {
            Some(sort) => sort(record, dataset),
            None => {
                let text = self.shown(record, dataset);
                if text.is_empty() { SortKey::Missing } else { SortKey::Text(text.to_lowercase()) }
            }
        }
    }
}

/// A record type with a field table.
pub trait Table: Clone + Sized + super::Columnar + 'static {
    const COLLECTION: Collection;
    /// Its fields in file order; the first is the id.
    const FIELDS: &'static [Field<Self>];

    /// A record with this id and every other field empty or at its first value.
    fn blank(id: Symbol) -> Self;
    fn id(&self) -> Symbol;

    /// True when this record is the same as `other`, a record of another dataset whose pool has the text
    /// of each of this one's symbols `s` at `translate[s.index()]`; false when it is not, or when that is
    /// not known quickly (the fields are then compared by their text).
    fn same_across(&self, _other: &Self, _translate: &[Option<Symbol>]) -> bool {
        false
    }

    fn all(dataset: &Dataset) -> &crate::model::Records<Self>;
    fn into_record(self) -> Record;
}

/// Runs `$body` with `$T` standing for the record type of `$collection`.
macro_rules! per_collection {
    ($collection:expr, $T:ident => $body:expr) => {
        match $collection {
            $crate::model::Collection::Actors => {
                type $T = $crate::model::Actor;
                $body
            }
            $crate::model::Collection::Sources => {
                type $T = $crate::model::Source;
                $body
            }
            $crate::model::Collection::Events => {
                type $T = $crate::model::Event;
                $body
            }
            $crate::model::Collection::Commitments => {
                type $T = $crate::model::Commitment;
                $body
            }
            $crate::model::Collection::Acquisitions => {
                type $T = $crate::model::Acquisition;
                $body
            }
        }
    };
}
pub(crate) use per_collection;

/// The fields of a collection, in file order.
pub fn specs(collection: Collection) -> Vec<&'static Spec> {
    per_collection!(collection, T => T::FIELDS.iter().map(|field| &field.spec).collect())
}

/// The position of the field with this key.
pub fn position(collection: Collection, key: &str) -> Option<usize> {
    per_collection!(collection, T => T::FIELDS.iter().position(|field| field.key == key))
}

/// The field with this key.
pub fn spec(collection: Collection, key: &str) -> Option<&'static Spec> {
    per_collection!(collection, T => T::FIELDS.iter().find(|field| field.key == key).map(|field| &field.spec))
}

/// The fields a table shows, in order.
pub fn columns(collection: Collection) -> Vec<&'static Spec> {
    specs(collection).into_iter().filter(|spec| spec.column.is_some()).collect()
}

/// The file text of every field of one record (empty when there is no such record).
pub fn texts(dataset: &Dataset, collection: Collection, index: usize) -> Vec<String> {
    per_collection!(collection, T => match T::all(dataset).get(index) {
        Some(record) => T::FIELDS.iter().map(|field| field.text(record, dataset)).collect(),
        None => Vec::new(),
    })
}

/// The file text of one field of one record.
pub fn text(dataset: &Dataset, collection: Collection, index: usize, key: &str) -> String {
    per_collection!(collection, T => {
        let field = T::FIELDS.iter().find(|field| field.key == key);
        match (field, T::all(dataset).get(index)) {
            (Some(field), Some(record)) => field.text(record, dataset),
            _ => String::new(),
        }
    })
}

/// What a table cell shows of one field of one record.
pub fn shown(dataset: &Dataset, collection: Collection, index: usize, key: &str) -> String {
    per_collection!(collection, T => {
        let field = T::FIELDS.iter().find(|field| field.key == key);
        match (field, T::all(dataset).get(index)) {
            (Some(field), Some(record)) => field.shown(record, dataset),
            _ => String::new(),
        }
    })
}

/// What the table cells of one record show, for the given fields.
pub fn shown_row(dataset: &Dataset, collection: Collection, index: usize, columns: &[&Spec]) -> Vec<String> {
    per_collection!(collection, T => {
        let Some(record) = T::all(dataset).get(index) else { return Vec::new() };
        columns
            .iter()
            .map(|spec| {
                T::FIELDS.iter().find(|field| field.key == spec.key).map(|f| f.shown(record, dataset)).unwrap_or_default()
            })
            .collect()
    })
}

/// The sort keys of `rows` by the field `key` (all Missing for an unknown key).
pub fn sort_keys(dataset: &Dataset, collection: Collection, key: &str, rows: &[u32]) -> Vec<SortKey> {
    per_collection!(collection, T => {
        let records = T::all(dataset);
        let field = T::FIELDS.iter().find(|field| field.key == key);
        rows.iter()
            .map(|&row| match (field, records.get(row as usize)) {
                (Some(field), Some(record)) => field.sort_key(record, dataset),
                _ => SortKey::Missing,
            })
            .collect()
    })
}

/// A field that could not be read: its key and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct FieldError {
    pub key: &'static str,
    pub message: String,
}

/// Reads one record from the text of each of its fields, `text(position)` giving the text of the field at
/// that position of the table (empty for a field the source does not have).
pub fn read<'t, R: Table>(text: impl Fn(usize) -> &'t str, strings: &mut Interner) -> Result<R, FieldError> {
    let mut fields = R::FIELDS.iter().enumerate();
    let Some((_, id_field)) = fields.next() else {
        return Err(FieldError { key: "id", message: "the table has no fields".to_owned() });
    };
    let id = parse_field(id_field, text(0))?;
    let mut record = R::blank(strings.intern(id.text()));
    for (position, field) in fields {
        let value = parse_field(field, text(position))?;
        (field.read)(&mut record, value, strings).map_err(|message| FieldError { key: field.key, message })?;
    }
    Ok(record)
}

/// A field's value from its text, or why it cannot be read. Inlined: out of line, its large result went
/// through the stack, where reading it back stalled on every field of every row.
#[inline(always)]
fn parse_field<'t, R>(field: &Field<R>, text: &'t str) -> Result<Value<'t>, FieldError> {
    let error = |message: String| FieldError { key: field.key, message };
    let value = field.kind.parse(text).map_err(error)?;
    if field.required && value == Value::Empty {
        return Err(error("is empty but required".to_owned()));
    }
    Ok(value)
}

/// Reads one record of `collection`, `text(position)` giving the text of the field at that position.
pub fn read_record<'t>(
    collection: Collection,
    text: impl Fn(usize) -> &'t str,
    strings: &mut Interner,
) -> Result<Record, FieldError> {
    per_collection!(collection, T => read::<T>(text, strings).map(T::into_record))
}

/// Reads one record of `collection` from the text of each of its fields in table order, as [`texts`]
/// gives them (the record editor's cells).
pub fn read_texts(collection: Collection, texts: &[String], strings: &mut Interner) -> Result<Record, FieldError> {
    read_record(collection, |position| texts.get(position).map_or("", String::as_str), strings)
}

/// The text of each field of a new record: its id, today for a required date, the first value of a
/// required list, and nothing else.
pub fn blank_texts(collection: Collection, id: &str, today: FuzzyDate) -> Vec<String> {
    per_collection!(collection, T => {
        let mut dataset = Dataset::default();
        let mut record = T::blank(dataset.strings.intern(id));
        for field in &T::FIELDS[1..] {
            let value = if field.required && field.kind == Kind::Date { Value::Date(today) } else { Value::Empty };
            // Empty values and today's date always fit a blank record.
            let _ = (field.read)(&mut record, value, &mut dataset.strings);
        }
        T::FIELDS.iter().map(|field| field.text(&record, &dataset)).collect()
    })
}

#[cfg(test)]
mod tests;
