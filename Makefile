# The two commands of the README, plus the steps they are made of.
#   make run    install what is missing, build, start GateBench on the built-in local scenario
#   make test   install what is missing, build, run every test through ctest
PRESET ?= release
JOBS ?= $(shell nproc)
BIN := $(if $(filter release,$(PRESET)),build,build-$(PRESET))/bin

.PHONY: all deps configure build run test bench package bundles clean

all: build

deps:
	@bash packaging/install-deps.sh test

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

# The bundle too: the window deploys it when a scenario runs on hosts.
run: bundles
	@bash resources/demo.sh $(BIN)

test: build
	@ctest --preset $(PRESET) -j $(JOBS)

# The servers for remote hosts, with their libraries and loader (packaging/make-bundles.sh).
bundles: build
	@bash packaging/make-bundles.sh $(BIN) $(dir $(BIN))bundles

# A .deb of build/bin's executables with a desktop entry, AppStream metainfo and the icon.
package: build
	@cmake --build --preset $(PRESET) --target package

bench: build
	@bash packaging/install-deps.sh bench
	@bash tests/bench/run-all.sh $(BIN)

clean:
	rm -rf build build-dev build-asan
