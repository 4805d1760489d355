//! The core's list of a secret's encodings is the one every language's leak helper checks
//! against: tests/leaks/forms.json at the repository root.

use serde_json::Value;

#[test]
fn encoded_forms_match_the_shared_golden_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/leaks/forms.json");
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = golden["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let secret = case["secret"].as_str().unwrap();
        let expected: Vec<&str> = case["forms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert_eq!(
            cloudsso::unstable::encoded_forms(secret),
            expected,
            "{secret}"
        );
    }
}
