//! Starts the real `ehr-node` binary and a real kubo daemon for a test and
//! stops them afterwards.
// Each test crate uses part of this module.
#![allow(dead_code)]

use ehr::chain;
use serde_json::Value;
use std::{
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, Output, Stdio},
	time::{Duration, Instant},
};

/// A `--dev --tmp` node on free loopback ports, killed on drop.
pub struct DevNode {
	child: Child,
	args: Vec<String>,
	rpc: u16,
	pub ws_url: String,
}

/// Whether a JSON-RPC server answers `system_health` over HTTP on `port`.
fn answers_rpc(port: u16) -> bool {
	use std::io::{Read, Write};
	let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
		return false;
	};
	let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
	let body = r#"{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}"#;
	let request = format!(
		"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	);
	let mut reply = String::new();
	stream.write_all(request.as_bytes()).is_ok()
		&& stream.read_to_string(&mut reply).is_ok()
		&& reply.contains("\"jsonrpc\"")
}

pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// The workspace binary `name` cargo built next to this test
/// (`target/<profile>/NAME`).
pub fn workspace_binary(name: &str, package: &str) -> PathBuf {
	let exe = std::env::current_exe().expect("test executable path");
	let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
	let binary = profile_dir.join(name);
	assert!(
		binary.exists(),
		"{} is missing: build it with `cargo build --release -p {package}`",
		binary.display()
	);
	binary
}

/// The node binary (`$EHR_NODE_BIN`, or the one cargo built).
pub fn node_binary() -> PathBuf {
	match std::env::var_os("EHR_NODE_BIN") {
		Some(path) => path.into(),
		None => workspace_binary("ehr-node", "ehr-node"),
	}
}

/// The `ehr` binary: cargo's own for the client's tests, the one built
/// beside them for other packages'.
pub fn ehr_binary() -> PathBuf {
	match option_env!("CARGO_BIN_EXE_ehr") {
		Some(path) => path.into(),
		None => workspace_binary("ehr", "ehr-client"),
	}
}

/// The storage agent's binary, built beside the test.
pub fn storage_agent_binary() -> PathBuf {
	workspace_binary("ehr-storage-agent", "ehr-storage-agent")
}

impl DevNode {
	/// Starts the node and waits until its RPC port accepts connections.
	pub fn start() -> DevNode {
		Self::launch(&["--tmp"])
	}

	/// A `--tmp` node started with `flags` too (a pruning setting, ...).
	pub fn start_with(flags: &[&str]) -> DevNode {
		Self::launch(&[&["--tmp"], flags].concat())
	}

	/// A node keeping its chain in `base`, so that a node started again on
	/// it finds the same chain.
	pub fn start_in(base: &Path) -> DevNode {
		Self::launch(&["--base-path", base.to_str().expect("UTF-8 path")])
	}

	/// Starts a node on free ports; if it dies before its RPC answers (a
	/// port another test's process took between our probe and its bind),
	/// tries again on other ports.
	fn launch(storage: &[&str]) -> DevNode {
		let mut failures = Vec::new();
		for _ in 0..3 {
			let rpc = free_port();
			let p2p = free_port();
			let mut args: Vec<String> = ["--dev", "--no-prometheus", "--no-telemetry", "--no-mdns"]
				.iter()
				.chain(storage)
				.map(|arg| arg.to_string())
				.collect();
			args.extend(["--rpc-port".into(), rpc.to_string()]);
			args.extend(["--listen-addr".into(), format!("/ip4/127.0.0.1/tcp/{p2p}")]);
			let mut node = DevNode {
				child: Self::spawn(&args),
				args,
				rpc,
				ws_url: format!("ws://127.0.0.1:{rpc}"),
			};
			match node.wait_for_rpc() {
				Ok(()) => return node,
				Err(why) => failures.push(why),
			}
		}
		panic!("ehr-node did not start: {failures:?}");
	}

	fn spawn(args: &[String]) -> Child {
		Command::new(node_binary())
			.args(args)
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.expect("start ehr-node")
	}

