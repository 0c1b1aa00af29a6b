"""The data model: SQLAlchemy 2 ORM tables, sessions and migrations."""

from models.audit import AuditEvent, record
from models.base import Base
from models.files import StoredFile
from models.letters import Letter, Status
from models.repeat_index import RepeatBand, RepeatKey, RepeatMatterGroup, RepeatPetitioner, RepeatSignature  # noqa: F401
from models.repeats import RepeatLink
from models.reviews import Review
from models.suggestions import Suggestion
from models.users import Role, User

__all__ = ["AuditEvent", "Base", "Letter", "RepeatLink", "Review", "Role", "Status", "StoredFile",
           "Suggestion", "User", "record"]
