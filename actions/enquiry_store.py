"""The action server's one enquiry service, opened on first use.

The database engine is created once per action-server process and its tables
made before the first enquiry is read or written; every action shares it.
"""

import asyncio
import logging

from council.database import create_engine, create_tables
from council.enquiries import EnquiryService
from council.settings import get_settings

logger = logging.getLogger(__name__)


class EnquiryStore:
    """Opens the :class:`EnquiryService` once and hands the same one out."""

    def __init__(self) -> None:
        self._service: EnquiryService | None = None
        self._opening = asyncio.Lock()

    async def service(self) -> EnquiryService:
        """The process's enquiry service; the first call opens the database.

        Raises what the database driver raises if it cannot be reached; the next
        call tries again.
        """
        if self._service is not None:
            return self._service

        async with self._opening:
            if self._service is None:
                engine = create_engine(get_settings().async_database_url)
                await create_tables(engine)
                self._service = EnquiryService(engine)
                logger.info("Enquiry service ready for the action server")
        return self._service


enquiries = EnquiryStore()
