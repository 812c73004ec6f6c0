//! detente-report: one self-contained HTML report (inline CSS and SVG, no script, no network)
//! for a scenario. No I/O: [`build`] turns a scenario and [`ReportOptions`] into a [`Report`],
//! [`Report::to_html`] into the page. `detente report` writes it; the web application shows
//! the same [`Section`]s.
//!
//! Charts are drawn with plotters' SVG backend into strings. Everything is deterministic: the
//! same scenario and options give the same bytes.

mod analysis;
mod charts;
mod html;
mod sections;
mod view;

use detente_core::Scenario;
use detente_core::output::RunOutput;

pub use html::escape;

/// What to put in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// One model; `None`: every model that runs on the scenario, with `war` (when the scenario
    /// has a `[war]`) or else `compromise` as the model the policies and the uncertainty use.
    pub model: Option<String>,
    /// Policies of the scenario to show beside the baseline (no policy).
    pub policies: Vec<String>,
    /// Sampled futures for the uncertainty sections (when the scenario has uncertain numbers).
    pub runs: u64,
    /// Master seed: the model's own randomness and the sampled futures derive from it.
    pub seed: u64,
    /// The condition of interest for scenario discovery, in the language of `--where`
    /// (`detente_explore::expr`); `None`: a default event (`docs/report.md`).
    pub event: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            model: None,
            policies: Vec::new(),
            runs: DEFAULT_RUNS,
            seed: 0,
            event: None,
        }
    }
}

/// Sampled futures by default.
pub const DEFAULT_RUNS: u64 = 1000;
/// The most futures a report samples: it keeps every run in memory.
pub const MAX_RUNS: u64 = 200_000;

/// One part of the report. `html` is a fragment (no heading; inline `<svg>`, no `<script>`,
/// every text from the scenario escaped) to be placed inside an element of class
/// `detente-report`, which [`CSS`] styles.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Section {
    /// Stable, e.g. `overview`, `scenario`, `forecasts`, `trajectories`, `war`, `policies`,
    /// `distributions`, `sensitivity`, `discovery`, `method`.
    pub id: String,
    /// Plain text (not escaped).
    pub title: String,
    /// The fragment's HTML.
    pub html: String,
}

/// A whole report: a title and its sections, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Plain text (not escaped).
    pub title: String,
    /// The sections, in reading order.
    pub sections: Vec<Section>,
}

/// Why a report cannot be made, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
pub struct ReportError {
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The option at fault: `model`, `policy`, `runs` or `where`; `None` for the scenario.
    pub field: Option<String>,
    /// For `where`: the byte range of the fault in the condition.
    pub span: Option<std::ops::Range<usize>>,
}

impl ReportError {
    fn new(message: impl Into<String>, help: impl Into<String>, field: &str) -> Self {
        ReportError {
            message: message.into(),
            help: Some(help.into()),
            field: Some(field.to_string()),
            span: None,
        }
    }
}

/// Builds the report. Checks every option before any model runs.
pub fn build(scenario: &Scenario, opts: &ReportOptions) -> Result<Report, ReportError> {
    build_with(scenario, opts, None)
}

/// [`build`], reusing a run of the primary model made already: `given` is the policy it was
/// made under (`None` for the baseline) and its output, made with `opts.seed`. A front end that
/// shows a run and its report computes the run once.
pub fn build_with(
    scenario: &Scenario,
    opts: &ReportOptions,
    given: Option<(Option<String>, RunOutput)>,
) -> Result<Report, ReportError> {
    let ctx = analysis::Context::new(scenario, opts, given)?;
    let mut sections = vec![
        sections::overview(&ctx),
        sections::scenario(&ctx),
        sections::forecasts(&ctx),
    ];
    sections.extend(sections::trajectories(&ctx));
    // What each model says of its own run, in the order the models ran.
    for run in &ctx.runs {
        if let Some(d) = &run.out.detail {
            sections.extend(d.sections.iter().map(view::section));
        }
    }
    let computed = analysis::compute(ctx)?;
    sections.extend(sections::policies(&computed));
    sections.extend(sections::uncertainty(&computed));
    let ctx = &computed.ctx;
    sections.push(sections::method(ctx));
    Ok(Report {
        title: ctx.title.clone(),
        sections,
    })
}

