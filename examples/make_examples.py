#!/usr/bin/env python3
"""Writes the bundled example files reference.csv and current.csv.

A payments-like table: `amount` and `country` drift in current.csv (amounts
grow by half and a new market, BR, appears), `latency_ms` and `device`
do not. Deterministic (fixed seed), standard library only:
    python3 examples/make_examples.py
"""
import csv
import math
import pathlib
import random

HERE = pathlib.Path(__file__).resolve().parent
ROWS = 5000


def write(path, rng, drifted):
    countries = ["US", "DE", "FR", "GB", "ES"]
    weights = [0.4, 0.2, 0.15, 0.15, 0.1]
    if drifted:
        countries.append("BR")
        weights = [0.34, 0.2, 0.15, 0.13, 0.1, 0.08]
    with open(path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["amount", "latency_ms", "country", "device"])
        for _ in range(ROWS):
            amount = math.exp(rng.gauss(3.0, 0.8)) * (1.5 if drifted else 1.0)
            latency = rng.gauss(120.0, 15.0)
            country = rng.choices(countries, weights)[0]
            device = rng.choices(["ios", "android", "web"], [0.3, 0.4, 0.3])[0]
            # about 1% of amounts are missing on both sides
            amount_text = "" if rng.random() < 0.01 else f"{amount:.2f}"
            writer.writerow([amount_text, f"{latency:.1f}", country, device])


if __name__ == "__main__":
    write(HERE / "reference.csv", random.Random(7), drifted=False)
    write(HERE / "current.csv", random.Random(8), drifted=True)
