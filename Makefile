# campaign-worker — see README.md. Every target first makes sure librdkafka >= 2.8 is installed.
SWIFT ?= swift
export PKG_CONFIG_PATH := /usr/local/lib/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))

.PHONY: all deps build test drills demo clean

all: build

## deps: install librdkafka >= 2.8 when pkg-config does not find it (builds Debian 13's 2.8.0 source package).
deps:
	@scripts/ensure-librdkafka.sh

## build: debug build of the package.
build: deps
	$(SWIFT) build

## test: build and run every test suite, then the short exactly-once drills against tansu (or $$KAFKA_BOOTSTRAP).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	SWIFT=$(SWIFT) scripts/drills.sh short

## drills: the full exactly-once drills (>= 20 kill points, scaling 1 -> 3 -> 2 -> 1, a broker pause); prints a table.
drills: deps
	SWIFT=$(SWIFT) scripts/drills.sh full

## demo: the worker on an embedded mock Kafka cluster with sample plans and synthetic members.
demo: deps
	$(SWIFT) build --product campaign-worker
	.build/debug/campaign-worker demo

clean:
	rm -rf .build
