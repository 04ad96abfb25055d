"""Speakers from the structure of reported speech, resolved across a document."""
import pytest

from briefings.extraction.attribution import Attributor, looks_like_person, mentions, strip_title


def speakers(*sentences):
    a = Attributor()
    return [(r.who, r.how) if (r := a.attribute(s)) else None for s in sentences]


@pytest.mark.parametrize("sentence, who", [
    ("State Gov. Jane Doe said the bridge would reopen in 2028.", "Jane Doe"),
    ("Ukraine estimated that roughly 12,000 North Korean troops have entered Russia.", "Ukraine"),
    ("Ukraine's main intelligence service said up to 3,000 personnel had arrived.", "Ukraine's main intelligence service"),
    ("“We will rebuild,” said Gov. Wes Moore.", "Wes Moore"),
    ("Jane Roe, the union's president, said the offer was an insult.", "Jane Roe"),
    ("According to U.S. and South Korean intelligence, millions of shells have been shipped.",
     "U.S. and South Korean intelligence"),
    ("Millions of shells were shipped, according to officials in Seoul.", "officials in Seoul"),
    ("Officials in Seoul said the shells were shipped in May.", "Officials in Seoul"),
    ("The bridge carried 30,000 vehicles a day, officials said.", "officials"),
    ("A spokesperson for the port said operations would resume.", "A spokesperson for the port"),
    ("By Kyiv's estimate, 11,000 soldiers were killed.", "Kyiv"),
    ("Rescuers said they do not expect to find anyone alive, Coast Guard Rear Adm. Shannon Gilreath told reporters.",
     "Shannon Gilreath"),
    ("MONTGOMERY — Gov. Randall Pruitt on Friday urged both sides to get back in a room.", "Randall Pruitt"),
    ("Moore on Tuesday said the channel would reopen.", "Moore"),
    ("“We will rebuild,” said Putin in a statement.", "Putin"),
    ("3:15 p.m. — Riverline: “We accept the findings.”", "Riverline"),
    # the verb that governs "to say" is no part of who speaks
    ("Birdsong declined to say what the union planned, but said members would meet again Sunday.", "Birdsong"),
    ("Officials declined to say how many people were inside.", "Officials"),
    # a description, then the name it describes: the name
    ("Its spokeswoman, Priya Natarajan, said the works were worth about $40 million.", "Priya Natarajan"),
    ("4:50 p.m. — Brandt's lawyer, Ilsa Moravec, says her client did not choose.", "Ilsa Moravec"),
    ("The sponsor, Rep. Janet Kowalczyk, has said “nearly 200,000 children.”", "Janet Kowalczyk"),
    ("The broker in this case, Sunhaven Chemical Trading, says it never opened the drums.", "Sunhaven Chemical Trading"),
    ("A watchdog group, the Open Streets Alliance, says it counted 40 crashes.", "Open Streets Alliance"),
    # judging another is reporting too; "called" is when a quotation follows
    ("Rep. Tom Reyes blamed the utility for the outage.", "Tom Reyes"),
    ("Mara Quell, who chairs the tenants' group, called the offer “an insult to every family.”", "Mara Quell"),
    ("Its lawyer accused the county of hiding the figures.", "Its lawyer"),
    ("Holm disputed the figure, saying it was lower.", "Holm"),
    # a role after several capitalised words; a body's name joined by "and" or "of" stays whole
    ("Green Valley Party leader Ola Brenn said the vote was lost.", "Ola Brenn"),
    ("The Centers for Disease Control and Prevention counted 27 cases.", "Centers for Disease Control and Prevention"),
    ("SEN. JANE ROE (D-MINN.): We will not vote for it.", "Jane Roe"),  # a transcript label with a party
    # a live entry's timestamp set off by a spaced hyphen
    ("11:05 - Harbour board chair Lotte Venn, in a statement from her office, said the port would stay shut.",
     "Lotte Venn"),
    # a titled person "of" the body they speak for: the person, however long the title
    ("Detective Chief Superintendent Maria Kessler of the Regional Fraud Unit said the accounts were frozen.",
     "Maria Kessler"),
    # inverted, with no quotation
    ("The checks will continue into next week, said Tomas Ruud, a spokesman for the ministry.", "Tomas Ruud"),
    ("Fares will rise in May, added the ministry.", "the ministry"),
    ("Costs will rise, said a spokesman for the ministry.", "a spokesman for the ministry"),
    # a plural possessive inside a name; an adverb after a body's name is no part of it
    ("The Nurses' Association said its members would strike.", "Nurses' Association"),
    ("The agency now says the leak was smaller.", "The agency"),
    ("The airline has said the failure began at midnight.", "The airline"),
    ("Residents near the plant said they heard a bang.", "Residents near the plant"),
    ("The city and the hospital say they will not pay.", "The city and the hospital"),
    ("The lead held until noon, when the margin narrowed and the company said it would appeal.", "the company"),
])
def test_one_sentence(sentence, who):
    assert speakers(sentence)[0][0] == who


