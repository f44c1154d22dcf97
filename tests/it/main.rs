//! The integration tests, one crate so they link once. Each module is one
//! area; `common` holds the shared helpers (the real binary, the simulator,
//! a scriptable hostile server, a tmux pane).

// A test scenario reads top to bottom, setting up, acting and checking in
// one place; splitting it to satisfy a line count would scatter the story.
#![allow(clippy::too_many_lines)]

#[allow(dead_code)]
mod common;

mod arm_shapes_test;
mod bad_input_test;
mod cli_listing_test;
mod cli_pipes_test;
mod commit_point_test;
mod concurrency_test;
mod concurrent_fetch_test;
mod config_bounds_test;
mod config_errors_test;
mod connections_test;
mod crash_test;
mod csv_roundtrip_test;
mod fault_matrix_test;
mod hostile16_test;
mod hostile18_test;
mod hostile19_test;
mod hostile20_test;
mod hostile21_test;
mod hostile22_test;
mod hostile23_test;
mod inventory_lifecycle_test;
mod job_errors_test;
mod jobs_truth_review_test;
mod json_body_test;
mod layout_test;
mod lazy_secrets_test;
mod list_paging_test;
mod live_platform_parsing_test;
mod live_platform_test;
mod log_and_identity_test;
mod messages_tmux_test;
mod number_history_test;
mod number_window_test;
mod panic_safety_test;
mod planner_properties_test;
mod progress_test;
mod read_only_store_test;
mod read_only_test;
mod readme_test;
mod readmodel_test;
mod redirect_test;
mod secrets_test;
mod session_drop_test;
mod sim_config_test;
mod sparse_sort_test;
mod store_test;
mod stored_connections_test;
mod sync_details_test;
mod sync_faults_test;
mod sync_rules_test;
mod sync_writes_test;
mod terminal_safety_test;
mod tidy18_test;
mod tls_test;
mod tui_safety_e2e_test;
mod vendor_edge_cases_test;
mod voice_test;
mod workerio_test;
