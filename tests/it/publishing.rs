//! Publishing records the way a run does: through the Outbox (which renders, fits and redacts every text), then
//! the posting code, which only posts the strings it is handed.

use std::path::PathBuf;

use agentlab::contracts::RunRecord;
use agentlab::github::client::GitHubClient;
use agentlab::github::publish::{PublishReport, publish_posts};
use agentlab::redact::Redactor;
use agentlab::render::RenderOptions;
use agentlab::report::{Outbox, OutboxSettings, outbox};

/// The Outbox of `records` as a run outside Actions builds it.
pub fn records_outbox(records: &[RunRecord]) -> Outbox {
    let settings = OutboxSettings::new(
        RenderOptions::default().full_text_location,
        PathBuf::from(".agentlab/runs/test"),
        false,
    );
    outbox(records, &settings, &Redactor::new())
}

/// Posts everything `records` call for.
pub async fn publish_records(client: &GitHubClient, records: &[RunRecord]) -> PublishReport {
    publish_posts(client, &records_outbox(records).posts).await
}
