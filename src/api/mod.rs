//! HTTP clients of the three vendor APIs: the only place with HTTP.

pub mod audiocodes;
pub mod axp;
mod ca_file;
mod error;
pub mod http;
pub mod live_platform;
pub mod oauth;
pub mod paging;
mod vendor_text;

pub use http::{ApiError, ErrorKind};
