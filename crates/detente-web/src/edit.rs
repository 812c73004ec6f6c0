//! Edits from the table, applied to the TOML text with `toml_edit`, so that the person's
//! comments, order and layout survive: only the edited value changes, and it keeps the
//! comment that followed it.

use serde::Deserialize;
use toml_edit::{DocumentMut, InlineTable, Item, TableLike, Value};

/// One cell's new text. `actor` for an actor's field (with `issue` for `position` and
/// `salience`), else `issue` alone for an issue's field. An empty value removes the key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    /// The `id` of the `[[actor]]` table to change, when the cell is an actor's.
    #[serde(default)]
    pub actor: Option<String>,
    /// The `id` of the `[[issue]]` table, or of the issue an actor's stance is on.
    #[serde(default)]
    pub issue: Option<String>,
    /// The key to set, e.g. `capability`, `position`, `status_quo`.
    pub field: String,
    /// The text typed into the cell: a number or a distribution for numeric fields.
    pub value: String,
}

/// Why an edit could not be made; `index` is the edit's place in the request.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct EditError {
    /// Index into the request's edits of the one that failed (0 for a text that does not parse).
    pub index: usize,
    /// What is wrong, for the person.
    pub message: String,
    /// What to do about it, when there is something to say.
    pub help: Option<String>,
}

const ACTOR_TEXT: &[&str] = &["name"];
const ACTOR_NUMBERS: &[&str] = &["capability", "risk"];
const STANCE: &[&str] = &["position", "salience"];
const ISSUE_TEXT: &[&str] = &["name", "low", "high"];
const ISSUE_NUMBERS: &[&str] = &["status_quo"];

/// Applies `edits` in order to `text` and returns the new text.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut doc: DocumentMut = text.parse().map_err(|_| EditError {
        index: 0,
        message: "the TOML text has a syntax error, so the table cannot change it".into(),
        help: Some("fix the error shown beside the text first".into()),
    })?;
    let issue_ids: Vec<String> = ids(doc.get("issue"));
    for (index, e) in edits.iter().enumerate() {
        let fail = |message: String, help: Option<String>| EditError {
            index,
            message,
            help,
        };
        let numeric =
            |v: &str| number(v).map_err(|m| fail(m.to_string(), Some(NUMBER_HELP.into())));
        match (&e.actor, &e.issue) {
            (Some(actor), issue) => {
                let f = e.field.as_str();
                let t = find(doc.get_mut("actor"), actor)
                    .map_err(|m| fail(format!("{m} actor `{actor}`"), None))?;
                if ACTOR_TEXT.contains(&f) {
                    set(t, f, text_value(&e.value));
                } else if ACTOR_NUMBERS.contains(&f) {
                    set(t, f, numeric(&e.value)?);
                } else if STANCE.contains(&f) {
                    let Some(issue) = issue.as_deref() else {
                        return Err(fail(format!("`{f}` needs an issue"), None));
                    };
                    if !issue_ids.iter().any(|i| i == issue) {
                        return Err(fail(format!("unknown issue `{issue}`"), None));
                    }
                    set_stance(t, f, issue, numeric(&e.value)?);
                } else {
                    return Err(fail(
                        format!("an actor has no editable field `{f}`"),
                        Some("editable: name, capability, risk, position, salience".into()),
                    ));
                }
            }
            (None, Some(issue)) => {
                let f = e.field.as_str();
                let t = find(doc.get_mut("issue"), issue)
                    .map_err(|m| fail(format!("{m} issue `{issue}`"), None))?;
                if ISSUE_TEXT.contains(&f) {
                    set(t, f, text_value(&e.value));
                } else if ISSUE_NUMBERS.contains(&f) {
                    set(t, f, numeric(&e.value)?);
                } else {
                    return Err(fail(
                        format!("an issue has no editable field `{f}`"),
                        Some("editable: name, low, high, status_quo".into()),
                    ));
                }
            }
            (None, None) => {
                return Err(fail("an edit must name an actor or an issue".into(), None));
            }
        }
    }
    Ok(doc.to_string())
}

const NUMBER_HELP: &str =
    "write a number such as 40, or a distribution such as { triangular = [30, 40, 60] }";

