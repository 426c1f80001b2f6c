//! The HTML report in a real browser (issue 5): Debian's `chromium`,
//! headless, renders the report to a screenshot (checked to be a real,
//! non-blank page), proves the worksheet's
//! "Show the highlights" switch works without JavaScript, and dumps the DOM
//! of a report built from hostile articles to confirm nothing was injected
//! or executed, with and without the page's Content-Security-Policy.
//!
//! Skips (with a printed reason) when `/usr/bin/chromium` is not installed:
//! `apt-get update && apt-get install -y chromium`.

mod report_common;

use framelens::report::html::{self, HtmlOptions};
use report_common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

fn chromium_available() -> bool {
    if Path::new(CHROMIUM).exists() {
        true
    } else {
        eprintln!(
            "skipping browser test: {CHROMIUM} not found (install it with `apt-get update && apt-get install -y chromium`)"
        );
        false
    }
}

/// Run headless chromium on `page` with `extra` arguments; return stdout.
/// Killed after two minutes.
fn chromium(page: &Path, profile: &Path, extra: &[String]) -> Vec<u8> {
    let mut cmd = Command::new(CHROMIUM);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        "--mute-audio",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("start chromium");
    let mut out = Vec::new();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    out.extend(reader.join().unwrap());
    out
}

/// Decode a PNG file into (width, height, RGB(A) pixels, channels).
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>, usize) {
    let dec = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("screenshot written"),
    ));
    let mut reader = dec.read_info().expect("valid PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG frame");
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    (info.width, info.height, buf, channels)
}

fn screenshot(
    page: &Path,
    profile: &Path,
    out: &Path,
    w: u32,
    h: u32,
) -> (u32, u32, Vec<u8>, usize) {
    chromium(
        page,
        profile,
        &[
            format!("--screenshot={}", out.display()),
            format!("--window-size={w},{h}"),
        ],
    );
    decode_png(out)
}

/// Pixels within `tol` of colour `c`.
fn count_colour(px: &[u8], channels: usize, c: (u8, u8, u8), tol: i32) -> usize {
    px.chunks(channels)
        .filter(|p| {
            (p[0] as i32 - c.0 as i32).abs() <= tol
                && (p[1] as i32 - c.1 as i32).abs() <= tol
                && (p[2] as i32 - c.2 as i32).abs() <= tol
        })
        .count()
}

/// The fill of loaded-language highlights in report.css (#f9cfb6).
const LOADED_FILL: (u8, u8, u8) = (0xf9, 0xcf, 0xb6);

fn write(
    dir: &Path,
    cmp: &framelens::compare::Comparison,
    errors: &[framelens::ingest::InputError],
) -> PathBuf {
    html::write_report(
        dir,
        cmp,
        errors,
        &HtmlOptions {
            worksheet: true,
            ..Default::default()
        },
    )
    .expect("write report");
    dir.to_path_buf()
}

#[test]
fn report_renders_to_a_real_page_and_the_worksheet_switch_works() {
    if !chromium_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(&tmp.path().join("out"), &story(), &[]);
    let profile = tmp.path().join("profile");

    // The top of the report: a real page, not a blank or error screen.
    let (w, h, px, ch) = screenshot(
        &dir.join("report.html"),
        &profile,
        &tmp.path().join("top.png"),
        1280,
        900,
    );
    assert_eq!((w, h), (1280, 900));
    let white = count_colour(&px, ch, (255, 255, 255), 3);
    let total = (w * h) as usize;
    assert!(
        white < total * 95 / 100,
        "page is almost blank ({white} of {total} pixels white)"
    );
    let header = count_colour(&px, ch, (0x0b, 0x39, 0x54), 4);
    assert!(
        header > 20_000,
        "the dark header band is missing ({header} pixels)"
    );
    let mut colours: Vec<[u8; 3]> = px.chunks(ch).map(|p| [p[0], p[1], p[2]]).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 100,
        "only {} distinct colours: no text rendered?",
        colours.len()
    );

    // The worksheet hides them until "Show the highlights" is ticked: the
    // same page with every box ticked shows many more highlight pixels.
    let ws = std::fs::read_to_string(dir.join("worksheet.html")).unwrap();
    let ticked = ws.replace(
        "<input type=\"checkbox\" class=\"reveal-box\"",
        "<input type=\"checkbox\" checked class=\"reveal-box\"",
    );
    assert_ne!(ws, ticked, "the worksheet has reveal checkboxes");
    std::fs::write(dir.join("worksheet_ticked.html"), ticked).unwrap();
    let (_, _, px, ch) = screenshot(
        &dir.join("worksheet.html"),
        &profile,
        &tmp.path().join("ws.png"),
        1280,
        16000,
    );
    let hidden = count_colour(&px, ch, LOADED_FILL, 2);
    let (_, _, px, ch) = screenshot(
        &dir.join("worksheet_ticked.html"),
        &profile,
        &tmp.path().join("ws2.png"),
        1280,
        16000,
    );
    let shown = count_colour(&px, ch, LOADED_FILL, 2);
    assert!(
        shown > 500,
        "no visible loaded-language highlights ({shown} pixels)"
    );
    assert!(
        shown > hidden + 500,
        "ticking the boxes should reveal highlights: {hidden} pixels before, {shown} after"
    );
}

