//! The sandbox projects the eval and the demo run, built into the binary so they work from any folder.
//!
//! They are the Terraform projects of `tests/fixtures/` (null provider 2.1.2): a healthy one and one per fault,
//! each printing the real error text of the failure it stands for. Every run writes a fresh copy into its own
//! folder, so no state, lock or plan survives from one run to the next.

use std::path::Path;

use crate::terraform::version::TerraformVersion;

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
        &[
            (
                "main.tf",
                include_str!("../../tests/fixtures/fault-backend-offline/main.tf"),
            ),
            (
                NEWER_S3_BACKEND_FILE,
                include_str!(
                    "../../tests/fixtures/fault-backend-offline/terraform-1.6-and-later.s3.tfbackend"
                ),
            ),
        ],
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

/// The S3 backend settings a sandbox project needs only on Terraform 1.6 and later (which 1.0 to 1.5 reject).
pub const NEWER_S3_BACKEND_FILE: &str = "terraform-1.6-and-later.s3.tfbackend";

/// The `-backend-config` arguments for a sandbox project on the given Terraform release: its
/// [`NEWER_S3_BACKEND_FILE`] when it has one and the release is 1.6 or later, else none. An unknown release is
/// taken for an older one (the tests' terraform 1.0.3).
pub fn sandbox_backend_config(name: &str, terraform: Option<TerraformVersion>) -> Vec<String> {
    let has_newer_file = SANDBOX_PROJECTS
        .iter()
        .filter(|(project, _)| *project == name)
        .flat_map(|(_, files)| files.iter())
        .any(|(relative, _)| *relative == NEWER_S3_BACKEND_FILE);
    let newer = terraform.is_some_and(TerraformVersion::s3_backend_asks_aws_for_the_account);
    if has_newer_file && newer {
        vec![NEWER_S3_BACKEND_FILE.to_owned()]
    } else {
        Vec::new()
    }
}

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
        let newer = TerraformVersion::parse("1.11.4");
        let older = TerraformVersion::parse("1.0.3");
        assert_eq!(
            sandbox_backend_config("fault-backend-offline", newer),
            [NEWER_S3_BACKEND_FILE]
        );
        assert!(sandbox_backend_config("fault-backend-offline", older).is_empty());
        assert!(sandbox_backend_config("fault-backend-offline", None).is_empty());
        assert!(sandbox_backend_config("sandbox-ok", newer).is_empty());
        let error = write_sandbox_project("nope", dir.path())
            .unwrap_err()
            .to_string();
        assert!(error.contains("sandbox-ok"), "{error}");
    }
}
