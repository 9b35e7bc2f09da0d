#!/usr/bin/env python3
"""Checker scale benchmark (not a test): N servers on loopback, each checked
every `inter`; reports the checker process's CPU per second and the longest
gap seen between two checks of one server.

  contrib/bench/checker-scale.py --weir build/weir [--servers 5000]
      [--inter 2] [--duration 30] [--port-base 15000]
      [--haproxy /usr/sbin/haproxy | --floor]

--floor measures checker-floor.c instead (built here with cc): the least
a process can do to make the same probes, which is what the kernel alone
charges for them on this machine.

Each server is its own listening port on 127.0.0.1 (one asyncio process
listens on them all), so a gap is measured exactly per server. A plain L4
check never completes the handshake (weir and HAProxy connect with
TCP_QUICKACK off and reset on the SYN-ACK), so the servers accept
nothing: checks are stamped by the SYNs seen on lo (an AF_PACKET socket,
root only, filtered in the kernel and drained on a timer), else by the
connections accepted. The CPU is measured in a first window, the gaps in
a second one: the sniffer runs in the checker's system calls (on
loopback the kernel handles every packet in the sender's context) and
would add its own cost to the checker's. Loopback only, bounded in time.
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

# Classic BPF run by the kernel on every packet lo carries: keep incoming
# TCP SYNs without ACK, drop the rest before they are copied.
SYN_FILTER = [
    (0x20, 0, 0, 0xfffff004),  # ld pkttype (SKF_AD_OFF + SKF_AD_PKTTYPE)
    (0x15, 8, 0, 4),           # jeq PACKET_OUTGOING -> drop (each SYN once)
    (0x28, 0, 0, 12),          # ldh [12] ethertype
    (0x15, 0, 6, 0x0800),      # IPv4, else drop
    (0x30, 0, 0, 23),          # ldb [23] protocol
    (0x15, 0, 4, 6),           # TCP, else drop
    (0xb1, 0, 0, 14),          # ldxb 4*([14]&0xf): IP header length
    (0x50, 0, 0, 27),          # ldb [x+27]: TCP flags
    (0x54, 0, 0, 0x12),        # and SYN|ACK
    (0x15, 1, 0, 0x02),        # SYN alone -> keep
    (0x06, 0, 0, 0),           # drop
    (0x06, 0, 0, 64),          # keep 64 bytes
]

def open_sniffer():
    """An AF_PACKET socket that sees nothing yet (protocol 0); None without root."""
    try:
        return socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    except (PermissionError, OSError):
        return None

def sniff_syns(loop, sk, stamps):
    """Stamp every SYN (without ACK) to one of the ports.

    The socket is drained on a timer, never waited on: a reader blocked on
    it would be woken by every SYN, inside the checker's own connect(), and
    the wakeup (plus the copies of packets we do not want) would be charged
    to the checker under test. The kernel stamps each packet on arrival
    (SO_TIMESTAMPNS), so draining late does not move the stamps. Even so
    the filter and the copies of the SYNs run in the checker's system calls,
    which is why the CPU is measured before the sniffer starts."""
    import ctypes
    prog = (ctypes.c_uint64 * len(SYN_FILTER))(*[
        c | (jt << 16) | (jf << 24) | (k << 32) for c, jt, jf, k in SYN_FILTER])
    fprog = struct.pack("HxxxxxxQ", len(SYN_FILTER), ctypes.addressof(prog))
    sk.setsockopt(socket.SOL_SOCKET, 26, fprog)           # SO_ATTACH_FILTER
    sk.bind(("lo", 0x0800))                               # ETH_P_IP: now it sees lo
    sk.setblocking(False)
    try:
        sk.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)    # SO_RCVBUFFORCE
    except OSError:
        sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    sk.setsockopt(socket.SOL_SOCKET, 35, 1)               # SO_TIMESTAMPNS
    mono_off = time.time() - time.monotonic()
    def drain():
        while True:
            try:
                d, anc, _, _ = sk.recvmsg(64, 64)
            except BlockingIOError:
                break
            tcp = d[14 + (d[14] & 15) * 4:]
            port = struct.unpack("!H", tcp[2:4])[0]
            if port not in stamps:
                continue
            t = time.monotonic()
            for lvl, typ, data in anc:
                if lvl == socket.SOL_SOCKET and typ == 35:
                    sec, nsec = struct.unpack("qq", data[:16])
                    t = sec + nsec / 1e9 - mono_off
            stamps[port].append(t)
        loop.call_later(0.01, drain)
    loop.call_later(0.01, drain)
    sniffer_sock.append(sk)

sniffer_sock = []

def sniffer_drops():
    """Packets the kernel dropped because the socket was full."""
    if not sniffer_sock:
        return 0
    st = sniffer_sock[0].getsockopt(263, 6, 8)            # PACKET_STATISTICS
    return struct.unpack("II", st)[1]

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
    ap.add_argument("--floor", action="store_true",
                    help="measure checker-floor.c instead: the kernel's share alone")
    a = ap.parse_args()
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ports = list(range(a.port_base, a.port_base + a.servers))
    stamps = {p: [] for p in ports}
    sniffer = open_sniffer()
    await serve(ports, stamps, sniffer is None)
    d = tempfile.mkdtemp()
    cfg = os.path.join(d, "scale.cfg")
    with open(cfg, "w") as f:
        f.write("global\n    nbthread 1\ndefaults\n    mode tcp\n    timeout connect 2s\n"
                "    timeout client 10s\n    timeout server 10s\n"
                "listen fe\n    bind 127.0.0.1:%d\n" % (a.port_base - 1))
        for i, p in enumerate(ports):
            f.write("    server s%d 127.0.0.1:%d check inter %dms\n" % (i, p, int(a.inter * 1000)))
    if a.floor:
        floor = os.path.join(d, "checker-floor")
        subprocess.run(["cc", "-O2", "-o", floor,
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "checker-floor.c")],
                       check=True)
        cmd = [floor, str(a.servers), str(a.port_base), str(int(a.inter * 1000)),
               str(2 * a.duration + 10)]
    elif a.haproxy:
        cmd = [a.haproxy, "-db", "-f", cfg]
    else:
        cmd = [a.weir, "-W", "-f", cfg]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    await asyncio.sleep(3)
    # weir: the checker is the last child forked (after the one worker);
    # haproxy and the floor probe in their only process
    checker = proc.pid if a.haproxy or a.floor else max(children(proc.pid))
    # first window: the checker's CPU, with nothing of ours in its way
    hz = os.sysconf("SC_CLK_TCK")
    t0, c0 = time.monotonic(), cpu_ticks(checker)
    await asyncio.sleep(a.duration)
    t1, c1 = time.monotonic(), cpu_ticks(checker)
    # second window: the gaps, stamped by the sniffer (or the accepts)
    if sniffer:
        sniff_syns(asyncio.get_running_loop(), sniffer, stamps)
    start = time.monotonic()
    await asyncio.sleep(a.duration)
    await asyncio.sleep(0.05)              # the last drain
    drops = sniffer_drops()
    proc.send_signal(signal.SIGTERM)
    proc.wait(10)
    gaps = []
    for p, ts in stamps.items():
        ts = [t for t in ts if t >= start]
        gaps += [b - a_ for a_, b in zip(ts, ts[1:])]
    checked = sum(1 for ts in stamps.values() if len(ts) >= 2)
    cpu = (c1 - c0) / hz / (t1 - t0) * 100
    print("servers: %d, inter %.1fs, two windows of %.0fs (CPU, then gaps)" % (
        a.servers, a.inter, t1 - t0))
    print("checker CPU: %.2f%% of one core" % cpu)
    print("servers checked at least twice: %d (stamped by %s)" % (
        checked, "their SYNs" if sniffer else "the connections accepted"))
    if drops:
        print("WARNING: the sniffer lost %d SYNs; gaps may be overstated" % drops)
    if gaps:
        gaps.sort()
        print("gap between two checks of one server: median %.3fs, p99 %.3fs, max %.3fs "
              "(%.2f x inter)" % (gaps[len(gaps) // 2], gaps[int(len(gaps) * .99)], gaps[-1],
                                  gaps[-1] / a.inter))

asyncio.run(main())
