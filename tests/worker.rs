//! `ocrpdf queue` and `ocrpdf worker` against a real PostgreSQL and a real
//! S3-compatible server (moto), then the same with `file://` storage:
//! workers killed mid-document, a corrupt input, a doubled job and a
//! claim taken over after its lease; exactly one output per document,
//! byte-identical to the plain `ocrpdf` command (a PDF input and a phone
//! photo too).
#![cfg(feature = "queue")]

mod common;
#[path = "common/servers.rs"]
mod servers;

use common::generator::{Layout, Page, render, save_png};
use common::*;
use ocrpdf::queue::{Put, Queue, Store};
use servers::{Moto, Postgres};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LEASE_S: &str = "2";
const MAX_ATTEMPTS: &str = "2";

fn tiny_page(seed: u64) -> Page {
    render(&Layout {
        seed: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        dpi: 150.0,
        size_in: (5.0, 2.2),
        lines: 1,
        font_pt: 14.0,
    })
}

/// `ocrpdf ARGS` with the store's environment.
fn ocrpdf_cmd(args: &[&str], env: &[(&'static str, String)], home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ocrpdf"));
    c.args(args)
        .env("XDG_DATA_HOME", home.join("no-xdg"))
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// `ocrpdf ARGS` run to the end; it must succeed. Its stdout.
fn ok(args: &[&str], env: &[(&'static str, String)], home: &Path) -> String {
    let o = ocrpdf_cmd(args, env, home).output().unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn worker(db: &str, out: &str, env: &[(&'static str, String)], home: &Path, drain: bool) -> Child {
    let mut args = vec![
        "worker",
        "--db",
        db,
        "--out",
        out,
        "-j",
        "1",
        "--lease",
        LEASE_S,
        "--max-attempts",
        MAX_ATTEMPTS,
        "--poll",
        "0.2",
    ];
    if drain {
        args.push("--drain");
    }
    ocrpdf_cmd(&args, env, home)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Rows of the job table: (id, source, state, attempts, worker, output, error).
type Row = (
    i64,
    String,
    String,
    i32,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn rows(db: &str) -> Vec<Row> {
    let mut c = postgres::Client::connect(db, postgres::NoTls).unwrap();
    c.query(
        "SELECT id, source, state, attempts, worker, output, error FROM ocrpdf_jobs ORDER BY id",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.get(0),
            r.get(1),
            r.get(2),
            r.get(3),
            r.get(4),
            r.get(5),
            r.get(6),
        )
    })
    .collect()
}

fn wait_until(what: &str, secs: u64, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The worker suite on one store. `objects` lists the store's output
/// names, `read` one output's bytes.
fn suite(
    pg: &Postgres,
    dbname: &str,
    out_url: &str,
    env: &[(&'static str, String)],
    store: &Store,
    objects: &dyn Fn() -> BTreeSet<String>,
) {
    let home = tempfile::tempdir().unwrap();
    let db = pg.create_db(dbname);
    let run = |args: &[&str]| ok(args, env, home.path());
    run(&["queue", "init", "--db", &db]);
    run(&["queue", "init", "--db", &db]);

    // 30 documents: 28 good pages, one good folder of two pages, one
    // corrupt file; the first page also enqueued twice (a doubled job).
    let inputs = home.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let mut sources: Vec<PathBuf> = (0..28)
        .map(|i| {
            let p = inputs.join(format!("d{i}.png"));
            save_png(&tiny_page(1000 + i), &p);
            p
        })
        .collect();
    let folder = inputs.join("folder");
    std::fs::create_dir(&folder).unwrap();
    save_png(&tiny_page(2000), &folder.join("1.png"));
    save_png(&tiny_page(2001), &folder.join("2.png"));
    sources.push(folder);
    let corrupt = inputs.join("corrupt.png");
    std::fs::write(&corrupt, b"\x89PNG\r\n\x1a\n this is not a PNG").unwrap();
    sources.push(corrupt.clone());
    sources.push(sources[0].clone());
    let mut add = vec!["queue", "add", "--db", &db];
    let names: Vec<String> = sources.iter().map(|p| p.display().to_string()).collect();
    add.extend(names.iter().map(String::as_str));
    run(&add);
    assert_eq!(
        run(&["queue", "status", "--db", &db]),
        "queued 31\nrunning 0\ndone 0\ndead 0\n"
    );

    // A worker killed mid-document: its job is claimed again once the
    // lease runs out.
    let mut first = worker(&db, out_url, env, home.path(), false);
    let tag = format!("-{}", first.id());
    let mut killed_job = 0;
    wait_until("the first worker's claim", 60, || {
        let r = rows(&db);
        match r
            .iter()
            .find(|r| r.2 == "running" && r.4.as_deref().is_some_and(|w| w.ends_with(&tag)))
        {
            Some(row) => {
                killed_job = row.0;
                true
            }
            None => false,
        }
    });
    first.kill().unwrap();
    first.wait().unwrap();

    // A claim that lapses under a live holder (this test, not beating):
    // a worker takes it over, and the stale holder can no longer touch it.
    let mut stale = Queue::connect(&db).unwrap();
    let held = stale
        .claim("stale-holder", 0.5, 2)
        .unwrap()
        .expect("a job to hold");
    assert_ne!(held.id, killed_job);

    let workers: Vec<Child> = (0..3)
        .map(|_| worker(&db, out_url, env, home.path(), true))
        .collect();
    // Drain workers stop when nothing is claimable, which the killed
    // worker's job is not until its lease ends: keep one going until then.
    for mut w in workers {
        let status = w.wait().unwrap();
        let mut err = String::new();
        std::io::Read::read_to_string(w.stderr.as_mut().unwrap(), &mut err).unwrap();
        assert!(status.success(), "worker: {err}");
    }
    // Anything still running (the killed one's job, if the drain workers
    // were quicker than its lease) is finished by one more drain worker.
    let r = rows(&db);
    if r.iter().any(|r| r.2 == "running" || r.2 == "queued") {
        std::thread::sleep(Duration::from_secs(3));
        let mut w = worker(&db, out_url, env, home.path(), true);
        assert!(w.wait().unwrap().success());
    }
    assert!(
        !stale.heartbeat(&held, 1.0).unwrap(),
        "a lapsed claim cannot beat"
    );
    assert!(
        !stale.done(&held, "nowhere").unwrap(),
        "a lapsed claim cannot finish"
    );

    let r = rows(&db);
    let by_id = |id: i64| r.iter().find(|row| row.0 == id).unwrap();
    assert_eq!(by_id(killed_job).2, "done", "the killed worker's job");
    assert!(
        by_id(killed_job).3 >= 2,
        "claimed again: {:?}",
        by_id(killed_job)
    );
    assert_eq!(by_id(held.id).2, "done");
    for row in &r {
        if Path::new(&row.1) == corrupt {
            assert_eq!(row.2, "dead", "{row:?}");
            assert_eq!(row.3, 2, "two attempts: {row:?}");
            let e = row.6.as_deref().unwrap_or_default();
            assert!(e.contains("corrupt.png"), "{e}");
        } else {
            assert_eq!(row.2, "done", "{row:?}");
            assert!(row.5.is_some());
        }
    }
    assert_eq!(
        run(&["queue", "status", "--db", &db]),
        "queued 0\nrunning 0\ndone 30\ndead 1\n"
    );

    // One object per distinct document; the doubled job shares one.
    let keys: BTreeSet<&str> = r.iter().filter_map(|row| row.5.as_deref()).collect();
    assert_eq!(keys.len(), 29);
    let objs = objects();
    assert_eq!(objs.len(), 29, "{objs:?}");
    assert_eq!(r[0].5, r[30].5, "the doubled job has the same output");

    // Byte-identical to the plain command (dated by the same input mtime).
    for i in [0usize, 13, 28] {
        let reference = home.path().join(format!("ref{i}.pdf"));
        let mut args = vec![names[i].clone()];
        if i == 28 {
            args = vec![
                folder_page(&sources[28], "1.png"),
                folder_page(&sources[28], "2.png"),
            ];
        }
        let mut cmd_args: Vec<&str> = args.iter().map(String::as_str).collect();
        cmd_args.extend(["-o", reference.to_str().unwrap(), "-q"]);
        run(&cmd_args);
        let key = r[i].5.as_deref().unwrap();
        let name = key.rsplit('/').next().unwrap();
        let (bytes, _) = store.get(name).unwrap().expect("the output object");
        assert_eq!(
            bytes,
            std::fs::read(&reference).unwrap(),
            "{key} as plain ocrpdf"
        );
    }
    let one = r[28]
        .5
        .as_deref()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let (bytes, _) = store.get(&one).unwrap().unwrap();
    let check = home.path().join("folder.pdf");
    std::fs::write(&check, bytes).unwrap();
    assert_eq!(page_count(&check), 2);
    assert_qpdf_ok(&check);

    // The table's records name absolute places: sources, done outputs (the
    // store's URLs; the doubled job's, found in place, too) and the dead
    // job's error; a source added relative to the working directory is
    // stored absolute, for workers that run elsewhere.
    for row in &r {
        assert!(Path::new(&row.1).is_absolute(), "{row:?}");
        if let Some(o) = &row.5 {
            assert!(o.starts_with(out_url), "{row:?}");
        }
        if row.2 == "dead" {
            let e = row.6.as_deref().unwrap_or_default();
            assert!(e.contains(&corrupt.display().to_string()), "{e}");
        }
    }
    let added = ocrpdf_cmd(&["queue", "add", "--db", &db, "d1.png"], env, home.path())
        .current_dir(&inputs)
        .output()
        .unwrap();
    assert!(added.status.success());
    let last = rows(&db).pop().unwrap();
    assert_eq!(Path::new(&last.1), inputs.join("d1.png"), "{last:?}");
}

fn folder_page(folder: &Path, name: &str) -> String {
    folder.join(name).display().to_string()
}

#[test]
fn workers_over_postgres_and_s3_then_file_storage_give_one_output_per_document() {
    let pg = Postgres::start();

    let moto = Moto::start("ocr");
    let env = moto.env();
    // The library's store reads the same variables as the workers; this
    // is the only test of this binary, so nothing else reads them now.
    for (k, v) in &env {
        unsafe { std::env::set_var(k, v) };
    }
    let s3 = Store::open("s3://ocr/out").unwrap();
    // An S3 server that ignores If-None-Match would let two deliveries
    // overwrite each other: fail loudly first.
    assert_eq!(s3.put_new("probe", b"one".to_vec()).unwrap(), Put::Created);
    assert_eq!(
        s3.put_new("probe", b"two".to_vec()).unwrap(),
        Put::AlreadyExists
    );
    assert_eq!(s3.get("probe").unwrap().unwrap().0, b"one");
    let root = Store::open("s3://ocr").unwrap();
    let list = || -> BTreeSet<String> {
        root.list("out")
            .unwrap()
            .into_iter()
            .filter(|n| n != "probe")
            .collect()
    };
    suite(&pg, "s3suite", "s3://ocr/out", &env, &s3, &list);
    store_inputs(&pg, &env);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let url = format!("file://{}", out.display());
    let local = Store::open(&url).unwrap();
    assert_eq!(
        local.put_new("probe", b"one".to_vec()).unwrap(),
        Put::Created
    );
    assert_eq!(
        local.put_new("probe", b"two".to_vec()).unwrap(),
        Put::AlreadyExists
    );
    std::fs::remove_file(out.join("probe")).unwrap();
    let files = || -> BTreeSet<String> { listing(&out).into_iter().collect() };
    suite(&pg, "filesuite", &url, &[], &local, &files);

    // SIGTERM mid-document: the worker stops at the next page, gives the
    // job back untried (attempts back to 0), leaves no output, exits 0.
    let home = tempfile::tempdir().unwrap();
    let db = pg.create_db("termsuite");
    let doc = home.path().join("long");
    std::fs::create_dir(&doc).unwrap();
    for i in 0..6 {
        save_png(&tiny_page(3000 + i), &doc.join(format!("{i}.png")));
    }
    let run = |args: &[&str]| {
        ok(args, &[], home.path());
    };
    run(&["queue", "init", "--db", &db]);
    run(&["queue", "add", "--db", &db, doc.to_str().unwrap()]);
    let term_out = home.path().join("out");
    let term_url = format!("file://{}", term_out.display());
    let mut w = worker(&db, &term_url, &[], home.path(), false);
    wait_until("the claim", 60, || rows(&db)[0].2 == "running");
    std::thread::sleep(Duration::from_millis(300));
    assert!(send_signal(w.id(), "-TERM"));
    let status = w.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(w.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(status.success(), "{err}");
    let row = &rows(&db)[0];
    assert_eq!(
        (row.2.as_str(), row.3),
        ("queued", 0),
        "released: {row:?}\n{err}"
    );
    assert!(err.contains("released"), "{err}");
    assert_eq!(listing(&term_out), Vec::<String>::new());

    pdf_input(&pg);
    photo_input(&pg);
}

/// `input` through a worker on a queue of its own (`dbname`): the
/// worker's output, and the plain command's on the same file (in the
/// worker's output folder's home), which must be the same bytes.
fn through_a_worker(pg: &Postgres, dbname: &str, input: &Path, home: &Path) -> PathBuf {
    let db = pg.create_db(dbname);
    let run = |args: &[&str]| {
        ok(args, &[], home);
    };
    run(&["queue", "init", "--db", &db]);
    run(&["queue", "add", "--db", &db, input.to_str().unwrap()]);
    let out = home.join("out");
    let url = format!("file://{}", out.display());
    let mut w = worker(&db, &url, &[], home, true);
    let status = w.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(w.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(status.success(), "{err}");
    let row = &rows(&db)[0];
    assert_eq!(row.2, "done", "{row:?}\n{err}");
    let name = row.5.as_deref().unwrap().rsplit('/').next().unwrap();
    let pdf = out.join(name);
    let reference = home.join("ref.pdf");
    run(&[
        input.to_str().unwrap(),
        "-o",
        reference.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        std::fs::read(&reference).unwrap(),
        "the worker's output is the plain command's"
    );
    pdf
}

/// A PDF with a scanned page and a born-digital page, through a worker:
/// edited as the plain command edits it (byte-identical output, dated by
/// the same input time), the scan read, the typed page kept as it was.
fn pdf_input(pg: &Postgres) {
    let home = tempfile::tempdir().unwrap();
    let input = home.path().join("mixed.pdf");
    common::pdfdoc::scan_then_digital(21).write(&input);
    let pdf = through_a_worker(pg, "pdfsuite", &input, home.path());
    assert_eq!(page_count(&pdf), 2);
    assert_qpdf_ok(&pdf);
    assert_eq!(
        pdftotext(&pdf, 2),
        pdftotext(&input, 2),
        "the typed page is kept"
    );
    assert!(
        pdftotext(&pdf, 1).split_whitespace().count() >= 5,
        "the scan is read"
    );
}

/// A phone photo through a worker (issue 25, point 7): its page found,
/// flattened and cropped to A4 as the plain command does it.
fn photo_input(pg: &Postgres) {
    use common::phone::{page_for, photograph, shot};
    let home = tempfile::tempdir().unwrap();
    let shot = shot("wood-tilted");
    let page = page_for(shot.paper, 6, 53);
    let input = home.path().join("photo.jpg");
    std::fs::write(&input, photograph(&page, &shot).jpeg).unwrap();
    let pdf = through_a_worker(pg, "photosuite", &input, home.path());
    assert_a4_page(&pdf);
    assert!(common::generator::cer(&page.text, &pdftotext(&pdf, 1)) < 0.02);
}

/// Inputs read from the store: one object, and a prefix of two page
/// objects (one document, natural order). Each output is the plain
/// command's on local copies dated by the objects' last-modified time.
fn store_inputs(pg: &Postgres, env: &[(&'static str, String)]) {
    let home = tempfile::tempdir().unwrap();
    let db = pg.create_db("s3inputs");
    let bucket = Store::open("s3://ocr").unwrap();
    let pages: Vec<(&str, Page)> = vec![
        ("in/one.png", tiny_page(4000)),
        ("in/box/p2.png", tiny_page(4001)),
        ("in/box/p10.png", tiny_page(4002)),
    ];
    let local = home.path().join("local");
    std::fs::create_dir(&local).unwrap();
    let mut copies = Vec::new();
    for (key, page) in &pages {
        let file = local.join(key.replace('/', "_"));
        save_png(page, &file);
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(bucket.put_new(key, bytes).unwrap(), Put::Created);
        let (_, modified) = bucket.get(key).unwrap().unwrap();
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        copies.push(file.display().to_string());
    }
    let run = |args: &[&str]| {
        ok(args, env, home.path());
    };
    run(&["queue", "init", "--db", &db]);
    run(&[
        "queue",
        "add",
        "--db",
        &db,
        "s3://ocr/in/one.png",
        "s3://ocr/in/box/",
    ]);
    let mut w = worker(&db, "s3://ocr/fromstore", env, home.path(), true);
    let status = w.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(w.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(status.success(), "{err}");
    let r = rows(&db);
    assert!(r.iter().all(|row| row.2 == "done"), "{r:?}\n{err}");
    let out = Store::open("s3://ocr/fromstore").unwrap();
    for (row, inputs) in r.iter().zip([
        vec![copies[0].clone()],
        vec![copies[1].clone(), copies[2].clone()],
    ]) {
        let key = row.5.as_deref().unwrap();
        let name = key.rsplit('/').next().unwrap();
        assert!(
            name.starts_with(if inputs.len() == 1 { "one-" } else { "box-" }),
            "{name}"
        );
        let reference = home.path().join(format!("{name}.ref"));
        let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
        args.extend(["-o", reference.to_str().unwrap(), "-q"]);
        run(&args);
        let (bytes, _) = out.get(name).unwrap().unwrap();
        assert_eq!(
            bytes,
            std::fs::read(&reference).unwrap(),
            "{key} as plain ocrpdf"
        );
    }
}
