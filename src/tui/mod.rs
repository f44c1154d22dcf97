pub fn run(_c: std::sync::Arc<crate::config::Config>, _r: bool, _m: bool, _j: Vec<crate::domain::job::JobKind>) -> i32 { 0 }
