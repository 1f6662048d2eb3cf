# What the root modules pass on: the container's identity and the address the validator connects to.

locals {
  # With DHCP the address is only known once the container runs, from the provider's per-interface `ipv4` map; a
  # static address is known from the configuration. Either may carry a prefix length, which the guests contract
  # does not want.
  reported_ipv4 = try(proxmox_virtual_environment_container.container.ipv4["eth0"], null)
  chosen_ipv4   = local.uses_dhcp ? local.reported_ipv4 : var.ipv4_address
}

output "vm_id" {
  description = "VMID of the container."
  value       = proxmox_virtual_environment_container.container.vm_id
}

output "hostname" {
  description = "Hostname of the container."
  value       = var.hostname
}

output "ipv4" {
  description = "IPv4 address of eth0 without prefix length; null while a DHCP container has not reported one."
  value       = local.chosen_ipv4 == null ? null : split("/", local.chosen_ipv4)[0]
}

output "guest" {
  description = "The container as one entry of the `guests` list the agentlab validator reads."
  value = {
    vmid = proxmox_virtual_environment_container.container.vm_id
    kind = "lxc"
    node = var.node_name
    name = var.hostname
    ipv4 = local.chosen_ipv4 == null ? null : split("/", local.chosen_ipv4)[0]
  }
}
