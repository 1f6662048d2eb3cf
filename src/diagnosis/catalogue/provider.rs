//! Provider compatibility: the telmate provider on newer Proxmox VE releases (and its own privilege check), plugin
//! crashes, a plugin protocol this Terraform does not speak, "Provider produced inconsistent result", version
//! constraints nothing satisfies, a release without a package for the runner's platform, a provider source the
//! registry does not have, a dependency lock file that is inconsistent or whose checksums do not match, and a
//! package that does not match its published checksum or signature, and an API method the node's Proxmox VE release
//! does not have. These are defects or pins in the toolchain: a person changes the provider, its source or its
//! version.

use crate::contracts::{Category, Remediation};

use super::Signature;

/// The telmate provider's own privilege check, which must answer before every other family (its text names missing
/// privileges). Only VM.Monitor alone is the Proxmox VE 9 incompatibility; a longer list is a grant that is
/// missing (a real held-out text: a pool ACL on Proxmox VE 8 listed twenty privileges, VM.Monitor among them).
pub(super) fn before_everything() -> Vec<Signature> {
    vec![
        Signature {
            name: "telmate-vm-monitor-on-pve9",
            pattern: r"permissions for user/token (\S+) are not sufficient, please provide also the following permissions that are missing: \[VM\.Monitor\]",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The telmate/proxmox provider insists on the VM.Monitor privilege, which Proxmox VE 9 removed, so no grant to $1 can satisfy it; move the project to the bpg/proxmox provider (or a telmate release that supports PVE 9).",
        },
        Signature {
            // Its proxmox/provider.go; a report that cuts the list after "are not sufficient" is the same check.
            name: "telmate-privileges-missing",
            pattern: r"(?i)permissions for user/token (\S+) are not sufficient(?:, please provide also the following permissions that are missing: \[([^\]]*)\])?",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The telmate/proxmox provider checks the privileges of $1 on / before doing anything and found some missing ($2); grant them on / (a role on a pool or a narrower path does not satisfy this check; with privilege separation the grant goes to the token). On Proxmox VE 9, VM.Monitor no longer exists and cannot be granted.",
        },
    ]
}

