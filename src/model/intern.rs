//! Interned strings: one copy of each repeated value (ids, countries, systems, categories, units) for a
//! whole dataset, so that a million acquisitions hold 4-byte symbols instead of a `String` per field.
//!
//! Hand-written rather than taken from a crate: it is a map and a vector, and the candidates (`lasso`,
//! `string-interner`) bring arenas and unsafe code for gains this app does not need.

use std::num::NonZeroU32;
use std::sync::Arc;

/// A handle to a string in an [`Interner`]. `Option<Symbol>` is as small as `Symbol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(NonZeroU32);

impl Symbol {
    /// The position of the string in its interner, for dense per-symbol arrays.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// The string pool of a dataset. Symbols are only meaningful for the pool that made them.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    lookup: rustc_hash::FxHashMap<Arc<str>, Symbol>,
    strings: Vec<Arc<str>>,
}

impl Interner {
    /// The symbol for `text`, adding it to the pool if it is new.
    pub fn intern(&mut self, text: &str) -> Symbol {
        if let Some(&symbol) = self.lookup.get(text) {
            return symbol;
        }
        let shared: Arc<str> = Arc::from(text);
        let position = u32::try_from(self.strings.len() + 1).expect("fewer than 4 billion distinct strings");
        let symbol = Symbol(NonZeroU32::new(position).expect("position starts at 1"));
        self.strings.push(shared.clone());
        self.lookup.insert(shared, symbol);
        symbol
    }

    /// The symbol for `text` if the pool has it; never adds.
    pub fn get(&self, text: &str) -> Option<Symbol> {
        self.lookup.get(text).copied()
    }

    /// The text of a symbol. A symbol from another pool resolves to an empty string, never a panic.
    pub fn resolve(&self, symbol: Symbol) -> &str {
        self.strings.get(symbol.index()).map_or("", |text| text)
    }

    /// The text at a position of the pool (a symbol's [`Symbol::index`]); empty past the end.
    pub fn resolve_index(&self, index: usize) -> &str {
        self.strings.get(index).map_or("", |text| text)
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
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
    fn a_foreign_symbol_resolves_to_empty() {
        let mut big = Interner::default();
        for i in 0..10 {
            big.intern(&i.to_string());
        }
        let foreign = big.intern("x");
        assert_eq!(Interner::default().resolve(foreign), "");
    }
}
