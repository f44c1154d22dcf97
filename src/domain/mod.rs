//! Pure types and rules: no I/O, no async, no clock reads (time is passed in).

pub mod actions;
pub mod arm_users;
pub mod audit;
pub mod calling_profile;
pub mod connection;
pub mod connection_spec;
pub mod cooling;
pub mod csv_records;
pub mod interval;
pub mod invalid;
pub mod job;
pub mod number;
pub mod number_filter;
pub mod number_import;
pub mod number_io;
pub mod oc_service;
pub mod read_only;
pub mod registered_user;
pub mod settings;
pub mod terminal_text;
pub mod text;
pub mod vendor;
pub mod voice_body;
pub mod voice_numbers;
pub mod voice_registry;
