"""A mail backend that refuses its first FAILURES messages (the mail server
down for a while), then delivers into django.core.mail.outbox like locmem."""

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("the mail server is down")
        return super().send_messages(messages)
