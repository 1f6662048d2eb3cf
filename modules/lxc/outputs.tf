# Outputs of the `lxc` root module; `guests` is what the agentlab validator reads (`[project.validate] guests_output` in the README).

output "guests" {
  description = "Guests of this project for the agentlab validator: a list of { vmid, kind, node, name, ipv4 }."
  value       = [module.container.guest]
}

output "ipv4" {
  description = "IPv4 address of the container without prefix length (null until a DHCP lease is reported)."
  value       = module.container.ipv4
}
