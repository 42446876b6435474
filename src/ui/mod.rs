//! Views: one file per view. They read the shared state (`crate::context`) through a [`View`] and send
//! [`Message`](crate::context::Message)s; none of them changes the document, and none imports the app.

pub mod changes;
pub mod derived;
pub mod dialogs;
pub mod disk_bar;
pub mod editor;
pub mod import;
pub mod known_import;
pub mod menu_bar;
pub mod messages;
pub mod plots;
pub mod progress;
pub mod status_bar;
pub mod tables;
pub mod timeline;

use crate::context::{Document, Settings};
use crate::model::Collection;

/// What the central area shows: a table, the timeline, the plots, the progress view or the changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MainView {
    #[default]
    Tables,
    Timeline,
    Plots,
    Progress,
    /// The changes of the version compared with.
    Changes,
}

impl MainView {
    pub fn label(self) -> &'static str {
        match self {
            MainView::Tables => "tables",
            MainView::Timeline => "timeline",
            MainView::Plots => "plots",
            MainView::Progress => "progress",
            MainView::Changes => "changes",
        }
    }
}

/// What every view may read in a frame.
pub struct View<'a> {
    pub document: &'a Document,
    pub settings: &'a Settings,
    /// The table shown when the tables are.
    pub tab: Collection,
    /// What the central area shows.
    pub main: MainView,
    pub selection: Option<(Collection, usize)>,
    /// What runs in the background, if anything ("Saving …").
    pub busy: Option<&'a str>,
    /// How far the running open or save is, when it says.
    pub progress: Option<&'a crate::io::progress::Progress>,
    /// True while a comparison is open.
    pub comparing: bool,
    /// While a comparison is open and up to date: what the other version has otherwise, for the tables.
    pub compared: Option<std::sync::Arc<changes::Compared>>,
}
