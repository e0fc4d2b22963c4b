"""The API flow driven by wrk: a load generator written in C, so that on a 2-core machine the load
itself takes little of the CPU the server is measured on (the asyncio generator in load_survey.py
takes about 12 % of the machine at 230 submits/s; wrk about a third of that).

Each wrk connection is a respondent's phone on the API flow: GET the questionnaire, then POST a
complete answer set, one after the other. The answer sets are built in Python from the survey's
own questionnaire; Lua adds a submission id unique to the run. wrk counts the answers by status and
reports latency percentiles over every request (it cannot tell which response answers which
request, so the GET and the POST are counted together).

wrk stops at its deadline without waiting for requests in flight, so a submit may be stored whose
201 never arrived: stored responses lie between the acknowledged count and that count plus one per
connection, and anything else is a loss (or a duplicate) that fails the run.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

LUA = r"""
local token, nonce, n, turn = nil, nil, 0, 0
acknowledged, already, failed, tid = 0, 0, 0, 0
local threads, started = {}, 0

function setup(thread)
  started = started + 1
  thread:set("tid", started)
  table.insert(threads, thread)
end

function init(args)
  token, nonce = args[1], args[2]
  math.randomseed(tid * 7919)
end

local function submit_body()
  n = n + 1
  local id = string.format("%s%02x%014x", nonce, tid, n)
  local rest = BODIES[math.random(#BODIES)]
  return '{"submission_id":"' .. id .. '",' .. string.sub(rest, 2)
end

function request()
  turn = turn + 1
  if turn % 2 == 1 then
    return wrk.format("GET", "/api/respond/" .. token .. "/")
  end
  return wrk.format(
    "POST", "/api/respond/" .. token .. "/submit/", {["Content-Type"] = "application/json"}, submit_body()
  )
end

function response(status, headers, body)
  if status == 201 then
    acknowledged = acknowledged + 1
  elseif status == 200 then
    if string.find(body, '"stored":false', 1, true) then already = already + 1 end
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local a, d, f = 0, 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("acknowledged"); d = d + thread:get("already"); f = f + thread:get("failed")
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d acknowledged=%d already=%d failed=%d ",
    summary.requests, summary.duration, a, d, f))
  io.write(string.format("socket_errors=%d p50_us=%d p95_us=%d p99_us=%d\n",
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    elapsed: float
    acknowledged: int
    already: int
    failed: int  # answered with a status other than 200/201
    socket_errors: int
    p50: float
    p95: float
    p99: float
    cpu_seconds: float  # wrk's own user + system time

    @property
    def submits_per_second(self) -> float:
        return self.acknowledged / self.elapsed


def available() -> bool:
    return shutil.which("wrk") is not None


def script(bodies: list[str]) -> str:
    """The Lua script with the answer sets inlined (long brackets: no escaping needed)."""
    for body in bodies:
        if not body.startswith("{") or "]==]" in body:
            raise ValueError(f"cannot inline this body: {body[:40]}")
    table = ",\n".join(f"[==[{body}]==]" for body in bodies)
    return f"BODIES = {{\n{table}\n}}\n{LUA}"


def run(url: str, token: str, bodies: list[str], *, duration: float, connections: int) -> WrkResult:
    """Run wrk for `duration` seconds with `connections` respondents; one wrk thread (the second
    core belongs to the server)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script(bodies))
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration:.0f}s", "-s", handle.name, url, "--"]
    command += [token, uuid.uuid4().hex[:16]]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        Path(handle.name).unlink()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    match = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    values = {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    return WrkResult(
        requests=values["requests"],
        elapsed=values["duration_us"] / 1e6,
        acknowledged=values["acknowledged"],
        already=values["already"],
        failed=values["failed"],
        socket_errors=values["socket_errors"],
        p50=values["p50_us"] / 1e6,
        p95=values["p95_us"] / 1e6,
        p99=values["p99_us"] / 1e6,
        cpu_seconds=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
    )
