//! Process isolation: files are parsed in worker processes so that no file can take the
//! run down.
//!
//! The parent re-executes the `sopap` binary as a hidden `sopap worker` subcommand with an
//! address-space limit (`RLIMIT_AS`) and no core dumps, and talks to it over stdin/stdout
//! in length-prefixed frames: a [`Hello`] once, then per file a JSON [`Job`] header and
//! the file's bytes, answered by one JSON reply ([`Processed`]: the SOPs or the error, and whether the
//! file's OCR was left for a later pass). A worker
//! that dies (out of memory, abort, stack overflow, any signal) or overruns its wall time
//! costs only the file it held: that file gets its error line ([`died`]), the worker is
//! replaced, and the error is recorded in the state store like any other outcome, so an
//! unchanged file is not read again the next night.

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::StopFlag;
use crate::analyze::Rules;
use crate::analyze::date::{Date, DateError};
use crate::error::ErrorKind;
use crate::ingest::limits::Limits;
use crate::pipeline::{FileContext, OcrPass, Processed};
use crate::rules::RulesError;
use crate::sop::record::FileError;

/// The hidden subcommand that runs a worker.
pub const WORKER_SUBCOMMAND: &str = "worker";

/// Default address-space limit of one worker, in bytes: the most memory one file may
/// take (virtual, including the executable and its libraries).
pub const DEFAULT_MEMORY_BYTES: u64 = 1 << 30;

/// Default wall time one file may hold a worker, beyond which the worker is killed; the
/// readers' own cooperative budget ([`Limits::time_budget`], CPU time) normally ends first.
pub const DEFAULT_WALL_TIME: Duration = Duration::from_secs(90);

/// Largest reply frame accepted from a worker: a bigger length prefix is a broken
/// worker, not a file's SOPs.
const MAX_REPLY_BYTES: u64 = 1 << 30;

/// How many bytes of a dead worker's stderr are read to tell why it died.
const STDERR_TAIL_BYTES: u64 = 8 << 10;

/// How often the parent, waiting for a worker's reply, looks at the run's stop flag.
const STOP_CHECK_INTERVAL: Duration = Duration::from_millis(200);

/// How often a worker checks that its parent is still alive.
const PARENT_CHECK_INTERVAL: Duration = Duration::from_millis(500);

/// Environment variable naming test faults for the worker: comma-separated
/// `fault:path-suffix` pairs (`oom`, `segv`, `abort`, `hang`); a job whose path ends with
/// the suffix triggers the fault. Used by the isolation tests only.
pub const FAULTS_ENV: &str = "SOPAP_WORKER_FAULTS";

/// Text Rust's runtime prints when an allocation fails (then it aborts).
const OOM_MARK: &str = "memory allocation of";
/// Text Rust's runtime prints when the stack overflows (then SIGSEGV).
const STACK_MARK: &str = "has overflowed its stack";

/// How to start workers.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// The executable that serves `sopap worker` (normally the running `sopap` binary).
    pub exe: PathBuf,
    /// The `--rules` folder the parent loaded its rules from, passed on to the worker.
    pub rules_dir: Option<PathBuf>,
    /// Address-space limit of a worker, in bytes.
    pub memory_bytes: u64,
    /// Wall time one file may hold a worker.
    pub wall_time: Duration,
}

impl WorkerConfig {
    /// Workers running `exe` with the default limits.
    pub fn new(exe: impl Into<PathBuf>, rules_dir: Option<PathBuf>) -> Self {
        WorkerConfig {
            exe: exe.into(),
            rules_dir,
            memory_bytes: DEFAULT_MEMORY_BYTES,
            wall_time: DEFAULT_WALL_TIME,
        }
    }
}

/// Where the files of a run are parsed.
#[derive(Clone, Debug, Default)]
pub enum Isolation {
    /// In the run's own threads (a panic is caught, an abort is not). The default for
    /// library users that are not the `sopap` binary.
    #[default]
    InProcess,
    /// In worker processes.
    Workers(WorkerConfig),
}

