"""The demo world: the Schwerin conference of 2011 and events of the other networks in the seeds.

Dates of the upcoming events are computed from today, so the demo never goes stale; one event
takes place on the day the demo is loaded, so the door can be tried at once.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from conference.agenda.models import AgendaItemKind as K
from conference.events.models import EventKind, ParticipantListMode, PartnerRole
from conference.materials.models import Visibility
from conference.organisations.models import OrganisationKind as O
from conference.registration.models import QuestionKind as Q

BERLIN = ZoneInfo("Europe/Berlin")

DEMO_ORGANISER = {"email": "orga@example.org", "name": "Demo-Organisation", "password": "Anerkennung-2011"}

# Who came to Schwerin (invented people): first name, last name, organisation, function. All were
# checked in, so the sign-in sheet and the certificates of attendance can be tried at once.
# What attendees of the Schwerin conference wrote in its evaluation (invented, in their tone).
SCHWERIN_FEEDBACK = [
    "Sehr gelungene Veranstaltung, vor allem die Praxisbeispiele aus den vier Projekten.",
    "Mehr Zeit für den Austausch in den Foren wäre schön gewesen.",
    "Das Podium hat mir neue Ideen für die Anerkennungsberatung in unserem Jobcenter gegeben.",
    "Bitte die Präsentationen bald unter „Downloads intern“ bereitstellen.",
    "Gute Organisation, freundliche Begleitung durch den Tag.",
    "Ich wünsche mir eine Folgeveranstaltung zur Umsetzung des Anerkennungsgesetzes.",
]

SCHWERIN_ATTENDEES = [
    ("Olga", "Schmidt", "Jobcenter Schwerin", "Integrationsfachkraft"),
    ("Mehmet", "Demir", "Handwerkskammer Schwerin", "Ausbildungsberater"),
    ("Anna", "Kowalska", "Schweriner Ausbildungszentrum e.V.", "Projektmitarbeiterin amoN"),
    ("Thị Lan", "Nguyễn", "Verein der Vietnamesen in Schwerin e.V.", "Beraterin"),
    ("Dmitrij", "Iwanow", "Agentur für Arbeit Schwerin", "Arbeitsvermittler"),
    ("Fatma", "Yıldız", "IHK zu Schwerin", "Referentin Anerkennung"),
    ("Jürgen", "Krüger", "Landeshauptstadt Schwerin", "Integrationsbeauftragter"),
    ("Katrin", "Hoffmann", "Bildungswerk der Wirtschaft Mecklenburg-Vorpommern e.V.", "Projektleiterin"),
    ("Ahmad", "Al-Hassan", "Migrationsberatung für Erwachsene", "Berater"),
    ("Светлана", "Кузнецова", "Jobcenter Rostock", "Fallmanagerin"),
    ("Sören", "Größler", "Technologie- und Gewerbezentrum e.V. Schwerin", "Dozent"),
    ("Agnieszka", "Wiśniewska", "Jobcenter Ludwigslust-Parchim", "Teamleiterin"),
    ("Ewa", "Nowak", "Schweriner Ausbildungszentrum e.V.", "Sozialpädagogin"),
    ("Hans-Peter", "Lüdtke", "Ministerium für Arbeit, Gleichstellung und Soziales MV", "Referent"),
    ("Leyla", "Aydın", "Caritas im Norden", "Migrationsberaterin"),
    ("Marta", "Horvath", "Bildungszentrum Wismar", "Kursleiterin"),
    ("Tomasz", "Zieliński", "Kreishandwerkerschaft Schwerin", "Geschäftsführer"),
    ("Abebe", "Tesfaye", "Flüchtlingsrat Mecklenburg-Vorpommern e.V.", "Projektreferent"),
]

# For the funders' figures: what each of them answered to the two questions marked "for statistics" (the kind of
# their organisation, its postcode; one left it empty), and how many days before the conference they registered.
SCHWERIN_KINDS = [
    "Bildungsträger",
    "Beratungsstelle",
    "Behörde/Jobcenter",
    "Kammer",
    "Migrantenorganisation",
    "Unternehmen",
    "Sonstiges",
]
SCHWERIN_ANSWERS = [
    ("Behörde/Jobcenter", "19053", 58),
    ("Kammer", "19055", 57),
    ("Bildungsträger", "19061", 57),
    ("Migrantenorganisation", "19063", 50),
    ("Behörde/Jobcenter", "19059", 45),
    ("Kammer", "19053", 45),
    ("Behörde/Jobcenter", "19055", 44),
    ("Bildungsträger", "19061", 38),
    ("Beratungsstelle", "19057", 30),
    ("Behörde/Jobcenter", "18055", 30),
    ("Bildungsträger", "19061", 29),
    ("Behörde/Jobcenter", "19370", 22),
    ("Bildungsträger", "19061", 21),
    ("Behörde/Jobcenter", "19048", 15),
    ("Beratungsstelle", "23966", 14),
    ("Bildungsträger", "23966", 14),
    ("Sonstiges", "19057", 10),
    ("Beratungsstelle", "", 8),
]

# Who comes to today's event (invented people): the first five are in already, two are waiting.
TODAY_ATTENDEES = [
    ("Nadia", "Rahimi", "Jobcenter Rostock", "Integrationsfachkraft"),
    ("Paul", "Wendt", "Handwerkskammer Ostmecklenburg-Vorpommern", "Ausbildungsberater"),
    ("Oksana", "Melnyk", "AFZ Rostock", "Projektmitarbeiterin moNa"),
    ("Yusuf", "Kaya", "IHK zu Rostock", "Referent Anerkennung"),
    ("Lena", "Brandt", "Hansestadt Rostock", "Integrationsbeauftragte"),
    ("Tran", "Van Minh", "Migrantenrat Rostock", "Berater"),
    ("Grażyna", "Lewandowska", "Agentur für Arbeit Rostock", "Arbeitsvermittlerin"),
    ("Samir", "Haddad", "Caritas Mecklenburg", "Migrationsberater"),
    ("Ingrid", "Peters", "BiG – Bildungszentrum Greifswald", "Dozentin"),
    ("Ivana", "Petrović", "AUZ Schwaan", "Sozialpädagogin"),
    ("Kwame", "Mensah", "Universität Rostock", "Studienberater"),
    ("Birgit", "Schulz", "Jobcenter Landkreis Rostock", "Teamleiterin"),
]
TODAY_CHECKED_IN = 5
TODAY_WAITING = [
    ("Emre", "Çelik", "Hochschule Wismar", "Referent"),
    ("Johanna", "Vogt", "Landkreis Rostock", "Sachbearbeiterin"),
]

FUNDING_PERSPEKTIVE = (
    "Das Programm „Perspektive Berufsabschluss“ wird vom Bundesministerium für Bildung und Forschung "
    "und aus Mitteln des Europäischen Sozialfonds der Europäischen Union gefördert."
)
FUNDING_BQN = (
    "Die Beruflichen Qualifizierungsnetzwerke für Migrantinnen und Migranten (BQN) werden vom "
    "Bundesministerium für Bildung und Forschung im Rahmen des Programms „Kompetenzen fördern – Berufliche "
    "Qualifizierung von Zielgruppen mit besonderem Förderbedarf“ gefördert, begleitet vom BiBB."
)

# The network whose events the demo shows on "its own website" (embed/; commands.network_website).
EMBEDDING_NETWORK = "bqn-rlp"
# slug: name, short name, kind, parent slug, city, website, description
ORGANISATIONS = {
    "nq-netz-mv": (
        "Netzwerk zur beruflichen Nachqualifizierung Mecklenburg-Vorpommern",
        "NQ-Netz-MV",
        O.NETWORK,
        None,
        "Schwerin",
        None,
        "Vier Projekte aus Mecklenburg-Vorpommern im Programm „Perspektive Berufsabschluss“, zusammengeschlossen zur "
        "beruflichen Nachqualifizierung.",
    ),
    "saz": (
        "Schweriner Ausbildungszentrum e.V.",
        "SAZ",
        O.EDUCATION_PROVIDER,
        None,
        "Schwerin",
        "https://www.sazev.de/",
        "",
    ),
    "afz-rostock": ("AFZ Rostock", "AFZ", O.EDUCATION_PROVIDER, None, "Rostock", None, ""),
    "auz-schwaan": ("AUZ Schwaan", "AUZ", O.EDUCATION_PROVIDER, None, "Schwaan", None, ""),
    "big-greifswald": ("BiG – Bildungszentrum Greifswald", "BiG", O.EDUCATION_PROVIDER, None, "Greifswald", None, ""),
    "amon": (
        "amoN",
        "amoN",
        O.PROJECT,
        "saz",
        "Schwerin",
        None,
        "Projekt zur beruflichen Nachqualifizierung im Schweriner Ausbildungszentrum e.V.",
    ),
    "mona": (
        "moNa",
        "moNa",
        O.PROJECT,
        "afz-rostock",
        "Rostock",
        None,
        "Projekt zur beruflichen Nachqualifizierung im AFZ Rostock.",
    ),
    "pronaq": (
        "ProNaQ",
        "ProNaQ",
        O.PROJECT,
        "auz-schwaan",
        "Schwaan",
        None,
        "Projekt zur beruflichen Nachqualifizierung im AUZ Schwaan.",
    ),
    "anna": (
        "anna",
        "anna",
        O.PROJECT,
        "big-greifswald",
        "Greifswald",
        None,
        "Projekt zur beruflichen Nachqualifizierung im BiG – Bildungszentrum in Greifswald.",
    ),
    "ifd-migration-mv": (
        "Integrationsfachdienst Migration MV",
        "IFDM MV",
        O.ASSOCIATION,
        None,
        "Schwerin",
        None,
        "Strategischer Partner der Projekte des NQ-Netz-MV.",
    ),
    "migrationsnetzwerke-mv": (
        "Örtliche Migrationsnetzwerke Mecklenburg-Vorpommern",
        None,
        O.ASSOCIATION,
        None,
        None,
        None,
        "",
    ),
    "mozaik": (
        "MOZAIK gGmbH",
        "MOZAIK",
        O.COMPANY,
        None,
        "Bielefeld",
        None,
        "Fachliche Begleitung mit dem Begleitprojekt „Mit Migrantinnen für Migrantinnen – Interkulturelle Kooperation "
        "zur Verbesserung der Bildungsintegration“.",
    ),
    "bmbf": ("Bundesministerium für Bildung und Forschung", "BMBF", O.PUBLIC_AUTHORITY, None, "Berlin", None, ""),
    "esf": ("Europäischer Sozialfonds", "ESF", O.PUBLIC_AUTHORITY, None, None, None, ""),
    "bibb": ("Bundesinstitut für Berufsbildung", "BiBB", O.PUBLIC_AUTHORITY, None, "Bonn", None, ""),
    "bqn-rlp": (
        "Berufliches Qualifizierungsnetzwerk für Migrantinnen und Migranten in Rheinland-Pfalz",
        "BQN RLP",
        O.NETWORK,
        None,
        "Mainz",
        None,
        "Wir konzeptionieren, koordinieren und kommunizieren eine einheitliche Strategie zur Qualifizierung von "
        "Migrantinnen und Migranten in Rheinland-Pfalz.",
    ),
    "ism": (
        "Institut für Sozialpädagogische Forschung Mainz",
        "ism",
        O.RESEARCH,
        None,
        "Mainz",
        None,
        "Verantwortlich für die Umsetzung des BQN auf der Landesebene sowie die Projektleitung.",
    ),
    "inbi": (
        "INBI gGmbH",
        "INBI",
        O.EDUCATION_PROVIDER,
        None,
        "Mainz",
        None,
        "Koordiniert das lokale Modellprojekt Mainz.",
    ),
    "baff": (
        "baff e.V.",
        "baff",
        O.ASSOCIATION,
        None,
        "Ludwigshafen",
        None,
        "Träger des lokalen Modellprojekts Ludwigshafen.",
    ),
    "jgu-zww": (
        "Zentrum für wissenschaftliche Weiterbildung der Johannes Gutenberg-Universität Mainz",
        "ZWW",
        O.RESEARCH,
        None,
        "Mainz",
        None,
        "Mit dem interdisziplinären Studiengang „Europäische Migration“ Partner der halbjährlichen Seminare.",
    ),
    "bqn-saechsische-schweiz": (
        "Berufliches Qualifizierungsnetzwerk für Migrantinnen und Migranten in der Sächsischen Schweiz",
        "BQN Sächsische Schweiz",
        O.NETWORK,
        None,
        "Pirna",
        None,
        "Handlungsfelder: Übergang Schule–Beruf, Ausbildungsplatzakquisition, Kommunal- und Landespolitik, "
        "Bildungspolitik und Öffentlichkeitsarbeit.",
    ),
    "bqn-emscher-lippe": (
        "Berufliches Qualifizierungsnetzwerk für Migrantinnen und Migranten in Emscher-Lippe",
        "BQN Emscher-Lippe",
        O.NETWORK,
        None,
        "Gelsenkirchen",
        None,
        "Eines von zehn regionalen BQN in Deutschland, offen für Anregungen, Austausch und gemeinsames Lernen.",
    ),
    "bfw-dgb": (
        "bfw – Berufsfortbildungswerk des DGB",
        "bfw",
        O.EDUCATION_PROVIDER,
        None,
        "Gelsenkirchen",
        None,
        "Koordinierende Stelle des BQN Emscher-Lippe.",
    ),
}

# The colours of the logos the demo draws for its organisations (initials on a tile, no real trademarks).
LOGO_COLOURS = {
    O.NETWORK: "#0b4f7c",
    O.PROJECT: "#1d5e2a",
    O.EDUCATION_PROVIDER: "#6a3d9a",
    O.PUBLIC_AUTHORITY: "#8a3b00",
    O.RESEARCH: "#00606b",
    O.ASSOCIATION: "#9b2251",
    O.COMPANY: "#4b5866",
    O.OTHER: "#4b5866",
}

# key: name, academic title, function, organisation slug, biography. Invented people, as the registrants are.
PEOPLE = {
    "saz-lead": ("Kerstin Brandt", None, "Geschäftsführung", "saz", ""),
    "ifdm": (
        "Martin Kühn",
        "Dr.",
        "Leitung",
        "ifd-migration-mv",
        "Berät Unternehmen und Verwaltungen in Mecklenburg-Vorpommern zur Beschäftigung von Migrantinnen und "
        "Migranten.",
    ),
    "mozaik": (
        "Sevgi Arslan",
        None,
        "Projektleitung des Begleitprojekts „Mit Migrantinnen für Migrantinnen“",
        "mozaik",
        "Begleitet die Projekte im Programm „Perspektive Berufsabschluss“ fachlich zu interkultureller Kooperation.",
    ),
    "amon": ("Anja Lorenz", None, "Projektleitung amoN", "amon", ""),
    "mona": ("Olga Petrenko", None, "Projektleitung moNa", "mona", ""),
    "pronaq": ("Thomas Wegner", None, "Projektleitung ProNaQ", "pronaq", ""),
    "anna": ("Hanna Schreiber", None, "Projektleitung anna", "anna", ""),
    "ism": ("Miriam Yıldız", "Dr.", "Projektleitung BQN Rheinland-Pfalz", "ism", ""),
    "inbi": ("Jana Hoffmann", None, "Koordination Modellprojekt Mainz", "inbi", ""),
    "baff": ("Mehmet Demir", None, "Koordination Modellprojekt Ludwigshafen", "baff", ""),
    "zww": ("Claudia Weber", "Prof. Dr.", "Studiengangskoordination „Europäische Migration“", "jgu-zww", ""),
    "bqn-ss": ("Ralf Böhme", None, "Netzwerkkoordination", "bqn-saechsische-schweiz", ""),
}


def berlin(day: date, clock: str) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=BERLIN)


def next_weekday(day: date, weekday: int) -> date:
    """The first date on or after ``day`` that falls on ``weekday`` (Monday = 0)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def events(now: datetime) -> list[dict]:
    """Every demo event; agenda rows are (start, end, kind, title, room, speakers, moderators, extra).

    ``now`` is Berlin time: today's event starts at the full hour before it (at 17.00 at the latest,
    so that its six and a half hours end the same day).
    """
    today = now.date()
    seminar_day = next_weekday(today + timedelta(weeks=6), 4)  # a Friday six weeks ahead
    evening_day = next_weekday(today + timedelta(weeks=10), 2)  # a Wednesday ten weeks ahead
    schwerin = date(2011, 9, 29)
    begin = min(max(now.hour - 1, 0), 17) * 60
    at = lambda minutes: clock(begin + minutes)  # the times of today's programme
    return [
        {
            "slug": "anerkennung-durch-anerkennung-2011",
            "title": "Fachtagung: Anerkennung durch Anerkennung",
            "subtitle": (
                "Potenziale von Migrantinnen und Migranten und der Fachkräftebedarf der Wirtschaft in "
                "Mecklenburg-Vorpommern"
            ),
            "kind": EventKind.CONFERENCE,
            "day": schwerin,
            "start": "09:30",
            "end": "16:00",
            "venue": "Schweriner Ausbildungszentrum e.V.",
            "street": "",
            "postcode": "",
            "city": "Schwerin",
            "programme_name": "Perspektive Berufsabschluss",
            "network": "nq-netz-mv",
            "capacity": 120,
            "registration": (berlin(date(2011, 8, 1), "08:00"), berlin(date(2011, 9, 22), "23:59")),
            "contact": ("Schweriner Ausbildungszentrum e.V.", "fachtagung@example.org", ""),
            "certificate_signer": (
                "Projektkoordination NQ-Netz-MV",
                "Durchführung: Schweriner Ausbildungszentrum e.V.",
            ),
            "attendees": SCHWERIN_ATTENDEES,
            "questions": [
                ("Art der Einrichtung", Q.SINGLE_CHOICE, SCHWERIN_KINDS, True, ""),
                ("Postleitzahl der Einrichtung", Q.TEXT, [], False, "Für die Statistik an den Fördermittelgeber."),
            ],
            # Each attendee's answers to the questions above and the days before the conference they registered.
            "answers": [
                ({"Art der Einrichtung": kind, "Postleitzahl der Einrichtung": postcode}, days)
                for kind, postcode, days in SCHWERIN_ANSWERS
            ],
            "statistics": {"kind": "Art der Einrichtung", "region": "Postleitzahl der Einrichtung"},
            # The demo keeps its invented attendees for a year from the day it is loaded, not from 2011.
            "retention_days": (today - schwerin).days + 365,
            "grant_number": "BMBF 01 NQ 1107",
            "evaluation": {"answered": 13, "texts": SCHWERIN_FEEDBACK},
            "certificate_extent": ("6", "hours"),
            "materials": [
                (
                    "Dokumentation der Fachtagung",
                    "Ergebnisse der Foren, Vorträge und Podium in Kürze.",
                    "documentation",
                    Visibility.REGISTERED,
                ),
                ("Einladung und Programm (Flyer)", "Zum Weitergeben.", "flyer", Visibility.PUBLIC),
            ],
            "funding_notice": FUNDING_PERSPEKTIVE,
            "description": (
                "Vier Projekte aus Mecklenburg-Vorpommern haben sich zu einem Netzwerk zur beruflichen "
                "Nachqualifizierung "
                "zusammengeschlossen und bringen auf ihrer Fachtagung die Potenziale von Migrantinnen und Migranten "
                "und den "
                "Fachkräftebedarf der Wirtschaft in Mecklenburg-Vorpommern zusammen.\n\n"
                "Fachkräftepotenziale aus allen Teilen der Bevölkerung zu gewinnen, ist eine gesamtgesellschaftliche "
                "Aufgabe, "
                "der wir uns gemeinsam stellen müssen. Die Zielgruppe der Personen mit Migrationshintergrund spielt "
                "dabei eine "
                "besondere Rolle.\n\n"
                "In diesem Kontext agieren im Programm „Perspektive Berufsabschluss“ die im Netzwerk zur beruflichen "
                "Nachqualifizierung (NQ-Netz-MV) zusammengeschlossenen Projekte „amoN“ im Schweriner "
                "Ausbildungszentrum e.V., "
                "„moNa“ im AFZ Rostock, „ProNaQ“ im AUZ Schwaan und „anna“ im BiG – Bildungszentrum in Greifswald. Der "
                "Integrationsfachdienst Migration MV und die örtlichen Migrationsnetzwerke unterstützen die Projekte "
                "dabei in "
                "strategischer Partnerschaft. Die fachliche Begleitung übernimmt die MOZAIK gGmbH aus Bielefeld mit "
                "ihrem "
                "Begleitprojekt „Mit Migrantinnen für Migrantinnen – Interkulturelle Kooperation zur Verbesserung der "
                "Bildungsintegration“.\n\n"
                "Ziel der Fachtagung ist es, die Potenziale von Migrantinnen und Migranten und den Fachkräftebedarf "
                "der "
                "Wirtschaft für das Bundesland Mecklenburg-Vorpommern in den Mittelpunkt zu rücken – ein Beitrag zur "
                "Förderung "
                "der Willkommenskultur und Anerkennung, der Unternehmen, öffentliche Verwaltungen sowie die Menschen "
                "mit "
                "Migrationshintergrund selbst für das Thema sensibilisiert.\n\n"
                "Auch die Frage nach der Wirkung des im Gesetzgebungsverfahren befindlichen "
                "Berufsqualifikationsfeststellungsgesetzes soll versuchsweise beantwortet werden. "
                "Good-Practice-Beispiele für "
                "Integration und Beschäftigung von Migrantinnen und Migranten geben den Teilnehmenden Impulse für ihre "
                "Arbeit "
                "mit dieser Zielgruppe."
            ),
            "partners": [
                (PartnerRole.ORGANISER, "saz"),
                (PartnerRole.NETWORK_PROJECT, "amon"),
                (PartnerRole.NETWORK_PROJECT, "mona"),
                (PartnerRole.NETWORK_PROJECT, "pronaq"),
                (PartnerRole.NETWORK_PROJECT, "anna"),
                (PartnerRole.STRATEGIC_PARTNER, "ifd-migration-mv"),
                (PartnerRole.STRATEGIC_PARTNER, "migrationsnetzwerke-mv"),
                (PartnerRole.PROFESSIONAL_SUPPORT, "mozaik"),
                (PartnerRole.FUNDER, "bmbf"),
                (PartnerRole.FUNDER, "esf"),
            ],
            "rooms": [
                ("Großer Saal", 120),
                ("Forum 1 – Seminarraum A", 40),
                ("Forum 2 – Seminarraum B", 40),
                ("Forum 3 – Werkstatt", 30),
            ],
            "agenda": [
                ("09:30", "10:00", K.WELCOME, "Begrüßung und Eröffnung", "Großer Saal", ["saz-lead"], [], {}),
                (
                    "10:00",
                    "10:45",
                    K.KEYNOTE,
                    "Fachkräftebedarf in Mecklenburg-Vorpommern – Potenziale von Migrantinnen und Migranten",
                    "Großer Saal",
                    ["ifdm"],
                    [],
                    {},
                ),
                (
                    "10:45",
                    "11:30",
                    K.TALK,
                    "Anerkennung ausländischer Berufsabschlüsse: Was bringt das "
                    "Berufsqualifikationsfeststellungsgesetz?",
                    "Großer Saal",
                    ["mozaik"],
                    [],
                    {
                        "description": (
                            "Ein erster Blick auf das Gesetz im Gesetzgebungsverfahren und seine mögliche Wirkung "
                            "in der Praxis der Nachqualifizierung."
                        )
                    },
                ),
                ("11:30", "11:45", K.BREAK, "Kaffeepause", None, [], [], {}),
                (
                    "11:45",
                    "12:15",
                    K.GOOD_PRACTICE,
                    "Nachqualifizierung mit Anerkennung: Wege zum Berufsabschluss in Schwerin",
                    "Großer Saal",
                    ["amon"],
                    [],
                    {"project_name": "amoN", "organisation": "amon"},
                ),
                (
                    "12:15",
                    "12:45",
                    K.GOOD_PRACTICE,
                    "Betriebe als Partner: Modulare Nachqualifizierung in Rostock",
                    "Großer Saal",
                    ["mona"],
                    [],
                    {"project_name": "moNa", "organisation": "mona"},
                ),
                ("12:45", "13:45", K.LUNCH, "Mittagspause", None, [], [], {}),
                (
                    "13:45",
                    "15:00",
                    K.FORUM,
                    "Forum 1: Kompetenzen sichtbar machen – Anerkennung in der Praxis",
                    "Forum 1 – Seminarraum A",
                    ["pronaq"],
                    ["ifdm"],
                    {"project_name": "ProNaQ", "organisation": "pronaq"},
                ),
                (
                    "13:45",
                    "15:00",
                    K.FORUM,
                    "Forum 2: Willkommenskultur in Unternehmen und Verwaltungen",
                    "Forum 2 – Seminarraum B",
                    ["anna"],
                    ["saz-lead"],
                    {"project_name": "anna", "organisation": "anna"},
                ),
                (
                    "13:45",
                    "15:00",
                    K.FORUM,
                    "Forum 3: Mit Migrantinnen für Migrantinnen – interkulturelle Kooperation",
                    "Forum 3 – Werkstatt",
                    ["mozaik"],
                    [],
                    {},
                ),
                (
                    "15:00",
                    "15:45",
                    K.PANEL,
                    "Podium: Anerkennung durch Anerkennung – was braucht Mecklenburg-Vorpommern?",
                    "Großer Saal",
                    ["ifdm", "amon", "mona", "pronaq", "anna"],
                    ["mozaik"],
                    {},
                ),
                ("15:45", "16:00", K.CLOSING, "Ausblick und Verabschiedung", "Großer Saal", ["saz-lead"], [], {}),
            ],
        },
        {
            "slug": f"fachtag-anerkennung-in-der-praxis-{today.isoformat()}",
            "title": "Fachtag: Anerkennung in der Praxis",
            "subtitle": (
                "Was das Anerkennungsgesetz in Mecklenburg-Vorpommern bewegt hat – Erfahrungen aus Beratung und "
                "Betrieben"
            ),
            "kind": EventKind.CONFERENCE,
            "day": today,
            "start": at(0),
            "end": at(390),
            "venue": "AFZ Rostock",
            "street": "",
            "postcode": "",
            "city": "Rostock",
            "programme_name": "Perspektive Berufsabschluss",
            "network": "nq-netz-mv",
            "capacity": len(TODAY_ATTENDEES),
            "registration": (berlin(today - timedelta(days=30), "08:00"), berlin(today - timedelta(days=2), "23:59")),
            "contact": ("AFZ Rostock, Projekt moNa", "fachtag@example.org", ""),
            "certificate_signer": ("Projektleitung moNa", "AFZ Rostock"),
            "attendees": TODAY_ATTENDEES,
            "checked_in": TODAY_CHECKED_IN,
            "waiting": TODAY_WAITING,
            "certificate_extent": ("8", "teaching_units"),
            "grant_number": "BMBF 01 NQ 1108",
            "funding_notice": FUNDING_PERSPEKTIVE,
            "description": (
                "Ein Jahr nach der Fachtagung in Schwerin ziehen die Projekte des NQ-Netz-MV Bilanz: Wie verlaufen "
                "Anerkennungsverfahren in der Praxis, was brauchen Betriebe, und wo hilft Nachqualifizierung "
                "weiter?\n\n"
                "Am Nachmittag arbeiten die Teilnehmenden in zwei parallelen Foren mit begrenzten Plätzen."
            ),
            "partners": [
                (PartnerRole.ORGANISER, "afz-rostock"),
                (PartnerRole.NETWORK_PROJECT, "mona"),
                (PartnerRole.NETWORK_PROJECT, "amon"),
                (PartnerRole.STRATEGIC_PARTNER, "ifd-migration-mv"),
                (PartnerRole.FUNDER, "bmbf"),
                (PartnerRole.FUNDER, "esf"),
            ],
            "rooms": [("Saal", 60), ("Seminarraum 1", 8), ("Seminarraum 2", 8)],
            "agenda": [
                (at(0), at(30), K.WELCOME, "Begrüßung", "Saal", ["mona"], [], {}),
                (
                    at(30),
                    at(90),
                    K.TALK,
                    "Anerkennung in Zahlen: Verfahren, Bescheide, Nachqualifizierung",
                    "Saal",
                    ["ifdm"],
                    [],
                    {},
                ),
                (at(90), at(105), K.BREAK, "Kaffeepause", None, [], [], {}),
                (
                    at(105),
                    at(150),
                    K.GOOD_PRACTICE,
                    "Teilanerkennung – und dann? Wege zum vollen Abschluss",
                    "Saal",
                    ["amon"],
                    [],
                    {"project_name": "amoN", "organisation": "amon"},
                ),
                (at(150), at(210), K.LUNCH, "Mittagspause", None, [], [], {}),
                (
                    at(210),
                    at(330),
                    K.FORUM,
                    "Forum A: Kompetenzen im Betrieb feststellen",
                    "Seminarraum 1",
                    ["mona"],
                    [],
                    {"capacity": 8, "project_name": "moNa", "organisation": "mona"},
                ),
                (
                    at(210),
                    at(330),
                    K.FORUM,
                    "Forum B: Beratung zur Anerkennung im Jobcenter",
                    "Seminarraum 2",
                    ["ifdm"],
                    [],
                    {"capacity": 8},
                ),
                (at(330), at(390), K.PANEL, "Ergebnisse und Ausblick", "Saal", ["mona", "amon", "ifdm"], [], {}),
            ],
        },
        {
            "slug": "schulversagen-schulerfolg",
            "title": "Seminar: Schulversagen – Schulerfolg",
            "subtitle": "Übergänge von Jugendlichen mit Migrationshintergrund von der Schule in das Berufsleben",
            "kind": EventKind.SEMINAR,
            "day": seminar_day,
            "start": "09:00",
            "end": "16:30",
            "venue": "Johannes Gutenberg-Universität Mainz, Zentrum für wissenschaftliche Weiterbildung",
            "street": "",
            "postcode": "",
            "city": "Mainz",
            "programme_name": "Kompetenzen fördern",
            "network": "bqn-rlp",
            "capacity": 60,
            "registration": (
                berlin(today - timedelta(days=14), "09:00"),
                berlin(seminar_day - timedelta(days=3), "23:59"),
            ),
            "contact": ("Modellprojekt Mainz, INBI gGmbH", "seminar@example.org", ""),
            "funding_notice": FUNDING_BQN,
            "description": (
                "In Kooperation mit dem Zentrum für wissenschaftliche Weiterbildung und dem interdisziplinären "
                "Studiengang "
                "„Europäische Migration“ der Johannes Gutenberg-Universität Mainz bietet das Modellprojekt Mainz "
                "halbjährlich "
                "Seminare zum Übergang von Jugendlichen mit Migrationshintergrund von der Schule in das Berufsleben "
                "an.\n\n"
                "Am Nachmittag arbeiten die Teilnehmenden in drei parallelen Workshops; bitte wählen Sie bei der "
                "Anmeldung "
                "einen Workshop."
            ),
            "participant_list_mode": ParticipantListMode.REGISTERED,
            "questions": [
                ("Essen", Q.SINGLE_CHOICE, ["mit Fleisch", "vegetarisch", "vegan"], True, "Für den Mittagsimbiss."),
                (
                    "Brauchen Sie Unterstützung für eine barrierefreie Teilnahme?",
                    Q.LONG_TEXT,
                    [],
                    False,
                    "Zum Beispiel Gebärdensprachdolmetschung, einen rollstuhlgerechten Platz oder Unterlagen in großer "
                    "Schrift.",
                ),
                (
                    "Wie haben Sie von dem Seminar erfahren?",
                    Q.MULTIPLE_CHOICE,
                    ["Newsletter des BQN", "Kolleginnen und Kollegen", "Website", "Sonstiges"],
                    False,
                    "",
                ),
                ("Möchten Sie eine Teilnahmebescheinigung?", Q.YES_NO, [], False, ""),
            ],
            "partners": [
                (PartnerRole.ORGANISER, "inbi"),
                (PartnerRole.ORGANISER, "ism"),
                (PartnerRole.COOPERATION_PARTNER, "jgu-zww"),
                (PartnerRole.COOPERATION_PARTNER, "baff"),
                (PartnerRole.FUNDER, "bmbf"),
                (PartnerRole.FUNDER, "esf"),
            ],
            "rooms": [("Hörsaal", 80), ("Seminarraum 1", 25), ("Seminarraum 2", 25), ("Seminarraum 3", 20)],
            "agenda": [
                ("09:00", "09:30", K.WELCOME, "Begrüßung", "Hörsaal", ["inbi"], [], {}),
                (
                    "09:30",
                    "10:30",
                    K.KEYNOTE,
                    "Schulversagen oder Schulerfolg? Was Übergänge gelingen lässt",
                    "Hörsaal",
                    ["ism"],
                    [],
                    {},
                ),
                ("10:30", "10:45", K.BREAK, "Kaffeepause", None, [], [], {}),
                (
                    "10:45",
                    "11:30",
                    K.GOOD_PRACTICE,
                    "Ganztagsschule im Grundschulbereich: Ansatzpunkte besserer Förderung",
                    "Hörsaal",
                    ["inbi"],
                    [],
                    {"project_name": "Modellprojekt Mainz", "organisation": "inbi"},
                ),
                (
                    "11:30",
                    "12:15",
                    K.GOOD_PRACTICE,
                    "Kommunale Ausbildungsförderung in Ludwigshafen",
                    "Hörsaal",
                    ["baff"],
                    [],
                    {"project_name": "Modellprojekt Ludwigshafen", "organisation": "baff"},
                ),
                ("12:15", "13:15", K.LUNCH, "Mittagspause", None, [], [], {}),
                (
                    "13:15",
                    "15:00",
                    K.FORUM,
                    "Workshop A: Beratung an der Schnittstelle Schule – Ausbildung – Beruf",
                    "Seminarraum 1",
                    ["inbi"],
                    [],
                    {"capacity": 25},
                ),
                (
                    "13:15",
                    "15:00",
                    K.FORUM,
                    "Workshop B: Expertinnen- und Expertengespräche – Erfahrungswissen nutzen",
                    "Seminarraum 2",
                    ["ism"],
                    [],
                    {"capacity": 25},
                ),
                (
                    "13:15",
                    "15:00",
                    K.FORUM,
                    "Workshop C: Migration und Bildung im europäischen Vergleich",
                    "Seminarraum 3",
                    ["zww"],
                    [],
                    {"capacity": 20},
                ),
                (
                    "15:15",
                    "16:15",
                    K.PANEL,
                    "Ergebnisse der Workshops und Diskussion",
                    "Hörsaal",
                    ["inbi", "ism", "zww"],
                    ["baff"],
                    {},
                ),
                ("16:15", "16:30", K.CLOSING, "Abschluss", "Hörsaal", [], [], {}),
            ],
        },
        {
            "slug": "informationsabend-saechsische-schweiz",
            "title": "Informationsabend: Ausbildung mit Zukunft",
            "subtitle": (
                "Für Jugendliche mit Migrationshintergrund, ihre Eltern und Betriebe in der Sächsischen Schweiz"
            ),
            "kind": EventKind.INFORMATION_EVENING,
            "day": evening_day,
            "start": "18:00",
            "end": "20:30",
            "venue": "Landratsamt, Großer Sitzungssaal",
            "street": "",
            "postcode": "",
            "city": "Pirna",
            "programme_name": "Kompetenzen fördern",
            "network": "bqn-saechsische-schweiz",
            "capacity": 80,
            "online": (150, "https://video.example.org/bqn-saechsische-schweiz/informationsabend"),
            "registration": (
                berlin(today + timedelta(weeks=2), "08:00"),
                berlin(evening_day - timedelta(days=1), "12:00"),
            ),
            "contact": ("BQN Sächsische Schweiz", "bqn-ss@example.org", ""),
            "funding_notice": FUNDING_BQN,
            "description": (
                "Wie finde ich einen Ausbildungsplatz? Welche Praktika helfen weiter? Das BQN Sächsische Schweiz "
                "informiert "
                "über Wege in Ausbildung und Arbeit und stellt Beratungsangebote der Region vor.\n\n"
                "Betriebe erfahren, wie interkulturelle Öffnung gelingt und welche Unterstützung es bei der Ausbildung "
                "gibt."
            ),
            "partners": [
                (PartnerRole.ORGANISER, "bqn-saechsische-schweiz"),
                (PartnerRole.FUNDER, "bmbf"),
                (PartnerRole.FUNDER, "bibb"),
            ],
            "rooms": [],
            "agenda": [
                ("18:00", "18:15", K.WELCOME, "Begrüßung", None, ["bqn-ss"], [], {}),
                (
                    "18:15",
                    "19:00",
                    K.TALK,
                    "Wege in Ausbildung: Praktika, Beratung und Kompetenzermittlung",
                    None,
                    ["bqn-ss"],
                    [],
                    {},
                ),
                (
                    "19:00",
                    "20:15",
                    K.PANEL,
                    "Fragen und Antworten mit Betrieben und Beratungsstellen",
                    None,
                    [],
                    ["bqn-ss"],
                    {},
                ),
                ("20:15", "20:30", K.CLOSING, "Ausklang", None, [], [], {}),
            ],
        },
        {
            "slug": "netzwerktreffen-emscher-lippe-2005",
            "title": "Netzwerktreffen BQN Emscher-Lippe",
            "subtitle": "Gemeinsam für einen besseren Start junger Migrantinnen und Migranten in den Beruf",
            "kind": EventKind.NETWORK_MEETING,
            "day": date(2005, 11, 16),
            "start": "10:00",
            "end": "14:00",
            "venue": "bfw – Berufsfortbildungswerk des DGB",
            "street": "",
            "postcode": "",
            "city": "Gelsenkirchen",
            "programme_name": "Kompetenzen fördern",
            "network": "bqn-emscher-lippe",
            "capacity": None,
            "registration": None,
            "contact": ("bfw Gelsenkirchen", "bqn-el@example.org", ""),
            "funding_notice": FUNDING_BQN,
            "description": (
                "Mehr als 30 % aller ausländischen Jugendlichen in Deutschland erreichen keinen Berufsabschluss. Das "
                "BQN "
                "Emscher-Lippe lädt Akteure des Arbeits- und Ausbildungsmarktes ein, vorhandene Angebote zur Beratung "
                "und "
                "Förderung zu vernetzen und weiterzuentwickeln."
            ),
            "partners": [(PartnerRole.ORGANISER, "bfw-dgb"), (PartnerRole.FUNDER, "bmbf")],
            "rooms": [],
            "agenda": [
                ("10:00", "10:30", K.WELCOME, "Begrüßung und Vorstellung des Netzwerks", None, [], [], {}),
                (
                    "10:30",
                    "12:00",
                    K.FORUM,
                    "Arbeitsgruppen: Beratung, Ausbildungsplätze, Öffentlichkeitsarbeit",
                    None,
                    [],
                    [],
                    {},
                ),
                ("12:00", "13:00", K.LUNCH, "Mittagsimbiss", None, [], [], {}),
                ("13:00", "14:00", K.CLOSING, "Ergebnisse und nächste Schritte", None, [], [], {}),
            ],
        },
    ]
