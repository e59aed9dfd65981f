#!/usr/bin/env bash
# Sends every example AdmissionReview in examples/admission/ to a running `make run` server and
# shows the answers the way kube-apiserver reads them (patches decoded).
set -euo pipefail
cd "$(dirname "$0")/.."
URL="${GITOPS_GUARD_URL:-https://127.0.0.1:8443}"
CA="${GITOPS_GUARD_CA:-certs/ca.crt}"
if ! curl -sf --cacert "$CA" "$URL/healthz" >/dev/null; then
  echo "no gitops-guard at $URL: start it with 'make run' in another shell" >&2
  exit 1
fi
for review in examples/admission/*.json; do
  for webhook in mutate validate; do
    answer=$(curl -s --cacert "$CA" -H 'content-type: application/json' --data-binary "@$review" "$URL/$webhook")
    node -e '
      const [file, webhook, text] = process.argv.slice(1);
      const r = JSON.parse(text).response ?? {};
      const verdict = r.allowed ? "allowed" : `DENIED (${r.status?.code})`;
      console.log(`\n== ${file.replace("examples/admission/", "")} → /${webhook}: ${verdict}`);
      if (r.status?.message) console.log(`   message: ${r.status.message}`);
      for (const w of r.warnings ?? []) console.log(`   warning: ${w}`);
      if (r.patch) for (const op of JSON.parse(Buffer.from(r.patch, "base64").toString())) console.log(`   patch: ${op.op} ${op.path}${"value" in op ? " = " + JSON.stringify(op.value) : ""}`);
    ' "$review" "$webhook" "$answer"
  done
done
echo
echo "decision records: records/decisions.jsonl"
