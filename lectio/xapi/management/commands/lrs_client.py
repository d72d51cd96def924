"""``lectio lrs_client create NAME [--scope SCOPE ...]`` prints a new client's key and
secret once; ``lectio lrs_client list``; ``lectio lrs_client disable KEY``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lectio.xapi import services
from lectio.xapi.models import SCOPES, LRSClient


class Command(BaseCommand):
    help = "Create, list and disable xAPI LRS client credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="a new client; prints key and secret once")
        create.add_argument("name")
        create.add_argument("--scope", action="append", choices=SCOPES, dest="scopes")
        commands.add_parser("list", help="the clients and their scopes")
        disable = commands.add_parser("disable", help="refuse a client's credentials from now")
        disable.add_argument("key")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            client, secret = services.create_client(options["name"], scopes=options["scopes"])
            self.stdout.write(f"key: {client.key}\nsecret: {secret}\n")
            self.stdout.write(f"scopes: {' '.join(client.scopes)}\n")
        elif options["action"] == "list":
            for client in LRSClient.objects.filter(parent__isnull=True):
                state = "active" if client.is_active else "disabled"
                self.stdout.write(
                    f"{client.key}  {state}  {client.name}  {' '.join(client.scopes)}"
                )
        else:
            found = LRSClient.objects.filter(key=options["key"]).first()
            if found is None:
                raise CommandError(f"no client with the key {options['key']}")
            services.set_client_active(found, False)
            self.stdout.write(f"disabled {found.name}")
