//! Answer bodies in the service's two formats, and the request ids that tie a body to its
//! `x-acs-request-id` header.

use crate::errors::ApiError;

/// Response format: V1 picks with `Format` (XML when absent), V3 is always JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Xml,
}

impl Format {
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json;charset=utf-8",
            Format::Xml => "text/xml;charset=utf-8",
        }
    }
}

/// A fresh request id shaped like the service's: a version-4 UUID in upper-case hex.
pub(crate) fn new_request_id() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS random source is available");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02X}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Escapes text for XML element content.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

const XML_DECLARATION: &str = "<?xml version='1.0' encoding='UTF-8'?>";

/// Success body of `ResetUserPassword`.
pub(crate) fn success(format: Format, request_id: &str, new_password: Option<&str>) -> String {
    match format {
        Format::Json => {
            let mut body = serde_json::Map::new();
            body.insert("RequestId".into(), request_id.into());
            if let Some(p) = new_password {
                body.insert("NewPassword".into(), p.into());
            }
            serde_json::Value::Object(body).to_string()
        }
        Format::Xml => {
            let password = new_password
                .map(|p| format!("<NewPassword>{}</NewPassword>", xml_escape(p)))
                .unwrap_or_default();
            format!(
                "{XML_DECLARATION}<ResetUserPasswordResponse><RequestId>{}</RequestId>{password}</ResetUserPasswordResponse>",
                xml_escape(request_id)
            )
        }
    }
}

/// Error body: `RequestId`, `HostId`, `Code`, `Message`, `Recommend`.
pub(crate) fn error(format: Format, request_id: &str, host_id: &str, err: &ApiError) -> String {
    let recommend = format!(
        "https://api.aliyun.com/troubleshoot?q={}&product=cloudsso&requestId={request_id}",
        err.code
    );
    match format {
        Format::Json => serde_json::json!({
            "RequestId": request_id,
            "HostId": host_id,
            "Code": err.code,
            "Message": err.message,
            "Recommend": recommend,
        })
        .to_string(),
        Format::Xml => format!(
            "{XML_DECLARATION}<Error><RequestId>{}</RequestId><HostId>{}</HostId><Code>{}</Code><Message>{}</Message><Recommend>{}</Recommend></Error>",
            xml_escape(request_id),
            xml_escape(host_id),
            xml_escape(&err.code),
            xml_escape(&err.message),
            xml_escape(&recommend),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_upper_case_uuids() {
        let id = new_request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_ne!(id, new_request_id());
    }

    #[test]
    fn xml_success_matches_the_service_shape() {
        assert_eq!(
            success(Format::Xml, "RID", Some("a<b&'\"")),
            "<?xml version='1.0' encoding='UTF-8'?><ResetUserPasswordResponse><RequestId>RID</RequestId><NewPassword>a&lt;b&amp;&apos;&quot;</NewPassword></ResetUserPasswordResponse>"
        );
        assert!(!success(Format::Xml, "RID", None).contains("NewPassword"));
    }

    #[test]
    fn json_error_has_the_five_fields() {
        let err = ApiError::new(400, "X.Y", "m");
        let v: serde_json::Value =
            serde_json::from_str(&error(Format::Json, "R", "h", &err)).unwrap();
        for key in ["RequestId", "HostId", "Code", "Message", "Recommend"] {
            assert!(v.get(key).is_some(), "{key}");
        }
        let xml = error(Format::Xml, "R", "h<", &err);
        assert!(
            xml.contains("<Error><RequestId>R</RequestId><HostId>h&lt;</HostId><Code>X.Y</Code>")
        );
    }
}
