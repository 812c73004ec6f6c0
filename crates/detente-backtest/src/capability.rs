//! Capability schemes: what power each actor of a DEU case brings to the table.
//!
//! DEU codes positions and saliences but no capabilities, so the backtest supplies them:
//!
//! - `equal`: every actor with a position has capability 1 (what `detente import` writes).
//! - `council`: each member state has its share of the Council's qualified-majority weight under
//!   the rules in force on the proposal's `intro` date ([`crate::weights`]: pre-Nice and Nice
//!   weighted votes, Lisbon population shares), so the member states together hold 1. The
//!   Commission and the Parliament have no Council vote; their capability is a convention, a
//!   Council-centric one (Thomson & Hosli 2006, JCMS 44(2), found a Council-centric variant of
//!   the compromise model more accurate than a supranational one on DEU I):
//!   - the Commission has the weight of an average member state, `1/N` for `N` members at the
//!     date, under every procedure: it proposes and can withdraw its proposal, but its formal
//!     agenda-setting power (Art. 293(1) TFEU, amendment against it by unanimity only) is not
//!     something a weighted mean can express;
//!   - the Parliament has the weight of an average member state, `1/N`, under codecision (COD,
//!     Art. 294 TFEU: no act without its approval), and is left out under consultation (CNS,
//!     Art. 289(2) TFEU: its opinion binds no one);
//!   - a member state coded with a position on a date when it was not a member (no Council
//!     weight then) is left out.
//!
//! The same weights apply under unanimity: they measure a state's weight in the bargain, not
//! only its vote.

use detente_core::{Diagnostic, Param, Scenario};

use crate::cases::{Case, Procedure};
use crate::weights::weights_at;

/// A capability scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Every actor with a position has capability 1.
    Equal,
    /// Member states by their Council weight on the `intro` date, the Commission and the
    /// Parliament by convention (see the module's text).
    Council,
}

impl Scheme {
    /// The names `--capability` takes, one a scheme.
    pub const NAMES: [&'static str; 2] = ["equal", "council"];

    /// The name the command line and the reports use.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Equal => "equal",
            Scheme::Council => "council",
        }
    }

    /// The scheme of this name (one of [`Scheme::NAMES`]).
    pub fn parse(name: &str) -> Option<Scheme> {
        match name {
            "equal" => Some(Scheme::Equal),
            "council" => Some(Scheme::Council),
            _ => None,
        }
    }
}

/// A case's scenario with the scheme's capabilities, and the ids of the actors left out.
#[derive(Debug, Clone)]
pub struct Weighted {
    /// The case's scenario with each actor's capability set by the scheme.
    pub scenario: Scenario,
    /// Ids of the actors dropped from it (the Parliament under CNS, non-members at the date).
    pub left_out: Vec<String>,
}

/// The case's scenario under `scheme`. Errors (a missing or unreadable date, a date without
/// Council weights, a procedure without a convention) point at the cell.
pub fn apply(scheme: Scheme, case: &Case) -> Result<Weighted, Diagnostic> {
    match scheme {
        Scheme::Equal => Ok(Weighted {
            scenario: case.scenario.clone(),
            left_out: Vec::new(),
        }),
        Scheme::Council => council(case),
    }
}

