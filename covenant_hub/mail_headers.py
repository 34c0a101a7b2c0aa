"""How outgoing mail's headers are written: one policy for every message we build."""

from __future__ import annotations

from email.header import Header
from email.policy import EmailPolicy
from email.policy import default as default_policy


class MailPolicy(EmailPolicy):
    """The standard policy, but a non-ASCII Subject is encoded by `email.header.Header`.

    Python 3.11's folder splits a long Cyrillic subject into encoded words at a space and
    leaves the space between them, where RFC 2047 says readers drop it: "электрондук
    почтаңыздын" arrived as one word. Header keeps each space inside an encoded word.
    """

    def _encoded_subject(self, name: str, value: str) -> str | None:
        if name.lower() != "subject" or str(value).isascii():
            return None
        encoded = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
        return f"{name}: {encoded}{self.linesep}"

    def fold(self, name: str, value: str) -> str:
        return self._encoded_subject(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        encoded = self._encoded_subject(name, value)
        return encoded.encode("ascii") if encoded else super().fold_binary(name, value)


MAIL_POLICY = MailPolicy(
    **{name: getattr(default_policy, name) for name in ("header_factory", "content_manager")}
)
