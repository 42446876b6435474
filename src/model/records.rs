//! A collection's records, stored in shared chunks so that a copy of the dataset is cheap and an edit
//! copies one chunk, not the collection.
//!
//! Background work (table rebuilds, validation, saves) holds the dataset behind an `Arc`; an edit made
//! meanwhile must not disturb it. With a `Vec`, that edit copied every record (200 MB and over 100 ms at
//! a million acquisitions). Here a copy of the collection copies a list of chunk pointers, and writing
//! a record copies only its chunk if another copy still shares it ([`Arc::make_mut`]). Every chunk but the
//! last is full, so a record's place is found by division, as fast as in a `Vec`.

use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::Symbol;

/// Records per chunk: a copy on write moves at most this many (about 180 KB of acquisitions, tens of
/// microseconds), and a million records are a thousand chunks.
const CHUNK: usize = 1 << 10;

/// Records that may name a parent record of their collection (a national order its framework contract).
pub trait Linked {
    fn parent(&self) -> Option<Symbol>;
}

/// Records that keep some of their fields as columns too, for passes that read a few fields of every
/// record: the aggregates read a sixth of what the records hold from memory, and at a million records
/// memory is what they wait for.
pub trait Columnar: Sized {
    type Columns: Send + Sync;

    fn columns(records: &[Self]) -> Self::Columns;
}

/// Consecutive records, with what is derived from them: which name a parent, and their columns. Both
/// are found when first asked and forgotten when the records change: aggregates must know the
/// frameworks among the records before adding any up, and finding them by reading every record took a
/// pass over memory as long as the aggregate's own.
pub struct Chunk<T: Columnar> {
    records: Vec<T>,
    /// (place in the chunk, parent) of each record naming a parent, in order.
    with_parents: OnceLock<Box<[(u16, Symbol)]>>,
    columns: OnceLock<T::Columns>,
}

impl<T: Columnar> Chunk<T> {
    fn new(records: Vec<T>) -> Chunk<T> {
        Chunk { records, with_parents: OnceLock::new(), columns: OnceLock::new() }
    }
}

/// A copy is made to be changed (copy on write): what was derived from the records is not copied.
impl<T: Columnar + Clone> Clone for Chunk<T> {
    fn clone(&self) -> Self {
        Chunk::new(self.records.clone())
    }
}

impl<T: Columnar + Clone> Chunk<T> {
    fn into_records(chunk: Arc<Chunk<T>>) -> Vec<T> {
        Arc::unwrap_or_clone(chunk).records
    }
}

impl<T: Columnar> std::ops::Deref for Chunk<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.records
    }
}

/// The records of one collection, in order.
#[derive(Clone)]
pub struct Records<T: Columnar> {
    /// Every chunk but the last holds exactly `CHUNK` records; none is empty.
    chunks: Vec<Arc<Chunk<T>>>,
    len: usize,
}

impl<T: Columnar> Default for Records<T> {
    fn default() -> Self {
        Records { chunks: Vec::new(), len: 0 }
    }
}

impl<T: Columnar> Records<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    pub fn first(&self) -> Option<&T> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|index| self.get(index))
    }

    pub fn iter(&self) -> Iter<'_, T> {
        Iter { chunks: self.chunks.iter(), front: [].iter(), back: [].iter(), remaining: self.len }
    }

    /// The records as consecutive slices (of up to a thousand records), for work split over the cores.
    pub fn slices(&self) -> impl ExactSizeIterator<Item = &[T]> + Clone {
        self.chunks.iter().map(|chunk| chunk.as_slice())
    }
}

