//! The filter the user sets in the tables: free text, categories, stages, buyers, agencies, origin
//! summits, a date range and confidence. The same filter drives the tables, the timeline, the plots and
//! reports, so what the user sees is what they report. It holds ids as text, so it survives reloads.

use std::collections::BTreeSet;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::model::countries::{Alliance, reference};
use crate::model::{Collection, Confidence, Dataset, FuzzyDate, Stage, Symbol};

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Matched, case-insensitively, against every text field and the names of referenced actors.
    pub text: String,
    pub categories: BTreeSet<String>,
    pub systems: BTreeSet<String>,
    pub stages: BTreeSet<Stage>,
    /// Actor ids of buyers (for commitments: parties).
    pub buyers: BTreeSet<String>,
    /// Buyers that were members of these alliances on `members_on` (today when None), besides `buyers`.
    pub members_of: BTreeSet<Alliance>,
    pub members_on: Option<Date>,
    /// Actor ids of who receives an order (its recipient, else its buyers).
    pub recipients: BTreeSet<String>,
    /// Commitment ids: acquisitions that serve one, directly, through one of its actions, or as a national
    /// order under a framework that does.
    pub commitments: BTreeSet<String>,
    /// Actor ids of agencies.
    pub agencies: BTreeSet<String>,
    /// Event ids of the summits or events commitments came from; an acquisition matches through the
    /// commitment it serves.
    pub origins: BTreeSet<String>,
    pub confidence: BTreeSet<Confidence>,
    /// Records whose date span overlaps this range (records with no date are left out when it is set).
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Acquisitions ordered in this year or quarter, grouped exactly as the plots group them.
    pub order_period: Option<OrderPeriod>,
}

/// A year or a quarter of the order date, as the time plots group acquisitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderPeriod {
    Year(i16),
    Quarter(i16, u8),
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// "stage: contracted; buyer: DEU; text: “patriot”", for the "N of M" line and reports.
    pub fn describe(&self) -> String {
        fn named<'a>(parts: &mut Vec<String>, name: &str, items: impl IntoIterator<Item = &'a str>) {
            let items: Vec<&str> = items.into_iter().collect();
            if !items.is_empty() {
                parts.push(format!("{name}: {}", items.join(", ")));
            }
        }
        let mut parts = Vec::new();
        if !self.text.trim().is_empty() {
            parts.push(format!("text “{}”", self.text.trim()));
        }
        named(&mut parts, "category", self.categories.iter().map(String::as_str));
        named(&mut parts, "system", self.systems.iter().map(String::as_str));
        named(&mut parts, "stage", self.stages.iter().map(|s| s.label()));
        named(&mut parts, "buyer", self.buyers.iter().map(String::as_str));
        if !self.members_of.is_empty() {
            let on = self.members_on.map_or_else(|| "today".to_owned(), |date| date.to_string());
            named(&mut parts, &format!("buyers, as of {on}"), self.members_of.iter().map(|a| a.label()));
        }
        named(&mut parts, "recipient", self.recipients.iter().map(String::as_str));
        named(&mut parts, "serving", self.commitments.iter().map(String::as_str));
        named(&mut parts, "agency", self.agencies.iter().map(String::as_str));
        named(&mut parts, "origin", self.origins.iter().map(String::as_str));
        named(&mut parts, "confidence", self.confidence.iter().map(|c| c.label()));
        match (self.from, self.to) {
            (Some(from), Some(to)) => parts.push(format!("dates {from} to {to}")),
            (Some(from), None) => parts.push(format!("dates from {from}")),
            (None, Some(to)) => parts.push(format!("dates until {to}")),
            (None, None) => {}
        }
        match self.order_period {
            Some(OrderPeriod::Year(year)) => parts.push(format!("ordered in {year}")),
            Some(OrderPeriod::Quarter(year, quarter)) => parts.push(format!("ordered in {year} Q{quarter}")),
            None => {}
        }
        if parts.is_empty() { "no filter".to_owned() } else { parts.join("; ") }
    }
}

/// The filter resolved against one dataset: symbols instead of text, and which strings match the search.
struct Resolved<'a> {
    dataset: &'a Dataset,
    filter: &'a Filter,
    needle: String,
    /// Per symbol: does its text (or, for an actor id, the actor's name) contain the search text?
    symbol_matches: Vec<bool>,
    categories: Option<Vec<bool>>,
    systems: Option<Vec<bool>>,
    buyers: Option<Vec<bool>>,
    recipients: Option<Vec<bool>>,
    /// The commitments chosen and their actions, and the commitment each framework contract serves.
    served: Option<(std::collections::HashSet<Symbol>, std::collections::HashMap<Symbol, Symbol>)>,
    agencies: Option<Vec<bool>>,
    /// Per commitment: does it come from one of the origins (directly or through its parent)?
    commitment_origin: Option<Vec<bool>>,
}