/// A failure to start or talk to workers at all (not a failure of one file).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The worker executable could not be started.
    #[error("cannot start worker {exe}: {source}")]
    Spawn {
        /// The executable.
        exe: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The pipe to or from a worker failed.
    #[error("worker pipe: {0}")]
    Io(#[from] std::io::Error),
    /// A frame could not be encoded or decoded.
    #[error("worker protocol: {0}")]
    Protocol(#[from] serde_json::Error),
    /// The worker refused the hello (other rules, bad arguments).
    #[error("worker refused to start: {0}")]
    Refused(String),
    /// The worker's rules cannot be loaded.
    #[error("worker rules: {0}")]
    Rules(String),
}

/// The first frame to a worker: what it needs to parse like the parent would.
#[derive(Debug, Serialize, Deserialize)]
pub struct Hello {
    /// Per-file limits.
    pub limits: Limits,
    /// The findings' as-of date (`YYYY-MM-DD`).
    pub as_of: String,
    /// Fingerprint of the parent's rules; the worker refuses when its own differ.
    pub fingerprint: String,
}

/// The header of one job: the file's context; its bytes follow in the next frame.
#[derive(Debug, Serialize, Deserialize)]
struct Job {
    rel_path: String,
    agency: Option<String>,
    #[serde(default)]
    ocr: OcrPass,
}

/// The worker's answer to the hello: `None` when ready, the reason otherwise.
#[derive(Debug, Serialize, Deserialize)]
struct Ready {
    refused: Option<String>,
}

fn write_frame(w: &mut impl Write, payload: &[u8]) -> std::io::Result<()> {
    w.write_all(&(payload.len() as u64).to_le_bytes())?;
    w.write_all(payload)
}

/// Reads one frame; `Ok(None)` at a clean end of input.
fn read_frame(r: &mut impl Read, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 8];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let n = u64::from_le_bytes(len);
    if n > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("frame of {n} bytes is larger than {max}"),
        ));
    }
    let mut buf = vec![0u8; n as usize];
    r.read_exact(&mut buf)?;
    Ok(Some(buf))
}

// ---------------------------------------------------------------- worker side

/// Serves jobs on stdin/stdout until stdin closes: the body of `sopap worker`.
pub fn serve(rules_dir: Option<&Path>) -> Result<(), WorkerError> {
    // A panic is caught and reported in the reply; its default message would only reach
    // the parent's stderr (and break `--json-log`).
    std::panic::set_hook(Box::new(|_| {}));
    watch_parent();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut input = stdin.lock();
    let mut output = stdout.lock();
    let Some(hello) = read_frame(&mut input, MAX_REPLY_BYTES)? else {
        return Ok(());
    };
    let hello: Hello = serde_json::from_slice(&hello)?;
    let (rules, refused) = match load_rules(rules_dir, &hello) {
        Ok(r) => (Some(r), None),
        // The reason crosses the pipe to the parent as text.
        Err(e) => (None, Some(e.to_string())),
    };
    write_frame(&mut output, &serde_json::to_vec(&Ready { refused })?)?;
    output.flush()?;
    let Some(rules) = rules else { return Ok(()) };
    let faults = std::env::var(FAULTS_ENV).unwrap_or_default();
    let max_bytes = hello.limits.max_file_bytes.saturating_add(1);
    while let Some(header) = read_frame(&mut input, MAX_REPLY_BYTES)? {
        let job: Job = serde_json::from_slice(&header)?;
        let Some(bytes) = read_frame(&mut input, max_bytes)? else {
            return Ok(());
        };
        inject_fault(&faults, &job.rel_path);
        let ctx = FileContext {
            rel_path: job.rel_path,
            agency: job.agency,
        };
        let processed = super::process_pass_guarded(&ctx, &bytes, &rules, &hello.limits, job.ocr);
        write_frame(&mut output, &serde_json::to_vec(&processed)?)?;
        output.flush()?;
    }
    Ok(())
}

