//! State backends on S3-compatible stores: an unreachable endpoint, missing or rejected credentials, a missing
//! bucket or lock table, checksums the store does not accept, a region the store does not take, the account-ID
//! lookup and credential validation an S3-compatible backend must skip, a state lock held by another run, and
//! Terraform's own backend wordings as a last resort. The texts are terraform 1.0.3's and 1.11's against moto's S3
//! and DynamoDB server (tests/it/s3_state.rs) unless the tests cite otherwise. A person owns the state: never
//! retried blindly.

use crate::contracts::{Category, Remediation};

use super::Signature;

pub(super) fn signatures() -> Vec<Signature> {
    vec![
        Signature {
            // A bucket with S3 Object Lock (a default retention) takes an upload only with a Content-MD5 or
            // checksum header; stores word it "Content-MD5 HTTP header is required ...", "Content-MD5 OR
            // x-amz-checksum- HTTP header is required ...", and Terraform wraps the long sentence anywhere.
            name: "s3-backend-object-lock-needs-checksum",
            pattern: r"(?i)Content-MD5\b[^.]{0,120}?\bis\s+required\s+for\s+Put\s+Object\s+requests\s+with\s+Object\s+Lock\s+parameters",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The bucket holding the state has S3 Object Lock (a default retention), so the store takes an upload only with a Content-MD5 or checksum header, and this Terraform's S3 backend sent neither: keep the state in a bucket without Object Lock (versioning is enough), or use a Terraform release whose backend sends a checksum (without skip_s3_checksum); check the state in the store before deploying again.",
        },
        Signature {
            // S3-compatible stores (Ceph RGW, MinIO, Linode, B2, Cloudflare R2, OCI) reject the checksums newer AWS
            // SDKs send by default, or the streaming trailer that carries them (x-amz-content-sha256's value
            // STREAMING-UNSIGNED-PAYLOAD-TRAILER, which the SDK sends only with that checksum, echoed back in any
            // store's refusal); Terraform wraps the long ones.
            name: "s3-backend-checksum-unsupported",
            pattern: r"(XAmzContentSHA256Mismatch|'x-amz-content-sha256' header does not match what was computed|MissingContentMD5|Unsupported header 'x-amz-checksum-[a-z]+'|STREAMING-UNSIGNED-PAYLOAD-TRAILER|x-amz-content-sha256\s+must\s+be\s+UNSIGNED-PAYLOAD)",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The S3-compatible store holding the state rejects the checksums Terraform's AWS SDK sends ($1): set skip_s3_checksum = true in the backend, and with Terraform 1.11+ also AWS_REQUEST_CHECKSUM_CALCULATION=when_required and AWS_RESPONSE_CHECKSUM_VALIDATION=when_required; check the state in the store before deploying again.",
        },
        Signature {
            // S3's own code for a request that asks for something the store does not implement (AWS's S3 error
            // codes: NotImplemented, 501, "A header you provided implies functionality that is not implemented"),
            // which an S3-compatible store answers to a header or a feature the backend uses (conditional writes for
            // use_lockfile, newer checksums). Only where the backend's words are in the same message.
            name: "s3-backend-feature-not-implemented",
            pattern: r"(?i)(?:backend-s3|S3 Backend|backend .s3.|Error refreshing state|(?:Failed to|Error) (?:save|saving|persist|load|loading|upload|uploading|copying) (?:the )?state|use_lockfile)[^\n]{0,400}?\b(NotImplemented\b[^\n]{0,120})",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The S3-compatible store holding the state does not implement what the backend asked of it (\"$1\"): a header or feature newer Terraform releases use (checksums, conditional writes for use_lockfile); turn that feature off in the backend (skip_s3_checksum, or DynamoDB or no locking instead of use_lockfile), or pin the Terraform release that worked with this store.",
        },
        Signature {
            name: "s3-backend-account-id-lookup",
            pattern: r"Retrieving AWS account details: AWS account ID not previously found",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform 1.6 or later asks AWS (IAM, STS) for the account ID before it uses the S3 backend, and an S3-compatible store such as MinIO has no such service; add skip_requesting_account_id = true to the backend settings (with endpoints.s3 and use_path_style).",
        },
        Signature {
            name: "s3-backend-lost-during-apply",
            pattern: r"(?s)(?:Failed to save state|Failed to persist state|Error saving state)\b.{0,800}?dial tcp:? (?:lookup )?([^\s]+?)(?: on [^\s]+?)?: ?(?:connect: )?(connection refused|no route to host|i/o timeout|no such host)",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The S3 state backend at $1 went away during the apply ($2): changes may have been made that the state in the store does not record. Terraform left the new state in errored.tfstate in the project folder, and its state lock stays in the store (the next run names it). When the store is back, check that no run is active, release the lock (`terraform force-unlock ID`), upload that state with `terraform state push errored.tfstate`, then plan to see what was and was not applied. Do not deploy before that.",
        },
        Signature {
            name: "s3-backend-unreachable",
            pattern: r"(?s)(?:Error refreshing state|Failed to get existing workspaces|Error loading state|Failed to load state|Error acquiring the state lock|Error releasing the state lock)\b.{0,600}?dial tcp:? (?:lookup )?([^\s]+?)(?: on [^\s]+?)?: ?(?:connect: )?(connection refused|no route to host|i/o timeout|no such host)",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The state backend at $1 cannot be reached ($2): without state there is no plan; bring the object store (MinIO on the NAS) back or fix the backend endpoint.",
        },
        Signature {
            // The backend fails while Terraform sets it up, before any state is read: a call it makes at start-up
            // (the store itself, or AWS STS/IAM when the credentials check is not skipped) gets no connection.
            // Terraform 0.11 says "Error configuring the backend \"s3\"", later releases "error configuring S3
            // Backend"; the failure is Go's dial error, with or without an address, or a TLS handshake timeout.
            name: "s3-backend-setup-unreachable",
            pattern: r#"(?s)(?:Error configuring the backend "s3"|error configuring S3 Backend):.{0,600}?caused by: \w+ "?([^\s"]+)"?: (dial tcp[^\n]*?: ?(?:connection refused|no route to host|i/o timeout|no such host)|net/http: TLS handshake timeout)"#,
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform could not set up the S3 state backend: its call to $1 got no connection ($2), so no state was read and nothing was planned. Check the backend's endpoint and region and the runner's DNS and network; an S3-compatible store such as MinIO also needs skip_credentials_validation = true (and skip_requesting_account_id) so that Terraform does not call AWS itself.",
        },
        Signature {
            // The store's error code (DynamoDB's is AccessDeniedException, for a lock table the key may not write),
            // or the SDK's "api error Forbidden: Forbidden" for a 403 without a body (a HeadObject), which must not
            // take Proxmox VE's "403 Forbidden: Permission check failed".
            name: "s3-backend-credentials-rejected",
            // The store's own codes stand alone; the codes AWS's other services share (AccessDenied,
            // InvalidClientTokenId) count only after the backend's words, or they are another provider's.
            pattern: r"(?:\b(InvalidAccessKeyId|SignatureDoesNotMatch)|api error (Forbidden)): ([^\n]+)|(?i:tfstate|\bstate\b|\bbucket\b|dynamodb|\bs3\b|\bbackend\b|account ID)[\s\S]{0,800}?\b(AccessDenied(?:Exception)?|InvalidClientTokenId): ([^\n]+)|\b(AccessDenied(?:Exception)?|InvalidClientTokenId): ([^\n]*)[\s\S]{0,400}?(?i:tfstate|dynamodb|\bbucket\b|\bs3\b|\bbackend\b)",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            // The same codes from an AWS provider's call to another service are that provider's credentials.
            unless: Some(super::AWS_PROVIDER_CALL),
            root_cause: "The object store holding the state rejected the backend's credentials ($1$2$4$6: $3$5$7): AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are wrong, or the key was removed or lacks access to the bucket or the lock table; fix the runner's secrets (a MinIO access key limited to the state bucket).",
        },
        Signature {
            // Terraform's backend validates its credentials with AWS STS unless told not to; an S3-compatible store
            // has no STS (MinIO: "Unsupported action GetCallerIdentity"), or its name does not resolve. A rejected
            // key is taken by the rule above first.
            name: "s3-backend-credentials-validation",
            pattern: r"validating\s+provider\s+credentials:\s+retrieving\s+caller\s+identity\s+from\s+STS",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform's S3 backend validated its credentials with AWS STS (GetCallerIdentity), which an S3-compatible store such as MinIO does not offer; add skip_credentials_validation = true (with skip_requesting_account_id, endpoints.s3 and use_path_style) to the backend settings. Nothing was planned or changed.",
        },
        Signature {
            // The backend's region does not fit the store: AWS and MinIO refuse a request signed for another
            // region than the bucket's (with or without the region the request used), the AWS SDK v1 says the
            // bucket is not in the region it asked, and the backend's own check refuses a region AWS does not have
            // (an S3-compatible store's own region name) unless skip_region_validation is set.
            name: "s3-backend-region-mismatch",
            pattern: r"(?:AuthorizationHeaderMalformed:?\s+The\s+authorization\s+header\s+is\s+malformed;\s+the\s+region\s+(?:'[^']*'\s+)?is\s+wrong;\s+(expecting\s+'[^']*')|BucketRegionError:\s+incorrect\s+region,\s+(the\s+bucket\s+is\s+not\s+in\s+'[^']*'\s+region)|(Invalid\s+AWS\s+Region:\s+\S+|Not\s+a\s+valid\s+region:\s+\S+))",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The S3 backend's region does not fit the store holding the state ($1$2$3): set the backend's region to the bucket's region (an S3-compatible store such as MinIO takes the region it was configured with, and one AWS does not know needs skip_region_validation = true); nothing was planned or changed.",
        },
        Signature {
            // The store refuses a request signed at a time too far from its own clock (AWS S3: "...and the current
            // time is too large"; MinIO, minio/minio's cmd/api-errors.go: "...and the server's time is too large"):
            // the runner's or the store's clock is wrong, and a signature made with it cannot pass.
            name: "s3-backend-clock-skewed",
            pattern: r"RequestTimeTooSkewed:?\s+The difference between the request time and the (?:server's|current) time is too large",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The state store refused the request because the runner's clock and the store's clock differ by more than the signature allows (RequestTimeTooSkewed): set both clocks right (NTP on the runner and on the MinIO host), then run again; a retry with the same clock fails the same way.",
        },
        Signature {
            // No credentials at all reached the backend (Terraform's AWS SDK found none in its chain). The SDK's own
            // "NoCredentialProviders" counts only beside the backend's name, and the AWS provider's same words ("for
            // Terraform AWS Provider") are the provider's credentials, not the state's.
            name: "s3-backend-no-credentials",
            pattern: r#"(?i)(no valid credential sources (?:for S3 Backend )?found)|(?:S3 Backend|backend "s3")[^\n]*(NoCredentialProviders: no valid providers in chain)"#,
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: Some(r"(?i)for (?:Terraform )?AWS Provider"),
            root_cause: "The S3 state backend found no credentials ($1$2): AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the backend's access_key/secret_key) are not set for the run; give the runner the object store's key for the state bucket. Nothing was planned or changed.",
        },
        Signature {
            name: "s3-backend-lock-table-missing",
            pattern: r"(?s)(?:Error acquiring the state lock|failed to lock s3 state)\b.{0,400}?ResourceNotFoundException: Requested resource not found",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The DynamoDB lock table named by the backend's dynamodb_table does not exist at the lock endpoint, so no run can lock the state; create it (partition key LockID, a string) or fix dynamodb_table.",
        },
        Signature {
            // The S3 backend keeps an MD5 of the last state it wrote in the DynamoDB lock table and compares it
            // with the object it reads; a state written without the table (or changed by hand), or a write cut off
            // half-way, leaves the two apart, and every run refuses the state until they agree.
            name: "s3-backend-state-digest-mismatch",
            pattern: r"state data in S3 does not have the expected content",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The state in the object store does not match the checksum (Digest) the backend recorded in its DynamoDB lock table: a state written without the lock table or by hand, or a write that was cut off. Nothing was planned. Check that no run is active and that the stored state is the one you expect, then set the table's Digest item to the value Terraform printed (or remove it), and plan again.",
        },
        Signature {
            name: "s3-backend-bucket-missing",
            pattern: r#"(?:S3 bucket( "[^"]+")? does not exist|NoSuchBucket: The specified bucket does not exist)"#,
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The state bucket$1 does not exist in the object store: create it (versioning on) or fix the backend's bucket; nothing was planned or changed.",
        },
        Signature {
            // Two runs racing for the DynamoDB lock: the holder deletes its lock between this run's failed
            // conditional put and its read of the holder's info, and Terraform gives up at once instead of
            // waiting for -lock-timeout (hashicorp/terraform#32690). Nothing is held any more: run again.
            name: "terraform-state-lock-released-while-read",
            pattern: r"(?s)Error acquiring the state lock\b.{0,300}?ConditionalCheckFailedException: The conditional request failed.{0,200}?unexpected end of JSON input",
            category: Category::StateBackend,
            remediation: Remediation::RetryAfter { seconds: 10 },
            unless: None,
            root_cause: "Another run released the state lock just as this one tried to take it: Terraform read an empty lock record (unexpected end of JSON input) and stopped without waiting for -lock-timeout. This run changed nothing, and the lock is free again: run it again.",
        },
        Signature {
            // DynamoDB locking answers ConditionalCheckFailedException; use_lockfile (Terraform 1.10+) an HTTP 412
            // PreconditionFailed. Both print the holder's Lock Info.
            name: "terraform-state-lock-held-by",
            pattern: r"(?s)Error acquiring the state lock\b.{0,600}?Lock Info:\s+ID:\s+(\S+)\s+Path:\s+(\S+)\s+Operation:\s+(\S+)\s+Who:\s+(\S+)",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The Terraform state $2 is locked by another run ($3 by $4, lock ID $1). If that run is still active, run the deploy again when it has finished. If it was killed, its lock stays until a person releases it: after checking that no run is active, run `terraform force-unlock $1` in the project's folder. agentlab never releases a lock by itself.",
        },
        Signature {
            // agentlab's own wording (src/terraform/stale_plan.rs): a saved plan went stale and planning again
            // gave changes that were never reviewed.
            name: "stale-plan-overtaken",
            pattern: r"The saved plan was stale and the new plan has changes the saved plan did not",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Another deploy changed the state between this run's plan and its apply, and planning again would now make changes nobody reviewed; nothing was applied. Plan the project again and review the new plan before deploying.",
        },
        Signature {
            name: "terraform-state-lock-held",
            pattern: r"Error acquiring the state lock",
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The Terraform state is locked by another run, or by a run that was killed; a person must check that no run is active and release the lock (terraform force-unlock), which agentlab never does by itself.",
        },
    ]
}

/// Terraform's own words for a state backend that failed in a way no signature above knows: tried after every family,
/// so a network, TLS or credential wording inside the same message answers first. (`Error refreshing state` is left
/// out: Terraform 0.11 used it for provider refresh errors too.)
pub(super) fn failed_otherwise() -> Vec<Signature> {
    vec![
        Signature {
            // Terraform (and OpenTofu, naming its own command) finding the working directory initialised for
            // another backend configuration than the one written, or for none: the backend block or its -backend-config
            // changed since the last init. Its "Reason:" line says what changed; `init` itself says "Backend
            // configuration changed" and asks for -reconfigure or -migrate-state.
            name: "terraform-backend-init-required",
            pattern: concat!(
                r#"Backend (?:re)?initialization required[,.:]? [Pp]lease run "(?:terraform|tofu) init"(?:\s*Reason: ([^\n]+))?|"#,
                summary_line!(r#"Backend configuration changed"#)
            ),
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "Terraform's working directory was initialised for another backend configuration than the one written ($1$2): the backend block or its settings changed; run terraform init -reconfigure, or -migrate-state to carry the state over, after checking which store holds the real state.",
        },
        Signature {
            // OpenTofu's state and plan encryption (internal/encryption, 1.7 and later): a key provider or method
            // written wrongly, a key that does not open the state it reads ("decryption failed for all provided
            // methods", "Unable to decode encrypted metadata (did you change your encryption config?)"), or an
            // unencrypted state met where the configuration allows none. The state cannot be read or written until
            // the encryption block and the keys agree with what is stored.
            name: "opentofu-state-encryption-failed",
            pattern: concat!(
                summary_line!(
                    r#"Unable to decode encrypted metadata \(did you change your encryption config\?\)|(?:Decryption|Encryption) operation failed during method setup|Required key unavailable for method setup|Encryption method configuration error|Invalid encryption configuration|Duplicate encryption configuration|Unable to (?:fetch|build) encryption key data|Unencrypted method is forbidden|Reference to undeclared (?:key provider|encryption method)|Unknown (?:encryption method|key_provider) type"#
                ),
                r#"|\b(decryption failed for all provided methods|encountered unencrypted payload without unencrypted method configured)"#
            ),
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "OpenTofu could not encrypt or decrypt the state (\"$1$2\"): the encryption block, its key provider or the key it gets do not match what the stored state was written with; restore the key or passphrase the state was encrypted with (or add the old method as a fallback) before running again, and never apply over a state that could not be read.",
        },
        Signature {
            name: "terraform-backend-failed",
            pattern: r#"(Failed to get existing workspaces|Error loading state\b|Failed to load state|Error inspecting states in the "[^"]+" backend|error configuring S3 Backend|Error configuring the backend "[^"]+"|Failed to save state|Failed to persist state|Error releasing the state lock|Invalid backend configuration (?:argument|value)|Failed to unlock state|Unsupported backend type|Unknown values within backend definition|Failed to decode current backend config|Backend initialization failed|Duplicate backend configuration|Failed to read state file|Cannot read state file|Unsupported state file format|Currently selected workspace "[^"]+" does not exist|The currently selected workspace \([^)]+\) does not exist|Refusing to write empty remote state snapshot|Error saving current state|Failed to create local state file|Invalid local state file path|Missing region value|Invalid region value|Invalid account ID|Invalid (?:sse_customer_key|AWS_SSE_CUSTOMER_KEY|workspace_key_prefix|bucket) value|State locked by another local process)"#,
            category: Category::StateBackend,
            remediation: Remediation::Escalate,
            unless: None,
            root_cause: "The Terraform state backend failed ($1): the backend settings, the store or its bucket are not as the configuration expects; check the backend block and the store before running again (a person owns the state).",
        },
    ]
}
