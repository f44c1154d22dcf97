//! HTTP clients of the three vendor APIs: the only place with HTTP.

pub mod audiocodes;
pub mod axp;
pub mod http;
pub mod live_platform;
pub mod oauth;
pub mod paging;

pub use http::{ApiError, ErrorKind};
