import base64
import binascii
import sys
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp

STEP_SECONDS = 30  # what django-otp's TOTP devices and authenticator apps use


class Command(BaseCommand):
    help = (
        "Print the current six-digit code for a TOTP secret, as an authenticator app would: "
        "for trying Tipline on a machine without a phone. The secret is the key shown under "
        "the QR code (spaces and case do not matter) or an otpauth:// URI; '-' reads it from "
        "standard input, which keeps it out of the shell's history. On a real installation "
        "each person keeps their key in their own authenticator app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("secret", help="base32 key, otpauth:// URI, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        given = options["secret"]
        key = totp_key(sys.stdin.readline() if given == "-" else given)
        now = time.time()
        self.stdout.write(f"{totp(key, step=STEP_SECONDS):06d}")
        remaining = STEP_SECONDS - int(now) % STEP_SECONDS
        self.stderr.write(f"(this code works for about {remaining} more seconds)")


def totp_key(secret: str) -> bytes:
    """The key bytes of a base32 secret or of an otpauth:// URI's `secret` parameter."""
    text = secret.strip()
    if text.lower().startswith("otpauth://"):
        values = parse_qs(urlsplit(text).query).get("secret", [])
        if not values:
            raise CommandError("that otpauth:// URI has no secret")
        text = values[0]
    text = "".join(text.split()).upper().rstrip("=")
    try:
        key = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise CommandError("not a TOTP secret: expected base32 letters A-Z and 2-7") from None
    if len(key) < 10:
        raise CommandError("not a TOTP secret: too short")
    return key
