//! Everything that talks to GitHub: the event that started the run, the REST client (the only place octocrab is
//! imported), sticky comments, incident issues and a check's drift and health issues, found again only among agentlab's own (`identity`) and created once
//! (`create_once`). Every text posted here comes from the Outbox (crate::report) as it is.
//!
//! Posting happens after the run records are on disk and never decides the exit status: a GitHub outage, a 422
//! or a rate limit that outlasts the retries becomes a warning, not a failed run.

pub mod changed_files;
pub mod client;
pub mod comment;
pub mod create_once;
pub mod event;
pub mod identity;
pub mod issue;
pub mod problem_issue;
pub mod publish;
pub mod retry;
pub mod review;
