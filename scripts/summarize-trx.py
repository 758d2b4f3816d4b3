"""Counts the test outcomes of every .trx file under a folder into one closing line.

Counts the individual results rather than the summary counters: vstest's counters leave xunit's skipped
tests out of "notExecuted", so they would print 0 skipped.
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
FAILED = {"Failed", "Error", "Timeout", "Aborted"}
SKIPPED = {"NotExecuted", "Inconclusive"}
totals = {"passed": 0, "failed": 0, "skipped": 0}
for trx in pathlib.Path(sys.argv[1]).rglob("*.trx"):
    for result in ET.parse(trx).getroot().iter(f"{NS}UnitTestResult"):
        outcome = result.get("outcome", "")
        if outcome == "Passed":
            totals["passed"] += 1
        elif outcome in SKIPPED:
            totals["skipped"] += 1
        elif outcome in FAILED:
            totals["failed"] += 1
print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
