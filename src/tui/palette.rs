//! The command palette: every view, every connection's jobs, the
//! inventory's tools, matched by the words typed.

use super::action::Action;
use super::component::View;
use crate::domain::job::JobKind;
use crate::domain::vendor::Vendor;

#[derive(Debug, Clone)]
pub struct PaletteItem {
    pub label: String,
    pub run: PaletteRun,
}

#[derive(Debug, Clone)]
pub enum PaletteRun {
    /// Open the view with this keymap section.
    Go(&'static str),
    Job(JobKind),
    /// Go to the view, then do the action there.
    Action(&'static str, Action),
    Quit,
}

fn item(label: impl Into<String>, run: PaletteRun) -> PaletteItem {
    PaletteItem {
        label: label.into(),
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
        item(
            "new AudioCodes connection",
            PaletteRun::Action("connections", Action::New),
        ),
        item(
            "add number range",
            PaletteRun::Action("numbers", Action::AddRange),
        ),
        item(
            "import numbers from CSV",
            PaletteRun::Action("numbers", Action::Import),
        ),
        item(
            "export numbers (current view)",
            PaletteRun::Action("numbers", Action::Export),
        ),
        item("quit", PaletteRun::Quit),
    ]);
    palette
}

/// Palette entries whose label holds every word typed, in order of the list.
pub fn palette_matches(items: &[PaletteItem], typed: &str) -> Vec<usize> {
    let words: Vec<String> = typed.split_whitespace().map(|w| w.to_lowercase()).collect();
    items
        .iter()
        .enumerate()
        .filter(|(_, it)| {
            let l = it.label.to_lowercase();
            words.iter().all(|w| l.contains(w.as_str()))
        })
        .map(|(i, _)| i)
        .collect()
}
