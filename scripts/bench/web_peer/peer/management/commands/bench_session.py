"""Creates (or reuses) a user and prints the key of a signed-in session for it: the `sessionid` cookie."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.test import Client


class Command(BaseCommand):
    help = "Print a session key (the sessionid cookie) of a signed-in benchmark user."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="bench")

    def handle(self, *args, username, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
            user.save()
        client = Client()
        client.force_login(user)
        self.stdout.write(client.cookies[settings.SESSION_COOKIE_NAME].value)
