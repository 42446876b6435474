//! Checks that a loaded dataset is consistent: unique ids, references that resolve, sensible numbers,
//! known currencies, sources on every record. Each problem names the record and the field.
//!
//! Parsing already refuses what cannot be represented (impossible dates, negative counts, wrong types);
//! these are the checks that need the whole dataset. They run in linear time over dense per-symbol arrays.

use std::fmt;

use rayon::prelude::*;

use super::{Acquisition, Collection, Dataset, Money, Quantity, QuantityQualifier, Symbol};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The dataset is not usable as it is.
    Error,
    /// Worth fixing, but the data can be used.
    Warning,
}

/// Where a problem is: a record's field, or the dataset's `meta`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// None for `meta`.
    pub collection: Option<Collection>,
    /// Position of the record in its collection.
    pub index: usize,
    pub id: String,
    pub field: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub place: Place,
    pub message: String,
}

impl fmt::Display for Place {
    /// `acquisitions[3] (id "patriot-gemt") field parent`, the form the command line and the app show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.collection {
            Some(collection) => {
                write!(f, "{}[{}] (id \"{}\") field {}", collection.key(), self.index, self.id, self.field)
            }
            None => write!(f, "meta field {}", self.field),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {severity}: {}", self.place, self.message)
    }
}

/// What each id symbol names, for resolving references in constant time.
struct IdIndex {
    /// Per symbol: the collection and position of the record with that id.
    owner: Vec<Option<(Collection, u32)>>,
}

impl IdIndex {
    fn lookup(&self, id: Symbol) -> Option<(Collection, usize)> {
        self.owner.get(id.index()).copied().flatten().map(|(collection, index)| (collection, index as usize))
    }

    fn is(&self, id: Symbol, collection: Collection) -> bool {
        self.lookup(id).is_some_and(|(found, _)| found == collection)
    }
}

/// All problems of a dataset, errors first, then in collection and record order.
pub fn validate(dataset: &Dataset) -> Vec<Problem> {
    let mut checker = Checker { dataset, problems: Vec::new() };
    let ids = checker.index_ids();
    checker.check_meta();
    checker.check_actors(&ids);
    checker.check_sources();
    checker.check_events(&ids);
    checker.check_commitments(&ids);
    checker.check_acquisitions(&ids);
    let mut problems = checker.problems;
    problems.sort_by_key(|problem| problem.severity);
    problems
}

/// True when no problem is an error.
pub fn is_usable(problems: &[Problem]) -> bool {
    problems.iter().all(|problem| problem.severity != Severity::Error)
}

