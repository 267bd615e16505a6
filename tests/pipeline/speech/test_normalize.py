"""The speech normaliser: numbers, units, symbols, links and Markdown as a person would read them aloud."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.speech.normalize import NORMALISER_VERSION, spoken_text

CASES: list[tuple[str, str]] = [
    # Plain numbers
    ("42", "forty-two"),
    ("I have 2 cats", "I have two cats"),
    ("1,250", "one thousand, two hundred and fifty"),
    ("10,000 steps", "ten thousand steps"),
    ("3.14", "three point one four"),
    ("0.5", "zero point five"),
    ("2.5 million", "two point five million"),
    ("James 007", "James zero zero seven"),
    ("1st, 22nd, 3rd", "first, twenty-second, third"),
    ("the 21st century", "the twenty-first century"),
    # Percentages
    ("15%", "fifteen percent"),
    ("2.5%", "two point five percent"),
    ("10-20%", "ten to twenty percent"),
    # Negative numbers and temperatures
    ("-5 °C", "minus five degrees Celsius"),
    ("It fell to −3 overnight.", "It fell to minus three overnight."),
    ("22 °C", "twenty-two degrees Celsius"),
    ("22°C", "twenty-two degrees Celsius"),
    ("22 C", "twenty-two degrees Celsius"),
    ("72 F", "seventy-two degrees Fahrenheit"),
    ("1 °C warmer", "one degree Celsius warmer"),
    # Money
    ("$5", "five dollars"),
    ("$1", "one dollar"),
    ("$9.99", "nine dollars and ninety-nine cents"),
    ("$0.99", "ninety-nine cents"),
    ("$5.00", "five dollars"),
    ("€20", "twenty euros"),
    ("€4.50", "four euros and fifty cents"),
    ("£3.50", "three pounds and fifty pence"),
    ("£1", "one pound"),
    ("$2.5 million", "two point five million dollars"),
    ("$3B", "three billion dollars"),
    ("$3bn", "three billion dollars"),
    ("$10K", "ten thousand dollars"),
    ("¥100", "one hundred yen"),
    ("US$5", "five US dollars"),
    ("$5–10", "five to ten dollars"),
    ("$500k–$2M", "five hundred thousand to two million dollars"),
    ("20 €", "twenty euros"),
    ("-$5", "minus five dollars"),
    # Ranges and ratios
    ("8–10 hours", "eight to ten hours"),
    ("8-10 hours", "eight to ten hours"),
    ("2019–2021", "twenty nineteen to twenty twenty-one"),
    ("from 2019 to 2021", "from twenty nineteen to twenty twenty-one"),
    ("The score was 3-2.", "The score was three to two."),
    ("1:1:1", "one to one to one"),
    ("16:9", "sixteen to nine"),
    ("call 555-123-4567", "call five five five, one two three, four five six seven"),
    # phone numbers: a range never ends on a leading zero, and "call" or "phone" says what follows
    ("555-0123", "five five five, zero one two three"),
    ("Phone: 555-1234.", "Phone: five five five, one two three four."),
    ("(415) 555-0199", "four one five, five five five, zero one nine nine"),
    ("+1 (415) 555-0199", "plus one, four one five, five five five, zero one nine nine"),
    ("+44 20 7946 0958", "plus four four, two zero, seven nine four six, zero nine five eight"),
    ("100-1000 users", "one hundred to one thousand users"),
    ("call us at 555-1234", "call us at five five five, one two three four"),
    ("Call +1 (415) 555-0199.", "Call plus one, four one five, five five five, zero one nine nine."),
    # what only looks like one: a range after a cue word far back, decimals, a score and a season
    ("Phone prices run 300-1200 dollars.", "Phone prices run three hundred to one thousand, two hundred dollars."),
    ("Take 0.5-0.75 mg daily.", "Take zero point five to zero point seven five milligrams daily."),
    ("AAPL +1.25 150.75", "AAPL plus one point two five one hundred and fifty point seven five"),
    ("Goal difference +25 2023-24.", "Goal difference plus twenty-five twenty twenty-three to twenty-four."),
    # Times
    ("10 pm", "ten PM"),
    ("10pm", "ten PM"),
    ("10:30 am", "ten thirty AM"),
    ("14:30", "fourteen thirty"),
    ("9:05", "nine oh five"),
    ("7:00", "seven o'clock"),
    ("12:00", "twelve o'clock"),
    ("7:00 pm", "seven PM"),
    ("Call at 10 p.m. and then rest.", "Call at ten PM and then rest."),
    ("See you at 10 p.m. Then go.", "See you at ten PM. Then go."),
    # Years and dates
    ("in 2024", "in twenty twenty-four"),
    ("since 1999", "since nineteen ninety-nine"),
    ("That was 2024.", "That was twenty twenty-four."),
    ("in 2000", "in two thousand"),
    ("in 2005", "in two thousand and five"),
    ("Q1 2024", "Q one twenty twenty-four"),
    ("the 1990s and the '80s", "the nineteen nineties and the eighties"),
    ("in her 30s", "in her thirties"),
    ("raised the timeout from 2s to 30s.", "raised the timeout from two seconds to thirty seconds."),  # timing
    ("retries every 30s", "retries every thirty seconds"),
    ("It took 45s.", "It took forty-five seconds."),  # no decade: seconds
    ("we waited 10s of minutes", "we waited tens of minutes"),
    ("2048 tokens", "two thousand and forty-eight tokens"),
    ("2024-03-15", "March fifteenth, twenty twenty-four"),
    ("Released 2023-04.", "Released April twenty twenty-three."),  # a year and month
    ("from 2023-04 to 2023-06", "from April twenty twenty-three to June twenty twenty-three"),
    ("the 2011-12 season", "the twenty eleven to twelve season"),  # the year after: a season, not December
    ("pages 1200-12", "pages twelve hundred to twelve"),
    ("the 2007-09 recession", "the two thousand and seven to nine recession"),  # forward: a range
    ("There is no 2023-04 budget.", "There is no April twenty twenty-three budget."),
    ("Sprint 2024-W05 ends", "Sprint week five of twenty twenty-four ends"),
    ("March 3, 2024", "March third, twenty twenty-four"),
    ("3 March 2024", "the third of March, twenty twenty-four"),
    ("the 3rd of March", "the third of March"),
    ("3-4 pm", "three to four PM"),
    ("open 9am-5pm", "open nine AM to five PM"),
    ("10am–2pm daily", "ten AM to two PM daily"),
    ("9:00-17:00", "nine o'clock to seventeen hundred"),
    ("It runs 2–3 p.m.", "It runs two to three PM."),
    ("9:00 - 17:00", "nine o'clock to seventeen hundred"),
    ("on 03/15/2024", "on March fifteenth, twenty twenty-four"),
    ("Due 12/31/1999.", "Due December thirty-first, nineteen ninety-nine."),
    ("on 15/03/2024", "on the fifteenth of March, twenty twenty-four"),
    ("on 15.03.2024", "on the fifteenth of March, twenty twenty-four"),
    ("on 04/05/2024", "on four slash five slash twenty twenty-four"),  # April 5 or 4 May: read as written
    ("12/31/24", "twelve slash thirty-one slash twenty-four"),
    ("Python 3.11.2024", "Python three point eleven point two thousand and twenty-four"),
    ("The release 1.2.2024 fixed it", "The release one point two point two thousand and twenty-four fixed it"),
    ("Version: 1.2.2024", "Version: one point two point two thousand and twenty-four"),
    ("in 3.11.2024 builds", "in three point eleven point two thousand and twenty-four builds"),
    ("Jan 5", "January fifth"),
    # Units
    ("500 g", "five hundred grams"),
    ("1 kg", "one kilogram"),
    ("420 ms", "four hundred and twenty milliseconds"),
    ("5 km", "five kilometers"),
    ("10 m, 3 cm, 2 mm", "ten meters, three centimeters, two millimeters"),
    ("60 mph", "sixty miles per hour"),
    ("100 km/h", "one hundred kilometers per hour"),
    ("5 GB", "five gigabytes"),
    ("512 MB, 1 TB, 10 KB", "five hundred and twelve megabytes, one terabyte, ten kilobytes"),
    ("100 Mbps", "one hundred megabits per second"),
    ("3 GHz and 2 MHz", "three gigahertz and two megahertz"),
    ("5 W, 40 kWh", "five watts, forty kilowatt-hours"),
    ("2 L or 500 ml", "two liters or five hundred milliliters"),
    ("6 ft", "six feet"),
    ("30 s, 30 sec, 5 min", "thirty seconds, thirty seconds, five minutes"),
    ("2 h or 2 hrs", "two hours or two hours"),
    ("3x faster", "three times faster"),
    ("3× faster", "three times faster"),
    ("10k", "ten thousand"),
    ("5M users", "five million users"),
    ("a 5-km run", "a five-kilometer run"),
    ("1 in 3 people", "one in three people"),
    ("$20/month", "twenty dollars per month"),
    ("$50/yr or $5/mos, 10 hrs/wk", "fifty dollars per year or five dollars per month, ten hours per week"),
    ("10k req/s", "ten thousand req per second"),
    # Percentiles and versions
    ("p95", "P ninety-five"),
    ("p99", "P ninety-nine"),
    ("p50", "P fifty"),
    ("v2.1", "version two point one"),
    ("v3", "version three"),
    ("Python 3.11", "Python three point eleven"),
    ("1.2.3", "one point two point three"),
    ("192.168.0.1", "one hundred and ninety-two dot one hundred and sixty-eight dot zero dot one"),
    # Fractions
    ("1/2", "one half"),
    ("3/4 of them", "three quarters of them"),
    ("9/10", "nine out of ten"),
    ("24/7", "twenty-four seven"),
    ("2½ cups", "two and a half cups"),
    # Abbreviations
    ("e.g. this", "for example this"),
    ("E.g., this", "For example, this"),
    ("i.e. that", "that is that"),
    ("cats vs. dogs", "cats versus dogs"),
    ("cats vs dogs", "cats versus dogs"),
    ("apples, pears, etc. Then more.", "apples, pears, et cetera. Then more."),
    ("(apples, etc.) and", "(apples, et cetera) and"),
    ("approx. 5", "approximately five"),
    ("No. 5", "number five"),
    ("Dr. Smith", "Doctor Smith"),
    ("Mr. Smith and Mrs. Jones", "Mister Smith and Missus Jones"),
    ("St. Louis", "Saint Louis"),
    # Symbols
    ("salt & pepper", "salt and pepper"),
    ("and/or", "and or"),
    ("read/write", "read or write"),
    ("A/B testing", "A B testing"),
    ("C++", "C plus plus"),
    ("2+2=4", "two plus two equals four"),
    ("C#", "C sharp"),
    ("#1", "number one"),
    ("#hashtag", "hashtag"),
    ("a = b", "a equals b"),
    ("~5", "about five"),
    ("≈ 3", "about three"),
    ("input → output", "input to output"),
    ("input -> output", "input to output"),
    ("<5 ms", "less than five milliseconds"),
    (">90%", "more than ninety percent"),
    ("x ≥ 4", "x at least four"),
    ("5 ± 2", "five plus or minus two"),
    ("This — that.", "This, that."),
    ("word—word", "word, word"),
    ("e-mail", "e-mail"),
    # Links and e-mail addresses
    ("https://en.wikipedia.org/wiki/Octopus", "a link to en dot wikipedia dot org"),
    ("www.example.com", "a link to example dot com"),
    ("example.com/docs", "a link to example dot com"),
    ("Visit example.com today.", "Visit example dot com today."),
    ("Read it at https://docs.python.org/3/.", "Read it at docs dot python dot org."),
    ("jane.doe@example.com", "an e-mail address at example dot com"),
    ("e-mail help@python.org", "e-mail an address at python dot org"),
    ("[the docs](https://x.org/a)", "the docs"),
    ("See https://en.wikipedia.org/wiki/Mercury_(planet) now.", "See a link to en dot wikipedia dot org now."),
    ("Node.js and README.md", "Node.js and README.md"),
    # Emoji
    ("Great job 🎉🎉!", "Great job!"),
    ("Thanks 👍🏽 ❤️", "Thanks"),
    ("Hello 👋, world", "Hello, world"),
    ("Party (🎉) time", "Party time"),
    # Markdown
    ("**bold**", "bold"),
    ("*em* and _em_", "em and em"),
    ("`code`", "code"),
    ("## Heading", "Heading"),
    ("## Plan\nWe start now.", "Plan. We start now."),
    ("- item one\n- item two\nDone.", "item one, item two. Done."),
    ("1. First\n2. Second", "First, Second"),
    ("![a diagram](src.png)", "a diagram"),
    ("a | b | c", "a, b, c"),
    ("| Name | Score |\n|---|---|\n| Ann | 5 |", "Name, Score. Ann, five"),
    ("snake_case_name", "snake case name"),
    # Ordinary words and scripts are left alone
    ("Café crème, naïve, Zürich, 東京, don't", "Café crème, naïve, Zürich, 東京, don't"),
    ("Q3 and H2O", "Q three and H two O"),
    ("COVID-19", "COVID-nineteen"),
    ("  spaced   out\ttext  ", "spaced out text"),
    # Mixed sentences
    (
        "Latency fell from 420 ms to 95 ms (p99) on v2.1, a 77% drop.",
        "Latency fell from four hundred and twenty milliseconds to ninety-five milliseconds (P ninety-nine) on version"
        " two point one, a seventy-seven percent drop.",
    ),
    (
        "The meeting is on 2024-03-15 at 14:30.",
        "The meeting is on March fifteenth, twenty twenty-four at fourteen thirty.",
    ),
    (
        "We raised $2.5 million in 2021, up 40% from 2020.",
        "We raised two point five million dollars in twenty twenty-one, up forty percent from twenty twenty.",
    ),
    (
        "It's 22°C in Paris and -5 °C in Oslo, i.e. a 27-degree gap.",
        "It's twenty-two degrees Celsius in Paris and minus five degrees Celsius in Oslo, that is a"
        " twenty-seven-degree gap.",
    ),
    (
        "Founded in 1998, the company now has 5M users & 10k employees.",
        "Founded in nineteen ninety-eight, the company now has five million users and ten thousand employees.",
    ),
    (
        "From 2019–2021, revenue grew 3x to $3B.",
        "From twenty nineteen to twenty twenty-one, revenue grew three times to three billion dollars.",
    ),
    (
        "Dr. Smith said the dose is ~5 mg, approx. 2x the usual.",
        "Doctor Smith said the dose is about five milligrams, approximately two times the usual.",
    ),
    (
        "**Note:** the *new* plan is `$9.99` per month — see [pricing](https://example.com/pricing).",
        "Note: the new plan is nine dollars and ninety-nine cents per month, see pricing.",
    ),
    (
        "On March 3, 2024, the 1st batch of 500 g sold out by 10 am.",
        "On March third, twenty twenty-four, the first batch of five hundred grams sold out by ten AM.",
    ),
    (
        "Mix 1:1:1 flour, sugar and butter; bake at 180 °C for 25 min.",
        "Mix one to one to one flour, sugar and butter; bake at one hundred and eighty degrees Celsius for"
        " twenty-five minutes.",
    ),
    (
        "Q3 revenue was up 12.5% vs. Q2, and Python 3.12 is 150 MB vs 90 MB for v1.",
        "Q three revenue was up twelve point five percent versus Q two, and Python three point twelve is one hundred"
        " and fifty megabytes versus ninety megabytes for version one.",
    ),
    (
        "Our 5 GB plan (100 Mbps) costs $20/month, e.g. at 7:00 pm on weekdays 🚀.",
        "Our five gigabytes plan (one hundred megabits per second) costs twenty dollars per month, for example at"
        " seven PM on weekdays.",
    ),
]


@pytest.mark.parametrize("numbered", ["ticket 2023-04", "part number 2045-06", "pages 1950-12", "ISBN 1999-05"])
def test_what_numbers_a_thing_is_no_month(numbered: str) -> None:
    assert not any(month in spoken_text(numbered) for month in ("April", "June", "December", "May"))


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spoken_text(text: str, expected: str) -> None:
    assert spoken_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "It costs five dollars.",
        "The meeting starts at ten thirty AM, so don't be late!",
        "She said it was a good idea, didn't she?",
        "Latency fell to ninety-five milliseconds (P ninety-nine) on version two point one.",
    ],
)
def test_spoken_text_is_left_as_it_is(text: str) -> None:
    assert spoken_text(text) == text


@pytest.mark.parametrize(("text", "_expected"), CASES)
def test_normalising_twice_changes_nothing(text: str, _expected: str) -> None:
    once = spoken_text(text)
    assert spoken_text(once) == once


NUMBER_HEAVY = (
    "In 2023 we shipped v4.2.1 to 1,250,000 users in 37 countries; p99 latency was 420 ms (down 12.5%), "
    "storage hit 3.2 TB, and revenue grew from $4.5M to $7.25M - a 61% rise - by 2024-06-30 at 17:45. "
    "Ratios were 16:9 and 1:1:1, 3/4 of tests ran at 22°C, -5 °C or 72 F, 8–10 times, No. 7, #3, "
    "1st, 2nd, 3rd and 100th, 2x faster at 10k req/s with 5 GHz chips, 0.001 error, ISBN 978-3-16-148410-0, "
    "the 1990s, Q4, H2O, mp3, 192.168.1.1, 24/7, 10pm, ~5, 2^10 and 3.14."
)


def test_a_utc_offset_is_not_the_end_of_a_time_range() -> None:
    assert " to " not in spoken_text("It started at 10:30:00-05:00.")


def test_no_digits_remain_in_a_number_heavy_paragraph() -> None:
    said = spoken_text(NUMBER_HEAVY)
    assert not any(character.isdigit() for character in said), said


def test_output_never_holds_emoji() -> None:
    said = spoken_text("Shipped 🚀🚀! Team 👩‍💻👨🏽‍🔬 says ✅ and ❤️ — 1️⃣ first, 🇬🇧 flag, ★ rating ☕.")
    assert not any(unicodedata.category(character) == "So" for character in said), said
    assert said == "Shipped! Team says and, one first, flag, rating."


def test_sentence_punctuation_and_whitespace() -> None:
    said = spoken_text("Is it 5?  Yes!\n\nIt is 5,  really.")
    assert said == "Is it five? Yes! It is five, really."


def test_the_version_is_a_non_empty_string() -> None:
    assert isinstance(NORMALISER_VERSION, str)
    assert NORMALISER_VERSION


def test_pronunciations_replace_whole_words_in_any_case_longest_first() -> None:
    say = {"Nginx": "engine x", "API": "A P I", "Kubernetes API": "kube API", "C#": "see sharp"}
    assert spoken_text("NGINX fronts the Kubernetes API; nginx.conf too.", say) == (
        "engine x fronts the kube API; engine x.conf too.")
    assert spoken_text("Apis and rapid APIs stay.", say) == "Apis and rapid APIs stay.", "only whole words"
    assert spoken_text("We write C# daily.", say) == "We write see sharp daily."
    assert spoken_text("Siobhan has 3 cats.", {"Siobhan": "shiv awn"}) == "shiv awn has three cats."


def test_a_match_whose_case_folds_differently_is_left_as_written() -> None:
    assert spoken_text("İstanbul and istanbul.", {"istanbul": "is tan bul"}) == "İstanbul and is tan bul."
