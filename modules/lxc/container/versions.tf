# The reusable container definition behind both the `lxc` and the `lxc-fleet` root modules.
#
# It deliberately has no backend and no provider block: a module that configures a provider cannot be called with
# for_each (which the fleet does), and a backend block in a called module only earns a "Backend configuration
# ignored" warning in every plan. The calling root module owns both.

terraform {
  required_version = ">= 1.10"

  required_providers {
    proxmox = {
      source  = "bpg/proxmox"
      version = "~> 0.73"
    }
  }
}
