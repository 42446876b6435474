//! States and organisations the app knows without being told: ISO 3166-1 codes and English names with the
//! spellings sources use (`assets/countries.tsv`), NATO and EU membership with accession dates, and the
//! organisations that buy on members' behalf. A code or a name in a buyer, supplier or party field resolves
//! to one of these, and the dataset gets the actor with its name, so that files stay self-contained.

use std::collections::HashMap;
use std::sync::LazyLock;

use jiff::civil::{Date, date};

use super::{Actor, ActorKind, Confidence, Dataset, Provenance, Symbol, SymbolSet};

/// A state: its ISO 3166-1 codes and English short name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Country {
    pub alpha3: &'static str,
    /// Empty for a former state.
    pub alpha2: &'static str,
    pub name: &'static str,
    pub other_names: Vec<&'static str>,
    /// When the state ceased to exist (the Soviet Union, East Germany), if it did.
    pub withdrawn: Option<&'static str>,
}

/// An organisation that pledges or buys: its id in datasets, its name, and what sources call it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    pub id: &'static str,
    pub name: &'static str,
    pub other_names: &'static [&'static str],
}

pub const ORGANISATIONS: &[Organisation] = &[
    Organisation {
        id: "nato",
        name: "North Atlantic Treaty Organization (NATO)",
        other_names: &["NATO", "North Atlantic Treaty Organization", "OTAN"],
    },
    Organisation {
        id: "nspa",
        name: "NATO Support and Procurement Agency (NSPA)",
        other_names: &["NSPA", "NATO Support and Procurement Agency"],
    },
    Organisation {
        id: "occar",
        name: "Organisation for Joint Armament Co-operation (OCCAR)",
        other_names: &["OCCAR", "Organisation for Joint Armament Cooperation"],
    },
    Organisation { id: "eda", name: "European Defence Agency (EDA)", other_names: &["EDA", "European Defence Agency"] },
    Organisation { id: "eu", name: "European Union", other_names: &["EU", "European Union", "E.U."] },
];

/// A state or an organisation the app knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Known {
    State(&'static Country),
    Organisation(&'static Organisation),
}

impl Known {
    /// The id datasets use: the alpha-3 code of a state, the lower-case id of an organisation.
    pub fn id(self) -> &'static str {
        match self {
            Known::State(country) => country.alpha3,
            Known::Organisation(organisation) => organisation.id,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Known::State(country) => country.name,
            Known::Organisation(organisation) => organisation.name,
        }
    }

    pub fn kind(self) -> ActorKind {
        match self {
            Known::State(_) => ActorKind::State,
            Known::Organisation(_) => ActorKind::Organisation,
        }
    }
}

/// Members of NATO and when they joined (the day their instrument of accession was deposited; for the
/// founders, the day the treaty entered into force).
const NATO_MEMBERS: &[(&str, Day)] = &[
    ("BEL", (1949, 8, 24)),
    ("CAN", (1949, 8, 24)),
    ("DNK", (1949, 8, 24)),
    ("FRA", (1949, 8, 24)),
    ("ISL", (1949, 8, 24)),
    ("ITA", (1949, 8, 24)),
    ("LUX", (1949, 8, 24)),
    ("NLD", (1949, 8, 24)),
    ("NOR", (1949, 8, 24)),
    ("PRT", (1949, 8, 24)),
    ("GBR", (1949, 8, 24)),
    ("USA", (1949, 8, 24)),
    ("GRC", (1952, 2, 18)),
    ("TUR", (1952, 2, 18)),
    ("DEU", (1955, 5, 6)),
    ("ESP", (1982, 5, 30)),
    ("CZE", (1999, 3, 12)),
    ("HUN", (1999, 3, 12)),
    ("POL", (1999, 3, 12)),
    ("BGR", (2004, 3, 29)),
    ("EST", (2004, 3, 29)),
    ("LVA", (2004, 3, 29)),
    ("LTU", (2004, 3, 29)),
    ("ROU", (2004, 3, 29)),
    ("SVK", (2004, 3, 29)),
    ("SVN", (2004, 3, 29)),
    ("ALB", (2009, 4, 1)),
    ("HRV", (2009, 4, 1)),
    ("MNE", (2017, 6, 5)),
    ("MKD", (2020, 3, 27)),
    ("FIN", (2023, 4, 4)),
    ("SWE", (2024, 3, 7)),
];

