#!/usr/bin/env python3
"""The ERP of the seed story: creates orders and sends each one to Service A.

Standard library only. It sends with plain urllib, which honours HTTP_PROXY: in a pod annotated
rewind.dev/capture: "true" the injected Rewind sidecar is that proxy, journals each order before answering 202,
and delivers it to Service A under the Route's retry policy. Nothing here knows about Rewind.

Environment:
  SERVICE_A_URL      where orders go (default http://service-a.service-a.svc:8080/orders)
  ORDERS_PER_MINUTE  how many orders a minute (default 12)
  TOTAL_ORDERS       stop after this many; 0 sends for ever (default 0)
  REQUEST_TIMEOUT    seconds to wait for an answer (default 10)

Order ids are ORD-<HHMM the ERP started, UTC>-<n>, e.g. ORD-0958-0042, so that ids stay unique across restarts
and say roughly when an order was made.
"""

import json
import os
import signal
import random
import sys
import time
import urllib.error
import urllib.request

SERVICE_A_URL = os.environ.get("SERVICE_A_URL", "http://service-a.service-a.svc:8080/orders")
ORDERS_PER_MINUTE = float(os.environ.get("ORDERS_PER_MINUTE", "12"))
TOTAL_ORDERS = int(os.environ.get("TOTAL_ORDERS", "0"))
REQUEST_TIMEOUT = float(os.environ.get("REQUEST_TIMEOUT", "10"))

SKUS = ["KB-104 keyboard", "MS-220 mouse", "HD-900 headset", "DK-310 dock", "CB-015 cable"]


def log(message):
    print(time.strftime("%H:%M:%S", time.gmtime()) + " erp " + message, flush=True)


def new_order(order_id):
    lines = [{"sku": sku, "quantity": random.randint(1, 5)} for sku in random.sample(SKUS, random.randint(1, 3))]
    return {
        "orderId": order_id,
        "customer": "CUST-" + str(random.randint(100, 999)),
        "lines": lines,
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def send(order):
    body = json.dumps(order).encode("utf-8")
    request = urllib.request.Request(SERVICE_A_URL, data=body, method="POST", headers={
        "Content-Type": "application/json",
        # The same key on every retry of this order: Rewind takes it as the event id, and so does any
        # idempotent consumer downstream.
        "Idempotency-Key": order["orderId"],
        "ce-type": "erp.order.created",
    })
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            event = response.headers.get("Rewind-Event-Id")
            return str(response.status) + (" (journaled, event " + event + ")" if event else "")
    except urllib.error.HTTPError as e:
        return str(e.code) + " " + e.reason
    except (urllib.error.URLError, OSError) as e:
        return "failed: " + str(getattr(e, "reason", e))


def main():
    # PID 1 in a container: stop at once on SIGTERM instead of waiting out the grace period.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    run = time.strftime("%H%M", time.gmtime())
    proxy = os.environ.get("HTTP_PROXY") or os.environ.get("http_proxy")
    log("sending %s orders a minute to %s%s" % (
        ORDERS_PER_MINUTE, SERVICE_A_URL, " through the proxy " + proxy if proxy else " directly"))
    interval = 60.0 / ORDERS_PER_MINUTE if ORDERS_PER_MINUTE > 0 else 5.0
    sent = 0
    while TOTAL_ORDERS == 0 or sent < TOTAL_ORDERS:
        sent += 1
        order = new_order("ORD-%s-%04d" % (run, sent))
        log("%s -> %s" % (order["orderId"], send(order)))
        if TOTAL_ORDERS == 0 or sent < TOTAL_ORDERS:
            time.sleep(interval)
    log("sent %d orders" % sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
