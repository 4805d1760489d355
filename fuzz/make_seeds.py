#!/usr/bin/env python3
"""Writes the seed corpus in fuzz/corpus/<target>/ (run from the repo root).

The structured targets read their input with fuzz_support::Input (src/lib.rs),
so each seed here is encoded the same way: one byte per choice or flag, a
length (one byte, or two big-endian bytes when the maximum is 256 or more)
before each string. The values are the service's and the vendor's: the
emulator's JSON and XML bodies, the vector strings in tests/vectors/.
Re-running it rewrites the same files.
"""

import hashlib
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


class Enc:
    """Mirror of fuzz_support::Input, for writing."""

    def __init__(self):
        self.out = bytearray()

    def byte(self, b):
        self.out.append(b & 0xFF)
        return self

    def flag(self, v):
        return self.byte(1 if v else 0)

    def bytes(self, data, max_len):
        data = data.encode() if isinstance(data, str) else bytes(data)
        assert len(data) <= max_len, (data, max_len)
        if max_len < 256:
            self.out.append(len(data))
        else:
            self.out += len(data).to_bytes(2, "big")
        self.out += data
        return self

    def opt(self, text, max_len):
        if text is None:
            return self.flag(False)
        return self.flag(True).bytes(text, max_len)

    def raw(self, data):
        self.out += data.encode() if isinstance(data, str) else data
        return self


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    data = bytes(data.out if isinstance(data, Enc) else data)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


RID = "6BB3D8E5-3B3C-4A5F-9E6E-3F2A8C1D9B70"
DIR_ID = "d-00fc2p61abcd"
USER_ID = "u-00q8wbq42wiltcrkabcd"
VECTOR_PASSWORD = "uc)XK$?ictf72CKFDy9vtWaFmISl~*+ ä"
XML_DECL = "<?xml version='1.0' encoding='UTF-8'?>"

BODIES = {
    "json_generated": json.dumps({"RequestId": RID, "NewPassword": "Gen!1aBcXyZ9"}),
    "json_caller": json.dumps({"RequestId": RID}),
    "json_user_missing": json.dumps({
        "RequestId": RID, "HostId": "cloudsso.cn-shanghai.aliyuncs.com",
        "Code": "EntityNotExists.User", "Message": "The specified user does not exist.",
        "Recommend": "https://api.aliyun.com/troubleshoot?q=EntityNotExists.User&product=cloudsso",
    }),
    "json_throttled": json.dumps({"RequestId": RID, "Code": "Throttling.User", "Message": "Request was denied due to user flow control."}),
    "json_password_policy": json.dumps({"RequestId": RID, "Code": "InvalidParameter.Password.Length", "Message": "The password is too short."}),
    "xml_signature": XML_DECL + "<Error><RequestId>" + RID + "</RequestId><HostId>cloudsso.cn-shanghai.aliyuncs.com</HostId><Code>SignatureDoesNotMatch</Code><Message>Specified signature is not matched with our calculation. server string to sign is:POST&amp;%2F&amp;AccessKeyId</Message><Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch]]></Recommend></Error>",
    "xml_success": XML_DECL + "<ResetUserPasswordResponse><RequestId>" + RID + "</RequestId><NewPassword>a&lt;b&amp;C1!xyz</NewPassword></ResetUserPasswordResponse>",
    "html_502": "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
    "empty": "",
    "truncated": '{"RequestId":"' + RID + '","NewPass',
}


