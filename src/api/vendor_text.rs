//! Vendor text in errors: what a problem body says, the request id a
//! server gave, cut to a length that fits a line.

use reqwest::header::HeaderMap;

pub(super) fn request_id(h: &HeaderMap, body: &[u8]) -> Option<String> {
    for name in ["x-request-id", "av-log-id"] {
        if let Some(v) = h.get(name).and_then(|v| v.to_str().ok()) {
            return Some(v.to_string());
        }
    }
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("traceId").and_then(|t| t.as_str()).map(String::from))
}

/// At most 200 characters of vendor text, with `…` where it was cut, its
/// line breaks and controls escaped: a job's error keeps the lines the
/// program laid out, and vendor text must not add any.
pub(super) fn cut(text: &str) -> String {
    const MAX: usize = 200;
    let cut = match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    };
    crate::domain::terminal_text::terminal_safe(&cut).into_owned()
}

/// What a problem body (RFC 7807, Live Platform, ARM) says, in one line.
pub fn problem_message(body: &[u8]) -> String {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        let text = String::from_utf8_lossy(body);
        return cut(text.lines().next().unwrap_or(""));
    };
    // Each part cut to a readable length: an error is one line, and a
    // vendor's `detail` may be a whole stack trace.
    let s = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .filter(|x| !x.is_empty())
            .map(cut)
    };
    let mut parts: Vec<String> = Vec::new();
    for k in [
        "title",
        "detail",
        "message",
        "Message",
        "error_description",
        "error",
    ] {
        if let Some(t) = s(k) {
            if !parts.contains(&t) {
                parts.push(t);
            }
        }
    }
    if let Some(vs) = v.get("violations").and_then(|x| x.as_array()) {
        const SHOWN: usize = 5;
        for viol in vs.iter().take(SHOWN) {
            let g = |k: &str| cut(viol.get(k).and_then(|x| x.as_str()).unwrap_or(""));
            parts.push(format!("{}: {} ({})", g("field"), g("message"), g("code")));
        }
        if vs.len() > SHOWN {
            let more = vs.len() - SHOWN;
            parts.push(crate::domain::text::count(
                more,
                "more violation",
                "more violations",
            ));
        }
    }
    // Keep the vendor's trace id: it is what their support asks for.
    if let Some(t) = s("traceId") {
        parts.push(format!("trace id {t}"));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_messages() {
        let b = br#"{"type":"t","title":"Bad Request","status":400,"detail":"x","violations":[{"field":"phoneNumber","message":"must match","code":"PATTERN"}]}"#;
        assert_eq!(
            problem_message(b),
            "Bad Request; x; phoneNumber: must match (PATTERN)"
        );
        assert_eq!(
            problem_message(b"<html>oops</html>\nmore"),
            "<html>oops</html>"
        );
        let long = format!(r#"{{"title":"Bad","detail":"{}"}}"#, "x".repeat(5000));
        let m = problem_message(long.as_bytes());
        assert!(m.starts_with("Bad; xxx") && m.ends_with("x…"), "{m}");
        assert_eq!(m.chars().count(), "Bad; ".len() + 200 + 1);
        let many: Vec<String> = (0..9)
            .map(|i| format!(r#"{{"field":"f{i}","message":"m","code":"C"}}"#))
            .collect();
        let m = problem_message(format!(r#"{{"violations":[{}]}}"#, many.join(",")).as_bytes());
        assert!(m.ends_with("f4: m (C); 4 more violations"), "{m}");
    }

    #[test]
    fn vendor_line_breaks_stay_escaped_on_one_line() {
        let b = br#"{"title":"Bad","detail":"one\nswitchboard: forged\u001b[2J"}"#;
        assert_eq!(
            problem_message(b),
            "Bad; one\\x0aswitchboard: forged\\x1b[2J"
        );
        let six: Vec<String> = (0..6)
            .map(|i| format!(r#"{{"field":"f{i}","message":"m","code":"C"}}"#))
            .collect();
        let m = problem_message(format!(r#"{{"violations":[{}]}}"#, six.join(",")).as_bytes());
        assert!(m.ends_with("; 1 more violation"), "{m}");
    }
}
