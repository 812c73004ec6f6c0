//! Numbers that may be uncertain: a plain value or a distribution.
//!
//! Any number in a scenario may be written as a distribution, e.g. `{ normal = [60, 10] }`.
//! A plain run uses the distribution's central value ([`Param::value`]); the exploration
//! commands sample it.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// A number as written in a scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param {
    /// A number written plainly: every run uses it as it is.
    Fixed(f64),
    /// A distribution: a plain run uses its central value, the exploration commands sample it.
    Dist(Dist),
}

/// A probability distribution over a number. Parameters are as written by the user.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Normal with mean and standard deviation.
    Normal {
        /// The mean, in the unit of the number it stands for.
        mean: f64,
        /// The standard deviation, same unit; > 0.
        sd: f64,
    },
    /// Uniform on `[lo, hi]`.
    Uniform {
        /// The lower bound; < `hi`.
        lo: f64,
        /// The upper bound.
        hi: f64,
    },
    /// Triangular on `[lo, hi]` with the given mode.
    Triangular {
        /// The lower bound; < `hi`.
        lo: f64,
        /// The most likely value, in `[lo, hi]`; also the central value a plain run uses.
        mode: f64,
        /// The upper bound.
        hi: f64,
    },
    /// Beta(a, b), rescaled from `[0, 1]` to `[lo, hi]`.
    Beta {
        /// The first shape parameter (alpha); > 0.
        a: f64,
        /// The second shape parameter (beta); > 0.
        b: f64,
        /// Where 0 of the unit interval lands; 0 when the file gives only `[a, b]`.
        lo: f64,
        /// Where 1 of the unit interval lands; 1 when the file gives only `[a, b]`.
        hi: f64,
    },
    /// Lognormal: `exp(N(mu, sigma))`, parameters of the underlying normal.
    LogNormal {
        /// The mean of the underlying normal (of the logarithm).
        mu: f64,
        /// The standard deviation of the underlying normal; > 0.
        sigma: f64,
    },
}

/// The distribution names accepted in a scenario file.
pub const DIST_NAMES: [&str; 5] = ["normal", "uniform", "triangular", "beta", "lognormal"];

impl Param {
    /// The value a plain run uses: the number itself, or the distribution's central value
    /// (the mean; the mode for a triangular distribution).
    pub fn value(&self) -> f64 {
        match self {
            Param::Fixed(x) => *x,
            Param::Dist(d) => d.central(),
        }
    }

    /// The distribution, or `None` for a plain number.
    pub fn dist(&self) -> Option<&Dist> {
        match self {
            Param::Fixed(_) => None,
            Param::Dist(d) => Some(d),
        }
    }
}

