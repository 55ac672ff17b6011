//! A scripted Anthropic Messages API server on 127.0.0.1, port 0, for the real Claude Code
//! client to talk to.
//!
//! Plain HTTP/1.1 over `std::net` (keep-alive, `Content-Length` and chunked request bodies,
//! chunked Server-Sent Events out): the client asks for little, and a hand-written server lets
//! a test hold a stream open (an Esc interrupt) and see the client hang up, which an HTTP crate
//! would hide. Every wait is bounded: reads time out, the accept loop polls a stop flag and has
//! a hard lifetime, and dropping the server stops it.
//!
//! The script is stateless, as `shared/research/real-client.md` suggests: the reply is chosen
//! from the latest scripted prompt found in the request and the number of tool-result messages
//! after it, so a retried request gets the same step. What was sent is recorded
//! ([`Log`]): that record is the ground truth `ringside score` is checked against.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

/// The server never lives longer than this, whatever the test does.
const LIFETIME: Duration = Duration::from_secs(240);
/// A connection idle this long is closed.
const IDLE: Duration = Duration::from_secs(60);
/// Longest request body read.
const MAX_BODY: usize = 16 << 20;

/// One content block of a scripted reply.
#[derive(Debug, Clone)]
pub enum Out {
    Text(String),
    /// A tool call: name and input. The id is made by the server.
    Tool(&'static str, Value),
}

/// What the server answers to one step.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub blocks: Vec<Out>,
    /// Stream the first text delta, then hold the stream open this long (or until the client
    /// hangs up) before finishing it.
    pub hold: Option<Duration>,
}

impl Reply {
    pub fn text(t: &str) -> Self {
        Self {
            blocks: vec![Out::Text(t.into())],
            hold: None,
        }
    }
    pub fn tool(name: &'static str, input: Value) -> Self {
        Self {
            blocks: vec![Out::Tool(name, input)],
            hold: None,
        }
    }
    pub fn say_then(t: &str, name: &'static str, input: Value) -> Self {
        Self {
            blocks: vec![Out::Text(t.into()), Out::Tool(name, input)],
            hold: None,
        }
    }
}

/// A scripted conversation: a prompt (matched by containment) and its steps. Step `k` answers
/// the request that carries `k` tool-result messages after the prompt; past the last step the
/// last one repeats.
#[derive(Debug, Clone)]
pub struct Script {
    pub name: &'static str,
    pub prompt: String,
    pub steps: Vec<Reply>,
}

/// Which conversation a reply belonged to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Thread {
    /// The main loop of a session (requests that carry tools).
    Main,
    /// A sub-agent: its first message is a scripted prompt that was delegated.
    Sub,
    /// Requests without tools (titles, summaries): not part of the transcript's figures.
    Side,
}

/// One reply the server sent (or began to send).
#[derive(Debug, Clone)]
pub struct Sent {
    pub message_id: String,
    pub session: Option<String>,
    pub thread: Thread,
    pub script: Option<&'static str>,
    pub step: usize,
    /// (tool_use id, tool name).
    pub tools: Vec<(String, String)>,
    pub output_tokens: u64,
    /// The client hung up before the stream ended (an Esc interrupt).
    pub aborted: bool,
}

/// The output tokens a stream's `message_start` reports (all a stream cut short carries).
pub const START_OUTPUT_TOKENS: u64 = 1;

/// Everything the server saw and sent.
#[derive(Debug, Default)]
pub struct Log {
    pub sent: Vec<Sent>,
    /// Tool results the client sent back: tool_use id → is_error.
    pub results: BTreeMap<String, bool>,
    /// Scripted prompts seen in requests, in the order first seen.
    pub prompts_seen: Vec<&'static str>,
    /// A held stream is open now (the test may press Esc).
    pub holding: bool,
    pub requests: u32,
    pub bad_requests: u32,
}

struct Shared {
    scripts: Vec<Script>,
    log: Mutex<Log>,
    changed: Condvar,
    stop: AtomicBool,
    ids: AtomicU64,
    /// Requests and replies as JSON lines, for debugging a failed run (RINGSIDE_E2E_TRACE).
    trace: Option<Mutex<std::fs::File>>,
}

