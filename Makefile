# The one build driver. Modules, connectors and binaries are found by glob,
# so adding connectors/<name>, cmd/baton-<name> and deploy/<name> needs no
# edit here (deploy's scaffold test proves it with a hypothetical "acme").

SHELL        := /bin/bash
.SHELLFLAGS  := -eu -o pipefail -c
export GOTOOLCHAIN := local
export GOFLAGS     := -buildvcs=false

ROOT        := $(abspath .)
BIN         := $(ROOT)/bin
DIST        := $(ROOT)/dist
DEMO_DIR    := $(ROOT)/.demo
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -s -w -X main.version=$(VERSION)

# Go modules of the workspace (tools/ is separate: it only builds the baton CLI).
MODULES     := $(patsubst %/go.mod,%,$(wildcard internal/go.mod connectors/*/go.mod cmd/go.mod))
CONNECTORS  := $(patsubst connectors/%/,%,$(wildcard connectors/*/))
COMMANDS    := $(patsubst cmd/%/,%,$(wildcard cmd/*/))
# Connectors that ship an image and a deployment: those with a main in
# cmd/baton-<name>.
SHIPPED     := $(foreach c,$(CONNECTORS),$(if $(wildcard cmd/baton-$(c)/main.go),$(c)))
OVERLAYS    := $(patsubst deploy/%/kustomization.yaml,%,$(filter-out deploy/base/%,$(wildcard deploy/*/kustomization.yaml)))

# Images: static binaries per platform, then an OCI index per connector.
IMAGE_PLATFORMS   ?= linux/amd64 linux/arm64
REVISION          ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
IMAGE_SOURCE      ?= https://github.com/accessgov/baton-connectors
IMAGE_LICENSES    ?= Apache-2.0

# deploy/ (images, manifests, workflow checks) and deploy/apiserver/tools (a
# real kube-apiserver and etcd) are modules outside go.work, always built
# with GOWORK=off, so their Kubernetes dependencies never meet baton-sdk's.
DEPLOY_GO    := cd $(ROOT)/deploy && GOWORK=off go
K8S_VERSION  := v1.36.3
ETCD_VERSION := v3.6.8
K8S_BIN      := $(BIN)/k8s-$(K8S_VERSION)-etcd-$(ETCD_VERSION)
# actionlint is pinned as a tool in deploy/go.mod (go tool actionlint).

GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT         := $(BIN)/golangci-lint

.PHONY: all build build-static test test-modules check-gowork-off check-generated test-deploy images manifests k8s-check connectors-json modules-json release-binaries lint demo bench tidy generate clean help

all: build

help:
	@echo "make demo      build everything, sync the built-in fake APIs, then run service mode against a fake ConductorOne"
	@echo "make test      every module's tests with -race, module-alone builds, generated files up to date"
	@echo "make build     one binary per command under dist/ (version $(VERSION))"
	@echo "make build-static  the same, CGO_ENABLED=0 static, for release images"
	@echo "make lint      golangci-lint $(GOLANGCI_LINT_VERSION) per module"
	@echo "make bench     the large-fake benchmarks (requests, wall time, peak memory)"
	@echo "make generate  config structs and baton_capabilities.json"
	@echo "make tidy      go mod tidy in every module"
	@echo "make images    one OCI image per connector ($(IMAGE_PLATFORMS)) under dist/images/"
	@echo "make manifests every deploy/<name> overlay rendered to dist/manifests/"
	@echo "make k8s-check apply every overlay to a real kube-apiserver $(K8S_VERSION) (Pod Security restricted)"

## build: one binary per command under dist/.
build:
	@mkdir -p $(DIST)
	@for c in $(COMMANDS); do \
		echo "go build dist/$$c"; \
		go build -ldflags '$(LDFLAGS)' -o $(DIST)/$$c ./cmd/$$c; \
	done

## build-static: release binaries (no cgo, so -race is not possible here).
build-static:
	@mkdir -p $(DIST)
	@for c in $(COMMANDS); do \
		echo "go build (static) dist/$$c"; \
		CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o $(DIST)/$$c ./cmd/$$c; \
	done

