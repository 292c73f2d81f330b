//! Group commit on a node's journal: the node queues each change's entries in its chain's
//! order (under the chain's lock), and one writer thread appends whatever is queued with one
//! disk sync, then answers each write. Nothing is acknowledged before its answer; a failed
//! append stops the node from acknowledging anything more (fail-stop).

use plasma_storage::{Journal, RootChainMark};
use std::{
    sync::{Arc, Mutex, mpsc},
    thread::JoinHandle,
};
use tokio::sync::oneshot;

/// Whether a queued write is durable (or why not).
pub type Durable = Result<(), String>;

enum Msg {
    /// Append these entries (and the mark, if any), then say so.
    Write { entries: Vec<Vec<u8>>, mark: Option<RootChainMark>, done: oneshot::Sender<Durable> },
    /// Stop after what is queued before this.
    Stop,
}

/// Where the node queues its journal writes; cheap to clone.
#[derive(Clone)]
pub struct JournalQueue {
    to_writer: mpsc::Sender<Msg>,
}

/// A write queued for the journal.
#[must_use = "a change is acknowledged only once its write is durable"]
pub struct QueuedWrite(oneshot::Receiver<Durable>);

/// The writer thread, stopped with [`JournalWriter::stop`].
pub struct JournalWriter {
    to_writer: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
}

/// Starts the writer thread `name` on `journal`; a failed append is recorded in `failure`.
pub fn start_journal_writer(
    name: &str,
    journal: Arc<Journal>,
    failure: Arc<Mutex<Option<String>>>,
) -> std::io::Result<(JournalQueue, JournalWriter)> {
    let (to_writer, queue) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || write_journal(&journal, &queue, &failure))?;
    let writer = JournalWriter { to_writer: to_writer.clone(), thread: Some(thread) };
    Ok((JournalQueue { to_writer }, writer))
}

impl JournalQueue {
    /// Queues `entries` (and the root-chain `mark` they bring the node to, if any).
    pub fn write(&self, entries: Vec<Vec<u8>>, mark: Option<RootChainMark>) -> QueuedWrite {
        let (done, answer) = oneshot::channel();
        // A writer that has stopped drops `done`: `durable` then says so.
        let _ = self.to_writer.send(Msg::Write { entries, mark, done });
        QueuedWrite(answer)
    }
}

impl QueuedWrite {
    /// Waits until the write is durable.
    pub async fn durable(self) -> Durable {
        self.0.await.unwrap_or_else(|_| Err("the journal writer has stopped".into()))
    }
}

impl JournalWriter {
    /// Stops the writer once what is queued is durable (the journal's file is closed when
    /// this returns, if the node holds no other handle on it).
    pub async fn stop(mut self) {
        let _ = self.to_writer.send(Msg::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

/// Takes every write queued, appends them with one disk sync, then answers each; on a
/// failure records why and stops.
fn write_journal(journal: &Journal, queue: &mpsc::Receiver<Msg>, failure: &Mutex<Option<String>>) {
    let mut stopping = false;
    while !stopping && let Ok(first) = queue.recv() {
        let (mut entries, mut mark, mut waiting) = (Vec::new(), None, Vec::new());
        for msg in std::iter::once(first).chain(std::iter::from_fn(|| queue.try_recv().ok())) {
            match msg {
                Msg::Write { entries: more, mark: at, done } => {
                    entries.extend(more);
                    mark = at.or(mark);
                    waiting.push(done);
                }
                Msg::Stop => {
                    stopping = true;
                    break;
                }
            }
        }
        let result = if entries.is_empty() && mark.is_none() {
            Ok(())
        } else {
            journal.append(&entries, mark.as_ref()).map_err(|e| format!("the journal failed: {e}"))
        };
        if let Err(reason) = &result {
            tracing::error!(%reason, "the node stopped acknowledging");
            *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.clone());
            stopping = true;
        }
        for done in waiting {
            let _ = done.send(result.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes queued side by side share disk syncs, come back in queue order with the last
    /// mark, and are all durable once answered; after `stop`, a write is refused, not lost
    /// silently.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_writes_share_syncs_and_keep_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Arc::new(Journal::open(dir.path().join("j.redb")).unwrap());
        let failure = Arc::new(Mutex::new(None));
        let (queue, writer) =
            start_journal_writer("test-journal", journal.clone(), failure).unwrap();
        let writes: Vec<QueuedWrite> = (0..200u32)
            .map(|i| {
                let mark = RootChainMark { next_block: u64::from(i), last_read: None };
                queue.write(vec![i.to_be_bytes().to_vec()], Some(mark))
            })
            .collect();
        for write in writes {
            write.durable().await.unwrap();
        }
        let (entries, mark) = journal.load().unwrap();
        let expected: Vec<Vec<u8>> = (0..200u32).map(|i| i.to_be_bytes().to_vec()).collect();
        assert_eq!(entries, expected);
        assert_eq!(mark.map(|m| m.next_block), Some(199));
        assert!(journal.writes() < 200, "{} syncs for 200 writes", journal.writes());
        writer.stop().await;
        let late = queue.write(vec![b"late".to_vec()], None).durable().await;
        assert_eq!(late, Err("the journal writer has stopped".into()));
    }
}