@pytest.mark.parametrize("sentence", [
    "The report said nothing new.",
    "The ship, which had lost power, struck the bridge at 1:28 a.m.",
    "North Korea has too many soldiers, and it needs cash.",
    # a clause is not a speaker, nor is a verb
    "She repeated her campaign pledges to hire 40 more police officers.",
    "The fund, $25 million from the employers plus $5 million pledged by the state, is expected to open in May.",
    "Note: the figures are provisional.",
    # a subject never ends in an article or a conjunction, nor is "I'm not going to say" anyone's
    "Come in and tell us about it.",
    "I'm not going to say anything else about the deal today.",
    "The driver called the police at 3 a.m. and waited.",
    # a phrase of place is no role, a pronoun and its verb no name, "is now expected" no statement
    "Veltheim, based in Hanover, Germany, announced the closure on Feb. 3.",
    "6:55 a.m. — We're following reports that workers have stopped production.",
    "The transfer will speed up, and final production at Calder Falls is now expected on July 31.",
    # an inverted verb takes a name or a role, never a clause or a day
    "The board met at noon, said the talks had collapsed and left.",
    "The vote, said to be close, went ahead.",
    "The figure was confirmed, said Tuesday.",
    # an article after a noun begins a clause; a span of time never speaks
    "It fell to 148, a figure the district has called “far too low.”",
    "It said 3,000 litres, and three days later admitted to 11,000.",
    "Lorenzo Hale, 34, a nurse's aide, said he rides the No. 6 bus.",
])
def test_no_speaker(sentence):
    assert speakers(sentence) == [None]


def test_the_title_is_not_the_speaker():
    assert strip_title("State Gov. Jane Doe") == ("Jane Doe", "governor")
    assert strip_title("Defense Secretary Lloyd Austin") == ("Lloyd Austin", "secretary")
    assert strip_title("Jane Doe") == ("Jane Doe", None)


def test_pronouns_roles_and_surnames_resolve_to_the_person():
    assert speakers(
        "Rachel Minyoung Lee, an analyst at Stimson, said it was odd.",
        "“It is bad,” she told CBC News.",
        "Gov. Wes Moore spoke next.",
        "He said more.",
        "She added that it was worse.",
        "The governor said the state would not pay.",
        "“No,” Lee said.",
    ) == [("Rachel Minyoung Lee", "said"), ("Rachel Minyoung Lee", "pronoun"), None, ("Wes Moore", "pronoun"),
          ("Rachel Minyoung Lee", "pronoun"), ("Wes Moore", "role"), ("Rachel Minyoung Lee", "surname")]


def test_two_capitalised_words_are_not_a_person():
    assert speakers("North Korean troops are in Russia.", "He then added that the deal was signed.") == [None, None]


@pytest.mark.parametrize("name, person", [
    ("Jane Roe", True), ("Rachel Minyoung Lee", True), ("Civic Union", False), ("World Health Organization", False),
    ("Ohio Environmental Protection Agency", False), ("Jane", False), ("U.S. Army", False),
])
def test_a_person_is_two_to_four_capitalised_words_not_ending_as_an_organisation_does(name, person):
    assert looks_like_person(name) is person


def test_a_person_named_only_as_a_quotes_speaker_is_who_the_next_he_means():
    assert speakers(
        "Gov. Teresa Lindgren toured the levee on Monday.",
        "“We are not done,” said Garrett Lyle, who farms below it.",
        "“The river will rise again,” he added.",
    )[1:] == [("Garrett Lyle", "quote_said"), ("Garrett Lyle", "pronoun")]
    # an organisation is never who "he" or "she" means
    assert speakers(
        "Gov. Teresa Lindgren toured the levee on Monday.",
        "“We are ready,” said the Civic Union.",
        "“It held,” she said.",
    )[2] == ("Teresa Lindgren", "pronoun")


def test_a_transcript_label_names_the_speaker():
    assert speakers("SCOTT COWAN: Quite a few are out of work.", "COWAN: We will keep a few working.") == [
        ("Scott Cowan", "label"), ("Scott Cowan", "label")]


def test_each_source_of_a_sentence_quoting_two():
    a = Attributor()
    assert a.sources_by_position("Police estimated 24,000, while organisers said more than 100,000 attended.") == [
        (7, "Police"), (42, "organisers")]
    assert [m.kind for m in mentions("“Fine,” Moore said, according to aides.")] == ["said", "according_to"]


