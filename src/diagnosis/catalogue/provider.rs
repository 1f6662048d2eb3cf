//! Provider compatibility: the telmate provider on newer Proxmox VE releases, plugin crashes, "Provider produced
//! inconsistent result", version constraints nothing satisfies and a dependency lock file whose checksums do not
//! match. These are defects or pins in the toolchain: a person changes the provider or its version.

use crate::contracts::{Category, Remediation};

use super::Signature;

/// The one provider signature that must answer before every other family (its text names missing privileges).
pub(super) fn before_everything() -> Vec<Signature> {
    vec![Signature {
        name: "telmate-vm-monitor-on-pve9",
        pattern: r"permissions for user/token (\S+) are not sufficient, please provide also the following permissions that are missing: \[[^\]]*VM\.Monitor",
        category: Category::ProviderIncompatibility,
        remediation: Remediation::Escalate,
        root_cause: "The telmate/proxmox provider insists on the VM.Monitor privilege, which Proxmox VE 9 removed, so no grant to $1 can satisfy it; move the project to the bpg/proxmox provider (or a telmate release that supports PVE 9).",
    }]
}

pub(super) fn signatures() -> Vec<Signature> {
    vec![
        Signature {
            name: "provider-plugin-crashed",
            pattern: r"(?:Stack trace from the (terraform-provider-\S+) plugin|Plugin did not respond|The plugin encountered an error, and failed to respond)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            root_cause: "The provider plugin $1 crashed (a panic in the plugin), which is a provider defect or an incompatibility with this Proxmox VE release; pin a provider version that works with it or report the stack trace upstream.",
        },
        Signature {
            name: "provider-inconsistent-result",
            pattern: r"Provider produced inconsistent (result after apply|final plan)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            root_cause: "The provider produced an inconsistent $1, which Terraform reports as a bug in the provider: the real object may exist while the state says otherwise; check the guest in Proxmox VE, then pin another provider version or report it upstream.",
        },
        Signature {
            name: "provider-version-constraints-unsatisfiable",
            pattern: r"(?:no available releases match the given constraints ([^\n]+)|locked provider (\S+)\s+(\S+)\s+does not match configured version constraint)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            root_cause: "The provider version constraints cannot be met ($1$2 $3): the project's required_providers, its modules and the dependency lock file disagree; align the constraints, then run `terraform init -upgrade` by hand and commit the new lock file.",
        },
        Signature {
            name: "provider-lock-file-checksum-mismatch",
            pattern: r"(?:doesn't|does not)\s+match\s+any\s+of\s+the\s+checksums\s+(?:previously\s+)?recorded\s+in\s+the\s+dependency\s+lock\s+file",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            root_cause: "The provider package does not match the checksums in .terraform.lock.hcl (usually a lock file recorded on another platform, or a cached package that changed); run `terraform providers lock -platform=linux_amd64` (and the runner's platforms) and commit the lock file.",
        },
    ]
}
