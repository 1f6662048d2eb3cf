//! Publishing goes through the Outbox: a preview is byte for byte what is posted.

/// A preview is byte for byte what is posted: the same run's preview and the body the GitHub stand-in received,
/// a `--no-post` run's preview of the same plan, and `publish --no-post`'s preview of that run's records.
#[tokio::test]
async fn a_preview_is_the_body_github_receives() {
    use crate::support::{SandboxWithGitHub, agentlab, pull_request_event, stderr_of};

    let SandboxWithGitHub {
        workspace,
        proxmox: _proxmox,
        stand_in,
        mut env,
    } = SandboxWithGitHub::start().await;
    env.extend([
        ("GITHUB_EVENT_NAME", "pull_request".to_string()),
        (
            "GITHUB_EVENT_PATH",
            pull_request_event().display().to_string(),
        ),
        // One run id for both runs, so their footers agree.
        ("GITHUB_RUN_ID", "4242".to_string()),
        ("GITHUB_RUN_ATTEMPT", "1".to_string()),
    ]);
    let plan = async |posting: &str, output: &str| {
        let args = [
            "plan",
            "--project",
            "sandbox-ok",
            posting,
            "--output",
            output,
        ];
        agentlab(workspace.path(), &args, &env).await
    };
    let previewed = plan("--no-post", "previewed").await;
    assert_eq!(
        previewed.status.code(),
        Some(0),
        "{}",
        stderr_of(&previewed)
    );
    assert!(
        stand_in.comments_on(2).is_empty(),
        "--no-post posts nothing"
    );
    let posted = plan("--post", "posted").await;
    assert_eq!(posted.status.code(), Some(0), "{}", stderr_of(&posted));

    let comments = stand_in.comments_on(2);
    assert_eq!(comments.len(), 1);
    let received = comments[0]["body"].as_str().unwrap();
    assert!(
        received.starts_with("<!-- agentlab:plan project=sandbox-ok -->"),
        "{received}"
    );
    // The records of the --no-post run, previewed again by `publish --no-post` without any GitHub settings.
    let republished = agentlab(
        workspace.path(),
        &[
            "publish",
            "--records",
            "previewed",
            "--no-post",
            "--output",
            "republished",
        ],
        &[],
    )
    .await;
    let stderr = stderr_of(&republished);
    assert_eq!(republished.status.code(), Some(0), "{stderr}");
    assert!(
        stderr
            .contains("wrote 1 preview of what would be posted to republished; nothing was posted"),
        "{stderr}"
    );
    assert_eq!(
        stand_in.comments_on(2).len(),
        1,
        "publish --no-post posts nothing"
    );
    for dir in ["previewed", "posted", "republished"] {
        let preview =
            std::fs::read_to_string(workspace.path().join(dir).join("sandbox-ok.pr-comment.md"))
                .unwrap();
        assert_eq!(
            preview, received,
            "the {dir} run's preview differs from the posted body"
        );
    }
    stand_in.assert_no_violations();
}
