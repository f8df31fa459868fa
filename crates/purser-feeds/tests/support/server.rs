//! A small HTTP/1.1 server on loopback that serves fixed files, honours If-None-Match and
//! If-Modified-Since with 304, counts connections, can be told to misbehave, and also answers
//! as a plain-HTTP forward proxy.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the server answers a request for a route (a broken server errors even when the
/// validators match).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// 200 with the whole body and its Content-Length.
    Whole,
    /// 200 declaring the whole length, then only `sent` bytes, then the connection closes.
    CutShort { sent: usize },
    /// 200 without Content-Length: the body ends when the connection closes.
    NoContentLength,
    /// 500 Internal Server Error.
    ServerError,
    /// 200 declaring the whole length, half the body, then silence for this long.
    Stall(Duration),
}

/// One file the server offers.
#[derive(Debug, Clone)]
pub struct Route {
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub behaviour: Behaviour,
}

impl Route {
    /// A well-behaved route with an ETag.
    pub fn with_etag(body: Vec<u8>, etag: &str) -> Self {
        Self {
            body,
            etag: Some(etag.to_owned()),
            last_modified: None,
            behaviour: Behaviour::Whole,
        }
    }
}

/// The validators a request carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    pub path: String,
    /// The request named a whole URL (`GET http://host/path`), as clients do through a proxy.
    pub through_proxy: bool,
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
}

#[derive(Default)]
struct Shared {
    routes: Mutex<HashMap<String, Route>>,
    requests: Mutex<Vec<SeenRequest>>,
    connections: AtomicUsize,
}

/// The running server; its thread lives until the test process ends.
pub struct TestServer {
    address: SocketAddr,
    shared: Arc<Shared>,
}

impl TestServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let address = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared::default());

        let accepting = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                accepting.connections.fetch_add(1, Ordering::SeqCst);
                let shared = Arc::clone(&accepting);
                std::thread::spawn(move || answer(stream, &shared));
            }
        });
        Self { address, shared }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Serves `route` at `path`, replacing what was there.
    pub fn serve(&self, path: &str, route: Route) {
        self.shared
            .routes
            .lock()
            .unwrap()
            .insert(path.to_owned(), route);
    }

    /// Changes how `path` answers.
    pub fn set_behaviour(&self, path: &str, behaviour: Behaviour) {
        self.shared
            .routes
            .lock()
            .unwrap()
            .get_mut(path)
            .expect("route")
            .behaviour = behaviour;
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Requests received so far, oldest first.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.shared.requests.lock().unwrap().clone()
    }
}

fn answer(stream: TcpStream, shared: &Shared) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    shared.requests.lock().unwrap().push(request.clone());
    let route = shared.routes.lock().unwrap().get(&request.path).cloned();
    let mut stream = stream;

    let Some(route) = route else {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };

    if route.behaviour == Behaviour::ServerError {
        let _ = stream.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops");
        return;
    }

    let etag_matches = route.etag.is_some() && request.if_none_match == route.etag;
    let date_matches = route.etag.is_none()
        && route.last_modified.is_some()
        && request.if_modified_since == route.last_modified;
    if etag_matches || date_matches {
        let _ = stream.write_all(b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n");
        return;
    }

    let mut head = String::from("HTTP/1.1 200 OK\r\nConnection: close\r\n");
    if let Some(etag) = &route.etag {
        head.push_str(&format!("ETag: {etag}\r\n"));
    }
    if let Some(date) = &route.last_modified {
        head.push_str(&format!("Last-Modified: {date}\r\n"));
    }
    if route.behaviour != Behaviour::NoContentLength {
        head.push_str(&format!("Content-Length: {}\r\n", route.body.len()));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());

    let body = &route.body;
    let _ = match route.behaviour {
        Behaviour::CutShort { sent } => stream.write_all(&body[..sent.min(body.len())]),
        Behaviour::Stall(pause) => {
            let _ = stream.write_all(&body[..body.len() / 2]);
            let _ = stream.flush();
            std::thread::sleep(pause);
            Ok(())
        }
        _ => stream.write_all(body),
    };
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn read_request(reader: &mut impl BufRead) -> Option<SeenRequest> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let target = line.split_whitespace().nth(1)?;
    // Acting as a forward proxy: serve the path of an absolute URL as if it were local.
    let through_proxy = target.starts_with("http://");
    let path = match target.strip_prefix("http://") {
        Some(rest) => rest
            .find('/')
            .map_or("/", |start| &rest[start..])
            .to_owned(),
        None => target.to_owned(),
    };

    let mut headers = HashMap::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }

    Some(SeenRequest {
        path,
        through_proxy,
        if_none_match: headers.remove("if-none-match"),
        if_modified_since: headers.remove("if-modified-since"),
    })
}