/// The names of the attributes on the `<html>` and `<body>` elements of a
/// dumped DOM.
fn root_attrs(dom: &str) -> Vec<String> {
    tags(dom)
        .into_iter()
        .filter(|(n, raw)| (n == "html" || n == "body") && !raw.starts_with('/'))
        .flat_map(|(_, raw)| attr_names(&raw))
        .collect()
}

/// Hosts chromium itself contacts in the background (updates, accounts),
/// whatever the page is.
fn browser_service(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', ':', '?'])
        .next()
        .unwrap_or("");
    ["google.com", "googleapis.com", "gstatic.com", "gvt1.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

#[test]
fn hostile_articles_stay_inert_in_the_browser() {
    if !chromium_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = fixtures().join("hostile");
    let (cmp, errors) = comparison(&[d.join("hostile.txt"), d.join("hostile.csv")]);
    assert!(!cmp.articles.is_empty());
    let dir = write(&tmp.path().join("out"), &cmp, &errors);
    let profile = tmp.path().join("profile");

    // A copy without the Content-Security-Policy: escaping alone must keep
    // the payloads inert.
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let no_csp: String = page
        .lines()
        .filter(|l| !l.contains("Content-Security-Policy"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(page.len(), no_csp.len());
    std::fs::write(dir.join("no_csp.html"), &no_csp).unwrap();

    for name in ["report.html", "worksheet.html", "no_csp.html"] {
        let netlog = tmp.path().join(format!("{name}.netlog.json"));
        let dom = chromium(
            &dir.join(name),
            &profile,
            &[
                "--dump-dom".to_string(),
                format!("--log-net-log={}", netlog.display()),
            ],
        );
        let dom = String::from_utf8_lossy(&dom);
        assert!(dom.contains("</html>"), "{name}: no DOM dumped");
        // No injected element or attribute survived parsing.
        assert_inert(&dom, 0);
        // No payload ran: each one would have set `data-pwned` on <html>.
        let attrs = root_attrs(&dom);
        assert!(
            !attrs.iter().any(|a| a == "data-pwned"),
            "{name}: a payload executed (attributes {attrs:?})"
        );
        // The title is ours.
        assert!(dom.contains("<title>framelens "), "{name}: title replaced");
        // The payload text is still on the page, as text.
        assert!(dom.contains("&lt;script&gt;document.documentElement.setAttribute"));
        // No network request from the page (chromium's own update and
        // account services aside).
        let log = std::fs::read_to_string(&netlog).expect("chromium wrote its net log");
        let v: serde_json::Value = serde_json::from_str(&log).expect("net log is JSON");
        let events = v["events"].as_array().expect("net log has events");
        let urls: Vec<String> = events
            .iter()
            .filter_map(|e| e.pointer("/params/url").and_then(|u| u.as_str()))
            .map(str::to_string)
            .collect();
        let page_requests: Vec<&String> = urls
            .iter()
            .filter(|u| {
                (u.starts_with("http://") || u.starts_with("https://")) && !browser_service(u)
            })
            .collect();
        assert!(
            page_requests.is_empty(),
            "{name}: network requests {page_requests:?}"
        );
    }
}
