//! The tiny XML reader that reads the service's `<Error>` documents.
//!
//! Properties:
//! * `element_text` never panics on any document and element name;
//! * it finds nothing when the document lacks the opening tag;
//! * for `<Error>...<Code>X</Code>...</Error>` built here with X escaped (or
//!   in a CDATA section without `</Code>`), it returns exactly X, whatever
//!   precedes and follows;
//! * text without `&` comes back verbatim.
#![no_main]

use cloudsso::unstable::element_text;
use fuzz_support::Input;
use fuzz_support::reference::xml_escape;
use libfuzzer_sys::fuzz_target;

/// Elements that may surround the one under test, as in the service's documents.
const SIBLINGS: [&str; 5] = ["RequestId", "HostId", "Message", "Recommend", "Codes"];

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);

    // 1. Arbitrary document and name: no panic, and no match without the tag.
    let name = input.string(12);
    let doc = input.string(256);
    let found = element_text(&doc, &name);
    if !doc.contains(&format!("<{name}>")) {
        assert_eq!(found, None);
    }

    // 2. A service-shaped document: the code comes back exactly.
    let code = input.string(64);
    // A CDATA section holding "</Code>" is out of scope: the reader looks for
    // the closing tag before it looks at CDATA (the service never sends one).
    let cdata = input.bool() && !code.contains("]]>") && !code.contains("</Code>");
    let text = if cdata {
        format!("<![CDATA[{code}]]>")
    } else {
        xml_escape(&code)
    };
    let mut before = String::new();
    let mut after = String::new();
    for sibling in SIBLINGS {
        match input.byte() % 3 {
            0 => {}
            1 => before.push_str(&format!(
                "<{sibling}>{}</{sibling}>",
                xml_escape(&input.string(24))
            )),
            _ => after.push_str(&format!(
                "<{sibling}>{}</{sibling}>",
                xml_escape(&input.string(24))
            )),
        }
    }
    let declaration = input.pick(&["", "<?xml version='1.0' encoding='UTF-8'?>\n"]);
    let doc = format!("{declaration}<Error>{before}<Code>{text}</Code>{after}</Error>");
    assert_eq!(
        element_text(&doc, "Code").as_deref(),
        Some(code.as_str()),
        "{doc}"
    );

    // 3. Text without entities is returned as it stands.
    let plain = input.string(64);
    if !plain.contains('&') && !plain.contains("</Message>") && !plain.starts_with("<![CDATA[") {
        let doc = format!("<Error><Message>{plain}</Message></Error>");
        assert_eq!(
            element_text(&doc, "Message").as_deref(),
            Some(plain.as_str())
        );
    }
});
