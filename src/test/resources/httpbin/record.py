#!/usr/bin/env python3
"""Records how httpbin answers a fixed set of requests, for HttpbinCompatibilityTest.

Each request is written as raw HTTP/1.1 bytes (with a {host} placeholder for the server's
address) and sent over a plain socket, so that the Java test can replay exactly the same bytes
against fetchpipe's test server. Of each answer it keeps what a client's test looks at: the
status, the content type, a few response headers, and the body's shape (its JSON, its kind of
text or image, its length), with the server's address replaced by {host} and the values that
change from one request to the next replaced by a mark of their type.

Usage, with Debian's python3-httpbin (apt-get install -y python3-httpbin):

    /usr/bin/python3 src/test/resources/httpbin/record.py > src/test/resources/httpbin/answers.json

It starts httpbin on a free port of 127.0.0.1 (python3 -m httpbin.core), or records from
--base http://HOST:PORT when one runs already.
"""

import argparse
import base64
import gzip
import json
import socket
import subprocess
import sys
import time
import zlib

UA = "fetchpipe-compat/1"
# Response headers a client's test looks at; their values are compared.
KEPT_HEADERS = ("location", "www-authenticate", "content-encoding", "etag", "accept-ranges", "content-range",
                "set-cookie", "cache-control", "last-modified", "x-more-info",
                "access-control-allow-origin", "access-control-allow-credentials")

FORM = "a=1&b=two&b=2"
JSON_BODY = '{"name": "x", "tags": ["a", "b"], "n": 1}'
BOUNDARY = "fetchpipe-boundary"
MULTIPART = ("--{b}\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n"
             "--{b}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"notes.txt\"\r\n"
             "Content-Type: text/plain\r\n\r\nsome notes\r\n--{b}--\r\n").format(b=BOUNDARY)
BINARY = bytes([0, 159, 146, 150, 255, 1, 2])

