//! The generated completions and manual pages committed in the repository
//! must match what the binary generates now. Regenerate with `scripts/gen-docs.sh`.

mod support;

use std::path::Path;
use support::Workdir;

const STALE: &str = "is stale; run scripts/gen-docs.sh and commit the result";

#[test]
fn completions_are_current() {
    let w = Workdir::new();
    for (shell, file) in [("bash", "helpdesk.bash"), ("zsh", "_helpdesk"), ("fish", "helpdesk.fish")] {
        let out = w.cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        let committed = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("completions").join(file))
            .unwrap_or_else(|_| panic!("completions/{file} is missing; run scripts/gen-docs.sh"));
        assert!(committed == out.stdout, "completions/{file} {STALE}");
    }
}

#[test]
fn manual_pages_are_current() {
    let w = Workdir::new();
    let fresh = tempfile::tempdir().unwrap();
    w.cmd().args(["man", "--out-dir"]).arg(fresh.path()).assert().success();
    let committed_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut names: Vec<String> =
        std::fs::read_dir(fresh.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    names.sort();
    assert!(names.contains(&"helpdesk.1".to_string()) && names.contains(&"helpdesk-requests-list.1".to_string()));
    let mut committed: Vec<String> = std::fs::read_dir(&committed_dir)
        .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into()).collect())
        .unwrap_or_default();
    committed.sort();
    assert_eq!(committed, names, "the set of pages in man/ {STALE}");
    for name in names {
        let a = std::fs::read(fresh.path().join(&name)).unwrap();
        let b = std::fs::read(committed_dir.join(&name)).unwrap();
        assert!(a == b, "man/{name} {STALE}");
    }
    let out = w.cmd().arg("man").output().unwrap();
    assert_eq!(out.stdout, std::fs::read(committed_dir.join("helpdesk.1")).unwrap());
}
