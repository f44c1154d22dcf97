//! The checks shared by every table: bounds of the settings, names, secret
//! sources, TLS options and URLs, each refusal naming its file, line and key.

use super::connections::{
    HttpSettings, TlsOptions, DEFAULT_FETCH_CONCURRENCY, MAX_FETCH_CONCURRENCY,
};
use super::parse::line_of;
use super::paths::expand_home;
use super::raw::RawSecrets;
use super::secrets::{SecretEntry, SecretSettings};
use super::ConfigError;
use crate::domain::settings::InventorySettings;
use crate::secret::{Secret, SecretSource};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// What the checks need to word an error: the file, its text, its mode.
pub(super) struct Ctx<'a> {
    pub(super) file: &'a Path,
    pub(super) text: &'a str,
    pub(super) loose_permissions: bool,
    pub(super) keys: KeyPlaces,
}

/// Where the keys checked after parsing sit in the file, so that a value
/// serde accepted but the bounds refuse is reported at its own line.
#[derive(Deserialize, Default)]
pub(super) struct KeyPlaces {
    keymap_file: Option<Spanned<toml::Value>>,
    #[serde(default)]
    http: std::collections::HashMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    inventory: std::collections::HashMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    audiocodes: Vec<std::collections::HashMap<String, Spanned<toml::Value>>>,
}

/// The three keys a secret may be given by.
pub(super) struct SecretKeys {
    pub(super) literal: Option<String>,
    pub(super) env: Option<String>,
    pub(super) cmd: Option<String>,
}

