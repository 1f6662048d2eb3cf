# Inputs of one Debian 13 container. The root modules repeat the user-facing ones with the same checks, so a bad
# value is reported at the variable the user actually set.

variable "node_name" {
  description = "Name of the Proxmox VE node that hosts the container."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$", var.node_name))
    error_message = "The node_name must be a Proxmox VE node name such as \"pmx-01\"."
  }
}

variable "vm_id" {
  description = "VMID of the container; Proxmox VE accepts 100 to 999999999 and it must be free on the cluster."
  type        = number

  validation {
    condition     = var.vm_id >= 100 && var.vm_id <= 999999999 && floor(var.vm_id) == var.vm_id
    error_message = "The vm_id must be a whole number from 100 to 999999999."
  }
}

variable "hostname" {
  description = "Hostname of the container (one DNS label: lower-case letters, digits and hyphens, 1 to 63 characters)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.hostname))
    error_message = "The hostname must be one DNS label: lower-case letters, digits and inner hyphens, at most 63 characters."
  }
}

variable "template_file_id" {
  description = "Container template volume the root file system is created from, as \"<storage>:vztmpl/<file>\"."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*:vztmpl/.+\\.tar\\.(gz|xz|zst)$", var.template_file_id))
    error_message = "The template_file_id must look like \"local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst\"."
  }
}

variable "bridge" {
  description = "Linux bridge (or SDN vnet) the container's eth0 is attached to."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$", var.bridge))
    error_message = "The bridge must be a Linux interface name of at most 15 characters, such as \"vmbr0\"."
  }
}

variable "ipv4_address" {
  description = "IPv4 configuration of eth0: \"dhcp\", or a static address in CIDR notation such as \"192.168.1.50/24\"."
  type        = string

  validation {
    condition     = var.ipv4_address == "dhcp" || can(cidrnetmask(var.ipv4_address))
    error_message = "The ipv4_address must be \"dhcp\" or an IPv4 address with a prefix length, such as \"192.168.1.50/24\"."
  }
}

variable "ipv4_gateway" {
  description = "IPv4 default gateway for a static address; ignored (and best left null) with DHCP."
  type        = string
  default     = null

  validation {
    condition     = var.ipv4_gateway == null || can(cidrnetmask("${coalesce(var.ipv4_gateway, "invalid")}/32"))
    error_message = "The ipv4_gateway must be a plain IPv4 address such as \"192.168.1.1\", or null."
  }
}

variable "datastore_id" {
  description = "Storage that holds the container's root disk."
  type        = string
}

variable "disk_size_gb" {
  description = "Size of the root disk in GiB."
  type        = number

  validation {
    condition     = var.disk_size_gb >= 1 && var.disk_size_gb <= 4096 && floor(var.disk_size_gb) == var.disk_size_gb
    error_message = "The disk_size_gb must be a whole number from 1 to 4096."
  }
}

variable "cores" {
  description = "Number of CPU cores the container may use."
  type        = number

  validation {
    condition     = var.cores >= 1 && var.cores <= 128 && floor(var.cores) == var.cores
    error_message = "The cores must be a whole number from 1 to 128."
  }
}

variable "memory_mb" {
  description = "Memory of the container in MiB."
  type        = number

  validation {
    condition     = var.memory_mb >= 64 && floor(var.memory_mb) == var.memory_mb
    error_message = "The memory_mb must be a whole number of at least 64."
  }
}

variable "swap_mb" {
  description = "Swap of the container in MiB (0 turns swap off)."
  type        = number

  validation {
    condition     = var.swap_mb >= 0 && floor(var.swap_mb) == var.swap_mb
    error_message = "The swap_mb must be a whole number of at least 0."
  }
}

variable "ssh_public_keys" {
  description = "SSH public keys installed for root (authorized_keys lines such as \"ssh-ed25519 AAAA... user@host\")."
  type        = list(string)

  validation {
    condition = length(var.ssh_public_keys) > 0 && alltrue([
      for key in var.ssh_public_keys : can(regex("^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com) [A-Za-z0-9+/=]+( .*)?$", key))
    ])
    error_message = "Give at least one SSH public key, each one authorized_keys line starting with its type (ssh-ed25519, ssh-rsa, ecdsa-sha2-..., sk-...)."
  }
}

variable "start_on_boot" {
  description = "Whether Proxmox VE starts the container when the node boots."
  type        = bool
}

variable "tags" {
  description = "Proxmox VE tags on the container (lower-case letters, digits, '-', '_' and '.')."
  type        = list(string)

  validation {
    condition     = alltrue([for tag in var.tags : can(regex("^[a-z0-9_][a-z0-9_.+-]*$", tag))])
    error_message = "Every tag must use lower-case letters, digits, '_', '.', '+' and '-' only."
  }
}
