//! A value the rules refuse (typed in a form, given on the command line,
//! read from a file): which field, and why in words a person can act on.

/// The `Display` is `why` alone, the words people have always read; a
/// form puts it under `field`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{why}")]
pub struct Invalid {
    /// The field (or argument) the value was given for.
    pub field: &'static str,
    pub why: String,
}

impl Invalid {
    pub fn new(field: &'static str, why: impl Into<String>) -> Invalid {
        Invalid {
            field,
            why: why.into(),
        }
    }

    /// The same refusal, for the field a caller knows it was given for
    /// (a pointer validated as a connection's `users_pointer`).
    pub fn in_field(self, field: &'static str) -> Invalid {
        Invalid { field, ..self }
    }
}

/// How many characters of a refused value an error quotes.
const QUOTED: usize = 80;

/// `text` quoted (as `{:?}`) for an error message, its first [`QUOTED`]
/// characters and then `…(N more)`: sixty bad 10 KB lines make a short
/// error, not a 600 KB one.
pub fn quoted_clip(text: &str) -> String {
    match text.char_indices().nth(QUOTED) {
        None => format!("{text:?}"),
        Some((at, _)) => {
            let more = text[at..].chars().count();
            format!("{:?}…({more} more)", &text[..at])
        }
    }
}

/// A form, a config error or a toast shows the words.
impl From<Invalid> for String {
    fn from(e: Invalid) -> String {
        e.why
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_value_is_quoted_clipped() {
        assert_eq!(quoted_clip("ab"), "\"ab\"");
        let long = "x".repeat(85);
        assert_eq!(quoted_clip(&long), format!("{:?}…(5 more)", "x".repeat(80)));
        assert_eq!(
            quoted_clip(&"é".repeat(80)),
            format!("{:?}", "é".repeat(80))
        );
    }
}