/// Why a worker refuses the run's rules (sent to the parent in its [`Ready`]).
#[derive(Debug, thiserror::Error)]
enum RulesRefusal {
    /// The rule files cannot be loaded.
    #[error(transparent)]
    Load(#[from] RulesError),
    /// The run's as-of date is no date.
    #[error(transparent)]
    AsOf(#[from] DateError),
    /// The worker read other rule files than the parent.
    #[error("worker rules {worker} differ from the run's rules {run}")]
    Differ {
        /// The worker's fingerprint.
        worker: String,
        /// The parent's fingerprint.
        run: String,
    },
}

/// The worker's rules: loaded like the parent's, refused when they differ.
fn load_rules(dir: Option<&Path>, hello: &Hello) -> Result<Rules, RulesRefusal> {
    let mut rules = Rules::load(dir)?;
    rules.findings.as_of = Date::parse_iso(&hello.as_of)?;
    if rules.fingerprint != hello.fingerprint {
        return Err(RulesRefusal::Differ {
            worker: rules.fingerprint,
            run: hello.fingerprint.clone(),
        });
    }
    Ok(rules)
}

/// Ends the worker when its parent is gone (killed with SIGKILL, say), so that no
/// orphan keeps parsing a file nobody waits for.
fn watch_parent() {
    // SAFETY: getppid has no preconditions and cannot fail.
    let parent = unsafe { libc::getppid() };
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(PARENT_CHECK_INTERVAL);
            // SAFETY: as above.
            if unsafe { libc::getppid() } != parent {
                // SAFETY: _exit ends the process without running destructors; nothing
                // of the worker's state needs saving.
                unsafe { libc::_exit(0) };
            }
        }
    });
}

/// Triggers the test fault named for `rel_path` in `faults` ([`FAULTS_ENV`]), if any.
fn inject_fault(faults: &str, rel_path: &str) {
    for pair in faults.split(',') {
        let Some((fault, suffix)) = pair.split_once(':') else {
            continue;
        };
        if suffix.is_empty() || !rel_path.ends_with(suffix) {
            continue;
        }
        match fault {
            "oom" => {
                // Allocate and touch until the address-space limit refuses.
                let mut hog: Vec<Vec<u8>> = Vec::new();
                loop {
                    hog.push(vec![1u8; 64 << 20]);
                }
            }
            // SAFETY: restoring the default action (the runtime's handler ignores a
            // raised SIGSEGV) and raising a signal at ourselves touch no memory.
            "segv" => unsafe {
                libc::signal(libc::SIGSEGV, libc::SIG_DFL);
                libc::raise(libc::SIGSEGV);
            },
            "abort" => std::process::abort(),
            "hang" => loop {
                std::thread::sleep(Duration::from_secs(3600));
            },
            _ => {}
        }
    }
}

// ---------------------------------------------------------------- parent side

/// One running worker.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    stderr: std::fs::File,
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing stdin ends an idle worker; a busy one is killed.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How talking to a worker about one file went wrong.
enum Trouble {
    /// The wall time ran out (the worker is killed).
    Time,
    /// The pipe broke or the reply is unreadable: the worker died or misbehaved.
    Broken(Broken),
    /// The run was asked to stop (the worker is killed).
    Stopped,
}

/// How the exchange with a worker broke; the text becomes the detail of the file's
/// error line.
#[derive(Debug, thiserror::Error)]
enum Broken {
    /// The job header could not be encoded.
    #[error(transparent)]
    Encode(serde_json::Error),
    /// Writing to or reading from the pipe failed.
    #[error(transparent)]
    Pipe(std::io::Error),
    /// The reply is no JSON the parent can read.
    #[error("bad reply: {0}")]
    BadReply(serde_json::Error),
    /// The reply announced more bytes than a reply may have.
    #[error("reply of {0} bytes")]
    Oversize(u64),
    /// The worker closed its output before the reply was whole.
    #[error("the worker closed its output")]
    Closed,
}

/// The workers of one run: idle ones wait in a stack, a thread takes one per file and
/// starts a new one when none is idle.
pub struct Pool {
    cfg: WorkerConfig,
    hello: Vec<u8>,
    idle: Mutex<Vec<Worker>>,
    stop: StopFlag,
}

impl Pool {
    /// Starts the pool and one worker, checking that it accepts the run's rules.
    pub fn start(cfg: WorkerConfig, limits: &Limits, rules: &Rules) -> Result<Self, WorkerError> {
        let hello = serde_json::to_vec(&Hello {
            limits: limits.clone(),
            as_of: rules.findings.as_of.to_string(),
            fingerprint: rules.fingerprint.clone(),
        })?;
        let pool = Pool {
            cfg,
            hello,
            idle: Mutex::new(Vec::new()),
            stop: StopFlag::new(),
        };
        let first = pool.spawn()?;
        pool.give_back(first);
        Ok(pool)
    }

