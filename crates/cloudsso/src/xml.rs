//! Just enough XML to read the service's flat `<Error>` and success documents.

/// The text of the first `<name>...</name>` element, entities decoded.
pub fn element_text(doc: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = doc.find(&open)? + open.len();
    let len = doc[start..].find(&close)?;
    let inner = &doc[start..start + len];
    Some(
        match inner
            .strip_prefix("<![CDATA[")
            .and_then(|r| r.strip_suffix("]]>"))
        {
            Some(cdata) => cdata.to_string(),
            None => decode_entities(inner),
        },
    )
}

/// True when the document's root element is `name`.
pub fn has_root(doc: &str, name: &str) -> bool {
    let mut rest = doc.trim_start();
    if rest.starts_with("<?") {
        match rest.find("?>") {
            Some(end) => rest = rest[end + 2..].trim_start(),
            None => return false,
        }
    }
    rest.strip_prefix('<')
        .and_then(|r| r.strip_prefix(name))
        .is_some_and(|r| r.starts_with('>') || r.starts_with(' '))
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_error_documents() {
        let doc = "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>R-1</RequestId><Code>EntityNotExists.User</Code><Message>a &lt;b&gt; &amp; c</Message></Error>";
        assert!(has_root(doc, "Error"));
        assert!(!has_root(doc, "ErrorX"));
        assert_eq!(
            element_text(doc, "Code").as_deref(),
            Some("EntityNotExists.User")
        );
        assert_eq!(element_text(doc, "Message").as_deref(), Some("a <b> & c"));
        assert_eq!(element_text(doc, "HostId"), None);
    }
}
