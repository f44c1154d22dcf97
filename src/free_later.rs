//! Large values freed on a thread of their own.

/// Frees `what` on a thread of its own: the 100,000 users a sync fetched,
/// or the rows its plan read, are hundreds of thousands of small
/// allocations, tens of milliseconds to free, which the job need not wait
/// for (a command line process exits meanwhile, and the system takes the
/// memory back).
pub fn free_later<T: Send + 'static>(what: T) {
    let spawned = std::thread::Builder::new()
        .name("free-later".into())
        .spawn(move || drop(what));
    // No thread to be had: the caller frees it (the closure and `what`
    // are dropped with the error).
    drop(spawned);
}
