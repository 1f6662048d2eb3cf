# One Ubuntu 24.04 VM, cloned from the cloud-image template (VMID 9000 by default) and set up by cloud-init.

locals {
  uses_dhcp = var.ipv4_address == "dhcp"
}

resource "proxmox_virtual_environment_vm" "vm" {
  node_name   = var.node_name
  vm_id       = var.vm_id
  name        = var.name
  description = "Ubuntu 24.04 VM ${var.name}, cloned from template ${var.template_vm_id}, managed by Terraform through agentlab."
  tags        = var.tags
  started     = true
  on_boot     = var.start_on_boot

  # A clean shutdown needs the guest agent or ACPI inside the guest; on destroy a hard stop is what we want anyway,
  # and it cannot hang on a guest that never booted.
  stop_on_destroy = true

  clone {
    vm_id = var.template_vm_id
    full  = var.full_clone
  }

  # The template ships qemu-guest-agent (scripts/build-ubuntu-template.sh). With the agent enabled the provider
  # waits for it and reads the VM's addresses, which is where the `guests` output gets a DHCP address from.
  agent {
    enabled = true
    timeout = var.agent_timeout
  }

  operating_system {
    type = "l26"
  }

  cpu {
    cores = var.cores
    type  = "host"
  }

  memory {
    dedicated = var.memory_mb
  }

  # Same interface as the template's disk, so this resizes the cloned disk instead of adding a second one.
  disk {
    datastore_id = var.datastore_id
    interface    = "scsi0"
    size         = var.disk_size_gb
    discard      = "on"
    iothread     = true
  }

  network_device {
    bridge = var.bridge
    model  = "virtio"
  }

  # Ubuntu cloud images log to the serial console; without one the boot stalls on some kernels.
  serial_device {
    device = "socket"
  }

  # Proxmox VE turns these into the cloud-init user data (user, SSH keys) and network config (IP) on the
  # cloud-init drive.
  initialization {
    datastore_id = var.datastore_id

    ip_config {
      ipv4 {
        address = var.ipv4_address
        gateway = local.uses_dhcp ? null : var.ipv4_gateway
      }
    }

    user_account {
      username = var.username
      keys     = var.ssh_public_keys
    }
  }
}
