"""What the end-to-end benchmarks share: an HTTP client with cookies, a form parser, gunicorn, statistics.

Only the standard library: the benchmarks talk to Renkei as a browser does (forms as served, every hidden
input sent back, so a field added later — a `version` for optimistic locking — goes back untouched).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


# --- statistics ---------------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary_ms(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 in milliseconds (zeros for an empty list)."""
    if not seconds:
        return 0.0, 0.0, 0.0
    return tuple(percentile(seconds, p) * 1000 for p in (50, 95, 99))


# --- forms as served ------------------------------------------------------------------------------------------

@dataclass
class Form:
    action: str = ""
    method: str = "get"
    fields: list[tuple[str, str]] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        """The last value of each field (for reading; post `fields` to keep repeated names)."""
        return dict(self.fields)

    def with_values(self, **changes: str) -> list[tuple[str, str]]:
        """The fields as served, with `changes` replacing (or adding) single-valued fields."""
        out = [(name, value) for name, value in self.fields if name not in changes]
        return out + list(changes.items())


class _FormParser(HTMLParser):
    """Every <form> with the name/value pairs a browser would submit without the user touching anything."""

    SKIPPED_TYPES = {"submit", "button", "image", "file", "reset"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower(), attrs=a)
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in self.SKIPPED_TYPES:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
                return
            self._form.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": []}
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": []}
            self._select["options"].append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"].append(data)
        if self._option is not None:
            self._option["text"].append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea["text"])
            if text.startswith("\r\n"):  # HTML drops one newline right after <textarea>
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._form.fields.append((self._textarea["name"], text))
            self._textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else "".join(option["text"]).strip()
                self._form.fields.append((self._select["name"], value))
            self._select = None
        elif tag == "form":
            self._form = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def find_form(html: str, *, method: str = "post", having: str | None = None) -> Form | None:
    """The first form with this method (and, if given, a field of that name)."""
    for form in parse_forms(html):
        if form.method == method and (having is None or any(name == having for name, _ in form.fields)):
            return form
    return None


def hidden_inputs(html: str) -> dict[str, str]:
    """name → value of every hidden input in the page (the CSRF token, and a version field if there is one)."""
    out = {}

    class Hidden(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and (a.get("type") or "").lower() == "hidden" and a.get("name"):
                out[a["name"]] = a.get("value") or ""

    parser = Hidden()
    parser.feed(html)
    return out


# --- HTTP client ---------------------------------------------------------------------------------------------

@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Client:
    """One user: its own cookies (session, CSRF), no redirects followed, a new connection per request.

    gunicorn's sync workers close the connection after each response, as they do behind a proxy.
    """

    def __init__(self, base_url: str, *, forwarded_for: str | None = None, timeout: float = 120.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}
        self.forwarded_for = forwarded_for
        self.timeout = timeout

    def request(self, method: str, path: str, data: list[tuple[str, str]] | dict | None = None,
                headers: dict[str, str] | None = None) -> Response:
        body = urlencode(data, doseq=True).encode() if data is not None else None
        send = {"Accept-Language": "ja", "User-Agent": "renkei-benchmark"}
        if body is not None:
            send["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            send["X-Forwarded-For"] = self.forwarded_for
        send.update(headers or {})
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=send)
            reply = connection.getresponse()
            payload = reply.read()
            seconds = time.perf_counter() - began
            for header in reply.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return Response(reply.status, payload, {k.lower(): v for k, v in reply.getheaders()}, seconds)
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data, **kwargs) -> Response:
        return self.request("POST", path, data=data, **kwargs)


def login(client: Client, email: str, password: str) -> bool:
    """Log in through the login form as served; True when the server redirects away from it."""
    page = client.get("/login/")
    form = find_form(page.text, having="password")
    if form is None:
        return False
    reply = client.post(form.action or "/login/", form.with_values(username=email, password=password))
    return reply.status in (302, 303) and "/login/" not in reply.headers.get("location", "/login/")


# --- gunicorn --------------------------------------------------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn on 127.0.0.1 (sync workers), started in its own process group and stopped by its id."""

    def __init__(self, app: str, *, env: dict[str, str], workers: int = 3, chdir: Path = ROOT,
                 ready_path: str = "/health/", log: Path | None = None, timeout: int = 120):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app, self.env, self.workers, self.chdir = app, env, workers, chdir
        self.ready_path, self.log, self.timeout = ready_path, log, timeout
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = VENV_BIN / "gunicorn"
        command = [str(gunicorn) if gunicorn.exists() else "gunicorn", self.app, "--workers", str(self.workers),
                   "--bind", f"127.0.0.1:{self.port}", "--chdir", str(self.chdir), "--timeout", str(self.timeout),
                   "--backlog", "2048", "--log-level", "warning"]
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(command, env={**os.environ, **self.env}, stdout=out,  # noqa: S603
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start (exit {self.process.returncode}); see {self.log}")
            try:
                if Client(self.url, timeout=5).get(self.ready_path).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer {self.ready_path} within 120 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group we started: gunicorn and its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- closed-loop load ---------------------------------------------------------------------------------------

@dataclass
class Sample:
    kind: str
    status: int  # 0: no answer (connection error or timeout)
    seconds: float
    size: int = 0
    error: str = ""  # e.g. "database is locked", "deadlock", a connection error


class Recorder:
    def __init__(self):
        self.samples: list[Sample] = []
        self._lock = threading.Lock()

    def add(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)


def error_tag(response: Response) -> str:
    """A short name for a failure visible in the response (the text of a 500 page, when DEBUG shows it)."""
    if response.status < 500:
        return ""
    text = response.text.lower()
    for needle in ("database is locked", "deadlock", "could not serialize", "timeout"):
        if needle in text:
            return needle
    return f"HTTP {response.status}"


def run_users(count: int, seconds: float, user_loop) -> float:
    """Run `user_loop(index, stop_at)` in `count` threads until `stop_at`; the wall time taken."""
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=user_loop, args=(i, stop_at), daemon=True) for i in range(count)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - began
