//! One context per invocation: everything a command reads from outside its arguments and its configuration, read
//! once at the start and passed down as values. The process environment is read in one place
//! ([`Environment::from_process`], called by `main`); the GitHub event is parsed once; the run URL is built once;
//! the redactor is one value that the log writer, the agents and the Outbox share. Nothing below `commands/`
//! reads an environment variable or holds process-global state.

use std::collections::BTreeMap;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::commands::CommandError;
use crate::config::Config;
use crate::contracts::RunContext;
use crate::diagnosis::{ApiKeys, BASE_URL_VARIABLE};
use crate::github::event::{
    EventDecision, EventError, EventRun, detect, pull_request_from_fork, read_payload,
};
use crate::github::publish::GitHubSettings;
use crate::redact::{Redactor, SharedRedactor};
use crate::terraform::TERRAFORM_BINARY_ENV;
use crate::terraform::review::ReviewKey;

/// The variable holding the review key.
pub const REVIEW_KEY_VARIABLE: &str = "AGENTLAB_REVIEW_KEY";
use crate::validator::proxmox::{ProxmoxConfigError, ProxmoxConnection};

/// A snapshot of the environment variables one invocation sees. Values that are not UTF-8 are dropped: none of
/// the variables agentlab reads can be.
#[derive(Clone, Default)]
pub struct Environment {
    variables: BTreeMap<String, String>,
}

/// Names only: the values include tokens.
impl std::fmt::Debug for Environment {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_set()
            .entries(self.variables.keys())
            .finish()
    }
}

impl Environment {
    /// The process environment, now.
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars_os().filter_map(|(name, value)| {
            Some((name.into_string().ok()?, value.into_string().ok()?))
        }))
    }

    /// An environment made of `pairs` (tests, and commands that run agentlab's parts on their own terms).
    pub fn from_pairs(
        pairs: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    ) -> Self {
        Self {
            variables: pairs
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        }
    }

    /// The value of `name` when it is set and not blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.variables
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.trim().is_empty())
    }

    /// [`Environment::get`] as an owned lookup, the shape the lower rooms' constructors take.
    pub fn lookup(&self) -> impl Fn(&str) -> Option<String> + '_ {
        |name| self.get(name).map(str::to_string)
    }

    fn is_true(&self, name: &str) -> bool {
        self.get(name).is_some_and(|value| value == "true")
    }
}

/// What the GitHub Actions runner told this invocation.
#[derive(Debug, Clone, Default)]
pub struct ActionsRunner {
    /// `GITHUB_ACTIONS=true`: workflow commands are read by a runner, and posting is the default.
    pub active: bool,
    /// `$GITHUB_STEP_SUMMARY`.
    pub step_summary: Option<PathBuf>,
    /// `$GITHUB_OUTPUT`.
    pub output: Option<PathBuf>,
}

/// The invocation's context: built once by `main`, passed to the command.
#[derive(Debug, Clone)]
pub struct CommandContext {
    pub environment: Environment,
    /// The one redactor of this invocation: the log writer holds a clone, so a secret learned anywhere (a
    /// configured variable, a sensitive value in a plan) is hidden in the logs as well.
    pub redactor: SharedRedactor,
    pub actions: ActionsRunner,
    /// The triggering event, parsed once: `None` when no `GITHUB_EVENT_NAME` is set (a terminal).
    pub event: Option<Result<EventDecision, String>>,
    /// `{GITHUB_SERVER_URL}/{GITHUB_REPOSITORY}/actions/runs/{GITHUB_RUN_ID}`, when all three are known.
    pub run_url: Option<String>,
    /// The triggering event is a pull request from a fork (or a pull request event agentlab cannot read): its
    /// code must not run here unless `AGENTLAB_ALLOW_FORKS=true`, whichever projects were asked for.
    pub fork_pull_request: bool,
}

