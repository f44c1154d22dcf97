//! Reading config text: TOML errors located at their line and key, then
//! every table checked (see `validate` and `vendors`) into a [`Config`].

use super::paths::{default_export_dir, default_log_dir, default_store_path, expand_home};
use super::raw::RawConfig;
use super::validate::Ctx;
use super::{Config, ConfigError};
use crate::domain::vendor::Vendor;
use std::path::Path;

/// `key` as written on the line at `at`, prefixed with the table it is in
/// (`http.job_timeout_secs`, `audiocodes[1].page_size`).
fn qualified(text: &str, at: usize, key: &str) -> String {
    let mut table = String::new();
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for l in text[..at].lines().map(str::trim) {
        if let Some(name) = l.strip_prefix("[[").and_then(|l| l.split_once("]]")) {
            let name = name.0.trim().to_string();
            let n = counts.entry(name.clone()).or_insert(0);
            table = format!("{name}[{n}]");
            *n += 1;
        } else if let Some(name) = l.strip_prefix('[').and_then(|l| l.split_once(']')) {
            table = name.0.trim().to_string();
        }
    }
    if table.is_empty() {
        key.to_string()
    } else {
        format!("{table}.{key}")
    }
}

pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Parses config text. `loose_permissions` says the file can be read by
/// group or others, which forbids literal secrets in it.
pub fn parse(file: &Path, text: &str, loose_permissions: bool) -> Result<Config, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let key = e
            .span()
            .map(|s| {
                // A bad value (`page_size = -1`) is reported at the value:
                // the key is what stands before `=` on its line.
                let start = s.start.min(text.len());
                let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
                match text[line_start..start].find('=') {
                    Some(eq) => {
                        qualified(text, line_start, text[line_start..line_start + eq].trim())
                    }
                    None => text[s.clone()]
                        .split(['=', '\n'])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                }
            })
            .filter(|k| !k.is_empty() && k.len() < 80 && !k.starts_with('['))
            .unwrap_or_default();
        ConfigError {
            file: file.to_path_buf(),
            line,
            key,
            message: e.message().trim().to_string(),
        }
    })?;
    let cx = Ctx {
        file,
        text,
        loose_permissions,
        keys: toml::from_str(text).unwrap_or_default(),
    };

    // Settings first: a value out of range is reported before any secret
    // of a connection is resolved.
    cx.bounds(&raw.http, &raw.inventory)?;
    let keymap_file = raw.keymap_file.map(expand_home);
    if let Some(k) = &keymap_file {
        cx.keymap(k)?;
    }

    let mut seen = std::collections::HashSet::new();
    let mut audiocodes = Vec::new();
    for (i, r) in raw.audiocodes.into_iter().enumerate() {
        let name = r.name.clone();
        let c = cx.audiocodes(i, r)?;
        cx.unique(&mut seen, &name, Vendor::AudioCodes.as_str(), i)?;
        audiocodes.push(c);
    }
    let mut live_platform = Vec::new();
    for (i, r) in raw.live_platform.into_iter().enumerate() {
        let name = r.name.clone();
        let c = cx.live_platform(i, r)?;
        cx.unique(&mut seen, &name, Vendor::LivePlatform.as_str(), i)?;
        live_platform.push(c);
    }
    let mut axp = Vec::new();
    for (i, r) in raw.axp.into_iter().enumerate() {
        let name = r.name.clone();
        let c = cx.axp(i, r)?;
        cx.unique(&mut seen, &name, Vendor::Axp.as_str(), i)?;
        axp.push(c);
    }
    let secrets = cx.secret_settings(raw.secrets)?;

    let store_path = raw
        .store_path
        .map(expand_home)
        .unwrap_or_else(default_store_path);
    Ok(Config {
        file: Some(file.to_path_buf()),
        export_dir: raw
            .export_dir
            .map(expand_home)
            .unwrap_or_else(|| default_export_dir(&store_path)),
        store_path,
        log_dir: raw.log_dir.map(expand_home).unwrap_or_else(default_log_dir),
        keymap_file,
        read_only: raw.read_only,
        mouse: raw.mouse,
        inventory: raw.inventory,
        http: raw.http,
        secrets,
        audiocodes,
        live_platform,
        axp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ArmAuthMethod;

    fn p(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("/etc/sb.toml"), text, false)
    }

    #[test]
    fn minimal_audiocodes_block_parses_with_defaults() {
        let c = p("[[audiocodes]]\nname = \"arm1\"\nhost = \"arm.example.com:8443\"\nusername = \"u\"\npassword = \"p\"\n").unwrap();
        let a = &c.audiocodes[0];
        assert_eq!(a.base_url(), "https://arm.example.com:8443");
        assert_eq!(a.auth, ArmAuthMethod::Basic);
        assert_eq!(a.page_size, 500);
        assert_eq!(c.inventory.audiocodes_cooling_duration_days, 2);
        assert_eq!(c.inventory.cooling_duration_days, 30);
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let e = p("read_only = false\n[[audiocodes]\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.to_string().starts_with("/etc/sb.toml:2: "), "{e}");
    }

    #[test]
    fn unknown_key_is_named() {
        let e = p("[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword = \"p\"\npasword = \"x\"\n").unwrap_err();
        assert_eq!(e.line, Some(6), "{e}");
        assert!(e.to_string().contains("pasword"), "{e}");
    }
}
