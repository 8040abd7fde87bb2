#!/usr/bin/env python3
"""Prints one batch of synthetic payment events as NDJSON, for scripts/demo.

  demo-events.py BATCH_INDEX EVENTS DRIFT(0|1)

`amount` is log-normal; with DRIFT=1 it grows by 60% and a new market (BR)
takes a fifth of the traffic, so both features drift. Deterministic per batch.
"""
import json
import random
import sys

batch, count, drift = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
rng = random.Random(batch)
countries = ["US", "DE", "FR", "GB"] + (["BR"] if drift else [])
weights = [0.4, 0.25, 0.2, 0.15] if not drift else [0.3, 0.2, 0.15, 0.15, 0.2]
for _ in range(count):
    amount = rng.lognormvariate(3.0, 0.7) * (1.6 if drift else 1.0)
    print(json.dumps({"amount": round(amount, 2), "country": rng.choices(countries, weights)[0]}))
