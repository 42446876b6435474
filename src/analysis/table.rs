//! What a table shows: the filtered records, sorted by a column, with national orders beneath their
//! framework contract (and actions beneath their pledge), plus totals from the shared aggregation.
//! Built once per change of data, filter, sort or expansion; the view only lays out visible rows. An edit
//! of one record is followed in place ([`TableModel::update`]): its row moves to where the sort now puts
//! it and the totals re-aggregate its block, in a few milliseconds at a million rows.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use fixedbitset::FixedBitSet;
use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::model::fields::{SortKey as Key, sort_keys};
use crate::model::{Changed, Collection, Dataset, Symbol, SymbolSet, ToFollow};

use super::filter::{Filter, Matcher, filtered};
use super::volumes::{GroupBy, TotalsGrid, VolumeRow, VolumesByBlock};

/// Sort by a field, ascending or descending. Records without a value in the field come last.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sort {
    /// The field's key in its collection's field table ("quantity").
    pub column: String,
    pub descending: bool,
}

/// One row on screen: a record, how deep it sits under its parents, and how many rows it has beneath.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DisplayRow {
    pub index: u32,
    pub depth: u8,
    pub children: u32,
}

/// Everything a table view needs, derived from the data.
#[derive(Clone, Debug, Default)]
pub struct TableModel {
    pub rows: Vec<DisplayRow>,
    /// Records that pass the filter (collapsed children included).
    pub matched: usize,
    pub total: usize,
    /// Acquisition totals per stage over the filtered records (empty for other collections).
    pub totals: Vec<VolumeRow>,
    /// The same totals as a table of stages by units and currencies.
    pub totals_grid: TotalsGrid,
    /// The records that pass the filter, in dataset order.
    passing: Vec<u32>,
    /// The same records sorted: `rows` is this order with children moved beneath their parents.
    order: Vec<u32>,
    /// Whether any row sits beneath another (else `rows` is `order` itself).
    nested: bool,
    /// The totals, block by block (acquisitions only).
    stage_volumes: Option<VolumesByBlock>,
}

/// Filters, sorts and nests the records of `collection`. `collapsed` holds the ids of parents whose
/// children are hidden.
pub fn build(
    dataset: &Dataset,
    collection: Collection,
    filter: &Filter,
    sort: Option<&Sort>,
    collapsed: &BTreeSet<String>,
) -> TableModel {
    let passing = filtered(dataset, collection, filter);
    let mut order = passing.clone();
    if let Some(sort) = sort {
        sort_rows(dataset, collection, &mut order, sort);
    }
    // Nesting runs on one core: the totals take the other meanwhile.
    let (stage_volumes, rows) = rayon::join(
        || (collection == Collection::Acquisitions).then(|| VolumesByBlock::new(dataset, &passing, GroupBy::Stage)),
        || nest(dataset, collection, &order, collapsed),
    );
    let totals = stage_volumes.as_ref().map(|volumes| volumes.volumes().totals.clone()).unwrap_or_default();
    let nested = rows.iter().any(|row| row.depth > 0 || row.children > 0);
    let totals_grid = TotalsGrid::of(&totals);
    TableModel {
        rows,
        matched: passing.len(),
        total: dataset.len(collection),
        totals,
        totals_grid,
        passing,
        order,
        nested,
        stage_volumes,
    }
}

