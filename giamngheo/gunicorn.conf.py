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
# Threads in each worker (gunicorn's gthread worker when more than 1). One, a synchronous worker:
# the household page under load is bound by the CPU, not by its waits for PostgreSQL, and threads
# cost more CPU per request (GIL, switches). Two workers, synth300k, wrk -c16, a quiet machine,
# back to back: 1 thread 87.6-93.3 req/s, 2 threads 88.4, 4 threads 79.0-83.3, 8 threads 72.9
# (docs/PERFORMANCE.md). A server whose database is on another host may gain from a few.
# Each thread keeps its own database connection: workers x threads connections.
threads = int(os.environ.get("GUNICORN_THREADS", 1))
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