impl Report {
    /// The whole page: doctype, inline CSS, a table of contents and every section.
    pub fn to_html(&self) -> String {
        let title = escape(&self.title);
        let mut s = String::with_capacity(
            4096 + self
                .sections
                .iter()
                .map(|x| x.html.len() + 64)
                .sum::<usize>(),
        );
        s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        s.push_str(&format!("<title>{title} | detente report</title>\n"));
        s.push_str("<style>\nbody{margin:0;background:#fff}\n");
        s.push_str(CSS);
        s.push_str("</style>\n</head>\n<body>\n<main class=\"detente-report\">\n");
        s.push_str(&format!("<h1>{title}</h1>\n<nav><ol>\n"));
        for sec in &self.sections {
            s.push_str(&format!(
                "<li><a href=\"#{}\">{}</a></li>\n",
                escape(&sec.id),
                escape(&sec.title)
            ));
        }
        s.push_str("</ol></nav>\n");
        for sec in &self.sections {
            s.push_str(&format!(
                "<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n",
                escape(&sec.id),
                escape(&sec.title),
                sec.html
            ));
        }
        s.push_str(&format!(
            "<footer>Made by detente {}. Deterministic: the same scenario, options and seed give this page byte for byte.</footer>\n",
            env!("CARGO_PKG_VERSION")
        ));
        s.push_str("</main>\n</body>\n</html>\n");
        s
    }
}

