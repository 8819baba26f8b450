#!/usr/bin/env python3
"""bench/report.py RUNS.tsv — the benchmark table of one bench run (written by
../shared/bench/peers/bench.py): per benchmark, this project's median wall time,
messages (or actors) per second and peak RSS, each peer's median beside it, the
ratio to the fastest peer, and whether the project's targets (issue 3) are met.

  --project-only   just the project's line per benchmark (for thread sweeps)
"""
import statistics
import sys

FULL_N = {"pingpong": 1_000_000, "ring": 10_000_000, "counting": 10_000_000,
          "spawn": 1_000_000, "skynet": 1_000_000}
BENCHES = ["pingpong", "ring", "counting", "spawn", "skynet"]
# absolute targets on the 2-core machine (seconds), besides "1.5x faster than the
# fastest peer": pingpong/ring/counting within 3x of the C floor, spawn and skynet
TARGET_S = {"pingpong": 0.07, "ring": 0.35, "counting": 0.35, "spawn": 0.5, "skynet": 0.4}
TARGET_BYTES_PER_ACTOR = 200


def load(path):
    cells = {}
    with open(path) as f:
        next(f)
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 9 or not c[3].startswith("run") or c[8] != "ok" or c[0] == "C":
                continue
            cells.setdefault((c[0], c[1], int(c[2])), []).append((float(c[4]), int(c[5])))
    return cells


def median_cell(cells, peer, bench):
    ns = [n for (p, b, n) in cells if p == peer and b == bench and n > 1]
    if not ns:
        return None
    n = max(ns)
    rows = cells[(peer, bench, n)]
    return {"n": n, "wall": statistics.median(r[0] for r in rows),
            "rss": statistics.median(r[1] for r in rows), "runs": len(rows)}


def messages(bench, n):
    """Messages (pingpong, ring, counting) or actors (spawn, skynet) of a run."""
    if bench == "pingpong":
        return 2 * n
    if bench == "ring":
        return n + 1
    if bench == "counting":
        return n + 2
    if bench == "spawn":
        return n
    total, level = 0, n
    while level >= 1:
        total += level
        level //= 10
    return total


def rate(bench, c):
    per = messages(bench, c["n"]) / c["wall"]
    unit = "actors/s" if bench in ("spawn", "skynet") else "msg/s"
    return "%.1f M %s" % (per / 1e6, unit)


def per_second_at_full(bench, c):
    """Wall time scaled to the full N (peers such as Pykka run a smaller N)."""
    return c["wall"] * messages(bench, FULL_N[bench]) / messages(bench, c["n"])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    project_only = "--project-only" in sys.argv
    cells = load(args[0])
    peers = []
    for (p, _, _) in cells:
        if p not in peers and p != "project":
            peers.append(p)
    base_rss = {}
    for p in peers + ["project"]:
        rows = cells.get((p, "spawn", 1))
        if rows:
            base_rss[p] = statistics.median(r[1] for r in rows)

    for bench in BENCHES:
        me = median_cell(cells, "project", bench)
        if me is None:
            continue
        line = "%-9s %7.3f s  %-17s %6.0f MB" % (bench, me["wall"], rate(bench, me), me["rss"] / 1024)
        if bench == "spawn" and "project" in base_rss:
            bpa = (me["rss"] - base_rss["project"]) * 1024 / me["n"]
            line += "  %4.0f B/actor" % bpa
        if project_only:
            print(line)
            continue
        print(line)
        best = None
        for p in peers:
            c = median_cell(cells, p, bench)
            if c is None:
                continue
            full = per_second_at_full(bench, c)
            note = "" if c["n"] == FULL_N[bench] else " (N=%d, scaled to full N: %.2f s)" % (c["n"], full)
            print("    %-12s %7.3f s  %-17s %6.0f MB  project is %.2fx faster%s" % (
                p, c["wall"], rate(bench, c), c["rss"] / 1024, full / me["wall"], note))
            if c["n"] == FULL_N[bench] and (best is None or c["wall"] < best[1]):
                best = (p, c["wall"])
        checks = []
        if best:
            ratio = best[1] / me["wall"]
            checks.append("%.2fx the fastest peer (%s): %s" % (ratio, best[0], "met" if ratio >= 1.5 else "NOT met (want 1.5x)"))
        if me["n"] == FULL_N[bench]:
            t = TARGET_S[bench]
            checks.append("target %.2f s: %s" % (t, "met" if me["wall"] <= t else "NOT met"))
        if bench == "spawn" and "project" in base_rss:
            bpa = (me["rss"] - base_rss["project"]) * 1024 / me["n"]
            checks.append("%d B/actor target: %s" % (TARGET_BYTES_PER_ACTOR, "met" if bpa <= TARGET_BYTES_PER_ACTOR else "NOT met"))
        print("    -> " + "; ".join(checks))


if __name__ == "__main__":
    main()
