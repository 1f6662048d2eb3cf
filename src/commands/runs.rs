//! Running projects through the Planner: the one conversion from configuration and arguments to a typed
//! [`ProjectRun`], bounded concurrency across projects, and records written to disk before anything is posted.

use std::path::{Path, PathBuf};

use futures::StreamExt;

use crate::commands::{CommandContext, CommandError};
use crate::config::{LoadedConfig, ProjectConfig};
use crate::contracts::{
    ResourceExpectation, RunContext, RunMode, RunRecord, SCHEMA_VERSION, TerraformRequest,
};
use crate::planner::agents::Agents;
use crate::planner::run::{ProjectRun, run_project};
use crate::planner::validation_facts::ValidationPlan;
use crate::redact::Redactor;
use crate::terraform::{Cancellation, TerraformRunner};

/// What every project of one invocation shares.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub run_id: String,
    pub mode: RunMode,
    /// Records, plan files and previews go here.
    pub output_dir: PathBuf,
    /// Overrides `[defaults] max_retries` when set (`deploy --max-retries`).
    pub max_retries: Option<u32>,
    pub context: RunContext,
}

/// Builds one project's run from the configuration and the invocation's settings.
pub fn project_run(
    config: &LoadedConfig,
    project: &ProjectConfig,
    settings: &RunSettings,
) -> ProjectRun {
    let defaults = &config.config.defaults;
    ProjectRun {
        run_id: settings.run_id.clone(),
        mode: settings.mode,
        first_request: TerraformRequest {
            project: project.name.clone(),
            dir: config.project_dir(project),
            mode: settings.mode,
            // The Terraform agent keeps the plan file in a private folder of its own and deletes it after the
            // run: a plan file holds every value in clear, sensitive ones included, so it never goes next to
            // the records.
            plan_file: None,
            vars: Default::default(),
            backend_config: project.backend_config.clone(),
            parallelism: project.parallelism.unwrap_or(defaults.parallelism),
            lock_timeout: defaults.lock_timeout.clone(),
            replace: Vec::new(),
            reinit_upgrade: false,
            attempt: 1,
            guard: Default::default(),
        },
        validation: ValidationPlan {
            resources: project
                .validate
                .resources
                .iter()
                .map(|expected| ResourceExpectation {
                    pattern: expected.pattern.clone(),
                    count: expected.count,
                })
                .collect(),
            guests_output: project.validate.guests_output.clone(),
            guests_output_required: project.validate.guests_output_required,
            default_node: config.config.proxmox.node.clone(),
            port: project.validate.port,
            settle_seconds: project.validate.settle_seconds,
        },
        max_retries: settings.max_retries.unwrap_or(defaults.max_retries),
        policy: config.config.policy.remediation_policy(),
        context: settings.context.clone(),
        longest_wait: crate::planner::run::LONGEST_WAIT,
    }
}

/// The folder, in the working directory, that holds run records, previews and eval reports by default.
pub const AGENTLAB_FOLDER: &str = ".agentlab";

/// A new run id and its output folder (`--output`, else `.agentlab/runs/<run_id>`), created.
pub fn run_output_folder(
    context: &CommandContext,
    output: Option<&Path>,
) -> Result<(String, PathBuf), CommandError> {
    let run_id = context.new_run_id();
    let output_dir = match output {
        Some(output) => output.to_path_buf(),
        None => {
            ignored_agentlab_folder(Path::new(AGENTLAB_FOLDER))?;
            Path::new(AGENTLAB_FOLDER).join("runs").join(&run_id)
        }
    };
    std::fs::create_dir_all(&output_dir).map_err(|source| CommandError::Io {
        action: "create the output folder",
        path: output_dir.clone(),
        source,
    })?;
    Ok((run_id, output_dir))
}

/// Creates `folder` (the default `.agentlab/`) with a `.gitignore` of `*` in it, so that run records and previews
/// written inside a checkout are never committed by accident, in any repository, with nothing for its owner to
/// add. An existing `.gitignore` there is left as it is.
pub fn ignored_agentlab_folder(folder: &Path) -> Result<(), CommandError> {
    let io_error = |path: PathBuf| {
        move |source| CommandError::Io {
            action: "create the output folder",
            path,
            source,
        }
    };
    std::fs::create_dir_all(folder).map_err(io_error(folder.to_path_buf()))?;
    let ignore = folder.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            &ignore,
            "# Written by agentlab: run records and previews are not part of the repository.\n*\n",
        )
        .map_err(io_error(ignore))?;
    }
    Ok(())
}

/// The Terraform agent of a command that runs projects: the configured binary, the invocation's redactor, and
/// SIGINT/SIGTERM forwarded to Terraform (once per process).
pub fn terraform_runner(
    context: &CommandContext,
    config: &LoadedConfig,
) -> Result<TerraformRunner, CommandError> {
    let cancellation = Cancellation::new();
    cancellation
        .forward_process_signals()
        .map_err(|source| CommandError::Io {
            action: "listen for signals on",
            path: PathBuf::from("SIGINT/SIGTERM"),
            source,
        })?;
    Ok(TerraformRunner::new(
        context.terraform_binary(Some(&config.config.defaults.terraform)),
        context.redactor.clone(),
        cancellation,
    ))
}

/// Runs the projects, at most `concurrency` at once, and returns their records in the order given.
pub async fn run_projects(
    runs: Vec<ProjectRun>,
    agents: Agents<'_>,
    concurrency: usize,
) -> Vec<RunRecord> {
    futures::stream::iter(runs)
        .map(|run| run_project(run, agents))
        .buffered(concurrency.max(1))
        .collect()
        .await
}

