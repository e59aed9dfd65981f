# gitops-guard — the two commands a newcomer runs: `make run` and `make test`.
# Everything runs on the Node.js LTS pinned in devDependencies ("node"), not the machine's Node.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
NODE_STAMP := node_modules/.install-stamp

.PHONY: run test install build lint typecheck unit demo bench certs clean e2e-kind manifests install-snapshot

# Installs what is missing, builds, and serves the webhook on https://127.0.0.1:8443 with the
# embedded default policy, certificates in certs/ and records in records/decisions.jsonl.
run: build
	@mkdir -p records
	@echo "try: curl -s --cacert certs/ca.crt https://127.0.0.1:8443/healthz ; make demo (in another shell) sends example AdmissionReviews"
	node --v8-pool-size=1 --max-old-space-size=256 dist/src/bin/gitops-guard.js serve --host 127.0.0.1 --port 8443 --cert-dir certs --records records/decisions.jsonl

# Installs, builds, lints, typechecks and runs every test.
test: build lint typecheck unit

install: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: install
	tsc -p tsconfig.build.json

lint: install
	eslint .

typecheck: install
	tsc -p tsconfig.json --noEmit

unit: install
	node --test --test-concurrency=2 "test/**/*.test.ts"

demo: build
	bash examples/demo.sh

bench: build
	node bench/check-5000.ts --runs 5
	node bench/serve-bench.ts
	node bench/serve-stages.ts

certs: build
	node dist/src/bin/gitops-guard.js certs --dir certs

# Regenerates every kustomize variant in manifests/ from `install --export` (test/manifests checks they are equal).
manifests: install
	for v in base production cert-manager without-watch; do node src/bin/gitops-guard.ts install --export --variant $$v --kustomize-dir manifests/$$v; done

# At a release tag: this release's install becomes the one the next release's upgrade is checked from.
install-snapshot: install
	for v in base production cert-manager without-watch; do { echo "# gitops-guard $$(node -p 'require("./package.json").version') install --export --variant $$v: the previous release's install, from which test/manifests checks the upgrade."; node src/bin/gitops-guard.ts install --export --variant $$v; } > test/fixtures/install/previous/$$v.yaml; done

# A real cluster (Docker and kind required; does not run on the development machines).
e2e-kind: build
	bash scripts/e2e-kind.sh

clean:
	rm -rf dist node_modules records bench/results
