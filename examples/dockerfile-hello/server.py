"""A small HTTP server: answers every GET with the greeting baked in at build time, the process name and the release."""
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GREETING = open("/srv/hello/greeting", encoding="utf-8").read().strip()


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        body = "{} from {} ({}), port {}\n".format(
            GREETING, os.environ.get("DYNO", "?"), os.environ.get("HEROKU_RELEASE_VERSION", "?"), os.environ.get("PORT", "?")
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        print("%s %s" % (self.requestline, args[1] if len(args) > 1 else ""), flush=True)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    print("listening on port {}".format(port), flush=True)
    ThreadingHTTPServer(("0.0.0.0", port), Hello).serve_forever()