/// Reads a record [`write_record`] wrote: what `diagnose --record` and `publish` start from. A record of a
/// `schema_version` this build does not know is refused with the version named, before its fields are read.
pub fn read_record(path: &Path) -> Result<RunRecord, CommandError> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        CommandError::BadInput(format!(
            "cannot read the record {}: {error}",
            path.display()
        ))
    })?;
    #[derive(serde::Deserialize)]
    struct Versioned {
        schema_version: Option<serde_json::Value>,
    }
    let versioned: Versioned = serde_json::from_str(&text).map_err(|error| {
        CommandError::BadInput(format!("{} is not a run record: {error}", path.display()))
    })?;
    match versioned.schema_version {
        Some(serde_json::Value::Number(version))
            if version.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {}
        Some(version) => {
            return Err(CommandError::BadInput(format!(
                "{} is a run record of schema_version {version}, which this agentlab does not know (it reads \
                 version {SCHEMA_VERSION}); use the agentlab release that wrote it",
                path.display()
            )));
        }
        None => {
            return Err(CommandError::BadInput(format!(
                "{} is not a run record: it has no schema_version",
                path.display()
            )));
        }
    }
    serde_json::from_str(&text).map_err(|error| {
        CommandError::BadInput(format!("{} is not a run record: {error}", path.display()))
    })
}

/// Writes a record as redacted JSON to `DIR/PROJECT.json`, through a temporary file and a rename so a reader never
/// sees half a record. Returns the path.
pub fn write_record(
    dir: &Path,
    record: &RunRecord,
    redactor: &Redactor,
) -> Result<PathBuf, CommandError> {
    let io_error = |action, path: &Path| {
        let path = path.to_path_buf();
        move |source| CommandError::Io {
            action,
            path,
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io_error("create the output folder", dir))?;
    let value = serde_json::to_value(record)
        .map_err(|error| CommandError::internal("cannot encode the run record", error))?;
    let text = serde_json::to_string_pretty(&redactor.redact_json(&value))
        .map_err(|error| CommandError::internal("cannot encode the run record", error))?;
    let path = dir.join(format!("{}.json", record.project));
    let temporary = dir.join(format!(".{}.json.tmp", record.project));
    std::fs::write(&temporary, text).map_err(io_error("write the run record", &temporary))?;
    std::fs::rename(&temporary, &path).map_err(io_error("write the run record", &path))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::Outcome;

    #[test]
    fn the_default_folder_ignores_itself_and_keeps_a_gitignore_someone_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join(AGENTLAB_FOLDER);
        ignored_agentlab_folder(&folder).unwrap();
        let text = std::fs::read_to_string(folder.join(".gitignore")).unwrap();
        assert!(text.lines().any(|line| line == "*"), "{text}");
        std::fs::write(folder.join(".gitignore"), "runs/\n").unwrap();
        ignored_agentlab_folder(&folder).unwrap();
        assert_eq!(
            std::fs::read_to_string(folder.join(".gitignore")).unwrap(),
            "runs/\n"
        );
    }

    #[test]
    fn a_record_is_written_redacted_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut redactor = Redactor::new();
        redactor.add_secret("canary-secret-77");
        let record = RunRecord {
            schema_version: SCHEMA_VERSION,
            run_id: "r".into(),
            project: "p".into(),
            mode: RunMode::Deploy,
            outcome: Outcome::Failed,
            failure_reason: Some("token canary-secret-77 refused".into()),
            llm_calls: 0,
            cost_usd: 0.0,
            context: RunContext::default(),
            transitions: vec![],
            attempts: vec![],
            held_for_a_person: None,
            check: None,
        };
        let path = write_record(dir.path(), &record, &redactor).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("canary-secret-77"));
        let back: RunRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back.failure_reason.as_deref(),
            Some("token [REDACTED] refused")
        );
        assert!(!dir.path().join(".p.json.tmp").exists());
    }

    #[test]
    fn the_project_run_takes_config_defaults_and_overrides() {
        let config = LoadedConfig::parse(
            "[defaults]\nparallelism = 4\nmax_retries = 2\n[[project]]\nname = \"a\"\ndir = \"mods/a\"\n\
             parallelism = 3\n[project.validate]\nport = 2222\n",
            Path::new("agentlab.toml"),
            PathBuf::from("/repo"),
        )
        .unwrap();
        let settings = RunSettings {
            run_id: "r".into(),
            mode: RunMode::Deploy,
            output_dir: PathBuf::from("/out"),
            max_retries: Some(1),
            context: RunContext::default(),
        };
        let run = project_run(&config, &config.config.projects[0], &settings);
        assert_eq!(run.first_request.dir, PathBuf::from("/repo/mods/a"));
        assert_eq!(run.first_request.parallelism, 3);
        assert_eq!(run.first_request.mode, RunMode::Deploy);
        assert_eq!(
            run.first_request.plan_file, None,
            "plan files never go into the output folder"
        );
        assert_eq!(run.max_retries, 1);
        assert_eq!(
            (run.validation.port, run.validation.default_node.as_str()),
            (2222, "pmx-01")
        );
    }

    #[test]
    fn a_record_of_an_unknown_schema_version_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let check = |text: &str, expect: &str| {
            let path = dir.path().join("p.json");
            std::fs::write(&path, text).unwrap();
            let error = read_record(&path).unwrap_err();
            assert_eq!(error.exit_status(), crate::commands::ExitStatus::BadInput);
            assert!(error.to_string().contains(expect), "{error}");
        };
        check(
            r#"{"schema_version": 999, "run_id": "r"}"#,
            "schema_version 999",
        );
        check(r#"{"schema_version": "one"}"#, "schema_version \"one\"");
        check(r#"{"run_id": "r"}"#, "no schema_version");
        check("not json", "is not a run record");
    }
}
