//! Importers: other formats in, [`Scenario`]s out.
//!
//! Each importer builds the same raw shape a TOML file gives ([`crate::raw::RawScenario`]),
//! with spans pointing into *its* input, and then runs the one validator. So an error in a
//! CSV cell is reported at that cell, with the same checks and wording as in TOML.

mod classic;
mod decide;
mod deu;
mod fields;
mod ktab;

use crate::diag::Diagnostic;
use crate::raw::RawScenario;
use crate::scenario::Scenario;
use crate::validate::{parse_toml, validate};

/// The input formats detente reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// detente's own TOML scenario format.
    Toml,
    /// One issue: `Actor,Capability,Position,Salience` (Bueno de Mesquita's tables).
    Classic,
    /// KTAB's SMP CSV.
    Ktab,
    /// The Decide exchange-model tab format (`#A`, `#P`, `#M`, `#D` rows).
    Decide,
    /// The DEU data set (one scenario per issue).
    Deu,
}

impl Format {
    /// The names of the formats other than detente's own TOML: what `detente import` converts.
    pub const IMPORTABLE: [&'static str; 4] = ["classic", "ktab", "decide", "deu"];

    /// The format's name on the command line (`ktab`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Toml => "toml",
            Format::Classic => "classic",
            Format::Ktab => "ktab",
            Format::Decide => "decide",
            Format::Deu => "deu",
        }
    }

    /// Reads a format's name, ignoring case; `None` for any other text.
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "classic" => Some(Format::Classic),
            "ktab" => Some(Format::Ktab),
            "decide" => Some(Format::Decide),
            "deu" => Some(Format::Deu),
            _ => None,
        }
    }
}

/// One scenario read from an input, with a suggested name for a file of its own
/// (DEU inputs hold one scenario per issue).
#[derive(Debug, Clone)]
pub struct Item {
    /// The suggested file name, without extension: the input's stem, or a DEU issue's.
    pub key: String,
    /// The validated scenario.
    pub scenario: Scenario,
}

/// What an import gives: scenarios and warnings (problems that did not stop it).
#[derive(Debug, Clone)]
pub struct Imported {
    /// The scenarios read, in input order (several for a DEU file).
    pub items: Vec<Item>,
    /// Problems that did not stop the import.
    pub warnings: Vec<Diagnostic>,
    /// Lines for the comment block at the top of a converted file: source, conventions.
    pub header: Vec<String>,
}

/// Guesses the format of a text from its content (the file name is not trusted).
pub fn detect(text: &str) -> Format {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("");
    let second = lines.next().unwrap_or("");
    if decide::looks_like(text) {
        return Format::Decide;
    }
    if deu::looks_like(first) {
        return Format::Deu;
    }
    if classic::looks_like(first) {
        return Format::Classic;
    }
    if ktab::looks_like(first, second) {
        return Format::Ktab;
    }
    Format::Toml
}

/// Reads `text` in `format`. `stem` (usually the file name without extension) names what the
/// input does not name itself.
pub fn import(format: Format, text: &str, stem: &str) -> Result<Imported, Vec<Diagnostic>> {
    let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Spans must index the original text, so a stripped BOM shifts them back.
    let shift = text.len() - text_nobom.len();
    let result = match format {
        Format::Toml => parse_toml(text).map(|scenario| Imported {
            items: vec![Item {
                key: stem.to_string(),
                scenario,
            }],
            warnings: Vec::new(),
            header: Vec::new(),
        }),
        Format::Classic => classic::import(text_nobom, stem).and_then(finish),
        Format::Ktab => ktab::import(text_nobom, stem).and_then(finish),
        Format::Decide => decide::import(text_nobom, stem).and_then(finish),
        Format::Deu => deu::import(text_nobom, stem).and_then(finish),
    };
    if shift == 0 || format == Format::Toml {
        return result;
    }
    let fix = |d: &mut Diagnostic| {
        if let Some(s) = &mut d.span {
            *s = s.start + shift..s.end + shift;
        }
    };
    match result {
        Ok(mut im) => {
            im.warnings.iter_mut().for_each(fix);
            Ok(im)
        }
        Err(mut ds) => {
            ds.iter_mut().for_each(fix);
            Err(ds)
        }
    }
}

/// What an importer hands back before validation.
pub(crate) struct RawImport {
    pub items: Vec<(String, RawScenario)>,
    /// Problems found while reading rows; the rows that could be read are still validated, so
    /// that one run reports every problem.
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    pub header: Vec<String>,
}

fn finish(raw: RawImport) -> Result<Imported, Vec<Diagnostic>> {
    let mut items = Vec::new();
    let mut errors = raw.errors;
    for (key, r) in raw.items {
        match validate(r) {
            Ok(scenario) => items.push(Item { key, scenario }),
            Err(ds) => errors.extend(ds),
        }
    }
    if errors.is_empty() {
        Ok(Imported {
            items,
            warnings: raw.warnings,
            header: raw.header,
        })
    } else {
        // Warnings still help a reader who is fixing the errors.
        errors.extend(raw.warnings);
        crate::diag::sort_by_position(&mut errors);
        Err(errors)
    }
}

/// An id made from a readable name: lowercase ASCII letters, digits and `_`, starting with a
/// letter (`"EU (incl Norway)"` -> `eu_incl_norway`).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "x_");
    }
    out
}

/// Makes ids unique by appending `_2`, `_3`, ... in order of appearance. Linear in the number
/// of ids however many repeat: each name's next suffix is remembered.
pub fn unique_ids(ids: &mut [String]) {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for id in ids.iter_mut() {
        if !seen.insert(id.clone()) {
            // Suffixes below `next` are taken already: `seen` only grows.
            let k = next.entry(id.clone()).or_insert(2);
            while seen.contains(&format!("{id}_{k}")) {
                *k += 1;
            }
            *id = format!("{id}_{k}");
            *k += 1;
            seen.insert(id.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("EU (incl Norway)"), "eu_incl_norway");
        assert_eq!(slug("Netherlands"), "netherlands");
        assert_eq!(slug("  LK "), "lk");
        assert_eq!(slug("2nd actor"), "x_2nd_actor");
        assert_eq!(slug("§§"), "x_");
        let mut ids = vec!["a".to_string(), "a".into(), "a_2".into(), "b".into()];
        unique_ids(&mut ids);
        assert_eq!(ids, ["a", "a_2", "a_2_2", "b"]);
    }
}
