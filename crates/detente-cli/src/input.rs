//! Reading a scenario file: size limit, UTF-8, format recognition, import and validation.

use std::io::Read as _;
use std::path::Path;

use detente_core::import::{self, Format, Imported};
use detente_core::{Diagnostic, MAX_INPUT_BYTES};

use crate::Fail;
use crate::diagnostics::render;

/// A file read and understood, with its text kept for later diagnostics.
pub struct Input {
    pub name: String,
    /// The file's text as read (its bytes: a scenario's content hash is taken over them).
    pub text: String,
    pub format: Format,
    pub imported: Imported,
}

/// The one scenario of a file, for a command that takes one.
pub struct One {
    /// The file's text as read.
    pub text: String,
    /// The scenario's key (the file's stem, or a DEU issue's).
    pub key: String,
    pub scenario: detente_core::Scenario,
}

/// Reads a file as text, refusing what is too big, unreadable or not UTF-8.
pub fn read_text(path: &Path) -> Result<String, Fail> {
    let name = path.display().to_string();
    let cannot = |e: std::io::Error| {
        let help = match e.kind() {
            std::io::ErrorKind::NotFound => {
                "check the path; `detente check FILE` takes a path to a scenario file"
            }
            std::io::ErrorKind::PermissionDenied => "check the file's permissions",
            _ => "check that the path names a readable file",
        };
        Fail::new(format!("cannot read {name}: {e}"), Some(help))
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(Fail::new(
            format!("{name} is a directory, not a file"),
            Some("give the path of a scenario file"),
        ));
    }
    let too_big = |size: u64| {
        Fail::new(
            format!(
                "{name} is {:.1} MiB; detente reads files up to 16 MiB",
                size as f64 / 1048576.0
            ),
            Some(
                "a scenario this large is almost certainly not one; split it, or check that this is the right file",
            ),
        )
    };
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::new();
    // Read at most one byte past the limit: a pipe or a growing file may not report its size.
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        let idx = detente_core::diag::LineIndex::new(&good);
        let (line, col) = idx.line_col(good.len());
        Fail::new(
            format!(
                "{name} is not UTF-8 text: byte 0x{:02X} at line {line}, column {col}",
                e.as_bytes()[at]
            ),
            Some(
                "save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")",
            ),
        )
    })
}

/// A file read and recognised, with the outcome of its validation.
pub struct Read {
    pub name: String,
    pub text: String,
    pub format: Format,
    pub result: Result<Imported, Vec<Diagnostic>>,
}

/// Reads, recognises and validates a scenario file, without reporting anything.
pub fn read(path: &Path, from: Option<Format>) -> Result<Read, Fail> {
    let name = path.display().to_string();
    let text = read_text(path)?;
    let format = from.unwrap_or_else(|| {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        {
            Format::Toml
        } else {
            import::detect(&text)
        }
    });
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    let result = import::import(format, &text, &stem);
    Ok(Read {
        name,
        text,
        format,
        result,
    })
}

/// The failure for a file that is not a valid scenario (its diagnostics already shown).
pub fn invalid(path: &Path, r: &Read) -> Fail {
    let hint = if r.format == Format::Toml && path.extension().is_none_or(|e| e != "toml") {
        format!(
            " (read as TOML; if it is another format, pass --from {})",
            Format::IMPORTABLE.join("|")
        )
    } else {
        String::new()
    };
    Fail::reported(format!("{} is not a valid scenario{hint}", r.name))
}

/// Reads, recognises and validates a scenario file; diagnostics go to standard error.
pub fn load(path: &Path, from: Option<Format>) -> Result<Input, Fail> {
    let mut r = read(path, from)?;
    let result = std::mem::replace(&mut r.result, Err(Vec::new()));
    match result {
        Ok(imported) => {
            report_warnings(&r.name, &r.text, &imported.warnings);
            Ok(Input {
                name: r.name,
                text: r.text,
                format: r.format,
                imported,
            })
        }
        Err(diags) => {
            eprint!("{}", render(&r.name, &r.text, &diags));
            Err(invalid(path, &r))
        }
    }
}

/// Reads a file that must hold exactly one scenario; `what` says what the command does with
/// one, for the message when it holds several ("a sweep runs one").
pub fn load_one(path: &Path, from: Option<Format>, what: &str) -> Result<One, Fail> {
    let input = load(path, from)?;
    let n = input.imported.items.len();
    let Ok([item]) = <[import::Item; 1]>::try_from(input.imported.items) else {
        return Err(Fail::new(
            format!("{} holds {n} scenarios; {what}", input.name),
            Some(
                "convert the issue you want first: `detente import deu FILE --issue ID -o issue.toml`",
            ),
        ));
    };
    Ok(One {
        text: input.text,
        key: item.key,
        scenario: item.scenario,
    })
}

pub fn report_warnings(name: &str, text: &str, warnings: &[Diagnostic]) {
    if !warnings.is_empty() {
        eprint!("{}", render(name, text, warnings));
    }
}
