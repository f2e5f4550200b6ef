"""The single view of the resident: one answer from the council's silos.

A resident index links each silo record (Council Tax, housing, benefits,
parking, enquiries) to one verified person, exact keys first and a Splink
model for the rest, keeping each link's confidence. The service answers for
the signed-in resident from the verified identity alone, and for staff with
an audit row per view. See ``docs/single-view.md``.
"""

from council.single_view.audit import ViewerRole
from council.single_view.errors import (
    NoIdentityError,
    PersonNotFoundError,
    SingleViewError,
    ViewRefusedError,
)
from council.single_view.export import SubjectAccessExport
from council.single_view.index import IdentityConflictError, IndexReport, ResidentIndex
from council.single_view.payments import NoPaymentHistory, PaymentHistory
from council.single_view.records import (
    BenefitClaim,
    Collection,
    CouncilTaxAccount,
    EnquirySummary,
    HousingCase,
    Instalment,
    LinkSummary,
    ParkingPermit,
    PaymentSummary,
    PenaltyCharge,
    ResidentView,
)
from council.single_view.retention import RetentionReport, apply_retention
from council.single_view.service import SingleViewService

__all__ = [
    "BenefitClaim",
    "Collection",
    "CouncilTaxAccount",
    "EnquirySummary",
    "HousingCase",
    "IdentityConflictError",
    "IndexReport",
    "Instalment",
    "LinkSummary",
    "NoIdentityError",
    "NoPaymentHistory",
    "ParkingPermit",
    "PaymentHistory",
    "PaymentSummary",
    "PenaltyCharge",
    "PersonNotFoundError",
    "ResidentIndex",
    "ResidentView",
    "RetentionReport",
    "SingleViewError",
    "SingleViewService",
    "SubjectAccessExport",
    "ViewRefusedError",
    "ViewerRole",
    "apply_retention",
]
