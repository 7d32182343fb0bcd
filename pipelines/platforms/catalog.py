"""The platforms socialpulse ingests: one declarative spec each, and the client class that serves it.

Adding a platform = a spec here + one client module; the ingest assets are generated from this catalog.
"""

from __future__ import annotations

from importlib import import_module

from pipelines.platforms.base import PlatformClient, PlatformSpec
from pipelines.settings import PLATFORMS

# platform -> "module:Class"; modules are imported lazily so a broken client does not break the others.
CLIENT_CLASSES: dict[str, str] = {
    "facebook": "pipelines.platforms.facebook:FacebookClient",
    "instagram": "pipelines.platforms.instagram:InstagramClient",
    "x": "pipelines.platforms.x:XClient",
    "linkedin": "pipelines.platforms.linkedin:LinkedInClient",
    "youtube": "pipelines.platforms.youtube:YouTubeClient",
    "tiktok": "pipelines.platforms.tiktok:TikTokClient",
}


def client_class(platform: str) -> type[PlatformClient]:
    if platform not in CLIENT_CLASSES:
        from pipelines.errors import ConfigError

        raise ConfigError("brands.yaml", "accounts", "unknown platform", value=platform, expected=", ".join(PLATFORMS))
    module_name, class_name = CLIENT_CLASSES[platform].split(":")
    return getattr(import_module(module_name), class_name)


def platform_spec(platform: str) -> PlatformSpec:
    return client_class(platform).spec


def available_platforms() -> list[str]:
    """Platforms whose client module exists (all six once the connectors are in)."""
    found = []
    for platform in PLATFORMS:
        try:
            client_class(platform)
        except ModuleNotFoundError:
            continue
        found.append(platform)
    return found
