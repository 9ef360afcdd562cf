"""python -m explorer {import,bench,check} … — the command-line entry points (each lives with its subject)."""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "import": ("explorer.ingest.cli", "import a bank statement file"),
    "bench": ("explorer.bench", "benchmark queries, pages and the voucher simulation"),
    "check": ("explorer.checker", "check the ledger for breaks and broken rules"),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print("usage: python -m explorer {" + ",".join(COMMANDS) + "} …", file=sys.stderr)
        for name, (_, help_text) in COMMANDS.items():
            print(f"  {name:8} {help_text}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
