"""The benchmark's results as Markdown, written into docs/benchmarks.md.

Only the part between the two markers is rewritten, so the page's own text
(method, how to read the figures) stays as people wrote it.
"""

from pathlib import Path
from typing import Any

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"

BOT_P95_TARGET_MS = 300.0
RELAY_P99_TARGET_MS = 50.0
CONNECTIONS_TARGET = 5000


def write(path: Path, results: str) -> None:
    """Replace the results between the markers (or append them)."""
    block = f"{START}\n{results.rstrip()}\n{END}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def headline(attempts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The attempt other processes disturbed least."""
    if not attempts:
        return None
    return min(attempts, key=lambda attempt: attempt["others_cores"])


def render(outcome: dict[str, Any]) -> str:
    phases = outcome["phases"]
    lines = [
        "## Latest results",
        "",
        f"Run started {outcome['started_at']} with `{outcome['command']}` "
        f"(the `make bench` recipe); {outcome['total_seconds']} s in all, of which "
        f"{outcome['stack_ready_seconds']} s starting the stack.",
        "",
        *_machine(outcome),
        *_targets(phases),
        *_chat(headline(phases.get("chat", []))),
        *_relay(headline(phases.get("relay", []))),
        *_capacity(headline(phases.get("capacity", []))),
        *_conditions(phases, outcome),
    ]
    for name, why in outcome.get("skipped", {}).items():
        lines.append(f"- Phase `{name}` was not run: {why}.")
    return "\n".join(lines) + "\n"


def _machine(outcome: dict[str, Any]) -> list[str]:
    facts = outcome["machine"]
    soft, hard = facts["fd_limit_raised_to"]
    return [
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPUs (`nproc`) | {facts['nproc']} |",
        f"| CPU model | {facts['cpu_model']} |",
        f"| Memory | {facts['memory_gib']} GiB |",
        f"| Kernel | {facts['kernel']} |",
        f"| Python (gateway, tool) | {facts['python_gateway']} |",
        f"| Python (Rasa) | {facts['python_rasa']} |",
        f"| Open-file limit (soft/hard, after raising) | {soft} / {hard} |",
        f"| Load average at start (1/5/15 min) | {_load(outcome['load_at_start'])} |",
        f"| Load average at end | {_load(outcome['load_at_end'])} |",
        "| Busiest other processes at start (cores) | "
        + (", ".join(outcome["others_at_start"]) or "none")
        + " |",
        "",
    ]


def _targets(phases: dict[str, list[dict[str, Any]]]) -> list[str]:
    chat = headline(phases.get("chat", []))
    relay = headline(phases.get("relay", []))
    capacity = headline(phases.get("capacity", []))
    rows = ["### Targets (issue 9, on 2 cores)", "", "| Target | Measured | Met |"]
    rows.append("|---|---|---|")

    if chat is not None:
        p95 = chat["result"]["pooled"]["gateway"]["p95_ms"]
        rows.append(
            f"| Bot reply p95 ≤ {BOT_P95_TARGET_MS:.0f} ms, "
            f"{chat['result']['residents']} residents at once | {p95} ms | "
            f"{_met(p95 is not None and p95 <= BOT_P95_TARGET_MS)} |"
        )
    if capacity is not None:
        held = capacity["result"]["held"]
        rows.append(
            f"| {CONNECTIONS_TARGET:,} open resident connections on one gateway "
            f"worker | {held:,} held | {_met(held >= CONNECTIONS_TARGET)} |"
        )
    if relay is not None:
        result = relay["result"]
        a2r = result["agent_to_resident"]["p99_ms"]
        r2a = result["resident_to_agent"]["p99_ms"]
        worst = max(v for v in (a2r, r2a, 0.0) if v is not None)
        rows.append(
            f"| Relay p99 ≤ {RELAY_P99_TARGET_MS:.0f} ms with 500 active agent chats "
            f"| {result['active_chats']} chats: agent→resident {a2r} ms, "
            f"resident→agent {r2a} ms | "
            f"{_met(result['active_chats'] >= 500 and worst <= RELAY_P99_TARGET_MS)} |"
        )

    lost, duplicated = _losses(phases)
    rows.append(
        f"| Nothing lost or duplicated | {lost} lost, {duplicated} duplicated "
        f"(every attempt) | {_met(lost == 0 and duplicated == 0)} |"
    )
    return rows + [""]


def _losses(phases: dict[str, list[dict[str, Any]]]) -> tuple[int, int]:
    lost = duplicated = 0
    for attempt in phases.get("chat", []):
        lost += attempt["result"]["lost"]
        duplicated += attempt["result"]["duplicated"]
    for attempt in phases.get("relay", []):
        delivery = attempt["result"]["delivery"]
        lost += delivery["lost"] + delivery["gaps"]
        duplicated += delivery["duplicated"] + delivery["repeated_deliveries"]
    return lost, duplicated


