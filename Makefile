# campaign-worker — see README.md. Every target first makes sure librdkafka >= 2.8 is installed.
SWIFT ?= swift
export PKG_CONFIG_PATH := /usr/local/lib/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))

.PHONY: all deps build test drills deploy-check demo bench clean

all: build

## deps: install librdkafka >= 2.8 when pkg-config does not find it (builds Debian 13's 2.8.0 source package).
deps:
	@scripts/ensure-librdkafka.sh

## build: debug build of the package.
build: deps
	$(SWIFT) build

## test: build and run every test suite, a smoke run of the benchmark code with tiny sizes, the static checks of deploy/,
## then the short exactly-once drills against tansu (or $$KAFKA_BOOTSTRAP).
test: deps
	$(SWIFT) build --build-tests
	# A test blocked inside librdkafka cannot be stopped by Swift Testing's time limits: fail instead of hanging.
	timeout 1200 $(SWIFT) test
	.build/debug/campaign-bench --smoke > /dev/null
	@$(MAKE) --no-print-directory deploy-check
	SWIFT=$(SWIFT) scripts/drills.sh short

## drills: the full drills (>= 20 kill points, scaling 1 -> 3 -> 2 -> 1, a broker pause, 12 kill points at_least_once); prints a table.
drills: deps
	SWIFT=$(SWIFT) scripts/drills.sh full

## deploy-check: YAML parses and deploy/ (Kubernetes, compose, Dockerfile) and docs/asyncapi.yaml agree (needs PyYAML).
deploy-check:
	@scripts/ensure-python-yaml.sh
	python3 scripts/check-deploy.py

## bench: the performance figures of docs/PERFORMANCE.md (release build; a few minutes).
bench: deps
	$(SWIFT) build -c release --product campaign-bench
	.build/release/campaign-bench

## demo: the worker on an embedded mock Kafka cluster with sample plans and synthetic members.
demo: deps
	$(SWIFT) build --product campaign-worker
	.build/debug/campaign-worker demo

clean:
	rm -rf .build