impl<'a> Resolved<'a> {
    fn new(dataset: &'a Dataset, filter: &'a Filter) -> Self {
        let needle = filter.text.trim().to_lowercase();
        let symbol_count = dataset.strings.len();
        let mut symbol_matches = vec![false; symbol_count];
        if !needle.is_empty() {
            // Every distinct string once (ids included, so as many as the rows), on every core.
            symbol_matches.par_iter_mut().enumerate().for_each(|(index, slot)| {
                *slot = contains_ignoring_case(symbol_text(dataset, index), &needle);
            });
            for actor in &dataset.actors {
                if actor.name.to_lowercase().contains(&needle)
                    && let Some(slot) = symbol_matches.get_mut(actor.id.index())
                {
                    *slot = true;
                }
            }
        }
        let set = |texts: &BTreeSet<String>| {
            (!texts.is_empty()).then(|| {
                let mut marks = vec![false; symbol_count];
                for text in texts {
                    if let Some(symbol) = dataset.strings.get(text) {
                        marks[symbol.index()] = true;
                    }
                }
                marks
            })
        };
        let categories = set(&filter.categories);
        let systems = set(&filter.systems);
        let mut buyers = set(&filter.buyers);
        if !filter.members_of.is_empty() {
            let on = filter.members_on.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
            let marks = buyers.get_or_insert_with(|| vec![false; symbol_count]);
            for country in &reference().countries {
                if filter.members_of.iter().any(|alliance| alliance.has_member(country.alpha3, on))
                    && let Some(symbol) = dataset.strings.get(country.alpha3)
                {
                    marks[symbol.index()] = true;
                }
            }
        }
        let agencies = set(&filter.agencies);
        let recipients = set(&filter.recipients);
        let served = (!filter.commitments.is_empty()).then(|| served_commitments(dataset, &filter.commitments));
        let commitment_origin = set(&filter.origins).map(|origins| {
            let hit = |symbol: Option<Symbol>| symbol.is_some_and(|s| origins[s.index()]);
            let direct: std::collections::HashMap<Symbol, bool> =
                dataset.commitments.iter().map(|c| (c.id, hit(c.origin))).collect();
            // An action inherits the origin of the pledge it belongs to.
            dataset
                .commitments
                .iter()
                .map(|c| direct[&c.id] || c.parent.is_some_and(|parent| direct.get(&parent) == Some(&true)))
                .collect()
        });
        Resolved {
            dataset,
            filter,
            needle,
            symbol_matches,
            categories,
            systems,
            buyers,
            recipients,
            served,
            agencies,
            commitment_origin,
        }
    }

    fn serves_chosen(&self, a: &crate::model::Acquisition) -> bool {
        let Some((chosen, framework_commitment)) = &self.served else { return true };
        let commitment = a.commitment.or_else(|| a.parent.and_then(|p| framework_commitment.get(&p).copied()));
        commitment.is_some_and(|c| chosen.contains(&c))
    }

    fn has(marks: &Option<Vec<bool>>, symbol: Option<Symbol>) -> bool {
        match marks {
            None => true,
            Some(marks) => symbol.is_some_and(|s| marks.get(s.index()).copied().unwrap_or(false)),
        }
    }

    fn any(marks: &Option<Vec<bool>>, symbols: &[Symbol]) -> bool {
        match marks {
            None => true,
            Some(_) => symbols.iter().any(|&s| Self::has(marks, Some(s))),
        }
    }