impl<T: Columnar + Linked + Sync + Send> Records<T> {
    /// (index, parent) of every record that names a parent, in order. Each chunk's are found once, on
    /// all cores, and kept until the chunk changes (a copy of the collection keeps what it shares).
    pub fn with_parents(&self) -> impl Iterator<Item = (usize, Symbol)> + '_ {
        self.chunks.par_iter().for_each(|chunk| {
            chunk.with_parents.get_or_init(|| find_parents(&chunk.records));
        });
        self.chunks.iter().enumerate().flat_map(|(at, chunk)| {
            let found = chunk.with_parents.get_or_init(|| find_parents(&chunk.records));
            found.iter().map(move |&(offset, parent)| (at * CHUNK + offset as usize, parent))
        })
    }

    /// Makes what is derived from each chunk's records (its columns and its records with parents) on all
    /// cores, each chunk's at once while its records are in the cache, so that the first aggregate and
    /// the first nesting of the table find them made.
    pub fn make_derived(&self) {
        self.chunks.par_iter().for_each(|chunk| {
            chunk.columns.get_or_init(|| T::columns(chunk));
            chunk.with_parents.get_or_init(|| find_parents(&chunk.records));
        });
    }
}

impl<T: Columnar + Sync + Send> Records<T> {
    /// Each chunk's records beside their columns, in order: the columns of every chunk are made on all
    /// cores when first asked, and kept until the chunk changes. The record at `index` is in the entry
    /// [`Records::place`] names.
    pub fn with_columns(&self) -> Vec<(&[T], &T::Columns)> {
        self.chunks
            .par_iter()
            .map(|chunk| (chunk.as_slice(), chunk.columns.get_or_init(|| T::columns(chunk))))
            .collect()
    }

    /// (chunk, place in the chunk) of the record at `index`, for [`Records::with_columns`].
    pub fn place(index: usize) -> (usize, usize) {
        (index / CHUNK, index % CHUNK)
    }
}

fn find_parents<T: Linked>(records: &[T]) -> Box<[(u16, Symbol)]> {
    let with_parent = |(offset, record): (usize, &T)| Some((u16::try_from(offset).ok()?, record.parent()?));
    records.iter().enumerate().filter_map(with_parent).collect()
}

impl<T: Columnar + Clone> Records<T> {
    /// The record at `index` to change; copies its chunk if another copy of the collection shares it.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let chunk = self.chunks.get_mut(index / CHUNK)?;
        if index % CHUNK >= chunk.len() {
            return None;
        }
        edit(chunk).get_mut(index % CHUNK)
    }

    /// The records as consecutive slices to change, for work split over the cores; copies every shared
    /// chunk.
    pub fn slices_mut(&mut self) -> Vec<&mut [T]> {
        self.chunks.iter_mut().map(|chunk| edit(chunk).as_mut_slice()).collect()
    }

    pub fn last_mut(&mut self) -> Option<&mut T> {
        self.len.checked_sub(1).and_then(|index| self.get_mut(index))
    }

    /// Every record to change: copies every shared chunk.
    pub fn iter_mut(&mut self) -> IterMut<'_, T> {
        self.chunks.iter_mut().flat_map(chunk_mut as fn(&mut Arc<Chunk<T>>) -> std::slice::IterMut<'_, T>)
    }

    /// Makes room for `additional` more records, as far as the list of chunks goes.
    pub fn reserve(&mut self, additional: usize) {
        self.chunks.reserve(additional.div_ceil(CHUNK));
    }

    pub fn push(&mut self, record: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => edit(chunk).push(record),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(record);
                self.chunks.push(Arc::new(Chunk::new(chunk)));
            }
        }
        self.len += 1;
    }

    /// Inserts `record` at `index`, shifting the records after it (each later chunk passes its last
    /// record on to the next). Panics past the end, like `Vec::insert`.
    pub fn insert(&mut self, index: usize, record: T) {
        assert!(index <= self.len, "insertion index {index} is past the end ({})", self.len);
        if index == self.len {
            return self.push(record);
        }
        let mut carried = record;
        let mut offset = index % CHUNK;
        for chunk in &mut self.chunks[index / CHUNK..] {
            let chunk = edit(chunk);
            chunk.insert(offset, carried);
            offset = 0;
            if chunk.len() <= CHUNK {
                self.len += 1;
                return;
            }
            carried = chunk.pop().expect("a chunk over full has a last record");
        }
        self.chunks.push(Arc::new(Chunk::new(vec![carried])));
        self.len += 1;
    }

    /// Removes and returns the record at `index`, shifting the records after it. Panics past the end,
    /// like `Vec::remove`.
    pub fn remove(&mut self, index: usize) -> T {
        assert!(index < self.len, "removal index {index} is past the end ({})", self.len);
        let first = index / CHUNK;
        let removed = edit(&mut self.chunks[first]).remove(index % CHUNK);
        // Each later chunk gives its first record to the chunk before it, so every chunk stays full.
        for at in first + 1..self.chunks.len() {
            let moved = edit(&mut self.chunks[at]).remove(0);
            edit(&mut self.chunks[at - 1]).push(moved);
        }
        if self.chunks.last().is_some_and(|chunk| chunk.is_empty()) {
            self.chunks.pop();
        }
        self.len -= 1;
        removed
    }

    /// Keeps the records for which `keep` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        if self.iter().all(&mut keep) {
            return;
        }
        let kept: Vec<T> = std::mem::take(self).into_iter().filter(|record| keep(record)).collect();
        *self = kept.into();
    }

    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.chunks.truncate(len.div_ceil(CHUNK));
        if let Some(last) = self.chunks.last_mut()
            && !len.is_multiple_of(CHUNK)
        {
            edit(last).truncate(len % CHUNK);
        }
        self.len = len;
    }

    pub fn swap(&mut self, a: usize, b: usize) {
        if a == b {
            return;
        }
        let (Some(first), Some(second)) = (self.get(a).cloned(), self.get(b).cloned()) else {
            panic!("swap index past the end ({})", self.len);
        };
        self[a] = second;
        self[b] = first;
    }

    pub fn reverse(&mut self) {
        let reversed: Vec<T> = std::mem::take(self).into_iter().rev().collect();
        *self = reversed.into();
    }
}

