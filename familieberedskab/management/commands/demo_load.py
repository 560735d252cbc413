"""Load the fictional demo world: organisations, staff in every role, families, and the
visitation side (roster, capacity, committee meetings, referrals in every state)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.demo import load_families
from cases.demo_outcomes import load_outcomes
from cases.demo_visits import load_visits
from cases.models import Family
from staffing.demo import DEMO_PASSWORD, DEMO_USERS, load_people
from visitation.demo import EXTRA_PRACTITIONERS, load_visitation
from visitation.models import Referral
from visitation.services import courses_activate_due


class Command(BaseCommand):
    help = "Indlæs fiktive demodata (organisationer, medarbejdere, familier, henvisninger)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--families",
            type=int,
            default=12,
            help="Antal familier at oprette (fx 10000 til benchmarks).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Opret kun familier, hvis der ingen er i forvejen.",
        )
        parser.add_argument("--seed", type=int, default=183)

    def handle(
        self, *args: object, families: int, if_empty: bool, seed: int, **options: object
    ) -> None:
        if not (settings.DEBUG or settings.DEMO_MODE):
            raise CommandError("Demodata kan kun indlæses med DEBUG eller DEMO_MODE slået til.")
        if families < 0:
            raise CommandError("--families skal være 0 eller mere.")
        users = load_people()
        if not (if_empty and Family.objects.exists()):
            total = load_families(users=users, count=families, seed=seed + Family.objects.count())
            self.stdout.write(f"Familier i alt: {total}")
        made = load_visitation(users=users)
        self.stdout.write(f"Besøg indlæst: {load_visits(users=users)}")
        self.stdout.write(f"Målinger indlæst: {load_outcomes(users=users)}")
        # No beat runs in demo mode: bring planned courses whose start date has come up to date.
        courses_activate_due()
        self.stdout.write(f"Henvisninger i alt: {Referral.objects.count()} (nye: {made})")
        self.stdout.write(f"Demo-logins (adgangskode for alle: {DEMO_PASSWORD}):")
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<22} {spec.full_name} ({spec.organisation})")
        for extra in EXTRA_PRACTITIONERS:
            self.stdout.write(f"  {extra.username:<22} {extra.full_name} (Familieværkstedet)")