impl CommandContext {
    /// The context of `environment`, with a redactor seeded with the values of its secret variables.
    pub fn new(environment: Environment) -> Self {
        let redactor =
            SharedRedactor::new(Redactor::from_environment_lookup(&[], environment.lookup()));
        Self::with_redactor(environment, redactor)
    }

    /// The context of `environment` around an existing redactor (the one `main` gave the log writer).
    pub fn with_redactor(environment: Environment, redactor: SharedRedactor) -> Self {
        let actions = ActionsRunner {
            active: environment.is_true("GITHUB_ACTIONS"),
            step_summary: environment.get("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            output: environment.get("GITHUB_OUTPUT").map(PathBuf::from),
        };
        // The payload is read once: the event's decision and the fork check both come from it.
        let name = environment.get("GITHUB_EVENT_NAME");
        let payload = name.map(|_| {
            environment
                .get("GITHUB_EVENT_PATH")
                .ok_or(EventError::MissingVariable {
                    variable: "GITHUB_EVENT_PATH",
                })
                .and_then(|path| read_payload(std::path::Path::new(path)))
        });
        let event = name.zip(payload.as_ref()).map(|(name, payload)| {
            let payload = payload.as_ref().map_err(|error| error.to_string())?;
            decide_event(&environment, name, payload).map_err(|error| error.to_string())
        });
        let fork_pull_request = name.is_some_and(|name| {
            pull_request_from_fork(
                name,
                payload.as_ref().and_then(|payload| payload.as_ref().ok()),
            )
        });
        let run_url = match (
            environment.get("GITHUB_SERVER_URL"),
            environment.get("GITHUB_REPOSITORY"),
            environment.get("GITHUB_RUN_ID"),
        ) {
            (Some(server), Some(repository), Some(run)) => Some(format!(
                "{}/{repository}/actions/runs/{run}",
                server.trim_end_matches('/')
            )),
            _ => None,
        };
        Self {
            environment,
            redactor,
            actions,
            event,
            run_url,
            fork_pull_request,
        }
    }

    /// Adds the configuration's secrets to the redactor: the values of `[redact] env` and its patterns.
    pub fn learn_configured_secrets(&self, config: &Config) -> Result<(), CommandError> {
        for name in &config.redact.env {
            if let Some(value) = self.environment.get(name) {
                self.redactor.add_secret(value);
            }
        }
        for pattern in &config.redact.patterns {
            self.redactor
                .add_pattern(pattern)
                .map_err(|error| CommandError::BadInput(error.to_string()))?;
        }
        Ok(())
    }

    /// The event's run, or the reason the event could not be read; `Ok(None)` outside Actions and for an event
    /// that asks for nothing.
    pub fn event_run(&self) -> Result<Option<&EventRun>, CommandError> {
        match &self.event {
            None => Ok(None),
            Some(Err(why)) => Err(CommandError::BadInput(why.clone())),
            Some(Ok(EventDecision::Run(run))) => Ok(Some(run)),
            Some(Ok(EventDecision::Ignore { .. })) => Ok(None),
        }
    }

    /// Links for comments and issues: from the triggering event inside GitHub Actions (the pull request, the head
    /// commit), else from the variables Actions sets; empty in a terminal.
    pub fn run_context(&self) -> RunContext {
        if let Some(Ok(EventDecision::Run(event))) = &self.event {
            return RunContext {
                repository: Some(event.repository.clone()),
                commit: (!event.commit.is_empty()).then(|| event.commit.clone()),
                pull_request: event.pull_request,
                run_url: self.run_url.clone(),
                review_stamp: None,
                configuration_note: None,
                started_at: None,
                finished_at: None,
            };
        }
        RunContext {
            repository: self
                .environment
                .get("GITHUB_REPOSITORY")
                .map(str::to_string),
            commit: self.environment.get("GITHUB_SHA").map(str::to_string),
            pull_request: None,
            run_url: self.run_url.clone(),
            review_stamp: None,
            configuration_note: None,
            started_at: None,
            finished_at: None,
        }
    }

    /// A run id that sorts by time and does not collide: GitHub's run id and attempt inside Actions, else the
    /// Unix time and a random suffix.
    pub fn new_run_id(&self) -> String {
        match (
            self.environment.get("GITHUB_RUN_ID"),
            self.environment.get("GITHUB_RUN_ATTEMPT"),
        ) {
            (Some(id), Some(attempt)) => format!("gh-{id}-{attempt}"),
            _ => {
                let seconds = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|elapsed| elapsed.as_secs())
                    .unwrap_or_default();
                let suffix = uuid::Uuid::new_v4().simple().to_string();
                format!("{seconds}-{}", &suffix[..8])
            }
        }
    }

