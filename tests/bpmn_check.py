#!/usr/bin/env python3
"""Validates exported .bpmn files against the BPMN 2.0 XSD and parses them with
SpiffWorkflow's BpmnParser, then checks lanes, tasks and gateways against expectations.

usage: bpmn_check.py EXPECTATIONS.json
EXPECTATIONS.json: [{"file": "...", "lanes": [...], "steps": [[activity, lane, kind], ...]}]
where kind is "start", "end", "task" or "gateway", and "branches": [[gateway step,
"Ya"/"Tidak", target step], ...] (1-based step indexes). Prints one line per problem and exits
1 if there is any; prints "ok N" otherwise.
"""
import json
import sys
import xml.etree.ElementTree as ET

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator

KINDS = {
    "StartEvent": "start",
    "EndEvent": "end",
    "NoneTask": "task",
    "ExclusiveGateway": "gateway",
}


def check(item):
    problems = []
    parser = BpmnParser(validator=BpmnValidator())
    # add_bpmn_file validates against the XSD shipped with SpiffWorkflow.
    parser.add_bpmn_file(item["file"])
    spec = parser.get_spec("Process_1")
    nodes = {}
    lanes = set()
    for name, t in spec.task_specs.items():
        if name.startswith("Step_"):
            nodes[int(name.split("_")[1])] = t
        if getattr(t, "lane", None):
            lanes.add(t.lane)
    for i, (activity, lane, kind) in enumerate(item["steps"], start=1):
        t = nodes.get(i)
        if t is None:
            problems.append(f"step {i} missing")
            continue
        got = KINDS.get(type(t).__name__, type(t).__name__)
        if got != kind:
            problems.append(f"step {i}: {got} != {kind}")
        if t.bpmn_name != activity:
            problems.append(f"step {i}: name {t.bpmn_name!r} != {activity!r}")
        if lane is not None and t.lane != lane:
            problems.append(f"step {i}: lane {t.lane!r} != {lane!r}")
    # Decision branches: sequence flows named Ya / Tidak from the gateway.
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    root = ET.parse(item["file"]).getroot()
    flows = {}
    for f in root.iter(f"{{{ns['bpmn']}}}sequenceFlow"):
        if f.get("name"):
            flows[(f.get("sourceRef"), f.get("name"))] = f.get("targetRef")
    for gi, label, target in item.get("branches", []):
        got = flows.get((f"Step_{gi}", label))
        if got != f"Step_{target}":
            problems.append(f"step {gi}: {label} -> {got} != Step_{target}")
    missing = set(item["lanes"]) - lanes
    # A lane without any step is allowed only if the SOP lists an actor without steps.
    for lane in missing:
        if any(s[1] == lane for s in item["steps"]):
            problems.append(f"lane {lane!r} missing")
    if len(nodes) != len(item["steps"]):
        problems.append(f"{len(nodes)} step nodes != {len(item['steps'])}")
    return problems


def main():
    items = json.load(open(sys.argv[1], encoding="utf-8"))
    bad = 0
    for item in items:
        try:
            problems = check(item)
        except Exception as e:  # a parse or validation failure
            problems = [f"{type(e).__name__}: {e}"]
        for p in problems:
            bad += 1
            print(f"{item['file']}: {p}")
    if bad:
        sys.exit(1)
    print(f"ok {len(items)}")


if __name__ == "__main__":
    main()