    /// The pool with the run's stop flag: a raised flag ends the wait for a busy worker
    /// (which is killed), so a stopping run does not wait for its slowest file.
    pub fn stop_with(mut self, stop: StopFlag) -> Self {
        self.stop = stop;
        self
    }

    /// Starts one worker and greets it.
    fn spawn(&self) -> Result<Worker, WorkerError> {
        let stderr = tempfile::tempfile()?;
        let mut cmd = Command::new(&self.cfg.exe);
        if let Some(dir) = &self.cfg.rules_dir {
            cmd.arg("--rules").arg(dir);
        }
        cmd.arg(WORKER_SUBCOMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr.try_clone()?));
        let mem = self.cfg.memory_bytes;
        // SAFETY: the closure only calls setrlimit, which is async-signal-safe, and
        // allocates nothing.
        unsafe {
            cmd.pre_exec(move || limit_child(mem));
        }
        let mut child = cmd.spawn().map_err(|source| WorkerError::Spawn {
            exe: self.cfg.exe.clone(),
            source,
        })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(WorkerError::Refused("worker has no pipes".into()));
        };
        let mut w = Worker {
            child,
            stdin,
            stdout,
            stderr,
        };
        write_frame(&mut w.stdin, &self.hello)?;
        w.stdin.flush()?;
        let deadline = Instant::now() + self.cfg.wall_time;
        let reply = match recv(&mut w.stdout, deadline, None) {
            Ok(r) => r,
            Err(Trouble::Time | Trouble::Stopped) => {
                return Err(WorkerError::Refused("no answer to hello".into()));
            }
            Err(Trouble::Broken(m)) => {
                let tail = stderr_tail(&mut w.stderr);
                return Err(WorkerError::Refused(format!("{m} {tail}").trim().into()));
            }
        };
        let ready: Ready = serde_json::from_slice(&reply)?;
        match ready.refused {
            None => Ok(w),
            Some(why) => Err(WorkerError::Refused(why)),
        }
    }

    fn give_back(&self, w: Worker) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(w);
        }
    }

    fn take(&self) -> Option<Worker> {
        self.idle.lock().ok().and_then(|mut idle| idle.pop())
    }

    /// Parses one file in a worker. A worker that dies or overruns costs this file only
    /// (its error says why) and is replaced by the next call; when no worker can be
    /// started the file is parsed in-process.
    pub fn process(
        &self,
        ctx: &FileContext,
        bytes: &[u8],
        rules: &Rules,
        limits: &Limits,
        pass: OcrPass,
    ) -> Processed {
        let mut w = match self.take() {
            Some(w) => w,
            None => match self.spawn() {
                Ok(w) => w,
                Err(_) => return super::process_pass_guarded(ctx, bytes, rules, limits, pass),
            },
        };
        match self.exchange(&mut w, ctx, bytes, pass) {
            Ok(processed) => {
                self.give_back(w);
                processed
            }
            Err(trouble) => Processed::failed(self.died(w, trouble, &ctx.rel_path)),
        }
    }

    /// Sends one job and waits for its reply within the wall time.
    fn exchange(
        &self,
        w: &mut Worker,
        ctx: &FileContext,
        bytes: &[u8],
        pass: OcrPass,
    ) -> Result<Processed, Trouble> {
        let header = serde_json::to_vec(&Job {
            rel_path: ctx.rel_path.clone(),
            agency: ctx.agency.clone(),
            ocr: pass,
        })
        .map_err(|e| Trouble::Broken(Broken::Encode(e)))?;
        let deadline = Instant::now() + self.cfg.wall_time;
        write_frame(&mut w.stdin, &header)
            .and_then(|()| write_frame(&mut w.stdin, bytes))
            .and_then(|()| w.stdin.flush())
            .map_err(|e| Trouble::Broken(Broken::Pipe(e)))?;
        let reply = recv(&mut w.stdout, deadline, Some(&self.stop))?;
        serde_json::from_slice(&reply).map_err(|e| Trouble::Broken(Broken::BadReply(e)))
    }

    /// The error line of a file whose worker died or overran; the worker is reaped.
    fn died(&self, mut w: Worker, trouble: Trouble, rel_path: &str) -> FileError {
        let _ = w.child.kill();
        let status = w.child.wait().ok();
        let tail = stderr_tail(&mut w.stderr);
        let (kind, message) = match trouble {
            Trouble::Time => (
                ErrorKind::TooLarge,
                format!(
                    "the reader ran out of time: stopped after {} s",
                    self.cfg.wall_time.as_secs()
                ),
            ),
            Trouble::Broken(detail) => {
                classify(status, &tail, self.cfg.memory_bytes, &detail.to_string())
            }
            Trouble::Stopped => (
                ErrorKind::Timeout,
                "not read: the run was stopped while reading this file".to_string(),
            ),
        };
        FileError::input(rel_path, kind, message)
    }
}

