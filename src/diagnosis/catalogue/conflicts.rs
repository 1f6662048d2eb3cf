//! Resources that already exist outside Terraform's state, in the words of providers other than the Proxmox VE ones
//! (a homelab's projects also hold cloud DNS, buckets and identities): azurerm's and azapi's import request, AWS's
//! `EntityAlreadyExists` and bucket errors, Google's 409, and the bpg provider's file that is already in a
//! datastore. Tried after the Proxmox VE families, whose VMID and volume conflicts name more.

use crate::contracts::{Category, Remediation};

use super::Signature;

pub(super) fn signatures() -> Vec<Signature> {
    vec![
        Signature {
            // azurerm's ImportAsExistsError ("A resource with the ID ... already exists - to be managed via
            // Terraform this resource needs to be imported into the State") and azapi's lower-case copy of it.
            name: "resource-exists-import-needed",
            pattern: r#"(?i)a resource with the ID "([^"]+)" already exists - to be managed via Terraform\s+this\s+resource\s+needs\s+to\s+be\s+imported"#,
            category: Category::ResourceConflict,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The resource $1 already exists outside this state (created by hand or by an earlier run whose state was lost); import it with `terraform import` (or an import block), or remove it, then run again.",
        },
        Signature {
            // AWS in both SDK generations: `EntityAlreadyExists: Role with name X already exists.`, the bucket
            // codes (v2 prints nothing after the code), and Google's `Error 409: ... already exists`.
            name: "cloud-resource-already-exists",
            pattern: r"(?:\b(EntityAlreadyExists|BucketAlreadyOwnedByYou|BucketAlreadyExists)\b|googleapi: Error (409): [^\n]*?already exists)",
            category: Category::ResourceConflict,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider's API says the resource already exists ($1$2): it was created outside this state (by hand, or by a run whose state was lost), or its name is taken (bucket names are global); import it, or choose another name.",
        },
        Signature {
            // pve-storage (Storage.pm's vdisk_free) refusing to delete a template's base disk while linked clones
            // still use it: destroying or replacing a template VM (9000) that guests were cloned from without
            // full_clone.
            name: "proxmox-base-volume-in-use",
            pattern: r"base volume '([^']+)' is still in use by linked clones",
            category: Category::ResourceConflict,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE will not delete the template's base disk '$1' while linked clones use it: destroy or full-clone the guests made from this template first, or keep the template (a replacement of the template forced by a configuration change must wait for its clones).",
        },
        Signature {
            // The bpg provider's download_file when Proxmox VE refuses to overwrite ("File already exists in a
            // datastore" in v0.43-0.46, "in the datastore" from v0.47), and its file resource without overwrite.
            name: "proxmox-datastore-file-exists",
            pattern: r#"(?:File already exists in (?:a|the) datastore: [`']([^`']+)[`']|\bfile "([^"]+)" already exists)"#,
            category: Category::ResourceConflict,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The file $1$2 is already in the datastore, put there outside this state (by hand, or by another project or workspace that downloads the same file); import it, let the resource overwrite unmanaged files (overwrite_unmanaged), or give this project's file another name.",
        },
    ]
}

/// The category's own definition as a last resort: anything that says it "already exists", or that what is to be
/// deleted or reused is still in use by something else, when no rule above named it better (a VMID, a disk volume,
/// a state lock, a template's base disk). Tried after every other family.
pub(super) fn last_resort() -> Vec<Signature> {
    vec![
        Signature {
            // A delete or a reuse refused because another object still holds the thing: APIs word it "is still
            // in use" (Hetzner Cloud's resource_in_use code), "is already being used by" (Google Compute Engine's
            // resourceInUseByAnotherResource), and Helm "cannot re-use a name that is still in use".
            name: "resource-still-in-use",
            pattern: r"(?i)((?:[^\s:]+\s+){0,3}(?:is|are) (?:still in use|already being used by)(?: [^\s,.]+)?)",
            category: Category::ResourceConflict,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Something the run deletes or reuses is still held by another object (\"$1\"): a dependency outside this project, or one the run has not removed yet; remove or detach what still uses it (or let the project manage it), then run again.",
        },
        Signature {
            name: "resource-already-exists",
            pattern: r"(?i)((?:[^\s:]+\s+){0,3}already exists)\b",
            category: Category::ResourceConflict,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Something the run creates already exists outside this state (\"$1\"): made by hand, by another project, or by an earlier run whose state was lost; after checking it is not in use, import it or remove it, or give the new one another name or id.",
        },
    ]
}
