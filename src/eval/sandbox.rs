//! The sandbox projects the eval and the demo run, built into the binary so they work from any folder.
//!
//! They are the Terraform projects of `tests/fixtures/` (null provider 2.1.2): a healthy one and one per fault,
//! each printing the real error text of the failure it stands for. Every run writes a fresh copy into its own
//! folder, so no state, lock or plan survives from one run to the next.

use std::path::Path;

/// (project, [(relative path, contents)]).
pub const SANDBOX_PROJECTS: &[(&str, &[(&str, &str)])] = &[
    (
        "sandbox-ok",
        &[(
            "main.tf",
            include_str!("../../tests/fixtures/sandbox-ok/main.tf"),
        )],
    ),
    (
        "fault-parallel-lock",
        &[
            (
                "main.tf",
                include_str!("../../tests/fixtures/fault-parallel-lock/main.tf"),
            ),
            (
                "create-container.sh",
                include_str!("../../tests/fixtures/fault-parallel-lock/create-container.sh"),
            ),
        ],
    ),
    (
        "fault-permission",
        &[
            (
                "main.tf",
                include_str!("../../tests/fixtures/fault-permission/main.tf"),
            ),
            (
                "create-vm.sh",
                include_str!("../../tests/fixtures/fault-permission/create-vm.sh"),
            ),
        ],
    ),
    (
        "fault-backend-offline",
        &[(
            "main.tf",
            include_str!("../../tests/fixtures/fault-backend-offline/main.tf"),
        )],
    ),
    (
        "fault-vmid-conflict",
        &[
            (
                "main.tf",
                include_str!("../../tests/fixtures/fault-vmid-conflict/main.tf"),
            ),
            (
                "create-container.sh",
                include_str!("../../tests/fixtures/fault-vmid-conflict/create-container.sh"),
            ),
        ],
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("no sandbox project named `{name}`; known: {known}")]
    Unknown { name: String, known: String },
    #[error("cannot write the sandbox project into {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Whether a sandbox project of that name is built in.
pub fn has_sandbox_project(name: &str) -> bool {
    SANDBOX_PROJECTS.iter().any(|(project, _)| *project == name)
}

/// Writes a fresh copy of the sandbox project `name` into `dir` (created if needed).
pub fn write_sandbox_project(name: &str, dir: &Path) -> Result<(), SandboxError> {
    let files = SANDBOX_PROJECTS
        .iter()
        .find(|(project, _)| *project == name)
        .map(|(_, files)| *files)
        .ok_or_else(|| SandboxError::Unknown {
            name: name.to_string(),
            known: SANDBOX_PROJECTS
                .iter()
                .map(|(project, _)| *project)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SandboxError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(write_error(dir))?;
    for (relative, contents) in files {
        let path = dir.join(relative);
        std::fs::write(&path, contents).map_err(write_error(&path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sandbox_project_is_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        for (name, files) in SANDBOX_PROJECTS {
            let target = dir.path().join(name);
            write_sandbox_project(name, &target).unwrap();
            for (relative, contents) in *files {
                assert_eq!(
                    std::fs::read_to_string(target.join(relative)).unwrap(),
                    *contents
                );
            }
        }
        let error = write_sandbox_project("nope", dir.path())
            .unwrap_err()
            .to_string();
        assert!(error.contains("sandbox-ok"), "{error}");
    }
}
