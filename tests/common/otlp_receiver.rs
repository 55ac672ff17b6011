//! A scripted OTLP/HTTP receiver on 127.0.0.1 (port 0 unless asked): records every request
//! (method, path, headers, body) and answers with the next scripted status (200 once the script
//! runs out). Every wait is bounded; it stops when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Receiver {
    pub addr: SocketAddr,
    /// Requests answered 2xx.
    pub requests: Arc<Mutex<Vec<Request>>>,
    /// Requests answered otherwise.
    pub refused: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    /// Listens on 127.0.0.1:`port` (0: any free port); answers `script` in order, then 200.
    pub fn start(port: u16, script: Vec<u16>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let script = Arc::new(Mutex::new(
            script
                .into_iter()
                .collect::<std::collections::VecDeque<u16>>(),
        ));
        let refused = Arc::new(AtomicUsize::new(0));
        let (r, s, no) = (requests.clone(), stop.clone(), refused.clone());
        let thread = std::thread::spawn(move || {
            // Bounded: a test never runs this long.
            let deadline = ringside::source::clock::instant() + Duration::from_secs(120);
            while !s.load(Ordering::Relaxed) && ringside::source::clock::instant() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (r, script, s, no) = (r.clone(), script.clone(), s.clone(), no.clone());
                        std::thread::spawn(move || serve(stream, &r, &no, &script, &s));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Ok(Self {
            addr,
            requests,
            refused,
            stop,
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn taken(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    requests: &Mutex<Vec<Request>>,
    refused: &AtomicUsize,
    script: &Mutex<std::collections::VecDeque<u16>>,
    stop: &AtomicBool,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut out = match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    // Keep-alive: several requests on one connection.
    for _ in 0..1000 {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, path) = (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        );
        let mut headers = Vec::new();
        let mut len = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                let (k, v) = (k.trim().to_owned(), v.trim().to_owned());
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.parse().unwrap_or(0);
                }
                headers.push((k, v));
            }
        }
        let mut body = vec![0u8; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let status = script.lock().unwrap().pop_front().unwrap_or(200);
        if (200..300).contains(&status) {
            requests.lock().unwrap().push(Request {
                method,
                path,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
        } else {
            refused.fetch_add(1, Ordering::Relaxed);
        }
        let reply = if (200..300).contains(&status) {
            "{}"
        } else {
            "{\"message\":\"not now\"}"
        };
        let retry = if status == 503 {
            "Retry-After: 0\r\n"
        } else {
            ""
        };
        let _ = write!(
            out,
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{retry}content-length: {}\r\n\r\n{reply}",
            reply.len()
        );
        let _ = out.flush();
    }
}
