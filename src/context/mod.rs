//! What the app and its views share, below both: the document and its undo history, the settings,
//! notifications, the commands a user can invoke, the messages views send, the purposes of dialogs, and
//! the recovery copy. Views read these and send messages; only the app changes them.
//! Nothing here imports the app or a view.

mod command;
pub mod document;
pub mod history;
pub mod journal;
mod message;
mod notifications;
pub mod panics;
mod purpose;
pub mod recovery;
pub mod settings;

pub use command::UserCommand;
pub use document::Document;
pub use message::Message;
pub use notifications::{Level, Notifications};
pub use purpose::{Guarded, PathPurpose};
pub use settings::Settings;
