#!/usr/bin/env bash
# Sends an AdmissionReview to the running webhook (make run) and prints the decision, the decoded JSON Patch
# and the pod that results from applying it:  hack/demo.sh [REVIEW.json] [URL]
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."
review="${1:-examples/admission-review.json}"
url="${2:-https://localhost:8443/inject}"
ca="${CA_FILE:-target/dev-certs/ca.crt}"
[[ -s "${ca}" ]] || { echo "error: ${ca} not found: start the webhook with 'make run' first (or set CA_FILE)" >&2; exit 1; }

reply="$(curl --silent --show-error --fail-with-body --cacert "${ca}" -H 'Content-Type: application/json' --data @"${review}" "${url}")" \
  || { echo "error: the webhook at ${url} did not answer: ${reply:-is it running? try 'make run'}" >&2; exit 1; }

REPLY_JSON="${reply}" /usr/bin/python3 - "${review}" <<'PY'
import base64, copy, json, os, sys

review = json.load(open(sys.argv[1]))
response = json.loads(os.environ["REPLY_JSON"])["response"]

def pointer(path):
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]

def apply(doc, ops):
    doc = copy.deepcopy(doc)
    for op in ops:
        *parents, last = pointer(op["path"])
        target = doc
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            index = len(target) if last == "-" else int(last)
            if op["op"] == "add":
                target.insert(index, op["value"])
            elif op["op"] == "replace":
                target[index] = op["value"]
            else:
                del target[index]
        elif op["op"] in ("add", "replace"):
            target[last] = op["value"]
        else:
            del target[last]
    return doc

print("== decision")
print("uid:     ", response["uid"])
print("allowed: ", response["allowed"])
if "status" in response:
    print("message: ", response["status"].get("message"))
if "patch" not in response:
    print("patch:    none (the pod is admitted unchanged)")
    sys.exit(0)
patch = json.loads(base64.b64decode(response["patch"]))
print("patch:   ", len(patch), "operations,", response["patchType"])
print("\n== patch (decoded)")
print(json.dumps(patch, indent=2))
print("\n== resulting pod")
print(json.dumps(apply(review["request"]["object"], patch), indent=2))
PY
