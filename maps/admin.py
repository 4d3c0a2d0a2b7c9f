# The gazetteer's admin lives beside its model, in cities/admin_places.py; importing it here
# registers it with the admin site (admin autodiscovery imports each app's admin module).
from cities import admin_places  # noqa: F401
