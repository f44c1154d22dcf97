//! Drawing: tabs on top, the current view, a status bar, and overlays.
//! Pure: reads the app, writes the frame (geometry the next keys need is
//! computed beforehand by `App::layout`).

use super::action::Action;
use super::app::{screen_areas, App, Overlay};
use super::component::Ctx;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(f: &mut Frame<'_>, app: &App) {
    let [top, body, status] = screen_areas(f.area());
    draw_tabs(f, app, top);
    app.current().draw(f, body, &app.ctx);
    draw_status(f, app, status);
    super::toasts::draw(f, app, body);
    match &app.overlay {
        Some(Overlay::Help(_) | Overlay::Messages(_)) => super::pager::draw(f, app),
        Some(Overlay::Palette { input, selected }) => {
            super::palette::draw(f, app, input.value(), *selected)
        }
        Some(Overlay::Confirm { message, .. }) => draw_confirm(f, app, message),
        Some(Overlay::Detail {
            title,
            lines,
            scroll,
            fix,
        }) => draw_detail(f, app, title, lines, *scroll, fix.is_some()),
        Some(Overlay::Form { form, .. }) => form.draw(f, f.area(), &app.ctx.theme),
        Some(Overlay::TypedConfirm(c)) => super::typed_confirm::draw(f, app, c),
        Some(Overlay::Quit { message, .. }) => super::quit::draw(f, app, message),
        None => {}
    }
}

fn draw_tabs(f: &mut Frame<'_>, app: &App, area: Rect) {
    let t = &app.ctx.theme;
    let mut spans = vec![Span::styled(" switchboard ", t.title()), Span::raw(" ")];
    for (i, tab) in app.views.iter().enumerate() {
        let style = if i == app.tab {
            t.tab_active()
        } else {
            t.dim()
        };
        spans.push(Span::styled(format!("{} {}", i + 1, tab.title()), style));
        spans.push(Span::raw("  "));
    }
    if app.ctx.read_only {
        spans.push(Span::styled(
            " READ-ONLY ",
            t.error().add_modifier(Modifier::REVERSED),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(f: &mut Frame<'_>, app: &App, area: Rect) {
    let ctx = &app.ctx;
    let t = &ctx.theme;
    let mut spans: Vec<Span<'_>> = Vec::new();
    for j in ctx.live.iter().take(3) {
        let progress = if j.total > 0 {
            format!(" {}/{}", j.done, j.total)
        } else {
            String::new()
        };
        let target = j.kind.target();
        spans.push(Span::styled(
            format!("⟳ {} {target}{progress}", j.kind.label()),
            t.warn(),
        ));
        spans.extend(super::badges::of_target(ctx, &target));
        spans.push(Span::raw("  "));
    }
    if ctx.live.len() > 3 {
        spans.push(Span::styled(
            format!("+{} more  ", ctx.live.len() - 3),
            t.warn(),
        ));
    }
    if ctx.live.is_empty() {
        spans.push(Span::styled("idle", t.dim()));
        spans.push(Span::raw("  "));
    }
    let section = app.current().section();
    for (action, what) in [
        (Action::Help, " help  "),
        (Action::Palette, " palette  "),
        (Action::Quit, " quit"),
    ] {
        spans.push(Span::styled(app.keymap.hint(section, action), t.title()));
        spans.push(Span::styled(what, t.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn draw_confirm(f: &mut Frame<'_>, app: &App, message: &str) {
    let area = centered(f.area(), 76, 10);
    f.render_widget(Clear, area);
    let text = format!(
        "{message}\n\n[{}] apply   [{}] cancel (Enter cancels)",
        app.keymap.hint_in("confirm", Action::Confirm),
        app.keymap.hint_in("confirm", Action::Escape)
    );
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" confirm ")
                .border_style(app.ctx.theme.warn()),
        ),
        area,
    );
}

fn draw_detail(
    f: &mut Frame<'_>,
    app: &App,
    title: &str,
    lines: &[String],
    scroll: usize,
    fixable: bool,
) {
    let area = centered(f.area(), 100, f.area().height.saturating_sub(4));
    f.render_widget(Clear, area);
    let section = app.current().section();
    let text: Vec<Line<'_>> = lines
        .iter()
        .skip(scroll)
        .map(|l| Line::raw(l.as_str()))
        .collect();
    // Wrapped: a probe's raw user or a vendor's error is one long line,
    // and its end is what the operator came to read.
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(
                    " {title} — {}/{} scroll, {}{} closes ",
                    app.keymap.hint(section, Action::Down),
                    app.keymap.hint(section, Action::Up),
                    if fixable {
                        format!("{} fixes all, ", app.keymap.hint(section, Action::Fix))
                    } else {
                        String::new()
                    },
                    app.keymap.hint(section, Action::Escape)
                ))
                .border_style(app.ctx.theme.title()),
        ),
        area,
    );
}

/// A header cell style shared by the tables.
pub fn header_style(ctx: &Ctx) -> Style {
    ctx.theme.title()
}
