#!/usr/bin/env python3
"""Write a small synthetic input for the notebooks' sample data.

Writes events.jsonl, profiles.jsonl and links.jsonl in the input contract's
JSON Lines form into the directory given as the only argument. The same seed
gives the same files. Customers live in four time zones, use the app or only
the web, consent or not, and some shop anonymously before they log in, so
that decisions cover entries, quiet-hour deferrals, suppressions and
skipped steps.

Purchases after an abandoned cart are more likely for customers outside the
holdout (45 % against 10 %), so that the conversions notebook has an uplift
to show. This works only while HOLDOUT_PERCENT matches
journey.holdout-percent in sample-config.yaml and holdout_share() computes
the job's stable hash (Ids.percentile). Otherwise the uplift in the sample
is noise.
"""

import hashlib
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

SEED = 20260310
CUSTOMERS = 100
HOLDOUT_PERCENT = 20.0
START = datetime(2026, 3, 10, 0, 0, tzinfo=timezone.utc)
# Carts start before this; the last record of the input is at END.
LAST_CART = datetime(2026, 3, 12, 11, 20, tzinfo=timezone.utc)
END = datetime(2026, 3, 12, 12, 0, tzinfo=timezone.utc)

ZONES = ["Asia/Kolkata", "Europe/Berlin", "America/New_York", "UTC"]
CURRENCY = {"Asia/Kolkata": "INR", "Europe/Berlin": "EUR",
            "America/New_York": "USD", "UTC": "GBP"}
# (sku, name, price in INR); other currencies use a fixed rate.
CATALOGUE = [
    ("SHOE-123", "Trail Runner 2", 4999.0),
    ("SHOE-456", "Road Racer", 6499.0),
    ("BAG-789", "Gym Duffel", 1999.0),
    ("CAP-001", "Running Cap", 799.0),
    ("SOCK-010", "Merino Socks", 599.0),
    ("TEE-220", "Dry Tee", 1299.0),
    ("JKT-330", "Wind Jacket", 5499.0),
    ("BTL-040", "Steel Bottle", 899.0),
    ("WATCH-9", "GPS Watch", 24999.0),
    ("MAT-050", "Yoga Mat", 1499.0),
]
RATE = {"INR": 1.0, "EUR": 0.011, "USD": 0.012, "GBP": 0.0095}


def holdout_share(customer_id):
    """Return the job's stable share in [0, 100) for holdout assignment."""
    digest = hashlib.sha256()
    for part in ("holdout", customer_id):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    value = int(digest.hexdigest()[:12], 16)
    return (value % 1_000_000) / 10_000.0


def stamp(at, zone):
    """Format an instant in the customer's zone, with its offset."""
    return at.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


def item(product, currency, quantity=1):
    sku, name, inr = product
    slug = sku.lower()
    return {
        "sku": sku,
        "name": name,
        "price": round(inr * RATE[currency], 2),
        "currency": currency,
        "quantity": quantity,
        "image_url": f"https://shop.example/img/{slug}.jpg",
        "product_url": f"https://shop.example/p/{slug}",
    }


def consent(rng, opted_in_share):
    roll = rng.random()
    if roll < opted_in_share:
        return "OPTED_IN"
    return "OPTED_OUT" if roll < opted_in_share + 0.6 * (1 - opted_in_share) else "UNKNOWN"


