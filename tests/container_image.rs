//! The container image, proven here: these machines cannot pull registry
//! images and their sandbox refuses `podman run` (crun cannot set rlimits),
//! so the test builds the user-facing `Containerfile`'s own `runtime` stage
//! with podman from files gathered by the same script its `files` stage
//! runs (`scripts/container/rootfs.sh`), inside a Debian made here with
//! `debootstrap --variant=minbase`, around this build's binary. It then runs
//! the image's root filesystem (`podman create` + `podman mount`, `chroot` as
//! the image's user, with the image's environment) and shows from outside:
//! `/readyz` answers 200 on a fresh `/data`, the panel serves a page, the bot
//! reaches a fake Bot API and answers, the image's HEALTHCHECK passes, a
//! PostgreSQL database is migrated and served (the bot answering, the
//! password from a secret file), and `helpdesk backup` writes into the
//! volume (with the image's own pg_dump on PostgreSQL).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::Workdir;
use support::fake_telegram::{FakeTelegram, TOKEN, TgUser};
use support::serve::{sigterm, wait_for_line};
use support::web::free_port;

const WAIT: Duration = Duration::from_secs(30);
const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `cmd`, which must succeed; its stdout.
fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A Debian with what the `files` stage installs, made once per target directory.
fn debian() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("container-debian");
    let made = dir.join(".helpdesk-debootstrap-done");
    if !made.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let mirror = std::env::var("HELPDESK_DEBIAN_MIRROR").unwrap_or_else(|_| "http://deb.debian.org/debian".into());
        run(Command::new("debootstrap")
            .args(["--variant=minbase", "--include=ca-certificates,tzdata,postgresql-client", "bookworm"])
            .arg(&dir)
            .arg(mirror)
            .stdout(Stdio::null()));
        std::fs::write(&made, "").unwrap();
    }
    dir
}

/// The image and its container, removed afterwards.
struct Image {
    tag: String,
    files: String,
    container: Option<String>,
}

impl Drop for Image {
    fn drop(&mut self) {
        if let Some(c) = &self.container {
            let _ = Command::new("podman").args(["umount", c]).output();
            let _ = Command::new("podman").args(["rm", "-f", c]).output();
        }
        let _ = Command::new("podman").args(["rmi", "-f", &self.tag, &self.files]).output();
    }
}

/// A process in the image's root filesystem, killed if the test fails.
struct Jailed(Child);

