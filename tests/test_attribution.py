import pytest

from briefings.attribution import Attributor, bare_name, find_attribution


@pytest.mark.parametrize(
    "sentence, who, how",
    [
        ("According to South Korean intelligence, the first soldiers arrived.", "South Korean intelligence", "according_to"),
        ("Shells were shipped for the war, according to US and South Korean intelligence.",
         "US and South Korean intelligence", "according_to"),
        ("South Korea estimated that at least 1,500 soldiers had arrived.", "South Korea", "said"),
        ("“They are disguised,” South Korean Defense Minister Kim Yong-hyun said Thursday.",
         "South Korean Defense Minister Kim Yong-hyun", "said"),
        ('"There is complete silence," said Alina Frolova, a former deputy minister.', "Alina Frolova", "said_inverted"),
        ("“North Korea needs help,” Sung Ki-young, an analyst at the institute, told The New York Times.",
         "Sung Ki-young", "said"),
        ("U.S. intelligence has collected evidence, Defense Secretary Lloyd Austin confirmed Wednesday, although "
         "the U.S. estimate was 3,000 soldiers.", "Defense Secretary Lloyd Austin", "said"),
        ("Indeed, “North Korea wants food,” Daniel Salisbury, a research fellow at King’s College London, "
         "surmised in The Conversation.", "Daniel Salisbury", "said"),
        ('"We will not go back," said union leader Tomas Berg, who called the walkout the largest.',
         "union leader Tomas Berg", "said_inverted"),
        ("By U.S. officials’ estimation, it is a sign of desperation.", "U.S. officials", "according_to"),
        ("In a statement on Thursday, Ukraine's main intelligence service indicated up to 3,000 personnel.",
         "Ukraine's main intelligence service", "said"),
    ],
)
def test_find_attribution(sentence, who, how):
    a = find_attribution(sentence)
    assert a is not None and (a.who, a.how) == (who, how)


@pytest.mark.parametrize(
    "sentence",
    [
        "North Korea is estimated to have one of the world's largest militaries.",  # passive names nobody
        "There are continuing reports of civil unrest.",
        "Earlier this year, South Korea's military said the North had shipped rounds",  # not "said the North"
    ],
)
def test_no_false_speaker(sentence):
    a = find_attribution(sentence)
    assert a is None or a.who == "South Korea's military"


def test_pronouns_descriptions_and_surnames_resolve_through_the_document():
    text = ("Putin did not acknowledge the troops.\n"
            '"Images are a serious thing," said the Russian president.\n'
            'He then added that "what we will do is up to us."\n'
            "Samuel Greene, a Russia expert, spoke.\n"
            '"He is facing challenges," Greene said.\n')
    att = Attributor(text)
    lines = text.splitlines()
    got = []
    prev = None
    for line in lines:
        prev = att.resolve(line, prev, same_paragraph=False)
        got.append((prev.who, prev.how) if prev else None)
    assert got[1] == ("Putin", "description")
    assert got[2] == ("Putin", "pronoun")
    assert got[4] == ("Samuel Greene", "said")


def test_an_organisation_is_not_taken_for_the_last_person_named():
    att = Attributor("")
    first = att.resolve('"We will not go back," said union leader Tomas Berg.', None, same_paragraph=False)
    org = att.resolve("The port authority estimated that the strike costs $3 million a day.", first,
                      same_paragraph=False)
    assert (org.who, org.how) == ("The port authority", "said")


def test_quote_continuation_carries_the_speaker_but_a_new_subject_does_not():
    att = Attributor("")
    first = att.resolve("“I think so,” Ruggiero said.", None, same_paragraph=True)
    carried = att.resolve("“They are already making money.”", first, same_paragraph=False)
    assert carried.who == "Ruggiero" and carried.how == "carried"
    fresh = att.resolve("For their part, North Korean media stayed quiet.", carried, same_paragraph=True)
    assert fresh is None


def test_bare_name():
    assert bare_name("CNN’s Political and National Security Analyst David Sanger") == "David Sanger"
    assert bare_name("Defense Secretary Lloyd Austin") == "Lloyd Austin"
    assert bare_name("South Korea's military") == "South Korea's military"
