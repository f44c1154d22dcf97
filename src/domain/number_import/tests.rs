use super::*;

fn bad_lines(e: &ImportError) -> Vec<(usize, String)> {
    match e {
        ImportError::BadLines(b) => b.shown().iter().map(|(n, e)| (*n, e.to_string())).collect(),
        other => panic!("not bad lines: {other}"),
    }
}

#[test]
fn bare_numbers_and_clear_errors() {
    let items = parse_import("+1 555 123 0001\n4021\n").unwrap();
    assert_eq!(items[1].number, "4021");
    assert_eq!(items[1].status, Status::Available);
    let e = parse_import("number,status\n+15551230001,Used\n+1555x,Used\n").unwrap_err();
    assert_eq!(bad_lines(&e)[0].0, 3, "{e}");
    assert!(e.to_string().starts_with("1 bad line\n  line 3:"), "{e}");
    let e = parse_import("number,status\n+15551230001,Cooling\n").unwrap_err();
    assert!(e.to_string().contains("without a release_date"), "{e}");
    let e = parse_import("+15551230001\n+15551230001\n").unwrap_err();
    assert!(e.to_string().contains("twice (first on line 1)"), "{e}");
}

#[test]
fn an_unknown_column_is_named_with_the_known_ones() {
    let e = parse_import("\nnumber,colour\n+15551230001,red\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2: unknown column \"colour\"; the columns are number, status, usage, vendor, tag, \
         release_date, connection, registered_user, last_seen"
    );
    let e = parse_import("number,Tag,TAG\n").unwrap_err();
    assert_eq!(e.to_string(), "line 1: column \"tag\" is named twice");
    assert_eq!(parse_import("").unwrap_err(), ImportError::Empty);
    assert_eq!(parse_import("\n  \n").unwrap_err(), ImportError::Empty);
}

#[test]
fn headers_in_any_case_and_order_and_the_seen_columns_are_ignored() {
    let text = "Last_Seen,TAG, Number ,Connection,registered_user,Status\n\
                2026-11-20T10:00:00Z,east,+15551230001,lab,u1,used\n";
    let items = parse_import(text).unwrap();
    assert_eq!(
        items,
        vec![InventoryItem {
            status: Status::Used,
            tag: "east".into(),
            ..InventoryItem::available("+15551230001")
        }]
    );
}

#[test]
fn quoted_fields_bom_and_crlf() {
    let text = "\u{feff}number,tag,status\r\n\
                +15551230001,\"a, \"\"b\"\"\r\nc\",Used\r\n\
                +15551230002,plain,Available\r\n\
                \r\n\
                +15551230003,\"x\",\r\n";
    let items = parse_import(text).unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].tag, "a, \"b\"\r\nc");
    assert_eq!(items[1].tag, "plain");
    assert_eq!(items[2].tag, "x");
    assert_eq!(items[2].status, Status::Available);
}

#[test]
fn line_numbers_are_the_files_own() {
    // The first row spans lines 2 to 4; a blank line 6 is skipped.
    let text = "number,tag\n+15551230001,\"one\ntwo\nthree\"\n+15551230002,x\n\nbad,y\n";
    let e = parse_import(text).unwrap_err();
    assert_eq!(bad_lines(&e)[0].0, 7, "{e}");
    let text = "number,tag\n+15551230001,\"a\nb\"\n+15551230001,c\n";
    let e = parse_import(text).unwrap_err();
    assert_eq!(
        bad_lines(&e),
        vec![(
            4,
            "+15551230001 appears twice (first on line 2)".to_string()
        )]
    );
}

#[test]
fn free_text_loses_the_formula_guard_and_tags_keep_their_spaces() {
    let text = "number,usage,vendor,tag\n+15551230001, '@x , '-y,\"'=1+1 \"\n\
                +15551230002,,,'plain\n+15551230003,,,=raw\n+15551230004,,,''=x\n";
    let items = parse_import(text).unwrap();
    assert_eq!(items[0].usage, "@x");
    assert_eq!(items[0].vendor, "-y");
    assert_eq!(items[0].tag, "=1+1 ");
    assert_eq!(items[1].tag, "'plain");
    assert_eq!(items[2].tag, "=raw");
    assert_eq!(items[3].tag, "'=x");
}

#[test]
fn an_export_reads_back() {
    let items = vec![
        InventoryItem {
            status: Status::Cooling,
            usage: "-User".into(),
            vendor: "@Vendor".into(),
            tag: "=1,\"2\"\r\nthree\n'@four, ünï".into(),
            release_date: Some("2026-11-24".parse().unwrap()),
            ..InventoryItem::available("+15551230001")
        },
        InventoryItem::available("4021"),
        InventoryItem {
            tag: "\t".into(),
            ..InventoryItem::available("+442071234567")
        },
    ];
    let mut buf = Vec::new();
    let mut w = crate::domain::number_io::ExportWriter::start(&mut buf, false).unwrap();
    for i in &items {
        w.row(i).unwrap();
    }
    w.finish().unwrap();
    let back = parse_import(std::str::from_utf8(&buf).unwrap()).unwrap();
    assert_eq!(back, items);
}