impl<T: Columnar + Clone + Send + Sync> Records<T> {
    /// Moves every record of `other` to the end, each changed by `change` on the way, on all cores; the
    /// records are never held twice. Where `self` ends on a chunk's end, `other`'s chunks are taken
    /// whole. Otherwise each new chunk is the tail of one of `other`'s chunks and the head of the next,
    /// the split falling where `self`'s last chunk needs records to be full: every chunk but the last
    /// stays full.
    pub fn append_with(&mut self, other: Records<T>, change: impl Fn(&mut T) + Sync) {
        let missing = (CHUNK - self.len % CHUNK) % CHUNK;
        self.len += other.len;
        if missing == 0 {
            let mut chunks = other.chunks;
            chunks.par_iter_mut().for_each(|chunk| edit(chunk).iter_mut().for_each(&change));
            self.chunks.extend(chunks);
            return;
        }
        let (heads, tails): (Vec<Vec<T>>, Vec<Vec<T>>) = other
            .chunks
            .into_par_iter()
            .map(|chunk| {
                let mut head = Chunk::into_records(chunk);
                head.iter_mut().for_each(&change);
                let tail = head.split_off(missing.min(head.len()));
                (head, tail)
            })
            .unzip();
        let mut heads = heads.into_iter();
        if let (Some(last), Some(head)) = (self.chunks.last_mut(), heads.next()) {
            edit(last).extend(head);
        }
        let joined: Vec<Arc<Chunk<T>>> = tails
            .into_par_iter()
            .zip(heads.chain(std::iter::once(Vec::new())).collect::<Vec<_>>())
            .filter(|(tail, head)| !tail.is_empty() || !head.is_empty())
            .map(|(tail, head)| {
                let mut records = Vec::with_capacity(CHUNK);
                records.extend(tail);
                records.extend(head);
                Arc::new(Chunk::new(records))
            })
            .collect();
        self.chunks.extend(joined);
    }
}

impl<T: Columnar> From<Vec<T>> for Records<T> {
    fn from(records: Vec<T>) -> Self {
        let len = records.len();
        let mut chunks = Vec::with_capacity(len.div_ceil(CHUNK));
        let mut rest = records.into_iter();
        loop {
            let chunk: Vec<T> = rest.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            chunks.push(Arc::new(Chunk::new(chunk)));
        }
        Records { chunks, len }
    }
}

