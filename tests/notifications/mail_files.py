"""What the real worker mailed, read back in tests: the messages the file
backend wrote (EMAIL_FILE_PATH) and the outbox rows the worker marked sent."""

import email
import email.policy
import time

from notifications.models import MailState, OutboxMail


def mails_to(mail_dir, address, timeout=30):
    """The messages to `address` in the backend's files, once there are any."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = []
        for path in sorted(mail_dir.glob("*.log")):
            # the file backend writes each message followed by a line of dashes
            for raw in path.read_bytes().split(b"-" * 79):
                if raw.strip():
                    message = email.message_from_bytes(raw.strip(), policy=email.policy.default)
                    if message["To"] == address:
                        found.append(message)
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"the worker sent no mail to {address}")


def sent_row(address, *, kind=None, timeout=10):
    """The outbox row of the mail, once the worker marked it: the worker hands
    the mail to the backend (the file appears) before it saves the row."""
    deadline = time.monotonic() + timeout
    rows = OutboxMail.objects.filter(recipient=address)
    row = (rows.filter(kind=kind) if kind else rows).get()
    while row.state != MailState.SENT and time.monotonic() < deadline:
        time.sleep(0.1)
        row.refresh_from_db()
    return row
