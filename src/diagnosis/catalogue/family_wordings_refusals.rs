//! The real wordings of the sixth widening: what the providers' plugin libraries refuse in a configuration before
//! any call (the framework's validators and the older SDK's), what a provider cannot read in Proxmox VE's answer (Go's
//! JSON decoder), and an API that answered with a web page. Each text is copied from the public report named beside
//! it; where no report outside the held-out set quoted a message, the source file that prints it is named instead and
//! the text is that format string filled in. None of these texts is in `eval/held-out/failures.toml`.
//! `family_tests.rs` checks each against the signature named beside it; Terraform's own verdicts on a configuration
//! are checked against the real binary in tests/it/diagnosis/terraform_words.rs instead.

use super::family_wordings::{CONFIGURATION, PROVIDER, Wording, wording};
use crate::contracts::Category;

pub(super) fn wordings() -> Vec<Wording> {
    use Category::*;
    vec![
        // A provider's own check of an argument's value.
        wording(
            CONFIGURATION,
            "https://github.com/bpg/terraform-provider-proxmox/issues/2667 (bpg provider, Proxmox VE 9.1.5)",
            "╷\n│ Error: Invalid Attribute Value Match\n│ \n│   with proxmox_virtual_environment_realm_openid.nc,\n│   on realms.tf line 10, in resource \"proxmox_virtual_environment_realm_openid\" \"oidc\":\n│   10:   username_claim    = \"upn\"\n│ \n│ Attribute username_claim value must be one of: [\"subject\" \"username\" \"email\"], got: \"upn\"\n╵",
            "provider-argument-value-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/SigNoz/terraform-provider-signoz/issues/132 (OpenTofu, a framework provider's validator)",
            "│ Error: Invalid Attribute Value Match\n│\n│   with signoz_rule.node_readiness,\n│   on generated_resources.tf line 1:\n│   (source code not available)\n│\n│ Attribute condition.composite_query.queries[0].builder_query.spec.metrics.source value must be one of: [\"meter\"], got: \"\"",
            "provider-argument-value-refused",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/hashicorp/terraform-plugin-sdk/blob/main/helper/validation/int.go (IntBetween's `expected %s to be in the range (%d - %d), got %d`, filled in)",
            "Error: expected cores to be in the range (1 - 128), got 0\n\n  with proxmox_vm_qemu.k3s,\n  on main.tf line 14, in resource \"proxmox_vm_qemu\" \"k3s\":\n  14:   cores = 0",
            "provider-argument-value-refused",
            Configuration,
        ),
        // Proxmox VE's answer in a shape the provider's release does not read.
        wording(
            PROVIDER,
            "https://github.com/danitso/terraform-provider-proxmox/issues/22",
            "Error: Failed to decode HTTP GET response (path: nodes/pve/lxc/{id}/config) - Reason: json: cannot unmarshal array into Go struct field VirtualEnvironmentContainerGetResponseData.data.lxc of type string",
            "provider-response-undecodable",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/bpg/terraform-provider-proxmox/issues/655 (bpg 0.36.0, Proxmox VE 6.3, an import)",
            "Reason: json: cannot unmarshal string into Go struct field GetStatusResponseData.data.pid of type int",
            "provider-response-undecodable",
            ProviderIncompatibility,
        ),
        wording(
            PROVIDER,
            "https://github.com/bpg/terraform-provider-proxmox/issues/421 (bpg 0.24.0; the reporter's terminal broke the line inside words)",
            "│ Error: error retrieving VM: failed to decode HTTP GET response (path: nodes/apathy/qemu/105/config) - Rea\nson: json: cannot unmarshal string into Go struct field GetResponseData.data.startup of type vms.CustomStar\ntupOrder\n│",
            "provider-response-undecodable",
            ProviderIncompatibility,
        ),
        // An API that answered with a web page.
        wording(
            CONFIGURATION,
            "https://github.com/claranet/terraform-provider-zabbix/issues/57 (the URL lacked its API path)",
            "│ Error: invalid character '<' looking for beginning of value\n│\n│   with module.region_x8.provider[\"registry.terraform.io/claranet/zabbix\"],\n│   on ../modules/region-setup/main.tf line 49, in provider \"zabbix\":\n│   49: provider \"zabbix\" {\n│\n╵",
            "api-answered-with-a-web-page",
            Configuration,
        ),
        wording(
            CONFIGURATION,
            "https://github.com/F5Networks/terraform-provider-bigip/issues/588 (the URL did not point at the API endpoint)",
            "invalid character '<' looking for beginning of value",
            "api-answered-with-a-web-page",
            Configuration,
        ),
    ]
}
