"""Demo organisation: a department tree across five cities in four countries, ~60 people
in their own time zones and languages, and the four sign-in accounts of the README."""

from datetime import date, timedelta
from typing import TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password

from lectio.accounts import services
from lectio.accounts.models import Department, User

# code, name, parent code, location
DEPARTMENTS = [
    ("HQ", "Meridian Group", "", "Istanbul, Türkiye"),
    ("TR", "Türkiye", "HQ", "Istanbul, Türkiye"),
    ("TR-IST-OPS", "Istanbul Operations", "TR", "Istanbul, Türkiye"),
    ("TR-IST-SALES", "Istanbul Sales", "TR", "Istanbul, Türkiye"),
    ("TR-ANK-FIN", "Ankara Finance", "TR", "Ankara, Türkiye"),
    ("DE", "Germany", "HQ", "Berlin, Germany"),
    ("DE-BER-ENG", "Berlin Engineering", "DE", "Berlin, Germany"),
    ("DE-BER-HR", "People & Learning", "DE", "Berlin, Germany"),
    ("US", "United States", "HQ", "Chicago, United States"),
    ("US-CHI-WH", "Chicago Warehouse", "US", "Chicago, United States"),
    ("US-CHI-SALES", "Chicago Sales", "US", "Chicago, United States"),
    ("UK", "United Kingdom", "HQ", "London, United Kingdom"),
    ("UK-LON-SUP", "London Customer Support", "UK", "London, United Kingdom"),
]

# Where people of each country sit: time zone, language, given names, family names.
COUNTRIES = {
    "TR": (
        "Europe/Istanbul",
        "tr",
        ["Ayşe", "Mehmet", "Zeynep", "Emre", "Elif", "Burak", "Selin", "Can", "Deniz", "Ece"],
        ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan"],
    ),
    "DE": (
        "Europe/Berlin",
        "en",
        ["Lena", "Jonas", "Mia", "Felix", "Hannah", "Lukas", "Sophie", "Paul"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner"],
    ),
    "US": (
        "America/Chicago",
        "en",
        ["Olivia", "Liam", "Emma", "Noah", "Ava", "Mason", "Sophia", "Ethan"],
        ["Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis"],
    ),
    "UK": (
        "Europe/London",
        "en",
        ["Amelia", "Oliver", "Isla", "George", "Grace", "Harry"],
        ["Smith", "Jones", "Taylor", "Evans", "Thomas"],
    ),
}

TEAMS = {  # department code: (job titles, head count)
    "TR-IST-OPS": (["Operations Specialist", "Shift Supervisor", "Forklift Operator"], 10),
    "TR-IST-SALES": (["Account Executive", "Sales Representative"], 8),
    "TR-ANK-FIN": (["Accountant", "Financial Analyst"], 5),
    "DE-BER-ENG": (["Software Engineer", "QA Engineer", "Site Reliability Engineer"], 8),
    "DE-BER-HR": (["HR Business Partner", "Learning Specialist"], 3),
    "US-CHI-WH": (["Warehouse Associate", "Forklift Operator", "Safety Coordinator"], 9),
    "US-CHI-SALES": (["Account Executive", "Sales Engineer"], 5),
    "UK-LON-SUP": (["Support Agent", "Support Team Lead"], 8),
}

ACCOUNTS = [
    # e-mail, name, department, job title, roles, language, time zone
    (
        "admin@example.com",
        "Ada Administrator",
        "HQ",
        "Compliance Officer",
        ["administrator"],
        "en",
        "Europe/Istanbul",
    ),
    (
        "instructor@example.com",
        "Irene Instructor",
        "DE-BER-HR",
        "Learning Designer",
        ["instructor"],
        "en",
        "Europe/Berlin",
    ),
    (
        "manager@example.com",
        "Murat Manager",
        "TR-IST-OPS",
        "Operations Manager",
        ["manager"],
        "tr",
        "Europe/Istanbul",
    ),
    (
        "learner@example.com",
        "Leyla Learner",
        "TR-IST-OPS",
        "Operations Specialist",
        [],
        "en",
        "Europe/Istanbul",
    ),
]


def populate(out: TextIO) -> None:
    if User.objects.filter(email="admin@example.com").exists():
        out.write("People: demo organisation already present.\n")
        return
    departments: dict[str, Department] = {}
    for code, name, parent, location in DEPARTMENTS:
        departments[code] = services.create_department(
            name=name, code=code, parent=departments.get(parent), location=location
        )
    password = make_password(settings.LECTIO_DEMO_PASSWORD)  # hashed once, shared by all
    people = []
    for email, name, dept, title, roles, language, zone in ACCOUNTS:
        people.append(
            services.create_person(
                email=email,
                full_name=name,
                department=departments[dept],
                job_title=title,
                location=departments[dept].location,
                roles=roles,
                language=language,
                time_zone=zone,
                hire_date=date(2021, 3, 1),
            )
        )
    number = 0
    for code, (titles, count) in TEAMS.items():
        zone, language, given, family = COUNTRIES[code.split("-")[0]]
        for i in range(count):
            number += 1
            first, last = given[(number + i) % len(given)], family[number % len(family)]
            people.append(
                services.create_person(
                    email=f"{_ascii(first)}.{_ascii(last)}{number}@example.com",
                    full_name=f"{first} {last}",
                    department=departments[code],
                    job_title=titles[i % len(titles)],
                    location=departments[code].location,
                    employee_id=f"E{10000 + number}",
                    language=language,
                    time_zone=zone,
                    hire_date=date(2026, 10, 1) - timedelta(days=97 * number),
                )
            )
    User.objects.filter(pk__in=[p.pk for p in people]).update(password=password)
    by_email = {p.email: p for p in people}
    services.set_department_manager(departments["TR-IST-OPS"], by_email["manager@example.com"])
    team_leads = {"US-CHI-WH": "Chicago", "DE-BER-ENG": "Berlin", "UK-LON-SUP": "London"}
    for code in team_leads:
        lead = next(p for p in people if p.department_id == departments[code].pk and p.employee_id)
        services.set_department_manager(departments[code], lead)
    # One person who left: deactivated, kept for the records.
    services.deactivate_person(people[-1])
    forklift = services.save_group(
        None, name="Forklift operators", description="Everyone licensed to drive a forklift."
    )
    services.add_group_members(forklift, [p for p in people if p.job_title == "Forklift Operator"])
    services.save_group(None, name="New starters 2026", description="Onboarding cohort.")
    out.write(f"People: {len(departments)} departments, {len(people)} people, 2 groups created.\n")


def _ascii(name: str) -> str:
    table = str.maketrans("çğıöşüÇĞİÖŞÜä", "cgiosuCGIOSUa")
    return name.translate(table).lower()
