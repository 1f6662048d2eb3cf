//! Which Terraform (or OpenTofu) release a binary is, from `version -json`: some settings are spelled differently
//! across releases (the S3 backend's for an S3-compatible store changed in 1.6), and the bundled sandbox projects
//! must work on any of them.

use std::time::Duration;

use super::runner::TerraformRunner;

/// `major.minor` of a Terraform release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TerraformVersion {
    pub major: u32,
    pub minor: u32,
}

impl TerraformVersion {
    /// From `version -json`'s `terraform_version` (`"1.11.4"`, `"1.0.3"`, `"1.12.0-beta1"`).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().trim_start_matches('v').split('.');
        let major = parts.next()?.parse().ok()?;
        let minor_text: String = parts
            .next()?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        Some(Self {
            major,
            minor: minor_text.parse().ok()?,
        })
    }

    /// Terraform 1.6 moved the S3 backend to the newer AWS SDK: `endpoints`, `use_path_style`, and an account-ID
    /// lookup (against AWS's IAM and STS) that an S3-compatible store needs skipped.
    pub fn s3_backend_asks_aws_for_the_account(self) -> bool {
        self >= Self { major: 1, minor: 6 }
    }
}

impl TerraformRunner {
    /// The release of this runner's binary, `None` when it cannot be run or does not say (within 10 seconds).
    pub async fn version(&self) -> Option<TerraformVersion> {
        let mut command = self.invocation.command(&std::env::temp_dir());
        command.args(["version", "-json"]).kill_on_drop(true);
        let output = tokio::time::timeout(Duration::from_secs(10), command.output())
            .await
            .ok()?
            .ok()?;
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
        TerraformVersion::parse(document["terraform_version"].as_str()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_are_read_and_ordered() {
        let version = |text| TerraformVersion::parse(text).expect(text);
        assert_eq!(version("1.0.3"), TerraformVersion { major: 1, minor: 0 });
        assert_eq!(
            version("1.12.0-beta1"),
            TerraformVersion {
                major: 1,
                minor: 12
            }
        );
        assert!(!version("1.5.7").s3_backend_asks_aws_for_the_account());
        assert!(version("1.6.0").s3_backend_asks_aws_for_the_account());
        assert!(version("1.11.4").s3_backend_asks_aws_for_the_account());
        assert_eq!(TerraformVersion::parse("dev"), None);
    }
}
