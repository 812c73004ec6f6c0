//! The block runner of the sweeps: runs computed in parallel, a block at a time, and handed on
//! in run order.
//!
//! Every sweep (explore, sensitivity, discover, compare) goes through [`run_blocks`], so that
//! memory does not grow with the run count and the results do not depend on the thread count:
//! run `r` is computed from `r` alone, and blocks reach the caller in order.

use std::ops::Range;

use rayon::prelude::*;

/// Runs computed per parallel block: large enough to keep every core busy, small enough that
/// memory does not grow with the sweep.
pub const BLOCK: u64 = 4096;

/// Why [`run_blocks`] stopped: a run failed, or the caller's sink refused a block.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockError<R, S> {
    /// A run failed (when several fail in one block, any one of them).
    Run(R),
    /// The sink returned an error.
    Sink(S),
}

/// Computes `run(state, r)` for every `r` in `runs` on `pool`, [`BLOCK`] runs at a time, and
/// gives each block, in run order, to `sink` with the index of its first run. Each worker
/// thread keeps a `state` made by `init` across the runs it computes (a scratch copy of a
/// scenario, say); `run` must give the same value for `r` whatever state it is handed.
///
/// Stops at the first failed block, or at the first error of `sink`.
pub fn run_blocks<S, T, R, E>(
    pool: &rayon::ThreadPool,
    runs: Range<u64>,
    init: impl Fn() -> S + Sync + Send,
    run: impl Fn(&mut S, u64) -> Result<T, R> + Sync + Send,
    mut sink: impl FnMut(u64, Vec<T>) -> Result<(), E>,
) -> Result<(), BlockError<R, E>>
where
    T: Send,
    R: Send,
{
    let mut at = runs.start;
    while at < runs.end {
        let end = at + BLOCK.min(runs.end - at);
        let block = pool
            .install(|| {
                (at..end)
                    .into_par_iter()
                    .map_init(&init, &run)
                    .collect::<Result<Vec<T>, R>>()
            })
            .map_err(BlockError::Run)?;
        sink(at, block).map_err(BlockError::Sink)?;
        at = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    fn collect(threads: usize, runs: Range<u64>) -> Vec<(u64, Vec<u64>)> {
        let mut got = Vec::new();
        run_blocks(
            &pool(threads),
            runs,
            || 0u64,
            |seen, r| {
                *seen += 1;
                Ok::<_, ()>(r * r)
            },
            |first, block| {
                got.push((first, block));
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        got
    }

    #[test]
    fn blocks_come_in_run_order_whatever_the_threads() {
        let one = collect(1, 10..10_000);
        assert_eq!(one, collect(2, 10..10_000));
        assert_eq!(
            one.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            [10, 4106, 8202]
        );
        let all: Vec<u64> = one.into_iter().flat_map(|(_, b)| b).collect();
        assert_eq!(all, (10..10_000u64).map(|r| r * r).collect::<Vec<_>>());
        assert!(collect(2, 5..5).is_empty());
    }

    #[test]
    fn errors_stop_the_runner() {
        let failed = run_blocks(
            &pool(2),
            0..10_000,
            || (),
            |_, r| if r == 5000 { Err(r) } else { Ok(r) },
            |_, _| Ok::<_, ()>(()),
        );
        assert_eq!(failed, Err(BlockError::Run(5000)));
        let mut blocks = 0;
        let refused = run_blocks(
            &pool(2),
            0..10_000,
            || (),
            |_, r| Ok::<_, ()>(r),
            |first, _| {
                blocks += 1;
                if first > 0 { Err("full") } else { Ok(()) }
            },
        );
        assert_eq!(refused, Err(BlockError::Sink("full")));
        assert_eq!(blocks, 2);
    }
}
