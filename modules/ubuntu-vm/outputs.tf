# Outputs of the `ubuntu-vm` root module; `guests` is what the agentlab validator reads (`[project.validate] guests_output` in the README).

locals {
  vm = proxmox_virtual_environment_vm.vm

  # The guest agent reports one address list per interface, parallel to network_interface_names; the loopback
  # interface comes first, so skip it and any 127.x address.
  agent_ipv4_addresses = [
    for address in flatten([
      for index, interface_name in local.vm.network_interface_names :
      local.vm.ipv4_addresses[index] if interface_name != "lo"
    ]) : address if !startswith(address, "127.")
  ]

  # Prefer what the agent saw (it is the truth about the running VM); fall back to the configured static address.
  ipv4 = length(local.agent_ipv4_addresses) > 0 ? local.agent_ipv4_addresses[0] : (
    local.uses_dhcp ? null : split("/", var.ipv4_address)[0]
  )
}

output "guests" {
  description = "Guests of this project for the agentlab validator: a list of { vmid, kind, node, name, ipv4 }."
  value = [{
    vmid = local.vm.vm_id
    kind = "qemu"
    node = var.node_name
    name = var.name
    ipv4 = local.ipv4
  }]
}

output "ipv4" {
  description = "IPv4 address of the VM as reported by the QEMU guest agent (or the static address when the agent has not reported yet)."
  value       = local.ipv4
}
