#!/usr/bin/env python3
"""TCP load client for weir's integration tests (loopback only).

Each connection: connect, read the test backend's banner line (its name),
optionally send a line and expect it echoed, optionally hold the
connection, then close. Counts what the user would see: successes per
backend name, refused connections, other failures. Prints one JSON object.

  tcpload.py --target 127.0.0.1:8000 --total 600            # sequential
  tcpload.py --target ... --conns 20 --duration 10 --echo    # 20 busy loops
"""
import argparse, asyncio, json, sys, time, collections


async def echo(r, w, msg, args):
    w.write(msg)
    await w.drain()
    got = await asyncio.wait_for(r.readexactly(len(msg)), args.timeout)
    if got != msg:
        raise ValueError("echo mismatch")


async def one(host, port, args, stats):
    t0 = time.monotonic()
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(host, port), args.timeout)
    except ConnectionRefusedError:
        stats["refused"] += 1
        return
    except Exception as e:  # timeouts, resets
        stats["failed"] += 1
        stats["errors"][type(e).__name__] += 1
        return
    try:
        name = (await asyncio.wait_for(r.readline(), args.timeout)).decode().strip()
        if not name:
            raise EOFError("no banner")
        if args.echo:
            await echo(r, w, b"ping %d\n" % stats["ok"], args)
        if args.hold:
            await asyncio.sleep(args.hold)
            if args.echo:  # the connection must still carry data after the hold
                await echo(r, w, b"still there\n", args)
        stats["ok"] += 1
        stats["names"][name] += 1
        stats["lat"].append(time.monotonic() - t0)
    except Exception as e:
        stats["failed"] += 1
        stats["errors"][type(e).__name__] += 1
    finally:
        w.close()
        try:
            await w.wait_closed()
        except Exception:
            pass


async def loop(host, port, args, stats, deadline, budget):
    while time.monotonic() < deadline and (budget is None or budget[0] > 0):
        if budget is not None:
            budget[0] -= 1
        await one(host, port, args, stats)
        if args.pause:
            await asyncio.sleep(args.pause)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True)
    ap.add_argument("--conns", type=int, default=1)
    ap.add_argument("--total", type=int)
    ap.add_argument("--duration", type=float, default=3600)
    ap.add_argument("--echo", action="store_true")
    ap.add_argument("--hold", type=float, default=0)
    ap.add_argument("--timeout", type=float, default=5)
    ap.add_argument("--pause", type=float, default=0,
                    help="seconds between two connections of one loop")
    args = ap.parse_args()
    host, port = args.target.rsplit(":", 1)
    host = host.strip("[]")
    stats = {"ok": 0, "refused": 0, "failed": 0, "names": collections.Counter(),
             "errors": collections.Counter(), "lat": []}
    budget = [args.total] if args.total is not None else None
    deadline = time.monotonic() + args.duration
    await asyncio.gather(*(loop(host, int(port), args, stats, deadline, budget)
                           for _ in range(args.conns)))
    lat = sorted(stats.pop("lat"))
    stats["p99_ms"] = round(lat[int(len(lat) * 0.99)] * 1000, 1) if lat else None
    json.dump(stats, sys.stdout)
    print()


asyncio.run(main())
