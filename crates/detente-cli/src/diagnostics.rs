//! Renders core diagnostics for a person: file, line, column, the offending line, and help.
//!
//! Rendering is linear in the input: the text's line starts are found once, and each
//! diagnostic hands miette only the few lines around its spans (miette's own `SourceCode` for a
//! string scans from the top of the file for every label). At most [`SHOWN`] diagnostics of a
//! severity are drawn; the rest are counted by field, and `detente check --format json` lists
//! them all.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;

use detente_core::{Diagnostic, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::text::{clean, mask};

/// How many errors (and, separately, warnings) are drawn in full.
pub const SHOWN: usize = 20;

/// Where each line of a text starts, with miette's notion of a line break (`\n`, `\r\n`, or a
/// lone `\r`), so that line numbers agree with miette's.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let b = text.as_bytes();
        let mut starts = vec![0];
        for (i, &c) in b.iter().enumerate() {
            if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        Lines { text, starts }
    }

    /// 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    fn start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }
}

/// A file's text seen through the lines around one span at a time.
struct Windowed<'a> {
    name: &'a str,
    lines: &'a Lines<'a>,
}

impl std::fmt::Debug for Windowed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Windowed")
            .field("name", &self.name)
            .finish()
    }
}

impl SourceCode for Windowed<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text = self.lines.text;
        let (lo, hi) = (span.offset(), span.offset() + span.len());
        if hi > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // Any window that starts on a line boundary at or above the first context line and ends
        // at or below the last gives miette's answer; line numbers are shifted back below.
        // miette reads a span as ending at its last byte, so an empty span reaches back one.
        let first = self
            .lines
            .line_of(lo.saturating_sub(1))
            .saturating_sub(before);
        let last = self.lines.line_of(hi.saturating_sub(1).max(lo)) + after + 2;
        let (ws, we) = (self.lines.start(first), self.lines.start(last));
        let window = &text[ws..we];
        let local = SourceSpan::new((lo - ws).into(), span.len());
        let c = window.read_span(&local, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            c.data(),
            SourceSpan::new((c.span().offset() + ws).into(), c.span().len()),
            c.line() + first,
            c.column(),
            c.line_count() + first,
        )))
    }
}

/// A core diagnostic tied to its file, in the shape miette renders.
#[derive(Debug)]
struct Located<'a> {
    diag: &'a Diagnostic,
    message: String,
    source: Option<Windowed<'a>>,
}

impl std::fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Located<'_> {}

impl miette::Diagnostic for Located<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(clean(h)) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.diag.span.as_ref()?;
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.diag.span.clone()?;
        let label = match &self.diag.field {
            Some(f) => format!("field `{}`", clean(f)),
            None => "here".to_string(),
        };
        let main = LabeledSpan::new_primary_with_span(Some(label), span);
        let related = self
            .diag
            .related
            .iter()
            .map(|(s, l)| LabeledSpan::new_with_span(Some(clean(l).into_owned()), s.clone()));
        Some(Box::new(std::iter::once(main).chain(related)))
    }
}

fn handler() -> GraphicalReportHandler {
    let theme = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme).with_width(100)
}

/// Renders diagnostics about `text`, read from the file called `name`: the first [`SHOWN`]
/// errors and warnings in full, then a count of the rest by field.
pub fn render(name: &str, text: &str, diags: &[Diagnostic]) -> String {
    let handler = handler();
    let masked = mask(text);
    let lines = Lines::new(&masked);
    let shown_name = clean(name);
    let mut out = String::new();
    let mut drawn = [0usize; 2];
    let mut hidden: [BTreeMap<&str, usize>; 2] = Default::default();
    for d in diags {
        let k = usize::from(d.is_error());
        if drawn[k] == SHOWN {
            *hidden[k]
                .entry(d.field.as_deref().unwrap_or("(no field)"))
                .or_default() += 1;
            continue;
        }
        drawn[k] += 1;
        // Without a span miette shows no file, so the message names it.
        let message = if d.span.is_some() {
            clean(&d.message).into_owned()
        } else {
            format!("{shown_name}: {}", clean(&d.message))
        };
        let located = Located {
            diag: d,
            message,
            source: Some(Windowed {
                name: &shown_name,
                lines: &lines,
            }),
        };
        let _ = handler.render_report(&mut out, &located);
        out.push('\n');
    }
    for (k, what) in [(1, "error"), (0, "warning")] {
        let more: usize = hidden[k].values().sum();
        if more == 0 {
            continue;
        }
        let kinds: Vec<String> = hidden[k]
            .iter()
            .map(|(f, n)| format!("{} in `{}`", thousands(*n), clean(f)))
            .collect();
        let _ = writeln!(
            out,
            "... and {} more {what}{} of these kinds: {}",
            thousands(more),
            if more == 1 { "" } else { "s" },
            kinds.join(", ")
        );
    }
    if hidden.iter().any(|h| !h.is_empty()) {
        let _ = writeln!(
            out,
            "  (`detente check {shown_name} --format json` lists every one)"
        );
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 1 {
        let _ = writeln!(out, "{} errors in {shown_name}", thousands(errors));
    }
    out
}

/// `40000` as `40,000`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A plain error without a source file, rendered in the same style.
pub fn render_plain(message: &str, help: Option<&str>) -> String {
    let mut d = Diagnostic::error(message);
    d.help = help.map(str::to_string);
    let located = Located {
        diag: &d,
        message: clean(message).into_owned(),
        source: None,
    };
    let mut out = String::new();
    let _ = handler().render_report(&mut out, &located);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::SourceCode;

    /// The window gives miette's own answer for every span of a text with every kind of line
    /// break, at every context size.
    #[test]
    fn windowed_spans_equal_miettes() {
        let text = "a = 1\r\nbb = 2\n\nccc = 3\rdd\n\ne = \"é\"\nlast";
        let lines = Lines::new(text);
        let w = Windowed {
            name: "f",
            lines: &lines,
        };
        for lo in 0..=text.len() {
            for hi in lo..=text.len() {
                if !text.is_char_boundary(lo) || !text.is_char_boundary(hi) {
                    continue;
                }
                for ctx in 0..3 {
                    let span = SourceSpan::new(lo.into(), hi - lo);
                    let want = text.read_span(&span, ctx, ctx).unwrap();
                    let got = w.read_span(&span, ctx, ctx).unwrap();
                    let at = format!("span {lo}..{hi}, context {ctx}");
                    assert_eq!(got.data(), want.data(), "{at}");
                    assert_eq!(got.span(), want.span(), "{at}");
                    assert_eq!(got.line(), want.line(), "{at}");
                    assert_eq!(got.column(), want.column(), "{at}");
                    assert_eq!(got.line_count(), want.line_count(), "{at}");
                }
            }
        }
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