/// Styles for the fragments, scoped to `.detente-report`.
pub const CSS: &str = r#".detente-report{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2430;line-height:1.45;max-width:980px;margin:0 auto;padding:1rem 1.25rem 3rem}
.detente-report h1{font-size:1.7rem;margin:.5rem 0 1rem}
.detente-report h2{font-size:1.35rem;margin:2.2rem 0 .6rem;padding-top:.6rem;border-top:2px solid #d8dee8}
.detente-report h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
.detente-report p{margin:.4rem 0 .7rem}
.detente-report nav ol{columns:2;font-size:.95rem}
.detente-report a{color:#1f5fa8}
.detente-report table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem;font-variant-numeric:tabular-nums}
.detente-report th,.detente-report td{border:1px solid #d8dee8;padding:.25rem .5rem;text-align:left;vertical-align:top}
.detente-report td.num,.detente-report th.num{text-align:right}
.detente-report thead th{background:#f1f4f8}
.detente-report .scroll{overflow-x:auto}
.detente-report figure{margin:.6rem 0 1.2rem}
.detente-report figure svg{max-width:100%;height:auto;display:block}
.detente-report figcaption{font-size:.85rem;color:#4a5568;margin-top:.2rem}
.detente-report .note{font-size:.9rem;color:#4a5568}
.detente-report .box{background:#f6f8fb;border-left:4px solid #1f5fa8;padding:.5rem .8rem;margin:.6rem 0}
.detente-report .muted{color:#6b7585}
.detente-report .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:0 1rem}
.detente-report code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;background:#f1f4f8;padding:0 .2em;border-radius:3px}
.detente-report footer{margin-top:3rem;font-size:.8rem;color:#6b7585}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use detente_core::parse_toml;

    fn bundled(name: &str) -> Scenario {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios")
            .join(name);
        parse_toml(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    fn war() -> Scenario {
        bundled("ukraine-ceasefire-2026.toml")
    }

    fn opts(runs: u64, seed: u64) -> ReportOptions {
        ReportOptions {
            runs,
            seed,
            ..ReportOptions::default()
        }
    }

    fn ids(r: &Report) -> Vec<&str> {
        r.sections.iter().map(|s| s.id.as_str()).collect()
    }

    fn section<'a>(r: &'a Report, id: &str) -> &'a Section {
        r.sections.iter().find(|s| s.id == id).unwrap()
    }

    /// Every `<svg>...</svg>` in the text.
    fn svgs(html: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(i) = html[at..].find("<svg") {
            let start = at + i;
            let end = start + html[start..].find("</svg>").expect("an <svg> is closed") + 6;
            out.push(&html[start..end]);
            at = end;
        }
        out
    }

    /// Checks what the page promises: no script, nothing fetched from a network, well-formed
    /// fragments and charts.
    fn check_page(r: &Report) {
        let html = r.to_html();
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script"), "a script in the page");
        assert!(!lower.contains("javascript:"));
        let rest = lower.replace("http://www.w3.org/2000/svg", "");
        assert!(!rest.contains("http"), "a network reference in the page");
        for tag in [
            "src=\"",
            "href=\"http",
            "<img",
            "<iframe",
            "<link",
            "<object",
            "<embed",
        ] {
            assert!(!rest.contains(tag), "`{tag}` in the page");
        }
        assert!(!rest.contains("url("), "an external resource in the page");
        for s in &r.sections {
            let xml = format!("<div>{}</div>", s.html);
            if let Err(e) = roxmltree::Document::parse(&xml) {
                panic!("section {} is not well formed: {e}", s.id);
            }
            assert!(!s.html.contains("<h2"), "a fragment brings its own heading");
        }
        let charts = svgs(&html);
        assert!(!charts.is_empty());
        for svg in charts {
            let doc = roxmltree::Document::parse(svg).expect("a chart is well-formed SVG");
            assert_eq!(doc.root_element().tag_name().name(), "svg");
        }
    }

    #[test]
    fn the_war_scenario_has_every_section() {
        let r = build(&war(), &opts(200, 1)).unwrap();
        assert_eq!(
            ids(&r),
            [
                "overview",
                "scenario",
                "forecasts",
                "trajectories",
                "war",
                "distributions",
                "sensitivity",
                "discovery",
                "method"
            ]
        );
        let html = r.to_html();
        for expected in [
            "One path (seed",
            "value of fighting",
            "Renewed war",
            "ceasefire_month &lt;= 12",
            // Every sampled future of the bundled scenario settles within a year, so PRIM says
            // so; boxes are checked with a condition that varies (below).
            "every run has the case of interest",
            "russia.win_belief",
        ] {
            assert!(html.contains(expected), "no `{expected}` in the page");
        }
        check_page(&r);
    }

    #[test]
    fn a_static_scenario_has_the_scenario_forecasts_and_trajectories() {
        let r = build(&bundled("ec-car-emissions.toml"), &opts(100, 0)).unwrap();
        assert_eq!(
            ids(&r),
            [
                "overview",
                "scenario",
                "forecasts",
                "trajectories",
                "method"
            ]
        );
        let html = r.to_html();
        // Every model that can run is there; the others say why they are not.
        for m in ["compromise", "median", "exchange", "eum", "smp"] {
            assert!(html.contains(&format!("<th class=\"num\">{m}</th>")), "{m}");
        }
        assert!(html.contains("Not run: war: the war model needs a [war] section"));
        assert!(html.contains("Not run: nash: the nash model needs a status quo"));
        check_page(&r);
    }

    #[test]
    fn the_same_input_gives_the_same_bytes_on_any_number_of_threads() {
        let sc = war();
        let o = ReportOptions {
            policies: vec!["us_walks_away".into()],
            ..opts(150, 7)
        };
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| build(&sc, &o).unwrap().to_html())
        };
        let one = on(1);
        assert_eq!(one, on(3));
        assert_eq!(one, build(&sc, &o).unwrap().to_html());
        // A different seed is a different report.
        let other = build(
            &sc,
            &ReportOptions {
                seed: 8,
                ..o.clone()
            },
        )
        .unwrap();
        assert_ne!(one, other.to_html());
    }

    #[test]
    fn policies_are_shown_beside_the_baseline() {
        let o = ReportOptions {
            policies: vec![
                "us_walks_away".into(),
                "coalition_guarantee".into(),
                "us_walks_away".into(),
            ],
            ..opts(100, 0)
        };
        let r = build(&war(), &o).unwrap();
        let p = section(&r, "policies");
        assert!(p.html.contains("baseline (no policy)"));
        // Each policy once, in the order given.
        assert_eq!(p.html.matches("<td>us_walks_away</td>").count(), 1);
        let a = p.html.find("<td>us_walks_away</td>").unwrap();
        let b = p.html.find("<td>coalition_guarantee</td>").unwrap();
        assert!(a < b);
        check_page(&r);
    }

    const HOSTILE: &str = r#"
format = 1
[scenario]
name = "A <b>bold</b> & 'quoted' \"name\""
source = "<script>alert(1)</script>"

[[issue]]
id = "tax"
name = "Tax </table> \"rate\""
low = "<img src=x onerror=alert(1)>"
high = "high & higher"
scale = [0, 100]
status_quo = 40

[[actor]]
id = "a"
name = "Actor <script>x()</script>"
capability = 10
position.tax = { uniform = [20, 60] }
salience.tax = 0.8

[[actor]]
id = "b"
name = "B & co"
capability = 20
position.tax = 80
salience.tax = { triangular = [0.3, 0.5, 0.9] }

[[shock]]
at = 2
set = "a.capability"
to = 12
note = "<u>later</u>"

[[policy]]
id = "p"
description = "<iframe>"
[[policy.shock]]
at = 0
set = "b.capability"
to = 5
"#;

    #[test]
    fn text_from_the_scenario_is_escaped_everywhere() {
        let sc = parse_toml(HOSTILE).unwrap();
        let o = ReportOptions {
            policies: vec!["p".into()],
            ..opts(100, 0)
        };
        let r = build(&sc, &o).unwrap();
        let html = r.to_html();
        assert!(html.contains("Actor &lt;script&gt;x()&lt;/script&gt;"));
        assert!(html.contains("&lt;iframe&gt;"));
        // In a caption and in a chart's label for screen readers.
        assert!(html.contains("aria-label=\"Tax &lt;/table&gt; &quot;rate&quot; (tax)"));
        assert!(html.contains("&lt;u&gt;later&lt;/u&gt;"));
        for bad in ["<b>", "<img", "<iframe", "</table> \"rate", "<u>"] {
            assert!(!html.contains(bad), "unescaped `{bad}`");
        }
        assert_eq!(r.title, "A <b>bold</b> & 'quoted' \"name\"");
        check_page(&r);
    }

    #[test]
    fn a_static_model_explains_an_outcome_above_its_central_forecast() {
        let sc = parse_toml(HOSTILE).unwrap();
        let r = build(&sc, &opts(300, 2)).unwrap();
        assert_eq!(
            ids(&r),
            [
                "overview",
                "scenario",
                "forecasts",
                "trajectories",
                "distributions",
                "sensitivity",
                "discovery",
                "method"
            ]
        );
        let d = section(&r, "discovery");
        assert!(d.html.contains("When tax.outcome &gt; "), "{}", d.html);
        assert!(d.html.contains("Box 1:"));
        // Both uncertain inputs move the compromise, so both have a bar in the tornado.
        let t = section(&r, "sensitivity");
        assert!(t.html.contains("a.position.tax") && t.html.contains("b.salience.tax"));
    }

    #[test]
    fn a_user_condition_replaces_the_default_event() {
        let o = ReportOptions {
            event: Some("ceasefire_month <= 6 and us.support > 0.05".into()),
            ..opts(200, 0)
        };
        let r = build(&war(), &o).unwrap();
        let d = section(&r, "discovery");
        assert!(
            d.html
                .contains("When ceasefire_month &lt;= 6 and us.support &gt; 0.05")
        );
        assert!(!d.html.contains("When ceasefire_month &lt;= 12"));
    }

    #[test]
    fn bad_options_are_refused_with_what_to_do() {
        let sc = war();
        let err = |o: ReportOptions| build(&sc, &o).unwrap_err();
        let e = err(ReportOptions {
            model: Some("eu".into()),
            ..opts(10, 0)
        });
        assert_eq!(e.field.as_deref(), Some("model"));
        assert!(e.help.unwrap().contains("did you mean `eum`?"));
        let e = err(ReportOptions {
            policies: vec!["us_walk_away".into()],
            ..opts(10, 0)
        });
        assert_eq!(e.field.as_deref(), Some("policy"));
        assert!(e.to_string().contains("did you mean `us_walks_away`?"));
        let e = err(opts(0, 0));
        assert_eq!(e.field.as_deref(), Some("runs"));
        let e = err(ReportOptions {
            event: Some("ceasefire_mnth <= 3".into()),
            ..opts(10, 0)
        });
        assert_eq!(e.field.as_deref(), Some("where"));
        assert_eq!(e.span, Some(0..14));
        assert!(e.help.unwrap().contains("ceasefire_month"));
        let cars = bundled("ec-car-emissions.toml");
        let err = |o: ReportOptions| build(&cars, &o).unwrap_err();
        // The war model on a scenario without a war.
        let e = err(ReportOptions {
            model: Some("war".into()),
            ..opts(10, 0)
        });
        assert!(e.message.contains("[war]"), "{e}");
        // A condition without anything uncertain to explore.
        let e = err(ReportOptions {
            event: Some("date.outcome > 7".into()),
            ..opts(10, 0)
        });
        assert_eq!(e.field.as_deref(), Some("where"));
    }

    #[test]
    fn a_run_given_to_the_report_is_used_not_made_again() {
        let sc = war();
        let o = ReportOptions {
            model: Some("war".into()),
            policies: vec!["us_walks_away".into()],
            ..opts(50, 3)
        };
        let made = |policy: Option<&str>| {
            let mut out = detente_core::output::run(
                &sc,
                "s",
                &detente_core::model::WarModel,
                policy,
                &detente_core::model::RunOptions { seed: 3 },
            )
            .unwrap();
            // A sentence no run writes: it shows only if the report used this very run.
            out.detail
                .as_mut()
                .unwrap()
                .summary
                .push("GIVEN RUN".into());
            out
        };
        let html = build_with(&sc, &o, Some((None, made(None))))
            .unwrap()
            .to_html();
        assert!(html.contains("GIVEN RUN"));
        // The policy's run shows in the comparison through its ensemble: an odd share marks it.
        let mut policy_run = made(Some("us_walks_away"));
        let d = policy_run.detail.as_mut().unwrap();
        let mut w = d
            .data
            .downcast_ref::<detente_core::model::war::output::WarOutput>()
            .unwrap()
            .clone();
        w.ensemble.as_mut().unwrap().ceasefire = 0.9996;
        d.data = std::sync::Arc::new(w);
        let html = build_with(&sc, &o, Some((Some("us_walks_away".into()), policy_run)))
            .unwrap()
            .to_html();
        assert!(html.contains("<td class=\"num\">>99%</td>"));
        // The same report as one that made every run itself, the marker aside.
        let plain = build(&sc, &o).unwrap().to_html();
        assert!(!plain.contains("GIVEN RUN") && !plain.contains("<td class=\"num\">>99%</td>"));
    }
}