impl TableModel {
    /// Follows `changes` made to the data since the model was built (oldest first), giving what [`build`]
    /// would give now with the same filter, sort and expansion: one record changed in place moves to its
    /// new place (with the rows beneath it), enters or leaves, and the totals re-aggregate its block.
    /// Returns false, having changed nothing, when the changes cannot be followed so (see
    /// [`ToFollow::of`]; or a record entering or leaving the filter where records nest): rebuild then.
    pub fn update(
        &mut self,
        dataset: &Dataset,
        collection: Collection,
        filter: &Filter,
        sort: Option<&Sort>,
        changes: &[Changed],
    ) -> bool {
        let nests = matches!(collection, Collection::Acquisitions | Collection::Commitments);
        let index = match ToFollow::of(changes, collection, nests) {
            ToFollow::Nothing => return true,
            ToFollow::Rebuild => return false,
            ToFollow::Record(index) if index >= dataset.len(collection) => return false,
            ToFollow::Record(index) => index as u32,
        };
        let was_in = self.passing.binary_search(&index).is_ok();
        let is_in = Matcher::new(dataset, filter).passes(collection, index as usize);
        if was_in != is_in && nests && self.linked(dataset, collection, index) {
            return false;
        }
        match (was_in, self.passing.binary_search(&index)) {
            (false, Err(at)) if is_in => self.passing.insert(at, index),
            (true, Ok(at)) if !is_in => _ = self.passing.remove(at),
            _ => {}
        }
        let order = row_order(dataset, collection, sort);
        // The row moves by rotating the rows between its old and new places, not by shifting all after.
        let old_place = if was_in { self.order.iter().position(|&row| row == index) } else { None };
        let new_place = is_in.then(|| {
            let gap = old_place.map_or(0..0, |at| at..at + 1);
            partition_without(&self.order, gap, |at| order(self.order[at], index) == Ordering::Less)
        });
        match (old_place, new_place) {
            (Some(from), Some(to)) => move_block(&mut self.order, from..from + 1, to),
            (Some(from), None) => _ = self.order.remove(from),
            (None, Some(to)) => self.order.insert(to, index),
            (None, None) => {}
        }
        if self.nested {
            self.move_nested(index, was_in, is_in, &order);
        } else {
            // Without nesting the rows are the order itself: the same places.
            match (old_place, new_place) {
                (Some(from), Some(to)) => move_block(&mut self.rows, from..from + 1, to),
                (Some(from), None) => _ = self.rows.remove(from),
                (None, Some(to)) => self.rows.insert(to, DisplayRow { index, depth: 0, children: 0 }),
                (None, None) => {}
            }
        }
        if let Some(volumes) = &mut self.stage_volumes {
            // Cannot fail: a national order entering or leaving was turned away above.
            if !volumes.update(dataset, &self.passing, index, was_in) {
                *volumes = VolumesByBlock::new(dataset, &self.passing, GroupBy::Stage);
            }
            self.totals = volumes.volumes().totals.clone();
            self.totals_grid = TotalsGrid::of(&self.totals);
        }
        self.matched = self.passing.len();
        true
    }

    /// Whether the record at `index` has a parent, or one of the passing records sits beneath it.
    fn linked(&self, dataset: &Dataset, collection: Collection, index: u32) -> bool {
        let Some((id, parent)) = dataset.links(collection, index as usize) else { return false };
        parent.is_some() || self.passing.iter().any(|&row| self::parent(dataset, collection, row as usize) == Some(id))
    }

    /// Moves the record's row, with the rows beneath it, to its place among its siblings: where `order`
    /// puts it among the rows under the same parent (or at the top).
    fn move_nested(&mut self, index: u32, was_in: bool, is_in: bool, order: &impl Fn(u32, u32) -> Ordering) {
        let rows = &mut self.rows;
        let found = if was_in { rows.iter().position(|row| row.index == index) } else { None };
        let Some(from) = found else {
            // Shown before but not found: beneath a collapsed parent, hidden wherever it sorts. Entering:
            // on its own at the top (a record with links never enters or leaves here).
            if !was_in && is_in {
                let to = partition_without(rows, 0..0, top_before(rows, 0..0, index, order));
                rows.insert(to, DisplayRow { index, depth: 0, children: 0 });
            }
            return;
        };
        let depth = rows[from].depth;
        let end = rows[from + 1..].iter().position(|row| row.depth <= depth).map_or(rows.len(), |n| from + 1 + n);
        if !is_in {
            rows.drain(from..end);
            return;
        }
        let block = from..end;
        let to = if depth == 0 {
            // Among the top rows, which are in `order`'s order: found by halving.
            partition_without(rows, block.clone(), top_before(rows, block.clone(), index, order))
        } else {
            // After the siblings beneath the same parent that sort before it (a few rows).
            let parent = rows[..from].iter().rposition(|row| row.depth < depth).unwrap_or(0);
            let without = |at: usize| if at < block.start { at } else { at + block.len() };
            (parent + 1..rows.len() - block.len())
                .find(|&at| {
                    let row = rows[without(at)];
                    row.depth < depth || (row.depth == depth && order(row.index, index) == Ordering::Greater)
                })
                .unwrap_or(rows.len() - block.len())
        };
        move_block(rows, block, to);
    }
}

