#!/usr/bin/python3
"""`driftd --print-config-schema` against what driftd accepts and refuses.

  * the printed text is a valid JSON Schema, draft 2020-12 (check_schema);
  * every configuration the repository ships as a file is accepted by
    `driftd --check-config` and valid against the schema: config/*.json, the
    README's and docs' heredoc configurations (`cat > X.json <<'END'`), and
    the seeds of the config fuzzer that driftd accepts. A refusal that is
    about something other than the file (the TLS or CA files it names are
    not on this machine, librdkafka refuses a property) leaves the file
    valid against the schema, which is checked too;
  * a top-level "$schema" key is accepted by both and changes nothing;
  * every case of tests/fixtures/invalid_configs.json is refused by both:
    --check-config exits 78 with the one line `driftd: FILE: <message>`, and
    the schema reports an error at the field's path or at an object holding
    it.

Configurations are read as driftd reads them: // and /* */ comments are
stripped (strings, and the "//" of URLs in them, are left alone).

usage: /usr/bin/python3 config_schema_test.py DRIFTD_BINARY SOURCE_DIR
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

from jsonschema import Draft202012Validator

from driftd_harness import check, config_path, fail, run, strip_comments

EX_CONFIG = 78
HEREDOC = re.compile(r"cat > (\S+\.json) <<'(\w+)'\n(.*?)\n\2\n", re.S)
# What --check-config checks beyond the file's content (load_runnable_config
# in daemon/app/main.cc), named as such in the schema's description.
BEYOND_THE_FILE = re.compile(r'(http\.tls\.\w+|webhooks\.ca_file|kafka\.properties\["[^"]*"\]): ')


def check_config(binary, text):
    """(exit code, stderr, file name) of `driftd --check-config` on `text`."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="driftd-schema-") as f:
        f.write(text)
        f.flush()
        result = subprocess.run([binary, "--check-config", f.name], capture_output=True,
                                text=True, timeout=30)
        return result.returncode, result.stderr, f.name


def shipped_configs(source):
    """(name, text, must_be_valid) of every configuration file the
    repository ships; fuzzer seeds need not be valid."""
    for path in sorted(glob.glob(os.path.join(source, "config", "*.json"))):
        with open(path) as f:
            yield os.path.relpath(path, source), f.read(), True
    documents = [os.path.join(source, "README.md")]
    documents += sorted(glob.glob(os.path.join(source, "docs", "*.md")))
    documents += sorted(glob.glob(os.path.join(source, "config", "*.md")))
    for path in documents:
        with open(path) as f:
            for target, _, text in HEREDOC.findall(f.read()):
                yield f"{os.path.relpath(path, source)}: {target}", text, True
    for path in sorted(glob.glob(os.path.join(source, "tests", "fuzz", "corpus", "config", "*"))):
        with open(path) as f:
            yield os.path.relpath(path, source), f.read(), False


def encloses(outer, inner):
    """Whether config path `outer` is `inner` or an object or array holding it."""
    return outer == "" or inner == outer or (inner.startswith(outer) and inner[len(outer)] in ".[")


def schema_errors(validator, config):
    return [config_path(error.absolute_path) for error in validator.iter_errors(config)]


def main():
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    printed = subprocess.run([binary, "--print-config-schema"], capture_output=True, text=True,
                             timeout=30)
    check(printed.returncode == 0 and printed.stderr == "",
          "driftd --print-config-schema exits 0, silently")
    schema = json.loads(printed.stdout)
    Draft202012Validator.check_schema(schema)
    check(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema",
          "the printed schema is a valid draft 2020-12 JSON Schema")
    validator = Draft202012Validator(schema)

    valid = 0
    for name, text, must_be_valid in shipped_configs(source):
        code, stderr, file_name = check_config(binary, text)
        message = stderr.strip().removeprefix(f"driftd: {file_name}: ")
        if code != 0 and not BEYOND_THE_FILE.match(message):
            if must_be_valid:
                fail(f"{name}: driftd --check-config refuses it: {message}")
            print(f"skipped: {name}, a fuzzer seed driftd refuses ({message})")
            continue
        errors = [error.message for error in validator.iter_errors(json.loads(strip_comments(text)))]
        accepted = "accepted by driftd" if code == 0 else f"refused by driftd only for {message!r}"
        check(not errors, f"{name}: {accepted}, valid against the schema {errors}")
        valid += 1
    check(valid >= 6, f"{valid} shipped configurations checked")

    with open(os.path.join(source, "config", "embedded.json")) as f:
        embedded = json.loads(strip_comments(f.read()))
    with_schema = dict({"$schema": "./driftd.schema.json"}, **embedded)
    code, stderr, _ = check_config(binary, json.dumps(with_schema))
    check(code == 0, f"a top-level \"$schema\" is accepted by driftd {stderr.strip()}")
    check(not schema_errors(validator, with_schema), "... and by the schema")

    with open(os.path.join(source, "tests", "fixtures", "invalid_configs.json")) as f:
        cases = json.load(f)
    check(len(cases) >= 15, f"{len(cases)} invalid configurations")
    for case in cases:
        code, stderr, file_name = check_config(binary, json.dumps(case["config"]))
        expected = f"driftd: {file_name}: {case['message']}\n"
        if code != EX_CONFIG or stderr != expected:
            fail(f"{case['case']}: driftd --check-config exited {code} with {stderr!r}, "
                 f"expected {EX_CONFIG} with {expected!r}")
        where = case["message"].split(": ", 1)[0]
        errors = schema_errors(validator, case["config"])
        if not any(encloses(path, where) for path in errors):
            fail(f"{case['case']}: the schema reports {errors}, nothing at or around {where}")
        print(f"ok: {case['case']}: refused by both ({case['message']})")
    print("PASS")


if __name__ == "__main__":
    run(main)
