//! The Outbox: the one way out for every text a run sends to people. Run records go in; the PR comment, the deploy
//! timeline, the incident issue (title, body, the comment for a recurrence; `incidents`, keyed by `fingerprint`),
//! the "recovered" comment that closes a project's open incidents after a successful deploy, the Actions step
//! summary and step outputs, the workflow commands (`::error::` annotations, `::group::` logs) and the terminal's
//! summary lines come out.
//!
//! [`outbox`] is pure. It decides in one place which texts a record produces for its mode, renders each record
//! once (the step summary reuses the full-detail text the comment starts from), applies the one size ladder
//! ([`ladder`]) and redacts every text once, at the end, in [`Outbox::sealed`]. What happens next is IO and lives
//! elsewhere: `github::publish` posts the [`Post`]s as they are, and the commands write the previews
//! ([`Outbox::previews`]) from the same texts, so a preview is byte-for-byte what would be posted.

pub mod actions;
mod check;
pub mod fingerprint;
mod incidents;
pub mod ladder;
mod runner_texts;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::contracts::{Outcome, RunMode, RunRecord};
use crate::redact::Redactor;
use crate::render::check::render_check_summary;
use crate::render::comment::render_pr_comment_at;
use crate::render::timeline::render_deploy_timeline_at;
use crate::render::{DetailLevel, RenderOptions, deploy_comment_marker, pr_comment_marker};

pub use check::{MarkedComment, OpenProblemIssue, ProblemAction, ProblemIssuePost, problem_digest};
pub use incidents::{IncidentPost, RecoveryPost, closes_incidents};
pub use ladder::{COMMENT_BUDGET_CHARS, STUB_BUDGET_CHARS};
pub use runner_texts::STEP_SUMMARY_BUDGET_BYTES;

/// What the Outbox needs besides the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxSettings {
    /// Where the full text can be read when a text had to leave something out (Markdown).
    pub full_text_location: String,
    /// The records' folder, for the `record_path` step output.
    pub record_dir: PathBuf,
    /// Whether the run is inside GitHub Actions: only then are workflow commands produced.
    pub in_actions: bool,
    /// Upper bound of a posted body, in characters.
    pub budget_chars: usize,
    /// A check's view of agentlab's own open drift and health issues (read before the Outbox is built); empty
    /// for plans and deploys, and for a check that does not post (its previews show the issues it would open).
    pub open_problem_issues: Vec<OpenProblemIssue>,
    /// The repository's root: paths under it are shown relative to it in every text meant for people (a
    /// runner's `/home/runner/work/infra/infra/` is noise on a phone). `None` leaves paths as they are.
    pub repository_root: Option<PathBuf>,
}

impl OutboxSettings {
    pub fn new(full_text_location: String, record_dir: PathBuf, in_actions: bool) -> Self {
        Self {
            full_text_location,
            record_dir,
            in_actions,
            budget_chars: COMMENT_BUDGET_CHARS,
            open_problem_issues: Vec::new(),
            repository_root: None,
        }
    }

    /// The same settings, with paths under `root` shown relative to it.
    pub fn with_repository_root(self, root: Option<PathBuf>) -> Self {
        Self {
            repository_root: root,
            ..self
        }
    }
}

/// Every text one run sends out, rendered once and redacted once.
#[derive(Debug, Clone, PartialEq)]
#[must_use = "an Outbox that is neither posted nor previewed told nobody anything"]
pub struct Outbox {
    /// What goes to GitHub, in record order.
    pub posts: Vec<Post>,
    /// Every project's text in full detail, for `$GITHUB_STEP_SUMMARY` (at most 1 MiB).
    pub step_summary: String,
    /// The `$GITHUB_OUTPUT` lines: `outcome`, `llm_calls`, `cost_usd`, `record_path`.
    pub step_outputs: String,
    /// `::group::` blocks of Terraform's log and `::error::` annotations; empty outside Actions.
    pub workflow_commands: Vec<String>,
    /// One line per project for the terminal.
    pub terminal_lines: Vec<String>,
}

/// One thing to post to GitHub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Post {
    Comment(CommentPost),
    Incident(IncidentPost),
    /// A successful deploy: comment on and close the project's open incidents.
    Recovery(RecoveryPost),
    /// A check: open, update or close a project's drift or health issue.
    Problem(ProblemIssuePost),
}

impl Post {
    /// The index of the record this post is about, in the records the Outbox was built from.
    pub fn record_index(&self) -> usize {
        match self {
            Self::Comment(comment) => comment.record_index,
            Self::Incident(incident) => incident.record_index,
            Self::Recovery(recovery) => recovery.record_index,
            Self::Problem(problem) => problem.record_index,
        }
    }

    pub fn project(&self) -> &str {
        match self {
            Self::Comment(comment) => &comment.project,
            Self::Incident(incident) => &incident.project,
            Self::Recovery(recovery) => &recovery.project,
            Self::Problem(problem) => &problem.project,
        }
    }
}

