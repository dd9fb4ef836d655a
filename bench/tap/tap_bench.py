#!/usr/bin/env python3
"""Real traffic through `nicsim run --mode tap`, per NIC configuration: what a Linux network stack
gets out of the simulated NIC in wall time. Run by hand as root (docs/performance.md, "Real traffic
(tap mode)"); python3 standard library, iproute2, iputils-ping and iperf3 (tools/install-deps).

    bench/tap/tap_bench.py --nicsim PATH [--configs dw64_q4,dw512_q4] [--seconds 10] [--pings 100]

Per configuration, in one nicsim run between two fresh namespaces (10.0.0.1 <-> 10.0.0.2):
  1. idle CPU: nicsim attached, addresses assigned, no traffic started, for --seconds wall seconds;
     utime + stime from /proc/PID/stat as % of one core (the tap mode's aim: under 2%)
  2. ping RTT: --pings echo requests 10 ms apart, min/avg/max in ms
  3. iperf3 TCP host -> wire for --seconds: Mbit/s received per wall second (iperf3's receiver sum)
Then nicsim gets SIGINT; its verdict must be "passed" with 0 lost, else the figures are refused
(exit 1). Prints a table (and --json FILE writes the figures).
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

READY_LINE = "nicsim run: tap ready:"


def run(argv, timeout=120):
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    if done.returncode != 0:
        sys.exit(f"tap_bench: '{' '.join(argv)}' exited {done.returncode}: {done.stdout.strip()}")
    return done.stdout


def cpu_seconds(pid):
    """utime + stime of a process in seconds (/proc/PID/stat fields 14 and 15, after the comm)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(nicsim, config, seconds, pings, work):
    host_ns, wire_ns = f"nsim-bench-{os.getpid()}-host", f"nsim-bench-{os.getpid()}-wire"
    json_path = os.path.join(work, f"{config}.json")
    created, process = [], None
    try:
        for namespace in (host_ns, wire_ns):
            run(["ip", "netns", "add", namespace])
            created.append(namespace)
        process = subprocess.Popen([nicsim, "run", "--mode", "tap", "--config", config, "--host-netns", host_ns,
                                    "--wire-netns", wire_ns, "--json", json_path],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output = []
        for line in process.stdout:  # nicsim flushes the ready line; reading it is the wait
            output.append(line)
            if line.startswith(READY_LINE):
                break
        else:
            sys.exit(f"tap_bench: nicsim ended before it was ready:\n{''.join(output)}")
        run(["ip", "-n", host_ns, "addr", "add", "10.0.0.1/24", "dev", "nsim0"])
        run(["ip", "-n", wire_ns, "addr", "add", "10.0.0.2/24", "dev", "nsimwire0"])

        before, started = cpu_seconds(process.pid), time.monotonic()
        time.sleep(seconds)  # the measurement window itself
        idle_percent = 100 * (cpu_seconds(process.pid) - before) / (time.monotonic() - started)

        ping = run(["ip", "netns", "exec", host_ns, "ping", "-q", "-c", str(pings), "-i", "0.01", "-w", "60", "10.0.0.2"])
        match = re.search(r"(\d+) received.*?= ([\d.]+)/([\d.]+)/([\d.]+)", ping, re.S)
        rtt = tuple(float(match.group(i)) for i in (2, 3, 4))
        received = int(match.group(1))

        server = subprocess.Popen(["ip", "netns", "exec", wire_ns, "iperf3", "-s", "-1", "-p", "5201"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while ":5201" not in run(["ip", "netns", "exec", wire_ns, "ss", "-Hltn", "sport = :5201"]):
            if time.monotonic() > deadline:
                sys.exit("tap_bench: iperf3 did not listen within 30 s")
            time.sleep(0.02)  # polling the listening condition
        report = json.loads(run(["ip", "netns", "exec", host_ns, "iperf3", "-c", "10.0.0.2", "-p", "5201",
                                 "-t", str(seconds), "--json"], timeout=seconds + 120))
        server.wait(timeout=30)
        tcp_mbit = report["end"]["sum_received"]["bits_per_second"] / 1e6

        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=120)[0]
        with open(json_path) as f:
            summary = json.load(f)
        if process.returncode != 0 or not summary["passed"] or summary["lost"] != 0:
            sys.exit(f"tap_bench: the {config} run did not pass; figures refused:\n{''.join(output)}{rest}")
        return {"config": config, "tcp_mbit_per_second": tcp_mbit, "ping_received": received, "pings": pings,
                "rtt_ms_min": rtt[0], "rtt_ms_avg": rtt[1], "rtt_ms_max": rtt[2], "idle_cpu_percent": idle_percent,
                "nicsim_tx_mbit_per_wall_second": summary["tap"]["tx_mbit_per_wall_second"],
                "tx_packets": summary["tx_packets"], "rx_packets": summary["rx_packets"]}
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        for namespace in created:
            subprocess.run(["ip", "netns", "del", namespace])


def main():
    parser = argparse.ArgumentParser(description="real traffic through nicsim --mode tap, per configuration")
    parser.add_argument("--nicsim", required=True)
    parser.add_argument("--configs", default="dw64_q4,dw512_q4")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--pings", type=int, default=100)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("tap_bench: needs root (network namespaces, TAP devices)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="nsim-tap-bench-") as work:
        rows = [measure(args.nicsim, c, args.seconds, args.pings, work) for c in args.configs.split(",")]
    print(f"{'config':<10} {'iperf3 TCP Mbit/s':>17} {'ping min/avg/max ms':>22} {'lost pings':>10} "
          f"{'idle CPU % of a core':>20}")
    for r in rows:
        rtt = f"{r['rtt_ms_min']:.2f}/{r['rtt_ms_avg']:.2f}/{r['rtt_ms_max']:.2f}"
        print(f"{r['config']:<10} {r['tcp_mbit_per_second']:>17.1f} {rtt:>22} "
              f"{r['pings'] - r['ping_received']:>10} {r['idle_cpu_percent']:>20.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
