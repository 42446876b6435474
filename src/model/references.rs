//! Filling in what records name but a dataset lacks, so that a table brought in from elsewhere is a
//! self-contained dataset: the states and organisations the reference table knows (see [`countries`]),
//! and a stub for each source cited by id only, named after the file it came from.

use super::{Dataset, Record, Source, Symbol, SymbolSet, countries};

/// How many records were added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Completed {
    pub actors: usize,
    pub sources: usize,
}

/// Adds the actors and sources `dataset`'s records name and it lacks; `origin` names where they came from.
pub fn complete(dataset: &mut Dataset, origin: &str) -> Completed {
    let actors = countries::complete_actors(
        dataset,
        &format!("From Pledge Explorer's list of states and organisations; named in {origin}."),
    );
    let known: std::collections::HashSet<Symbol> = dataset.sources.iter().map(|source| source.id).collect();
    let mut cited = SymbolSet::for_strings(&dataset.strings);
    for record in &dataset.acquisitions {
        record.sources.iter().for_each(|&id| cited.insert(id));
    }
    for provenance in dataset
        .actors
        .iter()
        .map(|r| &r.provenance)
        .chain(dataset.events.iter().map(|r| &r.provenance))
        .chain(dataset.commitments.iter().map(|r| &r.provenance))
    {
        provenance.sources.iter().for_each(|&id| cited.insert(id));
    }
    let missing: Vec<Symbol> = cited.iter().filter(|id| !known.contains(id)).collect();
    for &id in &missing {
        let source = Source {
            id,
            title: dataset.text(id).to_owned(),
            publisher: String::new(),
            url: String::new(),
            published: None,
            accessed: None,
            notes: format!("Cited by id in {origin}, which does not describe it: add its title, publisher and link."),
        };
        let end = dataset.sources.len();
        dataset.insert(end, Record::Source(source));
    }
    Completed { actors, sources: missing.len() }
}
