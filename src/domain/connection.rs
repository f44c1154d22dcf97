//! Connection names and hosts, and the VOSS instance names derived from them.

/// A name must be safe inside `SyncAudioCodes__<name>`: letters, digits,
/// `-`, `_` and `.`, 1 to 64 characters, starting with a letter or digit.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 {
        return Err("a connection name is 1 to 64 characters".into());
    }
    if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return Err(format!("{name:?} must start with a letter or digit"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "{name:?} has {bad:?}; use letters, digits, '-', '_' or '.'"
        ));
    }
    Ok(())
}

/// A host is a hostname, an IPv4 address or a bracketed IPv6 address, with
/// an optional `:port`.
pub fn validate_host(host: &str) -> Result<(), String> {
    let bad = || format!("{host:?} is not a hostname or IP address with an optional :port");
    if host.is_empty() {
        return Err("host is required".into());
    }
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let end = rest.find(']').ok_or_else(bad)?;
        let addr = &rest[..end];
        addr.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?;
        (None, rest[end + 1..].strip_prefix(':'))
    } else {
        match host.rsplit_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(host), None),
        }
    };
    if let Some(p) = port {
        match p.parse::<u16>() {
            Ok(n) if n > 0 => {}
            _ => return Err(format!("port {p:?} must be 1 to 65535")),
        }
    }
    if let Some(name) = name {
        let labels_ok = !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !labels_ok {
            return Err(bad());
        }
    }
    Ok(())
}

/// The three VOSS instances of an AudioCodes connection.
pub fn instance_names(name: &str) -> [String; 3] {
    [
        format!("SyncAudioCodes__{name}"),
        format!("PurgeAudioCodes__{name}"),
        format!("ScheduleAudioCodes__{name}"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn hosts() {
        for ok in [
            "arm.example.com",
            "10.0.0.5:8443",
            "[::1]:9000",
            "localhost",
            "a-b.c",
        ] {
            assert!(validate_host(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "arm example",
            "http://arm",
            "arm:0",
            "arm:99999",
            "-a.com",
            "[zz]:1",
        ] {
            assert!(validate_host(bad).is_err(), "{bad}");
        }
    }
    #[test]
    fn names() {
        assert!(validate_name("arm-east_1.lab").is_ok());
        assert!(validate_name("a b").is_err());
        assert!(validate_name("_x").is_err());
        assert_eq!(instance_names("x")[1], "PurgeAudioCodes__x");
    }
}
