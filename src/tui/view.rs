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

/// The smallest terminal the views are drawn in (columns, rows): every tab
/// reads whole there. Below it the screen says so, and how big it is.
pub const MIN_SIZE: (u16, u16) = (60, 20);

pub fn draw(f: &mut Frame<'_>, app: &App) {
    let screen = f.area();
    if screen.width < MIN_SIZE.0 || screen.height < MIN_SIZE.1 {
        draw_too_small(f, app, screen);
        return;
    }
    let [top, body, status] = screen_areas(screen);
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

fn draw_too_small(f: &mut Frame<'_>, app: &App, screen: Rect) {
    let text = format!(
        "This terminal is {}×{}: switchboard needs at least {}×{}. Enlarge it ({} quits).",
        screen.width,
        screen.height,
        MIN_SIZE.0,
        MIN_SIZE.1,
        app.keymap.hint(app.current().section(), Action::Quit)
    );
    let area = Rect {
        y: screen.y + screen.height / 2,
        height: screen.height - screen.height / 2,
        ..screen
    };
    f.render_widget(
        Paragraph::new(text)
            .style(app.ctx.theme.warn())
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// The tabs line. It always shows the active tab by name: when the full
/// line does not fit, the product's name goes first, then the other tabs
/// shrink to their numbers.
fn draw_tabs(f: &mut Frame<'_>, app: &App, area: Rect) {
    let t = &app.ctx.theme;
    let line = |brand: bool, others_named: bool| {
        let mut spans = Vec::new();
        if brand {
            spans.extend([Span::styled(" switchboard ", t.title()), Span::raw(" ")]);
        }
        for (i, tab) in app.views.iter().enumerate() {
            if i == app.tab {
                spans.push(Span::styled(
                    format!("{} {}", i + 1, tab.title()),
                    t.tab_active(),
                ));
            } else if others_named {
                spans.push(Span::styled(format!("{} {}", i + 1, tab.title()), t.dim()));
            } else {
                spans.push(Span::styled(format!("{}", i + 1), t.dim()));
            }
            spans.push(Span::raw("  "));
        }
        if app.ctx.read_only {
            spans.push(Span::styled(
                " READ-ONLY ",
                t.error().add_modifier(Modifier::REVERSED),
            ));
        }
        Line::from(spans)
    };
    // The two spaces after the last tab may fall off the edge.
    let slack = if app.ctx.read_only { 0 } else { 2 };
    let fits = |l: &Line<'_>| l.width() <= area.width as usize + slack;
    let chosen = [(true, true), (false, true), (true, false), (false, false)]
        .into_iter()
        .map(|(brand, named)| line(brand, named))
        .find(fits)
        .unwrap_or_else(|| line(false, false));
    f.render_widget(Paragraph::new(chosen), area);
}

/// The status bar: this dashboard's running jobs (as many as fit, at most
/// three, then "+N more"), and the keys for help, the palette and quitting,
/// which always show.
fn draw_status(f: &mut Frame<'_>, app: &App, area: Rect) {
    let ctx = &app.ctx;
    let t = &ctx.theme;
    let section = app.current().section();
    let mut keys: Vec<Span<'_>> = Vec::new();
    for (action, what) in [
        (Action::Help, " help  "),
        (Action::Palette, " palette  "),
        (Action::Quit, " quit"),
    ] {
        keys.push(Span::styled(app.keymap.hint(section, action), t.title()));
        keys.push(Span::styled(what, t.dim()));
    }
    let room = (area.width as usize).saturating_sub(Line::from(keys.clone()).width());
    let mut spans: Vec<Span<'_>> = Vec::new();
    let mut shown = 0;
    for (n, j) in ctx.live.iter().enumerate().take(3) {
        let progress = if j.total > 0 {
            format!(" {}/{}", j.done, j.total)
        } else {
            String::new()
        };
        let target = j.kind.target();
        let mut job = vec![Span::styled(
            format!("⟳ {} {target}{progress}", j.kind.label()),
            t.warn(),
        )];
        job.extend(super::badges::of_target(ctx, &target));
        job.push(Span::raw("  "));
        let rest = ctx.live.len() - n - 1;
        let more = if rest > 0 {
            format!("+{rest} more  ").len()
        } else {
            0
        };
        let width = Line::from(spans.clone()).width() + Line::from(job.clone()).width();
        if width + more > room {
            break;
        }
        spans.extend(job);
        shown += 1;
    }
    if ctx.live.len() > shown {
        spans.push(Span::styled(
            format!("+{} more  ", ctx.live.len() - shown),
            t.warn(),
        ));
    }
    if ctx.live.is_empty() {
        spans.push(Span::styled("idle", t.dim()));
        spans.push(Span::raw("  "));
    }
    spans.extend(keys);
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
    draw_question(
        f,
        app,
        " confirm ",
        message,
        ("apply", "cancel (Enter cancels)"),
        10,
    );
}

/// A yes/no question over the screen, its keys from the `confirm` section:
/// `answers` names what the confirm and the escape key do.
pub fn draw_question(
    f: &mut Frame<'_>,
    app: &App,
    title: &str,
    message: &str,
    (yes, no): (&str, &str),
    height: u16,
) {
    let area = centered(f.area(), 76, height);
    f.render_widget(Clear, area);
    let text = format!(
        "{message}\n\n[{}] {yes}   [{}] {no}",
        app.keymap.hint_in("confirm", Action::Confirm),
        app.keymap.hint_in("confirm", Action::Escape)
    );
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(title.to_string())
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
