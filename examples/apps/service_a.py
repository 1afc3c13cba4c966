#!/usr/bin/env python3
"""Service A of the seed story: accepts orders and relays each one to Service B.

Standard library only. The relay is plain urllib, which honours HTTP_PROXY, so in a captured pod the Rewind
sidecar journals each relayed order and retries it towards Service B; without a sidecar the call goes straight
to Service B, and an outage there loses the order, which is the problem Rewind exists for.

Environment:
  PORT             port to listen on (default 8080)
  SERVICE_B_URL    where orders are relayed (default http://service-b.service-b.svc:8080/orders)
  RELAY_TIMEOUT    seconds to wait for the relay's answer (default 10)

Endpoints:
  POST /orders     accept an order (JSON with orderId) and relay it; answers 202, or 502 if the relay failed
  GET  /healthz    200 while the process serves
"""

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8080"))
SERVICE_B_URL = os.environ.get("SERVICE_B_URL", "http://service-b.service-b.svc:8080/orders")
RELAY_TIMEOUT = float(os.environ.get("RELAY_TIMEOUT", "10"))


def log(message):
    print(time.strftime("%H:%M:%S", time.gmtime()) + " service-a " + message, flush=True)


def relay(order_id, body):
    request = urllib.request.Request(SERVICE_B_URL, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "Idempotency-Key": order_id,
        "ce-type": "service-a.order.accepted",
    })
    try:
        with urllib.request.urlopen(request, timeout=RELAY_TIMEOUT) as response:
            return response.status, response.headers.get("Rewind-Event-Id")
    except urllib.error.HTTPError as e:
        return e.code, None
    except (urllib.error.URLError, OSError) as e:
        log("relay of %s failed: %s" % (order_id, getattr(e, "reason", e)))
        return None, None


class Handler(BaseHTTPRequestHandler):
    server_version = "service-a/1"

    def do_GET(self):
        if self.path == "/healthz":
            self.answer(200, {"status": "ok"})
        else:
            self.answer(404, {"error": "not found"})

    def do_POST(self):
        if self.path.split("?")[0] != "/orders":
            self.answer(404, {"error": "not found"})
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            order_id = str(json.loads(body)["orderId"])
        except (ValueError, KeyError, TypeError):
            self.answer(400, {"error": "expected a JSON order with orderId"})
            return
        status, event = relay(order_id, body)
        attempt = self.headers.get("Rewind-Attempt")
        log("%s received%s, relayed to service-b -> %s%s" % (
            order_id, " (attempt " + attempt + ")" if attempt else "",
            status if status else "failed", " (journaled, event " + event + ")" if event else ""))
        if status is not None and 200 <= status < 300:
            self.answer(202, {"orderId": order_id, "relayed": status})
        else:
            self.answer(502, {"orderId": order_id, "error": "relay to service-b failed", "status": status})

    def answer(self, status, payload):
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The caller gave up first (its timeout): the answer has nobody to go to.
            pass

    def log_message(self, format, *args):
        # Each order is logged once, above; the per-request access log would only repeat it.
        pass


def main():
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    log("listening on :%d, relaying to %s" % (PORT, SERVICE_B_URL))
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