def test_the_role_after_a_quote_is_the_person_who_holds_it():
    assert speakers("Russian President Vladimir Putin spoke on Friday.",
                    "“Images are a serious thing,” said the Russian president.")[1] == ("Vladimir Putin", "role")
    assert [(m.text, m.kind) for m in mentions("“Images are a serious thing,” said the Russian president.")] == [
        ("the Russian president", "quote_said")]


def test_she_is_the_person_last_named_first_not_the_last_to_speak():
    assert speakers(
        "Nadia Fairbanks, the mayor-elect, said she was ready.",
        "Margaret Oduya, the judge, said the ballots count.",
        "In her remarks, Fairbanks thanked Oduya for her ruling.",  # Fairbanks is the subject: she leads
        "She announced that she would ask the council for a review.",
    ) == [("Nadia Fairbanks", "said"), ("Margaret Oduya", "said"), None, ("Nadia Fairbanks", "pronoun")]


def test_a_preposition_does_not_begin_a_speaker():
    assert [m.text for m in mentions("In her remarks, the mayor said the count was fair.")] == ["the mayor"]


def test_a_description_after_a_name_stays_a_description():
    assert speakers("Jane Roe, the union's president, said the offer was an insult.")[0][0] == "Jane Roe"


def test_he_and_she_skip_the_people_the_text_says_are_of_the_other():
    # a role written with -man/-woman, a title, and a person's own "said she" say which pronoun fits
    assert speakers(
        "Gov. Teresa Lindgren says she is not ruling out a special session.",
        "Attorney General Brian Castellano said he would appeal.",
        "She said the governor was weighing every option.",
        "“We will take this to Washington,” he said.",
        "Her spokesman, Colin Reyes, said no decision would come before next week.",
        "She added that it was a sad day.",
    ) == [("Teresa Lindgren", "said"), ("Brian Castellano", "said"), ("Teresa Lindgren", "pronoun"),
          ("Brian Castellano", "pronoun"), ("Colin Reyes", "said"), ("Teresa Lindgren", "pronoun")]
    assert speakers(
        "Spokeswoman Lena Okafor briefed reporters.",
        "Mr. Dale Pettibone, the company's president, arrived later.",
        "She said the count was 12.",
    )[2] == ("Lena Okafor", "pronoun")


def test_a_transcript_turn_that_reports_another_source_credits_that_source():
    assert speakers(
        "WHITLOCK: The pension boards say the hole is $431 million.",
        "WHITLOCK: That is a lot of money.",
    ) == [("The pension boards", "said"), ("Whitlock", "label")]


@pytest.mark.parametrize("role, gender", [
    ("spokeswoman", "she"), ("chairman", "he"), ("congresswoman", "she"), ("widow", "she"),
    ("mother-in-law", "she"), ("director", None), ("director-general", None), ("human", None),
    ("spokesperson", None), ("German", None), (None, None),
])
def test_a_role_says_he_or_she_only_by_its_form_or_a_kinship_word(role, gender):
    from briefings.extraction.language import role_gender
    assert role_gender(role) == gender


@pytest.mark.parametrize("before, sentence, after, who", [
    # a titled person "of" the body they speak for
    ("“We did nothing wrong,” said Henrik Dalby, a lawyer for the club.",
     "Detective Chief Superintendent Maria Kessler of the Regional Fraud Unit said six arrests had been made.",
     "She said more would follow.", "Maria Kessler"),
    # a live entry after a spaced hyphen
    ("10:20 - Dr. Ilse Marr, the league's doctor, said the player was unhurt.",
     "11:05 - Club chairman Bernt Quist, in a statement, said the club would appeal.",
     "He said the ban was unjust.", "Bernt Quist"),
])
def test_the_person_a_new_style_of_attribution_credits_is_who_the_next_he_or_she_means(before, sentence, after, who):
    assert speakers(before, sentence, after)[1:] == [(who, "said"), (who, "pronoun")]


@pytest.mark.parametrize("sentences, who", [
    (("For four days a skipper took him across.", "That skipper, Conall Breck, has become a local figure.",
      "He says he has made the crossing 16 times."), ("Conall Breck", "pronoun")),
    (("The island's only GP, Niamh Carrow, has seen 38 patients.", "Several residents left.",
      "She says more are coming."), ("Niamh Carrow", "pronoun")),
    # a title in lower case before the name
    (("Transport Minister Rosalind Agbaje said the review would report.",
      "On Skarra, mayor Jonas Verity is pushing for something more basic.",
      "“We learned a lesson,” he said."), ("Jonas Verity", "pronoun")),
    # a description of a place is not a person's: no one for "he" to mean
    (("In the capital, Port Aubin, residents queued.", "He said it was bad."), None),
])
def test_a_description_or_a_lower_case_title_before_a_name_introduces_that_person(sentences, who):
    assert speakers(*sentences)[-1] == who
