//! Strict parsing of agentlab.toml: defaults, and errors that name the key and the line.

use super::*;

fn parse(text: &str) -> Result<LoadedConfig, ConfigError> {
    LoadedConfig::parse(text, Path::new("agentlab.toml"), PathBuf::from("/repo"))
}

fn error_of(text: &str) -> String {
    parse(text)
        .expect_err("the configuration should be refused")
        .to_string()
}

const DESIGN_EXAMPLE: &str = r#"
[defaults]
terraform = "terraform"        # or "tofu"
max_retries = 3
parallelism = 10
lock_timeout = "5m"

[llm]
spec = "anthropic:claude-haiku-4-5"
timeout_seconds = 60
budget_usd_per_incident = 0.05 # stop asking once an incident has cost this much
[llm.prices."my-model"]
input_per_mtok = 1.0
output_per_mtok = 5.0

[proxmox]
node = "pmx-01"

[[project]]
name = "lxc-fleet"
dir = "modules/lxc-fleet"
when_modified = ["modules/lxc-fleet/**", "modules/lxc/**"]
[project.validate]
resources = [{ pattern = 'proxmox_virtual_environment_container\.container\[\d+\]', count = 5 }]
guests_output = "guests"
port = 22
"#;

#[test]
fn the_design_example_parses_with_its_values() {
    let loaded = parse(DESIGN_EXAMPLE).unwrap();
    let config = &loaded.config;
    assert_eq!(config.llm.spec, "anthropic:claude-haiku-4-5");
    assert_eq!(config.llm.prices["my-model"].output_per_mtok, 5.0);
    assert_eq!(config.proxmox.node, "pmx-01");
    let project = loaded.project("lxc-fleet").unwrap();
    assert_eq!(project.validate.resources[0].count, 5);
    assert_eq!(
        loaded.project_dir(project),
        PathBuf::from("/repo/modules/lxc-fleet")
    );
}

#[test]
fn an_empty_file_gets_every_documented_default() {
    let config = parse("").unwrap().config;
    assert_eq!(config.defaults.terraform, "terraform");
    assert_eq!(config.defaults.max_retries, 3);
    assert_eq!(config.defaults.parallelism, 10);
    assert_eq!(config.defaults.lock_timeout, "5m");
    assert_eq!(config.defaults.concurrency, 2);
    assert_eq!(config.llm.spec, "catalog");
    assert_eq!(config.llm.timeout_seconds, 60);
    assert_eq!(config.llm.budget_usd_per_incident, 0.05);
    assert!(config.llm.catalog);
    assert_eq!(config.llm.token_budget, 6000);
    assert_eq!(config.llm.unpriced_tokens_per_incident, 40_000);
    assert_eq!(config.proxmox.node, "pmx-01");
    assert_eq!(config.proxmox.timeout_seconds, 10);
    assert_eq!(
        config.policy.remediation_policy(),
        crate::planner::policy::RemediationPolicy::default()
    );
    assert_eq!(config.github.bot_login, "github-actions[bot]");
    assert!(config.projects.is_empty());
}

#[test]
fn policy_unattended_adds_or_removes_remediation_kinds() {
    use crate::planner::policy::RemediationKind::*;
    let allowed = |text: &str| {
        let policy = parse(text).unwrap().config.policy.remediation_policy();
        [Retry, RetryAfter, ReduceParallelism, Replace, ReinitUpgrade]
            .into_iter()
            .filter(|kind| policy.allows(*kind))
            .collect::<Vec<_>>()
    };
    assert_eq!(allowed(""), vec![Retry, RetryAfter, ReduceParallelism]);
    assert_eq!(
        allowed("[policy]\nunattended = [\"retry\", \"replace\", \"reinit_upgrade\"]\n"),
        vec![Retry, Replace, ReinitUpgrade]
    );
    assert_eq!(allowed("[policy]\nunattended = []\n"), vec![]);
}

#[test]
fn the_bot_login_is_a_github_login() {
    let config = parse("[github]\nbot_login = \"homelab-agent[bot]\"\n").unwrap();
    assert_eq!(config.config.github.bot_login, "homelab-agent[bot]");
    for bad in ["", "[bot]", "two words", "evil/../x", "a[bot][bot]"] {
        let error = error_of(&format!("[github]\nbot_login = {bad:?}\n"));
        assert!(
            error.contains("line 2") && error.contains("not a GitHub login"),
            "{bad:?} gave: {error}"
        );
    }
}

#[test]
fn a_typo_names_the_key_and_its_line() {
    let error = error_of("[defaults]\nmax_retries = 3\nparalelism = 4\n");
    assert!(error.contains("paralelism"), "{error}");
    assert!(error.contains("line 3"), "{error}");

    let error = error_of(
        "[[project]]\nname = \"a\"\ndir = \"a\"\n[project.validate]\nguest_output = \"x\"\n",
    );
    assert!(
        error.contains("guest_output") && error.contains("line 5"),
        "{error}"
    );
}

