//! Settings that cannot work, or that would put a date or a timer out of
//! range, are refused by `config check` and by every command that loads the
//! config, each with file, line and key (issue 15).

use crate::common;
use common::*;

/// `config check` on `text`: (exit code, stderr with the path as CONFIG).
fn check(text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = write_config(dir.path(), text);
    let out = run(&p, &["config", "check"]);
    let (_, stderr) = text_of(&out);
    (
        out.status.code().unwrap_or(-1),
        stderr.replace(&p.display().to_string(), "CONFIG"),
    )
}

fn text_of(o: &std::process::Output) -> (String, String) {
    common::text(o)
}

const ARM: &str = "[[audiocodes]]\nname = \"arm1\"\nhost = \"127.0.0.1:9\"\nscheme = \"http\"\nusername = \"u\"\npassword = \"p\"\n";

fn refused(text: &str, expected: &str) {
    let (code, err) = check(text);
    assert_eq!(code, 1, "{text}\n{err}");
    assert!(
        err.contains(expected),
        "{text}\nwanted {expected:?} in:\n{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

/// The scene: `schedule = "100000000d"` passed `config check`,
/// `worker --once` panicked on `DateTime + TimeDelta` and exited 0 (the
/// sweep of that round skipped), and `tui` panicked and left a blank
/// screen. Now the config is refused at its line by all three, before a
/// store is opened or the terminal taken.
#[test]
fn a_huge_schedule_is_refused_by_check_worker_and_tui() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let text = format!(
        "{}{ARM}schedule = \"100000000d\"\nschedule_enabled = true\n",
        config_head(&store, 1)
    );
    let p = write_config(dir.path(), &text);
    let line = text
        .lines()
        .position(|l| l.starts_with("schedule ="))
        .unwrap()
        + 1;
    let want = format!(
        "switchboard: CONFIG:{line}: key `audiocodes[0].schedule`: \"100000000d\" is longer than a year (365d at most)"
    );
    for args in [
        &["config", "check"][..],
        &["worker", "--once"],
        &["worker", "--once"],
        &["tui"],
    ] {
        let out = bin()
            .arg("--config")
            .arg(&p)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let (stdout, stderr) = text_of(&out);
        let stderr = stderr.replace(&p.display().to_string(), "CONFIG");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end(), want, "{args:?}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: nothing drawn: {stdout:?}");
    }
    assert!(!store.exists(), "refused before the store was opened");
    // A year is the most; it is accepted.
    let ok = format!("{}{ARM}schedule = \"365d\"\n", config_head(&store, 1));
    assert_eq!(check(&ok).0, 0);
}

#[test]
fn http_settings_that_cannot_work_are_refused_at_their_line() {
    for (setting, key, what) in [
        (
            "request_timeout_secs = 0",
            "http.request_timeout_secs",
            "must be 1 to 86400 seconds (a day), not 0",
        ),
        (
            "connect_timeout_secs = 0",
            "http.connect_timeout_secs",
            "must be 1 to 86400 seconds (a day), not 0",
        ),
        (
            "job_timeout_secs = 0",
            "http.job_timeout_secs",
            "must be 1 to 86400 seconds (a day), not 0",
        ),
        (
            "job_timeout_secs = 9223372036854775807",
            "http.job_timeout_secs",
            "must be 1 to 86400 seconds",
        ),
        (
            "max_response_bytes = 0",
            "http.max_response_bytes",
            "must be 1 MiB to 4 GiB",
        ),
        (
            "max_response_bytes = 1048575",
            "http.max_response_bytes",
            "must be 1 MiB to 4 GiB",
        ),
        ("max_retries = 1000", "http.max_retries", "must be 0 to 10"),
    ] {
        refused(
            &format!("store_path = \"/nonexistent/s.db\"\n[http]\n{setting}\n"),
            &format!("CONFIG:3: key `{key}`: {what}"),
        );
    }
    // The dotted form is found at its line too.
    refused(
        "read_only = true\nhttp.job_timeout_secs = 0\n",
        "CONFIG:2: key `http.job_timeout_secs`: must be 1 to 86400",
    );
    // The smallest working values are fine.
    let (code, err) = check("[http]\nrequest_timeout_secs = 1\nconnect_timeout_secs = 1\njob_timeout_secs = 1\nmax_response_bytes = 1048576\n");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn inventory_and_page_size_ranges_are_refused_at_their_line() {
    refused(
        "[inventory]\ncooling_guard_min = 3\ncooling_duration_days = 1000\n",
        "CONFIG:3: key `inventory.cooling_duration_days`: must be 1 to 999 days, not 1000",
    );
    refused(
        "[inventory]\naudiocodes_cooling_duration_days = 0\n",
        "CONFIG:2: key `inventory.audiocodes_cooling_duration_days`: must be 1 to 999 days, not 0",
    );
    refused(
        "[inventory]\ncooling_guard_percent = 101\n",
        "CONFIG:2: key `inventory.cooling_guard_percent`: must be 0 to 100, not 101",
    );
    refused(
        &format!("{ARM}page_size = 0\n"),
        "CONFIG:7: key `audiocodes[0].page_size`: must be 1 to 5000, not 0",
    );
}

/// A negative integer was reported with the value as the key (``key `-1` ``).
#[test]
fn a_negative_integer_names_its_key() {
    refused(
        "[http]\nmax_retries = 1\nrequest_timeout_secs = -1\n",
        "CONFIG:3: key `http.request_timeout_secs`: invalid value: integer `-1`",
    );
    refused(
        &format!("{ARM}{ARM}page_size = -5\n"),
        "CONFIG:13: key `audiocodes[1].page_size`: invalid value: integer `-5`",
    );
    refused(
        "[inventory]\ncooling_duration_days = -1\n",
        "CONFIG:2: key `inventory.cooling_duration_days`: invalid value: integer `-1`",
    );
}

/// A duplicate connection name had no line number.
#[test]
fn a_duplicate_name_has_its_line() {
    let two = format!(
        "{ARM}[[axp]]\nname = \"arm1\"\nbase_url = \"https://x.example\"\naccount_id = \"ABCDEF\"\nclient_id = \"c\"\nclient_secret = \"s\"\napp_key = \"k\"\n"
    );
    refused(
        &two,
        "CONFIG:8: key `axp[0].name`: connection name \"arm1\" is used twice",
    );
}

/// `keymap_file` was not checked: a missing or bad keymap passed `config
/// check`, and the dashboard failed later.
#[test]
fn the_keymap_file_must_exist_and_parse() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-keymap.toml");
    refused(
        &format!(
            "read_only = false\nkeymap_file = \"{}\"\n",
            missing.display()
        ),
        &format!(
            "CONFIG:2: key `keymap_file`: cannot read {}: No such file",
            missing.display()
        ),
    );
    let km = dir.path().join("keys.toml");
    std::fs::write(&km, "[global]\n\"x\" = \"quit\"\n\"y\" = \"explode\"\n").unwrap();
    refused(
        &format!("keymap_file = \"{}\"\n", km.display()),
        &format!(
            "{}:3: key `global.\"y\"`: unknown variant `explode`",
            km.display()
        ),
    );
    std::fs::write(&km, "[global]\n\"nosuchkey\" = \"quit\"\n").unwrap();
    refused(
        &format!("keymap_file = \"{}\"\n", km.display()),
        &format!(
            "{}:2: key `global.\"nosuchkey\"`: unknown key",
            km.display()
        ),
    );
    std::fs::write(&km, "[global\n").unwrap();
    refused(
        &format!("keymap_file = \"{}\"\n", km.display()),
        &format!("{}:1: ", km.display()),
    );
    std::fs::write(&km, "[global]\n\"x\" = \"quit\"\n").unwrap();
    let (code, err) = check(&format!("keymap_file = \"{}\"\n", km.display()));
    assert_eq!(code, 0, "{err}");
}

