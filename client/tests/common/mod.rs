//! Starts the real `ehr-node` binary and a real kubo daemon for a test and
//! stops them afterwards.
// Each test crate uses part of this module.
#![allow(dead_code)]

use std::{
	net::TcpListener,
	path::PathBuf,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

/// A `--dev --tmp` node on free loopback ports, killed on drop.
pub struct DevNode {
	child: Child,
	pub ws_url: String,
}

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// The node binary cargo built next to this test (`target/<profile>/ehr-node`),
/// or `$EHR_NODE_BIN`.
pub fn node_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("EHR_NODE_BIN") {
		return path.into();
	}
	let exe = std::env::current_exe().expect("test executable path");
	let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
	let node = profile_dir.join("ehr-node");
	assert!(
		node.exists(),
		"{} is missing: build it with `cargo build --release -p ehr-node`",
		node.display()
	);
	node
}

impl DevNode {
	/// Starts the node and waits until its RPC port accepts connections.
	pub fn start() -> DevNode {
		let rpc = free_port();
		let p2p = free_port();
		let child = Command::new(node_binary())
			.args(["--dev", "--tmp", "--no-prometheus", "--no-telemetry", "--no-mdns"])
			.args(["--rpc-port", &rpc.to_string()])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p}")])
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.expect("start ehr-node");
		let node = DevNode { child, ws_url: format!("ws://127.0.0.1:{rpc}") };
		let deadline = Instant::now() + Duration::from_secs(60);
		while std::net::TcpStream::connect(("127.0.0.1", rpc)).is_err() {
			assert!(Instant::now() < deadline, "ehr-node did not open its RPC port in 60 s");
			std::thread::sleep(Duration::from_millis(200));
		}
		node
	}
}

impl Drop for DevNode {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// A kubo daemon for one test; stopped on drop.
pub struct Kubo {
	data: tempfile::TempDir,
	ports: [u16; 3],
	pub api: String,
}

impl Kubo {
	fn script(data: &std::path::Path, ports: [u16; 3], action: &str) -> std::process::Output {
		let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
		Command::new(root.join("scripts/ipfs"))
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
}

impl Drop for Kubo {
	fn drop(&mut self) {
		self.stop();
	}
}
