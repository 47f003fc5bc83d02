#!/usr/bin/env python3
"""A local SMTP sink for the e-mail test (issue 11 point 6): accepts every message on
HOST:PORT (aiosmtpd from PyPI) and writes each one into DIR as `<n>.eml` (as received) and
`<n>.txt` (envelope recipients, decoded subject and decoded text body), each file renamed
into place only once complete, so a reader never sees half a message.

    python3 .ci/smtp_sink.py 127.0.0.1:1025 /tmp/mails
"""

import email
import email.policy
import os
import signal
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.lock = threading.Lock()
        self.n = 0

    def _write(self, name, data):
        tmp = os.path.join(self.folder, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(self.folder, name))

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            stem = "%d-%d" % (time.time_ns(), self.n)
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        text = "To: %s\nFrom: %s\nSubject: %s\n\n%s" % (
            ", ".join(envelope.rcpt_tos),
            envelope.mail_from,
            msg.get("subject", ""),
            body.get_content() if body is not None else "",
        )
        self._write(stem + ".eml", raw)
        self._write(stem + ".txt", text.encode("utf-8"))
        return "250 Message accepted for delivery"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: smtp_sink.py HOST:PORT DIR")
    host, port = sys.argv[1].rsplit(":", 1)
    folder = sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname=host, port=int(port))
    controller.start()
    print("smtp sink on %s:%s writing to %s" % (host, port, folder), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
