# The WSGI twin of bench/app/hello.js, for Gunicorn: the same status, header and body.
BODY = b'Hello, world!\n'
HEADERS = [('Content-Type', 'text/plain; charset=utf-8'), ('Content-Length', str(len(BODY)))]


def application(environ, start_response):
    start_response('200 OK', HEADERS)
    return [BODY]
