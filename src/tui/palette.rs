//! The command palette: the open view's commands first, then the global
//! ones (help, message log, tabs), every other view's commands, every
//! connection's jobs and the inventory's tools, each with its key, ranked
//! by a fuzzy match of what is typed (`nucleo-matcher`, as in helix).

use super::action::Action;
use super::app::App;
use super::component::View;
use super::help::{self, Group};
use super::view::centered;
use crate::domain::job::JobKind;
use crate::domain::vendor::Vendor;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};
use ratatui::Frame;

#[derive(Debug, Clone)]
pub struct PaletteItem {
    pub label: String,
    /// The key that does the same on its view (empty for none).
    pub key: String,
    pub run: PaletteRun,
}

#[derive(Debug, Clone)]
pub enum PaletteRun {
    /// Open the view with this keymap section.
    Go(&'static str),
    Job(JobKind),
    /// Go to the view, then do the action there.
    Action(&'static str, Action),
    /// A global action, on the open view.
    Global(Action),
    Quit,
}

fn item(label: impl Into<String>, run: PaletteRun) -> PaletteItem {
    PaletteItem {
        label: label.into(),
        key: String::new(),
        run,
    }
}

/// The palette for these views and connections (name, vendor).
pub fn palette_for(views: &[Box<dyn View>], connections: &[(String, Vendor)]) -> Vec<PaletteItem> {
    let mut palette: Vec<PaletteItem> = views
        .iter()
        .map(|v| item(format!("go {}", v.title()), PaletteRun::Go(v.section())))
        .collect();
    for (name, vendor) in connections {
        let connection = name.clone();
        match *vendor {
            Vendor::AudioCodes => {
                let sync = |dry_run| {
                    PaletteRun::Job(JobKind::SyncAudioCodes {
                        connection: connection.clone(),
                        dry_run,
                        force: false,
                    })
                };
                palette.push(item(format!("sync {name}"), sync(false)));
                palette.push(item(format!("preview {name}"), sync(true)));
            }
            Vendor::LivePlatform => palette.push(item(
                format!("refresh {name}"),
                PaletteRun::Job(JobKind::RefreshLivePlatform {
                    connection: connection.clone(),
                }),
            )),
            _ => palette.push(item(
                format!("refresh {name}"),
                PaletteRun::Job(JobKind::RefreshVoice {
                    connection: connection.clone(),
                }),
            )),
        }
        palette.push(item(
            format!("test {name}"),
            PaletteRun::Job(JobKind::TestConnection { connection }),
        ));
    }
    palette.extend([
        item(
            "sweep (release overdue cooling numbers)",
            PaletteRun::Job(JobKind::Sweep),
        ),
        item(
            "audit number inventory",
            PaletteRun::Job(JobKind::Audit { fix: false }),
        ),
        item("quit", PaletteRun::Quit),
    ]);
    palette
}

impl PaletteItem {
    /// The view an entry acts on, if it is a view's command.
    pub fn run_section(&self) -> Option<&'static str> {
        match self.run {
            PaletteRun::Action(s, _) | PaletteRun::Go(s) => Some(s),
            _ => None,
        }
    }
}

/// The palette's entries for the app as it is: the open view's commands
/// (what its help lists to act and select), the global ones, the other
/// views' commands (named with their view), then `jobs` (the
/// connections' jobs and the tools, `App::palette`).
pub fn entries(app: &App) -> Vec<PaletteItem> {
    let km = &app.keymap;
    let open = app.current().section();
    let commands = |view: &dyn View, suffix: bool| {
        let section = view.section();
        help::entries(km, section, "")
            .into_iter()
            .filter(|e| matches!(e.group, Group::Act | Group::Select))
            .filter(|e| !matches!(e.action, Action::Filter | Action::Escape))
            .map(move |e| PaletteItem {
                label: if suffix {
                    format!("{} — {}", e.what, view.title())
                } else {
                    e.what.to_string()
                },
                key: km.hint(section, e.action),
                run: PaletteRun::Action(section, e.action),
            })
            .collect::<Vec<_>>()
    };
    let mut out = commands(app.current(), false);
    let global = |label: &str, action: Action| PaletteItem {
        label: label.into(),
        key: km.hint(open, action),
        run: PaletteRun::Global(action),
    };
    out.push(global("help: the keys of this view", Action::Help));
    out.push(global(
        "messages: the message log of this session",
        Action::Messages,
    ));
    out.push(global("dismiss the messages on screen", Action::Dismiss));
    let tabs = [
        Action::Tab1,
        Action::Tab2,
        Action::Tab3,
        Action::Tab4,
        Action::Tab5,
    ];
    for (i, v) in app.views.iter().enumerate() {
        out.push(PaletteItem {
            label: format!("go {}", v.title()),
            key: tabs.get(i).map_or(String::new(), |a| km.hint(open, *a)),
            run: PaletteRun::Go(v.section()),
        });
    }
    for v in app.views.iter().filter(|v| v.section() != open) {
        out.extend(commands(v.as_ref(), true));
    }
    out.extend(
        app.palette
            .iter()
            .filter(|p| !matches!(p.run, PaletteRun::Go(_)))
            .map(|p| PaletteItem {
                key: if matches!(p.run, PaletteRun::Quit) {
                    km.hint(open, Action::Quit)
                } else {
                    p.key.clone()
                },
                ..p.clone()
            }),
    );
    out
}

/// The entries matching what is typed, best first: a fuzzy match of every
/// word (letters in order, not necessarily together), ranked by the
/// matcher's score, ties in the list's order. All of them when nothing is
/// typed.
pub fn palette_matches(items: &[PaletteItem], typed: &str) -> Vec<usize> {
    let pattern = Pattern::new(
        typed,
        CaseMatching::Ignore,
        Normalization::Never,
        AtomKind::Fuzzy,
    );
    if pattern.atoms.is_empty() {
        return (0..items.len()).collect();
    }
    // A label that starts with what is typed ranks above one that holds it
    // further in (`purge` before `delete … purged first`).
    let mut config = Config::DEFAULT;
    config.prefer_prefix = true;
    let mut matcher = Matcher::new(config);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| {
            let score = pattern.score(Utf32Str::new(&it.label, &mut buf), &mut matcher)?;
            Some((score, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// Draws the palette: what is typed, the matches with their keys, or "no
/// match".
pub fn draw(f: &mut Frame<'_>, app: &App, typed: &str, selected: usize) {
    let t = &app.ctx.theme;
    let area = centered(f.area(), 76, 18);
    f.render_widget(Clear, area);
    let [input, list] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
    f.render_widget(
        Paragraph::new(format!(":{typed}▏")).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" command — Enter runs, Esc closes "),
        ),
        input,
    );
    let items = entries(app);
    let found = palette_matches(&items, typed);
    let block = Block::default()
        .borders(Borders::ALL)
        .title_bottom(Line::raw(format!(" {} of {} ", found.len(), items.len())).right_aligned());
    if found.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled("no match", t.dim())).block(block),
            list,
        );
        return;
    }
    let width = list.width.saturating_sub(2) as usize;
    let rows: Vec<ListItem<'_>> = found
        .into_iter()
        .map(|i| {
            let it = &items[i];
            let key = &it.key;
            let room = width.saturating_sub(key.chars().count() + 2);
            let label: String = if it.label.chars().count() > room {
                let cut: String = it.label.chars().take(room.saturating_sub(1)).collect();
                format!("{cut}…")
            } else {
                it.label.clone()
            };
            let pad = width.saturating_sub(label.chars().count() + key.chars().count());
            ListItem::new(Line::from(vec![
                Span::raw(label),
                Span::raw(" ".repeat(pad)),
                Span::styled(key.clone(), t.title()),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(selected));
    f.render_stateful_widget(
        List::new(rows).highlight_style(t.selected()).block(block),
        list,
        &mut state,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::Keymap;
    use crate::tui::theme::Theme;

    fn app_on(tab: Action) -> App {
        let conns = vec![
            ("arm-east".to_string(), Vendor::AudioCodes),
            ("lp".to_string(), Vendor::LivePlatform),
        ];
        let mut app = App::new(
            Keymap::load(None).unwrap(),
            Theme { color: false },
            false,
            &conns,
        );
        app.update(tab);
        app
    }

    fn best(app: &App, typed: &str) -> (String, String) {
        let items = entries(app);
        let found = palette_matches(&items, typed);
        let it = &items[*found
            .first()
            .unwrap_or_else(|| panic!("no match for {typed:?}"))];
        (it.label.clone(), it.key.clone())
    }

    #[test]
    fn the_issues_missing_commands_are_found_with_their_keys() {
        let app = app_on(Action::Tab1);
        assert!(best(&app, "purge").0.starts_with("purge"));
        assert_eq!(best(&app, "purge").1, "P");
        assert_eq!(best(&app, "delete").1, "D");
        assert!(best(&app, "delete").0.contains("connection"));
        assert!(best(&app, "help").0.starts_with("help"));
        assert_eq!(best(&app, "help").1, "?");
        assert_eq!(best(&app, "log").1, "M");
        assert!(best(&app, "messages").0.starts_with("messages"));
        // The Calling Profiles tab's services and leads, from any tab.
        let (label, key) = best(&app, "services");
        assert!(label.contains("services and leads"), "{label}");
        assert_eq!(key, "S");
        assert!(best(&app, "leads").0.contains("leads"));
        assert_eq!(best(&app, "sync arm-east").0, "sync arm-east");
        assert_eq!(best(&app, "go jobs").0, "go Jobs");
    }

    #[test]
    fn the_open_views_commands_come_first() {
        // On Voice, delete is the item's; on Connections, the connection's.
        let voice = app_on(Action::Tab4);
        let (label, key) = best(&voice, "delete");
        assert!(
            label.contains("AXP item") && !label.contains(" — "),
            "{label}"
        );
        assert_eq!(key, "D");
        let items = entries(&voice);
        assert_eq!(items[0].run_section(), Some("voice"));
    }

    #[test]
    fn ranking_is_fuzzy_best_first_and_says_when_nothing_matches() {
        let app = app_on(Action::Tab2);
        // Letters in order, not together.
        assert!(best(&app, "rls").0.starts_with("release"));
        assert!(best(&app, "exprt").0.starts_with("export"));
        // A tighter match ranks above a looser one further up the list.
        let items = entries(&app);
        let found = palette_matches(&items, "quit");
        assert_eq!(items[found[0]].label, "quit");
        assert!(palette_matches(&items, "zzzq").is_empty());
        assert_eq!(palette_matches(&items, "  ").len(), items.len());
    }
}
