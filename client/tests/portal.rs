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

impl Running {
	/// Sends SIGTERM and waits (at most 30 s) for the process to end.
	fn terminate(&mut self) -> std::process::ExitStatus {
		Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status().unwrap();
		let start = std::time::Instant::now();
		loop {
			if let Some(status) = self.0.try_wait().unwrap() {
				return status;
			}
			assert!(start.elapsed() < Duration::from_secs(30), "still running 30 s after SIGTERM");
			std::thread::sleep(Duration::from_millis(100));
		}
	}
}

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

	/// A WebDriver command's value, or its error.
	async fn try_call(
		&self,
		method: reqwest::Method,
		path: &str,
		body: Option<Value>,
	) -> Result<Value, Value> {
		let mut request = self.http.request(method, format!("{}{path}", self.session));
		if let Some(body) = body {
			request = request.json(&body);
		}
		let answer: Value = request.send().await.unwrap().json().await.unwrap();
		match answer["value"]["error"].is_null() {
			true => Ok(answer["value"].clone()),
			false => Err(answer),
		}
	}

	async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
		let answer = self.try_call(method, path, body).await;
		answer.unwrap_or_else(|e| panic!("WebDriver {path}: {e}"))
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
		self.try_text().await.unwrap_or_else(|e| panic!("the page's text: {e}"))
	}

	/// The page's visible text, or why it cannot be read (a page still
	/// loading has no body yet).
	async fn try_text(&self) -> Result<String, Value> {
		let css = json!({ "using": "css selector", "value": "body" });
		let body = self.try_call(reqwest::Method::POST, "/element", Some(css)).await?;
		let body = body[ELEMENT].as_str().ok_or_else(|| body.clone())?.to_string();
		let text =
			self.try_call(reqwest::Method::GET, &format!("/element/{body}/text"), None).await?;
		Ok(text.as_str().unwrap_or_default().to_string())
	}

	async fn screenshot(&self, name: &str) {
		let png = self.call(reqwest::Method::GET, "/screenshot", None).await;
		let bytes = base64_decode(png.as_str().unwrap());
		std::fs::write(screenshots().join(format!("{name}.png")), bytes).unwrap();
	}

	/// The page's text once it shows `needle` (a form's answer may take a
	/// block or two to come).
	async fn text_with(&self, needle: &str) -> String {
		let start = std::time::Instant::now();
		loop {
			// While the next page loads, its body may not be there yet.
			let text = self.try_text().await.unwrap_or_else(|e| e.to_string());
			if text.contains(needle) {
				return text;
			}
			assert!(start.elapsed() < Duration::from_secs(60), "no {needle:?} in 60 s: {text}");
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}

	/// The CSRF token of the page shown.
	async fn csrf(&self) -> String {
		let field = self.find("input[name=csrf]").await;
		let value = self
			.call(reqwest::Method::GET, &format!("/element/{field}/property/value"), None)
			.await;
		value.as_str().unwrap().to_string()
	}

	/// The portal's session cookie, as the browser holds it.
	async fn cookie(&self) -> String {
		let cookies = self.call(reqwest::Method::GET, "/cookie", None).await;
		let cookie = cookies
			.as_array()
			.unwrap()
			.iter()
			.find(|c| c["name"].as_str().unwrap().starts_with("ehr_portal_"))
			.expect("the portal's cookie");
		format!("{}={}", cookie["name"].as_str().unwrap(), cookie["value"].as_str().unwrap())
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

/// `ehr portal` as `who`, without a passphrase in its environment and
/// with `tmp` as its temporary directory; returns the process, the address
/// it printed (with its launch key) and its base address.
fn start_portal(w: &World, who: &str, tmp: &Path) -> (Running, String, String) {
	let mut child = w
		.plain(who, &["portal", "--port", "0"])
		.env_remove("EHR_PASSPHRASE")
		.env("TMPDIR", tmp)
		.stdout(Stdio::piped())
		.spawn()
		.unwrap();
	let mut line = String::new();
	BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
	let launch = line.split_whitespace().find(|w| w.starts_with("http://")).expect(&line);
	let base = launch.split("/?").next().unwrap().to_string();
	(Running(child), launch.to_string(), base)
}

fn id_of(value: &Value) -> u64 {
	value["id"].as_u64().unwrap()
}

/// The files under the portal's work directories in `tmp`.
fn leftovers(tmp: &Path) -> Vec<PathBuf> {
	let mut found = Vec::new();
	for dir in std::fs::read_dir(tmp).unwrap().flatten() {
		assert!(dir.file_name().to_string_lossy().starts_with("ehr-portal-"), "{dir:?}");
		let files = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.path());
		// `.lock` marks the directory as a live portal's.
		found.extend(files.filter(|f| !f.ends_with(".lock")));
	}
	found
}

/// The line of the page's text that has all of `needles`, if any (a table
/// row is one line).
fn line_with(text: &str, needles: &[&str]) -> Option<String> {
	text.lines().find(|l| needles.iter().all(|n| l.contains(n))).map(str::to_string)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_shares_approves_and_revokes_in_the_browser() {
	let w =
		World { node: DevNode::start(), kubo: Kubo::start(), dir: tempfile::tempdir().unwrap() };
	wait_for_node(&w.node.ws_url).await;
	let (patient, doctor, pharmacist) = w.paper_cast();

	let tmp = tempfile::tempdir().unwrap();
	let (mut portal, launch, url) = start_portal(&w, "patient", tmp.path());
	let launch_key = launch.split("launch=").nth(1).unwrap().to_string();
	let work_dirs = std::fs::read_dir(tmp.path()).unwrap().count();
	assert_eq!(work_dirs, 1, "the portal works in one directory of its TMPDIR");
	let browser = Browser::start().await;
	let http = reqwest::Client::new();

	// Without the launch key there is no unlock form; an unlock posted from
	// another site is refused.
	browser.goto(&url).await;
	let text = browser.text().await;
	assert!(text.contains("locked") && !text.contains(&patient), "{text}");
	let cross = http
		.post(format!("{url}/unlock"))
		.header("origin", "http://evil.example")
		.form(&[("launch", launch_key.as_str()), ("passphrase", PASSPHRASE)])
		.send()
		.await
		.unwrap();
	assert_eq!(cross.status(), 403);
	assert!(cross.headers().get("set-cookie").is_none());

	// A wrong passphrase says so and unlocks nothing.
	browser.goto(&launch).await;
	assert!(browser.text().await.contains(&patient));
	browser.screenshot("1-unlock").await;
	browser.type_into("#passphrase", "not the passphrase").await;
	browser.click("button[type=submit]").await;
	let text = browser.text_with("wrong passphrase").await;
	assert!(!text.contains("Records you own"), "{text}");
	browser.screenshot("2-wrong-passphrase").await;

	// The right one, after the pause a failure earned.
	browser.type_into("#passphrase", PASSPHRASE).await;
	browser.click("button[type=submit]").await;
	browser.text_with("Records you own").await;
	let cookie = browser.cookie().await;
	let csrf = browser.csrf().await;

	// Every response forbids caching, framing and scripts.
	let home = http.get(format!("{url}/")).header("cookie", &cookie).send().await.unwrap();
	assert_eq!(home.headers()["cache-control"], "no-store");
	assert_eq!(home.headers()["x-frame-options"], "DENY");
	assert!(home.headers()["content-security-policy"]
		.to_str()
		.unwrap()
		.contains("default-src 'none'"));

	// An upload without the page's token is not even read.
	let forged = reqwest::multipart::Form::new()
		.text("csrf", "0".repeat(64))
		.text("kind", "lab")
		.part("file", reqwest::multipart::Part::bytes(vec![1u8; 1 << 20]).file_name("x"));
	let refused = http
		.post(format!("{url}/upload"))
		.header("cookie", &cookie)
		.multipart(forged)
		.send()
		.await
		.unwrap();
	assert_eq!(refused.status(), 403);
	assert_eq!(w.ok("patient", &["record", "list"])["owned"], json!([]));

	// Upload a file shared with the doctor.
	let content = b"Lab: HbA1c 6.1 %, 2026-12-06\n".repeat(100);
	let file = w.file("lab.txt", &content);
	browser.goto(&format!("{url}/upload")).await;
	let text = browser.text().await;
	assert!(line_with(&text, &["doctor, hospital 1", &doctor]).is_some(), "{text}");
	browser.screenshot("3-upload").await;
	browser.type_into("#file", &file).await;
	browser.click("#kind option[value=lab]").await;
	browser.click(&format!("input[name=share][value='{doctor}']")).await;
	browser.click("form[action='/upload'] button[type=submit]").await;
	let text = browser.text_with("Added record").await;
	assert!(text.contains("Lab record"), "{text}");
	let listed = w.ok("patient", &["record", "list"]);
	let id = id_of(&listed["owned"][0]);
	assert_eq!(listed["owned"][0]["kind"], "Lab");
	assert!(common::readers(&w.record(id)).contains(&doctor));
	assert!(leftovers(tmp.path()).is_empty(), "the spooled upload is gone");

	// The doctor reads with the CLI; the read shows in the audit trail.
	let out = w.out_path("doctor.txt");
	w.ok("doctor", &["record", "get", &id.to_string(), "-o", &out]);
	assert_eq!(std::fs::read(&out).unwrap(), content);
	browser.goto(&format!("{url}/records/{id}")).await;
	let text = browser.text().await;
	assert!(line_with(&text, &["AccessLogged", &doctor]).is_some(), "{text}");

	// The pharmacist asks for ReadWrite; the patient approves it as Read in
	// the page.
	w.ok("pharmacist", &["access", "request", &id.to_string(), "--read-write"]);
	browser.goto(&format!("{url}/records/{id}")).await;
	let text = browser.text().await;
	assert!(line_with(&text, &[&pharmacist, "ReadWrite"]).is_some(), "{text}");
	browser.screenshot("4-record").await;
	browser.click(&format!("button[aria-label='Approve as Read {pharmacist}']")).await;
	browser.text_with(&format!("Approved (Read): {pharmacist}")).await;
	let grants = w.record(id)["grants"].as_array().unwrap().clone();
	let granted = grants.iter().find(|g| g["account"] == pharmacist.as_str()).expect("a grant");
	assert_eq!(granted["access"], "Read", "{granted}");
	let out = w.out_path("pharmacist.txt");
	w.ok("pharmacist", &["record", "get", &id.to_string(), "-o", &out]);

	// The decrypted content, through the browser's session and token. The
	// download runs as the session's job: while kubo is frozen its page
	// names the step and refreshes itself, and a second download (or an
	// upload) is refused; it ends with a Save button that sends the
	// plaintext once, and blocks the next job until then.
	let download = |csrf: String| {
		http.post(format!("{url}/records/{id}/content"))
			.header("cookie", &cookie)
			.form(&[("csrf", csrf)])
			.send()
	};
	w.kubo.signal("-STOP");
	let started = download(csrf.clone()).await.unwrap();
	assert_eq!(started.url().path(), "/progress");
	let first = started.text().await.unwrap();
	assert!(
		first.contains("http-equiv=\"refresh\"") && first.contains("role=\"status\""),
		"{first}"
	);
	assert_eq!(download(csrf.clone()).await.unwrap().status(), 409, "one job at a time");
	browser.goto(&format!("{url}/progress")).await;
	browser.text_with("asking IPFS for it").await;
	browser.screenshot("4b-progress").await;
	w.kubo.signal("-CONT");
	let progress = || http.get(format!("{url}/progress")).header("cookie", &cookie).send();
	let deadline = std::time::Instant::now() + Duration::from_secs(60);
	loop {
		let page = progress().await.unwrap().text().await.unwrap();
		if page.contains("id=\"save\"") {
			break;
		}
		assert!(std::time::Instant::now() < deadline && !page.contains("id=\"error\""), "{page}");
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
	assert_eq!(download(csrf.clone()).await.unwrap().status(), 409, "the record waits to be saved");
	let save = || {
		http.post(format!("{url}/progress/save"))
			.header("cookie", &cookie)
			.form(&[("csrf", csrf.clone())])
			.send()
	};
	let got = save().await.unwrap();
	assert_eq!(got.status(), 200);
	assert_eq!(got.headers()["cache-control"], "no-store");
	assert_eq!(got.bytes().await.unwrap().as_ref(), &content[..]);
	assert_eq!(save().await.unwrap().status(), 400, "sent once");
	assert!(leftovers(tmp.path()).is_empty(), "no plaintext is left behind");
	assert_eq!(download("0".repeat(64)).await.unwrap().status(), 403);

	// Another site's page, DNS-rebound to the portal, is refused; so is a
	// request a page of another origin makes; a form posted without the
	// page's CSRF token changes nothing.
	let port = url.rsplit(':').next().unwrap();
	let rebound = http
		.get(format!("{url}/"))
		.header("host", format!("evil.example:{port}"))
		.header("cookie", &cookie)
		.send()
		.await
		.unwrap();
	assert_eq!(rebound.status(), 421);
	let cross_port = http
		.get(format!("{url}/records/{id}"))
		.header("cookie", &cookie)
		.header("sec-fetch-site", "same-site")
		.send()
		.await
		.unwrap();
	assert_eq!(cross_port.status(), 403);
	let forged = http
		.post(format!("{url}/records/{id}/revoke"))
		.header("cookie", &cookie)
		.form(&[("csrf", "0".repeat(64)), ("account", doctor.clone())])
		.send()
		.await
		.unwrap();
	assert_eq!(forged.status(), 403);
	let other_port = http
		.post(format!("{url}/records/{id}/revoke"))
		.header("cookie", &cookie)
		.header("origin", "http://127.0.0.1:1")
		.form(&[("csrf", csrf.clone()), ("account", doctor.clone())])
		.send()
		.await
		.unwrap();
	assert_eq!(other_port.status(), 403);
	assert!(common::readers(&w.record(id)).contains(&doctor));

	// Revoke the doctor in the page: the doctor can no longer read.
	browser.goto(&format!("{url}/records/{id}")).await;
	browser.click(&format!("button[aria-label='Revoke {doctor}']")).await;
	browser.text_with(&format!("Revoked {doctor}")).await;
	browser.screenshot("5-revoked").await;
	w.fails("doctor", &["record", "get", &id.to_string(), "-o", &w.out_path("again.txt")], 4, "");
	let readers = common::readers(&w.record(id));
	assert!(readers.contains(&pharmacist) && !readers.contains(&doctor), "{readers:?}");

	// With kubo stopped, a download says so, leaves nothing behind, and
	// logs no read.
	w.kubo.stop();
	let reads = |text: &str| text.lines().filter(|l| l.contains("AccessLogged")).count();
	browser.goto(&format!("{url}/records/{id}")).await;
	let before = reads(&browser.text().await);
	assert!(before > 0, "the trail lists the reads");
	browser.click(&format!("form[action='/records/{id}/content'] button")).await;
	browser.text_with("IPFS is not reachable").await;
	browser.screenshot("6-ipfs-down").await;
	assert!(leftovers(tmp.path()).is_empty());
	browser.goto(&format!("{url}/records/{id}")).await;
	assert_eq!(reads(&browser.text().await), before);

	// Lock: the cookie no longer opens anything.
	browser.click("header form button").await;
	browser.text_with("This portal is locked").await;
	let after =
		http.get(format!("{url}/records/{id}")).header("cookie", &cookie).send().await.unwrap();
	let after = after.text().await.unwrap();
	assert!(after.contains("This portal is locked") && !after.contains("Who may read it"));

	// SIGTERM: the portal ends and removes its work directory.
	assert!(portal.terminate().success());
	assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "the work directory is gone");
}
