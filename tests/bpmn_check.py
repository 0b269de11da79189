#!/usr/bin/env python3
"""Validates exported .bpmn files against the BPMN 2.0 XSD and parses them with
SpiffWorkflow's BpmnParser, then checks lanes, tasks and gateways against expectations.

usage: bpmn_check.py EXPECTATIONS.json
EXPECTATIONS.json: [{"file": "...", "lanes": [...], "steps": [[activity, lane, kind,
performers], ...]}] where kind is "task" or "gateway" and performers the actors a task names as
humanPerformer, and "branches": [[gateway step, "Ya"/"Tidak", target id], ...] (1-based step
indexes, target "Step_n" or "End_1"). Every gateway must have exactly its two flows, the process
must go Start_1 -> Step_1 and reach End_1, and SpiffWorkflow must run every decision's "Ya" and
its "Tidak" branch to the end. Prints one line per problem and exits 1 if there is any; prints
"ok N" otherwise.
"""
import json
import sys
import xml.etree.ElementTree as ET

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

# Engine steps allowed for one run (a loop that never ends is a failure).
MAX_RUN_STEPS = 20000

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
    for i, (activity, lane, kind, performers) in enumerate(item["steps"], start=1):
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
    outgoing = {}
    for f in root.iter(f"{{{ns['bpmn']}}}sequenceFlow"):
        outgoing[f.get("sourceRef")] = outgoing.get(f.get("sourceRef"), 0) + 1
        if f.get("name"):
            flows[(f.get("sourceRef"), f.get("name"))] = f.get("targetRef")
    for gi, label, target in item.get("branches", []):
        got = flows.get((f"Step_{gi}", label))
        if got != target:
            problems.append(f"step {gi}: {label} -> {got} != {target}")
        if outgoing.get(f"Step_{gi}") != 2:
            problems.append(f"step {gi}: {outgoing.get(f'Step_{gi}')} outgoing flows != 2")
    # Performers: every actor of a task as humanPerformer.
    for el in root.iter(f"{{{ns['bpmn']}}}task"):
        if not el.get("id", "").startswith("Step_"):
            continue
        i = int(el.get("id").split("_")[1])
        got = [p.get("name") for p in el.iter(f"{{{ns['bpmn']}}}humanPerformer")]
        want = item["steps"][i - 1][3] if i <= len(item["steps"]) else []
        if got != want:
            problems.append(f"step {i}: performers {got} != {want}")
    if item["steps"] and flows.get(("Start_1", None)) is None:
        first = [f.get("targetRef") for f in root.iter(f"{{{ns['bpmn']}}}sequenceFlow")
                 if f.get("sourceRef") == "Start_1"]
        if first != ["Step_1"]:
            problems.append(f"Start_1 -> {first} != ['Step_1']")
    # Every decision's two branches run to the end.
    gateways = sorted({gi for gi, _, _ in item.get("branches", [])})
    for gi in gateways:
        for label in ("Ya", "Tidak"):
            err = run(spec, parser, f"Step_{gi}", label)
            if err:
                problems.append(f"step {gi}: run with {label}: {err}")
    if not gateways and item["steps"]:
        err = run(spec, parser, None, None)
        if err:
            problems.append(f"run: {err}")
    missing = set(item["lanes"]) - lanes
    # A lane without any step is allowed only if the SOP lists an actor without steps.
    for lane in missing:
        if any(s[1] == lane for s in item["steps"]):
            problems.append(f"lane {lane!r} missing")
    if len(nodes) != len(item["steps"]):
        problems.append(f"{len(nodes)} step nodes != {len(item['steps'])}")
    return problems


def run(spec, parser, gateway, first):
    """Runs the process; the first time `gateway` decides, it takes `first`, every other
    decision "Ya" (a loop back on "Tidak" thus ends). Returns a problem or None."""
    wf = BpmnWorkflow(spec, parser.get_subprocess_specs("Process_1"))
    taken = False
    passed = False
    for _ in range(MAX_RUN_STEPS):
        ready = wf.get_tasks(state=TaskState.READY)
        if not ready:
            break
        t = ready[0]
        if t.task_spec.name == gateway and not taken:
            t.data["keputusan"] = first
            taken = True
            passed = True
        else:
            t.data["keputusan"] = "Ya"
        t.run()
    else:
        return "does not end"
    if not wf.is_completed():
        return "stopped before the end"
    if gateway and not passed:
        return "decision never reached"
    return None


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