    fn text_hit<'s>(&self, symbols: impl IntoIterator<Item = &'s Symbol>, texts: &[&str]) -> bool {
        self.needle.is_empty()
            || symbols.into_iter().any(|s| self.symbol_matches.get(s.index()).copied().unwrap_or(false))
            || texts.iter().any(|t| contains_ignoring_case(t, &self.needle))
    }

    fn dates_hit(&self, dates: &[Option<FuzzyDate>]) -> bool {
        let (from, to) = (self.filter.from, self.filter.to);
        if from.is_none() && to.is_none() {
            return true;
        }
        dates.iter().flatten().any(|date| {
            let starts_before_end = match (to, date.earliest()) {
                (Some(to), Some(start)) => start <= to,
                _ => true,
            };
            let ends_after_start = match (from, date.latest()) {
                (Some(from), Some(end)) => end >= from,
                _ => true,
            };
            starts_before_end && ends_after_start
        })
    }

    fn period_hit(&self, date: Option<FuzzyDate>) -> bool {
        match self.filter.order_period {
            None => true,
            Some(OrderPeriod::Year(year)) => date.is_some_and(|d| d.year() == year),
            Some(OrderPeriod::Quarter(year, quarter)) => {
                date.and_then(|d| crate::analysis::volumes::quarter_of(&d)) == Some((year, quarter))
            }
        }
    }

    fn confidence_hit(&self, confidence: Confidence) -> bool {
        self.filter.confidence.is_empty() || self.filter.confidence.contains(&confidence)
    }

    fn commitment_position(&self, id: Option<Symbol>) -> Option<usize> {
        id.and_then(|id| self.dataset.commitments.iter().position(|c| c.id == id))
    }

    fn matches(&self, collection: Collection, index: usize) -> bool {
        let dataset = self.dataset;
        match collection {
            Collection::Acquisitions => {
                let Some(a) = dataset.acquisitions.get(index) else { return false };
                let origin_ok = match &self.commitment_origin {
                    None => true,
                    Some(marks) => self.commitment_position(a.commitment).is_some_and(|p| marks[p]),
                };
                (self.filter.stages.is_empty() || self.filter.stages.contains(&a.stage))
                    && self.confidence_hit(a.confidence)
                    && Self::has(&self.categories, Some(a.category))
                    && Self::has(&self.systems, Some(a.system))
                    && Self::any(&self.buyers, &a.buyers)
                    && Self::any(&self.recipients, a.recipients())
                    && self.serves_chosen(a)
                    && Self::has(&self.agencies, a.agency)
                    && origin_ok
                    && self.dates_hit(&[a.date, a.delivery])
                    && self.period_hit(a.date)
                    && self.text_hit(
                        [&a.id, &a.system, &a.category]
                            .into_iter()
                            .chain(&a.buyers)
                            .chain(&a.recipient)
                            .chain(&a.sources)
                            .chain(&a.agency)
                            .chain(&a.supplier)
                            .chain(a.quantity.as_ref().and_then(|q| q.unit.as_ref())),
                        &[
                            a.notes.as_deref().unwrap_or(""),
                            a.quantity.as_ref().and_then(|q| q.text.as_deref()).unwrap_or(""),
                        ],
                    )
            }
            Collection::Commitments => {
                let Some(c) = dataset.commitments.get(index) else { return false };
                let origin_ok = self.commitment_origin.as_ref().is_none_or(|marks| marks[index]);
                self.confidence_hit(c.provenance.confidence)
                    && (self.categories.is_none() || Self::has(&self.categories, c.category))
                    && Self::any(&self.buyers, &c.parties)
                    && origin_ok
                    && self.dates_hit(&[c.adopted, c.horizon])
                    && self.text_hit(
                        [&c.id].into_iter().chain(&c.parties).chain(&c.provenance.sources).chain(&c.category),
                        &[&c.title, &c.description, &c.provenance.notes, c.kind.label(), c.status.label()],
                    )
            }
            Collection::Events => {
                let Some(e) = dataset.events.get(index) else { return false };
                let origin_ok = self.filter.origins.is_empty() || self.filter.origins.contains(dataset.text(e.id));
                self.confidence_hit(e.provenance.confidence)
                    && origin_ok
                    && self.dates_hit(&[Some(e.date)])
                    && self.text_hit(
                        [&e.id].into_iter().chain(&e.related).chain(&e.provenance.sources),
                        &[&e.title, &e.location, &e.provenance.notes, e.kind.label()],
                    )
            }
            Collection::Sources => {
                let Some(s) = dataset.sources.get(index) else { return false };
                self.text_hit([&s.id], &[&s.title, &s.publisher, &s.url, &s.notes])
            }
            Collection::Actors => {
                let Some(a) = dataset.actors.get(index) else { return false };
                self.text_hit([&a.id], &[&a.name, &a.provenance.notes, a.kind.label()])
            }
        }
    }
}

fn symbol_text(dataset: &Dataset, index: usize) -> &str {
    dataset.strings.resolve_index(index)
}

/// Whether `haystack` contains `needle` (already lower-case), ignoring case, without allocating for
/// ASCII needles: this runs for every row on every search.
pub fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if needle.is_ascii() {
        let needle = needle.as_bytes();
        haystack.as_bytes().windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle))
    } else {
        haystack.to_lowercase().contains(needle)
    }
}