#[test]
fn a_quote_left_open_is_named() {
    let e = parse_import("number,tag\n+15551230001,\"open\n+15551230002,x\n").unwrap_err();
    assert_eq!(
        bad_lines(&e),
        vec![(
            2,
            "a quoted field is not closed (it runs to the end of the file)".to_string()
        )]
    );
    // Closed at the very end of the file, without a line end: fine.
    let items = parse_import("number,tag\n+15551230001,\"two\nlines\"").unwrap();
    assert_eq!(items[0].tag, "two\nlines");
}

#[test]
fn more_than_fifty_bad_lines_are_counted() {
    let mut text = String::from("number\n");
    for i in 0..60 {
        text.push_str(&format!("bad{i}\n"));
    }
    let e = parse_import(&text).unwrap_err();
    let shown = e.to_string();
    assert!(shown.starts_with("60 bad lines\n  line 2: "), "{shown}");
    assert!(shown.contains("\n  line 51: "), "{shown}");
    assert!(!shown.contains("\n  line 52: "), "{shown}");
    assert!(shown.ends_with("\n  and 10 more"), "{shown}");
}

#[test]
fn not_utf8_is_a_bad_line() {
    let mut bytes = b"number,tag\n+15551230001,ok\n+15551230002,".to_vec();
    bytes.extend([0xff, 0xfe, b'\n']);
    bytes.extend(b"+15551230003,ok\n");
    let mut reader = ImportReader::new(&bytes[..]).unwrap();
    let mut lines = Vec::new();
    while let Some(line) = reader.next_line().unwrap() {
        lines.push(line);
    }
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1], Line::Bad(3, LineError::NotUtf8));
    assert!(matches!(&lines[2], Line::Row(i) if i.number == "+15551230003"));
    assert_eq!(reader.bytes_read(), u64::try_from(bytes.len()).unwrap());
}

#[test]
fn keys_tell_numbers_apart() {
    let numbers = ["+12", "+012", "12", "012", "+999999999999999", "999999"];
    let keys: std::collections::HashSet<u64> = numbers.iter().map(|n| key(n)).collect();
    assert_eq!(keys.len(), numbers.len());
}

#[test]
fn crlf_files_keep_their_line_numbers_and_inner_line_breaks() {
    let text = "number,tag\r\n+15551230001,\"a\r\nb\"\r\n\r\n+15551230002,\"end\r\"\r\nbad,x\r\n";
    let e = parse_import(text).unwrap_err();
    assert_eq!(bad_lines(&e)[0].0, 6, "{e}");
    let items = parse_import(&text.replace("bad,x\r\n", "")).unwrap();
    assert_eq!(items[0].tag, "a\r\nb");
    assert_eq!(items[1].tag, "end\r");
    // The same tag in a file with LF line ends.
    let items = parse_import("number,tag\n+15551230002,\"end\r\"\n").unwrap();
    assert_eq!(items[0].tag, "end\r");
    // A last line without a line end, after blank lines.
    let e = parse_import("number\r\n+15551230001\r\n\r\n\r\nbad").unwrap_err();
    assert_eq!(bad_lines(&e)[0].0, 5, "{e}");
}

#[test]
fn a_quote_left_open_in_a_big_file_stops_at_the_record_limit() {
    // A quote opened on line 3, then 2 MB of lines: one record that would
    // hold the rest of the file; refused once it passes the limit.
    let mut text = String::from("number,tag\n+15551230001,ok\n+15551230002,\"open\n");
    let line = "+15551230003,plain tag of a line\n";
    while (text.len() as u64) < 2 * MAX_RECORD {
        text.push_str(line);
    }
    let e = parse_import(&text).unwrap_err();
    assert_eq!(e, ImportError::RecordTooLong(3), "{e}");
    assert_eq!(
        e.to_string(),
        "line 3: a record runs on past 1 MB (an unclosed quote?)"
    );
    // Just under the limit, the same quote is read to the end of the file
    // and called what it is.
    let mut text = String::from("number,tag\n+15551230002,\"open\n");
    while (text.len() as u64) < MAX_RECORD / 2 {
        text.push_str(line);
    }
    let e = parse_import(&text).unwrap_err();
    assert!(e.to_string().contains("not closed"), "{e}");
}

#[test]
fn bad_values_are_quoted_clipped() {
    let long = "9".repeat(10_000);
    let mut text = String::from("number,status,release_date\n");
    for _ in 0..60 {
        text.push_str(&format!("+1{long},Used,\n+15551230001,{long},\n"));
    }
    let e = parse_import(&text).unwrap_err().to_string();
    assert!(e.len() < 60 * 300, "{} bytes", e.len());
    assert!(
        e.contains(&format!("\"+1{}\"…(9922 more)", "9".repeat(78))),
        "{e:.400}"
    );
    assert!(
        e.contains(&format!(
            "unknown status \"{}\"…(9920 more)",
            "9".repeat(80)
        )),
        "{e:.400}"
    );
}