## test: the command README.md and .ci/run use.
test: test-modules check-gowork-off check-generated test-deploy

test-modules:
	@for m in $(MODULES); do \
		echo "== go test -race $$m"; \
		(cd $$m && go test -race -count=1 -timeout 20m ./...); \
	done

# Each module must build on its own, with only what its go.mod declares.
check-gowork-off:
	@for m in $(MODULES); do \
		echo "== GOWORK=off go build/vet $$m"; \
		(cd $$m && GOWORK=off go build ./... && GOWORK=off go vet ./...); \
	done

## test-deploy: images, overlays, Dockerfile and workflows (deploy/'s tests
## read the images that `make images` just wrote).
test-deploy: images
	@echo "== GOWORK=off go vet + go test deploy"
	@$(DEPLOY_GO) vet ./...
	@CONNECTORS="$(SHIPPED)" $(DEPLOY_GO) test -count=1 -timeout 15m ./...

# Regenerating must not change anything that is committed.
check-generated: generate
	@if ! git diff --quiet -- $(addprefix connectors/,$(CONNECTORS)); then \
		git --no-pager diff --stat -- $(addprefix connectors/,$(CONNECTORS)); \
		echo "generated files are stale: run 'make generate' and commit the result"; exit 1; \
	fi
	@echo "generated files are up to date"

## generate: config structs (conf.gen.go) and baton_capabilities.json.
generate:
	@for c in $(CONNECTORS); do \
		(cd connectors/$$c/config && go generate ./... && gofmt -w conf.gen.go); \
		go build -o $(BIN)/baton-$$c ./cmd/baton-$$c; \
		$(BIN)/baton-$$c capabilities > connectors/$$c/baton_capabilities.json; \
	done

