"""gunicorn's settings for `make serve` (gunicorn reads this file from the working directory,
and the Makefile names it).

gunicorn answers a few things itself, without the application and in English. What is set
here keeps those answers from reaching users where it can:

- A request line longer than ``limit_request_line`` gets gunicorn's "URI Too Long". 0 lifts
  that limit (gunicorn still stops at 1 MB), and the application refuses an address longer
  than ``kern.security.LANGSTE_ADRES`` with its own Dutch 414 page.
- A worker busy with one request for longer than ``timeout`` seconds gets SIGABRT, and gunicorn
  answers with its English "Internal Server Error" (it ends the request with SystemExit, which
  the application never sees). `worker_abort` below raises an ordinary exception instead, in
  the middle of the request, so the application's Dutch 500 page answers (and its log says
  where the request hung); the worker still stops after it, and gunicorn kills it if it is
  not done within about a second. Code that catches every exception (the workbook readers,
  which take any failure for a broken file) may answer with its own message instead. No
  request should come near the limit: large imports and exports run as background jobs
  (`kern.taken`, the worker `make serve` starts beside gunicorn).
- gunicorn's control socket (new in gunicorn 27: a Unix socket under the user's home from
  which the server can be managed) is off: nothing here uses it, and its default path is one
  per user, so two servers of one user would share it.

What stays gunicorn's, in English: a request it cannot parse (400), and a timeout under a
threaded worker class, where the signal reaches the main thread, not the request. A reverse
proxy in front can show a Dutch page for those (nginx: ``error_page``).
"""

import os
from typing import Any

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

limit_request_line = 0
control_socket_disable = True
# The longest request by design (checking a 10 MB workbook) takes seconds; this leaves room
# on a busy machine and still recycles a stuck worker within a minute.
timeout = 60


def worker_abort(worker: Any) -> None:
    """Called in the sync worker on the timeout's SIGABRT, inside the hanging request."""
    raise TimeoutError(f"gunicorn's worker timeout ({worker.cfg.timeout} s) ended this request")