impl Drop for Jailed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `helpdesk serve` in `root` (see [`helpdesk`]), its log in `log`, once it says it started.
fn serve_in(root: &Path, user: &str, env: &[(String, String)], extra: &[(&str, &str)], log: &Path) -> Jailed {
    let mut serve = Jailed(
        helpdesk(root, user, env, extra, &["serve"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .unwrap(),
    );
    wait_for_line(&mut serve.0, log, "started as @", WAIT);
    serve
}

/// Someone new writes /start; the bot answers them.
fn answers(fake: &FakeTelegram, id: i64, name: &str) {
    let someone = TgUser::new(id, name, "uk");
    fake.push_text(&someone, "/start");
    let heard = Instant::now();
    while fake.texts_to(someone.id).is_empty() {
        assert!(heard.elapsed() < WAIT, "the bot did not answer {name}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// SIGTERM: it exits 0; its log, which holds no secret.
fn stop(mut serve: Jailed, log: &Path, secrets: &[&str]) {
    let code = sigterm(&mut serve.0);
    let text = std::fs::read_to_string(log).unwrap();
    assert_eq!(code, Some(0), "{text}");
    assert!(secrets.iter().all(|s| !text.contains(s)), "a secret in the log: {text}");
}

/// `helpdesk ARGS` in `root` as the image's user, with the image's environment and `extra`.
fn helpdesk(root: &Path, user: &str, env: &[(String, String)], extra: &[(&str, &str)], args: &[&str]) -> Command {
    let mut cmd = Command::new("chroot");
    cmd.arg(format!("--userspec={user}")).arg(root).arg("/usr/local/bin/helpdesk").args(args).env_clear();
    for (k, v) in env {
        cmd.env(k, v);
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd
}

/// The backups in the volume (not their manifests).
fn backups(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("data/backups/daily"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("helpdesk-") && !n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

#[test]
fn the_images_runtime_stage_serves_from_its_own_root_filesystem() {
    run(&mut Command::new(format!("{REPO}/scripts/ensure-container.sh")));
    let debian = debian();

    // The files stage's script, in that Debian, around this build's binary (stripped, as the build stage does).
    run(Command::new("strip").arg("-o").arg(debian.join("helpdesk")).arg(env!("CARGO_BIN_EXE_helpdesk")));
    std::fs::copy(format!("{REPO}/scripts/container/rootfs.sh"), debian.join("rootfs.sh")).unwrap();
    let _ = std::fs::remove_dir_all(debian.join("rootfs"));
    run(Command::new("chroot").arg(&debian).args(["/bin/sh", "/rootfs.sh", "/helpdesk", "/rootfs"]));

    let n = format!("e2e-{}", std::process::id());
    let mut image = Image {
        tag: format!("localhost/helpdesk:{n}"),
        files: format!("localhost/helpdesk-files:{n}"),
        container: None,
    };
    let tar = Command::new("tar").arg("-C").arg(&debian).args(["-c", "rootfs"]).stdout(Stdio::piped()).spawn();
    let mut tar = tar.unwrap();
    run(Command::new("podman").args(["import", "-", &image.files]).stdin(tar.stdout.take().unwrap()));
    assert!(tar.wait().unwrap().success());
    run(Command::new("podman")
        .args(["build", "--format", "docker", "--target", "runtime", "--build-arg"])
        .arg(format!("FILES_FROM={}", image.files))
        .args(["-t", &image.tag, "-f", "Containerfile", "."])
        .current_dir(REPO));

    // What the image says of itself.
    let inspect: serde_json::Value =
        serde_json::from_str(&run(Command::new("podman").args(["image", "inspect", &image.tag]))).unwrap();
    let config = &inspect[0]["Config"];
    let user = config["User"].as_str().unwrap().to_string();
    assert_eq!(user, "10001:10001", "a non-root user");
    assert_eq!(config["Entrypoint"], serde_json::json!(["/usr/local/bin/helpdesk"]));
    assert_eq!(config["Cmd"], serde_json::json!(["serve"]));
    assert!(config["Volumes"]["/data"].is_object() && config["ExposedPorts"]["8080/tcp"].is_object(), "{config}");
    let check = &inspect[0]["Healthcheck"]["Test"];
    assert_eq!(check, &serde_json::json!(["CMD", "/usr/local/bin/helpdesk", "health", "--timeout", "3"]));
    let env: Vec<(String, String)> = config["Env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).unwrap())
        .collect();
    assert!(env.contains(&("HELPDESK_DATABASE_URL".into(), "sqlite:/data/helpdesk.db".into())), "{env:?}");
    // Everything but the binary is small: the release image stays under 60 MB (README).
    let size = inspect[0]["Size"].as_u64().unwrap();
    let binary = std::fs::metadata(debian.join("helpdesk")).unwrap().len();
    eprintln!("image {size} bytes, of which the binary {binary}");
    assert!(size - binary < 25_000_000, "the image's files take {} bytes", size - binary);

    let container = run(Command::new("podman").args(["create", &image.tag])).trim().to_string();
    image.container = Some(container.clone());
    let root = PathBuf::from(run(Command::new("podman").args(["mount", &container])).trim());
    // A fresh /data: only the backups' directory, the user's (a volume mounted there starts as it).
    let fresh: Vec<_> = std::fs::read_dir(root.join("data")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(fresh, vec![std::ffi::OsString::from("backups")], "a fresh /data");
    assert!(std::fs::read_dir(root.join("data/backups")).unwrap().next().is_none());
    let owner = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(root.join("data/backups")).unwrap());
    assert_eq!(owner, 10001, "/data/backups belongs to the image's user");
    assert!(!root.join("bin/sh").exists(), "no shell in the image");
    // What every container runtime mounts at /dev (helpdesk hands pg_dump /dev/null).
    std::fs::create_dir_all(root.join("dev")).unwrap();
    for (name, minor) in [("null", "3"), ("zero", "5"), ("random", "8"), ("urandom", "9")] {
        run(Command::new("mknod").args(["-m", "666"]).arg(root.join("dev").join(name)).args(["c", "1", minor]));
    }

    // The bot's token as a mounted secret file, as compose.yaml hands it.
    std::fs::create_dir_all(root.join("run/secrets")).unwrap();
    std::fs::write(root.join("run/secrets/bot_token"), format!("{TOKEN}\n")).unwrap();
    let fake = FakeTelegram::start();
    let listen = format!("127.0.0.1:{}", free_port());
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("container-serve-{n}.log"));
    let fake_url = fake.url();
    let outside = [
        ("HELPDESK_WEB_LISTEN", listen.as_str()),
        ("HELPDESK_TELEGRAM_API_URL", fake_url.as_str()),
        ("HELPDESK_BOT_TOKEN_FILE", "/run/secrets/bot_token"),
        ("HELPDESK_LOG", "info"),
    ];
    let serve = serve_in(&root, &user, &env, &outside, &log);
    let base = format!("http://{listen}");
    let ready = reqwest::blocking::get(format!("{base}/readyz")).unwrap();
    assert_eq!(ready.status(), 200);
    let ready: serde_json::Value = ready.json().unwrap();
    assert_eq!(ready["database"]["schema_current"], true, "{ready}");
    assert_eq!(ready["bot"]["state"], "connected", "{ready}");
    let page = reqwest::blocking::get(format!("{base}/login")).unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().unwrap().contains("<html"), "the panel serves a page");
    answers(&fake, 555_500_001, "Ольга");
    assert!(root.join("data/helpdesk.db").exists(), "the database is in the volume");
    // The image's own HEALTHCHECK, as the runtime runs it.
    let health: Vec<&str> = check.as_array().unwrap()[2..].iter().map(|a| a.as_str().unwrap()).collect();
    run(&mut helpdesk(&root, &user, &env, &[("HELPDESK_WEB_LISTEN", &listen)], &health));
    // A backup into the volume.
    run(&mut helpdesk(&root, &user, &env, &[], &["backup"]));
    assert_eq!(backups(&root).len(), 1, "one backup in /data/backups/daily: {:?}", backups(&root));
    stop(serve, &log, &[TOKEN]);

    // PostgreSQL: the image migrates a database and backs it up with its own pg_dump.
    let Some(w) = Workdir::postgres("container_image") else { return };
    let url = w.url().to_string();
    let pg = [("HELPDESK_DATABASE_URL", url.as_str())];
    run(&mut helpdesk(&root, &user, &env, &pg, &["db", "upgrade"]));
    let version = w.int("SELECT CAST(max(version) AS BIGINT) FROM refinery_schema_history");
    assert!(version >= 19, "{version}");
    // serve on it, the password from a secret file as compose.yaml hands it (trust here: any will do).
    std::fs::write(root.join("run/secrets/db_password"), "compose-secret\n").unwrap();
    let on_pg = [
        ("HELPDESK_DATABASE_URL", url.as_str()),
        ("HELPDESK_DATABASE_PASSWORD_FILE", "/run/secrets/db_password"),
        ("HELPDESK_WEB_LISTEN", listen.as_str()),
        ("HELPDESK_TELEGRAM_API_URL", fake_url.as_str()),
        ("HELPDESK_BOT_TOKEN_FILE", "/run/secrets/bot_token"),
        ("HELPDESK_LOG", "info"),
    ];
    let pg_log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("container-serve-pg-{n}.log"));
    let serve = serve_in(&root, &user, &env, &on_pg, &pg_log);
    assert_eq!(reqwest::blocking::get(format!("{base}/readyz")).unwrap().status(), 200);
    answers(&fake, 555_500_002, "Павло");
    stop(serve, &pg_log, &[TOKEN, "compose-secret"]);
    run(&mut helpdesk(&root, &user, &env, &pg, &["backup"]));
    assert_eq!(backups(&root).len(), 2, "the PostgreSQL backup beside the SQLite one: {:?}", backups(&root));
}
