//! Cooperative cancellation: a caller can ask a run in progress to stop.
//!
//! A [`Cancel`] is a shared flag. The caller that wants to be able to stop a run [`enter`]s the
//! token on the thread that runs it; the iterative models (`eum`, `smp`, `exchange`, the war
//! model's ensemble) look at the flag between rounds, turns or runs and, once it is set, stop
//! and return an error, which [`crate::output::run`] reports as [`RunError::Stopped`]. A run
//! nobody stops is bit for bit the run it would be without a token: looking costs one relaxed
//! atomic load per round and changes no number.
//!
//! The core reads no clock: a caller with a time budget sets the flag itself when the time is
//! up ([`Cancel::stop`] with [`Stop::OutOfTime`]), from a timer of its own.
//!
//! The token is per thread. Code that fans work out to other threads (rayon in
//! detente-report) takes [`current`] before and enters it in each task.
//!
//! [`enter`]: Cancel::enter
//! [`RunError::Stopped`]: crate::output::RunError::Stopped

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::model::ModelError;

/// Why a run was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Stop {
    /// The one who asked for the run no longer waits for it (e.g. the client hung up).
    #[error("the run was cancelled")]
    Cancelled,
    /// The run's time budget is spent.
    #[error("the run took longer than its time budget")]
    OutOfTime,
}

impl From<Stop> for ModelError {
    fn from(s: Stop) -> ModelError {
        ModelError {
            message: s.to_string(),
            help: None,
        }
    }
}

const RUNNING: u8 = 0;
const CANCELLED: u8 = 1;
const OUT_OF_TIME: u8 = 2;

/// A flag that stops the runs on every thread that entered it. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicU8>);

impl Cancel {
    /// A token not yet stopped.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks every run under this token to stop. The first reason given is kept.
    pub fn stop(&self, why: Stop) {
        let v = match why {
            Stop::Cancelled => CANCELLED,
            Stop::OutOfTime => OUT_OF_TIME,
        };
        let _ = self
            .0
            .compare_exchange(RUNNING, v, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Why the token was stopped, if it was.
    pub fn stopped(&self) -> Option<Stop> {
        match self.0.load(Ordering::Relaxed) {
            RUNNING => None,
            CANCELLED => Some(Stop::Cancelled),
            _ => Some(Stop::OutOfTime),
        }
    }

    /// Makes this the token of the current thread until the guard is dropped (which restores
    /// the one before, so entering nests).
    pub fn enter(&self) -> Entered {
        let previous = CURRENT.with(|c| c.replace(Some(self.clone())));
        Entered { previous }
    }
}

/// The current thread's token while it lives; see [`Cancel::enter`].
#[must_use = "the token is the thread's only while the guard lives"]
pub struct Entered {
    previous: Option<Cancel>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

/// The current thread's token, to enter on the threads a task fans out to.
pub fn current() -> Option<Cancel> {
    CURRENT.with(|c| c.borrow().clone())
}

/// `Err` once the current thread's token is stopped; `Ok` without a token.
pub fn check() -> Result<(), Stop> {
    match CURRENT.with(|c| c.borrow().as_ref().and_then(Cancel::stopped)) {
        Some(s) => Err(s),
        None => Ok(()),
    }
}

/// Whether the current thread's token is stopped: what the models' loops look at.
#[inline]
pub fn stopped() -> bool {
    check().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_stops_only_the_threads_that_entered_it() {
        assert_eq!(check(), Ok(()));
        let t = Cancel::new();
        let _in = t.enter();
        assert_eq!(check(), Ok(()));
        t.stop(Stop::OutOfTime);
        t.stop(Stop::Cancelled);
        assert_eq!(check(), Err(Stop::OutOfTime));
        std::thread::scope(|s| {
            s.spawn(|| assert_eq!(check(), Ok(())));
            s.spawn(|| {
                let _in = t.enter();
                assert!(stopped());
            });
        });
    }

    #[test]
    fn entering_nests() {
        let outer = Cancel::new();
        let inner = Cancel::new();
        let _o = outer.enter();
        {
            let _i = inner.enter();
            inner.stop(Stop::Cancelled);
            assert_eq!(check(), Err(Stop::Cancelled));
        }
        assert_eq!(check(), Ok(()));
        drop(_o);
        assert!(current().is_none());
    }
}