/// Sets the worker's limits between fork and exec: address space and no core files.
fn limit_child(memory_bytes: u64) -> std::io::Result<()> {
    let set = |resource, value: u64| {
        let lim = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: setrlimit reads the struct we pass and is async-signal-safe.
        if unsafe { libc::setrlimit(resource, &lim) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    };
    set(libc::RLIMIT_AS, memory_bytes)?;
    set(libc::RLIMIT_CORE, 0)
}

/// Why a worker died, as an error kind and message: out of memory is `too-large`, any
/// other death `corrupt` naming the signal.
fn classify(
    status: Option<ExitStatus>,
    stderr: &str,
    memory_bytes: u64,
    detail: &str,
) -> (ErrorKind, String) {
    let limit = format!("limit {} MiB", memory_bytes >> 20);
    if stderr.contains(OOM_MARK) {
        return (
            ErrorKind::TooLarge,
            format!("the reader ran out of memory ({limit})"),
        );
    }
    let signal = status.and_then(|s| s.signal());
    match signal {
        Some(libc::SIGKILL) => (
            ErrorKind::TooLarge,
            format!("the reader was killed (SIGKILL), most likely out of memory ({limit})"),
        ),
        Some(sig) if stderr.contains(STACK_MARK) => (
            ErrorKind::Corrupt,
            format!("the reader crashed: stack overflow ({})", signal_name(sig)),
        ),
        Some(sig) => (
            ErrorKind::Corrupt,
            format!("the reader crashed with signal {}", signal_name(sig)),
        ),
        None => match status.and_then(|s| s.code()) {
            Some(code) => (
                ErrorKind::Corrupt,
                format!("the reader exited unexpectedly with status {code}"),
            ),
            None => (
                ErrorKind::Corrupt,
                format!("the reader stopped answering: {detail}"),
            ),
        },
    }
}

/// The conventional name of a signal.
fn signal_name(sig: i32) -> String {
    let name = match sig {
        libc::SIGSEGV => "SIGSEGV (invalid memory access)",
        libc::SIGABRT => "SIGABRT (abort)",
        libc::SIGBUS => "SIGBUS (bus error)",
        libc::SIGILL => "SIGILL (illegal instruction)",
        libc::SIGFPE => "SIGFPE (arithmetic error)",
        libc::SIGTERM => "SIGTERM",
        libc::SIGINT => "SIGINT",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGXCPU => "SIGXCPU (CPU time limit)",
        libc::SIGSYS => "SIGSYS (bad system call)",
        _ => return format!("{sig}"),
    };
    name.to_string()
}

/// The last bytes a worker wrote to stderr.
fn stderr_tail(f: &mut std::fs::File) -> String {
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(STDERR_TAIL_BYTES);
    let mut buf = Vec::new();
    if f.seek(SeekFrom::Start(start)).is_ok() {
        let _ = f.take(STDERR_TAIL_BYTES).read_to_end(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// Reads one reply frame, waiting at most until `deadline` or a raised `stop`.
fn recv(
    r: &mut ChildStdout,
    deadline: Instant,
    stop: Option<&StopFlag>,
) -> Result<Vec<u8>, Trouble> {
    let mut len = [0u8; 8];
    read_exact_until(r, &mut len, deadline, stop)?;
    let n = u64::from_le_bytes(len);
    if n > MAX_REPLY_BYTES {
        return Err(Trouble::Broken(Broken::Oversize(n)));
    }
    let mut buf = vec![0u8; n as usize];
    read_exact_until(r, &mut buf, deadline, stop)?;
    Ok(buf)
}

/// Fills `buf` from the pipe, polling so that a silent worker cannot hold the thread
/// past `deadline`.
fn read_exact_until(
    r: &mut ChildStdout,
    buf: &mut [u8],
    deadline: Instant,
    stop: Option<&StopFlag>,
) -> Result<(), Trouble> {
    let mut done = 0;
    while done < buf.len() {
        if stop.is_some_and(|s| s.requested().is_some()) {
            return Err(Trouble::Stopped);
        }
        let left = deadline
            .saturating_duration_since(Instant::now())
            .min(STOP_CHECK_INTERVAL);
        if deadline <= Instant::now() {
            return Err(Trouble::Time);
        }
        let mut pfd = libc::pollfd {
            fd: r.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = left.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd for the duration of the call.
        let ready = unsafe { libc::poll(&mut pfd, 1, ms.max(1)) };
        if ready < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(Trouble::Broken(Broken::Pipe(e)));
        }
        if ready == 0 {
            continue;
        }
        let Some(rest) = buf.get_mut(done..) else {
            break;
        };
        match r.read(rest) {
            Ok(0) => return Err(Trouble::Broken(Broken::Closed)),
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Trouble::Broken(Broken::Pipe(e))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_exchange_keeps_its_cause_and_its_text() {
        assert_eq!(Broken::Closed.to_string(), "the worker closed its output");
        assert_eq!(Broken::Oversize(9).to_string(), "reply of 9 bytes");
        let json = serde_json::from_slice::<Processed>(b"{").unwrap_err();
        let text = json.to_string();
        let bad = Broken::BadReply(json);
        assert_eq!(bad.to_string(), format!("bad reply: {text}"));
        assert!(matches!(bad, Broken::BadReply(ref e) if e.is_eof()));
        let pipe = Broken::Pipe(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(matches!(pipe, Broken::Pipe(ref e) if e.kind() == std::io::ErrorKind::BrokenPipe));
    }

    #[test]
    fn a_refused_rules_load_keeps_its_cause_and_its_text() {
        let date = Date::parse_iso("2026-13-40").unwrap_err();
        let text = date.to_string();
        let refusal = RulesRefusal::from(date);
        assert_eq!(refusal.to_string(), text);
        assert!(matches!(refusal, RulesRefusal::AsOf(_)));
        let differ = RulesRefusal::Differ {
            worker: "a1".into(),
            run: "b2".into(),
        };
        assert_eq!(
            differ.to_string(),
            "worker rules a1 differ from the run's rules b2"
        );
    }

    #[test]
    fn out_of_memory_is_too_large_and_a_signal_is_named() {
        let abort = ExitStatus::from_raw(libc::SIGABRT);
        let (k, m) = classify(
            Some(abort),
            "memory allocation of 1099511627776 bytes failed\n",
            1 << 30,
            "",
        );
        assert_eq!(k, ErrorKind::TooLarge);
        assert!(m.contains("out of memory") && m.contains("1024 MiB"), "{m}");
        let segv = ExitStatus::from_raw(libc::SIGSEGV);
        let (k, m) = classify(Some(segv), "", 1 << 30, "");
        assert_eq!(k, ErrorKind::Corrupt);
        assert!(m.contains("SIGSEGV"), "{m}");
        let (k, m) = classify(
            Some(segv),
            "thread 'main' has overflowed its stack",
            1 << 30,
            "",
        );
        assert_eq!(k, ErrorKind::Corrupt);
        assert!(m.contains("stack overflow"), "{m}");
    }

    #[test]
    fn frames_round_trip_and_refuse_oversized_lengths() {
        let mut buf = Vec::new();
        write_frame(&mut buf, b"hello").unwrap();
        let mut r = &buf[..];
        assert_eq!(
            read_frame(&mut r, 10).unwrap().as_deref(),
            Some(&b"hello"[..])
        );
        assert!(read_frame(&mut r, 10).unwrap().is_none());
        let mut r = &buf[..];
        assert!(read_frame(&mut r, 4).is_err());
    }
}
