"""Judges events against an EventBridge pattern with moto's engine (moto.events.models.EventPattern).

Reads one JSON object on stdin: {"pattern": {...}, "events": {"name": event, ...}}.
Writes one JSON object on stdout: {"name": true|false, ...}. Exit 2 when the pattern is invalid for moto,
1 (one line on stderr) when moto is not installed.

moto does not descend into arrays of objects (its _flatten_dict stops at lists), while EventBridge
matches a pattern on a field of an array of objects when any element matches. Where the pattern
addresses such an array (ECS's containers[].reason), each element is judged as its own event;
everything else is moto's, but for one more difference: moto's wildcard becomes the regular expression '.*',
whose '.' stops at a newline, while EventBridge's '*' matches "zero, one, or more characters" (EventBridge user
guide, "Wildcard matching"), and a container's reason keeps its newlines. A reason is therefore judged with each
newline as a carriage return, which '.' matches, unless the pattern itself holds either character.
"""

import itertools
import json
import sys

try:
    from moto.events.exceptions import InvalidEventPatternException
    from moto.events.models import EventPattern
except ImportError as missing:
    sys.exit(f"EventPatternJudge.py: moto is needed (pip install 'moto>=5.2'): {missing}")


_moto_wildcard_match = EventPattern._wildcard_match


def _wildcard_match_across_lines(item, pattern):
    if isinstance(item, str) and "\n" in item and "\n" not in pattern and "\r" not in pattern:
        item = item.replace("\n", "\r")
    return _moto_wildcard_match(item, pattern)


EventPattern._wildcard_match = staticmethod(_wildcard_match_across_lines)


def variants(node, pattern):
    """The event with every array of objects that the pattern addresses replaced by one of its elements."""
    if not isinstance(node, dict) or not isinstance(pattern, dict):
        return [node]
    sub_patterns = {}
    for key, value in pattern.items():
        for part in (value if key == "$or" else [{key: value}]):
            for k, v in part.items():
                if isinstance(v, dict):
                    sub_patterns.setdefault(k, {}).update(v)
    choices = []
    for key, sub in sub_patterns.items():
        value = node.get(key)
        if isinstance(value, list) and value and all(isinstance(e, dict) for e in value):
            options = [x for e in value for x in variants(e, sub)]
        else:
            options = variants(value, sub) if isinstance(value, dict) else [value]
        choices.append([(key, o) for o in options])
    result = []
    for combination in itertools.product(*choices):
        copy = dict(node)
        for key, value in combination:
            if key in node:
                copy[key] = value
        result.append(copy)
    return result


def main():
    request = json.load(sys.stdin)
    try:
        pattern = EventPattern.load(json.dumps(request["pattern"]))
    except InvalidEventPatternException as e:
        print(f"EventPatternJudge.py: moto rejects the pattern: {e}", file=sys.stderr)
        return 2
    verdicts = {
        name: any(pattern.matches_event(v) for v in variants(event, request["pattern"]))
        for name, event in request["events"].items()
    }
    json.dump(verdicts, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
