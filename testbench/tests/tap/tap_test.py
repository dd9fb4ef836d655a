#!/usr/bin/env python3
"""Real traffic through `nicsim run --mode tap` (ctest -R '^tap'); python3 standard library only.

Each case creates two network namespaces of its own (unique names: nsim-t<pid>-host/-wire), starts
nicsim between them (TAP nsim0 in the host namespace, nsimwire0 in the wire namespace: nicsim
creates each device inside its namespace, so the fixed device names never meet), assigns
10.0.0.1/24 + fd00::1/64 (host) and 10.0.0.2/24 + fd00::2/64 (wire), drives traffic with real
tools, ends nicsim with SIGINT and checks its JSON summary. Nothing outside the two namespaces is
touched; they are deleted in `finally`. Needs root (CAP_NET_ADMIN) and /dev/net/tun: a case that
cannot set up its namespaces FAILS with the reason, it never skips.

    tap_test.py --nicsim PATH --config dw64_q4 --case ping|tcp|udp|iperf3|tshark [--keep-dir DIR]

Cases:
  ping    100 IPv4 and 100 IPv6 echo requests (ARP and neighbour discovery cross the NIC), 0% loss
  tcp     10 MiB of random bytes each way at once over one TCP connection; sha256 equal at both
          ends; the NIC inserted TX checksums and the driver marked RX checksums verified
  iperf3  iperf3 TCP for 3 s, then UDP at 10 Mbit/s for 3 s (a rate the slowest configuration
          carries on a busy machine); both exit 0 and moved bytes
  udp     UDP datagrams of every payload size 0..40 and 1000 bytes each way (the short ones
          are padded to the 60-byte minimum on the wire), each received intact
  tshark  tshark captures both TAP devices inside their namespaces while ping and a TCP transfer
          run; its counts per direction equal nicsim's device counters, and nicsim's own
          --pcap-out (pcapng with direction) read by tshark agrees
Every case also checks the summary: passed, lost 0, TX missing 0, errors 0, nothing dropped at the
devices, frames in == frames out in each direction.

The script also holds its own endpoints (--helper tcp-serve / tcp-connect / udp-receive /
udp-send), run inside the namespaces by the tcp, udp and tshark cases.

On failure it prints nicsim's whole output, the JSON path and a tools/netns-demo command line that
repeats the traffic by hand.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HOST_DEV, WIRE_DEV = "nsim0", "nsimwire0"
HOST_IP4, WIRE_IP4 = "10.0.0.1", "10.0.0.2"
HOST_IP6, WIRE_IP6 = "fd00::1", "fd00::2"
READY_LINE = "nicsim run: tap ready:"
END_MARKER = b"end of the datagrams " * 4  # the udp case's last datagram: never padded on the wire
SOURCE_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


class Failure(Exception):
    """A check that failed (or a setup that could not be done): one line saying which and why."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def run(argv, timeout=60, check_status=True):
    """Runs argv to completion; its stdout (stderr folded in). Exit status != 0 is a Failure."""
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=timeout)
    except FileNotFoundError as error:
        raise Failure(f"cannot run {argv[0]}: {error} (tools/install-deps installs it)")
    except subprocess.TimeoutExpired as error:
        raise Failure(f"'{' '.join(argv)}' did not end within {timeout} s; output so far: {error.output}")
    if check_status and done.returncode != 0:
        raise Failure(f"'{' '.join(argv)}' exited {done.returncode}: {done.stdout.strip()}")
    return done.stdout


def in_netns(namespace, argv):
    return ["ip", "netns", "exec", namespace] + argv


