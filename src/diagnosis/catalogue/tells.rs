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
            // lang packages, and HCL's parser), before any provider call: what `validate` or `plan` says of the
            // code, its variables and its expressions, each summary printed alike by 1.0 and 1.11. HCL's detail for
            // a required argument left out is read too, for a report that quotes it without its summary line (the
            // detail for an argument or block the schema lacks has its own rule, `terraform-argument-unsupported`).
            name: "terraform-configuration-invalid",
            pattern: r#"(?m)^(?:[│\s]*Error: )?(Missing required argument|Unsupported block type|Missing required block|Too many [a-z_]+ blocks|Invalid value for (?:input )?variable|Reference to undeclared (?:resource|input variable|local value|module)|Invalid reference|Unsupported attribute|Incorrect attribute value type|Invalid function argument|Call to unknown function|Error in function call|Duplicate (?:resource|data resource|module call|variable declaration|output definition) \S*\s*(?:configuration|call|declaration|definition)|Argument or block definition required|Missing newline after argument|Invalid expression|Invalid template interpolation value|Unsuitable value type|Invalid count argument|Invalid for_each argument|Variables not allowed|Unsupported argument|Cycle: [^\n]+|No value for required variable|Value for undeclared variable|Invalid default value for variable|Attempt to get attribute from null value|Invalid index|Missing resource instance key|Inconsistent conditional result types|Output refers to sensitive values|Module not installed|Attribute redefined|Missing item separator|Missing expression|Invalid character|Invalid single-argument block definition|Unclosed configuration block|Failed to read variables file|Provider configuration not present|Invalid provider configuration|Module not found|Invalid module source address)\s*$|\b(The\s+argument\s+"[^"]+"\s+is\s+required,\s+but\s+no\s+definition\s+was\s+found)\."#,
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform refused the configuration itself (\"$1$2\"): a mistake in the project's .tf code or variables, before any call to Proxmox VE; fix the line Terraform names and run terraform validate.",
        },
        Signature {
            // A provider's own check of an argument's value, before any call to Proxmox VE, in the words of the two
            // plugin libraries providers are built on: the framework's validators ("Invalid Attribute Value Match"
            // with "Attribute X value must be one of: [...], got: ...", terraform-plugin-framework-validators'
            // helpers/validatordiag/diag.go, which the bpg provider uses) and the older SDK's ("expected X to be in
            // the range (1 - 128), got 0", and StringMatch's "invalid value for X (MESSAGE)" or "expected value of X
            // to match regular expression ...", its helper/validation; "Conflicting configuration arguments" and
            // "Invalid combination of arguments", its helper/schema).
            name: "provider-argument-value-refused",
            pattern: r#"(?m)^(?:[│\s]*Error: )?(Invalid Attribute (?:Value(?: Match| Length)?|Combination|Type)|Invalid Block|Conflicting configuration arguments|Invalid combination of arguments)\s*$|\b(expected (?:length of )?\S+ to be (?:in the range \(|one of |at least |at most |divisible by |a valid )[^\n]*)|\b(invalid value for \S+ \([^)\n]*\)|expected value of \S+ to match regular expression [^\n]*)"#,
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider refused an argument's value before calling Proxmox VE (\"$1$2$3\"): the configuration gives a value outside what the provider's schema allows; fix the value the message names (if Proxmox VE itself takes that value, the provider's list is out of date, and pinning or upgrading the provider is the way round it).",
        },
        Signature {
            // A Go program's crash (a provider, its SDK, or Terraform), which no configuration causes on purpose.
            name: "go-runtime-panic",
            pattern: r"\bpanic: (runtime error: [^\n]+|interface conversion: [^\n]+|assignment to entry in nil map)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "A Go program crashed (panic: $1): a defect of the provider (or the tool running it) met by this configuration or this Proxmox VE release; pin the last release that worked or upgrade to one that fixes it, and report the stack trace.",
        },
        Signature {
            // The C library's and Python's words for a connection that failed or an answer that never came (urllib3's
            // "Read timed out.", the ssl module's "The read operation timed out"); Go's have their own rules above.
            name: "connection-failure-words",
            pattern: r"(\[Errno 111\] Connection refused|Failed to establish a new connection|Max retries exceeded with url|curl: \(\d+\) (?:Failed to connect|Could not resolve host)[^\n]*|Connection refused|Connection timed out|No route to host|Network is unreachable|Read timed out\.(?: \(read timeout=[\d.]+\))?|The read operation timed out)",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            unless: Some(super::STATE_BACKEND_WORDS),
            root_cause: "A connection failed (\"$1\"): the endpoint is down, restarting, firewalled or its address is wrong; wait once and run again, and check the address and port if it persists.",
        },
    ]
}
