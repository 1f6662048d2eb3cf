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
            // HCL's merged bodies say it of a provider's argument ("The argument "address" is required, but was not
            // set.", its merged.go). A copy whose frame became ASCII ("| Error: ...") is read like the original.
            // A verdict on a downloaded module's code is left alone (see `NOT_PINNED_ON_THE_PROJECT`).
            name: "terraform-configuration-invalid",
            pattern: concat!(
                summary_line!(
                    r#"Missing required argument|Unsupported block type|Missing required block|Too many [a-z_]+ blocks|Invalid value for (?:input )?variable|Reference to undeclared (?:resource|input variable|local value|module)|Invalid reference|Unsupported attribute|Incorrect attribute value type|Invalid function argument|Call to unknown function|Error in function call|Duplicate (?:resource|data resource|module call|variable declaration|output definition) \S*\s*(?:configuration|call|declaration|definition)|Argument or block definition required|Missing newline after argument|Invalid expression|Invalid template interpolation value|Unsuitable value type|Variables not allowed|Unsupported argument|Cycle: [^\n]+|No value for required variable|Value for undeclared variable|Invalid default value for variable|Attempt to get attribute from null value|Invalid index|Missing resource instance key|Inconsistent conditional result types|Output refers to sensitive values|Attribute redefined|Missing item separator|Missing expression|Invalid character|Invalid single-argument block definition|Unclosed configuration block|Failed to read variables file|Provider configuration not present|Invalid provider configuration|Invalid (?:variable|local value|output) name|Invalid quoted type constraints|Invalid variable validation condition|Invalid (?:default )?value for module argument|Missing required attribute|Duplicate local value definition|Unassigned variable|Value assigned to undeclared variable|Reference to uninitialized (?:local value|resource|variable)|Self-referencing local value|Self-referential block|Invalid (?:index expression|instance reference|depends_on reference|reference expression|block type|error message|parallelism value)|Missing index|Incorrect value type|Template result is null|Error message refers to (?:sensitive|ephemeral) values|(?:Ephemeral value|Ephemeral output) not allowed|Invalid use of ephemeral value|Invalid (?:resource|data resource|data source|ephemeral resource) name|Invalid resource type name|Reserved block type name in (?:resource|data|provisioner) block|Invalid (?:connection|provisioner) block|Duplicate connection block|The "[^"\n]+" provisioner has been removed|Missing required provisioner plugin|Invalid "(?:when|on_failure)" keyword|Invalid reference from destroy provisioner|Unsupported language edition|(?:Unknown|Invalid) experiment keyword|Experiment has concluded|No configuration files|Invalid -var option|Variable declaration in \.tfvars file|Invalid validation error message|Call to unsupported function|Circular reference(?: detected)?|Self-referential expressions|Undefined (?:variable|local)|Reference to undeclared (?:output value|module call|resource variable)|Missing required variable in module call|Missing definition for required input variable|(?:Dynamic value|Unable to use variable) in static context|Unable to compute static value|No OpenTofu configuration files|Invalid (?:target|force-replace) address|Invalid (?:target|force-replace address) "[^"\n]*""#
                ),
                r#"|\b(The\s+argument\s+"[^"]+"\s+is\s+required,\s+but\s+(?:no\s+definition\s+was\s+found|was\s+not\s+set))\."#
            ),
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: Some(super::NOT_PINNED_ON_THE_PROJECT),
            root_cause: "Terraform refused the configuration itself (\"$1$2\"): a mistake in the project's .tf code or variables, before any call to Proxmox VE; fix the line Terraform names and run terraform validate.",
        },
        Signature {
            // Terraform's verdict on a count or for_each whose value it cannot know before apply ("Invalid count
            // argument", "Invalid for_each argument" with "The ... value depends on resource attributes that cannot
            // be determined until apply", internal/terraform since 0.12), or that is not a number, a map or a set of
            // strings: the value comes from the caller's configuration, so this stays the project's mistake even
            // where the expression sits in a downloaded module.
            name: "terraform-count-or-for-each-invalid",
            pattern: summary_line!(r#"Invalid (?:count|for_each(?: set)?) argument"#),
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform refused a count or for_each (\"$1\"): its value depends on something known only after apply, or is not a number, map or set of strings; make the keys come from values known at plan time (variables, not resource attributes), or apply the dependency first with -target.",
        },
        Signature {
            // Words from below Terraform for a client given no usable endpoint: its SSH communicator's "host for
            // provisioner cannot be empty" (a connection block whose host is unset), Go's net/http "unsupported
            // protocol scheme" for an endpoint written without https:// (a provider's or backend's URL), and
            // Kubernetes' client-go's "invalid configuration: no configuration has been provided" (its
            // tools/clientcmd validation: the kubernetes or helm provider was given no cluster to talk to).
            name: "client-endpoint-unconfigured",
            pattern: r#"\b(host for provisioner cannot be empty|unsupported protocol scheme "[^"\n]*"|invalid configuration: no configuration has been provided)"#,
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "A client was given no usable endpoint (\"$1\"): an address left unset or written without its https:// scheme, or a kubernetes or helm provider with no cluster configured; set the endpoint in the provider block (or its environment variable) or the connection block.",
        },
        Signature {
            // HCL's parser and Terraform's expression evaluation refusing what is written (hashicorp/hcl's v2
            // hclsyntax and Terraform's internal/lang and internal/configs, vendored in 0.12 and 0.13, a module since;
            // the same summaries from 0.12 to 1.11 and in OpenTofu, except the quotes of `Invalid "self" reference`,
            // single in 0.12): a string left open, a separator missing, an expression that iterates or indexes a
            // null, a function called with the wrong number of arguments, a block or name left out.
            name: "terraform-expression-or-syntax-invalid",
            pattern: summary_line!(
                r#"Invalid multi-line string|Unterminated (?:string literal|template string)|Extra characters after (?:interpolation )?expression|Missing (?:attribute separator|argument separator|key/value separator|attribute value|close bracket on (?:splat )?index|closing parenthesis|false expression in conditional|newline after block definition|block label|object value|name for [a-z_]+(?: [a-z_]+)?)|Mismatched (?:braces|brackets)|Unbalanced parentheses|Unclosed (?:index brackets|object)|Invalid (?:escape sequence|number literal|string literal|newline|interpolated string|legacy index syntax|character encoding|argument name|attribute name|block definition|object key expression|operand|template (?:control keyword|directive)|dynamic (?:block label|for_each value|iterator name)|expanding argument value|value for nested block|default value for (?:input variable|optional attribute)|output value type|result for output value|(?:depends_on|ignore_changes|providers|source) argument|source address|required_providers syntax|provider requirement attribute|version constraints|provider reference)|Invalid ['"](?:for['"] (?:expression|condition|directive)|(?:self|count|each)['"] reference)|Reference to "(?:count|each)" in (?:non-counted context|context without for_each)|Iteration over (?:null|non-iterable) value|Attempt to index null value|Splat of null value|Null value as key|Nested splat expression not allowed|Incorrect condition type|Null condition|Unsupported operator|(?:Too many|Not enough) function arguments|Function calls not allowed|Unexpected (?:else|endif|endfor) directive|Unexpected end of template|Block where attribute was expected|Ambiguous attribute key|Argument definition required|Attribute name required|Variable name required|Duplicate (?:argument|attribute|object key|input variable declaration|local value declaration|output value declaration|provider local name|required provider(?: configuration)?|provider requirements)|Insufficient dynamic block labels|Extraneous dynamic block label|Module does not support (?:count|for_each|depends_on)|Reserved argument name in module block|Unknown provisioner type|Reference to undefined variable|Reference to undeclared provider configuration|Undeclared provider local name|Unsupported (?:top-level attribute|root block type)|Unrecognized (?:attribute name|block type)|Syntax error in configuration file|Self-dependent items in configuration|Insufficient [a-z_]+ blocks"#
            ),
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: Some(super::NOT_PINNED_ON_THE_PROJECT),
            root_cause: "Terraform could not parse or evaluate what the configuration writes (\"$1\"): a syntax or expression mistake in the project's .tf code, found before any call to Proxmox VE; fix the line Terraform names (terraform fmt and terraform validate find it locally).",
        },
        Signature {
            // Terraform 0.7 to 0.11's words for the same mistakes, before HCL 2 (its config and config/module
            // packages): a module not fetched ("module X: not found, may need to run 'terraform init'", and "...may
            // need to be downloaded using 'terraform get'" before 0.10), HCL 1's parse error with its position
            // ("Error parsing main.tf: At 3:5: ..."), and the validation of references and keys.
            name: "terraform-configuration-invalid-before-0.12",
            pattern: r#"\b(module \S+: not found, may need to (?:run 'terraform init'|be downloaded using 'terraform get')|Error parsing \S+: At \d+:\d+:[^\n]*|unknown (?:variable|module) referenced: [^\n;]+|unknown resource '[^']+' referenced in variable [^\s]+|reference to undefined module "[^"]+"|Unknown root level key: \S+|Invalid dot index found: '[^']+'|"[^"]+" is not a valid (?:output for module|argument)[^\n]*)"#,
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform refused the configuration itself (\"$1\"): a mistake in the project's .tf code, or a module not fetched with terraform init, before any call to Proxmox VE; fix what Terraform names and run terraform init and terraform validate.",
        },
        Signature {
            // Terraform's verdicts on the provider requirements and provider blocks (internal/configs, internal/addrs
            // and internal/command in 1.0 and 1.11; OpenTofu keeps the summaries): a source address, a version
            // constraint or a local name written wrongly, a provider configuration referred to but not declared, or a
            // resource type the selected provider does not have (a typo, or a type of another provider: telmate's
            // `proxmox_vm_qemu` under bpg/proxmox). All are mistakes in the .tf code, found before any plugin call.
            name: "terraform-provider-requirements-invalid",
            pattern: summary_line!(
                r#"Invalid (?:provider (?:source(?: string| hostname)?|namespace|type|name|local name|version constraint|configuration alias|configuration reference|configuration address|registry host)|legacy provider address|version constraint|required_version constraint|required_providers (?:block|object)|configuration_aliases value|dependency on built-in provider|resource type|data source|source)|Missing required provider configuration|Reference to undefined provider|Provider type mismatch|Duplicate (?:provider configuration|required providers configuration)|Reserved (?:argument|block type) name in provider block|Undefined provider configuration|Unexpected provider configuration"#
            ),
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform refused the project's provider requirements or provider blocks (\"$1\"): a provider source, version constraint, local name or configuration reference written wrongly, or a resource type the selected provider does not have; fix the block Terraform names (required_providers, the provider block or the resource type) and run terraform init and terraform validate.",
        },
        Signature {
            // Terraform's verdicts on module calls while installing or planning them (internal/initwd,
            // internal/configs/configload and internal/terraform in 1.0 and 1.11): a source or version that cannot
            // be resolved or was never installed ("Module not found", "Module not installed"), a call changed since
            // `init`, a local path that leaves its package. The registry being unreachable has its own words and rule.
            name: "terraform-module-call-invalid",
            pattern: summary_line!(
                r#"Module not (?:installed|found)|Invalid (?:registry )?module (?:source(?: address)?|version|registry hostname|instance name)|Unknown module (?:source|version)|Unsuitable module source|Module has no versions|Unresolvable module version constraint|Module (?:source has changed|version requirements have changed)|Local module path escapes module package|Unreadable module (?:sub)?directory|Failed to read module directory|Module is incompatible with count, for_each,(?: enabled)? and depends_on|Missing "source" attribute for module block|Module subdirectory not found|Reserved block type name in module block"#
            ),
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform refused a module call (\"$1\"): its source, version or arguments are written wrongly, or it changed since the last terraform init; fix the module block Terraform names, then run terraform init (with -upgrade when the version changed).",
        },
        Signature {
            // Terraform's verdicts on the blocks that move, remove or import objects, and on a lifecycle rule that
            // forbids what the plan wants (internal/refactoring, internal/configs and internal/terraform, 1.1 to
            // 1.11; "Instance cannot be destroyed" since 0.12; OpenTofu's own "Import block target does not exist",
            // "Removed resource block still exists"): the configuration asks for something it also
            // forbids, or names an object or address that is not there.
            name: "terraform-refactoring-or-lifecycle-refused",
            pattern: summary_line!(
                r#"Instance cannot be destroyed|Ambiguous move statements|Cyclic dependency in move statements|Moved object still exists|Redundant move statement|Self reference in move statements|Removed (?:module|resource) still exists|Invalid "moved" addresses|Moved resource instances excluded by targeting|Invalid import (?:address|block|id argument|'to' expression)|Configuration for import target does not exist|Import to non-existent module|Import block target does not exist|Invalid import (?:ID argument|configuration)|Resource already managed by (?:Terraform|OpenTofu)|resource address "[^"]+" does not exist in the configuration\.|Removed (?:module|resource) block still exists|Invalid (?:lifecycle block|ignore_changes (?:ruleset|wildcard)|replace_triggered_by expression)|(?:Duplicate|Unsupported) lifecycle block"#
            ),
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform refused what the configuration asks of existing objects (\"$1\"): a lifecycle rule (prevent_destroy, ignore_changes) forbids the plan, or a moved, removed or import block names an address or object that does not fit; read the address Terraform names and fix the block (a change that forces a replacement of a protected guest must be undone or made deliberately).",
        },
        Signature {
            // A provider's own check of an argument's value, before any call to Proxmox VE, in the words of the two
            // plugin libraries providers are built on: the framework's validators ("Invalid Attribute Value Match"
            // with "Attribute X value must be one of: [...], got: ...", terraform-plugin-framework-validators'
            // helpers/validatordiag/diag.go, which the bpg provider uses) and the older SDK's ("expected X to be in
            // the range (1 - 128), got 0", and StringMatch's "invalid value for X (MESSAGE)" or "expected value of X
            // to match regular expression ...", its helper/validation; "Conflicting configuration arguments" and
            // "Invalid combination of arguments", its helper/schema, whose details are "\"X\": conflicts with Y",
            // "\"X\": one of `a,b` must be specified" and "\"X\": only one of `a,b` can be specified, ...", also
            // printed alone by Terraform 0.11 and SDK v1 providers).
            name: "provider-argument-value-refused",
            pattern: concat!(
                summary_line!(
                    r#"Invalid Attribute (?:Value(?: Match| Length)?|Combination|Type)|Invalid Block|Conflicting configuration arguments|Invalid combination of arguments"#
                ),
                r#"|\b(expected (?:length of )?\S+ to be (?:in the range \(|one of |at least |at most |divisible by |a valid )[^\n]*)|\b(invalid value for \S+ \([^)\n]*\)|expected value of \S+ to match regular expression [^\n]*)|("[a-z0-9_.]+": (?:conflicts with [a-z0-9_.]+|this field cannot be set|(?:one|all) of `[^`\n]+` must be specified|only one of `[^`\n]+` can be specified[^\n]*))"#
            ),
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider refused an argument's value before calling Proxmox VE (\"$1$2$3$4\"): the configuration gives a value outside what the provider's schema allows; fix the value the message names (if Proxmox VE itself takes that value, the provider's list is out of date, and pinning or upgrading the provider is the way round it).",
        },
        Signature {
            // Terraform's and OpenTofu's own crash banner (internal/logging/panic.go: "!!!!! TERRAFORM CRASH !!!!!",
            // "Terraform crashed! This is always indicative of a bug within Terraform."), whatever the panic under it:
            // a defect of the Terraform or OpenTofu release, met by this configuration or state; its internal checks
            // say the same in words ("... still has a non-empty state after apply; this is a bug in Terraform").
            name: "terraform-reports-its-own-defect",
            pattern: r"(?i)(?:!+ (?:TERRAFORM|OPENTOFU) CRASH !+|\b(?:Terraform|OpenTofu) crashed! This is always indicative of a bug|\bthis is a bug in (?:Terraform|OpenTofu)\b)",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform (or OpenTofu) itself crashed, which it reports as a bug in its own release: run the release before it or the next fixed one (pin it where the runner installs it), and report the crash with its stack trace if no release has fixed it.",
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
            // The category's own words, whatever the API: the C library's EACCES ("permission denied", also SSH's
            // "Permission denied (publickey)" and Vault's "* permission denied"), "access denied", "not authorized
            // to ...", vSphere's NoPermission fault ("Permission to perform this operation was denied."), and an HTTP
            // 401 or 403 spelt out (Google's "googleapi: Error 403: ..."). Proxmox VE's own
            // 401s and 403s have their rules above, which name more.
            name: "permission-refused-words",
            pattern: r"(?i)\b(permission denied|access denied|not authorized to [a-z]+|permission to perform this operation was denied|401 Unauthorized|403 Forbidden|googleapi: Error 403: [^\n]{0,120})",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: Some(super::REFUSAL_NOT_OF_RIGHTS),
            root_cause: "A call was refused for the caller's rights (\"$1\"): the credentials the run used are missing, wrong, or lack the permission for that call (or a file the runner reads is not readable by it); give the runner the right credentials or grant the permission, then run again.",
        },
        Signature {
            // The C library's and Python's words for a connection that failed or an answer that never came (urllib3's
            // "Read timed out.", the ssl module's "The read operation timed out"); Go's have their own rules above.
            name: "connection-failure-words",
            pattern: r"(\[Errno 111\] Connection refused|Failed to establish a new connection|Max retries exceeded with url|curl: \(\d+\) (?:Failed to connect|Could not resolve host)[^\n]*|Connection refused|Connection timed out|No route to host|Network is unreachable|Read timed out\.(?: \(read timeout=[\d.]+\))?|The read operation timed out)",
            category: Category::Network,
            remediation: Remediation::RetryAfter { seconds: 60 },
            unless: Some(super::STATE_BACKEND_OR_UNCONFIGURED_CLIENT),
            root_cause: "A connection failed (\"$1\"): the endpoint is down, restarting, firewalled or its address is wrong; wait once and run again, and check the address and port if it persists.",
        },
    ]
}
