//! The Changes view: what another version of the dataset has differently, by record, filterable by kind
//! and table; each change can be taken into the open dataset (one undoable step), or all of them but the
//! conflicts. With the open file as last saved for a common base, the merge is three-way: only what the
//! other version changed is offered, and a field both changed differently is a conflict shown with the
//! base, ours and theirs. The merge is derived once per change of the data, on a worker for large data.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::compare::ChangeKind;
use crate::compare::merge::{Marks, Merge, Proposal, ProposedField, merge};
use crate::context::Message;
use crate::model::{Collection, Dataset, counted};

use super::View;
use super::derived::{BACKGROUND_ROWS, Derived};

/// The merge and what the tables mark, derived together.
pub struct Compared {
    pub merge: Merge,
    pub marks: Marks,
}

/// Which proposals the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shown {
    Added,
    Removed,
    Changed,
    Conflicts,
}

impl Shown {
    const ALL: [Shown; 4] = [Shown::Added, Shown::Removed, Shown::Changed, Shown::Conflicts];

    fn label(self) -> &'static str {
        match self {
            Shown::Added => "Added",
            Shown::Removed => "Removed",
            Shown::Changed => "Changed",
            Shown::Conflicts => "Conflicts",
        }
    }

    fn of(proposal: &Proposal) -> Shown {
        if proposal.has_conflict() {
            return Shown::Conflicts;
        }
        match proposal.kind {
            ChangeKind::Added => Shown::Added,
            ChangeKind::Removed => Shown::Removed,
            ChangeKind::Changed => Shown::Changed,
        }
    }
}

/// What the list was picked for: the merge's key (generation, three-way), the kinds shown and the table.
type ListedFor = ((u64, bool), BTreeSet<Shown>, Option<Collection>);

/// A comparison of the open dataset with another version, while it is open.
pub struct Comparison {
    pub other: Arc<Dataset>,
    /// How messages name the other version: its file name.
    pub other_name: String,
    /// The open file as it was last saved, when the open dataset had changes since: the common base.
    pub base: Option<Arc<Dataset>>,
    pub base_name: String,
    /// Merge three-way against the base (when there is one).
    pub three_way: bool,
    compared: Derived<(u64, bool), Compared>,
    pub shown: BTreeSet<Shown>,
    /// Only the changes of this table; None shows all.
    pub collection: Option<Collection>,
    /// The proposals listed (indices), for the filter and merge they were picked with.
    listed: Vec<usize>,
    listed_for: Option<ListedFor>,
}

impl Comparison {
    pub fn new(other: Dataset, other_name: String, base: Option<Dataset>, base_name: String) -> Self {
        Comparison {
            other: Arc::new(other),
            other_name,
            three_way: base.is_some(),
            base: base.map(Arc::new),
            base_name,
            compared: Derived::default(),
            shown: Shown::ALL.into_iter().collect(),
            collection: None,
            listed: Vec::new(),
            listed_for: None,
        }
    }

    /// Brings the merge up to date with the open dataset.
    pub fn refresh(&mut self, dataset: &Arc<Dataset>, generation: u64, ctx: &egui::Context) {
        let large = dataset.acquisitions.len().max(self.other.acquisitions.len()) > BACKGROUND_ROWS;
        let (ours, theirs) = (dataset.clone(), self.other.clone());
        let base = self.base.clone().filter(|_| self.three_way);
        self.compared.refresh((generation, self.three_way), large, ctx, move |_| {
            let merge = merge(&ours, &theirs, base.as_deref());
            let marks = merge.marks();
            Compared { merge, marks }
        });
        let wanted = self.compared.key().map(|&key| (key, self.shown.clone(), self.collection));
        if let (Some(compared), Some(wanted)) = (self.compared.value(), wanted)
            && self.listed_for.as_ref() != Some(&wanted)
        {
            self.listed = (0..compared.merge.proposals.len())
                .filter(|&index| {
                    let proposal = &compared.merge.proposals[index];
                    self.shown.contains(&Shown::of(proposal))
                        && self.collection.is_none_or(|collection| collection == proposal.collection)
                })
                .collect();
            self.listed_for = Some(wanted);
        }
    }

    /// The merge on screen (possibly of an older state while a new one is derived).
    pub fn compared(&self) -> Option<&Arc<Compared>> {
        self.compared.value()
    }

    /// The merge, when it is of the data as it is now (the tables mark rows by their place).
    pub fn current(&self, generation: u64) -> Option<Arc<Compared>> {
        let (key, value) = (self.compared.key()?, self.compared.value()?);
        (key.0 == generation).then(|| value.clone())
    }

    pub fn is_updating(&self) -> bool {
        self.compared.is_updating()
    }
}

