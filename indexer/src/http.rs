//! The read-only HTTP API for auditors' tools: `GET /v1/history`,
//! `GET /v1/status` (JSON) and `GET /metrics` (Prometheus text). Loopback
//! by default; it changes nothing, whatever it is asked.

use crate::{follow::Progress, store::Store};
use ehr::index::HistoryQuery;
use http_body_util::Full;
use hyper::{
	body::{Bytes, Incoming},
	header::CONTENT_TYPE,
	server::conn::http1,
	service::service_fn,
	Method, Request, Response, StatusCode,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::{
	convert::Infallible,
	sync::{atomic::Ordering, Arc},
	time::Duration,
};
use tokio::net::TcpListener;

type Reply = Response<Full<Bytes>>;

fn reply(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Reply {
	Response::builder()
		.status(status)
		.header(CONTENT_TYPE, content_type)
		.body(Full::new(body.into()))
		.expect("a static status and header")
}

fn json(value: &impl serde::Serialize) -> Reply {
	reply(StatusCode::OK, "application/json", serde_json::to_vec(value).expect("serializes"))
}

fn error(status: StatusCode, message: impl std::fmt::Display) -> Reply {
	reply(status, "text/plain; charset=utf-8", format!("{message}\n"))
}

/// The metrics, in Prometheus' text format.
fn metrics(progress: &Progress, events: u64) -> String {
	let indexed = progress.indexed.load(Ordering::Relaxed);
	let finalized = progress.finalized.load(Ordering::Relaxed);
	let gauge = |name: &str, help: &str, value: u64| {
		format!("# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n")
	};
	[
		gauge("ehr_indexer_indexed_block", "Last block written to the index.", indexed),
		gauge("ehr_indexer_finalized_block", "Finalized head the indexer last saw.", finalized),
		gauge(
			"ehr_indexer_lag_blocks",
			"Finalized blocks not yet in the index.",
			finalized.saturating_sub(indexed),
		),
		gauge("ehr_indexer_events", "Events held in the index.", events),
	]
	.concat()
}

async fn handle(store: &Store, progress: &Progress, request: Request<Incoming>) -> Reply {
	if request.method() != Method::GET {
		return error(StatusCode::METHOD_NOT_ALLOWED, "read-only: GET only");
	}
	let finalized = progress.finalized.load(Ordering::Relaxed);
	match request.uri().path() {
		"/v1/history" => {
			let query: HistoryQuery =
				match serde_urlencoded::from_str(request.uri().query().unwrap_or("")) {
					Ok(query) => query,
					Err(e) => return error(StatusCode::BAD_REQUEST, e),
				};
			let (subject, window) = match query.parts() {
				Ok(parts) => parts,
				Err(e) => return error(StatusCode::BAD_REQUEST, e),
			};
			match store.history(&subject, &window).await {
				Ok(entries) => json(&entries),
				Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, e),
			}
		}
		"/v1/status" => match store.status(finalized).await {
			Ok(status) => json(&status),
			Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, e),
		},
		"/metrics" => match store.status(finalized).await {
			Ok(status) => {
				reply(StatusCode::OK, "text/plain; version=0.0.4", metrics(progress, status.events))
			}
			Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, e),
		},
		_ => error(StatusCode::NOT_FOUND, "try /v1/history, /v1/status or /metrics"),
	}
}

/// Connections served at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 64;

/// Serves the API on `listener` until the task is dropped. A client gets
/// 10 s to send its request head.
pub async fn serve(listener: TcpListener, store: Arc<Store>, progress: Arc<Progress>) {
	let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
	loop {
		let slot = slots.clone().acquire_owned().await.expect("the semaphore is never closed");
		let stream = match listener.accept().await {
			Ok((stream, _)) => stream,
			Err(e) => {
				// Out of file descriptors, say: wait, then go on serving.
				eprintln!("accepting a connection: {e}");
				tokio::time::sleep(Duration::from_millis(100)).await;
				continue;
			}
		};
		let (store, progress) = (store.clone(), progress.clone());
		tokio::spawn(async move {
			let service = service_fn(|request| {
				let (store, progress) = (store.clone(), progress.clone());
				async move { Ok::<_, Infallible>(handle(&store, &progress, request).await) }
			});
			// A client that hangs up mid-request is its own business.
			let _ = http1::Builder::new()
				.timer(TokioTimer::new())
				.header_read_timeout(Duration::from_secs(10))
				.serve_connection(TokioIo::new(stream), service)
				.await;
			drop(slot);
		});
	}
}
