//! Starts the real `ehr-node` binary for a test and stops it afterwards.

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
