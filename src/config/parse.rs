//! Reading config text: TOML errors located at their line and key, then
//! every table checked (see `validate` and `vendors`) into a [`Config`].

use super::paths::{default_log_dir, default_store_path, expand_home};
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

    Ok(Config {
        file: Some(file.to_path_buf()),
        store_path: raw
            .store_path
            .map(expand_home)
            .unwrap_or_else(default_store_path),
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
    use std::time::Duration;

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

    #[test]
    fn missing_secret_says_how_to_give_it() {
        let e = p("[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\n").unwrap_err();
        assert_eq!(e.key, "audiocodes[0].password");
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("password_env"), "{e}");
    }

    #[test]
    fn literal_secret_in_loose_file_is_refused_but_env_is_fine() {
        let text = "[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword = \"s3cret-xyz\"\n";
        let e = parse(Path::new("/etc/sb.toml"), text, true).unwrap_err();
        assert!(e.message.contains("chmod 600 /etc/sb.toml"), "{e}");
        assert!(!e.to_string().contains("s3cret-xyz"));
        std::env::set_var("SB_TEST_PW_ENV", "from-env");
        let ok = parse(Path::new("/etc/sb.toml"), "[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword_env = \"SB_TEST_PW_ENV\"\n", true).unwrap();
        // Read only when a job needs it.
        assert_eq!(ok.audiocodes[0].password.expose(), "");
        assert!(!ok.audiocodes[0].secrets_resolved);
        let a = ok.audiocodes[0].with_secrets(&ok.secrets).unwrap();
        assert_eq!(a.password.expose(), "from-env");
        assert!(a.secrets_resolved);
    }

    #[test]
    fn secrets_are_not_resolved_when_the_file_is_read() {
        let text = "[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword_env = \"SB_TEST_SURELY_UNSET\"\n[[axp]]\nname = \"x\"\nbase_url = \"https://x\"\naccount_id = \"ABCDEF\"\nclient_id = \"c\"\nclient_secret_cmd = \"exit 7\"\napp_key = \"k\"\n";
        let c = p(text).unwrap();
        let e = c.audiocodes[0].with_secrets(&c.secrets).unwrap_err();
        assert_eq!(e.connection, "a");
        assert_eq!(e.key, "password");
        assert!(
            e.to_string().starts_with("connection `a`: /etc/sb.toml:2: key `audiocodes[0].password`: cannot resolve secret: environment variable SB_TEST_SURELY_UNSET"),
            "{e}"
        );
        let e = c.axp[0].with_secrets(&c.secrets).unwrap_err();
        assert!(e.to_string().contains("key `axp[0].client_secret`"), "{e}");
        assert_eq!(c.check_secrets().len(), 2);
    }

    #[test]
    fn secret_command_timeout_is_a_setting_in_range() {
        let c = p("[secrets]\ncommand_timeout_secs = 3\n").unwrap();
        assert_eq!(c.secrets.command_timeout(), Duration::from_secs(3));
        assert_eq!(p("").unwrap().secrets.command_timeout_secs, 10);
        let e = p("read_only = false\n[secrets]\ncommand_timeout_secs = 0\n").unwrap_err();
        assert_eq!(e.key, "secrets.command_timeout_secs");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn names_must_be_unique_and_safe() {
        let e = p(
            "[[audiocodes]]\nname = \"a b\"\nhost = \"h\"\nusername = \"u\"\npassword = \"p\"\n",
        )
        .unwrap_err();
        assert_eq!(e.key, "audiocodes[0].name");
        let two = "[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword = \"p\"\n[[axp]]\nname = \"a\"\nbase_url = \"https://x\"\naccount_id = \"ABCDEF\"\nclient_id = \"c\"\nclient_secret = \"s\"\napp_key = \"k\"\n";
        assert!(p(two).unwrap_err().message.contains("used twice"));
    }

    #[test]
    fn bad_values_are_refused() {
        let e = p("[[axp]]\nname = \"x\"\nbase_url = \"https://x\"\naccount_id = \"ABC\"\nclient_id = \"c\"\nclient_secret = \"s\"\napp_key = \"k\"\n").unwrap_err();
        assert!(e.message.contains("six letters"), "{e}");
        let e = p("[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword = \"p\"\nschedule = \"5 parsecs\"\n").unwrap_err();
        assert_eq!(e.key, "audiocodes[0].schedule");
        let e = p("[inventory]\naudiocodes_cooling_duration_days = 0\n").unwrap_err();
        assert_eq!(e.key, "inventory.audiocodes_cooling_duration_days");
        assert_eq!(e.line, Some(2));
    }
}
