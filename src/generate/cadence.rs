//! Where each customer is in its ordering cycle, and so how likely it is to be drawn
//! for the next order.

/// Where a customer is in its ordering cycle. Drawing customers by rate alone gives
/// Poisson timing (random long gaps that look like churn); scaling the rate by the phase
/// makes each customer order at a fairly regular rhythm instead.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    JustOrdered,
    Normal,
    Due,
}

impl Phase {
    /// Percent of the customer's rate used as its drawing weight.
    pub(super) fn weight_percent(self) -> u64 {
        match self {
            Phase::JustOrdered => 10,
            Phase::Normal => 100,
            Phase::Due => 300,
        }
    }
}

/// A phase change scheduled for a later day; stale once the customer orders again.
pub(super) struct PhaseChange {
    pub(super) customer: u32,
    pub(super) version: u32,
    pub(super) phase: Phase,
}

pub(super) struct Cadence {
    /// Current rate units (from the lifecycle events).
    pub(super) rate: Vec<u64>,
    pub(super) phase: Vec<Phase>,
    pub(super) version: Vec<u32>,
    /// Phase changes by day; each day's list is dropped once processed.
    pub(super) scheduled: Vec<Vec<PhaseChange>>,
    pub(super) days_per_unit: f64,
}

impl Cadence {
    pub(super) fn new(n_customers: usize, days: u32, days_per_unit: f64) -> Cadence {
        Cadence {
            rate: vec![0; n_customers],
            phase: vec![Phase::Normal; n_customers],
            version: vec![0; n_customers],
            scheduled: (0..days).map(|_| Vec::new()).collect(),
            days_per_unit,
        }
    }

    pub(super) fn weight(&self, customer: usize) -> u64 {
        self.rate[customer] * self.phase[customer].weight_percent()
    }

    /// Starts a new cycle from an order placed at `last_order` (a day, possibly before
    /// the period): normal again after 40 % of the customer's interval, due after 90 %.
    pub(super) fn restart(&mut self, customer: usize, last_order: f64, today: u32) {
        self.version[customer] += 1;
        self.phase[customer] = Phase::JustOrdered;
        let rate = self.rate[customer];
        if rate == 0 {
            return;
        }
        let interval = self.days_per_unit / rate as f64;
        for (phase, share) in [(Phase::Normal, 0.4), (Phase::Due, 0.9)] {
            let at = last_order + share * interval;
            if at <= today as f64 {
                self.phase[customer] = phase;
            } else if let Some(list) = self.scheduled.get_mut(at.ceil() as usize) {
                list.push(PhaseChange {
                    customer: customer as u32,
                    version: self.version[customer],
                    phase,
                });
            }
        }
    }

    /// Applies the day's scheduled phase changes; returns the customers whose weight changed.
    pub(super) fn take_changes(&mut self, day: u32) -> Vec<usize> {
        let changes = std::mem::take(&mut self.scheduled[day as usize]);
        let mut changed = Vec::with_capacity(changes.len());
        for change in changes {
            let c = change.customer as usize;
            if self.version[c] == change.version {
                self.phase[c] = change.phase;
                changed.push(c);
            }
        }
        changed
    }
}
