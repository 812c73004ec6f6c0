//! A model added in a test, and nothing else: the generic code (the run document, sweeps,
//! sensitivity's stand-ins) works from what the model declares, never from its name
//! (issue 13, item 1). If a front end named a model, this model would be missing from it.

use std::sync::Arc;

use detente_core::model::view::{Block, Section};
use detente_core::model::{
    Cell, Column, Detail, Event, Json, Model, ModelError, ModelInfo, Objective, Outputs,
    RunOptions, RunResult, StandIn, Table,
};
use detente_core::{Scenario, parse_toml};
use detente_explore::explore::{Plan, output_columns, output_flags, stand_in};
use detente_explore::sample::Design;

/// Tosses a coin per run: heads moves every outcome to the top of its scale.
struct Coin;

static INFO: ModelInfo = ModelInfo {
    name: "coin",
    summary: "a coin decides",
    source: "a test",
    dynamic: false,
};

fn heads(seed: u64) -> bool {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 63 == 1
}

impl Model for Coin {
    fn info(&self) -> &'static ModelInfo {
        &INFO
    }

    fn run(&self, sc: &Scenario, opts: &RunOptions) -> Result<RunResult, ModelError> {
        let h = heads(opts.seed);
        Ok(RunResult {
            outcomes: sc
                .issues
                .iter()
                .map(|i| Some(if h { i.scale.hi } else { i.scale.lo }))
                .collect(),
            rounds: Vec::new(),
            notes: Vec::new(),
            extra: Some(Arc::new(h)),
        })
    }

    fn outputs(&self, sc: &Scenario) -> Outputs {
        let mut o = Outputs::outcomes(sc);
        o.columns
            .push(Column::flag("heads", "the coin shows heads"));
        o.columns.push(Column {
            none: Some(StandIn {
                value: 2.0,
                why: "tails: one past the last toss".into(),
            }),
            ..Column::number("toss_of_heads", "the toss that showed heads")
        });
        o.events.push(Event {
            words: "heads".into(),
            condition: "heads == 1".into(),
        });
        o.question = Some(Event {
            words: "heads".into(),
            condition: "heads == 1".into(),
        });
        o.objective = Some(Objective {
            column: "toss_of_heads".into(),
            maximize: false,
        });
        o
    }

    fn record(
        &self,
        sc: &Scenario,
        opts: &RunOptions,
        out: &mut Vec<f64>,
    ) -> Result<(), ModelError> {
        let r = self.run(sc, opts)?;
        out.extend(r.outcomes.iter().map(|o| o.unwrap_or(f64::NAN)));
        let h = heads(opts.seed);
        out.extend([f64::from(u8::from(h)), if h { 1.0 } else { f64::NAN }]);
        Ok(())
    }

    fn detail(
        &self,
        _sc: &Scenario,
        result: &RunResult,
        _opts: &RunOptions,
    ) -> Result<Option<Detail>, detente_core::cancel::Stop> {
        let h = *result
            .extra
            .as_ref()
            .unwrap()
            .downcast_ref::<bool>()
            .unwrap();
        let side = if h { "heads" } else { "tails" };
        Ok(Some(Detail {
            key: "coin",
            json: Json::new(serde_json::json!({ "side": side })),
            rounds: vec![Json::new(serde_json::json!({ "toss": 1, "side": side }))],
            summary: vec![format!("The coin shows {side}.")],
            caption: None,
            caveat: None,
            trace: Some(Table {
                title: "Tosses".into(),
                header: vec!["toss".into(), "side".into()],
                rows: vec![vec![Cell::num(1.0, 0), Cell::Text(side.into())]],
            }),
            sections: vec![Section {
                id: "coin".into(),
                title: "The coin".into(),
                blocks: vec![Block::Paragraph(format!("It fell {side}."))],
            }],
            data: Arc::new(h),
        }))
    }
}

fn scenario() -> Scenario {
    parse_toml(
        r#"format = 1
[[issue]]
id = "x"
[[actor]]
id = "a"
capability = { uniform = [1, 2] }
position = { x = 10 }
salience = { x = 0.5 }
[[actor]]
id = "b"
capability = 1
position = { x = 90 }
salience = { x = 0.5 }
"#,
    )
    .unwrap()
}

#[test]
fn the_run_document_carries_the_models_own_findings() {
    let sc = scenario();
    let seed = (0..).find(|&s| heads(s)).unwrap();
    let out = detente_core::output::run(&sc, "t", &Coin, None, &RunOptions { seed }).unwrap();
    assert_eq!(out.issues[0].outcome, Some(100.0));
    assert!(out.notes.contains(&"The coin shows heads.".to_string()));
    let json = serde_json::to_string(&out).unwrap();
    // Under the model's key, where the document keeps models' findings: after `rounds`.
    let (rounds, coin, blocs) = (
        json.find("\"rounds\"").unwrap(),
        json.find("\"coin\":{\"side\":\"heads\"}").unwrap(),
        json.find("\"blocs\"").unwrap(),
    );
    assert!(rounds < coin && coin < blocs, "{json}");
    assert!(
        json.contains("\"rounds\":[{\"side\":\"heads\",\"toss\":1}]"),
        "{json}"
    );
    assert_eq!(out.detail.unwrap().sections[0].id, "coin");
}

#[test]
fn sweeps_record_the_columns_the_model_declares() {
    let sc = scenario();
    assert_eq!(
        output_columns(&sc, &Coin),
        ["x.outcome", "heads", "toss_of_heads"]
    );
    assert_eq!(output_flags(&sc, &Coin), [false, true, false]);
    assert_eq!(
        stand_in(&sc, &Coin, "toss_of_heads"),
        Some((2.0, "tails: one past the last toss".to_string()))
    );
    let plan = Plan::new(sc, &Coin, Design::MonteCarlo, 7, 64);
    assert_eq!(
        plan.columns(),
        ["a.capability", "x.outcome", "heads", "toss_of_heads"]
    );
    let rows = plan.rows(0..64).unwrap();
    let heads: Vec<&Vec<f64>> = rows.iter().filter(|r| r[2] == 1.0).collect();
    assert!(!heads.is_empty() && heads.len() < 64);
    for r in &rows {
        assert_eq!(r[1], if r[2] == 1.0 { 100.0 } else { 0.0 });
        assert_eq!(r[3].is_nan(), r[2] == 0.0);
    }
}
