//! Per-client limits: a token bucket of requests per IP address, and a count of open
//! connections per IP, so one greedy or slow client cannot starve the others.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Requests per second per client, with a burst allowance.
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    pub fn new(rate_per_sec: f64, burst: f64) -> RateLimiter {
        RateLimiter {
            rate: rate_per_sec.max(0.0),
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `ip` may make a request at `now` (and count it).
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        let Ok(mut map) = self.buckets.lock() else {
            return true;
        };
        if map.len() > 10_000 {
            // Forget clients whose bucket has refilled: they lose nothing.
            let (rate, burst) = (self.rate, self.burst);
            map.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.last).as_secs_f64() * rate < burst
            });
        }
        let b = map.entry(ip).or_insert(Bucket {
            tokens: self.burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.rate).min(self.burst);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Open connections per client and in total.
pub struct ConnLimiter {
    per_ip: usize,
    total: usize,
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// Releases its connection slot when dropped.
pub struct ConnGuard {
    limiter: Arc<ConnLimiter>,
    ip: IpAddr,
}

impl ConnLimiter {
    pub fn new(per_ip: usize, total: usize) -> Arc<ConnLimiter> {
        Arc::new(ConnLimiter {
            per_ip,
            total,
            open: Mutex::new((0, HashMap::new())),
        })
    }

    pub fn acquire(self: &Arc<Self>, ip: IpAddr) -> Option<ConnGuard> {
        let mut open = self.open.lock().ok()?;
        let (total, map) = &mut *open;
        let n = map.entry(ip).or_insert(0);
        if *n >= self.per_ip || *total >= self.total {
            return None;
        }
        *n += 1;
        *total += 1;
        Some(ConnGuard {
            limiter: self.clone(),
            ip,
        })
    }
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        if let Ok(mut open) = self.limiter.open.lock() {
            let (total, map) = &mut *open;
            *total = total.saturating_sub(1);
            if let Some(n) = map.get_mut(&self.ip) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    map.remove(&self.ip);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bucket_allows_a_burst_then_the_rate_and_keeps_clients_apart() {
        let l = RateLimiter::new(10.0, 5.0);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        assert_eq!((0..8).filter(|_| l.allow(a, t0)).count(), 5);
        assert!(l.allow(b, t0), "another client is not affected");
        assert!(l.allow(a, t0 + Duration::from_millis(100)));
        assert!(!l.allow(a, t0 + Duration::from_millis(100)));
    }

    #[test]
    fn connection_slots_are_counted_and_released() {
        let c = ConnLimiter::new(2, 3);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let g1 = c.acquire(a).unwrap();
        let _g2 = c.acquire(a).unwrap();
        assert!(c.acquire(a).is_none());
        let _g3 = c.acquire(b).unwrap();
        assert!(c.acquire(b).is_none(), "total reached");
        drop(g1);
        assert!(c.acquire(a).is_some());
    }
}
