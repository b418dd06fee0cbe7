"""The message a page shows after a form post (post/redirect/get): `?done=TEXT&sig=MAC`.

The text travels in the address, so it is signed with the user's session: a link made by someone
else (`?done=Ditt konto är spärrat, ring …`) carries no valid signature for the reader's session
and shows nothing. Only texts this server wrote after the reader's own action are shown.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from caseflow.web.security import PageUser

MAX_TEXT = 300


def _mac(user: PageUser, text: str) -> str:
    key = user.token.encode()
    return hmac.new(key, b"caseflow-done\x00" + text.encode(), hashlib.sha256).hexdigest()[:32]


def done_query(user: PageUser, text: str) -> str:
    """`done=…&sig=…` for a redirect back to a page."""
    text = text[:MAX_TEXT]
    return urlencode({"done": text, "sig": _mac(user, text)})


def done_message(user: PageUser, done: str | None, sig: str | None) -> str | None:
    """The text to show, or None when it was not signed for this session."""
    if not done or not sig or not hmac.compare_digest(_mac(user, done), sig):
        return None
    return done
