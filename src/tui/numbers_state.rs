//! The Numbers tab's state: the query, the cursor, and the window of rows
//! loaded around it. Windows are asked for by keyset (from a row already on
//! hand), so scrolling a million rows costs what scrolling a hundred does.

use super::data::{DataRequest, NumberSummary, NumbersPage};
use super::filter_input::FilterInput;
use crate::domain::number::InventoryItem;
use crate::store::events::NumberEvent;
use crate::store::number_query::{NumberQuery, Seek};
use std::collections::BTreeSet;

/// The Numbers detail pane: number, row, history, where else it is seen.
pub type NumberDetail = (String, Option<InventoryItem>, Vec<NumberEvent>, Vec<String>);

#[derive(Debug, Default)]
pub struct NumbersState {
    pub query: NumberQuery,
    /// The `/` filter (its text becomes `query.text` as it is typed).
    pub filter: FilterInput,
    pub cursor: usize,
    /// First row on screen.
    pub scroll: usize,
    pub page: Option<NumbersPage>,
    /// The query's exact count, once known.
    pub total: Option<usize>,
    pub summary: Option<NumberSummary>,
    pub marks: BTreeSet<String>,
    /// A range being marked (Shift+movement or `mark_range`).
    pub range: crate::tui::views::marks::Range,
    /// `*` asked for every row: mark them when the whole list comes.
    pub mark_all_pending: bool,
    pub detail: Option<NumberDetail>,
    /// `G` pressed before the count was known: go to the last row when the
    /// last window comes.
    pub to_last: bool,
}

impl NumbersState {
    /// The loaded row at `index` of the current query's order.
    pub fn row(&self, index: usize) -> Option<&InventoryItem> {
        let p = self.page.as_ref().filter(|p| p.query == self.query)?;
        index
            .checked_sub(p.window.offset)
            .and_then(|i| p.window.rows.get(i))
    }

    /// How far the cursor may go: the count, or while it is being counted,
    /// the rows seen so far and one more (reaching it loads the next ones).
    pub fn extent(&self) -> usize {
        if let Some(t) = self.total {
            return t;
        }
        self.page
            .as_ref()
            .filter(|p| p.query == self.query)
            .map(|p| p.window.offset + p.window.rows.len() + usize::from(!p.window.at_end))
            .unwrap_or(0)
    }

    /// Whether the rows on screen are still on their way.
    pub fn waiting(&self, viewport: usize) -> bool {
        let end = (self.scroll + viewport).min(self.extent());
        self.page.as_ref().is_none_or(|p| p.query != self.query)
            || (self.scroll..end).any(|i| self.row(i).is_none())
    }

    /// A new query: back to the top, nothing known yet.
    pub fn restart(&mut self, viewport: usize) -> DataRequest {
        self.cursor = 0;
        self.scroll = 0;
        self.total = None;
        self.to_last = false;
        self.reload(viewport)
    }

    fn request(&self, seek: Seek, start: usize, end: usize) -> DataRequest {
        DataRequest::Numbers {
            query: self.query.clone(),
            seek,
            limit: end.saturating_sub(start).max(1),
        }
    }

    /// Keeps the cursor on screen after it moved.
    pub fn follow_cursor(&mut self, viewport: usize) {
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + viewport {
            self.scroll = self.cursor + 1 - viewport;
        }
    }

    /// The window to ask for when the loaded one does not comfortably cover
    /// the screen: a viewport above and below, read from the nearest row on
    /// hand. None when nothing needs loading.
    pub fn load(&self, viewport: usize) -> Option<DataRequest> {
        let v = viewport.max(10);
        let extent = self.extent();
        let covered =
            |from: usize, to: usize| (from..to.min(extent)).all(|i| self.row(i).is_some());
        if covered(self.scroll.saturating_sub(v / 2), self.scroll + v + v / 2) {
            return None;
        }
        Some(self.reload(viewport))
    }

    /// The window around the screen, whatever is loaded (after a change).
    pub fn reload(&self, viewport: usize) -> DataRequest {
        let v = viewport.max(10);
        let start = self.scroll.saturating_sub(v);
        let end = self.scroll + 2 * v;
        let page = self
            .page
            .as_ref()
            .filter(|p| p.query == self.query && !p.window.rows.is_empty());
        let Some(w) = page.map(|p| &p.window) else {
            return self.request(Seek::First, 0, end);
        };
        let (first, loaded_end) = (w.offset, w.offset + w.rows.len());
        if start == 0 {
            return self.request(Seek::First, 0, end);
        }
        if self.total.is_some_and(|t| end >= t) && start > loaded_end {
            return self.request(Seek::Last, start, end);
        }
        if start > first && start <= loaded_end {
            let at = start - 1;
            let seek = Seek::After {
                key: w.keys[at - first].clone(),
                index: at,
                skip: 0,
            };
            return self.request(seek, start, end);
        }
        if start > loaded_end {
            let seek = Seek::After {
                key: w.keys[w.rows.len() - 1].clone(),
                index: loaded_end - 1,
                skip: start - loaded_end,
            };
            return self.request(seek, start, end);
        }
        // Above the loaded rows: read backwards from the loaded row nearest
        // to the window's end.
        let at = end.clamp(first, loaded_end - 1);
        let (skip, until) = if end <= at { (at - end, end) } else { (0, at) };
        let seek = Seek::Before {
            key: w.keys[at - first].clone(),
            index: at,
            skip,
        };
        self.request(seek, start, until)
    }

    /// Takes a window; returns a further request when the cursor must move
    /// (the list got shorter, or `G` waited for the count).
    pub fn on_page(&mut self, page: NumbersPage, viewport: usize) -> Option<DataRequest> {
        if page.query != self.query {
            return None; // an older filter's answer: the newest wins
        }
        if let Some(t) = page.total {
            self.total = Some(t);
        } else if page.window.at_end {
            self.total = Some(page.window.offset + page.window.rows.len());
        }
        let last_window = page.window.at_end;
        self.page = Some(page);
        if self.to_last && last_window {
            self.to_last = false;
            self.cursor = self.extent().saturating_sub(1);
            self.follow_cursor(viewport);
            return self.load(viewport);
        }
        let extent = self.extent();
        if extent > 0 && self.cursor >= extent {
            self.cursor = extent - 1;
            self.follow_cursor(viewport);
            return self.load(viewport);
        }
        if extent == 0 {
            self.cursor = 0;
            self.scroll = 0;
        }
        None
    }

    pub fn on_total(&mut self, query: NumberQuery, total: usize) {
        if query == self.query {
            self.total = Some(total);
        }
    }

    /// `G`: the last row, at once if the count is known, else when the last
    /// window (which brings the count) comes.
    pub fn go_last(&mut self, viewport: usize) -> Option<DataRequest> {
        match self.total {
            Some(t) => {
                self.cursor = t.saturating_sub(1);
                self.follow_cursor(viewport);
                self.load(viewport)
            }
            None => {
                self.to_last = true;
                let v = viewport.max(10);
                Some(self.request(Seek::Last, 0, 3 * v))
            }
        }
    }
}
