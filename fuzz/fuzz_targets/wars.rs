//! The war backtest's readers: any text, split into five files at lines `---`, is read by
//! every war parser; every diagnostic span lies inside its file on char boundaries; files
//! that read are built into cases and backtested by every baseline without panicking.
#![no_main]

use detente_backtest::wars::backtest::{self, Settings};
use detente_backtest::wars::baselines::Baseline;
use detente_backtest::wars::{cases, data};
use detente_core::Diagnostic;
use libfuzzer_sys::fuzz_target;

fn spans_ok(text: &str, diags: &[Diagnostic]) {
    for d in diags {
        for s in d.span.iter().chain(d.related.iter().map(|r| &r.0)) {
            assert!(text.get(s.clone()).is_some(), "{s:?} in {}", text.len());
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(src) = std::str::from_utf8(bytes) else {
        return;
    };
    let parts: Vec<&str> = src.split("\n---\n").collect();
    let part = |k: usize| parts.get(k).copied().unwrap_or("");
    let wars = data::parse_wars(part(0));
    let sides = data::parse_sides(part(1));
    let parts_ = data::parse_participants(part(2));
    let leaders = data::parse_leaders(part(3));
    let ceasefires = data::parse_ceasefires(part(4));
    for (k, r) in [
        wars.as_ref().err(),
        sides.as_ref().err(),
        parts_.as_ref().err(),
        leaders.as_ref().err(),
        ceasefires.as_ref().err(),
    ]
    .into_iter()
    .enumerate()
    {
        if let Some(d) = r {
            spans_ok(part(k), d);
        }
    }
    let (Ok(w), Ok(s), Ok(p)) = (wars, sides, parts_) else {
        return;
    };
    let Ok(built) = cases::build(&w, &s, &p, 1) else {
        return;
    };
    let fs = Baseline::all();
    let refs: Vec<&dyn detente_backtest::wars::WarForecaster> =
        fs.iter().map(|b| b.as_ref()).collect();
    let settings = Settings {
        folds: 3,
        seed: 0,
        resamples: 20,
        level: 0.95,
        bins: 5,
    };
    let _ = backtest::run(
        "fuzz",
        &built,
        None,
        &refs,
        &leaders.unwrap_or_default(),
        &ceasefires.unwrap_or_default(),
        &settings,
    )
    .expect("the baselines always give forecasts that can be scored");
});
