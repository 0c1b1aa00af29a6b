"""The data model: SQLAlchemy 2 ORM tables, sessions and migrations."""

from xinfang.models.audit import AuditEvent, record
from xinfang.models.base import Base
from xinfang.models.corrections import TextCorrection
from xinfang.models.files import StoredFile
from xinfang.models.letters import Letter, Status
from xinfang.models.logins import LoginThrottle
from xinfang.models.repeat_index import (  # noqa: F401
           RepeatBand,
           RepeatKey,
           RepeatMatterGroup,
           RepeatPetitioner,
           RepeatSignature,
)
from xinfang.models.repeats import RepeatLink
from xinfang.models.reviews import Review
from xinfang.models.suggestions import Suggestion
from xinfang.models.users import Role, User

__all__ = ["AuditEvent", "Base", "Letter", "LoginThrottle", "RepeatLink", "Review", "Role", "Status", "StoredFile",
           "Suggestion", "TextCorrection", "User", "record"]