def response_parser():
    # status: (choose from table, index) | wants_generated | headers | date | mode
    statuses = [200, 201, 204, 299, 301, 302, 400, 403, 404, 429, 500, 502, 503, 504]
    cases = [
        ("json_generated", 200, True), ("json_caller", 200, False),
        ("json_user_missing", 404, False), ("json_throttled", 400, False),
        ("json_password_policy", 400, False), ("xml_signature", 400, False),
        ("xml_success", 200, True), ("html_502", 502, False),
        ("empty", 503, False), ("truncated", 200, True),
    ]
    for name, status, generated in cases:
        content_type = "text/xml;charset=utf-8" if name.startswith("xml") else (
            "text/html" if name.startswith("html") else "application/json;charset=utf-8")
        e = Enc().flag(True).byte(statuses.index(status)).flag(generated)
        e.opt(RID, 48).opt("1500" if status == 400 else None, 24).opt(None, 24)
        e.opt(None, 64).opt(content_type, 48)
        e.byte(2).raw(b"\x00\x5a\x6a\x5e\x00\x00\x00\x00")  # a known Date (IMF-fixdate)
        e.byte(0).raw(BODIES[name])
        write("response_parser", name, e)
    # A redirect with a token in its query.
    e = Enc().flag(True).byte(statuses.index(302)).flag(False)
    e.opt(None, 48).opt(None, 24).opt("7", 24).opt("https://evil.example/?token=\u00a7abc", 64).opt(None, 48)
    e.byte(1).bytes("Thu, 26 Nov 2026 23:00:00 GMT", 40).byte(0).raw("")
    write("response_parser", "redirect", e)
    # Structured JSON and XML bodies (mode 1 and 2), every field present.
    for mode, name in [(1, "planned_json"), (2, "planned_xml")]:
        e = Enc().flag(True).byte(statuses.index(400)).flag(True)
        e.opt(RID, 48).opt(None, 24).opt(None, 24).opt(None, 64).opt(None, 48).byte(0).byte(mode)
        for field, value in [("RequestId", RID), ("NewPassword", "Gen!1aBc"), ("Code", "Throttling.Api"),
                             ("Message", "slow down"), ("HostId", "h"), ("Recommend", "https://x")]:
            e.flag(True).bytes(value, 40)
            if field == "NewPassword":
                e.flag(True)  # marked
            if mode == 2:
                e.flag(field == "Recommend")  # CDATA
        if mode == 1:
            e.flag(True).byte(3).byte(2)  # an unknown member
        e.byte(1).byte(0)  # separator / declaration, root
        write("response_parser", name, e)


def xml_reader():
    docs = [
        ("error_code", "Code", BODIES["xml_signature"], "EntityNotExists.User"),
        ("success_password", "NewPassword", BODIES["xml_success"], "a<b&'\"c>"),
        ("cdata", "Recommend", "<Error><Recommend><![CDATA[x]]></Recommend></Error>", "Throttling.User"),
        ("unclosed", "Message", "<Error><Message>no end", ""),
    ]
    for name, element, doc, code in docs:
        e = Enc().bytes(element, 12).bytes(doc[:256], 256).bytes(code, 64).flag(name == "cdata")
        for choice in [1, 0, 2, 1, 2]:
            e.byte(choice)
            if choice:
                e.bytes(RID[:24], 24)
        e.byte(1).bytes("plain text: ok", 64)
        write("xml_reader", name, e)


def vector_strings():
    with open(os.path.join(os.path.dirname(ROOT), "..", "tests", "vectors", "signatures.json")) as f:
        vectors = json.load(f)
    return vectors


def percent_encoder(vectors):
    strings = {"unreserved": "aZ09-_.~", "reserved": " *+/:=&%", "vector_password": VECTOR_PASSWORD,
               "timestamp": "2024-01-01T12:00:00Z", "masked_id": "d-00fc2p61****", "empty": "",
               "emoji_and_nul": "p\u00e4\u00df\U0001F511\x00\x7f"}
    for name, v in vectors.items():
        if "string_to_sign" in v and name.startswith("v1_password"):
            strings["string_to_sign"] = v["string_to_sign"]
    for name, text in strings.items():
        write("percent_encoder", name, text.encode())
    write("percent_encoder", "invalid_utf8", b"\xc3\x28\xff\xfe abc")


def signer(vectors):
    names = ["AccessKeyId", "Action", "DirectoryId", "Format", "GenerateRandomPassword", "Password",
             "RequirePasswordResetForNextLogin", "SecurityToken", "SignatureMethod", "SignatureNonce",
             "SignatureVersion", "Timestamp", "UserId", "Version"]
    count = 0
    for name, v in sorted(vectors.items()):
        if not name.startswith("v1_") or "params" not in v or count >= 4:
            continue
        params = v["params"]
        e = Enc().byte(len(params))
        for k, value in params.items():
            e.flag(True).byte(names.index(k)).bytes(value, 40)
        e.bytes(v["hmac_key"].rstrip("&"), 40).flag(True)
        # V3 part: POST, "/", the canonical query, empty body, the usual headers.
        e.byte(0).flag(True).flag(False).bytes(b"", 64).byte(4)
        for h in range(4):
            e.byte(h).flag(True).bytes("value %d " % h, 32)
        write("signer", name, e)
        count += 1
    # Duplicate names, empty names and values.
    e = Enc().byte(4)
    for value in ["b", "a", "", "a"]:
        e.flag(False).bytes("", 16).bytes(value, 40)
    e.bytes("", 40).flag(False).bytes("GET", 8)
    write("signer", "duplicates_and_empty", e)


