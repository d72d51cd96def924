"""Run the test OIDC provider: migrate, create the people and the client, serve.

    python -m tests.idp.serve  (IDP_DIR, IDP_PORT, IDP_REDIRECT_URI in the environment)
Prints "ready" when it answers."""

import json
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.idp.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    call_command("migrate", verbosity=0)
    people = json.loads(os.environ["IDP_PEOPLE"])  # username → password
    for username, password in people.items():
        User.objects.create_user(username=username, password=password)
    Application.objects.create(
        name="Lectio",
        client_id=os.environ["IDP_CLIENT_ID"],
        client_secret=os.environ["IDP_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["IDP_REDIRECT_URI"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server(
        "127.0.0.1", int(os.environ["IDP_PORT"]), WSGIHandler(), handler_class=QuietHandler
    )
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