def generate():
    rng = random.Random(SEED)
    events, profiles, links = [], [], []
    counter = [0]

    def event(event_type, at, zone, channel, **fields):
        counter[0] += 1
        record = {"event_id": f"e-{counter[0]:05d}", "event_type": event_type,
                  "occurred_at": stamp(at, zone), "channel": channel}
        record.update({k: v for k, v in fields.items() if v is not None})
        events.append((at, record))

    for n in range(CUSTOMERS):
        customer = f"k-{2000 + n}"
        zone = rng.choice(ZONES)
        currency = CURRENCY[zone]
        app_user = rng.random() < 0.5
        device = f"d-{2000 + n}" if app_user else None
        token = f"tok-{2000 + n}" if app_user else None
        if rng.random() < 0.92:
            updated = START - timedelta(days=rng.randint(1, 30))
            profiles.append((updated, {
                "customer_id": customer,
                "emails": [f"customer{2000 + n}@example.com"],
                "first_name": f"Customer {2000 + n}",
                "locale": "en",
                "time_zone": zone,
                "consent": {"email": consent(rng, 0.75),
                            "push": consent(rng, 0.8) if app_user else "UNKNOWN"},
                "updated_at": stamp(updated, "UTC"),
                "deleted": False,
            }))
        treated = holdout_share(customer) >= HOLDOUT_PERCENT
        episodes = 2 if rng.random() < 0.3 else 1
        span = (LAST_CART - START).total_seconds()
        starts = sorted(START + timedelta(seconds=rng.uniform(0, span)) for _ in range(episodes))
        for e, start in enumerate(starts):
            at = start
            anonymous = not app_user and rng.random() < 0.35
            cookie = f"c-{2000 + n}-{e}"
            if app_user:
                channel = "MOBILE_APP"
                identity = {"device_id": device, "customer_id": customer,
                       "authenticated": True, "push_token": token}
                event("LOGIN", at, zone, channel, **identity)
            elif anonymous:
                channel = "WEB"
                identity = {"anonymous_id": cookie, "authenticated": False}
            else:
                channel = "WEB"
                identity = {"anonymous_id": cookie, "customer_id": customer, "authenticated": True}
                event("LOGIN", at, zone, channel, **identity)
            basket = rng.sample(CATALOGUE, rng.randint(1, 3))
            for product in rng.sample(CATALOGUE, rng.randint(1, 3)):
                at += timedelta(seconds=rng.randint(20, 240))
                event("PRODUCT_VIEW", at, zone, channel, items=[item(product, currency)], **identity)
            cart = f"cart-{2000 + n}-{e}"
            for product in basket:
                at += timedelta(seconds=rng.randint(20, 300))
                event("ADD_TO_CART", at, zone, channel, cart_id=cart,
                      items=[item(product, currency, rng.choice([1, 1, 1, 2]))], **identity)
            if anonymous:
                # The visitor logs in later on the web: the link makes the cart theirs.
                login = at + timedelta(minutes=rng.randint(5, 90))
                identity = {"anonymous_id": cookie, "customer_id": customer, "authenticated": True}
                event("LOGIN", login, zone, channel, **identity)
                links.append((login, {
                    "link_id": f"l-{2000 + n}-{e}",
                    "occurred_at": stamp(login, zone),
                    "source": "web-login",
                    "authenticated": True,
                    "identifiers": {"anonymous_id": cookie, "customer_id": customer},
                }))
                at = login
            roll = rng.random()
            if roll < 0.2:
                # Bought before the cart counted as abandoned.
                bought = at + timedelta(minutes=rng.randint(3, 25))
            elif rng.random() < (0.45 if treated else 0.10):
                bought = at + timedelta(minutes=rng.randint(45, 30 * 60))
            else:
                bought = None
            if bought is not None and bought < END:
                event("PURCHASE", bought, zone, channel, cart_id=cart,
                      order_id=f"o-{2000 + n}-{e}",
                      items=[item(p, currency) for p in basket], **identity)

    # A last record fixes where the input ends, whatever the random draws gave.
    event("PRODUCT_VIEW", END, "UTC", "WEB", anonymous_id="c-end", authenticated=False,
          items=[item(CATALOGUE[0], "GBP")])
    return events, profiles, links


def write(path, timed_records):
    with open(path, "w", encoding="utf-8") as out:
        for _, record in sorted(timed_records, key=lambda pair: pair[0]):
            out.write(json.dumps(record, separators=(",", ":")) + "\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_sample_input.py OUTPUT_DIR")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    events, profiles, links = generate()
    write(out / "events.jsonl", events)
    write(out / "profiles.jsonl", profiles)
    write(out / "links.jsonl", links)
    print(f"wrote {len(events)} events, {len(profiles)} profiles, {len(links)} links to {out}")


if __name__ == "__main__":
    main()
