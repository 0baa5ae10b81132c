//! Concurrency and durability of the write side, against real `stackdex serve` processes, on
//! SQLite and PostgreSQL:
//! - 200 clients casting and retracting votes at once end with counters equal to their final
//!   states, to a full recount, and to what the API serves, with no duplicate vote;
//! - two servers on one database serve the same counts and share rate limits;
//! - `kill -9` of the server during a write load loses no write that was answered 2xx.
//!
//! The tests run one at a time (they load the machine) on a runtime of their own.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use stackdex_app::App;
use stackdex_store::testing::{fresh, fresh_stores};
use stackdex_store::{Backend, NewUser, ReasonId, ReasonKind, Store, User};

// ---------------------------------------------------------------- helpers

/// Runs one test body on a runtime of its own, one test at a time.
fn run(test: impl Future<Output = ()>) {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(test);
}

/// A `stackdex serve` process, stopped (SIGKILL) when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Starts `stackdex serve` on a free port with `STACKDEX_RATE_LIMIT=rate_limit`.
    fn start(database_url: &str, rate_limit: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stackdex"))
            .args(["serve", "--addr", "127.0.0.1:0", "--database-url", database_url])
            .env("STACKDEX_RATE_LIMIT", rate_limit)
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line.trim().rsplit(' ').next().unwrap().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "unexpected first line {line:?}");
        // Keep reading, so that a later line never meets a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Server { child, url }
    }

    /// `kill -9`: SIGKILL, then reap the process.
    fn kill_9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A user with a live API token.
#[derive(Clone)]
struct Member {
    user: User,
    token: String,
}

/// `n` users named `{prefix}{i}`, each with a token, made in-process (no argon2).
async fn members(app: &App, store: &Store, prefix: &str, n: usize) -> Vec<Member> {
    let new: Vec<NewUser> = (0..n)
        .map(|i| NewUser {
            username: format!("{prefix}{i}"),
            display_name: format!("{prefix} {i}"),
            title: String::new(),
            password_hash: None,
            created_at: stackdex_store::now(),
        })
        .collect();
    let ids = store.create_users(&new).await.unwrap();
    let mut by_id = store.users_by_ids(&ids.values().copied().collect::<Vec<_>>()).await.unwrap();
    let mut out = Vec::with_capacity(n);
    for u in &new {
        let user = by_id.remove(&ids[&u.username]).unwrap();
        let token = app.create_token(&user, "load").await.unwrap();
        out.push(Member { user, token });
    }
    out
}

/// A small deterministic generator (SplitMix64): reproducible interleavings per seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Text no other call is near (the API refuses near-duplicate reasons).
    fn text(&mut self) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..28).map(|_| ALPHABET[self.below(ALPHABET.len())] as char).collect()
    }
}

/// `POST` (cast) or `DELETE` (retract) `/api/v1/reasons/{id}/vote`.
async fn vote(http: &reqwest::Client, url: &str, token: &str, reason: i64, cast: bool) -> reqwest::Result<u16> {
    let path = format!("{url}/api/v1/reasons/{reason}/vote");
    let request = if cast { http.post(path) } else { http.delete(path) };
    Ok(request.bearer_auth(token).send().await?.status().as_u16())
}

/// A tool's pros and cons as the API serves them: reason id -> (text, votes).
async fn served_reasons(http: &reqwest::Client, url: &str, slug: &str) -> HashMap<i64, (String, i64)> {
    let r = http.get(format!("{url}/api/v1/tools/{slug}")).send().await.unwrap();
    assert_eq!(r.status(), 200, "GET /api/v1/tools/{slug}");
    let json: Value = r.json().await.unwrap();
    let mut out = HashMap::new();
    for kind in ["pros", "cons"] {
        for reason in json[kind].as_array().unwrap_or_else(|| panic!("no {kind} in {json}")) {
            let id = reason["id"].as_i64().unwrap();
            out.insert(id, (reason["text"].as_str().unwrap().to_owned(), reason["votes"].as_i64().unwrap()));
        }
    }
    out
}