pub(super) fn signatures() -> Vec<Signature> {
    vec![
        Signature {
            name: "provider-plugin-crashed",
            // Terraform's words for a plugin that died: its stack trace, "plugin crashed!" (0.15+), the RPC
            // that was cut (0.12-0.14 print only `transport is closing`), or the call it never answered.
            pattern: r"(?:Stack trace from the (terraform-provider-\S+) plugin|The (terraform-provider-\S+) plugin crashed!|Plugin did not respond|The plugin encountered an error, and failed to respond|rpc error: code = Unavailable desc = (?:transport|connection) is closing)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider plugin $1$2 crashed (a panic in the plugin), which is a provider defect or an incompatibility with this Proxmox VE release; pin a provider version that works with it or report the stack trace upstream.",
        },
        Signature {
            // A provider built for another plugin protocol than this Terraform speaks: 0.12+ against a provider
            // built for 0.11 ("Plugin version: 4, Client versions: [5]"), or the older "Ours: 4".
            name: "provider-plugin-protocol-incompatible",
            pattern: r"Incompatible\s+API\s+version\s+with\s+plugin\.\s+Plugin\s+version:\s+(\d+),\s+(?:Client\s+versions:\s+\[([^\]]*)\]|Ours:\s+(\d+))",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider plugin speaks plugin protocol $1, and this Terraform speaks $2$3: the provider release was built for another Terraform generation; pin a provider release built for this Terraform (or run the Terraform release the provider supports), then run terraform init.",
        },
        Signature {
            // Go's JSON decoder refusing Proxmox VE's answer: a field the provider's release declares as one type
            // comes back as another ("cannot unmarshal string into Go struct field GetStatusResponseData.data.pid
            // of type int"), which Proxmox VE releases change between them and which no configuration chooses.
            name: "provider-response-undecodable",
            pattern: r"json: cannot unmarshal (\w+) into Go (?:struct field|value of type) ([\w.\-\[\]]+)(?: of type ([\w.\[\]*]+))?",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: Some(super::STATE_BACKEND_WORDS),
            root_cause: "The provider could not read Proxmox VE's answer: it got a JSON $1 for $2, where its release expects $3. The provider release and this Proxmox VE release disagree on the answer's shape (or the guest holds a setting the provider does not model); move to a provider release that reads it, or report the field upstream.",
        },
        Signature {
            name: "provider-inconsistent-result",
            // Terraform's words for a provider that broke its own contract: an inconsistent result or final plan,
            // an invalid plan ("planned an invalid value"), an invalid or null object after apply, and OpenTofu's
            // "returned invalid result object". A report often quotes only the detail: "When applying changes to X,
            // provider "..." produced an unexpected new value: ...", or the sentence every one of these details ends
            // with, "This is a bug in the provider, which should be reported in the provider's own issue tracker."
            // (internal/terraform in 0.12 to 1.11, and OpenTofu; wrapped at any space).
            pattern: r"Provider (produced inconsistent result after apply|produced inconsistent final plan|produced invalid plan|returned invalid result object after apply|produced invalid object|produced null object)|\bprovider\s+\S+\s+(produced\s+an\s+(?:unexpected|invalid)\s+new\s+value|produced\s+an\s+invalid\s+value\s+after\s+apply|planned\s+an\s+invalid\s+value|produced\s+a\s+null\s+value)|This\s+is\s+a\s+bug\s+in\s+the\s+provider,\s+which\s+should\s+be\s+reported\s+in\s+the\s+provider's\s+own\s+issue\s+tracker",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform reports a bug in the provider ($1$2): the provider broke its contract with Terraform (an inconsistent or invalid result or plan); the real object may exist while the state says otherwise; check the guest in Proxmox VE, then pin another provider version or report it upstream.",
        },
        Signature {
            // hashicorp/terraform-plugin-framework (which the bpg provider is built on) saying that a provider broke
            // its own types: "Value Conversion Error", "State Read Error", "... Type Validation Error", each detail
            // reading "This is always an error in the provider. Please report the following to the provider
            // developer" (wrapped at any space).
            name: "provider-framework-internal-error",
            pattern: r"This\s+is\s+always\s+an\s+error\s+in\s+the\s+provider",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider's plugin framework reports an error inside the provider itself (\"This is always an error in the provider\"): the provider release does not handle a value this configuration or this Proxmox VE gives it; pin another provider release or report the detail upstream (a null where the provider expects a value can sometimes be avoided by setting the argument).",
        },
        Signature {
            name: "provider-version-constraints-unsatisfiable",
            // Terraform wraps the phrase anywhere ("no available\nreleases match", "the given\nconstraints").
            pattern: r"(?:no\s+available\s+releases\s+match\s+the\s+given\s+constraints[ \t]*([^\n]*)|locked\s+provider\s+(\S+)\s+(\S+)\s+does\s+not\s+match\s+configured\s+version\s+constraint)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider version constraints cannot be met ($1$2 $3): the project's required_providers, its modules and the dependency lock file disagree; align the constraints, then run `terraform init -upgrade` by hand and commit the new lock file.",
        },
        Signature {
            // terraform init checks a downloaded provider package against the checksums its registry publishes;
            // a release whose files and checksum list disagree fails for everybody until it is fixed.
            name: "provider-package-checksum-mismatch",
            // Its relatives: a release signed with a key the registry does not know (Terraform and OpenTofu's
            // internal/getproviders/package_authentication.go, "authentication signature from unknown issuer";
            // Terraform 0.11-0.12's openpgp "signature made by unknown entity", met after HashiCorp rotated its
            // release key), a package whose size is not the one the registry announced (OpenTofu's
            // internal/getproviders/package_authentication.go), and a release whose checksum file is gone (404; a timeout fetching it is a network
            // failure, taken by the registry rule).
            pattern: r"(?:archive\s+has\s+incorrect\s+checksum|checksum\s+list\s+has\s+unexpected\s+SHA-256\s+hash|provider\s+is\s+not\s+signed\s+with\s+a\s+valid\s+signing\s+key|failed\s+to\s+retrieve\s+authentication\s+checksums\s+for\s+provider:\s+404\b|authentication\s+signature\s+from\s+unknown\s+issuer|openpgp:\s+signature\s+made\s+by\s+unknown\s+entity|registry\s+response\s+indicates\s+a\s+package\s+of\s+size\s+\d+,\s+but\s+received\s+a\s+package\s+of\s+size)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider package terraform init downloaded does not match the checksum or signature its registry publishes, or the registry has none for it: usually a broken provider release (or a mirror or proxy that changed the file); pin the previous provider version until a fixed release is out, and check any provider mirror.",
        },
        Signature {
            name: "provider-no-package-for-platform",
            // Terraform's init ("does not have a package available for your current platform") and the error under
            // "Failed to install provider" (internal/getproviders/errors.go: "provider %s %s is not available for %s").
            pattern: r"[Pp]rovider\s+(\S+)\s+v?(\S+)\s+(?:does\s+not\s+have\s+a\s+package\s+available\s+for\s+your\s+current\s+platform,|is\s+not\s+available\s+for)\s+([a-z0-9]+_[a-z0-9]+)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider $1 $2 publishes no package for the runner's platform ($3): pin a provider version that has one (or run on a platform it supports), then run terraform init by hand and commit the lock file.",
        },
        Signature {
            // A provider release built for another plugin protocol than the running Terraform speaks, in init's own
            // words (internal/command/init.go from 0.13 to 1.11: "Incompatible provider version", "Provider X vN is not
            // compatible with Terraform M", "No compatible versions of provider X were found"; internal/getproviders:
            // "provider X N is not supported by this version of terraform"), or a release the registry withdrew after
            // the lock file selected it ("the previously-selected version N is no longer available").
            name: "provider-release-incompatible-or-withdrawn",
            pattern: concat!(
                summary_line!(r#"Incompatible provider version"#),
                r#"|\b(Provider\s+"?\S+?"?\s+v\S+\s+is\s+not\s+compatible\s+with\s+Terraform\s+\S+?)\.?\s|\b(No\s+compatible\s+versions\s+of\s+provider\s+\S+\s+were\s+found)|\b(provider\s+\S+\s+\S+\s+is\s+not\s+supported\s+by\s+this\s+version\s+of\s+terraform)|\b(the\s+previously-selected\s+version\s+\S+\s+is\s+no\s+longer\s+available)"#
            ),
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "terraform init found no installable release of a provider for this Terraform (\"$1$2$3$4$5\"): the selected release speaks another plugin protocol, or the registry withdrew the release the lock file pins; select a release this Terraform supports in required_providers, run terraform init -upgrade by hand and commit the lock file.",
        },
        Signature {
            // Terraform (internal/terraform/context.go) and OpenTofu when a provider could not be started or did not
            // return its schema: a plugin that crashes at start, one built for another platform or protocol, or
            // one the directory does not hold as the lock file says. hashicorp/go-plugin's own word for a plugin whose
            // first line was not its handshake ("Unrecognized remote plugin message: ... This usually means that the
            // plugin is either invalid or simply needs to be recompiled to support the latest protocol", its
            // client.go) is the same failure, seen by Terraform 0.12 to 1.11.
            name: "provider-schema-unavailable",
            pattern: concat!(
                summary_line!(
                    r#"Failed to (?:load plugin schemas|obtain provider schema|load provider schemas)"#
                ),
                r#"|Error while loading schemas for plugin components|\b(Unrecognized remote plugin message)"#
            ),
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform could not get a provider's schema ($1$2): the provider's plugin did not start or did not answer (a crash at start, a package for another platform, or an installation that does not match the lock file); run terraform init again, and pin the provider to a release that starts on this runner.",
        },
        Signature {
            name: "provider-dependency-lock-file-inconsistent",
            pattern: concat!(
                r#"Inconsistent dependency lock file|"#,
                summary_line!(
                    r#"?:Invalid provider hash (?:string|set)|Duplicate provider lock|Non-normalized provider source address"#
                )
            ),
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The dependency lock file (.terraform.lock.hcl) does not match the providers the configuration requires: a provider was added or its constraint changed without terraform init; run terraform init (with -upgrade when a constraint changed) by hand and commit the lock file.",
        },
        Signature {
            // Terraform 0.13 to 1.0's words for a provider the working directory does not have installed (or not in
            // the version the lock file pins): "Could not load plugin" with "Plugin reinitialization required.
            // Please run "terraform init"." (or "Provider requirements cannot be satisfied by locked dependencies",
            // "The following required providers are not installed"); 1.1 and later say "Missing required provider"
            // ("This configuration requires provider X, but that provider isn't available"), "Required plugins are
            // not installed", or "Inconsistent dependency lock file" (above); 0.10 and 0.11 listed each provider
            // ("provider.proxmox: new or changed plugin executable", "provider.proxmox: no suitable version installed").
            name: "provider-plugins-not-installed",
            pattern: concat!(
                r#"Plugin reinitialization required\. Please run "(?:terraform|tofu) init"|"#,
                summary_line!(
                    r#"?:Missing required provider|Required plugins are not installed|Provider requirements cannot be satisfied by locked dependencies"#
                ),
                r#"|\brequires\s+provider\s+\S+,\s+but\s+that\s+provider\s+isn't\s+available|The\s+following\s+required\s+providers\s+are\s+not\s+installed|\bprovider\.\S+:\s+(?:new\s+or\s+changed\s+plugin\s+executable|no\s+suitable\s+version\s+installed)"#
            ),
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The providers the configuration needs are not installed in the working directory, or not in the versions the lock file pins: a provider was added or its constraint changed without terraform init; run terraform init (with -upgrade when a constraint changed) and commit the lock file.",
        },
        Signature {
            // The state holds an object written by a newer release of its provider than the one now selected (a
            // version constraint or lock file that went back): Terraform cannot read it with the older schema.
            name: "provider-older-than-its-state",
            // (OpenTofu says the same of a resource's identity: "Resource identity managed by newer provider version".)
            pattern: r"Resource\s+(?:instance|identity)\s+managed\s+by\s+newer\s+provider\s+version",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The state was written by a newer release of the provider than the one this run selected (the version constraint or the lock file went back): select that release again, or a later one, in required_providers and the lock file; an older release cannot read the newer schema.",
        },
        Signature {
            // A runner whose provider installation is a local mirror or plugin directory (an offline runner, a
            // `provider_installation` block in the CLI configuration) that lacks the provider: Terraform lists the
            // places it looked.
            name: "provider-missing-from-installation-sources",
            pattern: r"provider\s+(\S+)\s+was\s+not\s+found\s+in\s+any\s+of\s+the\s+search\s+locations",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform found the provider $1 in none of the places the runner's CLI configuration lets it install from (a filesystem mirror or plugin directory): add the provider's package for this platform there (terraform providers mirror DIR on a machine with access), or let that provider come from its registry.",
        },
        Signature {
            // A provider address the registry does not serve: most often a module without required_providers,
            // so Terraform reads `proxmox_...` as hashicorp/proxmox.
            name: "provider-source-unknown-to-registry",
            pattern: r"does\s+not\s+have\s+a\s+provider\s+named\s+(\S+)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The registry has no provider $1: the configuration (or one of its modules, which needs its own required_providers block) names a provider source that does not exist, typically hashicorp/proxmox instead of bpg/proxmox or telmate/proxmox; declare the right source in every module, then run terraform init.",
        },
        Signature {
            name: "provider-lock-file-checksum-mismatch",
            pattern: r"(?:doesn't|does not)\s+match\s+any\s+of\s+the\s+checksums\s+(?:previously\s+)?recorded\s+in\s+the\s+dependency\s+lock\s+file",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider package does not match the checksums in .terraform.lock.hcl (usually a lock file recorded on another platform, or a cached package that changed); run `terraform providers lock -platform=linux_amd64` (and the runner's platforms) and commit the lock file.",
        },
        Signature {
            // `required_version` that the running binary does not satisfy, in Terraform 0.11's words (no summary),
            // the 0.12-1.x and OpenTofu 1.6-1.11 summary, and OpenTofu 1.12's "Incompatible module". A version pin
            // in the toolchain, like a provider's: the runner's binary or the constraint changes. A constraint whose
            // lower bound no Terraform or OpenTofu release reaches (1.30 or later, or a major version past 1; their
            // main branches were at 1.17 and 1.13 in 2026) is no pin but a mistake, typically a provider's version
            // written into required_version, and this rule leaves it (its `unless`).
            name: "terraform-core-version-unsupported",
            pattern: r"(?:Unsupported (Terraform|OpenTofu) Core version|currently running version of (Terraform) doesn't meet\s+the\s+version requirements|This module is not compatible with (OpenTofu) v[0-9])",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: Some(
                r#"required_version\s*=\s*"\s*(?:>=|>|~>|=)?\s*v?(?:[2-9]|1\.(?:[3-9]\d|\d{3,}))\."#,
            ),
            root_cause: "The configuration's required_version (or a module's) does not admit the $1$2$3 release the runner has: install a release the constraint allows (agentlab runs the binary named by AGENTLAB_TERRAFORM) or change the constraint, then run again.",
        },
        Signature {
            // Terraform 0.12 to 0.14 refusing a state written by a newer Terraform (1.x reads any format-4 state, so
            // the words come from runners pinned to an older 0.x): the runner's binary is older than the one that
            // last wrote the state.
            name: "terraform-older-than-its-state",
            pattern: r"state snapshot was created by Terraform (v\S+), which is newer than current (v[^;\s]+)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The state was last written by Terraform $1, newer than the runner's $2, which cannot read it: run the release that wrote it or a later one (pin one version for every runner and person in required_version), never an older one against this state.",
        },
        Signature {
            // Terraform 0.14 and later (and OpenTofu) for a provider named without its namespace, in the
            // configuration or in a state written before 0.13; the wrap may fall anywhere in the sentence.
            name: "terraform-legacy-provider-address",
            pattern: r#"refers\s+to\s+the\s+unqualified\s+provider\s+"([^"]+)""#,
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The configuration or its state names the provider \"$1\" without a source (a pre-0.13 address): declare its source in required_providers, and move the state with `terraform state replace-provider registry.terraform.io/-/$1 NAMESPACE/$1`.",
        },
        Signature {
            // Proxmox VE refusing to destroy a guest that still runs (qemu-server's "VM N is running - destroy
            // failed", pve-container's "unable to destroy CT N - container is running") or that HA still manages
            // without `purge`: the provider deleted without stopping it first, or without removing it from HA.
            name: "proxmox-destroy-refused",
            pattern: r"((?:VM|CT) (?:\d+|<id>) is running - destroy failed|unable to destroy CT \d+ - container is running|unable to remove (?:VM|CT) \d+ - used in HA resources)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE refused to destroy the guest ($1): it still runs, or HA still manages it, and the provider asked for the delete without stopping it (or without purging it from HA) first; stop the guest or remove it from HA by hand and run again, and move to a provider release that stops and purges before it deletes.",
        },
        Signature {
            // A task that ended "WARNINGS: N" is a success to Proxmox VE (exit code 0), but some provider releases
            // count it as a failure (bpg before 0.58 for VM clones and before 0.99 for containers, telmate before
            // proxmox-api-go's fix): the guest usually exists.
            name: "provider-task-warnings-as-failure",
            pattern: r"failed to complete with (?:exit code|error): (WARNINGS: \d+)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE finished the task with warnings ($1), which it counts as a success, but this provider release counts it as a failure, so the guest it made is usually there without being in the state; read the task log's WARN lines, upgrade the provider, and import or remove the guest.",
        },
        Signature {
            // Proxmox VE's API router answering 501 "Method 'VERB /path' not implemented" for a path it does not
            // serve: the provider or tool calls a method this release does not have (one added in a later release,
            // or removed, as openvz was), or builds the path wrong (an empty segment where a guest type belongs). A
            // URL inside the path is a node or host setting that holds an address instead of a name, and a path that
            // itself starts with /api2/ was sent below an endpoint that already held the API's path: both are the
            // project's settings, not the release, so this rule leaves them (its `unless`).
            name: "proxmox-api-method-missing",
            pattern: r"Method '((?:GET|POST|PUT|DELETE) /[^']*)' not implemented",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: Some(r"Method '(?:GET|POST|PUT|DELETE) /(?:[^']*://|api2/)"),
            root_cause: "Proxmox VE has no API method $1 (501 not implemented): the provider or tool calls a path this Proxmox VE release does not serve, one added in a later release or removed in an earlier one, or a path it built wrong; match the provider's release to the node's Proxmox VE release (upgrade one of them) and report a malformed path to the provider.",
        },
        Signature {
            // The telmate provider meeting a Proxmox VE release it was not written for: a parameter the API now
            // returns that it cannot read (proxmox/util.go), or a setting the release does not have yet
            // (proxmox-api-go: "... is only supported on Proxmox VE 8.0 and higher").
            name: "provider-and-proxmox-release-mismatch",
            pattern: r"(proxmox API returned new parameter '[^']*' we cannot process|\bis only supported on Proxmox VE [\d.]+ and higher)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider release and the node's Proxmox VE release do not match ($1): move to a provider release written for this Proxmox VE release (or, for a setting a newer release brings, leave the setting out or upgrade Proxmox VE).",
        },
        Signature {
            // pve-container's setup code for the container's OS knowing only the releases that existed when it
            // shipped (src/PVE/LXC/Setup/Debian.pm, Ubuntu.pm, ...): a template of a newer release than the node's
            // Proxmox VE knows ("unable to create CT 101 - unsupported debian version '13.1'"). An "ancient" release
            // is a template too old, which is the configuration's to change, so it is left out.
            name: "proxmox-older-than-its-template",
            pattern: r"\bunsupported (?:and unexpected )?((?i:debian|ubuntu|devuan|centos|fedora|alpine|archlinux|opensuse|alma|rocky)) version '([^']+)'",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The node's Proxmox VE does not know the container template's OS release ($1 $2): the template is newer than the node's pve-container; update the node (apt full-upgrade, or the next Proxmox VE release) or use a template of an older release it supports.",
        },
        Signature {
            // pve-guest-common's check_protection (src/PVE/AbstractConfig.pm): a guest with `protection` set may not
            // be removed, nor may its disks; Terraform asked to destroy or replace it, or to drop a disk.
            name: "proxmox-guest-protected",
            // proxmox-api-go (under telmate 3) says it itself: "cannot delete guest because it is protected".
            pattern: r"(can't remove [^\n]*? - protection mode enabled|cannot delete guest because it is protected)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE refused to remove a protected guest or one of its disks ($1): the guest's protection flag is on; if the destroy or replace is meant, turn protection off first (the resource's `protection` argument, then apply), otherwise change the configuration so that it does not remove the guest.",
        },
        Signature {
            // Proxmox VE refusing to start a guest that runs (or stop one that does not), which providers do after
            // their own create already started it (telmate 3.0.1-rc5's LXC start, its VM update flow). pve-container
            // says "VM N not running" for a container's reboot, so both kinds are taken in either word.
            name: "proxmox-guest-power-state-conflict",
            pattern: r"\b((?:CT|VM) \d+ (?:already running|not running))\b",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE refused a start or stop the guest did not need ($1): the provider asked for a power state the guest was already in, as some provider releases do after creating a guest with start enabled; the guest itself may be fine. Check it, then move to a provider release without the double start or stop (or leave starting to one setting).",
        },
    ]
}
