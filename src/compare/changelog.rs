//! The change log entry a save proposes: the records the edits since the last save added, changed and
//! removed, each counted once for what it came to (added then changed is added; added then removed is
//! nothing), written as a sentence per kind the user edits before it is kept.

use std::collections::BTreeMap;

use super::ChangeKind;
use crate::model::Collection;

/// A record one edit touched; `collection` None stands for the dataset's details.
#[derive(Clone, Debug, PartialEq)]
pub struct Touch {
    pub collection: Option<Collection>,
    pub id: String,
    pub kind: ChangeKind,
    /// The fields a change set (their labels), when known.
    pub fields: Vec<&'static str>,
}

/// Records named in a sentence of the draft before "and N more".
const NAMED: usize = 12;

/// Touches one undo step lists one by one; past them (an import of a million rows) they are counted.
const LISTED: usize = 10_000;

/// What the edits of one undo step touched.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Touches {
    pub listed: Vec<Touch>,
    /// Touches past the listed ones, counted by table and kind.
    pub counted: BTreeMap<(Option<Collection>, ChangeKind), usize>,
}

impl Touches {
    pub fn push(&mut self, touch: Touch) {
        if self.listed.len() < LISTED {
            self.listed.push(touch);
        } else {
            *self.counted.entry((touch.collection, touch.kind)).or_default() += 1;
        }
    }

    /// True while touches are still listed one by one (worth finding their fields).
    pub fn lists_more(&self) -> bool {
        self.listed.len() < LISTED
    }

    pub fn extend(&mut self, other: &Touches) {
        for touch in &other.listed {
            self.push(touch.clone());
        }
        for (&key, &count) in &other.counted {
            *self.counted.entry(key).or_default() += count;
        }
    }
}

/// The net change per record of `touches`, in the order the records were first touched.
pub fn net(touches: &[Touch]) -> Vec<Touch> {
    let mut order: Vec<(Option<Collection>, String)> = Vec::new();
    let mut by_record: BTreeMap<(Option<Collection>, String), Option<Touch>> = BTreeMap::new();
    for touch in touches {
        let key = (touch.collection, touch.id.clone());
        let slot = by_record.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            None
        });
        *slot = match (slot.take(), touch.kind) {
            (None, _) => Some(touch.clone()),
            (Some(first), ChangeKind::Changed) if first.kind == ChangeKind::Added => Some(first),
            (Some(first), ChangeKind::Removed) if first.kind == ChangeKind::Added => None,
            (Some(mut first), ChangeKind::Changed) => {
                for field in &touch.fields {
                    if !first.fields.contains(field) {
                        first.fields.push(field);
                    }
                }
                Some(first)
            }
            // Removed then added again under the same id: a change, of fields unknown.
            (Some(first), ChangeKind::Added) if first.kind == ChangeKind::Removed => {
                Some(Touch { kind: ChangeKind::Changed, fields: Vec::new(), ..touch.clone() })
            }
            (Some(_), _) => Some(touch.clone()),
        };
    }
    order.into_iter().filter_map(|key| by_record.remove(&key).flatten()).collect()
}

