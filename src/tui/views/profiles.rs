//! Calling Profiles: Live Platform profiles with health marks, and the
//! selected profile's trunks and SBCs as a tree; `S` switches to the
//! Services view (see `services.rs`), which this tab owns.

use super::services::Services;
use super::table_state;
use crate::domain::calling_profile::CallingProfile;
use crate::domain::job::JobKind;
use crate::domain::read_only::Writes;
use crate::domain::vendor::Vendor;
use crate::tui::action::Action;
use crate::tui::app::Command;
use crate::tui::badges;
use crate::tui::cells::cells;
use crate::tui::columns::{self, Column};
use crate::tui::component::{json_detail, Ctx, Effect, ListCursor, Taken, View};
use crate::tui::data::{Data, DataRequest, ProfileRow};
use crate::tui::filter_input::FilterInput;
use crate::tui::forms::FormPurpose;
use crate::tui::service_form;
use crate::tui::view::header_style;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// What the tab shows: all, or only profiles with problems, narrowed by
/// text.
#[derive(Debug, Default)]
pub struct ProfileFilter {
    pub problems_only: bool,
    pub text: FilterInput,
}

#[derive(Debug, Default)]
pub struct Profiles {
    pub profiles: Vec<ProfileRow>,
    /// When the profiles were last fetched.
    pub refreshed: Option<String>,
    pub filter: ProfileFilter,
    pub cursor: ListCursor,
    /// The Services view is showing (`S` toggles it).
    pub services_view: bool,
    pub services: Services,
}

const NO_LIVE_PLATFORM: &str = "no Live Platform connection is configured";

impl Profiles {
    /// The profiles the tab lists, after the problems and text filters.
    pub fn visible(&self) -> Vec<&ProfileRow> {
        self.profiles
            .iter()
            .filter(|r| !self.filter.problems_only || !r.problems.is_empty())
            .filter(|r| {
                let p = &r.profile;
                self.filter.text.matches(
                    [p.name.as_str(), p.calling_profile_id.as_str()]
                        .into_iter()
                        .chain(p.trunks_enrolled.iter().map(|t| t.trunk_fqdn.as_str())),
                )
            })
            .collect()
    }

    /// `n`: a new OC service from a lead, on the first Live Platform
    /// connection.
    fn new_service(&self, ctx: &Ctx) -> Effect {
        let Some(c) = ctx.first_connection(Vendor::LivePlatform) else {
            return Effect::error(NO_LIVE_PLATFORM);
        };
        let leads = service_form::active_leads(&self.services.leads);
        Effect::form(
            FormPurpose::CreateService {
                connection: c.name.clone(),
            },
            service_form::form(&leads),
        )
    }
}

impl View for Profiles {
    fn title(&self) -> &'static str {
        "Calling Profiles"
    }
    fn section(&self) -> &'static str {
        "profiles"
    }
    fn loads(&self) -> Vec<DataRequest> {
        vec![DataRequest::Profiles, DataRequest::Services]
    }
    fn on_data(&mut self, data: Data) -> Taken {
        match data {
            Data::Profiles(profiles, at) => {
                self.profiles = profiles;
                self.refreshed = at;
            }
            Data::Services(services, leads) => {
                self.services.services = services;
                self.services.leads = leads;
            }
            other => return Taken::NotMine(other),
        }
        Taken::Mine(vec![])
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        match action {
            Action::Services => {
                self.services_view = !self.services_view;
                return vec![];
            }
            Action::New => return vec![self.new_service(ctx)],
            // `r` refreshes from either view; the rest is the Services view's.
            _ if self.services_view => {
                let effects = self.services.handle(action, ctx);
                if action != Action::Refresh {
                    return effects;
                }
            }
            _ => {}
        }
        let len = self.visible().len();
        self.cursor.apply(action, len, ctx.page);
        let selected = self
            .visible()
            .get(self.cursor.cursor)
            .map(|r| (r.item.id.clone(), r.item.name.clone(), r.item.body.clone()));
        match action {
            Action::Refresh => {
                return match ctx.first_connection(Vendor::LivePlatform) {
                    Some(c) => vec![Effect::submit(JobKind::RefreshLivePlatform {
                        connection: c.name.clone(),
                    })],
                    None => vec![Effect::error(NO_LIVE_PLATFORM)],
                };
            }
            Action::StatusFilter => {
                self.filter.problems_only = !self.filter.problems_only;
                self.cursor.cursor = 0;
            }
            Action::Filter => self.filter.text.open(),
            Action::Escape => {
                self.filter = ProfileFilter::default();
                self.cursor.cursor = 0;
            }
            Action::Copy => {
                if let Some((id, _, _)) = selected {
                    return vec![
                        Effect::info(format!("copied {id}")),
                        Effect::Run(Command::Copy(id)),
                    ];
                }
            }
            Action::Enter => {
                if let Some((_, name, body)) = selected {
                    return vec![json_detail(&name, &body)];
                }
            }
            _ => {}
        }
        vec![]
    }

    fn writes<'a>(&'a self, action: Action, ctx: &'a Ctx) -> Writes<'a> {
        match action {
            Action::New => ctx
                .first_connection(Vendor::LivePlatform)
                .map_or(Writes::Nothing, |c| Writes::Connection(&c.name)),
            _ => Writes::Nothing,
        }
    }

    fn typing(&self) -> bool {
        self.filter.text.typing || self.services.filter.typing
    }

    fn type_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
        if self.services.filter.typing {
            return self.services.type_key(action, key);
        }
        self.filter
            .text
            .type_into_list(action, key, &mut self.cursor.cursor)
    }

    fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        if self.services_view {
            self.services.draw(f, area, ctx);
        } else {
            draw(f, self, ctx, area);
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn or_dash(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "-".into())
}