pub fn changes_ui(view: &View<'_>, comparison: &mut Comparison, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    comparison.refresh(&view.document.dataset, view.document.generation, ui.ctx());
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!("Changes in {}", comparison.other_name));
        if ui.button("Close Comparison").on_hover_text("Stop comparing; the tables lose their marks").clicked() {
            commands.push(Message::CloseComparison);
        }
    });
    if comparison.base.is_some() {
        let label = format!("Three-way, from {} as last saved", comparison.base_name);
        ui.checkbox(&mut comparison.three_way, label).on_hover_text(
            "On: only what the other version changed since the file you both started from is offered, and a \
             field both of you changed differently is a conflict. Off: every difference is offered.",
        );
    }
    let Some(compared) = comparison.compared().cloned() else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Comparing…");
        });
        return;
    };
    let merge = &compared.merge;
    ui.horizontal_wrapped(|ui| {
        if comparison.is_updating() {
            ui.spinner();
        }
        ui.label(summary(merge, comparison));
    });
    if merge.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for shown in Shown::ALL {
            let mut on = comparison.shown.contains(&shown);
            if ui.checkbox(&mut on, shown.label()).changed() {
                if on {
                    comparison.shown.insert(shown);
                } else {
                    comparison.shown.remove(&shown);
                }
            }
        }
        ui.separator();
        let table = comparison.collection.map_or("All tables", Collection::label);
        egui::ComboBox::from_id_salt("changes_table").selected_text(table).show_ui(ui, |ui| {
            ui.selectable_value(&mut comparison.collection, None, "All tables");
            for collection in Collection::IN_VIEW_ORDER {
                ui.selectable_value(&mut comparison.collection, Some(collection), collection.label());
            }
        });
        ui.separator();
        let take_all = ui
            .add_enabled(merge.takeable() > 0, egui::Button::new("Take All"))
            .on_hover_text("Take every change of the other version but the conflicts, as one step you can undo");
        if take_all.clicked() {
            let proposals = (0..merge.proposals.len()).collect();
            commands.push(Message::TakeChanges { proposals, meta: true, with_conflicts: false });
        }
    });
    if !merge.totals.is_empty() {
        egui::CollapsingHeader::new("Effect on the totals").id_salt("changes_totals").show(ui, |ui| {
            for total in &merge.totals {
                ui.label(total.text());
            }
        });
    }
    ui.separator();
    if !merge.meta.is_empty() {
        ui.horizontal_wrapped(|ui| {
            take_button(merge.meta.iter().any(|f| f.conflict), "the dataset's details", ui, || {
                commands.push(Message::TakeChanges { proposals: Vec::new(), meta: true, with_conflicts: true });
            });
            ui.label(egui::RichText::new("~ Dataset details").strong());
            fields_ui(&merge.meta, ui);
        });
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 10.0;
    egui::ScrollArea::both().auto_shrink(false).show_rows(ui, row_height, comparison.listed.len(), |ui, rows| {
        for &index in &comparison.listed[rows] {
            let Some(proposal) = merge.proposals.get(index) else { continue };
            ui.horizontal(|ui| {
                ui.set_height(row_height);
                proposal_ui(index, proposal, commands, ui);
            });
        }
    });
}

/// "3 changes to take, 1 conflict; 2 of your changes since kept".
fn summary(merge: &Merge, comparison: &Comparison) -> String {
    if merge.is_empty() {
        return if merge.three_way {
            format!("{} changed nothing you have not.", comparison.other_name)
        } else {
            format!("The open dataset and {} hold the same data.", comparison.other_name)
        };
    }
    let mut text = format!("{} to take", counted(merge.takeable(), "change"));
    if merge.conflicts() > 0 {
        text.push_str(&format!(", {}", counted(merge.conflicts(), "conflict")));
    }
    if merge.three_way && merge.ours_only > 0 {
        text.push_str(&format!("; {} of yours since kept", counted(merge.ours_only, "change")));
    }
    text
}

/// "Take" (or "Take Theirs" for a conflict), which asks the app to take it.
fn take_button(conflict: bool, what: &str, ui: &mut egui::Ui, on_click: impl FnOnce()) {
    let (label, hint) = if conflict {
        ("Take Theirs", format!("Both sides changed {what}: replace yours with theirs"))
    } else {
        ("Take", format!("Take {what} as the other version has it"))
    };
    if ui.button(label).on_hover_text(hint).clicked() {
        on_click();
    }
}

fn proposal_ui(index: usize, proposal: &Proposal, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    let conflict = proposal.has_conflict();
    let what = format!("{} {}", proposal.collection.singular(), proposal.id);
    take_button(conflict, &what, ui, || {
        commands.push(Message::TakeChanges { proposals: vec![index], meta: false, with_conflicts: conflict });
    });
    let verb = match (proposal.kind, proposal.conflict) {
        (ChangeKind::Added, true) => "you removed it; they changed it",
        (ChangeKind::Removed, true) => "they removed it; you changed it",
        (ChangeKind::Added, false) => "only in theirs",
        (ChangeKind::Removed, false) => "not in theirs",
        (ChangeKind::Changed, _) => "",
    };
    ui.label(proposal.kind.sign());
    let link = ui.link(&what).on_hover_text(match proposal.ours_index {
        Some(_) => "Show this record in its table",
        None => "Not in the open dataset",
    });
    if link.clicked()
        && let Some(at) = proposal.ours_index
    {
        commands.push(Message::Select(proposal.collection, at));
    }
    if conflict {
        ui.colored_label(ui.visuals().error_fg_color, "conflict");
    }
    if !verb.is_empty() {
        ui.weak(verb);
    }
    fields_ui(&proposal.fields, ui);
}

/// "Quantity: yours 200, theirs 250", a conflict in the error colour; the base too on hover. (Words, not an
/// arrow: the proportional font has none.)
fn fields_ui(fields: &[ProposedField], ui: &mut egui::Ui) {
    for field in fields {
        let shown = |text: &str| {
            if text.is_empty() { "(empty)".to_owned() } else { crate::analysis::truncate(text, 60).into_owned() }
        };
        let text = format!("{}: yours {}, theirs {}", field.label, shown(&field.ours), shown(&field.theirs));
        let label = if field.conflict { ui.colored_label(ui.visuals().error_fg_color, text) } else { ui.label(text) };
        let hover = match &field.base {
            Some(base) => format!(
                "{}\nAs last saved: {}\nYours: {}\nTheirs: {}",
                field.label,
                shown(base),
                shown(&field.ours),
                shown(&field.theirs)
            ),
            None => format!("{}\nYours: {}\nTheirs: {}", field.label, shown(&field.ours), shown(&field.theirs)),
        };
        label.on_hover_text(hover);
    }
}
