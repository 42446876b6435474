//! What a table shows: the filtered records, sorted by a column, with national orders beneath their
//! framework contract (and actions beneath their pledge), plus totals from the shared aggregation.
//! Built once per change of data, filter, sort or expansion; the view only lays out visible rows.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::model::fields::{SortKey as Key, sort_keys};
use crate::model::{Collection, Dataset, Symbol};

use super::filter::{Filter, filtered};
use super::volumes::{GroupBy, TotalsGrid, VolumeRow, volumes};

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
    let mut rows = filtered(dataset, collection, filter);
    if let Some(sort) = sort {
        sort_rows(dataset, collection, &mut rows, sort);
    }
    let totals = if collection == Collection::Acquisitions {
        volumes(dataset, Some(&rows), GroupBy::Stage).totals
    } else {
        Vec::new()
    };
    let matched = rows.len();
    let rows = nest(dataset, collection, &rows, collapsed);
    let totals_grid = TotalsGrid::of(&totals);
    TableModel { rows, matched, total: dataset.len(collection), totals, totals_grid }
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
fn nest(dataset: &Dataset, collection: Collection, rows: &[u32], collapsed: &BTreeSet<String>) -> Vec<DisplayRow> {
    let flat = || rows.iter().map(|&index| DisplayRow { index, depth: 0, children: 0 }).collect();
    if !matches!(collection, Collection::Acquisitions | Collection::Commitments) {
        return flat();
    }
    let position_of: HashMap<Symbol, u32> =
        rows.iter().filter_map(|&row| id(dataset, collection, row as usize).map(|id| (id, row))).collect();
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut top = Vec::new();
    for &row in rows {
        match parent(dataset, collection, row as usize).and_then(|p| position_of.get(&p)).filter(|&&p| p != row) {
            Some(&parent_row) => children.entry(parent_row).or_default().push(row),
            None => top.push(row),
        }
    }
    if children.is_empty() {
        return flat();
    }
    let mut shown = Vec::with_capacity(rows.len());
    let mut visited = std::collections::HashSet::new();
    let mut stack: Vec<(u32, u8)> = top.iter().rev().map(|&row| (row, 0)).collect();
    while let Some((row, depth)) = stack.pop() {
        if !visited.insert(row) {
            continue;
        }
        let kids = children.get(&row).map_or(&[][..], Vec::as_slice);
        shown.push(DisplayRow { index: row, depth, children: kids.len() as u32 });
        let is_collapsed = id(dataset, collection, row as usize).is_some_and(|id| collapsed.contains(dataset.text(id)));
        if !is_collapsed {
            stack.extend(kids.iter().rev().map(|&kid| (kid, depth.saturating_add(1))));
        }
    }
    // Rows in a parent cycle (a validation error) are never reached from the top: show them flat.
    for &row in rows {
        if !visited.contains(&row) && !children.values().flatten().any(|&kid| kid == row && visited.contains(&kid)) {
            let hidden_under_collapsed = parent(dataset, collection, row as usize)
                .and_then(|p| position_of.get(&p))
                .is_some_and(|p| visited.contains(p));
            if !hidden_under_collapsed {
                shown.push(DisplayRow { index: row, depth: 0, children: 0 });
            }
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
        assert_eq!(model.totals, volumes(&dataset, None, GroupBy::Stage).totals);
    }

    #[test]
    fn commitments_nest_actions_under_their_pledge() {
        let dataset = default_dataset();
        let model = build(&dataset, Collection::Commitments, &Filter::default(), None, &BTreeSet::new());
        let depths: Vec<u8> = model.rows.iter().take(8).map(|r| r.depth).collect();
        assert_eq!(depths, [0, 1, 2, 2, 2, 2, 2, 2], "plan, pledge, six actions");
    }
}
