//! Diagnostics: what is wrong with an input, where, and what would be valid.
//!
//! The core never prints. It returns [`Diagnostic`]s with byte spans into the text it was given;
//! the command line (or any other front end) renders them with the file name.

use std::ops::Range;

/// How serious a diagnostic is. Errors stop a run; warnings are reported and the run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Reported; the run goes on.
    Warning,
    /// Stops the run.
    Error,
}

/// One problem found in an input, located by a byte span of the text that was parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Whether it stops the run.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The field in scenario terms, e.g. `actor.salience.territory`.
    pub field: Option<String>,
    /// Byte range of the offending text, when there is one.
    pub span: Option<Range<usize>>,
    /// What would be valid, or what to do next.
    pub help: Option<String>,
    /// Other places that explain the problem, e.g. where a duplicate was first defined.
    pub related: Vec<(Range<usize>, String)>,
}

impl Diagnostic {
    /// An error with this message and nothing else yet.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            field: None,
            span: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// A warning with this message and nothing else yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Locates it at a byte range of the parsed text.
    pub fn at(mut self, span: Range<usize>) -> Self {
        self.span = Some(span);
        self
    }

    /// Adds another place that explains it, with a label ("first defined here").
    pub fn also(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// Names the field, in scenario terms (`actor.salience.territory`).
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Says what would be valid, or what to do next.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether it stops the run.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by where they occur, so that a reader meets them in file order.
pub fn sort_by_position(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| d.span.as_ref().map_or(usize::MAX, |s| s.start));
}

/// Maps byte offsets to 1-based line and column numbers (columns count characters).
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// 1-based (line, column) of a byte offset; offsets past the end map to the last position.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let prefix = self.text.get(start..offset).unwrap_or("");
        (line + 1, prefix.chars().count() + 1)
    }
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_l, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `did you mean `x`?` or a list of what is valid.
pub fn did_you_mean(word: &str, candidates: &[&str], kind: &str) -> String {
    match suggest(word, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if candidates.is_empty() => format!("no {kind} is defined"),
        None => format!("valid {kind}s: {}", list(candidates)),
    }
}

/// Formats names as a short, readable list: `a`, `b`, `c` (and 4 more).
pub fn list(names: &[&str]) -> String {
    const SHOWN: usize = 12;
    let mut s = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" (and {} more)", names.len() - SHOWN));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let idx = LineIndex::new("ab\ncdé\nf");
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(3), (2, 1));
        assert_eq!(idx.line_col(7), (2, 4)); // after the two-byte é
        assert_eq!(idx.line_col(8), (3, 1));
        assert_eq!(idx.line_col(100), (3, 2));
    }

    #[test]
    fn suggests_near_names_only() {
        let c = ["russia", "ukraine", "us"];
        assert_eq!(suggest("rusia", c), Some("russia"));
        assert_eq!(suggest("Ukrain", c), Some("ukraine"));
        assert_eq!(suggest("zzz", c), None);
    }
}
