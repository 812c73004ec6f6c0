//! `detente claims`: an argument's claims as contrasts of policies on common futures, with the
//! effect, its interval and whether its direction agrees (the table in docs/models/war.md).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use detente_explore::claims::{self, Claims};

use crate::Fail;
use crate::cli::OutArgs;
use crate::{format, input, write};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimsFormat {
    /// The Markdown table of docs/models/war.md.
    Markdown,
    /// The effects as JSON, for programs.
    Json,
}

#[derive(Args, Debug)]
pub struct ClaimsArgs {
    /// The scenario file (TOML); its policies are the arms of the contrasts.
    pub file: PathBuf,
    /// The claims: a TOML file with `source` and a `[[claim]]` per claim (id, claim,
    /// mechanism, base, treatment, measure, expected), e.g. scenarios/claims/ukraine-ceasefire-2026.toml.
    #[arg(long)]
    pub claims: PathBuf,
    /// Futures per arm.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(2..=10_000_000))]
    pub runs: u64,
    /// Master seed of the sampled futures and the model's seeds.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[arg(long, value_enum, default_value_t = ClaimsFormat::Markdown)]
    pub format: ClaimsFormat,
    #[command(flatten)]
    pub out: OutArgs,
}

pub fn claims(a: ClaimsArgs) -> Result<(), Fail> {
    let target = write::target(a.out.output.as_deref(), a.out.force, &[&a.file, &a.claims])?;
    let input = input::load(&a.file, None)?;
    let sc = &input.imported.items[0].scenario;
    if sc.war.is_none() {
        return Err(Fail::new(
            format!("{} has no [war] section", input.name),
            Some("the claims are contrasts of the war model; give a scenario with a war"),
        ));
    }
    let name = a.claims.display().to_string();
    let text = input::read_text(&a.claims)?;
    let list: Claims = toml::from_str(&text).map_err(|e| {
        let d = detente_core::validate::from_toml_error(&e, &text);
        eprint!("{}", crate::diagnostics::render(&name, &text, &[d]));
        Fail::reported(format!("{name} is not a valid claims file"))
    })?;
    let model = detente_core::model::by_name("war").expect("the war model is registered");
    let effects = claims::measure(sc, model, &list.claims, a.runs, a.seed).map_err(|e| {
        Fail::new(
            format!("claim `{}`: {}", e.claim, e.message),
            Some("each claim's base and treatment must name policies of the scenario"),
        )
    })?;
    let out = match a.format {
        ClaimsFormat::Markdown => claims::markdown(sc, &effects, a.runs, a.seed, &list.source),
        ClaimsFormat::Json => format::json(&effects),
    };
    match a.format {
        ClaimsFormat::Json => write::write(&target, out.as_bytes()),
        ClaimsFormat::Markdown => crate::text::print(&target, &out),
    }
}
