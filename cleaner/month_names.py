"""dateutil's names for the French, German and Spanish dates the language rules capture.

Not compiled with mypyc (setup.py's COMPILED): a compiled subclass of dateutil's
`parserinfo` crashes the interpreter when dateutil reads its tables (round-76 probe).
"""

from __future__ import annotations

from dateutil import parser as dateparser


class OtherLanguages(dateparser.parserinfo):
    """Month names and filler words of dates such as "5 mars 2024 à 10h32",
    "7. März 2024, 10:32 Uhr" and "5 de marzo de 2024"."""

    JUMP = [*dateparser.parserinfo.JUMP, "de", "del", "el", "le", "à", "las", "um", "uhr", "er"]
    MONTHS = [
        ("janvier", "janv", "Januar", "Jänner", "enero", "ene"),
        ("février", "fevrier", "févr", "Februar", "febrero"),
        ("mars", "März", "marzo"),
        ("avril", "avr", "April", "abril", "abr"),
        ("mai", "mayo"),
        ("juin", "Juni", "junio"),
        ("juillet", "juil", "Juli", "julio"),
        ("août", "aout", "August", "agosto", "ago"),
        ("septembre", "sept", "September", "septiembre", "setiembre", "sep"),
        ("octobre", "oct", "Oktober", "Okt", "octubre"),
        ("novembre", "nov", "November", "noviembre"),
        ("décembre", "decembre", "déc", "Dezember", "Dez", "diciembre", "dic"),
    ]


OTHER_LANGUAGES = OtherLanguages()
