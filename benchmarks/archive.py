"""A deterministic synthetic news archive, for benchmarks that need many articles.

``generate_archive(root, n, seed)`` writes ``root/source/<slug>.md`` for ``n`` English
news articles (YAML front matter, 15-25 blocks of varied prose with headings, lists,
links, emphasis and quotes); the same ``(n, seed)`` always gives the same bytes.
``edit_articles(root, fraction, seed)`` then changes a fraction of them the way an
editor does: a reworded sentence, a new paragraph, a removed one.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

PLACES = (
    "Quetta", "Karachi", "Lahore", "Islamabad", "Peshawar", "Colombo", "Kandy", "Jaffna", "Tehran",
    "Mashhad", "Shiraz", "Kabul", "Dhaka", "Chennai", "Mumbai", "Galle", "Multan", "Hyderabad",
)  # fmt: skip
PEOPLE = (
    "Imran Khan", "Shehbaz Sharif", "Ranil Wickremesinghe", "Anura Kumara Dissanayake",
    "Ebrahim Raisi", "Masoud Pezeshkian", "Bilawal Bhutto Zardari", "Maryam Nawaz",
    "Sajith Premadasa", "Gotabaya Rajapaksa", "Asif Ali Zardari", "Fazlur Rehman",
)  # fmt: skip
GROUPS = (
    "teachers", "nurses", "coal miners", "garment workers", "tea plantation workers", "doctors",
    "port workers", "students", "farmers", "bus drivers", "textile workers", "railway workers",
)  # fmt: skip
BODIES = (
    "the Supreme Court", "the provincial government", "the International Monetary Fund",
    "the central bank", "the Election Commission", "the health ministry", "the trade unions",
    "the police", "parliament", "the World Bank", "the army", "the opposition parties",
)  # fmt: skip
VERBS = (
    "protested", "went on strike", "marched", "rallied", "held a sit-in", "demonstrated",
    "walked out", "blocked the main road", "boycotted classes", "stopped work",
)  # fmt: skip
ISSUES = (
    "wage cuts", "power outages", "rising fuel prices", "unpaid salaries", "privatisation",
    "school closures", "water shortages", "police violence", "new taxes", "price increases",
    "hospital closures", "forced evictions",
)  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
AUTHORS = ("Sampath Perera", "Ali Ismail", "Keith Jones", "Wasantha Rupasinghe", "Saman Gunadasa")
OPENINGS = (
    "According to local reports,", "On {day} {month},", "In a statement on {weekday},",
    "Speaking to reporters,", "Earlier this week,", "Despite repeated promises,",
    "As the crisis deepened,", "For the {nth} time this year,",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NTH = ("second", "third", "fourth", "fifth")


def _sentence(rng: random.Random) -> str:
    """One news sentence, sometimes with a link, emphasis or a figure."""
    opening = rng.choice(OPENINGS).format(
        day=rng.randint(1, 28), month=rng.choice(MONTHS), weekday=rng.choice(WEEKDAYS), nth=rng.choice(NTH)
    )
    group, place, body = rng.choice(GROUPS), rng.choice(PLACES), rng.choice(BODIES)
    number = f"{rng.randint(2, 900) * 10:,}"
    shapes = (
        f"{opening} {number} {group} in {place} {rng.choice(VERBS)} against {rng.choice(ISSUES)}.",
        f"{opening} {body} announced that {rng.choice(ISSUES)} would continue until "
        f"{rng.choice(MONTHS)} {rng.randint(2024, 2027)}.",
        f"{rng.choice(PEOPLE)} told a press conference in {place} that {body} had no choice but to "
        f"accept the demands of {rng.choice(BODIES)}.",
        f"The {group} of {place} have not been paid for {rng.randint(2, 9)} months, and "
        f"*{rng.randint(10, 90)} percent* of them say they cannot feed their families.",
        f"A report by [{body}](https://example.org/{place.lower()}/{rng.randint(100, 999)}) found "
        f"that {rng.choice(ISSUES)} had pushed {number} families below the poverty line.",
        f'"We will not go back to work until {rng.choice(ISSUES)} end," a {group[:-1]} from {place} said.',
        f"**{rng.choice(PEOPLE)}** blamed {rng.choice(ISSUES)} on {body} and called for calm.",
        f"Rs. {number} million was set aside for {group} in {place}, far less than the "
        f"{rng.randint(2, 9)} billion promised last year.",
    )
    return rng.choice(shapes)


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))


def _block(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.08:
        return f"## {rng.choice(GROUPS).capitalize()} in {rng.choice(PLACES)} demand action"
    if roll < 0.14:
        count = rng.randint(2, 4)
        items = [f"- {rng.choice(ISSUES).capitalize()} in {rng.choice(PLACES)}" for _ in range(count)]
        return "\n".join(items)
    if roll < 0.18:
        return f"> {_sentence(rng)}"
    return _paragraph(rng)


def _article(rng: random.Random, index: int) -> tuple[str, str]:
    group, place = rng.choice(GROUPS), rng.choice(PLACES)
    title = f"{group.capitalize()} in {place} {rng.choice(VERBS)} over {rng.choice(ISSUES)}"
    slug = f"{index:04d}-{group.replace(' ', '-')}-{place.lower()}"
    date = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 1800))
    blocks = [_block(rng) for _ in range(rng.randint(15, 25))]
    text = (
        f'---\ntitle: "{title}"\nauthor: {rng.choice(AUTHORS)}\ndate: {date.isoformat()}\n'
        f"slug: {slug}\nlanguage: en\n---\n\n" + "\n\n".join(blocks) + "\n"
    )
    return slug, text


def generate_archive(root: Path, n: int = 1000, seed: int = 0) -> list[str]:
    """Write ``n`` articles under ``root/source/``; return their slugs in order."""
    rng = random.Random(seed)
    source_dir = root / "source"
    source_dir.mkdir(parents=True, exist_ok=True)
    (root / "translations").mkdir(exist_ok=True)
    slugs = []
    for index in range(n):
        slug, text = _article(rng, index)
        (source_dir / f"{slug}.md").write_text(text, "utf-8")
        slugs.append(slug)
    return slugs


def edit_articles(root: Path, fraction: float = 0.05, seed: int = 1) -> list[str]:
    """Edit ``fraction`` of the articles under ``root/source/``; return the edited slugs.

    Each edited article gets one reworded paragraph (a sentence appended), one new
    paragraph and, when long enough, one paragraph removed.
    """
    rng = random.Random(seed)
    paths = sorted((root / "source").glob("*.md"))
    chosen = sorted(rng.sample(paths, max(1, round(len(paths) * fraction))))
    for path in chosen:
        head, _, body = path.read_text("utf-8").partition("\n---\n\n")
        blocks = body.rstrip("\n").split("\n\n")
        prose = [i for i, block in enumerate(blocks) if not block.startswith(("#", "-", ">"))]
        if prose:
            target = rng.choice(prose)
            blocks[target] = blocks[target] + " " + _sentence(rng)
        blocks.insert(rng.randint(0, len(blocks)), _paragraph(rng))
        if len(blocks) > 10:
            del blocks[rng.randint(0, len(blocks) - 1)]
        path.write_text(head + "\n---\n\n" + "\n\n".join(blocks) + "\n", "utf-8")
    return [path.stem for path in chosen]
