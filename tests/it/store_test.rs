//! The store file: private, and readable by a second process while the
//! first holds a write transaction.

use crate::common;
use common::*;
use std::os::unix::fs::PermissionsExt;
use switchboard::domain::job::JobKind;
use switchboard::store::Store;

#[test]
fn store_is_private_and_a_second_process_reads_while_the_first_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/s.db");
    let cfg = write_config(dir.path(), &demo_config("127.0.0.1:9", &db));
    let store = Store::open(&db).unwrap();
    assert_eq!(
        std::fs::metadata(&db).unwrap().permissions().mode() & 0o777,
        0o600
    );
    store.insert_job("job-before", &JobKind::Sweep).unwrap();

    // Hold a write transaction open in this process...
    let writer = Store::open(&db).unwrap();
    let tx = writer.conn_for_tests();
    tx.execute_batch("BEGIN IMMEDIATE; INSERT INTO settings(key, value) VALUES ('k', 'v');")
        .unwrap();
    // ...while another process reads.
    let out = run(&cfg, &["jobs"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("sweep"), "{stdout}");
    tx.execute_batch("COMMIT").unwrap();
    assert_eq!(store.setting("k").unwrap().as_deref(), Some("v"));
}