/// Tells whether single records pass a filter: following an edit without filtering every record.
pub struct Matcher<'a>(Resolved<'a>);

impl<'a> Matcher<'a> {
    pub fn new(dataset: &'a Dataset, filter: &'a Filter) -> Self {
        Matcher(Resolved::new(dataset, filter))
    }

    pub fn passes(&self, collection: Collection, index: usize) -> bool {
        self.0.matches(collection, index)
    }
}

/// Positions of the records of `collection` that pass `filter`, in dataset order.
pub fn filtered(dataset: &Dataset, collection: Collection, filter: &Filter) -> Vec<u32> {
    // No filter: every record, without reading any (a sixth of building a table of a million rows).
    if filter.is_empty() {
        return (0..dataset.len(collection) as u32).collect();
    }
    let resolved = Resolved::new(dataset, filter);
    // An indexed parallel iterator collects in order: the rows come back as they are in the dataset.
    (0..dataset.len(collection))
        .into_par_iter()
        .with_min_len(4096)
        .filter(|&index| resolved.matches(collection, index))
        .map(|i| i as u32)
        .collect()
}

/// The commitments with these ids and every action beneath them, and the commitment each acquisition that
/// names one serves (for the national orders under it).
fn served_commitments(
    dataset: &Dataset,
    ids: &BTreeSet<String>,
) -> (std::collections::HashSet<Symbol>, std::collections::HashMap<Symbol, Symbol>) {
    let mut children: std::collections::HashMap<Symbol, Vec<Symbol>> = std::collections::HashMap::new();
    for commitment in &dataset.commitments {
        if let Some(parent) = commitment.parent {
            children.entry(parent).or_default().push(commitment.id);
        }
    }
    // Actions of actions, however deep the plan (and in whatever order its records come), each once.
    let mut chosen: std::collections::HashSet<Symbol> = std::collections::HashSet::new();
    let mut waiting: Vec<Symbol> = ids.iter().filter_map(|id| dataset.strings.get(id)).collect();
    while let Some(id) = waiting.pop() {
        if chosen.insert(id) {
            waiting.extend(children.get(&id).into_iter().flatten().copied());
        }
    }
    (chosen, framework_commitments(dataset))
}

