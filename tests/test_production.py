"""Production serving: gunicorn with DEBUG off serves the pages and, through WhiteNoise, the
collected static files under hashed names, compressed (what `make serve-prod` and
docs/deploy.md run)."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

GUNICORN = Path(sys.executable).with_name("gunicorn")
HASHED_CSS = re.compile(r'href="(/static/css/giamngheo\.[0-9a-f]{12}\.css)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("production")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))},
        "DJANGO_SETTINGS_MODULE": "giamngheo.settings",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(tmp / "static"),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
    }
    # The administration's files are most of the collection and unused here: skipped for speed.
    subprocess.run(
        [
            *(sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"),
            *("--ignore", "admin", "--ignore", "import_export"),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            *(str(GUNICORN), "--config", "giamngheo/gunicorn.conf.py"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "giamngheo.wsgi"),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    stderr = server.stderr.read().decode() if server.stderr else ""
                    pytest.fail(f"gunicorn did not start:\n{stderr}")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_login_page_references_the_hashed_stylesheet(production_server: str) -> None:
    status, headers, body = _get(f"{production_server}/login/")

    assert status == 200
    assert headers["Server"] == "gunicorn"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    html = body.decode()
    assert "Đăng nhập" in html
    assert HASHED_CSS.search(html), "the page links giamngheo.css without its content hash"
    assert re.search(r'src="/static/js/app\.[0-9a-f]{12}\.js"', html)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_the_hashed_stylesheet_is_served_compressed_and_cached_for_good(
    production_server: str, encoding: str
) -> None:
    _, _, page = _get(f"{production_server}/login/")
    match = HASHED_CSS.search(page.decode())
    assert match

    status, headers, body = _get(
        production_server + match.group(1), **{"Accept-Encoding": encoding}
    )

    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert headers["Content-Encoding"] == encoding
    assert "immutable" in headers["Cache-Control"]
    assert len(body) < (settings.BASE_DIR / "static" / "css" / "giamngheo.css").stat().st_size


def test_a_missing_page_is_the_styled_vietnamese_404(production_server: str) -> None:
    status, _, body = _get(f"{production_server}/no-such-page/")

    assert status == 404
    html = body.decode()
    assert "Không tìm thấy trang" in html
    assert HASHED_CSS.search(html)
