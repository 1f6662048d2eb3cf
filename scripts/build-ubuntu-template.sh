#!/usr/bin/env bash
# Builds the Ubuntu 24.04 cloud-image template (VMID 9000 by default) that modules/ubuntu-vm clones.
#
# Run it as root on the Proxmox VE node. It downloads noble-server-cloudimg-amd64.img (checked against Ubuntu's
# SHA256SUMS), bakes qemu-guest-agent into a copy with virt-customize, resets cloud-init and removes the SSH host
# keys (so every clone gets its own), creates the VM with a cloud-init drive and converts it to a template.
#
# Idempotent: a finished template with the VMID is left alone; a half-built one from an interrupted run of this
# script (recognised by its description marker) is removed and built again; any other guest with the VMID stops the
# script without touching it.
set -euo pipefail

readonly IMAGE_NAME="noble-server-cloudimg-amd64.img"
readonly IN_PROGRESS_MARKER="build-ubuntu-template.sh: build in progress"

vmid="${TEMPLATE_VMID:-9000}"
storage="${TEMPLATE_STORAGE:-local-lvm}"
bridge="${TEMPLATE_BRIDGE:-vmbr0}"
name="${TEMPLATE_NAME:-ubuntu-2404-cloudinit}"
image_base_url="${TEMPLATE_IMAGE_BASE_URL:-https://cloud-images.ubuntu.com/noble/current}"
work_dir="${TEMPLATE_WORK_DIR:-/var/tmp/ubuntu-template}"

usage() {
  cat <<USAGE
Usage: build-ubuntu-template.sh [options]

Builds the Ubuntu 24.04 (noble) cloud-image template that modules/ubuntu-vm clones.
Run as root on the Proxmox VE node; needs qm, curl, sha256sum and virt-customize
(apt-get install libguestfs-tools).

Options (each also settable through the environment variable in brackets):
  --vmid ID            VMID of the template (TEMPLATE_VMID, default 9000)
  --storage NAME       storage for the disk and the cloud-init drive (TEMPLATE_STORAGE, default local-lvm)
  --bridge NAME        bridge of the network device (TEMPLATE_BRIDGE, default vmbr0)
  --name NAME          name of the template (TEMPLATE_NAME, default ubuntu-2404-cloudinit)
  --image-base-url URL where $IMAGE_NAME and SHA256SUMS live
                       (TEMPLATE_IMAGE_BASE_URL, default https://cloud-images.ubuntu.com/noble/current)
  --work-dir DIR       download and build directory (TEMPLATE_WORK_DIR, default /var/tmp/ubuntu-template)
  -h, --help           show this help and exit

Running it again is safe: an existing template with the VMID is left as it is.
Exit status: 0 template ready, 1 failure, 2 bad usage.
USAGE
}

fail() {
  echo "build-ubuntu-template.sh: $*" >&2
  exit 1
}

usage_error() {
  echo "build-ubuntu-template.sh: $*" >&2
  echo "Try 'build-ubuntu-template.sh --help'." >&2
  exit 2
}

parse_arguments() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -h | --help)
        usage
        exit 0
        ;;
      --vmid | --storage | --bridge | --name | --image-base-url | --work-dir)
        [[ $# -ge 2 && -n "$2" ]] || usage_error "$1 needs a value"
        case "$1" in
          --vmid) vmid="$2" ;;
          --storage) storage="$2" ;;
          --bridge) bridge="$2" ;;
          --name) name="$2" ;;
          --image-base-url) image_base_url="$2" ;;
          --work-dir) work_dir="$2" ;;
        esac
        shift 2
        ;;
      *)
        usage_error "unknown argument: $1"
        ;;
    esac
  done
  [[ "$vmid" =~ ^[1-9][0-9]{2,8}$ ]] || usage_error "--vmid must be a number from 100 to 999999999, got '$vmid'"
  [[ "$name" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]] || usage_error "--name must be a DNS name, got '$name'"
}