fn ids(item: Option<&Item>) -> Vec<String> {
    let mut out = Vec::new();
    match item {
        Some(Item::ArrayOfTables(a)) => {
            for t in a.iter() {
                out.extend(t.get("id").and_then(Item::as_str).map(str::to_string));
            }
        }
        Some(Item::Value(Value::Array(a))) => {
            for v in a.iter().filter_map(Value::as_inline_table) {
                out.extend(v.get("id").and_then(Value::as_str).map(str::to_string));
            }
        }
        _ => {}
    }
    out
}

/// The one table whose `id` is `id`; an error word ("no", "more than one") otherwise.
fn find<'a>(item: Option<&'a mut Item>, id: &str) -> Result<&'a mut dyn TableLike, &'static str> {
    let mut found: Vec<&'a mut dyn TableLike> = match item {
        Some(Item::ArrayOfTables(a)) => a
            .iter_mut()
            .filter(|t| t.get("id").and_then(Item::as_str) == Some(id))
            .map(|t| t as &mut dyn TableLike)
            .collect(),
        Some(Item::Value(Value::Array(a))) => a
            .iter_mut()
            .filter_map(Value::as_inline_table_mut)
            .filter(|t| t.get("id").and_then(Value::as_str) == Some(id))
            .map(|t| t as &mut dyn TableLike)
            .collect(),
        _ => Vec::new(),
    };
    match found.len() {
        0 => Err("there is no"),
        1 => Ok(found.remove(0)),
        _ => Err("more than one table is"),
    }
}

fn text_value(s: &str) -> Option<Value> {
    let s = s.trim();
    (!s.is_empty()).then(|| Value::from(s))
}

/// A number or a distribution (an inline table) written as TOML; empty removes the key.
fn number(s: &str) -> Result<Option<Value>, NotANumber> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let shown = || NotANumber(s.chars().take(40).collect());
    let v: Value = s.parse().map_err(|_| shown())?;
    match v {
        Value::Integer(_) | Value::Float(_) | Value::InlineTable(_) => Ok(Some(v)),
        _ => Err(shown()),
    }
}

/// A value that is neither a number nor a distribution; holds its first 40 characters.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a number or a distribution")]
struct NotANumber(String);

/// Sets or removes `key`, keeping the old value's surrounding space and comment.
fn set(t: &mut dyn TableLike, key: &str, v: Option<Value>) {
    let Some(mut v) = v else {
        t.remove(key);
        return;
    };
    match t.get_mut(key) {
        Some(Item::Value(old)) => {
            let mut decor = old.decor().clone();
            // Keep a trailing comment in its column: the padding shrinks as the value grows.
            let grew = bare_len(&v) as isize - bare_len(old) as isize;
            if let Some(suffix) = decor.suffix().and_then(|s| s.as_str()) {
                let pad = suffix.len() - suffix.trim_start_matches(' ').len();
                if pad > 0 && suffix[pad..].starts_with('#') {
                    let pad = (pad as isize - grew).max(1) as usize;
                    decor.set_suffix(format!(
                        "{}{}",
                        " ".repeat(pad),
                        &suffix.trim_start_matches(' ')
                    ));
                }
            }
            *v.decor_mut() = decor;
            *old = v;
        }
        Some(other) => {
            v.decor_mut().clear();
            *other = Item::Value(v);
        }
        None => {
            v.decor_mut().clear();
            t.insert(key, Item::Value(v));
        }
    }
}

/// The length of a value as written, without the space and comment around it.
fn bare_len(v: &Value) -> usize {
    v.clone().decorated("", "").to_string().len()
}

/// Sets `position.<issue>` (or salience), making the inline table when the actor has none.
fn set_stance(t: &mut dyn TableLike, key: &str, issue: &str, v: Option<Value>) {
    let removing_inline =
        v.is_none() && matches!(t.get(key), Some(Item::Value(Value::InlineTable(_))));
    if removing_inline {
        if let Some(Item::Value(Value::InlineTable(inline))) = t.get_mut(key) {
            remove_inline(inline, issue);
            if inline.is_empty() {
                t.remove(key);
            }
        }
    } else if let Some(inner) = t.get_mut(key).and_then(Item::as_table_like_mut) {
        set(inner, issue, v);
        if inner.is_empty() {
            t.remove(key);
        }
    } else if let Some(v) = v {
        let mut inline = InlineTable::new();
        inline.insert(issue, v);
        set(t, key, Some(Value::InlineTable(inline)));
    }
}

