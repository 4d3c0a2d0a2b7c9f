"""The words synthetic records are made of: names, quotes, paraphrases, outlets and headlines.

Templates hold `{place}`, `{enforcement}` and `{groups}`, filled in where they are used.
"""

from cities.models import StanceLevel
from statements.models import Medium, Practice


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    """
    James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy
    Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily
    Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah
    Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy
    Jacob Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Brenda Stephen Emma Larry
    Anna Justin Pamela Scott Nicole Brandon Samantha Benjamin Katherine Samuel Christine
    Gregory Debra Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia
    Dennis Heather Jerry Helen Tyler Catherine Aaron Diane Jose Julie Adam Victoria Nathan
    Joyce Henry Lauren Zachary Kelly Douglas Christina Peter Ruth Kyle Joan Noah Virginia
    Ethan Judith Jeremy Evelyn Christian Hannah Walter Andrea Keith Megan Austin Cheryl
    Roger Jacqueline Terry Martha Sean Madison Gerald Teresa Carl Gloria Dylan Sara Harold
    Janice Jordan Ann Jesse Kathryn Bryan Abigail Lawrence Sophia Arthur Frances Gabriel
    Jean Bruce Alice Logan Judy Billy Isabella Juan Luis Carlos Miguel Alejandro Sofia
    Camila Valentina Lucia Mateo Diego Ximena Guadalupe Wei Mei Jin Hiroshi Yuki Priya Anil
    Deepa Rahul Fatima Omar Aisha Hassan Amara Kwame Nia Tariq Leila Minh Thanh Linh Jamal
    Keisha Darnell Tamika Andre Imani Malik Aaliyah
    """
)

LAST_NAMES = _words(
    """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
    Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
    White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott
    Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
    Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
    Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed
    Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray
    Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez
    Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales
    Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds
    Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar
    Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington
    Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson
    Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes
    Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice
    Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant
    Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley
    Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado
    Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis
    Carpenter Lawrence Sandoval Okafor Mensah Haddad Khan Nakamura Yamamoto Wong Singh Shah
    """
)

ENFORCEMENT = (
    "immigration raids",
    "workplace raids",
    "deportations",
    "immigration sweeps",
    "courthouse arrests",
    "the federal enforcement surge",
    "ICE operations",
    "mass deportation plans",
)
GROUPS = (
    "immigrant families",
    "our residents",
    "workers",
    "students and parents",
    "our neighbors",
    "asylum seekers",
    "undocumented residents",
    "every community",
)

QUOTES = {
    StanceLevel.REFUSES: (
        "{place} will not use local police to do the federal government's job.",
        "Our officers will not ask anyone about their immigration status.",
        "We will not honor ICE detainer requests without a judicial warrant.",
        "No one in {place} should be afraid to call 911 because of {enforcement}.",
        "{place} is and will remain a sanctuary for {groups}.",
        "Our jail will not hold people past their release date for immigration agents.",
        "We are not going to take part in {enforcement}, full stop.",
        "Trust between police and {groups} keeps all of us safe.",
        "Federal agents will get no help from this department in carrying out {enforcement}.",
        "We will defend {groups} in court if we have to.",
    ),
    StanceLevel.LIMITED: (
        "We will honor a detainer only when it comes with a signed warrant from a judge.",
        "Our deputies focus on serious crime, not on civil immigration violations.",
        "We share information with federal partners only when the law requires it.",
        "We notify ICE about releases only for people convicted of violent felonies.",
        "Local resources belong to local priorities, but we follow state law.",
        "We will not stop ICE from doing its job, and we will not do it for them.",
        "Our policy protects {groups} while keeping dangerous offenders off the streets.",
    ),
    StanceLevel.COOPERATES: (
        "We will cooperate fully with ICE and every federal law enforcement partner.",
        "Our 287(g) agreement lets deputies identify dangerous offenders in our jail.",
        "We honor every lawful detainer request from immigration authorities.",
        "{place} is not and will never be a sanctuary city.",
        "We will work with federal agents to remove criminals from our streets.",
        "Anyone booked into this jail is checked against federal immigration databases.",
        "We welcome the support of federal agents during {enforcement}.",
    ),
    StanceLevel.UNKNOWN: (
        "We are reviewing the federal guidance and will have more to say soon.",
        "Our department has not received any request from ICE about {enforcement}.",
        "We ask residents to stay calm and to rely on verified information.",
        "The city attorney is studying what the executive order requires of us.",
        "We have made no decision on the detainer question yet.",
        "Public safety for {groups} is our only concern this week.",
    ),
}

