//! The portal's HTML: plain forms and tables, no script, one stylesheet
//! served by the portal itself (nothing from the network at run time).
//! Every value from the chain, the keystore or the user is escaped.

use ehr::chain::AccountId;
use std::fmt::Write;

/// `text` safe inside HTML text and quoted attributes.
pub fn esc(text: &str) -> String {
	let mut out = String::with_capacity(text.len());
	for c in text.chars() {
		match c {
			'&' => out.push_str("&amp;"),
			'<' => out.push_str("&lt;"),
			'>' => out.push_str("&gt;"),
			'"' => out.push_str("&quot;"),
			'\'' => out.push_str("&#39;"),
			c => out.push(c),
		}
	}
	out
}

/// The portal's stylesheet (`/style.css`).
pub const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}\
header{background:#0b4f6c;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}\
header a,header button{color:#fff;font-size:1rem}\
header form{margin:0 0 0 auto}\
header button{background:none;border:1px solid #fff;border-radius:4px;padding:.2rem .6rem;cursor:pointer}\
main{padding:1rem;max-width:70rem}\
table{border-collapse:collapse;margin:.5rem 0 1rem}\
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#eef3f6}\
code{font-size:.85em;word-break:break-all}\
.error{background:#fde8e8;border:2px solid #b00020;padding:.6rem;margin:.5rem 0}\
.done{background:#e6f4ea;border:2px solid #1e7e34;padding:.6rem;margin:.5rem 0}\
tr.emergency td{background:#fff3cd;font-weight:bold}\
fieldset{margin:.5rem 0;border:1px solid #ccc}\
label{display:block;margin:.3rem 0}\
input[type=text],input[type=password],select{font-size:1rem;padding:.2rem}\
button{font-size:1rem;padding:.2rem .8rem;margin:.2rem 0}\
form.inline{display:inline}\
a:focus,button:focus,input:focus,select:focus{outline:3px solid #f0a500}\
.skip{position:absolute;left:-10000px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000}";

/// A whole page. `csrf` is the session's token when unlocked: it adds the
/// navigation and the lock button.
pub fn page(title: &str, csrf: Option<&str>, notice: Option<Notice>, body: &str) -> String {
	document(title, csrf, notice, body, "")
}

/// An unlocked page that the browser loads again every two seconds (a
/// job's progress, without script; not every second, which would keep
/// resetting the keyboard focus and screen readers).
pub fn refreshing(title: &str, csrf: &str, body: &str) -> String {
	document(title, Some(csrf), None, body, "<meta http-equiv=\"refresh\" content=\"2\">")
}

fn document(
	title: &str,
	csrf: Option<&str>,
	notice: Option<Notice>,
	body: &str,
	head: &str,
) -> String {
	let mut out = String::new();
	let _ = write!(
		out,
		"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">{head}\
		 <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
		 <title>{} · EHR portal</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body>\
		 <a class=\"skip\" href=\"#main\">Skip to content</a><header><strong>EHR portal</strong>",
		esc(title)
	);
	if let Some(csrf) = csrf {
		let _ = write!(
			out,
			"<nav aria-label=\"Main\"><a href=\"/\">My records</a> · <a href=\"/upload\">Upload</a></nav>\
			 <form method=\"post\" action=\"/lock\">{}<button type=\"submit\">Lock</button></form>",
			csrf_field(csrf)
		);
	}
	let _ = write!(out, "</header><main id=\"main\"><h1>{}</h1>", esc(title));
	if let Some(notice) = notice {
		let (class, role, text) = match notice {
			Notice::Error(text) => ("error", "alert", text),
			Notice::Done(text) => ("done", "status", text),
		};
		let _ = write!(
			out,
			"<div class=\"{class}\" role=\"{role}\" id=\"{class}\">{}</div>",
			esc(&text)
		);
	}
	out.push_str(body);
	out.push_str("</main></body></html>");
	out
}

/// A message at the top of a page.
pub enum Notice {
	/// What failed; nothing was changed.
	Error(String),
	/// What was done.
	Done(String),
}

/// The hidden form field every state-changing form carries.
pub fn csrf_field(csrf: &str) -> String {
	format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", esc(csrf))
}

/// The unlock form; `launch` is the key of the address `ehr portal` printed.
pub fn unlock(account: &str, launch: &str) -> String {
	format!(
		"<p>Keystore of <code>{}</code>. The passphrase opens it in this process only; \
		 nothing leaves this machine unencrypted.</p>\
		 <form method=\"post\" action=\"/unlock\">\
		 <input type=\"hidden\" name=\"launch\" value=\"{}\">\
		 <label for=\"passphrase\">Passphrase</label>\
		 <input type=\"password\" id=\"passphrase\" name=\"passphrase\" autocomplete=\"off\" required autofocus>\
		 <button type=\"submit\">Unlock</button></form>",
		esc(account),
		esc(launch)
	)
}

/// What a locked portal shows without its launch key.
pub fn launch_needed() -> String {
	"<p>This portal is locked. Open the address <code>ehr portal</code> printed when it \
	 started (it carries a launch key) to unlock it.</p>"
		.into()
}

/// The owner's form to share record `id` with one of `staff`.
pub fn grant_form(id: u64, csrf: &str, staff: &[(AccountId, String)]) -> String {
	let mut options = String::new();
	for (who, label) in staff {
		let _ = write!(
			options,
			"<option value=\"{0}\">{1}: {0}</option>",
			esc(&who.to_string()),
			esc(label)
		);
	}
	format!(
		"<form method=\"post\" action=\"/records/{id}/grant\"><fieldset><legend>Share with a clinician</legend>{csrf}\
		 <label for=\"account\">Clinician</label><select id=\"account\" name=\"account\" required>{options}</select>\
		 <label><input type=\"radio\" name=\"level\" value=\"read\" checked> Read</label>\
		 <label><input type=\"radio\" name=\"level\" value=\"readwrite\"> Read and write</label>\
		 <label for=\"expires\">Expires (12h, 30d, #BLOCK; empty: never)</label>\
		 <input type=\"text\" id=\"expires\" name=\"expires\">\
		 <button type=\"submit\">Grant</button></fieldset></form>"
	)
}

/// A checkbox per clinician, to share an upload with.
pub fn share_boxes(staff: &[(AccountId, String)]) -> String {
	let mut out = String::new();
	for (who, label) in staff {
		let who = esc(&who.to_string());
		let _ = write!(
			out,
			"<label><input type=\"checkbox\" name=\"share\" value=\"{who}\"> {}: <code>{who}</code></label>",
			esc(label)
		);
	}
	out
}

/// The upload form. The CSRF token is its first field: the portal reads
/// nothing of an upload before it.
pub fn upload_form(csrf: &str, kinds: &str, share: &str) -> String {
	format!(
		"<form method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\">{}\
		 <label for=\"kind\">Kind</label><select id=\"kind\" name=\"kind\">{kinds}</select>\
		 <fieldset><legend>Share (Read) with</legend>{share}</fieldset>\
		 <label for=\"file\">File</label><input type=\"file\" id=\"file\" name=\"file\" required>\
		 <p>The file is encrypted here before it is stored; each reader gets the key wrapped for them.</p>\
		 <button type=\"submit\">Encrypt and upload</button></form>",
		csrf_field(csrf)
	)
}

/// A table with a header row; cells are HTML already.
pub fn table(caption: &str, header: &[&str], rows: &[Vec<String>]) -> String {
	marked_table(caption, header, rows, &[])
}

/// A table whose rows `marked[i]` stand out (emergency accesses).
pub fn marked_table(
	caption: &str,
	header: &[&str],
	rows: &[Vec<String>],
	marked: &[bool],
) -> String {
	let mut out = format!("<table><caption>{}</caption><thead><tr>", esc(caption));
	for h in header {
		let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
	}
	out.push_str("</tr></thead><tbody>");
	for (i, row) in rows.iter().enumerate() {
		let class =
			if marked.get(i).copied().unwrap_or(false) { " class=\"emergency\"" } else { "" };
		let _ = write!(out, "<tr{class}>");
		for cell in row {
			let _ = write!(out, "<td>{cell}</td>");
		}
		out.push_str("</tr>");
	}
	out.push_str("</tbody></table>");
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn escapes_markup_and_quotes() {
		assert_eq!(
			esc("<a href=\"x\">'&'</a>"),
			"&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
		);
	}

	#[test]
	fn a_locked_page_has_no_navigation() {
		let locked = page("Unlock", None, None, &unlock("5G<x>", "k\"ey"));
		assert!(!locked.contains("/upload") && locked.contains("5G&lt;x&gt;"));
		assert!(locked.contains("value=\"k&quot;ey\""));
		let open = page("My records", Some("t0k\"n"), Some(Notice::Error("<b>".into())), "");
		assert!(open.contains("value=\"t0k&quot;n\"") && open.contains("&lt;b&gt;"));
	}
}
