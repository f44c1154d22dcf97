//! TLS against a private CA: the simulator serves a leaf certificate signed
//! by a self-signed CA made here. Verification is on by default (refused),
//! `ca_file` trusts the CA (works), `insecure_skip_verify` works and is
//! marked wherever the connection is listed.

use crate::common;
use common::*;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use std::path::{Path, PathBuf};

struct Pki {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

/// A CA and a leaf for 127.0.0.1 and localhost, as PEM files in `dir`.
fn private_ca(dir: &Path) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Switchboard test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();

    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf_params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "arm.test");
    let leaf = leaf_params.signed_by(&leaf_key, &ca, &ca_key).unwrap();

    let pki = Pki {
        ca: dir.join("ca.pem"),
        cert: dir.join("leaf.pem"),
        key: dir.join("leaf.key"),
    };
    std::fs::write(&pki.ca, ca.pem()).unwrap();
    std::fs::write(&pki.cert, leaf.pem()).unwrap();
    std::fs::write(&pki.key, leaf_key.serialize_pem()).unwrap();
    pki
}

/// Three connections to the same HTTPS ARM: verified against the system's
/// roots only, against `ca_file`, and not verified at all.
fn config(dir: &Path, addr: &str, ca: &Path) -> PathBuf {
    let conn = |name: &str, extra: &str| {
        format!(
            r#"
[[audiocodes]]
name = "{name}"
host = "{addr}"
scheme = "https"
username = "svc-lab"
password = "lab-password"
page_size = 10
{extra}
"#
        )
    };
    write_config(
        dir,
        &format!(
            "{}{}{}{}",
            config_head(&dir.join("s.db"), 5),
            conn("default-roots", ""),
            conn("private-ca", &format!("ca_file = \"{}\"", ca.display())),
            conn("no-verify", "insecure_skip_verify = true"),
        ),
    )
}

#[test]
fn a_private_ca_is_trusted_only_through_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let pki = private_ca(dir.path());
    let sim = SimProcess::with_args(
        dir.path(),
        &lab_scenario(25),
        &[
            "--tls-cert".as_ref(),
            pki.cert.as_os_str(),
            "--tls-key".as_ref(),
            pki.key.as_os_str(),
        ],
    );
    let cfg = config(dir.path(), &sim.addr, &pki.ca);

    // Verification is on by default: the private CA is unknown.
    let out = run(&cfg, &["connections", "test", "default-roots"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("default-roots: GET /ARM/v1/registeredUsers: cannot connect")
            && stderr.contains("UnknownIssuer"),
        "{stderr}"
    );
    let out = run(&cfg, &["sync", "audiocodes", "default-roots"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out).1);

    // ca_file trusts it: the connection works and the sync goes through.
    let out = run(&cfg, &["connections", "test", "private-ca"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let out = run(&cfg, &["sync", "audiocodes", "private-ca"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(text(&out).0.contains("added 25"), "{}", text(&out).0);

    // Skipping verification works too, and says so wherever it is listed.
    let out = run(&cfg, &["connections", "test", "no-verify"]);
    assert!(out.status.success(), "{}", text(&out).1);
    for args in [&["connections", "list"][..], &["config", "check"][..]] {
        let out = run(&cfg, args);
        let (stdout, _) = text(&out);
        let line = |name: &str| {
            stdout
                .lines()
                .find(|l| l.contains(name))
                .unwrap_or_else(|| panic!("{name} not listed: {stdout}"))
                .to_string()
        };
        assert!(line("no-verify").contains("TLS VERIFY OFF"), "{stdout}");
        assert!(!line("private-ca").contains("TLS VERIFY OFF"), "{stdout}");
        assert!(line("private-ca").contains("ca_file"), "{stdout}");
    }
}

#[test]
fn a_ca_file_that_is_not_a_certificate_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("not-a-ca.pem");
    std::fs::write(&bogus, "hello\n").unwrap();
    let cfg = config(dir.path(), "127.0.0.1:9", &bogus);
    let out = run(&cfg, &["connections", "test", "private-ca"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("private-ca") && stderr.contains("not-a-ca.pem"),
        "{stderr}"
    );
}
