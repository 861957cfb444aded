"""Upload limits enforced while the request body is read, not after (issue 10).

Django's form checks an uploaded file's size only once the whole body has been received and
spooled to a temporary file. A view that takes files can instead, before it touches
`request.POST` or `request.FILES`:

- refuse at once a request whose declared Content-Length is over the limit
  (`body_too_large`), reading none of the body;
- install `LimitedUploadHandler` first among the upload handlers (`limit_uploads`), which
  drops a file as soon as more than the limit has arrived, so no more of it is stored.

Django reads the body for the CSRF check, so such a view is `csrf_exempt` and applies
`csrf_protect` itself after installing the handler (the pattern Django documents for
changing upload handlers in a view). In production nginx's `client_max_body_size` stops
anything larger still before it reaches Django.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

# Room for the form's other fields and the multipart boundaries around the file.
MULTIPART_OVERHEAD = 64 * 1024


def body_too_large(request: HttpRequest, max_bytes: int) -> bool:
    """Whether the request declares a body larger than a `max_bytes` file and its form."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # Django's own parser refuses a malformed length
    return length > max_bytes + MULTIPART_OVERHEAD


class LimitedUploadHandler(FileUploadHandler):
    """Drops any uploaded file once more than `max_bytes` of it have arrived.

    The rest of that file is read and discarded by Django's parser without being stored,
    and the handlers after this one (memory or temporary file) close what they had. The
    view asks `exceeded` to tell the user why the file is missing.
    """

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.exceeded = False
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file


def limit_uploads(request: HttpRequest, max_bytes: int) -> LimitedUploadHandler:
    """Put a `LimitedUploadHandler` first for this request (before its body is read)."""
    handler = LimitedUploadHandler(request, max_bytes=max_bytes)
    request.upload_handlers = [handler, *request.upload_handlers]
    return handler
