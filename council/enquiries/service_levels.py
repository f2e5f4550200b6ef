"""How soon the council promises to deal with each kind of enquiry.

The service levels are in working days from the day the enquiry is received,
by category; a category not listed gets :data:`DEFAULT_WORKING_DAYS`. A council
changes its promises here; a test checks every id is a real category.
"""

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from council.enquiries.working_days import WorkingDays

DEFAULT_WORKING_DAYS = 10

WORKING_DAYS_BY_CATEGORY: Mapping[str, int] = MappingProxyType(
    {
        "emergencies.storms-and-fallen-trees": 1,
        "waste.missed-collection": 2,
        "waste.clinical-and-assisted": 2,
        "roads-and-transport.potholes-and-road-defects": 5,
        "environment-and-neighbourhood.fly-tipping": 5,
        "environment-and-neighbourhood.graffiti-and-street-cleaning": 5,
        "roads-and-transport.street-lighting": 10,
        "council-and-contact.complaints-and-feedback": 10,
        "housing.council-home-repairs": 20,
        # The Freedom of Information Act 2000, section 10: 20 working days.
        "council-and-contact.freedom-of-information": 20,
    }
)


def working_days_for(category: str) -> int:
    """The service level of ``category`` in working days."""
    return WORKING_DAYS_BY_CATEGORY.get(category, DEFAULT_WORKING_DAYS)


def target_date(category: str, received_on: date, calendar: WorkingDays) -> date:
    """The date an enquiry of ``category`` received on ``received_on`` is due."""
    return calendar.add(received_on, working_days_for(category))