impl<T: Columnar + Clone> FromIterator<T> for Records<T> {
    fn from_iter<I: IntoIterator<Item = T>>(records: I) -> Self {
        let mut collected = Records::new();
        collected.extend(records);
        collected
    }
}

impl<T: Columnar + Clone> Extend<T> for Records<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, records: I) {
        for record in records {
            self.push(record);
        }
    }
}

/// Owned records: each chunk is taken whole where no copy shares it, else cloned.
impl<T: Columnar + Clone> IntoIterator for Records<T> {
    type Item = T;
    type IntoIter = std::iter::FlatMap<std::vec::IntoIter<Arc<Chunk<T>>>, Vec<T>, fn(Arc<Chunk<T>>) -> Vec<T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.into_iter().flat_map(Chunk::into_records as fn(Arc<Chunk<T>>) -> Vec<T>)
    }
}

/// Every record to change, chunk by chunk.
pub type IterMut<'a, T> = std::iter::FlatMap<
    std::slice::IterMut<'a, Arc<Chunk<T>>>,
    std::slice::IterMut<'a, T>,
    fn(&'a mut Arc<Chunk<T>>) -> std::slice::IterMut<'a, T>,
>;

fn chunk_mut<T: Columnar + Clone>(chunk: &mut Arc<Chunk<T>>) -> std::slice::IterMut<'_, T> {
    edit(chunk).iter_mut()
}

/// The records of `chunk` to change: copied first if another copy of the collection shares them, and
/// what was remembered about them forgotten.
fn edit<T: Columnar + Clone>(chunk: &mut Arc<Chunk<T>>) -> &mut Vec<T> {
    let chunk = Arc::make_mut(chunk);
    chunk.with_parents.take();
    chunk.columns.take();
    &mut chunk.records
}

impl<'a, T: Columnar + Clone> IntoIterator for &'a mut Records<T> {
    type Item = &'a mut T;
    type IntoIter = IterMut<'a, T>;

    fn into_iter(self) -> IterMut<'a, T> {
        self.iter_mut()
    }
}

impl<'a, T: Columnar> IntoIterator for &'a Records<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T: Columnar> std::ops::Index<usize> for Records<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        match self.get(index) {
            Some(record) => record,
            None => panic!("index {index} is past the end ({})", self.len),
        }
    }
}

impl<T: Columnar + Clone> std::ops::IndexMut<usize> for Records<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        let len = self.len;
        match self.get_mut(index) {
            Some(record) => record,
            None => panic!("index {index} is past the end ({len})"),
        }
    }
}

impl<T: Columnar + PartialEq> PartialEq for Records<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Columnar + std::fmt::Debug> std::fmt::Debug for Records<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The records in order, from either end.
#[derive(Clone)]
pub struct Iter<'a, T: Columnar> {
    chunks: std::slice::Iter<'a, Arc<Chunk<T>>>,
    front: std::slice::Iter<'a, T>,
    back: std::slice::Iter<'a, T>,
    remaining: usize,
}

impl<'a, T: Columnar> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(record) = self.front.next() {
                self.remaining -= 1;
                return Some(record);
            }
            match self.chunks.next() {
                Some(chunk) => self.front = chunk.iter(),
                None => {
                    let record = self.back.next()?;
                    self.remaining -= 1;
                    return Some(record);
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }

    /// Skips whole chunks without visiting their records (a table scrolled to row 900,000).
    fn nth(&mut self, mut n: usize) -> Option<&'a T> {
        if n < self.front.len() {
            self.remaining -= n;
            return self.next_after(n);
        }
        n -= self.front.len();
        self.remaining -= self.front.len();
        self.front = [].iter();
        while let Some(chunk) = self.chunks.as_slice().first() {
            if n < chunk.len() {
                break;
            }
            n -= chunk.len();
            self.remaining -= chunk.len();
            self.chunks.next();
        }
        if self.chunks.as_slice().is_empty() {
            let skipped = n.min(self.back.len());
            self.remaining -= skipped;
            return self.back.nth(n).inspect(|_| self.remaining -= 1);
        }
        self.remaining -= n;
        self.front = self.chunks.next().map_or([].iter(), |chunk| chunk.iter());
        self.next_after(n)
    }
}