def wait_until(condition, timeout, what):
    """Polls condition() until true; a Failure naming `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


class OutputReader:
    """Collects a child's stdout lines in a thread; `lines` grows while the child runs."""

    def __init__(self, process):
        self.lines = []
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def text(self):
        with self.changed:
            return "\n".join(self.lines)

    def wait_for(self, predicate, process, timeout, what):
        """Waits until a line satisfies predicate; Failure if the child exits first or on timeout."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                if any(predicate(line) for line in self.lines):
                    return
                if process.poll() is not None and not self.thread.is_alive():
                    raise Failure(f"{what}: the process exited with status {process.returncode} first")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Failure(f"timed out after {timeout} s waiting for {what}")
                self.changed.wait(min(left, 0.2))


class TapLink:
    """Two fresh namespaces with nicsim --mode tap between them; addresses assigned once ready."""

    def __init__(self, args, case, ipv6=True):
        self.args = args
        self.case = case
        self.ipv6 = ipv6
        tag = f"t{os.getpid()}"
        self.host_ns, self.wire_ns = f"nsim-{tag}-host", f"nsim-{tag}-wire"
        self.work = args.work_dir
        self.json_path = os.path.join(self.work, "summary.json")
        self.pcap_path = os.path.join(self.work, "nicsim.pcapng")
        self.created = []
        self.process = None
        self.reader = None
        self.summary = None
        self.exit_status = None

    def nicsim_argv(self):
        return [self.args.nicsim, "run", "--mode", "tap", "--config", self.args.config,
                "--host-netns", self.host_ns, "--wire-netns", self.wire_ns,
                "--json", self.json_path, "--pcap-out", self.pcap_path]

    def start(self):
        for namespace in (self.host_ns, self.wire_ns):
            try:
                run(["ip", "netns", "add", namespace])
            except Failure as error:
                raise Failure(f"cannot create network namespace {namespace} (needs root/CAP_SYS_ADMIN): {error}")
            self.created.append(namespace)
            if not self.ipv6:
                # No IPv6 at all: its router solicitations and MLD reports would be sent on their
                # own timers, before or after a capture runs (the tshark case counts every frame).
                run(in_netns(namespace, ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                                         "net.ipv6.conf.default.disable_ipv6=1"]))
        self.process = subprocess.Popen(self.nicsim_argv(), stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.reader = OutputReader(self.process)
        self.reader.wait_for(lambda line: line.startswith(READY_LINE), self.process, 60,
                             "nicsim's 'tap ready' line")
        for namespace, device, ip4, ip6 in ((self.host_ns, HOST_DEV, HOST_IP4, HOST_IP6),
                                            (self.wire_ns, WIRE_DEV, WIRE_IP4, WIRE_IP6)):
            if not self.ipv6:
                # Neighbour entries stay valid for the whole case: no ARP re-probe on a timer.
                run(in_netns(namespace, ["sysctl", "-qw",
                                         f"net.ipv4.neigh.{device}.base_reachable_time_ms=600000",
                                         f"net.ipv4.neigh.{device}.delay_first_probe_time=600"]))
            run(["ip", "-n", namespace, "addr", "add", f"{ip4}/24", "dev", device])
            if self.ipv6:
                run(["ip", "-n", namespace, "addr", "add", f"{ip6}/64", "dev", device, "nodad"])

    def mac(self, namespace, device):
        return json.loads(run(["ip", "-n", namespace, "-j", "link", "show", device]))[0]["address"]

    def stop(self):
        """SIGINT, then the summary: nicsim drains, stops the driver and writes its JSON."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.exit_status = self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            raise Failure("nicsim did not end within 120 s of SIGINT (a hang while draining?)")
        self.reader.thread.join(timeout=10)
        check(os.path.exists(self.json_path), f"nicsim wrote no JSON summary ({self.json_path})")
        with open(self.json_path) as f:
            self.summary = json.load(f)
        return self.summary

    def close(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # its summary, for the failure report
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.reader.thread.join(timeout=10)
        for namespace in self.created:
            subprocess.run(["ip", "netns", "del", namespace], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        self.created = []

    def check_summary(self):
        s = self.summary
        tap = s["tap"]
        check(self.exit_status == 0, f"nicsim exited {self.exit_status} (0: the run passed)")
        check(s["passed"] is True, f"nicsim's verdict: not passed ({s.get('failure')})")
        for key in ("lost", "tx_missing", "errors", "dropped"):
            check(s[key] == 0, f"summary {key} = {s[key]}, expected 0")
        check(tap["dropped"] == {}, f"frames dropped at the devices: {tap['dropped']}")
        check(tap["ended_by"] == "SIGINT", f"tap.ended_by = {tap['ended_by']}, expected SIGINT")
        # Each direction: every frame read from one device came out of the other.
        check(tap["host_read"] == s["tx_packets"] == tap["wire_written"],
              f"TX books: host device read {tap['host_read']}, NIC sent {s['tx_packets']}, "
              f"wire device written {tap['wire_written']}")
        check(tap["wire_read"] == s["rx_packets"] == tap["host_written"],
              f"RX books: wire device read {tap['wire_read']}, driver delivered {s['rx_packets']}, "
              f"host device written {tap['host_written']}")

    def replay_hint(self, command):
        return (f"{os.path.join(SOURCE_ROOT, 'tools', 'netns-demo')} --nicsim {self.args.nicsim} "
                f"--config {self.args.config} --json /tmp/tap.json {command}")


# ---- the TCP endpoints (run inside a namespace through --helper) ----

def _send_random(sock, size, digest, done):
    left = size
    while left > 0:
        chunk = os.urandom(min(left, 65536))
        digest.update(chunk)
        sock.sendall(chunk)
        left -= len(chunk)
    sock.shutdown(socket.SHUT_WR)
    done.set()


def _exchange(sock, size):
    """Sends `size` random bytes while receiving until EOF; the sha256 and count of each way."""
    sent, received, done = hashlib.sha256(), hashlib.sha256(), threading.Event()
    sender = threading.Thread(target=_send_random, args=(sock, size, sent, done))
    sender.start()
    received_bytes = 0
    while True:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        received.update(chunk)
        received_bytes += len(chunk)
    sender.join()
    sock.close()
    return {"sent_sha256": sent.hexdigest(), "sent_bytes": size,
            "received_sha256": received.hexdigest(), "received_bytes": received_bytes}


def helper_main(argv):
    kind, address, port, size = argv[0], argv[1], int(argv[2]), int(argv[3])
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    if kind == "tcp-serve":
        server = socket.socket(family, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((address, port))
        server.listen(1)
        print("listening", flush=True)  # the client starts on this line: a condition, not a sleep
        server.settimeout(120)
        connection, _ = server.accept()
        server.close()
        connection.settimeout(120)
        print(json.dumps(_exchange(connection, size)), flush=True)
    elif kind == "udp-receive":
        # Receives datagrams until the end marker (or 30 s without one), then lists them.
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.bind((address, port))
        sock.settimeout(30)
        print("listening", flush=True)
        received = []
        try:
            while True:
                data, _ = sock.recvfrom(65536)
                if data == END_MARKER:
                    break
                received.append(data.hex())
        except socket.timeout:
            pass
        print(json.dumps(received), flush=True)
    elif kind == "udp-send":
        sock = socket.socket(family, socket.SOCK_DGRAM)
        for datagram in udp_datagrams(size):
            sock.sendto(datagram, (address, port))
        sock.sendto(END_MARKER, (address, port))
    elif kind == "tcp-connect":
        sock = socket.create_connection((address, port), timeout=120)
        print(json.dumps(_exchange(sock, size)), flush=True)
    else:
        print(f"tap_test.py: unknown helper '{kind}'", file=sys.stderr)
        return 2
    return 0


def udp_datagrams(seed):
    """Payloads 0..40 bytes and 1000 bytes, each distinct (its size and the seed in every byte)."""
    return [bytes((seed + n + i) % 251 for i in range(n)) for n in list(range(41)) + [1000]]


def udp_exchange(link, sender_ns, receiver_ns, receiver_ip, seed, port=5301):
    script = os.path.abspath(__file__)
    receiver = subprocess.Popen(in_netns(receiver_ns, [sys.executable, script, "--helper", "udp-receive",
                                                       receiver_ip, str(port), "0"]),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        reader = OutputReader(receiver)
        reader.wait_for(lambda line: line == "listening", receiver, 30, "the UDP receiver to bind")
        run(in_netns(sender_ns, [sys.executable, script, "--helper", "udp-send", receiver_ip, str(port),
                                 str(seed)]), timeout=60)
        receiver.wait(timeout=60)
        reader.thread.join(timeout=10)
    finally:
        if receiver.poll() is None:
            receiver.kill()
            receiver.wait()
    got = [bytes.fromhex(h) for h in json.loads(reader.lines[-1])]
    sent = udp_datagrams(seed)
    missing = [len(d) for d in sent if d not in got]
    check(not missing, f"UDP {sender_ns} -> {receiver_ns}: datagrams with these payload sizes never "
          f"arrived (dropped by the receiving kernel, e.g. for a bad UDP checksum): {missing}")


def tcp_transfer(link, size, port=5201):
    """size random bytes each way between the namespaces at once; both ends' digests compared."""
    script = os.path.abspath(__file__)
    server = subprocess.Popen(in_netns(link.wire_ns, [sys.executable, script, "--helper", "tcp-serve",
                                                      WIRE_IP4, str(port), str(size)]),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        reader = OutputReader(server)
        reader.wait_for(lambda line: line == "listening", server, 30, "the TCP server to listen")
        client = json.loads(run(in_netns(link.host_ns, [sys.executable, script, "--helper", "tcp-connect",
                                                        WIRE_IP4, str(port), str(size)]), timeout=240))
        server.wait(timeout=60)
        reader.thread.join(timeout=10)
        check(server.returncode == 0, f"TCP server exited {server.returncode}: {reader.text()}")
        far = json.loads(reader.lines[-1])
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    check(client["received_bytes"] == size and far["received_bytes"] == size,
          f"TCP bytes: host received {client['received_bytes']}, wire received {far['received_bytes']}, "
          f"each expected {size}")
    check(client["sent_sha256"] == far["received_sha256"],
          "host->wire: sha256 of the bytes sent differs from the bytes received")
    check(far["sent_sha256"] == client["received_sha256"],
          "wire->host: sha256 of the bytes sent differs from the bytes received")


# ---- the cases ----

def ping(link, namespace, target, count, extra=()):
    # -w: wait for all `count` replies (up to 60 s). With -W alone, once a reply has come ping
    # waits only two round trips for the rest, and a loaded machine delays the last replies more.
    # With -w ping goes on sending (every 10 ms) until `count` replies are in, so a loaded machine
    # sends one or two more and quits with those still on their way: at least `count` replies is
    # the pass. Frames lost in the NIC or at the devices are the summary's to catch (check_summary).
    output = run(in_netns(namespace, ["ping", "-q", "-c", str(count), "-i", "0.01", "-w", "60"] +
                          list(extra) + [target]), timeout=120, check_status=False)
    match = re.search(r"(\d+) packets transmitted, (\d+) received", output)
    check(match is not None, f"ping {target}: no statistics line in: {output}")
    sent, received = int(match.group(1)), int(match.group(2))
    check(received >= count and sent >= received,
          f"ping {target}: {sent} sent, {received} received, expected {count} replies or more")
    return output


def case_ping(link):
    ping(link, link.host_ns, WIRE_IP4, 100)
    ping(link, link.host_ns, WIRE_IP6, 100)
    summary = link.stop()
    link.check_summary()
    # 200 echo requests out and 200 replies back at least (plus ARP and neighbour discovery).
    check(summary["tx_packets"] >= 200 and summary["rx_packets"] >= 200,
          f"expected >= 200 frames each way, TX {summary['tx_packets']} RX {summary['rx_packets']}")


def case_tcp(link):
    tcp_transfer(link, 10 * 1024 * 1024)
    summary = link.stop()
    link.check_summary()
    check(summary["tx_checksum_offloaded"] > 0,
          "tx_checksum_offloaded = 0: the kernel's checksum-offload requests never reached the NIC")
    check(summary["tap"]["rx_marked_valid"] > 0,
          "tap.rx_marked_valid = 0: no received frame was marked checksum-verified to the kernel")
    check(summary["tx_bytes"] > 10 * 1024 * 1024 and summary["rx_bytes"] > 10 * 1024 * 1024,
          f"bytes through the NIC: TX {summary['tx_bytes']} RX {summary['rx_bytes']}, each > 10 MiB expected")


def case_iperf3(link):
    port = 5201
    server = subprocess.Popen(in_netns(link.wire_ns, ["iperf3", "-s", "-p", str(port)]),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: f":{port}" in run(in_netns(link.wire_ns, ["ss", "-Hltn", f"sport = :{port}"])),
                   30, f"iperf3 to listen on port {port} in {link.wire_ns}")
        results = {}
        for name, extra in (("TCP", []), ("UDP", ["-u", "-b", "10M"])):
            output = run(in_netns(link.host_ns, ["iperf3", "-c", WIRE_IP4, "-p", str(port), "-t", "3",
                                                 "--json"] + extra), timeout=120)
            report = json.loads(output)
            check("error" not in report, f"iperf3 {name}: {report.get('error')}")
            received = report["end"].get("sum_received")
            check(received is not None, f"iperf3 {name}: no end.sum_received in its report: {output}")
            moved = received["bytes"]
            check(moved > 0, f"iperf3 {name}: 0 bytes moved: {output}")
            results[name] = moved
            print(f"iperf3 {name}: {moved} bytes in 3 s ({moved * 8 / 3e6:.1f} Mbit/s)")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    link.stop()
    link.check_summary()


def case_udp(link):
    problems = []  # all four ways are tried before the case fails: the report says which broke
    for seed, (sender, receiver, address) in enumerate(((link.host_ns, link.wire_ns, WIRE_IP4),
                                                        (link.wire_ns, link.host_ns, HOST_IP4),
                                                        (link.host_ns, link.wire_ns, WIRE_IP6),
                                                        (link.wire_ns, link.host_ns, HOST_IP6))):
        try:
            udp_exchange(link, sender, receiver, address, seed)
        except Failure as error:
            problems.append(str(error))
    check(not problems, "; ".join(problems))
    link.stop()
    link.check_summary()


class Capture:
    """tshark on one TAP device inside its namespace, writing pcapng and printing each frame."""

    FIELDS = ["frame.len", "eth.src", "icmp.type"]

    def __init__(self, link, namespace, device, path):
        self.namespace, self.device, self.path = namespace, device, path
        self.process = subprocess.Popen(
            in_netns(namespace, ["tshark", "-i", device, "-w", path, "-P", "-l", "-T", "fields"] +
                     sum((["-e", f] for f in self.FIELDS), [])),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.reader = OutputReader(self.process)
        self.errors = []
        threading.Thread(target=lambda: self.errors.extend(self.process.stderr), daemon=True).start()

    def wait_capturing(self, link):
        """tshark prints 'Capturing on' before dumpcap opens the device; ready means dumpcap's
        packet socket is bound to the device (running, /proc/net/packet column R = 1) and dumpcap
        has reported its file ('Capture started.')."""
        index = json.loads(run(["ip", "-n", self.namespace, "-j", "link", "show", self.device]))[0]["ifindex"]

        def capturing():
            if self.process.poll() is not None:
                raise Failure(f"tshark on {self.device} exited {self.process.returncode}: {''.join(self.errors)}")
            rows = run(in_netns(self.namespace, ["cat", "/proc/net/packet"])).splitlines()[1:]
            bound = any(r.split()[4] == str(index) and r.split()[5] == "1" for r in rows)
            return bound and any("Capture started" in e for e in self.errors)
        wait_until(capturing, 60, f"tshark to capture on {self.device} in {self.namespace}")

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            raise Failure(f"tshark on {self.device} did not end within 60 s of SIGINT")
        self.reader.thread.join(timeout=10)
        return self.reader.lines


def read_capture(path, fields):
    output = run(["tshark", "-r", path, "-T", "fields"] + sum((["-e", f] for f in fields), []))
    return [line.split("\t") for line in output.splitlines() if line and not line.startswith("Running as")]


def case_tshark(link):
    """Which frame is which on a TAP capture: a capture on a TAP device sees both directions.
    On nsim0 (host namespace), frames with the host device's source MAC are the ones the kernel
    sent (nicsim read them: tap.host_read); frames with the wire device's source MAC are the ones
    nicsim wrote (the driver's deliveries: tap.host_written). On nsimwire0 it is the other way
    round: the host MAC marks what nicsim wrote (the NIC's transmissions: tap.wire_written), the
    wire MAC what the partner's kernel sent (tap.wire_read). The NIC forwards frames unchanged, so
    the source MAC tells the direction. For the counts to be exact there must be no frame outside
    the capture window: IPv6 is off (no router solicitation or MLD on a timer), ARP entries stay
    valid for 10 minutes (no re-probe), and the last frame is a marker echo reply that both
    captures must show before tshark is stopped (dumpcap hands over frames in blocks; SIGINT
    before a block is handed over would lose its frames)."""
    host_mac, wire_mac = link.mac(link.host_ns, HOST_DEV), link.mac(link.wire_ns, WIRE_DEV)
    captures = {"host": Capture(link, link.host_ns, HOST_DEV, os.path.join(link.work, "host.pcapng")),
                "wire": Capture(link, link.wire_ns, WIRE_DEV, os.path.join(link.work, "wire.pcapng"))}
    try:
        for capture in captures.values():
            capture.wait_capturing(link)
        ping(link, link.host_ns, WIRE_IP4, 20)
        tcp_transfer(link, 1024 * 1024)
        # Every TCP frame has arrived once no socket is left but TIME-WAIT ones (the side in
        # LAST-ACK closes on the final ACK).
        for namespace in (link.host_ns, link.wire_ns):
            wait_until(lambda: all(line.split()[0] in ("TIME-WAIT", "LISTEN") for line in
                                   run(in_netns(namespace, ["ss", "-Htan"])).splitlines()),
                       30, f"the TCP connection to close in {namespace}")
        marker_payload = 1200  # 1200 + 8 ICMP + 20 IP + 14 Ethernet = a 1242-byte echo reply
        ping(link, link.host_ns, WIRE_IP4, 1, ["-s", str(marker_payload)])
        marker = lambda line: line.split("\t")[0] == "1242" and line.split("\t")[2] == "0"
        for name, capture in captures.items():
            capture.reader.wait_for(marker, capture.process, 30, f"the marker echo reply in the {name} capture")
        live = {name: capture.stop() for name, capture in captures.items()}
    finally:
        for capture in captures.values():
            if capture.process.poll() is None:
                capture.process.kill()
                capture.process.wait()
    summary = link.stop()
    link.check_summary()
    tap = summary["tap"]

    counts = {}
    for name, capture in captures.items():
        frames = read_capture(capture.path, ["frame.len", "eth.src"])
        check(len(frames) == len(live[name]),
              f"{name} capture: tshark printed {len(live[name])} frames while capturing but its file "
              f"holds {len(frames)} (not flushed?)")
        for mac_name, mac in (("host_mac", host_mac), ("wire_mac", wire_mac)):
            picked = [int(f[0]) for f in frames if f[1] == mac]
            counts[(name, mac_name)] = (len(picked), sum(picked))
        if name == "host":
            short_host = sum(1 for f in frames if f[1] == host_mac and int(f[0]) < 60)
        else:
            short_wire = sum(1 for f in frames if f[1] == wire_mac and int(f[0]) < 60)
        other = [f for f in frames if f[1] not in (host_mac, wire_mac)]
        check(not other, f"{name} capture: frames from neither device's MAC: {other[:5]}")
    print(f"tshark counts (frames, bytes): {counts}")
    print(f"nicsim tap counters: {json.dumps(tap)}")
    expect = [(("host", "host_mac"), tap["host_read"], "host device egress (kernel sent) vs tap.host_read"),
              (("host", "wire_mac"), tap["host_written"], "host device ingress (nicsim wrote) vs tap.host_written"),
              (("wire", "host_mac"), tap["wire_written"], "wire device ingress (nicsim wrote) vs tap.wire_written"),
              (("wire", "wire_mac"), tap["wire_read"], "wire device egress (partner sent) vs tap.wire_read"),
              (("wire", "host_mac"), summary["tx_packets"], "wire device ingress vs tx_packets"),
              (("host", "wire_mac"), summary["rx_packets"], "host device ingress vs rx_packets")]
    for key, expected, what in expect:
        check(counts[key][0] == expected, f"{what}: tshark {counts[key][0]}, nicsim {expected}")
    # Frames under the Ethernet minimum (ARP: 42 bytes) are padded to 60 on their way in.
    check(tap["padded"] == short_host + short_wire,
          f"tap.padded {tap['padded']}, frames under 60 bytes sent by the kernels: {short_host} + {short_wire}")
    check(counts[("wire", "host_mac")][1] == summary["tx_bytes"],
          f"bytes nicsim wrote to the wire device: tshark {counts[('wire', 'host_mac')][1]}, tx_bytes {summary['tx_bytes']}")
    check(counts[("host", "host_mac")][1] == tap["host_read_bytes"],
          f"bytes the host kernel sent: tshark {counts[('host', 'host_mac')][1]}, tap.host_read_bytes {tap['host_read_bytes']}")
    check(counts[("wire", "wire_mac")][1] == tap["wire_read_bytes"],
          f"bytes the partner sent: tshark {counts[('wire', 'wire_mac')][1]}, tap.wire_read_bytes {tap['wire_read_bytes']}")

    # nicsim's own capture: pcapng, epb_flags direction 2 (outbound) = TX, 1 (inbound) = RX.
    own = read_capture(link.pcap_path, ["frame.packet_flags_direction", "frame.len", "eth.src"])
    outbound = [f for f in own if int(f[0], 16) == 2]
    inbound = [f for f in own if int(f[0], 16) == 1]
    check(len(outbound) + len(inbound) == len(own), f"nicsim's pcapng: {len(own) - len(outbound) - len(inbound)} frames without direction")
    check(len(outbound) == summary["tx_packets"] == counts[("wire", "host_mac")][0],
          f"nicsim pcapng outbound {len(outbound)}, tx_packets {summary['tx_packets']}, tshark on the wire device {counts[('wire', 'host_mac')][0]}")
    check(len(inbound) == summary["rx_packets"] == counts[("host", "wire_mac")][0],
          f"nicsim pcapng inbound {len(inbound)}, rx_packets {summary['rx_packets']}, tshark on the host device {counts[('host', 'wire_mac')][0]}")
    check(all(f[2] == host_mac for f in outbound) and all(f[2] == wire_mac for f in inbound),
          "nicsim pcapng: a TX frame not from the host MAC or an RX frame not from the wire MAC")
    check(sum(int(f[1]) for f in outbound) == summary["tx_bytes"],
          f"nicsim pcapng outbound bytes {sum(int(f[1]) for f in outbound)} != tx_bytes {summary['tx_bytes']}")


CASES = {"ping": (case_ping, True, "-- ping -c 100 -i 0.01 10.0.0.2"),
         "tcp": (case_tcp, True, "--wire-command 'iperf3 -s -1' --wire-port 5201 -- iperf3 -c 10.0.0.2 -n 10M --bidir"),
         "udp": (case_udp, True, "-- python3 -c \"import socket; socket.socket(2, 2).sendto(b'x' * 4, ('10.0.0.2', 9))\""),
         "iperf3": (case_iperf3, True, "--wire-command 'iperf3 -s -1' --wire-port 5201 -- iperf3 -c 10.0.0.2 -t 3 -u -b 10M"),
         "tshark": (case_tshark, False, "--pcap-out /tmp/tap.pcapng -- ping -c 20 -i 0.01 10.0.0.2")}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--helper":
        return helper_main(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nicsim", required=True, help="the nicsim binary")
    parser.add_argument("--config", required=True, help="NIC configuration, e.g. dw64_q4")
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    parser.add_argument("--keep-dir", help="write the JSON and captures here and keep them (default: a temporary directory, kept on failure)")
    args = parser.parse_args()
    if args.keep_dir:
        os.makedirs(args.keep_dir, exist_ok=True)
        args.work_dir = args.keep_dir
    else:
        args.work_dir = tempfile.mkdtemp(prefix=f"nsim-tap-{args.case}-{args.config}-")
    function, ipv6, demo = CASES[args.case]
    link = TapLink(args, args.case, ipv6=ipv6)
    started = time.monotonic()
    try:
        link.start()
        function(link)
    except (Failure, Exception) as error:
        reason = str(error) if isinstance(error, Failure) else f"{type(error).__name__}: {error}"
        print(f"FAIL tap {args.case} [{args.config}]: {reason}")
        if link.process is not None and link.process.poll() is None:
            # The kernels' own counters of both devices while nicsim still holds them: frames a
            # kernel handed to its device (TX) that nicsim never read show up here, not in nicsim.
            for namespace, device in ((link.host_ns, HOST_DEV), (link.wire_ns, WIRE_DEV)):
                print(f"---- ip -s link show {device} (netns {namespace}) ----")
                print(run(["ip", "-n", namespace, "-s", "link", "show", device], check_status=False))
        link.close()
        if link.reader is not None:
            print("---- nicsim's output ----\n" + link.reader.text() + "\n---- end of nicsim's output ----")
        print(f"nicsim command: {' '.join(link.nicsim_argv())}")
        print(f"JSON summary: {link.json_path} (kept with the captures in {args.work_dir})")
        print(f"by hand: {link.replay_hint(demo)}")
        return 1
    finally:
        link.close()
    print(f"PASS tap {args.case} [{args.config}] in {time.monotonic() - started:.1f} s "
          f"(TX {link.summary['tx_packets']} frames, RX {link.summary['rx_packets']} frames)")
    if not args.keep_dir:
        shutil.rmtree(args.work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
