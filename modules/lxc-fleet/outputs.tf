# Outputs of the `lxc-fleet` root module; `guests` is what the agentlab validator reads (`[project.validate] guests_output` in the README).

output "guests" {
  description = "Guests of this project for the agentlab validator: a list of { vmid, kind, node, name, ipv4 }, ordered by hostname."
  value       = [for hostname, member in module.fleet : member.guest]
}

output "ipv4_addresses" {
  description = "IPv4 address of every member keyed by hostname (null until a DHCP lease is reported)."
  value       = { for hostname, member in module.fleet : hostname => member.ipv4 }
}
