//! The watcher engine's loop, written once for every family: judge what is new on the root
//! chain every poll, post each alarm to the webhook, retry a failed round, and stop for good
//! on an error the family says it cannot go on from (a reorg deeper than its confirmations).
//! The payment watcher ([`crate::Watcher`]) and the coin watcher ([`crate::CoinWatcher`])
//! plug in through [`Judge`].

use std::{future::Future, time::Duration};

/// One family's judge of the root chain, as the loop drives it.
pub trait Judge: Send {
    /// What a round reports (logged by the judge itself; alarms are also posted).
    type Event: serde::Serialize + std::fmt::Debug + Send + Sync;
    /// Why a round failed.
    type Error: std::fmt::Display + Send;

    /// One round: read what is new, judge it, act on it; the events it raised.
    fn judge(&mut self) -> impl Future<Output = Result<Vec<Self::Event>, Self::Error>> + Send;

    /// Whether `event` needs a person (is posted to the webhook).
    fn is_alarm(event: &Self::Event) -> bool;

    /// Whether the loop must stop after `error` instead of retrying it.
    fn must_stop(error: &Self::Error) -> bool;
}

/// Runs `judge` every `poll` until a round fails with an error it must stop on, which is
/// returned (and logged as an error). Alarms are POSTed as JSON to `webhook`, if given; a
/// webhook that fails is logged, never fatal.
pub async fn run_judge<J: Judge>(
    mut judge: J,
    poll: Duration,
    webhook: Option<String>,
) -> J::Error {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().ok();
    loop {
        match judge.judge().await {
            Ok(events) => {
                if let (Some(url), Some(http)) = (&webhook, &http) {
                    for event in events.iter().filter(|e| J::is_alarm(e)) {
                        alert(http, url, event).await;
                    }
                }
            }
            Err(e) if J::must_stop(&e) => {
                tracing::error!(%e, "watcher stopped; restart it");
                return e;
            }
            Err(e) => tracing::warn!(%e, "watcher round failed; retrying"),
        }
        tokio::time::sleep(poll).await;
    }
}

/// POSTs `event` as JSON to the webhook; a failure is logged, never fatal.
async fn alert(http: &reqwest::Client, url: &str, event: &impl serde::Serialize) {
    if let Err(e) = http.post(url).json(event).send().await.and_then(|r| r.error_for_status()) {
        tracing::warn!(%e, url, "webhook alert failed");
    }
}
