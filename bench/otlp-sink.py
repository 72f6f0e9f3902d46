#!/usr/bin/env python3
"""An OTLP/HTTP receiver that accepts and discards every export: the benchmark's trace sink, so
tracing's cost is measured with a live exporter rather than one failing to connect.
Usage: otlp-sink.py [PORT]   (default 4319)"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 4319), Sink).serve_forever()
