#!/usr/bin/env python3
"""Checks the output of a chaos run (bench/chaos.sh): the final JSON-lines file against its input.

Usage: chaos_check.py URLS OUT SAVE_DIR EXIT_STATUS

Every input index has exactly one line, no line is repeated, every ok line names a saved file
that is complete (the size its URL asked for, the bytes /chaos/{key}/{size} sends for its key)
and whose sha256 is the one its line gives, no other file is in the directory, and the exit
status is 1 when a line is an error and 0 otherwise. Prints one summary line; exits 1 on the
first problem found (printed), 0 when all holds.
"""
import collections
import hashlib
import json
import os
import re
import sys

CHAOS = re.compile(r"/chaos/([^/?]+)/(\d+)")


def expected_body(key, size):
    unit = (key + " ").encode()
    return (unit * (size // len(unit) + 1))[:size]


def main(urls_file, out_file, save_dir, exit_status):
    with open(urls_file) as f:
        urls = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    problems = []
    seen = {}
    raw_lines = collections.Counter()
    kinds = collections.Counter()
    attempts = collections.Counter()
    named_files = set()
    with open(out_file, "rb") as f:
        for number, raw in enumerate(f, 1):
            raw_lines[raw] += 1
            try:
                line = json.loads(raw)
            except ValueError:
                problems.append(f"line {number} is not JSON: {raw[:80]!r}")
                continue
            index = line["index"]
            if index in seen:
                problems.append(f"index {index} on lines {seen[index]} and {number}")
                continue
            seen[index] = number
            if not 0 <= index < len(urls):
                problems.append(f"index {index} is not an input's")
                continue
            if line["url"] != urls[index]:
                problems.append(f"index {index}: url {line['url']} is not the input's {urls[index]}")
            attempts[line["attempts"]] += 1
            if not line["ok"]:
                kinds[line["error"]["kind"]] += 1
                continue
            kinds["ok " + str(line.get("status"))] += 1
            if line.get("status") not in (200, 503):
                problems.append(f"index {index}: status {line.get('status')}, which /chaos never sends on purpose")
            path = line.get("file")
            if path is None or "sha256" not in line:
                problems.append(f"index {index}: ok without file or sha256")
                continue
            named_files.add(os.path.basename(path))
            with open(path, "rb") as body_file:
                body = body_file.read()
            if hashlib.sha256(body).hexdigest() != line["sha256"]:
                problems.append(f"index {index}: {path} does not have the sha256 its line gives")
            if line.get("status") == 200:
                key, size = CHAOS.search(urls[index]).groups()
                if body != expected_body(key, int(size)):
                    problems.append(f"index {index}: {path} is not the body of {urls[index]} ({len(body)} bytes)")
                if line["bytes"] != len(body):
                    problems.append(f"index {index}: bytes {line['bytes']} but the file has {len(body)}")
    missing = [i for i in range(len(urls)) if i not in seen]
    if missing:
        problems.append(f"{len(missing)} indexes without a line, e.g. {missing[:5]}")
    repeated = sum(count - 1 for count in raw_lines.values() if count > 1)
    if repeated:
        problems.append(f"{repeated} repeated lines")
    stray = sorted(set(os.listdir(save_dir)) - named_files)
    if stray:
        problems.append(f"{len(stray)} files no line names, e.g. {stray[:5]}")
    errors = sum(count for kind, count in kinds.items() if not kind.startswith("ok "))
    want_exit = 1 if errors else 0
    if exit_status != want_exit:
        problems.append(f"exit status {exit_status}, expected {want_exit} ({errors} error lines)")
    extra = sum((a - 1) * n for a, n in attempts.items() if a > 1)
    print(f"{len(seen)} lines for {len(urls)} inputs, {len(named_files)} files checked, "
          f"outcomes {dict(sorted(kinds.items()))}, {sum(n for a, n in attempts.items() if a > 1)} lines with "
          f"more than one attempt ({extra} extra starts, at most {max(attempts) if attempts else 0}), exit {exit_status}")
    for problem in problems[:20]:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
