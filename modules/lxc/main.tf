# One Debian 13 container. The definition lives in ./container so that the lxc-fleet project reuses the very same
# code; this root module only adds defaults, the backend and the provider.

module "container" {
  source = "./container"

  node_name        = var.node_name
  vm_id            = var.vm_id
  hostname         = var.hostname
  template_file_id = var.template_file_id
  bridge           = var.bridge
  ipv4_address     = var.ipv4_address
  ipv4_gateway     = var.ipv4_gateway
  datastore_id     = var.datastore_id
  disk_size_gb     = var.disk_size_gb
  cores            = var.cores
  memory_mb        = var.memory_mb
  swap_mb          = var.swap_mb
  ssh_public_keys  = var.ssh_public_keys
  start_on_boot    = var.start_on_boot
  tags             = var.tags
}
