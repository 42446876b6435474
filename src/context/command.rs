//! What a user can ask of the app by name: one payload-free enum, listed in menu order, so that the menu
//! bar, the keyboard shortcuts and the command palette are all generated from it, and a command has one
//! label and one shortcut everywhere. (Internal messages, which carry data, are [`super::Message`].)

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::model::Collection;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserCommand {
    New,
    /// Open with the native dialog.
    Open,
    /// Open by typing a path (the fallback where no native dialog is available).
    OpenPath,
    Save,
    SaveAs,
    /// Bring in someone else's table through a column mapping.
    Import,
    ExportCsv,
    ExportXlsx,
    /// Ask what report to write (format, title, sections, filter).
    SaveReport,
    /// Compare the open dataset with another file: what differs, and merge it in.
    CompareWith,
    Undo,
    Redo,
    Find,
    AddRecord,
    DuplicateRecord,
    DeleteRecord,
    ShowAcquisitions,
    ShowCommitments,
    ShowEvents,
    ShowSources,
    ShowActors,
    ShowTimeline,
    ExportTimelineSvg,
    ExportTimelinePng,
    ShowPlots,
    ShowProgress,
    /// The Changes view of the comparison open.
    ShowChanges,
    ExportPlotSvg,
    ExportPlotPng,
    ToggleEditor,
    ShowProblems,
    ShowLog,
    CommandPalette,
    ThemeSystem,
    ThemeLight,
    ThemeDark,
    Quit,
}

const fn shortcut(modifiers: Modifiers, key: Key) -> Option<KeyboardShortcut> {
    Some(KeyboardShortcut::new(modifiers, key))
}

const COMMAND_SHIFT: Modifiers = Modifiers { shift: true, ..Modifiers::COMMAND };

impl UserCommand {
    /// Whether it changes the dataset.
    pub fn edits_data(self) -> bool {
        matches!(
            self,
            UserCommand::Undo
                | UserCommand::Redo
                | UserCommand::AddRecord
                | UserCommand::DuplicateRecord
                | UserCommand::DeleteRecord
        )
    }

    /// Every command, in menu order: what the palette lists.
    pub const ALL: [UserCommand; 37] = [
        UserCommand::New,
        UserCommand::Open,
        UserCommand::OpenPath,
        UserCommand::Save,
        UserCommand::SaveAs,
        UserCommand::Import,
        UserCommand::ExportCsv,
        UserCommand::ExportXlsx,
        UserCommand::SaveReport,
        UserCommand::CompareWith,
        UserCommand::Undo,
        UserCommand::Redo,
        UserCommand::Find,
        UserCommand::AddRecord,
        UserCommand::DuplicateRecord,
        UserCommand::DeleteRecord,
        UserCommand::ShowAcquisitions,
        UserCommand::ShowCommitments,
        UserCommand::ShowEvents,
        UserCommand::ShowSources,
        UserCommand::ShowActors,
        UserCommand::ShowTimeline,
        UserCommand::ExportTimelineSvg,
        UserCommand::ExportTimelinePng,
        UserCommand::ShowPlots,
        UserCommand::ShowProgress,
        UserCommand::ShowChanges,
        UserCommand::ExportPlotSvg,
        UserCommand::ExportPlotPng,
        UserCommand::ToggleEditor,
        UserCommand::ShowProblems,
        UserCommand::ShowLog,
        UserCommand::CommandPalette,
        UserCommand::ThemeSystem,
        UserCommand::ThemeLight,
        UserCommand::ThemeDark,
        UserCommand::Quit,
    ];

    /// The command that shows a collection's table.
    pub fn show(collection: Collection) -> UserCommand {
        match collection {
            Collection::Acquisitions => UserCommand::ShowAcquisitions,
            Collection::Commitments => UserCommand::ShowCommitments,
            Collection::Events => UserCommand::ShowEvents,
            Collection::Sources => UserCommand::ShowSources,
            Collection::Actors => UserCommand::ShowActors,
        }
    }

    /// The table this command shows, if it shows one.
    pub fn shown_table(self) -> Option<Collection> {
        Collection::IN_VIEW_ORDER.into_iter().find(|&collection| UserCommand::show(collection) == self)
    }

    /// The theme this command sets, if it sets one.
    pub fn theme(self) -> Option<egui::ThemePreference> {
        match self {
            UserCommand::ThemeSystem => Some(egui::ThemePreference::System),
            UserCommand::ThemeLight => Some(egui::ThemePreference::Light),
            UserCommand::ThemeDark => Some(egui::ThemePreference::Dark),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UserCommand::New => "New Dataset",
            UserCommand::Open => "Open…",
            UserCommand::OpenPath => "Open Path…",
            UserCommand::Save => "Save",
            UserCommand::SaveAs => "Save As…",
            UserCommand::Import => "Import…",
            UserCommand::ExportCsv => "Export CSV…",
            UserCommand::ExportXlsx => "Export Excel Workbook…",
            UserCommand::SaveReport => "Save Report…",
            UserCommand::Undo => "Undo",
            UserCommand::Redo => "Redo",
            UserCommand::Find => "Find",
            UserCommand::AddRecord => "Add Record",
            UserCommand::DuplicateRecord => "Duplicate Record",
            UserCommand::DeleteRecord => "Delete Record",
            UserCommand::ShowAcquisitions => "Show Acquisitions",
            UserCommand::ShowCommitments => "Show Commitments",
            UserCommand::ShowEvents => "Show Events",
            UserCommand::ShowSources => "Show Sources",
            UserCommand::ShowActors => "Show Actors",
            UserCommand::ShowTimeline => "Show Timeline",
            UserCommand::ExportTimelineSvg => "Export Timeline as SVG…",
            UserCommand::ExportTimelinePng => "Export Timeline as PNG…",
            UserCommand::ShowPlots => "Show Plots",
            UserCommand::ShowProgress => "Show Progress",
            UserCommand::CompareWith => "Compare With…",
            UserCommand::ShowChanges => "Show Changes",
            UserCommand::ExportPlotSvg => "Export Plot as SVG…",
            UserCommand::ExportPlotPng => "Export Plot as PNG…",
            UserCommand::ToggleEditor => "Record Editor",
            UserCommand::ShowProblems => "Problems",
            UserCommand::ShowLog => "Message Log",
            UserCommand::CommandPalette => "Command Palette…",
            UserCommand::ThemeSystem => "Theme: Follow the System",
            UserCommand::ThemeLight => "Theme: Light",
            UserCommand::ThemeDark => "Theme: Dark",
            UserCommand::Quit => "Quit",
        }
    }