/// Which sticky comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentKind {
    /// The plan on the pull request.
    PlanComment,
    /// The deploy's timeline on the merged pull request.
    DeployTimeline,
}

impl CommentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlanComment => "pr-comment",
            Self::DeployTimeline => "deploy-timeline",
        }
    }
}

/// Where a comment goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentTarget {
    /// The pull request with this number.
    PullRequest(u64),
    /// The pull request that merged this commit, looked up when posting.
    MergedPullRequestOf(String),
    /// No pull request is known (a plan outside a pull request, a deploy with no commit).
    Nowhere,
}

/// A sticky comment, found again by its marker and edited in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentPost {
    pub record_index: usize,
    pub project: String,
    pub kind: CommentKind,
    pub target: CommentTarget,
    /// The hidden first line every body starts with.
    pub marker: String,
    /// Most detailed first ([`ladder::bodies`]); never empty.
    pub bodies: Vec<String>,
}

/// A text as it would be posted, for a file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview<'a> {
    pub record_index: usize,
    pub project: &'a str,
    /// `pr-comment`, `deploy-timeline`, `incident-issue`, `incident-recovery`, or a check's `drift-issue`,
    /// `health-issue`, `drift-resolved`, `health-resolved`.
    pub kind: &'static str,
    /// The title of an issue the post opens; comments have none.
    pub title: Option<&'a str>,
    pub text: &'a str,
}

impl Preview<'_> {
    /// `NAME.KIND.md`, where NAME is the project (or, in the demo, the scenario).
    pub fn file_name(&self, name: &str) -> String {
        format!("{name}.{}.md", self.kind)
    }

    /// What the preview file holds: the body as posted, under `# TITLE` when the post opens an issue (GitHub
    /// shows the title above the body).
    pub fn file_text(&self) -> String {
        match self.title {
            Some(title) => format!("# {title}\n\n{}", self.text),
            None => self.text.to_string(),
        }
    }
}

impl Outbox {
    /// The first body of every post: exactly what is posted first.
    pub fn previews(&self) -> Vec<Preview<'_>> {
        self.posts
            .iter()
            .map(|post| match post {
                Post::Comment(comment) => Preview {
                    record_index: comment.record_index,
                    project: &comment.project,
                    kind: comment.kind.as_str(),
                    title: None,
                    text: &comment.bodies[0],
                },
                Post::Incident(incident) => Preview {
                    record_index: incident.record_index,
                    project: &incident.project,
                    kind: "incident-issue",
                    title: Some(&incident.title),
                    text: &incident.bodies[0],
                },
                Post::Recovery(recovery) => Preview {
                    record_index: recovery.record_index,
                    project: &recovery.project,
                    kind: "incident-recovery",
                    title: None,
                    text: &recovery.body,
                },
                Post::Problem(problem) => Preview {
                    record_index: problem.record_index,
                    project: &problem.project,
                    kind: problem.preview_kind(),
                    title: problem.opened_title(),
                    text: problem.first_text(),
                },
            })
            .collect()
    }

    /// Every text through `redactor`: the one place where what leaves the process is redacted. Paths under
    /// `repository_root` become relative to it on the way (not in the step outputs, which workflows read).
    pub fn sealed(self, redactor: &Redactor, repository_root: Option<&Path>) -> Self {
        let root_prefix = repository_root
            .map(|root| format!("{}/", root.display().to_string().trim_end_matches('/')))
            .filter(|prefix| prefix.len() > 1);
        let relative = |text: String| match &root_prefix {
            Some(prefix) if text.contains(prefix.as_str()) => text.replace(prefix.as_str(), ""),
            _ => text,
        };
        let redact = |text: String| redactor.redact(&relative(text));
        let redact_all = |texts: Vec<String>| texts.into_iter().map(redact).collect::<Vec<_>>();
        Self {
            posts: self
                .posts
                .into_iter()
                .map(|post| match post {
                    Post::Comment(comment) => Post::Comment(CommentPost {
                        bodies: redact_all(comment.bodies),
                        ..comment
                    }),
                    Post::Incident(incident) => Post::Incident(IncidentPost {
                        title: redact(incident.title),
                        bodies: redact_all(incident.bodies),
                        recurrence_bodies: redact_all(incident.recurrence_bodies),
                        ..incident
                    }),
                    Post::Recovery(recovery) => Post::Recovery(RecoveryPost {
                        body: redact(recovery.body),
                        ..recovery
                    }),
                    Post::Problem(problem) => Post::Problem(problem.redacted(&redact)),
                })
                .collect(),
            step_summary: redact(self.step_summary),
            step_outputs: redactor.redact(&self.step_outputs),
            workflow_commands: redact_all(self.workflow_commands),
            terminal_lines: redact_all(self.terminal_lines),
        }
    }
}

