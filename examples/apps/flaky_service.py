#!/usr/bin/env python3
"""A receiving service that can be told to fail for a window: Service B and the partner API of the seed story.

Standard library only. It accepts orders, remembers which it has seen (an idempotent consumer: a repeated
Idempotency-Key or Rewind-Event-Id is acknowledged but not processed twice) and can forward each new order to a
next hop with plain urllib, which honours HTTP_PROXY, so a captured pod's sidecar journals that hop too.

Environment:
  NAME           name in the logs (default flaky-service)
  PORT           port to listen on (default 8080)
  FORWARD_URL    forward every new order here (default: none)
  FAIL_MODE      what an outage looks like: timeout (hold the request, then 503) or error (503 at once)
                 (default timeout)
  FAIL_FROM, FAIL_UNTIL
                 an outage window, each an RFC 3339 instant (2026-11-27T10:00:00Z) or a UTC time of day
                 (10:00, daily); both unset: no window
  HOLD_SECONDS   how long a request is held in timeout mode (default 30)

Endpoints:
  POST /orders           receive an order; 200, or the outage's answer
  POST /admin/outage     start an outage now: ?mode=timeout|error&minutes=30
  DELETE /admin/outage   end it
  GET  /admin/orders     what was received: counts and the last order ids; ?keys=all adds every key received
                         (the Idempotency-Key, else Rewind-Event-Id, else the order id)
  GET  /healthz          200 while the process serves (also during an outage: it is the dependency that fails)
"""

import datetime
import json
import os
import signal
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = os.environ.get("NAME", "flaky-service")
PORT = int(os.environ.get("PORT", "8080"))
FORWARD_URL = os.environ.get("FORWARD_URL", "")
HOLD_SECONDS = float(os.environ.get("HOLD_SECONDS", "30"))

lock = threading.Lock()
state = {
    "mode": os.environ.get("FAIL_MODE", "timeout"),
    "window": None,  # (start, end) as aware datetimes, or daily (start time, end time)
    "seen": set(),
    "received": 0,
    "duplicates": 0,
    "refused": 0,
    "last": [],
}


def log(message):
    print(time.strftime("%H:%M:%S", time.gmtime()) + " " + NAME + " " + message, flush=True)


def parse_bound(value):
    """An RFC 3339 instant, or HH:MM as a UTC time of day."""
    if re.fullmatch(r"\d{1,2}:\d{2}", value):
        hours, minutes = value.split(":")
        return datetime.time(int(hours), int(minutes), tzinfo=datetime.timezone.utc)
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def in_outage(now):
    window = state["window"]
    if window is None:
        return False
    start, end = window
    if isinstance(start, datetime.time):
        t = now.timetz()
        return start <= t < end if start <= end else t >= start or t < end
    return start <= now < end


def forward(order_id, body):
    request = urllib.request.Request(FORWARD_URL, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "Idempotency-Key": order_id,
        "ce-type": NAME + ".order.forwarded",
    })
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError) as e:
        log("forward of %s failed: %s" % (order_id, getattr(e, "reason", e)))
        return None


class Handler(BaseHTTPRequestHandler):
    server_version = NAME + "/1"

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/healthz":
            self.answer(200, {"status": "ok"})
        elif path == "/admin/orders":
            with lock:
                ledger = {"received": state["received"], "duplicates": state["duplicates"],
                          "refused": state["refused"], "last": state["last"][-20:],
                          "outage": in_outage(datetime.datetime.now(datetime.timezone.utc))}
                # ?keys=all: every key received (the ids a test compares with what was acknowledged).
                if urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("keys") == ["all"]:
                    ledger["keys"] = sorted(state["seen"])
                self.answer(200, ledger)
        else:
            self.answer(404, {"error": "not found"})

    def do_DELETE(self):
        if urllib.parse.urlsplit(self.path).path == "/admin/outage":
            with lock:
                state["window"] = None
            log("outage ended")
            self.answer(200, {"outage": False})
        else:
            self.answer(404, {"error": "not found"})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/admin/outage":
            self.start_outage(urllib.parse.parse_qs(url.query))
        elif url.path == "/orders":
            self.receive()
        else:
            self.answer(404, {"error": "not found"})

    def start_outage(self, query):
        mode = query.get("mode", [state["mode"]])[0]
        if mode not in ("timeout", "error"):
            self.answer(400, {"error": "mode must be timeout or error"})
            return
        minutes = float(query.get("minutes", ["30"])[0])
        now = datetime.datetime.now(datetime.timezone.utc)
        with lock:
            state["mode"] = mode
            state["window"] = (now, now + datetime.timedelta(minutes=minutes))
        log("outage (%s) for %s minutes, until %s" % (mode, minutes, state["window"][1].strftime("%H:%M:%S")))
        self.answer(200, {"outage": True, "mode": mode, "until": state["window"][1].isoformat()})

    def receive(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            order_id = str(json.loads(body)["orderId"])
        except (ValueError, KeyError, TypeError):
            self.answer(400, {"error": "expected a JSON order with orderId"})
            return
        attempt = self.headers.get("Rewind-Attempt")
        tag = order_id + (" (attempt " + attempt + ")" if attempt else "")
        now = datetime.datetime.now(datetime.timezone.utc)
        with lock:
            failing, mode = in_outage(now), state["mode"]
            if failing:
                state["refused"] += 1
        if failing:
            # Nothing of a refused order is kept: the sender must deliver it again, and that is what is tested.
            if mode == "timeout":
                log("%s: holding the request for %ss (outage)" % (tag, HOLD_SECONDS))
                time.sleep(HOLD_SECONDS)
            else:
                log("%s: 503 (outage)" % tag)
            self.answer(503, {"error": NAME + " is unavailable"}, retry_after=30)
            return
        key = self.headers.get("Idempotency-Key") or self.headers.get("Rewind-Event-Id") or order_id
        with lock:
            duplicate = key in state["seen"]
            if duplicate:
                state["duplicates"] += 1
            else:
                state["seen"].add(key)
                state["received"] += 1
                state["last"].append(order_id)
                del state["last"][:-100]
        if duplicate:
            log("%s: duplicate, acknowledged again" % tag)
            self.answer(200, {"orderId": order_id, "duplicate": True})
            return
        forwarded = forward(order_id, body) if FORWARD_URL else None
        log("%s: accepted%s" % (tag, ", forwarded -> %s" % forwarded if FORWARD_URL else ""))
        self.answer(200, {"orderId": order_id, "duplicate": False})

    def answer(self, status, payload, retry_after=None):
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if retry_after:
                self.send_header("Retry-After", str(retry_after))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The caller gave up first (its timeout): the answer has nobody to go to.
            pass

    def log_message(self, format, *args):
        pass


def main():
    start, end = os.environ.get("FAIL_FROM"), os.environ.get("FAIL_UNTIL")
    if start and end:
        state["window"] = (parse_bound(start), parse_bound(end))
        log("outage window (%s): %s to %s" % (state["mode"], start, end))
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    server.daemon_threads = True
    log("listening on :%d%s" % (PORT, ", forwarding to " + FORWARD_URL if FORWARD_URL else ""))
    # As PID 1 in a container the process gets no default SIGTERM handling: without this, every stop (a rollout,
    # a scale to zero) waits out the whole grace period and ends in SIGKILL.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
