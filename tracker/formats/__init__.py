"""One date format per language, used by every `|date` without an argument (FORMAT_MODULE_PATH)."""
