# The one build driver. Modules, connectors and binaries are found by glob,
# so adding connectors/<name>, cmd/baton-<name> and deploy/<name> needs no
# edit here.

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

GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT         := $(BIN)/golangci-lint

.PHONY: all build build-static test test-modules check-gowork-off check-generated lint demo bench tidy generate clean help

all: build

help:
	@echo "make demo      build everything, sync the built-in fake APIs, show the result with the baton CLI"
	@echo "make test      every module's tests with -race, module-alone builds, generated files up to date"
	@echo "make build     one binary per command under dist/ (version $(VERSION))"
	@echo "make build-static  the same, CGO_ENABLED=0 static, for release images"
	@echo "make lint      golangci-lint $(GOLANGCI_LINT_VERSION) per module"
	@echo "make bench     the large-fake benchmarks (requests, wall time, peak memory)"
	@echo "make generate  config structs and baton_capabilities.json"
	@echo "make tidy      go mod tidy in every module"

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
test: test-modules check-gowork-off check-generated

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

## lint: golangci-lint per module directory (a run at the workspace root can
## report 0 issues after a typecheck failure).
lint: $(GOLANGCI_LINT)
	@for m in $(MODULES); do \
		echo "== golangci-lint $$m"; \
		(cd $$m && $(GOLANGCI_LINT) run --config $(ROOT)/.golangci.yml ./...); \
	done

$(GOLANGCI_LINT):
	GOBIN=$(BIN) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

$(BIN)/baton: tools/go.mod tools/go.sum
	cd tools && GOWORK=off go build -o $(BIN)/baton github.com/conductorone/baton-sdk/cmd/baton

## demo: every connector against its built-in fake.
demo: build $(BIN)/baton
	@for c in $(CONNECTORS); do \
		DIST=$(DIST) BIN=$(BIN) DEMO_DIR=$(DEMO_DIR) scripts/demo.sh $$c; \
	done

## bench: the large-fake benchmarks.
bench:
	@for c in $(CONNECTORS); do \
		(cd connectors/$$c && go test -run '^$$' -bench . -benchtime 1x -timeout 30m ./...); \
	done

tidy:
	@for m in $(MODULES) tools; do (cd $$m && GOWORK=off go mod tidy); done

clean:
	rm -rf $(DIST) $(DEMO_DIR)