impl Dist {
    /// The name a scenario file writes it under (one of [`DIST_NAMES`]).
    pub fn name(&self) -> &'static str {
        match self {
            Dist::Normal { .. } => "normal",
            Dist::Uniform { .. } => "uniform",
            Dist::Triangular { .. } => "triangular",
            Dist::Beta { .. } => "beta",
            Dist::LogNormal { .. } => "lognormal",
        }
    }

    /// The parameters in the order they are written.
    pub fn params(&self) -> Vec<f64> {
        match *self {
            Dist::Normal { mean, sd } => vec![mean, sd],
            Dist::Uniform { lo, hi } => vec![lo, hi],
            Dist::Triangular { lo, mode, hi } => vec![lo, mode, hi],
            Dist::Beta { a, b, lo, hi } if lo == 0.0 && hi == 1.0 => vec![a, b],
            Dist::Beta { a, b, lo, hi } => vec![a, b, lo, hi],
            Dist::LogNormal { mu, sigma } => vec![mu, sigma],
        }
    }

    /// The value a plain run uses: the mean, or the mode for a triangular distribution.
    pub fn central(&self) -> f64 {
        match *self {
            Dist::Normal { mean, .. } => mean,
            Dist::Uniform { lo, hi } => 0.5 * lo + 0.5 * hi,
            Dist::Triangular { mode, .. } => mode,
            Dist::Beta { a, b, lo, hi } => {
                let t = a / (a + b);
                lo * (1.0 - t) + hi * t
            }
            Dist::LogNormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
        }
    }

    /// The smallest closed interval holding all the distribution's mass.
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::Uniform { lo, hi }
            | Dist::Triangular { lo, hi, .. }
            | Dist::Beta { lo, hi, .. } => (lo, hi),
            Dist::LogNormal { .. } => (0.0, f64::INFINITY),
        }
    }

    /// Checks the parameters themselves; `None` when they are valid.
    pub fn invalid_reason(&self) -> Option<String> {
        if self.params().iter().any(|p| !p.is_finite()) {
            return Some(format!("{} parameters must be finite numbers", self.name()));
        }
        match *self {
            Dist::Normal { sd, .. } if sd <= 0.0 => {
                Some(format!("normal standard deviation must be > 0, got {sd}"))
            }
            Dist::Uniform { lo, hi } if lo >= hi => {
                Some(format!("uniform needs low < high, got [{lo}, {hi}]"))
            }
            Dist::Triangular { lo, mode, hi } if !(lo <= mode && mode <= hi && lo < hi) => {
                Some(format!(
                    "triangular needs low <= mode <= high and low < high, got [{lo}, {mode}, {hi}]"
                ))
            }
            Dist::Beta { a, b, .. } if a <= 0.0 || b <= 0.0 => Some(format!(
                "beta shape parameters must be > 0, got a = {a}, b = {b}"
            )),
            Dist::Beta { lo, hi, .. } if lo >= hi => {
                Some(format!("beta range needs low < high, got [{lo}, {hi}]"))
            }
            Dist::LogNormal { sigma, .. } if sigma <= 0.0 => {
                Some(format!("lognormal sigma must be > 0, got {sigma}"))
            }
            Dist::LogNormal { mu, sigma } if !(mu + 0.5 * sigma * sigma).exp().is_finite() => {
                Some(format!(
                    "lognormal mean exp(mu + sigma^2/2) overflows for mu = {mu}, sigma = {sigma}"
                ))
            }
            _ => None,
        }
    }

    fn from_parts(name: &str, p: &[f64]) -> Result<Dist, DistError> {
        let arity = |want: &'static str| DistError::Arity {
            name: name.to_string(),
            want,
            got: p.len(),
        };
        Ok(match (name, p) {
            ("normal", &[mean, sd]) => Dist::Normal { mean, sd },
            ("normal", _) => return Err(arity("[mean, sd]")),
            ("uniform", &[lo, hi]) => Dist::Uniform { lo, hi },
            ("uniform", _) => return Err(arity("[low, high]")),
            ("triangular", &[lo, mode, hi]) => Dist::Triangular { lo, mode, hi },
            ("triangular", _) => return Err(arity("[low, mode, high]")),
            ("beta", &[a, b]) => Dist::Beta {
                a,
                b,
                lo: 0.0,
                hi: 1.0,
            },
            ("beta", &[a, b, lo, hi]) => Dist::Beta { a, b, lo, hi },
            ("beta", _) => return Err(arity("[a, b] or [a, b, low, high]")),
            ("lognormal", &[mu, sigma]) => Dist::LogNormal { mu, sigma },
            ("lognormal", _) => return Err(arity("[mu, sigma] (of the underlying normal)")),
            _ => {
                return Err(DistError::Unknown {
                    name: name.to_string(),
                    hint: crate::diag::did_you_mean(name, &DIST_NAMES, "distribution"),
                });
            }
        })
    }
}

/// Why a `{ name = [numbers] }` table is not a distribution; serde reports it at the table.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
enum DistError {
    #[error("`{name}` takes {want}, got {got} numbers")]
    Arity {
        name: String,
        want: &'static str,
        got: usize,
    },
    #[error("unknown distribution `{name}`: {hint}")]
    Unknown { name: String, hint: String },
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ps: Vec<String> = self.params().iter().map(|p| fmt_num(*p)).collect();
        write!(f, "{}({})", self.name(), ps.join(", "))
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Param::Fixed(x) => f.write_str(&fmt_num(*x)),
            Param::Dist(d) => d.fmt(f),
        }
    }
}

/// Shortest decimal that reads back as the same number (`4` rather than `4.0`).
pub fn fmt_num(x: f64) -> String {
    if x.is_finite() && x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        // Debug is the shortest round-trip form and uses an exponent for extreme values.
        format!("{x:?}")
    }
}

/// A share as a whole percentage for people ("<1%" and ">99%" near the ends, "–" for none).
pub fn fmt_pct(x: f64) -> String {
    if x.is_nan() {
        return "–".into();
    }
    let p = (x * 100.0).round();
    if p >= 100.0 && x < 1.0 {
        ">99%".into()
    } else if p <= 0.0 && x > 0.0 {
        "<1%".into()
    } else {
        format!("{p:.0}%")
    }
}

const EXPECTING: &str =
    "a number, or a distribution such as { normal = [60, 10] } or { uniform = [40, 80] }";

impl<'de> Deserialize<'de> for Param {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ParamVisitor)
    }
}

struct ParamVisitor;