/// The list's columns: the profile's name, its trunks, validation and
/// health show; on a narrow terminal the carrier, region, emergency flag,
/// environment, id and validation give way, in that order.
const COLUMNS: [Column; 9] = [
    Column::whole("Profile", 0),
    Column::whole("Id", 4),
    Column::whole("Env", 5),
    Column::whole("Region", 7),
    Column::whole("Carrier", 8),
    Column::whole("Trunks", 0),
    Column::whole("Emrg", 6),
    Column::cut("Validation", 3, 14, 40),
    Column::whole("Health", 0),
];

/// One cell per column of `COLUMNS`.
fn profile_cells<'a>(ctx: &Ctx, r: &ProfileRow) -> Vec<Line<'a>> {
    let t = &ctx.theme;
    let p = &r.profile;
    let validation: Vec<String> = p
        .offer_names()
        .iter()
        .map(|o| {
            let v = p.validation.get(*o).cloned().flatten();
            format!("{o}:{}", v.as_deref().unwrap_or("-"))
        })
        .collect();
    let health = if r.problems.is_empty() {
        Span::styled("ok", t.ok())
    } else {
        Span::styled(format!("⚠ {}", r.problems.len()), t.warn())
    };
    vec![
        Line::raw(p.name.clone()),
        Line::raw(p.calling_profile_id.clone()),
        Line::raw(or_dash(&p.environment)),
        Line::raw(or_dash(&p.region)),
        Line::raw(or_dash(&p.carrier)),
        Line::raw(p.trunks_enrolled.len().to_string()),
        Line::raw(if p.is_emergency_profile { "yes" } else { "" }),
        Line::raw(validation.join(" ")),
        Line::from(health),
    ]
}

fn draw(f: &mut Frame<'_>, view: &Profiles, ctx: &Ctx, area: Rect) {
    let t = &ctx.theme;
    let visible = view.visible();
    // Side by side from 140 columns; below, the profile under the list
    // (full width: its ids and trunk names are not broken).
    let [left, right] = if area.width >= 140 {
        Layout::horizontal([Constraint::Percentage(64), Constraint::Percentage(36)]).areas(area)
    } else {
        let list = cells(visible.len())
            .saturating_add(3)
            .clamp(5, (area.height / 2).max(5));
        Layout::vertical([Constraint::Length(list), Constraint::Min(3)]).areas(area)
    };
    let rows: Vec<Vec<Line<'_>>> = visible.iter().map(|r| profile_cells(ctx, r)).collect();
    let at = view.refreshed.clone().unwrap_or_else(|| "never".into());
    let mut filters = Vec::new();
    if view.filter.problems_only {
        filters.push("problems only".to_string());
    }
    filters.extend(view.filter.text.label());
    let inner = left.width.saturating_sub(2);
    let counted = format!(
        " Calling profiles {}/{}{}",
        visible.len(),
        view.profiles.len(),
        if filters.is_empty() {
            String::new()
        } else {
            format!(" [{}]", filters.join(", "))
        }
    );
    // The longest title that fits: the refresh time and the hint give way.
    let at = columns::stamp(&at);
    let title = [
        format!("{counted} · refreshed {at} · f problems "),
        format!("{counted} · refreshed {at} "),
    ]
    .into_iter()
    .map(|rest| badges::title(ctx, Vendor::LivePlatform, &rest))
    .find(|l| l.width() <= inner as usize)
    .unwrap_or_else(|| badges::title(ctx, Vendor::LivePlatform, &format!("{counted} ")));
    let table = columns::table(&COLUMNS, rows, inner, header_style(ctx))
        .row_highlight_style(t.selected())
        .block(Block::default().borders(Borders::ALL).title(title));
    let mut state = table_state(view.cursor.cursor, visible.len());
    f.render_stateful_widget(table, left, &mut state);

    let lines = match visible.get(view.cursor.cursor) {
        Some(r) => detail_lines(ctx, r),
        None if view.profiles.is_empty() => vec![Line::styled(
            "No calling profiles stored yet: press r to fetch them from Live Platform.",
            t.dim(),
        )],
        None => vec![Line::styled(
            "No profile matches the filter (Esc clears it).",
            t.dim(),
        )],
    };
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" profile — Enter for JSON "),
        ),
        right,
    );
}

