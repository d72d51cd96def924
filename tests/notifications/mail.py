"""Reading what the SMTP sink received."""

from email.header import decode_header, make_header
from email.message import Message

from tests.helpers import body


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def part(message: Message, content_type: str = "text/plain") -> str:
    for piece in message.walk():
        if piece.get_content_type() == content_type:
            return body(piece)
    raise AssertionError(f"no {content_type} part")
