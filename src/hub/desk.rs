//! A desk's link to its hub: one sync on demand (commands), or a background thread that keeps
//! syncing (the open desk, the claim server, `issue --watch`) and says how it goes.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use time::OffsetDateTime;

use super::{Hub, HubConfig, HubError, SyncReport};
use crate::store::Store;

/// How a desk stands with its hub, for a status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HubState {
    /// The last sync worked.
    pub online: bool,
    /// When the last sync worked.
    pub last_ok: Option<OffsetDateTime>,
    /// Since when the hub has not answered (None while online).
    pub offline_since: Option<OffsetDateTime>,
    /// This desk's facts the hub lacks.
    pub unsent: i64,
    /// Why the last sync failed.
    pub last_error: Option<String>,
    /// This desk's clock minus the hub's (ms), as last measured.
    pub skew_ms: Option<i64>,
    /// Completed syncs (tests and benches wait on it).
    pub syncs: u64,
}

/// Sync once with the event's hub, if it has one. `Ok(None)`: no hub configured.
pub fn sync_once(event_dir: &Path, store: &mut Store) -> Result<Option<SyncReport>, HubError> {
    let Some(config) = HubConfig::load(event_dir)? else {
        return Ok(None);
    };
    let mut hub = Hub::connect(&config.url)?;
    Ok(Some(hub.sync(store)?))
}

/// A thread that syncs the desk's database with the hub: at once when woken (a tick was just
/// committed), else every `interval`. It opens its own connection to the event database and
/// reconnects to the hub by itself.
pub struct Syncer {
    wake: Option<mpsc::Sender<()>>,
    state: Arc<Mutex<HubState>>,
    thread: Option<JoinHandle<()>>,
}

/// Called on the syncing thread after every sync that worked.
pub type OnSync = Box<dyn FnMut(&SyncReport) + Send>;

impl Syncer {
    pub fn start(
        db_path: PathBuf,
        config: HubConfig,
        interval: Duration,
        mut on_sync: OnSync,
    ) -> Syncer {
        let state = Arc::new(Mutex::new(HubState::default()));
        let (wake, woken) = mpsc::channel::<()>();
        let shared = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("hub-sync".into())
            .spawn(move || {
                let mut store = None;
                let mut hub: Option<Hub> = None;
                loop {
                    let result = sync_step(&db_path, &config, &mut store, &mut hub);
                    let now = OffsetDateTime::now_utc();
                    {
                        let Ok(mut st) = shared.lock() else { return };
                        match &result {
                            Ok(report) => {
                                st.online = true;
                                st.last_ok = Some(now);
                                st.offline_since = None;
                                st.last_error = None;
                                st.skew_ms = Some(report.skew_ms);
                                st.unsent = report.unsent;
                            }
                            Err(e) => {
                                // Ticks made while offline still count as waiting.
                                if let Some(n) = store.as_ref().and_then(|s| s.unsent_count().ok())
                                {
                                    st.unsent = n;
                                }
                                if st.online || st.offline_since.is_none() {
                                    st.offline_since = Some(now);
                                }
                                st.online = false;
                                st.last_error = Some(e.to_string());
                                // A broken connection is dropped; the next round reconnects.
                                hub = None;
                            }
                        }
                        st.syncs += 1;
                    }
                    if let Ok(report) = &result {
                        on_sync(report);
                    }
                    match woken.recv_timeout(interval) {
                        Ok(()) => while woken.try_recv().is_ok() {},
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .ok();
        Syncer {
            wake: Some(wake),
            state,
            thread,
        }
    }

    /// Sync now (after a local commit).
    pub fn wake(&self) {
        if let Some(wake) = &self.wake {
            let _ = wake.send(());
        }
    }

    pub fn state(&self) -> HubState {
        self.state.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        // Closing the channel ends the thread after its current sync.
        self.wake = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn sync_step(
    db_path: &Path,
    config: &HubConfig,
    store: &mut Option<Store>,
    hub: &mut Option<Hub>,
) -> Result<SyncReport, HubError> {
    if store.is_none() {
        *store = Some(Store::open(db_path)?);
    }
    if hub.is_none() {
        *hub = Some(Hub::connect(&config.url)?);
    }
    match (store.as_mut(), hub.as_mut()) {
        (Some(store), Some(hub)) => hub.sync(store),
        _ => Err(HubError::NoDesk),
    }
}