fn detail_lines<'a>(ctx: &Ctx, r: &'a ProfileRow) -> Vec<Line<'a>> {
    let t = &ctx.theme;
    let p: &CallingProfile = &r.profile;
    let mut id_line = vec![Span::styled(
        format!("{} · {}", p.calling_profile_id, r.connection),
        t.dim(),
    )];
    id_line.extend(badges::badges(ctx, &r.connection));
    let mut lines = vec![
        Line::styled(p.name.clone(), t.title()),
        Line::from(id_line),
        Line::raw(format!(
            "environment {}  region {}  carrier {}  emergency-only {}  emergency profile {}",
            or_dash(&p.environment),
            or_dash(&p.region),
            or_dash(&p.carrier),
            if p.is_emergency_profile { "yes" } else { "no" },
            or_dash(&p.emergency_profile_id)
        )),
    ];
    for m in &r.problems {
        lines.push(Line::styled(format!("⚠ {m}"), t.warn()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Trunks enrolled", t.title()));
    for tr in &p.trunks_enrolled {
        lines.push(Line::raw(format!("├ {}  ({})", tr.trunk_fqdn, tr.trunk_id)));
        if tr.matching_sbc_list.is_empty() {
            lines.push(Line::styled("│   └ no matching SBC", t.warn()));
        }
        for sbc in &tr.matching_sbc_list {
            lines.push(Line::raw(format!("│   └ {}", sbc.label())));
        }
    }
    if p.trunks_enrolled.is_empty() {
        lines.push(Line::styled("  none", t.warn()));
    }
    if !p.additional_sbc_list.is_empty() {
        lines.push(Line::styled("Additional SBCs", t.title()));
        for sbc in &p.additional_sbc_list {
            lines.push(Line::raw(format!("  {}", sbc.label())));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Offer types", t.title()));
    for o in &p.offer_types {
        let val = p
            .validation
            .get(&o.offer_type_name)
            .cloned()
            .flatten()
            .unwrap_or_else(|| "-".into());
        lines.push(Line::from(vec![
            Span::raw(format!("{:<18} ", o.offer_type_name)),
            Span::styled(val.clone(), t.status(&val)),
            Span::raw(format!(
                "  test numbers: {}",
                if o.test_numbers.is_empty() {
                    "none".into()
                } else {
                    o.test_numbers.join(", ")
                }
            )),
        ]));
    }
    let dial: Vec<&str> = p
        .emergency_dial_strings
        .iter()
        .map(String::as_str)
        .filter(|d| !d.is_empty())
        .collect();
    lines.push(Line::raw(format!(
        "emergency dial strings: {}",
        if dial.is_empty() {
            "none".into()
        } else {
            dial.join(", ")
        }
    )));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::remote::RemoteItem;
    use crate::tui::component::testing::{connection, ctx, submitted, toasts};
    use crate::tui::data::profile_rows;
    use crossterm::event::{KeyCode, KeyModifiers};

    /// Three profiles of connection `lp`; `emea-2` has no trunk (a problem).
    fn view() -> Profiles {
        let profile = |id: &str, name: &str, trunk: Option<&str>| {
            let trunks: Vec<serde_json::Value> = trunk
                .into_iter()
                .map(|t| serde_json::json!({"trunkId": "t", "trunkFqdn": t, "matchingSbcList": []}))
                .collect();
            (
                "lp".to_string(),
                RemoteItem {
                    id: id.into(),
                    parent: String::new(),
                    name: name.into(),
                    body: serde_json::json!({"callingProfileId": id, "name": name, "trunksEnrolled": trunks}),
                },
            )
        };
        let rows = profile_rows(vec![
            profile("p-1", "US East", Some("sbc1.us.example.com")),
            profile("p-2", "EMEA", None),
            profile("p-3", "US West", Some("sbc2.us.example.com")),
        ]);
        let mut v = Profiles::default();
        assert!(matches!(
            v.on_data(Data::Profiles(rows, None)),
            Taken::Mine(_)
        ));
        v
    }

    fn names(v: &Profiles) -> Vec<&str> {
        v.visible()
            .iter()
            .map(|r| r.profile.name.as_str())
            .collect()
    }

    #[test]
    fn the_filter_narrows_by_name_or_trunk_and_escape_clears_it() {
        let ctx = ctx(vec![]);
        let mut v = view();
        v.handle(Action::Bottom, &ctx);
        v.handle(Action::Filter, &ctx);
        assert!(v.typing());
        for c in "us".chars() {
            v.type_key(None, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        assert_eq!(names(&v), ["US East", "US West"]);
        assert_eq!(v.cursor.cursor, 0, "typing starts from the top");
        v.type_key(
            Some(Action::Enter),
            KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
        );
        assert!(!v.typing());
        v.filter.text.input = tui_input::Input::new("sbc2".into());
        assert_eq!(names(&v), ["US West"], "a trunk's address matches too");
        v.handle(Action::Escape, &ctx);
        assert_eq!(names(&v).len(), 3);
    }

    #[test]
    fn f_shows_only_the_profiles_with_problems() {
        let ctx = ctx(vec![]);
        let mut v = view();
        v.handle(Action::StatusFilter, &ctx);
        assert!(v.filter.problems_only);
        assert!(names(&v).contains(&"EMEA"));
        assert!(v.visible().iter().all(|r| !r.problems.is_empty()));
    }

    #[test]
    fn refresh_and_new_need_a_live_platform_connection() {
        let none = ctx(vec![connection("arm", Vendor::AudioCodes)]);
        let mut v = view();
        for action in [Action::Refresh, Action::New] {
            assert_eq!(
                toasts(&v.handle(action, &none)),
                ["no Live Platform connection is configured"]
            );
        }
        let lp = ctx(vec![connection("lp", Vendor::LivePlatform)]);
        assert_eq!(
            submitted(&v.handle(Action::Refresh, &lp)),
            [&JobKind::RefreshLivePlatform {
                connection: "lp".into()
            }]
        );
        assert!(matches!(
            v.handle(Action::New, &lp).as_slice(),
            [Effect::Form(FormPurpose::CreateService { connection }, _)] if connection == "lp"
        ));
        assert_eq!(v.writes(Action::New, &lp), Writes::Connection("lp"));
    }

    #[test]
    fn the_services_view_copies_the_customer_guid() {
        let ctx = ctx(vec![]);
        let mut v = view();
        v.on_data(Data::Services(
            vec![(
                "lp".into(),
                serde_json::json!({"UmpCustomerGuid": "g-1", "CustomerShortName": "acme"}),
            )],
            vec![],
        ));
        v.handle(Action::Services, &ctx);
        assert!(matches!(
            v.handle(Action::Copy, &ctx).as_slice(),
            [Effect::Run(Command::Copy(id))] if id == "g-1"
        ));
        assert!(matches!(
            v.handle(Action::Enter, &ctx).as_slice(),
            [Effect::Detail { title, .. }] if title == "acme"
        ));
        v.handle(Action::Services, &ctx);
        assert!(matches!(
            v.handle(Action::Copy, &ctx).as_slice(),
            [Effect::Toast(..), Effect::Run(Command::Copy(id))] if id == "p-1"
        ));
    }

    #[test]
    fn the_services_view_has_its_own_filter() {
        let ctx = ctx(vec![]);
        let mut v = view();
        v.on_data(Data::Services(
            vec![
                (
                    "lp".into(),
                    serde_json::json!({"UmpCustomerGuid": "g-1", "CustomerShortName": "acme"}),
                ),
                (
                    "lp".into(),
                    serde_json::json!({"UmpCustomerGuid": "g-2", "CustomerShortName": "globex"}),
                ),
            ],
            vec![],
        ));
        v.handle(Action::Services, &ctx);
        v.handle(Action::Filter, &ctx);
        assert!(v.typing() && v.services.filter.typing);
        // `n` creates a service elsewhere; `S` switches views: here, text.
        for c in "glonS".chars() {
            assert!(v
                .type_key(None, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
                .is_empty());
        }
        assert!(v.services_view);
        v.type_key(
            Some(Action::Escape),
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
        );
        assert!(
            !v.typing() && v.services.visible().len() == 2,
            "Esc drops the text"
        );
        v.handle(Action::Filter, &ctx);
        for c in "glo".chars() {
            v.type_key(None, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        v.type_key(
            Some(Action::Enter),
            KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
        );
        assert!(!v.typing());
        assert!(matches!(
            v.handle(Action::Copy, &ctx).as_slice(),
            [Effect::Run(Command::Copy(id))] if id == "g-2"
        ));
        v.handle(Action::Escape, &ctx);
        assert_eq!(v.services.visible().len(), 2);
    }
}
