"""Cornish places for the synthetic residents: towns, postcode districts,
street names and the names of houses, all made up from common elements.

No real address is meant: streets are drawn at random for each town, so a
"Chapel Street, Truro TR1 4QX" is a plausible place, not a real one.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Town:
    name: str
    districts: tuple[str, ...]
    parking_zone: str


TOWNS: tuple[Town, ...] = (
    Town("Truro", ("TR1", "TR2", "TR3", "TR4"), "TRU"),
    Town("Falmouth", ("TR11",), "FAL"),
    Town("Penzance", ("TR18", "TR20"), "PNZ"),
    Town("St Ives", ("TR26",), "STI"),
    Town("Newquay", ("TR7", "TR8"), "NQY"),
    Town("Camborne", ("TR14",), "CAM"),
    Town("Redruth", ("TR15", "TR16"), "RED"),
    Town("Helston", ("TR12", "TR13"), "HEL"),
    Town("Hayle", ("TR27",), "HAY"),
    Town("St Agnes", ("TR5",), "SAG"),
    Town("Perranporth", ("TR6",), "PER"),
    Town("St Austell", ("PL25", "PL26"), "STA"),
    Town("Bodmin", ("PL30", "PL31"), "BOD"),
    Town("Wadebridge", ("PL27",), "WAD"),
    Town("Padstow", ("PL28",), "PAD"),
    Town("Launceston", ("PL15",), "LAU"),
    Town("Liskeard", ("PL14",), "LIS"),
    Town("Looe", ("PL13",), "LOO"),
    Town("Saltash", ("PL12",), "SAL"),
    Town("Torpoint", ("PL11",), "TOR"),
    Town("Fowey", ("PL23",), "FOW"),
    Town("Lostwithiel", ("PL22",), "LOS"),
    Town("Callington", ("PL17",), "CAL"),
)

# Cornish place-name elements (tre- homestead, pen- headland, pol- pool,
# chy- house, ros- heath, lan- church enclosure) and common endings.
PREFIXES = ("Tre", "Pen", "Pol", "Chy", "Ros", "Lan", "Bos", "Car", "Porth", "Nan")
STEMS = (
    "vean",
    "hallow",
    "dower",
    "gwidden",
    "darrow",
    "wartha",
    "lowarth",
    "meneth",
    "glaze",
    "kerris",
    "morva",
    "vose",
    "tallan",
    "hendra",
    "nance",
    "gwyn",
    "wyn",
    "coose",
    "lease",
    "venna",
)
ENDINGS = (
    "Road",
    "Street",
    "Close",
    "Lane",
    "Avenue",
    "Terrace",
    "Gardens",
    "Drive",
    "Crescent",
    "Way",
    "Hill",
    "Parc",
)
ENGLISH_STREETS = (
    "Fore Street",
    "Chapel Street",
    "Church Road",
    "Station Road",
    "Harbour View",
    "Quay Street",
    "Market Place",
    "Mount Pleasant",
    "Higher Fore Street",
    "Lower Road",
    "St Piran's Road",
    "Trelawny Road",
    "Wesley Place",
    "Boscawen Street",
    "Lemon Street",
    "Coinagehall Street",
)
HOUSE_NAMES = (
    "Rose Cottage",
    "Chy an Mor",
    "Sea View",
    "The Old Chapel",
    "Wheal Rose",
    "Bosvean",
    "Trevose",
    "Kernow House",
    "The Count House",
    "Mill Cottage",
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Street-name abbreviations as clerks type them.
STREET_ABBREVIATIONS = {
    "Road": "Rd",
    "Street": "St",
    "Avenue": "Ave",
    "Close": "Cl",
    "Terrace": "Terr",
    "Gardens": "Gdns",
    "Drive": "Dr",
    "Crescent": "Cres",
    "Lane": "Ln",
}

# First names and surnames with a Cornish flavour, mixed in with Faker's
# general British lists, and surnames that come both as Mc and Mac.
CORNISH_FIRST_NAMES_FEMALE = (
    "Morwenna",
    "Tamsin",
    "Kerensa",
    "Demelza",
    "Loveday",
    "Jenna",
    "Wenna",
    "Elowen",
    "Lowenna",
    "Senara",
)
CORNISH_FIRST_NAMES_MALE = (
    "Jago",
    "Piran",
    "Tristan",
    "Locryn",
    "Kitto",
    "Cadan",
    "Jory",
    "Petroc",
)
CORNISH_SURNAMES = (
    "Trevithick",
    "Penhaligon",
    "Tregenza",
    "Pascoe",
    "Nancarrow",
    "Polglase",
    "Trelawny",
    "Chenoweth",
    "Angove",
    "Curnow",
    "Tremayne",
    "Kitto",
    "Pengelly",
    "Pender",
    "Rowe",
    "Trewin",
    "Rosevear",
    "Hocking",
    "Treloar",
    "Carlyon",
)
MAC_SURNAMES = (
    ("McDonald", "MacDonald"),
    ("McKenzie", "MacKenzie"),
    ("McLean", "MacLean"),
    ("McIntosh", "Mackintosh"),
    ("McLeod", "MacLeod"),
    ("McGregor", "MacGregor"),
)