/// `users_path` without a leading `/` failed at run time ("invalid port
/// number"); `@otherhost/...` sent the requests (and the password) to
/// another host.
#[test]
fn users_path_must_be_a_path_on_the_configured_host() {
    for bad in [
        "ARM/v1/registeredUsers",
        "@otherhost.example/ARM/v1/registeredUsers",
        "//otherhost.example/ARM/v1/registeredUsers",
        "/ARM/v1/users@otherhost",
        "https://otherhost.example/ARM",
    ] {
        refused(
            &format!("{ARM}users_path = \"{bad}\"\n"),
            &format!("CONFIG:7: key `audiocodes[0].users_path`: \"{bad}\" must be an absolute path on the host"),
        );
    }
    let (code, err) = check(&format!(
        "{ARM}users_path = \"/ARM/v1/registeredUsers?x=1\"\n"
    ));
    assert_eq!(code, 0, "{err}");
}

/// `SWITCHBOARD_NOW` far in the future made dates computed from it
/// unwritable; it must be a time in 1970..=9000.
#[test]
fn a_fixed_now_out_of_range_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_config(dir.path(), "read_only = false\n");
    let out = bin()
        .env("SWITCHBOARD_NOW", "9999-12-31T23:59:59Z")
        .arg("--config")
        .arg(&p)
        .args(["config", "check"])
        .output()
        .unwrap();
    let (_, err) = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("SWITCHBOARD_NOW=\"9999-12-31T23:59:59Z\" is out of range"),
        "{err}"
    );
}

/// The dashboard's connection form refuses the same users paths (it saved
/// `@otherhost/...` before: a path without `/` was all it checked).
#[test]
fn the_connection_form_refuses_a_users_path_off_the_host() {
    use switchboard::domain::connection::AudioCodesSpec;
    use switchboard::domain::connection_spec::ConnectionSpec;
    use switchboard::tui::connection_form::{form, validate};
    let kept = vec!["password".to_string()];
    for (path, ok) in [
        ("/ARM/v1/registeredUsers", true),
        ("@otherhost.example/ARM/v1/registeredUsers", false),
        ("//otherhost.example/ARM", false),
        ("/ARM/v1/users@otherhost", false),
    ] {
        let spec = ConnectionSpec::AudioCodes(AudioCodesSpec {
            name: "arm-east".into(),
            host: "arm.example.com".into(),
            username: "svc".into(),
            users_path: path.into(),
            ..AudioCodesSpec::default()
        });
        let errors = validate(&form(&spec, &kept, true), &[], &kept);
        let on_path: Vec<_> = errors.iter().filter(|e| e.field == "users_path").collect();
        assert_eq!(on_path.is_empty(), ok, "{path}: {errors:?}");
        if !ok {
            assert!(
                on_path[0].message.contains("absolute path on the host"),
                "{errors:?}"
            );
        }
    }
}