/// By acquisition id, the commitment the acquisition names: what the national orders under a framework
/// contract serve through it.
pub fn framework_commitments(dataset: &Dataset) -> std::collections::HashMap<Symbol, Symbol> {
    dataset.acquisitions.iter().filter_map(|a| a.commitment.map(|c| (a.id, c))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::default_dataset;

    /// What `filtered` gives without reading a record when there is no filter is what reading every
    /// record against the empty filter gives.
    #[test]
    fn no_filter_passes_every_record() {
        let synthetic = crate::synthetic::dataset_json(3_000, 2);
        for dataset in [default_dataset(), crate::io::json::from_str(&synthetic, "synthetic.json").unwrap()] {
            let nothing = Filter::default();
            let resolved = Resolved::new(&dataset, &nothing);
            for collection in Collection::ALL {
                let read: Vec<u32> = (0..dataset.len(collection))
                    .filter(|&i| resolved.matches(collection, i))
                    .map(|i| i as u32)
                    .collect();
                assert_eq!(filtered(&dataset, collection, &nothing), read, "{collection:?}");
                assert_eq!(read.len(), dataset.len(collection), "{collection:?}");
            }
        }
    }

    #[test]
    fn buyers_that_were_members_on_a_date() {
        let dataset = default_dataset();
        let buyers_of = |filter: &Filter| -> BTreeSet<String> {
            filtered(&dataset, Collection::Acquisitions, filter)
                .iter()
                .flat_map(|&row| dataset.acquisitions[row as usize].buyers.iter().map(|&b| dataset.text(b).to_owned()))
                .collect()
        };
        let nato = Filter {
            members_of: [Alliance::Nato].into(),
            members_on: Some(jiff::civil::date(2024, 7, 10)),
            ..Filter::default()
        };
        let buyers = buyers_of(&nato);
        assert!(buyers.contains("FIN") && buyers.contains("DEU"));
        assert!(!buyers.contains("CHE"), "Switzerland is not in NATO");
        let eu = Filter { members_of: [Alliance::Eu].into(), ..nato.clone() };
        assert!(!buyers_of(&eu).contains("CHE"));
        // Finland's order of 2021 is a member's only from April 2023.
        let before = Filter { members_on: Some(jiff::civil::date(2023, 1, 1)), ..nato };
        assert!(!buyers_of(&before).contains("FIN"));
        assert!(before.describe().contains("NATO members"));
    }

    fn ids(dataset: &Dataset, collection: Collection, rows: &[u32]) -> Vec<String> {
        rows.iter()
            .map(|&row| match collection {
                Collection::Acquisitions => dataset.text(dataset.acquisitions[row as usize].id).to_owned(),
                Collection::Commitments => dataset.text(dataset.commitments[row as usize].id).to_owned(),
                _ => row.to_string(),
            })
            .collect()
    }

    /// A plan 200,000 actions deep, each action listed before the one it belongs to: filtering by the
    /// plan or by its origin reaches every action, in time linear in the records (the rounds of an
    /// earlier version made this quadratic: hours).
    #[test]
    fn a_deep_plan_listed_backwards_is_filtered_in_one_pass() {
        let mut dataset = default_dataset();
        let template = dataset.commitments[0].clone();
        let origin = template.origin;
        let depth = 200_000;
        let chain: Vec<_> = (0..depth)
            .rev()
            .map(|level| {
                let mut commitment = template.clone();
                commitment.id = dataset.intern(&format!("deep-{level}"));
                commitment.origin = None;
                commitment.parent = (level > 0).then(|| dataset.intern(&format!("deep-{}", level - 1)));
                commitment
            })
            .collect();
        dataset.commitments.extend(chain);
        dataset.commitments.last_mut().unwrap().origin = origin;
        let by_plan = Filter { commitments: ["deep-0".to_owned()].into(), ..Filter::default() };
        let (chosen, _) = served_commitments(&dataset, &by_plan.commitments);
        assert_eq!(chosen.len(), depth);
        let by_origin = Filter { origins: [dataset.text(origin.unwrap()).to_owned()].into(), ..Filter::default() };
        let rows = filtered(&dataset, Collection::Commitments, &by_origin);
        assert!(rows.len() >= 2, "the origin's own record and the action beneath it");
    }

    #[test]
    fn text_search_covers_fields_and_actor_names() {
        let dataset = default_dataset();
        let filter = Filter { text: "romania".into(), ..Filter::default() };
        let rows = filtered(&dataset, Collection::Acquisitions, &filter);
        assert_eq!(ids(&dataset, Collection::Acquisitions, &rows), ["patriot-gemt", "patriot-gemt-rou", "f35-rou"]);
        let filter = Filter { text: "THOUSANDS".into(), ..Filter::default() };
        assert_eq!(filtered(&dataset, Collection::Acquisitions, &filter).len(), 1);
    }

    #[test]
    fn filters_combine() {
        let dataset = default_dataset();
        let filter = Filter {
            stages: [Stage::Contracted].into(),
            buyers: ["DEU".to_owned()].into(),
            confidence: [Confidence::Medium].into(),
            ..Filter::default()
        };
        let rows = filtered(&dataset, Collection::Acquisitions, &filter);
        assert_eq!(ids(&dataset, Collection::Acquisitions, &rows), ["patriot-gemt-deu", "stinger-deu", "f35-deu"]);
    }

    #[test]
    fn a_date_range_keeps_records_whose_span_overlaps_it() {
        let dataset = default_dataset();
        let filter = Filter { from: Date::new(2024, 1, 1).ok(), to: Date::new(2024, 1, 31).ok(), ..Filter::default() };
        let rows = filtered(&dataset, Collection::Acquisitions, &filter);
        // The two January contracts, and SIPRI's orders dated "2024" or "2024?", whose year overlaps January.
        let found = ids(&dataset, Collection::Acquisitions, &rows);
        assert!(found.contains(&"patriot-gemt".to_owned()) && found.contains(&"nspa-155mm".to_owned()));
        assert!(!found.contains(&"f35-dnk".to_owned()), "2018 is outside");
        assert!(found.contains(&"aircraft-850".to_owned()), "its window, about 2024 to 2029, overlaps January 2024");
    }

    #[test]
    fn origin_summits_select_commitments_and_their_actions() {
        let dataset = default_dataset();
        let filter = Filter { origins: ["washington-summit".to_owned()].into(), ..Filter::default() };
        let rows = filtered(&dataset, Collection::Commitments, &filter);
        assert_eq!(rows.len(), 8, "the pledge, its six actions and the five-year plan");
        let acquisitions = filtered(&dataset, Collection::Acquisitions, &filter);
        assert_eq!(ids(&dataset, Collection::Acquisitions, &acquisitions), ["aircraft-850", "ad-artillery"]);
    }
}