ACTIONS = {
    StanceLevel.REFUSES: (
        "would not assist federal immigration raids",
        "would decline ICE detainer requests without a judicial warrant",
        "would keep its sanctuary policy in place",
        "would bar officers from asking about immigration status",
        "would not share jail records with immigration agents",
        "would end its cooperation agreement with ICE",
    ),
    StanceLevel.LIMITED: (
        "would honor detainers only with a judicial warrant",
        "would notify ICE only about people convicted of serious crimes",
        "would review its cooperation with ICE",
        "would limit what booking data it shares with federal agencies",
    ),
    StanceLevel.COOPERATES: (
        "would keep working with ICE under its 287(g) agreement",
        "would honor all ICE detainer requests",
        "would assist federal agents during enforcement operations",
        "would share booking data with immigration authorities",
        "would apply for a 287(g) agreement",
    ),
    StanceLevel.UNKNOWN: (
        "had not yet decided how to respond to federal requests",
        "would wait for legal guidance before changing its policy",
        "declined to comment on federal enforcement plans",
    ),
}

SETTINGS = {
    Medium.PRESS_STATEMENT: "in a written statement",
    Medium.SOCIAL_MEDIA: "in a post on social media",
    Medium.INTERVIEW: "in an interview",
    Medium.PRESS_CONFERENCE: "at a press conference",
    Medium.ORDER: "in an executive order",
    Medium.LETTER: "in a letter to federal officials",
    Medium.OTHER: "at a council meeting",
    Medium.NOT_STATED: "according to local reports",
}
MEDIA = list(SETTINGS)
MEDIUM_WEIGHTS = [30, 18, 16, 14, 4, 6, 6, 6]

OUTLET_SUFFIXES = (
    "Herald",
    "Times",
    "Ledger",
    "Courier",
    "Tribune",
    "Gazette",
    "Record",
    "Post",
    "Sentinel",
    "Observer",
    "Public Radio",
)
NATIONAL_OUTLETS = ("Metro Wire", "Capitol Report", "Channel 7 News", "The National Desk")
HEADLINES = (
    "{place} officials respond to {enforcement}",
    "{place} clarifies its policy on ICE detainers",
    "Council debates sanctuary ordinance in {place}",
    "What {place}'s police will and will not do for ICE",
    "Sheriff weighs 287(g) agreement near {place}",
    "{place} leaders react to {enforcement}",
    "Advocates press {place} on immigration policy",
)
STANCE_SUMMARIES = {
    StanceLevel.REFUSES: "Local police decline ICE detainers and do not join immigration enforcement.",
    StanceLevel.LIMITED: "Detainers are honored only with a judicial warrant; no joint operations.",
    StanceLevel.COOPERATES: "Honors ICE detainers and works with federal immigration agents.",
    StanceLevel.UNKNOWN: "No public policy on cooperation with ICE has been announced.",
}
PRACTICES = {
    StanceLevel.REFUSES: {
        "joins_ice_operations": Practice.NO,
        "honours_detainers": Practice.NO,
        "notifies_releases": Practice.NO,
        "has_287g_agreement": Practice.NO,
    },
    StanceLevel.LIMITED: {
        "joins_ice_operations": Practice.NO,
        "honours_detainers": Practice.UNKNOWN,
        "has_287g_agreement": Practice.NO,
    },
    StanceLevel.COOPERATES: {
        "joins_ice_operations": Practice.YES,
        "honours_detainers": Practice.YES,
        "notifies_releases": Practice.YES,
        "declared_sanctuary": Practice.NO,
    },
    StanceLevel.UNKNOWN: {},
}
EVENT_WORDS = (
    ("Silent", "Northern", "Iron", "Coastal", "Prairie", "Summit", "Harbor", "Granite"),
    ("Sweep", "Shield", "Watch", "Net", "Gate", "Falcon", "Anchor", "Lantern", "Sentinel"),
)