pub struct Server {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(scripts: Vec<Script>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local addr");
        let trace = std::env::var_os("RINGSIDE_E2E_TRACE").map(|dir| {
            let path = std::path::Path::new(&dir).join(format!("server-{}.jsonl", addr.port()));
            Mutex::new(std::fs::File::create(path).expect("trace file"))
        });
        let shared = Arc::new(Shared {
            scripts,
            log: Mutex::new(Log::default()),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
            ids: AtomicU64::new(1),
            trace,
        });
        let s = shared.clone();
        let accept = std::thread::spawn(move || accept_loop(&listener, &s));
        Self {
            addr,
            shared,
            accept: Some(accept),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Runs `f` on the log.
    pub fn log<R>(&self, f: impl FnOnce(&Log) -> R) -> R {
        f(&self.shared.log.lock().expect("log lock"))
    }

    /// Waits (at most `secs`) until `cond` holds on the log; false on timeout.
    pub fn wait(&self, secs: u64, cond: impl Fn(&Log) -> bool) -> bool {
        let deadline = ringside::source::clock::instant() + Duration::from_secs(secs);
        let mut log = self.shared.log.lock().expect("log lock");
        loop {
            if cond(&log) {
                return true;
            }
            let now = ringside::source::clock::instant();
            if now >= deadline {
                return false;
            }
            log = self
                .shared
                .changed
                .wait_timeout(log, (deadline - now).min(Duration::from_millis(200)))
                .expect("log lock")
                .0;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let born = ringside::source::clock::instant();
    let mut conns = Vec::new();
    while !shared.stop.load(Ordering::SeqCst) && born.elapsed() < LIFETIME {
        match listener.accept() {
            Ok((stream, _)) => {
                let s = shared.clone();
                conns.push(std::thread::spawn(move || {
                    let _ = connection(stream, &s);
                }));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    shared.stop.store(true, Ordering::SeqCst);
    for c in conns {
        let _ = c.join();
    }
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn connection(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_millis(250)))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    let mut idle = ringside::source::clock::instant();
    loop {
        if shared.stop.load(Ordering::SeqCst) || idle.elapsed() > IDLE {
            return Ok(());
        }
        let req = match read_request(&mut reader, shared) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(()), // closed
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(e) => return Err(e),
        };
        idle = ringside::source::clock::instant();
        let close = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        respond(&req, &mut out, shared)?;
        if close {
            return Ok(());
        }
    }
}

/// Reads one request; `Ok(None)` when the peer closed between requests. A read timeout before
/// the first byte is returned as such (the caller polls); after it, reading goes on until the
/// request is whole or the stop flag is set.
fn read_request(r: &mut BufReader<TcpStream>, shared: &Shared) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let patient = |r: &mut BufReader<TcpStream>, buf: &mut String| -> std::io::Result<usize> {
        loop {
            match r.read_line(buf) {
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) && !shared.stop.load(Ordering::SeqCst) => {}
                other => return other,
            }
        }
    };
    while !line.ends_with('\n') {
        if patient(r, &mut line)? == 0 {
            return Ok(None);
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let path = parts.next().unwrap_or("").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if patient(r, &mut h)? == 0 {
            return Ok(None);
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let mut req = Request {
        method,
        path,
        headers,
        body: Vec::new(),
    };
    let chunked = req
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        loop {
            let mut size = String::new();
            patient(r, &mut size)?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            if n == 0 {
                let mut end = String::new();
                patient(r, &mut end)?;
                break;
            }
            if req.body.len() + n > MAX_BODY {
                return Err(std::io::Error::other("body too large"));
            }
            let mut chunk = vec![0; n + 2];
            read_exact_patient(r, &mut chunk, shared)?;
            req.body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = req
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        if n > MAX_BODY {
            return Err(std::io::Error::other("body too large"));
        }
        let mut body = vec![0; n];
        read_exact_patient(r, &mut body, shared)?;
        req.body = body;
    }
    Ok(Some(req))
}

fn read_exact_patient(
    r: &mut BufReader<TcpStream>,
    buf: &mut [u8],
    shared: &Shared,
) -> std::io::Result<()> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) && !shared.stop.load(Ordering::SeqCst) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn plain(out: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    out.flush()
}

fn respond(req: &Request, out: &mut TcpStream, shared: &Shared) -> std::io::Result<()> {
    let path = req.path.split('?').next().unwrap_or("");
    if req.method == "HEAD" {
        return write!(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .and_then(|()| out.flush());
    }
    if req.method != "POST" {
        return plain(
            out,
            "404 Not Found",
            r#"{"type":"error","error":{"type":"not_found_error","message":"not here"}}"#,
        );
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        shared.log.lock().expect("log lock").bad_requests += 1;
        return plain(
            out,
            "400 Bad Request",
            r#"{"type":"error","error":{"type":"invalid_request_error","message":"bad json"}}"#,
        );
    };
    trace(shared, &json!({"request": path, "body": body}));
    match path {
        "/v1/messages/count_tokens" => plain(out, "200 OK", r#"{"input_tokens":1200}"#),
        "/v1/messages" => messages(req, &body, out, shared),
        _ => plain(
            out,
            "404 Not Found",
            r#"{"type":"error","error":{"type":"not_found_error","message":"not here"}}"#,
        ),
    }
}

fn trace(shared: &Shared, v: &Value) {
    if let Some(t) = &shared.trace {
        let mut f = t.lock().expect("trace lock");
        let _ = writeln!(f, "{v}");
    }
}

/// The texts of a user message (a prompt, a delegated task), or of the `system` message in
/// which 2.1.197 hands the model a prompt typed while it worked ("The user sent a new message
/// while you were working: …").
fn user_texts(m: &Value) -> Vec<String> {
    if m["role"] != "user" && m["role"] != "system" {
        return Vec::new();
    }
    match &m["content"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(blocks) => blocks
            .iter()
            .filter(|b| b["type"] == "text")
            .filter_map(|b| b["text"].as_str())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn has_tool_result(m: &Value) -> bool {
    m["content"]
        .as_array()
        .is_some_and(|bs| bs.iter().any(|b| b["type"] == "tool_result"))
}

fn messages(
    req: &Request,
    body: &Value,
    out: &mut TcpStream,
    shared: &Shared,
) -> std::io::Result<()> {
    let msgs = body["messages"].as_array().cloned().unwrap_or_default();
    let has_tools = body["tools"].as_array().is_some_and(|t| !t.is_empty());
    let session = req.header("x-claude-code-session-id").map(str::to_owned);
    // The latest scripted prompt, and how many tool-result messages follow it.
    let mut found: Option<(usize, &Script)> = None;
    for (i, m) in msgs.iter().enumerate() {
        for t in user_texts(m) {
            if let Some(s) = shared.scripts.iter().find(|s| t.contains(&s.prompt)) {
                found = Some((i, s));
            }
        }
    }
    let mut log = shared.log.lock().expect("log lock");
    log.requests += 1;
    for m in &msgs {
        for b in m["content"].as_array().into_iter().flatten() {
            if b["type"] == "tool_result"
                && let Some(id) = b["tool_use_id"].as_str()
            {
                log.results
                    .insert(id.to_owned(), b["is_error"].as_bool().unwrap_or(false));
            }
        }
    }
    if let Some((_, s)) = found
        && !log.prompts_seen.contains(&s.name)
        && has_tools
    {
        log.prompts_seen.push(s.name);
    }
    // A sub-agent's conversation starts with the delegated prompt as its first message.
    let first_is_script = msgs.first().map(user_texts).is_some_and(|ts| {
        ts.iter().any(|t| {
            shared
                .scripts
                .iter()
                .any(|s| s.name.starts_with("sub:") && t.contains(&s.prompt))
        })
    });
    let thread = if !has_tools {
        Thread::Side
    } else if first_is_script {
        Thread::Sub
    } else {
        Thread::Main
    };
    let (reply, script, step) = match (&thread, found) {
        (Thread::Side, _) => (side_reply(body), None, 0),
        (_, Some((i, s))) => {
            let step = msgs[i + 1..].iter().filter(|m| has_tool_result(m)).count();
            let r = s
                .steps
                .get(step)
                .or(s.steps.last())
                .cloned()
                .unwrap_or_default();
            (r, Some(s.name), step)
        }
        (_, None) => (Reply::text("I have no script for this request."), None, 0),
    };
    let n = shared.ids.fetch_add(1, Ordering::SeqCst);
    let port = out.local_addr().map(|a| a.port()).unwrap_or(0);
    let message_id = format!("msg_rs{port}x{n:04}");
    let mut tools = Vec::new();
    let mut blocks = Vec::new();
    for (k, b) in reply.blocks.iter().enumerate() {
        match b {
            Out::Text(t) => blocks.push(json!({"type": "text", "text": t})),
            Out::Tool(name, input) => {
                let id = format!("toolu_rs{port}x{n:04}x{k}");
                tools.push((id.clone(), (*name).to_owned()));
                blocks.push(json!({"type": "tool_use", "id": id, "name": name, "input": input}));
            }
        }
    }
    // A deterministic, distinct figure per reply.
    let output_tokens = 11 + 7 * blocks.len() as u64 + (n % 13);
    let index = log.sent.len();
    log.sent.push(Sent {
        message_id: message_id.clone(),
        session,
        thread,
        script,
        step,
        tools: tools.clone(),
        output_tokens,
        aborted: false,
    });
    drop(log);
    shared.changed.notify_all();
    let model = body["model"]
        .as_str()
        .unwrap_or("claude-sonnet-4-5")
        .to_owned();
    let stop_reason = if tools.is_empty() {
        "end_turn"
    } else {
        "tool_use"
    };
    trace(shared, &json!({"reply": message_id, "blocks": blocks}));
    let ok = stream(
        out,
        shared,
        &message_id,
        &model,
        &blocks,
        output_tokens,
        stop_reason,
        reply.hold,
        index,
    );
    if ok.is_err() {
        let mut log = shared.log.lock().expect("log lock");
        log.sent[index].aborted = true;
        log.holding = false;
        drop(log);
        shared.changed.notify_all();
    }
    ok
}

/// Titles and other tool-less requests: a short text, JSON where the system prompt asks for it.
fn side_reply(body: &Value) -> Reply {
    let system = body["system"].to_string();
    if system.contains("title") && system.contains("JSON") {
        Reply::text(r#"{"title": "Scripted session"}"#)
    } else if system.contains("JSON") {
        Reply::text("{}")
    } else {
        Reply::text("Scripted session")
    }
}

fn chunk(out: &mut TcpStream, data: &str) -> std::io::Result<()> {
    write!(out, "{:x}\r\n{data}\r\n", data.len())?;
    out.flush()
}

fn event(out: &mut TcpStream, name: &str, data: &Value) -> std::io::Result<()> {
    chunk(out, &format!("event: {name}\ndata: {data}\n\n"))
}

#[allow(clippy::too_many_arguments, reason = "one reply's parts")]
fn stream(
    out: &mut TcpStream,
    shared: &Shared,
    id: &str,
    model: &str,
    blocks: &[Value],
    output_tokens: u64,
    stop_reason: &str,
    hold: Option<Duration>,
    index: usize,
) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\nrequest-id: req_{id}\r\n\r\n"
    )?;
    event(
        out,
        "message_start",
        &json!({"type": "message_start", "message": {
        "id": id, "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": null, "stop_sequence": null,
        "usage": {"input_tokens": 1200, "output_tokens": START_OUTPUT_TOKENS, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}}),
    )?;
    for (i, b) in blocks.iter().enumerate() {
        if b["type"] == "text" {
            let text = b["text"].as_str().unwrap_or("");
            event(
                out,
                "content_block_start",
                &json!({"type": "content_block_start", "index": i, "content_block": {"type": "text", "text": ""}}),
            )?;
            let (head, tail) = text.split_at(text.len().min(text.find(' ').unwrap_or(text.len())));
            event(
                out,
                "content_block_delta",
                &json!({"type": "content_block_delta", "index": i, "delta": {"type": "text_delta", "text": head}}),
            )?;
            if let Some(d) = hold.filter(|_| i == 0) {
                hold_open(out, shared, d, index)?;
            }
            if !tail.is_empty() {
                event(
                    out,
                    "content_block_delta",
                    &json!({"type": "content_block_delta", "index": i, "delta": {"type": "text_delta", "text": tail}}),
                )?;
            }
        } else {
            event(
                out,
                "content_block_start",
                &json!({"type": "content_block_start", "index": i, "content_block": {"type": "tool_use", "id": b["id"], "name": b["name"], "input": {}}}),
            )?;
            event(
                out,
                "content_block_delta",
                &json!({"type": "content_block_delta", "index": i, "delta": {"type": "input_json_delta", "partial_json": b["input"].to_string()}}),
            )?;
        }
        event(
            out,
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": i}),
        )?;
    }
    event(
        out,
        "message_delta",
        &json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null}, "usage": {"output_tokens": output_tokens}}),
    )?;
    event(out, "message_stop", &json!({"type": "message_stop"}))?;
    chunk(out, "")
}

/// Keeps a stream open for `d`, sending SSE pings, and notices when the client hangs up.
fn hold_open(
    out: &mut TcpStream,
    shared: &Shared,
    d: Duration,
    index: usize,
) -> std::io::Result<()> {
    {
        let mut log = shared.log.lock().expect("log lock");
        log.holding = true;
        let _ = index;
    }
    shared.changed.notify_all();
    let until = ringside::source::clock::instant() + d;
    let mut probe = [0u8; 1];
    while ringside::source::clock::instant() < until && !shared.stop.load(Ordering::SeqCst) {
        event(out, "ping", &json!({"type": "ping"}))?;
        // A hang-up shows as EOF on the read side.
        out.set_nonblocking(true)?;
        let r = out.peek(&mut probe);
        out.set_nonblocking(false)?;
        if matches!(r, Ok(0)) {
            return Err(std::io::ErrorKind::ConnectionAborted.into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    shared.log.lock().expect("log lock").holding = false;
    shared.changed.notify_all();
    Ok(())
}
