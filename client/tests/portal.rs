//! The patient portal in a real browser: Debian's Chromium, driven over
//! WebDriver by its chromedriver, against a real dev node, a real kubo and
//! the real `ehr portal` process. The doctor and the pharmacist use the CLI.
//! Screenshots of each page go to `.data/portal/`.

mod common;

use common::{free_port, until, wait_for_node, DevNode, Kubo, World, PASSPHRASE};
use serde_json::{json, Value};
use std::{
	io::{BufRead, BufReader},
	os::unix::process::CommandExt,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::Duration,
};

/// A process killed on drop, with its process group when it leads one.
struct Running(Child);

impl Drop for Running {
	fn drop(&mut self) {
		let group = format!("-{}", self.0.id());
		let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
		let _ = self.0.kill();
		let _ = self.0.wait();
	}
}

/// One WebDriver session of headless Chromium.
struct Browser {
	session: String,
	http: reqwest::Client,
	_driver: Running,
	_profile: tempfile::TempDir,
}

/// The W3C WebDriver key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
	async fn start() -> Browser {
		let port = free_port();
		// In its own process group, so that Chromium goes with it.
		let driver = Command::new("chromedriver")
			.arg(format!("--port={port}"))
			.process_group(0)
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.expect("chromedriver (Debian's chromium-driver; scripts/setup --browser installs it)");
		let driver = Running(driver);
		let http = reqwest::Client::new();
		let base = format!("http://127.0.0.1:{port}");
		until("chromedriver answers", Duration::from_secs(30), || async move {
			std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
		})
		.await;
		let profile = tempfile::tempdir().unwrap();
		let args = [
			"--headless=new".to_string(),
			"--no-sandbox".into(),
			"--disable-gpu".into(),
			"--disable-dev-shm-usage".into(),
			"--window-size=1200,1000".into(),
			format!("--user-data-dir={}", profile.path().display()),
		];
		let caps = json!({ "capabilities": { "alwaysMatch": {
			"browserName": "chrome",
			"goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": args },
		}}});
		let created: Value = http
			.post(format!("{base}/session"))
			.json(&caps)
			.send()
			.await
			.unwrap()
			.json()
			.await
			.unwrap();
		let id = created["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("{created}"));
		Browser {
			session: format!("{base}/session/{id}"),
			http,
			_driver: driver,
			_profile: profile,
		}
	}

	async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
		let mut request = self.http.request(method, format!("{}{path}", self.session));
		if let Some(body) = body {
			request = request.json(&body);
		}
		let answer: Value = request.send().await.unwrap().json().await.unwrap();
		assert!(answer["value"]["error"].is_null(), "WebDriver {path}: {answer}");
		answer["value"].clone()
	}

	async fn goto(&self, url: &str) {
		self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url }))).await;
	}

	async fn find(&self, css: &str) -> String {
		let found = self
			.call(
				reqwest::Method::POST,
				"/element",
				Some(json!({ "using": "css selector", "value": css })),
			)
			.await;
		found[ELEMENT].as_str().unwrap_or_else(|| panic!("{css}: {found}")).to_string()
	}

	async fn type_into(&self, css: &str, text: &str) {
		let element = self.find(css).await;
		let path = format!("/element/{element}/value");
		self.call(reqwest::Method::POST, &path, Some(json!({ "text": text }))).await;
	}

	async fn click(&self, css: &str) {
		let element = self.find(css).await;
		self.call(reqwest::Method::POST, &format!("/element/{element}/click"), Some(json!({})))
			.await;
	}

	/// The page's visible text.
	async fn text(&self) -> String {
		let body = self.find("body").await;
		self.call(reqwest::Method::GET, &format!("/element/{body}/text"), None)
			.await
			.as_str()
			.unwrap()
			.to_string()
	}

	async fn screenshot(&self, name: &str) {
		let png = self.call(reqwest::Method::GET, "/screenshot", None).await;
		let bytes = base64_decode(png.as_str().unwrap());
		std::fs::write(screenshots().join(format!("{name}.png")), bytes).unwrap();
	}

	/// The portal's session cookie, as the browser holds it.
	async fn cookie(&self) -> String {
		let cookies = self.call(reqwest::Method::GET, "/cookie", None).await;
		let cookie = cookies.as_array().unwrap().iter().find(|c| c["name"] == "ehr_portal");
		format!("ehr_portal={}", cookie.expect("the portal's cookie")["value"].as_str().unwrap())
	}
}

