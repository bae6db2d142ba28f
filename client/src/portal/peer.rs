//! Which local user a loopback connection comes from (Linux): another user
//! of the same machine must not reach the portal, even holding a cookie
//! (browsers send 127.0.0.1's cookies to every port of it, so a server of
//! that user on another port can read the patient's).

use std::net::{Ipv4Addr, SocketAddr};

/// Whether the connection from `peer` to `local` belongs to this process's
/// user. `None` when the system does not say (no `/proc`): the check is
/// then skipped.
pub fn same_user(peer: SocketAddr, local: SocketAddr) -> Option<bool> {
	let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
	let status = std::fs::read_to_string("/proc/self/status").ok()?;
	let me = status.lines().find_map(|l| l.strip_prefix("Uid:"))?.split_whitespace().next()?;
	// The peer's socket: its local address is `peer`, its remote `local`.
	let owner = table.lines().skip(1).find_map(|line| {
		let fields: Vec<&str> = line.split_whitespace().collect();
		let matches = parse(fields.get(1)?)? == peer && parse(fields.get(2)?)? == local;
		matches.then(|| fields.get(7).map(|uid| uid.to_string())).flatten()
	});
	// A connection the table does not list (closed meanwhile) is refused.
	Some(owner.is_some_and(|uid| uid == me))
}

/// `0100007F:1F90` (the address as the kernel's native-endian u32, the
/// port big-endian) as 127.0.0.1:8080.
fn parse(text: &str) -> Option<SocketAddr> {
	let (ip, port) = text.split_once(':')?;
	let ip = u32::from_str_radix(ip, 16).ok()?;
	let port = u16::from_str_radix(port, 16).ok()?;
	Some(SocketAddr::from((Ipv4Addr::from(ip.to_ne_bytes()), port)))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn reads_the_kernels_address_format() {
		let expected: SocketAddr = "127.0.0.1:8080".parse().unwrap();
		if cfg!(target_endian = "little") {
			assert_eq!(parse("0100007F:1F90"), Some(expected));
		}
		assert_eq!(parse("zz:1F90"), None);
	}

	#[test]
	fn a_connection_of_this_process_is_its_users() {
		let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
		let local = listener.local_addr().unwrap();
		let client = std::net::TcpStream::connect(local).unwrap();
		let peer = client.local_addr().unwrap();
		if let Some(same) = same_user(peer, local) {
			assert!(same);
		}
		// A connection nobody made is nobody's.
		let nobody: SocketAddr = "127.0.0.1:1".parse().unwrap();
		assert_ne!(same_user(nobody, local), Some(true));
	}
}
