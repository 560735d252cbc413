"""Benchmark: the family list, detail and start page with many families.

    python -m bench.family_list --families 10000        # SQLite file bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1/fb_bench python -m bench.family_list

Prints the median and 95th percentile time per request and the query count, so a change
that makes a list slower or adds N+1 queries shows up in the figures. Targets (median on a
2-core machine): list and detail < 150 ms, start page < 150 ms.
"""

import argparse
import io
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieberedskab.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:///bench.sqlite3")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from cases.models import Family
    from staffing.models import User

    call_command("migrate", verbosity=0)
    missing = args.families - Family.objects.count()
    started = time.perf_counter()
    call_command("demo_load", families=max(missing, 0), stdout=io.StringIO())
    print(
        f"database: {connection.vendor}; families: {Family.objects.count()} "
        f"(loaded {max(missing, 0)} in {time.perf_counter() - started:.1f} s)"
    )

    client = Client()
    radgiver = User.objects.get(username="radgiver")
    family = Family.objects.visible_to(radgiver).first()
    cases = [
        ("radgiver", "family list, page 1", reverse("cases:family_list")),
        ("radgiver", "family list, page 100", reverse("cases:family_list") + "?page=100"),
        ("radgiver", "family detail", reverse("cases:family_detail", args=[family.pk])),
        ("radgiver", "start page", reverse("home")),
        ("leder", "start page (leader)", reverse("home")),
        ("leder", "audit log", reverse("audit_list")),
        ("projektleder", "start page (aggregates)", reverse("home")),
    ]
    print(f"{'request':<28}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
    for username, label, url in cases:
        client.force_login(User.objects.get(username=username))
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                sys.exit(f"{label}: HTTP {response.status_code}")
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{label:<28}{statistics.median(timings):>10.1f}{p95:>9.1f}{len(queries):>9}")


if __name__ == "__main__":
    main()