/// Standard base64 (what WebDriver screenshots are in).
fn base64_decode(text: &str) -> Vec<u8> {
	let value = |c: u8| match c {
		b'A'..=b'Z' => c - b'A',
		b'a'..=b'z' => c - b'a' + 26,
		b'0'..=b'9' => c - b'0' + 52,
		b'+' => 62,
		b'/' => 63,
		_ => panic!("not base64: {c}"),
	};
	let bytes: Vec<u8> = text.bytes().filter(|c| *c != b'=').collect();
	let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
	for chunk in bytes.chunks(4) {
		let n =
			chunk.iter().enumerate().fold(0u32, |n, (i, c)| n | (value(*c) as u32) << (18 - 6 * i));
		out.extend(&n.to_be_bytes()[1..chunk.len()]);
	}
	out
}

/// Where the screenshots go: `.data/portal/` of the checkout.
fn screenshots() -> PathBuf {
	let dir = common::workspace_root().join(".data").join("portal");
	std::fs::create_dir_all(&dir).unwrap();
	dir
}

/// `ehr portal` as `who`, without a passphrase in its environment; returns
/// the process and its address.
fn start_portal(w: &World, who: &str) -> (Running, String) {
	let mut child = w
		.plain(who, &["portal", "--port", "0"])
		.env_remove("EHR_PASSPHRASE")
		.stdout(Stdio::piped())
		.spawn()
		.unwrap();
	let mut line = String::new();
	BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
	let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect(&line);
	(Running(child), url.trim_end_matches('/').to_string())
}

