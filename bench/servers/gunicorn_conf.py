# Gunicorn settings for the bench (passed with -c): one line per worker once it has loaded the
# app, in the form the bench reads from every contender ("Worker (pid:P) ready"), since
# Gunicorn's own "Booting worker" line comes before the app is loaded.
import sys


def post_worker_init(worker):
    sys.stderr.write('Worker (pid:%d) ready\n' % worker.pid)
    sys.stderr.flush()
