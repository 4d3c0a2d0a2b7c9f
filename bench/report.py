"""The read benchmark's results: one row per page and server, the targets checked against them,
and the printed Markdown table."""

from dataclasses import dataclass, field

# The targets, checked and printed at the end.
P50_TARGET_MS = 50.0  # p50 under load, every page
DATASETTE_TARGET = 20.0  # our requests/s over Datasette's on the equivalent view
STATIC_TARGET = 0.5  # with the page cache on, our requests/s over the static copy's

COLUMNS = ["page", "server", "req/s", "p50 ms", "p99 ms", "errors", "SQL/req", "alone ms", "KB"]
APP_SERVERS = ("app, cache off", "app, cache on")


@dataclass
class Row:
    page: str  # target key
    label: str
    server: str  # "app, cache off" | "app, cache on" | "static copy" | "datasette"
    url: str
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    queries: int | None = None
    alone_ms: float | None = None  # one request in-process, no load (cold: caches emptied)
    bytes: int = 0  # body size as sent (gzip when the server compresses)
    note: str = ""

    def cells(self) -> list[str]:
        return [
            self.label,
            self.server,
            f"{self.rps:,.1f}",
            f"{self.p50_ms:,.1f}",
            f"{self.p99_ms:,.1f}",
            str(self.errors),
            "" if self.queries is None else str(self.queries),
            "" if self.alone_ms is None else f"{self.alone_ms:,.1f}",
            f"{self.bytes / 1024:,.0f}",
        ]


@dataclass
class Report:
    mode: str
    load_tool: str
    settings: dict
    rows: list[Row] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def markdown_table(rows: list[Row]) -> str:
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" if i < 2 else "---:" for i in range(len(COLUMNS))) + "|",
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def check(name: str, value: float, target: float, *, met: bool, shown: str) -> dict:
    return {"check": name, "value": value, "target": target, "met": met, "shown": shown}


def checks_for(rows: list[Row], targets) -> list[dict]:
    """Each target against the rows: p50 of every app row, the ratio to Datasette's requests/s
    on the equivalent view, the ratio to the static copy's. A missing reference is skipped."""
    by_key = {(row.page, row.server): row for row in rows}
    checks = []
    for target in targets:
        for server in APP_SERVERS:
            row = by_key.get((target.key, server))
            if row:
                checks.append(
                    check(
                        f"p50 < {P50_TARGET_MS:g} ms: {target.label}, {server}",
                        row.p50_ms,
                        P50_TARGET_MS,
                        met=row.p50_ms < P50_TARGET_MS,
                        shown=f"{row.p50_ms:.1f} ms",
                    )
                )
    for target in targets:
        reference = by_key.get((f"datasette-{target.reference}", "datasette"))
        if not target.reference or not reference or not reference.rps:
            continue
        for server in APP_SERVERS:
            ours = by_key[(target.key, server)]
            ratio = ours.rps / reference.rps
            checks.append(
                check(
                    f">= {DATASETTE_TARGET:g}x Datasette req/s: {target.label}, {server}",
                    ratio,
                    DATASETTE_TARGET,
                    met=ratio >= DATASETTE_TARGET,
                    shown=f"{ratio:.1f}x ({ours.rps:,.0f} vs {reference.rps:,.1f})",
                )
            )
    for target in targets:
        ours = by_key.get((target.key, "app, cache on"))
        static = by_key.get((target.key, "static copy"))
        if not ours or not static or not static.rps:
            continue
        ratio = ours.rps / static.rps
        checks.append(
            check(
                f">= {STATIC_TARGET:g}x static req/s: {target.label}, cache on",
                ratio,
                STATIC_TARGET,
                met=ratio >= STATIC_TARGET,
                shown=f"{ratio:.2f}x ({ours.rps:,.0f} vs {static.rps:,.0f})",
            )
        )
    return checks


def print_report(report: Report) -> None:
    print(f"\n## Benchmark ({report.mode}, load by {report.load_tool})\n")
    print(", ".join(f"{k}: {v}" for k, v in report.settings.items()))
    print()
    print(markdown_table(report.rows))
    print("\n### Targets\n")
    for item in report.checks:
        print(f"- [{'x' if item['met'] else ' '}] {item['check']}: {item['shown']}")
    if report.notes:
        print("\n### Notes\n")
        for note in report.notes:
            print(f"- {note}")
    print()
