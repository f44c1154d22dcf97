//! Colours, or none: NO_COLOR turns every colour off and keeps emphasis.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }
    pub fn selected(&self) -> Style {
        if self.color {
            Style::default()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    pub fn tab_active(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// A connection whose TLS certificates are not checked.
    pub fn tls_off(&self) -> Style {
        self.badge(Color::Red)
    }
    /// A read-only connection.
    pub fn read_only(&self) -> Style {
        self.badge(Color::Magenta)
    }
    /// White on `bg`; reversed without colour, so a badge still stands out.
    fn badge(&self, bg: Color) -> Style {
        let style = if self.color {
            Style::default().bg(bg).fg(Color::White)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        };
        style.add_modifier(Modifier::BOLD)
    }
    pub fn marked(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }
    /// Status words of the inventory and of vendor APIs.
    pub fn status(&self, s: &str) -> Style {
        match s.to_ascii_uppercase().as_str() {
            "USED" | "SUCCESS" | "ACTIVE" | "COMPLETED" | "SUCCEEDED" | "PASSED" | "APPLIED" => {
                self.ok()
            }
            "COOLING" | "IN_PROGRESS" | "INPROGRESS" | "QUEUED" | "RUNNING" | "PENDING_DELETE"
            | "NOTRUN" | "PREVIEW" | "PARTIAL" | "STALE" => self.warn(),
            "FAILED" | "TIMEOUT_FAILED" | "NEEDS_ACTION" | "DISABLED" | "CANCELLED" | "GUARDED" => {
                self.error()
            }
            "RESERVED" => self.fg(Color::Magenta),
            "AVAILABLE" | "INACTIVE" => self.fg(Color::Blue),
            _ => Style::default(),
        }
    }
}
