#!/bin/sh
# run.sh - `make bench`: the guide's aws CLI procedure (guide.sh) against
# `ecr-wizard apply --yes`, alternately, on one local moto server, each run
# on a fresh moto state.  Prints the medians and their ratio, the requests
# of a first and a second apply, the sequential depth and the peak memory.
#
#   BENCH_RUNS=N (default 5)   EW_BIN=path (default ./ecr-wizard)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${EW_BIN:-$top/ecr-wizard}
runs=${BENCH_RUNS:-5}
work=$(mktemp -d)
trap 'sh "$top/tests/tools/moto.sh" stop "$work/moto"; rm -rf "$work"' EXIT INT TERM
url=$(sh "$top/tests/tools/moto.sh" start "$work/moto")

# Nobody's real configuration, nothing sent outside 127.0.0.1.
export HOME="$work/home" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
mkdir -p "$HOME"
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_ENDPOINT_URL="$url" AWS_DEFAULT_REGION=us-east-1
export EW_NO_GITHUB_API=1 GITHUB_API_URL=http://127.0.0.1:9 NO_COLOR=1

python3 - "$top" "$bin" "$url" "$runs" "$work" <<'PY'
import json, os, resource, statistics, subprocess, sys, time, urllib.request

top, binary, url, runs, work = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
account, region, gh = "123456789012", "us-east-1", "bench-org/bench-app"
repo, role, policy = "bench-app", "GitHubActions-ECR-Role", "GitHubActions-ECR-Policy"

def reset():
    urllib.request.urlopen(urllib.request.Request(url + "/moto-api/reset", data=b"", method="POST"))

def timed(cmd, cwd):
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit("bench: %s failed (%d): %s" % (cmd[0], p.returncode, p.stderr.decode()[-500:]))
    return dt, p.stdout

# The wizard's peak memory: measured in a wrapper whose only child it is.
MAXRSS = ("import resource, subprocess, sys; "
          "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
          "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
          "sys.exit(r.returncode)")

guide, wizard, first, second, rss = [], [], None, None, []
apply_cmd = [binary, "apply", "--yes", "--github", gh, "--no-workflow", "--output", "json"]
for i in range(runs):
    d = os.path.join(work, "guide%d" % i); os.makedirs(d)
    reset()
    dt, _ = timed(["sh", os.path.join(top, "bench", "guide.sh"), url, account, region, gh, repo, role, policy], d)
    guide.append(dt)
    d = os.path.join(work, "wizard%d" % i); os.makedirs(d)
    reset()
    dt, out = timed(apply_cmd, d)
    wizard.append(dt)
    if first is None:
        first = json.loads(out)
        _, out = timed(apply_cmd, d)
        second = json.loads(out)
    reset()
    p = subprocess.run([sys.executable, "-c", MAXRSS] + apply_cmd, cwd=d, stdout=subprocess.PIPE)
    rss.append(int(p.stdout.split()[-1]))

g, w = statistics.median(guide), statistics.median(wizard)
print("runs:                         %d each, alternating, fresh moto state each" % runs)
print("guide (aws CLI), median:      %.3f s" % g)
print("ecr-wizard apply, median:     %.3f s" % w)
print("ratio:                        %.1fx (target >= 50)" % (g / w))
print("first apply:  requests %d (target <= 13), sequential depth %d (target <= 6), mutating %d"
      % (first["requests"], first["sequential_depth"], first["mutations"]))
print("second apply: requests %d, mutating %d (target 0)" % (second["requests"], second["mutations"]))
print("peak memory (maxrss):         %.1f MB (target < 16 MB)" % (max(rss) / 1024.0))

# The same apply with 50 ms added to every request by the fault proxy: the
# wall time should follow the sequential depth, not the request count.
pdir = os.path.join(work, "proxy")
os.makedirs(pdir)
with open(os.path.join(pdir, "rules.json"), "w") as f:
    json.dump([{"op": "*", "delay_ms": 50}], f)
proxy = subprocess.Popen([sys.executable, os.path.join(top, "tests", "tools", "fault_proxy.py"),
                          "--upstream", url, "--dir", pdir])
try:
    for _ in range(100):
        if os.path.exists(os.path.join(pdir, "port")):
            break
        time.sleep(0.05)
    port = open(os.path.join(pdir, "port")).read().strip()
    env = dict(os.environ, AWS_ENDPOINT_URL="http://127.0.0.1:%s" % port)

    def through_proxy(delay_ms):
        with open(os.path.join(pdir, "rules.json"), "w") as f:
            json.dump([{"op": "*", "delay_ms": delay_ms}], f)
        times = []
        for i in range(3):
            d = os.path.join(work, "slow%d-%d" % (delay_ms, i)); os.makedirs(d)
            reset()
            # moto builds each service's state on its first call after a
            # reset (IAM's takes most of a second): warm it up directly.
            subprocess.run([binary, "plan", "--github", gh, "--no-workflow"], cwd=d,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t = time.perf_counter()
            p = subprocess.run(apply_cmd, cwd=d, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            times.append(time.perf_counter() - t)
            if p.returncode != 0:
                sys.exit("bench: apply through the proxy failed: " + p.stderr.decode()[-500:])
        return statistics.median(times), json.loads(p.stdout)

    base, _ = through_proxy(0)
    slow, out = through_proxy(50)
    depth, reqs = out["sequential_depth"], out["requests"]
    print("apply through the proxy:      %.3f s median; with +50 ms per request %.3f s" % (base, slow))
    print("  added by the latency:       %.3f s (depth %d x 50 ms = %.2f s; "
          "all %d requests in a row = %.2f s)"
          % (slow - base, depth, depth * 0.05, reqs, reqs * 0.05))
finally:
    proxy.terminate()
    proxy.wait()
PY
