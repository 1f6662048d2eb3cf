//! Permissions and authentication: Proxmox VE privilege checks (including settings only `root@pam` may make, and a
//! bare 403 without a reason), API token format and existence, tickets and CSRF tokens, rejected credentials, TLS
//! trust, and an API endpoint that is missing, not https or not the API's path. A person grants, fixes or trusts;
//! agentlab never retries its way past an access refusal.

use crate::contracts::{Category, Remediation};

use super::Signature;

pub(super) fn signatures() -> Vec<Signature> {
    vec![
        Signature {
            // A 596 with a certificate failure is Proxmox VE's own connection failing TLS (AnyEvent::HTTP's 596:
            // errors during TLS negotiation), never the runner's: pveproxy forwarding the request to the node the
            // URL names, or the node fetching a download URL with verification on. The runner's trust store and
            // its insecure setting play no part, so the advice differs from the rule below.
            name: "proxmox-node-tls-failed",
            pattern: r"\b596\b[^\n]{0,80}?((?:error:[0-9A-F]+:)?SSL routines[^\n]*?certificate verify failed|(?:tls_process|ssl3_get)_server_certificate: certificate verify failed)",
            category: Category::Network,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE's own TLS connection failed (596: $1): the node forwarded the request to the node the URL names, or fetched a download URL, and could not verify that certificate. Use the node's exact name as Proxmox VE lists it, refresh the cluster's node certificates (pvecm updatecerts) after a reinstall or a new certificate, or give the download a URL whose certificate verifies; the runner's own trust settings do not change this.",
        },
        Signature {
            name: "tls-certificate-untrusted",
            pattern: r"(x509: certificate signed by unknown authority|x509: certificate is valid for [^\n]*|x509: cannot validate certificate for [^\n]*|x509: certificate relies on legacy Common Name field[^\n]*|x509: certificate has expired or is not yet valid[^\n]*|certificate verify failed)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The TLS certificate of the endpoint is not trusted ($1); add the Proxmox VE CA to the runner's trust store, use the name the certificate was issued for (as a subject alternative name) and renew an expired one, or set PROXMOX_VE_INSECURE=true for a self-signed homelab certificate.",
        },
        Signature {
            // pve-storage's check_volume_access takes a value that is not a storage volume id for a filesystem
            // path, and pve-container does the same for a bind or device mount point: only root@pam may pass one.
            // Behind it is almost always a value written in the wrong form (an ISO or template by path or bare
            // name, a disk size without its storage), so this is the project's configuration, not a privilege to
            // grant.
            name: "proxmox-volume-given-as-path",
            pattern: r"(?i)(only root can pass arbitrary filesystem paths)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE read a value as a filesystem path, which only root@pam may pass ($1): a template, ISO, \
disk or import source given as a path, a bare name or a bare size instead of a storage volume id \
(`local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst`, `local:iso/NAME.iso`, `local-lvm:8`); give the volume id, \
or add a bind or device mount point as root@pam.",
        },
        Signature {
            // A cloud provider's own refusal of the project's credentials, for the other providers a homelab's
            // projects use (DNS, buckets, identities): hashicorp/aws-sdk-go-base's "no valid credential sources for
            // Terraform AWS Provider found" and "IAM Role (...) cannot be assumed" (its errors.go), AWS's
            // AccessDenied and EC2's UnauthorizedOperation codes, and Azure Resource Manager's AuthorizationFailed.
            // The state backend's words around them leave them to the backend's rules.
            name: "cloud-provider-credentials-refused",
            pattern: r#"\b(no valid credential sources for (?:Terraform )?AWS Provider found|No valid credential sources found for AWS Provider|IAM Role \(\S+\) cannot be assumed|(?:AccessDenied(?:Exception)?|UnauthorizedOperation|InvalidClientTokenId)(?::|\s*:)\s*[^\n]{0,160}|Code="AuthorizationFailed"[^\n]{0,160})"#,
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: Some(super::STATE_BACKEND_WORDS),
            root_cause: "The cloud provider refused the project's credentials or their rights (\"$1\"): the run had no credentials for that provider, or its identity lacks the permission for the call; give the runner the provider's credentials (as secrets) and grant the identity the action named, then run again.",
        },
        Signature {
            // luthermonson/go-proxmox, the Go client under cluster-api-provider-proxmox, the Proxmox CSI plugin and
            // other tools, turns every 401 and 403 from the API into one error (proxmox.go's ErrNotAuthorized):
            // the token or user is refused, or lacks the privilege on that path.
            name: "go-proxmox-not-authorized",
            pattern: r"\b(not authorized to access endpoint)\b",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE answered 401 or 403 (\"$1\"): the API token or user is refused, or lacks a privilege on the path the tool asked for (a node, a storage, the cluster's resources); check the token's id and secret, and grant its role on / (or on that path), without privilege separation or with the grant on the token itself.",
        },
        Signature {
            // Proxmox VE lets only root@pam set some options (LXC feature flags, arch, hookscripts, ...), whatever
            // the token's privileges.
            name: "proxmox-root-only-setting",
            // The bpg provider refuses such a setting itself before Proxmox VE sees it ("the `cpu.architecture` can
            // only be set by the root account").
            pattern: r"(?i)(changing feature flags is only allowed for root@pam|only allowed for root@pam|only root can (?:set|modify|delete) '[^']+' config(?: for real devices)?|(?:the `[^`]+` )?can only be set by the root account)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE refuses this setting to anyone but root@pam ($1), whatever privileges the API token has: drop the setting (e.g. LXC `features` such as nesting) from the project or apply it as root@pam by hand.",
        },
        Signature {
            name: "proxmox-permission-check-failed",
            pattern: r"Permission check failed \(([^,()]+), ([A-Za-z.]+)\)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The API token lacks the $2 privilege on $1; grant it (a privilege-separated token needs the ACL on the token itself).",
        },
        Signature {
            // The same refusal when the client prints only the status and the reason, without the path and the
            // privilege ("403 Permission check failed", "403 Forbidden: Permission check failed", a JSON body).
            name: "proxmox-permission-denied",
            pattern: r"\b403\b[^\n]{0,80}?Permission check failed",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE refused the request with 403 Permission check failed: the API token or user lacks a privilege the request needs (the message does not say which); grant the role on the path the resource uses (a privilege-separated token needs the ACL on the token itself).",
        },
        Signature {
            name: "proxmox-api-token-invalid",
            // The telmate provider checks the token id's form itself at start-up ("your API TokenID username
            // should contain a !"), and its proxmox-api-go the token's ("api token must be in the format
            // user@realm!tokenname=...", "api token does not exist", its proxmox/config__apiToken.go).
            // Proxmox VE's own refusal of a token id used as a user name for a ticket: "value 'USER@REALM!TOKENID'
            // does not look like a valid user name".
            pattern: r"(?:invalid value for api_token \(Must be a valid API token|no such token '([^']+)' for user '([^']+)'|no tokenid specified|API TokenID username should contain a !|value '[^']*![^']*' does not look like a valid user name|the API token must be in the format 'USER@REALM!TOKENID=UUID'|you appear to be using an API TokenID username with your password|username must end with '@pve' or '@pam'|cannot get user \([^)]*\) permissions, the user does not exist|api token ID must be in the format user@realm!tokenname|api token must be in the format user@realm!tokenname=|api token does not exist)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The Proxmox VE API token is malformed or does not exist ($1 $2): it must read USER@REALM!TOKENID=SECRET with the token's name (not its secret) after the `!`; check PROXMOX_VE_API_TOKEN.",
        },
        Signature {
            // The bpg provider's client given no credentials at all (proxmox/api/client.go and credentials.go), and
            // the telmate provider's check of the same (proxmox/provider.go):
            // neither the token nor a user and password reached it, typically an environment variable the job does
            // not set (a secret missing in the workflow, or not passed to the step).
            name: "proxmox-credentials-missing",
            pattern: r"(must provide either (?:user credentials|username and password), an API token, or a ticket|password and API token do not exist, one of these must exist)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "No Proxmox VE credentials reached the provider ($1): the API token (PROXMOX_VE_API_TOKEN, or api_token in the provider block) is not set in the environment the run had; pass the secret to the step that runs Terraform.",
        },
        Signature {
            // A password login for a user with a second factor (telmate's proxmox-api-go, proxmox/session.go): an
            // unattended run has no code to give.
            name: "proxmox-login-needs-second-factor",
            pattern: r"(missing TFA code)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider logged in with a password for a user that has two-factor authentication ($1): an unattended run cannot give the second factor; use an API token for the provider instead.",
        },
        Signature {
            // An S3-compatible store (MinIO, AWS S3) that does not know the access key a client gave it, outside
            // the state backend (a provider that manages the store's buckets and users, a client): the key is wrong
            // or was removed. The backend's own refusals are the backend family's (its `unless`).
            name: "object-store-key-unknown",
            pattern: r"(?i)(the (?:AWS )?access key id you provided does not exist in our records)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: Some(super::STATE_BACKEND_WORDS),
            root_cause: "The object store does not know the access key it was given ($1): the key is wrong, was removed, or belongs to another store or endpoint; set a key the store has (for MinIO, one of its users' or service accounts' keys) where the provider or client reads it.",
        },
        Signature {
            name: "proxmox-ticket-invalid",
            // "401 No ticket", "401: No ticket" and bpg's "HTTP 401 response - Reason: No ticket".
            pattern: r"(?i)(invalid PVE ticket|invalid csrf token|401\b[^\n]{0,30}?No ticket)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE rejected the session ticket ($1): a password login's ticket expires after two hours and a write needs its CSRF token; use an API token for unattended runs.",
        },
        Signature {
            name: "proxmox-authentication-failed",
            pattern: r"(?i)(?:HTTP 401 response|401 (?:Unauthorized|No ticket)|authentication failure|Authentication failed!|Couldn't authenticate user: )",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE rejected the credentials (401): the API token is wrong, expired or deleted; check PROXMOX_VE_API_TOKEN (user@realm!tokenid=secret).",
        },
        Signature {
            // The bpg provider reaches the node over SSH as well as the API (disk imports, snippets, uploads). Its
            // "unable to authenticate user ... over SSH" wrapper is printed for any SSH failure, so the rules
            // anchor on what SSH itself said: a host key that changed first, then a login the node refused
            // (`failed to dial HOST:22: ssh: handshake failed: ...` before v0.109, `failed SSH handshake to ...`
            // after).
            name: "proxmox-ssh-host-key-changed",
            pattern: r"(REMOTE HOST IDENTIFICATION HAS CHANGED for host (\S+?)!)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The node's SSH host key is not the one the runner knows ($1): the node was reinstalled or its address now belongs to another machine; after checking which, remove the stale entry (ssh-keygen -R HOST) from the runner's known_hosts.",
        },
        Signature {
            name: "proxmox-ssh-login-refused",
            pattern: r"ssh: handshake failed: (ssh: unable to authenticate, attempted methods \[[^\]]*\], no supported methods remain)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The node refused the provider's SSH login ($1): with an API token the SSH password is not inherited, so load an authorised key into the runner's ssh-agent (ssh-add -L lists it) or set the provider's ssh username and password or private key for the node.",
        },
        Signature {
            // The bpg provider told to use an SSH agent (`agent = true` in its ssh block) on a runner without one:
            // SSH_AUTH_SOCK is not set (proxmox/ssh/client_notwindows.go).
            name: "proxmox-ssh-agent-missing",
            pattern: r"(failed connecting to SSH agent socket: the socket file is not defined)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider's ssh block asks for an SSH agent, but the runner has none ($1: SSH_AUTH_SOCK is not set); start an agent and add the key in the job before Terraform runs, or give the provider the private key (ssh.private_key) instead.",
        },
        Signature {
            // The bpg provider writing a snippet or file over SSH/SFTP as a user that may not write there (before
            // v0.46.2 without sudo, later with a sudoers rule that does not cover the path).
            name: "proxmox-ssh-file-write-refused",
            pattern: r"(failed to (?:create|open remote) file (\S+?): permission denied|the SSH user '[^']+' does not have required permissions|sudo: a password is required)",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider's SSH user may not write the file on the node ($1): connect as root, or give the user a passwordless sudo rule for `tee` on the storage's path (and the storage's directory must exist on that node).",
        },
        Signature {
            // The bpg provider could not tell which address to reach a node's SSH on: the API listed no usable
            // static address for it and its name did not resolve from the runner.
            name: "proxmox-ssh-node-address-unknown",
            pattern: r#"(?i)failed to determine the IP address of node "([^"]+)""#,
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider could not find an address to reach node $1 over SSH (the API lists no static address for it, and its name does not resolve from the runner); give it in the provider's ssh block (node name and address), or make the node's name resolve.",
        },
        Signature {
            // The telmate provider's check at start-up: the token authenticates, but with privilege separation on
            // it holds none of its user's privileges until they are granted to the token itself.
            name: "proxmox-token-privilege-separation",
            pattern: r"user (\S+) has valid credentials but cannot retrieve user list, check privilege separation of api token",
            category: Category::Permission,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The API token of $1 authenticates but holds no privileges: with privilege separation on, a token has only what is granted to the token itself; grant the role to the token (or turn privilege separation off for it).",
        },
    ]
}

/// The provider's way to the API itself: no endpoint at all, or an endpoint whose path is not the API's (Proxmox VE
/// answers 501 "no such file" for a path it does not serve, e.g. a telmate `pm_api_url` without `/api2/json`). Its
/// other 501, "Method '...' not implemented", is no endpoint mistake but an API method this Proxmox VE release does
/// not have: the provider family answers it (`proxmox-api-method-missing`).
pub(super) fn endpoint() -> Vec<Signature> {
    vec![
        Signature {
            name: "proxmox-api-endpoint-wrong",
            // bpg words a missing endpoint "you must specify an endpoint ..." and one that is not https (its earlier
            // releases) "You must specify a secure endpoint ..."; a plain http:// request to port 8006, which
            // pveproxy serves over TLS only (the Proxmox VE API documentation), is closed without an answer (Go's
            // "EOF" after the URL).
            pattern: r#"(?:(?i:you must specify (?:an|a secure) endpoint for the Proxmox Virtual Environment API)|\b501 no such file '(/[^']*)'|(?:Get|Post|Put|Delete) "?(http://[^/\s"]+:8006/)[^\s"]*"?: EOF)"#,
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider's Proxmox VE API endpoint is missing, not https, or does not point at the API ($1$2 not served there): telmate's pm_api_url must read https://HOST:8006/api2/json, bpg's endpoint https://HOST:8006/; fix the provider block or its environment variable.",
        },
        Signature {
            // Go's JSON decoder meeting an HTML page where an API's JSON answer belongs: the URL points at a web page,
            // a login portal or a proxy's error page rather than at the API (a path left out of the URL, the wrong
            // port). The state backend's own words are left to its rules (its `unless`).
            name: "api-answered-with-a-web-page",
            pattern: r"invalid character '<' looking for beginning of value",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: Some(super::STATE_BACKEND_OR_ONE_ENDPOINTS_ANSWER),
            root_cause: "The API answered with a web page instead of JSON (\"invalid character '<' looking for beginning of value\"): the provider's URL points at a web page, a login portal or a proxy rather than at the API. Check the endpoint in the provider block: for Proxmox VE, https://HOST:8006/api2/json for telmate and https://HOST:8006/ for bpg.",
        },
    ]
}

/// Proxmox VE refusing a request's parameters, in any wording: tried after every family, so that a more specific
/// refusal (a storage that does not take the content, a root-only setting) answers first.
pub(super) fn parameters_refused() -> Vec<Signature> {
    vec![
        Signature {
            // The telmate provider's check of its numbered device blocks (proxmox/resource_vm_qemu.go): two blocks
            // with the same id in the configuration.
            name: "provider-duplicate-device-id",
            pattern: r"(unable to process set, received a duplicate ID '[^']*')",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The provider refused the configuration ($1): two device blocks of the same kind (disks, networks, serials) carry the same id; give each its own.",
        },
        Signature {
            // A role or ACL that names VM.Monitor, the privilege Proxmox VE 9 dropped (in favour of Sys.Audit and
            // the VM.GuestAgent.* privileges): pve-access-control refuses it as "invalid privilege 'VM.Monitor'".
            // The role was written for Proxmox VE 8 (a provider's or tool's documented role, or a module's).
            name: "proxmox-privilege-dropped-in-pve9",
            pattern: r"invalid privilege '(VM\.Monitor)'",
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The role names $1, a privilege Proxmox VE 9 removed (Sys.Audit and the VM.GuestAgent.* privileges replace it): the role was written for Proxmox VE 8; drop $1 from it, and move to a provider release that no longer asks for it.",
        },
        Signature {
            // Proxmox VE's schema has no such parameter for this call at all: the provider sent one the release does
            // not define (telmate 3.0.1's `pool` on a VM update, its `hagroup` on a container create, an SDK's stray
            // `_root`), which the configuration can only avoid by leaving the argument out. A provider's debug log
            // quotes the answer inside its own string, so the quotes may come escaped.
            name: "proxmox-parameter-not-in-schema",
            pattern: r#"\\?"([^"\\]+)\\?"\s*:\s*\\?"property is not defined in schema and the schema does not allow additional properties"#,
            category: Category::ProviderIncompatibility,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Proxmox VE's API does not define the parameter \"$1\" for the call the provider made, so the provider release and this Proxmox VE release do not match on it; leave the argument out for now (and set it another way), or move to a provider release that sends it where Proxmox VE takes it.",
        },
        Signature {
            // Proxmox VE's answer to a request whose parameters it refuses; the provider's own wrapping varies
            // ("400 Parameter verification failed.", "received an HTTP 400 response - Reason: Parameter
            // verification failed. (pool: ...)"). The configuration sends a value this Proxmox VE does not take.
            name: "proxmox-parameter-verification-failed",
            pattern: r"\b400\b[^\n]*?Parameter verification failed\.?([^\n]*)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: Some(super::NOT_OURS_TO_FIX),
            root_cause: "Proxmox VE refused a parameter of the request (400 Parameter verification failed$1): a setting in the configuration has a value or format this Proxmox VE release does not accept; compare the resource's arguments with the release's API.",
        },
        Signature {
            // Proxmox VE's own check of one parameter, in the words of its schema (pve-common's JSONSchema.pm) or of
            // the guest configuration's parser (qemu-server's "vm N - unable to parse value of 'vga'"), printed
            // without the "400 Parameter verification failed." above them when a task, `qm` or a provider's log
            // shows only the parameter's line. A value the configuration gives in a form this release does not take.
            // (Proxmox VE checking its own answer, "Result verification failed" with faults named by list element, is
            // left alone: its `unless`.)
            name: "proxmox-parameter-value-refused",
            pattern: r"(unable to parse value of '[^']+'|value '[^']*' does not have a value in the enumeration '[^']*'|\binvalid format - [^\n]+|type check \('\w+'\) failed - got [^\n]+|value does not match the regex pattern|value must have a (?:minimum|maximum) value of -?\d+|value must be at least \d+ characters long|value may only be \d+ characters long|property is missing and it is not optional)",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: Some(super::PROXMOX_CHECKING_ITS_OWN_ANSWER_OR_NOT_OURS_TO_FIX),
            root_cause: "Proxmox VE refused a parameter's value (\"$1\"): a setting in the configuration has a value or format this Proxmox VE release does not accept; compare the argument named there with the release's API and its allowed values.",
        },
        Signature {
            // A node name that is not a member of the cluster (pve-cluster's "no such cluster node 'x'", telmate's
            // proxmox-api-go "Node x not found"): a typing mistake, a host name where the node name belongs, or a node
            // that was renamed.
            name: "proxmox-cluster-node-unknown",
            pattern: r"no such cluster node '([^']+)'|\bNode (\S+) not found\b",
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The configuration names the node '$1$2', which is not a member of this Proxmox VE cluster: use the node's name as `pvecm nodes` lists it (not its host name or address) in node_name or target_node.",
        },
        Signature {
            // Terraform's own check of the configuration against the provider's (or a module's) schema, before any
            // request: "Unsupported argument" with "An argument named \"X\" is not expected here" and "Unsupported
            // block type" with "Blocks of type \"X\" are not expected here", the same words from Terraform 0.12 to
            // 1.11 and OpenTofu, wrapped at any space. Often an argument or block a provider release renamed or
            // removed (or has not added yet).
            name: "terraform-argument-unsupported",
            pattern: r#"(?:An\s+argument\s+named|Blocks\s+of\s+type)\s+"([^"]+)"\s+(?:is|are)\s+not\s+expected\s+here"#,
            category: Category::Configuration,
            remediation: Remediation::Escalate,
            unless: Some(super::NOT_PINNED_ON_THE_PROJECT),
            root_cause: "Terraform refused the configuration before calling anything: the argument or block \"$1\" is not in the schema of the block it is written in. Fix the .tf code: check the spelling and whether it belongs in a nested block, and compare it with the documentation of the provider (or module) version the lock file pins; a provider upgrade may have renamed or removed it.",
        },
    ]
}

/// Proxmox VE refusing a request with a bare 403 and no reason ("403 Forbidden", "HTTP 403 response"): tried after
/// every family but the backend's last resort, so that the provider registry's or an object store's 403, which name
/// their own cause, answer first. The privilege is missing, whatever the path.
pub(super) fn forbidden_without_reason() -> Vec<Signature> {
    vec![Signature {
        name: "proxmox-forbidden",
        pattern: r"(\b403 Forbidden\b|\bHTTP 403 response\b)",
        category: Category::Permission,
        remediation: Remediation::Escalate,
        unless: None,
        root_cause: "Proxmox VE refused the request ($1) without naming the privilege: the API token or user lacks a privilege this resource needs on its path (VM.Allocate, Datastore.AllocateSpace, SDN.Use, ...); compare the role with the provider's documented privileges and grant what is missing (a privilege-separated token needs the ACL on the token itself).",
    }]
}
