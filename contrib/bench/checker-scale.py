#!/usr/bin/env python3
"""Checker scale benchmark (not a test): N servers on loopback, each checked
every `inter`; reports the checker process's CPU per second and the longest
gap seen between two checks of one server.

  contrib/bench/checker-scale.py --weir build/weir [--servers 5000]
      [--inter 2] [--duration 30] [--port-base 15000]

Each server is its own listening port on 127.0.0.1 (one asyncio process
listens on them all), so a gap is measured exactly per server. A plain L4
check never completes the handshake (weir and HAProxy connect with
TCP_QUICKACK off and reset on the SYN-ACK), so the servers accept
nothing: checks are stamped by the SYNs seen on lo (an AF_PACKET socket,
root only; it adds a little to the checker's measured CPU), else by the
connections accepted. Loopback only, bounded in time.
"""
import argparse, asyncio, os, resource, signal, socket, struct, subprocess, sys, tempfile, time

def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])   # utime + stime

def children(pid):
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)],
                         capture_output=True, text=True).stdout
    return [int(l.split()[0]) for l in out.splitlines() if l.strip()]

def sniff_syns(loop, stamps):
    """Stamp every SYN (without ACK) to one of the ports; False without root."""
    try:
        sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
        sk.bind(("lo", 0))
    except (PermissionError, OSError):
        return False
    sk.setblocking(False)
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    def on_pkt():
        while True:
            try:
                d = sk.recv(64)
            except BlockingIOError:
                return
            if len(d) < 54 or d[12:14] != b"\x08\x00" or d[23] != 6:
                continue
            tcp = d[14 + (d[14] & 15) * 4:]
            port = struct.unpack("!H", tcp[2:4])[0]
            if tcp[13] & 0x12 == 0x02 and port in stamps:
                stamps[port].append(time.monotonic())
    loop.add_reader(sk.fileno(), on_pkt)
    return True

async def serve(ports, stamps, stamp_accepts=True):
    async def on_conn(port, r, w):
        if stamp_accepts:
            stamps[port].append(time.monotonic())
        w.close()
    servers = []
    for p in ports:
        servers.append(await asyncio.start_server(
            lambda r, w, p=p: on_conn(p, r, w), "127.0.0.1", p, backlog=64))
    return servers

async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weir", default="build/weir")
    ap.add_argument("--servers", type=int, default=5000)
    ap.add_argument("--inter", type=float, default=2.0)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--port-base", type=int, default=15000)
    ap.add_argument("--haproxy", help="measure this haproxy binary instead (-db, one process)")
    a = ap.parse_args()
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ports = list(range(a.port_base, a.port_base + a.servers))
    stamps = {p: [] for p in ports}
    sniffing = sniff_syns(asyncio.get_running_loop(), stamps)
    await serve(ports, stamps, not sniffing)
    d = tempfile.mkdtemp()
    cfg = os.path.join(d, "scale.cfg")
    with open(cfg, "w") as f:
        f.write("global\n    nbthread 1\ndefaults\n    mode tcp\n    timeout connect 2s\n"
                "    timeout client 10s\n    timeout server 10s\n"
                "listen fe\n    bind 127.0.0.1:%d\n" % (a.port_base - 1))
        for i, p in enumerate(ports):
            f.write("    server s%d 127.0.0.1:%d check inter %dms\n" % (i, p, int(a.inter * 1000)))
    cmd = [a.haproxy, "-db", "-f", cfg] if a.haproxy else [a.weir, "-W", "-f", cfg]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    await asyncio.sleep(3)
    # weir: the checker is the last child forked (after the one worker);
    # haproxy runs its checks in its only process
    checker = proc.pid if a.haproxy else max(children(proc.pid))
    hz = os.sysconf("SC_CLK_TCK")
    t0, c0 = time.monotonic(), cpu_ticks(checker)
    start = time.monotonic()
    await asyncio.sleep(a.duration)
    t1, c1 = time.monotonic(), cpu_ticks(checker)
    proc.send_signal(signal.SIGTERM)
    proc.wait(10)
    gaps = []
    for p, ts in stamps.items():
        ts = [t for t in ts if t >= start]
        gaps += [b - a_ for a_, b in zip(ts, ts[1:])]
    checked = sum(1 for ts in stamps.values() if len(ts) >= 2)
    cpu = (c1 - c0) / hz / (t1 - t0) * 100
    print("servers: %d, inter %.1fs, window %.0fs" % (a.servers, a.inter, t1 - t0))
    print("checker CPU: %.2f%% of one core" % cpu)
    print("servers checked at least twice: %d (stamped by %s)" % (
        checked, "their SYNs" if sniffing else "the connections accepted"))
    if gaps:
        gaps.sort()
        print("gap between two checks of one server: median %.3fs, p99 %.3fs, max %.3fs "
              "(%.2f x inter)" % (gaps[len(gaps) // 2], gaps[int(len(gaps) * .99)], gaps[-1],
                                  gaps[-1] / a.inter))

asyncio.run(main())
