"""gunicorn settings for the PGA engine: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Sync workers: every request is short (a page, an API call, a survey submit) and the slow work
(PDF rendering, exports) runs in the task worker, so one process per request in flight is the
simplest model that uses every core. WEB_CONCURRENCY sets the count (default: 2 per core + 1).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that runs longer than this is a bug (long work belongs to the task worker).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak in a library cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# The reverse proxy in front sets X-Forwarded-Proto; trust it only from the proxy's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
