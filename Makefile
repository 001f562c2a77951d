# The commands of the README:
#   make demo     builds rosterd and runs it on the bundled Eindhoven week
#   make test     builds with AddressSanitizer + UBSan and runs every test
#   make package  builds the Debian package build-package/rosterd_*.deb
# Each installs the Debian build packages it needs when run as root.

DEBIAN_PACKAGES := build-essential cmake pkg-config libglpk-dev libyaml-dev \
                   libsystemd-dev libcmocka-dev zlib1g-dev clang \
                   systemd groff-base man-db dpkg-dev file socat
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PACKAGE_DIR ?= build-package

.PHONY: all deps build build-test demo test bench package clean

all: build

# Installs only what is missing, and only as root; otherwise says what is missing.
deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing Debian packages:$$missing (run as root, or: sudo apt-get install$$missing)" >&2; exit 1; \
		fi; \
	fi

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
	cmake --build build -j $(JOBS)

build-test: deps
	cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DROSTERD_SANITIZE=ON -DBUILD_TESTING=ON >/dev/null
	cmake --build build-test -j $(JOBS)

demo: build
	./config/examples/demo.sh build

test: build-test
	cd build-test && ctest --output-on-failure -j $(JOBS)

bench: build
	./bench/run.sh build

# A release build for /usr in $(PACKAGE_DIR), packaged by CPack
# (cmake/package.cmake); tests/ship builds it in a folder of its own.
package: deps
	cmake -S . -B $(PACKAGE_DIR) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
		-DBUILD_TESTING=OFF -DROSTERD_SANITIZE=OFF >/dev/null
	cmake --build $(PACKAGE_DIR) -j $(JOBS)
	cd $(PACKAGE_DIR) && cpack -G DEB

clean:
	rm -rf build build-test build-package