def _chat(attempt: dict[str, Any] | None) -> list[str]:
    if attempt is None:
        return []
    result = attempt["result"]
    pooled = result["pooled"]
    rows = [
        "### Bot replies: the gateway beside Rasa's own socket.io channel",
        "",
        f"{result['residents']} residents at once, {result['questions_each']} "
        "questions each from `knowledge/eval/dev.yml`, "
        f"{_range(result['think_seconds'])} s think time; runs in the order "
        "gateway, socket.io, socket.io, gateway, pooled per side. Latency is from "
        "sending the question to the first answer arriving.",
        "",
        "| Front door | Answers | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    names = {"gateway": "Gateway websocket", "socketio": "Rasa socket.io"}
    for side, summary in pooled.items():
        rows.append(
            f"| {names[side]} | {summary['count']} | {summary['p50_ms']} | "
            f"{summary['p95_ms']} | {summary['p99_ms']} | {summary['max_ms']} |"
        )
    if "socketio" in pooled and "gateway" in pooled:
        ratio = [
            _ratio(pooled["gateway"][key], pooled["socketio"][key])
            for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")
        ]
        rows.append(f"| Ratio gateway / socket.io | | {' | '.join(ratio)} |")
    rows += ["", *_cpu(result["cpu_ms_per_answer"])]
    rows += [
        "",
        f"Unanswered within 30 s: {result['unanswered']}. Gateway messages lost: "
        f"{result['lost']}, duplicated: {result['duplicated']}.",
        "",
        "| Run | Side | Load before | Others' cores | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for number, run in enumerate(result["runs"], 1):
        reply = run["reply"]
        rows.append(
            f"| {number} | {run['side']} | {run['load_before']:.1f} | "
            f"{run['others_cores']} | {reply['p50_ms']} | {reply['p95_ms']} | "
            f"{reply['p99_ms']} |"
        )
    return rows + [""]


def _relay(attempt: dict[str, Any] | None) -> list[str]:
    if attempt is None:
        return []
    result = attempt["result"]
    delivery = result["delivery"]
    rows = [
        "### Relay between agents and residents",
        "",
        f"{result['active_chats']} chats held by 3 signed-in agents at once (set up "
        f"in {result['setup_seconds']} s; failures: {result['setup_failures']}). "
        f"{result['messages_relayed']} messages relayed in "
        f"{result['relay_seconds']} s ({result['messages_per_second']} a second), "
        "each chat alternating agent and resident with "
        f"{_range(result['think_seconds'])} s think time.",
        "",
        "| Direction | Messages | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    for key, name in (
        ("agent_to_resident", "Agent → resident"),
        ("resident_to_agent", "Resident → agent"),
    ):
        s = result[key]
        rows.append(
            f"| {name} | {s['count']} | {s['p50_ms']} | {s['p95_ms']} | "
            f"{s['p99_ms']} | {s['max_ms']} |"
        )
    cpu = result.get("cpu_ms_per_message") or {}
    if cpu:
        rows += [
            "",
            "CPU time per relayed message (ms), by process: "
            + ", ".join(f"{role} {ms}" for role, ms in cpu.items() if ms >= 0.05)
            + ".",
        ]
    rows += [
        "",
        f"Delivery: {delivery['messages']} messages tracked, {delivery['lost']} "
        f"lost, {delivery['duplicated']} duplicated, {delivery['gaps']} sequence "
        f"gaps, {delivery['repeated_deliveries']} repeats, "
        f"{delivery['audit_problems']} problems in the replayed logs; "
        f"{result['timeouts']} relays timed out.",
        "",
    ]
    return rows


def _capacity(attempt: dict[str, Any] | None) -> list[str]:
    if attempt is None:
        return []
    r = attempt["result"]
    per = r["bytes_per_connection"]
    return [
        "### Idle connections on one gateway worker",
        "",
        "| | |",
        "|---|---|",
        f"| Connections opened / still held after 3 s | {r['opened']:,} / "
        f"{r['held']:,} |",
        f"| Why opening stopped | {r['stopped_because']} |",
        f"| Gateway RSS before / with them / after closing | "
        f"{r['gateway_rss_mib_before']} / {r['gateway_rss_mib_after']} / "
        f"{r['gateway_rss_mib_after_close']} MiB |",
        f"| Memory per connection | "
        f"{'—' if per is None else f'{per / 1024:.1f} KiB'} |",
        f"| Gateway open files before / with them | {r['gateway_open_files_before']}"
        f" / {r['gateway_open_files_after']} |",
        f"| Held connections still answering (message acked) | {r['live_sample']} |",
        f"| Time to create the conversations / open the sockets | "
        f"{r['create_seconds']} s / {r['open_seconds']} s |",
        f"| Errors | {r['errors'] or 'none'} |",
        "",
    ]


def _conditions(
    phases: dict[str, list[dict[str, Any]]], outcome: dict[str, Any]
) -> list[str]:
    rows = [
        "### Conditions of each measurement",
        "",
        "Other processes' CPU is the machine's busy time less our own processes' "
        "(the stack, the peer and the tool), averaged over the measurement. The "
        "figures above come from the least disturbed attempt of each phase.",
        "",
        "| Phase | Attempt | Waited for quiet | Load before (1/5/15) | Load after | "
        "Our cores | Others' cores | Seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, attempts in phases.items():
        for number, a in enumerate(attempts, 1):
            rows.append(
                f"| {name} | {number} | {a['waited_seconds']} s | "
                f"{_load(a['load_before'])} | {_load(a['load_after'])} | "
                f"{a['ours_cores']} | {a['others_cores']} | {a['seconds']} |"
            )
    return rows + [""]


def _cpu(per_answer: dict[str, dict[str, float]]) -> list[str]:
    """CPU milliseconds per answer, by process, for each front door."""
    roles = sorted({role for spent in per_answer.values() for role in spent})
    rows = [
        "CPU time per answer (ms), by process:",
        "",
        "| Front door | " + " | ".join(roles) + " | total |",
        "|---|" + "---|" * (len(roles) + 1),
    ]
    for side, spent in per_answer.items():
        cells = [str(spent.get(role, "—")) for role in roles]
        total = round(sum(spent.values()), 1)
        rows.append(f"| {side} | " + " | ".join(cells) + f" | {total} |")
    return rows


def _range(bounds: list[float]) -> str:
    return f"{bounds[0]:g}–{bounds[1]:g}"


def _load(values: list[float] | tuple[float, ...]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or not theirs:
        return "—"
    return f"{ours / theirs:.2f}×"
