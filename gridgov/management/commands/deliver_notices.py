from django.core.management.base import BaseCommand

from gridgov import notify


class Command(BaseCommand):
    help = "Deliver pending notices once (in-app, email, group robots)."

    def handle(self, *args, **options):
        result = notify.deliver_pending()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
