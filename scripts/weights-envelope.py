#!/usr/bin/env python3
"""Makes the compute part of every weight with components in a generated
weights file an upper envelope of what the benchmark measured.

    scripts/weights-envelope.py WEIGHTS_RS BENCH_LOG...

frame-benchmarking fits `base + slope * component` by least squares over
points where one component varies and the others sit at their highest. When
that fit's intercept comes out negative (the marginal costs at the far corner
are a little higher than near the origin, as state grows), it falls back to
the smallest measurement as the base and a fit through the origin of what is
left, which can charge a call with almost nothing to do many times its cost
and the far corner less than it costs (seen on `deregister_user`: base 4.4 ms
with a third of the measured slopes). Here, for each benchmark with two or
more components: slopes from least squares over the per-point means that the
benchmark printed (inter-quartile means of the repeats), clamped at zero; the
base is the largest residual, so that no measured point costs more than the
weight says. The logs after the first add points near each benchmark's
lowest components (scripts/bench-weights measures them), which the main run,
holding all but one component at its highest, never visits.
A single-component weight keeps its cheapest point as it is: the base is the
lowest point measured, and the slope the steepest line from there to any
other point (least squares would put the points past a step in the cost,
such as a remark's memory growing at 4 MiB, above the line; a largest
residual as the base would charge the empty call as much as that step).
"""
import math
import re
import sys


def solve(a, b):
    n = len(a)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(m[r][i]))
        m[i], m[p] = m[p], m[i]
        if abs(m[i][i]) < 1e-12:
            raise SystemExit("singular fit")
        for r in range(n):
            if r != i:
                f = m[r][i] / m[i][i]
                m[r] = [x - f * y for x, y in zip(m[r], m[i])]
    return [m[i][n] / m[i][i] for i in range(n)]


def points(log):
    """{benchmark: (component names, [(values, mean µs)])} from the
    least-squares sections of the benchmark's output."""
    found, name = {}, None
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if (m := re.search(r'Extrinsic: "(\w+)"', line)):
            name = m.group(1)
        if line.strip() == "Data points distribution:" and name:
            header = lines[i + 1].split()
            names = header[: header.index("mean")]
            rows = []
            for row in lines[i + 2:]:
                cells = row.split()
                if len(cells) != len(names) + 3:
                    break
                mean = float(cells[len(names)])
                # Printed rounded down to 4 significant figures: take the
                # most it can have been.
                mean += 10 ** (math.floor(math.log10(max(mean, 1.0))) - 3)
                rows.append(([int(c) for c in cells[: len(names)]], mean))
            found.setdefault(name, (names, []))[1].extend(rows)
    return found


def envelope(names, rows):
    if len(names) == 1:
        low = min(v[0] for v, _ in rows)
        y0 = max(y for v, y in rows if v[0] == low)
        slope = max([0.0] + [(y - y0) / (v[0] - low) for v, y in rows if v[0] > low])
        return max(0.0, y0 - slope * low), [slope]
    xs = [[1.0] + [float(v) for v in values] for values, _ in rows]
    ys = [y for _, y in rows]
    k = len(names) + 1
    a = [[sum(x[i] * x[j] for x in xs) for j in range(k)] for i in range(k)]
    b = [sum(x[i] * y for x, y in zip(xs, ys)) for i in range(k)]
    slopes = [max(0.0, s) for s in solve(a, b)[1:]]
    base = max(0.0, max(y - sum(s * v for s, v in zip(slopes, x[1:])) for x, y in zip(xs, ys)))
    return base, slopes


def impl_start(text):
    """Where the weights for the runtime begin (our template's
    `WeightInfo for SubstrateWeight<T>`, or the default template's
    `pallet::WeightInfo for WeightInfo<T>`)."""
    m = re.search(r"impl<T: frame_system::Config> [\w:]*WeightInfo for", text)
    if not m:
        raise SystemExit("no `impl<T: frame_system::Config> ...WeightInfo for` in the weights")
    return m.start()


def ranges(text):
    """{function: [(component, low)]} for every weight with components,
    from the generated doc comments."""
    found = {}
    impl = impl_start(text)
    for m in re.finditer(r"((?:\t/// .*\n)+)\tfn (\w+)\(", text[impl:]):
        comps = re.findall(r"range of component `(\w+)` is `\[(\d+), \d+\]`", m.group(1))
        if comps:
            found[m.group(2)] = [(c, int(low)) for c, low in comps]
    return found


def main():
    path = sys.argv[1]
    if not ranges(open(path).read()):
        print(f"{path}: no weight has components")
        return
    for f in sys.argv[2:]:
        if not points(open(f).read()):
            raise SystemExit(f"{f}: no measured points (did that benchmark run fail?)")
    log = "\n".join(open(f).read() for f in sys.argv[2:])
    text = open(path).read()
    measured = points(log)
    for name, comps in ranges(text).items():
        if name not in measured:
            raise SystemExit(f"{name}: no measured points in the logs")
        names, rows = measured[name]
        if names != [c for c, _ in comps]:
            raise SystemExit(f"{name}: components {names} in the logs, {comps} in {path}")
        if not any(all(v <= low + 1 for v, (_, low) in zip(values, comps)) for values, _ in rows):
            raise SystemExit(f"{name}: no point measured near its lowest components {comps}")
        base, slopes = envelope(names, rows)
        start = text.index(f"\tfn {name}(", impl_start(text))
        end = text.index("\n\t}\n", start)
        body = text[start:end]
        ps = lambda us: f"{math.ceil(us * 1e6):_}"
        body, n = re.subn(r"Weight::from_parts\([\d_]+, (\d+)\)\n",
                          lambda m: f"Weight::from_parts({ps(base)}, {m.group(1)})\n", body, count=1)
        if n != 1:
            raise SystemExit(f"{name}: no base weight to set")
        for c, s in zip(names, slopes):
            body, n = re.subn(
                rf"Weight::from_parts\([\d_]+, 0\)\.saturating_mul\({c}\.into\(\)\)",
                f"Weight::from_parts({ps(s)}, 0).saturating_mul({c}.into())", body, count=1)
            if n != 1 and s > 0:
                # The generated code leaves a zero slope out: put it back.
                body = re.sub(r"(Weight::from_parts\([\d_]+, \d+\))\n",
                              lambda m: f"{m.group(1)}\n\t\t\t.saturating_add(Weight::from_parts"
                                        f"({ps(s)}, 0).saturating_mul({c}.into()))\n",
                              body, count=1)
        note = "\t\t// Compute: upper envelope of the measured points (scripts/weights-envelope.py).\n"
        if note not in body:
            body = body.replace("\t\t// Minimum execution time:", note + "\t\t// Minimum execution time:", 1)
        text = text[:start] + body + text[end:]
        print(f"{name}: {base:.1f} µs + " +
              " + ".join(f"{s:.2f} µs * {c}" for c, s in zip(names, slopes)))
    open(path, "w").write(text)


main()
