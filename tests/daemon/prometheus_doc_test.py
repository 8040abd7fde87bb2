#!/usr/bin/python3
"""docs/prometheus.md lists exactly the metrics driftd serves: its table
between the begin/end markers is the output of `driftd --print-metrics`.
usage: /usr/bin/python3 prometheus_doc_test.py DRIFTD_BINARY
(to refresh the table: replace it with the command's output)"""
import pathlib
import subprocess
import sys

doc = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "prometheus.md").read_text()
begin = "<!-- begin: driftd --print-metrics -->\n"
end = "<!-- end: driftd --print-metrics -->"
table = doc[doc.index(begin) + len(begin):doc.index(end)]
listed = subprocess.run([sys.argv[1], "--print-metrics"], capture_output=True, text=True,
                        check=True).stdout
if table != listed:
    print("FAIL: docs/prometheus.md's table differs from driftd --print-metrics:\n" + listed)
    sys.exit(1)
print(f"ok: docs/prometheus.md lists the {listed.count(chr(10)) - 2} metric families")