	/// Waits until this node's process answers JSON-RPC on its port (a
	/// port that merely accepts connections may be another process's).
	fn wait_for_rpc(&mut self) -> Result<(), String> {
		let deadline = Instant::now() + Duration::from_secs(60);
		loop {
			if let Ok(Some(status)) = self.child.try_wait() {
				return Err(format!("exited ({status}) before answering on port {}", self.rpc));
			}
			if answers_rpc(self.rpc) {
				return Ok(());
			}
			if Instant::now() > deadline {
				return Err(format!("no JSON-RPC answer on port {} in 60 s", self.rpc));
			}
			std::thread::sleep(Duration::from_millis(200));
		}
	}

	/// Kills the node (SIGKILL) and starts it again with the same storage
	/// and ports: clients see their node go away and come back.
	pub fn restart(&mut self) {
		self.kill();
		self.child = Self::spawn(&self.args);
		self.wait_for_rpc().expect("the restarted node answers on its port");
	}

	/// Kills the node at once (SIGKILL), as a crash or power cut would.
	pub fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

impl Drop for DevNode {
	fn drop(&mut self) {
		self.kill();
	}
}

/// The checkout under test: from `CARGO_MANIFEST_DIR` as cargo (or
/// `scripts/test`) sets it when it runs the test. The path compiled in is
/// only a fallback: the shared target directory may hold a test binary built
/// in another checkout of the same sources, which cargo then calls fresh.
pub fn workspace_root() -> PathBuf {
	let package =
		std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or(env!("CARGO_MANIFEST_DIR").into());
	PathBuf::from(package).join("..")
}

/// One of the workspace's `scripts/`.
pub fn script(name: &str) -> PathBuf {
	workspace_root().join("scripts").join(name)
}

/// A kubo daemon for one test; stopped on drop.
pub struct Kubo {
	data: tempfile::TempDir,
	ports: [u16; 3],
	pub api: String,
}

impl Kubo {
	fn script(data: &std::path::Path, ports: [u16; 3], action: &str) -> std::process::Output {
		Command::new(script("ipfs"))
			.arg(action)
			.env("EHR_DATA_DIR", data)
			.env("EHR_IPFS_API_PORT", ports[0].to_string())
			.env("EHR_IPFS_SWARM_PORT", ports[1].to_string())
			.env("EHR_IPFS_GATEWAY_PORT", ports[2].to_string())
			.output()
			.expect("run scripts/ipfs")
	}

	pub fn start() -> Kubo {
		let data = tempfile::tempdir().expect("tempdir");
		let ports = [free_port(), free_port(), free_port()];
		let out = Self::script(data.path(), ports, "start");
		assert!(
			out.status.success(),
			"scripts/ipfs start: {}",
			String::from_utf8_lossy(&out.stderr)
		);
		Kubo { api: format!("http://127.0.0.1:{}", ports[0]), data, ports }
	}

	/// The kubo repository (`IPFS_PATH`) of this daemon.
	pub fn repo(&self) -> PathBuf {
		self.data.path().join("ipfs")
	}

	pub fn stop(&self) {
		Self::script(self.data.path(), self.ports, "stop");
	}

	/// Sends the daemon `signal` (`-STOP`, `-CONT`, `-9`).
	pub fn signal(&self, signal: &str) {
		let pid = std::fs::read_to_string(self.repo().join("daemon.pid")).expect("kubo's pid file");
		let sent = Command::new("kill").args([signal, pid.trim()]).status().expect("run kill");
		assert!(sent.success(), "kill {signal} kubo");
	}

	/// Kills the daemon at once (SIGKILL), as a crash would.
	pub fn kill(&self) {
		self.signal("-9");
		std::fs::remove_file(self.repo().join("daemon.pid")).expect("remove the pid file");
	}

	/// Starts the daemon again on the same repository and ports.
	pub fn restart(&self) {
		let out = Self::script(self.data.path(), self.ports, "start");
		assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	}
}

impl Drop for Kubo {
	fn drop(&mut self) {
		self.stop();
	}
}

/// A throwaway PostgreSQL cluster (`scripts/postgres`) on a free loopback
/// port; stopped on drop.
pub struct Postgres {
	data: tempfile::TempDir,
	port: u16,
	pub url: String,
}

impl Postgres {
	fn script(data: &Path, port: u16, action: &str) -> Output {
		Command::new(script("postgres"))
			.arg(action)
			.env("EHR_DATA_DIR", data)
			.env("EHR_PG_PORT", port.to_string())
			.output()
			.expect("run scripts/postgres")
	}

