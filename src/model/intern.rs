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
use std::sync::Arc;

use hashbrown::HashTable;
use rayon::prelude::*;
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

/// A set of an interner's symbols, one bit per string: marking the ids a million records name costs a few
/// hundred KB and no sorting.
#[derive(Clone, Debug)]
pub struct SymbolSet(fixedbitset::FixedBitSet);

impl SymbolSet {
    /// An empty set for the symbols of `strings`.
    pub fn for_strings(strings: &Interner) -> SymbolSet {
        SymbolSet(fixedbitset::FixedBitSet::with_capacity(strings.len()))
    }

    /// Adds `symbol`; a symbol of strings added after the set was made is ignored.
    pub fn insert(&mut self, symbol: Symbol) {
        if symbol.index() < self.0.len() {
            self.0.insert(symbol.index());
        }
    }

    pub fn contains(&self, symbol: Symbol) -> bool {
        self.0.contains(symbol.index())
    }

    /// The symbols in the set, in the order of their strings.
    pub fn iter(&self) -> impl Iterator<Item = Symbol> + '_ {
        self.0.ones().map(Symbol::at)
    }
}

/// The string pool of a dataset. Symbols are only meaningful for the pool that made them.
///
/// A copy is cheap: the strings held when the pool was last settled are shared by every copy (`settled`),
/// and a copy adds its own strings after them (`fresh`), so that an edit interning a new name while a
/// worker holds the dataset does not copy a million ids. The fresh strings are moved into the settled ones
/// once they are many, or whenever no copy shares them (then they go there directly).
#[derive(Clone, Debug, Default)]
pub struct Interner {
    settled: Arc<Pool>,
    /// Strings added while `settled` was shared; their symbols come after the settled ones.
    fresh: Pool,
}

/// Strings end to end, with a table to find them.
#[derive(Clone, Debug, Default)]
struct Pool {
    /// Every string, end to end.
    text: String,
    /// Where each string ends in `text`; it starts where the one before it ends.
    ends: Vec<usize>,
    /// Symbols by the hash of their text (numbered from `first`).
    lookup: HashTable<Symbol>,
    /// The index of this pool's first string among all of the interner's.
    first: usize,
}

/// Fresh strings are settled once there are this many and more than a sixteenth of the settled ones:
/// the copy of the settled strings that this may take is then paid for by as many new strings.
const SETTLE_AT: usize = 4096;

impl Interner {
    /// The symbol for `text`, adding it to the pool if it is new.
    pub fn intern(&mut self, text: &str) -> Symbol {
        let hash = FxBuildHasher.hash_one(text);
        if self.fresh.ends.is_empty()
            && let Some(settled) = Arc::get_mut(&mut self.settled)
        {
            let symbol = settled.intern(text, hash);
            self.fresh.first = settled.len();
            return symbol;
        }
        if let Some(symbol) = self.settled.find(text, hash) {
            return symbol;
        }
        let symbol = self.fresh.intern(text, hash);
        if self.fresh.ends.len() >= SETTLE_AT.max(self.settled.ends.len() / 16) {
            self.settle();
        }
        symbol
    }

    /// Moves the fresh strings into the settled ones (copying those if a copy of the pool shares them).
    fn settle(&mut self) {
        let fresh = std::mem::take(&mut self.fresh);
        let settled = Arc::make_mut(&mut self.settled);
        settled.reserve(fresh.ends.len());
        for index in 0..fresh.ends.len() {
            let text = string_at(&fresh.text, &fresh.ends, index);
            settled.intern(text, FxBuildHasher.hash_one(text));
        }
        self.fresh.first = settled.len();
    }

    /// Makes room for `additional` more strings, so that a load of a known size does not grow the table
    /// (rehashing every string each time) again and again.
    pub fn reserve(&mut self, additional: usize) {
        if !self.fresh.ends.is_empty() {
            self.settle();
        }
        Arc::make_mut(&mut self.settled).reserve(additional);
    }

    /// The symbol in this pool of each string of `other`, in `other`'s order, adding the strings it lacks
    /// in that order: what interning them one by one gives. The look-ups run on all cores; the strings
    /// new to the pool are then added one after another, their hash already known.
    pub fn intern_all(&mut self, other: &Interner) -> Vec<Symbol> {
        self.reserve(other.len());
        let settled = Arc::make_mut(&mut self.settled);
        let pool: &Pool = settled;
        let found: Vec<(u64, Option<Symbol>)> = (0..other.len())
            .into_par_iter()
            .map(|index| {
                let text = other.resolve_index(index);
                let hash = FxBuildHasher.hash_one(text);
                (hash, pool.find(text, hash))
            })
            .collect();
        // The strings of one pool are distinct, so each one not found is added once.
        let symbols = found
            .into_iter()
            .enumerate()
            .map(|(index, (hash, symbol))| symbol.unwrap_or_else(|| settled.add(other.resolve_index(index), hash)));
        let symbols = symbols.collect();
        self.fresh.first = self.settled.len();
        symbols
    }

