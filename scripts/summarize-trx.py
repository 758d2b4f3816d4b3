"""Sums the outcome counters of every .trx file under a folder into one closing line."""
import pathlib
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
totals = {"passed": 0, "failed": 0, "skipped": 0}
for trx in pathlib.Path(sys.argv[1]).rglob("*.trx"):
    counters = ET.parse(trx).getroot().find(f"{NS}ResultSummary/{NS}Counters")
    if counters is None:
        continue
    totals["passed"] += int(counters.get("passed", 0))
    totals["failed"] += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    totals["skipped"] += int(counters.get("notExecuted", 0))
print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