    /// Whether to post: `--post`/`--no-post` when given, else only inside GitHub Actions.
    pub fn posting_enabled(&self, post: bool, no_post: bool) -> bool {
        if post {
            return true;
        }
        if no_post {
            return false;
        }
        self.actions.active
    }

    /// The GitHub settings when posting, checked before the run so a missing token is bad input (exit 2) up
    /// front rather than a warning after Terraform ran.
    pub fn posting_settings(
        &self,
        post: bool,
        config: &Config,
    ) -> Result<Option<GitHubSettings>, CommandError> {
        if !post {
            return Ok(None);
        }
        self.posting_github_settings(config).map(Some)
    }

    /// `GITHUB_API_URL`, `GITHUB_TOKEN` and `GITHUB_REPOSITORY`, for reading (posting as the default login).
    pub fn github_settings(&self) -> Result<GitHubSettings, CommandError> {
        GitHubSettings::from_lookup(self.environment.lookup())
            .map_err(|error| CommandError::BadInput(error.to_string()))
    }

    /// [`CommandContext::github_settings`] posting as `[github] bot_login`, whose comments and issues are the only
    /// ones agentlab takes for its own.
    pub fn posting_github_settings(&self, config: &Config) -> Result<GitHubSettings, CommandError> {
        Ok(self
            .github_settings()?
            .with_bot_login(&config.github.bot_login))
    }

    /// `AGENTLAB_ALLOW_FORKS=true` (the action's `allow-forks` input) lets a fork's pull request run.
    fn forks_allowed(&self) -> bool {
        self.environment.is_true("AGENTLAB_ALLOW_FORKS")
    }

    /// Refuses to go on when a fork's pull request started this run and forks are not allowed: checked before any
    /// project is chosen, so `--project`, `--all` and `--changed-files` cannot run a fork's code either.
    pub fn refuse_fork_pull_request(&self) -> Result<(), CommandError> {
        if self.fork_pull_request && !self.forks_allowed() {
            return Err(CommandError::BadInput(
                "this pull request comes from a fork (or its event payload cannot be read); agentlab does not \
                 run a fork's code on a self-hosted runner unless AGENTLAB_ALLOW_FORKS=true"
                    .to_string(),
            ));
        }
        Ok(())
    }

    /// The LLM providers' keys, held as secrets.
    pub fn api_keys(&self) -> ApiKeys {
        let read = |name: &str| {
            self.environment
                .get(name)
                .map(|value| SecretString::from(value.to_string()))
        };
        ApiKeys {
            anthropic: read(crate::diagnosis::anthropic::KEY_VARIABLE),
            openai: read(crate::diagnosis::openai::KEY_VARIABLE),
        }
    }

    /// `AGENTLAB_LLM_BASE_URL` when set, else the configured base URL.
    pub fn llm_base_url(&self, configured: Option<&str>) -> Option<String> {
        self.environment
            .get(BASE_URL_VARIABLE)
            .or(configured)
            .map(str::to_string)
    }

    /// `AGENTLAB_REVIEW_KEY`: the key that authenticates reviewed plans (a secret only the runner holds).
    pub fn review_key(&self) -> Option<ReviewKey> {
        self.environment
            .get(REVIEW_KEY_VARIABLE)
            .map(|key| ReviewKey::new(SecretString::from(key.to_string())))
    }

