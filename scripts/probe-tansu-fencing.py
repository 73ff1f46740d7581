#!/usr/bin/env python3
"""Does the broker hide a fenced producer's open transaction from read_committed readers?

Apache Kafka aborts the open transaction of a producer when a successor with the same transactional.id calls
InitProducerId, so read_committed readers never see its records. This probe starts tansu (the drills' broker),
leaves producer A's transaction open with one record in it, fences A with producer B (same transactional.id), commits
one record from B, and prints what read_committed and read_uncommitted readers see. On Apache Kafka
read_committed shows only B's record. tansu 0.6.0 shows both, so a kill that lands while a worker's transaction
holds jobs leaves those jobs readable next to the ones its successor commits (the drills count them as duplicated).

Needs confluent-kafka (`pip install confluent-kafka`); not part of make test.
Usage: scripts/probe-tansu-fencing.py [path-to-tansu]   (default: what scripts/ensure-tansu.sh installs)
"""
import socket
import subprocess
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

tansu = sys.argv[1] if len(sys.argv) > 1 else subprocess.check_output(["scripts/ensure-tansu.sh"], text=True).strip()
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
url = f"tcp://127.0.0.1:{port}"
broker = subprocess.Popen(
    [tansu, "broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
bootstrap = f"127.0.0.1:{port}"
try:
    time.sleep(1.5)
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic("probe", 1, 1)])["probe"].result()
    producer = {"bootstrap.servers": bootstrap, "transactional.id": "probe-tx", "transaction.timeout.ms": 10000}
    a = Producer(producer)
    a.init_transactions(30)
    a.begin_transaction()
    a.produce("probe", b"A: left open, then fenced")
    a.flush(10)
    b = Producer(producer)
    b.init_transactions(30)  # fences A; Apache Kafka aborts A's transaction here
    b.begin_transaction()
    b.produce("probe", b"B: committed")
    b.commit_transaction(30)
    time.sleep(1)
    for isolation in ["read_committed", "read_uncommitted"]:
        reader = Consumer({"bootstrap.servers": bootstrap, "group.id": "probe-" + isolation, "isolation.level": isolation,
                           "enable.auto.commit": False})
        reader.assign([TopicPartition("probe", 0, 0)])
        seen, deadline = [], time.time() + 5
        while time.time() < deadline:
            message = reader.poll(0.5)
            if message is not None and message.error() is None:
                seen.append(message.value().decode())
        reader.close()
        print(f"{isolation}: {seen}")
finally:
    broker.kill()
