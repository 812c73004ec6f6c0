//! The table a person edits, read from the TOML text itself (not from the validated scenario),
//! so that the table still shows what is written when a number is out of range; and the
//! mapping of the core's diagnostics to the cell or row that caused them.

use std::collections::BTreeMap;
use std::ops::Range;

use detente_core::Diagnostic;
use detente_core::diag::LineIndex;
use serde::Serialize;
use toml_edit::{Document, Item, Key, TableLike};

/// Where in the table something is: an actor's or an issue's row, and a field of it. An
/// actor's position or salience also names the issue (the column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Target {
    /// The actor's id, for a cell of the actors' table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The issue's id: an issue's row, or the column of a position or salience.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// `None` for the row as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The table view of a scenario text: what the page's tables show.
#[derive(Debug, Serialize)]
pub struct View {
    /// `[scenario].name`, when the text gives one.
    pub title: Option<String>,
    /// One row per `[[issue]]`, in file order.
    pub issues: Vec<IssueRow>,
    /// One row per `[[actor]]`, in file order.
    pub actors: Vec<ActorRow>,
    /// One row per `[[policy]]`, in file order.
    pub policies: Vec<PolicyRow>,
    /// Whether the text has a `[war]` section.
    pub has_war: bool,
}

/// Cell texts are what the file says: numbers and distributions as written in TOML
/// (`{ triangular = [30, 40, 60] }`), names without quotes. Empty means absent.
#[derive(Debug, Serialize)]
pub struct IssueRow {
    /// The `id` text.
    pub id: String,
    /// The `name` text.
    pub name: String,
    /// What the low end of the scale means.
    pub low: String,
    /// What the high end of the scale means.
    pub high: String,
    /// The `scale` text, `[low, high]`.
    pub scale: String,
    /// The `status_quo` text.
    pub status_quo: String,
}

/// An actor's row; cell texts as in [`IssueRow`].
#[derive(Debug, Serialize)]
pub struct ActorRow {
    /// The `id` text.
    pub id: String,
    /// The `name` text.
    pub name: String,
    /// The `capability` text.
    pub capability: String,
    /// The `risk` text.
    pub risk: String,
    /// Issue id -> position text.
    pub position: BTreeMap<String, String>,
    /// Issue id -> salience text.
    pub salience: BTreeMap<String, String>,
}

/// A policy's row; cell texts as in [`IssueRow`].
#[derive(Debug, Serialize)]
pub struct PolicyRow {
    /// The `id` text.
    pub id: String,
    /// The `description` text.
    pub description: String,
}

/// The view and, for each cell and row, the byte range of the text it came from.
pub struct Read {
    /// The tables.
    pub view: View,
    /// Byte range in the text -> the cell or row written there.
    pub targets: Vec<(Range<usize>, Target)>,
}

/// Reads the table view; `None` when the text is not TOML (the diagnostics say where).
pub fn read(text: &str) -> Option<Read> {
    let doc = Document::parse(text).ok()?;
    let mut targets = Vec::new();
    let title = doc
        .get("scenario")
        .and_then(Item::as_table_like)
        .and_then(|t| t.get("name"))
        .and_then(Item::as_str)
        .map(str::to_string);

    let mut issues = Vec::new();
    for t in rows(doc.get("issue")) {
        let id = str_of(t, "id");
        let row = Target {
            issue: Some(id.clone()),
            ..Target::default()
        };
        push_row(&mut targets, t, &row);
        for f in ["name", "low", "high", "scale", "status_quo"] {
            push_cell(&mut targets, t, f, &row, f, None);
        }
        issues.push(IssueRow {
            name: str_of(t, "name"),
            low: str_of(t, "low"),
            high: str_of(t, "high"),
            scale: raw_of(text, t, "scale"),
            status_quo: raw_of(text, t, "status_quo"),
            id,
        });
    }

    let mut actors = Vec::new();
    for t in rows(doc.get("actor")) {
        let id = str_of(t, "id");
        let row = Target {
            actor: Some(id.clone()),
            ..Target::default()
        };
        push_row(&mut targets, t, &row);
        for f in ["name", "capability", "risk"] {
            push_cell(&mut targets, t, f, &row, f, None);
        }
        let mut stance = |key: &str| -> BTreeMap<String, String> {
            let mut out = BTreeMap::new();
            let Some(inner) = t.get(key).and_then(Item::as_table_like) else {
                return out;
            };
            // A diagnostic about the whole table (an unknown issue key) marks the row.
            if let Some(r) = t.get(key).and_then(item_span) {
                targets.push((r, row.clone()));
            }
            for (issue, _) in inner.iter() {
                push_cell(&mut targets, inner, issue, &row, key, Some(issue));
                out.insert(issue.to_string(), raw_of(text, inner, issue));
            }
            out
        };
        let position = stance("position");
        let salience = stance("salience");
        actors.push(ActorRow {
            name: str_of(t, "name"),
            capability: raw_of(text, t, "capability"),
            risk: raw_of(text, t, "risk"),
            position,
            salience,
            id,
        });
    }

    let policies = rows(doc.get("policy"))
        .into_iter()
        .map(|t| PolicyRow {
            id: str_of(t, "id"),
            description: str_of(t, "description"),
        })
        .collect();

    Some(Read {
        view: View {
            title,
            issues,
            actors,
            policies,
            has_war: doc.contains_key("war"),
        },
        targets,
    })
}

