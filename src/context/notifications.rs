//! Messages to the user: toasts that fade, and a log that keeps them all. Each message is pushed once,
//! where it happens; the same text arriving twice in a row within a second is shown once.

use std::time::{Duration, Instant};

/// How long a toast stays on screen.
pub const TOAST_LIFETIME: Duration = Duration::from_secs(6);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

#[derive(Clone, Debug)]
pub struct Message {
    pub level: Level,
    pub text: String,
    pub at: Instant,
    /// Wall-clock time for the log ("06:41:07").
    pub time: String,
}

#[derive(Default)]
pub struct Notifications {
    pub log: Vec<Message>,
}

impl Notifications {
    pub fn info(&mut self, text: impl Into<String>) {
        self.push(Level::Info, text.into());
    }

    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        log::warn!("{text}");
        self.push(Level::Error, text);
    }

    fn push(&mut self, level: Level, text: String) {
        let now = Instant::now();
        if let Some(last) = self.log.last()
            && last.text == text
            && now.duration_since(last.at) < Duration::from_secs(1)
        {
            return;
        }
        let time = jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string();
        self.log.push(Message { level, text, at: now, time });
    }

    /// The messages still on screen, newest last, with how far they have faded (1 = fully visible).
    pub fn toasts(&self, now: Instant) -> impl Iterator<Item = (&Message, f32)> {
        self.log.iter().rev().take(4).rev().filter_map(move |message| {
            let age = now.duration_since(message.at);
            (age < TOAST_LIFETIME).then(|| {
                let left = (TOAST_LIFETIME - age).as_secs_f32();
                (message, left.min(1.0))
            })
        })
    }
}