require_tools() {
  [[ "$(id -u)" -eq 0 ]] || fail "run me as root on the Proxmox VE node"
  local tool
  for tool in qm curl sha256sum virt-customize; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' not found (virt-customize: apt-get install libguestfs-tools)"
  done
}

# Prints "absent", "template", "in-progress" or "other" for the guest with the VMID.
existing_guest_state() {
  local config
  if ! config="$(qm config "$vmid" 2>/dev/null)"; then
    echo "absent"
  elif grep -q '^template: 1$' <<<"$config"; then
    echo "template"
  elif grep -qF "$IN_PROGRESS_MARKER" <<<"$config"; then
    echo "in-progress"
  else
    echo "other"
  fi
}

# Downloads the image once and checks it against Ubuntu's published checksum on every run, so a truncated or
# stale download is fetched again instead of being baked into the template.
download_verified_image() {
  mkdir -p "$work_dir"
  curl -fsSL --retry 3 -o "$work_dir/SHA256SUMS" "$image_base_url/SHA256SUMS"
  local expected_line
  expected_line="$(grep -E "[ *]$IMAGE_NAME\$" "$work_dir/SHA256SUMS")" || fail "$IMAGE_NAME is not listed in $image_base_url/SHA256SUMS"
  if [[ -f "$work_dir/$IMAGE_NAME" ]] && (cd "$work_dir" && sha256sum --check --status <<<"$expected_line"); then
    echo "Reusing the verified $work_dir/$IMAGE_NAME"
    return
  fi
  echo "Downloading $image_base_url/$IMAGE_NAME"
  curl -fSL --retry 3 -o "$work_dir/$IMAGE_NAME.part" "$image_base_url/$IMAGE_NAME"
  mv "$work_dir/$IMAGE_NAME.part" "$work_dir/$IMAGE_NAME"
  (cd "$work_dir" && sha256sum --check --status <<<"$expected_line") || fail "checksum mismatch for $IMAGE_NAME"
}

# Works on a copy so the pristine download stays reusable.
customize_image() {
  local customized="$1"
  cp --sparse=always "$work_dir/$IMAGE_NAME" "$customized"
  virt-customize -a "$customized" \
    --install qemu-guest-agent \
    --run-command 'cloud-init clean --logs --seed' \
    --run-command 'rm -f /etc/ssh/ssh_host_*' \
    --truncate /etc/machine-id
}

create_template() {
  local image="$1"
  qm create "$vmid" \
    --name "$name" \
    --description "$IN_PROGRESS_MARKER" \
    --ostype l26 \
    --cores 2 \
    --memory 2048 \
    --net0 "virtio,bridge=$bridge" \
    --scsihw virtio-scsi-single \
    --agent enabled=1 \
    --serial0 socket \
    --vga serial0
  qm set "$vmid" --scsi0 "$storage:0,import-from=$image,discard=on,iothread=1"
  qm set "$vmid" --ide2 "$storage:cloudinit" --boot order=scsi0
  qm set "$vmid" --description "Ubuntu 24.04 cloud image with qemu-guest-agent, built by scripts/build-ubuntu-template.sh"
  qm template "$vmid"
}

main() {
  parse_arguments "$@"
  require_tools
  case "$(existing_guest_state)" in
    template)
      echo "VMID $vmid is already a template; nothing to do."
      return
      ;;
    in-progress)
      echo "VMID $vmid is a half-built template from an interrupted run; removing it to build again."
      qm destroy "$vmid" --purge
      ;;
    other)
      fail "VMID $vmid exists and is not a template; remove it or choose another --vmid"
      ;;
    absent) ;;
  esac
  download_verified_image
  local image="$work_dir/customized-$IMAGE_NAME"
  customize_image "$image"
  create_template "$image"
  echo "Template $vmid ($name) is ready."
}

main "$@"