    /// The main shortcut, shown in menus and the palette.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        match self {
            UserCommand::New => shortcut(Modifiers::COMMAND, Key::N),
            UserCommand::Open => shortcut(Modifiers::COMMAND, Key::O),
            UserCommand::Import => shortcut(Modifiers::COMMAND, Key::I),
            UserCommand::Save => shortcut(Modifiers::COMMAND, Key::S),
            UserCommand::SaveAs => shortcut(COMMAND_SHIFT, Key::S),
            UserCommand::SaveReport => shortcut(Modifiers::COMMAND, Key::R),
            UserCommand::Undo => shortcut(Modifiers::COMMAND, Key::Z),
            UserCommand::Redo => shortcut(COMMAND_SHIFT, Key::Z),
            UserCommand::Find => shortcut(Modifiers::COMMAND, Key::F),
            UserCommand::AddRecord => shortcut(COMMAND_SHIFT, Key::N),
            UserCommand::DuplicateRecord => shortcut(Modifiers::COMMAND, Key::D),
            UserCommand::ShowAcquisitions => shortcut(Modifiers::COMMAND, Key::Num1),
            UserCommand::ShowCommitments => shortcut(Modifiers::COMMAND, Key::Num2),
            UserCommand::ShowEvents => shortcut(Modifiers::COMMAND, Key::Num3),
            UserCommand::ShowSources => shortcut(Modifiers::COMMAND, Key::Num4),
            UserCommand::ShowActors => shortcut(Modifiers::COMMAND, Key::Num5),
            UserCommand::ToggleEditor => shortcut(Modifiers::COMMAND, Key::E),
            UserCommand::ShowTimeline => shortcut(Modifiers::COMMAND, Key::Num6),
            UserCommand::ShowPlots => shortcut(Modifiers::COMMAND, Key::Num7),
            UserCommand::ShowProgress => shortcut(Modifiers::COMMAND, Key::Num8),
            UserCommand::ShowChanges => shortcut(Modifiers::COMMAND, Key::Num9),
            UserCommand::CommandPalette => shortcut(COMMAND_SHIFT, Key::P),
            UserCommand::Quit => shortcut(Modifiers::COMMAND, Key::Q),
            _ => None,
        }
    }

    /// Other shortcuts that also run the command (Ctrl+Y for redo).
    fn extra_shortcuts(self) -> &'static [KeyboardShortcut] {
        const REDO: [KeyboardShortcut; 1] = [KeyboardShortcut::new(Modifiers::COMMAND, Key::Y)];
        match self {
            UserCommand::Redo => &REDO,
            _ => &[],
        }
    }

    /// Reads this frame's shortcuts. Shortcuts with more modifiers are consumed first, so Ctrl+Shift+Z
    /// is not also taken for Ctrl+Z.
    pub fn from_shortcuts(ctx: &egui::Context) -> Vec<UserCommand> {
        let mut bindings: Vec<(KeyboardShortcut, UserCommand)> = UserCommand::ALL
            .into_iter()
            .flat_map(|command| {
                let extra = command.extra_shortcuts().iter().copied();
                command.shortcut().into_iter().chain(extra).map(move |shortcut| (shortcut, command))
            })
            .collect();
        let weight = |m: Modifiers| u8::from(m.shift) + u8::from(m.alt) + u8::from(m.command || m.ctrl);
        bindings.sort_by_key(|(shortcut, _)| std::cmp::Reverse(weight(shortcut.modifiers)));
        let mut commands = Vec::new();
        ctx.input_mut(|input| {
            for (shortcut, command) in bindings {
                if input.consume_shortcut(&shortcut) {
                    commands.push(command);
                }
            }
        });
        commands
    }

    /// The shortcut as menus show it ("Ctrl+Shift+S"), empty when there is none.
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        self.shortcut().map(|s| ctx.format_shortcut(&s)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_listed_once_and_no_two_share_a_shortcut() {
        let mut seen = std::collections::HashSet::new();
        assert!(UserCommand::ALL.iter().all(|command| seen.insert(*command)));
        let mut shortcuts: Vec<KeyboardShortcut> = UserCommand::ALL.iter().filter_map(|c| c.shortcut()).collect();
        let count = shortcuts.len();
        shortcuts.dedup_by(|a, b| a == b);
        shortcuts.sort_by_key(|s| format!("{s:?}"));
        shortcuts.dedup();
        assert_eq!(shortcuts.len(), count);
        for collection in Collection::IN_VIEW_ORDER {
            assert_eq!(UserCommand::show(collection).shown_table(), Some(collection));
        }
    }
}
