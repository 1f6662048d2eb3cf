//! Fault injection (issue 10, items 2, 3, 4 and 6): every fault ends with the run in SUCCESS or FAILED, the record
//! on disk and no panic. Faults already covered elsewhere are listed here with the test that covers them; the
//! submodules add only what was missing.
//!
//! | Fault | Test |
//! |---|---|
//! | GitHub 500 / 502 | `faults::github::server_errors_500_and_502_are_retried_then_the_comment_is_posted` |
//! | GitHub 403 secondary rate limit with `retry-after` | `faults::github::a_secondary_rate_limit_403_is_waited_out_as_retry_after_says` |
//! | GitHub 429 | `github_flows::a_rate_limit_is_waited_out_then_the_comment_is_posted`, `github_flows::a_posting_failure_is_a_warning_not_an_error` |
//! | GitHub 422 oversized body | `github_flows::a_422_on_an_oversized_body_falls_back_to_a_shorter_one` |
//! | GitHub timeout | `faults::github::a_github_that_never_answers_times_out_into_a_warning` |
//! | GitHub connection refused mid-run; a later run posts the record | `faults::github::a_refused_connection_keeps_the_record_and_publish_posts_it_later` |
//! | LLM 429 with `retry-after`, 529 overloaded | `diagnosis::calls::rate_limits_and_overload_are_retried_honouring_retry_after` |
//! | LLM timeout | `faults::llm::an_llm_that_never_answers_times_out_and_the_run_fails_with_the_record_written` |
//! | LLM invalid JSON twice | `faults::llm::an_answer_that_is_not_json_twice_fails_the_run`; schema-invalid twice: `diagnosis::calls::injected_instructions_cannot_produce_a_remediation_outside_the_enum` |
//! | LLM answer citing unknown evidence | `diagnosis::calls::an_unknown_evidence_id_gets_one_repair_request` |
//! | LLM spend limit | the budget: `diagnosis::calls::no_diagnoser_and_a_spent_budget_make_no_call`; the provider's: `faults::llm::the_providers_spend_limit_fails_the_run_without_a_retry` |
//! | Proxmox VE 401 | `validator::an_authentication_failure_fails_the_guest_checks_with_a_clear_message_and_no_token`; through a deploy: `faults::proxmox::proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written` |
//! | Proxmox VE 403 with a permission message | `faults::proxmox::proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written` |
//! | Proxmox VE 500 lock timeout | `faults::proxmox::proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written` |
//! | Proxmox VE 595 | `validator::a_node_that_is_down_fails_with_the_595_reason`; through a deploy: `faults::proxmox::proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written` |
//! | Proxmox VE slow past the timeout | `validator::one_hanging_guest_cannot_stall_the_others_past_the_deadline`; through a deploy: `faults::proxmox::proxmox_api_faults_fail_the_deploy_with_a_clear_check_and_the_record_written` |
//! | Terraform killed mid-apply by SIGTERM; the next run plans without force-unlock | `terraform::a_cancelled_apply_releases_the_state_lock`, `terraform::a_sigterm_to_agentlab_is_forwarded_to_terraform`; the real binary end to end: `faults::terraform::a_sigterm_mid_deploy_writes_the_record_and_the_next_plan_needs_no_unlock` |
//! | Terraform state lock held by another process | `faults::concurrency::two_deploys_of_one_project_one_fails_on_the_state_lock_and_the_state_is_intact` |
//! | Terraform binary missing | `terraform::a_missing_binary_is_an_agent_fault_that_says_what_to_do`; the real binary: `faults::terraform::a_missing_terraform_fails_the_run_with_the_record_written` |
//! | Terraform binary printing garbage | `terraform::a_truncated_json_line_is_a_clear_error_naming_the_line`; random bytes: `faults::terraform::a_terraform_printing_garbage_fails_the_run_without_a_panic` |
//! | Terraform printing 50 MB | in lines: `faults::terraform::fifty_megabytes_of_output_keep_memory_and_the_record_bounded`; without a newline: `faults::terraform::fifty_megabytes_without_a_newline_are_cut_and_memory_stays_bounded` |
//! | Prompt injection in Terraform output and `.tf` comments | `diagnosis::calls::injected_instructions_cannot_produce_a_remediation_outside_the_enum`; the comment and the caps: `faults::injection::injected_instructions_stay_data_and_change_neither_the_cap_nor_the_budget` |
//! | A `replace` of a healthy guest, asked by the model or by injected text; a retry that would destroy what existed before the run | `faults::no_destruction::a_replace_of_a_healthy_guest_asked_by_the_model_or_injected_text_changes_nothing`, `faults::no_destruction::a_retry_whose_plan_replaces_what_existed_before_the_run_is_refused_before_apply` |
//! | Prompt injection of another project's comment or incident marker | `faults::injection::an_injected_marker_does_not_hijack_another_projects_comment_or_incident` |
//! | Secrets end to end (plan, deploy, failure, diagnosis, incident) | `diagnosis::canaries::no_canary_reaches_the_llm_request_or_the_record` (the planner); the real binary: `faults::canaries::no_canary_leaves_the_process_in_any_request_record_summary_or_log` |
//! | Two deploys of one project at once | `faults::concurrency::two_deploys_of_one_project_one_fails_on_the_state_lock_and_the_state_is_intact` |

mod canaries;
mod concurrency;
mod github;
mod injection;
mod llm;
mod no_destruction;
mod proxmox;
mod terraform;
