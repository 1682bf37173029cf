# mispbump: see README.md. The two commands most people need:
#   make run    installs missing system packages, builds and starts the app
#   make test   runs every test (what CI runs)

GO      ?= go
BIN     ?= bin/mispbump
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/mispbump/mispbump/internal/version.Version=$(VERSION)

.PHONY: run build deps test demo bench apk clean

run: deps build
	$(BIN)

deps:
	scripts/deps.sh

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/mispbump

test:
	scripts/test.sh

demo: deps build
	scripts/demo.sh

bench:
	$(GO) run ./test/codebench

clean:
	rm -rf bin out test/artifacts
