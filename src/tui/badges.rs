//! The marks a connection carries wherever it is named on screen: a red
//! TLS OFF when `insecure_skip_verify` is set, and RO in its own colour
//! when the connection is read-only.

use super::component::Ctx;
use super::data::ConnInfo;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

fn info<'a>(ctx: &'a Ctx, name: &str) -> Option<&'a ConnInfo> {
    ctx.connections.iter().find(|c| c.name == name)
}

/// The badges of connection `name`, each with a space before it.
pub fn badges(ctx: &Ctx, name: &str) -> Vec<Span<'static>> {
    let t = &ctx.theme;
    let mut out = Vec::new();
    if let Some(c) = info(ctx, name) {
        if c.insecure {
            out.push(Span::raw(" "));
            out.push(Span::styled(" TLS OFF ", t.tls_off()));
        }
        if c.read_only {
            out.push(Span::raw(" "));
            out.push(Span::styled(" RO ", t.read_only()));
        }
    }
    out
}

/// `name` followed by its badges.
pub fn named(ctx: &Ctx, name: &str) -> Vec<Span<'static>> {
    let mut spans = vec![Span::raw(name.to_string())];
    spans.extend(badges(ctx, name));
    spans
}

/// For a narrow table cell: the name itself in its badge's colour (TLS
/// off outranks read-only).
pub fn name_marked(ctx: &Ctx, name: &str) -> Span<'static> {
    let t = &ctx.theme;
    let style = match info(ctx, name) {
        Some(c) if c.insecure => t.tls_off(),
        Some(c) if c.read_only => t.read_only(),
        _ => Style::default(),
    };
    Span::styled(name.to_string(), style)
}

/// The badges of the connection a job's target names ("lab" or
/// "lab: CM 1"); none when it names no connection.
pub fn of_target(ctx: &Ctx, target: &str) -> Vec<Span<'static>> {
    badges(ctx, target.split_once(": ").map_or(target, |(c, _)| c))
}

/// A job's target with the badges of the connection it names.
pub fn target(ctx: &Ctx, target: &str) -> Line<'static> {
    let mut spans = vec![Span::raw(target.to_string())];
    spans.extend(of_target(ctx, target));
    Line::from(spans)
}

/// A pane title led by the connection of `vendor` the tab acts on (the
/// first), with its badges: " lp-main  TLS OFF  · rest".
pub fn title(ctx: &Ctx, vendor: crate::domain::vendor::Vendor, rest: &str) -> Line<'static> {
    let Some(c) = ctx.first_connection(vendor) else {
        return Line::raw(rest.to_string());
    };
    let mut spans = vec![Span::raw(" ")];
    spans.extend(named(ctx, &c.name));
    spans.push(Span::raw(format!(" ·{rest}")));
    Line::from(spans)
}
