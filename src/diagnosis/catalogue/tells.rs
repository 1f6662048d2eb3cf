//! The categories' own tells, tried after every family: words that, whatever the tool around them, say which
//! category a failure is in. They come from the category definitions rather than from one tool's message, so each is
//! kept narrow (a Go crash, not any "panic"; a connection the C library or Python says failed) and the network one
//! does not answer where the state backend is named, which its own rules or an LLM read better. Terraform's own
//! verdicts on the configuration come first: their summaries have not changed from 0.12 to 1.11 or in OpenTofu.

use crate::contracts::{Category, Remediation};

use super::Signature;

pub(super) fn signatures() -> Vec<Signature> {
    vec![
        Signature {
            // Terraform's diagnostics for a mistake in the configuration itself (hashicorp/terraform's configs and
            // lang packages), before any provider call.
            name: "terraform-configuration-invalid",
            pattern: r"(?m)^(?:[│\s]*Error: )?(Missing required argument|Unsupported block type|Missing required block|Too many [a-z_]+ blocks|Invalid value for (?:input )?variable|Reference to undeclared (?:resource|input variable|local value|module)|Invalid reference|Unsupported attribute|Incorrect attribute value type|Invalid function argument|Call to unknown function|Error in function call|Duplicate (?:resource|data resource|module call|variable declaration|output definition) \S*\s*(?:configuration|call|declaration|definition)|Argument or block definition required|Missing newline after argument|Invalid expression|Invalid template interpolation value|Unsuitable value type|Invalid count argument|Invalid for_each argument|Variables not allowed|Unsupported argument)\s*$",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            root_cause: "Terraform refused the configuration itself (\"$1\"): a mistake in the project's .tf code or variables, before any call to Proxmox VE; fix the line Terraform names and run terraform validate.",
        },
        Signature {
            // A Go program's crash (a provider, its SDK, or Terraform), which no configuration causes on purpose.
            name: "go-runtime-panic",
            pattern: r"\bpanic: (runtime error: [^\n]+|interface conversion: [^\n]+|assignment to entry in nil map)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            root_cause: "A Go program crashed (panic: $1): a defect of the provider (or the tool running it) met by this configuration or this Proxmox VE release; pin the last release that worked or upgrade to one that fixes it, and report the stack trace.",
        },
        Signature {
            // The C library's and Python's words for a connection that failed (Go's have their own rules above).
            name: "connection-failure-words",
            pattern: r"(\[Errno 111\] Connection refused|Failed to establish a new connection|Max retries exceeded with url|curl: \(\d+\) (?:Failed to connect|Could not resolve host)[^\n]*|Connection refused|Connection timed out|No route to host|Network is unreachable)",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            root_cause: "A connection failed (\"$1\"): the endpoint is down, restarting, firewalled or its address is wrong; wait once and run again, and check the address and port if it persists.",
        },
    ]
}
