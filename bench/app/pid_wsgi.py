# The WSGI twin of bench/app/pid.js: answers with the pid of the worker that served it.
import os


def application(environ, start_response):
    body = b'%d\n' % os.getpid()
    start_response('200 OK', [('Content-Type', 'text/plain; charset=utf-8'),
                              ('Content-Length', str(len(body)))])
    return [body]
