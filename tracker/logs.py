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