/// Whether the top row that the row at a place belongs to sorts before `index`: the rows are in blocks,
/// each a top row with the rows beneath it, and the top rows in `order`'s order, so this holds for
/// every place up to some point and for none after. `gap` (a block) does not count.
fn top_before<'a>(
    rows: &'a [DisplayRow],
    gap: std::ops::Range<usize>,
    index: u32,
    order: &'a impl Fn(u32, u32) -> Ordering,
) -> impl Fn(usize) -> bool + 'a {
    move |at| {
        let top = rows[..=at].iter().enumerate().rev().find(|(place, row)| row.depth == 0 && !gap.contains(place));
        top.is_some_and(|(_, top)| order(top.index, index) == Ordering::Less)
    }
}

/// The first place in `items` without `gap` where `before` (given a place in `items`) stops holding; it
/// holds for a prefix.
fn partition_without<T>(items: &[T], gap: std::ops::Range<usize>, before: impl Fn(usize) -> bool) -> usize {
    let without = |at: usize| if at < gap.start { at } else { at + gap.len() };
    let (mut low, mut high) = (0, items.len() - gap.len());
    while low < high {
        let middle = low + (high - low) / 2;
        if before(without(middle)) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// Moves `items[block]` to start at `to`, a place counted as if the block were not there: only the items
/// between its old and new places shift.
fn move_block<T>(items: &mut [T], block: std::ops::Range<usize>, to: usize) {
    let len = block.len();
    if to <= block.start {
        items[to..block.end].rotate_right(len);
    } else {
        items[block.start..to + len].rotate_left(len);
    }
}

/// The order rows are shown in: by the sort's key (as [`sort_rows`] ranks it), then in dataset order.
fn row_order<'a>(
    dataset: &'a Dataset,
    collection: Collection,
    sort: Option<&'a Sort>,
) -> impl Fn(u32, u32) -> Ordering {
    move |a, b| {
        let by_key = sort.map_or(Ordering::Equal, |sort| {
            let keys = sort_keys(dataset, collection, &sort.column, &[a, b]);
            match (&keys[0], &keys[1]) {
                // Ranked as `sort_rows` ranks them: by lower-case text, then by symbol.
                (Key::Symbol(x), Key::Symbol(y)) => {
                    let rank = |s: &Symbol| (dataset.text(*s).to_lowercase(), *s);
                    let ordering = rank(x).cmp(&rank(y));
                    if sort.descending { ordering.reverse() } else { ordering }
                }
                (x, y) => compare(&ranked(x), &ranked(y), sort.descending),
            }
        });
        by_key.then(a.cmp(&b))
    }
}

/// A symbol key as a number, as ranking makes it (a column holds symbols or numbers, not both).
fn ranked(key: &Key) -> Key {
    match key {
        Key::Symbol(_) => Key::Number(0.0),
        other => other.clone(),
    }
}

/// Sorts `rows` (stably) by `sort`. Symbols are ranked once by their text, so that a million rows
/// compare numbers rather than strings.
pub fn sort_rows(dataset: &Dataset, collection: Collection, rows: &mut [u32], sort: &Sort) {
    let keys = sort_keys(dataset, collection, &sort.column, rows);
    let mut symbols: Vec<Symbol> =
        keys.iter().filter_map(|k| if let Key::Symbol(s) = k { Some(*s) } else { None }).collect();
    symbols.sort_unstable();
    symbols.dedup();
    symbols.sort_by_cached_key(|&s| dataset.text(s).to_lowercase());
    let rank: HashMap<Symbol, f64> = symbols.iter().enumerate().map(|(i, &s)| (s, i as f64)).collect();
    let mut keyed: Vec<(Key, u32)> = keys
        .into_iter()
        .map(|k| match k {
            Key::Symbol(s) => Key::Number(rank.get(&s).copied().unwrap_or(f64::MAX)),
            other => other,
        })
        .zip(rows.iter().copied())
        .collect();
    keyed.sort_by(|(a, _), (b, _)| compare(a, b, sort.descending));
    for (slot, (_, row)) in rows.iter_mut().zip(keyed) {
        *slot = row;
    }
}

fn compare(a: &Key, b: &Key, descending: bool) -> Ordering {
    let ordered = |ordering: Ordering| if descending { ordering.reverse() } else { ordering };
    match (a, b) {
        (Key::Missing, Key::Missing) => Ordering::Equal,
        (Key::Missing, _) => Ordering::Greater,
        (_, Key::Missing) => Ordering::Less,
        (Key::Number(x), Key::Number(y)) => ordered(x.total_cmp(y)),
        (Key::Text(x), Key::Text(y)) => ordered(x.cmp(y)),
        (Key::Number(_), _) => Ordering::Less,
        (_, Key::Number(_)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// The parent of a record, for collections that nest (frameworks and orders, pledges and actions).
fn parent(dataset: &Dataset, collection: Collection, index: usize) -> Option<Symbol> {
    match collection {
        Collection::Acquisitions => dataset.acquisitions.get(index).and_then(|a| a.parent),
        Collection::Commitments => dataset.commitments.get(index).and_then(|c| c.parent),
        _ => None,
    }
}

fn id(dataset: &Dataset, collection: Collection, index: usize) -> Option<Symbol> {
    match collection {
        Collection::Acquisitions => dataset.acquisitions.get(index).map(|a| a.id),
        Collection::Commitments => dataset.commitments.get(index).map(|c| c.id),
        _ => None,
    }
}

/// Puts every row whose parent is also shown right beneath it, keeping the sort order among siblings.
/// Only the few records that name a parent are looked at closely (their collection remembers which
/// they are): at a million rows, maps of every row's id and place took 300 ms of each rebuild.
fn nest(dataset: &Dataset, collection: Collection, rows: &[u32], collapsed: &BTreeSet<String>) -> Vec<DisplayRow> {
    let flat = || rows.iter().map(|&index| DisplayRow { index, depth: 0, children: 0 }).collect();
    let with_parents: Vec<(usize, Symbol)> = match collection {
        Collection::Acquisitions => dataset.acquisitions.with_parents().collect(),
        Collection::Commitments => dataset.commitments.with_parents().collect(),
        _ => return flat(),
    };
    if with_parents.is_empty() {
        return flat();
    }
    let records = dataset.len(collection);
    let mut shown_rows = FixedBitSet::with_capacity(records);
    for &row in rows {
        if (row as usize) < records {
            shown_rows.insert(row as usize);
        }
    }
    // Where each id named as a parent is among the rows (the last row with it, should ids repeat). Few
    // records are parents: a set of their ids spares the other rows a look-up in the map.
    let mut place_of: FxHashMap<Symbol, u32> = with_parents
        .iter()
        .filter(|&&(index, _)| shown_rows.contains(index))
        .map(|&(_, parent)| (parent, u32::MAX))
        .collect();
    if place_of.is_empty() {
        return flat();
    }
    let mut parent_ids = SymbolSet::for_strings(&dataset.strings);
    place_of.keys().for_each(|&parent| parent_ids.insert(parent));
    for &row in rows {
        if let Some(id) = id(dataset, collection, row as usize)
            && parent_ids.contains(id)
            && let Some(slot) = place_of.get_mut(&id)
        {
            *slot = row;
        }
    }
    let mut parent_of: FxHashMap<u32, u32> = FxHashMap::default();
    let mut has_parent = FixedBitSet::with_capacity(records);
    for &(index, parent) in &with_parents {
        let row = index as u32;
        if let Some(&place) = place_of.get(&parent)
            && place != u32::MAX
            && place != row
            && shown_rows.contains(index)
        {
            parent_of.insert(row, place);
            has_parent.insert(index);
        }
    }
    if parent_of.is_empty() {
        return flat();
    }
    let parent_row = |row: u32| has_parent.contains(row as usize).then(|| parent_of.get(&row).copied()).flatten();
    let mut children: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    let mut has_children = FixedBitSet::with_capacity(records);
    let mut top = Vec::new();
    for &row in rows {
        match parent_row(row) {
            Some(parent) => {
                children.entry(parent).or_default().push(row);
                has_children.insert(parent as usize);
            }
            None => top.push(row),
        }
    }
    let mut shown = Vec::with_capacity(rows.len());
    let mut visited = vec![false; records];
    let mut stack: Vec<(u32, u8)> = top.iter().rev().map(|&row| (row, 0)).collect();
    while let Some((row, depth)) = stack.pop() {
        if std::mem::replace(&mut visited[row as usize], true) {
            continue;
        }
        let kids =
            if has_children.contains(row as usize) { children.get(&row).map_or(&[][..], Vec::as_slice) } else { &[] };
        shown.push(DisplayRow { index: row, depth, children: kids.len() as u32 });
        let is_collapsed = !collapsed.is_empty()
            && id(dataset, collection, row as usize).is_some_and(|id| collapsed.contains(dataset.text(id)));
        if !is_collapsed {
            stack.extend(kids.iter().rev().map(|&kid| (kid, depth.saturating_add(1))));
        }
    }
    // Rows in a parent cycle (a validation error) are never reached from the top: show them flat. Rows
    // under a collapsed parent stay hidden.
    for &row in rows {
        let hidden_under_collapsed = parent_row(row).is_some_and(|parent| visited[parent as usize]);
        if !visited[row as usize] && !hidden_under_collapsed {
            shown.push(DisplayRow { index: row, depth: 0, children: 0 });
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::default_dataset;

    fn system_and_buyer(dataset: &Dataset, row: &DisplayRow) -> (String, u8) {
        let a = &dataset.acquisitions[row.index as usize];
        let buyer = a.buyers.first().map_or("-", |&b| dataset.text(b));
        (format!("{} {}", dataset.text(a.id), buyer), row.depth)
    }

    #[test]
    fn sorting_by_quantity_orders_rows_and_puts_unknowns_last() {
        let dataset = default_dataset();
        let sort = Sort { column: "quantity".into(), descending: true };
        let model = build(&dataset, Collection::Acquisitions, &Filter::default(), Some(&sort), &BTreeSet::new());
        let top: Vec<_> = model.rows.iter().take(3).map(|r| system_and_buyer(&dataset, r)).collect();
        assert_eq!(top[0], ("nspa-155mm -".to_owned(), 0));
        assert_eq!(top[1], ("patriot-gemt DEU".to_owned(), 0));
        // The framework's orders follow it, themselves sorted by quantity, and the one without a number last.
        assert_eq!(top[2], ("patriot-gemt-deu DEU".to_owned(), 1));
        let under: Vec<_> = model.rows[2..6].iter().map(|r| system_and_buyer(&dataset, r).0).collect();
        assert_eq!(
            under,
            ["patriot-gemt-deu DEU", "patriot-gemt-rou ROU", "patriot-gemt-nld NLD", "patriot-gemt-esp ESP"]
        );
        let last = model.rows.iter().rfind(|r| r.depth == 0).unwrap();
        assert_eq!(system_and_buyer(&dataset, last).0, "ad-artillery allies-europe-canada");
    }

    #[test]
    fn sorting_is_stable_and_reversible() {
        let dataset = default_dataset();
        let ascending = Sort { column: "stage".into(), descending: false };
        let mut rows: Vec<u32> = (0..dataset.acquisitions.len() as u32).collect();
        sort_rows(&dataset, Collection::Acquisitions, &mut rows, &ascending);
        let planned: Vec<u32> = rows.iter().copied().take(2).collect();
        assert_eq!(planned, [10, 11], "planned first, in dataset order");
        let descending = Sort { column: "stage".into(), descending: true };
        sort_rows(&dataset, Collection::Acquisitions, &mut rows, &descending);
        assert_eq!(rows[rows.len() - 2..], [10, 11]);
    }

    #[test]
    fn a_collapsed_framework_hides_its_orders() {
        let dataset = default_dataset();
        let collapsed: BTreeSet<String> = ["patriot-gemt".to_owned()].into();
        let model = build(&dataset, Collection::Acquisitions, &Filter::default(), None, &collapsed);
        assert_eq!(model.rows.len(), 22 - 4);
        assert_eq!(model.matched, 22);
        let framework = model.rows.iter().find(|r| r.index == 0).unwrap();
        assert_eq!(framework.children, 4);
    }

    #[test]
    fn table_totals_come_from_the_shared_aggregation() {
        let dataset = default_dataset();
        let model = build(&dataset, Collection::Acquisitions, &Filter::default(), None, &BTreeSet::new());
        assert_eq!(model.totals, crate::analysis::volumes::volumes(&dataset, None, GroupBy::Stage).totals);
    }

    #[test]
    fn commitments_nest_actions_under_their_pledge() {
        let dataset = default_dataset();
        let model = build(&dataset, Collection::Commitments, &Filter::default(), None, &BTreeSet::new());
        let depths: Vec<u8> = model.rows.iter().take(8).map(|r| r.depth).collect();
        assert_eq!(depths, [0, 1, 2, 2, 2, 2, 2, 2], "plan, pledge, six actions");
    }

    mod nesting {
        use super::*;
        use proptest::prelude::*;

        /// Nesting as first written: maps of every row's id and place. The reference the quicker
        /// [`nest`] is held to.
        fn nest_by_maps(dataset: &Dataset, rows: &[u32], collapsed: &BTreeSet<String>) -> Vec<DisplayRow> {
            let collection = Collection::Acquisitions;
            let position_of: HashMap<Symbol, u32> =
                rows.iter().filter_map(|&row| id(dataset, collection, row as usize).map(|id| (id, row))).collect();
            let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
            let mut top = Vec::new();
            for &row in rows {
                match parent(dataset, collection, row as usize).and_then(|p| position_of.get(&p)).filter(|&&p| p != row)
                {
                    Some(&parent_row) => children.entry(parent_row).or_default().push(row),
                    None => top.push(row),
                }
            }
            if children.is_empty() {
                return rows.iter().map(|&index| DisplayRow { index, depth: 0, children: 0 }).collect();
            }
            let mut shown = Vec::new();
            let mut visited = std::collections::HashSet::new();
            let mut stack: Vec<(u32, u8)> = top.iter().rev().map(|&row| (row, 0)).collect();
            while let Some((row, depth)) = stack.pop() {
                if !visited.insert(row) {
                    continue;
                }
                let kids = children.get(&row).map_or(&[][..], Vec::as_slice);
                shown.push(DisplayRow { index: row, depth, children: kids.len() as u32 });
                let is_collapsed = collapsed.contains(dataset.text(dataset.acquisitions[row as usize].id));
                if !is_collapsed {
                    stack.extend(kids.iter().rev().map(|&kid| (kid, depth.saturating_add(1))));
                }
            }
            for &row in rows {
                let hidden = parent(dataset, collection, row as usize)
                    .and_then(|p| position_of.get(&p))
                    .is_some_and(|p| visited.contains(p));
                if !visited.contains(&row) && !hidden {
                    shown.push(DisplayRow { index: row, depth: 0, children: 0 });
                }
            }
            shown
        }

        proptest! {
            /// Any links (orders of orders, cycles, records their own parent, ids repeated, parents not
            /// shown), any rows in any order, any collapsed: the rows the maps gave.
            #[test]
            fn nesting_gives_the_rows_the_maps_gave(
                links in prop::collection::vec((0..40usize, prop::option::of(0..45usize)), 1..40),
                rows in prop::collection::vec(0..40u32, 0..60),
                collapsed in prop::collection::vec(0..45usize, 0..4),
            ) {
                let mut dataset = default_dataset();
                dataset.acquisitions.truncate(0);
                let template = default_dataset().acquisitions[0].clone();
                // Ids "a0" to "a44", five of them given twice.
                for n in 0..40 {
                    let mut record = template.clone();
                    record.id = dataset.intern(&format!("a{}", if n % 8 == 7 { n - 1 } else { n }));
                    record.parent = None;
                    dataset.acquisitions.push(record);
                }
                for (index, parent) in links {
                    let parent = parent.map(|p| dataset.intern(&format!("a{p}")));
                    dataset.acquisitions[index].parent = parent;
                }
                let mut seen = std::collections::HashSet::new();
                let mut rows = rows;
                rows.retain(|&row| seen.insert(row));
                let collapsed: BTreeSet<String> = collapsed.iter().map(|n| format!("a{n}")).collect();
                prop_assert_eq!(
                    nest(&dataset, Collection::Acquisitions, &rows, &collapsed),
                    nest_by_maps(&dataset, &rows, &collapsed)
                );
            }
        }
    }

    mod following_edits {
        use super::*;
        use crate::model::{Money, MoneyQualifier, Stage};
        use proptest::prelude::*;

        /// A synthetic dataset (frameworks with national orders, every kind of figure) of 3,000 records.
        fn synthetic() -> Dataset {
            crate::io::json::from_str(&crate::synthetic::dataset_json(3_000, 9), "synthetic").unwrap()
        }

        /// Changes one field of the record at `index`, as the editor does, keeping its id and parent.
        fn edit(dataset: &mut Dataset, index: usize, kind: u8, value: u64) {
            let system = dataset.intern(&format!("System {}", value % 7));
            let record = &mut dataset.acquisitions[index];
            match kind {
                0 => {
                    if let Some(quantity) = record.quantity.as_mut() {
                        quantity.count = (!value.is_multiple_of(5)).then_some(value);
                    }
                }
                1 => record.stage = Stage::ALL[value as usize % Stage::ALL.len()],
                2 => record.system = system,
                3 => {
                    let amount = value as f64 * 1.5e6;
                    record.value = (!value.is_multiple_of(4)).then_some(Money {
                        amount,
                        currency: crate::model::Currency::parse("USD").unwrap(),
                        qualifier: MoneyQualifier::Exact,
                        price_year: None,
                    });
                }
                _ => record.notes = Some(format!("leopard {value}").into()),
            }
        }

        fn same(model: &TableModel, built: &TableModel) {
            assert_eq!(model.rows, built.rows);
            assert_eq!(model.order, built.order);
            assert_eq!(model.passing, built.passing);
            assert_eq!((model.matched, model.total), (built.matched, built.total));
            assert_eq!(model.totals, built.totals, "the totals, to the last bit");
        }

        const SORTS: [Option<(&str, bool)>; 6] = [
            None,
            Some(("quantity", true)),
            Some(("value", false)),
            Some(("system", false)),
            Some(("stage", true)),
            Some(("date", false)),
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            /// Every edit followed in place gives what a build of the edited data gives: rows, their
            /// nesting and order, and the totals.
            #[test]
            fn an_edit_followed_in_place_equals_a_rebuild(
                edits in prop::collection::vec((0..3_000usize, 0..5u8, 0..400u64), 1..12),
                sort in 0..SORTS.len(),
                filter_kind in 0..3u8,
                collapse in any::<bool>(),
            ) {
                let mut dataset = synthetic();
                let sort = SORTS[sort].map(|(column, descending)| Sort { column: column.into(), descending });
                let filter = match filter_kind {
                    0 => Filter::default(),
                    1 => Filter { stages: [Stage::Contracted, Stage::Delivering].into(), ..Filter::default() },
                    _ => Filter { text: "leopard".into(), ..Filter::default() },
                };
                let collapsed: BTreeSet<String> = if collapse {
                    dataset.acquisitions.iter().filter_map(|a| a.parent).take(3).map(|p| dataset.text(p).to_owned()).collect()
                } else {
                    BTreeSet::new()
                };
                let collection = Collection::Acquisitions;
                let mut model = build(&dataset, collection, &filter, sort.as_ref(), &collapsed);
                for (index, kind, value) in edits {
                    edit(&mut dataset, index, kind, value);
                    let changes = [Changed::Record { collection, index, links_kept: true }];
                    let before = model.clone();
                    let built = build(&dataset, collection, &filter, sort.as_ref(), &collapsed);
                    if model.update(&dataset, collection, &filter, sort.as_ref(), &changes) {
                        same(&model, &built);
                    } else {
                        same(&model, &before);
                        model = built;
                    }
                }
            }
        }

        #[test]
        fn typing_in_a_field_is_followed_in_place() {
            let mut dataset = synthetic();
            let sort = Sort { column: "quantity".into(), descending: true };
            let collection = Collection::Acquisitions;
            let mut model = build(&dataset, collection, &Filter::default(), Some(&sort), &BTreeSet::new());
            assert!(model.nested, "the synthetic data has national orders beneath frameworks");
            let (mut followed, mut moved) = (0, 0);
            for (step, index) in (0..3_000).step_by(97).enumerate() {
                let place = model.rows.iter().position(|row| row.index == index as u32);
                edit(&mut dataset, index, 0, step as u64 * 37 + 11);
                let changes = [Changed::Record { collection, index, links_kept: true }];
                followed += usize::from(model.update(&dataset, collection, &Filter::default(), Some(&sort), &changes));
                moved += usize::from(model.rows.iter().position(|row| row.index == index as u32) != place);
                same(&model, &build(&dataset, collection, &Filter::default(), Some(&sort), &BTreeSet::new()));
            }
            assert_eq!(followed, 31, "every edit of a count was followed in place");
            assert!(moved > 20, "and most moved their row ({moved})");
        }

        #[test]
        fn what_cannot_be_followed_is_rebuilt() {
            let dataset = synthetic();
            let collection = Collection::Acquisitions;
            let mut model = build(&dataset, collection, &Filter::default(), None, &BTreeSet::new());
            for changes in [
                vec![Changed::Other],
                vec![Changed::Record { collection, index: 1, links_kept: false }],
                vec![Changed::Record { collection: Collection::Actors, index: 0, links_kept: true }],
                vec![
                    Changed::Record { collection, index: 1, links_kept: true },
                    Changed::Record { collection, index: 2, links_kept: true },
                ],
            ] {
                assert!(!model.update(&dataset, collection, &Filter::default(), None, &changes), "{changes:?}");
            }
            assert!(model.update(&dataset, collection, &Filter::default(), None, &[Changed::Meta]));
        }
    }
}