## images: static binaries for every platform, then one OCI layout per
## connector: dist/images/baton-<name>/ and its .digest. Same commit, same digest.
images:
	@mkdir -p $(DIST)/images
	@for p in $(IMAGE_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; \
		echo "go build (static) dist/$${os}_$${arch}/: $(addprefix baton-,$(SHIPPED))"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -ldflags '$(LDFLAGS)' \
			-o $(DIST)/$${os}_$${arch}/ $(addprefix ./cmd/baton-,$(SHIPPED)); \
	done
	@$(DEPLOY_GO) build -o $(BIN)/imagebuild ./cmd/imagebuild
	@$(BIN)/imagebuild build -dist $(DIST) -platforms "$(IMAGE_PLATFORMS)" \
		-version $(VERSION) -revision $(REVISION) -created $(SOURCE_DATE_EPOCH) \
		-source $(IMAGE_SOURCE) -licenses $(IMAGE_LICENSES) $(SHIPPED)

## manifests: every overlay rendered (kustomize, in process) to dist/manifests/<name>.yaml.
manifests:
	@$(DEPLOY_GO) run ./cmd/render -deploy $(ROOT)/deploy -out $(DIST)/manifests $(OVERLAYS)

## connectors-json, modules-json: JSON lists for CI's matrices.
comma := ,
empty :=
space := $(empty) $(empty)
json   = [$(subst $(space),$(comma),$(strip $(patsubst %,"%",$(1))))]
connectors-json:
	@echo '$(call json,$(SHIPPED))'
modules-json:
	@echo '$(call json,$(MODULES))'

## release-binaries: every shipped connector for every release platform,
## as dist/release/baton-<name>_<version>_<os>_<arch>.tar.gz plus SHA256SUMS.
RELEASE_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
release-binaries:
	@rm -rf $(DIST)/release && mkdir -p $(DIST)/release
	@for p in $(RELEASE_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; \
		for c in $(SHIPPED); do \
			d=$(DIST)/release/baton-$${c}_$(VERSION)_$${os}_$${arch}; \
			echo "go build (static) $$d"; \
			CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -ldflags '$(LDFLAGS)' -o $$d/baton-$$c ./cmd/baton-$$c; \
			if [ -f connectors/$$c/README.md ]; then cp connectors/$$c/README.md $$d/; fi; \
			tar -C $(DIST)/release --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$(SOURCE_DATE_EPOCH) \
				-czf $$d.tar.gz $$(basename $$d); \
			rm -rf $$d; \
		done; \
	done
	@cd $(DIST)/release && sha256sum *.tar.gz > SHA256SUMS && cat SHA256SUMS

## k8s-check: a real kube-apiserver and etcd (built once from the module
## proxy, cached under bin/) on loopback; every overlay and example Secret is
## applied into a namespace enforcing Pod Security "restricted"; any rejection
## or warning fails.
k8s-check: manifests $(K8S_BIN)/kube-apiserver $(K8S_BIN)/etcd $(K8S_BIN)/k8scheck
	@$(K8S_BIN)/k8scheck -bin $(K8S_BIN) -timeout 5m $(addprefix $(DIST)/manifests/,$(addsuffix .yaml,$(OVERLAYS))) \
		$(wildcard $(addprefix deploy/,$(addsuffix /secret.example.yaml,$(OVERLAYS))))

K8S_TOOLS_GO := cd $(ROOT)/deploy/apiserver/tools && GOWORK=off go

$(K8S_BIN)/kube-apiserver: deploy/apiserver/tools/go.mod deploy/apiserver/tools/go.sum
	@echo "go build kube-apiserver $(K8S_VERSION) (cold: about 9 minutes on 2 cores)"
	@$(K8S_TOOLS_GO) build -trimpath -ldflags '-s -w -X k8s.io/component-base/version.gitVersion=$(K8S_VERSION) -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(word 2,$(subst ., ,$(K8S_VERSION)))' \
		-o $@ k8s.io/kubernetes/cmd/kube-apiserver

$(K8S_BIN)/etcd: deploy/apiserver/tools/go.mod deploy/apiserver/tools/go.sum
	@echo "go build etcd $(ETCD_VERSION)"
	@$(K8S_TOOLS_GO) build -trimpath -ldflags '-s -w' -o $@ go.etcd.io/etcd/server/v3

$(K8S_BIN)/k8scheck: deploy/apiserver/tools/go.mod deploy/apiserver/tools/go.sum $(wildcard deploy/apiserver/tools/*.go)
	@$(K8S_TOOLS_GO) build -trimpath -o $@ .

## lint: golangci-lint per module directory (a run at the workspace root can
## report 0 issues after a typecheck failure).
lint: $(GOLANGCI_LINT)
	@for m in $(MODULES); do \
		echo "== golangci-lint $$m"; \
		(cd $$m && $(GOLANGCI_LINT) run --config $(ROOT)/.golangci.yml ./...); \
	done
	@for m in deploy deploy/apiserver/tools; do \
		echo "== golangci-lint $$m (GOWORK=off)"; \
		(cd $$m && GOWORK=off $(GOLANGCI_LINT) run --config $(ROOT)/.golangci.yml ./...); \
	done

$(GOLANGCI_LINT):
	GOBIN=$(BIN) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

$(BIN)/baton: tools/go.mod tools/go.sum
	cd tools && GOWORK=off go build -o $(BIN)/baton github.com/conductorone/baton-sdk/cmd/baton

## demo: every connector against its built-in fake, one screen each: a
## one-shot sync in plain words, then service mode against a fake
## ConductorOne (cmd/c1-fake), then the baton commands to explore the c1z.
demo: build $(BIN)/baton
	@for c in $(CONNECTORS); do \
		ROOT=$(ROOT) DIST=$(DIST) BIN=$(BIN) DEMO_DIR=$(DEMO_DIR) scripts/demo.sh $$c; \
	done

## bench: the large-fake benchmarks (BENCH selects them, e.g. BENCH=Sync_Large).
BENCH ?= .
bench:
	@for c in $(CONNECTORS); do \
		(cd connectors/$$c && go test -run '^$$' -bench '$(BENCH)' -benchtime 1x -timeout 30m ./...); \
	done

tidy:
	@for m in $(MODULES) tools deploy deploy/apiserver/tools; do (cd $$m && GOWORK=off go mod tidy); done

clean:
	rm -rf $(DIST) $(DEMO_DIR)
