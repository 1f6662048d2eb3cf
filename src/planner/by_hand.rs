//! The command a person runs to do by hand what the policy would not run unattended.
//!
//! A held `replace` or `reinit_upgrade` ends the run; the incident issue then tells a person what was proposed
//! and the exact command that does it, so that checking it and acting on it is one copy and paste away. The
//! command is built here from the remediation's closed enum and the project directory, with both quoted for a
//! POSIX shell: a model's (or an injected) address can never become more than one argument.

use std::path::Path;

use crate::contracts::Remediation;

/// The `terraform` command line that carries out `remediation` in the project `dir`.
pub fn manual_command(remediation: &Remediation, dir: &Path) -> String {
    let chdir = shell_word(&format!("-chdir={}", dir.display()));
    match remediation {
        Remediation::Replace { address } => {
            format!(
                "terraform {chdir} apply {}",
                shell_word(&format!("-replace={address}"))
            )
        }
        Remediation::ReinitUpgrade => format!("terraform {chdir} init -upgrade"),
        Remediation::ReduceParallelism { parallelism } => {
            format!(
                "terraform {chdir} apply -parallelism={}",
                parallelism.max(&1)
            )
        }
        Remediation::Retry | Remediation::RetryAfter { .. } | Remediation::Escalate => {
            format!("terraform {chdir} apply")
        }
    }
}

/// `word` as one POSIX shell word: left bare when it has only characters no shell treats specially, else in
/// single quotes (a single quote inside becomes `'\''`). `-replace=` always gets quotes, since addresses carry
/// brackets and often quotes.
fn shell_word(word: &str) -> String {
    let bare = !word.starts_with("-replace=")
        && !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '=' | ':' | '+' | ',')
        });
    if bare {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_remediation_becomes_one_exact_terraform_command() {
        let dir = Path::new("modules/lxc-fleet");
        let check = |remediation: Remediation, expected: &str| {
            assert_eq!(
                manual_command(&remediation, dir),
                expected,
                "{remediation:?}"
            );
        };
        check(
            Remediation::Replace {
                address: "module.fleet.proxmox_virtual_environment_container.guest[\"web\"]".into(),
            },
            "terraform -chdir=modules/lxc-fleet apply '-replace=module.fleet.proxmox_virtual_environment_container.guest[\"web\"]'",
        );
        check(
            Remediation::Replace {
                address: "null_resource.guest[0]".into(),
            },
            "terraform -chdir=modules/lxc-fleet apply '-replace=null_resource.guest[0]'",
        );
        check(
            Remediation::ReinitUpgrade,
            "terraform -chdir=modules/lxc-fleet init -upgrade",
        );
        check(
            Remediation::ReduceParallelism { parallelism: 2 },
            "terraform -chdir=modules/lxc-fleet apply -parallelism=2",
        );
        check(
            Remediation::Retry,
            "terraform -chdir=modules/lxc-fleet apply",
        );
    }

    #[test]
    fn a_hostile_address_or_directory_stays_one_shell_word() {
        let command = manual_command(
            &Remediation::Replace {
                address: "x'; rm -rf / #".into(),
            },
            Path::new("/home/me/my lab"),
        );
        assert_eq!(
            command,
            r"terraform '-chdir=/home/me/my lab' apply '-replace=x'\''; rm -rf / #'"
        );
    }
}