fn council(case: &Case) -> Result<Weighted, Diagnostic> {
    let line = case.line;
    let Some(cell) = &case.intro_cell else {
        return Err(Diagnostic::error(
            "the `council` capability scheme needs the `intro` column, and the header has none",
        )
        .field("intro")
        .help("use `--capability equal`, or add the proposals' dates in an `intro` column"));
    };
    let Some(date) = case.intro else {
        return Err(Diagnostic::error(format!(
            "line {line}: intro `{}` is not a date",
            cell.text
        ))
        .at(cell.span.clone())
        .field("intro")
        .help("DEU writes dates as dd-mm-yy (26-01-00 is 26 January 2000); or use `--capability equal`"));
    };
    let weights = weights_at(date);
    let total: f64 = weights.iter().map(|&(_, w)| w).sum();
    if weights.is_empty() || total <= 0.0 {
        return Err(Diagnostic::error(format!(
            "line {line}: no Council voting weights for {:04}-{:02}-{:02}",
            date.0, date.1, date.2
        ))
        .at(cell.span.clone())
        .field("intro")
        .help("data/eu-council/voting-weights.tsv covers 1 January 1995 to 31 December 2019; use `--capability equal` for other dates"));
    }
    let average = 1.0 / weights.len() as f64;
    let ep_weight = match &case.procedure {
        Procedure::Cod => Some(average),
        Procedure::Cns => None,
        other => {
            let text = match other {
                Procedure::Other(t) => format!("procedure `{t}`"),
                _ => "no procedure".to_string(),
            };
            let mut d = Diagnostic::error(format!(
                "line {line}: {text}; the `council` scheme has a convention for COD and CNS only"
            ))
            .field("proc")
            .help("write COD or CNS in `proc`, or use `--capability equal`");
            if let Some(c) = &case.procedure_cell {
                d = d.at(c.span.clone());
            }
            return Err(d);
        }
    };
    let mut scenario = case.scenario.clone();
    let mut left_out = Vec::new();
    scenario.actors.retain_mut(|actor| {
        let weight = match actor.id.as_str() {
            "com" => Some(average),
            "ep" => ep_weight,
            code => weights
                .iter()
                .find(|(m, _)| *m == code)
                .map(|&(_, w)| w / total),
        };
        match weight {
            Some(w) => {
                actor.capability = Param::Fixed(w);
                true
            }
            None => {
                left_out.push(actor.id.clone());
                false
            }
        }
    });
    let weighted = scenario.stakes(0).iter().any(|s| s.weight() > 0.0);
    if !weighted {
        return Err(Diagnostic::error(format!(
            "line {line}: under the `council` scheme no actor with a salient position is left on issue `{}`",
            case.issue
        ))
        .field("intro")
        .help("use `--capability equal` for this file"));
    }
    Ok(Weighted { scenario, left_out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::build;
    use detente_core::import::{Format, import};

    fn case(proc_: &str, intro: &str) -> Case {
        let text = format!(
            "prnr\tisnr\tproc\tintro\tpcom\tpep\tpde\tplu\tppl\tscom\tsep\tsde\tslu\tspl\trp\tout\n\
             p1\tp1i1\t{proc_}\t{intro}\t100\t50\t0\t20\t40\t80\t70\t40\t50\t60\t0\t50\n"
        );
        let imported = import(Format::Deu, &text, "t").unwrap();
        build(&text, &imported).unwrap().cases.remove(0)
    }

    fn capabilities(w: &Weighted) -> Vec<(String, f64)> {
        w.scenario
            .actors
            .iter()
            .map(|a| (a.id.clone(), a.capability.value()))
            .collect()
    }

    #[test]
    fn council_weights_under_codecision_in_1999() {
        // EU-15, pre-Nice (Art. 205(2) TEC): Germany 10, Luxembourg 2 of 87. Poland is not a
        // member yet and is left out; Commission and Parliament weigh 1/15.
        let w = apply(Scheme::Council, &case("COD", "11-03-99")).unwrap();
        let caps = capabilities(&w);
        let expect = [
            ("com", 1.0 / 15.0),
            ("ep", 1.0 / 15.0),
            ("de", 10.0 / 87.0),
            ("lu", 2.0 / 87.0),
        ];
        assert_eq!(caps.len(), expect.len());
        for ((id, c), (want_id, want)) in caps.iter().zip(expect) {
            assert_eq!(id, want_id);
            assert!((c - want).abs() < 1e-15, "{id}: {c} vs {want}");
        }
        assert_eq!(w.left_out, ["pl"]);
    }

    #[test]
    fn consultation_leaves_the_parliament_out_and_nice_counts_poland() {
        // Nice, EU-27 in 2008: Germany 29, Luxembourg 4, Poland 27 of 345; 1/27 for the
        // Commission.
        let w = apply(Scheme::Council, &case("CNS", "15-06-08")).unwrap();
        let caps = capabilities(&w);
        let ids: Vec<&str> = caps.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["com", "de", "lu", "pl"]);
        assert!((caps[0].1 - 1.0 / 27.0).abs() < 1e-15);
        assert!((caps[3].1 - 27.0 / 345.0).abs() < 1e-15);
        assert_eq!(w.left_out, ["ep"]);
    }

    #[test]
    fn equal_changes_nothing() {
        let c = case("COD", "11-03-99");
        let w = apply(Scheme::Equal, &c).unwrap();
        assert!(
            w.scenario
                .actors
                .iter()
                .all(|a| a.capability.value() == 1.0)
        );
        assert_eq!(w.scenario.actors.len(), 5);
    }

    #[test]
    fn council_refuses_what_it_cannot_weigh() {
        let e = apply(Scheme::Council, &case("COD", "999")).unwrap_err();
        assert!(
            e.message.contains("intro `999` is not a date"),
            "{}",
            e.message
        );
        let e = apply(Scheme::Council, &case("COD", "01-01-21")).unwrap_err();
        assert!(
            e.message
                .contains("no Council voting weights for 2021-01-01")
        );
        let e = apply(Scheme::Council, &case("SYN", "11-03-99")).unwrap_err();
        assert!(e.message.contains("procedure `SYN`"), "{}", e.message);
        assert!(e.span.is_some());
    }
}