impl<'a, T: Columnar> Iter<'a, T> {
    /// The record `n` places into the front chunk, counted already in `remaining` but for itself.
    fn next_after(&mut self, n: usize) -> Option<&'a T> {
        let record = self.front.nth(n)?;
        self.remaining -= 1;
        Some(record)
    }
}

impl<T: Columnar> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(record) = self.back.next_back() {
                self.remaining -= 1;
                return Some(record);
            }
            match self.chunks.next_back() {
                Some(chunk) => self.back = chunk.iter(),
                None => {
                    let record = self.front.next_back()?;
                    self.remaining -= 1;
                    return Some(record);
                }
            }
        }
    }
}

impl<T: Columnar> ExactSizeIterator for Iter<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Push(u32),
        Insert(usize, u32),
        Remove(usize),
        Set(usize, u32),
        Truncate(usize),
        Retain(u32),
        Reverse,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => any::<u32>().prop_map(Op::Push),
            2 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::Insert(i, v)),
            2 => any::<usize>().prop_map(Op::Remove),
            2 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::Set(i, v)),
            1 => any::<usize>().prop_map(Op::Truncate),
            1 => (2..5u32).prop_map(Op::Retain),
            1 => Just(Op::Reverse),
        ]
    }

    impl Columnar for u32 {
        type Columns = ();

        fn columns(_: &[u32]) {}
    }

    fn check_shape(records: &Records<u32>) {
        let sizes: Vec<usize> = records.slices().map(<[u32]>::len).collect();
        assert_eq!(sizes.iter().sum::<usize>(), records.len());
        if let Some((_, full)) = sizes.split_last() {
            assert!(full.iter().all(|&size| size == CHUNK), "every chunk but the last is full: {sizes:?}");
        }
        assert!(sizes.iter().all(|&size| size > 0), "no chunk is empty");
    }

    proptest! {
        /// Any sequence of changes leaves the same records as a `Vec` given the same changes, and a copy
        /// taken before them unchanged.
        #[test]
        fn records_behave_like_a_vec(start in 0..3_000usize, ops in prop::collection::vec(op(), 0..60)) {
            let mut expected: Vec<u32> = (0..start as u32).collect();
            let mut records: Records<u32> = expected.clone().into();
            let before = records.clone();
            for op in ops {
                match op {
                    Op::Push(value) => { expected.push(value); records.push(value); }
                    Op::Insert(at, value) => {
                        let at = at % (expected.len() + 1);
                        expected.insert(at, value);
                        records.insert(at, value);
                    }
                    Op::Remove(at) if !expected.is_empty() => {
                        let at = at % expected.len();
                        prop_assert_eq!(records.remove(at), expected.remove(at));
                    }
                    Op::Set(at, value) if !expected.is_empty() => {
                        let at = at % expected.len();
                        expected[at] = value;
                        records[at] = value;
                    }
                    Op::Truncate(len) => {
                        let len = len % (expected.len() + 1);
                        expected.truncate(len);
                        records.truncate(len);
                    }
                    Op::Retain(divisor) => {
                        expected.retain(|v| v % divisor != 0);
                        records.retain(|v| v % divisor != 0);
                    }
                    Op::Reverse => { expected.reverse(); records.reverse(); }
                    Op::Remove(_) | Op::Set(..) => {}
                }
                check_shape(&records);
            }
            prop_assert_eq!(records.len(), expected.len());
            prop_assert_eq!(records.iter().copied().collect::<Vec<_>>(), expected.clone());
            prop_assert_eq!(records.iter().rev().copied().collect::<Vec<_>>(), expected.iter().rev().copied().collect::<Vec<_>>());
            prop_assert_eq!(before.iter().copied().collect::<Vec<_>>(), (0..start as u32).collect::<Vec<_>>());
            for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, expected.len().saturating_sub(1), expected.len()] {
                prop_assert_eq!(records.iter().nth(n), expected.get(n));
                let mut both = records.iter();
                both.next_back();
                prop_assert_eq!(both.nth(n), expected[..expected.len().saturating_sub(1)].get(n));
                prop_assert_eq!(both.len(), expected.len().saturating_sub(1).saturating_sub(n + 1));
            }
        }
    }

    proptest! {
        /// Appending gives the records of both in order, each of the appended changed once, in chunks
        /// of the same shape; a copy of what was appended is untouched.
        #[test]
        fn appending_is_concatenating(first in 0..4_000usize, second in 0..4_000usize, shared: bool) {
            let mut records: Records<u32> = (0..first as u32).collect::<Vec<_>>().into();
            let other: Records<u32> = (0..second as u32).map(|i| i + 10_000).collect::<Vec<_>>().into();
            let copy = shared.then(|| other.clone());
            records.append_with(other, |record| *record += 1);
            check_shape(&records);
            let expected: Vec<u32> = (0..first as u32).chain((0..second as u32).map(|i| i + 10_001)).collect();
            prop_assert_eq!(records.iter().copied().collect::<Vec<_>>(), expected);
            if let Some(copy) = copy {
                prop_assert!(copy.iter().copied().eq((0..second as u32).map(|i| i + 10_000)));
            }
        }
    }

    #[derive(Clone, Debug, PartialEq)]
    struct Order(Option<Symbol>);

    impl Linked for Order {
        fn parent(&self) -> Option<Symbol> {
            self.0
        }
    }

    /// The parents as a column.
    impl Columnar for Order {
        type Columns = Vec<Option<Symbol>>;

        fn columns(records: &[Order]) -> Vec<Option<Symbol>> {
            records.iter().map(|record| record.0).collect()
        }
    }

    fn parents_by_reading(records: &Records<Order>) -> Vec<(usize, Symbol)> {
        records.iter().enumerate().filter_map(|(index, record)| Some((index, record.parent()?))).collect()
    }

    /// What was derived from the records: which name a parent, and the columns, each checked against
    /// reading the records.
    fn check_derived(records: &Records<Order>) {
        assert_eq!(records.with_parents().collect::<Vec<_>>(), parents_by_reading(records));
        let column: Vec<Option<Symbol>> =
            records.with_columns().into_iter().flat_map(|(_, column)| column.iter().copied()).collect();
        assert_eq!(column, records.iter().map(|record| record.0).collect::<Vec<_>>());
        for index in [0, CHUNK - 1, CHUNK, records.len() - 1] {
            let (chunk, at) = Records::<Order>::place(index);
            assert_eq!(records.with_columns()[chunk].0[at], records[index]);
        }
    }

    #[test]
    fn what_is_derived_from_the_records_follows_every_change() {
        let mut strings = crate::model::Interner::default();
        let (a, b) = (strings.intern("a"), strings.intern("b"));
        let original: Records<Order> =
            (0..3 * CHUNK + 10).map(|i| Order((i % 7 == 0).then_some(a))).collect::<Vec<_>>().into();
        check_derived(&original);
        let mut edited = original.clone();
        edited[CHUNK + 1] = Order(Some(b));
        edited[2 * CHUNK] = Order(None);
        edited.insert(5, Order(Some(b)));
        edited.remove(3 * CHUNK);
        edited.push(Order(Some(a)));
        for records in [&original, &edited] {
            check_derived(records);
        }
        for record in edited.iter_mut() {
            record.0 = Some(b);
        }
        assert_eq!(edited.with_parents().count(), edited.len());
        check_derived(&edited);
        check_derived(&original);
    }

    #[test]
    fn an_edit_copies_one_chunk_and_leaves_the_copy_alone() {
        let original: Records<u32> = (0..10 * CHUNK as u32).collect::<Vec<_>>().into();
        let mut edited = original.clone();
        edited[5 * CHUNK + 3] = 7;
        let shared = original.chunks.iter().zip(&edited.chunks).filter(|(a, b)| Arc::ptr_eq(a, b)).count();
        assert_eq!(shared, 9, "only the edited chunk was copied");
        assert_eq!(original[5 * CHUNK + 3], 5 * CHUNK as u32 + 3);
        assert_eq!(edited[5 * CHUNK + 3], 7);
    }
}
