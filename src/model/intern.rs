//! Interned strings: one copy of each repeated value (ids, countries, systems, categories, units) for a
//! whole dataset, so that a million acquisitions hold 4-byte symbols instead of a `String` per field.
//!
//! The strings sit end to end in one buffer and the lookup table holds only symbols (4 bytes a slot),
//! hashing the text again when the table grows: a million distinct ids cost their bytes plus about
//! 16 bytes each, where a map of `Arc<str>` cost over 100 (an allocation, a vector slot and a map entry).
//! Hand-written rather than taken from a crate: it is a buffer and a `hashbrown` table, and the
//! candidates (`lasso`, `string-interner`) bring arenas and unsafe code for gains this app does not need.

use std::hash::BuildHasher;
use std::num::NonZeroU32;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// A handle to a string in an [`Interner`]. `Option<Symbol>` is as small as `Symbol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(NonZeroU32);

impl Symbol {
    /// The position of the string in its interner, for dense per-symbol arrays.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }

    fn at(index: usize) -> Symbol {
        let position = u32::try_from(index + 1).expect("fewer than 4 billion distinct strings");
        Symbol(NonZeroU32::new(position).expect("position starts at 1"))
    }
}

/// The string pool of a dataset. Symbols are only meaningful for the pool that made them.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    /// Every string, end to end.
    text: String,
    /// Where each string ends in `text`; it starts where the one before it ends.
    ends: Vec<usize>,
    lookup: HashTable<Symbol>,
}

impl Interner {
    /// The symbol for `text`, adding it to the pool if it is new.
    pub fn intern(&mut self, text: &str) -> Symbol {
        let hash = FxBuildHasher.hash_one(text);
        let Interner { text: pool, ends, lookup } = self;
        let resolve = |symbol: &Symbol| string_at(pool, ends, symbol.index());
        if let Some(&symbol) = lookup.find(hash, |symbol| resolve(symbol) == text) {
            return symbol;
        }
        let symbol = Symbol::at(ends.len());
        lookup.insert_unique(hash, symbol, |symbol| FxBuildHasher.hash_one(string_at(pool, ends, symbol.index())));
        pool.push_str(text);
        ends.push(pool.len());
        symbol
    }

    /// Makes room for `additional` more strings, so that a load of a known size does not grow the table
    /// (rehashing every string each time) again and again.
    pub fn reserve(&mut self, additional: usize) {
        let Interner { text, ends, lookup } = self;
        lookup.reserve(additional, |symbol| FxBuildHasher.hash_one(string_at(text, ends, symbol.index())));
        ends.reserve(additional);
    }

    /// The symbol for `text` if the pool has it; never adds.
    pub fn get(&self, text: &str) -> Option<Symbol> {
        let hash = FxBuildHasher.hash_one(text);
        self.lookup.find(hash, |symbol| self.resolve(*symbol) == text).copied()
    }

    /// The text of a symbol. A symbol from another pool resolves to an empty string, never a panic.
    pub fn resolve(&self, symbol: Symbol) -> &str {
        self.resolve_index(symbol.index())
    }

    /// The text at a position of the pool (a symbol's [`Symbol::index`]); empty past the end.
    pub fn resolve_index(&self, index: usize) -> &str {
        string_at(&self.text, &self.ends, index)
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

fn string_at<'a>(text: &'a str, ends: &[usize], index: usize) -> &'a str {
    let Some(&end) = ends.get(index) else {
        return "";
    };
    let start = if index == 0 { 0 } else { ends[index - 1] };
    text.get(start..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_twice_gives_the_same_symbol() {
        let mut pool = Interner::default();
        let a = pool.intern("DEU");
        let b = pool.intern("NLD");
        assert_ne!(a, b);
        assert_eq!(pool.intern("DEU"), a);
        assert_eq!(pool.resolve(b), "NLD");
        assert_eq!(pool.len(), 2);
        assert_eq!(pool.get("ROU"), None);
    }

    #[test]
    fn many_strings_survive_the_table_growing() {
        let mut pool = Interner::default();
        let symbols: Vec<Symbol> = (0..20_000).map(|i| pool.intern(&format!("acq-{i}"))).collect();
        assert_eq!(pool.len(), 20_000);
        for (i, symbol) in symbols.iter().enumerate() {
            assert_eq!(pool.resolve(*symbol), format!("acq-{i}"));
            assert_eq!(pool.intern(&format!("acq-{i}")), *symbol);
            assert_eq!(pool.get(&format!("acq-{i}")), Some(*symbol));
        }
        assert_eq!(pool.intern(""), Symbol::at(20_000), "the empty string is a string like any other");
        assert_eq!(pool.resolve(Symbol::at(20_000)), "");
    }

    #[test]
    fn a_foreign_symbol_resolves_to_empty() {
        let mut big = Interner::default();
        for i in 0..10 {
            big.intern(&i.to_string());
        }
        let foreign = big.intern("x");
        assert_eq!(Interner::default().resolve(foreign), "");
    }
}