# (route, name, method, target, extra headers, body, what varies: "/key" of a JSON body,
# "header:name" of a kept header, "text" of a short text body)
REQUESTS = [
    ("/get", "get", "GET", "/get", [], None, []),
    ("/get", "get-args", "GET", "/get?a=1&a=2&b=x", [("X-Custom", "yes")], None, []),
    ("/get", "post-to-get", "POST", "/get", [("Content-Type", "text/plain")], "x", []),
    ("/post", "post-form", "POST", "/post", [("Content-Type", "application/x-www-form-urlencoded")], FORM, []),
    ("/post", "post-json", "POST", "/post?q=1", [("Content-Type", "application/json")], JSON_BODY, []),
    ("/post", "post-text", "POST", "/post", [("Content-Type", "text/plain; charset=utf-8")], "plain text", []),
    ("/post", "post-binary", "POST", "/post", [("Content-Type", "application/octet-stream")], BINARY, []),
    ("/post", "post-multipart", "POST", "/post",
     [("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)], MULTIPART, []),
    ("/post", "get-to-post", "GET", "/post", [], None, []),
    ("/put", "put-json", "PUT", "/put", [("Content-Type", "application/json")], JSON_BODY, []),
    ("/patch", "patch-form", "PATCH", "/patch", [("Content-Type", "application/x-www-form-urlencoded")], FORM, []),
    ("/delete", "delete", "DELETE", "/delete?id=7", [], None, []),
    ("/anything", "anything-get", "GET", "/anything/deep/path?q=1&q=two", [], None, []),
    ("/anything", "anything-post-json", "POST", "/anything", [("Content-Type", "application/json")], JSON_BODY, []),
    ("/anything", "anything-put-form", "PUT", "/anything/x",
     [("Content-Type", "application/x-www-form-urlencoded")], FORM, []),
    ("/headers", "headers", "GET", "/headers", [("X-Lower", "v"), ("X-Dup", "a"), ("X-Dup", "b")], None, []),
    ("/user-agent", "user-agent", "GET", "/user-agent", [], None, []),
    ("/ip", "ip", "GET", "/ip", [], None, []),
    ("/uuid", "uuid", "GET", "/uuid", [], None, ["/uuid"]),
    ("/status/{codes}", "status-200", "GET", "/status/200", [], None, []),
    ("/status/{codes}", "status-201-post", "POST", "/status/201", [], None, []),
    ("/status/{codes}", "status-204", "GET", "/status/204", [], None, []),
    ("/status/{codes}", "status-302", "GET", "/status/302", [], None, []),
    ("/status/{codes}", "status-401", "GET", "/status/401", [], None, []),
    ("/status/{codes}", "status-418", "GET", "/status/418", [], None, ["text"]),
    ("/status/{codes}", "status-503", "GET", "/status/503", [], None, []),
    ("/status/{codes}", "status-invalid", "GET", "/status/abc", [], None, []),
    ("/delay/{n}", "delay", "GET", "/delay/0?x=1", [], None, []),
    ("/bytes/{n}", "bytes", "GET", "/bytes/64", [], None, []),
    ("/stream/{n}", "stream", "GET", "/stream/3", [], None, []),
    ("/drip", "drip", "GET", "/drip?duration=0&numbytes=5", [], None, []),
    ("/range/{n}", "range-all", "GET", "/range/26", [], None, []),
    ("/range/{n}", "range-part", "GET", "/range/26", [("Range", "bytes=2-5")], None, []),
    ("/gzip", "gzip", "GET", "/gzip", [], None, []),
    ("/deflate", "deflate", "GET", "/deflate", [], None, []),
    ("/html", "html", "GET", "/html", [], None, []),
    ("/xml", "xml", "GET", "/xml", [], None, []),
    ("/robots.txt", "robots", "GET", "/robots.txt", [], None, []),
    ("/deny", "deny", "GET", "/deny", [], None, ["text"]),
    ("/encoding/utf8", "utf8", "GET", "/encoding/utf8", [], None, ["text"]),
    ("/base64/{v}", "base64", "GET", "/base64/aGVsbG8gZmV0Y2hwaXBl", [], None, []),
    ("/cookies", "cookies", "GET", "/cookies", [("Cookie", "a=1; b=two")], None, []),
    ("/cookies", "cookies-set", "GET", "/cookies/set?k=v", [], None, []),
    ("/cookies", "cookies-set-path", "GET", "/cookies/set/name/value", [], None, []),
    ("/cookies", "cookies-delete", "GET", "/cookies/delete?k=", [], None, []),
    ("/basic-auth/{u}/{p}", "basic-auth-missing", "GET", "/basic-auth/ann/secret", [], None, []),
    ("/basic-auth/{u}/{p}", "basic-auth-ok", "GET", "/basic-auth/ann/secret",
     [("Authorization", "Basic " + base64.b64encode(b"ann:secret").decode())], None, []),
    ("/basic-auth/{u}/{p}", "basic-auth-wrong", "GET", "/basic-auth/ann/secret",
     [("Authorization", "Basic " + base64.b64encode(b"ann:nope").decode())], None, []),
    ("/bearer", "bearer-missing", "GET", "/bearer", [], None, []),
    ("/bearer", "bearer-ok", "GET", "/bearer", [("Authorization", "Bearer tok3n")], None, []),
    ("/cache", "cache", "GET", "/cache", [], None, ["header:etag", "header:last-modified"]),
    ("/cache", "cache-conditional", "GET", "/cache", [("If-None-Match", "x")], None, []),
    ("/cache", "cache-seconds", "GET", "/cache/60", [], None, []),
    ("/etag/{e}", "etag", "GET", "/etag/abc", [], None, []),
    ("/etag/{e}", "etag-none-match", "GET", "/etag/abc", [("If-None-Match", "abc")], None, []),
    ("/etag/{e}", "etag-match-fails", "GET", "/etag/abc", [("If-Match", "xyz")], None, []),
    ("/response-headers", "response-headers", "GET", "/response-headers?X-One=1&X-Two=a&X-Two=b", [], None, []),
    ("/redirect/{n}", "redirect-1", "GET", "/redirect/1", [], None, []),
    ("/redirect/{n}", "redirect-3", "GET", "/redirect/3", [], None, []),
    ("/redirect/{n}", "redirect-absolute", "GET", "/redirect/2?absolute=true", [], None, []),
    ("/relative-redirect/{n}", "relative-redirect", "GET", "/relative-redirect/2", [], None, []),
    ("/absolute-redirect/{n}", "absolute-redirect", "GET", "/absolute-redirect/2", [], None, []),
    ("/absolute-redirect/{n}", "absolute-redirect-1", "GET", "/absolute-redirect/1", [], None, []),
    ("/redirect-to", "redirect-to", "GET", "/redirect-to?url=/get", [], None, []),
    ("/redirect-to", "redirect-to-307", "GET", "/redirect-to?url=http://example.com/&status_code=307", [], None, []),
    ("/links/{n}/{o}", "links-page", "GET", "/links/3/1", [], None, []),
    ("/links/{n}/{o}", "links", "GET", "/links/3", [], None, []),
    ("/image/{png,jpeg,svg}", "image-png", "GET", "/image/png", [], None, []),
    ("/image/{png,jpeg,svg}", "image-jpeg", "GET", "/image/jpeg", [], None, []),
    ("/image/{png,jpeg,svg}", "image-svg", "GET", "/image/svg", [], None, []),
]


def raw_request(method, target, headers, body):
    if isinstance(body, str):
        body = body.encode("utf-8")
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: {host}", "User-Agent: " + UA, "Accept: */*",
             "Connection: close"]
    lines += ["%s: %s" % (name, value) for name, value in headers]
    if body is not None:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + (body or b"")


def exchange(host, port, request):
    with socket.create_connection((host, port), timeout=30) as connection:
        connection.sendall(request.replace(b"{host}", ("%s:%d" % (host, port)).encode()))
        answer = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                return answer
            answer += chunk


def parse(answer):
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    if any(name == "transfer-encoding" and "chunked" in value.lower() for name, value in headers):
        body = dechunk(body)
    return status, headers, body


def dechunk(body):
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return out


def content_type(headers):
    for name, value in headers:
        if name == "content-type":
            parts = [part.strip() for part in value.split(";")]
            kept = [parts[0].lower()] + [p.lower() for p in parts[1:] if p.lower().startswith("charset=")]
            return "; ".join(kept)
    return None


def normalize(value, address):
    if isinstance(value, str):
        return value.replace(address, "{host}")
    if isinstance(value, list):
        return [normalize(item, address) for item in value]
    if isinstance(value, dict):
        return {key: normalize(item, address) for key, item in value.items()}
    return value


def type_mark(value):
    return "<%s>" % {str: "string", int: "number", float: "number", bool: "boolean", list: "array",
                     dict: "object", type(None): "null"}[type(value)]


def blank(value, pointer):
    """Replaces the value at a JSON pointer (one level: /key) by a mark of its type."""
    key = pointer.lstrip("/")
    if isinstance(value, dict) and key in value:
        value[key] = type_mark(value[key])
    return value


def body_shape(body, encoding, address, vary):
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "deflate":
        body = zlib.decompress(body)
    if not body:
        return {"kind": "empty"}
    if body.startswith(b"\x89PNG"):
        return {"kind": "png"}
    if body.startswith(b"\xff\xd8"):
        return {"kind": "jpeg"}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {"kind": "bytes", "length": len(body)}
    if "<svg" in text[:400]:
        return {"kind": "svg"}
    try:
        value = normalize(json.loads(text), address)
        for pointer in vary:
            if pointer.startswith("/"):
                value = blank(value, pointer)
        return {"kind": "json", "value": value}
    except ValueError:
        pass
    lines = [line for line in text.split("\n") if line]
    if len(lines) > 1:
        try:
            return {"kind": "json-lines", "values": [normalize(json.loads(line), address) for line in lines]}
        except ValueError:
            pass
    lower = text.lower()
    if "<html" in lower or "<!doctype html" in lower:
        return {"kind": "html"}
    if text.lstrip().startswith("<?xml"):
        return {"kind": "xml"}
    if len(body) <= 256 and "text" not in vary:
        return {"kind": "text", "text": normalize(text, address)}
    return {"kind": "text"}


def record(host, port):
    address = "%s:%d" % (host, port)
    answers = []
    for route, name, method, target, headers, body, vary in REQUESTS:
        request = raw_request(method, target, headers, body)
        status, response_headers, response_body = parse(exchange(host, port, request))
        kept = {}
        for header, value in response_headers:
            if header in KEPT_HEADERS:
                value = normalize(value, address)
                if "header:" + header in vary:
                    value = "<string>"
                kept[header] = kept[header] + "\n" + value if header in kept else value
        encoding = dict(response_headers).get("content-encoding")
        answers.append({
            "route": route,
            "name": name,
            "request_base64": base64.b64encode(request).decode("ascii"),
            "vary": vary,
            "status": status,
            "content_type": content_type(response_headers),
            "headers": kept,
            "body": body_shape(response_body, encoding, address, vary),
        })
    return answers


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", help="a running httpbin, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    server = None
    if args.base:
        host, port = args.base.split("//")[1].rstrip("/").split(":")
        port = int(port)
    else:
        host, port = "127.0.0.1", free_port()
        server = subprocess.Popen([sys.executable, "-m", "httpbin.core", "--host", host, "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection((host, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
    try:
        version = subprocess.run([sys.executable, "-c", "import httpbin, pkg_resources; "
                                  "print(pkg_resources.get_distribution('httpbin').version)"],
                                 capture_output=True, text=True).stdout.strip()
        json.dump({"httpbin": version or "unknown", "answers": record(host, port)}, sys.stdout, indent=1,
                  sort_keys=True, ensure_ascii=False)
        sys.stdout.write("\n")
    finally:
        if server is not None:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