struct Checker<'a> {
    dataset: &'a Dataset,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn report(
        &mut self,
        severity: Severity,
        collection: Collection,
        index: usize,
        id: Symbol,
        field: &'static str,
        message: String,
    ) {
        let place = Place { collection: Some(collection), index, id: self.dataset.text(id).to_owned(), field };
        self.problems.push(Problem { severity, place, message });
    }

    fn index_ids(&mut self) -> IdIndex {
        let dataset = self.dataset;
        let mut owner = vec![None; dataset.strings.len()];
        let all_ids = dataset
            .actors
            .iter()
            .map(|r| (Collection::Actors, r.id))
            .enumerate()
            .chain(dataset.sources.iter().map(|r| (Collection::Sources, r.id)).enumerate())
            .chain(dataset.events.iter().map(|r| (Collection::Events, r.id)).enumerate())
            .chain(dataset.commitments.iter().map(|r| (Collection::Commitments, r.id)).enumerate())
            .chain(dataset.acquisitions.iter().map(|r| (Collection::Acquisitions, r.id)).enumerate());
        for (index, (collection, id)) in all_ids {
            if dataset.text(id).trim().is_empty() {
                self.report(Severity::Error, collection, index, id, "id", "the id is empty".to_owned());
                continue;
            }
            match owner.get(id.index()).copied().flatten() {
                Some((first_collection, first_index)) => {
                    let first: Collection = first_collection;
                    let message = format!("the id is already used by {}[{first_index}]", first.key());
                    self.report(Severity::Error, collection, index, id, "id", message);
                }
                None => {
                    if let Some(slot) = owner.get_mut(id.index()) {
                        *slot = Some((collection, u32::try_from(index).unwrap_or(u32::MAX)));
                    }
                }
            }
        }
        IdIndex { owner }
    }

    fn check_meta(&mut self) {
        let meta = &self.dataset.meta;
        let mut warn = |field: &'static str, message: &str| {
            let place = Place { collection: None, index: 0, id: String::new(), field };
            self.problems.push(Problem { severity: Severity::Warning, place, message: message.to_owned() });
        };
        if meta.title.trim().is_empty() {
            warn("title", "the dataset has no title");
        }
        if meta.release.trim().is_empty() {
            warn("release", "the dataset states no release label");
        }
        if meta.cutoff.is_none() {
            warn("cutoff", "the dataset states no cut-off date");
        }
    }

    fn check_actors(&mut self, ids: &IdIndex) {
        for (index, actor) in self.dataset.actors.iter().enumerate() {
            if actor.name.trim().is_empty() {
                self.report(
                    Severity::Warning,
                    Collection::Actors,
                    index,
                    actor.id,
                    "name",
                    "the actor has no name".into(),
                );
            }
        }
        // Actors are cited by records rather than citing; their own sources are optional.
        for (index, actor) in self.dataset.actors.iter().enumerate() {
            self.check_sources_of(Collection::Actors, index, actor.id, &actor.provenance.sources, ids, false);
        }
    }

    fn check_sources(&mut self) {
        for (index, source) in self.dataset.sources.iter().enumerate() {
            if source.title.trim().is_empty() {
                self.report(
                    Severity::Warning,
                    Collection::Sources,
                    index,
                    source.id,
                    "title",
                    "the source has no title".into(),
                );
            }
            let url = source.url.trim();
            if !url.is_empty() && source.safe_url().is_none() {
                let message = format!("the link `{url}` is not an http or https address and will not be opened");
                self.report(Severity::Warning, Collection::Sources, index, source.id, "url", message);
            }
        }
    }

    fn check_events(&mut self, ids: &IdIndex) {
        for (index, event) in self.dataset.events.iter().enumerate() {
            let id = event.id;
            if event.title.trim().is_empty() {
                self.report(Severity::Warning, Collection::Events, index, id, "title", "the event has no title".into());
            }
            for &related in &event.related {
                if ids.lookup(related).is_none() {
                    let message =
                        format!("refers to `{}`, which is no record of this dataset", self.dataset.text(related));
                    self.report(Severity::Error, Collection::Events, index, id, "related", message);
                }
            }
            self.check_sources_of(Collection::Events, index, id, &event.provenance.sources, ids, true);
        }
    }

    fn check_commitments(&mut self, ids: &IdIndex) {
        let dataset = self.dataset;
        for (index, commitment) in dataset.commitments.iter().enumerate() {
            let id = commitment.id;
            let here = Collection::Commitments;
            if commitment.title.trim().is_empty() {
                self.report(Severity::Warning, here, index, id, "title", "the commitment has no title".into());
            }
            self.check_reference(ids, here, index, id, "origin", commitment.origin, Collection::Events);
            self.check_reference(ids, here, index, id, "parent", commitment.parent, Collection::Commitments);
            for &party in &commitment.parties {
                self.check_reference(ids, here, index, id, "parties", Some(party), Collection::Actors);
            }
            if let Some(money) = &commitment.value {
                self.check_money(here, index, id, "value", money);
            }
            self.check_sources_of(here, index, id, &commitment.provenance.sources, ids, true);
        }
        let parents: Vec<Option<usize>> = dataset
            .commitments
            .iter()
            .map(|c| {
                c.parent.and_then(|p| ids.lookup(p)).filter(|(col, _)| *col == Collection::Commitments).map(|(_, i)| i)
            })
            .collect();
        for index in records_in_cycles(&parents) {
            let id = dataset.commitments[index].id;
            let message = "the chain of parents loops back to this commitment".to_owned();
            self.report(Severity::Error, Collection::Commitments, index, id, "parent", message);
        }
    }

    fn check_acquisitions(&mut self, ids: &IdIndex) {
        let dataset = self.dataset;
        let here = Collection::Acquisitions;
        // Each chunk of records is checked on whichever core is free (a million records took 150 ms on
        // one); their problems are put together in the records' order.
        let mut start = 0;
        let chunks: Vec<(usize, &[Acquisition])> = dataset
            .acquisitions
            .slices()
            .map(|records| {
                start += records.len();
                (start - records.len(), records)
            })
            .collect();
        let found: Vec<Vec<Problem>> = chunks
            .into_par_iter()
            .map(|(start, records)| {
                let mut checker = Checker { dataset, problems: Vec::new() };
                for (offset, acquisition) in records.iter().enumerate() {
                    checker.check_acquisition(ids, start + offset, acquisition);
                }
                checker.problems
            })
            .collect();
        self.problems.extend(found.into_iter().flatten());
        let parents: Vec<Option<usize>> = dataset
            .acquisitions
            .iter()
            .map(|a| a.parent.and_then(|p| ids.lookup(p)).filter(|(col, _)| *col == here).map(|(_, i)| i))
            .collect();
        for index in records_in_cycles(&parents) {
            let id = dataset.acquisitions[index].id;
            let message = "the chain of parent contracts loops back to this acquisition".to_owned();
            self.report(Severity::Error, here, index, id, "parent", message);
        }
    }

    fn check_acquisition(&mut self, ids: &IdIndex, index: usize, acquisition: &Acquisition) {
        let dataset = self.dataset;
        let here = Collection::Acquisitions;
        let id = acquisition.id;
        if dataset.text(acquisition.system).trim().is_empty() {
            self.report(Severity::Warning, here, index, id, "system", "the acquisition names no system".into());
        }
        for (position, &buyer) in acquisition.buyers.iter().enumerate() {
            self.check_reference(ids, here, index, id, "buyers", Some(buyer), Collection::Actors);
            if acquisition.buyers[..position].contains(&buyer) {
                let message = format!("lists the buyer `{}` twice", dataset.text(buyer));
                self.report(Severity::Warning, here, index, id, "buyers", message);
            }
        }
        self.check_reference(ids, here, index, id, "recipient", acquisition.recipient, Collection::Actors);
        self.check_reference(ids, here, index, id, "agency", acquisition.agency, Collection::Actors);
        self.check_reference(ids, here, index, id, "supplier", acquisition.supplier, Collection::Actors);
        self.check_reference(ids, here, index, id, "parent", acquisition.parent, Collection::Acquisitions);
        self.check_reference(ids, here, index, id, "commitment", acquisition.commitment, Collection::Commitments);
        if let Some(quantity) = &acquisition.quantity {
            self.check_quantity(index, id, quantity);
        }
        if let Some(money) = &acquisition.value {
            self.check_money(here, index, id, "value", money);
        }
        if let (Some(ordered), Some(delivery)) = (acquisition.date.and_then(|d| d.earliest()), acquisition.delivery)
            && delivery.latest().is_some_and(|last| last < ordered)
        {
            let message = "the delivery window ends before the order date".to_owned();
            self.report(Severity::Warning, here, index, id, "delivery", message);
        }
        self.check_sources_of(here, index, id, &acquisition.sources, ids, true);
        if !acquisition.deliveries.is_empty() {
            self.check_deliveries(index, acquisition, ids);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_reference(
        &mut self,
        ids: &IdIndex,
        collection: Collection,
        index: usize,
        id: Symbol,
        field: &'static str,
        reference: Option<Symbol>,
        target: Collection,
    ) {
        let Some(reference) = reference else { return };
        if ids.is(reference, target) {
            return;
        }
        let text = self.dataset.text(reference);
        let message = match ids.lookup(reference) {
            Some((other, _)) => format!("refers to `{text}`, which is in {}, not {}", other.key(), target.key()),
            None => format!("refers to `{text}`, which is not in {}", target.key()),
        };
        self.report(Severity::Error, collection, index, id, field, message);
    }

    fn check_sources_of(
        &mut self,
        collection: Collection,
        index: usize,
        id: Symbol,
        sources: &[Symbol],
        ids: &IdIndex,
        required: bool,
    ) {
        if sources.is_empty() && required {
            self.report(Severity::Warning, collection, index, id, "sources", "the record cites no source".into());
        }
        let dangling: Vec<Symbol> =
            sources.iter().copied().filter(|&source| !ids.is(source, Collection::Sources)).collect();
        for source in dangling {
            let message = format!("cites `{}`, which is not in sources", self.dataset.text(source));
            self.report(Severity::Error, collection, index, id, "sources", message);
        }
    }

    /// Deliveries in order of date, citing sources that exist, and never more than was ordered: an error
    /// when both figures are exact, a warning when either is not.
    fn check_deliveries(&mut self, index: usize, acquisition: &Acquisition, ids: &IdIndex) {
        let (here, id) = (Collection::Acquisitions, acquisition.id);
        let starts = acquisition.deliveries.iter().filter_map(|d| d.date.and_then(|date| date.earliest()));
        if starts.clone().zip(starts.skip(1)).any(|(before, after)| after < before) {
            let message = "the deliveries are not in order of date".to_owned();
            self.report(Severity::Warning, here, index, id, "deliveries", message);
        }
        for source in acquisition.deliveries.iter().flat_map(|d| d.sources.iter()) {
            if !ids.is(*source, Collection::Sources) {
                let message = format!("a delivery cites `{}`, which is not in sources", self.dataset.text(*source));
                self.report(Severity::Error, here, index, id, "deliveries", message);
            }
        }
        let Some((ordered, qualifier)) =
            acquisition.quantity.as_ref().and_then(|q| q.count.map(|count| (count, q.qualifier)))
        else {
            return;
        };
        let delivered = acquisition.delivered();
        let group = |n: u64| crate::model::group_thousands(n as f64, 0);
        if delivered.is_exact() && qualifier == crate::model::QuantityQualifier::Exact {
            if delivered.exact > ordered {
                let message = format!("{} delivered, more than the {} ordered", group(delivered.exact), group(ordered));
                self.report(Severity::Error, here, index, id, "deliveries", message);
            }
        } else if delivered.exact.saturating_add(delivered.approximate) > ordered
            && qualifier != crate::model::QuantityQualifier::AtLeast
        {
            let message = format!(
                "deliveries of {} may exceed the {} ordered (a figure is approximate)",
                delivered.describe(),
                group(ordered)
            );
            self.report(Severity::Warning, here, index, id, "deliveries", message);
        }
    }

    fn check_quantity(&mut self, index: usize, id: Symbol, quantity: &Quantity) {
        let here = Collection::Acquisitions;
        match (quantity.count, quantity.qualifier) {
            (Some(_), QuantityQualifier::Unknown) => {
                let message = "a count is given but the qualifier says unknown".to_owned();
                self.report(Severity::Error, here, index, id, "quantity.qualifier", message);
            }
            (None, qualifier) if qualifier != QuantityQualifier::Unknown => {
                let message = format!("the qualifier is \"{}\" but no count is given", qualifier.label());
                self.report(Severity::Error, here, index, id, "quantity.count", message);
            }
            _ => {}
        }
    }

    fn check_money(&mut self, collection: Collection, index: usize, id: Symbol, field: &'static str, money: &Money) {
        if !money.amount.is_finite() || money.amount < 0.0 {
            let message = format!("the amount {} is not a finite number of zero or more", money.amount);
            self.report(Severity::Error, collection, index, id, field, message);
        }
        if !money.currency.is_known() {
            let message = format!("`{}` is not an ISO 4217 currency code", money.currency);
            self.report(Severity::Error, collection, index, id, field, message);
        }
        if let Some(year) = money.price_year
            && !(1900..=2100).contains(&year)
        {
            let message = format!("the price year {year} is outside 1900 to 2100");
            self.report(Severity::Warning, collection, index, id, field, message);
        }
    }
}

/// Positions of the records whose parent chain comes back to themselves.
fn records_in_cycles(parents: &[Option<usize>]) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Unvisited,
        OnPath,
        Done,
    }
    let mut state = vec![State::Unvisited; parents.len()];
    let mut in_cycle = vec![false; parents.len()];
    let mut path = Vec::new();
    for start in 0..parents.len() {
        let mut current = Some(start);
        while let Some(node) = current {
            match state[node] {
                State::Done => break,
                State::OnPath => {
                    // Everything on the path from `node` onwards is the cycle.
                    let from = path.iter().position(|&n| n == node).unwrap_or(0);
                    for &member in &path[from..] {
                        in_cycle[member] = true;
                    }
                    break;
                }
                State::Unvisited => {
                    state[node] = State::OnPath;
                    path.push(node);
                    current = parents[node].filter(|&parent| parent < parents.len());
                }
            }
        }
        for node in path.drain(..) {
            state[node] = State::Done;
        }
    }
    (0..parents.len()).filter(|&i| in_cycle[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found_and_chains_are_not() {
        assert_eq!(records_in_cycles(&[None, Some(0), Some(1)]), Vec::<usize>::new());
        assert_eq!(records_in_cycles(&[Some(0)]), vec![0]);
        assert_eq!(records_in_cycles(&[Some(1), Some(2), Some(0), Some(0)]), vec![0, 1, 2]);
    }

    #[test]
    fn problems_come_in_the_records_order_and_name_their_record() {
        let text = crate::synthetic::dataset_json(5_000, 3);
        let mut dataset = crate::io::json::from_str(&text, "synthetic.json").unwrap();
        assert!(validate(&dataset).is_empty(), "the synthetic data is valid");
        let (empty, nowhere) = (dataset.intern(""), dataset.intern("nowhere"));
        let broken: Vec<usize> = (0..5_000).step_by(377).collect();
        for &index in &broken {
            let record = &mut dataset.acquisitions[index];
            record.system = empty;
            record.commitment = Some(nowhere);
        }
        let problems = validate(&dataset);
        let places = |field: &str| -> Vec<(usize, String)> {
            problems.iter().filter(|p| p.place.field == field).map(|p| (p.place.index, p.place.id.clone())).collect()
        };
        let expected: Vec<(usize, String)> =
            broken.iter().map(|&index| (index, dataset.text(dataset.acquisitions[index].id).to_owned())).collect();
        assert_eq!(places("commitment"), expected, "errors, in order");
        assert_eq!(places("system"), expected, "warnings, in order");
        assert_eq!(problems.len(), 2 * broken.len());
    }

    #[test]
    fn a_buyer_listed_twice_is_a_warning() {
        let text = r#"{"format": "pledge-explorer-dataset", "version": 1,
            "meta": {"title": "Twice", "release": "1", "cutoff": "2024"},
            "actors": [{"id": "DEU", "name": "Germany", "kind": "state", "confidence": "high"}],
            "sources": [{"id": "s", "title": "A source"}],
            "acquisitions": [{"id": "a", "system": "Howitzer", "category": "artillery", "buyers": ["DEU", "DEU"],
                              "stage": "planned", "sources": ["s"], "confidence": "high"}]}"#;
        let problems = validate(&crate::io::json::from_str(text, "twice.json").unwrap());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].severity, problems[0].place.field), (Severity::Warning, "buyers"));
        assert!(problems[0].message.contains("lists the buyer `DEU` twice"), "{}", problems[0].message);
    }

    /// Deliveries of an order of `quantity`, as their text form: the problems found with them.
    fn delivery_problems(quantity: &str, deliveries: &str) -> Vec<(Severity, String)> {
        let mut dataset = crate::io::json::from_str(
            &format!(
                r#"{{"format": "pledge-explorer-dataset", "version": 2,
                "sources": [{{"id": "s", "title": "A source"}}],
                "acquisitions": [{{"id": "a", "system": "Howitzer", "category": "artillery", "stage": "delivering",
                                  "quantity": {quantity}, "sources": ["s"], "confidence": "high"}}]}}"#
            ),
            "deliveries.json",
        )
        .unwrap();
        let parsed = crate::model::parse_deliveries(deliveries, &mut dataset.strings).unwrap();
        dataset.acquisitions[0].deliveries = parsed;
        validate(&dataset)
            .into_iter()
            .filter(|p| p.place.field == "deliveries")
            .map(|p| (p.severity, p.message))
            .collect()
    }

    #[test]
    fn deliveries_never_exceed_the_order_and_come_in_order_of_date() {
        let exact = r#"{"count": 10}"#;
        assert_eq!(delivery_problems(exact, "2024:4; 2025:6 [s]"), vec![], "all ten delivered");
        let too_many = delivery_problems(exact, "2024:4; 2025:7");
        assert_eq!(too_many.len(), 1);
        assert_eq!(too_many[0].0, Severity::Error, "exact figures that cannot both be right");
        assert!(too_many[0].1.contains("11 delivered, more than the 10 ordered"), "{}", too_many[0].1);
        let estimated = delivery_problems(exact, "2024:4; 2025:7?");
        assert_eq!(estimated[0].0, Severity::Warning, "an estimate may be wrong");
        let about = delivery_problems(r#"{"count": 10, "qualifier": "about"}"#, "2024:11");
        assert_eq!(about[0].0, Severity::Warning, "so may an approximate order");
        let unordered = delivery_problems(exact, "2025:4; 2024:6");
        assert!(unordered.iter().any(|(_, m)| m.contains("not in order of date")), "{unordered:?}");
        let unknown_source = delivery_problems(exact, "2024:4 [nowhere]");
        assert_eq!(unknown_source[0].0, Severity::Error);
    }
}