/// Members of the European Union (of the European Communities before 1993): joined, and left.
const EU_MEMBERS: &[(&str, Day, Option<Day>)] = &[
    ("BEL", (1958, 1, 1), None),
    ("DEU", (1958, 1, 1), None),
    ("FRA", (1958, 1, 1), None),
    ("ITA", (1958, 1, 1), None),
    ("LUX", (1958, 1, 1), None),
    ("NLD", (1958, 1, 1), None),
    ("DNK", (1973, 1, 1), None),
    ("IRL", (1973, 1, 1), None),
    ("GBR", (1973, 1, 1), Some((2020, 1, 31))),
    ("GRC", (1981, 1, 1), None),
    ("ESP", (1986, 1, 1), None),
    ("PRT", (1986, 1, 1), None),
    ("AUT", (1995, 1, 1), None),
    ("FIN", (1995, 1, 1), None),
    ("SWE", (1995, 1, 1), None),
    ("CYP", (2004, 5, 1), None),
    ("CZE", (2004, 5, 1), None),
    ("EST", (2004, 5, 1), None),
    ("HUN", (2004, 5, 1), None),
    ("LVA", (2004, 5, 1), None),
    ("LTU", (2004, 5, 1), None),
    ("MLT", (2004, 5, 1), None),
    ("POL", (2004, 5, 1), None),
    ("SVK", (2004, 5, 1), None),
    ("SVN", (2004, 5, 1), None),
    ("BGR", (2007, 1, 1), None),
    ("ROU", (2007, 1, 1), None),
    ("HRV", (2013, 7, 1), None),
];

/// A day as (year, month, day), written short for the tables above.
type Day = (i16, i8, i8);

fn day((year, month, day): Day) -> Date {
    date(year, month, day)
}

/// True when the state (by alpha-3 code) was a NATO member on `on`.
pub fn is_nato_member(alpha3: &str, on: Date) -> bool {
    NATO_MEMBERS.iter().any(|(code, joined)| *code == alpha3 && day(*joined) <= on)
}

/// True when the state (by alpha-3 code) was a member of the EU (or the Communities before it) on `on`.
pub fn is_eu_member(alpha3: &str, on: Date) -> bool {
    EU_MEMBERS
        .iter()
        .any(|(code, joined, left)| *code == alpha3 && day(*joined) <= on && left.is_none_or(|left| on <= day(left)))
}

/// An alliance whose members a filter can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Alliance {
    Nato,
    Eu,
}

impl Alliance {
    pub const ALL: [Alliance; 2] = [Alliance::Nato, Alliance::Eu];

    pub fn label(self) -> &'static str {
        match self {
            Alliance::Nato => "NATO members",
            Alliance::Eu => "EU members",
        }
    }

    /// True when the state (by alpha-3 code) was a member on `on`.
    pub fn has_member(self, alpha3: &str, on: Date) -> bool {
        match self {
            Alliance::Nato => is_nato_member(alpha3, on),
            Alliance::Eu => is_eu_member(alpha3, on),
        }
    }
}

/// The reference table, read once from the embedded file.
pub struct Reference {
    pub countries: Vec<Country>,
}

static TABLE: &str = include_str!("../../assets/countries.tsv");

static REFERENCE: LazyLock<Reference> = LazyLock::new(|| {
    // The table is part of the program: a malformed line is a bug that the tests catch, and is skipped.
    let countries: Vec<Country> = TABLE
        .lines()
        .filter(|line| !line.starts_with('#'))
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.split('\t');
            let (alpha3, alpha2, name) = (cells.next()?, cells.next()?, cells.next()?);
            let other_names = cells.next().unwrap_or("").split('|').filter(|n| !n.is_empty()).collect();
            let withdrawn = cells.next().filter(|date| !date.is_empty());
            Some(Country { alpha3, alpha2, name, other_names, withdrawn })
        })
        .collect();
    Reference { countries }
});

/// Every spelling the table knows, normalised (see [`normalise`]), to what it names.
static NAMES: LazyLock<HashMap<String, Known>> = LazyLock::new(|| {
    let mut names = HashMap::new();
    for country in &REFERENCE.countries {
        let known = Known::State(country);
        for name in [country.alpha3, country.name].into_iter().chain(country.other_names.iter().copied()) {
            names.entry(normalise(name)).or_insert(known);
        }
    }
    for organisation in ORGANISATIONS {
        let known = Known::Organisation(organisation);
        for name in [organisation.id, organisation.name].into_iter().chain(organisation.other_names.iter().copied()) {
            names.entry(normalise(name)).or_insert(known);
        }
    }
    names
});