/// Removes a key from an inline table. The space before `}` belongs to the last entry, so
/// when that one goes, the new last one gets it.
fn remove_inline(inline: &mut InlineTable, key: &str) {
    let was_last = inline.iter().last().map(|(k, _)| k == key) == Some(true);
    let Some(removed) = inline.remove(key) else {
        return;
    };
    if was_last {
        let suffix = removed.decor().suffix().cloned().unwrap_or_default();
        if let Some((_, last)) = inline.iter_mut().last() {
            last.decor_mut().set_suffix(suffix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "format = 1\n# issues\n[[issue]]\nid = \"t\"\nstatus_quo = 5   # now\n\n\
        [[issue]]\nid = \"g\"\n\n\
        [[actor]]\nid = \"a\"\ncapability = 3      # a guess\n\
        position = { t = 10, g = 2 }\nsalience = { t = 1, g = 0.5 }\n";

    fn edit(actor: Option<&str>, issue: Option<&str>, field: &str, value: &str) -> Edit {
        Edit {
            actor: actor.map(Into::into),
            issue: issue.map(Into::into),
            field: field.into(),
            value: value.into(),
        }
    }

    #[test]
    fn a_number_changes_and_its_comment_stays() {
        let out = apply(TEXT, &[edit(Some("a"), None, "capability", "40")]).unwrap();
        assert_eq!(out, TEXT.replace("capability = 3 ", "capability = 40"));
        let out = apply(
            TEXT,
            &[edit(
                Some("a"),
                None,
                "capability",
                "{ uniform = [1, 100] }",
            )],
        )
        .unwrap();
        assert!(
            out.contains("capability = { uniform = [1, 100] } # a guess\n"),
            "{out}"
        );
    }

    #[test]
    fn inline_table_entries_keep_their_layout() {
        let out = apply(
            TEXT,
            &[edit(
                Some("a"),
                Some("g"),
                "position",
                "{ normal = [5, 1] }",
            )],
        )
        .unwrap();
        assert!(
            out.contains("position = { t = 10, g = { normal = [5, 1] } }\n"),
            "{out}"
        );
        assert!(out.contains("status_quo = 5   # now\n"));
    }

    #[test]
    fn empty_removes_and_new_keys_are_added() {
        let out = apply(
            TEXT,
            &[
                edit(Some("a"), Some("g"), "salience", ""),
                edit(Some("a"), None, "risk", "0.5"),
                edit(Some("a"), None, "name", "Actor \"A\""),
                edit(None, Some("g"), "status_quo", "7"),
            ],
        )
        .unwrap();
        assert!(out.contains("salience = { t = 1 }\n"), "{out}");
        assert!(out.contains("risk = 0.5"), "{out}");
        assert!(
            out.contains(r#"name = 'Actor "A"'"#) || out.contains(r#"name = "Actor \"A\"""#),
            "{out}"
        );
        assert!(out.contains("id = \"g\"\nstatus_quo = 7"), "{out}");
        let doc: DocumentMut = out.parse().unwrap();
        assert_eq!(doc["actor"][0]["name"].as_str(), Some("Actor \"A\""));
    }

    #[test]
    fn bad_edits_are_refused_with_their_index() {
        let e = apply(
            TEXT,
            &[
                edit(Some("a"), None, "capability", "4"),
                edit(Some("a"), None, "capability", "lots"),
            ],
        )
        .unwrap_err();
        assert_eq!(e.index, 1);
        assert!(e.message.contains("not a number"));
        for bad in [
            edit(Some("zz"), None, "capability", "4"),
            edit(Some("a"), Some("nope"), "position", "4"),
            edit(Some("a"), None, "position", "4"),
            edit(Some("a"), None, "id", "b"),
            edit(None, None, "capability", "4"),
            edit(Some("a"), None, "capability", "\"4\""),
            edit(Some("a"), None, "capability", "4\n[x]"),
        ] {
            assert!(apply(TEXT, std::slice::from_ref(&bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn broken_toml_is_refused() {
        assert!(apply("[[actor]\n", &[edit(Some("a"), None, "risk", "0")]).is_err());
    }
}
