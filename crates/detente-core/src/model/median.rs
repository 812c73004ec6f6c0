use super::{ModelError, ModelInfo, PerIssue};
use crate::scenario::{Scenario, Stake};
use crate::stats::weighted_median;

/// The weighted median: on one dimension, the position no weighted majority would leave.
pub struct Median;

static INFO: ModelInfo = ModelInfo {
    name: "median",
    summary: "weighted median of positions (weights capability x salience): the Condorcet winner on one dimension",
    source: "Black (1948), J. Political Economy 56(1); weighted as in Achen (2006)",
    dynamic: false,
};

impl PerIssue for Median {
    fn info(&self) -> &'static ModelInfo {
        &INFO
    }

    fn solve(&self, _: &Scenario, _: usize, stakes: &[Stake]) -> Result<f64, ModelError> {
        let w = super::stake_weights(stakes);
        Ok(weighted_median(stakes.iter().map(|s| s.position).zip(w)))
    }
}