impl<'de> Visitor<'de> for ParamVisitor {
    type Value = Param;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(EXPECTING)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Param, E> {
        Ok(Param::Fixed(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Param, E> {
        Ok(Param::Fixed(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Param, E> {
        Ok(Param::Fixed(v as f64))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Param, A::Error> {
        let Some(name) = map.next_key::<String>()? else {
            return Err(de::Error::custom(format!(
                "empty table: expected {EXPECTING}"
            )));
        };
        let Numbers(params) = map.next_value()?;
        let dist = Dist::from_parts(&name, &params).map_err(de::Error::custom)?;
        if let Some(other) = map.next_key::<String>()? {
            return Err(de::Error::custom(format!(
                "a distribution has exactly one key, found `{name}` and `{other}`"
            )));
        }
        Ok(Param::Dist(dist))
    }
}

/// An array of numbers, integers accepted.
struct Numbers(Vec<f64>);

impl<'de> Deserialize<'de> for Numbers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Numbers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of numbers, e.g. [60, 10]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Numbers, A::Error> {
                let mut out = Vec::new();
                while let Some(Num(x)) = seq.next_element()? {
                    out.push(x);
                }
                Ok(Numbers(out))
            }
        }
        deserializer.deserialize_seq(V)
    }
}

struct Num(f64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(v as f64))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Param {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Param".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let arr = |min: u32, max: u32| serde_json_like_array(min, max);
        schemars::json_schema!({
            "description": "A number, or a distribution over it. A plain run uses the mean (the mode for triangular).",
            "oneOf": [
                { "type": "number" },
                { "type": "object", "additionalProperties": false, "required": ["normal"],
                  "properties": { "normal": arr(2, 2) }, "description": "[mean, sd], sd > 0" },
                { "type": "object", "additionalProperties": false, "required": ["uniform"],
                  "properties": { "uniform": arr(2, 2) }, "description": "[low, high], low < high" },
                { "type": "object", "additionalProperties": false, "required": ["triangular"],
                  "properties": { "triangular": arr(3, 3) }, "description": "[low, mode, high]" },
                { "type": "object", "additionalProperties": false, "required": ["beta"],
                  "properties": { "beta": arr(2, 4) }, "description": "[a, b] on 0..1, or [a, b, low, high]" },
                { "type": "object", "additionalProperties": false, "required": ["lognormal"],
                  "properties": { "lognormal": arr(2, 2) }, "description": "[mu, sigma] of the underlying normal" }
            ]
        })
    }
}

fn serde_json_like_array(min: u32, max: u32) -> schemars::Schema {
    schemars::json_schema!({
        "type": "array", "items": { "type": "number" }, "minItems": min, "maxItems": max
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Param, toml::de::Error> {
        #[derive(Deserialize)]
        struct W {
            x: Param,
        }
        toml::from_str::<W>(&format!("x = {s}")).map(|w| w.x)
    }

    #[test]
    fn central_values() {
        assert_eq!(parse("42").unwrap().value(), 42.0);
        assert_eq!(parse("{ normal = [60, 10] }").unwrap().value(), 60.0);
        assert_eq!(parse("{ uniform = [40, 80] }").unwrap().value(), 60.0);
        assert_eq!(
            parse("{ triangular = [40, 50, 80] }").unwrap().value(),
            50.0
        );
        assert!((parse("{ beta = [2, 5] }").unwrap().value() - 2.0 / 7.0).abs() < 1e-15);
        assert!((parse("{ beta = [1, 1, 40, 80] }").unwrap().value() - 60.0).abs() < 1e-12);
        let ln = parse("{ lognormal = [0, 1] }").unwrap().value();
        assert!((ln - 0.5f64.exp()).abs() < 1e-15);
    }

    #[test]
    fn bad_shapes_say_what_is_valid() {
        assert!(
            parse("{ normal = [1] }")
                .unwrap_err()
                .message()
                .contains("[mean, sd]")
        );
        assert!(
            parse("{ gaussian = [1, 2] }")
                .unwrap_err()
                .message()
                .contains("unknown distribution")
        );
        assert!(
            parse("{ normall = [1, 2] }")
                .unwrap_err()
                .message()
                .contains("did you mean `normal`")
        );
        assert!(
            parse("'x'")
                .unwrap_err()
                .message()
                .contains("a number, or a distribution")
        );
        assert!(
            parse("{ normal = [1, 2], uniform = [1, 2] }")
                .unwrap_err()
                .message()
                .contains("exactly one")
        );
    }

    #[test]
    fn invalid_parameters_are_named() {
        let d = |s| parse(s).unwrap().dist().unwrap().invalid_reason();
        assert!(d("{ normal = [1, 0] }").unwrap().contains("> 0"));
        assert!(d("{ uniform = [5, 1] }").unwrap().contains("low < high"));
        assert!(d("{ triangular = [1, 9, 5] }").unwrap().contains("mode"));
        assert!(d("{ beta = [0, 1] }").unwrap().contains("> 0"));
        assert!(d("{ lognormal = [1, -1] }").unwrap().contains("sigma"));
        assert!(d("{ normal = [nan, 1] }").unwrap().contains("finite"));
        assert_eq!(d("{ normal = [1, 2] }"), None);
    }
}