impl Ctx<'_> {
    pub(super) fn err(
        &self,
        line: Option<usize>,
        key: &str,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError {
            file: self.file.to_path_buf(),
            line,
            key: key.to_string(),
            message: message.into(),
        }
    }

    pub(super) fn line(&self, name: &Spanned<String>) -> Option<usize> {
        Some(line_of(self.text, name.span().start))
    }

    /// The line of `key` in `[table]` (`audiocodes` with `Some(i)` for the
    /// i-th `[[audiocodes]]`), if the file spells it.
    pub(super) fn key_line(&self, table: &str, i: Option<usize>, key: &str) -> Option<usize> {
        let place = match (table, i) {
            ("", _) if key == "keymap_file" => self.keys.keymap_file.as_ref(),
            ("http", _) => self.keys.http.get(key),
            ("inventory", _) => self.keys.inventory.get(key),
            ("audiocodes", Some(i)) => self.keys.audiocodes.get(i).and_then(|t| t.get(key)),
            _ => None,
        };
        place.map(|v| line_of(self.text, v.span().start))
    }

    /// Settings that cannot work, or that would put a date or a timer out
    /// of range, are refused here (by `config check` and every load).
    pub(super) fn bounds(
        &self,
        http: &HttpSettings,
        inv: &InventorySettings,
    ) -> Result<(), ConfigError> {
        let range = |table: &str, key: &str, v: u64, lo: u64, hi: u64, what: &str| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(self.err(
                    self.key_line(table, None, key),
                    &format!("{table}.{key}"),
                    format!("must be {what}, not {v}"),
                ))
            }
        };
        let (day, mib, gib) = (86_400, 1 << 20, 1 << 30);
        for (key, v) in [
            ("connect_timeout_secs", http.connect_timeout_secs),
            ("request_timeout_secs", http.request_timeout_secs),
            ("job_timeout_secs", http.job_timeout_secs),
        ] {
            range("http", key, v, 1, day, "1 to 86400 seconds (a day)")?;
        }
        range(
            "http",
            "max_retries",
            http.max_retries.into(),
            0,
            10,
            "0 to 10",
        )?;
        range(
            "http",
            "max_response_bytes",
            http.max_response_bytes,
            mib,
            4 * gib,
            "1 MiB to 4 GiB (1048576 to 4294967296 bytes)",
        )?;
        for (key, v) in [
            (
                "audiocodes_cooling_duration_days",
                inv.audiocodes_cooling_duration_days,
            ),
            ("cooling_duration_days", inv.cooling_duration_days),
        ] {
            range("inventory", key, v.into(), 1, 999, "1 to 999 days")?;
        }
        range(
            "inventory",
            "cooling_guard_percent",
            inv.cooling_guard_percent.into(),
            0,
            100,
            "0 to 100",
        )?;
        // Whatever the rules above miss, the domain's own check still holds.
        inv.validate().map_err(|m| self.err(None, "inventory", m))
    }

    /// `keymap_file` must exist and be a keymap; its errors name its own
    /// file, line and binding.
    pub(super) fn keymap(&self, path: &Path) -> Result<(), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            self.err(
                self.key_line("", None, "keymap_file"),
                "keymap_file",
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        crate::tui::keymap::Keymap::check(&text).map_err(|(line, key, message)| ConfigError {
            file: path.to_path_buf(),
            line,
            key,
            message: format!("{message} (keymap_file of {})", self.file.display()),
        })
    }

    pub(super) fn unique(
        &self,
        seen: &mut std::collections::HashSet<String>,
        name: &Spanned<String>,
        table: &str,
        i: usize,
    ) -> Result<(), ConfigError> {
        let line = self.line(name);
        let name = name.get_ref();
        if !seen.insert(name.to_string()) {
            return Err(self.err(
                line,
                &format!("{table}[{i}].name"),
                format!("connection name {name:?} is used twice; names must be unique"),
            ));
        }
        Ok(())
    }

    pub(super) fn name(
        &self,
        table: &str,
        i: usize,
        name: &Spanned<String>,
    ) -> Result<String, ConfigError> {
        crate::domain::connection::validate_name(name.get_ref())
            .map_err(|m| self.err(self.line(name), &format!("{table}[{i}].name"), m))?;
        Ok(name.get_ref().clone())
    }

    /// Reads one secret's source (a literal's value; others stay
    /// unresolved). `required` secrets must be given; a literal one is
    /// refused when the file is readable by group or others.
    pub(super) fn secret(
        &self,
        table: &str,
        i: usize,
        name: &Spanned<String>,
        key: &str,
        keys: SecretKeys,
        sources: &mut Vec<SecretEntry>,
    ) -> Result<Option<Secret>, ConfigError> {
        let path = format!("{table}[{i}].{key}");
        let line = self.line(name);
        let source = SecretSource::from_keys(key, keys.literal, keys.env, keys.cmd)
            .map_err(|m| self.err(line, &path, m.to_string()))?;
        let Some(source) = source else {
            return Ok(None);
        };
        if source.is_literal() && self.loose_permissions {
            return Err(self.err(
                line,
                &path,
                format!(
                    "a literal secret in a file readable by group or others is refused; run `chmod 600 {}` or use {key}_env / {key}_cmd",
                    self.file.display()
                ),
            ));
        }
        // Only a literal is at hand now; the others are read when a job
        // needs them (an empty placeholder until then).
        let value = match &source {
            SecretSource::Literal(s) => s.clone(),
            _ => Secret::default(),
        };
        sources.push(SecretEntry {
            key: key.to_string(),
            source,
            origin: Some(self.err(line, &path, "")),
        });
        Ok(Some(value))
    }

    /// A connection's `fetch_concurrency` (pages in flight at once):
    /// the default when absent, 1 to [`MAX_FETCH_CONCURRENCY`] when given.
    pub(super) fn fetch_concurrency(
        &self,
        table: &str,
        i: usize,
        raw: Option<Spanned<i64>>,
    ) -> Result<usize, ConfigError> {
        let Some(n) = raw else {
            return Ok(DEFAULT_FETCH_CONCURRENCY);
        };
        let value = *n.get_ref();
        match usize::try_from(value) {
            Ok(ok @ 1..=MAX_FETCH_CONCURRENCY) => Ok(ok),
            _ => Err(self.err(
                Some(line_of(self.text, n.span().start)),
                &format!("{table}[{i}].fetch_concurrency"),
                format!(
                    "{value} is out of range: give 1 (one page at a time) to \
                     {MAX_FETCH_CONCURRENCY} pages in flight at once"
                ),
            )),
        }
    }

    pub(super) fn secret_settings(&self, raw: RawSecrets) -> Result<SecretSettings, ConfigError> {
        let mut s = SecretSettings::default();
        if let Some(t) = raw.command_timeout_secs {
            let line = Some(line_of(self.text, t.span().start));
            let secs = *t.get_ref();
            s.command_timeout_secs = match u64::try_from(secs) {
                Ok(ok @ 1..=3600) => ok,
                _ => {
                    return Err(self.err(
                        line,
                        "secrets.command_timeout_secs",
                        format!("{secs} is out of range: give 1 to 3600 seconds"),
                    ))
                }
            };
        }
        Ok(s)
    }

    pub(super) fn require(
        &self,
        table: &str,
        i: usize,
        name: &Spanned<String>,
        key: &str,
        value: Option<Secret>,
    ) -> Result<Secret, ConfigError> {
        value.ok_or_else(|| {
            self.err(
                self.line(name),
                &format!("{table}[{i}].{key}"),
                format!("missing secret: set {key}, {key}_env or {key}_cmd"),
            )
        })
    }

    pub(super) fn tls(
        &self,
        ca_file: Option<PathBuf>,
        insecure: bool,
        table: &str,
        i: usize,
        name: &Spanned<String>,
    ) -> Result<TlsOptions, ConfigError> {
        let ca_file = ca_file.map(expand_home);
        if let Some(ca) = &ca_file {
            if !ca.is_file() {
                return Err(self.err(
                    self.line(name),
                    &format!("{table}[{i}].ca_file"),
                    format!("no such file {}", ca.display()),
                ));
            }
        }
        Ok(TlsOptions {
            ca_file,
            insecure_skip_verify: insecure,
        })
    }

    pub(super) fn url(
        &self,
        table: &str,
        i: usize,
        name: &Spanned<String>,
        key: &str,
        url: &str,
    ) -> Result<String, ConfigError> {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && reqwest::Url::parse(url).is_ok();
        if !ok {
            return Err(self.err(
                self.line(name),
                &format!("{table}[{i}].{key}"),
                format!("{url:?} is not an http(s) URL"),
            ));
        }
        Ok(url.trim_end_matches('/').to_string())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{parse, Config, ConfigError};
    use std::path::Path;

    fn p(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("/etc/sb.toml"), text, false)
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
