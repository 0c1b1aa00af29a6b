"""Settings from the environment, in one place, so the web app, the worker and the CLI agree."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from xinfang.core.deadlines import normalise_counting
from xinfang.core.errors import ConfigError


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass(frozen=True)
class Settings:
    """Everything a deployment may change. Defaults give a working single-machine install."""

    data_dir: Path
    database_url: str
    redis_url: str
    queue_name: str = "xinfang"
    ocr_engine: str = "auto"
    ocr_languages: str = "chi_sim"
    max_upload_bytes: int = 200 * 1024 * 1024
    max_pages: int = 200
    max_image_pixels: int = 80_000_000
    render_dpi: int = 200
    job_timeout: int = 900
    job_retries: int = 2
    routing_days: int = 15
    day_counting: str = "calendar"
    abstain_threshold: float = 0.5
    secure_cookies: bool = False  # True behind HTTPS: cookies are sent over HTTPS only
    proxies: int = 0              # reverse proxies in front of the web app whose X-Forwarded-* are trusted
    job_memory_mb: int = 6144          # what one letter's job may add to the warm worker's memory
    maintenance_seconds: int = 60      # how often an idle worker sweeps for letters whose job was lost
    retrain_hours: float = 24.0        # scheduled retraining on confirmed letters; 0 turns it off

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def derived_dir(self) -> Path:
        return self.data_dir / "derived"

    @property
    def model_dir(self) -> Path:
        return self.models_root / "current"

    @property
    def models_root(self) -> Path:
        # Trained classifiers; not "models", which would read as the ORM package (xinfang.models).
        return self.data_dir / "classifiers"

    @property
    def secret_key(self) -> str:
        """A per-install key kept in the data directory, so sessions survive restarts of the web app."""
        configured = os.environ.get("XINFANG_SECRET_KEY")
        if configured:
            return configured
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _day_counting(value: str) -> str:
    """Checked at start-up, so a wrong value stops the process with a message, not every queue page."""
    try:
        return normalise_counting(value)
    except ValueError:
        raise ConfigError(f"XINFANG_DAY_COUNTING={value!r}: use 'calendar' or 'workdays'.") from None


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("XINFANG_DATA_DIR", "./var")).resolve()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'xinfang.db'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        queue_name=os.environ.get("XINFANG_QUEUE", "xinfang"),
        ocr_engine=os.environ.get("XINFANG_OCR_ENGINE", "auto"),
        max_upload_bytes=_env_int("XINFANG_MAX_UPLOAD_BYTES", 200 * 1024 * 1024),
        max_pages=_env_int("XINFANG_MAX_PAGES", 200),
        max_image_pixels=_env_int("XINFANG_MAX_IMAGE_PIXELS", 80_000_000),
        job_timeout=_env_int("XINFANG_JOB_TIMEOUT", 900),
        routing_days=_env_int("XINFANG_ROUTING_DAYS", 15),
        day_counting=_day_counting(os.environ.get("XINFANG_DAY_COUNTING", "calendar")),
        abstain_threshold=_env_float("XINFANG_ABSTAIN_THRESHOLD", 0.5),
        secure_cookies=os.environ.get("XINFANG_SECURE_COOKIES", "").strip().lower() in ("1", "true", "yes", "on"),
        proxies=_env_int("XINFANG_PROXIES", 0),
        job_memory_mb=_env_int("XINFANG_JOB_MEMORY_MB", 6144),
        maintenance_seconds=_env_int("XINFANG_MAINTENANCE_SECONDS", 60),
        retrain_hours=_env_float("XINFANG_RETRAIN_HOURS", 24.0),
    )
