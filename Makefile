# mispbump: see README.md. The two commands most people need:
#   make run    installs missing system packages, builds and starts the app
#   make test   runs every test (what CI runs)

GO      ?= go
# make apk: Fyne's packaging tool and the Android NDK it needs. The NDK
# cannot be downloaded on the machines this project is built on, so the
# APK is not built in CI; docs/android.md has the steps.
FYNE_TOOL           ?= fyne.io/tools/cmd/fyne@v1.7.4
ANDROID_NDK_VERSION ?= 27.2.12479018
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

apk:
	@test -n "$$ANDROID_NDK_HOME" || { echo "make apk: set ANDROID_NDK_HOME to an Android NDK, e.g. \$$HOME/Android/Sdk/ndk/$(ANDROID_NDK_VERSION) (r27c; Fyne needs r19c or later): see docs/android.md" >&2; exit 1; }
	$(GO) run $(FYNE_TOOL) package --os android/arm64 --src cmd/mispbump --name mispbump \
		--app-id org.mispbump.app --icon $(CURDIR)/assets/icon.png --app-version 0.1.0 --app-build 1 --release

clean:
	rm -rf bin out test/artifacts