/// The entry's text: "Added 2 acquisitions: a, b. Changed acquisition c (quantity, stage). Removed 1
/// source: s." Empty when nothing is left once the edits are netted.
pub fn draft(touches: &Touches) -> String {
    let net = net(&touches.listed);
    let mut sentences = Vec::new();
    if let Some(details) = net.iter().find(|touch| touch.collection.is_none()) {
        let fields =
            if details.fields.is_empty() { String::new() } else { format!(" ({})", details.fields.join(", ")) };
        sentences.push(format!("Changed the dataset's details{fields}."));
    }
    for kind in ChangeKind::ALL {
        for collection in Collection::IN_VIEW_ORDER {
            let records: Vec<&Touch> =
                net.iter().filter(|touch| touch.kind == kind && touch.collection == Some(collection)).collect();
            let counted = touches.counted.get(&(Some(collection), kind)).copied().unwrap_or(0);
            let total = records.len() + counted;
            if total == 0 {
                continue;
            }
            let noun = if total == 1 {
                collection.singular().to_owned()
            } else {
                format!("{} {}", crate::model::count_text(total), collection.label().to_lowercase())
            };
            let mut named: Vec<String> = records
                .iter()
                .take(NAMED)
                .map(|touch| {
                    if touch.fields.is_empty() {
                        touch.id.clone()
                    } else {
                        format!("{} ({})", touch.id, lower(&touch.fields))
                    }
                })
                .collect();
            if total > named.len() {
                named.push(format!("and {} more", crate::model::count_text(total - named.len())));
            }
            let verb = match kind {
                ChangeKind::Added => "Added",
                ChangeKind::Removed => "Removed",
                ChangeKind::Changed => "Changed",
            };
            sentences.push(format!("{verb} {noun}: {}.", named.join(", ")));
        }
    }
    sentences.join(" ")
}

/// Field labels as words in a sentence: "stage, quantity".
fn lower(labels: &[&str]) -> String {
    labels.iter().map(|label| label.to_lowercase()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(id: &str, kind: ChangeKind, fields: &[&'static str]) -> Touch {
        Touch { collection: Some(Collection::Acquisitions), id: id.to_owned(), kind, fields: fields.to_vec() }
    }

    fn touches(list: impl IntoIterator<Item = Touch>) -> Touches {
        let mut touches = Touches::default();
        for touch in list {
            touches.push(touch);
        }
        touches
    }

    #[test]
    fn edits_are_netted_per_record() {
        let touches = [
            touch("a", ChangeKind::Added, &[]),
            touch("a", ChangeKind::Changed, &["quantity"]),
            touch("b", ChangeKind::Added, &[]),
            touch("b", ChangeKind::Removed, &[]),
            touch("c", ChangeKind::Changed, &["stage"]),
            touch("c", ChangeKind::Changed, &["quantity", "stage"]),
            touch("d", ChangeKind::Changed, &["notes"]),
            touch("d", ChangeKind::Removed, &[]),
        ];
        let net = net(&touches);
        let summary: Vec<(&str, ChangeKind, Vec<&str>)> =
            net.iter().map(|t| (t.id.as_str(), t.kind, t.fields.clone())).collect();
        assert_eq!(
            summary,
            vec![
                ("a", ChangeKind::Added, vec![]),
                ("c", ChangeKind::Changed, vec!["stage", "quantity"]),
                ("d", ChangeKind::Removed, vec![]),
            ]
        );
        assert_eq!(
            draft(&super::Touches { listed: touches.to_vec(), ..Default::default() }),
            "Added acquisition: a. Removed acquisition: d. Changed acquisition: c (stage, quantity)."
        );
    }

    #[test]
    fn a_long_list_names_a_few_and_counts_the_rest() {
        let list = touches((0..20).map(|n| touch(&format!("r{n}"), ChangeKind::Added, &[])));
        let text = draft(&list);
        assert!(text.starts_with("Added 20 acquisitions: r0, r1,"), "{text}");
        assert!(text.ends_with("r11, and 8 more."), "{text}");
        // An import of more rows than are listed: counted, and said all the same.
        let many = touches((0..LISTED + 5).map(|n| touch(&format!("r{n}"), ChangeKind::Added, &[])));
        assert_eq!(many.listed.len(), LISTED);
        let text = draft(&many);
        assert!(text.starts_with("Added 10,005 acquisitions: r0,"), "{text}");
        assert!(text.ends_with("and 9,993 more."), "{text}");
    }

    #[test]
    fn an_edit_undone_by_the_next_leaves_nothing_to_say() {
        let list = touches([touch("x", ChangeKind::Added, &[]), touch("x", ChangeKind::Removed, &[])]);
        assert_eq!(draft(&list), "");
    }
}
