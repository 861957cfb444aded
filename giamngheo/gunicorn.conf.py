"""gunicorn settings for giamngheo: `gunicorn -c giamngheo/gunicorn.conf.py giamngheo.wsgi`.

Each value can be changed with an environment variable (see docs/deploy.md):
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_TIMEOUT, GUNICORN_ACCESS_LOG.
"""

from __future__ import annotations

import multiprocessing
import os

# nginx in front talks to this address; `make serve-prod` sets its own port.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Two workers per core, capped: a ward office server is small and each worker holds the app in
# memory.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count(), 8)))
# Threads in each worker (gunicorn's gthread worker): a page spends about a fifth of its time
# waiting for PostgreSQL (16 queries on the household page), and a synchronous worker sits idle
# meanwhile; with threads another request uses that time. The household page under load, two
# workers: 1 thread 26-29 req/s, 4 threads 39-52 req/s on the same busy machine, back to back
# (docs/PERFORMANCE.md). Long CPU-bound work (big PDFs, exports, imports) runs as background jobs.
# Each thread keeps its own database connection: workers x threads connections.
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A worker silent longer than this is stuck and restarted. With threads, it is the worker that
# must answer, not each request: a request's own limit is nginx's proxy_read_timeout.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# Keep-alive with nginx on the same machine.
keepalive = 5
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
# Request line and headers: gunicorn's defaults (4094 bytes, 100 headers, 8190 bytes each) suit
# the app. The body (uploads up to 12 MB) is limited by nginx's client_max_body_size and
# Django's DATA_UPLOAD_MAX_MEMORY_SIZE / the forms' own checks, not here.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# One line per request to standard output (journald under systemd); "-" = stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# %({x-forwarded-for}i)s: the visitor's address when nginx is in front.
access_log_format = '%(h)s %({x-forwarded-for}i)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'
# Load the app once in the master, then fork: faster start, shared memory.
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
