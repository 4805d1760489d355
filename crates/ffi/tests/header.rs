//! Regenerates include/cloudsso.h with the pinned cbindgen and fails when the
//! checked-in header differs. `CLOUDSSO_BLESS=1` rewrites the header instead.

use std::path::PathBuf;

#[test]
fn header_matches_the_checked_in_copy() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let header_path = crate_dir.join("../../include/cloudsso.h");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable");
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can read the crate");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("the header is UTF-8");

    if std::env::var_os("CLOUDSSO_BLESS").is_some() {
        std::fs::create_dir_all(header_path.parent().unwrap()).unwrap();
        std::fs::write(&header_path, &generated).expect("include/cloudsso.h is writable");
        return;
    }
    let checked_in = std::fs::read_to_string(&header_path).unwrap_or_default();
    if checked_in != generated {
        let line = checked_in
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| checked_in.lines().count().min(generated.lines().count()));
        panic!(
            "include/cloudsso.h is out of date (first difference at line {}); \
             run `CLOUDSSO_BLESS=1 cargo test -p cloudsso-ffi --test header` and review the diff",
            line + 1
        );
    }
}

#[test]
fn header_names_the_contract() {
    let header = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../include/cloudsso.h"),
    )
    .expect("include/cloudsso.h exists");
    for name in [
        "CLOUDSSO_OK = 0",
        "CLOUDSSO_NULL_ARGUMENT = 1",
        "CLOUDSSO_PANIC = 10",
        "#define CLOUDSSO_UNSET 0",
        "#define CLOUDSSO_FALSE 1",
        "#define CLOUDSSO_TRUE 2",
        "typedef struct cloudsso_client cloudsso_client;",
        "cloudsso_status cloudsso_reset_user_password(",
        "const char *cloudsso_version(void);",
    ] {
        assert!(header.contains(name), "the header lacks `{name}`");
    }
}
