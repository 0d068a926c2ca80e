"""Judges a snippet from docs/prevention.md with the artefacts AWS's own tools deploy it with.

Usage: SnippetJudge.py ecs OPERATION < snippet.json   validates an AWS CLI --cli-input-json document against
                                                      botocore's ECS model (the same input shape the CLI sends)
       SnippetJudge.py cloudformation < template.yaml decodes a template as cfn-lint does (short-form tags
                                                      such as !Ref included)
Writes the snippet as JSON on stdout. Exit 1 with the reasons on stderr when it is not valid, 2 on bad usage.
"""

import json
import sys


def ecs(operation, text):
    import botocore.session
    from botocore.validate import ParamValidator

    try:
        params = json.loads(text)
    except json.JSONDecodeError as error:
        sys.exit(f"not JSON: {error}")
    shape = botocore.session.get_session().get_service_model("ecs").operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    if report.has_errors():
        sys.exit(report.generate_report())
    return params


def cloudformation(text):
    from cfnlint.decode import decode_str

    template, matches = decode_str(text)
    if matches:
        sys.exit("\n".join(str(m) for m in matches))
    return template


def main(argv):
    text = sys.stdin.read()
    if argv[1:2] == ["ecs"] and len(argv) == 3:
        result = ecs(argv[2], text)
    elif argv[1:] == ["cloudformation"]:
        result = cloudformation(text)
    else:
        print("SnippetJudge.py: usage: SnippetJudge.py ecs OPERATION | cloudformation", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
