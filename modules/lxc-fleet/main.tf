# The fleet: one call of the lxc project's container module per member, keyed by hostname.
#
# for_each over hostnames (rather than count) gives every member a stable state address such as
# module.fleet["lxc-903"].proxmox_virtual_environment_container.container, so changing one member, or shrinking
# the fleet, never renumbers and replaces the others.

locals {
  members = {
    for offset in range(var.fleet_size) :
    "${var.hostname_prefix}-${var.first_vm_id + offset}" => var.first_vm_id + offset
  }
}

module "fleet" {
  source   = "../lxc/container"
  for_each = local.members

  node_name        = var.node_name
  vm_id            = each.value
  hostname         = each.key
  template_file_id = var.template_file_id
  bridge           = var.bridge
  ipv4_address     = lookup(var.ipv4_addresses, each.key, "dhcp")
  ipv4_gateway     = contains(keys(var.ipv4_addresses), each.key) ? var.ipv4_gateway : null
  datastore_id     = var.datastore_id
  disk_size_gb     = var.disk_size_gb
  cores            = var.cores
  memory_mb        = var.memory_mb
  swap_mb          = var.swap_mb
  ssh_public_keys  = var.ssh_public_keys
  start_on_boot    = var.start_on_boot
  tags             = var.tags
}
