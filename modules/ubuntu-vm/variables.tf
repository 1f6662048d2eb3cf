# Inputs of the `ubuntu-vm` root module: which template to clone, the VM's size, and what cloud-init sets up.

variable "node_name" {
  description = "Name of the Proxmox VE node that hosts the VM."
  type        = string
  default     = "pmx-01"

  validation {
    condition     = can(regex("^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$", var.node_name))
    error_message = "The node_name must be a Proxmox VE node name such as \"pmx-01\"."
  }
}

variable "vm_id" {
  description = "VMID of the VM; Proxmox VE accepts 100 to 999999999 and it must be free on the cluster."
  type        = number
  default     = 910

  validation {
    condition     = var.vm_id >= 100 && var.vm_id <= 999999999 && floor(var.vm_id) == var.vm_id
    error_message = "The vm_id must be a whole number from 100 to 999999999."
  }
}

variable "name" {
  description = "Name of the VM in Proxmox VE and its hostname through cloud-init (one DNS label, 1 to 63 characters)."
  type        = string
  default     = "ubuntu-910"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.name))
    error_message = "The name must be one DNS label: lower-case letters, digits and inner hyphens, at most 63 characters."
  }
}

variable "template_vm_id" {
  description = "VMID of the Ubuntu 24.04 cloud-image template to clone (built by scripts/build-ubuntu-template.sh)."
  type        = number
  default     = 9000

  validation {
    condition     = var.template_vm_id >= 100 && var.template_vm_id <= 999999999 && floor(var.template_vm_id) == var.template_vm_id
    error_message = "The template_vm_id must be a whole number from 100 to 999999999."
  }
}

variable "full_clone" {
  description = "Whether to make a full copy of the template's disk (true) or a linked clone that depends on the template (false)."
  type        = bool
  default     = true
}

variable "bridge" {
  description = "Linux bridge (or SDN vnet) the VM's network device is attached to."
  type        = string
  default     = "vmbr0"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$", var.bridge))
    error_message = "The bridge must be a Linux interface name of at most 15 characters, such as \"vmbr0\"."
  }
}

variable "ipv4_address" {
  description = "IPv4 configuration of the first network interface, written into cloud-init: \"dhcp\", or a static address in CIDR notation such as \"192.168.1.50/24\"."
  type        = string
  default     = "dhcp"

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
  description = "Storage that holds the VM's disk and its cloud-init drive."
  type        = string
  default     = "local-lvm"
}

variable "disk_size_gb" {
  description = "Size of the boot disk in GiB; at least the template's (the cloud image is 3.5 GiB), since a disk can only grow."
  type        = number
  default     = 20

  validation {
    condition     = var.disk_size_gb >= 4 && var.disk_size_gb <= 4096 && floor(var.disk_size_gb) == var.disk_size_gb
    error_message = "The disk_size_gb must be a whole number from 4 to 4096."
  }
}

variable "cores" {
  description = "Number of CPU cores of the VM."
  type        = number
  default     = 2

  validation {
    condition     = var.cores >= 1 && var.cores <= 128 && floor(var.cores) == var.cores
    error_message = "The cores must be a whole number from 1 to 128."
  }
}

variable "memory_mb" {
  description = "Memory of the VM in MiB."
  type        = number
  default     = 2048

  validation {
    condition     = var.memory_mb >= 512 && floor(var.memory_mb) == var.memory_mb
    error_message = "The memory_mb must be a whole number of at least 512."
  }
}

variable "username" {
  description = "Login user that cloud-init creates, with passwordless sudo, holding ssh_public_keys."
  type        = string
  default     = "ubuntu"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_-]{0,31}$", var.username)) && var.username != "root"
    error_message = "The username must be a Linux user name (lower-case, at most 32 characters) other than root."
  }
}

variable "ssh_public_keys" {
  description = "SSH public keys installed for the cloud-init user (authorized_keys lines such as \"ssh-ed25519 AAAA... user@host\")."
  type        = list(string)

  validation {
    condition = length(var.ssh_public_keys) > 0 && alltrue([
      for key in var.ssh_public_keys : can(regex("^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com) [A-Za-z0-9+/=]+( .*)?$", key))
    ])
    error_message = "Give at least one SSH public key, each one authorized_keys line starting with its type (ssh-ed25519, ssh-rsa, ecdsa-sha2-..., sk-...)."
  }
}

variable "agent_timeout" {
  description = "How long the provider waits for the QEMU guest agent to report the VM's addresses (a Go duration such as \"15m\")."
  type        = string
  default     = "15m"

  validation {
    condition     = can(regex("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$", var.agent_timeout)) && var.agent_timeout != ""
    error_message = "The agent_timeout must be a duration such as \"15m\", \"90s\" or \"1h30m\"."
  }
}

variable "start_on_boot" {
  description = "Whether Proxmox VE starts the VM when the node boots."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Proxmox VE tags on the VM (lower-case letters, digits, '-', '_' and '.')."
  type        = list(string)
  default     = ["agentlab", "ubuntu"]

  validation {
    condition     = alltrue([for tag in var.tags : can(regex("^[a-z0-9_][a-z0-9_.+-]*$", tag))])
    error_message = "Every tag must use lower-case letters, digits, '_', '.', '+' and '-' only."
  }
}
