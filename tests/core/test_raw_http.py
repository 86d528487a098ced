"""Bytes that HTTP clients refuse to send, over a raw socket to the real server.

Libraries like httpx will not put a NUL, a bare CR or a byte above 0x7F in a
request line or a header; attackers will. Every such request gets an answer
below 500. What reaches the app is answered in the standard JSON error shape;
what the server's HTTP parser refuses (a request line or header that is not
HTTP) never reaches the app and gets uvicorn's own plain-text 400 ("Invalid
HTTP request received."), which docs/security.md names as the one exception.
"""

import json
import socket
from urllib.parse import urlsplit

import pytest

from tests.live import live_server

HOST = b"Host: 127.0.0.1\r\n"
ME = b"GET /api/v1/auth/me"
CLOSE = b"Connection: close\r\n"
SERVER_PARSER_REFUSAL = b"Invalid HTTP request received."


def request(method_and_target: bytes, *headers: bytes, body: bytes = b"") -> bytes:
    return method_and_target + b" HTTP/1.1\r\n" + HOST + b"".join(headers) + CLOSE + b"\r\n" + body


def json_body(headers: list[bytes], body: bytes) -> bytes:
    return body if b"content-type: application/json" in headers else b""


# Each reaches the app: it must answer JSON in the standard shape, below 500.
REACHES_THE_APP = {
    "obs-text token": request(ME, b"Authorization: Bearer \xff\xfe\r\n"),
    "blank-to-HTTP Authorization (NBSP)": request(ME, b"Authorization: \xa0\r\n"),
    "NEL in Authorization": request(ME, b"Authorization: Bearer\x85x\r\n"),
    "obs-text Host": b"GET /api/v1/auth/me HTTP/1.1\r\nHost: \xff\xfe\r\n" + CLOSE + b"\r\n",
    "no Host": b"GET /api/v1/auth/me HTTP/1.1\r\n" + CLOSE + b"\r\n",
    "absolute-form target": request(b"GET http://other.example/api/v1/auth/me"),
    "bad percent escapes": request(b"GET /api/v1/%zz%%%C0"),
    "NUL escaped in the path": request(b"GET /healthz%00"),
    "NUL, 0xFF escaped in the query": request(b"GET /api/v1/workspaces?cursor=%00&page_size=%ff"),
    "static traversal, escaped": request(b"GET /static/..%2f..%2fetc%2fpasswd"),
    "Accept of obs-text": request(ME, b"Accept: \xff;q=\xfe, */*;q=abc\r\n"),
    "Cookie of obs-text": request(ME, b"Cookie: \xff=\xfe; ;; aa_session=\xff\r\n"),
    "X-Forwarded-For of obs-text": request(ME, b"X-Forwarded-For: \xff, ,,\r\n"),
    "X-Request-ID of obs-text": request(b"GET /healthz", b"X-Request-ID: \xe9\r\n"),
    "JSON body of invalid UTF-8": request(
        b"POST /api/v1/auth/login", b"Content-Type: application/json\r\n",
        b"Content-Length: 13\r\n", body=b'{"email": \xff\xfe}',
    ),
    "JSON body declared Latin-1": request(
        b"POST /api/v1/auth/login", b"Content-Type: application/json; charset=latin-1\r\n",
        b"Content-Length: 14\r\n", body=b'{"email": "\xff"}',
    ),
    "Content-Type of obs-text": request(
        b"POST /api/v1/auth/login", b"Content-Type: \xff/\xfe; ;;=\r\n", b"Content-Length: 2\r\n",
        body=b"{}",
    ),
    "a 100 KB header": request(b"GET /healthz", b"X-Padding: " + b"a" * 100_000 + b"\r\n"),
}  # fmt: skip

# Not HTTP: refused by the server's parser (or, should it ever pass one on, by the app).
NOT_HTTP = {
    "raw UTF-8 in the path": request(b"GET /api/v1/\xc3\xa9"),
    "invalid UTF-8 in the path": request(b"GET /api/v1/\xff"),
    "invalid UTF-8 in the query": request(b"GET /api/v1/auth/me?q=\xff\xfe"),
    "raw bytes in a static path": request(b"GET /static/\xff/../../etc/passwd"),
    "NUL in a header": request(b"GET /healthz", b"X-Request-ID: a\x00b\r\n"),
    "control characters in a header": request(b"GET /healthz", b"X-Request-ID: a\x01b\x7f\r\n"),
    "bare CR in a header": request(b"GET /healthz", b"X-A: a\rb\r\n"),
    "space in the target": request(b"GET /api/v1/a b"),
    "DEL in the target": request(b"GET /api/v1/\x7f"),
    "unknown method": request(b"FOO /api/v1/auth/me"),
    "Content-Length and Transfer-Encoding": request(
        b"POST /api/v1/auth/login", b"Content-Length: 2\r\n", b"Transfer-Encoding: chunked\r\n",
        body=b"0\r\n\r\n",
    ),
    "two Content-Lengths": request(
        b"POST /api/v1/auth/login", b"Content-Length: 2\r\n", b"Content-Length: 3\r\n", body=b"{}"
    ),
    "negative Content-Length": request(
        b"POST /api/v1/auth/login", b"Content-Length: -1\r\n", body=b"{}"
    ),
}  # fmt: skip


def exchange(base_url: str, data: bytes) -> tuple[int, list[bytes], bytes]:
    """Send ``data`` as is; return the status, the header lines and the (unchunked) body."""
    parts = urlsplit(base_url)
    assert parts.hostname is not None
    assert parts.port is not None
    received = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as connection:
        connection.sendall(data)
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    headers = [line.lower() for line in lines[1:]]
    if b"transfer-encoding: chunked" in headers:
        body = _unchunked(body)
    return int(lines[0].split()[1]), headers, body


def _unchunked(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        out, body = out + rest[:size], rest[size + 2 :]
    return out


def assert_standard_error_or_success(status: int, headers: list[bytes], body: bytes) -> None:
    assert status < 500, (status, body[:300])
    assert b"content-type: application/json" in headers, (status, headers, body[:300])
    if status >= 400:
        assert set(json.loads(body)) == {"type", "errors", "request_id"}, body[:300]


@pytest.mark.workers  # starts processes
@pytest.mark.django_db(transaction=True)
def test_bytes_clients_refuse_to_send_never_get_a_500() -> None:
    with live_server() as server:
        reached = {name: exchange(server.base_url, data) for name, data in REACHES_THE_APP.items()}
        refused = {name: exchange(server.base_url, data) for name, data in NOT_HTTP.items()}
    for name, (status, headers, body) in reached.items():
        try:
            assert_standard_error_or_success(status, headers, body)
        except AssertionError as failure:
            raise AssertionError(f"{name}: {failure}") from None
    for name, (status, headers, body) in refused.items():
        if body == SERVER_PARSER_REFUSAL:
            assert status == 400, name
            continue
        try:
            assert_standard_error_or_success(status, headers, body)
        except AssertionError as failure:
            raise AssertionError(f"{name}: {failure}") from None