def validation():
    # id mode 2 = prefix + string(40); password mode: flag + head pick + string(40)
    heads = ["Aa1!", "Aa1", "a1!", "A1!", "Aa!", "Ää1!", ""]
    cases = [
        ("generated", DIR_ID, USER_ID, None, 2),
        ("vector_password", DIR_ID, USER_ID, VECTOR_PASSWORD, 1),
        ("too_short", DIR_ID, USER_ID, "Aa1!aaa", 1),
        ("both", DIR_ID, USER_ID, "Aa1!aaaa", 2),
        ("uppercase_id", "d-ABC", USER_ID, None, 2),
        ("injection_id", "d-a&Action=x", USER_ID, None, 2),
    ]
    for name, d, u, password, generate in cases:
        e = Enc().byte(2).bytes(d[2:], 40).byte(2).bytes(u[2:], 40)
        if password is None:
            e.byte(0)
        else:
            e.byte(1).flag(False).bytes(password, 40)
        e.byte(generate).flag(True).flag(True)
        write("validation", name, e)
    e = Enc().byte(0).bytes("a" * 63, 70).byte(3).bytes("u-\r\n", 70).byte(1).flag(True).byte(heads.index("Ää1!")).bytes("ü", 40).byte(1)
    write("validation", "long_id", e)


def c_strings():
    def reset(name, d, u, password, generate, require=0, secret="testsecret"):
        e = Enc().flag(False).bytes(secret, 24).flag(True).byte(0)  # no extra options
        for arg in (d, u):
            if arg is None:
                e.byte(0)
            else:
                e.byte(1).bytes(arg, 70)
        e.bytes(password or b"", 40).flag(True).byte(0 if password is None else 1)
        e.byte(generate).byte(require)
        write("c_strings", name, e)

    reset("valid_generated", DIR_ID, USER_ID, None, 2)
    reset("valid_password", DIR_ID, USER_ID, "Aa1!aaaa\u00e4", 1, 2)
    reset("invalid_utf8_user", DIR_ID, b"u-\xc3\x28", None, 2)
    reset("null_directory", None, USER_ID, None, 2)
    reset("bad_tristate", DIR_ID, USER_ID, None, 4)
    reset("weak_password", DIR_ID, USER_ID, "password", 1)
    # A config from fuzz strings: endpoint, key, then options (version, UA, region, PEM).
    e = Enc().flag(True).byte(1).bytes("https://cloudsso.cn-hangzhou.aliyuncs.com", 48)
    e.byte(1).bytes("testid", 16).bytes("testsecret", 24).flag(True).byte(1).bytes("sts", 16)
    e.byte(4).byte(0).byte(1).bytes("V3", 12).byte(1).byte(1).bytes("my-tool/1.0", 40)
    e.byte(2).byte(1).bytes("cn-hangzhou", 24)
    e.byte(3).bytes("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", 400)
    write("c_strings", "config", e)


def reply_headers():
    # Each header: a non-zero name byte (a listed name), its index, value kind 3 (raw), the value.
    def headers(*pairs):
        e = Enc().byte(len(pairs))
        for index, value in pairs:
            e.byte(1).byte(index).byte(3).bytes(value, 40)
        return e
    write("reply_headers", "all_five", headers(
        (1, "R-1"), (3, "Sun, 06 Nov 1994 08:49:37 GMT"), (5, " 7 "), (8, "http://x/?t=1"),
        (10, "application/json")))
    write("reply_headers", "both_retry_afters", headers((7, "250"), (4, "3"), (6, "x")))
    write("reply_headers", "duplicates", headers((0, "first"), (1, "second"), (4, "-1"), (4, "2")))


def main():
    vectors = vector_strings()
    reply_headers()
    response_parser()
    xml_reader()
    percent_encoder(vectors)
    signer(vectors)
    validation()
    c_strings()
    total = sum(len(files) for _, _, files in os.walk(ROOT))
    print(f"wrote {total} seed files under {ROOT}", file=sys.stderr)


if __name__ == "__main__":
    main()