    /// The Proxmox VE endpoint and token (`PROXMOX_VE_ENDPOINT`, `PROXMOX_VE_API_TOKEN`, ...).
    pub fn proxmox_connection(&self) -> Result<ProxmoxConnection, ProxmoxConfigError> {
        ProxmoxConnection::from_lookup(self.environment.lookup())
    }

    /// The Terraform binary: `AGENTLAB_TERRAFORM` when set, else the configured one, else `terraform`.
    pub fn terraform_binary(&self, configured: Option<&str>) -> PathBuf {
        crate::terraform::choose_terraform_binary(
            self.environment.get(TERRAFORM_BINARY_ENV),
            configured,
        )
    }
}

/// The event's decision, its commit filled from `GITHUB_SHA` when the payload names none (a dispatch).
fn decide_event(
    environment: &Environment,
    name: &str,
    payload: &serde_json::Value,
) -> Result<EventDecision, EventError> {
    let mut decision = detect(name, payload)?;
    if let EventDecision::Run(run) = &mut decision
        && run.commit.is_empty()
    {
        run.commit = environment
            .get("GITHUB_SHA")
            .unwrap_or_default()
            .to_string();
    }
    Ok(decision)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_variables_count_as_unset_and_debug_prints_no_value() {
        let environment =
            Environment::from_pairs([("GITHUB_TOKEN", "ghs_secretvalue"), ("EMPTY", "  ")]);
        assert_eq!(environment.get("GITHUB_TOKEN"), Some("ghs_secretvalue"));
        assert_eq!(environment.get("EMPTY"), None);
        assert!(!format!("{environment:?}").contains("ghs_secretvalue"));
    }

    #[test]
    fn the_context_reads_the_runner_the_run_url_and_the_secrets_once() {
        let context = CommandContext::new(Environment::from_pairs([
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_SERVER_URL", "https://github.example/"),
            ("GITHUB_REPOSITORY", "home/lab"),
            ("GITHUB_RUN_ID", "42"),
            ("GITHUB_RUN_ATTEMPT", "2"),
            ("GITHUB_SHA", "0123456789abcdef"),
            ("ANTHROPIC_API_KEY", "sk-ant-canary-value-123456"),
        ]));
        assert!(context.actions.active);
        assert!(context.posting_enabled(false, false));
        assert!(!context.posting_enabled(false, true));
        assert_eq!(
            context.run_url.as_deref(),
            Some("https://github.example/home/lab/actions/runs/42")
        );
        assert_eq!(context.new_run_id(), "gh-42-2");
        assert_eq!(
            context.run_context().commit.as_deref(),
            Some("0123456789abcdef")
        );
        assert!(context.event.is_none(), "no event outside a workflow");
        assert_eq!(
            context.redactor.redact("key sk-ant-canary-value-123456"),
            "key [REDACTED]"
        );
        assert!(context.api_keys().anthropic.is_some());
    }

    #[test]
    fn a_missing_event_payload_is_bad_input_naming_the_variable() {
        let context = CommandContext::new(Environment::from_pairs([("GITHUB_EVENT_NAME", "push")]));
        let error = context.event_run().unwrap_err().to_string();
        assert!(error.contains("GITHUB_EVENT_PATH"), "{error}");
    }

    #[test]
    fn configured_secret_variables_are_learned_from_the_same_environment() {
        let context = CommandContext::new(Environment::from_pairs([(
            "MINIO_SECRET",
            "minio-canary-77",
        )]));
        let config: Config = toml::from_str("[redact]\nenv = [\"MINIO_SECRET\"]\n").unwrap();
        context.learn_configured_secrets(&config).unwrap();
        assert_eq!(
            context.redactor.redact("s3 minio-canary-77"),
            "s3 [REDACTED]"
        );
    }
}