/// The tables of an array of tables (`[[actor]]`) or of an inline array (`actor = [{..}]`).
fn rows(item: Option<&Item>) -> Vec<&dyn TableLike> {
    match item {
        Some(Item::ArrayOfTables(a)) => a.iter().map(|t| t as &dyn TableLike).collect(),
        Some(Item::Value(toml_edit::Value::Array(a))) => a
            .iter()
            .filter_map(|v| v.as_inline_table().map(|t| t as &dyn TableLike))
            .collect(),
        _ => Vec::new(),
    }
}

fn str_of(t: &dyn TableLike, key: &str) -> String {
    t.get(key)
        .and_then(Item::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The value exactly as written, without surrounding space or comment.
fn raw_of(text: &str, t: &dyn TableLike, key: &str) -> String {
    t.get(key)
        .and_then(Item::span)
        .and_then(|r| text.get(r))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// The span of an item; for a table without one of its own, the union of its entries.
fn item_span(item: &Item) -> Option<Range<usize>> {
    if let Some(r) = item.span() {
        return Some(r);
    }
    let t = item.as_table_like()?;
    union(
        t.iter()
            .filter_map(|(k, i)| Some(entry_span(t.key(k), i)).flatten()),
    )
}

fn entry_span(key: Option<&Key>, item: &Item) -> Option<Range<usize>> {
    union(key.and_then(Key::span).into_iter().chain(item_span(item)))
}

fn union(spans: impl Iterator<Item = Range<usize>>) -> Option<Range<usize>> {
    spans.reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
}

fn push_row(targets: &mut Vec<(Range<usize>, Target)>, t: &dyn TableLike, row: &Target) {
    let entries = t
        .iter()
        .filter_map(|(k, i)| entry_span(t.key(k), i))
        .collect::<Vec<_>>();
    if let Some(r) = union(entries.into_iter()) {
        targets.push((r, row.clone()));
    }
}

fn push_cell(
    targets: &mut Vec<(Range<usize>, Target)>,
    t: &dyn TableLike,
    key: &str,
    row: &Target,
    field: &str,
    issue: Option<&str>,
) {
    if let Some(r) = t.get(key).and_then(|i| entry_span(t.key(key), i)) {
        let target = Target {
            field: Some(field.to_string()),
            issue: issue.map(str::to_string).or_else(|| row.issue.clone()),
            ..row.clone()
        };
        targets.push((r, target));
    }
}

/// The narrowest cell or row whose text contains the start of `span`.
pub fn locate(targets: &[(Range<usize>, Target)], span: &Range<usize>) -> Option<Target> {
    targets
        .iter()
        .filter(|(r, _)| r.start <= span.start && span.start < r.end)
        .min_by_key(|(r, _)| r.end - r.start)
        .map(|(_, t)| t.clone())
}

/// A diagnostic as the page shows it: the message, the TOML line and column, the range to
/// select in the text box (in UTF-16 units, as JavaScript counts), and the table cell.
#[derive(Debug, Serialize)]
pub struct DiagOut {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The field in scenario terms (`actor.salience.territory`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What would be valid, or what to do next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// 1-based line of the span's start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column of the span's start, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The span as UTF-16 offsets into the text, start and end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<[usize; 2]>,
    /// The smallest cell or row whose text holds the span's start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Other places that explain the problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedOut>,
}

/// A related place of a diagnostic ("first defined here"), located as in [`DiagOut`].
#[derive(Debug, Serialize)]
pub struct RelatedOut {
    /// What the place is.
    pub label: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// UTF-16 offsets into the text, start and end.
    pub range: [usize; 2],
}

/// At most this many diagnostics go to the page; the rest would not be read.
pub const MAX_DIAGNOSTICS: usize = 200;

/// The core's diagnostics of `text` as the page shows them, the first [`MAX_DIAGNOSTICS`] only,
/// each mapped to its cell through `targets` (from [`read`]).
pub fn diagnostics(
    text: &str,
    diags: &[Diagnostic],
    targets: &[(Range<usize>, Target)],
) -> Vec<DiagOut> {
    let idx = LineIndex::new(text);
    diags
        .iter()
        .take(MAX_DIAGNOSTICS)
        .map(|d| {
            let (line, column) = match &d.span {
                Some(s) => {
                    let (l, c) = idx.line_col(s.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            DiagOut {
                severity: if d.is_error() { "error" } else { "warning" },
                message: d.message.clone(),
                field: d.field.clone(),
                help: d.help.clone(),
                line,
                column,
                range: d.span.as_ref().map(|s| utf16_range(text, s)),
                target: d.span.as_ref().and_then(|s| locate(targets, s)),
                related: d
                    .related
                    .iter()
                    .map(|(s, label)| {
                        let (line, column) = idx.line_col(s.start);
                        RelatedOut {
                            label: label.clone(),
                            line,
                            column,
                            range: utf16_range(text, s),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

fn utf16_range(text: &str, r: &Range<usize>) -> [usize; 2] {
    [utf16_at(text, r.start), utf16_at(text, r.end)]
}

/// The UTF-16 offset of a byte offset (rounded down to a character boundary).
fn utf16_at(text: &str, byte: usize) -> usize {
    let mut b = byte.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    text[..b].encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "format = 1\n\n[[issue]]\nid = \"t\"\nstatus_quo = 5 # now\n\n\
        [[actor]]\nid = \"a\"\nname = \"A\"\ncapability = 3 # guess\n\
        position = { t = 10 }\nsalience = { t = 1.5 }\n\n\
        [[actor]]\nid = \"b\"\ncapability = { triangular = [1, 2, 3] }\n\
        position = { t = 0 }\nsalience = { t = 0.5 }\n";

    #[test]
    fn reads_cells_as_written() {
        let r = read(SMALL).expect("TOML");
        assert_eq!(r.view.issues[0].status_quo, "5");
        assert_eq!(r.view.actors[0].name, "A");
        assert_eq!(r.view.actors[0].capability, "3");
        assert_eq!(r.view.actors[0].position["t"], "10");
        assert_eq!(r.view.actors[1].capability, "{ triangular = [1, 2, 3] }");
        assert_eq!(r.view.actors[1].risk, "");
    }

    #[test]
    fn a_diagnostic_lands_on_its_cell_and_line() {
        let diags = detente_core::parse_toml(SMALL).expect_err("salience 1.5 is out of range");
        let r = read(SMALL).expect("TOML");
        let out = diagnostics(SMALL, &diags, &r.targets);
        let d = out
            .iter()
            .find(|d| {
                d.message.contains("salience") || d.field.as_deref() == Some("actor.salience.t")
            })
            .expect("a salience diagnostic");
        assert_eq!(
            d.target,
            Some(Target {
                actor: Some("a".into()),
                issue: Some("t".into()),
                field: Some("salience".into()),
            })
        );
        assert_eq!(d.line, Some(12));
    }

    #[test]
    fn utf16_offsets_count_like_javascript() {
        assert_eq!(utf16_at("a😀b", 5), 3);
        assert_eq!(utf16_at("é", 1), 0);
    }

    #[test]
    fn not_toml_gives_no_view() {
        assert!(read("[[actor]\nid = ").is_none());
    }
}