fn id_of(value: &Value) -> u64 {
	value["id"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_shares_approves_and_revokes_in_the_browser() {
	let w =
		World { node: DevNode::start(), kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	wait_for_node(&w.node.ws_url).await;
	w.import("registrar", "//Alice");
	let patient = w.import("patient", "//Charlie");
	let doctor = w.import("doctor", "//Dave");
	let pharmacist = w.import("pharmacist", "//Eve");
	for (who, role) in [("doctor", "doctor"), ("pharmacist", "pharmacist")] {
		let consent = w.run(who, &["user", "consent", "--role", role, "--hospital", "1"]);
		let file = w.file(&format!("{who}.consent.json"), &consent.stdout);
		w.ok("registrar", &["user", "register", "--consent", &file]);
	}
	w.ok("patient", &["user", "register"]);

	let (_portal, url) = start_portal(&w, "patient");
	let browser = Browser::start().await;

	// A wrong passphrase says so and unlocks nothing.
	browser.goto(&url).await;
	assert!(browser.text().await.contains(&patient));
	browser.screenshot("1-unlock").await;
	browser.type_into("#passphrase", "not the passphrase").await;
	browser.click("button[type=submit]").await;
	let text = browser.text().await;
	assert!(text.contains("wrong passphrase"), "{text}");
	assert!(!text.contains("My records"), "{text}");
	browser.screenshot("2-wrong-passphrase").await;

	browser.type_into("#passphrase", PASSPHRASE).await;
	browser.click("button[type=submit]").await;
	assert!(browser.text().await.contains("Records you own"));

	// Upload a file shared with the doctor.
	let content = b"Lab: HbA1c 6.1 %, 2026-12-06".repeat(100);
	let file = w.file("lab.txt", &content);
	browser.goto(&format!("{url}/upload")).await;
	let text = browser.text().await;
	assert!(text.contains("doctor, hospital 1") && text.contains(&doctor), "{text}");
	browser.screenshot("3-upload").await;
	browser.type_into("#file", &file).await;
	browser.click("#kind option[value=lab]").await;
	browser.click(&format!("input[name=share][value='{doctor}']")).await;
	browser.click("form[action='/upload'] button[type=submit]").await;
	let text = browser.text().await;
	assert!(text.contains("Added record"), "{text}");
	let listed = w.ok("patient", &["record", "list"]);
	let id = id_of(&listed["owned"][0]);

	// The doctor reads with the CLI; the read shows in the audit trail.
	let out = w.out_path("doctor.txt");
	w.ok("doctor", &["record", "get", &id.to_string(), "-o", &out]);
	assert_eq!(std::fs::read(&out).unwrap(), content);
	browser.goto(&format!("{url}/records/{id}")).await;
	let text = browser.text().await;
	assert!(text.contains("AccessLogged") && text.contains(&doctor), "{text}");

	// The pharmacist asks; the patient approves in the page.
	w.ok("pharmacist", &["access", "request", &id.to_string()]);
	browser.goto(&format!("{url}/records/{id}")).await;
	assert!(browser.text().await.contains("Pending requests"));
	browser.screenshot("4-record").await;
	browser.click(&format!("form[action='/records/{id}/answer'] button")).await;
	let text = browser.text().await;
	assert!(text.contains(&format!("Approved {pharmacist}")), "{text}");
	let out = w.out_path("pharmacist.txt");
	w.ok("pharmacist", &["record", "get", &id.to_string(), "-o", &out]);

	// The decrypted content through the browser's session.
	let cookie = browser.cookie().await;
	let http = reqwest::Client::new();
	let got = http
		.get(format!("{url}/records/{id}/content"))
		.header("cookie", &cookie)
		.send()
		.await
		.unwrap();
	assert_eq!(got.headers()["cache-control"], "no-store");
	assert_eq!(got.bytes().await.unwrap().as_ref(), &content[..]);

	// Another site's page, DNS-rebound to the portal, is refused; a form
	// posted without the page's CSRF token changes nothing.
	let port = url.rsplit(':').next().unwrap();
	let rebound = http
		.get(format!("{url}/"))
		.header("host", format!("evil.example:{port}"))
		.header("cookie", &cookie)
		.send()
		.await
		.unwrap();
	assert_eq!(rebound.status(), 421);
	let forged = http
		.post(format!("{url}/records/{id}/revoke"))
		.header("cookie", &cookie)
		.form(&[("csrf", "0".repeat(64)), ("account", doctor.clone())])
		.send()
		.await
		.unwrap();
	assert_eq!(forged.status(), 403);
	assert!(common::readers(&w.record(id)).contains(&doctor));

	// Revoke the doctor in the page: the doctor can no longer read.
	browser.goto(&format!("{url}/records/{id}")).await;
	browser.click(&format!("button[aria-label='Revoke {doctor}']")).await;
	let text = browser.text().await;
	assert!(text.contains(&format!("Revoked {doctor}")), "{text}");
	browser.screenshot("5-revoked").await;
	w.fails("doctor", &["record", "get", &id.to_string(), "-o", &w.out_path("again.txt")], 4, "");

	// With kubo stopped, a download says so and nothing else changes.
	w.kubo.stop();
	browser.goto(&format!("{url}/records/{id}/content")).await;
	let text = browser.text().await;
	assert!(text.contains("IPFS is not reachable"), "{text}");
	browser.screenshot("6-ipfs-down").await;
	let readers = common::readers(&w.record(id));
	assert!(readers.contains(&pharmacist) && !readers.contains(&doctor), "{readers:?}");
	assert!(Path::new(&screenshots().join("4-record.png")).exists());
}
