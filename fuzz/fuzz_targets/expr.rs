//! The `--where` condition language: any text either parses or gets a diagnostic whose span
//! lies inside the text on character boundaries; a parsed condition evaluates on any row,
//! including rows of NaN and infinities, without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

const COLUMNS: [&str; 6] = [
    "ceasefire_month",
    "russia.cost_growth",
    "us.support",
    "territory.outcome",
    "a-b",
    "victory.russia",
];

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    match detente_explore::expr::parse(src, &COLUMNS) {
        Ok(e) => {
            for row in [
                [0.0; 6],
                [f64::NAN; 6],
                [f64::INFINITY, -1.0, 1e308, -0.0, 3.5, f64::NEG_INFINITY],
            ] {
                let _ = e.eval(&row);
            }
            let _ = e.columns();
        }
        Err(d) => {
            if let Some(s) = d.span {
                assert!(s.start <= s.end && s.end <= src.len(), "{s:?} in {}", src.len());
                assert!(src.is_char_boundary(s.start) && src.is_char_boundary(s.end));
            }
        }
    }
});
