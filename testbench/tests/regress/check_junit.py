"""Reads a junit.xml the way a CI server does (python3-junitparser, Debian) and prints one line per
suite and per case, for regress_command_test to compare:

    suite NAME tests=N failures=N errors=N skipped=N
    case SUITE | NAME | passed|failure|error|skipped | TYPE | MESSAGE | SYSTEM-OUT (newlines as \\n)

Exit status 2 when junitparser is missing or the file does not parse."""
import sys

try:
    from junitparser import Error, Failure, JUnitXml, Skipped
except ImportError:
    print("check_junit.py: python3-junitparser is missing (tools/install-deps installs it)", file=sys.stderr)
    sys.exit(2)

try:
    xml = JUnitXml.fromfile(sys.argv[1])
except Exception as e:  # noqa: BLE001 - any parse error is the answer
    print(f"check_junit.py: {sys.argv[1]}: {e}", file=sys.stderr)
    sys.exit(2)

for suite in xml:
    print(f"suite {suite.name} tests={suite.tests} failures={suite.failures} errors={suite.errors} skipped={suite.skipped}")
    for case in suite:
        status, kind, message = "passed", "", ""
        for result in case.result:
            status = {Failure: "failure", Error: "error", Skipped: "skipped"}[type(result)]
            kind, message = result.type or "", result.message or ""
        out = (case.system_out or "").replace("\n", "\\n")
        print(f"case {suite.name} | {case.name} | {status} | {kind} | {message} | {out}")
