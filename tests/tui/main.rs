//! The dashboard's in-process tests (rendered to text without a terminal).
//! A crate of their own because they fix the process-wide clock
//! (`SWITCHBOARD_NOW`), which would leak into the binaries the other
//! integration tests spawn.

// A test scenario reads top to bottom, setting up, acting and checking in
// one place; splitting it to satisfy a line count would scatter the story.
#![allow(clippy::too_many_lines)]

#[allow(dead_code)]
mod tui_common;

mod job_progress_tui_test;
mod tui_ascii_test;
mod tui_jobs_test;
mod tui_layout_test;
mod tui_messages_test;
mod tui_paste_test;
mod tui_popup_keys_test;
mod tui_read_only_test;
mod tui_results_test;
mod tui_safety_test;
mod tui_snapshots_test;
mod tui_terminal_safety_test;
