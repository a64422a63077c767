# Czech formats as the city publishes them: "1. 7. 2023", "1 190", "3,01".
# Django's own cs locale writes dates as "1. července 2023"; officers and the
# seed documents use the numeric form everywhere.
DATE_FORMAT = "j. n. Y"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "j. n. Y G:i"
YEAR_MONTH_FORMAT = "n/Y"
MONTH_DAY_FORMAT = "j. n."
SHORT_DATE_FORMAT = "j. n. Y"
SHORT_DATETIME_FORMAT = "j. n. Y G:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # 05.01.2006
    "%d.%m.%y",  # 05.01.06
    "%d. %m. %Y",  # 5. 1. 2006
    "%d. %m. %y",  # 5. 1. 06
    "%Y-%m-%d",  # ISO, what <input type=date> sends
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d. %m. %Y %H:%M:%S",
    "%d. %m. %Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
