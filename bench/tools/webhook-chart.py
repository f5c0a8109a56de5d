#!/usr/bin/env python3
"""Draws bench/results/webhook.csv as an SVG: reviews per second (log scale, the ceiling is ~40x the webhook)
and p50/p99 latency, webhook beside the nginx ceiling, per number of connections.

    bench/tools/webhook-chart.py WEBHOOK.csv OUT.svg
"""
import csv
import math
import sys

WEBHOOK, CEILING = "#1f77b4", "#bbbbbb"


def bars(panel_x, title, unit, rows, key, log):
    """One panel of grouped bars; returns SVG elements."""
    width, height, top = 300, 200, 40
    values = [float(r[key]) for r in rows]
    high = max(values) * 1.15
    low = 10 ** (math.floor(math.log10(max(min(values), 1e-3))) - 1) if log else 0

    def y(v):
        if log:
            span = math.log10(high) - math.log10(low)
            return top + height - height * (math.log10(max(v, low)) - math.log10(low)) / span
        return top + height - height * v / high

    out = [f'<text x="{panel_x + width / 2}" y="20" text-anchor="middle" font-weight="bold">{title}</text>',
           f'<line x1="{panel_x}" y1="{top + height}" x2="{panel_x + width}" y2="{top + height}" stroke="#333"/>']
    concurrencies = sorted({int(r["concurrency"]) for r in rows})
    group = width / len(concurrencies)
    for i, c in enumerate(concurrencies):
        for j, target in enumerate(("webhook", "nginx")):
            row = next((r for r in rows if r["target"] == target and int(r["concurrency"]) == c), None)
            if row is None:
                continue
            v = float(row[key])
            x = panel_x + i * group + group * 0.15 + j * group * 0.35
            out.append(f'<rect x="{x:.1f}" y="{y(v):.1f}" width="{group * 0.33:.1f}" height="{top + height - y(v):.1f}" '
                       f'fill="{WEBHOOK if target == "webhook" else CEILING}"><title>{target} c{c}: {v:g} {unit}</title></rect>')
            label = f"{v:,.0f}" if v >= 100 else f"{v:g}"
            out.append(f'<text x="{x + group * 0.165:.1f}" y="{y(v) - 3:.1f}" text-anchor="middle" font-size="10">{label}</text>')
        out.append(f'<text x="{panel_x + i * group + group / 2:.1f}" y="{top + height + 15}" text-anchor="middle">{c} conn.</text>')
    out.append(f'<text x="{panel_x + width / 2}" y="{top + height + 32}" text-anchor="middle" font-size="11">{unit}{" (log scale)" if log else ""}</text>')
    return out


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    rows = list(csv.DictReader(open(argv[0])))
    parts = []
    parts += bars(10, "Throughput", "reviews/s", rows, "rps", True)
    parts += bars(350, "Latency p50", "ms", rows, "p50_ms", True)
    parts += bars(690, "Latency p99", "ms", rows, "p99_ms", True)
    legend = (f'<rect x="10" y="290" width="12" height="12" fill="{WEBHOOK}"/><text x="27" y="300">webhook</text>'
              f'<rect x="100" y="290" width="12" height="12" fill="{CEILING}"/><text x="117" y="300">ceiling: nginx with a fixed reply, same TLS and client</text>')
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="310" font-family="sans-serif" font-size="12">'
           '<rect width="100%" height="100%" fill="white"/>' + "".join(parts) + legend + "</svg>\n")
    open(argv[1], "w").write(svg)


if __name__ == "__main__":
    main(sys.argv[1:])
