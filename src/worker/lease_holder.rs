//! Who holds a lease, written so that a person told "it is taken" knows
//! whom to ask, and so that a holder killed outright can be recognised.

use super::inventory::who;

/// `pid 4242 on jump1 (alice, job 1a2b3c4d)`.
pub fn this_process(job_id: &str) -> String {
    format!(
        "pid {} on {} ({}, job {})",
        std::process::id(),
        hostname(),
        who(),
        &job_id[..job_id.len().min(8)]
    )
}

/// Whether the holder was a switchboard process on this host that no
/// longer runs (killed with -9, or its machine's power cut): its lease may
/// be taken at once instead of waiting for it to expire.
pub fn is_gone(holder: &str) -> bool {
    let words: Vec<&str> = holder.split_whitespace().collect();
    let (Some(&"pid"), Some(pid), Some(&"on"), Some(host)) =
        (words.first(), words.get(1), words.get(2), words.get(3))
    else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    if *host != hostname() || pid == std::process::id() {
        return false;
    }
    // A reused pid belongs to another program: the name tells them apart.
    match std::fs::read_to_string(format!("/proc/{pid}/comm")) {
        Ok(name) => name.trim() != "switchboard",
        Err(_) => std::path::Path::new("/proc/self").exists(),
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "this host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_holder_is_kept_and_a_dead_one_recognised() {
        let me = this_process("0123456789");
        assert!(me.contains("job 01234567"), "{me}");
        assert!(!is_gone(&me), "this process is alive");
        assert!(
            !is_gone("someone else"),
            "an unknown form is never taken over"
        );
        let other_host = format!("pid {} on elsewhere-host (x, job 1)", u32::MAX - 1);
        assert!(
            !is_gone(&other_host),
            "another host's process cannot be checked"
        );
        // A pid no process has (above pid_max) on this host.
        let dead = format!("pid {} on {} (x, job 1)", u32::MAX - 1, hostname());
        assert!(is_gone(&dead));
    }
}
