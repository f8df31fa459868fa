//! `purser db update` against a real HTTP server on loopback that serves the fixture advisories
//! the way the OSV bucket and the Debian tracker do, with ETags.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::support::{code, db_info_json, describe, purser};

/// What the server knows: the files, whether to fail, and how many full bodies it sent.
struct Served {
    osv_zip: Vec<u8>,
    tracker: Vec<u8>,
    failing: AtomicBool,
    bodies_sent: AtomicUsize,
}

/// Starts a server on a free loopback port; it lives as long as the test process.
fn start(served: Arc<Served>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let served = Arc::clone(&served);
            std::thread::spawn(move || answer(stream, &served));
        }
    });
    format!("http://{address}")
}

/// Answers one request: 500 when failing, 304 when the ETag matches, else the file.
fn answer(mut stream: TcpStream, served: &Served) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut if_none_match = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(value.trim().to_owned());
            }
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let body = match path {
        "/osv/PyPI/all.zip" => &served.osv_zip,
        "/tracker/data/json" => &served.tracker,
        _ => {
            let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            return;
        }
    };
    let etag = format!("\"{}\"", body.len());
    let response = if served.failing.load(Ordering::SeqCst) {
        b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .to_vec()
    } else if if_none_match.as_deref() == Some(etag.as_str()) {
        format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n")
            .into_bytes()
    } else {
        served.bodies_sent.fetch_add(1, Ordering::SeqCst);
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: {etag}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(body);
        response
    };
    let _ = stream.write_all(&response);
    let _ = reader.read_to_end(&mut Vec::new());
}

/// A zip of the fixture PyPA records, as OSV's `all.zip` bundles an ecosystem.
fn osv_zip(directory: &Path) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buffer);
    let mut names: Vec<_> = std::fs::read_dir(directory)
        .expect("advisory directory")
        .flatten()
        .map(|entry| entry.path())
        .collect();
    names.sort();
    for path in names {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        zip.write_all(&std::fs::read(&path).expect("record"))
            .expect("zip write");
    }
    zip.finish().expect("zip finish");
    buffer.into_inner()
}

fn update(base: &str, db: &Path, extra: &[&str]) -> std::process::Output {
    purser()
        .args(["db", "update", "--db"])
        .arg(db)
        .arg("--osv-base-url")
        .arg(format!("{base}/osv"))
        .args(["--osv-ecosystems", "PyPI", "--alpine-releases", ""])
        .arg("--debian-tracker-url")
        .arg(format!("{base}/tracker/data/json"))
        .args(extra)
        .output()
        .expect("purser runs")
}

#[test]
fn updates_download_only_what_changed_and_failures_keep_the_old_database() {
    let advisories = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/advisories");
    let served = Arc::new(Served {
        osv_zip: osv_zip(&advisories.join("pypi")),
        tracker: std::fs::read(advisories.join("debian/tracker-bookworm-excerpt.json"))
            .expect("tracker excerpt"),
        failing: AtomicBool::new(false),
        bodies_sent: AtomicUsize::new(0),
    });
    let base = start(Arc::clone(&served));
    let directory = tempfile::tempdir().expect("temporary directory");
    let db = directory.path().join("vulndb.purser");

    let first = update(&base, &db, &[]);
    assert_eq!(code(&first), 0, "{}", describe(&first));
    assert_eq!(served.bodies_sent.load(Ordering::SeqCst), 2);
    let built = std::fs::read(&db).expect("database written");

    let second = update(&base, &db, &[]);
    assert_eq!(code(&second), 0, "{}", describe(&second));
    assert_eq!(
        served.bodies_sent.load(Ordering::SeqCst),
        2,
        "unchanged feeds are not downloaded again"
    );
    assert!(String::from_utf8_lossy(&second.stderr).contains("up to date"));

    served.failing.store(true, Ordering::SeqCst);
    let failed = update(&base, &db, &[]);
    assert_eq!(code(&failed), 2, "{}", describe(&failed));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("left as it was"));
    assert_eq!(
        std::fs::read(&db).expect("still there"),
        built,
        "a failed update leaves the old database"
    );

    let offline = update("http://127.0.0.1:9", &db, &["--offline"]);
    assert_eq!(code(&offline), 0, "{}", describe(&offline));
    let info = db_info_json(&db);
    assert_eq!(info["sources"].as_array().map(Vec::len), Some(2), "{info}");
}
