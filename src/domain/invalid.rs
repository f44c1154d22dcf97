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

/// A form, a config error or a toast shows the words.
impl From<Invalid> for String {
    fn from(e: Invalid) -> String {
        e.why
    }
}
