use super::{ModelError, ModelInfo, PerIssue};
use crate::scenario::{Scenario, Stake};
use crate::stats::weighted_mean;

/// The compromise model: the mean of positions weighted by capability times salience.
pub struct Compromise;

static INFO: ModelInfo = ModelInfo {
    name: "compromise",
    summary: "mean of positions weighted by capability x salience",
    source: "Achen (2006), in Thomson et al., The European Union Decides; van den Bos (1991)",
    dynamic: false,
};

impl PerIssue for Compromise {
    fn info(&self) -> &'static ModelInfo {
        &INFO
    }

    fn solve(&self, _: &Scenario, _: usize, stakes: &[Stake]) -> Result<f64, ModelError> {
        let w = super::stake_weights(stakes);
        Ok(weighted_mean(stakes.iter().map(|s| s.position).zip(w)))
    }
}
