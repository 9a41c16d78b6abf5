#!/usr/bin/python3
"""Validates an fpt event stream (JSON Lines) against docs/events.schema.json.

Usage: validate_events.py SCHEMA EVENTS.jsonl
Checks every line against the schema, then the stream's structure: a session line first and a
summary line last, rep numbers that rise, a verdict for every rep_end. Prints one line per
problem and exits 1 if there is any.
"""
import json
import sys

import jsonschema


def main() -> int:
    schema_path, events_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    events = []
    with open(events_path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                event = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"line {n}: not JSON: {e}")
                continue
            for error in validator.iter_errors(event):
                problems.append(f"line {n} ({event.get('type')}): {error.message}")
            events.append(event)
    if not events or events[0].get("type") != "session":
        problems.append("the first line is not a session event")
    if not events or events[-1].get("type") != "summary":
        problems.append("the last line is not a summary event")
    ends = [e["rep"] for e in events if e.get("type") == "rep_end"]
    verdicts = [e["rep"] for e in events if e.get("type") == "verdict"]
    if ends != verdicts:
        problems.append(f"rep_end reps {ends} and verdict reps {verdicts} differ")
    if ends != sorted(ends) or len(set(ends)) != len(ends):
        problems.append(f"rep numbers do not rise: {ends}")
    for p in problems:
        print(p)
    print(f"{len(events)} events, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