    /// The symbol for `text` if the pool has it; never adds.
    pub fn get(&self, text: &str) -> Option<Symbol> {
        let hash = FxBuildHasher.hash_one(text);
        self.settled.find(text, hash).or_else(|| self.fresh.find(text, hash))
    }

    /// The text of a symbol. A symbol from another pool resolves to an empty string, never a panic.
    pub fn resolve(&self, symbol: Symbol) -> &str {
        self.resolve_index(symbol.index())
    }

    /// The text at a position of the pool (a symbol's [`Symbol::index`]); empty past the end.
    pub fn resolve_index(&self, index: usize) -> &str {
        match index.checked_sub(self.settled.ends.len()) {
            None => string_at(&self.settled.text, &self.settled.ends, index),
            Some(fresh) => string_at(&self.fresh.text, &self.fresh.ends, fresh),
        }
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.settled.len() + self.fresh.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Pool {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn find(&self, text: &str, hash: u64) -> Option<Symbol> {
        let Pool { text: pool, ends, lookup, first } = self;
        lookup.find(hash, |symbol| string_at(pool, ends, symbol.index() - first) == text).copied()
    }

    fn intern(&mut self, text: &str, hash: u64) -> Symbol {
        match self.find(text, hash) {
            Some(symbol) => symbol,
            None => self.add(text, hash),
        }
    }

    /// Adds `text`, which the pool does not hold.
    fn add(&mut self, text: &str, hash: u64) -> Symbol {
        let Pool { text: pool, ends, lookup, first } = self;
        let symbol = Symbol::at(*first + ends.len());
        let rehash = |symbol: &Symbol| FxBuildHasher.hash_one(string_at(pool, ends, symbol.index() - *first));
        lookup.insert_unique(hash, symbol, rehash);
        pool.push_str(text);
        ends.push(pool.len());
        symbol
    }

    fn reserve(&mut self, additional: usize) {
        let Pool { text, ends, lookup, first } = self;
        lookup.reserve(additional, |symbol| FxBuildHasher.hash_one(string_at(text, ends, symbol.index() - *first)));
        ends.reserve(additional);
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
    fn interning_a_whole_pool_is_interning_its_strings_one_by_one() {
        let mut other = Interner::default();
        let texts: Vec<String> = (0..3_000).map(|i| format!("s-{}", i % 2_000 * 3)).collect();
        for text in &texts {
            other.intern(text);
        }
        let mut start = Interner::default();
        for i in 0..5_000 {
            start.intern(&format!("s-{i}"));
        }
        let copy = start.clone();
        start.intern("fresh, while shared");
        let mut one_by_one = start.clone();
        let expected: Vec<Symbol> = (0..other.len()).map(|i| one_by_one.intern(other.resolve_index(i))).collect();
        assert_eq!(start.intern_all(&other), expected);
        assert_eq!(start.len(), one_by_one.len());
        assert!((0..start.len()).all(|i| start.resolve_index(i) == one_by_one.resolve_index(i)));
        assert_eq!(start.intern("after"), one_by_one.intern("after"), "interning goes on from there");
        assert_eq!(copy.len(), 5_000, "the copy is apart");
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

    #[test]
    fn a_copy_shares_the_strings_and_grows_on_its_own() {
        let mut pool = Interner::default();
        let old: Vec<Symbol> = (0..10_000).map(|i| pool.intern(&format!("id-{i}"))).collect();
        let copy = pool.clone();
        assert!(Arc::ptr_eq(&pool.settled, &copy.settled), "the copy shares the settled strings");
        let new = pool.intern("new");
        assert!(Arc::ptr_eq(&pool.settled, &copy.settled), "a new string while shared is fresh");
        assert_eq!(pool.intern("id-5"), old[5]);
        assert_eq!((pool.resolve(new), pool.get("new")), ("new", Some(new)));
        assert_eq!((copy.get("new"), copy.resolve(new)), (None, ""), "the copy does not see it");
        // Enough fresh strings are settled into a copy of their own; every symbol keeps its text.
        let more: Vec<Symbol> = (0..5_000).map(|i| pool.intern(&format!("more-{i}"))).collect();
        assert!(!Arc::ptr_eq(&pool.settled, &copy.settled));
        assert_eq!(pool.len(), 15_001);
        for (i, symbol) in more.iter().enumerate() {
            assert_eq!(pool.resolve(*symbol), format!("more-{i}"));
            assert_eq!(pool.get(&format!("more-{i}")), Some(*symbol));
        }
        assert_eq!((pool.resolve(new), pool.resolve(old[9_999])), ("new", "id-9999"));
        assert_eq!(copy.len(), 10_000);
    }
}