/// Vote counts served for `reasons` (id -> slug), polled until they equal `expected` or
/// `timeout` passes; returns the last counts read.
async fn served_counts_when_equal(
    http: &reqwest::Client,
    url: &str,
    reasons: &HashMap<i64, &str>,
    expected: &HashMap<i64, i64>,
    timeout: Duration,
) -> HashMap<i64, i64> {
    let started = Instant::now();
    loop {
        let mut seen = HashMap::new();
        let slugs: HashSet<&str> = reasons.values().copied().collect();
        for slug in slugs {
            let served = served_reasons(http, url, slug).await;
            for (id, s) in reasons {
                if *s == slug {
                    seen.insert(*id, served.get(id).map_or(-1, |r| r.1));
                }
            }
        }
        if &seen == expected || started.elapsed() > timeout {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Kept counters (per reason, per tool) equal a full recount.
async fn assert_counters_match_recount(store: &Store, backend: Backend) {
    for r in store.recount_reason_votes().await.unwrap() {
        assert_eq!(r.kept, r.counted, "{backend:?}: reason {}: kept counter against recount", r.reason);
    }
    let mut kept = store.all_tool_stats().await.unwrap();
    let mut recount = store.recount_tool_stats().await.unwrap();
    kept.sort_by_key(|s| s.tool_id);
    recount.sort_by_key(|s| s.tool_id);
    assert_eq!(kept, recount, "{backend:?}: tool counters against recount");
}

/// Every (reason, user) row of `reason_votes`, read with SQL of our own, and how many pairs
/// occur more than once.
async fn vote_rows(database_url: &str) -> (HashSet<(i64, i64)>, i64) {
    let db = Database::connect(database_url).await.unwrap();
    let sql = |s: &str| Statement::from_string(db.get_database_backend(), s);
    let rows = db.query_all_raw(sql("SELECT reason_id, user_id FROM reason_votes")).await.unwrap();
    let pairs = rows.iter().map(|r| (r.try_get_by_index(0).unwrap(), r.try_get_by_index(1).unwrap())).collect();
    let dup = db
        .query_one_raw(sql("SELECT COUNT(*) FROM (SELECT reason_id, user_id FROM reason_votes \
             GROUP BY reason_id, user_id HAVING COUNT(*) > 1) d"))
        .await
        .unwrap()
        .unwrap();
    let duplicates: i64 = dup.try_get_by_index(0).unwrap();
    db.close().await.unwrap();
    (pairs, duplicates)
}

// ---------------------------------------------------------------- 1. 200 concurrent voters

#[test]
fn two_hundred_clients_casting_and_retracting_votes_end_with_exact_counts() {
    run(async {
        for db in fresh_stores().await {
            let backend = db.backend;
            let app = App::open(db.store.clone()).await.unwrap();
            let clients = members(&app, &db.store, "voter", 200).await;
            let author = &clients[0].user;
            let mut reasons: HashMap<i64, &str> = HashMap::new();
            for (slug, kind, text) in [
                ("django", ReasonKind::Pro, "Batteries included, admin for free"),
                ("django", ReasonKind::Con, "Synchronous request handling by default"),
                ("rust", ReasonKind::Pro, "Memory safety without a garbage collector"),
                ("rust", ReasonKind::Con, "Long compile times on small machines"),
                ("postgresql", ReasonKind::Pro, "Transactional schema changes"),
            ] {
                reasons.insert(app.add_reason(author, slug, kind, text).await.unwrap().get(), slug);
            }
            let ids: Vec<i64> = reasons.keys().copied().collect();
            let server = Server::start(&db.url, "off");
            let http = reqwest::Client::new();

            // Readers fill the page cache while votes land, as visitors would.
            let stop = Arc::new(AtomicBool::new(false));
            let mut readers = Vec::new();
            for slug in ["django", "rust", "postgresql"] {
                let (http, url, stop) = (http.clone(), server.url.clone(), stop.clone());
                readers.push(tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        served_reasons(&http, &url, slug).await;
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }));
            }

            // Each client: 8 casts or retractions on random reasons, with random pauses; it
            // remembers its last answered action per reason.
            let started = Instant::now();
            let mut tasks = Vec::new();
            for (i, member) in clients.iter().cloned().enumerate() {
                let (http, url, ids) = (http.clone(), server.url.clone(), ids.clone());
                tasks.push(tokio::spawn(async move {
                    let mut rng = Rng(i as u64 * 7919 + 17);
                    let mut state: HashMap<i64, bool> = HashMap::new();
                    for _ in 0..8 {
                        let reason = ids[rng.below(ids.len())];
                        // Casts a little more often than retractions, and repeats of either.
                        let cast = rng.below(5) < 3;
                        let status = vote(&http, &url, &member.token, reason, cast).await.unwrap();
                        assert_eq!(
                            status,
                            204,
                            "client {i}: {} on reason {reason}",
                            if cast { "cast" } else { "retract" }
                        );
                        state.insert(reason, cast);
                        tokio::time::sleep(Duration::from_micros(rng.below(3000) as u64)).await;
                    }
                    (member.user.id, state)
                }));
            }
            let mut expected: HashMap<i64, i64> = ids.iter().map(|&id| (id, 0)).collect();
            let mut voted: HashSet<(i64, i64)> = HashSet::new();
            for task in tasks {
                let (user, state) = task.await.unwrap();
                for (reason, on) in state {
                    if on {
                        *expected.get_mut(&reason).unwrap() += 1;
                        voted.insert((reason, user.get()));
                    }
                }
            }
            let load = started.elapsed();
            stop.store(true, Ordering::Relaxed);
            for r in readers {
                r.await.unwrap();
            }

            // Stored counters = the clients' final states = a full recount; no duplicate row.
            for (&id, &want) in &expected {
                let reason = db.store.reason(ReasonId(id)).await.unwrap().unwrap();
                assert_eq!(reason.votes, want, "{backend:?}: stored counter of reason {id}");
            }
            assert_counters_match_recount(&db.store, backend).await;
            let (rows, duplicates) = vote_rows(&db.url).await;
            assert_eq!(duplicates, 0, "{backend:?}: duplicate (reason, user) votes");
            assert_eq!(rows, voted, "{backend:?}: vote rows against the clients' final states");
            let tool_ids = db.store.sync_tools(&[]).await.unwrap();
            for slug in ["django", "rust", "postgresql"] {
                let tool = tool_ids[slug];
                let want: i64 = reasons.iter().filter(|(_, s)| **s == slug).map(|(id, _)| expected[id]).sum();
                assert_eq!(db.store.tool_stats(tool).await.unwrap().votes, want, "{backend:?}: votes of {slug}");
            }

            // The API serves the same counts once its cache has caught up.
            let served =
                served_counts_when_equal(&http, &server.url, &reasons, &expected, Duration::from_secs(5)).await;
            assert_eq!(served, expected, "{backend:?}: counts served by GET /api/v1/tools/{{slug}}");
            eprintln!("{backend:?}: 1600 votes from 200 clients in {load:.2?}; counts {expected:?}");
        }
    });
}

// ---------------------------------------------------------------- 2. two servers, one database

#[test]
fn two_servers_on_one_postgresql_database_serve_the_same_counts_and_share_rate_limits() {
    run(async {
        let db = fresh(Backend::Postgres).await;
        let app = App::open(db.store.clone()).await.unwrap();
        let clients = members(&app, &db.store, "pair", 6).await;
        let r1 = app
            .add_reason(&clients[0].user, "django", ReasonKind::Pro, "Mature ORM and migrations")
            .await
            .unwrap()
            .get();
        let r2 =
            app.add_reason(&clients[0].user, "django", ReasonKind::Con, "Monolithic by design").await.unwrap().get();
        let reasons = HashMap::from([(r1, "django"), (r2, "django")]);
        let a = Server::start(&db.url, "signup=3/3600");
        let b = Server::start(&db.url, "signup=3/3600");
        let http = reqwest::Client::new();

        // Both have the tool page cached before the votes.
        for s in [&a, &b] {
            let served = served_reasons(&http, &s.url, "django").await;
            assert_eq!((served[&r1].1, served[&r2].1), (0, 0));
        }
        // Votes through A: five on r1 of which one is taken back, two on r2.
        for m in &clients[..5] {
            assert_eq!(vote(&http, &a.url, &m.token, r1, true).await.unwrap(), 204);
        }
        for m in &clients[..2] {
            assert_eq!(vote(&http, &a.url, &m.token, r2, true).await.unwrap(), 204);
        }
        assert_eq!(vote(&http, &a.url, &clients[0].token, r1, false).await.unwrap(), 204);
        let expected = HashMap::from([(r1, 4), (r2, 2)]);
        let timeout = Duration::from_secs(3);
        assert_eq!(served_counts_when_equal(&http, &b.url, &reasons, &expected, timeout).await, expected, "B after A");
        assert_eq!(served_counts_when_equal(&http, &a.url, &reasons, &expected, timeout).await, expected, "A itself");
        // And the other way round.
        assert_eq!(vote(&http, &b.url, &clients[5].token, r2, true).await.unwrap(), 204);
        let expected = HashMap::from([(r1, 4), (r2, 3)]);
        assert_eq!(served_counts_when_equal(&http, &a.url, &reasons, &expected, timeout).await, expected, "A after B");
        assert_eq!(served_counts_when_equal(&http, &b.url, &reasons, &expected, timeout).await, expected, "B itself");
        assert_counters_match_recount(&db.store, db.backend).await;

        // Sign-ups are limited to 3 an hour per address, counted in the database: three
        // through A, and the fourth through B is refused.
        let sign_up = |server: &Server, name: &str| {
            http.post(format!("{}/api/v1/users", server.url))
                .json(&json!({"username": name, "password": "a long enough password"}))
                .send()
        };
        for i in 0..3 {
            let r = sign_up(&a, &format!("newcomer{i}")).await.unwrap();
            assert_eq!(r.status(), 201, "sign-up {i} through A");
        }
        let refused = sign_up(&b, "newcomer3").await.unwrap();
        assert_eq!(refused.status(), 429, "the 4th sign-up, through B");
        let retry_after = refused.headers().get("retry-after").expect("a Retry-After header").to_str().unwrap();
        assert!(retry_after.parse::<u64>().is_ok_and(|s| s >= 1), "Retry-After: {retry_after}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], "rate_limited", "{body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
        assert!(db.store.user_by_name("newcomer3").await.unwrap().is_none(), "a refused sign-up creates nobody");
        // A refuses as well now.
        assert_eq!(sign_up(&a, "newcomer4").await.unwrap().status(), 429, "a 5th sign-up, through A");
        assert!(db.store.user_by_name("newcomer2").await.unwrap().is_some());
    });
}

// ---------------------------------------------------------------- 3. kill -9 under write load

/// What the load clients sent, and what was answered 2xx.
#[derive(Default)]
struct Ledger {
    /// Reasons answered 201: (slug, id, kind, text).
    reasons: Vec<(&'static str, i64, &'static str, String)>,
    /// Votes answered 204, and votes sent (answered or not).
    votes_acked: HashSet<(i64, i64)>,
    votes_sent: HashSet<(i64, i64)>,
    /// Answers other than 2xx while the server was up (there should be none).
    refused: Vec<String>,
}

#[test]
fn kill_9_during_a_write_load_loses_no_acknowledged_write() {
    run(async {
        const SLUGS: [&str; 4] = ["django", "rust", "postgresql", "react"];
        for db in fresh_stores().await {
            let backend = db.backend;
            let app = App::open(db.store.clone()).await.unwrap();
            let clients = members(&app, &db.store, "writer", 20).await;
            let mut base = Vec::new();
            for (i, slug) in SLUGS.iter().enumerate() {
                let text = format!("Seed reason number {i} for {slug}");
                base.push(app.add_reason(&clients[0].user, slug, ReasonKind::Pro, &text).await.unwrap().get());
            }
            let mut server = Server::start(&db.url, "off");
            let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
            let ledger = Arc::new(Mutex::new(Ledger::default()));
            let killed = Arc::new(AtomicBool::new(false));

            // 20 clients, each alternately adding a reason with a text of its own and voting
            // for a reason it has not voted for yet, until the server stops answering.
            let mut tasks = Vec::new();
            for (i, member) in clients.iter().cloned().enumerate() {
                let (http, url, ledger, killed, base) =
                    (http.clone(), server.url.clone(), ledger.clone(), killed.clone(), base.clone());
                tasks.push(tokio::spawn(async move {
                    let mut rng = Rng(i as u64 * 104_729 + 3);
                    let mut pool = base;
                    let mut voted = HashSet::new();
                    for step in 0.. {
                        if step % 2 == 0 {
                            let slug = SLUGS[rng.below(SLUGS.len())];
                            let kind = if rng.below(2) == 0 { "pro" } else { "con" };
                            let text = rng.text();
                            let sent = http
                                .post(format!("{url}/api/v1/tools/{slug}/reasons"))
                                .bearer_auth(&member.token)
                                .json(&json!({"kind": kind, "text": text}))
                                .send()
                                .await;
                            let answer = match sent {
                                Ok(r) => (r.status().as_u16(), r.json::<Value>().await.ok()),
                                Err(_) => break,
                            };
                            match answer {
                                (201, Some(body)) => {
                                    let id = body["id"].as_i64().unwrap();
                                    pool.push(id);
                                    ledger.lock().unwrap().reasons.push((slug, id, kind, text));
                                }
                                (201, None) => break, // the body was cut off by the kill
                                (status, body) if !killed.load(Ordering::SeqCst) => {
                                    ledger.lock().unwrap().refused.push(format!("reason: {status} {body:?}"));
                                }
                                _ => break,
                            }
                        } else {
                            let candidates: Vec<i64> = pool.iter().copied().filter(|r| !voted.contains(r)).collect();
                            if candidates.is_empty() {
                                continue;
                            }
                            let reason = candidates[rng.below(candidates.len())];
                            voted.insert(reason);
                            let pair = (reason, member.user.id.get());
                            ledger.lock().unwrap().votes_sent.insert(pair);
                            match vote(&http, &url, &member.token, reason, true).await {
                                Ok(204) => {
                                    ledger.lock().unwrap().votes_acked.insert(pair);
                                }
                                Ok(status) if !killed.load(Ordering::SeqCst) => {
                                    ledger.lock().unwrap().refused.push(format!("vote: {status}"));
                                }
                                _ => break,
                            }
                        }
                    }
                }));
            }
            tokio::time::sleep(Duration::from_millis(1500)).await;
            killed.store(true, Ordering::SeqCst);
            server.kill_9();
            for task in tasks {
                task.await.unwrap();
            }
            let ledger = Arc::try_unwrap(ledger).ok().unwrap().into_inner().unwrap();
            assert!(ledger.refused.is_empty(), "{backend:?}: refused while up: {:?}", ledger.refused);
            assert!(
                ledger.reasons.len() >= 20 && ledger.votes_acked.len() >= 20,
                "{backend:?}: too little load to mean anything: {} reasons, {} votes",
                ledger.reasons.len(),
                ledger.votes_acked.len()
            );

            // Restart on the same database: every acknowledged reason is served, with its text
            // and kind, and every acknowledged vote is stored and counted.
            let server = Server::start(&db.url, "off");
            let mut served = HashMap::new();
            let mut kinds = HashMap::new();
            for slug in SLUGS {
                served.extend(served_reasons(&http, &server.url, slug).await);
                let json: Value =
                    http.get(format!("{}/api/v1/tools/{slug}", server.url)).send().await.unwrap().json().await.unwrap();
                for kind in ["pros", "cons"] {
                    for r in json[kind].as_array().unwrap() {
                        kinds.insert(r["id"].as_i64().unwrap(), kind);
                    }
                }
            }
            for (slug, id, kind, text) in &ledger.reasons {
                let Some((served_text, _)) = served.get(id) else {
                    panic!("{backend:?}: reason {id} ({slug}) was answered 201 and is gone after kill -9")
                };
                assert_eq!(served_text, text, "{backend:?}: text of reason {id}");
                assert_eq!(kinds[id], if *kind == "pro" { "pros" } else { "cons" }, "{backend:?}: kind of {id}");
            }
            let (rows, duplicates) = vote_rows(&db.url).await;
            assert_eq!(duplicates, 0);
            let lost: Vec<_> = ledger.votes_acked.difference(&rows).collect();
            assert!(lost.is_empty(), "{backend:?}: votes answered 204 and lost after kill -9: {lost:?}");
            let unsent: Vec<_> = rows.difference(&ledger.votes_sent).collect();
            assert!(unsent.is_empty(), "{backend:?}: votes nobody sent: {unsent:?}");
            // Served counts: every answered vote, plus at most the ones cut off by the kill.
            for (id, (_, votes)) in &served {
                let acked = ledger.votes_acked.iter().filter(|(r, _)| r == id).count() as i64;
                let sent = ledger.votes_sent.iter().filter(|(r, _)| r == id).count() as i64;
                assert!(
                    (acked..=sent).contains(votes),
                    "{backend:?}: reason {id} serves {votes} votes, {acked} answered, {sent} sent"
                );
                let stored = rows.iter().filter(|(r, _)| r == id).count() as i64;
                assert_eq!(*votes, stored, "{backend:?}: reason {id}: served count against vote rows");
            }
            assert_counters_match_recount(&db.store, backend).await;
            // The restarted server takes writes.
            let fresh_reason = ledger.reasons[0].1;
            let last = &clients[19];
            if !rows.contains(&(fresh_reason, last.user.id.get())) {
                assert_eq!(vote(&http, &server.url, &last.token, fresh_reason, true).await.unwrap(), 204);
            }
            eprintln!(
                "{backend:?}: before kill -9: {} reasons and {} votes answered, {} votes cut off",
                ledger.reasons.len(),
                ledger.votes_acked.len(),
                ledger.votes_sent.len() - ledger.votes_acked.len()
            );
        }
    });
}

// ---------------------------------------------------------------- 4. change-log order

/// On PostgreSQL a change-log id is taken when the row is inserted, and transactions commit in
/// any order: a write that took id N and commits after the write that took N+1 must still
/// reach every server's cache. Two votes on one tool are ordered by the lock on its counter,
/// so the slow write here is a vote on another tool. It runs the statements `Store::cast_votes`
/// runs (vote row, reason counter, tool counter, change-log row) in a transaction of our own
/// that commits late, as a write on a busy server, or on another server, can.
#[test]
fn a_write_committed_after_a_later_change_still_reaches_the_cache() {
    run(async {
        use sea_orm::TransactionTrait;
        let db = fresh(Backend::Postgres).await;
        let app = App::open(db.store.clone()).await.unwrap();
        let clients = members(&app, &db.store, "late", 2).await;
        let r1 = app
            .add_reason(&clients[0].user, "django", ReasonKind::Pro, "Admin site out of the box")
            .await
            .unwrap()
            .get();
        let r2 = app.add_reason(&clients[0].user, "rust", ReasonKind::Pro, "Fearless concurrency").await.unwrap().get();
        let rust = db.store.sync_tools(&[]).await.unwrap()["rust"];
        let server = Server::start(&db.url, "off");
        let http = reqwest::Client::new();
        let timeout = Duration::from_secs(3);
        let (on_django, on_rust) = (HashMap::from([(r1, "django")]), HashMap::from([(r2, "rust")]));

        // The server has the Django page cached before anything happens.
        let django_before = HashMap::from([(r1, 0)]);
        assert_eq!(
            served_counts_when_equal(&http, &server.url, &on_django, &django_before, timeout).await,
            django_before
        );

        // The slow write takes its change-log id first...
        let raw = Database::connect(&db.url).await.unwrap();
        let slow = raw.begin().await.unwrap();
        let now = stackdex_store::now();
        for sql in [
            format!(
                "INSERT INTO reason_votes (reason_id, user_id, created_at) VALUES ({r2}, {}, {now})",
                clients[1].user.id
            ),
            format!("UPDATE reasons SET votes = votes + 1 WHERE id = {r2}"),
            format!("UPDATE tool_stats SET votes = votes + 1 WHERE tool_id = {rust}"),
            format!("INSERT INTO changes (tags, created_at) VALUES ('tool:{rust}', {now})"),
        ] {
            slow.execute_unprepared(&sql).await.unwrap();
        }
        // ...a vote through the server takes the next one and commits; once the server serves
        // it in place of the cached page, it has read the change log past both ids. It caches
        // the Rust page after that.
        assert_eq!(vote(&http, &server.url, &clients[0].token, r1, true).await.unwrap(), 204);
        let django_after = HashMap::from([(r1, 1)]);
        assert_eq!(
            served_counts_when_equal(&http, &server.url, &on_django, &django_after, timeout).await,
            django_after
        );
        let rust_before = HashMap::from([(r2, 0)]);
        assert_eq!(served_counts_when_equal(&http, &server.url, &on_rust, &rust_before, timeout).await, rust_before);
        // Then the slow write commits.
        slow.commit().await.unwrap();
        assert_counters_match_recount(&db.store, db.backend).await;
        assert_eq!(db.store.reason(ReasonId(r2)).await.unwrap().unwrap().votes, 1);
        let rust_after = HashMap::from([(r2, 1)]);
        // A server started now serves it...
        let other = Server::start(&db.url, "off");
        assert_eq!(served_counts_when_equal(&http, &other.url, &on_rust, &rust_after, timeout).await, rust_after);
        // ...and so must the one that was running.
        assert_eq!(
            served_counts_when_equal(&http, &server.url, &on_rust, &rust_after, timeout).await,
            rust_after,
            "a committed vote is not served 3 s later: the server read the change log past its id before it committed"
        );
    });
}
