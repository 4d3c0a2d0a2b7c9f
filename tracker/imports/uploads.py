"""Uploads waiting between an import's preview and its confirmation.

The confirmation form sends the stored upload's name back, so that name is whatever the browser
posts. A name is accepted only if this app made it (a random token of one fixed pattern, in the
temporary folder) and this session was given it (a short list kept in the session): never a
path, never another editor's upload.
"""

import contextlib
import os
import re
import secrets
import tempfile

from import_export.tmp_storages import BaseStorage

NAME = re.compile(r"tracker-import-[0-9a-f]{32}")
SESSION_KEY = "tracker_import_uploads"
# Previews an editor may have open at once; the oldest upload beyond them is deleted.
KEPT_PER_SESSION = 10


def is_upload_name(name) -> bool:
    return isinstance(name, str) and NAME.fullmatch(name) is not None


class UploadStore(BaseStorage):
    """An upload kept in the temporary folder under a random name this app chose, read and
    written as bytes (the readers decode it themselves)."""

    def save(self, data):
        self.name = f"tracker-import-{secrets.token_hex(16)}"
        descriptor = os.open(self.path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data if isinstance(data, bytes) else data.encode("utf-8"))

    def read(self) -> bytes:
        with open(self.path(), "rb") as file:
            return file.read()

    def remove(self):
        os.remove(self.path())

    def path(self) -> str:
        """Where the upload is; FileNotFoundError for any name this app did not make."""
        if not is_upload_name(self.name):
            raise FileNotFoundError("Not the name of an upload.")
        return os.path.join(tempfile.gettempdir(), self.name)


def remember(request, name: str) -> None:
    """Record that this session was given the upload `name` to confirm."""
    names = [given for given in request.session.get(SESSION_KEY, []) if given != name]
    names.append(name)
    for dropped in names[:-KEPT_PER_SESSION]:
        discard(dropped)
    request.session[SESSION_KEY] = names[-KEPT_PER_SESSION:]


def was_given(request, name) -> bool:
    """Whether `name` is an upload this app stored for this session's preview."""
    return is_upload_name(name) and name in request.session.get(SESSION_KEY, [])


def discard(name) -> None:
    """Delete a stored upload, if it is still there."""
    with contextlib.suppress(FileNotFoundError):
        UploadStore(name=name).remove()
