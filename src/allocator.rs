//! The binary's global allocator: mimalloc instead of glibc's malloc.
//!
//! A sync allocates and frees hundreds of thousands of short strings on
//! several threads; glibc's malloc was about a quarter of the samples of an
//! unchanged re-sync. Measured on the 2-core machine (CPU time of each
//! command, sync benchmark, alternating runs): unchanged re-sync 0.30 s
//! against 0.42 s, first sync 0.97 s against 1.07 s, purge and sweep a few
//! per cent less. Two settings keep memory within the dashboard's 60 MB at
//! 1.1M numbers (50 MB with glibc): no transparent huge pages (the crate's
//! `no_thp` feature; with them the import peaked at 94.5 MB against 76 MB)
//! and freed memory given back at once (purge delay 0; with mimalloc's
//! 1 s delay the dashboard peaked at 57.7-62.3 MB, with 0 at 51.1 MB).
//! Numbers in the README (Benchmarks).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (mimalloc.h); the
/// bindings do not name it. The test below pins it by its default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets mimalloc's options; call first thing in `main`, before any thread
/// starts. `MIMALLOC_PURGE_DELAY` in the environment still overrides it.
pub fn configure() {
    // SAFETY: called once at the start of `main`, before any other thread
    // exists (mimalloc's option setters are not thread safe); the option
    // index is mimalloc's own (see `PURGE_DELAY`).
    unsafe { libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set_and_becomes_zero() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading an option; this is the binary's only test.
        let before = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(before, 1000, "mimalloc v3's default purge delay (ms)");
        configure();
        // SAFETY: as above.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 0);
    }
}