/// The ids of the states and organisations the table knows, each of which [`find`] reads back as itself.
static IDS: LazyLock<rustc_hash::FxHashSet<&'static str>> = LazyLock::new(|| {
    let states = REFERENCE.countries.iter().map(|country| country.alpha3);
    let organisations = ORGANISATIONS.iter().map(|organisation| organisation.id);
    states.chain(organisations).filter(|id| find(id).map(Known::id) == Some(*id)).collect()
});

/// Whether `text` is, exactly, the id a dataset stores for a state or an organisation the table knows
/// ("DEU", "nato"): what [`find`] makes of it is the text itself, so it needs no reading.
pub fn is_id(text: &str) -> bool {
    IDS.contains(text)
}

/// The reference table.
pub fn reference() -> &'static Reference {
    &REFERENCE
}

impl Reference {
    pub fn country(&self, alpha3: &str) -> Option<&'static Country> {
        REFERENCE.countries.iter().find(|country| country.alpha3 == alpha3)
    }
}

/// Lower case, spaces collapsed, SIPRI's `*` and `**` marks (non-state actor, organisation) taken off.
pub fn normalise(name: &str) -> String {
    let name = name.trim().trim_end_matches('*').trim();
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// What a code or name stands for: an alpha-3 code, an alpha-2 code in capitals ("DE"), an English name
/// in any of the spellings sources use, an organisation's acronym or name; any case.
pub fn find(text: &str) -> Option<Known> {
    let text = text.trim();
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase()) {
        // Two capitals are an alpha-2 code; in lower case they are too often a word ("no", "it").
        if let Some(country) = REFERENCE.countries.iter().find(|country| country.alpha2 == text) {
            return Some(Known::State(country));
        }
    }
    NAMES.get(&normalise(text)).copied()
}

