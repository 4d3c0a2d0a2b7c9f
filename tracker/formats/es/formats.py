# "21 de junio de 2019" and "1.234", as Spanish-language newsrooms in the US write them.
DATE_FORMAT = r"j \d\e F \d\e Y"
SHORT_DATE_FORMAT = r"j \d\e F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
YEAR_MONTH_FORMAT = r"F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i T"
SHORT_DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i T"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
# Group every number of four digits or more ("1.234"), unlike Django's default for Spanish.
NUMBER_GROUPING = 3
# Dates typed into filters read the same in both languages, so a link keeps its meaning when the
# reader switches language (the date inputs send YYYY-MM-DD; English's forms are accepted too).
from django.conf.locale.en.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: E402,F401