/// Whether a record warrants an incident issue: only a deploy that ended in Failed does, and not one the Terraform
/// agent refused to apply (nothing broke: the comment says what a person must look at). A plan that failed is
/// reported on its pull request; a recovered deploy files nothing.
pub fn needs_incident(record: &RunRecord) -> bool {
    record.mode == RunMode::Deploy && record.outcome == Outcome::Failed && refusal(record).is_none()
}

/// The refusal that ended a run, if one did: nothing broke, a person must look.
pub fn refusal(record: &RunRecord) -> Option<&crate::contracts::Refusal> {
    record
        .last_attempt()
        .and_then(|attempt| attempt.terraform.refusal.as_ref())
}

/// The texts `records` produce, redacted with `redactor`.
pub fn outbox(records: &[RunRecord], settings: &OutboxSettings, redactor: &Redactor) -> Outbox {
    let options = RenderOptions {
        full_text_location: settings.full_text_location.clone(),
    };
    let mut posts = Vec::new();
    let mut full_texts = Vec::with_capacity(records.len());
    for (record_index, record) in records.iter().enumerate() {
        // A check comments on no pull request: it keeps one issue per problem current, and nothing else.
        if record.mode == RunMode::Check {
            full_texts.push(render_check_summary(record, DetailLevel::Full));
            posts.extend(
                check::problem_posts(record_index, record, settings, &options)
                    .into_iter()
                    .map(Post::Problem),
            );
            continue;
        }
        let (comment, full) = comment_post(record_index, record, settings, &options);
        posts.push(Post::Comment(comment));
        full_texts.push(full);
        if needs_incident(record) {
            posts.push(Post::Incident(incidents::incident_post(
                record_index,
                record,
                settings,
                &options,
            )));
        }
        if closes_incidents(record) {
            posts.push(Post::Recovery(incidents::recovery_post(
                record_index,
                record,
            )));
        }
    }
    let step_summary = runner_texts::step_summary(&full_texts, &settings.full_text_location);
    // The full texts are megabytes at thousands of resources: gone before the sealing copies what is kept.
    drop(full_texts);
    Outbox {
        posts,
        step_summary,
        step_outputs: runner_texts::step_outputs(records, &settings.record_dir),
        workflow_commands: if settings.in_actions {
            runner_texts::workflow_commands(records)
        } else {
            Vec::new()
        },
        terminal_lines: records.iter().map(runner_texts::terminal_line).collect(),
    }
    .sealed(redactor, settings.repository_root.as_deref())
}

/// The plan comment of a plan, the timeline of a deploy; and the full-detail text for the step summary.
fn comment_post(
    record_index: usize,
    record: &RunRecord,
    settings: &OutboxSettings,
    options: &RenderOptions,
) -> (CommentPost, String) {
    let (kind, marker, target) = match record.mode {
        RunMode::Plan => (
            CommentKind::PlanComment,
            pr_comment_marker(&record.project),
            record
                .context
                .pull_request
                .map_or(CommentTarget::Nowhere, CommentTarget::PullRequest),
        ),
        // A check never gets here (see `outbox`); were it to, its text would be a timeline's, posted nowhere.
        RunMode::Deploy | RunMode::Check => (
            CommentKind::DeployTimeline,
            deploy_comment_marker(&record.project),
            match (record.context.pull_request, &record.context.commit) {
                (Some(number), _) => CommentTarget::PullRequest(number),
                (None, Some(commit)) => CommentTarget::MergedPullRequestOf(commit.clone()),
                (None, None) => CommentTarget::Nowhere,
            },
        ),
    };
    let render = |level: DetailLevel| match kind {
        CommentKind::PlanComment => render_pr_comment_at(record, &marker, level, options),
        CommentKind::DeployTimeline => render_deploy_timeline_at(record, level, options),
    };
    let full = render(DetailLevel::Full);
    let bodies = ladder::bodies_within(
        &full,
        render,
        |level| listed_addresses_chars(record, level),
        settings.budget_chars,
        &settings.full_text_location,
    );
    let post = CommentPost {
        record_index,
        project: record.project.clone(),
        kind,
        target,
        marker,
        bodies,
    };
    (post, full)
}

/// How many characters a record's comment at `level` has at least, without rendering it: above counts only, the
/// changed resources are listed by address (`render::changes::changed_resources_section`), whichever attempt's
/// plan the comment shows, so the shortest such list is a lower bound. At 10,000 resources that list alone is
/// over the budget, and the addresses-only comment is never rendered.
fn listed_addresses_chars(record: &RunRecord, level: DetailLevel) -> usize {
    if level == DetailLevel::CountsOnly {
        return 0;
    }
    record
        .attempts
        .iter()
        .map(|attempt| {
            crate::render::changes::changed_resources(&attempt.terraform)
                .iter()
                .map(|change| change.address.chars().count())
                .sum::<usize>()
        })
        .min()
        .unwrap_or(0)
}
