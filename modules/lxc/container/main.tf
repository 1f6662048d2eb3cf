# One unprivileged Debian 13 container, started, with its network, root disk and root's SSH keys.

locals {
  uses_dhcp = var.ipv4_address == "dhcp"
}

resource "proxmox_virtual_environment_container" "container" {
  node_name   = var.node_name
  vm_id       = var.vm_id
  description = "Debian 13 container ${var.hostname}, managed by Terraform through agentlab."
  tags        = var.tags

  # Unprivileged: root inside the container is an unprivileged user on the node, which is what a homelab guest
  # that anyone may SSH into should be.
  unprivileged  = true
  started       = true
  start_on_boot = var.start_on_boot

  operating_system {
    template_file_id = var.template_file_id
    type             = "debian"
  }

  # systemd in Debian 13 needs nesting in an unprivileged container for its sandboxing features; Proxmox VE turns
  # it on for new unprivileged containers in its own UI for the same reason.
  features {
    nesting = true
  }

  cpu {
    cores = var.cores
  }

  memory {
    dedicated = var.memory_mb
    swap      = var.swap_mb
  }

  disk {
    datastore_id = var.datastore_id
    size         = var.disk_size_gb
  }

  network_interface {
    name   = "eth0"
    bridge = var.bridge
  }

  initialization {
    hostname = var.hostname

    ip_config {
      ipv4 {
        address = var.ipv4_address
        gateway = local.uses_dhcp ? null : var.ipv4_gateway
      }
    }

    user_account {
      keys = var.ssh_public_keys
    }
  }
}
