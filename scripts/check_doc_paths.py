#!/usr/bin/env python3
"""Checks that every repository path the operator and design docs name exists.

Usage: scripts/check_doc_paths.py [REPO_ROOT]
Scans README.md, ARCHITECTURE.md, TODO.md and tests/README.md for `backticked` paths under the
repository's own folders (brace lists like `a/b.{hpp,cpp}` expand; a trailing `:line` or `(...)`
is ignored; a name without extension matches any file with that stem). Exits 1 listing the ones
that do not exist. The CLAUDE.md progress log is history and is not checked.
"""
import os
import re
import sys

DOCS = ["README.md", "ARCHITECTURE.md", "TODO.md", "tests/README.md"]
ROOTS = ("actors/", "http/", "model/", "hub/", "media/", "bench/", "config/", "store/", "cli/",
         "tests/", "scripts/", "ui/", "docs/", ".ci/", "subprojects/")
TOKEN = re.compile(r"`([^`\s]+)`")


def expand(path):
    m = re.search(r"\{([^{}]*)\}", path)
    if not m:
        return [path]
    out = []
    for part in m.group(1).split(","):
        out += expand(path[:m.start()] + part.strip() + path[m.end():])
    return out


def exists(root, path):
    full = os.path.join(root, path)
    if os.path.exists(full):
        return True
    folder, stem = os.path.split(full)
    return os.path.isdir(folder) and any(os.path.splitext(f)[0] == stem for f in os.listdir(folder))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    missing = []
    checked = 0
    for doc in DOCS:
        with open(os.path.join(root, doc), encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                for token in TOKEN.findall(line):
                    token = re.sub(r"(:\d+.*|\(.*)$", "", token).rstrip(".,;")
                    if not token.startswith(ROOTS) or any(c in token for c in "*<>$="):
                        continue
                    for path in expand(token):
                        checked += 1
                        if not exists(root, path.rstrip("/")):
                            missing.append(f"{doc}:{lineno}: {path}")
    for m in missing:
        print("missing:", m)
    print(f"{checked} paths checked, {len(missing)} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
