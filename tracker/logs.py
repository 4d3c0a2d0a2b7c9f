import json
import logging


class JsonFormatter(logging.Formatter):
    """Formats records as JSON lines; the message and any traceback are JSON-escaped."""

    def format(self, record):
        message = record.getMessage()
        if record.exc_info:
            message = f"{message}\n{self.formatException(record.exc_info)}"
        record.message_json = json.dumps(message)
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        record.asctime = self.formatTime(record)
        return self._style._fmt % record.__dict__


class OnlyResponsesDjangoDidNotLog(logging.Filter):
    """runserver's request line, except for a 4xx or 5xx response: Django's `django.request`
    logger has written that one already, with the request id, so it would show twice."""

    def filter(self, record):
        return getattr(record, "status_code", 200) < 400


class OnlyErrors(logging.Filter):
    """Under gunicorn, whose access line records every response with its status and request id,
    Django's warning for a 4xx response would be a second line for the same request; its errors
    (a 5xx with the traceback) say what the access line cannot."""

    def filter(self, record):
        return record.levelno >= logging.ERROR
