//! Builds a report without the command line: `cargo run -p detente-report --example report --
//! SCENARIO.toml [SEED] [--timeline]` prints the page, or with `--timeline` only the war
//! timeline's SVG (the README's picture, `docs/img/report-timeline.svg`).
#![allow(clippy::print_stdout)]

use detente_report::{ReportOptions, build};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .ok_or("usage: report SCENARIO.toml [SEED] [--timeline]")?;
    let seed = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let text = std::fs::read_to_string(path)?;
    let scenario = detente_core::parse_toml(&text).map_err(|d| format!("{d:?}"))?;
    let opts = ReportOptions {
        seed,
        ..ReportOptions::default()
    };
    let report = build(&scenario, &opts)?;
    if args.iter().any(|a| a == "--timeline") {
        let war = report
            .sections
            .iter()
            .find(|s| s.id == "war")
            .ok_or("the scenario has no war")?;
        let start = war.html.find("<svg").ok_or("no chart")?;
        let end = war.html[start..].find("</svg>").ok_or("no chart")? + start + 6;
        println!("{}", &war.html[start..end]);
    } else {
        print!("{}", report.to_html());
    }
    Ok(())
}
