//! Every front door offers every client option: reads the core's option table
//! (`cloudsso::options::OPTIONS`) and fails, naming the option and the front
//! door, when one lacks it. The names derive mechanically from the row:
//! C `cloudsso_config_set_<name>` in include/cloudsso.h, the Python keyword in
//! the `.pyi` stub, the Node field in index.d.ts, the CLI flag in
//! `cloudsso reset-user-password --help`.

use cloudsso::options::OPTIONS;
use std::path::PathBuf;
use std::process::Command;

fn repo_file(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Fails with every missing name at once, so one run shows all the gaps.
fn assert_all_present(front_door: &str, missing: Vec<String>) {
    assert!(
        missing.is_empty(),
        "{front_door} lacks these options of cloudsso::options::OPTIONS: {}",
        missing.join(", ")
    );
}

#[test]
fn the_table_is_not_empty() {
    assert!(OPTIONS.len() >= 16, "{} rows", OPTIONS.len());
}

#[test]
fn the_c_header_has_a_typed_setter_for_every_option_and_the_generic_one() {
    let header = repo_file("include/cloudsso.h");
    assert!(header.contains("cloudsso_config_set(struct cloudsso_config *cfg,"));
    let missing = OPTIONS
        .iter()
        .map(|spec| spec.c_setter())
        .filter(|setter| !header.contains(&format!("{setter}(")))
        .collect();
    assert_all_present("include/cloudsso.h", missing);
}

#[test]
fn the_python_stub_has_a_keyword_for_every_option() {
    let stub = repo_file("bindings/python/python/cloudsso/_cloudsso.pyi");
    let constructor = stub
        .split("def __new__(")
        .nth(1)
        .and_then(|rest| rest.split(") -> Self").next())
        .expect("the stub declares NativeClient.__new__");
    let missing = OPTIONS
        .iter()
        .map(|spec| spec.python_keyword())
        .filter(|keyword| !constructor.contains(&format!("\n        {keyword}: ")))
        .map(str::to_owned)
        .collect();
    assert_all_present("the Python stub (_cloudsso.pyi)", missing);
}

#[test]
fn the_node_types_have_a_field_for_every_option() {
    let types = repo_file("bindings/node/index.d.ts");
    let options = types
        .split("export interface ClientOptions {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .expect("index.d.ts declares ClientOptions");
    let missing = OPTIONS
        .iter()
        .map(|spec| spec.node_field())
        .filter(|field| !options.contains(&format!("\n  {field}?: ")))
        .collect();
    assert_all_present("bindings/node/index.d.ts (ClientOptions)", missing);
}

#[test]
fn the_cli_help_has_a_flag_for_every_option() {
    let out = Command::new(env!("CARGO_BIN_EXE_cloudsso"))
        .args(["reset-user-password", "--help"])
        .output()
        .expect("the cloudsso binary runs");
    let help = String::from_utf8_lossy(&out.stdout);
    let missing = OPTIONS
        .iter()
        .map(|spec| spec.cli_flag())
        .filter(|flag| {
            !help
                .split(|c: char| c.is_whitespace() || c == ',' || c == '=' || c == '[')
                .any(|word| word == flag)
        })
        .collect();
    assert_all_present("`cloudsso reset-user-password --help`", missing);
}
