# Root module `ubuntu-vm`: one Ubuntu 24.04 VM cloned from template 9000 on pmx-01, its state in MinIO.

terraform {
  required_version = ">= 1.10"

  required_providers {
    proxmox = {
      source  = "bpg/proxmox"
      version = "~> 0.73"
    }
  }

  # Partial configuration: the key is this project's own, everything about the store (bucket, endpoint, locking)
  # comes from `terraform init -backend-config=../backend/minio.s3.tfbackend`. See ../README.md.
  backend "s3" {
    key = "ubuntu-vm/terraform.tfstate"
  }
}

# Empty on purpose: the provider reads PROXMOX_VE_ENDPOINT, PROXMOX_VE_API_TOKEN and PROXMOX_VE_INSECURE from the
# environment, so no credential ever sits in this repository.
provider "proxmox" {}