	pub fn start() -> Postgres {
		let data = tempfile::tempdir().expect("tempdir");
		let port = free_port();
		let out = Self::script(data.path(), port, "start");
		assert!(
			out.status.success(),
			"scripts/postgres start: {}",
			String::from_utf8_lossy(&out.stderr)
		);
		let url = String::from_utf8(Self::script(data.path(), port, "url").stdout).unwrap();
		Postgres { data, port, url: url.trim().to_string() }
	}
}

impl Drop for Postgres {
	fn drop(&mut self) {
		Self::script(self.data.path(), self.port, "stop");
	}
}

pub const PASSPHRASE: &str = "correct horse battery staple";

/// Runs `ehr` as a user with keystore `who` would.
pub struct World {
	pub node: DevNode,
	pub kubo: Kubo,
	pub dir: tempfile::TempDir,
}

impl World {
	pub fn keystore(&self, who: &str) -> PathBuf {
		self.dir.path().join(format!("{who}.json"))
	}

	/// `ehr ARGS` as `who`, printing text.
	pub fn plain(&self, who: &str, args: &[&str]) -> Command {
		let mut cmd = Command::new(ehr_binary());
		cmd.args(args)
			.env("XDG_CONFIG_HOME", self.dir.path())
			.env("EHR_NODE_URL", &self.node.ws_url)
			.env("EHR_IPFS_URL", &self.kubo.api)
			.env("EHR_KEYSTORE", self.keystore(who))
			.env("EHR_PASSPHRASE", PASSPHRASE)
			.env_remove("EHR_SURI");
		cmd
	}

	/// `ehr ARGS --json` as `who`.
	pub fn command(&self, who: &str, args: &[&str]) -> Command {
		let mut cmd = self.plain(who, args);
		cmd.arg("--json");
		cmd
	}

	pub fn run(&self, who: &str, args: &[&str]) -> Output {
		self.command(who, args).output().expect("run ehr")
	}

	/// Runs a step that must succeed; returns its JSON output.
	pub fn ok(&self, who: &str, args: &[&str]) -> Value {
		let out = self.run(who, args);
		assert!(
			out.status.success(),
			"{who}: ehr {}: {}",
			args.join(" "),
			String::from_utf8_lossy(&out.stderr)
		);
		serde_json::from_slice(&out.stdout).expect("--json output")
	}

	/// Runs a step that must fail with exit code `code` and an error
	/// mentioning `needle`; returns stderr.
	pub fn fails(&self, who: &str, args: &[&str], code: i32, needle: &str) -> String {
		let out = self.run(who, args);
		let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
		assert_eq!(out.status.code(), Some(code), "{who}: ehr {}: {stderr}", args.join(" "));
		assert!(stderr.contains(needle), "{who}: ehr {}: {stderr}", args.join(" "));
		assert!(!stderr.contains(PASSPHRASE) && out.stdout.is_empty());
		stderr
	}

	pub fn import(&self, who: &str, suri: &str) -> String {
		let out = self.command(who, &["keys", "import"]).env("EHR_SURI", suri).output().unwrap();
		assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
		let keys: Value = serde_json::from_slice(&out.stdout).unwrap();
		keys["account"].as_str().unwrap().to_string()
	}

	pub fn file(&self, name: &str, bytes: &[u8]) -> String {
		let path = self.dir.path().join(name);
		std::fs::write(&path, bytes).unwrap();
		path.to_str().unwrap().to_string()
	}

	pub fn out_path(&self, name: &str) -> String {
		self.dir.path().join(name).to_str().unwrap().to_string()
	}