/// Gives every actor id the dataset's records name but its actors lack an actor: with its name where the
/// reference table knows it (an id written as a name, "Germany" or "Turkey", becomes the code, "DEU" or
/// "TUR", in the records first), else as written, marked low confidence. Returns how many were added.
pub fn complete_actors(dataset: &mut Dataset, note: &str) -> usize {
    let known_ids: std::collections::HashSet<Symbol> = dataset.actors.iter().map(|actor| actor.id).collect();
    let mut named = SymbolSet::for_strings(&dataset.strings);
    for record in &dataset.acquisitions {
        let actors = record.buyers.iter().chain(&record.recipient).chain(&record.agency).chain(&record.supplier);
        actors.for_each(|&id| named.insert(id));
    }
    for record in &dataset.commitments {
        record.parties.iter().for_each(|&id| named.insert(id));
    }
    // Ids the table knows, to the symbol of their canonical id.
    let mut renamed: HashMap<Symbol, Symbol> = HashMap::new();
    let mut unknown: Vec<Symbol> = Vec::new();
    let mut added = 0;
    for symbol in named.iter() {
        if known_ids.contains(&symbol) {
            continue;
        }
        let Some(known) = find(dataset.text(symbol)) else {
            unknown.push(symbol);
            continue;
        };
        let id = dataset.intern(known.id());
        if id != symbol {
            renamed.insert(symbol, id);
        }
        if !known_ids.contains(&id) && !dataset.actors.iter().any(|actor| actor.id == id) {
            dataset.actors.push(Actor {
                id,
                name: known.name().into(),
                kind: known.kind(),
                provenance: Provenance { sources: Vec::new(), confidence: Confidence::High, notes: note.to_owned() },
            });
            added += 1;
        }
    }
    // A name the table does not know is an actor all the same, its kind told by SIPRI's marks (`**` an
    // organisation, `*` a non-state group), else by where it is named.
    let suppliers: std::collections::HashSet<Symbol> = dataset.acquisitions.iter().filter_map(|a| a.supplier).collect();
    for symbol in unknown {
        let text = dataset.text(symbol);
        let kind = if text.ends_with("**") {
            ActorKind::Organisation
        } else if text.ends_with('*') {
            ActorKind::Group
        } else if suppliers.contains(&symbol) {
            ActorKind::Company
        } else {
            ActorKind::State
        };
        let name = text.trim_end_matches('*').trim().to_owned();
        let notes = format!("{note} Not in the app's list of states and organisations: check its name and kind.");
        dataset.actors.push(Actor {
            id: symbol,
            name: name.into(),
            kind,
            provenance: Provenance { sources: Vec::new(), confidence: Confidence::Low, notes },
        });
        added += 1;
    }
    if !renamed.is_empty() {
        let map = |symbol: Symbol| renamed.get(&symbol).copied().unwrap_or(symbol);
        for record in &mut dataset.acquisitions {
            for buyer in record.buyers.iter_mut() {
                *buyer = map(*buyer);
            }
            record.recipient = record.recipient.map(map);
            record.agency = record.agency.map(map);
            record.supplier = record.supplier.map(map);
        }
        for record in &mut dataset.commitments {
            for party in &mut record.parties {
                *party = map(*party);
            }
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_whole() {
        let countries = &reference().countries;
        assert!(countries.len() >= 249, "{}", countries.len());
        assert!(countries.iter().all(|c| c.alpha3.len() == 3 && !c.name.is_empty()));
        let lines = TABLE.lines().filter(|line| !line.starts_with('#')).count() - 1;
        assert_eq!(countries.len(), lines, "every line of assets/countries.tsv is read");
    }

    #[test]
    fn the_spellings_sources_use_resolve() {
        for (text, id) in [
            ("Czech Republic", "CZE"),
            ("Czechia", "CZE"),
            ("Turkey", "TUR"),
            ("Türkiye", "TUR"),
            ("Turkiye", "TUR"),
            ("UK", "GBR"),
            ("United Kingdom", "GBR"),
            ("USA", "USA"),
            ("United States", "USA"),
            ("Russian Federation", "RUS"),
            ("Russia", "RUS"),
            ("  germany ", "DEU"),
            ("DE", "DEU"),
            ("deu", "DEU"),
            ("South Korea", "KOR"),
            ("Soviet Union", "SUN"),
            ("East Germany (GDR)", "DDR"),
            ("NATO**", "nato"),
            ("NSPA", "nspa"),
            ("OCCAR", "occar"),
            ("European Defence Agency", "eda"),
            ("EU", "eu"),
        ] {
            assert_eq!(find(text).map(Known::id), Some(id), "{text}");
        }
        assert_eq!(find("no"), None, "a lower-case word is not an alpha-2 code");
        assert_eq!(find("Atlantis"), None);
    }

    #[test]
    fn membership_follows_accession_dates() {
        assert!(is_nato_member("FIN", date(2023, 4, 4)));
        assert!(!is_nato_member("FIN", date(2023, 4, 3)));
        assert!(is_nato_member("SWE", date(2024, 7, 10)));
        assert!(!is_nato_member("SWE", date(2023, 7, 11)), "not yet at Vilnius");
        assert_eq!(NATO_MEMBERS.len(), 32);
        assert!(is_eu_member("GBR", date(2019, 1, 1)));
        assert!(!is_eu_member("GBR", date(2020, 2, 1)));
        assert!(is_eu_member("HRV", date(2024, 1, 1)));
        assert_eq!(EU_MEMBERS.iter().filter(|(_, _, left)| left.is_none()).count(), 27);
        let codes = NATO_MEMBERS.iter().map(|(code, _)| code).chain(EU_MEMBERS.iter().map(|(code, _, _)| code));
        assert!(codes.into_iter().all(|code| reference().country(code).is_some()));
    }

    #[test]
    fn codes_and_names_in_records_become_actors() {
        let text = "id,system,category,buyers,supplier,stage,confidence\n\
                    a1,X,c,DEU;Netherlands,Turkey,contracted,high\n\
                    a2,Y,c,NLD;Atlantis,,planned,high\n";
        let mut dataset =
            crate::io::csv::import_table(super::super::Collection::Acquisitions, text.as_bytes(), "a.csv").unwrap();
        let added = complete_actors(&mut dataset, "added");
        assert_eq!(added, 4);
        let names: Vec<&str> = dataset.actors.iter().map(|actor| &*actor.name).collect();
        assert_eq!(names, ["Germany", "Netherlands", "Türkiye", "Atlantis"]);
        assert_eq!(dataset.actors[3].provenance.confidence, Confidence::Low, "an unknown name is marked for checking");
        let buyers: Vec<&str> = dataset.acquisitions[1].buyers.iter().map(|&b| dataset.text(b)).collect();
        assert_eq!(buyers, ["NLD", "Atlantis"], "a name becomes its code; an unknown one stays");
        assert_eq!(dataset.text(dataset.acquisitions[0].supplier.unwrap()), "TUR");
    }
}
