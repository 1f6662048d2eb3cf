//! Where a request's progress goes as it happens: Terraform's lines to the log (through the redacting log writer)
//! and its UI events to the observer. Both leave agentlab at once, so both must come after the secrets they may
//! carry are known to the redactor.
//!
//! Normally that holds by order: the plan's sensitive values are learned from `show -json` before `apply` starts.
//! A deploy that reads the saved plan beside `apply` (no guard needs it first) holds the apply's progress here
//! until the plan has been read and its secrets learned, then lets it all out in order; the result's own texts
//! are redacted at the end either way.

use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::mpsc::UnboundedSender;

use super::ui::UiEvent;

/// One thing that leaves agentlab while Terraform runs.
#[derive(Debug)]
pub(super) enum Progress {
    /// A line for the log: `shown` lines at info level (the compact view), the others at debug.
    Line { text: String, shown: bool },
    /// A UI event for the observer (boxed: an event is far larger than a line).
    Event(Box<UiEvent>),
}

/// The log and the observer of one request, with what is held back while a saved plan is being read.
#[derive(Debug)]
pub(super) struct ProgressOutlet {
    project: String,
    events: Option<UnboundedSender<UiEvent>>,
    /// `Some` while progress is held back: what arrived meanwhile, oldest first.
    held: Mutex<Option<Vec<Progress>>>,
}

impl ProgressOutlet {
    pub(super) fn new(project: &str, events: Option<UnboundedSender<UiEvent>>) -> Self {
        Self {
            project: project.to_owned(),
            events,
            held: Mutex::new(None),
        }
    }

    /// From now on, progress is kept until [`ProgressOutlet::release`].
    pub(super) fn hold(&self) {
        let mut held = self.held();
        if held.is_none() {
            *held = Some(Vec::new());
        }
    }

    /// Lets out what was held, in order, and stops holding. Does nothing when nothing is held.
    pub(super) fn release(&self) {
        let held = self.held().take();
        held.into_iter()
            .flatten()
            .for_each(|progress| self.send(progress));
    }

    /// Sends `event` to the observer, or keeps it while holding; nothing when there is no observer.
    pub(super) fn emit_event(&self, event: UiEvent) {
        if self.events.is_some() {
            self.emit(Progress::Event(Box::new(event)));
        }
    }

    /// Sends `progress` on, or keeps it while holding.
    pub(super) fn emit(&self, progress: Progress) {
        let mut held = self.held();
        match held.as_mut() {
            Some(held) => held.push(progress),
            None => {
                drop(held);
                self.send(progress);
            }
        }
    }

    fn send(&self, progress: Progress) {
        let project = self.project.as_str();
        match progress {
            Progress::Line { text, shown } => {
                let text = text.trim_end();
                if text.trim().is_empty() {
                    return;
                }
                if shown {
                    tracing::info!(target: "agentlab::terraform", project, "{text}");
                } else {
                    tracing::debug!(target: "agentlab::terraform", project, "{text}");
                }
            }
            Progress::Event(event) => {
                if let Some(events) = &self.events {
                    let _ = events.send(*event);
                }
            }
        }
    }

    /// The held list; a panic elsewhere while it was locked leaves it usable (it is only a list).
    fn held(&self) -> MutexGuard<'_, Option<Vec<Progress>>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::ui::parse_ui_line;

    fn event(message: &str) -> UiEvent {
        let line =
            serde_json::json!({"@level": "info", "@message": message, "type": "log"}).to_string();
        parse_ui_line(1, &line)
            .expect("a UI line")
            .expect("an event")
    }

    #[test]
    fn held_events_reach_the_observer_only_on_release_and_in_order() {
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let outlet = ProgressOutlet::new("p", Some(sender));
        outlet.emit_event(event("before"));
        outlet.hold();
        outlet.emit_event(event("first"));
        outlet.emit(Progress::Line {
            text: "a line".to_owned(),
            shown: true,
        });
        outlet.emit_event(event("second"));
        assert_eq!(receiver.try_recv().expect("sent at once").message, "before");
        assert!(receiver.try_recv().is_err(), "nothing leaves while held");
        outlet.release();
        let released: Vec<String> = std::iter::from_fn(|| receiver.try_recv().ok())
            .map(|event| event.message)
            .collect();
        assert_eq!(released, ["first", "second"]);
        outlet.emit_event(event("after"));
        assert_eq!(receiver.try_recv().expect("sent at once").message, "after");
        outlet.release();
        assert!(
            receiver.try_recv().is_err(),
            "a second release sends nothing"
        );
    }
}