	/// The paper's cast on a dev chain: hospital 1's registrar (//Alice)
	/// registers a doctor (//Dave) and a pharmacist (//Eve) from their
	/// consents; a patient (//Charlie) registers itself. Returns the
	/// patient's, doctor's and pharmacist's accounts.
	pub fn paper_cast(&self) -> (String, String, String) {
		self.import("registrar", "//Alice");
		let patient = self.import("patient", "//Charlie");
		let doctor = self.import("doctor", "//Dave");
		let pharmacist = self.import("pharmacist", "//Eve");
		for (who, role) in [("doctor", "doctor"), ("pharmacist", "pharmacist")] {
			let consent = self.run(who, &["user", "consent", "--role", role, "--hospital", "1"]);
			let consent = self.file(&format!("{who}.consent.json"), &consent.stdout);
			self.ok("registrar", &["user", "register", "--consent", &consent]);
		}
		self.ok("patient", &["user", "register"]);
		(patient, doctor, pharmacist)
	}

	pub fn record(&self, id: u64) -> Value {
		self.ok("auditor", &["access", "list", &id.to_string()])
	}
}

/// The accounts holding a grant in `ehr access list --json` output, sorted.
pub fn readers(record: &Value) -> Vec<String> {
	let mut who: Vec<String> = record["grants"]
		.as_array()
		.unwrap()
		.iter()
		.map(|g| g["account"].as_str().unwrap().to_string())
		.collect();
	who.sort();
	who
}

/// Waits until the node answers the client. A node that keeps refusing is
/// reported with the first error too: the last one may only be the symptom.
pub async fn wait_for_node(url: &str) -> chain::Client {
	let mut errors = Vec::new();
	for _ in 0..120 {
		match chain::connect(url).await {
			Ok(client) => return client,
			Err(chain::ChainError::MetadataMismatch) => panic!(
				"{} runs another runtime than the client was built for: build this checkout (scripts/test does)",
				node_binary().display()
			),
			Err(e) => errors.push(format!("{e:?}")),
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	panic!(
		"cannot connect to the dev node: first {}, last {}",
		errors[0],
		errors[errors.len() - 1]
	);
}

/// The one block file in a kubo repo whose bytes are `content`.
pub fn block_file(repo: &Path, content: &[u8]) -> PathBuf {
	files_where(&repo.join("blocks"), |bytes| bytes == content)
		.pop()
		.expect("no block file holds the ciphertext")
}

/// Every file under `dir` whose bytes satisfy `holds`.
pub fn files_where(dir: &Path, holds: impl Fn(&[u8]) -> bool) -> Vec<PathBuf> {
	let mut found = Vec::new();
	let mut stack = vec![dir.to_path_buf()];
	while let Some(dir) = stack.pop() {
		for entry in std::fs::read_dir(dir).unwrap() {
			let path = entry.unwrap().path();
			if path.is_dir() {
				stack.push(path);
			} else if std::fs::read(&path).is_ok_and(|bytes| holds(&bytes)) {
				found.push(path);
			}
		}
	}
	found
}

/// POSTs `call` (a command and its query) to kubo's RPC API at `api`;
/// returns the JSON reply.
pub async fn kubo_rpc(api: &str, call: &str, form: Option<reqwest::multipart::Form>) -> Value {
	let mut request = reqwest::Client::new().post(format!("{api}/api/v0/{call}"));
	if let Some(form) = form {
		request = request.multipart(form);
	}
	request.send().await.unwrap().json().await.unwrap()
}

/// How many objects kubo pins directly or recursively.
pub async fn pinned_count(api: &str) -> usize {
	let reply = kubo_rpc(api, "pin/ls?type=recursive", None).await;
	reply["Keys"].as_object().map_or(0, |keys| keys.len())
}

/// Waits until `done` holds, polling every 250 ms; returns how long it took.
pub async fn until<F: std::future::Future<Output = bool>>(
	what: &str,
	limit: Duration,
	mut done: impl FnMut() -> F,
) -> Duration {
	let start = Instant::now();
	while !done().await {
		assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
	start.elapsed()
}

/// Whether the kubo at `api` holds a block of `cid` locally (it is not
/// asked to look on the network).
pub async fn kubo_holds(api: &str, cid: &str) -> bool {
	let reply = reqwest::Client::new()
		.post(format!("{api}/api/v0/block/stat"))
		.query(&[("arg", cid), ("offline", "true")])
		.send()
		.await
		.expect("the kubo answers");
	reply.status().is_success()
}
