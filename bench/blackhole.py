#!/usr/bin/env python3
"""Accepts TCP connections on the given port (default 18099), reads what arrives and never answers:
a log destination that hangs, for bench/sluice-bench-hanging-logger.yaml."""
import socket
import sys
import threading

def hold(connection):
    with connection:
        while connection.recv(65536):
            pass

server = socket.create_server(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 18099), backlog=128)
while True:
    connection, _ = server.accept()
    threading.Thread(target=hold, args=(connection,), daemon=True).start()