#[test]
fn bad_values_name_their_line_and_say_what_is_allowed() {
    let cases = [
        ("[defaults]\nparallelism = 0\n", "line 2", "at least 1"),
        (
            "[defaults]\n\nlock_timeout = \"five minutes\"\n",
            "line 3",
            "not a duration",
        ),
        ("[defaults]\nmax_retries = 50\n", "line 2", "at most 10"),
        ("[llm]\nspec = \"gpt4\"\n", "line 2", "not an LLM spec"),
        (
            "[llm]\nbudget_usd_per_incident = -1.0\n",
            "line 2",
            "dollar amount",
        ),
        ("[llm]\ntimeout_seconds = 0\n", "line 2", "outside 1 to 600"),
        (
            "[llm]\nunpriced_tokens_per_incident = 0\n",
            "line 2",
            "at least 1 token",
        ),
        (
            "[redact]\npatterns = [\"(open\"]\n",
            "line 2",
            "not a regular expression",
        ),
        (
            "[[project]]\nname = \"a\"\ndir = \"a\"\nwhen_modified = [\"a/[\"]\n",
            "line 4",
            "not a glob",
        ),
        (
            "[[project]]\nname = \"a\"\ndir = \"a\"\n[project.validate]\nresources = [{ pattern = 'x[', count = 1 }]\n",
            "line 5",
            "not a regular expression",
        ),
        (
            "[[project]]\nname = \"a\"\ndir = \"a\"\n[project.validate]\nport = 70000\n",
            "line 5",
            "",
        ),
        (
            "[policy]\n\nunattended = [\"retry\", \"destroy\"]\n",
            "line 3",
            "unknown variant `destroy`",
        ),
        (
            "[policy]\nunattended = [\"escalate\"]\n",
            "line 2",
            "expected one of `retry`, `retry_after`, `reduce_parallelism`, `replace`, `reinit_upgrade`",
        ),
        (
            "[policy]\nunattended = [\"replace\", \"replace\"]\n",
            "line 2",
            "`replace` is listed twice",
        ),
        (
            "[policy]\nunatended = []\n",
            "line 2",
            "unknown field `unatended`",
        ),
    ];
    for (text, line, why) in cases {
        let error = error_of(text);
        assert!(
            error.contains(line) && error.contains(why),
            "{text:?} gave: {error}"
        );
    }
}

#[test]
fn projects_must_be_unique_and_well_named() {
    let twice = "[[project]]\nname = \"a\"\ndir = \"a\"\n[[project]]\nname = \"a\"\ndir = \"b\"\n";
    assert!(error_of(twice).contains("project `a` is declared twice"));
    assert!(error_of("[[project]]\nname = \"a b\"\ndir = \"a\"\n").contains("may only contain"));
}

#[test]
fn durations_and_specs() {
    for good in ["0", "30s", "5m", "1h"] {
        assert!(check_terraform_duration(good).is_ok(), "{good}");
    }
    for bad in ["", "5", "m", "5mm", "-5m", "5 m"] {
        assert!(check_terraform_duration(bad).is_err(), "{bad}");
    }
    for good in [
        "catalog",
        "none",
        "anthropic:claude-haiku-4-5",
        "openai-compatible:qwen2.5-coder-1.5b",
    ] {
        assert!(check_llm_spec(good).is_ok(), "{good}");
    }
    for bad in ["anthropic:", "claude", "bard:x"] {
        assert!(check_llm_spec(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_missing_file_says_which() {
    let error = LoadedConfig::load(Path::new("/nonexistent/agentlab.toml"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("/nonexistent/agentlab.toml"), "{error}");
}

#[test]
fn the_guests_output_is_required_only_when_named_and_the_settle_time_defaults_to_180_seconds() {
    let project = |validate: &str| {
        parse(&format!(
            "[[project]]\nname = \"a\"\ndir = \"a\"\n[project.validate]\n{validate}"
        ))
        .unwrap()
        .config
        .projects[0]
            .validate
            .clone()
    };
    let defaults = project("");
    assert_eq!(
        (
            defaults.guests_output.as_str(),
            defaults.guests_output_required,
            defaults.settle_seconds
        ),
        ("guests", false, 180)
    );
    let named = project("guests_output = \"guests\"\nsettle_seconds = 30\n");
    assert_eq!(
        (
            named.guests_output.as_str(),
            named.guests_output_required,
            named.settle_seconds
        ),
        ("guests", true, 30)
    );
    // A typo still names its key and line through the keys as written.
    let error =
        error_of("[[project]]\nname = \"a\"\ndir = \"a\"\n[project.validate]\nsettle_second = 5\n");
    assert!(
        error.contains("settle_second") && error.contains("line 5"),
        "{error}"
    );
}
