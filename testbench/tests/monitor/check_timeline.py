#!/usr/bin/env python3
"""Runs `nicsim run` with --timeline/--timeline-csv/--json and checks the timeline files:
the JSON parses as Chrome/Perfetto trace events, covers every packet of the run (every TX frame
the OS submitted, every RX frame put on the wire) once, slices on one lane never overlap and each
packet's steps nest inside it; the CSV has one row per packet and each packet's events are in
contract order. usage: check_timeline.py NICSIM WORKDIR [nicsim run options...]"""
import csv
import json
import os
import subprocess
import sys

TX_ORDER = ["os_handoff", "desc_post", "doorbell", "desc_fetch", "data_read_first", "data_read_last",
            "wire_first", "wire_last", "cpl_write", "os_done"]
RX_ORDERS = [["desc_post", "doorbell", "desc_fetch", "data_write_first"],
             ["wire_first", "wire_last", "data_write_first", "data_write_last", "cpl_write", "os_done"]]


def fail(msg):
    print("FAILED: " + msg)
    sys.exit(1)


def main():
    nicsim, workdir, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(workdir, exist_ok=True)
    tj, tc, sj = (os.path.join(workdir, n) for n in ("timeline.json", "timeline.csv", "summary.json"))
    cmd = [nicsim, "run", "--timeline", tj, "--timeline-csv", tc, "--json", sj] + extra
    run = subprocess.run(cmd, capture_output=True, text=True)
    print(run.stdout[-2000:])
    if run.returncode != 0:
        fail("nicsim run exited %d: %s" % (run.returncode, run.stderr))
    summary = json.load(open(sj))
    expected = summary["tx_posted"] + summary["rx_injected"]

    trace = json.load(open(tj))  # parses
    events = trace["traceEvents"]
    packets = [e for e in events if e.get("ph") == "X" and e.get("cat") == "packet"]
    ids = [e["args"]["packet"] for e in packets]
    if len(ids) != len(set(ids)):
        fail("a packet appears twice in the JSON")
    if len(ids) != expected:
        fail("JSON has %d packets, the run had %d (tx_posted %d + rx_injected %d)"
             % (len(ids), expected, summary["tx_posted"], summary["rx_injected"]))
    frames = {(e["args"]["direction"], e["args"]["frame"]) for e in packets}
    if len(frames) != expected:
        fail("JSON names %d distinct frames, expected %d" % (len(frames), expected))
    by_lane = {}
    span = {}
    for e in packets:
        by_lane.setdefault((e["pid"], e["tid"]), []).append((e["args"]["first_cycle"], e["args"]["last_cycle"]))
        span[e["args"]["packet"]] = (e["args"]["first_cycle"], e["args"]["last_cycle"])
    for lane, spans in by_lane.items():
        spans.sort()
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            if b0 < a1:
                fail("packets overlap on lane %s: [%d, %d] and [%d, %d]" % (lane, a0, a1, b0, b1))
    for e in events:
        if e.get("ph") == "X" and e.get("cat") == "step":
            p0, p1 = span[e["args"]["packet"]]
            if not (p0 <= e["args"]["from_cycle"] <= e["args"]["to_cycle"] <= p1):
                fail("step %s of packet %d is not inside it" % (e["name"], e["args"]["packet"]))

    rows = list(csv.DictReader(open(tc)))
    if len(rows) != expected:
        fail("CSV has %d rows, the run had %d packets" % (len(rows), expected))
    complete = 0
    for r in rows:
        orders = [TX_ORDER] if r["direction"] == "TX" else RX_ORDERS
        whole = True
        for order in orders:
            got = [int(r[c]) for c in order if r[c] != ""]
            whole = whole and len(got) == len(order)
            if got != sorted(got):
                fail("events out of order for %s %s: %s" % (r["direction"], r["frame"],
                                                          {c: r[c] for c in order}))
        complete += whole
    # A clean run has every event of every packet (none dropped here).
    if summary["passed"] and summary["dropped"] == 0 and complete != expected:
        fail("%d of %d packets have every event" % (complete, expected))
    print("timeline OK: %d packets, %d complete, %d trace events" % (expected, complete, len(events)))


main()
