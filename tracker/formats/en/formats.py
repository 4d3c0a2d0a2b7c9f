# "June 21, 2019" everywhere in English: templates write {{ day|date }}, never a format of their own.
DATE_FORMAT = "F j, Y"
SHORT_DATE_FORMAT = "F j, Y"
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
DATETIME_FORMAT = "F j, Y, g:i A T"
SHORT_DATETIME_FORMAT = "F j, Y, g:i A T"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
