#!/usr/bin/env python3
"""Wall time per phase of one `dynalake run`, from a typescript.

`dynalake run` draws a progress line ("  .. NAME: PHASE i/n") only on a
terminal, so scripts/bench runs it under script(1) with a timing file
(`script -q -T TIMING -c CMD OUT`) and this reads both back: the first time
each phase name appears starts that phase, the end of the output ends the
last. Phases: starting (embedded emulator, identities, tables, buckets),
workload, each pipeline step by name (ship, load, handler...), verifying
(checks and least-privilege analysis, then the report).

usage: phases.py TIMING TYPESCRIPT   prints "phase seconds" lines and
"total seconds"; exit 1 when no phase was seen.
"""
import re
import sys


def main():
    timing, typescript = sys.argv[1], sys.argv[2]
    data = open(typescript, "rb").read()
    pos = data.index(b"\n") + 1  # script's own header line
    t = 0.0
    marks = []
    for line in open(timing):
        delay, n = line.split()
        t += float(delay)
        chunk = data[pos:pos + int(n)]
        pos += int(n)
        for m in re.finditer(rb"\.\. [^:\r\n]+: ([a-z_-]+)", chunk):
            phase = m.group(1).decode()
            if not marks or marks[-1][1] != phase:
                marks.append((t, phase))
    if not marks:
        return 1
    marks.append((t, "end"))
    seen = {}
    for (a, phase), (b, _) in zip(marks, marks[1:]):
        seen[phase] = seen.get(phase, 0.0) + (b - a)
    for phase, secs in seen.items():
        print(f"{phase} {secs:.2f}")
    print(f"total {t:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
